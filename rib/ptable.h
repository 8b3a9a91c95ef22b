/*
 * ptable.h - a compact hash table keyed by prefix.
 *
 * Open addressing with linear probing and backward-shift deletion (no
 * tombstones), 28-byte entries holding two 32-bit values.  Used for the
 * export table, every Adj-RIB-Out and Adj-RIB-In, so memory per route
 * stays small at a million routes (the VIP table has its own 8-byte
 * index: vipindex.c).  Pointers to entries are valid only
 * until the next insertion.
 */
#ifndef LBBGP_PTABLE_H
#define LBBGP_PTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fsm/prefix.h"

struct pt_key {
	uint8_t afi;		/* 0 marks an empty slot */
	uint8_t len;
	uint16_t tag;		/* extra key part (advertisement index) */
	uint8_t a[16];
};

struct pt_entry {
	struct pt_key k;
	uint32_t v1;
	uint32_t v2;
};

struct ptable {
	struct pt_entry *slots;
	size_t cap;		/* power of two, or 0 */
	size_t n;
};

static inline struct pt_key pt_key_make(const struct prefix *p, uint16_t tag)
{
	struct pt_key k = { .afi = p->afi, .len = p->len, .tag = tag };
	for (unsigned i = 0; i < sizeof(k.a); i++)
		k.a[i] = p->a[i];
	return k;
}

static inline struct prefix pt_key_prefix(const struct pt_key *k)
{
	struct prefix p = { .afi = k->afi, .len = k->len };
	for (unsigned i = 0; i < sizeof(p.a); i++)
		p.a[i] = k->a[i];
	return p;
}

static inline uint64_t pt_load(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	memcpy(&v, p, n);
	return v;
}

/*
 * The key is 20 bytes; hash it as three words (the last one padded).  The words are put together from the fields rather than
 * loaded across them: a key built on the stack a moment ago would make
 * a load that spans several of its stores wait for them (a failed store
 * forward costs more than the rest of the hash).
 */
static inline uint64_t pt_hash(const struct pt_key *k)
{
	uint64_t w[3] = {
		(uint64_t)k->afi | (uint64_t)k->len << 8 |
		    (uint64_t)k->tag << 16 | pt_load(k->a, 4) << 32,
		pt_load(k->a + 4, 8),
		pt_load(k->a + 12, 4),
	};
	uint64_t h = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 3; i++) {
		h ^= w[i];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 33;
	}
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return h;
}

/*
 * Start loading the slot a key hashes to.  The tables are megabytes and
 * every lookup is a cache miss; a loop over a batch prefetches a few
 * keys ahead so the misses overlap instead of queueing.
 */
static inline void pt_prefetch(const struct ptable *t, const struct pt_key *k)
{
	if (t->cap == 0)
		return;
	/* A probe run often spills into the next cache line: load both. */
	const char *slot = (const char *)&t->slots[pt_hash(k) & (t->cap - 1)];
	__builtin_prefetch(slot);
	__builtin_prefetch(slot + 64);
}

/*
 * Backward-shift deletion: may the entry in slot j, whose home slot is
 * home, move back into the hole?  Yes unless its home lies cyclically
 * after the hole (up to j).  Shared with the VIP index (vipindex.c).
 */
static inline bool pt_shift_movable(size_t hole, size_t j, size_t home)
{
	return hole <= j ? (home <= hole || home > j) :
	    (home <= hole && home > j);
}

void pt_init(struct ptable *t);
void pt_free(struct ptable *t);
struct pt_entry *pt_find(const struct ptable *t, const struct pt_key *k);
/* Find or add (values zero when added); NULL only when out of memory. */
struct pt_entry *pt_insert(struct ptable *t, const struct pt_key *k,
    bool *added);
void pt_delete(struct ptable *t, struct pt_entry *e);
/* Iterate: for (e = pt_next(t, NULL); e; e = pt_next(t, e)).  No
 * insertions while iterating; deleting the current entry is not allowed
 * either (collect keys first). */
struct pt_entry *pt_next(const struct ptable *t, const struct pt_entry *e);

#endif
