/*
 * loop_fixture.h - what the unit tests of lbbgpd's libev code share: a
 * run of the loop with a deadline (ev_break() from a callback ends it
 * sooner), and a TCP socket on 127.0.0.1 at a free port for a fake
 * peer.  Header-only (static inline).  Test code only: nothing here may
 * know about a module under test.
 */
#ifndef LBBGP_LOOP_FIXTURE_H
#define LBBGP_LOOP_FIXTURE_H

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <ev.h>

static inline void unit_deadline_cb(struct ev_loop *l, ev_timer *w,
    int revents)
{
	ev_break(l, EVBREAK_ONE);
}

/* Run loop until a callback breaks it or secs have passed. */
static inline void unit_loop_run(struct ev_loop *loop, double secs)
{
	ev_timer t;

	ev_timer_init(&t, unit_deadline_cb, secs, 0.);
	ev_timer_start(loop, &t);
	ev_run(loop, 0);
	ev_timer_stop(loop, &t);
}

/*
 * Run loop until *count reaches n or secs have passed; whether it did.
 * The test's callbacks count in *count and ev_break() once it reaches
 * *want (set to n for the run, SIZE_MAX after).
 */
static inline bool unit_run_until(struct ev_loop *loop, const size_t *count,
    size_t *want, size_t n, double secs)
{
	*want = n;
	if (*count < n)
		unit_loop_run(loop, secs);
	*want = SIZE_MAX;
	return *count >= n;
}

/*
 * A non-blocking TCP socket bound to 127.0.0.1 at a free port (in
 * *port), listening with backlog, or not listening when backlog < 0
 * (connections to it are refused).
 */
static inline int unit_loopback_socket(int backlog, uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	if (backlog >= 0)
		ck_assert_int_eq(listen(fd, backlog), 0);
	return fd;
}

#endif
