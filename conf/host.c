/*
 * host.c - the one place conf/ looks at the host: whether the program of
 * each exec check is there and may be run.
 *
 * The rest of conf/ is pure and reads text only, so a config can be
 * checked anywhere; this is called on purpose by whoever is about to run
 * the checks (lbbgpd -n and loading).  It only looks (stat, access) and
 * never runs, creates or changes anything.  A disable-file need not
 * exist, nor its directory: it is a switch that is off until created.
 */
#include "conf/conf_int.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Why prog cannot be run, or NULL when it can. */
static const char *not_runnable(const char *prog)
{
	struct stat st;

	if (stat(prog, &st) != 0)
		return errno == ENOENT ? "no such file; install it or correct "
		    "the exec line" : strerror(errno);
	if (S_ISDIR(st.st_mode))
		return "is a directory; exec needs a program";
	if (access(prog, X_OK) != 0)
		return "is not executable; chmod +x it or correct the exec "
		    "line";
	return NULL;
}

void conf_check_host(const struct conf *c, struct conf_diag *diag)
{
	struct loader l = { .file = c->file };

	for (size_t i = 0; i < c->nchecks; i++) {
		const struct conf_check *ck = &c->checks[i];
		const char *why;
		if (ck->kind != CHECK_EXEC || ck->argc == 0 ||
		    (why = not_runnable(ck->argv[0])) == NULL)
			continue;
		conf_msg_add(&l, true, ck->line, "check %s: %s: %s", ck->name,
		    ck->argv[0], why);
	}
	conf_msg_flush(&l, diag);
}
