/*
 * etcd.c - the etcd client's requests (etcd.h): one HTTP POST each on the
 * shared curl multi handle (bgpd/curlev/), tried at one endpoint after
 * the other until one answers, the reply read as it arrives and handed
 * to the caller's callback; and the endpoints' health.
 *
 * A try fails over to the next endpoint when the endpoint cannot be
 * reached, times out, answers 5xx or garbage, or says "no leader" (a
 * member cut off from the majority says so while the others still have
 * one).  A write that reached a member is not sent again unless that is
 * harmless (etcd_txn() with a put or delete in it is not: its
 * comparisons could fail against its own first write).  What etcd
 * refuses (a compacted revision, an unknown lease, a bad request) is
 * final: another member would say the same.
 *
 * It must not block and must not call a callback from inside the call
 * that made the request.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "bgpd/fleet/etcd_int.h"

#define ETCD_USER_AGENT	"lbbgpd-etcd/1"

/* One request, through its tries at the endpoints. */
struct ereq {
	struct etcd *e;
	enum ereq_kind kind;
	struct buf body;		/* the JSON posted */
	bool resend;			/* may go again after it reached one */
	bool pinned;			/* to one endpoint: no fail-over */
	size_t ep;			/* of this try */
	size_t tries;
	bool no_leader;			/* a member said so */
	bool maybe_applied;
	struct buf why;			/* each failed try, for the message */
	struct curlev_xfer xfer;
	struct jreader jr;
	json_object *obj;		/* the reply */
	bool extra;			/* ...and more after it */
	char errbuf[CURL_ERROR_SIZE];
	etcd_cb *cb;
	void *arg;
	/* etcd_range(): the pages */
	char *key;			/* the next page's first key */
	size_t key_len;
	char *end;
	int64_t rev;			/* the snapshot's; 0 until the first */
	struct ereq *prev, *next;
};

static const char *const err_names[] = {
	[ETCD_OK] = "ok",
	[ETCD_E_UNAVAILABLE] = "unavailable",
	[ETCD_E_NO_LEADER] = "no-leader",
	[ETCD_E_COMPACTED] = "compacted",
	[ETCD_E_LEASE_GONE] = "lease-gone",
	[ETCD_E_FAILED] = "failed",
};
_Static_assert(NELEM(err_names) == ETCD_NERR, "a name per enum etcd_err");

const char *etcd_err_name(enum etcd_err err)
{
	return (unsigned)err < NELEM(err_names) ? err_names[err] : "?";
}

/* ---- endpoints ------------------------------------------------------------- */

void etcd_ep_ok(struct etcd *e, size_t ep)
{
	e->eps[ep].last_ok = ev_now(e->loop);
	e->eps[ep].fails = 0;
}

void etcd_ep_fail(struct etcd *e, size_t ep, const char *msg)
{
	struct etcd_ep *p = &e->eps[ep];

	p->last_err_at = ev_now(e->loop);
	snprintf(p->last_err, sizeof(p->last_err), "%s", msg);
	p->fails++;
	/* Requests that start from now on try the next one first. */
	if (e->cur == ep)
		e->cur = (ep + 1) % e->neps;
}

size_t etcd_nendpoints(const struct etcd *e)
{
	return e->neps;
}

void etcd_endpoint(const struct etcd *e, size_t i,
    struct etcd_endpoint_info *out)
{
	const struct etcd_ep *p = &e->eps[i];

	out->url = p->url;
	out->current = i == e->cur;
	out->last_ok = p->last_ok;
	out->last_err_at = p->last_err_at;
	out->last_err = p->last_err;
	out->fails = p->fails;
}

/* ---- transfers ---------------------------------------------------------------- */

/* Set every option; false if curl refused one. */
static bool easy_setup(struct etcd *e, CURL *c, const char *url,
    const struct buf *body, char *errbuf, curl_write_callback wfn,
    void *warg, long timeout_ms)
{
	bool ok = true;

	ok &= curl_easy_setopt(c, CURLOPT_URL, url) == CURLE_OK;
	ok &= curlev_easy_base(c, errbuf, ETCD_USER_AGENT, timeout_ms,
	    (long)e->tune.timeout_ms);
	/* HTTP/1.1 also over TLS: etcd's port speaks gRPC on HTTP/2. */
	ok &= curl_easy_setopt(c, CURLOPT_HTTP_VERSION,
	    (long)CURL_HTTP_VERSION_1_1) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_HTTPHEADER, e->hdrs) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_POSTFIELDS, buf_data(body)) ==
	    CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)buf_used(body)) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, wfn) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_WRITEDATA, warg) == CURLE_OK;
	/* A member whose host died says nothing: the kernel tells. */
	ok &= curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_TCP_KEEPIDLE, 5L) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_TCP_KEEPINTVL, 2L) == CURLE_OK;
	if (e->tls_ca != NULL)
		ok &= curl_easy_setopt(c, CURLOPT_CAINFO, e->tls_ca) ==
		    CURLE_OK;
	if (e->tls_cert != NULL)
		ok &= curl_easy_setopt(c, CURLOPT_SSLCERT, e->tls_cert) ==
		    CURLE_OK;
	if (e->tls_key != NULL)
		ok &= curl_easy_setopt(c, CURLOPT_SSLKEY, e->tls_key) ==
		    CURLE_OK;
	return ok;
}

static CURL *easy_new(struct etcd *e, size_t ep, const char *path,
    const struct buf *body, char *errbuf, curl_write_callback wfn,
    void *warg, long timeout_ms)
{
	struct buf url = BUF_INIT;
	CURL *c = curl_easy_init();

	errbuf[0] = '\0';
	buf_printf(&url, "%s%s", e->eps[ep].url, path);
	/* curl copies the URL. */
	if (c != NULL && (buf_cstr(&url) == NULL || !easy_setup(e, c,
	    buf_cstr(&url), body, errbuf, wfn, warg, timeout_ms))) {
		curl_easy_cleanup(c);
		c = NULL;
	}
	buf_free(&url);
	return c;
}

CURL *etcd_easy(struct etcd *e, size_t ep, const char *path,
    const struct buf *body, char *errbuf, curl_write_callback wfn,
    void *warg)
{
	return easy_new(e, ep, path, body, errbuf, wfn, warg, 0);
}

const char *etcd_xfer_error(struct etcd *e, CURL *easy, CURLcode rc,
    const char *errbuf, char *buf, size_t size, bool *delivered)
{
	long oserr = 0, sent = 0;
	double connected = 0;

	curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &oserr);
	curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &sent);
	curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME, &connected);
	*delivered = sent > 0;
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		snprintf(buf, size, "%s within %.1f s", connected > 0 ?
		    "no answer" : "no connection",
		    (double)e->tune.timeout_ms / 1000.0);
		return buf;
	}
	if (rc == CURLE_COULDNT_CONNECT && oserr == ECONNREFUSED)
		return "connection refused";
	if (errbuf[0] != '\0') {
		snprintf(buf, size, "%s", errbuf);
		return buf;
	}
	return curl_easy_strerror(rc);
}

enum etcd_err etcd_map_error(long http, int code, const char *msg,
    bool *next)
{
	*next = false;
	/* ErrNoLeader: said before anything is proposed. */
	if (strstr(msg, "no leader") != NULL) {
		*next = true;
		return ETCD_E_NO_LEADER;
	}
	if (strstr(msg, "compacted") != NULL)
		return ETCD_E_COMPACTED;
	if (strstr(msg, "lease not found") != NULL)
		return ETCD_E_LEASE_GONE;
	/* gRPC Unknown (2), DeadlineExceeded (4), Unavailable (14): "request
	 * timed out", "leader changed", "context deadline exceeded". */
	if (http >= 500 || code == 2 || code == 4 || code == 14) {
		*next = true;
		return ETCD_E_UNAVAILABLE;
	}
	return ETCD_E_FAILED;
}

/* ---- requests -------------------------------------------------------------------- */

static void req_free(struct ereq *q)
{
	struct etcd *e = q->e;

	if (q->xfer.easy != NULL) {
		curlev_remove(e->cv, &q->xfer);
		curl_easy_cleanup(q->xfer.easy);
	}
	if (q->obj != NULL)
		json_object_put(q->obj);
	jreader_free(&q->jr);
	buf_free(&q->body);
	buf_free(&q->why);
	free(q->key);
	free(q->end);
	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		e->reqs = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	free(q);
}

static struct ereq *req_new(struct etcd *e, enum ereq_kind kind, etcd_cb *cb,
    void *arg)
{
	struct ereq *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	q->e = e;
	q->kind = kind;
	q->cb = cb;
	q->arg = arg;
	q->resend = true;
	q->next = e->reqs;
	if (e->reqs != NULL)
		e->reqs->prev = q;
	e->reqs = q;
	return q;
}

static void req_value(void *arg, json_object *o)
{
	struct ereq *q = arg;

	if (q->obj != NULL) {
		q->extra = true;
		json_object_put(o);
		return;
	}
	q->obj = o;
}

static size_t req_write(char *data, size_t size, size_t n, void *arg)
{
	struct ereq *q = arg;

	/* Anything short of size * n ends the transfer. */
	return jreader_feed(&q->jr, data, size * n) ? size * n : 0;
}

static void req_done(struct curlev_xfer *x, CURLcode rc);

/* Send the request to q->ep; false if curl would not. */
static bool req_send(struct ereq *q)
{
	struct etcd *e = q->e;

	if (q->xfer.easy != NULL)
		curl_easy_cleanup(q->xfer.easy);
	q->xfer.easy = NULL;
	if (q->obj != NULL)
		json_object_put(q->obj);
	q->obj = NULL;
	q->extra = false;
	jreader_free(&q->jr);
	if (!jreader_init(&q->jr, e->tune.max_reply, req_value, q))
		return false;
	q->xfer.easy = easy_new(e, q->ep, ej_path(q->kind), &q->body,
	    q->errbuf, req_write, q, (long)e->tune.timeout_ms);
	q->xfer.done = req_done;
	q->xfer.arg = q;
	return q->xfer.easy != NULL && curlev_add(e->cv, &q->xfer);
}

/* The first try, at the current endpoint (or q->ep when pinned). */
static bool req_start(struct ereq *q)
{
	if (!q->pinned)
		q->ep = q->e->cur;
	q->tries = 0;
	if (q->body.failed || !req_send(q)) {
		req_free(q);
		return false;
	}
	return true;
}

/* Call back with r (err and msg set by the caller) and free q. */
static void req_reply(struct ereq *q, struct etcd_reply *r)
{
	r->endpoint = q->e->eps[q->ep].url;
	if (r->msg == NULL)
		r->msg = "";
	q->cb(q->arg, r);
	req_free(q);
}

static void req_finish(struct ereq *q, enum etcd_err err, const char *msg)
{
	struct etcd_reply r = { .err = err, .msg = msg,
	    .maybe_applied = q->maybe_applied };

	req_reply(q, &r);
}

/*
 * This try failed (kind: ETCD_E_UNAVAILABLE or ETCD_E_NO_LEADER; msg;
 * delivered: the member may have acted on it): the next endpoint, or
 * the end.
 */
static void req_fail(struct ereq *q, enum etcd_err kind, const char *msg,
    bool delivered)
{
	struct etcd *e = q->e;

	etcd_ep_fail(e, q->ep, msg);
	buf_printf(&q->why, "%s%s: %s", buf_used(&q->why) ? "; " : "",
	    e->eps[q->ep].url, msg);
	if (kind == ETCD_E_NO_LEADER)
		q->no_leader = true;
	else if (delivered && !q->resend)
		q->maybe_applied = true;
	q->tries++;
	if (!q->maybe_applied && !q->pinned && q->tries < e->neps) {
		q->ep = (q->ep + 1) % e->neps;
		if (req_send(q))
			return;
		buf_puts(&q->why, "; libcurl refused the request");
	}
	req_finish(q, q->no_leader && !q->maybe_applied ? ETCD_E_NO_LEADER :
	    ETCD_E_UNAVAILABLE, buf_cstr(&q->why) != NULL ?
	    buf_cstr(&q->why) : "out of memory");
}

static bool range_next_page(struct ereq *q, const struct etcd_reply *r);

/* A reply that parsed: to the caller (and the next page of a range). */
static void req_ok(struct ereq *q, struct etcd_reply *r)
{
	if (q->kind == REQ_RANGE && q->end != NULL) {
		if (q->rev == 0)
			q->rev = r->rev;
		/* Every page says the revision of the snapshot. */
		r->rev = q->rev;
		if (r->more && r->nkvs > 0 && r->err == ETCD_OK) {
			r->endpoint = q->e->eps[q->ep].url;
			r->msg = "";
			q->cb(q->arg, r);
			if (!range_next_page(q, r))
				req_finish(q, ETCD_E_FAILED, "out of memory");
			return;
		}
		r->more = false;
	}
	req_reply(q, r);
}

/* The reply has come (o): to the caller, or the next endpoint. */
static void req_answered(struct ereq *q, long http)
{
	struct etcd_reply r = { .err = ETCD_OK };
	struct ej_mem m = { 0 };
	const char *msg, *why;
	char text[ETCD_ERR_LEN];
	enum etcd_err err;
	int code;
	bool next;

	if (q->obj == NULL || q->extra || !jreader_clean_end(&q->jr)) {
		snprintf(text, sizeof(text), "http %ld and no reply of etcd's "
		    "JSON gateway (an etcd 3.4 or later client URL?)", http);
		req_fail(q, ETCD_E_UNAVAILABLE, text, true);
		return;
	}
	switch (ej_error(q->obj, &code, &msg)) {
	case 0:
		break;
	case 1:
		err = etcd_map_error(http, code, msg, &next);

		snprintf(text, sizeof(text), "%s", msg);
		if (next) {
			req_fail(q, err, text, err != ETCD_E_NO_LEADER);
			return;
		}
		/* It answered: etcd refused the request. */
		etcd_ep_ok(q->e, q->ep);
		req_finish(q, err, text);
		return;
	default:
		snprintf(text, sizeof(text), "http %ld and an error object "
		    "of the wrong shape", http);
		req_fail(q, ETCD_E_UNAVAILABLE, text, true);
		return;
	}
	if (http != 200 || !ej_reply(q->kind, q->obj, &r, &m, &why)) {
		snprintf(text, sizeof(text), "http %ld, a reply that makes no "
		    "sense: %s", http, http != 200 ? "no error in it" : why);
		ej_free(&m);
		req_fail(q, ETCD_E_UNAVAILABLE, text, true);
		return;
	}
	/* A member that answers for itself (status is no proposal): look
	 * for one that has a leader. */
	if (q->kind == REQ_STATUS && r.leader == 0) {
		ej_free(&m);
		req_fail(q, ETCD_E_NO_LEADER, "etcdserver: no leader", false);
		return;
	}
	etcd_ep_ok(q->e, q->ep);
	req_ok(q, &r);
	ej_free(&m);
}

static void req_done(struct curlev_xfer *x, CURLcode rc)
{
	struct ereq *q = x->arg;
	long http = 0;
	char text[ETCD_ERR_LEN];
	const char *msg;
	bool delivered;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &http);
	if (q->jr.too_big) {
		snprintf(text, sizeof(text), "a reply larger than %zu bytes "
		    "(%s)", q->e->tune.max_reply, q->kind == REQ_RANGE ?
		    "values too large for the page size" : "refused");
		etcd_ep_ok(q->e, q->ep);
		req_finish(q, ETCD_E_FAILED, text);
		return;
	}
	if (rc != CURLE_OK) {
		msg = etcd_xfer_error(q->e, x->easy, rc, q->errbuf, text,
		    sizeof(text), &delivered);
		req_fail(q, ETCD_E_UNAVAILABLE, msg, delivered);
		return;
	}
	req_answered(q, http);
}

/* ---- the requests of etcd.h --------------------------------------------------------- */

static bool range_body(struct ereq *q)
{
	buf_reset(&q->body);
	return ej_range_body(&q->body, q->key, q->key_len, q->end, q->rev,
	    q->end != NULL ? (int64_t)q->e->tune.page : 0);
}

bool etcd_range(struct etcd *e, const char *key, const char *end,
    int64_t rev, etcd_cb *cb, void *arg)
{
	struct ereq *q = req_new(e, REQ_RANGE, cb, arg);

	if (q == NULL)
		return false;
	q->rev = rev;
	q->key_len = strlen(key);
	if ((q->key = strdup(key)) == NULL ||
	    (end != NULL && (q->end = strdup(end)) == NULL) ||
	    !range_body(q)) {
		req_free(q);
		return false;
	}
	return req_start(q);
}

/* Ask for the page after r's; false (q still there) if it cannot. */
static bool range_next_page(struct ereq *q, const struct etcd_reply *r)
{
	const struct etcd_kv *last = &r->kvs[r->nkvs - 1];
	char *k = malloc(last->key_len + 1);

	if (k == NULL)
		return false;
	/* The first key after last: last and a 0 byte. */
	memcpy(k, last->key, last->key_len);
	k[last->key_len] = '\0';
	free(q->key);
	q->key = k;
	q->key_len = last->key_len + 1;
	q->ep = q->e->cur;
	q->tries = 0;
	return range_body(q) && req_send(q);
}

/* Start a request whose body the builder made (ok); false if not. */
static bool req_go(struct ereq *q, bool ok)
{
	if (!ok) {
		req_free(q);
		return false;
	}
	return req_start(q);
}

static bool ops_write(const struct etcd_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ops[i].kind != ETCD_OP_RANGE)
			return true;
	return false;
}

bool etcd_txn(struct etcd *e, const struct etcd_cmp *cmp, size_t ncmp,
    const struct etcd_op *succ, size_t nsucc, const struct etcd_op *fail,
    size_t nfail, etcd_cb *cb, void *arg)
{
	struct ereq *q = req_new(e, REQ_TXN, cb, arg);

	if (q == NULL)
		return false;
	/* Sent twice, its comparisons could fail against its own first
	 * write: only a read-only one goes again. */
	q->resend = !ops_write(succ, nsucc) && !ops_write(fail, nfail);
	return req_go(q, ej_txn_body(&q->body, cmp, ncmp, succ, nsucc, fail,
	    nfail));
}

bool etcd_put(struct etcd *e, const char *key, const void *value,
    size_t len, int64_t lease, etcd_cb *cb, void *arg)
{
	struct ereq *q = req_new(e, REQ_PUT, cb, arg);

	return q != NULL && req_go(q, ej_put_body(&q->body, key,
	    value != NULL ? value : "", len, lease));
}

bool etcd_delete(struct etcd *e, const char *key, const char *end,
    etcd_cb *cb, void *arg)
{
	struct ereq *q = req_new(e, REQ_DELETE, cb, arg);

	return q != NULL && req_go(q, ej_delete_body(&q->body, key, end));
}

/* A lease grant sent twice leaves a lease nobody uses; it expires. */
bool etcd_lease_grant(struct etcd *e, int64_t ttl, etcd_cb *cb, void *arg)
{
	struct ereq *q = req_new(e, REQ_GRANT, cb, arg);

	return q != NULL && req_go(q, ej_int_body(&q->body, "TTL", ttl));
}

bool etcd_lease_keepalive(struct etcd *e, int64_t id, etcd_cb *cb,
    void *arg)
{
	struct ereq *q = req_new(e, REQ_KEEPALIVE, cb, arg);

	return q != NULL && req_go(q, ej_int_body(&q->body, "ID", id));
}

bool etcd_lease_revoke(struct etcd *e, int64_t id, etcd_cb *cb, void *arg)
{
	struct ereq *q = req_new(e, REQ_REVOKE, cb, arg);

	return q != NULL && req_go(q, ej_int_body(&q->body, "ID", id));
}

bool etcd_status(struct etcd *e, etcd_cb *cb, void *arg)
{
	struct ereq *q = req_new(e, REQ_STATUS, cb, arg);

	return q != NULL && req_go(q, buf_puts(&q->body, "{}"));
}

struct ereq *etcd_status_at(struct etcd *e, size_t ep, etcd_cb *cb,
    void *arg)
{
	struct ereq *q = req_new(e, REQ_STATUS, cb, arg);

	if (q == NULL)
		return NULL;
	q->pinned = true;
	q->ep = ep;
	return req_go(q, buf_puts(&q->body, "{}")) ? q : NULL;
}

void etcd_req_drop(struct ereq *q)
{
	req_free(q);
}

bool etcd_prefix_end(const char *prefix, char *buf, size_t size)
{
	size_t n = strlen(prefix);

	if (n + 1 > size)
		return false;
	memcpy(buf, prefix, n + 1);
	/* The last byte that can grow grows; the ones after it go. */
	while (n > 0) {
		unsigned char c = (unsigned char)buf[n - 1];

		if (c < 0xff) {
			buf[n - 1] = (char)(c + 1);
			buf[n] = '\0';
			return true;
		}
		n--;
	}
	return false;
}

/* ---- the client ------------------------------------------------------------------ */

static const struct etcd_tuning tuning_default = {
	.timeout_ms = ETCD_TIMEOUT_MS,
	.page = ETCD_PAGE,
	.max_reply = ETCD_MAX_REPLY,
	.watch_check_ms = ETCD_WATCH_CHECK_MS,
};

void etcd_tune(struct etcd *e, const struct etcd_tuning *t)
{
	if (t->timeout_ms != 0)
		e->tune.timeout_ms = t->timeout_ms;
	if (t->page != 0)
		e->tune.page = t->page;
	if (t->max_reply != 0)
		e->tune.max_reply = t->max_reply;
	if (t->watch_check_ms != 0)
		e->tune.watch_check_ms = t->watch_check_ms;
}

static bool dup_opt(char **out, const char *s)
{
	*out = NULL;
	return s == NULL || (*out = strdup(s)) != NULL;
}

/* Copy the endpoints, without a trailing '/'; false if one is not
 * http:// or https:// or out of memory. */
static bool eps_copy(struct etcd *e, const char *const *urls, size_t n)
{
	if ((e->eps = calloc(n, sizeof(*e->eps))) == NULL)
		return false;
	e->neps = n;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(urls[i]);

		if (strncmp(urls[i], "http://", 7) != 0 &&
		    strncmp(urls[i], "https://", 8) != 0)
			return false;
		while (len > 0 && urls[i][len - 1] == '/')
			len--;
		if ((e->eps[i].url = strndup(urls[i], len)) == NULL)
			return false;
	}
	return true;
}

struct etcd *etcd_new(struct ev_loop *loop, const char *const *endpoints,
    size_t n, const struct etcd_tls *tls)
{
	static const char *const headers[] = {
		"Content-Type: application/json",
		/* No "Expect: 100-continue" (a second's wait) for large
		 * bodies. */
		"Expect:",
		/* gRPC metadata "hasleader": fail at once without one. */
		"Grpc-Metadata-Hasleader: true",
	};
	struct etcd *e;

	if (n == 0 || (e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->loop = loop;
	e->tune = tuning_default;
	if (!eps_copy(e, endpoints, n) ||
	    !dup_opt(&e->tls_ca, tls != NULL ? tls->ca : NULL) ||
	    !dup_opt(&e->tls_cert, tls != NULL ? tls->cert : NULL) ||
	    !dup_opt(&e->tls_key, tls != NULL ? tls->key : NULL))
		goto fail;
	for (size_t i = 0; i < NELEM(headers); i++) {
		struct curl_slist *l = curl_slist_append(e->hdrs, headers[i]);

		if (l == NULL)
			goto fail;
		e->hdrs = l;
	}
	if ((e->cv = curlev_new(loop)) == NULL)
		goto fail;
	return e;
fail:
	etcd_free(e);
	return NULL;
}

void etcd_free(struct etcd *e)
{
	if (e == NULL)
		return;
	etcd_watch_free_all(e);
	while (e->reqs != NULL)
		req_free(e->reqs);
	curlev_free(e->cv);
	curl_slist_free_all(e->hdrs);
	for (size_t i = 0; i < e->neps; i++)
		free(e->eps[i].url);
	free(e->eps);
	free(e->tls_ca);
	free(e->tls_cert);
	free(e->tls_key);
	free(e);
}
