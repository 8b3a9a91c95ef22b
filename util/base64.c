/*
 * base64.c - RFC 4648 base64 encoding and strict decoding (base64.h).
 * Pure.
 */
#include "util/base64.h"

#include "util/buf.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool base64_encode(struct buf *b, const void *data, size_t n)
{
	const uint8_t *p = data;
	char q[4];

	if (!buf_reserve(b, base64_encoded_len(n)))
		return false;
	for (; n >= 3; p += 3, n -= 3) {
		uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];

		q[0] = b64_alphabet[v >> 18];
		q[1] = b64_alphabet[v >> 12 & 63];
		q[2] = b64_alphabet[v >> 6 & 63];
		q[3] = b64_alphabet[v & 63];
		buf_append(b, q, 4);
	}
	if (n > 0) {
		uint32_t v = (uint32_t)p[0] << 16 |
		    (n == 2 ? (uint32_t)p[1] << 8 : 0);

		q[0] = b64_alphabet[v >> 18];
		q[1] = b64_alphabet[v >> 12 & 63];
		q[2] = n == 2 ? b64_alphabet[v >> 6 & 63] : '=';
		q[3] = '=';
		buf_append(b, q, 4);
	}
	return !b->failed;
}

/* The value of a base64 character, -1 if it is none. */
static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool base64_decode(const char *s, size_t len, uint8_t *out, size_t *outlen)
{
	uint32_t acc = 0;
	size_t n = 0, nch = 0, pad = 0;

	/* Up to two '=' end a group of four. */
	while (pad < 2 && len > 0 && s[len - 1] == '=') {
		len--;
		pad++;
	}
	if (pad > 0 && (len + pad) % 4 != 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		int v = b64_value(s[i]);

		if (v < 0)
			return false;
		acc = acc << 6 | (uint32_t)v;
		if (++nch == 4) {
			out[n++] = (uint8_t)(acc >> 16);
			out[n++] = (uint8_t)(acc >> 8);
			out[n++] = (uint8_t)acc;
			acc = 0;
			nch = 0;
		}
	}
	/* 2 characters carry 1 byte (4 bits left over), 3 carry 2 (2 bits);
	 * the left-over bits must be 0 (RFC 4648 §3.5, canonical). */
	if (nch == 1 || (nch == 2 && (acc & 0xf) != 0) ||
	    (nch == 3 && (acc & 0x3) != 0))
		return false;
	if (nch == 2)
		out[n++] = (uint8_t)(acc >> 4);
	if (nch == 3) {
		out[n++] = (uint8_t)(acc >> 10);
		out[n++] = (uint8_t)(acc >> 2);
	}
	if (pad > 0 && nch + pad != 4)
		return false;
	*outlen = n;
	return true;
}
