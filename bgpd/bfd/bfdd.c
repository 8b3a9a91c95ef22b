/*
 * bfdd.c - BFD sessions on the loop (bfdd.h): each session's transmit
 * and detection timers, the datagrams in, the transitions with their
 * log lines, and what they do to the BGP session (RFC 9384, bfd-strict).
 *
 * It drives bfd/ exactly as bfd/bfd.h's top comment says: the time and
 * random numbers go in, and every call's struct bfd_act is applied by
 * apply().  Times are CLOCK_MONOTONIC microseconds, read afresh for each
 * event, and each timer is armed against a fresh loop clock
 * (ev_now_update), so a slow callback before ours cannot make a timer
 * fire early.  Nothing here blocks or runs per loop iteration.
 */
#include "bgpd/bfd/bfdd_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"

/* Datagrams read per wake-up of a socket, so one flood cannot hold the
 * loop; the rest wait for the next iteration. */
#define RX_BURST	64
/* A socket that could not be opened is tried again this often (s). */
#define RETRY_SECS	5.0
/* A gone session's AdminDown packets go on for its Detect Mult times
 * its interval, within these bounds (µs). */
#define LINGER_MIN_US	1000000u
#define LINGER_MAX_US	30000000u

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 32 random bits: random() gives 31. */
static uint32_t rnd32(void *arg)
{
	(void)arg;
	return ((uint32_t)random() << 16) ^ (uint32_t)random();
}

/* Arm w for the monotonic time at (µs), from now; BFD_NEVER stops it. */
static void arm(struct bfdd_peer *bp, ev_timer *w, uint64_t at, uint64_t now)
{
	struct ev_loop *loop = bp->b->d->loop;

	ev_timer_stop(loop, w);
	if (at == BFD_NEVER)
		return;
	/* libev counts from the time it last read the clock, which a long
	 * callback earlier in this iteration may have left behind. */
	ev_now_update(loop);
	ev_timer_set(w, at > now ? (double)(at - now) / 1e6 : 0., 0.);
	ev_timer_start(loop, w);
}

static void arm_tx(struct bfdd_peer *bp, uint64_t now)
{
	arm(bp, &bp->tx, bfd_session_next_tx(&bp->s, now, rnd32(NULL)), now);
}

/* ---- the session list and its keys -------------------------------------- */

static size_t sess_index(const struct bfdd *b, const struct bfdd_peer *bp)
{
	for (size_t i = 0; i < b->nsess; i++)
		if (b->sess[i] == bp)
			return i;
	return SIZE_MAX;
}

static bool sess_add(struct bfdd *b, struct bfdd_peer *bp)
{
	struct bfdd_peer **s = array_grow(b->sess, &b->cap, b->nsess + 1,
	    sizeof(*s));

	if (s == NULL)
		return false;
	b->sess = s;
	struct bfdd_key *k = array_grow(b->keys, &b->kcap, b->nsess + 1,
	    sizeof(*k));
	if (k == NULL)
		return false;
	b->keys = k;
	b->sess[b->nsess] = bp;
	b->keys[b->nsess] = bp->key;
	b->nsess++;
	return true;
}

static void sess_del(struct bfdd *b, struct bfdd_peer *bp)
{
	size_t i = sess_index(b, bp);

	if (i == SIZE_MAX)
		return;
	b->nsess--;
	b->sess[i] = b->sess[b->nsess];
	b->keys[i] = b->keys[b->nsess];
}

/* bp->key changed: the demultiplexer's copy too. */
static void sess_key_changed(struct bfdd_peer *bp)
{
	size_t i = sess_index(bp->b, bp);

	if (i != SIZE_MAX)
		bp->b->keys[i] = bp->key;
}

/* ---- sending ------------------------------------------------------------ */

/* The sending socket, when it is not open yet (at start, or after an
 * error such as a local-address not yet on the host). */
static void sender_open(struct bfdd_peer *bp)
{
	struct prefix src = bp->key.local;
	char a[PREFIX_STRLEN];
	unsigned suppressed = 0;

	if (bp->fd >= 0)
		return;
	if (src.afi == AFI_NONE && bp->p != NULL)
		net_source_for(bp->p, &src);
	bp->fd = bfdd_sock_sender(&src, &bp->key.addr, bp->key.multihop,
	    bp->key.vrf, &bp->sport);
	if (bp->fd < 0 && log_limit_ok(&bp->limit, now_mono(), &suppressed))
		log_bfd_warn(bp, "cannot open the BFD socket to %s%s%s "
		    "(source port 49152-65535%s%s); trying again with each "
		    "packet", addr_fmt(&bp->key.addr, a, sizeof(a)),
		    bp->key.vrf[0] ? " in vrf " : "", bp->key.vrf,
		    src.afi != AFI_NONE ? ", local-address " : "",
		    src.afi != AFI_NONE ? addr_fmt(&src, a, sizeof(a)) : "");
}

static void send_pkt(struct bfdd_peer *bp, uint64_t now, enum bfd_tx kind)
{
	uint8_t buf[BFD_PKT_MAX];
	char a[PREFIX_STRLEN];
	unsigned suppressed = 0;
	/* Built even without a socket: the session's schedule goes on. */
	size_t n = bfd_session_tx(&bp->s, now, kind, buf, sizeof(buf));

	if (n == 0 || bp->fd < 0)
		return;
	if (bfdd_sock_send(bp->fd, buf, n)) {
		bp->st.tx++;
		return;
	}
	bp->st.tx_errors++;
	if (log_limit_ok(&bp->limit, now_mono(), &suppressed))
		log_bfd_warn(bp, "cannot send a BFD packet to %s%s",
		    addr_fmt(&bp->key.addr, a, sizeof(a)), suppressed ?
		    " (and more messages of this session not logged)" : "");
}

static void tx_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct bfdd_peer *bp = w->data;
	uint64_t now = now_us();

	sender_open(bp);
	send_pkt(bp, now, BFD_TX_PERIODIC);
	arm_tx(bp, now);
}

/* ---- BGP ---------------------------------------------------------------- */

/* Start p's BGP session if nothing else holds it in Idle. */
static bool bgp_may_start(struct peer *p)
{
	if (p->bfd_wait || p->admin_down || p->link_down ||
	    p->max_prefix_tripped || peer_state(p) != FSM_IDLE)
		return false;
	peer_start(p);
	return true;
}

/* bfd-strict no longer holds p's BGP session. */
static void release_wait(struct peer *p)
{
	if (!p->bfd_wait)
		return;
	p->bfd_wait = false;
	if (bgp_may_start(p))
		log_peer_info(p, "BFD no longer holds the BGP session: "
		    "starting it");
}

static bool established(const struct peer *p)
{
	return peer_state(p) == FSM_ESTABLISHED || (p->coll != NULL &&
	    p->coll->fsm.state == FSM_ESTABLISHED);
}

/*
 * What a BFD transition does to the BGP session (RFC 9384).  Without
 * bfd-strict only an Established session is closed: a session being set
 * up is often the cause, not a victim, as a router that ties its BFD
 * session to its BGP session (BIRD does) restarts BFD with every BGP
 * reset, and its first packets say Down.
 */
static void couple(struct bfdd_peer *bp, enum bfd_state from,
    enum bfd_state to)
{
	struct peer *p = bp->p;
	bool idle = peer_state(p) == FSM_IDLE && p->coll == NULL;

	if (to == BFD_UP) {
		if (p->bfd_wait) {
			p->bfd_wait = false;
			if (bgp_may_start(p))
				log_bfd_info(bp, "BFD is Up: starting the BGP "
				    "session (bfd-strict)");
		}
		return;
	}
	if (bp->strict)
		p->bfd_wait = true;
	if (from != BFD_UP || to != BFD_DOWN)
		return;
	/* RFC 5882 §3.2: the router took BFD down on purpose; that says
	 * nothing about the path. */
	if (bp->s.remote_state == BFD_ADMIN_DOWN) {
		log_bfd_info(bp, "the router took BFD administratively down: "
		    "the BGP session is left alone%s", bp->strict ? "; with "
		    "bfd-strict it will not start again until BFD is Up" : "");
		return;
	}
	if (bp->strict) {
		if (!idle)
			log_bfd_warnx(bp, "closing the BGP session (Cease/BFD "
			    "Down, RFC 9384); with bfd-strict it waits in Idle "
			    "until BFD is Up");
		peer_stop(p, BGP_CEASE_BFD_DOWN, NULL);
		return;
	}
	if (!established(p))
		return;
	log_bfd_warnx(bp, "closing the BGP session (Cease/BFD Down, RFC "
	    "9384); it starts again after the back-off");
	if (p->coll != NULL)
		fsm_event(&p->coll->fsm, EV_BFD_DOWN, NULL);
	fsm_event(&p->conn->fsm, EV_BFD_DOWN, NULL);
}

static void transition(struct bfdd_peer *bp, enum bfd_state from,
    enum bfd_state to, uint64_t now)
{
	bp->st.since = wall_now();
	if (to == BFD_UP)
		bp->st.up_events++;
	if (from == BFD_UP)
		bp->st.down_events++;
	log_line(from == BFD_UP ? LOG_LVL_WARN : LOG_LVL_INFO, bp->name, NULL,
	    "BFD %s -> %s (%s)", bfd_state_name(from), bfd_state_name(to),
	    bfd_diag_name(bp->s.local_diag));
	/* Tell the router at once rather than at the next interval. */
	send_pkt(bp, now, BFD_TX_PERIODIC);
	arm_tx(bp, now);
	if (bp->p != NULL)
		couple(bp, from, to);
}

/* Do what a call of bfd/ asked (bfd/bfd.h, "apply(act)"). */
static void apply(struct bfdd_peer *bp, const struct bfd_act *act,
    uint64_t now)
{
	if (act->send_final)
		send_pkt(bp, now, BFD_TX_FINAL);
	if (act->tx_changed)
		arm_tx(bp, now);
	arm(bp, &bp->detect, act->detect_at, now);
	if (act->from != act->to)
		transition(bp, act->from, act->to, now);
}

static void detect_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct bfdd_peer *bp = w->data;
	uint64_t now = now_us();
	struct bfd_act act;

	bfd_session_expire(&bp->s, now, &act);
	apply(bp, &act, now);
}

/* ---- datagrams in ------------------------------------------------------- */

static void drop(struct bfdd *b, struct bfdd_peer *bp, enum bfdd_drop why,
    const struct prefix *src, int ttl)
{
	char a[PREFIX_STRLEN], what[160];
	unsigned suppressed = 0;
	struct log_limit *limit = bp != NULL ? &bp->limit : &b->drop_log;

	b->drops[why]++;
	if (bp != NULL)
		bp->st.drops[why]++;
	if (why >= BFDD_DROP_ERR)
		snprintf(what, sizeof(what), "%s",
		    bfd_err_name((enum bfd_err)(why - BFDD_DROP_ERR)));
	else if (why == BFDD_DROP_TTL)
		snprintf(what, sizeof(what), "TTL %d, below %u: it was "
		    "forwarded (RFC 5881 §5, RFC 5883 §5)", ttl,
		    bp != NULL ? bp->min_ttl : BFD_TTL);
	else if (why == BFDD_DROP_UNKNOWN_SOURCE)
		snprintf(what, sizeof(what), "no neighbor with bfd yes has "
		    "that address (and local-address)");
	else
		snprintf(what, sizeof(what), "its Your Discriminator names "
		    "no session of lbbgpd (an earlier session of the router)");
	/* A router still speaking to lbbgpd's previous run is normal for a
	 * detection time after a restart. */
	bool quiet = why == BFDD_DROP_UNKNOWN_DISCR;
	if (!log_limit_ok(limit, now_mono(), &suppressed))
		return;
	addr_fmt(src, a, sizeof(a));
	if (bp != NULL)
		log_line(quiet ? LOG_LVL_DEBUG : LOG_LVL_WARN, bp->name, NULL,
		    "BFD packet from %s dropped: %s%s", a, what, suppressed ?
		    " (and more not logged)" : "");
	else
		log_line(quiet ? LOG_LVL_DEBUG : LOG_LVL_WARN, NULL, NULL,
		    "BFD packet from %s dropped: %s%s", a, what, suppressed ?
		    " (and more not logged)" : "");
}

static void input(struct bfdd_listener *l, const uint8_t *buf, size_t n,
    const struct prefix *src, const struct prefix *dst, int ttl)
{
	struct bfdd *b = l->b;
	struct bfd_pkt pkt;
	struct bfd_act act;
	enum bfdd_drop why;

	/* RFC 5881 §5: a single-hop packet was not forwarded, or it goes
	 * before anything of it is believed. */
	if (!l->multihop && ttl != BFD_TTL) {
		drop(b, NULL, BFDD_DROP_TTL, src, ttl);
		return;
	}
	enum bfd_err e = bfd_decode(buf, n, &pkt);
	if (e != BFD_OK) {
		drop(b, NULL, (enum bfdd_drop)(BFDD_DROP_ERR + e), src, ttl);
		return;
	}
	struct bfdd_rx rx = { pkt.your_discr, *src, *dst, l->multihop,
	    l->vrf };
	size_t i = bfdd_demux(b->keys, b->nsess, &rx, &why);
	if (i == SIZE_MAX) {
		drop(b, NULL, why, src, ttl);
		return;
	}
	struct bfdd_peer *bp = b->sess[i];
	/* RFC 5883 §5: multihop, a minimum if there is one. */
	if (l->multihop && ttl < bp->min_ttl) {
		drop(b, bp, BFDD_DROP_TTL, src, ttl);
		return;
	}
	uint64_t now = now_us();
	e = bfd_session_rx(&bp->s, &pkt, now, &act);
	if (e != BFD_OK) {
		drop(b, bp, (enum bfdd_drop)(BFDD_DROP_ERR + e), src, ttl);
		return;
	}
	bp->st.rx++;
	apply(bp, &act, now);
}

static void rx_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct bfdd_listener *l = w->data;
	uint8_t buf[BFD_RX_BUF];
	struct prefix src, dst;
	int ttl;

	for (int k = 0; k < RX_BURST; k++) {
		ssize_t n = bfdd_sock_recv(l->fd, buf, sizeof(buf), &src, &dst,
		    &ttl);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("BFD: reading a datagram");
			return;
		}
		input(l, buf, (size_t)n, &src, &dst, ttl);
	}
}

/* ---- receiving sockets -------------------------------------------------- */

/* Where a session's packets arrive: its local-address or the wildcard. */
static void listen_addr(const struct bfdd_key *k, struct prefix *a)
{
	if (k->local.afi != AFI_NONE) {
		*a = k->local;
		return;
	}
	*a = (struct prefix){ .afi = k->addr.afi,
	    .len = k->addr.afi == AFI_IPV6 ? 128 : 32 };
}

static struct bfdd_listener *listener_find(struct bfdd *b,
    const struct bfdd_key *k)
{
	struct prefix a;

	listen_addr(k, &a);
	for (struct bfdd_listener *l = b->listeners; l != NULL; l = l->next)
		if (l->multihop == k->multihop && prefix_equal(&l->addr, &a) &&
		    strcmp(l->vrf, k->vrf) == 0)
			return l;
	return NULL;
}

static void listener_close(struct bfdd *b, struct bfdd_listener *l)
{
	ev_io_stop(b->d->loop, &l->io);
	close(l->fd);
	free(l);
}

/* Open the socket k's packets arrive on; false (logged) on failure. */
static bool listener_open(struct bfdd *b, const struct bfdd_peer *bp)
{
	struct bfdd_listener *l = calloc(1, sizeof(*l));
	char a[PREFIX_STRLEN];
	unsigned suppressed = 0;

	if (l == NULL)
		return false;
	l->b = b;
	listen_addr(&bp->key, &l->addr);
	l->multihop = bp->key.multihop;
	memcpy(l->vrf, bp->key.vrf, sizeof(l->vrf));
	l->fd = bfdd_sock_listen(l);
	if (l->fd < 0) {
		if (log_limit_ok(&b->listen_log, now_mono(), &suppressed))
			log_bfd_warn(bp, "cannot receive BFD on %s port %u%s%s, "
			    "so BFD cannot come Up (is another BFD daemon, "
			    "such as BIRD's or FRR's, using the port?); "
			    "trying again every %.0f seconds", addr_fmt(&l->addr,
			    a, sizeof(a)), l->multihop ? BFD_MULTIHOP_PORT :
			    BFD_PORT, l->vrf[0] ? " in vrf " : "", l->vrf,
			    RETRY_SECS);
		free(l);
		return false;
	}
	l->wanted = true;
	ev_io_init(&l->io, rx_cb, l->fd, EV_READ);
	l->io.data = l;
	ev_io_start(b->d->loop, &l->io);
	l->next = b->listeners;
	b->listeners = l;
	log_info("BFD: listening on %s port %u%s%s", addr_fmt(&l->addr, a,
	    sizeof(a)), l->multihop ? BFD_MULTIHOP_PORT : BFD_PORT,
	    l->vrf[0] ? " in vrf " : "", l->vrf);
	return true;
}

/* Exactly the sockets the sessions need; those that cannot be opened
 * are tried again by the retry timer. */
static void listeners_sync(struct bfdd *b)
{
	bool missing = false;

	for (struct bfdd_listener *l = b->listeners; l != NULL; l = l->next)
		l->wanted = false;
	for (size_t i = 0; i < b->nsess; i++) {
		const struct bfdd_peer *bp = b->sess[i];
		if (bp->key.gone)
			continue;
		struct bfdd_listener *l = listener_find(b, &bp->key);
		if (l != NULL)
			l->wanted = true;
		else if (!listener_open(b, bp))
			missing = true;
	}
	for (struct bfdd_listener **pp = &b->listeners; *pp != NULL;) {
		struct bfdd_listener *l = *pp;
		if (l->wanted) {
			pp = &l->next;
			continue;
		}
		*pp = l->next;
		listener_close(b, l);
	}
	ev_timer_stop(b->d->loop, &b->retry);
	if (missing) {
		ev_timer_set(&b->retry, RETRY_SECS, 0.);
		ev_timer_start(b->d->loop, &b->retry);
	}
}

static void retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	listeners_sync(w->data);
}

/* ---- sessions ----------------------------------------------------------- */

static void key_of(const struct conf_neighbor *n, struct bfdd_key *k)
{
	memset(k, 0, sizeof(*k));
	k->addr = n->addr;
	k->local = n->local_addr;
	k->multihop = n->multihop != 0;
	if (n->vrf != NULL)
		snprintf(k->vrf, sizeof(k->vrf), "%s", n->vrf);
}

static void auth_of(const struct conf_neighbor *n, struct bfd_auth *a)
{
	memset(a, 0, sizeof(*a));
	if (n->bfd_auth == CONF_BFD_AUTH_NONE || n->bfd_key == NULL)
		return;
	a->type = n->bfd_auth == CONF_BFD_AUTH_SHA1 ? BFD_AUTH_KEYED_SHA1 :
	    BFD_AUTH_METICULOUS_SHA1;
	a->key_id = n->bfd_key_id;
	size_t len = strlen(n->bfd_key);
	a->key_len = (uint8_t)(len > BFD_KEY_MAX ? BFD_KEY_MAX : len);
	memcpy(a->key, n->bfd_key, a->key_len);
}

/*
 * Single hop: 255 only (RFC 5881 §5).  Multihop: none.  RFC 5883 §5
 * leaves the check to a configured minimum, and routers do not send 255
 * there (BIRD sends multihop BFD with TTL 64), so 256 - multihop would
 * refuse them; bfd-auth is what protects a multihop session.
 */
static uint8_t min_ttl_of(const struct conf_neighbor *n)
{
	return n->multihop ? 0 : BFD_TTL;
}

/* Does the session still fit n, or does n need a new one? */
static bool same_path(const struct bfdd_peer *bp,
    const struct conf_neighbor *n)
{
	struct bfdd_key k;
	struct bfd_auth a;

	key_of(n, &k);
	auth_of(n, &a);
	return prefix_equal(&k.addr, &bp->key.addr) &&
	    prefix_equal(&k.local, &bp->key.local) &&
	    k.multihop == bp->key.multihop &&
	    strcmp(k.vrf, bp->key.vrf) == 0 && a.type == bp->s.auth.type &&
	    a.key_id == bp->s.auth.key_id && a.key_len == bp->s.auth.key_len &&
	    memcmp(a.key, bp->s.auth.key, a.key_len) == 0;
}

static void bp_free(struct bfdd_peer *bp)
{
	struct ev_loop *loop = bp->b->d->loop;

	ev_timer_stop(loop, &bp->tx);
	ev_timer_stop(loop, &bp->detect);
	ev_timer_stop(loop, &bp->linger);
	if (bp->fd >= 0)
		close(bp->fd);
	sess_del(bp->b, bp);
	if (bp->p != NULL)
		bp->p->bfd = NULL;
	free(bp->name);
	free(bp);
}

static void linger_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct bfdd_peer *bp = w->data;

	log_bfd_debug(bp, "BFD session ended");
	bp_free(bp);
}

static void set_admin(struct bfdd_peer *bp, bool down)
{
	uint64_t now = now_us();
	struct bfd_act act;

	if (down == (bp->s.state == BFD_ADMIN_DOWN))
		return;
	bfd_session_admin(&bp->s, down, &act);
	apply(bp, &act, now);
}

/*
 * The neighbor goes, or no longer wants BFD: AdminDown (§6.8.16), so the
 * router sees an administrative end rather than a failure (RFC 5882
 * §3.2) and keeps its BGP session.  With linger, the AdminDown packets go
 * on for a detection time, then the session ends; without (a new session
 * takes over the path at once, whose packets the old one's would only
 * contradict), it ends after the first.
 */
static void detach(struct bfdd_peer *bp, bool linger)
{
	struct peer *p = bp->p;

	p->bfd = NULL;
	bp->p = NULL;
	bp->key.gone = true;
	sess_key_changed(bp);
	if (bp->s.state == BFD_ADMIN_DOWN)
		send_pkt(bp, now_us(), BFD_TX_PERIODIC);
	set_admin(bp, true);
	if (!linger) {
		bp_free(bp);
		return;
	}
	uint64_t us = (uint64_t)bfd_session_tx_interval(&bp->s) *
	    bp->s.detect_mult;
	if (us < LINGER_MIN_US)
		us = LINGER_MIN_US;
	if (us > LINGER_MAX_US)
		us = LINGER_MAX_US;
	ev_timer_set(&bp->linger, (double)us / 1e6, 0.);
	ev_timer_start(bp->b->d->loop, &bp->linger);
}

static struct bfdd_peer *bp_new(struct bfdd *b, struct peer *p)
{
	const struct conf_neighbor *n = p->conf;
	struct bfdd_peer *bp = calloc(1, sizeof(*bp));
	char a[PREFIX_STRLEN];

	if (bp == NULL || (bp->name = strdup(n->name)) == NULL) {
		free(bp);
		return NULL;
	}
	bp->b = b;
	bp->fd = -1;
	key_of(n, &bp->key);
	bp->key.discr = bfdd_discr_pick(b->keys, b->nsess, rnd32, NULL);
	bp->min_ttl = min_ttl_of(n);
	bp->strict = n->bfd_strict;
	struct bfd_cfg cfg = {
		.local_discr = bp->key.discr,
		.desired_min_tx = (uint32_t)n->bfd_min_tx_ms * 1000u,
		.required_min_rx = (uint32_t)n->bfd_min_rx_ms * 1000u,
		.detect_mult = n->bfd_multiplier,
		.auth_seq = rnd32(NULL),	/* §6.8.1 */
	};
	auth_of(n, &cfg.auth);
	/* The config checks made these impossible; say so if not. */
	if (!bfd_session_init(&bp->s, &cfg)) {
		log_peer_warnx(p, "BFD cannot start: a timer, the multiplier "
		    "or the bfd-auth key is out of range");
		free(bp->name);
		free(bp);
		return NULL;
	}
	if (!sess_add(b, bp)) {
		free(bp->name);
		free(bp);
		return NULL;
	}
	bp->p = p;
	p->bfd = bp;
	ev_init(&bp->tx, tx_cb);
	ev_init(&bp->detect, detect_cb);
	ev_init(&bp->linger, linger_cb);
	bp->tx.data = bp->detect.data = bp->linger.data = bp;
	p->bfd_wait = bp->strict;
	sender_open(bp);
	log_peer_info(p, "BFD session started: %s to %s port %u, from port "
	    "%u, tx %u ms, rx %u ms, multiplier %u, %s, discriminator %u%s",
	    bp->key.multihop ? "multihop" : "single hop",
	    addr_fmt(&bp->key.addr, a, sizeof(a)), bp->key.multihop ?
	    BFD_MULTIHOP_PORT : BFD_PORT, bp->sport, n->bfd_min_tx_ms,
	    n->bfd_min_rx_ms, n->bfd_multiplier,
	    cfg.auth.type == BFD_AUTH_NONE ? "no authentication" :
	    bfd_auth_type_name(cfg.auth.type), bp->key.discr, bp->strict ?
	    "; bfd-strict: BGP waits for BFD Up" : "");
	if (p->admin_down)
		set_admin(bp, true);
	arm_tx(bp, now_us());
	return bp;
}

/* ---- the interface ------------------------------------------------------ */

bool bfdd_start(struct lbbgpd *d)
{
	struct bfdd *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return false;
	b->d = d;
	ev_init(&b->retry, retry_cb);
	b->retry.data = b;
	d->bfd = b;
	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i]->conf->bfd && bp_new(b, d->peers[i]) == NULL)
			return false;
	listeners_sync(b);
	return true;
}

/* New timers for a running session: a Poll Sequence, no reset. */
static void retime(struct bfdd_peer *bp, const struct conf_neighbor *n)
{
	uint32_t tx = (uint32_t)n->bfd_min_tx_ms * 1000u;
	uint32_t rx = (uint32_t)n->bfd_min_rx_ms * 1000u;
	struct bfd_act act;
	uint64_t now = now_us();

	if (tx == bp->s.cfg_min_tx && rx == bp->s.cfg_min_rx &&
	    n->bfd_multiplier == bp->s.detect_mult)
		return;
	if (!bfd_session_set_timers(&bp->s, tx, rx, n->bfd_multiplier,
	    &act))
		return;
	log_bfd_info(bp, "BFD timers now tx %u ms, rx %u ms, multiplier %u "
	    "(a Poll Sequence tells the router)", n->bfd_min_tx_ms,
	    n->bfd_min_rx_ms, n->bfd_multiplier);
	apply(bp, &act, now);
}

void bfdd_reconf(struct lbbgpd *d)
{
	struct bfdd *b = d->bfd;

	if (b == NULL)
		return;
	for (size_t i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];
		const struct conf_neighbor *n = p->conf;
		struct bfdd_peer *bp = p->bfd;
		if (!n->bfd) {
			if (bp != NULL) {
				log_peer_info(p, "bfd no: the BFD session ends "
				    "(AdminDown first)");
				detach(bp, true);
			}
			release_wait(p);
			continue;
		}
		if (bp != NULL && !same_path(bp, n)) {
			log_peer_info(p, "its address, local-address, multihop, "
			    "vrf or bfd-auth changed: a new BFD session");
			detach(bp, false);
			bp = NULL;
		}
		if (bp == NULL) {
			/* A held BGP session that BFD no longer holds (out of
			 * memory) would stay Idle for ever: let it go. */
			if (bp_new(b, p) == NULL)
				release_wait(p);
			continue;
		}
		bp->min_ttl = min_ttl_of(n);
		retime(bp, n);
		bp->strict = n->bfd_strict;
		if (bp->strict && bp->s.state != BFD_UP)
			p->bfd_wait = true;
		else
			release_wait(p);
		set_admin(bp, p->admin_down);
	}
	listeners_sync(b);
}

void bfdd_peer_gone(struct peer *p)
{
	if (p->bfd != NULL)
		detach(p->bfd, true);
}

void bfdd_admin(struct peer *p)
{
	if (p->bfd != NULL)
		set_admin(p->bfd, p->admin_down);
}

void bfdd_stop(struct lbbgpd *d)
{
	struct bfdd *b = d->bfd;

	if (b == NULL)
		return;
	/* RFC 5882 §3.2: an orderly stop is no failure of the path; with
	 * graceful restart the router keeps the routes. */
	for (size_t i = 0; i < b->nsess; i++) {
		struct bfdd_peer *bp = b->sess[i];
		bp->p = NULL;		/* BGP is closed already */
		set_admin(bp, true);
	}
	while (b->nsess > 0)
		bp_free(b->sess[b->nsess - 1]);
	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i] != NULL)
			d->peers[i]->bfd = NULL;
	while (b->listeners != NULL) {
		struct bfdd_listener *l = b->listeners;
		b->listeners = l->next;
		listener_close(b, l);
	}
	ev_timer_stop(d->loop, &b->retry);
	free(b->sess);
	free(b->keys);
	free(b);
	d->bfd = NULL;
}
