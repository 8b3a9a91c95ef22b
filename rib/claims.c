/*
 * claims.c - the RIB's side of `announce one` (docs/FLEET.md): a VIP of
 * such a pool is announced only while this host holds its claim in etcd
 * and is not withholding its claims (keep-alives failing).  The fleet
 * code says which claims it holds; here they only change what shows.
 * Without a fleet block no pool is `one` and none of this is looked at.
 */
#include <stdlib.h>

#include "rib/rib_int.h"

bool claims_init(struct rib *r)
{
	pt_init(&r->claims);
	r->one_pools = false;
	r->withheld = false;
	for (size_t p = 0; p < r->conf->npools; p++)
		r->one_pools |= r->conf->pools[p].announce ==
		    CONF_ANNOUNCE_ONE;
	return true;
}

void claims_free(struct rib *r)
{
	pt_free(&r->claims);
}

bool claims_hide(const struct rib *r, const struct vip *v)
{
	if (!r->one_pools ||
	    r->conf->pools[v->pool].announce != CONF_ANNOUNCE_ONE)
		return false;
	if (r->withheld)
		return true;
	struct pt_key k = pt_key_make(&v->addr, 0);
	return pt_find(&r->claims, &k) == NULL;
}

bool rib_pool_is_one(const struct rib *r, const struct prefix *vip)
{
	const struct vip *v = rib_vip_find(r, vip);

	return v != NULL && r->one_pools &&
	    r->conf->pools[v->pool].announce == CONF_ANNOUNCE_ONE;
}

bool rib_claim(struct rib *r, const struct prefix *vip, bool held)
{
	struct pt_key k = pt_key_make(vip, 0);
	struct pt_entry *e = pt_find(&r->claims, &k);
	const struct vip *v = rib_vip_find(r, vip);

	if ((e != NULL) == held)
		return false;
	struct vip_look before = v ? vip_look(r, v) : (struct vip_look){ 0 };
	if (held) {
		if (pt_insert(&r->claims, &k, NULL) == NULL)
			return false;	/* out of memory: not announced */
	} else {
		pt_delete(&r->claims, e);
	}
	if (v != NULL)
		vip_relook(r, v, before);
	return true;
}

bool rib_claimed(const struct rib *r, const struct prefix *vip)
{
	struct pt_key k = pt_key_make(vip, 0);

	return pt_find(&r->claims, &k) != NULL;
}

size_t rib_claims(const struct rib *r)
{
	return r->claims.n;
}

void rib_withhold_claims(struct rib *r, bool on)
{
	if (r->withheld == on)
		return;
	if (!r->one_pools) {
		r->withheld = on;
		return;
	}
	/* Rare (etcd unreachable past the deadline, and back): a walk of
	 * the claimed VIPs is all it costs. */
	for (struct pt_entry *e = pt_next(&r->claims, NULL); e;
	    e = pt_next(&r->claims, e)) {
		struct prefix a = pt_key_prefix(&e->k);
		const struct vip *v = rib_vip_find(r, &a);
		if (v == NULL)
			continue;
		r->withheld = !on;
		struct vip_look before = vip_look(r, v);
		r->withheld = on;
		vip_relook(r, v, before);
	}
	r->withheld = on;
}

bool rib_claims_withheld(const struct rib *r)
{
	return r->withheld;
}

void rib_claims_keep(struct rib *r, bool (*keep)(void *ctx,
    const struct prefix *vip), void *ctx)
{
	struct prefix *drop = NULL;
	size_t n = 0;

	if (r->claims.n > 0 && (drop = calloc(r->claims.n,
	    sizeof(*drop))) == NULL)
		return;
	for (struct pt_entry *e = pt_next(&r->claims, NULL); e;
	    e = pt_next(&r->claims, e)) {
		struct prefix a = pt_key_prefix(&e->k);
		if (!keep(ctx, &a))
			drop[n++] = a;
	}
	for (size_t i = 0; i < n; i++)
		rib_claim(r, &drop[i], false);
	free(drop);
}

void rib_claims_adopt(struct rib *r, const struct rib *from)
{
	r->withheld = from->withheld;
	for (struct pt_entry *e = pt_next(&from->claims, NULL); e;
	    e = pt_next(&from->claims, e)) {
		struct prefix a = pt_key_prefix(&e->k);
		rib_claim(r, &a, true);
	}
}
