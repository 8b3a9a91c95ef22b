#!/bin/sh
# packaging.sh: what make install adds for operators.  The bash completion
# of bgpctl (contrib/bash-completion/bgpctl), run by bash with and without
# the bash-completion package: commands, sub-commands and keywords with
# no daemon; neighbor names, pools, VIPs (IPv6 too) and owners live from
# lbbgpd; words a shell could not take are left out; a daemon that does
# not answer costs at most about 2 seconds and offers nothing.  The
# systemd unit (contrib/lbbgpd.service): systemd-analyze verify, with
# ExecStart pointed at the lbbgpd just built (skipped without
# systemd-analyze; check.sh verifies the installed unit too).
# lbbgpd (AS 64513) on 127.0.16.5 with a neighbor nobody answers.
# Test 16: 127.0.16.0/24 (ctlsec.sh uses .1 and .2, this one .5 and .6).
. "$(dirname "$0")/lib.sh"
itest_init packaging
itest_need bash
top_srcdir=${top_srcdir:-$ITEST_DIR/../..}
BGPCTL=${BGPCTL:-$top_builddir/bgpctl/bgpctl}
[ -x "$BGPCTL" ] || fail "bgpctl not built: $BGPCTL"
COMPLETION=$top_srcdir/contrib/bash-completion/bgpctl
[ -f "$COMPLETION" ] || fail "no completion script: $COMPLETION"

cat >"$T/lbbgp.conf" <<'EOF'
router-id 10.0.16.5
local-as 64513
listen on 127.0.16.5 port 179

pool general-pool {
	addresses 192.168.1.240-192.168.1.249
}
pool v6-pool {
	addresses 2001:db8:16::/120
}

neighbor router-1 {
	address 127.0.16.6
	remote-as 64512
}
neighbor edge-2 {
	address 127.0.16.7
	remote-as 64512
	passive yes
}

advertisement all {
}
EOF

# The harness: COMP_WORDS from a command line (a trailing space starts a
# new word), then the words offered, sorted, on one line.
cat >"$T/comp.bash" <<'EOF'
[ -n "$WITH_BASH_COMPLETION" ] && . "$WITH_BASH_COMPLETION"
. "$COMPLETION"
comp() {
	local line=$1
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	_bgpctl "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
	echo
}
while IFS= read -r l; do
	comp "$l"
done
EOF

# complete [BASH_COMPLETION] < LINES: the offers for each line, one per line.
complete_lines() {
	WITH_BASH_COMPLETION=${1:-} COMPLETION=$COMPLETION bash "$T/comp.bash"
}

# check_table BASH_COMPLETION: "LINE => OFFERS" rows on stdin.
check_table() {
	sed 's/ => .*//' "$T/table" | sed "s|^|$BGPCTL |" >"$T/lines"
	sed 's/.* => //' "$T/table" >"$T/want"
	complete_lines "$1" <"$T/lines" >"$T/got" || fail "bash failed on the completion"
	if ! diff -u "$T/want" "$T/got" >"$T/diff"; then
		paste -d'|' "$T/lines" "$T/got" >&2
		cat "$T/diff" >&2
		fail "completion ${1:+with $1 }offers other words than expected"
	fi
}

flavours=none
[ -f /usr/share/bash-completion/bash_completion ] &&
	flavours="$flavours /usr/share/bash-completion/bash_completion"

# ---- no daemon --------------------------------------------------------------

S="-s $T/lbbgpd.sock"
cat >"$T/table" <<EOF
 => add allocate drain neighbor reload show undrain withdraw
- => -j -s
s => show
-j $S sh => show
$S show  => bfd checks fleet metrics neighbor pools rib summary vips
$S sh r => rib
$S show rib  => in neighbor out
$S show rib in  => neighbor
$S show vips  => owner pool
$S add 192.0.2.1  => check community owner pool sharing-key
$S add 192.0.2.1 community no-export  => blackhole check community graceful-shutdown no-advertise no-export no-export-subconfed no-peer owner pool sharing-key
$S add 192.0.2.1 own => owner
$S allocate  => owner pool sharing-key
$S allocate pool x  => owner sharing-key
$S neighbor x  => clear down refresh up
$S neighbor x down  => reason
$S neighbor  => 
$S withdraw  => 
$S reload  => 
EOF
for f in $flavours; do
	[ "$f" = none ] && f=
	start=$(itest_now)
	check_table "$f"
	took=$(($(itest_now) - start))
	[ "$took" -lt 300 ] || fail "completion without a daemon took $took/100 s"
done
pass "completion without a daemon: commands, sub-commands and keywords ($flavours)"

# ---- live words -------------------------------------------------------------

itest_port_free 127.0.16.5 179
lbbgpd_start "$T/lbbgp.conf"
ctl add 192.168.1.241 owner default/web >/dev/null || fail "add"
ctl add 2001:db8:16::5 owner istio-system/gw >/dev/null || fail "add IPv6"
ctl add 192.168.1.242 owner 'has space' >/dev/null || fail "add with a space"
ctl add 192.168.1.243 owner 'glob*' >/dev/null || fail "add with a star"
S="-s $T/lbbgpd.sock"
cat >"$T/table" <<EOF
$S neighbor  => edge-2 router-1
$S neighbor r => router-1
$S sh nei  => edge-2 router-1
$S show rib out neighbor  => edge-2 router-1
$S show vips  => 192.168.1.241 192.168.1.242 192.168.1.243 2001:db8:16::5 owner pool
$S show vips pool  => general-pool v6-pool
$S show vips owner  => default/web istio-system/gw
$S add 192.168.1.244 pool  => general-pool v6-pool
$S add 192.168.1.244 pool g => general-pool
$S allocate owner  => default/web istio-system/gw
$S withdraw  => 192.168.1.241 192.168.1.242 192.168.1.243 2001:db8:16::5
$S withdraw 192.168.1.241  => 192.168.1.242 192.168.1.243 2001:db8:16::5 owner
$S withdraw 2001:db8:16 => 16::5
$S withdraw 2001:db8:16:: => 5
$S withdraw 192.168.1.241 owner  => default/web istio-system/gw
-s$T/lbbgpd.sock neighbor  => edge-2 router-1
-js $T/lbbgpd.sock neighbor  => edge-2 router-1
EOF
for f in $flavours; do
	[ "$f" = none ] && f=
	check_table "$f"
done
pass "completion: neighbors, pools, VIPs and owners from lbbgpd; no word a shell cannot take"

# bgpctl -C itself: one word per line, nothing else.
assert_eq "edge-2
router-1" "$(ctl -C neighbors | sort)" "bgpctl -C neighbors"
run_rc=0
ctl -C nonsense >/dev/null 2>&1 || run_rc=$?
assert_eq 2 "$run_rc" "bgpctl -C with an unknown list"

# A daemon that accepts and never answers: at most ~2 s, nothing offered.
"$ITEST_PY" -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
open(sys.argv[2], "w").write("ready\n")
time.sleep(60)' "$T/stuck.sock" "$T/stuck.ready" &
stuck=$!
itest_track "$stuck"
wait_for 5 test -f "$T/stuck.ready" || fail "the silent socket did not start"
echo "$BGPCTL -s $T/stuck.sock neighbor " >"$T/lines"
start=$(itest_now)
got=$(complete_lines <"$T/lines")
took=$(($(itest_now) - start))
assert_eq "" "$got" "completion against a silent daemon"
[ "$took" -lt 400 ] || fail "completion against a silent daemon took $took/100 s"
itest_kill "$stuck"
itest_untrack "$stuck"
pass "completion against a daemon that does not answer: nothing, in $took/100 s"

# ---- the systemd unit -------------------------------------------------------

unit=$top_builddir/contrib/lbbgpd.service
[ -f "$unit" ] || fail "contrib/lbbgpd.service was not built"
grep -q '^ExecStart=/[^ ]*/lbbgpd$' "$unit" || fail "ExecStart of $unit is not an absolute lbbgpd path"
grep -q '@sbindir@' "$unit" && fail "$unit still has @sbindir@"
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir "$T/unit"
	sed "s|^ExecStart=/[^ ]*/lbbgpd|ExecStart=$top_builddir/bgpd/lbbgpd|;
	     s|^ExecReload=/[^ ]*/lbbgpd -n|ExecReload=$top_builddir/bgpd/lbbgpd -n|" \
		"$unit" >"$T/unit/lbbgpd.service"
	systemd-analyze verify --man=no "$T/unit/lbbgpd.service" >"$T/verify" 2>&1 ||
		{ cat "$T/verify" >&2; fail "systemd-analyze verify lbbgpd.service"; }
	grep -q . "$T/verify" && { cat "$T/verify" >&2; fail "systemd-analyze verify complains"; }
	pass "systemd-analyze verify lbbgpd.service"
else
	itest_log "systemd-analyze not installed: the unit is not verified"
fi
