/*
 * om.c - OpenMetrics / Prometheus text writer (om.h).
 *
 * Builds text in a struct buf (util/buf.h); never does I/O and never
 * reads the daemon's state.  Names are the caller's constants; values are
 * escaped here, so a neighbor or pool name can never break a line.
 */
#include "bgpd/metrics/om.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void om_init(struct om *o, bool openmetrics)
{
	memset(o, 0, sizeof(*o));
	o->openmetrics = openmetrics;
}

void om_free(struct om *o)
{
	buf_free(&o->b);
}

static void put(struct om *o, const char *s, size_t n)
{
	buf_append(&o->b, s, n);
}

static void puts_(struct om *o, const char *s)
{
	put(o, s, strlen(s));
}

/*
 * Length of the UTF-8 sequence at s (1..4), or 0 when it is not valid:
 * overlong forms, surrogates (U+D800..U+DFFF) and code points above
 * U+10FFFF are not UTF-8 (RFC 3629 §3), and OpenMetrics text is UTF-8.
 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned lo = c == 0xe0 ? 0xa0 : 0x80;
		unsigned hi = c == 0xed ? 0x9f : 0xbf;
		if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned lo = c == 0xf0 ? 0x90 : 0x80;
		unsigned hi = c == 0xf4 ? 0x8f : 0xbf;
		if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

size_t om_escape(char *dst, size_t size, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t need = 0, w = 0;
	bool full = size == 0;

	while (*s) {
		const char *rep;
		size_t n = utf8_len(s), rlen;
		if (*s == '\\')
			rep = "\\\\", rlen = 2;
		else if (*s == '"')
			rep = "\\\"", rlen = 2;
		else if (*s == '\n')
			rep = "\\n", rlen = 2;
		else if (n == 0)
			rep = "\xef\xbf\xbd", rlen = 3, n = 1;	/* U+FFFD */
		else
			rep = (const char *)s, rlen = n;
		/* Never half an escape or half a character. */
		if (!full && w + rlen < size) {
			memcpy(dst + w, rep, rlen);
			w += rlen;
		} else {
			full = true;
		}
		need += rlen;
		s += n;
	}
	if (size > 0)
		dst[w] = '\0';
	return need;
}

static void put_escaped(struct om *o, const char *s)
{
	char small[256];
	size_t n = om_escape(small, sizeof(small), s);

	if (n < sizeof(small)) {
		put(o, small, n);
		return;
	}
	char *big = malloc(n + 1);
	if (big == NULL) {
		o->b.failed = true;
		return;
	}
	om_escape(big, n + 1, s);
	put(o, big, n);
	free(big);
}

/* HELP text: OpenMetrics escapes like a label value; 0.0.4 escapes only
 * backslash and newline. */
static void put_help(struct om *o, const char *s)
{
	if (o->openmetrics) {
		put_escaped(o, s);
		return;
	}
	for (; *s; s++) {
		if (*s == '\\')
			puts_(o, "\\\\");
		else if (*s == '\n')
			puts_(o, "\\n");
		else
			put(o, s, 1);
	}
}

static const char *type_name(const struct om *o, enum om_type t)
{
	switch (t) {
	case OM_COUNTER:
		return "counter";
	case OM_INFO:
		return o->openmetrics ? "info" : "gauge";
	case OM_STATESET:
		return o->openmetrics ? "stateset" : "gauge";
	case OM_HISTOGRAM:
		return "histogram";
	case OM_GAUGE:
	default:
		return "gauge";
	}
}

/* The sample name's suffix for the family's type. */
static const char *suffix(enum om_type t)
{
	return t == OM_COUNTER ? "_total" : t == OM_INFO ? "_info" : "";
}

void om_family(struct om *o, const char *name, enum om_type type,
    const char *unit, const char *help)
{
	/* 0.0.4 names the family after its samples. */
	const char *tsuffix = o->openmetrics ? "" : suffix(type);

	o->family = name;
	o->type = type;
	puts_(o, "# TYPE ");
	puts_(o, name);
	puts_(o, tsuffix);
	puts_(o, " ");
	puts_(o, type_name(o, type));
	puts_(o, "\n");
	if (unit != NULL && o->openmetrics) {
		puts_(o, "# UNIT ");
		puts_(o, name);
		puts_(o, " ");
		puts_(o, unit);
		puts_(o, "\n");
	}
	puts_(o, "# HELP ");
	puts_(o, name);
	puts_(o, tsuffix);
	puts_(o, " ");
	put_help(o, help);
	puts_(o, "\n");
}

static void sample_head(struct om *o, const struct om_label *labels,
    size_t nlabels)
{
	puts_(o, o->family);
	puts_(o, suffix(o->type));
	if (nlabels > 0) {
		puts_(o, "{");
		for (size_t i = 0; i < nlabels; i++) {
			if (i > 0)
				puts_(o, ",");
			puts_(o, labels[i].name);
			puts_(o, "=\"");
			put_escaped(o, labels[i].value ? labels[i].value : "");
			puts_(o, "\"");
		}
		puts_(o, "}");
	}
	puts_(o, " ");
}

void om_sample(struct om *o, const struct om_label *labels, size_t nlabels,
    uint64_t value)
{
	char v[32];

	sample_head(o, labels, nlabels);
	snprintf(v, sizeof(v), "%llu\n", (unsigned long long)value);
	puts_(o, v);
}

void om_sample_double(struct om *o, const struct om_label *labels,
    size_t nlabels, double value)
{
	char v[64];

	sample_head(o, labels, nlabels);
	if (isnan(value)) {
		snprintf(v, sizeof(v), "NaN\n");
	} else if (isinf(value)) {
		snprintf(v, sizeof(v), "%sInf\n", value > 0 ? "+" : "-");
	} else {
		/* Milliseconds are all a timestamp needs; no exponent. */
		snprintf(v, sizeof(v), "%.3f", value);
		size_t n = strlen(v);
		while (n > 0 && v[n - 1] == '0')
			n--;
		if (n > 0 && v[n - 1] == '.')
			n--;
		v[n++] = '\n';
		v[n] = '\0';
	}
	puts_(o, v);
}

void om_histogram(struct om *o, const char *name, const char *unit,
    const char *help, const double *bounds, const uint64_t *counts,
    size_t n, double sum)
{
	char v[64];
	uint64_t total = 0;

	om_family(o, name, OM_HISTOGRAM, unit, help);
	for (size_t i = 0; i <= n; i++) {
		total += counts[i];
		puts_(o, name);
		if (i < n) {
			/* OpenMetrics' canonical form: 1.0, 0.0005. */
			snprintf(v, sizeof(v), "%g", bounds[i]);
			puts_(o, "_bucket{le=\"");
			puts_(o, v);
			puts_(o, strpbrk(v, ".e") ? "\"} " : ".0\"} ");
		} else {
			puts_(o, "_bucket{le=\"+Inf\"} ");
		}
		snprintf(v, sizeof(v), "%llu\n", (unsigned long long)total);
		puts_(o, v);
	}
	puts_(o, name);
	snprintf(v, sizeof(v), "_count %llu\n", (unsigned long long)total);
	puts_(o, v);
	puts_(o, name);
	/* Microseconds: the sum of short turns must not round to 0. */
	snprintf(v, sizeof(v), "_sum %.6f\n", sum);
	puts_(o, v);
}

char *om_finish(struct om *o, size_t *len)
{
	if (o->openmetrics)
		puts_(o, "# EOF\n");
	if (o->b.p == NULL) {
		buf_free(&o->b);	/* nothing written */
		return NULL;
	}
	return buf_steal(&o->b, len);
}

/* ---- content negotiation ---------------------------------------------- */

/* Copy s[0..n) trimmed of blanks into buf. */
static void trim_copy(char *buf, size_t size, const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/*
 * RFC 9110 §12.5.1: Accept is a list of media ranges, each with optional
 * parameters, "q" its weight (default 1).  Only an explicit
 * application/openmetrics-text (version 1.0.0 or none) selects
 * OpenMetrics; text/plain (version 0.0.4 or none) and the wildcards
 * "text/(any)" and "(any)/(any)" select the Prometheus format, so curl
 * and browsers get plain text.
 */
bool om_accept_openmetrics(const char *accept)
{
	double q_om = 0, q_text = 0;

	if (accept == NULL)
		return false;
	for (const char *e = accept; *e;) {
		size_t n = strcspn(e, ",");
		char range[256];
		trim_copy(range, sizeof(range), e, n);
		e += n + (e[n] == ',');

		char *save = NULL, *type = strtok_r(range, ";", &save);
		if (type == NULL)
			continue;
		char t[128];
		trim_copy(t, sizeof(t), type, strlen(type));
		double q = 1;
		const char *version = NULL;
		for (char *p = strtok_r(NULL, ";", &save); p;
		    p = strtok_r(NULL, ";", &save)) {
			while (*p == ' ' || *p == '\t')
				p++;
			if (strncasecmp(p, "q=", 2) == 0) {
				char *end;
				q = strtod(p + 2, &end);
				if (end == p + 2 || q < 0 || q > 1)
					q = 0;
			} else if (strncasecmp(p, "version=", 8) == 0) {
				version = p + 8;
			}
		}
		char v[32] = "";
		if (version != NULL)
			trim_copy(v, sizeof(v), version, strlen(version));
		if (strcasecmp(t, "application/openmetrics-text") == 0) {
			if ((version == NULL || strcmp(v, "1.0.0") == 0) &&
			    q > q_om)
				q_om = q;
		} else if (strcasecmp(t, "text/plain") == 0) {
			if ((version == NULL || strcmp(v, "0.0.4") == 0) &&
			    q > q_text)
				q_text = q;
		} else if (strcasecmp(t, "text/*") == 0 ||
		    strcmp(t, "*/*") == 0) {
			if (q > q_text)
				q_text = q;
		}
	}
	return q_om > 0 && q_om >= q_text;
}
