#!/bin/sh
# ctlsec.sh: who may use the control sockets.  lbbgpd (AS 64513) on
# 127.0.16.1 with a main socket, a second full socket and a read-only one;
# its one neighbor never answers, no router is needed.  The user nobody
# stands for a non-root client (setpriv).  Checks: the socket files' mode
# and group (socket-mode, socket-group, 0666 read-only); nobody cannot
# connect to the 0660 main socket and bgpctl says why (exit 3), and can
# once socket-group names a group it is in, or not with socket-mode 0600;
# the read-only socket refuses add, withdraw, allocate, neighbor and
# reload with "denied", naming the main socket, for root and for nobody,
# and answers show-*; writes and refusals are logged with uid and pid;
# max-clients 2 over all sockets: the third client gets "busy", the
# refusals are logged at most 10 times in a row; an unknown socket-group
# stops start-up; a reload applies new socket lines, mode, group and
# max-clients, or, with an unknown group, nothing; a stale socket file
# gets the "nothing answers" hint.
# Test 16: 127.0.16.0/24, no GoBGP.
. "$(dirname "$0")/lib.sh"
itest_init ctlsec
itest_need setpriv stat
id nobody >/dev/null 2>&1 || itest_skip "there is no user nobody"
nogroup=$(id -gn nobody)
BGPCTL=${BGPCTL:-$top_builddir/bgpctl/bgpctl}
[ -x "$BGPCTL" ] || fail "bgpctl not built: $BGPCTL"
# nobody must reach the sockets and run bgpctl, wherever the build is.
chmod 711 "$T"
mkdir "$T/bin"
cp "$BGPCTL" "$T/bin/bgpctl"
chmod 755 "$T/bin" "$T/bin/bgpctl"
# A named group nobody is not in: users (Debian's gid 100), else a number.
grp=users
gid=$(getent group users | cut -d: -f3)
if [ -z "$gid" ]; then grp=4242; gid=4242; fi
id -G nobody | tr ' ' '\n' | grep -qx "$gid" && fail "nobody is in group $grp already"

main=$T/lbbgpd.sock
full=$T/full.sock
ro=$T/ro.sock

# [maxc=N] conf EXTRA: write the config with extra global lines.
conf() {
	cat >"$T/lbbgp.conf" <<EOF
router-id 10.0.16.1
local-as 64513
listen on 127.0.16.1 port 179
socket "$full"
socket "$ro" restricted
max-clients ${maxc:-2}
$1

pool general-pool {
	addresses 192.168.1.240-192.168.1.249
}

neighbor router-1 {
	address 127.0.16.2
	remote-as 64512
}

advertisement general {
	pools general-pool
}
EOF
}

# as_nobody [GROUP] -- CMD...: CMD as nobody, with GROUP as its only
# supplementary group (or none).
as_nobody() {
	if [ "$1" = -- ]; then
		shift
		setpriv --reuid=nobody --regid="$nogroup" --clear-groups "$@"
	else
		_g=$1
		shift 2
		setpriv --reuid=nobody --regid="$nogroup" --groups="$_g" "$@"
	fi
}
NCTL=$T/bin/bgpctl
perm() { stat -c '%a %g' "$1"; }

itest_port_free 127.0.16.1 179

# ---- no socket-group: the daemon's group, 0660 -----------------------------

conf ""
lbbgpd_start "$T/lbbgp.conf"
assert_eq "660 $(id -g)" "$(perm "$main")" "main socket: mode 0660, the daemon's group"
assert_eq "660 $(id -g)" "$(perm "$full")" "second full socket: mode 0660, the daemon's group"
assert_eq "666 $(id -g)" "$(perm "$ro")" "read-only socket: mode 0666"
grep -q "control socket $main (mode 0660, group " "$T/lbbgpd.log" ||
	fail "the log does not give the main socket's mode and group"
pass "socket files: 0660 and the daemon's group, read-only 0666"

run as_nobody -- "$NCTL" -s "$main" show summary
expect_rc 3 "nobody on the 0660 main socket"
assert_contains "$err" "cannot connect to $main: Permission denied" "nobody: permission message"
assert_contains "$err" "socket-group" "nobody: the message names socket-group"
assert_contains "$err" "group $(id -gn), which owns the socket" "nobody: the message names the socket's group"
pass "a non-root client cannot use the main socket; bgpctl says why and how (exit 3)"

# The read-only socket: show-* for everyone, nothing else for anyone.
for who in root nobody; do
	pre=
	[ "$who" = nobody ] && pre="as_nobody --"
	for c in "show summary" "show neighbor router-1" "show vips" "show pools" \
	    "show rib out" "show rib in"; do
		# shellcheck disable=SC2086 # words on purpose
		run $pre "$NCTL" -s "$ro" $c
		expect_rc 0 "$who: $c on the read-only socket"
	done
	for c in "add 192.168.1.242 owner t/ro" "withdraw 192.168.1.242 owner t/ro" \
	    "allocate owner t/ro" "neighbor router-1 down" "neighbor router-1 up" \
	    "neighbor router-1 clear" "neighbor router-1 refresh" "reload"; do
		# shellcheck disable=SC2086
		run $pre "$NCTL" -j -s "$ro" $c
		expect_rc 1 "$who: $c on the read-only socket"
		assert_contains "$out" '"code": "denied"' "$who: $c is denied"
		assert_contains "$out" "use the main control socket $main (bgpctl -s $main)" \
			"$who: the refusal of $c names the socket to use"
	done
done
# Raw requests too, whatever bgpctl would send.
printf '%s\n' '{"cmd":"add","vip":"192.168.1.243"}' '{"cmd":"show-vips"}' \
	'{"cmd":"reload"}' '{"cmd":"neighbor","name":"router-1","action":"down"}' \
	'{"cmd":"show-pools"}' >"$T/raw"
"$ITEST_PY" "$ITEST_DIR/ctljson.py" "$ro" <"$T/raw" >"$T/raw.out" 2>&1 ||
	{ cat "$T/raw.out" >&2; fail "raw requests on the read-only socket"; }
assert_eq "false denied
true -
false denied
false denied
true -" "$("$ITEST_PY" -c 'import json, sys
for l in sys.stdin:
    r = json.loads(l)
    print(str(r["ok"]).lower(), r.get("code", "-"))' <"$T/raw.out")" "raw requests on the read-only socket"
out=$(ctl -j show vips)
case $out in *192.168.1.24[23]*) fail "a VIP was added through the read-only socket" ;; esac
out=$(ctl -j show neighbor router-1)
assert_contains "$out" '"admin-down": false' "neighbor down through the read-only socket took effect"
grep -q "control: denied add from uid 65534 pid [0-9]* on read-only socket $ro" "$T/lbbgpd.log" ||
	fail "the refusal for nobody is not logged with its uid and pid"
grep -q "control: denied reload from uid 0 pid [0-9]* on read-only socket $ro" "$T/lbbgpd.log" ||
	fail "the refusal for root is not logged with its uid and pid"
pass "the read-only socket answers show-* and denies add, withdraw, allocate, neighbor, reload (root and nobody)"

# Writes are logged with the client's uid and pid.
"$NCTL" -s "$main" add 192.168.1.241 owner t/web >/dev/null &
p=$!
wait "$p" || fail "bgpctl add on the main socket"
grep -q "control: add from uid 0 pid $p\$" "$T/lbbgpd.log" ||
	fail "add is not logged with uid 0 and pid $p"
"$NCTL" -s "$full" withdraw 192.168.1.241 owner t/web >/dev/null &
p=$!
wait "$p" || fail "bgpctl withdraw on the second full socket"
grep -q "control: withdraw from uid 0 pid $p\$" "$T/lbbgpd.log" ||
	fail "withdraw is not logged with uid 0 and pid $p"
pass "writes are logged with uid and pid; the second full socket takes them"

# ---- max-clients 2, all sockets together -------------------------------------

cat >"$T/hold.py" <<'EOF'
import socket, sys, time
held = []
for path in sys.argv[2:]:
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.sendall(b'{"cmd":"show-pools"}\n')
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("closed by lbbgpd: %r" % buf)
        buf += chunk
    if b'"ok":true' not in buf:
        sys.exit("refused: %r" % buf)
    held.append(s)
open(sys.argv[1], "w").write("ready\n")
time.sleep(600)
EOF
# hold_start SOCKET...: one connection on each, answered, kept open by
# the process $hold; hold_stop closes them.
hold_start() {
	rm -f "$T/hold.ready"
	"$ITEST_PY" "$T/hold.py" "$T/hold.ready" "$@" 2>"$T/hold.err" &
	hold=$!
	itest_track "$hold"
	wait_for 10 test -f "$T/hold.ready" ||
		{ cat "$T/hold.err" >&2; fail "could not hold connections on $*"; }
}
hold_stop() {
	itest_kill "$hold"
	itest_untrack "$hold"
	wait_for 5 ctl show summary || fail "no connection after the holder left"
}
hold_start "$main" "$ro"
run ctl -j show summary
expect_rc 1 "a third client"
assert_contains "$out" '"code": "busy"' "the third client gets busy"
assert_contains "$out" "max-clients 2" "the busy reply names max-clients"
run "$NCTL" -s "$full" show summary
expect_rc 1 "a third client, text"
assert_contains "$err" "max-clients 2" "bgpctl prints the busy reply"
assert_contains "$err" "(busy)" "bgpctl prints the code busy"
grep -q "control: refused a connection from uid 0 pid [0-9]* on $full: max-clients 2 connections are open" \
	"$T/lbbgpd.log" || fail "the busy refusal is not logged with uid, pid and socket"
i=0
while [ $i -lt 20 ]; do
	"$NCTL" -s "$main" show pools >/dev/null 2>&1 && fail "client $i over max-clients was served"
	i=$((i + 1))
done
n=$(grep -c "control: refused a connection" "$T/lbbgpd.log")
[ "$n" -le 11 ] || fail "$n busy refusals logged for 22: not rate-limited"
hold_stop
pass "max-clients 2: the third client gets busy, over every socket; the log is rate-limited ($n lines for 22)"

# ---- socket-group, by name --------------------------------------------------

lbbgpd_stop
conf "socket-group $grp"
lbbgpd_start "$T/lbbgp.conf"
assert_eq "660 $gid" "$(perm "$main")" "main socket with socket-group $grp"
assert_eq "660 $gid" "$(perm "$full")" "second full socket with socket-group $grp"
assert_eq "666 $(id -g)" "$(perm "$ro")" "read-only socket keeps the daemon's group"
run as_nobody "$grp" -- "$NCTL" -s "$main" show summary
expect_rc 0 "nobody in group $grp on the main socket"
# setpriv execs bgpctl: $! is the pid lbbgpd sees.
setpriv --reuid=nobody --regid="$nogroup" --groups="$grp" \
	"$NCTL" -s "$main" add 192.168.1.244 owner t/nobody >/dev/null &
p=$!
wait "$p" || fail "nobody in group $grp cannot add a VIP"
grep -q "control: add from uid 65534 pid $p\$" "$T/lbbgpd.log" ||
	fail "the add of nobody is not logged with uid 65534 and pid $p"
run as_nobody -- "$NCTL" -s "$main" show summary
expect_rc 3 "nobody outside group $grp"
assert_contains "$err" "group $grp, which owns the socket" "the message names group $grp"
pass "socket-group $grp lets its members in, and only them; their writes are logged"

lbbgpd_stop
conf "socket-group $grp
socket-mode 0600"
lbbgpd_start "$T/lbbgp.conf"
assert_eq "600 $gid" "$(perm "$main")" "main socket with socket-mode 0600"
run as_nobody "$grp" -- "$NCTL" -s "$main" show summary
expect_rc 3 "nobody in group $grp on a 0600 socket"
assert_contains "$err" "the socket has mode 0600" "the message gives the mode"
pass "socket-mode 0600 keeps the group out, and bgpctl says so"

# ---- reload -----------------------------------------------------------------

# conf2 EXTRA: like conf, with full.sock restricted, ro.sock gone and
# new.sock added.
conf2() {
	conf "$1"
	sed -i "s|^socket \"$full\"\$|socket \"$full\" restricted|;
		s|^socket \"$ro\" restricted\$|socket \"$T/new.sock\"|" "$T/lbbgp.conf"
}
# A client on full.sock, connected before the reload, that sends an add
# after it (once $T/go exists) and prints the reply.
cat >"$T/late.py" <<'EOF'
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b'{"cmd":"show-pools"}\n')
f = s.makefile("rb")
f.readline()
open(sys.argv[2], "w").write("ready\n")
while not os.path.exists(sys.argv[3]):
    time.sleep(0.05)
s.sendall(b'{"cmd":"add","vip":"192.168.1.249","owner":"t/late"}\n')
sys.stdout.write(f.readline().decode())
EOF
lbbgpd_stop
conf "socket-group $grp"
lbbgpd_start "$T/lbbgp.conf"
"$ITEST_PY" "$T/late.py" "$full" "$T/late.ready" "$T/go" >"$T/late.out" 2>&1 &
late=$!
itest_track "$late"
wait_for 10 test -f "$T/late.ready" || fail "the early client did not connect"
# An unknown group: refused, and nothing changes.
conf2 "socket-group lbbgp-no-such-group"
run ctl -j reload
expect_rc 1 "reload with an unknown socket-group"
assert_contains "$out" "socket-group lbbgp-no-such-group: no such group" "reload: unknown group message"
assert_eq "660 $gid" "$(perm "$main")" "main socket after a refused reload"
[ -e "$ro" ] || fail "a refused reload removed the read-only socket"
[ ! -e "$T/new.sock" ] || fail "a refused reload left a new socket behind"
# Now one that works: mode 0600, the daemon's group, socket lines changed.
maxc=1 conf2 "socket-mode 0600"
run ctl reload
expect_rc 0 "reload of the control sockets"
assert_eq "600 $(id -g)" "$(perm "$main")" "main socket after the reload"
assert_eq "666 $(id -g)" "$(perm "$full")" "full.sock, now restricted, after the reload"
assert_eq "600 $(id -g)" "$(perm "$T/new.sock")" "new.sock after the reload"
[ ! -e "$ro" ] || fail "the socket removed from the config is still there"
touch "$T/go"
wait "$late" || { cat "$T/late.out" >&2; fail "the early client"; }
itest_untrack "$late"
assert_contains "$(cat "$T/late.out")" '"code":"denied"' \
	"a connection open on a socket that became read-only is read-only too"
# max-clients 1: one held connection makes the next one busy.
hold_start "$main"
run ctl -j show summary
expect_rc 1 "a second client with max-clients 1"
assert_contains "$out" "max-clients 1" "busy after the reload names max-clients 1"
hold_stop
grep -q "control socket $T/new.sock (mode 0600, group " "$T/lbbgpd.log" ||
	fail "the new socket is not logged"
grep -q "control: max-clients 1, was 2" "$T/lbbgpd.log" ||
	fail "the new max-clients is not logged"
pass "reload: new mode and group on the open sockets, sockets added and removed, max-clients; a bad group changes nothing"

# ---- start-up failures ------------------------------------------------------

lbbgpd_stop
conf "socket-group lbbgp-no-such-group"
rc=0
"${LBBGPD:-$top_builddir/bgpd/lbbgpd}" -d -f "$T/lbbgp.conf" -s "$main" >"$T/bad.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$T/bad.log" >&2; fail "lbbgpd with an unknown socket-group exited $rc, wanted 1"; }
assert_contains "$(cat "$T/bad.log")" "socket-group lbbgp-no-such-group: no such group; create it (groupadd lbbgp-no-such-group)" \
	"unknown socket-group message"
[ ! -e "$main" ] || fail "lbbgpd left a socket file behind"
pass "an unknown socket-group stops start-up with a clear message"

# A stale socket file: bgpctl says that nothing answers.
conf ""
lbbgpd_start "$T/lbbgp.conf"
lbbgpd_kill9
run "$NCTL" -s "$main" show summary
expect_rc 3 "a stale socket"
assert_contains "$err" "Connection refused (the socket file is there but nothing answers on it" \
	"stale socket message"
pass "a stale socket file: bgpctl says nothing answers (exit 3)"
