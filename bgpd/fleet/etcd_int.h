/*
 * etcd_int.h - what the files of the etcd client share: the client and
 * its endpoints, the HTTP exchange of one request with fail-over
 * (etcd.c), the JSON bodies and reply parsers (etcd_json.c) and the
 * watch stream (etcd_watch.c).  Private to bgpd/fleet/etcd*.c; the rest
 * of the daemon sees only etcd.h.
 */
#ifndef LBBGP_ETCD_INT_H
#define LBBGP_ETCD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "bgpd/curlev/curlev.h"
#include "bgpd/fleet/etcd.h"
#include "util/buf.h"

#define ETCD_TIMEOUT_MS		2000
#define ETCD_PAGE		10000
/*
 * One reply may be this large.  A page of 10,000 keys of the fleet's
 * records (some 300 bytes of gateway JSON each: base64 key and value,
 * four revisions as strings) is 3 MB; 64 MiB leaves room for values of
 * up to 6 KB at that page size, and bounds what a broken or hostile
 * endpoint can make lbbgpd hold (json-c's tree of it is a few times
 * larger).
 */
#define ETCD_MAX_REPLY		((size_t)64 << 20)
#define ETCD_WATCH_CHECK_MS	2000
#define ETCD_ERR_LEN		256

struct etcd_ep {
	char *url;
	double last_ok, last_err_at;
	char last_err[ETCD_ERR_LEN];
	unsigned fails;
};

struct ereq;

struct etcd {
	struct ev_loop *loop;
	struct curlev *cv;
	struct etcd_ep *eps;
	size_t neps;
	size_t cur;			/* requests start here */
	char *tls_ca, *tls_cert, *tls_key;
	struct etcd_tuning tune;
	struct curl_slist *hdrs;	/* every request's headers */
	struct ereq *reqs;		/* in flight */
	struct etcd_watch *watches;
};

/* ---- reading JSON as it arrives (etcd_json.c) ----------------------------- */

/* Called with each complete JSON value of a reply; it owns o (put it). */
typedef void jread_fn(void *arg, json_object *o);

struct jreader {
	json_tokener *tok;
	size_t bytes;		/* of the value being read */
	size_t max;		/* ...at most */
	bool too_big;
	bool garbage;		/* not JSON: the rest is counted, not read */
	jread_fn *fn;
	void *arg;
};

bool jreader_init(struct jreader *jr, size_t max, jread_fn *fn, void *arg);
/* Feed bytes; false once too_big (stop the transfer). */
bool jreader_feed(struct jreader *jr, const char *data, size_t len);
/* The reply ended: true if nothing but whitespace is left unparsed. */
bool jreader_clean_end(const struct jreader *jr);
void jreader_free(struct jreader *jr);

/* ---- the memory of one parsed reply (etcd_json.c) --------------------- */

struct ej_mem {
	void *blocks;		/* each begins with the pointer to the next */
};

void *ej_alloc(struct ej_mem *m, size_t size);
void ej_free(struct ej_mem *m);

/* ---- request bodies (etcd_json.c) ---------------------------------------- */

/* key: key_len bytes (a page may start at a key ending in a 0 byte). */
bool ej_range_body(struct buf *b, const char *key, size_t key_len,
    const char *end, int64_t rev, int64_t limit);
bool ej_put_body(struct buf *b, const char *key, const void *value,
    size_t len, int64_t lease);
bool ej_delete_body(struct buf *b, const char *key, const char *end);
bool ej_txn_body(struct buf *b, const struct etcd_cmp *cmp, size_t ncmp,
    const struct etcd_op *succ, size_t nsucc, const struct etcd_op *fail,
    size_t nfail);
/* {"NAME":"n"} */
bool ej_int_body(struct buf *b, const char *name, int64_t n);
bool ej_watch_body(struct buf *b, const char *key, const char *end,
    int64_t start_rev);

/* ---- replies (etcd_json.c) ---------------------------------------------------- */

/* The kinds of request, each with its path and reply parser. */
enum ereq_kind {
	REQ_RANGE,
	REQ_TXN,
	REQ_PUT,
	REQ_DELETE,
	REQ_GRANT,
	REQ_KEEPALIVE,
	REQ_REVOKE,
	REQ_STATUS,
};
#define REQ_NKINDS	(REQ_STATUS + 1)

const char *ej_path(enum ereq_kind k);

/*
 * An error object of the gateway, in either of its forms:
 * {"error":"text","message":"text","code":14} (unary calls) or
 * {"error":{"grpc_code":14,"message":"text",...}} (streams): 1 and its
 * code and message; 0 if o has no "error"; -1 if it has one that is
 * neither.
 */
int ej_error(json_object *o, int *code, const char **msg);

/*
 * The reply o of a request of kind k into r (its arrays in m).  False
 * with why when it makes no sense.  A keepalive of an expired lease
 * sets r->err to ETCD_E_LEASE_GONE.
 */
bool ej_reply(enum ereq_kind k, json_object *o, struct etcd_reply *r,
    struct ej_mem *m, const char **why);

/* One watch message (the object inside "result") into u; false with
 * why when it makes no sense. */
bool ej_watch_result(json_object *res, struct etcd_watch_update *u,
    bool *created, bool *canceled, const char **cancel_reason,
    struct ej_mem *m, const char **why);

/* ---- etcd.c, for the watch -------------------------------------------- */

/* A new easy handle for POST path to endpoint ep with body (which must
 * outlive the transfer), all options set; NULL when curl refused one. */
CURL *etcd_easy(struct etcd *e, size_t ep, const char *path,
    const struct buf *body, char *errbuf, curl_write_callback wfn,
    void *warg);
/* Endpoint ep answered well, or failed with msg. */
void etcd_ep_ok(struct etcd *e, size_t ep);
void etcd_ep_fail(struct etcd *e, size_t ep, const char *msg);
/*
 * The words for a failed transfer: "connection refused", "timeout after
 * 2.0 s", ...  into buf; delivered says whether the request may have
 * reached the member.
 */
const char *etcd_xfer_error(struct etcd *e, CURL *easy, CURLcode rc,
    const char *errbuf, char *buf, size_t size, bool *delivered);
/* The kind of a gateway error (code, message): ETCD_E_NO_LEADER, ... and
 * whether another endpoint may do better. */
enum etcd_err etcd_map_error(long http, int code, const char *msg,
    bool *next);
/* A status of endpoint ep only (the watch's check), no fail-over; NULL
 * when it cannot be sent.  etcd_req_drop() ends it without a callback. */
struct ereq *etcd_status_at(struct etcd *e, size_t ep, etcd_cb *cb,
    void *arg);
void etcd_req_drop(struct ereq *q);

/* etcd_watch.c: every watch of e ends without a callback. */
void etcd_watch_free_all(struct etcd *e);

#endif
