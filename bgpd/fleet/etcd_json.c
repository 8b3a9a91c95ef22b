/*
 * etcd_json.c - the JSON of etcd's gateway: request bodies, replies read
 * as they arrive (json-c's tokener, one value at a time, bounded), and
 * the parsers that turn a reply into a struct etcd_reply.
 *
 * The gateway writes protobuf's JSON mapping: bytes (keys, values) are
 * base64, 64-bit integers are strings, fields at their zero value are
 * left out (a PUT event has no "type", a failed txn no "succeeded").  A
 * reply that does not fit that mapping is refused with a reason; nothing
 * here trusts a length or a type it has not checked.  Pure: no I/O.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/fleet/etcd_int.h"
#include "util/base64.h"

/* ---- reading -------------------------------------------------------------- */

bool jreader_init(struct jreader *jr, size_t max, jread_fn *fn, void *arg)
{
	memset(jr, 0, sizeof(*jr));
	jr->max = max;
	jr->fn = fn;
	jr->arg = arg;
	return (jr->tok = json_tokener_new()) != NULL;
}

void jreader_free(struct jreader *jr)
{
	if (jr->tok != NULL)
		json_tokener_free(jr->tok);
	jr->tok = NULL;
}

static size_t parse_end(json_tokener *tok)
{
#if JSON_C_VERSION_NUM >= ((0 << 16) | (15 << 8))
	return json_tokener_get_parse_end(tok);
#else
	return (size_t)tok->char_offset;
#endif
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

bool jreader_feed(struct jreader *jr, const char *data, size_t len)
{
	while (len > 0 && !jr->garbage && !jr->too_big) {
		/* json-c takes an int length; curl's chunks are small. */
		int n = len > INT_MAX ? INT_MAX : (int)len;
		json_object *o;
		size_t used;

		if (jr->bytes == 0) {
			while (len > 0 && is_blank(*data)) {
				data++;
				len--;
			}
			if (len == 0)
				break;
			n = len > INT_MAX ? INT_MAX : (int)len;
		}
		o = json_tokener_parse_ex(jr->tok, data, n);
		if (o == NULL) {
			if (json_tokener_get_error(jr->tok) !=
			    json_tokener_continue) {
				jr->garbage = true;
				break;
			}
			jr->bytes += (size_t)n;
			jr->too_big = jr->bytes > jr->max;
			data += n;
			len -= (size_t)n;
			continue;
		}
		used = parse_end(jr->tok);
		if (used > (size_t)n)
			used = (size_t)n;
		jr->bytes += used;
		json_tokener_reset(jr->tok);
		if (jr->bytes > jr->max) {
			json_object_put(o);
			jr->too_big = true;
			break;
		}
		jr->bytes = 0;
		data += used;
		len -= used;
		jr->fn(jr->arg, o);
	}
	return !jr->too_big;
}

bool jreader_clean_end(const struct jreader *jr)
{
	return !jr->garbage && !jr->too_big && jr->bytes == 0;
}

/* ---- memory ---------------------------------------------------------------- */

void *ej_alloc(struct ej_mem *m, size_t size)
{
	void **blk;

	if (size > SIZE_MAX - sizeof(void *) ||
	    (blk = malloc(sizeof(void *) + size)) == NULL)
		return NULL;
	blk[0] = m->blocks;
	m->blocks = blk;
	return blk + 1;
}

void ej_free(struct ej_mem *m)
{
	while (m->blocks != NULL) {
		void **blk = m->blocks;

		m->blocks = blk[0];
		free(blk);
	}
}

/* ---- request bodies -------------------------------------------------------- */

/* "name":"base64 of s" (with a comma before unless first). */
static bool put_bytes(struct buf *b, bool first, const char *name,
    const void *p, size_t n)
{
	buf_printf(b, "%s\"%s\":\"", first ? "" : ",", name);
	base64_encode(b, p, n);
	return buf_putc(b, '"');
}

/* "name":"n": int64 is a string in the JSON mapping. */
static bool put_int(struct buf *b, bool first, const char *name, int64_t n)
{
	return buf_printf(b, "%s\"%s\":\"%lld\"", first ? "" : ",", name,
	    (long long)n);
}

static bool put_key_end(struct buf *b, const char *key, const char *end)
{
	put_bytes(b, true, "key", key, strlen(key));
	if (end != NULL)
		put_bytes(b, false, "range_end", end, strlen(end));
	return !b->failed;
}

bool ej_range_body(struct buf *b, const char *key, size_t key_len,
    const char *end, int64_t rev, int64_t limit)
{
	buf_putc(b, '{');
	put_bytes(b, true, "key", key, key_len);
	if (end != NULL)
		put_bytes(b, false, "range_end", end, strlen(end));
	if (rev > 0)
		put_int(b, false, "revision", rev);
	if (limit > 0)
		put_int(b, false, "limit", limit);
	return buf_putc(b, '}');
}

bool ej_put_body(struct buf *b, const char *key, const void *value,
    size_t len, int64_t lease)
{
	buf_putc(b, '{');
	put_bytes(b, true, "key", key, strlen(key));
	put_bytes(b, false, "value", value, len);
	if (lease != 0)
		put_int(b, false, "lease", lease);
	return buf_putc(b, '}');
}

bool ej_delete_body(struct buf *b, const char *key, const char *end)
{
	buf_putc(b, '{');
	put_key_end(b, key, end);
	return buf_putc(b, '}');
}

bool ej_int_body(struct buf *b, const char *name, int64_t n)
{
	buf_putc(b, '{');
	put_int(b, true, name, n);
	return buf_putc(b, '}');
}

bool ej_watch_body(struct buf *b, const char *key, const char *end,
    int64_t start_rev)
{
	buf_puts(b, "{\"create_request\":{");
	put_key_end(b, key, end);
	if (start_rev > 0)
		put_int(b, false, "start_revision", start_rev);
	/* Progress notifications cost nothing until etcd's interval (10
	 * min by default) passes without an event. */
	buf_puts(b, ",\"prev_kv\":true,\"progress_notify\":true");
	return buf_puts(b, "}}");
}

/* The names of the enums of etcdserverpb.Compare. */
static const char *const cmp_targets[] = {
	[ETCD_CMP_CREATE] = "CREATE",
	[ETCD_CMP_MOD] = "MOD",
	[ETCD_CMP_VERSION] = "VERSION",
	[ETCD_CMP_VALUE] = "VALUE",
};
_Static_assert(NELEM(cmp_targets) == ETCD_CMP_VALUE + 1,
    "a name per enum etcd_cmp_target");
/* The field each target compares with. */
static const char *const cmp_fields[] = {
	[ETCD_CMP_CREATE] = "create_revision",
	[ETCD_CMP_MOD] = "mod_revision",
	[ETCD_CMP_VERSION] = "version",
	[ETCD_CMP_VALUE] = "value",
};
_Static_assert(NELEM(cmp_fields) == ETCD_CMP_VALUE + 1,
    "a field per enum etcd_cmp_target");
static const char *const cmp_results[] = {
	[ETCD_CMP_EQ] = "EQUAL",
	[ETCD_CMP_NE] = "NOT_EQUAL",
	[ETCD_CMP_LT] = "LESS",
	[ETCD_CMP_GT] = "GREATER",
};
_Static_assert(NELEM(cmp_results) == ETCD_CMP_GT + 1,
    "a name per enum etcd_cmp_result");

static bool cmp_body(struct buf *b, const struct etcd_cmp *c)
{
	if ((unsigned)c->target >= NELEM(cmp_targets) ||
	    (unsigned)c->result >= NELEM(cmp_results) || c->key == NULL)
		return false;
	buf_putc(b, '{');
	put_bytes(b, true, "key", c->key, strlen(c->key));
	buf_printf(b, ",\"target\":\"%s\",\"result\":\"%s\"",
	    cmp_targets[c->target], cmp_results[c->result]);
	if (c->target == ETCD_CMP_VALUE)
		put_bytes(b, false, cmp_fields[c->target],
		    c->value != NULL ? c->value : "", c->value_len);
	else
		put_int(b, false, cmp_fields[c->target], c->num);
	return buf_putc(b, '}');
}

static bool op_body(struct buf *b, const struct etcd_op *op)
{
	if (op->key == NULL)
		return false;
	switch (op->kind) {
	case ETCD_OP_RANGE:
		buf_puts(b, "{\"request_range\":");
		ej_range_body(b, op->key, strlen(op->key), op->end, 0, 0);
		break;
	case ETCD_OP_PUT:
		buf_puts(b, "{\"request_put\":");
		ej_put_body(b, op->key, op->value != NULL ? op->value : "",
		    op->value_len, op->lease);
		break;
	case ETCD_OP_DELETE:
		buf_puts(b, "{\"request_delete_range\":");
		ej_delete_body(b, op->key, op->end);
		break;
	default:
		return false;
	}
	return buf_putc(b, '}');
}

static bool ops_body(struct buf *b, const char *name,
    const struct etcd_op *ops, size_t n)
{
	buf_printf(b, ",\"%s\":[", name);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, ',');
		if (!op_body(b, &ops[i]))
			return false;
	}
	return buf_putc(b, ']');
}

bool ej_txn_body(struct buf *b, const struct etcd_cmp *cmp, size_t ncmp,
    const struct etcd_op *succ, size_t nsucc, const struct etcd_op *fail,
    size_t nfail)
{
	buf_puts(b, "{\"compare\":[");
	for (size_t i = 0; i < ncmp; i++) {
		if (i > 0)
			buf_putc(b, ',');
		if (!cmp_body(b, &cmp[i]))
			return false;
	}
	buf_putc(b, ']');
	if (!ops_body(b, "success", succ, nsucc) ||
	    !ops_body(b, "failure", fail, nfail))
		return false;
	return buf_putc(b, '}');
}

/* ---- the paths of the gateway ----------------------------------------------- */

static const char *const req_paths[] = {
	[REQ_RANGE] = "/v3/kv/range",
	[REQ_TXN] = "/v3/kv/txn",
	[REQ_PUT] = "/v3/kv/put",
	[REQ_DELETE] = "/v3/kv/deleterange",
	[REQ_GRANT] = "/v3/lease/grant",
	[REQ_KEEPALIVE] = "/v3/lease/keepalive",
	[REQ_REVOKE] = "/v3/lease/revoke",
	[REQ_STATUS] = "/v3/maintenance/status",
};
_Static_assert(NELEM(req_paths) == REQ_NKINDS, "a path per enum ereq_kind");

const char *ej_path(enum ereq_kind k)
{
	return req_paths[k];
}

/* ---- fields ------------------------------------------------------------------ */

static json_object *field(json_object *o, const char *name)
{
	json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, name, &v))
		return NULL;
	return v;
}

/* An integer field: a string of digits (the JSON mapping of int64), or a
 * number; absent is 0. */
static bool get_int(json_object *o, const char *name, int64_t *out)
{
	json_object *v = field(o, name);
	const char *s;
	char *end;
	long long n;

	*out = 0;
	if (v == NULL)
		return true;
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return true;
	}
	if (!json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return false;
	*out = n;
	return true;
}

/* The same for uint64 (member ids use all 64 bits). */
static bool get_uint(json_object *o, const char *name, uint64_t *out)
{
	json_object *v = field(o, name);
	const char *s;
	char *end;
	unsigned long long n;

	*out = 0;
	if (v == NULL)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *s == '-')
		return false;
	*out = n;
	return true;
}

static bool get_bool(json_object *o, const char *name, bool *out)
{
	json_object *v = field(o, name);

	*out = false;
	if (v == NULL)
		return true;
	if (!json_object_is_type(v, json_type_boolean))
		return false;
	*out = json_object_get_boolean(v);
	return true;
}

/* A string field; absent is "". */
static bool get_str(json_object *o, const char *name, const char **out)
{
	json_object *v = field(o, name);

	*out = "";
	if (v == NULL)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return false;
	*out = json_object_get_string(v);
	return true;
}

/* An array field; absent is empty (NULL). */
static bool get_array(json_object *o, const char *name, json_object **out)
{
	json_object *v = field(o, name);

	*out = NULL;
	if (v == NULL)
		return true;
	if (!json_object_is_type(v, json_type_array))
		return false;
	*out = v;
	return true;
}

static bool header(json_object *o, struct etcd_reply *r)
{
	json_object *h = field(o, "header");

	return h == NULL || (json_object_is_type(h, json_type_object) &&
	    get_int(h, "revision", &r->rev) &&
	    get_uint(h, "member_id", &r->member_id) &&
	    get_uint(h, "raft_term", &r->raft_term));
}

int ej_error(json_object *o, int *code, const char **msg)
{
	json_object *e = field(o, "error");
	int64_t c;

	if (e == NULL)
		return 0;
	if (json_object_is_type(e, json_type_object)) {
		/* The streaming form. */
		if (!get_int(e, "grpc_code", &c) ||
		    !get_str(e, "message", msg))
			return -1;
	} else if (json_object_is_type(e, json_type_string)) {
		if (!get_int(o, "code", &c) || !get_str(o, "message", msg))
			return -1;
		if (**msg == '\0')
			*msg = json_object_get_string(e);
	} else {
		return -1;
	}
	*code = c < 0 || c > 100 ? -1 : (int)c;
	return 1;
}

/* ---- key-value pairs --------------------------------------------------------- */

/* Bytes a decoded kv takes in the arena: key and value, each with a NUL. */
static size_t kv_size(json_object *kv)
{
	json_object *k = field(kv, "key"), *v = field(kv, "value");
	size_t n = 2;

	if (k != NULL && json_object_is_type(k, json_type_string))
		n += base64_decoded_max((size_t)json_object_get_string_len(k));
	if (v != NULL && json_object_is_type(v, json_type_string))
		n += base64_decoded_max((size_t)json_object_get_string_len(v));
	return n;
}

/* A bytes field decoded at *cur (NUL-terminated), which moves past it. */
static bool get_bytes(json_object *o, const char *name, const char **out,
    size_t *len, char **cur)
{
	json_object *v = field(o, name);
	size_t n = 0;

	*out = *cur;
	if (v != NULL) {
		if (!json_object_is_type(v, json_type_string) ||
		    !base64_decode(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), (uint8_t *)*cur,
		    &n))
			return false;
	}
	(*cur)[n] = '\0';
	*len = n;
	*cur += n + 1;
	return true;
}

static bool kv_fill(json_object *o, struct etcd_kv *kv, char **cur)
{
	if (!json_object_is_type(o, json_type_object))
		return false;
	return get_bytes(o, "key", &kv->key, &kv->key_len, cur) &&
	    get_bytes(o, "value", &kv->value, &kv->value_len, cur) &&
	    get_int(o, "create_revision", &kv->create_rev) &&
	    get_int(o, "mod_revision", &kv->mod_rev) &&
	    get_int(o, "version", &kv->version) &&
	    get_int(o, "lease", &kv->lease);
}

/* The array of kvs arr (may be NULL) into *kvs, *n. */
static bool kvs_parse(json_object *arr, struct etcd_kv **kvs, size_t *n,
    struct ej_mem *m, const char **why)
{
	size_t len = arr != NULL ? json_object_array_length(arr) : 0;
	size_t bytes = 0;
	char *cur;

	*kvs = NULL;
	*n = 0;
	if (len == 0)
		return true;
	for (size_t i = 0; i < len; i++)
		bytes += kv_size(json_object_array_get_idx(arr, i));
	if (len > SIZE_MAX / sizeof(**kvs) ||
	    (*kvs = ej_alloc(m, len * sizeof(**kvs))) == NULL ||
	    (cur = ej_alloc(m, bytes)) == NULL) {
		*why = "out of memory";
		return false;
	}
	for (size_t i = 0; i < len; i++)
		if (!kv_fill(json_object_array_get_idx(arr, i), &(*kvs)[i],
		    &cur)) {
			*why = "a key-value pair that is not one";
			return false;
		}
	*n = len;
	return true;
}

/* ---- replies ----------------------------------------------------------------- */

static bool range_reply(json_object *o, struct etcd_reply *r,
    struct ej_mem *m, const char **why)
{
	json_object *arr;
	struct etcd_kv *kvs;

	if (!get_array(o, "kvs", &arr) || !get_bool(o, "more", &r->more)) {
		*why = "kvs or more of the wrong type";
		return false;
	}
	if (!kvs_parse(arr, &kvs, &r->nkvs, m, why))
		return false;
	r->kvs = kvs;
	return true;
}

/* One of the "responses" of a txn: {"response_range":{...}} etc. */
static bool op_reply(json_object *o, struct etcd_op_reply *op,
    struct ej_mem *m, const char **why)
{
	static const struct {
		const char *name;
		enum etcd_op_kind kind;
	} kinds[] = {
		{ "response_range", ETCD_OP_RANGE },
		{ "response_put", ETCD_OP_PUT },
		{ "response_delete_range", ETCD_OP_DELETE },
	};

	for (size_t i = 0; i < NELEM(kinds); i++) {
		json_object *v = field(o, kinds[i].name), *arr;
		struct etcd_kv *kvs;

		if (v == NULL)
			continue;
		op->kind = kinds[i].kind;
		if (!get_array(v, "kvs", &arr) ||
		    !get_int(v, "deleted", &op->deleted)) {
			*why = "a txn response of the wrong shape";
			return false;
		}
		if (!kvs_parse(arr, &kvs, &op->nkvs, m, why))
			return false;
		op->kvs = kvs;
		return true;
	}
	*why = "a txn response of no known kind";
	return false;
}

static bool txn_reply(json_object *o, struct etcd_reply *r,
    struct ej_mem *m, const char **why)
{
	json_object *arr;
	struct etcd_op_reply *ops;
	size_t n;

	if (!get_bool(o, "succeeded", &r->succeeded) ||
	    !get_array(o, "responses", &arr)) {
		*why = "succeeded or responses of the wrong type";
		return false;
	}
	n = arr != NULL ? json_object_array_length(arr) : 0;
	if (n == 0)
		return true;
	if ((ops = ej_alloc(m, n * sizeof(*ops))) == NULL) {
		*why = "out of memory";
		return false;
	}
	memset(ops, 0, n * sizeof(*ops));
	for (size_t i = 0; i < n; i++)
		if (!op_reply(json_object_array_get_idx(arr, i), &ops[i], m,
		    why))
			return false;
	r->ops = ops;
	r->nops = n;
	return true;
}

static bool lease_reply(enum ereq_kind k, json_object *o,
    struct etcd_reply *r, const char **why)
{
	const char *err;

	if (!get_int(o, "ID", &r->lease_id) || !get_int(o, "TTL", &r->ttl) ||
	    !get_str(o, "error", &err)) {
		*why = "ID, TTL or error of the wrong type";
		return false;
	}
	if (k == REQ_GRANT && (*err != '\0' || r->lease_id == 0)) {
		r->err = ETCD_E_FAILED;
		r->msg = *err != '\0' ? err : "no lease granted";
	}
	/* A keepalive of a lease that is gone says TTL 0 (or less). */
	if (k == REQ_KEEPALIVE && r->ttl <= 0) {
		r->err = ETCD_E_LEASE_GONE;
		r->msg = "the lease has expired or was revoked";
	}
	return true;
}

static bool status_reply(json_object *o, struct etcd_reply *r,
    const char **why)
{
	if (!get_uint(o, "leader", &r->leader) ||
	    !get_uint(o, "raftTerm", &r->raft_term)) {
		*why = "leader or raftTerm of the wrong type";
		return false;
	}
	return true;
}

bool ej_reply(enum ereq_kind k, json_object *o, struct etcd_reply *r,
    struct ej_mem *m, const char **why)
{
	json_object *res = field(o, "result");

	/* Streaming calls (keepalive) wrap their message in "result". */
	if (k == REQ_KEEPALIVE && res != NULL)
		o = res;
	if (!json_object_is_type(o, json_type_object)) {
		*why = "not a JSON object";
		return false;
	}
	if (!header(o, r)) {
		*why = "a header of the wrong shape";
		return false;
	}
	switch (k) {
	case REQ_RANGE:
		return range_reply(o, r, m, why);
	case REQ_TXN:
		return txn_reply(o, r, m, why);
	case REQ_DELETE:
		if (!get_int(o, "deleted", &r->deleted)) {
			*why = "deleted of the wrong type";
			return false;
		}
		return true;
	case REQ_GRANT:
	case REQ_KEEPALIVE:
		return lease_reply(k, o, r, why);
	case REQ_STATUS:
		return status_reply(o, r, why);
	case REQ_PUT:
	case REQ_REVOKE:
		return true;
	}
	*why = "a reply to no known request";
	return false;
}

/* ---- watch ---------------------------------------------------------------------- */

static bool event_fill(json_object *o, struct etcd_event *ev,
    struct etcd_kv *prev, char **cur)
{
	const char *type;
	json_object *pkv = field(o, "prev_kv");

	if (!json_object_is_type(o, json_type_object) ||
	    !get_str(o, "type", &type) || !kv_fill(field(o, "kv"), &ev->kv,
	    cur))
		return false;
	if (strcmp(type, "DELETE") == 0)
		ev->type = ETCD_EV_DELETE;
	else if (*type == '\0' || strcmp(type, "PUT") == 0)
		ev->type = ETCD_EV_PUT;
	else
		return false;
	ev->prev = NULL;
	if (pkv != NULL) {
		if (!kv_fill(pkv, prev, cur))
			return false;
		ev->prev = prev;
	}
	return true;
}

static bool events_parse(json_object *arr, struct etcd_watch_update *u,
    struct ej_mem *m, const char **why)
{
	size_t n = json_object_array_length(arr), bytes = 0;
	struct etcd_event *evs;
	struct etcd_kv *prevs;
	char *cur;

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);

		bytes += kv_size(field(o, "kv")) + kv_size(field(o, "prev_kv"));
	}
	if (n > SIZE_MAX / sizeof(*evs) / 2 ||
	    (evs = ej_alloc(m, n * sizeof(*evs))) == NULL ||
	    (prevs = ej_alloc(m, n * sizeof(*prevs))) == NULL ||
	    (cur = ej_alloc(m, bytes)) == NULL) {
		*why = "out of memory";
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (!event_fill(json_object_array_get_idx(arr, i), &evs[i],
		    &prevs[i], &cur)) {
			*why = "an event that is not one";
			return false;
		}
	u->events = evs;
	u->nevents = n;
	return true;
}

bool ej_watch_result(json_object *res, struct etcd_watch_update *u,
    bool *created, bool *canceled, const char **cancel_reason,
    struct ej_mem *m, const char **why)
{
	struct etcd_reply hdr = { 0 };
	json_object *arr;

	if (!json_object_is_type(res, json_type_object) || !header(res, &hdr) ||
	    !get_bool(res, "created", created) ||
	    !get_bool(res, "canceled", canceled) ||
	    !get_str(res, "cancel_reason", cancel_reason) ||
	    !get_int(res, "compact_revision", &u->compact_rev) ||
	    !get_array(res, "events", &arr)) {
		*why = "a watch message of the wrong shape";
		return false;
	}
	u->rev = hdr.rev;
	u->events = NULL;
	u->nevents = 0;
	return arr == NULL || events_parse(arr, u, m, why);
}
