#!/bin/sh
# bench-vips.sh: benchmark of lbbgpd's run-time VIP path against BIRD (and
# GoBGP) measured in the same run.  Not part of `make check`: run it by hand,
# as root, from the top of a built tree:
#
#	sh tests/bench/bench-vips.sh [> results.md]
#
# Prints a Markdown report on stdout (progress on stderr).  See
# tests/bench/README.md for what each part measures and the targets.
#
# Uses test number 20 of the integration harness: 127.0.20.0/24 and GoBGP
# API port 50120.  lbbgpd 127.0.20.1 (AS 64513); the collector, BIRD
# 127.0.20.2 (AS 64512, import all, export none, no protocol kernel); GoBGP
# 127.0.20.3 (AS 64513, optional); a BIRD with the same routes in a
# `protocol static` 127.0.20.4 (AS 64513); a second collector BIRD
# 127.0.20.5 for (d).  Everything started here is stopped on exit.
#
# Environment: BENCH_N (VIPs, default 100000), BENCH_REPS (runs of (a),
# default 5), BENCH_LAT_N (single adds in (b), default 200), BENCH_POLL
# (collector poll interval in seconds, default 0.005), BENCH_RESULTS (also
# copy the raw JSON results there), BENCH_NO_GOBGP=1 (skip GoBGP), and
# lib.sh's: LBBGPD (the binary; default bgpd/lbbgpd of top_builddir),
# top_builddir, KEEP_TMP=1.
. "$(dirname "$0")/../integration/lib.sh"
# stdout is the Markdown report: progress goes to stderr.
itest_log() { echo "# $*" >&2; }
pass() { echo "PASS: $*" >&2; }
itest_init bench-vips
itest_need bird birdc tcpdump
BENCH_DIR=$ITEST_DIR
PY="$ITEST_PY $BENCH_DIR/bench_vips.py --results $T/results.json --poll ${BENCH_POLL:-0.005}"
N=${BENCH_N:-100000}
REPS=${BENCH_REPS:-5}
LAT_N=${BENCH_LAT_N:-200}
GOBGP_PORT=50120
# GoBGP's debug log (lib.sh's default) costs it time per route.
GOBGP_LOG_LEVEL=${GOBGP_LOG_LEVEL:-info}
HAVE_GOBGP=0
if [ "${BENCH_NO_GOBGP:-0}" != 1 ] && command -v gobgpd >/dev/null 2>&1 &&
	command -v gobgp >/dev/null 2>&1; then
	HAVE_GOBGP=1
fi

# ---- machine and versions ---------------------------------------------------

LB_BIN=${LBBGPD:-$top_builddir/bgpd/lbbgpd}
[ -x "$LB_BIN" ] || fail "lbbgpd not built: $LB_BIN (make bgpd/lbbgpd)"
lb_dir=$(cd "$(dirname "$LB_BIN")/.." && pwd)
lb_ver=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$lb_dir/config.h" 2>/dev/null)
lb_git=$(git -C "$lb_dir" describe --always --dirty 2>/dev/null || echo "not a git tree")
lb_sum=$(sha256sum "$LB_BIN" | cut -d ' ' -f 1)
lb_stale=
# (Not make -q: automake's config.h rule makes it answer "out of date".)
if [ -n "$(find "$lb_dir/bgpd" "$lb_dir/rib" "$lb_dir/fsm" "$lb_dir/conf" \
	-name '*.[ch]' -newer "$LB_BIN" 2>/dev/null | head -n 1)" ]; then
	lb_stale=", OLDER THAN ITS SOURCES"
fi
bird_ver=$(bird --version 2>&1 | head -n 1)
gobgp_ver=GoBGP:none
[ "$HAVE_GOBGP" = 1 ] && gobgp_ver=$(gobgpd --version 2>&1 | head -n 1)
$PY record "date=\"$(date -u '+%Y-%m-%d %H:%M:%S UTC')\"" "nproc=$(nproc)" \
	"lbbgpd_version=\"lbbgpd ${lb_ver:-?} ($LB_BIN, git $lb_git, sha256 $(echo "$lb_sum" | cut -c 1-12)$lb_stale)\"" \
	"bird_version=\"$bird_ver\"" "gobgp_version=\"$gobgp_ver\""

# ---- helpers ------------------------------------------------------------------

# proto_state BIRD PROTO: BGP state of another protocol of a BIRD.
proto_state() {
	bird_cli "$1" show protocols all "$2" | sed -n 's/^ *BGP state: *\([A-Za-z]*\).*/\1/p'
}
proto_established() { [ "$(proto_state "$1" "$2")" = Established ]; }

# vm KEY PID: a /proc/PID/status value in kB.
vm() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$2/status"; }

# lb_conf FILE STATEFILE|"" NEIGHBOR...: lbbgpd config; NEIGHBOR is name=addr.
lb_conf() {
	_f=$1 _st=$2
	shift 2
	{
		echo "router-id 10.255.20.1"
		echo "local-as 64513"
		echo "listen on 127.0.20.1 port 179"
		[ -n "$_st" ] && echo "state-file \"$_st\""
		printf 'pool bench {\n\taddresses 10.0.0.0/8\n}\n'
		for _nb in "$@"; do
			echo "neighbor ${_nb%%=*} {"
			echo "	address ${_nb#*=}"
			echo "	remote-as 64512"
			echo "	local-address 127.0.20.1"
			echo "	connect-retry 1"
			echo "}"
		done
		printf 'advertisement bench-adv {\n\tpools bench\n}\n'
	} >"$_f"
	"$LB_BIN" -n -f "$_f" >/dev/null ||
		fail "lbbgpd refuses $_f"
}

# capture_start FILE FILTER / capture_stop: tcpdump on lo, ns time stamps.
capture_start() {
	CAP_FILE=$1
	tcpdump -i lo -n -U -Z root -B 16384 --immediate-mode \
		--time-stamp-precision=nano \
		-w "$CAP_FILE" "$2" 2>"$CAP_FILE.err" &
	CAP_PID=$!
	itest_track "$CAP_PID"
	wait_for 10 grep -q "listening on" "$CAP_FILE.err" ||
		fail "tcpdump did not start: $(cat "$CAP_FILE.err")"
}
capture_stop() {
	sleep 0.5	# let the last packets reach the file
	itest_kill "$CAP_PID" 5
	itest_untrack "$CAP_PID"
	grep -E "packets (captured|dropped)" "$CAP_FILE.err" | sed 's/^/# tcpdump: /' >&2
}

# ---- routers ----------------------------------------------------------------------

# The same N /32s lbbgpd announces in (a), in a protocol static of their own.
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
	printf "\troute 10.%d.%d.%d/32 unreachable;\n",
	    int(i / 65536), int(i / 256) % 256, i % 256 }' >"$T/static.routes"

COLL_TOP="
protocol bgp birdsrc {
	local 127.0.20.2 port 179 as 64512;
	neighbor 127.0.20.4 port 179 as 64513;
	strict bind yes; multihop;
	connect delay time 1; connect retry time 1; error wait time 1, 5;
	ipv4 { import all; export none; };
}"
if [ "$HAVE_GOBGP" = 1 ]; then
	COLL_TOP="$COLL_TOP
protocol bgp gobgp {
	local 127.0.20.2 port 179 as 64512;
	neighbor 127.0.20.3 port 179 as 64513;
	strict bind yes; multihop;
	connect delay time 1; connect retry time 1; error wait time 1, 5;
	ipv4 { import all; export none; };
}"
fi
bird_start coll 127.0.20.2 64512 127.0.20.1 64513 "" "$COLL_TOP"
bird_start src 127.0.20.4 64513 127.0.20.2 64512 "" "
protocol static s100k {
	disabled yes;
	ipv4;
	include \"$T/static.routes\";
}" all
if [ "$HAVE_GOBGP" = 1 ]; then
	gobgp_start gobgp 127.0.20.3 64513 127.0.20.2 64512 "$GOBGP_PORT"
fi

mkdir -p "$T/state"
lb_conf "$T/lbbgp.conf" "$T/state/lbbgp.state" collector=127.0.20.2
lbbgpd_start "$T/lbbgp.conf"

wait_state bird coll Established 30 || fail "collector: lbbgpd session not Established"
wait_for 30 proto_established coll birdsrc || fail "collector: BIRD source session not Established"
if [ "$HAVE_GOBGP" = 1 ]; then
	wait_for 30 proto_established coll gobgp || fail "collector: GoBGP session not Established"
fi
itest_log "sessions Established"
sleep 1

# ---- (a) 100,000 VIPs in bulk ---------------------------------------------

itest_log "(a) lbbgpd: $N VIPs, $REPS runs"
$PY bulk-lbbgpd --ctl "$T/lbbgpd.sock" --bird "$T/coll/sock" --proto lb \
	--base 10.0.0.0 --n "$N" --reps "$REPS" || fail "(a) lbbgpd"
$PY record "rss_a_hwm_kb=$(vm VmHWM "$LBBGPD_PID")"
itest_log "(a) BIRD static: $N routes, $REPS runs"
$PY bulk-bird --src-bird "$T/src/sock" --bird "$T/coll/sock" --proto birdsrc \
	--static s100k --n "$N" --reps "$REPS" || fail "(a) BIRD"
$PY record "rss_birdsrc_hwm_kb=$(vm VmHWM "$(cat "$T/src/run.pid")")"

# ---- (b) single add latency -----------------------------------------------

CAP_FILTER="(tcp port 179 and (src host 127.0.20.1 or src host 127.0.20.3))"
[ "$HAVE_GOBGP" = 1 ] && CAP_FILTER="$CAP_FILTER or (tcp dst port $GOBGP_PORT and dst host 127.0.0.1)"
itest_log "(b) $LAT_N single adds"
capture_start "$T/b.pcap" "$CAP_FILTER"
sleep 0.5
$PY add-latency --ctl "$T/lbbgpd.sock" --base 10.2.0.0 --n "$LAT_N" \
	--out "$T/b-lb.json" || fail "(b) lbbgpd"
if [ "$HAVE_GOBGP" = 1 ]; then
	$PY gobgp-latency --port "$GOBGP_PORT" --base 10.6.0.0 --n "$LAT_N" \
		--out "$T/b-gobgp.json" || fail "(b) GoBGP"
fi
capture_stop
$PY match --pcap "$T/b.pcap" --sends "$T/b-lb.json" --speaker 127.0.20.1 \
	--key b_lb || fail "(b) matching lbbgpd's UPDATEs"
if [ "$HAVE_GOBGP" = 1 ]; then
	$PY match --pcap "$T/b.pcap" --sends "$T/b-gobgp.json" \
		--speaker 127.0.20.3 --key b_gobgp --grpc-port "$GOBGP_PORT" ||
		fail "(b) matching GoBGP's UPDATEs"
fi

# ---- (c) pipelined single adds ----------------------------------------------

wait_routes bird coll 0 10 || fail "(b) left routes behind"
itest_log "(c) $N pipelined single adds"
$PY pipeline --ctl "$T/lbbgpd.sock" --bird "$T/coll/sock" --proto lb \
	--base 10.3.0.0 --n "$N" || fail "(c)"
lbbgpd_stop
wait_routes bird coll 0 10 || fail "collector kept lbbgpd's routes"

# ---- diagnosis: (b) and (a) again without a state file -----------------------

lb_conf "$T/lbbgp-nostate.conf" "" collector=127.0.20.2
lbbgpd_start "$T/lbbgp-nostate.conf"
wait_state bird coll Established 30 || fail "collector: lbbgpd session not Established"
sleep 1
itest_log "(b) diagnosis: $LAT_N single adds without state-file"
capture_start "$T/b2.pcap" "tcp port 179 and src host 127.0.20.1"
sleep 0.5
$PY add-latency --ctl "$T/lbbgpd.sock" --base 10.2.0.0 --n "$LAT_N" \
	--out "$T/b2-lb.json" || fail "(b) without state file"
capture_stop
$PY match --pcap "$T/b2.pcap" --sends "$T/b2-lb.json" --speaker 127.0.20.1 \
	--key b_nostate || fail "(b) matching, without state file"
itest_log "(a) diagnosis: $N VIPs without state-file, $REPS runs"
$PY bulk-lbbgpd --ctl "$T/lbbgpd.sock" --bird "$T/coll/sock" --proto lb \
	--base 10.0.0.0 --n "$N" --reps "$REPS" --key a_nostate ||
	fail "(a) without state file"
$PY record "rss_a_nostate_hwm_kb=$(vm VmHWM "$LBBGPD_PID")"
lbbgpd_stop

# ---- (d) peak RSS with N VIPs to 2 peers ------------------------------------

itest_log "(d) $N VIPs to 2 collectors"
bird_start coll2 127.0.20.5 64512 127.0.20.1 64513
mkdir -p "$T/state-d"
lb_conf "$T/lbbgp-d.conf" "$T/state-d/lbbgp.state" collector=127.0.20.2 \
	collector2=127.0.20.5
lbbgpd_start "$T/lbbgp-d.conf"
wait_state bird coll Established 30 || fail "collector: lbbgpd session not Established"
wait_state bird coll2 Established 30 || fail "collector 2: lbbgpd session not Established"
sleep 1
$PY add-wait --ctl "$T/lbbgpd.sock" --birds "lb=$T/coll/sock" "lb=$T/coll2/sock" \
	--base 10.0.0.0 --n "$N" --key d_s || fail "(d)"
sleep 1
$PY record "d_n=$N" "rss_d_hwm_kb=$(vm VmHWM "$LBBGPD_PID")" \
	"rss_d_rss_kb=$(vm VmRSS "$LBBGPD_PID")"
lbbgpd_stop
wait_routes bird coll 0 10 || fail "collector kept lbbgpd's routes"
wait_routes bird coll2 0 10 || fail "collector 2 kept lbbgpd's routes"

# The same lbbgpd restarted: the N VIPs come back from the state file.
itest_log "(d) restart with $N VIPs in the state file"
t_start=$("$ITEST_PY" -c "import time; print(time.time_ns())")
lbbgpd_start "$T/lbbgp-d.conf"
$PY wait-routes --birds "lb=$T/coll/sock" "lb=$T/coll2/sock" --n "$N" \
	--since-ns "$t_start" --key d_restart_s || fail "(d) restart"
sleep 1
$PY record "rss_r_hwm_kb=$(vm VmHWM "$LBBGPD_PID")" \
	"rss_r_rss_kb=$(vm VmRSS "$LBBGPD_PID")"
lbbgpd_stop

# ---- report -------------------------------------------------------------------

# Someone rebuilding the binary under us would mix two versions.
[ "$(sha256sum "$LB_BIN" | cut -d ' ' -f 1)" = "$lb_sum" ] ||
	$PY record "binary_changed=true"
[ -n "${BENCH_RESULTS:-}" ] && cp "$T/results.json" "$BENCH_RESULTS"
$PY report
