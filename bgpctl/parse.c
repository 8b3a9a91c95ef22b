/*
 * parse.c - bgpctl's command-line parser: walks the words after the
 * options through the command table and token tables (grammar.c) into
 * a struct args, and writes every usage message.
 *
 * Words may be abbreviated to a unique prefix; a word that fits nothing
 * gets a message naming what was expected, a "did you mean" for a near
 * miss, and the usage of the command or family being parsed, then exit
 * 2.  Nothing here talks to lbbgpd.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpctl/bgpctl.h"

#define MAX_REASON	255		/* RFC 9003 §2: shutdown text */
#define MAX_CHOICES	16

/* The words of one command line on their way into a struct args. */
struct parser {
	int			 argc;
	char			**argv;
	int			 i;		/* next word */
	const char		**shown;	/* words so far, expanded */
	const char		*family;	/* first command word */
	const struct command	*cmd;		/* once known */
	struct args		*a;
};

/* ---- usage -------------------------------------------------------------- */

/*
 * The usage of one command, of a family ("show ..."), or of all; usage
 * strings may hold continuation lines, which start with spaces.
 */
static void usage(FILE *f, const struct parser *p)
{
	const char *lead = "usage: ";
	const char *family = p != NULL ? p->family : NULL;
	const struct command *only = p != NULL ? p->cmd : NULL;

	if (family == NULL) {
		fprintf(f, "usage: bgpctl [-j] [-s socket] command "
		    "[argument ...]\ncommands:\n");
		lead = "\t";
	}
	for (size_t i = 0; i < ncommands; i++) {
		const char *u = commands[i].usage;
		if (family != NULL && strcmp(family, commands[i].words[0]))
			continue;
		if (only != NULL && only != &commands[i])
			continue;
		while (*u) {
			size_t n = strcspn(u, "\n");
			if (family == NULL)
				fprintf(f, "%s%.*s\n", lead, (int)n, u);
			else if (u[0] == ' ')
				fprintf(f, "%*s%.*s\n", 31, "", (int)n, u);
			else
				fprintf(f, "%sbgpctl [-j] [-s socket] %.*s\n",
				    lead, (int)n, u);
			if (family != NULL)
				lead = "       ";
			u += n;
			if (*u == '\n')
				u++;
		}
	}
}

void print_usage(FILE *f)
{
	usage(f, NULL);
}

static void usage_error(const struct parser *, const char *, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Exit 2 with a message and the usage of what was being parsed. */
static void usage_error(const struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	usage(stderr, p);
	exit(EXIT_USAGE);
}

/* ---- word matching ------------------------------------------------------ */

enum match {
	M_NONE,
	M_ONE,
	M_AMBIGUOUS,
};

/* An exact match wins, then a unique prefix: "sh su" is "show summary". */
static enum match match_word(const char *w, const char *const *choice, size_t n,
    size_t *hit)
{
	size_t len = strlen(w), hits = 0;

	if (len == 0)
		return M_NONE;
	for (size_t i = 0; i < n; i++)
		if (strcmp(choice[i], w) == 0) {
			*hit = i;
			return M_ONE;
		}
	for (size_t i = 0; i < n; i++)
		if (strncmp(choice[i], w, len) == 0) {
			*hit = i;
			hits++;
		}
	return hits == 0 ? M_NONE : hits == 1 ? M_ONE : M_AMBIGUOUS;
}

/* Levenshtein distance, for "did you mean"; long words need no advice. */
static size_t distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), prev[33], cur[33];

	if (n > 32 || m > 32)
		return SIZE_MAX;
	for (size_t j = 0; j <= m; j++)
		prev[j] = j;
	for (size_t i = 1; i <= n; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			cur[j] = best;
		}
		memcpy(prev, cur, (m + 1) * sizeof(prev[0]));
	}
	return prev[m];
}

static const char *nearest(const char *w, const char *const *choice, size_t n)
{
	const char *best = NULL;
	size_t best_d = 3;

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(w, choice[i]);
		if (d < best_d && d < strlen(w)) {
			best_d = d;
			best = choice[i];
		}
	}
	return best;
}

/* "a, b or c" into buf. */
static const char *fmt_choices(char *buf, size_t size,
    const char *const *choice, size_t n, bool may_end)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    i == 0 ? "" : i + 1 < n || may_end ? ", " : " or ",
		    choice[i]);
	if (may_end && len < size)
		snprintf(buf + len, size - len, "%snothing more",
		    n > 0 ? " or " : "");
	return buf;
}

/* ---- messages ----------------------------------------------------------- */

/* The words before the current one, for messages; long lines lose heads. */
static const char *context(const struct parser *p, char *buf, size_t size)
{
	size_t len = 0;
	int first = p->i;

	while (first > 0 && len + strlen(p->shown[first - 1]) + 1 < 48)
		len += strlen(p->shown[--first]) + 1;
	if (first == p->i && p->i > 0)
		first = p->i - 1;
	len = (size_t)snprintf(buf, size, "%s", first > 0 ? "... " : "");
	for (int k = first; k < p->i && len < size; k++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    k == first ? "" : " ", p->shown[k]);
	return buf;
}

/* A word that looks like an option came after the command. */
static const char *dash_hint(const char *w)
{
	return w[0] == '-' ? "; options go before the command" : "";
}

static void missing(const struct parser *, const char *)
    __attribute__((noreturn));
static void ambiguous(const struct parser *, const char *,
    const char *const *, size_t) __attribute__((noreturn));
static void unknown(const struct parser *, const char *,
    const char *const *, size_t, const char *, bool)
    __attribute__((noreturn));

/* The line ended where a word was needed; list says which. */
static void missing(const struct parser *p, const char *list)
{
	char ctx[128];

	if (p->i == 0)
		usage_error(p, "no command given");
	usage_error(p, "missing argument after \"%s\": expected %s",
	    context(p, ctx, sizeof(ctx)), list);
}

/* w abbreviates several of the n choices. */
static void ambiguous(const struct parser *p, const char *w,
    const char *const *choice, size_t n)
{
	const char *which[MAX_CHOICES];
	char ctx[128], list[256];
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (strncmp(choice[i], w, strlen(w)) == 0)
			which[m++] = choice[i];
	fmt_choices(list, sizeof(list), which, m, false);
	if (p->i == 0)
		usage_error(p, "ambiguous command \"%s\": could be %s", w,
		    list);
	usage_error(p, "ambiguous argument \"%s\" after \"%s\": could be %s",
	    w, context(p, ctx, sizeof(ctx)), list);
}

/* w, after the first word, fits none of the n choices. */
static void unknown(const struct parser *p, const char *w,
    const char *const *choice, size_t n, const char *list, bool hint)
{
	const char *near = nearest(w, choice, n);
	char ctx[128];

	if (near != NULL)
		usage_error(p, "unknown argument \"%s\" after \"%s\"; did you "
		    "mean \"%s\"?", w, context(p, ctx, sizeof(ctx)), near);
	usage_error(p, "unknown argument \"%s\" after \"%s\": expected %s%s",
	    w, context(p, ctx, sizeof(ctx)), list, hint ? dash_hint(w) : "");
}

static void unknown_command(const struct parser *, const char *,
    const char *const *, size_t) __attribute__((noreturn));

/* The first word fits no command; "bgpctl vips" means "show vips". */
static void unknown_command(const struct parser *p, const char *w,
    const char *const *choice, size_t n)
{
	const char *near = nearest(w, choice, n);

	for (size_t c = 0; near == NULL && c < ncommands; c++)
		if (command_nwords(&commands[c]) == 2 &&
		    strcmp(commands[c].words[1], w) == 0)
			usage_error(p, "unknown command \"%s\"; did you mean "
			    "\"%s %s\"?", w, commands[c].words[0], w);
	if (near != NULL)
		usage_error(p, "unknown command \"%s\"; did you mean \"%s\"?",
		    w, near);
	usage_error(p, "unknown command \"%s\"%s", w, dash_hint(w));
}

/* ---- parsing ------------------------------------------------------------ */

/* Put word where slot says; a single value may come only once. */
static void store(struct parser *p, enum slot slot, const char *word)
{
	const struct slot_info *s = &slots[slot];
	char *base = (char *)p->a;
	struct args *a = p->a;
	const char **single;
	char ctx[128];

	switch (s->kind) {
	case K_NONE:
		return;
	case K_FLAG:
		*(bool *)(base + s->off) = true;
		return;
	case K_LIST: {
		const char **v = *(const char ***)(base + s->off);
		size_t *n = (size_t *)(base + s->count);
		v[(*n)++] = word;
		return;
	}
	case K_TEXT: {
		size_t len = 0;
		for (int k = p->i; k < p->argc; k++)
			len += strlen(p->argv[k]) + 1;
		a->reason = xcalloc(1, len + 1);
		for (int k = p->i; k < p->argc; k++) {
			if (k > p->i)
				strcat(a->reason, " ");
			strcat(a->reason, p->argv[k]);
		}
		if (strlen(a->reason) > MAX_REASON)
			usage_error(p, "the reason is %zu bytes long; "
			    "a shutdown communication holds at most %d "
			    "(RFC 9003)", strlen(a->reason), MAX_REASON);
		return;
	}
	case K_ONE:
		break;
	}
	single = (const char **)(base + s->off);
	if (*single != NULL)
		usage_error(p, "\"%s\" given twice (in \"%s\"); "
		    "give it once", p->shown[p->i - 1],
		    context(p, ctx, sizeof(ctx)));
	*single = word;
}

/* The command words: "show summary", "reload", ... */
static const struct command *parse_command(struct parser *p)
{
	const char *choice[MAX_CHOICES], *chosen[2] = { NULL, NULL };
	char list[256];

	for (size_t level = 0; ; level++) {
		size_t n = 0, hit = 0;

		/* The choices: next words of the commands matched so far. */
		for (size_t c = 0; c < ncommands; c++) {
			const struct command *cmd = &commands[c];
			bool dup = false, other = false;
			for (size_t k = 0; k < level; k++)
				other |= strcmp(cmd->words[k], chosen[k]) != 0;
			if (other)
				continue;
			if (command_nwords(cmd) == level)
				return cmd;
			for (size_t k = 0; k < n; k++)
				dup |= !strcmp(choice[k], cmd->words[level]);
			if (!dup && n < MAX_CHOICES)
				choice[n++] = cmd->words[level];
		}
		fmt_choices(list, sizeof(list), choice, n, false);
		if (p->i >= p->argc)
			missing(p, list);
		const char *w = p->argv[p->i];
		switch (match_word(w, choice, n, &hit)) {
		case M_ONE:
			break;
		case M_AMBIGUOUS:
			ambiguous(p, w, choice, n);
		case M_NONE:
			if (level == 0)
				unknown_command(p, w, choice, n);
			unknown(p, w, choice, n, list, true);
		}
		chosen[level] = choice[hit];
		p->shown[p->i++] = choice[hit];
		if (level == 0)
			p->family = choice[hit];
	}
}

/* The words one token table accepts here. */
struct choices {
	const char		*word[MAX_CHOICES];
	const struct token	*tok[MAX_CHOICES];
	size_t			 nkw;		/* keywords, then the value */
	const struct token	*value;
	bool			 may_end;
};

static void collect(const struct token *t, struct choices *c)
{
	for (const struct token *k = t; k->type != ENDTOKEN; k++) {
		if (k->type == INCLUDE)
			collect(k->next, c);
		else if (k->type == NOTOKEN)
			c->may_end = true;
		else if ((k->type == KEYWORD || k->type == OPTION ||
		    k->type == CONFLICT) && c->nkw < MAX_CHOICES) {
			c->tok[c->nkw] = k;
			c->word[c->nkw++] = k->word;
		} else if (k->type == VALUE || k->type == REST)
			c->value = k;
	}
}

/* The arguments, through the command's token tables. */
static void parse_args(struct parser *p, const struct token *t)
{
	struct token pending[2];	/* the value after an OPTION */
	char ctx[128], list[256];

	while (t != NULL) {
		struct choices c = { .nkw = 0 };
		size_t n, hit = 0;

		collect(t, &c);
		n = c.nkw;
		if (c.value != NULL && n < MAX_CHOICES)
			c.word[n++] = c.value->word;
		fmt_choices(list, sizeof(list), c.word, n, c.may_end);
		if (p->i >= p->argc) {
			if (c.may_end)
				return;
			missing(p, list);
		}
		const char *w = p->argv[p->i];
		const struct token *m = NULL;
		switch (match_word(w, c.word, c.nkw, &hit)) {
		case M_ONE:
			m = c.tok[hit];
			if (m->type == CONFLICT)
				usage_error(p, "\"%s\" cannot follow \"%s\": "
				    "the forms of the command exclude each "
				    "other", m->word, context(p, ctx,
				    sizeof(ctx)));
			p->shown[p->i] = m->word;
			if (m->type == KEYWORD)
				store(p, m->slot, m->word);
			break;
		case M_AMBIGUOUS:
			ambiguous(p, w, c.word, c.nkw);
		case M_NONE:
			if (c.value == NULL && n == 0)
				usage_error(p, "unexpected argument \"%s\" "
				    "after \"%s\"%s", w, context(p, ctx,
				    sizeof(ctx)), dash_hint(w));
			if (c.value == NULL)
				unknown(p, w, c.word, c.nkw, list, false);
			m = c.value;
			p->shown[p->i] = w;
			store(p, m->slot, w);
			break;
		}
		if (m->type == REST) {
			p->i = p->argc;
			return;
		}
		p->i++;
		t = m->next;
		if (m->type == OPTION) {
			pending[0] = (struct token){ VALUE,
			    slots[m->slot].value, m->slot, m->next };
			pending[1] = (struct token){ ENDTOKEN, "", S_NONE,
			    NULL };
			t = pending;
		}
	}
	if (p->i < p->argc)
		usage_error(p, "unexpected argument \"%s\" after "
		    "\"%s\"", p->argv[p->i], context(p, ctx, sizeof(ctx)));
}

void parse(int argc, char **argv, struct args *a)
{
	struct parser p = { .argc = argc, .argv = argv, .a = a };

	p.shown = xcalloc((size_t)argc + 1, sizeof(*p.shown));
	a->vips = xcalloc((size_t)argc + 1, sizeof(*a->vips));
	a->comms = xcalloc((size_t)argc + 1, sizeof(*a->comms));
	a->cmd = p.cmd = parse_command(&p);
	parse_args(&p, a->cmd->args);
	free(p.shown);
}
