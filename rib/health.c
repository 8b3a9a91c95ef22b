/*
 * health.c - what health checks and drains do to VIPs: rise/fall
 * accounting of each check's probe results, the rule that a VIP is up
 * while any holder of it is up, drains and their deadlines, and the
 * marks (MED, prepends, communities, GRACEFUL_SHUTDOWN) a VIP puts on
 * its routes.
 *
 * Pure, like the rest of rib/: the daemon runs the probes, keeps the
 * clock and passes both in.  Every change to how a VIP shows goes through
 * vip_relook(), so the export counts always match vip_look().
 */
#include "rib/rib_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static const char *const state_names[] = {
	[RIB_CHECK_PENDING] = "pending",
	[RIB_CHECK_UP] = "up",
	[RIB_CHECK_DOWN] = "down",
	[RIB_CHECK_DISABLED] = "disabled",
};
_Static_assert(NELEM(state_names) == RIB_CHECK_DISABLED + 1,
    "one name per check state");

const char *rib_check_state_name(enum rib_check_state s)
{
	return (size_t)s < NELEM(state_names) ? state_names[s] : "?";
}

bool marks_init(struct rib *r)
{
	size_t n = r->conf->nchecks;

	pt_init(&r->drains);
	r->checks = calloc(n ? n : 1, sizeof(*r->checks));
	return r->checks != NULL && claims_init(r);
}

void marks_free(struct rib *r)
{
	free(r->checks);
	pt_free(&r->drains);
	claims_free(r);
}

uint16_t owner_check(const struct rib *r, const struct vip *v,
    const struct vip_owner *o)
{
	if (o->check != 0)
		return o->check;
	size_t pc = r->conf->pools[v->pool].check_idx;
	return pc == SIZE_MAX ? 0 : (uint16_t)(pc + 1);
}

bool rib_vip_up_where(const struct rib *r, const struct vip *v,
    rib_check_up_fn *up, void *ctx)
{
	for (uint32_t i = 0; i < v->nowners; i++) {
		uint16_t c = owner_check(r, v, vip_owner(v, i));
		if (c == 0 || up(ctx, r->conf->checks[c - 1].name))
			return true;
	}
	return false;
}

/* ---- a VIP's health ------------------------------------------------------ */

/* Best first: a VIP takes the best of its holders. */
enum vh { VH_UP, VH_PENDING, VH_DOWN, VH_DISABLED, VH_NONE };

static enum vh check_vh(const struct rib *r, uint16_t chk)
{
	if (chk == 0)
		return VH_UP;
	switch (r->checks[chk - 1].state) {
	case RIB_CHECK_UP:
		return VH_UP;
	case RIB_CHECK_DOWN:
		return VH_DOWN;
	case RIB_CHECK_DISABLED:
		return VH_DISABLED;
	default:
		return VH_PENDING;
	}
}

/* The VIP's health, and for down and disabled the check that decides
 * (the first holder's of that rank, a keeping one first). */
static enum vh vip_health(const struct rib *r, const struct vip *v,
    size_t *which, bool *bound)
{
	enum vh best = VH_NONE;

	*bound = false;
	*which = SIZE_MAX;
	if (r->conf->nchecks == 0)
		return VH_UP;
	for (uint32_t i = 0; i < v->nowners && best != VH_UP; i++) {
		uint16_t chk = owner_check(r, v, vip_owner(v, i));
		enum vh h = check_vh(r, chk);
		*bound |= chk != 0;
		/* Among down holders, one whose on-down keeps the route
		 * wins: a worse route beats none. */
		if (h < best || (h == VH_DOWN && best == VH_DOWN &&
		    !r->conf->checks[*which].down_keep &&
		    r->conf->checks[chk - 1].down_keep)) {
			best = h;
			*which = chk ? (size_t)chk - 1 : SIZE_MAX;
		}
	}
	return best == VH_NONE ? VH_UP : best;
}

static enum rib_drain drain_of(const struct rib *r, const struct vip *v)
{
	if (r->drains.n == 0)
		return RIB_DRAIN_NONE;
	struct pt_key k = pt_key_make(&v->addr, 0);
	const struct pt_entry *e = pt_find(&r->drains, &k);
	return e ? (enum rib_drain)e->v2 : RIB_DRAIN_NONE;
}

struct vip_look vip_look(const struct rib *r, const struct vip *v)
{
	struct vip_look l = { .shown = true, .own = v->necomm > 0 };
	size_t which;
	bool bound;

	if (r->one_pools && claims_hide(r, v)) {
		l.shown = false;
		return l;
	}
	if (r->conf->nchecks == 0 && r->drains.n == 0)
		return l;	/* the common case, kept cheap */
	enum rib_drain d = drain_of(r, v);
	switch (vip_health(r, v, &which, &bound)) {
	case VH_UP:
		l.shown = d != RIB_DRAINED;
		l.own |= d == RIB_DRAINING;
		break;
	case VH_DOWN:
		l.shown = r->conf->checks[which].down_keep && d != RIB_DRAINED;
		l.own = true;
		break;
	case VH_DISABLED:
		l.shown = !r->checks[which].drain_over && d != RIB_DRAINED;
		l.own = true;
		break;
	default:
		l.shown = false;
		break;
	}
	return l;
}

bool vip_marks(const struct rib *r, const struct vip *v,
    struct route_marks *m, const uint32_t **comm, size_t *ncomm)
{
	size_t which;
	bool bound;

	*m = (struct route_marks){ 0 };
	*comm = NULL;
	*ncomm = 0;
	if (r->conf->nchecks == 0 && r->drains.n == 0)
		return false;
	enum vh h = vip_health(r, v, &which, &bound);
	if (drain_of(r, v) == RIB_DRAINING || h == VH_DISABLED)
		m->flags |= MARK_GSHUT;
	if (h == VH_DOWN) {
		const struct conf_check *c = &r->conf->checks[which];
		if (c->down_med_set) {
			m->flags |= MARK_MED;
			m->med = c->down_med;
		}
		m->prepend = c->down_prepend;
		*comm = c->down_comm;
		*ncomm = c->ndown_comm;
	}
	return m->flags != 0 || m->prepend != 0 || *ncomm != 0;
}

void rib_vip_status(const struct rib *r, const struct vip *v,
    struct rib_vip_status *st)
{
	static const char *const names[] = {
		[VH_UP] = "up", [VH_PENDING] = "pending", [VH_DOWN] = "down",
		[VH_DISABLED] = "disabled", [VH_NONE] = "up",
	};
	size_t which;
	bool bound;
	enum vh h = vip_health(r, v, &which, &bound);

	st->health = bound ? names[h] : NULL;
	st->drain = drain_of(r, v);
	st->shown = vip_look(r, v).shown;
}

/* ---- check states -------------------------------------------------------- */

/* Re-count every VIP bound to check i after its state changed from
 * `was`: each is looked at under the old state, then the new one. */
static void check_relook(struct rib *r, size_t i, struct rib_check_st was)
{
	struct rib_check_st now = r->checks[i];

	for (size_t s = 0; s < r->nslots; s++) {
		const struct vip *v = &r->vips[s];
		bool bound = false;
		if (v->addr.afi == AFI_NONE)
			continue;
		for (uint32_t j = 0; j < v->nowners && !bound; j++)
			bound = owner_check(r, v, vip_owner(v, j)) == i + 1;
		if (!bound)
			continue;
		r->checks[i] = was;
		struct vip_look before = vip_look(r, v);
		r->checks[i] = now;
		vip_relook(r, v, before);
	}
}

static void check_enter(struct rib *r, size_t i, enum rib_check_state st,
    uint64_t now_ms)
{
	struct rib_check_st *c = &r->checks[i], was = *c;

	c->state = (uint8_t)st;
	c->since_ms = now_ms;
	c->transitions++;
	c->drain_over = false;
	if (st == RIB_CHECK_DISABLED) {
		c->drain_end_ms = now_ms + (uint64_t)r->conf->drain_time * 1000;
		c->drain_over = r->conf->drain_time == 0;
	}
	check_relook(r, i, was);
}

bool rib_check_result(struct rib *r, size_t check, enum rib_probe res,
    const char *reason, double latency, uint64_t now_ms)
{
	if (check >= r->conf->nchecks)
		return false;
	struct rib_check_st *c = &r->checks[check];
	const struct conf_check *cc = &r->conf->checks[check];
	enum rib_check_state st = c->state, next = st;

	c->has_last = true;
	c->last = (uint8_t)res;
	c->latency = latency;
	c->last_ms = now_ms;
	snprintf(c->reason, sizeof(c->reason), "%s", reason ? reason : "");
	if (res == RIB_PROBE_DISABLED) {
		c->passes = c->fails = 0;
		next = RIB_CHECK_DISABLED;
	} else if (res == RIB_PROBE_PASS) {
		c->fails = 0;
		c->passes++;
		/* The first result (at start, after disabled) decides. */
		if (st == RIB_CHECK_PENDING || st == RIB_CHECK_DISABLED ||
		    (st == RIB_CHECK_DOWN && c->passes >= cc->rise))
			next = RIB_CHECK_UP;
	} else {
		c->passes = 0;
		c->fails++;
		if (st == RIB_CHECK_PENDING || st == RIB_CHECK_DISABLED ||
		    (st == RIB_CHECK_UP && c->fails >= cc->fall))
			next = RIB_CHECK_DOWN;
	}
	if (next == st)
		return false;
	check_enter(r, check, next, now_ms);
	return true;
}

void rib_check_info(const struct rib *r, size_t check,
    struct rib_check_info *out)
{
	const struct rib_check_st *c = &r->checks[check];

	*out = (struct rib_check_info){
		.state = (enum rib_check_state)c->state,
		.since_ms = c->since_ms,
		.passes = c->passes,
		.fails = c->fails,
		.transitions = c->transitions,
		.has_last = c->has_last,
		.last = (enum rib_probe)c->last,
		.reason = c->reason,
		.latency = c->latency,
		.last_ms = c->last_ms,
		.drain_over = c->drain_over,
	};
}

size_t rib_check_vips(const struct rib *r, size_t check)
{
	size_t n = 0;

	for (const struct vip *v = rib_vip_next(r, NULL); v;
	    v = rib_vip_next(r, v)) {
		for (uint32_t j = 0; j < v->nowners; j++) {
			if (owner_check(r, v, vip_owner(v, j)) == check + 1) {
				n++;
				break;
			}
		}
	}
	return n;
}

bool rib_checks_pending(const struct rib *r)
{
	bool any = false;

	for (size_t i = 0; i < r->conf->nchecks && !any; i++)
		any = r->checks[i].state == RIB_CHECK_PENDING;
	if (!any)
		return false;
	/* Pending matters only when a VIP is bound to it: one walk, which
	 * stops at the first. */
	for (const struct vip *v = rib_vip_next(r, NULL); v;
	    v = rib_vip_next(r, v)) {
		for (uint32_t j = 0; j < v->nowners; j++) {
			uint16_t chk = owner_check(r, v, vip_owner(v, j));
			if (chk != 0 && r->checks[chk - 1].state ==
			    RIB_CHECK_PENDING)
				return true;
		}
	}
	return false;
}

/* ---- drains -------------------------------------------------------------- */

static uint32_t deadline_s(uint64_t now_ms, uint32_t secs)
{
	uint64_t d = (now_ms + 999) / 1000 + secs;
	return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

/* Drain or undrain one VIP; true when its drain changed. */
static bool drain_one(struct rib *r, const struct vip *v, bool on,
    uint32_t secs, uint64_t now_ms)
{
	struct pt_key k = pt_key_make(&v->addr, 0);
	struct pt_entry *e = pt_find(&r->drains, &k);

	if (!on) {
		if (e == NULL)
			return false;
		struct vip_look before = vip_look(r, v);
		if (e->v2 == RIB_DRAINING)
			r->ndraining--;
		pt_delete(&r->drains, e);
		vip_relook(r, v, before);
		return true;
	}
	if (e != NULL)
		return false;	/* keeps its deadline */
	struct vip_look before = vip_look(r, v);
	e = pt_insert(&r->drains, &k, NULL);
	if (e == NULL)
		return false;
	e->v1 = deadline_s(now_ms, secs);
	e->v2 = secs == 0 ? RIB_DRAINED : RIB_DRAINING;
	if (e->v2 == RIB_DRAINING)
		r->ndraining++;
	vip_relook(r, v, before);
	return true;
}

bool rib_vips_drain(struct rib *r, const struct prefix *vips, size_t n,
    bool on, uint32_t secs, uint64_t now_ms, size_t *bad, size_t *changed,
    struct rib_res *res)
{
	char a[PREFIX_STRLEN];

	*changed = 0;
	for (size_t i = 0; i < n; i++) {
		if (vip_lookup(r, &vips[i]) == NULL) {
			*bad = i;
			return rib_fail(res, RIB_E_NOT_HELD, "%s is not a VIP "
			    "of lbbgpd; bgpctl show vips lists them",
			    addr_fmt(&vips[i], a, sizeof(a)));
		}
	}
	for (size_t i = 0; i < n; i++) {
		/* Room for the whole batch first: a drain cannot half
		 * apply for want of memory. */
		const struct vip *v = vip_lookup(r, &vips[i]);
		*changed += drain_one(r, v, on, secs, now_ms);
	}
	res->err = RIB_OK;
	res->msg[0] = '\0';
	return true;
}

size_t rib_pool_drain(struct rib *r, size_t pool, bool on, uint32_t secs,
    uint64_t now_ms)
{
	size_t changed = 0;

	for (size_t s = 0; s < r->nslots; s++) {
		const struct vip *v = &r->vips[s];
		if (v->addr.afi == AFI_NONE || (pool != SIZE_MAX &&
		    v->pool != pool))
			continue;
		changed += drain_one(r, v, on, secs, now_ms);
	}
	return changed;
}

/* The earlier of two deadlines, 0 meaning none. */
static uint64_t sooner(uint64_t a, uint64_t b)
{
	return a == 0 || (b != 0 && b < a) ? b : a;
}

/* Disabled checks whose drain-time ran out: their VIPs are withdrawn. */
static uint64_t checks_tick(struct rib *r, uint64_t now_ms)
{
	uint64_t next = 0;

	for (size_t i = 0; i < r->conf->nchecks; i++) {
		struct rib_check_st *c = &r->checks[i];
		if (c->state != RIB_CHECK_DISABLED || c->drain_over)
			continue;
		if (now_ms < c->drain_end_ms) {
			next = sooner(next, c->drain_end_ms);
			continue;
		}
		struct rib_check_st was = *c;
		c->drain_over = true;
		check_relook(r, i, was);
	}
	return next;
}

/* Drains to end now (and those of VIPs no longer held) into *due;
 * returns the next deadline of the others. */
static uint64_t drains_due(struct rib *r, uint64_t now_ms,
    struct pt_key **due, size_t *ndue)
{
	uint64_t next = 0, now_s = now_ms / 1000;
	size_t cap = 0;

	for (struct pt_entry *e = pt_next(&r->drains, NULL); e;
	    e = pt_next(&r->drains, e)) {
		struct prefix a = pt_key_prefix(&e->k);
		bool gone = vip_lookup(r, &a) == NULL;
		if (!gone && e->v2 != RIB_DRAINING)
			continue;
		if (!gone && e->v1 > now_s) {
			next = sooner(next, (uint64_t)e->v1 * 1000);
			continue;
		}
		struct pt_key *nd = array_grow(*due, &cap, *ndue + 1,
		    sizeof(*nd));
		if (nd == NULL)
			return sooner(next, now_ms + 1000);	/* retry */
		*due = nd;
		nd[(*ndue)++] = e->k;
	}
	return next;
}

uint64_t rib_drain_tick(struct rib *r, uint64_t now_ms)
{
	uint64_t next = checks_tick(r, now_ms);
	struct pt_key *due = NULL;
	size_t ndue = 0;

	if (r->drains.n == 0)
		return next;
	next = sooner(next, drains_due(r, now_ms, &due, &ndue));
	for (size_t i = 0; i < ndue; i++) {
		struct prefix a = pt_key_prefix(&due[i]);
		const struct vip *v = vip_lookup(r, &a);
		struct pt_entry *e = pt_find(&r->drains, &due[i]);
		if (e == NULL)
			continue;
		if (v == NULL) {
			/* Adopted at a reload for a VIP that did not come
			 * back: forget it. */
			r->ndraining -= e->v2 == RIB_DRAINING;
			pt_delete(&r->drains, e);
			continue;
		}
		struct vip_look before = vip_look(r, v);
		e->v2 = RIB_DRAINED;
		r->ndraining--;
		vip_relook(r, v, before);
	}
	free(due);
	return next;
}

size_t rib_draining(const struct rib *r)
{
	size_t n = r->ndraining;

	for (size_t i = 0; i < r->conf->nchecks; i++)
		if (r->checks[i].state == RIB_CHECK_DISABLED &&
		    !r->checks[i].drain_over)
			n += rib_check_vips(r, i);
	return n;
}

void marks_forget(struct rib *r, const struct vip *v)
{
	if (r->drains.n == 0)
		return;
	struct pt_key k = pt_key_make(&v->addr, 0);
	struct pt_entry *e = pt_find(&r->drains, &k);
	if (e == NULL)
		return;
	if (e->v2 == RIB_DRAINING)
		r->ndraining--;
	pt_delete(&r->drains, e);
}

void rib_health_adopt(struct rib *r, const struct rib *from)
{
	const struct conf *c = r->conf, *fc = from->conf;

	for (size_t i = 0; i < c->nchecks; i++) {
		for (size_t j = 0; j < fc->nchecks; j++) {
			if (strcmp(c->checks[i].name, fc->checks[j].name) != 0)
				continue;
			struct rib_check_st was = r->checks[i];
			r->checks[i] = from->checks[j];
			check_relook(r, i, was);
			break;
		}
	}
	for (struct pt_entry *e = pt_next(&from->drains, NULL); e;
	    e = pt_next(&from->drains, e)) {
		struct pt_entry *ne = pt_insert(&r->drains, &e->k, NULL);
		if (ne == NULL)
			break;	/* out of memory: those VIPs undrain */
		ne->v1 = e->v1;
		ne->v2 = e->v2;
		r->ndraining += e->v2 == RIB_DRAINING;
	}
	/* Static VIPs of r exist already: count them again. */
	if (from->drains.n > 0) {
		for (size_t s = 0; s < r->nslots; s++) {
			const struct vip *v = &r->vips[s];
			if (v->addr.afi == AFI_NONE)
				continue;
			struct pt_key k = pt_key_make(&v->addr, 0);
			struct pt_entry *e = pt_find(&r->drains, &k);
			if (e == NULL)
				continue;
			/* Looked at undrained, then drained. */
			uint32_t v1 = e->v1, v2 = e->v2;
			pt_delete(&r->drains, e);
			struct vip_look before = vip_look(r, v);
			e = pt_insert(&r->drains, &k, NULL);
			if (e == NULL)
				continue;
			e->v1 = v1;
			e->v2 = v2;
			vip_relook(r, v, before);
		}
	}
}
