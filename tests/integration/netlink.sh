#!/bin/sh
# netlink.sh: the host follows lbbgpd and lbbgpd follows the host (the
# HOST INTEGRATION of lbbgp.conf(5)).  Everything runs inside a network
# namespace the test creates and deletes: lbbgpd on 127.0.15.1 (AS 64513),
# BIRD on 127.0.15.2 (AS 64512), links made with ip link inside it.
# Checks:
# - vip-interface lb0: created as a dummy (or, on a kernel without dummy
#   interfaces, a clear refusal, then a bridge made by hand is used); VIP
#   addresses come and go with bgpctl add/withdraw, /32 and /128 (IPv6
#   without DAD); addresses lbbgpd did not put there stay; lb0 deleted is
#   made again with every VIP; the VIPs stay over a restart, which
#   removes only stale addresses of its own;
#   10,000 VIPs in one add reach lb0 (the time is printed) and leave it.
# - import-addresses dev lo label vip: addresses labelled lo:vip, and the
#   literal label vip, reach BIRD and leave it when deleted; unlabelled
#   ones and ones in no pool do not; one deleted while lbbgpd was down is
#   withdrawn at start.
# - track-interface (global): its link down or missing withdraws every
#   route at BIRD while the session stays Established; up brings them back.
# - track-interface in the neighbor: link down shuts the session (Cease 6/2,
#   "interface nbr0 down"), up starts it, but not over bgpctl neighbor down.
# - a local-address that is not on the host is logged and noted, and the
#   note goes when the address appears.
# Test 15 (127.0.15.0/24).

# shellcheck source-path=SCRIPTDIR source=netns.sh
. "$(dirname "$0")/netns.sh"
netns_run netlink : lbbgp-t15 -- "$@"

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
itest_init netlink
itest_need bird birdc tcpdump "$ITEST_PY"

write_conf() {
	cat >"$T/lbbgp.conf" <<EOF
router-id 10.0.15.1
local-as 64513
listen on 127.0.15.1 port 179
state-file "$T/state/lbbgp.state"
vip-interface lb0
track-interface trk0
import-addresses dev lo label vip

pool p {
	addresses 192.0.2.64/26
	addresses 2001:db8:15::/120
}
pool bulk {
	addresses 10.150.0.0/16
}

neighbor bird {
	address 127.0.15.2
	remote-as 64512
	connect-retry 1
	track-interface nbr0
}
neighbor ghost {
	address 10.15.0.10
	remote-as 64512
	local-address 10.15.0.9
	passive yes
}

advertisement a {
	pools p
}
$1
EOF
}

ctl_json() { "$ITEST_PY" "$ITEST_DIR/ctljson.py" "$T/lbbgpd.sock" 120; }
# lb0_has ADDR/LEN: the address is on lb0 (IPv6: and usable, not tentative).
lb0_has() { ip -o addr show dev lb0 | grep " $1 " | grep -qv tentative; }
lb0_lacks() { ! ip -o addr show dev lb0 | grep -q " $1 "; }
lb0_bulk_is() { [ "$(ip -o addr show dev lb0 | grep -c ' 10\.150\.')" -eq "$1" ]; }
bird_has() { bird_cli bird show route "$1" protocol lb | grep -q "^$1"; }
bird_lacks() { ! bird_has "$1"; }
log_has() { grep -q "$1" "$T/lbbgpd.log"; }
log_count_is() { [ "$(grep -c "$1" "$T/lbbgpd.log")" -eq "$2" ]; }
notes() { ctl -j show neighbor "$1" | "$ITEST_PY" -c 'import json, sys
print("\n".join(json.load(sys.stdin)["neighbors"][0].get("notes", [])))'; }
notes_have() { notes "$1" | grep -q "$2"; }
notes_lack() { ! notes_have "$1" "$2"; }

# Links: trk0 (global track) and nbr0 (bird's track), veth pairs, up.
for l in trk0 nbr0; do
	ip link add "$l" type veth peer name "${l}p" || fail "cannot create veth $l"
	ip link set "$l" up
	ip link set "${l}p" up
done
# Addresses on lo before lbbgpd starts: imported at start, or not.
ip addr add 192.0.2.77/32 dev lo label lo:vip
ip addr add 192.0.2.90/32 dev lo
ip addr add 203.0.113.5/32 dev lo label lo:vip
mkdir -p "$T/state"
write_conf "vip 192.0.2.65"

BIRD_ROUTER_ID=10.0.15.2 bird_start bird 127.0.15.2 64512 127.0.15.1 64513

# ---- vip-interface: created, or a clear word when it cannot be -------------

DUMMY=no
if ip link add lbprobe type dummy 2>/dev/null; then
	ip link del lbprobe
	DUMMY=yes
	lbbgpd_start "$T/lbbgp.conf"
	wait_for 5 ip link show lb0 || fail "lbbgpd did not create lb0"
	ip -d link show lb0 | grep -q dummy || fail "lb0 is not a dummy interface"
	ip link show lb0 | grep -q ",UP" || fail "lb0 is not up"
	pass "vip-interface lb0 created as a dummy interface, up"
else
	rc=0
	timeout 10 "$top_builddir/bgpd/lbbgpd" -d -f "$T/lbbgp.conf" -s "$T/lbbgpd.sock" \
		>"$T/refused.log" 2>&1 || rc=$?
	{ [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; } || fail "lbbgpd started (rc $rc) without lb0 and without dummy interfaces"
	grep -q "vip-interface lb0: no such interface, and it cannot be created as a dummy interface: .*CONFIG_DUMMY.*create the interface yourself" \
		"$T/refused.log" || { cat "$T/refused.log" >&2; fail "no clear message about the missing dummy driver"; }
	pass "kernel without dummy interfaces: lbbgpd refuses to start and says what to do"
	ip link add lb0 type bridge || fail "cannot create the bridge lb0"
	lbbgpd_start "$T/lbbgp.conf"
	ip link show lb0 | grep -q ",UP" || fail "lbbgpd did not set lb0 up"
	pass "vip-interface lb0 made by hand (bridge): lbbgpd sets it up and uses it"
fi

ip addr add 198.51.100.1/32 dev lb0	# not lbbgpd's
ip addr add 192.0.2.99/32 dev lb0	# a pool address, put there by hand

wait_for 5 lb0_has 192.0.2.65/32 || fail "static VIP 192.0.2.65 not on lb0"
wait_for 5 lb0_has 192.0.2.77/32 || fail "imported VIP 192.0.2.77 not on lb0"
wait_state bird bird Established 20 || fail "no session with BIRD"
wait_for 10 bird_has 192.0.2.77/32 || fail "address labelled lo:vip before the start did not reach BIRD"
bird_has 192.0.2.65/32 || fail "static VIP not at BIRD"
assert_eq "netlink:lo" "$(ctl -j show vips 192.0.2.77 | "$ITEST_PY" -c 'import json, sys
print(json.load(sys.stdin)["vips"][0]["owners"][0]["owner"])')" "owner of an imported address"
pass "static and imported VIPs on lb0 and at BIRD"

# ---- vip-interface follows add and withdraw -----------------------------------

ctl add 192.0.2.70 owner t >/dev/null || fail "add 192.0.2.70"
ctl add 2001:db8:15::5 owner t >/dev/null || fail "add 2001:db8:15::5"
wait_for 2 lb0_has 192.0.2.70/32 || fail "192.0.2.70/32 not on lb0 after add"
wait_for 2 lb0_has 2001:db8:15::5/128 || fail "2001:db8:15::5/128 not on lb0 (or still tentative) after add"
ip -o addr show dev lb0 | grep " 2001:db8:15::5/128 " | grep -q nodad || fail "IPv6 VIP added with DAD"
ctl withdraw 192.0.2.70 owner t >/dev/null || fail "withdraw 192.0.2.70"
ctl withdraw 2001:db8:15::5 owner t >/dev/null || fail "withdraw 2001:db8:15::5"
wait_for 2 lb0_lacks 192.0.2.70/32 || fail "192.0.2.70 still on lb0 after withdraw"
wait_for 2 lb0_lacks 2001:db8:15::5/128 || fail "2001:db8:15::5 still on lb0 after withdraw"
{ lb0_has 198.51.100.1/32 && lb0_has 192.0.2.99/32; } || fail "lbbgpd removed addresses it did not add"
pass "bgpctl add and withdraw put /32 and /128 (nodad) addresses on lb0 and take them off; others stay"

# A VIP's address leaves lb0 only once the withdrawal of its route is on the
# wire (traffic the router still sends must find it; ExaBGP's #993): the
# UPDATE's timestamp on lo comes before the address's deletion.  ip monitor
# stamps an event when it reads it, so this shows the order of the two to
# about a millisecond, not the order within one loop iteration.
ctl add 192.0.2.71 owner t >/dev/null || fail "add 192.0.2.71"
wait_for 2 lb0_has 192.0.2.71/32 || fail "192.0.2.71/32 not on lb0 after add"
wait_for 5 bird_has 192.0.2.71/32 || fail "192.0.2.71/32 not at BIRD"
tcpdump -tt -n -l -i lo "tcp and src host 127.0.15.1 and dst host 127.0.15.2" \
    >"$T/wd.tcpdump" 2>/dev/null &
TD_PID=$!
itest_track "$TD_PID"
ip -ts monitor address dev lb0 >"$T/wd.monitor" 2>&1 &
MON_PID=$!
itest_track "$MON_PID"
sleep 1	# both listening
ctl withdraw 192.0.2.71 owner t >/dev/null || fail "withdraw 192.0.2.71"
wait_for 2 lb0_lacks 192.0.2.71/32 || fail "192.0.2.71 still on lb0 after withdraw"
sleep 0.5
itest_kill "$TD_PID"
itest_kill "$MON_PID"
order=$("$ITEST_PY" - "$T/wd.tcpdump" "$T/wd.monitor" <<'EOF'
import datetime, re, sys
upd = None
for line in open(sys.argv[1]):
    m = re.match(r"([0-9.]+) .* length ([0-9]+)", line)
    # A keepalive is 19 bytes; the withdrawal is the first longer segment.
    if m and int(m.group(2)) > 19:
        upd = float(m.group(1))
        break
dele = None
for line in open(sys.argv[2]):
    # ip prints the timestamps of filtered-out events on the same line.
    m = re.search(r"\[([0-9T:.-]+)\] Deleted .*192\.0\.2\.71/32", line)
    if m:
        dele = datetime.datetime.fromisoformat(m.group(1)).timestamp()
        break
if upd is None or dele is None:
    print("missing: update %s, deletion %s" % (upd, dele))
else:
    print("%s %.6f" % ("ok" if upd <= dele else "late", dele - upd))
EOF
)
case $order in
ok*) itest_log "address deleted ${order#ok } s after the withdrawal left" ;;
*) fail "the address went before its withdrawal was on the wire: $order" ;;
esac
pass "a VIP's address leaves lb0 only after its withdrawal is on the wire"

# lb0 deleted under lbbgpd: made again (by lbbgpd, or by hand without dummy
# interfaces) with every VIP.
ip link del lb0
if [ "$DUMMY" = yes ]; then
	wait_for 5 lb0_has 192.0.2.65/32 || fail "lb0 not created again with its VIPs"
	wait_for 2 log_has "vip-interface lb0 was deleted: creating it again" || fail "no log line for lb0 deleted"
else
	wait_for 5 log_has "vip-interface lb0 was deleted: creating it again" || fail "no log line for lb0 deleted"
	ip link add lb0 type bridge && ip link set lb0 up
	wait_for 5 lb0_has 192.0.2.65/32 || fail "lb0 made again by hand did not get the VIPs"
fi
lb0_has 192.0.2.77/32 || fail "imported VIP missing on lb0 made again"
ip addr add 198.51.100.1/32 dev lb0
ip addr add 192.0.2.99/32 dev lb0
pass "lb0 deleted: made again with every VIP"

# ---- import-addresses ------------------------------------------------------------

ip addr add 192.0.2.78/32 dev lo label vip || fail "iproute2 refuses the label vip"
ip addr add 192.0.2.79/32 dev lo label lo:vip
wait_for 5 bird_has 192.0.2.78/32 || fail "address with the label vip did not reach BIRD"
wait_for 5 bird_has 192.0.2.79/32 || fail "address with the label lo:vip did not reach BIRD"
wait_for 2 lb0_has 192.0.2.79/32 || fail "imported VIP not on lb0"
ip addr del 192.0.2.79/32 dev lo
ip addr del 192.0.2.78/32 dev lo
wait_for 5 bird_lacks 192.0.2.79/32 || fail "deleted address 192.0.2.79 still at BIRD"
wait_for 5 bird_lacks 192.0.2.78/32 || fail "deleted address 192.0.2.78 still at BIRD"
bird_lacks 192.0.2.90/32 || fail "an unlabelled address of lo was imported"
assert_eq 1 "$(grep -c "203.0.113.5 is not imported: 203.0.113.5 is in no configured pool" "$T/lbbgpd.log")" \
	"an address in no pool is logged once"
grep -q '"netlink:lo"' "$T/state/lbbgp.state"* || fail "imported VIPs are not in the state file"
pass "import-addresses: labels vip and lo:vip come and go at BIRD; others are left out"

# ---- track-interface (global) ------------------------------------------------------

wait_routes bird bird 2 5 || fail "BIRD should hold the 2 VIPs before the track test"
ip link set trk0p down		# trk0 loses its carrier
wait_routes bird bird 0 5 || fail "routes stayed at BIRD with track-interface trk0 down"
bird_state bird | grep -q Established || fail "the session went down with the global track-interface"
wait_for 2 log_has "track-interface trk0 is down: no route is announced" || fail "no log line for trk0 down"
notes_have bird "no route is announced: track-interface trk0 is down" || fail "no note for the suspension"
ip link set trk0p up
wait_routes bird bird 2 5 || fail "routes did not come back with trk0 up"
ip link del trk0		# missing counts as down
wait_routes bird bird 0 5 || fail "routes stayed at BIRD with trk0 deleted"
ip link add trk0 type veth peer name trk0p && ip link set trk0 up && ip link set trk0p up
wait_routes bird bird 2 5 || fail "routes did not come back with trk0 created again"
bird_state bird | grep -q Established || fail "the session did not stay Established"
pass "track-interface down or missing: BIRD loses every route, the session stays Established; up: they are back"

# ---- track-interface in the neighbor -------------------------------------------------

ip link set nbr0 down
wait_for 5 sh -c "! birdc -s '$T/bird/sock' show protocols lb | grep -q Established" ||
	fail "the session stayed up with nbr0 down"
wait_for 2 log_has "neighbor bird: track-interface nbr0 is down: shutting the session down" ||
	fail "no log line for nbr0 down"
wait_for 5 sh -c "birdc -s '$T/bird/sock' show protocols all lb | grep -q 'Administrative shutdown'" ||
	fail "BIRD did not get Cease/Administrative Shutdown"
grep -q "interface nbr0 down" "$T/bird/bird.log" || fail "BIRD did not get the reason \"interface nbr0 down\""
notes_have bird "stopped: track-interface nbr0 is down" || fail "no note for the tracked link"
sleep 2
bird_state bird | grep -q Established && fail "the session came back while nbr0 is down"
ip link set nbr0 up
wait_state bird bird Established 15 || fail "the session did not come back with nbr0 up"
notes_lack bird "track-interface nbr0" || fail "the note stayed"
pass "neighbor track-interface: down shuts the session (6/2, \"interface nbr0 down\"), up starts it"

ctl neighbor bird down reason maintenance >/dev/null || fail "neighbor bird down"
ip link set nbr0 down
wait_for 2 log_count_is "neighbor bird: track-interface nbr0 is down: shutting" 2 || fail "no log line"
ip link set nbr0 up
wait_for 2 log_has "neighbor bird: track-interface nbr0 is up; the session stays down, it was taken down administratively" ||
	fail "no log line for nbr0 up over an administrative down"
sleep 3
bird_state bird | grep -q Established && fail "nbr0 up started a session taken down with bgpctl"
ctl neighbor bird up >/dev/null || fail "neighbor bird up"
wait_state bird bird Established 15 || fail "bgpctl neighbor up did not start the session"
pass "a link coming up does not start a session taken down with bgpctl"

# ---- local-address -----------------------------------------------------------------

log_has "neighbor ghost: local-address 10.15.0.9 is not an address of this host; the session cannot start until it is (ip addr add 10.15.0.9/32 dev ...)" ||
	fail "no log line for the missing local-address"
notes_have ghost "local-address 10.15.0.9 is not an address of this host" || fail "no note for the local-address"
ip addr add 10.15.0.9/32 dev lo
wait_for 5 notes_lack ghost "local-address" || fail "the note stayed after the address appeared"
wait_for 2 log_has "neighbor ghost: local-address 10.15.0.9 is an address of this host now" ||
	fail "no log line when the address appeared"
pass "a local-address that is not on the host is logged and noted until it is"

# ---- restart: VIPs stay on lb0; only stale ones of lbbgpd's go -----------------------

lbbgpd_stop
{ lb0_has 192.0.2.65/32 && lb0_has 192.0.2.77/32; } || fail "VIP addresses left lb0 when lbbgpd stopped"
ip addr del 192.0.2.77/32 dev lo		# leaves while lbbgpd is down
write_conf ""				# and the static VIP goes from the config
lbbgpd_start "$T/lbbgp.conf"
wait_for 5 lb0_lacks 192.0.2.65/32 || fail "stale static VIP 192.0.2.65 stayed on lb0"
wait_for 5 lb0_lacks 192.0.2.77/32 || fail "192.0.2.77, gone from lo while lbbgpd was down, stayed on lb0"
{ lb0_has 198.51.100.1/32 && lb0_has 192.0.2.99/32; } || fail "a restart removed addresses lbbgpd did not add"
wait_state bird bird Established 20 || fail "no session after the restart"
sleep 1
bird_lacks 192.0.2.77/32 || fail "192.0.2.77 announced after it left lo while lbbgpd was down"
pass "restart: VIP addresses kept; stale ones of lbbgpd's removed, others kept; imports synced"

# ---- reload: the host follows the new config -------------------------------------------

ip addr add 192.0.2.80/32 dev lo label lo:vip
wait_for 5 bird_has 192.0.2.80/32 || fail "192.0.2.80 was not imported"
# A static VIP more, a tracked link that does not exist (down), no imports.
write_conf "vip 192.0.2.66"
sed -i 's/^track-interface trk0$/track-interface trk9/; /^import-addresses/d' "$T/lbbgp.conf"
ctl reload >/dev/null || fail "reload refused"
wait_for 5 lb0_has 192.0.2.66/32 || fail "a static VIP added by a reload is not on lb0"
wait_routes bird bird 0 5 || fail "BIRD kept routes although the reload tracks a missing trk9"
bird_state bird | grep -q Established || fail "the reload took the session down"
wait_for 5 lb0_lacks 192.0.2.80/32 || fail "an import the reload dropped stayed on lb0"
# Back: trk0 (up) and the imports again.
write_conf "vip 192.0.2.66"
ctl reload >/dev/null || fail "reload refused"
wait_for 5 bird_has 192.0.2.66/32 || fail "routes did not come back when the reload tracks trk0 again"
wait_for 5 bird_has 192.0.2.80/32 || fail "192.0.2.80 was not imported again"
[ "$(ctl -j show neighbor bird | grep -o '"flaps": *[0-9]*' | grep -o '[0-9]*$')" = 0 ] ||
	fail "the reloads flapped the session"
ip addr del 192.0.2.80/32 dev lo
pass "reload: static VIPs reach lb0, a new track-interface and dropped imports apply, no flap"

# ---- 10,000 VIPs ------------------------------------------------------------------------

"$ITEST_PY" -c 'import json
vips = ["10.150.%d.%d" % (i // 256, i % 256) for i in range(10000)]
print(json.dumps({"cmd": "add", "vips": vips, "owner": "bulk"}))' >"$T/add.json"
sed 's/"add"/"withdraw"/' "$T/add.json" >"$T/withdraw.json"
# The add is applied in slices (a control job), so the netlink writer
# may report the burst in more than one line: their sum counts.
lines0=$(wc -l <"$T/lbbgpd.log")
burst_added() {
	tail -n +"$((lines0 + 1))" "$T/lbbgpd.log" |
		sed -n 's/.*vip-interface lb0: \([0-9]*\) addresses added, 0 removed, 0 failed.*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }'
}
burst_logged() { [ "$(burst_added)" = 10000 ]; }
t0=$(itest_now)
ctl_json <"$T/add.json" | grep -q '"added":10000' || fail "the 10,000-VIP add failed"
wait_for 60 lb0_bulk_is 10000 ||
	fail "lb0 does not hold 10,000 addresses within 60 s"
ms=$((($(itest_now) - t0) * 10))
wait_for 5 burst_logged || fail "no log lines for the burst (added: $(burst_added))"
itest_log "10,000 VIPs on lb0 after $ms ms; lbbgpd: $(tail -n +"$((lines0 + 1))" "$T/lbbgpd.log" | grep -o "vip-interface lb0: [0-9]* addresses added.*" | tr '\n' ' ')"
ctl_json <"$T/withdraw.json" | grep -q '"withdrawn":10000' || fail "the 10,000-VIP withdraw failed"
wait_for 60 lb0_bulk_is 0 ||
	fail "lb0 still holds bulk addresses 60 s after the withdraw"
itest_log "lbbgpd: $(grep -o "vip-interface lb0: 0 addresses added, 10000 removed.*" "$T/lbbgpd.log")"
pass "10,000 VIPs reach lb0 in $ms ms and leave it"

lbbgpd_stop
