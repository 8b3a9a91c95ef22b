/*
 * check_health.c - unit tests for bgpd/health/: the probes of health
 * checks on a real libev default loop (exec needs it for ev_child).
 *
 * Every peer is made here, on 127.0.0.1 with ports from bind(port 0): a
 * TCP listener that accepts, one that never accepts and is full (its
 * SYNs are dropped: a timeout), a port bound but not listening (refused),
 * and a small HTTP server on the same loop (/ok 200, /fail 503, /redirect
 * 302, /hang never answers, /flood 10 MB of body).  Exec checks run
 * /bin/true, /bin/false and /bin/sh scripts.  The test process is a child
 * subreaper, so the background child of a killed script becomes ours and
 * libev reaps it: "gone" is then kill(pid, 0) failing with ESRCH.
 *
 * Configs are built by hand (struct conf_check), not parsed.  Each run of
 * the loop has a deadline, and each test a Check timeout, so nothing can
 * hang.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "bgpd/health/health.h"
#include "conf/conf.h"
#include "tests/unit/loop_fixture.h"
#include "tests/unit/unit.h"

/* ---- reports ------------------------------------------------------------ */

#define MAX_REPORTS	64

struct rec {
	size_t check;
	enum health_result result;
	char reason[128];
	double latency;
	double at;		/* CLOCK_MONOTONIC seconds */
	size_t running;		/* health_running() during the report */
};

static struct ev_loop *loop;
static struct rec reps[MAX_REPORTS];
static size_t nreps;
static size_t want;		/* ev_break once nreps reaches it */
static struct health *cur;	/* the one under test, for health_running() */
static char dir[64];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_report(void *ctx, const struct health_report *r)
{
	ck_assert_uint_lt(nreps, MAX_REPORTS);
	reps[nreps].check = r->check;
	reps[nreps].result = r->result;
	snprintf(reps[nreps].reason, sizeof(reps[nreps].reason), "%s",
	    r->reason);
	reps[nreps].latency = r->latency;
	reps[nreps].at = now();
	reps[nreps].running = cur != NULL ? health_running(cur) : 0;
	if (++nreps >= want)
		ev_break(loop, EVBREAK_ONE);
}

/* Run the loop until n reports in all or secs have passed; did n come? */
static bool run_until(size_t n, double secs)
{
	return unit_run_until(loop, &nreps, &want, n, secs);
}

static void run_for(double secs)
{
	(void)run_until(SIZE_MAX, secs);
}

static void setup(void)
{
	loop = ev_default_loop(0);
	ck_assert_ptr_nonnull(loop);
	nreps = 0;
	want = SIZE_MAX;
	cur = NULL;
	/* Orphans of killed scripts come to us, and libev reaps them. */
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	signal(SIGPIPE, SIG_IGN);
	unit_tmpdir(dir, sizeof(dir), "check_health");
}

static void teardown(void)
{
	unit_rmtree(dir);
}

/* ---- peers -------------------------------------------------------------- */

#define FLOOD_BYTES	(10 * 1024 * 1024)

struct tconn {
	struct tsrv *s;
	int fd;
	ev_io io;
	char req[4096];
	size_t len;
	size_t flood;		/* body bytes still to send */
	struct tconn *next;
};

struct tsrv {
	int fd;
	uint16_t port;
	ev_io io;
	bool http;
	size_t accepted, requests, agents;
	size_t flood_sent;
	bool flood_cut;		/* the client closed a flood early */
	struct tconn *conns;
};

static void conn_close(struct tconn *c)
{
	struct tconn **pp;

	ev_io_stop(loop, &c->io);
	close(c->fd);
	for (pp = &c->s->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	free(c);
}

static void conn_send(struct tconn *c, const char *status, const char *extra)
{
	char out[512];
	int n = snprintf(out, sizeof(out), "HTTP/1.1 %s\r\n%s"
	    "Content-Length: 2\r\nConnection: close\r\n\r\nok", status, extra);

	ck_assert_int_eq(send(c->fd, out, (size_t)n, MSG_NOSIGNAL), n);
	conn_close(c);
}

static void conn_flood_cb(struct ev_loop *l, ev_io *w, int revents)
{
	static const char zeros[65536];
	struct tconn *c = w->data;
	size_t n = c->flood < sizeof(zeros) ? c->flood : sizeof(zeros);
	ssize_t r = send(c->fd, zeros, n, MSG_NOSIGNAL);

	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		c->s->flood_cut = true;
		conn_close(c);
		return;
	}
	c->s->flood_sent += (size_t)r;
	c->flood -= (size_t)r;
	if (c->flood == 0)
		conn_close(c);
}

static void conn_read_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct tconn *c = w->data;
	ssize_t r = recv(c->fd, c->req + c->len, sizeof(c->req) - 1 - c->len,
	    0);

	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0 || c->len + (size_t)r >= sizeof(c->req) - 1) {
		conn_close(c);	/* gone (a hung request too), or too long */
		return;
	}
	c->len += (size_t)r;
	c->req[c->len] = '\0';
	if (strstr(c->req, "\r\n\r\n") == NULL)
		return;
	c->s->requests++;
	if (strstr(c->req, "\r\nUser-Agent: lbbgpd-health/1\r\n") != NULL)
		c->s->agents++;
	if (strncmp(c->req, "GET /ok ", 8) == 0) {
		conn_send(c, "200 OK", "");
	} else if (strncmp(c->req, "GET /fail ", 10) == 0) {
		conn_send(c, "503 Service Unavailable", "");
	} else if (strncmp(c->req, "GET /redirect ", 14) == 0) {
		conn_send(c, "302 Found", "Location: /ok\r\n");
	} else if (strncmp(c->req, "GET /flood ", 11) == 0) {
		char head[128];
		int n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
		    "Content-Length: %d\r\n\r\n", FLOOD_BYTES);

		ck_assert_int_eq(send(c->fd, head, (size_t)n, MSG_NOSIGNAL),
		    n);
		c->flood = FLOOD_BYTES;
		ev_io_stop(loop, &c->io);
		ev_io_init(&c->io, conn_flood_cb, c->fd, EV_WRITE);
		c->io.data = c;
		ev_io_start(loop, &c->io);
	} else if (strncmp(c->req, "GET /garbage ", 13) == 0) {
		/* Not HTTP at all. */
		static const char junk[] = "\x16\x03\x01\x00\xff garbage "
		    "\x00\x01\r\n\r\n";
		ck_assert_int_eq(send(c->fd, junk, sizeof(junk) - 1,
		    MSG_NOSIGNAL), (ssize_t)sizeof(junk) - 1);
		conn_close(c);
	} else if (strncmp(c->req, "GET /hang ", 10) != 0) {
		conn_send(c, "404 Not Found", "");
	}
	/* /hang: no answer; the read watcher sees the client leave. */
}

static void srv_accept_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct tsrv *s = w->data;
	int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct tconn *c;

	if (fd == -1)
		return;
	s->accepted++;
	if (!s->http) {
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	ck_assert_ptr_nonnull(c);
	c->s = s;
	c->fd = fd;
	c->next = s->conns;
	s->conns = c;
	ev_io_init(&c->io, conn_read_cb, fd, EV_READ);
	c->io.data = c;
	ev_io_start(loop, &c->io);
}

/*
 * A socket on 127.0.0.1, a free port.  backlog < 0: bound, not listening
 * (connects are refused).  accepting: take connections (and speak HTTP
 * if http), else leave them in the queue.
 */
static void srv_start(struct tsrv *s, int backlog, bool accepting, bool http)
{
	memset(s, 0, sizeof(*s));
	s->http = http;
	s->fd = unit_loopback_socket(backlog, &s->port);
	if (backlog >= 0 && accepting) {
		ev_io_init(&s->io, srv_accept_cb, s->fd, EV_READ);
		s->io.data = s;
		ev_io_start(loop, &s->io);
	}
}

static void srv_stop(struct tsrv *s)
{
	while (s->conns != NULL)
		conn_close(s->conns);
	ev_io_stop(loop, &s->io);
	close(s->fd);
}

/* ---- configs ------------------------------------------------------------ */

static void ck_base(struct conf_check *cc, char *name, enum conf_check_kind k,
    uint32_t interval_ms, uint32_t timeout_ms)
{
	memset(cc, 0, sizeof(*cc));
	cc->name = name;
	cc->kind = k;
	cc->interval_ms = interval_ms;
	cc->timeout_ms = timeout_ms;
	cc->rise = CONF_DEFAULT_RISE;
	cc->fall = CONF_DEFAULT_FALL;
}

static void ck_tcp(struct conf_check *cc, char *name, uint16_t port,
    uint32_t interval_ms, uint32_t timeout_ms)
{
	ck_base(cc, name, CHECK_TCP, interval_ms, timeout_ms);
	cc->addr.afi = AFI_IPV4;
	cc->addr.len = 32;
	cc->addr.a[0] = 127;
	cc->addr.a[3] = 1;
	cc->port = port;
}

/* url: a buffer of the caller's that outlives the check. */
static void ck_http(struct conf_check *cc, char *name, char *url,
    size_t urlsize, uint16_t port, const char *path, uint32_t interval_ms,
    uint32_t timeout_ms)
{
	ck_base(cc, name, CHECK_HTTP, interval_ms, timeout_ms);
	snprintf(url, urlsize, "http://127.0.0.1:%u%s", port, path);
	cc->url = url;
}

static void ck_exec(struct conf_check *cc, char *name, char **argv,
    uint32_t interval_ms, uint32_t timeout_ms)
{
	ck_base(cc, name, CHECK_EXEC, interval_ms, timeout_ms);
	cc->argv = argv;
	for (cc->argc = 0; argv[cc->argc] != NULL; cc->argc++)
		continue;
}

static struct conf conf_of(struct conf_check *checks, size_t n)
{
	struct conf c;

	memset(&c, 0, sizeof(c));
	c.checks = checks;
	c.nchecks = n;
	return c;
}

/* A health running c (the one whose health_running() reports record). */
static struct health *start(const struct conf *c)
{
	struct health *h = health_new(loop, on_report, NULL);

	ck_assert_ptr_nonnull(h);
	cur = h;
	ck_assert(health_apply(h, c));
	return h;
}

static void stop(struct health *h)
{
	cur = NULL;
	health_free(h);
}

/* Apply one check, wait for its first report, free; the report. */
static const struct rec *probe_once(struct conf_check *cc, double secs)
{
	struct conf c = conf_of(cc, 1);
	struct health *h = start(&c);

	ck_assert_msg(run_until(1, secs), "no report within %.1f s", secs);
	stop(h);
	ck_assert_uint_eq(reps[0].check, 0);
	return &reps[0];
}

static void assert_rec(const struct rec *r, enum health_result res,
    const char *reason)
{
	ck_assert_int_eq(r->result, res);
	ck_assert_str_eq(r->reason, reason);
}

/* ---- pids --------------------------------------------------------------- */

/* The pid a script wrote to dir/name, waiting (on the loop) for it. */
static pid_t read_pid(const char *name)
{
	char path[128];
	long pid = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (int i = 0; i < 100 && pid <= 0; i++) {
		FILE *f = fopen(path, "r");

		if (f != NULL) {
			if (fscanf(f, "%ld", &pid) != 1)
				pid = 0;
			fclose(f);
		}
		if (pid <= 0)
			run_for(0.02);
	}
	ck_assert_msg(pid > 0, "%s never written", path);
	return (pid_t)pid;
}

static bool gone(pid_t pid)
{
	return kill(pid, 0) == -1 && errno == ESRCH;
}

/* An exec check of a script that writes its pid to dir/sh, starts a
 * background sleep, writes that one's pid to dir/bg, and sleeps. */
struct sleeper {
	char script[256];
	char *argv[4];
	struct conf_check cc;
	struct conf c;
	pid_t sh, bg;
};

/* Run it; back when both pids are known. */
static struct health *sleeper_start(struct sleeper *sl, uint32_t interval_ms,
    uint32_t timeout_ms)
{
	struct health *h;

	snprintf(sl->script, sizeof(sl->script), "echo $$ >%s/sh; "
	    "sleep 30 & echo $! >%s/bg; sleep 30", dir, dir);
	sl->argv[0] = "/bin/sh";
	sl->argv[1] = "-c";
	sl->argv[2] = sl->script;
	sl->argv[3] = NULL;
	ck_exec(&sl->cc, "x", sl->argv, interval_ms, timeout_ms);
	sl->c = conf_of(&sl->cc, 1);
	h = start(&sl->c);
	sl->sh = read_pid("sh");
	sl->bg = read_pid("bg");
	ck_assert_uint_eq(health_running(h), 1);
	return h;
}

/* Both are gone, after the loop had time to reap the orphaned sleep. */
static void sleeper_gone(const struct sleeper *sl)
{
	run_for(0.2);
	ck_assert_msg(gone(sl->sh), "script %d still there", (int)sl->sh);
	ck_assert_msg(gone(sl->bg), "background child %d still there",
	    (int)sl->bg);
}

/* ---- tcp ---------------------------------------------------------------- */

START_TEST(tcp_connected)
{
	struct tsrv s;
	struct conf_check cc;

	srv_start(&s, 16, true, false);
	ck_tcp(&cc, "t", s.port, 5000, 1000);
	const struct rec *r = probe_once(&cc, 2.0);
	assert_rec(r, HEALTH_PASS, "connected");
	ck_assert(r->latency >= 0 && r->latency < 0.5);
	ck_assert_uint_eq(r->running, 0);	/* over when reported */
	srv_stop(&s);
}
END_TEST

START_TEST(tcp_refused)
{
	struct tsrv s;
	struct conf_check cc;

	srv_start(&s, -1, false, false);
	ck_tcp(&cc, "t", s.port, 5000, 1000);
	assert_rec(probe_once(&cc, 2.0), HEALTH_FAIL, "connection refused");
	srv_stop(&s);
}
END_TEST

/* A listener whose queue is full drops further SYNs: the connect hangs. */
START_TEST(tcp_timeout)
{
	struct tsrv s;
	struct conf_check cc;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fill[3];

	srv_start(&s, 0, false, false);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(s.port);
	for (size_t i = 0; i < NELEM(fill); i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		ck_assert_int_ge(fill[i], 0);
		(void)connect(fill[i], (struct sockaddr *)&sin, sizeof(sin));
	}
	ck_tcp(&cc, "t", s.port, 5000, 300);
	const struct rec *r = probe_once(&cc, 2.0);
	assert_rec(r, HEALTH_FAIL, "timeout after 0.3 s");
	ck_assert(r->latency >= 0.29 && r->latency < 0.6);
	for (size_t i = 0; i < NELEM(fill); i++)
		close(fill[i]);
	srv_stop(&s);
}
END_TEST

/* ---- http --------------------------------------------------------------- */

/* One http probe of path on a fresh server; the server for more checks. */
static const struct rec *http_once(struct tsrv *s, const char *path,
    const uint16_t *expect, size_t nexpect, uint32_t timeout_ms)
{
	static char url[128];
	static uint16_t exp[8];
	struct conf_check cc;

	srv_start(s, 16, true, true);
	ck_http(&cc, "web", url, sizeof(url), s->port, path, 5000,
	    timeout_ms);
	if (nexpect > 0)
		memcpy(exp, expect, nexpect * sizeof(*exp));
	cc.expect = exp;
	cc.nexpect = nexpect;
	return probe_once(&cc, 3.0);
}

START_TEST(http_ok)
{
	struct tsrv s;

	assert_rec(http_once(&s, "/ok", NULL, 0, 1000), HEALTH_PASS,
	    "http 200");
	ck_assert_uint_eq(s.requests, 1);
	ck_assert_uint_eq(s.agents, 1);
	srv_stop(&s);
}
END_TEST

START_TEST(http_503)
{
	struct tsrv s;

	assert_rec(http_once(&s, "/fail", NULL, 0, 1000), HEALTH_FAIL,
	    "http 503");
	srv_stop(&s);
}
END_TEST

START_TEST(http_expect)
{
	static const uint16_t only503[] = { 503 }, only204[] = { 204, 201 };
	struct tsrv s;

	assert_rec(http_once(&s, "/fail", only503, NELEM(only503), 1000),
	    HEALTH_PASS, "http 503");
	srv_stop(&s);
	nreps = 0;
	assert_rec(http_once(&s, "/ok", only204, NELEM(only204), 1000),
	    HEALTH_FAIL, "http 200");
	srv_stop(&s);
}
END_TEST

/* 302 is up by default, and it is not followed. */
START_TEST(http_no_redirect)
{
	struct tsrv s;

	assert_rec(http_once(&s, "/redirect", NULL, 0, 1000), HEALTH_PASS,
	    "http 302");
	run_for(0.1);
	ck_assert_uint_eq(s.requests, 1);
	srv_stop(&s);
}
END_TEST

START_TEST(http_hang)
{
	struct tsrv s;

	const struct rec *r = http_once(&s, "/hang", NULL, 0, 300);
	assert_rec(r, HEALTH_FAIL, "timeout after 0.3 s");
	ck_assert(r->latency >= 0.29 && r->latency < 0.8);
	srv_stop(&s);
}
END_TEST

/* 10 MB of body: read 64 KiB, then the status line decides. */
START_TEST(http_flood)
{
	struct tsrv s;

	const struct rec *r = http_once(&s, "/flood", NULL, 0, 2000);
	assert_rec(r, HEALTH_PASS, "http 200");
	ck_assert(r->latency < 1.0);
	run_for(0.2);
	ck_assert(s.flood_cut);
	ck_assert_uint_lt(s.flood_sent, FLOOD_BYTES);
	srv_stop(&s);
}
END_TEST

/* A reply that is not HTTP fails the probe, with curl's reason. */
START_TEST(http_garbage)
{
	struct tsrv s;

	const struct rec *r = http_once(&s, "/garbage", NULL, 0, 2000);
	ck_assert_int_eq(r->result, HEALTH_FAIL);
	ck_assert_msg(r->reason[0] != '\0' && strncmp(r->reason, "http ",
	    5) != 0, "reason \"%s\"", r->reason);
	ck_assert(r->latency < 1.0);
	srv_stop(&s);
}
END_TEST

START_TEST(http_refused)
{
	struct tsrv closed;
	struct conf_check cc;
	char url[128];

	srv_start(&closed, -1, false, false);
	ck_http(&cc, "web", url, sizeof(url), closed.port, "/ok", 5000, 1000);
	assert_rec(probe_once(&cc, 3.0), HEALTH_FAIL, "connection refused");
	srv_stop(&closed);
}
END_TEST

/* A proxy in the environment is not used (it would refuse). */
START_TEST(http_no_env_proxy)
{
	struct tsrv s, closed;
	char proxy[64];

	srv_start(&closed, -1, false, false);
	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%u", closed.port);
	setenv("http_proxy", proxy, 1);
	setenv("HTTP_PROXY", proxy, 1);
	setenv("ALL_PROXY", proxy, 1);
	assert_rec(http_once(&s, "/ok", NULL, 0, 1000), HEALTH_PASS,
	    "http 200");
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("ALL_PROXY");
	srv_stop(&s);
	srv_stop(&closed);
}
END_TEST

/* Only http and https: a file: URL is refused without being read. */
START_TEST(http_other_protocol)
{
	struct conf_check cc;

	ck_base(&cc, "web", CHECK_HTTP, 5000, 1000);
	cc.url = "file:///etc/hostname";
	const struct rec *r = probe_once(&cc, 3.0);
	ck_assert_int_eq(r->result, HEALTH_FAIL);
	ck_assert_msg(strstr(r->reason, "file") != NULL, "reason: %s",
	    r->reason);
}
END_TEST

/* ---- exec --------------------------------------------------------------- */

static const struct rec *exec_once(char **argv, uint32_t timeout_ms)
{
	struct conf_check cc;

	ck_exec(&cc, "x", argv, 5000, timeout_ms);
	return probe_once(&cc, 3.0);
}

START_TEST(exec_status)
{
	static char *t[] = { "/bin/true", NULL };
	static char *f[] = { "/bin/false", NULL };
	static char *two[] = { "/bin/sh", "-c", "exit 2", NULL };
	static char *sig[] = { "/bin/sh", "-c", "kill -9 $$", NULL };
	static char *loud[] = { "/bin/sh", "-c",
	    "head -c 10000000 /dev/zero; head -c 10000000 /dev/zero >&2", NULL };
	static char *none[] = { "/nonexistent/probe", NULL };
	static const struct {
		char **argv;
		enum health_result res;
		const char *reason;
	} cases[] = {
		{ t, HEALTH_PASS, "exit 0" },
		{ f, HEALTH_FAIL, "exit 1" },
		{ two, HEALTH_FAIL, "exit 2" },
		{ sig, HEALTH_FAIL, "killed by signal 9" },
		{ loud, HEALTH_PASS, "exit 0" },
		{ none, HEALTH_FAIL, "cannot run /nonexistent/probe: "
		    "No such file or directory" },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		nreps = 0;
		const struct rec *r = exec_once(cases[i].argv, 2000);
		assert_rec(r, cases[i].res, cases[i].reason);
	}
}
END_TEST

/* The timeout kills the whole group: the script and its background
 * child; the script is still reaped. */
START_TEST(exec_timeout)
{
	struct sleeper sl;
	struct health *h = sleeper_start(&sl, 5000, 300);

	ck_assert(run_until(1, 2.0));
	assert_rec(&reps[0], HEALTH_FAIL, "timeout after 0.3 s");
	ck_assert_uint_eq(reps[0].running, 1);	/* still to be reaped */
	ck_assert(reps[0].latency >= 0.29 && reps[0].latency < 0.8);
	for (int i = 0; i < 50 && health_running(h) > 0; i++)
		run_for(0.02);
	ck_assert_uint_eq(health_running(h), 0);
	sleeper_gone(&sl);
	ck_assert_uint_eq(nreps, 1);
	stop(h);
}
END_TEST

/* health_free() kills and reaps at once, without the loop. */
START_TEST(exec_free_kills)
{
	struct sleeper sl;

	stop(sleeper_start(&sl, 20000, 10000));
	ck_assert_msg(gone(sl.sh), "script %d not reaped", (int)sl.sh);
	sleeper_gone(&sl);
	ck_assert_uint_eq(nreps, 0);
}
END_TEST

/* A script that exits at once leaves nothing behind in its group. */
START_TEST(exec_leftovers_killed)
{
	static char script[256];
	static char *argv[] = { "/bin/sh", "-c", script, NULL };
	struct conf_check cc;

	snprintf(script, sizeof(script), "sleep 30 & echo $! >%s/bg", dir);
	ck_exec(&cc, "x", argv, 5000, 2000);
	assert_rec(probe_once(&cc, 3.0), HEALTH_PASS, "exit 0");
	pid_t bg = read_pid("bg");
	run_for(0.2);
	ck_assert_msg(gone(bg), "background child %d still there", (int)bg);
}
END_TEST

/* ---- schedule ----------------------------------------------------------- */

START_TEST(disable_file)
{
	struct tsrv s;
	struct conf_check cc;
	struct conf c;
	struct health *h;
	char path[128], reason[192];
	FILE *f;

	srv_start(&s, 16, true, false);
	snprintf(path, sizeof(path), "%s/maintenance", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fclose(f);
	ck_tcp(&cc, "t", s.port, 200, 100);
	cc.disable_file = path;
	c = conf_of(&cc, 1);
	h = start(&c);
	ck_assert(run_until(2, 2.0));
	snprintf(reason, sizeof(reason), "disable-file %s exists", path);
	assert_rec(&reps[0], HEALTH_DISABLED, reason);
	assert_rec(&reps[1], HEALTH_DISABLED, reason);
	run_for(0.05);
	ck_assert_uint_eq(s.accepted, 0);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert(run_until(3, 2.0));
	assert_rec(&reps[2], HEALTH_PASS, "connected");
	stop(h);
	srv_stop(&s);
}
END_TEST

/* One probe per interval, from the start of each. */
START_TEST(interval)
{
	struct tsrv s;
	struct conf_check cc;
	struct conf c;
	struct health *h;

	srv_start(&s, 16, true, false);
	ck_tcp(&cc, "t", s.port, 200, 100);
	c = conf_of(&cc, 1);
	h = start(&c);
	double t0 = now();
	run_for(1.0);
	ck_assert_msg(nreps >= 5 && nreps <= 7, "%zu reports in 1 s", nreps);
	ck_assert(reps[0].at - t0 < 0.1);
	for (size_t i = 1; i < nreps; i++) {
		double gap = reps[i].at - reps[i - 1].at;
		/* the second probe comes 0.5 to 1 interval after the first
		 * (the check's own phase), then one per interval */
		double lo = i == 1 ? 0.09 : 0.15;

		ck_assert_msg(gap > lo && gap < 0.25, "gap %zu: %.3f s", i,
		    gap);
	}
	stop(h);
	run_for(0.05);
	/* each report was a real connection (the last one may have been
	 * cut short by health_free()) */
	ck_assert_msg(s.accepted == nreps || s.accepted == nreps + 1,
	    "%zu connections for %zu reports", s.accepted, nreps);
	srv_stop(&s);
}
END_TEST

/* A probe still running at a tick: the tick is skipped, the next one
 * probes.  (The parser keeps timeout <= interval; exec at a timeout
 * still waits for its child, and this is that case made long.) */
START_TEST(tick_skipped)
{
	static char *argv[] = { "/bin/sh", "-c", "sleep 0.5", NULL };
	struct conf_check cc;
	struct conf c;
	struct health *h;

	ck_exec(&cc, "x", argv, 200, 2000);
	c = conf_of(&cc, 1);
	h = start(&c);
	/* Until the second probe ended (at about 1.1 s), with room for a
	 * loaded machine; a third may have ended too. */
	run_for(1.8);
	ck_assert_msg(nreps == 2 || nreps == 3, "%zu reports", nreps);
	assert_rec(&reps[0], HEALTH_PASS, "exit 0");
	assert_rec(&reps[1], HEALTH_PASS, "exit 0");
	/* started at 0 and 0.6: ticks at 0.2 and 0.4 were skipped */
	ck_assert_msg(reps[1].at - reps[0].at > 0.5 &&
	    reps[1].at - reps[0].at < 0.75, "%.3f s apart",
	    reps[1].at - reps[0].at);
	stop(h);
}
END_TEST

/* Reload: unchanged keeps its schedule under its new index; new and
 * changed probe at once; removed ones stop. */
START_TEST(reload)
{
	struct tsrv s, closed;
	struct conf_check c1[1], c2[2], c3[1];
	struct conf k1, k2, k3, k4;
	struct health *h;

	srv_start(&s, 16, true, false);
	srv_start(&closed, -1, false, false);
	ck_tcp(&c1[0], "a", s.port, 400, 100);
	ck_tcp(&c2[0], "b", s.port, 5000, 100);
	ck_tcp(&c2[1], "a", s.port, 400, 100);
	ck_tcp(&c3[0], "a", closed.port, 400, 100);
	k1 = conf_of(c1, 1);
	k2 = conf_of(c2, 2);
	k3 = conf_of(c3, 1);
	k4 = conf_of(NULL, 0);
	h = start(&k1);
	ck_assert(run_until(2, 2.0));
	double t1 = reps[1].at;

	ck_assert(health_apply(h, &k2));
	ck_assert_uint_eq(nreps, 2);	/* nothing from inside apply */
	ck_assert(run_until(4, 2.0));
	/* b at once, a on its old schedule, now as index 1 */
	ck_assert_uint_eq(reps[2].check, 0);
	ck_assert(reps[2].at - t1 < 0.1);
	ck_assert_uint_eq(reps[3].check, 1);
	assert_rec(&reps[3], HEALTH_PASS, "connected");
	ck_assert_msg(reps[3].at - t1 > 0.3 && reps[3].at - t1 < 0.5,
	    "kept check came %.3f s after its last", reps[3].at - t1);

	double t2 = now();
	ck_assert(health_apply(h, &k3));	/* a changed: at once */
	ck_assert(run_until(5, 2.0));
	ck_assert_uint_eq(reps[4].check, 0);
	assert_rec(&reps[4], HEALTH_FAIL, "connection refused");
	ck_assert(reps[4].at - t2 < 0.1);

	ck_assert(health_apply(h, &k4));	/* all gone */
	run_for(0.6);
	ck_assert_uint_eq(nreps, 5);
	stop(h);
	srv_stop(&s);
	srv_stop(&closed);
}
END_TEST

/* A running exec whose check goes away: killed with its group, reaped
 * by the loop, never reported. */
START_TEST(reload_removes_exec)
{
	struct sleeper sl;
	struct conf none = conf_of(NULL, 0);
	struct health *h = sleeper_start(&sl, 20000, 10000);

	ck_assert(health_apply(h, &none));
	ck_assert_uint_eq(health_running(h), 0);
	sleeper_gone(&sl);
	ck_assert_uint_eq(nreps, 0);
	stop(h);
}
END_TEST

/* Probes in flight, and in-flight ones kept across a reload. */
START_TEST(running_kept)
{
	struct tsrv s;
	char url[128];
	struct conf_check c1[1], c2[2];
	struct conf k1, k2;
	struct health *h;

	srv_start(&s, 16, true, true);
	ck_http(&c1[0], "web", url, sizeof(url), s.port, "/hang", 5000, 400);
	ck_tcp(&c2[0], "t", s.port, 5000, 100);
	c2[1] = c1[0];
	k1 = conf_of(c1, 1);
	k2 = conf_of(c2, 2);
	h = start(&k1);
	ck_assert_uint_eq(health_running(h), 0);
	run_for(0.1);
	ck_assert_uint_eq(health_running(h), 1);
	ck_assert(health_apply(h, &k2));
	ck_assert_uint_eq(health_running(h), 1);
	ck_assert(run_until(2, 2.0));
	assert_rec(&reps[0], HEALTH_PASS, "connected");
	ck_assert_uint_eq(reps[1].check, 1);
	assert_rec(&reps[1], HEALTH_FAIL, "timeout after 0.4 s");
	ck_assert_uint_eq(s.requests, 1);
	stop(h);
	srv_stop(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("health");
	TCase *tc = unit_tcase(s, "health");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, tcp_connected);
	tcase_add_test(tc, tcp_refused);
	tcase_add_test(tc, tcp_timeout);
	tcase_add_test(tc, http_ok);
	tcase_add_test(tc, http_503);
	tcase_add_test(tc, http_expect);
	tcase_add_test(tc, http_no_redirect);
	tcase_add_test(tc, http_hang);
	tcase_add_test(tc, http_flood);
	tcase_add_test(tc, http_garbage);
	tcase_add_test(tc, http_refused);
	tcase_add_test(tc, http_no_env_proxy);
	tcase_add_test(tc, http_other_protocol);
	tcase_add_test(tc, exec_status);
	tcase_add_test(tc, exec_timeout);
	tcase_add_test(tc, exec_free_kills);
	tcase_add_test(tc, exec_leftovers_killed);
	tcase_add_test(tc, disable_file);
	tcase_add_test(tc, interval);
	tcase_add_test(tc, tick_skipped);
	tcase_add_test(tc, reload);
	tcase_add_test(tc, reload_removes_exec);
	tcase_add_test(tc, running_kept);
	return unit_run(s);
}
