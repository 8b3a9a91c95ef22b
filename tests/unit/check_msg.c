/*
 * check_msg.c - unit tests for fsm/msg.c and fsm/names.c: framing,
 * KEEPALIVE, NOTIFICATION with the RFC 9003 shutdown communication and
 * the RFC 8538 Hard Reset, what graceful restart keeps, ROUTE-REFRESH,
 * names, and the messages captured from BIRD and GoBGP
 * (captured.h), checked against the decode in their comments.  OPEN,
 * bgp_open_check and bgp_negotiate are check_msg_open.c.
 *
 * The byte vectors are written by hand from the RFCs, never produced by
 * the code under test; tables give the bytes and the expected outcome
 * (code, subcode, data).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/wire_fixture.h"

/* ---- framing ------------------------------------------------------------ */

enum { NEED = BGP_FRAME_NEED_MORE, OK = BGP_FRAME_OK, ERR = BGP_FRAME_ERROR };

static const struct frame_row {
	const char *name;
	const char *hex;	/* the start of the receive buffer */
	size_t avail;		/* zero-pad the buffer to this (0: as given) */
	size_t max_len;
	int want;
	uint8_t sub;		/* header error subcode (code is always 1) */
	const char *data;	/* expected error data */
	uint16_t len;		/* expected header when OK */
	uint8_t type;
} frame_rows[] = {
	{ "empty buffer", "", 0, 4096, NEED, 0, NULL, 0, 0 },
	{ "18 bytes", MARKER "00 13", 0, 4096, NEED, 0, NULL, 0, 0 },
	{ "header of a longer UPDATE", MARKER "0017 02", 0, 4096, NEED, 0,
	    NULL, 0, 0 },
	{ "one byte short", MARKER "0017 02 000000", 0, 4096, NEED, 0, NULL,
	    0, 0 },
	{ "keepalive", MARKER "0013 04", 0, 4096, OK, 0, NULL, 19, 4 },
	{ "two keepalives: first only", MARKER "0013 04" MARKER "0013 04", 0,
	    4096, OK, 0, NULL, 19, 4 },
	/* RFC 4271 §6.1: Connection Not Synchronized, no data. */
	{ "marker first byte", "fe ffffff" FF4 FF4 FF4 "0013 04", 0, 4096,
	    ERR, 1, "", 0, 0 },
	{ "marker last byte", FF4 FF4 FF4 "ffffff 7f 0013 04", 0, 4096, ERR,
	    1, "", 0, 0 },
	{ "all-zero marker", "00000000 00000000 00000000 00000000 0013 04",
	    0, 4096, ERR, 1, "", 0, 0 },
	/* RFC 4271 §6.1: Bad Message Length, data = the Length field. */
	{ "length 0", MARKER "0000 02", 0, 4096, ERR, 2, "0000", 0, 0 },
	{ "length 18", MARKER "0012 04", 0, 4096, ERR, 2, "0012", 0, 0 },
	{ "OPEN 28", MARKER "001c 01", 28, 4096, ERR, 2, "001c", 0, 0 },
	{ "OPEN 29", MARKER "001d 01", 29, 4096, OK, 0, NULL, 29, 1 },
	{ "UPDATE 22", MARKER "0016 02", 22, 4096, ERR, 2, "0016", 0, 0 },
	{ "UPDATE 23", MARKER "0017 02", 23, 4096, OK, 0, NULL, 23, 2 },
	{ "NOTIFICATION 20", MARKER "0014 03", 20, 4096, ERR, 2, "0014", 0,
	    0 },
	{ "NOTIFICATION 21", MARKER "0015 03", 21, 4096, OK, 0, NULL, 21, 3 },
	{ "KEEPALIVE 20", MARKER "0014 04", 20, 4096, ERR, 2, "0014", 0, 0 },
	{ "KEEPALIVE 4096", MARKER "1000 04", 4096, 4096, ERR, 2, "1000", 0,
	    0 },
	{ "KEEPALIVE 20, extended", MARKER "0014 04", 20, 65535, ERR, 2,
	    "0014", 0, 0 },
	{ "ROUTE-REFRESH 22", MARKER "0016 05", 22, 4096, ERR, 2, "0016", 0,
	    0 },
	{ "ROUTE-REFRESH 23", MARKER "0017 05", 23, 4096, OK, 0, NULL, 23, 5 },
	{ "ROUTE-REFRESH 24 frames", MARKER "0018 05", 24, 4096, OK, 0, NULL,
	    24, 5 },
	{ "UPDATE 4096", MARKER "1000 02", 4096, 4096, OK, 0, NULL, 4096, 2 },
	{ "UPDATE 4097", MARKER "1001 02", 4097, 4096, ERR, 2, "1001", 0, 0 },
	{ "UPDATE 65535 at 4096", MARKER "ffff 02", 0, 4096, ERR, 2, "ffff",
	    0, 0 },
	/* RFC 8654: up to 65535 once extended messages are negotiated. */
	{ "UPDATE 4097, extended", MARKER "1001 02", 4097, 65535, OK, 0, NULL,
	    4097, 2 },
	{ "UPDATE 65535, extended, partial", MARKER "ffff 02", 0, 65535, NEED,
	    0, NULL, 0, 0 },
	{ "UPDATE 65535, extended", MARKER "ffff 02", 65535, 65535, OK, 0,
	    NULL, 65535, 2 },
	/* RFC 4271 §6.1: Bad Message Type, data = the Type field. */
	{ "type 0", MARKER "0013 00", 0, 4096, ERR, 3, "00", 0, 0 },
	{ "type 6", MARKER "0013 06", 0, 4096, ERR, 3, "06", 0, 0 },
	{ "type 255", MARKER "0017 ff", 23, 4096, ERR, 3, "ff", 0, 0 },
};

static uint8_t big[65536];

START_TEST(frame_table)
{
	for (size_t i = 0; i < NELEM(frame_rows); i++) {
		const struct frame_row *r = &frame_rows[i];
		struct bgp_hdr h = { 0, 0 };
		struct bgp_err e;

		memset(big, 0, sizeof(big));
		memset(&e, 0, sizeof(e));
		size_t n = unhex(r->hex, big, sizeof(big));
		if (r->avail > n)
			n = r->avail;
		enum bgp_frame got = bgp_frame(big, n, r->max_len, &h, &e);
		ck_assert_msg((int)got == r->want, "%s: frame %d, want %d",
		    r->name, got, r->want);
		if (r->want == ERR) {
			check_err(r->name, &e, BGP_ERR_HEADER, r->sub, r->data);
			/* The data must point into the buffer, at the field. */
			size_t at = r->sub == BGP_HDR_BAD_LEN ? 16 :
			    r->sub == BGP_HDR_BAD_TYPE ? 18 : 0;
			if (r->sub != BGP_HDR_NOT_SYNC)
				ck_assert_msg(bgp_err_data(&e) == big + at,
				    "%s: data not the header field", r->name);
		} else if (r->want == OK) {
			ck_assert_msg(h.len == r->len && h.type == r->type,
			    "%s: header %u/%u", r->name, h.len, h.type);
		}
	}
}
END_TEST

/* Every length from 0 to 64 for every type: the per-type minimum holds. */
START_TEST(frame_every_minimum)
{
	static const unsigned min[] = { 0, 29, 23, 21, 19, 23 };
	uint8_t buf[64];

	for (unsigned type = 1; type <= 5; type++) {
		for (unsigned len = 0; len < sizeof(buf); len++) {
			struct bgp_hdr h;
			struct bgp_err e = { 0 };
			memset(buf, 0xff, 16);
			memset(buf + 16, 0, sizeof(buf) - 16);
			buf[16] = 0;
			buf[17] = (uint8_t)len;
			buf[18] = (uint8_t)type;
			enum bgp_frame got = bgp_frame(buf, sizeof(buf), 4096,
			    &h, &e);
			bool good = len >= min[type] &&
			    (type != BGP_MSG_KEEPALIVE || len == 19);
			ck_assert_msg(got == (good ? BGP_FRAME_OK :
			    BGP_FRAME_ERROR), "type %u len %u: %d", type, len,
			    got);
			if (!good)
				check_err("min", &e, 1, 2, NULL);
		}
	}
}
END_TEST

START_TEST(msg_begin_end_keepalive)
{
	uint8_t buf[64], want[64];
	size_t wn = unhex(MARKER "0013 04", want, sizeof(want));

	ck_assert_uint_eq(bgp_keepalive_encode(buf, sizeof(buf)), 19);
	ck_assert(memcmp(buf, want, wn) == 0);
	ck_assert_uint_eq(bgp_keepalive_encode(buf, 18), 0);

	struct wr w = wr_init(buf, sizeof(buf));
	wr_u8(&w, 0xaa);	/* begin at a non-zero offset */
	size_t start = bgp_msg_begin(&w, BGP_MSG_UPDATE);
	ck_assert_uint_eq(start, 1);
	wr_u16(&w, 0);
	wr_u16(&w, 0);
	bgp_msg_end(&w, start);
	ck_assert(!w.overflow);
	wn = unhex("aa" MARKER "0017 02 0000 0000", want, sizeof(want));
	ck_assert_uint_eq(w.len, wn);
	ck_assert(memcmp(buf, want, wn) == 0);
}
END_TEST

/* ---- NOTIFICATION ------------------------------------------------------- */

START_TEST(notification_round_trip)
{
	uint8_t buf[128], want[128];
	static const uint8_t data[] = { 5, 'h', 'e', 'l', 'l', 'o' };

	size_t n = bgp_notification_encode(buf, sizeof(buf), 4096, 6, 2, data,
	    sizeof(data));
	size_t wn = unhex(MARKER "001b 03 06 02 05 68656c6c6f", want,
	    sizeof(want));
	ck_assert_uint_eq(n, wn);
	ck_assert(memcmp(buf, want, wn) == 0);

	struct bgp_notification d;
	ck_assert(bgp_notification_decode(buf, n, &d));
	ck_assert_uint_eq(d.code, 6);
	ck_assert_uint_eq(d.subcode, 2);
	ck_assert_uint_eq(d.len, sizeof(data));
	ck_assert(memcmp(d.data, data, sizeof(data)) == 0);

	/* No data. */
	n = bgp_notification_encode(buf, sizeof(buf), 4096, 4, 0, NULL, 0);
	ck_assert_uint_eq(n, 21);
	ck_assert(bgp_notification_decode(buf, n, &d));
	ck_assert_uint_eq(d.code, 4);
	ck_assert_uint_eq(d.subcode, 0);
	ck_assert_uint_eq(d.len, 0);

	/* Too short to be a NOTIFICATION. */
	ck_assert(!bgp_notification_decode(buf, 20, &d));
	ck_assert(!bgp_notification_decode(buf, 19, &d));
	ck_assert(!bgp_notification_decode(buf, 0, &d));
	/* Too small a buffer for even the fixed part. */
	ck_assert_uint_eq(bgp_notification_encode(buf, 20, 4096, 6, 2, NULL,
	    0), 0);
}
END_TEST

/* RFC 4271 §4.5: data is cut so the message stays within max_len. */
START_TEST(notification_truncated)
{
	static uint8_t data[70000], buf[70000];
	struct bgp_notification d;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;

	size_t n = bgp_notification_encode(buf, sizeof(buf), 4096, 3, 1, data,
	    5000);
	ck_assert_uint_eq(n, 4096);
	ck_assert_uint_eq((size_t)buf[16] << 8 | buf[17], 4096);
	ck_assert(bgp_notification_decode(buf, n, &d));
	ck_assert_uint_eq(d.len, 4096 - 21);
	ck_assert(memcmp(d.data, data, d.len) == 0);

	/* Extended messages: 5000 bytes fit. */
	n = bgp_notification_encode(buf, sizeof(buf), 65535, 3, 1, data, 5000);
	ck_assert_uint_eq(n, 5021);
	/* ... but not 70000. */
	n = bgp_notification_encode(buf, sizeof(buf), 65535, 3, 1, data,
	    70000);
	ck_assert_uint_eq(n, 65535);
	ck_assert_uint_eq((size_t)buf[16] << 8 | buf[17], 65535);
	/* The caller's buffer bounds it too. */
	n = bgp_notification_encode(buf, 100, 4096, 3, 1, data, 5000);
	ck_assert_uint_eq(n, 100);
	ck_assert(bgp_notification_decode(buf, n, &d));
	ck_assert_uint_eq(d.len, 79);
	/* Exactly fitting data is not cut. */
	n = bgp_notification_encode(buf, sizeof(buf), 4096, 3, 1, data,
	    4096 - 21);
	ck_assert_uint_eq(n, 4096);
}
END_TEST

/* ---- Hard Reset and graceful restart (RFC 8538) ----------------------- */

/* RFC 8538 §5.1, and BFD Down: which of our NOTIFICATIONs go hard. */
START_TEST(hard_reset_wanted_table)
{
	for (unsigned code = 0; code < 256; code++) {
		for (unsigned sub = 0; sub < 256; sub++) {
			bool want = code == BGP_ERR_CEASE && (sub == 1 ||
			    sub == 2 || sub == 3 || sub == 4 || sub == 10);
			ck_assert_msg(bgp_hard_reset_wanted((uint8_t)code,
			    (uint8_t)sub) == want, "%u/%u", code, sub);
		}
	}
}
END_TEST

/* RFC 8538 §3.1: code, subcode and data of the real one, on the wire. */
START_TEST(hard_reset_round_trip)
{
	static const uint8_t bye[] = { 3, 'b', 'y', 'e' };
	struct bgp_err in = { 0 }, out;
	uint8_t data[64], buf[128], want[128];
	struct bgp_notification n, inner;
	char f[160], text[64];

	bgp_err_set(&in, BGP_ERR_CEASE, BGP_CEASE_ADMIN_RESET, bye,
	    sizeof(bye));
	bgp_hard_reset_wrap(&in, &out, data, sizeof(data));
	ck_assert_uint_eq(out.code, 6);
	ck_assert_uint_eq(out.subcode, 9);
	size_t len = bgp_notification_encode(buf, sizeof(buf), 4096, out.code,
	    out.subcode, bgp_err_data(&out), out.len);
	size_t wn = unhex(MARKER "001b 03 06 09 06 04 03 627965", want,
	    sizeof(want));
	ck_assert_uint_eq(len, wn);
	ck_assert(memcmp(buf, want, wn) == 0);

	ck_assert(bgp_notification_decode(buf, len, &n));
	ck_assert(bgp_hard_reset_inner(&n, &inner));
	ck_assert_uint_eq(inner.code, 6);
	ck_assert_uint_eq(inner.subcode, 4);
	ck_assert_uint_eq(inner.len, 4);
	ck_assert(inner.data == n.data + 2);
	ck_assert(bgp_shutdown_text(&n, text, sizeof(text)));
	ck_assert_str_eq(text, "bye");
	ck_assert_str_eq(bgp_notification_fmt(&n, f, sizeof(f)),
	    "Cease/Hard Reset (6/9) for Cease/Administrative Reset (6/4)");

	/* Data in own[] (a decoder's value), and no data at all. */
	bgp_err_set_val(&in, BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX, 10, 4);
	bgp_hard_reset_wrap(&in, &out, data, sizeof(data));
	ck_assert_uint_eq(out.len, 6);
	wn = unhex("06 01 0000000a", want, sizeof(want));
	ck_assert(memcmp(bgp_err_data(&out), want, wn) == 0);
	bgp_err_set(&in, BGP_ERR_CEASE, BGP_CEASE_BFD_DOWN, NULL, 0);
	bgp_hard_reset_wrap(&in, &out, data, sizeof(data));
	ck_assert_uint_eq(out.len, 2);
	ck_assert(memcmp(bgp_err_data(&out), "\x06\x0a", 2) == 0);

	/* A small buffer cuts the data, never the code and subcode. */
	bgp_err_set(&in, BGP_ERR_CEASE, BGP_CEASE_ADMIN_RESET, bye,
	    sizeof(bye));
	bgp_hard_reset_wrap(&in, &out, data, 3);
	ck_assert_uint_eq(out.len, 3);
	ck_assert(memcmp(bgp_err_data(&out), "\x06\x04\x03", 3) == 0);
	bgp_hard_reset_wrap(&in, &out, data, 1);
	ck_assert_uint_eq(out.len, 0);
}
END_TEST

START_TEST(hard_reset_inner_bounds)
{
	static const uint8_t d[] = { 6, 2, 0 };
	struct bgp_notification n = { 6, 9, 0, d }, in;
	char f[160];

	ck_assert(!bgp_hard_reset_inner(&n, &in));	/* no data */
	n.len = 1;
	ck_assert(!bgp_hard_reset_inner(&n, &in));	/* code only */
	n.len = 2;
	ck_assert(bgp_hard_reset_inner(&n, &in));
	ck_assert_uint_eq(in.len, 0);
	ck_assert_str_eq(bgp_notification_fmt(&n, f, sizeof(f)),
	    "Cease/Hard Reset (6/9) for Cease/Administrative Shutdown (6/2)");
	n.len = 1;
	ck_assert_str_eq(bgp_notification_fmt(&n, f, sizeof(f)),
	    "Cease/Hard Reset (6/9)");
	/* Other codes carry nothing, whatever their data. */
	n = (struct bgp_notification){ 6, 4, sizeof(d), d };
	ck_assert(!bgp_hard_reset_inner(&n, &in));
	ck_assert_str_eq(bgp_notification_fmt(&n, f, sizeof(f)),
	    "Cease/Administrative Reset (6/4)");
	n = (struct bgp_notification){ 4, 9, sizeof(d), d };
	ck_assert(!bgp_hard_reset_inner(&n, &in));
	/* A short buffer is cut, not overrun. */
	n = (struct bgp_notification){ 6, 9, 2, d };
	memset(f, 'Z', sizeof(f));
	bgp_notification_fmt(&n, f, 6);
	ck_assert_str_eq(f, "Cease");
	ck_assert(f[6] == 'Z');
}
END_TEST

/* RFC 4724 §4.2 and RFC 8538 §4: whether the peer's routes stay. */
START_TEST(gr_keep_routes_table)
{
#define C BGP_GR_END_CLOSED
#define N BGP_GR_END_NOTIF
#define H BGP_GR_END_HARD
	static const struct {
		bool gr, gr_n;
		uint16_t time;
		enum bgp_gr_end end;
		bool keep;
	} rows[] = {
		{ true, true, 120, C, true },
		{ true, true, 120, N, true },
		{ true, true, 120, H, false },
		/* Without N a NOTIFICATION ends it as before: no routes. */
		{ true, false, 120, C, true },
		{ true, false, 120, N, false },
		{ true, false, 120, H, false },
		/* Restart time 0: nothing to keep them for. */
		{ true, true, 0, C, false },
		{ true, true, 0, N, false },
		/* No graceful restart: nothing ever stays. */
		{ false, false, 120, C, false },
		{ false, false, 120, N, false },
	};
#undef C
#undef N
#undef H
	for (size_t i = 0; i < NELEM(rows); i++) {
		struct bgp_neg n = { .gr = rows[i].gr,
		    .gr_notification = rows[i].gr_n,
		    .peer_gr_time = rows[i].time };
		ck_assert_msg(bgp_gr_keep_routes(&n, rows[i].end) ==
		    rows[i].keep, "row %zu", i);
	}
	ck_assert_int_eq(bgp_gr_end_of(6, 9), BGP_GR_END_HARD);
	for (unsigned sub = 0; sub < 256; sub++)
		if (sub != 9)
			ck_assert_int_eq(bgp_gr_end_of(6, (uint8_t)sub),
			    BGP_GR_END_NOTIF);
	ck_assert_int_eq(bgp_gr_end_of(4, 0), BGP_GR_END_NOTIF);
	ck_assert_int_eq(bgp_gr_end_of(3, 9), BGP_GR_END_NOTIF);
}
END_TEST

static const struct text_row {
	const char *name;
	uint8_t code, sub;
	const char *data;	/* NOTIFICATION data, hex */
	bool ok;
	const char *text;
} text_rows[] = {
	{ "plain", 6, 2, "05 68656c6c6f", true, "hello" },
	{ "admin reset", 6, 4, "03 627965", true, "bye" },
	{ "trailing data ignored", 6, 2, "02 6869 ffff", true, "hi" },
	{ "length beyond data", 6, 2, "06 68656c6c6f", false, "" },
	{ "length byte only", 6, 2, "05", false, "" },
	{ "length 0", 6, 2, "00", false, "" },
	{ "no data", 6, 2, "", false, "" },
	{ "other cease subcode", 6, 3, "05 68656c6c6f", false, "" },
	{ "not a cease", 2, 2, "05 68656c6c6f", false, "" },
	/* Not valid UTF-8, control characters, backslash: \xNN. */
	{ "invalid byte", 6, 2, "03 61ff62", true, "a\\xffb" },
	{ "newline", 6, 2, "03 610a62", true, "a\\x0ab" },
	{ "escape and DEL", 6, 2, "03 1b5b7f", true, "\\x1b[\\x7f" },
	{ "NUL", 6, 2, "03 610062", true, "a\\x00b" },
	{ "backslash", 6, 2, "03 615c62", true, "a\\x5cb" },
	{ "overlong NUL", 6, 2, "02 c080", true, "\\xc0\\x80" },
	{ "overlong 3-byte", 6, 2, "03 e080af", true, "\\xe0\\x80\\xaf" },
	{ "surrogate", 6, 2, "03 eda080", true, "\\xed\\xa0\\x80" },
	{ "above U+10FFFF", 6, 2, "04 f4908080", true,
	    "\\xf4\\x90\\x80\\x80" },
	{ "lone continuation", 6, 2, "02 8061", true, "\\x80a" },
	{ "sequence cut by length", 6, 2, "03 61e282 ac", true,
	    "a\\xe2\\x82" },
	/* Valid multi-byte UTF-8 is kept. */
	{ "2-byte", 6, 2, "05 636166c3a9", true, "caf\xc3\xa9" },
	{ "3-byte", 6, 2, "05 3130e282ac", true, "10\xe2\x82\xac" },
	{ "4-byte", 6, 2, "04 f09f9880", true, "\xf0\x9f\x98\x80" },
	{ "U+10FFFF", 6, 2, "04 f48fbfbf", true, "\xf4\x8f\xbf\xbf" },
	/* RFC 8538 §3.1: inside a Hard Reset for a shutdown or reset. */
	{ "hard reset of a shutdown", 6, 9, "06 02 05 68656c6c6f", true,
	    "hello" },
	{ "hard reset of a reset", 6, 9, "06 04 03 627965", true, "bye" },
	{ "hard reset of a deconfiguration", 6, 9, "06 03 03 627965", false,
	    "" },
	{ "hard reset of max prefix", 6, 9, "06 01 0001 01 0000000a", false,
	    "" },
	{ "hard reset, no text", 6, 9, "06 02", false, "" },
	{ "hard reset cut short", 6, 9, "06", false, "" },
};

START_TEST(shutdown_text_table)
{
	for (size_t i = 0; i < NELEM(text_rows); i++) {
		const struct text_row *r = &text_rows[i];
		uint8_t data[64];
		char out[256];
		struct bgp_notification n = { r->code, r->sub, 0, data };

		n.len = (uint16_t)unhex(r->data, data, sizeof(data));
		memset(out, 'X', sizeof(out));
		bool ok = bgp_shutdown_text(&n, out, sizeof(out));
		ck_assert_msg(ok == r->ok, "%s: %d", r->name, ok);
		ck_assert_msg(strcmp(out, r->text) == 0, "%s: \"%s\"", r->name,
		    out);
	}
}
END_TEST

/* A short output buffer never holds half an escape or half a sequence. */
START_TEST(shutdown_text_small_buffer)
{
	static const uint8_t data[] = { 5, 'h', 0xc3, 0xa9, 0x01, 'x' };
	struct bgp_notification n = { 6, 2, sizeof(data), data };
	static const struct {
		size_t size;
		const char *want;
	} rows[] = {
		{ 1, "" },
		{ 2, "h" },
		{ 3, "h" },			/* é needs 2 + NUL */
		{ 4, "h\xc3\xa9" },
		{ 7, "h\xc3\xa9" },		/* \x01 needs 4 + NUL */
		{ 8, "h\xc3\xa9\\x01" },
		{ 9, "h\xc3\xa9\\x01x" },
		{ 64, "h\xc3\xa9\\x01x" },
	};
	for (size_t i = 0; i < NELEM(rows); i++) {
		char out[65];
		memset(out, 'Z', sizeof(out));
		ck_assert(bgp_shutdown_text(&n, out, rows[i].size));
		ck_assert_msg(strcmp(out, rows[i].want) == 0,
		    "size %zu: \"%s\"", rows[i].size, out);
		ck_assert(out[rows[i].size] == 'Z');
	}
	char none[1] = { 'Z' };
	/* size 0 writes nothing at all */
	bgp_shutdown_text(&n, none, 0);
	ck_assert(none[0] == 'Z');
}
END_TEST

START_TEST(shutdown_data)
{
	uint8_t out[300];
	char text[400];
	struct bgp_notification n = { 6, 2, 0, out };
	char back[1200];

	ck_assert_uint_eq(bgp_shutdown_data("maintenance", out, sizeof(out)),
	    12);
	ck_assert_uint_eq(out[0], 11);
	ck_assert(memcmp(out + 1, "maintenance", 11) == 0);
	n.len = 12;
	ck_assert(bgp_shutdown_text(&n, back, sizeof(back)));
	ck_assert_str_eq(back, "maintenance");

	/* RFC 9003 §2: at most 255 octets. */
	memset(text, 'a', 300);
	text[300] = '\0';
	ck_assert_uint_eq(bgp_shutdown_data(text, out, sizeof(out)), 256);
	ck_assert_uint_eq(out[0], 255);

	/* A multi-byte character straddling octet 255 is left out whole. */
	static const struct {
		size_t pad;
		const char *tail;
		size_t want;
	} rows[] = {
		{ 254, "\xc3\xa9", 254 },		/* é: 255..256 */
		{ 253, "\xc3\xa9", 255 },		/* é fits exactly */
		{ 253, "\xe2\x82\xac", 253 },		/* €: 254..256 */
		{ 252, "\xe2\x82\xac", 255 },
		{ 254, "\xf0\x9f\x98\x80", 254 },	/* 4-byte */
		{ 251, "\xf0\x9f\x98\x80", 255 },
		{ 252, "\xf0\x9f\x98\x80", 252 },
	};
	for (size_t i = 0; i < NELEM(rows); i++) {
		memset(text, 'b', rows[i].pad);
		strcpy(text + rows[i].pad, rows[i].tail);
		strcat(text, "zz");
		size_t got = bgp_shutdown_data(text, out, sizeof(out));
		ck_assert_msg(got == rows[i].want + 1 &&
		    out[0] == rows[i].want, "row %zu: %zu", i, got);
		n.len = (uint16_t)got;
		ck_assert(bgp_shutdown_text(&n, back, sizeof(back)));
		/* never an escaped (cut) sequence */
		ck_assert_msg(strstr(back, "\\x") == NULL, "row %zu: %s", i,
		    back);
	}

	/* The output buffer bounds it too, again without cutting é. */
	ck_assert_uint_eq(bgp_shutdown_data("a\xc3\xa9", out, 3), 2);
	ck_assert_uint_eq(out[0], 1);
	ck_assert_uint_eq(bgp_shutdown_data("a\xc3\xa9", out, 4), 4);
	ck_assert_uint_eq(out[0], 3);
	ck_assert_uint_eq(bgp_shutdown_data("abc", out, 1), 1);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(bgp_shutdown_data("abc", out, 0), 0);
	ck_assert_uint_eq(bgp_shutdown_data("", out, sizeof(out)), 1);
	ck_assert_uint_eq(out[0], 0);
}
END_TEST

/* ---- ROUTE-REFRESH ------------------------------------------------------ */

START_TEST(refresh_round_trip)
{
	static const struct {
		struct bgp_refresh r;
		const char *hex;
	} rows[] = {
		{ { AFI_IPV4, BGP_RR_REQUEST, SAFI_UNICAST }, "0001 00 01" },
		{ { AFI_IPV6, BGP_RR_BORR, SAFI_UNICAST }, "0002 01 01" },
		{ { AFI_IPV6, BGP_RR_EORR, SAFI_UNICAST }, "0002 02 01" },
	};
	for (size_t i = 0; i < NELEM(rows); i++) {
		uint8_t buf[64], want[64];
		size_t wn = mkmsg(want, sizeof(want), BGP_MSG_ROUTE_REFRESH,
		    rows[i].hex);
		size_t n = bgp_refresh_encode(buf, sizeof(buf), &rows[i].r);
		ck_assert_uint_eq(n, 23);
		ck_assert_uint_eq(n, wn);
		ck_assert(memcmp(buf, want, n) == 0);
		struct bgp_refresh d;
		struct bgp_err e = { 0 };
		ck_assert(bgp_refresh_decode(buf, n, &d, &e));
		ck_assert_uint_eq(d.afi, rows[i].r.afi);
		ck_assert_uint_eq(d.subtype, rows[i].r.subtype);
		ck_assert_uint_eq(d.safi, rows[i].r.safi);
		ck_assert_uint_eq(bgp_refresh_encode(buf, 22, &rows[i].r), 0);
	}
}
END_TEST

/* RFC 7313 §5: 7/1, and the data is the complete ROUTE-REFRESH message. */
START_TEST(refresh_bad_length)
{
	static const char *const bodies[] = { "", "0001", "0001 00",
	    "0001 01 01 00", "0002 02 01 0000" };
	for (size_t i = 0; i < NELEM(bodies); i++) {
		uint8_t msg[64];
		size_t n = mkmsg(msg, sizeof(msg), BGP_MSG_ROUTE_REFRESH,
		    bodies[i]);
		struct bgp_refresh d;
		struct bgp_err e = { 0 };
		ck_assert_msg(!bgp_refresh_decode(msg, n, &d, &e), "body %zu",
		    i);
		ck_assert_uint_eq(e.code, BGP_ERR_REFRESH);
		ck_assert_uint_eq(e.subcode, BGP_REFRESH_BAD_LEN);
		ck_assert_uint_eq(e.len, n);
		ck_assert(memcmp(bgp_err_data(&e), msg, n) == 0);
	}
}
END_TEST

/* ---- names -------------------------------------------------------------- */

START_TEST(names_never_null)
{
	for (unsigned i = 0; i < 256; i++) {
		ck_assert_ptr_nonnull(bgp_msg_type_name(i));
		ck_assert_ptr_nonnull(bgp_err_code_name(i));
		ck_assert_ptr_nonnull(bgp_cap_name(i));
		ck_assert_ptr_nonnull(bgp_attr_name(i));
		ck_assert_ptr_nonnull(bgp_origin_name(i));
		ck_assert_ptr_nonnull(bgp_afi_name(i));
		ck_assert_ptr_nonnull(bgp_safi_name(i));
		for (unsigned s = 0; s < 256; s++) {
			ck_assert_ptr_nonnull(bgp_err_subcode_name(i, s));
			char buf[160];
			bgp_err_fmt((uint8_t)i, (uint8_t)s, buf, sizeof(buf));
			ck_assert(strlen(buf) > 0);
		}
	}
	/* Out-of-range values too. */
	ck_assert_str_eq(bgp_msg_type_name(1000), "unknown");
	ck_assert_str_eq(bgp_err_subcode_name(1000, 1), "unknown");
	ck_assert_str_eq(bgp_attr_name(1000), "unknown");
}
END_TEST

START_TEST(names_known)
{
	static const struct {
		unsigned code;
		const char *name;
	} msg[] = { { 0, "unknown" }, { 1, "OPEN" }, { 2, "UPDATE" },
	    { 3, "NOTIFICATION" }, { 4, "KEEPALIVE" }, { 5, "ROUTE-REFRESH" },
	    { 6, "unknown" } },
	  cap[] = { { 1, "multiprotocol" }, { 2, "route-refresh" },
	    { 5, "extended-nexthop" }, { 6, "extended-message" },
	    { 9, "role" }, { 64, "graceful-restart" }, { 65, "4-octet-as" },
	    { 69, "add-path" }, { 70, "enhanced-route-refresh" },
	    { 71, "long-lived-graceful-restart" }, { 73, "fqdn" },
	    { 128, "route-refresh-old" }, { 0, "unknown" }, { 3, "unknown" } },
	  attr[] = { { 0, "unknown" }, { 1, "ORIGIN" }, { 2, "AS_PATH" },
	    { 3, "NEXT_HOP" }, { 4, "MULTI_EXIT_DISC" }, { 5, "LOCAL_PREF" },
	    { 6, "ATOMIC_AGGREGATE" }, { 7, "AGGREGATOR" },
	    { 8, "COMMUNITIES" }, { 9, "ORIGINATOR_ID" },
	    { 10, "CLUSTER_LIST" }, { 14, "MP_REACH_NLRI" },
	    { 15, "MP_UNREACH_NLRI" }, { 16, "EXTENDED_COMMUNITIES" },
	    { 17, "AS4_PATH" }, { 18, "AS4_AGGREGATOR" },
	    { 32, "LARGE_COMMUNITY" }, { 35, "OTC" }, { 11, "unknown" },
	    { 255, "unknown" } },
	  origin[] = { { 0, "IGP" }, { 1, "EGP" }, { 2, "incomplete" },
	    { 3, "unknown" } },
	  afi[] = { { 0, "unknown" }, { 1, "IPv4" }, { 2, "IPv6" },
	    { 3, "unknown" } },
	  safi[] = { { 0, "unknown" }, { 1, "unicast" }, { 2, "multicast" },
	    { 128, "unknown" } },
	  code[] = { { 0, "no error" }, { 1, "Message Header Error" },
	    { 2, "OPEN Message Error" }, { 3, "UPDATE Message Error" },
	    { 4, "Hold Timer Expired" }, { 5, "Finite State Machine Error" },
	    { 6, "Cease" }, { 7, "ROUTE-REFRESH Message Error" },
	    { 8, "Send Hold Timer Expired" }, { 9, "unknown" } };

	for (size_t i = 0; i < NELEM(msg); i++)
		ck_assert_str_eq(bgp_msg_type_name(msg[i].code), msg[i].name);
	for (size_t i = 0; i < NELEM(cap); i++)
		ck_assert_str_eq(bgp_cap_name(cap[i].code), cap[i].name);
	for (size_t i = 0; i < NELEM(attr); i++)
		ck_assert_str_eq(bgp_attr_name(attr[i].code), attr[i].name);
	for (size_t i = 0; i < NELEM(origin); i++)
		ck_assert_str_eq(bgp_origin_name(origin[i].code),
		    origin[i].name);
	for (size_t i = 0; i < NELEM(afi); i++)
		ck_assert_str_eq(bgp_afi_name(afi[i].code), afi[i].name);
	for (size_t i = 0; i < NELEM(safi); i++)
		ck_assert_str_eq(bgp_safi_name(safi[i].code), safi[i].name);
	for (size_t i = 0; i < NELEM(code); i++)
		ck_assert_str_eq(bgp_err_code_name(code[i].code),
		    code[i].name);
}
END_TEST

START_TEST(err_fmt_known)
{
	static const struct {
		uint8_t code, sub;
		const char *want;
	} rows[] = {
		{ 6, 2, "Cease/Administrative Shutdown (6/2)" },
		{ 1, 1, "Message Header Error/Connection Not Synchronized (1/1)" },
		{ 1, 2, "Message Header Error/Bad Message Length (1/2)" },
		{ 1, 3, "Message Header Error/Bad Message Type (1/3)" },
		{ 2, 0, "OPEN Message Error/Unspecific (2/0)" },
		{ 2, 1, "OPEN Message Error/Unsupported Version Number (2/1)" },
		{ 2, 2, "OPEN Message Error/Bad Peer AS (2/2)" },
		{ 2, 3, "OPEN Message Error/Bad BGP Identifier (2/3)" },
		{ 2, 4, "OPEN Message Error/Unsupported Optional Parameter (2/4)" },
		{ 2, 6, "OPEN Message Error/Unacceptable Hold Time (2/6)" },
		{ 2, 7, "OPEN Message Error/Unsupported Capability (2/7)" },
		{ 2, 11, "OPEN Message Error/Role Mismatch (2/11)" },
		{ 3, 1, "UPDATE Message Error/Malformed Attribute List (3/1)" },
		{ 3, 2, "UPDATE Message Error/Unrecognized Well-known Attribute (3/2)" },
		{ 3, 3, "UPDATE Message Error/Missing Well-known Attribute (3/3)" },
		{ 3, 4, "UPDATE Message Error/Attribute Flags Error (3/4)" },
		{ 3, 5, "UPDATE Message Error/Attribute Length Error (3/5)" },
		{ 3, 6, "UPDATE Message Error/Invalid ORIGIN Attribute (3/6)" },
		{ 3, 8, "UPDATE Message Error/Invalid NEXT_HOP Attribute (3/8)" },
		{ 3, 9, "UPDATE Message Error/Optional Attribute Error (3/9)" },
		{ 3, 10, "UPDATE Message Error/Invalid Network Field (3/10)" },
		{ 3, 11, "UPDATE Message Error/Malformed AS_PATH (3/11)" },
		{ 3, 12, "UPDATE Message Error/unknown (3/12)" },
		{ 4, 0, "Hold Timer Expired/Unspecific (4/0)" },
		{ 5, 0, "Finite State Machine Error/Unspecified Error (5/0)" },
		{ 5, 1, "Finite State Machine Error/Receive Unexpected Message in OpenSent State (5/1)" },
		{ 5, 2, "Finite State Machine Error/Receive Unexpected Message in OpenConfirm State (5/2)" },
		{ 5, 3, "Finite State Machine Error/Receive Unexpected Message in Established State (5/3)" },
		{ 6, 1, "Cease/Maximum Number of Prefixes Reached (6/1)" },
		{ 6, 3, "Cease/Peer De-configured (6/3)" },
		{ 6, 4, "Cease/Administrative Reset (6/4)" },
		{ 6, 5, "Cease/Connection Rejected (6/5)" },
		{ 6, 6, "Cease/Other Configuration Change (6/6)" },
		{ 6, 7, "Cease/Connection Collision Resolution (6/7)" },
		{ 6, 8, "Cease/Out of Resources (6/8)" },
		{ 6, 9, "Cease/Hard Reset (6/9)" },
		{ 6, 10, "Cease/BFD Down (6/10)" },
		{ 6, 11, "Cease/unknown (6/11)" },
		{ 7, 1, "ROUTE-REFRESH Message Error/Invalid Message Length (7/1)" },
		{ 8, 0, "Send Hold Timer Expired/Unspecific (8/0)" },
		{ 9, 0, "unknown/unknown (9/0)" },
		{ 255, 255, "unknown/unknown (255/255)" },
	};
	for (size_t i = 0; i < NELEM(rows); i++) {
		char buf[160];
		ck_assert_str_eq(bgp_err_fmt(rows[i].code, rows[i].sub, buf,
		    sizeof(buf)), rows[i].want);
	}
	/* A short buffer is cut, not overrun. */
	char small[8];
	memset(small, 'Z', sizeof(small));
	bgp_err_fmt(6, 2, small, 6);
	ck_assert_str_eq(small, "Cease");
	ck_assert(small[6] == 'Z');
}
END_TEST

START_TEST(community_names)
{
	static const struct {
		uint32_t c;
		const char *name;
	} rows[] = {
		{ 0xFFFF0000u, "graceful-shutdown" },
		{ 0xFFFF029Au, "blackhole" },
		{ 0xFFFFFF01u, "no-export" },
		{ 0xFFFFFF02u, "no-advertise" },
		{ 0xFFFFFF03u, "no-export-subconfed" },
		{ 0xFFFFFF04u, "no-peer" },
	};
	for (size_t i = 0; i < NELEM(rows); i++) {
		uint32_t c = 0;
		ck_assert_str_eq(bgp_community_name(rows[i].c), rows[i].name);
		ck_assert(bgp_community_by_name(rows[i].name, &c));
		ck_assert_uint_eq(c, rows[i].c);
	}
	uint32_t c = 7;
	ck_assert_ptr_null(bgp_community_name(0xfc000064u));
	ck_assert_ptr_null(bgp_community_name(0));
	ck_assert(!bgp_community_by_name("no-such", &c));
	ck_assert(!bgp_community_by_name("", &c));
	ck_assert_uint_eq(c, 7);
}
END_TEST

START_TEST(err_set_val)
{
	struct bgp_err e;
	bgp_err_set_val(&e, 3, 3, 2, 1);
	check_err("1 byte", &e, 3, 3, "02");
	ck_assert_ptr_null(e.data);
	bgp_err_set_val(&e, 2, 1, 4, 2);
	check_err("2 bytes", &e, 2, 1, "0004");
	bgp_err_set_val(&e, 2, 2, 0x01020304u, 4);
	check_err("4 bytes", &e, 2, 2, "01020304");
	/* The struct copies with its data. */
	struct bgp_err copy = e;
	memset(&e, 0, sizeof(e));
	check_err("copy", &copy, 2, 2, "01020304");
}
END_TEST

START_TEST(escape)
{
	char out[64];
	bgp_escape((const uint8_t *)"ok \xc3\xa9\t", 6, out, sizeof(out));
	ck_assert_str_eq(out, "ok \xc3\xa9\\x09");
	bgp_escape((const uint8_t *)"", 0, out, sizeof(out));
	ck_assert_str_eq(out, "");
	bgp_escape((const uint8_t *)"abc", 3, out, 3);
	ck_assert_str_eq(out, "ab");
}
END_TEST

/* ---- captured messages (BIRD 2, GoBGP 3) ------------------------------- */

/* Every captured message frames; every non-UPDATE one decodes. */
START_TEST(captured_all_decode)
{
	ck_assert_uint_gt(CAP_ALL_COUNT, 0);
	for (size_t i = 0; i < CAP_ALL_COUNT; i++) {
		const struct cap_msg *m = &cap_all[i];
		struct bgp_hdr h;
		struct bgp_err e = { 0 };
		enum bgp_frame f = bgp_frame(m->bytes, m->len, BGP_MAX_LEN, &h,
		    &e);
		ck_assert_msg(f == BGP_FRAME_OK, "%s: frame %d (%u/%u)",
		    m->name, f, e.code, e.subcode);
		ck_assert_msg(h.len == m->len, "%s: length %u of %zu", m->name,
		    h.len, m->len);
		/* A buffer one short of the message is not yet a message. */
		ck_assert(bgp_frame(m->bytes, m->len - 1, BGP_MAX_LEN, &h,
		    &e) == BGP_FRAME_NEED_MORE);

		struct bgp_open o;
		struct bgp_notification n;
		struct bgp_refresh r;
		switch (h.type) {
		case BGP_MSG_OPEN:
			ck_assert_msg(bgp_open_decode(m->bytes, m->len, &o, &e),
			    "%s: %u/%u", m->name, e.code, e.subcode);
			break;
		case BGP_MSG_NOTIFICATION:
			ck_assert_msg(bgp_notification_decode(m->bytes, m->len,
			    &n), "%s", m->name);
			break;
		case BGP_MSG_ROUTE_REFRESH:
			ck_assert_msg(bgp_refresh_decode(m->bytes, m->len, &r,
			    &e), "%s", m->name);
			break;
		case BGP_MSG_KEEPALIVE:
			ck_assert_uint_eq(m->len, 19);
			break;
		case BGP_MSG_UPDATE:
			break;		/* check_attr.c */
		default:
			ck_abort_msg("%s: type %u", m->name, h.type);
		}
	}
}
END_TEST

static void decode_cap_open(const char *name, struct bgp_open *o)
{
	const struct cap_msg *m = cap_find(name);
	struct bgp_err e = { 0 };
	ck_assert_msg(bgp_open_decode(m->bytes, m->len, o, &e), "%s", name);
}

static const struct bgp_rawcap *raw_cap(const struct bgp_open *o,
    uint8_t code)
{
	for (size_t i = 0; i < o->caps.nraw; i++)
		if (o->caps.raw[i].code == code)
			return &o->caps.raw[i];
	return NULL;
}

START_TEST(captured_opens)
{
	struct bgp_open bird, bird_gr, gobgp, gobgp_i;
	const struct bgp_rawcap *rc;

	/* BIRD, eBGP: AS 64512, hold 240, ID 127.0.8.2, MP v4+v6, route
	 * refresh, ext message, GR time 120 no AFIs, AS4 64512, enhanced
	 * refresh, LLGR with no value. */
	decode_cap_open("cap_bird_open_ebgp", &bird);
	ck_assert_uint_eq(bird.version, 4);
	ck_assert_uint_eq(bird.my_as, 64512);
	ck_assert_uint_eq(bird.hold, 240);
	ck_assert_uint_eq(bird.id, 0x7f000802u);
	ck_assert(bgp_caps_has_afi(&bird.caps, AFI_IPV4, SAFI_UNICAST));
	ck_assert(bgp_caps_has_afi(&bird.caps, AFI_IPV6, SAFI_UNICAST));
	ck_assert(bird.caps.route_refresh && bird.caps.ext_message);
	ck_assert(bird.caps.enhanced_refresh);
	ck_assert(bird.caps.gr);
	ck_assert_uint_eq(bird.caps.gr_flags, 0);
	ck_assert_uint_eq(bird.caps.gr_time, 120);
	ck_assert_uint_eq(bird.caps.ngr, 0);
	ck_assert(bird.caps.as4);
	ck_assert_uint_eq(bird.caps.as4_asn, 64512);
	ck_assert_ptr_nonnull(rc = raw_cap(&bird, BGP_CAP_LLGR));
	ck_assert_uint_eq(rc->len, 0);

	/* BIRD, iBGP: GR 120 with IPv4 and IPv6, LLGR 14 bytes, FQDN. */
	decode_cap_open("cap_bird_open_gr", &bird_gr);
	ck_assert(bird_gr.caps.gr);
	ck_assert_uint_eq(bird_gr.caps.gr_time, 120);
	ck_assert_uint_eq(bird_gr.caps.ngr, 2);
	ck_assert_uint_eq(bird_gr.caps.gr_afi[0].afi, AFI_IPV4);
	ck_assert_uint_eq(bird_gr.caps.gr_afi[1].afi, AFI_IPV6);
	ck_assert_uint_eq(bird_gr.caps.gr_afi[1].flags, 0);
	ck_assert_ptr_nonnull(rc = raw_cap(&bird_gr, BGP_CAP_LLGR));
	ck_assert_uint_eq(rc->len, 14);
	ck_assert_ptr_nonnull(rc = raw_cap(&bird_gr, BGP_CAP_FQDN));
	ck_assert_uint_eq(rc->len, 12);
	ck_assert(memcmp(rc->data, "\x0a" "bird-lbbgp" "\x00", 12) == 0);

	/* GoBGP, eBGP: AS 64513, hold 90, ID 127.0.8.3, refresh, FQDN,
	 * MP v4+v6, AS4 64513, extended next hop for IPv4 unicast. */
	decode_cap_open("cap_gobgp_open", &gobgp);
	ck_assert_uint_eq(gobgp.my_as, 64513);
	ck_assert_uint_eq(gobgp.hold, 90);
	ck_assert_uint_eq(gobgp.id, 0x7f000803u);
	ck_assert(gobgp.caps.route_refresh);
	ck_assert(!gobgp.caps.enhanced_refresh && !gobgp.caps.ext_message);
	ck_assert(!gobgp.caps.gr);
	ck_assert(gobgp.caps.as4);
	ck_assert_uint_eq(gobgp.caps.as4_asn, 64513);
	ck_assert(bgp_caps_has_afi(&gobgp.caps, AFI_IPV6, SAFI_UNICAST));
	ck_assert_ptr_nonnull(rc = raw_cap(&gobgp, BGP_CAP_FQDN));
	ck_assert(memcmp(rc->data, "\x0b" "gobgp-lbbgp" "\x00", 13) == 0);
	ck_assert_ptr_null(raw_cap(&gobgp, BGP_CAP_EXT_NEXTHOP));
	ck_assert_uint_eq(gobgp.caps.nenh, 1);
	ck_assert(bgp_caps_has_enh(&gobgp.caps, AFI_IPV4, SAFI_UNICAST,
	    AFI_IPV6));

	/* GoBGP, iBGP: GR 90 on both families, ADD-PATH as bytes. */
	decode_cap_open("cap_gobgp_open_ibgp", &gobgp_i);
	ck_assert_uint_eq(gobgp_i.my_as, 64512);
	ck_assert(gobgp_i.caps.gr);
	ck_assert_uint_eq(gobgp_i.caps.gr_time, 90);
	ck_assert_uint_eq(gobgp_i.caps.ngr, 2);
	ck_assert_ptr_nonnull(rc = raw_cap(&gobgp_i, BGP_CAP_ADD_PATH));
	ck_assert(memcmp(rc->data, "\x00\x01\x01\x01\x00\x02\x01\x01", 8) == 0);

	/* BIRD's side of the eBGP session, checking GoBGP's OPEN. */
	struct bgp_open_expect x = { 64513, 64512, 0x7f000802u, 0 };
	struct bgp_err e = { 0 };
	ck_assert(bgp_open_check(&gobgp, &x, &e));
	struct bgp_open_expect xi = { 64512, 64512, 0x7f000802u, 0 };
	ck_assert(bgp_open_check(&gobgp_i, &xi, &e));
	/* Seen from GoBGP's side, BIRD's OPEN is fine too. */
	struct bgp_open_expect xb = { 64512, 64513, 0x7f000803u, 0 };
	ck_assert(bgp_open_check(&bird, &xb, &e));

	struct bgp_neg n;
	bgp_negotiate(&bird, &gobgp, 0, &n);
	ck_assert_uint_eq(n.hold, 90);
	ck_assert_uint_eq(n.keepalive, 30);
	ck_assert(n.as4 && n.route_refresh && n.v4 && n.v6);
	ck_assert(!n.enhanced_refresh && !n.ext_message && !n.peer_gr);
	ck_assert(!n.v4_nh6);		/* BIRD did not announce it */
	bgp_negotiate(&gobgp_i, &bird_gr, 0, &n);
	ck_assert(n.peer_gr);
	ck_assert(!n.ext_message);
}
END_TEST

START_TEST(captured_others)
{
	static const struct {
		const char *name;
		uint8_t code, sub;
		bool has_text;
		const char *text;
	} notes[] = {
		{ "cap_bird_notify_shutdown", 6, 2, true, "maintenance window" },
		{ "cap_bird_notify_shutdown_nodata", 6, 2, false, "" },
		{ "cap_gobgp_notify", 6, 2, true, "bye" },
		{ "cap_gobgp_notify_reset", 6, 4, false, "" },
	};
	for (size_t i = 0; i < NELEM(notes); i++) {
		const struct cap_msg *m = cap_find(notes[i].name);
		struct bgp_notification n;
		char text[300];
		ck_assert(bgp_notification_decode(m->bytes, m->len, &n));
		ck_assert_uint_eq(n.code, notes[i].code);
		ck_assert_uint_eq(n.subcode, notes[i].sub);
		ck_assert_msg(bgp_shutdown_text(&n, text, sizeof(text)) ==
		    notes[i].has_text, "%s", notes[i].name);
		ck_assert_str_eq(text, notes[i].text);
	}

	static const struct {
		const char *name;
		uint16_t afi;
		uint8_t subtype;
	} refreshes[] = {
		{ "cap_bird_refresh", AFI_IPV4, BGP_RR_REQUEST },
		{ "cap_bird_refresh_v6", AFI_IPV6, BGP_RR_REQUEST },
		{ "cap_bird_borr_v4", AFI_IPV4, BGP_RR_BORR },
		{ "cap_bird_eorr_v4", AFI_IPV4, BGP_RR_EORR },
		{ "cap_bird_borr_v6", AFI_IPV6, BGP_RR_BORR },
		{ "cap_bird_eorr_v6", AFI_IPV6, BGP_RR_EORR },
	};
	for (size_t i = 0; i < NELEM(refreshes); i++) {
		const struct cap_msg *m = cap_find(refreshes[i].name);
		struct bgp_refresh r;
		struct bgp_err e = { 0 };
		ck_assert(bgp_refresh_decode(m->bytes, m->len, &r, &e));
		ck_assert_uint_eq(r.afi, refreshes[i].afi);
		ck_assert_uint_eq(r.subtype, refreshes[i].subtype);
		ck_assert_uint_eq(r.safi, SAFI_UNICAST);
		/* Our encoding of the same request is byte-identical. */
		uint8_t buf[32];
		ck_assert_uint_eq(bgp_refresh_encode(buf, sizeof(buf), &r),
		    m->len);
		ck_assert(memcmp(buf, m->bytes, m->len) == 0);
	}

	/* Our KEEPALIVE is byte-identical to theirs. */
	uint8_t ka[19];
	ck_assert_uint_eq(bgp_keepalive_encode(ka, sizeof(ka)), 19);
	ck_assert(memcmp(ka, cap_find("cap_bird_keepalive")->bytes, 19) == 0);
	ck_assert(memcmp(ka, cap_find("cap_gobgp_keepalive")->bytes, 19) == 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("msg");
	TCase *tc = unit_tcase(s, "framing");
	tcase_add_test(tc, frame_table);
	tcase_add_test(tc, frame_every_minimum);
	tcase_add_test(tc, msg_begin_end_keepalive);

	tc = unit_tcase(s, "notification");
	tcase_add_test(tc, notification_round_trip);
	tcase_add_test(tc, notification_truncated);
	tcase_add_test(tc, shutdown_text_table);
	tcase_add_test(tc, shutdown_text_small_buffer);
	tcase_add_test(tc, shutdown_data);

	tc = unit_tcase(s, "hard reset");
	tcase_add_test(tc, hard_reset_wanted_table);
	tcase_add_test(tc, hard_reset_round_trip);
	tcase_add_test(tc, hard_reset_inner_bounds);
	tcase_add_test(tc, gr_keep_routes_table);

	tc = unit_tcase(s, "refresh");
	tcase_add_test(tc, refresh_round_trip);
	tcase_add_test(tc, refresh_bad_length);

	tc = unit_tcase(s, "names");
	tcase_add_test(tc, names_never_null);
	tcase_add_test(tc, names_known);
	tcase_add_test(tc, err_fmt_known);
	tcase_add_test(tc, community_names);
	tcase_add_test(tc, err_set_val);
	tcase_add_test(tc, escape);

	tc = unit_tcase(s, "captured");
	tcase_add_test(tc, captured_all_decode);
	tcase_add_test(tc, captured_opens);
	tcase_add_test(tc, captured_others);

	return unit_run(s);
}
