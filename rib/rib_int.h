/*
 * rib_int.h - RIB internals shared by rib.c (VIPs, export counts) and
 * adjout.c (per-peer Adj-RIB-Out and UPDATE packing).  Not for use
 * outside rib/.
 */
#ifndef LBBGP_RIB_INT_H
#define LBBGP_RIB_INT_H

#include "rib/ptable.h"
#include "rib/rib.h"

/* A peer can take at most this many advertisements (one bit each). */
#define RIB_MAX_PEER_ADVS 64

struct vip_owner {
	char *name;
	char *key;		/* sharing key, NULL when none */
	uint32_t *comm;		/* per-VIP communities */
	uint32_t ncomm;
	bool is_static;
};

struct vip {
	struct prefix addr;
	uint32_t pool;		/* index into conf->pools */
	uint32_t nowners;
	struct vip_owner *owners;
};

/* One distinct set of path attributes used towards one peer. */
struct attrset {
	uint64_t mask;		/* the peer's advertisements it merges */
	bool too_big;		/* cannot fit in a message with one prefix */
	uint8_t *enc[2];	/* attribute block: [0] IPv4, [1] IPv6 */
	uint16_t enc_len[2];
};

/* Adj-RIB-Out entry flags (ptable v2); v1 is the attrset id sent. */
#define ADJ_DIRTY 0x1

struct rib_peer {
	bool up;
	struct rib_session s;
	int16_t *adv_slot;	/* per conf advertisement: bit index or -1 */
	uint16_t advs[RIB_MAX_PEER_ADVS];
	size_t nadvs;
	struct ptable adj;
	size_t announced;
	struct pt_key *dirty;	/* prefixes to look at, in order */
	size_t ndirty, dirty_head, dirty_cap;
	struct attrset *sets;	/* id = index + 1 */
	size_t nsets;
};

struct rib {
	const struct conf *conf;
	struct ptable vip_index;	/* v1: index into vips */
	struct vip *vips;
	size_t nvips, capvips;
	/* Key (route, advertisement): v1 VIPs counted in it. */
	struct ptable exp;
	struct rib_peer *peers;
	size_t npeers;
	uint16_t **pool_advs;		/* advertisements covering each pool */
	size_t *npool_advs;
	uint8_t *msgbuf;		/* one UPDATE under construction */
};

/* adjout.c */
void adj_mark(struct rib *r, struct rib_peer *p, const struct prefix *route);
void adj_peer_init(struct rib *r, size_t peer);
void adj_peer_free(struct rib_peer *p);
/* A route of advertisement adv appeared or went: tell its peers. */
void adj_route_changed(struct rib *r, size_t adv, const struct prefix *route);

#endif
