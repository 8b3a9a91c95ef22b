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
struct bgp_update;

/* What a session negotiated, as far as building UPDATEs depends on it. */
struct rib_session {
	bool ebgp;
	uint32_t local_as;
	bool as4;		/* RFC 6793 negotiated */
	bool v4;		/* IPv4 unicast negotiated */
	bool v6;		/* IPv6 unicast negotiated */
	struct prefix nexthop4;	/* AFI_NONE: IPv4 routes cannot be sent */
	struct prefix nexthop6;	/* AFI_NONE: IPv6 routes cannot be sent */
	/*
	 * RFC 8950 negotiated: IPv4 routes go in MP_REACH_NLRI (AFI 1) with
	 * nexthop6 and no NEXT_HOP, their withdrawals in MP_UNREACH_NLRI;
	 * nexthop4 is not used then.
	 */
	bool v4_mp_nh6;
	size_t max_msg;		/* 4096, or 65535 with RFC 8654 */
};

/*
 * Control-protocol errors: a stable code and a sentence.  The control
 * socket answers with these values as they are; rib_err_code() is the
 * one place that spells them.
 */
enum rib_err {
	RIB_OK = 0,
	RIB_E_NOT_IN_POOL,
	RIB_E_WRONG_POOL,
	RIB_E_UNKNOWN_POOL,
	RIB_E_VIP_IN_USE,
	RIB_E_NOT_HELD,
	RIB_E_POOL_EXHAUSTED,
	RIB_E_BAD_ADDRESS,
	RIB_E_STATIC,
	RIB_E_NOMEM,
	RIB_E_NO_CHECK,
	RIB_E_MAX
};

struct rib_res {
	enum rib_err err;
	char msg[256];
};

/* "not-in-pool" etc. */
const char *rib_err_code(enum rib_err e);

/* One holder of a VIP (read-only outside rib/). */
struct vip_owner {
	const char *name;	/* interned: one copy per distinct name */
	const char *key;	/* sharing key, interned; NULL when none */
	uint32_t *comm;		/* per-VIP communities of this owner */
	uint16_t ncomm;
	bool is_static;		/* from a vip line of the config */
	uint16_t check;		/* 1 + index into conf->checks; 0: none (the
				 * pool's check, if any, applies) */
};

/*
 * A VIP and its holders (read-only outside rib/).  Almost every VIP has
 * one owner: it lives in the struct, further ones in more[]; read them
 * with vip_owner().
 */
struct vip {
	struct prefix addr;	/* AFI_NONE: a free slot of the table */
	uint16_t pool;		/* index into conf->pools */
	uint16_t nowners;
	uint16_t necomm;
	struct vip_owner first;
	struct vip_owner *more;	/* owners 1 .. nowners - 1 */
	uint32_t *ecomm;	/* union of the owners' communities, sorted */
};

static inline const struct vip_owner *vip_owner(const struct vip *v,
    uint32_t i)
{
	return i == 0 ? &v->first : &v->more[i - 1];
}

/* A request to hold a VIP. */
struct vip_req {
	const char *owner;		/* required */
	const char *pool;		/* NULL: the pool holding the address */
	const char *sharing_key;	/* NULL: no sharing */
	const uint32_t *communities;	/* added to the advertisement's */
	size_t ncommunities;
	bool is_static;			/* from the config file */
	const char *check;		/* health check by name; NULL: none */
};

/* Build the RIB for a config; static VIPs of the config are added. */
struct rib *rib_new(const struct conf *c, struct rib_res *res);

/*
 * Reload: every run-time owner of every VIP of `from` is added to r, in
 * the pool of r's config that holds the address (static VIPs come from
 * r's own config).  An owner r refuses (the address is in no pool any
 * more, ...) goes to fail().  Returns the number of owners added.
 */
typedef void rib_migrate_fail_fn(void *arg, const struct vip *v,
    const struct vip_owner *o, const struct rib_res *res);
size_t rib_vips_migrate(struct rib *r, const struct rib *from,
    rib_migrate_fail_fn *fail, void *arg);
void rib_free(struct rib *r);
const struct conf *rib_conf(const struct rib *r);

/*
 * Told when a VIP gets its first owner (present true) and when it loses
 * its last (present false), whichever request did it: single or batch add
 * and withdraw, allocate, the state file.  Static VIPs of the config are
 * added by rib_new(), before a hook can be set: walk the VIPs once after
 * setting it.  fn NULL removes the hook.  The hook must not change the RIB.
 */
typedef void rib_vip_hook_fn(void *ctx, const struct prefix *vip,
    bool present);
void rib_set_vip_hook(struct rib *r, rib_vip_hook_fn *fn, void *ctx);

/*
 * Suspended: no route is wanted for any peer (a tracked interface is
 * down).  Sessions stay up; what was sent is withdrawn, and everything
 * is announced again when the suspension ends.
 */
void rib_set_suspended(struct rib *r, bool on);
bool rib_is_suspended(const struct rib *r);

bool rib_vip_add(struct rib *r, const struct prefix *vip,
    const struct vip_req *req, struct rib_res *res);
bool rib_vip_withdraw(struct rib *r, const struct prefix *vip,
    const char *owner, struct rib_res *res);
/*
 * Batches: every VIP is checked first, then all are applied, so a batch
 * succeeds or changes nothing.  On failure *bad is the index of the first
 * VIP refused.  *changed counts VIPs newly announced / no longer announced.
 */
bool rib_vips_add(struct rib *r, const struct prefix *vips, size_t n,
    const struct vip_req *req, size_t *bad, size_t *changed,
    struct rib_res *res);
bool rib_vips_withdraw(struct rib *r, const struct prefix *vips, size_t n,
    const char *owner, size_t *bad, size_t *changed, struct rib_res *res);
/*
 * The same batches a slice at a time, so that a million VIPs never hold
 * the caller for long: rib_batch_step() does at most `max` VIPs' worth of
 * work (checking, then applying) and says whether the batch is done.  It
 * still succeeds or changes nothing, as long as nothing else adds or
 * withdraws VIPs, or reloads, between its steps: the caller's to ensure.
 * vips and the strings of req (or owner) must live until it is done.
 */
struct rib_batch {
	const struct prefix *vips;
	size_t n;
	bool withdraw;
	struct vip_req req;		/* add */
	const char *owner;		/* withdraw */
	bool applying;			/* every VIP checked */
	size_t next;			/* the next VIP of this pass */
	size_t bad;			/* failed: the VIP refused */
	size_t changed;			/* as above */
};
enum rib_batch_rc { RIB_BATCH_MORE, RIB_BATCH_OK, RIB_BATCH_FAILED };
void rib_batch_add(struct rib_batch *b, const struct prefix *vips, size_t n,
    const struct vip_req *req);
void rib_batch_withdraw(struct rib_batch *b, const struct prefix *vips,
    size_t n, const char *owner);
/* Failed: res says why, b->bad which VIP. */
enum rib_batch_rc rib_batch_step(struct rib *r, struct rib_batch *b,
    size_t max, struct rib_res *res);
size_t rib_vip_count(const struct rib *r);
/* Iterate: for (v = rib_vip_next(r, NULL); v; v = rib_vip_next(r, v)). */
const struct vip *rib_vip_next(const struct rib *r, const struct vip *prev);
const struct vip *rib_vip_find(const struct rib *r, const struct prefix *addr);
/* Going through vips[] in order?  Call with each i to have the VIP a few
 * places ahead loaded into the cache while this one is worked on. */
void rib_vip_prefetch(const struct rib *r, const struct prefix *vips,
    size_t n, size_t i);

/*
 * Allocate an address (the control protocol's allocate): the one
 * requested in *want, else an address shared under req->sharing_key,
 * else the lowest free one of req->pool or of the first auto-assign pool
 * with room.
 */
bool rib_allocate(struct rib *r, const struct vip_req *req,
    const struct prefix *want, struct prefix *out, struct rib_res *res);
/*
 * The address allocate would take, and its pool (a name of the config),
 * without taking it: for the fleet, which takes it in etcd first.  Free
 * addresses taken() says yes to are passed over (NULL: none).
 */
typedef bool rib_taken_fn(void *ctx, const struct prefix *a);
bool rib_allocate_pick(struct rib *r, const struct vip_req *req,
    rib_taken_fn *taken, void *ctx, struct prefix *out, const char **pool,
    struct rib_res *res);

struct rib_pool_usage {
	uint64_t size;		/* addresses, saturating; avoid-buggy-ips
				 * addresses not counted */
	uint64_t used;
	uint64_t free;
};
void rib_pool_usage(const struct rib *r, size_t pool,
    struct rib_pool_usage *u);

/* ---- health and drain ---------------------------------------------------
 *
 * A check's probe results drive its state with rise/fall hysteresis; the
 * first result after start (or after the disable-file went away) sets it
 * directly.  A VIP is up while any holder of it is up or has no check
 * (an owner without a check of its own is bound to its pool's).  A VIP
 * none of whose checks has reported yet is not announced; a down VIP is
 * withdrawn, or kept with its check's on-down marks (MED, prepends,
 * communities); a disabled check's VIPs drain.  A draining route carries
 * GRACEFUL_SHUTDOWN (RFC 8326), and LOCAL_PREF 0 on iBGP, until its
 * deadline, then is withdrawn; its owners keep holding it.  The daemon
 * gives the time (milliseconds, any epoch that does not go back).
 */
enum rib_check_state {
	RIB_CHECK_PENDING,	/* no result yet */
	RIB_CHECK_UP,
	RIB_CHECK_DOWN,
	RIB_CHECK_DISABLED,
};
enum rib_probe { RIB_PROBE_PASS, RIB_PROBE_FAIL, RIB_PROBE_DISABLED };

const char *rib_check_state_name(enum rib_check_state s);

/* A probe's result for check i of the config; true when the check's
 * state changed (its VIPs are re-evaluated then). */
bool rib_check_result(struct rib *r, size_t check, enum rib_probe res,
    const char *reason, double latency, uint64_t now_ms);

struct rib_check_info {
	enum rib_check_state state;
	uint64_t since_ms;	/* of the state; 0: never changed */
	uint32_t passes;	/* consecutive */
	uint32_t fails;		/* consecutive */
	uint64_t transitions;
	bool has_last;		/* a probe has reported */
	enum rib_probe last;
	const char *reason;	/* of the last result */
	double latency;		/* of the last result, seconds */
	uint64_t last_ms;
	bool drain_over;	/* disabled, and drain-time has run out */
};
void rib_check_info(const struct rib *r, size_t check,
    struct rib_check_info *out);
/* VIPs bound to the check (a walk of the VIP table). */
size_t rib_check_vips(const struct rib *r, size_t check);
/* Some check bound to a VIP has not reported yet. */
bool rib_checks_pending(const struct rib *r);

enum rib_drain { RIB_DRAIN_NONE, RIB_DRAINING, RIB_DRAINED };

/*
 * Drain (on) VIPs for secs seconds, or undrain them.  Every VIP must be
 * held; a batch is checked first and then applied.  *changed counts VIPs
 * whose drain changed.  A VIP draining already keeps its deadline.
 */
bool rib_vips_drain(struct rib *r, const struct prefix *vips, size_t n,
    bool on, uint32_t secs, uint64_t now_ms, size_t *bad, size_t *changed,
    struct rib_res *res);
/* The same for every VIP of a pool (SIZE_MAX: every VIP); changed. */
size_t rib_pool_drain(struct rib *r, size_t pool, bool on, uint32_t secs,
    uint64_t now_ms);
/* Deadlines that passed: those routes are withdrawn.  Returns the next
 * deadline, or 0 when nothing waits. */
uint64_t rib_drain_tick(struct rib *r, uint64_t now_ms);
/* VIPs whose routes carry GRACEFUL_SHUTDOWN now. */
size_t rib_draining(const struct rib *r);
/* Reload: check states (by name), their counters and the drains of the
 * RIB this one replaces; call before rib_vips_migrate(). */
void rib_health_adopt(struct rib *r, const struct rib *from);

/*
 * Fleet (docs/FLEET.md, claims.c): a VIP of an `announce one` pool is
 * announced only while this host holds its claim (announcers/ADDRESS in
 * etcd) and does not withhold its claims.  A claim is by address, with or
 * without the VIP in the RIB yet.  rib_claim() is true when it changed.
 */
bool rib_claim(struct rib *r, const struct prefix *vip, bool held);
bool rib_claimed(const struct rib *r, const struct prefix *vip);
size_t rib_claims(const struct rib *r);
/* Is vip held, in an `announce one` pool? */
bool rib_pool_is_one(const struct rib *r, const struct prefix *vip);
/* Keep-alives failing past the deadline: no claimed VIP shows. */
void rib_withhold_claims(struct rib *r, bool on);
bool rib_claims_withheld(const struct rib *r);
/* Drop the claims keep() says no to (the fleet read etcd again). */
void rib_claims_keep(struct rib *r, bool (*keep)(void *ctx,
    const struct prefix *vip), void *ctx);
/* Reload: the claims of the old RIB. */
void rib_claims_adopt(struct rib *r, const struct rib *from);

struct rib_vip_status {
	const char *health;	/* "up", "down", "pending", "disabled", or
				 * NULL when no check is bound */
	enum rib_drain drain;
	bool shown;		/* its routes are wanted */
};
void rib_vip_status(const struct rib *r, const struct vip *v,
    struct rib_vip_status *st);
/* Would v be up where up() says which checks are (another host of the
 * fleet, from its published states)?  Any holder up or unchecked. */
typedef bool rib_check_up_fn(void *ctx, const char *check);
bool rib_vip_up_where(const struct rib *r, const struct vip *v,
    rib_check_up_fn *up, void *ctx);

/* The route a VIP makes through an advertisement: VIP masked to its
 * aggregation length. */
struct prefix rib_route_of(const struct rib *r, const struct vip *v,
    size_t adv);
/* Advertisements covering a pool. */
size_t rib_pool_advs(const struct rib *r, size_t pool, const uint16_t **advs);
/* True when the route is in the peer's Adj-RIB-Out right now. */
bool rib_peer_has(const struct rib *r, size_t peer, const struct prefix *route);

/* Sessions: up starts a full announcement, down forgets what was sent. */
void rib_peer_up(struct rib *r, size_t peer, const struct rib_session *s);
void rib_peer_down(struct rib *r, size_t peer);
bool rib_peer_is_up(const struct rib *r, size_t peer);
/*
 * Reload: the session of from_peer in the RIB `from` goes on as `peer`
 * here, under a new config.  What was sent to it is taken over, and the
 * first flush sends only the difference: routes whose attributes the new
 * config changes, routes it adds, withdrawals of routes it drops.  s is
 * the session as the new config sees it (next hops may have changed).
 */
void rib_peer_adopt(struct rib *r, size_t peer, const struct rib *from,
    size_t from_peer, const struct rib_session *s);
/* Send the Adj-RIB-Out of a family (0: all) again: a route refresh. */
void rib_peer_resend(struct rib *r, size_t peer, uint16_t afi);

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

/* A received route, for show rib in. */
struct rib_in_route {
	struct prefix prefix;
	struct prefix nexthop;
	bool as4;		/* how to read AS numbers in attrs */
	const uint8_t *attrs;	/* path attributes as received (kept ones) */
	size_t attrs_len;
};

/* Adj-RIB-In: received routes, validated, kept for display only. */
void rib_in_update(struct rib *r, size_t peer, const struct bgp_update *u,
    bool as4);
void rib_in_clear(struct rib *r, size_t peer);
/*
 * Keep the peer's routes of a family (0: all) as stale: a route the peer
 * sends again is fresh; rib_in_purge_stale() drops the rest and returns
 * how many (graceful restart, enhanced route refresh).
 */
void rib_in_mark_stale(struct rib *r, size_t peer, uint16_t afi);
size_t rib_in_purge_stale(struct rib *r, size_t peer, uint16_t afi);
size_t rib_in_count(const struct rib *r, size_t peer);
/* Reload: the peer's Adj-RIB-In in another RIB becomes its own here. */
void rib_in_adopt(struct rib *r, size_t peer, const struct rib *from,
    size_t from_peer);
void rib_in_walk(const struct rib *r, size_t peer,
    void (*fn)(const struct rib_in_route *rt, void *arg), void *arg);

/*
 * End-of-RIB for a family (RFC 4724 §2): an empty UPDATE for IPv4, an
 * MP_UNREACH_NLRI with only AFI/SAFI otherwise.  Returns the length.
 */
size_t rib_eor_encode(uint8_t *buf, size_t cap, uint16_t afi);

/* What a route in an Adj-RIB-Out carries, for show rib out. */
struct rib_out_route {
	struct prefix prefix;
	struct prefix nexthop;
	bool ebgp;		/* AS_PATH [local_as] x (1 + prepend); else empty */
	uint32_t local_as;
	uint8_t prepend;
	bool has_local_pref;
	uint32_t local_pref;
	bool has_med;
	uint32_t med;
	const uint32_t *comm;	/* sorted */
	size_t ncomm;
	const struct large_community *large;
	size_t nlarge;
};

/* Iterate the peer's Adj-RIB-Out. */
void rib_peer_walk(struct rib *r, size_t peer,
    void (*fn)(const struct rib_out_route *rt, void *arg), void *arg);

#endif
