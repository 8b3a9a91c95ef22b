/*
 * wire.h - bounded reader and writer for BGP messages.
 *
 * Every decoder reads through struct rd and every encoder writes through
 * struct wr.  The reader never goes past its end: a short read returns
 * false and leaves the reader marked failed, so a parser can do several
 * reads and check once.  The writer never overflows its buffer: it sets a
 * flag instead, which the encoder checks once at the end.  Neither touches
 * raw pointers outside these helpers.
 */
#ifndef LBBGP_WIRE_H
#define LBBGP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rd {
	const uint8_t *p;
	size_t len;
	size_t off;
	bool failed;
};

static inline struct rd rd_init(const uint8_t *p, size_t len)
{
	return (struct rd){ .p = p, .len = len };
}

static inline size_t rd_left(const struct rd *r)
{
	return r->failed ? 0 : r->len - r->off;
}

static inline const uint8_t *rd_ptr(const struct rd *r)
{
	return r->p + r->off;
}

static inline bool rd_short(struct rd *r, size_t n)
{
	if (r->failed || r->len - r->off < n) {
		r->failed = true;
		return true;
	}
	return false;
}

static inline bool rd_u8(struct rd *r, uint8_t *v)
{
	if (rd_short(r, 1))
		return false;
	*v = r->p[r->off++];
	return true;
}

static inline bool rd_u16(struct rd *r, uint16_t *v)
{
	if (rd_short(r, 2))
		return false;
	*v = (uint16_t)(r->p[r->off] << 8 | r->p[r->off + 1]);
	r->off += 2;
	return true;
}

static inline bool rd_u32(struct rd *r, uint32_t *v)
{
	if (rd_short(r, 4))
		return false;
	const uint8_t *b = r->p + r->off;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	r->off += 4;
	return true;
}

static inline bool rd_bytes(struct rd *r, void *dst, size_t n)
{
	if (rd_short(r, n))
		return false;
	memcpy(dst, r->p + r->off, n);
	r->off += n;
	return true;
}

static inline bool rd_skip(struct rd *r, size_t n)
{
	if (rd_short(r, n))
		return false;
	r->off += n;
	return true;
}

/* A 2- or 4-octet number (an AS, RFC 6793) into 32 bits. */
static inline bool rd_uint(struct rd *r, unsigned width, uint32_t *v)
{
	uint16_t v16;

	if (width == 4)
		return rd_u32(r, v);
	if (!rd_u16(r, &v16))
		return false;
	*v = v16;
	return true;
}

/* A 1- or 2-octet length field (attribute or OPEN parameter). */
static inline bool rd_len(struct rd *r, bool wide, uint16_t *v)
{
	uint8_t v8;

	if (wide)
		return rd_u16(r, v);
	if (!rd_u8(r, &v8))
		return false;
	*v = v8;
	return true;
}

/* A sub-reader over the next n bytes; the parent skips past them. */
static inline bool rd_sub(struct rd *r, size_t n, struct rd *sub)
{
	if (rd_short(r, n)) {
		*sub = rd_init(NULL, 0);
		sub->failed = true;
		return false;
	}
	*sub = rd_init(r->p + r->off, n);
	r->off += n;
	return true;
}

struct wr {
	uint8_t *p;
	size_t cap;
	size_t len;
	bool overflow;
};

static inline struct wr wr_init(uint8_t *p, size_t cap)
{
	return (struct wr){ .p = p, .cap = cap };
}

static inline bool wr_room(struct wr *w, size_t n)
{
	if (w->overflow || w->cap - w->len < n) {
		w->overflow = true;
		return false;
	}
	return true;
}

static inline void wr_u8(struct wr *w, uint8_t v)
{
	if (wr_room(w, 1))
		w->p[w->len++] = v;
}

static inline void wr_u16(struct wr *w, uint16_t v)
{
	if (wr_room(w, 2)) {
		w->p[w->len++] = (uint8_t)(v >> 8);
		w->p[w->len++] = (uint8_t)v;
	}
}

static inline void wr_u32(struct wr *w, uint32_t v)
{
	if (wr_room(w, 4)) {
		w->p[w->len++] = (uint8_t)(v >> 24);
		w->p[w->len++] = (uint8_t)(v >> 16);
		w->p[w->len++] = (uint8_t)(v >> 8);
		w->p[w->len++] = (uint8_t)v;
	}
}

static inline void wr_bytes(struct wr *w, const void *src, size_t n)
{
	if (n > 0 && wr_room(w, n)) {
		memcpy(w->p + w->len, src, n);
		w->len += n;
	}
}

/* Reserve n bytes to fill in later (lengths); returns their offset. */
static inline size_t wr_reserve(struct wr *w, size_t n)
{
	size_t at = w->len;
	if (wr_room(w, n)) {
		memset(w->p + w->len, 0, n);
		w->len += n;
	}
	return at;
}

static inline void wr_put_u16_at(struct wr *w, size_t at, uint16_t v)
{
	if (!w->overflow && at + 2 <= w->len) {
		w->p[at] = (uint8_t)(v >> 8);
		w->p[at + 1] = (uint8_t)v;
	}
}

static inline void wr_put_u8_at(struct wr *w, size_t at, uint8_t v)
{
	if (!w->overflow && at + 1 <= w->len)
		w->p[at] = v;
}

#endif
