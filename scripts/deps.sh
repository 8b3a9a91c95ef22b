#!/bin/sh
# deps.sh: the Debian 12 packages lbbgp needs to build and test, and
# lbbgp_deps, which installs the missing ones (as root; otherwise it only
# lists them), and lbbgp_build, which configures and builds. Sourced by
# check.sh, demo.sh and load.sh; `sh scripts/deps.sh` runs lbbgp_deps.
# Package scripts may not start services while it installs: Debian's bird
# config exports routes to the kernel, and a system gobgpd would hold port 179.
# frr (FRR's bfdd and bgpd, for tests/integration/frrbfd.sh) and
# etcd-server (for tests/integration/etcd.sh) are disabled once installed:
# their packages enable frr.service and etcd.service for the next boot.

LBBGP_PKGS="build-essential autoconf automake libtool pkg-config
	libev-dev libjson-c-dev libnl-3-dev libnl-route-3-dev libcurl4-openssl-dev check
	bird2 gobgpd mandoc iproute2 procps python3 valgrind bash-completion
	clang libclang-rt-dev exabgp python3-grpcio tcpdump frr
	etcd-server etcd-client openssl"

# lbbgp_missing: the packages of LBBGP_PKGS that are not installed.
lbbgp_missing() {
	for _pkg in $LBBGP_PKGS; do
		dpkg-query -W -f='${Status}\n' "$_pkg" 2>/dev/null |
			grep -q '^install ok installed$' || printf '%s ' "$_pkg"
	done
}

lbbgp_deps() {
	_missing=$(lbbgp_missing)
	if [ -z "$_missing" ]; then
		echo "deps: all packages installed"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: not root, not installing missing packages: $_missing" >&2
		return 0
	fi
	echo "deps: installing $_missing"
	_policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		_policy=/usr/sbin/policy-rc.d
	fi
	_rc=0
	apt-get update -q || _rc=$?
	# shellcheck disable=SC2086 # one word per package
	[ "$_rc" -ne 0 ] || DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $_missing || _rc=$?
	[ -z "$_policy" ] || rm -f "$_policy"
	# frr's postinst enables frr.service (zebra and staticd) for the next
	# boot; the policy above only kept it from starting now (or a
	# policy-rc.d of the machine's did).  The tests run FRR daemons of
	# their own in network namespaces; a system one would keep zebra on
	# the host's routing table.  Where systemd is not PID 1, disable
	# still removes the links and --now fails: hence || :.
	case " $_missing " in
	*" frr "*) systemctl disable --now frr >/dev/null 2>&1 || : ;;
	esac
	# etcd-server's postinst enables etcd.service, a member on
	# localhost:2379 with its data in /var/lib/etcd; the tests run their
	# own members in a network namespace with data under their temp dir.
	case " $_missing " in
	*" etcd-server "*) systemctl disable --now etcd >/dev/null 2>&1 || : ;;
	esac
	[ "$_rc" -eq 0 ] || echo "deps: apt-get failed ($_rc)" >&2
	return "$_rc"
}

# lbbgp_build NAME [TARGET...]: configure if needed and make, in place when
# the source tree is configured in place, else in build/; sets top_builddir.
# Run from the top of the source tree.  NAME prefixes the error messages.
lbbgp_build() {
	_name=$1
	shift
	if [ -f config.status ]; then
		top_builddir=$(pwd)
	else
		top_builddir=$(pwd)/build
		if [ ! -f build/Makefile ] && ! { autoreconf -fi && mkdir -p build &&
			(cd build && ../configure); }; then
			echo "$_name: configure failed" >&2
			return 1
		fi
	fi
	make -C "$top_builddir" -j"$(nproc 2>/dev/null || echo 2)" "$@" ||
		{ echo "$_name: build failed" >&2; return 1; }
}

# Run directly (not sourced): install.
case $0 in *deps.sh) lbbgp_deps ;; esac
