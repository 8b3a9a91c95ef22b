#!/bin/sh
# bench-bfd.sh: BFD detection time (RFC 5880/5881), lbbgpd next to BIRD.
# Not part of `make check` (BENCH_SMOKE=1 is: one interval, a failure of
# each kind, seconds): run it by hand, as root, from the top of a built
# tree:
#
#	sh tests/bench/bench-bfd.sh > bfd.md
#
# For each BFD interval (multiplier 3), BENCH_BFD_FAILURES times each:
# - "router dies": SIGSTOP the router, a BIRD; the time until the speaker
#   facing it logs BFD Down, and until it closes its BGP session;
# - "host dies": SIGSTOP the speaker; the time until the router logs BFD
#   Down, and takes its BGP session down.
# The speaker is lbbgpd, then a second BIRD in its place (same namespace,
# addresses, AS and timers), so each lbbgpd figure has BIRD's own figure
# for the identical failure beside it.  Prints a Markdown report on
# stdout (progress on stderr); tests/bench/README.md says how each number
# is taken, docs/PERFORMANCE.md ("BFD detection") how to read them.
#
# Everything runs inside two network namespaces the script creates and
# deletes (lbbgp-bfdbench-a-PID, lbbgp-bfdbench-b-PID), joined by a veth
# pair: the speaker on 10.99.0.1 (AS 64513) in the first, the router
# BIRD on 10.99.0.2 (AS 64512) in the second.  Nothing is set up on the
# host, so it may run beside other tests.  Everything started here is
# stopped on exit, by PID.
#
# Environment: BENCH_BFD_INTERVALS (ms, default "50 100 300"),
# BENCH_BFD_FAILURES (of each kind per interval and speaker, default 20),
# BENCH_RESULTS (copy the raw JSON results there), BENCH_SMOKE=1 (100 ms
# only, 1 failure of each kind, short settling: checks that the driver
# works), and lib.sh's: LBBGPD, BGPCTL, top_builddir, KEEP_TMP=1.
if [ -z "${LBBGP_IN_NETNS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: bench-bfd needs root (network namespaces)"; exit 77; }
	command -v ip >/dev/null 2>&1 || { echo "SKIP: ip (iproute2) not installed"; exit 77; }
	nsa=lbbgp-bfdbench-a-$$
	nsb=lbbgp-bfdbench-b-$$
	ip netns add "$nsa" 2>/dev/null || { echo "SKIP: cannot create a network namespace (ip netns)"; exit 77; }
	if ! ip netns add "$nsb"; then
		ip netns del "$nsa"
		echo "SKIP: cannot create a network namespace (ip netns)"
		exit 77
	fi
	trap 'ip netns del "$nsa"; ip netns del "$nsb"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# The veth pair is made inside the namespaces: no name on the host.
	ip -n "$nsa" link add va type veth peer name vb netns "$nsb" ||
		{ echo "FAIL: cannot create the veth pair" >&2; exit 1; }
	ip -n "$nsa" addr add 10.99.0.1/24 dev va
	ip -n "$nsb" addr add 10.99.0.2/24 dev vb
	for l in "$nsa lo" "$nsa va" "$nsb lo" "$nsb vb"; do
		# shellcheck disable=SC2086 # two words: namespace, link
		set -- $l
		ip -n "$1" link set "$2" up
	done
	rc=0
	LBBGP_IN_NETNS=$nsa LBBGP_PEER_NETNS=$nsb ip netns exec "$nsa" sh "$0" "$@" || rc=$?
	exit "$rc"
fi

# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"
# stdout is the Markdown report: progress goes to stderr.
itest_log() { echo "# $*" >&2; }
itest_init bench-bfd
itest_need bird birdc "$ITEST_PY"
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
NSB=$LBBGP_PEER_NETNS
SMOKE=${BENCH_SMOKE:-0}
if [ "$SMOKE" = 1 ]; then
	INTERVALS=100 FAILURES=1
else
	INTERVALS=${BENCH_BFD_INTERVALS:-50 100 300}
	FAILURES=${BENCH_BFD_FAILURES:-20}
fi
for ms in $INTERVALS; do
	case $ms in
	'' | *[!0-9]*) fail "BENCH_BFD_INTERVALS: \"$ms\" is not a whole number of milliseconds" ;;
	esac
	# lbbgpd's bfd-min-tx and BIRD's interval both start at 10 ms.
	if [ "$ms" -lt 10 ] || [ "$ms" -gt 10000 ]; then
		fail "BENCH_BFD_INTERVALS: $ms ms is outside 10-10000"
	fi
done
case $FAILURES in '' | *[!0-9]*) fail "BENCH_BFD_FAILURES is a whole number" ;; esac
[ "$FAILURES" -ge 1 ] || fail "BENCH_BFD_FAILURES is at least 1"
PY="$ITEST_PY $BENCH_DIR/bench_bfd.py --results $T/results.json"
[ "$SMOKE" = 1 ] && $PY record "note.smoke=\"smoke run (BENCH_SMOKE=1): one interval, one failure of each kind, short settling; the numbers mean nothing\""
ivs=$(for ms in $INTERVALS; do printf '%s,' "$ms"; done)
$PY record "failures=$FAILURES" "intervals=[${ivs%,}]" "smoke=$SMOKE"

# ---- machine and versions ---------------------------------------------------

LB_BIN=${LBBGPD:-$top_builddir/bgpd/lbbgpd}
[ -x "$LB_BIN" ] || fail "lbbgpd not built: $LB_BIN (make)"
lb_dir=$(cd "$(dirname "$LB_BIN")/.." && pwd)
lb_ver=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$lb_dir/config.h" 2>/dev/null)
lb_git=$(git -C "$lb_dir" describe --always --dirty 2>/dev/null || echo "not a git tree")
lb_sum=$(sha256sum "$LB_BIN" | cut -d ' ' -f 1)
lb_cflags=$(sed -n 's/^CFLAGS = //p' "$lb_dir/Makefile" 2>/dev/null)
$PY record "date=\"$(date -u '+%Y-%m-%d %H:%M:%S UTC')\"" "nproc=$(nproc)" \
	"loadavg=\"$(cut -d ' ' -f 1-3 /proc/loadavg)\"" \
	"lbbgpd_version=\"lbbgpd ${lb_ver:-?} ($LB_BIN, git $lb_git, CFLAGS ${lb_cflags:-?}, sha256 $(echo "$lb_sum" | cut -c 1-12))\"" \
	"bird_version=\"$(bird --version 2>&1 | head -n 1)\""

# ---- the daemons ------------------------------------------------------------

# write_bird NAME LOCAL LOCAL_AS PEER PEER_AS IFACE MS: a BIRD with BFD on
# IFACE at MS ms x 3 and a BGP session (protocol lb) with BFD to PEER.
# Only state changes and events are logged (with milliseconds): packet
# traces would cost BIRD time at every packet.  "error wait time 1, 1":
# BIRD's back-off after each BFD Down would otherwise grow to its
# maximum and slow the next failure's recovery, not its detection.
write_bird() {
	mkdir -p "$T/$1"
	cat >"$T/$1/bird.conf" <<EOF
# $1: BIRD for bench-bfd.sh; no protocol kernel.
log "$T/$1/bird.log" all;
timeformat log "%F %T.%3f";
router id $2;
protocol device { }
protocol bfd bfd1 {
	debug { states, events };
	interface "$6" { interval $7 ms; multiplier 3; };
}
protocol bgp lb {
	debug { states, events };
	local $2 as $3;
	neighbor $4 as $5;
	connect delay time 1;
	connect retry time 1;
	error wait time 1, 1;
	bfd on;
	ipv4 { import all; export none; };
}
EOF
	bird -p -c "$T/$1/bird.conf" >&2 || fail "bad BIRD config $T/$1/bird.conf"
}

# bird_up NAME [NETNS]: start it (in NETNS, else here); its PID in BIRD_PID.
bird_up() {
	itest_add_log "$T/$1/bird.log"
	if [ -n "${2:-}" ]; then
		ip netns exec "$2" bird -f -c "$T/$1/bird.conf" -s "$T/$1/sock" \
			-P "$T/$1/pid" >>"$T/$1/bird.out" 2>&1 &
	else
		bird -f -c "$T/$1/bird.conf" -s "$T/$1/sock" -P "$T/$1/pid" \
			>>"$T/$1/bird.out" 2>&1 &
	fi
	BIRD_PID=$!
	itest_track "$BIRD_PID"
	wait_for 10 bird_cli "$1" show status || fail "BIRD $1 did not start"
	itest_log "BIRD $1 started, pid $BIRD_PID"
}

bird_down() {
	itest_kill "$1"
	itest_untrack "$1"
}

write_lbbgpd() {
	cat >"$T/lbbgp.conf" <<EOF
router-id 10.99.0.1
local-as 64513
listen on 10.99.0.1 port 179
neighbor bird {
	address 10.99.0.2
	remote-as 64512
	connect-retry 1
	bfd yes
	bfd-min-tx $1
	bfd-min-rx $1
	bfd-multiplier 3
}
EOF
	"$LB_BIN" -n -f "$T/lbbgp.conf" >/dev/null || fail "lbbgpd refuses $T/lbbgp.conf"
}

# ---- the runs ---------------------------------------------------------------

# The router: BIRD in the second namespace, all through the run; its
# interval is changed by configure (a Poll Sequence) for each interval.
first=1
for ms in $INTERVALS; do
	write_bird router 10.99.0.2 64512 10.99.0.1 64513 vb "$ms"
	if [ "$first" = 1 ]; then
		bird_up router "$NSB"
		R_PID=$BIRD_PID
		first=0
	else
		bird_cli router configure >/dev/null || fail "birdc configure ($ms ms)"
	fi

	# lbbgpd as the speaker, started afresh for each interval.
	write_lbbgpd "$ms"
	: >"$T/lbbgpd.log"
	lbbgpd_start "$T/lbbgp.conf"
	$PY run --speaker lbbgpd --ms "$ms" --n "$FAILURES" --smoke "$SMOKE" \
		--s-pid "$LBBGPD_PID" --s-log "$T/lbbgpd.log" \
		--s-ctl "$T/lbbgpd.sock" --r-pid "$R_PID" \
		--r-log "$T/router/bird.log" --r-bird "$T/router/sock" ||
		fail "lbbgpd at $ms ms: the failures did not run through"
	lbbgpd_stop

	# A second BIRD in lbbgpd's place: BIRD's own figure.
	write_bird speaker 10.99.0.1 64513 10.99.0.2 64512 va "$ms"
	rm -f "$T/speaker/bird.log"
	bird_up speaker
	S_PID=$BIRD_PID
	$PY run --speaker bird --ms "$ms" --n "$FAILURES" --smoke "$SMOKE" \
		--s-pid "$S_PID" --s-log "$T/speaker/bird.log" \
		--s-bird "$T/speaker/sock" --r-pid "$R_PID" \
		--r-log "$T/router/bird.log" --r-bird "$T/router/sock" ||
		fail "BIRD at $ms ms: the failures did not run through"
	bird_down "$S_PID"
done
bird_down "$R_PID"

# ---- report -----------------------------------------------------------------

[ "$(sha256sum "$LB_BIN" | cut -d ' ' -f 1)" = "$lb_sum" ] ||
	$PY record "odd.binary=\"the lbbgpd binary changed during the run: the numbers mix two versions\""
[ -n "${BENCH_RESULTS:-}" ] && cp "$T/results.json" "$BENCH_RESULTS"
if [ "$SMOKE" = 1 ]; then
	$PY report --require || fail "the report lacks results"
	pass "bench-bfd smoke: every failure ran and was detected"
else
	$PY report
fi
