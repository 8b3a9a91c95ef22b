/*
 * buf.h - the one growable byte buffer of lbbgp, and the one array-growth
 * helper.
 *
 * A buf is appended at the end and, when used as a queue (a session's
 * write buffer), consumed from the front.  Running out of memory is
 * sticky: after one failed append every later one fails too, so a writer
 * can append a whole record and check once.  Pure: no I/O.
 */
#ifndef LBBGP_BUF_H
#define LBBGP_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *p;
	size_t off;		/* consumed from the front */
	size_t len;		/* filled, including what is consumed */
	size_t cap;
	bool failed;		/* an append ran out of memory */
};

#define BUF_INIT	((struct buf){ 0 })

/* Room for n more bytes after len.  False (and failed) when out of memory. */
bool buf_reserve(struct buf *b, size_t n);
/* buf_append() when the bytes do not fit as they are: grows b. */
bool buf_append_grow(struct buf *b, const void *data, size_t n);

/*
 * Append n bytes; false when out of memory (then every later append
 * fails).  Inline when they fit: records are built of many short appends
 * (a state journal line is some 20), and a call each showed.
 */
static inline bool buf_append(struct buf *b, const void *data, size_t n)
{
	if (n > 0 && n <= b->cap - b->len && !b->failed) {
		memcpy(b->p + b->len, data, n);
		b->len += n;
		return true;
	}
	return buf_append_grow(b, data, n);
}

static inline bool buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

static inline bool buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

bool buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Drop n bytes from the front (a queue being written out). */
void buf_consume(struct buf *b, size_t n);
/* Empty it, keeping its memory; clears failed. */
void buf_reset(struct buf *b);
/* The text so far, NUL-terminated (the NUL is not counted); NULL when an
 * append has failed. */
const char *buf_cstr(struct buf *b);
/* Hand the bytes over to the caller (free() them); b is empty after. */
char *buf_steal(struct buf *b, size_t *len);
void buf_free(struct buf *b);

static inline size_t buf_used(const struct buf *b)
{
	return b->len - b->off;
}

static inline const char *buf_data(const struct buf *b)
{
	return b->p + b->off;
}

/* The number of elements of an array (not of a pointer). */
#ifndef NELEM
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* The first capacity array_grow() gives an array. */
#define ARRAY_MIN_CAP	16

/*
 * Make room in an array for at least need elements of size bytes: arr is
 * the array (NULL at first), *cap its capacity in elements.  Doubles from
 * ARRAY_MIN_CAP.  Returns the (maybe moved) array, or NULL when out of memory or the
 * size overflows; then arr and *cap are unchanged.
 */
void *array_grow(void *arr, size_t *cap, size_t need, size_t size);

#endif
