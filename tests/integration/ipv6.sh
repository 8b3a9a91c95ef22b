#!/bin/sh
# ipv6.sh: IPv6 sessions and IPv6 VIPs (RFC 4760, RFC 2545) against BIRD and
# GoBGP.  Loopback has only ::1, so the test makes its own network namespace
# with three IPv6 addresses on its lo, runs everything inside it and deletes
# it afterwards: lbbgpd on fd00:12::1 (AS 64513), BIRD on fd00:12::2 and
# GoBGP on fd00:12::3 (both AS 64512).  Dual-stack pools: the IPv6 session
# carries the IPv6 VIPs (next hop: lbbgpd's address) and, with next-hop, the
# IPv4 ones.  Test 12.

# ipv6_addrs NS: lbbgpd, BIRD and GoBGP on lo.
ipv6_addrs() {
	for _a in 1 2 3; do
		ip -n "$1" addr add "fd00:12::$_a/128" dev lo nodad || return 1
	done
}
# shellcheck source-path=SCRIPTDIR source=netns.sh
. "$(dirname "$0")/netns.sh"
netns_run ipv6 ipv6_addrs lbbgp-ipv6 -- "$@"

. "$(dirname "$0")/lib.sh"
itest_init ipv6
itest_need bird birdc gobgpd gobgp

cat >"$T/lbbgp.conf" <<'EOF'
router-id 10.0.12.1
local-as 64513
listen on fd00:12::1 port 179

pool dual {
	addresses 192.168.12.0/29
	addresses 2001:db8:12::/125
}

neighbor bird6 {
	address fd00:12::2
	remote-as 64512
	connect-retry 1
	next-hop 192.0.2.12
}
neighbor gobgp6 {
	address fd00:12::3
	remote-as 64512
	connect-retry 1
	next-hop 203.0.113.254
}

advertisement dual {
	pools dual
	communities 64512:12
	aggregation-length-v6 128
}

vip 2001:db8:12::1
vip 2001:db8:12::2
vip 192.168.12.1
EOF

BIRD_ROUTER_ID=10.0.12.2 bird_start bird6 fd00:12::2 64512 fd00:12::1 64513
GOBGP_ROUTER_ID=10.0.12.3 gobgp_start gobgp6 fd00:12::3 64512 fd00:12::1 64513 50112
lbbgpd_start "$T/lbbgp.conf"

wait_state bird bird6 Established 20 || fail "no IPv6 session with BIRD"
wait_state gobgp gobgp6 established 20 || fail "no IPv6 session with GoBGP"
pass "IPv6 sessions with BIRD and GoBGP"

wait_routes bird bird6 3 10 || fail "BIRD does not have the 3 VIPs"
expect_bird="192.168.12.1/32 nh=192.0.2.12 aspath=64513 comm=(64512,12) lp=100
2001:db8:12::1/128 nh=fd00:12::1 aspath=64513 comm=(64512,12) lp=100
2001:db8:12::2/128 nh=fd00:12::1 aspath=64513 comm=(64512,12) lp=100"
assert_eq "$expect_bird" "$(bird_routes bird6)" "BIRD's table over IPv6"
wait_for 10 sh -c "gobgp -p 50112 global rib -a ipv6 | grep -q 2001:db8:12::2" ||
	fail "GoBGP does not have the IPv6 VIPs"
assert_contains "$(gobgp_routes gobgp6 ipv6)" "2001:db8:12::1/128 nh=fd00:12::1 aspath=64513 comm=(64512,12)" \
	"GoBGP's IPv6 route"
pass "IPv6 VIPs as /128 with the session's address as next hop; IPv4 VIPs with next-hop"

# Run-time IPv6 VIPs come and go like IPv4 ones.
ctl add 2001:db8:12::5 owner v6test >/dev/null || fail "add of an IPv6 VIP failed"
wait_routes bird bird6 4 5 || fail "run-time IPv6 VIP did not arrive"
ctl withdraw 2001:db8:12::5 owner v6test >/dev/null || fail "withdraw failed"
wait_routes bird bird6 3 5 || fail "run-time IPv6 VIP was not withdrawn"
pass "run-time IPv6 VIP: added and withdrawn"

lbbgpd_stop
wait_for 2 itest_count_is bird bird6 0 || fail "BIRD kept the routes after SIGTERM"
pass "SIGTERM withdraws over IPv6 too"
