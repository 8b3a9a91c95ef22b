/*
 * buf.c - the growable byte buffer and array growth (buf.h).
 *
 * Growth doubles, so appending n bytes one at a time costs O(n); a queue
 * reclaims consumed space before it grows.  No I/O.
 */
#include "util/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_MIN_CAP	4096

/* The smallest doubling of cap (from min) that holds need; 0 on overflow. */
static size_t grown(size_t cap, size_t need, size_t min)
{
	size_t ncap = cap ? cap : min;

	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return 0;
		ncap *= 2;
	}
	return ncap;
}

bool buf_reserve(struct buf *b, size_t n)
{
	if (b->failed)
		return false;
	if (b->off > 0 && b->off == b->len)
		b->off = b->len = 0;
	if (n <= b->cap - b->len)
		return true;
	/* Reclaim consumed space before growing. */
	if (b->off > 0) {
		memmove(b->p, b->p + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
		if (n <= b->cap - b->len)
			return true;
	}
	size_t ncap = n > SIZE_MAX - b->len ? 0 :
	    grown(b->cap, b->len + n, BUF_MIN_CAP);
	char *np = ncap ? realloc(b->p, ncap) : NULL;
	if (np == NULL) {
		b->failed = true;
		return false;
	}
	b->p = np;
	b->cap = ncap;
	return true;
}

bool buf_append_grow(struct buf *b, const void *data, size_t n)
{
	if (n == 0)
		return !b->failed;
	if (!buf_reserve(b, n))
		return false;
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return true;
}

bool buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return false;
	}
	if ((size_t)n < sizeof(small))
		return buf_append(b, small, (size_t)n);
	if (!buf_reserve(b, (size_t)n + 1))
		return false;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return true;
}

void buf_consume(struct buf *b, size_t n)
{
	b->off += n;
	if (b->off >= b->len)
		b->off = b->len = 0;
}

void buf_reset(struct buf *b)
{
	b->off = b->len = 0;
	b->failed = false;
}

const char *buf_cstr(struct buf *b)
{
	if (!buf_reserve(b, 1))
		return NULL;
	b->p[b->len] = '\0';
	return b->p + b->off;
}

char *buf_steal(struct buf *b, size_t *len)
{
	char *p = NULL;

	if (!b->failed && buf_cstr(b) != NULL) {
		if (b->off > 0)
			memmove(b->p, b->p + b->off, b->len - b->off + 1);
		p = b->p;
		if (len != NULL)
			*len = b->len - b->off;
		b->p = NULL;
	}
	buf_free(b);
	return p;
}

void buf_free(struct buf *b)
{
	free(b->p);
	*b = BUF_INIT;
}

void *array_grow(void *arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap && arr != NULL)
		return arr;
	size_t ncap = grown(*cap, need, ARRAY_MIN_CAP);
	if (ncap == 0 || size == 0 || ncap > SIZE_MAX / size)
		return NULL;
	void *np = realloc(arr, ncap * size);
	if (np == NULL)
		return NULL;
	*cap = ncap;
	return np;
}
