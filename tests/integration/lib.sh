# shellcheck shell=sh
# lib.sh: helpers for lbbgp integration tests, sourced by tests/integration/*.sh.
# Runs BIRD 2, GoBGP and lbbgpd as peers on loopback addresses under a temp
# dir $T, queries them, and cleans everything up on exit. POSIX sh (dash).
# It must never touch anything outside 127.0.0.0/8 and $T, never start bird
# without -c, and only ever signal PIDs it started itself.
#
# Usage:  . "$(dirname "$0")/lib.sh"; itest_init NAME; itest_need bird ...
#
# Addresses and ports: test N (1..99) owns 127.0.N.0/24 (lbbgpd .1, BIRD .2,
# GoBGP .3, more peers .4 and up) and the GoBGP API ports 50000+100*K+N,
# K = 1..9 for its first..ninth GoBGP (test 9: 50109, 50209, ...), so tests
# can run in parallel. harness-selftest.sh is N=9.
#
# Normalised route lines (bird_routes, gobgp_routes), one per route, sorted:
#   PREFIX nh=NEXTHOP aspath=ASN ASN... comm=(a,b) (a,b) lcomm=(g,l1,l2) lp=N med=N
# - nh is the first next hop (the global one for IPv6); aspath is always
#   present, empty for iBGP, an AS_SET prints as {a b}; comm, lcomm, lp and
#   med only when the route carries them; communities are numeric, sorted.
# - BIRD gives routes learned over eBGP a default LOCAL_PREF of 100, so
#   bird_routes shows lp=100 even though no LOCAL_PREF was on the wire.
# - gobgp_routes shows routes learned from neighbors only, not the ones
#   added with `gobgp global rib add`. GoBGP drops routes with a 127/8 next hop.
#
# Works with or without set -eu. IPv6 routers (in a test's own network
# namespace): BIRD_ROUTER_ID and GOBGP_ROUTER_ID give the IPv4 router id
# their address cannot be. Environment: top_builddir (where
# bgpd/lbbgpd and bgpctl/bgpctl are built; default: . when it holds a
# config.status, else the source tree), LBBGPD and BGPCTL (binaries),
# LBBGPD_WRAPPER (e.g. "valgrind -q --error-exitcode=99"), KEEP_TMP=1 (keep
# $T), ITEST_LOG_LINES (log lines dumped on failure, default 200),
# GOBGP_LOG_LEVEL (default debug).

ITEST_PIDS=
ITEST_LOGS=
ITEST_PY=/usr/bin/python3
ITEST_DIR=$(cd "$(dirname "$0")" && pwd)
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac
if [ -z "${top_builddir:-}" ]; then
	if [ -f ./config.status ]; then top_builddir=.; else top_builddir=$ITEST_DIR/../..; fi
fi
top_builddir=$(cd "$top_builddir" && pwd)

# ---- basics -------------------------------------------------------------

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }
itest_skip() { echo "SKIP: $*"; exit 77; }
itest_log() { echo "# $*"; }

# itest_init NAME: temp dir $T, cleanup trap, root check.
itest_init() {
	ITEST_NAME=$1
	[ "$(id -u)" -eq 0 ] || itest_skip "$ITEST_NAME needs root (binds port 179)"
	T=$(mktemp -d "${TMPDIR:-/tmp}/lbbgp-$ITEST_NAME.XXXXXX") || fail "mktemp"
	trap itest_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	trap 'exit 141' PIPE
	itest_log "$ITEST_NAME: temp dir $T, top_builddir $top_builddir"
}

# itest_need TOOL...: skip the test (77) when a tool is missing.
itest_need() {
	for _n_tool in "$@"; do
		command -v "$_n_tool" >/dev/null 2>&1 || itest_skip "$_n_tool not installed"
	done
}

itest_track() { ITEST_PIDS="$ITEST_PIDS $1"; }
itest_untrack() {
	_u_new=
	for _u_pid in $ITEST_PIDS; do [ "$_u_pid" = "$1" ] || _u_new="$_u_new $_u_pid"; done
	ITEST_PIDS=$_u_new
}
itest_add_log() {
	case " $ITEST_LOGS " in *" $1 "*) ;; *) ITEST_LOGS="$ITEST_LOGS $1" ;; esac
}

# itest_alive PID: running and not a zombie waiting to be reaped by us.
itest_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	_a_state=$(sed -n 's/^[0-9]* (.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)
	[ "$_a_state" != Z ]
}

# itest_kill PID [SECONDS]: TERM, wait (default 3 s), then KILL; reap it.
itest_kill() {
	if itest_alive "$1"; then
		kill -TERM "$1" 2>/dev/null || :
		wait_for "${2:-3}" itest_dead "$1" 2>/dev/null || kill -KILL "$1" 2>/dev/null || :
	fi
	wait "$1" 2>/dev/null || :
}
itest_dead() { ! itest_alive "$1"; }

# itest_port_free ADDR PORT: fail early, and clearly, when a leftover daemon
# (an earlier run killed with SIGKILL?) or another test holds ADDR:PORT.
itest_port_free() {
	command -v ss >/dev/null 2>&1 || return 0
	case $1 in
	*:*) _p_src="[$1]:$2" ;;
	*) _p_src="$1:$2" ;;
	esac
	_p_users=$(ss -Htlnp "src $_p_src" 2>/dev/null)
	[ -z "$_p_users" ] || fail "$1:$2 is already in use: $_p_users"
}

itest_cleanup() {
	_c_rc=$?
	trap - EXIT INT TERM HUP PIPE
	for _c_pid in $ITEST_PIDS; do itest_kill "$_c_pid"; done
	if [ "$_c_rc" -ne 0 ] && [ "$_c_rc" -ne 77 ]; then
		echo "FAIL: $ITEST_NAME exited $_c_rc; daemon logs follow" >&2
		for _c_log in $ITEST_LOGS; do
			[ -f "$_c_log" ] || continue
			echo "----- ${_c_log#"$T"/} (last ${ITEST_LOG_LINES:-200} lines) -----" >&2
			tail -n "${ITEST_LOG_LINES:-200}" "$_c_log" >&2
		done
	fi
	if [ "${KEEP_TMP:-0}" = 1 ]; then echo "# kept $T" >&2; else rm -rf "$T"; fi
	exit "$_c_rc"
}

# wait_for TIMEOUT_S CMD...: run CMD (output hidden) every 0.1 s until it
# succeeds; TIMEOUT_S is whole seconds. Returns 1 and says so on timeout.
wait_for() {
	_w_end=$(( $(itest_now) + $1 * 100 )); shift
	until "$@" >/dev/null 2>&1; do
		if [ "$(itest_now)" -ge "$_w_end" ]; then
			echo "timed out waiting for: $*" >&2
			return 1
		fi
		sleep 0.1
	done
}
# itest_now: monotonic time in 1/100 s (from /proc/uptime).
itest_now() { read -r _n_up _n_idle </proc/uptime; echo "${_n_up%.*}${_n_up#*.}"; }

# ---- assertions ---------------------------------------------------------

assert_eq() {
	[ "$1" = "$2" ] && return 0
	printf '%s\n' "$1" >"$T/expected"
	printf '%s\n' "$2" >"$T/actual"
	echo "assertion failed: $3 (--- expected, +++ actual)" >&2
	diff -u "$T/expected" "$T/actual" >&2 || :
	fail "$3"
}
assert_contains() {
	case $1 in *"$2"*) return 0 ;; esac
	printf 'assertion failed: %s\n  text: %s\n  does not contain: %s\n' "$3" "$1" "$2" >&2
	fail "$3"
}

# run CMD...: sets rc (exit status), out (stdout) and err (stderr).
run() {
	rc=0
	"$@" >"$T/stdout" 2>"$T/stderr" || rc=$?
	out=$(cat "$T/stdout")
	err=$(cat "$T/stderr")
}
# expect_rc RC WHAT: the last run exited RC.
expect_rc() {
	[ "$rc" = "$1" ] && return 0
	printf 'stdout: %s\nstderr: %s\n' "$out" "$err" >&2
	fail "$2: exit status $rc, wanted $1"
}

# ---- route normaliser (python: BIRD text or GoBGP json on stdin) ----------

ITEST_NORMALISE='
import json, re, sys

def fmt(r):
    out = [r["prefix"]]
    if r.get("nh") is not None: out.append("nh=" + r["nh"])
    out.append("aspath=" + r.get("aspath", ""))
    if r.get("comm"): out.append("comm=" + " ".join("(%d,%d)" % c for c in sorted(r["comm"])))
    if r.get("lcomm"): out.append("lcomm=" + " ".join("(%d,%d,%d)" % c for c in sorted(r["lcomm"])))
    if r.get("lp") is not None: out.append("lp=%d" % r["lp"])
    if r.get("med") is not None: out.append("med=%d" % r["med"])
    return " ".join(out)

def bird(text):
    routes, cur, prefix = [], None, None
    for raw in text.splitlines():
        if raw.startswith("\t") and cur is not None:
            key, _, val = raw.strip().partition(":")
            val = val.strip()
            if key == "BGP.next_hop": cur["nh"] = val.split()[0] if val else ""
            elif key == "BGP.as_path": cur["aspath"] = " ".join(val.split())
            elif key == "BGP.local_pref": cur["lp"] = int(val)
            elif key == "BGP.med": cur["med"] = int(val)
            elif key == "BGP.community":
                cur["comm"] = [tuple(map(int, m)) for m in re.findall(r"\((\d+),\s*(\d+)\)", val)]
            elif key == "BGP.large_community":
                cur["lcomm"] = [tuple(map(int, m)) for m in re.findall(r"\((\d+),\s*(\d+),\s*(\d+)\)", val)]
        elif raw[:1].isspace() and prefix and "[" in raw:
            cur = {"prefix": prefix}; routes.append(cur)   # another route, same prefix
        elif raw and "/" in raw.split()[0] and "[" in raw:
            prefix = raw.split()[0]
            cur = {"prefix": prefix}; routes.append(cur)
    return routes

def gobgp(text):
    routes = []
    for doc in text.split("\n"):
        if not doc.strip(): continue
        for prefix, paths in json.loads(doc).items():
            for p in paths:
                if not p.get("neighbor-ip"): continue     # locally added
                r = {"prefix": prefix}
                for a in p.get("attrs", []):
                    t = a.get("type")
                    if t == 2:
                        segs = []
                        for s in a.get("as_paths") or []:
                            asns = " ".join(str(x) for x in s.get("asns", []))
                            segs.append("{" + asns + "}" if s.get("segment_type") == 1 else asns)
                        r["aspath"] = " ".join(segs)
                    elif t in (3, 14): r["nh"] = a.get("nexthop", "")
                    elif t == 4: r["med"] = a.get("metric", 0)
                    elif t == 5: r["lp"] = a.get("value", a.get("local_pref", 0))
                    elif t == 8: r["comm"] = [(c >> 16, c & 0xffff) for c in a.get("communities", [])]
                    elif t == 32:
                        r["lcomm"] = [(v["ASN"], v["LocalData1"], v["LocalData2"]) for v in a.get("value", [])]
                routes.append(r)
    return routes

routes = bird(sys.stdin.read()) if sys.argv[1] == "bird" else gobgp(sys.stdin.read())
for line in sorted(fmt(r) for r in routes):
    print(line)
'
itest_normalise() { "$ITEST_PY" -c "$ITEST_NORMALISE" "$1"; }

# ---- BIRD ---------------------------------------------------------------

# bird_start NAME ADDR AS PEER_ADDR PEER_AS [EXTRA [TOPLEVEL [EXPORT]]]
# EXTRA goes inside `protocol bgp lb { }` (e.g. "graceful restart on;"),
# TOPLEVEL before it (e.g. a protocol static and a filter), EXPORT is the
# export clause of both channels (default none; e.g. "filter to_lb").
bird_start() {
	_b_d=$T/$1
	mkdir -p "$_b_d"
	cat >"$_b_d/bird.conf" <<EOF
# $1: BIRD test router for lbbgp integration tests; no protocol kernel.
log "$_b_d/bird.log" all;
router id ${BIRD_ROUTER_ID:-$2};
protocol device { }
${7:-}
protocol bgp lb {
	local $2 port 179 as $3;
	neighbor $4 port 179 as $5;
	strict bind yes;
	multihop;
	connect delay time 1;
	connect retry time 1;
	error wait time 1, 5;
	ipv4 { import all; export ${8:-none}; };
	ipv6 { import all; export ${8:-none}; };
	${6:-}
}
EOF
	bird -p -c "$_b_d/bird.conf" >&2 || fail "bird $1: bad config $_b_d/bird.conf"
	itest_port_free "$2" 179
	bird_run "$1"
}

# bird_run NAME: start bird with the config bird_start wrote; wait for its socket.
bird_run() {
	_b_d=$T/$1
	itest_add_log "$_b_d/bird.log"
	itest_add_log "$_b_d/bird.out"
	bird -f -c "$_b_d/bird.conf" -s "$_b_d/sock" -P "$_b_d/pid" >>"$_b_d/bird.out" 2>&1 &
	echo $! >"$_b_d/run.pid"
	itest_track $!
	wait_for 10 bird_cli "$1" show status || fail "bird $1 did not start"
	itest_log "bird $1 started, pid $(cat "$_b_d/run.pid")"
}

bird_stop() {
	_b_pid=$(cat "$T/$1/run.pid") || fail "bird $1 is not running"
	itest_kill "$_b_pid"
	itest_untrack "$_b_pid"
	rm -f "$T/$1/run.pid"
	itest_log "bird $1 stopped"
}

bird_restart() { bird_stop "$1"; bird_run "$1"; }

# bird_cli NAME ARGS...: birdc against this instance (e.g. reload in lb).
bird_cli() { _bc_name=$1; shift; birdc -s "$T/$_bc_name/sock" "$@"; }

# bird_state NAME: Established, Active, Connect, OpenSent, Idle, ...
bird_state() {
	_b_out=$(bird_cli "$1" show protocols all lb) || return 1
	printf '%s\n' "$_b_out" | sed -n 's/^ *BGP state: *\([A-Za-z]*\).*/\1/p'
}

bird_routes() {
	_b_out=$(bird_cli "$1" show route all protocol lb) || return 1
	printf '%s\n' "$_b_out" | itest_normalise bird
}

# bird_route_count NAME: routes imported from lb, both channels.
bird_route_count() {
	_b_out=$(bird_cli "$1" show protocols all lb) || return 1
	printf '%s\n' "$_b_out" | awk '$1 == "Routes:" { n += $2 } END { print n + 0 }'
}

# ---- GoBGP --------------------------------------------------------------

# gobgp_start NAME ADDR AS PEER_ADDR PEER_AS APIPORT [EXTRA_TOML]
# EXTRA_TOML is appended to the file: start it with a table header, e.g.
# "[neighbors.graceful-restart.config]" (it applies to the one neighbor).
gobgp_start() {
	_g_d=$T/$1
	mkdir -p "$_g_d"
	echo "$6" >"$_g_d/apiport"
	echo "$4" >"$_g_d/peer"
	echo "${GOBGP_ROUTER_ID:-$2}" >"$_g_d/addr"
	cat >"$_g_d/gobgpd.toml" <<EOF
# $1: GoBGP test router for lbbgp integration tests.
[global.config]
  as = $3
  router-id = "${GOBGP_ROUTER_ID:-$2}"
  port = 179
  local-address-list = ["$2"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$4"
    peer-as = $5
  [neighbors.transport.config]
    local-address = "$2"
  [neighbors.timers.config]
    connect-retry = 1
    idle-hold-time-after-reset = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
${7:-}
EOF
	gobgpd -d -f "$_g_d/gobgpd.toml" >"$_g_d/dryrun.log" 2>&1 ||
		{ cat "$_g_d/dryrun.log" >&2; fail "gobgp $1: bad config $_g_d/gobgpd.toml"; }
	itest_port_free "$2" 179
	itest_port_free 127.0.0.1 "$6"
	gobgp_run "$1"
}

gobgp_run() {
	_g_d=$T/$1
	itest_add_log "$_g_d/gobgpd.log"
	gobgpd -f "$_g_d/gobgpd.toml" -p --log-level "${GOBGP_LOG_LEVEL:-debug}" \
		--api-hosts "127.0.0.1:$(cat "$_g_d/apiport")" --pprof-disable \
		>>"$_g_d/gobgpd.log" 2>&1 &
	echo $! >"$_g_d/run.pid"
	itest_track $!
	# Another test's gobgpd on our API port would answer too: check the router id.
	wait_for 10 itest_gobgp_up "$1" || fail "gobgpd $1 did not start (API port in use?)"
	itest_log "gobgpd $1 started, pid $(cat "$_g_d/run.pid")"
}

itest_gobgp_up() {
	itest_alive "$(cat "$T/$1/run.pid")" || return 1
	gobgp_cli "$1" global | grep -q "^Router-ID: *$(cat "$T/$1/addr")\$"
}

gobgp_stop() {
	_g_pid=$(cat "$T/$1/run.pid") || fail "gobgpd $1 is not running"
	itest_kill "$_g_pid"
	itest_untrack "$_g_pid"
	rm -f "$T/$1/run.pid"
	itest_log "gobgpd $1 stopped"
}

gobgp_restart() { gobgp_stop "$1"; gobgp_run "$1"; }

# gobgp_cli NAME ARGS...: the gobgp CLI against this instance.
gobgp_cli() { _gc_name=$1; shift; gobgp -p "$(cat "$T/$_gc_name/apiport")" "$@"; }

# gobgp_state NAME: established, active, connect, opensent, idle, ...
gobgp_state() {
	_g_out=$(gobgp_cli "$1" neighbor "$(cat "$T/$1/peer")") || return 1
	printf '%s\n' "$_g_out" | sed -n 's/^ *BGP state = \([A-Za-z]*\).*/\1/p' |
		tr '[:upper:]' '[:lower:]'
}

# gobgp_routes NAME [ipv4|ipv6]: learned routes, normalised (both families by default).
gobgp_routes() {
	_g_json=
	for _g_af in ${2:-ipv4 ipv6}; do
		_g_json="$_g_json
$(gobgp_cli "$1" global rib -a "$_g_af" -j)" || return 1
	done
	printf '%s\n' "$_g_json" | itest_normalise gobgp
}

# gobgp_route_count NAME: routes accepted from the neighbor, all families.
gobgp_route_count() {
	_g_out=$(gobgp_cli "$1" neighbor "$(cat "$T/$1/peer")") || return 1
	printf '%s\n' "$_g_out" | awk '$1 == "Accepted:" { n += $2 } END { print n + 0 }'
}

# ---- waiting on peers ---------------------------------------------------

# wait_state bird|gobgp NAME STATE TIMEOUT_S (state compared case-insensitively)
wait_state() {
	wait_for "$4" itest_state_is "$1" "$2" "$3" && return 0
	echo "$1 $2: state is '$("$1"_state "$2")', wanted $3" >&2
	return 1
}
itest_state_is() {
	_s_now=$("$1"_state "$2" | tr '[:upper:]' '[:lower:]')
	[ "$_s_now" = "$(echo "$3" | tr '[:upper:]' '[:lower:]')" ]
}

# wait_routes bird|gobgp NAME COUNT TIMEOUT_S
wait_routes() {
	wait_for "$4" itest_count_is "$1" "$2" "$3" && return 0
	echo "$1 $2: $("$1"_route_count "$2") routes, wanted $3" >&2
	return 1
}
itest_count_is() { [ "$("$1"_route_count "$2")" = "$3" ]; }

# ---- lbbgpd and bgpctl --------------------------------------------------

LBBGPD_PID=

# lbbgpd_start CONF: run lbbgpd -d in the background, wait for its socket.
lbbgpd_start() {
	_l_bin=${LBBGPD:-$top_builddir/bgpd/lbbgpd}
	[ -x "$_l_bin" ] || fail "lbbgpd not built: $_l_bin"
	itest_add_log "$T/lbbgpd.log"
	# shellcheck disable=SC2086 # LBBGPD_WRAPPER is a command line to split
	${LBBGPD_WRAPPER:-} "$_l_bin" -d -f "$1" -s "$T/lbbgpd.sock" >>"$T/lbbgpd.log" 2>&1 &
	LBBGPD_PID=$!
	itest_track "$LBBGPD_PID"
	wait_for 10 itest_lbbgpd_up || fail "lbbgpd does not answer on $T/lbbgpd.sock"
	itest_alive "$LBBGPD_PID" || fail "lbbgpd exited at start"
	itest_log "lbbgpd started, pid $LBBGPD_PID"
}
# Up when the control socket accepts a connection (a stale one from a killed
# lbbgpd does not), or when it died.
itest_lbbgpd_up() {
	! itest_alive "$LBBGPD_PID" || "$ITEST_PY" -c 'import socket, sys
socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$T/lbbgpd.sock"
}

# lbbgpd_stop: SIGTERM; fails unless it exits, with status 0, within 5 s.
lbbgpd_stop() {
	[ -n "$LBBGPD_PID" ] || fail "lbbgpd is not running"
	kill -TERM "$LBBGPD_PID" 2>/dev/null || :
	wait_for 5 itest_dead "$LBBGPD_PID" || fail "lbbgpd did not exit within 5 s of SIGTERM"
	_l_rc=0
	wait "$LBBGPD_PID" || _l_rc=$?
	itest_untrack "$LBBGPD_PID"
	LBBGPD_PID=
	[ "$_l_rc" -eq 0 ] || fail "lbbgpd exited with status $_l_rc after SIGTERM"
	itest_log "lbbgpd stopped"
}

# lbbgpd_kill9: crash it (for state-file and restart tests).
lbbgpd_kill9() {
	[ -n "$LBBGPD_PID" ] || fail "lbbgpd is not running"
	kill -KILL "$LBBGPD_PID" 2>/dev/null || :
	wait "$LBBGPD_PID" 2>/dev/null || :
	itest_untrack "$LBBGPD_PID"
	LBBGPD_PID=
	itest_log "lbbgpd killed with SIGKILL"
}

# ctl ARGS...: bgpctl against the test's lbbgpd.
ctl() { "${BGPCTL:-$top_builddir/bgpctl/bgpctl}" -s "$T/lbbgpd.sock" "$@"; }

# itest_nbr_json NAME EXPR: EXPR (Python, on n) for neighbor NAME's entry
# of bgpctl -j show neighbor NAME.
itest_nbr_json() {
	ctl -j show neighbor "$1" | "$ITEST_PY" -c 'import json, sys
n = json.load(sys.stdin)["neighbors"][0]
print(eval(sys.argv[1]))' "$2"
}

# itest_bfd_json NAME EXPR: EXPR (Python, on s) for neighbor NAME's
# session in bgpctl -j show bfd.
itest_bfd_json() {
	ctl -j show bfd | "$ITEST_PY" -c 'import json, sys
r = json.load(sys.stdin)
s = [b for b in r["bfd"] if b["neighbor"] == sys.argv[1]][0]
print(eval(sys.argv[2]))' "$1" "$2"
}

# ---- log clocks ---------------------------------------------------------

# itest_wall_ms: the wall clock in milliseconds, as the logs write it.
itest_wall_ms() { date +%s%3N; }

# itest_log_ms FILE PATTERN AFTER_MS: the time (ms since 1970) of the first
# line of FILE matching PATTERN (a Python regex) logged at or after
# AFTER_MS; empty if none.  Lines start with the local time as
# "YYYY-MM-DD HH:MM:SS.mmm" (lbbgpd, BIRD with timeformat log
# "%F %T.%3f") or "YYYY/MM/DD HH:MM:SS.mmm" (FRR with log timestamp
# precision 3).
itest_log_ms() {
	"$ITEST_PY" - "$@" <<'PY'
import re, sys, time
path, pat, after = sys.argv[1], re.compile(sys.argv[2]), int(sys.argv[3])
for line in open(path, errors="replace"):
    m = re.match(r"(\d{4})[-/](\d\d)[-/](\d\d) (\d\d:\d\d:\d\d)\.(\d{3}) ", line)
    if not m or not pat.search(line):
        continue
    t = time.strptime("%s-%s-%s %s" % m.group(1, 2, 3, 4), "%Y-%m-%d %H:%M:%S")
    ms = int(time.mktime(t)) * 1000 + int(m.group(5))
    if ms >= after:
        print(ms)
        break
PY
}
itest_logged_after() { [ -n "$(itest_log_ms "$@")" ]; }

# itest_stop_until WHO PID FILE PATTERN [FILE PATTERN]...: SIGSTOP PID
# (WHO names it), wait up to 3 s for a line matching each PATTERN in its
# FILE, logged after the signal, then SIGCONT (also on failure).
# ITEST_STOP_MS is the wall clock read just before the signal, so times
# measured from it can only come out too long, never too short.
itest_stop_until() {
	_st_who=$1
	_st_pid=$2
	shift 2
	ITEST_STOP_MS=$(itest_wall_ms)
	kill -STOP "$_st_pid"
	while [ $# -ge 2 ]; do
		if ! wait_for 3 itest_logged_after "$1" "$2" "$ITEST_STOP_MS"; then
			kill -CONT "$_st_pid"
			fail "$_st_who stopped: no line of ${1#"$T"/} matched '$2' within 3 s"
		fi
		shift 2
	done
	kill -CONT "$_st_pid"
}
# itest_ms_since_stop FILE PATTERN: milliseconds from itest_stop_until's
# signal to the first line of FILE matching PATTERN after it.
itest_ms_since_stop() {
	echo $(($(itest_log_ms "$1" "$2" "$ITEST_STOP_MS") - ITEST_STOP_MS))
}

# itest_bfd_peer_stop NAME WHO PID DETECT_MS: SIGSTOP the router of
# neighbor NAME (PID, WHO names it) until lbbgpd's BFD finds it gone and
# closes the BGP session with Cease/BFD Down (RFC 9384), then SIGCONT.
# Fails unless that took at most DETECT_MS, the detection time (+ 50 ms
# for the test's own clock), with one Cease and Established -> Idle
# (BfdSessionDown).  Sets ITEST_CEASE_MS.
itest_bfd_peer_stop() {
	_bs_cease="neighbor $1: sending NOTIFICATION Cease/BFD Down \\(6/10\\)"
	_bs_n=$(grep -c "neighbor $1: sending NOTIFICATION Cease/BFD Down (6/10)" "$T/lbbgpd.log")
	itest_stop_until "$2" "$3" "$T/lbbgpd.log" "$_bs_cease"
	_bs_down=$(itest_ms_since_stop "$T/lbbgpd.log" \
		"neighbor $1: BFD Up -> Down \\(Control Detection Time Expired\\)")
	ITEST_CEASE_MS=$(itest_ms_since_stop "$T/lbbgpd.log" "$_bs_cease")
	itest_log "SIGSTOP $2: lbbgpd's BFD Down after $_bs_down ms, Cease/BFD Down after $ITEST_CEASE_MS ms (detection time $4 ms)"
	[ "$ITEST_CEASE_MS" -le $(($4 + 50)) ] ||
		fail "lbbgpd sent Cease/BFD Down $ITEST_CEASE_MS ms after SIGSTOP of $2, more than the detection time ($4 ms, + 50 ms of test clock)"
	grep -q "neighbor $1: Established -> Idle (BfdSessionDown)" "$T/lbbgpd.log" ||
		fail "no Established -> Idle (BfdSessionDown)"
	[ "$(grep -c "neighbor $1: sending NOTIFICATION Cease/BFD Down (6/10)" "$T/lbbgpd.log")" -eq $((_bs_n + 1)) ] ||
		fail "not exactly one Cease/BFD Down"
}

# itest_bfd_self_stop ROUTER DETECT_MS BFD_FILE BFD_PATTERN BGP_FILE
# BGP_PATTERN: SIGSTOP lbbgpd until ROUTER logs that its BFD session went
# Down (BFD_PATTERN in BFD_FILE) and its BGP session with it (BGP_PATTERN
# in BGP_FILE), then SIGCONT.  Fails unless each took at most the
# detection time DETECT_MS + 100 ms.  The times are the router's own: it
# stamps each line to the millisecond when it acts, where polling its CLI
# would add the CLI's start-up (tens of ms a call).  Both are this host's
# wall clock, and the detection time runs from lbbgpd's last packet,
# sent before the signal.  Sets ITEST_BFD_MS and ITEST_BGP_MS.
itest_bfd_self_stop() {
	itest_stop_until lbbgpd "$LBBGPD_PID" "$3" "$4" "$5" "$6"
	ITEST_BFD_MS=$(itest_ms_since_stop "$3" "$4")
	ITEST_BGP_MS=$(itest_ms_since_stop "$5" "$6")
	itest_log "SIGSTOP lbbgpd: $1's BFD Down after $ITEST_BFD_MS ms, its BGP down after $ITEST_BGP_MS ms (detection time $2 ms)"
	[ "$ITEST_BFD_MS" -le $(($2 + 100)) ] ||
		fail "$1's BFD went Down $ITEST_BFD_MS ms after SIGSTOP, more than $2 + 100 ms"
	[ "$ITEST_BGP_MS" -le $(($2 + 100)) ] ||
		fail "$1's BGP went down $ITEST_BGP_MS ms after SIGSTOP, more than $2 + 100 ms"
}
