/*
 * aspath.c - AS_PATH and AS4_PATH segments on the wire.
 *
 * Iterating, counting, validating, re-encoding between 2- and 4-octet AS
 * numbers, and printing.  Works on the segments as received; never
 * allocates, never copies a path, knows nothing of attribute headers.
 */
#include "attr_desc.h"

void aspath_iter_init(struct aspath_iter *it, const uint8_t *p, size_t len,
    bool as4)
{
	it->r = rd_init(p, len);
	it->width = as4 ? 4 : 2;
	it->seg_type = 0;
	it->seg_left = 0;
}

bool aspath_next(struct aspath_iter *it, uint32_t *asn, uint8_t *seg_type)
{
	while (it->seg_left == 0) {
		if (rd_left(&it->r) == 0)
			return false;
		if (!rd_u8(&it->r, &it->seg_type) ||
		    !rd_u8(&it->r, &it->seg_left))
			return false;
	}
	if (!rd_uint(&it->r, it->width, asn))
		return false;
	it->seg_left--;
	*seg_type = it->seg_type;
	return true;
}

/* RFC 4271 §9.1.2.2: a set counts as one; RFC 5065 §5.3: confederation
 * segments do not count. */
unsigned aspath_count(const uint8_t *p, size_t len, bool as4)
{
	struct rd r = rd_init(p, len);
	unsigned n = 0;

	while (rd_left(&r) > 0) {
		uint8_t type, count;
		if (!rd_u8(&r, &type) || !rd_u8(&r, &count) ||
		    !rd_skip(&r, (size_t)count * (as4 ? 4 : 2)))
			break;
		if (type == BGP_AS_SEQUENCE)
			n += count;
		else if (type == BGP_AS_SET)
			n++;
	}
	return n;
}

/*
 * RFC 7606 §7.2: a segment of unknown type, a zero segment length, an
 * overrun or a lone trailing octet make the path malformed; RFC 7607: so
 * does AS 0; confederation segments are malformed from an eBGP peer.
 */
bool aspath_valid(struct rd v, unsigned width, bool ebgp)
{
	while (rd_left(&v) > 0) {
		uint8_t type, count;
		if (!rd_u8(&v, &type) || !rd_u8(&v, &count) || count == 0)
			return false;
		if (type < BGP_AS_SET || type > BGP_AS_CONFED_SET)
			return false;
		if (ebgp && (type == BGP_AS_CONFED_SEQUENCE ||
		    type == BGP_AS_CONFED_SET))
			return false;
		for (unsigned i = 0; i < count; i++) {
			uint32_t asn;
			if (!rd_uint(&v, width, &asn) || asn == 0)
				return false;
		}
	}
	return true;
}

bool aspath_has_wide_asn(const uint8_t *p, size_t len, bool as4)
{
	struct aspath_iter it;
	uint32_t asn;
	uint8_t type;

	if (!as4)
		return false;
	aspath_iter_init(&it, p, len, true);
	while (aspath_next(&it, &asn, &type))
		if (asn > 0xffff)
			return true;
	return false;
}

void aspath_put(struct wr *w, const uint8_t *p, size_t len,
    unsigned in_width, unsigned out_width)
{
	struct rd r = rd_init(p, len);

	while (rd_left(&r) > 0) {
		uint8_t type, count;
		if (!rd_u8(&r, &type) || !rd_u8(&r, &count))
			return;
		wr_u8(w, type);
		wr_u8(w, count);
		for (unsigned i = 0; i < count; i++) {
			uint32_t asn = 0;
			rd_uint(&r, in_width, &asn);
			if (out_width == 4)
				wr_u32(w, asn);
			else
				wr_u16(w, asn > 0xffff ? BGP_AS_TRANS :
				    (uint16_t)asn);
		}
	}
}

size_t aspath_size(const uint8_t *p, size_t len, unsigned in_width,
    unsigned out_width)
{
	if (in_width == out_width)
		return len;
	/* Each AS changes size; segment headers do not. */
	struct rd r = rd_init(p, len);
	size_t n = 0;
	while (rd_left(&r) > 0) {
		uint8_t type, count;
		if (!rd_u8(&r, &type) || !rd_u8(&r, &count))
			break;
		rd_skip(&r, (size_t)count * in_width);
		n += 2 + (size_t)count * out_width;
	}
	return n;
}

/* Sets in braces, confederations in parentheses (sets of them in
 * brackets). */
void aspath_print(const uint8_t *p, size_t len, bool as4, char *buf,
    size_t size)
{
	static const char *const open[] = { "", "{", "", "(", "[" };
	static const char *const close[] = { "", "}", "", ")", "]" };
	struct rd r = rd_init(p, len);
	size_t off = 0;

	buf[0] = '\0';
	while (rd_left(&r) > 0) {
		uint8_t type, count;
		if (!rd_u8(&r, &type) || !rd_u8(&r, &count))
			return;
		unsigned t = type <= BGP_AS_CONFED_SET ? type : 0;
		attr_app(buf, size, &off, "%s%s", off ? " " : "", open[t]);
		for (unsigned i = 0; i < count; i++) {
			uint32_t asn = 0;
			rd_uint(&r, as4 ? 4 : 2, &asn);
			attr_app(buf, size, &off, "%s%u", i ? " " : "", asn);
		}
		attr_app(buf, size, &off, "%s", close[t]);
	}
}
