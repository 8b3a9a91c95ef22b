/*
 * health.h - the probes of lbbgp's health checks and their timers: HTTP
 * through libcurl's multi interface driven by the libev loop, TCP connect,
 * and exec of a program in its own process group.  It only runs probes
 * and reports each result; what results mean (rise, fall, which VIPs go
 * down, what down does to a route) is rib/'s.
 *
 * Nothing here may block the loop: no blocking connect, no waitpid()
 * without WNOHANG, no unbounded read.
 */
#ifndef LBBGP_HEALTH_H
#define LBBGP_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

struct ev_loop;
struct conf;
struct health;

enum health_result {
	HEALTH_PASS,		/* the probe succeeded */
	HEALTH_FAIL,		/* it failed: reason says how */
	HEALTH_DISABLED,	/* the disable-file exists; nothing was probed */
};

struct health_report {
	size_t check;		/* index into the applied conf's checks */
	enum health_result result;
	const char *reason;	/* "http 200", "http 503", "timeout after
				 * 1.0 s", "connection refused", "exit 2",
				 * "killed by signal 9", "disable-file
				 * /etc/x exists"; valid during the call */
	double latency;		/* seconds from the probe's start */
};

/* Called from the loop's callbacks only, never from inside
 * health_apply(); it must not call health_apply() or health_free(). */
typedef void health_report_fn(void *ctx, const struct health_report *r);

/* NULL when out of memory (or libcurl cannot start). */
struct health *health_new(struct ev_loop *loop, health_report_fn *fn,
    void *ctx);

/*
 * Run the checks of c from now on (start, and every reload).  A check of
 * the same name whose probe is unchanged (conf_check_probe_eq) keeps its
 * schedule and any probe in flight (reported under its new index); a new
 * or changed one probes at once; a removed one stops (a running exec is
 * killed with its process group).  c must stay valid until the next
 * health_apply() or health_free().  False when out of memory: then the
 * previous config stays applied.
 */
bool health_apply(struct health *h, const struct conf *c);

/* Probes in flight right now (tests, show). */
size_t health_running(const struct health *h);

/* Stop everything: in-flight probes are cancelled, exec'd process groups
 * killed and reaped. */
void health_free(struct health *h);

#endif
