#!/bin/sh
# security.sh: TCP-MD5 (RFC 2385) and GTSM (RFC 5082) against BIRD.
# lbbgpd (AS 64513) on 127.0.4.1 with four neighbors, all BIRD (AS 64512):
#   .2  password "s3cret" on both sides            -> Established, routes
#   .4  BIRD has the password "wrong"               -> no session, logged
#   .5  ttl-security yes on both sides              -> Established
#   .6  lbbgpd requires TTL 255, BIRD sends TTL 64  -> no session
# Test 4: 127.0.4.0/24.
. "$(dirname "$0")/lib.sh"
itest_init security
itest_need bird birdc

cat >"$T/lbbgp.conf" <<'EOF'
router-id 10.0.4.1
local-as 64513
listen on 127.0.4.1 port 179

pool vips {
	addresses 192.168.4.0/28
}

neighbor md5-ok {
	address 127.0.4.2
	remote-as 64512
	connect-retry 1
	password "s3cret"
}
neighbor md5-bad {
	address 127.0.4.4
	remote-as 64512
	connect-retry 1
	password "s3cret"
}
neighbor gtsm-ok {
	address 127.0.4.5
	remote-as 64512
	connect-retry 1
	ttl-security yes
}
neighbor gtsm-bad {
	address 127.0.4.6
	remote-as 64512
	connect-retry 1
	ttl-security yes
}

advertisement all {
	pools vips
}

vip 192.168.4.1
vip 192.168.4.2
EOF

bird_start md5ok 127.0.4.2 64512 127.0.4.1 64513 'password "s3cret";'
bird_start md5bad 127.0.4.4 64512 127.0.4.1 64513 'password "wrong";'
# BIRD's "ttl security" replaces multihop: TTL 255 out, 255 required in.
bird_start gtsmok 127.0.4.5 64512 127.0.4.1 64513 'ttl security yes;'
bird_start gtsmbad 127.0.4.6 64512 127.0.4.1 64513
lbbgpd_start "$T/lbbgp.conf"

wait_state bird md5ok Established 20 || fail "TCP-MD5 with the right password: no session"
wait_routes bird md5ok 2 10 || fail "TCP-MD5 session: routes missing"
pass "TCP-MD5 with matching passwords: Established, routes received"

wait_state bird gtsmok Established 20 || fail "GTSM on both sides: no session"
wait_routes bird gtsmok 2 10 || fail "GTSM session: routes missing"
pass "GTSM on both sides: Established"

# Give the bad ones time to try several times.
sleep 6
state=$(bird_state md5bad)
[ "$state" != Established ] || fail "wrong TCP-MD5 password: session came up"
grep -q "TCP-MD5: the kernel dropped" "$T/lbbgpd.log" ||
	fail "no log line about the TCP-MD5 mismatch"
pass "wrong TCP-MD5 password: no session ($state), and lbbgpd says why"

state=$(bird_state gtsmbad)
[ "$state" != Established ] || fail "GTSM: a peer sending TTL 64 got a session"
pass "GTSM: a peer that does not send TTL 255 gets no session ($state)"

lbbgpd_stop
