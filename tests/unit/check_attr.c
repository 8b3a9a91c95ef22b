/*
 * check_attr.c - unit tests for fsm/attr.c, decoding: UPDATEs with the
 * RFC 7606 reactions (one table row per rule), decoded values,
 * End-of-RIB, the malformed-attribute action table.  Encoding, printing
 * and the captured UPDATEs are check_attr_encode.c.
 *
 * Byte vectors are written by hand from the RFCs, never produced by the
 * code under test.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsm/attr_desc.h"
#include "tests/unit/wire_fixture.h"

/* ---- helpers ---------------------------------------------------------- */

static bool was_discarded(const struct bgp_update *u, uint8_t code)
{
	for (size_t i = 0; i < u->ndiscarded; i++)
		if (u->discarded[i] == code)
			return true;
	return false;
}

/* ---- the decode table -------------------------------------------------- */

/* Expected outcome. */
enum want {
	W_OK,		/* accepted, nothing wrong; attr (if set) present */
	W_RESET,	/* session reset with err = (code, sub) */
	W_WITHDRAW,	/* treat-as-withdraw; why = (code, sub), why_attr */
	W_DISCARD,	/* attr discarded; why = (code, sub); not withdrawn */
	W_IGNORED,	/* accepted silently, attr absent, no why */
	W_DUP,		/* attr kept (first one), a later copy discarded */
};

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
	/* RFC 8950 §3: IPv4 NLRI with a 16- or 32-octet IPv6 next hop;
	 * kept for show rib in whether or not it was negotiated. */
	{ "MP_REACH IPv4 next hop 16 (RFC 8950)", NULL,
	    "80 0e 19 0001 01 10 " NH6 "00 18 c63364" ORIGIN ASP4, NULL, NULL,
	    EB4, W_OK, 0, 0, 14, NULL },
	{ "MP_REACH IPv4 next hop 32 (RFC 8950)", NULL,
	    "80 0e 29 0001 01 20 " NH6 "fe800000 00000000 00000000 00000001"
	    "00 18 c63364" ORIGIN ASP4, NULL, NULL, EB4, W_OK, 0, 0, 14, NULL },
	{ "MP_REACH IPv4 next hop 17", NULL,
	    "80 0e 1a 0001 01 11 " NH6 "00 00 18 c63364" ORIGIN ASP4, NULL,
	    NULL, EB4, W_RESET, 3, 9, 14, NULL },
	{ "MP_UNREACH IPv4", NULL, "80 0f 07 0001 01 18 c63364", NULL, NULL,
	    EB4, W_OK, 0, 0, 15, NULL },
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

	/* RFC 8950: IPv4 NLRI in MP_REACH with an IPv6 next hop, no
	 * NEXT_HOP attribute (none is due without classic NLRI). */
	n = mkupdate(msg, sizeof(msg), NULL, "90 0e 0019 0001 01 10 " NH6
	    "00 18 c63364" ORIGIN ASP4, NULL);
	ck_assert(bgp_update_decode(msg, n, &eb4, &u, &e));
	ck_assert(!u.treat_as_withdraw && u.why.code == 0);
	ck_assert(!attr_has(&u.a, BGP_ATTR_NEXT_HOP));
	ck_assert_uint_eq(u.a.reach.afi, AFI_IPV4);
	ck_assert_uint_eq(u.a.reach.nhlen, 16);
	ck_assert_uint_eq(u.a.reach.nh[0], 0x20);
	ck_assert_uint_eq(u.a.reach.nh[15], 1);
	char txt[80];
	ck_assert(bgp_attr_print(&u.a, BGP_ATTR_MP_REACH, txt, sizeof(txt)));
	ck_assert_str_eq(txt, "IPv4 unicast next hop 2001:db8::1");
	ck_assert_uint_eq(u.a.reach.nlri_len, 4);
	ck_assert(memcmp(u.a.reach.nlri, "\x18\xc6\x33\x64", 4) == 0);

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

/* Every known row of the descriptor table sits at its own type code and
 * has a name, and the generic loop finds its codec. */
START_TEST(desc_table_rows)
{
	size_t known = 0;

	for (size_t i = 0; i < NELEM(attr_table); i++) {
		const struct attr_desc *d = &attr_table[i];
		if (d->decode == NULL)
			continue;
		known++;
		ck_assert_msg(d->code == i, "row %zu has code %u", i, d->code);
		ck_assert_ptr_nonnull(d->name);
		ck_assert_ptr_nonnull(d->print);
		ck_assert_uint_le(d->min_len, d->max_len);
	}
	ck_assert_uint_ge(known, 10);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("attr");
	TCase *tc = unit_tcase(s, "decode");
	tcase_add_test(tc, update_table);
	tcase_add_test(tc, update_values);
	tcase_add_test(tc, end_of_rib);
	tcase_add_test(tc, malformed_action);
	tcase_add_test(tc, desc_table_rows);

	return unit_run(s);
}
