/*
 * stmt.c - the statements of lbbgp.conf: the keyword table of each block.
 * A statement of one simple value (a number in a range, yes/no, an
 * address, an AS number, a string, an interface name) is a table row,
 * stored by the one generic handler; the others have a handler of their
 * own.  A handler checks its own values and fills in struct conf;
 * anything that involves two statements is check.c's.
 */
#include "conf/parse_int.h"
#include "util/buf.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- simple statements: one value, stored as its table row says ---- */

/* A neighbor statement parsed: set its bit and remember its line. */
static void mark(struct parser *p, struct conf_neighbor *nb)
{
	uint32_t bit = p->kw->bit;

	nb->set |= bit;
	p->l->nbr[p->c->nneighbors - 1].line[conf_nbr_bit_no(bit)] = p->line;
}

static struct adv_src *adv_src(struct parser *p)
{
	return &p->l->adv[p->c->nadvs - 1];
}

static struct check_src *check_src(struct parser *p)
{
	return &p->l->chk[p->c->nchecks - 1];
}

/* The source records as struct block's src hooks. */
static void *adv_src_of(struct parser *p)
{
	return adv_src(p);
}

static void *pool_src_of(struct parser *p)
{
	return &p->l->pool[p->c->npools - 1];
}

static void *check_src_of(struct parser *p)
{
	return check_src(p);
}

/* v fits: the row's range is within the field's width. */
static void store_num(void *field, size_t size, uint64_t v)
{
	switch (size) {
	case sizeof(uint8_t):
		*(uint8_t *)field = (uint8_t)v;
		break;
	case sizeof(uint16_t):
		*(uint16_t *)field = (uint16_t)v;
		break;
	default:
		*(uint32_t *)field = (uint32_t)v;
		break;
	}
}

/* After a good value: what the row says to record besides it. */
static void note_stored(struct parser *p, void *obj)
{
	const struct kw *k = p->kw;

	if (k->bit != 0)
		mark(p, obj);
	switch (k->mark) {
	case MARK_NONE:
		break;
	case MARK_FLAG:
		*(bool *)((char *)obj + k->mark_off) = true;
		break;
	case MARK_LINE:
		*(int *)((char *)p->l + k->mark_off) = p->line;
		break;
	case MARK_SRC_LINE:
		*(int *)((char *)p->blk->src(p) + k->mark_off) = p->line;
		break;
	}
}

void conf_kw_value(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	const struct kw *k = p->kw;
	void *field = (char *)obj + k->off;
	uint64_t v;
	bool ok = false;

	switch (k->type) {
	case KW_FN:
		break;
	case KW_NUM:
		ok = conf_v_num(p, &a[0], k->lo, k->hi, &v);
		if (ok)
			store_num(field, k->size, v);
		break;
	case KW_BOOL:
		ok = conf_v_bool(p, &a[0], field);
		break;
	case KW_ADDR:
		ok = conf_v_addr(p, &a[0], (unsigned)k->lo, field);
		break;
	case KW_ASN:
		ok = conf_v_asn(p, &a[0], field);
		break;
	case KW_STR:
		ok = conf_v_string(p, &a[0], k->lo, k->hi);
		if (ok)
			conf_set_str(field, a[0].text);
		break;
	case KW_IFNAME:
		ok = conf_v_ifname(p, &a[0]);
		if (ok)
			conf_set_str(field, a[0].text);
		break;
	case KW_NAME:
		ok = conf_v_name(p, &a[0]);
		if (ok)
			conf_set_str(field, a[0].text);
		break;
	case KW_MSEC:
		ok = conf_v_msec(p, &a[0], k->lo, k->hi, field);
		break;
	case KW_PATH:
		ok = conf_v_path(p, &a[0], k->hi);
		if (ok)
			conf_set_str(field, a[0].text);
		break;
	case KW_KEYNAME:
		ok = conf_v_keyname(p, &a[0]);
		if (ok)
			conf_set_str(field, a[0].text);
		break;
	}
	if (ok)
		note_stored(p, obj);
}

/* The values of row k in objects a and b are equal; true for KW_FN. */
bool conf_kw_value_eq(const struct kw *k, const void *a, const void *b)
{
	const char *x = (const char *)a + k->off, *y = (const char *)b + k->off;
	const char *sx, *sy;
	const struct prefix *px, *py;

	switch (k->type) {
	case KW_FN:
		return true;
	case KW_NUM:
	case KW_ASN:
	case KW_BOOL:
	case KW_MSEC:
		return memcmp(x, y, k->size) == 0;
	case KW_ADDR:
		px = (const struct prefix *)x;
		py = (const struct prefix *)y;
		if (px->afi == AFI_NONE || py->afi == AFI_NONE)
			return px->afi == py->afi;	/* unset */
		return prefix_equal(px, py);
	case KW_STR:
	case KW_IFNAME:
	case KW_NAME:
	case KW_PATH:
	case KW_KEYNAME:
		sx = *(char *const *)x;
		sy = *(char *const *)y;
		return sx == NULL || sy == NULL ? sx == sy :
		    strcmp(sx, sy) == 0;
	}
	return false;
}

/* ---- top-level statements ---- */

static void g_router_id(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct prefix id;

	if (!conf_v_addr(p, &a[0], AFI_IPV4, &id))
		return;
	if (prefix_v4(&id) == 0) {
		conf_p_bad(p, "0.0.0.0 is not a valid BGP identifier "
		    "(RFC 6286)");
		return;
	}
	p->c->router_id_set = true;
	p->c->router_id = prefix_v4(&id);
	p->l->router_id_line = p->line;
}

static void g_listen(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_listen li = { .port = CONF_DEFAULT_PORT, .line = p->line };

	if (strcmp(a[0].text, "on") != 0) {
		conf_p_bad(p, "expected \"on\" after listen, not \"%s\"",
		    a[0].text);
		return;
	}
	if (n == 1) {
		conf_p_bad(p, "missing address after \"on\"");
		return;
	}
	if (!conf_v_addr(p, &a[1], AFI_NONE, &li.addr))
		return;
	if (n == 3 || (n == 4 && strcmp(a[2].text, "port") != 0)) {
		conf_p_bad(p, "expected \"port N\" after the address");
		return;
	}
	if (n == 4 && !conf_v_u16(p, &a[3], 1, 65535, &li.port))
		return;
	p->c->listens = conf_append(p->c->listens, &p->c->nlistens,
	    sizeof(*p->c->listens));
	p->c->listens[p->c->nlistens - 1] = li;
}

static void g_socket(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	bool restricted = false;

	if (!conf_v_string(p, &a[0], 1, SUN_PATH_MAX))
		return;
	if (n == 2) {
		if (strcmp(a[1].text, "restricted") != 0) {
			conf_p_bad(p, "expected \"restricted\", not \"%s\"",
			    a[1].text);
			return;
		}
		restricted = true;
	}
	p->c->sockets = conf_append(p->c->sockets, &p->c->nsockets,
	    sizeof(*p->c->sockets));
	struct conf_socket *s = &p->c->sockets[p->c->nsockets - 1];
	s->path = conf_xstrdup(a[0].text);
	s->restricted = restricted;
	s->line = p->line;
}

static void g_socket_mode(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	const char *s = a[0].text;
	char *end;

	errno = 0;
	unsigned long m = strtoul(s, &end, 8);
	if (*s == '\0' || *end != '\0' || errno != 0 || s[0] == '-' ||
	    s[0] == '+') {
		conf_p_bad(p, "\"%s\" is not an octal mode", s);
		return;
	}
	if (m > 0777) {
		conf_p_bad(p, "%s has bits beyond 0777", s);
		return;
	}
	if ((m & 0600) != 0600) {
		conf_p_bad_fix(p, "%s does not let the owner read and write "
		    "the socket; lbbgpd's own tools need that: use 0600 or "
		    "more, e.g. 0660", s);
		return;
	}
	if (m & 0002)
		conf_p_warn(p, "socket-mode %s lets every local user change "
		    "the VIPs; a read-only socket \"PATH\" restricted is meant "
		    "for that", s);
	p->c->socket_mode = (uint16_t)m;
	p->c->socket_mode_set = true;
}

static void g_socket_group(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	const char *s = a[0].text;

	if (!conf_v_string(p, &a[0], 1, 32))
		return;
	if (strpbrk(s, ": \t/") != NULL) {
		conf_p_bad(p, "\"%s\" is not a group name or number", s);
		return;
	}
	conf_set_str(&p->c->socket_group, s);
}

static void g_track_interface(struct parser *p, void *obj,
    const struct tok *a, size_t n)
{
	struct conf *c = p->c;

	if (!conf_v_ifname(p, &a[0]))
		return;
	for (size_t i = 0; i < c->ntrack; i++) {
		if (strcmp(c->track[i], a[0].text) == 0) {
			conf_p_err(p, "track-interface %s already given at "
			    "line %d; keep only one", a[0].text,
			    p->l->track_line[i]);
			return;
		}
	}
	size_t nl = c->ntrack;
	p->l->track_line = conf_append(p->l->track_line, &nl,
	    sizeof(*p->l->track_line));
	p->l->track_line[nl - 1] = p->line;
	c->track = conf_append(c->track, &c->ntrack, sizeof(*c->track));
	c->track[c->ntrack - 1] = conf_xstrdup(a[0].text);
}

/* import-addresses dev NAME [label LABEL] */
static void g_import(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf *c = p->c;

	if (strcmp(a[0].text, "dev") != 0) {
		conf_p_bad(p, "expected \"dev\", not \"%s\"", a[0].text);
		return;
	}
	if (n == 1) {
		conf_p_bad(p, "missing interface name after \"dev\"");
		return;
	}
	if (!conf_v_ifname(p, &a[1]))
		return;
	if (n == 3 || (n == 4 && strcmp(a[2].text, "label") != 0)) {
		conf_p_bad(p, "expected \"label LABEL\" after the interface");
		return;
	}
	if (n == 4 && !conf_v_string(p, &a[3], 1, CONF_IFNAMSIZ - 1))
		return;
	const char *label = n == 4 ? a[3].text : NULL;
	for (size_t i = 0; i < c->nimports; i++) {
		const struct conf_import *o = &c->imports[i];
		if (strcmp(o->dev, a[1].text) != 0)
			continue;
		if (o->label == NULL || label == NULL ||
		    strcmp(o->label, label) == 0) {
			conf_p_err(p, "import-addresses dev %s overlaps the "
			    "one at line %d; keep only one", a[1].text,
			    o->line);
			return;
		}
	}
	c->imports = conf_append(c->imports, &c->nimports, sizeof(*c->imports));
	struct conf_import *im = &c->imports[c->nimports - 1];
	im->dev = conf_xstrdup(a[1].text);
	im->label = label ? conf_xstrdup(label) : NULL;
	im->line = p->line;
}

/* metrics listen ADDR:PORT, [V6]:PORT for IPv6. */
static void g_metrics(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	const char *s;
	char host[PREFIX_STRLEN];
	struct prefix addr;

	if (strcmp(a[0].text, "listen") != 0) {
		conf_p_bad(p, "expected \"listen\", not \"%s\"", a[0].text);
		return;
	}
	if (n == 1) {
		conf_p_bad(p, "missing ADDRESS:PORT after \"listen\"");
		return;
	}
	s = a[1].text;
	const char *colon = strrchr(s, ':');
	size_t hl = colon ? (size_t)(colon - s) : 0;
	if (colon == NULL || hl == 0) {
		conf_p_bad(p, "\"%s\" has no port", s);
		return;
	}
	if (s[0] == '[') {
		if (hl < 3 || s[hl - 1] != ']') {
			conf_p_bad(p, "\"%s\" is not [ADDRESS]:PORT", s);
			return;
		}
		s++;
		hl -= 2;
	} else if (memchr(s, ':', hl) != NULL) {
		conf_p_bad_fix(p, "write an IPv6 address in brackets: "
		    "[%.*s]:%s", (int)hl, s, colon + 1);
		return;
	}
	if (hl >= sizeof(host)) {
		conf_p_bad(p, "\"%s\" is not an address", a[1].text);
		return;
	}
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (!addr_parse(host, &addr)) {
		conf_p_bad(p, "\"%s\" is not an IP address", host);
		return;
	}
	struct tok port = { TOK_WORD, (char *)(colon + 1) };
	if (!conf_v_u16(p, &port, 1, 65535, &p->c->metrics_port))
		return;
	p->c->metrics_addr = addr;
	p->c->metrics_set = true;
}

/*
 * The option a[i] of a line of "OPTION VALUE" pairs (a[0..n)): its index
 * in opts[], marked in seen[]; SIZE_MAX once reported as unknown, given
 * twice, or without the value every option but opts[novalue] needs.
 */
static size_t option_at(struct parser *p, const struct tok *a, size_t i,
    size_t n, const char *const *opts, size_t nopts, bool *seen,
    size_t novalue)
{
	struct suggest sg;
	size_t o;

	for (o = 0; o < nopts; o++)
		if (strcmp(a[i].text, opts[o]) == 0)
			break;
	if (o == nopts) {
		conf_suggest_init(&sg, a[i].text);
		for (size_t j = 0; j < nopts; j++)
			conf_suggest_try(&sg, opts[j]);
		if (conf_suggest_best(&sg) != NULL)
			conf_p_bad_fix(p, "unknown option \"%s\"; did you mean "
			    "\"%s\"?", a[i].text, conf_suggest_best(&sg));
		else
			conf_p_bad(p, "unknown option \"%s\"", a[i].text);
		return SIZE_MAX;
	}
	if (o != novalue && i + 1 >= n) {
		conf_p_bad(p, "%s needs a value", opts[o]);
		return SIZE_MAX;
	}
	if (seen[o]) {
		conf_p_bad(p, "%s given twice", opts[o]);
		return SIZE_MAX;
	}
	seen[o] = true;
	return o;
}

/* vip ADDRESS [pool NAME] [owner OWNER] [check NAME] */
enum { VIP_POOL, VIP_OWNER, VIP_CHECK, VIP_NOPTS };

static void g_vip(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	static const char *const opts[VIP_NOPTS] = { "pool", "owner",
	    "check" };
	const char *val[VIP_NOPTS] = { NULL, NULL, NULL };
	bool seen[VIP_NOPTS] = { false };
	struct prefix addr;

	if (!conf_v_addr(p, &a[0], AFI_NONE, &addr))
		return;
	for (size_t i = 1; i < n; i += 2) {
		size_t o = option_at(p, a, i, n, opts, VIP_NOPTS, seen,
		    VIP_NOPTS);
		if (o == SIZE_MAX)
			return;
		if (o != VIP_OWNER && !conf_v_name(p, &a[i + 1]))
			return;
		if (o == VIP_OWNER && !conf_v_string(p, &a[i + 1], 1, 256))
			return;
		val[o] = a[i + 1].text;
	}
	p->c->vips = conf_append(p->c->vips, &p->c->nvips, sizeof(*p->c->vips));
	struct conf_vip *v = &p->c->vips[p->c->nvips - 1];
	v->addr = addr;
	v->pool = val[VIP_POOL] ? conf_xstrdup(val[VIP_POOL]) : NULL;
	v->owner = val[VIP_OWNER] ? conf_xstrdup(val[VIP_OWNER]) : NULL;
	v->check = val[VIP_CHECK] ? conf_xstrdup(val[VIP_CHECK]) : NULL;
	v->pool_idx = SIZE_MAX;
	v->check_idx = SIZE_MAX;
	v->line = p->line;
}

/* ---- pool ---- */

static void pool_addresses(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_pool *pl = obj;
	struct conf_range r = { .line = p->line };
	const char *s = a[0].text, *dash = strchr(s, '-');
	char buf[PREFIX_STRLEN];

	if (n == 3 && strcmp(a[1].text, "-") == 0) {
		conf_p_bad_fix(p, "write the range without spaces: %s-%s",
		    a[0].text, a[2].text);
		return;
	}
	if (n != 1) {
		conf_p_bad(p, "one range or CIDR per line");
		return;
	}
	if (strchr(s, '/') != NULL) {
		bool host_bits;
		struct prefix net;
		if (!prefix_parse(s, &net, &host_bits)) {
			conf_p_bad(p, "\"%s\" is not a CIDR block", s);
			return;
		}
		if (host_bits) {
			conf_p_bad_fix(p, "%s has host bits set; did you mean "
			    "%s?", s, prefix_fmt(&net, buf, sizeof(buf)));
			return;
		}
		r.is_cidr = true;
		r.cidr_len = net.len;
		r.lo = net;
		r.lo.len = (uint8_t)afi_bits(net.afi);
		r.hi = r.lo;
		/* The last address: every host bit set. */
		for (unsigned b = net.len; b < afi_bits(net.afi); b++)
			r.hi.a[b / 8] |= (uint8_t)(0x80 >> (b % 8));
	} else if (dash != NULL) {
		char first[PREFIX_STRLEN];
		size_t fl = (size_t)(dash - s);
		if (fl >= sizeof(first)) {
			conf_p_bad(p, "\"%s\" is not a range", s);
			return;
		}
		memcpy(first, s, fl);
		first[fl] = '\0';
		if (!addr_parse(first, &r.lo) || !addr_parse(dash + 1, &r.hi)) {
			conf_p_bad(p, "\"%s\" is not a range of two addresses",
			    s);
			return;
		}
		if (r.lo.afi != r.hi.afi) {
			conf_p_bad(p, "%s mixes IPv4 and IPv6", s);
			return;
		}
		if (addr_cmp(&r.lo, &r.hi) > 0) {
			char b2[PREFIX_STRLEN];
			conf_p_bad_fix(p, "%s runs backwards; write %s-%s", s,
			    addr_fmt(&r.hi, buf, sizeof(buf)),
			    addr_fmt(&r.lo, b2, sizeof(b2)));
			return;
		}
	} else if (addr_parse(s, &r.lo)) {
		r.hi = r.lo;
	} else {
		conf_p_bad(p, "\"%s\" is neither an address, a range nor a "
		    "CIDR block", s);
		return;
	}
	pl->ranges = conf_append(pl->ranges, &pl->nranges, sizeof(*pl->ranges));
	pl->ranges[pl->nranges - 1] = r;
}

static const char *const announce_names[] = {
	[CONF_ANNOUNCE_ALL] = "all",
	[CONF_ANNOUNCE_ONE] = "one",
};
_Static_assert(NELEM(announce_names) == CONF_ANNOUNCE_COUNT,
    "one name per enum conf_announce");

const char *conf_announce_name(enum conf_announce a)
{
	return (unsigned)a < NELEM(announce_names) ? announce_names[a] : "?";
}

/* announce all|one: whether one host of the fleet announces the VIPs;
 * check.c refuses one without a fleet block. */
static void pool_announce(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_pool *pl = obj;

	for (unsigned i = 0; i < CONF_ANNOUNCE_COUNT; i++) {
		if (strcmp(a[0].text, announce_names[i]) == 0) {
			pl->announce = (enum conf_announce)i;
			p->l->pool[p->c->npools - 1].announce_line = p->line;
			return;
		}
	}
	conf_p_bad(p, "\"%s\" is neither all nor one", a[0].text);
}

/* ---- neighbor ---- */

static void n_hold_time(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;
	uint16_t v;

	if (!conf_v_u16(p, &a[0], 0, 65535, &v))
		return;
	if (v == 1 || v == 2) {
		/* RFC 4271 §4.2: zero or at least three seconds. */
		conf_p_bad(p, "%u is too short: the hold time is 0 or at least "
		    "3 seconds (RFC 4271 section 4.2)", v);
		return;
	}
	nb->hold_time = v;
	mark(p, nb);
}

static void n_password(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	/* RFC 2385 keys go to the kernel, which caps them at 80 bytes.  A
	 * secret is never repeated in a message (conf_v_string() quotes). */
	size_t len = strlen(a[0].text);
	if (len > TCP_MD5_MAXKEY) {
		conf_p_bad(p, "the password is %zu bytes long, more than %d "
		    "(the kernel's limit for TCP-MD5 keys)", len,
		    TCP_MD5_MAXKEY);
		return;
	}
	if (!conf_v_string(p, &a[0], 1, TCP_MD5_MAXKEY))
		return;
	conf_set_str(&nb->password, a[0].text);
	mark(p, nb);
}

static void n_graceful_restart(struct parser *p, void *obj,
    const struct tok *a, size_t n)
{
	struct conf_neighbor *nb = obj;
	bool on;
	uint16_t t = CONF_DEFAULT_RESTART_TIME;
	uint64_t v;

	if (!conf_v_bool(p, &a[0], &on))
		return;
	if (n == 2 || (n == 3 && strcmp(a[1].text, "restart-time") != 0)) {
		conf_p_bad(p, "expected \"restart-time N\" after yes or no");
		return;
	}
	/* RFC 4724 §3: the Restart Time field has 12 bits. */
	if (n == 3) {
		if (!conf_v_opt_num(p, "restart-time", &a[2], 1, 4095, &v))
			return;
		t = (uint16_t)v;
	}
	nb->graceful_restart = on;
	nb->restart_time = t;
	mark(p, nb);
}

static void n_max_prefix(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;
	uint64_t v;
	uint16_t m = 0;

	if (!conf_v_num(p, &a[0], 1, UINT32_MAX, &v))
		return;
	if (n == 2 || (n == 3 && strcmp(a[1].text, "restart") != 0)) {
		conf_p_bad(p, "expected \"restart MINUTES\" after the count");
		return;
	}
	if (n == 3) {
		uint64_t r;
		if (!conf_v_opt_num(p, "restart", &a[2], 1, 65535, &r))
			return;
		m = (uint16_t)r;
	}
	nb->max_prefix = (uint32_t)v;
	nb->max_prefix_restart = m;
	mark(p, nb);
}

static const char *const bfd_auth_names[] = {
	[CONF_BFD_AUTH_NONE] = "none",
	[CONF_BFD_AUTH_SHA1] = "sha1",
	[CONF_BFD_AUTH_METICULOUS_SHA1] = "meticulous-sha1",
};
_Static_assert(NELEM(bfd_auth_names) == CONF_BFD_AUTH_COUNT,
    "one name per enum conf_bfd_auth");

const char *conf_bfd_auth_name(enum conf_bfd_auth a)
{
	return (unsigned)a < NELEM(bfd_auth_names) ? bfd_auth_names[a] : "?";
}

/* The authentication type of bfd-auth: sha1 or meticulous-sha1. */
static bool bfd_auth_type(const char *s, enum conf_bfd_auth *out)
{
	for (unsigned i = CONF_BFD_AUTH_SHA1; i < CONF_BFD_AUTH_COUNT; i++) {
		if (strcmp(s, bfd_auth_names[i]) == 0) {
			*out = (enum conf_bfd_auth)i;
			return true;
		}
	}
	return false;
}

/*
 * bfd-auth sha1|meticulous-sha1 KEYID "KEY".  The key is a secret and any
 * value of the line may be the key written in the wrong place, so no
 * message here quotes a value; a key split over several words is caught
 * before the generic "too many values" would quote the rest.
 */
static void n_bfd_auth(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;
	enum conf_bfd_auth type;
	uint64_t id;

	if (n > 3) {
		conf_p_bad(p, "the key is one value: put it in double quotes");
		return;
	}
	if (a[0].type != TOK_WORD || !bfd_auth_type(a[0].text, &type)) {
		conf_p_bad(p, "the first value is the type, sha1 or "
		    "meticulous-sha1");
		return;
	}
	if (a[1].type != TOK_WORD || !conf_num_parse(a[1].text, &id) ||
	    id > 255) {
		conf_p_bad(p, "the second value is the key id, 0..255");
		return;
	}
	/* RFC 5880 §4.4: the key fills a 20-byte field. */
	size_t len = strlen(a[2].text);
	if (len == 0) {
		conf_p_bad(p, "the key is empty");
		return;
	}
	if (len > CONF_BFD_KEY_MAX) {
		conf_p_bad(p, "the key is %zu bytes long, more than %d (RFC "
		    "5880 section 4.4)", len, CONF_BFD_KEY_MAX);
		return;
	}
	nb->bfd_auth = type;
	nb->bfd_key_id = (uint8_t)id;
	conf_set_str(&nb->bfd_key, a[2].text);
	mark(p, nb);
}

/* ---- advertisement ---- */

/* Append valid, new names to *v; lines go to *lines in step. */
static void name_list(struct parser *p, const struct tok *a, size_t n,
    char ***v, size_t *nv, int **lines)
{
	for (size_t i = 0; i < n; i++) {
		if (!conf_v_name(p, &a[i]))
			continue;
		size_t j;
		for (j = 0; j < *nv; j++)
			if (strcmp((*v)[j], a[i].text) == 0)
				break;
		if (j < *nv) {
			conf_p_warn(p, "%s: %s is listed twice; the repeat is "
			    "ignored", p->kw->name, a[i].text);
			continue;
		}
		size_t nl = *nv;
		*lines = conf_append(*lines, &nl, sizeof(**lines));
		(*lines)[nl - 1] = p->line;
		*v = conf_append(*v, nv, sizeof(**v));
		(*v)[*nv - 1] = conf_xstrdup(a[i].text);
	}
}

static void adv_pools(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_adv *ad = obj;

	name_list(p, a, n, &ad->pools, &ad->npools, &adv_src(p)->pool_line);
}

static void adv_peers(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_adv *ad = obj;

	name_list(p, a, n, &ad->peers, &ad->npeers, &adv_src(p)->peer_line);
}

static void bad_community(struct parser *p, const char *s)
{
	struct suggest sg;
	const char *name;

	if (strncmp(s, "large:", 6) == 0) {
		conf_p_bad_fix(p, "%s is not a large community: write "
		    "large:GLOBAL:LOCAL1:LOCAL2, each 0..4294967295", s);
		return;
	}
	if (strchr(s, ':') != NULL) {
		conf_p_bad_fix(p, "%s is not a community: write A:B with A and "
		    "B in 0..65535", s);
		return;
	}
	conf_suggest_init(&sg, s);
	for (size_t i = 0; (name = conf_community_name(i)) != NULL; i++)
		conf_suggest_try(&sg, name);
	if (conf_suggest_best(&sg) != NULL)
		conf_p_bad_fix(p, "unknown community \"%s\"; did you mean "
		    "\"%s\"?", s, conf_suggest_best(&sg));
	else
		conf_p_bad(p, "unknown community \"%s\"", s);
}

static void warn_twice(struct parser *p, const char *s)
{
	conf_p_warn(p, "%s: %s is listed twice; the repeat is ignored",
	    p->kw->name, s);
}

/* Append the standard community c to *v unless it is there. */
static void add_community(struct parser *p, const char *s, uint32_t c,
    uint32_t **v, size_t *n)
{
	for (size_t j = 0; j < *n; j++) {
		if ((*v)[j] == c) {
			warn_twice(p, s);
			return;
		}
	}
	*v = conf_append(*v, n, sizeof(**v));
	(*v)[*n - 1] = c;
}

static void adv_communities(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_adv *ad = obj;

	for (size_t i = 0; i < n; i++) {
		const char *s = a[i].text;
		struct large_community lc;
		uint32_t c;
		bool dup = false;

		if (community_parse(s, &c)) {
			add_community(p, s, c, &ad->communities,
			    &ad->ncommunities);
		} else if (large_community_parse(s, &lc)) {
			for (size_t j = 0; j < ad->nlarge; j++)
				dup |= memcmp(&ad->large[j], &lc,
				    sizeof(lc)) == 0;
			if (dup) {
				warn_twice(p, s);
				continue;
			}
			ad->large = conf_append(ad->large, &ad->nlarge,
			    sizeof(*ad->large));
			ad->large[ad->nlarge - 1] = lc;
		} else {
			bad_community(p, s);
		}
	}
}

/* ---- check ---- */

#define PATH_MAX_LEN	4096

/*
 * The probe statement (http, tcp or exec) being run is the check's one:
 * conf_check_note() recorded the first probe written, before its
 * handler ran, so a later one of another kind is refused here.
 */
static bool probe_ok(struct parser *p)
{
	const struct check_src *src = check_src(p);

	if (src->probe_line == p->line)
		return true;
	conf_p_bad_fix(p, "this check already probes with %s (line %d); a "
	    "check has one of http, tcp or exec: keep one, or define "
	    "another check", src->probe, src->probe_line);
	return false;
}

static void chk_http(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_check *ck = obj;
	struct url_parts u;

	if (!probe_ok(p) || !conf_v_url(p, &a[0], &u))
		return;
	ck->kind = CHECK_HTTP;
	conf_set_str(&ck->url, a[0].text);
}

/* tcp ADDRESS port N */
static void chk_tcp(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_check *ck = obj;
	struct prefix addr;
	uint16_t port;

	if (!probe_ok(p) || !conf_v_addr(p, &a[0], AFI_NONE, &addr))
		return;
	if (n != 3 || strcmp(a[1].text, "port") != 0) {
		conf_p_bad(p, "expected \"port N\" after the address");
		return;
	}
	if (!conf_v_u16(p, &a[2], 1, 65535, &port))
		return;
	ck->kind = CHECK_TCP;
	ck->addr = addr;
	ck->port = port;
}

/* exec "/PROGRAM" "ARG"...: run without a shell, so no PATH search. */
static void chk_exec(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_check *ck = obj;
	const char *prog = a[0].text, *base = strrchr(prog, '/');

	if (!probe_ok(p) || !conf_v_string(p, &a[0], 1, PATH_MAX_LEN))
		return;
	if (prog[0] != '/') {
		conf_p_bad_fix(p, "\"%s\" is not an absolute path: lbbgpd runs "
		    "it without a shell or PATH; write the full path, e.g. "
		    "\"/usr/local/bin/%s\"", prog, base ? base + 1 : prog);
		return;
	}
	for (size_t i = 1; i < n; i++)
		if (!conf_v_string(p, &a[i], 0, PATH_MAX_LEN))
			return;
	ck->kind = CHECK_EXEC;
	/* NULL-terminated: it goes to posix_spawn() as it is. */
	ck->argv = conf_xcalloc(n + 1, sizeof(*ck->argv));
	for (size_t i = 0; i < n; i++)
		ck->argv[i] = conf_xstrdup(a[i].text);
	ck->argc = n;
}

static void chk_expect(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_check *ck = obj;
	uint64_t v;

	for (size_t i = 0; i < n; i++) {
		if (!conf_v_num(p, &a[i], 100, 599, &v))
			return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t j;
		conf_num_parse(a[i].text, &v);
		for (j = 0; j < ck->nexpect && ck->expect[j] != v; j++)
			;
		if (j < ck->nexpect) {
			warn_twice(p, a[i].text);
			continue;
		}
		ck->expect = conf_append(ck->expect, &ck->nexpect,
		    sizeof(*ck->expect));
		ck->expect[ck->nexpect - 1] = (uint16_t)v;
	}
	check_src(p)->expect_line = p->line;
}

/* on-down: the actions of a check gone down, other than withdraw. */
enum { DOWN_MED, DOWN_PREPEND, DOWN_COMMUNITY, DOWN_WITHDRAW, DOWN_NACTS };

/* on-down community C...: the rest of the line. */
static bool down_communities(struct parser *p, struct conf_check *ck,
    const struct tok *a, size_t n)
{
	bool ok = true;

	for (size_t i = 0; i < n; i++) {
		const char *s = a[i].text;
		struct large_community lc;
		uint32_t c;

		if (community_parse(s, &c)) {
			add_community(p, s, c, &ck->down_comm,
			    &ck->ndown_comm);
		} else if (large_community_parse(s, &lc)) {
			conf_p_bad_fix(p, "%s is a large community; on-down "
			    "adds standard ones only (A:B or a well-known "
			    "name)", s);
			ok = false;
		} else {
			bad_community(p, s);
			ok = false;
		}
	}
	return ok;
}

/* on-down withdraw | [med N] [prepend N] [community C...] */
static void chk_on_down(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	static const char *const acts[DOWN_NACTS] = { "med", "prepend",
	    "community", "withdraw" };
	struct conf_check *ck = obj;
	bool seen[DOWN_NACTS] = { false };
	uint64_t med = 0, prepend = 0;
	size_t i;

	for (i = 0; i < n; i += 2) {
		size_t o = option_at(p, a, i, n, acts, DOWN_NACTS, seen,
		    DOWN_WITHDRAW);
		if (o == SIZE_MAX)
			return;
		if (o == DOWN_WITHDRAW) {
			if (n > 1) {
				conf_p_bad_fix(p, "withdraw takes the routes "
				    "away, so it goes alone: write \"on-down "
				    "withdraw\", or keep the routes with med, "
				    "prepend or community");
				return;
			}
			break;
		}
		if (o == DOWN_COMMUNITY)
			break;	/* the rest of the line */
		if (o == DOWN_MED && !conf_v_opt_num(p, "med", &a[i + 1], 0,
		    UINT32_MAX, &med))
			return;
		if (o == DOWN_PREPEND && !conf_v_opt_num(p, "prepend",
		    &a[i + 1], 1, CONF_MAX_PREPEND, &prepend))
			return;
	}
	if (seen[DOWN_WITHDRAW]) {
		ck->down_keep = false;
		return;
	}
	if (seen[DOWN_COMMUNITY] && !down_communities(p, ck, a + i + 1,
	    n - i - 1))
		return;
	ck->down_keep = true;
	ck->down_med_set = seen[DOWN_MED];
	ck->down_med = (uint32_t)med;
	ck->down_prepend = (uint8_t)prepend;
}

/* Before a check statement runs, even when its line is bad: the first
 * probe is recorded with its line, so that a bad one does not also get
 * "needs one of" from the check pass. */
void conf_check_note(struct parser *p, const struct kw *k)
{
	struct check_src *src = check_src(p);

	if (src->probe != NULL)
		return;
	if (k->fn == chk_http)
		src->kind = CHECK_HTTP;
	else if (k->fn == chk_tcp)
		src->kind = CHECK_TCP;
	else if (k->fn == chk_exec)
		src->kind = CHECK_EXEC;
	else
		return;
	src->probe = k->name;
	src->probe_line = p->line;
}

/* ---- blocks ---- */

static void *open_pool(struct parser *p, const char *name)
{
	struct conf *c = p->c;
	size_t n = c->npools;

	p->l->pool = conf_append(p->l->pool, &n, sizeof(*p->l->pool));
	c->pools = conf_append(c->pools, &c->npools, sizeof(*c->pools));
	struct conf_pool *pl = &c->pools[c->npools - 1];
	pl->name = conf_xstrdup(name);
	pl->line = p->line;
	pl->auto_assign = true;
	pl->check_idx = SIZE_MAX;
	return pl;
}

static void *open_check(struct parser *p, const char *name)
{
	struct conf *c = p->c;
	size_t n = c->nchecks;

	p->l->chk = conf_append(p->l->chk, &n, sizeof(*p->l->chk));
	c->checks = conf_append(c->checks, &c->nchecks, sizeof(*c->checks));
	struct conf_check *ck = &c->checks[c->nchecks - 1];
	ck->name = conf_xstrdup(name);
	ck->line = p->line;
	ck->interval_ms = CONF_DEFAULT_INTERVAL_MS;
	ck->timeout_ms = CONF_DEFAULT_TIMEOUT_MS;
	ck->rise = CONF_DEFAULT_RISE;
	ck->fall = CONF_DEFAULT_FALL;
	return ck;
}

static void *open_neighbor(struct parser *p, const char *name)
{
	struct conf *c = p->c;
	size_t n = c->nneighbors;

	p->l->nbr = conf_append(p->l->nbr, &n, sizeof(*p->l->nbr));
	c->neighbors = conf_append(c->neighbors, &c->nneighbors,
	    sizeof(*c->neighbors));
	struct conf_neighbor *nb = &c->neighbors[c->nneighbors - 1];
	nb->name = conf_xstrdup(name);
	nb->line = p->line;
	nb->port = CONF_DEFAULT_PORT;
	nb->hold_time = CONF_DEFAULT_HOLD;
	nb->connect_retry = CONF_DEFAULT_CONNECT_RETRY;
	nb->restart_time = CONF_DEFAULT_RESTART_TIME;
	nb->bfd_min_tx_ms = CONF_DEFAULT_BFD_MIN_TX;
	nb->bfd_min_rx_ms = CONF_DEFAULT_BFD_MIN_RX;
	nb->bfd_multiplier = CONF_DEFAULT_BFD_MULTIPLIER;
	return nb;
}

static void *open_adv(struct parser *p, const char *name)
{
	struct conf *c = p->c;
	size_t n = c->nadvs;

	p->l->adv = conf_append(p->l->adv, &n, sizeof(*p->l->adv));
	c->advs = conf_append(c->advs, &c->nadvs, sizeof(*c->advs));
	struct conf_adv *ad = &c->advs[c->nadvs - 1];
	ad->name = conf_xstrdup(name);
	ad->line = p->line;
	ad->agg_len = 32;
	ad->agg_len_v6 = 128;
	ad->local_pref = CONF_DEFAULT_LOCAL_PREF;
	return ad;
}

#define ASN_USAGE "(1..4294967295, or asdot 1.10)"
#define G_VAL(nm, ty, f, l, h, mk, moff, use) \
	SIMPLE(nm, ty, struct conf, f, l, h, 0, mk, moff, use)
#define POOL_VAL(nm, ty, f, mk, moff, use) \
	SIMPLE(nm, ty, struct conf_pool, f, 0, 0, 0, mk, moff, use)
#define NBR_VAL(nm, ty, f, l, h, b, use) \
	SIMPLE(nm, ty, struct conf_neighbor, f, l, h, b, MARK_NONE, 0, use)
/* A neighbor value with checks of its own in fn; the printer reads ty. */
#define NBR_OWN(nm, fn_, ty, f, b, use) \
	ONE(nm, fn_, ty, struct conf_neighbor, f, 0, 0, b, MARK_NONE, 0, use)
#define NBR_FN(nm, f, lo, hi, b, use) \
	{ .name = (nm), .fn = (f), .min = (lo), .max = (hi), \
	    .usage = (use), .bit = (b) }
#define ADV_VAL(nm, f, h, mk, moff, use) \
	SIMPLE(nm, KW_NUM, struct conf_adv, f, 0, h, 0, mk, moff, use)

static const struct kw pool_kws[] = {
	FN("addresses", pool_addresses, 1, 3, true,
	    "addresses CIDR|FIRST-LAST|ADDRESS, e.g. addresses "
	    "192.168.1.240/28 or addresses 192.168.1.250-192.168.1.254"),
	POOL_VAL("auto-assign", KW_BOOL, auto_assign, MARK_NONE, 0,
	    "auto-assign yes|no"),
	POOL_VAL("avoid-buggy-ips", KW_BOOL, avoid_buggy_ips, MARK_NONE, 0,
	    "avoid-buggy-ips yes|no"),
	POOL_VAL("check", KW_NAME, check, MARK_SRC_LINE,
	    offsetof(struct pool_src, check_line),
	    "check NAME (of a check block)"),
	FN("announce", pool_announce, 1, 1, false,
	    "announce all|one (all: every host of the fleet; one: the one "
	    "it elects)"),
};

static const struct kw neighbor_kws[] = {
	NBR_VAL("address", KW_ADDR, addr, AFI_NONE, 0, NBR_SET_ADDRESS,
	    "address ADDRESS, e.g. address 10.0.0.1"),
	NBR_VAL("remote-as", KW_ASN, remote_as, 0, 0, NBR_SET_REMOTE_AS,
	    "remote-as ASN " ASN_USAGE),
	NBR_VAL("local-as", KW_ASN, local_as, 0, 0, NBR_SET_LOCAL_AS,
	    "local-as ASN " ASN_USAGE),
	NBR_VAL("local-address", KW_ADDR, local_addr, AFI_NONE, 0,
	    NBR_SET_LOCAL_ADDRESS,
	    "local-address ADDRESS (same family as address)"),
	NBR_VAL("next-hop", KW_ADDR, next_hop, AFI_IPV4, 0, NBR_SET_NEXT_HOP,
	    "next-hop IPV4-ADDRESS (next-hop-v6 for IPv6)"),
	NBR_VAL("next-hop-v6", KW_ADDR, next_hop_v6, AFI_IPV6, 0,
	    NBR_SET_NEXT_HOP_V6, "next-hop-v6 IPV6-ADDRESS"),
	NBR_VAL("port", KW_NUM, port, 1, 65535, NBR_SET_PORT,
	    "port 1..65535"),
	NBR_OWN("hold-time", n_hold_time, KW_NUM, hold_time, NBR_SET_HOLD_TIME,
	    "hold-time SECONDS (0 or 3..65535)"),
	NBR_VAL("keepalive", KW_NUM, keepalive, 0, 65535, NBR_SET_KEEPALIVE,
	    "keepalive SECONDS (0..65535, less than hold-time)"),
	NBR_VAL("min-hold-time", KW_NUM, min_hold_time, 3, 65535,
	    NBR_SET_MIN_HOLD_TIME, "min-hold-time SECONDS (3..65535)"),
	NBR_VAL("send-hold-time", KW_NUM, send_hold_time, 3, 65535,
	    NBR_SET_SEND_HOLD_TIME, "send-hold-time SECONDS (3..65535)"),
	NBR_VAL("connect-retry", KW_NUM, connect_retry, 1, 65535,
	    NBR_SET_CONNECT_RETRY, "connect-retry SECONDS (1..65535)"),
	NBR_VAL("passive", KW_BOOL, passive, 0, 0, NBR_SET_PASSIVE,
	    "passive yes|no"),
	NBR_OWN("password", n_password, KW_STR, password, NBR_SET_PASSWORD,
	    "password \"SECRET\" (1..80 characters)"),
	NBR_VAL("multihop", KW_NUM, multihop, 1, 255, NBR_SET_MULTIHOP,
	    "multihop TTL (1..255)"),
	NBR_VAL("ttl-security", KW_BOOL, ttl_security, 0, 0,
	    NBR_SET_TTL_SECURITY, "ttl-security yes|no"),
	NBR_FN("graceful-restart", n_graceful_restart, 1, 3,
	    NBR_SET_GRACEFUL_RESTART,
	    "graceful-restart yes|no [restart-time 1..4095]"),
	NBR_FN("max-prefix", n_max_prefix, 1, 3, NBR_SET_MAX_PREFIX,
	    "max-prefix COUNT [restart MINUTES] (COUNT 1..4294967295, "
	    "MINUTES 1..65535)"),
	NBR_VAL("description", KW_STR, description, 0, 256,
	    NBR_SET_DESCRIPTION, "description \"TEXT\""),
	NBR_VAL("shutdown", KW_BOOL, shutdown, 0, 0, NBR_SET_SHUTDOWN,
	    "shutdown yes|no"),
	NBR_VAL("track-interface", KW_IFNAME, track_interface, 0, 0,
	    NBR_SET_TRACK_INTERFACE,
	    "track-interface IFNAME, e.g. track-interface eth0"),
	NBR_VAL("bfd", KW_BOOL, bfd, 0, 0, NBR_SET_BFD, "bfd yes|no"),
	NBR_VAL("bfd-min-tx", KW_NUM, bfd_min_tx_ms, CONF_BFD_MIN_MS,
	    CONF_BFD_MAX_MS, NBR_SET_BFD_MIN_TX, "bfd-min-tx MILLISECONDS "
	    "(" STR(CONF_BFD_MIN_MS) ".." STR(CONF_BFD_MAX_MS) ")"),
	NBR_VAL("bfd-min-rx", KW_NUM, bfd_min_rx_ms, CONF_BFD_MIN_MS,
	    CONF_BFD_MAX_MS, NBR_SET_BFD_MIN_RX, "bfd-min-rx MILLISECONDS "
	    "(" STR(CONF_BFD_MIN_MS) ".." STR(CONF_BFD_MAX_MS) ")"),
	NBR_VAL("bfd-multiplier", KW_NUM, bfd_multiplier, 1, 255,
	    NBR_SET_BFD_MULTIPLIER, "bfd-multiplier 1..255"),
	NBR_VAL("bfd-strict", KW_BOOL, bfd_strict, 0, 0, NBR_SET_BFD_STRICT,
	    "bfd-strict yes|no"),
	NBR_FN("bfd-auth", n_bfd_auth, 3, UINT32_MAX, NBR_SET_BFD_AUTH,
	    "bfd-auth sha1|meticulous-sha1 KEYID \"KEY\" (KEYID 0..255, "
	    "KEY 1.." STR(CONF_BFD_KEY_MAX) " bytes)"),
	NBR_VAL("extended-next-hop", KW_BOOL, extended_next_hop, 0, 0,
	    NBR_SET_EXTENDED_NEXT_HOP, "extended-next-hop yes|no"),
	NBR_VAL("vrf", KW_IFNAME, vrf, 0, 0, NBR_SET_VRF,
	    "vrf IFNAME (a VRF device), e.g. vrf blue"),
};

static const struct kw adv_kws[] = {
	FN("pools", adv_pools, 1, UINT32_MAX, true, "pools NAME..."),
	FN("communities", adv_communities, 1, UINT32_MAX, true,
	    "communities COMMUNITY... where COMMUNITY is A:B (each "
	    "0..65535), no-export, no-advertise, no-export-subconfed, "
	    "no-peer, blackhole, graceful-shutdown or large:G:L1:L2"),
	ADV_VAL("aggregation-length", agg_len, 32, MARK_SRC_LINE,
	    offsetof(struct adv_src, agg_line), "aggregation-length 0..32"),
	ADV_VAL("aggregation-length-v6", agg_len_v6, 128, MARK_SRC_LINE,
	    offsetof(struct adv_src, agg6_line),
	    "aggregation-length-v6 0..128"),
	ADV_VAL("local-pref", local_pref, UINT32_MAX, MARK_FLAG,
	    offsetof(struct conf_adv, local_pref_set),
	    "local-pref 0..4294967295"),
	ADV_VAL("med", med, UINT32_MAX, MARK_FLAG,
	    offsetof(struct conf_adv, med_set), "med 0..4294967295"),
	ADV_VAL("as-path-prepend", prepend, CONF_MAX_PREPEND, MARK_NONE, 0,
	    "as-path-prepend 0..10 (more copies of the local AS, eBGP)"),
	FN("peers", adv_peers, 1, UINT32_MAX, true, "peers NAME..."),
};

#define CHECK_VAL(nm, ty, f, l, h, mk, moff, use) \
	SIMPLE(nm, ty, struct conf_check, f, l, h, 0, mk, moff, use)
#define CHECK_FN(nm, f, lo, hi, use)	FN(nm, f, lo, hi, false, use)

static const struct kw check_kws[] = {
	CHECK_FN("http", chk_http, 1, 1,
	    "http \"URL\", e.g. http \"http://127.0.0.1:8404/healthz\""),
	CHECK_FN("tcp", chk_tcp, 1, 3,
	    "tcp ADDRESS port 1..65535, e.g. tcp 127.0.0.1 port 443"),
	CHECK_FN("exec", chk_exec, 1, CONF_MAX_ARGV,
	    "exec \"/PROGRAM\" [\"ARGUMENT\"...] (at most "
	    STR(CONF_MAX_ARGV) " strings)"),
	CHECK_FN("expect", chk_expect, 1, CONF_MAX_EXPECT,
	    "expect CODE... (HTTP status codes 100..599, at most "
	    STR(CONF_MAX_EXPECT) ")"),
	CHECK_VAL("interval", KW_MSEC, interval_ms, 100, 86400000,
	    MARK_SRC_LINE, offsetof(struct check_src, interval_line),
	    "interval SECONDS (0.1..86400, up to 3 decimals)"),
	CHECK_VAL("timeout", KW_MSEC, timeout_ms, 10, 86400000,
	    MARK_SRC_LINE, offsetof(struct check_src, timeout_line),
	    "timeout SECONDS (0.01..86400, up to 3 decimals)"),
	CHECK_VAL("rise", KW_NUM, rise, 1, 100, MARK_NONE, 0,
	    "rise 1..100"),
	CHECK_VAL("fall", KW_NUM, fall, 1, 100, MARK_NONE, 0,
	    "fall 1..100"),
	CHECK_VAL("disable-file", KW_PATH, disable_file, 0, PATH_MAX_LEN,
	    MARK_NONE, 0, "disable-file \"/PATH\""),
	CHECK_FN("on-down", chk_on_down, 1, UINT32_MAX,
	    "on-down withdraw | [med 0..4294967295] [prepend 1..10] "
	    "[community COMMUNITY...]"),
};

const struct block conf_pool_block = {
	"pool", pool_kws, NELEM(pool_kws), open_pool, pool_src_of, false
};
const struct block conf_neighbor_block = {
	"neighbor", neighbor_kws, NELEM(neighbor_kws), open_neighbor, NULL,
	false
};
const struct block conf_adv_block = {
	"advertisement", adv_kws, NELEM(adv_kws), open_adv, adv_src_of, false
};
const struct block conf_check_block = {
	"check", check_kws, NELEM(check_kws), open_check, check_src_of, false
};

static const struct kw global_kws[] = {
	FN("router-id", g_router_id, 1, 1, false,
	    "router-id A.B.C.D, e.g. router-id 10.0.1.1"),
	G_VAL("local-as", KW_ASN, local_as, 0, 0, MARK_LINE,
	    offsetof(struct loader, local_as_line),
	    "local-as ASN " ASN_USAGE),
	FN("listen", g_listen, 1, 4, true,
	    "listen on ADDRESS [port 1..65535]"),
	FN("socket", g_socket, 1, 2, true, "socket \"PATH\" [restricted]"),
	G_VAL("state-file", KW_STR, state_file, 1, 4096, MARK_NONE, 0,
	    "state-file \"PATH\""),
	FN("socket-mode", g_socket_mode, 1, 1, false,
	    "socket-mode OCTAL-MODE, e.g. socket-mode 0660"),
	FN("socket-group", g_socket_group, 1, 1, false,
	    "socket-group GROUP, e.g. socket-group lbbgp"),
	G_VAL("max-clients", KW_NUM, max_clients, 1, 65536, MARK_FLAG,
	    offsetof(struct conf, max_clients_set), "max-clients 1..65536"),
	G_VAL("vip-interface", KW_IFNAME, vip_interface, 0, 0, MARK_LINE,
	    offsetof(struct loader, vip_interface_line),
	    "vip-interface IFNAME, e.g. vip-interface lb0"),
	FN("track-interface", g_track_interface, 1, 1, true,
	    "track-interface IFNAME, e.g. track-interface eth0"),
	FN("import-addresses", g_import, 1, 4, true,
	    "import-addresses dev IFNAME [label LABEL]"),
	FN("metrics", g_metrics, 2, 2, false,
	    "metrics listen ADDRESS:PORT, e.g. metrics listen "
	    "127.0.0.1:9473 or metrics listen [::1]:9473"),
	G_VAL("drain-time", KW_NUM, drain_time, 0, 86400, MARK_NONE, 0,
	    "drain-time SECONDS (0..86400)"),
	G_VAL("shutdown-drain", KW_NUM, shutdown_drain, 0, 3600, MARK_NONE, 0,
	    "shutdown-drain SECONDS (0..3600)"),
	SINGLE_BLOCK("fleet", &conf_fleet_block, "fleet {"),
	BLOCK("check", &conf_check_block, "check NAME {"),
	BLOCK("pool", &conf_pool_block, "pool NAME {"),
	BLOCK("neighbor", &conf_neighbor_block, "neighbor NAME {"),
	BLOCK("advertisement", &conf_adv_block, "advertisement NAME {"),
	FN("vip", g_vip, 1, 1 + 2 * VIP_NOPTS, true,
	    "vip ADDRESS [pool NAME] [owner OWNER] [check NAME]"),
};

const struct block conf_global_block = {
	NULL, global_kws, NELEM(global_kws), NULL, NULL, false
};

const struct kw *conf_neighbor_kw(uint32_t bit)
{
	for (size_t i = 0; i < NELEM(neighbor_kws); i++)
		if (neighbor_kws[i].bit == bit)
			return &neighbor_kws[i];
	return NULL;
}

const char *conf_nbr_stmt_name(uint32_t bit)
{
	const struct kw *k = conf_neighbor_kw(bit);

	return k != NULL ? k->name : "?";
}

_Static_assert(NELEM(neighbor_kws) == NBR_NSTMT,
    "one neighbor keyword per NBR_SET_* bit");
_Static_assert(NBR_NSTMT <= 32, "NBR_SET_* bits must fit conf_neighbor.set");
_Static_assert(NELEM(global_kws) <= MAX_KWS && NELEM(neighbor_kws) <= MAX_KWS &&
    NELEM(check_kws) <= MAX_KWS, "MAX_KWS too small");

const struct block *const conf_blocks[] = {
	&conf_global_block, &conf_fleet_block, &conf_check_block,
	&conf_pool_block, &conf_neighbor_block, &conf_adv_block
};

const size_t conf_nblocks = NELEM(conf_blocks);
