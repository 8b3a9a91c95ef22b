#!/bin/sh
# shellcheck source-path=SCRIPTDIR/..
# demo.sh: the README quick start. As root on Debian 12:  sh scripts/demo.sh
# Installs what is missing, builds (in build/, or in place if the source tree
# is configured in place), starts a BIRD router on 127.0.0.2 (AS 64512) and
# lbbgpd on 127.0.0.1 with examples/lbbgp.conf (AS 64513), announces VIPs
# through bgpctl, prints the routes BIRD learned, and stops everything it
# started. Nothing leaves loopback and BIRD has no kernel protocol.
# KEEP_TMP=1 keeps the temp dir with the configs and logs.
set -u
cd "$(dirname "$0")/.." || exit 1
root=$(pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "demo.sh: run as root (installs packages, binds port 179)" >&2
	exit 1
fi
[ -f examples/lbbgp.conf ] || { echo "demo.sh: examples/lbbgp.conf is missing" >&2; exit 1; }

echo "== dependencies"
. scripts/deps.sh
lbbgp_deps || exit 1

echo "== build"
lbbgp_build demo.sh || exit 1

# The integration-test helpers start, query and clean up BIRD and lbbgpd.
. tests/integration/lib.sh
itest_init demo
itest_need bird birdc

echo "== BIRD on 127.0.0.2 (AS 64512), lbbgpd on 127.0.0.1 (AS 64513)"
bird_start router 127.0.0.2 64512 127.0.0.1 64513
lbbgpd_start "$root/examples/lbbgp.conf"
wait_state bird router Established 30 || fail "no BGP session between BIRD and lbbgpd"
echo "BGP session Established"

echo "== announcing VIPs with bgpctl"
announce() {
	echo "\$ bgpctl $*"
	ctl "$@" || echo "(bgpctl failed: this step needs a working bgpctl)"
}
announce add 192.168.1.241 pool general-pool owner demo/web
announce add 192.168.1.250 pool istio-pool owner istio-system/istio-ingressgateway
announce allocate pool general-pool owner demo/api
announce show vips

echo "== what BIRD learned (birdc show route all protocol lb)"
bird_learned() { [ "$(bird_route_count router)" -gt 0 ]; }
wait_for 5 bird_learned || echo "(no routes yet)"
bird_cli router show route all protocol lb

echo "== stopping lbbgpd and BIRD"
lbbgpd_stop
bird_stop router
echo "demo done"
