/*
 * vipindex.c - the index of the VIP table: address -> slot.
 *
 * Open addressing with linear probing and backward-shift deletion, like
 * ptable.c, but an entry is 8 bytes: the upper 32 bits of the address's
 * hash and the slot + 1 (0: empty).  The address itself is read from the
 * VIP, which the caller wants anyway, and only when the hash bits match.
 * The hash bits also give the home slot for any capacity up to 2^32, so
 * growing reads no VIP.  100,000 VIPs: 1 MB instead of ptable's 3.7 MB,
 * and a probe run of 8 entries per cache line instead of 2.
 */
#include "rib/rib_int.h"

#include <stdlib.h>
#include <string.h>

#define VIDX_MIN_CAP 64

static inline uint32_t addr_hash(const struct prefix *a)
{
	struct pt_key k = pt_key_make(a, 0);
	return (uint32_t)(pt_hash(&k) >> 32);
}

static inline uint32_t e_hash(uint64_t e)
{
	return (uint32_t)(e >> 32);
}

static inline uint32_t e_slot1(uint64_t e)
{
	return (uint32_t)e;
}

void vidx_free(struct vidx *x)
{
	free(x->e);
	x->e = NULL;
	x->cap = x->n = 0;
}

void vidx_prefetch(const struct vidx *x, const struct prefix *a)
{
	if (x->cap > 0)
		__builtin_prefetch(&x->e[addr_hash(a) & (x->cap - 1)]);
}

void vidx_prefetch_vip(const struct vidx *x, const struct vip *vips,
    const struct prefix *a)
{
	if (x->cap == 0)
		return;
	uint32_t h = addr_hash(a);
	size_t mask = x->cap - 1;
	/* A few entries: a long probe run is not worth reading twice. */
	for (size_t i = h & mask, k = 0; k < 4; i = (i + 1) & mask, k++) {
		uint64_t e = x->e[i];
		if (e_slot1(e) == 0)
			return;
		if (e_hash(e) == h) {
			__builtin_prefetch(&vips[e_slot1(e) - 1]);
			return;
		}
	}
}

/* The position of addr in the index, or SIZE_MAX. */
static size_t find_pos(const struct vidx *x, const struct vip *vips,
    const struct prefix *a)
{
	if (x->cap == 0)
		return SIZE_MAX;
	uint32_t h = addr_hash(a);
	size_t mask = x->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		uint64_t e = x->e[i];
		if (e_slot1(e) == 0)
			return SIZE_MAX;
		if (e_hash(e) == h && memcmp(&vips[e_slot1(e) - 1].addr, a,
		    sizeof(*a)) == 0)
			return i;
	}
}

int64_t vidx_find(const struct vidx *x, const struct vip *vips,
    const struct prefix *a)
{
	size_t i = find_pos(x, vips, a);
	return i == SIZE_MAX ? -1 : (int64_t)e_slot1(x->e[i]) - 1;
}

static void put(uint64_t *e, size_t cap, uint64_t v)
{
	size_t i = e_hash(v) & (cap - 1);
	while (e_slot1(e[i]) != 0)
		i = (i + 1) & (cap - 1);
	e[i] = v;
}

bool vidx_insert(struct vidx *x, const struct prefix *a, uint32_t slot)
{
	/* Load factor at most 13/16, as ptable. */
	if ((x->n + 1) * 16 > x->cap * 13) {
		size_t ncap = x->cap ? x->cap * 2 : VIDX_MIN_CAP;
		uint64_t *ne = calloc(ncap, sizeof(*ne));
		if (ne == NULL)
			return false;
		for (size_t i = 0; i < x->cap; i++)
			if (e_slot1(x->e[i]) != 0)
				put(ne, ncap, x->e[i]);
		free(x->e);
		x->e = ne;
		x->cap = ncap;
	}
	put(x->e, x->cap, (uint64_t)addr_hash(a) << 32 | (slot + 1u));
	x->n++;
	return true;
}

void vidx_delete(struct vidx *x, const struct vip *vips,
    const struct prefix *a)
{
	size_t hole = find_pos(x, vips, a);
	if (hole == SIZE_MAX)
		return;
	size_t mask = x->cap - 1;
	/* Backward shift (pt_shift_movable()). */
	for (size_t j = (hole + 1) & mask; e_slot1(x->e[j]) != 0;
	    j = (j + 1) & mask) {
		if (pt_shift_movable(hole, j, e_hash(x->e[j]) & mask)) {
			x->e[hole] = x->e[j];
			hole = j;
		}
	}
	x->e[hole] = 0;
	x->n--;
}
