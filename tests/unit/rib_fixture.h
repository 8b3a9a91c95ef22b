/*
 * rib_fixture.h - helpers shared by the rib/ unit tests (check_rib.c,
 * check_rib_updates.c, check_adjin.c) and the bgpd/ ones that build a RIB
 * (check_state.c, check_metrics*.c): a config and RIB under test, what
 * a flush emits, the routes its UPDATEs carry (decoded with fsm/),
 * UPDATEs written in hex, the configs more than one of them uses.  Test code only.
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
#include "tests/unit/unit.h"

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

/* The config text, which must load ("t.conf"). */
static inline struct conf *conf_ok(const char *text)
{
	struct conf_diag d;

	conf_diag_init(&d);
	struct conf *c = conf_load_string("t.conf", text, &d);
	ck_assert_msg(c != NULL, "config refused: %s",
	    d.nmsgs ? d.msgs[0] : "?");
	conf_diag_free(&d);
	return c;
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

	memset(f, 0, sizeof(*f));
	f->c = conf_ok(text);
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

/* " [owner key=K static C1 C2]" for each owner of v, in order. */
static inline void owners_fprint(FILE *f, const struct vip *v)
{
	char cs[32];

	for (uint32_t j = 0; j < v->nowners; j++) {
		const struct vip_owner *o = vip_owner(v, j);
		fprintf(f, " [%s key=%s%s", o->name, o->key ? o->key :
		    "-", o->is_static ? " static" : "");
		for (uint32_t k = 0; k < o->ncomm; k++)
			fprintf(f, " %s", community_fmt(o->comm[k], cs,
			    sizeof(cs)));
		fprintf(f, "]");
	}
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

/* Add n consecutive addresses from base. */
static inline void add_many(struct rib *r, const char *base, size_t n,
    const char *owner)
{
	struct vip_req req = { .owner = owner };
	struct rib_res res = { 0 };

	for (size_t i = 0; i < n; i++) {
		struct prefix a = nth(base, i);
		ck_assert_msg(rib_vip_add(r, &a, &req, &res), "%s", res.msg);
	}
}

/* An UPDATE from the hex of its body, lengths written by hand. */
static inline size_t update_hex(uint8_t *buf, size_t cap, const char *body)
{
	ck_assert(cap >= BGP_HDR_LEN);
	memset(buf, 0xff, BGP_MARKER_LEN);
	size_t len = BGP_HDR_LEN + unhex(body, buf + BGP_HDR_LEN,
	    cap - BGP_HDR_LEN);
	buf[16] = (uint8_t)(len >> 8);
	buf[17] = (uint8_t)len;
	buf[18] = BGP_MSG_UPDATE;
	return len;
}

/* A well-framed UPDATE that decodes without any complaint. */
static inline void decode(const uint8_t *msg, size_t len, size_t max,
    const struct bgp_upd_ctx *ctx, struct bgp_update *u)
{
	struct bgp_hdr h;
	struct bgp_err err = { 0 };

	ck_assert_uint_le(len, max);
	ck_assert_int_eq(bgp_frame(msg, len, max, &h, &err), BGP_FRAME_OK);
	ck_assert_uint_eq(h.len, len);
	ck_assert_uint_eq(h.type, BGP_MSG_UPDATE);
	ck_assert_msg(bgp_update_decode(msg, len, ctx, u, &err),
	    "UPDATE refused: %u/%u", err.code, err.subcode);
	ck_assert(!u->treat_as_withdraw);
	ck_assert_uint_eq(u->why.code, 0);
}

struct plist {
	struct prefix *p;
	size_t n, cap;
};

static inline void plist_add(struct plist *l, const struct prefix *p)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->p = realloc(l->p, l->cap * sizeof(*l->p));
		ck_assert(l->p != NULL);
	}
	l->p[l->n++] = *p;
}

static inline int cmp_pfx(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

static inline void plist_sort(struct plist *l)
{
	if (l->n > 0)
		qsort(l->p, l->n, sizeof(*l->p), cmp_pfx);
}

static inline void nlri_collect(const uint8_t *nlri, size_t len, uint16_t afi,
    struct plist *l)
{
	struct rd rd = rd_init(nlri, len);
	struct prefix p;

	while (bgp_nlri_next(&rd, afi, &p))
		plist_add(l, &p);
	ck_assert(!rd.failed);
}

/* What one UPDATE announced and withdrew. */
static inline void upd_routes(const struct bgp_update *u, struct plist *ann,
    struct plist *wd)
{
	ck_assert_msg(!bgp_update_is_empty(u), "empty UPDATE sent");
	nlri_collect(u->withdrawn, u->withdrawn_len, AFI_IPV4, wd);
	nlri_collect(u->nlri, u->nlri_len, AFI_IPV4, ann);
	if (attr_has(&u->a, BGP_ATTR_MP_REACH))
		nlri_collect(u->a.reach.nlri, u->a.reach.nlri_len,
		    u->a.reach.afi, ann);
	if (attr_has(&u->a, BGP_ATTR_MP_UNREACH))
		nlri_collect(u->a.unreach.nlri, u->a.unreach.nlri_len,
		    u->a.unreach.afi, wd);
}

/* What a set of UPDATEs announced and withdrew. */
struct tally {
	struct plist ann, wd;
};

static inline void tally_msgs(const struct msgs *m, size_t max,
    const struct bgp_upd_ctx *ctx, struct tally *t)
{
	for (size_t i = 0; i < m->n; i++) {
		struct bgp_update u;
		decode(m->buf[i], m->len[i], max, ctx, &u);
		upd_routes(&u, &t->ann, &t->wd);
	}
}

static inline void tally_free(struct tally *t)
{
	free(t->ann.p);
	free(t->wd.p);
	memset(t, 0, sizeof(*t));
}

/* got holds exactly want: nothing lost, nothing twice. */
static inline void same_set(struct plist *got, struct plist *want,
    const char *what)
{
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

	plist_sort(got);
	plist_sort(want);
	for (size_t i = 0; i < got->n && i < want->n; i++)
		ck_assert_msg(prefix_equal(&got->p[i], &want->p[i]),
		    "%s: #%zu is %s, expected %s", what, i,
		    prefix_fmt(&got->p[i], a, sizeof(a)),
		    prefix_fmt(&want->p[i], b, sizeof(b)));
	ck_assert_msg(got->n == want->n, "%s: %zu prefixes, expected %zu",
	    what, got->n, want->n);
}

/* Two advertisements making the same route to one peer: merged. */
static const char conf_merge[] =
    "local-as 64513\n"
    "pool p1 {\n\taddresses 10.0.0.0/24\n}\n"
    "pool p2 {\n\taddresses 10.1.0.0/24\n}\n"
    "neighbor r1 {\n\taddress 192.0.2.1\n\tremote-as 64513\n}\n"
    "neighbor r2 {\n\taddress 192.0.2.2\n\tremote-as 64513\n}\n"
    "advertisement a1 {\n\tpools p1\n\tcommunities 64512:1 no-export\n"
    "\tlocal-pref 150\n}\n"
    "advertisement a2 {\n\tcommunities 64512:2 64512:1 large:64512:1:2\n"
    "\tlocal-pref 120\n\tpeers r1\n}\n";

/* Packing: one pool per family, one eBGP neighbor. */
static const char conf_pack[] =
    "local-as 64513\n"
    "pool v4 {\n\taddresses 10.0.0.0/16\n}\n"
    "pool v6 {\n\taddresses 2001:db8::/112\n}\n"
    "neighbor r1 {\n\taddress 192.0.2.1\n\tremote-as 64512\n}\n"
    "advertisement a {\n}\n";

static const char conf_pack_comm[] =
    "local-as 64513\n"
    "pool v4 {\n\taddresses 10.0.0.0/16\n}\n"
    "pool v6 {\n\taddresses 2001:db8::/112\n}\n"
    "neighbor r1 {\n\taddress 192.0.2.1\n\tremote-as 64512\n}\n"
    "advertisement a {\n\tcommunities 1:1 1:2 1:3 1:4 1:5\n}\n";

#endif
