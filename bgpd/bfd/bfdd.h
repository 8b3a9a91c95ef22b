/*
 * bfdd.h - BFD in the daemon: the UDP sockets of RFC 5881 (single hop,
 * port 3784) and RFC 5883 (multihop, port 4784), a transmit and a
 * detection timer per session on the libev loop, and the coupling to
 * BGP of RFC 9384.  The protocol itself is bfd/ (pure); this room only
 * moves its packets and acts on what it asks.
 *
 * Named bfdd.h, not bfd.h, so that "bfd/bfd.h" (the pure room) and
 * "bgpd/bfd/bfdd.h" (this one) never read alike.
 *
 * One session per neighbor with bfd yes, hanging off its struct peer
 * (p->bfd).  It runs beside the BGP session and independently of it
 * (RFC 5882): a BGP reset leaves it alone; neighbor down (or shutdown
 * yes) makes it AdminDown; removing the neighbor or bfd no ends it,
 * after a few AdminDown packets so that the router does not see a
 * failure.  What it does to BGP:
 * - Up -> Down (not because the router signalled AdminDown, RFC 5882
 *   §3.2): an Established BGP session closes at once with Cease/BFD Down
 *   (6/10) and comes back after the usual back-off (fsm/ event
 *   BfdSessionDown); one being set up is left alone, as a router that
 *   restarts BFD with each BGP reset (BIRD) says Down at first;
 * - bfd-strict yes: BGP stays in Idle (p->bfd_wait) until BFD is Up; it
 *   starts when BFD comes Up and stops with Cease/BFD Down when it goes
 *   Down.
 *
 * Everything here is non-blocking and per packet or per timer; nothing
 * is done per loop iteration.  Readers (show-bfd, show-neighbors,
 * metrics) read struct bfdd and struct bfdd_peer and never write them.
 */
#ifndef LBBGP_BFDD_H
#define LBBGP_BFDD_H

#include <ev.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bfd/bfd.h"
#include "bgpd/bgpd.h"

/*
 * Why a datagram was dropped: lbbgp's own reasons, then one per error of
 * bfd/ (BFDD_DROP_ERR + enum bfd_err).  Each has a short name for
 * metrics labels and show-bfd (bfdd_drop_name).
 */
enum bfdd_drop {
	BFDD_DROP_TTL,		/* TTL / Hop Limit below the minimum */
	BFDD_DROP_UNKNOWN_DISCR, /* Your Discriminator names no session */
	BFDD_DROP_UNKNOWN_SOURCE, /* no neighbor with bfd yes sends from
				 * there (Your Discriminator 0) */
	BFDD_DROP_ERR,		/* + enum bfd_err (BFD_OK unused) */
	BFDD_NDROPS = BFDD_DROP_ERR + BFD_NERRS
};

/* "ttl", "unknown-source", "auth-digest", ...; "unknown" out of range. */
const char *bfdd_drop_name(unsigned reason);

/*
 * What the demultiplexer knows of a session (RFC 5880 §6.8.6, 5881 §3,
 * 5883 §4).  Pure data, so bfdd_demux and bfdd_discr_pick are tested
 * without sockets.
 */
struct bfdd_key {
	uint32_t discr;		/* bfd.LocalDiscr */
	struct prefix addr;	/* the neighbor's address */
	struct prefix local;	/* local-address; AFI_NONE: any */
	bool multihop;		/* RFC 5883: port 4784 */
	char vrf[IFNAMSIZ];	/* "": the default VRF */
	bool gone;		/* neighbor removed: AdminDown lingers, found
				 * by discriminator only */
};

/* Where a datagram came from and what it asks for. */
struct bfdd_rx {
	uint32_t your_discr;
	struct prefix src;	/* its source address */
	struct prefix dst;	/* the address it was sent to */
	bool multihop;		/* arrived on port 4784 */
	const char *vrf;	/* the receiving socket's VRF; "" default */
};

/*
 * The session a datagram is for: its index in keys, or SIZE_MAX with
 * *why set.  A nonzero Your Discriminator names the session (its
 * source, port and VRF must be the session's too); a zero one the
 * neighbor that sends from src, to dst when it has a local-address.
 */
size_t bfdd_demux(const struct bfdd_key *keys, size_t n,
    const struct bfdd_rx *rx, enum bfdd_drop *why);

/*
 * A local discriminator for a new session (§6.8.1): nonzero and unlike
 * every key's, from rnd(arg) (a few tries), else the next free value
 * above the last try.  0 only if all 2^32 - 1 are taken.
 */
uint32_t bfdd_discr_pick(const struct bfdd_key *keys, size_t n,
    uint32_t (*rnd)(void *), void *arg);

/* A session's counters, for show-bfd and the metrics. */
struct bfdd_stats {
	uint64_t rx;			/* Control packets accepted */
	uint64_t tx;			/* Control packets sent */
	uint64_t tx_errors;		/* sends that failed */
	uint64_t up_events;		/* times it came Up */
	uint64_t down_events;		/* times it left Up */
	uint64_t drops[BFDD_NDROPS];	/* packets for it, dropped */
	double since;			/* wall clock of the last state
					 * change; 0: none yet */
};

struct bfdd;

/* One neighbor's BFD session (p->bfd). */
struct bfdd_peer {
	struct bfdd *b;
	struct peer *p;		/* NULL once the neighbor is gone */
	char *name;		/* the neighbor's, for logs; own copy */
	struct bfd_session s;	/* the protocol (bfd/bfd.h) */
	struct bfdd_key key;
	uint8_t min_ttl;	/* received packets need at least this:
				 * 255 single hop, 0 multihop */
	bool strict;		/* bfd-strict */
	int fd;			/* sends: bound to a source port, connected */
	uint16_t sport;
	ev_timer tx;		/* next periodic packet */
	ev_timer detect;	/* detection time (bfd_act.detect_at) */
	ev_timer linger;	/* gone: AdminDown packets end */
	struct bfdd_stats st;
	struct log_limit limit;	/* its warnings: sends, drops */
};

struct bfdd_listener;

struct bfdd {
	struct lbbgpd *d;
	struct bfdd_peer **sess;	/* every session, gone ones too */
	struct bfdd_key *keys;		/* keys[i] is sess[i]->key */
	size_t nsess, cap, kcap;
	struct bfdd_listener *listeners;
	ev_timer retry;			/* a socket could not be opened */
	uint64_t drops[BFDD_NDROPS];	/* every dropped datagram */
	struct log_limit drop_log;	/* drops no session owns */
	struct log_limit listen_log;
};

/*
 * Start-up, after the peers exist and before they start: a session for
 * every neighbor with bfd yes, and the sockets they need.  A socket that
 * cannot be opened is logged and its sessions cannot come Up; lbbgpd
 * runs on.  False only when out of memory.
 */
bool bfdd_start(struct lbbgpd *d);
/*
 * After a reload switched d->conf and d->peers: sessions for neighbors
 * that turned bfd on, none for those that turned it off, a new session
 * when the address, local-address, multihop, vrf or bfd-auth changed,
 * new timers through a Poll Sequence (no reset), admin state from
 * p->admin_down, listeners to match.  Never touches a BGP session, but
 * starts one that bfd-strict no longer holds.
 */
void bfdd_reconf(struct lbbgpd *d);
/* p is about to be freed (peer_free): its session says AdminDown for a
 * while, then ends. */
void bfdd_peer_gone(struct peer *p);
/* p->admin_down changed (neighbor up / down): AdminDown or back. */
void bfdd_admin(struct peer *p);
/* Shutdown, before the BGP sessions close: AdminDown once on every
 * session, then everything closes.  Again: nothing. */
void bfdd_stop(struct lbbgpd *d);

#endif
