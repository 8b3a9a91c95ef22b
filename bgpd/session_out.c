/*
 * session_out.c - BGP messages out: the write queue, the OPEN, KEEPALIVE
 * and NOTIFICATION the FSM sends, UPDATEs from the RIB (peer_pump) with
 * End-of-RIB and Enhanced Route Refresh markers, ROUTE-REFRESH requests,
 * and what the RIB knows of a session.  Writing to the socket is
 * session_io.c's.
 */
#include "bgpd/session_int.h"

#include <string.h>

#include "bgpd/metrics/metrics.h"

void conn_queue(struct conn *c, const uint8_t *msg, size_t len,
    uint8_t type)
{
	if (c->fd < 0 || len == 0)
		return;
	if (!buf_append(&c->wbuf, msg, len)) {
		log_peer_warnx(c->peer, "out of memory queueing %s",
		    bgp_msg_type_name(type));
		/* A queue is not a record: what is queued still goes out,
		 * and a later message may fit again. */
		c->wbuf.failed = false;
		return;
	}
	c->peer->st.msgs_out[type]++;
	if (type == BGP_MSG_NOTIFICATION && len >= BGP_NOTIFY_MIN_LEN)
		metrics_count_notif(&c->peer->st.notif_out, msg[BGP_HDR_LEN],
		    msg[BGP_HDR_LEN + 1]);
	if (!c->connecting) {
		ev_io_start(c->peer->d->loop, &c->wio);
		conn_send_hold_update(c);
	}
}

void conn_send_open(void *ctx)
{
	struct conn *c = ctx;
	struct peer *p = c->peer;
	const struct conf_neighbor *n = p->conf;
	uint8_t buf[BGP_MAX_LEN];
	struct bgp_open *o = &c->sent;

	memset(o, 0, sizeof(*o));
	o->version = BGP_VERSION;
	/* RFC 6793 §4.1: AS_TRANS in My AS when ours needs 4 octets. */
	o->my_as = n->local_as > 0xffff ? BGP_AS_TRANS : (uint16_t)n->local_as;
	o->hold = n->hold_time;
	o->id = p->d->router_id;
	o->caps.mp[o->caps.nmp++] = (struct bgp_afisafi){ AFI_IPV4,
	    SAFI_UNICAST, 0 };
	o->caps.mp[o->caps.nmp++] = (struct bgp_afisafi){ AFI_IPV6,
	    SAFI_UNICAST, 0 };
	o->caps.mp_present = true;
	o->caps.route_refresh = true;
	o->caps.enhanced_refresh = true;	/* RFC 7313 */
	/* RFC 8654: both sides announcing it allows 65535-byte messages. */
	o->caps.ext_message = true;
	o->caps.as4 = true;
	o->caps.as4_asn = n->local_as;
	/* RFC 8950 §4: only when configured (conf allows it on IPv6
	 * sessions only): IPv4 unicast routes with IPv6 next hops. */
	if (n->extended_next_hop)
		o->caps.enh[o->caps.nenh++] = (struct bgp_enh){ AFI_IPV4,
		    SAFI_UNICAST, AFI_IPV6 };
	if (n->graceful_restart) {
		/*
		 * RFC 4724 §3: R while we are within restart-time of our start
		 * (the routers may be holding our routes as stale); F for both
		 * families, since the host serves its VIPs whether or not
		 * lbbgpd runs, so the routers should keep forwarding to it.
		 */
		o->caps.gr = true;
		o->caps.gr_time = n->restart_time;
		/* RFC 8538 §2: N, we handle NOTIFICATIONs gracefully and
		 * send and understand Hard Reset. */
		o->caps.gr_flags = BGP_GR_NOTIFICATION;
		if (now_mono() - p->d->started < n->restart_time)
			o->caps.gr_flags |= BGP_GR_RESTARTING;
		o->caps.gr_afi[o->caps.ngr++] = (struct bgp_afisafi){ AFI_IPV4,
		    SAFI_UNICAST, BGP_GR_AFI_FORWARDING };
		o->caps.gr_afi[o->caps.ngr++] = (struct bgp_afisafi){ AFI_IPV6,
		    SAFI_UNICAST, BGP_GR_AFI_FORWARDING };
	}
	size_t len = bgp_open_encode(buf, sizeof(buf), o);
	conn_queue(c, buf, len, BGP_MSG_OPEN);
}

void conn_send_keepalive(void *ctx)
{
	struct conn *c = ctx;
	uint8_t buf[BGP_HDR_LEN];
	conn_queue(c, buf, bgp_keepalive_encode(buf, sizeof(buf)),
	    BGP_MSG_KEEPALIVE);
}

/* What graceful restart makes of a NOTIFICATION we send, for the log. */
static const char *notif_effect(const struct conn *c, enum bgp_gr_end end)
{
	if (c->fsm.state != FSM_ESTABLISHED || !c->neg.gr_notification)
		return "";
	return end == BGP_GR_END_HARD ? "; the router removes our routes now" :
	    "; the router keeps our routes as stale until we are back "
	    "(graceful restart, RFC 8538)";
}

void conn_send_notification(void *ctx, const struct bgp_err *err)
{
	struct conn *c = ctx;
	struct peer *p = c->peer;
	uint8_t buf[BGP_MAX_LEN], hard[BGP_MAX_LEN];
	struct bgp_err wrapped;
	char e[200], text[300] = "";

	/*
	 * RFC 8538 §3.1, §5.1: with N on both sides (known from OpenConfirm
	 * on) an end that must not be ridden out goes as a Hard Reset.
	 */
	if (c->fsm.state >= FSM_OPENCONFIRM && c->neg.gr_notification &&
	    bgp_hard_reset_wanted(err->code, err->subcode)) {
		bgp_hard_reset_wrap(err, &wrapped, hard, sizeof(hard));
		err = &wrapped;
	}
	c->end = bgp_gr_end_of(err->code, err->subcode);
	size_t len = bgp_notification_encode(buf, sizeof(buf), max_msg(c),
	    err->code, err->subcode, bgp_err_data(err), err->len);
	struct bgp_notification n;
	if (!bgp_notification_decode(buf, len, &n))
		n = (struct bgp_notification){ err->code, err->subcode, 0,
		    NULL };
	bgp_shutdown_text(&n, text, sizeof(text));
	log_conn_warnx(c, "sending NOTIFICATION %s%s%s%s%s",
	    bgp_notification_fmt(&n, e, sizeof(e)), text[0] ? ": \"" : "",
	    text, text[0] ? "\"" : "", notif_effect(c, c->end));
	record_notif(&p->last_sent, &n, text);
	conn_queue(c, buf, len, BGP_MSG_NOTIFICATION);
}

/* The next hop we announce: the neighbor's setting or our address. */
static struct prefix nexthop_for(const struct conn *c, unsigned afi)
{
	const struct conf_neighbor *n = c->peer->conf;
	struct prefix local, none = { 0 };

	if (afi == AFI_IPV4 && n->next_hop.afi == AFI_IPV4)
		return n->next_hop;
	if (afi == AFI_IPV6 && n->next_hop_v6.afi == AFI_IPV6)
		return n->next_hop_v6;
	sockaddr_to_prefix(&c->local, &local, NULL);
	return local.afi == afi ? local : none;
}

bool peer_can_send(const struct peer *p, unsigned afi)
{
	/* RFC 8950: IPv4 routes take the IPv6 next hop. */
	unsigned nh = afi == AFI_IPV4 && p->conn->neg.v4_nh6 ? AFI_IPV6 : afi;

	return nexthop_for(p->conn, nh).afi == nh;
}

/* What the RIB needs to know of an established session. */
void conn_session(const struct conn *c, struct rib_session *s)
{
	const struct peer *p = c->peer;

	*s = (struct rib_session){
		.ebgp = p->ebgp,
		.local_as = p->conf->local_as,
		.as4 = c->neg.as4,
		.v4 = c->neg.v4,
		.v6 = c->neg.v6,
		.nexthop4 = nexthop_for(c, AFI_IPV4),
		.nexthop6 = nexthop_for(c, AFI_IPV6),
		.v4_mp_nh6 = c->neg.v4_nh6,
		.max_msg = max_msg(c),
	};
}

bool peer_session(const struct peer *p, struct rib_session *s)
{
	if (p->conn == NULL || p->conn->fsm.state != FSM_ESTABLISHED)
		return false;
	conn_session(p->conn, s);
	return true;
}

static void emit_update(void *ctx, const uint8_t *msg, size_t len)
{
	conn_queue(ctx, msg, len, BGP_MSG_UPDATE);
}

bool peer_pump(struct peer *p)
{
	struct conn *c = p->conn;
	struct rib *r = p->d->rib;

	if (c->dead || c->fsm.state != FSM_ESTABLISHED)
		return false;
	while (buf_used(&c->wbuf) < OUTQ_LOW) {
		bool done = rib_peer_flush(r, p->idx,
		    OUTQ_HIGH - buf_used(&c->wbuf), emit_update, c);
		if (!done)
			continue;
		if (!p->eor_sent && !p->d->checks_pending) {
			/*
			 * RFC 4724 §2: End-of-RIB after the initial table;
			 * and only once every check has its first result, so
			 * a restarting router's stale routes of healthy VIPs
			 * are not flushed before we announce them again.
			 */
			uint8_t buf[64];
			if (c->neg.v4)
				conn_queue(c, buf, rib_eor_encode(buf,
				    sizeof(buf), AFI_IPV4), BGP_MSG_UPDATE);
			if (c->neg.v6)
				conn_queue(c, buf, rib_eor_encode(buf,
				    sizeof(buf), AFI_IPV6), BGP_MSG_UPDATE);
			p->eor_sent = true;
			log_peer_info(p, "initial table sent, %zu prefixes",
			    rib_peer_announced(r, p->idx));
		}
		/* RFC 7313 §4: EoRR once a refresh went out in full. */
		for (uint16_t afi = AFI_IPV4; afi <= AFI_IPV6; afi++) {
			if (!(p->eorr_pending & (1u << afi)))
				continue;
			uint8_t buf[BGP_REFRESH_LEN];
			struct bgp_refresh eorr = { afi, BGP_RR_EORR,
			    SAFI_UNICAST };
			conn_queue(c, buf, bgp_refresh_encode(buf, sizeof(buf),
			    &eorr), BGP_MSG_ROUTE_REFRESH);
		}
		p->eorr_pending = 0;
		break;
	}
	/* On the wire now, not after the next poll (and the state file's
	 * fdatasync): an add's UPDATE leaves within the same iteration. */
	if (buf_used(&c->wbuf) > 0 && !conn_write(c)) {
		log_peer_warn(p, "write");
		fsm_event(&c->fsm, EV_TCP_FAILS, NULL);
		return false;
	}
	return buf_used(&c->wbuf) > 0 || rib_peer_pending(r, p->idx) > 0;
}

bool peer_request_refresh(struct peer *p)
{
	struct conn *c = p->conn;
	uint8_t buf[BGP_REFRESH_LEN];

	if (c->fsm.state != FSM_ESTABLISHED || !c->neg.route_refresh)
		return false;
	for (uint16_t afi = AFI_IPV4; afi <= AFI_IPV6; afi++) {
		if (!(afi == AFI_IPV4 ? c->neg.v4 : c->neg.v6))
			continue;
		struct bgp_refresh rr = { .afi = afi, .subtype = BGP_RR_REQUEST,
		    .safi = SAFI_UNICAST };
		conn_queue(c, buf, bgp_refresh_encode(buf, sizeof(buf), &rr),
		    BGP_MSG_ROUTE_REFRESH);
	}
	log_peer_info(p, "asked the peer to send its routes again "
	    "(ROUTE-REFRESH)");
	return true;
}
