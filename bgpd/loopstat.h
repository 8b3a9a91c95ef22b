/*
 * loopstat.h - how long each turn of the event loop holds it.
 *
 * A turn is the time from the end of the wait for events (the first check
 * watcher, at the highest priority) to the start of the next wait (the
 * last prepare watcher, at the lowest): every callback of that turn,
 * lbbgpd's own prepare work included.  No request may hold the loop for
 * more than 20 ms; these numbers show whether one did, as the metrics
 * lbbgp_loop_stall_seconds_max and lbbgp_loop_iteration_seconds.
 */
#ifndef LBBGP_LOOPSTAT_H
#define LBBGP_LOOPSTAT_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "bgpd/log.h"

/* Upper bounds of the histogram's buckets, seconds, from 100 us (an idle
 * turn) to 1 s (a stall no one should see); +Inf is implied. */
#define LOOPSTAT_NBOUNDS 12
#define LOOPSTAT_BOUNDS { 0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, \
	0.02, 0.05, 0.1, 0.25, 0.5, 1 }

struct loopstat {
	ev_check wake;			/* the wait ended */
	ev_prepare sleep;		/* the wait begins */
	double woke;			/* monotonic; 0: not in a turn */
	double max;			/* the longest turn since start */
	double sum;
	uint64_t count;
	uint64_t buckets[LOOPSTAT_NBOUNDS + 1];	/* not cumulative */
	struct log_limit log;		/* "the loop was held" lines */
};

void loopstat_start(struct loopstat *s, struct ev_loop *loop);
void loopstat_stop(struct loopstat *s, struct ev_loop *loop);
/* Count one turn of t seconds (the watchers call it; so do tests). */
void loopstat_add(struct loopstat *s, double t);

#endif
