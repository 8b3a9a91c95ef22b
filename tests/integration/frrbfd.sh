#!/bin/sh
# frrbfd.sh: BFD (RFC 5880/5881) between lbbgpd and a second
# implementation, FRR's bfdd (Debian 12: frr 8.4), and what it does to
# BGP (RFC 9384) on both sides.  Everything runs inside two network
# namespaces the test creates and deletes, joined by a veth pair:
# lbbgpd (AS 64513) on 10.25.0.1 in the first; FRR's zebra, bfdd and
# bgpd (AS 64512, `neighbor 10.25.0.1 bfd`) on 10.25.0.2 in the second,
# as user frr with every file (config, pid, vty and zebra sockets, logs)
# under the test's temp dir; nothing is set up on the host.
# Checks:
# - default timers (300 ms x 3 both sides): BFD Up on both, with the same
#   discriminators seen from each end; BGP Established, FRR's bgpd sees
#   its BFD session Up and has lbbgpd's two VIPs;
# - lbbgpd reloaded to 50 ms x 3 while FRR stays at 300: lbbgpd
#   negotiates 300/300 (RFC 5880 §6.8.2-3); FRR's bfd profile fast
#   (50 ms x 3) then makes it 50/50 and a 150 ms detection time; no flap
#   of BFD or BGP on either side;
# - SIGSTOP lbbgpd: FRR's BFD goes Down and its bgpd closes the session
#   (Cease/BFD Down) within the detection time (150 ms) + 100 ms, by
#   FRR's log clock; SIGCONT: both come back;
# - SIGSTOP FRR's bfdd: lbbgpd closes BGP with Cease/BFD Down (6/10)
#   within the detection time (+ 50 ms for the test's own clock), and
#   FRR's bgpd gets it; SIGCONT: both come back;
# - SIGTERM lbbgpd: FRR's BFD goes Down with neighbor-down (AdminDown);
# - authentication: FRR 8.4's bfdd does not implement it (no setting; it
#   sends no Authentication Section and took lbbgpd's authenticated
#   packets as plain ones), so a keyed SHA1 key mismatch cannot be set
#   up: that check is skipped with a note.  What is checked: lbbgpd with
#   bfd-auth never comes Up with it, and counts FRR's packets as
#   auth-missing.
# Not exercised: echo mode (FRR's is off by default and stays off; lbbgpd
# asks for no echo), demand mode, multihop, IPv6, BFD profiles beyond
# the timers, FRR's static `peer` sessions.
# FRR_LIBEXEC: where FRR's daemons are (default /usr/lib/frr).  Without
# FRR the test is skipped, except under CI (CI set), where it fails.
# Test 25.

# frr_addrs NSA NSB: lbbgpd's side, FRR's side.
frr_addrs() {
	ip -n "$1" addr add 10.25.0.1/24 dev va &&
		ip -n "$2" addr add 10.25.0.2/24 dev vb
}
# shellcheck source-path=SCRIPTDIR source=netns.sh
. "$(dirname "$0")/netns.sh"
netns_run frrbfd frr_addrs lbbgp-frra lbbgp-frrb -- "$@"

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
itest_init frrbfd
itest_need "$ITEST_PY"
NSB=$LBBGP_PEER_NETNS
FRR_LIBEXEC=${FRR_LIBEXEC:-/usr/lib/frr}
F=$T/frr

# CI installs frr (scripts/deps.sh): there a missing FRR is a failure,
# not a skip that would hide a missing install step.
frr_missing() {
	if [ -n "${CI:-}" ]; then
		fail "$1 (CI: scripts/deps.sh should have installed frr)"
	fi
	itest_skip "$1 (apt-get install frr)"
}
for d in zebra bfdd bgpd; do
	[ -x "$FRR_LIBEXEC/$d" ] || frr_missing "FRR's $FRR_LIBEXEC/$d not installed"
done
command -v vtysh >/dev/null 2>&1 || frr_missing "FRR's vtysh not installed"
id frr >/dev/null 2>&1 || frr_missing "no user frr (the frr package makes it)"

# ---- FRR ----------------------------------------------------------------

# FRR's daemons refuse to run as a user outside the group frrvty (root is
# not in it), so they run as frr, the package's user: $T (0700 from
# mktemp) opens for traversal and $F belongs to frr.
chmod 711 "$T"
mkdir -p "$F"
chown frr:frr "$F"

# frr_conf DAEMON [LINES]: DAEMON's config, its own log file with
# millisecond timestamps first.
frr_conf() {
	cat >"$F/$1.conf" <<EOF
hostname frr
log file $F/$1.log debugging
log timestamp precision 3
${2:-}
EOF
	chmod 644 "$F/$1.conf"
}
frr_conf zebra
# debug bfd peer: bfdd logs its state changes only with it.
frr_conf bfdd "debug bfd peer
bfd
 profile fast
  transmit-interval 50
  receive-interval 50
  detect-multiplier 3
 exit
exit"
frr_conf bgpd "router bgp 64512
 bgp router-id 10.25.0.2
 bgp log-neighbor-changes
 no bgp ebgp-requires-policy
 neighbor 10.25.0.1 remote-as 64513
 neighbor 10.25.0.1 timers connect 1
 neighbor 10.25.0.1 bfd
exit"

# frr_cli ARGS...: vtysh against this FRR (-c COMMAND ...).
frr_cli() { vtysh --vty_socket "$F" "$@"; }

# frr_start DAEMON [ARGS...]: run it in the foreground in FRR's namespace,
# no vty TCP port, paths under $F; wait for vtysh to reach it.
frr_start() {
	_f_d=$1
	shift
	itest_add_log "$F/$_f_d.log"
	itest_add_log "$F/$_f_d.out"
	ip netns exec "$NSB" "$FRR_LIBEXEC/$_f_d" -u frr -g frr -P 0 \
		-f "$F/$_f_d.conf" -i "$F/$_f_d.pid" -z "$F/zserv.api" \
		--vty_socket "$F" "$@" >>"$F/$_f_d.out" 2>&1 &
	echo $! >"$F/$_f_d.run.pid"
	itest_track $!
	wait_for 10 frr_cli -d "$_f_d" -c "show version" ||
		fail "FRR's $_f_d did not start (see $F/$_f_d.out)"
}
# bgpd asks bfdd for its sessions through zebra (ZAPI): all three run.
frr_start zebra
frr_start bfdd --bfdctl "$F/bfdd.sock"
# -n: no routes to zebra's kernel table.
frr_start bgpd -n
BFDD_PID=$(cat "$F/bfdd.run.pid")
itest_log "FRR: $(frr_cli -c 'show version' | head -1)"

# frr_bfd EXPR: EXPR (Python, on p) for bfdd's session with 10.25.0.1
# (show bfd peers json); fails when there is none.
frr_bfd() {
	frr_cli -c 'show bfd peers json' | "$ITEST_PY" -c 'import json, sys
p = [p for p in json.load(sys.stdin) if p["peer"] == "10.25.0.1"][0]
print(eval(sys.argv[1]))' "$1"
}
frr_bfd_is() { [ "$(frr_bfd 'p["status"]')" = "$1" ]; }
frr_intervals_are() {
	[ "$(frr_bfd '" ".join(str(p[k]) for k in ("transmit-interval", "receive-interval", "remote-transmit-interval", "remote-receive-interval"))')" = "$1" ]
}
# frr_nbr EXPR: EXPR (Python, on n) for bgpd's neighbor 10.25.0.1.
frr_nbr() {
	frr_cli -c 'show bgp neighbors 10.25.0.1 json' | "$ITEST_PY" -c 'import json, sys
n = json.load(sys.stdin)["10.25.0.1"]
print(eval(sys.argv[1]))' "$1"
}
frr_bgp_is() { [ "$(frr_nbr 'n["bgpState"]')" = "$1" ]; }
# frr_routes: FRR's IPv4 routes, "PREFIX NEXTHOP" sorted.
frr_routes() {
	frr_cli -c 'show ip bgp json' | "$ITEST_PY" -c 'import json, sys
r = json.load(sys.stdin).get("routes", {})
for pfx in sorted(r):
    for path in r[pfx]:
        print(pfx, " ".join(h["ip"] for h in path.get("nexthops", [])))'
}

# ---- lbbgpd -------------------------------------------------------------

# write_conf LINES: lbbgpd's config, LINES inside the neighbor.
write_conf() {
	cat >"$T/lbbgp.conf" <<EOF
router-id 10.25.0.1
local-as 64513
listen on 10.25.0.1 port 179
pool vips {
	addresses 10.128.25.0/29
}
advertisement all {
}
neighbor frr {
	address 10.25.0.2
	remote-as 64512
	connect-retry 1
	$1
}
EOF
}
lb_json() { itest_nbr_json frr "$1"; }
lb_state_is() { [ "$(lb_json 'n["state"]')" = "$1" ]; }
lb_bfd_is() { [ "$(lb_json 'n.get("bfd", "-")')" = "$1" ]; }
bfd_json() { itest_bfd_json frr "$1"; }
# lb_timers: lbbgpd's negotiated tx, rx, detection time.
lb_timers() { bfd_json '" ".join(str(s[k]) for k in ("tx-interval", "rx-interval", "detect-time"))'; }
lb_timers_are() { [ "$(lb_timers)" = "$1" ]; }
log_has() { grep -q "$1" "$T/lbbgpd.log"; }

both_up() {
	lb_bfd_is Up && lb_state_is Established && frr_bfd_is up &&
		frr_bgp_is Established && [ "$(frr_nbr 'n["peerBfdInfo"]["status"]')" = Up ]
}
VIPS="10.128.25.1/32 10.25.0.1
10.128.25.2/32 10.25.0.1"
frr_has_vips() { [ "$(frr_routes)" = "$VIPS" ]; }

# ---- Up with default timers ---------------------------------------------

write_conf "bfd yes"
lbbgpd_start "$T/lbbgp.conf"
ctl add 10.128.25.1 10.128.25.2 >/dev/null || fail "bgpctl add"
wait_for 15 both_up ||
	fail "BFD (lbbgpd $(lb_json 'n.get("bfd")'), FRR $(frr_bfd 'p["status"]')) or BGP (FRR $(frr_nbr 'n["bgpState"]')) not up with the default timers"
assert_eq "Up Up 300 300 3 3 900" "$(bfd_json '" ".join(str(s[k]) for k in ("state", "remote-state", "tx-interval", "rx-interval", "detect-multiplier", "remote-detect-multiplier", "detect-time"))')" \
	"lbbgpd's show bfd, default timers"
assert_eq "up 300 300 300 300 3 3" "$(frr_bfd '" ".join(str(p[k]) for k in ("status", "transmit-interval", "receive-interval", "remote-transmit-interval", "remote-receive-interval", "detect-multiplier", "remote-detect-multiplier"))')" \
	"FRR's show bfd peers json, default timers"
# Each end names the other's discriminator.
assert_eq "$(bfd_json 's["local-discriminator"], s["remote-discriminator"]')" \
	"$(frr_bfd 'p["remote-id"], p["id"]')" "discriminators seen from both ends"
# Echo (RFC 5880 §6.4): lbbgpd asks for none, FRR sends none.
assert_eq "0 0" "$(frr_bfd 'p["remote-echo-receive-interval"], p["echo-transmit-interval"]' | tr -d '(),')" \
	"FRR: echo off"
wait_for 10 frr_has_vips || fail "FRR's routes are '$(frr_routes)', not lbbgpd's two VIPs"
# The checks below that FRR's BFD did not change state read these lines.
grep -q "state-change: .*peer:10.25.0.1 .*-> up" "$F/bfdd.log" ||
	fail "FRR's bfdd logged no state change to up (debug bfd peer?)"
pass "default timers: BFD Up on both sides (300 ms x 3), BGP Established, FRR's bgpd sees BFD Up and has the VIPs"

# ---- 50 ms x 3 ------------------------------------------------------------

t0=$(itest_wall_ms)
downs=$(bfd_json 's["down-count"]')
write_conf "bfd yes
	bfd-min-tx 50
	bfd-min-rx 50
	bfd-multiplier 3"
ctl reload >/dev/null || fail "reload to 50 ms x 3"
# FRR still wants 300 ms both ways: the slower of each pair wins.
wait_for 5 log_has "neighbor frr: BFD timers now tx 50 ms, rx 50 ms, multiplier 3" ||
	fail "lbbgpd did not take the new timers"
sleep 1
assert_eq "300 300 900" "$(lb_timers)" "lbbgpd at 50 ms beside FRR at 300: negotiated tx, rx, detection time"
frr_intervals_are "300 300 50 50" ||
	fail "FRR does not see lbbgpd's 50 ms: $(frr_bfd 'p')"
frr_cli -c 'configure terminal' -c 'router bgp 64512' \
	-c 'neighbor 10.25.0.1 bfd profile fast' >/dev/null ||
	fail "vtysh: neighbor 10.25.0.1 bfd profile fast"
wait_for 5 lb_timers_are "50 50 150" || fail "lbbgpd's timers are $(lb_timers), not 50 50 150"
wait_for 5 frr_intervals_are "50 50 50 50" || fail "FRR's intervals: $(frr_bfd 'p')"
sleep 1
both_up || fail "BFD or BGP not up at 50 ms x 3"
[ "$(bfd_json 's["down-count"]')" = "$downs" ] || fail "lbbgpd's BFD went down during the timer changes"
itest_logged_after "$F/bfdd.log" "state-change: .*peer:10.25.0.1 .*up -> " "$t0" &&
	fail "FRR's BFD left Up during the timer changes"
log_has "BfdSessionDown" && fail "the timer changes took lbbgpd's BGP session down"
[ "$(lb_json 'n["flaps"]')" = 0 ] || fail "BGP flapped during the timer changes"
pass "50 ms x 3: negotiated through Poll Sequences both ways (300 while FRR wanted it), no flap"

# ---- SIGSTOP lbbgpd: FRR notices ---------------------------------------------

# By FRR's log clock (log timestamp precision 3, above).
itest_bfd_self_stop FRR 150 "$F/bfdd.log" "state-change: .*peer:10.25.0.1 .*up -> down reason:control-expired" \
	"$F/bgpd.log" "ADJCHANGE: neighbor 10.25.0.1.* Down"
itest_logged_after "$F/bgpd.log" "NOTIFICATION: sent to neighbor 10.25.0.1 6/10 \\(Cease/BFD Down\\)" "$ITEST_STOP_MS" ||
	fail "FRR's bgpd did not close with Cease/BFD Down"
pass "SIGSTOP lbbgpd: FRR's BFD Down in $ITEST_BFD_MS ms, its BGP session closed (Cease/BFD Down) in $ITEST_BGP_MS ms"
wait_for 15 both_up || fail "BFD or BGP did not come back after SIGCONT"
wait_for 10 frr_has_vips || fail "FRR did not get the VIPs back: $(frr_routes)"
pass "SIGCONT lbbgpd: BFD Up and BGP Established again, VIPs back at FRR"

# ---- SIGSTOP FRR's bfdd: lbbgpd notices ------------------------------------------

itest_bfd_peer_stop frr "FRR's bfdd" "$BFDD_PID" 150
wait_for 3 itest_logged_after "$F/bgpd.log" "NOTIFICATION: received from neighbor 10.25.0.1 6/10 \\(Cease/BFD Down\\)" "$ITEST_STOP_MS" ||
	fail "FRR's bgpd did not log the Cease/BFD Down it got"
pass "SIGSTOP FRR's bfdd: lbbgpd closed BGP with Cease/BFD Down in $ITEST_CEASE_MS ms; FRR's bgpd got it"
wait_for 15 both_up || fail "BFD or BGP did not come back after SIGCONT of bfdd"
pass "SIGCONT FRR's bfdd: BFD Up and BGP Established again"

# ---- SIGTERM lbbgpd: AdminDown ---------------------------------------------------

t0=$(itest_wall_ms)
lbbgpd_stop
wait_for 3 itest_logged_after "$F/bfdd.log" "state-change: .*peer:10.25.0.1 .*up -> down reason:neighbor-down" "$t0" ||
	fail "FRR's BFD did not go Down with neighbor-down (lbbgpd's AdminDown) on SIGTERM"
pass "SIGTERM lbbgpd: FRR's BFD Down with neighbor-down (AdminDown received)"

# ---- authentication ----------------------------------------------------------------

itest_log "SKIP (part): keyed SHA1 with a wrong key: FRR 8.4's bfdd has no BFD authentication to set a key in"
write_conf "bfd yes
	bfd-min-tx 50
	bfd-min-rx 50
	bfd-auth sha1 1 \"secret\""
: >"$T/lbbgpd.log"
t0=$(itest_wall_ms)
lbbgpd_start "$T/lbbgp.conf"
wait_for 10 lb_state_is Established || fail "BGP not Established beside a BFD that cannot come Up"
sleep 3
[ "$(bfd_json 's["up-count"]')" = 0 ] || fail "lbbgpd's BFD with bfd-auth came Up with FRR, which sends no authentication"
itest_logged_after "$F/bfdd.log" "state-change: .*peer:10.25.0.1 .*-> up" "$t0" &&
	fail "FRR's BFD came Up with lbbgpd's authenticated packets"
[ "$(bfd_json 's.get("dropped", {}).get("auth-missing", 0) > 0')" = True ] ||
	fail "lbbgpd did not count FRR's packets as auth-missing: $(ctl -j show bfd)"
log_has "BFD packet from 10.25.0.2 dropped: unauthenticated packet for a session with bfd-auth" ||
	fail "no log line of FRR's unauthenticated packets"
pass "bfd-auth on lbbgpd alone: never Up, FRR's packets dropped as auth-missing"
