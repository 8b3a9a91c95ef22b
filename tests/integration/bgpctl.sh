#!/bin/sh
# bgpctl.sh: the bgpctl command line, against lbbgpd and against a fake
# control socket.  lbbgpd (AS 64513) on 127.0.5.1 has one neighbor that
# nobody answers, so it stays Active: no router is needed.  Checks: show
# summary text (also abbreviated) and -j JSON; show neighbor; usage
# errors exit 2 naming the problem; a missing socket exits 3 with the
# hint; refusals exit 1 with lbbgpd's message; allocate, add and
# withdraw round trip.  Then a python fake
# server that records each request line and answers a canned reply: the
# request of every command, the text of show vips/pools/rib, allocate
# and the changes, -j, a 100,000-VIP reply and broken replies.
# Test 5: 127.0.5.0/24, no GoBGP.
. "$(dirname "$0")/lib.sh"
itest_init bgpctl
BGPCTL=${BGPCTL:-$top_builddir/bgpctl/bgpctl}
[ -x "$BGPCTL" ] || fail "bgpctl not built: $BGPCTL"

cat >"$T/lbbgp.conf" <<'EOF'
router-id 10.0.5.1
local-as 64513
listen on 127.0.5.1 port 179

pool general-pool {
	addresses 192.168.1.240-192.168.1.249
}

neighbor router-1 {
	address 127.0.5.2
	remote-as 64512
	description "nobody listens here"
}

advertisement general {
	pools general-pool
}
EOF

itest_port_free 127.0.5.1 179
lbbgpd_start "$T/lbbgp.conf"

state_is_active() {
	ctl -j show neighbor router-1 | grep -q '"state": *"Active"'
}
wait_for 10 state_is_active || fail "router-1 never reached Active"

# ---- against lbbgpd -------------------------------------------------------

run ctl show summary
expect_rc 0 "show summary"
assert_eq "Neighbor AS MsgRcvd MsgSent OutQ Up/Down State/PfxSent" \
	"$(printf '%s\n' "$out" | sed -n 1p | tr -s ' ')" "show summary header"
assert_eq "router-1 64512 0 0 0 HH:MM:SS Active" \
	"$(printf '%s\n' "$out" | sed -n 2p | tr -s ' ' |
	sed 's/ [0-9][0-9]:[0-5][0-9]:[0-5][0-9] / HH:MM:SS /')" \
	"show summary row"
assert_eq 2 "$(printf '%s\n' "$out" | wc -l)" "show summary: header and one row"
run ctl sh su
expect_rc 0 "sh su"
assert_eq "Neighbor AS MsgRcvd MsgSent OutQ Up/Down State/PfxSent" \
	"$(printf '%s\n' "$out" | sed -n 1p | tr -s ' ')" "sh su is show summary"
pass "show summary, also abbreviated"

run ctl -j show summary
expect_rc 0 "-j show summary"
[ "$(printf '%s\n' "$out" | wc -l)" -gt 5 ] || fail "-j output is not pretty-printed"
printf '%s\n' "$out" | "$ITEST_PY" -c 'import json, sys
r = json.load(sys.stdin)
assert r["ok"] is True, r
assert [n["name"] for n in r["neighbors"]] == ["router-1"], r' ||
	fail "-j show summary is not the show-neighbors reply"
pass "-j show summary is valid JSON with ok true"

run ctl show neighbor router-1
expect_rc 0 "show neighbor router-1"
assert_contains "$out" "BGP neighbor is router-1, address 127.0.5.2 port 179, remote AS 64512" \
	"show neighbor: first line"
assert_contains "$out" " Description: nobody listens here" "show neighbor: description"
assert_contains "$out" "  Type eBGP, local AS 64513" "show neighbor: type"
assert_contains "$out" "  BGP state = Active, down for " "show neighbor: state"
assert_contains "$out" "  Prefixes announced 0, pending 0" "show neighbor: prefixes"
pass "show neighbor"

# Usage errors: exit 2, the problem named, the usage shown.
run ctl shw
expect_rc 2 "bgpctl shw"
assert_contains "$err" 'bgpctl: unknown command "shw"; did you mean "show"?' "shw message"
assert_contains "$err" "usage: bgpctl [-j] [-s socket] command" "shw usage"
run ctl show
expect_rc 2 "bgpctl show"
assert_contains "$err" 'bgpctl: missing argument after "show": expected summary, neighbor, vips, pools, checks, bfd, fleet, rib or metrics' \
	"show message"
assert_contains "$err" "usage: bgpctl [-j] [-s socket] show summary" "show usage"
run ctl add
expect_rc 2 "bgpctl add"
assert_contains "$err" 'bgpctl: missing argument after "add": expected VIP' "add message"
assert_contains "$err" "usage: bgpctl [-j] [-s socket] add VIP ..." "add usage"
run ctl a 192.0.2.1
expect_rc 2 "bgpctl a"
assert_contains "$err" 'bgpctl: ambiguous command "a": could be add or allocate' "a message"
run ctl show summary now
expect_rc 2 "bgpctl show summary now"
assert_contains "$err" 'bgpctl: unexpected argument "now" after "show summary"' "extra word message"
run ctl add 192.0.2.1 pool a pool b
expect_rc 2 "bgpctl add with two pools"
assert_contains "$err" '"pool" given twice' "duplicate option message"
run ctl neighbor router-1 up reason
expect_rc 2 "bgpctl neighbor up reason without text"
run ctl
expect_rc 2 "bgpctl without a command"
run "$BGPCTL" -x show summary
expect_rc 2 "bgpctl -x"
pass "usage errors exit 2 and name the problem"

# Cannot reach lbbgpd: exit 3 with the cause and the fix.
run "$BGPCTL" -s "$T/nosuch.sock" show summary
expect_rc 3 "missing socket"
assert_eq "bgpctl: cannot connect to $T/nosuch.sock: No such file or directory (is lbbgpd running? use -s to name its socket)" \
	"$err" "missing socket message"
if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$BGPCTL" \
		-s "$T/lbbgpd.sock" show summary
	if [ "$rc" != 126 ] && [ "$rc" != 127 ]; then	# nobody may not run it
		expect_rc 3 "socket not accessible"
		assert_contains "$err" "Permission denied (run bgpctl as root or as a member of" \
			"permission message"
	fi
fi
run env LBBGP_SOCKET="$T/lbbgpd.sock" "$BGPCTL" show summary
expect_rc 0 "LBBGP_SOCKET names the socket"
run env LBBGP_SOCKET="$T/nosuch.sock" "$BGPCTL" -s "$T/lbbgpd.sock" show summary
expect_rc 0 "-s wins over LBBGP_SOCKET"
pass "unreachable daemon exits 3 with a hint; LBBGP_SOCKET"

# Refusals: exit 1, lbbgpd's sentence and code on stderr; -j prints the reply.
run ctl show neighbor nosuch
expect_rc 1 "show neighbor nosuch"
assert_contains "$err" 'bgpctl: there is no neighbor named "nosuch"' "unknown neighbor message"
assert_contains "$err" "(unknown-neighbor)" "unknown neighbor code"
run ctl neighbor nosuch down
expect_rc 1 "neighbor nosuch down"
assert_contains "$err" 'bgpctl: there is no neighbor named "nosuch"' \
	"neighbor nosuch down message"
assert_contains "$err" "(unknown-neighbor)" "neighbor nosuch down code"
run ctl -j show neighbor nosuch
expect_rc 1 "-j show neighbor nosuch"
assert_eq "" "$err" "-j refusal: nothing on stderr"
printf '%s\n' "$out" | "$ITEST_PY" -c 'import json, sys
r = json.load(sys.stdin)
assert r["ok"] is False and r["code"] == "unknown-neighbor", r' ||
	fail "-j refusal is not the JSON reply"
pass "refusals exit 1 with the daemon's message; -j prints the reply"

# A round trip through the commands that change state.
run ctl allocate pool general-pool owner default/web
expect_rc 0 "allocate"
assert_eq "192.168.1.240" "$out" "allocate prints the lowest free address alone"
run ctl show pools
expect_rc 0 "show pools"
assert_eq "general-pool 10 1 9 yes 192.168.1.240-192.168.1.249" \
	"$(printf '%s\n' "$out" | sed -n 2p | tr -s ' ')" "show pools row"
run ctl add 192.168.1.241 192.168.1.242 owner batch
expect_rc 0 "add of two VIPs"
run ctl show vips
expect_rc 0 "show vips"
assert_eq "VIP Pool Owners Routes
192.168.1.240 general-pool default/web 192.168.1.240/32 -> none
192.168.1.241 general-pool batch 192.168.1.241/32 -> none
192.168.1.242 general-pool batch 192.168.1.242/32 -> none" \
	"$(printf '%s\n' "$out" | tr -s ' ')" "show vips after allocate and add"
run ctl withdraw 192.168.1.240 owner default/web
expect_rc 0 "withdraw"
run ctl withdraw 192.168.1.241 192.168.1.242 owner batch
expect_rc 0 "withdraw of two VIPs"
run ctl show vips
assert_eq "VIP Pool Owners Routes" "$(printf '%s\n' "$out" | tr -s ' ')" \
	"show vips after withdraw"
pass "allocate, add, show pools/vips, withdraw against lbbgpd"

# ---- against a fake control socket -----------------------------------------

# Records the request line in $T/fake.req, answers the bytes of $T/fake.reply.
FAKE_PY='
import os, socket, sys
path, d = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(8)
open(os.path.join(d, "fake.ready"), "w").close()
while True:
    c, _ = s.accept()
    with c, c.makefile("rb") as f:
        line = f.readline()
        with open(os.path.join(d, "fake.req"), "wb") as o:
            o.write(line)
        with open(os.path.join(d, "fake.reply"), "rb") as r:
            c.sendall(r.read())
'
itest_add_log "$T/fake.log"
"$ITEST_PY" -c "$FAKE_PY" "$T/fake.sock" "$T" >"$T/fake.log" 2>&1 &
itest_track $!
wait_for 5 test -f "$T/fake.ready" || fail "fake control socket did not start"

# fake REPLY ARGS...: bgpctl ARGS against the fake answering REPLY; sets
# rc, out, err and req (the request line bgpctl sent).
fake() {
	printf '%s\n' "$1" >"$T/fake.reply"
	shift
	rm -f "$T/fake.req"
	run "$BGPCTL" -s "$T/fake.sock" "$@"
	req=$(cat "$T/fake.req" 2>/dev/null || :)
}

fake '{"ok":true,"added":1}' add 192.168.1.250 pool istio-pool owner a/b \
	sharing-key gw community 64512:1 no-export
expect_rc 0 "add"
assert_eq '{"cmd":"add","vip":"192.168.1.250","pool":"istio-pool","owner":"a/b","sharing-key":"gw","communities":["64512:1","no-export"]}' \
	"$req" "add request"
assert_eq "192.168.1.250 added, now announced" "$out" "add output"
fake '{"ok":true,"added":2}' add 192.0.2.1 192.0.2.2 owner x
assert_eq '{"cmd":"add","vips":["192.0.2.1","192.0.2.2"],"owner":"x"}' "$req" \
	"add of two VIPs request"
assert_eq "2 VIPs added, 2 newly announced" "$out" "add of two VIPs output"
fake '{"ok":true,"added":0}' ad 192.0.2.1 o x com 64512:1 large:64512:1:2 p general-pool
assert_eq '{"cmd":"add","vip":"192.0.2.1","pool":"general-pool","owner":"x","communities":["64512:1","large:64512:1:2"]}' \
	"$req" "abbreviated add request"
assert_eq "192.0.2.1 added, already announced" "$out" "add output, already announced"
fake '{"ok":true,"withdrawn":1}' withdraw 192.168.1.250 owner a/b
assert_eq '{"cmd":"withdraw","vip":"192.168.1.250","owner":"a/b"}' "$req" "withdraw request"
assert_eq "192.168.1.250 withdrawn, no longer announced" "$out" "withdraw output"
fake '{"ok":true,"withdrawn":1}' withdraw 192.0.2.1 192.0.2.2
assert_eq '{"cmd":"withdraw","vips":["192.0.2.1","192.0.2.2"]}' "$req" \
	"withdraw of two VIPs request"
assert_eq "2 VIPs withdrawn, 1 no longer announced" "$out" "withdraw of two VIPs output"
fake '{"ok":true,"vip":"192.168.1.240","pool":"general-pool"}' \
	allocate pool general-pool owner default/web sharing-key web
expect_rc 0 "allocate"
assert_eq '{"cmd":"allocate","pool":"general-pool","owner":"default/web","sharing-key":"web"}' \
	"$req" "allocate request"
assert_eq "192.168.1.240" "$out" "allocate prints the address alone"
fake '{"ok":false,"code":"pool-exhausted","error":"pool general-pool has no free address"}' \
	allocate
expect_rc 1 "allocate refused"
assert_eq '{"cmd":"allocate"}' "$req" "allocate without arguments request"
assert_eq "" "$out" "allocate refused: nothing on stdout"
assert_eq "bgpctl: pool general-pool has no free address (pool-exhausted)" "$err" \
	"allocate refused message"
fake '{"ok":true}' neighbor router-1 down reason planned maintenance, back at 14:00
assert_eq '{"cmd":"neighbor","name":"router-1","action":"down","reason":"planned maintenance, back at 14:00"}' \
	"$req" "neighbor down request"
assert_eq "neighbor router-1: session taken down" "$out" "neighbor down output"
fake '{"ok":true}' neighbor router-1 ref
assert_eq '{"cmd":"neighbor","name":"router-1","action":"refresh"}' "$req" \
	"neighbor refresh request"
fake '{"ok":false,"code":"config-error","error":"/etc/lbbgp.conf has 2 errors; the running configuration stays in force","errors":["/etc/lbbgp.conf:3: neighbor r: hold-time: 2 is too short","/etc/lbbgp.conf:9: unknown statement \"x\""]}' reload
expect_rc 1 "reload refused"
assert_eq '{"cmd":"reload"}' "$req" "reload request"
assert_eq 'bgpctl: /etc/lbbgp.conf has 2 errors; the running configuration stays in force (config-error)
/etc/lbbgp.conf:3: neighbor r: hold-time: 2 is too short
/etc/lbbgp.conf:9: unknown statement "x"' "$err" "reload errors, one a line"
fake '{"ok":true,"file":"/etc/lbbgp.conf","neighbors":{"kept":[{"name":"a"},{"name":"c"}],"reset":[{"name":"b","why":"hold-time"}],"added":[{"name":"d"}],"removed":[{"name":"e"}]},"pools":{"added":["new"],"removed":[],"changed":[]},"advertisements":{"added":[],"removed":["old"],"changed":["agg"]},"orphaned":[{"vip":"192.0.2.7","owner":"web","error":"192.0.2.7 is in no configured pool"}],"restored":[{"vip":"192.0.2.8","owner":"db"}],"warnings":["/etc/lbbgp.conf:4: warning: pool p is in no advertisement"]}' reload
expect_rc 0 "reload"
assert_eq 'configuration /etc/lbbgp.conf reloaded; 2 neighbors kept as they were
neighbor b: session started again (hold-time changed)
neighbor d: added
neighbor e: removed
pool new: added
advertisement old: removed
advertisement agg: changed
VIP 192.0.2.7 of web withdrawn, kept as orphaned: 192.0.2.7 is in no configured pool
VIP 192.0.2.8 of db announced again: no longer orphaned
/etc/lbbgp.conf:4: warning: pool p is in no advertisement' "$out" "reload output"
pass "add, withdraw, allocate, neighbor, reload: requests and output"

fake '{"ok":true,"vips":[{"vip":"192.168.1.250","pool":"istio-pool","owners":[{"owner":"istio-system/istio-ingressgateway","sharing-key":"gw","communities":[],"static":true},{"owner":"a/b","sharing-key":"gw","communities":["64512:1"],"static":false}],"routes":[{"prefix":"192.168.1.250/32","advertisement":"istio","peers":["router-1","router-2"]},{"prefix":"192.168.1.0/24","advertisement":"agg","peers":[]}]},{"vip":"192.168.1.240","pool":"general-pool","owners":[{"owner":"default/web","static":false}],"routes":[]}]}' \
	show vips
expect_rc 0 "show vips"
assert_eq '{"cmd":"show-vips"}' "$req" "show vips request"
assert_eq "$(cat <<'EOF'
VIP            Pool          Owners                                           Routes
192.168.1.250  istio-pool    istio-system/istio-ingressgateway (static), a/b  192.168.1.250/32 -> router-1,router-2
                                                                              192.168.1.0/24 -> none
192.168.1.240  general-pool  default/web                                      -
EOF
)" "$out" "show vips output"
fake '{"ok":true,"vips":[]}' show vips pool istio-pool owner a/b
assert_eq '{"cmd":"show-vips","pool":"istio-pool","owner":"a/b"}' "$req" \
	"show vips with filters request"
assert_eq "VIP  Pool  Owners  Routes" "$out" "show vips: header when empty"

fake '{"ok":true,"pools":[{"name":"general-pool","addresses":["192.168.1.240-192.168.1.249"],"auto-assign":true,"avoid-buggy-ips":false,"size":10,"used":2,"free":8,"advertisements":["general"]},{"name":"v6-pool","addresses":["2001:db8::/64","2001:db8:1::/120"],"auto-assign":false,"avoid-buggy-ips":false,"size":18446744073709551615,"used":1,"free":18446744073709551615,"advertisements":[]}]}' \
	show pools
expect_rc 0 "show pools"
assert_eq '{"cmd":"show-pools"}' "$req" "show pools request"
assert_eq "$(cat <<'EOF'
Pool                          Size  Used                  Free  Auto-assign  Addresses
general-pool                    10     2                     8  yes          192.168.1.240-192.168.1.249
v6-pool       18446744073709551615     1  18446744073709551615  no           2001:db8::/64, 2001:db8:1::/120
EOF
)" "$out" "show pools output"

fake '{"ok":true,"rib":[{"neighbor":"router-1","dir":"out","routes":[{"prefix":"192.168.1.250/32","next-hop":"10.0.1.1","as-path":"64513","origin":"IGP","communities":["64512:100","no-export"],"large-communities":["64512:1:2"]},{"prefix":"192.168.1.251/32","next-hop":"10.0.1.1","as-path":"64513","origin":"IGP","communities":[],"large-communities":[]}]},{"neighbor":"ibgp-1","dir":"out","routes":[{"prefix":"192.168.1.250/32","next-hop":"10.0.1.1","as-path":"","origin":"IGP","communities":["64512:100"],"large-communities":[],"local-pref":200}]},{"neighbor":"router-2","dir":"out","routes":[]}]}' \
	show rib
expect_rc 0 "show rib"
assert_eq '{"cmd":"show-rib"}' "$req" "show rib request"
assert_eq "$(cat <<'EOF'
Neighbor router-1, announced (Adj-RIB-Out): 2 routes
Prefix            Next hop  AS path  Communities
192.168.1.250/32  10.0.1.1  64513    64512:100 no-export 64512:1:2
192.168.1.251/32  10.0.1.1  64513    -

Neighbor ibgp-1, announced (Adj-RIB-Out): 1 route
Prefix            Next hop  AS path  Communities  Local-pref
192.168.1.250/32  10.0.1.1  -        64512:100           200

Neighbor router-2, announced (Adj-RIB-Out): 0 routes
EOF
)" "$out" "show rib output"
fake '{"ok":true,"rib":[{"neighbor":"router-1","dir":"in","routes":[]}]}' \
	show rib in neighbor router-1
assert_eq '{"cmd":"show-rib","neighbor":"router-1","dir":"in"}' "$req" \
	"show rib in neighbor request"
assert_eq "Neighbor router-1, received (Adj-RIB-In): 0 routes" "$out" "show rib in output"

fake '{"ok":true,"text":"# TYPE lbbgp_vips gauge\nlbbgp_vips 2\n# EOF\n"}' show metrics
assert_eq '{"cmd":"show-metrics"}' "$req" "show metrics request"
assert_eq "$(printf '# TYPE lbbgp_vips gauge\nlbbgp_vips 2\n# EOF')" "$out" \
	"show metrics prints the text verbatim"
pass "show vips, pools, rib, metrics: requests and tables"

# -j: the reply, pretty-printed, for success and refusal alike.
fake '{"ok":true,"pools":[{"name":"general-pool","addresses":["192.168.1.240/29"],"size":8}]}' \
	-j show pools
expect_rc 0 "-j show pools"
printf '%s\n' "$out" | "$ITEST_PY" -c 'import json, sys
r = json.load(sys.stdin)
assert r == {"ok": True, "pools": [{"name": "general-pool",
    "addresses": ["192.168.1.240/29"], "size": 8}]}, r' ||
	fail "-j show pools is not the reply"
fake '{"ok":false,"code":"vip-in-use","error":"192.0.2.1 is held by a/b"}' -j add 192.0.2.1
expect_rc 1 "-j add refused"
assert_contains "$out" '"code": "vip-in-use"' "-j add refused prints the reply"
pass "-j prints the reply; the exit status follows ok"

# A large reply: 100,000 VIPs, ~22 MB on one line.
"$ITEST_PY" -c 'import json, sys
vips = [{"vip": "10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255), "pool": "big",
    "owners": [{"owner": "ns/svc-%d" % i, "sharing-key": "k", "communities": [], "static": False}],
    "routes": [{"prefix": "10.%d.%d.%d/32" % (i >> 16, (i >> 8) & 255, i & 255),
        "advertisement": "adv", "peers": ["router-1", "router-2"]}]} for i in range(100000)]
sys.stdout.write(json.dumps({"ok": True, "vips": vips}, separators=(",", ":")) + "\n")' \
	>"$T/fake.reply"
run "$BGPCTL" -s "$T/fake.sock" show vips
expect_rc 0 "show vips with 100,000 VIPs"
assert_eq 100001 "$(printf '%s\n' "$out" | wc -l)" "100,000 VIPs and a header"
assert_eq "10.1.134.159  big   ns/svc-99999  10.1.134.159/32 -> router-1,router-2" \
	"$(printf '%s\n' "$out" | tail -n 1)" "last of 100,000 VIPs"
pass "a 22 MB reply"

# Broken replies: exit 3.
printf '{"ok":true' >"$T/fake.reply"
run "$BGPCTL" -s "$T/fake.sock" show pools
expect_rc 3 "reply cut short"
assert_eq "bgpctl: lbbgpd closed the connection in the middle of its reply (after 10 bytes)" \
	"$err" "reply cut short message"
fake 'Content-Type: text/html' show pools
expect_rc 3 "reply not JSON"
assert_contains "$err" "bgpctl: lbbgpd sent an invalid reply" "invalid reply message"
pass "broken replies exit 3"

lbbgpd_stop
