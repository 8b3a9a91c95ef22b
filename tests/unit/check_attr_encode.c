/*
 * check_attr_encode.c - unit tests for fsm/attr.c, the way out: attribute
 * encoding (round trips, RFC 6793 4-to-2-octet conversion, extended
 * length), printing, AS path counting, NLRI, and UPDATEs captured from
 * BIRD and GoBGP decoded, printed and encoded again.  Decoding is
 * check_attr.c.
 *
 * Byte vectors are written by hand from the RFCs, never produced by the
 * code under test.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/wire_fixture.h"

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

/* ORIGIN IGP, a 4-octet AS path, NEXT_HOP 192.0.2.1: the mandatory three. */
static void mandatory_attrs(struct bgp_attrs *a, const uint8_t *path,
    size_t len)
{
	memset(a, 0, sizeof(*a));
	attr_set(a, BGP_ATTR_ORIGIN);
	attr_set(a, BGP_ATTR_AS_PATH);
	attr_set(a, BGP_ATTR_NEXT_HOP);
	a->aspath_as4 = true;
	a->aspath = path;
	a->aspath_len = len;
	a->nexthop = 0xc0000201;
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

	mandatory_attrs(&a, wide, sizeof(wide));
	attr_set(&a, BGP_ATTR_AGGREGATOR);
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
	mandatory_attrs(&a, longpath, sizeof(longpath));
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

/* ---- captured UPDATEs (BIRD 2, GoBGP 3) -------------------------------- */

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
	Suite *s = suite_create("attr_encode");
	TCase *tc = unit_tcase(s, "encode");
	tcase_add_test(tc, encode_round_trip);
	tcase_add_test(tc, encode_raw_out_of_order);
	tcase_add_test(tc, encode_as4_to_as2);
	tcase_add_test(tc, encode_extended_length);

	tc = unit_tcase(s, "print");
	tcase_add_test(tc, print_each);
	tcase_add_test(tc, aspath_counting);
	tcase_add_test(tc, nlri_round_trip);

	tc = unit_tcase(s, "captured");
	tcase_add_test(tc, captured_updates_decode);
	tcase_add_test(tc, captured_update_fields);
	tcase_add_test(tc, captured_reencode);

	return unit_run(s);
}
