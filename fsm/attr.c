/*
 * attr.c - the path attribute table and the UPDATE decoder/encoder.
 *
 * Per-attribute knowledge lives in attr_table[]: expected flags, length
 * bounds, the RFC 7606 reaction to malformation, and decode/encode/print
 * functions.  The generic code below does everything else.  Pure: no
 * logging, no allocation, no session state.
 */
#include "attr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define OPT	BGP_ATTRF_OPTIONAL
#define TRANS	BGP_ATTRF_TRANSITIVE

typedef bool attr_decode_fn(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a);
typedef void attr_encode_fn(struct wr *w, const struct bgp_attrs *a,
    bool as4);
typedef void attr_print_fn(const struct bgp_attrs *a, char *buf,
    size_t size);

struct attr_desc {
	const char *name;
	uint8_t flags;		/* required Optional and Transitive bits */
	uint16_t min_len;
	uint16_t max_len;
	uint8_t unit;		/* length must be a multiple of this */
	uint8_t action;		/* enum attr_action when malformed */
	uint8_t subcode;	/* RFC 4271 §6.3 subcode for a bad value */
	bool ibgp_only;		/* ignored when received over eBGP */
	attr_decode_fn *decode;
	attr_encode_fn *encode;
	attr_print_fn *print;
};

/* ---- helpers ---------------------------------------------------------- */

static void put_hdr(struct wr *w, uint8_t flags, uint8_t code, size_t len)
{
	if (len > 255) {
		wr_u8(w, flags | BGP_ATTRF_EXTLEN);
		wr_u8(w, code);
		wr_u16(w, (uint16_t)len);
	} else {
		wr_u8(w, flags);
		wr_u8(w, code);
		wr_u8(w, (uint8_t)len);
	}
}

static void put_u32_attr(struct wr *w, uint8_t flags, uint8_t code,
    uint32_t v)
{
	put_hdr(w, flags, code, 4);
	wr_u32(w, v);
}

/* Append printf output to buf at *off, never overflowing. */
static void app(char *buf, size_t size, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void app(char *buf, size_t size, size_t *off, const char *fmt, ...)
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

void aspath_iter_init(struct aspath_iter *it, const uint8_t *p, size_t len,
    bool as4)
{
	it->r = rd_init(p, len);
	it->width = as4 ? 4 : 2;
	it->seg_type = 0;
	it->seg_left = 0;
}

bool aspath_next(struct aspath_iter *it, uint32_t *asn, uint8_t *seg_type)
{
	while (it->seg_left == 0) {
		if (rd_left(&it->r) == 0)
			return false;
		if (!rd_u8(&it->r, &it->seg_type) ||
		    !rd_u8(&it->r, &it->seg_left))
			return false;
	}
	if (it->width == 4) {
		if (!rd_u32(&it->r, asn))
			return false;
	} else {
		uint16_t v;
		if (!rd_u16(&it->r, &v))
			return false;
		*asn = v;
	}
	it->seg_left--;
	*seg_type = it->seg_type;
	return true;
}

/* RFC 4271 §9.1.2.2: a set counts as one; RFC 5065 §5.3: confederation
 * segments do not count. */
unsigned aspath_count(const uint8_t *p, size_t len, bool as4)
{
	struct rd r = rd_init(p, len);
	unsigned n = 0;

	while (rd_left(&r) > 0) {
		uint8_t type, count;
		if (!rd_u8(&r, &type) || !rd_u8(&r, &count) ||
		    !rd_skip(&r, (size_t)count * (as4 ? 4 : 2)))
			break;
		if (type == BGP_AS_SEQUENCE)
			n += count;
		else if (type == BGP_AS_SET)
			n++;
	}
	return n;
}

/*
 * RFC 7606 §7.2: a segment of unknown type, a zero segment length, an
 * overrun or a lone trailing octet make the path malformed; RFC 7607: so
 * does AS 0; confederation segments are malformed from an eBGP peer.
 */
static bool aspath_valid(struct rd v, unsigned width, bool ebgp)
{
	while (rd_left(&v) > 0) {
		uint8_t type, count;
		if (!rd_u8(&v, &type) || !rd_u8(&v, &count) || count == 0)
			return false;
		if (type < BGP_AS_SET || type > BGP_AS_CONFED_SET)
			return false;
		if (ebgp && (type == BGP_AS_CONFED_SEQUENCE ||
		    type == BGP_AS_CONFED_SET))
			return false;
		for (unsigned i = 0; i < count; i++) {
			uint32_t asn;
			if (width == 4) {
				if (!rd_u32(&v, &asn))
					return false;
			} else {
				uint16_t a16;
				if (!rd_u16(&v, &a16))
					return false;
				asn = a16;
			}
			if (asn == 0)
				return false;
		}
	}
	return true;
}

static bool path_has_wide_asn(const uint8_t *p, size_t len, bool as4)
{
	struct aspath_iter it;
	uint32_t asn;
	uint8_t type;

	if (!as4)
		return false;
	aspath_iter_init(&it, p, len, true);
	while (aspath_next(&it, &asn, &type))
		if (asn > 0xffff)
			return true;
	return false;
}

/* Re-encode segments from one AS width to another. */
static void put_segments(struct wr *w, const uint8_t *p, size_t len,
    unsigned in_width, unsigned out_width)
{
	struct rd r = rd_init(p, len);

	while (rd_left(&r) > 0) {
		uint8_t type, count;
		if (!rd_u8(&r, &type) || !rd_u8(&r, &count))
			return;
		wr_u8(w, type);
		wr_u8(w, count);
		for (unsigned i = 0; i < count; i++) {
			uint32_t asn = 0;
			if (in_width == 4) {
				rd_u32(&r, &asn);
			} else {
				uint16_t a16 = 0;
				rd_u16(&r, &a16);
				asn = a16;
			}
			if (out_width == 4)
				wr_u32(w, asn);
			else
				wr_u16(w, asn > 0xffff ? BGP_AS_TRANS :
				    (uint16_t)asn);
		}
	}
}

static size_t segments_size(const uint8_t *p, size_t len, unsigned in_width,
    unsigned out_width)
{
	if (in_width == out_width)
		return len;
	/* Each AS changes size; segment headers do not. */
	struct rd r = rd_init(p, len);
	size_t n = 0;
	while (rd_left(&r) > 0) {
		uint8_t type, count;
		if (!rd_u8(&r, &type) || !rd_u8(&r, &count))
			break;
		rd_skip(&r, (size_t)count * in_width);
		n += 2 + (size_t)count * out_width;
	}
	return n;
}

/* "64512 {64513 64514} (65000)": sets in braces, confederations in
 * parentheses (sets of them in brackets). */
static void print_path(const uint8_t *p, size_t len, bool as4, char *buf,
    size_t size, size_t *off)
{
	static const char *const open[] = { "", "{", "", "(", "[" };
	static const char *const close[] = { "", "}", "", ")", "]" };
	struct rd r = rd_init(p, len);

	while (rd_left(&r) > 0) {
		uint8_t type, count;
		if (!rd_u8(&r, &type) || !rd_u8(&r, &count))
			return;
		unsigned t = type <= BGP_AS_CONFED_SET ? type : 0;
		app(buf, size, off, "%s%s", *off ? " " : "", open[t]);
		for (unsigned i = 0; i < count; i++) {
			uint32_t asn = 0;
			if (as4) {
				rd_u32(&r, &asn);
			} else {
				uint16_t a16 = 0;
				rd_u16(&r, &a16);
				asn = a16;
			}
			app(buf, size, off, "%s%u", i ? " " : "", asn);
		}
		app(buf, size, off, "%s", close[t]);
	}
}

/* ---- per-attribute decode, encode, print ----------------------------- */

static bool dec_origin(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	rd_u8(v, &a->origin);
	return a->origin <= BGP_ORIGIN_INCOMPLETE;
}

static void enc_origin(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_hdr(w, TRANS, BGP_ATTR_ORIGIN, 1);
	wr_u8(w, a->origin);
}

static void prt_origin(const struct bgp_attrs *a, char *buf, size_t size)
{
	snprintf(buf, size, "%s", bgp_origin_name(a->origin));
}

static bool dec_aspath(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	a->aspath = rd_ptr(v);
	a->aspath_len = (uint16_t)rd_left(v);
	a->aspath_as4 = ctx->as4;
	return aspath_valid(*v, ctx->as4 ? 4 : 2, ctx->ebgp);
}

static void enc_aspath(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	unsigned in = a->aspath_as4 ? 4 : 2, out = as4 ? 4 : 2;
	put_hdr(w, TRANS, BGP_ATTR_AS_PATH,
	    segments_size(a->aspath, a->aspath_len, in, out));
	put_segments(w, a->aspath, a->aspath_len, in, out);
}

static void prt_aspath(const struct bgp_attrs *a, char *buf, size_t size)
{
	size_t off = 0;
	buf[0] = '\0';
	print_path(a->aspath, a->aspath_len, a->aspath_as4, buf, size, &off);
}

/* RFC 4271 §6.3: a NEXT_HOP that can never be a host is semantically bad. */
static bool dec_nexthop(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	rd_u32(v, &a->nexthop);
	return a->nexthop != 0 && a->nexthop != 0xffffffffu &&
	    (a->nexthop >> 28) != 0xe;
}

static void enc_nexthop(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_u32_attr(w, TRANS, BGP_ATTR_NEXT_HOP, a->nexthop);
}

static void prt_ipv4(uint32_t v, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u", v >> 24, (v >> 16) & 0xff,
	    (v >> 8) & 0xff, v & 0xff);
}

static void prt_nexthop(const struct bgp_attrs *a, char *buf, size_t size)
{
	prt_ipv4(a->nexthop, buf, size);
}

static bool dec_med(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	return rd_u32(v, &a->med);
}

static void enc_med(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_u32_attr(w, OPT, BGP_ATTR_MED, a->med);
}

static void prt_med(const struct bgp_attrs *a, char *buf, size_t size)
{
	snprintf(buf, size, "%u", a->med);
}

static bool dec_lpref(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	return rd_u32(v, &a->local_pref);
}

static void enc_lpref(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_u32_attr(w, TRANS, BGP_ATTR_LOCAL_PREF, a->local_pref);
}

static void prt_lpref(const struct bgp_attrs *a, char *buf, size_t size)
{
	snprintf(buf, size, "%u", a->local_pref);
}

static bool dec_atomic(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	return true;
}

static void enc_atomic(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_hdr(w, TRANS, BGP_ATTR_ATOMIC_AGGREGATE, 0);
}

static void prt_atomic(const struct bgp_attrs *a, char *buf, size_t size)
{
	snprintf(buf, size, "yes");
}

/* RFC 6793 §4.1: 6 octets between old speakers, 8 between new ones. */
static bool dec_aggr(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	if (rd_left(v) != (ctx->as4 ? 8u : 6u))
		return false;
	if (ctx->as4) {
		rd_u32(v, &a->aggr_as);
	} else {
		uint16_t as16 = 0;
		rd_u16(v, &as16);
		a->aggr_as = as16;
	}
	rd_u32(v, &a->aggr_id);
	return a->aggr_as != 0;		/* RFC 7607 */
}

static void enc_aggr(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_hdr(w, OPT | TRANS, BGP_ATTR_AGGREGATOR, as4 ? 8 : 6);
	if (as4)
		wr_u32(w, a->aggr_as);
	else
		wr_u16(w, a->aggr_as > 0xffff ? BGP_AS_TRANS :
		    (uint16_t)a->aggr_as);
	wr_u32(w, a->aggr_id);
}

static void prt_aggr(const struct bgp_attrs *a, char *buf, size_t size)
{
	char id[16];
	prt_ipv4(a->aggr_id, id, sizeof(id));
	snprintf(buf, size, "%u %s", a->aggr_as, id);
}

static bool dec_comm(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	a->comm = rd_ptr(v);
	a->ncomm = (uint16_t)(rd_left(v) / 4);
	return true;
}

static void enc_comm(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_hdr(w, OPT | TRANS, BGP_ATTR_COMMUNITIES, (size_t)a->ncomm * 4);
	wr_bytes(w, a->comm, (size_t)a->ncomm * 4);
}

static void prt_comm(const struct bgp_attrs *a, char *buf, size_t size)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < a->ncomm; i++) {
		uint32_t c = bgp_get_u32(a->comm + 4 * i);
		const char *name = bgp_community_name(c);
		if (name)
			app(buf, size, &off, "%s%s", i ? " " : "", name);
		else
			app(buf, size, &off, "%s%u:%u", i ? " " : "",
			    c >> 16, c & 0xffff);
	}
}

static bool dec_originator(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	return rd_u32(v, &a->originator_id);
}

static void enc_originator(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_u32_attr(w, OPT, BGP_ATTR_ORIGINATOR_ID, a->originator_id);
}

static void prt_originator(const struct bgp_attrs *a, char *buf, size_t size)
{
	prt_ipv4(a->originator_id, buf, size);
}

static bool dec_cluster(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	a->cluster = rd_ptr(v);
	a->ncluster = (uint16_t)(rd_left(v) / 4);
	return true;
}

static void enc_cluster(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_hdr(w, OPT, BGP_ATTR_CLUSTER_LIST, (size_t)a->ncluster * 4);
	wr_bytes(w, a->cluster, (size_t)a->ncluster * 4);
}

static void prt_cluster(const struct bgp_attrs *a, char *buf, size_t size)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < a->ncluster; i++) {
		char id[16];
		prt_ipv4(bgp_get_u32(a->cluster + 4 * i), id, sizeof(id));
		app(buf, size, &off, "%s%s", i ? " " : "", id);
	}
}

static bool nlri_valid(const uint8_t *p, size_t len, uint16_t afi)
{
	struct rd r = rd_init(p, len);
	struct prefix pfx;

	while (bgp_nlri_next(&r, afi, &pfx))
		;
	return !r.failed;
}

/*
 * RFC 4760 §3.  Only unicast IPv4/IPv6 is understood; other families are
 * kept unparsed and ignored by the caller.  RFC 2545 §3: an IPv6 next hop
 * is 16 octets, or 32 with a link-local address; RFC 8950 allows those
 * for IPv4 NLRI too.
 */
static bool dec_reach(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
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

static void prt_reach(const struct bgp_attrs *a, char *buf, size_t size)
{
	const struct bgp_mp_reach *m = &a->reach;
	struct prefix nh = { .afi = m->nhlen == 4 ? AFI_IPV4 : AFI_IPV6 };
	char s[PREFIX_STRLEN];

	memcpy(nh.a, m->nh, m->nhlen == 4 ? 4 : 16);
	nh.len = (uint8_t)afi_bits(nh.afi);
	snprintf(buf, size, "%s %s next hop %s", bgp_afi_name(m->afi),
	    bgp_safi_name(m->safi), addr_fmt(&nh, s, sizeof(s)));
}

static bool dec_unreach(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
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

static void prt_unreach(const struct bgp_attrs *a, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s", bgp_afi_name(a->unreach.afi),
	    bgp_safi_name(a->unreach.safi));
}

static bool dec_ecomm(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	a->ecomm = rd_ptr(v);
	a->necomm = (uint16_t)(rd_left(v) / 8);
	return true;
}

static void enc_ecomm(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_hdr(w, OPT | TRANS, BGP_ATTR_EXT_COMMUNITIES,
	    (size_t)a->necomm * 8);
	wr_bytes(w, a->ecomm, (size_t)a->necomm * 8);
}

static void prt_ecomm(const struct bgp_attrs *a, char *buf, size_t size)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < a->necomm; i++) {
		const uint8_t *e = a->ecomm + 8 * i;
		app(buf, size, &off, "%s0x", i ? " " : "");
		for (int j = 0; j < 8; j++)
			app(buf, size, &off, "%02x", e[j]);
	}
}

/* RFC 6793 §6: a malformed AS4_PATH is discarded, so is one sent by a
 * speaker that negotiated 4-octet AS (it must not send one). */
static bool dec_as4path(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	a->as4path = rd_ptr(v);
	a->as4path_len = (uint16_t)rd_left(v);
	return !ctx->as4 && aspath_valid(*v, 4, ctx->ebgp);
}

static void enc_as4path(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_hdr(w, OPT | TRANS, BGP_ATTR_AS4_PATH, a->as4path_len);
	wr_bytes(w, a->as4path, a->as4path_len);
}

static void prt_as4path(const struct bgp_attrs *a, char *buf, size_t size)
{
	size_t off = 0;
	buf[0] = '\0';
	print_path(a->as4path, a->as4path_len, true, buf, size, &off);
}

static bool dec_as4aggr(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	rd_u32(v, &a->as4_aggr_as);
	rd_u32(v, &a->as4_aggr_id);
	return !ctx->as4 && a->as4_aggr_as != 0;
}

static void enc_as4aggr(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_hdr(w, OPT | TRANS, BGP_ATTR_AS4_AGGREGATOR, 8);
	wr_u32(w, a->as4_aggr_as);
	wr_u32(w, a->as4_aggr_id);
}

static void prt_as4aggr(const struct bgp_attrs *a, char *buf, size_t size)
{
	char id[16];
	prt_ipv4(a->as4_aggr_id, id, sizeof(id));
	snprintf(buf, size, "%u %s", a->as4_aggr_as, id);
}

static bool dec_lcomm(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	a->lcomm = rd_ptr(v);
	a->nlcomm = (uint16_t)(rd_left(v) / 12);
	return true;
}

static void enc_lcomm(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_hdr(w, OPT | TRANS, BGP_ATTR_LARGE_COMMUNITY,
	    (size_t)a->nlcomm * 12);
	wr_bytes(w, a->lcomm, (size_t)a->nlcomm * 12);
}

static void prt_lcomm(const struct bgp_attrs *a, char *buf, size_t size)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < a->nlcomm; i++) {
		const uint8_t *l = a->lcomm + 12 * i;
		app(buf, size, &off, "%s%u:%u:%u", i ? " " : "",
		    bgp_get_u32(l), bgp_get_u32(l + 4), bgp_get_u32(l + 8));
	}
}

static bool dec_otc(struct rd *v, const struct bgp_upd_ctx *ctx,
    struct bgp_attrs *a)
{
	return rd_u32(v, &a->otc);
}

static void enc_otc(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	put_u32_attr(w, OPT | TRANS, BGP_ATTR_OTC, a->otc);
}

static void prt_otc(const struct bgp_attrs *a, char *buf, size_t size)
{
	snprintf(buf, size, "%u", a->otc);
}

/*
 * The table.  Reactions per RFC 7606 §7 (and RFC 6793 §6, RFC 8092 §6,
 * RFC 9234 §5 for the attributes defined there).  MP_REACH/MP_UNREACH are
 * encoded by the UPDATE builder, so they have no encode function here.
 */
static const struct attr_desc attr_table[256] = {
	[BGP_ATTR_ORIGIN] = { "ORIGIN", TRANS, 1, 1, 1, ATTR_WITHDRAW,
	    BGP_UPD_BAD_ORIGIN, false, dec_origin, enc_origin, prt_origin },
	[BGP_ATTR_AS_PATH] = { "AS_PATH", TRANS, 0, 65535, 1, ATTR_WITHDRAW,
	    BGP_UPD_BAD_AS_PATH, false, dec_aspath, enc_aspath, prt_aspath },
	[BGP_ATTR_NEXT_HOP] = { "NEXT_HOP", TRANS, 4, 4, 1, ATTR_WITHDRAW,
	    BGP_UPD_BAD_NEXTHOP, false, dec_nexthop, enc_nexthop,
	    prt_nexthop },
	[BGP_ATTR_MED] = { "MULTI_EXIT_DISC", OPT, 4, 4, 1, ATTR_WITHDRAW,
	    BGP_UPD_OPT_ATTR, false, dec_med, enc_med, prt_med },
	/* RFC 4271 §5.1.5: ignored when received from an external peer. */
	[BGP_ATTR_LOCAL_PREF] = { "LOCAL_PREF", TRANS, 4, 4, 1, ATTR_WITHDRAW,
	    BGP_UPD_ATTR_LEN, true, dec_lpref, enc_lpref, prt_lpref },
	[BGP_ATTR_ATOMIC_AGGREGATE] = { "ATOMIC_AGGREGATE", TRANS, 0, 0, 1,
	    ATTR_DISCARD, BGP_UPD_ATTR_LEN, false, dec_atomic, enc_atomic,
	    prt_atomic },
	[BGP_ATTR_AGGREGATOR] = { "AGGREGATOR", OPT | TRANS, 6, 8, 1,
	    ATTR_DISCARD, BGP_UPD_OPT_ATTR, false, dec_aggr, enc_aggr,
	    prt_aggr },
	[BGP_ATTR_COMMUNITIES] = { "COMMUNITIES", OPT | TRANS, 4, 65535, 4,
	    ATTR_WITHDRAW, BGP_UPD_OPT_ATTR, false, dec_comm, enc_comm,
	    prt_comm },
	[BGP_ATTR_ORIGINATOR_ID] = { "ORIGINATOR_ID", OPT, 4, 4, 1,
	    ATTR_WITHDRAW, BGP_UPD_OPT_ATTR, true, dec_originator,
	    enc_originator, prt_originator },
	[BGP_ATTR_CLUSTER_LIST] = { "CLUSTER_LIST", OPT, 4, 65535, 4,
	    ATTR_WITHDRAW, BGP_UPD_OPT_ATTR, true, dec_cluster, enc_cluster,
	    prt_cluster },
	[BGP_ATTR_MP_REACH] = { "MP_REACH_NLRI", OPT, 5, 65535, 1, ATTR_RESET,
	    BGP_UPD_OPT_ATTR, false, dec_reach, NULL, prt_reach },
	[BGP_ATTR_MP_UNREACH] = { "MP_UNREACH_NLRI", OPT, 3, 65535, 1,
	    ATTR_RESET, BGP_UPD_OPT_ATTR, false, dec_unreach, NULL,
	    prt_unreach },
	[BGP_ATTR_EXT_COMMUNITIES] = { "EXTENDED_COMMUNITIES", OPT | TRANS, 8,
	    65535, 8, ATTR_WITHDRAW, BGP_UPD_OPT_ATTR, false, dec_ecomm,
	    enc_ecomm, prt_ecomm },
	[BGP_ATTR_AS4_PATH] = { "AS4_PATH", OPT | TRANS, 2, 65535, 1,
	    ATTR_DISCARD, BGP_UPD_OPT_ATTR, false, dec_as4path, enc_as4path,
	    prt_as4path },
	[BGP_ATTR_AS4_AGGREGATOR] = { "AS4_AGGREGATOR", OPT | TRANS, 8, 8, 1,
	    ATTR_DISCARD, BGP_UPD_OPT_ATTR, false, dec_as4aggr, enc_as4aggr,
	    prt_as4aggr },
	[BGP_ATTR_LARGE_COMMUNITY] = { "LARGE_COMMUNITY", OPT | TRANS, 12,
	    65535, 12, ATTR_WITHDRAW, BGP_UPD_OPT_ATTR, false, dec_lcomm,
	    enc_lcomm, prt_lcomm },
	[BGP_ATTR_OTC] = { "OTC", OPT | TRANS, 4, 4, 1, ATTR_WITHDRAW,
	    BGP_UPD_OPT_ATTR, false, dec_otc, enc_otc, prt_otc },
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

/* ---- NLRI ------------------------------------------------------------- */

bool bgp_nlri_next(struct rd *r, uint16_t afi, struct prefix *p)
{
	uint8_t len;

	if (rd_left(r) == 0)
		return false;
	rd_u8(r, &len);
	if (len > afi_bits(afi)) {
		r->failed = true;
		return false;
	}
	memset(p, 0, sizeof(*p));
	p->afi = (uint8_t)afi;
	if (!rd_bytes(r, p->a, (len + 7u) / 8))
		return false;
	/* Clear trailing bits a sloppy sender may have left set. */
	prefix_mask(p, len);
	return true;
}

void bgp_nlri_put(struct wr *w, const struct prefix *p)
{
	wr_u8(w, p->len);
	wr_bytes(w, p->a, (p->len + 7u) / 8);
}

/* ---- UPDATE decoding -------------------------------------------------- */

struct upd_state {
	struct bgp_update *u;
	const struct bgp_upd_ctx *ctx;
	struct bgp_err *err;
	uint8_t met[32];	/* type codes met, including discarded ones */
	enum attr_action worst;
};

/* Remember the first problem, apply the reaction, keep the worst. */
static void problem(struct upd_state *s, enum attr_action act, uint8_t code,
    uint8_t subcode, const uint8_t *attr, size_t attr_len)
{
	struct bgp_update *u = s->u;

	if (u->why.code == 0) {
		bgp_err_set(&u->why, BGP_ERR_UPDATE, subcode, attr, attr_len);
		u->why_attr = code;
	}
	if (act == ATTR_DISCARD) {
		attr_clear(&u->a, code);
		if (u->ndiscarded < BGP_MAX_DISCARDED)
			u->discarded[u->ndiscarded++] = code;
	} else if (act == ATTR_WITHDRAW) {
		u->treat_as_withdraw = true;
	} else if (act == ATTR_RESET && s->worst != ATTR_RESET) {
		bgp_err_set(s->err, BGP_ERR_UPDATE, subcode, attr, attr_len);
	}
	if (act > s->worst)
		s->worst = act;
}

static void one_attr(struct upd_state *s, uint8_t flags, uint8_t code,
    struct rd v, const uint8_t *attr, size_t attr_len)
{
	struct bgp_attrs *a = &s->u->a;
	const struct attr_desc *d = &attr_table[code];
	bool met = (s->met[code / 8] >> (code % 8)) & 1;

	s->met[code / 8] |= (uint8_t)(1u << (code % 8));
	if (met) {
		/* RFC 7606 §3(g): MP attributes twice is fatal; for the
		 * rest keep the first and discard the others. */
		if (code == BGP_ATTR_MP_REACH || code == BGP_ATTR_MP_UNREACH)
			problem(s, ATTR_RESET, code,
			    BGP_UPD_MALFORMED_ATTR_LIST, NULL, 0);
		else if (s->u->ndiscarded < BGP_MAX_DISCARDED)
			s->u->discarded[s->u->ndiscarded++] = code;
		return;
	}

	if (d->decode == NULL) {
		/* RFC 4271 §6.3: unrecognized well-known is fatal. */
		if (!(flags & OPT)) {
			problem(s, ATTR_RESET, code, BGP_UPD_UNKNOWN_WELLKNOWN,
			    attr, attr_len);
			return;
		}
		/* Optional non-transitive: quietly ignored (§5). */
		if ((flags & TRANS) && a->nraw < BGP_MAX_RAWATTRS) {
			a->raw[a->nraw++] = (struct bgp_rawattr){ flags, code,
			    (uint16_t)rd_left(&v), rd_ptr(&v) };
			attr_set(a, code);
		}
		return;
	}

	if (s->ctx->ebgp && d->ibgp_only)
		return;		/* RFC 4271 §5.1.5, RFC 4456 §8 */

	enum attr_action act = bgp_attr_malformed_action(code, s->ctx->ebgp);
	size_t len = rd_left(&v);
	/* RFC 7606 §3(c): O/T bits that disagree make it malformed;
	 * Partial is only allowed on optional transitive attributes. */
	if ((flags & (OPT | TRANS)) != d->flags ||
	    ((flags & BGP_ATTRF_PARTIAL) && d->flags != (OPT | TRANS))) {
		problem(s, act, code, BGP_UPD_ATTR_FLAGS, attr, attr_len);
		return;
	}
	if (len < d->min_len || len > d->max_len || len % d->unit != 0) {
		problem(s, act, code, BGP_UPD_ATTR_LEN, attr, attr_len);
		return;
	}
	attr_set(a, code);
	if (!d->decode(&v, s->ctx, a)) {
		/*
		 * RFC 4760 §3: without IPv4 NLRI the NEXT_HOP is ignored, so
		 * a semantically bad value (RFC 4271 §6.3: "the route SHOULD
		 * be ignored") has no route to act on; it must not withdraw
		 * the MP_REACH routes.  Its length was checked above.
		 */
		if (code == BGP_ATTR_NEXT_HOP && s->u->nlri_len == 0) {
			attr_clear(a, code);
			return;
		}
		problem(s, act, code, d->subcode, attr, attr_len);
		if (act != ATTR_DISCARD)
			attr_clear(a, code);
	}
}

/*
 * The next attribute of a block: its flags, code, value and the whole
 * attribute as sent.  False at the end, or on a framing error (*framing).
 */
static bool attr_next(struct rd *attrs, uint8_t *flags, uint8_t *code,
    struct rd *v, const uint8_t **whole, size_t *whole_len, bool *framing)
{
	const uint8_t *start = rd_ptr(attrs);
	uint8_t l8 = 0;
	uint16_t l = 0;

	*framing = false;
	if (rd_left(attrs) == 0)
		return false;
	rd_u8(attrs, flags);
	rd_u8(attrs, code);
	if (*flags & BGP_ATTRF_EXTLEN) {
		rd_u16(attrs, &l);
	} else {
		rd_u8(attrs, &l8);
		l = l8;
	}
	if (!rd_sub(attrs, l, v)) {
		*framing = true;
		return false;
	}
	*whole = start;
	*whole_len = (size_t)(rd_ptr(attrs) - start);
	return true;
}

/*
 * Run every attribute through one_attr(); true on a framing error, with
 * *bad the type code of the attribute that overran the block (0 when too
 * few octets were left for one).
 */
static bool parse_block(struct upd_state *s, struct rd attrs, uint8_t *bad)
{
	uint8_t flags = 0, code = 0;
	struct rd v;
	const uint8_t *whole;
	size_t whole_len, left;
	bool framing;

	for (;;) {
		left = rd_left(&attrs);
		code = 0;
		if (!attr_next(&attrs, &flags, &code, &v, &whole, &whole_len,
		    &framing))
			break;
		one_attr(s, flags, code, v, whole, whole_len);
	}
	/* A whole header was read: the code is the overrunning one's. */
	if (bad != NULL)
		*bad = left >= ((flags & BGP_ATTRF_EXTLEN) ? 4u : 3u) ? code : 0;
	return framing;
}

bool bgp_attrs_parse(const uint8_t *block, size_t len,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a)
{
	struct bgp_update u;
	struct bgp_err err = { 0 };
	struct upd_state s = { .u = &u, .ctx = ctx, .err = &err };

	memset(&u, 0, sizeof(u));
	bool framing = parse_block(&s, rd_init(block, len), NULL);
	*a = u.a;
	return !framing && s.worst != ATTR_RESET;
}

size_t bgp_attrs_kept(const struct bgp_update *u, uint8_t *out, size_t cap)
{
	struct rd attrs = rd_init(u->attrs_raw, u->attrs_len);
	struct wr w = wr_init(out, cap);
	uint8_t done[32] = { 0 }, flags = 0, code = 0;
	struct rd v;
	const uint8_t *whole;
	size_t whole_len;
	bool framing;

	while (attr_next(&attrs, &flags, &code, &v, &whole, &whole_len,
	    &framing)) {
		if (code == BGP_ATTR_MP_REACH || code == BGP_ATTR_MP_UNREACH ||
		    !attr_has(&u->a, code) || (done[code / 8] >> (code % 8) & 1))
			continue;
		done[code / 8] |= (uint8_t)(1u << (code % 8));
		wr_bytes(&w, whole, whole_len);
	}
	return w.overflow ? 0 : w.len;
}

bool bgp_update_decode(const uint8_t *msg, size_t len,
    const struct bgp_upd_ctx *ctx, struct bgp_update *u, struct bgp_err *err)
{
	struct upd_state s = { .u = u, .ctx = ctx, .err = err };
	struct rd r = rd_init(msg, len), wd, attrs;
	uint16_t wlen = 0, alen = 0;

	memset(u, 0, sizeof(*u));
	rd_skip(&r, BGP_HDR_LEN);
	/* RFC 4271 §6.3 / RFC 7606 §3(b): lengths beyond the message. */
	rd_u16(&r, &wlen);
	rd_sub(&r, wlen, &wd);
	rd_u16(&r, &alen);
	rd_sub(&r, alen, &attrs);
	if (r.failed) {
		bgp_err_set(err, BGP_ERR_UPDATE, BGP_UPD_MALFORMED_ATTR_LIST,
		    NULL, 0);
		return false;
	}
	u->withdrawn = wd.p;
	u->withdrawn_len = wlen;
	u->attrs_raw = attrs.p;
	u->attrs_len = alen;
	u->nlri = rd_ptr(&r);
	u->nlri_len = (uint16_t)rd_left(&r);

	/* RFC 7606 §5.3: a syntactically bad NLRI field resets. */
	if (!nlri_valid(u->withdrawn, wlen, AFI_IPV4) ||
	    !nlri_valid(u->nlri, u->nlri_len, AFI_IPV4)) {
		bgp_err_set(err, BGP_ERR_UPDATE, BGP_UPD_BAD_NETWORK, NULL, 0);
		return false;
	}

	uint8_t bad = 0;
	bool framing = parse_block(&s, attrs, &bad);
	if (framing) {
		/*
		 * RFC 7606 §4: an attribute overrunning the block, or too few
		 * octets left for one, calls for treat-as-withdraw; the total
		 * attribute length still locates the NLRI.  Nothing can hide
		 * behind the bad attribute: it is the last one.  Unless it is
		 * itself MP_REACH or MP_UNREACH, whose NLRI is then lost
		 * (RFC 7606 §3 (j)): that resets.
		 */
		bool mp = bad == BGP_ATTR_MP_REACH ||
		    bad == BGP_ATTR_MP_UNREACH;
		problem(&s, mp ? ATTR_RESET : ATTR_WITHDRAW, bad,
		    BGP_UPD_MALFORMED_ATTR_LIST, NULL, 0);
	}
	if (s.worst == ATTR_RESET)
		return false;

	/* RFC 7606 §3(d): missing well-known mandatory -> treat-as-withdraw. */
	bool reach = attr_has(&u->a, BGP_ATTR_MP_REACH);
	if (u->nlri_len > 0 || reach) {
		static const uint8_t mandatory[] = { BGP_ATTR_ORIGIN,
		    BGP_ATTR_AS_PATH, BGP_ATTR_NEXT_HOP };
		for (size_t i = 0; i < sizeof(mandatory); i++) {
			uint8_t code = mandatory[i];
			bool met = (s.met[code / 8] >> (code % 8)) & 1;
			/* RFC 4760 §3: NEXT_HOP only goes with IPv4 NLRI. */
			if (code == BGP_ATTR_NEXT_HOP && u->nlri_len == 0)
				continue;
			if (met)
				continue;
			bool first = u->why.code == 0;
			problem(&s, ATTR_WITHDRAW, code,
			    BGP_UPD_MISSING_WELLKNOWN, NULL, 0);
			/* RFC 4271 §6.3: data is the missing type code. */
			if (first)
				bgp_err_set_val(&u->why, BGP_ERR_UPDATE,
				    BGP_UPD_MISSING_WELLKNOWN, code, 1);
		}
	}
	return true;
}

bool bgp_update_is_eor(const struct bgp_update *u, uint16_t *afi,
    uint8_t *safi)
{
	const struct bgp_attrs *a = &u->a;

	if (u->withdrawn_len != 0 || u->nlri_len != 0)
		return false;
	if (u->attrs_len == 0) {
		*afi = AFI_IPV4;
		*safi = SAFI_UNICAST;
		return true;
	}
	/* RFC 4724 §2: an MP_UNREACH with no withdrawn routes, alone. */
	for (unsigned c = 0; c < 256; c++)
		if (c != BGP_ATTR_MP_UNREACH && attr_has(a, c))
			return false;
	if (!attr_has(a, BGP_ATTR_MP_UNREACH) || a->unreach.nlri_len != 0)
		return false;
	*afi = a->unreach.afi;
	*safi = a->unreach.safi;
	return true;
}

bool bgp_update_is_empty(const struct bgp_update *u)
{
	return u->withdrawn_len == 0 && u->nlri_len == 0 &&
	    !(attr_has(&u->a, BGP_ATTR_MP_REACH) && u->a.reach.nlri_len) &&
	    !(attr_has(&u->a, BGP_ATTR_MP_UNREACH) && u->a.unreach.nlri_len);
}

/* ---- encoding and printing -------------------------------------------- */

size_t bgp_attrs_encode(uint8_t *buf, size_t cap, const struct bgp_attrs *a,
    bool as4)
{
	struct wr w = wr_init(buf, cap);

	for (unsigned code = 1; code < 256; code++) {
		const struct attr_desc *d = &attr_table[code];
		bool have = attr_has(a, code);

		/* RFC 6793 §4.2.2: an old peer gets 4-octet ASNs in AS4_*. */
		if (code == BGP_ATTR_AS4_PATH && !as4 && !have &&
		    attr_has(a, BGP_ATTR_AS_PATH) &&
		    path_has_wide_asn(a->aspath, a->aspath_len,
		    a->aspath_as4)) {
			put_hdr(&w, OPT | TRANS, BGP_ATTR_AS4_PATH,
			    a->aspath_len);
			wr_bytes(&w, a->aspath, a->aspath_len);
			continue;
		}
		if (code == BGP_ATTR_AS4_AGGREGATOR && !as4 && !have &&
		    attr_has(a, BGP_ATTR_AGGREGATOR) && a->aggr_as > 0xffff) {
			put_hdr(&w, OPT | TRANS, BGP_ATTR_AS4_AGGREGATOR, 8);
			wr_u32(&w, a->aggr_as);
			wr_u32(&w, a->aggr_id);
			continue;
		}
		if (!have)
			continue;
		if (d->encode != NULL) {
			d->encode(&w, a, as4);
		} else if (d->decode == NULL) {
			/* raw[] is in received order, which need not be
			 * ascending (RFC 4271 §5): look at every entry. */
			for (size_t i = 0; i < a->nraw; i++) {
				const struct bgp_rawattr *x = &a->raw[i];
				if (x->code != code)
					continue;
				put_hdr(&w, x->flags & (uint8_t)~BGP_ATTRF_EXTLEN,
				    x->code, x->len);
				wr_bytes(&w, x->data, x->len);
			}
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
		d->print(a, buf, size);
		return true;
	}
	for (size_t i = 0; i < a->nraw; i++) {
		if (a->raw[i].code != code)
			continue;
		size_t off = 0;
		buf[0] = '\0';
		app(buf, size, &off, "flags 0x%02x, %u bytes", a->raw[i].flags,
		    a->raw[i].len);
		return true;
	}
	return false;
}
