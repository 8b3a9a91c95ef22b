/*
 * check_adjin.c - unit tests for rib/adjin.c: received routes kept for
 * display (announce, withdraw, treat-as-withdraw, IPv6 in MP_REACH, IPv4
 * with an IPv6 next hop as RFC 8950 sends it), and
 * interned attributes shared by the prefixes that came with them.
 */
#include "tests/unit/rib_fixture.h"
#include "rib/rib_int.h"	/* nblobs_live: interned received attributes */

/* ---- Adj-RIB-In --------------------------------------------------------- */

/* AS_SEQUENCE [64512 65000], 4-octet; COMMUNITIES 64512:1 no-export. */
static const uint8_t in_path[] = { 2, 2, 0, 0, 0xfc, 0x00, 0, 0, 0xfd, 0xe8 };
static const uint8_t in_comm[] = { 0xfc, 0x00, 0x00, 0x01,
	0xff, 0xff, 0xff, 0x01 };

static struct bgp_attrs in_attrs(uint8_t origin, uint32_t med)
{
	struct bgp_attrs a = { .origin = origin, .aspath = in_path,
	    .aspath_len = sizeof(in_path), .aspath_as4 = true,
	    .nexthop = 0xc0000201, .med = med, .comm = in_comm, .ncomm = 2 };
	attr_set(&a, BGP_ATTR_ORIGIN);
	attr_set(&a, BGP_ATTR_AS_PATH);
	attr_set(&a, BGP_ATTR_NEXT_HOP);
	attr_set(&a, BGP_ATTR_MED);
	attr_set(&a, BGP_ATTR_COMMUNITIES);
	return a;
}

static void put_mp(struct wr *w, uint8_t code, const struct prefix *p,
    size_t n, const struct prefix *nh6)
{
	wr_u8(w, BGP_ATTRF_OPTIONAL | BGP_ATTRF_EXTLEN);
	wr_u8(w, code);
	size_t at = wr_reserve(w, 2);
	wr_u16(w, AFI_IPV6);
	wr_u8(w, SAFI_UNICAST);
	if (code == BGP_ATTR_MP_REACH) {
		wr_u8(w, 16);
		wr_bytes(w, nh6->a, 16);
		wr_u8(w, 0);
	}
	for (size_t i = 0; i < n; i++)
		if (p[i].afi == AFI_IPV6)
			bgp_nlri_put(w, &p[i]);
	wr_put_u16_at(w, at, (uint16_t)(w->len - at - 2));
}

static size_t count_afi(const struct prefix *p, size_t n, uint8_t afi)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += p[i].afi == afi;
	return k;
}

/* An UPDATE as a peer sends it; IPv6 in MP_REACH/MP_UNREACH by hand. */
static size_t build_update(uint8_t *buf, const struct bgp_attrs *a,
    const struct prefix *wd, size_t nwd, const struct prefix *ann,
    size_t nann)
{
	struct wr w = wr_init(buf, BGP_MAX_LEN);
	struct prefix nh6 = pfx("2001:db8::99");
	size_t start = bgp_msg_begin(&w, BGP_MSG_UPDATE);
	size_t wl = wr_reserve(&w, 2);

	for (size_t i = 0; i < nwd; i++)
		if (wd[i].afi == AFI_IPV4)
			bgp_nlri_put(&w, &wd[i]);
	wr_put_u16_at(&w, wl, (uint16_t)(w.len - wl - 2));
	size_t tal = wr_reserve(&w, 2);
	if (count_afi(wd, nwd, AFI_IPV6) > 0)
		put_mp(&w, BGP_ATTR_MP_UNREACH, wd, nwd, NULL);
	if (count_afi(ann, nann, AFI_IPV6) > 0)
		put_mp(&w, BGP_ATTR_MP_REACH, ann, nann, &nh6);
	if (a != NULL) {
		size_t n = bgp_attrs_encode(w.p + w.len, w.cap - w.len, a,
		    true);
		ck_assert_uint_gt(n, 0);
		w.len += n;
	}
	wr_put_u16_at(&w, tal, (uint16_t)(w.len - tal - 2));
	for (size_t i = 0; i < nann; i++)
		if (ann[i].afi == AFI_IPV4)
			bgp_nlri_put(&w, &ann[i]);
	bgp_msg_end(&w, start);
	ck_assert(!w.overflow);
	return w.len;
}

static void feed(struct rib *r, size_t peer, const struct bgp_attrs *a,
    const char *wd, const char *ann, bool taw)
{
	struct prefix w[16], n[16];
	uint8_t buf[BGP_MAX_LEN];
	struct bgp_update u;
	struct bgp_err err = { 0 };
	struct bgp_upd_ctx ctx = { .as4 = true, .ebgp = true, .v4 = true,
	    .v6 = true };
	size_t nw = parse_list(wd, " ", w, NULL, NELEM(w));
	size_t nn = parse_list(ann, " ", n, NULL, NELEM(n));
	size_t len = build_update(buf, a, w, nw, n, nn);

	ck_assert(bgp_update_decode(buf, len, &ctx, &u, &err));
	ck_assert(u.treat_as_withdraw == taw);
	rib_in_update(r, peer, &u, true);
}

struct in_walk {
	char *lines[16];
	size_t n;
};

static void in_line(const struct rib_in_route *rt, void *arg)
{
	struct in_walk *w = arg;
	struct bgp_upd_ctx ctx = { .as4 = rt->as4, .ebgp = true, .v4 = true,
	    .v6 = true };
	struct bgp_attrs a;
	char p[PREFIX_STRLEN], nh[PREFIX_STRLEN], path[64], comm[64];

	ck_assert(bgp_attrs_parse(rt->attrs, rt->attrs_len, &ctx, &a));
	ck_assert(!attr_has(&a, BGP_ATTR_MP_REACH));
	ck_assert(bgp_attr_print(&a, BGP_ATTR_AS_PATH, path, sizeof(path)));
	if (!bgp_attr_print(&a, BGP_ATTR_COMMUNITIES, comm, sizeof(comm)))
		snprintf(comm, sizeof(comm), "-");
	ck_assert_uint_lt(w->n, NELEM(w->lines));
	ck_assert(asprintf(&w->lines[w->n++], "%s via %s path %s med %u "
	    "comm %s", prefix_fmt(&rt->prefix, p, sizeof(p)),
	    addr_fmt(&rt->nexthop, nh, sizeof(nh)), path, a.med, comm) > 0);
}

/* Every route of the peer's Adj-RIB-In, one line each, sorted. */
static const char *in_text(struct rib *r, size_t peer)
{
	static char out[2048];
	struct in_walk w = { .n = 0 };

	rib_in_walk(r, peer, in_line, &w);
	ck_assert_uint_eq(w.n, rib_in_count(r, peer));
	join_sorted(w.lines, w.n, "; ", out, sizeof(out));
	return out;
}

START_TEST(adjin_updates)
{
	struct fx f;
	struct rib_session s = session_ebgp();
	struct bgp_attrs a = in_attrs(BGP_ORIGIN_IGP, 50);
	struct bgp_attrs bad = in_attrs(7, 50);	/* ORIGIN out of range */

	fx_open(&f, conf_merge);
	fx_up(&f, 0, &s);
	feed(f.r, 0, &a, NULL, "203.0.113.0/24 198.51.100.0/25 "
	    "2001:db8:100::/48", false);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 3);
	ck_assert_uint_eq(rib_in_count(f.r, 1), 0);
	ck_assert_str_eq(in_text(f.r, 0),
	    "198.51.100.0/25 via 192.0.2.1 path 64512 65000 med 50 "
	    "comm 64512:1 no-export; "
	    "2001:db8:100::/48 via 2001:db8::99 path 64512 65000 med 50 "
	    "comm 64512:1 no-export; "
	    "203.0.113.0/24 via 192.0.2.1 path 64512 65000 med 50 "
	    "comm 64512:1 no-export");
	/* Received routes are never sent on. */
	ck_assert_uint_eq(flush(&f, 0), 0);

	/* New attributes replace the old. */
	struct bgp_attrs b = in_attrs(BGP_ORIGIN_IGP, 9);
	attr_clear(&b, BGP_ATTR_COMMUNITIES);
	feed(f.r, 0, &b, NULL, "203.0.113.0/24", false);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 3);
	ck_assert_ptr_nonnull(strstr(in_text(f.r, 0), "203.0.113.0/24 via "
	    "192.0.2.1 path 64512 65000 med 9 comm -"));

	/* Withdrawals of both kinds, and of a prefix never announced. */
	feed(f.r, 0, NULL, "198.51.100.0/25 2001:db8:100::/48 192.0.2.0/24",
	    NULL, false);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 1);
	ck_assert_str_eq(in_text(f.r, 0), "203.0.113.0/24 via 192.0.2.1 "
	    "path 64512 65000 med 9 comm -");

	/* RFC 7606 treat-as-withdraw removes what it announces. */
	feed(f.r, 0, &a, NULL, "198.51.100.0/25", false);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 2);
	feed(f.r, 0, &bad, NULL, "203.0.113.0/24 2001:db8:100::/48", true);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 1);
	ck_assert_ptr_nonnull(strstr(in_text(f.r, 0), "198.51.100.0/25"));

	rib_in_clear(f.r, 0);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 0);
	ck_assert_str_eq(in_text(f.r, 0), "");
	ck_assert_uint_eq(f.r->nblobs_live, 0);
	fx_close(&f);
}
END_TEST

/* One UPDATE from the hex of its body (lengths written by hand). */
static void feed_hex(struct rib *r, size_t peer, const char *body)
{
	uint8_t buf[BGP_MAX_LEN];
	struct bgp_update u;
	struct bgp_err err = { 0 };
	struct bgp_upd_ctx ctx = { .as4 = true, .ebgp = true, .v4 = true,
	    .v6 = true };

	size_t len = update_hex(buf, sizeof(buf), body);
	ck_assert(bgp_update_decode(buf, len, &ctx, &u, &err));
	ck_assert(!u.treat_as_withdraw);
	rib_in_update(r, peer, &u, true);
}

/*
 * RFC 8950: IPv4 routes in MP_REACH_NLRI with an IPv6 next hop (16
 * octets, or 32 with a link-local one) show that next hop; MP_UNREACH
 * with AFI 1 withdraws them, as the classic field does.
 */
START_TEST(adjin_v4_nh6)
{
	struct fx f;
	struct rib_session s = session_ebgp();

	fx_open(&f, conf_merge);
	fx_up(&f, 0, &s);
	/* MP_REACH <1, 1>, next hop 2001:db8::7, 198.51.100.0/24;
	 * ORIGIN IGP, AS_PATH [64512], MED 5. */
	feed_hex(f.r, 0, "0000 0031"
	    "90 0e 0019 0001 01 10 20010db8 00000000 00000000 00000007 00"
	    " 18 c63364"
	    " 40 01 01 00 40 02 06 02 01 0000fc00 80 04 04 00000005");
	/* 32 octets: global 2001:db8::8, link-local fe80::8. */
	feed_hex(f.r, 0, "0000 0041"
	    "90 0e 0029 0001 01 20 20010db8 00000000 00000000 00000008"
	    " fe800000 00000000 00000000 00000008 00 18 cb0071"
	    " 40 01 01 00 40 02 06 02 01 0000fc00 80 04 04 00000005");
	ck_assert_str_eq(in_text(f.r, 0),
	    "198.51.100.0/24 via 2001:db8::7 path 64512 med 5 comm -; "
	    "203.0.113.0/24 via 2001:db8::8 path 64512 med 5 comm -");
	/* MP_UNREACH <1, 1> 198.51.100.0/24. */
	feed_hex(f.r, 0, "0000 000b 90 0f 0007 0001 01 18 c63364");
	ck_assert_str_eq(in_text(f.r, 0),
	    "203.0.113.0/24 via 2001:db8::8 path 64512 med 5 comm -");
	/* The classic Withdrawn Routes field works on them too. */
	feed_hex(f.r, 0, "0004 18 cb0071 0000");
	ck_assert_uint_eq(rib_in_count(f.r, 0), 0);
	fx_close(&f);
}
END_TEST

struct blob_walk {
	const uint8_t *seen[4];
	size_t nseen, routes;
};

static void blob_seen(const struct rib_in_route *rt, void *arg)
{
	struct blob_walk *w = arg;
	size_t i;

	w->routes++;
	for (i = 0; i < w->nseen; i++)
		if (w->seen[i] == rt->attrs)
			return;
	ck_assert_uint_lt(w->nseen, NELEM(w->seen));
	w->seen[w->nseen++] = rt->attrs;
}

/* Announce or withdraw n /32s from base, 500 per UPDATE. */
static void feed_many(struct rib *r, size_t peer, const struct bgp_attrs *a,
    const char *base, size_t n, bool withdraw)
{
	static struct prefix p[500];
	uint8_t buf[BGP_MAX_LEN];
	struct bgp_upd_ctx ctx = { .as4 = true, .ebgp = true, .v4 = true };

	for (size_t i = 0; i < n; i += NELEM(p)) {
		size_t k = n - i < NELEM(p) ? n - i : NELEM(p);
		struct bgp_update u;
		struct bgp_err err = { 0 };
		for (size_t j = 0; j < k; j++)
			p[j] = nth(base, i + j);
		size_t len = withdraw ? build_update(buf, NULL, p, k, NULL, 0) :
		    build_update(buf, a, NULL, 0, p, k);
		ck_assert(bgp_update_decode(buf, len, &ctx, &u, &err));
		rib_in_update(r, peer, &u, true);
	}
}

/* Identical attributes are kept once, however many prefixes use them. */
START_TEST(adjin_shared_attrs)
{
	struct fx f;
	struct bgp_attrs a = in_attrs(BGP_ORIGIN_IGP, 50);
	struct bgp_attrs b = in_attrs(BGP_ORIGIN_IGP, 7);
	struct blob_walk w = { .nseen = 0 };

	fx_open(&f, conf_merge);
	feed_many(f.r, 0, &a, "100.64.0.0", 10000, false);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 10000);
	rib_in_walk(f.r, 0, blob_seen, &w);
	ck_assert_uint_eq(w.routes, 10000);
	ck_assert_uint_eq(w.nseen, 1);
	ck_assert_uint_eq(f.r->nblobs_live, 1);

	/* Half change attributes: two blobs; again: no more. */
	feed_many(f.r, 0, &b, "100.64.0.0", 5000, false);
	feed_many(f.r, 0, &b, "100.64.0.0", 5000, false);
	memset(&w, 0, sizeof(w));
	rib_in_walk(f.r, 0, blob_seen, &w);
	ck_assert_uint_eq(w.routes, 10000);
	ck_assert_uint_eq(w.nseen, 2);
	ck_assert_uint_eq(f.r->nblobs_live, 2);

	/* Another peer with the same attributes shares them too. */
	feed_many(f.r, 1, &a, "100.65.0.0", 1000, false);
	ck_assert_uint_eq(rib_in_count(f.r, 1), 1000);
	ck_assert_uint_eq(f.r->nblobs_live, 2);

	/* The last user of a blob frees it. */
	feed_many(f.r, 0, NULL, "100.64.0.0", 10000, true);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 0);
	ck_assert_uint_eq(f.r->nblobs_live, 1);
	feed_many(f.r, 0, &b, "100.64.0.0", 10000, false);
	ck_assert_uint_eq(f.r->nblobs_live, 2);
	rib_in_clear(f.r, 1);
	ck_assert_uint_eq(rib_in_count(f.r, 1), 0);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 10000);
	ck_assert_uint_eq(f.r->nblobs_live, 1);
	fx_close(&f);	/* rib_free with routes in: valgrind checks */
}
END_TEST

/* RFC 4724 / RFC 7313: stale routes stay until the peer sends them again;
 * a purge drops the rest, per family. */
START_TEST(adjin_stale)
{
	struct fx f;
	struct rib_session s = session_ebgp();
	struct bgp_attrs a = in_attrs(BGP_ORIGIN_IGP, 50);
	struct bgp_attrs b = in_attrs(BGP_ORIGIN_IGP, 9);

	fx_open(&f, conf_merge);
	fx_up(&f, 0, &s);
	feed(f.r, 0, &a, NULL, "203.0.113.0/24 198.51.100.0/25 "
	    "2001:db8:100::/48 2001:db8:200::/48", false);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 4);

	/* Marking changes nothing visible; purging right away drops all. */
	rib_in_mark_stale(f.r, 0, AFI_IPV6);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 4);
	ck_assert_uint_eq(rib_in_purge_stale(f.r, 0, AFI_IPV4), 0);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 4);

	/* Sent again, with the same or other attributes: fresh. */
	feed(f.r, 0, &a, NULL, "2001:db8:100::/48", false);
	ck_assert_uint_eq(rib_in_purge_stale(f.r, 0, AFI_IPV6), 1);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 3);
	ck_assert_ptr_null(strstr(in_text(f.r, 0), "2001:db8:200::/48"));

	rib_in_mark_stale(f.r, 0, 0);
	feed(f.r, 0, &b, NULL, "203.0.113.0/24", false);
	ck_assert_uint_eq(rib_in_purge_stale(f.r, 0, 0), 2);
	ck_assert_str_eq(in_text(f.r, 0), "203.0.113.0/24 via 192.0.2.1 "
	    "path 64512 65000 med 9 comm 64512:1 no-export");
	/* A purge with nothing stale is a no-op. */
	ck_assert_uint_eq(rib_in_purge_stale(f.r, 0, 0), 0);
	ck_assert_uint_eq(rib_in_count(f.r, 0), 1);
	fx_close(&f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("adjin");
	TCase *tc = unit_tcase(s, "adj-rib-in");
	tcase_add_test(tc, adjin_updates);
	tcase_add_test(tc, adjin_v4_nh6);
	tcase_add_test(tc, adjin_shared_attrs);
	tcase_add_test(tc, adjin_stale);
	tcase_set_timeout(tc, 60);

	return unit_run(s);
}
