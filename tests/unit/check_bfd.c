/*
 * check_bfd.c - unit tests for bfd/: the Control packet codec, SHA-1 and
 * keyed SHA1 authentication, and the RFC 5880 session state machine with
 * its timers.
 *
 * Tables where they fit: malformed bytes to the error they must give,
 * every state against every received state (§6.8.6), sequence windows.
 * Two sessions wired to each other in memory, with a simulated clock and
 * a fixed random sequence, show the whole protocol: the three-way
 * handshake at the slow rate, the Poll Sequences that follow it, failure
 * detection, authentication that never comes Up with the wrong key.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bfd/bfd.h"
#include "tests/unit/unit.h"

#define MS	1000u
#define SEC	1000000u

/* ---- SHA-1 (FIPS 180 and RFC 3174 test vectors) ---------------------- */

static void hex_of(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void check_sha1(const void *data, size_t len, const char *want)
{
	uint8_t d[BFD_SHA1_LEN];
	char got[2 * BFD_SHA1_LEN + 1];

	bfd_sha1(data, len, d);
	hex_of(d, sizeof(d), got);
	ck_assert_str_eq(got, want);
}

START_TEST(sha1_vectors)
{
	static const struct {
		const char *in;
		unsigned repeat;
		const char *digest;
	} rows[] = {
		{ "abc", 1, "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "", 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
		  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
		{ "0123456701234567012345670123456701234567012345670123456701"
		  "234567", 10, "dea356a2cddd90c7a7ecedc5ebb563934f460452" },
		{ "a", 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f" },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		size_t n = strlen(rows[i].in);
		char *buf = malloc(n * rows[i].repeat + 1);

		ck_assert_ptr_nonnull(buf);
		for (unsigned r = 0; r < rows[i].repeat; r++)
			memcpy(buf + r * n, rows[i].in, n);
		check_sha1(buf, n * rows[i].repeat, rows[i].digest);
		free(buf);
	}
	/* Every length from 0 to 129 bytes, so every way the padding falls
	 * (55, 56, 63, 64, 119, 120 ...): the digest of their digests, as
	 * Python's hashlib computes it. */
	uint8_t in[130], all[130 * BFD_SHA1_LEN];
	for (size_t n = 0; n < sizeof(in); n++) {
		in[n] = (uint8_t)n;
		bfd_sha1(in, n, all + n * BFD_SHA1_LEN);
	}
	check_sha1(all, sizeof(all),
	    "e4ad4ab1a796af7013a3364077658c2e6a6c9a65");
}
END_TEST

/* ---- the codec ---------------------------------------------------------- */

/* A valid packet in Down: version 1, diag 0, Detect Mult 3, Length 24,
 * My Discriminator 1, Your 0, 1 s / 1 s, no echo.  Rows below spell out
 * the byte they change. */
#define TAIL	"00000001 00000000 000f4240 000f4240 00000000"
#define TAIL_Y	"00000001 00000002 000f4240 000f4240 00000000"
#define SEQ5	"04 1c 01 00 00000005"
#define DIGEST	"0102030405060708090a0b0c0d0e0f1011121314"
#define SHA1SEC	SEQ5 DIGEST

static const struct decode_row {
	const char *name;
	const char *hex;
	enum bfd_err err;
} decode_rows[] = {
	{ "Down, Your Discriminator 0", "20 40 03 18" TAIL, BFD_OK },
	{ "AdminDown, Your Discriminator 0", "20 00 03 18" TAIL, BFD_OK },
	{ "Up", "20 c0 03 18" TAIL_Y, BFD_OK },
	{ "trailing bytes after Length", "20 40 03 18" TAIL "ffff", BFD_OK },
	{ "Length above 24 without A", "20 40 03 1a" TAIL "0000", BFD_OK },
	{ "every flag but A and M", "3f fa 03 18" TAIL_Y, BFD_OK },
	{ "keyed SHA1", "20 44 03 34" TAIL SHA1SEC, BFD_OK },
	{ "empty", "", BFD_ERR_TRUNCATED },
	{ "version 0", "00 40 03 18" TAIL, BFD_ERR_VERSION },
	{ "version 2", "40 40 03 18" TAIL, BFD_ERR_VERSION },
	{ "version 7, one byte", "e0", BFD_ERR_VERSION },
	{ "version before Detect Mult", "00 41 00 00" TAIL, BFD_ERR_VERSION },
	{ "three bytes", "20 40 03", BFD_ERR_TRUNCATED },
	{ "Length 23", "20 40 03 17" TAIL, BFD_ERR_LENGTH },
	{ "Length 0", "20 40 03 00" TAIL, BFD_ERR_LENGTH },
	{ "Length 25 with A", "20 44 03 19" TAIL "04", BFD_ERR_LENGTH },
	{ "Length 25 in 24 bytes", "20 40 03 19" TAIL, BFD_ERR_TRUNCATED },
	{ "Length 255 in 24 bytes", "20 40 03 ff" TAIL, BFD_ERR_TRUNCATED },
	{ "23 bytes", "20 40 03 18 00000001 00000000 000f4240 000f4240 000000",
	  BFD_ERR_TRUNCATED },
	{ "Detect Mult 0", "20 40 00 18" TAIL, BFD_ERR_DETECT_MULT },
	{ "Multipoint", "20 41 03 18" TAIL, BFD_ERR_MULTIPOINT },
	{ "My Discriminator 0",
	  "20 40 03 18 00000000 00000000 000f4240 000f4240 00000000",
	  BFD_ERR_MY_DISCR },
	{ "Init, Your Discriminator 0", "20 80 03 18" TAIL,
	  BFD_ERR_YOUR_DISCR },
	{ "Up, Your Discriminator 0", "20 c0 03 18" TAIL, BFD_ERR_YOUR_DISCR },
	{ "simple password", "20 44 03 1c" TAIL "01 04 01 61",
	  BFD_ERR_AUTH_UNSUPPORTED },
	{ "keyed MD5", "20 44 03 30" TAIL "02 18 01 00 00000001"
	  "00000000000000000000000000000000", BFD_ERR_AUTH_UNSUPPORTED },
	{ "meticulous keyed MD5", "20 44 03 30" TAIL "03 18 01 00 00000001"
	  "00000000000000000000000000000000", BFD_ERR_AUTH_UNSUPPORTED },
	{ "auth type 0", "20 44 03 1a" TAIL "00 02", BFD_ERR_AUTH_UNSUPPORTED },
	{ "auth type 6", "20 44 03 1a" TAIL "06 02", BFD_ERR_AUTH_UNSUPPORTED },
	{ "SHA1, Auth Len 24", "20 44 03 34" TAIL "04 18 01 00 00000005"
	  "0102030405060708090a0b0c0d0e0f1011121314", BFD_ERR_AUTH_LEN },
	{ "SHA1, Length 40", "20 44 03 28" TAIL SHA1SEC, BFD_ERR_AUTH_LEN },
	{ "SHA1, Length 26", "20 44 03 1a" TAIL "05 1c", BFD_ERR_AUTH_LEN },
};

START_TEST(decode_table)
{
	const struct decode_row *r = &decode_rows[_i];
	uint8_t buf[BFD_RX_BUF];
	struct bfd_pkt p;
	size_t n = unhex(r->hex, buf, sizeof(buf));
	enum bfd_err e = bfd_decode(buf, n, &p);

	ck_assert_msg(e == r->err, "%s: got \"%s\", want \"%s\"", r->name,
	    bfd_err_name(e), bfd_err_name(r->err));
}
END_TEST

START_TEST(decode_fields)
{
	uint8_t buf[BFD_RX_BUF];
	struct bfd_pkt p;
	size_t n = unhex("27 e6 05 34 0000abcd 00001234 000493e0 000186a0"
	    "00000032" SHA1SEC, buf, sizeof(buf));

	ck_assert_int_eq(bfd_decode(buf, n, &p), BFD_OK);
	ck_assert_uint_eq(p.version, 1);
	ck_assert_uint_eq(p.diag, BFD_DIAG_ADMIN_DOWN);
	ck_assert_int_eq(p.state, BFD_UP);
	ck_assert(p.poll && !p.final && !p.cpi && p.auth && p.demand);
	ck_assert(!p.multipoint);
	ck_assert_uint_eq(p.detect_mult, 5);
	ck_assert_uint_eq(p.len, 52);
	ck_assert_uint_eq(p.my_discr, 0xabcd);
	ck_assert_uint_eq(p.your_discr, 0x1234);
	ck_assert_uint_eq(p.desired_min_tx, 300000);
	ck_assert_uint_eq(p.required_min_rx, 100000);
	ck_assert_uint_eq(p.required_min_echo_rx, 50);
	ck_assert_uint_eq(p.a.type, BFD_AUTH_KEYED_SHA1);
	ck_assert_uint_eq(p.a.len, 28);
	ck_assert_uint_eq(p.a.key_id, 1);
	ck_assert_uint_eq(p.a.seq, 5);
	ck_assert_uint_eq(p.a.digest[19], 0x14);
	ck_assert_ptr_eq(p.raw, buf);
}
END_TEST

/* Encode a packet, compare the bytes, decode them back to it. */
START_TEST(encode_round_trip)
{
	static const struct {
		struct bfd_pkt p;
		const char *hex;
	} rows[] = {
		{ { .version = 1, .state = BFD_DOWN, .detect_mult = 3,
		    .my_discr = 1, .desired_min_tx = SEC,
		    .required_min_rx = SEC }, "20 40 03 18" TAIL },
		{ { .version = 1, .diag = 3, .state = BFD_UP, .final = true,
		    .detect_mult = 1, .my_discr = 0xffffffff,
		    .your_discr = 7, .desired_min_tx = 50 * MS,
		    .required_min_rx = 1, .required_min_echo_rx = 0 },
		  "23 d0 01 18 ffffffff 00000007 0000c350 00000001 00000000" },
		{ { .version = 1, .state = BFD_INIT, .poll = true, .cpi = true,
		    .demand = true, .auth = true, .detect_mult = 255,
		    .my_discr = 2, .your_discr = 3, .desired_min_tx = 4,
		    .required_min_rx = 5, .required_min_echo_rx = 6,
		    .a = { .type = 5, .key_id = 9, .seq = 0x01020304,
		    .digest = { 0xaa, [19] = 0xbb } } },
		  "20 ae ff 34 00000002 00000003 00000004 00000005 00000006"
		  "05 1c 09 00 01020304"
		  "aa000000000000000000000000000000000000bb" },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		uint8_t want[BFD_RX_BUF], got[BFD_RX_BUF];
		size_t wn = unhex(rows[i].hex, want, sizeof(want));
		size_t gn = bfd_encode(&rows[i].p, got, sizeof(got));
		struct bfd_pkt back;

		ck_assert_uint_eq(gn, wn);
		ck_assert(memcmp(got, want, wn) == 0);
		ck_assert_int_eq(bfd_decode(got, gn, &back), BFD_OK);
		ck_assert_msg(bfd_pkt_same(&back, &rows[i].p),
		    "row %zu decodes to another packet", i);
		/* One byte short of room: nothing. */
		ck_assert_uint_eq(bfd_encode(&rows[i].p, got, wn - 1), 0);
	}
}
END_TEST

START_TEST(names)
{
	for (unsigned i = 0; i < BFD_NSTATES; i++)
		ck_assert_str_ne(bfd_state_name(i), "unknown");
	for (unsigned i = 0; i < BFD_NDIAGS; i++)
		ck_assert_str_ne(bfd_diag_name(i), "unknown");
	for (unsigned i = 0; i < BFD_AUTH_NTYPES; i++)
		ck_assert_str_ne(bfd_auth_type_name(i), "unknown");
	for (unsigned i = 0; i < BFD_NERRS; i++)
		ck_assert_str_ne(bfd_err_name((enum bfd_err)i), "unknown");
	ck_assert_str_eq(bfd_state_name(BFD_ADMIN_DOWN), "AdminDown");
	ck_assert_str_eq(bfd_diag_name(1), "Control Detection Time Expired");
	ck_assert_str_eq(bfd_diag_name(9), "unknown");
	ck_assert_str_eq(bfd_diag_name(31), "unknown");
	ck_assert_str_eq(bfd_auth_type_name(5), "Meticulous Keyed SHA1");
	ck_assert_str_eq(bfd_state_name(4), "unknown");
	ck_assert_str_eq(bfd_err_name(BFD_NERRS), "unknown");
}
END_TEST

/* ---- authentication ------------------------------------------------------ */

static struct bfd_auth key(enum bfd_auth_type type, uint8_t id,
    const char *secret)
{
	struct bfd_auth a = { .type = type, .key_id = id };

	a.key_len = (uint8_t)strlen(secret);
	memcpy(a.key, secret, a.key_len);
	return a;
}

/* Digests computed with another SHA-1 (Python's hashlib) over the packet
 * with the zero-padded key in the digest's place. */
START_TEST(auth_known_answer)
{
	static const struct {
		const char *hex;
		enum bfd_auth_type type;
		const char *secret;
		const char *digest;
	} rows[] = {
		{ "20440334 00000001 00000002 000f4240 000f4240 00000000"
		  "041c0100 00000005", BFD_AUTH_KEYED_SHA1, "secret",
		  "3ac1f055913c45fdb90a6368383ea0be8e35d54d" },
		/* a 20-byte key, and a Reserved byte the digest covers */
		{ "20c40334 0000abcd 00001234 000493e0 000493e0 00000000"
		  "051c07ff fffffffe", BFD_AUTH_METICULOUS_SHA1,
		  "01234567890123456789",
		  "1436046429dcdf78025bc796cd603161499a80af" },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		uint8_t buf[BFD_RX_BUF];
		size_t n = unhex(rows[i].hex, buf, sizeof(buf));
		struct bfd_auth a = key(rows[i].type, buf[26], rows[i].secret);
		struct bfd_pkt p;
		char got[2 * BFD_SHA1_LEN + 1];

		memset(buf + n, 0x5a, BFD_SHA1_LEN);	/* any old digest */
		n += BFD_SHA1_LEN;
		bfd_auth_sign(buf, n, &a);
		hex_of(buf + n - BFD_SHA1_LEN, BFD_SHA1_LEN, got);
		ck_assert_str_eq(got, rows[i].digest);
		ck_assert_int_eq(bfd_decode(buf, n, &p), BFD_OK);
		ck_assert(bfd_auth_verify(&p, &a));
		/* one bit anywhere in the packet, or in the key, and no */
		for (size_t b = 0; b < n; b++) {
			buf[b] ^= 0x01;
			if (bfd_decode(buf, n, &p) == BFD_OK)
				ck_assert_msg(!bfd_auth_verify(&p, &a),
				    "byte %zu flipped still verifies", b);
			buf[b] ^= 0x01;
		}
		ck_assert_int_eq(bfd_decode(buf, n, &p), BFD_OK);
		a.key[0] ^= 0x80;
		ck_assert(!bfd_auth_verify(&p, &a));
		a.key[0] ^= 0x80;
		a.key_len--;
		ck_assert(!bfd_auth_verify(&p, &a));
	}
}
END_TEST

START_TEST(auth_seq_window)
{
	static const struct {
		enum bfd_auth_type type;
		bool known;
		uint32_t last, seq;
		uint8_t mult;
		bool ok;
	} rows[] = {
		{ BFD_AUTH_KEYED_SHA1, false, 100, 5, 3, true },
		{ BFD_AUTH_METICULOUS_SHA1, false, 100, 100, 3, true },
		{ BFD_AUTH_KEYED_SHA1, true, 100, 100, 3, true },
		{ BFD_AUTH_KEYED_SHA1, true, 100, 109, 3, true },
		{ BFD_AUTH_KEYED_SHA1, true, 100, 110, 3, false },
		{ BFD_AUTH_KEYED_SHA1, true, 100, 99, 3, false },
		{ BFD_AUTH_METICULOUS_SHA1, true, 100, 100, 3, false },
		{ BFD_AUTH_METICULOUS_SHA1, true, 100, 101, 3, true },
		{ BFD_AUTH_METICULOUS_SHA1, true, 100, 109, 3, true },
		{ BFD_AUTH_METICULOUS_SHA1, true, 100, 110, 3, false },
		{ BFD_AUTH_METICULOUS_SHA1, true, 100, 99, 3, false },
		/* circular: across the wrap */
		{ BFD_AUTH_KEYED_SHA1, true, 0xfffffffe, 1, 1, true },
		{ BFD_AUTH_KEYED_SHA1, true, 0xfffffffe, 2, 1, false },
		{ BFD_AUTH_METICULOUS_SHA1, true, 0xffffffff, 0, 1, true },
		{ BFD_AUTH_METICULOUS_SHA1, true, 0, 0xffffffff, 255, false },
		{ BFD_AUTH_KEYED_SHA1, true, 0, 765, 255, true },
		{ BFD_AUTH_KEYED_SHA1, true, 0, 766, 255, false },
	};

	for (size_t i = 0; i < NELEM(rows); i++)
		ck_assert_msg(bfd_auth_seq_ok(rows[i].type, rows[i].known,
		    rows[i].last, rows[i].seq, rows[i].mult) == rows[i].ok,
		    "row %zu", i);
}
END_TEST

/* ---- a session, driven by hand ----------------------------------------- */

#define LOCAL	0x11
#define REMOTE	0x22

static struct bfd_cfg cfg_of(uint32_t tx, uint32_t rx, uint8_t mult)
{
	return (struct bfd_cfg){
		.local_discr = LOCAL, .desired_min_tx = tx,
		.required_min_rx = rx, .detect_mult = mult,
	};
}

/* What the remote says; its discriminator REMOTE, ours if it knows. */
struct said {
	enum bfd_state state;
	bool poll, final, demand;
	uint32_t tx, rx;
	uint8_t mult;
};

static struct bfd_pkt remote_pkt(const struct bfd_session *s, struct said w)
{
	return (struct bfd_pkt){
		.version = 1, .state = w.state, .poll = w.poll,
		.final = w.final, .demand = w.demand,
		.detect_mult = w.mult ? w.mult : 3, .my_discr = REMOTE,
		.your_discr = w.state == BFD_DOWN ||
		    w.state == BFD_ADMIN_DOWN ? 0 : s->local_discr,
		.desired_min_tx = w.tx ? w.tx : 300 * MS,
		.required_min_rx = w.rx ? w.rx : 300 * MS,
	};
}

/* Give the session a packet from the remote at now; must be accepted. */
static struct bfd_act hear(struct bfd_session *s, uint64_t now, struct said w)
{
	struct bfd_pkt p = remote_pkt(s, w);
	struct bfd_act act;

	ck_assert_int_eq(bfd_session_rx(s, &p, now, &act), BFD_OK);
	return act;
}

/* A session in the state asked for, by the book. */
static void reach(struct bfd_session *s, enum bfd_state st, uint64_t now)
{
	struct bfd_cfg c = cfg_of(300 * MS, 300 * MS, 3);
	struct bfd_act act;

	ck_assert(bfd_session_init(s, &c));
	if (st == BFD_ADMIN_DOWN)
		bfd_session_admin(s, true, &act);
	if (st == BFD_INIT || st == BFD_UP)
		hear(s, now, (struct said){ .state = BFD_DOWN });
	if (st == BFD_UP)
		hear(s, now, (struct said){ .state = BFD_INIT });
	ck_assert_int_eq(s->state, st);
}

/* §6.8.6: every state against every received state. */
#define ADMIN	BFD_DIAG_ADMIN_DOWN
START_TEST(transition_matrix)
{
	static const struct {
		enum bfd_state to;
		enum bfd_diag diag;
	} want[BFD_NSTATES][BFD_NSTATES] = {
		[BFD_ADMIN_DOWN] = {
			[BFD_ADMIN_DOWN] = { BFD_ADMIN_DOWN, ADMIN },
			[BFD_DOWN] = { BFD_ADMIN_DOWN, ADMIN },
			[BFD_INIT] = { BFD_ADMIN_DOWN, ADMIN },
			[BFD_UP] = { BFD_ADMIN_DOWN, ADMIN },
		},
		[BFD_DOWN] = {
			[BFD_ADMIN_DOWN] = { BFD_DOWN, BFD_DIAG_NONE },
			[BFD_DOWN] = { BFD_INIT, BFD_DIAG_NONE },
			[BFD_INIT] = { BFD_UP, BFD_DIAG_NONE },
			[BFD_UP] = { BFD_DOWN, BFD_DIAG_NONE },
		},
		[BFD_INIT] = {
			[BFD_ADMIN_DOWN] = { BFD_DOWN, BFD_DIAG_NEIGHBOR_DOWN },
			[BFD_DOWN] = { BFD_INIT, BFD_DIAG_NONE },
			[BFD_INIT] = { BFD_UP, BFD_DIAG_NONE },
			[BFD_UP] = { BFD_UP, BFD_DIAG_NONE },
		},
		[BFD_UP] = {
			[BFD_ADMIN_DOWN] = { BFD_DOWN, BFD_DIAG_NEIGHBOR_DOWN },
			[BFD_DOWN] = { BFD_DOWN, BFD_DIAG_NEIGHBOR_DOWN },
			[BFD_INIT] = { BFD_UP, BFD_DIAG_NONE },
			[BFD_UP] = { BFD_UP, BFD_DIAG_NONE },
		},
	};

	for (unsigned l = 0; l < BFD_NSTATES; l++) {
		for (unsigned r = 0; r < BFD_NSTATES; r++) {
			struct bfd_session s;
			struct bfd_act act;

			reach(&s, l, 0);
			act = hear(&s, 10 * MS, (struct said){
			    .state = r, .poll = true });
			ck_assert_msg(s.state == want[l][r].to &&
			    s.local_diag == want[l][r].diag,
			    "%s hears %s: %s diag %u, want %s diag %u",
			    bfd_state_name(l), bfd_state_name(r),
			    bfd_state_name(s.state), s.local_diag,
			    bfd_state_name(want[l][r].to), want[l][r].diag);
			ck_assert_int_eq(act.from, l);
			ck_assert_int_eq(act.to, s.state);
			/* A Poll is answered in every state but AdminDown,
			 * where the packet is discarded (§6.8.6). */
			ck_assert(act.send_final == (l != BFD_ADMIN_DOWN));
			/* The remote's variables are taken in any state. */
			ck_assert_uint_eq(s.remote_discr, REMOTE);
			ck_assert_int_eq(s.remote_state, r);
		}
	}
}
END_TEST
#undef ADMIN

START_TEST(init_rejects)
{
	struct bfd_session s;
	struct bfd_cfg c = cfg_of(300 * MS, 300 * MS, 3);

	ck_assert(bfd_session_init(&s, &c));
	c.local_discr = 0;
	ck_assert(!bfd_session_init(&s, &c));
	c = cfg_of(0, 300 * MS, 3);
	ck_assert(!bfd_session_init(&s, &c));
	c = cfg_of(300 * MS, 0, 3);
	ck_assert(!bfd_session_init(&s, &c));
	c = cfg_of(300 * MS, 300 * MS, 0);
	ck_assert(!bfd_session_init(&s, &c));
	c = cfg_of(300 * MS, 300 * MS, 3);
	c.auth = key(BFD_AUTH_KEYED_MD5, 1, "x");
	ck_assert(!bfd_session_init(&s, &c));
	c.auth = key(BFD_AUTH_KEYED_SHA1, 1, "");
	ck_assert(!bfd_session_init(&s, &c));
	c.auth = key(BFD_AUTH_KEYED_SHA1, 1, "01234567890123456789");
	ck_assert(bfd_session_init(&s, &c));
	c.auth.key_len = 21;
	ck_assert(!bfd_session_init(&s, &c));
}
END_TEST

/* What the session sends, read back. */
static struct bfd_pkt sent(struct bfd_session *s, uint64_t now,
    enum bfd_tx kind, uint8_t *buf)
{
	struct bfd_pkt p;
	size_t n = bfd_session_tx(s, now, kind, buf, BFD_PKT_MAX);

	ck_assert_uint_ne(n, 0);
	ck_assert_int_eq(bfd_decode(buf, n, &p), BFD_OK);
	ck_assert(!(p.poll && p.final));
	ck_assert(!p.cpi && !p.demand && !p.multipoint);
	ck_assert_uint_eq(p.required_min_echo_rx, 0);
	ck_assert_uint_eq(p.my_discr, s->local_discr);
	return p;
}

START_TEST(tx_contents)
{
	struct bfd_session s;
	struct bfd_cfg c = cfg_of(300 * MS, 200 * MS, 4);
	uint8_t buf[BFD_PKT_MAX];
	struct bfd_pkt p;
	struct bfd_act act;

	ck_assert(bfd_session_init(&s, &c));
	ck_assert_uint_eq(bfd_session_tx(&s, 0, BFD_TX_PERIODIC, buf, 23), 0);
	ck_assert(!s.tx_sent);
	p = sent(&s, 0, BFD_TX_PERIODIC, buf);
	ck_assert_int_eq(p.state, BFD_DOWN);
	ck_assert_uint_eq(p.your_discr, 0);
	/* §6.8.3: 1 s while not Up; RequiredMinRx as configured. */
	ck_assert_uint_eq(p.desired_min_tx, SEC);
	ck_assert_uint_eq(p.required_min_rx, 200 * MS);
	ck_assert_uint_eq(p.detect_mult, 4);
	ck_assert(!p.poll && !p.final && !p.auth);
	act = hear(&s, 0, (struct said){ .state = BFD_DOWN, .poll = true });
	ck_assert(act.send_final);
	p = sent(&s, 0, BFD_TX_FINAL, buf);
	ck_assert(p.final && !p.poll);
	ck_assert_int_eq(p.state, BFD_INIT);
	ck_assert_uint_eq(p.your_discr, REMOTE);
	hear(&s, 0, (struct said){ .state = BFD_UP });
	ck_assert_int_eq(s.state, BFD_UP);
	/* Up: the configured 300 ms, with a Poll (§6.8.3); a Final in the
	 * meantime never carries P (§6.8.7). */
	p = sent(&s, 0, BFD_TX_FINAL, buf);
	ck_assert(p.final && !p.poll);
	p = sent(&s, 0, BFD_TX_PERIODIC, buf);
	ck_assert(p.poll && !p.final);
	ck_assert_uint_eq(p.desired_min_tx, 300 * MS);
	ck_assert_int_eq(p.state, BFD_UP);
}
END_TEST

/* ---- timers ------------------------------------------------------------ */

START_TEST(detection_expiry)
{
	struct bfd_session s;
	struct bfd_act act;
	uint64_t t = 5 * SEC;

	reach(&s, BFD_UP, t);
	/* its Detect Mult 3 x max(our 300 ms, its 300 ms) */
	ck_assert_uint_eq(bfd_session_detect_time(&s), 900 * MS);
	act = hear(&s, t, (struct said){ .state = BFD_UP, .tx = 500 * MS,
	    .mult = 2 });
	ck_assert_uint_eq(bfd_session_detect_time(&s), SEC);
	ck_assert_uint_eq(act.detect_at, t + SEC);
	/* early: nothing */
	bfd_session_expire(&s, t + SEC - 1, &act);
	ck_assert_int_eq(s.state, BFD_UP);
	ck_assert_uint_eq(act.detect_at, t + SEC);
	bfd_session_expire(&s, t + SEC, &act);
	ck_assert_int_eq(act.from, BFD_UP);
	ck_assert_int_eq(act.to, BFD_DOWN);
	ck_assert_int_eq(s.local_diag, BFD_DIAG_DETECT_EXPIRED);
	ck_assert_uint_eq(s.remote_discr, 0);
	ck_assert_uint_eq(act.detect_at, BFD_NEVER);
	/* back to the slow rate, announced with a Poll */
	ck_assert(act.tx_changed);
	ck_assert_uint_eq(s.desired_min_tx, SEC);
	ck_assert_uint_eq(bfd_session_tx_interval(&s), SEC);
	ck_assert(s.poll);
	/* Init expires too; Down only forgets the discriminator. */
	reach(&s, BFD_INIT, t);
	bfd_session_expire(&s, t + 900 * MS, &act);
	ck_assert_int_eq(s.state, BFD_DOWN);
	ck_assert_int_eq(s.local_diag, BFD_DIAG_DETECT_EXPIRED);
	reach(&s, BFD_DOWN, t);
	hear(&s, t, (struct said){ .state = BFD_UP, .mult = 1 });
	ck_assert_int_eq(s.state, BFD_DOWN);
	ck_assert_uint_eq(s.remote_discr, REMOTE);
	bfd_session_expire(&s, t + 300 * MS, &act);
	ck_assert_int_eq(s.state, BFD_DOWN);
	ck_assert_int_eq(act.from, act.to);
	ck_assert_uint_eq(s.remote_discr, 0);
}
END_TEST

/* A session that has reached Up and finished the Poll that follows. */
static void reach_steady(struct bfd_session *s, uint64_t now)
{
	uint8_t buf[BFD_PKT_MAX];
	struct bfd_act act;

	reach(s, BFD_UP, now);
	ck_assert(s->poll);
	sent(s, now, BFD_TX_PERIODIC, buf);
	act = hear(s, now, (struct said){ .state = BFD_UP, .final = true });
	ck_assert(act.poll_done);
	ck_assert(!s->poll);
}

START_TEST(poll_timer_change)
{
	struct bfd_session s;
	struct bfd_act act;
	uint8_t buf[BFD_PKT_MAX];
	struct bfd_pkt p;
	uint64_t t = SEC;

	reach_steady(&s, t);
	ck_assert_uint_eq(bfd_session_tx_interval(&s), 300 * MS);
	ck_assert_uint_eq(bfd_session_rx_interval(&s), 300 * MS);

	/* §6.8.3: a larger DesiredMinTx is sent at once, used after the
	 * Final; a smaller RequiredMinRx likewise. */
	ck_assert(bfd_session_set_timers(&s, 2 * SEC, 100 * MS, 3, &act));
	ck_assert(!act.tx_changed);
	ck_assert(s.poll);
	ck_assert_uint_eq(bfd_session_tx_interval(&s), 300 * MS);
	p = sent(&s, t, BFD_TX_PERIODIC, buf);
	ck_assert(p.poll);
	ck_assert_uint_eq(p.desired_min_tx, 2 * SEC);
	ck_assert_uint_eq(p.required_min_rx, 100 * MS);
	act = hear(&s, t, (struct said){ .state = BFD_UP, .tx = 100 * MS });
	ck_assert_uint_eq(bfd_session_detect_time(&s), 900 * MS);
	ck_assert(!act.poll_done);
	act = hear(&s, t, (struct said){ .state = BFD_UP, .final = true,
	    .tx = 100 * MS });
	ck_assert(act.poll_done && act.tx_changed);
	ck_assert(!s.poll);
	ck_assert_uint_eq(bfd_session_tx_interval(&s), 2 * SEC);
	ck_assert_uint_eq(bfd_session_detect_time(&s), 300 * MS);
	p = sent(&s, t, BFD_TX_PERIODIC, buf);
	ck_assert(!p.poll);

	/* A smaller DesiredMinTx and a larger RequiredMinRx apply at once. */
	ck_assert(bfd_session_set_timers(&s, 50 * MS, 600 * MS, 3, &act));
	ck_assert(act.tx_changed);
	ck_assert_uint_eq(bfd_session_tx_interval(&s), 300 * MS);
	ck_assert_uint_eq(bfd_session_detect_time(&s), 1800 * MS);
	ck_assert_uint_eq(act.detect_at, t + 1800 * MS);
	ck_assert(s.poll);

	/* A Final before any packet with P ends nothing; a change during
	 * a Poll Sequence waits for a second one. */
	act = hear(&s, t, (struct said){ .state = BFD_UP, .final = true });
	ck_assert(!act.poll_done && s.poll);
	sent(&s, t, BFD_TX_PERIODIC, buf);
	ck_assert(bfd_session_set_timers(&s, 70 * MS, 600 * MS, 3, &act));
	act = hear(&s, t, (struct said){ .state = BFD_UP, .final = true });
	ck_assert(!act.poll_done && s.poll);
	ck_assert_uint_eq(s.tx_used, 50 * MS);
	p = sent(&s, t, BFD_TX_PERIODIC, buf);
	ck_assert(p.poll);
	ck_assert_uint_eq(p.desired_min_tx, 70 * MS);
	act = hear(&s, t, (struct said){ .state = BFD_UP, .final = true });
	ck_assert(act.poll_done && !s.poll);
	ck_assert_uint_eq(s.tx_used, 70 * MS);

	/* Same values again: no Poll.  Zeroes: refused, nothing changes. */
	ck_assert(bfd_session_set_timers(&s, 70 * MS, 600 * MS, 3, &act));
	ck_assert(!s.poll);
	ck_assert(!bfd_session_set_timers(&s, 0, 600 * MS, 3, &act));
	ck_assert(!bfd_session_set_timers(&s, 70 * MS, 600 * MS, 0, &act));
	ck_assert_uint_eq(s.desired_min_tx, 70 * MS);
	ck_assert_uint_eq(s.detect_mult, 3);
}
END_TEST

START_TEST(jitter_bounds)
{
	static const struct {
		uint32_t tx;
		uint8_t mult;
		uint32_t rnd;
		uint32_t after;		/* µs after the last packet */
	} rows[] = {
		{ 300 * MS, 3, 0, 225 * MS },
		{ 300 * MS, 3, UINT32_MAX, 300 * MS },
		{ 300 * MS, 3, 0x80000000u, 262500 },
		{ 300 * MS, 1, 0, 225 * MS },
		{ 300 * MS, 1, UINT32_MAX, 270 * MS },
		{ 10 * MS, 2, UINT32_MAX, 10 * MS },
		{ 3, 3, 0, 3 },
	};
	struct bfd_session s;
	struct bfd_act act;
	uint8_t buf[BFD_PKT_MAX];
	uint64_t t = 7 * SEC;

	for (size_t i = 0; i < NELEM(rows); i++) {
		reach_steady(&s, t);
		ck_assert(bfd_session_set_timers(&s, rows[i].tx, 1,
		    rows[i].mult, &act));
		hear(&s, t, (struct said){ .state = BFD_UP, .rx = 1 });
		ck_assert_uint_eq(bfd_session_tx_interval(&s), rows[i].tx);
		sent(&s, t, BFD_TX_PERIODIC, buf);
		ck_assert_uint_eq(bfd_session_next_tx(&s, t, rows[i].rnd),
		    t + rows[i].after);
	}
	/* Any random number stays within 75-100 % (75-90 % with 1). */
	for (uint8_t mult = 1; mult <= 2; mult++) {
		reach_steady(&s, t);
		ck_assert(bfd_session_set_timers(&s, 100 * MS, 1, mult, &act));
		hear(&s, t, (struct said){ .state = BFD_UP, .rx = 1 });
		sent(&s, t, BFD_TX_PERIODIC, buf);
		for (uint32_t r = 0, k = 0; k < 1000; k++, r += 4294967u) {
			uint64_t at = bfd_session_next_tx(&s, t, r);
			ck_assert(at >= t + 75 * MS);
			ck_assert(at <= t + (mult == 1 ? 90 : 100) * MS);
		}
	}

	/* Not Up: 1 s at least (§6.8.3); the first packet at once; never
	 * before now. */
	struct bfd_cfg c = cfg_of(50 * MS, 50 * MS, 3);
	ck_assert(bfd_session_init(&s, &c));
	ck_assert_uint_eq(bfd_session_next_tx(&s, t, 0), t);
	sent(&s, t, BFD_TX_PERIODIC, buf);
	ck_assert_uint_eq(bfd_session_next_tx(&s, t, 0), t + 750 * MS);
	ck_assert_uint_eq(bfd_session_next_tx(&s, t, UINT32_MAX), t + SEC);
	ck_assert_uint_eq(bfd_session_next_tx(&s, t + 5 * SEC, 0),
	    t + 5 * SEC);
	/* The remote's RequiredMinRx, larger, wins (§6.8.2). */
	hear(&s, t, (struct said){ .state = BFD_DOWN, .rx = 4 * SEC });
	ck_assert_uint_eq(bfd_session_next_tx(&s, t, UINT32_MAX), t + 4 * SEC);
	/* RequiredMinRx 0: no periodic packets (§6.8.7). */
	act = hear(&s, t, (struct said){ .state = BFD_DOWN });
	ck_assert_int_eq(s.state, BFD_INIT);
	struct bfd_pkt p = remote_pkt(&s, (struct said){ .state = BFD_INIT });
	p.required_min_rx = 0;
	ck_assert_int_eq(bfd_session_rx(&s, &p, t, &act), BFD_OK);
	ck_assert(act.tx_changed);
	ck_assert_uint_eq(bfd_session_next_tx(&s, t, 0), BFD_NEVER);
}
END_TEST

/* §6.8.7: Demand mode active on the remote stops periodic packets,
 * except while our own Poll Sequence runs; a Poll is still answered. */
START_TEST(remote_demand)
{
	struct bfd_session s;
	struct bfd_act act;
	uint64_t t = SEC;

	reach(&s, BFD_UP, t);
	ck_assert(s.poll);
	act = hear(&s, t, (struct said){ .state = BFD_UP, .demand = true });
	ck_assert(!act.tx_changed);	/* our Poll still runs */
	ck_assert_uint_ne(bfd_session_next_tx(&s, t, 0), BFD_NEVER);
	reach_steady(&s, t);
	act = hear(&s, t, (struct said){ .state = BFD_UP, .demand = true });
	ck_assert(act.tx_changed);
	ck_assert_uint_eq(bfd_session_next_tx(&s, t, 0), BFD_NEVER);
	act = hear(&s, t, (struct said){ .state = BFD_UP, .demand = true,
	    .poll = true });
	ck_assert(act.send_final);
	act = hear(&s, t, (struct said){ .state = BFD_UP });
	ck_assert(act.tx_changed);
	ck_assert_uint_ne(bfd_session_next_tx(&s, t, 0), BFD_NEVER);
}
END_TEST

START_TEST(admin_down)
{
	struct bfd_session s;
	struct bfd_act act;
	uint8_t buf[BFD_PKT_MAX];
	struct bfd_pkt p;

	reach_steady(&s, 0);
	bfd_session_admin(&s, true, &act);
	ck_assert_int_eq(act.from, BFD_UP);
	ck_assert_int_eq(act.to, BFD_ADMIN_DOWN);
	ck_assert_int_eq(s.local_diag, BFD_DIAG_ADMIN_DOWN);
	p = sent(&s, 0, BFD_TX_PERIODIC, buf);
	ck_assert_int_eq(p.state, BFD_ADMIN_DOWN);
	ck_assert_uint_eq(p.diag, BFD_DIAG_ADMIN_DOWN);
	ck_assert_uint_eq(p.desired_min_tx, SEC);
	/* again: nothing */
	bfd_session_admin(&s, true, &act);
	ck_assert_int_eq(act.from, act.to);
	act = hear(&s, 0, (struct said){ .state = BFD_INIT, .poll = true });
	ck_assert_int_eq(s.state, BFD_ADMIN_DOWN);
	ck_assert(!act.send_final);
	/* detection never takes it anywhere but forgets RemoteDiscr */
	bfd_session_expire(&s, act.detect_at, &act);
	ck_assert_int_eq(s.state, BFD_ADMIN_DOWN);
	ck_assert_uint_eq(s.remote_discr, 0);
	bfd_session_admin(&s, false, &act);
	ck_assert_int_eq(act.to, BFD_DOWN);
	ck_assert_int_eq(s.local_diag, BFD_DIAG_NONE);
	bfd_session_admin(&s, false, &act);
	ck_assert_int_eq(act.from, act.to);
}
END_TEST

/* ---- session checks and authentication, by hand ------------------------- */

static struct bfd_cfg auth_cfg(enum bfd_auth_type type, const char *secret)
{
	struct bfd_cfg c = cfg_of(300 * MS, 300 * MS, 3);

	c.auth = key(type, 7, secret);
	c.auth_seq = 1000;
	return c;
}

/* A packet from the remote, signed with a (NULL: not authenticated). */
static enum bfd_err hear_signed(struct bfd_session *s, uint64_t now,
    struct said w, const struct bfd_auth *a, uint32_t seq, uint8_t *buf)
{
	struct bfd_pkt p = remote_pkt(s, w), d;
	struct bfd_act act;
	size_t n;

	if (a != NULL) {
		p.auth = true;
		p.a = (struct bfd_pkt_auth){ .type = (uint8_t)a->type,
		    .key_id = a->key_id, .seq = seq };
	}
	n = bfd_encode(&p, buf, BFD_PKT_MAX);
	if (a != NULL)
		bfd_auth_sign(buf, n, a);
	ck_assert_int_eq(bfd_decode(buf, n, &d), BFD_OK);
	return bfd_session_rx(s, &d, now, &act);
}

START_TEST(session_checks)
{
	static const struct {
		const char *name;
		enum bfd_auth_type ours;	/* NONE: no auth */
		enum bfd_auth_type theirs;
		const char *secret;		/* ours is "secret" */
		uint8_t key_id;			/* theirs; ours is 7 */
		enum bfd_err err;
	} rows[] = {
		{ "no auth", BFD_AUTH_NONE, BFD_AUTH_NONE, "", 7, BFD_OK },
		{ "keyed", BFD_AUTH_KEYED_SHA1, BFD_AUTH_KEYED_SHA1, "secret",
		  7, BFD_OK },
		{ "meticulous", BFD_AUTH_METICULOUS_SHA1,
		  BFD_AUTH_METICULOUS_SHA1, "secret", 7, BFD_OK },
		{ "unexpected", BFD_AUTH_NONE, BFD_AUTH_KEYED_SHA1, "secret", 7,
		  BFD_ERR_AUTH_UNEXPECTED },
		{ "missing", BFD_AUTH_KEYED_SHA1, BFD_AUTH_NONE, "", 7,
		  BFD_ERR_AUTH_MISSING },
		{ "type", BFD_AUTH_KEYED_SHA1, BFD_AUTH_METICULOUS_SHA1,
		  "secret", 7, BFD_ERR_AUTH_TYPE },
		{ "key id", BFD_AUTH_KEYED_SHA1, BFD_AUTH_KEYED_SHA1, "secret",
		  8, BFD_ERR_AUTH_KEY_ID },
		{ "key", BFD_AUTH_METICULOUS_SHA1, BFD_AUTH_METICULOUS_SHA1,
		  "Secret", 7, BFD_ERR_AUTH_DIGEST },
		{ "short key", BFD_AUTH_KEYED_SHA1, BFD_AUTH_KEYED_SHA1,
		  "secre", 7, BFD_ERR_AUTH_DIGEST },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		struct bfd_cfg c = auth_cfg(rows[i].ours, "secret");
		struct bfd_auth theirs = key(rows[i].theirs, rows[i].key_id,
		    rows[i].secret);
		struct bfd_session s, before;
		uint8_t buf[BFD_PKT_MAX];
		enum bfd_err e;

		if (rows[i].ours == BFD_AUTH_NONE)
			c.auth = (struct bfd_auth){ 0 };
		ck_assert(bfd_session_init(&s, &c));
		memcpy(&before, &s, sizeof(s));
		e = hear_signed(&s, 0, (struct said){ .state = BFD_DOWN },
		    rows[i].theirs == BFD_AUTH_NONE ? NULL : &theirs, 42, buf);
		ck_assert_msg(e == rows[i].err, "%s: got \"%s\"",
		    rows[i].name, bfd_err_name(e));
		if (e != BFD_OK)
			ck_assert_msg(memcmp(&s, &before, sizeof(s)) == 0,
			    "%s: a dropped packet changed the session",
			    rows[i].name);
		else
			ck_assert_int_eq(s.state, BFD_INIT);
	}

	/* Your Discriminator of another session: dropped, no change. */
	struct bfd_session s, before;
	struct bfd_cfg c = cfg_of(300 * MS, 300 * MS, 3);
	struct bfd_act act;
	ck_assert(bfd_session_init(&s, &c));
	memcpy(&before, &s, sizeof(s));
	struct bfd_pkt p = remote_pkt(&s, (struct said){ .state = BFD_INIT });
	p.your_discr = LOCAL + 1;
	ck_assert_int_eq(bfd_session_rx(&s, &p, 0, &act),
	    BFD_ERR_WRONG_SESSION);
	ck_assert(memcmp(&s, &before, sizeof(s)) == 0);
	ck_assert_int_eq(act.from, act.to);
	/* An authenticated packet not from bfd_decode has no bytes to
	 * check: refused. */
	c = auth_cfg(BFD_AUTH_KEYED_SHA1, "secret");
	ck_assert(bfd_session_init(&s, &c));
	p = remote_pkt(&s, (struct said){ .state = BFD_DOWN });
	p.auth = true;
	p.a = (struct bfd_pkt_auth){ .type = BFD_AUTH_KEYED_SHA1, .len = 28,
	    .key_id = 7 };
	ck_assert_int_eq(bfd_session_rx(&s, &p, 0, &act), BFD_ERR_AUTH_DIGEST);
}
END_TEST

/* §6.7.4 and §6.8.1: the receive window in a session, and its end after
 * twice the detection time of silence. */
START_TEST(session_seq)
{
	struct bfd_cfg c;
	struct bfd_session s;
	struct bfd_act act;
	uint8_t buf[BFD_PKT_MAX];
	struct said down = { .state = BFD_DOWN };

	/* keyed: the same number again is fine, 3 x 3 ahead too */
	c = auth_cfg(BFD_AUTH_KEYED_SHA1, "secret");
	ck_assert(bfd_session_init(&s, &c));
	ck_assert_int_eq(hear_signed(&s, 0, down, &c.auth, 500, buf), BFD_OK);
	ck_assert(s.auth_seq_known);
	ck_assert_uint_eq(s.rcv_auth_seq, 500);
	ck_assert_int_eq(hear_signed(&s, 0, down, &c.auth, 500, buf), BFD_OK);
	ck_assert_int_eq(hear_signed(&s, 0, down, &c.auth, 509, buf), BFD_OK);
	ck_assert_int_eq(hear_signed(&s, 0, down, &c.auth, 508, buf),
	    BFD_ERR_AUTH_SEQ);
	ck_assert_int_eq(hear_signed(&s, 0, down, &c.auth, 519, buf),
	    BFD_ERR_AUTH_SEQ);

	/* meticulous: a replay is refused */
	c = auth_cfg(BFD_AUTH_METICULOUS_SHA1, "secret");
	ck_assert(bfd_session_init(&s, &c));
	ck_assert_int_eq(hear_signed(&s, 0, down, &c.auth, 0xffffffff, buf),
	    BFD_OK);
	ck_assert_int_eq(hear_signed(&s, 0, down, &c.auth, 0xffffffff, buf),
	    BFD_ERR_AUTH_SEQ);
	ck_assert_int_eq(hear_signed(&s, 0, down, &c.auth, 0, buf), BFD_OK);
	/* a forged packet moves nothing */
	struct bfd_auth wrong = key(BFD_AUTH_METICULOUS_SHA1, 7, "guess");
	ck_assert_int_eq(hear_signed(&s, 0, down, &wrong, 5, buf),
	    BFD_ERR_AUTH_DIGEST);
	ck_assert_uint_eq(s.rcv_auth_seq, 0);

	/* silence: at the detection time the remote is forgotten, at twice
	 * it the sequence, so a restarted remote comes back */
	uint64_t dt = bfd_session_detect_time(&s);
	ck_assert_uint_eq(dt, 900 * MS);
	bfd_session_expire(&s, dt, &act);
	ck_assert(s.auth_seq_known);
	ck_assert_uint_eq(act.detect_at, 2 * dt);
	bfd_session_expire(&s, 2 * dt - 1, &act);
	ck_assert(s.auth_seq_known);
	bfd_session_expire(&s, 2 * dt, &act);
	ck_assert(!s.auth_seq_known);
	ck_assert_uint_eq(act.detect_at, BFD_NEVER);
	ck_assert_int_eq(hear_signed(&s, 2 * dt, down, &c.auth, 77, buf),
	    BFD_OK);

	/* our own sequence: from the configured start, one a packet */
	ck_assert_uint_eq(s.xmit_auth_seq, 1000);
	struct bfd_pkt p = sent(&s, 0, BFD_TX_PERIODIC, buf);
	ck_assert(p.auth);
	ck_assert_uint_eq(p.a.seq, 1000);
	ck_assert_uint_eq(p.a.key_id, 7);
	ck_assert(bfd_auth_verify(&p, &c.auth));
	p = sent(&s, 0, BFD_TX_FINAL, buf);
	ck_assert_uint_eq(p.a.seq, 1001);
	ck_assert_uint_eq(s.xmit_auth_seq, 1002);
}
END_TEST

/* ---- two sessions wired to each other ------------------------------------ */

struct node {
	struct bfd_session s;
	uint64_t tx_at, detect_at;
	uint32_t rng;
	bool mute;		/* its packets are lost */
	unsigned ups, downs, dropped;
	enum bfd_err last_err;
	struct node *peer;
};

static uint32_t next_random(struct node *n)
{
	/* xorshift32: a fixed sequence for a fixed seed */
	n->rng ^= n->rng << 13;
	n->rng ^= n->rng >> 17;
	n->rng ^= n->rng << 5;
	return n->rng;
}

static void deliver(struct node *to, const uint8_t *buf, size_t len,
    uint64_t now);

static void apply(struct node *n, const struct bfd_act *act, uint64_t now)
{
	uint8_t buf[BFD_PKT_MAX];

	if (act->from != act->to) {
		n->ups += act->to == BFD_UP;
		n->downs += act->from == BFD_UP;
	}
	if (act->tx_changed)
		n->tx_at = bfd_session_next_tx(&n->s, now, next_random(n));
	n->detect_at = act->detect_at;
	if (act->send_final) {
		size_t len = bfd_session_tx(&n->s, now, BFD_TX_FINAL, buf,
		    sizeof(buf));
		if (!n->mute)
			deliver(n->peer, buf, len, now);
	}
}

static void deliver(struct node *to, const uint8_t *buf, size_t len,
    uint64_t now)
{
	struct bfd_pkt p;
	struct bfd_act act;
	enum bfd_err e = bfd_decode(buf, len, &p);

	if (e == BFD_OK)
		e = bfd_session_rx(&to->s, &p, now, &act);
	if (e != BFD_OK) {
		to->dropped++;
		to->last_err = e;
		return;
	}
	apply(to, &act, now);
}

static void node_init(struct node *n, struct node *peer, uint32_t discr,
    uint32_t tx, const struct bfd_auth *a, uint32_t seed)
{
	struct bfd_cfg c = {
		.local_discr = discr, .desired_min_tx = tx,
		.required_min_rx = tx, .detect_mult = 3, .auth_seq = seed,
	};

	if (a != NULL)
		c.auth = *a;
	*n = (struct node){ .rng = seed, .peer = peer,
	    .detect_at = BFD_NEVER };
	ck_assert(bfd_session_init(&n->s, &c));
	n->tx_at = bfd_session_next_tx(&n->s, 0, next_random(n));
}

/* Run both until `until`, jumping from one timer to the next. */
static uint64_t run(struct node *nodes, uint64_t now, uint64_t until)
{
	uint8_t buf[BFD_PKT_MAX];

	for (;;) {
		uint64_t next = until;
		for (int i = 0; i < 2; i++) {
			if (nodes[i].tx_at < next)
				next = nodes[i].tx_at;
			if (nodes[i].detect_at < next)
				next = nodes[i].detect_at;
		}
		if (next >= until)
			return until;
		ck_assert(next >= now);
		now = next;
		for (int i = 0; i < 2; i++) {
			struct node *n = &nodes[i];
			struct bfd_act act;

			if (n->detect_at <= now) {
				bfd_session_expire(&n->s, now, &act);
				apply(n, &act, now);
			}
			if (n->tx_at <= now) {
				size_t len = bfd_session_tx(&n->s, now,
				    BFD_TX_PERIODIC, buf, sizeof(buf));
				n->tx_at = bfd_session_next_tx(&n->s, now,
				    next_random(n));
				ck_assert(n->tx_at > now);
				if (!n->mute)
					deliver(n->peer, buf, len, now);
			}
		}
	}
}

static void pair(struct node *nd, uint32_t tx, const struct bfd_auth *a0,
    const struct bfd_auth *a1)
{
	node_init(&nd[0], &nd[1], 0x1000, tx, a0, 12345);
	node_init(&nd[1], &nd[0], 0x2000, tx, a1, 67890);
}

START_TEST(pair_comes_up)
{
	struct node nd[2];
	uint64_t t;

	pair(nd, 100 * MS, NULL, NULL);
	/* The handshake runs at the slow rate: Up within a few seconds. */
	t = run(nd, 0, 3 * SEC);
	ck_assert_int_eq(nd[0].s.state, BFD_UP);
	ck_assert_int_eq(nd[1].s.state, BFD_UP);
	ck_assert_uint_eq(nd[0].ups + nd[1].ups, 2);
	/* ... and the Polls that follow have brought both to 100 ms. */
	ck_assert(!nd[0].s.poll && !nd[1].s.poll);
	ck_assert_uint_eq(bfd_session_tx_interval(&nd[0].s), 100 * MS);
	ck_assert_uint_eq(bfd_session_detect_time(&nd[1].s), 300 * MS);
	ck_assert_uint_eq(nd[0].s.remote_discr, 0x2000);
	ck_assert_uint_eq(nd[1].s.remote_discr, 0x1000);
	ck_assert_uint_eq(nd[0].dropped + nd[1].dropped, 0);

	/* An hour of jittered packets: never a flap. */
	t = run(nd, t, t + 3600ull * SEC);
	ck_assert_uint_eq(nd[0].downs + nd[1].downs, 0);

	/* A timer change while Up: a Poll, then the new rate, no flap. */
	struct bfd_act act;
	ck_assert(bfd_session_set_timers(&nd[0].s, 500 * MS, 500 * MS, 3,
	    &act));
	apply(&nd[0], &act, t);
	t = run(nd, t, t + 5 * SEC);
	ck_assert(!nd[0].s.poll);
	ck_assert_uint_eq(bfd_session_tx_interval(&nd[0].s), 500 * MS);
	ck_assert_uint_eq(bfd_session_tx_interval(&nd[1].s), 500 * MS);
	ck_assert_uint_eq(bfd_session_detect_time(&nd[1].s), 1500 * MS);
	ck_assert_uint_eq(nd[0].downs + nd[1].downs, 0);

	/* Node 1's packets are lost: node 0 goes Down within the detection
	 * time, diag 1; its next packet, at most 1 s later at the slow rate,
	 * takes node 1 Down with diag 3 (it then sits in Init, hearing node
	 * 0's Down and unheard itself). */
	nd[1].mute = true;
	t = run(nd, t, t + 1500 * MS + 1);
	ck_assert_int_eq(nd[0].s.state, BFD_DOWN);
	ck_assert_int_eq(nd[0].s.local_diag, BFD_DIAG_DETECT_EXPIRED);
	t = run(nd, t, t + SEC + 1);
	ck_assert_uint_eq(nd[1].downs, 1);
	ck_assert_int_ne(nd[1].s.state, BFD_UP);
	ck_assert_int_eq(nd[1].s.local_diag, BFD_DIAG_NEIGHBOR_DOWN);

	/* Back: up again. */
	nd[1].mute = false;
	t = run(nd, t, t + 5 * SEC);
	ck_assert_int_eq(nd[0].s.state, BFD_UP);
	ck_assert_int_eq(nd[1].s.state, BFD_UP);
	ck_assert_uint_eq(nd[0].ups, 2);
}
END_TEST

/* Both silent toward each other after Up: each detects on its own, at
 * the detection time after the last packet it heard. */
START_TEST(pair_detects_failure)
{
	struct node nd[2];
	uint64_t t, last_heard;

	pair(nd, 50 * MS, NULL, NULL);
	t = run(nd, 0, 4 * SEC);
	ck_assert_int_eq(nd[0].s.state, BFD_UP);
	last_heard = nd[0].s.last_rx;
	nd[0].mute = nd[1].mute = true;
	t = run(nd, t, last_heard + 150 * MS);
	ck_assert_int_eq(nd[0].s.state, BFD_UP);
	t = run(nd, t, last_heard + 150 * MS + 1);
	ck_assert_int_eq(nd[0].s.state, BFD_DOWN);
	ck_assert_int_eq(nd[0].s.local_diag, BFD_DIAG_DETECT_EXPIRED);
	t = run(nd, t, t + 200 * MS);
	ck_assert_int_eq(nd[1].s.state, BFD_DOWN);
	ck_assert_int_eq(nd[1].s.local_diag, BFD_DIAG_DETECT_EXPIRED);
}
END_TEST

START_TEST(pair_auth)
{
	struct node nd[2];
	struct bfd_auth k = key(BFD_AUTH_METICULOUS_SHA1, 3, "s3cret");
	struct bfd_auth bad = key(BFD_AUTH_METICULOUS_SHA1, 3, "s3creT");
	struct bfd_auth keyed = key(BFD_AUTH_KEYED_SHA1, 3, "s3cret");

	/* the same key both sides: Up, every packet signed and checked */
	pair(nd, 100 * MS, &k, &k);
	run(nd, 0, 60 * SEC);
	ck_assert_int_eq(nd[0].s.state, BFD_UP);
	ck_assert_int_eq(nd[1].s.state, BFD_UP);
	ck_assert_uint_eq(nd[0].dropped + nd[1].dropped, 0);
	ck_assert_uint_eq(nd[0].downs + nd[1].downs, 0);
	pair(nd, 100 * MS, &keyed, &keyed);
	run(nd, 0, 60 * SEC);
	ck_assert_int_eq(nd[0].s.state, BFD_UP);
	ck_assert_uint_eq(nd[0].dropped + nd[1].dropped, 0);

	/* a mismatch of any kind never comes Up */
	const struct {
		const struct bfd_auth *a0, *a1;
		enum bfd_err err0, err1;
	} rows[] = {
		{ &k, &bad, BFD_ERR_AUTH_DIGEST, BFD_ERR_AUTH_DIGEST },
		{ &k, &keyed, BFD_ERR_AUTH_TYPE, BFD_ERR_AUTH_TYPE },
		{ &k, NULL, BFD_ERR_AUTH_UNEXPECTED, BFD_ERR_AUTH_MISSING },
	};
	for (size_t i = 0; i < NELEM(rows); i++) {
		pair(nd, 100 * MS, rows[i].a0, rows[i].a1);
		run(nd, 0, 60 * SEC);
		ck_assert_uint_eq(nd[0].ups + nd[1].ups, 0);
		ck_assert_int_eq(nd[0].s.state, BFD_DOWN);
		ck_assert_int_eq(nd[1].s.state, BFD_DOWN);
		ck_assert_int_eq(nd[0].last_err, rows[i].err1);
		ck_assert_int_eq(nd[1].last_err, rows[i].err0);
		ck_assert_uint_gt(nd[0].dropped, 50);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bfd");
	TCase *tc;

	tc = unit_tcase(s, "codec");
	tcase_add_test(tc, sha1_vectors);
	tcase_add_loop_test(tc, decode_table, 0, NELEM(decode_rows));
	tcase_add_test(tc, decode_fields);
	tcase_add_test(tc, encode_round_trip);
	tcase_add_test(tc, names);
	tc = unit_tcase(s, "auth");
	tcase_add_test(tc, auth_known_answer);
	tcase_add_test(tc, auth_seq_window);
	tcase_add_test(tc, session_checks);
	tcase_add_test(tc, session_seq);
	tc = unit_tcase(s, "session");
	tcase_add_test(tc, transition_matrix);
	tcase_add_test(tc, init_rejects);
	tcase_add_test(tc, tx_contents);
	tcase_add_test(tc, detection_expiry);
	tcase_add_test(tc, poll_timer_change);
	tcase_add_test(tc, jitter_bounds);
	tcase_add_test(tc, remote_demand);
	tcase_add_test(tc, admin_down);
	tc = unit_tcase(s, "pair");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pair_comes_up);
	tcase_add_test(tc, pair_detects_failure);
	tcase_add_test(tc, pair_auth);
	return unit_run(s);
}
