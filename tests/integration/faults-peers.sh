#!/bin/sh
# faults-peers.sh: a router that stops reading, and a flood of connections
# from addresses that are no neighbor, next to a healthy session.
# lbbgpd (AS 64513) on 127.0.17.21; BIRD (AS 64512) on 127.0.17.22, hold
# time 9 s (KEEPALIVE every 3 s); a raw peer (rawpeer.py --mode stall) on
# 127.0.17.23 that completes the handshake and then never reads, with
# send-hold-time 15.  faultwatch.py watches BIRD's session all along.
#  1. Stall: 30,000 VIPs are added in one request, and fill the stalled
#     peer's queue.  While it is stalled (lbbgpd has output queued for it),
#     ten more VIPs are added one by one: each must reach BIRD within 1 s.
#     The send hold timer must drop the stalled peer (NOTIFICATION 8/0)
#     within 30 s; BIRD gets every VIP, exactly.
#  2. Flood: 1,000 TCP connections to lbbgpd from 127.0.17.100-.249 (none
#     is a neighbor), 150 a second, up to 100 open at a time (a third send
#     an OPEN header and garbage): lbbgpd closes each without reading,
#     its open descriptors stay within 2 of what they were, and are what
#     they were afterwards; refusals are logged rate-limited.
# Both times (faultlib.sh's watch_ok): BIRD's session stays up (one
# "since", Established at every sample, 2 s or more left on its hold
# timer, no expiry in its log), lbbgpd never sends it nothing for more
# than 4 s (KEEPALIVE every 3 s) and counts no flap for it, and bgpctl show
# summary answers within 1 s each time (every 0.5 s).  About 30 s.
# Test 17 (see faultlib.sh): 127.0.17.21-.23 and 127.0.17.100-.249.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=faultlib.sh
. "$ITEST_DIR/faultlib.sh"
itest_init faults-peers
itest_need bird birdc ss "$ITEST_PY"

LB=127.0.17.21
NSTATIC=5
NBULK=30000
MAXGAP=4

cat >"$T/lbbgp.conf" <<EOF
router-id 10.0.17.21
local-as 64513
listen on $LB port 179
pool static-pool {
	addresses 192.168.17.1-192.168.17.5
}
pool bulk-pool {
	addresses 10.17.128.0/17
}
pool single-pool {
	addresses 10.17.64.0/24
}
advertisement all {
}
vip 192.168.17.1 pool static-pool
vip 192.168.17.2 pool static-pool
vip 192.168.17.3 pool static-pool
vip 192.168.17.4 pool static-pool
vip 192.168.17.5 pool static-pool
neighbor bird {
	address 127.0.17.22
	remote-as 64512
	connect-retry 1
	hold-time 9
}
neighbor stall {
	address 127.0.17.23
	remote-as 64512
	passive yes
	hold-time 9
	send-hold-time 15
}
EOF

bird_start bird 127.0.17.22 64512 $LB 64513
lbbgpd_start "$T/lbbgp.conf"
wait_state bird bird Established 20 || fail "BIRD session not Established"
wait_routes bird bird $NSTATIC 10 || fail "BIRD did not get the $NSTATIC static VIPs"

nb() { ctl -j show neighbor "$1" | jq_py "r['neighbors'][0]$2"; }
bird_has() {
	bird_cli bird show route "$1" protocol lb 2>/dev/null |
		awk -v p="$1" '$1 == p { f = 1 } END { exit !f }'
}
# single N: add 10.17.64.N alone; it must be at BIRD within 1 s.
single() {
	_s_v=10.17.64.$1
	_s_t0=$(itest_now)
	ctl add "$_s_v" owner faults/single >/dev/null || fail "bgpctl add $_s_v failed"
	wait_for 1 bird_has "$_s_v/32" ||
		fail "$_s_v not at BIRD within 1 s of its add (stall peer $(nb stall '["state"]'))"
	echo "$_s_v $((($(itest_now) - _s_t0) * 10))" >>"$T/singles"
}

# ---- 1. a router that stops reading ----------------------------------------

"$ITEST_PY" "$ITEST_DIR/rawpeer.py" --name stall --local 127.0.17.23 --remote $LB \
	--mode stall --rcvbuf 4096 --until-file "$T/stall.done" --stall-max 120 \
	>"$T/stall.json" 2>"$T/stall.err" </dev/null &
STALL_PID=$!
itest_track $STALL_PID
stall_up() { [ "$(nb stall '["state"]')" = Established ]; }
wait_for 10 stall_up || fail "the stalling peer did not come up: $(cat "$T/stall.json" "$T/stall.err")"
pass "stalling peer Established"

watch_start stall bird
sleep 1
t0=$(itest_now)
add_vips faults/bulk 10.17.128.0 $NBULK
wait_routes bird bird $((NSTATIC + NBULK)) 30 || fail "BIRD did not get the $NBULK VIPs"
itest_log "$NBULK VIPs at BIRD after $((($(itest_now) - t0) * 10)) ms"

# The stalled peer has lbbgpd's output waiting, in lbbgpd or in the
# kernel's send queue of its socket: it is really stalled.
sendq() { ss -Htn state established src $LB dst 127.0.17.23 | awk '{ n += $2 } END { print n + 0 }'; }
stalled() {
	[ "$(nb stall '["state"]')" = Established ] || return 1
	[ "$(nb stall '["outq"] + r["neighbors"][0]["prefixes"]["pending"]')" -gt 0 ] ||
		[ "$(sendq)" -gt 0 ]
}
stalled || fail "the stall peer is not stalled: send queue $(sendq), $(ctl -j show neighbor stall)"
: >"$T/singles"
for n in 1 2 3 4 5 6 7 8 9 10; do
	single $n
	sleep 0.3
done
stalled || fail "the stall peer was dropped before the ten single adds were done"
itest_log "single adds during the stall, ms to BIRD: $(cut -d' ' -f2 "$T/singles" | tr '\n' ' ')"
pass "10 VIPs added one by one during the stall each reached BIRD within 1 s"

in_log() { grep -q "$1" "$T/lbbgpd.log"; }
wait_for 30 in_log 'neighbor stall: send hold timer expired' ||
	fail "the send hold timer did not drop the stalled peer within 30 s"
stall_s=$((($(itest_now) - t0) / 100))
in_log 'neighbor stall: sending NOTIFICATION .*(8/0)' || fail "no NOTIFICATION 8/0 for the stalled peer"
[ "$(nb stall '["state"]')" != Established ] || fail "the stalled peer is still Established"
single 11
touch "$T/stall.done"
wait_for 30 itest_dead $STALL_PID || fail "rawpeer.py did not stop"
wait $STALL_PID 2>/dev/null || :
itest_untrack $STALL_PID
itest_log "stall peer: $(cat "$T/stall.json")"
watch_stop stall
watch_ok "during the stall" $MAXGAP bird
total=$((NSTATIC + NBULK + 11))
wait_routes bird bird $total 30 || fail "BIRD does not have all $total VIPs"
ctl -j show vips | jq_py '"\n".join(sorted(v["vip"] + "/32" for v in r["vips"]))' >"$T/vips"
assert_eq "$(cat "$T/vips")" "$(bird_routes bird | cut -d' ' -f1 | sort)" "BIRD's routes are exactly lbbgpd's VIPs"
assert_eq 0 "$(nb bird '["flaps"]')" "lbbgpd counts no flap for BIRD"
pass "send hold timer dropped the stalled peer ${stall_s} s after the bulk add; BIRD unharmed, longest silence $(wj 'r["max_send_gap"]') s, all $total VIPs"

# ---- 2. 1,000 connections from addresses that are no neighbor ---------------

sleep 1
base=$(fds "$LBBGPD_PID")
ka0=$(nb bird '["messages"]["sent"]["keepalive"]')
nref0=$(grep -c 'refused: not a configured neighbor' "$T/lbbgpd.log" || :)
watch_start flood bird
sleep 1
t0=$(itest_now)
"$ITEST_PY" "$ITEST_DIR/connflood.py" --remote $LB --sources 127.0.17.100-249 \
	--attempts 1000 --parallel 100 --rate 150 >"$T/flood.json" 2>&1 || fail "connflood.py: $(cat "$T/flood.json")"
itest_log "flood: $(cat "$T/flood.json")"
sleep 2
watch_stop flood
secs=$((($(itest_now) - t0) / 100 + 1))
flood() { jq_py "r['$1']" <"$T/flood.json"; }
assert_eq 1000 "$(flood attempts)" "1,000 connection attempts"
assert_eq 1000 "$(flood connected)" "every attempt connected ($(flood errors))"
assert_eq 0 "$(flood held)" "lbbgpd closed every connection it accepted"
assert_eq 666 "$(flood closed_by_peer)" "lbbgpd closed the 666 connections that waited"
[ "$(wj 'r["max_fds"]')" -le $((base + 2)) ] ||
	fail "lbbgpd had up to $(wj 'r["max_fds"]') descriptors open during the flood, $base before"
assert_eq "$base" "$(fds "$LBBGPD_PID")" "lbbgpd's open descriptors after the flood"
watch_ok "during the flood" $MAXGAP bird
assert_eq 0 "$(nb bird '["flaps"]')" "lbbgpd counts no flap for BIRD"
assert_eq Established "$(nb bird '["state"]')" "lbbgpd's session to BIRD"
ka1=$(nb bird '["messages"]["sent"]["keepalive"]')
wsecs=$(wj 'int(r["seconds"])')
[ $((ka1 - ka0)) -ge $((wsecs / 3 - 1)) ] ||
	fail "lbbgpd sent $((ka1 - ka0)) KEEPALIVEs to BIRD in about $wsecs s (one every 3 s)"
nref=$(($(grep -c 'refused: not a configured neighbor' "$T/lbbgpd.log") - nref0))
if [ "$nref" -lt 1 ] || [ "$nref" -gt $((10 + secs / 6 + 1)) ]; then
	fail "$nref refusals logged for 1,000 connections in $secs s (rate limit: 10, then one per 6 s)"
fi
pass "1,000 connections from 150 unconfigured addresses: all closed, fds $base -> max $(wj 'r["max_fds"]') -> $(fds "$LBBGPD_PID"), $nref log lines, BIRD unharmed (longest silence $(wj 'r["max_send_gap"]') s, $((ka1 - ka0)) KEEPALIVEs)"

assert_eq $total "$(bird_route_count bird)" "BIRD still has all $total VIPs"
lbbgpd_stop
