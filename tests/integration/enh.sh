#!/bin/sh
# enh.sh: RFC 8950, IPv4 VIPs over IPv6 sessions with an IPv6 next hop (the
# Extended Next Hop Encoding capability), against BIRD 2 and GoBGP.  Like
# ipv6.sh it makes its own network namespace with IPv6 addresses on its lo,
# runs everything inside it and deletes it afterwards: lbbgpd on
# fd00:23::1 (AS 64513); BIRD routers (AS 64512) on fd00:23::2 with
# `extended next hop on` and a neighbor with extended-next-hop yes, on
# fd00:23::3 without the option (the neighbor has it: not negotiated), on
# fd00:23::4 with it (the neighbor has not: lbbgpd must not announce it);
# GoBGP on fd00:23::5.  Test 23.

# enh_addrs NS: lbbgpd and the four routers on lo.
enh_addrs() {
	for _a in 1 2 3 4 5; do
		ip -n "$1" addr add "fd00:23::$_a/128" dev lo nodad || return 1
	done
}
# shellcheck source-path=SCRIPTDIR source=netns.sh
. "$(dirname "$0")/netns.sh"
netns_run enh enh_addrs lbbgp-enh -- "$@"

. "$(dirname "$0")/lib.sh"
itest_init enh
itest_need bird birdc gobgpd gobgp

# enh_bird NAME ADDR ENH: a BIRD router like bird_start's, whose IPv4
# channel has `extended next hop ENH` (on|off); it exports 198.51.100.0/24
# to lbbgpd (over RFC 8950 when negotiated).
enh_bird() {
	_e_d=$T/$1
	mkdir -p "$_e_d"
	cat >"$_e_d/bird.conf" <<EOF
# $1: BIRD test router for lbbgp's RFC 8950 test; no protocol kernel.
log "$_e_d/bird.log" all;
router id 10.0.23.$3;
protocol device { }
protocol static { ipv4; route 198.51.100.0/24 unreachable; }
protocol bgp lb {
	local $2 port 179 as 64512;
	neighbor fd00:23::1 port 179 as 64513;
	strict bind yes;
	multihop;
	connect delay time 1;
	connect retry time 1;
	error wait time 1, 5;
	ipv4 { extended next hop $4; import all; export all; };
	ipv6 { import all; export none; };
}
EOF
	bird -p -c "$_e_d/bird.conf" >&2 || fail "bird $1: bad config $_e_d/bird.conf"
	itest_port_free "$2" 179
	bird_run "$1"
}

# The config; $1 is added to the neighbor of the BIRD without the option.
write_conf() {
	cat >"$T/lbbgp.conf" <<EOF
router-id 10.0.23.1
local-as 64513
listen on fd00:23::1 port 179

pool dual {
	addresses 192.168.23.0/29
	addresses 2001:db8:23::/125
}

neighbor bird-enh {
	address fd00:23::2
	remote-as 64512
	connect-retry 1
	extended-next-hop yes
}
neighbor bird-plain {
	address fd00:23::3
	remote-as 64512
	connect-retry 1
	extended-next-hop yes
$1
}
neighbor bird-noconf {
	address fd00:23::4
	remote-as 64512
	connect-retry 1
}
neighbor gobgp-enh {
	address fd00:23::5
	remote-as 64512
	connect-retry 1
	extended-next-hop yes
}

advertisement dual {
	pools dual
	communities 64512:23
	aggregation-length-v6 128
}

vip 2001:db8:23::1
vip 192.168.23.1
EOF
}
write_conf ""

enh_bird bird-enh fd00:23::2 2 on
enh_bird bird-plain fd00:23::3 3 off
enh_bird bird-noconf fd00:23::4 4 on
# GoBGP announces the capability for IPv4 unicast on an IPv6 session.
GOBGP_ROUTER_ID=10.0.23.5 gobgp_start gobgp-enh fd00:23::5 64512 fd00:23::1 64513 50123
lbbgpd_start "$T/lbbgp.conf"

for b in bird-enh bird-plain bird-noconf; do
	wait_state bird $b Established 20 || fail "no session with $b"
done
wait_state gobgp gobgp-enh established 20 || fail "no session with GoBGP"
pass "IPv6 sessions with three BIRDs and GoBGP"

# ---- negotiation -----------------------------------------------------------

# caps_of NAME: "enh=true" when the session negotiated extended next hop.
caps_of() { ctl -j show neighbor "$1" | "$ITEST_PY" -c 'import json, sys
n = json.load(sys.stdin)["neighbors"][0]
print("enh=%s" % str(n["capabilities"]["extended-next-hop"]).lower())'; }
assert_eq "enh=true" "$(caps_of bird-enh)" "bird-enh negotiated extended next hop"
assert_eq "enh=false" "$(caps_of bird-plain)" "bird-plain did not"
assert_eq "enh=false" "$(caps_of bird-noconf)" "bird-noconf did not"
assert_eq "enh=true" "$(caps_of gobgp-enh)" "GoBGP negotiated extended next hop"
# BIRD lists what lbbgpd announced: the capability only where configured
# (RFC 8950 §4).
bird_cli bird-enh show protocols all lb | sed -n '/Neighbor capabilities/,/Session/p' |
	grep -q "Extended next hop" || fail "bird-enh: lbbgpd did not announce extended next hop"
bird_cli bird-noconf show protocols all lb | sed -n '/Neighbor capabilities/,/Session/p' |
	grep -q "Extended next hop" && fail "bird-noconf: lbbgpd announced extended next hop unasked"
assert_contains "$(ctl show neighbor bird-enh)" "IPv4 with IPv6 next hops (RFC 8950)" \
	"show neighbor lists the capability"
assert_contains "$(ctl show neighbor bird-plain)" "did not announce extended next hop" \
	"show neighbor says why bird-plain gets no IPv4 VIPs"
pass "the capability is announced where configured and negotiated where both have it"

# ---- routes ------------------------------------------------------------------

wait_routes bird bird-enh 2 10 || fail "bird-enh does not have the 2 VIPs"
expect="192.168.23.1/32 nh=fd00:23::1 aspath=64513 comm=(64512,23) lp=100
2001:db8:23::1/128 nh=fd00:23::1 aspath=64513 comm=(64512,23) lp=100"
assert_eq "$expect" "$(bird_routes bird-enh)" "bird-enh: IPv4 VIP with the IPv6 next hop"
assert_contains "$(bird_cli bird-enh show route all 192.168.23.1/32 protocol lb)" \
	"BGP.next_hop: fd00:23::1" "BIRD's own view of the next hop"
wait_for 10 sh -c "gobgp -p 50123 global rib -a ipv4 | grep -q 192.168.23.1" ||
	fail "GoBGP does not have the IPv4 VIP"
assert_contains "$(gobgp_routes gobgp-enh ipv4)" \
	"192.168.23.1/32 nh=fd00:23::1 aspath=64513 comm=(64512,23)" "GoBGP's IPv4 route"
only6="2001:db8:23::1/128 nh=fd00:23::1 aspath=64513 comm=(64512,23) lp=100"
wait_routes bird bird-plain 1 10 || fail "bird-plain: not the IPv6 VIP alone"
assert_eq "$only6" "$(bird_routes bird-plain)" "bird-plain: no IPv4 VIP without next-hop"
wait_routes bird bird-noconf 1 10 || fail "bird-noconf: not the IPv6 VIP alone"
assert_eq "$only6" "$(bird_routes bird-noconf)" "bird-noconf: no IPv4 VIP"
assert_contains "$(ctl show rib out neighbor bird-enh)" "fd00:23::1" \
	"show rib out: the IPv6 next hop"
ctl -j show rib out neighbor bird-enh | "$ITEST_PY" -c 'import json, sys
r = [x for x in json.load(sys.stdin)["rib"][0]["routes"]
    if x["prefix"] == "192.168.23.1/32"]
assert r and r[0]["next-hop"] == "fd00:23::1", r' ||
	fail "show rib out -j: 192.168.23.1/32 without next-hop fd00:23::1"
pass "IPv4 VIPs reach BIRD and GoBGP with the IPv6 next hop, and only where negotiated"

# Run-time IPv4 VIPs come and go in MP_REACH / MP_UNREACH with AFI 1.
ctl add 192.168.23.5 owner enhtest >/dev/null || fail "add of an IPv4 VIP failed"
wait_routes bird bird-enh 3 5 || fail "run-time IPv4 VIP did not reach bird-enh"
assert_contains "$(bird_routes bird-enh)" "192.168.23.5/32 nh=fd00:23::1" \
	"run-time IPv4 VIP with the IPv6 next hop"
wait_for 5 sh -c "gobgp -p 50123 global rib -a ipv4 | grep -q 192.168.23.5" ||
	fail "GoBGP does not have the run-time IPv4 VIP"
ctl withdraw 192.168.23.5 owner enhtest >/dev/null || fail "withdraw failed"
wait_routes bird bird-enh 2 5 || fail "bird-enh kept the withdrawn IPv4 VIP"
wait_for 5 sh -c "! gobgp -p 50123 global rib -a ipv4 | grep -q 192.168.23.5" ||
	fail "GoBGP kept the withdrawn IPv4 VIP"
assert_eq 1 "$(bird_route_count bird-plain)" "bird-plain still has the IPv6 VIP only"
pass "run-time IPv4 VIP: added and withdrawn over RFC 8950 (BIRD and GoBGP)"

# Received: BIRD's IPv4 route comes with its IPv6 next hop.
rib_in_has() { ctl show rib in neighbor "$1" | grep -q "$2"; }
wait_for 10 rib_in_has bird-enh 198.51.100.0/24 ||
	fail "show rib in: no 198.51.100.0/24 from bird-enh"
assert_contains "$(ctl show rib in neighbor bird-enh)" "fd00:23::2" \
	"show rib in: BIRD's IPv6 next hop on its IPv4 route"
pass "IPv4 routes received with an IPv6 next hop show in show rib in"

# Without the capability, next-hop still gives an IPv6 session IPv4 VIPs,
# as before; a reload applies it to the running session.
write_conf "	next-hop 192.0.2.23"
out=$(ctl reload 2>&1) || fail "bgpctl reload failed: $out"
wait_routes bird bird-plain 2 10 || fail "bird-plain: no IPv4 VIP after next-hop"
assert_contains "$(bird_routes bird-plain)" "192.168.23.1/32 nh=192.0.2.23 aspath=64513" \
	"bird-plain: the IPv4 VIP with next-hop, in the classic fields"
assert_eq "$expect" "$(bird_routes bird-enh)" "bird-enh unchanged by the reload"
pass "without the capability, next-hop works as before"

lbbgpd_stop
wait_for 2 itest_count_is bird bird-enh 0 || fail "bird-enh kept the routes after SIGTERM"
pass "SIGTERM withdraws the IPv4 VIPs sent over RFC 8950"
