/*
 * check_log.c - unit tests for bgpd/log.c: what a line says.  The
 * "neighbor NAME: " prefix of log_peer_* and of a connection's tag,
 * errno's text after log_warn and log_peer_warn with errno kept, debug
 * lines only with -v, and a line cut at the same length with or without
 * a prefix.  Lines go to a sink here, never to syslog.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "bgpd/bgpd.h"
#include "tests/unit/unit.h"

/* session.c is not linked: the name is all log_peer_* asks of a peer. */
const char *peer_name(const struct peer *p)
{
	return p->conf->name;
}

static char last[4096];
static int last_pri;
static unsigned nlines;

static void sink(int pri, const char *line)
{
	snprintf(last, sizeof(last), "%s", line);
	last_pri = pri;
	nlines++;
}

static struct conf_neighbor nconf = { .name = "r1" };
static struct peer peer = { .conf = &nconf };

static void setup(void)
{
	log_init(true, 0);
	log_set_sink(sink);
	last[0] = '\0';
	last_pri = -1;
	nlines = 0;
}

static void teardown(void)
{
	log_set_sink(NULL);
}

START_TEST(plain)
{
	log_warnx("a %d", 1);
	ck_assert_str_eq(last, "a 1");
	ck_assert_int_eq(last_pri, LOG_WARNING);
	log_info("b");
	ck_assert_str_eq(last, "b");
	ck_assert_int_eq(last_pri, LOG_INFO);
}
END_TEST

START_TEST(peer_prefix)
{
	log_peer_info(&peer, "session established: AS %u", 64512u);
	ck_assert_str_eq(last, "neighbor r1: session established: AS 64512");
	ck_assert_int_eq(last_pri, LOG_INFO);
	log_peer_warnx(&peer, "hold timer expired");
	ck_assert_str_eq(last, "neighbor r1: hold timer expired");
	ck_assert_int_eq(last_pri, LOG_WARNING);
	log_line(LOG_LVL_WARN, "r1", " (second connection)", "%s -> %s",
	    "OpenSent", "Idle");
	ck_assert_str_eq(last,
	    "neighbor r1 (second connection): OpenSent -> Idle");
	log_line(LOG_LVL_INFO, "r1", "", "x");
	ck_assert_str_eq(last, "neighbor r1: x");
}
END_TEST

START_TEST(with_errno)
{
	errno = ECONNRESET;
	log_peer_warn(&peer, "read");
	ck_assert_str_eq(last, "neighbor r1: read: Connection reset by peer");
	ck_assert_int_eq(last_pri, LOG_WARNING);
	ck_assert_int_eq(errno, ECONNRESET);
	errno = ENOENT;
	log_warn("open %s", "x");
	ck_assert_str_eq(last, "open x: No such file or directory");
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(debug_needs_verbose)
{
	log_debug("quiet");
	log_peer_debug(&peer, "quiet");
	ck_assert_uint_eq(nlines, 0);
	log_init(true, 1);
	log_peer_debug(&peer, "OPEN from AS %u", 1u);
	ck_assert_uint_eq(nlines, 1);
	ck_assert_str_eq(last, "neighbor r1: OPEN from AS 1");
	ck_assert_int_eq(last_pri, LOG_DEBUG);
}
END_TEST

/* The prefix counts towards the 2047 characters a line may have. */
START_TEST(long_lines)
{
	static char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	log_info("%s", big);
	ck_assert_uint_eq(strlen(last), 2047);
	log_peer_info(&peer, "%s", big);
	ck_assert_uint_eq(strlen(last), 2047);
	ck_assert(strncmp(last, "neighbor r1: xxx", 16) == 0);
}
END_TEST

/* A CR, an escape or DEL from a client's owner name cannot forge a line
 * or drive a terminal: they are written as \xNN; tabs stay. */
START_TEST(control_bytes)
{
	log_info("owner %s", "a\rb\x1b[31m\x7f\tc");
	ck_assert_str_eq(last, "owner a\\x0db\\x1b[31m\\x7f\tc");
	errno = ENOENT;
	log_warn("x\ny");
	ck_assert_str_eq(last, "x\\x0ay: No such file or directory");
}
END_TEST

int main(void)
{
	const TTest *tests[] = { plain, peer_prefix, with_errno,
	    debug_needs_verbose, long_lines, control_bytes };
	Suite *s = suite_create("log");
	TCase *tc = unit_tcase(s, "lines");

	tcase_add_checked_fixture(tc, setup, teardown);
	for (size_t i = 0; i < NELEM(tests); i++)
		tcase_add_test(tc, tests[i]);
	return unit_run(s);
}
