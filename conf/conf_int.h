/*
 * conf_int.h - internals shared by the files of conf/: tokens, the list of
 * messages, allocation helpers and the table of source lines the check
 * pass uses to point at the right statement.
 *
 * Only the files of conf/ and its unit test include this; the daemon sees
 * conf.h alone.  Nothing here may hold global mutable state.
 */
#ifndef LBBGP_CONF_INT_H
#define LBBGP_CONF_INT_H

#include <stdarg.h>

#include "conf/conf.h"

#define ATTR_PRINTF(f, a)	__attribute__((format(printf, f, a)))

/* lex.c: one line of the file as tokens. */
enum tok_type { TOK_WORD, TOK_STRING, TOK_LBRACE, TOK_RBRACE };

struct tok {
	enum tok_type type;
	char *text;		/* unescaped for strings; "{" or "}" for braces */
};

struct line {
	int lineno;
	struct tok *toks;
	size_t ntoks;
	bool bad;		/* the lexer reported an error on this line */
};

struct lexed {
	struct line *lines;
	size_t nlines;
};

/* One diagnostic before it is sorted into line order. */
struct msg {
	int line;		/* 0: no line (e.g. cannot open) */
	size_t seq;		/* keeps emission order within a line */
	bool error;
	char *text;		/* "FILE:LINE: message" */
};

/* Bit numbers of NBR_SET_*: how many statements a neighbor block has. */
#define NBR_NSTMT	29

/*
 * Where statements were written, for messages of the check pass.  The
 * arrays run parallel to conf->neighbors and conf->advs; kept out of
 * struct conf because only the loader needs them.
 */
struct nbr_src {
	int line[NBR_NSTMT];	/* by bit number of NBR_SET_* */
	uint32_t tried;		/* NBR_SET_* written, even if invalid */
};

struct adv_src {
	int *pool_line;		/* parallel to conf_adv.pools */
	int *peer_line;		/* parallel to conf_adv.peers */
	int agg_line;		/* 0 when not written */
	int agg6_line;
};

struct pool_src {
	bool tried;		/* an addresses line was written */
	int check_line;		/* 0 when not written */
	int announce_line;	/* 0 when not written */
};

/* The fleet block: statements written, even if invalid, and lines. */
struct fleet_src {
	bool etcd_tried;
	bool cluster_tried;
	bool cert_tried;
	bool key_tried;
	int ca_line;		/* tls-ca, tls-cert, tls-key: 0 when not */
	int cert_line;
	int key_line;
};

struct check_src {
	const char *probe;	/* "http", "tcp" or "exec": the first one
				 * written, even if invalid; or NULL */
	enum conf_check_kind kind;	/* of that probe */
	int probe_line;
	int expect_line;	/* 0 when not written */
	int interval_line;
	int timeout_line;
};

struct loader {
	const char *file;	/* name for messages */
	struct conf *c;
	struct msg *msgs;
	size_t nmsgs;
	struct nbr_src *nbr;
	struct adv_src *adv;
	struct pool_src *pool;	/* parallel to conf->pools */
	struct check_src *chk;	/* parallel to conf->checks */
	struct fleet_src fleet;
	int local_as_line;
	bool local_as_tried;	/* written, even if invalid */
	int router_id_line;
	int vip_interface_line;
	int *track_line;	/* parallel to conf->track */
};

/* util.c: allocation that aborts on exhaustion, as a daemon must not
 * half-load a config. */
void *conf_xcalloc(size_t n, size_t size);
void *conf_xreallocarray(void *p, size_t n, size_t size);
char *conf_xstrdup(const char *s);
char *conf_xasprintf(const char *fmt, ...) ATTR_PRINTF(1, 2);
char *conf_xvasprintf(const char *fmt, va_list ap) ATTR_PRINTF(1, 0);
/* Grow *arr (grown by this alone) by one zeroed element and return it. */
void *conf_append(void *arr, size_t *n, size_t size);

/* util.c: messages. */
void conf_msg_add(struct loader *l, bool error, int line, const char *fmt, ...)
    ATTR_PRINTF(4, 5);
void conf_msg_addv(struct loader *l, bool error, int line, const char *prefix,
    const char *fmt, va_list ap) ATTR_PRINTF(5, 0);
/* Sort into line order and move into diag; returns the number of errors. */
size_t conf_msg_flush(struct loader *l, struct conf_diag *diag);

/* util.c: the nearest candidate by edit distance, when close enough. */
struct suggest {
	const char *word;
	const char *best;
	unsigned dist;
};
void conf_suggest_init(struct suggest *s, const char *word);
void conf_suggest_try(struct suggest *s, const char *candidate);
const char *conf_suggest_best(const struct suggest *s);

/* util.c: the bit number of one NBR_SET_* bit, an index of nbr_src.line. */
unsigned conf_nbr_bit_no(uint32_t bit);

/* stmt.c: the keyword of one NBR_SET_* bit ("bfd-min-tx"). */
const char *conf_nbr_stmt_name(uint32_t bit);

/* util.c: names of pools, neighbors and advertisements. */
bool conf_name_ok(const char *s);
/* util.c: the cluster and node of a fleet, parts of etcd keys: 1 to
 * CONF_KEYNAME_MAX letters, digits, '.', '_' and '-'; the rule as the
 * messages say it. */
bool conf_keyname_ok(const char *s);
#define CONF_KEYNAME_RULE	"1 to 63 letters, digits, '.', '_' and '-'"
/* Decimal digits only; saturates at UINT64_MAX. */
bool conf_num_parse(const char *s, uint64_t *out);
/* The well-known community names, for suggestions. */
const char *conf_community_name(size_t i);

/* util.c: both NULL (unset), or equal strings. */
bool conf_str_eq(const char *a, const char *b);

/* Equality of one block as written (util.c). */
bool conf_pool_eq(const struct conf_pool *a, const struct conf_pool *b);
bool conf_adv_eq(const struct conf_adv *a, const struct conf_adv *b);

/* print.c: milliseconds as seconds with the fewest decimals ("2",
 * "0.5", "1.25"); buf holds CONF_SECS_STRLEN. */
#define CONF_SECS_STRLEN	16
const char *conf_secs_fmt(uint32_t ms, char *buf, size_t size);

/* util.c: the element of arr (n of size bytes, each a struct whose first
 * member is its char *name) called name, or NULL. */
const void *conf_find_named(const void *arr, size_t n, size_t size,
    const char *name);

/* Structural equality, ignoring lines and the file name. */
bool conf_equal(const struct conf *a, const struct conf *b);

/* lex.c */
void conf_lex(struct loader *l, const char *text, size_t len,
    struct lexed *out);
void conf_lexed_free(struct lexed *lx);

/* parse.c: fills l->c and the source tables; messages into l. */
void conf_parse(struct loader *l, const struct lexed *lx);

/*
 * parse.c: parse without the check pass, so tests can print statements
 * the check refuses; derived fields stay unset.
 */
struct conf *conf_parse_string(const char *name, const char *text,
    struct conf_diag *diag);

/* check.c: the semantic pass; fills in the derived fields. */
void conf_check(struct loader *l);

/* print.c: a string as the lexer reads it back. */
void conf_print_string(FILE *out, const char *s);

#endif
