#!/bin/sh
# bench-vips.sh: lbbgpd, GoBGP, ExaBGP and BIRD announce the same VIPs into
# the same BIRD collector, in one run, one announcer at a time.  Not part of
# `make check` (BENCH_SMOKE=1 is: tiny counts, seconds): run it by hand, as
# root, from the top of a built tree:
#
#	sh tests/bench/bench-vips.sh > results.md
#
# Prints a Markdown report on stdout (progress on stderr).  See
# tests/bench/README.md for what each job measures and the targets.
#
# Uses test number 20 of the integration harness: 127.0.20.0/24 and GoBGP
# API port 50120.  The collector, BIRD 127.0.20.2 (AS 64512, import all,
# export none, no protocol kernel), has one protocol per announcer (all AS
# 64513): lb (lbbgpd 127.0.20.1), gobgp (127.0.20.3), birdsrc (BIRD
# 127.0.20.4, routes in a `protocol static`), exabgp (127.0.20.6).  A second
# collector, 127.0.20.5, for the two-peer memory job.  Everything started
# here is stopped on exit, by PID.
#
# Environment: BENCH_N (VIP counts, default "10000 100000"), BENCH_REPS
# (runs of a job, default 5), BENCH_BUDGET (no new run of a job after this
# many seconds, default 60), BENCH_LAT_N (single adds, default 200),
# BENCH_CLI_N (VIPs of the one-CLI-process-per-VIP job, default 1000),
# BENCH_POLL (collector poll interval, default 0.005 s), BENCH_RESULTS (copy
# the raw JSON results there), BENCH_ONLY (announcers to run, default
# "lbbgpd gobgp exabgp bird"), BENCH_FILL_N (VIPs of the two-peer memory
# job, default the largest of BENCH_N), BENCH_EXABGP_ENV (more exabgp_*=V
# settings), BENCH_SMOKE=1 (N=200, 1 run, 5 single adds,
# 5 CLI calls: checks that the driver works), and lib.sh's: LBBGPD, BGPCTL,
# top_builddir, KEEP_TMP=1.
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"
# stdout is the Markdown report: progress goes to stderr.
itest_log() { echo "# $*" >&2; }
itest_init bench-vips
itest_need bird birdc tcpdump
BENCH_DIR=$ITEST_DIR
SMOKE=${BENCH_SMOKE:-0}
# A wait for the collector gives up after this long (smoke: 60 s).
TIMEOUT=900
[ "$SMOKE" = 1 ] && TIMEOUT=60
PY="$ITEST_PY $BENCH_DIR/bench_vips.py --results $T/results.json --poll ${BENCH_POLL:-0.005} --timeout $TIMEOUT"
if [ "$SMOKE" = 1 ]; then
	NS=${BENCH_N:-200} REPS=1 BUDGET=0 LAT_N=5 CLI_N=5 SETTLE=0.2
	# The smoke test checks the whole driver: every announcer is needed.
	itest_need gobgpd gobgp exabgp
	"$ITEST_PY" -c 'import grpc' 2>/dev/null ||
		itest_skip "python3-grpcio not installed (GoBGP's API)"
else
	NS=${BENCH_N:-10000 100000} REPS=${BENCH_REPS:-5}
	BUDGET=${BENCH_BUDGET:-60} LAT_N=${BENCH_LAT_N:-200}
	CLI_N=${BENCH_CLI_N:-1000} SETTLE=1
fi
[ "$SMOKE" = 1 ] && $PY record "note.smoke=\"smoke run (BENCH_SMOKE=1): tiny counts; the numbers and the targets mean nothing\""
NMAX=0
for _n in $NS; do [ "$_n" -gt "$NMAX" ] && NMAX=$_n; done
# The two-peer memory job: the largest count unless BENCH_FILL_N says.
NMAX=${BENCH_FILL_N:-$NMAX}
GOBGP_PORT=50120
# GoBGP's debug log (lib.sh's default) costs it time per route.
GOBGP_LOG_LEVEL=info
NEXTHOP=192.0.2.1

# Which announcers: all four unless a tool is missing (then that column is
# left out and the report says why).
WHO=
for _w in ${BENCH_ONLY:-lbbgpd gobgp exabgp bird}; do
	case $_w in
	gobgp)
		if ! command -v gobgpd >/dev/null || ! command -v gobgp >/dev/null; then
			$PY record "note.gobgp=\"GoBGP left out: gobgpd/gobgp not installed\""
			continue
		fi ;;
	exabgp)
		if ! command -v exabgp >/dev/null; then
			$PY record "note.exabgp=\"ExaBGP left out: exabgp not installed (apt-get install exabgp)\""
			continue
		fi ;;
	esac
	WHO="$WHO $_w"
done
HAVE_GRPC=0
"$ITEST_PY" -c 'import grpc' 2>/dev/null && HAVE_GRPC=1
[ "$HAVE_GRPC" = 1 ] || $PY record "note.grpc=\"GoBGP's API jobs left out: python3-grpcio not installed (apt-get install python3-grpcio); only its CLI was measured\""

# ---- machine and versions ---------------------------------------------------

LB_BIN=${LBBGPD:-$top_builddir/bgpd/lbbgpd}
BGPCTL_BIN=${BGPCTL:-$top_builddir/bgpctl/bgpctl}
[ -x "$LB_BIN" ] || fail "lbbgpd not built: $LB_BIN (make)"
[ -x "$BGPCTL_BIN" ] || fail "bgpctl not built: $BGPCTL_BIN (make)"
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
lb_cflags=$(sed -n 's/^CFLAGS = //p' "$lb_dir/Makefile" 2>/dev/null)
$PY record "date=\"$(date -u '+%Y-%m-%d %H:%M:%S UTC')\"" "nproc=$(nproc)" \
	"loadavg=\"$(cut -d ' ' -f 1-3 /proc/loadavg)\"" \
	"lbbgpd_version=\"lbbgpd ${lb_ver:-?} ($LB_BIN, git $lb_git, CFLAGS ${lb_cflags:-?}, sha256 $(echo "$lb_sum" | cut -c 1-12)$lb_stale)\"" \
	"bird_version=\"$(bird --version 2>&1 | head -n 1)\""
case " $WHO " in *" gobgp "*)
	$PY record "gobgp_version=\"$(gobgpd --version 2>&1 | head -n 1), log level $GOBGP_LOG_LEVEL\"" ;;
esac
case " $WHO " in *" exabgp "*)
	$PY record "exabgp_version=\"ExaBGP $(exabgp --version 2>&1 | sed -n 's/^ExaBGP : //p'), Python $(exabgp --version 2>&1 | sed -n "s/^Python : //p" | cut -d ' ' -f 1), log level WARNING${BENCH_EXABGP_ENV:+, $BENCH_EXABGP_ENV}\"" ;;
esac

# ---- helpers ------------------------------------------------------------------

# proto_state BIRD PROTO: BGP state of a protocol of a BIRD.
proto_state() {
	bird_cli "$1" show protocols all "$2" | sed -n 's/^ *BGP state: *\([A-Za-z]*\).*/\1/p'
}
proto_established() { [ "$(proto_state "$1" "$2")" = Established ]; }

# itest_proto_count BIRD PROTO COUNT: PROTO of BIRD holds COUNT routes.
itest_proto_count() {
	[ "$(bird_cli "$1" show protocols all "$2" |
		awk '$1 == "Routes:" { n += $2 } END { print n + 0 }')" = "$3" ]
}

# vm KEY PID: a /proc/PID/status value in kB.
vm() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$2/status"; }

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
	sleep 0.3
}
capture_stop() {
	sleep "$SETTLE"	# let the last packets reach the file
	itest_kill "$CAP_PID" 5
	itest_untrack "$CAP_PID"
	grep -E "packets (captured|dropped)" "$CAP_FILE.err" | sed 's/^/# tcpdump: /' >&2
}

# The collector's protocol for each announcer, and its address.
proto_of() {
	case $1 in lbbgpd) echo lb ;; gobgp) echo gobgp ;; exabgp) echo exabgp ;; bird) echo birdsrc ;; esac
}
addr_of() {
	case $1 in lbbgpd) echo 127.0.20.1 ;; gobgp) echo 127.0.20.3 ;; exabgp) echo 127.0.20.6 ;; bird) echo 127.0.20.4 ;; esac
}

# collector_top ADDR: the collector's protocols for GoBGP, BIRD and ExaBGP
# (lbbgpd's is lib.sh's protocol lb).
collector_top() {
	for _p in gobgp=127.0.20.3 birdsrc=127.0.20.4 exabgp=127.0.20.6; do
		cat <<EOF
protocol bgp ${_p%%=*} {
	local $1 port 179 as 64512;
	neighbor ${_p#*=} port 179 as 64513;
	strict bind yes; multihop;
	connect delay time 1; connect retry time 1; error wait time 1, 5;
	ipv4 { import all; export none; };
}
EOF
	done
}

# ---- the announcers: start_WHO PEERS (1 or 2), stop_WHO; ANN_PID ----------------

LB_STATE=0
start_lbbgpd() {
	LB_STATE=$((LB_STATE + 1))
	mkdir -p "$T/lbstate$LB_STATE"
	_f=$T/lbbgp-$1.conf
	{
		echo "router-id 10.255.20.1"
		echo "local-as 64513"
		echo "listen on 127.0.20.1 port 179"
		echo "state-file \"$T/lbstate$LB_STATE/lbbgp.state\""
		printf 'pool bench {\n\taddresses 10.0.0.0/8\n}\n'
		for _nb in collector=127.0.20.2 collector2=127.0.20.5; do
			echo "neighbor ${_nb%%=*} {"
			echo "	address ${_nb#*=}"
			echo "	remote-as 64512"
			echo "	local-address 127.0.20.1"
			echo "	connect-retry 1"
			echo "}"
			[ "$1" = 2 ] || break
		done
		printf 'advertisement bench-adv {\n\tpools bench\n}\n'
	} >"$_f"
	"$LB_BIN" -n -f "$_f" >/dev/null || fail "lbbgpd refuses $_f"
	lbbgpd_start "$_f"
	ANN_PID=$LBBGPD_PID
}
stop_lbbgpd() { lbbgpd_stop; }

start_gobgp() {
	_extra=
	[ "$1" = 2 ] && _extra="[[neighbors]]
  [neighbors.config]
    neighbor-address = \"127.0.20.5\"
    peer-as = 64512
  [neighbors.transport.config]
    local-address = \"127.0.20.3\"
  [neighbors.timers.config]
    connect-retry = 1
    idle-hold-time-after-reset = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = \"ipv4-unicast\""
	GOBGP_NAME=gobgp$1
	gobgp_start "$GOBGP_NAME" 127.0.20.3 64513 127.0.20.2 64512 "$GOBGP_PORT" "$_extra"
	ANN_PID=$(cat "$T/$GOBGP_NAME/run.pid")
}
stop_gobgp() { gobgp_stop "$GOBGP_NAME"; }

# ExaBGP's API process is `cat FIFO`: what bench_vips.py writes to the FIFO
# reaches ExaBGP's API pipe.  cat holds the FIFO open for writing too (fd 3),
# so it sees no end of file between two writers.  ExaBGP's own log goes at
# WARNING: at INFO it logs a line per route.
start_exabgp() {
	_d=$T/exabgp$1
	mkdir -p "$_d"
	EXA_FIFO=$_d/api.fifo
	mkfifo "$EXA_FIFO"
	echo "exec /bin/cat \"$EXA_FIFO\" 3<>\"$EXA_FIFO\"" >"$_d/feed.sh"
	{
		echo "process feed {"
		echo "	run /bin/sh $_d/feed.sh;"
		echo "	encoder text;"
		echo "}"
		for _nb in 127.0.20.2 127.0.20.5; do
			echo "neighbor $_nb {"
			echo "	router-id 127.0.20.6;"
			echo "	local-address 127.0.20.6;"
			echo "	local-as 64513;"
			echo "	peer-as 64512;"
			echo "	api { processes [ feed ]; }"
			echo "}"
			[ "$1" = 2 ] || break
		done
	} >"$_d/exabgp.conf"
	itest_port_free 127.0.20.6 179
	itest_add_log "$_d/exabgp.log"
	# shellcheck disable=SC2086 # BENCH_EXABGP_ENV: words NAME=VALUE
	env exabgp_daemon_user=root exabgp_daemon_drop=false \
		exabgp_api_ack=false exabgp_api_cli=false \
		exabgp_log_destination="$_d/exabgp.log" exabgp_log_level=WARNING \
		${BENCH_EXABGP_ENV:-} \
		exabgp "$_d/exabgp.conf" >"$_d/exabgp.out" 2>&1 &
	ANN_PID=$!
	EXA_PID=$ANN_PID
	itest_track "$EXA_PID"
	itest_add_log "$_d/exabgp.out"
	# Its process (cat) is stopped with it; tracked too, in case ExaBGP is not.
	wait_for 20 exa_child || fail "ExaBGP did not start its API process"
	EXA_CAT=$(exa_child)
	itest_track "$EXA_CAT"
	itest_log "exabgp started, pid $EXA_PID (API process $EXA_CAT)"
}
exa_child() {
	_c=$(ps -o pid= --ppid "$EXA_PID" 2>/dev/null | tr -d ' ' | head -n 1)
	[ -n "$_c" ] && echo "$_c"
}
stop_exabgp() {
	itest_kill "$EXA_PID" 10
	itest_untrack "$EXA_PID"
	itest_kill "$EXA_CAT" 3
	itest_untrack "$EXA_CAT"
	rm -f "$EXA_FIFO"
	itest_log "exabgp stopped"
}

# BIRD: the VIPs of each job are in a `protocol static sN` (disabled); the
# single adds are LAT_N protocols latI of one route each.
vip_routes() {	# N BASE_THIRD_OCTET
	awk -v n="$1" -v b="$2" 'BEGIN { for (i = 0; i < n; i++)
		printf "\troute 10.%d.%d.%d/32 unreachable;\n",
		    int(i / 65536), b + int(i / 256) % 256, i % 256 }'
}
BIRD_TOP=
for _n in $NS $NMAX; do
	[ -f "$T/static-$_n.routes" ] && continue
	vip_routes "$_n" 0 >"$T/static-$_n.routes"
	BIRD_TOP="$BIRD_TOP
protocol static s$_n {
	disabled yes;
	ipv4;
	include \"$T/static-$_n.routes\";
}"
done
# (10.2.0.0/16: the single adds, as for the others; 10.4.0.0/16 by birdc)
_i=0
while [ "$_i" -lt "$LAT_N" ]; do
	BIRD_TOP="$BIRD_TOP
protocol static lat$_i { disabled yes; ipv4; route 10.2.$((_i / 256)).$((_i % 256))/32 unreachable; }
protocol static latc$_i { disabled yes; ipv4; route 10.4.$((_i / 256)).$((_i % 256))/32 unreachable; }"
	_i=$((_i + 1))
done
start_bird() {
	BIRD_NAME=src$1
	_top=$BIRD_TOP
	[ "$1" = 2 ] && _top="$_top
protocol bgp lb2 {
	local 127.0.20.4 port 179 as 64513;
	neighbor 127.0.20.5 port 179 as 64512;
	strict bind yes; multihop;
	connect delay time 1; connect retry time 1; error wait time 1, 5;
	ipv4 { import none; export all; };
}"
	bird_start "$BIRD_NAME" 127.0.20.4 64513 127.0.20.2 64512 "" "$_top" all
	ANN_PID=$(cat "$T/$BIRD_NAME/run.pid")
}
stop_bird() { bird_stop "$BIRD_NAME"; }

# start WHO PEERS: start it, wait until the collector(s) have the session.
start() {
	"start_$1" "$2"
	wait_for 60 proto_established coll "$(proto_of "$1")" ||
		fail "collector: no session with $1"
	if [ "$2" = 2 ]; then
		wait_for 60 proto_established coll2 "$(proto_of "$1")" ||
			fail "collector 2: no session with $1"
	fi
	sleep "$SETTLE"	# let the session settle (first keepalives, EoR)
}

# ann_args WHO N: bench_vips.py's options for talking to WHO.
ann_args() {
	echo "--who $1 --pid $ANN_PID --n $2 --ctl $T/lbbgpd.sock --bgpctl $BGPCTL_BIN --port $GOBGP_PORT --nexthop $NEXTHOP --fifo ${EXA_FIFO:-none} --src-bird $T/${BIRD_NAME:-none}/sock --static s$2 --exa-chunk ${BENCH_EXA_CHUNK:-0}"
}

# ---- the run --------------------------------------------------------------------

bird_start coll 127.0.20.2 64512 127.0.20.1 64513 "" "$(collector_top 127.0.20.2)"

first=1
for N in $NS; do
	for W in $WHO; do
		itest_log "---- $W, $N VIPs"
		start "$W" 1
		P=$(proto_of "$W")
		if [ "$first" = 1 ]; then
			# Single adds on an idle session, on the wire.
			filter="tcp port 179 and src host $(addr_of "$W")"
			[ "$W" = gobgp ] && filter="($filter) or (tcp dst port $GOBGP_PORT and dst host 127.0.0.1)"
			capture_start "$T/lat-$W.pcap" "$filter"
			# API (GoBGP: from its gRPC request, sent by its CLI),
			# then CLI (ExaBGP has none here)
			if [ "$W" != gobgp ]; then
				# shellcheck disable=SC2046 # options to split
				$PY latency $(ann_args "$W" "$LAT_N") --base 10.2.0.0 \
					--out "$T/lat-$W.json" || fail "$W: single adds"
			fi
			if [ "$W" != exabgp ]; then
				wait_for 10 itest_proto_count coll "$P" 0 ||
					fail "$W: the single adds were not withdrawn"
				# shellcheck disable=SC2046
				$PY latency $(ann_args "$W" "$LAT_N") --base 10.4.0.0 \
					--cli --out "$T/latc-$W.json" || fail "$W: CLI adds"
			fi
			capture_stop
			if [ "$W" != gobgp ]; then
				$PY match --pcap "$T/lat-$W.pcap" --sends "$T/lat-$W.json" \
					--speaker "$(addr_of "$W")" --key "lat.$W" ||
					fail "$W: matching the single adds' UPDATEs"
			fi
			if [ "$W" != exabgp ]; then
				$PY match --pcap "$T/lat-$W.pcap" --sends "$T/latc-$W.json" \
					--speaker "$(addr_of "$W")" --key "lat.${W}_cli" \
					--grpc-port "$GOBGP_PORT" --grpc-key lat.gobgp ||
					fail "$W: matching the CLI adds' UPDATEs"
			fi
			wait_for 10 itest_proto_count coll "$P" 0 ||
				fail "$W: the single adds were not withdrawn"
			case $W in lbbgpd | gobgp)
				# shellcheck disable=SC2046
				$PY job --how cli $(ann_args "$W" "$CLI_N") --base 10.3.0.0 \
					--bird "$T/coll/sock" --proto "$P" --reps 1 ||
					fail "$W: CLI job" ;;
			esac
		fi
		if [ "$W" != gobgp ] || [ "$HAVE_GRPC" = 1 ]; then
			# shellcheck disable=SC2046
			$PY job --how bulk $(ann_args "$W" "$N") --bird "$T/coll/sock" \
				--proto "$P" --reps "$REPS" --budget "$BUDGET" ||
				fail "$W: bulk job, $N VIPs"
		fi
		if [ "$W" != bird ] && { [ "$W" != gobgp ] || [ "$HAVE_GRPC" = 1 ]; }; then
			# shellcheck disable=SC2046
			$PY job --how each $(ann_args "$W" "$N") --bird "$T/coll/sock" \
				--proto "$P" --reps "$REPS" --budget "$BUDGET" ||
				fail "$W: one-request-per-VIP job, $N VIPs"
		fi
		$PY record "rss.$W.$N=$(vm VmHWM "$ANN_PID")"
		"stop_$W"
	done
	first=0
done

# Peak RSS with NMAX VIPs to two peers, each announcer fresh.
bird_start coll2 127.0.20.5 64512 127.0.20.1 64513 "" "$(collector_top 127.0.20.5)"
for W in $WHO; do
	[ "$W" = gobgp ] && [ "$HAVE_GRPC" = 0 ] && continue
	itest_log "---- $W, $NMAX VIPs to 2 peers"
	start "$W" 2
	P=$(proto_of "$W")
	# shellcheck disable=SC2046
	$PY fill $(ann_args "$W" "$NMAX") --birds "$P=$T/coll/sock" \
		"$P=$T/coll2/sock" || fail "$W: $NMAX VIPs to 2 peers"
	sleep 1
	$PY record "rss2.$W=$(vm VmHWM "$ANN_PID")"
	"stop_$W"
done

# ---- report -------------------------------------------------------------------

# Someone rebuilding the binary under us would mix two versions.
[ "$(sha256sum "$LB_BIN" | cut -d ' ' -f 1)" = "$lb_sum" ] ||
	$PY record "binary_changed=true"
[ -n "${BENCH_RESULTS:-}" ] && cp "$T/results.json" "$BENCH_RESULTS"
if [ "$SMOKE" = 1 ]; then
	# shellcheck disable=SC2086 # one word per announcer
	$PY report --require $WHO || fail "the report lacks results"
	pass "bench-vips smoke: every job ran with every announcer"
else
	$PY report
fi
