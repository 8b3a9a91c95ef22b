#!/bin/sh
# malformed.sh: lbbgpd against a hostile peer (rawpeer.py) while a real
# router must not notice.  lbbgpd (AS 64513) on 127.0.10.1 announces five
# static VIPs; BIRD (AS 64512) on 127.0.10.4 must stay Established with
# all of them through the whole test.  Each row of the CASES table gets its
# own passive neighbor (AS 64512) at 127.0.10.(10+i), so the idle-hold
# backoff after an error never delays the next row.  rawpeer.py connects
# from that address, does the handshake up to the row's phase, sends the
# row's bytes and reports what lbbgpd did.  Expected outcomes:
#   notify C/S [data=HEX]  NOTIFICATION C/S (with that data field, where
#                          RFC 4271 §6 defines one), then the connection closes
#   withdraw ATTR [v6]     RFC 7606 treat-as-withdraw: the session stays up,
#                          the prefix announced just before is gone from
#                          show rib in, treat-as-withdraw counted, ATTR named
#                          in the log (any: whatever it names)
#   discard ATTR [v6]      attribute discard: session up, route present, the
#                          log says ATTR was discarded (show rib in does not
#                          list every attribute, so the log is the evidence)
#   keep [v6] [KEY=VALUE]  valid (or silently ignored): session up, route
#                          present (with that show-rib field), nothing
#                          treated as withdraw
#   up                     the session stays up
#   xfail ...              a known deviation (see the note at the row): a
#                          mismatch prints XFAIL and does not fail the test;
#                          a match prints XPASS and fails it (drop the mark)
# After every row: lbbgpd is alive, `bgpctl show summary` answers, BIRD is
# Established with every VIP.  After the table: lbbgpd connecting to the
# peer (rawpeer.py --listen); a silent TCP connection (no OPEN) from a
# neighbor's address while the real peer comes up from the same address; a
# second connection with a bad OPEN next to an Established session; a
# silent connection from BIRD's own address while BIRD restarts; a peer
# that stops reading while 50,000 VIPs are added is dropped by the send
# hold timer (RFC 9687) and BIRD gets every VIP.  About 60 s.
# Test 10: 127.0.10.0/24.
# The hex variables are used by the table, through eval:
# shellcheck disable=SC2034
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
itest_init malformed
itest_need bird birdc "$ITEST_PY"

START=$(itest_now)
RAW=$ITEST_DIR/rawpeer.py
LB=127.0.10.1
BIRD_ADDR=127.0.10.4
NVIPS=5			# static VIPs BIRD must hold throughout
NBULK=50000		# VIPs added for the send hold timer case

# ---- building blocks (hex), 4-octet AS session unless noted ----------------
O=40010100			# ORIGIN IGP
A=40020602010000fc00		# AS_PATH AS_SEQUENCE 64512
A2=4002040201fc00		# AS_PATH AS_SEQUENCE 64512, 2-octet
N=400304c0000201		# NEXT_HOP 192.0.2.1
B=$O$A$N
P=100.64.0.0/24			# the IPv4 prefix each row announces
P6=2001:db8:64::/48		# the IPv6 one
NH6=20010db8000000000000000000000001
# MP_REACH_NLRI IPv6 unicast, next hop 2001:db8::1, NLRI 2001:db8:64::/48.
MP6=800e1c00020110${NH6}003020010db80064
# The same with a 5-octet next hop (RFC 7606 §7.11).
MP6_NH5=800e110002010520010db800003020010db80064
# ... with a /129 in the NLRI (RFC 7606 §5.3).
MP6_129=800e2700020110${NH6}0081${NH6}00
# MP_UNREACH_NLRI IPv6: 2001:db8:64::/48, and a /129.
UNR6=800f0a0002013020010db80064
UNR6_129=800f1500020181${NH6}00
PRE="update:attrs=$B,nlri=$P"		# announce P, valid
PRE6="update:attrs=$O$A,mp6=$P6"	# announce P6, valid
CAPS2=mp4+mp6+rr			# no 4-octet AS capability
# Long attributes (extended length): AS_PATH of three 255-AS segments
# (765 ASNs), 900 COMMUNITIES, 60 unknown optional transitive attributes.
seg=02ff k=0
while [ $k -lt 255 ]; do seg=${seg}0000fc00 k=$((k + 1)); done
LONGPATH=50020bfa$seg$seg$seg
COMM900=d0080e10 k=0
while [ $k -lt 900 ]; do COMM900=${COMM900}fde80064 k=$((k + 1)); done
UNK60='' k=100
while [ $k -lt 160 ]; do UNK60=$UNK60$(printf 'c0%02x0100' $k) k=$((k + 1)); done
# MP_REACH_NLRI IPv4 unicast (RFC 4760), next hop 192.0.2.1, 100.64.0.0/24.
MP4=800e0d00010104c00002010018644000
# MP_REACH_NLRI IPv6 with global and link-local next hops (RFC 2545 §3).
MP6_LL=800e2c00020120${NH6}fe800000000000000000000000000001003020010db80064
# The ROUTE-REFRESH with a 5-octet body, as sent (RFC 7313 §5 data).
RR5=ffffffffffffffffffffffffffffffff0018050001000100

# ---- the table: name | expected outcome | rawpeer.py arguments --------------
# Arguments are shell words (eval'ed); --at defaults to established, where
# the bytes go after the handshake and lbbgpd's End-of-RIB.
CASES=$(cat <<'EOF'
# -- header: RFC 4271 §6.1 --
hdr-marker             | notify 1/1           | --send msg:type=4,marker=ffffffffffffffffffffffffffffff00
hdr-len-18             | notify 1/2 data=0012 | --send msg:type=4,len=18
hdr-len-4097           | notify 1/2 data=1001 | --send msg:type=2,len=4097
keepalive-with-body    | notify 1/2 data=0014 | --send msg:type=4,body=00
hdr-type-6             | notify 1/3 data=06   | --send msg:type=6
update-len-22          | notify 1/2 data=0016 | --send msg:type=2,body=000000
refresh-len-22         | notify 1/2 data=0016 | --send msg:type=5,body=000100
open-len-28            | notify 1/2 data=001c | --open body=04fc000009c0000201
# -- OPEN: RFC 4271 §6.2, RFC 7607, RFC 5492 --
open-version-3         | notify 2/1 data=0004 | --open version=3
open-version-5         | notify 2/1 data=0004 | --open version=5
open-bad-peer-as       | notify 2/2           | --open as4=64599
open-my-as-0           | notify 2/2           | --open myas=0
open-as4-cap-0         | notify 2/2           | --open as4=0,myas=64512
open-hold-1            | notify 2/6           | --open hold=1
open-hold-2            | notify 2/6           | --open hold=2
open-bgp-id-0          | notify 2/3           | --open id=0.0.0.0
open-optparam-type-1   | notify 2/4           | --open addopt=0102abcd
open-cap-as4-len-3     | notify 2/0           | --open opt=0205410300fc00
open-unknown-cap       | up                   | --open addopt=0204ee02abcd
open-hold-0            | up                   | --open hold=0
open-as-trans          | up                   | --open myas=23456
open-id-ours-ebgp      | up                   | --open id=10.0.10.1
open-rfc9072-extended  | up                   | --open optlen=255,opt=ff001102000e01040001000141040000fc000200
open-optlen-overrun    | notify 2/0           | --open optlen=200
# -- FSM: RFC 4271 §8.2.2, RFC 6608 --
update-in-opensent     | notify 5/1           | --at opensent --send "$PRE"
keepalive-in-opensent  | notify 5/1           | --at opensent --send keepalive
update-in-openconfirm  | notify 5/2           | --at openconfirm --send "$PRE"
open-in-openconfirm    | notify 5/2           | --at openconfirm --send open:
open-in-established    | notify 5/3           | --send open:
# -- ROUTE-REFRESH: RFC 2918, RFC 7313 §5 (which names subtypes 1 and 2;
# lbbgpd, like BIRD, applies 7/1 to a normal request of the wrong length) --
refresh-len-24         | notify 7/1 data=$RR5 | --send refresh:extra=00
refresh-afi-3          | up                   | --send refresh:afi=3
# RFC 2918 §3, §4: lbbgpd advertised the capability, so it must answer a
# ROUTE-REFRESH even from a peer that did not advertise it (the peer only
# needs ours to send one).
refresh-no-rr-cap      | up                   | --caps mp4+mp6+as4 --probe refresh
# -- UPDATE framing and NLRI: RFC 4271 §6.3, RFC 7606 §3(b), §5.3 --
withdrawn-len-overrun  | notify 3/1           | --send update:wdlen=255
attr-total-len-overrun | notify 3/1           | --send "update:attrs=$B,alen=200,nlri=$P"
nlri-len-33            | notify 3/10          | --send "update:attrs=$B,nlrihex=21c000020100"
nlri-cut               | notify 3/10          | --send "update:attrs=$B,nlrihex=18c633"
withdrawn-len-33       | notify 3/10          | --send update:wdhex=21c000020100
# RFC 7606 §4: an attribute overrunning the block, or fewer than 3 octets
# left, MUST be treat-as-withdraw (the Total Attribute Length locates the
# NLRI); only an overrunning MP attribute resets (its NLRI is lost).
attr-len-overrun       | withdraw any         | --send "$PRE" --send "update:attrs=$O${A}400308c0000201,nlri=$P"
attr-trailing-octet    | withdraw any         | --send "$PRE" --send "update:attrs=${B}40,nlri=$P"
attr-overrun-after-mp  | withdraw any v6      | --send "$PRE6" --send "update:attrs=${MP6}${O}${A}40010500"
# -- sizes: RFC 4271 §4.1 (4096), RFC 8654 (extended messages) --
update-len-4096        | keep                 | --send "update:attrs=${B}c0c802abcd,nlri=$P,fill=1011"
update-len-4097        | notify 1/2 data=1001 | --send "update:attrs=${B}c0c803abcdef,nlri=$P,fill=1011"
ext-message-8047       | keep                 | --caps mp4+mp6+as4+rr+ext --send "update:attrs=$B,nlri=$P,fill=2000"
aspath-765-asns        | keep                 | --send "update:attrs=$O$LONGPATH$N,nlri=$P"
communities-900        | keep                 | --send "update:attrs=$B$COMM900,nlri=$P"
unknown-opt-60-attrs   | keep                 | --send "update:attrs=$B$UNK60,nlri=$P"
# -- well-known attributes: RFC 7606 §7.1-7.3, §3(c), (d), (g); RFC 7607 --
valid-update           | keep origin=IGP      | --send "$PRE"
end-of-rib             | up                   | --send update:
origin-3               | withdraw ORIGIN      | --send "$PRE" --send "update:attrs=40010103$A$N,nlri=$P"
origin-len-2           | withdraw ORIGIN      | --send "$PRE" --send "update:attrs=4001020000$A$N,nlri=$P"
origin-flags-optional  | withdraw ORIGIN      | --send "$PRE" --send "update:attrs=c0010100$A$N,nlri=$P"
origin-ext-len         | keep origin=EGP      | --send "update:attrs=5001000101$A$N,nlri=$P"
origin-twice           | keep origin=EGP      | --send "update:attrs=4001010140010100$A$N,nlri=$P"
aspath-zero-segment    | withdraw AS_PATH     | --send "$PRE" --send "update:attrs=${O}40020802010000fc000200$N,nlri=$P"
aspath-segment-type-5  | withdraw AS_PATH     | --send "$PRE" --send "update:attrs=${O}40020605010000fc00$N,nlri=$P"
aspath-as-0            | withdraw AS_PATH     | --send "$PRE" --send "update:attrs=${O}400206020100000000$N,nlri=$P"
aspath-confed-ebgp     | withdraw AS_PATH     | --send "$PRE" --send "update:attrs=${O}40020603010000fc00$N,nlri=$P"
aspath-odd-octet       | withdraw AS_PATH     | --send "$PRE" --send "update:attrs=${O}40020702010000fc0000$N,nlri=$P"
nexthop-0.0.0.0        | withdraw NEXT_HOP    | --send "$PRE" --send "update:attrs=$O${A}40030400000000,nlri=$P"
nexthop-multicast      | withdraw NEXT_HOP    | --send "$PRE" --send "update:attrs=$O${A}400304e0000001,nlri=$P"
nexthop-len-5          | withdraw NEXT_HOP    | --send "$PRE" --send "update:attrs=$O${A}400305c000020100,nlri=$P"
missing-origin         | withdraw ORIGIN      | --send "$PRE" --send "update:attrs=$A$N,nlri=$P"
missing-aspath         | withdraw AS_PATH     | --send "$PRE" --send "update:attrs=$O$N,nlri=$P"
missing-nexthop        | withdraw NEXT_HOP    | --send "$PRE" --send "update:attrs=$O$A,nlri=$P"
no-attributes          | withdraw ORIGIN      | --send "$PRE" --send "update:nlri=$P"
unknown-well-known     | notify 3/2 data=406402abcd | --send "update:attrs=${B}406402abcd,nlri=$P"
# -- optional attributes: RFC 7606 §7.4-7.8, RFC 8092 §6, RFC 6793 §6 --
med-len-3              | withdraw MULTI_EXIT_DISC | --send "$PRE" --send "update:attrs=${B}800403000001,nlri=$P"
localpref-ebgp-len-3   | keep                 | --send "update:attrs=${B}400503000064,nlri=$P"
atomic-aggr-len-1      | discard ATOMIC_AGGREGATE | --send "update:attrs=${B}40060100,nlri=$P"
aggregator-len-7       | discard AGGREGATOR   | --send "update:attrs=${B}c007070000fc00c00002,nlri=$P"
aggregator-len-6-as4   | discard AGGREGATOR   | --send "update:attrs=${B}c00706fc00c0000201,nlri=$P"
aggregator-as-0        | discard AGGREGATOR   | --send "update:attrs=${B}c0070800000000c0000201,nlri=$P"
aggregator-len-8-as2   | discard AGGREGATOR   | --caps $CAPS2 --send "update:attrs=$O$A2${N}c007080000fc00c0000201,nlri=$P"
as4path-from-as4-peer  | discard AS4_PATH     | --send "update:attrs=${B}c0110602010000fc00,nlri=$P"
as4path-malformed-as2  | discard AS4_PATH     | --caps $CAPS2 --send "update:attrs=$O$A2${N}c01103020100,nlri=$P"
communities-len-5      | withdraw COMMUNITIES | --send "$PRE" --send "update:attrs=${B}c00805fde8006400,nlri=$P"
communities-len-0      | withdraw COMMUNITIES | --send "$PRE" --send "update:attrs=${B}c00800,nlri=$P"
large-community-len-13 | withdraw LARGE_COMMUNITY | --send "$PRE" --send "update:attrs=${B}c0200d0000fc00000000010000000200,nlri=$P"
ext-community-len-9    | withdraw EXTENDED_COMMUNITIES | --send "$PRE" --send "update:attrs=${B}c010090002fde80000006400,nlri=$P"
communities-flags-wk   | withdraw COMMUNITIES | --send "$PRE" --send "update:attrs=${B}400804fde80064,nlri=$P"
unknown-opt-transitive | keep                 | --send "update:attrs=${B}c0c803010203,nlri=$P"
unknown-opt-partial    | keep                 | --send "update:attrs=${B}e0ca0101,nlri=$P"
unknown-opt-nontrans   | keep                 | --send "update:attrs=${B}80c9020102,nlri=$P"
# -- MP_REACH/MP_UNREACH: RFC 4760 §7, RFC 7606 §3(g), §5.3, §7.11 --
mp-reach-v6            | keep v6              | --send "$PRE6"
mp-reach-v6-link-local | keep v6              | --send "update:attrs=$MP6_LL$O$A"
mp-reach-ipv4          | keep                 | --send "update:attrs=$MP4$O$A"
# RFC 4760 §3: a NEXT_HOP in an UPDATE without IPv4 NLRI is ignored, so
# its value (0.0.0.0) must not withdraw the IPv6 route.
nexthop-0-mp-only      | keep v6              | --send "update:attrs=$MP6$O${A}40030400000000"
mp-unreach-v6          | up                   | --send "$PRE6" --send "update:attrs=$UNR6"
mp-reach-nh-len-5      | notify 3/9 data=$MP6_NH5 | --send "update:attrs=$MP6_NH5$O$A"
mp-reach-twice         | notify 3/1           | --send "update:attrs=$MP6$MP6$O$A"
mp-unreach-twice       | notify 3/1           | --send "update:attrs=$UNR6$UNR6"
mp-reach-len-129       | notify 3/9 data=$MP6_129 | --send "update:attrs=$MP6_129$O$A"
mp-unreach-len-129     | notify 3/9 data=$UNR6_129 | --send "update:attrs=$UNR6_129"
mp-reach-origin-3      | withdraw ORIGIN v6   | --send "$PRE6" --send "update:attrs=${MP6}40010103$A"
# -- timers: RFC 4271 §8.2.2 (hold time 3 offered, then silence) --
hold-expiry-openconfirm | notify 4/0          | --at openconfirm --open hold=3 --timeout 6
hold-expiry-established | notify 4/0          | --open hold=3 --probe none --timeout 6
EOF
)

# ---- configuration --------------------------------------------------------
# Rows whose name starts with the table's comment sign are skipped; every
# other row becomes neighbor NAME at 127.0.10.(10+i).
mkdir -p "$T/state" "$T/cases"
{
	cat <<EOF
router-id 10.0.10.1
local-as 64513
listen on $LB port 179
state-file "$T/state/lbbgp.state"

pool static {
	addresses 192.168.10.1-192.168.10.5
}
pool bulk {
	addresses 10.10.0.0/16
}
advertisement all {
	pools static bulk
}
vip 192.168.10.1 pool static
vip 192.168.10.2 pool static
vip 192.168.10.3 pool static
vip 192.168.10.4 pool static
vip 192.168.10.5 pool static

neighbor bird {
	address $BIRD_ADDR
	remote-as 64512
	connect-retry 1
}
EOF
	raw_neighbor() { # NAME ADDRESS [passive]
		cat <<EOF
neighbor $1 {
	address $2
	remote-as 64512
	passive ${3:-yes}
	connect-retry 1
	hold-time 9
	keepalive 1
	send-hold-time 5
}
EOF
	}
	i=0
	while IFS='|' read -r name expect args <&3; do
		case $name in '#'* | '') continue ;; esac
		i=$((i + 1))
		raw_neighbor "${name%% *}" "127.0.10.$((10 + i))"
	done 3<<EOF
$CASES
EOF
	# Fixed addresses for the special cases after the table.
	raw_neighbor silent-peer 127.0.10.200
	raw_neighbor stall-peer 127.0.10.201
	raw_neighbor active-peer 127.0.10.202 no
	raw_neighbor dup-peer 127.0.10.203
	# RFC 6793 §4.2.2: a 4-octet local AS towards a 2-octet speaker.
	raw_neighbor old-speaker 127.0.10.204 | sed 's/^}$/	local-as 4200000000\n}/'
} >"$T/lbbgp.conf"
NROWS=$(printf '%s\n' "$CASES" | grep -c '^[a-z]')
[ "$NROWS" -ge 30 ] || fail "only $NROWS cases in the table"
itest_log "$NROWS table rows"

"${LBBGPD:-$top_builddir/bgpd/lbbgpd}" -n -f "$T/lbbgp.conf" >/dev/null ||
	fail "config rejected: $T/lbbgp.conf"

bird_start bird $BIRD_ADDR 64512 $LB 64513
lbbgpd_start "$T/lbbgp.conf"
wait_state bird bird Established 20 || fail "BIRD session not Established"
wait_routes bird bird $NVIPS 10 || fail "BIRD did not get the $NVIPS VIPs"
pass "BIRD Established with $NVIPS VIPs"

# ---- helpers ----------------------------------------------------------------

# The verdict of one row: rawpeer's JSON line, lbbgpd's neighbor and
# show-rib-in JSON (empty when the session is expected down), the log.
CHECK_PY='
import json, sys
expect, name, out_f, nb_f, rib_f, log_f, p4, p6 = sys.argv[1:9]
words = expect.split()
kind = words[0]
out = json.loads(open(out_f).read() or "{}")
def got():
    o = out.get("outcome", "nothing")
    if o == "notification":
        return "notify %d/%d data=%s%s" % (out["code"], out["subcode"],
            out["data"] or "-", "" if out.get("closed") else " (not closed)")
    if o == "error":
        return "error: " + out.get("error", "?")
    return o
def verdict(ok, why=""):
    print("ok" if ok else "got " + (why or got()))
    sys.exit(0)
if kind == "notify":
    code, sub = (int(x) for x in words[1].split("/"))
    data = [w[5:] for w in words[2:] if w.startswith("data=")]
    if out.get("outcome") != "notification" or (out["code"], out["subcode"]) != (code, sub):
        verdict(False)
    if data and out["data"] != data[0].lower():
        verdict(False)
    if not out.get("closed"):
        verdict(False)
    verdict(True)
if out.get("outcome") != "up":
    verdict(False)
nb = json.loads(open(nb_f).read() or "{}").get("neighbors", [{}])[0]
if nb.get("state") != "Established":
    verdict(False, "up, but lbbgpd says %s" % nb.get("state"))
if kind == "up":
    verdict(True)
v6 = "v6" in words
pfx = p6 if v6 else p4
routes = {}
for r in json.loads(open(rib_f).read() or "{}").get("rib", [{}])[0].get("routes", []):
    routes[r["prefix"]] = r
taw = nb.get("prefixes", {}).get("treat-as-withdraw", -1)
log = [l for l in open(log_f, errors="replace") if "neighbor %s: UPDATE with " % name in l]
if kind == "withdraw":
    attr = words[1]
    if pfx in routes:
        verdict(False, "up, %s still in show rib in" % pfx)
    if taw < 1:
        verdict(False, "up, %s gone, treat-as-withdraw counter %s" % (pfx, taw))
    want = "treated as withdraw (RFC 7606)"
    if not any(want in l and (attr == "any" or " in %s: " % attr in l) for l in log):
        verdict(False, "up, %s gone, but no log line \"in %s: %s\"" % (pfx, attr, want))
    verdict(True)
if pfx not in routes:
    verdict(False, "up, but %s is not in show rib in (%s)" % (pfx, " ".join(routes) or "empty"))
if taw != 0:
    verdict(False, "up, %s present, treat-as-withdraw counter %s" % (pfx, taw))
if kind == "discard":
    want = " in %s: attribute discarded (RFC 7606)" % words[1]
    if not any(want in l for l in log):
        verdict(False, "up, %s present, no log line \"%s\"" % (pfx, want.strip()))
    verdict(True)
for w in words[1:]:
    if "=" in w:
        k, v = w.split("=", 1)
        if str(routes[pfx].get(k)) != v:
            verdict(False, "up, %s has %s=%s" % (pfx, k, routes[pfx].get(k)))
verdict(True)
'

# unharmed: lbbgpd alive and answering, BIRD Established with every VIP.
# Sets HARM to what is wrong, empty when all is well.
unharmed() { # VIPS
	HARM=
	if ! itest_alive "$LBBGPD_PID"; then
		HARM="lbbgpd died"
	elif ! ctl show summary >/dev/null 2>&1; then
		HARM="bgpctl show summary failed"
	elif [ "$(bird_state bird)" != Established ]; then
		HARM="BIRD is $(bird_state bird)"
	elif [ "$(bird_route_count bird)" != "$1" ]; then
		HARM="BIRD has $(bird_route_count bird) routes, not $1"
	fi
	[ -z "$HARM" ]
}

PASSED=0
FAILED=0
FAILS=
report() { # NAME EXPECT RESULT(ok|got ...) [xfail]
	if [ "$3" = ok ] && [ -n "${4:-}" ]; then
		echo "XPASS: $1: $2 (known deviation fixed? drop the xfail mark)"
		FAILED=$((FAILED + 1))
		FAILS="$FAILS $1"
	elif [ "$3" = ok ]; then
		echo "PASS: $1: $2"
		PASSED=$((PASSED + 1))
	elif [ -n "${4:-}" ]; then
		echo "XFAIL: $1: expected $2, $3"
	else
		echo "FAIL: $1: expected $2, $3"
		FAILED=$((FAILED + 1))
		FAILS="$FAILS $1"
	fi
}

# rawpeer NAME ADDRESS ARGS...: run rawpeer.py in the background, with its
# JSON line in $T/cases/NAME.json; it lingers (session up) until
# $T/cases/NAME.done exists.  Sets RPID.
rawpeer() {
	_r_name=$1 _r_addr=$2
	shift 2
	"$ITEST_PY" "$RAW" --name "$_r_name" --local "$_r_addr" --remote $LB \
		--linger-file "$T/cases/$_r_name.done" "$@" \
		>"$T/cases/$_r_name.json" 2>"$T/cases/$_r_name.err" </dev/null &
	RPID=$!
	itest_track $RPID
}
rawpeer_done() { # NAME PID
	touch "$T/cases/$1.done"
	wait_for 10 itest_dead "$2" || kill "$2" 2>/dev/null || :
	wait "$2" 2>/dev/null || :
	itest_untrack "$2"
}
has_line() { [ -s "$1" ] || ! itest_alive "$2"; }
# more TEXT: add a problem to $res (ok, or "got ...").
more() { case $res in ok) res="got $*" ;; *) res="$res; $*" ;; esac; }

# verdict NAME EXPECT: checks the row's outcome; prints ok or got ...
verdict() {
	_v_out=$T/cases/$1.json
	: >"$T/cases/$1.nb"
	: >"$T/cases/$1.rib"
	if grep -q '"outcome": "up"' "$_v_out"; then
		ctl -j show neighbor "$1" >"$T/cases/$1.nb" 2>&1 || :
		ctl -j show rib in neighbor "$1" >"$T/cases/$1.rib" 2>&1 || :
	fi
	"$ITEST_PY" -c "$CHECK_PY" "$2" "$1" "$_v_out" "$T/cases/$1.nb" \
		"$T/cases/$1.rib" "$T/lbbgpd.log" "$P" "$P6"
}

# ---- the table --------------------------------------------------------------
i=0
while IFS='|' read -r name expect args <&3; do
	case $name in '#'* | '') continue ;; esac
	i=$((i + 1))
	name=${name%% *}
	expect=$(eval "echo $expect")	# data=$VAR
	xfail=
	case $expect in xfail\ *) xfail=1 expect=${expect#xfail } ;; esac
	eval "set -- $args"
	rawpeer "$name" "127.0.10.$((10 + i))" "$@"
	wait_for 20 has_line "$T/cases/$name.json" "$RPID" 2>/dev/null || :
	res=$(verdict "$name" "$expect")
	rawpeer_done "$name" "$RPID"
	if ! unharmed $NVIPS; then
		more "and then $HARM"
		xfail=
	fi
	report "$name" "$expect" "$res" $xfail
done 3<<EOF
$CASES
EOF

# ---- lbbgpd connects to the peer (an active neighbor) -----------------------
rawpeer active-peer 127.0.10.202 --listen --connect-timeout 10 --send "$PRE"
wait_for 20 has_line "$T/cases/active-peer.json" "$RPID" 2>/dev/null || :
res=$(verdict active-peer keep)
rawpeer_done active-peer "$RPID"
unharmed $NVIPS || more "and then $HARM"
report active-peer "keep (lbbgpd connects to the peer)" "$res"

# ---- a silent TCP connection (no OPEN) does not block the real one -----------
# From the neighbor's own address: lbbgpd sends its OPEN and waits (OpenSent,
# 4 minutes); the real peer's connection from the same address must still
# come up, and the silent one is then closed as the loser of the collision
# (RFC 4271 §6.8: Cease 6/7).
in_log() { grep -q "$1" "$T/lbbgpd.log"; }
rawpeer silent-conn 127.0.10.200 --mode silent \
	--until-file "$T/cases/silent-conn.done"
SILENT_PID=$RPID
wait_for 5 in_log 'neighbor silent-peer: Active -> OpenSent' ||
	echo "# the silent connection did not reach OpenSent" >&2
rawpeer silent-peer 127.0.10.200 --send "$PRE"
wait_for 20 has_line "$T/cases/silent-peer.json" "$RPID" 2>/dev/null || :
res=$(verdict silent-peer keep)
rawpeer_done silent-peer "$RPID"
rawpeer_done silent-conn "$SILENT_PID"
silent_out=$(cat "$T/cases/silent-conn.json")
case $silent_out in
*'"outcome": "silent"'* | *'"outcome": "error"'*)
	more "the silent connection: $silent_out" ;;
esac
unharmed $NVIPS || more "and then $HARM"
report silent-then-real "keep, and lbbgpd closes the silent connection" "$res"
# RFC 4271 §6.8: the loser of the collision gets Cease/Connection Collision
# Resolution (6/7).
case $silent_out in
*'"code": 6,'*'"subcode": 7'*) res=ok ;;
*) res="got $silent_out" ;;
esac
report silent-conn-cease "notify 6/7 to the collision loser" "$res"

# A second connection with a bad OPEN (wrong AS) while the session is
# Established: the established session and its routes stay; the second
# connection gets 2/2 (RFC 4271 §6.2).
rawpeer dup-peer 127.0.10.203 --send "$PRE"
FIRST_PID=$RPID
wait_for 20 has_line "$T/cases/dup-peer.json" "$FIRST_PID" 2>/dev/null || :
"$ITEST_PY" "$RAW" --name dup-bad-open --local 127.0.10.203 --remote $LB \
	--open as4=64599 >"$T/cases/dup-bad-open.json" 2>&1 </dev/null
res=$(verdict dup-peer keep)
rawpeer_done dup-peer "$FIRST_PID"
unharmed $NVIPS || more "and then $HARM"
report second-conn-first-stays "keep, while a second connection sends a \
bad OPEN" "$res"
dup_out=$(cat "$T/cases/dup-bad-open.json")
case $dup_out in
*'"code": 2,'*'"subcode": 2'*) res=ok ;;
*) res="got $dup_out" ;;
esac
report second-conn-bad-open "notify 2/2 on the second connection" "$res"

# From BIRD's own address (another port) while BIRD is Established: BIRD
# keeps its session; then BIRD restarts and must get its session and VIPs
# back although the silent connection is still open.
rawpeer silent-bird $BIRD_ADDR --mode silent \
	--until-file "$T/cases/silent-bird.done"
SILENT_PID=$RPID
wait_for 5 in_log 'neighbor bird (second connection): Active -> OpenSent' ||
	echo "# the silent connection from BIRD's address was not tracked" >&2
res=ok
if ! unharmed $NVIPS; then
	res="got $HARM with a silent connection from BIRD's address"
else
	bird_restart bird
	wait_state bird bird Established 30 && wait_routes bird bird $NVIPS 10 ||
		res="got BIRD not back with $NVIPS VIPs within 40 s of its restart"
fi
rawpeer_done silent-bird "$SILENT_PID"
case $(cat "$T/cases/silent-bird.json") in
*'"outcome": "error"'*) res="got rawpeer: $(cat "$T/cases/silent-bird.json")" ;;
esac
report silent-from-bird "BIRD stays up, and comes back after a restart" "$res"

# A speaker without the 4-octet AS capability (RFC 6793 §4.2.2) to a
# neighbor in AS 4200000000: AS_TRANS in its OPEN and AS_PATH, the real
# AS in AS4_PATH.
rawpeer old-speaker 127.0.10.204 --caps mp4+mp6+rr
OLD_PID=$RPID
wait_for 20 has_line "$T/cases/old-speaker.json" "$OLD_PID" 2>/dev/null || :
old_out=$(cat "$T/cases/old-speaker.json")
rawpeer_done old-speaker "$OLD_PID"
res=ok
case $old_out in
*'"as4_path": "0201fa56ea00"'*'"as_path": "02015ba0"'*) ;;
*) more "the UPDATE of a 4-octet AS to a 2-octet speaker: $old_out" ;;
esac
in_log 'neighbor old-speaker: OpenConfirm -> Established' ||
	more "no session with the 2-octet speaker"
report old-speaker "AS_PATH [23456] and AS4_PATH [4200000000] to a 2-octet \
speaker" "$res"

# ---- a peer that stops reading: the send hold timer (RFC 9687) ---------------
# With loopback's 64 KB MSS, Linux grows lbbgpd's socket send buffer to
# tcp_wmem's maximum (4 MB here) and the whole backlog goes into the kernel;
# the send hold timer counts what the kernel holds unsent too.
stall_up() {
	ctl -j show neighbor stall-peer | grep -q '"state": *"Established"'
}
rawpeer stall-peer 127.0.10.201 --mode stall --rcvbuf 4096 \
	--until-file "$T/cases/stall-peer.done" --stall-max 60
STALL_PID=$RPID
wait_for 10 stall_up || echo "# stall-peer did not come up" >&2
"$ITEST_PY" -c 'import ipaddress, json, sys
base = int(ipaddress.ip_address("10.10.0.0"))
print(json.dumps({"cmd": "add", "owner": "malformed", "vips": [
    str(ipaddress.ip_address(base + 1 + k)) for k in range(int(sys.argv[1]))]}))' \
	$NBULK | "$ITEST_PY" "$ITEST_DIR/ctljson.py" "$T/lbbgpd.sock" 120 \
	>"$T/cases/bulk-add.json" 2>&1 ||
	fail "adding $NBULK VIPs: $(head -c 300 "$T/cases/bulk-add.json")"
grep -q '"ok": *true' "$T/cases/bulk-add.json" ||
	fail "adding $NBULK VIPs: $(head -c 300 "$T/cases/bulk-add.json")"
res=ok
wait_for 30 in_log 'neighbor stall-peer: send hold timer expired' ||
	more "no \"send hold timer expired\" for stall-peer within 30 s"
in_log 'neighbor stall-peer: sending NOTIFICATION .*(8/0)' ||
	more "no NOTIFICATION 8/0 for stall-peer"
touch "$T/cases/stall-peer.done"
rawpeer_done stall-peer "$STALL_PID"
stall_out=$(cat "$T/cases/stall-peer.json")
itest_log "stall-peer: $stall_out"
# Its queue is full, so the NOTIFICATION rarely gets through: closed (or
# reset by our KEEPALIVEs hitting the closed socket) is what the peer sees.
case $stall_out in
*'"outcome": "closed"'* | *'"outcome": "reset"'* | *'"outcome": "notification"'*) ;;
*) more "the peer saw: $stall_out" ;;
esac
wait_routes bird bird $((NVIPS + NBULK)) 60 ||
	more "BIRD did not get all $((NVIPS + NBULK)) VIPs"
unharmed $((NVIPS + NBULK)) || more "$HARM"
report stall-peer "send hold timer drops it (8/0), BIRD gets all \
$((NVIPS + NBULK)) VIPs" "$res"

# ---- summary ----------------------------------------------------------------
ELAPSED=$(( ($(itest_now) - START) / 100 ))
echo "# $PASSED passed, $FAILED failed, in ${ELAPSED}s"
[ "$FAILED" -eq 0 ] || fail "failed:$FAILS"
lbbgpd_stop
pass "malformed: every case, lbbgpd alive, BIRD unharmed"
