# shellcheck shell=sh
# netns.sh: run an integration test inside network namespaces of its own,
# sourced by the tests that need addresses or links the host must not see
# (bfd.sh, enh.sh, etcd.sh, frrbfd.sh, ipv6.sh, netlink.sh).  POSIX sh
# (dash).
# It makes the namespaces, runs the test script again inside the first
# one, deletes them afterwards and exits with the script's status.  It
# must never change anything outside the namespaces it made: addresses
# and links are set with `ip -n NS`, never on the host.
#
# Usage, at the top of a test, before lib.sh:
#   . "$(dirname "$0")/netns.sh"
#   netns_run NAME SETUP lbbgp-NAME [lbbgp-NAMEb] -- "$@"
# NAME names the test in SKIP lines; each namespace name gets -$$ added.
# With two namespaces, a veth pair joins them: va in the first, vb in the
# second.  Every lo and veth end is up.  SETUP (a function of the test, or
# :) then gets the namespace names and adds the test's addresses.  Inside,
# LBBGP_IN_NETNS names the first namespace and LBBGP_PEER_NETNS the second
# (empty with one).

# netns_run NAME SETUP NSA [NSB] -- ARGS...: returns at once when already
# inside (LBBGP_IN_NETNS set); otherwise runs "$0" ARGS inside NSA and
# exits, never returns.
netns_run() {
	[ -z "${LBBGP_IN_NETNS:-}" ] || return 0
	_ns_name=$1
	_ns_setup=$2
	_ns_a=$3-$$
	_ns_b=
	shift 3
	if [ "$1" != -- ]; then
		_ns_b=$1-$$
		shift
	fi
	[ "$1" = -- ] || { echo "FAIL: netns_run: -- missing before the script's arguments"; exit 1; }
	shift
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: $_ns_name needs root (network namespaces)"; exit 77; }
	command -v ip >/dev/null 2>&1 || { echo "SKIP: ip (iproute2) not installed"; exit 77; }
	_ns_made=
	trap 'for _ns_n in $_ns_made; do ip netns del "$_ns_n"; done' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	for _ns_n in $_ns_a $_ns_b; do
		ip netns add "$_ns_n" ||
			{ echo "SKIP: cannot create a network namespace (ip netns)"; exit 77; }
		_ns_made="$_ns_made $_ns_n"
		ip -n "$_ns_n" link set lo up
	done
	if [ -n "$_ns_b" ]; then
		# Made inside the namespaces: no name on the host.
		ip -n "$_ns_a" link add va type veth peer name vb netns "$_ns_b" ||
			{ echo "FAIL: cannot create the veth pair"; exit 1; }
		ip -n "$_ns_a" link set va up
		ip -n "$_ns_b" link set vb up
	fi
	"$_ns_setup" "$_ns_a" "$_ns_b" || { echo "FAIL: $_ns_name: $_ns_setup failed"; exit 1; }
	_ns_rc=0
	LBBGP_IN_NETNS=$_ns_a LBBGP_PEER_NETNS=$_ns_b \
		ip netns exec "$_ns_a" sh "$0" "$@" || _ns_rc=$?
	exit "$_ns_rc"
}
