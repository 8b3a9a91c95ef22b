/*
 * health.c - the schedule of lbbgp's health checks: one timer per check,
 * the disable-file, reload by name, and the report of every probe.  The
 * probes themselves are in http.c, tcp.c and exec.c.
 *
 * A check probes once at health_apply(), a second time at a random point
 * in the second half of its interval, and then every interval_ms from
 * the start of each probe (a repeating timer, so slow probes do not make
 * the schedule drift); at most one probe of a check is in flight, a tick
 * that finds one still running is skipped.  Reports are only made from
 * the loop's callbacks, never from inside health_apply(), so a caller
 * never sees a report about a config it has not finished installing.
 *
 * It must not judge results (rise, fall and what down means are rib/'s)
 * and must not block the loop.  The report function must not call
 * health_apply() or health_free().
 */
#include "config.h"

#include "bgpd/health/health.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bgpd/health/health_int.h"
#include "conf/conf.h"
#include "util/buf.h"

/* The kinds of probe, indexed by enum conf_check_kind. */
static const struct {
	void (*start)(struct hcheck *);
	void (*cancel)(struct hcheck *);
} probe_kinds[] = {
	[CHECK_HTTP] = { http_start, http_cancel },
	[CHECK_TCP] = { tcp_start, tcp_cancel },
	[CHECK_EXEC] = { exec_start, exec_cancel },
};
_Static_assert(NELEM(probe_kinds) == CHECK_EXEC + 1,
    "one probe kind per enum conf_check_kind");

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

const char *probe_timeout_reason(const struct hcheck *hc, char *buf,
    size_t size)
{
	snprintf(buf, size, "timeout after %.1f s",
	    (double)hc->cc->timeout_ms / 1000.0);
	return buf;
}

static void report_v(struct hcheck *hc, enum health_result res,
    const char *fmt, va_list ap)
{
	char reason[HEALTH_REASON_LEN];
	struct health_report r = { .check = hc->idx, .result = res,
	    .reason = reason };

	if (hc->reported || hc->removed)
		return;
	hc->reported = true;
	vsnprintf(reason, sizeof(reason), fmt, ap);
	r.latency = mono_now() - hc->start;
	if (r.latency < 0)
		r.latency = 0;
	hc->h->fn(hc->h->ctx, &r);
}

void probe_report(struct hcheck *hc, enum health_result res,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_v(hc, res, fmt, ap);
	va_end(ap);
}

static void orphan_free(struct hcheck *hc)
{
	struct hcheck **pp;

	for (pp = &hc->h->orphans; *pp != NULL; pp = &(*pp)->next_orphan)
		if (*pp == hc) {
			*pp = hc->next_orphan;
			break;
		}
	free(hc);
}

/*
 * Nothing of the probe is left: the report sees it ended (not counted
 * by health_running()), and an orphan has no more reason to be.
 */
void probe_finish(struct hcheck *hc, enum health_result res,
    const char *fmt, ...)
{
	va_list ap;

	hc->running = false;
	if (hc->removed) {
		orphan_free(hc);
		return;
	}
	va_start(ap, fmt);
	report_v(hc, res, fmt, ap);
	va_end(ap);
}

static void tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct hcheck *hc = w->data;
	const struct conf_check *cc = hc->cc;
	struct stat st;

	if (hc->running)
		return;		/* one probe at a time: skip this tick */
	if (!hc->phased) {
		/*
		 * Checks start together (the first results are wanted at
		 * once); from the second probe on each keeps a phase of its
		 * own, 0.5 to 1 interval after the first, so 100 checks of
		 * one backend do not ask it all in the same millisecond.
		 */
		double iv = (double)cc->interval_ms / 1000.0;
		double first = iv * (0.5 + 0.5 * ((double)random() /
		    (double)RAND_MAX));
		hc->phased = true;
		ev_timer_stop(loop, w);
		ev_timer_set(w, first, iv);
		ev_timer_start(loop, w);
	}
	hc->start = mono_now();
	hc->reported = false;
	if (cc->disable_file != NULL && stat(cc->disable_file, &st) == 0) {
		probe_report(hc, HEALTH_DISABLED, "disable-file %s exists",
		    cc->disable_file);
		return;
	}
	hc->running = true;
	probe_kinds[cc->kind].start(hc);
}

static struct hcheck *hcheck_new(struct health *h)
{
	struct hcheck *hc = calloc(1, sizeof(*hc));

	if (hc == NULL)
		return NULL;
	hc->h = h;
	hc->fd = -1;
	hc->pid = -1;
	ev_init(&hc->tick, tick_cb);
	hc->tick.data = hc;
	return hc;
}

/*
 * Stop hc for good.  A probe in flight is cancelled; an exec'd child
 * has been killed with its group, and hc lives on as an orphan until
 * its ev_child reaps it (so a reload never waits and never leaves a
 * zombie); with reap (health_free, the loop may not run again) it is
 * reaped here, briefly.
 */
static void hcheck_stop(struct hcheck *hc, bool reap)
{
	ev_timer_stop(hc->h->loop, &hc->tick);
	if (hc->running) {
		probe_kinds[hc->cc->kind].cancel(hc);
		if (hc->running && reap) {
			exec_reap(hc);
			hc->running = false;
		}
	}
	if (hc->running) {
		hc->removed = true;
		hc->next_orphan = hc->h->orphans;
		hc->h->orphans = hc;
		return;
	}
	http_forget(hc);
	free(hc);
}

struct health *health_new(struct ev_loop *loop, health_report_fn *fn,
    void *ctx)
{
	struct health *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->loop = loop;
	h->fn = fn;
	h->ctx = ctx;
	if (!http_init(h)) {
		free(h);
		return NULL;
	}
	return h;
}

/* The check of old named like nc, not yet taken, with the same probe. */
static size_t find_same(struct hcheck **old, size_t nold, const bool *taken,
    const struct conf_check *nc)
{
	for (size_t j = 0; j < nold; j++)
		if (!taken[j] && str_eq(old[j]->cc->name, nc->name) &&
		    conf_check_probe_eq(old[j]->cc, nc))
			return j;
	return SIZE_MAX;
}

/* What health_apply() will do, made before it changes anything. */
struct plan {
	struct hcheck **nv;	/* the checks of the new conf, in order */
	bool *fresh;		/* nv[i] is new (else kept from before) */
	bool *taken;		/* h->checks[j] is kept */
};

static void plan_free(struct plan *p, bool with_fresh, size_t n)
{
	for (size_t i = 0; with_fresh && i < n; i++)
		if (p->fresh[i])
			free(p->nv[i]);
	free(p->nv);
	free(p->fresh);
	free(p->taken);
}

/* Match every check of c by name and probe, allocate the new ones;
 * false (and nothing changed) when out of memory. */
static bool plan_make(struct health *h, const struct conf *c, struct plan *p)
{
	size_t n = c->nchecks;

	p->nv = calloc(n ? n : 1, sizeof(*p->nv));
	p->fresh = calloc(n ? n : 1, sizeof(*p->fresh));
	p->taken = calloc(h->nchecks ? h->nchecks : 1, sizeof(*p->taken));
	if (p->nv == NULL || p->fresh == NULL || p->taken == NULL) {
		plan_free(p, false, 0);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		size_t j = find_same(h->checks, h->nchecks, p->taken,
		    &c->checks[i]);
		if (j != SIZE_MAX) {
			p->taken[j] = true;
			p->nv[i] = h->checks[j];
		} else if ((p->nv[i] = hcheck_new(h)) != NULL) {
			p->fresh[i] = true;
		} else {
			plan_free(p, true, i);
			return false;
		}
	}
	return true;
}

bool health_apply(struct health *h, const struct conf *c)
{
	struct plan p;

	if (!plan_make(h, c, &p))
		return false;
	for (size_t j = 0; j < h->nchecks; j++)
		if (!p.taken[j])
			hcheck_stop(h->checks[j], false);
	for (size_t i = 0; i < c->nchecks; i++) {
		struct hcheck *hc = p.nv[i];

		hc->cc = &c->checks[i];
		hc->idx = i;
		if (p.fresh[i]) {
			ev_timer_set(&hc->tick, 0.,
			    (double)hc->cc->interval_ms / 1000.0);
			ev_timer_start(h->loop, &hc->tick);
		}
	}
	free(h->checks);
	h->checks = p.nv;
	h->nchecks = c->nchecks;
	http_conns(h, c->nchecks);
	p.nv = NULL;
	plan_free(&p, false, 0);
	return true;
}

size_t health_running(const struct health *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nchecks; i++)
		if (h->checks[i]->running)
			n++;
	return n;
}

void health_free(struct health *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->nchecks; i++)
		hcheck_stop(h->checks[i], true);
	free(h->checks);
	while (h->orphans != NULL) {
		struct hcheck *hc = h->orphans;

		h->orphans = hc->next_orphan;
		exec_reap(hc);
		free(hc);
	}
	http_free(h);
	free(h);
}
