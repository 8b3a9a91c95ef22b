#!/bin/sh
# faults-restart.sh: a router that restarts 100 times in a row.
# lbbgpd (AS 64513) on 127.0.17.1 announces 2,000 VIPs to BIRD (AS 64512)
# on 127.0.17.2.  BIRD is stopped (SIGTERM: it sends Cease/Administrative
# Shutdown) and started again, FAULT_RESTARTS times (default 100).  After
# every restart BIRD must hold all 2,000 routes again within 30 s, the
# exact route set is compared at restarts 1, 10, 50 and the last, and
# lbbgpd's VmRSS after the last restart must be within 10% of the one
# after restart 10, with the same number of open file descriptors.
# Prints the reconvergence time (median and maximum).  About 2 minutes.
# Test 17 (see faultlib.sh): 127.0.17.1 and .2.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=faultlib.sh
. "$ITEST_DIR/faultlib.sh"
itest_init faults-restart
itest_need bird birdc "$ITEST_PY"

RESTARTS=${FAULT_RESTARTS:-100}
asan_no_quarantine
NVIPS=2000
[ "$RESTARTS" -ge 10 ] || fail "FAULT_RESTARTS must be at least 10"

cat >"$T/lbbgp.conf" <<EOF
router-id 10.0.17.1
local-as 64513
listen on 127.0.17.1 port 179
pool restart-pool {
	addresses 10.17.0.0/20
}
advertisement all {
	pools restart-pool
	communities 64512:17
}
neighbor bird {
	address 127.0.17.2
	remote-as 64512
	connect-retry 1
}
EOF

bird_start bird 127.0.17.2 64512 127.0.17.1 64513
lbbgpd_start "$T/lbbgp.conf"
wait_state bird bird Established 20 || fail "BIRD session not Established"

add_vips faults/restart 10.17.0.0 $NVIPS
wait_routes bird bird $NVIPS 30 || fail "BIRD did not get the $NVIPS VIPs"
bird_routes bird >"$T/routes.expected"
assert_eq $NVIPS "$(wc -l <"$T/routes.expected" | tr -d ' ')" "BIRD's table holds $NVIPS routes"
assert_eq "10.17.7.207/32 nh=127.0.17.1 aspath=64513 comm=(64512,17) lp=100" \
	"$(grep '^10\.17\.7\.207/' "$T/routes.expected")" "BIRD: the last VIP, with its community"
pass "BIRD Established with $NVIPS VIPs"

# settled: the session is up and lbbgpd has nothing left to send.
settled() {
	ctl -j show neighbor bird | jq_py 'int(r["neighbors"][0]["state"] == "Established"
	    and r["neighbors"][0]["prefixes"]["pending"] == 0 and r["neighbors"][0]["outq"] == 0)' |
		grep -qx 1
}
# fds_are N: lbbgpd has N open descriptors (a closed session's socket may
# linger for a moment).
fds_are() { [ "$(fds "$LBBGPD_PID")" = "$1" ]; }

: >"$T/times"
i=0
while [ "$i" -lt "$RESTARTS" ]; do
	i=$((i + 1))
	bird_stop bird
	t0=$(itest_now)
	bird_run bird
	wait_routes bird bird $NVIPS 30 ||
		fail "restart $i: BIRD did not get the $NVIPS VIPs back within 30 s (state $(bird_state bird))"
	echo $((($(itest_now) - t0) * 10)) >>"$T/times"
	itest_alive "$LBBGPD_PID" || fail "restart $i: lbbgpd died"
	case $i in
	1 | 10 | 50 | "$RESTARTS")
		assert_eq "$(cat "$T/routes.expected")" "$(bird_routes bird)" \
			"restart $i: BIRD's table is exactly the $NVIPS VIPs"
		wait_for 10 settled || fail "restart $i: lbbgpd's session not settled"
		;;
	esac
	if [ "$i" = 10 ]; then
		sleep 1
		RSS10=$(rss_kb "$LBBGPD_PID")
		FDS10=$(fds "$LBBGPD_PID")
		itest_log "after restart 10: VmRSS $RSS10 kB, $FDS10 fds"
	fi
done
sleep 1
RSSN=$(rss_kb "$LBBGPD_PID")
wait_for 5 fds_are "$FDS10" || :
FDSN=$(fds "$LBBGPD_PID")
itest_log "after restart $RESTARTS: VmRSS $RSSN kB, $FDSN fds"
ls -l "/proc/$LBBGPD_PID/fd" >"$T/fds.list" 2>&1 || :
times=$(sort -n "$T/times" | awk '{ a[NR] = $1 } END { printf "median %d ms, max %d ms", a[int((NR + 1) / 2)], a[NR] }')
itest_log "reconvergence after each of $RESTARTS restarts: $times"
pass "BIRD had all $NVIPS VIPs again after each of $RESTARTS restarts ($times)"

[ "$RSSN" -le $((RSS10 + RSS10 / 10)) ] ||
	fail "VmRSS grew from $RSS10 kB after restart 10 to $RSSN kB after restart $RESTARTS (limit +10%)"
assert_eq "$FDS10" "$FDSN" "open file descriptors after restart 10 and after restart $RESTARTS"
pass "VmRSS $RSS10 -> $RSSN kB (within 10%), $FDSN fds after restarts 10 and $RESTARTS"

# Every restart was a Cease from BIRD, and none made lbbgpd back off.
n=$(grep -c 'neighbor bird: received NOTIFICATION Cease/Administrative Shutdown (6/2)' "$T/lbbgpd.log")
assert_eq "$RESTARTS" "$n" "lbbgpd logged one Cease per restart"
flaps=$(ctl -j show neighbor bird | jq_py 'r["neighbors"][0]["flaps"]')
assert_eq "$RESTARTS" "$flaps" "show neighbor counts one flap per restart"
lbbgpd_stop
