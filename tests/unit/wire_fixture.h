/*
 * wire_fixture.h - helpers shared by the fsm/ wire unit tests
 * (check_msg*.c, check_attr*.c): messages built from hex, error checks,
 * the session contexts and well-formed attributes UPDATE vectors are
 * written from, and the captured messages by name.  Test code only: the
 * bytes are written by hand, never produced by the code under test.
 */
#ifndef LBBGP_WIRE_FIXTURE_H
#define LBBGP_WIRE_FIXTURE_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fsm/attr.h"
#include "fsm/bgp.h"
#include "fsm/msg.h"
#include "tests/unit/captured.h"
#include "tests/unit/unit.h"

#define FF4 "ffffffff"
#define MARKER FF4 FF4 FF4 FF4 " "

/* Marker, length n and type around body bytes already at buf+19. */
static inline size_t msg_header(uint8_t *buf, size_t n, uint8_t type)
{
	memset(buf, 0xff, BGP_MARKER_LEN);
	buf[16] = (uint8_t)(n >> 8);
	buf[17] = (uint8_t)n;
	buf[18] = type;
	return n;
}

/* A whole message: marker, computed length, type, then the body. */
static inline size_t mkmsg(uint8_t *buf, size_t cap, uint8_t type,
    const char *body)
{
	ck_assert(cap >= BGP_HDR_LEN);
	return msg_header(buf, BGP_HDR_LEN + unhex(body, buf + BGP_HDR_LEN,
	    cap - BGP_HDR_LEN), type);
}

/* An UPDATE with a verbatim body (lengths written by hand). */
static inline size_t mkbody(uint8_t *buf, size_t cap, const char *body)
{
	return mkmsg(buf, cap, BGP_MSG_UPDATE, body);
}

/* An UPDATE from its three fields, lengths computed. */
static inline size_t mkupdate(uint8_t *buf, size_t cap, const char *wd,
    const char *attrs, const char *nlri)
{
	size_t n = BGP_HDR_LEN;
	size_t w = unhex(wd ? wd : "", buf + n + 2, cap - n - 2);
	buf[n] = (uint8_t)(w >> 8);
	buf[n + 1] = (uint8_t)w;
	n += 2 + w;
	size_t a = unhex(attrs ? attrs : "", buf + n + 2, cap - n - 2);
	buf[n] = (uint8_t)(a >> 8);
	buf[n + 1] = (uint8_t)a;
	n += 2 + a;
	n += unhex(nlri ? nlri : "", buf + n, cap - n);
	return msg_header(buf, n, BGP_MSG_UPDATE);
}

/* err must be (code, subcode) and, when data is given, carry exactly it. */
static inline void check_err(const char *what, const struct bgp_err *e,
    unsigned code, unsigned sub, const char *data)
{
	ck_assert_msg(e->code == code && e->subcode == sub,
	    "%s: error %u/%u, want %u/%u", what, e->code, e->subcode, code,
	    sub);
	if (data == NULL)
		return;
	uint8_t want[64];
	size_t n = unhex(data, want, sizeof(want));
	ck_assert_msg(e->len == n, "%s: data length %u, want %zu", what,
	    e->len, n);
	ck_assert_msg(n == 0 || memcmp(bgp_err_data(e), want, n) == 0,
	    "%s: wrong error data", what);
}

/* Whether the error data is exactly hex. */
static inline bool data_is(const struct bgp_err *e, const char *hex)
{
	uint8_t want[128];
	size_t n = unhex(hex, want, sizeof(want));
	return e->len == n && (n == 0 ||
	    memcmp(bgp_err_data(e), want, n) == 0);
}

/* Session contexts. */
enum { AS4 = 1, EBGP = 2, V4 = 4, V6 = 8 };
#define EB2 (EBGP | V4)			/* eBGP, 2-octet AS */
#define EB4 (AS4 | EBGP | V4 | V6)	/* eBGP, 4-octet AS */
#define IB4 (AS4 | V4 | V6)		/* iBGP, 4-octet AS */
#define IB2 (V4)			/* iBGP, 2-octet AS */

static inline void ctx_of(unsigned f, struct bgp_upd_ctx *c)
{
	c->as4 = f & AS4;
	c->ebgp = f & EBGP;
	c->v4 = f & V4;
	c->v6 = f & V6;
}

/* Well-formed attributes (RFC 4271 §4.3) to build rows from. */
#define ORIGIN	"40 01 01 00 "
#define ASP2	"40 02 04 02 01 fc00 "		/* 64512, 2-octet */
#define ASP4	"40 02 06 02 01 0000fc00 "	/* 64512, 4-octet */
#define NH	"40 03 04 c0000201 "		/* 192.0.2.1 */
#define BASE2	ORIGIN ASP2 NH
#define BASE4	ORIGIN ASP4 NH
#define NLRI	"18 c63364 "			/* 198.51.100.0/24 */
/* MP_REACH IPv6 unicast, next hop 2001:db8::1, NLRI 2001:db8::/64. */
#define NH6	"20010db8 00000000 00000000 00000001 "
#define REACH6	"80 0e 1e 0002 01 10 " NH6 "00 40 20010db8 00000000 "
/* MP_UNREACH IPv6 unicast, 2001:db8:1::/48. */
#define UNREACH6 "80 0f 0a 0002 01 30 20010db80001 "

/* The captured message called name (captured.h). */
static inline const struct cap_msg *cap_find(const char *name)
{
	for (size_t i = 0; i < CAP_ALL_COUNT; i++)
		if (strcmp(cap_all[i].name, name) == 0)
			return &cap_all[i];
	ck_abort_msg("no captured message %s", name);
	return NULL;
}

#endif
