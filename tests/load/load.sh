#!/bin/sh
# shellcheck disable=SC2086 # $BIRDS: a list of names, split on purpose
# load.sh: load tests of lbbgpd against BIRD routers on loopback.
#
#	sh tests/load/load.sh			# from a built tree, as root
#	LOAD_SCALE=0.1 sh tests/load/load.sh	# a tenth of each size (CI)
#
# Three jobs, each timed, with lbbgpd's CPU seconds (utime + stime from
# /proc/PID/stat) and peak RSS (VmHWM, reset per phase through
# /proc/PID/clear_refs):
#   fanout   100,000 VIPs to 4 BIRDs at once: add (requests of 100,000
#            VIPs), until every BIRD holds all; withdraw, until none does.
#   churn    10,000 single-VIP requests a second for 60 s (add, and
#            withdraw of the oldest, 20,000 VIPs live) to the same 4 BIRDs,
#            paced by the client; the rate achieved is reported.
#   million  1,000,000 VIPs to one BIRD (requests of 100,000): add; a
#            restart of lbbgpd (SIGTERM, then the state file); bgpctl show
#            vips; withdraw.
# After each phase every BIRD's table is compared with the expected set
# of prefixes, exactly: lost or extra routes, or a route twice, fail the
# run.  Time never does: a phase waits for the routers up to a generous
# limit (60 s plus 1 s per 2,000 routes), then the comparison decides.
# Prints a Markdown table on stdout (progress on stderr); LOAD_RESULTS=FILE
# also writes it there.
#
# Environment: LOAD_SCALE (default 1: the sizes above; every count and the
# churn rate are multiplied by it, the churn lasts 60 s times the scale
# but at least 10 s), LOAD_JOBS (default "fanout churn million"), and
# lib.sh's LBBGPD, top_builddir, KEEP_TMP=1.
# Test 18 of the integration harness: 127.0.18.0/24; lbbgpd .1 (AS
# 64513), BIRD .2 .3 .4 .5 (AS 64512; import all, export none, no
# protocol kernel).  Everything it starts is stopped on exit.
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"
itest_log() { echo "# $*" >&2; }
pass() { echo "PASS: $*" >&2; }
itest_init load
itest_need bird birdc "$ITEST_PY"

LOAD_DIR=$(cd "$(dirname "$0")" && pwd)
CLIENT=$LOAD_DIR/loadclient.py
SCALE=${LOAD_SCALE:-1}
JOBS=${LOAD_JOBS:-fanout churn million}
scaled() { awk -v n="$1" -v s="$SCALE" 'BEGIN { v = int(n * s + 0.5); print v < 1 ? 1 : v }'; }
N_FAN=$(scaled 100000)
N_MIL=$(scaled 1000000)
RATE=$(scaled 10000)
CHURN_S=$(awk -v s="$SCALE" 'BEGIN { v = 60 * s; print v < 10 ? 10 : v }')
CHURN_LIVE=$(scaled 20000)
BATCH=100000
LB=127.0.18.1
BIRDS="bird1 bird2 bird3 bird4"
HZ=$(getconf CLK_TCK)
FAILED=0
: >"$T/rows"

# ---- measuring --------------------------------------------------------------

# cpu_ticks: lbbgpd's utime + stime so far (clock ticks).
cpu_ticks() { sed 's/^.*) //' "/proc/$LBBGPD_PID/stat" | awk '{ print $12 + $13 }'; }
hwm_reset() { echo 5 >"/proc/$LBBGPD_PID/clear_refs"; }
hwm_mib() { awk '$1 == "VmHWM:" { printf "%.1f", $2 / 1024 }' "/proc/$LBBGPD_PID/status"; }
now_ms() { echo $(($(itest_now) * 10)); }

# phase_start: remember the time and lbbgpd's CPU, reset its peak RSS.
phase_start() {
	P_T0=$(now_ms)
	P_CPU0=$(cpu_ticks)
	hwm_reset
}
# phase_end: P_SECS, P_CPU, P_HWM of the phase started last.
phase_end() {
	P_SECS=$(awk -v a="$P_T0" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
	P_CPU=$(awk -v a="$P_CPU0" -v b="$(cpu_ticks)" -v hz="$HZ" 'BEGIN { printf "%.1f", (b - a) / hz }')
	P_HWM=$(hwm_mib)
}

# row JOB PHASE VIPS PEERS REPLY_S LOST EXTRA NOTE: one line of the table.
row() {
	printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4" "$P_SECS" \
		"$5" "$P_CPU" "$P_HWM" "$6" "$7" "$8" >>"$T/rows"
	itest_log "$1 $2: $3 VIPs, $4 peers, ${P_SECS} s (last reply ${5} s), CPU ${P_CPU} s, peak RSS ${P_HWM} MiB, lost $6, extra $7 $8"
	if [ "$6" != 0 ] || [ "$7" != 0 ]; then FAILED=$((FAILED + 1)); fi
}

# ---- routers ----------------------------------------------------------------

# counts_are N BIRD...: each BIRD has imported N routes from lbbgpd.
counts_are() {
	_c_n=$1
	shift
	for _c_b in "$@"; do
		[ "$(bird_route_count "$_c_b")" = "$_c_n" ] || return 1
	done
}
# wait_counts N BIRD...: up to 60 s + 1 s per 2,000 routes (never a
# failure by itself: the comparison after it is).
wait_counts() {
	_w_n=$1
	shift
	wait_for $((60 + _w_n / 2000)) counts_are "$_w_n" "$@" 2>/dev/null ||
		itest_log "not every router has $_w_n routes: $(for b in "$@"; do printf '%s=%s ' "$b" "$(bird_route_count "$b")"; done)"
}
# bird_prefixes BIRD: its routes from lbbgpd, one prefix a line, sorted.
bird_prefixes() {
	bird_cli "$1" show route protocol lb |
		awk '$1 ~ /^[0-9.]+\/[0-9]+$/ { print $1 }' | LC_ALL=C sort
}
# compare EXPECTED BIRD...: sets LOST, EXTRA (summed over the BIRDs; a
# route twice counts as extra) against the sorted file EXPECTED.
compare() {
	_e=$1
	shift
	LOST=0 EXTRA=0
	for _b in "$@"; do
		bird_prefixes "$_b" >"$T/actual.$_b"
		_l=$(LC_ALL=C comm -23 "$_e" "$T/actual.$_b" | wc -l)
		_x=$(LC_ALL=C comm -13 "$_e" "$T/actual.$_b" | wc -l)
		_d=$(uniq -d "$T/actual.$_b" | wc -l)
		[ $((_l + _x + _d)) -eq 0 ] ||
			echo "FAIL: $_b: $_l routes lost, $_x extra, $_d twice; e.g. lost $(LC_ALL=C comm -23 "$_e" "$T/actual.$_b" | head -n 3 | tr '\n' ' ')extra $(LC_ALL=C comm -13 "$_e" "$T/actual.$_b" | head -n 3 | tr '\n' ' ')" >&2
		LOST=$((LOST + _l))
		EXTRA=$((EXTRA + _x + _d))
	done
	rm -f "$T"/actual.*
}
# expected BASE COUNT FILE: the sorted prefixes of COUNT VIPs from BASE.
expected() { "$ITEST_PY" "$CLIENT" prefixes --base "$1" --count "$2" | LC_ALL=C sort >"$3"; }

# batch add|withdraw BASE COUNT: requests of $BATCH VIPs; R_SECS is the
# time of the last reply; a refusal is reported (the comparison fails).
batch() {
	"$ITEST_PY" "$CLIENT" batch "$T/lbbgpd.sock" "$1" --base "$2" --count "$3" \
		--batch $BATCH >"$T/batch.json" 2>&1 || itest_log "loadclient.py: $(head -c 300 "$T/batch.json")"
	R_SECS=$(jv "r['seconds']" <"$T/batch.json")
	[ "$(jv "r['refused']" <"$T/batch.json")" = 0 ] ||
		echo "FAIL: $1 refused: $(jv "r['first_error']" <"$T/batch.json")" >&2
}
jv() {
	"$ITEST_PY" -c 'import json, sys
try:
    r = json.loads(sys.stdin.read())
    print(eval(sys.argv[1]))
except Exception as e:
    print("?")' "$1"
}

# conf NEIGHBORS...: lbbgpd's config, with a state file.
conf() {
	cat <<EOF
router-id 10.0.18.1
local-as 64513
listen on $LB port 179
state-file "$T/state/lbbgp.state"
pool load-pool {
	addresses 10.0.0.0/12
}
pool churn-pool {
	addresses 10.16.0.0/16
}
advertisement all {
}
EOF
	for _n in "$@"; do
		cat <<EOF
neighbor $_n {
	address 127.0.18.$((${_n#bird} + 1))
	remote-as 64512
	connect-retry 1
}
EOF
	done
}
start_lbbgpd() {
	rm -rf "$T/state"
	mkdir -p "$T/state"
	conf "$@" >"$T/lbbgp.conf"
	lbbgpd_start "$T/lbbgp.conf"
	for _b in "$@"; do
		wait_state bird "$_b" Established 30 || fail "$_b: session not Established"
	done
}
start_birds() {
	for _b in "$@"; do
		[ -f "$T/$_b/run.pid" ] && continue
		if [ -f "$T/$_b/bird.conf" ]; then
			bird_run "$_b"
		else
			bird_start "$_b" "127.0.18.$((${_b#bird} + 1))" 64512 $LB 64513
		fi
	done
}

# ---- the jobs -----------------------------------------------------------------

job_fanout() {
	start_birds $BIRDS
	start_lbbgpd $BIRDS
	expected 10.0.0.0 "$N_FAN" "$T/fan.expected"
	phase_start
	batch add 10.0.0.0 "$N_FAN"
	wait_counts "$N_FAN" $BIRDS
	phase_end
	compare "$T/fan.expected" $BIRDS
	row fanout announce "$N_FAN" 4 "$R_SECS" $LOST $EXTRA "every router holds all"
	phase_start
	batch withdraw 10.0.0.0 "$N_FAN"
	wait_counts 0 $BIRDS
	phase_end
	: >"$T/none"
	compare "$T/none" $BIRDS
	row fanout withdraw "$N_FAN" 4 "$R_SECS" $LOST $EXTRA "no router holds any"
	rm -f "$T/fan.expected"
}

job_churn() {
	start_birds $BIRDS
	[ -n "$LBBGPD_PID" ] || start_lbbgpd $BIRDS
	phase_start
	"$ITEST_PY" "$CLIENT" churn "$T/lbbgpd.sock" --base 10.16.0.0 --span 65536 \
		--rate "$RATE" --seconds "$CHURN_S" --live "$CHURN_LIVE" \
		--out "$T/churn.live" >"$T/churn.json" 2>&1 || itest_log "loadclient.py churn: $(head -c 300 "$T/churn.json")"
	LC_ALL=C sort -o "$T/churn.live" "$T/churn.live"
	live=$(wc -l <"$T/churn.live" | tr -d ' ')
	wait_counts "$live" $BIRDS
	phase_end
	compare "$T/churn.live" $BIRDS
	[ "$(jv "r['refused']" <"$T/churn.json")" = 0 ] ||
		echo "FAIL: churn: requests refused: $(jv "r['first_error']" <"$T/churn.json")" >&2
	row churn "add+withdraw" "$(jv "r['requests']" <"$T/churn.json")" 4 \
		"$(jv "r['seconds']" <"$T/churn.json")" $LOST $EXTRA \
		"$(jv "'%d req/s achieved of %d (client behind by up to %.2f s); %d VIPs live at the end' % (r['rate'], r['target'], r['max_lag'], r['live'])" <"$T/churn.json")"
}

job_million() {
	[ -z "$LBBGPD_PID" ] || lbbgpd_stop
	for _b in bird2 bird3 bird4; do
		[ ! -f "$T/$_b/run.pid" ] || bird_stop "$_b"
	done
	start_birds bird1
	start_lbbgpd bird1
	expected 10.0.0.0 "$N_MIL" "$T/mil.expected"
	phase_start
	batch add 10.0.0.0 "$N_MIL"
	wait_counts "$N_MIL" bird1
	phase_end
	compare "$T/mil.expected" bird1
	row million announce "$N_MIL" 1 "$R_SECS" $LOST $EXTRA "in $(( (N_MIL + BATCH - 1) / BATCH )) requests"
	state_kib=$(du -k "$T/state" | tail -n 1 | cut -f 1)

	# Restart: SIGTERM (BIRD drops the routes), start, state file.
	lbbgpd_stop
	wait_counts 0 bird1
	P_T0=$(now_ms)
	lbbgpd_start "$T/lbbgp.conf"
	P_CPU0=0
	wait_counts "$N_MIL" bird1
	phase_end
	compare "$T/mil.expected" bird1
	row million "restart" "$N_MIL" 1 "-" $LOST $EXTRA "start to all at the router; state file ${state_kib} KiB; CPU and RSS since start"

	# bgpctl's own peak RSS too, from getrusage() of its parent.
	phase_start
	ctl_kb=$("$ITEST_PY" -c 'import resource, subprocess, sys
with open(sys.argv[1], "w") as out, open(sys.argv[2], "w") as err:
    subprocess.run(sys.argv[3:], stdout=out, stderr=err)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$T/vips.json" "$T/vips.err" \
		"${BGPCTL:-$top_builddir/bgpctl/bgpctl}" -s "$T/lbbgpd.sock" -j show vips)
	phase_end
	nshown=$(jv "len(r['vips'])" <"$T/vips.json")
	P_NOTE="bgpctl -j show vips listed $nshown VIPs, $(($(wc -c <"$T/vips.json") / 1048576)) MiB of JSON; bgpctl's peak RSS $((ctl_kb / 1024)) MiB"
	[ "$nshown" = "$N_MIL" ] || P_NOTE="$P_NOTE: NOT ALL ($(head -c 200 "$T/vips.err"))"
	rm -f "$T/vips.json"
	LOST=0 EXTRA=0
	row million "show vips" "$N_MIL" 1 "-" 0 0 "$P_NOTE"

	phase_start
	batch withdraw 10.0.0.0 "$N_MIL"
	wait_counts 0 bird1
	phase_end
	: >"$T/none"
	compare "$T/none" bird1
	row million withdraw "$N_MIL" 1 "$R_SECS" $LOST $EXTRA "the router holds none"
	rm -f "$T/mil.expected"
}

START=$(itest_now)
for j in $JOBS; do
	case $j in
	fanout | churn | million) "job_$j" ;;
	*) fail "unknown job $j (LOAD_JOBS: fanout churn million)" ;;
	esac
done
[ -z "$LBBGPD_PID" ] || lbbgpd_stop
ELAPSED=$((($(itest_now) - START) / 100))

# ---- the table ----------------------------------------------------------------

{
	lb_bin=${LBBGPD:-$top_builddir/bgpd/lbbgpd}
	echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), scale $SCALE, $ELAPSED s in all"
	echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), $(awk '$1 == "MemTotal:" { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
	echo "- lbbgpd: $lb_bin (commit $(git -C "$(dirname "$lb_bin")/.." describe --always --dirty 2>/dev/null || echo unknown)); $(bird --version 2>&1 | head -n 1)"
	echo
	echo "| job | phase | VIPs / requests | routers | time (s) | last reply (s) | lbbgpd CPU (s) | peak RSS (MiB) | lost | extra | notes |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	awk -F'|' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$T/rows"
} >"$T/table.md"
cat "$T/table.md"
[ -z "${LOAD_RESULTS:-}" ] || cp "$T/table.md" "$LOAD_RESULTS"
[ "$FAILED" -eq 0 ] || fail "$FAILED phases lost or added routes"
pass "load: no route lost or extra in $ELAPSED s"
