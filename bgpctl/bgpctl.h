/*
 * bgpctl.h - what the bgpctl front end (bgpctl.c: grammar, socket) and
 * its text renderers (output.c) share.  Renderers only format a reply
 * the daemon sent; they never talk to the socket or decide exit codes.
 */
#ifndef LBBGP_BGPCTL_H
#define LBBGP_BGPCTL_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>

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
	const char		**comms;	/* community C ... */
	size_t			 ncomms;
	const char		*dir;		/* show rib in|out */
	const char		*action;	/* neighbor NAME up|down|... */
	char			*reason;	/* reason TEXT..., joined */
	const char		*format;	/* show metrics FORMAT */
};

/*
 * Text renderers, one per command (output.c).  Each gets a reply whose
 * "ok" is true and prints it to stdout; a missing or mistyped field is
 * shown as "-", never a crash.
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

/*
 * bgpctl -C WHAT, for shell completion (complete.c): the request that
 * lists WHAT (neighbors, pools, vips, owners), or NULL; then its words,
 * one per line.
 */
const char *complete_cmd(const char *);
void	complete_print(json_object *, const char *);

/* Print a daemon-supplied string to stream, control bytes escaped. */
void	put_safe(FILE *, const char *);

/* Allocation that cannot fail: exits with a message instead. */
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);

#endif
