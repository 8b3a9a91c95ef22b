/*
 * decoders.c - the invariants every fsm/ decoder must keep, whatever the
 * bytes: errors that name a valid NOTIFICATION, decoded lengths and
 * pointers inside the message, values within their ranges, encode and
 * decode round trips where an encoder exists, and printing functions
 * that end their strings inside the buffer, however small.
 *
 * Shared by the message harnesses and the session harness; never part of
 * lbbgpd.
 */
#include "tests/fuzz/fuzz.h"

#include <string.h>

struct bgp_upd_ctx fz_ctx(unsigned bits)
{
	return (struct bgp_upd_ctx){ .as4 = bits & 1, .ebgp = bits & 2,
	    .v4 = bits & 4, .v6 = bits & 8 };
}

size_t fz_wrap(uint8_t *buf, uint8_t type, const uint8_t *body, size_t len)
{
	size_t n = BGP_HDR_LEN + len;

	memset(buf, 0xff, BGP_MARKER_LEN);
	buf[16] = (uint8_t)(n >> 8);
	buf[17] = (uint8_t)n;
	buf[18] = type;
	if (len > 0)
		memcpy(buf + BGP_HDR_LEN, body, len);
	return n;
}

/* p[0, n) lies inside msg[0, len). */
static bool inside(const uint8_t *msg, size_t len, const uint8_t *p,
    size_t n)
{
	if (n == 0)
		return true;
	return p != NULL && p >= msg && p <= msg + len &&
	    n <= (size_t)(msg + len - p);
}

/* Length of a valid UTF-8 sequence at s (RFC 3629 §4), 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void fz_check_printable(const char *what, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; u[i] != '\0';) {
		FZ_CHECK((u[i] >= 0x20 || u[i] == '\t') && u[i] != 0x7f,
		    "%s: control byte "
		    "0x%02x at %zu in \"%s\"", what, u[i], i, s);
		size_t n = utf8_len(u + i);
		FZ_CHECK(n > 0, "%s: invalid UTF-8 at %zu in \"%s\"", what, i,
		    s);
		i += n;
	}
}

/* Every error a decoder reports must be a NOTIFICATION we can send. */
static void check_err(const char *what, const struct bgp_err *e,
    const uint8_t *msg, size_t len)
{
	char buf[128];

	FZ_CHECK(e->code > 0 && e->code < BGP_ERR_CODE_MAX, "%s: error code "
	    "%u", what, e->code);
	FZ_CHECK(e->data == NULL ? e->len <= sizeof(e->own) :
	    inside(msg, len, e->data, e->len), "%s: error data of %u bytes "
	    "outside the message", what, e->len);
	bgp_err_fmt(e->code, e->subcode, buf, sizeof(buf));
	FZ_CHECK(strstr(buf, "unknown") == NULL, "%s: error %s is not a "
	    "known one", what, buf);
}

/* ---- OPEN --------------------------------------------------------------- */

static void check_caps(const struct bgp_caps *c, const uint8_t *msg,
    size_t len)
{
	FZ_CHECK(c->nmp <= BGP_MAX_AFISAFI && c->ngr <= BGP_MAX_AFISAFI &&
	    c->nenh <= BGP_MAX_AFISAFI && c->nraw <= BGP_MAX_RAWCAPS,
	    "capability counts %zu %zu %zu %zu", c->nmp, c->ngr, c->nenh,
	    c->nraw);
	FZ_CHECK(c->mp_present == (c->nmp > 0), "mp_present %d with %zu "
	    "families", c->mp_present, c->nmp);
	FZ_CHECK(c->gr_flags <= 0xf && c->gr_time <= 0xfff, "graceful "
	    "restart flags %#x time %u", c->gr_flags, c->gr_time);
	for (size_t i = 0; i < c->nraw; i++) {
		FZ_CHECK(inside(msg, len, c->raw[i].data, c->raw[i].len),
		    "raw capability %u outside the message", c->raw[i].code);
		FZ_CHECK(c->raw[i].code != BGP_CAP_MP &&
		    c->raw[i].code != BGP_CAP_AS4 &&
		    c->raw[i].code != BGP_CAP_EXT_NEXTHOP, "known capability "
		    "%u kept as bytes", c->raw[i].code);
	}
	for (size_t i = 0; i < c->nmp; i++)
		for (size_t j = 0; j < i; j++)
			FZ_CHECK(c->mp[i].afi != c->mp[j].afi ||
			    c->mp[i].safi != c->mp[j].safi, "family twice");
}

static bool same_afis(const struct bgp_afisafi *a, const struct bgp_afisafi *b,
    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].afi != b[i].afi || a[i].safi != b[i].safi ||
		    a[i].flags != b[i].flags)
			return false;
	return true;
}

/* What bgp_open_encode writes must decode to what was encoded. */
static void open_round_trip(const struct bgp_open *o)
{
	static uint8_t buf[BGP_MAX_LEN];
	struct bgp_open o2;
	struct bgp_err e = { 0 };
	const struct bgp_caps *a = &o->caps, *b = &o2.caps;

	size_t n = bgp_open_encode(buf, sizeof(buf), o);
	if (n == 0)
		return;		/* needs RFC 9072 form, which we never send */
	FZ_CHECK(bgp_open_decode(buf, n, &o2, &e), "re-encoded OPEN refused "
	    "%u/%u", e.code, e.subcode);
	FZ_CHECK(o2.version == o->version && o2.my_as == o->my_as &&
	    o2.hold == o->hold && o2.id == o->id, "OPEN fixed fields differ");
	FZ_CHECK(a->nmp == b->nmp && same_afis(a->mp, b->mp, a->nmp),
	    "multiprotocol capabilities differ");
	FZ_CHECK(a->route_refresh == b->route_refresh &&
	    a->enhanced_refresh == b->enhanced_refresh &&
	    a->ext_message == b->ext_message && a->as4 == b->as4 &&
	    (!a->as4 || a->as4_asn == b->as4_asn), "capability flags differ");
	FZ_CHECK(a->gr == b->gr && (!a->gr || (a->gr_flags == b->gr_flags &&
	    a->gr_time == b->gr_time && a->ngr == b->ngr &&
	    same_afis(a->gr_afi, b->gr_afi, a->ngr))), "graceful restart "
	    "differs");
	FZ_CHECK(a->nenh == b->nenh && (a->nenh == 0 || memcmp(a->enh, b->enh,
	    a->nenh * sizeof(a->enh[0])) == 0), "extended next hop differs");
	FZ_CHECK(a->nraw == b->nraw, "%zu raw capabilities, %zu after the "
	    "round trip", a->nraw, b->nraw);
	for (size_t i = 0; i < a->nraw; i++)
		FZ_CHECK(a->raw[i].code == b->raw[i].code &&
		    a->raw[i].len == b->raw[i].len && (a->raw[i].len == 0 ||
		    memcmp(a->raw[i].data, b->raw[i].data, a->raw[i].len) == 0),
		    "raw capability %zu differs", i);
}

void fz_open(const uint8_t *msg, size_t len)
{
	struct bgp_open o, ours;
	struct bgp_err e = { 0 };
	struct bgp_neg n;

	if (!bgp_open_decode(msg, len, &o, &e)) {
		check_err("OPEN", &e, msg, len);
		FZ_CHECK(e.code == BGP_ERR_OPEN || (e.code == BGP_ERR_HEADER &&
		    e.subcode == BGP_HDR_BAD_LEN), "OPEN error %u/%u", e.code,
		    e.subcode);
		return;
	}
	FZ_CHECK(o.version == BGP_VERSION, "version %u accepted", o.version);
	check_caps(&o.caps, msg, len);
	open_round_trip(&o);

	/* The checks the session makes, against a few expectations. */
	static const struct bgp_open_expect x[] = {
		{ 64512, 64513, 0x0a000001, 0 },
		{ 64512, 64512, 0xc0000201, 0 },
		{ 4200000000u, 64513, 0x0a000001, 9 },
	};
	for (size_t i = 0; i < sizeof(x) / sizeof(x[0]); i++) {
		if (bgp_open_check(&o, &x[i], &e)) {
			FZ_CHECK(bgp_open_peer_as(&o) == x[i].remote_as &&
			    o.hold != 1 && o.hold != 2 && o.id != 0,
			    "OPEN passed its checks");
		} else {
			check_err("OPEN check", &e, msg, len);
			FZ_CHECK(e.code == BGP_ERR_OPEN, "check error %u",
			    e.code);
		}
	}

	/* Negotiation with an OPEN like the one lbbgpd sends. */
	memset(&ours, 0, sizeof(ours));
	ours.hold = 90;
	ours.caps.as4 = ours.caps.route_refresh = true;
	ours.caps.enhanced_refresh = ours.caps.ext_message = true;
	ours.caps.gr = true;
	ours.caps.mp_present = true;
	ours.caps.nmp = 2;
	ours.caps.mp[0] = (struct bgp_afisafi){ AFI_IPV4, SAFI_UNICAST, 0 };
	ours.caps.mp[1] = (struct bgp_afisafi){ AFI_IPV6, SAFI_UNICAST, 0 };
	for (uint16_t ka = 0; ka <= 30; ka += 30) {
		bgp_negotiate(&ours, &o, ka, &n);
		FZ_CHECK(n.hold <= ours.hold && n.hold <= o.hold, "hold %u",
		    n.hold);
		FZ_CHECK(n.hold == 0 ? n.keepalive == 0 : n.keepalive >= 1 &&
		    n.keepalive <= n.hold, "keepalive %u with hold %u",
		    n.keepalive, n.hold);
		FZ_CHECK(!n.gr || n.peer_gr, "graceful restart without the "
		    "peer's capability");
		FZ_CHECK(n.v4 == bgp_caps_has_afi(&o.caps, AFI_IPV4,
		    SAFI_UNICAST) && n.v6 == bgp_caps_has_afi(&o.caps,
		    AFI_IPV6, SAFI_UNICAST), "families");
	}
}

/* ---- UPDATE -------------------------------------------------------------- */

/* An NLRI field the decoder accepted: every prefix reads back clean. */
static size_t walk_nlri(const char *what, const uint8_t *p, size_t len,
    uint16_t afi, bool must_parse)
{
	struct rd r = rd_init(p, len);
	struct prefix pfx, again;
	size_t n = 0;
	char s[PREFIX_STRLEN];
	uint8_t out[32];

	while (bgp_nlri_next(&r, afi, &pfx)) {
		FZ_CHECK(pfx.len <= afi_bits(afi), "%s: /%u", what, pfx.len);
		again = pfx;
		prefix_mask(&again, pfx.len);
		FZ_CHECK(prefix_equal(&again, &pfx), "%s: host bits left in "
		    "%s", what, prefix_fmt(&pfx, s, sizeof(s)));
		/* What bgp_nlri_put writes reads back the same. */
		struct wr w = wr_init(out, sizeof(out));
		bgp_nlri_put(&w, &pfx);
		FZ_CHECK(!w.overflow && w.len == bgp_nlri_size(&pfx), "%s: "
		    "NLRI size", what);
		struct rd r2 = rd_init(out, w.len);
		FZ_CHECK(bgp_nlri_next(&r2, afi, &again) &&
		    prefix_equal(&again, &pfx), "%s: NLRI round trip", what);
		prefix_fmt(&pfx, s, sizeof(s));
		n++;
	}
	FZ_CHECK(!must_parse || !r.failed, "%s: an accepted NLRI field does "
	    "not parse", what);
	return n;
}

/* Every attribute prints, into any buffer size, a terminated string. */
static void print_all(const struct bgp_attrs *a)
{
	static const size_t sizes[] = { 1, 2, 3, 5, 8, 13, 64, 1024 };
	char buf[1024 + 8];

	for (unsigned code = 0; code < 256; code++) {
		bool has = attr_has(a, code);
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			size_t size = sizes[i];
			memset(buf, 'Z', sizeof(buf));
			bool ok = bgp_attr_print(a, code, buf, size);
			FZ_CHECK(ok == has, "print of attribute %u says %d",
			    code, ok);
			if (!ok)
				continue;
			FZ_CHECK(memchr(buf, '\0', size) != NULL, "attribute "
			    "%u printed without a terminator in %zu bytes",
			    code, size);
			FZ_CHECK(buf[size] == 'Z', "attribute %u printed past "
			    "%zu bytes", code, size);
		}
		if (has) {
			bgp_attr_print(a, code, buf, 1024);
			fz_check_printable(bgp_attr_name(code), buf);
		}
	}
}

/* Lists and values of a decoded attribute set, within the message. */
static void check_attrs(const struct bgp_attrs *a, const uint8_t *msg,
    size_t len)
{
	if (attr_has(a, BGP_ATTR_ORIGIN))
		FZ_CHECK(a->origin <= BGP_ORIGIN_INCOMPLETE, "origin %u",
		    a->origin);
	if (attr_has(a, BGP_ATTR_AS_PATH))
		FZ_CHECK(inside(msg, len, a->aspath, a->aspath_len),
		    "AS_PATH outside");
	if (attr_has(a, BGP_ATTR_AS4_PATH))
		FZ_CHECK(inside(msg, len, a->as4path, a->as4path_len),
		    "AS4_PATH outside");
	if (attr_has(a, BGP_ATTR_COMMUNITIES))
		FZ_CHECK(a->ncomm > 0 && inside(msg, len, a->comm,
		    4u * a->ncomm), "COMMUNITIES");
	if (attr_has(a, BGP_ATTR_EXT_COMMUNITIES))
		FZ_CHECK(a->necomm > 0 && inside(msg, len, a->ecomm,
		    8u * a->necomm), "EXTENDED_COMMUNITIES");
	if (attr_has(a, BGP_ATTR_LARGE_COMMUNITY))
		FZ_CHECK(a->nlcomm > 0 && inside(msg, len, a->lcomm,
		    12u * a->nlcomm), "LARGE_COMMUNITY");
	if (attr_has(a, BGP_ATTR_CLUSTER_LIST))
		FZ_CHECK(a->ncluster > 0 && inside(msg, len, a->cluster,
		    4u * a->ncluster), "CLUSTER_LIST");
	if (attr_has(a, BGP_ATTR_MP_REACH)) {
		const struct bgp_mp_reach *m = &a->reach;
		FZ_CHECK(m->nhlen <= sizeof(m->nh) && inside(msg, len, m->nlri,
		    m->nlri_len), "MP_REACH");
		bool known = m->safi == SAFI_UNICAST &&
		    (m->afi == AFI_IPV4 || m->afi == AFI_IPV6);
		if (known)
			FZ_CHECK(m->nhlen == 16 || m->nhlen == 32 ||
			    (m->afi == AFI_IPV4 && m->nhlen == 4),
			    "MP_REACH next hop of %u bytes", m->nhlen);
		walk_nlri("MP_REACH", m->nlri, m->nlri_len, m->afi, known);
	}
	if (attr_has(a, BGP_ATTR_MP_UNREACH)) {
		const struct bgp_mp_unreach *m = &a->unreach;
		FZ_CHECK(inside(msg, len, m->nlri, m->nlri_len), "MP_UNREACH");
		bool known = m->safi == SAFI_UNICAST &&
		    (m->afi == AFI_IPV4 || m->afi == AFI_IPV6);
		walk_nlri("MP_UNREACH", m->nlri, m->nlri_len, m->afi, known);
	}
	FZ_CHECK(a->nraw <= BGP_MAX_RAWATTRS, "%zu raw attributes", a->nraw);
	for (size_t i = 0; i < a->nraw; i++) {
		FZ_CHECK(inside(msg, len, a->raw[i].data, a->raw[i].len),
		    "raw attribute %u outside", a->raw[i].code);
		FZ_CHECK(attr_has(a, a->raw[i].code) &&
		    (a->raw[i].flags & BGP_ATTRF_OPTIONAL), "raw attribute %u",
		    a->raw[i].code);
	}
	if (attr_has(a, BGP_ATTR_AS_PATH)) {
		struct aspath_iter it;
		uint32_t asn;
		uint8_t type;
		unsigned seq = 0;
		aspath_iter_init(&it, a->aspath, a->aspath_len, a->aspath_as4);
		while (aspath_next(&it, &asn, &type))
			seq += asn == 0;
		FZ_CHECK(seq == 0, "AS 0 in an accepted AS_PATH");
		aspath_count(a->aspath, a->aspath_len, a->aspath_as4);
	}
}

/* Any attribute the encoder writes: all but MP_REACH and MP_UNREACH. */
static bool attrs_any(const struct bgp_attrs *a)
{
	for (unsigned code = 1; code < 256; code++)
		if (attr_has(a, code) && code != BGP_ATTR_MP_REACH &&
		    code != BGP_ATTR_MP_UNREACH)
			return true;
	return false;
}

/* The same attributes, values compared (the lists by content). */
static bool same_list(const uint8_t *x, const uint8_t *y, size_t n)
{
	return n == 0 || memcmp(x, y, n) == 0;
}

static void same_attrs(const char *what, const struct bgp_attrs *a,
    const struct bgp_attrs *b)
{
	for (unsigned code = 1; code < 256; code++) {
		if (code == BGP_ATTR_MP_REACH || code == BGP_ATTR_MP_UNREACH)
			continue;
		FZ_CHECK(attr_has(a, code) == attr_has(b, code), "%s: "
		    "attribute %u (%s) %s", what, code, bgp_attr_name(code),
		    attr_has(a, code) ? "lost" : "appeared");
	}
#define SAME(code, cond) FZ_CHECK(!attr_has(a, code) || (cond), \
	"%s: %s differs", what, bgp_attr_name(code))
	SAME(BGP_ATTR_ORIGIN, a->origin == b->origin);
	SAME(BGP_ATTR_NEXT_HOP, a->nexthop == b->nexthop);
	SAME(BGP_ATTR_MED, a->med == b->med);
	SAME(BGP_ATTR_LOCAL_PREF, a->local_pref == b->local_pref);
	SAME(BGP_ATTR_AGGREGATOR, a->aggr_as == b->aggr_as &&
	    a->aggr_id == b->aggr_id);
	SAME(BGP_ATTR_COMMUNITIES, a->ncomm == b->ncomm &&
	    same_list(a->comm, b->comm, 4u * a->ncomm));
	SAME(BGP_ATTR_EXT_COMMUNITIES, a->necomm == b->necomm &&
	    same_list(a->ecomm, b->ecomm, 8u * a->necomm));
	SAME(BGP_ATTR_LARGE_COMMUNITY, a->nlcomm == b->nlcomm &&
	    same_list(a->lcomm, b->lcomm, 12u * a->nlcomm));
	SAME(BGP_ATTR_CLUSTER_LIST, a->ncluster == b->ncluster &&
	    same_list(a->cluster, b->cluster, 4u * a->ncluster));
	SAME(BGP_ATTR_ORIGINATOR_ID, a->originator_id == b->originator_id);
	SAME(BGP_ATTR_AS4_AGGREGATOR, a->as4_aggr_as == b->as4_aggr_as &&
	    a->as4_aggr_id == b->as4_aggr_id);
	SAME(BGP_ATTR_OTC, a->otc == b->otc);
	SAME(BGP_ATTR_AS_PATH, aspath_count(a->aspath, a->aspath_len,
	    a->aspath_as4) == aspath_count(b->aspath, b->aspath_len,
	    b->aspath_as4));
#undef SAME
}

void fz_update(const uint8_t *msg, size_t len, const struct bgp_upd_ctx *ctx)
{
	static uint8_t kept[BGP_EXT_MAX_LEN], enc[BGP_EXT_MAX_LEN + 1024];
	struct bgp_update u;
	struct bgp_err e = { 0 };
	struct bgp_attrs a2;
	uint16_t afi;
	uint8_t safi;

	if (!bgp_update_decode(msg, len, ctx, &u, &e)) {
		check_err("UPDATE", &e, msg, len);
		FZ_CHECK(e.code == BGP_ERR_UPDATE, "UPDATE reset with %u/%u",
		    e.code, e.subcode);
		return;
	}
	FZ_CHECK(e.code == 0, "UPDATE accepted with an error set");
	if (u.why.code != 0)
		check_err("UPDATE why", &u.why, msg, len);
	FZ_CHECK((size_t)BGP_HDR_LEN + 4 + u.withdrawn_len + u.attrs_len +
	    u.nlri_len == len, "UPDATE fields do not add up to its length");
	FZ_CHECK(inside(msg, len, u.withdrawn, u.withdrawn_len) &&
	    inside(msg, len, u.attrs_raw, u.attrs_len) &&
	    inside(msg, len, u.nlri, u.nlri_len), "UPDATE fields outside");
	FZ_CHECK(u.ndiscarded <= BGP_MAX_DISCARDED, "discarded");
	walk_nlri("withdrawn", u.withdrawn, u.withdrawn_len, AFI_IPV4, true);
	walk_nlri("NLRI", u.nlri, u.nlri_len, AFI_IPV4, true);
	check_attrs(&u.a, msg, len);
	print_all(&u.a);
	if (bgp_update_is_eor(&u, &afi, &safi))
		FZ_CHECK(bgp_update_is_empty(&u), "End-of-RIB that is not "
		    "empty");
	if (ctx->ebgp)
		FZ_CHECK(!attr_has(&u.a, BGP_ATTR_LOCAL_PREF) &&
		    !attr_has(&u.a, BGP_ATTR_ORIGINATOR_ID) &&
		    !attr_has(&u.a, BGP_ATTR_CLUSTER_LIST), "iBGP-only "
		    "attribute kept from an eBGP peer");

	/* What the Adj-RIB-In keeps parses again to the same attributes
	 * (bgpctl show rib in reads it so). */
	size_t n = bgp_attrs_kept(&u, kept, sizeof(kept));
	FZ_CHECK(n > 0 || u.attrs_len == 0 || !attrs_any(&u.a), "kept "
	    "attributes do not fit");
	FZ_CHECK(bgp_attrs_parse(kept, n, ctx, &a2), "kept attributes do "
	    "not parse");
	same_attrs("kept", &u.a, &a2);

	/* The encoder writes them back, to either kind of peer. */
	for (int as4 = 0; as4 <= 1; as4++) {
		struct bgp_upd_ctx c2 = *ctx;
		c2.as4 = as4;
		n = bgp_attrs_encode(enc, sizeof(enc), &u.a, as4);
		FZ_CHECK(n > 0 || !attrs_any(&u.a), "encoding overflowed");
		FZ_CHECK(bgp_attrs_parse(enc, n, &c2, &a2), "encoded "
		    "attributes (as4 %d) do not parse", as4);
		if (as4 == ctx->as4) {
			same_attrs("encoded", &u.a, &a2);
		} else {
			FZ_CHECK(attr_has(&u.a, BGP_ATTR_AS_PATH) ==
			    attr_has(&a2, BGP_ATTR_AS_PATH), "AS_PATH lost "
			    "converting AS widths");
		}
	}
}

/* ---- NOTIFICATION --------------------------------------------------------- */

/* Undo bgp_escape: \xNN back to the byte; returns the length. */
static size_t unescape(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; s[i] != '\0' && n < cap;) {
		unsigned v;
		if (s[i] == '\\') {
			FZ_CHECK(sscanf(s + i, "\\x%2x", &v) == 1 &&
			    s[i + 2] != '\0' && s[i + 3] != '\0', "lone "
			    "backslash in \"%s\"", s);
			out[n++] = (uint8_t)v;
			i += 4;
		} else {
			out[n++] = (uint8_t)s[i++];
		}
	}
	return n;
}

static void check_text(const struct bgp_notification *outer)
{
	static const size_t sizes[] = { 0, 1, 2, 4, 5, 6, 17, 300, 1100 };
	char out[1100 + 8];
	uint8_t raw[1100];
	struct bgp_notification inner;
	/* RFC 8538 §3.1: a Hard Reset's text is the one it carries. */
	const struct bgp_notification *n = bgp_hard_reset_inner(outer,
	    &inner) ? &inner : outer;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t size = sizes[i];
		memset(out, 'Z', sizeof(out));
		bool ok = bgp_shutdown_text(outer, out, size);
		FZ_CHECK(out[size] == 'Z', "shutdown text written past %zu "
		    "bytes", size);
		if (size == 0)
			continue;
		FZ_CHECK(memchr(out, '\0', size) != NULL, "shutdown text not "
		    "terminated in %zu bytes", size);
		if (!ok) {
			FZ_CHECK(out[0] == '\0', "no text, but \"%s\"", out);
			continue;
		}
		fz_check_printable("shutdown text", out);
		/* The text is the communication, escaped; cut to fit. */
		size_t tlen = n->data[0];
		FZ_CHECK(tlen > 0 && tlen < n->len, "text of %zu bytes in %u",
		    tlen, n->len);
		size_t m = unescape(out, raw, sizeof(raw));
		FZ_CHECK(m <= tlen && memcmp(raw, n->data + 1, m) == 0,
		    "shutdown text \"%s\" is not the communication", out);
		if (size > 4 * tlen)
			FZ_CHECK(m == tlen, "shutdown text cut in %zu bytes",
			    size);
	}
}

/*
 * RFC 8538 §3.1: what a Hard Reset carries lies inside it, prints, and
 * wrapping it again gives the same data back.
 */
static void check_hard_reset(const uint8_t *msg, size_t len,
    const struct bgp_notification *n)
{
	static uint8_t buf[BGP_EXT_MAX_LEN];
	struct bgp_notification in;
	struct bgp_err err = { 0 }, hr;
	char e[200];

	memset(e, 'Z', sizeof(e));
	bgp_notification_fmt(n, e, 17);
	FZ_CHECK(memchr(e, '\0', 17) != NULL && e[17] == 'Z', "NOTIFICATION "
	    "name not kept in 17 bytes");
	bgp_notification_fmt(n, e, sizeof(e));
	fz_check_printable("NOTIFICATION name", e);
	if (!bgp_hard_reset_inner(n, &in)) {
		FZ_CHECK(n->code != BGP_ERR_CEASE || n->subcode !=
		    BGP_CEASE_HARD_RESET || n->len < 2, "Hard Reset refused");
		return;
	}
	FZ_CHECK(n->len >= 2 && in.len == n->len - 2 && in.data == n->data +
	    2 && inside(msg, len, in.data, in.len), "Hard Reset data");
	bgp_err_set(&err, in.code, in.subcode, in.data, in.len);
	bgp_hard_reset_wrap(&err, &hr, buf, sizeof(buf));
	FZ_CHECK(hr.code == BGP_ERR_CEASE && hr.subcode ==
	    BGP_CEASE_HARD_RESET && hr.len == n->len &&
	    same_list(bgp_err_data(&hr), n->data, n->len), "Hard Reset "
	    "round trip");
}

void fz_notification(const uint8_t *msg, size_t len)
{
	static uint8_t buf[BGP_EXT_MAX_LEN];
	struct bgp_notification n, n2;
	char e[128];

	if (!bgp_notification_decode(msg, len, &n)) {
		FZ_CHECK(len < BGP_NOTIFY_MIN_LEN, "NOTIFICATION of %zu bytes "
		    "refused", len);
		return;
	}
	FZ_CHECK(len >= BGP_NOTIFY_MIN_LEN && n.len == len -
	    BGP_NOTIFY_MIN_LEN && inside(msg, len, n.data, n.len),
	    "NOTIFICATION data");
	bgp_err_fmt(n.code, n.subcode, e, sizeof(e));
	fz_check_printable("error name", e);
	check_text(&n);
	check_hard_reset(msg, len, &n);

	/* Encode the same again: cut to the size limit, never beyond. */
	for (size_t max = BGP_MAX_LEN; max <= BGP_EXT_MAX_LEN;
	    max += BGP_EXT_MAX_LEN - BGP_MAX_LEN) {
		size_t m = bgp_notification_encode(buf, sizeof(buf), max,
		    n.code, n.subcode, n.data, n.len);
		FZ_CHECK(m >= BGP_NOTIFY_MIN_LEN && m <= max, "encoded "
		    "NOTIFICATION of %zu bytes", m);
		FZ_CHECK(bgp_notification_decode(buf, m, &n2) &&
		    n2.code == n.code && n2.subcode == n.subcode &&
		    n2.len <= n.len && same_list(n2.data, n.data, n2.len),
		    "NOTIFICATION round trip");
		FZ_CHECK(n2.len == n.len || m == max, "NOTIFICATION data cut "
		    "short of the limit");
	}
}

/* ---- ROUTE-REFRESH, KEEPALIVE -------------------------------------------- */

void fz_refresh(const uint8_t *msg, size_t len)
{
	uint8_t buf[BGP_REFRESH_LEN];
	struct bgp_refresh r;
	struct bgp_err e = { 0 };

	if (!bgp_refresh_decode(msg, len, &r, &e)) {
		check_err("ROUTE-REFRESH", &e, msg, len);
		FZ_CHECK(len != BGP_REFRESH_LEN && e.code == BGP_ERR_REFRESH &&
		    e.data == msg && e.len == len, "ROUTE-REFRESH error");
		return;
	}
	FZ_CHECK(len == BGP_REFRESH_LEN, "ROUTE-REFRESH of %zu bytes", len);
	size_t n = bgp_refresh_encode(buf, sizeof(buf), &r);
	FZ_CHECK(n == len && memcmp(buf, msg, len) == 0, "ROUTE-REFRESH "
	    "round trip");
}

void fz_message(const uint8_t *msg, size_t len, uint8_t type,
    const struct bgp_upd_ctx *ctx)
{
	switch (type) {
	case BGP_MSG_OPEN:
		fz_open(msg, len);
		break;
	case BGP_MSG_UPDATE:
		fz_update(msg, len, ctx);
		break;
	case BGP_MSG_NOTIFICATION:
		fz_notification(msg, len);
		break;
	case BGP_MSG_KEEPALIVE:
		FZ_CHECK(len == BGP_KEEPALIVE_LEN, "KEEPALIVE of %zu", len);
		break;
	case BGP_MSG_ROUTE_REFRESH:
		fz_refresh(msg, len);
		break;
	default:
		FZ_CHECK(false, "framed message of type %u", type);
	}
}

/* ---- names ---------------------------------------------------------------- */

void fz_names(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len && i < 64; i += 2) {
		unsigned a = p[i], b = p[i + 1];
		char buf[128];
		const char *names[] = { bgp_msg_type_name(a),
		    bgp_err_code_name(a), bgp_err_subcode_name(a, b),
		    bgp_cap_name(a), bgp_attr_name(a), bgp_origin_name(a),
		    bgp_afi_name(a << 8 | b), bgp_safi_name(a),
		    bgp_err_fmt((uint8_t)a, (uint8_t)b, buf, sizeof(buf)) };
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			FZ_CHECK(names[k] != NULL, "name %zu of %u/%u", k, a,
			    b);
			fz_check_printable("name", names[k]);
		}
	}
	for (size_t i = 0; i + 4 <= len && i < 64; i += 4) {
		uint32_t c = bgp_get_u32(p + i), back;
		const char *cn = bgp_community_name(c);
		if (cn != NULL)
			FZ_CHECK(bgp_community_by_name(cn, &back) && back == c,
			    "community %s", cn);
	}
}
