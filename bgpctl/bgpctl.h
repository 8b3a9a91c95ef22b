/*
 * bgpctl.h - what the parts of bgpctl share: the command table and its
 * argument grammar (grammar.c), the parser that walks it (parse.c), the
 * exchange on lbbgpd's control socket (ctl.c), the text renderers
 * (output.c), shell completion (complete.c) and main (bgpctl.c).
 * Renderers only format a reply the daemon sent; they never talk to the
 * socket or decide exit codes.
 */
#ifndef LBBGP_BGPCTL_H
#define LBBGP_BGPCTL_H

#include <json-c/json.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum {
	EXIT_OK,
	EXIT_REFUSED,		/* lbbgpd said ok:false */
	EXIT_USAGE,		/* bad command line */
	EXIT_UNREACHABLE,	/* no connection, no reply or a garbled one */
};

struct command;

/* The words of one command line, sorted by role; values point into argv. */
struct args {
	const struct command	*cmd;
	const char		*name;		/* neighbor NAME */
	const char		*vip;		/* show vips VIP (a filter) */
	const char		**vips;		/* add/withdraw VIP ... */
	size_t			 nvips;
	const char		*pool;
	const char		*owner;
	const char		*key;		/* sharing-key */
	const char		*check;		/* add ... check NAME */
	bool			 all;		/* drain all */
	const char		**comms;	/* community C ... */
	size_t			 ncomms;
	const char		*dir;		/* show rib in|out */
	const char		*action;	/* neighbor NAME up|down|... */
	char			*reason;	/* reason TEXT..., joined */
	const char		*format;	/* show metrics FORMAT */
};

/* ---- the grammar (grammar.c) ----------------------------------------- */

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
	OPTION,		/* a keyword, abbreviable, then one value for slot */
	VALUE,		/* any one word */
	REST,		/* every word left, joined by spaces */
	INCLUDE,	/* the rows of the table next, in this place */
	CONFLICT,	/* a keyword of another form of the command: an error */
};

/* Where a word goes in struct args. */
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
	S_REASON,	/* text: the rest of the line */
	S_FORMAT,
	S_CHECK,
	S_ALL,		/* a keyword alone: drain all */
	S_COUNT
};

enum slot_kind {
	K_NONE,
	K_ONE,		/* a const char * that may be given once */
	K_LIST,		/* an array of words and its count */
	K_TEXT,		/* args.reason */
	K_FLAG,		/* a bool a keyword sets; true in the request */
};

struct slot_info {
	enum slot_kind	 kind;
	const char	*value;		/* the placeholder after an OPTION */
	size_t		 off;		/* of the field in struct args */
	size_t		 count;		/* K_LIST: of its count */
};

extern const struct slot_info slots[S_COUNT];

struct token {
	enum tok_type		 type;
	const char		*word;	/* keyword, or placeholder for usage */
	enum slot		 slot;	/* where the word (OPTION: value) goes */
	const struct token	*next;
};

/* A request field: slot's words go under key ("one" if just one word). */
struct field {
	enum slot	 slot;
	const char	*key;
	const char	*one;
};

#define MAX_FIELDS	6

struct command {
	const char		*words[2];	/* full forms; abbreviable */
	const char		*cmd;		/* the request's "cmd" */
	const struct token	*args;
	struct field		 fields[MAX_FIELDS];	/* in request order */
	void			(*render)(json_object *, const struct args *);
	const char		*usage;		/* lines, for usage messages */
};

extern const struct command commands[];
extern const size_t ncommands;

size_t		 command_nwords(const struct command *);
json_object	*build_request(const struct args *);

/* ---- the parser (parse.c) -------------------------------------------- */

/* Parse argv against the command table into a, or exit 2 with usage. */
void	parse(int, char **, struct args *);
/* The usage of every command (from getopt errors). */
void	print_usage(FILE *);

/* ---- the control socket (ctl.c) -------------------------------------- */

/*
 * One exchange with lbbgpd.  Every buffer hangs off this struct, which
 * lives in main(), so the exits on error paths leave nothing unreachable.
 */
struct exchange {
	const char	*path;
	int		 timeout;	/* seconds lbbgpd may stay silent */
	int		 fd;
	char		*req;		/* the request line, newline included */
	size_t		 reqlen;
	char		*buf;		/* the reply as it arrives */
	size_t		 len, cap;
};

/* Send x->req and return the reply, or exit 3 naming cause and fix. */
json_object	*ctl_exchange(struct exchange *);

/* ---- text renderers (output.c) --------------------------------------- */

/*
 * Text renderers, one per command.  Each gets a reply whose "ok" is
 * true and prints it to stdout; a missing or mistyped field is shown as
 * "-", never a crash.
 */
void	render_summary(json_object *, const struct args *);
void	render_neighbors(json_object *, const struct args *);
void	render_vips(json_object *, const struct args *);
void	render_pools(json_object *, const struct args *);
void	render_rib(json_object *, const struct args *);
void	render_metrics(json_object *, const struct args *);
void	render_add(json_object *, const struct args *);
void	render_withdraw(json_object *, const struct args *);
void	render_allocate(json_object *, const struct args *);
void	render_neighbor_action(json_object *, const struct args *);
void	render_reload(json_object *, const struct args *);
void	render_drain(json_object *, const struct args *);
void	render_checks(json_object *, const struct args *);
void	render_bfd(json_object *, const struct args *);
void	render_fleet(json_object *, const struct args *);

/*
 * bgpctl -C WHAT, for shell completion (complete.c): the request that
 * lists WHAT (neighbors, pools, vips, owners, checks), or NULL; then its
 * words, one per line.
 */
const char *complete_cmd(const char *);
void	complete_print(json_object *, const char *);

/* Print a daemon-supplied string to stream, control bytes escaped. */
void	put_safe(FILE *, const char *);

/* ---- helpers (bgpctl.c) ---------------------------------------------- */

/* "bgpctl: message" on stderr, whatever the binary's name. */
void	vmessage(const char *, va_list) __attribute__((format(printf, 1, 0)));
/* Exit with status and such a message. */
void	die(int, const char *, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Allocation that cannot fail: exits with a message instead. */
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);

#endif
