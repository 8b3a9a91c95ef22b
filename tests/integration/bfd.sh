#!/bin/sh
# bfd.sh: BFD (RFC 5880/5881) between lbbgpd and BIRD's protocol bfd, and
# what it does to BGP (RFC 9384).  Everything runs inside two network
# namespaces the test creates and deletes, joined by a veth pair:
# lbbgpd (AS 64513) on 10.99.0.1 in the first, BIRD (AS 64512) on
# 10.99.0.2 in the second; nothing is set up on the host.
# Checks:
# - BFD comes Up with the default timers (lbbgpd 300/300 x 3, BIRD's
#   own), over IPv4 and IPv6, and BGP is Established beside it; show bfd
#   says so;
# - a reload to 50 ms x 3 changes the timers through a Poll Sequence
#   without a flap; BIRD shows the 50 ms interval; a neighbor removed
#   sends AdminDown;
# - at 50 ms x 3, a 100,000-VIP add and withdraw (applied in slices) and
#   a 10 MiB control line make neither side's BFD flap (150 ms x 3 under
#   a sanitizer);
# - neighbor clear resets BGP and leaves BFD Up; neighbor down makes BFD
#   AdminDown, up brings both back; a reload to bfd no ends BFD with
#   AdminDown and lbbgpd leaves BGP alone (BIRD 2.0 does not: it resets
#   its BGP session on AdminDown);
# - a packet with TTL 64 is dropped as ttl, one from an address no
#   neighbor has as unknown-source, and neither touches the session;
# - SIGSTOP lbbgpd: BIRD's BFD goes Down and its BGP session with it
#   within the detection time (150 ms) + 100 ms, by BIRD's log clock;
#   SIGCONT: both come back;
# - SIGSTOP BIRD: lbbgpd closes its BGP session with Cease/BFD Down
#   (6/10) within the detection time (+ 50 ms for the test's own
#   clock); SIGCONT: both come back;
# - bfd-strict yes: with BIRD's BFD disabled, BGP stays in Idle (BIRD's
#   connections refused, no connect of its own); BFD Up starts it;
# - bfd-auth: a wrong keyed SHA1 key never comes Up (dropped packets
#   counted as auth-digest), the right one does, meticulous too;
# - SIGTERM: lbbgpd says AdminDown before it goes;
# - multihop (RFC 5883, port 4784) from a local-address comes Up with
#   BIRD, whose multihop packets carry TTL 64.
# Test 22.

# bfd_addrs NSA NSB: lbbgpd's side, BIRD's side (10.99.0.9: a stray source).
bfd_addrs() {
	ip -n "$1" addr add 10.99.0.1/24 dev va &&
		ip -n "$2" addr add 10.99.0.2/24 dev vb &&
		ip -n "$1" addr add fd99::1/64 dev va nodad &&
		ip -n "$2" addr add fd99::2/64 dev vb nodad &&
		ip -n "$2" addr add 10.99.0.9/24 dev vb
}
# shellcheck source-path=SCRIPTDIR source=netns.sh
. "$(dirname "$0")/netns.sh"
netns_run bfd bfd_addrs lbbgp-t22a lbbgp-t22b -- "$@"

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
itest_init bfd
itest_need bird birdc "$ITEST_PY"
NSB=$LBBGP_PEER_NETNS
BIRD_LOG=$T/bird/bird.log

# ---- the two daemons -------------------------------------------------------

# write_conf LINES [MORE]: lbbgpd's config, LINES inside the neighbor,
# MORE after it.
write_conf() {
	cat >"$T/lbbgp.conf" <<EOF
router-id 10.99.0.1
local-as 64513
listen on 10.99.0.1 port 179
listen on fd99::1 port 179
pool big {
	addresses 10.128.0.0/12
}
advertisement all {
}
neighbor bird {
	address 10.99.0.2
	remote-as 64512
	connect-retry 1
	$1
}
${2:-}
EOF
}
# The IPv6 neighbor of the first phases.
V6_NEIGHBOR='neighbor bird6 {
	address fd99::2
	remote-as 64512
	connect-retry 1
	bfd yes
}'

# write_bird IFACE_OPTIONS [BFD_MORE [BGP_MORE]]: BIRD's config; its BFD
# options on vb, more for protocol bfd and for protocol bgp lb.
write_bird() {
	mkdir -p "$T/bird"
	cat >"$T/bird/bird.conf" <<EOF
# BIRD for bfd.sh, in namespace $NSB; no protocol kernel.
log "$BIRD_LOG" all;
timeformat log "%F %T.%3f";
router id 10.99.0.2;
protocol device { }
protocol bfd bfd1 {
	debug { states, events, packets };
	interface "vb" { $1 };
	${2:-}
}
protocol bgp lb {
	debug { states, events };
	local 10.99.0.2 as 64512;
	neighbor 10.99.0.1 as 64513;
	connect delay time 1;
	connect retry time 1;
	error wait time 1, 5;
	bfd on;
	${3:-}
	ipv4 { import all; export none; };
}
protocol bgp lb6 {
	local fd99::2 as 64512;
	neighbor fd99::1 as 64513;
	connect delay time 1;
	connect retry time 1;
	error wait time 1, 5;
	bfd on;
	ipv6 { import all; export none; };
}
EOF
	bird -p -c "$T/bird/bird.conf" >&2 || fail "bad BIRD config $T/bird/bird.conf"
}

bird_up() {
	itest_add_log "$BIRD_LOG"
	ip netns exec "$NSB" bird -f -c "$T/bird/bird.conf" -s "$T/bird/sock" \
		-P "$T/bird/pid" >>"$T/bird/bird.out" 2>&1 &
	BIRD_PID=$!
	itest_track "$BIRD_PID"
	wait_for 10 bird_cli bird show status || fail "BIRD did not start"
}

# bird_bfd: BIRD's BFD session state with lbbgpd (Up, Down, Init, ...).
bird_bfd() {
	bird_cli bird show bfd sessions | awk '$1 == "10.99.0.1" { print $3 }'
}
bird_bfd_is() { [ "$(bird_bfd)" = "$1" ]; }
bird_bfd6_is() {
	[ "$(bird_cli bird show bfd sessions | awk '$1 == "fd99::1" { print $3 }')" = "$1" ]
}
bird_interval() {
	bird_cli bird show bfd sessions | awk '$1 == "10.99.0.1" { print $5 }'
}
bird_interval_is() { [ "$(bird_interval)" = "$1" ]; }
bird_routes_are() {
	bird_cli bird show route count | grep -q "^Total: $1 of $1 routes"
}

# lb_json EXPR, bfd_json EXPR [NAME]: lbbgpd's show neighbor bird, and
# show bfd's session of NAME (bird), as itest_nbr_json and itest_bfd_json.
lb_json() { itest_nbr_json bird "$1"; }
lb_state_is() { [ "$(lb_json 'n["state"]')" = "$1" ]; }
lb_bfd_is() { [ "$(lb_json 'n.get("bfd", "-")')" = "$1" ]; }
bfd_json() { itest_bfd_json "${2:-bird}" "$1"; }
lb_bfd6_is() { [ "$(bfd_json 's["state"]' bird6)" = "$1" ]; }
log_has() { grep -q "$1" "$T/lbbgpd.log"; }
log_count() { grep -c "$1" "$T/lbbgpd.log"; }
bird_log_has() { grep -q "$1" "$BIRD_LOG"; }


both_up() {
	bird_bfd_is Up && lb_bfd_is Up && lb_state_is Established &&
		[ "$(bird_state bird)" = Established ]
}

# ---- Up with default timers -------------------------------------------------

write_bird ""
bird_up
write_conf "bfd yes" "$V6_NEIGHBOR"
lbbgpd_start "$T/lbbgp.conf"
wait_for 15 both_up || fail "BFD (lbbgpd $(lb_json 'n.get("bfd")'), BIRD $(bird_bfd)) or BGP not up with the default timers"
log_has "neighbor bird: BFD .* -> Up (No Diagnostic)" || fail "no log line of BFD coming Up"
assert_eq "Up Up 300 300 3 False" "$(bfd_json '" ".join(str(x) for x in (s["state"], s["remote-state"], s["tx-interval"], s["rx-interval"], s["detect-multiplier"], s["strict"]))')" "show bfd, default timers"
[ "$(bfd_json 's["local-discriminator"] != 0 and s["remote-discriminator"] != 0 and s["packets"]["received"] > 0 and s["packets"]["sent"] > 0')" = True ] ||
	fail "show bfd: discriminators or packet counts missing: $(ctl -j show bfd)"
ctl show bfd | grep -q "^bird  *Up  *Up " || fail "bgpctl show bfd: $(ctl show bfd)"
ctl show neighbor bird | grep -q "BFD state = Up" || fail "show neighbor has no BFD state"
ctl show metrics | grep -q '^metallb_bfd_session_up{peer="10.99.0.2:179"} 1$' ||
	fail "metallb_bfd_session_up is not 1"
pass "default timers: BFD Up on both sides, BGP Established; show bfd, show neighbor and metrics agree"
wait_for 10 bird_bfd6_is Up || fail "IPv6: BIRD's BFD with fd99::1 is $(bird_cli bird show bfd sessions)"
wait_for 5 lb_bfd6_is Up || fail "IPv6: lbbgpd's BFD with fd99::2 is not Up"
pass "IPv6: BFD Up on both sides"

# ---- 50 ms x 3, by reload, without a flap -----------------------------------

write_bird "interval 50 ms; multiplier 3;"
bird_cli bird configure >/dev/null || fail "birdc configure"
write_conf "bfd yes
	bfd-min-tx 50
	bfd-min-rx 50
	bfd-multiplier 3"
ctl reload >/dev/null || fail "reload to 50 ms x 3"
bird_cli bird disable lb6 >/dev/null
wait_for 5 bird_interval_is 0.050 ||
	fail "BIRD's interval is $(bird_interval), not 0.050"
sleep 2
both_up || fail "BFD or BGP not up at 50 ms x 3"
log_has "BfdSessionDown" && fail "the timer change took the BGP session down"
log_has "BFD timers now tx 50 ms, rx 50 ms, multiplier 3" || fail "no log line of the new timers"
lb_json 'n["flaps"]' | grep -qx 0 || fail "BGP flapped during the timer change"
assert_eq "50 50 150" "$(bfd_json '" ".join(str(x) for x in (s["tx-interval"], s["rx-interval"], s["detect-time"]))')" "show bfd at 50 ms x 3"
pass "reload to 50 ms x 3: new timers through a Poll Sequence, no flap"
log_has "neighbor bird6: BFD Up -> AdminDown (Administratively Down)" ||
	fail "the removed neighbor's BFD did not go AdminDown"
pass "a removed neighbor's BFD goes AdminDown"

# ---- big requests beside a 50 ms x 3 session ---------------------------------------

# set_timers MS: both ends to MS x 3, by reload.
set_timers() {
	write_bird "interval $1 ms; multiplier 3;"
	bird_cli bird configure >/dev/null || fail "birdc configure ($1 ms)"
	write_conf "bfd yes
	bfd-min-tx $1
	bfd-min-rx $1"
	ctl reload >/dev/null || fail "reload to $1 ms x 3"
	wait_for 5 bird_interval_is "$(printf '0.%03d' "$1")" ||
		fail "BIRD's interval is $(bird_interval), not $1 ms"
}
# A sanitizer build is several times slower at reading the 100,000-VIP
# line, which takes one turn of the loop: there the test allows 150 ms x 3.
BIG_MS=50
if ldd "${LBBGPD:-$top_builddir/bgpd/lbbgpd}" 2>/dev/null | grep -q 'libasan'; then
	BIG_MS=150
	itest_log "sanitizer build: the big requests run beside $BIG_MS ms x 3"
fi
set_timers $BIG_MS
sleep 1
downs=$(bfd_json 's["down-count"]')
t0=$(itest_wall_ms)
"$ITEST_PY" - "$T/lbbgpd.sock" <<'PY' || fail "the big requests were not answered as expected"
import ipaddress, json, socket, sys, time
def ask(line):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    t = time.time()
    try:
        s.sendall(line)
    except (BrokenPipeError, ConnectionResetError):
        pass    # a line too long: answered and closed at 4 MiB
    buf = b""
    while not buf.endswith(b"\n"):
        b = s.recv(65536)
        if not b:
            break
        buf += b
    s.close()
    return json.loads(buf), time.time() - t
base = int(ipaddress.IPv4Address("10.128.0.1"))
vips = [str(ipaddress.IPv4Address(base + i)) for i in range(100000)]
r, dt = ask((json.dumps({"cmd": "add", "vips": vips, "owner": "load"}) + "\n").encode())
print("# add of 100,000 VIPs answered in %.3f s" % dt)
if r.get("added") != 100000:
    sys.exit(1)
r, dt = ask(b'{"cmd":"add","vips":["' + b"x" * (10 << 20) + b'"]}\n')
print("# 10 MiB control line answered in %.3f s: %s" % (dt, r.get("code")))
sys.exit(0 if r.get("code") == "line-too-long" else 1)
PY
wait_for 30 bird_routes_are 100000 || fail "BIRD did not get the 100,000 routes"
"$ITEST_PY" - "$T/lbbgpd.sock" <<'PY' || fail "the withdrawal of the 100,000 VIPs failed"
import ipaddress, json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
base = int(ipaddress.IPv4Address("10.128.0.1"))
vips = [str(ipaddress.IPv4Address(base + i)) for i in range(100000)]
s.sendall((json.dumps({"cmd": "withdraw", "vips": vips, "owner": "load"}) + "\n").encode())
buf = b""
while not buf.endswith(b"\n"):
    buf += s.recv(65536)
sys.exit(0 if json.loads(buf).get("withdrawn") == 100000 else 1)
PY
# Gone again before the next reload, which would rebuild them (lbbgpd(8),
# CAVEATS: a quarter of a second with nothing else done).
wait_for 30 bird_routes_are 0 || fail "BIRD kept routes of the 100,000 VIPs"
[ "$(bfd_json 's["down-count"]')" = "$downs" ] || fail "lbbgpd's BFD went down during the big requests"
itest_logged_after "$BIRD_LOG" "bfd1: Session to 10.99.0.1 changed state from Up" "$t0" &&
	fail "BIRD's BFD went down during the big requests"
both_up || fail "BFD or BGP not up after the big requests"
itest_log "longest turn of lbbgpd's loop so far: $(ctl show metrics | sed -n 's/^lbbgp_loop_stall_seconds_max //p') s"
pass "a 100,000-VIP add and a 10 MiB control line: no BFD flap at $BIG_MS ms x 3"
set_timers 50
sleep 1
both_up || fail "BFD or BGP not up at 50 ms x 3 again"

# ---- strays: a forwarded packet, an unknown source ------------------------------------

# stray SRC TTL: a Control packet in state Down, Your Discriminator 0,
# from SRC in BIRD's namespace, with that TTL.
stray() {
	ip netns exec "$NSB" "$ITEST_PY" - "$1" "$2" <<'PY'
import socket, struct, sys
pkt = struct.pack("!BBBBIIIII", 0x20, 0x40, 3, 24, 0x1234, 0, 1000000, 1000000, 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, int(sys.argv[2]))
s.bind((sys.argv[1], 49999))
s.sendto(pkt, ("10.99.0.1", 3784))
PY
}
dropped() {
	ctl -j show bfd | "$ITEST_PY" -c 'import json, sys
print(json.load(sys.stdin)["dropped"].get(sys.argv[1], 0))' "$1"
}
dropped_more() { [ "$(dropped "$1")" -gt "$2" ]; }
ttl0=$(dropped ttl)
src0=$(dropped unknown-source)
downs=$(bfd_json 's["down-count"]')
stray 10.99.0.2 64 || fail "cannot send the stray packets"
stray 10.99.0.9 255
wait_for 3 dropped_more ttl "$ttl0" || fail "a packet with TTL 64 was not dropped as ttl"
wait_for 3 dropped_more unknown-source "$src0" ||
	fail "a packet from 10.99.0.9 was not dropped as unknown-source"
sleep 0.5
[ "$(bfd_json 's["down-count"]')" = "$downs" ] || fail "the stray packets took the session down"
both_up || fail "BFD or BGP not up after the stray packets"
log_has "BFD packet from 10.99.0.2 dropped: TTL 64, below 255" || fail "no log line of the TTL drop"
pass "strays: TTL 64 dropped as ttl, 10.99.0.9 as unknown-source, the session untouched"

# ---- SIGSTOP lbbgpd: BIRD notices ----------------------------------------------

itest_bfd_self_stop BIRD 150 "$BIRD_LOG" "bfd1: Session to 10.99.0.1 changed state from Up to Down" \
	"$BIRD_LOG" "lb: (BFD session down|State changed to stop)"
pass "SIGSTOP lbbgpd: BIRD's BFD Down in $ITEST_BFD_MS ms, its BGP session in $ITEST_BGP_MS ms"
wait_for 15 both_up || fail "BFD or BGP did not come back after SIGCONT"
pass "SIGCONT lbbgpd: BFD Up and BGP Established again"

# ---- SIGSTOP BIRD: lbbgpd notices ----------------------------------------------

itest_bfd_peer_stop bird BIRD "$BIRD_PID" 150
pass "SIGSTOP BIRD: lbbgpd closed BGP with Cease/BFD Down in $ITEST_CEASE_MS ms"
wait_for 15 both_up || fail "BFD or BGP did not come back after SIGCONT of BIRD"
pass "SIGCONT BIRD: BFD Up and BGP Established again"

# ---- BGP and BFD apart --------------------------------------------------------------

# BIRD ties its BFD session to its BGP session: its BFD starts again
# with every BGP reset, and says Down to lbbgpd's, which must not take
# the BGP session being set up down for it.
discr=$(bfd_json 's["local-discriminator"]')
n_down=$(log_count "sending NOTIFICATION Cease/BFD Down (6/10)")
ctl neighbor bird clear >/dev/null || fail "neighbor clear"
wait_for 10 both_up || fail "BGP did not come back after neighbor clear"
[ "$(bfd_json 's["local-discriminator"]')" = "$discr" ] || fail "neighbor clear made a new BFD session"
[ "$(log_count "sending NOTIFICATION Cease/BFD Down (6/10)")" -eq "$n_down" ] ||
	fail "neighbor clear: BFD took the new BGP session down"
pass "neighbor clear: BGP reset, the BFD session runs on (RFC 5882) and leaves the new BGP session alone"
ctl neighbor bird down >/dev/null || fail "neighbor down"
wait_for 5 lb_bfd_is AdminDown || fail "neighbor down: BFD is $(lb_json 'n.get("bfd")'), not AdminDown"
wait_for 5 bird_bfd_is Down || fail "neighbor down: BIRD's BFD is $(bird_bfd)"
ctl neighbor bird up >/dev/null || fail "neighbor up"
wait_for 15 both_up || fail "neighbor up: BFD or BGP did not come back"
pass "neighbor down: BFD AdminDown; up: BFD and BGP back"
n_down=$(log_count "sending NOTIFICATION Cease/BFD Down (6/10)")
write_conf "bfd no"
ctl reload >/dev/null || fail "reload to bfd no"
wait_for 5 bird_bfd_is Down || fail "bfd no: BIRD's BFD is $(bird_bfd)"
log_has "neighbor bird: bfd no: the BFD session ends" || fail "bfd no: no log line"
log_has "neighbor bird: BFD Up -> AdminDown" || fail "bfd no: no AdminDown"
[ "$(lb_json 'n.get("bfd", "none")')" = none ] || fail "bfd no: show neighbor still has a BFD state"
# BIRD 2.0 takes its BGP session down when the BFD session it asked for
# says AdminDown (RFC 5882 §3.2 would have it stay); lbbgpd does not.
wait_for 15 lb_state_is Established || fail "bfd no: BGP did not come back"
[ "$(log_count "sending NOTIFICATION Cease/BFD Down (6/10)")" -eq "$n_down" ] ||
	fail "bfd no: lbbgpd took the BGP session down for BFD"
pass "bfd no: BFD ends with AdminDown; lbbgpd leaves BGP alone"

# ---- bfd-strict: BGP waits for BFD ----------------------------------------------

lbbgpd_stop
bird_cli bird disable bfd1 >/dev/null || fail "birdc disable bfd1"
write_conf "bfd yes
	bfd-min-tx 50
	bfd-min-rx 50
	bfd-strict yes"
: >"$T/lbbgpd.log"
lbbgpd_start "$T/lbbgp.conf"
# BIRD tries again after its error wait (up to 5 s here) and a second.
wait_for 15 log_has "connection from 10.99.0.2 refused: session is Idle until BFD is Up (bfd-strict)" ||
	fail "bfd-strict: BIRD's connection was not refused (or not logged)"
sleep 1
lb_state_is Idle || fail "bfd-strict: BGP is $(lb_json 'n["state"]') without BFD, not Idle"
log_has "Idle -> Connect" && fail "bfd-strict: lbbgpd connected before BFD was Up"
pass "bfd-strict: BGP stays Idle while BFD is Down, BIRD's connections refused"
bird_cli bird enable bfd1 >/dev/null || fail "birdc enable bfd1"
wait_for 15 both_up || fail "bfd-strict: BGP did not start once BFD was Up"
log_has "BFD is Up: starting the BGP session (bfd-strict)" || fail "no log line of the strict start"
pass "bfd-strict: BFD Up starts the BGP session"

# ---- authentication --------------------------------------------------------------

lbbgpd_stop
write_bird "interval 50 ms; multiplier 3; authentication keyed sha1; password \"secret\" { id 1; };"
bird_cli bird configure >/dev/null || fail "birdc configure (auth)"
write_conf "bfd yes
	bfd-min-tx 50
	bfd-min-rx 50
	bfd-auth sha1 1 \"wrong\""
: >"$T/lbbgpd.log"
lbbgpd_start "$T/lbbgp.conf"
wait_for 10 lb_state_is Established || fail "BGP not Established beside a BFD with the wrong key"
sleep 3
lb_bfd_is Up && fail "BFD came Up with the wrong key"
bird_bfd_is Up && fail "BIRD's BFD came Up with the wrong key"
log_has "BFD packet from 10.99.0.2 dropped: authentication digest does not match the key" ||
	fail "no log line of the packets with the wrong digest"
ctl show metrics | grep -q 'lbbgp_bfd_dropped_packets_total{reason="auth-digest"} [1-9]' ||
	fail "auth-digest drops not counted in the metrics"
[ "$(bfd_json 's.get("dropped", {}).get("auth-digest", 0) > 0')" = True ] ||
	fail "show bfd does not count the auth-digest drops"
pass "bfd-auth: a wrong keyed SHA1 key never comes Up; drops counted"
write_conf "bfd yes
	bfd-min-tx 50
	bfd-min-rx 50
	bfd-auth sha1 1 \"secret\""
ctl reload >/dev/null || fail "reload with the right key"
wait_for 10 both_up || fail "BFD not Up with the right keyed SHA1 key"
pass "bfd-auth: the right keyed SHA1 key comes Up (after a reload)"
write_bird "interval 50 ms; multiplier 3; authentication meticulous keyed sha1; password \"secret\" { id 7; };"
bird_cli bird configure >/dev/null || fail "birdc configure (meticulous)"
write_conf "bfd yes
	bfd-min-tx 50
	bfd-min-rx 50
	bfd-auth meticulous-sha1 7 \"secret\""
ctl reload >/dev/null || fail "reload with meticulous keyed SHA1"
wait_for 10 both_up || fail "BFD not Up with meticulous keyed SHA1"
pass "bfd-auth: meticulous keyed SHA1 comes Up"

# ---- an orderly stop says AdminDown -----------------------------------------------

# BIRD may read the Cease first and drop its BFD session with the BGP
# one; then the AdminDown finds no session there.
t0=$(itest_wall_ms)
lbbgpd_stop
wait_for 3 itest_logged_after "$BIRD_LOG" "bfd1: (CTL received from 10.99.0.1 \\[AdminDown|Bad packet from 10.99.0.1 - unknown session)" "$t0" ||
	fail "BIRD got no AdminDown after SIGTERM"
"$ITEST_PY" - "$T/lbbgpd.log" <<'PY' || fail "lbbgpd did not send AdminDown before it closed the BGP session"
import sys
lines = open(sys.argv[1]).read().split("\n")
sig = max(i for i, l in enumerate(lines) if "SIGTERM: closing every session" in l)
adm = [i for i, l in enumerate(lines) if i > sig and "neighbor bird: BFD Up -> AdminDown" in l]
cease = [i for i, l in enumerate(lines) if i > sig and "sending NOTIFICATION Cease/Administrative Shutdown" in l]
sys.exit(0 if adm and cease and adm[0] < cease[0] else 1)
PY
pass "SIGTERM: lbbgpd's BFD says AdminDown before the BGP session closes"

# ---- multihop ----------------------------------------------------------------------

write_bird "" "multihop { interval 100 ms; multiplier 3; };" "multihop 2;"
bird_cli bird configure >/dev/null || fail "birdc configure (multihop)"
write_conf "bfd yes
	multihop 2
	local-address 10.99.0.1
	bfd-min-tx 100
	bfd-min-rx 100"
: >"$T/lbbgpd.log"
lbbgpd_start "$T/lbbgp.conf"
wait_for 15 both_up || fail "multihop: BFD (lbbgpd $(lb_json 'n.get("bfd")'), BIRD $(bird_bfd)) or BGP not up"
log_has "neighbor bird: BFD session started: multihop to 10.99.0.2 port 4784" || fail "multihop: not on port 4784"
log_has "BFD: listening on 10.99.0.1 port 4784" || fail "multihop: not listening on the local-address"
assert_eq "True 10.99.0.1 100" "$(bfd_json '" ".join(str(x) for x in (s["multihop"], s["local-address"], s["tx-interval"]))')" "show bfd, multihop"
bird_cli bird show bfd sessions | grep -q "^10.99.0.1  *---  *Up" || fail "multihop: BIRD's session is not a multihop one"
pass "multihop: BFD Up on port 4784 from the local-address"
