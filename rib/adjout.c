/*
 * adjout.c - per-peer Adj-RIB-Out and the UPDATE builder.
 *
 * A change marks routes dirty for the peers that see them; a flush looks
 * at each dirty route once, compares what the peer should have with what
 * it was sent, and packs the differences: withdrawals together, and all
 * prefixes sharing one attribute set in as few UPDATEs as fit in the
 * negotiated message size.  Attribute blocks are encoded once per set.
 */
#include "rib/rib_int.h"

#include <stdlib.h>
#include <string.h>

#include "fsm/attr.h"
#include "fsm/msg.h"
#include "util/buf.h"

/* Dirty routes looked at per round of a flush. */
#define FLUSH_CHUNK 4096
/* Routes queued at least (see dirty_limit()). */
#define DIRTY_QUEUE_MIN 4096

/* Adj-RIB-Out entry flag (v2, beside ADJ_DIRTY): a route refresh asked
 * for the route, so send it even when it did not change. */
#define ADJ_RESEND 0x2

/* ---- set-up ------------------------------------------------------------ */

void adj_peer_init(struct rib *r, size_t peer)
{
	struct rib_peer *p = &r->peers[peer];
	const struct conf *c = r->conf;

	pt_init(&p->adj);
	p->adv_slot = malloc((c->nadvs ? c->nadvs : 1) * sizeof(*p->adv_slot));
	for (size_t a = 0; p->adv_slot && a < c->nadvs; a++) {
		p->adv_slot[a] = -1;
		for (size_t i = 0; i < c->advs[a].npeer_idx; i++) {
			if (c->advs[a].peer_idx[i] != peer ||
			    p->nadvs == RIB_MAX_PEER_ADVS)
				continue;
			p->adv_slot[a] = (int16_t)p->nadvs;
			p->advs[p->nadvs++] = (uint16_t)a;
		}
	}
}

static void queue_free(struct rib_peer *p)
{
	free(p->dirty);
	p->dirty = NULL;
	p->ndirty = p->dirty_head = p->dirty_cap = 0;
}

static void clear_out(struct rib_peer *p)
{
	pt_free(&p->adj);
	queue_free(p);
	p->pending = 0;
	p->scan = p->rescan = false;
	p->announced = 0;
	free_sets(p);
}

void adj_peer_free(struct rib_peer *p)
{
	clear_out(p);
	free(p->adv_slot);
	p->adv_slot = NULL;
}

/* ---- marking ----------------------------------------------------------- */

/* The most routes queued; more, and the flush scans the table instead. */
static size_t dirty_limit(const struct rib_peer *p)
{
	return p->adj.cap / 16 > DIRTY_QUEUE_MIN ? p->adj.cap / 16 :
	    DIRTY_QUEUE_MIN;
}

/* From queue to scan: every queued route is flagged in the table. */
static void scan_start(struct rib_peer *p)
{
	queue_free(p);
	p->scan = true;
	p->rescan = false;
	p->scan_pos = 0;
	p->scan_cap = p->adj.cap;
}

/* Room for one more queued route; false: scan instead. */
static bool queue_room(struct rib_peer *p)
{
	if (p->ndirty < p->dirty_cap)
		return true;
	if (p->dirty_head > 0) {
		memmove(p->dirty, p->dirty + p->dirty_head,
		    (p->ndirty - p->dirty_head) * sizeof(*p->dirty));
		p->ndirty -= p->dirty_head;
		p->dirty_head = 0;
		if (p->ndirty < p->dirty_cap)
			return true;
	}
	if (p->ndirty >= dirty_limit(p))
		return false;
	struct pt_key *nd = array_grow(p->dirty, &p->dirty_cap, p->ndirty + 1,
	    sizeof(*nd));
	if (nd == NULL)
		return false;	/* out of memory: the scan needs none */
	p->dirty = nd;
	return true;
}

void adj_mark(struct rib *r, struct rib_peer *p, const struct prefix *route)
{
	struct pt_key k = pt_key_make(route, 0);
	struct pt_entry *e = pt_insert(&p->adj, &k, NULL);

	if (e == NULL || (e->v2 & ADJ_DIRTY))
		return;		/* out of memory: the route is not sent */
	e->v2 |= ADJ_DIRTY;
	p->pending++;
	if (p->scan)
		p->rescan = true;	/* the scan may be past it */
	else if (queue_room(p))
		p->dirty[p->ndirty++] = k;
	else
		scan_start(p);
}

void adj_route_changed(struct rib *r, size_t adv, const struct prefix *route)
{
	const struct conf_adv *a = &r->conf->advs[adv];

	for (size_t i = 0; i < a->npeer_idx; i++) {
		struct rib_peer *p = &r->peers[a->peer_idx[i]];
		if (p->up)
			adj_mark(r, p, route);
	}
}

static void session_set(struct rib_peer *p, const struct rib_session *s)
{
	p->up = true;
	p->s = *s;
	if (p->s.max_msg < BGP_MAX_LEN || p->s.max_msg > BGP_EXT_MAX_LEN)
		p->s.max_msg = BGP_MAX_LEN;
}

/* Every route the peer should have, aggregates then VIPs, marked. */
void adj_mark_all(struct rib *r, struct rib_peer *p)
{
	for (struct pt_entry *e = pt_next(&r->exp, NULL); e;
	    e = pt_next(&r->exp, e)) {
		if (p->adv_slot[e->k.tag] < 0)
			continue;
		struct prefix route = pt_key_prefix(&e->k);
		adj_mark(r, p, &route);
	}
	for (const struct vip *v = rib_vip_next(r, NULL); v;
	    v = rib_vip_next(r, v)) {
		for (size_t i = 0; i < r->npool_advs[v->pool]; i++) {
			size_t adv = r->pool_advs[v->pool][i];
			if (p->adv_slot[adv] >= 0 &&
			    host_route(r, adv, v->addr.afi)) {
				adj_mark(r, p, &v->addr);
				break;
			}
		}
	}
}

void rib_peer_up(struct rib *r, size_t peer, const struct rib_session *s)
{
	struct rib_peer *p = &r->peers[peer];

	clear_out(p);
	session_set(p, s);
	/* Suspended: nothing to send until rib_set_suspended(r, false). */
	if (!r->suspended)
		adj_mark_all(r, p);
}

void rib_peer_adopt(struct rib *r, size_t peer, const struct rib *from,
    size_t from_peer, const struct rib_session *s)
{
	struct rib_peer *p = &r->peers[peer];
	const struct rib_peer *o = &from->peers[from_peer];
	uint32_t *map = NULL;

	clear_out(p);
	session_set(p, s);
	/*
	 * The sets the peer was sent are copied as they are, outside the
	 * index (mask 0 is never looked up), so the new config's sets never
	 * match them by key: the flush compares the encoded attributes and
	 * sends only what differs.
	 */
	if (o->nsets > 0) {
		map = calloc(o->nsets, sizeof(*map));
		p->sets = calloc(o->nsets, sizeof(*p->sets));
		if (map == NULL || p->sets == NULL) {
			free(map);
			free(p->sets);
			p->sets = NULL;
			adj_mark_all(r, p);	/* out of memory: resend */
			return;
		}
		p->capsets = o->nsets;
	}
	/* The IPv6 next hop is written per message, not in the set; IPv4
	 * routes use it too under RFC 8950. */
	bool nh6_moved = !prefix_equal(&o->s.nexthop6, &p->s.nexthop6);
	bool nh6_v4 = p->s.v4_mp_nh6 && o->s.v4_mp_nh6;
	for (struct pt_entry *e = pt_next(&o->adj, NULL); e;
	    e = pt_next(&o->adj, e)) {
		if (e->v1 == 0)
			continue;
		uint32_t id = map[e->v1 - 1];
		if (id == 0 && set_copy(&p->sets[p->nsets],
		    &o->sets[e->v1 - 1]))
			id = map[e->v1 - 1] = (uint32_t)++p->nsets;
		struct pt_entry *ne = id ? pt_insert(&p->adj, &e->k, NULL) :
		    NULL;
		if (ne == NULL)
			continue;	/* not taken over: sent again */
		ne->v1 = id;
		p->announced++;
		if (nh6_moved && (e->k.afi == AFI_IPV6 || nh6_v4))
			ne->v2 |= ADJ_RESEND;
		struct prefix route = pt_key_prefix(&e->k);
		adj_mark(r, p, &route);
	}
	free(map);
	adj_mark_all(r, p);
}

void rib_peer_resend(struct rib *r, size_t peer, uint16_t afi)
{
	struct rib_peer *p = &r->peers[peer];

	if (!p->up)
		return;
	/*
	 * RFC 2918 §4: the peer keeps its routes and wants ours again.  Keep
	 * what was sent, so a withdrawal still pending goes out, and mark
	 * every route to go out again.  adj_mark() finds existing entries
	 * only, so the table does not change under the walk.
	 */
	for (struct pt_entry *e = pt_next(&p->adj, NULL); e;
	    e = pt_next(&p->adj, e)) {
		if (afi != 0 && e->k.afi != afi)
			continue;
		struct prefix route = pt_key_prefix(&e->k);
		e->v2 |= ADJ_RESEND;
		adj_mark(r, p, &route);
	}
}

void rib_set_suspended(struct rib *r, bool on)
{
	if (r->suspended == on)
		return;
	r->suspended = on;
	for (size_t i = 0; i < r->npeers; i++) {
		struct rib_peer *p = &r->peers[i];
		if (!p->up)
			continue;
		if (on) {
			/* Everything sent (or on its way) goes: wanted() says
			 * no to each.  Existing entries only: the table does
			 * not change under the walk. */
			for (struct pt_entry *e = pt_next(&p->adj, NULL); e;
			    e = pt_next(&p->adj, e)) {
				struct prefix route = pt_key_prefix(&e->k);
				adj_mark(r, p, &route);
			}
		} else {
			adj_mark_all(r, p);
		}
	}
}

bool rib_is_suspended(const struct rib *r)
{
	return r->suspended;
}

void rib_peer_down(struct rib *r, size_t peer)
{
	struct rib_peer *p = &r->peers[peer];

	clear_out(p);
	p->up = false;
}

bool rib_peer_is_up(const struct rib *r, size_t peer)
{
	return r->peers[peer].up;
}

size_t rib_peer_announced(const struct rib *r, size_t peer)
{
	return r->peers[peer].announced;
}

size_t rib_peer_pending(const struct rib *r, size_t peer)
{
	return r->peers[peer].pending;
}

bool rib_peer_has(const struct rib *r, size_t peer, const struct prefix *route)
{
	struct pt_key k = pt_key_make(route, 0);
	const struct pt_entry *e = pt_find(&r->peers[peer].adj, &k);
	return e != NULL && e->v1 != 0;
}

/* The next hop routes of a family get: IPv4 ones the IPv6 next hop when
 * RFC 8950 was negotiated.  AFI_NONE: they cannot be sent. */
static const struct prefix *nexthop_of(const struct rib_peer *p,
    uint16_t afi)
{
	return afi == AFI_IPV4 && !p->s.v4_mp_nh6 ? &p->s.nexthop4 :
	    &p->s.nexthop6;
}

void rib_peer_walk(struct rib *r, size_t peer,
    void (*fn)(const struct rib_out_route *rt, void *arg), void *arg)
{
	struct rib_peer *p = &r->peers[peer];

	for (struct pt_entry *e = pt_next(&p->adj, NULL); e;
	    e = pt_next(&p->adj, e)) {
		if (e->v1 == 0)
			continue;
		const struct attrset *set = &p->sets[e->v1 - 1];
		struct rib_out_route rt = {
			.prefix = pt_key_prefix(&e->k),
			.ebgp = p->s.ebgp,
			.local_as = p->s.local_as,
			.has_local_pref = set->has_local_pref,
			.local_pref = set->local_pref,
			.has_med = set->has_med,
			.med = set->med,
			.prepend = set->prepend,
			.comm = set->comm,
			.ncomm = set->ncomm,
			.large = set->large,
			.nlarge = set->nlarge,
		};
		rt.nexthop = *nexthop_of(p, e->k.afi);
		fn(&rt, arg);
	}
}

/* What the peer should have for a route: an attribute set id, or 0. */
static uint32_t wanted(struct rib *r, struct rib_peer *p,
    const struct pt_key *route)
{
	uint64_t mask = 0;
	bool extras = false;

	if (r->suspended)
		return 0;
	if (!(route->afi == AFI_IPV4 ? p->s.v4 : p->s.v6) ||
	    nexthop_of(p, route->afi)->afi == AFI_NONE)
		return 0;
	const struct vip *host = NULL;
	bool looked = false;
	for (size_t j = 0; j < p->nadvs; j++) {
		size_t adv = p->advs[j];
		if (host_route(r, adv, route->afi)) {
			/* The route exists while its VIP does. */
			if (!looked) {
				struct prefix a = pt_key_prefix(route);
				host = prefix_is_host(&a) ? vip_lookup(r, &a) :
				    NULL;
				looked = true;
			}
			if (host != NULL && pool_has_adv(r, host->pool, adv)) {
				struct vip_look l = vip_look(r, host);
				if (!l.shown)
					continue;
				mask |= 1ull << j;
				extras |= l.own;
			}
			continue;
		}
		struct pt_key k = *route;
		k.tag = (uint16_t)adv;
		const struct pt_entry *e = pt_find(&r->exp, &k);
		if (e != NULL) {
			mask |= 1ull << j;
			extras |= e->v2 > 0;
		}
	}
	if (mask == 0)
		return 0;
	return route_set(r, p, route, mask, extras);
}

/* ---- packing ----------------------------------------------------------- */

struct change {
	uint32_t set;		/* 0: withdraw */
	struct prefix pfx;
};

static int cmp_change(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	if (x->set != y->set)
		return x->set < y->set ? -1 : 1;
	return (x->pfx.afi > y->pfx.afi) - (x->pfx.afi < y->pfx.afi);
}

/*
 * One run of changes with the same set and family, as many messages as
 * needed.  IPv4 goes in the classic fields; anything else in MP_REACH or
 * MP_UNREACH, which RFC 7606 §5.1 wants first among the attributes.  So
 * does IPv4 under RFC 8950, withdrawals included: BIRD and FRR send them
 * in MP_UNREACH then too, and RFC 4760 has every MP speaker accept both.
 */
static size_t emit_run(struct rib *r, struct rib_peer *p,
    const struct change *c, size_t n, rib_emit_fn *emit, void *ctx)
{
	const struct attrset *set = c[0].set ? &p->sets[c[0].set - 1] : NULL;
	uint16_t afi = c[0].pfx.afi;
	int f = afi == AFI_IPV4 ? 0 : 1;	/* set->enc[] index */
	bool v4 = afi == AFI_IPV4 && !p->s.v4_mp_nh6;	/* classic fields */
	size_t max = p->s.max_msg, bytes = 0, i = 0;
	const uint8_t *enc = set ? set->enc[f] : NULL;
	size_t enc_len = set ? set->enc_len[f] : 0;

	while (i < n) {
		struct wr w = wr_init(r->msgbuf, max);
		size_t start = bgp_msg_begin(&w, BGP_MSG_UPDATE);
		size_t wl_at = wr_reserve(&w, 2);	/* zero unless v4 withdraw */
		size_t tal_at = 0, mp_len_at = 0, tail = 0;

		if (v4 && set == NULL) {
			tail = 2;	/* the total attribute length, 0 */
		} else {
			tal_at = wr_reserve(&w, 2);
			if (v4) {
				wr_bytes(&w, enc, enc_len);
			} else {
				wr_u8(&w, BGP_ATTRF_OPTIONAL | BGP_ATTRF_EXTLEN);
				wr_u8(&w, set ? BGP_ATTR_MP_REACH :
				    BGP_ATTR_MP_UNREACH);
				mp_len_at = wr_reserve(&w, 2);
				wr_u16(&w, afi);
				wr_u8(&w, SAFI_UNICAST);
				if (set) {
					wr_u8(&w, 16);	/* RFC 2545: global */
					wr_bytes(&w, p->s.nexthop6.a, 16);
					wr_u8(&w, 0);	/* reserved */
				}
				tail = enc_len;	/* attributes after MP_* */
			}
		}
		size_t nlri_start = w.len, before = i;
		while (i < n && w.len + bgp_nlri_size(&c[i].pfx) + tail <= max)
			bgp_nlri_put(&w, &c[i++].pfx);
		if (i == before)
			break;		/* cannot happen: sets are sized */
		if (v4 && set == NULL) {
			wr_put_u16_at(&w, wl_at, (uint16_t)(w.len - nlri_start));
			wr_u16(&w, 0);
		} else if (!v4) {
			wr_put_u16_at(&w, mp_len_at,
			    (uint16_t)(w.len - mp_len_at - 2));
			wr_bytes(&w, enc, enc_len);
		}
		if (tal_at != 0)
			wr_put_u16_at(&w, tal_at, (uint16_t)(v4 ? enc_len :
			    w.len - tal_at - 2));
		bgp_msg_end(&w, start);
		if (w.overflow)
			break;
		emit(ctx, r->msgbuf, w.len);
		bytes += w.len;
	}
	return bytes;
}

static bool same_attrs(const struct rib_peer *p, uint32_t a, uint32_t b,
    uint16_t afi)
{
	const struct attrset *x = &p->sets[a - 1], *y = &p->sets[b - 1];
	int f = afi == AFI_IPV4 ? 0 : 1;

	return x->enc_len[f] == y->enc_len[f] &&
	    memcmp(x->enc[f], y->enc[f], x->enc_len[f]) == 0;
}

/* Prefetch for the VIP of the route in slot i of the table, if any. */
static void prefetch_slot(const struct rib *r, const struct rib_peer *p,
    size_t i, bool vip)
{
	if (i >= p->adj.cap)
		return;
	const struct pt_entry *e = &p->adj.slots[i];
	if (e->k.afi == 0 || !(e->v2 & ADJ_DIRTY))
		return;
	struct prefix a = pt_key_prefix(&e->k);
	if (vip)
		vidx_prefetch_vip(&r->vip_index, r->vips, &a);
	else
		vidx_prefetch(&r->vip_index, &a);
}

/*
 * The next flagged entry of a scan, left where it is: handling it clears
 * the flag or deletes the entry, which may pull a later one into its
 * slot, so the next call looks at the same slot again.  NULL when a pass
 * found nothing more and nothing was marked behind it.
 */
static struct pt_entry *scan_next(struct rib *r, struct rib_peer *p)
{
	if (p->scan_cap != p->adj.cap) {	/* it grew: slots moved */
		p->scan_pos = 0;
		p->scan_cap = p->adj.cap;
	}
	for (;;) {
		for (; p->scan_pos < p->adj.cap; p->scan_pos++) {
			struct pt_entry *e = &p->adj.slots[p->scan_pos];
			if (e->k.afi == 0 || !(e->v2 & ADJ_DIRTY))
				continue;
			/* wanted() looks the VIP up: start loading it for
			 * entries further on (once per slot). */
			if (p->scan_pos + 1 != p->scan_pf) {
				p->scan_pf = p->scan_pos + 1;
				prefetch_slot(r, p, p->scan_pos + PREFETCH_FAR,
				    false);
				prefetch_slot(r, p, p->scan_pos + PREFETCH_NEAR,
				    true);
			}
			return e;
		}
		if (!p->rescan)
			break;
		p->rescan = false;
		p->scan_pos = 0;
	}
	p->scan = false;
	p->pending = 0;		/* nothing flagged is left */
	return NULL;
}

/* The next route to look at, from the queue or the scan; NULL: none. */
static struct pt_entry *next_dirty(struct rib *r, struct rib_peer *p)
{
	if (p->scan)
		return scan_next(r, p);
	while (p->dirty_head < p->ndirty) {
		size_t h = p->dirty_head;
		if (h + PREFETCH_FAR < p->ndirty) {
			const struct pt_key *far = &p->dirty[h + PREFETCH_FAR];
			struct prefix a = pt_key_prefix(far);
			pt_prefetch(&p->adj, far);
			vidx_prefetch(&r->vip_index, &a);
		}
		if (h + PREFETCH_NEAR < p->ndirty) {
			struct prefix a = pt_key_prefix(
			    &p->dirty[h + PREFETCH_NEAR]);
			vidx_prefetch_vip(&r->vip_index, r->vips, &a);
		}
		struct pt_entry *e = pt_find(&p->adj, &p->dirty[p->dirty_head++]);
		if (e != NULL)
			return e;
	}
	return NULL;
}

bool rib_peer_flush(struct rib *r, size_t peer, size_t budget,
    rib_emit_fn *emit, void *ctx)
{
	struct rib_peer *p = &r->peers[peer];
	size_t bytes = 0;
	bool more = true;

	if (!p->up)
		return true;
	struct change *ch = malloc(FLUSH_CHUNK * sizeof(*ch));
	if (ch == NULL)
		return false;

	while (more && bytes < budget) {
		size_t n = 0;
		struct pt_entry *e = NULL;
		while (n < FLUSH_CHUNK && (e = next_dirty(r, p)) != NULL) {
			const struct pt_key k = e->k;
			bool resend = e->v2 & ADJ_RESEND;
			if (e->v2 & ADJ_DIRTY)
				p->pending--;
			e->v2 &= ~(uint32_t)(ADJ_DIRTY | ADJ_RESEND);
			uint32_t want = wanted(r, p, &k);
			/* Another set, the same attributes: only after a
			 * reload, which keeps what was sent. */
			if (want != e->v1 && want != 0 && e->v1 != 0 &&
			    !resend && same_attrs(p, want, e->v1, k.afi))
				e->v1 = want;
			if (want != e->v1 || (resend && want != 0)) {
				ch[n].set = want;
				ch[n].pfx = pt_key_prefix(&k);
				n++;
				if (e->v1 == 0)
					p->announced++;
				else if (want == 0)
					p->announced--;
				e->v1 = want;
			}
			if (e->v1 == 0)
				pt_delete(&p->adj, e);
		}
		more = e != NULL;
		/* Usually one set (a batch of adds, or of withdrawals): then
		 * the chunk is in order already. */
		size_t k = 1;
		while (k < n && cmp_change(&ch[k - 1], &ch[k]) <= 0)
			k++;
		if (k < n)
			qsort(ch, n, sizeof(*ch), cmp_change);
		for (size_t i = 0; i < n;) {
			size_t j = i + 1;
			while (j < n && ch[j].set == ch[i].set &&
			    ch[j].pfx.afi == ch[i].pfx.afi)
				j++;
			bytes += emit_run(r, p, ch + i, j - i, emit, ctx);
			i = j;
		}
	}
	free(ch);
	if (more)
		return false;
	queue_free(p);
	p->pending = 0;
	return true;
}

size_t rib_eor_encode(uint8_t *buf, size_t cap, uint16_t afi)
{
	struct wr w = wr_init(buf, cap);
	size_t start = bgp_msg_begin(&w, BGP_MSG_UPDATE);

	wr_u16(&w, 0);
	if (afi == AFI_IPV4) {
		wr_u16(&w, 0);
	} else {
		wr_u16(&w, 6);
		wr_u8(&w, BGP_ATTRF_OPTIONAL);
		wr_u8(&w, BGP_ATTR_MP_UNREACH);
		wr_u8(&w, 3);
		wr_u16(&w, afi);
		wr_u8(&w, SAFI_UNICAST);
	}
	bgp_msg_end(&w, start);
	return w.overflow ? 0 : w.len;
}
