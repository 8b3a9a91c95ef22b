/*
 * rib.c - the VIP table with its owners, and the export counts.
 *
 * Every rule of the control protocol that concerns holding a VIP lives
 * here: pool membership, sharing between owners, per-VIP communities,
 * refcounted aggregates.  Every failed request leaves the RIB exactly as
 * it was; batches are checked whole before anything is applied.
 */
#include "rib/rib_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsm/bgp.h"
#include "util/buf.h"

static const char *const err_codes[] = {
	[RIB_OK] = "ok",
	[RIB_E_NOT_IN_POOL] = "not-in-pool",
	[RIB_E_WRONG_POOL] = "wrong-pool",
	[RIB_E_UNKNOWN_POOL] = "unknown-pool",
	[RIB_E_VIP_IN_USE] = "vip-in-use",
	[RIB_E_NOT_HELD] = "not-held",
	[RIB_E_POOL_EXHAUSTED] = "pool-exhausted",
	[RIB_E_BAD_ADDRESS] = "bad-address",
	[RIB_E_STATIC] = "static-vip",
	[RIB_E_NOMEM] = "out-of-memory",
	[RIB_E_NO_CHECK] = "no-such-check",
};
_Static_assert(NELEM(err_codes) == RIB_E_MAX,
    "one code per error");

const char *rib_err_code(enum rib_err e)
{
	return (unsigned)e < RIB_E_MAX ? err_codes[e] : "unknown";
}

bool rib_fail(struct rib_res *res, enum rib_err e, const char *fmt, ...)
{
	va_list ap;

	res->err = e;
	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
	return false;
}

static bool ok(struct rib_res *res)
{
	res->err = RIB_OK;
	res->msg[0] = '\0';
	return true;
}

/* ---- export counts ---------------------------------------------------- */

struct prefix rib_route_of(const struct rib *r, const struct vip *v,
    size_t adv)
{
	const struct conf_adv *a = &r->conf->advs[adv];
	struct prefix route = v->addr;
	prefix_mask(&route, v->addr.afi == AFI_IPV6 ? a->agg_len_v6 :
	    a->agg_len);
	return route;
}

bool host_route(const struct rib *r, size_t adv, unsigned afi)
{
	const struct conf_adv *a = &r->conf->advs[adv];
	return (afi == AFI_IPV6 ? a->agg_len_v6 : a->agg_len) == afi_bits(afi);
}

bool pool_has_adv(const struct rib *r, size_t pool, size_t adv)
{
	for (size_t i = 0; i < r->npool_advs[pool]; i++)
		if (r->pool_advs[pool][i] == adv)
			return true;
	return false;
}

size_t rib_pool_advs(const struct rib *r, size_t pool, const uint16_t **advs)
{
	*advs = r->pool_advs[pool];
	return r->npool_advs[pool];
}

/*
 * The route VIP v makes under advertisement adv.  A host route is not
 * counted (host_route()): its peers are told of it, and false.  Else its
 * key in the export counts.
 */
static inline bool counted_route(struct rib *r, const struct vip *v,
    size_t adv, struct prefix *route, struct pt_key *k)
{
	*route = rib_route_of(r, v, adv);
	if (host_route(r, adv, v->addr.afi)) {
		adj_route_changed(r, adv, route);
		return false;
	}
	*k = pt_key_make(route, (uint16_t)adv);
	return true;
}

/* Count a VIP out of the routes of its pool's first n advertisements;
 * own: it was counted as adding communities or marks (vip_look()). */
static void unexport_vip(struct rib *r, const struct vip *v, size_t n,
    bool own)
{
	for (size_t i = 0; i < n; i++) {
		size_t adv = r->pool_advs[v->pool][i];
		struct prefix route;
		struct pt_key k;
		if (!counted_route(r, v, adv, &route, &k))
			continue;
		struct pt_entry *e = pt_find(&r->exp, &k);

		if (e == NULL)
			continue;
		if (own)
			e->v2--;
		/* Others add something: whether a plain VIP is among them
		 * decides the marks (attrset.c's route_gather()). */
		bool others = e->v2 > 0;
		bool gone = --e->v1 == 0;
		if (gone)
			pt_delete(&r->exp, e);
		/* Gone, or what the VIPs add may have changed. */
		if (gone || own || others)
			adj_route_changed(r, adv, &route);
	}
}

/* Count a VIP into every route it makes; all or nothing. */
static bool export_vip(struct rib *r, const struct vip *v, bool own)
{
	for (size_t i = 0; i < r->npool_advs[v->pool]; i++) {
		size_t adv = r->pool_advs[v->pool][i];
		struct prefix route;
		struct pt_key k;
		if (!counted_route(r, v, adv, &route, &k))
			continue;
		struct pt_entry *e = pt_insert(&r->exp, &k, NULL);

		if (e == NULL) {
			unexport_vip(r, v, i, own);
			return false;
		}
		bool others = e->v2 > 0;
		if (own)
			e->v2++;
		if (++e->v1 == 1 || own || others)
			adj_route_changed(r, adv, &route);
	}
	return true;
}

void vip_relook(struct rib *r, const struct vip *v, struct vip_look before)
{
	struct vip_look now = vip_look(r, v);

	if (before.shown)
		unexport_vip(r, v, r->npool_advs[v->pool], before.own);
	/* Out of memory: the VIP stays held and unannounced; the next
	 * change to it tries again. */
	if (now.shown)
		export_vip(r, v, now.own);
}

/* ---- owners and per-VIP communities ---------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

size_t u32_sort_unique(uint32_t *v, size_t n)
{
	size_t u = 0;

	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_u32);
	for (size_t i = 0; i < n; i++)
		if (u == 0 || v[i] != v[u - 1])
			v[u++] = v[i];
	return u;
}

static void owner_free(struct rib *r, struct vip_owner *o)
{
	str_release(&r->strings, o->name);
	str_release(&r->strings, o->key);
	free(o->comm);
}

static bool owner_set(struct rib *r, struct vip_owner *o,
    const struct vip_req *req)
{
	struct vip_owner n = { .is_static = req->is_static };
	const struct conf_check *chk = req->check ?
	    conf_check_by_name(r->conf, req->check) : NULL;

	if (chk != NULL)
		n.check = (uint16_t)(chk - r->conf->checks + 1);

	n.name = str_intern(&r->strings, req->owner);
	n.key = req->sharing_key ? str_intern(&r->strings, req->sharing_key) :
	    NULL;
	if (req->ncommunities > 0) {
		n.comm = malloc(req->ncommunities * sizeof(*n.comm));
		if (n.comm != NULL) {
			memcpy(n.comm, req->communities,
			    req->ncommunities * sizeof(*n.comm));
			n.ncomm = (uint16_t)req->ncommunities;
		}
	}
	if (n.name == NULL || (req->sharing_key && n.key == NULL) ||
	    (req->ncommunities > 0 && n.comm == NULL)) {
		owner_free(r, &n);
		return false;
	}
	*o = n;
	return true;
}

static struct vip_owner *owner_find(struct vip *v, const char *name)
{
	for (uint32_t i = 0; i < v->nowners; i++)
		if (strcmp(owner_at(v, i)->name, name) == 0)
			return owner_at(v, i);
	return NULL;
}

/* The union of the owners' communities, sorted and without repeats. */
static bool extras_of(const struct vip *v, uint32_t **out, uint32_t *n)
{
	size_t total = 0;

	for (uint32_t i = 0; i < v->nowners; i++)
		total += vip_owner(v, i)->ncomm;
	*out = NULL;
	*n = 0;
	if (total == 0)
		return true;
	uint32_t *c = malloc(total * sizeof(*c));
	if (c == NULL)
		return false;
	total = 0;
	for (uint32_t i = 0; i < v->nowners; i++) {
		const struct vip_owner *o = vip_owner(v, i);
		if (o->ncomm == 0)
			continue;
		memcpy(c + total, o->comm, o->ncomm * sizeof(*c));
		total += o->ncomm;
	}
	*out = c;
	*n = (uint32_t)u32_sort_unique(c, total);
	return true;
}

/* After an owner change (before: how the VIP showed before it):
 * recompute the VIP's communities, and count its routes again when
 * they or its health changed. */
static bool refresh_extras(struct rib *r, struct vip *v,
    struct vip_look before)
{
	uint32_t *c, n;

	if (!extras_of(v, &c, &n))
		return false;
	bool same = n == v->necomm && (n == 0 ||
	    memcmp(c, v->ecomm, n * sizeof(*c)) == 0);
	if (same)
		free(c);
	else {
		free(v->ecomm);
		v->ecomm = c;
		v->necomm = (uint16_t)n;
	}
	struct vip_look now = vip_look(r, v);
	if (same && now.shown == before.shown && now.own == before.own &&
	    r->conf->nchecks == 0)
		return true;
	vip_relook(r, v, before);
	return true;
}

/* ---- VIP table --------------------------------------------------------- */

struct vip *vip_lookup(const struct rib *r, const struct prefix *addr)
{
	int64_t slot = vidx_find(&r->vip_index, r->vips, addr);
	return slot >= 0 ? &r->vips[slot] : NULL;
}

const struct vip *rib_vip_find(const struct rib *r, const struct prefix *addr)
{
	return vip_lookup(r, addr);
}

size_t rib_vip_count(const struct rib *r)
{
	return r->nvips;
}

const struct vip *rib_vip_next(const struct rib *r, const struct vip *prev)
{
	size_t i = prev ? (size_t)(prev - r->vips) + 1 : 0;

	for (; i < r->nslots; i++)
		if (r->vips[i].addr.afi != AFI_NONE)
			return &r->vips[i];
	return NULL;
}

static bool key_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* MetalLB's avoidBuggyIPs holds for addresses asked for too: such a
 * pool does not have its .0 and .255 addresses. */
static bool buggy_ok(const struct conf_pool *p, const struct prefix *addr,
    struct rib_res *res)
{
	char a[PREFIX_STRLEN];

	if (!p->avoid_buggy_ips || !conf_addr_buggy(addr))
		return true;
	return rib_fail(res, RIB_E_NOT_IN_POOL, "%s ends in .%u, which pool "
	    "%s does not use (avoid-buggy-ips); pick another address",
	    addr_fmt(addr, a, sizeof(a)), addr->a[3], p->name);
}

/* Which pool takes this VIP: the named one, or the one holding it. */
static bool pick_pool(const struct rib *r, const struct prefix *addr,
    const char *name, uint32_t *pool, struct rib_res *res)
{
	char a[PREFIX_STRLEN];

	/* Addresses are formatted for errors only: this is the add path. */
	if (name != NULL) {
		const struct conf_pool *p = conf_pool_by_name(r->conf, name);
		if (p == NULL)
			return rib_fail(res, RIB_E_UNKNOWN_POOL,
			    "there is no pool named \"%s\"; bgpctl show pools "
			    "lists them", name);
		if (!conf_pool_contains(p, addr))
			return rib_fail(res, RIB_E_WRONG_POOL,
			    "%s is not in pool %s; leave the pool out to use "
			    "the pool that holds it", addr_fmt(addr, a,
			    sizeof(a)), name);
		*pool = (uint32_t)(p - r->conf->pools);
		return buggy_ok(p, addr, res);
	}
	const struct conf_pool *p = conf_pool_for_addr(r->conf, addr);
	if (p == NULL)
		return rib_fail(res, RIB_E_NOT_IN_POOL,
		    "%s is in no configured pool; add it to a pool's "
		    "addresses in the config first", addr_fmt(addr, a,
		    sizeof(a)));
	*pool = (uint32_t)(p - r->conf->pools);
	return buggy_ok(p, addr, res);
}

/* Would adding succeed?  Changes nothing. */
static bool vip_check(const struct rib *r, const struct prefix *addr,
    const struct vip_req *req, struct rib_res *res)
{
	char a[PREFIX_STRLEN];
	uint32_t pool = 0;

	if (!prefix_is_host(addr))
		return rib_fail(res, RIB_E_BAD_ADDRESS,
		    "%s is a prefix; a VIP is a single address",
		    prefix_fmt(addr, a, sizeof(a)));
	if (!pick_pool(r, addr, req->pool, &pool, res))
		return false;
	if (req->check != NULL && conf_check_by_name(r->conf, req->check) ==
	    NULL)
		return rib_fail(res, RIB_E_NO_CHECK, "there is no check named "
		    "\"%s\"; bgpctl show checks lists them", req->check);
	struct vip *v = vip_lookup(r, addr);
	if (v == NULL)
		return ok(res);
	const struct vip_owner *first = &v->first;
	bool mine = owner_find(v, req->owner) != NULL;
	/* Sharing needs the same key on every side (MetalLB's
	 * allow-shared-ip annotation). */
	if ((mine && v->nowners == 1) || key_eq(first->key, req->sharing_key))
		return ok(res);
	addr_fmt(addr, a, sizeof(a));
	if (first->key != NULL)
		return rib_fail(res, RIB_E_VIP_IN_USE,
		    "%s is held by %s with sharing key \"%s\"; give the same "
		    "sharing-key to share it", a, first->name, first->key);
	return rib_fail(res, RIB_E_VIP_IN_USE,
	    "%s is held by %s without a sharing key; pick another address "
	    "or have both owners use one sharing-key", a, first->name);
}

static struct vip *vip_create(struct rib *r, const struct prefix *addr,
    uint32_t pool)
{
	if (r->nfree == 0 && r->nslots == r->capvips) {
		struct vip *nv = slots_grow(r->vips, sizeof(*nv),
		    &r->free_slots, &r->capvips, r->nslots + 1);
		if (nv == NULL)
			return NULL;
		r->vips = nv;
	}
	/* Slots are reused, never moved: a withdraw touches no other VIP. */
	size_t slot = r->nfree > 0 ? r->free_slots[r->nfree - 1] : r->nslots;
	if (!vidx_insert(&r->vip_index, addr, (uint32_t)slot))
		return NULL;
	if (r->nfree > 0)
		r->nfree--;
	else
		r->nslots++;
	r->nvips++;
	struct vip *v = &r->vips[slot];
	*v = (struct vip){ .addr = *addr, .pool = pool };
	r->pool_used[pool]++;
	return v;
}

static void vip_destroy(struct rib *r, struct vip *v)
{
	pool_note_free(r, v);
	marks_forget(r, v);
	r->pool_used[v->pool]--;
	for (uint32_t j = 0; j < v->nowners; j++)
		owner_free(r, owner_at(v, j));
	free(v->more);
	free(v->ecomm);
	vidx_delete(&r->vip_index, r->vips, &v->addr);
	*v = (struct vip){ .addr.afi = AFI_NONE };
	r->free_slots[r->nfree++] = (uint32_t)(v - r->vips);
	r->nvips--;
}

/* Apply a checked add; only running out of memory can fail now. */
static bool vip_apply(struct rib *r, const struct prefix *addr,
    const struct vip_req *req, bool *created, struct rib_res *res)
{
	uint32_t pool = 0;
	struct vip *v = vip_lookup(r, addr);

	*created = false;
	if (v != NULL) {
		struct vip_owner *mine = owner_find(v, req->owner), n;
		struct vip_look before = vip_look(r, v);
		if (!owner_set(r, &n, req))
			return rib_fail(res, RIB_E_NOMEM, "out of memory");
		if (mine != NULL) {
			n.is_static = mine->is_static || req->is_static;
			owner_free(r, mine);
			*mine = n;
		} else {
			struct vip_owner *no = realloc(v->more,
			    v->nowners * sizeof(*no));
			if (no == NULL) {
				owner_free(r, &n);
				return rib_fail(res, RIB_E_NOMEM,
				    "out of memory");
			}
			v->more = no;
			v->more[v->nowners++ - 1] = n;
		}
		if (!refresh_extras(r, v, before))
			return rib_fail(res, RIB_E_NOMEM, "out of memory");
		return ok(res);
	}

	pick_pool(r, addr, req->pool, &pool, res);
	v = vip_create(r, addr, pool);
	if (v == NULL)
		return rib_fail(res, RIB_E_NOMEM, "out of memory");
	if (owner_set(r, &v->first, req)) {
		uint32_t n = 0;
		v->nowners = 1;
		struct vip_look l = { 0 };
		if (extras_of(v, &v->ecomm, &n) &&
		    (v->necomm = (uint16_t)n, l = vip_look(r, v), !l.shown ||
		    export_vip(r, v, l.own))) {
			*created = true;
			if (r->vip_hook != NULL)
				r->vip_hook(r->vip_hook_ctx, addr, true);
			return ok(res);
		}
	}
	vip_destroy(r, v);
	return rib_fail(res, RIB_E_NOMEM, "out of memory");
}

bool rib_vip_add(struct rib *r, const struct prefix *addr,
    const struct vip_req *req, struct rib_res *res)
{
	bool created;

	return vip_check(r, addr, req, res) &&
	    vip_apply(r, addr, req, &created, res);
}

void rib_vip_prefetch(const struct rib *r, const struct prefix *vips,
    size_t n, size_t i)
{
	if (i + PREFETCH_NEAR < n)
		vidx_prefetch(&r->vip_index, &vips[i + PREFETCH_NEAR]);
}

static void prefetch_vip(const struct rib *r, const struct prefix *vips,
    size_t n, size_t i)
{
	rib_vip_prefetch(r, vips, n, i);
	if (i + PREFETCH_NEAR < n) {
		/* Host routes go to the peers' Adj-RIB-Out under the same
		 * key. */
		struct pt_key k = pt_key_make(&vips[i + PREFETCH_NEAR], 0);
		for (size_t j = 0; j < r->npeers; j++)
			if (r->peers[j].up)
				pt_prefetch(&r->peers[j].adj, &k);
	}
}

static bool withdraw_check(const struct rib *r, const struct prefix *addr,
    const char *owner, struct rib_res *res)
{
	char a[PREFIX_STRLEN];
	struct vip *v = vip_lookup(r, addr);
	const struct vip_owner *o = v ? owner_find(v, owner) : NULL;

	if (o == NULL)
		return rib_fail(res, RIB_E_NOT_HELD, "%s is not held by %s%s",
		    addr_fmt(addr, a, sizeof(a)), owner,
		    v ? "; bgpctl show vips lists its owners" : "");
	if (o->is_static)
		return rib_fail(res, RIB_E_STATIC,
		    "%s is a static VIP of the config file; remove its vip "
		    "line from the config and restart lbbgpd",
		    addr_fmt(addr, a, sizeof(a)));
	return ok(res);
}

/* Apply a checked withdraw; true when the VIP is gone. */
static bool withdraw_apply(struct rib *r, const struct prefix *addr,
    const char *owner)
{
	struct vip *v = vip_lookup(r, addr);
	struct vip_owner *o = v ? owner_find(v, owner) : NULL;

	if (o == NULL)
		return false;	/* a repeat within the batch */
	struct vip_look before = vip_look(r, v);
	owner_free(r, o);
	*o = *owner_at(v, --v->nowners);
	if (v->nowners <= 1) {
		free(v->more);
		v->more = NULL;
	}
	if (v->nowners == 0) {
		struct prefix gone = v->addr;
		if (before.shown)
			unexport_vip(r, v, r->npool_advs[v->pool], before.own);
		vip_destroy(r, v);
		if (r->vip_hook != NULL)
			r->vip_hook(r->vip_hook_ctx, &gone, false);
		return true;
	}
	/* Fewer owners cannot need more memory: shrinking the union. */
	refresh_extras(r, v, before);
	return false;
}

bool rib_vip_withdraw(struct rib *r, const struct prefix *addr,
    const char *owner, struct rib_res *res)
{
	if (!withdraw_check(r, addr, owner, res))
		return false;
	withdraw_apply(r, addr, owner);
	return true;
}

void rib_batch_add(struct rib_batch *b, const struct prefix *vips, size_t n,
    const struct vip_req *req)
{
	*b = (struct rib_batch){ .vips = vips, .n = n, .req = *req };
}

void rib_batch_withdraw(struct rib_batch *b, const struct prefix *vips,
    size_t n, const char *owner)
{
	*b = (struct rib_batch){ .vips = vips, .n = n, .withdraw = true,
	    .owner = owner };
}

/* One VIP of the batch: checked, or applied once all are checked. */
static bool batch_one(struct rib *r, struct rib_batch *b, size_t i,
    struct rib_res *res)
{
	const struct prefix *a = &b->vips[i];
	bool created;

	if (!b->applying)
		return b->withdraw ? withdraw_check(r, a, b->owner, res) :
		    vip_check(r, a, &b->req, res);
	if (b->withdraw) {
		b->changed += withdraw_apply(r, a, b->owner);
		return true;
	}
	if (!vip_apply(r, a, &b->req, &created, res))
		return false;	/* out of memory */
	b->changed += created;
	return true;
}

enum rib_batch_rc rib_batch_step(struct rib *r, struct rib_batch *b,
    size_t max, struct rib_res *res)
{
	for (size_t done = 0; done < max; done++) {
		if (b->next == b->n) {
			if (b->applying || b->n == 0)
				break;
			b->applying = true;
			b->next = 0;
		}
		size_t i = b->next++;
		prefetch_vip(r, b->vips, b->n, i);
		if (!batch_one(r, b, i, res)) {
			b->bad = i;
			return RIB_BATCH_FAILED;
		}
	}
	if (b->next < b->n || (!b->applying && b->n > 0))
		return RIB_BATCH_MORE;
	ok(res);
	return RIB_BATCH_OK;
}

static bool batch_run(struct rib *r, struct rib_batch *b, size_t *bad,
    size_t *changed, struct rib_res *res)
{
	enum rib_batch_rc rc = rib_batch_step(r, b, SIZE_MAX, res);

	*bad = b->bad;
	*changed = b->changed;
	return rc == RIB_BATCH_OK;
}

bool rib_vips_add(struct rib *r, const struct prefix *vips, size_t n,
    const struct vip_req *req, size_t *bad, size_t *changed,
    struct rib_res *res)
{
	struct rib_batch b;

	rib_batch_add(&b, vips, n, req);
	return batch_run(r, &b, bad, changed, res);
}

bool rib_vips_withdraw(struct rib *r, const struct prefix *vips, size_t n,
    const char *owner, size_t *bad, size_t *changed, struct rib_res *res)
{
	struct rib_batch b;

	rib_batch_withdraw(&b, vips, n, owner);
	return batch_run(r, &b, bad, changed, res);
}

/* ---- life cycle -------------------------------------------------------- */

static bool index_advs(struct rib *r)
{
	const struct conf *c = r->conf;
	size_t np = c->npools ? c->npools : 1;

	r->pool_advs = calloc(np, sizeof(*r->pool_advs));
	r->npool_advs = calloc(np, sizeof(*r->npool_advs));
	r->pool_used = calloc(np, sizeof(*r->pool_used));
	r->pool_hint = calloc(np, sizeof(*r->pool_hint));
	r->pool_order = calloc(np, sizeof(*r->pool_order));
	if (!r->pool_advs || !r->npool_advs || !r->pool_used ||
	    !r->pool_hint || !r->pool_order)
		return false;
	for (size_t p = 0; p < c->npools; p++) {
		r->pool_advs[p] = calloc(c->nadvs ? c->nadvs : 1,
		    sizeof(**r->pool_advs));
		if (r->pool_advs[p] == NULL)
			return false;
		for (size_t a = 0; a < c->nadvs; a++)
			for (size_t i = 0; i < c->advs[a].npool_idx; i++)
				if (c->advs[a].pool_idx[i] == p)
					r->pool_advs[p][r->npool_advs[p]++] =
					    (uint16_t)a;
		/* Allocation walks the ranges in address order. */
		const struct conf_pool *cp = &c->pools[p];
		r->pool_order[p] = calloc(cp->nranges ? cp->nranges : 1,
		    sizeof(size_t));
		if (r->pool_order[p] == NULL)
			return false;
		for (size_t i = 0; i < cp->nranges; i++) {
			size_t j = i;
			while (j > 0 && prefix_cmp(&cp->ranges[
			    r->pool_order[p][j - 1]].lo, &cp->ranges[i].lo) > 0) {
				r->pool_order[p][j] = r->pool_order[p][j - 1];
				j--;
			}
			r->pool_order[p][j] = i;
		}
	}
	return true;
}

struct rib *rib_new(const struct conf *c, struct rib_res *res)
{
	struct rib *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->conf = c;
	pt_init(&r->exp);
	r->npeers = c->nneighbors;
	r->peers = calloc(r->npeers ? r->npeers : 1, sizeof(*r->peers));
	r->msgbuf = malloc(BGP_EXT_MAX_LEN);
	if (r->peers == NULL || r->msgbuf == NULL || !index_advs(r) ||
	    !marks_init(r)) {
		rib_free(r);
		return NULL;
	}
	for (size_t i = 0; i < r->npeers; i++)
		adj_peer_init(r, i);

	for (size_t i = 0; i < c->nvips; i++) {
		const struct conf_vip *cv = &c->vips[i];
		struct vip_req req = {
			.owner = cv->owner ? cv->owner : "static",
			.pool = c->pools[cv->pool_idx].name,
			.is_static = true,
			.check = cv->check,
		};
		if (!rib_vip_add(r, &cv->addr, &req, res)) {
			rib_free(r);
			return NULL;
		}
	}
	return r;
}

/* An owner's own check, by name: a config without it refuses the owner
 * (an orphan, kept until the check comes back), never announces the
 * VIP unchecked. */
static const char *migrate_check(const struct rib *from,
    const struct vip_owner *o)
{
	return o->check ? from->conf->checks[o->check - 1].name : NULL;
}

size_t rib_vips_migrate(struct rib *r, const struct rib *from,
    rib_migrate_fail_fn *fail, void *arg)
{
	size_t added = 0;

	for (const struct vip *v = rib_vip_next(from, NULL); v;
	    v = rib_vip_next(from, v)) {
		for (uint32_t i = 0; i < v->nowners; i++) {
			const struct vip_owner *o = vip_owner(v, i);
			struct rib_res res = { 0 };
			/* The pool holding the address: pools cannot
			 * overlap, and one may have been renamed. */
			struct vip_req req = {
				.owner = o->name,
				.sharing_key = o->key,
				.communities = o->comm,
				.ncommunities = o->ncomm,
				.check = migrate_check(from, o),
			};
			if (o->is_static)
				continue;	/* r has its own config's */
			if (rib_vip_add(r, &v->addr, &req, &res))
				added++;
			else if (fail != NULL)
				fail(arg, v, o, &res);
		}
	}
	return added;
}

void rib_set_vip_hook(struct rib *r, rib_vip_hook_fn *fn, void *ctx)
{
	r->vip_hook = fn;
	r->vip_hook_ctx = fn ? ctx : NULL;
}

const struct conf *rib_conf(const struct rib *r)
{
	return r->conf;
}

void rib_free(struct rib *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nslots; i++) {
		for (uint32_t j = 0; j < r->vips[i].nowners; j++)
			owner_free(r, owner_at(&r->vips[i], j));
		free(r->vips[i].more);
		free(r->vips[i].ecomm);
	}
	free(r->vips);
	free(r->free_slots);
	strtab_free(&r->strings);
	vidx_free(&r->vip_index);
	pt_free(&r->exp);
	if (r->checks != NULL)
		marks_free(r);
	for (size_t i = 0; r->peers && i < r->npeers; i++) {
		rib_in_clear(r, i);
		adj_peer_free(&r->peers[i]);
	}
	rib_in_free_blobs(r);
	free(r->peers);
	for (size_t p = 0; r->pool_advs && p < r->conf->npools; p++)
		free(r->pool_advs[p]);
	for (size_t p = 0; r->pool_order && p < r->conf->npools; p++)
		free(r->pool_order[p]);
	free(r->pool_order);
	free(r->pool_advs);
	free(r->npool_advs);
	free(r->pool_used);
	free(r->pool_hint);
	free(r->msgbuf);
	free(r);
}
