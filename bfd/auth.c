/*
 * auth.c - BFD authentication with Keyed SHA1 and Meticulous Keyed SHA1
 * (RFC 5880 §6.7.4), and the SHA-1 they need (FIPS 180-4), written here
 * so lbbgp takes on no crypto library for 20 bytes a packet.
 *
 * SHA-1 is broken for collisions, not for this keyed use; RFC 5880 has
 * nothing better.  The digest covers the whole packet with the key,
 * zero-padded to 20 bytes, in the digest's place.  No session state
 * here: session.c keeps bfd.RcvAuthSeq and asks bfd_auth_seq_ok.
 */
#include "bfd/bfd.h"

#include <string.h>

/* Where the digest sits in a packet: after the mandatory section, Auth
 * Type, Auth Len, Auth Key ID, Reserved and the Sequence Number. */
#define DIGEST_OFF	(BFD_HDR_LEN + 8)

/* ---- SHA-1 (FIPS 180-4 §6.1) -------------------------------------------- */

static uint32_t rol32(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

static uint32_t load_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

static void store_be32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* FIPS 180-4 §4.1.1: f and K by round. */
static uint32_t round_f(unsigned t, uint32_t b, uint32_t c, uint32_t d,
    uint32_t *k)
{
	if (t < 20) {
		*k = 0x5a827999;
		return (b & c) | (~b & d);		/* Ch */
	}
	if (t < 40) {
		*k = 0x6ed9eba1;
		return b ^ c ^ d;			/* Parity */
	}
	if (t < 60) {
		*k = 0x8f1bbcdc;
		return (b & c) | (b & d) | (c & d);	/* Maj */
	}
	*k = 0xca62c1d6;
	return b ^ c ^ d;
}

/* One 64-byte block into the hash value h (§6.1.2). */
static void sha1_block(uint32_t h[5], const uint8_t *blk)
{
	uint32_t w[80], v[5], k, f, tmp;
	unsigned t;

	for (t = 0; t < 16; t++)
		w[t] = load_be32(blk + 4 * t);
	for (; t < 80; t++)
		w[t] = rol32(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
	memcpy(v, h, sizeof(v));
	for (t = 0; t < 80; t++) {
		f = round_f(t, v[1], v[2], v[3], &k);
		tmp = rol32(v[0], 5) + f + v[4] + k + w[t];
		v[4] = v[3];
		v[3] = v[2];
		v[2] = rol32(v[1], 30);
		v[1] = v[0];
		v[0] = tmp;
	}
	for (t = 0; t < 5; t++)
		h[t] += v[t];
}

void bfd_sha1(const void *data, size_t len, uint8_t out[BFD_SHA1_LEN])
{
	uint32_t h[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0,
	};
	const uint8_t *p = data;
	uint64_t bits = (uint64_t)len * 8;
	uint8_t last[128];
	size_t n, rest, i;

	for (n = 0; len - n >= 64; n += 64)
		sha1_block(h, p + n);
	/* §5.1.1: a 1 bit, zeros, the length in bits as 64 bits: one block
	 * more, or two when fewer than 9 bytes are left in this one. */
	rest = len - n;
	memset(last, 0, sizeof(last));
	if (rest > 0)
		memcpy(last, p + n, rest);
	last[rest] = 0x80;
	n = rest + 9 <= 64 ? 64 : 128;
	store_be32(last + n - 8, (uint32_t)(bits >> 32));
	store_be32(last + n - 4, (uint32_t)bits);
	for (i = 0; i < n; i += 64)
		sha1_block(h, last + i);
	for (i = 0; i < 5; i++)
		store_be32(out + 4 * i, h[i]);
}

/* ---- RFC 5880 §6.7.4 ---------------------------------------------------- */

/* The digest of a packet of len bytes (DIGEST_OFF + 20 <= len <= 255)
 * with the key, zero-padded, where the digest goes. */
static void digest(const uint8_t *pkt, size_t len, const struct bfd_auth *a,
    uint8_t out[BFD_SHA1_LEN])
{
	uint8_t copy[BFD_RX_BUF];

	memcpy(copy, pkt, len);
	memset(copy + DIGEST_OFF, 0, BFD_SHA1_LEN);
	memcpy(copy + DIGEST_OFF, a->key, a->key_len);
	bfd_sha1(copy, len, out);
}

void bfd_auth_sign(uint8_t *buf, size_t len, const struct bfd_auth *a)
{
	uint8_t d[BFD_SHA1_LEN];

	if (len < DIGEST_OFF + BFD_SHA1_LEN || len > BFD_RX_BUF)
		return;
	digest(buf, len, a, d);
	memcpy(buf + DIGEST_OFF, d, sizeof(d));
}

bool bfd_auth_verify(const struct bfd_pkt *p, const struct bfd_auth *a)
{
	uint8_t d[BFD_SHA1_LEN], diff = 0;
	size_t i;

	if (p->raw == NULL || !p->auth || p->len < DIGEST_OFF + BFD_SHA1_LEN)
		return false;
	digest(p->raw, p->len, a, d);
	/* Every byte, always: the time taken says nothing of the key. */
	for (i = 0; i < sizeof(d); i++)
		diff |= (uint8_t)(d[i] ^ p->a.digest[i]);
	return diff == 0;
}

bool bfd_auth_seq_ok(enum bfd_auth_type type, bool known, uint32_t last,
    uint32_t seq, uint8_t detect_mult)
{
	/* Unsigned subtraction is the circular distance of §6.7.4. */
	uint32_t ahead = seq - last;
	uint32_t window = 3u * detect_mult;

	if (!known)
		return true;
	if (type == BFD_AUTH_METICULOUS_SHA1)
		return ahead >= 1 && ahead <= window;
	return ahead <= window;
}
