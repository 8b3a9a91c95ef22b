#!/bin/sh
# vrf.sh: a neighbor's `vrf NAME`, its BGP and BFD sockets bound to device
# NAME with SO_BINDTODEVICE.  Everything runs inside two network
# namespaces the test creates and deletes, joined by two veth pairs:
# va/vb (10.97.0.1 lbbgpd, 10.97.0.2 BIRD) and va2/vb2 (10.96.0.1,
# 10.96.0.2).  BIRD 2 (AS 64512) runs protocol bfd on vb and vb2 and a
# BGP session with bfd on toward lbbgpd (AS 64513) on 10.97.0.1.
# SO_BINDTODEVICE works on any device, so plain veths show the binding
# where a kernel without the vrf module has no VRF device:
# - vrf va (BIRD passive): BGP Established, BFD Up, the VIP at BIRD;
#   ss shows lbbgpd's BGP connection and both BFD sockets bound to va
#   (10.97.0.1%va);
# - vrf va2 by reload (BIRD active): lbbgpd's SYNs and BFD packets
#   leave through va2 (ss: SYN-SENT from 10.97.0.1%va2; a neighbor
#   entry for 10.97.0.2 on va2), BIRD's answers come back through va,
#   where nothing of lbbgpd bound to va2 hears them, and BIRD's own
#   connections, through va, are refused ("it came in through va, not
#   through its vrf va2"); for 5 s BGP is never Established, BFD never
#   Up, lbbgpd's BFD sends and receives nothing;
# - vrf va by reload, lbbgpd passive: BIRD's connection through va is
#   taken; BGP and BFD come back;
# - with the vrf module: va enslaved to VRF device blue, vrf blue: as
#   the first case.  Without it that part is skipped with a NOTE line;
#   the rest has run.
# Test 27.

# vrf_links NSA NSB: the addresses of the first pair, the second pair.
vrf_links() {
	ip -n "$1" link add va2 type veth peer name vb2 netns "$2" &&
		ip -n "$1" link set va2 up &&
		ip -n "$2" link set vb2 up &&
		ip -n "$1" addr add 10.97.0.1/24 dev va &&
		ip -n "$2" addr add 10.97.0.2/24 dev vb &&
		ip -n "$1" addr add 10.96.0.1/24 dev va2 &&
		ip -n "$2" addr add 10.96.0.2/24 dev vb2
}
# shellcheck source-path=SCRIPTDIR source=netns.sh
. "$(dirname "$0")/netns.sh"
netns_run vrf vrf_links lbbgp-vrf27a lbbgp-vrf27b -- "$@"

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
itest_init vrf
itest_need bird birdc ss "$ITEST_PY"
NSB=$LBBGP_PEER_NETNS
BIRD_LOG=$T/bird/bird.log

# write_conf VRF [LISTEN [MORE]]: lbbgpd's config, its one neighbor in
# VRF; LISTEN the listen line (default: on 10.97.0.1), MORE for the
# neighbor.
write_conf() {
	cat >"$T/lbbgp.conf" <<EOF
router-id 10.97.0.1
local-as 64513
${2-listen on 10.97.0.1 port 179}
pool vrf {
	addresses 10.127.0.0/24
}
advertisement all {
}
vip 10.127.0.1
neighbor bird {
	address 10.97.0.2
	remote-as 64512
	connect-retry 1
	bfd yes
	bfd-min-tx 100
	bfd-min-rx 100
	vrf $1
	${3:-}
}
EOF
}

# write_bird PASSIVE: BIRD's config, its BGP session passive on or off.
write_bird() {
	mkdir -p "$T/bird"
	cat >"$T/bird/bird.conf" <<EOF
# BIRD for vrf.sh, in namespace $NSB; no protocol kernel.
log "$BIRD_LOG" all;
timeformat log "%F %T.%3f";
router id 10.97.0.2;
protocol device { }
protocol bfd bfd1 {
	interface "vb", "vb2" { interval 100 ms; };
}
protocol bgp lb {
	debug { states, events };
	local 10.97.0.2 as 64512;
	neighbor 10.97.0.1 as 64513;
	passive $1;
	connect delay time 1;
	connect retry time 1;
	error wait time 1, 2;
	bfd on;
	ipv4 { import all; export none; };
}
EOF
	bird -p -c "$T/bird/bird.conf" >&2 || fail "bad BIRD config $T/bird/bird.conf"
}
write_bird on
itest_add_log "$BIRD_LOG"
ip netns exec "$NSB" bird -f -c "$T/bird/bird.conf" -s "$T/bird/sock" \
	-P "$T/bird/pid" >>"$T/bird/bird.out" 2>&1 &
itest_track $!
wait_for 10 bird_cli bird show status || fail "BIRD did not start"

# ---- what the two sides say ---------------------------------------------------

lb_json() { itest_nbr_json bird "$1"; }
lb_state() { lb_json 'n["state"]'; }
bfd_json() { itest_bfd_json bird "$1"; }
lb_bfd() { bfd_json 's["state"]'; }
bird_bfd() {
	bird_cli bird show bfd sessions | awk '$1 == "10.97.0.1" { print $3 }'
}
bird_has_vip() {
	bird_cli bird show route 10.127.0.1/32 protocol lb | grep -q "^10.127.0.1/32"
}
log_has() { grep -q "$1" "$T/lbbgpd.log"; }
both_up() {
	[ "$(lb_state)" = Established ] && [ "$(lb_bfd)" = Up ] &&
		[ "$(bird_bfd)" = Up ] && [ "$(bird_state bird)" = Established ] &&
		bird_has_vip
}
states() {
	echo "lbbgpd: BGP $(lb_state), BFD $(lb_bfd); BIRD: BGP $(bird_state bird), BFD $(bird_bfd)"
}
# since T: seconds since itest_now said T, as 1.23.
since() {
	_s=$(($(itest_now) - $1))
	printf '%d.%02d' $((_s / 100)) $((_s % 100))
}

# sockets t|u DEV: lbbgpd's TCP or UDP sockets bound to DEV, whose
# local address ss prints as ADDR%DEV:PORT: "STATE LOCAL PEER" each.
sockets() {
	ss -Ha"$1"np | awk -v dev="%$2:" -v pid="pid=$LBBGPD_PID," \
		'index($4, dev) && index($0, pid) { print $1, $4, $5 }'
}
# bgp_out DEV STATE: lbbgpd's own connection to BIRD, bound to DEV, in
# that state (ESTAB, SYN-SENT).
bgp_out() { sockets t "$1" | grep -q "^$2 .* 10.97.0.2:179\$"; }
# bfd_bound DEV: lbbgpd's BFD sockets, the sending one to 10.97.0.2
# and the receiving one on port 3784, are bound to DEV.
bfd_bound() {
	sockets u "$1" | grep -q "^ESTAB .* 10.97.0.2:3784\$" &&
		sockets u "$1" | grep -q "^UNCONN [^ ]*:3784 "
}
check_bfd() {
	wait_for 3 bfd_bound "$1" ||
		fail "vrf $1: lbbgpd's BFD sockets are not bound to $1: $(ss -Hunap)"
}
# log_after N PATTERN: a line after the first N of lbbgpd's log matches.
log_after() { tail -n "+$(($1 + 1))" "$T/lbbgpd.log" | grep -q -e "$2"; }
log_lines() { wc -l <"$T/lbbgpd.log"; }

# ---- vrf va: the device the neighbor is reached through -----------------------

# BIRD is passive: the session is lbbgpd's own connection.
write_conf va
t=$(itest_now)
lbbgpd_start "$T/lbbgp.conf"
wait_for 15 both_up || fail "vrf va: $(states); VIP at BIRD: $(bird_cli bird show route protocol lb)"
up=$(since "$t")
bgp_out va ESTAB || fail "vrf va: lbbgpd's BGP connection is not bound to va: $(ss -Htanp)"
check_bfd va
[ "$(bfd_json 's.get("vrf")')" = va ] || fail "show bfd has no vrf va: $(ctl -j show bfd)"
ip neigh show 10.97.0.2 dev va2 | grep -q . && fail "vrf va: 10.97.0.2 looked up on va2: $(ip neigh)"
itest_log "vrf va: $(sockets t va) $(sockets u va | tr '\n' ' ')"
pass "vrf va: BGP Established, BFD Up and the VIP at BIRD in $up s; BGP and BFD sockets bound to va (ss: 10.97.0.1%va)"

# ---- vrf va2: a device 10.97.0.2 is not reached through -----------------------

# lbbgpd's packets leave through va2 (the kernel takes 10.97.0.2 as on
# the link there, and BIRD's host answers for it on vb2: it reaches
# BIRD), and BIRD's answers come back through va, where no socket bound
# to va2 hears them.  BIRD connects too, through va: refused.
write_conf va2
ctl reload >/dev/null || fail "reload to vrf va2"
t=$(itest_now)
n=$(log_lines)
write_bird off
bird_cli bird configure >/dev/null || fail "birdc configure (passive off)"
wait_for 5 bgp_out va2 SYN-SENT ||
	fail "vrf va2: no connection attempt of lbbgpd bound to va2: $(ss -Htanp)"
check_bfd va2
sockets t va | grep . && fail "vrf va2: lbbgpd still has a connection bound to va"
sockets u va | grep . && fail "vrf va2: lbbgpd still has a BFD socket bound to va"
wait_for 3 sh -c 'ip neigh show 10.97.0.2 dev va2 | grep -q .' ||
	fail "vrf va2: nothing was sent to 10.97.0.2 through va2: $(ip neigh)"
refused="connection from 10.97.0.2 refused: it came in through va, not through its vrf va2"
wait_for 5 log_has "$refused" || fail "vrf va2: BIRD's connection through va was not refused"
end=$((t + 500))
# none_up: neither side has BGP Established or BFD Up.
none_up() {
	[ "$(lb_state)" != Established ] && [ "$(lb_bfd)" != Up ] &&
		[ "$(bird_bfd)" != Up ] && [ "$(bird_state bird)" != Established ]
}
while [ "$(itest_now)" -lt "$end" ]; do
	none_up || fail "vrf va2: a session came up after $(since "$t") s: $(states)"
	sleep 0.3
done
log_after "$n" "-> Established" && fail "vrf va2: the session was Established: $(grep -- "-> Established" "$T/lbbgpd.log" | tail -1)"
log_after "$n" "BFD .*-> Up" && fail "vrf va2: lbbgpd's BFD was Up"
[ "$(bfd_json 's["packets"]["sent"] > 0 and s["packets"]["received"] == 0')" = True ] ||
	fail "vrf va2: lbbgpd's BFD should send and hear nothing: $(bfd_json 's["packets"]')"
itest_log "vrf va2: $(sockets t va2) $(sockets u va2 | tr '\n' ' '); $(bfd_json 's["packets"]')"
pass "vrf va2: for $(since "$t") s no BGP session and no BFD Up ($(states)); lbbgpd connects and sends BFD through va2 (SYN-SENT 10.97.0.1%va2), hears nothing; BIRD's connections through va refused"

# ---- back to vrf va, BIRD connecting ------------------------------------------

# lbbgpd passive: the session is BIRD's connection, which comes in
# through va and is taken.
write_conf va "listen on 10.97.0.1 port 179" "passive yes"
ctl reload >/dev/null || fail "reload to vrf va"
t=$(itest_now)
n=$(log_lines)
wait_for 15 both_up || fail "back to vrf va: $(states)"
up=$(since "$t")
ss -Htnp state established "sport = :179" | grep -q "pid=$LBBGPD_PID," ||
	fail "back to vrf va: the session is not BIRD's connection: $(ss -Htanp)"
check_bfd va
log_after "$n" refused &&
	fail "back to vrf va: a connection was refused: $(grep refused "$T/lbbgpd.log" | tail -1)"
pass "back to vrf va: BGP Established (BIRD's connection, through va), BFD Up, the VIP at BIRD in $up s"

# ---- a real VRF device -----------------------------------------------------------

# With the vrf module: va enslaved to VRF blue, the neighbor in vrf
# blue, reached through table 10.  lbbgpd listens on every address: the
# unbound listener cannot bind 10.97.0.1, which is in the VRF now.
if ip link add blue type vrf table 10 2>"$T/vrf.err"; then
	lbbgpd_stop
	write_bird on
	bird_cli bird configure >/dev/null || fail "birdc configure (passive on)"
	ip link set blue up || fail "cannot set VRF blue up"
	ip link set va master blue || fail "cannot put va in VRF blue"
	write_conf blue ""
	t=$(itest_now)
	lbbgpd_start "$T/lbbgp.conf"
	wait_for 15 both_up || fail "vrf blue: $(states)"
	up=$(since "$t")
	bgp_out blue ESTAB ||
		fail "vrf blue: lbbgpd's BGP connection is not bound to blue: $(ss -Htanp)"
	check_bfd blue
	pass "vrf blue (a VRF device, va enslaved): BGP Established, BFD Up and the VIP at BIRD in $up s; sockets bound to blue"
else
	itest_log "NOTE: the real-VRF part is skipped: this kernel has no vrf device type ($(cat "$T/vrf.err")); the cases above used plain veth devices"
fi
