/*
 * attrset.c - the attribute sets of an Adj-RIB-Out: the distinct sets of
 * path attributes one peer is sent, each the merge of some of its
 * advertisements with what the VIPs behind a route add (their own
 * communities, and the marks of health and drain: a worse MED, more
 * prepends, GRACEFUL_SHUTDOWN).  Each set is encoded once and looked up
 * by its key, so a million routes share a handful of encodings.
 */
#include "rib/rib_int.h"

#include <stdlib.h>
#include <string.h>

#include "fsm/attr.h"
#include "fsm/msg.h"
#include "util/buf.h"

/* RFC 8326 §5: the well-known GRACEFUL_SHUTDOWN community. */
#define COMM_GSHUT 0xFFFF0000u

void set_free(struct attrset *set)
{
	free(set->extra);
	free(set->comm);
	free(set->large);
	free(set->enc[0]);
	free(set->enc[1]);
}

void free_sets(struct rib_peer *p)
{
	for (size_t i = 0; i < p->nsets; i++)
		set_free(&p->sets[i]);
	free(p->sets);
	free(p->set_index);
	p->sets = NULL;
	p->set_index = NULL;
	p->nsets = p->capsets = p->set_index_cap = 0;
}

/* A deep copy of an attribute set of another peer, for adoption. */
bool set_copy(struct attrset *dst, const struct attrset *src)
{
	*dst = (struct attrset){
		.too_big = src->too_big,
		.ncomm = src->ncomm,
		.nlarge = src->nlarge,
		.has_local_pref = src->has_local_pref,
		.local_pref = src->local_pref,
		.has_med = src->has_med,
		.med = src->med,
		.prepend = src->prepend,
		.enc_len = { src->enc_len[0], src->enc_len[1] },
	};
	dst->comm = malloc((src->ncomm ? src->ncomm : 1) * sizeof(*dst->comm));
	dst->large = malloc((src->nlarge ? src->nlarge : 1) *
	    sizeof(*dst->large));
	for (int f = 0; f < 2; f++)
		dst->enc[f] = malloc(src->enc_len[f] ? src->enc_len[f] : 1);
	if (!dst->comm || !dst->large || !dst->enc[0] || !dst->enc[1]) {
		set_free(dst);
		return false;
	}
	if (src->ncomm)
		memcpy(dst->comm, src->comm, src->ncomm * sizeof(*dst->comm));
	if (src->nlarge)
		memcpy(dst->large, src->large, src->nlarge *
		    sizeof(*dst->large));
	for (int f = 0; f < 2; f++)
		if (src->enc_len[f])
			memcpy(dst->enc[f], src->enc[f], src->enc_len[f]);
	return true;
}

/* ---- attribute sets ---------------------------------------------------- */

static int cmp_large(const void *a, const void *b)
{
	const struct large_community *x = a, *y = b;
	if (x->global != y->global)
		return x->global < y->global ? -1 : 1;
	if (x->local1 != y->local1)
		return x->local1 < y->local1 ? -1 : 1;
	return (x->local2 > y->local2) - (x->local2 < y->local2);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * The values of a route merged from several advertisements: what the
 * most preferring of them asks for (the highest local-pref, the lowest
 * med of those that set one, the fewest prepends), then what the VIPs'
 * health or drain asks for (health.c).  Counts the communities to merge.
 * Returns the LOCAL_PREF.
 */
static uint32_t merge_values(const struct rib *r, const struct rib_peer *p,
    struct attrset *set, size_t *ncomm, size_t *nlarge)
{
	const struct route_marks *m = &set->marks;
	uint32_t lpref = 0;
	bool first = true;

	set->has_med = false;
	set->prepend = 0;
	*ncomm = set->nextra;
	*nlarge = 0;
	for (size_t j = 0; j < p->nadvs; j++) {
		if (!(set->mask >> j & 1))
			continue;
		const struct conf_adv *a = &r->conf->advs[p->advs[j]];
		*ncomm += a->ncommunities;
		*nlarge += a->nlarge;
		if (a->local_pref > lpref)
			lpref = a->local_pref;
		if (a->med_set && (!set->has_med || a->med < set->med)) {
			set->has_med = true;
			set->med = a->med;
		}
		if (first || a->prepend < set->prepend)
			set->prepend = a->prepend;
		first = false;
	}
	if (m->flags & MARK_MED) {
		set->has_med = true;
		set->med = m->med;
	}
	set->prepend = (uint8_t)(set->prepend + m->prepend);
	if (!p->s.ebgp)
		set->prepend = 0;	/* iBGP: the AS_PATH stays empty */
	/* RFC 8326 §4.1: GRACEFUL_SHUTDOWN, and on iBGP LOCAL_PREF 0. */
	if (m->flags & MARK_GSHUT) {
		(*ncomm)++;
		lpref = 0;
	}
	return lpref;
}

/* The union of the communities of the advertisements and the VIPs,
 * sorted and without repeats, so equal sets encode equally. */
static bool merge_lists(const struct rib *r, const struct rib_peer *p,
    struct attrset *set, size_t ncomm, size_t nlarge)
{
	set->comm = malloc((ncomm ? ncomm : 1) * sizeof(*set->comm));
	set->large = malloc((nlarge ? nlarge : 1) * sizeof(*set->large));
	if (set->comm == NULL || set->large == NULL)
		return false;
	if (set->nextra > 0)
		memcpy(set->comm, set->extra, set->nextra * sizeof(*set->comm));
	ncomm = set->nextra;
	nlarge = 0;
	for (size_t j = 0; j < p->nadvs; j++) {
		if (!(set->mask >> j & 1))
			continue;
		const struct conf_adv *a = &r->conf->advs[p->advs[j]];
		if (a->ncommunities > 0)
			memcpy(set->comm + ncomm, a->communities,
			    a->ncommunities * sizeof(*set->comm));
		ncomm += a->ncommunities;
		if (a->nlarge > 0)
			memcpy(set->large + nlarge, a->large,
			    a->nlarge * sizeof(*set->large));
		nlarge += a->nlarge;
	}
	if (set->marks.flags & MARK_GSHUT)
		set->comm[ncomm++] = COMM_GSHUT;
	set->ncomm = u32_sort_unique(set->comm, ncomm);
	qsort(set->large, nlarge, sizeof(*set->large), cmp_large);
	set->nlarge = 0;
	for (size_t i = 0; i < nlarge; i++)
		if (set->nlarge == 0 || cmp_large(&set->large[i],
		    &set->large[set->nlarge - 1]) != 0)
			set->large[set->nlarge++] = set->large[i];
	return true;
}

/* The attribute block of each family, from the merged values. */
static bool encode_set(const struct rib_peer *p, struct attrset *set,
    uint8_t *comm_wire, uint8_t *large_wire, uint8_t *buf)
{
	for (size_t i = 0; i < set->ncomm; i++)
		put_be32(comm_wire + 4 * i, set->comm[i]);
	for (size_t i = 0; i < set->nlarge; i++) {
		put_be32(large_wire + 12 * i, set->large[i].global);
		put_be32(large_wire + 12 * i + 4, set->large[i].local1);
		put_be32(large_wire + 12 * i + 8, set->large[i].local2);
	}
	/*
	 * eBGP: AS_PATH [local-as], and as-path-prepend more of it; iBGP:
	 * empty AS_PATH and LOCAL_PREF.
	 */
	uint8_t path[2 + 4 * (1 + 2 * CONF_MAX_PREPEND)] = { BGP_AS_SEQUENCE,
	    (uint8_t)(1 + set->prepend) };
	for (unsigned i = 0; i <= set->prepend; i++)
		put_be32(path + 2 + 4 * i, p->s.local_as);
	struct bgp_attrs at = {
		.origin = BGP_ORIGIN_IGP,
		.aspath = path,
		.aspath_len = p->s.ebgp ? (uint16_t)(2 + 4 * (1 + set->prepend)) :
		    0,
		.aspath_as4 = true,
		.local_pref = set->local_pref,
		.med = set->med,
		.comm = comm_wire,
		.ncomm = (uint16_t)set->ncomm,
		.lcomm = large_wire,
		.nlcomm = (uint16_t)set->nlarge,
	};
	attr_set(&at, BGP_ATTR_ORIGIN);
	attr_set(&at, BGP_ATTR_AS_PATH);
	if (set->has_local_pref)
		attr_set(&at, BGP_ATTR_LOCAL_PREF);
	if (set->has_med)
		attr_set(&at, BGP_ATTR_MED);
	if (set->ncomm > 0)
		attr_set(&at, BGP_ATTR_COMMUNITIES);
	if (set->nlarge > 0)
		attr_set(&at, BGP_ATTR_LARGE_COMMUNITY);

	for (int f = 0; f < 2; f++) {
		/* IPv4 routes carry NEXT_HOP; IPv6 ones MP_REACH (RFC 4760),
		 * and so do IPv4 ones with an IPv6 next hop (RFC 8950). */
		if (f == 0 && !p->s.v4_mp_nh6 &&
		    p->s.nexthop4.afi == AFI_IPV4) {
			at.nexthop = prefix_v4(&p->s.nexthop4);
			attr_set(&at, BGP_ATTR_NEXT_HOP);
		} else {
			attr_clear(&at, BGP_ATTR_NEXT_HOP);
		}
		size_t len = bgp_attrs_encode(buf, BGP_EXT_MAX_LEN, &at,
		    p->s.as4);
		set->enc[f] = malloc(len ? len : 1);
		if (set->enc[f] == NULL)
			return false;
		memcpy(set->enc[f], buf, len);
		set->enc_len[f] = (uint16_t)len;
		/* Header, two lengths, MP_REACH with a 16-byte next hop and
		 * one /128 must fit next to the attributes. */
		if (len == 0 || len + BGP_UPDATE_MIN_LEN + 4 + 5 + 16 + 17 >
		    p->s.max_msg)
			set->too_big = true;
	}
	return true;
}

/* The attributes of a route: merged, then encoded once per family. */
static bool build_set(struct rib *r, struct rib_peer *p, struct attrset *set)
{
	size_t ncomm, nlarge;
	uint32_t lpref = merge_values(r, p, set, &ncomm, &nlarge);

	set->has_local_pref = !p->s.ebgp;
	set->local_pref = lpref;
	if (!merge_lists(r, p, set, ncomm, nlarge))
		return false;
	uint8_t *comm_wire = malloc((set->ncomm ? set->ncomm : 1) * 4);
	uint8_t *large_wire = malloc((set->nlarge ? set->nlarge : 1) * 12);
	uint8_t *buf = malloc(BGP_EXT_MAX_LEN);
	bool ok = comm_wire && large_wire && buf &&
	    encode_set(p, set, comm_wire, large_wire, buf);
	free(comm_wire);
	free(large_wire);
	free(buf);
	return ok;
}

static uint64_t set_hash(uint64_t mask, const uint32_t *extra, size_t n,
    const struct route_marks *m)
{
	uint64_t h = mask * 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ extra[i]) * 0xff51afd7ed558ccdull;
	h = (h ^ ((uint64_t)m->med << 16 | (uint64_t)m->prepend << 8 |
	    m->flags)) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 31);
}

static bool set_index_put(struct rib_peer *p, uint32_t id)
{
	if ((p->nsets + 1) * 2 > p->set_index_cap &&
	    !id_index_grow(&p->set_index, &p->set_index_cap, 16, p->sets,
	    sizeof(*p->sets), offsetof(struct attrset, hash)))
		return false;
	id_index_put(p->set_index, p->set_index_cap, p->sets[id - 1].hash, id);
	return true;
}

static bool marks_eq(const struct route_marks *a, const struct route_marks *b)
{
	return a->med == b->med && a->prepend == b->prepend &&
	    a->flags == b->flags;
}

/* Id (index + 1) of the set for this key; 0 when it cannot be sent. */
static uint32_t set_for(struct rib *r, struct rib_peer *p, uint64_t mask,
    const uint32_t *extra, size_t nextra, const struct route_marks *m)
{
	uint64_t h = set_hash(mask, extra, nextra, m);

	for (size_t k = p->set_index_cap ? h & (p->set_index_cap - 1) : 0;
	    p->set_index_cap && p->set_index[k] != 0;
	    k = (k + 1) & (p->set_index_cap - 1)) {
		const struct attrset *s = &p->sets[p->set_index[k] - 1];
		if (s->hash == h && s->mask == mask && s->nextra == nextra &&
		    marks_eq(&s->marks, m) && (nextra == 0 ||
		    memcmp(s->extra, extra, nextra * sizeof(*extra)) == 0))
			return s->too_big ? 0 : p->set_index[k];
	}
	if (p->nsets == p->capsets) {
		struct attrset *ns = array_grow(p->sets, &p->capsets,
		    p->nsets + 1, sizeof(*ns));
		if (ns == NULL)
			return 0;
		p->sets = ns;
	}
	struct attrset *set = &p->sets[p->nsets];
	*set = (struct attrset){ .mask = mask, .hash = h,
	    .nextra = (uint32_t)nextra, .marks = *m };
	if (nextra > 0) {
		set->extra = malloc(nextra * sizeof(*extra));
		if (set->extra == NULL)
			return 0;
		memcpy(set->extra, extra, nextra * sizeof(*extra));
	}
	if (!build_set(r, p, set) || !set_index_put(p, (uint32_t)(p->nsets +
	    1))) {
		set_free(set);
		return 0;
	}
	p->nsets++;
	return set->too_big ? 0 : (uint32_t)p->nsets;
}

/* What the VIPs behind a route add, gathered over them. */
struct gather {
	uint32_t *comm;		/* their own communities */
	size_t n, cap;
	uint32_t *down;		/* on-down communities of marked VIPs */
	size_t ndown, capdown;
	bool plain;		/* one VIP is up and undrained */
	bool marked;		/* one VIP has marks */
	struct route_marks m;	/* merged marks of the marked VIPs */
};

static bool gather_add(uint32_t **v, size_t *n, size_t *cap,
    const uint32_t *add, size_t nadd)
{
	if (nadd == 0)
		return true;
	if (*n + nadd > *cap) {
		uint32_t *na = array_grow(*v, cap, *n + nadd, sizeof(*na));
		if (na == NULL)
			return false;
		*v = na;
	}
	memcpy(*v + *n, add, nadd * sizeof(**v));
	*n += nadd;
	return true;
}

/*
 * One VIP of the route.  An aggregate is as good as its best VIP: it
 * carries marks only when every VIP in it has some, and then the
 * mildest of them (lowest MED, fewest prepends, GRACEFUL_SHUTDOWN only
 * if all drain).
 */
static bool gather_vip(const struct rib *r, const struct vip *v,
    struct gather *g)
{
	struct route_marks m;
	const uint32_t *dc;
	size_t ndc;

	if (!gather_add(&g->comm, &g->n, &g->cap, v->ecomm, v->necomm))
		return false;
	if (!vip_marks(r, v, &m, &dc, &ndc)) {
		g->plain = true;
		return true;
	}
	if (!g->marked) {
		g->m = m;
	} else {
		uint8_t gshut = g->m.flags & m.flags & MARK_GSHUT;
		if ((g->m.flags & MARK_MED) && (m.flags & MARK_MED)) {
			if (m.med < g->m.med)
				g->m.med = m.med;
			g->m.flags = MARK_MED | gshut;
		} else {
			g->m.flags = gshut;
			g->m.med = 0;
		}
		if (m.prepend < g->m.prepend)
			g->m.prepend = m.prepend;
	}
	g->marked = true;
	return gather_add(&g->down, &g->ndown, &g->capdown, dc, ndc);
}

/* Is VIP v behind the route pfx through one of the advertisements of
 * mask, and does it show? */
static bool vip_behind(const struct rib *r, const struct rib_peer *p,
    const struct vip *v, const struct prefix *pfx, uint64_t mask)
{
	if (v->addr.afi == AFI_NONE || !vip_look(r, v).shown)
		return false;
	for (size_t j = 0; j < p->nadvs; j++) {
		if (!(mask >> j & 1) || !pool_has_adv(r, v->pool, p->advs[j]))
			continue;
		struct prefix rt = rib_route_of(r, v, p->advs[j]);
		if (prefix_equal(&rt, pfx))
			return true;
	}
	return false;
}

/* Gather over every VIP the route stands for; false when out of memory. */
static bool route_gather(struct rib *r, const struct rib_peer *p,
    const struct prefix *pfx, uint64_t mask, struct gather *g)
{
	/* A host route stands for one VIP; an aggregate for many. */
	if (prefix_is_host(pfx)) {
		const struct vip *host = vip_lookup(r, pfx);
		return host == NULL || gather_vip(r, host, g);
	}
	/*
	 * An aggregate: look at its own addresses when there are fewer of
	 * them than VIPs (a /24 has 256), else at every VIP.
	 */
	unsigned host_bits = afi_bits(pfx->afi) - pfx->len;
	struct prefix cur = *pfx;
	size_t span = host_bits < 20 ? (size_t)1 << host_bits : SIZE_MAX;
	bool walk = span < r->nvips;
	size_t last = walk ? span : r->nslots;
	cur.len = (uint8_t)afi_bits(pfx->afi);
	for (size_t i = 0; i < last; i++) {
		const struct vip *v;
		if (walk) {
			v = vip_lookup(r, &cur);
			addr_add(&cur, 1);
			if (v == NULL)
				continue;
		} else {
			v = &r->vips[i];
		}
		if (vip_behind(r, p, v, pfx, mask) && !gather_vip(r, v, g))
			return false;
	}
	return true;
}

uint32_t route_set(struct rib *r, struct rib_peer *p,
    const struct pt_key *route, uint64_t mask, bool own)
{
	static const struct route_marks none;

	if (!own)
		return set_for(r, p, mask, NULL, 0, &none);
	struct prefix pfx = pt_key_prefix(route);
	struct gather g = { 0 };
	uint32_t id = 0;
	if (route_gather(r, p, &pfx, mask, &g)) {
		const struct route_marks *m = &none;
		if (g.marked && !g.plain) {
			m = &g.m;
			gather_add(&g.comm, &g.n, &g.cap, g.down, g.ndown);
		}
		size_t n = u32_sort_unique(g.comm, g.n);
		id = set_for(r, p, mask, g.comm, n, m);
	}
	free(g.comm);
	free(g.down);
	return id;
}
