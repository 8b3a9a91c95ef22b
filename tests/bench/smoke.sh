#!/bin/sh
# smoke.sh: make check's run of the benchmark drivers with tiny counts (about
# 70 s), so they do not rot; their numbers mean nothing.  bench-vips.sh
# (test number 20): every job with every announcer (lbbgpd, GoBGP, ExaBGP,
# BIRD).  bench-health.sh (test number 21): lbbgpd's health checks next to
# ExaBGP's healthcheck.py, every measurement.  bench-bfd.sh (in network
# namespaces of its own, about 11 s): one failure of each kind at 100 ms x
# 3, lbbgpd and BIRD.  bench-fleet.sh (in a network namespace of its own,
# about 15 s): 30 allocations, 5 adds, one failover of each kind.  Fails
# when any fails; skipped (77) only when all are.
d=$(dirname "$0")
rc_vips=0
rc_health=0
rc_bfd=0
rc_fleet=0
BENCH_SMOKE=1 sh "$d/bench-vips.sh" || rc_vips=$?
BENCH_SMOKE=1 sh "$d/bench-health.sh" || rc_health=$?
BENCH_SMOKE=1 sh "$d/bench-bfd.sh" || rc_bfd=$?
BENCH_SMOKE=1 sh "$d/bench-fleet.sh" || rc_fleet=$?
for rc in $rc_vips $rc_health $rc_bfd $rc_fleet; do
	case $rc in 0 | 77) ;; *) exit "$rc" ;; esac
done
[ "$rc_vips" = 77 ] && [ "$rc_health" = 77 ] && [ "$rc_bfd" = 77 ] &&
	[ "$rc_fleet" = 77 ] && exit 77
exit 0
