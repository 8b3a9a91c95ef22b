/*
 * rib.c - the VIP table with its owners, and the export counts.
 *
 * Every rule of the control protocol that concerns a VIP lives here:
 * pool membership, sharing between owners, refcounted aggregates.  Every
 * failed request leaves the RIB exactly as it was.
 */
#include "rib/rib_int.h"

#include "fsm/bgp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const err_codes[] = {
	[RIB_OK] = "ok",
	[RIB_E_NOT_IN_POOL] = "not-in-pool",
	[RIB_E_WRONG_POOL] = "wrong-pool",
	[RIB_E_UNKNOWN_POOL] = "unknown-pool",
	[RIB_E_VIP_IN_USE] = "vip-in-use",
	[RIB_E_NOT_HELD] = "not-held",
	[RIB_E_POOL_EXHAUSTED] = "pool-exhausted",
	[RIB_E_NO_POOL] = "no-pool",
	[RIB_E_BAD_ADDRESS] = "bad-address",
	[RIB_E_STATIC] = "static-vip",
	[RIB_E_NOMEM] = "out-of-memory",
};
_Static_assert(sizeof(err_codes) / sizeof(err_codes[0]) == RIB_E_MAX,
    "one code per error");

const char *rib_err_code(enum rib_err e)
{
	return (unsigned)e < RIB_E_MAX ? err_codes[e] : "unknown";
}

static bool fail(struct rib_res *res, enum rib_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(struct rib_res *res, enum rib_err e, const char *fmt, ...)
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

static struct prefix route_of(const struct rib *r, const struct vip *v,
    size_t adv)
{
	const struct conf_adv *a = &r->conf->advs[adv];
	struct prefix route = v->addr;
	prefix_mask(&route, v->addr.afi == AFI_IPV6 ? a->agg_len_v6 :
	    a->agg_len);
	return route;
}

/* Count a VIP out of the routes of its first n advertisements. */
static void unexport_vip(struct rib *r, const struct vip *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t adv = r->pool_advs[v->pool][i];
		struct prefix route = route_of(r, v, adv);
		struct pt_key k = pt_key_make(&route, (uint16_t)adv);
		struct pt_entry *e = pt_find(&r->exp, &k);

		if (e != NULL && --e->v1 == 0) {
			pt_delete(&r->exp, e);
			adj_route_changed(r, adv, &route);
		}
	}
}

/* Count a VIP into every route it makes; all or nothing. */
static bool export_vip(struct rib *r, const struct vip *v)
{
	for (size_t i = 0; i < r->npool_advs[v->pool]; i++) {
		size_t adv = r->pool_advs[v->pool][i];
		struct prefix route = route_of(r, v, adv);
		struct pt_key k = pt_key_make(&route, (uint16_t)adv);
		struct pt_entry *e = pt_insert(&r->exp, &k, NULL);

		if (e == NULL) {
			unexport_vip(r, v, i);
			return false;
		}
		if (++e->v1 == 1)
			adj_route_changed(r, adv, &route);
	}
	return true;
}

/* ---- VIP table --------------------------------------------------------- */

static struct vip *vip_find(const struct rib *r, const struct prefix *addr)
{
	struct pt_key k = pt_key_make(addr, 0);
	struct pt_entry *e = pt_find(&r->vip_index, &k);
	return e ? &r->vips[e->v1] : NULL;
}

static void owner_free(struct vip_owner *o)
{
	free(o->name);
	free(o->key);
	free(o->comm);
}

static bool owner_set(struct vip_owner *o, const struct vip_req *req)
{
	struct vip_owner n = { .is_static = req->is_static };

	n.name = strdup(req->owner);
	n.key = req->sharing_key ? strdup(req->sharing_key) : NULL;
	if (req->ncommunities > 0) {
		n.comm = malloc(req->ncommunities * sizeof(*n.comm));
		if (n.comm != NULL) {
			memcpy(n.comm, req->communities,
			    req->ncommunities * sizeof(*n.comm));
			n.ncomm = (uint32_t)req->ncommunities;
		}
	}
	if (n.name == NULL || (req->sharing_key && n.key == NULL) ||
	    (req->ncommunities > 0 && n.comm == NULL)) {
		owner_free(&n);
		return false;
	}
	*o = n;
	return true;
}

static struct vip_owner *owner_find(struct vip *v, const char *name)
{
	for (uint32_t i = 0; i < v->nowners; i++)
		if (strcmp(v->owners[i].name, name) == 0)
			return &v->owners[i];
	return NULL;
}

static bool key_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Which pool takes this VIP: the named one, or the one holding it. */
static bool pick_pool(const struct rib *r, const struct prefix *addr,
    const char *name, uint32_t *pool, struct rib_res *res)
{
	char a[PREFIX_STRLEN];

	addr_fmt(addr, a, sizeof(a));
	if (name != NULL) {
		const struct conf_pool *p = conf_pool_by_name(r->conf, name);
		if (p == NULL)
			return fail(res, RIB_E_UNKNOWN_POOL,
			    "there is no pool named \"%s\"; bgpctl show pools "
			    "lists them", name);
		if (!conf_pool_contains(p, addr))
			return fail(res, RIB_E_WRONG_POOL,
			    "%s is not in pool %s; leave the pool out to use "
			    "the pool that holds it", a, name);
		*pool = (uint32_t)(p - r->conf->pools);
		return true;
	}
	const struct conf_pool *p = conf_pool_for_addr(r->conf, addr);
	if (p == NULL)
		return fail(res, RIB_E_NOT_IN_POOL,
		    "%s is in no configured pool; add it to a pool's "
		    "addresses in the config first", a);
	*pool = (uint32_t)(p - r->conf->pools);
	return true;
}

static struct vip *vip_create(struct rib *r, const struct prefix *addr,
    uint32_t pool)
{
	if (r->nvips == r->capvips) {
		size_t ncap = r->capvips ? r->capvips * 2 : 64;
		struct vip *nv = realloc(r->vips, ncap * sizeof(*nv));
		if (nv == NULL)
			return NULL;
		r->vips = nv;
		r->capvips = ncap;
	}
	struct pt_key k = pt_key_make(addr, 0);
	struct pt_entry *e = pt_insert(&r->vip_index, &k, NULL);
	if (e == NULL)
		return NULL;
	e->v1 = (uint32_t)r->nvips;
	struct vip *v = &r->vips[r->nvips++];
	*v = (struct vip){ .addr = *addr, .pool = pool };
	return v;
}

static void vip_destroy(struct rib *r, struct vip *v)
{
	size_t i = (size_t)(v - r->vips), last = r->nvips - 1;
	struct pt_key k = pt_key_make(&v->addr, 0);

	for (uint32_t j = 0; j < v->nowners; j++)
		owner_free(&v->owners[j]);
	free(v->owners);
	pt_delete(&r->vip_index, pt_find(&r->vip_index, &k));
	if (i != last) {
		r->vips[i] = r->vips[last];
		k = pt_key_make(&r->vips[i].addr, 0);
		pt_find(&r->vip_index, &k)->v1 = (uint32_t)i;
	}
	r->nvips--;
}

bool rib_vip_add(struct rib *r, const struct prefix *addr,
    const struct vip_req *req, struct rib_res *res)
{
	char a[PREFIX_STRLEN];
	uint32_t pool = 0;

	if (!prefix_is_host(addr))
		return fail(res, RIB_E_BAD_ADDRESS,
		    "a VIP is a single address, not a prefix");
	if (!pick_pool(r, addr, req->pool, &pool, res))
		return false;
	addr_fmt(addr, a, sizeof(a));

	struct vip *v = vip_find(r, addr);
	if (v != NULL) {
		struct vip_owner *mine = owner_find(v, req->owner);
		const struct vip_owner *first = &v->owners[0];
		/* Sharing needs the same key on both sides (MetalLB's
		 * allow-shared-ip annotation). */
		bool shared_ok = key_eq(first->key, req->sharing_key);
		if (mine != NULL && (v->nowners == 1 || shared_ok)) {
			struct vip_owner n;
			if (!owner_set(&n, req))
				return fail(res, RIB_E_NOMEM, "out of memory");
			n.is_static = mine->is_static || req->is_static;
			owner_free(mine);
			*mine = n;
			return ok(res);
		}
		if (mine == NULL && shared_ok) {
			struct vip_owner *no = realloc(v->owners,
			    (v->nowners + 1) * sizeof(*no));
			if (no == NULL)
				return fail(res, RIB_E_NOMEM, "out of memory");
			v->owners = no;
			if (!owner_set(&v->owners[v->nowners], req))
				return fail(res, RIB_E_NOMEM, "out of memory");
			v->nowners++;
			return ok(res);
		}
		if (first->key != NULL)
			return fail(res, RIB_E_VIP_IN_USE,
			    "%s is held by %s with sharing key \"%s\"; give "
			    "the same sharing-key to share it", a, first->name,
			    first->key);
		return fail(res, RIB_E_VIP_IN_USE,
		    "%s is held by %s without a sharing key; pick another "
		    "address or have both owners use one sharing-key", a,
		    first->name);
	}

	v = vip_create(r, addr, pool);
	if (v == NULL)
		return fail(res, RIB_E_NOMEM, "out of memory");
	v->owners = calloc(1, sizeof(*v->owners));
	if (v->owners != NULL && owner_set(&v->owners[0], req)) {
		v->nowners = 1;
		if (export_vip(r, v))
			return ok(res);
	}
	vip_destroy(r, v);
	return fail(res, RIB_E_NOMEM, "out of memory");
}

bool rib_vip_withdraw(struct rib *r, const struct prefix *addr,
    const char *owner, struct rib_res *res)
{
	char a[PREFIX_STRLEN];
	struct vip *v = vip_find(r, addr);
	struct vip_owner *o = v ? owner_find(v, owner) : NULL;

	addr_fmt(addr, a, sizeof(a));
	if (o == NULL)
		return fail(res, RIB_E_NOT_HELD, "%s is not held by %s%s", a,
		    owner, v ? "; bgpctl show vips lists its owners" : "");
	if (o->is_static)
		return fail(res, RIB_E_STATIC,
		    "%s is a static VIP of the config file; remove its vip "
		    "line and reload", a);
	owner_free(o);
	*o = v->owners[--v->nowners];
	if (v->nowners == 0) {
		unexport_vip(r, v, r->npool_advs[v->pool]);
		vip_destroy(r, v);
	}
	return ok(res);
}

size_t rib_vip_count(const struct rib *r)
{
	return r->nvips;
}

/* ---- life cycle -------------------------------------------------------- */

static bool index_advs(struct rib *r)
{
	const struct conf *c = r->conf;

	r->pool_advs = calloc(c->npools ? c->npools : 1, sizeof(*r->pool_advs));
	r->npool_advs = calloc(c->npools ? c->npools : 1,
	    sizeof(*r->npool_advs));
	if (r->pool_advs == NULL || r->npool_advs == NULL)
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
	}
	return true;
}

struct rib *rib_new(const struct conf *c, struct rib_res *res)
{
	struct rib *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->conf = c;
	pt_init(&r->vip_index);
	pt_init(&r->exp);
	r->npeers = c->nneighbors;
	r->peers = calloc(r->npeers ? r->npeers : 1, sizeof(*r->peers));
	r->msgbuf = malloc(BGP_EXT_MAX_LEN);
	if (r->peers == NULL || r->msgbuf == NULL || !index_advs(r)) {
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
		};
		if (!rib_vip_add(r, &cv->addr, &req, res)) {
			rib_free(r);
			return NULL;
		}
	}
	return r;
}

void rib_free(struct rib *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nvips; i++) {
		for (uint32_t j = 0; j < r->vips[i].nowners; j++)
			owner_free(&r->vips[i].owners[j]);
		free(r->vips[i].owners);
	}
	free(r->vips);
	pt_free(&r->vip_index);
	pt_free(&r->exp);
	for (size_t i = 0; r->peers && i < r->npeers; i++)
		adj_peer_free(&r->peers[i]);
	free(r->peers);
	for (size_t p = 0; r->pool_advs && p < r->conf->npools; p++)
		free(r->pool_advs[p]);
	free(r->pool_advs);
	free(r->npool_advs);
	free(r->msgbuf);
	free(r);
}
