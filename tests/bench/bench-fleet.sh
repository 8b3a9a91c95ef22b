#!/bin/sh
# bench-fleet.sh: the fleet (docs/FLEET.md) under load: three lbbgpd
# hosts sharing one VIP table through a three-member etcd cluster, seen
# by one BIRD router.  Not part of `make check` (BENCH_SMOKE=1 is: tiny
# sizes, one round of each kind, about 15 s): run it by hand, as root,
# from the top of a built tree:
#
#	sh tests/bench/bench-fleet.sh > fleet.md
#
# It measures:
# - allocations per second: N `allocate` requests pipelined on one host,
#   then N/3 on each of the three at once, with the write conflicts they
#   met (lbbgp_fleet_write_conflicts_total), next to the same N on one
#   lbbgpd without a fleet block (the baseline, in the same run);
# - single adds (`announce all`) on a random host: the reply latency,
#   and the time until the router has the route from all three hosts;
# - failover of `announce one` VIPs: rounds of kill -9 of the host
#   announcing the most of a pool's VIPs, the time until every one of
#   them is announced by another host and the longest double
#   announcement; the killed host restarted after the failover, and in
#   a few more rounds at once (it must wait for its old lease);
# - peak RSS of each lbbgpd and of the etcd members.
# Prints a Markdown report on stdout (progress on stderr);
# tests/bench/README.md says how each number is taken, docs/PERFORMANCE.md
# ("Fleet") how to read them.
#
# Everything runs inside one network namespace the script creates and
# deletes (lbbgp-fleetbench-PID), with the set-up of
# tests/integration/fleet.sh (tests/integration/fleetlib.sh): etcd on
# 127.0.0.11-13, the hosts on 127.0.0.21-23 (lease 3 s), BIRD on
# 127.0.0.2.  Nothing is set up on the host, so it may run beside other
# tests.  Everything started here is stopped on exit, by PID.
#
# Environment: BENCH_FLEET_N (allocations, default 3000),
# BENCH_FLEET_ADDS (single adds, 50), BENCH_FLEET_ROUNDS (failovers with
# the restart after, 10), BENCH_FLEET_AT_ONCE (failovers with the
# restart at once, 3), BENCH_FLEET_ONE_VIPS (VIPs of a round, 20),
# BENCH_RESULTS (copy the raw JSON results there), BENCH_SMOKE=1 (30
# allocations, 5 adds, one round of each kind with 6 VIPs: checks that
# the driver works), and lib.sh's: LBBGPD, BGPCTL, top_builddir,
# KEEP_TMP=1.
# shellcheck source-path=SCRIPTDIR source=../integration/netns.sh
. "$(dirname "$0")/../integration/netns.sh"
netns_run bench-fleet : lbbgp-fleetbench -- "$@"

# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"
# stdout is the Markdown report: progress goes to stderr.
itest_log() { echo "# $*" >&2; }
itest_init bench-fleet
# CI installs etcd (scripts/deps.sh): there a missing one is a failure.
if [ -n "${CI:-}" ]; then
	command -v etcd >/dev/null 2>&1 || fail "etcd not installed (CI must not skip)"
fi
itest_need etcd etcdctl bird birdc "$ITEST_PY"
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
SMOKE=${BENCH_SMOKE:-0}
if [ "$SMOKE" = 1 ]; then
	N=30 ADDS=5 ROUNDS=1 AT_ONCE=1 ONE_VIPS=6 WATCH=0.3
else
	N=${BENCH_FLEET_N:-3000}
	ADDS=${BENCH_FLEET_ADDS:-50}
	ROUNDS=${BENCH_FLEET_ROUNDS:-10}
	AT_ONCE=${BENCH_FLEET_AT_ONCE:-3}
	ONE_VIPS=${BENCH_FLEET_ONE_VIPS:-20}
	WATCH=1
fi
# range NAME VALUE MIN MAX [WHY]: fail unless VALUE is a whole number
# from MIN to MAX.
range() {
	case $2 in
	'' | *[!0-9]*) fail "BENCH_FLEET_$1: \"$2\" is not a whole number" ;;
	esac
	if [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
		fail "BENCH_FLEET_$1 is $3-$4${5:+ ($5)}"
	fi
}
range N "$N" 3 60000 "pool web is a /16"
range ADDS "$ADDS" 1 250
# pool one: a /24 of 10.60.0.0/16 for each round.
range ROUNDS "$ROUNDS" 0 250
range AT_ONCE "$AT_ONCE" 0 $((250 - ROUNDS)) "with BENCH_FLEET_ROUNDS at most 250 rounds"
range ONE_VIPS "$ONE_VIPS" 1 250

LEASE=3
ONE_POOL=10.60.0.0/16
FLEET_ITEST_DIR=$BENCH_DIR/../integration
# shellcheck source-path=SCRIPTDIR source=../integration/fleetlib.sh
. "$BENCH_DIR/../integration/fleetlib.sh"
[ -x "$LBBGPD_BIN" ] || fail "lbbgpd not built: $LBBGPD_BIN (make)"
PY="$ITEST_PY $BENCH_DIR/bench_fleet.py --results $T/results.json --t $T --bird $T/bird/sock --bird-log $T/bird/bird.log"
[ "$SMOKE" = 1 ] && $PY record "note.smoke=\"smoke run (BENCH_SMOKE=1): $N allocations, $ADDS adds, one round of each kind with $ONE_VIPS VIPs; the numbers mean nothing\""
$PY record "lease=$LEASE" "smoke=$SMOKE"

# ---- machine and versions ---------------------------------------------------

lb_dir=$(cd "$(dirname "$LBBGPD_BIN")/.." && pwd)
lb_ver=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$lb_dir/config.h" 2>/dev/null)
lb_git=$(git -C "$lb_dir" describe --always --dirty 2>/dev/null || echo "not a git tree")
lb_sum=$(sha256sum "$LBBGPD_BIN" | cut -d ' ' -f 1)
lb_cflags=$(sed -n 's/^CFLAGS = //p' "$lb_dir/Makefile" 2>/dev/null)
$PY record "date=\"$(date -u '+%Y-%m-%d %H:%M:%S UTC')\"" "nproc=$(nproc)" \
	"loadavg=\"$(cut -d ' ' -f 1-3 /proc/loadavg)\"" \
	"lbbgpd_version=\"lbbgpd ${lb_ver:-?} ($LBBGPD_BIN, git $lb_git, CFLAGS ${lb_cflags:-?}, sha256 $(echo "$lb_sum" | cut -c 1-12))\"" \
	"bird_version=\"$(bird --version 2>&1 | head -n 1)\"" \
	"etcd_version=\"etcd $(etcd --version 2>&1 | sed -n 's/^etcd Version: //p')\""

# ---- etcd, BIRD, the baseline -------------------------------------------------

fleet_net_up

# etcd's own pace: create transactions one after another from lbbgpd's
# etcd client (tests/etcd/etcd_drive), no lbbgpd in the way.
DRIVE=${ETCD_DRIVE:-$top_builddir/tests/etcd/etcd_drive}
if [ -x "$DRIVE" ]; then
	nb=$((N < 1000 ? N : 1000))
	out=$("$DRIVE" -e "$ENDPOINTS" "bench $nb") || fail "etcd_drive bench: $out"
	avg=$(echo "$out" | sed -n 's/^ok bench n=[0-9]* avg_ms=\([0-9.]*\) max_ms=\([0-9.]*\)$/\1/p')
	max=$(echo "$out" | sed -n 's/^ok bench n=[0-9]* avg_ms=\([0-9.]*\) max_ms=\([0-9.]*\)$/\2/p')
	[ -n "$avg" ] || fail "etcd_drive bench: $out"
	$PY record "etcd_bench={\"n\": $nb, \"avg_ms\": $avg, \"max_ms\": $max}"
	itest_log "etcd alone: $nb create transactions, $avg ms each on average, $max ms at most"
else
	$PY record "note.drive=\"no etcd alone row: $DRIVE not built (make)\""
fi

lb1_up() { bird_cli bird show protocols lb1 | grep -q Established; }
lb1_down() { ! lb1_up; }

# The baseline: h1's config without its fleet block (and so without
# `announce one`), alone, on h1's address and BIRD session.
host_conf 1
mkdir -p "$T/base"
sed -e '/^fleet {/,/^}/d' -e '/^	announce one$/d' \
	-e "s|^state-file .*|state-file \"$T/base/state\"|" \
	"$T/h1/lbbgp.conf" >"$T/base/lbbgp.conf"
lbbgpd_start "$T/base/lbbgp.conf"
wait_for 20 lb1_up || fail "the baseline lbbgpd has no session with BIRD"
$PY alloc --label base --n "$N" --socks "$T/lbbgpd.sock" --protos lb1 ||
	fail "the baseline's allocations failed"
$PY rss "base=$LBBGPD_PID"
lbbgpd_stop
wait_for 10 lb1_down || fail "BIRD's lb1 stays up after the baseline stopped"

# ---- the fleet --------------------------------------------------------------

fleet_hosts_up
itest_log "three hosts live in the fleet, three sessions at BIRD"
S1=$T/h1/sock S2=$T/h2/sock S3=$T/h3/sock
$PY alloc --label one --n "$N" --socks "$S1" --metrics "$S1" "$S2" "$S3" \
	--protos lb1,lb2,lb3 || fail "the allocations on one host failed"
$PY alloc --label three --n "$N" --socks "$S1" "$S2" "$S3" \
	--metrics "$S1" "$S2" "$S3" --protos lb1,lb2,lb3 ||
	fail "the allocations on three hosts failed"
$PY adds --n "$ADDS" || fail "the single adds failed"

# ---- failover of announce one VIPs ------------------------------------------

all_live() {
	for _h in 1 2 3; do fleet_live "$_h" || return 1; done
	bird_sessions_up
}
# one_round R MODE: a round; MODE death (restart once the VIPs moved) or
# at-once (restart right after the kill).
one_round() {
	victim=$($PY one-prepare --round "$1" --n "$ONE_VIPS" --mode "$2") ||
		fail "round $1: the VIPs did not settle"
	vpid=$(cat "$T/h$victim/pid")
	off=$(wc -c <"$T/h$victim/lbbgpd.log")
	$PY one-kill || fail "round $1: the kill failed"
	wait "$vpid" 2>/dev/null || :
	itest_untrack "$vpid"
	[ "$2" = at-once ] && host_start "$victim"
	$PY one-measure --lease "$LEASE" --watch "$WATCH" ||
		fail "round $1: the VIPs of h$victim did not move"
	[ "$2" = death ] && host_start "$victim"
	wait_for 30 all_live || fail "round $1: h$victim did not come back"
	$PY one-restart --log "$T/h$victim/lbbgpd.log" --offset "$off" ||
		fail "round $1: the restart of h$victim"
}
r=1
while [ "$r" -le "$ROUNDS" ]; do
	one_round "$r" death
	r=$((r + 1))
done
while [ "$r" -le $((ROUNDS + AT_ONCE)) ]; do
	one_round "$r" at-once
	r=$((r + 1))
done

# ---- memory, what is left in etcd --------------------------------------------

$PY rss "h1=$(cat "$T/h1/pid")" "h2=$(cat "$T/h2/pid")" "h3=$(cat "$T/h3/pid")" \
	"etcd-e1=$(cat "$T/etcd1/pid")" "etcd-e2=$(cat "$T/etcd2/pid")" \
	"etcd-e3=$(cat "$T/etcd3/pid")"
keys() {
	ETCDCTL_API=3 etcdctl --endpoints "$ENDPOINTS" get --prefix --keys-only \
		"/lbbgp/test/$1" | grep -c .
}
nv=$(keys vips/)
na=$(keys announcers/)
nh=$(keys hosts/)
$PY record "etcd_keys={\"vips\": $nv, \"announcers\": $na, \"hosts\": $nh, \"one_vips\": $ONE_VIPS}" \
	"note.keys=\"left in etcd at the end: $nv vips/ keys (the last round's $ONE_VIPS expected), $na announcers/ keys, $nh hosts/ keys\""

# ---- report -----------------------------------------------------------------

[ "$(sha256sum "$LBBGPD_BIN" | cut -d ' ' -f 1)" = "$lb_sum" ] ||
	$PY record "odd.binary=\"the lbbgpd binary changed during the run: the numbers mix two versions\""
[ -n "${BENCH_RESULTS:-}" ] && cp "$T/results.json" "$BENCH_RESULTS"
if [ "$SMOKE" = 1 ]; then
	$PY report --require || fail "the report lacks results"
	pass "bench-fleet smoke: every measurement ran"
else
	$PY report
fi
