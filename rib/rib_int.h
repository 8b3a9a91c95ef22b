/*
 * rib_int.h - RIB internals shared by rib.c (VIPs, export counts),
 * pool.c (allocation, usage) and adjout.c (Adj-RIB-Out, UPDATE packing).
 * Not for use outside rib/.
 */
#ifndef LBBGP_RIB_INT_H
#define LBBGP_RIB_INT_H

#include "rib/ptable.h"
#include "rib/rib.h"

/* Interned strings (intern.c). */
struct strtab {
	struct istr **slots;
	size_t cap, n;
};
const char *str_intern(struct strtab *t, const char *s);
void str_release(struct strtab *t, const char *s);
void strtab_free(struct strtab *t);

/*
 * Slot tables (intern.c): an array of slots and the stack of free slot
 * ids (VIPs, Adj-RIB-In blobs) share one capacity, so freeing a slot
 * never allocates.  Room for need slots: the (maybe moved) slots, or NULL
 * when out of memory (then the slots and *cap are as they were).
 */
void *slots_grow(void *slots, size_t size, uint32_t **free_ids, size_t *cap,
    size_t need);

/*
 * Id indexes (intern.c): a power-of-two open-addressing table of ids, 1
 * + an index into an array of items, 0 an empty slot; probing is linear
 * from the item's hash, a uint64_t at hash_off in each item (Adj-RIB-In
 * blobs, attribute sets).
 */
static inline void id_index_put(uint32_t *idx, size_t cap, uint64_t hash,
    uint32_t id)
{
	size_t k = hash & (cap - 1);

	while (idx[k] != 0)
		k = (k + 1) & (cap - 1);
	idx[k] = id;
}
/* Rebuild *idx at twice its capacity (first_cap at first); false when out
 * of memory (then it is as it was). */
bool id_index_grow(uint32_t **idx, size_t *cap, size_t first_cap,
    const void *items, size_t item_size, size_t hash_off);

static inline struct vip_owner *owner_at(struct vip *v, uint32_t i)
{
	return i == 0 ? &v->first : &v->more[i - 1];
}

/* A peer can take at most this many advertisements (one bit each). */
#define RIB_MAX_PEER_ADVS 64

/* Marks of health and drain a route carries (health.c). */
enum { MARK_MED = 0x1, MARK_GSHUT = 0x2 };
struct route_marks {
	uint32_t med;		/* with MARK_MED: replaces the advertisement's */
	uint8_t prepend;	/* more copies of the local AS (eBGP) */
	uint8_t flags;		/* MARK_* */
};

/*
 * One distinct set of path attributes used towards one peer: the merge of
 * some of its advertisements (mask) plus what the VIPs add: communities
 * (extra) and marks.
 */
struct attrset {
	uint64_t mask;
	uint32_t *extra;	/* sorted; part of the key */
	uint32_t nextra;
	struct route_marks marks;	/* part of the key */
	uint64_t hash;
	bool too_big;		/* cannot fit in a message with one prefix */
	uint32_t *comm;		/* merged communities, sorted */
	size_t ncomm;
	struct large_community *large;
	size_t nlarge;
	bool has_local_pref;
	uint32_t local_pref;
	bool has_med;
	uint32_t med;
	uint8_t prepend;	/* eBGP: the local AS 1 + prepend times */
	uint8_t *enc[2];	/* attribute block: [0] IPv4, [1] IPv6 */
	uint16_t enc_len[2];
};

/* Adj-RIB-Out entry flags (ptable v2); v1 is the attrset id sent. */
#define ADJ_DIRTY 0x1

/* Interned attributes of received routes (adjin.c). */
struct blob {
	uint8_t *data;
	uint32_t len;
	uint32_t refs;
	uint64_t hash;
};

struct rib_peer {
	bool up;
	struct ptable in;	/* Adj-RIB-In: v1 blob id */
	struct rib_session s;
	int16_t *adv_slot;	/* per conf advertisement: bit index or -1 */
	uint16_t advs[RIB_MAX_PEER_ADVS];
	size_t nadvs;
	struct ptable adj;
	size_t announced;
	/*
	 * Routes to look at: flagged ADJ_DIRTY in adj, and queued in dirty
	 * while there are few of them.  A queue that would outgrow
	 * dirty_limit() is dropped for a scan of adj for the flag (scan):
	 * a 100,000-VIP change costs no 2.6 MB queue per peer.
	 */
	struct pt_key *dirty;
	size_t ndirty, dirty_head, dirty_cap;
	size_t pending;		/* entries flagged ADJ_DIRTY */
	bool scan;		/* the queue overflowed: scan adj */
	bool rescan;		/* marked while scanning: one more pass */
	size_t scan_pos, scan_cap;
	size_t scan_pf;		/* 1 + the slot last prefetched from */
	struct attrset *sets;	/* id = index + 1 */
	size_t nsets, capsets;
	uint32_t *set_index;	/* hash of set ids, 0 = empty slot */
	size_t set_index_cap;
};

/* The index of the VIP table (vipindex.c): address -> slot in vips. */
struct vidx {
	uint64_t *e;		/* hash bits << 32 | slot + 1; 0: empty */
	size_t cap, n;
};
/* The slot holding addr, or -1. */
int64_t vidx_find(const struct vidx *x, const struct vip *vips,
    const struct prefix *a);
/* addr must not be in the index yet; false when out of memory. */
bool vidx_insert(struct vidx *x, const struct prefix *a, uint32_t slot);
void vidx_delete(struct vidx *x, const struct vip *vips,
    const struct prefix *a);
/* Prefetch: the index slot of addr; the VIP, once that slot is cached.
 * Batch loops (rib_vip_prefetch()) load the slot PREFETCH_NEAR entries
 * ahead; a flush loads the slot PREFETCH_FAR ahead and the VIP
 * PREFETCH_NEAR ahead (adjout.c). */
void vidx_prefetch(const struct vidx *x, const struct prefix *a);
void vidx_prefetch_vip(const struct vidx *x, const struct vip *vips,
    const struct prefix *a);
#define PREFETCH_FAR 16
#define PREFETCH_NEAR 8
void vidx_free(struct vidx *x);

/* Where allocation resumes in a pool: nothing free below this. */
struct pool_hint {
	size_t range;
	struct prefix addr;
};

struct rib {
	const struct conf *conf;
	struct vidx vip_index;
	struct vip *vips;		/* slots; a free one has addr.afi 0 */
	size_t nslots, capvips;
	size_t nvips;			/* VIPs held */
	uint32_t *free_slots;
	size_t nfree;
	struct strtab strings;		/* owner names and sharing keys */
	/* Key (route, advertisement): v1 VIPs counted in it, v2 those of
	 * them with per-VIP communities.  Only aggregates are counted: a
	 * host route exists exactly while its VIP does (host_route()). */
	struct ptable exp;
	struct rib_peer *peers;
	size_t npeers;
	uint16_t **pool_advs;		/* advertisements covering each pool */
	size_t *npool_advs;
	uint64_t *pool_used;
	struct pool_hint *pool_hint;
	size_t **pool_order;		/* range indexes by address */
	uint8_t *msgbuf;		/* one UPDATE under construction */
	struct blob *blobs;		/* id = index + 1 */
	size_t nblobs, capblobs, nblobs_live;
	uint32_t *free_blobs;
	size_t nfree_blobs;
	uint32_t *blob_index;		/* hash of ids, 0 = empty */
	size_t blob_index_cap;
	rib_vip_hook_fn *vip_hook;	/* told of VIPs coming and going */
	void *vip_hook_ctx;
	bool suspended;			/* no route wanted for any peer */
	struct rib_check_st *checks;	/* per conf check */
	/* Drains: key the VIP, v1 the deadline (seconds), v2 enum
	 * rib_drain.  Only VIPs drained are in it. */
	struct ptable drains;
	size_t ndraining;		/* entries RIB_DRAINING */
	/* claims.c: VIPs of `announce one` pools this host holds the
	 * claim of; none shows while withheld. */
	struct ptable claims;
	bool one_pools;			/* some pool is `announce one` */
	bool withheld;
};

/* A check's state (health.c). */
struct rib_check_st {
	uint8_t state;			/* enum rib_check_state */
	bool drain_over;		/* disabled for drain-time */
	bool has_last;
	uint8_t last;			/* enum rib_probe */
	uint32_t passes, fails;		/* consecutive */
	uint64_t since_ms, last_ms, drain_end_ms;
	uint64_t transitions;
	double latency;
	char reason[64];
};

/* health.c: how a VIP shows in its routes.  shown: its routes are
 * wanted; own: it adds communities or marks of its own (counted in the
 * export table's v2). */
struct vip_look {
	bool shown;
	bool own;
};
struct vip_look vip_look(const struct rib *r, const struct vip *v);
/* The marks of a shown VIP and the on-down communities it adds; false
 * when it has none. */
bool vip_marks(const struct rib *r, const struct vip *v,
    struct route_marks *m, const uint32_t **comm, size_t *ncomm);
/* The check an owner is bound to: 1 + index, 0 none. */
uint16_t owner_check(const struct rib *r, const struct vip *v,
    const struct vip_owner *o);
bool marks_init(struct rib *r);
void marks_free(struct rib *r);
/* A VIP leaves the table: forget its drain. */
void marks_forget(struct rib *r, const struct vip *v);

/* rib.c */
struct vip *vip_lookup(const struct rib *r, const struct prefix *addr);
/* claims.c */
bool claims_init(struct rib *r);
void claims_free(struct rib *r);
/* v is of an `announce one` pool and this host may not announce it. */
bool claims_hide(const struct rib *r, const struct vip *v);

/* A change to how v shows is coming: call vip_relook() after it with
 * what vip_look() said before, and its routes are counted again. */
void vip_relook(struct rib *r, const struct vip *v, struct vip_look before);

/* The advertisement announces each VIP of this family as itself. */
bool host_route(const struct rib *r, size_t adv, unsigned afi);
bool pool_has_adv(const struct rib *r, size_t pool, size_t adv);
bool rib_fail(struct rib_res *res, enum rib_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sort v[0..n) and drop repeats (communities); the count left. */
size_t u32_sort_unique(uint32_t *v, size_t n);

/* adjin.c */
void rib_in_free_blobs(struct rib *r);

/* pool.c */
void pool_note_free(struct rib *r, const struct vip *v);

/* attrset.c */
void set_free(struct attrset *set);
void free_sets(struct rib_peer *p);
bool set_copy(struct attrset *dst, const struct attrset *src);
/* Id (index + 1) of the set for the route with the advertisements of
 * mask, 0 when it cannot be sent; own: VIPs behind it add something. */
uint32_t route_set(struct rib *r, struct rib_peer *p,
    const struct pt_key *route, uint64_t mask, bool own);

/* adjout.c */
void adj_mark(struct rib *r, struct rib_peer *p, const struct prefix *route);
void adj_peer_init(struct rib *r, size_t peer);
void adj_peer_free(struct rib_peer *p);
/* Mark every route the peer should see (session up, suspension over). */
void adj_mark_all(struct rib *r, struct rib_peer *p);
/* A route of advertisement adv appeared, went or changed: tell its peers. */
void adj_route_changed(struct rib *r, size_t adv, const struct prefix *route);

#endif
