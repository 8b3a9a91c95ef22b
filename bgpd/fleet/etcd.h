/*
 * etcd.h - an asynchronous client of etcd v3 (3.4 and later) for lbbgpd,
 * through etcd's JSON gateway (HTTP POST of JSON to /v3/...), on the
 * daemon's libev loop.  The fleet (docs/FLEET.md) is its one user.
 *
 * Every request is asynchronous: it returns at once, and its callback is
 * called later from the loop, never from inside the call that made the
 * request.  A request goes to the current endpoint; one that cannot be
 * reached, answers 5xx, says it has no leader or does not answer within
 * the timeout makes the request go to the next endpoint (each endpoint
 * is tried once per request), and the next one becomes current.  A
 * transaction with a put or delete in it is sent again only when it
 * cannot have been applied (no connection, or "no leader", which etcd
 * says before it proposes anything); otherwise it fails with
 * maybe_applied set and the caller reads before it writes again.
 *
 * Every request carries the gateway's form of gRPC metadata
 * "hasleader": a member without a leader answers 503 "etcdserver: no
 * leader" at once instead of waiting some 7 s to say "request timed
 * out".
 *
 * It must never block the loop: no synchronous curl call, the threaded
 * resolver, replies bounded (max_reply) and parsed as they arrive.  It
 * decides nothing about the fleet: what keys mean is the caller's.
 */
#ifndef LBBGP_ETCD_H
#define LBBGP_ETCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct etcd;
struct etcd_watch;

/* What became of a request. */
enum etcd_err {
	ETCD_OK,
	ETCD_E_UNAVAILABLE,	/* no endpoint answered (refused, timeout,
				 * 5xx, garbage) */
	ETCD_E_NO_LEADER,	/* a member answered that the cluster has
				 * no leader (no quorum), none did better */
	ETCD_E_COMPACTED,	/* the revision asked for is compacted */
	ETCD_E_LEASE_GONE,	/* the lease does not exist (any more) */
	ETCD_E_FAILED,		/* etcd refused the request (msg says why) or
				 * its reply was too large */
};
#define ETCD_NERR	(ETCD_E_FAILED + 1)

/* "ok", "unavailable", "no-leader", "compacted", "lease-gone", "failed". */
const char *etcd_err_name(enum etcd_err err);

/* TLS for https:// endpoints; any member may be NULL. */
struct etcd_tls {
	const char *ca;		/* CA bundle (PEM) that signed the servers */
	const char *cert;	/* client certificate (PEM) */
	const char *key;	/* its key (PEM) */
};

/* Limits; a 0 keeps the default. */
struct etcd_tuning {
	unsigned timeout_ms;	/* one try at one endpoint (2000) */
	unsigned page;		/* keys per range reply (10000) */
	size_t max_reply;	/* bytes of one reply or watch message
				 * (64 MiB) */
	unsigned watch_check_ms; /* an idle watch asks its member whether it
				 * still has a leader this often (2000) */
};

/* One key-value pair.  key and value are also NUL-terminated. */
struct etcd_kv {
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len;
	int64_t create_rev, mod_rev, version, lease;
};

enum etcd_op_kind { ETCD_OP_RANGE, ETCD_OP_PUT, ETCD_OP_DELETE };

/* An operation of a transaction.  end: NULL for the key alone, else the
 * end of the range [key, end) (etcd_prefix_end() for a prefix). */
struct etcd_op {
	enum etcd_op_kind kind;
	const char *key;
	const char *end;		/* range, delete */
	const char *value;		/* put */
	size_t value_len;
	int64_t lease;			/* put: 0 for none */
};

enum etcd_cmp_target {
	ETCD_CMP_CREATE,	/* create_revision (0: the key is absent) */
	ETCD_CMP_MOD,		/* mod_revision */
	ETCD_CMP_VERSION,	/* version (0: absent) */
	ETCD_CMP_VALUE,
};
enum etcd_cmp_result { ETCD_CMP_EQ, ETCD_CMP_NE, ETCD_CMP_LT, ETCD_CMP_GT };

/* A condition of a transaction: key's target result num (or value). */
struct etcd_cmp {
	const char *key;
	enum etcd_cmp_target target;
	enum etcd_cmp_result result;
	int64_t num;			/* CREATE, MOD, VERSION */
	const char *value;		/* VALUE */
	size_t value_len;
};

/* The reply of one operation of a transaction. */
struct etcd_op_reply {
	enum etcd_op_kind kind;
	const struct etcd_kv *kvs;	/* range */
	size_t nkvs;
	int64_t deleted;		/* delete */
};

/* A reply; valid during the callback only. */
struct etcd_reply {
	enum etcd_err err;
	const char *msg;	/* not ok: what went wrong, with the endpoint
				 * ("http://10.0.0.5:2379: connection refused;
				 * ..."); "" when ok */
	const char *endpoint;	/* the endpoint that answered */
	bool maybe_applied;	/* not ok: a write reached a member and may
				 * have been applied all the same */
	int64_t rev;		/* the store's revision when it answered */
	/* etcd_range(): one page, in key order */
	const struct etcd_kv *kvs;
	size_t nkvs;
	bool more;		/* further pages follow (another call) */
	/* etcd_txn() */
	bool succeeded;		/* the comparisons held: success ops ran */
	const struct etcd_op_reply *ops;	/* of the branch that ran */
	size_t nops;
	/* etcd_delete() */
	int64_t deleted;
	/* leases */
	int64_t lease_id;
	int64_t ttl;		/* seconds; keepalive: what is left now */
	/* etcd_status() */
	uint64_t member_id;	/* the member that answered */
	uint64_t leader;	/* its leader */
	uint64_t raft_term;
};

typedef void etcd_cb(void *arg, const struct etcd_reply *r);

/*
 * A client of the etcd cluster at endpoints ("http://host:port" or
 * "https://...", tried in this order), tls for https (may be NULL).  The
 * strings are copied.  NULL when out of memory, libcurl cannot start, or
 * n is 0.
 */
struct etcd *etcd_new(struct ev_loop *loop, const char *const *endpoints,
    size_t n, const struct etcd_tls *tls);
void etcd_tune(struct etcd *e, const struct etcd_tuning *t);
/* Requests and watches still running end without a callback.  Not
 * from inside a callback of e's. */
void etcd_free(struct etcd *e);

/*
 * The requests.  Each returns false (and never calls cb) when out of
 * memory or when an argument cannot be sent; else cb is called exactly
 * once, from the loop.  Keys are text (NUL-terminated); values are bytes.
 */

/*
 * The keys in [key, end) (end NULL: key alone) at revision rev (0: the
 * latest), in pages of `page` keys: cb is called once per page, with
 * r->more set on every page but the last; all pages are read at the
 * revision of the first (r->rev), so they make one snapshot.  An error
 * ends it (ETCD_E_COMPACTED if that revision is compacted meanwhile:
 * start again).
 */
bool etcd_range(struct etcd *e, const char *key, const char *end,
    int64_t rev, etcd_cb *cb, void *arg);
/* If every cmp holds, do succ, else fail; r->succeeded says which. */
bool etcd_txn(struct etcd *e, const struct etcd_cmp *cmp, size_t ncmp,
    const struct etcd_op *succ, size_t nsucc, const struct etcd_op *fail,
    size_t nfail, etcd_cb *cb, void *arg);
bool etcd_put(struct etcd *e, const char *key, const void *value,
    size_t len, int64_t lease, etcd_cb *cb, void *arg);
bool etcd_delete(struct etcd *e, const char *key, const char *end,
    etcd_cb *cb, void *arg);
/* r->lease_id, r->ttl. */
bool etcd_lease_grant(struct etcd *e, int64_t ttl, etcd_cb *cb, void *arg);
/* r->ttl; ETCD_E_LEASE_GONE once it has expired. */
bool etcd_lease_keepalive(struct etcd *e, int64_t id, etcd_cb *cb,
    void *arg);
bool etcd_lease_revoke(struct etcd *e, int64_t id, etcd_cb *cb, void *arg);
/* The first member that has a leader: r->member_id, r->leader,
 * r->raft_term; ETCD_E_NO_LEADER when none has. */
bool etcd_status(struct etcd *e, etcd_cb *cb, void *arg);

/* The end of the range of keys that start with prefix, into buf (at
 * least strlen(prefix) + 1 bytes); false if there is none (all 0xff). */
bool etcd_prefix_end(const char *prefix, char *buf, size_t size);

/* ---- watch ---------------------------------------------------------- */

enum etcd_event_type { ETCD_EV_PUT, ETCD_EV_DELETE };

struct etcd_event {
	enum etcd_event_type type;
	struct etcd_kv kv;		/* DELETE: key and mod_rev only */
	const struct etcd_kv *prev;	/* the kv before, NULL if none */
};

enum etcd_watch_kind {
	ETCD_WATCH_STARTED,	/* the stream is up (first, or again after
				 * LOST): events from next_rev on follow */
	ETCD_WATCH_EVENTS,	/* events, in revision order */
	ETCD_WATCH_PROGRESS,	/* nothing new up to rev */
	ETCD_WATCH_LOST,	/* the stream broke (err, msg): it is tried
				 * again, next endpoint first, from
				 * next_rev; reported once per outage */
	ETCD_WATCH_ENDED,	/* over for good (err: ETCD_E_COMPACTED, with
				 * compact_rev, or ETCD_E_FAILED): read
				 * again and watch anew */
};

struct etcd_watch_update {
	enum etcd_watch_kind kind;
	enum etcd_err err;		/* LOST, ENDED */
	const char *msg;		/* LOST, ENDED */
	const char *endpoint;
	int64_t rev;			/* the header revision */
	int64_t next_rev;		/* everything before it has been seen */
	int64_t compact_rev;		/* ENDED/COMPACTED: oldest left */
	double outage;			/* STARTED after LOST: seconds lost */
	const struct etcd_event *events;	/* EVENTS */
	size_t nevents;
};

/* Valid during the call only.  It may call etcd_watch_cancel(). */
typedef void etcd_watch_cb(void *arg, const struct etcd_watch_update *u);

/*
 * Watch [key, end) (end NULL: key alone) from start_rev (0: from now on)
 * with one streaming request, events with their previous kv.  After
 * ENDED the watch is freed: the handle must not be used again.  NULL
 * when out of memory.
 */
struct etcd_watch *etcd_watch(struct etcd *e, const char *key,
    const char *end, int64_t start_rev, etcd_watch_cb *cb, void *arg);
/* Stop it; cb is not called again. */
void etcd_watch_cancel(struct etcd_watch *w);

/* ---- endpoints, for show fleet ------------------------------------------ */

struct etcd_endpoint_info {
	const char *url;
	bool current;		/* requests go here first */
	double last_ok;		/* ev_now() of the last good answer; 0: none */
	double last_err_at;	/* of the last failure; 0: none */
	const char *last_err;	/* "" when none */
	unsigned fails;		/* failures since the last good answer */
};

size_t etcd_nendpoints(const struct etcd *e);
/* Valid until the next call into e or return to the loop. */
void etcd_endpoint(const struct etcd *e, size_t i,
    struct etcd_endpoint_info *out);

#endif
