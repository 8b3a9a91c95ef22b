# shellcheck shell=sh
# faultlib.sh: helpers of the fault tests (faults-*.sh), sourced after lib.sh.
# Test 17 owns 127.0.17.0/24; each fault test has addresses of its own in
# it, so that make check may run them in parallel:
#   faults-restart.sh  lbbgpd .1,  BIRD .2
#   faults-crash.sh    lbbgpd .11, BIRD .12
#   faults-peers.sh    lbbgpd .21, BIRD .22, stalled peer .23,
#                      unconfigured sources .100-.249
#   faults-ctl.sh      lbbgpd .31, BIRD .32

# fds PID, rss_kb PID: open file descriptors; VmRSS in kB.
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l | tr -d ' '; }
rss_kb() { sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }

# asan_no_quarantine: in an ASan build, no quarantine for freed memory
# (256 MB by default), so that lbbgpd's RSS means what it means in a
# normal build; ASan finds leaks itself, at exit.
asan_no_quarantine() {
	if ldd "${LBBGPD:-$top_builddir/bgpd/lbbgpd}" 2>/dev/null | grep -q libasan; then
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
		export ASAN_OPTIONS
		itest_log "an ASan build: ASAN_OPTIONS=$ASAN_OPTIONS"
	fi
}

# add_vips OWNER FIRST N: one add request of the N IPv4 VIPs from FIRST
# on (ctljson.py); fails unless all N are new and added.
add_vips() {
	"$ITEST_PY" -c 'import ipaddress, json, sys
first, n = int(ipaddress.ip_address(sys.argv[2])), int(sys.argv[3])
print(json.dumps({"cmd": "add", "owner": sys.argv[1],
    "vips": [str(ipaddress.ip_address(first + i)) for i in range(n)]}))' "$@" |
		"$ITEST_PY" "$ITEST_DIR/ctljson.py" "$T/lbbgpd.sock" 60 >"$T/add.reply" ||
		fail "adding $3 VIPs: $(head -c 300 "$T/add.reply")"
	grep -q "\"added\":$3" "$T/add.reply" || fail "adding $3 VIPs: $(head -c 300 "$T/add.reply")"
}

# jq_py EXPR: a Python expression of r, the JSON document on stdin.
jq_py() {
	"$ITEST_PY" -c 'import json, sys
r = json.loads(sys.stdin.read())
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v))' "$1"
}

# watch_start NAME BIRD: faultwatch.py in the background, watching BIRD's
# session to lbbgpd from both ends (neighbor BIRD of lbbgpd's config),
# lbbgpd's fds and RSS, and timing bgpctl show summary.  An lbbgpd over
# WATCH_KILL_KB of VmRSS (default 4 GB) is killed: watch_ok then fails.
watch_start() {
	rm -f "$T/$1.until"
	"$ITEST_PY" "$ITEST_DIR/faultwatch.py" --until "$T/$1.until" \
		--bird "$T/$2/sock" --bgpctl "${BGPCTL:-$top_builddir/bgpctl/bgpctl}" \
		--sock "$T/lbbgpd.sock" --neighbor "$2" --pid "$LBBGPD_PID" \
		--kill-above "${WATCH_KILL_KB:-4000000}" \
		>"$T/$1.watch" 2>&1 </dev/null &
	WATCH_PID=$!
	itest_track "$WATCH_PID"
}

# watch_stop NAME: ends the watcher; W is its JSON line.
watch_stop() {
	touch "$T/$1.until"
	wait_for 15 itest_dead "$WATCH_PID" || fail "faultwatch.py did not stop"
	wait "$WATCH_PID" 2>/dev/null || :
	itest_untrack "$WATCH_PID"
	W=$(cat "$T/$1.watch")
	itest_log "$1: $W"
}
# wj EXPR: EXPR of r, the watcher's JSON.
wj() { printf '%s\n' "$W" | jq_py "$1"; }

# watch_ok WHAT MAXGAP BIRD: after watch_stop, BIRD was Established at every
# sample, up since one time (no flap), with at least 2 s left on its hold
# timer; lbbgpd never sent BIRD nothing for more than MAXGAP seconds
# (KEEPALIVE every hold/3 s, jittered down to 75%); and every bgpctl show
# summary answered, within 1 s.  BIRD's log has no hold timer expiry.
watch_ok() {
	assert_eq null "$(wj 'r["killed_at_kb"]')" "$1: lbbgpd's VmRSS stayed under ${WATCH_KILL_KB:-4000000} kB"
	[ "$(wj 'r["samples"]')" -ge 5 ] || fail "$1: the watcher took $(wj 'r["samples"]') samples"
	assert_eq '{"Established": '"$(wj 'r["samples"]')"'}' "$(wj 'r["bird_states"]')" \
		"$1: BIRD's session Established at every sample"
	assert_eq 1 "$(wj 'len(r["bird_since"])')" "$1: BIRD's session never restarted (its 'since': $(wj 'r["bird_since"]'))"
	[ "$(wj 'int(r["min_left"] is not None and r["min_left"] >= 2)')" = 1 ] ||
		fail "$1: BIRD's hold timer ran down to $(wj 'r["min_left"]') s of $(wj 'r["hold"]') s"
	[ "$(wj 'int(0 < r["max_send_gap"] <= '"$2"')')" = 1 ] ||
		fail "$1: lbbgpd sent BIRD nothing for $(wj 'r["max_send_gap"]') s (limit $2 s)"
	! grep -q "Hold timer expired" "$T/$3/bird.log" || fail "$1: BIRD logged a hold timer expiry"
	[ "$(wj 'r["summary_n"]')" -ge 2 ] || fail "$1: only $(wj 'r["summary_n"]') show summary"
	assert_eq 0 "$(wj 'r["summary_fail"]')" \
		"$1: bgpctl show summary failed or took over 1 s: $(wj 'r["summary_errors"]')"
}
