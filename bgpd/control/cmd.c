/*
 * cmd.c - control commands: one handler per command of the control
 * protocol (docs/control-protocol.md).  Handlers read the request, act
 * through rib/ and session.c, and fill the reply; they never touch
 * sockets.
 */
#include "bgpd/control/control.h"
#include "bgpd/fleet/fleetd.h"

#include <stddef.h>
#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "bgpd/bfd/bfdd.h"
#include "bgpd/control/jsontext.h"
#include "bgpd/metrics/metrics.h"
#include "bgpd/netlink/netlink.h"
#include "bgpd/state.h"
#include "fsm/attr.h"
#include "util/buf.h"


static json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

/*
 * Optional string fields: absent is fine (NULL), anything but a string
 * is a bad request.  Returns false after filling the error reply.
 */
static bool opt_str(struct ctl_req *r, const char *key, const char **out)
{
	json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(r->req, key, &v))
		return true;
	if (!json_object_is_type(v, json_type_string)) {
		ctl_fail(r->reply, CTL_E_BAD_REQUEST, "\"%s\" must be a string",
		    key);
		return false;
	}
	*out = json_object_get_string(v);
	return true;
}

static json_object *addr_json(const struct prefix *a)
{
	char s[PREFIX_STRLEN];
	return jstr(addr_fmt(a, s, sizeof(s)));
}

static json_object *prefix_json(const struct prefix *a)
{
	char s[PREFIX_STRLEN];
	struct prefix p = *a;
	/* Routes always show their length, /32s included. */
	addr_fmt(&p, s, sizeof(s));
	size_t n = strlen(s);
	snprintf(s + n, sizeof(s) - n, "/%u", p.len);
	return jstr(s);
}

static json_object *comm_json(const uint32_t *c, size_t n)
{
	json_object *arr = json_object_new_array();
	char buf[32];

	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, jstr(community_fmt(c[i], buf,
		    sizeof(buf))));
	return arr;
}

/* "vip": "A" or "vips": ["A", ...]; *vips is malloc'd. */
bool ctl_parse_vips(struct ctl_req *r, struct prefix **vips, size_t *n,
    bool required)
{
	json_object *one, *many;
	bool has_one = json_object_object_get_ex(r->req, "vip", &one);
	bool has_many = json_object_object_get_ex(r->req, "vips", &many);

	*vips = NULL;
	*n = 0;
	if (has_one && has_many) {
		ctl_fail(r->reply, CTL_E_BAD_REQUEST,
		    "give \"vip\" or \"vips\", not both");
		return false;
	}
	if (!has_one && !has_many) {
		if (required)
			ctl_fail(r->reply, CTL_E_BAD_REQUEST,
			    "\"vip\" (an address) or \"vips\" (an array of "
			    "addresses) is required");
		return !required;
	}
	size_t count = has_one ? 1 : 0;
	if (has_many && !has_one && r->vips != NULL) {
		/* Read by fastvips.c; req holds [] in its place. */
		*vips = r->vips;
		count = r->nvips;
		r->vips = NULL;
		goto parsed;
	}
	if (has_many) {
		if (!json_object_is_type(many, json_type_array) ||
		    json_object_array_length(many) == 0) {
			ctl_fail(r->reply, CTL_E_BAD_REQUEST,
			    "\"vips\" must be a non-empty array of addresses");
			return false;
		}
		count = json_object_array_length(many);
	}
	*vips = calloc(count, sizeof(**vips));
	if (*vips == NULL) {
		ctl_fail(r->reply, CTL_E_NOMEM, "out of memory");
		return false;
	}
	for (size_t i = 0; i < count; i++) {
		json_object *v = has_one ? one : json_object_array_get_idx(many,
		    i);
		const char *s = json_object_is_type(v, json_type_string) ?
		    json_object_get_string(v) : NULL;
		if (s == NULL || !addr_parse(s, &(*vips)[i])) {
			ctl_fail(r->reply, CTL_E_BAD_ADDRESS,
			    "%s%.64s%s is not an IPv4 or IPv6 address",
			    s ? "\"" : "", s ? s : "a non-string value",
			    s ? "\"" : "");
			free(*vips);
			*vips = NULL;
			return false;
		}
	}
parsed:
	/* The request's array is megabytes at 100,000 VIPs: give it back
	 * before the RIB grows, not after (peak memory). */
	if (has_many)
		json_object_object_del(r->req, "vips");
#ifdef __GLIBC__
	if (count >= 10000)
		malloc_trim(0);
#endif
	*n = count;
	return true;
}

/* owner, pool, sharing-key, communities: shared by add and allocate. */
bool ctl_parse_holder(struct ctl_req *r, struct vip_req *req,
    uint32_t *comm)
{
	json_object *arr;

	memset(req, 0, sizeof(*req));
	if (!opt_str(r, "owner", &req->owner) ||
	    !opt_str(r, "pool", &req->pool) ||
	    !opt_str(r, "sharing-key", &req->sharing_key) ||
	    !opt_str(r, "check", &req->check))
		return false;
	if (req->owner == NULL)
		req->owner = "default";
	if (req->owner[0] == '\0' || (req->sharing_key &&
	    req->sharing_key[0] == '\0')) {
		ctl_fail(r->reply, CTL_E_BAD_REQUEST,
		    "owner and sharing-key must not be empty");
		return false;
	}
	req->communities = comm;
	if (!json_object_object_get_ex(r->req, "communities", &arr))
		return true;
	if (!json_object_is_type(arr, json_type_array) ||
	    json_object_array_length(arr) > MAX_VIP_COMMUNITIES) {
		ctl_fail(r->reply, CTL_E_BAD_REQUEST,
		    "\"communities\" must be an array of at most %d "
		    "communities", MAX_VIP_COMMUNITIES);
		return false;
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *c = json_object_array_get_idx(arr, i);
		const char *s = json_object_is_type(c, json_type_string) ?
		    json_object_get_string(c) : "";
		if (!community_parse(s, &comm[i])) {
			ctl_fail(r->reply, CTL_E_BAD_COMMUNITY,
			    "\"%.64s\" is not a community: use A:B (0..65535 "
			    "each) or no-export, no-advertise, "
			    "no-export-subconfed, no-peer, blackhole, "
			    "graceful-shutdown", s);
			return false;
		}
	}
	req->ncommunities = json_object_array_length(arr);
	return true;
}

static void rib_error(struct ctl_req *r, const struct rib_res *res)
{
	ctl_fail(r->reply, ctl_code_of_rib(res->err), "%s", res->msg);
}

static json_object *msg_counts(const uint64_t *n)
{
	json_object *o = json_object_new_object();
	uint64_t total = 0;

	for (unsigned t = BGP_MSG_OPEN; t < BGP_MSG_TYPE_MAX; t++) {
		char key[32];
		size_t i;
		snprintf(key, sizeof(key), "%s", bgp_msg_type_name(t));
		for (i = 0; key[i]; i++)
			key[i] = (char)(key[i] >= 'A' && key[i] <= 'Z' ?
			    key[i] - 'A' + 'a' : key[i]);
		json_object_object_add(o, key, json_object_new_uint64(n[t]));
		total += n[t];
	}
	json_object_object_add(o, "total", json_object_new_uint64(total));
	return o;
}

static json_object *notif_json(const struct notif_log *l, double now)
{
	char e[128];

	if (l->code == 0)
		return NULL;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "code", json_object_new_int(l->code));
	json_object_object_add(o, "subcode", json_object_new_int(l->subcode));
	json_object_object_add(o, "error", jstr(bgp_err_fmt(l->code,
	    l->subcode, e, sizeof(e))));
	if (l->hard_reset) {
		/* RFC 8538 §3.1: the NOTIFICATION the Hard Reset stood for */
		json_object *h = json_object_new_object();
		json_object_object_add(h, "code", json_object_new_int(
		    l->inner_code));
		json_object_object_add(h, "subcode", json_object_new_int(
		    l->inner_subcode));
		json_object_object_add(h, "error", jstr(bgp_err_fmt(
		    l->inner_code, l->inner_subcode, e, sizeof(e))));
		json_object_object_add(o, "hard-reset", h);
	}
	if (l->text[0])
		json_object_object_add(o, "text", jstr(l->text));
	json_object_object_add(o, "ago", json_object_new_int64(
	    (int64_t)(now - l->when)));
	return o;
}

static bool conf_has_v6_pool(const struct conf *c)
{
	for (size_t i = 0; i < c->npools; i++)
		for (size_t j = 0; j < c->pools[i].nranges; j++)
			if (c->pools[i].ranges[j].lo.afi == AFI_IPV6)
				return true;
	return false;
}

/* "capabilities" of show-neighbors: what the session negotiated. */
static const struct {
	const char *key;
	size_t off;		/* of a bool in struct bgp_neg */
} neg_caps[] = {
	{ "ipv4-unicast", offsetof(struct bgp_neg, v4) },
	{ "ipv6-unicast", offsetof(struct bgp_neg, v6) },
	{ "4-octet-as", offsetof(struct bgp_neg, as4) },
	{ "route-refresh", offsetof(struct bgp_neg, route_refresh) },
	{ "enhanced-route-refresh",
	    offsetof(struct bgp_neg, enhanced_refresh) },
	{ "graceful-restart", offsetof(struct bgp_neg, gr) },
	{ "extended-message", offsetof(struct bgp_neg, ext_message) },
	{ "extended-next-hop", offsetof(struct bgp_neg, v4_nh6) },
	{ "peer-graceful-restart", offsetof(struct bgp_neg, peer_gr) },
	{ "graceful-notification", offsetof(struct bgp_neg, gr_notification) },
	{ "peer-graceful-notification",
	    offsetof(struct bgp_neg, peer_gr_notification) },
};

static json_object *caps_json(const struct bgp_neg *neg)
{
	json_object *caps = json_object_new_object();

	for (size_t i = 0; i < NELEM(neg_caps); i++) {
		const bool *v = (const bool *)((const char *)neg +
		    neg_caps[i].off);
		json_object_object_add(caps, neg_caps[i].key,
		    json_object_new_boolean(*v));
	}
	return caps;
}

static json_object *neighbor_json(const struct peer *p, double now)
{
	const struct conf_neighbor *n = p->conf;
	const struct conn *c = p->conn;
	json_object *o = json_object_new_object();
	char a[PREFIX_STRLEN];
	bool open = c->fsm.state >= FSM_OPENCONFIRM;

	json_object_object_add(o, "name", jstr(n->name));
	json_object_object_add(o, "address", jstr(addr_fmt(&n->addr, a,
	    sizeof(a))));
	json_object_object_add(o, "port", json_object_new_int(n->port));
	if (n->description)
		json_object_object_add(o, "description", jstr(n->description));
	json_object_object_add(o, "remote-as", json_object_new_int64(
	    n->remote_as));
	json_object_object_add(o, "local-as", json_object_new_int64(
	    n->local_as));
	json_object_object_add(o, "type", jstr(p->ebgp ? "ebgp" : "ibgp"));
	json_object_object_add(o, "state", jstr(fsm_state_name(
	    c->fsm.state)));
	json_object_object_add(o, "since", json_object_new_int64(
	    (int64_t)(now - p->last_change)));
	json_object_object_add(o, "admin-down",
	    json_object_new_boolean(p->admin_down));
	if (p->bfd != NULL)
		json_object_object_add(o, "bfd", jstr(bfd_state_name(
		    p->bfd->s.state)));
	json_object *notes = json_object_new_array();
	char note[256];
	if (p->max_prefix_tripped) {
		json_object *mp = json_object_new_object();
		int64_t in = ev_is_active(&p->restart) ? (int64_t)
		    ev_timer_remaining(p->d->loop, (ev_timer *)&p->restart) : -1;
		json_object_object_add(mp, "limit", json_object_new_int64(
		    n->max_prefix));
		if (in >= 0)
			json_object_object_add(mp, "restart-in",
			    json_object_new_int64(in));
		json_object_object_add(o, "max-prefix-exceeded", mp);
		if (in >= 0)
			snprintf(note, sizeof(note), "stopped: the peer sent "
			    "more than max-prefix %u prefixes; restarting in "
			    "%llds", n->max_prefix, (long long)in);
		else
			snprintf(note, sizeof(note), "stopped: the peer sent "
			    "more than max-prefix %u prefixes; bgpctl neighbor "
			    "%s up restarts it", n->max_prefix, n->name);
		json_object_array_add(notes, jstr(note));
	}
	if (p->link_down) {
		snprintf(note, sizeof(note), "stopped: track-interface %s is "
		    "down; the session starts again when the link is up",
		    n->track_interface);
		json_object_array_add(notes, jstr(note));
	}
	if (p->bfd_wait)
		json_object_array_add(notes, jstr("waiting in Idle until BFD is "
		    "Up (bfd-strict)"));
	if (p->local_addr_missing) {
		snprintf(note, sizeof(note), "local-address %s is not an "
		    "address of this host; the session cannot start until it "
		    "is", addr_fmt(&n->local_addr, a, sizeof(a)));
		json_object_array_add(notes, jstr(note));
	}
	if (nl_suspended_by(p->d) != NULL) {
		snprintf(note, sizeof(note), "no route is announced: "
		    "track-interface %s is down", nl_suspended_by(p->d));
		json_object_array_add(notes, jstr(note));
	}
	if (open && c->neg.v6 && !peer_can_send(p, AFI_IPV6)) {
		snprintf(note, sizeof(note), "IPv6 VIPs are not sent: there "
		    "is no IPv6 next hop on this %s session; set next-hop-v6",
		    c->local.ss_family == AF_INET ? "IPv4" : "IPv6");
		json_object_array_add(notes, jstr(note));
	}
	if (open && c->neg.v4 && !peer_can_send(p, AFI_IPV4)) {
		snprintf(note, sizeof(note), "IPv4 VIPs are not sent: there "
		    "is no IPv4 next hop on this session; set next-hop%s",
		    n->extended_next_hop ? " (the router did not announce "
		    "extended next hop, RFC 8950)" : "");
		json_object_array_add(notes, jstr(note));
	}
	if (open && !c->neg.v6 && conf_has_v6_pool(p->d->conf))
		json_object_array_add(notes, jstr("IPv6 VIPs are not sent: "
		    "the peer did not negotiate IPv6 unicast"));
	if (json_object_array_length(notes) > 0)
		json_object_object_add(o, "notes", notes);
	else
		json_object_put(notes);
	if (open) {
		char id[16];
		uint32_t r = c->remote_id;
		snprintf(id, sizeof(id), "%u.%u.%u.%u", r >> 24,
		    (r >> 16) & 0xff, (r >> 8) & 0xff, r & 0xff);
		json_object_object_add(o, "remote-id", jstr(id));
		struct prefix local;
		sockaddr_to_prefix(&c->local, &local, NULL);
		json_object_object_add(o, "local-address", jstr(addr_fmt(
		    &local, a, sizeof(a))));
	}
	json_object_object_add(o, "hold-time", json_object_new_int(open ?
	    c->neg.hold : n->hold_time));
	json_object_object_add(o, "keepalive", json_object_new_int(open ?
	    c->neg.keepalive : n->keepalive));
	if (open)
		json_object_object_add(o, "capabilities", caps_json(&c->neg));
	json_object *msgs = json_object_new_object();
	json_object_object_add(msgs, "received", msg_counts(p->st.msgs_in));
	json_object_object_add(msgs, "sent", msg_counts(p->st.msgs_out));
	json_object_object_add(o, "messages", msgs);
	json_object *pfx = json_object_new_object();
	json_object_object_add(pfx, "received", json_object_new_uint64(
	    rib_in_count(p->d->rib, p->idx)));
	json_object_object_add(pfx, "treat-as-withdraw",
	    json_object_new_uint64(p->st.treat_as_withdraw));
	json_object_object_add(pfx, "announced", json_object_new_uint64(
	    rib_peer_announced(p->d->rib, p->idx)));
	json_object_object_add(pfx, "pending", json_object_new_uint64(
	    rib_peer_pending(p->d->rib, p->idx)));
	json_object_object_add(o, "prefixes", pfx);
	json_object_object_add(o, "outq", json_object_new_uint64(
	    buf_used(&c->wbuf)));
	json_object_object_add(o, "flaps", json_object_new_int64(
	    p->st.flaps));
	json_object *e;
	if ((e = notif_json(&p->last_sent, now)) != NULL)
		json_object_object_add(o, "last-error-sent", e);
	if ((e = notif_json(&p->last_recv, now)) != NULL)
		json_object_object_add(o, "last-error-received", e);
	return o;
}

static struct peer *find_peer(struct ctl_req *r, const char *name)
{
	for (size_t i = 0; i < r->d->npeers; i++)
		if (strcmp(r->d->peers[i]->conf->name, name) == 0)
			return r->d->peers[i];
	ctl_fail(r->reply, CTL_E_UNKNOWN_NEIGHBOR, "there is no neighbor named "
	    "\"%s\"; bgpctl show summary lists them", name);
	return NULL;
}

static void cmd_show_neighbors(struct ctl_req *r)
{
	const char *name;
	json_object *arr;
	double now = now_mono();

	if (!opt_str(r, "name", &name))
		return;
	arr = json_object_new_array();
	if (name != NULL) {
		struct peer *p = find_peer(r, name);
		if (p == NULL) {
			json_object_put(arr);
			return;
		}
		json_object_array_add(arr, neighbor_json(p, now));
	} else {
		for (size_t i = 0; i < r->d->npeers; i++)
			json_object_array_add(arr, neighbor_json(
			    r->d->peers[i], now));
	}
	json_object_object_add(r->reply, "neighbors", arr);
	if (fleetd_active(r->d))
		json_object_object_add(r->reply, "fleet",
		    fleetd_summary_json(r->d));
}

/* The reply of add/withdraw; the changed VIPs go to the state file. */
static void batch_reply(struct ctl_req *r, bool ok,
    const struct rib_res *res, struct prefix *vips, size_t n, size_t bad,
    const char *count_key, size_t changed)
{
	if (!ok) {
		rib_error(r, res);
		if (n > 1)
			json_object_object_add(r->reply, "vip",
			    addr_json(&vips[bad]));
		free(vips);
	} else {
		/* The state takes the array: a second copy of 100,000
		 * addresses would raise the peak. */
		state_touch_all(r->d->state, vips, n);
		json_object_object_add(r->reply, count_key,
		    json_object_new_uint64(changed));
	}
}

/*
 * A big add or withdraw, done in slices (control.h).  The strings of
 * b.req and b.owner point into the request, which control.c keeps.
 */
struct batch_job {
	struct ctl_job job;
	struct rib_batch b;
	struct prefix *vips;		/* the whole batch: the orphans first */
	size_t n, norph;
	uint32_t comm[MAX_VIP_COMMUNITIES];
};

static void withdraw_done(struct ctl_req *r, bool ok, struct prefix *vips,
    size_t n, size_t norph, const struct rib_res *res, size_t bad,
    size_t changed);

static enum ctl_step batch_step(struct ctl_job *j, struct ctl_req *r)
{
	struct batch_job *bj = (struct batch_job *)j;
	struct rib_res res = { 0 };
	enum rib_batch_rc rc = rib_batch_step(r->d->rib, &bj->b,
	    CTL_SLICE_VIPS, &res);

	if (rc == RIB_BATCH_MORE)
		return CTL_STEP_MORE;
	if (bj->b.withdraw)
		withdraw_done(r, rc == RIB_BATCH_OK, bj->vips, bj->n,
		    bj->norph, &res, bj->b.bad, bj->b.changed);
	else
		batch_reply(r, rc == RIB_BATCH_OK, &res, bj->vips, bj->n,
		    bj->b.bad, "added", bj->b.changed);
	bj->vips = NULL;	/* the state file's now, or freed */
	return CTL_STEP_DONE;
}

static void batch_free(struct ctl_job *j)
{
	struct batch_job *bj = (struct batch_job *)j;

	free(bj->vips);
	free(bj);
}

/* A job for a batch big enough to need one; NULL: do it at once. */
static struct batch_job *batch_job(struct ctl_req *r, struct prefix *vips,
    size_t n)
{
	struct batch_job *bj;

	if (n < CTL_SLICE_MIN || (bj = calloc(1, sizeof(*bj))) == NULL)
		return NULL;
	bj->job.step = batch_step;
	bj->job.free = batch_free;
	bj->vips = vips;
	bj->n = n;
	r->job = &bj->job;
	return bj;
}

static void cmd_add(struct ctl_req *r)
{
	uint32_t comm[MAX_VIP_COMMUNITIES];
	struct vip_req req;
	struct prefix *vips;
	size_t n, bad = 0, changed = 0;
	struct rib_res res = { 0 };
	struct batch_job *bj;

	/* With a fleet, the VIP table is etcd's (docs/FLEET.md). */
	if (fleetd_active(r->d)) {
		fleetd_cmd_add(r);
		return;
	}
	if (!ctl_parse_holder(r, &req, comm) || !ctl_parse_vips(r, &vips, &n, true))
		return;
	if ((bj = batch_job(r, vips, n)) != NULL) {
		memcpy(bj->comm, comm, sizeof(comm));
		req.communities = bj->comm;
		rib_batch_add(&bj->b, vips, n, &req);
		return;
	}
	bool ok = rib_vips_add(r->d->rib, vips, n, &req, &bad, &changed, &res);
	batch_reply(r, ok, &res, vips, n, bad, "added", changed);
}

static bool owned_by(const struct vip *v, const char *owner)
{
	for (uint32_t i = 0; i < v->nowners; i++)
		if (strcmp(vip_owner(v, i)->name, owner) == 0)
			return true;
	return false;
}

static void cmd_withdraw(struct ctl_req *r)
{
	const char *owner;
	struct prefix *vips;
	size_t n, bad = 0, changed = 0, norph = 0;
	struct rib_res res = { 0 };
	struct batch_job *bj;

	/* With a fleet, the VIP table is etcd's (docs/FLEET.md). */
	if (fleetd_active(r->d)) {
		fleetd_cmd_withdraw(r);
		return;
	}
	if (!opt_str(r, "owner", &owner) || !ctl_parse_vips(r, &vips, &n, true))
		return;
	if (owner == NULL)
		owner = "default";
	/* A VIP a reload orphaned is withdrawn by forgetting it; the rest
	 * of the batch goes to the RIB.  Without orphans (the usual case)
	 * there is nothing to sort out: skip a lookup per VIP. */
	bool orphans = state_orphans(r->d->state) > 0;
	for (size_t i = 0; orphans && i < n; i++) {
		const struct vip *v = rib_vip_find(r->d->rib, &vips[i]);
		if ((v == NULL || !owned_by(v, owner)) &&
		    state_is_orphan(r->d->state, &vips[i], owner)) {
			struct prefix t = vips[norph];
			vips[norph++] = vips[i];
			vips[i] = t;
		}
	}
	if ((bj = batch_job(r, vips, n)) != NULL) {
		bj->norph = norph;
		rib_batch_withdraw(&bj->b, vips + norph, n - norph, owner);
		return;
	}
	bool ok = rib_vips_withdraw(r->d->rib, vips + norph, n - norph, owner,
	    &bad, &changed, &res);
	withdraw_done(r, ok, vips, n, norph, &res, bad, changed);
}

/* The orphans of a withdraw are forgotten once the rest succeeded. */
static void withdraw_done(struct ctl_req *r, bool ok, struct prefix *vips,
    size_t n, size_t norph, const struct rib_res *res, size_t bad,
    size_t changed)
{
	const char *owner = json_object_get_string(json_object_object_get(
	    r->req, "owner"));

	if (owner == NULL)
		owner = "default";
	if (ok && norph > 0) {
		for (size_t i = 0; i < norph; i++)
			state_orphan_withdraw(r->d->state, &vips[i], owner);
		if (!state_compact(r->d->state, r->d->rib))
			ctl_fail(r->reply, CTL_E_STATE_WRITE_FAILED,
			    "the orphaned VIPs are forgotten but the state "
			    "file cannot be written; they come back at the "
			    "next start");
		json_object_object_add(r->reply, "orphans-withdrawn",
		    json_object_new_uint64(norph));
	}
	batch_reply(r, ok, res, vips, n, bad + norph, "withdrawn", changed);
}

static void cmd_allocate(struct ctl_req *r)
{
	uint32_t comm[MAX_VIP_COMMUNITIES];
	struct vip_req req;
	struct prefix *want, got;
	size_t n;
	struct rib_res res = { 0 };

	/* With a fleet, the VIP table is etcd's (docs/FLEET.md). */
	if (fleetd_active(r->d)) {
		fleetd_cmd_allocate(r);
		return;
	}
	if (!ctl_parse_holder(r, &req, comm) || !ctl_parse_vips(r, &want, &n, false))
		return;
	if (n > 1) {
		ctl_fail(r->reply, CTL_E_BAD_REQUEST,
		    "allocate takes one \"vip\"");
	} else if (!rib_allocate(r->d->rib, &req, want, &got, &res)) {
		rib_error(r, &res);
	} else {
		const struct vip *v = rib_vip_find(r->d->rib, &got);
		state_touch(r->d->state, &got);
		json_object_object_add(r->reply, "vip", addr_json(&got));
		json_object_object_add(r->reply, "pool",
		    jstr(r->d->conf->pools[v->pool].name));
	}
	free(want);
}

static json_object *vip_json(const struct lbbgpd *d, const struct vip *v)
{
	const struct conf *c = d->conf;
	json_object *o = json_object_new_object();
	json_object *owners = json_object_new_array();
	json_object *routes = json_object_new_array();
	const uint16_t *advs;
	size_t nadvs = rib_pool_advs(d->rib, v->pool, &advs);

	json_object_object_add(o, "vip", addr_json(&v->addr));
	json_object_object_add(o, "pool", jstr(c->pools[v->pool].name));
	for (uint32_t i = 0; i < v->nowners; i++) {
		const struct vip_owner *w = vip_owner(v, i);
		json_object *j = json_object_new_object();
		json_object_object_add(j, "owner", jstr(w->name));
		if (w->key)
			json_object_object_add(j, "sharing-key", jstr(w->key));
		if (w->ncomm)
			json_object_object_add(j, "communities",
			    comm_json(w->comm, w->ncomm));
		json_object_object_add(j, "static",
		    json_object_new_boolean(w->is_static));
		ctl_owner_check_json(d, w, j);
		json_object_array_add(owners, j);
	}
	json_object_object_add(o, "owners", owners);
	ctl_vip_live_json(d, v, o);
	if (fleetd_active(d))
		json_object_object_add(o, "announced-by",
		    fleetd_announcers_json(d, v));
	for (size_t i = 0; i < nadvs; i++) {
		const struct conf_adv *a = &c->advs[advs[i]];
		struct prefix route = rib_route_of(d->rib, v, advs[i]);
		json_object *rt = json_object_new_object();
		json_object *peers = json_object_new_array();
		json_object_object_add(rt, "prefix", prefix_json(&route));
		json_object_object_add(rt, "advertisement", jstr(a->name));
		for (size_t k = 0; k < a->npeer_idx; k++)
			if (rib_peer_has(d->rib, a->peer_idx[k], &route))
				json_object_array_add(peers, jstr(
				    c->neighbors[a->peer_idx[k]].name));
		json_object_object_add(rt, "peers", peers);
		json_object_array_add(routes, rt);
	}
	json_object_object_add(o, "routes", routes);
	return o;
}

static void cmd_show_vips(struct ctl_req *r)
{
	const char *vip, *pool, *owner;
	struct prefix want;
	json_object *arr;

	if (!opt_str(r, "vip", &vip) || !opt_str(r, "pool", &pool) ||
	    !opt_str(r, "owner", &owner))
		return;
	if (vip && !addr_parse(vip, &want)) {
		ctl_fail(r->reply, CTL_E_BAD_ADDRESS,
		    "\"%.64s\" is not an IPv4 or IPv6 address", vip);
		return;
	}
	if (pool && conf_pool_by_name(r->d->conf, pool) == NULL) {
		ctl_fail(r->reply, CTL_E_UNKNOWN_POOL, "there is no pool named "
		    "\"%s\"; bgpctl show pools lists them", pool);
		return;
	}
	/* Text: a million VIPs as a json-c tree would take gigabytes. */
	arr = jtext_array_new();
	for (const struct vip *v = rib_vip_next(r->d->rib, NULL);
	    v && arr; v = rib_vip_next(r->d->rib, v)) {
		if ((vip && !prefix_equal(&v->addr, &want)) ||
		    (pool && strcmp(r->d->conf->pools[v->pool].name, pool)) ||
		    (owner && !owned_by(v, owner)))
			continue;
		if (!jtext_array_add(arr, vip_json(r->d, v)))
			break;
	}
	if (arr == NULL || !jtext_array_ok(arr)) {
		json_object_put(arr);
		ctl_fail(r->reply, CTL_E_NOMEM, "out of memory listing "
		    "the VIPs");
		return;
	}
	json_object_object_add(r->reply, "vips", arr);
	if (vip == NULL && pool == NULL && owner == NULL)
		json_object_object_add(r->reply, "orphans",
		    state_orphans_json(r->d->state));
}

static void cmd_show_pools(struct ctl_req *r)
{
	const struct conf *c = r->d->conf;
	json_object *arr = json_object_new_array();
	char lo[PREFIX_STRLEN], hi[PREFIX_STRLEN], buf[2 * PREFIX_STRLEN + 2];

	for (size_t p = 0; p < c->npools; p++) {
		const struct conf_pool *cp = &c->pools[p];
		struct rib_pool_usage u;
		json_object *o = json_object_new_object();
		json_object *addrs = json_object_new_array();
		json_object *advs = json_object_new_array();
		const uint16_t *ai;
		size_t na = rib_pool_advs(r->d->rib, p, &ai);

		rib_pool_usage(r->d->rib, p, &u);
		for (size_t i = 0; i < cp->nranges; i++) {
			const struct conf_range *rg = &cp->ranges[i];
			if (rg->is_cidr) {
				struct prefix net = rg->lo;
				net.len = rg->cidr_len;
				prefix_fmt(&net, buf, sizeof(buf));
				if (prefix_is_host(&net)) {
					size_t n = strlen(buf);
					snprintf(buf + n, sizeof(buf) - n, "/%u",
					    net.len);
				}
			} else {
				snprintf(buf, sizeof(buf), "%s-%s",
				    addr_fmt(&rg->lo, lo, sizeof(lo)),
				    addr_fmt(&rg->hi, hi, sizeof(hi)));
			}
			json_object_array_add(addrs, jstr(buf));
		}
		for (size_t i = 0; i < na; i++)
			json_object_array_add(advs, jstr(c->advs[ai[i]].name));
		json_object_object_add(o, "name", jstr(cp->name));
		json_object_object_add(o, "addresses", addrs);
		json_object_object_add(o, "auto-assign",
		    json_object_new_boolean(cp->auto_assign));
		json_object_object_add(o, "avoid-buggy-ips",
		    json_object_new_boolean(cp->avoid_buggy_ips));
		json_object_object_add(o, "size", json_object_new_uint64(u.size));
		json_object_object_add(o, "used", json_object_new_uint64(u.used));
		json_object_object_add(o, "free", json_object_new_uint64(u.free));
		json_object_object_add(o, "advertisements", advs);
		json_object_array_add(arr, o);
	}
	json_object_object_add(r->reply, "pools", arr);
}

static void out_route(const struct rib_out_route *rt, void *arg)
{
	json_object *routes = arg, *o = json_object_new_object();
	json_object *large = json_object_new_array();
	char path[11 * (1 + CONF_MAX_PREPEND) + 1] = "", buf[64];
	size_t off = 0;

	json_object_object_add(o, "prefix", prefix_json(&rt->prefix));
	json_object_object_add(o, "next-hop", addr_json(&rt->nexthop));
	for (unsigned i = 0; rt->ebgp && i <= rt->prepend; i++)
		off += (size_t)snprintf(path + off, sizeof(path) - off,
		    i ? " %u" : "%u", rt->local_as);
	json_object_object_add(o, "as-path", jstr(path));
	json_object_object_add(o, "origin", jstr("IGP"));
	json_object_object_add(o, "communities", comm_json(rt->comm,
	    rt->ncomm));
	for (size_t i = 0; i < rt->nlarge; i++)
		json_object_array_add(large, jstr(large_community_fmt(
		    &rt->large[i], buf, sizeof(buf))));
	json_object_object_add(o, "large-communities", large);
	if (rt->has_local_pref)
		json_object_object_add(o, "local-pref",
		    json_object_new_int64(rt->local_pref));
	if (rt->has_med)
		json_object_object_add(o, "med", json_object_new_int64(rt->med));
	jtext_array_add(routes, o);
}

struct in_walk {
	json_object *routes;
	bool ebgp;
};

static void in_route(const struct rib_in_route *rt, void *arg)
{
	struct in_walk *w = arg;
	struct bgp_upd_ctx ctx = { .as4 = rt->as4, .ebgp = w->ebgp };
	struct bgp_attrs a;
	json_object *o = json_object_new_object();
	char buf[1024];

	json_object_object_add(o, "prefix", prefix_json(&rt->prefix));
	json_object_object_add(o, "next-hop", addr_json(&rt->nexthop));
	if (!bgp_attrs_parse(rt->attrs, rt->attrs_len, &ctx, &a)) {
		jtext_array_add(w->routes, o);
		return;
	}
	json_object_object_add(o, "as-path", jstr(bgp_attr_print(&a,
	    BGP_ATTR_AS_PATH, buf, sizeof(buf)) ? buf : ""));
	if (attr_has(&a, BGP_ATTR_ORIGIN))
		json_object_object_add(o, "origin", jstr(bgp_origin_name(
		    a.origin)));
	json_object *comm = json_object_new_array();
	for (size_t i = 0; i < a.ncomm; i++)
		json_object_array_add(comm, jstr(community_fmt(
		    bgp_get_u32(a.comm + 4 * i), buf, sizeof(buf))));
	json_object_object_add(o, "communities", comm);
	json_object *large = json_object_new_array();
	for (size_t i = 0; i < a.nlcomm; i++) {
		struct large_community l = {
			bgp_get_u32(a.lcomm + 12 * i),
			bgp_get_u32(a.lcomm + 12 * i + 4),
			bgp_get_u32(a.lcomm + 12 * i + 8),
		};
		json_object_array_add(large, jstr(large_community_fmt(&l, buf,
		    sizeof(buf))));
	}
	json_object_object_add(o, "large-communities", large);
	if (attr_has(&a, BGP_ATTR_LOCAL_PREF))
		json_object_object_add(o, "local-pref",
		    json_object_new_int64(a.local_pref));
	if (attr_has(&a, BGP_ATTR_MED))
		json_object_object_add(o, "med", json_object_new_int64(a.med));
	jtext_array_add(w->routes, o);
}

static void cmd_show_rib(struct ctl_req *r)
{
	const char *name, *dir;
	json_object *arr;

	if (!opt_str(r, "neighbor", &name) || !opt_str(r, "dir", &dir))
		return;
	if (dir == NULL)
		dir = "out";
	if (strcmp(dir, "in") != 0 && strcmp(dir, "out") != 0) {
		ctl_fail(r->reply, CTL_E_BAD_REQUEST, "\"dir\" is \"in\" or "
		    "\"out\", not \"%.32s\"", dir);
		return;
	}
	struct peer *only = NULL;
	if (name != NULL && (only = find_peer(r, name)) == NULL)
		return;
	arr = json_object_new_array();
	for (size_t i = 0; i < r->d->npeers; i++) {
		struct peer *p = r->d->peers[i];
		if (only != NULL && p != only)
			continue;
		json_object *o = json_object_new_object();
		/* Text, as in show-vips. */
		json_object *routes = jtext_array_new();
		json_object_object_add(o, "neighbor", jstr(p->conf->name));
		json_object_object_add(o, "dir", jstr(dir));
		if (routes == NULL) {
			/* below: out of memory */
		} else if (strcmp(dir, "out") == 0) {
			rib_peer_walk(r->d->rib, p->idx, out_route, routes);
		} else {
			struct in_walk w = { routes, p->ebgp };
			rib_in_walk(r->d->rib, p->idx, in_route, &w);
		}
		json_object_object_add(o, "routes", routes);
		json_object_array_add(arr, o);
		if (routes == NULL || !jtext_array_ok(routes)) {
			json_object_put(arr);
			ctl_fail(r->reply, CTL_E_NOMEM, "out of memory "
			    "listing the routes of %s", p->conf->name);
			return;
		}
	}
	json_object_object_add(r->reply, "rib", arr);
}

/* OpenMetrics text (metrics.c), or Prometheus 0.0.4 with "format". */
static void cmd_show_metrics(struct ctl_req *r)
{
	const char *format;
	size_t len;

	if (!opt_str(r, "format", &format))
		return;
	bool om = format == NULL || strcmp(format, "openmetrics") == 0;
	if (!om && strcmp(format, "prometheus") != 0) {
		ctl_fail(r->reply, CTL_E_BAD_REQUEST,
		    "\"format\" is \"openmetrics\" or \"prometheus\", not "
		    "\"%.32s\"", format);
		return;
	}
	char *text = metrics_render(r->d, om, &len);
	if (text == NULL) {
		ctl_fail(r->reply, CTL_E_NOMEM, "out of memory");
		return;
	}
	json_object_object_add(r->reply, "text",
	    json_object_new_string_len(text, (int)len));
	free(text);
}

static void nbr_up(struct ctl_req *r, struct peer *p, const char *reason)
{
	p->admin_down = false;
	p->max_prefix_tripped = false;
	ev_timer_stop(p->d->loop, &p->restart);
	bfdd_admin(p);
	if (peer_state(p) == FSM_IDLE)
		peer_start(p);
}

static void nbr_down(struct ctl_req *r, struct peer *p, const char *reason)
{
	p->admin_down = true;
	peer_stop(p, BGP_CEASE_ADMIN_SHUTDOWN, reason);
	bfdd_admin(p);
}

static void nbr_clear(struct ctl_req *r, struct peer *p, const char *reason)
{
	peer_stop(p, BGP_CEASE_ADMIN_RESET, reason);
	peer_start(p);
}

static void nbr_refresh(struct ctl_req *r, struct peer *p,
    const char *reason)
{
	const char *name = p->conf->name;

	if (peer_state(p) != FSM_ESTABLISHED)
		ctl_fail(r->reply, CTL_E_NOT_ESTABLISHED, "neighbor %s is %s; "
		    "a refresh needs an Established session", name,
		    fsm_state_name(peer_state(p)));
	else if (!peer_request_refresh(p))
		ctl_fail(r->reply, CTL_E_NO_REFRESH, "neighbor %s did not "
		    "announce the route refresh capability", name);
}

static const struct {
	const char *name;
	void (*run)(struct ctl_req *r, struct peer *p, const char *reason);
} nbr_actions[] = {
	{ "up", nbr_up },
	{ "down", nbr_down },
	{ "clear", nbr_clear },
	{ "refresh", nbr_refresh },
};

static void cmd_neighbor(struct ctl_req *r)
{
	const char *name, *action, *reason;
	struct peer *p;
	size_t i;

	if (!opt_str(r, "name", &name) || !opt_str(r, "action", &action) ||
	    !opt_str(r, "reason", &reason))
		return;
	if (name == NULL || action == NULL) {
		ctl_fail(r->reply, CTL_E_BAD_REQUEST, "\"name\" and \"action\" "
		    "(up, down, clear or refresh) are required");
		return;
	}
	if ((p = find_peer(r, name)) == NULL)
		return;
	for (i = 0; i < NELEM(nbr_actions); i++)
		if (strcmp(action, nbr_actions[i].name) == 0)
			break;
	if (i == NELEM(nbr_actions)) {
		ctl_fail(r->reply, CTL_E_BAD_ACTION,
		    "unknown action \"%.32s\"; use up, down, clear or refresh",
		    action);
		return;
	}
	/* The reason is the client's text: one printable log line. */
	char why[4 * 128 + 1] = "";
	if (reason != NULL)
		bgp_escape((const uint8_t *)reason, strlen(reason), why,
		    sizeof(why));
	log_peer_info(p, "%s requested by uid %d%s%s", nbr_actions[i].name,
	    (int)r->uid, reason ? ": " : "", why);
	nbr_actions[i].run(r, p, reason);
}

static void cmd_reload(struct ctl_req *r)
{
	reload_run(r->d, r->reply);
}

const struct ctl_cmd ctl_cmds[] = {
	{ "add", cmd_add, true },
	{ "withdraw", cmd_withdraw, true },
	{ "allocate", cmd_allocate, true },
	{ "show-neighbors", cmd_show_neighbors, false },
	{ "show-vips", cmd_show_vips, false },
	{ "show-pools", cmd_show_pools, false },
	{ "show-rib", cmd_show_rib, false },
	{ "show-metrics", cmd_show_metrics, false },
	{ "neighbor", cmd_neighbor, true },
	{ "drain", cmd_drain, true },
	{ "undrain", cmd_undrain, true },
	{ "show-checks", cmd_show_checks, false },
	{ "show-bfd", cmd_show_bfd, false },
	{ "show-fleet", fleetd_cmd_show, false },
	{ "reload", cmd_reload, true },
	{ NULL, NULL, false },
};
