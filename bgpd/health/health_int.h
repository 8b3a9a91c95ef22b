/*
 * health_int.h - what the files of bgpd/health/ share: the state of one
 * check and of the whole module, and the three probe kinds (http.c,
 * tcp.c, exec.c) as start/cancel pairs.  Private to bgpd/health/; the
 * rest of the daemon sees only health.h.
 *
 * A probe kind starts a probe and ends it with probe_finish() once
 * nothing of it is left (socket closed, child reaped), which reports
 * the result unless probe_report() already did (an exec at its timeout,
 * whose child is still to be reaped).  A cancelled probe ends without a
 * report.
 */
#ifndef LBBGP_HEALTH_INT_H
#define LBBGP_HEALTH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <curl/curl.h>
#include <ev.h>

#include "bgpd/curlev/curlev.h"
#include "bgpd/health/health.h"

struct conf_check;

/* The reply of an HTTP probe is read up to this much and then dropped:
 * the status line decides, the body cannot grow memory. */
#define HEALTH_HTTP_MAX_BODY	(64 * 1024)
#define HEALTH_REASON_LEN	128

/* One configured check: its timer and the probe it has in flight. */
struct hcheck {
	struct health *h;
	const struct conf_check *cc;	/* into the applied conf */
	size_t idx;			/* cc's index in it */
	ev_timer tick;			/* every interval_ms, from the start */
	bool phased;			/* the second probe was put off */
	bool running;			/* a probe is in flight */
	bool reported;			/* ...and its result is out */
	bool removed;			/* an orphan: only its child is left */
	double start;			/* CLOCK_MONOTONIC seconds */
	ev_timer deadline;		/* tcp and exec: timeout_ms */
	/* tcp */
	int fd;
	ev_io io;
	/* exec */
	pid_t pid;			/* also the process group */
	ev_child child;
	struct hcheck *next_orphan;
	/* http: xfer.easy is kept between probes */
	struct curlev_xfer xfer;
	size_t body;			/* bytes of the reply body seen */
	bool truncated;			/* we stopped reading the body */
	char errbuf[CURL_ERROR_SIZE];
};

struct health {
	struct ev_loop *loop;
	health_report_fn *fn;
	void *ctx;
	struct hcheck **checks;		/* one per conf check, same order */
	size_t nchecks;
	struct hcheck *orphans;		/* removed checks whose child lives */
	struct curlev *curl;		/* the http probes' transfers */
};

/* health.c: the result of a probe, and its end (hc may be freed). */
void probe_report(struct hcheck *hc, enum health_result res,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void probe_finish(struct hcheck *hc, enum health_result res,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "timeout after 1.0 s" for the check's timeout, into buf. */
const char *probe_timeout_reason(const struct hcheck *hc, char *buf,
    size_t size);

/* http.c: the http probes' curl multi handle on the loop. */
bool http_init(struct health *h);
/* Keep a connection alive for each of n checks (libcurl's cache would
 * otherwise close some between probes). */
void http_conns(struct health *h, size_t n);
void http_free(struct health *h);
void http_start(struct hcheck *hc);
void http_cancel(struct hcheck *hc);
/* The check goes: its handle too. */
void http_forget(struct hcheck *hc);

/* tcp.c */
void tcp_start(struct hcheck *hc);
void tcp_cancel(struct hcheck *hc);

/*
 * exec.c.  exec_cancel() kills the process group and leaves the child
 * watcher running (hc->running stays true until it is reaped);
 * exec_reap() reaps a killed child without blocking the loop for more
 * than a moment, for health_free().
 */
void exec_start(struct hcheck *hc);
void exec_cancel(struct hcheck *hc);
void exec_reap(struct hcheck *hc);

#endif
