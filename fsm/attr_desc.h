/*
 * attr_desc.h - the path attribute descriptor, shared inside fsm/ only.
 *
 * attr.c holds one descriptor per known attribute type and encodes from
 * them; update.c runs the generic UPDATE decoder over them; aspath.c
 * reads and rewrites AS path segments for both.  Nothing outside fsm/
 * includes this header: the interface is attr.h.
 */
#ifndef LBBGP_ATTR_DESC_H
#define LBBGP_ATTR_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm/attr.h"

struct attr_desc;

typedef bool attr_decode_fn(const struct attr_desc *d, struct rd *v,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a);
typedef void attr_encode_fn(const struct attr_desc *d, struct wr *w,
    const struct bgp_attrs *a, bool as4);
typedef void attr_print_fn(const struct attr_desc *d,
    const struct bgp_attrs *a, char *buf, size_t size);
/* Append one item of a list attribute (a community, a cluster ID, ...),
 * after sep, to buf at *off (see attr_app()). */
typedef void attr_item_fn(const uint8_t *item, const char *sep, char *buf,
    size_t size, size_t *off);

struct attr_desc {
	uint8_t code;
	const char *name;
	uint8_t flags;		/* required Optional and Transitive bits */
	uint16_t min_len;
	uint16_t max_len;
	uint8_t unit;		/* length must be a multiple of this */
	uint8_t action;		/* enum attr_action when malformed */
	uint8_t subcode;	/* RFC 4271 §6.3 subcode for a bad value */
	bool ibgp_only;		/* ignored when received over eBGP */
	/*
	 * Where the generic codecs keep the value in struct bgp_attrs:
	 * a uint32_t, or a list's pointer (value) and item count (count).
	 */
	uint16_t value;
	uint16_t count;
	attr_decode_fn *decode;
	attr_encode_fn *encode;
	attr_print_fn *print;
	attr_item_fn *item;	/* for prt_list() */
};

/* Indexed by type code; rows without a decode function are unknown. */
extern const struct attr_desc attr_table[256];

static inline void attr_put_hdr(struct wr *w, uint8_t flags, uint8_t code,
    size_t len)
{
	if (len > 255) {
		wr_u8(w, flags | BGP_ATTRF_EXTLEN);
		wr_u8(w, code);
		wr_u16(w, (uint16_t)len);
	} else {
		wr_u8(w, flags);
		wr_u8(w, code);
		wr_u8(w, (uint8_t)len);
	}
}

/* An (AS, router ID) pair as AS4_AGGREGATOR carries it (RFC 6793 §3). */
static inline void attr_put_as4_aggr(struct wr *w, uint32_t as, uint32_t id)
{
	attr_put_hdr(w, BGP_ATTRF_OPTIONAL | BGP_ATTRF_TRANSITIVE,
	    BGP_ATTR_AS4_AGGREGATOR, 8);
	wr_u32(w, as);
	wr_u32(w, id);
}

/* Append printf output to buf at *off, never overflowing. */
void attr_app(char *buf, size_t size, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* True when every prefix of an NLRI field parses. */
bool nlri_valid(const uint8_t *p, size_t len, uint16_t afi);

/* ---- AS path segments (aspath.c) ---------------------------------------- */

/*
 * RFC 7606 §7.2, RFC 7607: the segments are well formed and name no AS 0;
 * from an eBGP peer they hold no confederation segment.
 */
bool aspath_valid(struct rd v, unsigned width, bool ebgp);
/* Some AS of the path needs 4 octets (only possible when as4). */
bool aspath_has_wide_asn(const uint8_t *p, size_t len, bool as4);
/* Bytes the segments take re-encoded from in_width to out_width. */
size_t aspath_size(const uint8_t *p, size_t len, unsigned in_width,
    unsigned out_width);
/* Write the segments re-encoded; a wide AS becomes AS_TRANS in 2 octets. */
void aspath_put(struct wr *w, const uint8_t *p, size_t len,
    unsigned in_width, unsigned out_width);
/* "64512 {64513 64514} (65000)" into buf, from its start. */
void aspath_print(const uint8_t *p, size_t len, bool as4, char *buf,
    size_t size);

#endif
