/*
 * packet.c - the BFD Control packet (RFC 5880 §4.1, §4.4) to and from
 * bytes.
 *
 * bfd_decode makes the checks of §6.8.6 that need only the packet, in
 * the RFC's order, one error each; what needs the session (which one,
 * its key) is session.c's.  Reads go through fsm/wire.h's bounded reader
 * over the first Length bytes, so nothing is read past the packet.  No
 * session state, no time, no I/O here.
 */
#include "bfd/bfd.h"
#include "fsm/wire.h"

#include <string.h>

/* Byte 1 (§4.1): Sta in the top two bits, then P F C A D M. */
#define FL_POLL		0x20
#define FL_FINAL	0x10
#define FL_CPI		0x08
#define FL_AUTH		0x04
#define FL_DEMAND	0x02
#define FL_MULTIPOINT	0x01

static void decode_flags(uint8_t b, struct bfd_pkt *p)
{
	p->state = (enum bfd_state)(b >> 6);
	p->poll = (b & FL_POLL) != 0;
	p->final = (b & FL_FINAL) != 0;
	p->cpi = (b & FL_CPI) != 0;
	p->auth = (b & FL_AUTH) != 0;
	p->demand = (b & FL_DEMAND) != 0;
	p->multipoint = (b & FL_MULTIPOINT) != 0;
}

static uint8_t encode_flags(const struct bfd_pkt *p)
{
	return (uint8_t)((unsigned)(p->state & 3) << 6 |
	    (p->poll ? FL_POLL : 0) | (p->final ? FL_FINAL : 0) |
	    (p->cpi ? FL_CPI : 0) | (p->auth ? FL_AUTH : 0) |
	    (p->demand ? FL_DEMAND : 0) | (p->multipoint ? FL_MULTIPOINT : 0));
}

/*
 * The authentication section (§4.4), inside Length.  Types other than
 * the SHA1 ones are refused here, with their own error, rather than
 * left for the session to call "wrong type".
 */
static enum bfd_err decode_auth(struct rd *r, struct bfd_pkt *p)
{
	uint8_t reserved;

	rd_u8(r, &p->a.type);
	rd_u8(r, &p->a.len);
	if (p->a.type != BFD_AUTH_KEYED_SHA1 &&
	    p->a.type != BFD_AUTH_METICULOUS_SHA1)
		return BFD_ERR_AUTH_UNSUPPORTED;
	/* §6.7.4: Auth Len other than 28 is discarded. */
	if (p->a.len != BFD_AUTH_SHA1_LEN ||
	    rd_left(r) < BFD_AUTH_SHA1_LEN - BFD_AUTH_MIN_LEN)
		return BFD_ERR_AUTH_LEN;
	rd_u8(r, &p->a.key_id);
	rd_u8(r, &reserved);	/* §4.4: ignored on receipt */
	rd_u32(r, &p->a.seq);
	rd_bytes(r, p->a.digest, sizeof(p->a.digest));
	return BFD_OK;
}

enum bfd_err bfd_decode(const uint8_t *buf, size_t n, struct bfd_pkt *p)
{
	struct rd r;
	uint8_t b0, b1;

	*p = (struct bfd_pkt){ .raw = buf };
	if (n < 1)
		return BFD_ERR_TRUNCATED;
	/* §6.8.6, in order: the version ... */
	p->version = buf[0] >> 5;
	p->diag = buf[0] & 0x1f;
	if (p->version != BFD_VERSION)
		return BFD_ERR_VERSION;
	if (n < 4)
		return BFD_ERR_TRUNCATED;
	decode_flags(buf[1], p);
	p->detect_mult = buf[2];
	p->len = buf[3];
	/* ... the Length field against the minimum and the datagram ... */
	if (p->len < BFD_HDR_LEN ||
	    (p->auth && p->len < BFD_HDR_LEN + BFD_AUTH_MIN_LEN))
		return BFD_ERR_LENGTH;
	if (p->len > n)
		return BFD_ERR_TRUNCATED;
	/* ... then the fields. */
	if (p->detect_mult == 0)
		return BFD_ERR_DETECT_MULT;
	if (p->multipoint)
		return BFD_ERR_MULTIPOINT;
	r = rd_init(buf, p->len);
	rd_u8(&r, &b0);
	rd_u8(&r, &b1);
	rd_skip(&r, 2);
	rd_u32(&r, &p->my_discr);
	rd_u32(&r, &p->your_discr);
	rd_u32(&r, &p->desired_min_tx);
	rd_u32(&r, &p->required_min_rx);
	rd_u32(&r, &p->required_min_echo_rx);
	if (p->my_discr == 0)
		return BFD_ERR_MY_DISCR;
	if (p->your_discr == 0 && p->state != BFD_DOWN &&
	    p->state != BFD_ADMIN_DOWN)
		return BFD_ERR_YOUR_DISCR;
	/* Bytes after the sections, up to Length, are allowed and ignored
	 * (only the digest covers them). */
	return p->auth ? decode_auth(&r, p) : BFD_OK;
}

size_t bfd_encode(const struct bfd_pkt *p, uint8_t *buf, size_t cap)
{
	size_t len = BFD_HDR_LEN + (p->auth ? BFD_AUTH_SHA1_LEN : 0);
	struct wr w = wr_init(buf, cap);

	wr_u8(&w, (uint8_t)((p->version & 7) << 5 | (p->diag & 0x1f)));
	wr_u8(&w, encode_flags(p));
	wr_u8(&w, p->detect_mult);
	wr_u8(&w, (uint8_t)len);
	wr_u32(&w, p->my_discr);
	wr_u32(&w, p->your_discr);
	wr_u32(&w, p->desired_min_tx);
	wr_u32(&w, p->required_min_rx);
	wr_u32(&w, p->required_min_echo_rx);
	if (p->auth) {
		wr_u8(&w, p->a.type);
		wr_u8(&w, BFD_AUTH_SHA1_LEN);
		wr_u8(&w, p->a.key_id);
		wr_u8(&w, 0);	/* Reserved: zero on transmit (§4.4) */
		wr_u32(&w, p->a.seq);
		wr_bytes(&w, p->a.digest, sizeof(p->a.digest));
	}
	return w.overflow ? 0 : w.len;
}

bool bfd_pkt_same(const struct bfd_pkt *a, const struct bfd_pkt *b)
{
	return a->version == b->version && a->diag == b->diag &&
	    a->state == b->state && a->poll == b->poll &&
	    a->final == b->final && a->cpi == b->cpi && a->auth == b->auth &&
	    a->demand == b->demand && a->multipoint == b->multipoint &&
	    a->detect_mult == b->detect_mult &&
	    a->my_discr == b->my_discr && a->your_discr == b->your_discr &&
	    a->desired_min_tx == b->desired_min_tx &&
	    a->required_min_rx == b->required_min_rx &&
	    a->required_min_echo_rx == b->required_min_echo_rx &&
	    (!a->auth || (a->a.type == b->a.type &&
	    a->a.key_id == b->a.key_id && a->a.seq == b->a.seq &&
	    memcmp(a->a.digest, b->a.digest, BFD_SHA1_LEN) == 0));
}
