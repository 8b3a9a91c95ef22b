/*
 * diff.c - what a reload changes: which statements of a neighbor need a
 * new BGP session, whether this host is still the same one of its fleet,
 * and which checks, pools and advertisements are new, gone or
 * different.  Pure: the daemon (bgpd/reload.c) decides what to do.
 */
#include "conf/parse_int.h"
#include "util/buf.h"

#include <string.h>

/*
 * The OPEN, the TCP connection or the socket options depend on these; a
 * change needs a new session: extended-next-hop is a capability of the
 * OPEN (RFC 8950), vrf the device the sockets are bound to.  The others
 * (next hops, timers that apply later, max-prefix, description,
 * shutdown, track-interface, and every bfd statement: the daemon starts,
 * stops or retunes BFD beside a running session) are applied to the
 * running session.  In the order a change is reported.
 */
static const uint32_t session_stmts[] = {
	NBR_SET_ADDRESS, NBR_SET_PORT, NBR_SET_REMOTE_AS, NBR_SET_LOCAL_AS,
	NBR_SET_LOCAL_ADDRESS, NBR_SET_HOLD_TIME, NBR_SET_KEEPALIVE,
	NBR_SET_PASSIVE, NBR_SET_PASSWORD, NBR_SET_MULTIHOP,
	NBR_SET_TTL_SECURITY, NBR_SET_GRACEFUL_RESTART,
	NBR_SET_EXTENDED_NEXT_HOP, NBR_SET_VRF,
};
#define NSESSION	(NELEM(session_stmts))

const char *conf_session_change(const struct conf_neighbor *a,
    const struct conf_neighbor *b)
{
	for (size_t i = 0; i < NSESSION; i++) {
		const struct kw *k = conf_neighbor_kw(session_stmts[i]);
		/* graceful-restart, a KW_FN row: its two values here. */
		if (!conf_kw_value_eq(k, a, b) ||
		    (k->bit == NBR_SET_GRACEFUL_RESTART &&
		    (a->graceful_restart != b->graceful_restart ||
		    a->restart_time != b->restart_time)))
			return k->name;
	}
	return NULL;
}

const char *conf_fleet_identity_change(const struct conf_fleet *a,
    const struct conf_fleet *b)
{
	/* The lease and the keys of hosts/NODE are this identity's: a
	 * running host cannot move them to another. */
	if (a == NULL || b == NULL)
		return a == b ? NULL : "fleet";
	if (!conf_str_eq(a->cluster, b->cluster))
		return "cluster";
	return conf_str_eq(a->node, b->node) ? NULL : "node";
}

bool conf_fleet_same_identity(const struct conf_fleet *a,
    const struct conf_fleet *b)
{
	return conf_fleet_identity_change(a, b) == NULL;
}

static const struct conf_adv *adv_named(const struct conf *c,
    const char *name)
{
	return conf_find_named(c->advs, c->nadvs, sizeof(*c->advs), name);
}

typedef void diff_fn(void *arg, const char *kind, const char *name,
    enum conf_change ch);

static bool pool_eq(const void *a, const void *b)
{
	return conf_pool_eq(a, b);
}

static bool check_eq(const void *a, const void *b)
{
	return conf_check_eq(a, b);
}

/* Blocks compared as written: o (no of them) and n (nn), each size
 * bytes and named by its first member. */
static void diff_named(const char *kind, const void *o, size_t no,
    const void *n, size_t nn, size_t size,
    bool (*eq)(const void *, const void *), diff_fn *fn, void *arg)
{
	for (size_t i = 0; i < nn; i++) {
		const void *x = (const char *)n + i * size;
		const char *name = *(char *const *)x;
		const void *was = conf_find_named(o, no, size, name);
		if (was == NULL)
			fn(arg, kind, name, CONF_ADDED);
		else if (!eq(was, x))
			fn(arg, kind, name, CONF_CHANGED);
	}
	for (size_t i = 0; i < no; i++) {
		const char *name = *(char *const *)((const char *)o + i * size);
		if (conf_find_named(n, nn, size, name) == NULL)
			fn(arg, kind, name, CONF_REMOVED);
	}
}

void conf_diff_blocks(const struct conf *old, const struct conf *nc,
    diff_fn *fn, void *arg)
{
	/* Checks first: a pool may name a new one. */
	diff_named("check", old->checks, old->nchecks, nc->checks,
	    nc->nchecks, sizeof(*nc->checks), check_eq, fn, arg);
	diff_named("pool", old->pools, old->npools, nc->pools, nc->npools,
	    sizeof(*nc->pools), pool_eq, fn, arg);
	/* An advertisement is compared as written, and by what it covers:
	 * with no pools or peers listed, a new pool or neighbor changes it. */
	for (size_t i = 0; i < nc->nadvs; i++) {
		const struct conf_adv *n = &nc->advs[i];
		const struct conf_adv *o = adv_named(old, n->name);
		bool same = o != NULL && conf_adv_eq(o, n) &&
		    o->npool_idx == n->npool_idx && o->npeer_idx == n->npeer_idx;
		for (size_t k = 0; same && k < n->npool_idx; k++)
			same = strcmp(old->pools[o->pool_idx[k]].name,
			    nc->pools[n->pool_idx[k]].name) == 0;
		for (size_t k = 0; same && k < n->npeer_idx; k++)
			same = strcmp(old->neighbors[o->peer_idx[k]].name,
			    nc->neighbors[n->peer_idx[k]].name) == 0;
		if (o == NULL)
			fn(arg, "advertisement", n->name, CONF_ADDED);
		else if (!same)
			fn(arg, "advertisement", n->name, CONF_CHANGED);
	}
	for (size_t i = 0; i < old->nadvs; i++)
		if (adv_named(nc, old->advs[i].name) == NULL)
			fn(arg, "advertisement", old->advs[i].name,
			    CONF_REMOVED);
}
