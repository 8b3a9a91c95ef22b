/*
 * ctlsock.c - the control sockets as files: where they are, who may
 * connect to them, and how a reload changes them.
 *
 * Linux lets a process connect(2) to a Unix stream socket only when it
 * may write the socket file, so the file's mode and group are the access
 * control: socket-mode and socket-group for the main socket (-s) and the
 * other full sockets, 0666 and lbbgpd's own group for restricted
 * (read-only) ones.  A socket file is never, not even for an instant,
 * more open than a configuration says: it is bound owner-only, given its
 * group, then its mode, and only then listened on.  Clients and their
 * requests are control.c's business, not this file's.
 */
#include "bgpd/control/control.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CTL_BACKLOG	64
#define RESTRICTED_MODE	0666

/* "lbbgp" for a gid with a name, "4242" for one without. */
static const char *group_name(gid_t gid, char *buf, size_t size)
{
	char tmp[4096];
	struct group gr, *res = NULL;

	if (getgrgid_r(gid, &gr, tmp, sizeof(tmp), &res) == 0 && res != NULL)
		snprintf(buf, size, "%s", gr.gr_name);
	else
		snprintf(buf, size, "%u", (unsigned)gid);
	return buf;
}

/* socket-group: a group of the group database, or a number; none: ours. */
static bool resolve_group(const char *name, gid_t *gid, char *err,
    size_t errlen)
{
	if (name == NULL) {
		*gid = getegid();
		return true;
	}
	if (name[0] >= '0' && name[0] <= '9' &&
	    strspn(name, "0123456789") == strlen(name)) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(name, &end, 10);
		if (errno == 0 && v < (unsigned long)(gid_t)-1) {
			*gid = (gid_t)v;
			return true;
		}
	}
	long size = sysconf(_SC_GETGR_R_SIZE_MAX);
	if (size < 1024)
		size = 1024;
	for (;;) {
		struct group gr, *res = NULL;
		char *buf = malloc((size_t)size);
		if (buf == NULL) {
			snprintf(err, errlen, "socket-group %s: out of memory",
			    name);
			return false;
		}
		int rc = getgrnam_r(name, &gr, buf, (size_t)size, &res);
		if (rc == ERANGE && size < (1 << 22)) {
			free(buf);
			size *= 2;
			continue;
		}
		if (res != NULL)
			*gid = gr.gr_gid;
		free(buf);
		if (res != NULL)
			return true;
		/* Not found is 0 or one of these, depending on the backend. */
		if (rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF ||
		    rc == EPERM)
			snprintf(err, errlen, "socket-group %s: no such group; "
			    "create it (groupadd %s) or set socket-group to an "
			    "existing group name or number", name, name);
		else
			snprintf(err, errlen, "socket-group %s: cannot look "
			    "the group up: %s", name, strerror(rc));
		return false;
	}
}

/* What the config wants for a socket. */
static struct ctl_perm perm_for(const struct conf *c, bool restricted,
    gid_t group)
{
	struct ctl_perm p = { c->socket_mode, group };

	if (restricted) {
		p.mode = RESTRICTED_MODE;
		p.gid = getegid();
	}
	return p;
}

static bool perm_equal(const struct ctl_perm *a, const struct ctl_perm *b)
{
	return a->mode == b->mode && a->gid == b->gid;
}

/*
 * Take a socket file from one group and mode to another without ever
 * allowing more than both: first the mode bits both allow, then the new
 * group, then the new mode.  The file must still be the one we bound.
 */
static bool set_perm(const struct ctl_listener *l, const struct ctl_perm *from,
    const struct ctl_perm *to, char *err, size_t errlen)
{
	const char *path = l->path;
	struct stat st;
	char g[64];

	if (lstat(path, &st) < 0 || st.st_dev != l->dev ||
	    st.st_ino != l->ino) {
		snprintf(err, errlen, "control socket %s was removed or "
		    "replaced by another file; restart lbbgpd to create it "
		    "again", path);
		return false;
	}
	if (from->gid != to->gid) {
		if (chmod(path, from->mode & to->mode) < 0)
			goto mode_failed;
		if (lchown(path, (uid_t)-1, to->gid) < 0) {
			int e = errno;
			snprintf(err, errlen, "cannot give control socket %s to "
			    "group %s: %s (lbbgpd must run as root, or be a "
			    "member of that group)", path,
			    group_name(to->gid, g, sizeof(g)), strerror(e));
			return false;
		}
	}
	if (chmod(path, to->mode) < 0)
		goto mode_failed;
	return true;
mode_failed:
	snprintf(err, errlen, "cannot set the mode of control socket %s: %s",
	    path, strerror(errno));
	return false;
}

/* Remove a stale socket file, but never one a live daemon answers on,
 * and never a file that is not a socket. */
static bool clear_stale(const char *path, bool main, char *err,
    size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return true;
		snprintf(err, errlen, "control socket %s: %s", path,
		    strerror(errno));
		return false;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "control socket %s: the path exists and "
		    "is not a socket; remove it or choose another path", path);
		return false;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control socket %s: socket: %s", path,
		    strerror(errno));
		return false;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	bool live = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 ||
	    errno == EAGAIN;
	close(fd);
	if (live) {
		snprintf(err, errlen, "control socket %s is in use: is another "
		    "lbbgpd running? stop it or %s", path, main ? "use -s" :
		    "change the socket line of the config");
		return false;
	}
	unlink(path);
	return true;
}

/* Create, secure and listen on one socket; not yet linked or started. */
static struct ctl_listener *sock_open(struct lbbgpd *d, const char *path,
    bool restricted, bool main, const struct ctl_perm *perm, char *err,
    size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ctl_listener *l;
	struct stat st;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket path %s is too long (at "
		    "most %zu bytes)", path, sizeof(sun.sun_path) - 1);
		return NULL;
	}
	if (!clear_stale(path, main, err, errlen))
		return NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->path = strdup(path)) == NULL) {
		free(l);
		snprintf(err, errlen, "control socket %s: out of memory", path);
		return NULL;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		snprintf(err, errlen, "control socket %s: socket: %s", path,
		    strerror(errno));
		goto fail;
	}
	/* Owner-only from the first instant; the group and mode follow. */
	mode_t old = umask(0177);
	int rc = bind(l->fd, (struct sockaddr *)&sun, sizeof(sun));
	int e = errno;
	umask(old);
	if (rc < 0) {
		snprintf(err, errlen, "cannot create control socket %s: %s%s",
		    path, strerror(e), e == ENOENT ? " (does its directory "
		    "exist?)" : e == EROFS ? " (a read-only file system: "
		    "under systemd, see ReadWritePaths in lbbgpd.service)" : "");
		goto fail;
	}
	if (lstat(path, &st) < 0) {
		snprintf(err, errlen, "control socket %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	struct ctl_perm bound = { st.st_mode & 0777, st.st_gid };
	if (!set_perm(l, &bound, perm, err, errlen))
		goto fail_unlink;
	if (listen(l->fd, CTL_BACKLOG) < 0) {
		snprintf(err, errlen, "control socket %s: listen: %s", path,
		    strerror(errno));
		goto fail_unlink;
	}
	l->d = d;
	l->perm = *perm;
	l->restricted = restricted;
	l->main = main;
	ev_io_init(&l->io, ctl_accept_cb, l->fd, EV_READ);
	l->io.data = l;
	return l;
fail_unlink:
	unlink(path);
fail:
	if (l->fd >= 0)
		close(l->fd);
	free(l->path);
	free(l);
	return NULL;
}

static void sock_log(const struct ctl_listener *l, const char *what)
{
	char g[64];

	if (l->restricted)
		log_info("control socket %s%s (read-only, mode %04o)", l->path,
		    what, (unsigned)l->perm.mode);
	else
		log_info("control socket %s%s (mode %04o, group %s)", l->path,
		    what, (unsigned)l->perm.mode,
		    group_name(l->perm.gid, g, sizeof(g)));
}

static void sock_start(struct lbbgpd *d, struct ctl_listener *l)
{
	ev_io_start(d->loop, &l->io);
	l->next = d->ctl_listeners;
	d->ctl_listeners = l;
}

/* Close a socket (unlinked) and remove its file if it is still ours. */
static void sock_close(struct lbbgpd *d, struct ctl_listener *l)
{
	struct stat st;

	for (struct ctl_client *cl = d->ctl_clients; cl; cl = cl->next)
		if (cl->from == l)
			cl->from = NULL;
	ev_io_stop(d->loop, &l->io);
	close(l->fd);
	if (lstat(l->path, &st) == 0 && st.st_dev == l->dev &&
	    st.st_ino == l->ino)
		unlink(l->path);
	free(l->path);
	free(l);
}

static struct ctl_listener *find_listener(struct lbbgpd *d, const char *path)
{
	for (struct ctl_listener *l = d->ctl_listeners; l; l = l->next)
		if (strcmp(l->path, path) == 0)
			return l;
	return NULL;
}

static const struct conf_socket *find_conf_socket(const struct conf *c,
    const char *path)
{
	for (size_t i = 0; i < c->nsockets; i++)
		if (strcmp(c->sockets[i].path, path) == 0)
			return &c->sockets[i];
	return NULL;
}

/* A socket line naming the -s socket would fight it for the path. */
static bool check_main_path(const struct lbbgpd *d, char *err, size_t errlen)
{
	const struct conf *c = d->conf;
	const struct conf_socket *s = find_conf_socket(c, d->opts->socket_path);

	if (s == NULL)
		return true;
	snprintf(err, errlen, "%s:%d: socket \"%s\" is the main control "
	    "socket already (lbbgpd -s); remove the line or start lbbgpd with "
	    "another -s", c->file ? c->file : d->opts->conf_file, s->line,
	    s->path);
	return false;
}

/* Open, start and log one socket at start-up; false (logged) on failure. */
static bool open_start(struct lbbgpd *d, const char *path, bool restricted,
    bool main, gid_t group)
{
	struct ctl_perm perm = perm_for(d->conf, restricted, group);
	char err[512];
	struct ctl_listener *l = sock_open(d, path, restricted, main, &perm,
	    err, sizeof(err));

	if (l == NULL) {
		log_warnx("%s", err);
		return false;
	}
	sock_start(d, l);
	sock_log(l, "");
	return true;
}

bool ctl_open_all(struct lbbgpd *d)
{
	const struct conf *c = d->conf;
	char err[512];
	gid_t group;

	if (!resolve_group(c->socket_group, &group, err, sizeof(err)) ||
	    !check_main_path(d, err, sizeof(err))) {
		log_warnx("%s", err);
		return false;
	}
	if (!open_start(d, d->opts->socket_path, false, true, group))
		return false;
	for (size_t i = 0; i < c->nsockets; i++)
		if (!open_start(d, c->sockets[i].path, c->sockets[i].restricted,
		    false, group))
			return false;
	return true;
}

bool ctl_reconf(struct lbbgpd *d, const struct conf *old, char *err,
    size_t errlen)
{
	const struct conf *c = d->conf;
	struct ctl_listener *added = NULL, *l, *next, **pp;
	gid_t group;

	if (!resolve_group(c->socket_group, &group, err, errlen) ||
	    !check_main_path(d, err, errlen))
		return false;

	/* 1. The sockets new to the config, on the side until all is well. */
	for (size_t i = 0; i < c->nsockets; i++) {
		const struct conf_socket *s = &c->sockets[i];
		if (find_listener(d, s->path) != NULL)
			continue;
		struct ctl_perm perm = perm_for(c, s->restricted, group);
		l = sock_open(d, s->path, s->restricted, false, &perm, err,
		    errlen);
		if (l == NULL)
			goto undo;
		l->next = added;
		added = l;
	}

	/* 2. The permissions of the sockets kept. */
	for (l = d->ctl_listeners; l; l = l->next) {
		const struct conf_socket *s = find_conf_socket(c, l->path);
		l->changed = false;
		if (!l->main && s == NULL)
			continue;	/* closed below */
		bool restricted = l->main ? false : s->restricted;
		struct ctl_perm want = perm_for(c, restricted, group);
		if (perm_equal(&want, &l->perm))
			continue;
		if (!set_perm(l, &l->perm, &want, err, errlen))
			goto undo;
		l->prev = l->perm;
		l->perm = want;
		l->changed = true;
	}

	/* 3. Nothing can fail any more: commit. */
	for (pp = &d->ctl_listeners; (l = *pp) != NULL; ) {
		const struct conf_socket *s = find_conf_socket(c, l->path);
		if (!l->main && s == NULL) {
			*pp = l->next;
			log_info("control socket %s closed: no longer in the "
			    "config", l->path);
			sock_close(d, l);
			continue;
		}
		bool restricted = l->main ? false : s->restricted;
		if (restricted && !l->restricted) {
			/* Its open connections lose the right to change
			 * things too. */
			for (struct ctl_client *cl = d->ctl_clients; cl;
			    cl = cl->next)
				if (cl->from == l)
					cl->restricted = true;
		}
		l->restricted = restricted;
		if (l->changed)
			sock_log(l, " now");
		pp = &l->next;
	}
	for (l = added; l; l = next) {
		next = l->next;
		sock_start(d, l);
		sock_log(l, "");
	}
	if (old != NULL && old->max_clients != c->max_clients)
		log_info("control: max-clients %u, was %u%s", c->max_clients,
		    old->max_clients, d->nctl_clients > c->max_clients ?
		    "; the connections open beyond it stay until they close" :
		    "");
	return true;

undo:
	for (l = d->ctl_listeners; l; l = l->next) {
		char ignored[256];
		if (!l->changed)
			continue;
		if (set_perm(l, &l->perm, &l->prev, ignored, sizeof(ignored)))
			l->perm = l->prev;
		else
			log_warnx("%s", ignored);
		l->changed = false;
	}
	for (l = added; l; l = next) {
		next = l->next;
		sock_close(d, l);
	}
	return false;
}

void ctl_close_listeners(struct lbbgpd *d)
{
	while (d->ctl_listeners) {
		struct ctl_listener *l = d->ctl_listeners;
		d->ctl_listeners = l->next;
		sock_close(d, l);
	}
}
