/*
 * etcd_watch.c - the etcd client's watches (etcd.h): one streaming POST
 * to /v3/watch each, whose reply is a JSON message per event batch
 * ({"result":{...}}) for as long as it lasts.
 *
 * Messages are read inside curl's write callback, where curl may not be
 * called again, so they are queued and handled from the loop (a 0 s
 * timer, or at once when the transfer ends).  A stream that breaks
 * (connection lost, an error message, no "created" within the timeout,
 * or a member that no longer has a leader) is opened again at the next
 * endpoint from the revision after the last one seen; a whole round of
 * endpoints without success waits a little longer each time (up to 5
 * s).  A stream that says nothing for watch_check_ms gets its member
 * asked for its status: a stopped process, a host cut off or a member
 * without a leader would otherwise leave it silent for good.
 *
 * It must not call the caller from inside curl and must not touch a
 * watch after its callback cancelled it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "bgpd/fleet/etcd_int.h"

#define WATCH_BACKOFF_MIN	0.25
/* gRPC status codes of errors no other member would answer otherwise. */
#define GRPC_INVALID_ARGUMENT	3
#define GRPC_PERMISSION_DENIED	7
#define GRPC_UNAUTHENTICATED	16
#define WATCH_BACKOFF_MAX	5.0

struct etcd_watch {
	struct etcd *e;
	char *key, *end;
	etcd_watch_cb *cb;
	void *arg;
	int64_t next_rev;		/* 0: from the revision of "created" */
	size_t ep;			/* of the current stream */
	unsigned serial;		/* of the current stream */
	struct buf body;
	struct curlev_xfer xfer;
	struct jreader jr;
	char errbuf[CURL_ERROR_SIZE];
	json_object **queue;		/* messages read, not yet handled */
	size_t nqueue, capqueue;
	ev_timer dispatch;		/* handles the queue, from the loop */
	ev_timer deadline;		/* "created" must come by then */
	ev_timer check;			/* is a silent stream still good? */
	ev_timer retry;			/* the next round of endpoints */
	struct ereq *checking;		/* the status asked for */
	bool created;			/* the current stream is up */
	bool heard;			/* it sent something since the check */
	bool lost;			/* LOST reported, not yet STARTED */
	double lost_at;
	size_t tries;			/* endpoints tried this round */
	double backoff;
	bool in_cb, cancelled;
	struct etcd_watch *prev, *next;
};

static void w_stream_stop(struct etcd_watch *w)
{
	struct etcd *e = w->e;

	if (w->xfer.easy != NULL) {
		curlev_remove(e->cv, &w->xfer);
		curl_easy_cleanup(w->xfer.easy);
		w->xfer.easy = NULL;
	}
	jreader_free(&w->jr);
	for (size_t i = 0; i < w->nqueue; i++)
		json_object_put(w->queue[i]);
	w->nqueue = 0;
	ev_timer_stop(e->loop, &w->dispatch);
	ev_timer_stop(e->loop, &w->deadline);
	ev_timer_stop(e->loop, &w->check);
	if (w->checking != NULL)
		etcd_req_drop(w->checking);
	w->checking = NULL;
	w->created = false;
}

static void w_free(struct etcd_watch *w)
{
	struct etcd *e = w->e;

	w_stream_stop(w);
	ev_timer_stop(e->loop, &w->retry);
	free(w->queue);
	buf_free(&w->body);
	free(w->key);
	free(w->end);
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		e->watches = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	free(w);
}

void etcd_watch_free_all(struct etcd *e)
{
	while (e->watches != NULL)
		w_free(e->watches);
}

void etcd_watch_cancel(struct etcd_watch *w)
{
	if (w == NULL)
		return;
	if (w->in_cb)
		w->cancelled = true;	/* freed when the callback returns */
	else
		w_free(w);
}

/* Tell the caller; false if it cancelled the watch (now freed). */
static bool w_report(struct etcd_watch *w, struct etcd_watch_update *u)
{
	u->endpoint = w->e->eps[w->ep].url;
	if (u->msg == NULL)
		u->msg = "";
	if (u->next_rev == 0)
		u->next_rev = w->next_rev;
	w->in_cb = true;
	w->cb(w->arg, u);
	w->in_cb = false;
	if (w->cancelled) {
		w_free(w);
		return false;
	}
	return true;
}

/* Over for good: the last report, then the watch goes. */
static void w_end(struct etcd_watch *w, enum etcd_err err, const char *msg,
    int64_t compact_rev)
{
	struct etcd_watch_update u = { .kind = ETCD_WATCH_ENDED, .err = err,
	    .msg = msg, .compact_rev = compact_rev };

	w_stream_stop(w);
	if (w_report(w, &u))
		w_free(w);
}

static bool w_connect(struct etcd_watch *w);

/* The next try: at once while this round has endpoints left, else after
 * a pause that grows. */
static void w_next(struct etcd_watch *w)
{
	struct etcd *e = w->e;

	w->ep = (w->ep + 1) % e->neps;
	if (++w->tries < e->neps && w_connect(w))
		return;
	w->tries = 0;
	w->backoff = w->backoff == 0 ? WATCH_BACKOFF_MIN :
	    w->backoff * 2 > WATCH_BACKOFF_MAX ? WATCH_BACKOFF_MAX :
	    w->backoff * 2;
	ev_timer_set(&w->retry, w->backoff, 0.);
	ev_timer_start(e->loop, &w->retry);
}

/* The stream is no good (err: UNAVAILABLE or NO_LEADER, msg): say so
 * once per outage, and try elsewhere.  False if the caller cancelled. */
static bool w_broken(struct etcd_watch *w, enum etcd_err err,
    const char *msg)
{
	w_stream_stop(w);
	etcd_ep_fail(w->e, w->ep, msg);
	if (!w->lost) {
		struct etcd_watch_update u = { .kind = ETCD_WATCH_LOST,
		    .err = err, .msg = msg };

		w->lost = true;
		w->lost_at = ev_now(w->e->loop);
		if (!w_report(w, &u))
			return false;
	}
	w_next(w);
	return true;
}

/* "created": the stream is up. */
static bool w_created(struct etcd_watch *w, int64_t rev)
{
	struct etcd_watch_update u = { .kind = ETCD_WATCH_STARTED,
	    .rev = rev };
	struct etcd *e = w->e;

	ev_timer_stop(e->loop, &w->deadline);
	w->created = true;
	w->heard = true;
	if (w->next_rev == 0)
		w->next_rev = rev + 1;	/* from now on: after rev */
	if (w->lost)
		u.outage = ev_now(e->loop) - w->lost_at;
	w->lost = false;
	w->tries = 0;
	w->backoff = 0;
	etcd_ep_ok(e, w->ep);
	ev_timer_set(&w->check, 0., (double)e->tune.watch_check_ms / 1000.0);
	ev_timer_again(e->loop, &w->check);
	return w_report(w, &u);
}

/* What became of a watch after a message. */
enum w_after { W_GO_ON, W_RESTARTED, W_GONE };

static enum w_after w_broken_after(struct etcd_watch *w, enum etcd_err err,
    const char *msg)
{
	return w_broken(w, err, msg) ? W_RESTARTED : W_GONE;
}

/* A result message. */
static enum w_after w_result(struct etcd_watch *w, json_object *res)
{
	struct etcd_watch_update u = { .kind = ETCD_WATCH_EVENTS };
	struct ej_mem m = { 0 };
	enum w_after after = W_GO_ON;
	bool created, canceled;
	const char *reason, *why;

	if (!ej_watch_result(res, &u, &created, &canceled, &reason, &m,
	    &why)) {
		ej_free(&m);
		return w_broken_after(w, ETCD_E_UNAVAILABLE, why);
	}
	if (created && !w_created(w, u.rev)) {
		after = W_GONE;
	} else if (canceled) {
		if (u.compact_rev > 0) {
			w_end(w, ETCD_E_COMPACTED, "the revision to watch "
			    "from is compacted", u.compact_rev);
			after = W_GONE;
		} else if (strstr(reason, "no leader") != NULL) {
			after = w_broken_after(w, ETCD_E_NO_LEADER, reason);
		} else {
			w_end(w, ETCD_E_FAILED, *reason != '\0' ? reason :
			    "etcd cancelled the watch", 0);
			after = W_GONE;
		}
	} else if (u.nevents > 0) {
		int64_t last = u.events[u.nevents - 1].kv.mod_rev;

		if (last >= w->next_rev)
			w->next_rev = last + 1;
		after = w_report(w, &u) ? W_GO_ON : W_GONE;
	} else if (!created) {
		/* A progress notification: nothing up to rev is missing. */
		if (u.rev >= w->next_rev)
			w->next_rev = u.rev + 1;
		u.kind = ETCD_WATCH_PROGRESS;
		after = w_report(w, &u) ? W_GO_ON : W_GONE;
	}
	ej_free(&m);
	return after;
}

/* One message of the stream. */
static enum w_after w_message(struct etcd_watch *w, json_object *o)
{
	json_object *res = NULL;
	const char *msg;
	char text[ETCD_ERR_LEN];
	enum etcd_err err;
	int code;
	bool next;

	switch (ej_error(o, &code, &msg)) {
	case 0:
		break;
	case 1:
		err = etcd_map_error(0, code, msg, &next);

		snprintf(text, sizeof(text), "%s", msg);
		/* A member going away says "grpc: the client connection is
		 * closing" (Canceled): try again elsewhere.  What another
		 * member would refuse too ends it. */
		if (err == ETCD_E_COMPACTED || code == GRPC_INVALID_ARGUMENT ||
		    code == GRPC_PERMISSION_DENIED ||
		    code == GRPC_UNAUTHENTICATED) {
			w_end(w, err == ETCD_E_COMPACTED ? err : ETCD_E_FAILED,
			    text, 0);
			return W_GONE;
		}
		return w_broken_after(w, err == ETCD_E_NO_LEADER ? err :
		    ETCD_E_UNAVAILABLE, text);
	default:
		return w_broken_after(w, ETCD_E_UNAVAILABLE, "a watch "
		    "error of the wrong shape");
	}
	if (!json_object_object_get_ex(o, "result", &res))
		return w_broken_after(w, ETCD_E_UNAVAILABLE,
		    "a watch message without result");
	return w_result(w, res);
}

/* Handle the queued messages; false if the watch is gone. */
static bool w_drain(struct etcd_watch *w)
{
	ev_timer_stop(w->e->loop, &w->dispatch);
	for (size_t i = 0; i < w->nqueue; i++) {
		json_object *o = w->queue[i];
		enum w_after after;

		w->queue[i] = NULL;
		after = w_message(w, o);
		json_object_put(o);
		if (after == W_GONE)
			return false;
		/* The rest went with the old stream (w_stream_stop). */
		if (after == W_RESTARTED)
			return true;
	}
	w->nqueue = 0;
	return true;
}

static void dispatch_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)w_drain(t->data);
}

static void w_value(void *arg, json_object *o)
{
	struct etcd_watch *w = arg;
	json_object **q;

	if (w->nqueue == w->capqueue) {
		q = array_grow(w->queue, &w->capqueue, w->nqueue + 1,
		    sizeof(*q));
		if (q == NULL) {
			/* Lost: the stream is restarted from next_rev. */
			json_object_put(o);
			w->jr.garbage = true;
			return;
		}
		w->queue = q;
	}
	w->queue[w->nqueue++] = o;
	ev_timer_start(w->e->loop, &w->dispatch);
}

static size_t w_write(char *data, size_t size, size_t n, void *arg)
{
	struct etcd_watch *w = arg;

	w->heard = true;
	if (!jreader_feed(&w->jr, data, size * n) || w->jr.garbage)
		return 0;	/* ends the transfer */
	return size * n;
}

static void w_done(struct curlev_xfer *x, CURLcode rc)
{
	struct etcd_watch *w = x->arg;
	char text[ETCD_ERR_LEN], why[ETCD_ERR_LEN];
	unsigned serial = w->serial;
	long http = 0;
	bool delivered;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &http);
	if (w->jr.too_big)
		snprintf(text, sizeof(text), "a watch message larger than "
		    "%zu bytes", w->e->tune.max_reply);
	else if (w->jr.garbage)
		snprintf(text, sizeof(text), "http %ld and no watch stream of "
		    "etcd's JSON gateway", http);
	else if (rc != CURLE_OK)
		snprintf(text, sizeof(text), "the watch stream broke: %s",
		    etcd_xfer_error(w->e, x->easy, rc, w->errbuf, why,
		    sizeof(why), &delivered));
	else
		snprintf(text, sizeof(text), "the watch stream ended (http "
		    "%ld)", http);
	/* What came before the end first. */
	if (!w_drain(w) || w->serial != serial)
		return;
	if (w->jr.too_big)
		w_end(w, ETCD_E_FAILED, text, 0);
	else
		(void)w_broken(w, ETCD_E_UNAVAILABLE, text);
}

static void deadline_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct etcd_watch *w = t->data;
	char text[ETCD_ERR_LEN];

	snprintf(text, sizeof(text), "no watch created within %.1f s",
	    (double)w->e->tune.timeout_ms / 1000.0);
	(void)w_broken(w, ETCD_E_UNAVAILABLE, text);
}

static void w_checked(void *arg, const struct etcd_reply *r)
{
	struct etcd_watch *w = arg;
	char text[ETCD_ERR_LEN];

	w->checking = NULL;
	if (r->err == ETCD_OK && r->leader != 0)
		return;
	snprintf(text, sizeof(text), "watch check: %s", r->err != ETCD_OK ?
	    r->msg : "the member has no leader");
	(void)w_broken(w, r->err == ETCD_OK || r->err == ETCD_E_NO_LEADER ?
	    ETCD_E_NO_LEADER : ETCD_E_UNAVAILABLE, text);
}

static void check_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct etcd_watch *w = t->data;

	if (!w->created || w->checking != NULL)
		return;
	if (w->heard) {
		w->heard = false;
		return;
	}
	/* Not sent (out of memory): the next tick tries again. */
	w->checking = etcd_status_at(w->e, w->ep, w_checked, w);
}

static void retry_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct etcd_watch *w = t->data;

	if (!w_connect(w))
		w_next(w);
}

/* Open a stream at w->ep from w->next_rev; false if curl would not. */
static bool w_connect(struct etcd_watch *w)
{
	struct etcd *e = w->e;

	w_stream_stop(w);
	w->serial++;
	buf_reset(&w->body);
	if (!ej_watch_body(&w->body, w->key, w->end, w->next_rev) ||
	    !jreader_init(&w->jr, e->tune.max_reply, w_value, w))
		return false;
	w->xfer.easy = etcd_easy(e, w->ep, "/v3/watch", &w->body, w->errbuf,
	    w_write, w);
	w->xfer.done = w_done;
	w->xfer.arg = w;
	if (w->xfer.easy == NULL || !curlev_add(e->cv, &w->xfer))
		return false;
	ev_timer_set(&w->deadline, (double)e->tune.timeout_ms / 1000.0, 0.);
	ev_timer_start(e->loop, &w->deadline);
	return true;
}

struct etcd_watch *etcd_watch(struct etcd *e, const char *key,
    const char *end, int64_t start_rev, etcd_watch_cb *cb, void *arg)
{
	struct etcd_watch *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->e = e;
	w->cb = cb;
	w->arg = arg;
	w->next_rev = start_rev > 0 ? start_rev : 0;
	w->ep = e->cur;
	ev_init(&w->dispatch, dispatch_cb);
	ev_timer_set(&w->dispatch, 0., 0.);
	ev_init(&w->deadline, deadline_cb);
	ev_init(&w->check, check_cb);
	ev_init(&w->retry, retry_cb);
	w->dispatch.data = w->deadline.data = w->check.data = w;
	w->retry.data = w;
	w->next = e->watches;
	if (e->watches != NULL)
		e->watches->prev = w;
	e->watches = w;
	if ((w->key = strdup(key)) == NULL ||
	    (end != NULL && (w->end = strdup(end)) == NULL) ||
	    !w_connect(w)) {
		w_free(w);
		return NULL;
	}
	return w;
}
