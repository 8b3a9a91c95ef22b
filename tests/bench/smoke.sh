#!/bin/sh
# smoke.sh: make check's run of the benchmark drivers with tiny counts (about
# 45 s), so they do not rot; their numbers mean nothing.  bench-vips.sh
# (test number 20): every job with every announcer (lbbgpd, GoBGP, ExaBGP,
# BIRD).  bench-health.sh (test number 21): lbbgpd's health checks next to
# ExaBGP's healthcheck.py, every measurement.  Fails when either fails;
# skipped (77) only when both are.
d=$(dirname "$0")
rc_vips=0
rc_health=0
BENCH_SMOKE=1 sh "$d/bench-vips.sh" || rc_vips=$?
BENCH_SMOKE=1 sh "$d/bench-health.sh" || rc_health=$?
for rc in $rc_vips $rc_health; do
	case $rc in 0 | 77) ;; *) exit "$rc" ;; esac
done
[ "$rc_vips" = 77 ] && [ "$rc_health" = 77 ] && exit 77
exit 0
