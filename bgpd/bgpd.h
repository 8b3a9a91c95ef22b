/*
 * bgpd.h - the daemon's state: one struct lbbgpd passed explicitly, its
 * peers and their TCP connections.
 *
 * bgpd/ is the only place with I/O.  Each connection runs its own RFC
 * 4271 FSM (fsm/); a peer has a primary connection and, while a
 * connection collision is being resolved (RFC 4271 §6.8), a second one.
 */
#ifndef LBBGP_BGPD_H
#define LBBGP_BGPD_H

#include <ev.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "bgpd/daemon.h"
#include "bgpd/log.h"
#include "bgpd/loopstat.h"
#include "conf/conf.h"
#include "fsm/fsm.h"
#include "fsm/msg.h"
#include "rib/rib.h"
#include "util/buf.h"

/* Bytes of UPDATEs queued before we stop generating more. */
#define OUTQ_HIGH	(256 * 1024)
#define OUTQ_LOW	(64 * 1024)
#define RBUF_SIZE	(2 * BGP_EXT_MAX_LEN)

struct peer;
struct drain;
struct bfdd;
struct bfdd_peer;

struct conn {
	struct peer *peer;
	struct fsm fsm;
	int fd;
	bool outgoing;			/* we initiated the TCP connection */
	bool connecting;		/* non-blocking connect in progress */
	bool dead;			/* freed after this loop iteration */
	ev_io rio, wio;
	ev_timer timers[FSM_NTIMERS];
	ev_timer send_hold;		/* RFC 9687: output not draining */
	double send_hold_secs;
	uint64_t send_hold_mark;	/* bytes acked when it was armed */
	uint8_t *rbuf;
	size_t rlen;
	struct buf wbuf;
	struct sockaddr_storage local;	/* our side of the connection */
	struct bgp_open sent;		/* the OPEN we sent */
	struct bgp_neg neg;		/* valid from OpenConfirm on */
	enum bgp_gr_end end;		/* how Established ended, when it
					 * was by a NOTIFICATION */
	uint32_t remote_id;
	uint32_t remote_as;
	struct conn *next_dead;
};

/* One NOTIFICATION, kept for show neighbor. */
struct notif_log {
	uint8_t code;
	uint8_t subcode;
	bool hard_reset;	/* Cease/Hard Reset for the next two */
	uint8_t inner_code;
	uint8_t inner_subcode;
	char text[300];		/* shutdown communication, escaped */
	double when;
};

/* NOTIFICATIONs by (code, subcode), for metrics (metrics_count_notif). */
#define NOTIF_KINDS 16
struct notif_counts {
	struct {
		uint8_t code, subcode;
		uint64_t n;
	} k[NOTIF_KINDS];
	uint64_t other;			/* pairs beyond the first NOTIF_KINDS */
};

struct peer_stats {
	uint64_t msgs_in[BGP_MSG_TYPE_MAX];
	uint64_t msgs_out[BGP_MSG_TYPE_MAX];
	uint64_t treat_as_withdraw;	/* UPDATEs RFC 7606 made withdraws */
	uint32_t flaps;			/* times Established was left */
	struct notif_counts notif_in, notif_out;
};

struct peer {
	struct lbbgpd *d;
	size_t idx;			/* neighbor index in the config */
	const struct conf_neighbor *conf;
	bool ebgp;
	bool admin_down;		/* config shutdown or bgpctl down */
	struct conn *conn;		/* primary: always present */
	struct conn *coll;		/* second connection in a collision */
	bool eor_sent;
	double last_change;		/* monotonic: entered current state */
	struct peer_stats st;
	struct notif_log last_sent, last_recv;
	struct log_limit limit;
	ev_timer restart;		/* max-prefix restart */
	bool max_prefix_tripped;
	ev_timer stale;			/* peer's graceful restart time */
	unsigned eorr_pending;		/* 1 << AFI: EoRR owed (RFC 7313) */
	bool link_down;			/* its track-interface is down */
	bool local_addr_missing;	/* local-address not on the host */
	struct bfdd_peer *bfd;		/* bgpd/bfd/: with bfd yes */
	bool bfd_wait;			/* bfd-strict: Idle until BFD is Up */
};

struct listener {
	int fd;
	ev_io io;
	struct lbbgpd *d;
	struct sockaddr_storage addr;
	struct listener *next;
};

struct ctl_listener;
struct ctl_client;
struct state;
struct ctl_stat;
struct metrics_http;
struct nl;
struct health;

struct om;
struct fleetd;

struct lbbgpd {
	struct ev_loop *loop;
	const struct daemon_opts *opts;
	struct conf *conf;
	struct rib *rib;
	struct state *state;
	uint32_t router_id;		/* host order */
	struct listener *listeners;	/* BGP port, a list */
	struct log_limit refused_log;	/* connections from non-neighbors */
	struct peer **peers;		/* by neighbor index of the config */
	size_t npeers;
	struct conn *dead;		/* connections to free */
	struct drain *lingering;	/* closed sockets draining */
	ev_prepare reaper;		/* before blocking: reap, pump, commit, reply */
	ev_idle compactor;		/* folds the state journal when idle */
	ev_idle committer;		/* a commit goes on: do not wait */
	unsigned commit_waits;		/* rounds the commit gave way to routes */
	ev_signal sig_term, sig_int, sig_hup;
	bool stopping;
	double started;			/* monotonic */
	struct ctl_listener *ctl_listeners;
	struct ctl_client *ctl_clients;
	size_t nctl_clients;
	bool ctl_pending;		/* replies held for ctl_flush() */
	struct ctl_run *ctl_run;	/* a request done in slices, or NULL */
	bool reload_deferred;		/* SIGHUP came while it ran */
	struct log_limit ctl_busy_log;	/* connections over max-clients */
	struct log_limit ctl_denied_log; /* writes on a read-only socket */
	bool md5;			/* some neighbor uses TCP-MD5 */
	ev_timer md5_watch;
	uint64_t md5_failure, md5_notfound, md5_unexpected;
	/* metrics.h: what only the metrics show, and metrics listen */
	double start_time;		/* wall clock, seconds since 1970 */
	struct ctl_stat *ctl_stats;	/* control requests by command, result */
	size_t nctl_stats;
	struct metrics_http *metrics_http;	/* NULL without metrics listen */
	struct nl *nl;			/* netlink.c: the host's links */
	/* live.c: health checks and drains */
	struct health *health;		/* the probes */
	ev_timer drain_timer;		/* next drain deadline */
	ev_timer shutdown_timer;	/* end of shutdown-drain */
	bool shutdown_draining;		/* SIGTERM came; routes drain */
	bool checks_pending;		/* End-of-RIB waits for checks */
	bool backlog;			/* a peer has routes not yet sent */
	struct bfdd *bfd;		/* bgpd/bfd/: BFD sessions, sockets */
	struct loopstat loopstat;	/* how long turns of the loop take */
	struct fleetd *fleet;		/* bgpd/fleet/: NULL without a fleet */
	/* Its metrics, set by fleetd_start(): metrics.c stays linkable
	 * without the fleet's code. */
	void (*fleet_metrics)(struct om *o, const struct lbbgpd *d);
	int exit_code;			/* of daemon_run(), once stopped */
};

/* session.c, session_io.c, session_in.c, session_out.c */
/* A peer for neighbor idx of d->conf; NULL when out of memory. */
struct peer *peer_new(struct lbbgpd *d, size_t idx);
void peer_start(struct peer *p);
void peer_stop(struct peer *p, uint8_t subcode, const char *reason);
/* Drop the peer's connections without a word, and the peer. */
void peer_free(struct peer *p);
void peer_stop_for_restart(struct peer *p);
void peer_accept(struct peer *p, int fd);
/* Queue pending UPDATEs if the session has room for them; true when
 * output is still waiting for the socket. */
bool peer_pump(struct peer *p);
/* Is there a next hop for this family on the peer's session? */
bool peer_can_send(const struct peer *p, unsigned afi);
/* Send ROUTE-REFRESH for every family; false if the peer cannot. */
bool peer_request_refresh(struct peer *p);
void conns_reap(struct lbbgpd *d);
/* Close the sockets of closed connections that still linger. */
void conns_linger_end(struct lbbgpd *d);
/* Reload. The session as the RIB sees it; false unless established. */
bool peer_session(const struct peer *p, struct rib_session *s);
/* The peer is now neighbor idx of a new config; its connections take the
 * new timers.  Only for changes that need no new session, or after
 * peer_stop(). */
void peer_reconf(struct peer *p, size_t idx, const struct conf_neighbor *nc);
/* A lower max-prefix may already be exceeded. */
void peer_check_max_prefix(struct peer *p);
const char *peer_name(const struct peer *p);
enum fsm_state peer_state(const struct peer *p);

/* daemon.c: open the listeners d->conf asks for, close the others; with
 * old, TCP-MD5 keys follow the changes from it.  On failure nothing
 * changed and err says why. */
bool listeners_reconf(struct lbbgpd *d, const struct conf *old, char *err,
    size_t errlen);

/* reload.c: read the config file again and apply it; the outcome goes
 * into reply ({"ok":true,...} or ctl_fail()). */
struct json_object;
void reload_run(struct lbbgpd *d, struct json_object *reply);
/* SIGHUP: reload_run() with the outcome logged; after a running
 * control job (control.h) if there is one. */
void reload_signal(struct lbbgpd *d);

/* daemon.c: close every session and stop the loop.  withdrawn: every
 * route was withdrawn first (shutdown-drain); those withdrawals go out
 * and the sessions close with Cease/Administrative Shutdown. */
void daemon_shutdown(struct lbbgpd *d, const char *why, bool withdrawn);

/* daemon.c: close every session and stop the loop.  withdrawn: every
 * route was withdrawn first (shutdown-drain); those withdrawals go out
 * and the sessions close with Cease/Administrative Shutdown. */
void daemon_shutdown(struct lbbgpd *d, const char *why, bool withdrawn);

/* live.c: health checks and drains on the loop. */
bool live_start(struct lbbgpd *d);
/* After a reload replaced d->conf and d->rib. */
bool live_reconf(struct lbbgpd *d);
void live_stop(struct lbbgpd *d);
/* A drain changed: re-arm the deadline timer. */
void live_drain_changed(struct lbbgpd *d);
/* Milliseconds of the clock rib/ keeps health and drain by. */
uint64_t live_now_ms(const struct lbbgpd *d);
/* SIGTERM with shutdown-drain: drain every route first; false when
 * there is nothing to drain for (stop at once). */
bool live_shutdown_drain(struct lbbgpd *d);

/* net.c: sockets */
/* The next connection of listening socket lfd, non-blocking, its peer's
 * address in from (may be NULL); -1 when there is none, logged as who
 * unless the queue is just empty. */
int net_accept(int lfd, struct sockaddr_storage *from, const char *who);
int net_listen(const struct sockaddr_storage *ss, int backlog);
int net_connect(const struct peer *p, struct sockaddr_storage *local);
/* True when accepted connection fd came in through device vrf (a
 * neighbor's vrf: see lbbgp.conf(5)); else the device it came in
 * through, for the log, in dev. */
bool net_arrived_in_vrf(int fd, const char *vrf, char *dev, size_t size);
/* The source address of p's connections (local-address, or the one
 * address lbbgpd listens on in p's family); false: the kernel's choice. */
bool net_source_for(const struct peer *p, struct prefix *src);
bool net_set_session_opts(int fd, const struct peer *p);
bool net_set_md5(int fd, int sock_family, const struct prefix *peer,
    const char *password);
void sockaddr_to_prefix(const struct sockaddr_storage *ss,
    struct prefix *out, uint16_t *port);
bool prefix_to_sockaddr(const struct prefix *p, uint16_t port,
    struct sockaddr_storage *ss, socklen_t *len);
const char *sockaddr_fmt(const struct sockaddr_storage *ss, char *buf,
    size_t size);

double now_mono(void);

#endif
