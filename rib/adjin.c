/*
 * adjin.c - Adj-RIB-In: what each peer sent, kept for display only.
 *
 * lbbgp never re-advertises or installs received routes, so a route is
 * stored as compactly as possible: its prefix in a per-peer
 * table pointing to an interned blob of its attributes (shared by every
 * prefix that came with the same ones).  Blob: one flags octet (bit 0:
 * AS numbers are 4 octets), next hop length, next hop, attribute block.
 */
#include "rib/rib_int.h"

#include <stdlib.h>
#include <string.h>

#include "fsm/attr.h"
#include "util/buf.h"

#define BLOB_AS4	0x01
#define BLOB_HDR_MAX	(2 + 32)

/* Adj-RIB-In entry flag (v2): kept across a restart or refresh of the
 * peer, gone unless the peer sends it again (RFC 4724, RFC 7313). */
#define IN_STALE	0x1

static uint64_t blob_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* Id of the blob with these bytes, created (with no reference) if new. */
static uint32_t blob_intern(struct rib *r, const uint8_t *p, size_t n)
{
	uint64_t h = blob_hash(p, n);
	size_t mask = r->blob_index_cap - 1;

	for (size_t k = r->blob_index_cap ? h & mask : 0;
	    r->blob_index_cap && r->blob_index[k] != 0; k = (k + 1) & mask) {
		const struct blob *b = &r->blobs[r->blob_index[k] - 1];
		if (b->hash == h && b->len == n && memcmp(b->data, p, n) == 0)
			return r->blob_index[k];
	}
	if ((r->nblobs_live + 1) * 2 > r->blob_index_cap &&
	    !id_index_grow(&r->blob_index, &r->blob_index_cap, 64, r->blobs,
	    sizeof(*r->blobs), offsetof(struct blob, hash)))
		return 0;
	uint32_t id;
	if (r->nfree_blobs > 0) {
		id = r->free_blobs[--r->nfree_blobs];
	} else {
		if (r->nblobs == r->capblobs) {
			struct blob *nb = slots_grow(r->blobs, sizeof(*nb),
			    &r->free_blobs, &r->capblobs, r->nblobs + 1);
			if (nb == NULL)
				return 0;
			r->blobs = nb;
		}
		id = (uint32_t)++r->nblobs;
	}
	struct blob *b = &r->blobs[id - 1];
	b->data = malloc(n ? n : 1);
	if (b->data == NULL) {
		r->free_blobs[r->nfree_blobs++] = id;
		return 0;
	}
	memcpy(b->data, p, n);
	b->len = (uint32_t)n;
	b->refs = 0;
	b->hash = h;
	id_index_put(r->blob_index, r->blob_index_cap, h, id);
	r->nblobs_live++;
	return id;
}

/* Drop a blob nobody uses: out of the index (backward shift), freed. */
static void blob_release(struct rib *r, uint32_t id)
{
	struct blob *b = &r->blobs[id - 1];
	size_t mask = r->blob_index_cap - 1, hole;

	if (b->refs > 0)
		return;
	for (hole = b->hash & mask; r->blob_index[hole] != id;
	    hole = (hole + 1) & mask)
		;
	for (size_t j = (hole + 1) & mask; r->blob_index[j] != 0;
	    j = (j + 1) & mask) {
		size_t home = r->blobs[r->blob_index[j] - 1].hash & mask;
		if (pt_shift_movable(hole, j, home)) {
			r->blob_index[hole] = r->blob_index[j];
			hole = j;
		}
	}
	r->blob_index[hole] = 0;
	free(b->data);
	b->data = NULL;
	r->free_blobs[r->nfree_blobs++] = id;
	r->nblobs_live--;
}

static void in_set(struct rib *r, struct rib_peer *p, const struct prefix *pfx,
    uint32_t id)
{
	struct pt_key k = pt_key_make(pfx, 0);
	struct pt_entry *e = pt_insert(&p->in, &k, NULL);

	if (e == NULL)
		return;
	e->v2 &= ~(uint32_t)IN_STALE;
	if (e->v1 == id)
		return;
	uint32_t old = e->v1;
	e->v1 = id;
	r->blobs[id - 1].refs++;
	if (old != 0) {
		r->blobs[old - 1].refs--;
		blob_release(r, old);
	}
}

static void in_del(struct rib *r, struct rib_peer *p, const struct prefix *pfx)
{
	struct pt_key k = pt_key_make(pfx, 0);
	struct pt_entry *e = pt_find(&p->in, &k);

	if (e == NULL)
		return;
	uint32_t id = e->v1;
	pt_delete(&p->in, e);
	r->blobs[id - 1].refs--;
	blob_release(r, id);
}

static void withdraw_field(struct rib *r, struct rib_peer *p,
    const uint8_t *nlri, size_t len, uint16_t afi)
{
	struct rd rd = rd_init(nlri, len);
	struct prefix pfx;

	while (bgp_nlri_next(&rd, afi, &pfx))
		in_del(r, p, &pfx);
}

static void announce_field(struct rib *r, struct rib_peer *p,
    const uint8_t *nlri, size_t len, uint16_t afi, uint8_t *blob,
    size_t blob_len)
{
	struct rd rd = rd_init(nlri, len);
	struct prefix pfx;
	uint32_t id = blob_intern(r, blob, blob_len);

	if (id == 0)
		return;
	while (bgp_nlri_next(&rd, afi, &pfx))
		in_set(r, p, &pfx, id);
	blob_release(r, id);	/* when no prefix took it */
}

static bool unicast(uint16_t afi, uint8_t safi)
{
	return safi == SAFI_UNICAST && (afi == AFI_IPV4 || afi == AFI_IPV6);
}

void rib_in_update(struct rib *r, size_t peer, const struct bgp_update *u,
    bool as4)
{
	struct rib_peer *p = &r->peers[peer];
	const struct bgp_attrs *a = &u->a;
	uint8_t *blob = r->msgbuf;	/* free while no UPDATE is built */
	bool reach = attr_has(a, BGP_ATTR_MP_REACH) &&
	    unicast(a->reach.afi, a->reach.safi);

	withdraw_field(r, p, u->withdrawn, u->withdrawn_len, AFI_IPV4);
	if (attr_has(a, BGP_ATTR_MP_UNREACH) &&
	    unicast(a->unreach.afi, a->unreach.safi))
		withdraw_field(r, p, a->unreach.nlri, a->unreach.nlri_len,
		    a->unreach.afi);
	/* RFC 7606: the announced prefixes count as withdrawn. */
	if (u->treat_as_withdraw) {
		withdraw_field(r, p, u->nlri, u->nlri_len, AFI_IPV4);
		if (reach)
			withdraw_field(r, p, a->reach.nlri, a->reach.nlri_len,
			    a->reach.afi);
		return;
	}
	size_t kept = bgp_attrs_kept(u, blob + BLOB_HDR_MAX,
	    BGP_EXT_MAX_LEN - BLOB_HDR_MAX);
	if (u->nlri_len > 0) {
		uint8_t *h = blob + BLOB_HDR_MAX - 6;
		h[0] = as4 ? BLOB_AS4 : 0;
		h[1] = 4;
		h[2] = (uint8_t)(a->nexthop >> 24);
		h[3] = (uint8_t)(a->nexthop >> 16);
		h[4] = (uint8_t)(a->nexthop >> 8);
		h[5] = (uint8_t)a->nexthop;
		announce_field(r, p, u->nlri, u->nlri_len, AFI_IPV4, h,
		    kept + 6);
	}
	if (reach) {
		size_t hl = 2 + (size_t)a->reach.nhlen;
		uint8_t *h = blob + BLOB_HDR_MAX - hl;
		h[0] = as4 ? BLOB_AS4 : 0;
		h[1] = a->reach.nhlen;
		memcpy(h + 2, a->reach.nh, a->reach.nhlen);
		announce_field(r, p, a->reach.nlri, a->reach.nlri_len,
		    a->reach.afi, h, kept + hl);
	}
}

void rib_in_clear(struct rib *r, size_t peer)
{
	struct rib_peer *p = &r->peers[peer];

	for (struct pt_entry *e = pt_next(&p->in, NULL); e;
	    e = pt_next(&p->in, e)) {
		r->blobs[e->v1 - 1].refs--;
		blob_release(r, e->v1);
	}
	pt_free(&p->in);
}

void rib_in_mark_stale(struct rib *r, size_t peer, uint16_t afi)
{
	struct rib_peer *p = &r->peers[peer];

	for (struct pt_entry *e = pt_next(&p->in, NULL); e;
	    e = pt_next(&p->in, e))
		if (afi == 0 || e->k.afi == afi)
			e->v2 |= IN_STALE;
}

size_t rib_in_purge_stale(struct rib *r, size_t peer, uint16_t afi)
{
	struct rib_peer *p = &r->peers[peer];
	struct pt_key *gone = NULL;
	size_t n = 0, cap = 0;

	/* Collect first: deleting moves entries under the walk. */
	for (struct pt_entry *e = pt_next(&p->in, NULL); e;
	    e = pt_next(&p->in, e)) {
		if (!(e->v2 & IN_STALE) || (afi != 0 && e->k.afi != afi))
			continue;
		if (n == cap) {
			struct pt_key *ng = array_grow(gone, &cap, n + 1,
			    sizeof(*ng));
			if (ng == NULL)
				break;
			gone = ng;
		}
		gone[n++] = e->k;
	}
	for (size_t i = 0; i < n; i++) {
		struct prefix pfx = pt_key_prefix(&gone[i]);
		in_del(r, p, &pfx);
	}
	free(gone);
	return n;
}

void rib_in_adopt(struct rib *r, size_t peer, const struct rib *from,
    size_t from_peer)
{
	struct rib_peer *p = &r->peers[peer];
	const struct rib_peer *o = &from->peers[from_peer];

	rib_in_clear(r, peer);
	for (struct pt_entry *e = pt_next(&o->in, NULL); e;
	    e = pt_next(&o->in, e)) {
		const struct blob *b = &from->blobs[e->v1 - 1];
		uint32_t id = blob_intern(r, b->data, b->len);
		if (id == 0)
			continue;
		struct prefix pfx = pt_key_prefix(&e->k);
		in_set(r, p, &pfx, id);
		blob_release(r, id);	/* when the insert failed */
		struct pt_entry *ne = pt_find(&p->in, &e->k);
		if (ne != NULL)
			ne->v2 = e->v2;	/* stale stays stale */
	}
}

size_t rib_in_count(const struct rib *r, size_t peer)
{
	return r->peers[peer].in.n;
}

void rib_in_walk(const struct rib *r, size_t peer,
    void (*fn)(const struct rib_in_route *rt, void *arg), void *arg)
{
	const struct rib_peer *p = &r->peers[peer];

	for (struct pt_entry *e = pt_next(&p->in, NULL); e;
	    e = pt_next(&p->in, e)) {
		const struct blob *b = &r->blobs[e->v1 - 1];
		struct rib_in_route rt = { .prefix = pt_key_prefix(&e->k) };
		uint8_t nhlen = b->data[1];
		rt.as4 = b->data[0] & BLOB_AS4;
		rt.nexthop.afi = nhlen == 4 ? AFI_IPV4 : AFI_IPV6;
		rt.nexthop.len = (uint8_t)afi_bits(rt.nexthop.afi);
		memcpy(rt.nexthop.a, b->data + 2, nhlen == 4 ? 4 : 16);
		rt.attrs = b->data + 2 + nhlen;
		rt.attrs_len = b->len - 2 - nhlen;
		fn(&rt, arg);
	}
}

void rib_in_free_blobs(struct rib *r)
{
	for (size_t i = 0; i < r->nblobs; i++)
		free(r->blobs[i].data);
	free(r->blobs);
	free(r->free_blobs);
	free(r->blob_index);
}
