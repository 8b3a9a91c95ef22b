#!/bin/sh
# metrics.sh: `bgpctl show metrics` and `metrics listen` against BIRD.
# lbbgpd (AS 64513) on 127.0.14.1 with two neighbors: BIRD (AS 64512) on
# 127.0.14.2, which comes up, and "ghost" on 127.0.14.4, where nothing
# listens.  VIPs are added, allocated and withdrawn, and some control
# requests fail on purpose; every text is checked by openmetrics.py (a
# strict OpenMetrics parser, itself checked first against bad texts),
# then the numbers: session up 1 and 0, announced prefixes equal to the
# routes BIRD holds, pool usage, UPDATEs counted as they grow, a Cease
# NOTIFICATION and a flap after `neighbor bird clear`, control requests
# by command and result, state-file commits and records.  Over HTTP
# (metrics listen 127.0.14.1:9473): the same text as bgpctl, content
# negotiation as Prometheus does it, HEAD, 404, 405, 400, 431 and 505,
# 503 beyond 16 clients while the control socket still answers at once,
# 408 for clients that send nothing for 10 s; a second lbbgpd whose
# metrics address is taken does not start.  Test 14: 127.0.14.0/24.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
itest_init metrics
itest_need bird birdc "$ITEST_PY" timeout

OM="$ITEST_DIR/openmetrics.py"
MPORT=9473
URL="http://127.0.14.1:$MPORT/metrics"

"$ITEST_PY" "$OM" selftest || fail "openmetrics.py accepts bad text or refuses good text"
pass "openmetrics.py refuses every bad text of its table"

cat >"$T/lbbgp.conf" <<EOF
router-id 10.0.14.1
local-as 64513
listen on 127.0.14.1 port 179
state-file "$T/state/lbbgp.state"
metrics listen 127.0.14.1:$MPORT

pool general-pool {
	addresses 192.168.14.240-192.168.14.249
}
pool other-pool {
	addresses 10.14.0.0/24
	avoid-buggy-ips yes
	auto-assign no
}

neighbor bird {
	address 127.0.14.2
	remote-as 64512
	connect-retry 1
}
neighbor ghost {
	address 127.0.14.4
	remote-as 64512
	connect-retry 1
}

advertisement adv {
}

vip 192.168.14.240 pool general-pool owner static/one
EOF

itest_port_free 127.0.14.1 "$MPORT"
bird_start bird 127.0.14.2 64512 127.0.14.1 64513
lbbgpd_start "$T/lbbgp.conf"
wait_state bird bird Established 20 || fail "BIRD did not establish"

# metrics FILE [ARGS]: bgpctl show metrics into FILE, checked.
metrics() {
	_m_f=$1; shift
	ctl show metrics "$@" >"$_m_f" || fail "bgpctl show metrics $* failed"
	"$ITEST_PY" "$OM" check "$_m_f" ${1:+--$1} >/dev/null ||
		fail "bgpctl show metrics $*: not valid (above); text in $_m_f"
}
# val FILE SERIES: a sample's value (none when absent).
val() { "$ITEST_PY" "$OM" get "$1" "$2" 2>/dev/null; }
# expect FILE SERIES VALUE
expect() { assert_eq "$3" "$(val "$1" "$2")" "$2"; }

BIRD_PEER='peer="127.0.14.2:179"'
GHOST_PEER='peer="127.0.14.4:179"'
BIRD_L='neighbor="bird",peer="127.0.14.2:179"'

# ---- VIPs and control requests, some refused --------------------------------

ctl add 192.168.14.241 192.168.14.242 pool general-pool owner t/a >/dev/null ||
	fail "add failed"
ctl add 10.14.0.10 owner t/b >/dev/null || fail "add 10.14.0.10 failed"
got=$(ctl allocate pool general-pool owner t/c) || fail "allocate failed"
assert_eq 192.168.14.243 "$got" "allocate takes the lowest free address"
ctl withdraw 192.168.14.242 owner t/a >/dev/null || fail "withdraw failed"
ctl add 203.0.113.9 owner t/x >/dev/null 2>&1 && fail "a VIP in no pool was accepted"
ctl neighbor nosuch up >/dev/null 2>&1 && fail "an unknown neighbor was accepted"
printf '{"cmd":\n' | "$ITEST_PY" "$ITEST_DIR/ctljson.py" "$T/lbbgpd.sock" 10 |
	grep -q '"code":"bad-json"' || fail "bad JSON was not refused"
# .240 (static), .241, .243 and 10.14.0.10
wait_routes bird bird 4 10 || fail "BIRD does not have the 4 VIPs"

metrics "$T/m1"
expect "$T/m1" "metallb_bgp_session_up{$BIRD_PEER}" 1
expect "$T/m1" "metallb_bgp_session_up{$GHOST_PEER}" 0
expect "$T/m1" "metallb_bgp_announced_prefixes_total{$BIRD_PEER}" \
	"$(bird_route_count bird)"
expect "$T/m1" "metallb_bgp_announced_prefixes_total{$GHOST_PEER}" 0
expect "$T/m1" 'metallb_allocator_addresses_in_use_total{pool="general-pool"}' 3
expect "$T/m1" 'metallb_allocator_addresses_in_use_total{pool="other-pool"}' 1
expect "$T/m1" 'metallb_allocator_addresses_total{pool="general-pool"}' 10
expect "$T/m1" 'metallb_allocator_addresses_total{pool="other-pool"}' 254
expect "$T/m1" "metallb_bgp_updates_total{$GHOST_PEER}" 0
u1=$(val "$T/m1" "metallb_bgp_updates_total{$BIRD_PEER}")
[ "$u1" -ge 1 ] || fail "no UPDATE counted for BIRD ($u1)"
expect "$T/m1" "lbbgp_bgp_session_state{$BIRD_L,lbbgp_bgp_session_state=\"Established\"}" 1
expect "$T/m1" "lbbgp_bgp_session_state{neighbor=\"ghost\",$GHOST_PEER,lbbgp_bgp_session_state=\"Established\"}" 0
expect "$T/m1" "lbbgp_bgp_messages_sent_total{$BIRD_L,type=\"update\"}" "$u1"
o1=$(val "$T/m1" "lbbgp_bgp_messages_received_total{$BIRD_L,type=\"open\"}")
[ "$o1" -ge 1 ] || fail "no OPEN received counted ($o1)"
expect "$T/m1" lbbgp_vips 4
expect "$T/m1" lbbgp_vips_orphaned 0
expect "$T/m1" 'lbbgp_control_requests_total{command="add",result="ok"}' 2
expect "$T/m1" 'lbbgp_control_requests_total{command="allocate",result="ok"}' 1
expect "$T/m1" 'lbbgp_control_requests_total{command="withdraw",result="ok"}' 1
expect "$T/m1" 'lbbgp_control_requests_total{command="add",result="not-in-pool"}' 1
expect "$T/m1" 'lbbgp_control_requests_total{command="neighbor",result="unknown-neighbor"}' 1
expect "$T/m1" 'lbbgp_control_requests_total{command="invalid",result="bad-json"}' 1
# One commit per change acknowledged, one record per VIP changed.
expect "$T/m1" 'lbbgp_state_file_commits_total{result="ok"}' 4
expect "$T/m1" 'lbbgp_state_file_commits_total{result="error"}' 0
expect "$T/m1" lbbgp_state_file_records_total 5
expect "$T/m1" 'lbbgp_state_file_snapshots_total{result="ok"}' 1
start=$(val "$T/m1" lbbgp_start_time_seconds)
now=$(date +%s)
[ "$start" -le "$now" ] && [ "$start" -gt $((now - 120)) ] ||
	fail "lbbgp_start_time_seconds $start is not a recent time (now $now)"
pass "show metrics: valid OpenMetrics; sessions, prefixes, pools, requests, state file"

# ---- counters move -------------------------------------------------------------

ctl add 192.168.14.245 owner t/d >/dev/null || fail "add .245 failed"
wait_routes bird bird 5 10 || fail "BIRD does not have the 5th VIP"
metrics "$T/m2"
u2=$(val "$T/m2" "metallb_bgp_updates_total{$BIRD_PEER}")
[ "$u2" -gt "$u1" ] || fail "metallb_bgp_updates_total did not grow: $u1 -> $u2"
expect "$T/m2" "metallb_bgp_announced_prefixes_total{$BIRD_PEER}" 5
expect "$T/m2" 'lbbgp_control_requests_total{command="show-metrics",result="ok"}' 1
pass "an added VIP: updates $u1 -> $u2, announced prefixes 5"

ctl neighbor bird clear reason metrics test >/dev/null || fail "neighbor clear failed"
wait_for 10 grep -q "Received: Administrative reset" "$T/bird/bird.log" ||
	fail "BIRD did not get Cease/Administrative Reset"
wait_state bird bird Established 20 || fail "BIRD did not come back"
wait_routes bird bird 5 10 || fail "BIRD does not have the 5 VIPs again"
metrics "$T/m3"
expect "$T/m3" "lbbgp_bgp_notifications_sent_total{$BIRD_L,code=\"6\",subcode=\"4\"}" 1
expect "$T/m3" "lbbgp_bgp_session_flaps_total{$BIRD_L}" 1
o3=$(val "$T/m3" "lbbgp_bgp_messages_received_total{$BIRD_L,type=\"open\"}")
[ "$o3" -gt "$o1" ] || fail "the new session's OPEN was not counted: $o1 -> $o3"
expect "$T/m3" "metallb_bgp_session_up{$BIRD_PEER}" 1
expect "$T/m3" "metallb_bgp_announced_prefixes_total{$BIRD_PEER}" 5
expect "$T/m3" 'lbbgp_control_requests_total{command="neighbor",result="ok"}' 1
u3=$(val "$T/m3" "metallb_bgp_updates_total{$BIRD_PEER}")
[ "$u3" -gt "$u2" ] || fail "updates did not grow with the new session: $u2 -> $u3"
pass "neighbor clear: NOTIFICATION 6/4 counted, one flap, session and prefixes back"

# ---- formats: -j and prometheus --------------------------------------------------

ctl -j show metrics >"$T/m.json" || fail "bgpctl -j show metrics failed"
"$ITEST_PY" - "$T/m.json" "$T/m-from-json" <<'EOF' || fail "-j show metrics is not {ok, text}"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["ok"] is True and set(r) == {"ok", "text"}, r.keys()
open(sys.argv[2], "w").write(r["text"])
EOF
"$ITEST_PY" "$OM" check "$T/m-from-json" >/dev/null || fail "the text of -j is not valid"
metrics "$T/m-prom" prometheus
assert_contains "$(cat "$T/m-prom")" "# TYPE metallb_bgp_updates_total counter" \
	"0.0.4 names a counter after its samples"
case $(cat "$T/m-prom") in *"# EOF"*) fail "0.0.4 text ends with # EOF" ;; esac
grep -qx "metallb_bgp_session_up{$BIRD_PEER} 1" "$T/m-prom" ||
	fail "0.0.4 text lacks session_up 1"
pass "bgpctl -j show metrics gives {ok, text}; show metrics prometheus is 0.0.4"

# ---- HTTP -------------------------------------------------------------------------

cat >"$T/httpcheck.py" <<'EOF'
import http.client, socket, sys, time
HOST, PORT, T = sys.argv[1], int(sys.argv[2]), sys.argv[3]
PROM2 = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
         "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
fails = []

def check(what, cond):
    if not cond:
        fails.append(what)

def req(method, path, headers=None):
    c = http.client.HTTPConnection(HOST, PORT, timeout=5)
    c.request(method, path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheader("Content-Type"), r, body

def raw(data, wait=5):
    s = socket.create_connection((HOST, PORT), timeout=wait)
    s.sendall(data)
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    finally:
        s.close()
    return out

st, ct, r, body = req("GET", "/metrics", {"Accept": PROM2})
check("GET as Prometheus: 200 (%s)" % st, st == 200)
check("GET as Prometheus: %s" % ct,
      ct == "application/openmetrics-text; version=1.0.0; charset=utf-8")
check("Content-Length", int(r.getheader("Content-Length")) == len(body))
open(T + "/http-om", "wb").write(body)
st, ct, r, body = req("GET", "/metrics")
check("GET without Accept: 200", st == 200)
check("GET without Accept: %s" % ct, ct == "text/plain; version=0.0.4; charset=utf-8")
open(T + "/http-prom", "wb").write(body)
st, ct, r, body = req("HEAD", "/metrics", {"Accept": PROM2})
check("HEAD: 200, no body, a length", st == 200 and body == b"" and
      int(r.getheader("Content-Length")) > 1000)
st, ct, r, body = req("GET", "/metrics?name[]=x")
check("GET with a query: 200", st == 200)
st, ct, r, body = req("GET", "/")
check("GET /: 404 (%s)" % st, st == 404)
st, ct, r, body = req("POST", "/metrics")
check("POST: 405 and Allow (%s %s)" % (st, r.getheader("Allow")),
      st == 405 and r.getheader("Allow") == "GET, HEAD")
out = raw(b"GET /metrics HTTP/1.0\r\n\r\n")
head, _, body = out.partition(b"\r\n\r\n")
length = [int(l.split(b":")[1]) for l in head.split(b"\r\n")
          if l.lower().startswith(b"content-length:")]
check("HTTP/1.0: 200, the whole body, then closed (%r)" % head[:40],
      head.startswith(b"HTTP/1.1 200 OK\r\n") and length == [len(body)]
      and b"metallb_bgp_session_up" in body)
out = raw(b"GET /metrics HTTP/2.0\r\n\r\n")
check("HTTP/2.0: 505 (%r)" % out[:40], out.startswith(b"HTTP/1.1 505 "))
out = raw(b"hello there\r\n\r\n")
check("garbage: 400 (%r)" % out[:40], out.startswith(b"HTTP/1.1 400 "))
out = raw(b"GET /metrics HTTP/1.1\r\nX-Long: " + b"a" * 9000)
check("9000-byte head: 431 (%r)" % out[:40], out.startswith(b"HTTP/1.1 431 "))
for f in fails:
    print("FAIL: " + f)
sys.exit(1 if fails else 0)
EOF
"$ITEST_PY" "$T/httpcheck.py" 127.0.14.1 "$MPORT" "$T" || fail "HTTP requests (above)"
"$ITEST_PY" "$OM" check "$T/http-om" >/dev/null || fail "the HTTP text is not valid OpenMetrics"
"$ITEST_PY" "$OM" check "$T/http-prom" --prometheus >/dev/null ||
	fail "the text/plain answer is not valid 0.0.4 text"
metrics "$T/m4"
# The same text, but for what moves by itself or counts this very request.
"$ITEST_PY" "$OM" same "$T/m4" "$T/http-om" --ignore lbbgp_control_requests \
	--ignore lbbgp_metrics_http_responses --ignore lbbgp_bgp_messages_sent \
	--ignore lbbgp_bgp_messages_received --ignore lbbgp_loop_stall_seconds_max \
	--ignore lbbgp_loop_iteration_seconds >/dev/null ||
	fail "HTTP and bgpctl show different metrics (above)"
expect "$T/m4" 'lbbgp_metrics_http_responses_total{code="200"}' 5
expect "$T/m4" 'lbbgp_metrics_http_responses_total{code="404"}' 1
expect "$T/m4" 'lbbgp_metrics_http_responses_total{code="405"}' 1
expect "$T/m4" 'lbbgp_metrics_http_responses_total{code="505"}' 1
expect "$T/m4" 'lbbgp_metrics_http_responses_total{code="400"}' 1
expect "$T/m4" 'lbbgp_metrics_http_responses_total{code="431"}' 1
pass "metrics listen: same text as bgpctl; negotiation, HEAD, 404, 405, 400, 431, 505"

# ---- HTTP clients that hold on -----------------------------------------------------

sleep 0.5	# the clients above are closed by now
cat >"$T/slow.py" <<'EOF'
import socket, subprocess, sys, time
HOST, PORT, CTL = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
idle = [socket.create_connection((HOST, PORT), timeout=20) for _ in range(16)]
t0 = time.monotonic()
time.sleep(0.3)
extra = socket.create_connection((HOST, PORT), timeout=5)
got = extra.recv(4096)
if not got.startswith(b"HTTP/1.1 503 "):
    sys.exit("FAIL: the 17th client got %r, not 503" % got[:40])
t = time.monotonic()
subprocess.run(CTL, check=True, stdout=subprocess.DEVNULL)
if time.monotonic() - t > 1:
    sys.exit("FAIL: the control socket took %.1f s with 16 HTTP clients" % (time.monotonic() - t))
for s in idle:
    got = s.recv(4096)
    if not got.startswith(b"HTTP/1.1 408 "):
        sys.exit("FAIL: an idle client got %r, not 408" % got[:40])
waited = time.monotonic() - t0
if not 9 <= waited <= 14:
    sys.exit("FAIL: 408 after %.1f s, not about 10" % waited)
print("# 408 after %.1f s" % waited)
EOF
"$ITEST_PY" "$T/slow.py" 127.0.14.1 "$MPORT" \
	"${BGPCTL:-$top_builddir/bgpctl/bgpctl}" -s "$T/lbbgpd.sock" show summary ||
	fail "HTTP limits (above)"
wait_for 5 "$ITEST_PY" -c 'import urllib.request, sys
urllib.request.urlopen(sys.argv[1], timeout=2).read()' "$URL" ||
	fail "metrics listen does not answer after the idle clients"
metrics "$T/m5"
expect "$T/m5" 'lbbgp_metrics_http_responses_total{code="503"}' 1
expect "$T/m5" 'lbbgp_metrics_http_responses_total{code="408"}' 16
expect "$T/m5" "metallb_bgp_session_up{$BIRD_PEER}" 1
pass "17th HTTP client: 503; control socket unaffected; idle clients: 408 after 10 s"

# ---- a taken metrics address ------------------------------------------------------

sed -e 's/^listen on 127.0.14.1 port 179/listen on 127.0.14.5 port 179/' \
	-e "s|^state-file .*||" "$T/lbbgp.conf" >"$T/second.conf"
rc=0
timeout 10 "${LBBGPD:-$top_builddir/bgpd/lbbgpd}" -d -f "$T/second.conf" \
	-s "$T/second.sock" >"$T/second.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "a second lbbgpd with a taken metrics address exited $rc, not 1"
assert_contains "$(cat "$T/second.log")" \
	"metrics listen 127.0.14.1:$MPORT: Address already in use" \
	"the second lbbgpd says why it does not start"
pass "metrics listen on a taken address: lbbgpd does not start, and says why"

lbbgpd_stop
