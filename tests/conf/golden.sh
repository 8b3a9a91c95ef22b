#!/bin/sh
# golden.sh - golden tests of "lbbgpd -n -v": for each tests/conf/*.conf,
# the combined stdout and stderr must match NAME.out byte for byte, and
# the exit code must be 0 for ok-*.conf and 1 for err-*.conf.  The
# canonical output of every ok-*.conf must parse again and print the same.
#
# It only reads the source tree (make distcheck makes it read-only) and
# writes to a temporary directory; "golden.sh --update" rewrites the .out
# files in the source tree instead of comparing.  lbbgpd runs from inside
# the directory of the inputs with a bare file name, so the messages say
# "ok-seed.conf:5:" whatever the build layout.
#
# Environment: LBBGPD (the binary; default $top_builddir/bgpd/lbbgpd),
# srcdir (set by automake to the top source directory).

update=no
case "$1" in
--update)
	update=yes
	;;
"")
	;;
*)
	echo "usage: $0 [--update]" >&2
	exit 2
	;;
esac

# The inputs live next to this script; srcdir (automake's) says where.
if [ -f "${srcdir:-.}/tests/conf/golden.sh" ]; then
	confdir=${srcdir:-.}/tests/conf
else
	confdir=$(dirname "$0")
fi
confdir=$(cd "$confdir" && pwd) || exit 99

top_builddir=${top_builddir:-.}
bin=${LBBGPD:-$top_builddir/bgpd/lbbgpd}
case "$bin" in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
if [ ! -x "$bin" ]; then
	echo "golden.sh: $bin not found or not executable; build it first" \
	    "or set LBBGPD" >&2
	exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lbbgp-golden.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

fail=0
count=0
for conf in "$confdir"/*.conf; do
	name=$(basename "$conf" .conf)
	count=$((count + 1))
	case "$name" in
	ok-*) want_rc=0 ;;
	err-*) want_rc=1 ;;
	*)
		echo "FAIL: $name.conf: name must start with ok- or err-"
		fail=1
		continue
		;;
	esac

	(cd "$confdir" && "$bin" -n -v -f "$name.conf") >"$tmp/$name.out" 2>&1
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		echo "FAIL: $name.conf: exit code $rc, expected $want_rc"
		fail=1
	fi
	if [ "$update" = yes ]; then
		cp "$tmp/$name.out" "$confdir/$name.out" || exit 99
	elif [ ! -f "$confdir/$name.out" ]; then
		echo "FAIL: $name.conf: no $name.out; run $0 --update"
		fail=1
	elif ! diff -u "$confdir/$name.out" "$tmp/$name.out"; then
		echo "FAIL: $name.conf: output differs from $name.out (above)"
		fail=1
	fi

	[ "$want_rc" = 0 ] || continue
	# Round trip: the canonical form parses and prints the same again.
	(cd "$confdir" && "$bin" -n -v -f "$name.conf") >"$tmp/p1" 2>/dev/null
	if [ "$(tail -n 1 "$tmp/p1")" != "configuration OK" ]; then
		echo "FAIL: $name.conf: -nv output does not end in" \
		    "\"configuration OK\""
		fail=1
		continue
	fi
	sed '$d' "$tmp/p1" >"$tmp/rt.conf"
	(cd "$tmp" && "$bin" -n -v -f rt.conf) >"$tmp/p2" 2>"$tmp/p2.err"
	rc=$?
	if [ "$rc" != 0 ] || ! cmp -s "$tmp/p1" "$tmp/p2"; then
		echo "FAIL: $name.conf: the canonical form does not round-trip" \
		    "(exit $rc)"
		cat "$tmp/p2.err"
		diff -u "$tmp/p1" "$tmp/p2"
		fail=1
	fi
done

if [ "$count" = 0 ]; then
	echo "FAIL: no .conf files in $confdir"
	exit 1
fi
if [ "$update" = yes ]; then
	echo "golden.sh: updated $count .out files in $confdir"
	exit "$fail"
fi
[ "$fail" = 0 ] && echo "golden.sh: $count configs OK"
exit "$fail"
