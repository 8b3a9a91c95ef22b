/*
 * session_in.c - BGP messages in: framing what a connection read, then
 * decoding OPEN, UPDATE, NOTIFICATION and ROUTE-REFRESH (fsm/msg.h) and
 * acting on them: FSM events, Adj-RIB-In, max-prefix.  Decoders stay
 * pure in fsm/; no socket calls here.
 */
#include "bgpd/session_int.h"

#include <stdio.h>
#include <string.h>

#include "bgpd/metrics/metrics.h"
#include "fsm/attr.h"

static void handle_open(struct conn *c, const uint8_t *msg, size_t len)
{
	struct peer *p = c->peer;
	struct bgp_open o;
	struct bgp_err err = { 0 };
	char e[128];

	if (c->fsm.state != FSM_OPENSENT) {
		fsm_event(&c->fsm, EV_OPEN, NULL);	/* FSM error */
		return;
	}
	if (!bgp_open_decode(msg, len, &o, &err)) {
		log_conn_warnx(c, "malformed OPEN: %s", bgp_err_fmt(err.code,
		    err.subcode, e, sizeof(e)));
		fsm_event(&c->fsm, EV_OPEN_ERR, &err);
		return;
	}
	struct bgp_open_expect x = {
		.remote_as = p->conf->remote_as,
		.local_as = p->conf->local_as,
		.local_id = p->d->router_id,
		.min_hold = p->conf->min_hold_time,
	};
	if (!bgp_open_check(&o, &x, &err)) {
		char detail[160] = "";
		if (err.subcode == BGP_OPEN_BAD_PEER_AS)
			snprintf(detail, sizeof(detail), ": it says AS %u, "
			    "remote-as is %u", bgp_open_peer_as(&o),
			    p->conf->remote_as);
		else if (err.subcode == BGP_OPEN_BAD_HOLD)
			snprintf(detail, sizeof(detail), ": hold time %u%s",
			    o.hold, p->conf->min_hold_time ? " is below "
			    "min-hold-time" : "");
		else if (err.subcode == BGP_OPEN_BAD_ID)
			snprintf(detail, sizeof(detail), ": BGP identifier "
			    "%u.%u.%u.%u", o.id >> 24, (o.id >> 16) & 0xff,
			    (o.id >> 8) & 0xff, o.id & 0xff);
		log_conn_warnx(c, "OPEN refused, %s%s", bgp_err_fmt(err.code,
		    err.subcode, e, sizeof(e)), detail);
		fsm_event(&c->fsm, EV_OPEN_ERR, &err);
		return;
	}
	c->remote_id = o.id;
	c->remote_as = bgp_open_peer_as(&o);
	bgp_negotiate(&c->sent, &o, p->conf->keepalive, &c->neg);
	c->fsm.hold = c->neg.hold;
	c->fsm.keepalive = c->neg.keepalive;
	log_conn_debug(c, "OPEN from AS %u: hold %us (ours %us), keepalive "
	    "%us; ipv4 %s, ipv6 %s, 4-octet AS %s, route refresh %s, ipv4 "
	    "with ipv6 next hop %s, %zu other capabilities", c->remote_as,
	    o.hold, c->sent.hold, c->neg.keepalive, c->neg.v4 ? "yes" : "no",
	    c->neg.v6 ? "yes" : "no", c->neg.as4 ? "yes" : "no",
	    c->neg.route_refresh ? "yes" : "no", c->neg.v4_nh6 ? "yes" : "no",
	    o.caps.nraw);
	if (conn_collision(c))
		return;
	fsm_event(&c->fsm, EV_OPEN, NULL);
}

/*
 * RFC 4486 §4: Cease/Maximum Number of Prefixes Reached, with the AFI,
 * SAFI and limit as data.  The session stays down for the configured
 * restart minutes, or until bgpctl neighbor NAME up.
 */
static void max_prefix_exceeded(struct peer *p, struct conn *c, uint16_t afi)
{
	const struct conf_neighbor *n = p->conf;
	uint8_t data[7] = { (uint8_t)(afi >> 8), (uint8_t)afi, SAFI_UNICAST,
		(uint8_t)(n->max_prefix >> 24), (uint8_t)(n->max_prefix >> 16),
		(uint8_t)(n->max_prefix >> 8), (uint8_t)n->max_prefix };
	struct bgp_err err = { .code = BGP_ERR_CEASE,
	    .subcode = BGP_CEASE_MAX_PREFIX, .data = data, .len = 7 };
	char again[96];

	if (n->max_prefix_restart != 0)
		snprintf(again, sizeof(again), "trying again in %u minutes",
		    n->max_prefix_restart);
	else
		snprintf(again, sizeof(again), "it stays down until bgpctl "
		    "neighbor %s up", n->name);
	log_peer_warnx(p, "%zu prefixes received, more than max-prefix %u: "
	    "closing the session; %s", rib_in_count(p->d->rib, p->idx),
	    n->max_prefix, again);
	p->max_prefix_tripped = true;
	fsm_event(&c->fsm, EV_MANUAL_STOP, &err);
	if (n->max_prefix_restart != 0) {
		ev_timer_set(&p->restart, 60.0 * n->max_prefix_restart, 0);
		ev_timer_start(p->d->loop, &p->restart);
	} else {
		p->admin_down = true;
	}
}

void peer_check_max_prefix(struct peer *p)
{
	struct conn *c = p->conn;

	if (c != NULL && c->fsm.state == FSM_ESTABLISHED &&
	    p->conf->max_prefix != 0 &&
	    rib_in_count(p->d->rib, p->idx) > p->conf->max_prefix)
		max_prefix_exceeded(p, c, AFI_IPV4);
}

static void handle_update(struct conn *c, const uint8_t *msg, size_t len)
{
	struct peer *p = c->peer;
	struct bgp_update u;
	struct bgp_err err = { 0 };
	struct bgp_upd_ctx ctx = {
		.as4 = c->neg.as4,
		.ebgp = p->ebgp,
		.v4 = c->neg.v4,
		.v6 = c->neg.v6,
	};
	char e[128];
	unsigned suppressed = 0;

	if (c->fsm.state != FSM_ESTABLISHED) {
		fsm_event(&c->fsm, EV_UPDATE, NULL);	/* FSM error */
		return;
	}
	if (!bgp_update_decode(msg, len, &ctx, &u, &err)) {
		log_peer_warnx(p, "malformed UPDATE (%s attribute %s): "
		    "resetting the session", bgp_err_fmt(err.code, err.subcode,
		    e, sizeof(e)), bgp_attr_name(u.why_attr));
		fsm_event(&c->fsm, EV_UPDATE_ERR, &err);
		return;
	}
	if (u.why.code != 0 && log_limit_ok(&p->limit, now_mono(),
	    &suppressed))
		log_peer_warnx(p, "UPDATE with %s in %s: %s (RFC 7606)%s",
		    bgp_err_subcode_name(u.why.code, u.why.subcode),
		    bgp_attr_name(u.why_attr), u.treat_as_withdraw ?
		    "treated as withdraw" : "attribute discarded", suppressed ?
		    " (more suppressed)" : "");

	/* RFC 4724 §4.2: End-of-RIB ends the peer's restart for a family. */
	uint16_t eor_afi;
	uint8_t eor_safi;
	if (bgp_update_is_eor(&u, &eor_afi, &eor_safi)) {
		size_t n = rib_in_purge_stale(p->d->rib, p->idx, eor_afi);
		if (n > 0)
			log_peer_info(p, "End-of-RIB for %s: %zu stale routes "
			    "removed", bgp_afi_name(eor_afi), n);
		fsm_event(&c->fsm, EV_UPDATE, NULL);
		return;
	}
	/* Kept for show rib in; never re-advertised or installed. */
	rib_in_update(p->d->rib, p->idx, &u, c->neg.as4);
	if (p->conf->max_prefix != 0 &&
	    rib_in_count(p->d->rib, p->idx) > p->conf->max_prefix) {
		max_prefix_exceeded(p, c, attr_has(&u.a, BGP_ATTR_MP_REACH) ?
		    u.a.reach.afi : AFI_IPV4);
		return;
	}
	if (u.treat_as_withdraw)
		p->st.treat_as_withdraw++;
	fsm_event(&c->fsm, EV_UPDATE, NULL);
}

static void handle_notification(struct conn *c, const uint8_t *msg,
    size_t len)
{
	struct peer *p = c->peer;
	struct bgp_notification n;
	char e[200], text[300] = "";

	c->end = BGP_GR_END_NOTIF;
	if (!bgp_notification_decode(msg, len, &n)) {
		log_conn_warnx(c, "malformed NOTIFICATION");
		fsm_event(&c->fsm, EV_NOTIF, NULL);
		return;
	}
	metrics_count_notif(&p->st.notif_in, n.code, n.subcode);
	/* RFC 8538 §3.2: a Hard Reset ends the session for good; op_down()
	 * drops the peer's routes.  Its log names what it carries. */
	c->end = bgp_gr_end_of(n.code, n.subcode);
	bool has_text = bgp_shutdown_text(&n, text, sizeof(text));
	log_conn_warnx(c, "received NOTIFICATION %s%s%s%s",
	    bgp_notification_fmt(&n, e, sizeof(e)), has_text ? ": \"" : "",
	    text, has_text ? "\"" : "");
	record_notif(&p->last_recv, &n, text);
	/* RFC 4271 §8.1.2 event 24 is about a version mismatch.  The FSM
	 * sees the code: a Cease the router's operator caused is no error
	 * to back off from, nor is a Hard Reset for one. */
	struct bgp_notification real;
	if (!bgp_hard_reset_inner(&n, &real))
		real = n;
	struct bgp_err got = { .code = real.code, .subcode = real.subcode };
	fsm_event(&c->fsm, n.code == BGP_ERR_OPEN &&
	    n.subcode == BGP_OPEN_BAD_VERSION ? EV_NOTIF_VERSION_ERR :
	    EV_NOTIF, &got);
}

static void handle_refresh(struct conn *c, const uint8_t *msg, size_t len)
{
	struct peer *p = c->peer;
	struct bgp_refresh rr;
	struct bgp_err err = { 0 };

	if (c->fsm.state != FSM_ESTABLISHED) {
		fsm_event(&c->fsm, EV_ROUTE_REFRESH, NULL);	/* FSM error */
		return;
	}
	if (!bgp_refresh_decode(msg, len, &rr, &err)) {
		log_peer_warnx(p, "ROUTE-REFRESH of bad length %zu", len);
		fsm_event(&c->fsm, EV_UPDATE_ERR, &err);
		return;
	}
	/*
	 * RFC 2918 §4: ignore a request we did not advertise for.  What we
	 * advertised is what counts (§3): a peer may ask without having
	 * announced the capability itself.
	 */
	bool family = rr.safi == SAFI_UNICAST && (rr.afi == AFI_IPV4 ?
	    c->neg.v4 : rr.afi == AFI_IPV6 ? c->neg.v6 : false);
	if (!c->sent.caps.route_refresh || !family) {
		fsm_event(&c->fsm, EV_ROUTE_REFRESH, NULL);
		return;
	}
	switch (rr.subtype) {
	case BGP_RR_REQUEST:
		log_peer_info(p, "route refresh requested for %s%s",
		    bgp_afi_name(rr.afi), c->neg.enhanced_refresh ?
		    " (enhanced: the routes go between BoRR and EoRR)" : "");
		/* RFC 7313 §4: the re-sent routes come between BoRR and
		 * EoRR, so the peer can drop what we no longer send. */
		if (c->neg.enhanced_refresh) {
			uint8_t buf[BGP_REFRESH_LEN];
			struct bgp_refresh borr = { rr.afi, BGP_RR_BORR,
			    SAFI_UNICAST };
			conn_queue(c, buf, bgp_refresh_encode(buf, sizeof(buf),
			    &borr), BGP_MSG_ROUTE_REFRESH);
			p->eorr_pending |= 1u << rr.afi;
		}
		/* RFC 2918 §4: re-send the Adj-RIB-Out. */
		rib_peer_resend(p->d->rib, p->idx, rr.afi);
		break;
	case BGP_RR_BORR:
		/* RFC 7313 §4: the peer re-sends everything; what it does not
		 * send again by EoRR is gone. */
		if (c->neg.enhanced_refresh)
			rib_in_mark_stale(p->d->rib, p->idx, rr.afi);
		break;
	case BGP_RR_EORR:
		if (c->neg.enhanced_refresh) {
			size_t n = rib_in_purge_stale(p->d->rib, p->idx,
			    rr.afi);
			if (n > 0)
				log_peer_info(p, "%zu %s routes not sent again "
				    "in the route refresh: removed", n,
				    bgp_afi_name(rr.afi));
		}
		break;
	default:
		break;	/* RFC 7313 §5: unknown subtypes are ignored */
	}
	fsm_event(&c->fsm, EV_ROUTE_REFRESH, NULL);
	peer_pump(p);
}

static void handle_msg(struct conn *c, const uint8_t *msg, size_t len,
    uint8_t type)
{
	c->peer->st.msgs_in[type]++;
	switch (type) {
	case BGP_MSG_OPEN:
		handle_open(c, msg, len);
		break;
	case BGP_MSG_UPDATE:
		handle_update(c, msg, len);
		break;
	case BGP_MSG_NOTIFICATION:
		handle_notification(c, msg, len);
		break;
	case BGP_MSG_KEEPALIVE:
		fsm_event(&c->fsm, EV_KEEPALIVE, NULL);
		break;
	case BGP_MSG_ROUTE_REFRESH:
		handle_refresh(c, msg, len);
		break;
	default:
		break;	/* bgp_frame() refuses other types */
	}
}

void conn_input(struct conn *c)
{
	size_t off = 0;

	while (c->fd >= 0) {
		struct bgp_hdr h;
		struct bgp_err err = { 0 };
		enum bgp_frame fr = bgp_frame(c->rbuf + off, c->rlen - off,
		    max_msg(c), &h, &err);
		if (fr == BGP_FRAME_NEED_MORE)
			break;
		if (fr == BGP_FRAME_ERROR) {
			char e[128];
			log_conn_warnx(c, "bad message header: %s",
			    bgp_err_fmt(err.code, err.subcode, e, sizeof(e)));
			fsm_event(&c->fsm, EV_HEADER_ERR, &err);
			break;
		}
		handle_msg(c, c->rbuf + off, h.len, h.type);
		off += h.len;
	}
	if (c->fd < 0) {
		c->rlen = 0;
		return;
	}
	memmove(c->rbuf, c->rbuf + off, c->rlen - off);
	c->rlen -= off;
}
