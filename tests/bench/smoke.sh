#!/bin/sh
# smoke.sh: make check's run of bench-vips.sh with tiny counts (about 30 s):
# every job with every announcer (lbbgpd, GoBGP, ExaBGP, BIRD), so the
# benchmark driver does not rot.  Its numbers mean nothing.  Test number 20.
BENCH_SMOKE=1 exec sh "$(dirname "$0")/bench-vips.sh"
