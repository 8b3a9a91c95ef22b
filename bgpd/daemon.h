/*
 * daemon.h - the running lbbgpd: event loop, sessions, control socket.
 */
#ifndef LBBGP_DAEMON_H
#define LBBGP_DAEMON_H

#include <stdbool.h>

#include "conf/conf.h"

#define DAEMON_DEFAULT_SOCKET "/run/lbbgp.sock"

struct daemon_opts {
	const char *conf_file;
	const char *socket_path;
	bool foreground;	/* -d: stay in the foreground, log to stderr */
	int verbose;		/* -v: more logging */
};

/* Runs until SIGTERM/SIGINT; takes ownership of conf.  Returns exit code. */
int daemon_run(struct conf *conf, const struct daemon_opts *opts);

#endif
