#!/bin/sh
# golden.sh - golden test of bgpctl against a fake lbbgpd (fakectl.py):
# for every line of "cases", the request line bgpctl sends, what it
# prints on stdout and stderr, and its exit code must match
# expected.out byte for byte.  It covers the command grammar and its
# usage messages, the JSON of every request, text and -j output, shell
# completion words and the errors for a missing or broken daemon.
#
# Only a Unix socket in a temporary directory is used: no ports, so it
# runs anywhere and in parallel.  "golden.sh --update" rewrites
# expected.out in the source tree instead of comparing.
#
# Environment: BGPCTL, the binary (default $top_builddir/bgpctl/bgpctl).

update=${1-}
[ $# = 0 ] || [ "$update" = --update ] ||
    { echo "usage: $0 [--update]" >&2; exit 2; }
# Its data (cases, replies, expected.out, fakectl.py) lives next to it.
dir=$(cd "$(dirname "$0")" && pwd) || exit 99
bin=${BGPCTL:-${top_builddir:-.}/bgpctl/bgpctl}
[ "${bin#/}" != "$bin" ] || bin=$(pwd)/$bin
if [ ! -x "$bin" ]; then
	echo "golden.sh: no $bin; build it first or set BGPCTL" >&2
	exit 99
fi

if ! command -v python3 >/dev/null 2>&1; then
	echo "golden.sh: no python3 for the fake lbbgpd; skipped" >&2
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lbbgp-bgpctl.XXXXXX") || exit 99
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
cd "$tmp" || exit 99
# Run as plain "bgpctl", so getopt's messages do not name the build tree.
mkdir bin && ln -s "$bin" bin/bgpctl || exit 99

# A socket file that nothing listens on: "connection refused".
python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("dead")' ||
    exit 99
python3 "$dir/fakectl.py" sock "$tmp" &
pid=$!
n=0
while [ ! -S sock ]; do
	n=$((n + 1))
	if [ "$n" -gt 100 ]; then
		echo "golden.sh: the fake lbbgpd did not start" >&2
		exit 99
	fi
	sleep 0.1
done

while IFS= read -r line; do
	case "$line" in
	'#'*) continue ;;
	esac
	reply=${line%% *}
	args=
	[ "$reply" = "$line" ] || args=${line#* }
	if [ "$reply" = eof ]; then
		: >reply
	else
		awk -F '\t' -v n="$reply" '$1 == n { print $2; f = 1 }
		    END { exit !f }' "$dir/replies" >reply || {
			echo "golden.sh: no reply \"$reply\" in replies" >&2
			exit 99
		}
	fi
	: >requests
	echo "\$ bgpctl $args"
	eval "set -- $args"
	PATH="$tmp/bin:$PATH" bgpctl -s sock "$@" </dev/null >stdout 2>stderr
	rc=$?
	sed 's/^/> /' requests
	cat stdout
	sed 's/^/2> /' stderr
	echo "exit $rc"
	echo
done <"$dir/cases" >actual

if [ "$update" = --update ]; then
	cp actual "$dir/expected.out" || exit 99
	echo "golden.sh: updated $dir/expected.out"
	exit 0
fi
if ! diff -u "$dir/expected.out" actual; then
	echo "FAIL: bgpctl output differs from tests/bgpctl/expected.out" \
	    "(above)"
	exit 1
fi
echo "golden.sh: $(grep -c '^\$ bgpctl' actual) cases OK"
exit 0
