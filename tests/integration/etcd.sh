#!/bin/sh
# etcd.sh: lbbgpd's etcd client (bgpd/fleet/etcd.c) against a real etcd
# (Debian 12: 3.4), through tests/etcd/etcd_drive.  Everything runs in a
# network namespace the test creates and deletes, with etcd's data dirs
# under the test's temp dir; members listen on 127.26.x.y inside it.
# Checks, with one member:
# - put, get, create-if-absent and compare-and-swap transactions, delete,
#   a prefix read in pages (3 keys a page) that make one snapshot, a
#   larger one (20,000 keys, pages of 1000);
# - leases: grant, a key on it, keepalive, revoke takes the key; an
#   unknown lease is lease-gone;
# - a watch gets puts and deletes with their previous revisions; after a
#   compaction a watch from before it ends "compacted" with the compact
#   revision, and so does a read at such a revision;
# - an unreachable first endpoint: requests go to the second;
# - the latency of a create transaction (printed);
# - https: with the CA and a client certificate and key, and not without.
# With three members:
# - a watch whose member is killed comes back on another from the next
#   revision: no event lost, the outage reported;
# - 2 of 3 stopped: writes, reads and status fail with no-leader at once
#   (not a hang), the watch reports it lost; restarted:
#   writes work again and the watch resumes without a gap.
# Without etcd the test is skipped, except under CI (CI set), where it
# fails.  Test 26.

# shellcheck source-path=SCRIPTDIR source=netns.sh
. "$(dirname "$0")/netns.sh"
netns_run etcd : lbbgp-etcd -- "$@"

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
itest_init etcd

# CI installs etcd (scripts/deps.sh): there a missing one is a failure,
# not a skip that would hide a missing install step.
for t in etcd etcdctl openssl; do
	command -v $t >/dev/null 2>&1 && continue
	[ -z "${CI:-}" ] || fail "$t not installed (CI: scripts/deps.sh should have installed it)"
	itest_skip "$t not installed (apt-get install etcd-server etcd-client openssl)"
done
DRIVE=${ETCD_DRIVE:-$top_builddir/tests/etcd/etcd_drive}
[ -x "$DRIVE" ] || fail "$DRIVE not built (make tests/etcd/etcd_drive)"
ETCDCTL_API=3
export ETCDCTL_API

# etcd_start NAME ADDR CLUSTER: a member with its data in $T/NAME, client
# URL http://ADDR:2379, peers on ADDR:2380.  Fast elections (100 ms
# heartbeat, 500 ms election timeout) keep the test short.
etcd_start() {
	mkdir -p "$T/$1"
	itest_add_log "$T/$1.log"
	etcd --name "$1" --data-dir "$T/$1/data" \
		--listen-client-urls "http://$2:2379" \
		--advertise-client-urls "http://$2:2379" \
		--listen-peer-urls "http://$2:2380" \
		--initial-advertise-peer-urls "http://$2:2380" \
		--initial-cluster "$3" --initial-cluster-state new \
		--heartbeat-interval 100 --election-timeout 500 \
		>>"$T/$1.log" 2>&1 &
	echo $! >"$T/$1/pid"
	itest_track $!
}
etcd_stop() {
	_p=$(cat "$T/$1/pid")
	itest_kill "$_p"
	itest_untrack "$_p"
}
drive() { "$DRIVE" -e "$EPS" "$@"; }
# create KEY VALUE: create-if-absent until etcd answers (an election may
# be under way); sent again after a timeout it does not write twice.
created() { drive "create $1 $2" | grep -q '^ok txn'; }
create() { wait_for 10 created "$1" "$2" || fail "create $1: $(drive "create $1 $2")"; }
leader_ok() { drive status | grep -q '^ok status leader=1'; }

# ---- one member ---------------------------------------------------------------

S=127.26.0.1
etcd_start s1 $S "s1=http://$S:2380"
EPS=http://$S:2379
wait_for 10 leader_ok || fail "etcd s1 did not start (see $T/s1.log)"

out=$(drive "put /t/a hello" "get /t/a" "create /t/b one" "create /t/b two" \
	"cas /t/b 1 x" "del /t/a" "get /t/a" | sed 's/ (.*ms)$//')
rev=$(echo "$out" | sed -n '1s/^ok put rev=//p')
[ -n "$rev" ] || fail "put: $out"
expect="ok put rev=$rev
kv /t/a=hello c=$rev m=$rev v=1 l=0
page n=1 more=0
ok range n=1 rev=$rev
ok txn succeeded=1 rev=$((rev + 1))
ok txn succeeded=0 rev=$((rev + 1))
kv /t/b=one c=$((rev + 1)) m=$((rev + 1)) v=1 l=0
ok txn succeeded=0 rev=$((rev + 1))
kv /t/b=one c=$((rev + 1)) m=$((rev + 1)) v=1 l=0
ok delete deleted=1 rev=$((rev + 2))
page n=0 more=0
ok range n=0 rev=$((rev + 2))"
assert_eq "$expect" "$out" "put, get, create-if-absent, compare-and-swap, delete"
out=$(drive "cas /t/b $((rev + 1)) two" "get /t/b" | sed 's/ (.*ms)$//')
assert_contains "$out" "ok txn succeeded=1" "compare-and-swap on the right mod_revision"
assert_contains "$out" "kv /t/b=two c=$((rev + 1)) m=$((rev + 3)) v=2" "its new value"
pass "put, get, transactions (create-if-absent, compare-and-swap), delete"

out=$("$DRIVE" -e "$EPS" -p 3 "fill /p/ 10" "prefix /p/" | sed 's/ (.*ms)$//')
assert_eq "page n=3 more=1
page n=3 more=1
page n=3 more=1
page n=1 more=0" "$(echo "$out" | grep '^page')" "10 keys in pages of 3"
[ "$(echo "$out" | grep -c '^kv /p/')" = 10 ] || fail "not 10 keys: $out"
assert_eq "$(echo "$out" | grep '^kv /p/' | sort)" "$(echo "$out" | grep '^kv /p/')" \
	"pages in key order"
out=$("$DRIVE" -e "$EPS" -p 1000 "fill /big/ 20000" "count /big/")
assert_contains "$out" "ok count n=20000 pages=20" "20,000 keys in 20 pages of 1000"
itest_log "$(echo "$out" | tr '\n' ' ')"
pass "prefix reads in pages"

lease=$(drive "grant 30" | sed -n 's/^ok lease id=\([0-9]*\) .*/\1/p')
[ -n "$lease" ] || fail "no lease granted"
out=$(drive "put /t/l x $lease" "get /t/l" "keepalive $lease" "revoke $lease" "get /t/l" \
	"keepalive $lease" "put /t/m x 12345" | sed 's/ (.*ms)$//')
assert_contains "$out" "l=$lease" "a key on the lease"
assert_contains "$out" "ok lease id=$lease ttl=30" "keepalive renews the TTL"
assert_contains "$out" "ok revoke" "revoke"
assert_contains "$out" "page n=0 more=0" "the revoke took the key"
assert_contains "$out" "err lease-gone the lease has expired or was revoked" \
	"keepalive of a revoked lease"
assert_contains "$out" "err lease-gone etcdserver: requested lease not found" \
	"put on an unknown lease"
pass "leases: grant, keepalive, revoke; lease-gone"

out=$(drive "bench 200")
itest_log "create txn latency, one member: $out"
assert_contains "$out" "ok bench n=200" "200 create transactions"

# Watch: puts and deletes with the previous revision.
drive "watch /w/ 0 10 4" >"$T/w1.out" &
wpid=$!
wait_for 5 grep -q '^watch started' "$T/w1.out" || fail "watch did not start: $(cat "$T/w1.out")"
wrev=$(sed -n 's/^watch started err=ok rev=\([0-9]*\) .*/\1/p' "$T/w1.out")
drive "put /w/1 a" "put /w/1 b" "del /w/1" "put /w/2 c" >/dev/null
wait "$wpid"
out=$(grep '^event' "$T/w1.out")
expect="event put /w/1=a m=$((wrev + 1)) prev=0
event put /w/1=b m=$((wrev + 2)) prev=$((wrev + 1))
event delete /w/1= m=$((wrev + 3)) prev=$((wrev + 2))
event put /w/2=c m=$((wrev + 4)) prev=0"
assert_eq "$expect" "$out" "the watch's events"
pass "watch: puts and deletes, with previous revisions"

# Compaction: a watch or a read from before it.
crev=$(drive "put /w/3 d" | sed -n 's/^ok put rev=\([0-9]*\) .*/\1/p')
etcdctl --endpoints "$EPS" compact "$crev" >/dev/null || fail "etcdctl compact failed"
out=$(drive "watch /w/ $wrev 5")
assert_contains "$out" "watch ended err=compacted" "a watch from before the compaction ends"
assert_contains "$out" "compact=$crev" "with the compact revision"
out=$(drive "prefix /w/ $wrev")
assert_contains "$out" "err compacted etcdserver: mvcc: required revision has been compacted" \
	"a read at a compacted revision"
pass "compaction: the watch ends compacted (compact=$crev), a read too"

# Fail-over: the first endpoint refuses connections.
out=$("$DRIVE" -e "http://127.26.0.9:2379,$EPS" "put /t/f 1" "put /t/f 2" "status")
assert_eq 3 "$(echo "$out" | grep -c '^ok')" "requests through the second endpoint: $out"
out=$("$DRIVE" -e "http://127.26.0.9:2379,http://127.26.0.8:2379" -t 500 "put /t/f 3")
assert_contains "$out" "err unavailable http://127.26.0.9:2379: connection refused; http://127.26.0.8:2379: connection refused" \
	"no endpoint answers"
pass "fail-over past a dead endpoint; unavailable when none answers"

etcd_stop s1

# ---- TLS ------------------------------------------------------------------------

# A CA, a server certificate for 127.26.0.2 and a client certificate;
# etcd wants the client's (--client-cert-auth).
C=$T/tls
mkdir -p "$C"
printf 'subjectAltName=IP:127.26.0.2\nextendedKeyUsage=serverAuth,clientAuth\n' >"$C/ext"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$C/ca.key" -out "$C/ca.pem" \
	-days 1 -subj /CN=lbbgp-test-ca 2>/dev/null || fail "openssl: no CA"
for n in srv cli; do
	openssl req -newkey rsa:2048 -nodes -keyout "$C/$n.key" -out "$C/$n.csr" \
		-subj "/CN=$n" 2>/dev/null || fail "openssl: no $n key"
	openssl x509 -req -in "$C/$n.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" \
		-CAcreateserial -out "$C/$n.pem" -days 1 -extfile "$C/ext" 2>/dev/null ||
		fail "openssl: no $n certificate"
done
mkdir -p "$T/t1"
itest_add_log "$T/t1.log"
etcd --name t1 --data-dir "$T/t1/data" \
	--listen-client-urls https://127.26.0.2:2379 --advertise-client-urls https://127.26.0.2:2379 \
	--listen-peer-urls http://127.26.0.2:2380 --initial-advertise-peer-urls http://127.26.0.2:2380 \
	--initial-cluster t1=http://127.26.0.2:2380 --cert-file "$C/srv.pem" --key-file "$C/srv.key" \
	--trusted-ca-file "$C/ca.pem" --client-cert-auth >>"$T/t1.log" 2>&1 &
echo $! >"$T/t1/pid"
itest_track $!
tls() { "$DRIVE" -e https://127.26.0.2:2379 "$@"; }
wait_for 10 sh -c "'$DRIVE' -e https://127.26.0.2:2379 -a '$C/ca.pem' -c '$C/cli.pem' -k '$C/cli.key' status |
	grep -q leader=1" || fail "etcd t1 (TLS) did not start"
out=$(tls -a "$C/ca.pem" -c "$C/cli.pem" -k "$C/cli.key" "put /tls/a 1" "get /tls/a")
assert_contains "$out" "kv /tls/a=1" "put and get over TLS with a client certificate"
assert_contains "$(tls -a "$C/ca.pem" "put /tls/a 2")" "err unavailable" \
	"refused without the client certificate"
assert_contains "$(tls -c "$C/cli.pem" -k "$C/cli.key" "put /tls/a 2")" \
	"SSL certificate problem" "a server of an unknown CA is refused"
pass "TLS: the CA, the client certificate and key"
etcd_stop t1

# ---- three members -------------------------------------------------------------

M1=127.26.1.1 M2=127.26.1.2 M3=127.26.1.3
CL="m1=http://$M1:2380,m2=http://$M2:2380,m3=http://$M3:2380"
for m in 1 2 3; do
	eval "etcd_start m$m \$M$m $CL"
done
EPS=http://$M1:2379,http://$M2:2379,http://$M3:2379
wait_for 15 leader_ok || fail "the 3-member cluster did not elect a leader"
out=$(drive "create /c/x 1" "get /c/x")
assert_contains "$out" "ok txn succeeded=1" "a write to the cluster"
itest_log "create txn latency, three members: $(drive "bench 100")"
pass "a 3-member cluster"

# The watch's member dies: it resumes on the next, from the next revision.
drive "watch /c/ 0 30 6" >"$T/w2.out" &
wpid=$!
wait_for 5 grep -q '^watch started' "$T/w2.out" || fail "watch did not start"
create /c/1 a
etcd_stop m1
create /c/2 b
create /c/3 c
wait_for 10 grep -q '^watch started.*outage' "$T/w2.out" || fail "no resume: $(cat "$T/w2.out")"
create /c/4 d
etcd_start m1 $M1 "$CL"
wait_for 10 sh -c "'$DRIVE' -e http://$M1:2379 status | grep -q leader=1" || fail "m1 did not come back"
create /c/5 e
create /c/6 f
wait "$wpid"
assert_contains "$(cat "$T/w2.out")" "watch lost err=unavailable" "the outage reported"
assert_eq "/c/1 /c/2 /c/3 /c/4 /c/5 /c/6" \
	"$(sed -n 's/^event put \(\/c\/[0-9]\)=.*/\1/p' "$T/w2.out" | tr '\n' ' ' | sed 's/ $//')" \
	"every event once, in order, across the outage"
itest_log "$(grep '^watch \(lost\|started\)' "$T/w2.out" | tr '\n' ' ')"
pass "a watch whose member is killed resumes on the next without a gap"

# 2 of 3 stopped: no leader, fast.
drive "watch /c/ 0 40" >"$T/w3.out" &
wpid=$!
wait_for 5 grep -q '^watch started' "$T/w3.out" || fail "watch did not start"
etcd_stop m2
etcd_stop m3
t_kill=$(itest_now)
EPS=http://$M1:2379
no_leader() { drive "put /c/q 1" | tee -a "$T/nl.out" | grep -q '^err no-leader'; }
wait_for 10 no_leader || fail "no no-leader error: $(drive "put /c/q 1")"
t_det=$(( ($(itest_now) - t_kill) * 10 ))
itest_log "writes after the kill: $(tr '\n' ' ' <"$T/nl.out")"
out=$(drive "put /c/q 1" "status" "get /c/x")
itest_log "no quorum: $(echo "$out" | tr '\n' ' '); detected ${t_det} ms after the kill"
ms=$(echo "$out" | sed -n '1s/.*(\([0-9]*\) ms)$/\1/p')
[ "${ms:-9999}" -lt 1000 ] || fail "no-leader took ${ms} ms: $out"
assert_contains "$out" "err no-leader http://$M1:2379: etcdserver: no leader" \
	"a write without quorum"
assert_eq 3 "$(echo "$out" | grep -c '^err no-leader')" "status and a read: no leader either"
wait_for 10 grep -q '^watch lost' "$T/w3.out" || fail "the watch did not notice: $(cat "$T/w3.out")"
itest_log "$(grep '^watch lost' "$T/w3.out")"
pass "2 of 3 stopped: no-leader in $ms ms (first seen ${t_det} ms after the kill), the watch lost"

etcd_start m2 $M2 "$CL"
etcd_start m3 $M3 "$CL"
EPS=http://$M1:2379,http://$M2:2379,http://$M3:2379
wait_for 15 created /c/r 1 || fail "no writes after the restart"
create /c/7 g
wait_for 10 grep -q '^event put /c/7' "$T/w3.out" || fail "the watch did not resume: $(cat "$T/w3.out")"
kill "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
assert_contains "$(cat "$T/w3.out")" "watch started" "the watch resumed"
assert_contains "$(cat "$T/w3.out")" "event put /c/r=1" "with the write made while it was down"
itest_log "$(grep '^watch \(lost\|started\)' "$T/w3.out" | tr '\n' ' ')"
pass "restarted: writes work again, the watch resumes without a gap"
