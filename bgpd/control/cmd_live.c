/*
 * cmd_live.c - control commands of health checks and drains: drain,
 * undrain, show-checks, and the health fields of show-vips
 * (docs/control-protocol.md).  What a check's state or a drain means is
 * rib/'s; these only read requests and fill replies.
 */
#include "bgpd/control/control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/state.h"

static const char *const kind_names[] = {
	[CHECK_HTTP] = "http", [CHECK_TCP] = "tcp", [CHECK_EXEC] = "exec",
};
_Static_assert(NELEM(kind_names) == CHECK_EXEC + 1, "one name per kind");

static const char *const probe_names[] = {
	[RIB_PROBE_PASS] = "pass", [RIB_PROBE_FAIL] = "fail",
	[RIB_PROBE_DISABLED] = "disabled",
};
_Static_assert(NELEM(probe_names) == RIB_PROBE_DISABLED + 1,
    "one name per probe result");

static const char *const drain_names[] = {
	[RIB_DRAIN_NONE] = NULL, [RIB_DRAINING] = "draining",
	[RIB_DRAINED] = "drained",
};

void ctl_vip_live_json(const struct lbbgpd *d, const struct vip *v,
    json_object *o)
{
	struct rib_vip_status st;

	rib_vip_status(d->rib, v, &st);
	if (st.health != NULL)
		json_object_object_add(o, "health",
		    json_object_new_string(st.health));
	if (drain_names[st.drain] != NULL)
		json_object_object_add(o, "drain",
		    json_object_new_string(drain_names[st.drain]));
}

void ctl_owner_check_json(const struct lbbgpd *d, const struct vip_owner *w,
    json_object *o)
{
	if (w->check != 0)
		json_object_object_add(o, "check", json_object_new_string(
		    d->conf->checks[w->check - 1].name));
}

/* ---- drain, undrain ------------------------------------------------------ */

/*
 * What a drain names: "all":true or "pool":P, into *pool (SIZE_MAX: all);
 * *vips when it is "vip"/"vips" instead.  False after the error reply.
 */
static bool drain_scope(struct ctl_req *r, size_t *pool, bool *vips)
{
	json_object *pool_j, *all_j;
	bool has_pool = json_object_object_get_ex(r->req, "pool", &pool_j);
	bool has_all = json_object_object_get_ex(r->req, "all", &all_j);

	*vips = json_object_object_get_ex(r->req, "vip", NULL) ||
	    json_object_object_get_ex(r->req, "vips", NULL);
	*pool = SIZE_MAX;
	if (has_pool + has_all + *vips != 1)
		ctl_fail(r->reply, CTL_E_BAD_REQUEST, "give one of \"vips\" "
		    "(or \"vip\"), \"pool\" or \"all\":true");
	else if (has_all && (!json_object_is_type(all_j, json_type_boolean) ||
	    !json_object_get_boolean(all_j)))
		ctl_fail(r->reply, CTL_E_BAD_REQUEST, "\"all\" must be true");
	else if (has_pool && !json_object_is_type(pool_j, json_type_string))
		ctl_fail(r->reply, CTL_E_BAD_REQUEST,
		    "\"pool\" must be a string");
	else if (!has_pool)
		return true;
	else {
		const char *name = json_object_get_string(pool_j);
		const struct conf_pool *p = conf_pool_by_name(r->d->conf, name);
		if (p != NULL) {
			*pool = (size_t)(p - r->d->conf->pools);
			return true;
		}
		ctl_fail(r->reply, CTL_E_UNKNOWN_POOL, "there is no pool named "
		    "\"%s\"; bgpctl show pools lists them", name);
	}
	return false;
}

static void drain(struct ctl_req *r, bool on)
{
	struct lbbgpd *d = r->d;
	uint64_t now = live_now_ms(d);
	size_t changed = 0, pool;
	bool vips;

	if (!drain_scope(r, &pool, &vips))
		return;
	if (!vips) {
		changed = rib_pool_drain(d->rib, pool, on, d->conf->drain_time,
		    now);
	} else {
		struct prefix *list;
		size_t n, bad = 0;
		struct rib_res res = { 0 };
		if (!ctl_parse_vips(r, &list, &n, true))
			return;
		bool ok = rib_vips_drain(d->rib, list, n, on,
		    d->conf->drain_time, now, &bad, &changed, &res);
		free(list);
		if (!ok) {
			ctl_fail(r->reply, ctl_code_of_rib(res.err), "%s",
			    res.msg);
			return;
		}
	}
	live_drain_changed(d);
	if (changed > 0)
		log_info("%s: %zu VIPs %s", on ? "drain" : "undrain", changed,
		    on ? (d->conf->drain_time ? "draining" : "withdrawn") :
		    "announced normally again");
	json_object_object_add(r->reply, "changed",
	    json_object_new_uint64(changed));
}

void cmd_drain(struct ctl_req *r)
{
	drain(r, true);
}

void cmd_undrain(struct ctl_req *r)
{
	drain(r, false);
}

/* ---- show-checks --------------------------------------------------------- */

static void target(const struct conf_check *c, char *buf, size_t size)
{
	char a[PREFIX_STRLEN];
	size_t len = 0;

	buf[0] = '\0';
	switch (c->kind) {
	case CHECK_HTTP:
		snprintf(buf, size, "%s", c->url);
		break;
	case CHECK_TCP:
		snprintf(buf, size, c->addr.afi == AFI_IPV6 ? "[%s]:%u" :
		    "%s:%u", addr_fmt(&c->addr, a, sizeof(a)), c->port);
		break;
	case CHECK_EXEC:
		for (size_t i = 0; i < c->argc && len + 1 < size; i++) {
			int w = snprintf(buf + len, size - len, "%s%s",
			    i ? " " : "", c->argv[i]);
			if (w < 0)
				break;
			len += (size_t)w;
		}
		break;
	}
}

/* "withdraw", or "med 1000 prepend 2 community 64512:666 ...". */
static void on_down(const struct conf_check *c, char *buf, size_t size)
{
	char cs[32];
	size_t len = 0;

	if (!c->down_keep) {
		snprintf(buf, size, "withdraw");
		return;
	}
	buf[0] = '\0';
	if (c->down_med_set)
		len += (size_t)snprintf(buf + len, size - len, "med %u ",
		    c->down_med);
	if (c->down_prepend && len < size)
		len += (size_t)snprintf(buf + len, size - len, "prepend %u ",
		    c->down_prepend);
	for (size_t i = 0; i < c->ndown_comm && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s ",
		    i ? "" : "community ", community_fmt(c->down_comm[i], cs,
		    sizeof(cs)));
	if (len > 0 && len <= size)
		buf[len - 1] = '\0';
}

static json_object *check_json(const struct lbbgpd *d, size_t i)
{
	const struct conf_check *c = &d->conf->checks[i];
	struct rib_check_info ci;
	json_object *o = json_object_new_object();
	char buf[1024];

	rib_check_info(d->rib, i, &ci);
	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "kind",
	    json_object_new_string(kind_names[c->kind]));
	target(c, buf, sizeof(buf));
	json_object_object_add(o, "target", json_object_new_string(buf));
	json_object_object_add(o, "state",
	    json_object_new_string(rib_check_state_name(ci.state)));
	if (ci.state != RIB_CHECK_PENDING)
		json_object_object_add(o, "since",
		    json_object_new_double((double)ci.since_ms / 1000.0));
	if (ci.has_last) {
		json_object *l = json_object_new_object();
		json_object_object_add(l, "result",
		    json_object_new_string(probe_names[ci.last]));
		json_object_object_add(l, "reason",
		    json_object_new_string(ci.reason));
		json_object_object_add(l, "latency",
		    json_object_new_double(ci.latency));
		json_object_object_add(l, "at",
		    json_object_new_double((double)ci.last_ms / 1000.0));
		json_object_object_add(o, "last", l);
	}
	json_object_object_add(o, "passes", json_object_new_uint64(ci.passes));
	json_object_object_add(o, "fails", json_object_new_uint64(ci.fails));
	json_object_object_add(o, "transitions",
	    json_object_new_uint64(ci.transitions));
	json_object_object_add(o, "interval",
	    json_object_new_double(c->interval_ms / 1000.0));
	json_object_object_add(o, "timeout",
	    json_object_new_double(c->timeout_ms / 1000.0));
	json_object_object_add(o, "rise", json_object_new_int(c->rise));
	json_object_object_add(o, "fall", json_object_new_int(c->fall));
	on_down(c, buf, sizeof(buf));
	json_object_object_add(o, "on-down", json_object_new_string(buf));
	if (c->disable_file != NULL)
		json_object_object_add(o, "disable-file",
		    json_object_new_string(c->disable_file));
	json_object_object_add(o, "vips",
	    json_object_new_uint64(rib_check_vips(d->rib, i)));
	return o;
}

void cmd_show_checks(struct ctl_req *r)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < r->d->conf->nchecks; i++)
		json_object_array_add(arr, check_json(r->d, i));
	json_object_object_add(r->reply, "checks", arr);
}
