/*
 * check_conf_bfd.c - unit tests for the BFD and fabric statements of a
 * neighbor (bfd, bfd-min-tx, bfd-min-rx, bfd-multiplier, bfd-strict,
 * bfd-auth, extended-next-hop, vrf): every statement, value error and
 * message of the check pass is a table row; the rest covers the parsed
 * values and defaults, the canonical form, equality, what a reload needs
 * and that no message ever repeats a BFD key.  check_conf's print_refused
 * prints the statements the check pass refuses.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/conf_fixture.h"
#include "tests/unit/unit.h"

/* The start of a neighbor block; its statements begin on line 5. */
#define NBR(addr) "local-as 64513\nneighbor r1 {\n\taddress " addr "\n" \
	"\tremote-as 64512\n"
/* Neighbor rK with one statement, after a first line "local-as": the
 * statement is on line 5 x K. */
#define ONE(k, stmt) "neighbor r" #k " {\n\taddress 10.0.0." #k "\n" \
	"\tremote-as 64512\n\t" stmt "\n}\n"
#define TX_USAGE "usage: bfd-min-tx MILLISECONDS (10..60000)"
#define RX_USAGE "usage: bfd-min-rx MILLISECONDS (10..60000)"
#define MULT_USAGE "usage: bfd-multiplier 1..255"
#define AUTH_USAGE "usage: bfd-auth sha1|meticulous-sha1 KEYID \"KEY\" " \
	"(KEYID 0..255, KEY 1..20 bytes)"
#define VRF_USAGE "usage: vrf IFNAME (a VRF device), e.g. vrf blue"
#define TYPE_FIRST "the first value is the type, sha1 or meticulous-sha1; " \
	AUTH_USAGE "\n"
#define ID_SECOND "the second value is the key id, 0..255; " AUTH_USAGE "\n"
#define NO_EFFECT "has no effect without bfd yes; set bfd yes or remove it\n"

static const struct conf_row rows[] = {
	{ "every bfd and fabric statement", true,
	    NBR("2001:db8::1")
	    "\tbfd yes\n\tbfd-min-tx 50\n\tbfd-min-rx 100\n"
	    "\tbfd-multiplier 5\n\tbfd-strict yes\n"
	    "\tbfd-auth sha1 1 \"secret\"\n\textended-next-hop yes\n"
	    "\tvrf blue\n\tmultihop 3\n}\n",
	    "" },
	{ "limits", true,
	    NBR("10.0.0.1")
	    "\tbfd yes\n\tbfd-min-tx 10\n\tbfd-min-rx 60000\n"
	    "\tbfd-multiplier 1\n"
	    "\tbfd-auth meticulous-sha1 255 \"12345678901234567890\"\n"
	    "\tvrf abcdefghijklmno\n}\n"
	    "neighbor r2 {\n\taddress 10.0.0.2\n\tremote-as 64512\n"
	    "\tbfd yes\n\tbfd-min-tx 60000\n\tbfd-min-rx 10\n"
	    "\tbfd-multiplier 255\n"
	    "\tbfd-auth sha1 0 \"a \\\"b\\\" \\\\c # d\"\n"
	    "\tvrf vrf-blue.1\n}\n",
	    "" },
	{ "defaults and off forms written out", true,
	    NBR("10.0.0.1")
	    "\tbfd yes\n\tbfd-min-tx 300\n\tbfd-min-rx 300\n"
	    "\tbfd-multiplier 3\n\tbfd-strict no\n"
	    "\textended-next-hop no\n}\n"
	    "neighbor r2 {\n\taddress 10.0.0.2\n\tremote-as 64512\n"
	    "\tbfd no\n\textended-next-hop no\n}\n",
	    "" },
	{ "a key as a bare word", true,
	    NBR("10.0.0.1") "\tbfd yes\n\tbfd-auth sha1 1 secret\n}\n",
	    "" },
	{ "value errors", false,
	    NBR("10.0.0.1")
	    "\tbfd maybe\n\tbfd-min-tx 9\n\tbfd-min-rx 60001\n"
	    "\tbfd-multiplier 0\n\tbfd-strict 1\n"
	    "\textended-next-hop on\n\tvrf \"a b\"\n}\n"
	    "neighbor r2 {\n\taddress 10.0.0.2\n\tremote-as 64512\n"
	    "\tbfd-min-tx x\n\tbfd-min-rx 5\n\tbfd-multiplier 256\n"
	    "\tvrf abcdefghijklmnop\n\tvrf blue\n\tbfd-min-tx 100\n}\n",
	    "t.conf:5: neighbor r1: bfd: \"maybe\" is neither yes nor no; "
	    "usage: bfd yes|no\n"
	    "t.conf:6: neighbor r1: bfd-min-tx: 9 is out of range; "
	    TX_USAGE "\n"
	    "t.conf:7: neighbor r1: bfd-min-rx: 60001 is out of range; "
	    RX_USAGE "\n"
	    "t.conf:8: neighbor r1: bfd-multiplier: 0 is out of range; "
	    MULT_USAGE "\n"
	    "t.conf:9: neighbor r1: bfd-strict: \"1\" is neither yes nor "
	    "no; usage: bfd-strict yes|no\n"
	    "t.conf:10: neighbor r1: extended-next-hop: \"on\" is neither "
	    "yes nor no; usage: extended-next-hop yes|no\n"
	    "t.conf:11: neighbor r1: vrf: \"a b\" is not an interface name: "
	    "no /, : or spaces; " VRF_USAGE "\n"
	    "t.conf:16: neighbor r2: bfd-min-tx: \"x\" is not a number; "
	    TX_USAGE "\n"
	    "t.conf:17: neighbor r2: bfd-min-rx: 5 is out of range; "
	    RX_USAGE "\n"
	    "t.conf:18: neighbor r2: bfd-multiplier: 256 is out of range; "
	    MULT_USAGE "\n"
	    "t.conf:19: neighbor r2: vrf: \"abcdefghijklmnop\" is not an "
	    "interface name: 1 to 15 characters; " VRF_USAGE "\n"
	    "t.conf:20: neighbor r2: vrf already set at line 19; keep only "
	    "one\n"
	    "t.conf:21: neighbor r2: bfd-min-tx already set at line 16; "
	    "keep only one\n" },
	{ "bfd-auth errors", false,
	    "local-as 64513\n"
	    ONE(1, "bfd-auth md5 1 \"topsecret\"")
	    ONE(2, "bfd-auth SHA1 1 \"topsecret\"")
	    ONE(3, "bfd-auth \"topsecret\" sha1 1")
	    ONE(4, "bfd-auth topsecret sha1 1")
	    ONE(5, "bfd-auth sha1 \"topsecret\" 1")
	    ONE(6, "bfd-auth sha1 topsecret 1")
	    ONE(7, "bfd-auth sha1 256 \"topsecret\"")
	    ONE(8, "bfd-auth sha1 \"1\" \"topsecret\"")
	    ONE(9, "bfd-auth sha1 1 \"\"")
	    ONE(10, "bfd-auth sha1 1 \"topsecret-topsecret-x\"")
	    ONE(11, "bfd-auth sha1 1 top secret")
	    ONE(12, "bfd-auth sha1 1"),
	    "t.conf:5: neighbor r1: bfd-auth: " TYPE_FIRST
	    "t.conf:10: neighbor r2: bfd-auth: " TYPE_FIRST
	    "t.conf:15: neighbor r3: bfd-auth: " TYPE_FIRST
	    "t.conf:20: neighbor r4: bfd-auth: " TYPE_FIRST
	    "t.conf:25: neighbor r5: bfd-auth: " ID_SECOND
	    "t.conf:30: neighbor r6: bfd-auth: " ID_SECOND
	    "t.conf:35: neighbor r7: bfd-auth: " ID_SECOND
	    "t.conf:40: neighbor r8: bfd-auth: " ID_SECOND
	    "t.conf:45: neighbor r9: bfd-auth: the key is empty; "
	    AUTH_USAGE "\n"
	    "t.conf:50: neighbor r10: bfd-auth: the key is 21 bytes long, "
	    "more than 20 (RFC 5880 section 4.4); " AUTH_USAGE "\n"
	    "t.conf:55: neighbor r11: bfd-auth: the key is one value: put "
	    "it in double quotes; " AUTH_USAGE "\n"
	    "t.conf:60: neighbor r12: bfd-auth: missing value; "
	    AUTH_USAGE "\n" },
	{ "tuning without bfd yes", true,
	    NBR("10.0.0.1")
	    "\tbfd-min-tx 100\n\tbfd-min-rx 100\n\tbfd-multiplier 4\n"
	    "\tbfd-strict no\n\tbfd-auth sha1 1 \"topsecret\"\n}\n"
	    "neighbor r2 {\n\taddress 10.0.0.2\n\tremote-as 64512\n"
	    "\tbfd no\n\tbfd-multiplier 5\n}\n",
	    "t.conf:5: warning: neighbor r1: bfd-min-tx " NO_EFFECT
	    "t.conf:6: warning: neighbor r1: bfd-min-rx " NO_EFFECT
	    "t.conf:7: warning: neighbor r1: bfd-multiplier " NO_EFFECT
	    "t.conf:8: warning: neighbor r1: bfd-strict " NO_EFFECT
	    "t.conf:9: warning: neighbor r1: bfd-auth " NO_EFFECT
	    "t.conf:15: warning: neighbor r2: bfd-multiplier " NO_EFFECT },
	{ "bfd-strict yes without bfd yes", false,
	    NBR("10.0.0.1") "\tbfd-strict yes\n}\n"
	    "neighbor r2 {\n\taddress 10.0.0.2\n\tremote-as 64512\n"
	    "\tbfd no\n\tbfd-strict yes\n\tbfd-min-rx 50\n}\n",
	    "t.conf:5: neighbor r1: bfd-strict yes without bfd yes would "
	    "keep the session in Idle for ever, waiting for BFD; set bfd "
	    "yes or bfd-strict no\n"
	    "t.conf:11: neighbor r2: bfd-strict yes without bfd yes would "
	    "keep the session in Idle for ever, waiting for BFD; set bfd "
	    "yes or bfd-strict no\n"
	    "t.conf:12: warning: neighbor r2: bfd-min-rx " NO_EFFECT },
	{ "a bad bfd line is reported once", false,
	    NBR("10.0.0.1")
	    "\tbfd maybe\n\tbfd-strict yes\n\tbfd-min-tx 100\n}\n",
	    "t.conf:5: neighbor r1: bfd: \"maybe\" is neither yes nor no; "
	    "usage: bfd yes|no\n" },
	{ "extended-next-hop and the session's family", false,
	    NBR("10.0.0.1") "\textended-next-hop yes\n}\n"
	    "neighbor r2 {\n\taddress 10.0.0.2\n\tremote-as 64512\n"
	    "\textended-next-hop no\n}\n"
	    "neighbor r3 {\n\taddress 2001:db8::1\n\tremote-as 64512\n"
	    "\textended-next-hop yes\n}\n"
	    "neighbor r4 {\n\taddress 10.0.0.999\n\tremote-as 64512\n"
	    "\textended-next-hop yes\n}\n",
	    "t.conf:5: neighbor r1: extended-next-hop is for sessions over "
	    "IPv6 (RFC 8950), and address 10.0.0.1 is IPv4, whose routes "
	    "have IPv4 next hops already; remove it\n"
	    "t.conf:18: neighbor r4: address: \"10.0.0.999\" is not an IP "
	    "address; usage: address ADDRESS, e.g. address 10.0.0.1\n" },
	{ "detection time against the hold time", true,
	    NBR("10.0.0.1")
	    "\thold-time 3\n\tbfd yes\n\tbfd-min-rx 1001\n"
	    "\tbfd-multiplier 3\n}\n"
	    "neighbor r2 {\n\taddress 10.0.0.2\n\tremote-as 64512\n"
	    "\thold-time 3\n\tbfd yes\n\tbfd-min-rx 1000\n"
	    "\tbfd-multiplier 3\n}\n"
	    "neighbor r3 {\n\taddress 10.0.0.3\n\tremote-as 64512\n"
	    "\thold-time 10\n\tbfd yes\n\tbfd-multiplier 255\n}\n"
	    "neighbor r4 {\n\taddress 10.0.0.4\n\tremote-as 64512\n"
	    "\thold-time 0\n\tbfd yes\n\tbfd-min-rx 60000\n"
	    "\tbfd-multiplier 255\n}\n",
	    "t.conf:7: warning: neighbor r1: BFD detection time bfd-min-rx "
	    "1001 ms x bfd-multiplier 3 = 3.003 seconds is longer than "
	    "hold-time 3: BFD would detect a failure after the hold timer "
	    "does; lower bfd-min-rx or bfd-multiplier\n"
	    "t.conf:23: warning: neighbor r3: BFD detection time bfd-min-rx "
	    "300 ms x bfd-multiplier 255 = 76.5 seconds is longer than "
	    "hold-time 10: BFD would detect a failure after the hold timer "
	    "does; lower bfd-min-rx or bfd-multiplier\n" },
};

START_TEST(table)
{
	conf_fx_run_row(&rows[_i]);
}
END_TEST

/* RFC 5880 keys are secrets: no message of any row repeats one (every
 * key of the rows has "secret" in it). */
START_TEST(secrets)
{
	struct conf_diag d;

	conf_diag_init(&d);
	struct conf *c = conf_load_string("t.conf", rows[_i].text, &d);
	char *m = conf_fx_joined(&d);
	ck_assert_msg(strstr(m, "secret") == NULL, "row \"%s\" repeats a "
	    "key:\n%s", rows[_i].name, m);
	free(m);
	conf_diag_free(&d);
	conf_free(c);
}
END_TEST

START_TEST(values)
{
	struct conf *c = conf_fx_load_ok(rows[0].text);
	const struct conf_neighbor *n = &c->neighbors[0];

	ck_assert(n->bfd && n->bfd_strict && n->extended_next_hop);
	ck_assert_uint_eq(n->bfd_min_tx_ms, 50);
	ck_assert_uint_eq(n->bfd_min_rx_ms, 100);
	ck_assert_uint_eq(n->bfd_multiplier, 5);
	ck_assert_int_eq(n->bfd_auth, CONF_BFD_AUTH_SHA1);
	ck_assert_uint_eq(n->bfd_key_id, 1);
	ck_assert_str_eq(n->bfd_key, "secret");
	ck_assert_str_eq(n->vrf, "blue");
	ck_assert_uint_eq(n->set & (NBR_SET_BFD | NBR_SET_BFD_MIN_TX |
	    NBR_SET_BFD_MIN_RX | NBR_SET_BFD_MULTIPLIER | NBR_SET_BFD_STRICT |
	    NBR_SET_BFD_AUTH | NBR_SET_EXTENDED_NEXT_HOP | NBR_SET_VRF),
	    NBR_SET_BFD | NBR_SET_BFD_MIN_TX | NBR_SET_BFD_MIN_RX |
	    NBR_SET_BFD_MULTIPLIER | NBR_SET_BFD_STRICT | NBR_SET_BFD_AUTH |
	    NBR_SET_EXTENDED_NEXT_HOP | NBR_SET_VRF);
	conf_free(c);

	c = conf_fx_load_ok(rows[1].text);
	n = &c->neighbors[0];
	ck_assert_int_eq(n->bfd_auth, CONF_BFD_AUTH_METICULOUS_SHA1);
	ck_assert_uint_eq(n->bfd_key_id, 255);
	ck_assert_str_eq(n->bfd_key, "12345678901234567890");
	ck_assert_uint_eq(n->bfd_min_tx_ms, 10);
	ck_assert_uint_eq(n->bfd_min_rx_ms, 60000);
	ck_assert_uint_eq(n->bfd_multiplier, 1);
	n = &c->neighbors[1];
	ck_assert_str_eq(n->bfd_key, "a \"b\" \\c # d");
	ck_assert_uint_eq(n->bfd_key_id, 0);
	conf_free(c);

	/* Nothing written: BFD off, the defaults, no key, no VRF. */
	c = conf_fx_load_ok(NBR("10.0.0.1") "}\n");
	n = &c->neighbors[0];
	ck_assert(!n->bfd && !n->bfd_strict && !n->extended_next_hop);
	ck_assert_uint_eq(n->bfd_min_tx_ms, CONF_DEFAULT_BFD_MIN_TX);
	ck_assert_uint_eq(n->bfd_min_rx_ms, CONF_DEFAULT_BFD_MIN_RX);
	ck_assert_uint_eq(n->bfd_multiplier, CONF_DEFAULT_BFD_MULTIPLIER);
	ck_assert_uint_eq(CONF_DEFAULT_BFD_MIN_TX, 300);
	ck_assert_uint_eq(CONF_DEFAULT_BFD_MIN_RX, 300);
	ck_assert_uint_eq(CONF_DEFAULT_BFD_MULTIPLIER, 3);
	ck_assert_int_eq(n->bfd_auth, CONF_BFD_AUTH_NONE);
	ck_assert_ptr_null(n->bfd_key);
	ck_assert_ptr_null(n->vrf);
	conf_free(c);

	ck_assert_str_eq(conf_bfd_auth_name(CONF_BFD_AUTH_NONE), "none");
	ck_assert_str_eq(conf_bfd_auth_name(CONF_BFD_AUTH_SHA1), "sha1");
	ck_assert_str_eq(conf_bfd_auth_name(CONF_BFD_AUTH_METICULOUS_SHA1),
	    "meticulous-sha1");
	ck_assert_str_eq(conf_bfd_auth_name(CONF_BFD_AUTH_COUNT), "?");
}
END_TEST

/* The grammar's order whatever the file's; what was written is printed,
 * the key quoted as a password is. */
START_TEST(canonical)
{
	struct conf *c = conf_fx_load_ok(NBR("2001:DB8::1")
	    "\tvrf blue\n\textended-next-hop yes\n"
	    "\tbfd-auth meticulous-sha1 7 \"k\\\"ey\"\n\tbfd-strict no\n"
	    "\tbfd-multiplier 3\n\tbfd-min-rx 50\n\tbfd-min-tx 60000\n"
	    "\tbfd yes\n\tdescription \"d\"\n}\n");
	char *p = conf_fx_printed(c);

	ck_assert_str_eq(p,
	    "local-as 64513\n"
	    "\n"
	    "neighbor r1 {\n"
	    "\taddress 2001:db8::1\n"
	    "\tremote-as 64512\n"
	    "\tdescription \"d\"\n"
	    "\tbfd yes\n"
	    "\tbfd-min-tx 60000\n"
	    "\tbfd-min-rx 50\n"
	    "\tbfd-multiplier 3\n"
	    "\tbfd-strict no\n"
	    "\tbfd-auth meticulous-sha1 7 \"k\\\"ey\"\n"
	    "\textended-next-hop yes\n"
	    "\tvrf blue\n"
	    "}\n");
	free(p);
	conf_free(c);
}
END_TEST

/* Two neighbor blocks that differ in BFD or fabric statements only. */
static const struct {
	const char *a, *b;	/* statements of the block */
	bool equal;
} eq_rows[] = {
	{ "bfd yes", "bfd yes", true },
	{ "bfd yes", "bfd no", false },
	{ "bfd yes\n\tbfd-min-tx 50", "bfd yes\n\tbfd-min-tx 51", false },
	{ "bfd yes\n\tbfd-min-rx 50", "bfd yes\n\tbfd-min-rx 51", false },
	{ "bfd yes\n\tbfd-multiplier 4", "bfd yes\n\tbfd-multiplier 5",
	    false },
	{ "bfd yes\n\tbfd-strict yes", "bfd yes\n\tbfd-strict no", false },
	{ "bfd yes\n\tbfd-auth sha1 1 \"k\"", "bfd yes\n\tbfd-auth sha1 1 k",
	    true },
	{ "bfd yes\n\tbfd-auth sha1 1 \"k\"", "bfd yes\n\tbfd-auth sha1 1 K",
	    false },
	{ "bfd yes\n\tbfd-auth sha1 1 \"k\"", "bfd yes\n\tbfd-auth sha1 2 k",
	    false },
	{ "bfd yes\n\tbfd-auth sha1 1 \"k\"",
	    "bfd yes\n\tbfd-auth meticulous-sha1 1 k", false },
	{ "extended-next-hop yes", "extended-next-hop no", false },
	{ "vrf blue", "vrf blue", true },
	{ "vrf blue", "vrf red", false },
};

START_TEST(equal)
{
	char a[256], b[256];

	snprintf(a, sizeof(a), NBR("2001:db8::1") "\t%s\n}\n", eq_rows[_i].a);
	snprintf(b, sizeof(b), NBR("2001:db8::1") "\t%s\n}\n", eq_rows[_i].b);
	struct conf *ca = conf_fx_load_ok(a), *cb = conf_fx_load_ok(b);
	ck_assert_msg(conf_equal(ca, cb) == eq_rows[_i].equal, "%s / %s",
	    eq_rows[_i].a, eq_rows[_i].b);
	ck_assert(conf_equal(cb, ca) == eq_rows[_i].equal);
	conf_free(ca);
	conf_free(cb);
}
END_TEST

/* Reload: BFD is started, stopped or retuned beside a running session;
 * a capability and the sockets' VRF need a new one. */
static const struct {
	const char *extra;
	const char *want;
} diff_rows[] = {
	{ "bfd yes", NULL },
	{ "bfd no", NULL },
	{ "bfd yes\n\tbfd-min-tx 50", NULL },
	{ "bfd yes\n\tbfd-min-rx 50", NULL },
	{ "bfd yes\n\tbfd-multiplier 5", NULL },
	{ "bfd yes\n\tbfd-strict yes", NULL },
	{ "bfd yes\n\tbfd-auth sha1 1 \"k\"", NULL },
	{ "extended-next-hop no", NULL },
	{ "extended-next-hop yes", "extended-next-hop" },
	{ "vrf blue", "vrf" },
	{ "bfd yes\n\tvrf blue\n\textended-next-hop yes",
	    "extended-next-hop" },
};

START_TEST(session_change)
{
	conf_fx_session_change("2001:db8::1", diff_rows[_i].extra,
	    diff_rows[_i].want);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("conf_bfd");
	TCase *tc = unit_tcase(s, "core");

	tcase_add_loop_test(tc, table, 0, (int)NELEM(rows));
	tcase_add_loop_test(tc, secrets, 0, (int)NELEM(rows));
	tcase_add_test(tc, values);
	tcase_add_test(tc, canonical);
	tcase_add_loop_test(tc, equal, 0, (int)NELEM(eq_rows));
	tcase_add_loop_test(tc, session_change, 0, (int)NELEM(diff_rows));
	return unit_run(s);
}
