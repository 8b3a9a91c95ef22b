/*
 * live.c - liveness on the loop: the health probes (bgpd/health/) feed
 * their results to rib/, which decides what they mean for the VIPs;
 * drains end on a timer; SIGTERM with shutdown-drain drains every route
 * before the sessions close; End-of-RIB waits for every check's first
 * result.  Logs each check's transitions with the reason.
 *
 * It keeps no state of the checks itself: rib/ has it, so a reload
 * carries it over with the RIB (rib_health_adopt()).
 */
#include "bgpd/bgpd.h"
#include "bgpd/fleet/fleetd.h"
#include "bgpd/health/health.h"

#include <stdio.h>
#include <string.h>

uint64_t live_now_ms(const struct lbbgpd *d)
{
	return (uint64_t)(ev_now(d->loop) * 1000.0 + 0.5);
}

void live_drain_changed(struct lbbgpd *d)
{
	uint64_t now = live_now_ms(d);
	uint64_t next = rib_drain_tick(d->rib, now);

	ev_timer_stop(d->loop, &d->drain_timer);
	if (next == 0)
		return;
	double in = next > now ? (double)(next - now) / 1000.0 : 0.0;
	ev_timer_set(&d->drain_timer, in, 0.);
	ev_timer_start(d->loop, &d->drain_timer);
}

static void drain_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	live_drain_changed(w->data);
}

static enum rib_probe probe_of(enum health_result r)
{
	switch (r) {
	case HEALTH_PASS:
		return RIB_PROBE_PASS;
	case HEALTH_DISABLED:
		return RIB_PROBE_DISABLED;
	default:
		return RIB_PROBE_FAIL;
	}
}

static void report_cb(void *ctx, const struct health_report *hr)
{
	struct lbbgpd *d = ctx;
	const struct conf_check *cc = &d->conf->checks[hr->check];
	struct rib_check_info was, now;

	rib_check_info(d->rib, hr->check, &was);
	if (!rib_check_result(d->rib, hr->check, probe_of(hr->result),
	    hr->reason, hr->latency, live_now_ms(d))) {
		log_debug("check %s: %s (%.1f ms)", cc->name, hr->reason,
		    hr->latency * 1000.0);
		return;
	}
	rib_check_info(d->rib, hr->check, &now);
	size_t nvips = rib_check_vips(d->rib, hr->check);
	const char *what = now.state == RIB_CHECK_UP ? "announced" :
	    now.state == RIB_CHECK_DISABLED ? "draining" :
	    cc->down_keep ? "kept with on-down marks" : "withdrawn";
	if (was.state == RIB_CHECK_PENDING)
		log_info("check %s: %s (%s, first result); its %zu VIPs %s",
		    cc->name, rib_check_state_name(now.state), hr->reason,
		    nvips, what);
	else
		log_info("check %s: %s -> %s (%s); its %zu VIPs %s", cc->name,
		    rib_check_state_name(was.state),
		    rib_check_state_name(now.state), hr->reason, nvips, what);
	if (now.state == RIB_CHECK_DISABLED)
		live_drain_changed(d);
	if (d->fleet != NULL)
		fleetd_checks_changed(d);
	if (d->checks_pending)
		d->checks_pending = rib_checks_pending(d->rib);
}

bool live_start(struct lbbgpd *d)
{
	ev_timer_init(&d->drain_timer, drain_cb, 0., 0.);
	d->drain_timer.data = d;
	d->checks_pending = rib_checks_pending(d->rib);
	if (d->conf->nchecks == 0)
		return true;
	d->health = health_new(d->loop, report_cb, d);
	if (d->health == NULL || !health_apply(d->health, d->conf)) {
		log_warnx("cannot start the health checks (out of memory, or "
		    "libcurl cannot start)");
		return false;
	}
	log_info("%zu health checks started", d->conf->nchecks);
	return true;
}

bool live_reconf(struct lbbgpd *d)
{
	d->checks_pending = rib_checks_pending(d->rib);
	live_drain_changed(d);
	if (d->health == NULL && d->conf->nchecks > 0)
		d->health = health_new(d->loop, report_cb, d);
	if (d->health == NULL)
		return d->conf->nchecks == 0;
	if (d->health == NULL || health_apply(d->health, d->conf))
		return true;
	/* It still points into the old config, which goes: stop it.  The
	 * checks keep their last state (fail static), and End-of-RIB no
	 * longer waits for results that will not come. */
	health_free(d->health);
	d->health = NULL;
	d->checks_pending = false;
	return false;
}

void live_stop(struct lbbgpd *d)
{
	if (d->loop != NULL)
		ev_timer_stop(d->loop, &d->drain_timer);
	if (d->loop != NULL)
		ev_timer_stop(d->loop, &d->shutdown_timer);
	health_free(d->health);
	d->health = NULL;
}

static void shutdown_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lbbgpd *d = w->data;

	/* Everything goes now: also a VIP added during the drain, or one
	 * drained earlier for longer. */
	rib_set_suspended(d->rib, true);
	daemon_shutdown(d, "shutdown-drain over", true);
}

bool live_shutdown_drain(struct lbbgpd *d)
{
	uint32_t secs = d->conf->shutdown_drain;

	if (secs == 0 || d->shutdown_draining)
		return false;
	d->shutdown_draining = true;
	size_t n = rib_pool_drain(d->rib, SIZE_MAX, true, secs,
	    live_now_ms(d));
	log_info("SIGTERM: draining %zu VIPs for %us (GRACEFUL_SHUTDOWN), "
	    "then withdrawing them and closing the sessions; a second "
	    "SIGTERM stops at once", n, secs);
	live_drain_changed(d);
	ev_timer_init(&d->shutdown_timer, shutdown_cb, (double)secs, 0.);
	d->shutdown_timer.data = d;
	ev_timer_start(d->loop, &d->shutdown_timer);
	return true;
}
