/*
 * log.c - syslog or stderr logging with printf-style checks, and the
 * "neighbor NAME: " prefix of lines about a peer.  Knows names, not peers.
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

static const int syslog_pri[] = {
	[LOG_LVL_WARN] = LOG_WARNING,
	[LOG_LVL_WARN_ERRNO] = LOG_WARNING,
	[LOG_LVL_INFO] = LOG_INFO,
	[LOG_LVL_DEBUG] = LOG_DEBUG,
};

static void emit(int pri, const char *line)
{
	if (sink != NULL) {
		sink(pri, line);
	} else if (use_stderr) {
		struct timespec ts;
		struct tm tm;
		char when[32];
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s\n", when, ts.tv_nsec / 1000000,
		    line);
		fflush(stderr);
	} else {
		syslog(pri, "%s", line);
	}
}

/*
 * Control bytes as \xNN: names and reasons come from clients, the config
 * and routers, and a CR or an escape sequence in one must not forge or
 * garble a log line.  At most size - 1 bytes into dst.
 */
static void escape_controls(char *dst, size_t size, const char *src)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)src; *p &&
	    o + 1 < size; p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
			if (o + 5 > size)
				break;
			snprintf(dst + o, size - o, "\\x%02x", *p);
			o += 4;
		} else {
			dst[o++] = (char)*p;
		}
	}
	dst[o] = '\0';
}

void log_line(enum log_level lvl, const char *neighbor, const char *tag,
    const char *fmt, ...)
{
	int saved = errno;
	char msg[2048], line[2304];
	size_t n = 0;
	va_list ap;

	if (lvl == LOG_LVL_DEBUG && verbosity < 1)
		return;
	if (neighbor != NULL) {
		int k = snprintf(msg, sizeof(msg), "neighbor %s%s: ", neighbor,
		    tag ? tag : "");
		n = k > 0 ? (size_t)k : 0;
		if (n >= sizeof(msg))
			n = sizeof(msg) - 1;
	}
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	/* Room left for ": strerror" after the escaped message. */
	escape_controls(line, sizeof(line) - 128, msg);
	if (lvl == LOG_LVL_WARN_ERRNO) {
		size_t l = strlen(line);
		snprintf(line + l, sizeof(line) - l, ": %s", strerror(saved));
	}
	emit(syslog_pri[lvl], line);
	errno = saved;
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
