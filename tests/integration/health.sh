#!/bin/sh
# health.sh: health checks, on-down, drain, disable-file and shutdown-drain
# against BIRD.  lbbgpd (AS 64513) on 127.0.19.1, BIRD (AS 64512, graceful
# restart on) on 127.0.19.2; backends on loopback: an HTTP server (Python)
# on 127.0.19.10 that answers 503 while $T/web.fail exists, a TCP listener
# on 127.0.19.11.  Checks: a VIP goes from BIRD within interval x fall + 1 s
# of its backend failing and comes back after rise; a TCP check follows a
# listener; on-down med 1000 keeps the route at BIRD with MED 1000 and
# community 64512:666; drain shows 65535:0 and then the withdraw after
# drain-time, undrain brings it back; the disable-file drains; an exec
# check that sleeps past its timeout is killed with its children; add with
# an unknown check is no-such-check; show-checks says why; kill -9 and a
# restart with graceful restart keep a healthy VIP at BIRD throughout and
# never announce an unhealthy one; SIGTERM with shutdown-drain drains every
# route, then withdraws them and exits.  Test 19: 127.0.19.0/24.
. "$(dirname "$0")/lib.sh"
itest_init health
itest_need bird birdc

WEB=127.0.19.10
TCPB=127.0.19.11

# ---- backends ------------------------------------------------------------

cat >"$T/web.py" <<'EOF'
import http.server, os, sys, time
fail = sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 503 if os.path.exists(fail) else 200
        if self.path == "/slow":
            time.sleep(3)
            code = 200
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), H).serve_forever()
EOF
cat >"$T/tcp.py" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(64)
while True:
    c, _ = s.accept()
    c.close()
EOF

web_start() {
	"$ITEST_PY" "$T/web.py" $WEB 8404 "$T/web.fail" >>"$T/web.log" 2>&1 &
	WEB_PID=$!
	itest_track "$WEB_PID"
}
tcp_start() {
	"$ITEST_PY" "$T/tcp.py" $TCPB 8443 >>"$T/tcp.log" 2>&1 &
	TCP_PID=$!
	itest_track "$TCP_PID"
}
tcp_stop() {
	itest_kill "$TCP_PID"
	itest_untrack "$TCP_PID"
}
web_start
tcp_start
# Listening before lbbgpd starts: each check's first result is a pass.
port_open() { "$ITEST_PY" -c 'import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), 1).close()' "$1" "$2"; }
wait_for 10 port_open $WEB 8404 || fail "the HTTP backend does not listen"
wait_for 10 port_open $TCPB 8443 || fail "the TCP backend does not listen"

cat >"$T/slow.sh" <<EOF
#!/bin/sh
sleep 30 &
echo \$! >"$T/slow.child"
echo \$\$ >"$T/slow.pid"
sleep 30
EOF
chmod +x "$T/slow.sh"

cat >"$T/lbbgp.conf" <<EOF
router-id 10.0.19.1
local-as 64513
listen on 127.0.19.1 port 179
state-file "$T/state/lbbgp.state"
drain-time 2
shutdown-drain 2

check web {
	http "http://$WEB:8404/healthz"
	interval 0.5
	timeout 0.4
	rise 2
	fall 2
}
check backend {
	tcp $TCPB port 8443
	interval 0.5
	timeout 0.4
	rise 1
	fall 1
}
check standby {
	http "http://$WEB:8404/standby"
	interval 0.5
	timeout 0.4
	rise 1
	fall 1
	on-down med 1000 community 64512:666
}
check maint {
	tcp $TCPB port 8443
	interval 0.5
	timeout 0.4
	disable-file "$T/maintenance"
}
check slow {
	exec "$T/slow.sh"
	interval 2
	timeout 0.5
}

check slowok {
	http "http://$WEB:8404/slow"
	interval 5
	timeout 4
}

pool slow-pool {
	addresses 192.168.18.80/28
	check slowok
}
pool web-pool {
	addresses 192.168.18.0/28
	check web
}
pool tcp-pool {
	addresses 192.168.18.16/28
	check backend
}
pool standby-pool {
	addresses 192.168.18.32/28
	check standby
}
pool maint-pool {
	addresses 192.168.18.48/28
	check maint
}
pool plain-pool {
	addresses 192.168.18.64/28
}

neighbor bird {
	address 127.0.19.2
	remote-as 64512
	connect-retry 1
	graceful-restart yes restart-time 60
}

advertisement all {
}

vip 192.168.18.1 pool web-pool
vip 192.168.18.17 pool tcp-pool
vip 192.168.18.33 pool standby-pool
vip 192.168.18.49 pool maint-pool
vip 192.168.18.65 pool plain-pool
vip 192.168.18.66 pool plain-pool check slow
vip 192.168.18.81 pool slow-pool
EOF
mkdir -p "$T/state"

bird_start bird 127.0.19.2 64512 127.0.19.1 64513 \
    'graceful restart on; graceful restart time 60;'
lbbgpd_start "$T/lbbgp.conf"
wait_state bird bird Established 20 || fail "BIRD session not Established"

J() { printf '%s\n' "$1" | "$ITEST_PY" "$ITEST_DIR/ctljson.py" "$T/lbbgpd.sock" 10; }
has_route() { bird_routes bird | grep -q "^$1 "; }
no_route() { ! has_route "$1"; }
route_of() { bird_routes bird | grep "^$1 " || :; }

wait_for 10 has_route 192.168.18.1/32 || fail "healthy web VIP not announced"
wait_for 10 has_route 192.168.18.17/32 || fail "healthy tcp VIP not announced"
wait_for 10 has_route 192.168.18.49/32 || fail "maint VIP not announced"
wait_for 10 has_route 192.168.18.81/32 || fail "slow but healthy VIP not announced"
has_route 192.168.18.65/32 || fail "unchecked VIP not announced"
# The standby URL answers 200 too (the server does not look at the path).
wait_for 10 has_route 192.168.18.33/32 || fail "standby VIP not announced"
# The slow exec check times out: its VIP is never announced.
no_route 192.168.18.66/32 || fail "VIP of a timed-out exec check announced"
pass "healthy VIPs announced, the timed-out check's VIP is not"

# ---- HTTP: fail, withdraw within interval x fall + 1 s; rise -------------
touch "$T/web.fail"
t0=$(itest_now)
wait_for 3 no_route 192.168.18.1/32 || fail "VIP still at BIRD 3 s after its backend failed"
t1=$(itest_now)
itest_log "withdrawn $((t1 - t0))0 ms after the backend failed (bound 2000 ms)"
[ $((t1 - t0)) -le 200 ] || fail "withdraw took $((t1 - t0))0 ms, more than interval x fall + 1 s"
# The standby check fails the same way but keeps its route, made worse.
wait_for 5 eval '[ -n "$(route_of 192.168.18.33/32 | grep "med=1000")" ]' ||
	fail "on-down med 1000 not at BIRD: $(route_of 192.168.18.33/32)"
assert_contains "$(route_of 192.168.18.33/32)" "(64512,666)" "(64512,666)"
pass "http 503: VIP withdrawn in time; on-down med 1000 and 64512:666 keep the standby route"
rm -f "$T/web.fail"
wait_for 4 has_route 192.168.18.1/32 || fail "VIP not back after its backend recovered"
wait_for 4 eval '[ -z "$(route_of 192.168.18.33/32 | grep "med=")" ]' ||
	fail "standby route still marked after recovery"
pass "backend back: VIP announced again after rise, standby unmarked"

# ---- TCP ------------------------------------------------------------------
tcp_stop
wait_for 3 no_route 192.168.18.17/32 || fail "tcp VIP not withdrawn when the listener went"
tcp_start
wait_for 4 has_route 192.168.18.17/32 || fail "tcp VIP not back with the listener"
pass "tcp check follows the listener"

# ---- show-checks and the log's reasons ------------------------------------
out=$(J '{"cmd":"show-checks"}')
assert_contains "$out" '"name":"slow"' "name:slow"
assert_contains "$out" 'timeout after 0.5 s' "timeout after 0.5 s"
assert_contains "$out" '"name":"web","kind":"http"' "name:web,kind:http"
grep -q 'check web: up -> down (http 503)' "$T/lbbgpd.log" ||
	fail "no transition log line with the reason"
out=$(ctl show checks) || fail "bgpctl show checks failed"
assert_contains "$out" "timeout after 0.5 s" "bgpctl show checks shows the slow check's reason"
echo "$out" | grep -q '^web  *http  *up ' || fail "bgpctl show checks: web not up: $out"
out=$(ctl show metrics) || fail "bgpctl show metrics failed"
assert_contains "$out" 'lbbgp_check_up{check="web"} 1' "lbbgp_check_up of web"
assert_contains "$out" 'lbbgp_check_up{check="slow"} 0' "lbbgp_check_up of slow"
assert_contains "$out" 'lbbgp_check_transitions_total{check="web"} 3' "web's transitions"
pass "show-checks, bgpctl show checks, the metrics and the log say why"

# ---- exec: killed with its children at the timeout -----------------------
wait_for 5 test -s "$T/slow.child" || fail "exec check never ran"
child=$(cat "$T/slow.child")
wait_for 3 eval "! kill -0 $child 2>/dev/null" ||
	fail "the exec check's child $child survived the timeout"
pass "exec check past its timeout: its process group is killed"

# ---- drain ----------------------------------------------------------------
out=$(ctl drain 192.168.18.65) || fail "bgpctl drain failed"
assert_contains "$out" "drained 1 VIP" "bgpctl drain's count"
wait_for 3 eval '[ -n "$(route_of 192.168.18.65/32 | grep "(65535,0)")" ]' ||
	fail "drained route without GRACEFUL_SHUTDOWN: $(route_of 192.168.18.65/32)"
wait_for 4 no_route 192.168.18.65/32 || fail "drained route not withdrawn after drain-time"
out=$(J '{"cmd":"show-vips","vip":"192.168.18.65"}')
assert_contains "$out" '"drain":"drained"' "drain:drained"
ctl undrain 192.168.18.65 >/dev/null || fail "bgpctl undrain failed"
wait_for 3 has_route 192.168.18.65/32 || fail "undrained VIP not back"
[ -z "$(route_of 192.168.18.65/32 | grep '(65535,0)')" ] || fail "undrained VIP still marked"
pass "drain: 65535:0, withdrawn after drain-time; undrain announces again"

# ---- disable-file ---------------------------------------------------------
touch "$T/maintenance"
wait_for 3 eval '[ -n "$(route_of 192.168.18.49/32 | grep "(65535,0)")" ]' ||
	fail "disable-file did not drain"
wait_for 4 no_route 192.168.18.49/32 || fail "disabled check's VIP not withdrawn"
rm -f "$T/maintenance"
wait_for 3 has_route 192.168.18.49/32 || fail "VIP not back after the disable-file went"
pass "disable-file drains, then withdraws; removing it announces again"

# ---- bad input --------------------------------------------------------------
out=$(J '{"cmd":"add","vip":"192.168.18.67","owner":"x","check":"nope"}')
assert_contains "$out" '"code":"no-such-check"' "code:no-such-check"
out=$(J '{"cmd":"add","vip":"192.168.18.2","owner":"svc","check":"web"}')
assert_contains "$out" '"ok":true' "ok:true"
wait_for 3 has_route 192.168.18.2/32 || fail "run-time VIP on a healthy check not announced"
grep -q '"check":"web"' "$T/state/lbbgp.state"* || fail "owner's check not in the state file"
pass "add: unknown check refused, a check binding kept in the state file"

# ---- reload: a check added, one changed; sessions and other VIPs untouched -
cp "$T/lbbgp.conf" "$T/lbbgp.conf.orig"
sed -i 's/^\tinterval 0.5$/\tinterval 0.4/' "$T/lbbgp.conf"
cat >>"$T/lbbgp.conf" <<EOF
check extra {
	tcp $TCPB port 8443
	interval 0.5
}
pool extra-pool {
	addresses 192.168.18.96/28
	check extra
}
vip 192.168.18.97 pool extra-pool
EOF
# The session's flaps as lbbgpd counts them (BIRD's "since" column is
# converted from its monotonic clock at each show: it moves by a
# millisecond now and then without a reset).
flaps() { ctl -j show neighbor bird | grep -o '"flaps": *[0-9]*' | grep -o '[0-9]*$'; }
before=$(flaps)
out=$(ctl -j reload) || fail "reload failed: $out"
assert_contains "$out" '"kept"' "reload keeps the session"
wait_for 3 has_route 192.168.18.97/32 || fail "VIP of a check added by reload not announced"
has_route 192.168.18.1/32 || fail "a VIP of a changed check left BIRD at the reload"
after=$(flaps)
[ "$before" = "$after" ] || fail "the BGP session was reset by the reload (flaps $before, then $after)"
[ "$(bird_state bird)" = Established ] || fail "BIRD's session is not Established after the reload"
out=$(J '{"cmd":"show-checks"}')
assert_contains "$out" '"interval":0.4' "the changed interval"
assert_contains "$out" '"name":"extra"' "the added check"
pass "reload adds and changes checks without touching the session"

# ---- kill -9, restart: graceful restart keeps healthy, hides unhealthy ----
touch "$T/web.fail"
wait_for 3 no_route 192.168.18.1/32 || fail "web VIP not withdrawn"
wait_for 3 no_route 192.168.18.2/32 || fail "run-time web VIP not withdrawn"
has_route 192.168.18.17/32 || fail "healthy tcp VIP missing before the restart"
lbbgpd_kill9
lbbgpd_start "$T/lbbgp.conf"
dropped=0
# The slow check answers 3 s after the start, after the session is up.
for _ in $(seq 1 60); do
	# Healthy VIPs with and without a check: BIRD keeps them stale
	# until lbbgpd's End-of-RIB, which waits for every first result.
	has_route 192.168.18.65/32 || dropped=1
	has_route 192.168.18.17/32 || dropped=1
	has_route 192.168.18.81/32 || dropped=1
	has_route 192.168.18.1/32 && fail "restart announced a VIP whose check fails"
	has_route 192.168.18.2/32 && fail "restart announced a run-time VIP whose check fails"
	sleep 0.1
done
[ "$dropped" -eq 0 ] || fail "a healthy VIP dropped from BIRD during the restart"
wait_state bird bird Established 20 || fail "session not back after restart"
has_route 192.168.18.65/32 || fail "healthy VIP gone after the restart"
pass "kill -9 and restart: no healthy route lost, no unhealthy one announced"
rm -f "$T/web.fail"
wait_for 4 has_route 192.168.18.1/32 || fail "web VIP not back"

# ---- SIGTERM with shutdown-drain -------------------------------------------
kill -TERM "$LBBGPD_PID"
wait_for 2 eval '[ -n "$(route_of 192.168.18.65/32 | grep "(65535,0)")" ]' ||
	fail "SIGTERM did not drain first"
wait_for 5 itest_dead "$LBBGPD_PID" || fail "lbbgpd did not exit after shutdown-drain"
wait "$LBBGPD_PID" || fail "lbbgpd exited with an error after shutdown-drain"
itest_untrack "$LBBGPD_PID"
LBBGPD_PID=
wait_for 3 eval '[ "$(bird_route_count bird)" = 0 ]' ||
	fail "routes left at BIRD after shutdown-drain: $(bird_routes bird)"
grep -q 'draining .* for 2s' "$T/lbbgpd.log" || fail "no shutdown-drain log line"
pass "SIGTERM: drained, withdrawn, sessions closed"

# ---- a second SIGTERM during the drain stops at once ----------------------
lbbgpd_start "$T/lbbgp.conf"
wait_for 10 has_route 192.168.18.65/32 || fail "VIPs not back after the start"
kill -TERM "$LBBGPD_PID"
wait_for 2 eval '[ -n "$(route_of 192.168.18.65/32 | grep "(65535,0)")" ]' ||
	fail "SIGTERM did not drain first"
kill -TERM "$LBBGPD_PID"
wait_for 1 itest_dead "$LBBGPD_PID" || fail "a second SIGTERM did not stop lbbgpd at once"
wait "$LBBGPD_PID" || fail "lbbgpd exited with an error after a second SIGTERM"
itest_untrack "$LBBGPD_PID"
LBBGPD_PID=
grep -q 'second SIGTERM during shutdown-drain' "$T/lbbgpd.log" ||
	fail "no log line for the second SIGTERM"
pass "a second SIGTERM during shutdown-drain stops at once"
