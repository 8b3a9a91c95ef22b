/*
 * check_rib_updates.c - unit tests for what rib/ sends: UPDATE packing at
 * the 4096-byte boundary (and the extended 65535), 10,000 VIPs packed and
 * withdrawn, flushes interleaved with changes, IPv4 with an IPv6 next hop
 * (RFC 8950) byte for byte, End-of-RIB.  Requests,
 * scenarios and allocation are check_rib.c.
 *
 * What the RIB sends is judged by decoding it with fsm/ (bgp_frame,
 * bgp_update_decode); expected sizes are worked out by hand from RFC 4271
 * and RFC 4760, never taken from the code under test.
 */
#include "tests/unit/rib_fixture.h"

#include "rib/rib_int.h"

/* ---- UPDATE packing ----------------------------------------------------- */

/*
 * Sizes by hand.  An UPDATE has a 19-byte header and two 2-byte lengths
 * (BGP_UPDATE_MIN_LEN 23).  eBGP attributes, 4-octet ASNs: ORIGIN 3+1,
 * AS_PATH 3 + (2 + 4) for [64513], NEXT_HOP 3+4: 20 bytes; COMMUNITIES
 * with five values 3+20.  IPv6 goes in MP_REACH_NLRI: flags, type and
 * an extended length (4), AFI 2, SAFI 1, next hop length 1, next hop 16,
 * reserved 1 = 25 bytes before the NLRI; no NEXT_HOP.  MP_UNREACH_NLRI:
 * 4 + AFI/SAFI 3.  A /32 takes 5 NLRI bytes, a /128 17.
 */
static const struct pack_row {
	const char *name;
	const char *conf;
	const char *base;
	bool withdraw;
	size_t fixed;		/* bytes of an UPDATE besides the prefixes */
	size_t per;		/* bytes per prefix */
	size_t n;		/* prefixes that fit in 4096 */
	size_t len;		/* the length of that UPDATE */
} pack_rows[] = {
	{ "IPv4 announce", conf_pack, "10.0.0.0", false, 23 + 20, 5, 810,
	    4093 },
	{ "IPv4 announce, 5 communities", conf_pack_comm, "10.0.0.0", false,
	    23 + 20 + 23, 5, 806, 4096 },
	{ "IPv4 withdraw", conf_pack, "10.0.0.0", true, 23, 5, 814, 4093 },
	{ "IPv6 announce", conf_pack, "2001:db8::", false, 23 + 25 + 4 + 9,
	    17, 237, 4090 },
	{ "IPv6 announce, 5 communities", conf_pack_comm, "2001:db8::",
	    false, 23 + 25 + 4 + 9 + 23, 17, 236, 4096 },
	{ "IPv6 withdraw", conf_pack, "2001:db8::", true, 23 + 7, 17, 239,
	    4093 },
}, pack_nh6_rows[] = {
	/* RFC 8950: IPv4 packs as IPv6 does, with 5-byte prefixes. */
	{ "IPv4 announce, IPv6 next hop", conf_pack, "10.0.0.0", false,
	    23 + 25 + 4 + 9, 5, 807, 4096 },
	{ "IPv4 withdraw in MP_UNREACH", conf_pack, "10.0.0.0", true, 23 + 7,
	    5, 813, 4095 },
};

/* Announce (or announce, then withdraw) n VIPs; check the UPDATE sizes.
 * nh6: to a peer that negotiated RFC 8950. */
static void pack_case(const struct pack_row *row, bool nh6, size_t n,
    const size_t *lens, size_t nlens)
{
	struct fx f;
	struct rib_session s = session_ebgp();
	struct tally t = { 0 };
	struct plist want = { 0 };
	struct prefix *v = calloc(n, sizeof(*v));
	size_t bad, changed;
	struct rib_res res;

	s.v4_mp_nh6 = nh6;
	fx_open(&f, row->conf);
	fx_up(&f, 0, &s);
	for (size_t i = 0; i < n; i++) {
		v[i] = nth(row->base, i);
		plist_add(&want, &v[i]);
	}
	add_many(f.r, row->base, n, "o");
	flush(&f, 0);
	if (row->withdraw) {
		ck_assert(rib_vips_withdraw(f.r, v, n, "o", &bad, &changed,
		    &res));
		ck_assert_uint_eq(changed, n);
		flush(&f, 0);
	}
	ck_assert_msg(f.m.n == nlens, "%s, %zu prefixes: %zu UPDATEs",
	    row->name, n, f.m.n);
	for (size_t i = 0; i < nlens; i++) {
		struct bgp_update u;
		ck_assert_msg(f.m.len[i] == lens[i], "%s, %zu prefixes: "
		    "UPDATE %zu is %zu bytes, expected %zu", row->name, n, i,
		    f.m.len[i], lens[i]);
		decode(f.m.buf[i], f.m.len[i], BGP_MAX_LEN, &f.ctx, &u);
		if (!row->withdraw && row->per == 5 && !nh6)
			ck_assert_uint_eq(u.attrs_len, row->fixed - 23);
		/* RFC 8950: never the classic fields, never NEXT_HOP. */
		if (nh6)
			ck_assert(u.nlri_len == 0 && u.withdrawn_len == 0 &&
			    !attr_has(&u.a, BGP_ATTR_NEXT_HOP));
	}
	tally_msgs(&f.m, BGP_MAX_LEN, &f.ctx, &t);
	same_set(row->withdraw ? &t.wd : &t.ann, &want, row->name);
	ck_assert_uint_eq(row->withdraw ? t.ann.n : t.wd.n, 0);
	ck_assert_uint_eq(rib_peer_announced(f.r, 0), row->withdraw ? 0 : n);
	tally_free(&t);
	free(want.p);
	free(v);
	fx_close(&f);
}

static void boundary(const struct pack_row *row, bool nh6)
{
	/* The arithmetic of the row itself. */
	ck_assert_uint_eq(row->n, (BGP_MAX_LEN - row->fixed) / row->per);
	ck_assert_uint_eq(row->len, row->fixed + row->n * row->per);
	ck_assert_uint_le(row->len, BGP_MAX_LEN);
	ck_assert_uint_gt(row->len + row->per, BGP_MAX_LEN);

	size_t one[] = { row->len };
	pack_case(row, nh6, row->n, one, 1);
	size_t two[] = { row->len, row->fixed + row->per };
	pack_case(row, nh6, row->n + 1, two, 2);
}

START_TEST(packing_boundary)
{
	boundary(&pack_rows[_i], false);
}
END_TEST

START_TEST(packing_boundary_nh6)
{
	boundary(&pack_nh6_rows[_i], true);
}
END_TEST

/* 10,000 VIPs of each family: every UPDATE decodes, nothing lost or sent
 * twice, UPDATEs are full but for the last of each run.  With 4096-byte
 * messages a first flush on a tiny budget stops early, and the second
 * one finishes: together again nothing lost, nothing twice. */
START_TEST(packing_10000)
{
	static const size_t sizes[] = { BGP_MAX_LEN, BGP_EXT_MAX_LEN };
	const size_t N = 10000;
	struct fx f;
	struct rib_session s = session_ebgp();
	struct plist want = { 0 };
	struct prefix *v = calloc(2 * N, sizeof(*v));
	struct tally t = { 0 };
	size_t bad, changed;
	struct rib_res res;

	s.max_msg = sizes[_i];
	fx_open(&f, conf_pack);
	fx_up(&f, 0, &s);
	for (size_t i = 0; i < N; i++) {
		v[i] = nth("10.0.0.0", i);
		v[N + i] = nth("2001:db8::", i);
		plist_add(&want, &v[i]);
		plist_add(&want, &v[N + i]);
	}
	add_many(f.r, "10.0.0.0", N, "o");
	add_many(f.r, "2001:db8::", N, "o");
	msgs_reset(&f.m);
	if (_i == 0) {
		ck_assert(!rib_peer_flush(f.r, 0, 1, on_emit, &f.m));
		size_t left = rib_peer_pending(f.r, 0);
		ck_assert(f.m.n > 0 && left > 0 && left < 2 * N);
		ck_assert_uint_eq(rib_peer_announced(f.r, 0), 2 * N - left);
	}
	ck_assert(rib_peer_flush(f.r, 0, SIZE_MAX, on_emit, &f.m));
	ck_assert_uint_eq(rib_peer_pending(f.r, 0), 0);
	tally_msgs(&f.m, s.max_msg, &f.ctx, &t);
	same_set(&t.ann, &want, "announced");
	ck_assert_uint_eq(t.wd.n, 0);
	ck_assert_uint_eq(rib_peer_announced(f.r, 0), 2 * N);
	/* Lower bound of messages: bytes / size; upper: one partly filled
	 * UPDATE per family per chunk of 4096 routes looked at. */
	size_t bytes = 0;
	for (size_t i = 0; i < f.m.n; i++)
		bytes += f.m.len[i];
	ck_assert_uint_ge(f.m.n, (bytes + s.max_msg - 1) / s.max_msg);
	size_t per4 = (s.max_msg - 43) / 5, per6 = (s.max_msg - 61) / 17;
	ck_assert_uint_le(f.m.n, (N + per4 - 1) / per4 + (N + per6 - 1) /
	    per6 + 2 * ((2 * N + 4095) / 4096));
	tally_free(&t);

	ck_assert(rib_vips_withdraw(f.r, v, 2 * N, "o", &bad, &changed,
	    &res));
	ck_assert_uint_eq(changed, 2 * N);
	flush(&f, 0);
	tally_msgs(&f.m, s.max_msg, &f.ctx, &t);
	same_set(&t.wd, &want, "withdrawn");
	ck_assert_uint_eq(t.ann.n, 0);
	ck_assert_uint_eq(rib_peer_announced(f.r, 0), 0);
	tally_free(&t);
	free(want.p);
	free(v);
	fx_close(&f);
}
END_TEST

/* Apply every UPDATE of m, in order, to view (one flag per address from
 * base 10.0.0.0); the routes the peer holds after them. */
static void replay(struct fx *f, uint8_t *view, size_t n)
{
	for (size_t i = 0; i < f->m.n; i++) {
		struct bgp_update u;
		struct plist ann = { 0 }, wd = { 0 };
		decode(f->m.buf[i], f->m.len[i], BGP_MAX_LEN, &f->ctx, &u);
		upd_routes(&u, &ann, &wd);
		for (size_t j = 0; j < wd.n + ann.n; j++) {
			const struct prefix *p = j < wd.n ? &wd.p[j] :
			    &ann.p[j - wd.n];
			size_t k = (size_t)(p->a[1] << 16 | p->a[2] << 8 |
			    p->a[3]);
			ck_assert_uint_lt(k, n);
			view[k] = j >= wd.n;
		}
		free(ann.p);
		free(wd.p);
	}
	msgs_reset(&f->m);
}

static void withdraw_range(struct rib *r, size_t from, size_t n)
{
	struct prefix *v = calloc(n, sizeof(*v));
	size_t bad, changed;
	struct rib_res res;

	for (size_t i = 0; i < n; i++)
		v[i] = nth("10.0.0.0", from + i);
	ck_assert(rib_vips_withdraw(r, v, n, "o", &bad, &changed, &res));
	ck_assert_uint_eq(changed, n);
	free(v);
}

/*
 * More changes than the queue takes make the flush scan the table.
 * Changes while a scan is half done (routes behind it and ahead of it,
 * the table growing under it, entries deleted by it) all reach the peer:
 * replaying every UPDATE gives exactly the VIPs held, nothing pending.
 */
START_TEST(flush_scan_interleaved)
{
	enum { N = 16000 };
	struct fx f;
	struct rib_session s = session_ebgp();
	uint8_t *view = calloc(N, 1);
	size_t held = 0;

	fx_open(&f, conf_pack);
	fx_up(&f, 0, &s);
	add_many(f.r, "10.0.0.0", 10000, "o");
	msgs_reset(&f.m);
	ck_assert(!rib_peer_flush(f.r, 0, 1, on_emit, &f.m));
	ck_assert_uint_gt(rib_peer_pending(f.r, 0), 0);
	replay(&f, view, N);
	withdraw_range(f.r, 0, 3000);
	for (size_t i = 10000; i < 15000; i++) {
		struct vip_req req = { .owner = "o" };
		struct rib_res res;
		struct prefix a = nth("10.0.0.0", i);
		ck_assert(rib_vip_add(f.r, &a, &req, &res));
	}
	ck_assert(!rib_peer_flush(f.r, 0, 1, on_emit, &f.m));
	replay(&f, view, N);
	add_many(f.r, "10.0.0.0", 1000, "o");
	withdraw_range(f.r, 12000, 1000);
	ck_assert(rib_peer_flush(f.r, 0, SIZE_MAX, on_emit, &f.m));
	replay(&f, view, N);
	ck_assert_uint_eq(rib_peer_pending(f.r, 0), 0);
	for (size_t i = 0; i < N; i++) {
		bool want = i < 1000 || (i >= 3000 && i < 12000) ||
		    (i >= 13000 && i < 15000);
		ck_assert_msg(view[i] == want, "10.0.%zu.%zu: %s at the peer",
		    i / 256, i % 256, view[i] ? "held" : "missing");
		held += want;
	}
	ck_assert_uint_eq(rib_peer_announced(f.r, 0), held);
	/* A small change afterwards goes through the queue again. */
	withdraw_range(f.r, 0, 10);
	ck_assert_uint_eq(rib_peer_pending(f.r, 0), 10);
	ck_assert(rib_peer_flush(f.r, 0, SIZE_MAX, on_emit, &f.m));
	replay(&f, view, N);
	for (size_t i = 0; i < 10; i++)
		ck_assert(!view[i]);
	ck_assert_uint_eq(rib_peer_announced(f.r, 0), held - 10);
	free(view);
	fx_close(&f);
}
END_TEST

/* ---- RFC 8950: IPv4 with an IPv6 next hop -------------------------------- */

/* An IPv6 session with extended-next-hop, as the daemon has it. */
static const char conf_enh[] =
    "local-as 64513\n"
    "pool v4 {\n\taddresses 10.0.0.0/24\n}\n"
    "neighbor r1 {\n\taddress 2001:db8:ffff::2\n\tremote-as 64512\n"
    "\textended-next-hop yes\n}\n"
    "advertisement a {\n}\n";

/* UPDATE i of the last flush is exactly the one body (hex) makes. */
static void same_msg(const struct fx *f, size_t i, const char *body,
    const char *what)
{
	uint8_t want[128];
	size_t n = update_hex(want, sizeof(want), body);

	ck_assert_msg(f->m.len[i] == n, "%s: %zu bytes, expected %zu", what,
	    f->m.len[i], n);
	for (size_t k = 0; k < n; k++)
		ck_assert_msg(f->m.buf[i][k] == want[k], "%s: byte %zu is "
		    "%02x, expected %02x", what, k, f->m.buf[i][k], want[k]);
}

/*
 * RFC 8950 §3 and RFC 4760 §3, by hand: the IPv4 route in MP_REACH_NLRI
 * (optional, extended length: 90 0e) with AFI 1, SAFI 1, a 16-octet next
 * hop (the session's IPv6 one, 2001:db8:ffff::1), reserved 0 and the
 * NLRI 10.0.0.1/32; then ORIGIN IGP and AS_PATH [64513].  No NEXT_HOP,
 * though the session has an IPv4 one.  The withdrawal: MP_UNREACH_NLRI
 * with AFI 1, SAFI 1, the same NLRI, and empty classic fields.
 */
/* conf_enh, its session up with or without RFC 8950, 10.0.0.1 added and
 * flushed: one UPDATE. */
static void enh_announce(struct fx *f, struct rib_session *s, bool nh6)
{
	*s = session_ebgp();
	s->v4_mp_nh6 = nh6;
	fx_open(f, conf_enh);
	ck_assert(f->c->neighbors[0].extended_next_hop);
	fx_up(f, 0, s);
	add_many(f->r, "10.0.0.1", 1, "o");
	ck_assert_uint_eq(flush(f, 0), 1);
}

START_TEST(v4_nh6_bytes)
{
	struct fx f;
	struct rib_session s;
	struct rib_res res;

	enh_announce(&f, &s, true);
	same_msg(&f, 0, "0000 002b"
	    "90 0e 001a 0001 01 10 20010db8 ffff0000 00000000 00000001 00"
	    " 20 0a000001"
	    " 40 01 01 00"
	    " 40 02 06 02 01 0000fc01", "announce");
	struct bgp_update u;
	decode(f.m.buf[0], f.m.len[0], BGP_MAX_LEN, &f.ctx, &u);
	ck_assert_uint_eq(u.a.reach.afi, AFI_IPV4);
	ck_assert_uint_eq(u.a.reach.nhlen, 16);
	ck_assert(!attr_has(&u.a, BGP_ATTR_NEXT_HOP));

	struct prefix a = pfx("10.0.0.1");
	ck_assert(rib_vip_withdraw(f.r, &a, "o", &res));
	ck_assert_uint_eq(flush(&f, 0), 1);
	same_msg(&f, 0, "0000 000c 90 0f 0008 0001 01 20 0a000001",
	    "withdraw");
	ck_assert_uint_eq(rib_peer_announced(f.r, 0), 0);

	/* End-of-RIB stays the empty UPDATE (RFC 4724 §2, for IPv4
	 * unicast whatever the encoding of its routes). */
	uint8_t eor[64];
	ck_assert_uint_eq(rib_eor_encode(eor, sizeof(eor), AFI_IPV4), 23);
	fx_close(&f);
}
END_TEST

/* Not negotiated: exactly today's classic UPDATE with NEXT_HOP. */
START_TEST(v4_nh6_off_bytes)
{
	struct fx f;
	struct rib_session s;

	enh_announce(&f, &s, false);
	same_msg(&f, 0, "0000 0014"
	    " 40 01 01 00"
	    " 40 02 06 02 01 0000fc01"
	    " 40 03 04 c00002fe"
	    " 20 0a000001", "classic");
	/* An IPv6 session without next-hop: no IPv4 route at all. */
	s.nexthop4.afi = AFI_NONE;
	fx_up(&f, 0, &s);
	ck_assert_uint_eq(flush(&f, 0), 0);
	ck_assert_uint_eq(rib_peer_announced(f.r, 0), 0);
	fx_close(&f);
}
END_TEST

/* ---- End-of-RIB ---------------------------------------------------------- */

START_TEST(eor_encoding)
{
	static const struct {
		uint16_t afi;
		size_t len;
	} rows[] = {
		{ AFI_IPV4, 23 },		/* an empty UPDATE */
		{ AFI_IPV6, 23 + 3 + 3 },	/* MP_UNREACH, AFI/SAFI only */
	};
	struct bgp_upd_ctx ctx = { .as4 = true, .v4 = true, .v6 = true };

	for (size_t i = 0; i < NELEM(rows); i++) {
		uint8_t buf[64];
		struct bgp_update u;
		uint16_t afi = 0;
		uint8_t safi = 0;
		size_t len = rib_eor_encode(buf, sizeof(buf), rows[i].afi);

		ck_assert_uint_eq(len, rows[i].len);
		decode(buf, len, BGP_MAX_LEN, &ctx, &u);
		ck_assert(bgp_update_is_eor(&u, &afi, &safi));
		ck_assert_uint_eq(afi, rows[i].afi);
		ck_assert_uint_eq(safi, SAFI_UNICAST);
		ck_assert(bgp_update_is_empty(&u));
		ck_assert_uint_eq(rib_eor_encode(buf, len - 1, rows[i].afi), 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rib_updates");
	TCase *tc = unit_tcase(s, "updates");
	tcase_add_loop_test(tc, packing_boundary, 0, (int)NELEM(pack_rows));
	tcase_add_loop_test(tc, packing_boundary_nh6, 0,
	    (int)NELEM(pack_nh6_rows));
	tcase_add_loop_test(tc, packing_10000, 0, 2);
	tcase_add_test(tc, flush_scan_interleaved);
	tcase_add_test(tc, v4_nh6_bytes);
	tcase_add_test(tc, v4_nh6_off_bytes);
	tcase_add_test(tc, eor_encoding);
	tcase_set_timeout(tc, 120);

	return unit_run(s);
}
