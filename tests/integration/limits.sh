#!/bin/sh
# limits.sh: max-prefix (RFC 4486 Cease 6/1) and min-hold-time against BIRD.
# lbbgpd (AS 64513) on 127.0.6.1; BIRD (AS 64512) on 127.0.6.2 exports ten
# routes to a neighbor limited to five; BIRD on 127.0.6.4 offers hold time
# 6 to a neighbor requiring at least 10.  Test 6: 127.0.6.0/24.
. "$(dirname "$0")/lib.sh"
itest_init limits
itest_need bird birdc

cat >"$T/lbbgp.conf" <<'EOF'
router-id 10.0.6.1
local-as 64513
listen on 127.0.6.1 port 179

neighbor chatty {
	address 127.0.6.2
	remote-as 64512
	connect-retry 1
	max-prefix 5
}
neighbor hasty {
	address 127.0.6.4
	remote-as 64512
	connect-retry 1
	min-hold-time 10
}
EOF

statics=
for i in 1 2 3 4 5 6 7 8 9 10; do
	statics="$statics route 203.0.113.$i/32 unreachable;"
done
bird_start chatty 127.0.6.2 64512 127.0.6.1 64513 "" \
	"protocol static s4 { ipv4; $statics }" "all"
bird_start hasty 127.0.6.4 64512 127.0.6.1 64513 "hold time 6;"
lbbgpd_start "$T/lbbgp.conf"

# max-prefix: the session goes down with Cease 6/1 and stays down.
wait_for 20 grep -q "more than max-prefix 5: closing the session" \
	"$T/lbbgpd.log" || fail "max-prefix did not trip"
wait_for 5 grep -q "Received: Maximum number of prefixes reached" \
	"$T/chatty/bird.log" || fail "BIRD did not get Cease/Maximum Number of Prefixes Reached"
out=$(ctl -j show neighbor chatty)
assert_contains "$out" '"max-prefix-exceeded"' "show neighbor reports max-prefix"
sleep 3
state=$(bird_state chatty)
[ "$state" != Established ] || fail "session came back although max-prefix has no restart"
ctl show neighbor chatty | grep -q "max-prefix" || fail "bgpctl show neighbor does not say why"
pass "max-prefix 5 with 10 routes: Cease 6/1, the session stays down ($state)"

# bgpctl neighbor up lifts it (and it trips again).
itest_more_trips() {
	[ "$(grep -c 'more than max-prefix 5' "$T/lbbgpd.log")" -gt "$1" ]
}
n_before=$(grep -c "more than max-prefix 5" "$T/lbbgpd.log")
ctl neighbor chatty up >/dev/null || fail "bgpctl neighbor chatty up failed"
wait_for 20 itest_more_trips "$n_before" || fail "neighbor up did not restart the session"
pass "bgpctl neighbor up restarts a session stopped by max-prefix"

# min-hold-time: hold time 6 < 10 is refused with OPEN error 2/6.
wait_for 20 grep -q "OPEN refused, OPEN Message Error/Unacceptable Hold Time (2/6): hold time 6 is below min-hold-time" \
	"$T/lbbgpd.log" || fail "hold time 6 was not refused"
[ "$(bird_state hasty)" != Established ] || fail "hold time 6 got a session"
pass "min-hold-time 10 refuses a peer offering hold time 6 (2/6)"

lbbgpd_stop
