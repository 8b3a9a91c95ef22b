/*
 * attr.c - the path attribute table and the loops that encode and print
 * from it.
 *
 * One descriptor per known attribute type says what RFC 4271 and its
 * successors require of it: flags, length bounds, the RFC 7606 reaction
 * to malformation, and how to decode, encode and print its value.
 * Attributes that are a plain number or a list of fixed-size items share
 * generic codecs that find the value through the row's field offsets.
 * Decoding a whole UPDATE is update.c's business, AS path segments are
 * aspath.c's.  Pure: no logging, no allocation, no session state.
 */
#include "attr_desc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define OPT	BGP_ATTRF_OPTIONAL
#define TRANS	BGP_ATTRF_TRANSITIVE

void attr_app(char *buf, size_t size, size_t *off, const char *fmt, ...)
{
	va_list ap;

	if (*off >= size)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *off, size - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
	if (*off >= size)
		*off = size - 1;
}

static void prt_ipv4(uint32_t v, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u", v >> 24, (v >> 16) & 0xff,
	    (v >> 8) & 0xff, v & 0xff);
}

/* ---- generic codecs: the row names the field ------------------------- */

static uint32_t *u32_at(const struct attr_desc *d, struct bgp_attrs *a)
{
	return (uint32_t *)((char *)a + d->value);
}

static uint32_t u32_of(const struct attr_desc *d, const struct bgp_attrs *a)
{
	return *(const uint32_t *)((const char *)a + d->value);
}

static const uint8_t **list_at(const struct attr_desc *d,
    struct bgp_attrs *a)
{
	return (const uint8_t **)((char *)a + d->value);
}

static const uint8_t *list_of(const struct attr_desc *d,
    const struct bgp_attrs *a)
{
	return *(const uint8_t *const *)((const char *)a + d->value);
}

static uint16_t *count_at(const struct attr_desc *d, struct bgp_attrs *a)
{
	return (uint16_t *)((char *)a + d->count);
}

static size_t count_of(const struct attr_desc *d, const struct bgp_attrs *a)
{
	return *(const uint16_t *)((const char *)a + d->count);
}

static bool dec_u32(const struct attr_desc *d, struct rd *v,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a)
{
	return rd_u32(v, u32_at(d, a));
}

static void enc_u32(const struct attr_desc *d, struct wr *w,
    const struct bgp_attrs *a, bool as4)
{
	attr_put_hdr(w, d->flags, d->code, 4);
	wr_u32(w, u32_of(d, a));
}

static void prt_u32(const struct attr_desc *d, const struct bgp_attrs *a,
    char *buf, size_t size)
{
	snprintf(buf, size, "%u", u32_of(d, a));
}

static void prt_u32_ipv4(const struct attr_desc *d,
    const struct bgp_attrs *a, char *buf, size_t size)
{
	prt_ipv4(u32_of(d, a), buf, size);
}

/* The length was checked to be a multiple of the row's unit. */
static bool dec_list(const struct attr_desc *d, struct rd *v,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a)
{
	*list_at(d, a) = rd_ptr(v);
	*count_at(d, a) = (uint16_t)(rd_left(v) / d->unit);
	return true;
}

static void enc_list(const struct attr_desc *d, struct wr *w,
    const struct bgp_attrs *a, bool as4)
{
	size_t len = count_of(d, a) * d->unit;

	attr_put_hdr(w, d->flags, d->code, len);
	wr_bytes(w, list_of(d, a), len);
}

/* The items separated by spaces, each as the row's item function says. */
static void prt_list(const struct attr_desc *d, const struct bgp_attrs *a,
    char *buf, size_t size)
{
	const uint8_t *p = list_of(d, a);
	size_t n = count_of(d, a), off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		d->item(p + i * d->unit, i ? " " : "", buf, size, &off);
}

/* ---- per-attribute decode, encode, print ----------------------------- */

static bool dec_origin(const struct attr_desc *d, struct rd *v,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a)
{
	rd_u8(v, &a->origin);
	return a->origin <= BGP_ORIGIN_INCOMPLETE;
}

static void enc_origin(const struct attr_desc *d, struct wr *w,
    const struct bgp_attrs *a, bool as4)
{
	attr_put_hdr(w, d->flags, d->code, 1);
	wr_u8(w, a->origin);
}

static void prt_origin(const struct attr_desc *d, const struct bgp_attrs *a,
    char *buf, size_t size)
{
	snprintf(buf, size, "%s", bgp_origin_name(a->origin));
}

static bool dec_aspath(const struct attr_desc *d, struct rd *v,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a)
{
	a->aspath = rd_ptr(v);
	a->aspath_len = (uint16_t)rd_left(v);
	a->aspath_as4 = ctx->as4;
	return aspath_valid(*v, ctx->as4 ? 4 : 2, ctx->ebgp);
}

static void enc_aspath(const struct attr_desc *d, struct wr *w,
    const struct bgp_attrs *a, bool as4)
{
	unsigned in = a->aspath_as4 ? 4 : 2, out = as4 ? 4 : 2;

	attr_put_hdr(w, d->flags, d->code,
	    aspath_size(a->aspath, a->aspath_len, in, out));
	aspath_put(w, a->aspath, a->aspath_len, in, out);
}

static void prt_aspath(const struct attr_desc *d, const struct bgp_attrs *a,
    char *buf, size_t size)
{
	aspath_print(a->aspath, a->aspath_len, a->aspath_as4, buf, size);
}

/* RFC 4271 §6.3: a NEXT_HOP that can never be a host is semantically bad. */
static bool dec_nexthop(const struct attr_desc *d, struct rd *v,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a)
{
	rd_u32(v, &a->nexthop);
	return a->nexthop != 0 && a->nexthop != 0xffffffffu &&
	    (a->nexthop >> 28) != 0xe;
}

static bool dec_atomic(const struct attr_desc *d, struct rd *v,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a)
{
	return true;
}

static void enc_atomic(const struct attr_desc *d, struct wr *w,
    const struct bgp_attrs *a, bool as4)
{
	attr_put_hdr(w, d->flags, d->code, 0);
}

static void prt_atomic(const struct attr_desc *d, const struct bgp_attrs *a,
    char *buf, size_t size)
{
	snprintf(buf, size, "yes");
}

/* RFC 6793 §4.1: 6 octets between old speakers, 8 between new ones. */
static bool dec_aggr(const struct attr_desc *d, struct rd *v,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a)
{
	if (rd_left(v) != (ctx->as4 ? 8u : 6u))
		return false;
	rd_uint(v, ctx->as4 ? 4 : 2, &a->aggr_as);
	rd_u32(v, &a->aggr_id);
	return a->aggr_as != 0;		/* RFC 7607 */
}

static void enc_aggr(const struct attr_desc *d, struct wr *w,
    const struct bgp_attrs *a, bool as4)
{
	attr_put_hdr(w, d->flags, d->code, as4 ? 8 : 6);
	if (as4)
		wr_u32(w, a->aggr_as);
	else
		wr_u16(w, a->aggr_as > 0xffff ? BGP_AS_TRANS :
		    (uint16_t)a->aggr_as);
	wr_u32(w, a->aggr_id);
}

static void prt_as_id(uint32_t as, uint32_t id, char *buf, size_t size)
{
	char s[16];

	prt_ipv4(id, s, sizeof(s));
	snprintf(buf, size, "%u %s", as, s);
}

static void prt_aggr(const struct attr_desc *d, const struct bgp_attrs *a,
    char *buf, size_t size)
{
	prt_as_id(a->aggr_as, a->aggr_id, buf, size);
}

static void item_comm(const uint8_t *p, const char *sep, char *buf,
    size_t size, size_t *off)
{
	uint32_t c = bgp_get_u32(p);
	const char *name = bgp_community_name(c);

	if (name)
		attr_app(buf, size, off, "%s%s", sep, name);
	else
		attr_app(buf, size, off, "%s%u:%u", sep, c >> 16, c & 0xffff);
}

static void item_ipv4(const uint8_t *p, const char *sep, char *buf,
    size_t size, size_t *off)
{
	char id[16];

	prt_ipv4(bgp_get_u32(p), id, sizeof(id));
	attr_app(buf, size, off, "%s%s", sep, id);
}

/*
 * RFC 4760 §3.  Only unicast IPv4/IPv6 is understood; other families are
 * kept unparsed and ignored by the caller.  RFC 2545 §3: an IPv6 next hop
 * is 16 octets, or 32 with a link-local address; RFC 8950 allows those
 * for IPv4 NLRI too.
 */
static bool dec_reach(const struct attr_desc *d, struct rd *v,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a)
{
	struct bgp_mp_reach *m = &a->reach;
	uint8_t reserved;

	rd_u16(v, &m->afi);
	rd_u8(v, &m->safi);
	rd_u8(v, &m->nhlen);
	if (m->nhlen > sizeof(m->nh) || !rd_bytes(v, m->nh, m->nhlen) ||
	    !rd_u8(v, &reserved))
		return false;
	m->nlri = rd_ptr(v);
	m->nlri_len = (uint16_t)rd_left(v);
	if (m->safi != SAFI_UNICAST ||
	    (m->afi != AFI_IPV4 && m->afi != AFI_IPV6))
		return true;
	if (m->afi == AFI_IPV6 && m->nhlen != 16 && m->nhlen != 32)
		return false;
	if (m->afi == AFI_IPV4 && m->nhlen != 4 && m->nhlen != 16 &&
	    m->nhlen != 32)
		return false;
	return nlri_valid(m->nlri, m->nlri_len, m->afi);
}

static void prt_reach(const struct attr_desc *d, const struct bgp_attrs *a,
    char *buf, size_t size)
{
	const struct bgp_mp_reach *m = &a->reach;
	struct prefix nh = { .afi = m->nhlen == 4 ? AFI_IPV4 : AFI_IPV6 };
	char s[PREFIX_STRLEN];

	memcpy(nh.a, m->nh, m->nhlen == 4 ? 4 : 16);
	nh.len = (uint8_t)afi_bits(nh.afi);
	snprintf(buf, size, "%s %s next hop %s", bgp_afi_name(m->afi),
	    bgp_safi_name(m->safi), addr_fmt(&nh, s, sizeof(s)));
}

static bool dec_unreach(const struct attr_desc *d, struct rd *v,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a)
{
	struct bgp_mp_unreach *m = &a->unreach;

	rd_u16(v, &m->afi);
	rd_u8(v, &m->safi);
	m->nlri = rd_ptr(v);
	m->nlri_len = (uint16_t)rd_left(v);
	if (m->safi != SAFI_UNICAST ||
	    (m->afi != AFI_IPV4 && m->afi != AFI_IPV6))
		return true;
	return nlri_valid(m->nlri, m->nlri_len, m->afi);
}

static void prt_unreach(const struct attr_desc *d, const struct bgp_attrs *a,
    char *buf, size_t size)
{
	snprintf(buf, size, "%s %s", bgp_afi_name(a->unreach.afi),
	    bgp_safi_name(a->unreach.safi));
}

static void item_ecomm(const uint8_t *p, const char *sep, char *buf,
    size_t size, size_t *off)
{
	attr_app(buf, size, off, "%s0x%02x%02x%02x%02x%02x%02x%02x%02x", sep,
	    p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
}

/* RFC 6793 §6: a malformed AS4_PATH is discarded, so is one sent by a
 * speaker that negotiated 4-octet AS (it must not send one). */
static bool dec_as4path(const struct attr_desc *d, struct rd *v,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a)
{
	a->as4path = rd_ptr(v);
	a->as4path_len = (uint16_t)rd_left(v);
	return !ctx->as4 && aspath_valid(*v, 4, ctx->ebgp);
}

static void prt_as4path(const struct attr_desc *d, const struct bgp_attrs *a,
    char *buf, size_t size)
{
	aspath_print(a->as4path, a->as4path_len, true, buf, size);
}

static bool dec_as4aggr(const struct attr_desc *d, struct rd *v,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a)
{
	rd_u32(v, &a->as4_aggr_as);
	rd_u32(v, &a->as4_aggr_id);
	return !ctx->as4 && a->as4_aggr_as != 0;
}

static void enc_as4aggr(const struct attr_desc *d, struct wr *w,
    const struct bgp_attrs *a, bool as4)
{
	attr_put_as4_aggr(w, a->as4_aggr_as, a->as4_aggr_id);
}

static void prt_as4aggr(const struct attr_desc *d, const struct bgp_attrs *a,
    char *buf, size_t size)
{
	prt_as_id(a->as4_aggr_as, a->as4_aggr_id, buf, size);
}

static void item_lcomm(const uint8_t *p, const char *sep, char *buf,
    size_t size, size_t *off)
{
	attr_app(buf, size, off, "%s%u:%u:%u", sep, bgp_get_u32(p),
	    bgp_get_u32(p + 4), bgp_get_u32(p + 8));
}

/* ---- the table -------------------------------------------------------- */

#define FIELD(f)	offsetof(struct bgp_attrs, f)

/* A 4-octet value kept in bgp_attrs field f. */
#define U32_VALUE(f, dec, prt) \
	.min_len = 4, .max_len = 4, .unit = 1, .value = FIELD(f), \
	.decode = (dec), .encode = enc_u32, .print = (prt)

/* A list of n-octet items kept in bgp_attrs fields f (the first item)
 * and c (how many), each printed by item_fn. */
#define LIST_VALUE(n, f, c, item_fn) \
	.min_len = (n), .max_len = 65535, .unit = (n), \
	.value = FIELD(f), .count = FIELD(c), .decode = dec_list, \
	.encode = enc_list, .print = prt_list, .item = (item_fn)

/*
 * Reactions per RFC 7606 §7 (and RFC 6793 §6, RFC 8092 §6, RFC 9234 §5
 * for the attributes defined there).  MP_REACH/MP_UNREACH are encoded by
 * the UPDATE builder, so they have no encode function here.
 */
const struct attr_desc attr_table[256] = {
	[BGP_ATTR_ORIGIN] = {
		.code = BGP_ATTR_ORIGIN, .name = "ORIGIN", .flags = TRANS,
		.min_len = 1, .max_len = 1, .unit = 1,
		.action = ATTR_WITHDRAW, .subcode = BGP_UPD_BAD_ORIGIN,
		.decode = dec_origin, .encode = enc_origin,
		.print = prt_origin,
	},
	[BGP_ATTR_AS_PATH] = {
		.code = BGP_ATTR_AS_PATH, .name = "AS_PATH", .flags = TRANS,
		.min_len = 0, .max_len = 65535, .unit = 1,
		.action = ATTR_WITHDRAW, .subcode = BGP_UPD_BAD_AS_PATH,
		.decode = dec_aspath, .encode = enc_aspath,
		.print = prt_aspath,
	},
	[BGP_ATTR_NEXT_HOP] = {
		.code = BGP_ATTR_NEXT_HOP, .name = "NEXT_HOP", .flags = TRANS,
		U32_VALUE(nexthop, dec_nexthop, prt_u32_ipv4),
		.action = ATTR_WITHDRAW, .subcode = BGP_UPD_BAD_NEXTHOP,
	},
	[BGP_ATTR_MED] = {
		.code = BGP_ATTR_MED, .name = "MULTI_EXIT_DISC", .flags = OPT,
		U32_VALUE(med, dec_u32, prt_u32),
		.action = ATTR_WITHDRAW, .subcode = BGP_UPD_OPT_ATTR,
	},
	/* RFC 4271 §5.1.5: ignored when received from an external peer. */
	[BGP_ATTR_LOCAL_PREF] = {
		.code = BGP_ATTR_LOCAL_PREF, .name = "LOCAL_PREF",
		.flags = TRANS, .ibgp_only = true,
		U32_VALUE(local_pref, dec_u32, prt_u32),
		.action = ATTR_WITHDRAW, .subcode = BGP_UPD_ATTR_LEN,
	},
	[BGP_ATTR_ATOMIC_AGGREGATE] = {
		.code = BGP_ATTR_ATOMIC_AGGREGATE, .name = "ATOMIC_AGGREGATE",
		.flags = TRANS, .min_len = 0, .max_len = 0, .unit = 1,
		.action = ATTR_DISCARD, .subcode = BGP_UPD_ATTR_LEN,
		.decode = dec_atomic, .encode = enc_atomic,
		.print = prt_atomic,
	},
	[BGP_ATTR_AGGREGATOR] = {
		.code = BGP_ATTR_AGGREGATOR, .name = "AGGREGATOR",
		.flags = OPT | TRANS, .min_len = 6, .max_len = 8, .unit = 1,
		.action = ATTR_DISCARD, .subcode = BGP_UPD_OPT_ATTR,
		.decode = dec_aggr, .encode = enc_aggr, .print = prt_aggr,
	},
	[BGP_ATTR_COMMUNITIES] = {
		.code = BGP_ATTR_COMMUNITIES, .name = "COMMUNITIES",
		.flags = OPT | TRANS,
		LIST_VALUE(4, comm, ncomm, item_comm),
		.action = ATTR_WITHDRAW, .subcode = BGP_UPD_OPT_ATTR,
	},
	/* RFC 4456 §8: ORIGINATOR_ID and CLUSTER_LIST are iBGP only. */
	[BGP_ATTR_ORIGINATOR_ID] = {
		.code = BGP_ATTR_ORIGINATOR_ID, .name = "ORIGINATOR_ID",
		.flags = OPT, .ibgp_only = true,
		U32_VALUE(originator_id, dec_u32, prt_u32_ipv4),
		.action = ATTR_WITHDRAW, .subcode = BGP_UPD_OPT_ATTR,
	},
	[BGP_ATTR_CLUSTER_LIST] = {
		.code = BGP_ATTR_CLUSTER_LIST, .name = "CLUSTER_LIST",
		.flags = OPT, .ibgp_only = true,
		LIST_VALUE(4, cluster, ncluster, item_ipv4),
		.action = ATTR_WITHDRAW, .subcode = BGP_UPD_OPT_ATTR,
	},
	[BGP_ATTR_MP_REACH] = {
		.code = BGP_ATTR_MP_REACH, .name = "MP_REACH_NLRI",
		.flags = OPT, .min_len = 5, .max_len = 65535, .unit = 1,
		.action = ATTR_RESET, .subcode = BGP_UPD_OPT_ATTR,
		.decode = dec_reach, .print = prt_reach,
	},
	[BGP_ATTR_MP_UNREACH] = {
		.code = BGP_ATTR_MP_UNREACH, .name = "MP_UNREACH_NLRI",
		.flags = OPT, .min_len = 3, .max_len = 65535, .unit = 1,
		.action = ATTR_RESET, .subcode = BGP_UPD_OPT_ATTR,
		.decode = dec_unreach, .print = prt_unreach,
	},
	[BGP_ATTR_EXT_COMMUNITIES] = {
		.code = BGP_ATTR_EXT_COMMUNITIES,
		.name = "EXTENDED_COMMUNITIES", .flags = OPT | TRANS,
		LIST_VALUE(8, ecomm, necomm, item_ecomm),
		.action = ATTR_WITHDRAW, .subcode = BGP_UPD_OPT_ATTR,
	},
	/* Encoded by enc_list: a list of 1-octet items. */
	[BGP_ATTR_AS4_PATH] = {
		.code = BGP_ATTR_AS4_PATH, .name = "AS4_PATH",
		.flags = OPT | TRANS, .min_len = 2, .max_len = 65535,
		.unit = 1, .value = FIELD(as4path),
		.count = FIELD(as4path_len),
		.action = ATTR_DISCARD, .subcode = BGP_UPD_OPT_ATTR,
		.decode = dec_as4path, .encode = enc_list,
		.print = prt_as4path,
	},
	[BGP_ATTR_AS4_AGGREGATOR] = {
		.code = BGP_ATTR_AS4_AGGREGATOR, .name = "AS4_AGGREGATOR",
		.flags = OPT | TRANS, .min_len = 8, .max_len = 8, .unit = 1,
		.action = ATTR_DISCARD, .subcode = BGP_UPD_OPT_ATTR,
		.decode = dec_as4aggr, .encode = enc_as4aggr,
		.print = prt_as4aggr,
	},
	[BGP_ATTR_LARGE_COMMUNITY] = {
		.code = BGP_ATTR_LARGE_COMMUNITY, .name = "LARGE_COMMUNITY",
		.flags = OPT | TRANS,
		LIST_VALUE(12, lcomm, nlcomm, item_lcomm),
		.action = ATTR_WITHDRAW, .subcode = BGP_UPD_OPT_ATTR,
	},
	[BGP_ATTR_OTC] = {
		.code = BGP_ATTR_OTC, .name = "OTC", .flags = OPT | TRANS,
		U32_VALUE(otc, dec_u32, prt_u32),
		.action = ATTR_WITHDRAW, .subcode = BGP_UPD_OPT_ATTR,
	},
};

const char *bgp_attr_name(unsigned code)
{
	if (code < 256 && attr_table[code].name != NULL)
		return attr_table[code].name;
	return "unknown";
}

enum attr_action bgp_attr_malformed_action(unsigned code, bool ebgp)
{
	if (code >= 256 || attr_table[code].decode == NULL)
		return ATTR_DISCARD;
	if (ebgp && attr_table[code].ibgp_only)
		return ATTR_DISCARD;
	return attr_table[code].action;
}

/* ---- encoding and printing -------------------------------------------- */

/*
 * RFC 6793 §4.2.2: a peer without 4-octet AS support gets the AS numbers
 * that do not fit in 2 octets in AS4_PATH and AS4_AGGREGATOR, written in
 * their place in type order when a has no such attribute of its own.
 */
static void put_as4_for_old(struct wr *w, const struct bgp_attrs *a,
    unsigned code)
{
	if (code == BGP_ATTR_AS4_PATH && attr_has(a, BGP_ATTR_AS_PATH) &&
	    aspath_has_wide_asn(a->aspath, a->aspath_len, a->aspath_as4)) {
		attr_put_hdr(w, OPT | TRANS, BGP_ATTR_AS4_PATH, a->aspath_len);
		wr_bytes(w, a->aspath, a->aspath_len);
	} else if (code == BGP_ATTR_AS4_AGGREGATOR &&
	    attr_has(a, BGP_ATTR_AGGREGATOR) && a->aggr_as > 0xffff) {
		attr_put_as4_aggr(w, a->aggr_as, a->aggr_id);
	}
}

/* An attribute we do not know, passed on as received (RFC 4271 §5). */
static void put_raw(struct wr *w, const struct bgp_attrs *a, unsigned code)
{
	/* raw[] is in received order, which need not be ascending (RFC 4271
	 * §5): look at every entry. */
	for (size_t i = 0; i < a->nraw; i++) {
		const struct bgp_rawattr *x = &a->raw[i];
		if (x->code != code)
			continue;
		attr_put_hdr(w, x->flags & (uint8_t)~BGP_ATTRF_EXTLEN, x->code,
		    x->len);
		wr_bytes(w, x->data, x->len);
	}
}

size_t bgp_attrs_encode(uint8_t *buf, size_t cap, const struct bgp_attrs *a,
    bool as4)
{
	struct wr w = wr_init(buf, cap);

	for (unsigned code = 1; code < 256; code++) {
		const struct attr_desc *d = &attr_table[code];

		if (!attr_has(a, code)) {
			if (!as4)
				put_as4_for_old(&w, a, code);
		} else if (d->encode != NULL) {
			d->encode(d, &w, a, as4);
		} else if (d->decode == NULL) {
			put_raw(&w, a, code);
		}
	}
	return w.overflow ? 0 : w.len;
}

bool bgp_attr_print(const struct bgp_attrs *a, unsigned code, char *buf,
    size_t size)
{
	if (code >= 256 || !attr_has(a, code) || size == 0)
		return false;
	const struct attr_desc *d = &attr_table[code];
	if (d->print != NULL) {
		d->print(d, a, buf, size);
		return true;
	}
	for (size_t i = 0; i < a->nraw; i++) {
		if (a->raw[i].code != code)
			continue;
		snprintf(buf, size, "flags 0x%02x, %u bytes", a->raw[i].flags,
		    a->raw[i].len);
		return true;
	}
	return false;
}
