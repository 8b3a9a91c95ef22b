/*
 * bfd.h - Bidirectional Forwarding Detection (RFC 5880), the pure part:
 * the Control packet codec, keyed SHA1 authentication, and the session
 * state machine of §6.8.6 with its timer arithmetic.
 *
 * Pure like fsm/: no sockets, no clock, no libev, no logging, no source
 * of randomness.  The caller (bgpd/bfd/) passes in the time (monotonic
 * microseconds) and random numbers, and acts on what comes back: send a
 * packet, re-arm its transmit timer, re-arm its detection timer, tell
 * BGP.  A session is one struct the caller embeds; nothing allocates.
 *
 * Asynchronous mode only.  lbbgpd never sets Demand (D); it honours a
 * remote's D as §6.8.7 asks (no periodic packets while Demand is active
 * on the remote).  It never sets C: its BFD shares fate with the control
 * plane (RFC 5882 §4.3).  No Echo function: Required Min Echo RX
 * Interval is always 0.
 *
 * The caller's side of it:
 *
 *   start:        bfd_session_init; arm the transmit timer at
 *                 bfd_session_next_tx(s, now, random32) (at once)
 *   admin, new timers: bfd_session_admin / _set_timers; apply(act)
 *   datagram in:  e = bfd_decode(buf, n, &pkt)      drop and count if e
 *                 pick the session (below)          drop if none
 *                 e = bfd_session_rx(s, &pkt, now, &act)   drop if e
 *                 apply(act)
 *   transmit timer:  n = bfd_session_tx(s, now, BFD_TX_PERIODIC, buf, cap)
 *                 send; arm at bfd_session_next_tx(s, now, random32)
 *   detection timer: bfd_session_expire(s, now, &act); apply(act)
 *   apply(act):   send_final: bfd_session_tx(s, now, BFD_TX_FINAL, ...)
 *                 and send it at once; from != to: log, tell BGP;
 *                 tx_changed: re-arm the transmit timer from
 *                 bfd_session_next_tx; always: arm the detection timer at
 *                 detect_at (BFD_NEVER: stop it).
 *
 * What RFC 5881 (single hop) and RFC 5883 (multihop) leave to the caller:
 * - send to UDP port BFD_PORT (single hop) or BFD_MULTIHOP_PORT, from a
 *   source port in BFD_SRC_PORT_MIN..65535 that stays the same for the
 *   session's life (5881 §4, 5883 §5);
 * - send every packet with TTL / Hop Limit 255 (5881 §5); single hop:
 *   drop received packets whose TTL is not 255 before bfd_decode (5881 §5
 *   requires it without authentication and allows it with); multihop: a
 *   configured minimum TTL, if any (5883 §5);
 * - demultiplex (5880 §6.8.6, 5881 §3, 5883 §4): a nonzero Your
 *   Discriminator names the session by its LocalDiscr (no such session:
 *   drop); a zero one (bfd_decode has refused it in Init and Up) by the
 *   source and destination addresses, and the interface on single hop;
 * - read into BFD_RX_BUF bytes and pass the number of bytes received,
 *   since §6.8.6 checks Length against it;
 * - choose LocalDiscr nonzero and unique among its sessions (§6.8.1), and
 *   the first XmitAuthSeq at random (§6.8.1).
 */
#ifndef LBBGP_BFD_H
#define LBBGP_BFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BFD_VERSION		1
#define BFD_HDR_LEN		24	/* the mandatory section (§4.1) */
/* §6.8.6: Auth Type and Auth Len at least, so Length >= 26 with A. */
#define BFD_AUTH_MIN_LEN	2
/* §4.4: the SHA1 section, its Auth Type and Auth Len included. */
#define BFD_AUTH_SHA1_LEN	28
#define BFD_SHA1_LEN		20
/* §4.4: the key takes the digest's place, so 20 bytes at most. */
#define BFD_KEY_MAX		20
/* The longest packet lbbgpd sends. */
#define BFD_PKT_MAX		(BFD_HDR_LEN + BFD_AUTH_SHA1_LEN)
/* Room for any Length (an 8-bit field). */
#define BFD_RX_BUF		256

#define BFD_PORT		3784	/* RFC 5881 §4 */
#define BFD_MULTIHOP_PORT	4784	/* RFC 5883 §5 */
#define BFD_SRC_PORT_MIN	49152	/* RFC 5881 §4 */
#define BFD_TTL			255	/* RFC 5881 §5 */

/* §6.8.3: DesiredMinTxInterval while the session is not Up, at least. */
#define BFD_SLOW_TX_US		1000000u
/* A deadline that never comes: stop the timer. */
#define BFD_NEVER		UINT64_MAX

/* §4.1 State (Sta) values; also bfd.SessionState. */
enum bfd_state {
	BFD_ADMIN_DOWN = 0,
	BFD_DOWN = 1,
	BFD_INIT = 2,
	BFD_UP = 3,
	BFD_NSTATES
};

/* §4.1 Diagnostic (Diag) values; 9-31 are not RFC 5880's. */
enum bfd_diag {
	BFD_DIAG_NONE = 0,
	BFD_DIAG_DETECT_EXPIRED = 1,
	BFD_DIAG_ECHO_FAILED = 2,
	BFD_DIAG_NEIGHBOR_DOWN = 3,
	BFD_DIAG_FWD_RESET = 4,
	BFD_DIAG_PATH_DOWN = 5,
	BFD_DIAG_CONCAT_PATH_DOWN = 6,
	BFD_DIAG_ADMIN_DOWN = 7,
	BFD_DIAG_REV_CONCAT_PATH_DOWN = 8,
	BFD_NDIAGS
};

/* §4.1 Auth Type values; lbbgpd speaks the two SHA1 ones. */
enum bfd_auth_type {
	BFD_AUTH_NONE = 0,		/* "Reserved" on the wire */
	BFD_AUTH_SIMPLE = 1,
	BFD_AUTH_KEYED_MD5 = 2,
	BFD_AUTH_METICULOUS_MD5 = 3,
	BFD_AUTH_KEYED_SHA1 = 4,
	BFD_AUTH_METICULOUS_SHA1 = 5,
	BFD_AUTH_NTYPES
};

/* Why a packet was dropped: one counter and one log text each. */
enum bfd_err {
	BFD_OK,
	/* bfd_decode: the packet itself, in the order of §6.8.6 */
	BFD_ERR_VERSION,		/* Version is not 1 */
	BFD_ERR_LENGTH,			/* Length < 24, or < 26 with A */
	BFD_ERR_TRUNCATED,		/* Length > the bytes received */
	BFD_ERR_DETECT_MULT,		/* Detect Mult is 0 */
	BFD_ERR_MULTIPOINT,		/* M is set */
	BFD_ERR_MY_DISCR,		/* My Discriminator is 0 */
	BFD_ERR_YOUR_DISCR,		/* Your Discr. 0 in Init or Up */
	BFD_ERR_AUTH_UNSUPPORTED,	/* an Auth Type other than 4 and 5 */
	BFD_ERR_AUTH_LEN,		/* Auth Len not 28, or past Length */
	/* bfd_session_rx: the packet against its session */
	BFD_ERR_WRONG_SESSION,		/* Your Discr. is another's */
	BFD_ERR_AUTH_UNEXPECTED,	/* A set, the session has no auth */
	BFD_ERR_AUTH_MISSING,		/* A clear, the session has auth */
	BFD_ERR_AUTH_TYPE,		/* not the configured Auth Type */
	BFD_ERR_AUTH_KEY_ID,		/* not the configured Auth Key ID */
	BFD_ERR_AUTH_DIGEST,		/* the SHA1 digest does not match */
	BFD_ERR_AUTH_SEQ,		/* Sequence Number out of window */
	BFD_NERRS
};

/* The authentication section as carried (§4.4). */
struct bfd_pkt_auth {
	uint8_t type;
	uint8_t len;
	uint8_t key_id;
	uint32_t seq;
	uint8_t digest[BFD_SHA1_LEN];
};

/* A BFD Control packet (§4.1); intervals in microseconds. */
struct bfd_pkt {
	uint8_t version;
	uint8_t diag;			/* 5 bits: names for 0-8 */
	enum bfd_state state;
	bool poll, final, cpi, auth, demand, multipoint;
	uint8_t detect_mult;
	uint8_t len;			/* the Length field */
	uint32_t my_discr;
	uint32_t your_discr;
	uint32_t desired_min_tx;
	uint32_t required_min_rx;
	uint32_t required_min_echo_rx;
	struct bfd_pkt_auth a;		/* when auth */
	const uint8_t *raw;		/* bfd_decode: the datagram, which
					 * the digest covers; NULL: none */
};

/*
 * Decode a datagram of n bytes and make every check of §6.8.6 that is
 * about the packet alone.  On BFD_OK, p describes it and p->raw points
 * at buf, which must outlive p.
 */
enum bfd_err bfd_decode(const uint8_t *buf, size_t n, struct bfd_pkt *p);
/*
 * Encode p (its auth section with a->digest as given: sign afterwards)
 * into buf; returns the length, 0 when it does not fit in cap.  Length
 * and Auth Len are computed, not taken from p.
 */
size_t bfd_encode(const struct bfd_pkt *p, uint8_t *buf, size_t cap);
/* Do a and b carry the same fields (not Length, Auth Len and raw, which
 * bfd_encode computes and bfd_decode sets)?  For round trips. */
bool bfd_pkt_same(const struct bfd_pkt *a, const struct bfd_pkt *b);

/* A session's key (§6.7.4): type BFD_AUTH_NONE, or one of the SHA1s. */
struct bfd_auth {
	enum bfd_auth_type type;
	uint8_t key_id;
	uint8_t key_len;		/* 1..BFD_KEY_MAX */
	uint8_t key[BFD_KEY_MAX];
};

/* FIPS 180-4 SHA-1 of len bytes. */
void bfd_sha1(const void *data, size_t len, uint8_t out[BFD_SHA1_LEN]);
/* §6.7.4: write the digest of the encoded packet buf[0..len) with key a. */
void bfd_auth_sign(uint8_t *buf, size_t len, const struct bfd_auth *a);
/* §6.7.4: does p's digest (over p->raw) match key a?  Constant time. */
bool bfd_auth_verify(const struct bfd_pkt *p, const struct bfd_auth *a);
/*
 * §6.7.4: may Sequence Number seq follow bfd.RcvAuthSeq last, with
 * detect_mult the packet's Detect Mult?  Keyed: last .. last + 3 x
 * detect_mult; meticulous: last + 1 .. last + 3 x detect_mult; both
 * circular in 32 bits.  Anything goes while the sequence is not known.
 */
bool bfd_auth_seq_ok(enum bfd_auth_type type, bool known, uint32_t last,
    uint32_t seq, uint8_t detect_mult);

/* What the caller configures; intervals in microseconds. */
struct bfd_cfg {
	uint32_t local_discr;		/* nonzero, unique (§6.8.1) */
	uint32_t desired_min_tx;	/* nonzero (§4.1) */
	uint32_t required_min_rx;	/* nonzero: we want packets */
	uint8_t detect_mult;		/* nonzero */
	struct bfd_auth auth;
	uint32_t auth_seq;		/* a random first XmitAuthSeq */
};

/*
 * One session: RFC 5880 §6.8.1's variables and what lbbgp adds to follow
 * §6.5 and §6.8.3.  The caller reads it (show bfd) and never writes it.
 */
struct bfd_session {
	enum bfd_state state;		/* bfd.SessionState */
	enum bfd_state remote_state;	/* bfd.RemoteSessionState */
	uint32_t local_discr;		/* bfd.LocalDiscr */
	uint32_t remote_discr;		/* bfd.RemoteDiscr */
	enum bfd_diag local_diag;	/* bfd.LocalDiag */
	uint32_t desired_min_tx;	/* bfd.DesiredMinTxInterval, sent */
	uint32_t required_min_rx;	/* bfd.RequiredMinRxInterval, sent */
	uint32_t remote_min_rx;		/* bfd.RemoteMinRxInterval */
	bool remote_demand;		/* bfd.RemoteDemandMode */
	uint8_t detect_mult;		/* bfd.DetectMult */
	struct bfd_auth auth;		/* bfd.AuthType and the key */
	uint32_t rcv_auth_seq;		/* bfd.RcvAuthSeq */
	uint32_t xmit_auth_seq;		/* bfd.XmitAuthSeq */
	bool auth_seq_known;		/* bfd.AuthSeqKnown */

	/* From the last packet accepted. */
	uint32_t remote_desired_min_tx;
	uint8_t remote_detect_mult;	/* 0: no packet yet */
	uint8_t remote_diag;
	bool remote_cpi;		/* its C bit, for RFC 5882 */

	/* Configured; bfd.DesiredMinTxInterval is at least 1 s while not
	 * Up (§6.8.3). */
	uint32_t cfg_min_tx;
	uint32_t cfg_min_rx;

	/* §6.8.3: what the transmit interval and the detection time use
	 * until a Poll Sequence ends (an increased DesiredMinTx and a
	 * reduced RequiredMinRx wait for the Final). */
	uint32_t tx_used;
	uint32_t rx_used;
	bool poll;			/* a Poll Sequence is being sent */
	bool poll_sent;			/* ... and one with P has left */
	bool poll_again;		/* another change came meanwhile */

	/* Time, in the caller's monotonic microseconds. */
	bool rx_seen;			/* a packet was ever accepted */
	bool detect_armed;		/* the detection time runs */
	uint64_t last_rx;		/* when the last one was accepted */
	bool tx_sent;			/* a periodic packet has left */
	uint64_t last_tx;		/* when the last periodic one left */
};

/* What a call asks the caller to do (see the top of this file). */
struct bfd_act {
	enum bfd_state from, to;	/* bfd.SessionState; equal: unchanged */
	bool send_final;		/* a Poll came: answer with F now */
	bool poll_done;			/* our Poll Sequence ended */
	bool tx_changed;		/* ask bfd_session_next_tx again */
	uint64_t detect_at;		/* the detection timer's time;
					 * BFD_NEVER: stop it */
};

enum bfd_tx {
	BFD_TX_PERIODIC,		/* with P while a Poll Sequence runs */
	BFD_TX_FINAL,			/* a Poll's answer: F, never P */
};

/* Start a session in Down.  False when cfg breaks a rule of struct
 * bfd_cfg (zero discriminator, interval or multiplier, a bad key). */
bool bfd_session_init(struct bfd_session *s, const struct bfd_cfg *cfg);
/*
 * A decoded packet for this session, at time now: the session checks of
 * §6.8.6 (discriminator, authentication §6.7.4), then its reception
 * procedure.  On error the session is left exactly as it was.
 */
enum bfd_err bfd_session_rx(struct bfd_session *s, const struct bfd_pkt *p,
    uint64_t now, struct bfd_act *act);
/* The detection timer fired (a call before act.detect_at changes
 * nothing): Init or Up go Down with diag 1 (§6.8.4); RemoteDiscr is
 * forgotten (§6.8.1), and bfd.AuthSeqKnown after twice that. */
void bfd_session_expire(struct bfd_session *s, uint64_t now,
    struct bfd_act *act);
/* §6.8.16: down: AdminDown with diag 7; up: back to Down. */
void bfd_session_admin(struct bfd_session *s, bool down, struct bfd_act *act);
/* New configured intervals and multiplier (§6.8.3: a Poll Sequence when
 * the intervals sent change).  False, and no change, for a zero. */
bool bfd_session_set_timers(struct bfd_session *s, uint32_t desired_min_tx,
    uint32_t required_min_rx, uint8_t detect_mult, struct bfd_act *act);
/*
 * Build the next packet (§6.8.7), signed when the session authenticates;
 * returns its length, 0 when cap is too small (BFD_PKT_MAX always fits).
 * A periodic one at time now schedules the next.
 */
size_t bfd_session_tx(struct bfd_session *s, uint64_t now, enum bfd_tx kind,
    uint8_t *buf, size_t cap);
/*
 * When the next periodic packet is due, not before now: the transmit
 * interval less 0-25 % of jitter (10-25 % with a multiplier of 1) from
 * the last one (§6.8.7), rnd a fresh random number; at once for the
 * first; BFD_NEVER when §6.8.7 forbids periodic packets.
 */
uint64_t bfd_session_next_tx(const struct bfd_session *s, uint64_t now,
    uint32_t rnd);

/* The negotiated transmit interval (§6.8.2, §6.8.7), 0: no periodic
 * packets; the remote's agreed one (§6.8.4); the detection time, 0
 * before the first packet.  Microseconds. */
uint32_t bfd_session_tx_interval(const struct bfd_session *s);
uint32_t bfd_session_rx_interval(const struct bfd_session *s);
uint64_t bfd_session_detect_time(const struct bfd_session *s);

/* Names for logs and users; unknown codes read "unknown". */
const char *bfd_state_name(unsigned state);
const char *bfd_diag_name(unsigned diag);
const char *bfd_auth_type_name(unsigned type);
const char *bfd_err_name(enum bfd_err e);

#endif
