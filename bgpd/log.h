/*
 * log.h - logging for lbbgpd: syslog, or stderr in the foreground (-d).
 *
 * Peer-related lines start with "neighbor NAME: " so one grep finds a
 * session's story.  Anything that could repeat per message goes through
 * a rate limiter (struct log_limit).
 */
#ifndef LBBGP_LOG_H
#define LBBGP_LOG_H

#include <stdarg.h>
#include <stdbool.h>

void log_init(bool to_stderr, int verbose);
/*
 * Send every line to fn instead of syslog or stderr (NULL: back to
 * those).  The fuzzers use it to check and discard what lbbgpd logs.
 */
void log_set_sink(void (*fn)(int pri, const char *line));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Token bucket: at most burst lines, refilled one per interval seconds. */
struct log_limit {
	double tokens;
	double last;
	unsigned suppressed;
};

/* True when a rate-limited line may be logged now; says how many were
 * suppressed since the last one through *suppressed. */
bool log_limit_ok(struct log_limit *l, double now, unsigned *suppressed);

#endif
