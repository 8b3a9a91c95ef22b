#!/bin/sh
# protocols.sh: protocol breadth against real routers (test 11, 127.0.11.0/24).
#   - a router in AS 4200000000 (4-octet AS, as MetalLB's e2e tests use);
#   (AS_TRANS towards a speaker without the 4-octet AS capability needs a
#   peer that does not read the capability at all: malformed.sh's raw peer
#   shows it, BIRD reads it even with "enable as4 off");
#   - IPv6 VIPs on IPv4 sessions with next-hop-v6, to BIRD and GoBGP;
#   - a route refresh asked by BIRD (birdc reload in) re-sends everything,
#     between BoRR and EoRR when enhanced route refresh is negotiated;
#   - bgpctl neighbor NAME refresh asks BIRD for its routes again;
#   - BIRD restarting with graceful restart: lbbgpd keeps its routes as
#     stale, then has them again.
. "$(dirname "$0")/lib.sh"
itest_init protocols
itest_need bird birdc gobgpd gobgp

cat >"$T/lbbgp.conf" <<EOF
router-id 10.0.11.1
local-as 64513
listen on 127.0.11.1 port 179
state-file "$T/state/lbbgp.state"

pool v4 {
	addresses 192.168.11.0/28
}
pool v6 {
	addresses 2001:db8:11::/124
}

# AS 4200000000, 4-octet AS negotiated.
neighbor big-as {
	address 127.0.11.2
	remote-as 4200000000
	connect-retry 1
	next-hop-v6 2001:db8:ffff::1
	graceful-restart yes
}
# No next-hop-v6 here: IPv6 VIPs cannot go on this IPv4 session.
neighbor v4only {
	address 127.0.11.4
	remote-as 64512
	connect-retry 1
}
# GoBGP gets IPv6 VIPs over its IPv4 session too.
neighbor gobgp {
	address 127.0.11.3
	remote-as 64512
	connect-retry 1
	next-hop 203.0.113.254
	next-hop-v6 2001:db8:ffff::1
}

advertisement all {
	pools v4 v6
	communities 64513:11
}

vip 192.168.11.1
vip 192.168.11.2
vip 2001:db8:11::1
EOF

bird_start big 127.0.11.2 4200000000 127.0.11.1 64513 \
	"graceful restart on; graceful restart time 30;" \
	"protocol static s4 { ipv4; route 203.0.113.0/24 unreachable; route 203.0.113.7/32 unreachable; }
protocol static s6 { ipv6; route 2001:db8:cafe::/48 unreachable; }" \
	"all"
bird_start v4only 127.0.11.4 64512 127.0.11.1 64513
gobgp_start gobgp 127.0.11.3 64512 127.0.11.1 64513 50111
lbbgpd_start "$T/lbbgp.conf"

wait_state bird big Established 20 || fail "no session with AS 4200000000"
wait_state bird v4only Established 20 || fail "no session with v4only"
wait_state gobgp gobgp established 20 || fail "no session with GoBGP"

# --- 4-octet AS ------------------------------------------------------------
wait_routes bird big 3 10 || fail "AS 4200000000 router: routes missing"
assert_contains "$(bird_routes big)" "192.168.11.1/32 nh=127.0.11.1 aspath=64513" \
	"AS 4200000000 router sees AS_PATH 64513"
out=$(ctl show neighbor big-as)
assert_contains "$out" "4200000000" "bgpctl shows the 4-octet AS"
pass "a router in AS 4200000000: session and routes"

# --- IPv6 VIPs on IPv4 sessions ---------------------------------------------
wait_for 10 sh -c "birdc -s '$T/big/sock' show route protocol lb 2001:db8:11::1/128 | grep -q 2001:db8:11::1" ||
	fail "BIRD does not have the IPv6 VIP"
assert_contains "$(bird_routes big)" "2001:db8:11::1/128 nh=2001:db8:ffff::1" \
	"IPv6 VIP at BIRD with next-hop-v6"
wait_for 10 sh -c "gobgp -p 50111 global rib -a ipv6 | grep -q 2001:db8:11::1" ||
	fail "GoBGP does not have the IPv6 VIP"
assert_contains "$(gobgp_routes gobgp ipv6)" "2001:db8:11::1/128 nh=2001:db8:ffff::1" \
	"IPv6 VIP at GoBGP with next-hop-v6"
# v4only has no next-hop-v6: no IPv6 VIPs, and bgpctl says why.
wait_routes bird v4only 2 10 || fail "v4only: IPv4 VIPs missing"
ctl show neighbor v4only | grep -q 'IPv6 VIPs are not sent' ||
	fail "show neighbor does not say why IPv6 VIPs are not sent"
pass "IPv6 VIPs over IPv4 sessions (next-hop-v6) at BIRD and GoBGP; a session without one says why"

# --- route refresh asked by the router --------------------------------------
before=$(ctl -j show neighbor big-as | "$ITEST_PY" -c 'import json,sys
print(json.load(sys.stdin)["neighbors"][0]["messages"]["sent"]["update"])')
bird_cli big reload in lb >/dev/null || fail "birdc reload in failed"
wait_for 10 grep -q "neighbor big-as: route refresh requested" "$T/lbbgpd.log" ||
	fail "lbbgpd did not see BIRD's route refresh"
sleep 1
after=$(ctl -j show neighbor big-as | "$ITEST_PY" -c 'import json,sys
print(json.load(sys.stdin)["neighbors"][0]["messages"]["sent"]["update"])')
[ "$after" -gt "$before" ] || fail "no UPDATE re-sent after the refresh ($before -> $after)"
wait_routes bird big 3 5 || fail "routes lost after the refresh"
ctl -j show neighbor big-as | grep -q '"enhanced-route-refresh": *true' ||
	fail "enhanced route refresh not negotiated with BIRD"
grep -q "big-as: route refresh requested for IPv4 (enhanced" "$T/lbbgpd.log" ||
	fail "the refresh was not answered with BoRR/EoRR"
pass "birdc reload in: lbbgpd re-sends its routes ($before -> $after UPDATEs), BIRD keeps all"

# --- lbbgpd asks BIRD -------------------------------------------------------
wait_for 10 sh -c "[ \$('${BGPCTL:-$top_builddir/bgpctl/bgpctl}' -s '$T/lbbgpd.sock' -j show rib in neighbor big-as | grep -c '\"prefix\"') -ge 2 ]" ||
	fail "BIRD's routes are not in show rib in"
ctl neighbor big-as refresh >/dev/null || fail "bgpctl neighbor big-as refresh failed"
wait_for 10 grep -q "big-as: asked the peer to send its routes again" "$T/lbbgpd.log" ||
	fail "no refresh sent"
pass "bgpctl neighbor refresh sends ROUTE-REFRESH; show rib in has BIRD's routes"

# --- BIRD restarts; lbbgpd is the graceful restart helper --------------------
n_in() {
	ctl -j show rib in neighbor big-as | "$ITEST_PY" -c 'import json,sys
print(len(json.load(sys.stdin)["rib"][0]["routes"]))'
}
full=$(n_in)
[ "$full" -ge 2 ] || fail "expected BIRD's 2 IPv4 routes in show rib in, got $full"
bird_pid=$(cat "$T/big/run.pid")
kill -KILL "$bird_pid"
itest_untrack "$bird_pid"
wait_for 10 grep -q "big-as: keeping its $full routes as stale" "$T/lbbgpd.log" ||
	fail "lbbgpd did not keep BIRD's routes as stale"
assert_eq "$full" "$(n_in)" "stale routes still shown while BIRD is down"
bird_run big
wait_state bird big Established 20 || fail "BIRD did not come back"
wait_for 10 sh -c "[ \$(grep -c 'big-as: End-of-RIB\|big-as.*stale routes removed\|session established' '$T/lbbgpd.log') -ge 1 ]"
sleep 2
assert_eq "$full" "$(n_in)" "routes back after BIRD's restart"
pass "BIRD restart with graceful restart: its $full routes kept as stale, then refreshed"

lbbgpd_stop
