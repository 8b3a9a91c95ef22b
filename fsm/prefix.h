/*
 * prefix.h - IPv4/IPv6 addresses and prefixes as BGP carries them.
 *
 * One value type for addresses, prefixes and NLRI keys, tagged with the
 * BGP AFI so it can go straight onto the wire.  Pure code: parsing,
 * printing and arithmetic only; no sockets, no allocation.
 */
#ifndef LBBGP_PREFIX_H
#define LBBGP_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 4760 address family identifiers; 0 means "unset". */
enum { AFI_NONE = 0, AFI_IPV4 = 1, AFI_IPV6 = 2 };
enum { SAFI_UNICAST = 1 };

/* Big enough for any IPv6 prefix with its length: "ffff:...:ffff/128". */
#define PREFIX_STRLEN 48

/*
 * An address is a prefix whose length is the full width of its family.
 * Bits beyond len are always zero for prefixes built by this module.
 */
struct prefix {
	uint8_t afi;		/* AFI_IPV4 or AFI_IPV6 */
	uint8_t len;		/* prefix length in bits */
	uint8_t a[16];		/* network byte order; IPv4 uses a[0..3] */
};

static inline unsigned afi_bits(unsigned afi)
{
	return afi == AFI_IPV6 ? 128 : 32;
}

static inline unsigned afi_bytes(unsigned afi)
{
	return afi == AFI_IPV6 ? 16 : 4;
}

static inline bool prefix_is_host(const struct prefix *p)
{
	return p->afi != AFI_NONE && p->len == afi_bits(p->afi);
}

/* Parse "192.0.2.1" or "2001:db8::1" into a host prefix. */
bool addr_parse(const char *s, struct prefix *out);
/*
 * Parse "192.0.2.0/24" (or a bare address, taken as a host prefix).
 * Host bits beyond the length are cleared; *had_host_bits (if non-NULL)
 * says whether there were any, so callers can warn about "10.0.0.1/8".
 */
bool prefix_parse(const char *s, struct prefix *out, bool *had_host_bits);

/* "192.0.2.1" for host prefixes, "192.0.2.0/24" otherwise. */
const char *prefix_fmt(const struct prefix *p, char *buf, size_t size);
/* Always the bare address, whatever the length. */
const char *addr_fmt(const struct prefix *p, char *buf, size_t size);

/* Clear every bit beyond len and set the length to len. */
void prefix_mask(struct prefix *p, unsigned len);
/* True when p (of any length >= net->len) lies inside net. */
bool prefix_contains(const struct prefix *net, const struct prefix *p);
bool prefix_equal(const struct prefix *x, const struct prefix *y);
/* Total order: family, then address, then length. */
int prefix_cmp(const struct prefix *x, const struct prefix *y);
/* Address order only (lengths ignored); families must match. */
int addr_cmp(const struct prefix *x, const struct prefix *y);
/* a += n within its family; false (and a unchanged) on overflow. */
bool addr_add(struct prefix *a, uint64_t n);
/* hi - lo + 1 addresses, saturating at UINT64_MAX. */
uint64_t addr_span(const struct prefix *lo, const struct prefix *hi);

/* IPv4 address in host byte order (afi must be AFI_IPV4). */
uint32_t prefix_v4(const struct prefix *p);
void prefix_set_v4(struct prefix *p, uint32_t host_order, unsigned len);

/*
 * Split the inclusive range lo..hi into the minimal list of CIDR blocks.
 * Calls fn once per block, in address order; returns the number of blocks.
 */
size_t range_to_cidrs(const struct prefix *lo, const struct prefix *hi,
    void (*fn)(const struct prefix *cidr, void *arg), void *arg);

#endif
