/*
 * rib.h - VIPs, what they turn into on the wire, and per-peer Adj-RIB-Out.
 *
 * A VIP held by one or more owners is exported, masked to each covering
 * advertisement's aggregation length, to that advertisement's peers.  The
 * export table counts VIPs per (route, advertisement) so an aggregate is
 * announced with its first VIP and withdrawn with its last.  Each peer's
 * Adj-RIB-Out remembers what was sent, so every change becomes only the
 * difference, packed into as few UPDATEs as fit.
 *
 * Pure: no sockets, no clock, no logging.  The daemon calls in with
 * changes and hands rib_peer_flush() a function that queues bytes.
 */
#ifndef LBBGP_RIB_H
#define LBBGP_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "fsm/prefix.h"

struct rib;

/* What a session negotiated, as far as building UPDATEs depends on it. */
struct rib_session {
	bool ebgp;
	uint32_t local_as;
	bool as4;		/* RFC 6793 negotiated */
	bool v4;		/* IPv4 unicast negotiated */
	bool v6;		/* IPv6 unicast negotiated */
	struct prefix nexthop4;	/* AFI_NONE: IPv4 routes cannot be sent */
	struct prefix nexthop6;	/* AFI_NONE: IPv6 routes cannot be sent */
	size_t max_msg;		/* 4096, or 65535 with RFC 8654 */
};

/* Control-protocol errors: a stable code and a sentence (issue 3). */
enum rib_err {
	RIB_OK = 0,
	RIB_E_NOT_IN_POOL,
	RIB_E_WRONG_POOL,
	RIB_E_UNKNOWN_POOL,
	RIB_E_VIP_IN_USE,
	RIB_E_NOT_HELD,
	RIB_E_POOL_EXHAUSTED,
	RIB_E_NO_POOL,
	RIB_E_BAD_ADDRESS,
	RIB_E_STATIC,
	RIB_E_NOMEM,
	RIB_E_MAX
};

struct rib_res {
	enum rib_err err;
	char msg[256];
};

/* "not-in-pool" etc. */
const char *rib_err_code(enum rib_err e);

/* A request to hold a VIP. */
struct vip_req {
	const char *owner;		/* required */
	const char *pool;		/* NULL: the pool holding the address */
	const char *sharing_key;	/* NULL: no sharing */
	const uint32_t *communities;	/* added to the advertisement's */
	size_t ncommunities;
	bool is_static;			/* from the config file */
};

/* Build the RIB for a config; static VIPs of the config are added. */
struct rib *rib_new(const struct conf *c, struct rib_res *res);
void rib_free(struct rib *r);

bool rib_vip_add(struct rib *r, const struct prefix *vip,
    const struct vip_req *req, struct rib_res *res);
bool rib_vip_withdraw(struct rib *r, const struct prefix *vip,
    const char *owner, struct rib_res *res);
size_t rib_vip_count(const struct rib *r);

/* Sessions: up starts a full announcement, down forgets what was sent. */
void rib_peer_up(struct rib *r, size_t peer, const struct rib_session *s);
void rib_peer_down(struct rib *r, size_t peer);
bool rib_peer_is_up(const struct rib *r, size_t peer);
/* Send the whole Adj-RIB-Out again (a route refresh request). */
void rib_peer_resend(struct rib *r, size_t peer);

typedef void rib_emit_fn(void *ctx, const uint8_t *msg, size_t len);

/*
 * Emit pending changes for a peer as UPDATE messages, stopping once about
 * budget bytes went out.  Returns true when nothing is left pending.
 */
bool rib_peer_flush(struct rib *r, size_t peer, size_t budget,
    rib_emit_fn *emit, void *ctx);
/* Prefixes currently announced to the peer (Adj-RIB-Out size). */
size_t rib_peer_announced(const struct rib *r, size_t peer);
/* Changes waiting to be sent. */
size_t rib_peer_pending(const struct rib *r, size_t peer);

/*
 * End-of-RIB for a family (RFC 4724 §2): an empty UPDATE for IPv4, an
 * MP_UNREACH_NLRI with only AFI/SAFI otherwise.  Returns the length.
 */
size_t rib_eor_encode(uint8_t *buf, size_t cap, uint16_t afi);

/* Iterate the peer's Adj-RIB-Out: calls fn per announced prefix. */
void rib_peer_walk(const struct rib *r, size_t peer,
    void (*fn)(const struct prefix *p, void *arg), void *arg);

#endif
