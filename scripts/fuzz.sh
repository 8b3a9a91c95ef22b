#!/bin/sh
# shellcheck source-path=SCRIPTDIR/..
# fuzz.sh: run the libFuzzer harnesses of tests/fuzz for as long as asked.
#   sh scripts/fuzz.sh [SECONDS] [HARNESS...]
# SECONDS per harness (default 60); harnesses by name (msg open update
# notification session conf control bfd; default: all), one after the other,
# each at nice 19 in one process (-jobs=1).  Builds build-fuzz/ with
# ./configure --enable-fuzzing first when needed (FUZZ_BUILD=DIR for
# another directory).  The corpus grows in DIR/fuzz-corpus/NAME, seeded
# from tests/fuzz/corpus/NAME, tests/fuzz/regress/NAME and the seeds
# tests/fuzz/seeds.py makes; a crash or leak is saved in DIR/fuzz-out/NAME
# and fails the run.  Prints per harness: CPU seconds, runs, exec/s,
# coverage (cov: edges, ft: features) and the corpus size.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
secs=60
case ${1:-} in
[0-9]*) secs=$1; shift ;;
esac
all="msg open update notification session conf control bfd"
# shellcheck disable=SC2086 # one word per harness
[ $# -gt 0 ] || set -- $all
build=${FUZZ_BUILD:-$top/build-fuzz}
jobs=$(nproc 2>/dev/null || echo 2)

# max_len per harness: whole messages (65535 with RFC 8654) and their
# flag bytes; streams and configs get the same.  BFD packets are at most
# 255 bytes: its scripts need no more than a few thousand.
max_len() {
	case $1 in
	bfd) echo 4096 ;;
	msg) echo 65536 ;;
	open) echo 65535 ;;
	update) echo 65536 ;;
	notification) echo 65535 ;;
	*) echo 65536 ;;
	esac
}

for h in "$@"; do
	case " $all " in *" $h "*) ;; *)
		echo "fuzz.sh: unknown harness '$h'; harnesses: $all" >&2
		exit 2 ;;
	esac
done

if [ ! -f "$build/Makefile" ]; then
	[ -f configure ] || autoreconf -fi
	mkdir -p "$build"
	(cd "$build" && "$top/configure" --enable-fuzzing >configure.out) || {
		echo "fuzz.sh: configure --enable-fuzzing failed; see $build/config.log" >&2
		exit 1
	}
fi
make -C "$build" -j"$jobs" fuzz >/dev/null

seeds=$build/fuzz-seeds
rm -rf "$seeds"
python3 tests/fuzz/seeds.py "$seeds" >/dev/null

rc=0
for h in "$@"; do
	bin=$build/tests/fuzz/fuzz_$h
	corpus=$build/fuzz-corpus/$h
	out=$build/fuzz-out/$h
	mkdir -p "$corpus" "$out"
	dirs="$corpus $seeds/$h"
	for d in tests/fuzz/corpus/$h tests/fuzz/regress/$h; do
		[ -d "$d" ] && dirs="$dirs $top/$d"
	done
	# Run from its output directory: -jobs writes fuzz-0.log there.  A
	# job ends at its first crash: start another for the time left.
	log=$out/fuzz.log
	: >"$log"
	begin=$(date +%s)
	left=$secs
	cpu=0
	runs=0
	found=0
	while [ "$left" -gt 0 ]; do
		rm -f "$out/fuzz-0.log"
		# shellcheck disable=SC2086 # one word per directory
		(cd "$out" && {
			nice -n 19 "$bin" -jobs=1 -workers=1 \
			    -max_total_time="$left" -max_len="$(max_len "$h")" \
			    -rss_limit_mb=2048 -timeout=25 -print_final_stats=1 \
			    -artifact_prefix="$out/" $dirs >/dev/null 2>&1 || true
			times >times.out
		})
		cat "$out/fuzz-0.log" >>"$log"
		# CPU: user + system time of the subshell's children.
		cpu=$(tail -n 1 "$out/times.out" | awk -v c="$cpu" '{
			for (i = 1; i <= 2; i++) {
				split($i, t, "m"); sub("s", "", t[2])
				c += t[1] * 60 + t[2]
			}
			printf "%.0f", c }')
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$out/fuzz-0.log")
		runs=$((runs + ${n:-0}))
		left=$((secs - ($(date +%s) - begin)))
		grep -qE '^(==[0-9]+==ERROR|SUMMARY: |fuzz: .*check failed)' \
		    "$out/fuzz-0.log" || break
		found=$((found + 1))
	done
	wall=$(($(date +%s) - begin))
	last=$(grep -aE '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	printf 'fuzz %-13s %5ss CPU, %s runs, %s exec/s, cov %s, ft %s, corpus %s, %s findings\n' \
	    "$h" "$cpu" "$runs" "$((runs / (wall > 0 ? wall : 1)))" \
	    "${cov:-?}" "${ft:-?}" "$(find "$corpus" -type f | wc -l)" "$found"
	if [ "$found" -gt 0 ]; then
		echo "fuzz.sh: $h found $found problems; its log: $log; the inputs:" >&2
		ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-* \
		    2>/dev/null >&2 || true
		grep -aE 'ERROR|check failed' "$log" | sort | uniq -c | head -n 10 >&2
		rc=1
	fi
done
exit $rc
