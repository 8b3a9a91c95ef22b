/*
 * check_etcd.c - unit tests for bgpd/fleet/etcd*.c, the etcd client,
 * against fake etcd endpoints made here: HTTP servers on 127.0.0.1 (ports
 * from bind(port 0)) on the test's own loop, each answering the requests
 * it gets with a script of canned replies (status, body, or: hang, close
 * at once, stream chunks the test pushes later) and keeping what it was
 * asked.  Covered: the JSON of every request kind and of its reply,
 * errors mapped to kinds, fail-over to the second endpoint (refused,
 * 503, no leader, timeout, garbage), no second try of a write that may
 * have been applied, paging at one revision, bounded replies, garbage of
 * every shape (never a crash), callbacks never from inside the call, the
 * watch (events, resume from the next revision elsewhere, compaction,
 * no leader, the idle check), and freeing with everything in flight.
 *
 * Each run of the loop has a deadline, and each test a Check timeout, so
 * nothing can hang.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ev.h>

#include "bgpd/fleet/etcd.h"
#include "util/base64.h"
#include "util/buf.h"
#include "tests/unit/loop_fixture.h"
#include "tests/unit/unit.h"

static struct ev_loop *loop;

/* ---- fake endpoints ------------------------------------------------------ */

enum rmode {
	R_REPLY,	/* status and body, then close */
	R_HANG,		/* read the request, never answer */
	R_CLOSE,	/* close without a word */
	R_STREAM,	/* 200, chunked: body as the first chunk, then the
			 * test's fsrv_push() */
	R_BIG,		/* 200 and size bytes of a JSON string */
};

struct reply {
	enum rmode mode;
	const char *status;	/* "200 OK" when NULL */
	const char *body;
	size_t size;		/* R_BIG */
};

#define MAX_SCRIPT	16
#define REQ_MAX		65536

struct fconn {
	struct fsrv *s;
	int fd;
	ev_io rio, wio;
	char req[REQ_MAX];
	size_t len;
	struct buf out;
	bool close_after;	/* when out is sent */
	struct fconn *next;
};

struct fsrv {
	int fd;
	uint16_t port;
	char url[64];
	ev_io io;
	struct reply script[MAX_SCRIPT];
	size_t nscript, next;
	size_t nreq;
	char path[64];		/* of the last request */
	char body[REQ_MAX];	/* ...and its body */
	bool hasleader;		/* ...had the gRPC metadata */
	struct fconn *conns;
	struct fconn *stream;	/* the open R_STREAM */
};

static void fconn_close(struct fconn *c)
{
	struct fconn **pp;

	ev_io_stop(loop, &c->rio);
	ev_io_stop(loop, &c->wio);
	close(c->fd);
	buf_free(&c->out);
	if (c->s->stream == c)
		c->s->stream = NULL;
	for (pp = &c->s->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	free(c);
}

static void fconn_write_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct fconn *c = w->data;
	ssize_t r = send(c->fd, buf_data(&c->out), buf_used(&c->out),
	    MSG_NOSIGNAL);

	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		fconn_close(c);
		return;
	}
	buf_consume(&c->out, (size_t)r);
	if (buf_used(&c->out) > 0)
		return;
	ev_io_stop(loop, &c->wio);
	if (c->close_after)
		fconn_close(c);
}

static void fconn_send(struct fconn *c, const char *data, size_t n)
{
	ck_assert(buf_append(&c->out, data, n));
	ev_io_start(loop, &c->wio);
}

static void fconn_answer(struct fconn *c, const struct reply *rp)
{
	struct buf b = BUF_INIT;
	const char *status = rp->status != NULL ? rp->status : "200 OK";

	switch (rp->mode) {
	case R_HANG:
		return;
	case R_CLOSE:
		fconn_close(c);
		return;
	case R_STREAM:
		buf_printf(&b, "HTTP/1.1 %s\r\nContent-Type: application/json"
		    "\r\nTransfer-Encoding: chunked\r\n\r\n", status);
		if (rp->body != NULL)
			buf_printf(&b, "%zx\r\n%s\r\n", strlen(rp->body),
			    rp->body);
		c->s->stream = c;
		break;
	case R_BIG:
		buf_printf(&b, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n\"", rp->size + 2);
		for (size_t i = 0; i < rp->size; i++)
			buf_putc(&b, 'a');
		buf_putc(&b, '"');
		c->close_after = true;
		break;
	case R_REPLY:
		buf_printf(&b, "HTTP/1.1 %s\r\nContent-Type: application/json"
		    "\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
		    status, strlen(rp->body), rp->body);
		c->close_after = true;
		break;
	}
	fconn_send(c, buf_data(&b), buf_used(&b));
	buf_free(&b);
}

/* A whole request (headers and Content-Length bytes)? Then answer it. */
static void fconn_request(struct fconn *c)
{
	struct fsrv *s = c->s;
	char *end = strstr(c->req, "\r\n\r\n"), *cl;
	size_t hlen, blen = 0;
	static const struct reply none = { R_REPLY, "500 Internal Server "
	    "Error", "{\"error\":\"script exhausted\",\"code\":2}", 0 };

	if (end == NULL)
		return;
	hlen = (size_t)(end - c->req) + 4;
	if ((cl = strcasestr(c->req, "\r\nContent-Length:")) != NULL &&
	    cl < end)
		blen = strtoul(cl + 17, NULL, 10);
	if (c->len < hlen + blen)
		return;
	ev_io_stop(loop, &c->rio);
	s->nreq++;
	ck_assert_int_eq(sscanf(c->req, "POST %63s HTTP/1.1", s->path), 1);
	snprintf(s->body, sizeof(s->body), "%.*s", (int)blen, c->req + hlen);
	s->hasleader = strcasestr(c->req,
	    "\r\nGrpc-Metadata-Hasleader: true\r\n") != NULL;
	fconn_answer(c, s->next < s->nscript ? &s->script[s->next++] : &none);
}

static void fconn_read_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct fconn *c = w->data;
	ssize_t r = recv(c->fd, c->req + c->len, sizeof(c->req) - 1 - c->len,
	    0);

	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		fconn_close(c);
		return;
	}
	c->len += (size_t)r;
	c->req[c->len] = '\0';
	fconn_request(c);
}

static void fsrv_accept_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct fsrv *s = w->data;
	int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct fconn *c;

	if (fd == -1)
		return;
	c = calloc(1, sizeof(*c));
	ck_assert_ptr_nonnull(c);
	c->s = s;
	c->fd = fd;
	c->next = s->conns;
	s->conns = c;
	ev_io_init(&c->rio, fconn_read_cb, fd, EV_READ);
	ev_io_init(&c->wio, fconn_write_cb, fd, EV_WRITE);
	c->rio.data = c->wio.data = c;
	ev_io_start(loop, &c->rio);
}

/* A fake endpoint; listening unless refusing (then bound only). */
static void fsrv_start(struct fsrv *s, bool listening)
{
	memset(s, 0, sizeof(*s));
	s->fd = unit_loopback_socket(listening ? 16 : -1, &s->port);
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u", s->port);
	if (!listening)
		return;
	ev_io_init(&s->io, fsrv_accept_cb, s->fd, EV_READ);
	s->io.data = s;
	ev_io_start(loop, &s->io);
}

static void fsrv_stop(struct fsrv *s)
{
	while (s->conns != NULL)
		fconn_close(s->conns);
	ev_io_stop(loop, &s->io);
	close(s->fd);
}

static void fsrv_add(struct fsrv *s, enum rmode mode, const char *status,
    const char *body)
{
	ck_assert_uint_lt(s->nscript, MAX_SCRIPT);
	s->script[s->nscript++] = (struct reply){ mode, status, body, 0 };
}

static void fsrv_ok(struct fsrv *s, const char *body)
{
	fsrv_add(s, R_REPLY, NULL, body);
}

/* A chunk of the open stream (a watch message). */
static void fsrv_push(struct fsrv *s, const char *msg)
{
	char head[32];
	int n;

	ck_assert_ptr_nonnull(s->stream);
	n = snprintf(head, sizeof(head), "%zx\r\n", strlen(msg) + 1);
	fconn_send(s->stream, head, (size_t)n);
	fconn_send(s->stream, msg, strlen(msg));
	fconn_send(s->stream, "\n\r\n", 3);
}

/* ---- the client and its replies --------------------------------------------- */

#define MAX_REPLIES	8

struct got {
	enum etcd_err err;
	char msg[512];
	char endpoint[64];
	bool maybe_applied;
	int64_t rev, deleted, lease_id, ttl;
	bool more, succeeded;
	size_t nkvs, nops;
	struct etcd_kv kv0;		/* strings not kept */
	char key0[64], val0[64];
	size_t op_nkvs[4];
	uint64_t member, leader, term;
};

static struct got got[MAX_REPLIES];
static size_t ngot, want;
static bool in_call;		/* a request call is running */
static bool cb_in_call;		/* a callback came from inside one */
static struct etcd *cur;

static void on_reply(void *arg, const struct etcd_reply *r)
{
	struct got *g = &got[ngot];

	ck_assert_uint_lt(ngot, MAX_REPLIES);
	cb_in_call |= in_call;
	memset(g, 0, sizeof(*g));
	g->err = r->err;
	snprintf(g->msg, sizeof(g->msg), "%s", r->msg);
	snprintf(g->endpoint, sizeof(g->endpoint), "%s", r->endpoint);
	g->maybe_applied = r->maybe_applied;
	g->rev = r->rev;
	g->deleted = r->deleted;
	g->lease_id = r->lease_id;
	g->ttl = r->ttl;
	g->more = r->more;
	g->succeeded = r->succeeded;
	g->nkvs = r->nkvs;
	g->nops = r->nops;
	g->member = r->member_id;
	g->leader = r->leader;
	g->term = r->raft_term;
	if (r->nkvs > 0) {
		g->kv0 = r->kvs[0];
		ck_assert_uint_eq(strlen(r->kvs[0].key), r->kvs[0].key_len);
		snprintf(g->key0, sizeof(g->key0), "%s", r->kvs[0].key);
		snprintf(g->val0, sizeof(g->val0), "%s", r->kvs[0].value);
	}
	for (size_t i = 0; i < r->nops && i < NELEM(g->op_nkvs); i++)
		g->op_nkvs[i] = r->ops[i].nkvs;
	if (++ngot >= want)
		ev_break(loop, EVBREAK_ONE);
}

/* Run the loop until n replies in all or secs have passed; did they? */
static bool run_until(size_t n, double secs)
{
	return unit_run_until(loop, &ngot, &want, n, secs);
}

static void run_for(double secs)
{
	(void)run_until(SIZE_MAX, secs);
}

/* A client of s1 (and s2, when not NULL), timeout tmo ms. */
static struct etcd *client(struct fsrv *s1, struct fsrv *s2, unsigned tmo)
{
	const char *eps[2] = { s1->url, s2 != NULL ? s2->url : NULL };
	struct etcd_tuning t = { .timeout_ms = tmo };
	struct etcd *e = etcd_new(loop, eps, s2 != NULL ? 2 : 1, NULL);

	ck_assert_ptr_nonnull(e);
	etcd_tune(e, &t);
	cur = e;
	return e;
}

/* The one reply to the request that call made. */
#define ONE_REPLY(call) do {						\
	in_call = true;							\
	ck_assert(call);						\
	in_call = false;						\
	ck_assert_msg(run_until(ngot + 1, 5.0), "no reply");		\
} while (0)

static void setup(void)
{
	loop = ev_loop_new(0);
	ck_assert_ptr_nonnull(loop);
	signal(SIGPIPE, SIG_IGN);
	ngot = 0;
	want = SIZE_MAX;
	in_call = cb_in_call = false;
}

static void teardown(void)
{
	ck_assert_msg(!cb_in_call, "a callback came from inside the call");
	ev_loop_destroy(loop);
}

#define HDR "\"header\":{\"cluster_id\":\"1\",\"member_id\":" \
	"\"13195394291058371180\",\"revision\":\"42\",\"raft_term\":\"7\"}"

/* ---- requests and replies ------------------------------------------------------ */

START_TEST(range_reply)
{
	struct fsrv s;
	struct etcd *e;

	fsrv_start(&s, true);
	/* "/k" and "v\0x" (a value with a 0 byte). */
	fsrv_ok(&s, "{" HDR ",\"kvs\":[{\"key\":\"L2s=\",\"create_revision\":"
	    "\"3\",\"mod_revision\":\"5\",\"version\":\"2\",\"value\":\"dgB4\","
	    "\"lease\":\"99\"}],\"count\":\"1\"}");
	e = client(&s, NULL, 1000);
	ONE_REPLY(etcd_range(e, "/k", NULL, 0, on_reply, NULL));
	ck_assert_int_eq(got[0].err, ETCD_OK);
	ck_assert_str_eq(got[0].msg, "");
	ck_assert_str_eq(got[0].endpoint, s.url);
	ck_assert_int_eq(got[0].rev, 42);
	ck_assert_uint_eq(got[0].member, 13195394291058371180u);
	ck_assert_uint_eq(got[0].term, 7);
	ck_assert_uint_eq(got[0].nkvs, 1);
	ck_assert_str_eq(got[0].key0, "/k");
	ck_assert_uint_eq(got[0].kv0.value_len, 3);
	ck_assert_int_eq(got[0].kv0.create_rev, 3);
	ck_assert_int_eq(got[0].kv0.mod_rev, 5);
	ck_assert_int_eq(got[0].kv0.version, 2);
	ck_assert_int_eq(got[0].kv0.lease, 99);
	ck_assert(!got[0].more);
	ck_assert_str_eq(s.path, "/v3/kv/range");
	ck_assert_str_eq(s.body, "{\"key\":\"L2s=\"}");
	ck_assert(s.hasleader);
	etcd_free(e);
	fsrv_stop(&s);
}
END_TEST

/* Pages: the second asks from after the last key, at the first's
 * revision, and every page says that revision. */
START_TEST(range_pages)
{
	struct fsrv s;
	struct etcd *e;
	struct etcd_tuning t = { .page = 2 };
	char end[8];

	fsrv_start(&s, true);
	fsrv_ok(&s, "{" HDR ",\"kvs\":[{\"key\":\"L2E=\",\"value\":\"MQ==\"},"
	    "{\"key\":\"L2I=\",\"value\":\"Mg==\"}],\"more\":true,"
	    "\"count\":\"3\"}");
	fsrv_ok(&s, "{\"header\":{\"revision\":\"50\"},\"kvs\":[{\"key\":"
	    "\"L2M=\",\"value\":\"Mw==\"}],\"count\":\"1\"}");
	e = client(&s, NULL, 1000);
	etcd_tune(e, &t);
	ck_assert(etcd_prefix_end("/", end, sizeof(end)));
	ck_assert_str_eq(end, "0");
	ck_assert(etcd_range(e, "/", end, 0, on_reply, NULL));
	ck_assert(run_until(2, 5.0));
	ck_assert_uint_eq(got[0].nkvs, 2);
	ck_assert(got[0].more);
	ck_assert_str_eq(got[0].key0, "/a");
	ck_assert_uint_eq(got[1].nkvs, 1);
	ck_assert(!got[1].more);
	ck_assert_str_eq(got[1].val0, "3");
	ck_assert_int_eq(got[0].rev, 42);
	ck_assert_int_eq(got[1].rev, 42);
	/* "/b" and a 0 byte is "L2IA". */
	ck_assert_str_eq(s.body, "{\"key\":\"L2IA\",\"range_end\":\"MA==\","
	    "\"revision\":\"42\",\"limit\":\"2\"}");
	run_for(0.05);
	ck_assert_uint_eq(ngot, 2);
	etcd_free(e);
	fsrv_stop(&s);
}
END_TEST

START_TEST(txn_request)
{
	struct fsrv s;
	struct etcd *e;
	struct etcd_cmp cmp[] = {
		{ .key = "/a", .target = ETCD_CMP_CREATE,
		  .result = ETCD_CMP_EQ, .num = 0 },
		{ .key = "/b", .target = ETCD_CMP_MOD, .result = ETCD_CMP_LT,
		  .num = 7 },
		{ .key = "/c", .target = ETCD_CMP_VALUE,
		  .result = ETCD_CMP_NE, .value = "x", .value_len = 1 },
	};
	struct etcd_op succ[] = {
		{ .kind = ETCD_OP_PUT, .key = "/a", .value = "v",
		  .value_len = 1, .lease = 5 },
		{ .kind = ETCD_OP_DELETE, .key = "/b", .end = "/c" },
	};
	struct etcd_op fail[] = {
		{ .kind = ETCD_OP_RANGE, .key = "/a" },
	};

	fsrv_start(&s, true);
	fsrv_ok(&s, "{" HDR ",\"succeeded\":true,\"responses\":[{"
	    "\"response_put\":{\"header\":{\"revision\":\"42\"}}},"
	    "{\"response_delete_range\":{\"header\":{},\"deleted\":\"2\"}}]}");
	fsrv_ok(&s, "{" HDR ",\"responses\":[{\"response_range\":{\"header\":"
	    "{},\"kvs\":[{\"key\":\"L2E=\",\"value\":\"dg==\"}],\"count\":"
	    "\"1\"}}]}");
	e = client(&s, NULL, 1000);
	ONE_REPLY(etcd_txn(e, cmp, NELEM(cmp), succ, NELEM(succ), fail,
	    NELEM(fail), on_reply, NULL));
	ck_assert_str_eq(s.path, "/v3/kv/txn");
	ck_assert_str_eq(s.body, "{\"compare\":["
	    "{\"key\":\"L2E=\",\"target\":\"CREATE\",\"result\":\"EQUAL\","
	    "\"create_revision\":\"0\"},"
	    "{\"key\":\"L2I=\",\"target\":\"MOD\",\"result\":\"LESS\","
	    "\"mod_revision\":\"7\"},"
	    "{\"key\":\"L2M=\",\"target\":\"VALUE\",\"result\":\"NOT_EQUAL\","
	    "\"value\":\"eA==\"}],"
	    "\"success\":[{\"request_put\":{\"key\":\"L2E=\",\"value\":\"dg==\","
	    "\"lease\":\"5\"}},{\"request_delete_range\":{\"key\":\"L2I=\","
	    "\"range_end\":\"L2M=\"}}],"
	    "\"failure\":[{\"request_range\":{\"key\":\"L2E=\"}}]}");
	ck_assert_int_eq(got[0].err, ETCD_OK);
	ck_assert(got[0].succeeded);
	ck_assert_uint_eq(got[0].nops, 2);
	/* A failed txn: "succeeded" left out, the failure branch's range. */
	ONE_REPLY(etcd_txn(e, cmp, 1, succ, 1, fail, 1, on_reply, NULL));
	ck_assert(!got[1].succeeded);
	ck_assert_uint_eq(got[1].nops, 1);
	ck_assert_uint_eq(got[1].op_nkvs[0], 1);
	etcd_free(e);
	fsrv_stop(&s);
}
END_TEST

START_TEST(small_requests)
{
	struct fsrv s;
	struct etcd *e;

	fsrv_start(&s, true);
	fsrv_ok(&s, "{" HDR "}");
	fsrv_ok(&s, "{" HDR ",\"deleted\":\"3\"}");
	fsrv_ok(&s, "{" HDR ",\"ID\":\"7668682744079979018\",\"TTL\":\"10\"}");
	fsrv_ok(&s, "{\"result\":{" HDR ",\"ID\":\"77\",\"TTL\":\"9\"}}");
	fsrv_ok(&s, "{\"result\":{" HDR ",\"ID\":\"77\"}}");
	fsrv_ok(&s, "{" HDR "}");
	fsrv_ok(&s, "{" HDR ",\"version\":\"3.4.23\",\"leader\":"
	    "\"14720582674225926189\",\"raftTerm\":\"77\"}");
	e = client(&s, NULL, 1000);
	ONE_REPLY(etcd_put(e, "/k", "v", 1, 0, on_reply, NULL));
	ck_assert_str_eq(s.path, "/v3/kv/put");
	ck_assert_str_eq(s.body, "{\"key\":\"L2s=\",\"value\":\"dg==\"}");
	ONE_REPLY(etcd_delete(e, "/k", "/l", on_reply, NULL));
	ck_assert_str_eq(s.path, "/v3/kv/deleterange");
	ck_assert_int_eq(got[1].deleted, 3);
	ONE_REPLY(etcd_lease_grant(e, 10, on_reply, NULL));
	ck_assert_str_eq(s.body, "{\"TTL\":\"10\"}");
	ck_assert_int_eq(got[2].lease_id, 7668682744079979018);
	ck_assert_int_eq(got[2].ttl, 10);
	ONE_REPLY(etcd_lease_keepalive(e, 77, on_reply, NULL));
	ck_assert_str_eq(s.path, "/v3/lease/keepalive");
	ck_assert_str_eq(s.body, "{\"ID\":\"77\"}");
	ck_assert_int_eq(got[3].err, ETCD_OK);
	ck_assert_int_eq(got[3].ttl, 9);
	/* No TTL: the lease is gone. */
	ONE_REPLY(etcd_lease_keepalive(e, 77, on_reply, NULL));
	ck_assert_int_eq(got[4].err, ETCD_E_LEASE_GONE);
	ONE_REPLY(etcd_lease_revoke(e, 77, on_reply, NULL));
	ck_assert_str_eq(s.path, "/v3/lease/revoke");
	ONE_REPLY(etcd_status(e, on_reply, NULL));
	ck_assert_str_eq(s.path, "/v3/maintenance/status");
	ck_assert_int_eq(got[6].err, ETCD_OK);
	ck_assert_uint_eq(got[6].leader, 14720582674225926189u);
	ck_assert_uint_eq(got[6].term, 77);
	etcd_free(e);
	fsrv_stop(&s);
}
END_TEST

/* ---- errors ------------------------------------------------------------------- */

static const struct {
	const char *status, *body;
	enum etcd_err err;
	const char *msg;
	size_t tries;		/* requests the first endpoint got */
} errors[] = {
	{ "400 Bad Request", "{\"error\":\"etcdserver: mvcc: required "
	  "revision has been compacted\",\"message\":\"etcdserver: mvcc: "
	  "required revision has been compacted\",\"code\":11}",
	  ETCD_E_COMPACTED, "etcdserver: mvcc: required revision has been "
	  "compacted", 1 },
	{ "404 Not Found", "{\"error\":\"etcdserver: requested lease not "
	  "found\",\"message\":\"etcdserver: requested lease not found\","
	  "\"code\":5}", ETCD_E_LEASE_GONE,
	  "etcdserver: requested lease not found", 1 },
	{ "400 Bad Request", "{\"error\":\"etcdserver: too many operations "
	  "in txn request\",\"message\":\"etcdserver: too many operations "
	  "in txn request\",\"code\":3}", ETCD_E_FAILED,
	  "etcdserver: too many operations in txn request", 1 },
	{ "503 Service Unavailable", "{\"error\":\"etcdserver: no leader\","
	  "\"message\":\"etcdserver: no leader\",\"code\":14}",
	  ETCD_E_NO_LEADER, "URL: etcdserver: no leader", 1 },
	/* The streaming form (keepalive, watch). */
	{ "503 Service Unavailable", "{\"error\":{\"grpc_code\":14,"
	  "\"http_code\":503,\"message\":\"etcdserver: no leader\","
	  "\"http_status\":\"Service Unavailable\"}}", ETCD_E_NO_LEADER,
	  "URL: etcdserver: no leader", 1 },
	{ "503 Service Unavailable", "{\"error\":\"etcdserver: request timed "
	  "out\",\"message\":\"etcdserver: request timed out\",\"code\":14}",
	  ETCD_E_UNAVAILABLE, "URL: etcdserver: request timed out", 1 },
	{ "500 Internal Server Error", "{\"error\":\"context deadline "
	  "exceeded\",\"code\":2}", ETCD_E_UNAVAILABLE,
	  "URL: context deadline exceeded", 1 },
	{ "404 Not Found", "Not Found", ETCD_E_UNAVAILABLE, "URL: http 404 "
	  "and no reply of etcd's JSON gateway (an etcd 3.4 or later client "
	  "URL?)", 1 },
};

/* One endpoint: the error's kind and words. */
START_TEST(error_kinds)
{
	struct fsrv s;
	struct etcd *e;
	char want_msg[512];
	const char *p = strstr(errors[_i].msg, "URL");

	fsrv_start(&s, true);
	fsrv_add(&s, R_REPLY, errors[_i].status, errors[_i].body);
	e = client(&s, NULL, 1000);
	ONE_REPLY(etcd_put(e, "/k", "v", 1, 0, on_reply, NULL));
	if (p != NULL)
		snprintf(want_msg, sizeof(want_msg), "%s%s", s.url, p + 3);
	else
		snprintf(want_msg, sizeof(want_msg), "%s", errors[_i].msg);
	ck_assert_str_eq(etcd_err_name(got[0].err),
	    etcd_err_name(errors[_i].err));
	ck_assert_str_eq(got[0].msg, want_msg);
	ck_assert_uint_eq(s.nreq, errors[_i].tries);
	etcd_free(e);
	fsrv_stop(&s);
}
END_TEST

/* The first endpoint fails in each way: the second answers; it is
 * current from then on. */
static const struct reply first_fails[] = {
	{ R_REPLY, "503 Service Unavailable", "{\"error\":\"etcdserver: no "
	  "leader\",\"code\":14}", 0 },
	{ R_REPLY, "502 Bad Gateway", "<html>proxy</html>", 0 },
	{ R_REPLY, "200 OK", "{\"header\":{\"revision\":\"x\"}}", 0 },
	{ R_REPLY, "200 OK", "{" HDR "} {" HDR "}", 0 },
	{ R_REPLY, "200 OK", "{" HDR, 0 },
	{ R_REPLY, "200 OK", "", 0 },
	{ R_REPLY, "200 OK", "[1,2]", 0 },
	{ R_CLOSE, NULL, NULL, 0 },
	{ R_HANG, NULL, NULL, 0 },
};

START_TEST(failover)
{
	struct fsrv s1, s2;
	struct etcd *e;
	struct etcd_endpoint_info info;

	fsrv_start(&s1, true);
	fsrv_start(&s2, true);
	s1.script[s1.nscript++] = first_fails[_i];
	fsrv_ok(&s2, "{" HDR "}");
	fsrv_ok(&s2, "{" HDR "}");
	e = client(&s1, &s2, 300);
	ONE_REPLY(etcd_put(e, "/k", "v", 1, 0, on_reply, NULL));
	ck_assert_msg(got[0].err == ETCD_OK, "%s", got[0].msg);
	ck_assert_str_eq(got[0].endpoint, s2.url);
	ck_assert_uint_eq(s1.nreq, 1);
	ck_assert_uint_eq(s2.nreq, 1);
	ck_assert_uint_eq(etcd_nendpoints(e), 2);
	etcd_endpoint(e, 0, &info);
	ck_assert_str_eq(info.url, s1.url);
	ck_assert(!info.current);
	ck_assert_uint_eq(info.fails, 1);
	ck_assert(info.last_err[0] != '\0');
	ck_assert(info.last_ok == 0 && info.last_err_at > 0);
	etcd_endpoint(e, 1, &info);
	ck_assert(info.current);
	ck_assert_uint_eq(info.fails, 0);
	ck_assert(info.last_ok > 0);
	/* The next request starts at the second. */
	ONE_REPLY(etcd_put(e, "/k", "v", 1, 0, on_reply, NULL));
	ck_assert_uint_eq(s1.nreq, 1);
	ck_assert_uint_eq(s2.nreq, 2);
	etcd_free(e);
	fsrv_stop(&s1);
	fsrv_stop(&s2);
}
END_TEST

START_TEST(status_no_leader)
{
	struct fsrv s1, s2;
	struct etcd *e;

	fsrv_start(&s1, false);
	fsrv_start(&s2, true);
	fsrv_ok(&s2, "{" HDR "}");
	e = client(&s1, &s2, 1000);
	ONE_REPLY(etcd_status(e, on_reply, NULL));
	/* Status without a leader (the member answers for itself) goes on. */
	ck_assert_str_eq(etcd_err_name(got[0].err), "no-leader");
	ck_assert_msg(strstr(got[0].msg, "connection refused") != NULL &&
	    strstr(got[0].msg, "etcdserver: no leader") != NULL, "%s",
	    got[0].msg);
	etcd_free(e);
	fsrv_stop(&s1);
	fsrv_stop(&s2);
}
END_TEST

START_TEST(all_down)
{
	struct fsrv s1, s2;
	struct etcd *e;
	char want_msg[256];

	fsrv_start(&s1, false);
	fsrv_start(&s2, true);
	fsrv_add(&s2, R_HANG, NULL, NULL);
	e = client(&s1, &s2, 300);
	ONE_REPLY(etcd_range(e, "/k", NULL, 0, on_reply, NULL));
	ck_assert_int_eq(got[0].err, ETCD_E_UNAVAILABLE);
	snprintf(want_msg, sizeof(want_msg), "%s: connection refused; %s: "
	    "no answer within 0.3 s", s1.url, s2.url);
	ck_assert_str_eq(got[0].msg, want_msg);
	ck_assert(!got[0].maybe_applied);
	etcd_free(e);
	fsrv_stop(&s1);
	fsrv_stop(&s2);
}
END_TEST

/* A write in a txn that timed out is not sent again: it may have been
 * applied.  One that was refused before anything happened is. */
START_TEST(txn_not_resent)
{
	struct fsrv s1, s2;
	struct etcd *e;
	struct etcd_op put = { .kind = ETCD_OP_PUT, .key = "/k",
	    .value = "v", .value_len = 1 };

	fsrv_start(&s1, true);
	fsrv_start(&s2, true);
	fsrv_add(&s1, R_HANG, NULL, NULL);
	fsrv_ok(&s2, "{" HDR ",\"succeeded\":true}");
	e = client(&s1, &s2, 300);
	ONE_REPLY(etcd_txn(e, NULL, 0, &put, 1, NULL, 0, on_reply, NULL));
	ck_assert_int_eq(got[0].err, ETCD_E_UNAVAILABLE);
	ck_assert(got[0].maybe_applied);
	ck_assert_uint_eq(s2.nreq, 0);
	etcd_free(e);
	/* No leader: nothing was proposed, the second gets it. */
	fsrv_add(&s1, R_REPLY, "503 Service Unavailable", "{\"error\":"
	    "\"etcdserver: no leader\",\"code\":14}");
	e = client(&s1, &s2, 300);
	ONE_REPLY(etcd_txn(e, NULL, 0, &put, 1, NULL, 0, on_reply, NULL));
	ck_assert_uint_eq(s1.nreq, 2);
	ck_assert_uint_eq(s2.nreq, 1);
	ck_assert(!got[1].maybe_applied);
	ck_assert_msg(got[1].err == ETCD_OK, "%s", got[1].msg);
	ck_assert(got[1].succeeded);
	etcd_free(e);
	fsrv_stop(&s1);
	fsrv_stop(&s2);
}
END_TEST

START_TEST(too_big)
{
	struct fsrv s;
	struct etcd *e;
	struct etcd_tuning t = { .max_reply = 4096 };

	fsrv_start(&s, true);
	s.script[s.nscript++] = (struct reply){ R_BIG, NULL, NULL, 1 << 20 };
	e = client(&s, NULL, 2000);
	etcd_tune(e, &t);
	ONE_REPLY(etcd_range(e, "/k", NULL, 0, on_reply, NULL));
	ck_assert_int_eq(got[0].err, ETCD_E_FAILED);
	ck_assert_str_eq(got[0].msg, "a reply larger than 4096 bytes (values "
	    "too large for the page size)");
	etcd_free(e);
	fsrv_stop(&s);
}
END_TEST

/* Replies that parse as JSON but not as the reply: never a crash, an
 * endpoint failure. */
static const char *const garbage[] = {
	"{\"kvs\":\"x\"}",
	"{\"kvs\":[1]}",
	"{\"kvs\":[{\"key\":\"!!!\"}]}",
	"{\"kvs\":[{\"key\":\"L2s=\",\"mod_revision\":\"12x\"}]}",
	"{\"kvs\":[{\"key\":\"L2s=\",\"version\":{}}]}",
	"{\"kvs\":[{\"key\":\"L2s=\",\"value\":7}]}",
	"{\"more\":\"yes\"}",
	"{\"header\":[]}",
	"{\"header\":{\"revision\":\"99999999999999999999999\"}}",
	"{\"header\":{\"member_id\":\"-1\"}}",
	"{\"error\":5}",
	"{\"error\":{\"grpc_code\":\"x\"}}",
	"\"just a string\"",
	"null",
	"{\"kvs\":[{\"key\":\"L2s=\"}],\"more\":1}",
	"{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]"
	"]]]]]]]]]]]]]]]]]]]]}",
};

START_TEST(garbage_replies)
{
	struct fsrv s;
	struct etcd *e;

	fsrv_start(&s, true);
	fsrv_ok(&s, garbage[_i]);
	e = client(&s, NULL, 1000);
	ONE_REPLY(etcd_range(e, "/k", NULL, 0, on_reply, NULL));
	ck_assert_msg(got[0].err == ETCD_E_UNAVAILABLE ||
	    got[0].err == ETCD_E_FAILED, "%s: %s", garbage[_i], got[0].msg);
	etcd_free(e);
	fsrv_stop(&s);
}
END_TEST

/* Garbage in each field of a txn reply. */
START_TEST(garbage_txn)
{
	static const char *const bad[] = {
		"{\"succeeded\":\"true\"}",
		"{\"responses\":[{\"response_what\":{}}]}",
		"{\"responses\":[{\"response_range\":{\"kvs\":{}}}]}",
		"{\"responses\":[7]}",
		"{\"responses\":[{\"response_delete_range\":{\"deleted\":[]}}]}",
	};
	struct fsrv s;
	struct etcd *e;

	fsrv_start(&s, true);
	for (size_t i = 0; i < NELEM(bad); i++)
		fsrv_ok(&s, bad[i]);
	e = client(&s, NULL, 1000);
	for (size_t i = 0; i < NELEM(bad); i++) {
		ONE_REPLY(etcd_txn(e, NULL, 0, NULL, 0, NULL, 0, on_reply,
		    NULL));
		ck_assert_msg(got[i].err == ETCD_E_UNAVAILABLE, "%s: %s",
		    bad[i], got[i].msg);
		ck_assert_msg(strstr(got[i].msg, "makes no sense") != NULL,
		    "%s", got[i].msg);
	}
	etcd_free(e);
	fsrv_stop(&s);
}
END_TEST

/* What cannot be sent is refused at once, with no callback. */
START_TEST(bad_arguments)
{
	struct fsrv s;
	struct etcd *e;
	struct etcd_cmp cmp = { .key = "/k", .target = 99 };
	struct etcd_op op = { .kind = 99, .key = "/k" };
	const char *bad_url[] = { "ftp://x" };
	char end[4];

	fsrv_start(&s, true);
	e = client(&s, NULL, 1000);
	ck_assert(!etcd_txn(e, &cmp, 1, NULL, 0, NULL, 0, on_reply, NULL));
	ck_assert(!etcd_txn(e, NULL, 0, &op, 1, NULL, 0, on_reply, NULL));
	ck_assert_ptr_null(etcd_new(loop, bad_url, 1, NULL));
	ck_assert_ptr_null(etcd_new(loop, bad_url, 0, NULL));
	ck_assert(!etcd_prefix_end("\xff\xff", end, sizeof(end)));
	ck_assert(!etcd_prefix_end("abcd", end, sizeof(end)));
	ck_assert(etcd_prefix_end("a\xff", end, sizeof(end)));
	ck_assert_str_eq(end, "b");
	run_for(0.05);
	ck_assert_uint_eq(ngot, 0);
	ck_assert_uint_eq(s.nreq, 0);
	ck_assert_str_eq(etcd_err_name(ETCD_E_LEASE_GONE), "lease-gone");
	etcd_free(e);
	fsrv_stop(&s);
}
END_TEST

static size_t nw;
static void on_watch(void *arg, const struct etcd_watch_update *u);

/* Freed with a request and a watch in flight: no callback, no leak. */
START_TEST(free_in_flight)
{
	struct fsrv s;
	struct etcd *e;

	fsrv_start(&s, true);
	fsrv_add(&s, R_HANG, NULL, NULL);
	fsrv_add(&s, R_STREAM, NULL, "{\"result\":{" HDR ",\"created\":true}}");
	e = client(&s, NULL, 1000);
	ck_assert(etcd_put(e, "/k", "v", 1, 0, on_reply, NULL));
	ck_assert_ptr_nonnull(etcd_watch(e, "/", NULL, 0, on_watch, NULL));
	run_for(0.1);
	ck_assert_uint_eq(s.nreq, 2);
	nw = 0;
	etcd_free(e);
	run_for(0.05);
	ck_assert_uint_eq(ngot, 0);
	ck_assert_uint_eq(nw, 0);
	fsrv_stop(&s);
}
END_TEST

/* ---- watch ---------------------------------------------------------------------- */

#define MAX_UPDATES	16

struct wgot {
	enum etcd_watch_kind kind;
	enum etcd_err err;
	char msg[256];
	char endpoint[64];
	int64_t rev, next_rev, compact_rev;
	size_t nevents;
	struct {
		enum etcd_event_type type;
		char key[32], value[32];
		int64_t mod_rev, prev_mod;
	} ev[4];
};

static struct wgot wgot[MAX_UPDATES];
static size_t nw;
static struct etcd_watch *cancel_on;	/* cancel it on its next update */

static void on_watch(void *arg, const struct etcd_watch_update *u)
{
	struct wgot *g = &wgot[nw];

	ck_assert_uint_lt(nw, MAX_UPDATES);
	cb_in_call |= in_call;
	memset(g, 0, sizeof(*g));
	g->kind = u->kind;
	g->err = u->err;
	snprintf(g->msg, sizeof(g->msg), "%s", u->msg);
	snprintf(g->endpoint, sizeof(g->endpoint), "%s", u->endpoint);
	g->rev = u->rev;
	g->next_rev = u->next_rev;
	g->compact_rev = u->compact_rev;
	g->nevents = u->nevents;
	for (size_t i = 0; i < u->nevents && i < NELEM(g->ev); i++) {
		g->ev[i].type = u->events[i].type;
		snprintf(g->ev[i].key, sizeof(g->ev[i].key), "%s",
		    u->events[i].kv.key);
		snprintf(g->ev[i].value, sizeof(g->ev[i].value), "%s",
		    u->events[i].kv.value);
		g->ev[i].mod_rev = u->events[i].kv.mod_rev;
		g->ev[i].prev_mod = u->events[i].prev != NULL ?
		    u->events[i].prev->mod_rev : -1;
	}
	nw++;
	if (cancel_on != NULL) {
		etcd_watch_cancel(cancel_on);
		cancel_on = NULL;
	}
	ev_break(loop, EVBREAK_ONE);
}

/* Run until n updates in all (or secs). */
static bool wrun_until(size_t n, double secs)
{
	double end = ev_now(loop) + secs;

	while (nw < n && ev_now(loop) < end) {
		ev_timer t;

		ev_timer_init(&t, unit_deadline_cb, end - ev_now(loop), 0.);
		ev_timer_start(loop, &t);
		ev_run(loop, EVRUN_ONCE);
		ev_timer_stop(loop, &t);
		ev_now_update(loop);
	}
	return nw >= n;
}

#define CREATED(rev) "{\"result\":{\"header\":{\"revision\":\"" #rev "\"}," \
	"\"created\":true}}"

START_TEST(watch_events)
{
	struct fsrv s;
	struct etcd *e;
	struct etcd_watch *w;

	nw = 0;
	fsrv_start(&s, true);
	fsrv_add(&s, R_STREAM, NULL, CREATED(10));
	e = client(&s, NULL, 1000);
	in_call = true;
	w = etcd_watch(e, "/p/", "/p0", 0, on_watch, NULL);
	in_call = false;
	ck_assert_ptr_nonnull(w);
	ck_assert(wrun_until(1, 2.0));
	ck_assert_str_eq(s.path, "/v3/watch");
	ck_assert_str_eq(s.body, "{\"create_request\":{\"key\":\"L3Av\","
	    "\"range_end\":\"L3Aw\",\"prev_kv\":true,\"progress_notify\":"
	    "true}}");
	ck_assert_int_eq(wgot[0].kind, ETCD_WATCH_STARTED);
	ck_assert_int_eq(wgot[0].next_rev, 11);
	/* Two messages in one chunk: a put with its previous kv, a delete. */
	fsrv_push(&s, "{\"result\":{\"header\":{\"revision\":\"12\"},\"events\":["
	    "{\"kv\":{\"key\":\"L3AvYQ==\",\"create_revision\":\"5\","
	    "\"mod_revision\":\"11\",\"version\":\"2\",\"value\":\"MQ==\"},"
	    "\"prev_kv\":{\"key\":\"L3AvYQ==\",\"mod_revision\":\"5\"}}]}}\n"
	    "{\"result\":{\"header\":{\"revision\":\"12\"},\"events\":["
	    "{\"type\":\"DELETE\",\"kv\":{\"key\":\"L3AvYg==\","
	    "\"mod_revision\":\"12\"}}]}}");
	ck_assert(wrun_until(3, 2.0));
	ck_assert_int_eq(wgot[1].kind, ETCD_WATCH_EVENTS);
	ck_assert_uint_eq(wgot[1].nevents, 1);
	ck_assert_int_eq(wgot[1].ev[0].type, ETCD_EV_PUT);
	ck_assert_str_eq(wgot[1].ev[0].key, "/p/a");
	ck_assert_str_eq(wgot[1].ev[0].value, "1");
	ck_assert_int_eq(wgot[1].ev[0].prev_mod, 5);
	ck_assert_int_eq(wgot[1].next_rev, 12);
	ck_assert_int_eq(wgot[2].ev[0].type, ETCD_EV_DELETE);
	ck_assert_str_eq(wgot[2].ev[0].key, "/p/b");
	ck_assert_int_eq(wgot[2].ev[0].prev_mod, -1);
	ck_assert_int_eq(wgot[2].next_rev, 13);
	/* Progress: nothing missing up to 20. */
	fsrv_push(&s, "{\"result\":{\"header\":{\"revision\":\"20\"}}}");
	ck_assert(wrun_until(4, 2.0));
	ck_assert_int_eq(wgot[3].kind, ETCD_WATCH_PROGRESS);
	ck_assert_int_eq(wgot[3].next_rev, 21);
	/* Cancelled from inside its callback: nothing more. */
	cancel_on = w;
	fsrv_push(&s, "{\"result\":{\"header\":{\"revision\":\"21\"}}}"
	    "{\"result\":{\"header\":{\"revision\":\"22\"}}}");
	ck_assert(wrun_until(5, 2.0));
	run_for(0.1);
	ck_assert_uint_eq(nw, 5);
	etcd_free(e);
	fsrv_stop(&s);
}
END_TEST

/* The stream breaks: lost once, then the second endpoint from the next
 * revision, started with the outage; then compaction ends it. */
START_TEST(watch_resume)
{
	struct fsrv s1, s2;
	struct etcd *e;

	nw = 0;
	fsrv_start(&s1, true);
	fsrv_start(&s2, true);
	fsrv_add(&s1, R_STREAM, NULL, CREATED(10));
	fsrv_add(&s2, R_REPLY, "503 Service Unavailable", "{\"error\":"
	    "{\"grpc_code\":14,\"message\":\"etcdserver: no leader\"}}");
	fsrv_add(&s2, R_STREAM, NULL, CREATED(30));
	e = client(&s1, &s2, 1000);
	ck_assert_ptr_nonnull(etcd_watch(e, "/p/", "/p0", 5, on_watch, NULL));
	ck_assert(wrun_until(1, 2.0));
	ck_assert_int_eq(wgot[0].next_rev, 5);
	fsrv_push(&s1, "{\"result\":{\"header\":{\"revision\":\"10\"},"
	    "\"events\":[{\"kv\":{\"key\":\"L3AvYQ==\",\"mod_revision\":"
	    "\"7\"}}]}}");
	ck_assert(wrun_until(2, 2.0));
	ck_assert_int_eq(wgot[1].next_rev, 8);
	fsrv_stop(&s1);
	ck_assert(wrun_until(4, 3.0));
	ck_assert_int_eq(wgot[2].kind, ETCD_WATCH_LOST);
	ck_assert_int_eq(wgot[2].err, ETCD_E_UNAVAILABLE);
	ck_assert_int_eq(wgot[3].kind, ETCD_WATCH_STARTED);
	ck_assert_str_eq(wgot[3].endpoint, s2.url);
	ck_assert_int_eq(wgot[3].next_rev, 8);
	/* s2 said no leader once, then took it from revision 8. */
	ck_assert_uint_eq(s2.nreq, 2);
	ck_assert_str_eq(s2.body, "{\"create_request\":{\"key\":\"L3Av\","
	    "\"range_end\":\"L3Aw\",\"start_revision\":\"8\",\"prev_kv\":true,"
	    "\"progress_notify\":true}}");
	fsrv_push(&s2, "{\"result\":{\"header\":{\"revision\":\"30\"},"
	    "\"canceled\":true,\"compact_revision\":\"25\"}}");
	ck_assert(wrun_until(5, 2.0));
	ck_assert_int_eq(wgot[4].kind, ETCD_WATCH_ENDED);
	ck_assert_int_eq(wgot[4].err, ETCD_E_COMPACTED);
	ck_assert_int_eq(wgot[4].compact_rev, 25);
	etcd_free(e);
	fsrv_stop(&s2);
}
END_TEST

/* A silent stream's member is asked for its status: no leader makes the
 * watch lost; a stream that errs with no leader too. */
START_TEST(watch_check)
{
	struct fsrv s;
	struct etcd *e;
	struct etcd_tuning t = { .watch_check_ms = 100 };

	nw = 0;
	fsrv_start(&s, true);
	fsrv_add(&s, R_STREAM, NULL, CREATED(10));
	fsrv_ok(&s, "{" HDR ",\"leader\":\"5\"}");
	fsrv_ok(&s, "{" HDR ",\"errors\":[\"etcdserver: no leader\"]}");
	fsrv_add(&s, R_STREAM, NULL, CREATED(10));
	e = client(&s, NULL, 1000);
	etcd_tune(e, &t);
	ck_assert_ptr_nonnull(etcd_watch(e, "/p/", NULL, 0, on_watch, NULL));
	ck_assert(wrun_until(2, 3.0));
	ck_assert_int_eq(wgot[1].kind, ETCD_WATCH_LOST);
	ck_assert_int_eq(wgot[1].err, ETCD_E_NO_LEADER);
	ck_assert_msg(strstr(wgot[1].msg, "no leader") != NULL, "%s",
	    wgot[1].msg);
	ck_assert(wrun_until(3, 3.0));
	ck_assert_int_eq(wgot[2].kind, ETCD_WATCH_STARTED);
	ck_assert_uint_eq(s.nreq, 4);
	fsrv_push(&s, "{\"error\":{\"grpc_code\":14,\"message\":"
	    "\"etcdserver: no leader\"}}");
	ck_assert(wrun_until(4, 3.0));
	ck_assert_int_eq(wgot[3].kind, ETCD_WATCH_LOST);
	ck_assert_int_eq(wgot[3].err, ETCD_E_NO_LEADER);
	etcd_free(e);
	fsrv_stop(&s);
}
END_TEST

/* Garbage on the stream, no "created" in time, a bad event: lost, and
 * tried again; a cancel that is no compaction ends it. */
START_TEST(watch_garbage)
{
	struct fsrv s;
	struct etcd *e;

	nw = 0;
	fsrv_start(&s, true);
	fsrv_add(&s, R_STREAM, NULL, "}}garbage");
	fsrv_add(&s, R_HANG, NULL, NULL);
	fsrv_add(&s, R_STREAM, NULL, CREATED(10));
	fsrv_add(&s, R_STREAM, NULL, CREATED(10));
	e = client(&s, NULL, 300);
	ck_assert_ptr_nonnull(etcd_watch(e, "/p/", NULL, 0, on_watch, NULL));
	ck_assert(wrun_until(2, 5.0));
	ck_assert_int_eq(wgot[0].kind, ETCD_WATCH_LOST);
	ck_assert_msg(strstr(wgot[0].msg, "no watch stream") != NULL, "%s",
	    wgot[0].msg);
	ck_assert_int_eq(wgot[1].kind, ETCD_WATCH_STARTED);
	ck_assert_uint_eq(s.nreq, 3);
	fsrv_push(&s, "{\"result\":{\"events\":[{\"type\":\"BOGUS\","
	    "\"kv\":{}}]}}");
	ck_assert(wrun_until(4, 3.0));
	ck_assert_int_eq(wgot[2].kind, ETCD_WATCH_LOST);
	ck_assert_int_eq(wgot[3].kind, ETCD_WATCH_STARTED);
	fsrv_push(&s, "{\"result\":{\"canceled\":true,\"cancel_reason\":"
	    "\"mvcc: watcher range is empty\"}}");
	ck_assert(wrun_until(5, 3.0));
	ck_assert_int_eq(wgot[4].kind, ETCD_WATCH_ENDED);
	ck_assert_int_eq(wgot[4].err, ETCD_E_FAILED);
	ck_assert_str_eq(wgot[4].msg, "mvcc: watcher range is empty");
	etcd_free(e);
	fsrv_stop(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("etcd");
	TCase *tc = unit_tcase(s, "requests");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, range_reply);
	tcase_add_test(tc, range_pages);
	tcase_add_test(tc, txn_request);
	tcase_add_test(tc, small_requests);
	tcase_add_test(tc, bad_arguments);
	tcase_add_test(tc, free_in_flight);
	tc = unit_tcase(s, "errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, error_kinds, 0, NELEM(errors));
	tcase_add_loop_test(tc, failover, 0, NELEM(first_fails));
	tcase_add_test(tc, status_no_leader);
	tcase_add_test(tc, all_down);
	tcase_add_test(tc, txn_not_resent);
	tcase_add_test(tc, too_big);
	tcase_add_loop_test(tc, garbage_replies, 0, NELEM(garbage));
	tcase_add_test(tc, garbage_txn);
	tc = unit_tcase(s, "watch");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, watch_events);
	tcase_add_test(tc, watch_resume);
	tcase_add_test(tc, watch_check);
	tcase_add_test(tc, watch_garbage);
	return unit_run(s);
}
