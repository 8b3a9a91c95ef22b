/*
 * fixture.h - a small lbbgpd for the session and control harnesses.
 *
 * The real bgpd/ code (session.c, control.c, cmd.c, reload.c, state.c,
 * metrics.c) on a private libev loop, built from a config string.  Peers
 * are passive: nothing ever connects out.  A harness plays the routers
 * over socketpair(2) connections it hands to peer_accept(), as the BGP
 * listener would after accept(2): Unix sockets instead of TCP, so a run
 * of millions of sessions leaves no TIME_WAIT behind and sends no packet.
 * Everything lbbgpd writes to a router is read back and checked: whole
 * messages, each one decoding cleanly (decoders.c).  Every log line goes
 * through fz_check_printable().  Nothing here is part of lbbgpd.
 */
#ifndef LBBGP_FUZZ_FIXTURE_H
#define LBBGP_FUZZ_FIXTURE_H

#include "bgpd/bgpd.h"

#define FX_MAX_SOCKS 4

/* One connection: the router's end, and lbbgpd's end as accepted. */
struct fx_sock {
	int fd;
	int lfd;
	uint8_t *in;		/* what lbbgpd sent, not a whole message yet */
	size_t inlen;
};

/* The router's connections to one peer, newest last. */
struct fx_router {
	struct fx_sock s[FX_MAX_SOCKS];
	size_t n;
	uint64_t msgs;		/* messages lbbgpd sent, all checked */
};

struct fx {
	struct lbbgpd d;
	struct daemon_opts opts;
	struct fx_router *routers;	/* one per neighbor of the first config */
	size_t nrouters;
};

/* Once per process: logging into the checker, SIGPIPE ignored. */
void fx_init(void);

/* A daemon for this config (which must load); NULL if it does not. */
struct fx *fx_new(const char *conf_text, const char *conf_file);
void fx_free(struct fx *f);

/*
 * Run the loop until nothing moves: what lbbgpd's prepare watcher does
 * (reap, pump every peer, answer control clients), read and check what
 * it sent.
 */
void fx_settle(struct fx *f);

/*
 * A router connects to peer idx: a new socketpair handed to
 * peer_accept().  Returns false when lbbgpd refused it at once.
 */
bool fx_connect(struct fx *f, size_t idx);
/* Send bytes on the router's newest connection; settles as it goes. */
void fx_send(struct fx *f, size_t idx, const uint8_t *p, size_t len);
/* The router closes its newest connection. */
void fx_close(struct fx *f, size_t idx);

/* An OPEN from the router; caps are the two flag bytes of fuzz_session. */
size_t fx_open(uint8_t *buf, size_t cap, const struct conf_neighbor *n,
    uint8_t caps0, uint8_t caps1);

/* Fire a timer as libev does: a one-shot is stopped, then called. */
void fx_fire(struct fx *f, ev_timer *w);

#endif
