#!/bin/sh
# faults-crash.sh: kill -9 of lbbgpd under a steady stream of add and
# withdraw requests, FAULT_KILLS times (default 5).
# lbbgpd (AS 64513, state file) on 127.0.17.11; BIRD (AS 64512) on
# 127.0.17.12.  Each round, crashclient.py sends add/withdraw requests for
# 600 VIPs shared by three owners, pipelined, and records every request
# acknowledged with ok:true, in order; after 1 to 3 s lbbgpd gets SIGKILL.
# After the restart (state file only), show-vips must be exactly the
# acknowledged state (plus, in order, some of the requests that were in
# flight and never answered: those may or may not have been committed):
# nothing acknowledged lost, nothing doubled, no owner twice on a VIP.
# BIRD's table must then be exactly those VIPs, each once.  About 40 s.
# Test 17 (see faultlib.sh): 127.0.17.11 and .12.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=faultlib.sh
. "$ITEST_DIR/faultlib.sh"
itest_init faults-crash
itest_need bird birdc "$ITEST_PY"

KILLS=${FAULT_KILLS:-5}
CLIENT=$ITEST_DIR/crashclient.py

mkdir -p "$T/state"
cat >"$T/lbbgp.conf" <<EOF
router-id 10.0.17.11
local-as 64513
listen on 127.0.17.11 port 179
state-file "$T/state/lbbgp.state"
pool crash-pool {
	addresses 10.17.16.0/22
}
advertisement all {
	pools crash-pool
}
neighbor bird {
	address 127.0.17.12
	remote-as 64512
	connect-retry 1
}
EOF

bird_start bird 127.0.17.12 64512 127.0.17.11 64513
lbbgpd_start "$T/lbbgp.conf"
wait_state bird bird Established 20 || fail "BIRD session not Established"

# bird_prefixes: BIRD's routes from lbbgpd, prefixes only, sorted.
bird_prefixes() { bird_routes bird | cut -d' ' -f1 | sort; }
bird_matches() { [ "$(bird_prefixes)" = "$(sort "$1")" ]; }

round=0
total=0
while [ "$round" -lt "$KILLS" ]; do
	round=$((round + 1))
	D=$T/round$round
	mkdir -p "$D"
	"$ITEST_PY" "$CLIENT" run "$T/lbbgpd.sock" "$D" --seed "$round" --max 60 \
		>"$D/client.json" 2>"$D/client.err" </dev/null &
	CPID=$!
	itest_track $CPID
	# 1.0 to 3.0 s into the stream; at least 100 acknowledged by then.
	sleep "$(awk -v r="$round" 'BEGIN { srand(r); printf "%.1f", 1 + 2 * rand() }')"
	n=$(wc -l <"$D/acked.jsonl" 2>/dev/null | tr -d ' ')
	[ "${n:-0}" -ge 100 ] || fail "round $round: only ${n:-0} requests acknowledged before the kill: $(cat "$D/client.err")"
	itest_alive $CPID || fail "round $round: the client stopped before the kill: $(cat "$D/client.json" "$D/client.err")"
	lbbgpd_kill9
	wait_for 10 itest_dead $CPID || fail "round $round: the client did not notice the kill"
	wait $CPID || fail "round $round: the client failed: $(cat "$D/client.err")"
	itest_untrack $CPID
	itest_log "round $round client: $(cat "$D/client.json")"
	assert_eq 0 "$(jq_py 'r["refused"]' <"$D/client.json")" \
		"round $round: every request was acknowledged ($(head -c 400 "$D/refused.jsonl"))"

	lbbgpd_start "$T/lbbgp.conf"
	ctl -j show vips >"$D/show-vips.json" || fail "round $round: show vips failed after the restart"
	"$ITEST_PY" "$CLIENT" check "$D" "$D/show-vips.json" "$D/expected" >"$D/check.json" ||
		fail "round $round: the VIPs after the restart are not the acknowledged ones: $(cat "$D/check.json")"
	itest_log "round $round check: $(cat "$D/check.json")"
	nvips=$(wc -l <"$D/expected" | tr -d ' ')
	wait_state bird bird Established 20 || fail "round $round: BIRD session not back"
	wait_routes bird bird "$nvips" 30 || fail "round $round: BIRD did not get the $nvips VIPs"
	wait_for 5 bird_matches "$D/expected" ||
		assert_eq "$(sort "$D/expected")" "$(bird_prefixes)" "round $round: BIRD's routes are exactly the VIPs"
	assert_eq "" "$(bird_routes bird | cut -d' ' -f1 | uniq -d)" "round $round: no route twice at BIRD"
	grep -q "state file $T/state/lbbgp.state: $nvips VIPs restored" "$T/lbbgpd.log" ||
		fail "round $round: lbbgpd did not log restoring $nvips VIPs"
	acked=$(jq_py 'r["acked"]' <"$D/check.json")
	total=$((total + acked))
	pass "kill $round: $acked acknowledged changes, $nvips VIPs after the restart, at BIRD exactly"
done
pass "$KILLS kills under $total acknowledged changes: nothing lost, nothing doubled"
lbbgpd_stop
