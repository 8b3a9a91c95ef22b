/*
 * pool.c - address allocation and pool usage.
 *
 * allocate hands out the lowest free address of a pool.  A per-pool hint
 * remembers where the free space starts, so handing out a pool's
 * addresses one by one costs one lookup each, and a withdraw below the
 * hint moves it back.
 */
#include "rib/rib_int.h"

#include <string.h>

static bool buggy(const struct prefix *a)
{
	return conf_addr_buggy(a);
}

static bool in_range(const struct conf_range *rg, const struct prefix *a)
{
	return a->afi == rg->lo.afi && addr_cmp(a, &rg->lo) >= 0 &&
	    addr_cmp(a, &rg->hi) <= 0;
}

/*
 * The lowest free address of the pool that taken() (if any) does not
 * refuse: the fleet's addresses being claimed by this host's own
 * requests.  The hint stays at the lowest address free in the RIB.
 */
static bool find_free(struct rib *r, size_t pool, rib_taken_fn *taken,
    void *ctx, struct prefix *out)
{
	const struct conf_pool *cp = &r->conf->pools[pool];
	struct pool_hint *h = &r->pool_hint[pool];
	bool hinted = false;

	for (; h->range < cp->nranges; h->range++) {
		const struct conf_range *rg =
		    &cp->ranges[r->pool_order[pool][h->range]];
		struct prefix a = in_range(rg, &h->addr) ? h->addr : rg->lo;
		for (;;) {
			if (!(cp->avoid_buggy_ips && buggy(&a)) &&
			    vip_lookup(r, &a) == NULL) {
				if (!hinted) {
					h->addr = a;
					hinted = true;
				}
				if (taken == NULL || !taken(ctx, &a)) {
					*out = a;
					return true;
				}
			}
			if (addr_cmp(&a, &rg->hi) >= 0 || !addr_add(&a, 1))
				break;
		}
		if (hinted) {
			/* The rest of the pool, past what taken() refused:
			 * the hint must not leave this range. */
			for (size_t i = h->range + 1; i < cp->nranges; i++) {
				const struct conf_range *g =
				    &cp->ranges[r->pool_order[pool][i]];
				for (a = g->lo;;) {
					if (!(cp->avoid_buggy_ips &&
					    buggy(&a)) &&
					    vip_lookup(r, &a) == NULL &&
					    !taken(ctx, &a)) {
						*out = a;
						return true;
					}
					if (addr_cmp(&a, &g->hi) >= 0 ||
					    !addr_add(&a, 1))
						break;
				}
			}
			return false;
		}
	}
	return false;
}

void pool_note_free(struct rib *r, const struct vip *v)
{
	const struct conf_pool *cp = &r->conf->pools[v->pool];
	struct pool_hint *h = &r->pool_hint[v->pool];

	for (size_t i = 0; i < cp->nranges; i++) {
		if (!in_range(&cp->ranges[r->pool_order[v->pool][i]],
		    &v->addr))
			continue;
		if (i < h->range || (i == h->range &&
		    addr_cmp(&v->addr, &h->addr) < 0)) {
			h->range = i;
			h->addr = v->addr;
		}
		return;
	}
}

static bool key_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

bool rib_allocate(struct rib *r, const struct vip_req *req,
    const struct prefix *want, struct prefix *out, struct rib_res *res)
{
	const char *pool;
	struct vip_req rq = *req;

	if (want != NULL) {
		if (!rib_vip_add(r, want, req, res))
			return false;
		*out = *want;
		return true;
	}
	if (!rib_allocate_pick(r, req, NULL, NULL, out, &pool, res))
		return false;
	rq.pool = pool;
	return rib_vip_add(r, out, &rq, res);
}

bool rib_allocate_pick(struct rib *r, const struct vip_req *req,
    rib_taken_fn *taken, void *ctx, struct prefix *out, const char **pool,
    struct rib_res *res)
{
	const struct conf *c = r->conf;
	size_t list[64], n = 0;

	if (req->pool != NULL) {
		const struct conf_pool *p = conf_pool_by_name(c, req->pool);
		if (p == NULL)
			return rib_fail(res, RIB_E_UNKNOWN_POOL,
			    "there is no pool named \"%s\"; bgpctl show pools "
			    "lists them", req->pool);
		list[n++] = (size_t)(p - c->pools);
	} else {
		for (size_t i = 0; i < c->npools && n < 64; i++)
			if (c->pools[i].auto_assign)
				list[n++] = i;
		if (n == 0)
			return rib_fail(res, RIB_E_POOL_EXHAUSTED,
			    "no pool has auto-assign yes; name the pool to "
			    "allocate from");
	}

	/* MetalLB shares an address among services with one sharing key. */
	if (req->sharing_key != NULL) {
		for (const struct vip *v = rib_vip_next(r, NULL); v;
		    v = rib_vip_next(r, v)) {
			for (size_t k = 0; k < n; k++) {
				if (v->pool != list[k] ||
				    !key_eq(v->first.key, req->sharing_key))
					continue;
				*pool = c->pools[list[k]].name;
				*out = v->addr;
				return true;
			}
		}
	}
	for (size_t k = 0; k < n; k++) {
		if (!find_free(r, list[k], taken, ctx, out))
			continue;
		*pool = c->pools[list[k]].name;
		return true;
	}
	if (n == 1) {
		struct rib_pool_usage u;
		rib_pool_usage(r, list[0], &u);
		return rib_fail(res, RIB_E_POOL_EXHAUSTED,
		    "pool %s has no free address (%llu of %llu in use); add "
		    "addresses to it or withdraw unused VIPs",
		    c->pools[list[0]].name, (unsigned long long)u.used,
		    (unsigned long long)u.size);
	}
	return rib_fail(res, RIB_E_POOL_EXHAUSTED, "every auto-assign pool is "
	    "full; add addresses or withdraw unused VIPs");
}

/* Addresses x in [lo, hi] with x mod 256 == k (IPv4, host order). */
static uint64_t count_mod(int64_t lo, int64_t hi, int64_t k)
{
	/* floor((x - k) / 256), valid for negative x - k too */
	int64_t a = hi - k, b = lo - 1 - k;
	int64_t fa = a >= 0 ? a / 256 : -((-a + 255) / 256);
	int64_t fb = b >= 0 ? b / 256 : -((-b + 255) / 256);
	return (uint64_t)(fa - fb);
}

void rib_pool_usage(const struct rib *r, size_t pool,
    struct rib_pool_usage *u)
{
	const struct conf_pool *cp = &r->conf->pools[pool];
	uint64_t size = 0;

	for (size_t i = 0; i < cp->nranges; i++) {
		const struct conf_range *rg = &cp->ranges[i];
		uint64_t span = addr_span(&rg->lo, &rg->hi);
		if (cp->avoid_buggy_ips && rg->lo.afi == AFI_IPV4) {
			int64_t lo = prefix_v4(&rg->lo), hi = prefix_v4(&rg->hi);
			span -= count_mod(lo, hi, 0) + count_mod(lo, hi, 255);
		}
		size = size + span < size ? UINT64_MAX : size + span;
	}
	u->size = size;
	u->used = r->pool_used[pool];
	/* control-protocol.md: size and free saturate; a saturated size
	 * stands for more than 2^64 addresses, so free is beyond it too. */
	u->free = size == UINT64_MAX ? UINT64_MAX :
	    size > u->used ? size - u->used : 0;
}
