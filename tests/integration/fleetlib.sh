# shellcheck shell=sh
# fleetlib.sh: the fleet's test set-up, sourced after lib.sh by
# tests/integration/fleet.sh and tests/bench/bench-fleet.sh: a
# three-member etcd cluster (127.0.0.11-13), three lbbgpd hosts h1-h3
# (127.0.0.21-23, AS 64513, a fleet block with lease $LEASE) and one BIRD
# on 127.0.0.2 (AS 64512) with protocols lb1-lb3, one session per host.
# POSIX sh (dash).  It must only ever be used inside a network namespace
# the script made (netns.sh): it puts these addresses on that namespace's
# lo and binds port 179, 2379 and 2380 on them.  Everything it starts is
# tracked (itest_track) and stopped by lib.sh's cleanup, by PID.
#
# Usage: . fleetlib.sh; fleet_net_up; fleet_hosts_up (every host live,
# three sessions at BIRD).  Before sourcing: LEASE (default 3 s),
# ONE_POOL (pool one's addresses, default 10.60.0.0/24) and, from outside
# tests/integration, FLEET_ITEST_DIR (where ctljson.py is); BGPCTL and
# LBBGPD name the binaries.

LEASE=${LEASE:-3}
ONE_POOL=${ONE_POOL:-10.60.0.0/24}
FLEET_ITEST_DIR=${FLEET_ITEST_DIR:-$ITEST_DIR}
BGPCTL=${BGPCTL:-$top_builddir/bgpctl/bgpctl}
LBBGPD_BIN=${LBBGPD:-$top_builddir/bgpd/lbbgpd}

# ---- etcd ----------------------------------------------------------------

CLUSTER="e1=http://127.0.0.11:2380,e2=http://127.0.0.12:2380,e3=http://127.0.0.13:2380"
ENDPOINTS="http://127.0.0.11:2379,http://127.0.0.12:2379,http://127.0.0.13:2379"
# etcd_start N [new|existing]: member eN; its PID in $T/etcdN/pid.  Fast
# elections (50 ms heartbeat, 500 ms election timeout) keep tests short.
etcd_start() {
	_e_d=$T/etcd$1
	mkdir -p "$_e_d"
	itest_add_log "$_e_d/etcd.log"
	etcd --name "e$1" --data-dir "$_e_d/data" \
		--listen-client-urls "http://127.0.0.1$1:2379" \
		--advertise-client-urls "http://127.0.0.1$1:2379" \
		--listen-peer-urls "http://127.0.0.1$1:2380" \
		--initial-advertise-peer-urls "http://127.0.0.1$1:2380" \
		--initial-cluster "$CLUSTER" --initial-cluster-state "${2:-new}" \
		--initial-cluster-token lbbgp-fleet \
		--heartbeat-interval 50 --election-timeout 500 \
		>>"$_e_d/etcd.log" 2>&1 &
	echo $! >"$_e_d/pid"
	itest_track $!
}
etcd_stop() {
	_e_pid=$(cat "$T/etcd$1/pid")
	itest_kill "$_e_pid"
	itest_untrack "$_e_pid"
}
etcd_healthy() {
	ETCDCTL_API=3 etcdctl --endpoints "$ENDPOINTS" --command-timeout=2s \
		endpoint health >/dev/null 2>&1
}

# ---- BIRD ----------------------------------------------------------------

# fleet_bird: BIRD "bird" with protocols lb1-lb3, logging to
# $T/bird/bird.log with millisecond time stamps.
fleet_bird() {
	mkdir -p "$T/bird"
	{
		echo "log \"$T/bird/bird.log\" all;"
		echo "timeformat log \"%F %T.%3f\";"
		echo "router id 127.0.0.2;"
		echo "protocol device { }"
		for _fb_h in 1 2 3; do
			cat <<EOF
protocol bgp lb$_fb_h {
	local 127.0.0.2 port 179 as 64512;
	neighbor 127.0.0.2$_fb_h port 179 as 64513;
	strict bind yes;
	multihop;
	connect delay time 1;
	connect retry time 1;
	error wait time 1, 2;
	ipv4 { import all; export none; };
}
EOF
		done
	} >"$T/bird/bird.conf"
	bird_run bird
}

# routes_of H: routes BIRD has from host H.
routes_of() {
	bird_cli bird show protocols all "lb$1" |
		awk '$1 == "Routes:" { print $2 + 0; exit }'
}
all_have() {
	for _ah_h in 1 2 3; do
		[ "$(routes_of "$_ah_h")" = "$1" ] || return 1
	done
}
bird_sessions_up() {
	[ "$(birdc -s "$T/bird/sock" show protocols | grep -c Established)" = 3 ]
}

# ---- the hosts -------------------------------------------------------------

# host_conf N [NODE]: host N's config in $T/hN/lbbgp.conf (node hN unless
# NODE; its etcd endpoints 127.0.0.E:2379 for E in $ETCD_VIA, default
# 11 12 13): pool web (10.50.0.0/16, announce all), pool one ($ONE_POOL,
# announce one, auto-assign no), pool checked (10.70.0.0/24, its VIPs
# bound to check backend: TCP to the host's own address, port 8443),
# pool onecheck (10.61.0.0/24, announce one, check backend), a session
# to BIRD.
host_conf() {
	mkdir -p "$T/h$1"
	cat >"$T/h$1/lbbgp.conf" <<EOF
router-id 10.0.0.2$1
local-as 64513
listen on 127.0.0.2$1 port 179
state-file "$T/h$1/state"
fleet {
$(for _hc_e in ${ETCD_VIA:-11 12 13}; do
	echo "	etcd http://127.0.0.$_hc_e:2379"
done)
	cluster test
	node ${2:-h$1}
	lease $LEASE
}
pool web {
	addresses 10.50.0.0/16
}
pool one {
	addresses $ONE_POOL
	announce one
	auto-assign no
}
check backend {
	tcp 127.0.0.2$1 port 8443
	interval 0.5
	timeout 0.4
	rise 1
	fall 1
}
pool checked {
	addresses 10.70.0.0/24
	auto-assign no
	check backend
}
pool onecheck {
	addresses 10.61.0.0/24
	announce one
	auto-assign no
	check backend
}
advertisement all {
}
neighbor bird {
	address 127.0.0.2
	local-address 127.0.0.2$1
	remote-as 64512
	connect-retry 1
}
EOF
}
# host_start N: start host N (config written), wait for its socket; its
# PID in $T/hN/pid.
host_start() {
	itest_add_log "$T/h$1/lbbgpd.log"
	"$LBBGPD_BIN" -d -f "$T/h$1/lbbgp.conf" -s "$T/h$1/sock" \
		>>"$T/h$1/lbbgpd.log" 2>&1 &
	echo $! >"$T/h$1/pid"
	itest_track $!
	wait_for 10 "$ITEST_PY" -c 'import socket, sys
socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$T/h$1/sock" ||
		fail "host h$1 does not answer"
}
hctl() { _h=$1; shift; "$BGPCTL" -s "$T/h$_h/sock" "$@"; }
# fleet_json H EXPR: EXPR (Python, on f) of host H's show fleet.
fleet_json() {
	echo '{"cmd":"show-fleet"}' |
		"$ITEST_PY" "$FLEET_ITEST_DIR/ctljson.py" "$T/h$1/sock" 10 |
		"$ITEST_PY" -c 'import json, sys
f = json.load(sys.stdin)["fleet"]
print(eval(sys.argv[1]))' "$2"
}
fleet_live() { [ "$(fleet_json "$1" 'f["state"] + " " + str(len(f["hosts"]))')" = "live 3" ]; }

# ---- all of it ---------------------------------------------------------------

# fleet_net_up: the addresses, the etcd cluster and BIRD.
fleet_net_up() {
	for _fu_a in 11 12 13 21 22 23 24 31 32 33 2; do
		ip addr add "127.0.0.$_fu_a/32" dev lo 2>/dev/null || :
	done
	etcd_start 1
	etcd_start 2
	etcd_start 3
	wait_for 30 etcd_healthy || fail "the etcd cluster did not come up"
	itest_log "etcd cluster up"
	fleet_bird
}
# fleet_hosts_up: h1-h3, until each is live with three hosts and BIRD
# has its three sessions.  ETCD_VIA_H1..3: a host's endpoints (see
# host_conf).
fleet_hosts_up() {
	for _fu_h in 1 2 3; do
		# ETCD_VIA_HN: host N's endpoints (a proxy, say).
		eval "ETCD_VIA=\${ETCD_VIA_H$_fu_h:-11 12 13}"
		host_conf "$_fu_h"
		ETCD_VIA=
		host_start "$_fu_h"
	done
	for _fu_h in 1 2 3; do
		wait_for 20 fleet_live "$_fu_h" ||
			fail "host h$_fu_h is not live with 3 hosts: $(hctl "$_fu_h" show fleet)"
	done
	wait_for 20 bird_sessions_up || fail "BIRD does not have its three sessions"
}
