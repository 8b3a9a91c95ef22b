/*
 * check_metrics_http.c - unit tests for bgpd/metrics/http.c: the
 * metrics listen socket at start-up and across reloads.
 *
 * Each test runs a private libev loop with a hand-built struct lbbgpd
 * (a config, a RIB, no peers) and talks to the server over loopback,
 * on the addresses of integration test 14 (127.0.14.20-22, ports
 * 19474-19477), so it cannot meet another test.  metrics_reconf(): a
 * new address is served and the old one closed; a bad address or one
 * taken by someone else leaves the old one serving, with a reason; the
 * same address changes nothing; no metrics listen closes it.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bgpd/bgpd.h"
#include "bgpd/log.h"
#include "bgpd/metrics/metrics.h"
#include "bgpd/state.h"
#include "conf/conf.h"
#include "rib/rib.h"
#include "tests/unit/rib_fixture.h"

static struct lbbgpd d;
/* Configs replaced by reload(): the RIB still points into the first. */
static struct conf *olds[8];
static size_t nolds;

static struct conf *conf_with(const char *metrics)
{
	char text[256];

	snprintf(text, sizeof(text), "router-id 10.0.0.1\nlocal-as 64513\n%s%s",
	    metrics ? metrics : "", metrics ? "\n" : "");
	return conf_ok(text);
}

static void setup(void)
{
	struct rib_res res = { 0 };

	memset(&d, 0, sizeof(d));
	d.loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(d.loop);
	d.conf = conf_with("metrics listen 127.0.14.20:19474");
	d.rib = rib_new(d.conf, &res);
	ck_assert_ptr_nonnull(d.rib);
	d.state = state_open(NULL);
}

static void teardown(void)
{
	metrics_stop(&d);
	state_close(d.state);
	rib_free(d.rib);
	conf_free(d.conf);
	while (nolds > 0)
		conf_free(olds[--nolds]);
	ev_loop_destroy(d.loop);
}

static struct sockaddr_in sin_of(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port) };
	ck_assert_int_eq(inet_pton(AF_INET, addr, &sin.sin_addr), 1);
	return sin;
}

/* Does something listen there?  (The kernel answers for the server.) */
static bool listening(const char *addr, int port)
{
	struct sockaddr_in sin = sin_of(addr, port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	bool ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	/* Let the server see, and drop, the empty connection. */
	for (int i = 0; i < 10; i++)
		ev_run(d.loop, EVRUN_NOWAIT);
	return ok;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One request, answered by running the loop; the response, malloc'd. */
static char *http(const char *addr, int port, const char *req)
{
	struct sockaddr_in sin = sin_of(addr, port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	size_t len = 0, cap = 65536;
	char *out = malloc(cap);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (double end = now() + 5; now() < end;) {
		ev_run(d.loop, EVRUN_NOWAIT);
		if (len + 4096 > cap)
			ck_assert_ptr_nonnull(out = realloc(out, cap *= 2));
		ssize_t n = recv(fd, out + len, cap - len - 1, 0);
		if (n == 0)
			break;
		if (n > 0)
			len += (size_t)n;
		else
			ck_assert_int_eq(errno, EAGAIN);
	}
	close(fd);
	out[len] = '\0';
	return out;
}

static void serves(const char *addr, int port)
{
	char *r = http(addr, port, "GET /metrics HTTP/1.1\r\nHost: x\r\n"
	    "Accept: application/openmetrics-text; version=1.0.0\r\n\r\n");

	ck_assert_msg(strncmp(r, "HTTP/1.1 200 OK\r\n", 17) == 0, "%.60s", r);
	ck_assert_ptr_nonnull(strstr(r, "\r\nContent-Type: "
	    "application/openmetrics-text; version=1.0.0; charset=utf-8\r\n"));
	ck_assert_ptr_nonnull(strstr(r, "\r\n\r\n# TYPE metallb_bgp_session_up "
	    "gauge\n"));
	ck_assert_str_eq(r + strlen(r) - 6, "# EOF\n");
	free(r);
}

/* d.conf becomes a config with this metrics statement; the old one is
 * returned, for metrics_reconf(), and freed by teardown(). */
static struct conf *reload(const char *metrics)
{
	struct conf *old = d.conf;
	ck_assert_uint_lt(nolds, NELEM(olds));
	olds[nolds++] = old;
	d.conf = conf_with(metrics);
	return old;
}

START_TEST(start_and_serve)
{
	ck_assert(metrics_start(&d));
	ck_assert(listening("127.0.14.20", 19474));
	serves("127.0.14.20", 19474);
	char *r = http("127.0.14.20", 19474, "GET /metrics HTTP/1.0\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(r, "\r\nContent-Type: text/plain; "
	    "version=0.0.4; charset=utf-8\r\n"));
	ck_assert_ptr_null(strstr(r, "# EOF"));
	free(r);
	ck_assert_uint_eq(d.metrics_http->responses[MH_200], 2);
}
END_TEST

START_TEST(start_without_metrics)
{
	reload(NULL);
	ck_assert(metrics_start(&d));
	ck_assert_ptr_nonnull(d.metrics_http);	/* its counters */
	ck_assert_int_eq(d.metrics_http->fd, -1);
}
END_TEST

START_TEST(start_on_taken_address)
{
	struct sockaddr_in sin = sin_of("127.0.14.20", 19474);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	ck_assert(!metrics_start(&d));
	close(fd);
}
END_TEST

START_TEST(reconf_moves)
{
	char err[256] = "x";

	ck_assert(metrics_start(&d));
	struct conf *old = reload("metrics listen 127.0.14.21:19475");
	ck_assert(metrics_reconf(&d, old, err, sizeof(err)));
	ck_assert_str_eq(err, "");
	ck_assert(listening("127.0.14.21", 19475));
	ck_assert(!listening("127.0.14.20", 19474));
	serves("127.0.14.21", 19475);

	/* The same address again: nothing to do, nothing closed. */
	old = reload("metrics listen 127.0.14.21:19475");
	int fd = d.metrics_http->fd;
	ck_assert(metrics_reconf(&d, old, err, sizeof(err)));
	ck_assert_int_eq(d.metrics_http->fd, fd);

	/* Gone from the config: closed. */
	old = reload(NULL);
	ck_assert(metrics_reconf(&d, old, err, sizeof(err)));
	ck_assert(!listening("127.0.14.21", 19475));

	/* And back. */
	old = reload("metrics listen 127.0.14.22:19476");
	ck_assert(metrics_reconf(&d, old, err, sizeof(err)));
	serves("127.0.14.22", 19476);
}
END_TEST

/* 192.0.2.1 (TEST-NET-1) is on no host: the old address keeps serving. */
START_TEST(reconf_bad_address)
{
	char err[256];

	ck_assert(metrics_start(&d));
	struct conf *old = reload("metrics listen 192.0.2.1:19474");
	ck_assert(!metrics_reconf(&d, old, err, sizeof(err)));
	ck_assert_msg(strstr(err, "metrics listen 192.0.2.1:19474: ") == err &&
	    strstr(err, "not on this host") != NULL, "%s", err);
	serves("127.0.14.20", 19474);
}
END_TEST

/*
 * Same port, another address, taken by someone else: lbbgpd lets go of
 * its own socket to try (a wildcard and a specific address cannot share
 * a port), fails, and takes its old address back.
 */
START_TEST(reconf_taken_same_port)
{
	struct sockaddr_in sin = sin_of("127.0.14.21", 19474);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char err[256];

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	ck_assert(metrics_start(&d));
	struct conf *old = reload("metrics listen 127.0.14.21:19474");
	ck_assert(!metrics_reconf(&d, old, err, sizeof(err)));
	ck_assert_msg(strstr(err, "Address already in use") != NULL, "%s", err);
	serves("127.0.14.20", 19474);
	close(fd);
}
END_TEST

int main(void)
{
	log_init(true, 0);
	Suite *s = suite_create("metrics_http");
	TCase *tc = unit_tcase(s, "listen");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, start_and_serve);
	tcase_add_test(tc, start_without_metrics);
	tcase_add_test(tc, start_on_taken_address);
	tcase_add_test(tc, reconf_moves);
	tcase_add_test(tc, reconf_bad_address);
	tcase_add_test(tc, reconf_taken_same_port);
	tcase_set_timeout(tc, 30);

	return unit_run(s);
}
