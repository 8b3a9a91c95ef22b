/*
 * metrics.c - the metrics of lbbgpd as OpenMetrics text (metrics.h).
 *
 * Reads struct lbbgpd, its peers, the RIB and the state file's counters,
 * and writes them through om.h; it holds no state of its own besides the
 * counters it is given to keep (control replies, NOTIFICATIONs).  No I/O
 * and no libev calls: the text is built in memory in one pass, O(peers +
 * pools), so a scrape costs the BGP loop only that.
 *
 * MetalLB compatibility (its internal/bgp and internal/allocator
 * packages): the peer label is "ADDRESS:PORT" as MetalLB's native BGP
 * mode writes it (Go's net.JoinHostPort, so IPv6 is "[ADDRESS]:PORT";
 * MetalLB's FRR mode writes IPv6 without the brackets and adds a vrf
 * label, which lbbgp, without VRFs, leaves out); the pool label is the
 * pool's name.  MetalLB has its BFD metrics (metallb_bfd_*) only in FRR
 * mode, where the peer label is the bare address; lbbgp keeps the one
 * peer label of its other metallb_* families, so that a query can join
 * a peer's BGP and BFD series.
 */
#include "config.h"

#include "bgpd/metrics/metrics.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/bfd/bfdd.h"
#include "bgpd/metrics/om.h"
#include "bgpd/state.h"
#include "util/buf.h"


const char *metrics_peer_label(const struct conf_neighbor *n, char *buf,
    size_t size)
{
	char a[PREFIX_STRLEN];

	addr_fmt(&n->addr, a, sizeof(a));
	if (n->addr.afi == AFI_IPV6)
		snprintf(buf, size, "[%s]:%u", a, n->port);
	else
		snprintf(buf, size, "%s:%u", a, n->port);
	return buf;
}

void metrics_count_notif(struct notif_counts *c, uint8_t code,
    uint8_t subcode)
{
	for (size_t i = 0; i < NOTIF_KINDS; i++) {
		if (c->k[i].n == 0) {
			c->k[i].code = code;
			c->k[i].subcode = subcode;
		}
		if (c->k[i].code == code && c->k[i].subcode == subcode) {
			c->k[i].n++;
			return;
		}
	}
	/* A peer sending ever new codes cannot grow this. */
	c->other++;
}

void metrics_count_reply(struct lbbgpd *d, const char *cmd,
    json_object *reply)
{
	json_object *ok, *code;
	const char *result = "ok";

	if (cmd == NULL)
		cmd = "invalid";
	if (!json_object_object_get_ex(reply, "ok", &ok) ||
	    !json_object_get_boolean(ok))
		result = json_object_object_get_ex(reply, "code", &code) ?
		    json_object_get_string(code) : "error";
	for (size_t i = 0; i < d->nctl_stats; i++) {
		struct ctl_stat *s = &d->ctl_stats[i];
		if (strcmp(s->cmd, cmd) == 0 && strcmp(s->result, result) == 0) {
			s->n++;
			return;
		}
	}
	/* Codes and commands are the daemon's own words, a few dozen
	 * pairs; the cap only guards against a bug making up new ones. */
	if (d->nctl_stats >= CTL_STATS_MAX) {
		cmd = "invalid";
		result = "other";
		for (size_t i = 0; i < d->nctl_stats; i++)
			if (strcmp(d->ctl_stats[i].cmd, cmd) == 0 &&
			    strcmp(d->ctl_stats[i].result, result) == 0) {
				d->ctl_stats[i].n++;
				return;
			}
	}
	struct ctl_stat *ns = realloc(d->ctl_stats, (d->nctl_stats + 1) *
	    sizeof(*ns));
	if (ns == NULL)
		return;
	d->ctl_stats = ns;
	ns += d->nctl_stats++;
	ns->cmd = cmd;
	snprintf(ns->result, sizeof(ns->result), "%s", result);
	ns->n = 1;
}

const struct mh_status_desc mh_statuses[MH_NSTATUS] = {
	[MH_200] = { "200", "OK" },
	[MH_400] = { "400", "Bad Request" },
	[MH_404] = { "404", "Not Found" },
	[MH_405] = { "405", "Method Not Allowed" },
	[MH_408] = { "408", "Request Timeout" },
	[MH_431] = { "431", "Request Header Fields Too Large" },
	[MH_500] = { "500", "Internal Server Error" },
	[MH_503] = { "503", "Service Unavailable" },
	[MH_505] = { "505", "HTTP Version Not Supported" },
};

/* ---- rendering -------------------------------------------------------- */

/* A peer's two labels, and room for the family's own. */
struct peer_labels {
	char peer[PREFIX_STRLEN + 10];
	struct om_label l[4];
};

static size_t peer_labels(struct peer_labels *pl, const struct peer *p,
    bool with_name)
{
	size_t n = 0;

	metrics_peer_label(p->conf, pl->peer, sizeof(pl->peer));
	if (with_name)
		pl->l[n++] = (struct om_label){ "neighbor", p->conf->name };
	pl->l[n++] = (struct om_label){ "peer", pl->peer };
	return n;
}

static bool peer_up(const struct peer *p)
{
	return p->conn != NULL && p->conn->fsm.state == FSM_ESTABLISHED;
}

/* MetalLB's metrics, same names, types and labels. */
static void render_metallb(struct om *o, const struct lbbgpd *d)
{
	struct peer_labels pl;
	size_t n;

	om_family(o, "metallb_bgp_session_up", OM_GAUGE, NULL,
	    "BGP session state (1 is up, 0 is down)");
	for (size_t i = 0; i < d->npeers; i++) {
		n = peer_labels(&pl, d->peers[i], false);
		om_sample(o, pl.l, n, peer_up(d->peers[i]));
	}
	om_family(o, "metallb_bgp_updates", OM_COUNTER, NULL,
	    "Number of BGP UPDATE messages sent");
	for (size_t i = 0; i < d->npeers; i++) {
		n = peer_labels(&pl, d->peers[i], false);
		om_sample(o, pl.l, n, d->peers[i]->st.msgs_out[BGP_MSG_UPDATE]);
	}
	/*
	 * MetalLB exports this gauge with a _total name.  OpenMetrics says
	 * names SHOULD NOT end in a suffix of another type (a counter's
	 * _total), but allows it for a gauge as long as no counter family
	 * "metallb_bgp_announced_prefixes" exists; there is none.  We keep
	 * MetalLB's name and type so that its dashboards keep working.
	 */
	om_family(o, "metallb_bgp_announced_prefixes_total", OM_GAUGE, NULL,
	    "Number of prefixes currently being advertised on the BGP "
	    "session");
	for (size_t i = 0; i < d->npeers; i++) {
		const struct peer *p = d->peers[i];
		n = peer_labels(&pl, p, false);
		/* MetalLB sets it to 0 when the session goes down; so does
		 * the RIB, which forgets what a down peer was sent. */
		om_sample(o, pl.l, n, peer_up(p) ?
		    rib_peer_announced(d->rib, p->idx) : 0);
	}

	/* The allocator's gauges, _total names as in MetalLB (see above). */
	const struct conf *c = d->conf;
	struct rib_pool_usage u[1];
	om_family(o, "metallb_allocator_addresses_in_use_total", OM_GAUGE,
	    NULL, "Number of IP addresses in use, per pool");
	for (size_t i = 0; i < c->npools; i++) {
		struct om_label l = { "pool", c->pools[i].name };
		rib_pool_usage(d->rib, i, u);
		om_sample(o, &l, 1, u->used);
	}
	om_family(o, "metallb_allocator_addresses_total", OM_GAUGE, NULL,
	    "Number of usable IP addresses, per pool");
	for (size_t i = 0; i < c->npools; i++) {
		struct om_label l = { "pool", c->pools[i].name };
		rib_pool_usage(d->rib, i, u);
		om_sample(o, &l, 1, u->size);
	}
}

/* ---- BFD: MetalLB's names (its FRR mode), one series per session --------- */

static uint64_t bfd_up(const struct bfdd_peer *b)
{
	return b->s.state == BFD_UP;
}

static uint64_t bfd_rx(const struct bfdd_peer *b)
{
	return b->st.rx;
}

static uint64_t bfd_tx(const struct bfdd_peer *b)
{
	return b->st.tx;
}

static uint64_t bfd_ups(const struct bfdd_peer *b)
{
	return b->st.up_events;
}

static uint64_t bfd_downs(const struct bfdd_peer *b)
{
	return b->st.down_events;
}

static const struct {
	const char *name;
	enum om_type type;
	const char *help;
	uint64_t (*value)(const struct bfdd_peer *);
} bfd_families[] = {
	{ "metallb_bfd_session_up", OM_GAUGE,
	    "BFD session state (1 is up, 0 is down)", bfd_up },
	{ "metallb_bfd_control_packet_input", OM_COUNTER,
	    "Number of received BFD control packets", bfd_rx },
	{ "metallb_bfd_control_packet_output", OM_COUNTER,
	    "Number of sent BFD control packets", bfd_tx },
	{ "metallb_bfd_session_up_events", OM_COUNTER,
	    "Number of BFD session up events", bfd_ups },
	{ "metallb_bfd_session_down_events", OM_COUNTER,
	    "Number of BFD session down events", bfd_downs },
};

static bool any_bfd(const struct lbbgpd *d)
{
	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i]->bfd != NULL)
			return true;
	return false;
}

/* Only with BFD configured: no empty families for everyone else. */
static void render_bfd(struct om *o, const struct lbbgpd *d)
{
	struct peer_labels pl;
	struct om_label l;

	if (!any_bfd(d))
		return;
	for (size_t f = 0; f < NELEM(bfd_families); f++) {
		om_family(o, bfd_families[f].name, bfd_families[f].type, NULL,
		    bfd_families[f].help);
		for (size_t i = 0; i < d->npeers; i++) {
			const struct bfdd_peer *b = d->peers[i]->bfd;
			if (b == NULL)
				continue;
			size_t n = peer_labels(&pl, d->peers[i], false);
			om_sample(o, pl.l, n, bfd_families[f].value(b));
		}
	}
	om_family(o, "lbbgp_bfd_dropped_packets", OM_COUNTER, NULL,
	    "BFD datagrams dropped, by reason (a TTL below 255 on single "
	    "hop, an unknown source or discriminator, a malformed packet, "
	    "authentication)");
	for (unsigned r = 0; r < BFDD_NDROPS; r++) {
		if (r == BFDD_DROP_ERR + BFD_OK)
			continue;
		l = (struct om_label){ "reason", bfdd_drop_name(r) };
		om_sample(o, &l, 1, d->bfd != NULL ? d->bfd->drops[r] : 0);
	}
}

static void msg_type_label(unsigned t, char *buf, size_t size)
{
	snprintf(buf, size, "%s", bgp_msg_type_name(t));
	for (char *s = buf; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void render_msgs(struct om *o, const struct lbbgpd *d, bool sent)
{
	om_family(o, sent ? "lbbgp_bgp_messages_sent" :
	    "lbbgp_bgp_messages_received", OM_COUNTER, NULL, sent ?
	    "BGP messages sent, by type" : "BGP messages received, by type");
	for (size_t i = 0; i < d->npeers; i++) {
		const struct peer *p = d->peers[i];
		const uint64_t *cnt = sent ? p->st.msgs_out : p->st.msgs_in;
		struct peer_labels pl;
		size_t n = peer_labels(&pl, p, true);
		char type[32];
		pl.l[n] = (struct om_label){ "type", type };
		for (unsigned t = BGP_MSG_OPEN; t < BGP_MSG_TYPE_MAX; t++) {
			msg_type_label(t, type, sizeof(type));
			om_sample(o, pl.l, n + 1, cnt[t]);
		}
	}
}

static void render_notifs(struct om *o, const struct lbbgpd *d, bool sent)
{
	om_family(o, sent ? "lbbgp_bgp_notifications_sent" :
	    "lbbgp_bgp_notifications_received", OM_COUNTER, NULL, sent ?
	    "BGP NOTIFICATION messages sent, by error code and subcode "
	    "(RFC 4271 section 4.5)" :
	    "BGP NOTIFICATION messages received, by error code and subcode "
	    "(RFC 4271 section 4.5)");
	for (size_t i = 0; i < d->npeers; i++) {
		const struct peer *p = d->peers[i];
		const struct notif_counts *c = sent ? &p->st.notif_out :
		    &p->st.notif_in;
		struct peer_labels pl;
		size_t n = peer_labels(&pl, p, true);
		char code[8], sub[8];
		pl.l[n] = (struct om_label){ "code", code };
		pl.l[n + 1] = (struct om_label){ "subcode", sub };
		for (size_t k = 0; k < NOTIF_KINDS && c->k[k].n > 0; k++) {
			snprintf(code, sizeof(code), "%u", c->k[k].code);
			snprintf(sub, sizeof(sub), "%u", c->k[k].subcode);
			om_sample(o, pl.l, n + 2, c->k[k].n);
		}
		if (c->other > 0) {
			snprintf(code, sizeof(code), "other");
			snprintf(sub, sizeof(sub), "other");
			om_sample(o, pl.l, n + 2, c->other);
		}
	}
}

/* One gauge or counter per peer, from a function of the peer. */
static void render_per_peer(struct om *o, const struct lbbgpd *d,
    const char *name, enum om_type type, const char *help,
    uint64_t (*value)(const struct lbbgpd *, const struct peer *))
{
	om_family(o, name, type, NULL, help);
	for (size_t i = 0; i < d->npeers; i++) {
		struct peer_labels pl;
		size_t n = peer_labels(&pl, d->peers[i], true);
		om_sample(o, pl.l, n, value(d, d->peers[i]));
	}
}

static uint64_t v_admin_down(const struct lbbgpd *d, const struct peer *p)
{
	return p->admin_down;
}

static uint64_t v_flaps(const struct lbbgpd *d, const struct peer *p)
{
	return p->st.flaps;
}

static uint64_t v_received(const struct lbbgpd *d, const struct peer *p)
{
	return rib_in_count(d->rib, p->idx);
}

static uint64_t v_pending(const struct lbbgpd *d, const struct peer *p)
{
	return peer_up(p) ? rib_peer_pending(d->rib, p->idx) : 0;
}

static uint64_t v_taw(const struct lbbgpd *d, const struct peer *p)
{
	return p->st.treat_as_withdraw;
}

static void render_peers(struct om *o, const struct lbbgpd *d)
{
	/* A state set: one series per FSM state, 1 for the current one. */
	om_family(o, "lbbgp_bgp_session_state", OM_STATESET, NULL,
	    "BGP session state (RFC 4271 section 8.2.2), 1 for the current "
	    "state");
	for (size_t i = 0; i < d->npeers; i++) {
		const struct peer *p = d->peers[i];
		struct peer_labels pl;
		size_t n = peer_labels(&pl, p, true);
		enum fsm_state cur = p->conn ? p->conn->fsm.state : FSM_IDLE;
		for (enum fsm_state s = FSM_IDLE; s < FSM_NSTATES; s++) {
			pl.l[n] = (struct om_label){ "lbbgp_bgp_session_state",
			    fsm_state_name(s) };
			om_sample(o, pl.l, n + 1, s == cur);
		}
	}
	render_per_peer(o, d, "lbbgp_bgp_admin_down", OM_GAUGE,
	    "1 while the session is down by configuration (shutdown yes) "
	    "or bgpctl neighbor down", v_admin_down);
	render_per_peer(o, d, "lbbgp_bgp_session_flaps", OM_COUNTER,
	    "Times the session left Established", v_flaps);
	render_msgs(o, d, true);
	render_msgs(o, d, false);
	render_notifs(o, d, true);
	render_notifs(o, d, false);
	render_per_peer(o, d, "lbbgp_bgp_received_prefixes", OM_GAUGE,
	    "Prefixes received from the peer and kept (Adj-RIB-In)",
	    v_received);
	render_per_peer(o, d, "lbbgp_bgp_pending_changes", OM_GAUGE,
	    "Route changes waiting to be sent to the peer", v_pending);
	render_per_peer(o, d, "lbbgp_bgp_treat_as_withdraw", OM_COUNTER,
	    "Received UPDATEs treated as withdraws (RFC 7606)", v_taw);
}

static void render_daemon(struct om *o, const struct lbbgpd *d)
{
	struct om_label l[2];

	om_family(o, "lbbgp_build", OM_INFO, NULL,
	    "The version of lbbgpd");
	l[0] = (struct om_label){ "version", PACKAGE_VERSION };
	om_sample(o, l, 1, 1);
	om_family(o, "lbbgp_start_time_seconds", OM_GAUGE, "seconds",
	    "When lbbgpd started, in seconds since the Unix epoch");
	om_sample_double(o, NULL, 0, d->start_time);

	om_family(o, "lbbgp_vips", OM_GAUGE, NULL,
	    "VIPs held by at least one owner (static and run-time)");
	om_sample(o, NULL, 0, rib_vip_count(d->rib));
	om_family(o, "lbbgp_vips_orphaned", OM_GAUGE, NULL,
	    "State-file records the configuration no longer allows, kept "
	    "until it does");
	om_sample(o, NULL, 0, d->state ? state_orphans(d->state) : 0);

	static const struct state_stats none;
	const struct state_stats *ss = d->state ? state_stats(d->state) :
	    &none;
	om_family(o, "lbbgp_state_file_commits", OM_COUNTER, NULL,
	    "Batches of changes written to the state file's journal "
	    "(result ok) or that could not be (result error)");
	l[0] = (struct om_label){ "result", "ok" };
	om_sample(o, l, 1, ss->commits);
	l[0].value = "error";
	om_sample(o, l, 1, ss->commit_failures);
	om_family(o, "lbbgp_state_file_records", OM_COUNTER, NULL,
	    "VIP records written to the state file's journal");
	om_sample(o, NULL, 0, ss->records);
	om_family(o, "lbbgp_state_file_snapshots", OM_COUNTER, NULL,
	    "Snapshots of the state file written (result ok) or failed "
	    "(result error)");
	l[0].value = "ok";
	om_sample(o, l, 1, ss->snapshots);
	l[0].value = "error";
	om_sample(o, l, 1, ss->snapshot_failures);

	om_family(o, "lbbgp_control_requests", OM_COUNTER, NULL,
	    "Control socket requests answered, by command and result (ok "
	    "or the error code)");
	for (size_t i = 0; i < d->nctl_stats; i++) {
		l[0] = (struct om_label){ "command", d->ctl_stats[i].cmd };
		l[1] = (struct om_label){ "result", d->ctl_stats[i].result };
		om_sample(o, l, 2, d->ctl_stats[i].n);
	}

	static const double bounds[LOOPSTAT_NBOUNDS] = LOOPSTAT_BOUNDS;
	/* No UNIT line: OpenMetrics wants the unit as the name's suffix,
	 * and the name is pinned (PRODUCT.md). */
	om_family(o, "lbbgp_loop_stall_seconds_max", OM_GAUGE, NULL,
	    "The longest turn of the event loop since start: how long "
	    "timers, BFD and sockets waited at worst");
	om_sample_double(o, NULL, 0, d->loopstat.max);
	om_histogram(o, "lbbgp_loop_iteration_seconds", "seconds",
	    "Turns of the event loop by how long they held it",
	    bounds, d->loopstat.buckets, LOOPSTAT_NBOUNDS, d->loopstat.sum);

	om_family(o, "lbbgp_metrics_http_responses", OM_COUNTER, NULL,
	    "Responses of the metrics listen HTTP server, by status code");
	for (size_t i = 0; d->metrics_http != NULL && i < MH_NSTATUS; i++) {
		if (d->metrics_http->responses[i] == 0 && i != MH_200)
			continue;
		l[0] = (struct om_label){ "code", mh_statuses[i].code };
		om_sample(o, l, 1, d->metrics_http->responses[i]);
	}
}

/* Health checks and drains (live.c, rib/health.c). */
static void render_checks(struct om *o, const struct lbbgpd *d)
{
	const struct conf *c = d->conf;
	struct om_label l;
	struct rib_check_info ci;

	om_family(o, "lbbgp_check_up", OM_GAUGE, NULL,
	    "Health check state: 1 up, 0 down, disabled or no result yet");
	for (size_t i = 0; i < c->nchecks; i++) {
		rib_check_info(d->rib, i, &ci);
		l = (struct om_label){ "check", c->checks[i].name };
		om_sample(o, &l, 1, ci.state == RIB_CHECK_UP);
	}
	om_family(o, "lbbgp_check_transitions", OM_COUNTER, NULL,
	    "Changes of a health check's state (first result included)");
	for (size_t i = 0; i < c->nchecks; i++) {
		rib_check_info(d->rib, i, &ci);
		l = (struct om_label){ "check", c->checks[i].name };
		om_sample(o, &l, 1, ci.transitions);
	}
	om_family(o, "lbbgp_check_duration_seconds", OM_GAUGE, "seconds",
	    "How long the newest probe of a health check took");
	for (size_t i = 0; i < c->nchecks; i++) {
		rib_check_info(d->rib, i, &ci);
		l = (struct om_label){ "check", c->checks[i].name };
		om_sample_double(o, &l, 1, ci.has_last ? ci.latency : 0);
	}
	om_family(o, "lbbgp_vip_draining", OM_GAUGE, NULL,
	    "VIPs whose routes carry GRACEFUL_SHUTDOWN now (drain, "
	    "shutdown-drain, a disabled check)");
	om_sample(o, NULL, 0, rib_draining(d->rib));
}

char *metrics_render(const struct lbbgpd *d, bool openmetrics, size_t *len)
{
	struct om o;

	om_init(&o, openmetrics);
	render_metallb(&o, d);
	render_bfd(&o, d);
	render_daemon(&o, d);
	render_checks(&o, d);
	if (d->fleet_metrics != NULL)
		d->fleet_metrics(&o, d);
	render_peers(&o, d);
	return om_finish(&o, len);
}
