/*
 * log.c - syslog or stderr logging with printf-style checks.
 */
#include "bgpd/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#define LIMIT_BURST 10
#define LIMIT_INTERVAL 6.0	/* one more line every 6 s: 10 a minute */

static bool use_stderr = true;
static int verbosity;
static void (*sink)(int pri, const char *line);

void log_init(bool to_stderr, int verbose)
{
	use_stderr = to_stderr;
	verbosity = verbose;
	if (!to_stderr)
		openlog("lbbgpd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_sink(void (*fn)(int pri, const char *line))
{
	sink = fn;
}

static void vlog(int pri, const char *fmt, va_list ap, const char *suffix)
    __attribute__((format(printf, 2, 0)));

static void vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (sink != NULL) {
		char line[2304];
		snprintf(line, sizeof(line), "%s%s%s", msg, suffix ? ": " : "",
		    suffix ? suffix : "");
		sink(pri, line);
	} else if (use_stderr) {
		struct timespec ts;
		struct tm tm;
		char when[32];
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s%s%s\n", when,
		    ts.tv_nsec / 1000000, msg, suffix ? ": " : "",
		    suffix ? suffix : "");
		fflush(stderr);
	} else {
		syslog(pri, "%s%s%s", msg, suffix ? ": " : "",
		    suffix ? suffix : "");
	}
}

void log_warnx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;
	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;
	if (verbosity < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

bool log_limit_ok(struct log_limit *l, double now, unsigned *suppressed)
{
	if (l->last == 0)
		l->tokens = LIMIT_BURST;
	else
		l->tokens += (now - l->last) / LIMIT_INTERVAL;
	if (l->tokens > LIMIT_BURST)
		l->tokens = LIMIT_BURST;
	l->last = now;
	if (l->tokens < 1) {
		l->suppressed++;
		return false;
	}
	l->tokens -= 1;
	*suppressed = l->suppressed;
	l->suppressed = 0;
	return true;
}
