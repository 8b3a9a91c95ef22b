/*
 * bgpctl.c - the lbbgp command-line client: argument grammar, the
 * exchange on lbbgpd's control socket, and the exit status.
 *
 * One run is one request: the words are parsed against the command
 * table into a JSON request (docs/control-protocol.md), the one-line
 * reply is read with a size bound and a timeout, and an output vtable
 * prints it, as text through the command's renderer (output.c) or, with
 * -j, as the daemon's JSON.  bgpctl never blocks forever and never acts
 * on a reply beyond printing it.  Exit 0 ok, 1 refused, 2 usage error,
 * 3 lbbgpd unreachable.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bgpctl/bgpctl.h"

#define DEFAULT_SOCKET	"/run/lbbgp.sock"
#define TIMEOUT		30		/* seconds lbbgpd may stay silent */
#define COMPLETE_TIMEOUT 2		/* for -C: a shell must not hang */
#define MAX_REPLY	(512u << 20)	/* 100,000 VIPs take ~20 MB */
#define MAX_DEPTH	64		/* JSON nesting of a reply */
#define MAX_REASON	255		/* RFC 9003 §2: shutdown text */
#define MAX_CHOICES	16

enum {
	EXIT_OK,
	EXIT_REFUSED,		/* lbbgpd said ok:false */
	EXIT_USAGE,		/* bad command line */
	EXIT_UNREACHABLE,	/* no connection, no reply or a garbled one */
};

/* ---- grammar ---------------------------------------------------------- */

/*
 * After its command words, a command's arguments are walked through
 * tables of tokens, OpenBGPD style: at each word the current table
 * says which keywords (abbreviable), which free value and whether the
 * line may end; the matching token names the next table.  Loops in the
 * tables let options come in any order.
 */
enum tok_type {
	ENDTOKEN,	/* ends a table */
	NOTOKEN,	/* the command may end here */
	KEYWORD,	/* a fixed word, abbreviable */
	VALUE,		/* any one word */
	REST,		/* every word left, joined by spaces */
};

enum slot {
	S_NONE,
	S_NAME,
	S_VIP,
	S_VIPS,		/* list */
	S_POOL,
	S_OWNER,
	S_KEY,
	S_COMMS,	/* list */
	S_DIR,
	S_ACTION,
	S_REASON,
	S_FORMAT,
};

struct token {
	enum tok_type		 type;
	const char		*word;	/* keyword, or placeholder for usage */
	enum slot		 slot;	/* where the word goes */
	const struct token	*next;
};

#define END	{ ENDTOKEN, "", S_NONE, NULL }
#define MAYEND	{ NOTOKEN, "", S_NONE, NULL }

static const struct token t_end[] = {
	MAYEND,
	END
};

/* show neighbor [NAME] */
static const struct token t_show_nbr[] = {
	MAYEND,
	{ VALUE,	"NAME",		S_NAME,		t_end },
	END
};

/* show vips [VIP] [pool POOL] [owner OWNER] */
static const struct token t_vips_opts[4];
static const struct token t_vips_pool[] = {
	{ VALUE,	"POOL",		S_POOL,		t_vips_opts },
	END
};
static const struct token t_vips_owner[] = {
	{ VALUE,	"OWNER",	S_OWNER,	t_vips_opts },
	END
};
static const struct token t_vips_opts[4] = {
	MAYEND,
	{ KEYWORD,	"pool",		S_NONE,		t_vips_pool },
	{ KEYWORD,	"owner",	S_NONE,		t_vips_owner },
	END
};
static const struct token t_vips[] = {
	MAYEND,
	{ KEYWORD,	"pool",		S_NONE,		t_vips_pool },
	{ KEYWORD,	"owner",	S_NONE,		t_vips_owner },
	{ VALUE,	"VIP",		S_VIP,		t_vips_opts },
	END
};

/* show metrics [openmetrics | prometheus] */
static const struct token t_metrics[] = {
	MAYEND,
	{ KEYWORD,	"openmetrics",	S_FORMAT,	t_end },
	{ KEYWORD,	"prometheus",	S_FORMAT,	t_end },
	END
};

/* show rib [in | out] [neighbor NAME] */
static const struct token t_rib_name[] = {
	{ VALUE,	"NAME",		S_NAME,		t_end },
	END
};
static const struct token t_rib_nbr[] = {
	MAYEND,
	{ KEYWORD,	"neighbor",	S_NONE,		t_rib_name },
	END
};
static const struct token t_rib[] = {
	MAYEND,
	{ KEYWORD,	"in",		S_DIR,		t_rib_nbr },
	{ KEYWORD,	"out",		S_DIR,		t_rib_nbr },
	{ KEYWORD,	"neighbor",	S_NONE,		t_rib_name },
	END
};

/* add VIP ... [pool P] [owner O] [sharing-key K] [community C ...] */
static const struct token t_add_opts[6];
static const struct token t_add_comms[7];
static const struct token t_add_pool[] = {
	{ VALUE,	"POOL",		S_POOL,		t_add_opts },
	END
};
static const struct token t_add_owner[] = {
	{ VALUE,	"OWNER",	S_OWNER,	t_add_opts },
	END
};
static const struct token t_add_key[] = {
	{ VALUE,	"KEY",		S_KEY,		t_add_opts },
	END
};
static const struct token t_add_comm[] = {
	{ VALUE,	"COMMUNITY",	S_COMMS,	t_add_comms },
	END
};
static const struct token t_add_opts[6] = {
	MAYEND,
	{ KEYWORD,	"pool",		S_NONE,		t_add_pool },
	{ KEYWORD,	"owner",	S_NONE,		t_add_owner },
	{ KEYWORD,	"sharing-key",	S_NONE,		t_add_key },
	{ KEYWORD,	"community",	S_NONE,		t_add_comm },
	END
};
static const struct token t_add_comms[7] = {
	MAYEND,
	{ KEYWORD,	"pool",		S_NONE,		t_add_pool },
	{ KEYWORD,	"owner",	S_NONE,		t_add_owner },
	{ KEYWORD,	"sharing-key",	S_NONE,		t_add_key },
	{ KEYWORD,	"community",	S_NONE,		t_add_comm },
	{ VALUE,	"COMMUNITY",	S_COMMS,	t_add_comms },
	END
};
static const struct token t_add_vips[7] = {
	MAYEND,
	{ KEYWORD,	"pool",		S_NONE,		t_add_pool },
	{ KEYWORD,	"owner",	S_NONE,		t_add_owner },
	{ KEYWORD,	"sharing-key",	S_NONE,		t_add_key },
	{ KEYWORD,	"community",	S_NONE,		t_add_comm },
	{ VALUE,	"VIP",		S_VIPS,		t_add_vips },
	END
};
static const struct token t_add[] = {
	{ VALUE,	"VIP",		S_VIPS,		t_add_vips },
	END
};

/* withdraw VIP ... [owner O] */
static const struct token t_wd_owner[] = {
	{ VALUE,	"OWNER",	S_OWNER,	t_end },
	END
};
static const struct token t_wd_vips[] = {
	MAYEND,
	{ KEYWORD,	"owner",	S_NONE,		t_wd_owner },
	{ VALUE,	"VIP",		S_VIPS,		t_wd_vips },
	END
};
static const struct token t_wd[] = {
	{ VALUE,	"VIP",		S_VIPS,		t_wd_vips },
	END
};

/* allocate [pool P] [owner O] [sharing-key K] */
static const struct token t_alloc[5];
static const struct token t_alloc_pool[] = {
	{ VALUE,	"POOL",		S_POOL,		t_alloc },
	END
};
static const struct token t_alloc_owner[] = {
	{ VALUE,	"OWNER",	S_OWNER,	t_alloc },
	END
};
static const struct token t_alloc_key[] = {
	{ VALUE,	"KEY",		S_KEY,		t_alloc },
	END
};
static const struct token t_alloc[5] = {
	MAYEND,
	{ KEYWORD,	"pool",		S_NONE,		t_alloc_pool },
	{ KEYWORD,	"owner",	S_NONE,		t_alloc_owner },
	{ KEYWORD,	"sharing-key",	S_NONE,		t_alloc_key },
	END
};

/* neighbor NAME up | down | clear | refresh [reason TEXT]: the reason
 * goes with the Cease of down and clear, and into lbbgpd's log. */
static const struct token t_reason_text[] = {
	{ REST,		"TEXT",		S_REASON,	NULL },
	END
};
static const struct token t_reason[] = {
	MAYEND,
	{ KEYWORD,	"reason",	S_NONE,		t_reason_text },
	END
};
static const struct token t_nbr_action[] = {
	{ KEYWORD,	"up",		S_ACTION,	t_reason },
	{ KEYWORD,	"down",		S_ACTION,	t_reason },
	{ KEYWORD,	"clear",	S_ACTION,	t_reason },
	{ KEYWORD,	"refresh",	S_ACTION,	t_reason },
	END
};
static const struct token t_nbr[] = {
	{ VALUE,	"NAME",		S_NAME,		t_nbr_action },
	END
};

/* ---- request builders --------------------------------------------------- */

static void
put(json_object *req, const char *key, const char *val)
{
	if (val != NULL)
		json_object_object_add(req, key, json_object_new_string(val));
}

static void
put_list(json_object *req, const char *key, const char **v, size_t n)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(v[i]));
	json_object_object_add(req, key, arr);
}

/* One VIP travels as "vip", several as "vips". */
static void
put_vips(json_object *req, const struct args *a)
{
	if (a->nvips == 1)
		put(req, "vip", a->vips[0]);
	else
		put_list(req, "vips", a->vips, a->nvips);
}

static void
build_name(json_object *req, const struct args *a)
{
	put(req, "name", a->name);
}

static void
build_vips(json_object *req, const struct args *a)
{
	put(req, "vip", a->vip);
	put(req, "pool", a->pool);
	put(req, "owner", a->owner);
}

static void
build_rib(json_object *req, const struct args *a)
{
	put(req, "neighbor", a->name);
	put(req, "dir", a->dir);
}

static void
build_add(json_object *req, const struct args *a)
{
	put_vips(req, a);
	put(req, "pool", a->pool);
	put(req, "owner", a->owner);
	put(req, "sharing-key", a->key);
	if (a->ncomms > 0)
		put_list(req, "communities", a->comms, a->ncomms);
}

static void
build_metrics(json_object *req, const struct args *a)
{
	put(req, "format", a->format);
}

static void
build_withdraw(json_object *req, const struct args *a)
{
	put_vips(req, a);
	put(req, "owner", a->owner);
}

static void
build_allocate(json_object *req, const struct args *a)
{
	put(req, "pool", a->pool);
	put(req, "owner", a->owner);
	put(req, "sharing-key", a->key);
}

static void
build_neighbor(json_object *req, const struct args *a)
{
	put(req, "name", a->name);
	put(req, "action", a->action);
	put(req, "reason", a->reason);
}

/* ---- the command table ------------------------------------------------ */

struct command {
	const char		*words[2];	/* full forms; abbreviable */
	const char		*cmd;		/* the request's "cmd" */
	const struct token	*args;
	void			(*build)(json_object *, const struct args *);
	void			(*render)(json_object *, const struct args *);
	const char		*usage;		/* lines, for usage messages */
};

static const struct command commands[] = {
	{ { "show", "summary" }, "show-neighbors", t_end,
	    NULL, render_summary,
	    "show summary" },
	{ { "show", "neighbor" }, "show-neighbors", t_show_nbr,
	    build_name, render_neighbors,
	    "show neighbor [NAME]" },
	{ { "show", "vips" }, "show-vips", t_vips,
	    build_vips, render_vips,
	    "show vips [VIP] [pool POOL] [owner OWNER]" },
	{ { "show", "pools" }, "show-pools", t_end,
	    NULL, render_pools,
	    "show pools" },
	{ { "show", "rib" }, "show-rib", t_rib,
	    build_rib, render_rib,
	    "show rib [in | out] [neighbor NAME]" },
	{ { "show", "metrics" }, "show-metrics", t_metrics,
	    build_metrics, render_metrics,
	    "show metrics [openmetrics | prometheus]" },
	{ { "add", NULL }, "add", t_add,
	    build_add, render_add,
	    "add VIP ... [pool POOL] [owner OWNER] [sharing-key KEY]\n"
	    "    [community COMMUNITY ...]" },
	{ { "withdraw", NULL }, "withdraw", t_wd,
	    build_withdraw, render_withdraw,
	    "withdraw VIP ... [owner OWNER]" },
	{ { "allocate", NULL }, "allocate", t_alloc,
	    build_allocate, render_allocate,
	    "allocate [pool POOL] [owner OWNER] [sharing-key KEY]" },
	{ { "neighbor", NULL }, "neighbor", t_nbr,
	    build_neighbor, render_neighbor_action,
	    "neighbor NAME up | down | clear | refresh [reason TEXT ...]" },
	{ { "reload", NULL }, "reload", t_end,
	    NULL, render_reload,
	    "reload" },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static size_t
nwords(const struct command *c)
{
	return c->words[1] == NULL ? 1 : 2;
}

/* ---- small helpers ------------------------------------------------------ */

static void die(int, const char *, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Exit with status and a message; "bgpctl:" whatever the binary's name. */
static void
die(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bgpctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(status);
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		die(EXIT_UNREACHABLE, "out of memory");
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (q == NULL)
		die(EXIT_UNREACHABLE, "out of memory");
	return q;
}

/* ---- usage -------------------------------------------------------------- */

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

/*
 * The usage of one command, of a family ("show ..."), or of all; usage
 * strings may hold continuation lines, which start with spaces.
 */
static void
print_usage(FILE *f, const struct parser *p)
{
	const char *lead = "usage: ";
	const char *family = p != NULL ? p->family : NULL;
	const struct command *only = p != NULL ? p->cmd : NULL;

	if (family == NULL) {
		fprintf(f, "usage: bgpctl [-j] [-s socket] command "
		    "[argument ...]\ncommands:\n");
		lead = "\t";
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
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

static void usage_error(const struct parser *, const char *, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Exit 2 with a message and the usage of what was being parsed. */
static void
usage_error(const struct parser *p, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bgpctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	print_usage(stderr, p);
	exit(EXIT_USAGE);
}

/* ---- word matching ------------------------------------------------------ */

enum match {
	M_NONE,
	M_ONE,
	M_AMBIGUOUS,
};

/* An exact match wins, then a unique prefix: "sh su" is "show summary". */
static enum match
match_word(const char *w, const char *const *choice, size_t n, size_t *hit)
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
static size_t
distance(const char *a, const char *b)
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

static const char *
nearest(const char *w, const char *const *choice, size_t n)
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

/* The choices w abbreviates, for "ambiguous" messages. */
static size_t
prefixed(const char *w, const char *const *choice, size_t n,
    const char **out)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (strncmp(choice[i], w, strlen(w)) == 0)
			out[m++] = choice[i];
	return m;
}

/* "a, b or c" into buf. */
static const char *
fmt_choices(char *buf, size_t size, const char *const *choice, size_t n,
    bool may_end)
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

/* ---- parsing ------------------------------------------------------------ */

/* The words before the current one, for messages; long lines lose heads. */
static const char *
context(const struct parser *p, char *buf, size_t size)
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

static void
store(struct parser *p, const struct token *t, const char *word)
{
	struct args *a = p->a;
	const char **single = NULL;
	char ctx[128];

	switch (t->slot) {
	case S_NONE:
		return;
	case S_NAME:	single = &a->name;	break;
	case S_VIP:	single = &a->vip;	break;
	case S_POOL:	single = &a->pool;	break;
	case S_OWNER:	single = &a->owner;	break;
	case S_KEY:	single = &a->key;	break;
	case S_DIR:	single = &a->dir;	break;
	case S_ACTION:	single = &a->action;	break;
	case S_FORMAT:	single = &a->format;	break;
	case S_VIPS:
		a->vips[a->nvips++] = word;
		return;
	case S_COMMS:
		a->comms[a->ncomms++] = word;
		return;
	case S_REASON: {
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
	}
	if (*single != NULL)
		usage_error(p, "\"%s\" given twice (in \"%s\"); "
		    "give it once", p->shown[p->i - 1],
		    context(p, ctx, sizeof(ctx)));
	*single = word;
}

/* The command words: "show summary", "reload", ... */
static const struct command *
parse_command(struct parser *p)
{
	const char *choice[MAX_CHOICES], *chosen[2] = { NULL, NULL };
	char ctx[128], list[256];

	for (size_t level = 0; ; level++) {
		size_t n = 0, hit = 0;

		/* The choices: next words of the commands matched so far. */
		for (size_t c = 0; c < NCOMMANDS; c++) {
			const struct command *cmd = &commands[c];
			bool dup = false, other = false;
			for (size_t k = 0; k < level; k++)
				other |= strcmp(cmd->words[k], chosen[k]) != 0;
			if (other)
				continue;
			if (nwords(cmd) == level)
				return cmd;
			for (size_t k = 0; k < n; k++)
				dup |= !strcmp(choice[k], cmd->words[level]);
			if (!dup && n < MAX_CHOICES)
				choice[n++] = cmd->words[level];
		}
		fmt_choices(list, sizeof(list), choice, n, false);
		if (p->i >= p->argc) {
			if (level == 0)
				usage_error(p, "no command given");
			usage_error(p, "missing argument after "
			    "\"%s\": expected %s", context(p, ctx,
			    sizeof(ctx)), list);
		}
		const char *w = p->argv[p->i];
		switch (match_word(w, choice, n, &hit)) {
		case M_ONE:
			break;
		case M_AMBIGUOUS:
			fmt_choices(list, sizeof(list), choice, prefixed(w,
			    choice, n, choice), false);
			if (level == 0)
				usage_error(p, "ambiguous command \"%s\": "
				    "could be %s", w, list);
			usage_error(p, "ambiguous argument \"%s\" "
			    "after \"%s\": could be %s", w, context(p, ctx,
			    sizeof(ctx)), list);
		case M_NONE: {
			const char *near = nearest(w, choice, n);
			if (level == 0 && near == NULL) {
				/* "bgpctl vips" means "bgpctl show vips". */
				for (size_t c = 0; c < NCOMMANDS; c++)
					if (nwords(&commands[c]) == 2 &&
					    strcmp(commands[c].words[1],
					    w) == 0)
						usage_error(p, "unknown "
						    "command \"%s\"; did you "
						    "mean \"%s %s\"?", w,
						    commands[c].words[0], w);
			}
			if (level == 0 && near != NULL)
				usage_error(p, "unknown command \"%s\"; "
				    "did you mean \"%s\"?", w, near);
			if (level == 0)
				usage_error(p, "unknown command \"%s\"%s",
				    w, w[0] == '-' ?
				    "; options go before the command" : "");
			if (near != NULL)
				usage_error(p, "unknown argument "
				    "\"%s\" after \"%s\"; did you mean "
				    "\"%s\"?", w, context(p, ctx, sizeof(ctx)),
				    near);
			usage_error(p, "unknown argument \"%s\" after "
			    "\"%s\": expected %s%s", w, context(p, ctx,
			    sizeof(ctx)), list, w[0] == '-' ?
			    "; options go before the command" : "");
		}
		}
		chosen[level] = choice[hit];
		p->shown[p->i++] = choice[hit];
		if (level == 0)
			p->family = choice[hit];
	}
}

/* The arguments, through the command's token tables. */
static void
parse_args(struct parser *p, const struct token *t)
{
	const char *choice[MAX_CHOICES];
	const struct token *tok[MAX_CHOICES];
	char ctx[128], list[256];

	while (t != NULL) {
		const struct token *value = NULL;
		size_t n = 0, nkw = 0, hit = 0;
		bool may_end = false;

		for (const struct token *k = t; k->type != ENDTOKEN; k++) {
			if (k->type == NOTOKEN)
				may_end = true;
			else if (k->type == KEYWORD && n < MAX_CHOICES) {
				tok[n] = k;
				choice[n++] = k->word;
			} else
				value = k;
		}
		nkw = n;
		if (value != NULL && n < MAX_CHOICES)
			choice[n++] = value->word;
		fmt_choices(list, sizeof(list), choice, n, may_end);
		if (p->i >= p->argc) {
			if (may_end)
				return;
			usage_error(p, "missing argument after "
			    "\"%s\": expected %s", context(p, ctx,
			    sizeof(ctx)), list);
		}
		const char *w = p->argv[p->i];
		const struct token *m = NULL;
		switch (match_word(w, choice, nkw, &hit)) {
		case M_ONE:
			m = tok[hit];
			p->shown[p->i] = m->word;
			store(p, m, m->word);
			break;
		case M_AMBIGUOUS:
			fmt_choices(list, sizeof(list), choice, prefixed(w,
			    choice, nkw, choice), false);
			usage_error(p, "ambiguous argument \"%s\" "
			    "after \"%s\": could be %s", w, context(p, ctx,
			    sizeof(ctx)), list);
		case M_NONE:
			if (value != NULL) {
				m = value;
				p->shown[p->i] = w;
				store(p, m, w);
				break;
			}
			const char *near = nearest(w, choice, nkw);
			if (n == 0)
				usage_error(p, "unexpected argument "
				    "\"%s\" after \"%s\"%s", w, context(p, ctx,
				    sizeof(ctx)), w[0] == '-' ?
				    "; options go before the command" : "");
			if (near != NULL)
				usage_error(p, "unknown argument "
				    "\"%s\" after \"%s\"; did you mean "
				    "\"%s\"?", w, context(p, ctx, sizeof(ctx)),
				    near);
			usage_error(p, "unknown argument \"%s\" after "
			    "\"%s\": expected %s", w, context(p, ctx,
			    sizeof(ctx)), list);
		}
		if (m->type == REST) {
			p->i = p->argc;
			return;
		}
		p->i++;
		t = m->next;
	}
	if (p->i < p->argc)
		usage_error(p, "unexpected argument \"%s\" after "
		    "\"%s\"", p->argv[p->i], context(p, ctx, sizeof(ctx)));
}

static void
parse(int argc, char **argv, struct args *a)
{
	struct parser p = { .argc = argc, .argv = argv, .a = a };

	p.shown = xcalloc((size_t)argc + 1, sizeof(*p.shown));
	a->vips = xcalloc((size_t)argc + 1, sizeof(*a->vips));
	a->comms = xcalloc((size_t)argc + 1, sizeof(*a->comms));
	a->cmd = p.cmd = parse_command(&p);
	parse_args(&p, a->cmd->args);
	free(p.shown);
}

/* ---- the control socket ------------------------------------------------- */

static int timeout = TIMEOUT;	/* seconds */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * One exchange with lbbgpd.  Every buffer hangs off this struct, which
 * lives in main(), so the exits on error paths leave nothing unreachable.
 */
struct exchange {
	const char	*path;
	int		 fd;
	char		*req;		/* the request line, newline included */
	size_t		 reqlen;
	char		*buf;		/* the reply as it arrives */
	size_t		 len, cap;
};

static void connect_failed(const char *, int) __attribute__((noreturn));

/* Is the caller in group gid in this login session? */
static bool
in_group(gid_t gid)
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
static bool
listed_in(const struct group *gr)
{
	struct passwd *pw = getpwuid(geteuid());

	for (char **m = gr->gr_mem; pw != NULL && m != NULL && *m; m++)
		if (strcmp(*m, pw->pw_name) == 0)
			return true;
	return false;
}

/* Who may use the socket, from its mode and group, and how to get in. */
static const char *
access_fix(const char *path, char *buf, size_t size)
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
static void
connect_failed(const char *path, int e)
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

static void
ctl_connect(struct exchange *x)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = x->path;
	double give_up = now() + timeout;
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
			    path, timeout);
		connect_failed(path, errno);
	}
	x->fd = fd;
}

/* Wait for fd; false after TIMEOUT seconds. */
static bool
wait_fd(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	double give_up = now() + timeout;

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

static void
send_request(struct exchange *x)
{
	size_t off = 0;

	while (off < x->reqlen) {
		if (!wait_fd(x->fd, POLLOUT))
			die(EXIT_UNREACHABLE, "lbbgpd does not read its "
			    "control socket (waited %d s; is it stuck? see "
			    "its log)", timeout);
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
 * up to MAX_REPLY; TIMEOUT seconds of silence end the wait.
 */
static void
read_reply(struct exchange *x)
{
	x->cap = 1 << 16;
	x->buf = xcalloc(1, x->cap);
	for (;;) {
		if (!wait_fd(x->fd, POLLIN)) {
			if (x->len == 0)
				die(EXIT_UNREACHABLE, "no reply from lbbgpd "
				    "within %d s (is it stuck? see its log)",
				    timeout);
			die(EXIT_UNREACHABLE, "lbbgpd stopped in the middle "
			    "of its reply (%zu bytes, then nothing for %d s)",
			    x->len, timeout);
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

static json_object *
parse_reply(const char *buf, size_t len)
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

/* ---- output ------------------------------------------------------------- */

/* How a reply is shown: -j swaps the whole vtable. */
struct output {
	void	(*done)(json_object *, const struct args *);	/* ok */
	void	(*refused)(json_object *, const struct args *);	/* !ok */
};

static void
text_done(json_object *reply, const struct args *a)
{
	a->cmd->render(reply, a);
}

static void
text_refused(json_object *reply, const struct args *a)
{
	json_object *err, *code;

	fprintf(stderr, "bgpctl: ");
	if (json_object_object_get_ex(reply, "error", &err) &&
	    json_object_is_type(err, json_type_string))
		put_safe(stderr, json_object_get_string(err));
	else
		fprintf(stderr, "lbbgpd refused the request");
	if (json_object_object_get_ex(reply, "code", &code) &&
	    json_object_is_type(code, json_type_string)) {
		fprintf(stderr, " (");
		put_safe(stderr, json_object_get_string(code));
		fprintf(stderr, ")");
	}
	fprintf(stderr, "\n");
	/* reload: every FILE:LINE: message of the config, one a line. */
	json_object *errs;
	if (json_object_object_get_ex(reply, "errors", &errs) &&
	    json_object_is_type(errs, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(errs); i++) {
			json_object *e = json_object_array_get_idx(errs, i);
			if (!json_object_is_type(e, json_type_string))
				continue;
			put_safe(stderr, json_object_get_string(e));
			fprintf(stderr, "\n");
		}
	}
}

static void
json_print(json_object *reply, const struct args *a)
{
	puts(json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static const struct output text_output = { text_done, text_refused };
static const struct output json_output = { json_print, json_print };

int
main(int argc, char *argv[])
{
	const struct output *out = &text_output;
	struct exchange x = { .fd = -1 };
	const char *path = NULL, *line, *complete = NULL;
	struct args a = { 0 };
	json_object *req, *reply;
	bool ok;
	int ch;

	while ((ch = getopt(argc, argv, "+js:C:")) != -1) {
		switch (ch) {
		case 'C':	/* hidden: words for shell completion */
			complete = optarg;
			break;
		case 'j':
			out = &json_output;
			break;
		case 's':
			path = optarg;
			break;
		default:
			print_usage(stderr, NULL);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (path == NULL || *path == '\0')
		path = getenv("LBBGP_SOCKET");
	if (path == NULL || *path == '\0')
		path = DEFAULT_SOCKET;
	x.path = path;

	req = json_object_new_object();
	if (complete != NULL) {
		const char *cmd = complete_cmd(complete);
		if (cmd == NULL || argc != 0)
			die(EXIT_USAGE, "-C takes neighbors, pools, vips or "
			    "owners, and no command");
		json_object_object_add(req, "cmd", json_object_new_string(cmd));
		timeout = COMPLETE_TIMEOUT;
	} else {
		parse(argc, argv, &a);
		json_object_object_add(req, "cmd",
		    json_object_new_string(a.cmd->cmd));
		if (a.cmd->build != NULL)
			a.cmd->build(req, &a);
	}
	line = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	x.reqlen = strlen(line) + 1;
	x.req = xcalloc(1, x.reqlen + 1);
	memcpy(x.req, line, x.reqlen - 1);
	x.req[x.reqlen - 1] = '\n';
	json_object_put(req);

	ctl_connect(&x);
	send_request(&x);
	read_reply(&x);
	close(x.fd);
	reply = parse_reply(x.buf, x.len);
	free(x.req);
	free(x.buf);

	ok = json_object_get_boolean(json_object_object_get(reply, "ok"));
	if (complete != NULL) {
		if (ok)
			complete_print(reply, complete);
	} else if (ok)
		out->done(reply, &a);
	else
		out->refused(reply, &a);
	json_object_put(reply);
	free(a.vips);
	free(a.comms);
	free(a.reason);
	/* A script must not take a lost "allocate" answer for success. */
	if (fflush(stdout) == EOF || ferror(stdout))
		die(EXIT_REFUSED, "writing the output: %s", strerror(errno));
	return ok ? EXIT_OK : EXIT_REFUSED;
}
