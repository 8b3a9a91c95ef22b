/*
 * tcp.c - the tcp probe of a health check: can a connection to
 * ADDR:PORT be made within the timeout?
 *
 * A non-blocking connect() watched for writability, SO_ERROR decides,
 * and the socket is closed at once: nothing is sent or read.  It must
 * not block (no blocking connect) and must not keep the socket.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgpd/health/health_int.h"
#include "conf/conf.h"

static void tcp_close(struct hcheck *hc)
{
	struct ev_loop *loop = hc->h->loop;

	ev_io_stop(loop, &hc->io);
	ev_timer_stop(loop, &hc->deadline);
	if (hc->fd >= 0)
		close(hc->fd);
	hc->fd = -1;
}

/* Report how the connect ended (err 0: connected) and end the probe. */
static void tcp_done(struct hcheck *hc, int err)
{
	tcp_close(hc);
	if (err == 0)
		probe_finish(hc, HEALTH_PASS, "connected");
	else if (err == ECONNREFUSED)
		probe_finish(hc, HEALTH_FAIL, "connection refused");
	else
		probe_finish(hc, HEALTH_FAIL, "%s", strerror(err));
}

static void tcp_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct hcheck *hc = w->data;
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(hc->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	tcp_done(hc, err);
}

static void tcp_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct hcheck *hc = w->data;
	char reason[HEALTH_REASON_LEN];

	tcp_close(hc);
	probe_finish(hc, HEALTH_FAIL, "%s",
	    probe_timeout_reason(hc, reason, sizeof(reason)));
}

/* The check's address and port as a sockaddr; its length, 0 if none. */
static socklen_t tcp_sockaddr(const struct conf_check *cc,
    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (cc->addr.afi == AFI_IPV4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(cc->port);
		memcpy(&sin->sin_addr, cc->addr.a, 4);
		return sizeof(*sin);
	}
	if (cc->addr.afi == AFI_IPV6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(cc->port);
		memcpy(&sin6->sin6_addr, cc->addr.a, 16);
		return sizeof(*sin6);
	}
	return 0;
}

void tcp_start(struct hcheck *hc)
{
	struct ev_loop *loop = hc->h->loop;
	struct sockaddr_storage ss;
	socklen_t sslen = tcp_sockaddr(hc->cc, &ss);

	if (sslen == 0) {
		tcp_done(hc, EAFNOSUPPORT);
		return;
	}
	hc->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (hc->fd == -1) {
		tcp_done(hc, errno);
		return;
	}
	if (connect(hc->fd, (struct sockaddr *)&ss, sslen) == 0) {
		tcp_done(hc, 0);
		return;
	}
	if (errno != EINPROGRESS) {
		tcp_done(hc, errno);
		return;
	}
	ev_io_init(&hc->io, tcp_io_cb, hc->fd, EV_WRITE);
	hc->io.data = hc;
	ev_io_start(loop, &hc->io);
	ev_timer_init(&hc->deadline, tcp_timeout_cb,
	    (double)hc->cc->timeout_ms / 1000.0, 0.);
	hc->deadline.data = hc;
	ev_timer_start(loop, &hc->deadline);
}

void tcp_cancel(struct hcheck *hc)
{
	tcp_close(hc);
	hc->running = false;
}
