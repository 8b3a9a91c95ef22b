#!/bin/sh
# reload.sh: bgpctl reload and SIGHUP change the config without flapping
# the sessions it does not have to.  lbbgpd (AS 64513) on 127.0.13.1, BIRD
# "a" on 127.0.13.2 and BIRD "b" on 127.0.13.4 (AS 64512), GoBGP on
# 127.0.13.3 for a neighbor added by a reload.  Test 13: 127.0.13.0/24.
. "$(dirname "$0")/lib.sh"
itest_init reload
itest_need bird birdc gobgpd gobgp

# conf HOLD_B COMMUNITY POOL_RANGE [EXTRA...]: the config, with what the
# steps below change as parameters; EXTRA lines are appended as they are.
conf() {
	cat <<EOF
router-id 10.0.13.1
local-as 64513
listen on 127.0.13.1 port 179
state-file "$T/state.json"

pool web {
	addresses $3
}

neighbor a {
	address 127.0.13.2
	remote-as 64512
	connect-retry 1
}
neighbor b {
	address 127.0.13.4
	remote-as 64512
	connect-retry 1
	hold-time $1
}

advertisement adv {
	communities $2
}
EOF
	shift 3
	for line in "$@"; do printf '%s\n' "$line"; done
}

# field NAME KEY: a field of show neighbor NAME, from its JSON.
field() {
	ctl -j show neighbor "$1" | "$ITEST_PY" -c 'import json, sys
n = json.load(sys.stdin)["neighbors"][0]
print(n.get(sys.argv[1], ""))' "$2"
}

# reload CONF...: write the config, bgpctl reload; its output in $out.
reload() {
	conf "$@" >"$T/lbbgp.conf"
	out=$(ctl reload 2>&1) || fail "bgpctl reload failed: $out"
	itest_log "reload: $(printf '%s' "$out" | tr '\n' '|')"
}

conf 90 64512:100 192.0.2.0/24 >"$T/lbbgp.conf"
bird_start a 127.0.13.2 64512 127.0.13.1 64513
bird_start b 127.0.13.4 64512 127.0.13.1 64513
lbbgpd_start "$T/lbbgp.conf"
wait_state bird a Established 20 || fail "a did not come up"
wait_state bird b Established 20 || fail "b did not come up"
ctl add 192.0.2.10 owner web-svc >/dev/null || fail "add 192.0.2.10"
ctl add 192.0.2.200 owner db-svc >/dev/null || fail "add 192.0.2.200"
wait_routes bird a 2 10 || fail "a did not get 2 routes"
wait_routes bird b 2 10 || fail "b did not get 2 routes"

# ---- 1: only b's hold time changes: b starts again, a does not notice.
sleep 2
since_a=$(field a since)
reload 60 64512:100 192.0.2.0/24
assert_contains "$out" "neighbor b: session started again (hold-time changed)" \
	"reload says b starts again"
assert_contains "$out" "1 neighbors kept" "reload says a is kept"
wait_for 10 grep -q "Received: Other configuration change" "$T/b/bird.log" ||
	fail "b did not get Cease/Other Configuration Change (6/6)"
wait_state bird b Established 20 || fail "b did not come back"
wait_routes bird b 2 10 || fail "b did not get its routes back"
[ "$(field b hold-time)" = 60 ] || fail "b's session does not use hold time 60"
[ "$(field a flaps)" = 0 ] || fail "a flapped on a reload that only changed b"
[ "$(field a since)" -ge "$since_a" ] || fail "a's session restarted (since went from $since_a to $(field a since))"
[ "$(bird_state a)" = Established ] || fail "a is not Established"
! grep -q "neighbor a: Established ->" "$T/lbbgpd.log" || fail "a left Established"
pass "a hold-time change of b resets b (6/6) and not a (up $(field a since)s, 0 flaps)"

# ---- 2: a community changes: new routes at both, no session resets.
flaps_b=$(field b flaps)
reload 60 64512:200 192.0.2.0/24
assert_contains "$out" "advertisement adv: changed" "reload names the changed advertisement"
itest_comm200() { bird_routes "$1" | grep -c "comm=(64512,200)" | grep -qx 2; }
wait_for 10 itest_comm200 a || fail "a did not get the new community: $(bird_routes a)"
wait_for 10 itest_comm200 b || fail "b did not get the new community: $(bird_routes b)"
! bird_routes a | grep -q "64512,100" || fail "a still has the old community"
[ "$(field a flaps)" = 0 ] && [ "$(field b flaps)" = "$flaps_b" ] ||
	fail "a community change reset a session"
pass "a community change re-sends the routes without a session reset"

# ---- 3: a broken file changes nothing, and bgpctl says why.
printf 'neighbor c {\n\tremote-as 64512\n\thold-time 2\n}\nfrobnicate\n' >>"$T/lbbgp.conf"
rc=0
out=$(ctl reload 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "bgpctl reload of a broken file exited $rc, not 1: $out"
assert_contains "$out" "the running configuration stays in force" "reload refused"
assert_contains "$out" "lbbgp.conf:27: neighbor c: hold-time: 2 is too short" "reload error line"
assert_contains "$out" "lbbgp.conf:29: unknown statement \"frobnicate\"" "reload error line"
[ "$(bird_route_count a)" = 2 ] && bird_routes a | grep -q "64512,200" ||
	fail "a broken reload changed the routes"
[ "$(field a flaps)" = 0 ] || fail "a broken reload reset a"
pass "a broken file is refused with every FILE:LINE error, nothing changes"

# ---- 3b: listeners follow the config; one that cannot open fails the
# reload before anything changed (192.0.2.1 is on no interface here).
itest_listening() {
	"$ITEST_PY" -c 'import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)' "$1" "$2"
}
reload 60 64512:200 192.0.2.0/24 "listen on 127.0.13.1 port 1179"
itest_listening 127.0.13.1 1179 || fail "no listener on port 1179 after the reload"
conf 60 64512:200 192.0.2.0/24 "listen on 192.0.2.1 port 1179" >"$T/lbbgp.conf"
rc=0
out=$(ctl reload 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "a reload with an address lbbgpd cannot listen on exited $rc: $out"
assert_contains "$out" "cannot listen on 192.0.2.1 port 1179" "reload says why"
itest_listening 127.0.13.1 1179 || fail "the failed reload closed a listener"
reload 60 64512:200 192.0.2.0/24
! itest_listening 127.0.13.1 1179 2>/dev/null || fail "port 1179 still open after its listen line went"
[ "$(field a flaps)" = 0 ] || fail "listener changes reset a"
pass "listeners open and close with the config; one that fails changes nothing"

# ---- 3c: metrics listen comes and goes with a reload too.
itest_metrics() {
	"$ITEST_PY" -c 'import sys, urllib.request
body = urllib.request.urlopen("http://127.0.13.1:19473/metrics", timeout=2).read()
sys.exit(0 if b"metallb_bgp_session_up" in body else 1)'
}
reload 60 64512:200 192.0.2.0/24 "metrics listen 127.0.13.1:19473"
wait_for 5 itest_metrics || fail "no metrics on 127.0.13.1:19473 after the reload"
reload 60 64512:200 192.0.2.0/24
! itest_listening 127.0.13.1 19473 2>/dev/null || fail "the metrics port stays open"
pass "metrics listen is opened and closed by a reload"

# ---- 4: the pool shrinks: 192.0.2.200 is withdrawn and kept as orphaned.
reload 60 64512:200 192.0.2.0/25
assert_contains "$out" "VIP 192.0.2.200 of db-svc withdrawn, kept as orphaned" \
	"reload reports the orphan"
assert_contains "$out" "pool web: changed" "reload names the changed pool"
wait_routes bird a 1 10 || fail "a still has 192.0.2.200: $(bird_routes a)"
grep -q '"orphaned"' "$T/state.json" || fail "the state file has no orphan"
ctl -j show vips | grep -q '"192.0.2.200"' || fail "show vips does not list the orphan"
pass "a VIP outside every pool is withdrawn, reported and kept as orphaned"

# ---- 5: the pool grows back: the orphan is announced again.
reload 60 64512:200 192.0.2.0/24
assert_contains "$out" "VIP 192.0.2.200 of db-svc announced again" "reload restores"
wait_routes bird a 2 10 || fail "192.0.2.200 did not come back"
! grep -q '"orphaned"' "$T/state.json" || fail "the state file still has the orphan"
pass "an orphan comes back when a pool covers it again"

# ---- 6: an orphan its owner withdraws is forgotten.
reload 60 64512:200 192.0.2.0/25
ctl withdraw 192.0.2.200 owner db-svc >/dev/null || fail "withdrawing an orphan failed"
! grep -q '"orphaned"' "$T/state.json" || fail "the withdrawn orphan is still in the state file"
reload 60 64512:200 192.0.2.0/24
sleep 1
[ "$(bird_route_count a)" = 1 ] || fail "a withdrawn orphan came back"
pass "bgpctl withdraw forgets an orphaned VIP"

# ---- 7: neighbor b removed (6/3), GoBGP added; by SIGHUP this time.
gobgp_start g 127.0.13.3 64512 127.0.13.1 64513 50113
conf 60 64512:200 192.0.2.0/24 "neighbor g {" "	address 127.0.13.3" \
	"	remote-as 64512" "	connect-retry 1" "	next-hop 10.0.13.1" "}" |
	sed '/^neighbor b {/,/^}/d' >"$T/lbbgp.conf"
kill -HUP "$LBBGPD_PID"
wait_for 10 grep -q "Received: Peer de-configured" "$T/b/bird.log" ||
	fail "b did not get Cease/Peer De-configured (6/3)"
wait_for 20 itest_state_is gobgp g Established || fail "g did not come up"
wait_routes gobgp g 1 10 || fail "g did not get the route"
[ "$(field a flaps)" = 0 ] || fail "SIGHUP reset a"
grep -q "reload: .*applied: 1 neighbors kept, 0 reset, 1 added, 1 removed" \
	"$T/lbbgpd.log" || fail "the log does not sum the reload up"
pass "SIGHUP: a removed neighbor gets 6/3, an added one comes up, a stays"

lbbgpd_stop
