#!/bin/sh
# announce.sh: lbbgpd announces the VIPs of its config file to real routers.
# lbbgpd (AS 64513) on 127.0.1.1; BIRD (AS 64512) on 127.0.1.2, GoBGP (AS
# 64512) on 127.0.1.3, a second BIRD on 127.0.1.4 in AS 64513 for iBGP.
# Checks: sessions Established; the seed's istio-pool VIPs arrive as /32s
# with community 64512:100, AS_PATH 64513 and the right next hop; iBGP gets
# LOCAL_PREF and an empty AS_PATH; aggregation-length 24 yields one /24; a
# router restart gets the routes again; a connection from an unconfigured
# address gets no session; a standby advertisement's MED and AS-path
# prepends arrive, and a new MED after reload; SIGTERM makes every router
# drop the routes within 2 s.  Test 1: 127.0.1.0/24, GoBGP API port 50101.
. "$(dirname "$0")/lib.sh"
itest_init announce
itest_need bird birdc gobgpd gobgp

cat >"$T/lbbgp.conf" <<'EOF'
router-id 10.0.1.1
local-as 64513
listen on 127.0.1.1 port 179

pool istio-pool {
	addresses 192.168.1.250-192.168.1.254
	auto-assign no
}
pool agg-pool {
	addresses 192.168.2.0/24
}

neighbor bird {
	address 127.0.1.2
	remote-as 64512
	connect-retry 1
}
neighbor gobgp {
	address 127.0.1.3
	remote-as 64512
	connect-retry 1
	# GoBGP ignores routes with a 127/8 next hop: send one it accepts.
	next-hop 203.0.113.254
}
neighbor bird-ibgp {
	address 127.0.1.4
	remote-as 64513
	connect-retry 1
}

advertisement istio-bgp-advertisement {
	pools istio-pool
	communities 64512:100
	aggregation-length 32
	local-pref 200
}
advertisement agg {
	pools agg-pool
	aggregation-length 24
}

vip 192.168.1.250 pool istio-pool owner istio-system/istio-ingressgateway
vip 192.168.1.251 pool istio-pool
vip 192.168.1.252 pool istio-pool
vip 192.168.1.253 pool istio-pool
vip 192.168.1.254 pool istio-pool
vip 192.168.2.10 pool agg-pool
vip 192.168.2.20 pool agg-pool
EOF

bird_start bird 127.0.1.2 64512 127.0.1.1 64513
gobgp_start gobgp 127.0.1.3 64512 127.0.1.1 64513 50101
bird_start ibgp 127.0.1.4 64513 127.0.1.1 64513
lbbgpd_start "$T/lbbgp.conf"

wait_state bird bird Established 20 || fail "BIRD session not Established"
wait_state gobgp gobgp established 20 || fail "GoBGP session not established"
wait_state bird ibgp Established 20 || fail "iBGP BIRD session not Established"
pass "three sessions Established"

# The expected tables, in lib.sh's normalised form.
expect_ebgp() { # $1: next hop
	for i in 250 251 252 253 254; do
		echo "192.168.1.$i/32 nh=$1 aspath=64513 comm=(64512,100) lp=100"
	done
	echo "192.168.2.0/24 nh=$1 aspath=64513 lp=100"
}
expect_ibgp() {
	for i in 250 251 252 253 254; do
		echo "192.168.1.$i/32 nh=127.0.1.1 aspath= comm=(64512,100) lp=200"
	done
	echo "192.168.2.0/24 nh=127.0.1.1 aspath= lp=100"
}

wait_routes bird bird 6 10 || fail "BIRD did not get 6 routes"
assert_eq "$(expect_ebgp 127.0.1.1 | sort)" "$(bird_routes bird)" \
	"BIRD (eBGP) table"
wait_routes gobgp gobgp 6 10 || fail "GoBGP did not get 6 routes"
# GoBGP shows no LOCAL_PREF for eBGP routes.
assert_eq "$(expect_ebgp 203.0.113.254 | sed 's/ lp=100//' | sort)" \
	"$(gobgp_routes gobgp ipv4)" "GoBGP (eBGP) table"
wait_routes bird ibgp 6 10 || fail "iBGP BIRD did not get 6 routes"
assert_eq "$(expect_ibgp | sort)" "$(bird_routes ibgp)" "BIRD (iBGP) table"
pass "VIPs announced as /32s with community, AS path and next hop; one /24 aggregate"

# lbbgpd's own view of the sessions.
ctl_raw() { "$ITEST_PY" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n"); print(s.makefile().readline().strip())' \
	"$T/lbbgpd.sock" "$1"; }
out=$(ctl_raw '{"cmd":"show-neighbors","name":"bird"}')
assert_contains "$out" '"state":"Established"' "lbbgpd shows bird Established"
assert_contains "$out" '"announced":6' "lbbgpd counts 6 prefixes sent to bird"

# A router restart: the session comes back and the routes are sent again.
bird_restart bird
wait_state bird bird Established 30 || fail "BIRD session not back after restart"
wait_routes bird bird 6 10 || fail "routes not re-sent after BIRD restart"
assert_eq "$(expect_ebgp 127.0.1.1 | sort)" "$(bird_routes bird)" \
	"BIRD table after restart"
pass "router restart: session and routes back"

# A connection from an address that is no neighbor: closed, nothing sent.
got=$("$ITEST_PY" -c 'import socket
s = socket.socket(); s.settimeout(5); s.bind(("127.0.1.9", 0))
s.connect(("127.0.1.1", 179)); print(len(s.recv(4096)))')
assert_eq "0" "$got" "unconfigured peer gets EOF and no byte"
grep -q "connection from 127.0.1.9:[0-9]* refused: not a configured neighbor" \
	"$T/lbbgpd.log" || fail "refusal of 127.0.1.9 not logged"
out=$(ctl_raw '{"cmd":"show-neighbors","name":"bird"}')
assert_contains "$out" '"state":"Established"' "bird session unaffected"
pass "unconfigured address refused"

# Path preference: a standby advertisement (MED and prepends) added by
# reload; then its MED changes and the route is sent again with it.
cat >>"$T/lbbgp.conf" <<'EOF'
pool standby-pool {
	addresses 192.168.3.0/24
}
advertisement standby {
	pools standby-pool
	med 50
	as-path-prepend 2
}
vip 192.168.3.1 pool standby-pool
EOF
ctl reload >/dev/null || fail "reload with a standby advertisement refused"
has_route() { # KIND NAME LINE: the router's table has LINE
	"$1"_routes "$2" | grep -qxF "$3"
}
standby_seen() { # MED
	has_route bird bird "192.168.3.1/32 nh=127.0.1.1 aspath=64513 64513 64513 lp=100 med=$1" &&
	has_route gobgp gobgp "192.168.3.1/32 nh=203.0.113.254 aspath=64513 64513 64513 med=$1" &&
	has_route bird ibgp "192.168.3.1/32 nh=127.0.1.1 aspath= lp=100 med=$1"
}
wait_for 10 standby_seen 50 || {
	bird_routes bird >&2
	gobgp_routes gobgp ipv4 >&2
	bird_routes ibgp >&2
	fail "the standby route lacks MED 50 or (eBGP) two prepends at a router"
}
assert_contains "$(ctl show rib out neighbor bird)" "64513 64513 64513" \
	"show rib out shows the prepended AS path"
sed 's/^	med 50$/	med 1000/' "$T/lbbgp.conf" >"$T/lbbgp.conf.new" &&
	mv "$T/lbbgp.conf.new" "$T/lbbgp.conf"
ctl reload >/dev/null || fail "reload with med 1000 refused"
wait_for 10 standby_seen 1000 || {
	bird_routes bird >&2
	fail "the routers did not get MED 1000 after the reload"
}
assert_eq 7 "$(bird_route_count bird)" "BIRD routes after the MED change"
pass "advertisement med and as-path-prepend reach BIRD and GoBGP; a new med goes out on reload"

# SIGTERM: Cease to everyone, the routers drop the routes within 2 s.
lbbgpd_stop
wait_for 2 itest_count_is bird bird 0 || fail "BIRD kept routes after SIGTERM"
wait_for 2 itest_count_is gobgp gobgp 0 || fail "GoBGP kept routes after SIGTERM"
wait_for 2 itest_count_is bird ibgp 0 || fail "iBGP BIRD kept routes after SIGTERM"
grep -q 'Received: Administrative shutdown: "lbbgpd shutting down"' \
	"$T/bird/bird.log" || fail "BIRD did not get the shutdown communication"
pass "SIGTERM withdraws everything within 2 s"
