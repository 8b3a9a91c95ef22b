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
 * Everything that can fail (sockets to open, memory) is done before the
 * first session is touched, so a failed reload changes nothing.
 */
#include "config.h"

#include "bgpd/bgpd.h"
#include "bgpd/control/control.h"
#include "bgpd/metrics/metrics.h"
#include "bgpd/netlink/netlink.h"
#include "bgpd/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	state_orphan(x->st, v, x->old->pools[v->pool].name, o, res->msg);
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

/* {"added":[],"removed":[],"changed":[]} */
static json_object *changes_new(void)
{
	json_object *k = json_object_new_object();

	for (size_t i = 0; i < 3; i++)
		json_object_object_add(k, change_name[i],
		    json_object_new_array());
	return k;
}

/* blocks: {"pool": changes, "advertisement": changes} */
static void block_changed(void *arg, const char *kind, const char *name,
    enum conf_change ch)
{
	json_object *blocks = arg, *k, *list;

	json_object_object_get_ex(blocks, kind, &k);
	json_object_object_get_ex(k, change_name[ch], &list);
	json_object_array_add(list, json_object_new_string(name));
	log_info("reload: %s %s %s", kind, name, change_name[ch]);
}

static bool str_same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

void reload_run(struct lbbgpd *d, json_object *reply)
{
	const char *file = d->opts->conf_file;
	struct conf_diag diag;
	struct rib_res res = { 0 };
	char err[512];

	if (d->stopping) {
		ctl_fail(reply, CTL_E_STOPPING, "lbbgpd is shutting down");
		return;
	}
	conf_diag_init(&diag);
	struct conf *nc = conf_load_file(file, &diag);
	json_object *msgs = json_object_new_array();
	for (size_t i = 0; i < diag.nmsgs; i++) {
		json_object_array_add(msgs, json_object_new_string(
		    diag.msgs[i]));
		if (nc == NULL)
			log_warnx("reload: %s", diag.msgs[i]);
	}
	if (nc == NULL) {
		ctl_fail(reply, CTL_E_CONFIG_ERROR, "%s has %zu error%s; the "
		    "running configuration stays in force", file,
		    diag.nerrors, diag.nerrors == 1 ? "" : "s");
		json_object_object_add(reply, "errors", msgs);
		conf_diag_free(&diag);
		return;
	}
	conf_diag_free(&diag);

	/* ---- everything that can fail, before any session is touched ---- */
	struct conf *oc = d->conf;
	struct rib *orib = d->rib;
	struct rib *nrib = rib_new(nc, &res);
	struct peer **npeers = calloc(nc->nneighbors ? nc->nneighbors : 1,
	    sizeof(*npeers));
	const char **why = calloc(nc->nneighbors ? nc->nneighbors : 1,
	    sizeof(*why));
	if (nrib == NULL || npeers == NULL || why == NULL) {
		ctl_fail(reply, CTL_E_RELOAD_FAILED, "%s", nrib == NULL &&
		    res.msg[0] ? res.msg : "out of memory");
		goto fail;
	}
	uint32_t rid = nc->router_id_set ? nc->router_id : d->router_id;
	if (!nc->router_id_set && oc->router_id_set) {
		ctl_fail(reply, CTL_E_RELOAD_FAILED,
		    "router-id was removed from %s: the identifier is chosen "
		    "at start-up only; set it again or restart lbbgpd", file);
		goto fail;
	}
	bool rid_changed = rid != d->router_id;
	/* Peers of the new config: the old one where it goes on. */
	for (size_t i = 0; i < nc->nneighbors; i++) {
		struct peer *p = old_peer(d, nc->neighbors[i].name);
		npeers[i] = p;
		if (p != NULL)
			why[i] = rid_changed ? "router-id" :
			    conf_session_change(p->conf, &nc->neighbors[i]);
	}
	/* New peers are made now, started later: memory is the only
	 * failure.  They point at the new config from the start. */
	struct conf *keep_conf = d->conf;
	d->conf = nc;
	for (size_t i = 0; i < nc->nneighbors; i++) {
		if (npeers[i] != NULL)
			continue;
		npeers[i] = peer_new(d, i);
		if (npeers[i] == NULL) {
			d->conf = keep_conf;
			for (size_t j = 0; j < i; j++)
				if (old_peer(d, nc->neighbors[j].name) == NULL)
					peer_free(npeers[j]);
			ctl_fail(reply, CTL_E_RELOAD_FAILED, "out of memory");
			goto fail;
		}
		why[i] = NULL;
	}
	/* Sockets: opened with the new config, the old ones closed only
	 * once the new ones work.  The control sockets first: an unknown
	 * socket-group is the likeliest refusal, and they can be put back. */
	bool ctl_done = false, metrics_done = false;
	if (!(ctl_done = ctl_reconf(d, oc, err, sizeof(err))) ||
	    !(metrics_done = metrics_reconf(d, oc, err, sizeof(err))) ||
	    !listeners_reconf(d, oc, err, sizeof(err))) {
		d->conf = keep_conf;
		char undo[512];
		if (metrics_done && !metrics_reconf(d, nc, undo, sizeof(undo)))
			log_warnx("reload: the metrics socket of the running "
			    "configuration cannot be opened again: %s", undo);
		if (ctl_done && !ctl_reconf(d, nc, undo, sizeof(undo)))
			log_warnx("reload: control sockets: %s", undo);
		for (size_t i = 0; i < nc->nneighbors; i++)
			if (old_peer(d, nc->neighbors[i].name) == NULL)
				peer_free(npeers[i]);
		ctl_fail(reply, CTL_E_RELOAD_FAILED, "%s; the running "
		    "configuration stays in force", err);
		goto fail;
	}
	d->conf = keep_conf;

	/* ---- from here on the reload happens ---- */
	json_object *blocks = json_object_new_object();
	json_object_object_add(blocks, "pool", changes_new());
	json_object_object_add(blocks, "advertisement", changes_new());
	conf_diff_blocks(oc, nc, block_changed, blocks);
	json_object *kept = json_object_new_array();
	json_object *reset = json_object_new_array();
	json_object *added = json_object_new_array();
	json_object *removed = json_object_new_array();
	json_object *orph = json_object_new_array();
	json_object *restored = json_object_new_array();

	/* Neighbors that go, and those that need a new session, end theirs
	 * under the old config and RIB. */
	for (size_t i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];
		bool stays = false;
		for (size_t j = 0; j < nc->nneighbors && !stays; j++)
			stays = npeers[j] == p;
		if (!stays) {
			log_info("reload: neighbor %s removed from the "
			    "configuration", peer_name(p));
			add_name(removed, peer_name(p), NULL);
			peer_stop(p, BGP_CEASE_PEER_DECONF, "neighbor removed "
			    "from the configuration");
			peer_free(p);
			d->peers[i] = NULL;
		}
	}
	for (size_t i = 0; i < nc->nneighbors; i++) {
		struct peer *p = npeers[i];
		if (why[i] == NULL || p->conf == &nc->neighbors[i])
			continue;
		char reason[128];
		snprintf(reason, sizeof(reason), "configuration changed: %s",
		    why[i]);
		log_info("reload: neighbor %s: %s changed, the session starts "
		    "again", peer_name(p), why[i]);
		peer_stop(p, BGP_CEASE_CONFIG_CHANGE, reason);
	}

	/* VIPs: the new RIB takes over the run-time ones. */
	struct orphaning ox = { d->state, oc, orph };
	rib_vips_migrate(nrib, orib, orphaned, &ox);
	state_orphans_retry(d->state, nrib, restored);

	/* Sessions that go on: the new RIB adopts what they were sent. */
	enum { R_NEW, R_KEPT, R_RESET } *fate = calloc(nc->nneighbors ?
	    nc->nneighbors : 1, sizeof(*fate));
	for (size_t i = 0; i < nc->nneighbors; i++) {
		struct peer *p = npeers[i];
		const struct conf_neighbor *nn = &nc->neighbors[i];
		const struct conf_neighbor *on = p->conf;
		struct rib_session s;
		if (on == nn) {
			log_info("reload: neighbor %s added", nn->name);
			add_name(added, nn->name, NULL);
			if (fate != NULL)
				fate[i] = R_NEW;
			continue;
		}
		size_t old_idx = p->idx;
		bool up = why[i] == NULL && peer_session(p, &s);
		peer_reconf(p, i, nn);
		if (up) {
			peer_session(p, &s);	/* next hops of the new config */
			rib_peer_adopt(nrib, i, orib, old_idx, &s);
		}
		if (why[i] == NULL) {
			rib_in_adopt(nrib, i, orib, old_idx);
			add_name(kept, nn->name, NULL);
		} else {
			add_name(reset, nn->name, why[i]);
		}
		if (fate != NULL)
			fate[i] = why[i] == NULL ? R_KEPT : R_RESET;
		/* shutdown in the file; a bgpctl down stays down. */
		if (nn->shutdown && !on->shutdown) {
			p->admin_down = true;
			if (why[i] == NULL)
				peer_stop(p, BGP_CEASE_ADMIN_SHUTDOWN,
				    "shutdown in the configuration");
		} else if (!nn->shutdown && on->shutdown) {
			p->admin_down = false;
			if (fate != NULL)
				fate[i] = R_RESET;	/* to be started */
		}
	}

	/* The switch. */
	d->conf = nc;
	d->rib = nrib;
	d->router_id = rid;
	free(d->peers);
	d->peers = npeers;
	d->npeers = nc->nneighbors;
	npeers = NULL;
	if (!str_same(oc->state_file, nc->state_file)) {
		log_info("reload: state file now %s", nc->state_file ?
		    nc->state_file : "none");
		state_set_path(d->state, nc->state_file);
	}
	if (!state_compact(d->state, nrib))
		log_warnx("reload: the state file cannot be written");
	/* The host follows: VIP addresses, tracked links, imports. */
	nl_rib_replaced(d);
	if (!nl_reconf(d, oc))
		log_warnx("reload: the host integration did not follow the "
		    "whole new configuration; see the messages above");
	for (size_t i = 0; i < nc->nneighbors; i++) {
		if (fate == NULL || fate[i] != R_KEPT)
			peer_start(d->peers[i]);
		else
			peer_check_max_prefix(d->peers[i]);
	}
	free(fate);
	rib_free(orib);
	conf_free(oc);

	size_t norph = json_object_array_length(orph);
	log_info("reload: %s applied: %zu neighbors kept, %zu reset, %zu "
	    "added, %zu removed; %zu VIPs orphaned, %zu restored", file,
	    json_object_array_length(kept), json_object_array_length(reset),
	    json_object_array_length(added), json_object_array_length(removed),
	    norph, json_object_array_length(restored));
	json_object *nb = json_object_new_object();
	json_object_object_add(nb, "kept", kept);
	json_object_object_add(nb, "reset", reset);
	json_object_object_add(nb, "added", added);
	json_object_object_add(nb, "removed", removed);
	json_object_object_add(reply, "file", json_object_new_string(file));
	json_object_object_add(reply, "neighbors", nb);
	json_object_object_add(reply, "pools", json_object_get(
	    json_object_object_get(blocks, "pool")));
	json_object_object_add(reply, "advertisements", json_object_get(
	    json_object_object_get(blocks, "advertisement")));
	json_object_put(blocks);
	json_object_object_add(reply, "orphaned", orph);
	json_object_object_add(reply, "restored", restored);
	json_object_object_add(reply, "warnings", msgs);
	free(why);
	return;
fail:
	json_object_put(msgs);
	free(why);
	free(npeers);
	rib_free(nrib);
	conf_free(nc);
}
