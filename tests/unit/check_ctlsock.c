/*
 * check_ctlsock.c - unit tests for bgpd/control/ctlsock.c: the control socket
 * files.  Their mode and group follow socket-mode and socket-group, read-
 * only ones are 0666; an unknown group, a path that is not a socket, a
 * socket a live daemon answers on and a socket line naming the -s socket
 * are refused; ctl_reconf() applies a new config to the open sockets,
 * opens and closes the others, and on failure leaves everything as it
 * was; only our own socket files are ever removed.
 *
 * The group: as root, 4242 (no such group is needed for a number);
 * otherwise a supplementary group of the test, or its own.  Each test
 * works in its own mkdtemp directory.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "bgpd/bgpd.h"
#include "bgpd/control/control.h"
#include "tests/unit/unit.h"

/* ctlsock.c starts watchers with it; no connection comes in here. */
void ctl_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
}

static char dir[64];
static struct daemon_opts opts;
static char main_path[128];
static struct lbbgpd d;
static gid_t other_gid;		/* a group we may give the sockets */

static void teardown(void);

static void setup(void)
{
	unit_tmpdir(dir, sizeof(dir), "check_ctlsock");
	snprintf(main_path, sizeof(main_path), "%s/main.sock", dir);
	opts.conf_file = "t.conf";
	opts.socket_path = main_path;
	memset(&d, 0, sizeof(d));
	d.opts = &opts;
	d.loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(d.loop);
	other_gid = getegid();
	if (geteuid() == 0) {
		other_gid = 4242;
	} else {
		gid_t g[64];
		int n = getgroups(64, g);
		for (int i = 0; i < n; i++)
			if (g[i] != getegid())
				other_gid = g[i];
	}
}

static void teardown(void)
{
	ctl_close_listeners(&d);
	conf_free(d.conf);
	d.conf = NULL;
	if (d.loop)
		ev_loop_destroy(d.loop);
	d.loop = NULL;
	unit_rmtree(dir);
}

/* A config with these global lines; the sockets' "%s" is the dir. */
static struct conf *load(const char *fmt, ...)
{
	char text[2048], lines[1536];
	struct conf_diag diag;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lines, sizeof(lines), fmt, ap);
	va_end(ap);
	snprintf(text, sizeof(text), "%s\nneighbor r1 {\n\taddress 10.0.0.1\n"
	    "\tremote-as 64512\n\tlocal-as 64513\n}\n", lines);
	conf_diag_init(&diag);
	struct conf *c = conf_load_string("t.conf", text, &diag);
	for (size_t i = 0; c == NULL && i < diag.nmsgs; i++)
		fprintf(stderr, "%s\n", diag.msgs[i]);
	conf_diag_free(&diag);
	ck_assert_ptr_nonnull(c);
	return c;
}

static char *in_dir(const char *name)
{
	static char p[4][160];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

/* The file at path is a socket with this mode and group. */
static void assert_sock(const char *path, mode_t mode, gid_t gid)
{
	struct stat st;

	ck_assert_msg(lstat(path, &st) == 0, "%s: %s", path, strerror(errno));
	ck_assert_msg(S_ISSOCK(st.st_mode), "%s is not a socket", path);
	ck_assert_msg((st.st_mode & 07777) == mode, "%s: mode %04o, wanted "
	    "%04o", path, (unsigned)(st.st_mode & 07777), (unsigned)mode);
	ck_assert_msg(st.st_gid == gid, "%s: group %u, wanted %u", path,
	    (unsigned)st.st_gid, (unsigned)gid);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static struct ctl_listener *listener(const char *path)
{
	for (struct ctl_listener *l = d.ctl_listeners; l; l = l->next)
		if (strcmp(l->path, path) == 0)
			return l;
	return NULL;
}

/* A config written with socket lines of our directory. */
#define SOCK(name, extra) "socket \"%s/" name "\"" extra "\n"

START_TEST(modes_and_groups)
{
	d.conf = load("socket-mode 0640\nsocket-group %u\n"
	    SOCK("full.sock", "") SOCK("ro.sock", " restricted"),
	    (unsigned)other_gid, dir, dir);
	ck_assert(ctl_open_all(&d));
	assert_sock(main_path, 0640, other_gid);
	assert_sock(in_dir("full.sock"), 0640, other_gid);
	assert_sock(in_dir("ro.sock"), 0666, getegid());
	ck_assert(listener(in_dir("ro.sock"))->restricted);
	ck_assert(!listener(in_dir("full.sock"))->restricted);
	ck_assert(listener(main_path)->main);
}
END_TEST

START_TEST(defaults)
{
	d.conf = load("");
	ck_assert(ctl_open_all(&d));
	assert_sock(main_path, 0660, getegid());
	ctl_close_listeners(&d);
	ck_assert(!exists(main_path));
}
END_TEST

START_TEST(group_by_name)
{
	char name[64] = "root";
	FILE *f = fopen("/etc/group", "r");
	char line[512];
	gid_t want = 0;

	/* A named group we may use: root, or our own group's name. */
	while (geteuid() != 0 && f != NULL && fgets(line, sizeof(line), f)) {
		char *n = strtok(line, ":"), *x = strtok(NULL, ":"),
		    *g = strtok(NULL, ":");
		(void)x;
		if (n && g && (gid_t)strtoul(g, NULL, 10) == getegid()) {
			snprintf(name, sizeof(name), "%s", n);
			want = getegid();
		}
	}
	if (f != NULL)
		fclose(f);
	if (geteuid() != 0 && want != getegid())
		return;		/* our group has no name */
	d.conf = load("socket-group %s", name);
	ck_assert(ctl_open_all(&d));
	assert_sock(main_path, 0660, want);
}
END_TEST

START_TEST(unknown_group)
{
	char err[512] = "";

	d.conf = load("socket-group lbbgp-no-such-group");
	ck_assert(!ctl_open_all(&d));
	ck_assert(!exists(main_path));
	/* The same through a reload, which reports the message. */
	struct conf *old = d.conf;
	d.conf = load("");
	ck_assert(ctl_open_all(&d));
	conf_free(old);
	old = d.conf;
	d.conf = load("socket-group lbbgp-no-such-group\n"
	    SOCK("new.sock", ""), dir);
	ck_assert(!ctl_reconf(&d, old, err, sizeof(err)));
	ck_assert_msg(strstr(err, "socket-group lbbgp-no-such-group: no such "
	    "group") != NULL && strstr(err, "groupadd") != NULL, "%s", err);
	ck_assert(!exists(in_dir("new.sock")));
	assert_sock(main_path, 0660, getegid());
	conf_free(old);
}
END_TEST

START_TEST(reconf)
{
	char err[512] = "";

	d.conf = load(SOCK("gone.sock", "") SOCK("toggle.sock", " restricted")
	    SOCK("kept-ro.sock", " restricted"), dir, dir, dir);
	ck_assert(ctl_open_all(&d));
	assert_sock(in_dir("toggle.sock"), 0666, getegid());
	struct conf *old = d.conf;
	d.conf = load("socket-mode 0600\nsocket-group %u\nmax-clients 3\n"
	    SOCK("toggle.sock", "") SOCK("kept-ro.sock", " restricted")
	    SOCK("new-ro.sock", " restricted") SOCK("new.sock", ""),
	    (unsigned)other_gid, dir, dir, dir, dir);
	ck_assert_msg(ctl_reconf(&d, old, err, sizeof(err)), "%s", err);
	conf_free(old);
	assert_sock(main_path, 0600, other_gid);
	assert_sock(in_dir("toggle.sock"), 0600, other_gid);
	ck_assert(!listener(in_dir("toggle.sock"))->restricted);
	assert_sock(in_dir("kept-ro.sock"), 0666, getegid());
	assert_sock(in_dir("new-ro.sock"), 0666, getegid());
	ck_assert(listener(in_dir("new-ro.sock"))->restricted);
	assert_sock(in_dir("new.sock"), 0600, other_gid);
	ck_assert(!exists(in_dir("gone.sock")));
	ck_assert_ptr_null(listener(in_dir("gone.sock")));

	/* Back: the main socket stays whatever the config says. */
	old = d.conf;
	d.conf = load(SOCK("toggle.sock", " restricted"), dir);
	ck_assert_msg(ctl_reconf(&d, old, err, sizeof(err)), "%s", err);
	conf_free(old);
	assert_sock(main_path, 0660, getegid());
	assert_sock(in_dir("toggle.sock"), 0666, getegid());
	ck_assert(listener(in_dir("toggle.sock"))->restricted);
	ck_assert(!exists(in_dir("new.sock")));
	ck_assert(!exists(in_dir("kept-ro.sock")));
	ck_assert_ptr_nonnull(listener(main_path));
}
END_TEST

/* A socket that cannot be opened: nothing changed, nothing left over. */
START_TEST(reconf_fails_cleanly)
{
	char err[512] = "";

	d.conf = load(SOCK("a.sock", ""), dir);
	ck_assert(ctl_open_all(&d));
	struct conf *old = d.conf;
	d.conf = load("socket-mode 0600\nsocket-group %u\n" SOCK("a.sock", "")
	    SOCK("b.sock", "") SOCK("no/such/dir.sock", ""),
	    (unsigned)other_gid, dir, dir, dir);
	ck_assert(!ctl_reconf(&d, old, err, sizeof(err)));
	ck_assert_msg(strstr(err, "no/such/dir.sock") != NULL &&
	    strstr(err, "does its directory exist?") != NULL, "%s", err);
	ck_assert(!exists(in_dir("b.sock")));
	ck_assert_ptr_null(listener(in_dir("b.sock")));
	assert_sock(main_path, 0660, getegid());
	assert_sock(in_dir("a.sock"), 0660, getegid());
	conf_free(d.conf);
	d.conf = old;
}
END_TEST

/* A socket file that went away mid-way: the others are changed back. */
START_TEST(reconf_rolls_back)
{
	char err[512] = "";

	d.conf = load(SOCK("a.sock", "") SOCK("b.sock", ""), dir, dir);
	ck_assert(ctl_open_all(&d));
	/* Listeners are changed newest first: b, then a, then main. */
	ck_assert_str_eq(d.ctl_listeners->path, in_dir("b.sock"));
	ck_assert_int_eq(unlink(in_dir("a.sock")), 0);
	struct conf *old = d.conf;
	d.conf = load("socket-mode 0600\n" SOCK("a.sock", "")
	    SOCK("b.sock", ""), dir, dir);
	ck_assert(!ctl_reconf(&d, old, err, sizeof(err)));
	ck_assert_msg(strstr(err, "a.sock was removed or replaced") != NULL,
	    "%s", err);
	assert_sock(in_dir("b.sock"), 0660, getegid());
	assert_sock(main_path, 0660, getegid());
	ck_assert_uint_eq(listener(in_dir("b.sock"))->perm.mode, 0660);
	conf_free(d.conf);
	d.conf = old;
}
END_TEST

START_TEST(not_a_socket)
{
	int fd = open(main_path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "keep", 4), 4);
	close(fd);
	d.conf = load("");
	ck_assert(!ctl_open_all(&d));
	struct stat st;
	ck_assert_int_eq(lstat(main_path, &st), 0);
	ck_assert(S_ISREG(st.st_mode) && st.st_size == 4);
}
END_TEST

/* A stale socket file goes; a live one is never taken over. */
START_TEST(stale_and_live)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_uint_lt(strlen(main_path), sizeof(sun.sun_path));
	memcpy(sun.sun_path, main_path, strlen(main_path) + 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	d.conf = load("");
	ck_assert(!ctl_open_all(&d));	/* live: someone answers */
	ck_assert(exists(main_path));
	close(fd);			/* now stale */
	ck_assert(ctl_open_all(&d));
	assert_sock(main_path, 0660, getegid());
}
END_TEST

START_TEST(main_path_in_config)
{
	d.conf = load("socket \"%s\" restricted", main_path);
	ck_assert(!ctl_open_all(&d));
	ck_assert(!exists(main_path));
}
END_TEST

/* Closing removes our file, never one that replaced it. */
START_TEST(only_our_files)
{
	d.conf = load("");
	ck_assert(ctl_open_all(&d));
	ck_assert_int_eq(unlink(main_path), 0);
	int fd = open(main_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ctl_close_listeners(&d);
	ck_assert(exists(main_path));
}
END_TEST

int main(void)
{
	log_init(true, 0);
	Suite *s = suite_create("ctlsock");
	TCase *tc = unit_tcase(s, "sockets");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, modes_and_groups);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, group_by_name);
	tcase_add_test(tc, unknown_group);
	tcase_add_test(tc, reconf);
	tcase_add_test(tc, reconf_fails_cleanly);
	tcase_add_test(tc, reconf_rolls_back);
	tcase_add_test(tc, not_a_socket);
	tcase_add_test(tc, stale_and_live);
	tcase_add_test(tc, main_path_in_config);
	tcase_add_test(tc, only_our_files);
	return unit_run(s);
}
