/*
 * intern.c - one refcounted copy of each owner name and sharing key; and
 * the two table pieces the RIB keeps its other shared things in (slots
 * with a free list, id indexes: rib_int.h).
 *
 * A controller typically adds thousands of VIPs under one owner: each
 * holds a pointer to the same string instead of its own copy, which saves
 * memory and keeps name comparisons in cache.  Pure: no I/O.
 */
#include "rib/rib_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

struct istr {
	uint32_t refs;
	uint32_t hash;
	char s[];
};

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static struct istr *istr_of(const char *s)
{
	return (struct istr *)(void *)(s - offsetof(struct istr, s));
}

static bool grow(struct strtab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	struct istr **ns = calloc(ncap, sizeof(*ns));

	if (ns == NULL)
		return false;
	for (size_t i = 0; i < t->cap; i++) {
		struct istr *x = t->slots[i];
		if (x == NULL)
			continue;
		size_t k = x->hash & (ncap - 1);
		while (ns[k] != NULL)
			k = (k + 1) & (ncap - 1);
		ns[k] = x;
	}
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
	return true;
}

const char *str_intern(struct strtab *t, const char *s)
{
	uint32_t h = str_hash(s);
	size_t mask = t->cap - 1, k;

	for (k = t->cap ? h & mask : 0; t->cap && t->slots[k] != NULL;
	    k = (k + 1) & mask) {
		struct istr *x = t->slots[k];
		if (x->hash == h && strcmp(x->s, s) == 0) {
			x->refs++;
			return x->s;
		}
	}
	if ((t->n + 1) * 2 > t->cap && !grow(t))
		return NULL;
	size_t len = strlen(s);
	struct istr *x = malloc(sizeof(*x) + len + 1);
	if (x == NULL)
		return NULL;
	x->refs = 1;
	x->hash = h;
	memcpy(x->s, s, len + 1);
	for (k = h & (t->cap - 1); t->slots[k] != NULL;
	    k = (k + 1) & (t->cap - 1))
		;
	t->slots[k] = x;
	t->n++;
	return x->s;
}

void str_release(struct strtab *t, const char *s)
{
	if (s == NULL)
		return;
	struct istr *x = istr_of(s);
	if (--x->refs > 0)
		return;
	size_t mask = t->cap - 1, hole;
	for (hole = x->hash & mask; t->slots[hole] != x;
	    hole = (hole + 1) & mask)
		;
	/* Backward-shift deletion (pt_shift_movable()). */
	for (size_t j = (hole + 1) & mask; t->slots[j] != NULL;
	    j = (j + 1) & mask) {
		if (pt_shift_movable(hole, j, t->slots[j]->hash & mask)) {
			t->slots[hole] = t->slots[j];
			hole = j;
		}
	}
	t->slots[hole] = NULL;
	t->n--;
	free(x);
}

void strtab_free(struct strtab *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i]);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* ---- slot tables and id indexes ----------------------------------------- */

void *slots_grow(void *slots, size_t size, uint32_t **free_ids, size_t *cap,
    size_t need)
{
	size_t fcap = *cap;
	uint32_t *nf = array_grow(*free_ids, &fcap, need, sizeof(*nf));

	if (nf == NULL)
		return NULL;
	*free_ids = nf;		/* maybe more room than *cap says */
	return array_grow(slots, cap, need, size);
}

bool id_index_grow(uint32_t **idx, size_t *cap, size_t first_cap,
    const void *items, size_t item_size, size_t hash_off)
{
	size_t ncap = *cap ? *cap * 2 : first_cap;
	uint32_t *ni = calloc(ncap, sizeof(*ni));

	if (ni == NULL)
		return false;
	for (size_t i = 0; i < *cap; i++) {
		uint32_t id = (*idx)[i];
		if (id == 0)
			continue;
		const char *item = (const char *)items + (id - 1) * item_size;
		id_index_put(ni, ncap, *(const uint64_t *)(const void *)
		    (item + hash_off), id);
	}
	free(*idx);
	*idx = ni;
	*cap = ncap;
	return true;
}
