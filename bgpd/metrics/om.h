/*
 * om.h - a writer of metric text: OpenMetrics 1.0.0, or the Prometheus
 * text format 0.0.4 for scrapers that do not ask for OpenMetrics.
 *
 * Pure: it only builds a string in memory (no sockets, no daemon state),
 * so unit tests check its grammar and escaping directly.  The caller
 * announces a family (om_family), then writes its samples (om_sample);
 * the writer adds the suffix the type needs (_total for counters, _info
 * for info), escapes label values and HELP text, and ends OpenMetrics
 * with "# EOF".  The two formats differ only in metadata:
 *
 *   OpenMetrics                          Prometheus 0.0.4
 *   # TYPE x counter / x_total 1         # TYPE x_total counter / x_total 1
 *   # UNIT x_seconds seconds             (no UNIT line)
 *   # TYPE x info / x_info{...} 1        # TYPE x_info gauge / x_info{...} 1
 *   # TYPE x stateset                    # TYPE x gauge
 *   # EOF                                (nothing)
 *
 * so a series has the same name and labels in both.
 */
#ifndef LBBGP_OM_H
#define LBBGP_OM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

enum om_type {
	OM_GAUGE,
	OM_COUNTER,
	OM_INFO,
	OM_STATESET,
	OM_HISTOGRAM,	/* only through om_histogram() */
};

struct om_label {
	const char *name;	/* [a-zA-Z_][a-zA-Z0-9_]*, not escaped */
	const char *value;	/* any bytes: escaped, invalid UTF-8 replaced */
};

struct om {
	struct buf b;		/* failed: om_finish() returns NULL */
	bool openmetrics;	/* false: Prometheus text format 0.0.4 */
	const char *family;	/* the family samples go to */
	enum om_type type;
};

void om_init(struct om *o, bool openmetrics);
/* Start a family; unit may be NULL (else the name ends in _UNIT). */
void om_family(struct om *o, const char *name, enum om_type type,
    const char *unit, const char *help);
/* One sample of the current family. */
void om_sample(struct om *o, const struct om_label *labels, size_t nlabels,
    uint64_t value);
void om_sample_double(struct om *o, const struct om_label *labels,
    size_t nlabels, double value);
/*
 * A whole histogram family without labels: bounds[i] is the upper bound
 * of bucket i, counts[i] its observations (not cumulative), counts[n]
 * those above every bound; sum is their total.  Writes the cumulative
 * _bucket samples (le="+Inf" last), _count and _sum.
 */
void om_histogram(struct om *o, const char *name, const char *unit,
    const char *help, const double *bounds, const uint64_t *counts,
    size_t n, double sum);
/* The text, NUL-terminated and malloc'd (the caller frees it), with its
 * length; NULL when memory ran out.  The writer is reset. */
char *om_finish(struct om *o, size_t *len);
void om_free(struct om *o);

/*
 * Append src to dst (NUL-terminated, at most size bytes with the NUL) as
 * a label value is written: backslash, double quote and newline escaped,
 * bytes that are not UTF-8 replaced by U+FFFD.  Returns the length the
 * whole value needs, as snprintf does.
 */
size_t om_escape(char *dst, size_t size, const char *src);

/* Content types of the two formats, for HTTP. */
#define OM_CONTENT_TYPE \
	"application/openmetrics-text; version=1.0.0; charset=utf-8"
#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/*
 * Content negotiation: true when an HTTP Accept header value (NULL: no
 * header) prefers OpenMetrics 1.0.0 to the Prometheus text format, as
 * Prometheus' own scrape header does.
 */
bool om_accept_openmetrics(const char *accept);

#endif
