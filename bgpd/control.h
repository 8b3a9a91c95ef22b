/*
 * control.h - the control socket and its command table.
 *
 * control.c is the transport (Unix stream socket, one JSON object per
 * line each way); cmd.c holds one handler per command.  A handler fills
 * the reply object, which starts as {"ok":true}; ctl_fail() turns it
 * into {"ok":false,"code":...,"error":...}.
 */
#ifndef LBBGP_CONTROL_H
#define LBBGP_CONTROL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "bgpd/bgpd.h"

struct ctl_req {
	struct lbbgpd *d;
	json_object *req;
	json_object *reply;
	uid_t uid;
	pid_t pid;
};

struct ctl_cmd {
	const char *name;
	void (*fn)(struct ctl_req *r);
	bool write;		/* refused on a restricted socket */
};

/* The command table, ended by a NULL name (cmd.c). */
extern const struct ctl_cmd ctl_cmds[];

struct ctl_listener {
	struct lbbgpd *d;
	int fd;
	ev_io io;
	bool restricted;
	char *path;
	struct ctl_listener *next;
};

/* A reply waiting for the state file, in request order. */
struct ctl_held {
	json_object *reply;
	const char *cmd;	/* its command, for metrics; NULL: none valid */
	bool write;		/* acknowledges a change */
	struct ctl_held *next;
};

struct ctl_client {
	struct lbbgpd *d;
	int fd;
	ev_io rio, wio;
	bool restricted;
	bool eof;		/* no more requests: close once answered */
	bool failed;
	uid_t uid;
	pid_t pid;
	struct buf in;		/* request bytes not yet a whole line */
	uint32_t writes[16];	/* write requests this round, by command */
	struct ctl_held *held, **held_tail;
	size_t nheld;
	struct buf out;		/* replies being written */
	struct ctl_client *next;
};

bool ctl_listen(struct lbbgpd *d, const char *path, bool restricted,
    mode_t mode);
/*
 * Release held replies once the state file was written.  With committed
 * false, replies that acknowledge a change become state-write-failed.
 */
void ctl_flush(struct lbbgpd *d, bool committed);
void ctl_close_all(struct lbbgpd *d);
void ctl_fail(json_object *reply, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
