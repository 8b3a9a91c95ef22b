/*
 * attr.h - UPDATE messages: path attributes and NLRI.
 *
 * One table of attribute descriptors drives both directions.  The decoder
 * does framing, duplicates, flags, lengths and missing-mandatory checks
 * generically and applies the RFC 7606 reaction each descriptor names
 * (attribute discard, treat-as-withdraw, session reset).  Decoded values
 * point into the message: copy what must outlive it.
 */
#ifndef LBBGP_ATTR_H
#define LBBGP_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm/bgp.h"
#include "fsm/prefix.h"
#include "fsm/wire.h"

/* RFC 7606 §2 reactions to a malformed attribute, mildest first. */
enum attr_action {
	ATTR_OK = 0,
	ATTR_DISCARD,		/* attribute discard */
	ATTR_WITHDRAW,		/* treat-as-withdraw */
	ATTR_RESET,		/* session reset (NOTIFICATION) */
};

/* What the session negotiated, as far as parsing depends on it. */
struct bgp_upd_ctx {
	bool as4;		/* RFC 6793: AS numbers are 4 octets */
	bool ebgp;
	bool v4;		/* IPv4 unicast negotiated */
	bool v6;		/* IPv6 unicast negotiated */
};

struct bgp_mp_reach {
	uint16_t afi;		/* 0: attribute absent */
	uint8_t safi;
	uint8_t nhlen;
	uint8_t nh[32];		/* global [+ link-local] for IPv6 */
	const uint8_t *nlri;
	uint16_t nlri_len;
};

struct bgp_mp_unreach {
	uint16_t afi;		/* 0: attribute absent */
	uint8_t safi;
	const uint8_t *nlri;
	uint16_t nlri_len;
};

struct bgp_rawattr {
	uint8_t flags;
	uint8_t code;
	uint16_t len;
	const uint8_t *data;
};

#define BGP_MAX_RAWATTRS 8

/*
 * Decoded path attributes.  Lists (AS path, communities) stay in wire
 * form and are read with the helpers below.  An attribute is present when
 * its bit is set in seen[]; a discarded one has its bit cleared.
 */
struct bgp_attrs {
	uint8_t seen[32];		/* bitmap by type code */
	uint8_t origin;
	bool aspath_as4;		/* width of the ASNs in aspath */
	const uint8_t *aspath;		/* segments */
	uint16_t aspath_len;
	uint32_t nexthop;		/* IPv4, host order */
	uint32_t med;
	uint32_t local_pref;
	uint32_t aggr_as;
	uint32_t aggr_id;
	const uint8_t *comm;		/* 4 octets each */
	uint16_t ncomm;
	const uint8_t *ecomm;		/* 8 octets each */
	uint16_t necomm;
	const uint8_t *lcomm;		/* 12 octets each */
	uint16_t nlcomm;
	const uint8_t *as4path;		/* segments, 4-octet ASNs */
	uint16_t as4path_len;
	uint32_t as4_aggr_as;
	uint32_t as4_aggr_id;
	uint32_t originator_id;
	const uint8_t *cluster;		/* 4 octets each */
	uint16_t ncluster;
	uint32_t otc;
	struct bgp_mp_reach reach;
	struct bgp_mp_unreach unreach;
	size_t nraw;			/* unknown optional transitive ones */
	struct bgp_rawattr raw[BGP_MAX_RAWATTRS];
};

static inline bool attr_has(const struct bgp_attrs *a, unsigned code)
{
	return (a->seen[code / 8] >> (code % 8)) & 1;
}

static inline void attr_set(struct bgp_attrs *a, unsigned code)
{
	a->seen[code / 8] |= (uint8_t)(1u << (code % 8));
}

static inline void attr_clear(struct bgp_attrs *a, unsigned code)
{
	a->seen[code / 8] &= (uint8_t)~(1u << (code % 8));
}

#define BGP_MAX_DISCARDED 8

struct bgp_update {
	const uint8_t *withdrawn;	/* IPv4 withdrawn routes field */
	uint16_t withdrawn_len;
	const uint8_t *attrs_raw;	/* the whole path attribute block */
	uint16_t attrs_len;
	const uint8_t *nlri;		/* IPv4 NLRI field */
	uint16_t nlri_len;
	struct bgp_attrs a;
	/* RFC 7606: every announced prefix must be taken as withdrawn. */
	bool treat_as_withdraw;
	/* The first problem found, for the log (also when not fatal). */
	struct bgp_err why;
	uint8_t why_attr;		/* its attribute type code, 0 if none */
	size_t ndiscarded;
	uint8_t discarded[BGP_MAX_DISCARDED];
};

/*
 * Decode and validate a whole UPDATE message.  Returns false when the
 * session must be reset: err is the NOTIFICATION to send.  Otherwise the
 * caller applies u->treat_as_withdraw and logs u->why.
 */
bool bgp_update_decode(const uint8_t *msg, size_t len,
    const struct bgp_upd_ctx *ctx, struct bgp_update *u, struct bgp_err *err);

/*
 * Decode a block of attributes kept from an earlier, validated UPDATE
 * (for display).  False if it does not parse.
 */
bool bgp_attrs_parse(const uint8_t *block, size_t len,
    const struct bgp_upd_ctx *ctx, struct bgp_attrs *a);
/*
 * Copy the attributes of a decoded UPDATE that are worth keeping: every
 * one in use (not discarded, not ignored, first of duplicates) except
 * MP_REACH/MP_UNREACH.  Returns the length, 0 if it did not fit.
 */
size_t bgp_attrs_kept(const struct bgp_update *u, uint8_t *out, size_t cap);

/* End-of-RIB (RFC 4724 §2): an UPDATE carrying nothing for one family. */
bool bgp_update_is_eor(const struct bgp_update *u, uint16_t *afi,
    uint8_t *safi);

/* True when the UPDATE announces or withdraws nothing at all. */
bool bgp_update_is_empty(const struct bgp_update *u);

/*
 * Next prefix of an NLRI field.  Returns false at the end; r->failed is
 * then set if the field was malformed (length > family width, overrun).
 */
bool bgp_nlri_next(struct rd *r, uint16_t afi, struct prefix *p);
/* Bytes a prefix takes in an NLRI field. */
static inline size_t bgp_nlri_size(const struct prefix *p)
{
	return 1 + (p->len + 7u) / 8;
}
void bgp_nlri_put(struct wr *w, const struct prefix *p);

/* AS path iteration over wire segments of either width. */
struct aspath_iter {
	struct rd r;
	unsigned width;		/* 2 or 4 */
	uint8_t seg_type;
	uint8_t seg_left;
};
void aspath_iter_init(struct aspath_iter *it, const uint8_t *p, size_t len,
    bool as4);
/* Next AS number; *seg_type tells which segment it is in. */
bool aspath_next(struct aspath_iter *it, uint32_t *asn, uint8_t *seg_type);
/* Number of ASes for path selection (a set counts once, RFC 4271 §9.1.2.2). */
unsigned aspath_count(const uint8_t *p, size_t len, bool as4);

static inline uint32_t bgp_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * Encode attributes in ascending type order, as RFC 4271 §5 asks.  Every
 * attribute present in a is written except MP_REACH/MP_UNREACH, which the
 * UPDATE builder writes itself around its NLRI.  With as4 false, AS
 * numbers above 65535 become AS_TRANS and an AS4_PATH is added (RFC 6793
 * §4.2.2).  Returns bytes written, 0 if it did not fit.
 */
size_t bgp_attrs_encode(uint8_t *buf, size_t cap, const struct bgp_attrs *a,
    bool as4);

/*
 * Print the value of one attribute for show commands and logs (the name
 * is bgp_attr_name()); returns false when a lacks it.
 */
bool bgp_attr_print(const struct bgp_attrs *a, unsigned code, char *buf,
    size_t size);

/* The RFC 7606 reaction for a malformed attribute of this type. */
enum attr_action bgp_attr_malformed_action(unsigned code, bool ebgp);

#endif
