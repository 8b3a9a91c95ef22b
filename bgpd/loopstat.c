/*
 * loopstat.c - the length of each turn of the event loop (loopstat.h).
 *
 * Two watchers bracket a turn: a check watcher at EV_MAXPRI runs first
 * after the wait, a prepare watcher at EV_MINPRI runs last before the
 * next one.  It costs two clock reads a turn and must never do more.
 */
#include <time.h>

#include "bgpd/bgpd.h"
#include "bgpd/loopstat.h"

static const double bounds[LOOPSTAT_NBOUNDS] = LOOPSTAT_BOUNDS;

/* Turns longer than this are logged (rate-limited): who holds the loop
 * this long delays BFD and health timers past what they promise. */
#define LOOPSTAT_LOG_SECS 0.1

void loopstat_add(struct loopstat *s, double t)
{
	size_t i = 0;

	while (i < LOOPSTAT_NBOUNDS && t > bounds[i])
		i++;
	s->buckets[i]++;
	s->count++;
	s->sum += t;
	if (t > s->max)
		s->max = t;
}

static void wake_cb(struct ev_loop *loop, ev_check *w, int revents)
{
	struct loopstat *s = w->data;

	s->woke = now_mono();
}

static void sleep_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct loopstat *s = w->data;
	unsigned suppressed;

	if (s->woke == 0)
		return;		/* the first turn has no start */
	double now = now_mono();
	double t = now - s->woke;
	loopstat_add(s, t);
	s->woke = 0;
	if (t >= LOOPSTAT_LOG_SECS && log_limit_ok(&s->log, now, &suppressed))
		log_info("the event loop was held for %.0f ms in one turn: "
		    "timers and sockets waited (%u such turns not logged "
		    "before it)", t * 1000, suppressed);
}

void loopstat_start(struct loopstat *s, struct ev_loop *loop)
{
	ev_check_init(&s->wake, wake_cb);
	ev_set_priority(&s->wake, EV_MAXPRI);
	s->wake.data = s;
	ev_check_start(loop, &s->wake);
	ev_prepare_init(&s->sleep, sleep_cb);
	ev_set_priority(&s->sleep, EV_MINPRI);
	s->sleep.data = s;
	ev_prepare_start(loop, &s->sleep);
}

void loopstat_stop(struct loopstat *s, struct ev_loop *loop)
{
	ev_check_stop(loop, &s->wake);
	ev_prepare_stop(loop, &s->sleep);
}
