/*
 * cmd.c - control commands: one handler per command of PRODUCT.md's
 * control protocol.  Handlers read the request, act through rib/ and
 * session.c, and fill the reply; they never touch sockets.
 */
#include "bgpd/control.h"

#include <stdio.h>
#include <string.h>

static json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static const char *req_str(const struct ctl_req *r, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(r->req, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
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
	if (l->text[0])
		json_object_object_add(o, "text", jstr(l->text));
	json_object_object_add(o, "ago", json_object_new_int64(
	    (int64_t)(now - l->when)));
	return o;
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
	if (open) {
		json_object *caps = json_object_new_object();
		json_object_object_add(caps, "ipv4-unicast",
		    json_object_new_boolean(c->neg.v4));
		json_object_object_add(caps, "ipv6-unicast",
		    json_object_new_boolean(c->neg.v6));
		json_object_object_add(caps, "4-octet-as",
		    json_object_new_boolean(c->neg.as4));
		json_object_object_add(caps, "route-refresh",
		    json_object_new_boolean(c->neg.route_refresh));
		json_object_object_add(caps, "extended-message",
		    json_object_new_boolean(c->neg.ext_message));
		json_object_object_add(caps, "peer-graceful-restart",
		    json_object_new_boolean(c->neg.peer_gr));
		json_object_object_add(o, "capabilities", caps);
	}
	json_object *msgs = json_object_new_object();
	json_object_object_add(msgs, "received", msg_counts(p->st.msgs_in));
	json_object_object_add(msgs, "sent", msg_counts(p->st.msgs_out));
	json_object_object_add(o, "messages", msgs);
	json_object *pfx = json_object_new_object();
	json_object_object_add(pfx, "received", json_object_new_uint64(
	    p->st.prefixes_in));
	json_object_object_add(pfx, "withdrawn", json_object_new_uint64(
	    p->st.withdraws_in));
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
		if (strcmp(r->d->peers[i].conf->name, name) == 0)
			return &r->d->peers[i];
	ctl_fail(r->reply, "unknown-neighbor", "there is no neighbor named "
	    "\"%s\"; bgpctl show summary lists them", name);
	return NULL;
}

static void cmd_show_neighbors(struct ctl_req *r)
{
	const char *name = req_str(r, "name");
	json_object *arr = json_object_new_array();
	double now = now_mono();

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
			    &r->d->peers[i], now));
	}
	json_object_object_add(r->reply, "neighbors", arr);
}

const struct ctl_cmd ctl_cmds[] = {
	{ "show-neighbors", cmd_show_neighbors, false },
	{ NULL, NULL, false },
};
