/*
 * ctl.c - bgpctl's side of lbbgpd's control socket: connect, send the
 * one request line, read the one reply line with a size bound and a
 * timeout, and check that it is a JSON object with a boolean "ok".
 *
 * Every failure exits 3 with a message that names the cause and the
 * fix (a missing socket, a permission problem and how to get in, a
 * daemon that is stuck).  It never blocks forever and never looks at a
 * reply beyond its framing.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bgpctl/bgpctl.h"

#define MAX_REPLY	(512u << 20)	/* 100,000 VIPs take ~20 MB */
#define MAX_DEPTH	64		/* JSON nesting of a reply */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void connect_failed(const char *, int) __attribute__((noreturn));
/* Is the caller in group gid in this login session? */
static bool in_group(gid_t gid)
{
	gid_t groups[256];
	int n = getgroups(256, groups);

	if (getegid() == gid)
		return true;
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* Listed as a member of gr, though not in this session's groups? */
static bool listed_in(const struct group *gr)
{
	struct passwd *pw = getpwuid(geteuid());

	for (char **m = gr->gr_mem; pw != NULL && m != NULL && *m; m++)
		if (strcmp(*m, pw->pw_name) == 0)
			return true;
	return false;
}

/* Who may use the socket, from its mode and group, and how to get in. */
static const char *access_fix(const char *path, char *buf, size_t size)
{
	struct group *gr;
	struct stat st;
	char gname[64];

	if (stat(path, &st) == -1)
		return "run bgpctl as root or as a member of the socket's "
		    "group, which socket-group in lbbgp.conf names; a "
		    "directory on the way to the socket may keep you out too";
	if ((st.st_mode & 0020) == 0) {
		snprintf(buf, size, "the socket has mode %04o: only its owner "
		    "may connect; run bgpctl as root, or let a group in with "
		    "socket-mode 0660 and socket-group in lbbgp.conf",
		    (unsigned)(st.st_mode & 0777));
		return buf;
	}
	gr = getgrgid(st.st_gid);
	if (gr != NULL)
		snprintf(gname, sizeof(gname), "%s", gr->gr_name);
	else
		snprintf(gname, sizeof(gname), "%u", (unsigned)st.st_gid);
	if (gr != NULL && !in_group(st.st_gid) && listed_in(gr))
		snprintf(buf, size, "you are a member of group %s, which owns "
		    "the socket, but not in this login session: log in again "
		    "or run newgrp %s", gname, gname);
	else
		snprintf(buf, size, "run bgpctl as root or as a member of "
		    "group %s, which owns the socket; socket-group in "
		    "lbbgp.conf chooses the group", gname);
	return buf;
}

/* Name the cause and the fix. */
static void connect_failed(const char *path, int e)
{
	const char *fix = "check the path given with -s or LBBGP_SOCKET";
	char buf[320];

	switch (e) {
	case ENOENT:
		fix = "is lbbgpd running? use -s to name its socket";
		break;
	case ECONNREFUSED:
		fix = "the socket file is there but nothing answers on it: "
		    "lbbgpd is not running, or stopped without removing it; "
		    "start lbbgpd, or use -s to name its socket";
		break;
	case EACCES:
	case EPERM:
		fix = access_fix(path, buf, sizeof(buf));
		break;
	}
	die(EXIT_UNREACHABLE, "cannot connect to %s: %s (%s)", path,
	    strerror(e), fix);
}

static void ctl_connect(struct exchange *x)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = x->path;
	double give_up = now() + x->timeout;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		die(EXIT_UNREACHABLE, "cannot connect to %s: the path is "
		    "longer than %zu bytes (give lbbgpd and bgpctl a shorter "
		    "-s path)", path, sizeof(sun.sun_path) - 1);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		die(EXIT_UNREACHABLE, "socket: %s", strerror(errno));
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == EINTR)
			continue;
		/* A full backlog: lbbgpd is busy or stuck; wait a while. */
		if (errno == EAGAIN && now() < give_up) {
			poll(NULL, 0, 10);
			continue;
		}
		if (errno == EAGAIN)
			die(EXIT_UNREACHABLE, "lbbgpd accepts no connection "
			    "on %s within %d s (is it stuck? see its log)",
			    path, x->timeout);
		connect_failed(path, errno);
	}
	x->fd = fd;
}

/* Wait for x's socket; false after x->timeout seconds. */
static bool wait_fd(const struct exchange *x, short events)
{
	struct pollfd pfd = { .fd = x->fd, .events = events };
	double give_up = now() + x->timeout;

	for (;;) {
		int ms = (int)((give_up - now()) * 1000);
		int n = poll(&pfd, 1, ms > 0 ? ms : 0);
		if (n > 0)
			return true;
		if (n == 0)
			return false;
		if (errno != EINTR)
			die(EXIT_UNREACHABLE, "poll: %s", strerror(errno));
	}
}

static void send_request(struct exchange *x)
{
	size_t off = 0;

	while (off < x->reqlen) {
		if (!wait_fd(x, POLLOUT))
			die(EXIT_UNREACHABLE, "lbbgpd does not read its "
			    "control socket (waited %d s; is it stuck? see "
			    "its log)", x->timeout);
		ssize_t n = send(x->fd, x->req + off, x->reqlen - off,
		    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			/* It may have answered (a refusal) before closing. */
			if (errno == EPIPE || errno == ECONNRESET)
				return;
			die(EXIT_UNREACHABLE, "sending the request: %s",
			    strerror(errno));
		}
		off += (size_t)n;
	}
}

/*
 * One reply line, however long (show vips with 100,000 VIPs is ~20 MB),
 * up to MAX_REPLY; x->timeout seconds of silence end the wait.
 */
static void read_reply(struct exchange *x)
{
	x->cap = 1 << 16;
	x->buf = xcalloc(1, x->cap);
	for (;;) {
		if (!wait_fd(x, POLLIN)) {
			if (x->len == 0)
				die(EXIT_UNREACHABLE, "no reply from lbbgpd "
				    "within %d s (is it stuck? see its log)",
				    x->timeout);
			die(EXIT_UNREACHABLE, "lbbgpd stopped in the middle "
			    "of its reply (%zu bytes, then nothing for %d s)",
			    x->len, x->timeout);
		}
		if (x->cap - x->len < (1 << 15)) {
			if (x->cap >= MAX_REPLY)
				die(EXIT_UNREACHABLE, "the reply of lbbgpd is "
				    "longer than %u MiB; narrow the request "
				    "(e.g. show vips pool POOL)",
				    MAX_REPLY >> 20);
			x->cap *= 2;
			x->buf = xrealloc(x->buf, x->cap);
		}
		ssize_t n = recv(x->fd, x->buf + x->len, x->cap - x->len - 1,
		    0);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno != ECONNRESET)
				die(EXIT_UNREACHABLE, "reading the reply: %s",
				    strerror(errno));
			n = 0;
		}
		if (n == 0 && x->len == 0)
			die(EXIT_UNREACHABLE, "lbbgpd closed the connection "
			    "without a reply (see its log)");
		if (n == 0)
			die(EXIT_UNREACHABLE, "lbbgpd closed the connection "
			    "in the middle of its reply (after %zu bytes)",
			    x->len);
		char *nl = memchr(x->buf + x->len, '\n', (size_t)n);
		x->len += (size_t)n;
		if (nl != NULL) {
			*nl = '\0';
			x->len = (size_t)(nl - x->buf);
			if (x->len > 0 && x->buf[x->len - 1] == '\r')
				x->buf[--x->len] = '\0';
			return;
		}
	}
}

static json_object *parse_reply(const char *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(MAX_DEPTH);
	json_object *r, *ok;
	const char *why = NULL;

	if (tok == NULL)
		die(EXIT_UNREACHABLE, "out of memory");
	r = json_tokener_parse_ex(tok, buf, (int)len);
	if (r == NULL || json_tokener_get_error(tok) != json_tokener_success)
		why = json_tokener_error_desc(json_tokener_get_error(tok));
	else if (json_tokener_get_parse_end(tok) != len)
		why = "trailing data after the JSON value";
	else if (!json_object_is_type(r, json_type_object) ||
	    !json_object_object_get_ex(r, "ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean))
		why = "not an object with a boolean \"ok\"";
	if (why != NULL) {
		json_object_put(r);
		json_tokener_free(tok);
		die(EXIT_UNREACHABLE, "lbbgpd sent an invalid reply (%s); are "
		    "bgpctl and lbbgpd the same version?", why);
	}
	json_tokener_free(tok);
	return r;
}

json_object *ctl_exchange(struct exchange *x)
{
	json_object *reply;

	ctl_connect(x);
	send_request(x);
	read_reply(x);
	close(x->fd);
	x->fd = -1;
	reply = parse_reply(x->buf, x->len);
	free(x->buf);
	x->buf = NULL;
	return reply;
}
