#!/bin/sh
# capture.sh - regenerate tests/unit/captured.h from live BIRD 2 <-> GoBGP sessions.
#
# What it does
#   Starts BIRD 2 (127.0.8.2, AS 64512) and GoBGP (127.0.8.3) on loopback, lets
#   them peer while tcpdump records port 179, drives both daemons through a
#   fixed script (announce, route refresh, withdraw, shutdown) and feeds the
#   pcap files to pcap2c.py, which reassembles the TCP streams, splits them into
#   BGP messages, decodes them and writes a C header of byte-exact test vectors.
#
#   phase "ebgp": BIRD AS 64512 <-> GoBGP AS 64513. BIRD: ipv4+ipv6 channels,
#                 extended messages, graceful restart left at its default
#                 ("aware").  Ends with `gobgp neighbor 127.0.8.2 shutdown
#                 --reason bye`, a reconnect, then `gobgp neighbor ... reset`.
#   phase "ibgp": both AS 64512. BIRD: graceful restart on + long-lived GR,
#                 hostname capability, extended messages, LOCAL_PREF 200.
#                 GoBGP: graceful restart, ADD-PATH receive. Ends with
#                 `birdc disable lb "maintenance window"`.
#   phase "b2b":  BIRD <-> a second, passive BIRD on 127.0.8.3 (AS 64513), for
#                 the RFC 7313 BoRR/EoRR markers (GoBGP 3.10 never sends a
#                 ROUTE-REFRESH and does not do enhanced route refresh).
#   Takes about 90 s.
#
# How to run (as root, by hand; CI does not run this):
#     sh tests/unit/capture/capture.sh [OUTPUT.h]
#   OUTPUT defaults to tests/unit/captured.h (next to this directory).
#   KEEP=1 keeps the temp dir (configs, logs, pcaps, and dump.txt with the
#   decode of every captured message, not only the selected ones).
#
# Needs: bird2 (bird, birdc; 2.0.12 here), gobgpd + gobgp (3.x; 3.10.0 here),
#   tcpdump, unshare (util-linux; gives gobgpd a private UTS namespace so its
#   FQDN capability carries the fixed hostname "gobgp-lbbgp" rather than this
#   machine's) and /usr/bin/python3 (standard library only).
#
# Sandbox: loopback only. Uses the addresses 127.0.8.2 (BIRD) and 127.0.8.3
#   (GoBGP, or the second BIRD) port 179, GoBGP API on 127.0.0.1:50108, no
#   pprof, BIRD always started with -c and without `protocol kernel` (nothing
#   touches the host routing table). Everything lives in a mktemp dir; the
#   EXIT trap stops only the PIDs started here. Do not run it concurrently with
#   anything else that uses 127.0.8.2/127.0.8.3 port 179 or API port 50108.

set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$(cd "$HERE/.." && pwd)/captured.h}
PY=/usr/bin/python3
BIRD_IP=127.0.8.2
GOBGP_IP=127.0.8.3
API=50108

[ "$(id -u)" = 0 ] || { echo "capture.sh: must run as root (tcpdump, port 179)" >&2; exit 1; }
for c in bird birdc gobgpd gobgp tcpdump unshare; do
	command -v $c >/dev/null 2>&1 || { echo "capture.sh: $c not found" >&2; exit 1; }
done

T=$(mktemp -d /tmp/lbbgp-capture.XXXXXX)
chmod 755 "$T"
PIDS=""

stop_pid() {	# stop_pid PID: SIGTERM one process we started, wait for it
	kill "$1" 2>/dev/null || true
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -9 "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

cleanup() {
	for p in $PIDS; do stop_pid "$p"; done
	PIDS=""
	if [ "${KEEP:-0}" = 1 ]; then
		echo "capture.sh: kept $T" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

log() { echo "capture.sh: $*" >&2; }

bc() { birdc -s "$T/bird.ctl" "$@"; }
gc() { gobgp -p $API "$@"; }

wait_for() {	# wait_for SECONDS CMD...: poll until CMD succeeds
	n=$(($1 * 5)); shift
	while [ $n -gt 0 ]; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.2; n=$((n - 1))
	done
	log "timeout waiting for: $*"
	return 1
}

bird_established() { bc show protocols lb | grep -q Established; }
gobgp_established() { gc neighbor $BIRD_IP | grep -qi 'BGP state = established'; }

# ---------------------------------------------------------------- configs
write_bird_conf() {	# write_bird_conf ebgp|ibgp FILE
	mode=$1; f=$2
	if [ "$mode" = ibgp ]; then
		peer_as=64512
		extra='graceful restart on;
  graceful restart time 120;
  long lived graceful restart on;
  long lived stale time 3600;
  advertise hostname on;'
		lp='bgp_local_pref = 200;'
	else
		peer_as=64513
		extra=''
		lp=''
	fi
	cat > "$f" <<EOF
log "$T/bird-$mode.log" all;
router id $BIRD_IP;
hostname "bird-lbbgp";

protocol device { }

# Nothing here is exported to the kernel (no protocol kernel).
protocol static s4 {
  disabled;
  ipv4;
  route 198.51.100.1/32 blackhole;
  route 198.51.100.2/32 blackhole;
  route 198.51.100.3/32 blackhole;
  route 198.51.100.4/32 blackhole;
  route 203.0.113.0/24 blackhole;
}

protocol static s6 {
  disabled;
  ipv6;
  route 2001:db8:1::1/128 blackhole;
  route 2001:db8:1::2/128 blackhole;
}

filter lb_out {
  if source != RTS_STATIC then reject;
  if net = 203.0.113.0/24 then {
    bgp_origin = ORIGIN_INCOMPLETE;
    bgp_ext_community.add((rt, 64512, 7));
    bgp_community.add((65535, 65281));
    $lp
    accept;
  }
  bgp_origin = ORIGIN_IGP;
  bgp_med = 50;
  bgp_path.prepend(64512);
  bgp_community.add((64512, 100));
  bgp_community.add((64512, 200));
  bgp_large_community.add((64512, 1, 2));
  $lp
  accept;
}

protocol bgp lb {
  local $BIRD_IP port 179 as 64512;
  neighbor $GOBGP_IP port 179 as $peer_as;
  strict bind yes;
  multihop;
  connect delay time 1;
  connect retry time 1;
  error wait time 1, 5;
  enable extended messages on;
  $extra
  ipv4 { import all; export filter lb_out; next hop address 192.0.2.1; };
  ipv6 { import all; export filter lb_out; next hop address 2001:db8::2; };
}
EOF
}

write_gobgp_conf() {	# write_gobgp_conf ebgp|ibgp FILE
	mode=$1; f=$2
	if [ "$mode" = ibgp ]; then my_as=64512; else my_as=64513; fi
	cat > "$f" <<EOF
[global.config]
  as = $my_as
  router-id = "$GOBGP_IP"
  port = 179
  local-address-list = ["$GOBGP_IP"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$BIRD_IP"
    peer-as = 64512
  [neighbors.transport.config]
    local-address = "$GOBGP_IP"
    # BIRD always opens the connection: no collision resolution, same wire every run
    passive-mode = true
  [neighbors.timers.config]
    connect-retry = 1
    idle-hold-time-after-reset = 1
EOF
	if [ "$mode" = ibgp ]; then
		cat >> "$f" <<EOF
  [neighbors.graceful-restart.config]
    enabled = true
    restart-time = 90
  [neighbors.add-paths.config]
    receive = true
EOF
	fi
	for fam in ipv4-unicast ipv6-unicast; do
		cat >> "$f" <<EOF
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "$fam"
EOF
		if [ "$mode" = ibgp ]; then
			cat >> "$f" <<EOF
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
EOF
		fi
	done
}

# ---------------------------------------------------------------- one phase
start_daemons() {	# start_daemons MODE
	write_bird_conf "$1" "$T/bird-$1.conf"
	write_gobgp_conf "$1" "$T/gobgp-$1.toml"
	bird -c "$T/bird-$1.conf" -p
	gobgpd -f "$T/gobgp-$1.toml" -d >/dev/null

	unshare -u sh -c "hostname gobgp-lbbgp && exec gobgpd -f '$T/gobgp-$1.toml' \
		--api-hosts 127.0.0.1:$API --pprof-disable -p -l debug" \
		>"$T/gobgpd-$1.log" 2>&1 &
	GOBGPD_PID=$!
	PIDS="$PIDS $GOBGPD_PID"
	wait_for 10 gc neighbor
	bird -f -c "$T/bird-$1.conf" -s "$T/bird.ctl" >"$T/bird-$1.stderr" 2>&1 &
	BIRD_PID=$!
	PIDS="$PIDS $BIRD_PID"
	wait_for 10 bc show status
	wait_for 30 bird_established
	wait_for 30 gobgp_established
	sleep 3		# OPEN/KEEPALIVE/End-of-RIB exchange
}

stop_daemons() {
	stop_pid "$BIRD_PID"
	stop_pid "$GOBGPD_PID"
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -v -x -e "$BIRD_PID" -e "$GOBGPD_PID" | tr '\n' ' ')
}

start_tcpdump() {	# start_tcpdump FILE
	tcpdump -i lo -n -U -s 0 -Z root -w "$1" "tcp port 179 and host $BIRD_IP" \
		2>"$1.log" &
	TCPDUMP_PID=$!
	PIDS="$PIDS $TCPDUMP_PID"
	wait_for 10 grep -q listening "$1.log"
}

stop_tcpdump() {
	sleep 1
	kill -INT "$TCPDUMP_PID" 2>/dev/null || true
	wait "$TCPDUMP_PID" 2>/dev/null || true
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -v -x -e "$TCPDUMP_PID" | tr '\n' ' ')
}

gobgp_routes() {	# gobgp_routes add|del  (GoBGP's default ORIGIN is INCOMPLETE)
	gc global rib "$1" 192.0.2.10/32 community 64512:100 nexthop 203.0.113.254
	sleep 1
	gc global rib "$1" 192.0.2.11/32 origin igp med 20 \
		community 64513:1,64513:2 large-community 64513:10:20 nexthop 203.0.113.254
	sleep 1
	gc global rib -a ipv6 "$1" 2001:db8::10/128 nexthop 2001:db8::fe
	sleep 2
}

phase() {	# phase ebgp|ibgp
	mode=$1
	log "phase $mode"
	start_tcpdump "$T/$mode.pcap"
	start_daemons "$mode"

	log "$mode: BIRD announces (static s4, s6)"
	bc enable s4 >/dev/null
	sleep 2
	bc enable s6 >/dev/null
	sleep 2

	log "$mode: GoBGP announces"
	gobgp_routes add

	log "$mode: BIRD route refresh (reload in)"
	bc reload in lb >/dev/null
	sleep 2
	log "$mode: GoBGP softresetin (3.10 sends no ROUTE-REFRESH for it)"
	gc neighbor $BIRD_IP softresetin
	sleep 2

	log "$mode: GoBGP withdraws"
	gobgp_routes del
	log "$mode: BIRD withdraws"
	bc disable s4 >/dev/null
	sleep 2
	bc disable s6 >/dev/null
	sleep 2

	if [ "$mode" = ebgp ]; then
		# shutdown first: GoBGP 3.10 then takes the reconnect at once, while
		# after `reset` it idles 30 s whatever idle-hold-time-after-reset says.
		log "$mode: GoBGP shutdown, then reset"
		gc neighbor $BIRD_IP shutdown --reason "bye" >/dev/null 2>&1
		sleep 1
		wait_for 40 gobgp_established
		sleep 2
		gc neighbor $BIRD_IP reset
		sleep 2
	else
		log "$mode: BIRD disable with shutdown communication"
		bc disable lb '"maintenance window"' >/dev/null
		sleep 2
	fi
	stop_daemons
	stop_tcpdump
}

# Phase "b2b": BIRD <-> BIRD (second BIRD on 127.0.8.3, AS 64513, passive).
# GoBGP 3.10 neither sends ROUTE-REFRESH (softresetin only re-runs its import
# policy over the Adj-RIB-In it keeps) nor advertises Enhanced Route Refresh,
# so BIRD's RFC 7313 BoRR/EoRR demarcation only shows up against another BIRD.
phase_b2b() {
	log "phase b2b"
	start_tcpdump "$T/b2b.pcap"
	write_bird_conf ebgp "$T/bird-b2b.conf"
	sed -i "s|bird-ebgp.log|bird-b2b.log|" "$T/bird-b2b.conf"
	cat > "$T/birdb.conf" <<-END_BIRDB
	log "$T/birdb.log" all;
	router id $GOBGP_IP;
	protocol device { }
	protocol bgp lb {
	  local $GOBGP_IP port 179 as 64513;
	  neighbor $BIRD_IP port 179 as 64512;
	  strict bind yes;
	  multihop;
	  passive on;
	  ipv4 { import all; export none; };
	  ipv6 { import all; export none; };
	}
	END_BIRDB
	bird -c "$T/birdb.conf" -p
	bird -f -c "$T/birdb.conf" -s "$T/birdb.ctl" >"$T/birdb.stderr" 2>&1 &
	BIRDB_PID=$!
	PIDS="$PIDS $BIRDB_PID"
	wait_for 10 birdc -s "$T/birdb.ctl" show status
	bird -f -c "$T/bird-b2b.conf" -s "$T/bird.ctl" >"$T/bird-b2b.stderr" 2>&1 &
	BIRD_PID=$!
	PIDS="$PIDS $BIRD_PID"
	wait_for 10 bc show status
	wait_for 30 bird_established
	sleep 2
	bc enable s4 >/dev/null
	bc enable s6 >/dev/null
	sleep 2
	log "b2b: second BIRD asks for a route refresh; BIRD answers BoRR .. EoRR"
	birdc -s "$T/birdb.ctl" reload in lb >/dev/null
	sleep 5		# BIRD answers the second AFI about 2 s after the first
	stop_pid "$BIRD_PID"
	stop_pid "$BIRDB_PID"
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -v -x -e "$BIRD_PID" -e "$BIRDB_PID" | tr '\n' ' ')
	stop_tcpdump
}

phase ebgp
phase ibgp
phase_b2b

log "decoding"
VERS="BIRD $(bird --version 2>&1 | awk '{print $NF}'), GoBGP $(gobgpd --version 2>&1 | awk '{print $NF}')"
"$PY" "$HERE/pcap2c.py" --versions "$VERS" --dump "$T/dump.txt" ebgp="$T/ebgp.pcap" ibgp="$T/ibgp.pcap" b2b="$T/b2b.pcap" >"$T/captured.h"
cp "$T/captured.h" "$OUT"
log "wrote $OUT"
