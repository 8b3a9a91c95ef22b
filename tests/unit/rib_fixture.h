/*
 * rib_fixture.h - helpers shared by the rib/ unit tests (check_rib.c,
 * check_adjin.c): a config and RIB under test, what a flush emits.
 * Test code only.
 */
#ifndef LBBGP_RIB_FIXTURE_H
#define LBBGP_RIB_FIXTURE_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "fsm/attr.h"
#include "fsm/bgp.h"
#include "fsm/msg.h"
#include "rib/rib.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static inline struct prefix pfx(const char *s)
{
	struct prefix p;
	ck_assert_msg(prefix_parse(s, &p, NULL), "bad prefix %s", s);
	return p;
}

/* The n-th address after base. */
static inline struct prefix nth(const char *base, uint64_t n)
{
	struct prefix p = pfx(base);
	ck_assert(addr_add(&p, n));
	return p;
}

/* Every message one flush emitted, copied. */
struct msgs {
	uint8_t **buf;
	size_t *len;
	size_t n, cap;
};

static inline void on_emit(void *ctx, const uint8_t *msg, size_t len)
{
	struct msgs *m = ctx;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->buf = realloc(m->buf, m->cap * sizeof(*m->buf));
		m->len = realloc(m->len, m->cap * sizeof(*m->len));
		ck_assert(m->buf != NULL && m->len != NULL);
	}
	m->buf[m->n] = malloc(len);
	ck_assert(m->buf[m->n] != NULL);
	memcpy(m->buf[m->n], msg, len);
	m->len[m->n++] = len;
}

static inline void msgs_reset(struct msgs *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->buf[i]);
	m->n = 0;
}

struct fx {
	struct conf *c;
	struct rib *r;
	struct msgs m;
	struct bgp_upd_ctx ctx;		/* how to read what the peers get */
	size_t max;			/* their message size */
	struct rib_session s[4];	/* of each peer fx_up() started */
};

static inline void fx_open(struct fx *f, const char *text)
{
	struct rib_res res = { 0 };
	struct conf_diag d;

	memset(f, 0, sizeof(*f));
	conf_diag_init(&d);
	f->c = conf_load_string("t.conf", text, &d);
	ck_assert_msg(f->c != NULL, "config refused: %s",
	    d.nmsgs ? d.msgs[0] : "?");
	conf_diag_free(&d);
	f->r = rib_new(f->c, &res);
	ck_assert_msg(f->r != NULL, "rib_new: %s", res.msg);
	f->ctx = (struct bgp_upd_ctx){ .as4 = true, .ebgp = true, .v4 = true,
	    .v6 = true };
	f->max = BGP_MAX_LEN;
}

static inline void fx_close(struct fx *f)
{
	msgs_reset(&f->m);
	free(f->m.buf);
	free(f->m.len);
	rib_free(f->r);
	conf_free(f->c);
}

static inline struct rib_session session_ebgp(void)
{
	struct rib_session s = { .ebgp = true, .local_as = 64513, .as4 = true,
	    .v4 = true, .v6 = true, .max_msg = BGP_MAX_LEN };
	s.nexthop4 = pfx("192.0.2.254");
	s.nexthop6 = pfx("2001:db8:ffff::1");
	return s;
}

static inline void fx_up(struct fx *f, size_t peer, const struct rib_session *s)
{
	rib_peer_up(f->r, peer, s);
	if (peer < NELEM(f->s))
		f->s[peer] = *s;
	f->ctx.as4 = s->as4;
	f->ctx.ebgp = s->ebgp;
	f->max = s->max_msg;
}

/* Flush everything pending for a peer into f->m; must finish. */
static inline size_t flush(struct fx *f, size_t peer)
{
	msgs_reset(&f->m);
	ck_assert(rib_peer_flush(f->r, peer, SIZE_MAX, on_emit, &f->m));
	ck_assert_uint_eq(rib_peer_pending(f->r, peer), 0);
	return f->m.n;
}

static inline int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted lines joined by sep into out; frees them. */
static inline void join_sorted(char **lines, size_t n, const char *sep, char *out,
    size_t size)
{
	size_t off = 0;

	if (n > 0)
		qsort(lines, n, sizeof(*lines), cmp_str);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		off += (size_t)snprintf(out + off, size - off, "%s%s",
		    i ? sep : "", lines[i]);
		ck_assert(off < size);
		free(lines[i]);
	}
}

/* "a b,c" -> prefixes or communities; sep is the set of separators. */
static inline size_t parse_list(const char *list, const char *sep,
    struct prefix *out, uint32_t *comm, size_t max)
{
	char buf[512], *save = NULL;
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", list ? list : "");
	for (char *t = strtok_r(buf, sep, &save); t;
	    t = strtok_r(NULL, sep, &save)) {
		ck_assert(n < max);
		if (out != NULL)
			out[n] = pfx(t);
		else
			ck_assert_msg(community_parse(t, &comm[n]), "%s", t);
		n++;
	}
	return n;
}

#endif
