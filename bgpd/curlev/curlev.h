/*
 * curlev.h - libcurl's multi interface on a libev loop: the glue every
 * HTTP client of lbbgpd shares (the http probes of health checks, the
 * etcd client).  One struct curlev is one CURLM on one ev_loop: curl
 * says which sockets to watch (one ev_io each) and when to call it back
 * (one ev_timer); a finished transfer leaves the multi handle and its
 * done callback is called.
 *
 * It only drives transfers: what to request and what a reply means is
 * the caller's.  It must not block the loop (the caller sets
 * CURLOPT_NOSIGNAL; libcurl here uses the threaded resolver) and must
 * not call a done callback from inside curlev_add().
 */
#ifndef LBBGP_CURLEV_H
#define LBBGP_CURLEV_H

#include <stdbool.h>

#include <curl/curl.h>

struct ev_loop;
struct curlev;
struct curlev_xfer;

/*
 * A transfer is over (rc: CURLE_OK or why not).  x has already left the
 * multi handle: the callback may add it again, reuse or clean up its
 * easy handle, add or remove other transfers.  It must not free the
 * curlev.
 */
typedef void curlev_done_fn(struct curlev_xfer *x, CURLcode rc);

/*
 * One transfer, in memory of the caller's (embedded in its own state).
 * curlev sets the easy handle's CURLOPT_PRIVATE to x: the caller must not
 * use CURLOPT_PRIVATE itself.
 */
struct curlev_xfer {
	CURL *easy;		/* the caller's, set up by it */
	curlev_done_fn *done;
	void *arg;		/* the caller's */
	bool added;		/* in the multi handle now (curlev's) */
};

/* NULL when out of memory or libcurl cannot start. */
struct curlev *curlev_new(struct ev_loop *loop);
/* Once no transfer is added any more. */
void curlev_free(struct curlev *cv);

/* Start x (x->easy, x->done set); false if curl refused it (then x is
 * not added and done will not be called). */
bool curlev_add(struct curlev *cv, struct curlev_xfer *x);
/* Stop x if it is running; done is not called.  Idempotent. */
void curlev_remove(struct curlev *cv, struct curlev_xfer *x);
/*
 * The options every transfer of lbbgpd has: no signals, errors into
 * errbuf (CURL_ERROR_SIZE), the timeouts (0: none), no redirect, no
 * proxy from the environment, only http and https, user agent agent.
 * False if curl refused one.
 */
bool curlev_easy_base(CURL *c, char *errbuf, const char *agent,
    long timeout_ms, long connect_ms);
/* Keep up to n idle connections for reuse (CURLMOPT_MAXCONNECTS). */
void curlev_max_conns(struct curlev *cv, long n);

#endif
