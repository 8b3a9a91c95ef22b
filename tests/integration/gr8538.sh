#!/bin/sh
# gr8538.sh: RFC 8538, graceful restart after NOTIFICATIONs and the Hard
# Reset, against GoBGP (graceful-restart with notification-enabled).
# Everything runs inside one network namespace the test creates and
# deletes, on its lo: lbbgpd (AS 64513, graceful-restart yes) on
# 127.0.0.1 announces three static VIPs to GoBGP (AS 64512) on 127.0.0.3;
# GoBGP announces one route back.  A poller counts GoBGP's routes from
# lbbgpd every 100 ms through each event.  Checks:
# - the N bit is negotiated both ways: lbbgpd's show neighbor -j says
#   graceful-notification and peer-graceful-notification, GoBGP shows
#   the notification flag of lbbgpd's capability;
# - bgpctl neighbor clear sends a Hard Reset (Cease/9 carrying 6/4):
#   GoBGP's log says hard-reset, and its count drops to 0 before the
#   session is back;
# - a reload that changes hold-time resets the session with a plain
#   Cease/Other Configuration Change (6/6): GoBGP keeps the three routes
#   as stale (the poller sees them stale, never fewer) until lbbgpd's
#   End-of-RIB, and its log says peer graceful restart;
# - GoBGP's neighbor disable (a plain Cease/2 in GoBGP 3.10): lbbgpd
#   keeps GoBGP's route as stale; a scripted router (rawpeer.py) on
#   127.0.0.4: its Hard Reset makes lbbgpd drop its route at once and
#   show neighbor name what it carried, its plain Cease keeps the route
#   with N, and without N drops it as before;
# - lbbgpd stopped with SIGTERM and started again: no NOTIFICATION, the
#   three routes stay at GoBGP throughout.
# Test 24.
if [ -z "${LBBGP_IN_NETNS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: gr8538 needs root (network namespaces)"; exit 77; }
	command -v ip >/dev/null 2>&1 || { echo "SKIP: ip (iproute2) not installed"; exit 77; }
	ns=lbbgp-gr8538-$$
	ip netns add "$ns" || { echo "SKIP: cannot create a network namespace (ip netns)"; exit 77; }
	trap 'ip netns del "$ns"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	ip -n "$ns" link set lo up
	rc=0
	LBBGP_IN_NETNS=$ns ip netns exec "$ns" sh "$0" "$@" || rc=$?
	exit "$rc"
fi

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
itest_init gr8538
itest_need gobgpd gobgp "$ITEST_PY"
GLOG=$T/gobgp/gobgpd.log

# write_conf HOLD: lbbgpd's config with that hold time.
write_conf() {
	cat >"$T/lbbgp.conf" <<EOF
router-id 10.0.24.1
local-as 64513
listen on 127.0.0.1 port 179

pool vips {
	addresses 10.24.0.0/24
}

neighbor gobgp {
	address 127.0.0.3
	remote-as 64512
	connect-retry 1
	hold-time $1
	next-hop 192.0.2.24
	graceful-restart yes restart-time 60
}

neighbor raw {
	address 127.0.0.4
	remote-as 64514
	passive yes
	next-hop 192.0.2.24
	graceful-restart yes restart-time 60
}

advertisement all {
	pools vips
}

vip 10.24.0.1
vip 10.24.0.2
vip 10.24.0.3
EOF
}
write_conf 90

gobgp_start gobgp 127.0.0.3 64512 127.0.0.1 64513 50124 '
[neighbors.graceful-restart.config]
  enabled = true
  notification-enabled = true
  restart-time = 60'
lbbgpd_start "$T/lbbgp.conf"
wait_state gobgp gobgp established 20 || fail "no session with GoBGP"
wait_routes gobgp gobgp 3 10 || fail "GoBGP does not have the 3 VIPs"
# A route of GoBGP's, for what lbbgpd keeps of the router's routes.
gobgp_cli gobgp global rib add 198.51.100.0/24 -a ipv4 >/dev/null ||
	fail "gobgp global rib add failed"
rib_in_has() { ctl show rib in neighbor gobgp | grep -q 198.51.100.0/24; }
wait_for 10 rib_in_has || fail "lbbgpd did not get GoBGP's route"

# ---- negotiation -------------------------------------------------------------

nflags=$(ctl -j show neighbor gobgp | "$ITEST_PY" -c 'import json, sys
c = json.load(sys.stdin)["neighbors"][0]["capabilities"]
print(c["graceful-restart"], c["graceful-notification"],
    c["peer-graceful-notification"])')
assert_eq "True True True" "$nflags" "lbbgpd: N negotiated (show neighbor -j)"
gobgp_cli gobgp neighbor 127.0.0.1 >"$T/gnb" || fail "gobgp neighbor failed"
grep -q "Remote:.*notification flag set" "$T/gnb" ||
	fail "GoBGP did not get the N bit from lbbgpd: $(cat "$T/gnb")"
grep -q "Local:.*notification flag set" "$T/gnb" ||
	fail "GoBGP did not send the N bit: $(cat "$T/gnb")"
assert_contains "$(ctl show neighbor gobgp)" \
	"Graceful restart after NOTIFICATIONs (RFC 8538)" "show neighbor text"
pass "N bit negotiated both ways (RFC 8538 §2)"

# ---- the poller ---------------------------------------------------------------

# counts: "ROUTES STALE", GoBGP's routes from lbbgpd and how many of them
# are stale.
counts() {
	gobgp_cli gobgp global rib -a ipv4 -j 2>/dev/null | "$ITEST_PY" -c '
import json, sys
try:
    rib = json.load(sys.stdin)
except ValueError:
    print("err"); sys.exit()
paths = [p for ps in rib.values() for p in ps if p.get("neighbor-ip") == "127.0.0.1"]
print(len(paths), sum(1 for p in paths if p.get("stale")))'
}
# One line of counts per poll, every 100 ms.
poll() {
	while :; do
		counts >>"$T/counts" 2>/dev/null
		sleep 0.1
	done
}
poll_start() { : >"$T/counts"; poll & POLLER=$!; itest_track "$POLLER"; }
poll_stop() {
	kill "$POLLER" 2>/dev/null
	wait "$POLLER" 2>/dev/null
	itest_untrack "$POLLER"
	[ "$(wc -l <"$T/counts")" -ge 10 ] ||
		fail "only $(wc -l <"$T/counts") polls of GoBGP were made"
}
# seen COUNT [STALE]: some poll saw COUNT routes (STALE of them stale).
seen() { grep -q "^$1 ${2:-[0-9]*}\$" "$T/counts"; }
# log_mark FILE: lines of FILE from now on are in since FILE.
log_mark() { _m_n=$(wc -l <"$1"); echo "$_m_n" >"$T/mark.${1##*/}"; }
since() { tail -n +"$(($(cat "$T/mark.${1##*/}") + 1))" "$1"; }
# back: the session is up again and GoBGP has the 3 routes, none stale.
fresh() { [ "$(counts)" = "3 0" ]; }
back() {
	wait_state gobgp gobgp established 10 || fail "no session after $1"
	wait_for 10 fresh || fail "GoBGP's routes not back and fresh after $1: $(counts)"
}

# ---- neighbor clear: Hard Reset -----------------------------------------------

log_mark "$GLOG"
log_mark "$T/lbbgpd.log"
poll_start
sleep 0.3
ctl neighbor gobgp clear >/dev/null || fail "bgpctl neighbor clear failed"
back "neighbor clear"
poll_stop
since "$GLOG" | grep -q "hard-reset" || fail "GoBGP's log does not say hard-reset"
since "$GLOG" | grep -q "peer graceful restart" &&
	fail "GoBGP started graceful restart on a Hard Reset"
seen 0 || fail "GoBGP never dropped lbbgpd's routes: $(sort "$T/counts" | uniq -c | tr '\n' ' ')"
! grep -q '^3 [1-3]$' "$T/counts" || fail "GoBGP kept routes stale after a Hard Reset"
since "$T/lbbgpd.log" | grep -q "sending NOTIFICATION Cease/Hard Reset (6/9) for Cease/Administrative Reset (6/4)" ||
	fail "lbbgpd's log does not show the Hard Reset"
hr=$(ctl -j show neighbor gobgp | "$ITEST_PY" -c 'import json, sys
e = json.load(sys.stdin)["neighbors"][0]["last-error-sent"]
print(e["code"], e["subcode"], e["hard-reset"]["code"], e["hard-reset"]["subcode"])')
assert_eq "6 9 6 4" "$hr" "show neighbor -j: last error sent is a Hard Reset for 6/4"
pass "neighbor clear is a Hard Reset: GoBGP dropped the routes at once (RFC 8538 §3)"

# ---- a reload that resets the session: plain NOTIFICATION, graceful --------

log_mark "$GLOG"
log_mark "$T/lbbgpd.log"
poll_start
sleep 0.3
write_conf 60
out=$(ctl reload 2>&1) || fail "bgpctl reload failed: $out"
back "the reload"
poll_stop
since "$T/lbbgpd.log" | grep -q "sending NOTIFICATION Cease/Other Configuration Change (6/6).*keeps our routes as stale" ||
	fail "lbbgpd did not send a plain Cease/6"
since "$GLOG" | grep -q "peer graceful restart" ||
	fail "GoBGP's log does not say peer graceful restart"
since "$GLOG" | grep -q "hard-reset" && fail "GoBGP saw a hard reset"
bad=$(grep -v '^3 [0-3]$' "$T/counts" | sort | uniq -c | tr '\n' ' ')
[ -z "$bad" ] || fail "GoBGP's routes from lbbgpd left 3 during the reset: $bad"
seen 3 3 || fail "GoBGP never held the routes as stale: $(sort "$T/counts" | uniq -c | tr '\n' ' ')"
pass "Cease/6 is graceful: GoBGP kept the 3 routes as stale until lbbgpd was back (RFC 8538 §4)"

# ---- NOTIFICATIONs lbbgpd receives -------------------------------------------

# lbbgpd_says TEXT: lbbgpd's log has a line with TEXT since its mark.
lbbgpd_says() { since "$T/lbbgpd.log" | grep -q "$1"; }
# GoBGP 3.10 sends its shutdown as a plain Cease/2 (no Hard Reset of its
# own): with N on both sides lbbgpd keeps its route as stale (RFC 8538 §4).
log_mark "$T/lbbgpd.log"
gobgp_cli gobgp neighbor 127.0.0.1 disable >/dev/null || fail "gobgp neighbor disable failed"
wait_for 5 lbbgpd_says "keeping its 1 routes as stale.*RFC 8538" ||
	fail "lbbgpd did not keep GoBGP's route after its Cease/2"
rib_in_has || fail "show rib in lost GoBGP's route after its Cease/2"
gobgp_cli gobgp neighbor 127.0.0.1 enable >/dev/null || fail "gobgp neighbor enable failed"
back "GoBGP's enable"
wait_for 5 rib_in_has || fail "GoBGP's route is gone after its enable"
pass "GoBGP's plain Cease/2: lbbgpd kept its route as stale until it was back"

# A Hard Reset from the router: rawpeer.py (AS 64514, on 127.0.0.4) with
# graceful restart (N as given), one route, then a NOTIFICATION.
RAW=$ITEST_DIR/rawpeer.py
ROUTE="update:attrs=4001010040020602010000fc02400304c0000201,nlri=203.0.113.0/24"
raw_state() { ctl -j show neighbor raw | "$ITEST_PY" -c 'import json, sys
print(json.load(sys.stdin)["neighbors"][0]["state"])'; }
raw_active() { [ "$(raw_state)" = Active ]; }
raw_has() { ctl show rib in neighbor raw | grep -q 203.0.113.0/24; }
# raw_session FLAGS NOTIFICATION: FLAGS the 4 bits of its capability
# (4: N), NOTIFICATION its body, hex.
raw_session() {
	wait_for 5 raw_active || fail "neighbor raw is $(raw_state), not Active"
	log_mark "$T/lbbgpd.log"
	"$ITEST_PY" "$RAW" --name gr8538 --local 127.0.0.4 --remote 127.0.0.1 \
	    --as 64514 --caps mp4+as4+rr --probe none --timeout 1 \
	    --open "addopt=02084006${1}03c00010180" --send "$ROUTE" \
	    --send "msg:type=3,body=$2" >"$T/raw.out" ||
		fail "rawpeer.py failed: $(cat "$T/raw.out")"
	grep -q '"established": true' "$T/raw.out" ||
		fail "rawpeer.py: no session: $(cat "$T/raw.out")"
}
raw_session 4 0609060203627965
lbbgpd_says 'received NOTIFICATION Cease/Hard Reset (6/9) for Cease/Administrative Shutdown (6/2): "bye"' ||
	fail "lbbgpd's log does not name what the Hard Reset carries"
lbbgpd_says "Hard Reset (RFC 8538): its 1 routes removed now" ||
	fail "lbbgpd did not drop the route on a Hard Reset"
! raw_has || fail "show rib in kept the route after a Hard Reset"
got=$(ctl -j show neighbor raw | "$ITEST_PY" -c 'import json, sys
e = json.load(sys.stdin)["neighbors"][0]["last-error-received"]
print(e["error"], "|", e["hard-reset"]["error"], "|", e["text"])')
assert_eq "Cease/Hard Reset (6/9) | Cease/Administrative Shutdown (6/2) | bye" \
	"$got" "show neighbor -j: the Hard Reset and what it carried"
assert_contains "$(ctl show neighbor raw)" \
	"Last error received: Cease/Hard Reset (6/9) for Cease/Administrative Shutdown (6/2)" \
	"show neighbor: the Hard Reset and what it carried"
raw_session 4 0602
lbbgpd_says "keeping its 1 routes as stale.*RFC 8538" ||
	fail "lbbgpd did not keep the route after a plain Cease/2 with N"
raw_has || fail "show rib in lost the route after a plain Cease/2 with N"
# Without N from the router nothing changes: a NOTIFICATION drops its
# routes, the stale one too.
raw_session 0 0602
! lbbgpd_says "keeping its" || fail "lbbgpd kept routes without N"
! raw_has || fail "show rib in kept the route without N"
pass "from the router: Hard Reset drops its routes, a plain Cease keeps them with N only"

# ---- lbbgpd restart: no NOTIFICATION, routes kept throughout ----------------

log_mark "$GLOG"
poll_start
sleep 0.3
lbbgpd_stop
sleep 0.5
lbbgpd_start "$T/lbbgp.conf"
back "lbbgpd's restart"
poll_stop
since "$GLOG" | grep -q "received notification" &&
	fail "GoBGP received a NOTIFICATION when lbbgpd stopped"
bad=$(grep -v '^3 [0-3]$' "$T/counts" | sort | uniq -c | tr '\n' ' ')
[ -z "$bad" ] || fail "GoBGP's routes from lbbgpd left 3 while lbbgpd restarted: $bad"
pass "SIGTERM and start: no NOTIFICATION, GoBGP kept the 3 routes throughout"
lbbgpd_stop
