#!/bin/sh
# replay.sh: run every harness of tests/fuzz once over its committed
# corpus (tests/fuzz/corpus/NAME), its regression vectors
# (tests/fuzz/regress/NAME: every crash or leak the fuzzers ever found)
# and the seeds tests/fuzz/seeds.py makes from the unit-test vectors.
#   sh tests/fuzz/replay.sh BUILD_DIR [HARNESS...]
# BUILD_DIR was configured with --enable-fuzzing and holds the harnesses
# (make fuzz).  Exits 1 when any input crashes, leaks or breaks a check.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: replay.sh BUILD_DIR [HARNESS...]}
shift
[ $# -gt 0 ] || set -- msg open update notification session conf control bfd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/seeds.py" "$tmp/seeds" >/dev/null

rc=0
for h in "$@"; do
	bin=$build/tests/fuzz/fuzz_$h
	if [ ! -x "$bin" ]; then
		echo "replay: $bin is missing (make fuzz in $build)" >&2
		rc=1
		continue
	fi
	n=0
	: >"$tmp/list"
	for d in "$here/corpus/$h" "$here/regress/$h" "$tmp/seeds/$h"; do
		[ -d "$d" ] || continue
		find "$d" -type f >>"$tmp/list"
	done
	n=$(wc -l <"$tmp/list" | tr -d ' ')
	# Files as arguments: libFuzzer runs each once, no fuzzing.  In
	# batches, so no command line gets too long.
	if xargs -n 500 "$bin" -rss_limit_mb=2048 -timeout=25 \
	    <"$tmp/list" >"$tmp/out" 2>&1; then
		echo "replay $h: $n inputs ok"
	else
		echo "replay $h: FAILED on one of $n inputs:" >&2
		grep -E 'ERROR|SUMMARY|check failed|Running:' "$tmp/out" |
		    tail -n 8 >&2
		rc=1
	fi
done
exit $rc
