/*
 * http.c - `metrics listen ADDR:PORT`: GET /metrics over HTTP.
 *
 * A deliberately small HTTP/1.0 and 1.1 server (RFC 9112) for scrapers:
 * one request per connection (Connection: close), GET and HEAD of
 * /metrics only.  Everything is non-blocking on the daemon's libev loop
 * and bounded, so no client can hold up BGP: a request head of at most
 * MH_MAX_HEAD bytes, MH_TIMEOUT seconds for the whole exchange, at most
 * MH_MAX_CLIENTS connections at once (more get 503 and are closed).  The
 * body is rendered in memory when the request is complete, then written
 * as the socket takes it.
 *
 * It must not: read a request body, keep connections alive, serve any
 * file, or log per request (a scraper every few seconds would flood the
 * log; lbbgp_metrics_http_responses_total counts them instead).
 */
#include "config.h"

#include "bgpd/metrics/metrics.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bgpd/metrics/om.h"

#define MH_MAX_HEAD	8192	/* request line and headers */
#define MH_MAX_CLIENTS	16
#define MH_TIMEOUT	10.0	/* seconds for the request and the response */
#define MH_LINGER	2.0	/* seconds to wait for the client's close */
#define MH_BACKLOG	16

struct mh_client {
	struct metrics_http *s;
	int fd;
	ev_io rio, wio;
	ev_timer timer;
	char *in;		/* the request head, MH_MAX_HEAD + 1 bytes */
	size_t inlen;
	char *out;		/* the response */
	size_t outlen, outoff;
	bool answered;		/* a response is queued */
	bool draining;		/* sent; waiting for the client to close */
	struct mh_client *next;
};

static void client_close(struct mh_client *c)
{
	struct metrics_http *s = c->s;
	struct ev_loop *loop = s->d->loop;

	ev_io_stop(loop, &c->rio);
	ev_io_stop(loop, &c->wio);
	ev_timer_stop(loop, &c->timer);
	close(c->fd);
	for (struct mh_client **pp = &s->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	s->nclients--;
	free(c->in);
	free(c->out);
	free(c);
}

/* ---- responses ---------------------------------------------------------- */

/* RFC 9110 §5.6.7: Date in IMF-fixdate. */
static void http_date(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/*
 * Queue the whole response (head, and body unless head_only); body is
 * taken over (freed here).  The socket is written as it takes it.
 * False when memory ran out and the client is closed (and freed).
 */
static bool respond(struct mh_client *c, enum mh_status st,
    const char *ctype, char *body, size_t blen, bool head_only,
    const char *extra)
{
	struct ev_loop *loop = c->s->d->loop;
	char head[512], date[64];

	http_date(date, sizeof(date));
	int n = snprintf(head, sizeof(head), "HTTP/1.1 %s %s\r\n"
	    "Date: %s\r\n"
	    "Server: lbbgpd/" PACKAGE_VERSION "\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "%s"
	    "Connection: close\r\n\r\n",
	    mh_statuses[st].code, mh_statuses[st].reason, date, ctype, blen,
	    extra ? extra : "");
	size_t hlen = n > 0 && (size_t)n < sizeof(head) ? (size_t)n : 0;
	size_t total = hlen + (head_only ? 0 : blen);

	c->s->responses[st]++;
	c->answered = true;
	c->out = malloc(total ? total : 1);
	if (c->out == NULL || hlen == 0) {
		free(body);
		client_close(c);
		return false;
	}
	memcpy(c->out, head, hlen);
	if (!head_only && blen > 0)
		memcpy(c->out + hlen, body, blen);
	free(body);
	c->outlen = total;
	c->outoff = 0;
	ev_io_stop(loop, &c->rio);
	ev_io_start(loop, &c->wio);
	return true;
}

static bool respond_text(struct mh_client *c, enum mh_status st,
    const char *msg, bool head_only, const char *extra)
{
	char *body = strdup(msg);

	if (body == NULL) {
		client_close(c);
		return false;
	}
	return respond(c, st, "text/plain; charset=utf-8", body, strlen(body),
	    head_only, extra);
}

/* ---- requests ----------------------------------------------------------- */

/* The value of every Accept header, joined by commas, into buf. */
static void accept_header(const char *head, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (const char *l = strchr(head, '\n'); l != NULL;
	    l = strchr(l, '\n')) {
		l++;
		if (strncasecmp(l, "Accept:", 7) != 0)
			continue;
		const char *v = l + 7;
		size_t n = strcspn(v, "\r\n");
		if (off + n + 2 >= size)
			break;
		if (off > 0)
			buf[off++] = ',';
		memcpy(buf + off, v, n);
		off += n;
		buf[off] = '\0';
	}
}

static bool is_tchar(char ch)
{
	/* RFC 9110 §5.6.2 token characters. */
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || (ch != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

/* The head is complete (NUL-terminated in c->in): answer it. */
static void handle_request(struct mh_client *c)
{
	char method[16], target[1024], version[16];
	const char *p = c->in;
	size_t n;

	/* RFC 9112 §2.2: ignore empty lines before the request line. */
	while (*p == '\r' || *p == '\n')
		p++;
	/* request-line = method SP request-target SP HTTP-version */
	for (n = 0; is_tchar(p[n]); n++)
		;
	if (n == 0 || n >= sizeof(method) || p[n] != ' ')
		goto bad;
	memcpy(method, p, n);
	method[n] = '\0';
	p += n + 1;
	n = strcspn(p, " \r\n");
	if (n == 0 || n >= sizeof(target) || p[n] != ' ')
		goto bad;
	memcpy(target, p, n);
	target[n] = '\0';
	p += n + 1;
	n = strcspn(p, "\r\n");
	if (n == 0 || n >= sizeof(version))
		goto bad;
	memcpy(version, p, n);
	version[n] = '\0';

	if (strncmp(version, "HTTP/", 5) != 0)
		goto bad;
	if (strcmp(version, "HTTP/1.0") != 0 &&
	    strcmp(version, "HTTP/1.1") != 0) {
		respond_text(c, MH_505, "lbbgpd speaks HTTP/1.0 and "
		    "HTTP/1.1\n", false, NULL);
		return;
	}
	bool head = strcmp(method, "HEAD") == 0;
	if (!head && strcmp(method, "GET") != 0) {
		respond_text(c, MH_405, "only GET and HEAD are allowed\n",
		    false, "Allow: GET, HEAD\r\n");
		return;
	}
	target[strcspn(target, "?#")] = '\0';
	if (strcmp(target, "/metrics") != 0) {
		respond_text(c, MH_404, "not found: lbbgpd serves its "
		    "metrics at /metrics\n", head, NULL);
		return;
	}
	char accept[1024];
	accept_header(c->in, accept, sizeof(accept));
	bool om = om_accept_openmetrics(accept[0] ? accept : NULL);
	size_t len;
	char *body = metrics_render(c->s->d, om, &len);
	if (body == NULL) {
		respond_text(c, MH_500, "out of memory\n", head, NULL);
		return;
	}
	respond(c, MH_200, om ? OM_CONTENT_TYPE : PROM_CONTENT_TYPE, body,
	    len, head, NULL);
	return;
bad:
	respond_text(c, MH_400, "not an HTTP request; try GET /metrics\n",
	    false, NULL);
}

/* The end of the head: an empty line (CRLF CRLF, or bare LFs). */
static bool head_complete(const char *in)
{
	const char *p = in;

	while (*p == '\r' || *p == '\n')	/* leading empty lines */
		p++;
	return strstr(p, "\r\n\r\n") != NULL || strstr(p, "\n\n") != NULL;
}

static void read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mh_client *c = w->data;
	char scratch[4096];

	if (c->draining) {
		/* Read what the client still sends until it closes. */
		ssize_t n = recv(c->fd, scratch, sizeof(scratch), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != EINTR))
			client_close(c);
		return;
	}
	ssize_t n = recv(c->fd, c->in + c->inlen, MH_MAX_HEAD - c->inlen, 0);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			client_close(c);
		return;
	}
	if (n == 0) {
		client_close(c);	/* gone before asking anything */
		return;
	}
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	if (memchr(c->in, '\0', c->inlen) != NULL) {
		respond_text(c, MH_400, "NUL byte in the request\n", false,
		    NULL);
		return;
	}
	if (head_complete(c->in))
		handle_request(c);
	else if (c->inlen >= MH_MAX_HEAD)
		respond_text(c, MH_431, "request head longer than 8 KiB\n",
		    false, NULL);
}

static void write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mh_client *c = w->data;

	while (c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff,
		    c->outlen - c->outoff, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			client_close(c);
			return;
		}
		c->outoff += (size_t)n;
	}
	/*
	 * All sent: close our side and wait a little for the client's, so
	 * that unread request bytes cannot make the kernel reset the
	 * connection before the client has read the response.
	 */
	ev_io_stop(loop, &c->wio);
	shutdown(c->fd, SHUT_WR);
	c->draining = true;
	ev_io_start(loop, &c->rio);
	ev_timer_stop(loop, &c->timer);
	ev_timer_set(&c->timer, MH_LINGER, 0);
	ev_timer_start(loop, &c->timer);
}

static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct mh_client *c = w->data;

	if (c->answered) {
		/* It does not read the response, or does not close. */
		client_close(c);
		return;
	}
	/* RFC 9110 §15.5.9: say why before closing. */
	if (respond_text(c, MH_408, "the request did not arrive in time\n",
	    false, NULL)) {
		ev_timer_set(&c->timer, MH_LINGER, 0);
		ev_timer_start(loop, &c->timer);
	}
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct metrics_http *s = w->data;

	for (;;) {
		int fd = net_accept(s->fd, NULL, "metrics: accept");
		if (fd < 0)
			return;
		struct mh_client *c = NULL;
		if (s->nclients < MH_MAX_CLIENTS &&
		    (c = calloc(1, sizeof(*c))) != NULL &&
		    (c->in = malloc(MH_MAX_HEAD + 1)) == NULL) {
			free(c);
			c = NULL;
		}
		if (c == NULL) {
			/* One try, without waiting: it is busy or broken. */
			static const char busy[] = "HTTP/1.1 503 Service "
			    "Unavailable\r\nContent-Length: 0\r\n"
			    "Retry-After: 1\r\nConnection: close\r\n\r\n";
			ssize_t sent = send(fd, busy, sizeof(busy) - 1,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			(void)sent;
			s->responses[MH_503]++;
			close(fd);
			continue;
		}
		c->s = s;
		c->fd = fd;
		ev_io_init(&c->rio, read_cb, fd, EV_READ);
		ev_io_init(&c->wio, write_cb, fd, EV_WRITE);
		ev_timer_init(&c->timer, timer_cb, MH_TIMEOUT, 0);
		c->rio.data = c->wio.data = c->timer.data = c;
		ev_io_start(loop, &c->rio);
		ev_timer_start(loop, &c->timer);
		c->next = s->clients;
		s->clients = c;
		s->nclients++;
	}
}

/* ---- the listening socket ------------------------------------------------ */

static const char *where(const struct prefix *a, uint16_t port, char *buf,
    size_t size)
{
	char s[PREFIX_STRLEN];

	addr_fmt(a, s, sizeof(s));
	snprintf(buf, size, a->afi == AFI_IPV6 ? "[%s]:%u" : "%s:%u", s,
	    port);
	return buf;
}

/* A listening socket, or -1 with err filled (errno kept). */
static int mh_listen(const struct prefix *a, uint16_t port, char *err,
    size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char w[PREFIX_STRLEN + 16];
	int one = 1, fd = -1, e;

	if (!prefix_to_sockaddr(a, port, &ss, &len)) {
		snprintf(err, errlen, "metrics listen %s: not an address",
		    where(a, port, w, sizeof(w)));
		errno = EINVAL;
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ss.ss_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
			    sizeof(one));
		if (bind(fd, (struct sockaddr *)&ss, len) == 0 &&
		    listen(fd, MH_BACKLOG) == 0)
			return fd;
	}
	e = errno;
	snprintf(err, errlen, "metrics listen %s: %s%s",
	    where(a, port, w, sizeof(w)), strerror(e),
	    e == EADDRINUSE ? " (another exporter on this port? choose "
	    "another port in metrics listen)" : e == EADDRNOTAVAIL ?
	    " (the address is not on this host)" : "");
	if (fd >= 0)
		close(fd);
	errno = e;
	return -1;
}

static void listener_close(struct metrics_http *s)
{
	if (s->fd < 0)
		return;
	ev_io_stop(s->d->loop, &s->io);
	close(s->fd);
	s->fd = -1;
}

static void listener_use(struct metrics_http *s, int fd, const struct prefix *a,
    uint16_t port)
{
	char w[PREFIX_STRLEN + 16];

	s->fd = fd;
	s->addr = *a;
	s->port = port;
	ev_io_init(&s->io, accept_cb, fd, EV_READ);
	s->io.data = s;
	ev_io_start(s->d->loop, &s->io);
	log_info("metrics: serving http://%s/metrics",
	    where(a, port, w, sizeof(w)));
}

bool metrics_start(struct lbbgpd *d)
{
	const struct conf *c = d->conf;
	char err[256];

	if (d->metrics_http == NULL) {
		d->metrics_http = calloc(1, sizeof(*d->metrics_http));
		if (d->metrics_http == NULL) {
			log_warnx("metrics: out of memory");
			return false;
		}
		d->metrics_http->d = d;
		d->metrics_http->fd = -1;
	}
	if (!c->metrics_set)
		return true;
	int fd = mh_listen(&c->metrics_addr, c->metrics_port, err,
	    sizeof(err));
	if (fd < 0) {
		log_warnx("%s", err);
		return false;
	}
	listener_use(d->metrics_http, fd, &c->metrics_addr, c->metrics_port);
	return true;
}

void metrics_stop(struct lbbgpd *d)
{
	struct metrics_http *s = d->metrics_http;

	if (s != NULL) {
		while (s->clients != NULL)
			client_close(s->clients);
		listener_close(s);
		free(s);
		d->metrics_http = NULL;
	}
	free(d->ctl_stats);
	d->ctl_stats = NULL;
	d->nctl_stats = 0;
}

bool metrics_reconf(struct lbbgpd *d, const struct conf *old, char *err,
    size_t errlen)
{
	const struct conf *c = d->conf;
	struct metrics_http *s = d->metrics_http;
	char w[PREFIX_STRLEN + 16];

	(void)old;	/* what listens is in s: the truth after a failure */
	if (errlen > 0)
		err[0] = '\0';
	if (s == NULL && !metrics_start(d)) {
		snprintf(err, errlen, "metrics: cannot start the metrics "
		    "server; lbbgpd logs why");
		return false;
	}
	if (s == NULL)
		return true;
	if (!c->metrics_set) {
		if (s->fd >= 0)
			log_info("metrics: no longer listening on %s",
			    where(&s->addr, s->port, w, sizeof(w)));
		listener_close(s);
		return true;
	}
	if (s->fd >= 0 && prefix_equal(&s->addr, &c->metrics_addr) &&
	    s->port == c->metrics_port)
		return true;
	/* The new socket first, so that a bad address changes nothing. */
	int fd = mh_listen(&c->metrics_addr, c->metrics_port, err, errlen);
	if (fd < 0 && errno == EADDRINUSE && s->fd >= 0 &&
	    s->port == c->metrics_port) {
		/*
		 * Our own socket holds the port (0.0.0.0:P and 127.0.0.1:P
		 * cannot both listen): let go of it, and take it back if the
		 * new address cannot be had either.
		 */
		struct prefix was = s->addr;
		listener_close(s);
		fd = mh_listen(&c->metrics_addr, c->metrics_port, err, errlen);
		if (fd < 0) {
			char e2[256];
			int back = mh_listen(&was, s->port, e2, sizeof(e2));
			if (back >= 0)
				listener_use(s, back, &was, s->port);
			else
				log_warnx("metrics: cannot listen on %s again: "
				    "%s", where(&was, s->port, w, sizeof(w)),
				    e2);
		}
	}
	if (fd < 0) {
		log_warnx("%s", err);
		return false;
	}
	if (s->fd >= 0)
		log_info("metrics: no longer listening on %s",
		    where(&s->addr, s->port, w, sizeof(w)));
	listener_close(s);
	listener_use(s, fd, &c->metrics_addr, c->metrics_port);
	return true;
}
