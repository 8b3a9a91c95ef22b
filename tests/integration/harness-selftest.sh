#!/bin/sh
# harness-selftest.sh: proves tests/integration/lib.sh without lbbgpd.
# BIRD (127.0.9.2, AS 64512) and GoBGP (127.0.9.3, AS 64513, API port 50109)
# peer with each other and exchange routes with communities; the test checks
# states, normalised route lists, a BIRD restart, and that the cleanup trap
# kills what it started and dumps logs on failure and on SIGTERM.
# Test number 9: it owns 127.0.9.0/24 and the API ports 50109, 50209, ... (lib.sh).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
itest_init harness-selftest
itest_need bird birdc gobgpd gobgp "$ITEST_PY" ss

B=127.0.9.2
G=127.0.9.3

# BIRD exports static routes; GoBGP refuses 127/8 next hops, so set others.
bird_top='
protocol static vips4 {
	ipv4;
	route 10.9.0.1/32 unreachable;
	route 10.9.0.2/32 unreachable;
	route 10.9.0.3/32 unreachable;
}
protocol static vips6 {
	ipv6;
	route 2001:db8:9::1/128 unreachable;
}
filter to_lb {
	bgp_community.add((64512,100));
	bgp_community.add((65535,65281));
	bgp_large_community.add((64512,1,2));
	if net = 10.9.0.3/32 then bgp_med = 30;
	if net.type = NET_IP4 then bgp_next_hop = 192.0.2.2; else bgp_next_hop = 2001:db8::2;
	accept;
}'

bird_start bird "$B" 64512 "$G" 64513 "" "$bird_top" "filter to_lb"
gobgp_start gobgp "$G" 64513 "$B" 64512 50109
wait_state bird bird Established 30 || fail "BIRD session not Established"
wait_state gobgp gobgp established 30 || fail "GoBGP session not established"
pass "sessions Established"

gobgp_cli gobgp global rib add -a ipv4 10.9.1.0/24 nexthop 192.0.2.3 \
	community 64513:200,no-export large-community 64513:3:4 med 5 >/dev/null ||
	fail "gobgp global rib add ipv4"
gobgp_cli gobgp global rib add -a ipv6 2001:db8:9:1::/64 nexthop 2001:db8::3 \
	community 64513:600 >/dev/null || fail "gobgp global rib add ipv6"

want_bird='10.9.1.0/24 nh=192.0.2.3 aspath=64513 comm=(64513,200) (65535,65281) lcomm=(64513,3,4) lp=100 med=5
2001:db8:9:1::/64 nh=2001:db8::3 aspath=64513 comm=(64513,600) lp=100'
want_gobgp='10.9.0.1/32 nh=192.0.2.2 aspath=64512 comm=(64512,100) (65535,65281) lcomm=(64512,1,2)
10.9.0.2/32 nh=192.0.2.2 aspath=64512 comm=(64512,100) (65535,65281) lcomm=(64512,1,2)
10.9.0.3/32 nh=192.0.2.2 aspath=64512 comm=(64512,100) (65535,65281) lcomm=(64512,1,2) med=30
2001:db8:9::1/128 nh=2001:db8::2 aspath=64512 comm=(64512,100) (65535,65281) lcomm=(64512,1,2)'

check_routes() {
	wait_routes bird bird 2 10 || fail "BIRD route count ($1)"
	wait_routes gobgp gobgp 4 10 || fail "GoBGP route count ($1)"
	assert_eq "$want_bird" "$(bird_routes bird)" "routes BIRD learned ($1)"
	assert_eq "$want_gobgp" "$(gobgp_routes gobgp)" "routes GoBGP learned ($1)"
	assert_eq "$(echo "$want_gobgp" | grep -c '^10\.')" "$(gobgp_routes gobgp ipv4 | wc -l)" \
		"gobgp_routes ipv4 only ($1)"
	pass "routes as expected ($1)"
}
check_routes "first start"

# A restarted BIRD reconnects within the fast timers and relearns everything.
old=$(cat "$T/bird/run.pid")
bird_restart bird
[ "$(cat "$T/bird/run.pid")" != "$old" ] || fail "bird_restart kept the old pid"
itest_dead "$old" || fail "old bird $old still running"
wait_state bird bird Established 30 || fail "BIRD session after restart"
wait_state gobgp gobgp established 30 || fail "GoBGP session after restart"
check_routes "after BIRD restart"

# Stopping GoBGP takes BIRD's session down and removes what it learned.
gobgp_stop gobgp
bird_down() { ! itest_state_is bird bird Established; }
wait_for 10 bird_down || fail "BIRD still Established after GoBGP stopped"
wait_routes bird bird 0 10 || fail "BIRD kept GoBGP's routes"
pass "session down detected"

# The trap of a failing test kills its daemons, dumps their logs, removes $T;
# same on SIGTERM. Run small tests in the background on 127.0.9.4 to see it.
sub_test() {
	# shellcheck disable=SC2016 # expanded by the child shell
	KEEP_TMP=0 sh -c '. "$(dirname "$0")/lib.sh"; itest_init selftest-child
		bird_start child 127.0.9.4 64512 127.0.9.5 64513
		echo "$T $(cat "$T/child/run.pid")" >"$1"
		[ "$2" = fail ] && fail "deliberate failure"
		sleep 30 & itest_track $!; wait $!' "$0" "$T/child-$1.info" "$1" \
		>"$T/child-$1.out" 2>&1 &
	child=$!
	itest_track "$child"
	wait_for 10 test -s "$T/child-$1.info" || fail "child test ($1) did not start"
	read -r child_t child_bird <"$T/child-$1.info"
	[ "$1" = term ] && kill -TERM "$child"
	rc=0
	wait "$child" || rc=$?
	itest_untrack "$child"
	assert_eq "$2" "$rc" "child test ($1) exit status"
	itest_dead "$child_bird" || fail "child test ($1) left bird $child_bird running"
	[ ! -e "$child_t" ] || fail "child test ($1) left $child_t"
	assert_contains "$(cat "$T/child-$1.out")" "----- child/bird.log" "child test ($1) dumped logs"
	pass "cleanup after $1"
}
sub_test fail 1
sub_test term 143

bird_stop bird
if ss -Htln | grep -Eq '127\.0\.9\.[0-9]+:179 '; then
	fail "something still listens on 127.0.9.x:179"
fi
pass "harness self-test"
