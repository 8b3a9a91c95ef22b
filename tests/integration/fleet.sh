#!/bin/sh
# fleet.sh: three lbbgpd hosts share one VIP table through a three-member
# etcd cluster (docs/FLEET.md), seen by one BIRD router.  Everything runs
# inside a network namespace the test makes, on its loopback: etcd on
# 127.0.0.11-13, lbbgpd h1-h3 on 127.0.0.21-23 (AS 64513, lease 3 s),
# BIRD on 127.0.0.2 (AS 64512) with one session to each host.
# Checks:
# - 1,000 allocations on each host at once: 3,000 distinct addresses,
#   each announced by all three hosts (`announce all`);
# - a withdraw on one host of what another allocated: gone from all;
# - keys under the prefix that do not parse: skipped and counted, the
#   hosts go on;
# - a checked VIP: each host checks its own backend; one host's backend
#   stops: that host alone stops announcing it, and show vips' announced-by
#   says which hosts do;
# - `announce one`: each VIP announced by exactly one host; kill -9 that
#   host: its VIPs move to another within the lease + 1 s, and no VIP is
#   announced by two hosts for more than 1 s; show fleet names the
#   announcer;
# - two etcd members stopped: the routes stay (fail static, `one` VIPs
#   too: a cluster without a leader lets no lease expire), writes answer
#   store-unavailable, show fleet says degraded; the members back: writes
#   work again;
# - a fourth lbbgpd with a node name in use refuses to start;
# - a host restarted while etcd is down announces the table of its state
#   file, then joins when etcd is back.
# Test 28.
# shellcheck source-path=SCRIPTDIR source=netns.sh
. "$(dirname "$0")/netns.sh"
netns_run fleet : lbbgp-fleet -- "$@"

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
itest_init fleet
itest_need etcd etcdctl bird birdc "$ITEST_PY"
if [ -n "${CI:-}" ]; then
	command -v etcd >/dev/null 2>&1 || fail "etcd not installed (CI must not skip)"
fi
LEASE=3
# Allocations per host: a sanitizer build does a tenth (its CI run has
# the whole suite to run a second time).
N=1000
if ldd "${LBBGPD:-$top_builddir/bgpd/lbbgpd}" 2>/dev/null | grep -q libasan; then
	N=100
	itest_log "sanitizer build: $N allocations per host"
fi
# shellcheck source-path=SCRIPTDIR source=fleetlib.sh
. "$(dirname "$0")/fleetlib.sh"
fleet_net_up
# Each host's backend, for the checked pool: a TCP listener on its own
# address, port 8443.
backend_start() {
	"$ITEST_PY" -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8443))
s.listen(64)
while True:
    s.accept()[0].close()' "127.0.0.2$1" &
	echo $! >"$T/backend$1.pid"
	itest_track $!
}
for h in 1 2 3; do
	backend_start "$h"
done
# h3 reaches etcd through a proxy (127.0.0.31-33 to e1-e3): stopping it
# cuts h3 off while the others go on, a partition.
proxy_start() {
	"$ITEST_PY" -c 'import socket, sys, threading
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
def serve(port_from, to):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((port_from, 2379))
    s.listen(64)
    while True:
        c = s.accept()[0]
        try:
            u = socket.create_connection((to, 2379))
        except OSError:
            c.close()
            continue
        threading.Thread(target=pipe, args=(c, u), daemon=True).start()
        threading.Thread(target=pipe, args=(u, c), daemon=True).start()
for n in (1, 2, 3):
    threading.Thread(target=serve, args=("127.0.0.3%d" % n, "127.0.0.1%d" % n),
                     daemon=True).start()
threading.Event().wait()' &
	echo $! >"$T/proxy.pid"
	itest_track $!
}
proxy_start
ETCD_VIA_H3="31 32 33"
fleet_hosts_up
hctl 1 show fleet | grep -q "^Fleet test, node h1: live" ||
	fail "bgpctl show fleet: $(hctl 1 show fleet)"
hctl 1 show summary | grep -q "^Fleet test, node h1: live" ||
	fail "bgpctl show summary has no fleet line: $(hctl 1 show summary)"
pass "three hosts live in the fleet, three sessions at BIRD"

# ---- 1,000 allocations on each host at once ----------------------------------

"$ITEST_PY" - "$T" "$N" <<'PY' || fail "the allocations failed"
import json, socket, sys, threading
T, N = sys.argv[1], int(sys.argv[2])
got, errs = {}, []
def run(h):
    s = socket.socket(socket.AF_UNIX)
    s.connect("%s/h%d/sock" % (T, h))
    req = ("".join(json.dumps({"cmd": "allocate", "owner": "svc-h%d" % h}) + "\n"
                   for _ in range(N))).encode()
    threading.Thread(target=s.sendall, args=(req,)).start()
    buf, n, addrs = b"", 0, []
    while n < N:
        d = s.recv(65536)
        if not d:
            break
        buf += d
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            r = json.loads(line)
            n += 1
            if r.get("ok"):
                addrs.append(r["vip"])
            else:
                errs.append(r)
    got[h] = addrs
ts = [threading.Thread(target=run, args=(h,)) for h in (1, 2, 3)]
for t in ts: t.start()
for t in ts: t.join()
allv = [a for h in got for a in got[h]]
print("# allocations: %s; distinct %d of %d; errors %d %s" % (
    {h: len(got[h]) for h in got}, len(set(allv)), len(allv), len(errs), errs[:3]))
json.dump(got, open(T + "/alloc.json", "w"))
sys.exit(0 if len(allv) == 3 * N and len(set(allv)) == 3 * N and not errs else 1)
PY
wait_for 60 all_have $((3 * N)) || fail "BIRD does not have $((3 * N)) routes from each host: $(routes_of 1) $(routes_of 2) $(routes_of 3)"
pass "$((3 * N)) allocations on three hosts at once: all distinct, each announced by all three"

# ---- a withdraw on one host of what another allocated -----------------------------

"$ITEST_PY" - "$T" "$N" <<'PY' || fail "the withdraw on h1 failed"
import json, socket, sys
T, N = sys.argv[1], int(sys.argv[2])
got = json.load(open(T + "/alloc.json"))
s = socket.socket(socket.AF_UNIX)
s.connect(T + "/h1/sock")
s.sendall((json.dumps({"cmd": "withdraw", "owner": "svc-h2", "vips": got["2"]}) + "\n").encode())
buf = b""
while not buf.endswith(b"\n"):
    buf += s.recv(65536)
r = json.loads(buf)
print("# withdraw on h1 of h2's %d: %s" % (N, r))
sys.exit(0 if r.get("withdrawn") == N else 1)
PY
wait_for 30 all_have $((2 * N)) || fail "the withdrawn VIPs did not leave every host: $(routes_of 1) $(routes_of 2) $(routes_of 3)"
pass "a withdraw on h1 of h2's $N VIPs: gone from all three"

# ---- keys that do not parse --------------------------------------------------------

ETCDCTL="etcdctl --endpoints $ENDPOINTS"
ETCDCTL_API=3 $ETCDCTL put /lbbgp/test/vips/not-an-address x >/dev/null ||
	fail "etcdctl put"
ETCDCTL_API=3 $ETCDCTL put /lbbgp/test/vips/10.50.9.9 '{"vip":' >/dev/null ||
	fail "etcdctl put"
skipped_is_2() {
	[ "$(hctl "$1" show metrics | sed -n 's/^lbbgp_fleet_keys_skipped_total //p')" -ge 2 ] 2>/dev/null
}
for h in 1 2 3; do
	wait_for 10 skipped_is_2 "$h" || fail "host h$h did not count the keys it skipped"
	fleet_live "$h" || fail "host h$h is not live after bad keys"
done
hctl 1 add 10.50.250.10 owner after-bad >/dev/null || fail "an add after the bad keys"
wait_for 10 all_have $((2 * N + 1)) || fail "the add after the bad keys did not reach BIRD from all hosts"
pass "keys that do not parse: skipped and counted, the hosts go on"

# ---- a checked VIP: each host its own backend ------------------------------------

# from_hosts PREFIX: which of lb1..lb3 BIRD has PREFIX from, "1 3".
from_hosts() {
	for h in 1 2 3; do
		bird_cli bird show route "$1" protocol "lb$h" | grep -q "^$1" &&
			printf '%s ' "$h"
	done
	echo
}
# plain_routes_of H: H's routes but those of the announce-one pools.
plain_routes_of() {
	_one=$(bird_cli bird show route protocol "lb$1" | grep -c '^10\.6[01]\.')
	echo $(($(routes_of "$1") - _one))
}
hctl 1 add 10.70.0.1 owner svc >/dev/null || fail "add of the checked VIP"
wait_for 10 sh -c "[ \"\$(birdc -s $T/bird/sock show route 10.70.0.1/32 all | grep -c 'BGP.as_path')\" = 3 ]" ||
	fail "the checked VIP is not announced by all three hosts: $(from_hosts 10.70.0.1/32)"
pid=$(cat "$T/backend2.pid")
itest_kill "$pid"
itest_untrack "$pid"
only_1_3() { [ "$(from_hosts 10.70.0.1/32)" = "1 3 " ]; }
wait_for 10 only_1_3 || fail "after h2's backend stopped, BIRD has the VIP from: $(from_hosts 10.70.0.1/32)"
sleep 1
only_1_3 || fail "the checked VIP came back from h2: $(from_hosts 10.70.0.1/32)"
by_1_3() {
	[ "$(echo '{"cmd":"show-vips","vip":"10.70.0.1"}' |
		"$ITEST_PY" "$ITEST_DIR/ctljson.py" "$T/h1/sock" 10 |
		"$ITEST_PY" -c 'import json, sys
print(" ".join(sorted(json.load(sys.stdin)["vips"][0]["announced-by"])))')" = "h1 h3" ]
}
wait_for 5 by_1_3 || fail "show vips on h1 does not say h1 and h3 announce the checked VIP"
pass "one host's backend down: that host alone stops announcing; show vips says who does"

# ---- announce one, with a check: only a healthy host announces -------------------------
# h2's backend is down: h2 never holds these; the holder's backend goes
# down: the VIP moves to the other healthy host.

# shellcheck disable=SC2086 # one argument per VIP
hctl 1 add 10.61.0.1 10.61.0.2 10.61.0.3 10.61.0.4 owner oc >/dev/null ||
	fail "add of the checked one VIPs"
oc_once_healthy() {
	for v in 10.61.0.1 10.61.0.2 10.61.0.3 10.61.0.4; do
		case $(from_hosts "$v/32") in
		"1 " | "3 ") ;;
		*) return 1 ;;
		esac
	done
}
wait_for 10 oc_once_healthy || fail "the checked one VIPs are not announced once each by a healthy host: $(for v in 1 2 3 4; do printf '%s ' "$(from_hosts 10.61.0.$v/32)"; done)"
holder=$(from_hosts 10.61.0.1/32)
holder=${holder% }
other=$((4 - holder))
pid=$(cat "$T/backend$holder.pid")
itest_kill "$pid"
itest_untrack "$pid"
moved_to_other() { [ "$(from_hosts 10.61.0.1/32)" = "$other " ]; }
wait_for 5 moved_to_other || fail "10.61.0.1 did not move from h$holder (backend down) to h$other: $(from_hosts 10.61.0.1/32)"
backend_start "$holder"
pass "announce one with a check: only healthy hosts announce; the holder's backend down moves the VIP (h$holder to h$other)"

# ---- a watch whose revision was compacted --------------------------------------------
# h3 sleeps (SIGSTOP) while the etcd member its watch reads from goes
# away, VIPs are added and etcd compacts past h3's revision: woken, h3
# cannot resume its watch and must read everything again.

metric() { hctl "$1" show metrics | sed -n "s/^$2 //p"; }
cur=$(fleet_json 3 'f["watch-endpoint"]')
m=${cur%%:2379*}
m=$((${m##*.} % 10))	# 127.0.0.11 (e1 itself) or .31 (its proxy): 1
resyncs=$(metric 3 lbbgp_fleet_resyncs_total)
pid3=$(cat "$T/h3/pid")
kill -STOP "$pid3"
# SIGKILL: a member stopped by SIGTERM goes on serving its watches for a
# while, and would hand h3 the changes after all.
epid=$(cat "$T/etcd$m/pid")
kill -KILL "$epid"
wait "$epid" 2>/dev/null || :
itest_untrack "$epid"
NEW="10.50.240.1 10.50.240.2 10.50.240.3 10.50.240.4 10.50.240.5"
itest_log "h3 watches through e$m; SIGSTOP h3, SIGKILL e$m"
# shellcheck disable=SC2086 # one argument per VIP
# (etcd elects a new leader if e$m led: a write may fail meanwhile; an
# add is idempotent, so it is tried again)
add_new() { hctl 1 add "$@" owner compacted >/dev/null 2>&1; }
# shellcheck disable=SC2086 # one argument per VIP
wait_for 15 add_new $NEW || fail "add while h3 sleeps"
# A second change: compacting to the newest revision keeps that one, so
# the first add's revision must be older than it.
wait_for 15 add_new 10.50.240.6 || fail "add while h3 sleeps"
rev=$(ETCDCTL_API=3 etcdctl --endpoints "$ENDPOINTS" get /lbbgp/test/hosts/h1 -w json |
	"$ITEST_PY" -c 'import json, sys; print(json.load(sys.stdin)["header"]["revision"])')
ETCDCTL_API=3 etcdctl --endpoints "$ENDPOINTS" compact "$rev" >/dev/null ||
	fail "etcdctl compact $rev"
etcd_start "$m" existing
wait_for 30 etcd_healthy || fail "etcd member e$m did not come back"
kill -CONT "$pid3"
more_resyncs() { [ "$(metric 3 lbbgp_fleet_resyncs_total)" -gt "$resyncs" ]; }
wait_for 15 more_resyncs || fail "h3 did not read everything again after the compaction (resyncs $(metric 3 lbbgp_fleet_resyncs_total))"
same_as_h1() { [ "$(plain_routes_of 3)" = "$(plain_routes_of 1)" ]; }
wait_for 15 same_as_h1 || fail "h3 announces $(plain_routes_of 3) routes (one pools aside), h1 $(plain_routes_of 1)"
grep -q "watch ended (compacted" "$T/h3/lbbgpd.log" ||
	fail "h3's log does not say its watch ended for the compaction"
pass "a watch past a compaction: the host read everything again and caught up (no silent gap)"

# ---- announce one ----------------------------------------------------------------

# moved.py T GONE LEASE LIMIT WHAT: watch BIRD every 100 ms until every
# one VIP is announced exactly once and none by host GONE; fail unless
# that happens within LIMIT seconds and no VIP has two announcers for
# more than 1 s.
cat >"$T/moved.py" <<'PY'
import subprocess, sys, time
T, gone, lease, limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
what = sys.argv[5]
t0 = time.monotonic()
def table():
    per = {}
    for h in (1, 2, 3):
        out = subprocess.run(["birdc", "-s", T + "/bird/sock", "show", "route",
                              "in", "10.60.0.0/24", "protocol", "lb%d" % h],
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("10.60."):
                per.setdefault(line.split()[0], set()).add(h)
    return per
dup_since, worst_dup, moved_at, left_at = {}, 0.0, None, None
while time.monotonic() - t0 < limit + 5:
    now = time.monotonic() - t0
    per = table()
    for p, hs in per.items():
        if len(hs) > 1:
            dup_since.setdefault(p, now)
            worst_dup = max(worst_dup, now - dup_since[p])
        else:
            dup_since.pop(p, None)
    if left_at is None and not any(gone in hs for hs in per.values()):
        left_at = now
    if len(per) == 12 and all(len(hs) == 1 and gone not in hs for hs in per.values()):
        moved_at = now
        break
    time.sleep(0.1)
print("# %s: h%d's one VIPs left it after %s s, all announced by others after %s s "
      "(lease %.0f s); longest double announcement %.1f s"
      % (what, gone, "%.1f" % left_at if left_at is not None else "never",
         "%.1f" % moved_at if moved_at else "never", lease, worst_dup))
sys.exit(0 if moved_at is not None and moved_at <= limit and worst_dup <= 1.0 else 1)
PY

ONE="10.60.0.1 10.60.0.2 10.60.0.3 10.60.0.4 10.60.0.5 10.60.0.6 10.60.0.7 10.60.0.8 10.60.0.9 10.60.0.10 10.60.0.11 10.60.0.12"
# shellcheck disable=SC2086 # one argument per VIP
hctl 1 add $ONE owner one >/dev/null || fail "add of the one VIPs"
# one_count: "N1 N2 N3 DUP": routes of pool one from each host, and how
# many prefixes two or more hosts announce.
one_count() {
	for h in 1 2 3; do
		bird_cli bird show route in 10.60.0.0/24 protocol "lb$h" |
			grep -o '^10\.60\.[0-9.]*' | sort >"$T/one$h"
	done
	printf '%s %s %s %s\n' "$(wc -l <"$T/one1")" "$(wc -l <"$T/one2")" \
		"$(wc -l <"$T/one3")" \
		"$(sort "$T/one1" "$T/one2" "$T/one3" | uniq -d | wc -l)"
}
one_settled() {
	set -- $(one_count)
	[ $(($1 + $2 + $3)) -eq 12 ] && [ "$4" -eq 0 ]
}
wait_for 20 one_settled || fail "the one VIPs are not announced once each: $(one_count)"
set -- $(one_count)
itest_log "one VIPs by host: h1 $1, h2 $2, h3 $3"
[ "$3" -gt 0 ] || fail "h3 holds no one VIP: the partition below would show nothing"

# ---- a partition: h3 alone loses etcd -------------------------------------------------
# Its one VIPs go before its lease can expire (lease - 2 s, at least
# half), the other hosts claim them once it has, never two announcers.
# Back, h3 takes none of them back.
pid=$(cat "$T/proxy.pid")
itest_kill "$pid"
itest_untrack "$pid"
"$ITEST_PY" "$T/moved.py" "$T" 3 "$LEASE" "$((LEASE + 2))" "h3 cut off from etcd" ||
	fail "the one VIPs of the partitioned h3 did not move as they must"
proxy_start
wait_for $((LEASE * 3 + 10)) fleet_live 3 || fail "h3 did not come back: $(fleet_json 3 'f')"
sleep 2
set -- $(one_count)
[ "$3" -eq 0 ] && [ "$4" -eq 0 ] && [ $(($1 + $2)) -eq 12 ] ||
	fail "after h3 came back the one VIPs are spread $(one_count) (h1 h2 h3 doubles)"
pass "h3 cut off from etcd: its one VIPs moved, never two announcers; back, it took none back"
set -- $(one_count)
# The host with the most goes.
victim=1
[ "$2" -gt "$(eval echo \$$victim)" ] && victim=2
[ "$3" -gt "$(eval echo \$$victim)" ] && victim=3
assert_eq "h$victim" "$(fleet_json 1 '[v["announcer"] for v in f["one-vips"] if v["vip"] == "'"$(head -1 "$T/one$victim")"'"][0]')" \
	"show fleet names the announcer of a one VIP"
pid=$(cat "$T/h$victim/pid")
t0=$(itest_wall_ms)
kill -KILL "$pid"
itest_untrack "$pid"
"$ITEST_PY" "$T/moved.py" "$T" "$victim" "$LEASE" "$((LEASE + 1)).5" "kill -9 of h$victim" ||
	fail "the one VIPs did not move as they must"
pass "kill -9 of the announcing host: its one VIPs moved within the lease + 1 s, never two announcers"

# Withdrawn, the one VIPs leave no claim behind in etcd.
live1=$(for h in 1 2 3; do [ "$h" != "$victim" ] && echo "$h" && break; done)
# shellcheck disable=SC2086 # one argument per VIP
hctl "$live1" withdraw $ONE owner one >/dev/null || fail "withdraw of the one VIPs"
no_claims() {
	[ -z "$(ETCDCTL_API=3 etcdctl --endpoints "$ENDPOINTS" get --prefix --keys-only /lbbgp/test/announcers/10.60.)" ]
}
wait_for 5 no_claims || fail "claims left in etcd after the one VIPs were withdrawn: $(ETCDCTL_API=3 etcdctl --endpoints "$ENDPOINTS" get --prefix --keys-only /lbbgp/test/announcers/10.60. | tr '\n' ' ')"
pass "the withdrawn one VIPs leave no claims behind"

# ---- etcd without quorum: fail static ------------------------------------------------

live=$(for h in 1 2 3; do [ "$h" != "$victim" ] && echo "$h"; done | tr '\n' ' ')
set -- $live
ha=$1
hb=$2
before_a=$(routes_of "$ha")
before_b=$(routes_of "$hb")
etcd_stop 1
etcd_stop 2
sleep $((LEASE * 2 + 1))
assert_eq "$before_a $before_b" "$(routes_of "$ha") $(routes_of "$hb")" \
	"routes unchanged with etcd down to one member"
reply=$(hctl "$ha" -j add 10.50.200.1 owner late 2>&1 || :)
assert_contains "$reply" "store-unavailable"
assert_eq "degraded" "$(fleet_json "$ha" 'f["state"]')" "show fleet says degraded"
hctl "$ha" show summary | grep -q "^Fleet test, node h$ha: degraded" ||
	fail "bgpctl show summary does not say degraded: $(hctl "$ha" show summary)"
hctl "$ha" show metrics | grep -q '^lbbgp_fleet_store_up 0$' ||
	fail "lbbgp_fleet_store_up is not 0 while etcd has no quorum"
etcd_start 1 existing
etcd_start 2 existing
wait_for 30 etcd_healthy || fail "etcd did not come back"
add_works() { hctl "$ha" add 10.50.200.1 owner late >/dev/null 2>&1; }
wait_for 20 add_works || fail "writes do not work again after etcd came back"
wait_for 20 sh -c "[ \"\$(birdc -s $T/bird/sock show route 10.50.200.1/32 | grep -c 10.50.200.1)\" -ge 1 ]" ||
	fail "the VIP added after the outage is not announced"
pass "etcd without quorum: routes unchanged, writes store-unavailable, degraded; back: writes work"

# ---- a node name in use ------------------------------------------------------------------

# Its own address, no neighbor: only the name is wrong.
host_conf 4 "h$ha"
sed -i '/^neighbor bird {/,/^}/d' "$T/h4/lbbgp.conf"
t0=$(itest_wall_ms)
"$LBBGPD_BIN" -d -f "$T/h4/lbbgp.conf" -s "$T/h4/sock" >"$T/h4/lbbgpd.log" 2>&1 &
p4=$!
itest_track "$p4"
wait_for $((LEASE + 5)) itest_dead "$p4" || fail "a second host named h$ha did not stop"
rc=0
wait "$p4" || rc=$?
itest_untrack "$p4"
[ "$rc" -ne 0 ] || fail "a second host named h$ha exited with status 0"
grep -q "another lbbgpd runs as node h$ha" "$T/h4/lbbgpd.log" ||
	fail "no clear error for the node name in use: $(tail -3 "$T/h4/lbbgpd.log")"
pass "a second host with node name h$ha refuses to start (status $rc)"

# ---- a host restarted while etcd is down -----------------------------------------------

# The `announce one` VIPs it held are not announced again until etcd
# says the claim is still its own: only the rest counts.
plain_is() { [ "$(plain_routes_of "$1")" = "$2" ]; }
before=$(plain_routes_of "$ha")
pid=$(cat "$T/h$ha/pid")
kill -KILL "$pid"
itest_untrack "$pid"
wait_for 10 sh -c "[ \"\$(birdc -s $T/bird/sock show protocols lb$ha | grep -c Established)\" = 0 ]" ||
	fail "BIRD still has a session with the killed host"
for e in 1 2 3; do
	etcd_stop "$e"
done
host_start "$ha"
wait_for 15 plain_is "$ha" "$before" ||
	fail "the host restarted with etcd down announces $(plain_routes_of "$ha") routes, not the $before of its state file"
assert_eq "degraded" "$(fleet_json "$ha" 'f["state"]')" "show fleet of the restarted host, etcd down"
for e in 1 2 3; do
	etcd_start "$e" existing
done
wait_for 30 etcd_healthy || fail "etcd did not come back"
is_live() { [ "$(fleet_json "$1" 'f["state"]')" = live ]; }
wait_for $((LEASE * 3 + 10)) is_live "$ha" || fail "the restarted host did not join: $(fleet_json "$ha" 'f')"
assert_eq "$before" "$(plain_routes_of "$ha")" "the restarted host, in sync, announces the same table"
pass "a host restarted with etcd down announces its state file's table, then joins"

# A clean stop: status 0 (a sanitizer build also exits non-zero on a leak).
pid=$(cat "$T/h$ha/pid")
kill -TERM "$pid"
wait_for 5 itest_dead "$pid" || fail "host h$ha did not stop on SIGTERM"
rc=0
wait "$pid" || rc=$?
itest_untrack "$pid"
[ "$rc" -eq 0 ] || fail "host h$ha exited with status $rc on SIGTERM"
pass "a host stops cleanly on SIGTERM"
