/*
 * base64.h - RFC 4648 §4 base64 (the standard alphabet, '=' padding), as
 * etcd's JSON gateway writes bytes fields (keys, values).  Pure: no I/O,
 * no allocation but the buf's.
 */
#ifndef LBBGP_BASE64_H
#define LBBGP_BASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* The encoded length of n bytes, padding included (no NUL). */
static inline size_t base64_encoded_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

/* The most bytes len characters of base64 decode to. */
static inline size_t base64_decoded_max(size_t len)
{
	return (len + 3) / 4 * 3;
}

/* Append the encoding of n bytes to b; false when out of memory. */
bool base64_encode(struct buf *b, const void *data, size_t n);

/*
 * Decode len characters into out (room for base64_decoded_max(len)),
 * the length in *outlen.  Padding may be left out; anything else that is
 * not base64 (another character, a misplaced '=', a lone final
 * character, set bits after the last byte) makes it false.
 */
bool base64_decode(const char *s, size_t len, uint8_t *out, size_t *outlen);

#endif
