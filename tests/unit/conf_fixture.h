/*
 * conf_fixture.h - what the conf suites (check_conf, check_conf_checks)
 * share: a table row of config text and its exact messages, the runner
 * of one row, and the round trip every loaded config must survive
 * (print, load, equal, print the same).  Header-only test code; it knows
 * conf/ through conf.h and conf_int.h (conf_equal) only.
 */
#ifndef LBBGP_CONF_FIXTURE_H
#define LBBGP_CONF_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_int.h"	/* conf_equal, conf_parse_string */

struct conf_row {
	const char *name;
	bool ok;
	const char *text;
	const char *msgs;	/* every message, each ending in \n */
};

/* Every message of d, each followed by a newline. */
static inline char *conf_fx_joined(const struct conf_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < d->nmsgs; i++)
		fprintf(f, "%s\n", d->msgs[i]);
	fclose(f);
	return buf;
}

static inline char *conf_fx_printed(const struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	conf_print(c, f);
	fclose(f);
	return buf;
}

/* text loads without a message. */
static inline struct conf *conf_fx_load_ok(const char *text)
{
	struct conf_diag d;

	conf_diag_init(&d);
	struct conf *c = conf_load_string("v.conf", text, &d);
	ck_assert_msg(c != NULL && d.nmsgs == 0, "%s", d.nmsgs ? d.msgs[0] :
	    "?");
	conf_diag_free(&d);
	return c;
}

/* The canonical form parses to an equal config and prints the same. */
static inline void conf_fx_roundtrip(const struct conf *c, const char *what)
{
	struct conf_diag d;
	char *p1 = conf_fx_printed(c);

	conf_diag_init(&d);
	struct conf *c2 = conf_load_string("rt.conf", p1, &d);
	char *m = conf_fx_joined(&d);
	ck_assert_msg(c2 != NULL && d.nerrors == 0,
	    "%s: canonical form does not load:\n%s\n%s", what, p1, m);
	ck_assert_msg(conf_equal(c, c2), "%s: reloaded config differs:\n%s",
	    what, p1);
	char *p2 = conf_fx_printed(c2);
	ck_assert_msg(strcmp(p1, p2) == 0, "%s: second print differs:\n%s\n"
	    "---\n%s", what, p1, p2);
	free(p1);
	free(p2);
	free(m);
	conf_diag_free(&d);
	conf_free(c2);
}

/* Message lines are "NAME:LINE: ..." in line order. */
static inline void conf_fx_line_order(const struct conf_diag *d,
    const char *name)
{
	size_t nl = strlen(name);
	long last = 0;

	for (size_t i = 0; i < d->nmsgs; i++) {
		const char *m = d->msgs[i];
		ck_assert_msg(strncmp(m, name, nl) == 0 && m[nl] == ':',
		    "message without the file name: %s", m);
		long line = strtol(m + nl + 1, NULL, 10);
		ck_assert_msg(line >= last, "message out of line order: %s", m);
		last = line;
	}
}

/* Load r's text as "t.conf": exactly its messages, ok or not, and a
 * loaded config round-trips. */
static inline void conf_fx_run_row(const struct conf_row *r)
{
	struct conf_diag d;

	conf_diag_init(&d);
	struct conf *c = conf_load_string("t.conf", r->text, &d);
	char *m = conf_fx_joined(&d);
	ck_assert_msg(strcmp(m, r->msgs) == 0, "row \"%s\": messages\n%s"
	    "expected\n%s", r->name, m, r->msgs);
	ck_assert_msg((c != NULL) == r->ok, "row \"%s\": ok %d", r->name,
	    c != NULL);
	ck_assert_msg((d.nerrors == 0) == r->ok, "row \"%s\": %zu errors",
	    r->name, d.nerrors);
	conf_fx_line_order(&d, "t.conf");
	if (c != NULL)
		conf_fx_roundtrip(c, r->name);
	free(m);
	conf_diag_free(&d);
	conf_free(c);
}

/*
 * Reload of one neighbor at addr: the block with statement extra added
 * (before remote-as, unless extra is the remote-as) against the block
 * without it; conf_session_change() must name want (NULL: none), either
 * way round, and nothing against itself.
 */
static inline void conf_fx_session_change(const char *addr,
    const char *extra, const char *want)
{
	char a[256], b[256];
	struct conf_diag d;

	snprintf(a, sizeof(a), "local-as 64513\nneighbor r1 {\n"
	    "\taddress %s\n\tremote-as 64512\n}\n", addr);
	if (strncmp(extra, "remote-as", 9) == 0)
		snprintf(b, sizeof(b), "local-as 64513\nneighbor r1 {\n"
		    "\taddress %s\n\t%s\n}\n", addr, extra);
	else
		snprintf(b, sizeof(b), "local-as 64513\nneighbor r1 {\n"
		    "\taddress %s\n\t%s\n\tremote-as 64512\n}\n", addr,
		    extra);
	conf_diag_init(&d);
	struct conf *ca = conf_load_string("a.conf", a, &d);
	struct conf *cb = conf_load_string("b.conf", b, &d);
	ck_assert_msg(ca && cb, "%s: %s", extra, d.nmsgs ? d.msgs[0] : "?");
	const char *got = conf_session_change(&ca->neighbors[0],
	    &cb->neighbors[0]);
	ck_assert_msg(want ? got && strcmp(got, want) == 0 : got == NULL,
	    "%s: got %s, want %s", extra, got ? got : "none",
	    want ? want : "none");
	got = conf_session_change(&cb->neighbors[0], &ca->neighbors[0]);
	ck_assert(want ? got != NULL : got == NULL);
	ck_assert_ptr_null(conf_session_change(&ca->neighbors[0],
	    &ca->neighbors[0]));
	conf_free(ca);
	conf_free(cb);
	conf_diag_free(&d);
}

#define CONF_FX_LOG	512

/* conf_diff_blocks() callback: appends "+pool p" (added), "-check c"
 * (removed) or "~advertisement a" (changed) to the string arg, of
 * CONF_FX_LOG bytes. */
static inline void conf_fx_blocks_log(void *arg, const char *kind,
    const char *name, enum conf_change ch)
{
	static const char *const what[] = { "+", "-", "~" };
	char *log = arg;
	size_t n = strlen(log);

	snprintf(log + n, CONF_FX_LOG - n, "%s%s%s %s", n ? " " : "",
	    what[ch], kind, name);
}

#endif
