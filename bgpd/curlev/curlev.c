/*
 * curlev.c - libcurl's multi interface on a libev loop (see curlev.h):
 * CURLMOPT_SOCKETFUNCTION gets one ev_io per socket curl wants watched,
 * CURLMOPT_TIMERFUNCTION one ev_timer; after every call into curl,
 * finished transfers come out of curl_multi_info_read() and go to their
 * done callbacks.
 *
 * It must not call curl from inside curl's own callbacks (a timeout of 0
 * still goes through the loop) and must not keep transfers of its own.
 */
#include "config.h"

#include "bgpd/curlev/curlev.h"

#include <stdlib.h>

#include <ev.h>

struct curlev {
	struct ev_loop *loop;
	CURLM *multi;
	ev_timer timer;			/* CURLMOPT_TIMERFUNCTION */
	struct cvsock *socks;		/* CURLMOPT_SOCKETFUNCTION's watchers */
};

/* A socket curl asked us to watch. */
struct cvsock {
	struct curlev *cv;
	curl_socket_t fd;
	ev_io io;
	struct cvsock *prev, *next;
};

static void cvsock_free(struct curlev *cv, struct cvsock *s)
{
	ev_io_stop(cv->loop, &s->io);
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		cv->socks = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	free(s);
}

/* Every transfer curl has finished since the last look. */
static void check_done(struct curlev *cv)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(cv->multi, &left)) != NULL) {
		struct curlev_xfer *x = NULL;
		CURLcode rc = m->data.result;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &x);
		if (x == NULL || x->easy != m->easy_handle || !x->added)
			continue;
		/* m is invalid once its handle leaves the multi handle. */
		curlev_remove(cv, x);
		x->done(x, rc);
	}
}

static void io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct cvsock *s = w->data;
	struct curlev *cv = s->cv;
	int flags = 0, running;

	if (revents & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	/* s may be freed inside by the socket callback. */
	curl_multi_socket_action(cv->multi, s->fd, flags, &running);
	check_done(cv);
}

static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct curlev *cv = w->data;
	int running;

	curl_multi_socket_action(cv->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(cv);
}

/* CURLMOPT_TIMERFUNCTION: call back in ms (-1: never).  Even 0 goes
 * through the loop: curl may not be called from inside this. */
static int timer_fn(CURLM *multi, long ms, void *arg)
{
	struct curlev *cv = arg;

	ev_timer_stop(cv->loop, &cv->timer);
	if (ms >= 0) {
		ev_timer_set(&cv->timer, (double)ms / 1000.0, 0.);
		ev_timer_start(cv->loop, &cv->timer);
	}
	return 0;
}

/* CURLMOPT_SOCKETFUNCTION: watch fd for what, or no longer. */
static int socket_fn(CURL *easy, curl_socket_t fd, int what, void *arg,
    void *sockp)
{
	struct curlev *cv = arg;
	struct cvsock *s = sockp;
	int events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			curl_multi_assign(cv->multi, fd, NULL);
			cvsock_free(cv, s);
		}
		return 0;
	}
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return -1;	/* curl fails the transfer */
		s->cv = cv;
		s->fd = fd;
		s->next = cv->socks;
		if (cv->socks != NULL)
			cv->socks->prev = s;
		cv->socks = s;
		ev_init(&s->io, io_cb);
		s->io.data = s;
		curl_multi_assign(cv->multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		events |= EV_READ;
	if (what & CURL_POLL_OUT)
		events |= EV_WRITE;
	ev_io_stop(cv->loop, &s->io);
	ev_io_set(&s->io, fd, events);
	ev_io_start(cv->loop, &s->io);
	return 0;
}

struct curlev *curlev_new(struct ev_loop *loop)
{
	struct curlev *cv = calloc(1, sizeof(*cv));

	if (cv == NULL)
		return NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(cv);
		return NULL;
	}
	if ((cv->multi = curl_multi_init()) == NULL) {
		curl_global_cleanup();
		free(cv);
		return NULL;
	}
	cv->loop = loop;
	ev_init(&cv->timer, timer_cb);
	cv->timer.data = cv;
	curl_multi_setopt(cv->multi, CURLMOPT_SOCKETFUNCTION, socket_fn);
	curl_multi_setopt(cv->multi, CURLMOPT_SOCKETDATA, cv);
	curl_multi_setopt(cv->multi, CURLMOPT_TIMERFUNCTION, timer_fn);
	curl_multi_setopt(cv->multi, CURLMOPT_TIMERDATA, cv);
	return cv;
}

void curlev_max_conns(struct curlev *cv, long n)
{
	curl_multi_setopt(cv->multi, CURLMOPT_MAXCONNECTS, n);
}

void curlev_free(struct curlev *cv)
{
	if (cv == NULL)
		return;
	curl_multi_cleanup(cv->multi);
	/* Sockets of kept-alive connections curl did not say goodbye to. */
	while (cv->socks != NULL)
		cvsock_free(cv, cv->socks);
	ev_timer_stop(cv->loop, &cv->timer);
	curl_global_cleanup();
	free(cv);
}

bool curlev_add(struct curlev *cv, struct curlev_xfer *x)
{
	if (x->added)
		return true;
	if (curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x) != CURLE_OK ||
	    curl_multi_add_handle(cv->multi, x->easy) != CURLM_OK)
		return false;
	x->added = true;
	return true;
}

void curlev_remove(struct curlev *cv, struct curlev_xfer *x)
{
	if (!x->added)
		return;
	curl_multi_remove_handle(cv->multi, x->easy);
	x->added = false;
}

bool curlev_easy_base(CURL *c, char *errbuf, const char *agent,
    long timeout_ms, long connect_ms)
{
	bool ok = true;

	ok &= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) ==
	    CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_PROXY, "") == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_USERAGENT, agent) == CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500	/* 7.85: the _STR forms */
	ok &= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") ==
	    CURLE_OK;
#else
	ok &= curl_easy_setopt(c, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) == CURLE_OK;
#endif
	return ok;
}
