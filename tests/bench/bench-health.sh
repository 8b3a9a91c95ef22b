#!/bin/sh
# bench-health.sh: health checks at scale.  lbbgpd runs 100 http checks for
# 10,000 VIPs (100 pools of 100, one check each), ExaBGP's healthcheck.py
# does the same job for one VIP; both announce into the same BIRD.  Not
# part of `make check` (BENCH_SMOKE=1 is: tiny counts, seconds): run it by
# hand, as root, from the top of a built tree:
#
#	sh tests/bench/bench-health.sh > results.md
#
# Measures lbbgpd's CPU per minute and RSS with every check running, and
# the time from a backend's failure to the withdraw at the router (and
# back), next to ExaBGP's.  Prints a Markdown report on stdout (progress on
# stderr); tests/bench/README.md says how each number is taken.
#
# Test number 21 of the integration harness: 127.0.21.0/24.  The collector,
# BIRD 127.0.21.2 (AS 64512, import all, export none, no protocol kernel),
# has protocol lb for lbbgpd (127.0.21.1, AS 64513) and protocol exabgp for
# ExaBGP (127.0.21.6, AS 64513).  The HTTP backend (bench_health.py
# backend) listens on 127.0.21.10 port 8421.  The VIPs are prefixes of
# 10.100.0.0/16 (lbbgpd) and 10.101.0.1/32 (ExaBGP): nothing is sent to
# them, and the script fails if the host has an address or route in them
# before or after.  Everything started here is stopped on exit, by PID.
#
# Environment: BENCH_CHECKS (checks, default 100), BENCH_PER (VIPs per
# check, default 100, at most 254), BENCH_CPU_SECS (the CPU window, default
# 60), BENCH_FAILS (failures of each, default 20), BENCH_INTERVAL (check
# interval, default 1 s), BENCH_POLL (collector poll interval, default
# 0.005 s), BENCH_RESULTS (copy the raw JSON results there), BENCH_SMOKE=1
# (10 checks of 10 VIPs, interval 0.5 s, a 3 s window, 2 failures each:
# checks that the driver works), and lib.sh's: LBBGPD, BGPCTL,
# top_builddir, KEEP_TMP=1.
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"
# stdout is the Markdown report: progress goes to stderr.
itest_log() { echo "# $*" >&2; }
itest_init bench-health
itest_need bird birdc curl exabgp ip ps
BENCH_DIR=$ITEST_DIR
SMOKE=${BENCH_SMOKE:-0}
if [ "$SMOKE" = 1 ]; then
	CHECKS=10 PER=10 CPU_SECS=3 FAILS=2 INTERVAL=0.5 SETTLE=1
else
	CHECKS=${BENCH_CHECKS:-100} PER=${BENCH_PER:-100}
	CPU_SECS=${BENCH_CPU_SECS:-60} FAILS=${BENCH_FAILS:-20}
	INTERVAL=${BENCH_INTERVAL:-1} SETTLE=5
fi
# The VIPs are 10.100.CHECK.1 to 10.100.CHECK.PER.
if [ "$PER" -lt 1 ] || [ "$PER" -gt 254 ]; then fail "BENCH_PER is 1 to 254"; fi
if [ "$CHECKS" -lt 1 ] || [ "$CHECKS" -gt 256 ]; then fail "BENCH_CHECKS is 1 to 256"; fi
# The same schedule for both: a probe's timeout, and rise and fall.
PROBE_TIMEOUT=0.5 RISE=2 FALL=2
POLL=${BENCH_POLL:-0.005}
LB=127.0.21.1 COLL=127.0.21.2 EXA=127.0.21.6 WEB=127.0.21.10 WEB_PORT=8421
BACKEND=http://$WEB:$WEB_PORT
# ExaBGP's VIP (lbbgpd's: 10.100.C.J, see vip() in bench_health.py).
EXA_VIP=10.101.0.1
PY="$ITEST_PY $BENCH_DIR/bench_health.py --results $T/results.json --poll $POLL"
[ "$SMOKE" = 1 ] && $PY record "note.smoke=\"smoke run (BENCH_SMOKE=1): tiny counts; the numbers mean nothing\""
$PY record "checks=$CHECKS" "per=$PER" "interval=$INTERVAL" \
	"timeout=$PROBE_TIMEOUT" "rise=$RISE" "fall=$FALL" \
	"poll_ms=$(awk -v p="$POLL" 'BEGIN { print p * 1000 }')"

# ---- machine and versions ---------------------------------------------------

LB_BIN=${LBBGPD:-$top_builddir/bgpd/lbbgpd}
[ -x "$LB_BIN" ] || fail "lbbgpd not built: $LB_BIN (make)"
lb_dir=$(cd "$(dirname "$LB_BIN")/.." && pwd)
lb_ver=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$lb_dir/config.h" 2>/dev/null)
lb_git=$(git -C "$lb_dir" describe --always --dirty 2>/dev/null || echo "not a git tree")
lb_sum=$(sha256sum "$LB_BIN" | cut -d ' ' -f 1)
lb_cflags=$(sed -n 's/^CFLAGS = //p' "$lb_dir/Makefile" 2>/dev/null)
$PY record "date=\"$(date -u '+%Y-%m-%d %H:%M:%S UTC')\"" "nproc=$(nproc)" \
	"loadavg=\"$(cut -d ' ' -f 1-3 /proc/loadavg)\"" \
	"lbbgpd_version=\"lbbgpd ${lb_ver:-?} ($LB_BIN, git $lb_git, CFLAGS ${lb_cflags:-?}, sha256 $(echo "$lb_sum" | cut -c 1-12))\"" \
	"bird_version=\"$(bird --version 2>&1 | head -n 1)\"" \
	"exabgp_version=\"ExaBGP $(exabgp --version 2>&1 | sed -n 's/^ExaBGP : //p'), Python $(exabgp --version 2>&1 | sed -n "s/^Python : //p" | cut -d ' ' -f 1), log level WARNING, healthcheck.py of the same package\"" \
	"curl_version=\"$(curl --version | head -n 1 | cut -d ' ' -f 1-2) (ExaBGP's check command)\""

# ---- helpers ------------------------------------------------------------------

# host_vips: the host's addresses and routes in the VIPs' prefixes.  Neither
# lbbgpd nor ExaBGP may install any: there must be none, before and after.
host_vips() {
	{
		ip -o address show
		ip route show table all
	} 2>/dev/null | grep -E '(^|[^0-9])10\.10[01]\.' || :
}

# ---- the backend and the collector ------------------------------------------------

itest_port_free "$WEB" "$WEB_PORT"
[ -z "$(host_vips)" ] || fail "the host has addresses or routes in 10.100.0.0/16 or 10.101.0.0/16 already: $(host_vips)"
"$ITEST_PY" "$BENCH_DIR/bench_health.py" --results "$T/results.json" \
	backend --addr "$WEB" --port "$WEB_PORT" --paths $((CHECKS + 1)) \
	--ready "$T/backend.ready" >>"$T/backend.log" 2>&1 &
WEB_PID=$!
itest_track "$WEB_PID"
itest_add_log "$T/backend.log"
wait_for 10 test -s "$T/backend.ready" || fail "the HTTP backend did not start"

bird_start coll "$COLL" 64512 "$LB" 64513 "" "protocol bgp exabgp {
	local $COLL port 179 as 64512;
	neighbor $EXA port 179 as 64513;
	strict bind yes; multihop;
	connect delay time 1; connect retry time 1; error wait time 1, 5;
	ipv4 { import all; export none; };
}"

# ---- lbbgpd: CHECKS checks, CHECKS pools of PER VIPs ------------------------------

mkdir -p "$T/lbstate"
$PY conf --addr "$LB" --peer "$COLL" --backend "$WEB:$WEB_PORT" \
	--state "$T/lbstate/lbbgp.state" --interval "$INTERVAL" \
	--timeout "$PROBE_TIMEOUT" --checks "$CHECKS" --per "$PER" \
	--rise "$RISE" --fall "$FALL" >"$T/lbbgp.conf" || fail "writing lbbgp.conf"
"$LB_BIN" -n -f "$T/lbbgp.conf" >/dev/null || fail "lbbgpd refuses $T/lbbgp.conf"
lbbgpd_start "$T/lbbgp.conf"
LB_PID=$LBBGPD_PID
$PY --timeout 60 wait --bird "$T/coll/sock" --proto lb ||
	fail "collector: no session with lbbgpd"
$PY add --ctl "$T/lbbgpd.sock" --bird "$T/coll/sock" --checks "$CHECKS" \
	--per "$PER" || fail "adding the VIPs"

# ---- ExaBGP: healthcheck.py for one VIP ------------------------------------------------
# --no-ip-setup: it must not add the VIP to lo (its default); with --ip
# given it does not even list lo's addresses.  --withdraw-on-down: its
# default on down is to announce with a higher MED.  Its --timeout is whole
# seconds: curl's --max-time gives the probe's timeout.  exabgp.api.ack
# stays on (healthcheck.py reads the acks).

EXA_D=$T/exabgp
mkdir -p "$EXA_D"
cat >"$EXA_D/hc.sh" <<EOF
exec /usr/bin/python3 -m exabgp healthcheck --no-syslog --name bench \\
	--interval $INTERVAL --fast-interval $INTERVAL --timeout 1 \\
	--rise $RISE --fall $FALL --withdraw-on-down --no-ip-setup \\
	--ip $EXA_VIP/32 \\
	--cmd "curl -sf -o /dev/null --max-time $PROBE_TIMEOUT $BACKEND/c/$CHECKS"
EOF
cat >"$EXA_D/exabgp.conf" <<EOF
process hc {
	run /bin/sh $EXA_D/hc.sh;
	encoder text;
}
neighbor $COLL {
	router-id $EXA;
	local-address $EXA;
	local-as 64513;
	peer-as 64512;
	api { processes [ hc ]; }
}
EOF
itest_port_free "$EXA" 179
itest_add_log "$EXA_D/exabgp.log"
itest_add_log "$EXA_D/exabgp.out"
env exabgp_daemon_user=root exabgp_daemon_drop=false exabgp_api_cli=false \
	exabgp_log_destination="$EXA_D/exabgp.log" exabgp_log_level=WARNING \
	exabgp "$EXA_D/exabgp.conf" >"$EXA_D/exabgp.out" 2>&1 &
EXA_PID=$!
itest_track "$EXA_PID"
exa_child() {
	_c=$(ps -o pid= --ppid "$EXA_PID" 2>/dev/null | tr -d ' ' | head -n 1)
	[ -n "$_c" ] && echo "$_c"
}
wait_for 20 exa_child || fail "ExaBGP did not start healthcheck.py"
HC_PID=$(exa_child)
itest_track "$HC_PID"
grep -q healthcheck "/proc/$HC_PID/cmdline" || fail "ExaBGP's child $HC_PID is not healthcheck.py"
itest_log "exabgp started, pid $EXA_PID (healthcheck.py $HC_PID)"
$PY --timeout 60 wait --bird "$T/coll/sock" --proto exabgp --routes 1 ||
	fail "collector: no session with ExaBGP, or not its VIP"

# ---- the numbers ------------------------------------------------------------------------

sleep "$SETTLE"	# past the start-up work of both
$PY cpu --lb-pid "$LB_PID" --exa-pid "$EXA_PID" --hc-pid "$HC_PID" \
	--secs "$CPU_SECS" --ctl "$T/lbbgpd.sock" --bird "$T/coll/sock" \
	--backend "$BACKEND" --checks "$CHECKS" || fail "the CPU window"
$PY fails --who lbbgpd --bird "$T/coll/sock" --proto lb \
	--prefix 10.100.0.1/32 --full $((CHECKS * PER)) \
	--group "$PER" --path 0 --backend "$BACKEND" --ctl "$T/lbbgpd.sock" \
	--n "$FAILS" --interval "$INTERVAL" || fail "lbbgpd's failures"
$PY fails --who exabgp --bird "$T/coll/sock" --proto exabgp \
	--prefix "$EXA_VIP/32" --full 1 --group 1 --path "$CHECKS" \
	--backend "$BACKEND" --n "$FAILS" --interval "$INTERVAL" ||
	fail "ExaBGP's failures"

# ---- what else to look at -------------------------------------------------------------

itest_alive "$HC_PID" || $PY record "odd.hc=\"healthcheck.py ($HC_PID) was restarted by ExaBGP during the run\""
[ -z "$(host_vips)" ] || $PY record "odd.host=\"the host has addresses or routes of the VIPs: $(host_vips | head -n 3 | tr '\n"' ' _')\""
# lbbgpd's log should hold the start, the checks' first results and c0's
# transitions, nothing else.
grep -v -E 'check c[0-9]+: [a-z]+ \(http 200, first result\)|check c0: (up -> down \(http 503\)|down -> up \(http 200\))' \
	"$T/lbbgpd.log" >"$T/lbbgpd.other" || :
$PY record "lbbgpd_log_lines=$(wc -l <"$T/lbbgpd.log")"
if grep -q -i -E 'warn|error|fail|cannot|refus' "$T/lbbgpd.other"; then
	$PY record "odd.lblog=\"lbbgpd's log: $(grep -i -E 'warn|error|fail|cannot|refus' "$T/lbbgpd.other" | head -n 3 | tr '\n"' ' _')\""
fi
sed 's/^/# lbbgpd log: /' "$T/lbbgpd.other" >&2
lbbgpd_stop
itest_kill "$EXA_PID" 10
itest_untrack "$EXA_PID"
itest_kill "$HC_PID" 3
itest_untrack "$HC_PID"

# ---- report -------------------------------------------------------------------------------

[ "$(sha256sum "$LB_BIN" | cut -d ' ' -f 1)" = "$lb_sum" ] ||
	$PY record "odd.binary=\"the lbbgpd binary changed during the run: the numbers mix two versions\""
[ -n "${BENCH_RESULTS:-}" ] && cp "$T/results.json" "$BENCH_RESULTS"
if [ "$SMOKE" = 1 ]; then
	$PY report --require || fail "the report lacks results"
	pass "bench-health smoke: every job ran"
else
	$PY report
fi
