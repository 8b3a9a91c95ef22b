/*
 * reload.c - SIGHUP and bgpctl reload: a new configuration without flaps.
 *
 * The file is parsed into a new config; any error and the running one
 * stays, untouched.  Otherwise a new RIB is built beside the running one
 * and takes over its VIPs; each neighbor is compared with its namesake:
 *
 *   kept     same session parameters: the session goes on, the new RIB
 *            adopts what was sent to it and sends only the difference
 *            (a community, local-pref, aggregation or pool change);
 *   reset    a parameter of the session changed (address, AS, hold time,
 *            password, ...): Cease/Other Configuration Change (6/6), then
 *            a new session with the new parameters;
 *   added    started;
 *   removed  Cease/Peer De-configured (6/3), and gone.
 *
 * Three phases.  reload_prepare() parses, validates, works out what
 * changes and allocates everything (new RIB, peers, sockets): it may
 * fail, and then nothing live was touched.  reload_commit() cannot fail:
 * it applies what prepare worked out and swaps the pointers.
 * reload_reply() describes the change in the reply; the old config and
 * RIB are freed last, as the reply names what they held.
 */
#include "config.h"

#include "bgpd/bgpd.h"
#include "bgpd/bfd/bfdd.h"
#include "bgpd/control/control.h"
#include "bgpd/fleet/fleetd.h"
#include "bgpd/metrics/metrics.h"
#include "bgpd/netlink/netlink.h"
#include "bgpd/state.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What becomes of a neighbor of the new config. */
enum nb_fate { NB_ADDED, NB_KEPT, NB_RESET };

struct nb_plan {
	enum nb_fate fate;
	const char *why;	/* NB_RESET: the statement that changed */
	bool start;		/* peer_start() once the new config is in */
};

/* A neighbor of the running config that the new one drops. */
struct nb_gone {
	size_t idx;		/* in d->peers */
	const char *name;	/* in the old config */
};

/* A pool or advertisement added, removed or changed. */
struct block_change {
	const char *kind;
	const char *name;	/* in the old or the new config */
	enum conf_change ch;
};

struct reload {
	struct lbbgpd *d;
	const char *file;
	struct conf *oc, *nc;
	struct rib *orib, *nrib;
	uint32_t rid;
	struct peer **npeers;	/* by new neighbor: the old peer, or new */
	struct nb_plan *plan;	/* by new neighbor */
	struct nb_gone *gone;
	size_t ngone;
	struct block_change *blocks;
	size_t nblocks, blocks_cap;
	bool blocks_nomem;
	json_object *warnings;	/* the parser's, for the reply */
	json_object *orphaned;	/* filled by the commit */
	json_object *restored;	/* filled by the commit */
};

/* The old peer a new neighbor continues, by name; NULL: a new one. */
static struct peer *old_peer(struct lbbgpd *d, const char *name)
{
	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i] != NULL &&
		    strcmp(d->peers[i]->conf->name, name) == 0)
			return d->peers[i];
	return NULL;
}

struct orphaning {
	struct state *st;
	const struct conf *old;
	json_object *list;
};

static void orphaned(void *arg, const struct vip *v,
    const struct vip_owner *o, const struct rib_res *res)
{
	struct orphaning *x = arg;
	char a[PREFIX_STRLEN];
	json_object *j = json_object_new_object();

	addr_fmt(&v->addr, a, sizeof(a));
	log_warnx("reload: %s of %s withdrawn and kept as orphaned: %s", a,
	    o->name, res->msg);
	state_orphan(x->st, v, x->old->pools[v->pool].name, o, o->check ?
	    x->old->checks[o->check - 1].name : NULL, res->msg);
	json_object_object_add(j, "vip", json_object_new_string(a));
	json_object_object_add(j, "owner", json_object_new_string(o->name));
	json_object_object_add(j, "error", json_object_new_string(res->msg));
	json_object_array_add(x->list, j);
}

static void add_name(json_object *arr, const char *name, const char *why)
{
	json_object *j = json_object_new_object();

	json_object_object_add(j, "name", json_object_new_string(name));
	if (why != NULL)
		json_object_object_add(j, "why", json_object_new_string(why));
	json_object_array_add(arr, j);
}

static const char *const change_name[] = {
	[CONF_ADDED] = "added", [CONF_REMOVED] = "removed",
	[CONF_CHANGED] = "changed",
};

static bool str_same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* ---- prepare: may fail, touches nothing live ---------------------------- */

/* The new config, or NULL after filling the reply with its errors. */
static struct conf *load_conf(struct reload *x, json_object *reply)
{
	struct conf_diag diag;

	conf_diag_init(&diag);
	struct conf *nc = conf_load_file(x->file, &diag);
	/* A check's program must exist, as at start (lbbgpd -n). */
	if (nc != NULL) {
		conf_check_host(nc, &diag);
		if (diag.nerrors > 0) {
			conf_free(nc);
			nc = NULL;
		}
	}
	json_object *msgs = json_object_new_array();
	for (size_t i = 0; i < diag.nmsgs; i++) {
		json_object_array_add(msgs, json_object_new_string(
		    diag.msgs[i]));
		if (nc == NULL)
			log_warnx("reload: %s", diag.msgs[i]);
	}
	if (nc == NULL) {
		ctl_fail(reply, CTL_E_CONFIG_ERROR, "%s has %zu error%s; the "
		    "running configuration stays in force", x->file,
		    diag.nerrors, diag.nerrors == 1 ? "" : "s");
		json_object_object_add(reply, "errors", msgs);
	} else {
		x->warnings = msgs;
	}
	conf_diag_free(&diag);
	return nc;
}

/* From conf_diff_blocks(): a record for the commit's log and the reply. */
static void block_changed(void *arg, const char *kind, const char *name,
    enum conf_change ch)
{
	struct reload *x = arg;
	struct block_change *b = array_grow(x->blocks, &x->blocks_cap,
	    x->nblocks + 1, sizeof(*b));

	if (b == NULL) {
		x->blocks_nomem = true;
		return;
	}
	x->blocks = b;
	b[x->nblocks++] = (struct block_change){ kind, name, ch };
}

/* Everything the reload needs memory for, but the new peers. */
static bool alloc_all(struct reload *x)
{
	size_t n = x->nc->nneighbors ? x->nc->nneighbors : 1;
	size_t nold = x->d->npeers ? x->d->npeers : 1;

	x->npeers = calloc(n, sizeof(*x->npeers));
	x->plan = calloc(n, sizeof(*x->plan));
	x->gone = calloc(nold, sizeof(*x->gone));
	x->orphaned = json_object_new_array();
	x->restored = json_object_new_array();
	if (x->npeers == NULL || x->plan == NULL || x->gone == NULL ||
	    x->orphaned == NULL || x->restored == NULL)
		return false;
	conf_diff_blocks(x->oc, x->nc, block_changed, x);
	return !x->blocks_nomem;
}

/*
 * Which old peer each new neighbor continues, and what becomes of it;
 * which old peers go.
 */
static void plan_neighbors(struct reload *x)
{
	struct lbbgpd *d = x->d;
	const struct conf *nc = x->nc;
	bool rid_changed = x->rid != d->router_id;

	for (size_t i = 0; i < nc->nneighbors; i++) {
		const struct conf_neighbor *nn = &nc->neighbors[i];
		struct peer *p = old_peer(d, nn->name);
		struct nb_plan *pl = &x->plan[i];
		x->npeers[i] = p;
		if (p == NULL) {
			*pl = (struct nb_plan){ NB_ADDED, NULL, true };
			continue;
		}
		pl->why = rid_changed ? "router-id" :
		    conf_session_change(p->conf, nn);
		pl->fate = pl->why == NULL ? NB_KEPT : NB_RESET;
		/* A kept session starts again only when the file no
		 * longer says shutdown. */
		pl->start = pl->fate != NB_KEPT ||
		    (!nn->shutdown && p->conf->shutdown);
	}
	for (size_t i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];
		bool stays = false;
		for (size_t j = 0; j < nc->nneighbors && !stays; j++)
			stays = x->npeers[j] == p;
		if (!stays)
			x->gone[x->ngone++] = (struct nb_gone){ i,
			    peer_name(p) };
	}
}

/* The new peers made so far (the first n neighbors), freed. */
static void free_new_peers(struct reload *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (x->plan[i].fate == NB_ADDED)
			peer_free(x->npeers[i]);
}

/*
 * New peers are made now, started by the commit: memory is the only
 * failure.  They point at the new config from the start.
 */
static bool make_peers(struct reload *x)
{
	struct lbbgpd *d = x->d;

	d->conf = x->nc;
	for (size_t i = 0; i < x->nc->nneighbors; i++) {
		if (x->plan[i].fate != NB_ADDED)
			continue;
		x->npeers[i] = peer_new(d, i);
		if (x->npeers[i] == NULL) {
			d->conf = x->oc;
			free_new_peers(x, i);
			return false;
		}
	}
	d->conf = x->oc;
	return true;
}

/*
 * Sockets: opened with the new config, the old ones closed only once the
 * new ones work.  The control sockets first: an unknown socket-group is
 * the likeliest refusal, and they can be put back.
 */
static bool reconf_sockets(struct reload *x, char *err, size_t errlen)
{
	struct lbbgpd *d = x->d;
	bool ctl_done = false, metrics_done = false;
	char undo[512];

	d->conf = x->nc;
	if ((ctl_done = ctl_reconf(d, x->oc, err, errlen)) &&
	    (metrics_done = metrics_reconf(d, x->oc, err, errlen)) &&
	    listeners_reconf(d, x->oc, err, errlen)) {
		d->conf = x->oc;
		return true;
	}
	d->conf = x->oc;
	if (metrics_done && !metrics_reconf(d, x->nc, undo, sizeof(undo)))
		log_warnx("reload: the metrics socket of the running "
		    "configuration cannot be opened again: %s", undo);
	if (ctl_done && !ctl_reconf(d, x->nc, undo, sizeof(undo)))
		log_warnx("reload: control sockets: %s", undo);
	return false;
}

/*
 * Everything that can fail, before any session is touched.  False after
 * filling the reply with the error: nothing changed, and
 * reload_free(x, false) frees what was made.
 */
static bool reload_prepare(struct reload *x, json_object *reply)
{
	struct lbbgpd *d = x->d;
	struct rib_res res = { 0 };
	char err[512];

	if (d->stopping) {
		ctl_fail(reply, CTL_E_STOPPING, "lbbgpd is shutting down");
		return false;
	}
	if ((x->nc = load_conf(x, reply)) == NULL)
		return false;
	x->oc = d->conf;
	x->orib = d->rib;
	x->nrib = rib_new(x->nc, &res);
	if (x->nrib == NULL || !alloc_all(x)) {
		ctl_fail(reply, CTL_E_RELOAD_FAILED, "%s", x->nrib == NULL &&
		    res.msg[0] ? res.msg : "out of memory");
		return false;
	}
	x->rid = x->nc->router_id_set ? x->nc->router_id : d->router_id;
	if (!x->nc->router_id_set && x->oc->router_id_set) {
		ctl_fail(reply, CTL_E_RELOAD_FAILED,
		    "router-id was removed from %s: the identifier is chosen "
		    "at start-up only; set it again or restart lbbgpd",
		    x->file);
		return false;
	}
	const char *who = conf_fleet_identity_change(x->oc->fleet,
	    x->nc->fleet);
	if (who != NULL) {
		ctl_fail(reply, CTL_E_RELOAD_FAILED, "%s changes the fleet's "
		    "%s: who this host is in etcd is set at start-up; restart "
		    "lbbgpd to change it (the running configuration stays in "
		    "force)", x->file, who);
		return false;
	}
	plan_neighbors(x);
	if (!make_peers(x)) {
		ctl_fail(reply, CTL_E_RELOAD_FAILED, "out of memory");
		return false;
	}
	if (!reconf_sockets(x, err, sizeof(err))) {
		free_new_peers(x, x->nc->nneighbors);
		ctl_fail(reply, CTL_E_RELOAD_FAILED, "%s; the running "
		    "configuration stays in force", err);
		return false;
	}
	return true;
}

/* ---- commit: cannot fail ------------------------------------------------ */

/*
 * Neighbors that go, and those that need a new session, end theirs under
 * the old config and RIB.
 */
static void stop_sessions(struct reload *x)
{
	struct lbbgpd *d = x->d;

	for (size_t k = 0; k < x->ngone; k++) {
		struct peer *p = d->peers[x->gone[k].idx];
		log_info("reload: neighbor %s removed from the "
		    "configuration", peer_name(p));
		peer_stop(p, BGP_CEASE_PEER_DECONF, "neighbor removed "
		    "from the configuration");
		peer_free(p);
		d->peers[x->gone[k].idx] = NULL;
	}
	for (size_t i = 0; i < x->nc->nneighbors; i++) {
		struct peer *p = x->npeers[i];
		if (x->plan[i].fate != NB_RESET)
			continue;
		char reason[128];
		snprintf(reason, sizeof(reason), "configuration changed: %s",
		    x->plan[i].why);
		log_info("reload: neighbor %s: %s changed, the session starts "
		    "again", peer_name(p), x->plan[i].why);
		peer_stop(p, BGP_CEASE_CONFIG_CHANGE, reason);
	}
}

/* Sessions that go on: the new RIB adopts what they were sent. */
static void move_sessions(struct reload *x)
{
	for (size_t i = 0; i < x->nc->nneighbors; i++) {
		struct peer *p = x->npeers[i];
		const struct nb_plan *pl = &x->plan[i];
		const struct conf_neighbor *nn = &x->nc->neighbors[i];
		const struct conf_neighbor *on = p->conf;
		struct rib_session s;
		if (pl->fate == NB_ADDED) {
			log_info("reload: neighbor %s added", nn->name);
			continue;
		}
		size_t old_idx = p->idx;
		bool up = pl->fate == NB_KEPT && peer_session(p, &s);
		peer_reconf(p, i, nn);
		if (up) {
			/* next hops of the new config */
			peer_session(p, &s);
			rib_peer_adopt(x->nrib, i, x->orib, old_idx, &s);
		}
		if (pl->fate == NB_KEPT)
			rib_in_adopt(x->nrib, i, x->orib, old_idx);
		/* shutdown in the file; a bgpctl down stays down. */
		if (nn->shutdown && !on->shutdown) {
			p->admin_down = true;
			if (pl->fate == NB_KEPT)
				peer_stop(p, BGP_CEASE_ADMIN_SHUTDOWN,
				    "shutdown in the configuration");
		} else if (!nn->shutdown && on->shutdown) {
			p->admin_down = false;
		}
	}
}

static size_t count_fate(const struct reload *x, enum nb_fate f)
{
	size_t n = 0;

	for (size_t i = 0; i < x->nc->nneighbors; i++)
		n += x->plan[i].fate == f;
	return n;
}

static void reload_commit(struct reload *x)
{
	struct lbbgpd *d = x->d;
	struct conf *oc = x->oc, *nc = x->nc;

	for (size_t k = 0; k < x->nblocks; k++)
		log_info("reload: %s %s %s", x->blocks[k].kind,
		    x->blocks[k].name, change_name[x->blocks[k].ch]);
	stop_sessions(x);
	/* VIPs: the new RIB takes over the run-time ones; those it
	 * refuses are orphaned, not a failure. */
	struct orphaning ox = { d->state, oc, x->orphaned };
	/* Check states and drains first, so no VIP shows for a moment
	 * as if its check had not reported yet. */
	rib_health_adopt(x->nrib, x->orib);
	rib_vips_migrate(x->nrib, x->orib, orphaned, &ox);
	rib_claims_adopt(x->nrib, x->orib);
	state_orphans_retry(d->state, x->nrib, x->restored);
	move_sessions(x);

	/* The switch. */
	d->conf = nc;
	d->rib = x->nrib;
	d->router_id = x->rid;
	free(d->peers);
	d->peers = x->npeers;
	d->npeers = nc->nneighbors;
	x->npeers = NULL;
	if (!str_same(oc->state_file, nc->state_file)) {
		log_info("reload: state file now %s", nc->state_file ?
		    nc->state_file : "none");
		state_set_path(d->state, nc->state_file);
	}
	if (!state_compact(d->state, d->rib))
		log_warnx("reload: the state file cannot be written");
	/* The host follows: VIP addresses, tracked links, imports. */
	nl_rib_replaced(d);
	if (!nl_reconf(d, oc))
		log_warnx("reload: the host integration did not follow the "
		    "whole new configuration; see the messages above");
	if (!live_reconf(d))
		log_warnx("reload: the health checks cannot follow the new "
		    "configuration (out of memory): probes stopped, every "
		    "check keeps its last state; reload again to restart "
		    "them");
	/* BFD beside the sessions, before they start: bfd-strict. */
	bfdd_reconf(d);
	/* The fleet: new endpoints or lease by a restart of its client;
	 * the RIB keeps what it holds meanwhile. */
	if (!conf_fleet_equal(oc->fleet, nc->fleet)) {
		fleetd_stop(d);
		if (!fleetd_start(d))
			log_warnx("reload: the fleet cannot start (out of "
			    "memory): announcing what is known");
	}
	fleetd_reloaded(d);
	for (size_t i = 0; i < nc->nneighbors; i++) {
		if (x->plan[i].start)
			peer_start(d->peers[i]);
		else
			peer_check_max_prefix(d->peers[i]);
	}
	log_info("reload: %s applied: %zu neighbors kept, %zu reset, %zu "
	    "added, %zu removed; %zu VIPs orphaned, %zu restored", x->file,
	    count_fate(x, NB_KEPT), count_fate(x, NB_RESET),
	    count_fate(x, NB_ADDED), x->ngone,
	    json_object_array_length(x->orphaned),
	    json_object_array_length(x->restored));
}

/* ---- reply: what changed ------------------------------------------------ */

/* {"added":[],"removed":[],"changed":[]} of one kind of block. */
static json_object *blocks_json(const struct reload *x, const char *kind)
{
	json_object *k = json_object_new_object();

	for (size_t i = 0; i < 3; i++) {
		json_object *list = json_object_new_array();
		for (size_t b = 0; b < x->nblocks; b++)
			if (x->blocks[b].ch == i &&
			    strcmp(x->blocks[b].kind, kind) == 0)
				json_object_array_add(list,
				    json_object_new_string(x->blocks[b].name));
		json_object_object_add(k, change_name[i], list);
	}
	return k;
}

static json_object *neighbors_json(const struct reload *x)
{
	const struct conf *nc = x->d->conf;
	json_object *list[3], *nb = json_object_new_object();

	for (size_t f = 0; f < 3; f++)
		list[f] = json_object_new_array();
	for (size_t i = 0; i < nc->nneighbors; i++)
		add_name(list[x->plan[i].fate], nc->neighbors[i].name,
		    x->plan[i].why);
	json_object_object_add(nb, "kept", list[NB_KEPT]);
	json_object_object_add(nb, "reset", list[NB_RESET]);
	json_object_object_add(nb, "added", list[NB_ADDED]);
	json_object *removed = json_object_new_array();
	for (size_t k = 0; k < x->ngone; k++)
		add_name(removed, x->gone[k].name, NULL);
	json_object_object_add(nb, "removed", removed);
	return nb;
}

static void reload_reply(struct reload *x, json_object *reply)
{
	json_object_object_add(reply, "file", json_object_new_string(x->file));
	json_object_object_add(reply, "neighbors", neighbors_json(x));
	json_object_object_add(reply, "pools", blocks_json(x, "pool"));
	json_object_object_add(reply, "advertisements",
	    blocks_json(x, "advertisement"));
	json_object_object_add(reply, "orphaned", x->orphaned);
	json_object_object_add(reply, "restored", x->restored);
	json_object_object_add(reply, "warnings", x->warnings);
	x->orphaned = x->restored = x->warnings = NULL;
}

/* What is left; after a commit, the old config and RIB, else the new. */
static void reload_free(struct reload *x, bool committed)
{
	json_object_put(x->warnings);
	json_object_put(x->orphaned);
	json_object_put(x->restored);
	free(x->npeers);
	free(x->plan);
	free(x->gone);
	free(x->blocks);
	rib_free(committed ? x->orib : x->nrib);
	conf_free(committed ? x->oc : x->nc);
}

void reload_signal(struct lbbgpd *d)
{
	json_object *reply, *ok;

	/* A batch being applied in slices must see one config throughout. */
	if (ctl_job_running(d)) {
		if (!d->reload_deferred)
			log_info("SIGHUP: the reload waits for a batch of VIPs "
			    "being applied");
		d->reload_deferred = true;
		return;
	}
	log_info("SIGHUP: reloading %s", d->opts->conf_file);
	reply = json_object_new_object();
	json_object_object_add(reply, "ok", json_object_new_boolean(1));
	reload_run(d, reply);
	json_object_object_get_ex(reply, "ok", &ok);
	if (!json_object_get_boolean(ok))
		log_warnx("SIGHUP: reload refused: %s",
		    json_object_get_string(json_object_object_get(reply,
		    "error")));
	json_object_put(reply);
}

void reload_run(struct lbbgpd *d, json_object *reply)
{
	struct reload x = { .d = d, .file = d->opts->conf_file };

	if (!reload_prepare(&x, reply)) {
		reload_free(&x, false);
		return;
	}
	reload_commit(&x);
	reload_reply(&x, reply);
	reload_free(&x, true);
}
