/*
 * session_io.c - a BGP connection's socket: connecting, reading into the
 * receive buffer, writing the queue out, the send hold timer (RFC 9687)
 * and the lingering close.  What the bytes mean is session_in.c's and
 * session_out.c's business, never this file's.
 */
#include "bgpd/session_int.h"

#include <errno.h>
#include <stdlib.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

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
void conn_send_hold_update(struct conn *c)
{
	if (c->fsm.state < FSM_OPENSENT || unsent(c) == 0) {
		ev_timer_stop(c->peer->d->loop, &c->send_hold);
		return;
	}
	if (!ev_is_active(&c->send_hold) || acked(c) > c->send_hold_mark)
		send_hold_arm(c);
}

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

/* Write what the socket takes now; false on a broken connection. */
bool conn_write(struct conn *c)
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
	conn_send_hold_update(c);
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
void conn_close(struct conn *c)
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

void conn_attach(struct conn *c, int fd, bool outgoing)
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
		conn_attach(c, c->fd, true);
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

void conn_io_init(struct conn *c)
{
	ev_init(&c->rio, read_cb);
	ev_init(&c->wio, write_cb);
	c->rio.data = c->wio.data = c;
	ev_init(&c->send_hold, send_hold_cb);
	c->send_hold.data = c;
}
