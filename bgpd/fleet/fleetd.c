/*
 * fleetd.c - the fleet on the daemon's loop (fleetd.h, docs/FLEET.md).
 *
 * A host goes through FS_GRANT (a lease), FS_HOSTKEY (hosts/NODE, created
 * only if absent), FS_SYNC (the whole prefix read, the RIB made to match
 * it) to FS_LIVE (watching from the next revision).  A one-second clock
 * (a 200 ms tick) drives retries, keep-alives, the deadline after which
 * failing keep-alives withhold the `one` VIPs, publishing the host's
 * check states and claiming vacant `one` VIPs.  When etcd cannot be
 * reached, what the RIB holds stays announced (fail static) and writes
 * are refused with store-unavailable.
 *
 * It must never wait for etcd: every request is asynchronous, and the
 * control requests that write wait as jobs (control.h, CTL_STEP_WAIT).
 */
#include "config.h"

#include "bgpd/fleet/fleetd.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/control/control.h"
#include "bgpd/fleet/etcd.h"
#include "bgpd/metrics/om.h"
#include "bgpd/record.h"
#include "bgpd/state.h"
#include "fleet/fleet.h"
#include "rib/ptable.h"

#define FLEET_TICK	0.2	/* seconds */
#define FLEET_RETRY	1.0	/* a failed start-up step again */
#define FLEET_TXN_VIPS	64	/* keys per transaction: etcd allows 128 */
#define FLEET_RETRIES	64	/* conflicts before a write gives up */

enum fstate { FS_GRANT, FS_HOSTKEY, FS_SYNC, FS_LIVE };
static const char *const fstate_names[] = {
	[FS_GRANT] = "starting", [FS_HOSTKEY] = "starting",
	[FS_SYNC] = "starting", [FS_LIVE] = "live",
};

struct claim_ctx;

struct fhost {
	struct fleet_host rec;
	int64_t lease;
	bool seen;
};

struct fleetd {
	struct lbbgpd *d;
	struct etcd *e;
	char node[FLEET_NAME_MAX + 1];
	char prefix[FLEET_KEY_MAX], end[FLEET_KEY_MAX], hostkey[FLEET_KEY_MAX];
	unsigned lease_secs;
	enum fstate st;
	bool busy;			/* a start-up request in flight */
	double retry_at;
	double hostkey_wait;		/* node held by another: until */
	int64_t lease;			/* 0: none */
	double lease_ok;		/* when the last acknowledged keep-alive
					 * (or the grant) was sent */
	bool ka_busy;
	double ka_sent, ka_next;
	bool no_leader;			/* the last answer: no quorum */
	bool store_ok;
	char err[256];			/* why not, when not */
	bool publish, pub_busy;
	bool withheld;
	/* the mirror */
	int64_t rev;
	struct etcd_watch *w;
	bool watch_up;
	double watch_lost_at;
	char watch_ep[128];		/* the endpoint the watch reads from */
	struct fhost *hosts;
	size_t nhosts;
	char (*names)[FLEET_NAME_MAX + 1];	/* announcers' nodes */
	size_t nnames;
	struct ptable ann;		/* VIP: v1 = names index + 1 */
	struct ptable vrev;		/* VIP: its key's mod_revision */
	struct ptable vacant;		/* `one` VIP with no announcer: v1 =
					 * ms since start, when first seen */
	struct ptable claiming;		/* a claim or resignation in flight */
	struct ptable seen;		/* during a sync: VIP keys read */
	struct claim_ctx *claims;	/* claim requests in flight */
	ev_timer tick;
	double started;
	/* metrics */
	uint64_t req_ok, req_err, renew_ok, renew_err, skipped, resyncs;
	uint64_t conflicts;
};

static struct fleetd *F(const struct lbbgpd *d)
{
	return d->fleet;
}

static void store_failed(struct fleetd *f, const struct etcd_reply *r)
{
	f->req_err++;
	if (f->store_ok || strcmp(f->err, r->msg) != 0)
		log_warnx("fleet: etcd: %s: %s%s", etcd_err_name(r->err),
		    r->msg, f->store_ok ? "; announcing what is known, "
		    "refusing changes until it answers" : "");
	f->store_ok = false;
	f->no_leader = r->err == ETCD_E_NO_LEADER;
	snprintf(f->err, sizeof(f->err), "%s", r->msg);
}

static void store_answered(struct fleetd *f)
{
	f->req_ok++;
	if (!f->store_ok && f->st == FS_LIVE)
		log_info("fleet: etcd answers again");
	f->store_ok = true;
	f->no_leader = false;
	f->err[0] = '\0';
}

/* ---- small maps ---------------------------------------------------------- */

/* A VIP key's mod_revision; negative: deleted at that revision (so
 * that older events of it, still on their way, are known as older). */
static int64_t rev_raw(const struct ptable *t, const struct prefix *a)
{
	struct pt_key k = pt_key_make(a, 0);
	const struct pt_entry *e = pt_find(t, &k);

	return e ? (int64_t)((uint64_t)e->v2 << 32 | e->v1) : 0;
}

/* The revision of the newest change of the key seen. */
static int64_t rev_get(const struct ptable *t, const struct prefix *a)
{
	int64_t r = rev_raw(t, a);

	return r < 0 ? -r : r;
}

/* The key exists: its mod_revision, else 0. */
static int64_t rev_live(const struct ptable *t, const struct prefix *a)
{
	int64_t r = rev_raw(t, a);

	return r > 0 ? r : 0;
}

static void rev_set(struct ptable *t, const struct prefix *a, int64_t rev)
{
	struct pt_key k = pt_key_make(a, 0);
	struct pt_entry *e = pt_insert(t, &k, NULL);

	if (e != NULL) {
		e->v1 = (uint32_t)rev;
		e->v2 = (uint32_t)((uint64_t)rev >> 32);
	}
}

static void key_del(struct ptable *t, const struct prefix *a)
{
	struct pt_key k = pt_key_make(a, 0);
	struct pt_entry *e = pt_find(t, &k);

	if (e != NULL)
		pt_delete(t, e);
}

static bool key_has(const struct ptable *t, const struct prefix *a)
{
	struct pt_key k = pt_key_make(a, 0);

	return pt_find(t, &k) != NULL;
}

static uint32_t name_idx(struct fleetd *f, const char *node)
{
	for (size_t i = 0; i < f->nnames; i++)
		if (strcmp(f->names[i], node) == 0)
			return (uint32_t)i + 1;
	char (*nn)[FLEET_NAME_MAX + 1] = realloc(f->names,
	    (f->nnames + 1) * sizeof(*nn));
	if (nn == NULL)
		return 0;
	f->names = nn;
	snprintf(f->names[f->nnames], sizeof(f->names[0]), "%s", node);
	return (uint32_t)++f->nnames;
}

/* The node announcing a `one` VIP; NULL: vacant. */
static const char *announcer(const struct fleetd *f, const struct prefix *a)
{
	struct pt_key k = pt_key_make(a, 0);
	const struct pt_entry *e = pt_find(&f->ann, &k);

	return e && e->v1 > 0 && e->v1 <= f->nnames ? f->names[e->v1 - 1] :
	    NULL;
}

static struct fhost *host_find(struct fleetd *f, const char *node)
{
	for (size_t i = 0; i < f->nhosts; i++)
		if (strcmp(f->hosts[i].rec.node, node) == 0)
			return &f->hosts[i];
	return NULL;
}

static void host_remove(struct fleetd *f, struct fhost *h)
{
	fleet_host_free(&h->rec);
	*h = f->hosts[--f->nhosts];
}

/* ---- applying what etcd holds ---------------------------------------- */

static json_object *parse_json(const char *s, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o = NULL;

	if (tok == NULL)
		return NULL;
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    tok->char_offset != (int)len) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static void skipped(struct fleetd *f, const char *key, const char *why)
{
	f->skipped++;
	log_warnx("fleet: key %s skipped: %s", key, why);
}

/* The RIB takes a VIP's record (NULL: the key is gone). */
static void apply_vip(struct fleetd *f, const char *key,
    const struct prefix *a, const char *val, size_t len, int64_t mod)
{
	struct lbbgpd *d = f->d;
	json_object *rec = NULL, *owners;
	struct prefix b;

	if (mod != 0 && mod <= rev_get(&f->vrev, a))
		return;		/* this host's own write, applied already */
	if (val == NULL) {
		json_object *none = json_object_new_array();
		record_drop_unlisted(d->rib, a, none);
		json_object_put(none);
		if (mod != 0)
			rev_set(&f->vrev, a, -mod);
		else
			key_del(&f->vrev, a);
		state_touch(d->state, a);
		return;
	}
	if ((rec = parse_json(val, len)) == NULL || !record_parse(rec, &b) ||
	    !prefix_equal(&b, a)) {
		skipped(f, key, "not a VIP record of that address");
		json_object_put(rec);
		return;
	}
	json_object_object_get_ex(rec, "owners", &owners);
	record_drop_unlisted(d->rib, a, owners);
	for (size_t i = 0; i < json_object_array_length(owners); i++) {
		struct rib_res res = { 0 };
		int rc = record_add_owner(d->rib, rec, a,
		    json_object_array_get_idx(owners, i), &res);
		if (rc < 0)
			skipped(f, key, "a malformed owner");
		else if (rc == 0)
			skipped(f, key, res.msg);
	}
	json_object_put(rec);
	if (mod != 0)
		rev_set(&f->vrev, a, mod);
	state_touch(d->state, a);
}

static void apply_announcer(struct fleetd *f, const char *key,
    const struct prefix *a, const char *val, size_t len)
{
	char node[FLEET_NAME_MAX + 1];

	key_del(&f->ann, a);
	if (val != NULL && !fleet_announcer_parse(val, len, node)) {
		skipped(f, key, "not {\"node\":NAME}");
		val = NULL;
	}
	if (val == NULL) {
		rib_claim(f->d->rib, a, false);
		return;
	}
	struct pt_key k = pt_key_make(a, 0);
	struct pt_entry *e = pt_insert(&f->ann, &k, NULL);
	if (e != NULL)
		e->v1 = name_idx(f, node);
	key_del(&f->vacant, a);
	rib_claim(f->d->rib, a, strcmp(node, f->node) == 0);
}

static void apply_host(struct fleetd *f, const char *key, const char *node,
    const char *val, size_t len, int64_t lease)
{
	struct fhost *h = host_find(f, node);
	struct fleet_host rec;

	if (val == NULL) {
		if (h != NULL)
			host_remove(f, h);
		return;
	}
	if (!fleet_host_parse(val, len, &rec) || strcmp(rec.node, node)) {
		fleet_host_free(&rec);
		skipped(f, key, "not a host record of that node");
		return;
	}
	if (h == NULL) {
		struct fhost *nh = realloc(f->hosts, (f->nhosts + 1) *
		    sizeof(*nh));
		if (nh == NULL) {
			fleet_host_free(&rec);
			return;
		}
		f->hosts = nh;
		h = &f->hosts[f->nhosts++];
		memset(h, 0, sizeof(*h));
	} else {
		fleet_host_free(&h->rec);
	}
	h->rec = rec;
	h->lease = lease;
	h->seen = true;
}

static void apply_kv(struct fleetd *f, const struct etcd_kv *kv, bool gone)
{
	char node[FLEET_NAME_MAX + 1];
	struct prefix a;
	const char *val = gone ? NULL : kv->value;

	switch (fleet_key_parse(f->prefix, kv->key, kv->key_len, node, &a)) {
	case FLEET_K_VIP:
		if (f->st == FS_SYNC)
			rev_set(&f->seen, &a, 1);
		apply_vip(f, kv->key, &a, val, kv->value_len, kv->mod_rev);
		break;
	case FLEET_K_ANNOUNCER:
		apply_announcer(f, kv->key, &a, val, kv->value_len);
		break;
	case FLEET_K_HOST:
		apply_host(f, kv->key, node, val, kv->value_len, kv->lease);
		break;
	default:
		skipped(f, kv->key, "not a key lbbgpd knows");
	}
}

/* ---- sync and watch ------------------------------------------------------ */

static void sync_start(struct fleetd *f);

static void watch_cb(void *arg, const struct etcd_watch_update *u)
{
	struct fleetd *f = arg;

	switch (u->kind) {
	case ETCD_WATCH_STARTED:
		if (!f->watch_up && f->watch_lost_at > 0)
			log_info("fleet: watch resumed after %.1f s",
			    u->outage);
		f->watch_up = true;
		snprintf(f->watch_ep, sizeof(f->watch_ep), "%s",
		    u->endpoint ? u->endpoint : "");
		break;
	case ETCD_WATCH_EVENTS:
		for (size_t i = 0; i < u->nevents; i++) {
			const struct etcd_event *ev = &u->events[i];
			apply_kv(f, &ev->kv, ev->type == ETCD_EV_DELETE);
			if (ev->kv.mod_rev > f->rev)
				f->rev = ev->kv.mod_rev;
		}
		ctl_job_wake(f->d);	/* a write waiting for the mirror */
		break;
	case ETCD_WATCH_PROGRESS:
		if (u->rev > f->rev)
			f->rev = u->rev;
		break;
	case ETCD_WATCH_LOST:
		f->watch_up = false;
		f->watch_lost_at = now_mono();
		log_warnx("fleet: watch lost (%s); announcing what is known",
		    u->msg);
		break;
	case ETCD_WATCH_ENDED:
		f->w = NULL;
		f->watch_up = false;
		log_warnx("fleet: watch ended (%s%s): reading everything "
		    "again", etcd_err_name(u->err), u->err ==
		    ETCD_E_COMPACTED ? ", its revision is compacted" : "");
		f->resyncs++;
		sync_start(f);
		break;
	}
}

static bool claim_is_mine(void *ctx, const struct prefix *a)
{
	struct fleetd *f = ctx;
	const char *h = announcer(f, a);

	return h != NULL && strcmp(h, f->node) == 0;
}

/* After a whole read: what the read did not show goes. */
static void sync_end(struct fleetd *f, int64_t rev)
{
	struct lbbgpd *d = f->d;
	json_object *none = json_object_new_array();
	struct prefix *gone = NULL;
	size_t ngone = 0, cap = 0;

	for (const struct vip *v = rib_vip_next(d->rib, NULL); v;
	    v = rib_vip_next(d->rib, v)) {
		if (key_has(&f->seen, &v->addr))
			continue;
		if (ngone == cap) {
			cap = cap ? cap * 2 : 64;
			struct prefix *ng = realloc(gone, cap * sizeof(*ng));
			if (ng == NULL)
				break;
			gone = ng;
		}
		gone[ngone++] = v->addr;
	}
	for (size_t i = 0; i < ngone; i++) {
		record_drop_unlisted(d->rib, &gone[i], none);
		key_del(&f->vrev, &gone[i]);
		state_touch(d->state, &gone[i]);
	}
	free(gone);
	json_object_put(none);
	for (size_t i = 0; i < f->nhosts;)
		if (!f->hosts[i].seen)
			host_remove(f, &f->hosts[i]);
		else
			i++;
	pt_free(&f->seen);
	rib_claims_keep(d->rib, claim_is_mine, f);
	f->rev = rev;
	f->st = FS_LIVE;
	f->publish = true;
	if (f->w == NULL)
		f->w = etcd_watch(f->e, f->prefix, f->end, rev + 1, watch_cb,
		    f);
	log_info("fleet: in sync at revision %lld: %zu VIPs, %zu hosts, "
	    "%zu claims of this host", (long long)rev,
	    rib_vip_count(d->rib), f->nhosts, rib_claims(d->rib));
}

static void range_cb(void *arg, const struct etcd_reply *r)
{
	struct fleetd *f = arg;

	if (r->err != ETCD_OK) {
		store_failed(f, r);
		f->busy = false;
		f->retry_at = now_mono() + FLEET_RETRY;
		return;
	}
	store_answered(f);
	for (size_t i = 0; i < r->nkvs; i++)
		apply_kv(f, &r->kvs[i], false);
	if (r->more)
		return;
	f->busy = false;
	sync_end(f, r->rev);
}

static void sync_start(struct fleetd *f)
{
	f->st = FS_SYNC;
	pt_free(&f->seen);
	pt_free(&f->ann);
	for (size_t i = 0; i < f->nhosts; i++)
		f->hosts[i].seen = false;
	if (f->w != NULL) {
		etcd_watch_cancel(f->w);
		f->w = NULL;
	}
	f->busy = true;
	if (!etcd_range(f->e, f->prefix, f->end, 0, range_cb, f)) {
		f->busy = false;
		f->retry_at = now_mono() + FLEET_RETRY;
	}
}

/* ---- lease and hosts/NODE ------------------------------------------------ */

static char *host_value(struct fleetd *f)
{
	struct lbbgpd *d = f->d;
	const struct conf *c = d->conf;
	struct fleet_check *ck = calloc(c->nchecks ? c->nchecks : 1,
	    sizeof(*ck));
	struct fleet_host h = { .started = (int64_t)d->start_time };
	struct rib_check_info ci;

	if (ck == NULL)
		return NULL;
	snprintf(h.node, sizeof(h.node), "%s", f->node);
	snprintf(h.router_id, sizeof(h.router_id), "%u.%u.%u.%u",
	    d->router_id >> 24, (d->router_id >> 16) & 0xff,
	    (d->router_id >> 8) & 0xff, d->router_id & 0xff);
	snprintf(h.version, sizeof(h.version), "%s", PACKAGE_VERSION);
	for (size_t i = 0; i < c->nchecks; i++) {
		rib_check_info(d->rib, i, &ci);
		ck[i].name = c->checks[i].name;
		ck[i].state = ci.state == RIB_CHECK_UP ? FLEET_CHECK_UP :
		    ci.state == RIB_CHECK_PENDING ? FLEET_CHECK_PENDING :
		    FLEET_CHECK_DOWN;
	}
	h.checks = ck;
	h.nchecks = c->nchecks;
	char *s = fleet_host_encode(&h);
	free(ck);
	return s;
}

static void hostkey_cb(void *arg, const struct etcd_reply *r)
{
	struct fleetd *f = arg;
	double now = now_mono();

	f->busy = false;
	if (r->err != ETCD_OK) {
		store_failed(f, r);
		f->retry_at = now + FLEET_RETRY;
		return;
	}
	store_answered(f);
	if (r->succeeded) {
		log_info("fleet: joined cluster %s as node %s (lease %llx, "
		    "%u s)", f->prefix, f->node, (unsigned long long)f->lease,
		    f->lease_secs);
		f->hostkey_wait = 0;
		sync_start(f);
		return;
	}
	/* Held: our own run before a crash (its lease runs out), or
	 * another host with our name (its lease is kept alive). */
	if (f->hostkey_wait == 0) {
		f->hostkey_wait = now + f->lease_secs + 1;
		log_warnx("fleet: node %s is held in etcd (%s); waiting up to "
		    "%u s for it to go", f->node, f->hostkey,
		    f->lease_secs + 1);
	} else if (now > f->hostkey_wait) {
		log_warnx("fleet: another lbbgpd runs as node %s (%s stays "
		    "held); give each host its own node name in the fleet "
		    "block", f->node, f->hostkey);
		f->d->exit_code = 1;
		daemon_shutdown(f->d, "fleet: node name in use", false);
		return;
	}
	f->retry_at = now + FLEET_RETRY;
}

static void hostkey_create(struct fleetd *f)
{
	char *val = host_value(f);
	struct etcd_cmp cmp = { .key = f->hostkey, .target = ETCD_CMP_CREATE,
	    .result = ETCD_CMP_EQ, .num = 0 };
	struct etcd_op put = { .kind = ETCD_OP_PUT, .key = f->hostkey,
	    .value = val, .value_len = val ? strlen(val) : 0,
	    .lease = f->lease };

	f->busy = val != NULL && etcd_txn(f->e, &cmp, 1, &put, 1, NULL, 0,
	    hostkey_cb, f);
	if (!f->busy)
		f->retry_at = now_mono() + FLEET_RETRY;
	free(val);
}

static void grant_cb(void *arg, const struct etcd_reply *r)
{
	struct fleetd *f = arg;

	f->busy = false;
	if (r->err != ETCD_OK) {
		store_failed(f, r);
		f->retry_at = now_mono() + FLEET_RETRY;
		return;
	}
	store_answered(f);
	f->lease = r->lease_id;
	f->lease_ok = f->ka_sent;
	f->ka_next = f->ka_sent + f->lease_secs / 3.0;
	f->st = FS_HOSTKEY;
	hostkey_create(f);
}

static void keepalive_cb(void *arg, const struct etcd_reply *r)
{
	struct fleetd *f = arg;

	f->ka_busy = false;
	if (r->err == ETCD_E_LEASE_GONE) {
		f->renew_err++;
		log_warnx("fleet: lease %llx expired; taking a new one (the "
		    "claims it held are gone)", (unsigned long long)f->lease);
		f->lease = 0;
		f->st = FS_GRANT;
		return;
	}
	if (r->err != ETCD_OK) {
		f->renew_err++;
		store_failed(f, r);
		f->ka_next = now_mono() + FLEET_RETRY;
		return;
	}
	store_answered(f);
	f->renew_ok++;
	f->lease_ok = f->ka_sent;
	f->ka_next = f->ka_sent + f->lease_secs / 3.0;
	if (f->withheld) {
		f->withheld = false;
		rib_withhold_claims(f->d->rib, false);
		log_info("fleet: lease renewed again: announcing the `one` "
		    "VIPs this host holds");
	}
}

static void publish_cb(void *arg, const struct etcd_reply *r)
{
	struct fleetd *f = arg;

	f->pub_busy = false;
	if (r->err != ETCD_OK) {
		store_failed(f, r);
		f->publish = true;
		return;
	}
	store_answered(f);
}

/* ---- claims of `announce one` VIPs ---------------------------------------- */

struct claim_ctx {
	struct fleetd *f;
	struct prefix a;
	bool resign;
	struct claim_ctx *prev, *next;	/* f->claims: freed at the stop */
};

static void claim_unlink(struct fleetd *f, struct claim_ctx *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		f->claims = c->next;
	if (c->next)
		c->next->prev = c->prev;
}

static void claim_cb(void *arg, const struct etcd_reply *r)
{
	struct claim_ctx *c = arg;
	struct fleetd *f = c->f;
	char key[FLEET_KEY_MAX], val[FLEET_KEY_MAX];

	claim_unlink(f, c);
	key_del(&f->claiming, &c->a);
	if (r->err != ETCD_OK)
		store_failed(f, r);
	else
		store_answered(f);
	/* Done: the mirror has it now; the watch says it again later. */
	if (r->err == ETCD_OK && r->succeeded && fleet_key_addr(f->prefix,
	    FLEET_K_ANNOUNCER, &c->a, key, sizeof(key))) {
		size_t n = fleet_announcer_encode(f->node, val, sizeof(val));
		apply_announcer(f, key, &c->a, c->resign ? NULL : val, n);
		if (!c->resign)
			log_info("fleet: %s: claimed, announcing it", key);
	}
	free(c);
}

static void claim_send(struct fleetd *f, const struct prefix *a, bool resign)
{
	char key[FLEET_KEY_MAX], val[FLEET_KEY_MAX];
	struct claim_ctx *c = calloc(1, sizeof(*c));
	size_t vlen = fleet_announcer_encode(f->node, val, sizeof(val));

	if (c == NULL || !fleet_key_addr(f->prefix, FLEET_K_ANNOUNCER, a, key,
	    sizeof(key))) {
		free(c);
		return;
	}
	c->f = f;
	c->a = *a;
	c->resign = resign;
	/* Claim: only if vacant.  Resign: only if still ours. */
	struct etcd_cmp cmp = resign ?
	    (struct etcd_cmp){ .key = key, .target = ETCD_CMP_VALUE,
	    .result = ETCD_CMP_EQ, .value = val, .value_len = vlen } :
	    (struct etcd_cmp){ .key = key, .target = ETCD_CMP_CREATE,
	    .result = ETCD_CMP_EQ, .num = 0 };
	struct etcd_op op = resign ?
	    (struct etcd_op){ .kind = ETCD_OP_DELETE, .key = key } :
	    (struct etcd_op){ .kind = ETCD_OP_PUT, .key = key, .value = val,
	    .value_len = vlen, .lease = f->lease };
	if (!etcd_txn(f->e, &cmp, 1, &op, 1, NULL, 0, claim_cb, c)) {
		free(c);
		return;
	}
	rev_set(&f->claiming, a, 1);
	c->next = f->claims;
	if (c->next)
		c->next->prev = c;
	f->claims = c;
	if (resign)
		log_info("fleet: %s: giving up the claim (its check is not up "
		    "here, or the VIP is gone)", key);
}

struct host_up_ctx {
	const struct fhost *h;
};

static bool host_up(void *ctx, const char *check)
{
	const struct host_up_ctx *c = ctx;

	return fleet_host_check(&c->h->rec, check) == FLEET_CHECK_UP;
}

static bool up_here(const struct rib *r, const struct vip *v)
{
	struct rib_vip_status st;

	rib_vip_status(r, v, &st);
	return st.health == NULL || strcmp(st.health, "up") == 0;
}

static void claims_tick(struct fleetd *f, double now)
{
	struct lbbgpd *d = f->d;
	const struct conf *c = d->conf;
	const char **cands = calloc(f->nhosts + 1, sizeof(*cands));
	uint32_t now_ms = (uint32_t)((now - f->started) * 1000);

	if (cands == NULL)
		return;
	for (const struct vip *v = rib_vip_next(d->rib, NULL); v;
	    v = rib_vip_next(d->rib, v)) {
		if (c->pools[v->pool].announce != CONF_ANNOUNCE_ONE ||
		    key_has(&f->claiming, &v->addr))
			continue;
		const char *holder = announcer(f, &v->addr);
		bool mine = up_here(d->rib, v);
		if (holder != NULL) {
			if (strcmp(holder, f->node) == 0 && !mine)
				claim_send(f, &v->addr, true);
			continue;
		}
		if (!mine)
			continue;
		struct pt_key k = pt_key_make(&v->addr, 0);
		struct pt_entry *e = pt_find(&f->vacant, &k);
		if (e == NULL && (e = pt_insert(&f->vacant, &k, NULL)) != NULL)
			e->v1 = now_ms;
		if (e == NULL)
			continue;
		uint32_t since = e->v1;
		size_t n = 0;
		cands[n++] = f->node;
		for (size_t i = 0; i < f->nhosts; i++) {
			struct host_up_ctx hc = { &f->hosts[i] };
			if (strcmp(f->hosts[i].rec.node, f->node) != 0 &&
			    rib_vip_up_where(d->rib, v, host_up, &hc))
				cands[n++] = f->hosts[i].rec.node;
		}
		size_t rank = fleet_rank(f->node, cands, n, &v->addr);
		if (now_ms - since >= (uint32_t)(fleet_claim_delay(rank) * 1000))
			claim_send(f, &v->addr, false);
	}
	free(cands);
	/* Claims of VIPs gone (withdrawn, or no longer `announce one`):
	 * given up, not left to this host's lease. */
	struct prefix *drop = NULL;
	size_t ndrop = 0, cap = 0;
	for (struct pt_entry *e = pt_next(&f->ann, NULL); e;
	    e = pt_next(&f->ann, e)) {
		struct prefix a = pt_key_prefix(&e->k);
		const struct vip *v;
		if (e->v1 == 0 || e->v1 > f->nnames ||
		    strcmp(f->names[e->v1 - 1], f->node) != 0 ||
		    key_has(&f->claiming, &a))
			continue;
		v = rib_vip_find(d->rib, &a);
		if (v != NULL && c->pools[v->pool].announce == CONF_ANNOUNCE_ONE)
			continue;
		if (ndrop == cap) {
			cap = cap ? 2 * cap : 16;
			struct prefix *nd = realloc(drop, cap * sizeof(*nd));
			if (nd == NULL)
				break;
			drop = nd;
		}
		drop[ndrop++] = a;
	}
	/* Not while walking f->ann: the answers change it. */
	for (size_t i = 0; i < ndrop; i++)
		claim_send(f, &drop[i], true);
	free(drop);
}

/* ---- the clock ------------------------------------------------------------- */

static void tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fleetd *f = w->data;
	double now = now_mono();

	/* Keep-alives failing: the `one` VIPs go before the lease can. */
	if (f->lease != 0 && !f->withheld && !f->no_leader &&
	    now - f->lease_ok > fleet_one_deadline(f->lease_secs)) {
		f->withheld = true;
		rib_withhold_claims(f->d->rib, true);
		log_warnx("fleet: no keep-alive acknowledged for %.1f s: "
		    "withdrawing the `one` VIPs this host holds before its "
		    "lease can expire", now - f->lease_ok);
	}
	if (f->lease != 0 && !f->ka_busy && now >= f->ka_next) {
		f->ka_sent = now;
		f->ka_busy = etcd_lease_keepalive(f->e, f->lease,
		    keepalive_cb, f);
	}
	if (!f->busy && now >= f->retry_at) {
		switch (f->st) {
		case FS_GRANT:
			f->ka_sent = now;
			f->busy = etcd_lease_grant(f->e, f->lease_secs,
			    grant_cb, f);
			break;
		case FS_HOSTKEY:
			hostkey_create(f);
			break;
		case FS_SYNC:
			sync_start(f);
			break;
		case FS_LIVE:
			break;
		}
	}
	if (f->st == FS_LIVE && f->publish && !f->pub_busy) {
		char *val = host_value(f);
		f->publish = false;
		f->pub_busy = val != NULL && etcd_put(f->e, f->hostkey, val,
		    strlen(val), f->lease, publish_cb, f);
		free(val);
	}
	if (f->st == FS_LIVE && f->store_ok && !f->withheld)
		claims_tick(f, now);
}

/* ---- start and stop ----------------------------------------------------- */

bool fleetd_start(struct lbbgpd *d)
{
	const struct conf_fleet *cf = d->conf->fleet;
	struct fleetd *f;

	if (cf == NULL)
		return true;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return false;
	f->d = d;
	snprintf(f->node, sizeof(f->node), "%s", cf->node);
	f->lease_secs = cf->lease;
	if (!fleet_prefix(cf->cluster, f->prefix, sizeof(f->prefix)) ||
	    !etcd_prefix_end(f->prefix, f->end, sizeof(f->end)) ||
	    !fleet_key(f->prefix, FLEET_K_HOST, f->node, f->hostkey,
	    sizeof(f->hostkey))) {
		free(f);
		return false;
	}
	const char **urls = calloc(cf->nendpoints, sizeof(*urls));
	if (urls == NULL) {
		free(f);
		return false;
	}
	for (size_t i = 0; i < cf->nendpoints; i++)
		urls[i] = cf->endpoints[i].url;
	struct etcd_tls tls = { cf->tls_ca, cf->tls_cert, cf->tls_key };
	f->e = etcd_new(d->loop, urls, cf->nendpoints, &tls);
	free(urls);
	if (f->e == NULL) {
		free(f);
		return false;
	}
	pt_init(&f->ann);
	pt_init(&f->vrev);
	pt_init(&f->vacant);
	pt_init(&f->claiming);
	pt_init(&f->seen);
	f->started = now_mono();
	snprintf(f->err, sizeof(f->err), "not connected yet");
	ev_timer_init(&f->tick, tick_cb, 0, FLEET_TICK);
	f->tick.data = f;
	ev_timer_start(d->loop, &f->tick);
	d->fleet = f;
	d->fleet_metrics = fleetd_metrics;
	log_info("fleet: cluster %s, node %s, etcd %s%s", cf->cluster,
	    f->node, cf->endpoints[0].url, cf->nendpoints > 1 ?
	    " and more" : "");
	return true;
}

void fleetd_stop(struct lbbgpd *d)
{
	struct fleetd *f = F(d);

	if (f == NULL)
		return;
	ev_timer_stop(d->loop, &f->tick);
	if (f->w != NULL)
		etcd_watch_cancel(f->w);
	etcd_free(f->e);	/* callbacks in flight are not called */
	while (f->claims != NULL) {
		struct claim_ctx *c = f->claims;
		f->claims = c->next;
		free(c);
	}
	for (size_t i = 0; i < f->nhosts; i++)
		fleet_host_free(&f->hosts[i].rec);
	free(f->hosts);
	free(f->names);
	pt_free(&f->ann);
	pt_free(&f->vrev);
	pt_free(&f->vacant);
	pt_free(&f->claiming);
	pt_free(&f->seen);
	free(f);
	d->fleet = NULL;
}

bool fleetd_active(const struct lbbgpd *d)
{
	return F(d) != NULL;
}

const char *fleetd_state(const struct lbbgpd *d)
{
	const struct fleetd *f = F(d);

	if (f == NULL)
		return NULL;
	if (!f->store_ok || (f->st == FS_LIVE && !f->watch_up))
		return "degraded";
	return fstate_names[f->st];
}

void fleetd_checks_changed(struct lbbgpd *d)
{
	struct fleetd *f = F(d);

	if (f != NULL)
		f->publish = true;	/* the next tick; resigning too */
}

void fleetd_reloaded(struct lbbgpd *d)
{
	struct fleetd *f = F(d);

	if (f == NULL)
		return;
	for (struct pt_entry *e = pt_next(&f->ann, NULL); e;
	    e = pt_next(&f->ann, e)) {
		struct prefix a = pt_key_prefix(&e->k);
		rib_claim(d->rib, &a, e->v1 > 0 && e->v1 <= f->nnames &&
		    strcmp(f->names[e->v1 - 1], f->node) == 0);
	}
	rib_withhold_claims(d->rib, f->withheld);
	f->publish = true;
}

/* ---- writes: add, withdraw, allocate ----------------------------------- */

enum wkind { W_ADD, W_WITHDRAW, W_ALLOCATE };

struct wjob {
	struct ctl_job job;
	struct fleetd *f;
	enum wkind kind;
	struct prefix *vips;
	size_t n, next, chunk;	/* [next, next + chunk) in flight */
	struct vip_req req;
	uint32_t comm[MAX_VIP_COMMUNITIES];
	const char *owner;
	bool inflight, failed;
	unsigned tries;
	size_t created;		/* keys created (VIPs new to the fleet) */
	size_t chunk_new;	/* keys of the chunk sent as new */
	struct rib_res res;	/* failed: why */
	enum ctl_code code;
	char *recs;		/* the records sent, for the RIB after */
	struct prefix *tried;	/* allocate: addresses taken meanwhile */
	size_t ntried;
	const char *pool;	/* allocate */
	bool wanted;		/* allocate: the address was asked for */
	unsigned skip;		/* allocate: free addresses to pass over */
	struct wjob **self;	/* cleared when freed: the callback checks */
};

static void wjob_fail(struct wjob *j, enum ctl_code code, const char *msg)
{
	j->failed = true;
	j->code = code;
	snprintf(j->res.msg, sizeof(j->res.msg), "%s", msg);
}

/* Check the chunk against the RIB the way a local batch is checked. */
static bool wjob_check(struct wjob *j, size_t from, size_t n)
{
	struct rib_batch b;
	struct rib_res res = { 0 };

	if (j->kind == W_WITHDRAW)
		rib_batch_withdraw(&b, j->vips + from, n, j->owner);
	else
		rib_batch_add(&b, j->vips + from, n, &j->req);
	/* The checking pass only: n steps; applying never starts. */
	if (rib_batch_step(j->f->d->rib, &b, n, &res) == RIB_BATCH_FAILED) {
		j->failed = true;
		j->code = ctl_code_of_rib(res.err);
		j->res = res;
		j->next = from + b.bad;
		return false;
	}
	return true;
}

/*
 * Free addresses allocate passes over: those it lost to other hosts, and
 * after a loss a random few more, so that hosts racing for the lowest
 * free address spread out instead of meeting again at the next one.
 */
static bool allocate_taken(void *ctx, const struct prefix *a)
{
	struct wjob *j = ctx;

	for (size_t i = 0; i < j->ntried; i++)
		if (prefix_equal(&j->tried[i], a))
			return true;
	if (j->skip > 0) {
		j->skip--;
		return true;
	}
	return false;
}

static void wjob_cb(void *arg, const struct etcd_reply *r);

/* One transaction for the next chunk; false when it failed to start. */
static bool wjob_send(struct wjob *j)
{
	struct fleetd *f = j->f;
	const struct rib *rib = f->d->rib;
	size_t n = j->n - j->next < FLEET_TXN_VIPS ? j->n - j->next :
	    FLEET_TXN_VIPS;
	struct etcd_cmp *cmp = calloc(n, sizeof(*cmp));
	struct etcd_op *ops = calloc(n, sizeof(*ops));
	char (*keys)[FLEET_KEY_MAX] = calloc(n, sizeof(*keys));
	struct buf b = BUF_INIT;
	size_t *offs = calloc(n + 1, sizeof(*offs));
	size_t nnew = 0;
	bool ok = false;

	if (!cmp || !ops || !keys || !offs)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct prefix *a = &j->vips[j->next + i];
		const struct vip *v = rib_vip_find(rib, a);
		int64_t mod = rev_live(&f->vrev, a);
		fleet_key_addr(f->prefix, FLEET_K_VIP, a, keys[i],
		    sizeof(keys[i]));
		cmp[i].key = keys[i];
		cmp[i].result = ETCD_CMP_EQ;
		/* A VIP only this host's config holds (static) has no key. */
		cmp[i].target = mod ? ETCD_CMP_MOD : ETCD_CMP_CREATE;
		cmp[i].num = mod;
		nnew += mod == 0;
		offs[i] = buf_used(&b);
		if (j->kind == W_WITHDRAW) {
			record_put_change(&b, rib, a, NULL, NULL, j->owner);
		} else {
			record_put_change(&b, rib, a, v ? NULL : j->req.pool,
			    &j->req, NULL);
		}
		ops[i].key = keys[i];
		ops[i].kind = ETCD_OP_PUT;
	}
	offs[n] = buf_used(&b);
	if (b.failed)
		goto out;
	free(j->recs);
	j->recs = malloc(buf_used(&b) + 1);
	if (j->recs == NULL)
		goto out;
	memcpy(j->recs, buf_data(&b), buf_used(&b));
	j->recs[buf_used(&b)] = '\0';
	for (size_t i = 0; i < n; i++) {
		ops[i].value = j->recs + offs[i];
		ops[i].value_len = offs[i + 1] - offs[i] - 1;	/* no \n */
		/* A record with no owners left: the key goes. */
		if (j->kind == W_WITHDRAW && strstr(ops[i].value,
		    "\"owners\":[]}") != NULL && ops[i].value +
		    ops[i].value_len == strstr(ops[i].value, "\"owners\":[]}") +
		    strlen("\"owners\":[]}"))
			ops[i].kind = ETCD_OP_DELETE;
	}
	j->chunk = n;
	j->chunk_new = nnew;
	/* On a conflict, the keys as they are now: the mirror takes them
	 * and the chunk is built again at once. */
	struct etcd_op *reads = calloc(n, sizeof(*reads));
	if (reads == NULL)
		goto out;
	for (size_t i = 0; i < n; i++)
		reads[i] = (struct etcd_op){ .kind = ETCD_OP_RANGE,
		    .key = keys[i] };
	ok = etcd_txn(f->e, cmp, n, ops, n, reads, n, wjob_cb, j->self);
	free(reads);
	j->inflight = ok;
out:
	buf_free(&b);
	free(cmp);
	free(ops);
	free(keys);
	free(offs);
	return ok;
}

static void wjob_cb(void *arg, const struct etcd_reply *r)
{
	struct wjob **self = arg;
	struct wjob *j = *self;

	if (j == NULL) {	/* the job is gone (lbbgpd stopping) */
		free(self);
		return;
	}
	struct fleetd *f = j->f;
	j->inflight = false;
	if (r->err != ETCD_OK) {
		store_failed(f, r);
		j->failed = true;
		j->code = CTL_E_STORE_UNAVAILABLE;
		if (r->maybe_applied)
			snprintf(j->res.msg, sizeof(j->res.msg), "etcd's answer "
			    "was lost (%s): the change may have been made; "
			    "bgpctl show vips tells", r->msg);
		else
			snprintf(j->res.msg, sizeof(j->res.msg), "etcd did not "
			    "take the change (%s); nothing was changed",
			    r->msg);
		ctl_job_wake(f->d);
		return;
	}
	store_answered(f);
	if (!r->succeeded) {
		/* Another host changed one of these keys: the mirror takes
		 * them as they are now, and the chunk is checked and built
		 * again. */
		f->conflicts++;
		for (size_t i = 0; i < r->nops && i < j->chunk; i++) {
			const struct prefix *a = &j->vips[j->next + i];
			char key[FLEET_KEY_MAX];
			fleet_key_addr(f->prefix, FLEET_K_VIP, a, key,
			    sizeof(key));
			if (r->ops[i].nkvs == 0)
				apply_vip(f, key, a, NULL, 0, r->rev);
			for (size_t k = 0; k < r->ops[i].nkvs; k++)
				apply_kv(f, &r->ops[i].kvs[k], false);
		}
		if (++j->tries > FLEET_RETRIES) {
			wjob_fail(j, CTL_E_STORE_UNAVAILABLE, "other hosts "
			    "kept changing these VIPs; try again");
		} else if (j->kind == W_ALLOCATE) {
			struct prefix *nt = realloc(j->tried,
			    (j->ntried + 1) * sizeof(*nt));
			if (nt != NULL) {
				j->tried = nt;
				j->tried[j->ntried++] = j->vips[0];
			}
			j->skip = (unsigned)random() % (4u << (j->tries < 4 ?
			    j->tries : 4));
			j->n = 0;	/* pick again */
		} else if (!wjob_check(j, j->next, j->chunk)) {
			/* e.g. another owner took the VIP without our key */
		}
		j->chunk = 0;
		ctl_job_wake(f->d);
		return;
	}
	/* Committed: the RIB takes it now, the watch confirms it later. */
	const char *p = j->recs;
	for (size_t i = 0; i < j->chunk; i++) {
		const char *nl = strchr(p, '\n');
		const struct prefix *a = &j->vips[j->next + i];
		char key[FLEET_KEY_MAX];
		fleet_key_addr(f->prefix, FLEET_K_VIP, a, key, sizeof(key));
		if (j->kind == W_WITHDRAW && strstr(p, "\"owners\":[]}") &&
		    strstr(p, "\"owners\":[]}") < nl) {
			apply_vip(f, key, a, NULL, 0, r->rev);
			j->created++;
		} else {
			apply_vip(f, key, a, p, (size_t)(nl - p), r->rev);
		}
		p = nl + 1;
	}
	/*
	 * New keys: those sent with create_revision == 0, which the commit
	 * proves were absent.  Not the mirror's view now: the watch may
	 * have brought this very write before the reply to it.
	 */
	if (j->kind != W_WITHDRAW)
		j->created += j->chunk_new;
	j->next += j->chunk;
	j->chunk = 0;
	j->tries = 0;
	ctl_job_wake(f->d);
}

static enum ctl_step wjob_step(struct ctl_job *job, struct ctl_req *r)
{
	struct wjob *j = (struct wjob *)job;
	struct fleetd *f = j->f;
	struct rib_res res = { 0 };

	if (j->inflight)
		return CTL_STEP_WAIT;
	if (!j->failed && j->kind == W_ALLOCATE && j->n == 0) {
		struct prefix *want = NULL;
		size_t nwant = 0;
		if (j->ntried == 0 && !ctl_parse_vips(r, &want, &nwant, false))
			return CTL_STEP_DONE;
		if (nwant > 1) {
			free(want);
			ctl_fail(r->reply, CTL_E_BAD_REQUEST,
			    "allocate takes one \"vip\"");
			return CTL_STEP_DONE;
		}
		if (nwant == 1 || j->wanted) {
			if (nwant == 1)
				j->vips[0] = want[0];
			j->wanted = true;
			free(want);
		} else {
			free(want);
			if (!rib_allocate_pick(f->d->rib, &j->req,
			    allocate_taken, j, &j->vips[0], &j->pool, &res)) {
				ctl_fail(r->reply, ctl_code_of_rib(res.err), "%s",
				    res.msg);
				return CTL_STEP_DONE;
			}
			j->req.pool = j->pool;
		}
		j->n = 1;
		j->next = 0;
		if (!wjob_check(j, 0, 1)) {
			ctl_fail(r->reply, j->code, "%s", j->res.msg);
			return CTL_STEP_DONE;
		}
	}
	if (!j->failed && j->next < j->n) {
		if (!f->store_ok) {
			char m[sizeof(j->res.msg)];
			snprintf(m, sizeof(m), "etcd cannot be reached (%.150s): "
			    "changes are refused; what is announced stays as "
			    "it is", f->err);
			wjob_fail(j, CTL_E_STORE_UNAVAILABLE, m);
		} else if (!wjob_send(j)) {
			wjob_fail(j, CTL_E_NOMEM, "out of memory");
		} else {
			return CTL_STEP_WAIT;
		}
	}
	if (j->failed) {
		ctl_fail(r->reply, j->code, "%s", j->res.msg);
		if (j->kind != W_ALLOCATE && j->n > 1 && j->next < j->n) {
			char a[PREFIX_STRLEN];
			json_object_object_add(r->reply, "vip",
			    json_object_new_string(addr_fmt(&j->vips[j->next],
			    a, sizeof(a))));
			if (j->next > 0)
				json_object_object_add(r->reply, "applied",
				    json_object_new_uint64(j->next));
		}
		return CTL_STEP_DONE;
	}
	if (j->kind == W_ALLOCATE) {
		char a[PREFIX_STRLEN];
		const struct vip *v = rib_vip_find(f->d->rib, &j->vips[0]);
		json_object_object_add(r->reply, "vip",
		    json_object_new_string(addr_fmt(&j->vips[0], a,
		    sizeof(a))));
		if (v != NULL)
			json_object_object_add(r->reply, "pool",
			    json_object_new_string(
			    f->d->conf->pools[v->pool].name));
	} else {
		json_object_object_add(r->reply, j->kind == W_ADD ? "added" :
		    "withdrawn", json_object_new_uint64(j->created));
	}
	return CTL_STEP_DONE;
}

static void wjob_free(struct ctl_job *job)
{
	struct wjob *j = (struct wjob *)job;

	/*
	 * A job ends while its request is in flight only when lbbgpd stops,
	 * and then etcd_free() follows: no callback comes.  Just in case
	 * one does, it finds NULL.
	 */
	if (j->inflight)
		*j->self = NULL;
	else
		free(j->self);
	free(j->vips);
	free(j->recs);
	free(j->tried);
	free(j);
}

/* A job for r; the reply is filled in when it could not start. */
static struct wjob *wjob_new(struct ctl_req *r, enum wkind kind)
{
	struct fleetd *f = F(r->d);
	struct wjob *j = calloc(1, sizeof(*j));

	if (j == NULL || (j->self = malloc(sizeof(*j->self))) == NULL) {
		free(j);
		ctl_fail(r->reply, CTL_E_NOMEM, "out of memory");
		return NULL;
	}
	*j->self = j;
	j->f = f;
	j->kind = kind;
	j->job.step = wjob_step;
	j->job.free = wjob_free;
	if (f->st != FS_LIVE || !f->store_ok) {
		ctl_fail(r->reply, CTL_E_STORE_UNAVAILABLE, "etcd cannot be "
		    "reached (%s): changes are refused; what is announced "
		    "stays as it is; bgpctl show fleet says more",
		    f->st != FS_LIVE && f->store_ok ? "still reading it" :
		    f->err);
		wjob_free(&j->job);
		return NULL;
	}
	r->job = &j->job;
	return j;
}

/* The batch is checked as a local one is, before anything is sent: a
 * refusal is the usual reply, naming the VIP. */
static void wjob_begin(struct ctl_req *r, struct wjob *j,
    struct prefix *vips, size_t n)
{
	j->vips = vips;
	j->n = n;
	if (wjob_check(j, 0, n)) {
		j->next = 0;
		return;
	}
	r->job = NULL;
	ctl_fail(r->reply, j->code, "%s", j->res.msg);
	if (n > 1) {
		char a[PREFIX_STRLEN];
		json_object_object_add(r->reply, "vip", json_object_new_string(
		    addr_fmt(&vips[j->next], a, sizeof(a))));
	}
	wjob_free(&j->job);
}

void fleetd_cmd_add(struct ctl_req *r)
{
	struct wjob *j;
	struct prefix *vips;
	size_t n;
	struct vip_req req;
	uint32_t comm[MAX_VIP_COMMUNITIES];

	if (!ctl_parse_holder(r, &req, comm) ||
	    !ctl_parse_vips(r, &vips, &n, true))
		return;
	if ((j = wjob_new(r, W_ADD)) == NULL) {
		free(vips);
		return;
	}
	j->req = req;
	memcpy(j->comm, comm, sizeof(comm));
	j->req.communities = j->comm;
	wjob_begin(r, j, vips, n);
}

void fleetd_cmd_withdraw(struct ctl_req *r)
{
	struct wjob *j;
	struct prefix *vips;
	size_t n;
	const char *owner = NULL;
	json_object *o;

	if (json_object_object_get_ex(r->req, "owner", &o)) {
		if (!json_object_is_type(o, json_type_string)) {
			ctl_fail(r->reply, CTL_E_BAD_REQUEST,
			    "\"owner\" must be a string");
			return;
		}
		owner = json_object_get_string(o);
	}
	if (!ctl_parse_vips(r, &vips, &n, true))
		return;
	if ((j = wjob_new(r, W_WITHDRAW)) == NULL) {
		free(vips);
		return;
	}
	j->owner = owner ? owner : "default";
	wjob_begin(r, j, vips, n);
}

void fleetd_cmd_allocate(struct ctl_req *r)
{
	struct wjob *j;
	struct vip_req req;
	uint32_t comm[MAX_VIP_COMMUNITIES];

	if (!ctl_parse_holder(r, &req, comm))
		return;
	if ((j = wjob_new(r, W_ALLOCATE)) == NULL)
		return;
	j->req = req;
	memcpy(j->comm, comm, sizeof(comm));
	j->req.communities = j->comm;
	j->vips = calloc(1, sizeof(*j->vips));
	if (j->vips == NULL) {
		r->job = NULL;
		ctl_fail(r->reply, CTL_E_NOMEM, "out of memory");
		wjob_free(&j->job);
		return;
	}
	/* n == 0: the first step picks the address. */
}

/* ---- show and metrics ------------------------------------------------------ */

json_object *fleetd_announcers_json(const struct lbbgpd *d,
    const struct vip *v)
{
	struct fleetd *f = F(d);
	json_object *arr = json_object_new_array();

	if (f == NULL)
		return arr;
	if (d->conf->pools[v->pool].announce == CONF_ANNOUNCE_ONE) {
		const char *h = announcer(f, &v->addr);
		if (h != NULL)
			json_object_array_add(arr, json_object_new_string(h));
		return arr;
	}
	for (size_t i = 0; i < f->nhosts; i++) {
		struct host_up_ctx hc = { &f->hosts[i] };
		bool me = strcmp(f->hosts[i].rec.node, f->node) == 0;
		if (me ? up_here(d->rib, v) : rib_vip_up_where(d->rib, v,
		    host_up, &hc))
			json_object_array_add(arr, json_object_new_string(
			    f->hosts[i].rec.node));
	}
	return arr;
}

json_object *fleetd_summary_json(const struct lbbgpd *d)
{
	const struct fleetd *f = F(d);
	json_object *o = json_object_new_object();

	json_object_object_add(o, "cluster", json_object_new_string(
	    d->conf->fleet->cluster));
	json_object_object_add(o, "node", json_object_new_string(f->node));
	json_object_object_add(o, "state", json_object_new_string(
	    fleetd_state(d)));
	if (!f->store_ok)
		json_object_object_add(o, "error", json_object_new_string(
		    f->err));
	return o;
}

void fleetd_cmd_show(struct ctl_req *r)
{
	struct fleetd *f = F(r->d);
	double now = now_mono();
	json_object *o, *eps, *hosts, *ones;

	if (f == NULL) {
		ctl_fail(r->reply, CTL_E_BAD_REQUEST, "this lbbgpd has no "
		    "fleet block: it is a host of its own (lbbgp.conf(5), "
		    "fleet)");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "cluster", json_object_new_string(
	    r->d->conf->fleet->cluster));
	json_object_object_add(o, "node", json_object_new_string(f->node));
	json_object_object_add(o, "state", json_object_new_string(
	    fleetd_state(r->d)));
	if (!f->store_ok)
		json_object_object_add(o, "error", json_object_new_string(
		    f->err));
	json_object_object_add(o, "no-leader",
	    json_object_new_boolean(f->no_leader));
	json_object_object_add(o, "revision", json_object_new_int64(f->rev));
	json_object_object_add(o, "watch", json_object_new_string(
	    f->watch_up ? "up" : "down"));
	if (f->watch_up)
		json_object_object_add(o, "watch-endpoint",
		    json_object_new_string(f->watch_ep));
	char lease[32];
	snprintf(lease, sizeof(lease), "%llx", (unsigned long long)f->lease);
	json_object_object_add(o, "lease", json_object_new_string(lease));
	json_object_object_add(o, "lease-ttl",
	    json_object_new_int(f->lease_secs));
	if (f->lease != 0)
		json_object_object_add(o, "lease-renewed-ago",
		    json_object_new_double(now - f->lease_ok));
	json_object_object_add(o, "withheld",
	    json_object_new_boolean(f->withheld));
	eps = json_object_new_array();
	for (size_t i = 0; i < etcd_nendpoints(f->e); i++) {
		struct etcd_endpoint_info ei;
		etcd_endpoint(f->e, i, &ei);
		json_object *ep = json_object_new_object();
		json_object_object_add(ep, "url", json_object_new_string(
		    ei.url));
		json_object_object_add(ep, "current",
		    json_object_new_boolean(ei.current));
		json_object_object_add(ep, "ok", json_object_new_boolean(
		    ei.last_ok > 0 && ei.fails == 0));
		if (ei.last_err && *ei.last_err)
			json_object_object_add(ep, "last-error",
			    json_object_new_string(ei.last_err));
		json_object_object_add(ep, "failures",
		    json_object_new_int64(ei.fails));
		json_object_array_add(eps, ep);
	}
	json_object_object_add(o, "endpoints", eps);
	hosts = json_object_new_array();
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *h = &f->hosts[i].rec;
		json_object *ho = json_object_new_object(), *ck;
		json_object_object_add(ho, "node", json_object_new_string(
		    h->node));
		json_object_object_add(ho, "self", json_object_new_boolean(
		    strcmp(h->node, f->node) == 0));
		json_object_object_add(ho, "router-id", json_object_new_string(
		    h->router_id));
		json_object_object_add(ho, "version", json_object_new_string(
		    h->version));
		json_object_object_add(ho, "started", json_object_new_int64(
		    h->started));
		ck = json_object_new_object();
		for (size_t k = 0; k < h->nchecks; k++)
			json_object_object_add(ck, h->checks[k].name,
			    json_object_new_string(fleet_check_state_name(
			    h->checks[k].state)));
		json_object_object_add(ho, "checks", ck);
		json_object_array_add(hosts, ho);
	}
	json_object_object_add(o, "hosts", hosts);
	ones = json_object_new_array();
	for (const struct vip *v = rib_vip_next(r->d->rib, NULL); v;
	    v = rib_vip_next(r->d->rib, v)) {
		if (r->d->conf->pools[v->pool].announce != CONF_ANNOUNCE_ONE)
			continue;
		char a[PREFIX_STRLEN];
		const char *h = announcer(f, &v->addr);
		json_object *vo = json_object_new_object();
		json_object_object_add(vo, "vip", json_object_new_string(
		    addr_fmt(&v->addr, a, sizeof(a))));
		json_object_object_add(vo, "announcer", h ?
		    json_object_new_string(h) : NULL);
		json_object_array_add(ones, vo);
	}
	json_object_object_add(o, "one-vips", ones);
	json_object_object_add(r->reply, "fleet", o);
}

void fleetd_metrics(struct om *o, const struct lbbgpd *d)
{
	const struct fleetd *f = F(d);
	struct om_label l;

	if (f == NULL)
		return;
	om_family(o, "lbbgp_fleet_store_up", OM_GAUGE, NULL,
	    "1 while etcd answers and the watch is up, 0 while the fleet "
	    "is degraded (announcing what it knows, refusing changes)");
	om_sample(o, NULL, 0, f->store_ok && f->watch_up);
	om_family(o, "lbbgp_fleet_store_requests", OM_COUNTER, NULL,
	    "Requests to etcd by result");
	l = (struct om_label){ "result", "ok" };
	om_sample(o, &l, 1, f->req_ok);
	l.value = "error";
	om_sample(o, &l, 1, f->req_err);
	om_family(o, "lbbgp_fleet_lease_renewals", OM_COUNTER, NULL,
	    "Keep-alives of this host's lease by result");
	l.value = "ok";
	om_sample(o, &l, 1, f->renew_ok);
	l.value = "error";
	om_sample(o, &l, 1, f->renew_err);
	om_family(o, "lbbgp_fleet_watch_lag_seconds", OM_GAUGE, "seconds",
	    "How long the watch of etcd has been down (0 while it is up)");
	om_sample_double(o, NULL, 0, f->watch_up || f->watch_lost_at == 0 ?
	    0 : now_mono() - f->watch_lost_at);
	om_family(o, "lbbgp_fleet_hosts", OM_GAUGE, NULL,
	    "Live hosts of the fleet (hosts/ keys), this one included");
	om_sample(o, NULL, 0, f->nhosts);
	om_family(o, "lbbgp_fleet_claims", OM_GAUGE, NULL,
	    "`announce one` VIPs this host holds the claim of");
	om_sample(o, NULL, 0, rib_claims(d->rib));
	om_family(o, "lbbgp_fleet_keys_skipped", OM_COUNTER, NULL,
	    "Keys under the fleet's prefix that did not parse, skipped");
	om_sample(o, NULL, 0, f->skipped);
	om_family(o, "lbbgp_fleet_resyncs", OM_COUNTER, NULL,
	    "Whole reads of the prefix after the watch ended (compaction)");
	om_sample(o, NULL, 0, f->resyncs);
	om_family(o, "lbbgp_fleet_write_conflicts", OM_COUNTER, NULL,
	    "Writes that met another host's change and were made again");
	om_sample(o, NULL, 0, f->conflicts);
}
