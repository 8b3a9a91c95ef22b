/*
 * update.c - the generic UPDATE decoder.
 *
 * Framing, duplicates, flags, lengths and missing well-known attributes
 * are handled here once for every attribute, and the RFC 7606 reaction
 * of the worst problem wins; what is particular to one attribute type
 * comes from its row in attr_table[] (attr.c).  Also the NLRI fields.
 * Pure: no logging, no allocation, no session state; it never acts on
 * an error, it returns it.
 */
#include "attr_desc.h"

#include <string.h>

#define OPT	BGP_ATTRF_OPTIONAL
#define TRANS	BGP_ATTRF_TRANSITIVE

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

bool nlri_valid(const uint8_t *p, size_t len, uint16_t afi)
{
	struct rd r = rd_init(p, len);
	struct prefix pfx;

	while (bgp_nlri_next(&r, afi, &pfx))
		;
	return !r.failed;
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
			a->raw[a->nraw++] = (struct bgp_rawattr){
				.flags = flags, .code = code,
				.len = (uint16_t)rd_left(&v),
				.data = rd_ptr(&v),
			};
			attr_set(a, code);
		}
		return;
	}

	if (s->ctx->ebgp && d->ibgp_only)
		return;		/* RFC 4271 §5.1.5, RFC 4456 §8 */

	/* What bgp_attr_malformed_action() says for a known attribute that
	 * is not ignored (those returned above). */
	enum attr_action act = d->action;
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
	if (!d->decode(d, &v, s->ctx, a)) {
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
	uint16_t l = 0;

	*framing = false;
	if (rd_left(attrs) == 0)
		return false;
	rd_u8(attrs, flags);
	rd_u8(attrs, code);
	rd_len(attrs, *flags & BGP_ATTRF_EXTLEN, &l);
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
