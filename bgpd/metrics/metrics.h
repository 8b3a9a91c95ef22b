/*
 * metrics.h - lbbgpd's metrics: what `bgpctl show metrics` prints and
 * `metrics listen` serves over HTTP.
 *
 * metrics.c renders the daemon's counters and gauges as OpenMetrics (or
 * Prometheus 0.0.4) text through om.h, and keeps the counters nothing
 * else needs (control requests by result, NOTIFICATIONs by code).  It
 * only reads the daemon's state; it never does I/O, so a unit test
 * renders a hand-built struct lbbgpd.  http.c is the optional
 * HTTP server: non-blocking on the daemon's libev loop, bounded in
 * request size, time and clients, so a scraper can never stall BGP.
 *
 * Names follow MetalLB's where MetalLB has the metric (metallb_bgp_*,
 * metallb_allocator_*: same names, types, labels and label values), so
 * its dashboards and alerts work; the rest are lbbgp_*.  man/lbbgpd.8
 * (METRICS) lists every one.
 */
#ifndef LBBGP_METRICS_H
#define LBBGP_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpd/bgpd.h"

struct json_object;

/* Control requests answered, by command and result. */
struct ctl_stat {
	const char *cmd;	/* a name of ctl_cmds, or "invalid" */
	char result[32];	/* "ok" or the reply's error code */
	uint64_t n;
};
/* Distinct (command, result) pairs kept; more go to ("invalid", "other"). */
#define CTL_STATS_MAX	256

/* HTTP responses of metrics listen, by status. */
enum mh_status {
	MH_200,
	MH_400,		/* not an HTTP request */
	MH_404,		/* a path other than /metrics */
	MH_405,		/* a method other than GET and HEAD */
	MH_408,		/* the request did not arrive in time */
	MH_431,		/* request head too long */
	MH_500,		/* out of memory */
	MH_503,		/* too many clients at once */
	MH_505,		/* not HTTP/1.0 or HTTP/1.1 */
	MH_NSTATUS
};

/* Status code and reason phrase (RFC 9110 §15) of each. */
struct mh_status_desc {
	const char *code;
	const char *reason;
};
extern const struct mh_status_desc mh_statuses[MH_NSTATUS];

struct mh_client;

/* http.c: the server behind metrics listen. */
struct metrics_http {
	struct lbbgpd *d;
	int fd;				/* -1: not listening */
	ev_io io;
	struct prefix addr;		/* where fd listens */
	uint16_t port;
	struct mh_client *clients;
	size_t nclients;
	uint64_t responses[MH_NSTATUS];
};

/*
 * The metrics of d as text (OpenMetrics 1.0.0, or the Prometheus text
 * format 0.0.4 when openmetrics is false), malloc'd, with its length;
 * NULL when out of memory.
 */
char *metrics_render(const struct lbbgpd *d, bool openmetrics, size_t *len);

/* "192.0.2.1:179" or "[2001:db8::1]:179": MetalLB's peer label. */
const char *metrics_peer_label(const struct conf_neighbor *n, char *buf,
    size_t size);

/* Count one NOTIFICATION sent or received. */
void metrics_count_notif(struct notif_counts *c, uint8_t code,
    uint8_t subcode);

/* Count one control reply as it leaves: cmd is the command's name (NULL
 * for a request that named none), the reply says ok or its code. */
void metrics_count_reply(struct lbbgpd *d, const char *cmd,
    struct json_object *reply);

/*
 * http.c.  metrics_start() runs at start-up, after the BGP
 * listeners: it opens the metrics listen socket if the config has one;
 * false (logged) when it cannot, and lbbgpd does not start.
 * metrics_stop() closes it and every client, and frees what metrics.c
 * kept.  metrics_reconf() follows a reload (d->conf is the new config,
 * old the previous one): a new address is opened before the old one is
 * closed; on failure the old one stays, err says why and it returns
 * false.
 */
bool metrics_start(struct lbbgpd *d);
void metrics_stop(struct lbbgpd *d);
bool metrics_reconf(struct lbbgpd *d, const struct conf *old, char *err,
    size_t errlen);

#endif
