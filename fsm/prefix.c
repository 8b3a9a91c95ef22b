/*
 * prefix.c - parsing, printing and arithmetic on struct prefix.
 *
 * Pure code: uses inet_pton/inet_ntop for the text forms and nothing
 * else from the system.
 */
#include "prefix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool addr_parse(const char *s, struct prefix *out)
{
	memset(out, 0, sizeof(*out));
	if (strchr(s, ':') != NULL) {
		if (inet_pton(AF_INET6, s, out->a) != 1)
			return false;
		out->afi = AFI_IPV6;
		out->len = 128;
	} else {
		if (inet_pton(AF_INET, s, out->a) != 1)
			return false;
		out->afi = AFI_IPV4;
		out->len = 32;
	}
	return true;
}

bool prefix_parse(const char *s, struct prefix *out, bool *had_host_bits)
{
	char buf[PREFIX_STRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);

	if (had_host_bits)
		*had_host_bits = false;
	if (alen == 0 || alen >= sizeof(buf))
		return false;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (!addr_parse(buf, out))
		return false;
	if (slash == NULL)
		return true;

	const char *d = slash + 1;
	if (*d < '0' || *d > '9' || strlen(d) > 3)
		return false;
	char *end;
	errno = 0;
	unsigned long len = strtoul(d, &end, 10);
	if (errno || *end != '\0' || len > afi_bits(out->afi))
		return false;

	struct prefix masked = *out;
	prefix_mask(&masked, (unsigned)len);
	if (had_host_bits)
		*had_host_bits = memcmp(masked.a, out->a, sizeof(out->a)) != 0;
	*out = masked;
	return true;
}

/* Dotted quad by hand: inet_ntop costs more than the rest of a state
 * record or a show line put together. */
static void fmt_v4(const uint8_t *a, char *buf, size_t size)
{
	char tmp[16];
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (v >= 100)
			tmp[n++] = (char)('0' + v / 100);
		if (v >= 10)
			tmp[n++] = (char)('0' + v / 10 % 10);
		tmp[n++] = (char)('0' + v % 10);
		tmp[n++] = i < 3 ? '.' : '\0';
	}
	snprintf(buf, size, "%s", tmp);
}

const char *addr_fmt(const struct prefix *p, char *buf, size_t size)
{
	if (p->afi == AFI_IPV4 && size >= 16)
		fmt_v4(p->a, buf, size);
	else if (p->afi == AFI_IPV6)
		inet_ntop(AF_INET6, p->a, buf, (socklen_t)size);
	else if (p->afi == AFI_IPV4)
		inet_ntop(AF_INET, p->a, buf, (socklen_t)size);
	else
		snprintf(buf, size, "(none)");
	return buf;
}

const char *prefix_fmt(const struct prefix *p, char *buf, size_t size)
{
	addr_fmt(p, buf, size);
	if (p->afi != AFI_NONE && !prefix_is_host(p)) {
		size_t n = strlen(buf);
		snprintf(buf + n, size - n, "/%u", p->len);
	}
	return buf;
}

void prefix_mask(struct prefix *p, unsigned len)
{
	unsigned max = afi_bits(p->afi);

	if (len > max)
		len = max;
	p->len = (uint8_t)len;
	for (unsigned i = 0; i < sizeof(p->a); i++) {
		unsigned bit = i * 8;
		if (bit >= len)
			p->a[i] = 0;
		else if (bit + 8 > len)
			p->a[i] &= (uint8_t)(0xff << (8 - (len - bit)));
	}
}

bool prefix_contains(const struct prefix *net, const struct prefix *p)
{
	if (net->afi != p->afi || p->len < net->len)
		return false;
	struct prefix m = *p;
	prefix_mask(&m, net->len);
	return memcmp(m.a, net->a, sizeof(m.a)) == 0;
}

bool prefix_equal(const struct prefix *x, const struct prefix *y)
{
	return x->afi == y->afi && x->len == y->len &&
	    memcmp(x->a, y->a, afi_bytes(x->afi)) == 0;
}

int addr_cmp(const struct prefix *x, const struct prefix *y)
{
	return memcmp(x->a, y->a, sizeof(x->a));
}

int prefix_cmp(const struct prefix *x, const struct prefix *y)
{
	if (x->afi != y->afi)
		return x->afi < y->afi ? -1 : 1;
	int c = addr_cmp(x, y);
	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

bool addr_add(struct prefix *a, uint64_t n)
{
	struct prefix r = *a;
	int last = (int)afi_bytes(a->afi) - 1;
	unsigned carry = 0;

	for (int i = last; i >= 0; i--) {
		unsigned sum = r.a[i] + (unsigned)(n & 0xff) + carry;
		r.a[i] = (uint8_t)sum;
		carry = sum >> 8;
		n >>= 8;
	}
	if (carry || n)
		return false;
	*a = r;
	return true;
}

uint64_t addr_span(const struct prefix *lo, const struct prefix *hi)
{
	unsigned nb = afi_bytes(lo->afi);
	uint8_t d[16];
	int borrow = 0;

	/* d = hi - lo, big-endian byte arithmetic */
	for (int i = (int)nb - 1; i >= 0; i--) {
		int v = (int)hi->a[i] - (int)lo->a[i] - borrow;
		borrow = v < 0;
		d[i] = (uint8_t)(v + (borrow ? 256 : 0));
	}
	if (borrow)
		return 0;
	for (unsigned i = 0; i + 8 < nb; i++)
		if (d[i] != 0)
			return UINT64_MAX;
	uint64_t v = 0;
	for (unsigned i = nb > 8 ? nb - 8 : 0; i < nb; i++)
		v = v << 8 | d[i];
	return v == UINT64_MAX ? UINT64_MAX : v + 1;
}

uint32_t prefix_v4(const struct prefix *p)
{
	return (uint32_t)p->a[0] << 24 | (uint32_t)p->a[1] << 16 |
	    (uint32_t)p->a[2] << 8 | p->a[3];
}

void prefix_set_v4(struct prefix *p, uint32_t v, unsigned len)
{
	memset(p, 0, sizeof(*p));
	p->afi = AFI_IPV4;
	p->a[0] = (uint8_t)(v >> 24);
	p->a[1] = (uint8_t)(v >> 16);
	p->a[2] = (uint8_t)(v >> 8);
	p->a[3] = (uint8_t)v;
	prefix_mask(p, len);
}

/* Index of the lowest set bit of a (counting from the last bit), or bits. */
static unsigned trailing_zero_bits(const struct prefix *a)
{
	unsigned bits = afi_bits(a->afi);

	for (unsigned i = 0; i < bits; i++) {
		unsigned bit = bits - 1 - i;
		if (a->a[bit / 8] & (0x80 >> (bit % 8)))
			return i;
	}
	return bits;
}

size_t range_to_cidrs(const struct prefix *lo, const struct prefix *hi,
    void (*fn)(const struct prefix *cidr, void *arg), void *arg)
{
	struct prefix cur = *lo;
	unsigned bits = afi_bits(lo->afi);
	size_t n = 0;

	cur.len = (uint8_t)bits;
	while (addr_cmp(&cur, hi) <= 0) {
		/* Largest block aligned at cur that does not pass hi. */
		unsigned host = trailing_zero_bits(&cur);
		for (;; host--) {
			struct prefix last = cur;
			/* last = cur with the low `host` bits set */
			for (unsigned i = 0; i < host; i++) {
				unsigned bit = bits - 1 - i;
				last.a[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
			}
			if (addr_cmp(&last, hi) <= 0) {
				struct prefix block = cur;
				block.len = (uint8_t)(bits - host);
				if (fn)
					fn(&block, arg);
				n++;
				cur = last;
				break;
			}
		}
		if (!addr_add(&cur, 1))
			break;	/* wrapped past the top of the family */
	}
	return n;
}
