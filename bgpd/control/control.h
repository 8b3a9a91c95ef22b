/*
 * control.h - the control socket and its command table.
 *
 * control.c is the transport (Unix stream socket, one JSON object per
 * line each way); cmd.c holds one handler per command.  A handler fills
 * the reply object, which starts as {"ok":true}; ctl_fail() turns it
 * into {"ok":false,"code":...,"error":...}, the code one of codes.h.
 */
#ifndef LBBGP_CONTROL_H
#define LBBGP_CONTROL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "bgpd/bgpd.h"
#include "bgpd/control/codes.h"

struct ctl_req {
	struct lbbgpd *d;
	json_object *req;
	json_object *reply;
	uid_t uid;
	pid_t pid;
	/* "vips" read by fastvips.c (req has [] in its place); a handler
	 * that takes it sets vips to NULL. */
	struct prefix *vips;
	size_t nvips;
	/* Set by a handler whose work goes on in slices (below). */
	struct ctl_job *job;
};

/*
 * A request done in slices, between which the loop runs timers, BGP and
 * other clients: a batch of a hundred thousand VIPs must not hold BFD's
 * 50 ms timers.  A handler that sets r->job leaves the reply unfinished;
 * control.c calls step() with the same request about every turn of the
 * loop, for a few milliseconds at a time, until it is done with the
 * reply filled in, and queues the reply then (it leaves, as any write's,
 * after the state file's next commit).  A job that waits for an answer
 * (etcd's, for the fleet) is not stepped until ctl_job_wake().  While a job runs, no other write
 * request starts: other clients' writes and SIGHUP wait for it, so that
 * a batch still succeeds whole or changes nothing.  Reads go on.
 */
enum ctl_step {
	CTL_STEP_MORE,		/* call again soon */
	CTL_STEP_WAIT,		/* waiting for an answer: ctl_job_wake() */
	CTL_STEP_DONE,		/* the reply is filled in */
};
struct ctl_job {
	/* About CTL_SLICE_VIPS VIPs' worth of work. */
	enum ctl_step (*step)(struct ctl_job *j, struct ctl_req *r);
	/* Also when lbbgpd stops first: cancel what it waits for. */
	void (*free)(struct ctl_job *j);
};
/* Work of one step, and requests smaller than this are done at once. */
#define CTL_SLICE_VIPS	256
#define CTL_SLICE_MIN	4096
/* A job is stepped for this long in one turn of the loop. */
#define CTL_SLICE_SECS	0.004

/* True while a job runs (reload waits for it). */
bool ctl_job_running(const struct lbbgpd *d);
/* What a waiting job waited for came: step it again. */
void ctl_job_wake(struct lbbgpd *d);

struct ctl_cmd {
	const char *name;
	void (*fn)(struct ctl_req *r);
	bool write;		/* refused on a restricted socket */
};

/* The command table, ended by a NULL name (cmd.c). */
extern const struct ctl_cmd ctl_cmds[];
/* cmd.c: "vip": "A" or "vips": ["A", ...] into *vips (malloc'd); false
 * after filling the error reply. */
bool ctl_parse_vips(struct ctl_req *r, struct prefix **vips, size_t *n,
    bool required);
/* Communities a request may add to a VIP. */
#define MAX_VIP_COMMUNITIES 64
/* cmd.c: "owner", "pool", "sharing-key", "check", "communities" into req
 * (strings of r->req; comm: room for MAX_VIP_COMMUNITIES); false after
 * filling the error reply. */
bool ctl_parse_holder(struct ctl_req *r, struct vip_req *req,
    uint32_t *comm);
/* cmd_live.c: health checks and drains. */
void cmd_drain(struct ctl_req *r);
void cmd_undrain(struct ctl_req *r);
void cmd_show_checks(struct ctl_req *r);
/* cmd_bfd.c: every neighbor's BFD session. */
void cmd_show_bfd(struct ctl_req *r);
/* A VIP's health and drain into its show-vips object. */
void ctl_vip_live_json(const struct lbbgpd *d, const struct vip *v,
    json_object *o);
/* An owner's own check into its show-vips object. */
void ctl_owner_check_json(const struct lbbgpd *d, const struct vip_owner *w,
    json_object *o);

/* Who may connect: Linux wants write permission on the socket file. */
struct ctl_perm {
	mode_t mode;
	gid_t gid;
};

/* A control socket (ctlsock.c). */
struct ctl_listener {
	struct lbbgpd *d;
	int fd;
	ev_io io;
	bool restricted;
	bool main;		/* the -s socket: never closed by a reload */
	char *path;
	struct ctl_perm perm;	/* of the file, as last set */
	struct ctl_perm prev;	/* before ctl_reconf() changed it */
	bool changed;
	dev_t dev;		/* the file we bound, so that we only */
	ino_t ino;		/* ever remove our own */
	struct ctl_listener *next;
};

/* A reply waiting for the state file, in request order. */
struct ctl_held {
	json_object *reply;	/* a write's, until released; else NULL */
	char *text;		/* any other reply, as a line */
	size_t len;
	const char *cmd;	/* its command, for metrics; NULL: none valid */
	bool write;		/* acknowledges a change */
	struct ctl_held *next;
};

struct ctl_client {
	struct lbbgpd *d;
	int fd;
	ev_io rio, wio;
	bool restricted;
	struct ctl_listener *from;	/* NULL once that socket is closed */
	bool eof;		/* no more requests: close once answered */
	bool deferred;		/* a write waits for another's job */
	bool failed;
	uid_t uid;
	pid_t pid;
	struct buf in;		/* request bytes not yet a whole line */
	uint32_t writes[16];	/* write requests this round, by command */
	struct ctl_held *held, **held_tail;
	size_t nheld;
	size_t held_bytes;	/* their size, about */
	struct buf out;		/* replies being written */
	ev_timer stall;		/* replies owed, none read: close */
	struct ctl_client *next;
};

/*
 * ctlsock.c: open the main socket (-s) and those of the config's socket
 * lines with socket-mode and socket-group; false (logged) when one
 * cannot be opened or the group does not exist.
 */
bool ctl_open_all(struct lbbgpd *d);
/*
 * After a reload replaced d->conf (old is the previous config, still
 * readable): apply socket-mode and socket-group to the open sockets, open
 * the sockets added to the config, close those removed (never the -s
 * one), and take max-clients from d->conf.  On failure, err says why and
 * the sockets are left as they were.  Connections already open stay.
 */
bool ctl_reconf(struct lbbgpd *d, const struct conf *old, char *err,
    size_t errlen);
void ctl_close_listeners(struct lbbgpd *d);
/* control.c: a listener's read callback; takes the new connections. */
void ctl_accept_cb(struct ev_loop *loop, ev_io *w, int revents);
/*
 * Release held replies once the state file was written.  With committed
 * false, replies that acknowledge a change become state-write-failed.
 */
void ctl_flush(struct lbbgpd *d, bool committed);
void ctl_close_all(struct lbbgpd *d);
void ctl_fail(json_object *reply, enum ctl_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
