#!/bin/sh
# faults-ctl.sh: control clients that misbehave, next to a BGP session and
# other clients that must not notice.
# lbbgpd (AS 64513) on 127.0.17.31 announces 20,000 VIPs to BIRD (AS 64512)
# on 127.0.17.32, hold time 9 s.  Clients (badclient.py), one after the
# other, while faultwatch.py watches BIRD's session and times a bgpctl
# show summary every 0.5 s:
#   bigline  a 10 MiB request line: answered line-too-long, then closed;
#   utf8     five lines of invalid UTF-8 (overlong, surrogate, ...): each
#            bad-json; then, on the same connection, valid requests with
#            multi-octet UTF-8 and an escaped lone surrogate get replies
#            that are valid UTF-8 JSON too;
#   nested   100,000 levels of [ and of {"a": : bad-json each, the valid
#            request after them answered;
#   noread   2,000 show-rib requests (each reply about 2 MB) in one write,
#            never a read: lbbgpd stops reading it, stays small, and
#            closes it 10 s later ("it has read none of its replies");
#   and one pipelining client that reads: 20 show-rib requests in one
#   write, all 20 answered in full.
# Throughout: BIRD's session stays up with KEEPALIVEs on time, show summary
# answers within 1 s each time (faultlib.sh's watch_ok), lbbgpd's VmRSS
# stays under 512 MB, and BIRD still has the 20,000 routes.  About 40 s.
# Test 17 (see faultlib.sh): 127.0.17.31 and .32.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=faultlib.sh
. "$ITEST_DIR/faultlib.sh"
itest_init faults-ctl
itest_need bird birdc "$ITEST_PY"

NVIPS=20000
MAXRSS=524288
BAD=$ITEST_DIR/badclient.py
asan_no_quarantine

cat >"$T/lbbgp.conf" <<EOF
router-id 10.0.17.31
local-as 64513
listen on 127.0.17.31 port 179
pool ctl-pool {
	addresses 10.17.0.0/17
}
advertisement all {
	communities 64512:31
}
neighbor bird {
	address 127.0.17.32
	remote-as 64512
	connect-retry 1
	hold-time 9
}
EOF

bird_start bird 127.0.17.32 64512 127.0.17.31 64513
lbbgpd_start "$T/lbbgp.conf"
wait_state bird bird Established 20 || fail "BIRD session not Established"
add_vips faults/ctl 10.17.0.0 $NVIPS
wait_routes bird bird $NVIPS 30 || fail "BIRD did not get the $NVIPS VIPs"
pass "BIRD Established with $NVIPS VIPs"
rss0=$(rss_kb "$LBBGPD_PID")

# bad MODE [ARGS]: run one bad client; R is its JSON line.
bad() {
	_b_mode=$1
	shift
	R=$("$ITEST_PY" "$BAD" "$T/lbbgpd.sock" "$_b_mode" "$@") || fail "badclient.py $_b_mode failed"
	itest_log "$_b_mode: $(printf '%s' "$R" | head -c 400)"
}
rj() { printf '%s\n' "$R" | jq_py "$1"; }
alive() { itest_alive "$LBBGPD_PID" || fail "lbbgpd died ($1)"; }

watch_start ctl bird
sleep 1

# ---- a 10 MiB line ------------------------------------------------------------
bad bigline
alive "10 MiB line"
assert_eq '["code:line-too-long"]' "$(rj 'r["replies"]')" "a 10 MiB line gets one reply: line-too-long"
assert_eq true "$(rj 'r["eof"]')" "lbbgpd closes the connection after line-too-long"
[ "$(rj 'r["sent"]')" -lt 10485760 ] || fail "lbbgpd read all of the 10 MiB line ($(rj 'r["sent"]') bytes sent)"
pass "10 MiB line: line-too-long, closed after $(rj 'r["sent"]') bytes"

# ---- invalid UTF-8 ------------------------------------------------------------
bad utf8
alive "invalid UTF-8"
assert_eq '["code:bad-json", "code:bad-json", "code:bad-json", "code:bad-json", "code:bad-json", "code:unknown-pool", "code:unknown-command", "ok"]' \
	"$(rj 'r["replies"]')" "invalid UTF-8: bad-json for each line; valid UTF-8 and an escaped surrogate get valid replies; the connection is kept"
pass "invalid UTF-8: 5 x bad-json, connection kept, valid requests after them answered"

# ---- deeply nested JSON ---------------------------------------------------------
bad nested
alive "nested JSON"
assert_eq '["code:bad-json", "code:bad-json", "ok"]' "$(rj 'r["replies"]')" \
	"100,000 levels of nesting: bad-json, the next request answered"
pass "100,000 levels of [ and {: bad-json, next request answered, in $(rj 'r["seconds"]') s"

# ---- a client that never reads ----------------------------------------------------
bad noread --count 2000 --timeout 30
alive "a client that never reads"
[ "$(rj 'r["closed_after"]')" != null ] || fail "lbbgpd did not close a client that reads nothing within 30 s"
[ "$(rj 'int(r["closed_after"] >= 9)')" = 1 ] || fail "lbbgpd closed the non-reading client after $(rj 'r["closed_after"]') s, before 10 s"
grep -q "control: closing client pid [0-9]*: it has read none of its replies for 10 s" "$T/lbbgpd.log" ||
	fail "lbbgpd did not log why it closed the client"
pass "2,000 show-rib requests never read: closed after $(rj 'r["closed_after"]') s"

# ---- a pipelining client that reads is served in full -----------------------------
i=0
while [ $i -lt 20 ]; do echo '{"cmd":"show-rib","dir":"out"}'; i=$((i + 1)); done >"$T/rib20.req"
"$ITEST_PY" "$ITEST_DIR/ctljson.py" "$T/lbbgpd.sock" 60 <"$T/rib20.req" >"$T/rib20.out" ||
	fail "20 pipelined show-rib: $(head -c 300 "$T/rib20.out")"
assert_eq "20 x $NVIPS" "$("$ITEST_PY" -c 'import json, sys
n = [len(json.loads(l)["rib"][0]["routes"]) for l in open(sys.argv[1])]
print("%d x %s" % (len(n), "/".join(sorted(set(map(str, n))))))' "$T/rib20.out")" \
	"20 pipelined show-rib requests, each answered with all $NVIPS routes"
pass "20 pipelined show-rib requests answered in full ($(wc -c <"$T/rib20.out" | tr -d ' ') bytes)"

sleep 1
watch_stop ctl
watch_ok "misbehaving control clients" 4 bird
[ "$(wj 'r["max_rss_kb"]')" -le $MAXRSS ] ||
	fail "lbbgpd's VmRSS went up to $(wj 'r["max_rss_kb"]') kB (from $rss0 kB; limit $MAXRSS kB)"
assert_eq $NVIPS "$(bird_route_count bird)" "BIRD still has the $NVIPS routes"
assert_eq 0 "$(ctl -j show neighbor bird | jq_py 'r["neighbors"][0]["flaps"]')" "lbbgpd counts no flap for BIRD"
pass "BIRD unharmed (longest silence $(wj 'r["max_send_gap"]') s), show summary within $(wj 'r["summary_max_ms"]') ms each of $(wj 'r["summary_n"]') times, VmRSS $rss0 -> max $(wj 'r["max_rss_kb"]') kB"
lbbgpd_stop
