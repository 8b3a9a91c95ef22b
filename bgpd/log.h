/*
 * log.h - logging for lbbgpd: syslog, or stderr in the foreground (-d).
 *
 * Peer-related lines start with "neighbor NAME: " so one grep finds a
 * session's story: log_peer_warnx() and friends write that prefix, never
 * the caller.  Anything that could repeat per message goes through a rate
 * limiter (struct log_limit).  No knowledge of peers here beyond a name
 * and a tag: the log_peer_* macros need bgpd.h's peer_name().
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

enum log_level {
	LOG_LVL_WARN,		/* a warning */
	LOG_LVL_WARN_ERRNO,	/* a warning, then ": " and errno's text */
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,		/* only with -v */
};

/*
 * One line.  With a neighbor name it starts "neighbor NAME" and tag (NULL
 * or "" for none, " (second connection)" for instance), then ": ".  errno
 * is as it was before the call.
 */
void log_line(enum log_level lvl, const char *neighbor, const char *tag,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define log_warnx(...) log_line(LOG_LVL_WARN, NULL, NULL, __VA_ARGS__)
#define log_warn(...) log_line(LOG_LVL_WARN_ERRNO, NULL, NULL, __VA_ARGS__)
#define log_info(...) log_line(LOG_LVL_INFO, NULL, NULL, __VA_ARGS__)
#define log_debug(...) log_line(LOG_LVL_DEBUG, NULL, NULL, __VA_ARGS__)

/* "neighbor NAME: ..." about the struct peer *p. */
#define log_peer_warnx(p, ...) \
	log_line(LOG_LVL_WARN, peer_name(p), NULL, __VA_ARGS__)
#define log_peer_warn(p, ...) \
	log_line(LOG_LVL_WARN_ERRNO, peer_name(p), NULL, __VA_ARGS__)
#define log_peer_info(p, ...) \
	log_line(LOG_LVL_INFO, peer_name(p), NULL, __VA_ARGS__)
#define log_peer_debug(p, ...) \
	log_line(LOG_LVL_DEBUG, peer_name(p), NULL, __VA_ARGS__)

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
