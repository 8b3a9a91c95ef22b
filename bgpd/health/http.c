/*
 * http.c - the http probe of a health check: GET the URL, the status
 * code decides.
 *
 * libcurl's multi interface on the daemon's libev loop (bgpd/curlev/).
 * Each probe is one easy handle and one real request; the multi handle
 * may keep the connection alive for the next.  The body is counted and
 * dropped, and the transfer stopped past HEALTH_HTTP_MAX_BODY; no
 * redirect is followed, no proxy from the environment is used, only http
 * and https are spoken.
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

/* The reason a transfer failed, in the words of health.h. */
static const char *http_fail_reason(struct hcheck *hc, CURLcode rc,
    char *buf, size_t size)
{
	long oserr = 0;

	if (rc == CURLE_OPERATION_TIMEDOUT)
		return probe_timeout_reason(hc, buf, size);
	curl_easy_getinfo(hc->xfer.easy, CURLINFO_OS_ERRNO, &oserr);
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

void http_forget(struct hcheck *hc)
{
	curlev_remove(hc->h->curl, &hc->xfer);
	if (hc->xfer.easy != NULL)
		curl_easy_cleanup(hc->xfer.easy);
	hc->xfer.easy = NULL;
}

/* The probe's transfer is over: its handle has left the multi handle;
 * the check keeps it for its next probe. */
static void http_done(struct curlev_xfer *x, CURLcode rc)
{
	struct hcheck *hc = x->arg;
	char buf[HEALTH_REASON_LEN];
	long code = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	/* Stopped reading a long body ourselves: the status line decides. */
	if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && hc->truncated &&
	    code != 0)) {
		probe_finish(hc, http_expected(hc->cc, code) ? HEALTH_PASS :
		    HEALTH_FAIL, "http %ld", code);
		return;
	}
	/* buf, hc->errbuf or a constant: all outlive the handle. */
	probe_finish(hc, HEALTH_FAIL, "%s",
	    http_fail_reason(hc, rc, buf, sizeof(buf)));
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
	return (h->curl = curlev_new(h->loop)) != NULL;
}

void http_conns(struct health *h, size_t n)
{
	curlev_max_conns(h->curl, (long)(n + 4));
}

/* After every check is stopped: no transfer is left. */
void http_free(struct health *h)
{
	curlev_free(h->curl);
	h->curl = NULL;
}

/* Set every option of a probe; false if curl refused one. */
static bool http_setup(struct hcheck *hc, CURL *e)
{
	long tmo = (long)hc->cc->timeout_ms;
	bool ok = true;

	ok &= curl_easy_setopt(e, CURLOPT_URL, hc->cc->url) == CURLE_OK;
	ok &= curlev_easy_base(e, hc->errbuf, HTTP_USER_AGENT, tmo, tmo);
	ok &= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_fn) ==
	    CURLE_OK;
	ok &= curl_easy_setopt(e, CURLOPT_WRITEDATA, hc) == CURLE_OK;
	return ok;
}

void http_start(struct hcheck *hc)
{
	/* One handle per check, kept between probes: setting it up again
	 * each time costs more than the probe. */
	bool fresh = hc->xfer.easy == NULL;
	CURL *e = fresh ? curl_easy_init() : hc->xfer.easy;

	hc->errbuf[0] = '\0';
	hc->body = 0;
	hc->truncated = false;
	if (e == NULL) {
		probe_finish(hc, HEALTH_FAIL, "out of memory");
		return;
	}
	hc->xfer.easy = e;
	hc->xfer.done = http_done;
	hc->xfer.arg = hc;
	if ((fresh && !http_setup(hc, e)) ||
	    !curlev_add(hc->h->curl, &hc->xfer)) {
		http_forget(hc);
		probe_finish(hc, HEALTH_FAIL, "%s",
		    hc->errbuf[0] != '\0' ? hc->errbuf :
		    "libcurl refused the request");
		return;
	}
}

void http_cancel(struct hcheck *hc)
{
	curlev_remove(hc->h->curl, &hc->xfer);
	hc->running = false;
}
