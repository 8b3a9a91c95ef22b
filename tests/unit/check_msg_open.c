/*
 * check_msg_open.c - unit tests for the OPEN message in fsm/msg.c: its
 * decoding and encoding with every capability, optional parameters
 * (RFC 9072 extended length), the errors (one table row each),
 * bgp_open_check and bgp_negotiate (hold time, capabilities, graceful
 * restart, RFC 8950 extended next hop).  The other messages are check_msg.c.
 *
 * The byte vectors are written by hand from the RFCs, never produced by
 * the code under test; tables give the bytes and the expected outcome
 * (code, subcode, data).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/wire_fixture.h"

/* ---- OPEN --------------------------------------------------------------- */

/* My AS 64512, hold 180, BGP ID 192.0.2.1. */
#define OPEN_FIXED "04 fc00 00b4 c0000201 "

/*
 * A hand-written OPEN: MP IPv4 and IPv6 unicast, route refresh and the
 * 4-octet AS capability, in the order bgp_open_encode writes them.
 */
static const char open_basic[] = OPEN_FIXED
    "16"			/* optional parameters length 22 */
    "02 14"			/* Capabilities, 20 bytes */
    "01 04 0001 00 01"		/* MP IPv4 unicast */
    "01 04 0002 00 01"		/* MP IPv6 unicast */
    "02 00"			/* route refresh */
    "41 04 0000fc00";		/* 4-octet AS 64512 */

START_TEST(open_decode_basic)
{
	uint8_t msg[128];
	size_t n = mkmsg(msg, sizeof(msg), BGP_MSG_OPEN, open_basic);
	struct bgp_open o;
	struct bgp_err e = { 0 };

	ck_assert_uint_eq(n, 51);
	ck_assert(bgp_open_decode(msg, n, &o, &e));
	ck_assert_uint_eq(o.version, 4);
	ck_assert_uint_eq(o.my_as, 64512);
	ck_assert_uint_eq(o.hold, 180);
	ck_assert_uint_eq(o.id, 0xc0000201u);
	ck_assert(o.caps.mp_present);
	ck_assert_uint_eq(o.caps.nmp, 2);
	ck_assert(bgp_caps_has_afi(&o.caps, AFI_IPV4, SAFI_UNICAST));
	ck_assert(bgp_caps_has_afi(&o.caps, AFI_IPV6, SAFI_UNICAST));
	ck_assert(!bgp_caps_has_afi(&o.caps, AFI_IPV4, 2));
	ck_assert(o.caps.route_refresh);
	ck_assert(!o.caps.enhanced_refresh);
	ck_assert(!o.caps.ext_message);
	ck_assert(!o.caps.gr);
	ck_assert(o.caps.as4);
	ck_assert_uint_eq(o.caps.as4_asn, 64512);
	ck_assert_uint_eq(o.caps.nraw, 0);
	ck_assert_uint_eq(bgp_open_peer_as(&o), 64512);

	/* Encoding the decoded OPEN gives back the very same bytes. */
	uint8_t out[128];
	ck_assert_uint_eq(bgp_open_encode(out, sizeof(out), &o), n);
	ck_assert(memcmp(out, msg, n) == 0);
	/* Too small a buffer: 0, never a partial message. */
	ck_assert_uint_eq(bgp_open_encode(out, n - 1, &o), 0);
}
END_TEST

START_TEST(open_round_trip_all_caps)
{
	static const uint8_t fqdn[] = { 3, 'l', 'b', '1', 0 };
	static const uint8_t llgr[] = { 0, 1, 1, 0x80, 0, 0x0e, 0x10 };
	struct bgp_open o = {
		.version = 4, .my_as = BGP_AS_TRANS, .hold = 90,
		.id = 0x0a000001,
	};
	struct bgp_caps *c = &o.caps;

	c->mp_present = true;
	c->nmp = 2;
	c->mp[0] = (struct bgp_afisafi){ AFI_IPV4, SAFI_UNICAST, 0 };
	c->mp[1] = (struct bgp_afisafi){ AFI_IPV6, SAFI_UNICAST, 0 };
	c->route_refresh = true;
	c->enhanced_refresh = true;
	c->ext_message = true;
	c->gr = true;
	c->gr_flags = BGP_GR_RESTARTING | BGP_GR_NOTIFICATION;
	c->gr_time = 4095;
	c->ngr = 2;
	c->gr_afi[0] = (struct bgp_afisafi){ AFI_IPV4, SAFI_UNICAST,
	    BGP_GR_AFI_FORWARDING };
	c->gr_afi[1] = (struct bgp_afisafi){ AFI_IPV6, SAFI_UNICAST, 0 };
	c->nenh = 2;
	c->enh[0] = (struct bgp_enh){ AFI_IPV4, SAFI_UNICAST, AFI_IPV6 };
	c->enh[1] = (struct bgp_enh){ AFI_IPV4, 128, AFI_IPV6 };
	c->as4 = true;
	c->as4_asn = 4200000000u;
	c->nraw = 2;
	c->raw[0] = (struct bgp_rawcap){ BGP_CAP_FQDN, sizeof(fqdn), fqdn };
	c->raw[1] = (struct bgp_rawcap){ BGP_CAP_LLGR, sizeof(llgr), llgr };

	uint8_t buf[256];
	size_t n = bgp_open_encode(buf, sizeof(buf), &o);
	ck_assert_uint_gt(n, 29);
	struct bgp_hdr h;
	struct bgp_err e = { 0 };
	ck_assert_int_eq(bgp_frame(buf, n, 4096, &h, &e), BGP_FRAME_OK);
	ck_assert_uint_eq(h.len, n);
	ck_assert_uint_eq(h.type, BGP_MSG_OPEN);

	struct bgp_open d;
	ck_assert(bgp_open_decode(buf, n, &d, &e));
	ck_assert_uint_eq(d.version, 4);
	ck_assert_uint_eq(d.my_as, BGP_AS_TRANS);
	ck_assert_uint_eq(d.hold, 90);
	ck_assert_uint_eq(d.id, 0x0a000001);
	const struct bgp_caps *x = &d.caps;
	ck_assert(x->mp_present);
	ck_assert_uint_eq(x->nmp, 2);
	ck_assert(memcmp(x->mp, c->mp, 2 * sizeof(c->mp[0])) == 0);
	ck_assert(x->route_refresh && x->enhanced_refresh && x->ext_message);
	ck_assert(x->gr);
	ck_assert_uint_eq(x->gr_flags, BGP_GR_RESTARTING | BGP_GR_NOTIFICATION);
	ck_assert_uint_eq(x->gr_time, 4095);
	ck_assert_uint_eq(x->ngr, 2);
	ck_assert_uint_eq(x->gr_afi[0].afi, AFI_IPV4);
	ck_assert_uint_eq(x->gr_afi[0].safi, SAFI_UNICAST);
	ck_assert_uint_eq(x->gr_afi[0].flags, BGP_GR_AFI_FORWARDING);
	ck_assert_uint_eq(x->gr_afi[1].afi, AFI_IPV6);
	ck_assert_uint_eq(x->gr_afi[1].flags, 0);
	ck_assert_uint_eq(x->nenh, 2);
	ck_assert(memcmp(x->enh, c->enh, 2 * sizeof(c->enh[0])) == 0);
	ck_assert(x->as4);
	ck_assert_uint_eq(x->as4_asn, 4200000000u);
	ck_assert_uint_eq(bgp_open_peer_as(&d), 4200000000u);
	ck_assert_uint_eq(x->nraw, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_uint_eq(x->raw[i].code, c->raw[i].code);
		ck_assert_uint_eq(x->raw[i].len, c->raw[i].len);
		ck_assert(memcmp(x->raw[i].data, c->raw[i].data,
		    c->raw[i].len) == 0);
		/* Raw capabilities point into the message. */
		ck_assert(x->raw[i].data > buf && x->raw[i].data < buf + n);
	}
}
END_TEST

/* Capabilities written by hand, as other implementations send them. */
START_TEST(open_decode_caps_vectors)
{
	uint8_t msg[512];
	struct bgp_open o;
	struct bgp_err e = { 0 };
	size_t n;

	/* RFC 4724 §3: R bit, restart time 120, IPv4 with F, IPv6 without. */
	n = mkmsg(msg, sizeof(msg), 1, OPEN_FIXED "0e 02 0c"
	    "40 0a 8078 0001 01 80 0002 01 00");
	ck_assert(bgp_open_decode(msg, n, &o, &e));
	ck_assert(o.caps.gr);
	ck_assert_uint_eq(o.caps.gr_flags, BGP_GR_RESTARTING);
	ck_assert_uint_eq(o.caps.gr_time, 120);
	ck_assert_uint_eq(o.caps.ngr, 2);
	ck_assert_uint_eq(o.caps.gr_afi[0].flags, BGP_GR_AFI_FORWARDING);
	ck_assert_uint_eq(o.caps.gr_afi[1].afi, AFI_IPV6);
	ck_assert_uint_eq(o.caps.gr_afi[1].flags, 0);
	ck_assert(!o.caps.mp_present);
	/* RFC 4760 §8: no MP capability means IPv4 unicast only. */
	ck_assert(bgp_caps_has_afi(&o.caps, AFI_IPV4, SAFI_UNICAST));
	ck_assert(!bgp_caps_has_afi(&o.caps, AFI_IPV6, SAFI_UNICAST));

	/* RFC 4724 §3: with two GR capabilities the last one counts. */
	n = mkmsg(msg, sizeof(msg), 1, OPEN_FIXED "0e 02 0c"
	    "40 06 8078 0001 01 80"
	    "40 02 c05a");
	ck_assert(bgp_open_decode(msg, n, &o, &e));
	ck_assert_uint_eq(o.caps.gr_flags, BGP_GR_RESTARTING |
	    BGP_GR_NOTIFICATION);
	ck_assert_uint_eq(o.caps.gr_time, 90);
	ck_assert_uint_eq(o.caps.ngr, 0);

	/* RFC 8538 §2: N alone (0x4000), restart time 120, IPv4. */
	n = mkmsg(msg, sizeof(msg), 1, OPEN_FIXED "0a 02 08"
	    "40 06 4078 0001 01 00");
	ck_assert(bgp_open_decode(msg, n, &o, &e));
	ck_assert_uint_eq(o.caps.gr_flags, BGP_GR_NOTIFICATION);
	ck_assert_uint_eq(o.caps.gr_time, 120);
	ck_assert_uint_eq(o.caps.ngr, 1);

	/* Each capability in its own parameter; pre-standard refresh (128);
	 * unknown ones (FQDN 73, a private 240 with no value) as bytes. */
	n = mkmsg(msg, sizeof(msg), 1, OPEN_FIXED "1a"
	    "02 06 01 04 0002 00 01"
	    "02 02 80 00"
	    "02 07 49 05 03 616263 00"
	    "02 03 f0 00 46");
	/* the last parameter is 3 bytes: cap 240 len 0, then a lone 0x46:
	 * a capability header cut short, so this one must fail */
	ck_assert(!bgp_open_decode(msg, n, &o, &e));
	check_err("cut capability header", &e, 2, 0, NULL);

	n = mkmsg(msg, sizeof(msg), 1, OPEN_FIXED "1b"
	    "02 06 01 04 0002 00 01"
	    "02 02 80 00"
	    "02 07 49 05 03 616263 00"
	    "02 04 f0 00 46 00");
	ck_assert(bgp_open_decode(msg, n, &o, &e));
	ck_assert(o.caps.mp_present);
	ck_assert(!bgp_caps_has_afi(&o.caps, AFI_IPV4, SAFI_UNICAST));
	ck_assert(bgp_caps_has_afi(&o.caps, AFI_IPV6, SAFI_UNICAST));
	ck_assert(o.caps.route_refresh);
	ck_assert(o.caps.enhanced_refresh);
	ck_assert_uint_eq(o.caps.nraw, 2);
	ck_assert_uint_eq(o.caps.raw[0].code, BGP_CAP_FQDN);
	ck_assert_uint_eq(o.caps.raw[0].len, 5);
	ck_assert(memcmp(o.caps.raw[0].data, "\x03" "abc" "\x00", 5) == 0);
	ck_assert_uint_eq(o.caps.raw[1].code, 0xf0);
	ck_assert_uint_eq(o.caps.raw[1].len, 0);

	/* The same MP family twice is kept once. */
	n = mkmsg(msg, sizeof(msg), 1, OPEN_FIXED "0e 02 0c"
	    "01 04 0001 00 01 01 04 0001 00 01");
	ck_assert(bgp_open_decode(msg, n, &o, &e));
	ck_assert_uint_eq(o.caps.nmp, 1);

	/* No optional parameters at all. */
	n = mkmsg(msg, sizeof(msg), 1, OPEN_FIXED "00");
	ck_assert_uint_eq(n, 29);
	ck_assert(bgp_open_decode(msg, n, &o, &e));
	ck_assert(!o.caps.mp_present && !o.caps.as4 && o.caps.nraw == 0);
}
END_TEST

/*
 * RFC 8950 §3: the Extended Next Hop Encoding capability (code 5), a list
 * of <NLRI AFI (2), NLRI SAFI (2), Next Hop AFI (2)>.  Each row: the
 * optional parameters and the tuples they must decode to.
 */
static const struct enh_row {
	const char *name;
	const char *params;
	size_t n;
	struct bgp_enh t[3];
} enh_rows[] = {
	{ "IPv4 unicast over IPv6", "0a 02 08 05 06 0001 0001 0002", 1,
	    { { AFI_IPV4, SAFI_UNICAST, AFI_IPV6 } } },
	{ "three tuples in one capability",
	    "16 02 14 05 12 0001 0001 0002 0001 0080 0002 0001 0002 0002", 3,
	    { { AFI_IPV4, SAFI_UNICAST, AFI_IPV6 }, { AFI_IPV4, 128,
	    AFI_IPV6 }, { AFI_IPV4, 2, AFI_IPV6 } } },
	/* Two capabilities add up; a repeated tuple is kept once. */
	{ "two capabilities", "1a 02 18 05 06 0001 0080 0002 05 06 0001 0001"
	    " 0002 05 06 0001 0080 0002", 2,
	    { { AFI_IPV4, 128, AFI_IPV6 }, { AFI_IPV4, SAFI_UNICAST,
	    AFI_IPV6 } } },
	/* A SAFI above 255 fits: it is two octets here. */
	{ "two-octet SAFI", "0a 02 08 05 06 0001 0101 0002", 1,
	    { { AFI_IPV4, 0x101, AFI_IPV6 } } },
};

START_TEST(open_ext_nexthop)
{
	for (size_t i = 0; i < NELEM(enh_rows); i++) {
		const struct enh_row *r = &enh_rows[i];
		uint8_t msg[128];
		struct bgp_open o;
		struct bgp_err e = { 0 };
		char hex[160];

		snprintf(hex, sizeof(hex), OPEN_FIXED "%s", r->params);
		size_t n = mkmsg(msg, sizeof(msg), BGP_MSG_OPEN, hex);
		ck_assert_msg(bgp_open_decode(msg, n, &o, &e), "%s", r->name);
		ck_assert_msg(o.caps.nenh == r->n, "%s: %zu tuples", r->name,
		    o.caps.nenh);
		ck_assert_msg(memcmp(o.caps.enh, r->t, r->n *
		    sizeof(r->t[0])) == 0, "%s: tuples differ", r->name);
		/* Not kept as bytes any more. */
		ck_assert_uint_eq(o.caps.nraw, 0);
	}

	/* Encoded after graceful restart, before the 4-octet AS. */
	struct bgp_open o = { .version = 4, .my_as = 64512, .hold = 180,
	    .id = 0xc0000201 };
	o.caps.enh[o.caps.nenh++] = (struct bgp_enh){ AFI_IPV4, SAFI_UNICAST,
	    AFI_IPV6 };
	o.caps.as4 = true;
	o.caps.as4_asn = 64512;
	uint8_t want[64], out[64];
	size_t wn = mkmsg(want, sizeof(want), BGP_MSG_OPEN, OPEN_FIXED
	    "10 02 0e 05 06 0001 0001 0002 41 04 0000fc00");
	ck_assert_uint_eq(bgp_open_encode(out, sizeof(out), &o), wn);
	ck_assert(memcmp(out, want, wn) == 0);
	ck_assert(bgp_caps_has_enh(&o.caps, AFI_IPV4, SAFI_UNICAST, AFI_IPV6));
	ck_assert(!bgp_caps_has_enh(&o.caps, AFI_IPV4, 128, AFI_IPV6));
	ck_assert(!bgp_caps_has_enh(&o.caps, AFI_IPV6, SAFI_UNICAST,
	    AFI_IPV4));
	/* None: no capability at all (RFC 8950 §4: only when configured). */
	o.caps.nenh = 0;
	wn = mkmsg(want, sizeof(want), BGP_MSG_OPEN, OPEN_FIXED
	    "08 02 06 41 04 0000fc00");
	ck_assert_uint_eq(bgp_open_encode(out, sizeof(out), &o), wn);
	ck_assert(memcmp(out, want, wn) == 0);
}
END_TEST

/* RFC 9072 §2: Non-Ext OP Len 255, Non-Ext OP Type 255, 2-octet lengths. */
START_TEST(open_extended_params)
{
	uint8_t msg[1024];
	struct bgp_open o;
	struct bgp_err e = { 0 };

	size_t n = mkmsg(msg, sizeof(msg), 1, OPEN_FIXED "ff ff 000b"
	    "02 0008 41 04 0000fc01 02 00");
	ck_assert(bgp_open_decode(msg, n, &o, &e));
	ck_assert(o.caps.as4);
	ck_assert_uint_eq(o.caps.as4_asn, 64513);
	ck_assert(o.caps.route_refresh);

	/* Two parameters in extended form. */
	n = mkmsg(msg, sizeof(msg), 1, OPEN_FIXED "ff ff 000e"
	    "02 0006 01 04 0002 00 01"
	    "02 0002 06 00");
	ck_assert(bgp_open_decode(msg, n, &o, &e));
	ck_assert(o.caps.ext_message);
	ck_assert(bgp_caps_has_afi(&o.caps, AFI_IPV6, SAFI_UNICAST));

	/* A capabilities parameter longer than 255 bytes: 64 private
	 * capabilities of 2 bytes value each (256 bytes), then AS4. */
	char hex[2048];
	size_t off = (size_t)snprintf(hex, sizeof(hex),
	    OPEN_FIXED "ff ff %04x 02 %04x ", 3 + 256 + 6, 256 + 6);
	for (int i = 0; i < 64; i++)
		off += (size_t)snprintf(hex + off, sizeof(hex) - off,
		    "%02x 02 %02x%02x ", 0xc0 + (i % 32), i, i);
	snprintf(hex + off, sizeof(hex) - off, "41 04 fa56ea00");
	n = mkmsg(msg, sizeof(msg), 1, hex);
	ck_assert_uint_gt(n, 29 + 255);
	ck_assert(bgp_open_decode(msg, n, &o, &e));
	ck_assert(o.caps.as4);
	ck_assert_uint_eq(o.caps.as4_asn, 4200000000u);
	ck_assert_uint_eq(o.caps.nraw, BGP_MAX_RAWCAPS);
	ck_assert_uint_eq(o.caps.raw[5].code, 0xc5);
	ck_assert(memcmp(o.caps.raw[5].data, "\x05\x05", 2) == 0);
}
END_TEST

static const struct open_bad_row {
	const char *name;
	const char *body;
	uint8_t code, sub;
	const char *data;	/* NULL: not checked */
} open_bad_rows[] = {
	/* RFC 4271 §6.2: data = the largest supported version, 2 octets. */
	{ "version 3", "03 fc00 00b4 c0000201 00", 2, 1, "0004" },
	{ "version 5", "05 fc00 00b4 c0000201 00", 2, 1, "0004" },
	{ "version 0 with caps", "00 fc00 00b4 c0000201 04 02 02 0200", 2, 1,
	    "0004" },
	/* RFC 5492 §5 / RFC 4271 §6.2: Unsupported Optional Parameter. */
	{ "authentication parameter (1)", OPEN_FIXED "04 01 02 aabb", 2, 4,
	    NULL },
	{ "unknown parameter after caps", OPEN_FIXED "08 02 02 0200 03 02 aabb",
	    2, 4, NULL },
	{ "unknown parameter, extended form", OPEN_FIXED "ff ff 0005 07 0002 aabb",
	    2, 4, NULL },
	/* A known capability with a bad length: malformed, subcode 0. */
	{ "MP cap length 3", OPEN_FIXED "07 02 05 01 03 000100", 2, 0, NULL },
	{ "MP cap length 5", OPEN_FIXED "09 02 07 01 05 0001000100", 2, 0,
	    NULL },
	{ "AS4 cap length 2", OPEN_FIXED "06 02 04 41 02 fc00", 2, 0, NULL },
	{ "AS4 cap length 5", OPEN_FIXED "09 02 07 41 05 0000fc0000", 2, 0,
	    NULL },
	{ "GR cap length 1", OPEN_FIXED "05 02 03 40 01 00", 2, 0, NULL },
	{ "GR cap length 5", OPEN_FIXED "09 02 07 40 05 0078 000101", 2, 0,
	    NULL },
	{ "route refresh length 1", OPEN_FIXED "05 02 03 02 01 00", 2, 0, NULL },
	{ "old route refresh length 1", OPEN_FIXED "05 02 03 80 01 00", 2, 0,
	    NULL },
	{ "enhanced refresh length 1", OPEN_FIXED "05 02 03 46 01 00", 2, 0,
	    NULL },
	{ "ext message length 2", OPEN_FIXED "06 02 04 06 02 0000", 2, 0, NULL },
	/* RFC 8950 §3: one or more 6-octet tuples. */
	{ "ext next hop length 0", OPEN_FIXED "04 02 02 05 00", 2, 0, NULL },
	{ "ext next hop length 4", OPEN_FIXED "08 02 06 05 04 0001 0001", 2, 0,
	    NULL },
	{ "ext next hop length 7", OPEN_FIXED "0b 02 09 05 07 0001 0001 0002 00",
	    2, 0, NULL },
	{ "ext next hop length 8", OPEN_FIXED "0c 02 0a 05 08 0001 0001 0002"
	    " 0001", 2, 0, NULL },
	{ "capability overruns parameter", OPEN_FIXED "06 02 04 41 04 0000", 2,
	    0, NULL },
	{ "capability header cut", OPEN_FIXED "03 02 01 41", 2, 0, NULL },
	{ "parameter overruns opt len", OPEN_FIXED "02 02 05", 2, 0, NULL },
	{ "parameter header cut", OPEN_FIXED "01 02", 2, 0, NULL },
	/* Optional parameters length disagreeing with the message length. */
	{ "opt len beyond message", OPEN_FIXED "05 02 02 0200", 2, 0, NULL },
	{ "opt len short of message", OPEN_FIXED "02 02 02 0200", 2, 0, NULL },
	{ "opt len 0, bytes follow", OPEN_FIXED "00 02 00", 2, 0, NULL },
	{ "extended length beyond message", OPEN_FIXED "ff ff 0010 02 0002 0200",
	    2, 0, NULL },
	{ "extended length short of message", OPEN_FIXED "ff ff 0003 02 0002 0200",
	    2, 0, NULL },
	{ "extended parameter overrun", OPEN_FIXED "ff ff 0005 02 0004 0200", 2,
	    0, NULL },
	/* Shorter than the fixed part: a length error. */
	{ "fixed part cut", "04 fc00 00b4 c00002", 1, 2, NULL },
};

START_TEST(open_decode_errors)
{
	for (size_t i = 0; i < NELEM(open_bad_rows); i++) {
		const struct open_bad_row *r = &open_bad_rows[i];
		uint8_t msg[256];
		struct bgp_open o;
		struct bgp_err e;

		memset(&e, 0xee, sizeof(e));
		size_t n = mkmsg(msg, sizeof(msg), BGP_MSG_OPEN, r->body);
		ck_assert_msg(!bgp_open_decode(msg, n, &o, &e), "%s: accepted",
		    r->name);
		check_err(r->name, &e, r->code, r->sub, r->data);
	}
}
END_TEST

/* ---- bgp_open_check ----------------------------------------------------- */

static const struct check_row {
	const char *name;
	uint16_t my_as;
	bool as4;
	uint32_t as4_asn;
	uint16_t hold;
	uint32_t id;
	uint32_t remote_as, local_as, local_id;
	uint8_t sub;		/* 0: accepted; else OPEN error 2/sub */
	uint16_t min_hold;	/* min-hold-time, 0: off */
} check_rows[] = {
	{ "eBGP, good", 64513, false, 0, 90, 0x0a000002, 64513, 64512,
	    0x0a000001, 0, 0 },
	{ "eBGP, 4-octet AS", BGP_AS_TRANS, true, 4200000000u, 90, 0x0a000002,
	    4200000000u, 64512, 0x0a000001, 0, 0 },
	{ "AS4 cap with a 2-octet AS", 64513, true, 64513, 90, 0x0a000002,
	    64513, 64512, 0x0a000001, 0, 0 },
	{ "iBGP, good", 64512, true, 64512, 90, 0x0a000002, 64512, 64512,
	    0x0a000001, 0, 0 },
	/* RFC 4271 §6.2: Bad Peer AS. */
	{ "wrong AS", 64514, false, 0, 90, 0x0a000002, 64513, 64512,
	    0x0a000001, 2, 0 },
	{ "wrong AS in AS4 cap", BGP_AS_TRANS, true, 4200000001u, 90,
	    0x0a000002, 4200000000u, 64512, 0x0a000001, 2, 0 },
	{ "AS_TRANS without AS4 cap", BGP_AS_TRANS, false, 0, 90, 0x0a000002,
	    4200000000u, 64512, 0x0a000001, 2, 0 },
	/* RFC 7607 §2: AS 0 is a Bad Peer AS, in My AS and in the cap. */
	{ "AS 0 in My AS", 0, false, 0, 90, 0x0a000002, 0, 64512, 0x0a000001,
	    2, 0 },
	{ "AS 0 in My AS, cap good", 0, true, 64513, 90, 0x0a000002, 64513,
	    64512, 0x0a000001, 2, 0 },
	{ "AS 0 in AS4 cap", BGP_AS_TRANS, true, 0, 90, 0x0a000002, 0, 64512,
	    0x0a000001, 2, 0 },
	/* RFC 4271 §6.2: hold 1 and 2 are unacceptable, 0 and 3 are fine. */
	{ "hold 0", 64513, false, 0, 0, 0x0a000002, 64513, 64512, 0x0a000001,
	    0, 0 },
	{ "hold 1", 64513, false, 0, 1, 0x0a000002, 64513, 64512, 0x0a000001,
	    6, 0 },
	{ "hold 2", 64513, false, 0, 2, 0x0a000002, 64513, 64512, 0x0a000001,
	    6, 0 },
	{ "hold 3", 64513, false, 0, 3, 0x0a000002, 64513, 64512, 0x0a000001,
	    0, 0 },
	{ "hold 65535", 64513, false, 0, 65535, 0x0a000002, 64513, 64512,
	    0x0a000001, 0, 0 },
	/* RFC 6286 §2.2: non-zero; unique within the AS. */
	{ "BGP ID 0", 64513, false, 0, 90, 0, 64513, 64512, 0x0a000001, 3, 0 },
	{ "our ID on iBGP", 64512, false, 0, 90, 0x0a000001, 64512, 64512,
	    0x0a000001, 3, 0 },
	{ "our ID on eBGP", 64513, false, 0, 90, 0x0a000001, 64513, 64512,
	    0x0a000001, 0, 0 },
	{ "ID 255.255.255.255", 64513, false, 0, 90, 0xffffffffu, 64513,
	    64512, 0x0a000001, 0, 0 },
	/* min-hold-time: shorter hold times, and 0, are unacceptable. */
	{ "hold 9, min 10", 64513, false, 0, 9, 0x0a000002, 64513, 64512,
	    0x0a000001, 6, 10 },
	{ "hold 10, min 10", 64513, false, 0, 10, 0x0a000002, 64513, 64512,
	    0x0a000001, 0, 10 },
	{ "hold 0, min 10", 64513, false, 0, 0, 0x0a000002, 64513, 64512,
	    0x0a000001, 6, 10 },
};

START_TEST(open_check_table)
{
	for (size_t i = 0; i < NELEM(check_rows); i++) {
		const struct check_row *r = &check_rows[i];
		struct bgp_open o = { .version = 4, .my_as = r->my_as,
		    .hold = r->hold, .id = r->id };
		o.caps.as4 = r->as4;
		o.caps.as4_asn = r->as4_asn;
		struct bgp_open_expect x = { r->remote_as, r->local_as,
		    r->local_id, r->min_hold };
		struct bgp_err e = { 0 };
		bool ok = bgp_open_check(&o, &x, &e);
		ck_assert_msg(ok == (r->sub == 0), "%s: %s", r->name,
		    ok ? "accepted" : "rejected");
		if (!ok)
			check_err(r->name, &e, BGP_ERR_OPEN, r->sub, NULL);
	}
}
END_TEST

/* ---- bgp_negotiate ------------------------------------------------------ */

static void set_mp(struct bgp_caps *c, bool v4, bool v6)
{
	c->mp_present = true;
	c->nmp = 0;
	if (v4)
		c->mp[c->nmp++] = (struct bgp_afisafi){ AFI_IPV4,
		    SAFI_UNICAST, 0 };
	if (v6)
		c->mp[c->nmp++] = (struct bgp_afisafi){ AFI_IPV6,
		    SAFI_UNICAST, 0 };
}

START_TEST(negotiate_hold_keepalive)
{
	static const struct {
		uint16_t ours, theirs, conf, hold, keepalive;
	} rows[] = {
		{ 90, 90, 0, 90, 30 },
		{ 90, 30, 0, 30, 10 },		/* RFC 4271 §4.2: the smaller */
		{ 30, 90, 0, 30, 10 },
		{ 240, 180, 0, 180, 60 },
		{ 90, 90, 5, 90, 5 },		/* configured, smaller: used */
		{ 90, 90, 29, 90, 29 },
		{ 90, 90, 60, 90, 30 },		/* never beyond hold/3 */
		{ 90, 0, 0, 0, 0 },		/* hold 0: no keepalives */
		{ 0, 90, 10, 0, 0 },
		{ 90, 3, 0, 3, 1 },
		{ 4, 90, 0, 4, 1 },
		{ 5, 90, 0, 5, 1 },
		{ 6, 90, 0, 6, 2 },
		{ 2, 90, 0, 2, 1 },		/* never 0 while hold runs */
		{ 90, 1, 0, 1, 1 },
		{ 65535, 65535, 0, 65535, 21845 },
	};
	for (size_t i = 0; i < NELEM(rows); i++) {
		struct bgp_open a = { .version = 4, .hold = rows[i].ours };
		struct bgp_open b = { .version = 4, .hold = rows[i].theirs };
		struct bgp_neg n;
		bgp_negotiate(&a, &b, rows[i].conf, &n);
		ck_assert_msg(n.hold == rows[i].hold &&
		    n.keepalive == rows[i].keepalive,
		    "row %zu: hold %u keepalive %u", i, n.hold, n.keepalive);
	}
}
END_TEST

/* RFC 4724: what a peer's graceful restart capability tells us. */
START_TEST(negotiate_gr)
{
	struct bgp_open a = { .version = 4, .hold = 90 };
	struct bgp_open b = { .version = 4, .hold = 90 };
	struct bgp_neg n;

	/* Only the peer: it restarts, we are no helper (gr false). */
	b.caps.gr = true;
	b.caps.gr_flags = BGP_GR_RESTARTING;
	b.caps.gr_time = 120;
	b.caps.gr_afi[b.caps.ngr++] = (struct bgp_afisafi){ AFI_IPV4,
	    SAFI_UNICAST, BGP_GR_AFI_FORWARDING };
	b.caps.gr_afi[b.caps.ngr++] = (struct bgp_afisafi){ AFI_IPV6,
	    SAFI_UNICAST, 0 };
	bgp_negotiate(&a, &b, 0, &n);
	ck_assert(n.peer_gr && !n.gr);
	ck_assert(n.peer_restarted);
	ck_assert_uint_eq(n.peer_gr_time, 120);
	ck_assert(n.peer_gr_v4 && n.peer_fwd_v4);
	ck_assert(n.peer_gr_v6 && !n.peer_fwd_v6);	/* no F bit */

	/* Both: the procedures apply. */
	a.caps.gr = true;
	bgp_negotiate(&a, &b, 0, &n);
	ck_assert(n.gr);

	/* A peer without families in its capability keeps nothing. */
	b.caps.ngr = 0;
	b.caps.gr_flags = 0;
	bgp_negotiate(&a, &b, 0, &n);
	ck_assert(n.gr && !n.peer_restarted);
	ck_assert(!n.peer_gr_v4 && !n.peer_gr_v6);

	/* Only multicast listed: not ours to keep. */
	b.caps.gr_afi[b.caps.ngr++] = (struct bgp_afisafi){ AFI_IPV4, 2,
	    BGP_GR_AFI_FORWARDING };
	bgp_negotiate(&a, &b, 0, &n);
	ck_assert(!n.peer_gr_v4 && !n.peer_fwd_v4);
	ck_assert(!n.peer_gr_notification && !n.gr_notification);
}
END_TEST

/* RFC 8538 §2: N is in effect only when both sides sent it. */
START_TEST(negotiate_gr_notification)
{
	static const struct {
		bool our_gr, our_n, their_gr, their_n;
		bool peer_n, both_n;
	} rows[] = {
		{ true, true, true, true, true, true },
		{ true, false, true, true, true, false },
		{ true, true, true, false, false, false },
		{ true, false, true, false, false, false },
		/* No graceful restart on one side: no N either. */
		{ false, false, true, true, true, false },
		{ true, true, false, false, false, false },
	};
	for (size_t i = 0; i < NELEM(rows); i++) {
		struct bgp_open a = { .version = 4, .hold = 90 };
		struct bgp_open b = { .version = 4, .hold = 90 };
		struct bgp_neg n;
		a.caps.gr = rows[i].our_gr;
		a.caps.gr_flags = rows[i].our_n ? BGP_GR_NOTIFICATION : 0;
		a.caps.gr_time = 60;
		b.caps.gr = rows[i].their_gr;
		/* R beside N changes nothing */
		b.caps.gr_flags = BGP_GR_RESTARTING |
		    (rows[i].their_n ? BGP_GR_NOTIFICATION : 0);
		b.caps.gr_time = 120;
		bgp_negotiate(&a, &b, 0, &n);
		ck_assert_msg(n.peer_gr_notification == rows[i].peer_n,
		    "row %zu: peer N %d", i, n.peer_gr_notification);
		ck_assert_msg(n.gr_notification == rows[i].both_n,
		    "row %zu: both N %d", i, n.gr_notification);
	}
}
END_TEST

START_TEST(negotiate_caps)
{
	struct bgp_open a = { .version = 4, .hold = 90 };
	struct bgp_open b = { .version = 4, .hold = 90 };
	struct bgp_neg n;

	/* Ours: everything; theirs: nothing at all (an old speaker). */
	set_mp(&a.caps, true, true);
	a.caps.as4 = a.caps.route_refresh = a.caps.enhanced_refresh = true;
	a.caps.ext_message = true;
	bgp_negotiate(&a, &b, 0, &n);
	ck_assert(n.v4);		/* RFC 4760 §8: IPv4 unicast only */
	ck_assert(!n.v6);
	ck_assert(!n.as4 && !n.route_refresh && !n.enhanced_refresh);
	ck_assert(!n.ext_message && !n.peer_gr);

	/* Both sides: every capability counts. */
	b.caps = a.caps;
	b.caps.gr = true;
	bgp_negotiate(&a, &b, 0, &n);
	ck_assert(n.v4 && n.v6 && n.as4 && n.route_refresh);
	ck_assert(n.enhanced_refresh && n.ext_message && n.peer_gr);

	/* Theirs only: nothing counts (RFC 6793, 2918, 7313, 8654). */
	struct bgp_open plain = { .version = 4, .hold = 90 };
	bgp_negotiate(&plain, &b, 0, &n);
	ck_assert(!n.as4 && !n.route_refresh && !n.enhanced_refresh);
	ck_assert(!n.ext_message);
	ck_assert(n.v4 && !n.v6);
	ck_assert(n.peer_gr);		/* what the peer said, not agreed */

	/* One capability missing on either side at a time. */
	b.caps.as4 = false;
	bgp_negotiate(&a, &b, 0, &n);
	ck_assert(!n.as4 && n.route_refresh && n.ext_message);
	b.caps.as4 = true;
	a.caps.ext_message = false;
	bgp_negotiate(&a, &b, 0, &n);
	ck_assert(n.as4 && !n.ext_message);
	a.caps.route_refresh = false;
	bgp_negotiate(&a, &b, 0, &n);
	ck_assert(!n.route_refresh && n.enhanced_refresh);

	/* Families: the intersection. */
	set_mp(&a.caps, true, true);
	set_mp(&b.caps, false, true);
	bgp_negotiate(&a, &b, 0, &n);
	ck_assert(!n.v4 && n.v6);
	set_mp(&b.caps, true, false);
	bgp_negotiate(&a, &b, 0, &n);
	ck_assert(n.v4 && !n.v6);
	set_mp(&a.caps, false, true);
	bgp_negotiate(&a, &b, 0, &n);
	ck_assert(!n.v4 && !n.v6);
	/* A peer announcing only a family we do not know. */
	b.caps.nmp = 1;
	b.caps.mp[0] = (struct bgp_afisafi){ AFI_IPV4, 2, 0 };
	set_mp(&a.caps, true, true);
	bgp_negotiate(&a, &b, 0, &n);
	ck_assert(!n.v4 && !n.v6);
}
END_TEST

/* RFC 8950 §4: both sides announce <1, 1, 2>, and IPv4 unicast is on. */
START_TEST(negotiate_ext_nexthop)
{
	static const struct bgp_enh v4nh6 = { AFI_IPV4, SAFI_UNICAST,
	    AFI_IPV6 }, vpn = { AFI_IPV4, 128, AFI_IPV6 }, v6nh4 = { AFI_IPV6,
	    SAFI_UNICAST, AFI_IPV4 };
	static const struct {
		const char *name;
		const struct bgp_enh *ours, *theirs;
		bool their_v4;		/* the peer announces MP <1, 1> */
		bool want;
	} rows[] = {
		{ "both", &v4nh6, &v4nh6, true, true },
		{ "ours only", &v4nh6, NULL, true, false },
		{ "theirs only", NULL, &v4nh6, true, false },
		{ "neither", NULL, NULL, true, false },
		{ "theirs for VPN only", &v4nh6, &vpn, true, false },
		{ "theirs the other way round", &v4nh6, &v6nh4, true, false },
		{ "no IPv4 unicast", &v4nh6, &v4nh6, false, false },
	};
	for (size_t i = 0; i < NELEM(rows); i++) {
		struct bgp_open a = { .version = 4, .hold = 90 };
		struct bgp_open b = { .version = 4, .hold = 90 };
		struct bgp_neg n;

		set_mp(&a.caps, true, true);
		set_mp(&b.caps, rows[i].their_v4, true);
		if (rows[i].ours)
			a.caps.enh[a.caps.nenh++] = *rows[i].ours;
		if (rows[i].theirs)
			b.caps.enh[b.caps.nenh++] = *rows[i].theirs;
		bgp_negotiate(&a, &b, 0, &n);
		ck_assert_msg(n.v4_nh6 == rows[i].want, "%s: v4_nh6 %d",
		    rows[i].name, n.v4_nh6);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("msg_open");
	TCase *tc = unit_tcase(s, "open");
	tcase_add_test(tc, open_decode_basic);
	tcase_add_test(tc, open_round_trip_all_caps);
	tcase_add_test(tc, open_decode_caps_vectors);
	tcase_add_test(tc, open_ext_nexthop);
	tcase_add_test(tc, open_extended_params);
	tcase_add_test(tc, open_decode_errors);
	tcase_add_test(tc, open_check_table);
	tcase_add_test(tc, negotiate_hold_keepalive);
	tcase_add_test(tc, negotiate_caps);
	tcase_add_test(tc, negotiate_gr);
	tcase_add_test(tc, negotiate_gr_notification);
	tcase_add_test(tc, negotiate_ext_nexthop);

	return unit_run(s);
}
