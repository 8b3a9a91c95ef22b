/*
 * msg.h - BGP message framing and the non-UPDATE messages.
 *
 * Header checks (RFC 4271 §6.1), OPEN with its capabilities (RFC 5492,
 * RFC 9072), NOTIFICATION (with RFC 9003 shutdown communication and
 * the RFC 8538 Hard Reset), KEEPALIVE and ROUTE-REFRESH (RFC 2918, RFC
 * 7313), and what graceful restart keeps when a session ends (RFC 4724,
 * RFC 8538).  Decoders take a whole message (header included), never
 * read past its length, and report errors as struct bgp_err without
 * acting on them.
 */
#ifndef LBBGP_MSG_H
#define LBBGP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm/bgp.h"
#include "fsm/prefix.h"
#include "fsm/wire.h"

struct bgp_hdr {
	uint16_t len;		/* whole message, header included */
	uint8_t type;
};

enum bgp_frame {
	BGP_FRAME_NEED_MORE,	/* fewer bytes than the header promises */
	BGP_FRAME_OK,		/* a whole, well-framed message is there */
	BGP_FRAME_ERROR,	/* header error: err says what to send */
};

/*
 * Look at the start of a receive buffer.  max_len is 4096, or 65535 once
 * extended messages are negotiated (RFC 8654).
 */
enum bgp_frame bgp_frame(const uint8_t *buf, size_t avail, size_t max_len,
    struct bgp_hdr *h, struct bgp_err *err);

/* Start a message in w; finish it once the body is written. */
size_t bgp_msg_begin(struct wr *w, enum bgp_msg_type type);
void bgp_msg_end(struct wr *w, size_t start);

#define BGP_MAX_AFISAFI	8
#define BGP_MAX_RAWCAPS	16

struct bgp_afisafi {
	uint16_t afi;
	uint8_t safi;
	uint8_t flags;		/* graceful restart: per-AFI F bit */
};

struct bgp_rawcap {
	uint8_t code;
	uint8_t len;
	const uint8_t *data;	/* into the message, or caller's storage */
};

/*
 * One tuple of the Extended Next Hop Encoding capability (RFC 8950 §3):
 * routes of <afi, safi> may carry a next hop of nh_afi.  The NLRI SAFI
 * is two octets there, unlike in the multiprotocol capability.
 */
struct bgp_enh {
	uint16_t afi;
	uint16_t safi;
	uint16_t nh_afi;
};

/* Graceful restart capability flags (RFC 4724 §3, RFC 8538). */
#define BGP_GR_RESTARTING	0x8	/* R: high bit of the 4-bit flags */
#define BGP_GR_NOTIFICATION	0x4	/* N: RFC 8538 */
#define BGP_GR_AFI_FORWARDING	0x80	/* F: per AFI/SAFI */

/* Capabilities of one OPEN: the known ones decoded, the rest as bytes. */
struct bgp_caps {
	bool mp_present;	/* any multiprotocol capability seen */
	size_t nmp;
	struct bgp_afisafi mp[BGP_MAX_AFISAFI];
	bool route_refresh;
	bool enhanced_refresh;
	bool ext_message;
	bool as4;
	uint32_t as4_asn;
	bool gr;
	uint8_t gr_flags;	/* 4 bits: R, N */
	uint16_t gr_time;	/* 12 bits */
	size_t ngr;
	struct bgp_afisafi gr_afi[BGP_MAX_AFISAFI];
	size_t nenh;		/* extended next hop (RFC 8950) tuples */
	struct bgp_enh enh[BGP_MAX_AFISAFI];
	size_t nraw;		/* capabilities kept as bytes */
	struct bgp_rawcap raw[BGP_MAX_RAWCAPS];
};

struct bgp_open {
	uint8_t version;
	uint16_t my_as;		/* the 2-octet field */
	uint16_t hold;
	uint32_t id;		/* host byte order */
	struct bgp_caps caps;
};

bool bgp_open_decode(const uint8_t *msg, size_t len, struct bgp_open *o,
    struct bgp_err *err);
/* Encode an OPEN; returns the message length, 0 if it does not fit. */
size_t bgp_open_encode(uint8_t *buf, size_t cap, const struct bgp_open *o);

/* The peer's AS: the 4-octet AS capability if present, else My AS. */
uint32_t bgp_open_peer_as(const struct bgp_open *o);
bool bgp_caps_has_afi(const struct bgp_caps *c, uint16_t afi, uint8_t safi);
/* The capabilities announce an extended next hop tuple (RFC 8950). */
bool bgp_caps_has_enh(const struct bgp_caps *c, uint16_t afi, uint16_t safi,
    uint16_t nh_afi);

/* What the local side expects of the peer's OPEN. */
struct bgp_open_expect {
	uint32_t remote_as;	/* configured remote-as */
	uint32_t local_as;	/* ours: iBGP when equal to remote_as */
	uint32_t local_id;	/* our BGP identifier, host order */
	uint16_t min_hold;	/* refuse shorter hold times (and 0); 0: off */
};

/*
 * RFC 4271 §6.2 semantic checks of a decoded OPEN: version, peer AS
 * (RFC 7607: AS 0 is bad), hold time (1 and 2 are unacceptable), BGP
 * identifier (RFC 6286: non-zero, and not ours on iBGP).
 */
bool bgp_open_check(const struct bgp_open *o, const struct bgp_open_expect *x,
    struct bgp_err *err);

/* What both sides agreed on. */
struct bgp_neg {
	uint16_t hold;		/* min of both; 0 = no keepalives */
	uint16_t keepalive;
	bool as4;
	bool route_refresh;
	bool enhanced_refresh;
	bool ext_message;
	bool v4;		/* IPv4 unicast */
	bool v6;		/* IPv6 unicast */
	bool v4_nh6;		/* RFC 8950: IPv4 unicast negotiated, and both
				 * announced <1, 1, 2>: IPv4 routes may have
				 * IPv6 next hops */
	bool peer_gr;		/* the peer announced graceful restart */
	bool gr;		/* both did: RFC 4724 procedures apply */
	bool peer_gr_notification;	/* its N bit (RFC 8538 §2) */
	bool gr_notification;	/* graceful restart and N on both sides:
				 * NOTIFICATIONs end the session gracefully,
				 * Hard Reset does not (RFC 8538 §4) */
	bool peer_restarted;	/* its R bit: it has just restarted */
	uint16_t peer_gr_time;	/* how long to keep its routes, seconds */
	bool peer_gr_v4;	/* it keeps IPv4 unicast across a restart */
	bool peer_gr_v6;
	bool peer_fwd_v4;	/* F bit: IPv4 forwarding state preserved */
	bool peer_fwd_v6;
};

/*
 * Hold time and capabilities from both OPENs.  A speaker that sends no
 * multiprotocol capability at all supports IPv4 unicast only (RFC 4760 §8).
 */
void bgp_negotiate(const struct bgp_open *ours, const struct bgp_open *theirs,
    uint16_t keepalive_conf, struct bgp_neg *n);

struct bgp_notification {
	uint8_t code;
	uint8_t subcode;
	uint16_t len;
	const uint8_t *data;
};

/* False when the message is too short to be a NOTIFICATION. */
bool bgp_notification_decode(const uint8_t *msg, size_t len,
    struct bgp_notification *n);
/*
 * Encode a NOTIFICATION.  Data beyond what fits in max_len is cut, as
 * RFC 4271 §4.5 bounds the message; returns the length or 0.
 */
size_t bgp_notification_encode(uint8_t *buf, size_t cap, size_t max_len,
    uint8_t code, uint8_t subcode, const uint8_t *data, size_t len);

/*
 * The RFC 9003 shutdown communication of a Cease/Administrative Shutdown
 * or Reset, or of a Hard Reset for one (RFC 8538 §3.1), printable:
 * control characters and bytes that are not valid UTF-8 are escaped as
 * \xNN.  False when there is none or it is malformed.
 */
bool bgp_shutdown_text(const struct bgp_notification *n, char *out,
    size_t size);
/* Build the data of a shutdown communication; returns its length. */
size_t bgp_shutdown_data(const char *text, uint8_t *out, size_t size);

/* Human description: "Cease/Administrative Shutdown (6/2)". */
const char *bgp_err_fmt(uint8_t code, uint8_t subcode, char *buf,
    size_t size);
/*
 * The same for a NOTIFICATION, with what a Hard Reset carries:
 * "Cease/Hard Reset (6/9) for Cease/Administrative Reset (6/4)".
 */
const char *bgp_notification_fmt(const struct bgp_notification *n,
    char *buf, size_t size);

/*
 * RFC 8538 §3.1: a Hard Reset (Cease/9) carries the NOTIFICATION it
 * stands for in its data: that one's code, subcode, then its data.
 *
 * bgp_hard_reset_wanted(): whether a NOTIFICATION of ours goes as a
 * Hard Reset when N is in effect (RFC 8538 §5.1).  Cease/Maximum Number
 * of Prefixes Reached, Administrative Shutdown and Peer De-configured,
 * the table's Hard Reset rows; Administrative Reset, where the table says
 * "provide user control": it comes only from bgpctl neighbor clear, and
 * an operator who clears a session wants the router to forget what it
 * had; and BFD Down, see bgp_hard_reset_wanted() in msg.c.  Every other
 * NOTIFICATION ends the session gracefully.
 */
bool bgp_hard_reset_wanted(uint8_t code, uint8_t subcode);
/*
 * Wrap the NOTIFICATION in into a Hard Reset, out; its data is written
 * to buf (size bytes; what does not fit of in's data is cut).
 */
void bgp_hard_reset_wrap(const struct bgp_err *in, struct bgp_err *out,
    uint8_t *buf, size_t size);
/*
 * The NOTIFICATION a Hard Reset carries, its data pointing into n's.
 * False when n is no Hard Reset, or too short to carry one.
 */
bool bgp_hard_reset_inner(const struct bgp_notification *n,
    struct bgp_notification *inner);

/* How a session left Established, as graceful restart sees it. */
enum bgp_gr_end {
	BGP_GR_END_CLOSED,	/* the connection closed or failed without
				 * a NOTIFICATION (the peer restarting) */
	BGP_GR_END_NOTIF,	/* a NOTIFICATION sent or received that is
				 * not a Hard Reset */
	BGP_GR_END_HARD,	/* a Hard Reset sent or received, or an end
				 * graceful restart does not cover */
};

/* The end a NOTIFICATION sent or received makes. */
enum bgp_gr_end bgp_gr_end_of(uint8_t code, uint8_t subcode);
/*
 * Whether the peer's routes are kept as stale for its restart time when
 * the session ends so: RFC 4724 §4.2 for a closed connection, RFC 8538
 * §4 for a NOTIFICATION other than a Hard Reset (only with N on both
 * sides).  A restart time of 0 keeps nothing.
 */
bool bgp_gr_keep_routes(const struct bgp_neg *n, enum bgp_gr_end end);

size_t bgp_keepalive_encode(uint8_t *buf, size_t cap);

struct bgp_refresh {
	uint16_t afi;
	uint8_t subtype;	/* BGP_RR_* */
	uint8_t safi;
};

bool bgp_refresh_decode(const uint8_t *msg, size_t len, struct bgp_refresh *r,
    struct bgp_err *err);
size_t bgp_refresh_encode(uint8_t *buf, size_t cap,
    const struct bgp_refresh *r);

/* Length of the UTF-8 sequence at p (at most n bytes), 0 if invalid. */
size_t bgp_utf8_len(const uint8_t *p, size_t n);

/* Printable-escape arbitrary bytes (for logs of peer-supplied text). */
void bgp_escape(const uint8_t *in, size_t len, char *out, size_t size);

#endif
