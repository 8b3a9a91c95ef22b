/*
 * session.c - one BFD session: the reception procedure and state machine
 * of RFC 5880 §6.8.6, the Poll Sequence (§6.5) that timer changes start
 * (§6.8.3), the detection time (§6.8.4) and the transmit schedule with
 * its jitter (§6.8.7).
 *
 * Pure: the caller passes the time and random numbers in and acts on the
 * struct bfd_act each call fills (bfd.h says how).  One state-entry
 * function, enter(), does what every transition needs.  No socket, no
 * clock, no logging here; packets are built, never sent.
 *
 * Where the RFC leaves a choice, lbbgp's:
 * - LocalDiag goes back to 0 on reaching Up, and on leaving AdminDown:
 *   a diagnostic explains why the session is not Up;
 * - a change of intervals during a Poll Sequence starts another one
 *   after it (§6.5: one at a time), and what waits for a Final (§6.8.3)
 *   waits for the second, as the first Final may answer older values;
 * - a Final counts only once a packet with P has left since the change;
 * - bfd.AuthSeqKnown is set once the digest is right, not before
 *   (§6.7.4 would let a forged first packet choose the window);
 * - the sequence window uses the packet's Detect Mult (§6.7.4 "3 *
 *   Detect Mult": the field's name).
 */
#include "bfd/bfd.h"

#include <string.h>

static uint32_t max32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* §6.8.3: bfd.DesiredMinTxInterval at least 1 s while not Up. */
static uint32_t desired_tx(const struct bfd_session *s)
{
	if (s->state == BFD_UP)
		return s->cfg_min_tx;
	return max32(s->cfg_min_tx, BFD_SLOW_TX_US);
}

/* §6.6: Demand mode is active on the remote system. */
static bool remote_demand_active(const struct bfd_session *s)
{
	return s->remote_demand && s->state == BFD_UP &&
	    s->remote_state == BFD_UP;
}

uint32_t bfd_session_tx_interval(const struct bfd_session *s)
{
	/* §6.8.7: no periodic packets while the remote wants none, or while
	 * Demand is active on it and no Poll Sequence runs. */
	if (s->remote_min_rx == 0 || (remote_demand_active(s) && !s->poll))
		return 0;
	/* §6.8.2, §6.8.7: the larger of what we want and it accepts. */
	return max32(s->tx_used, s->remote_min_rx);
}

uint32_t bfd_session_rx_interval(const struct bfd_session *s)
{
	/* §6.8.4: the larger of what we accept and the last Desired Min
	 * TX Interval it sent. */
	return max32(s->rx_used, s->remote_desired_min_tx);
}

uint64_t bfd_session_detect_time(const struct bfd_session *s)
{
	/* §6.8.4, asynchronous mode: its Detect Mult times that interval
	 * (we never ask for Demand, so never the Demand formula). */
	return (uint64_t)s->remote_detect_mult * bfd_session_rx_interval(s);
}

/* What the detection timer waits for: the detection time (§6.8.4,
 * §6.8.1 RemoteDiscr), then twice it (§6.8.1 AuthSeqKnown). */
static uint64_t deadline(const struct bfd_session *s)
{
	if (!s->rx_seen)
		return BFD_NEVER;
	if (s->detect_armed)
		return s->last_rx + bfd_session_detect_time(s);
	if (s->auth_seq_known)
		return s->last_rx + 2 * bfd_session_detect_time(s);
	return BFD_NEVER;
}

/*
 * New intervals to send.  §6.8.3: a change starts a Poll Sequence; while
 * Up, an increased DesiredMinTx and a reduced RequiredMinRx are used
 * only once it ends (the remote must first learn of them); everything
 * else is used at once.
 */
static void set_intervals(struct bfd_session *s, uint32_t tx, uint32_t rx)
{
	if (tx == s->desired_min_tx && rx == s->required_min_rx)
		return;
	s->desired_min_tx = tx;
	s->required_min_rx = rx;
	if (s->state != BFD_UP || tx < s->tx_used)
		s->tx_used = tx;
	if (s->state != BFD_UP || rx > s->rx_used)
		s->rx_used = rx;
	if (s->poll) {
		s->poll_again = true;
	} else {
		s->poll = true;
		s->poll_sent = false;
	}
}

/* The only way bfd.SessionState changes. */
static void enter(struct bfd_session *s, enum bfd_state to,
    enum bfd_diag diag)
{
	s->state = to;
	s->local_diag = diag;
	set_intervals(s, desired_tx(s), s->cfg_min_rx);
}

/* A Final after our Poll (§6.5): the sequence ends and what waited for
 * it (§6.8.3) applies, unless another change asks for a new one. */
static void poll_final(struct bfd_session *s, struct bfd_act *act)
{
	if (!s->poll || !s->poll_sent)
		return;
	if (s->poll_again) {
		s->poll_again = false;
		s->poll_sent = false;
		return;
	}
	s->poll = false;
	s->poll_sent = false;
	s->tx_used = s->desired_min_tx;
	s->rx_used = s->required_min_rx;
	act->poll_done = true;
}

/* §6.8.6, the state part, for a session not in AdminDown. */
static void transition(struct bfd_session *s, enum bfd_state remote)
{
	if (remote == BFD_ADMIN_DOWN) {
		if (s->state != BFD_DOWN)
			enter(s, BFD_DOWN, BFD_DIAG_NEIGHBOR_DOWN);
		return;
	}
	switch (s->state) {
	case BFD_DOWN:
		if (remote == BFD_DOWN)
			enter(s, BFD_INIT, s->local_diag);
		else if (remote == BFD_INIT)
			enter(s, BFD_UP, BFD_DIAG_NONE);
		break;
	case BFD_INIT:
		if (remote == BFD_INIT || remote == BFD_UP)
			enter(s, BFD_UP, BFD_DIAG_NONE);
		break;
	case BFD_UP:
		if (remote == BFD_DOWN)
			enter(s, BFD_DOWN, BFD_DIAG_NEIGHBOR_DOWN);
		break;
	default:
		break;
	}
}

/* Every call starts with this and ends with act_end: the caller learns
 * what changed. */
static uint32_t act_begin(const struct bfd_session *s, struct bfd_act *act)
{
	*act = (struct bfd_act){
		.from = s->state,
		.to = s->state,
		.detect_at = deadline(s),
	};
	return bfd_session_tx_interval(s);
}

static void act_end(const struct bfd_session *s, struct bfd_act *act,
    uint32_t tx_before)
{
	act->to = s->state;
	act->tx_changed = bfd_session_tx_interval(s) != tx_before;
	act->detect_at = deadline(s);
}

bool bfd_session_init(struct bfd_session *s, const struct bfd_cfg *cfg)
{
	const struct bfd_auth *a = &cfg->auth;

	if (cfg->local_discr == 0 || cfg->desired_min_tx == 0 ||
	    cfg->required_min_rx == 0 || cfg->detect_mult == 0)
		return false;
	if (a->type != BFD_AUTH_NONE && (a->key_len == 0 ||
	    a->key_len > BFD_KEY_MAX || (a->type != BFD_AUTH_KEYED_SHA1 &&
	    a->type != BFD_AUTH_METICULOUS_SHA1)))
		return false;
	/* §6.8.1: the initial values. */
	*s = (struct bfd_session){
		.state = BFD_DOWN,
		.remote_state = BFD_DOWN,
		.local_discr = cfg->local_discr,
		.local_diag = BFD_DIAG_NONE,
		.remote_min_rx = 1,
		.detect_mult = cfg->detect_mult,
		.auth = *a,
		.xmit_auth_seq = cfg->auth_seq,
		.cfg_min_tx = cfg->desired_min_tx,
		.cfg_min_rx = cfg->required_min_rx,
	};
	s->desired_min_tx = s->tx_used = desired_tx(s);
	s->required_min_rx = s->rx_used = cfg->required_min_rx;
	return true;
}

/* §6.8.6's checks that need the session; they change nothing. */
static enum bfd_err rx_check(const struct bfd_session *s,
    const struct bfd_pkt *p)
{
	if (p->your_discr != 0 && p->your_discr != s->local_discr)
		return BFD_ERR_WRONG_SESSION;
	if (p->auth && s->auth.type == BFD_AUTH_NONE)
		return BFD_ERR_AUTH_UNEXPECTED;
	if (!p->auth && s->auth.type != BFD_AUTH_NONE)
		return BFD_ERR_AUTH_MISSING;
	if (!p->auth)
		return BFD_OK;
	/* §6.7.4 */
	if (p->a.type != s->auth.type)
		return BFD_ERR_AUTH_TYPE;
	if (p->a.key_id != s->auth.key_id)
		return BFD_ERR_AUTH_KEY_ID;
	if (p->a.len != BFD_AUTH_SHA1_LEN)
		return BFD_ERR_AUTH_LEN;
	/* The digest before the window: a wrong key reads as a wrong key,
	 * not as a sequence number that happens to be out of place. */
	if (!bfd_auth_verify(p, &s->auth))
		return BFD_ERR_AUTH_DIGEST;
	if (!bfd_auth_seq_ok(s->auth.type, s->auth_seq_known,
	    s->rcv_auth_seq, p->a.seq, p->detect_mult))
		return BFD_ERR_AUTH_SEQ;
	return BFD_OK;
}

enum bfd_err bfd_session_rx(struct bfd_session *s, const struct bfd_pkt *p,
    uint64_t now, struct bfd_act *act)
{
	uint32_t tx_before = act_begin(s, act);
	enum bfd_err e = rx_check(s, p);

	if (e != BFD_OK)
		return e;
	if (p->auth) {
		s->rcv_auth_seq = p->a.seq;
		s->auth_seq_known = true;
	}
	/* §6.8.6: the remote's variables, from every accepted packet. */
	s->remote_discr = p->my_discr;
	s->remote_state = p->state;
	s->remote_demand = p->demand;
	s->remote_min_rx = p->required_min_rx;
	s->remote_desired_min_tx = p->desired_min_tx;
	s->remote_detect_mult = p->detect_mult;
	s->remote_diag = p->diag;
	s->remote_cpi = p->cpi;
	if (p->final)
		poll_final(s, act);
	/* "received for purposes of the Detection Time": §6.8.1 counts any
	 * valid, authenticated packet for RemoteDiscr; expiry takes a
	 * session down only from Init or Up (§6.8.4). */
	s->rx_seen = true;
	s->detect_armed = true;
	s->last_rx = now;
	/* §6.8.6: in AdminDown the packet is discarded here, Poll and all. */
	if (s->state != BFD_ADMIN_DOWN) {
		transition(s, p->state);
		/* §6.8.6: a Poll gets a Final at once, whatever the state,
		 * the transmit timer and Demand mode. */
		act->send_final = p->poll;
	}
	act_end(s, act, tx_before);
	return BFD_OK;
}

void bfd_session_expire(struct bfd_session *s, uint64_t now,
    struct bfd_act *act)
{
	uint32_t tx_before = act_begin(s, act);

	if (s->detect_armed &&
	    now >= s->last_rx + bfd_session_detect_time(s)) {
		s->detect_armed = false;
		/* §6.8.1: RemoteDiscr goes after a detection time of
		 * silence, whatever the state. */
		s->remote_discr = 0;
		/* §6.8.4 */
		if (s->state == BFD_INIT || s->state == BFD_UP)
			enter(s, BFD_DOWN, BFD_DIAG_DETECT_EXPIRED);
	}
	/* §6.8.1: so the sequence can start again when the remote restarts. */
	if (!s->detect_armed && s->auth_seq_known &&
	    now >= s->last_rx + 2 * bfd_session_detect_time(s))
		s->auth_seq_known = false;
	act_end(s, act, tx_before);
}

void bfd_session_admin(struct bfd_session *s, bool down, struct bfd_act *act)
{
	uint32_t tx_before = act_begin(s, act);

	/* §6.8.16 */
	if (down && s->state != BFD_ADMIN_DOWN)
		enter(s, BFD_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN);
	else if (!down && s->state == BFD_ADMIN_DOWN)
		enter(s, BFD_DOWN, BFD_DIAG_NONE);
	act_end(s, act, tx_before);
}

bool bfd_session_set_timers(struct bfd_session *s, uint32_t desired_min_tx,
    uint32_t required_min_rx, uint8_t detect_mult, struct bfd_act *act)
{
	uint32_t tx_before = act_begin(s, act);

	if (desired_min_tx == 0 || required_min_rx == 0 || detect_mult == 0)
		return false;
	s->cfg_min_tx = desired_min_tx;
	s->cfg_min_rx = required_min_rx;
	/* The remote reads bfd.DetectMult from each packet: no Poll. */
	s->detect_mult = detect_mult;
	set_intervals(s, desired_tx(s), required_min_rx);
	act_end(s, act, tx_before);
	return true;
}

size_t bfd_session_tx(struct bfd_session *s, uint64_t now, enum bfd_tx kind,
    uint8_t *buf, size_t cap)
{
	bool final = kind == BFD_TX_FINAL;
	/* §6.8.7: the contents of a transmitted packet. */
	struct bfd_pkt p = {
		.version = BFD_VERSION,
		.diag = (uint8_t)s->local_diag,
		.state = s->state,
		/* never both P and F (§6.8.7) */
		.poll = !final && s->poll,
		.final = final,
		.auth = s->auth.type != BFD_AUTH_NONE,
		.detect_mult = s->detect_mult,
		.my_discr = s->local_discr,
		.your_discr = s->remote_discr,
		.desired_min_tx = s->desired_min_tx,
		.required_min_rx = s->required_min_rx,
		.a = {
			.type = (uint8_t)s->auth.type,
			.key_id = s->auth.key_id,
			.seq = s->xmit_auth_seq,
		},
	};
	size_t n = bfd_encode(&p, buf, cap);

	if (n == 0)
		return 0;
	if (p.auth) {
		bfd_auth_sign(buf, n, &s->auth);
		/* §6.7.4: meticulous must step on every packet; keyed may,
		 * and stepping keeps one rule for both. */
		s->xmit_auth_seq++;
	}
	if (!final) {
		s->tx_sent = true;
		s->last_tx = now;
		if (p.poll)
			s->poll_sent = true;
	}
	return n;
}

/*
 * §6.8.7: the interval less a random 0-25 %; with a Detect Mult of 1, 10
 * to 25 % (between 75 % and 90 % of it).  rnd scales into the range
 * without a modulo's bias worth the name.
 */
static uint64_t jittered(uint32_t iv, uint8_t detect_mult, uint32_t rnd)
{
	uint64_t lo = ((uint64_t)iv * 3 + 3) / 4;
	uint64_t hi = detect_mult == 1 ? (uint64_t)iv * 9 / 10 : iv;

	if (hi < lo)
		hi = lo;
	return lo + ((uint64_t)rnd * (hi - lo + 1) >> 32);
}

uint64_t bfd_session_next_tx(const struct bfd_session *s, uint64_t now,
    uint32_t rnd)
{
	uint32_t iv = bfd_session_tx_interval(s);
	uint64_t at;

	if (iv == 0)
		return BFD_NEVER;
	if (!s->tx_sent)
		return now;
	at = s->last_tx + jittered(iv, s->detect_mult, rnd);
	return at > now ? at : now;
}
