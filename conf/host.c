/*
 * host.c - the one place conf/ looks at the host: whether the program of
 * each exec check is there and may be run, whether the tls files of the
 * fleet are there and may be read, and the host name that a fleet's node
 * defaults to.
 *
 * The rest of conf/ is pure and reads text only, so a config can be
 * checked anywhere; this is called on purpose by whoever is about to run
 * the config (lbbgpd -n, start and reload).  It only looks (stat, access,
 * gethostname) and never runs, creates or changes anything on the host;
 * in the config it sets the default node and nothing else.  A
 * disable-file need not exist, nor its directory: it is a switch that is
 * off until created.
 */
#include "conf/conf_int.h"
#include "util/buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a statement needs of the file it names. */
struct need {
	int mode;		/* for access(): X_OK, R_OK */
	const char *is;		/* what the file must be: "a program" */
	const char *able;	/* "executable" */
	const char *fix;	/* of a file without mode: "chmod +x it" */
};

static const struct need need_program = {
	X_OK, "a program", "executable", "chmod +x it"
};

/* lbbgpd reads the PEM files when it connects to etcd, as the user that
 * runs it; lbbgpd -n looks as its own user. */
static const struct need need_pem = {
	R_OK, "a PEM file", "readable", "let lbbgpd's user read it"
};

/* Why path cannot serve statement stmt, in buf; or NULL when it can. */
static const char *unusable(const char *path, const char *stmt,
    const struct need *n, char *buf, size_t size)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return strerror(errno);
		snprintf(buf, size, "no such file; install it or correct the "
		    "%s line", stmt);
	} else if (S_ISDIR(st.st_mode)) {
		snprintf(buf, size, "is a directory; %s needs %s", stmt,
		    n->is);
	} else if (access(path, n->mode) != 0) {
		snprintf(buf, size, "is not %s; %s or correct the %s line",
		    n->able, n->fix, stmt);
	} else {
		return NULL;
	}
	return buf;
}

static void check_programs(struct loader *l, const struct conf *c)
{
	char buf[256];

	for (size_t i = 0; i < c->nchecks; i++) {
		const struct conf_check *ck = &c->checks[i];
		const char *why;
		if (ck->kind != CHECK_EXEC || ck->argc == 0 ||
		    (why = unusable(ck->argv[0], "exec", &need_program, buf,
		    sizeof(buf))) == NULL)
			continue;
		conf_msg_add(l, true, ck->line, "check %s: %s: %s", ck->name,
		    ck->argv[0], why);
	}
}

static void check_tls_files(struct loader *l, const struct conf_fleet *f)
{
	const char *const stmts[] = { "tls-ca", "tls-cert", "tls-key" };
	const char *const paths[] = { f->tls_ca, f->tls_cert, f->tls_key };
	char buf[256];

	_Static_assert(NELEM(stmts) == NELEM(paths), "a name per file");
	for (size_t i = 0; i < NELEM(paths); i++) {
		const char *why;
		if (paths[i] != NULL && (why = unusable(paths[i], stmts[i],
		    &need_pem, buf, sizeof(buf))) != NULL)
			conf_msg_add(l, true, f->line, "fleet: %s %s: %s",
			    stmts[i], paths[i], why);
	}
}

/* Printable ASCII only: a host name may hold any byte, and messages are
 * UTF-8. */
static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* The node of a fleet that does not write one: the host name, looked up
 * again on each load, as the host may have been renamed since. */
static void default_node(struct loader *l, struct conf_fleet *f)
{
	char host[256];

	if (f->node_set)
		return;
	if (gethostname(host, sizeof(host)) != 0) {
		conf_msg_add(l, true, f->line, "fleet: cannot read the host "
		    "name (%s); set node NAME in the fleet block",
		    strerror(errno));
		return;
	}
	host[sizeof(host) - 1] = '\0';
	if (!conf_keyname_ok(host)) {
		conf_msg_add(l, true, f->line, "fleet: the host name%s%s%s "
		    "cannot be the node name, which is " CONF_KEYNAME_RULE
		    "; set node NAME in the fleet block",
		    printable(host) ? " \"" : "", printable(host) ? host : "",
		    printable(host) ? "\"" : "");
		return;
	}
	free(f->node);
	f->node = conf_xstrdup(host);
}

void conf_check_host(struct conf *c, struct conf_diag *diag)
{
	struct loader l = { .file = c->file };

	check_programs(&l, c);
	if (c->fleet != NULL) {
		check_tls_files(&l, c->fleet);
		default_node(&l, c->fleet);
	}
	conf_msg_flush(&l, diag);
}
