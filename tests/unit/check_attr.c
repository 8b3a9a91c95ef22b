/*
 * check_attr.c - unit tests for fsm/attr.c: UPDATE decoding with the
 * RFC 7606 reactions (one table row per rule), End-of-RIB, attribute
 * encoding (round trips, RFC 6793 4-to-2-octet conversion, extended
 * length), printing, AS path counting, NLRI, and UPDATEs captured from
 * BIRD and GoBGP.
 *
 * Byte vectors are written by hand from the RFCs, never produced by the
 * code under test.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsm/attr.h"
#include "fsm/bgp.h"
#include "fsm/msg.h"
#include "tests/unit/captured.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ---------------------------------------------------------- */

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s != '\0'; s++) {
		int v;
		if (isspace((unsigned char)*s))
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			ck_abort_msg("bad hex character '%c'", *s);
		if (hi < 0) {
			hi = v;
		} else {
			ck_assert_msg(n < cap, "hex vector too long");
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	ck_assert_msg(hi < 0, "odd number of hex digits");
	return n;
}

/* Header with the computed length around body bytes already at buf+19. */
static size_t finish_msg(uint8_t *buf, size_t n)
{
	memset(buf, 0xff, BGP_MARKER_LEN);
	buf[16] = (uint8_t)(n >> 8);
	buf[17] = (uint8_t)n;
	buf[18] = BGP_MSG_UPDATE;
	return n;
}

/* An UPDATE with a verbatim body (lengths written by hand). */
static size_t mkbody(uint8_t *buf, size_t cap, const char *body)
{
	return finish_msg(buf, BGP_HDR_LEN + unhex(body, buf + BGP_HDR_LEN,
	    cap - BGP_HDR_LEN));
}

/* An UPDATE from its three fields, lengths computed. */
static size_t mkupdate(uint8_t *buf, size_t cap, const char *wd,
    const char *attrs, const char *nlri)
{
	size_t n = BGP_HDR_LEN;
	size_t w = unhex(wd ? wd : "", buf + n + 2, cap - n - 2);
	buf[n] = (uint8_t)(w >> 8);
	buf[n + 1] = (uint8_t)w;
	n += 2 + w;
	size_t a = unhex(attrs ? attrs : "", buf + n + 2, cap - n - 2);
	buf[n] = (uint8_t)(a >> 8);
	buf[n + 1] = (uint8_t)a;
	n += 2 + a;
	n += unhex(nlri ? nlri : "", buf + n, cap - n);
	return finish_msg(buf, n);
}

static bool was_discarded(const struct bgp_update *u, uint8_t code)
{
	for (size_t i = 0; i < u->ndiscarded; i++)
		if (u->discarded[i] == code)
			return true;
	return false;
}

static bool data_is(const struct bgp_err *e, const char *hex)
{
	uint8_t want[128];
	size_t n = unhex(hex, want, sizeof(want));
	return e->len == n && (n == 0 ||
	    memcmp(bgp_err_data(e), want, n) == 0);
}

/* ---- the decode table -------------------------------------------------- */

/* Session contexts. */
enum { AS4 = 1, EBGP = 2, V4 = 4, V6 = 8 };
#define EB2 (EBGP | V4)			/* eBGP, 2-octet AS */
#define EB4 (AS4 | EBGP | V4 | V6)	/* eBGP, 4-octet AS */
#define IB4 (AS4 | V4 | V6)		/* iBGP, 4-octet AS */
#define IB2 (V4)			/* iBGP, 2-octet AS */

/* Expected outcome. */
enum want {
	W_OK,		/* accepted, nothing wrong; attr (if set) present */
	W_RESET,	/* session reset with err = (code, sub) */
	W_WITHDRAW,	/* treat-as-withdraw; why = (code, sub), why_attr */
	W_DISCARD,	/* attr discarded; why = (code, sub); not withdrawn */
	W_IGNORED,	/* accepted silently, attr absent, no why */
	W_DUP,		/* attr kept (first one), a later copy discarded */
};

/* Well-formed attributes (RFC 4271 §4.3) to build rows from. */
#define ORIGIN	"40 01 01 00 "
#define ASP2	"40 02 04 02 01 fc00 "		/* 64512, 2-octet */
#define ASP4	"40 02 06 02 01 0000fc00 "	/* 64512, 4-octet */
#define NH	"40 03 04 c0000201 "		/* 192.0.2.1 */
#define BASE2	ORIGIN ASP2 NH
#define BASE4	ORIGIN ASP4 NH
#define NLRI	"18 c63364 "			/* 198.51.100.0/24 */
/* MP_REACH IPv6 unicast, next hop 2001:db8::1, NLRI 2001:db8::/64. */
#define NH6	"20010db8 00000000 00000000 00000001 "
#define REACH6	"80 0e 1e 0002 01 10 " NH6 "00 40 20010db8 00000000 "
/* MP_UNREACH IPv6 unicast, 2001:db8:1::/48. */
#define UNREACH6 "80 0f 0a 0002 01 30 20010db80001 "

static const struct row {
	const char *name;
	const char *wd, *attrs, *nlri;
	const char *body;	/* verbatim UPDATE body; overrides the above */
	unsigned ctx;
	enum want want;
	uint8_t code, sub;
	uint8_t attr;		/* why_attr / discarded / ignored / present */
	const char *data;	/* expected err/why data, NULL: unchecked */
} rows[] = {
	/* -- baseline ------------------------------------------------- */
	{ "minimal, 4-octet", NULL, BASE4, NLRI, NULL, EB4, W_OK, 0, 0, 0,
	    NULL },
	{ "minimal, 2-octet", NULL, BASE2, NLRI, NULL, EB2, W_OK, 0, 0, 0,
	    NULL },
	{ "withdrawn only", "18 c63364", NULL, NULL, NULL, EB4, W_OK, 0, 0,
	    0, NULL },
	{ "attributes out of order", NULL, NH ASP4 ORIGIN, NLRI, NULL, EB4,
	    W_OK, 0, 0, BGP_ATTR_NEXT_HOP, NULL },
	{ "extended length flag on a short attribute", NULL,
	    ORIGIN ASP4 "50 03 0004 c0000201", NLRI, NULL, EB4, W_OK, 0, 0,
	    BGP_ATTR_NEXT_HOP, NULL },

	/* -- framing: RFC 4271 §6.3, RFC 7606 §4 -------------------- */
	{ "withdrawn length overrun", NULL, NULL, NULL, "0007 18c633 0000",
	    EB4, W_RESET, 3, 1, 0, NULL },
	{ "withdrawn length cut", NULL, NULL, NULL, "00", EB4, W_RESET, 3, 1,
	    0, NULL },
	{ "total attribute length overrun", NULL, NULL, NULL,
	    "0000 0020 40010100", EB4, W_RESET, 3, 1, 0, NULL },
	{ "total attribute length missing", NULL, NULL, NULL, "0000", EB4,
	    W_RESET, 3, 1, 0, NULL },
	/* RFC 7606 §4: the last attribute overruns, or too few octets
	 * are left for one: treat-as-withdraw, the NLRI is still found. */
	{ "attribute length overrun", NULL, ORIGIN ASP4 "40 03 05 c0000201",
	    NLRI, NULL, EB4, W_WITHDRAW, 3, 1, BGP_ATTR_NEXT_HOP, NULL },
	{ "extended attribute length overrun", NULL, ORIGIN "50 02 0100 02",
	    NLRI, NULL, EB4, W_WITHDRAW, 3, 1, BGP_ATTR_AS_PATH, NULL },
	{ "lone flags octet at the end", NULL, BASE4 "40", NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 1, 0, NULL },
	{ "attribute header cut", NULL, BASE4 "40 08", NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 1, 0, NULL },
	{ "extended length cut", NULL, BASE4 "d0 08 00", NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 1, 0, NULL },
	{ "overrun after MP_UNREACH: withdraw", NULL,
	    UNREACH6 "40 01 05 00", NULL, NULL, EB4, W_WITHDRAW, 3, 1,
	    BGP_ATTR_ORIGIN, NULL },
	/* ... but an MP attribute that overruns loses its NLRI. */
	{ "MP_REACH overruns the block: reset", NULL,
	    BASE4 "80 0e 30 0002 01 10 " NH6, NULL, NULL, EB4, W_RESET, 3, 1,
	    0, NULL },
	{ "MP_UNREACH overruns the block: reset", NULL,
	    BASE4 "80 0f 0a 0002 01 30", NULL, NULL, EB4, W_RESET, 3, 1, 0,
	    NULL },
	/* RFC 4760 §3: a bad NEXT_HOP value beside MP_REACH and no IPv4
	 * NLRI is ignored, as the NEXT_HOP is. */
	{ "NEXT_HOP 0.0.0.0 in an MP-only UPDATE: ignored", NULL,
	    ORIGIN ASP4 "40 03 04 00000000 " REACH6, NULL, NULL, EB4,
	    W_IGNORED, 0, 0, BGP_ATTR_NEXT_HOP, NULL },
	/* RFC 4271 §6.3, RFC 7606 §5.3: bad NLRI field. */
	{ "NLRI prefix length 33", NULL, BASE4, "21 c0000201 00", NULL, EB4,
	    W_RESET, 3, 10, 0, NULL },
	{ "NLRI overrun", NULL, BASE4, "18 c633", NULL, EB4, W_RESET, 3, 10,
	    0, NULL },
	{ "NLRI second prefix overrun", NULL, BASE4, NLRI "20 c0", NULL, EB4,
	    W_RESET, 3, 10, 0, NULL },
	{ "withdrawn prefix length 33", "21 c0000201 00", NULL, NULL, NULL,
	    EB4, W_RESET, 3, 10, 0, NULL },
	{ "withdrawn overrun", "20 c00002", NULL, NULL, NULL, EB4, W_RESET, 3,
	    10, 0, NULL },
	{ "NLRI /0 and /32", NULL, BASE4, "00 20 c0000201", NULL, EB4, W_OK,
	    0, 0, 0, NULL },

	/* -- ORIGIN: RFC 7606 §7.1 --------------------------------------- */
	{ "ORIGIN 3", NULL, "40 01 01 03" ASP4 NH, NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 6, 1, "40 01 01 03" },
	{ "ORIGIN 255", NULL, "40 01 01 ff" ASP4 NH, NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 6, 1, NULL },
	{ "ORIGIN incomplete", NULL, "40 01 01 02" ASP4 NH, NLRI, NULL, EB4,
	    W_OK, 0, 0, 1, NULL },
	{ "ORIGIN length 2", NULL, "40 01 02 0000" ASP4 NH, NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 5, 1, "40 01 02 0000" },
	{ "ORIGIN length 0", NULL, "40 01 00" ASP4 NH, NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 5, 1, NULL },
	{ "ORIGIN optional", NULL, "c0 01 01 00" ASP4 NH, NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 4, 1, "c0 01 01 00" },
	{ "ORIGIN non-transitive", NULL, "00 01 01 00" ASP4 NH, NLRI, NULL,
	    EB4, W_WITHDRAW, 3, 4, 1, NULL },
	{ "ORIGIN partial", NULL, "60 01 01 00" ASP4 NH, NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 4, 1, NULL },
	{ "ORIGIN extended length, bad value", NULL, "50 01 0001 07" ASP4 NH,
	    NLRI, NULL, EB4, W_WITHDRAW, 3, 6, 1, "50 01 0001 07" },

	/* -- AS_PATH: RFC 7606 §7.2, RFC 7607, RFC 6793 ------------------ */
	{ "AS_PATH zero-length segment", NULL, ORIGIN "40 02 02 02 00" NH,
	    NLRI, NULL, EB4, W_WITHDRAW, 3, 11, 2, "40 02 02 02 00" },
	{ "AS_PATH segment type 0", NULL, ORIGIN "40 02 06 00 01 0000fc00" NH,
	    NLRI, NULL, EB4, W_WITHDRAW, 3, 11, 2, NULL },
	{ "AS_PATH segment type 5", NULL, ORIGIN "40 02 06 05 01 0000fc00" NH,
	    NLRI, NULL, EB4, W_WITHDRAW, 3, 11, 2, NULL },
	{ "AS_PATH segment overrun", NULL, ORIGIN "40 02 06 02 02 0000fc00" NH,
	    NLRI, NULL, EB4, W_WITHDRAW, 3, 11, 2, NULL },
	{ "AS_PATH lone trailing octet", NULL,
	    ORIGIN "40 02 07 02 01 0000fc00 02" NH, NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 11, 2, NULL },
	{ "AS_PATH AS 0", NULL, ORIGIN "40 02 06 02 01 00000000" NH, NLRI,
	    NULL, EB4, W_WITHDRAW, 3, 11, 2, NULL },
	{ "AS_PATH AS 0 in a set", NULL,
	    ORIGIN "40 02 0c 02 01 0000fc00 01 01 00000000" NH, NLRI, NULL,
	    EB4, W_WITHDRAW, 3, 11, 2, NULL },
	{ "AS_PATH AS 0, 2-octet", NULL, ORIGIN "40 02 04 02 01 0000" NH,
	    NLRI, NULL, EB2, W_WITHDRAW, 3, 11, 2, NULL },
	{ "AS_PATH confed sequence from eBGP", NULL,
	    ORIGIN "40 02 0c 03 01 0000fde8 02 01 0000fc00" NH, NLRI, NULL,
	    EB4, W_WITHDRAW, 3, 11, 2, NULL },
	{ "AS_PATH confed set from eBGP", NULL,
	    ORIGIN "40 02 06 04 01 0000fde8" NH, NLRI, NULL, EB4, W_WITHDRAW,
	    3, 11, 2, NULL },
	{ "AS_PATH confed segments from iBGP", NULL,
	    ORIGIN "40 02 12 03 01 0000fde8 04 01 0000fde9 02 01 0000fc00" NH,
	    NLRI, NULL, IB4, W_OK, 0, 0, 2, NULL },
	{ "AS_PATH sequence and set", NULL,
	    ORIGIN "40 02 10 02 01 0000fc00 01 02 0000fc01 0000fc02" NH, NLRI,
	    NULL, EB4, W_OK, 0, 0, 2, NULL },
	{ "AS_PATH empty on iBGP", NULL, ORIGIN "40 02 00" NH, NLRI, NULL,
	    IB4, W_OK, 0, 0, 2, NULL },
	{ "AS_PATH 2-octet path on a 4-octet session", NULL, ORIGIN ASP2 NH,
	    NLRI, NULL, EB4, W_WITHDRAW, 3, 11, 2, NULL },
	{ "AS_PATH 4-octet path on a 2-octet session", NULL, ORIGIN ASP4 NH,
	    NLRI, NULL, EB2, W_WITHDRAW, 3, 11, 2, NULL },
	{ "AS_PATH 2-octet, two segments", NULL,
	    ORIGIN "40 02 0a 02 02 fc00 fc01 01 01 fc02" NH, NLRI, NULL, EB2,
	    W_OK, 0, 0, 2, NULL },
	{ "AS_PATH optional", NULL, ORIGIN "c0 02 06 02 01 0000fc00" NH, NLRI,
	    NULL, EB4, W_WITHDRAW, 3, 4, 2, NULL },

	/* -- NEXT_HOP: RFC 7606 §7.3, RFC 4271 §6.3 ----------------------- */
	{ "NEXT_HOP 0.0.0.0", NULL, ORIGIN ASP4 "40 03 04 00000000", NLRI,
	    NULL, EB4, W_WITHDRAW, 3, 8, 3, "40 03 04 00000000" },
	{ "NEXT_HOP 224.0.0.1", NULL, ORIGIN ASP4 "40 03 04 e0000001", NLRI,
	    NULL, EB4, W_WITHDRAW, 3, 8, 3, NULL },
	{ "NEXT_HOP 239.255.255.255", NULL, ORIGIN ASP4 "40 03 04 efffffff",
	    NLRI, NULL, EB4, W_WITHDRAW, 3, 8, 3, NULL },
	{ "NEXT_HOP 255.255.255.255", NULL, ORIGIN ASP4 "40 03 04 ffffffff",
	    NLRI, NULL, EB4, W_WITHDRAW, 3, 8, 3, NULL },
	{ "NEXT_HOP 223.255.255.255", NULL, ORIGIN ASP4 "40 03 04 dfffffff",
	    NLRI, NULL, EB4, W_OK, 0, 0, 3, NULL },
	{ "NEXT_HOP length 5", NULL, ORIGIN ASP4 "40 03 05 c000020100", NLRI,
	    NULL, EB4, W_WITHDRAW, 3, 5, 3, NULL },
	{ "NEXT_HOP length 3", NULL, ORIGIN ASP4 "40 03 03 c00002", NLRI,
	    NULL, EB4, W_WITHDRAW, 3, 5, 3, NULL },
	{ "NEXT_HOP length 16", NULL, ORIGIN ASP4 "40 03 10" NH6, NLRI, NULL,
	    EB4, W_WITHDRAW, 3, 5, 3, NULL },
	{ "NEXT_HOP partial", NULL, ORIGIN ASP4 "60 03 04 c0000201", NLRI,
	    NULL, EB4, W_WITHDRAW, 3, 4, 3, NULL },

	/* -- MED: RFC 7606 §7.4 ------------------------------------------ */
	{ "MED", NULL, BASE4 "80 04 04 00000032", NLRI, NULL, EB4, W_OK, 0, 0,
	    4, NULL },
	{ "MED length 3", NULL, BASE4 "80 04 03 000032", NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 5, 4, "80 04 03 000032" },
	{ "MED length 8", NULL, BASE4 "80 04 08 00000032 00000000", NLRI, NULL,
	    EB4, W_WITHDRAW, 3, 5, 4, NULL },
	{ "MED well-known", NULL, BASE4 "40 04 04 00000032", NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 4, 4, NULL },
	{ "MED partial", NULL, BASE4 "a0 04 04 00000032", NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 4, 4, NULL },

	/* -- LOCAL_PREF: RFC 4271 §5.1.5, RFC 7606 §7.5 ------------------ */
	{ "LOCAL_PREF from eBGP ignored", NULL, BASE4 "40 05 04 00000064",
	    NLRI, NULL, EB4, W_IGNORED, 0, 0, 5, NULL },
	{ "LOCAL_PREF bad length from eBGP ignored", NULL,
	    BASE4 "40 05 03 000064", NLRI, NULL, EB4, W_IGNORED, 0, 0, 5,
	    NULL },
	{ "LOCAL_PREF on iBGP", NULL, BASE4 "40 05 04 00000064", NLRI, NULL,
	    IB4, W_OK, 0, 0, 5, NULL },
	{ "LOCAL_PREF length 3 on iBGP", NULL, BASE4 "40 05 03 000064", NLRI,
	    NULL, IB4, W_WITHDRAW, 3, 5, 5, "40 05 03 000064" },
	{ "LOCAL_PREF length 5 on iBGP", NULL, BASE4 "40 05 05 0000006400",
	    NLRI, NULL, IB4, W_WITHDRAW, 3, 5, 5, NULL },
	{ "LOCAL_PREF optional on iBGP", NULL, BASE4 "c0 05 04 00000064", NLRI,
	    NULL, IB4, W_WITHDRAW, 3, 4, 5, NULL },

	/* -- ATOMIC_AGGREGATE: RFC 7606 §7.6 ----------------------------- */
	{ "ATOMIC_AGGREGATE", NULL, BASE4 "40 06 00", NLRI, NULL, EB4, W_OK,
	    0, 0, 6, NULL },
	{ "ATOMIC_AGGREGATE length 1", NULL, BASE4 "40 06 01 00", NLRI, NULL,
	    EB4, W_DISCARD, 3, 5, 6, "40 06 01 00" },
	{ "ATOMIC_AGGREGATE partial", NULL, BASE4 "60 06 00", NLRI, NULL, EB4,
	    W_DISCARD, 3, 4, 6, NULL },
	{ "ATOMIC_AGGREGATE optional", NULL, BASE4 "c0 06 00", NLRI, NULL,
	    EB4, W_DISCARD, 3, 4, 6, NULL },

	/* -- AGGREGATOR: RFC 7606 §7.7, RFC 6793 §4, RFC 7607 ------------ */
	{ "AGGREGATOR 8 octets, 4-octet session", NULL,
	    BASE4 "c0 07 08 0000fc00 c0000209", NLRI, NULL, EB4, W_OK, 0, 0, 7,
	    NULL },
	{ "AGGREGATOR 6 octets, 2-octet session", NULL,
	    BASE2 "c0 07 06 fc00 c0000209", NLRI, NULL, EB2, W_OK, 0, 0, 7,
	    NULL },
	{ "AGGREGATOR 6 octets, 4-octet session", NULL,
	    BASE4 "c0 07 06 fc00 c0000209", NLRI, NULL, EB4, W_DISCARD, 3, 9,
	    7, "c0 07 06 fc00 c0000209" },
	{ "AGGREGATOR 8 octets, 2-octet session", NULL,
	    BASE2 "c0 07 08 0000fc00 c0000209", NLRI, NULL, EB2, W_DISCARD, 3,
	    9, 7, NULL },
	{ "AGGREGATOR 5 octets", NULL, BASE4 "c0 07 05 fc00c00002", NLRI,
	    NULL, EB4, W_DISCARD, 3, 5, 7, NULL },
	{ "AGGREGATOR 9 octets", NULL, BASE4 "c0 07 09 0000fc00c000020900",
	    NLRI, NULL, EB4, W_DISCARD, 3, 5, 7, NULL },
	{ "AGGREGATOR AS 0", NULL, BASE4 "c0 07 08 00000000 c0000209", NLRI,
	    NULL, EB4, W_DISCARD, 3, 9, 7, NULL },
	{ "AGGREGATOR AS 0, 2-octet", NULL, BASE2 "c0 07 06 0000 c0000209",
	    NLRI, NULL, EB2, W_DISCARD, 3, 9, 7, NULL },
	{ "AGGREGATOR non-transitive", NULL, BASE4 "80 07 08 0000fc00 c0000209",
	    NLRI, NULL, EB4, W_DISCARD, 3, 4, 7, NULL },

	/* -- COMMUNITIES: RFC 7606 §7.8 ---------------------------------- */
	{ "COMMUNITIES", NULL, BASE4 "c0 08 08 fc000064 ffffff01", NLRI, NULL,
	    EB4, W_OK, 0, 0, 8, NULL },
	{ "COMMUNITIES partial", NULL, BASE4 "e0 08 04 fc000064", NLRI, NULL,
	    EB4, W_OK, 0, 0, 8, NULL },
	{ "COMMUNITIES length 5", NULL, BASE4 "c0 08 05 fc00006400", NLRI,
	    NULL, EB4, W_WITHDRAW, 3, 5, 8, "c0 08 05 fc00006400" },
	{ "COMMUNITIES length 2", NULL, BASE4 "c0 08 02 fc00", NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 5, 8, NULL },
	{ "COMMUNITIES length 0", NULL, BASE4 "c0 08 00", NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 5, 8, NULL },
	{ "COMMUNITIES non-transitive", NULL, BASE4 "80 08 04 fc000064", NLRI,
	    NULL, EB4, W_WITHDRAW, 3, 4, 8, NULL },

	/* -- ORIGINATOR_ID, CLUSTER_LIST: RFC 4456, RFC 7606 §7.9-10 ----- */
	{ "ORIGINATOR_ID from eBGP ignored", NULL, BASE4 "80 09 04 0a000001",
	    NLRI, NULL, EB4, W_IGNORED, 0, 0, 9, NULL },
	{ "ORIGINATOR_ID on iBGP", NULL, BASE4 "80 09 04 0a000001", NLRI,
	    NULL, IB4, W_OK, 0, 0, 9, NULL },
	{ "ORIGINATOR_ID length 3 on iBGP", NULL, BASE4 "80 09 03 0a0000",
	    NLRI, NULL, IB4, W_WITHDRAW, 3, 5, 9, NULL },
	{ "CLUSTER_LIST from eBGP ignored", NULL,
	    BASE4 "80 0a 08 0a000002 0a000003", NLRI, NULL, EB4, W_IGNORED, 0,
	    0, 10, NULL },
	{ "CLUSTER_LIST on iBGP", NULL, BASE4 "80 0a 08 0a000002 0a000003",
	    NLRI, NULL, IB4, W_OK, 0, 0, 10, NULL },
	{ "CLUSTER_LIST length 6 on iBGP", NULL, BASE4 "80 0a 06 0a0000020a00",
	    NLRI, NULL, IB4, W_WITHDRAW, 3, 5, 10, NULL },
	{ "CLUSTER_LIST length 0 on iBGP", NULL, BASE4 "80 0a 00", NLRI, NULL,
	    IB4, W_WITHDRAW, 3, 5, 10, NULL },

	/* -- MP_REACH / MP_UNREACH: RFC 4760, RFC 7606 §7.11 ------------- */
	{ "MP_REACH IPv6", NULL, REACH6 ORIGIN ASP4, NULL, NULL, EB4, W_OK, 0,
	    0, 14, NULL },
	{ "MP_REACH IPv6 with link-local", NULL,
	    "80 0e 2e 0002 01 20 " NH6 "fe800000 00000000 00000000 00000001"
	    "00 40 20010db8 00000000" ORIGIN ASP4, NULL, NULL, EB4, W_OK, 0, 0,
	    14, NULL },
	{ "MP_REACH IPv6 next hop length 4", NULL,
	    "80 0e 12 0002 01 04 c0000201 00 40 20010db8 00000000" ORIGIN ASP4,
	    NULL, NULL, EB4, W_RESET, 3, 9, 14, NULL },
	{ "MP_REACH IPv6 next hop length 17", NULL,
	    "80 0e 1f 0002 01 11 " NH6 "00 00 40 20010db8 00000000" ORIGIN ASP4,
	    NULL, NULL, EB4, W_RESET, 3, 9, 14, NULL },
	{ "MP_REACH next hop length 33", NULL,
	    "80 0e 27 0002 01 21 " NH6 NH6 "00 00 00" ORIGIN ASP4, NULL, NULL,
	    EB4, W_RESET, 3, 9, 14, NULL },
	{ "MP_REACH next hop beyond attribute", NULL,
	    "80 0e 0c 0002 01 10 20010db8 00000000" ORIGIN ASP4, NULL, NULL,
	    EB4, W_RESET, 3, 9, 14, NULL },
	{ "MP_REACH no reserved octet", NULL, "80 0e 14 0002 01 10 " NH6
	    ORIGIN ASP4, NULL, NULL, EB4, W_RESET, 3, 9, 14, NULL },
	{ "MP_REACH NLRI overrun", NULL,
	    "80 0e 19 0002 01 10 " NH6 "00 40 20010d" ORIGIN ASP4, NULL, NULL,
	    EB4, W_RESET, 3, 9, 14, NULL },
	{ "MP_REACH prefix length 129", NULL,
	    "80 0e 27 0002 01 10 " NH6 "00 81 " NH6 "00" ORIGIN ASP4, NULL,
	    NULL, EB4, W_RESET, 3, 9, 14, NULL },
	{ "MP_REACH length 4", NULL, "80 0e 04 0002 01 00" ORIGIN ASP4, NULL,
	    NULL, EB4, W_RESET, 3, 5, 14, NULL },
	{ "MP_REACH transitive", NULL, "c0 0e 1e 0002 01 10 " NH6
	    "00 40 20010db8 00000000" ORIGIN ASP4, NULL, NULL, EB4, W_RESET, 3,
	    4, 14, NULL },
	{ "MP_REACH IPv4 next hop 4", NULL,
	    "80 0e 0d 0001 01 04 c0000201 00 18 c63364" ORIGIN ASP4, NULL,
	    NULL, EB4, W_OK, 0, 0, 14, NULL },
	{ "MP_REACH IPv4 next hop 3", NULL,
	    "80 0e 0c 0001 01 03 c00002 00 18 c63364" ORIGIN ASP4, NULL, NULL,
	    EB4, W_RESET, 3, 9, 14, NULL },
	{ "MP_REACH IPv4 prefix length 33", NULL,
	    "80 0e 0e 0001 01 04 c0000201 00 21 c0000201" ORIGIN ASP4, NULL,
	    NULL, EB4, W_RESET, 3, 9, 14, NULL },
	{ "MP_REACH other SAFI kept unparsed", NULL,
	    "80 0e 08 0001 80 01 aa 00 ffff" ORIGIN ASP4, NULL, NULL, EB4,
	    W_OK, 0, 0, 14, NULL },
	{ "MP_UNREACH IPv6", NULL, UNREACH6, NULL, NULL, EB4, W_OK, 0, 0, 15,
	    NULL },
	{ "MP_UNREACH prefix length 129", NULL,
	    "80 0f 15 0002 01 81" NH6 "00", NULL, NULL, EB4, W_RESET, 3, 9, 15,
	    "80 0f 15 0002 01 81" NH6 "00" },
	{ "MP_UNREACH NLRI overrun", NULL, "80 0f 06 0002 01 40 2001", NULL,
	    NULL, EB4, W_RESET, 3, 9, 15, NULL },
	{ "MP_UNREACH length 2", NULL, "80 0f 02 0002", NULL, NULL, EB4,
	    W_RESET, 3, 5, 15, NULL },
	{ "MP_UNREACH well-known", NULL, "40 0f 03 0002 01", NULL, NULL, EB4,
	    W_RESET, 3, 4, 15, NULL },
	/* RFC 7606 §3(g): MP_REACH or MP_UNREACH twice resets. */
	{ "MP_REACH twice", NULL, REACH6 REACH6 ORIGIN ASP4, NULL, NULL, EB4,
	    W_RESET, 3, 1, 0, "" },
	{ "MP_UNREACH twice", NULL, UNREACH6 UNREACH6, NULL, NULL, EB4,
	    W_RESET, 3, 1, 0, "" },
	/* The first reset reason is the one sent. */
	{ "MP_REACH bad, then twice", NULL,
	    "80 0e 04 0002 01 00" REACH6 ORIGIN ASP4, NULL, NULL, EB4, W_RESET,
	    3, 5, 14, "80 0e 04 0002 01 00" },

	/* -- EXT_COMMUNITIES: RFC 7606 §7.14 ----------------------------- */
	{ "EXT_COMMUNITIES", NULL, BASE4 "c0 10 08 0002fc0000000007", NLRI,
	    NULL, EB4, W_OK, 0, 0, 16, NULL },
	{ "EXT_COMMUNITIES length 12", NULL,
	    BASE4 "c0 10 0c 0002fc0000000007 00000000", NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 5, 16, NULL },
	{ "EXT_COMMUNITIES length 0", NULL, BASE4 "c0 10 00", NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 5, 16, NULL },

	/* -- AS4_PATH / AS4_AGGREGATOR: RFC 6793 §6, RFC 7606 §7.? ------- */
	{ "AS4_PATH on a 2-octet session", NULL,
	    ORIGIN "40 02 04 02 01 5ba0" NH "c0 11 06 02 01 fa56ea00", NLRI,
	    NULL, EB2, W_OK, 0, 0, 17, NULL },
	{ "AS4_PATH malformed (odd length)", NULL,
	    BASE2 "c0 11 03 02 01 00", NLRI, NULL, EB2, W_DISCARD, 3, 9, 17,
	    NULL },
	{ "AS4_PATH zero-length segment", NULL, BASE2 "c0 11 02 02 00", NLRI,
	    NULL, EB2, W_DISCARD, 3, 9, 17, NULL },
	{ "AS4_PATH AS 0", NULL, BASE2 "c0 11 06 02 01 00000000", NLRI, NULL,
	    EB2, W_DISCARD, 3, 9, 17, NULL },
	{ "AS4_PATH length 0", NULL, BASE2 "c0 11 00", NLRI, NULL, EB2,
	    W_DISCARD, 3, 5, 17, NULL },
	{ "AS4_PATH well-known", NULL, BASE2 "40 11 06 02 01 fa56ea00", NLRI,
	    NULL, EB2, W_DISCARD, 3, 4, 17, NULL },
	{ "AS4_PATH from a 4-octet session", NULL,
	    BASE4 "c0 11 06 02 01 fa56ea00", NLRI, NULL, EB4, W_DISCARD, 3, 9,
	    17, NULL },
	{ "AS4_AGGREGATOR on a 2-octet session", NULL,
	    BASE2 "c0 07 06 5ba0 c0000209 c0 12 08 fa56ea01 c0000209", NLRI,
	    NULL, EB2, W_OK, 0, 0, 18, NULL },
	{ "AS4_AGGREGATOR length 6", NULL, BASE2 "c0 12 06 fa56 c0000209",
	    NLRI, NULL, EB2, W_DISCARD, 3, 5, 18, NULL },
	{ "AS4_AGGREGATOR AS 0", NULL, BASE2 "c0 12 08 00000000 c0000209",
	    NLRI, NULL, EB2, W_DISCARD, 3, 9, 18, NULL },
	{ "AS4_AGGREGATOR from a 4-octet session", NULL,
	    BASE4 "c0 12 08 fa56ea01 c0000209", NLRI, NULL, EB4, W_DISCARD, 3,
	    9, 18, NULL },

	/* -- LARGE_COMMUNITY: RFC 8092 §5 -------------------------------- */
	{ "LARGE_COMMUNITY", NULL, BASE4 "c0 20 0c 0000fc00 00000001 00000002",
	    NLRI, NULL, EB4, W_OK, 0, 0, 32, NULL },
	{ "LARGE_COMMUNITY length 13", NULL,
	    BASE4 "c0 20 0d 0000fc00 00000001 00000002 00", NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 5, 32, NULL },
	{ "LARGE_COMMUNITY length 8", NULL, BASE4 "c0 20 08 0000fc00 00000001",
	    NLRI, NULL, EB4, W_WITHDRAW, 3, 5, 32, NULL },
	{ "LARGE_COMMUNITY length 0", NULL, BASE4 "c0 20 00", NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 5, 32, NULL },

	/* -- OTC: RFC 9234 §5 -------------------------------------------- */
	{ "OTC", NULL, BASE4 "c0 23 04 0000fc00", NLRI, NULL, EB4, W_OK, 0, 0,
	    35, NULL },
	{ "OTC length 2", NULL, BASE4 "c0 23 02 fc00", NLRI, NULL, EB4,
	    W_WITHDRAW, 3, 5, 35, NULL },

	/* -- duplicates: RFC 7606 §3(g) ---------------------------------- */
	{ "ORIGIN twice: first kept", NULL, ORIGIN "40 01 01 02" ASP4 NH, NLRI,
	    NULL, EB4, W_DUP, 0, 0, 1, NULL },
	{ "NEXT_HOP twice: first kept", NULL, BASE4 "40 03 04 00000000", NLRI,
	    NULL, EB4, W_DUP, 0, 0, 3, NULL },
	{ "COMMUNITIES twice, second bad", NULL,
	    BASE4 "c0 08 04 fc000064 c0 08 03 000000", NLRI, NULL, EB4, W_DUP,
	    0, 0, 8, NULL },
	{ "unknown optional twice", NULL, BASE4 "c0 63 01 aa c0 63 01 bb",
	    NLRI, NULL, EB4, W_DUP, 0, 0, 99, NULL },
	{ "bad ORIGIN, then a good one", NULL,
	    "40 01 01 09" ORIGIN ASP4 NH, NLRI, NULL, EB4, W_WITHDRAW, 3, 6, 1,
	    NULL },

	/* -- unknown attributes: RFC 4271 §5, §6.3 ------------------------ */
	{ "unknown well-known", NULL, BASE4 "40 63 02 aabb", NLRI, NULL, EB4,
	    W_RESET, 3, 2, 99, "40 63 02 aabb" },
	{ "unknown well-known, extended length", NULL,
	    BASE4 "50 63 0002 aabb", NLRI, NULL, EB4, W_RESET, 3, 2, 99,
	    "50 63 0002 aabb" },
	{ "unknown well-known code 0", NULL, BASE4 "40 00 00", NLRI, NULL, EB4,
	    W_RESET, 3, 2, 0, "40 00 00" },
	{ "unknown optional transitive kept", NULL, BASE4 "c0 63 02 aabb",
	    NLRI, NULL, EB4, W_OK, 0, 0, 99, NULL },
	{ "unknown optional transitive partial kept", NULL,
	    BASE4 "e0 63 02 aabb", NLRI, NULL, EB4, W_OK, 0, 0, 99, NULL },
	{ "unknown optional non-transitive ignored", NULL,
	    BASE4 "80 63 02 aabb", NLRI, NULL, EB4, W_IGNORED, 0, 0, 99, NULL },

	/* -- missing well-known: RFC 7606 §3(d), RFC 4271 §6.3 ------------ */
	{ "missing ORIGIN", NULL, ASP4 NH, NLRI, NULL, EB4, W_WITHDRAW, 3, 3,
	    1, "01" },
	{ "missing AS_PATH", NULL, ORIGIN NH, NLRI, NULL, EB4, W_WITHDRAW, 3,
	    3, 2, "02" },
	{ "missing NEXT_HOP", NULL, ORIGIN ASP4, NLRI, NULL, EB4, W_WITHDRAW,
	    3, 3, 3, "03" },
	{ "missing everything", NULL, NULL, NLRI, NULL, EB4, W_WITHDRAW, 3, 3,
	    1, "01" },
	{ "missing ORIGIN with MP_REACH", NULL, REACH6 ASP4, NULL, NULL, EB4,
	    W_WITHDRAW, 3, 3, 1, "01" },
	{ "MP_REACH needs no NEXT_HOP", NULL, REACH6 ORIGIN ASP4, NULL, NULL,
	    EB4, W_OK, 0, 0, 0, NULL },
	{ "no NLRI: nothing is missing", NULL, "c0 08 04 fc000064", NULL, NULL,
	    EB4, W_OK, 0, 0, 8, NULL },
	{ "only MP_UNREACH: nothing is missing", NULL, UNREACH6, NULL, NULL,
	    EB4, W_OK, 0, 0, 15, NULL },
	{ "bad ORIGIN value is not missing", NULL, "40 01 01 05" NH, NLRI,
	    NULL, EB4, W_WITHDRAW, 3, 6, 1, "40 01 01 05" },
	{ "discarded AS_PATH flags still met", NULL,
	    ORIGIN "c0 02 06 02 01 0000fc00" NH, NLRI, NULL, EB4, W_WITHDRAW,
	    3, 4, 2, NULL },
};

static void ctx_of(unsigned f, struct bgp_upd_ctx *c)
{
	c->as4 = f & AS4;
	c->ebgp = f & EBGP;
	c->v4 = f & V4;
	c->v6 = f & V6;
}

START_TEST(update_table)
{
	for (size_t i = 0; i < NELEM(rows); i++) {
		const struct row *r = &rows[i];
		uint8_t msg[1024];
		struct bgp_update u;
		struct bgp_err e;
		struct bgp_upd_ctx ctx;

		memset(&e, 0, sizeof(e));
		ctx_of(r->ctx, &ctx);
		size_t n = r->body ? mkbody(msg, sizeof(msg), r->body) :
		    mkupdate(msg, sizeof(msg), r->wd, r->attrs, r->nlri);
		bool ok = bgp_update_decode(msg, n, &ctx, &u, &e);

		if (r->want == W_RESET) {
			ck_assert_msg(!ok, "%s: accepted", r->name);
			ck_assert_msg(e.code == r->code && e.subcode == r->sub,
			    "%s: reset %u/%u, want %u/%u", r->name, e.code,
			    e.subcode, r->code, r->sub);
			ck_assert_msg(r->data == NULL || data_is(&e, r->data),
			    "%s: reset data (%u bytes)", r->name, e.len);
			continue;
		}
		ck_assert_msg(ok, "%s: reset %u/%u", r->name, e.code,
		    e.subcode);
		ck_assert_msg(e.code == 0, "%s: err set", r->name);

		switch (r->want) {
		case W_OK:
		case W_IGNORED:
		case W_DUP:
			ck_assert_msg(!u.treat_as_withdraw, "%s: withdrawn",
			    r->name);
			ck_assert_msg(u.why.code == 0, "%s: why %u/%u",
			    r->name, u.why.code, u.why.subcode);
			if (r->want == W_OK)
				ck_assert_msg(u.ndiscarded == 0,
				    "%s: discarded %u", r->name,
				    u.discarded[0]);
			if (r->attr != 0 || r->want == W_IGNORED)
				ck_assert_msg(attr_has(&u.a, r->attr) ==
				    (r->want != W_IGNORED), "%s: attr %u",
				    r->name, r->attr);
			if (r->want == W_DUP)
				ck_assert_msg(was_discarded(&u, r->attr),
				    "%s: copy not discarded", r->name);
			else if (r->want == W_IGNORED)
				ck_assert_msg(!was_discarded(&u, r->attr),
				    "%s: listed as discarded", r->name);
			break;
		case W_WITHDRAW:
		case W_DISCARD:
			ck_assert_msg(u.treat_as_withdraw ==
			    (r->want == W_WITHDRAW), "%s: withdraw %d",
			    r->name, u.treat_as_withdraw);
			ck_assert_msg(u.why.code == r->code &&
			    u.why.subcode == r->sub, "%s: why %u/%u, want %u/%u",
			    r->name, u.why.code, u.why.subcode, r->code,
			    r->sub);
			ck_assert_msg(u.why_attr == r->attr, "%s: why_attr %u",
			    r->name, u.why_attr);
			ck_assert_msg(r->data == NULL || data_is(&u.why,
			    r->data), "%s: why data (%u bytes)", r->name,
			    u.why.len);
			if (r->want == W_DISCARD) {
				ck_assert_msg(!attr_has(&u.a, r->attr),
				    "%s: attr %u still there", r->name,
				    r->attr);
				ck_assert_msg(was_discarded(&u, r->attr),
				    "%s: not listed", r->name);
			}
			break;
		case W_RESET:
			break;
		}
	}
}
END_TEST

/* Values of the rows above that W_OK/W_DUP cannot express. */
START_TEST(update_values)
{
	uint8_t msg[512];
	struct bgp_update u;
	struct bgp_err e = { 0 };
	struct bgp_upd_ctx eb4 = { true, true, true, true };
	struct bgp_upd_ctx ib4 = { true, false, true, true };
	struct bgp_upd_ctx eb2 = { false, true, true, false };
	size_t n;

	/* Duplicate ORIGIN: the first (IGP) is kept, not the INCOMPLETE. */
	n = mkupdate(msg, sizeof(msg), NULL, ORIGIN "40 01 01 02" ASP4 NH,
	    NLRI);
	ck_assert(bgp_update_decode(msg, n, &eb4, &u, &e));
	ck_assert_uint_eq(u.a.origin, BGP_ORIGIN_IGP);
	ck_assert_uint_eq(u.ndiscarded, 1);

	/* Duplicate NEXT_HOP 0.0.0.0 after a good one: not even checked. */
	n = mkupdate(msg, sizeof(msg), NULL, BASE4 "40 03 04 00000000", NLRI);
	ck_assert(bgp_update_decode(msg, n, &eb4, &u, &e));
	ck_assert_uint_eq(u.a.nexthop, 0xc0000201u);

	/* Everything a plain iBGP UPDATE carries. */
	n = mkupdate(msg, sizeof(msg), "20 c0000202", BASE4
	    "80 04 04 00000032 40 05 04 000000c8 40 06 00"
	    "c0 07 08 fa56ea01 c0000209 c0 08 08 fc000064 ffffff01"
	    "80 09 04 0a000001 80 0a 08 0a000002 0a000003"
	    "c0 10 08 0002fc0000000007"
	    "c0 20 0c 0000fc00 00000001 00000002 c0 23 04 0000fc00"
	    "c0 63 02 aabb", NLRI "20 c6336401");
	ck_assert(bgp_update_decode(msg, n, &ib4, &u, &e));
	ck_assert(!u.treat_as_withdraw && u.why.code == 0);
	ck_assert_uint_eq(u.withdrawn_len, 5);
	ck_assert_uint_eq(u.nlri_len, 9);
	ck_assert(u.nlri == msg + n - 9);
	ck_assert_uint_eq(u.a.origin, 0);
	ck_assert(u.a.aspath_as4);
	ck_assert_uint_eq(u.a.aspath_len, 6);
	ck_assert_uint_eq(u.a.nexthop, 0xc0000201u);
	ck_assert_uint_eq(u.a.med, 50);
	ck_assert_uint_eq(u.a.local_pref, 200);
	ck_assert(attr_has(&u.a, BGP_ATTR_ATOMIC_AGGREGATE));
	ck_assert_uint_eq(u.a.aggr_as, 4200000001u);
	ck_assert_uint_eq(u.a.aggr_id, 0xc0000209u);
	ck_assert_uint_eq(u.a.ncomm, 2);
	ck_assert_uint_eq(bgp_get_u32(u.a.comm + 4), BGP_COMM_NO_EXPORT);
	ck_assert_uint_eq(u.a.originator_id, 0x0a000001u);
	ck_assert_uint_eq(u.a.ncluster, 2);
	ck_assert_uint_eq(bgp_get_u32(u.a.cluster + 4), 0x0a000003u);
	ck_assert_uint_eq(u.a.necomm, 1);
	ck_assert_uint_eq(u.a.nlcomm, 1);
	ck_assert_uint_eq(bgp_get_u32(u.a.lcomm + 8), 2);
	ck_assert_uint_eq(u.a.otc, 64512);
	ck_assert_uint_eq(u.a.nraw, 1);
	ck_assert_uint_eq(u.a.raw[0].flags, 0xc0);
	ck_assert_uint_eq(u.a.raw[0].code, 99);
	ck_assert_uint_eq(u.a.raw[0].len, 2);
	ck_assert(memcmp(u.a.raw[0].data, "\xaa\xbb", 2) == 0);
	ck_assert_uint_eq(u.attrs_len, n - 19 - 4 - 5 - 9);
	ck_assert(u.attrs_raw == msg + 19 + 2 + 5 + 2);

	/* The same from eBGP: LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST gone. */
	ck_assert(bgp_update_decode(msg, n, &eb4, &u, &e));
	ck_assert(!attr_has(&u.a, BGP_ATTR_LOCAL_PREF));
	ck_assert(!attr_has(&u.a, BGP_ATTR_ORIGINATOR_ID));
	ck_assert(!attr_has(&u.a, BGP_ATTR_CLUSTER_LIST));
	ck_assert(attr_has(&u.a, BGP_ATTR_MED));

	/* MP_REACH IPv6 with a link-local next hop. */
	n = mkupdate(msg, sizeof(msg), NULL, "80 0e 2e 0002 01 20 " NH6
	    "fe800000 00000000 00000000 00000001 00 40 20010db8 00000000"
	    ORIGIN ASP4, NULL);
	ck_assert(bgp_update_decode(msg, n, &eb4, &u, &e));
	ck_assert_uint_eq(u.a.reach.afi, AFI_IPV6);
	ck_assert_uint_eq(u.a.reach.safi, SAFI_UNICAST);
	ck_assert_uint_eq(u.a.reach.nhlen, 32);
	ck_assert_uint_eq(u.a.reach.nh[15], 1);
	ck_assert_uint_eq(u.a.reach.nh[16], 0xfe);
	ck_assert_uint_eq(u.a.reach.nlri_len, 9);

	/* 2-octet AS_PATH and AGGREGATOR. */
	n = mkupdate(msg, sizeof(msg), NULL, BASE2 "c0 07 06 fc01 c0000209",
	    NLRI);
	ck_assert(bgp_update_decode(msg, n, &eb2, &u, &e));
	ck_assert(!u.a.aspath_as4);
	ck_assert_uint_eq(u.a.aspath_len, 4);
	ck_assert_uint_eq(u.a.aggr_as, 64513);
	ck_assert_uint_eq(u.a.aggr_id, 0xc0000209u);

	/* Extended length on a COMMUNITIES of 2. */
	n = mkupdate(msg, sizeof(msg), NULL, BASE4
	    "d0 08 0008 fc000064 fc0000c8", NLRI);
	ck_assert(bgp_update_decode(msg, n, &eb4, &u, &e));
	ck_assert_uint_eq(u.a.ncomm, 2);
}
END_TEST

/* ---- End-of-RIB, empty UPDATE ------------------------------------------ */

START_TEST(end_of_rib)
{
	static const struct {
		const char *name, *wd, *attrs, *nlri;
		bool eor;
		uint16_t afi;
		bool empty;
	} eor_rows[] = {
		/* RFC 4724 §2 */
		{ "IPv4: empty UPDATE", NULL, NULL, NULL, true, AFI_IPV4, true },
		{ "IPv6: MP_UNREACH with only AFI/SAFI", NULL,
		    "80 0f 03 0002 01", NULL, true, AFI_IPV6, true },
		{ "IPv4 via MP_UNREACH", NULL, "80 0f 03 0001 01", NULL, true,
		    AFI_IPV4, true },
		{ "MP_UNREACH with a prefix", NULL, UNREACH6, NULL, false, 0,
		    false },
		{ "MP_UNREACH plus another attribute", NULL,
		    "80 0f 03 0002 01" ORIGIN, NULL, false, 0, true },
		{ "withdrawn routes", "18 c63364", NULL, NULL, false, 0, false },
		{ "NLRI", NULL, BASE4, NLRI, false, 0, false },
		{ "attributes, no NLRI", NULL, BASE4, NULL, false, 0, true },
		{ "MP_REACH with NLRI", NULL, REACH6 ORIGIN ASP4, NULL, false, 0,
		    false },
		{ "MP_REACH without NLRI", NULL,
		    "80 0e 15 0002 01 10 " NH6 "00" ORIGIN ASP4, NULL, false, 0,
		    true },
	};
	for (size_t i = 0; i < NELEM(eor_rows); i++) {
		uint8_t msg[256];
		struct bgp_update u;
		struct bgp_err e = { 0 };
		struct bgp_upd_ctx ctx = { true, true, true, true };
		size_t n = mkupdate(msg, sizeof(msg), eor_rows[i].wd,
		    eor_rows[i].attrs, eor_rows[i].nlri);
		ck_assert_msg(bgp_update_decode(msg, n, &ctx, &u, &e), "%s",
		    eor_rows[i].name);
		uint16_t afi = 0;
		uint8_t safi = 0;
		ck_assert_msg(bgp_update_is_eor(&u, &afi, &safi) ==
		    eor_rows[i].eor, "%s: eor", eor_rows[i].name);
		if (eor_rows[i].eor) {
			ck_assert_uint_eq(afi, eor_rows[i].afi);
			ck_assert_uint_eq(safi, SAFI_UNICAST);
		}
		ck_assert_msg(bgp_update_is_empty(&u) == eor_rows[i].empty,
		    "%s: empty", eor_rows[i].name);
	}
}
END_TEST

/* ---- encoding ------------------------------------------------------------ */

/* Wire segments: 64512 {64513 64514}, 4-octet. */
static const uint8_t path4[] = {
	2, 1, 0, 0, 0xfc, 0x00,
	1, 2, 0, 0, 0xfc, 0x01, 0, 0, 0xfc, 0x02,
};
static const uint8_t comms[] = { 0xfc, 0, 0, 100, 0xff, 0xff, 0xff, 0x01 };
static const uint8_t ecomms[] = { 0, 2, 0xfc, 0, 0, 0, 0, 7 };
static const uint8_t lcomms[] = { 0, 0, 0xfc, 0, 0, 0, 0, 1, 0, 0, 0, 2 };
static const uint8_t clusters[] = { 10, 0, 0, 2, 10, 0, 0, 3 };
static const uint8_t rawval[] = { 0xde, 0xad };

static void full_attrs(struct bgp_attrs *a)
{
	memset(a, 0, sizeof(*a));
	static const uint8_t codes[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16,
	    32, 35, 99 };
	for (size_t i = 0; i < sizeof(codes); i++)
		attr_set(a, codes[i]);
	a->origin = BGP_ORIGIN_EGP;
	a->aspath_as4 = true;
	a->aspath = path4;
	a->aspath_len = sizeof(path4);
	a->nexthop = 0xc0000201;
	a->med = 50;
	a->local_pref = 200;
	a->aggr_as = 64512;
	a->aggr_id = 0xc0000209;
	a->comm = comms;
	a->ncomm = 2;
	a->ecomm = ecomms;
	a->necomm = 1;
	a->lcomm = lcomms;
	a->nlcomm = 1;
	a->originator_id = 0x0a000001;
	a->cluster = clusters;
	a->ncluster = 2;
	a->otc = 64512;
	a->nraw = 1;
	a->raw[0] = (struct bgp_rawattr){ 0xc0, 99, 2, rawval };
}

/* UPDATE = bgp_msg_begin + withdrawn 0 + attributes + NLRI. */
static size_t wrap_update(uint8_t *buf, size_t cap, const struct bgp_attrs *a,
    bool as4, const struct prefix *nlri, size_t nnlri)
{
	struct wr w = wr_init(buf, cap);
	size_t start = bgp_msg_begin(&w, BGP_MSG_UPDATE);
	wr_u16(&w, 0);
	size_t alen_at = wr_reserve(&w, 2);
	uint8_t tmp[4096];
	size_t alen = bgp_attrs_encode(tmp, sizeof(tmp), a, as4);
	ck_assert_uint_gt(alen, 0);
	wr_bytes(&w, tmp, alen);
	wr_put_u16_at(&w, alen_at, (uint16_t)alen);
	for (size_t i = 0; i < nnlri; i++)
		bgp_nlri_put(&w, &nlri[i]);
	bgp_msg_end(&w, start);
	ck_assert(!w.overflow);
	return w.len;
}

/* The type codes of an attribute block, in wire order. */
static size_t attr_codes(const uint8_t *p, size_t len, uint8_t *codes,
    size_t max)
{
	struct rd r = rd_init(p, len);
	size_t n = 0;
	while (rd_left(&r) > 0 && n < max) {
		uint8_t f = 0, c = 0, l8 = 0;
		uint16_t l = 0;
		rd_u8(&r, &f);
		rd_u8(&r, &c);
		if (f & BGP_ATTRF_EXTLEN) {
			rd_u16(&r, &l);
		} else {
			rd_u8(&r, &l8);
			l = l8;
		}
		ck_assert(rd_skip(&r, l));
		codes[n++] = c;
	}
	return n;
}

START_TEST(encode_round_trip)
{
	struct bgp_attrs a;
	struct prefix nlri[2];
	uint8_t msg[4096];

	full_attrs(&a);
	ck_assert(prefix_parse("198.51.100.0/24", &nlri[0], NULL));
	ck_assert(prefix_parse("203.0.113.7/32", &nlri[1], NULL));
	size_t n = wrap_update(msg, sizeof(msg), &a, true, nlri, 2);

	struct bgp_hdr h;
	struct bgp_err e = { 0 };
	ck_assert_int_eq(bgp_frame(msg, n, 4096, &h, &e), BGP_FRAME_OK);
	struct bgp_update u;
	struct bgp_upd_ctx ctx = { true, false, true, true };	/* iBGP */
	ck_assert(bgp_update_decode(msg, n, &ctx, &u, &e));
	ck_assert(!u.treat_as_withdraw);
	ck_assert_uint_eq(u.why.code, 0);
	ck_assert_uint_eq(u.ndiscarded, 0);

	/* RFC 4271 §5: ascending type order. */
	uint8_t codes[32];
	size_t nc = attr_codes(u.attrs_raw, u.attrs_len, codes, 32);
	static const uint8_t want_codes[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	    16, 32, 35, 99 };
	ck_assert_uint_eq(nc, sizeof(want_codes));
	ck_assert(memcmp(codes, want_codes, nc) == 0);

	const struct bgp_attrs *d = &u.a;
	ck_assert(memcmp(d->seen, a.seen, sizeof(a.seen)) == 0);
	ck_assert_uint_eq(d->origin, a.origin);
	ck_assert(d->aspath_as4);
	ck_assert_uint_eq(d->aspath_len, a.aspath_len);
	ck_assert(memcmp(d->aspath, a.aspath, a.aspath_len) == 0);
	ck_assert_uint_eq(d->nexthop, a.nexthop);
	ck_assert_uint_eq(d->med, a.med);
	ck_assert_uint_eq(d->local_pref, a.local_pref);
	ck_assert_uint_eq(d->aggr_as, a.aggr_as);
	ck_assert_uint_eq(d->aggr_id, a.aggr_id);
	ck_assert_uint_eq(d->ncomm, a.ncomm);
	ck_assert(memcmp(d->comm, a.comm, 4u * a.ncomm) == 0);
	ck_assert_uint_eq(d->necomm, a.necomm);
	ck_assert(memcmp(d->ecomm, a.ecomm, 8u * a.necomm) == 0);
	ck_assert_uint_eq(d->nlcomm, a.nlcomm);
	ck_assert(memcmp(d->lcomm, a.lcomm, 12u * a.nlcomm) == 0);
	ck_assert_uint_eq(d->originator_id, a.originator_id);
	ck_assert_uint_eq(d->ncluster, a.ncluster);
	ck_assert(memcmp(d->cluster, a.cluster, 4u * a.ncluster) == 0);
	ck_assert_uint_eq(d->otc, a.otc);
	ck_assert_uint_eq(d->nraw, 1);
	ck_assert_uint_eq(d->raw[0].flags, 0xc0);
	ck_assert_uint_eq(d->raw[0].code, 99);
	ck_assert_uint_eq(d->raw[0].len, 2);
	ck_assert(memcmp(d->raw[0].data, rawval, 2) == 0);
	ck_assert(!attr_has(d, BGP_ATTR_AS4_PATH));
	ck_assert(!attr_has(d, BGP_ATTR_AS4_AGGREGATOR));

	struct rd r = rd_init(u.nlri, u.nlri_len);
	struct prefix p;
	for (size_t i = 0; i < 2; i++) {
		ck_assert(bgp_nlri_next(&r, AFI_IPV4, &p));
		ck_assert(prefix_equal(&p, &nlri[i]));
	}
	ck_assert(!bgp_nlri_next(&r, AFI_IPV4, &p));
	ck_assert(!r.failed);

	/* Re-encoding the decoded attributes gives the same bytes. */
	uint8_t again[4096];
	size_t an = bgp_attrs_encode(again, sizeof(again), d, true);
	ck_assert_uint_eq(an, u.attrs_len);
	ck_assert(memcmp(again, u.attrs_raw, an) == 0);

	/* Too small a buffer: 0. */
	ck_assert_uint_eq(bgp_attrs_encode(again, an - 1, d, true), 0);
	/* Nothing to encode. */
	struct bgp_attrs none;
	memset(&none, 0, sizeof(none));
	ck_assert_uint_eq(bgp_attrs_encode(again, sizeof(again), &none, true),
	    0);
}
END_TEST

/*
 * RFC 4271 §5: a receiver handles attributes in any order; unknown
 * optional transitive ones are passed on, here in ascending order.
 */
START_TEST(encode_raw_out_of_order)
{
	uint8_t msg[256], out[256];
	struct bgp_update u;
	struct bgp_err e = { 0 };
	struct bgp_upd_ctx ctx = { true, true, true, true };

	size_t n = mkupdate(msg, sizeof(msg), NULL,
	    "c0 c8 01 aa" BASE4 "c0 64 01 bb e0 96 01 cc", NLRI);
	ck_assert(bgp_update_decode(msg, n, &ctx, &u, &e));
	ck_assert_uint_eq(u.a.nraw, 3);
	size_t an = bgp_attrs_encode(out, sizeof(out), &u.a, true);
	uint8_t want[64];
	size_t wn = unhex(BASE4 "c0 64 01 bb e0 96 01 cc c0 c8 01 aa", want,
	    sizeof(want));
	ck_assert_uint_eq(an, wn);
	ck_assert(memcmp(out, want, wn) == 0);
}
END_TEST

/* RFC 6793 §4.2.2: to an old speaker, AS_TRANS plus AS4_PATH/AGGREGATOR. */
START_TEST(encode_as4_to_as2)
{
	/* 64512 4200000000 {65536 64514} */
	static const uint8_t wide[] = {
		2, 2, 0, 0, 0xfc, 0x00, 0xfa, 0x56, 0xea, 0x00,
		1, 2, 0, 1, 0, 0, 0, 0, 0xfc, 0x02,
	};
	struct bgp_attrs a;
	uint8_t out[512], want[512];

	memset(&a, 0, sizeof(a));
	attr_set(&a, BGP_ATTR_ORIGIN);
	attr_set(&a, BGP_ATTR_AS_PATH);
	attr_set(&a, BGP_ATTR_NEXT_HOP);
	attr_set(&a, BGP_ATTR_AGGREGATOR);
	a.aspath_as4 = true;
	a.aspath = wide;
	a.aspath_len = sizeof(wide);
	a.nexthop = 0xc0000201;
	a.aggr_as = 4200000001u;
	a.aggr_id = 0xc0000209;

	size_t n = bgp_attrs_encode(out, sizeof(out), &a, false);
	size_t wn = unhex(ORIGIN
	    "40 02 0c 02 02 fc00 5ba0 01 02 5ba0 fc02"	/* AS_TRANS */
	    NH
	    "c0 07 06 5ba0 c0000209"
	    "c0 11 14 02 02 0000fc00 fa56ea00 01 02 00010000 0000fc02"
	    "c0 12 08 fa56ea01 c0000209", want, sizeof(want));
	ck_assert_uint_eq(n, wn);
	ck_assert(memcmp(out, want, wn) == 0);

	/* The same to a new speaker: 4-octet, no AS4_*. */
	n = bgp_attrs_encode(out, sizeof(out), &a, true);
	wn = unhex(ORIGIN
	    "40 02 14 02 02 0000fc00 fa56ea00 01 02 00010000 0000fc02"
	    NH "c0 07 08 fa56ea01 c0000209", want, sizeof(want));
	ck_assert_uint_eq(n, wn);
	ck_assert(memcmp(out, want, wn) == 0);

	/* Only 2-octet ASNs: no AS4_PATH, no AS4_AGGREGATOR. */
	static const uint8_t narrow[] = { 2, 2, 0, 0, 0xfc, 0, 0, 0, 0xfc, 1 };
	a.aspath = narrow;
	a.aspath_len = sizeof(narrow);
	a.aggr_as = 64512;
	n = bgp_attrs_encode(out, sizeof(out), &a, false);
	wn = unhex(ORIGIN "40 02 06 02 02 fc00 fc01" NH
	    "c0 07 06 fc00 c0000209", want, sizeof(want));
	ck_assert_uint_eq(n, wn);
	ck_assert(memcmp(out, want, wn) == 0);

	/* AGGREGATOR AS 65536 is the first that needs AS4_AGGREGATOR. */
	a.aggr_as = 65536;
	n = bgp_attrs_encode(out, sizeof(out), &a, false);
	wn = unhex(ORIGIN "40 02 06 02 02 fc00 fc01" NH
	    "c0 07 06 5ba0 c0000209 c0 12 08 00010000 c0000209", want,
	    sizeof(want));
	ck_assert_uint_eq(n, wn);
	ck_assert(memcmp(out, want, wn) == 0);
	a.aggr_as = 65535;
	n = bgp_attrs_encode(out, sizeof(out), &a, false);
	ck_assert_uint_eq(n, wn - 11);

	/* AS 65536 alone needs AS4_PATH; AS 65535 does not. */
	static const uint8_t p65536[] = { 2, 1, 0, 1, 0, 0 };
	static const uint8_t p65535[] = { 2, 1, 0, 0, 0xff, 0xff };
	attr_clear(&a, BGP_ATTR_AGGREGATOR);
	a.aspath = p65536;
	a.aspath_len = sizeof(p65536);
	n = bgp_attrs_encode(out, sizeof(out), &a, false);
	wn = unhex(ORIGIN "40 02 04 02 01 5ba0" NH "c0 11 06 02 01 00010000",
	    want, sizeof(want));
	ck_assert_uint_eq(n, wn);
	ck_assert(memcmp(out, want, wn) == 0);
	a.aspath = p65535;
	n = bgp_attrs_encode(out, sizeof(out), &a, false);
	wn = unhex(ORIGIN "40 02 04 02 01 ffff" NH, want, sizeof(want));
	ck_assert_uint_eq(n, wn);
	ck_assert(memcmp(out, want, wn) == 0);

	/* A 2-octet path to a new speaker widens. */
	static const uint8_t two[] = { 2, 1, 0xfc, 0x00 };
	a.aspath_as4 = false;
	a.aspath = two;
	a.aspath_len = sizeof(two);
	attr_clear(&a, BGP_ATTR_AGGREGATOR);
	n = bgp_attrs_encode(out, sizeof(out), &a, true);
	wn = unhex(BASE4, want, sizeof(want));
	ck_assert_uint_eq(n, wn);
	ck_assert(memcmp(out, want, wn) == 0);

	/* Decoding the old-speaker form back. */
	a.aspath_as4 = true;
	a.aspath = wide;
	a.aspath_len = sizeof(wide);
	attr_set(&a, BGP_ATTR_AGGREGATOR);
	a.aggr_as = 4200000001u;
	struct prefix p;
	ck_assert(prefix_parse("198.51.100.0/24", &p, NULL));
	uint8_t msg[512];
	n = wrap_update(msg, sizeof(msg), &a, false, &p, 1);
	struct bgp_update u;
	struct bgp_err e = { 0 };
	struct bgp_upd_ctx old = { false, true, true, false };
	ck_assert(bgp_update_decode(msg, n, &old, &u, &e));
	ck_assert(u.why.code == 0 && !u.treat_as_withdraw);
	ck_assert(!u.a.aspath_as4);
	ck_assert_uint_eq(u.a.aggr_as, BGP_AS_TRANS);
	ck_assert_uint_eq(u.a.as4_aggr_as, 4200000001u);
	ck_assert_uint_eq(u.a.as4path_len, sizeof(wide));
	ck_assert(memcmp(u.a.as4path, wide, sizeof(wide)) == 0);
	char buf[128];
	ck_assert(bgp_attr_print(&u.a, BGP_ATTR_AS_PATH, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "64512 23456 {23456 64514}");
	ck_assert(bgp_attr_print(&u.a, BGP_ATTR_AS4_PATH, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "64512 4200000000 {65536 64514}");
	ck_assert_uint_eq(aspath_count(u.a.aspath, u.a.aspath_len, false), 3);
}
END_TEST

/* RFC 4271 §4.3: Extended Length when the value exceeds 255 octets. */
START_TEST(encode_extended_length)
{
	static uint8_t many[70 * 4], longpath[2 + 100 * 4];
	struct bgp_attrs a;
	uint8_t out[2048];

	for (size_t i = 0; i < sizeof(many); i++)
		many[i] = (uint8_t)(i + 1);
	memset(&a, 0, sizeof(a));
	attr_set(&a, BGP_ATTR_COMMUNITIES);
	a.comm = many;
	a.ncomm = 70;			/* 280 octets */
	size_t n = bgp_attrs_encode(out, sizeof(out), &a, true);
	ck_assert_uint_eq(n, 4 + 280);
	ck_assert_uint_eq(out[0], 0xd0);	/* optional transitive extlen */
	ck_assert_uint_eq(out[1], BGP_ATTR_COMMUNITIES);
	ck_assert_uint_eq(out[2] << 8 | out[3], 280);
	ck_assert(memcmp(out + 4, many, 280) == 0);

	/* 64 communities: 256 octets, just past the short form. */
	a.ncomm = 64;
	n = bgp_attrs_encode(out, sizeof(out), &a, true);
	ck_assert_uint_eq(n, 4 + 256);
	ck_assert_uint_eq(out[0], 0xd0);
	ck_assert_uint_eq(out[2] << 8 | out[3], 256);

	/* An unknown attribute of exactly 255 octets: the short form, even
	 * if it arrived with the Extended Length bit. */
	memset(&a, 0, sizeof(a));
	attr_set(&a, 99);
	a.nraw = 1;
	a.raw[0] = (struct bgp_rawattr){ 0xd0, 99, 255, many };
	n = bgp_attrs_encode(out, sizeof(out), &a, true);
	ck_assert_uint_eq(n, 3 + 255);
	ck_assert_uint_eq(out[0], 0xc0);
	ck_assert_uint_eq(out[2], 255);
	a.raw[0].len = 256;
	n = bgp_attrs_encode(out, sizeof(out), &a, true);
	ck_assert_uint_eq(n, 4 + 256);
	ck_assert_uint_eq(out[0], 0xd0);
	memset(&a, 0, sizeof(a));
	attr_set(&a, BGP_ATTR_COMMUNITIES);
	a.comm = many;

	/* 63 communities (252 octets): the short form. */
	a.ncomm = 63;
	n = bgp_attrs_encode(out, sizeof(out), &a, true);
	ck_assert_uint_eq(n, 3 + 252);
	ck_assert_uint_eq(out[0], 0xc0);
	ck_assert_uint_eq(out[2], 252);

	/* An AS_PATH of 100 ASNs: 402 octets, extended length, decodes. */
	longpath[0] = BGP_AS_SEQUENCE;
	longpath[1] = 100;
	for (size_t i = 0; i < 100; i++) {
		longpath[2 + 4 * i + 2] = 0xfc;
		longpath[2 + 4 * i + 3] = (uint8_t)i;
	}
	memset(&a, 0, sizeof(a));
	attr_set(&a, BGP_ATTR_ORIGIN);
	attr_set(&a, BGP_ATTR_AS_PATH);
	attr_set(&a, BGP_ATTR_NEXT_HOP);
	a.aspath_as4 = true;
	a.aspath = longpath;
	a.aspath_len = sizeof(longpath);
	a.nexthop = 0xc0000201;
	struct prefix p;
	ck_assert(prefix_parse("198.51.100.0/24", &p, NULL));
	uint8_t msg[2048];
	n = wrap_update(msg, sizeof(msg), &a, true, &p, 1);
	const uint8_t *asp = msg + 19 + 4 + 4;	/* after ORIGIN */
	ck_assert_uint_eq(asp[0], 0x50);
	ck_assert_uint_eq(asp[1], BGP_ATTR_AS_PATH);
	ck_assert_uint_eq(asp[2] << 8 | asp[3], sizeof(longpath));
	struct bgp_update u;
	struct bgp_err e = { 0 };
	struct bgp_upd_ctx ctx = { true, true, true, true };
	ck_assert(bgp_update_decode(msg, n, &ctx, &u, &e));
	ck_assert(u.why.code == 0);
	ck_assert_uint_eq(u.a.aspath_len, sizeof(longpath));
	ck_assert_uint_eq(aspath_count(u.a.aspath, u.a.aspath_len, true),
	    100);

	/* The same path to an old speaker: 202-octet AS_PATH (short form),
	 * no AS4_PATH as every ASN fits in 2 octets. */
	n = bgp_attrs_encode(out, sizeof(out), &a, false);
	ck_assert_uint_eq(out[4], 0x40);
	ck_assert_uint_eq(out[5], BGP_ATTR_AS_PATH);
	ck_assert_uint_eq(out[6], 202);
	ck_assert_uint_eq(n, 4 + 3 + 202 + 7);
}
END_TEST

/* ---- printing ------------------------------------------------------------ */

START_TEST(print_each)
{
	static const struct {
		const char *attrs;
		unsigned ctx;
		uint8_t code;
		const char *want;
	} prows[] = {
		{ ORIGIN, IB4, 1, "IGP" },
		{ "40 01 01 01", IB4, 1, "EGP" },
		{ "40 01 01 02", IB4, 1, "incomplete" },
		{ "40 02 10 02 01 0000fc00 01 02 0000fc01 0000fc02", IB4, 2,
		    "64512 {64513 64514}" },
		{ "40 02 0a 02 01 fc00 01 02 fc01 fc02", IB2, 2,
		    "64512 {64513 64514}" },
		{ "40 02 16 03 02 0000fde8 0000fde9 02 01 0000fc00 04 01 0000fdea",
		    IB4, 2, "(65000 65001) 64512 [65002]" },
		{ "40 02 06 02 01 fa56ea00", IB4, 2, "4200000000" },
		{ "40 02 00", IB4, 2, "" },
		{ NH, IB4, 3, "192.0.2.1" },
		{ "80 04 04 00000032", IB4, 4, "50" },
		{ "80 04 04 ffffffff", IB4, 4, "4294967295" },
		{ "40 05 04 000000c8", IB4, 5, "200" },
		{ "40 06 00", IB4, 6, "yes" },
		{ "c0 07 08 0000fc00 c0000209", IB4, 7, "64512 192.0.2.9" },
		{ "c0 07 06 fc00 c0000209", IB2, 7, "64512 192.0.2.9" },
		{ "c0 08 08 fc000064 ffffff01", IB4, 8, "64512:100 no-export" },
		{ "c0 08 18 ffff0000 ffff029a ffffff01 ffffff02 ffffff03 ffffff04",
		    IB4, 8, "graceful-shutdown blackhole no-export no-advertise "
		    "no-export-subconfed no-peer" },
		{ "c0 08 08 00000000 ffffffff", IB4, 8, "0:0 65535:65535" },
		{ "80 09 04 0a000001", IB4, 9, "10.0.0.1" },
		{ "80 0a 08 0a000002 0a000003", IB4, 10, "10.0.0.2 10.0.0.3" },
		{ REACH6 ORIGIN ASP4, IB4, 14,
		    "IPv6 unicast next hop 2001:db8::1" },
		{ "80 0e 0d 0001 01 04 c0000201 00 18 c63364" ORIGIN ASP4, IB4, 14,
		    "IPv4 unicast next hop 192.0.2.1" },
		{ UNREACH6, IB4, 15, "IPv6 unicast" },
		{ "c0 10 10 0002fc0000000007 0102030405060708", IB4, 16,
		    "0x0002fc0000000007 0x0102030405060708" },
		{ "c0 11 0a 02 02 fa56ea00 0000fc00", IB2, 17,
		    "4200000000 64512" },
		{ "c0 12 08 fa56ea01 c0000209", IB2, 18,
		    "4200000001 192.0.2.9" },
		{ "c0 20 18 0000fc00 00000001 00000002 fa56ea00 ffffffff 00000000",
		    IB4, 32, "64512:1:2 4200000000:4294967295:0" },
		{ "c0 23 04 0000fc00", IB4, 35, "64512" },
		{ "c0 63 02 aabb", IB4, 99, "flags 0xc0, 2 bytes" },
		{ "e0 63 00", IB4, 99, "flags 0xe0, 0 bytes" },
	};
	for (size_t i = 0; i < NELEM(prows); i++) {
		uint8_t msg[256];
		struct bgp_update u;
		struct bgp_err e = { 0 };
		struct bgp_upd_ctx ctx;
		char buf[256];

		ctx_of(prows[i].ctx, &ctx);
		size_t n = mkupdate(msg, sizeof(msg), NULL, prows[i].attrs,
		    NULL);
		ck_assert_msg(bgp_update_decode(msg, n, &ctx, &u, &e),
		    "row %zu", i);
		ck_assert_msg(u.why.code == 0, "row %zu: why %u/%u", i,
		    u.why.code, u.why.subcode);
		memset(buf, 'X', sizeof(buf));
		ck_assert_msg(bgp_attr_print(&u.a, prows[i].code, buf,
		    sizeof(buf)), "row %zu: not printed", i);
		ck_assert_msg(strcmp(buf, prows[i].want) == 0,
		    "row %zu: \"%s\", want \"%s\"", i, buf, prows[i].want);
		/* Absent attributes print nothing. */
		ck_assert(!bgp_attr_print(&u.a, prows[i].code == BGP_ATTR_OTC ?
		    BGP_ATTR_MED : BGP_ATTR_OTC, buf, sizeof(buf)));
	}
	/* A short buffer is cut, never overrun. */
	uint8_t msg[256];
	struct bgp_update u;
	struct bgp_err e = { 0 };
	struct bgp_upd_ctx ctx = { true, false, true, true };
	size_t n = mkupdate(msg, sizeof(msg), NULL,
	    "c0 08 08 fc000064 ffffff01", NULL);
	ck_assert(bgp_update_decode(msg, n, &ctx, &u, &e));
	char small[12];
	memset(small, 'Z', sizeof(small));
	ck_assert(bgp_attr_print(&u.a, 8, small, 10));
	ck_assert_str_eq(small, "64512:100");
	ck_assert(small[10] == 'Z' && small[11] == 'Z');
	ck_assert(!bgp_attr_print(&u.a, 8, small, 0));
	ck_assert(!bgp_attr_print(&u.a, 300, small, sizeof(small)));
}
END_TEST

/* ---- AS path helpers ------------------------------------------------------ */

START_TEST(aspath_counting)
{
	static const struct {
		const char *hex;
		bool as4;
		unsigned count;
	} crows[] = {
		{ "", true, 0 },
		{ "02 01 0000fc00", true, 1 },
		{ "02 03 0000fc00 0000fc01 0000fc02", true, 3 },
		/* RFC 4271 §9.1.2.2: a set counts as one. */
		{ "02 01 0000fc00 01 02 0000fc01 0000fc02", true, 2 },
		{ "01 03 0000fc01 0000fc02 0000fc03", true, 1 },
		/* RFC 5065 §5.3: confederation segments do not count. */
		{ "03 02 0000fde8 0000fde9 02 01 0000fc00", true, 1 },
		{ "04 02 0000fde8 0000fde9 02 02 0000fc00 0000fc01", true, 2 },
		{ "03 01 0000fde8 04 01 0000fde9", true, 0 },
		{ "02 02 fc00 fc01 01 02 fc02 fc03 03 01 fde8", false, 3 },
		/* A truncated path counts what it can. */
		{ "02 02 fc00 fc01 02 05 fc02", false, 2 },
	};
	for (size_t i = 0; i < NELEM(crows); i++) {
		uint8_t p[64];
		size_t n = unhex(crows[i].hex, p, sizeof(p));
		ck_assert_msg(aspath_count(p, n, crows[i].as4) ==
		    crows[i].count, "row %zu: %u", i,
		    aspath_count(p, n, crows[i].as4));
	}

	/* Iteration over both widths, with the segment type. */
	uint8_t p[64];
	size_t n = unhex("02 01 0000fc00 01 02 fa56ea00 0000fc02", p,
	    sizeof(p));
	struct aspath_iter it;
	uint32_t asn;
	uint8_t type;
	aspath_iter_init(&it, p, n, true);
	ck_assert(aspath_next(&it, &asn, &type));
	ck_assert(asn == 64512 && type == BGP_AS_SEQUENCE);
	ck_assert(aspath_next(&it, &asn, &type));
	ck_assert(asn == 4200000000u && type == BGP_AS_SET);
	ck_assert(aspath_next(&it, &asn, &type));
	ck_assert(asn == 64514 && type == BGP_AS_SET);
	ck_assert(!aspath_next(&it, &asn, &type));

	n = unhex("02 02 fc00 5ba0", p, sizeof(p));
	aspath_iter_init(&it, p, n, false);
	ck_assert(aspath_next(&it, &asn, &type) && asn == 64512);
	ck_assert(aspath_next(&it, &asn, &type) && asn == BGP_AS_TRANS);
	ck_assert(!aspath_next(&it, &asn, &type));

	/* A truncated path stops, without reading beyond it. */
	n = unhex("02 03 fc00", p, sizeof(p));
	aspath_iter_init(&it, p, n, false);
	ck_assert(aspath_next(&it, &asn, &type));
	ck_assert(!aspath_next(&it, &asn, &type));
}
END_TEST

/* ---- NLRI ------------------------------------------------------------------ */

START_TEST(nlri_round_trip)
{
	static const struct {
		const char *pfx;
		const char *hex;
	} nrows[] = {
		{ "0.0.0.0/0", "00" },
		{ "10.0.0.0/8", "08 0a" },
		{ "198.51.100.0/24", "18 c63364" },
		{ "198.51.100.128/25", "19 c6336480" },
		{ "192.0.2.1/32", "20 c0000201" },
		{ "::/0", "00" },
		{ "2001:db8::/32", "20 20010db8" },
		{ "2001:db8:1:2::/64", "40 20010db8 00010002" },
		{ "2001:db8::1/128", "80 20010db8 00000000 00000000 00000001" },
		{ "2001:db8::/33", "21 20010db8 00" },
	};
	for (size_t i = 0; i < NELEM(nrows); i++) {
		struct prefix p, q;
		uint8_t buf[32], want[32];
		ck_assert(prefix_parse(nrows[i].pfx, &p, NULL));
		size_t wn = unhex(nrows[i].hex, want, sizeof(want));
		struct wr w = wr_init(buf, sizeof(buf));
		bgp_nlri_put(&w, &p);
		ck_assert_msg(w.len == wn && memcmp(buf, want, wn) == 0,
		    "%s: put", nrows[i].pfx);
		ck_assert_uint_eq(bgp_nlri_size(&p), wn);
		struct rd r = rd_init(buf, w.len);
		ck_assert(bgp_nlri_next(&r, p.afi, &q));
		ck_assert_msg(prefix_equal(&p, &q), "%s: next", nrows[i].pfx);
		ck_assert(!bgp_nlri_next(&r, p.afi, &q));
		ck_assert(!r.failed);
	}

	/* Host bits a sloppy sender left set are cleared. */
	uint8_t b[32];
	size_t n = unhex("17 c63365", b, sizeof(b));
	struct rd r = rd_init(b, n);
	struct prefix q;
	char s[PREFIX_STRLEN];
	ck_assert(bgp_nlri_next(&r, AFI_IPV4, &q));
	ck_assert_str_eq(prefix_fmt(&q, s, sizeof(s)), "198.51.100.0/23");

	/* Malformed: longer than the family, or cut short. */
	static const struct {
		const char *hex;
		uint16_t afi;
	} bad[] = {
		{ "21 c0000201 00", AFI_IPV4 },
		{ "ff", AFI_IPV4 },
		{ "81 20010db8 00000000 00000000 00000001 00", AFI_IPV6 },
		{ "18 c633", AFI_IPV4 },
		{ "80 20010db8", AFI_IPV6 },
		{ "20", AFI_IPV4 },
	};
	for (size_t i = 0; i < NELEM(bad); i++) {
		n = unhex(bad[i].hex, b, sizeof(b));
		r = rd_init(b, n);
		ck_assert_msg(!bgp_nlri_next(&r, bad[i].afi, &q), "bad %zu", i);
		ck_assert_msg(r.failed, "bad %zu: not failed", i);
	}

	/* Writing into a full buffer overflows cleanly. */
	struct prefix p;
	ck_assert(prefix_parse("2001:db8::1/128", &p, NULL));
	struct wr w = wr_init(b, 16);
	bgp_nlri_put(&w, &p);
	ck_assert(w.overflow);
}
END_TEST

START_TEST(malformed_action)
{
	static const struct {
		unsigned code;
		bool ebgp;
		enum attr_action want;
	} arows[] = {
		{ BGP_ATTR_ORIGIN, true, ATTR_WITHDRAW },
		{ BGP_ATTR_AS_PATH, true, ATTR_WITHDRAW },
		{ BGP_ATTR_NEXT_HOP, true, ATTR_WITHDRAW },
		{ BGP_ATTR_MED, true, ATTR_WITHDRAW },
		{ BGP_ATTR_LOCAL_PREF, false, ATTR_WITHDRAW },
		{ BGP_ATTR_LOCAL_PREF, true, ATTR_DISCARD },
		{ BGP_ATTR_ATOMIC_AGGREGATE, true, ATTR_DISCARD },
		{ BGP_ATTR_AGGREGATOR, true, ATTR_DISCARD },
		{ BGP_ATTR_COMMUNITIES, true, ATTR_WITHDRAW },
		{ BGP_ATTR_ORIGINATOR_ID, false, ATTR_WITHDRAW },
		{ BGP_ATTR_ORIGINATOR_ID, true, ATTR_DISCARD },
		{ BGP_ATTR_CLUSTER_LIST, false, ATTR_WITHDRAW },
		{ BGP_ATTR_MP_REACH, true, ATTR_RESET },
		{ BGP_ATTR_MP_UNREACH, false, ATTR_RESET },
		{ BGP_ATTR_EXT_COMMUNITIES, true, ATTR_WITHDRAW },
		{ BGP_ATTR_AS4_PATH, true, ATTR_DISCARD },
		{ BGP_ATTR_AS4_AGGREGATOR, true, ATTR_DISCARD },
		{ BGP_ATTR_LARGE_COMMUNITY, true, ATTR_WITHDRAW },
		{ BGP_ATTR_OTC, true, ATTR_WITHDRAW },
		{ 99, true, ATTR_DISCARD },
		{ 1000, true, ATTR_DISCARD },
	};
	for (size_t i = 0; i < NELEM(arows); i++)
		ck_assert_msg(bgp_attr_malformed_action(arows[i].code,
		    arows[i].ebgp) == arows[i].want, "code %u", arows[i].code);
}
END_TEST

/* ---- captured UPDATEs (BIRD 2, GoBGP 3) -------------------------------- */

static const struct cap_msg *cap_find(const char *name)
{
	for (size_t i = 0; i < CAP_ALL_COUNT; i++)
		if (strcmp(cap_all[i].name, name) == 0)
			return &cap_all[i];
	ck_abort_msg("no captured message %s", name);
	return NULL;
}

/* The captures' sessions all negotiated 4-octet AS; iBGP in "ibgp". */
static bool cap_is_ibgp(const char *name)
{
	return strstr(name, "ibgp") != NULL ||
	    strcmp(name, "cap_gobgp_eor_v4") == 0 ||
	    strcmp(name, "cap_gobgp_eor_v6") == 0;
}

START_TEST(captured_updates_decode)
{
	size_t nupd = 0;
	for (size_t i = 0; i < CAP_ALL_COUNT; i++) {
		const struct cap_msg *m = &cap_all[i];
		struct bgp_hdr h;
		struct bgp_err e = { 0 };
		ck_assert_msg(bgp_frame(m->bytes, m->len, BGP_MAX_LEN, &h, &e)
		    == BGP_FRAME_OK, "%s: frame", m->name);
		if (h.type != BGP_MSG_UPDATE)
			continue;
		nupd++;
		struct bgp_upd_ctx ctx = { true, !cap_is_ibgp(m->name), true,
		    true };
		struct bgp_update u;
		ck_assert_msg(bgp_update_decode(m->bytes, m->len, &ctx, &u, &e),
		    "%s: reset %u/%u", m->name, e.code, e.subcode);
		ck_assert_msg(!u.treat_as_withdraw && u.why.code == 0 &&
		    u.ndiscarded == 0, "%s: why %u/%u attr %u", m->name,
		    u.why.code, u.why.subcode, u.why_attr);
	}
	ck_assert_uint_ge(nupd, 10);
}
END_TEST

static void cap_update(const char *name, struct bgp_update *u)
{
	const struct cap_msg *m = cap_find(name);
	struct bgp_upd_ctx ctx = { true, !cap_is_ibgp(name), true, true };
	struct bgp_err e = { 0 };
	ck_assert_msg(bgp_update_decode(m->bytes, m->len, &ctx, u, &e), "%s",
	    name);
}

static void check_print(const struct bgp_update *u, unsigned code,
    const char *want)
{
	char buf[256];
	ck_assert_msg(bgp_attr_print(&u->a, code, buf, sizeof(buf)),
	    "attr %u absent", code);
	ck_assert_msg(strcmp(buf, want) == 0, "attr %u: \"%s\", want \"%s\"",
	    code, buf, want);
}

/* The prefixes of an NLRI field, space-separated, in wire order. */
static void nlri_str(const uint8_t *p, size_t len, uint16_t afi, char *out,
    size_t size)
{
	struct rd r = rd_init(p, len);
	struct prefix q;
	size_t off = 0;
	out[0] = '\0';
	while (bgp_nlri_next(&r, afi, &q)) {
		char s[PREFIX_STRLEN];
		prefix_fmt(&q, s, sizeof(s));
		off += (size_t)snprintf(out + off, size - off, "%s%s",
		    off ? " " : "", s);
	}
	ck_assert(!r.failed);
}

START_TEST(captured_update_fields)
{
	struct bgp_update u;
	char s[512];
	uint16_t afi;
	uint8_t safi;

	cap_update("cap_bird_update_v4_comm", &u);
	check_print(&u, BGP_ATTR_ORIGIN, "IGP");
	check_print(&u, BGP_ATTR_AS_PATH, "64512 64512");
	check_print(&u, BGP_ATTR_NEXT_HOP, "192.0.2.1");
	check_print(&u, BGP_ATTR_MED, "50");
	check_print(&u, BGP_ATTR_COMMUNITIES, "64512:100 64512:200");
	check_print(&u, BGP_ATTR_LARGE_COMMUNITY, "64512:1:2");
	ck_assert(!attr_has(&u.a, BGP_ATTR_LOCAL_PREF));
	nlri_str(u.nlri, u.nlri_len, AFI_IPV4, s, sizeof(s));
	ck_assert_str_eq(s, "198.51.100.1 198.51.100.2 198.51.100.3 "
	    "198.51.100.4");
	ck_assert_uint_eq(aspath_count(u.a.aspath, u.a.aspath_len, true), 2);

	cap_update("cap_bird_update_v4_extcomm", &u);
	check_print(&u, BGP_ATTR_ORIGIN, "incomplete");
	check_print(&u, BGP_ATTR_AS_PATH, "64512");
	check_print(&u, BGP_ATTR_COMMUNITIES, "no-export");
	check_print(&u, BGP_ATTR_EXT_COMMUNITIES, "0x0002fc0000000007");
	ck_assert(!attr_has(&u.a, BGP_ATTR_MED));
	nlri_str(u.nlri, u.nlri_len, AFI_IPV4, s, sizeof(s));
	ck_assert_str_eq(s, "203.0.113.0/24");

	cap_update("cap_bird_update_v6", &u);
	ck_assert(!attr_has(&u.a, BGP_ATTR_NEXT_HOP));
	ck_assert_uint_eq(u.nlri_len, 0);
	check_print(&u, BGP_ATTR_MP_REACH, "IPv6 unicast next hop 2001:db8::2");
	ck_assert_uint_eq(u.a.reach.nhlen, 16);
	nlri_str(u.a.reach.nlri, u.a.reach.nlri_len, AFI_IPV6, s, sizeof(s));
	ck_assert_str_eq(s, "2001:db8:1::1 2001:db8:1::2");
	check_print(&u, BGP_ATTR_AS_PATH, "64512 64512");
	check_print(&u, BGP_ATTR_MED, "50");
	ck_assert(!bgp_update_is_empty(&u));

	cap_update("cap_bird_update_v4_ibgp_lp", &u);
	check_print(&u, BGP_ATTR_LOCAL_PREF, "200");
	check_print(&u, BGP_ATTR_AS_PATH, "64512");
	nlri_str(u.nlri, u.nlri_len, AFI_IPV4, s, sizeof(s));
	ck_assert_str_eq(s, "198.51.100.1 198.51.100.2 198.51.100.3 "
	    "198.51.100.4");

	cap_update("cap_bird_update_v4_ibgp_empty_aspath", &u);
	ck_assert(attr_has(&u.a, BGP_ATTR_AS_PATH));
	ck_assert_uint_eq(u.a.aspath_len, 0);
	check_print(&u, BGP_ATTR_AS_PATH, "");
	check_print(&u, BGP_ATTR_LOCAL_PREF, "200");
	check_print(&u, BGP_ATTR_ORIGIN, "incomplete");

	cap_update("cap_bird_update_v6_ibgp", &u);
	check_print(&u, BGP_ATTR_LOCAL_PREF, "200");
	ck_assert_uint_eq(u.a.reach.afi, AFI_IPV6);

	cap_update("cap_bird_withdraw_v4", &u);
	nlri_str(u.withdrawn, u.withdrawn_len, AFI_IPV4, s, sizeof(s));
	ck_assert_str_eq(s, "198.51.100.2 198.51.100.1 198.51.100.4 "
	    "198.51.100.3 203.0.113.0/24");
	ck_assert(!bgp_update_is_eor(&u, &afi, &safi));
	ck_assert(!bgp_update_is_empty(&u));

	cap_update("cap_bird_withdraw_v6", &u);
	ck_assert_uint_eq(u.a.unreach.afi, AFI_IPV6);
	nlri_str(u.a.unreach.nlri, u.a.unreach.nlri_len, AFI_IPV6, s,
	    sizeof(s));
	ck_assert_str_eq(s, "2001:db8:1::1 2001:db8:1::2");
	ck_assert(!bgp_update_is_eor(&u, &afi, &safi));

	cap_update("cap_gobgp_update_v4", &u);
	check_print(&u, BGP_ATTR_ORIGIN, "incomplete");
	check_print(&u, BGP_ATTR_AS_PATH, "64513");
	check_print(&u, BGP_ATTR_NEXT_HOP, "203.0.113.254");
	check_print(&u, BGP_ATTR_COMMUNITIES, "64512:100");
	nlri_str(u.nlri, u.nlri_len, AFI_IPV4, s, sizeof(s));
	ck_assert_str_eq(s, "192.0.2.10");

	cap_update("cap_gobgp_update_v4_attrs", &u);
	check_print(&u, BGP_ATTR_MED, "20");
	check_print(&u, BGP_ATTR_COMMUNITIES, "64513:1 64513:2");
	check_print(&u, BGP_ATTR_LARGE_COMMUNITY, "64513:10:20");

	cap_update("cap_gobgp_update_v6", &u);
	check_print(&u, BGP_ATTR_MP_REACH, "IPv6 unicast next hop 2001:db8::fe");
	nlri_str(u.a.reach.nlri, u.a.reach.nlri_len, AFI_IPV6, s, sizeof(s));
	ck_assert_str_eq(s, "2001:db8::10");

	cap_update("cap_gobgp_update_v4_ibgp", &u);
	check_print(&u, BGP_ATTR_LOCAL_PREF, "100");
	ck_assert_uint_eq(u.a.aspath_len, 0);

	cap_update("cap_gobgp_update_v6_ibgp", &u);
	check_print(&u, BGP_ATTR_LOCAL_PREF, "100");
	nlri_str(u.a.reach.nlri, u.a.reach.nlri_len, AFI_IPV6, s, sizeof(s));
	ck_assert_str_eq(s, "2001:db8::10");

	cap_update("cap_gobgp_withdraw_v4", &u);
	nlri_str(u.withdrawn, u.withdrawn_len, AFI_IPV4, s, sizeof(s));
	ck_assert_str_eq(s, "192.0.2.10");

	cap_update("cap_gobgp_withdraw_v6", &u);
	nlri_str(u.a.unreach.nlri, u.a.unreach.nlri_len, AFI_IPV6, s,
	    sizeof(s));
	ck_assert_str_eq(s, "2001:db8::10");

	/* End-of-RIB markers from both implementations. */
	static const struct {
		const char *name;
		uint16_t afi;
	} eors[] = {
		{ "cap_bird_eor_v4", AFI_IPV4 },
		{ "cap_bird_eor_v6", AFI_IPV6 },
		{ "cap_gobgp_eor_v4", AFI_IPV4 },
		{ "cap_gobgp_eor_v6", AFI_IPV6 },
	};
	for (size_t i = 0; i < NELEM(eors); i++) {
		cap_update(eors[i].name, &u);
		afi = 0;
		safi = 0;
		ck_assert_msg(bgp_update_is_eor(&u, &afi, &safi), "%s",
		    eors[i].name);
		ck_assert_uint_eq(afi, eors[i].afi);
		ck_assert_uint_eq(safi, SAFI_UNICAST);
		ck_assert(bgp_update_is_empty(&u));
	}

	/* No other captured UPDATE is an End-of-RIB. */
	for (size_t i = 0; i < CAP_ALL_COUNT; i++) {
		const struct cap_msg *m = &cap_all[i];
		if (m->bytes[18] != BGP_MSG_UPDATE || strstr(m->name, "_eor_"))
			continue;
		cap_update(m->name, &u);
		ck_assert_msg(!bgp_update_is_eor(&u, &afi, &safi), "%s",
		    m->name);
	}
}
END_TEST

/* Our encoding of BIRD's attributes is byte-identical to BIRD's. */
START_TEST(captured_reencode)
{
	static const char *const names[] = {
		"cap_bird_update_v4_comm", "cap_bird_update_v4_extcomm",
		"cap_bird_update_v4_ibgp_lp",
		"cap_bird_update_v4_ibgp_empty_aspath",
		"cap_gobgp_update_v4", "cap_gobgp_update_v4_attrs",
		"cap_gobgp_update_v4_ibgp",
	};
	for (size_t i = 0; i < NELEM(names); i++) {
		struct bgp_update u;
		uint8_t out[4096];
		cap_update(names[i], &u);
		size_t n = bgp_attrs_encode(out, sizeof(out), &u.a, true);
		ck_assert_msg(n == u.attrs_len && memcmp(out, u.attrs_raw, n)
		    == 0, "%s", names[i]);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("attr");
	TCase *tc = tcase_create("decode");
	tcase_add_test(tc, update_table);
	tcase_add_test(tc, update_values);
	tcase_add_test(tc, end_of_rib);
	tcase_add_test(tc, malformed_action);
	suite_add_tcase(s, tc);

	tc = tcase_create("encode");
	tcase_add_test(tc, encode_round_trip);
	tcase_add_test(tc, encode_raw_out_of_order);
	tcase_add_test(tc, encode_as4_to_as2);
	tcase_add_test(tc, encode_extended_length);
	suite_add_tcase(s, tc);

	tc = tcase_create("print");
	tcase_add_test(tc, print_each);
	tcase_add_test(tc, aspath_counting);
	tcase_add_test(tc, nlri_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("captured");
	tcase_add_test(tc, captured_updates_decode);
	tcase_add_test(tc, captured_update_fields);
	tcase_add_test(tc, captured_reencode);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
