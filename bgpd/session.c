/*
 * session.c - BGP sessions on libev: the peers and their connections,
 * what the FSM (fsm/) asks of a connection through fsm_ops, and the
 * connection collision rules of RFC 4271 §6.8.  The socket side is
 * session_io.c, messages in session_in.c, messages out session_out.c.
 *
 * Connections are never freed from inside their own callbacks: a dead
 * one is put on a list that the loop's check watcher empties.
 */
#include "bgpd/session_int.h"
#include "bgpd/bfd/bfdd.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const struct fsm_ops conn_ops;

/* ---- helpers ------------------------------------------------------------- */

const char *peer_name(const struct peer *p)
{
	return p->conf->name;
}

enum fsm_state peer_state(const struct peer *p)
{
	return p->conn->fsm.state;
}

const char *conn_tag(const struct conn *c)
{
	return c->fsm.secondary ? " (second connection)" : "";
}

void record_notif(struct notif_log *l, const struct bgp_notification *n,
    const char *text)
{
	struct bgp_notification in = { 0 };

	l->code = n->code;
	l->subcode = n->subcode;
	l->hard_reset = bgp_hard_reset_inner(n, &in);
	l->inner_code = in.code;
	l->inner_subcode = in.subcode;
	snprintf(l->text, sizeof(l->text), "%s", text ? text : "");
	l->when = now_mono();
}

/* ---- connections --------------------------------------------------------- */

static void conn_kill(struct conn *c)
{
	struct lbbgpd *d = c->peer->d;

	if (c->dead)
		return;
	/* Best effort: a NOTIFICATION (a collision's Cease 6/7, an OPEN
	 * error) may be queued on a connection that goes at once. */
	if (c->fd >= 0 && !c->connecting)
		conn_write(c);
	for (int t = 0; t < FSM_NTIMERS; t++)
		ev_timer_stop(d->loop, &c->timers[t]);
	ev_timer_stop(d->loop, &c->send_hold);
	conn_close(c);
	c->dead = true;
	if (c->peer->coll == c)
		c->peer->coll = NULL;
	c->next_dead = d->dead;
	d->dead = c;
}

void conns_reap(struct lbbgpd *d)
{
	while (d->dead != NULL) {
		struct conn *c = d->dead;
		d->dead = c->next_dead;
		free(c->rbuf);
		free(c);
	}
}

static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	static const enum fsm_event ev_of[FSM_NTIMERS] = {
		[FSM_T_CONNECT_RETRY] = EV_CONNECT_RETRY_EXPIRES,
		[FSM_T_HOLD] = EV_HOLD_EXPIRES,
		[FSM_T_KEEPALIVE] = EV_KEEPALIVE_EXPIRES,
		[FSM_T_IDLE_HOLD] = EV_IDLE_HOLD_EXPIRES,
	};
	struct conn *c = w->data;
	int t = (int)(w - c->timers);

	/* bfd-strict: no restart before BFD is Up, which starts it. */
	if (t == FSM_T_IDLE_HOLD && c->peer->bfd_wait)
		return;
	if (t == FSM_T_HOLD)
		log_conn_warnx(c, "hold timer expired (%us without a "
		    "message)%s", c->fsm.state >= FSM_OPENCONFIRM ?
		    c->fsm.hold : BGP_HOLD_OPENSENT,
		    c->fsm.state == FSM_OPENSENT &&
		    c->peer->conf->ttl_security ? "; ttl-security is on: "
		    "the kernel drops the peer's packets unless they arrive "
		    "with TTL 255 (is GTSM on at the peer too?)" : "");
	fsm_event(&c->fsm, ev_of[t], NULL);
}

static struct conn *conn_new(struct peer *p, bool secondary)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->rbuf = malloc(RBUF_SIZE);
	if (c->rbuf == NULL) {
		free(c);
		return NULL;
	}
	c->peer = p;
	c->fd = -1;
	fsm_init(&c->fsm, &conn_ops, c);
	c->fsm.passive = secondary || p->conf->passive;
	c->fsm.secondary = secondary;
	c->fsm.hold_conf = p->conf->hold_time;
	c->fsm.connect_retry = p->conf->connect_retry;
	conn_io_init(c);
	for (int t = 0; t < FSM_NTIMERS; t++) {
		ev_init(&c->timers[t], timer_cb);
		c->timers[t].data = c;
	}
	return c;
}

/* The second connection takes over as the peer's primary. */
static void promote(struct peer *p)
{
	struct conn *old = p->conn, *nw = p->coll;

	p->conn = nw;
	p->coll = old;
	nw->fsm.secondary = false;
	nw->fsm.passive = p->conf->passive;
	nw->fsm.auto_start = old->fsm.auto_start;
	nw->fsm.idle_hold = old->fsm.idle_hold;
	nw->fsm.connect_retry = old->fsm.connect_retry;
	old->fsm.secondary = true;
	if (old->fsm.state == FSM_IDLE)
		conn_kill(old);
}

/* Close the losing connection of a collision with Cease 6/7. */
static void dump(struct peer *p, struct conn *loser)
{
	if (loser == p->conn)
		promote(p);
	if (!loser->dead)
		fsm_event(&loser->fsm, EV_OPEN_COLLISION_DUMP, NULL);
}

/*
 * RFC 4271 §6.8, run when c received an OPEN: if the other connection
 * already knows the peer's identifier (OpenConfirm) or is Established,
 * one of them must go.  Returns true when c itself was closed.
 */
bool conn_collision(struct conn *c)
{
	struct peer *p = c->peer;
	struct conn *o = c == p->conn ? p->coll : p->conn;
	struct conn *loser;

	if (o == NULL || o->dead || o->fsm.state < FSM_OPENCONFIRM)
		return false;
	if (o->fsm.state == FSM_ESTABLISHED && o->neg.gr && !c->outgoing) {
		/*
		 * RFC 4724 §4.2: a new connection from a peer whose session
		 * is Established with graceful restart means the peer
		 * restarted.  The old session goes, without a NOTIFICATION;
		 * the new one takes over.
		 */
		log_peer_info(p, "new connection while Established: the peer "
		    "restarted (graceful restart)");
		fsm_event(&o->fsm, EV_TCP_FAILS, NULL);
		if (o == p->conn)
			promote(p);
		return false;
	}
	if (o->fsm.state == FSM_ESTABLISHED) {
		loser = c;	/* the established session stays */
	} else if (c->outgoing == o->outgoing) {
		loser = o;	/* the peer reconnected: the newer one wins */
	} else {
		bool keep_remote = fsm_collision_keep_remote(p->d->router_id,
		    c->remote_id, p->conn->sent.caps.as4_asn, c->remote_as);
		struct conn *remote = c->outgoing ? o : c;
		struct conn *local = c->outgoing ? c : o;
		loser = keep_remote ? local : remote;
	}
	log_peer_info(p, "connection collision: closing the connection %s "
	    "initiated (RFC 4271 6.8)", loser->outgoing ? "we" : "the peer");
	dump(p, loser);
	return loser == c;
}

void peer_accept(struct peer *p, int fd)
{
	struct conn *c = p->conn;
	char a[PREFIX_STRLEN], dev[IF_NAMESIZE + 32];

	addr_fmt(&p->conf->addr, a, sizeof(a));
	/* vrf: the neighbor is reached through that device only, so a
	 * connection from its address through another is not from it
	 * (the unbound listener hears every device). */
	if (p->conf->vrf != NULL && !net_arrived_in_vrf(fd, p->conf->vrf,
	    dev, sizeof(dev))) {
		unsigned suppressed = 0;
		if (log_limit_ok(&p->limit, now_mono(), &suppressed))
			log_peer_warnx(p, "connection from %s refused: it came "
			    "in through %s, not through its vrf %s%s", a, dev,
			    p->conf->vrf, suppressed ?
			    " (more refusals not logged)" : "");
		close(fd);
		return;
	}
	if (p->admin_down || p->link_down || p->bfd_wait ||
	    c->fsm.state == FSM_IDLE) {
		log_peer_info(p, "connection from %s refused: session is %s", a,
		    p->admin_down ? "administratively down" : p->link_down ?
		    "down: its track-interface is down" : p->bfd_wait ?
		    "Idle until BFD is Up (bfd-strict)" :
		    "Idle (waiting to restart)");
		close(fd);
		return;
	}
	if (c->fsm.state == FSM_CONNECT || c->fsm.state == FSM_ACTIVE) {
		/* Take the peer's connection, drop our attempt. */
		if (c->fd >= 0)
			conn_close(c);
		conn_attach(c, fd, false);
		fsm_event(&c->fsm, EV_TCP_CONFIRMED, NULL);
		return;
	}
	if (p->coll != NULL) {
		log_peer_info(p, "connection from %s refused: a second "
		    "connection is already being set up", a);
		close(fd);
		return;
	}
	/* OpenSent, OpenConfirm, Established: track it until its OPEN. */
	struct conn *n = conn_new(p, true);
	if (n == NULL) {
		close(fd);
		return;
	}
	p->coll = n;
	fsm_event(&n->fsm, EV_MANUAL_START_PASSIVE, NULL);
	conn_attach(n, fd, false);
	fsm_event(&n->fsm, EV_TCP_CONFIRMED, NULL);
}

/* ---- fsm_ops ------------------------------------------------------------- */

static void op_timer(void *ctx, enum fsm_timer t, unsigned secs)
{
	struct conn *c = ctx;
	struct ev_loop *loop = c->peer->d->loop;
	ev_timer *w = &c->timers[t];
	double after = secs;

	ev_timer_stop(loop, w);
	if (secs == 0 || c->dead)
		return;
	/* RFC 4271 §10: jitter the ConnectRetry and Keepalive timers. */
	if (t == FSM_T_CONNECT_RETRY || t == FSM_T_KEEPALIVE)
		after *= 0.75 + 0.25 * ((double)random() / RAND_MAX);
	ev_timer_set(w, after, 0);
	ev_timer_start(loop, w);
}

static void op_connect(void *ctx)
{
	struct conn *c = ctx;
	struct peer *p = c->peer;
	char a[PREFIX_STRLEN];

	if (c->fd >= 0) {
		if (c->connecting)
			log_peer_warnx(p, "connect to %s port %u timed out "
			    "after %us; trying again%s",
			    addr_fmt(&p->conf->addr, a, sizeof(a)),
			    p->conf->port, c->fsm.connect_retry,
			    p->conf->password ? " (TCP-MD5 is on: with a "
			    "password mismatch the peer drops our packets "
			    "silently; check both sides)" : "");
		conn_close(c);
	}
	int fd = net_connect(p, &c->local);
	if (fd < 0) {
		/* Stay in Connect: the ConnectRetry timer tries again. */
		log_peer_warn(p, "connect to %s port %u",
		    addr_fmt(&p->conf->addr, a, sizeof(a)), p->conf->port);
		return;
	}
	c->fd = fd;
	c->outgoing = true;
	c->connecting = true;
	ev_io_set(&c->wio, fd, EV_WRITE);
	ev_io_start(p->d->loop, &c->wio);
}

static void op_drop(void *ctx)
{
	struct conn *c = ctx;

	if (c->fd >= 0 && !c->connecting)
		conn_write(c);	/* best effort: a NOTIFICATION may be queued */
	conn_close(c);
}

static void op_established(void *ctx)
{
	struct conn *c = ctx;
	struct peer *p = c->peer;
	char nh4[PREFIX_STRLEN], nh6[PREFIX_STRLEN];

	if (c->fsm.secondary)
		dump(p, p->conn);	/* the second connection won */
	struct rib_session s;
	conn_session(c, &s);
	/* Until a NOTIFICATION says otherwise: an end that graceful
	 * restart does not cover. */
	c->end = BGP_GR_END_HARD;
	p->eor_sent = false;
	rib_peer_up(p->d->rib, p->idx, &s);
	/* RFC 4724 §4.2: stale routes of a family the restarted peer did not
	 * keep forwarding for (no F bit) go now; the rest at its End-of-RIB. */
	if (ev_is_active(&p->stale)) {
		if (!(c->neg.gr && c->neg.peer_gr_v4 && c->neg.peer_fwd_v4))
			rib_in_purge_stale(p->d->rib, p->idx, AFI_IPV4);
		if (!(c->neg.gr && c->neg.peer_gr_v6 && c->neg.peer_fwd_v6))
			rib_in_purge_stale(p->d->rib, p->idx, AFI_IPV6);
	}
	/* RFC 8950: IPv4 routes go with the IPv6 next hop. */
	const struct prefix *v4nh = s.v4_mp_nh6 ? &s.nexthop6 : &s.nexthop4;
	log_peer_info(p, "session established: AS %u, id %u.%u.%u.%u, "
	    "hold %us, next hop %s%s / %s", c->remote_as,
	    c->remote_id >> 24, (c->remote_id >> 16) & 0xff,
	    (c->remote_id >> 8) & 0xff, c->remote_id & 0xff, c->neg.hold,
	    v4nh->afi ? addr_fmt(v4nh, nh4, sizeof(nh4)) : "none",
	    s.v4_mp_nh6 ? " (RFC 8950)" : "",
	    s.nexthop6.afi ? addr_fmt(&s.nexthop6, nh6, sizeof(nh6)) : "none");
	peer_pump(p);
}

static void op_down(void *ctx)
{
	struct conn *c = ctx;
	struct peer *p = c->peer;

	if (c->fsm.secondary)
		return;
	rib_peer_down(p->d->rib, p->idx);
	p->eorr_pending = 0;
	p->st.flaps++;
	/*
	 * RFC 4724 §4.2: a session with graceful restart that ends without
	 * a NOTIFICATION (the peer restarting) keeps the peer's routes as
	 * stale for its restart time; with N on both sides, so does one
	 * that ends with a NOTIFICATION, sent or received, other than a
	 * Hard Reset (RFC 8538 §4).  Otherwise they go now.
	 */
	enum bgp_gr_end end = c->fsm.last_event == EV_TCP_FAILS ?
	    BGP_GR_END_CLOSED : c->end;
	if (bgp_gr_keep_routes(&c->neg, end)) {
		rib_in_mark_stale(p->d->rib, p->idx, 0);
		ev_timer_stop(p->d->loop, &p->stale);
		ev_timer_set(&p->stale, c->neg.peer_gr_time, 0);
		ev_timer_start(p->d->loop, &p->stale);
		log_peer_info(p, "keeping its %zu routes as stale for up to "
		    "%us (graceful restart%s)", rib_in_count(p->d->rib,
		    p->idx), c->neg.peer_gr_time, end == BGP_GR_END_NOTIF ?
		    " after a NOTIFICATION, RFC 8538" : "");
	} else {
		if (c->neg.gr_notification && end == BGP_GR_END_HARD)
			log_peer_info(p, "Hard Reset (RFC 8538): its %zu routes "
			    "removed now", rib_in_count(p->d->rib, p->idx));
		ev_timer_stop(p->d->loop, &p->stale);
		rib_in_clear(p->d->rib, p->idx);
	}
}

static void stale_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct peer *p = w->data;
	size_t n = rib_in_purge_stale(p->d->rib, p->idx, 0);

	log_peer_info(p, "restart time over: %zu stale routes removed", n);
}

static void op_changed(void *ctx, enum fsm_state from, enum fsm_state to,
    enum fsm_event ev)
{
	struct conn *c = ctx;
	struct peer *p = c->peer;

	log_conn_info(c, "%s -> %s (%s)", fsm_state_name(from),
	    fsm_state_name(to), fsm_event_name(ev));
	if (c == p->conn)
		p->last_change = now_mono();
	if (to == FSM_IDLE && c->fsm.secondary)
		conn_kill(c);
}

static double op_now(void *ctx)
{
	return now_mono();
}

static const struct fsm_ops conn_ops = {
	.timer = op_timer,
	.connect = op_connect,
	.drop = op_drop,
	.send_open = conn_send_open,
	.send_keepalive = conn_send_keepalive,
	.send_notification = conn_send_notification,
	.established = op_established,
	.down = op_down,
	.changed = op_changed,
	.now = op_now,
};

/* ---- peers --------------------------------------------------------------- */

static void restart_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct peer *p = w->data;

	log_peer_info(p, "max-prefix restart time is over, starting the "
	    "session again");
	p->max_prefix_tripped = false;
	peer_start(p);
}

struct peer *peer_new(struct lbbgpd *d, size_t idx)
{
	struct peer *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->d = d;
	p->idx = idx;
	p->conf = &d->conf->neighbors[idx];
	p->ebgp = p->conf->remote_as != p->conf->local_as;
	p->admin_down = p->conf->shutdown;
	p->conn = conn_new(p, false);
	p->last_change = now_mono();
	ev_init(&p->restart, restart_cb);
	p->restart.data = p;
	ev_init(&p->stale, stale_cb);
	p->stale.data = p;
	if (p->conn == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

void peer_start(struct peer *p)
{
	if (p->admin_down || p->link_down || p->bfd_wait || p->conn == NULL)
		return;
	fsm_event(&p->conn->fsm, p->conf->passive ? EV_MANUAL_START_PASSIVE :
	    EV_MANUAL_START, NULL);
}

void peer_stop(struct peer *p, uint8_t subcode, const char *reason)
{
	uint8_t data[256];
	struct bgp_err err = { .code = BGP_ERR_CEASE, .subcode = subcode };

	/* RFC 9003: the reason travels as a shutdown communication. */
	if (reason != NULL && *reason != '\0') {
		err.len = (uint16_t)bgp_shutdown_data(reason, data,
		    sizeof(data));
		err.data = data;
	}
	if (p->coll != NULL)
		fsm_event(&p->coll->fsm, EV_MANUAL_STOP, &err);
	if (p->conn != NULL)
		fsm_event(&p->conn->fsm, EV_MANUAL_STOP, &err);
}

/*
 * lbbgpd itself restarting (RFC 4724): close without a NOTIFICATION, so a
 * router that negotiated graceful restart keeps our routes as stale until
 * we are back and send End-of-RIB.  Sessions without it get a Cease.
 */
void peer_stop_for_restart(struct peer *p)
{
	struct conn *c = p->conn;

	if (c->fsm.state == FSM_ESTABLISHED && c->neg.gr) {
		log_peer_info(p, "closing without NOTIFICATION: the router "
		    "keeps our routes for up to %us (graceful restart)",
		    p->conf->restart_time);
		c->fsm.auto_start = false;
		conn_write(c);
		conn_close(c);
		if (p->coll != NULL)
			conn_kill(p->coll);
		return;
	}
	peer_stop(p, BGP_CEASE_ADMIN_SHUTDOWN, "lbbgpd shutting down");
}

void peer_reconf(struct peer *p, size_t idx, const struct conf_neighbor *nc)
{
	p->idx = idx;
	p->conf = nc;
	p->ebgp = nc->remote_as != nc->local_as;
	for (struct conn *c = p->conn; c != NULL;
	    c = c == p->conn ? p->coll : NULL) {
		c->fsm.passive = c->fsm.secondary || nc->passive;
		c->fsm.hold_conf = nc->hold_time;
		c->fsm.connect_retry = nc->connect_retry;
	}
}

void peer_free(struct peer *p)
{
	bfdd_peer_gone(p);
	ev_timer_stop(p->d->loop, &p->restart);
	ev_timer_stop(p->d->loop, &p->stale);
	if (p->coll != NULL)
		conn_kill(p->coll);
	if (p->conn != NULL) {
		struct conn *c = p->conn;
		c->fsm.secondary = true;
		conn_kill(c);
		p->conn = NULL;
	}
	free(p);
}
