/*
 * session.c - BGP sessions on libev: one struct conn per TCP connection,
 * each driving its own FSM through fsm_ops; messages in and out; the
 * connection collision rules of RFC 4271 §6.8.
 *
 * Connections are never freed from inside their own callbacks: a dead
 * one is put on a list that the loop's check watcher empties.
 */
#include "bgpd/bgpd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgpd/metrics/metrics.h"
#include "fsm/attr.h"

static const struct fsm_ops conn_ops;

/* ---- helpers ------------------------------------------------------------ */

const char *peer_name(const struct peer *p)
{
	return p->conf->name;
}

enum fsm_state peer_state(const struct peer *p)
{
	return p->conn->fsm.state;
}

static const char *conn_tag(const struct conn *c)
{
	return c->fsm.secondary ? " (second connection)" : "";
}

/*
 * Lines about one connection: "neighbor NAME: ...", and on the second
 * connection of a collision "neighbor NAME (second connection): ...".
 */
#define log_conn_warnx(c, ...) \
	log_line(LOG_LVL_WARN, peer_name((c)->peer), conn_tag(c), __VA_ARGS__)
#define log_conn_warn(c, ...) log_line(LOG_LVL_WARN_ERRNO, \
	peer_name((c)->peer), conn_tag(c), __VA_ARGS__)
#define log_conn_info(c, ...) \
	log_line(LOG_LVL_INFO, peer_name((c)->peer), conn_tag(c), __VA_ARGS__)
#define log_conn_debug(c, ...) \
	log_line(LOG_LVL_DEBUG, peer_name((c)->peer), conn_tag(c), __VA_ARGS__)

static void record_notif(struct notif_log *l, uint8_t code, uint8_t sub,
    const char *text)
{
	l->code = code;
	l->subcode = sub;
	snprintf(l->text, sizeof(l->text), "%s", text ? text : "");
	l->when = now_mono();
}

static size_t max_msg(const struct conn *c)
{
	return c->neg.ext_message ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
}

static void send_hold_update(struct conn *c);

static void conn_queue(struct conn *c, const uint8_t *msg, size_t len,
    uint8_t type)
{
	if (c->fd < 0 || len == 0)
		return;
	if (!buf_append(&c->wbuf, msg, len)) {
		log_peer_warnx(c->peer, "out of memory queueing %s",
		    bgp_msg_type_name(type));
		return;
	}
	c->peer->st.msgs_out[type]++;
	if (type == BGP_MSG_NOTIFICATION && len >= BGP_NOTIFY_MIN_LEN)
		metrics_count_notif(&c->peer->st.notif_out, msg[BGP_HDR_LEN],
		    msg[BGP_HDR_LEN + 1]);
	if (!c->connecting) {
		ev_io_start(c->peer->d->loop, &c->wio);
		send_hold_update(c);
	}
}

/*
 * Output the peer has not taken yet: our queue, and what the kernel holds
 * that the peer has not acknowledged (SIOCOUTQ).  A peer that stops
 * reading fills the kernel's send buffer first, several MB of it on a
 * fast path; counting only our queue would miss a peer that stalls on
 * less than that.
 */
static size_t unsent(const struct conn *c)
{
	int k = 0;

	if (c->fd < 0 || c->connecting || ioctl(c->fd, SIOCOUTQ, &k) < 0 ||
	    k < 0)
		k = 0;
	return buf_used(&c->wbuf) + (size_t)k;
}

/* Bytes the peer acknowledged so far: its progress, whatever we queue. */
static uint64_t acked(const struct conn *c)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (c->fd < 0 || getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti,
	    &len) < 0)
		return 0;
	return ti.tcpi_bytes_acked;
}

static void send_hold_arm(struct conn *c)
{
	struct ev_loop *loop = c->peer->d->loop;
	const struct conf_neighbor *n = c->peer->conf;
	double t = n->send_hold_time;

	if (t == 0)
		t = 2.0 * c->fsm.hold > 480 ? 2.0 * c->fsm.hold : 480;
	ev_timer_stop(loop, &c->send_hold);
	c->send_hold_secs = t;
	c->send_hold_mark = acked(c);
	ev_timer_set(&c->send_hold, t, 0);
	ev_timer_start(loop, &c->send_hold);
}

/*
 * RFC 9687: the send hold timer runs while output waits for the peer and
 * starts again whenever the peer takes some; a peer that takes nothing
 * for its whole length is dropped.  Default: the larger of 8 minutes and
 * twice the hold time.
 */
static void send_hold_update(struct conn *c)
{
	if (c->fsm.state < FSM_OPENSENT || unsent(c) == 0) {
		ev_timer_stop(c->peer->d->loop, &c->send_hold);
		return;
	}
	if (!ev_is_active(&c->send_hold) || acked(c) > c->send_hold_mark)
		send_hold_arm(c);
}

/* Write what the socket takes now; false on a broken connection. */
static bool conn_write(struct conn *c)
{
	while (buf_used(&c->wbuf) > 0) {
		ssize_t n = send(c->fd, buf_data(&c->wbuf),
		    buf_used(&c->wbuf), MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			return false;
		}
		buf_consume(&c->wbuf, (size_t)n);
	}
	send_hold_update(c);
	return true;
}

/*
 * A closed connection's socket lingers: our side is shut (FIN after what
 * was written, a NOTIFICATION usually), and what the peer still sends is
 * read and dropped until it closes too or LINGER_SECS pass.  Closing at
 * once with unread data, or data arriving after close(), makes the
 * kernel answer with a RST, and a peer that gets one may discard our
 * NOTIFICATION unread.
 */
#define LINGER_SECS 3.0

struct drain {
	struct lbbgpd *d;
	int fd;
	ev_io io;
	ev_timer timer;
	struct drain *next, **prev;
};

static void linger_end(struct drain *l)
{
	ev_io_stop(l->d->loop, &l->io);
	ev_timer_stop(l->d->loop, &l->timer);
	close(l->fd);
	*l->prev = l->next;
	if (l->next != NULL)
		l->next->prev = l->prev;
	free(l);
}

static void linger_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct drain *l = w->data;
	uint8_t sink[4096];
	ssize_t n;

	while ((n = recv(l->fd, sink, sizeof(sink), MSG_DONTWAIT)) > 0)
		;
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR))
		linger_end(l);
}

static void linger_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	linger_end(w->data);
}

static void linger_start(struct lbbgpd *d, int fd)
{
	struct drain *l = calloc(1, sizeof(*l));
	uint8_t sink[4096];

	while (recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0)
		;
	shutdown(fd, SHUT_WR);
	if (l == NULL) {
		close(fd);
		return;
	}
	l->d = d;
	l->fd = fd;
	ev_io_init(&l->io, linger_read_cb, fd, EV_READ);
	ev_timer_init(&l->timer, linger_timer_cb, LINGER_SECS, 0);
	l->io.data = l->timer.data = l;
	ev_io_start(d->loop, &l->io);
	ev_timer_start(d->loop, &l->timer);
	l->next = d->lingering;
	l->prev = &d->lingering;
	if (l->next != NULL)
		l->next->prev = &l->next;
	d->lingering = l;
}

void conns_linger_end(struct lbbgpd *d)
{
	while (d->lingering != NULL)
		linger_end(d->lingering);
}

/* Stop watchers and close the socket; the FSM object stays. */
static void conn_close(struct conn *c)
{
	struct ev_loop *loop = c->peer->d->loop;

	ev_io_stop(loop, &c->rio);
	ev_io_stop(loop, &c->wio);
	ev_timer_stop(loop, &c->send_hold);
	if (c->fd >= 0 && c->connecting)
		close(c->fd);
	else if (c->fd >= 0)
		linger_start(c->peer->d, c->fd);
	c->fd = -1;
	c->connecting = false;
	c->rlen = 0;
	buf_free(&c->wbuf);
}

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

/* ---- timers and I/O callbacks ------------------------------------------- */

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

static void handle_msg(struct conn *c, const uint8_t *msg, size_t len,
    uint8_t type);

static void send_hold_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct conn *c = w->data;
	size_t left = unsent(c);

	/* Nothing waits, or the peer took some since the timer started. */
	if (left == 0)
		return;
	if (acked(c) > c->send_hold_mark) {
		send_hold_arm(c);
		return;
	}
	log_conn_warnx(c, "send hold timer expired: %zu bytes queued and the "
	    "peer has read nothing for %.0fs (RFC 9687); dropping the session",
	    left, c->send_hold_secs);
	/* The NOTIFICATION cannot get through a full queue: drop it all. */
	buf_free(&c->wbuf);
	fsm_event(&c->fsm, EV_SEND_HOLD_EXPIRES, NULL);
}

static void conn_input(struct conn *c)
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

static void read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn *c = w->data;

	for (;;) {
		ssize_t n = recv(c->fd, c->rbuf + c->rlen, RBUF_SIZE - c->rlen,
		    0);
		if (n > 0) {
			c->rlen += (size_t)n;
			conn_input(c);
			if (c->fd < 0 || c->dead)
				return;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			log_conn_warnx(c, "connection closed by peer");
		else
			log_conn_warn(c, "read");
		fsm_event(&c->fsm, EV_TCP_FAILS, NULL);
		return;
	}
}

static void attach(struct conn *c, int fd, bool outgoing)
{
	struct ev_loop *loop = c->peer->d->loop;
	socklen_t len = sizeof(c->local);

	c->fd = fd;
	c->outgoing = outgoing;
	c->rlen = 0;
	getsockname(fd, (struct sockaddr *)&c->local, &len);
	if (!net_set_session_opts(fd, c->peer))
		log_peer_warn(c->peer, "setting TTL");
	ev_io_set(&c->rio, fd, EV_READ);
	ev_io_set(&c->wio, fd, EV_WRITE);
	ev_io_start(loop, &c->rio);
}

static void write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn *c = w->data;

	if (c->connecting) {
		int err = 0;
		socklen_t len = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		ev_io_stop(loop, &c->wio);
		c->connecting = false;
		if (err != 0) {
			char a[PREFIX_STRLEN];
			log_peer_warnx(c->peer, "connect to %s port %u: %s",
			    addr_fmt(&c->peer->conf->addr, a, sizeof(a)),
			    c->peer->conf->port, strerror(err));
			fsm_event(&c->fsm, EV_TCP_FAILS, NULL);
			return;
		}
		attach(c, c->fd, true);
		fsm_event(&c->fsm, EV_TCP_CR_ACKED, NULL);
		return;
	}
	if (!conn_write(c)) {
		log_conn_warn(c, "write");
		fsm_event(&c->fsm, EV_TCP_FAILS, NULL);
		return;
	}
	if (buf_used(&c->wbuf) == 0)
		ev_io_stop(loop, &c->wio);
	if (!c->fsm.secondary)
		peer_pump(c->peer);
}

/* ---- connections -------------------------------------------------------- */

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
	ev_init(&c->rio, read_cb);
	ev_init(&c->wio, write_cb);
	c->rio.data = c->wio.data = c;
	for (int t = 0; t < FSM_NTIMERS; t++) {
		ev_init(&c->timers[t], timer_cb);
		c->timers[t].data = c;
	}
	ev_init(&c->send_hold, send_hold_cb);
	c->send_hold.data = c;
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
static bool collision(struct conn *c)
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
	char a[PREFIX_STRLEN];

	addr_fmt(&p->conf->addr, a, sizeof(a));
	if (p->admin_down || p->link_down || c->fsm.state == FSM_IDLE) {
		log_peer_info(p, "connection from %s refused: session is %s", a,
		    p->admin_down ? "administratively down" : p->link_down ?
		    "down: its track-interface is down" :
		    "Idle (waiting to restart)");
		close(fd);
		return;
	}
	if (c->fsm.state == FSM_CONNECT || c->fsm.state == FSM_ACTIVE) {
		/* Take the peer's connection, drop our attempt. */
		if (c->fd >= 0)
			conn_close(c);
		attach(c, fd, false);
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
	attach(n, fd, false);
	fsm_event(&n->fsm, EV_TCP_CONFIRMED, NULL);
}

/* ---- messages in -------------------------------------------------------- */

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
	    "%us; ipv4 %s, ipv6 %s, 4-octet AS %s, route refresh %s, %zu other "
	    "capabilities", c->remote_as, o.hold, c->sent.hold,
	    c->neg.keepalive, c->neg.v4 ? "yes" : "no",
	    c->neg.v6 ? "yes" : "no", c->neg.as4 ? "yes" : "no",
	    c->neg.route_refresh ? "yes" : "no", o.caps.nraw);
	if (collision(c))
		return;
	fsm_event(&c->fsm, EV_OPEN, NULL);
}

static void restart_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct peer *p = w->data;

	log_peer_info(p, "max-prefix restart time is over, starting the "
	    "session again");
	p->max_prefix_tripped = false;
	peer_start(p);
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
	char e[128], text[300] = "";

	if (!bgp_notification_decode(msg, len, &n)) {
		log_conn_warnx(c, "malformed NOTIFICATION");
		fsm_event(&c->fsm, EV_NOTIF, NULL);
		return;
	}
	metrics_count_notif(&p->st.notif_in, n.code, n.subcode);
	bool has_text = bgp_shutdown_text(&n, text, sizeof(text));
	log_conn_warnx(c, "received NOTIFICATION %s%s%s%s", bgp_err_fmt(n.code,
	    n.subcode, e, sizeof(e)), has_text ? ": \"" : "", text, has_text ?
	    "\"" : "");
	record_notif(&p->last_recv, n.code, n.subcode, text);
	/* RFC 4271 §8.1.2 event 24 is about a version mismatch.  The FSM
	 * sees the code: a Cease the router's operator caused is no error
	 * to back off from. */
	struct bgp_err got = { .code = n.code, .subcode = n.subcode };
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

static void op_send_open(void *ctx)
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
	if (n->graceful_restart) {
		/*
		 * RFC 4724 §3: R while we are within restart-time of our start
		 * (the routers may be holding our routes as stale); F for both
		 * families, since the host serves its VIPs whether or not
		 * lbbgpd runs, so the routers should keep forwarding to it.
		 */
		o->caps.gr = true;
		o->caps.gr_time = n->restart_time;
		if (now_mono() - p->d->started < n->restart_time)
			o->caps.gr_flags = BGP_GR_RESTARTING;
		o->caps.gr_afi[o->caps.ngr++] = (struct bgp_afisafi){ AFI_IPV4,
		    SAFI_UNICAST, BGP_GR_AFI_FORWARDING };
		o->caps.gr_afi[o->caps.ngr++] = (struct bgp_afisafi){ AFI_IPV6,
		    SAFI_UNICAST, BGP_GR_AFI_FORWARDING };
	}
	size_t len = bgp_open_encode(buf, sizeof(buf), o);
	conn_queue(c, buf, len, BGP_MSG_OPEN);
}

static void op_send_keepalive(void *ctx)
{
	struct conn *c = ctx;
	uint8_t buf[BGP_HDR_LEN];
	conn_queue(c, buf, bgp_keepalive_encode(buf, sizeof(buf)),
	    BGP_MSG_KEEPALIVE);
}

static void op_send_notification(void *ctx, const struct bgp_err *err)
{
	struct conn *c = ctx;
	struct peer *p = c->peer;
	uint8_t buf[BGP_MAX_LEN];
	char e[128], text[300] = "";

	size_t len = bgp_notification_encode(buf, sizeof(buf), max_msg(c),
	    err->code, err->subcode, bgp_err_data(err), err->len);
	struct bgp_notification n;
	if (bgp_notification_decode(buf, len, &n))
		bgp_shutdown_text(&n, text, sizeof(text));
	log_conn_warnx(c, "sending NOTIFICATION %s%s%s%s",
	    bgp_err_fmt(err->code, err->subcode, e, sizeof(e)), text[0] ?
	    ": \"" : "", text, text[0] ? "\"" : "");
	record_notif(&p->last_sent, err->code, err->subcode, text);
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
	return nexthop_for(p->conn, afi).afi == afi;
}

/* What the RIB needs to know of an established session. */
static void session_of(const struct conn *c, struct rib_session *s)
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
		.max_msg = max_msg(c),
	};
}

bool peer_session(const struct peer *p, struct rib_session *s)
{
	if (p->conn == NULL || p->conn->fsm.state != FSM_ESTABLISHED)
		return false;
	session_of(p->conn, s);
	return true;
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

void peer_check_max_prefix(struct peer *p)
{
	struct conn *c = p->conn;

	if (c != NULL && c->fsm.state == FSM_ESTABLISHED &&
	    p->conf->max_prefix != 0 &&
	    rib_in_count(p->d->rib, p->idx) > p->conf->max_prefix)
		max_prefix_exceeded(p, c, AFI_IPV4);
}

static void op_established(void *ctx)
{
	struct conn *c = ctx;
	struct peer *p = c->peer;
	char nh4[PREFIX_STRLEN], nh6[PREFIX_STRLEN];

	if (c->fsm.secondary) {
		/* The second connection won: the first one goes. */
		struct conn *old = p->conn;
		promote(p);
		if (!old->dead)
			fsm_event(&old->fsm, EV_OPEN_COLLISION_DUMP, NULL);
	}
	struct rib_session s;
	session_of(c, &s);
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
	log_peer_info(p, "session established: AS %u, id %u.%u.%u.%u, "
	    "hold %us, next hop %s / %s", c->remote_as,
	    c->remote_id >> 24, (c->remote_id >> 16) & 0xff,
	    (c->remote_id >> 8) & 0xff, c->remote_id & 0xff, c->neg.hold,
	    s.nexthop4.afi ? addr_fmt(&s.nexthop4, nh4, sizeof(nh4)) : "none",
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
	 * stale for its restart time; otherwise they go now.
	 */
	if (c->neg.gr && c->fsm.last_event == EV_TCP_FAILS &&
	    c->neg.peer_gr_time > 0) {
		rib_in_mark_stale(p->d->rib, p->idx, 0);
		ev_timer_stop(p->d->loop, &p->stale);
		ev_timer_set(&p->stale, c->neg.peer_gr_time, 0);
		ev_timer_start(p->d->loop, &p->stale);
		log_peer_info(p, "keeping its %zu routes as stale for up to "
		    "%us (graceful restart)", rib_in_count(p->d->rib, p->idx),
		    c->neg.peer_gr_time);
	} else {
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
	.send_open = op_send_open,
	.send_keepalive = op_send_keepalive,
	.send_notification = op_send_notification,
	.established = op_established,
	.down = op_down,
	.changed = op_changed,
	.now = op_now,
};

/* ---- emitting routes ------------------------------------------------------ */

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
		if (!p->eor_sent) {
			/* RFC 4724 §2: End-of-RIB after the initial table. */
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

/* ---- peers ---------------------------------------------------------------- */

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
	if (p->admin_down || p->link_down || p->conn == NULL)
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

void peer_free(struct peer *p)
{
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
