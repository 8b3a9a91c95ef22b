/*
 * http.c - the http probe of a health check: GET the URL, the status
 * code decides.
 *
 * libcurl's multi interface on the daemon's libev loop: curl tells which
 * sockets to watch (CURLMOPT_SOCKETFUNCTION, one ev_io each) and when to
 * call it back (CURLMOPT_TIMERFUNCTION, one ev_timer); finished transfers
 * come out of curl_multi_info_read().  Each probe is one easy handle and
 * one real request; the multi handle may keep the connection alive for
 * the next.  The body is counted and dropped, and the transfer stopped
 * past HEALTH_HTTP_MAX_BODY; no redirect is followed, no proxy from the
 * environment is used, only http and https are spoken.
 *
 * It must not block (curl never does here: no signals, the threaded
 * resolver) and must not keep what the server sends.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/health/health_int.h"
#include "conf/conf.h"

#define HTTP_USER_AGENT	"lbbgpd-health/1"

/* A socket curl asked us to watch. */
struct hsock {
	struct health *h;
	curl_socket_t fd;
	ev_io io;
	struct hsock *prev, *next;
};

static void hsock_free(struct health *h, struct hsock *hs)
{
	ev_io_stop(h->loop, &hs->io);
	if (hs->prev != NULL)
		hs->prev->next = hs->next;
	else
		h->socks = hs->next;
	if (hs->next != NULL)
		hs->next->prev = hs->prev;
	free(hs);
}

/* The reason a transfer failed, in the words of health.h. */
static const char *http_fail_reason(struct hcheck *hc, CURLcode rc,
    char *buf, size_t size)
{
	long oserr = 0;

	if (rc == CURLE_OPERATION_TIMEDOUT)
		return probe_timeout_reason(hc, buf, size);
	curl_easy_getinfo(hc->easy, CURLINFO_OS_ERRNO, &oserr);
	if (rc == CURLE_COULDNT_CONNECT && oserr == ECONNREFUSED)
		return "connection refused";
	if (hc->errbuf[0] != '\0')
		return hc->errbuf;
	return curl_easy_strerror(rc);
}

static bool http_expected(const struct conf_check *cc, long code)
{
	if (cc->nexpect == 0)
		return code >= 200 && code <= 399;
	for (size_t i = 0; i < cc->nexpect; i++)
		if (cc->expect[i] == code)
			return true;
	return false;
}

/* The probe's transfer is over (or cancelled): its handle leaves the
 * multi handle; the check keeps it for its next probe. */
static void http_release(struct hcheck *hc)
{
	if (hc->easy != NULL && hc->easy_added)
		curl_multi_remove_handle(hc->h->multi, hc->easy);
	hc->easy_added = false;
}

void http_forget(struct hcheck *hc)
{
	http_release(hc);
	if (hc->easy != NULL)
		curl_easy_cleanup(hc->easy);
	hc->easy = NULL;
}

static void http_done(struct hcheck *hc, CURLcode rc)
{
	char buf[HEALTH_REASON_LEN];
	long code = 0;

	curl_easy_getinfo(hc->easy, CURLINFO_RESPONSE_CODE, &code);
	/* Stopped reading a long body ourselves: the status line decides. */
	if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && hc->truncated &&
	    code != 0)) {
		http_release(hc);
		probe_finish(hc, http_expected(hc->cc, code) ? HEALTH_PASS :
		    HEALTH_FAIL, "http %ld", code);
		return;
	}
	/* buf, hc->errbuf or a constant: all outlive the handle. */
	const char *why = http_fail_reason(hc, rc, buf, sizeof(buf));

	http_release(hc);
	probe_finish(hc, HEALTH_FAIL, "%s", why);
}

/* Every transfer curl has finished since the last look. */
static void http_check_done(struct health *h)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		struct hcheck *hc = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &hc);
		if (hc != NULL && hc->easy == m->easy_handle)
			http_done(hc, m->data.result);
	}
}

static void http_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct hsock *hs = w->data;
	struct health *h = hs->h;
	int flags = 0, running;

	if (revents & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	/* hs may be freed inside by the socket callback. */
	curl_multi_socket_action(h->multi, hs->fd, flags, &running);
	http_check_done(h);
}

static void http_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct health *h = w->data;
	int running;

	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_check_done(h);
}

/* CURLMOPT_TIMERFUNCTION: call back in ms (-1: never).  Even 0 goes
 * through the loop: curl may not be called from inside this. */
static int http_timer_fn(CURLM *multi, long ms, void *arg)
{
	struct health *h = arg;

	ev_timer_stop(h->loop, &h->curl_timer);
	if (ms >= 0) {
		ev_timer_set(&h->curl_timer, (double)ms / 1000.0, 0.);
		ev_timer_start(h->loop, &h->curl_timer);
	}
	return 0;
}

/* CURLMOPT_SOCKETFUNCTION: watch fd for what, or no longer. */
static int http_socket_fn(CURL *easy, curl_socket_t fd, int what, void *arg,
    void *sockp)
{
	struct health *h = arg;
	struct hsock *hs = sockp;
	int events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (hs != NULL) {
			curl_multi_assign(h->multi, fd, NULL);
			hsock_free(h, hs);
		}
		return 0;
	}
	if (hs == NULL) {
		if ((hs = calloc(1, sizeof(*hs))) == NULL)
			return -1;	/* curl fails the transfer */
		hs->h = h;
		hs->fd = fd;
		hs->next = h->socks;
		if (h->socks != NULL)
			h->socks->prev = hs;
		h->socks = hs;
		ev_init(&hs->io, http_io_cb);
		hs->io.data = hs;
		curl_multi_assign(h->multi, fd, hs);
	}
	if (what & CURL_POLL_IN)
		events |= EV_READ;
	if (what & CURL_POLL_OUT)
		events |= EV_WRITE;
	ev_io_stop(h->loop, &hs->io);
	ev_io_set(&hs->io, fd, events);
	ev_io_start(h->loop, &hs->io);
	return 0;
}

/* CURLOPT_WRITEFUNCTION: count and drop; stop past the bound. */
static size_t http_write_fn(char *data, size_t size, size_t n, void *arg)
{
	struct hcheck *hc = arg;
	size_t len = size * n;

	hc->body += len;
	if (hc->body > HEALTH_HTTP_MAX_BODY) {
		hc->truncated = true;
		return 0;	/* anything short of len ends the transfer */
	}
	return len;
}

bool http_init(struct health *h)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return false;
	if ((h->multi = curl_multi_init()) == NULL) {
		curl_global_cleanup();
		return false;
	}
	ev_init(&h->curl_timer, http_timer_cb);
	h->curl_timer.data = h;
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, http_socket_fn);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, http_timer_fn);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	return true;
}

void http_conns(struct health *h, size_t n)
{
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)(n + 4));
}

/* After every check is stopped: no transfer is left. */
void http_free(struct health *h)
{
	curl_multi_cleanup(h->multi);
	/* Sockets of kept-alive connections curl did not say goodbye to. */
	while (h->socks != NULL)
		hsock_free(h, h->socks);
	ev_timer_stop(h->loop, &h->curl_timer);
	curl_global_cleanup();
}

/* Set every option of a probe; false if curl refused one. */
static bool http_setup(struct hcheck *hc, CURL *e)
{
	long tmo = (long)hc->cc->timeout_ms;
	bool ok = true;

	ok &= curl_easy_setopt(e, CURLOPT_URL, hc->cc->url) == CURLE_OK;
	ok &= curl_easy_setopt(e, CURLOPT_PRIVATE, hc) == CURLE_OK;
	ok &= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, hc->errbuf) ==
	    CURLE_OK;
	ok &= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	ok &= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, tmo) == CURLE_OK;
	ok &= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, tmo) ==
	    CURLE_OK;
	ok &= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
	ok &= curl_easy_setopt(e, CURLOPT_PROXY, "") == CURLE_OK;
	ok &= curl_easy_setopt(e, CURLOPT_USERAGENT, HTTP_USER_AGENT) ==
	    CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500	/* 7.85: the _STR forms */
	ok &= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") ==
	    CURLE_OK;
#else
	ok &= curl_easy_setopt(e, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) == CURLE_OK;
#endif
	ok &= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_fn) ==
	    CURLE_OK;
	ok &= curl_easy_setopt(e, CURLOPT_WRITEDATA, hc) == CURLE_OK;
	return ok;
}

void http_start(struct hcheck *hc)
{
	/* One handle per check, kept between probes: setting it up again
	 * each time costs more than the probe. */
	bool fresh = hc->easy == NULL;
	CURL *e = fresh ? curl_easy_init() : hc->easy;

	hc->errbuf[0] = '\0';
	hc->body = 0;
	hc->truncated = false;
	if (e == NULL) {
		probe_finish(hc, HEALTH_FAIL, "out of memory");
		return;
	}
	hc->easy = e;
	if ((fresh && !http_setup(hc, e)) ||
	    curl_multi_add_handle(hc->h->multi, e) != CURLM_OK) {
		http_forget(hc);
		probe_finish(hc, HEALTH_FAIL, "%s",
		    hc->errbuf[0] != '\0' ? hc->errbuf :
		    "libcurl refused the request");
		return;
	}
	hc->easy_added = true;
}

void http_cancel(struct hcheck *hc)
{
	http_release(hc);
	hc->running = false;
}
