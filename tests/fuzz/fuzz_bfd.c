/*
 * fuzz_bfd.c - libFuzzer harness: bfd/, the BFD Control packet decoder
 * and one session of the RFC 5880 state machine driven by a script.
 *
 * Input: a config byte, then bytes that are read twice: once as one
 * datagram for bfd_decode, once as a script of operations on a session
 * of that config.  Config bits 0-1: authentication (none, keyed SHA1,
 * meticulous keyed SHA1, meticulous with a 20-byte key); bits 2-3:
 * Detect Mult 1, 2, 3 or 255; bits 4-5: intervals of 1 ms, 50 ms, 300 ms
 * or 2 s.  Each operation is a byte, its low three bits the operation,
 * the others its flags (bit 3 below):
 *
 *   0 RAW     u8 n, n bytes: a datagram for the session
 *   1 SIGNED  24 header bytes and a u32 sequence number: a packet made
 *             valid (version 1, Length, the A bit the session wants) and
 *             signed with the session's key; bit 3: Your Discriminator
 *             is the session's
 *   2 TIME    u16: that many ms pass (bit 3: microseconds); the
 *             detection timer fires if due
 *   3 TX      build a packet (bit 3: a Final) and read it back
 *   4 ADMIN   bit 3: AdminDown, else back to Down
 *   5 TIMERS  u16 tx, u16 rx (x 100 us), u8 Detect Mult: new timers
 *   6 NEXT    u32: the next transmit time for that random number
 *   7 REPLAY  the last packet the session accepted, again
 *
 * Checks beyond crashes: decoded packets obey every rule of §6.8.6 and
 * encode back to the same bytes; a dropped packet leaves the session
 * byte for byte as it was; only §6.8.6's transitions happen, and only
 * from the call that may make them; an authenticated session accepts
 * only packets signed with its key and, meticulous, never the same one
 * twice; the session's variables stay consistent (1 s while not Up,
 * §6.8.3; the Poll Sequence's bookkeeping); transmit times within the
 * jitter of §6.8.7; every name printable.
 */
#include "tests/fuzz/fuzz.h"
#include "bfd/bfd.h"
#include "fsm/wire.h"

#include <string.h>

#define LOCAL_DISCR	0x01020304u

struct fz {
	struct bfd_session s;
	uint64_t now;
	uint64_t detect_at;		/* as the last act said */
	uint8_t last[BFD_RX_BUF];	/* the last datagram accepted */
	size_t last_len;
};

/* ---- the decoder alone --------------------------------------------------- */

static void check_decode(const uint8_t *buf, size_t n)
{
	struct bfd_pkt p, back;
	uint8_t enc[BFD_PKT_MAX];
	enum bfd_err e = bfd_decode(buf, n, &p);

	FZ_CHECK(e < BFD_ERR_WRONG_SESSION, "decode error %u", e);
	fz_check_printable("error name", bfd_err_name(e));
	if (e != BFD_OK)
		return;
	/* §6.8.6, all of it */
	FZ_CHECK(p.version == 1 && p.len >= BFD_HDR_LEN && p.len <= n &&
	    p.detect_mult != 0 && !p.multipoint && p.my_discr != 0 &&
	    (p.your_discr != 0 || p.state == BFD_DOWN ||
	    p.state == BFD_ADMIN_DOWN) && p.raw == buf,
	    "accepted a packet §6.8.6 refuses (Length %u of %zu)", p.len, n);
	FZ_CHECK(!p.auth || ((p.a.type == BFD_AUTH_KEYED_SHA1 ||
	    p.a.type == BFD_AUTH_METICULOUS_SHA1) && p.a.len == 28 &&
	    p.len >= BFD_PKT_MAX), "auth type %u, len %u in Length %u",
	    p.a.type, p.a.len, p.len);
	/* Encoding gives the same bytes, but for Length (ours is exact)
	 * and Reserved (zero on transmit). */
	size_t en = bfd_encode(&p, enc, sizeof(enc));
	FZ_CHECK(en == (p.auth ? BFD_PKT_MAX : BFD_HDR_LEN), "encoded %zu", en);
	FZ_CHECK(memcmp(enc, buf, 3) == 0 &&
	    memcmp(enc + 4, buf + 4, BFD_HDR_LEN - 4) == 0 && (!p.auth ||
	    (memcmp(enc + 24, buf + 24, 3) == 0 &&
	    memcmp(enc + 28, buf + 28, 24) == 0)), "re-encoded bytes differ");
	FZ_CHECK(bfd_decode(enc, en, &back) == BFD_OK &&
	    bfd_pkt_same(&p, &back) && back.a.len == p.a.len,
	    "the encoded packet decodes to another");
}

static void check_names(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && i < 16; i++) {
		fz_check_printable("state", bfd_state_name(p[i]));
		fz_check_printable("diag", bfd_diag_name(p[i]));
		fz_check_printable("auth type", bfd_auth_type_name(p[i]));
		fz_check_printable("error", bfd_err_name((enum bfd_err)p[i]));
	}
}

/* ---- the session's invariants -------------------------------------------- */

static void check_session(const struct bfd_session *s)
{
	FZ_CHECK(s->state < BFD_NSTATES && s->remote_state < BFD_NSTATES &&
	    s->local_diag < BFD_NDIAGS, "state %u remote %u diag %u",
	    s->state, s->remote_state, s->local_diag);
	/* §6.8.3 */
	if (s->state == BFD_UP)
		FZ_CHECK(s->desired_min_tx == s->cfg_min_tx, "Up at %u, "
		    "configured %u", s->desired_min_tx, s->cfg_min_tx);
	else
		FZ_CHECK(s->desired_min_tx >= BFD_SLOW_TX_US &&
		    s->desired_min_tx >= s->cfg_min_tx,
		    "%s at DesiredMinTx %u", bfd_state_name(s->state),
		    s->desired_min_tx);
	FZ_CHECK(s->required_min_rx == s->cfg_min_rx, "RequiredMinRx %u",
	    s->required_min_rx);
	FZ_CHECK(s->poll || (!s->poll_sent && !s->poll_again &&
	    s->tx_used == s->desired_min_tx &&
	    s->rx_used == s->required_min_rx), "no Poll, yet values wait");
	FZ_CHECK(s->state != BFD_UP || s->rx_seen, "Up without a packet");
	FZ_CHECK(s->auth.type != BFD_AUTH_NONE || !s->auth_seq_known,
	    "a sequence without authentication");
	FZ_CHECK(s->local_discr == LOCAL_DISCR, "LocalDiscr changed");
}

/* What a call may change: rx and expire the protocol states, admin only
 * AdminDown. */
enum caller { BY_RX, BY_EXPIRE, BY_ADMIN, BY_TIMERS };

static void check_act(const struct bfd_session *s, const struct bfd_act *a,
    enum bfd_state before, enum caller by)
{
	FZ_CHECK(a->from == before && a->to == s->state, "act %u -> %u, "
	    "session %u -> %u", a->from, a->to, before, s->state);
	if (a->from == a->to)
		return;
	switch (by) {
	case BY_RX:
		FZ_CHECK((a->from == BFD_DOWN && (a->to == BFD_INIT ||
		    a->to == BFD_UP)) || (a->from == BFD_INIT &&
		    (a->to == BFD_UP || a->to == BFD_DOWN)) ||
		    (a->from == BFD_UP && a->to == BFD_DOWN),
		    "a packet took %s to %s", bfd_state_name(a->from),
		    bfd_state_name(a->to));
		if (a->to == BFD_DOWN)
			FZ_CHECK(s->local_diag == BFD_DIAG_NEIGHBOR_DOWN,
			    "down by packet, diag %u", s->local_diag);
		break;
	case BY_EXPIRE:
		FZ_CHECK((a->from == BFD_INIT || a->from == BFD_UP) &&
		    a->to == BFD_DOWN &&
		    s->local_diag == BFD_DIAG_DETECT_EXPIRED,
		    "expiry took %s to %s", bfd_state_name(a->from),
		    bfd_state_name(a->to));
		break;
	case BY_ADMIN:
		FZ_CHECK(a->to == BFD_ADMIN_DOWN ||
		    (a->from == BFD_ADMIN_DOWN && a->to == BFD_DOWN),
		    "admin took %s to %s",
		    bfd_state_name(a->from), bfd_state_name(a->to));
		break;
	case BY_TIMERS:
		FZ_CHECK(0, "new timers changed the state");
		break;
	}
	FZ_CHECK(a->detect_at == BFD_NEVER || a->detect_at >= s->last_rx,
	    "detection deadline before the last packet");
}

/* ---- operations -------------------------------------------------------- */

/* A datagram for the session; what the session said of it (BFD_NERRS:
 * the decoder refused it). */
static enum bfd_err op_rx(struct fz *f, const uint8_t *buf, size_t n)
{
	struct bfd_session before;
	struct bfd_pkt p;
	struct bfd_act act;
	enum bfd_err e;

	if (bfd_decode(buf, n, &p) != BFD_OK)
		return BFD_NERRS;
	memcpy(&before, &f->s, sizeof(before));
	e = bfd_session_rx(&f->s, &p, f->now, &act);
	FZ_CHECK(e == BFD_OK || e >= BFD_ERR_WRONG_SESSION, "session error %u",
	    e);
	if (e != BFD_OK) {
		FZ_CHECK(memcmp(&before, &f->s, sizeof(before)) == 0,
		    "a dropped packet (%s) changed the session",
		    bfd_err_name(e));
		FZ_CHECK(act.from == act.to && act.from == f->s.state &&
		    !act.send_final, "a dropped packet asks for action");
		return e;
	}
	FZ_CHECK(f->s.auth.type == BFD_AUTH_NONE ||
	    bfd_auth_verify(&p, &f->s.auth), "accepted without the key");
	FZ_CHECK(!act.send_final || p.poll, "a Final without a Poll");
	check_act(&f->s, &act, before.state, BY_RX);
	f->detect_at = act.detect_at;
	memmove(f->last, buf, p.len);
	f->last_len = p.len;
	return e;
}

/* A packet the session can take, from 24 bytes of the input: version 1,
 * no M, nonzero Detect Mult and My Discriminator, the A bit and key the
 * session wants. */
static void op_signed(struct fz *f, struct rd *r, uint8_t flags)
{
	uint8_t buf[BFD_RX_BUF] = { 0 };
	const struct bfd_auth *a = &f->s.auth;
	uint32_t seq = 0;
	struct wr w;

	rd_bytes(r, buf, BFD_HDR_LEN);
	rd_u32(r, &seq);
	r->failed = false;
	buf[0] = (uint8_t)(BFD_VERSION << 5 | (buf[0] & 0x1f));
	buf[1] &= 0xfa;		/* A and M clear */
	buf[2] |= buf[2] == 0;
	buf[7] |= (buf[4] | buf[5] | buf[6] | buf[7]) == 0;
	if (flags & 8) {
		w = wr_init(buf + 8, 4);
		wr_u32(&w, f->s.local_discr);
	}
	buf[3] = BFD_HDR_LEN;
	if (a->type != BFD_AUTH_NONE) {
		buf[1] |= 0x04;
		buf[3] = BFD_PKT_MAX;
		w = wr_init(buf + BFD_HDR_LEN, BFD_AUTH_SHA1_LEN);
		wr_u8(&w, (uint8_t)a->type);
		wr_u8(&w, BFD_AUTH_SHA1_LEN);
		wr_u8(&w, a->key_id);
		wr_u8(&w, 0);
		wr_u32(&w, seq);
		bfd_auth_sign(buf, BFD_PKT_MAX, a);
	}
	op_rx(f, buf, buf[3]);
}

static void op_time(struct fz *f, uint16_t v, uint8_t flags)
{
	struct bfd_session before;
	struct bfd_act act;

	f->now += (flags & 8) ? v : (uint64_t)v * 1000;
	memcpy(&before, &f->s, sizeof(before));
	bfd_session_expire(&f->s, f->now, &act);
	if (f->now < f->detect_at)
		FZ_CHECK(memcmp(&before, &f->s, sizeof(before)) == 0,
		    "the detection timer fired early");
	check_act(&f->s, &act, before.state, BY_EXPIRE);
	f->detect_at = act.detect_at;
}

static void op_tx(struct fz *f, uint8_t flags)
{
	uint8_t buf[BFD_PKT_MAX];
	bool final = flags & 8;
	struct bfd_pkt p;
	bool poll = f->s.poll;
	size_t n = bfd_session_tx(&f->s, f->now,
	    final ? BFD_TX_FINAL : BFD_TX_PERIODIC, buf, sizeof(buf));

	FZ_CHECK(n == (f->s.auth.type ? BFD_PKT_MAX : BFD_HDR_LEN),
	    "sent %zu bytes", n);
	FZ_CHECK(bfd_decode(buf, n, &p) == BFD_OK, "we sent a bad packet");
	FZ_CHECK(p.state == f->s.state && p.diag == f->s.local_diag &&
	    p.my_discr == f->s.local_discr &&
	    p.your_discr == f->s.remote_discr &&
	    p.desired_min_tx == f->s.desired_min_tx &&
	    p.required_min_rx == f->s.required_min_rx &&
	    p.detect_mult == f->s.detect_mult && p.final == final &&
	    p.poll == (!final && poll) && !p.cpi && !p.demand &&
	    p.required_min_echo_rx == 0, "the packet is not the session's");
	FZ_CHECK(f->s.auth.type == BFD_AUTH_NONE ||
	    bfd_auth_verify(&p, &f->s.auth), "our signature does not verify");
}

static void op_timers(struct fz *f, struct rd *r)
{
	uint16_t tx = 0, rx = 0;
	uint8_t mult = 0;
	struct bfd_act act;
	enum bfd_state before = f->s.state;

	rd_u16(r, &tx);
	rd_u16(r, &rx);
	rd_u8(r, &mult);
	bool ok = bfd_session_set_timers(&f->s, tx * 100u, rx * 100u, mult,
	    &act);
	FZ_CHECK(ok == (tx && rx && mult), "set_timers said %d", ok);
	if (ok) {
		check_act(&f->s, &act, before, BY_TIMERS);
		f->detect_at = act.detect_at;
	}
}

static void op_next(struct fz *f, uint32_t rnd)
{
	uint64_t at = bfd_session_next_tx(&f->s, f->now, rnd);
	uint32_t iv = bfd_session_tx_interval(&f->s);

	if (iv == 0) {
		FZ_CHECK(at == BFD_NEVER, "periodic packets with no interval");
		return;
	}
	FZ_CHECK(at >= f->now, "a transmit time in the past");
	if (!f->s.tx_sent)
		return;
	/* §6.8.7: 75-100 % (75-90 % with Detect Mult 1) of the interval */
	uint64_t lo = f->s.last_tx + ((uint64_t)iv * 3 + 3) / 4;
	uint64_t hi = f->s.last_tx + (f->s.detect_mult == 1 ?
	    (uint64_t)iv * 9 / 10 : iv);
	FZ_CHECK(at == f->now || (at >= lo && at <= (hi > lo ? hi : lo)),
	    "next packet %llu us after the last, interval %u",
	    (unsigned long long)(at - f->s.last_tx), iv);
}

/* §6.7.4: the meticulous window starts after the last number. */
static void op_replay(struct fz *f)
{
	struct bfd_pkt p;
	uint8_t copy[BFD_RX_BUF];
	size_t n = f->last_len;

	if (n == 0 || bfd_decode(f->last, n, &p) != BFD_OK)
		return;
	bool refuse = f->s.auth.type == BFD_AUTH_METICULOUS_SHA1 &&
	    f->s.auth_seq_known && f->s.rcv_auth_seq == p.a.seq;
	memcpy(copy, f->last, n);
	enum bfd_err e = op_rx(f, copy, n);
	FZ_CHECK(!refuse || e == BFD_ERR_AUTH_SEQ,
	    "meticulous took a replay: %s", bfd_err_name(e));
}

static void configure(struct bfd_cfg *c, uint8_t b)
{
	static const uint8_t mults[] = { 1, 2, 3, 255 };
	static const uint32_t ivs[] = { 1000, 50000, 300000, 2000000 };
	static const char keys[][BFD_KEY_MAX + 1] = {
		"", "secret", "secret", "01234567890123456789",
	};
	static const enum bfd_auth_type types[] = {
		BFD_AUTH_NONE, BFD_AUTH_KEYED_SHA1, BFD_AUTH_METICULOUS_SHA1,
		BFD_AUTH_METICULOUS_SHA1,
	};

	*c = (struct bfd_cfg){
		.local_discr = LOCAL_DISCR,
		.desired_min_tx = ivs[(b >> 4) & 3],
		.required_min_rx = ivs[(b >> 4) & 3],
		.detect_mult = mults[(b >> 2) & 3],
		.auth_seq = 0xfffffff0u,
	};
	c->auth.type = types[b & 3];
	c->auth.key_id = 1;
	c->auth.key_len = (uint8_t)strlen(keys[b & 3]);
	memcpy(c->auth.key, keys[b & 3], c->auth.key_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz f;
	struct bfd_cfg c;
	struct rd r;

	if (size < 1 || size > 65536)
		return 0;
	check_decode(data + 1, size - 1);
	check_names(data + 1, size - 1);

	memset(&f, 0, sizeof(f));
	configure(&c, data[0]);
	FZ_CHECK(bfd_session_init(&f.s, &c), "a good config refused");
	f.now = 1000000;
	f.detect_at = BFD_NEVER;
	r = rd_init(data + 1, size - 1);
	for (unsigned ops = 0; ops < 4096 && rd_left(&r) > 0; ops++) {
		uint8_t op = 0, flags, n = 0, b[BFD_RX_BUF];
		uint16_t v = 0;
		uint32_t rnd = 0;
		struct bfd_act act;
		enum bfd_state before = f.s.state;

		rd_u8(&r, &op);
		flags = op & 0xf8;
		switch (op & 7) {
		case 0:
			rd_u8(&r, &n);
			n = n < rd_left(&r) ? n : (uint8_t)rd_left(&r);
			rd_bytes(&r, b, n);
			op_rx(&f, b, n);
			break;
		case 1:
			op_signed(&f, &r, flags);
			break;
		case 2:
			rd_u16(&r, &v);
			op_time(&f, v, flags);
			break;
		case 3:
			op_tx(&f, flags);
			break;
		case 4:
			bfd_session_admin(&f.s, flags & 8, &act);
			check_act(&f.s, &act, before, BY_ADMIN);
			f.detect_at = act.detect_at;
			break;
		case 5:
			op_timers(&f, &r);
			break;
		case 6:
			rd_u32(&r, &rnd);
			op_next(&f, rnd);
			break;
		case 7:
			op_replay(&f);
			break;
		}
		r.failed = false;
		check_session(&f.s);
	}
	return 0;
}
