/*
 * parse_int.h - what the parser's engine (parse.c), the value checkers
 * (values.c) and the statements (stmt.c) share.  Only conf/ includes it.
 */
#ifndef LBBGP_PARSE_INT_H
#define LBBGP_PARSE_INT_H

#include "conf/conf_int.h"

#include <stddef.h>

struct parser;
/* One statement: its n values a[]; obj is what the open block fills in,
 * the struct conf itself at top level. */
typedef void kw_fn(struct parser *p, void *obj, const struct tok *a,
    size_t n);

struct block;

/* How a simple statement's one value is read and where it goes. */
enum kw_type {
	KW_FN,		/* no simple value: fn does it all */
	KW_NUM,		/* a number lo..hi into an unsigned field */
	KW_BOOL,	/* yes or no */
	KW_ADDR,	/* an address, of family lo unless AFI_NONE */
	KW_ASN,		/* an AS number */
	KW_STR,		/* a string of lo..hi bytes */
	KW_IFNAME,	/* an interface name */
	KW_NAME,	/* a name of a block (pool, check): letters, digits */
	KW_MSEC,	/* seconds, up to 3 decimals, lo..hi milliseconds
			 * into a uint32_t */
	KW_PATH,	/* an absolute path of 1..hi bytes */
	KW_KEYNAME,	/* a part of etcd keys (conf_keyname_ok()) */
};

/* What else a simple statement records once its value is stored. */
enum kw_mark {
	MARK_NONE,
	MARK_FLAG,	/* bool at mark_off in the block's object: true */
	MARK_LINE,	/* int at mark_off in struct loader: the line */
	MARK_SRC_LINE,	/* int at mark_off in the open block's source
			 * record (struct block's src): the line */
};

struct kw {
	const char *name;
	kw_fn *fn;
	unsigned min, max;	/* number of values after the keyword */
	bool repeat;		/* may appear more than once */
	const char *usage;
	const struct block *block;	/* opens a block instead of fn */
	uint32_t bit;		/* neighbor statements: their NBR_SET_* bit */
	/* The one value of a simple statement (fn is conf_kw_value() then,
	 * or a handler with checks of its own); the printer reads it too: */
	enum kw_type type;
	size_t off;		/* of the field in the block's object */
	size_t size;		/* of the field */
	uint64_t lo, hi;
	enum kw_mark mark;
	size_t mark_off;
};

struct block {
	const char *kind;	/* "neighbor" */
	const struct kw *kws;
	size_t nkws;
	void *(*open)(struct parser *p, const char *name);
	/* The source record (struct pool_src, adv_src, check_src) of the
	 * open block, for MARK_SRC_LINE; NULL when it has none. */
	void *(*src)(struct parser *p);
	/* "fleet {": no name, and at most one in a file; open() gets a
	 * NULL name. */
	bool single;
};

#define MAX_KWS		32
#define SUN_PATH_MAX	107	/* sizeof(sockaddr_un.sun_path) - 1 */
#define TCP_MD5_MAXKEY	80	/* Linux TCP_MD5SIG_MAXKEYLEN */

struct parser {
	struct loader *l;
	struct conf *c;
	int line;			/* of the statement being parsed */
	const struct kw *kw;		/* the statement being parsed */
	const struct block *blk;	/* open block, or NULL at top level */
	void *obj;			/* what the open block fills in */
	char *prefix;			/* "neighbor router-1: " in a block */
	int blk_line;
	int seen[MAX_KWS];		/* line of each statement in the block */
	int gseen[MAX_KWS];		/* the same at top level */
};


/* values.c: messages about the statement being parsed. */
void conf_p_err(struct parser *p, const char *fmt, ...) ATTR_PRINTF(2, 3);
void conf_p_warn(struct parser *p, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* A bad value: "hold-time: 2 is out of range; usage: hold-time ...". */
void conf_p_bad(struct parser *p, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* A bad value whose message already says the fix: no usage line. */
void conf_p_bad_fix(struct parser *p, const char *fmt, ...) ATTR_PRINTF(2, 3);

/* values.c: each checks one token, says what is wrong, false if bad.
 * what: the option the value belongs to ("restart-time"), or NULL. */
bool conf_v_opt_num(struct parser *p, const char *what, const struct tok *t,
    uint64_t lo, uint64_t hi, uint64_t *out);
bool conf_v_num(struct parser *p, const struct tok *t, uint64_t lo, uint64_t hi,
    uint64_t *out);
bool conf_v_u16(struct parser *p, const struct tok *t, unsigned lo, unsigned hi,
    uint16_t *out);
bool conf_v_bool(struct parser *p, const struct tok *t, bool *out);
bool conf_v_addr(struct parser *p, const struct tok *t, unsigned afi,
    struct prefix *out);
bool conf_v_asn(struct parser *p, const struct tok *t, uint32_t *out);
bool conf_v_name(struct parser *p, const struct tok *t);
/* A cluster or node name of the fleet: conf_keyname_ok(). */
bool conf_v_keyname(struct parser *p, const struct tok *t);
bool conf_v_string(struct parser *p, const struct tok *t, size_t min,
    size_t max);
/* Seconds with up to three decimals ("2", "0.5", "1.25") as
 * milliseconds lo..hi. */
bool conf_v_msec(struct parser *p, const struct tok *t, uint64_t lo,
    uint64_t hi, uint32_t *out);
/* An absolute path of 1..max bytes. */
bool conf_v_path(struct parser *p, const struct tok *t, size_t max);
/* The parts of an http:// or https:// URL that conf_v_url() found. */
struct url_parts {
	bool tls;		/* https:// */
	bool userinfo;		/* USER@ before the host */
	const char *host;	/* in the URL; an IPv6 address with brackets */
	size_t hostlen;
	uint16_t port;		/* 0 when none is written */
	const char *rest;	/* path, query or fragment; "" when none */
};
/* A URL of http:// or https://, a host and an optional port, 1..65535;
 * at most 2048 bytes and without spaces.  Anything may follow the host:
 * the caller looks at u->rest. */
bool conf_v_url(struct parser *p, const struct tok *t, struct url_parts *u);
/* An interface name as the kernel allows it: 1..15 bytes, no / : or space. */
bool conf_v_ifname(struct parser *p, const struct tok *t);
void conf_set_str(char **dst, const char *s);

/* stmt.c: the one handler of every simple statement (a table row of
 * one value): check, store, note what the row says. */
kw_fn conf_kw_value;

/* ---- building keyword tables (stmt.c, fleet.c) ---- */

#define STR_(x)	#x
#define STR(x)	STR_(x)

/* A statement with a handler of its own: values lo..hi, may repeat. */
#define FN(nm, f, lo, hi, rep, use) \
	{ .name = (nm), .fn = (f), .min = (lo), .max = (hi), \
	    .repeat = (rep), .usage = (use) }
/* "pool NAME {": opens block b. */
#define BLOCK(nm, b, use) \
	{ .name = (nm), .min = 1, .max = 1, .repeat = true, .usage = (use), \
	    .block = (b) }
/* "fleet {": opens block b, a single one (struct block's single). */
#define SINGLE_BLOCK(nm, b, use) \
	{ .name = (nm), .usage = (use), .block = (b) }
/* The field of a row can hold its values: checked when compiling. */
#define FSIZE(st, f)	sizeof(((st *)0)->f)
#define FITS(ty, st, f, h) \
	((ty) == KW_NUM ? FSIZE(st, f) <= 4 && \
	    (uint64_t)(h) >> (FSIZE(st, f) * 8 - 1) >> 1 == 0 : \
	(ty) == KW_BOOL ? FSIZE(st, f) == sizeof(bool) : \
	(ty) == KW_ASN ? FSIZE(st, f) == sizeof(uint32_t) : \
	(ty) == KW_ADDR ? FSIZE(st, f) == sizeof(struct prefix) : \
	(ty) == KW_MSEC ? FSIZE(st, f) == sizeof(uint32_t) : \
	FSIZE(st, f) == sizeof(char *))
#define CHECKED_SIZE(ty, st, f, h) \
	(FSIZE(st, f) + 0 * sizeof(struct { int ok; _Static_assert( \
	    FITS(ty, st, f, h), #f ": field too small for its row"); }))

/* One value of type ty, range l..h, in field f of struct st, parsed by
 * fn; then it marks neighbor bit b, or mk at moff (enum kw_mark). */
#define ONE(nm, fn_, ty, st, f, l, h, b, mk, moff, use) \
	{ .name = (nm), .fn = (fn_), .min = 1, .max = 1, .usage = (use), \
	    .bit = (b), .type = (ty), .off = offsetof(st, f), \
	    .size = CHECKED_SIZE(ty, st, f, h), .lo = (l), .hi = (h), \
	    .mark = (mk), .mark_off = (moff) }
/* A simple statement: one value, stored by conf_kw_value(). */
#define SIMPLE(nm, ty, st, f, l, h, b, mk, moff, use) \
	ONE(nm, conf_kw_value, ty, st, f, l, h, b, mk, moff, use)

/* stmt.c: the values of row k in objects a and b are equal (KW_FN: true,
 * the caller compares those). */
bool conf_kw_value_eq(const struct kw *k, const void *a, const void *b);

/* stmt.c: the row of the neighbor statement of one NBR_SET_* bit. */
const struct kw *conf_neighbor_kw(uint32_t bit);

/* stmt.c: a statement of a check block was written, even if its values
 * are bad: remember a probe (http, tcp, exec) and its line. */
void conf_check_note(struct parser *p, const struct kw *k);

/* fleet.c: a statement of the fleet block was written, even if its
 * values are bad: the check pass then does not ask for it again. */
void conf_fleet_note(struct parser *p, const struct kw *k);

/* stmt.c, fleet.c: the blocks and their keywords. */
extern const struct block conf_global_block;
extern const struct block conf_pool_block;
extern const struct block conf_neighbor_block;
extern const struct block conf_adv_block;
extern const struct block conf_check_block;
extern const struct block conf_fleet_block;
extern const struct block *const conf_blocks[];
extern const size_t conf_nblocks;

#endif
