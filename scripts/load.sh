#!/bin/sh
# shellcheck source-path=SCRIPTDIR/..
# load.sh: the load tests at full size (tests/load/README.md).  As root on
# Debian 12, from anywhere:
#	sh scripts/load.sh [RESULTS.md]
# Installs what is missing, builds (in build/, or in place if the source
# tree is configured in place), then runs tests/load/load.sh: 100,000 VIPs
# to 4 BIRDs, 60 s of 10,000 add/withdraw requests a second, 1,000,000
# VIPs to one BIRD; about 3 minutes.  Prints the table (and writes it to
# RESULTS.md when given); fails only when a router lost or got extra
# routes.  LOAD_SCALE and LOAD_JOBS pass through (scripts/check.sh runs a
# tenth of the size).  Nothing leaves loopback; BIRD has no kernel protocol.
set -u
cd "$(dirname "$0")/.." || exit 1
if [ "$(id -u)" -ne 0 ]; then
	echo "load.sh: run as root (installs packages, binds port 179)" >&2
	exit 1
fi
. scripts/deps.sh
lbbgp_deps || exit 1
lbbgp_build load.sh bgpd/lbbgpd bgpctl/bgpctl || exit 1
export top_builddir
if [ $# -gt 0 ]; then
	LOAD_RESULTS=$1
	export LOAD_RESULTS
fi
exec sh tests/load/load.sh
