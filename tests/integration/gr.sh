#!/bin/sh
# gr.sh: graceful restart (RFC 4724) with BIRD as the helper.
# lbbgpd (AS 64513, graceful-restart yes, a state file) on 127.0.7.1
# announces a static VIP and 200 run-time VIPs to BIRD (AS 64512,
# "graceful restart on") on 127.0.7.2.  lbbgpd is killed with SIGKILL and
# started again, then stopped with SIGTERM and started again; BIRD's route
# count, polled every 100 ms throughout, must never drop.  Without
# graceful restart on the session SIGTERM would withdraw everything
# (announce.sh shows that).  Test 7: 127.0.7.0/24.
. "$(dirname "$0")/lib.sh"
itest_init gr
itest_need bird birdc

cat >"$T/lbbgp.conf" <<EOF
router-id 10.0.7.1
local-as 64513
listen on 127.0.7.1 port 179
state-file "$T/state/lbbgp.state"

pool vips {
	addresses 10.77.0.0/16
}

neighbor bird {
	address 127.0.7.2
	remote-as 64512
	connect-retry 1
	graceful-restart yes restart-time 60
}

advertisement all {
	pools vips
}

vip 10.77.255.1
EOF

bird_start bird 127.0.7.2 64512 127.0.7.1 64513 \
	"graceful restart on; graceful restart time 60;"
lbbgpd_start "$T/lbbgp.conf"
wait_state bird bird Established 20 || fail "no session"

# 200 run-time VIPs, acknowledged, so in the state file.
req=$("$ITEST_PY" -c 'import json
print(json.dumps({"cmd": "add", "owner": "gr-test",
    "vips": ["10.77.0.%d" % i for i in range(1, 201)]}))')
echo "$req" | "$ITEST_PY" "$ITEST_DIR/ctljson.py" "$T/lbbgpd.sock" >"$T/add.out" ||
	fail "add failed"
assert_contains "$(cat "$T/add.out")" '"ok":true' "200 VIPs acknowledged"
wait_routes bird bird 201 10 || fail "BIRD does not have the 201 routes"
bird_cli bird show protocols all lb | grep -q "Graceful restart" ||
	fail "BIRD does not show graceful restart"

# Poll BIRD every 100 ms in the background, one count per line.
poll() {
	while :; do
		bird_route_count bird >>"$T/counts" 2>/dev/null || echo err >>"$T/counts"
		sleep 0.1
	done
}
poll &
POLLER=$!
itest_track "$POLLER"

restart_check() { # $1: how lbbgpd stops
	sleep 0.5
	if [ "$1" = kill ]; then lbbgpd_kill9; else lbbgpd_stop; fi
	sleep 1		# the router notices and keeps the routes as stale
	lbbgpd_start "$T/lbbgp.conf"
	wait_state bird bird Established 20 || fail "no session after restart ($1)"
	grep -q "201 VIPs restored\|200 VIPs restored" "$T/lbbgpd.log" ||
		fail "state file not restored ($1)"
	sleep 2		# End-of-RIB sent, stale routes refreshed
}

restart_check kill
restart_check term
kill "$POLLER" 2>/dev/null
wait "$POLLER" 2>/dev/null
itest_untrack "$POLLER"

n=$(wc -l <"$T/counts")
[ "$n" -gt 40 ] || fail "only $n polls were made"
bad=$(grep -v '^201$' "$T/counts" | sort | uniq -c | tr '\n' ' ')
[ -z "$bad" ] || fail "BIRD's route count left 201 while lbbgpd restarted: $bad"
pass "kill -9 and SIGTERM restarts: $n polls at 100 ms, all 201 routes every time"

grep -q "Graceful restart done\|graceful restart" "$T/bird/bird.log" ||
	itest_log "note: BIRD's log does not mention graceful restart"
lbbgpd_stop
