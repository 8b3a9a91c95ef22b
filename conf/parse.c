/*
 * parse.c - lines of tokens to struct conf, driven by one keyword table
 * per block; also the conf_load_* entry points (read, lex, parse, check).
 *
 * The parser checks each statement on its own: syntax, value ranges,
 * repeats.  Anything that needs two statements (names that refer to each
 * other, overlaps, defaults that depend on other values) is check.c's
 * job.  It reports every problem and keeps going; it never stops at the
 * first error.
 */
#include "conf/conf_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct parser;
typedef void kw_fn(struct parser *p, void *obj, const struct tok *a,
    size_t n);

struct block;

struct kw {
	const char *name;
	kw_fn *fn;
	unsigned min, max;	/* number of values after the keyword */
	bool repeat;		/* may appear more than once */
	const char *usage;
	const struct block *block;	/* opens a block instead of fn */
};

struct block {
	const char *kind;	/* "neighbor" */
	const struct kw *kws;
	size_t nkws;
	void *(*open)(struct parser *p, const char *name);
};

#define MAX_KWS		32
#define SUN_PATH_MAX	107	/* sizeof(sockaddr_un.sun_path) - 1 */
#define TCP_MD5_MAXKEY	80	/* Linux TCP_MD5SIG_MAXKEYLEN */
#define CONF_MAX_SIZE	(16u << 20)

struct parser {
	struct loader *l;
	struct conf *c;
	int line;			/* of the statement being parsed */
	const struct kw *kw;		/* the statement being parsed */
	const struct block *blk;	/* open block, or NULL at top level */
	void *obj;			/* what the open block fills in */
	char *prefix;			/* "neighbor router-1: " in a block */
	int blk_line;
	int seen[MAX_KWS];		/* line of each statement in the block */
	int gseen[MAX_KWS];		/* the same at top level */
};

/* ---- messages ---- */

static void perr(struct parser *p, const char *fmt, ...) ATTR_PRINTF(2, 3);
static void pwarn(struct parser *p, const char *fmt, ...) ATTR_PRINTF(2, 3);
static void bad(struct parser *p, const char *fmt, ...) ATTR_PRINTF(2, 3);
static void bad_fix(struct parser *p, const char *fmt, ...) ATTR_PRINTF(2, 3);

static void perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_addv(p->l, true, p->line, p->prefix, fmt, ap);
	va_end(ap);
}

static void pwarn(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_addv(p->l, false, p->line, p->prefix, fmt, ap);
	va_end(ap);
}

/* A bad value: "hold-time: 2 is out of range; usage: hold-time ...". */
static void bad(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *what = xvasprintf(fmt, ap);
	va_end(ap);
	perr(p, "%s: %s; usage: %s", p->kw->name, what, p->kw->usage);
	free(what);
}

/* A bad value whose message already says the fix: no usage line. */
static void bad_fix(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *what = xvasprintf(fmt, ap);
	va_end(ap);
	perr(p, "%s: %s", p->kw->name, what);
	free(what);
}

/* ---- values: one place for numbers, yes/no, addresses, names ---- */

/* what: the option the value belongs to ("restart-time"), or NULL. */
static bool v_opt_num(struct parser *p, const char *what, const struct tok *t,
    uint64_t lo, uint64_t hi, uint64_t *out)
{
	const char *sp = what ? " " : "";
	uint64_t v;

	if (what == NULL)
		what = "";
	if (!num_parse(t->text, &v)) {
		bad(p, "%s%s\"%s\" is not a number", what, sp, t->text);
		return false;
	}
	if (v < lo || v > hi) {
		bad(p, "%s%s%s is out of range", what, sp, t->text);
		return false;
	}
	*out = v;
	return true;
}

static bool v_num(struct parser *p, const struct tok *t, uint64_t lo,
    uint64_t hi, uint64_t *out)
{
	return v_opt_num(p, NULL, t, lo, hi, out);
}

static bool v_u16(struct parser *p, const struct tok *t, unsigned lo,
    unsigned hi, uint16_t *out)
{
	uint64_t v;

	if (!v_num(p, t, lo, hi, &v))
		return false;
	*out = (uint16_t)v;
	return true;
}

static bool v_bool(struct parser *p, const struct tok *t, bool *out)
{
	if (strcmp(t->text, "yes") == 0)
		*out = true;
	else if (strcmp(t->text, "no") == 0)
		*out = false;
	else {
		bad(p, "\"%s\" is neither yes nor no", t->text);
		return false;
	}
	return true;
}

static bool v_addr(struct parser *p, const struct tok *t, unsigned afi,
    struct prefix *out)
{
	struct prefix a;

	if (!addr_parse(t->text, &a)) {
		if (strchr(t->text, '/') != NULL)
			bad(p, "%s is a prefix; give a single address",
			    t->text);
		else
			bad(p, "\"%s\" is not an IP address", t->text);
		return false;
	}
	if (afi != AFI_NONE && a.afi != afi) {
		bad(p, "%s is an %s address", t->text,
		    a.afi == AFI_IPV6 ? "IPv6" : "IPv4");
		return false;
	}
	*out = a;
	return true;
}

static bool v_asn(struct parser *p, const struct tok *t, uint32_t *out)
{
	uint64_t v;

	if (asn_parse(t->text, out))
		return true;
	const char *dot = strchr(t->text, '.');
	char hi[24];
	uint64_t lo;

	if (strcmp(t->text, "0") == 0 || strcmp(t->text, "0.0") == 0)
		bad(p, "AS 0 is reserved and never valid (RFC 7607)");
	else if (num_parse(t->text, &v))
		bad(p, "AS %s is out of range", t->text);
	else if (dot != NULL && (size_t)(dot - t->text) < sizeof(hi) &&
	    snprintf(hi, sizeof(hi), "%.*s", (int)(dot - t->text),
	    t->text) > 0 && num_parse(hi, &v) && num_parse(dot + 1, &lo))
		bad(p, "asdot AS %s is out of range: each half is 0..65535",
		    t->text);
	else
		bad(p, "\"%s\" is not an AS number", t->text);
	return false;
}

static bool v_name(struct parser *p, const struct tok *t)
{
	if (name_ok(t->text))
		return true;
	bad(p, "\"%s\" is not a valid name: use letters, digits, _ . and -, "
	    "starting with a letter or digit", t->text);
	return false;
}

static bool v_string(struct parser *p, const struct tok *t, size_t min,
    size_t max)
{
	size_t n = strlen(t->text);

	if (n < min) {
		bad(p, "the value is empty");
		return false;
	}
	if (n > max) {
		bad(p, "\"%.20s...\" is %zu bytes long, more than %zu",
		    t->text, n, max);
		return false;
	}
	return true;
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s);
}

/* ---- top-level statements ---- */

static void g_router_id(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct prefix id;

	if (!v_addr(p, &a[0], AFI_IPV4, &id))
		return;
	if (prefix_v4(&id) == 0) {
		bad(p, "0.0.0.0 is not a valid BGP identifier (RFC 6286)");
		return;
	}
	p->c->router_id_set = true;
	p->c->router_id = prefix_v4(&id);
	p->l->router_id_line = p->line;
}

static void g_local_as(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	if (v_asn(p, &a[0], &p->c->local_as))
		p->l->local_as_line = p->line;
}

static void g_listen(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_listen li = { .port = CONF_DEFAULT_PORT, .line = p->line };

	if (strcmp(a[0].text, "on") != 0) {
		bad(p, "expected \"on\" after listen, not \"%s\"", a[0].text);
		return;
	}
	if (n == 1) {
		bad(p, "missing address after \"on\"");
		return;
	}
	if (!v_addr(p, &a[1], AFI_NONE, &li.addr))
		return;
	if (n == 3 || (n == 4 && strcmp(a[2].text, "port") != 0)) {
		bad(p, "expected \"port N\" after the address");
		return;
	}
	if (n == 4 && !v_u16(p, &a[3], 1, 65535, &li.port))
		return;
	p->c->listens = append(p->c->listens, &p->c->nlistens,
	    sizeof(*p->c->listens));
	p->c->listens[p->c->nlistens - 1] = li;
}

static void g_socket(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	bool restricted = false;

	if (!v_string(p, &a[0], 1, SUN_PATH_MAX))
		return;
	if (n == 2) {
		if (strcmp(a[1].text, "restricted") != 0) {
			bad(p, "expected \"restricted\", not \"%s\"",
			    a[1].text);
			return;
		}
		restricted = true;
	}
	p->c->sockets = append(p->c->sockets, &p->c->nsockets,
	    sizeof(*p->c->sockets));
	struct conf_socket *s = &p->c->sockets[p->c->nsockets - 1];
	s->path = xstrdup(a[0].text);
	s->restricted = restricted;
	s->line = p->line;
}

static void g_state_file(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	if (v_string(p, &a[0], 1, 4096))
		set_str(&p->c->state_file, a[0].text);
}

static void g_vip(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	static const char *const opts[] = { "pool", "owner" };
	const char *val[2] = { NULL, NULL };
	struct prefix addr;

	if (!v_addr(p, &a[0], AFI_NONE, &addr))
		return;
	for (size_t i = 1; i < n; i += 2) {
		size_t o;
		for (o = 0; o < 2; o++)
			if (strcmp(a[i].text, opts[o]) == 0)
				break;
		if (o == 2) {
			struct suggest sg;
			suggest_init(&sg, a[i].text);
			suggest_try(&sg, opts[0]);
			suggest_try(&sg, opts[1]);
			if (suggest_best(&sg) != NULL)
				bad_fix(p, "unknown option \"%s\"; did you mean "
				    "\"%s\"?", a[i].text, suggest_best(&sg));
			else
				bad(p, "unknown option \"%s\"", a[i].text);
			return;
		}
		if (i + 1 >= n) {
			bad(p, "%s needs a value", opts[o]);
			return;
		}
		if (val[o] != NULL) {
			bad(p, "%s given twice", opts[o]);
			return;
		}
		if (o == 0 && !v_name(p, &a[i + 1]))
			return;
		if (o == 1 && !v_string(p, &a[i + 1], 1, 256))
			return;
		val[o] = a[i + 1].text;
	}
	p->c->vips = append(p->c->vips, &p->c->nvips, sizeof(*p->c->vips));
	struct conf_vip *v = &p->c->vips[p->c->nvips - 1];
	v->addr = addr;
	v->pool = val[0] ? xstrdup(val[0]) : NULL;
	v->owner = val[1] ? xstrdup(val[1]) : NULL;
	v->pool_idx = SIZE_MAX;
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
		bad_fix(p, "write the range without spaces: %s-%s", a[0].text,
		    a[2].text);
		return;
	}
	if (n != 1) {
		bad(p, "one range or CIDR per line");
		return;
	}
	if (strchr(s, '/') != NULL) {
		bool host_bits;
		struct prefix net;
		if (!prefix_parse(s, &net, &host_bits)) {
			bad(p, "\"%s\" is not a CIDR block", s);
			return;
		}
		if (host_bits) {
			bad_fix(p, "%s has host bits set; did you mean %s?", s,
			    prefix_fmt(&net, buf, sizeof(buf)));
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
			bad(p, "\"%s\" is not a range", s);
			return;
		}
		memcpy(first, s, fl);
		first[fl] = '\0';
		if (!addr_parse(first, &r.lo) || !addr_parse(dash + 1, &r.hi)) {
			bad(p, "\"%s\" is not a range of two addresses", s);
			return;
		}
		if (r.lo.afi != r.hi.afi) {
			bad(p, "%s mixes IPv4 and IPv6", s);
			return;
		}
		if (addr_cmp(&r.lo, &r.hi) > 0) {
			char b2[PREFIX_STRLEN];
			bad_fix(p, "%s runs backwards; write %s-%s", s,
			    addr_fmt(&r.hi, buf, sizeof(buf)),
			    addr_fmt(&r.lo, b2, sizeof(b2)));
			return;
		}
	} else if (addr_parse(s, &r.lo)) {
		r.hi = r.lo;
	} else {
		bad(p, "\"%s\" is neither an address, a range nor a CIDR "
		    "block", s);
		return;
	}
	pl->ranges = append(pl->ranges, &pl->nranges, sizeof(*pl->ranges));
	pl->ranges[pl->nranges - 1] = r;
}

static void pool_auto_assign(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	v_bool(p, &a[0], &((struct conf_pool *)obj)->auto_assign);
}

static void pool_avoid_buggy(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	v_bool(p, &a[0], &((struct conf_pool *)obj)->avoid_buggy_ips);
}

/* ---- neighbor ---- */


/* The statement parsed: set its bit and remember its line. */
static void mark(struct parser *p, struct conf_neighbor *nb, uint32_t bit)
{
	nb->set |= bit;
	p->l->nbr[p->c->nneighbors - 1].line[nbr_bit_no(bit)] = p->line;
}

static void n_address(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_addr(p, &a[0], AFI_NONE, &nb->addr))
		mark(p, nb, NBR_SET_ADDRESS);
}

static void n_remote_as(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_asn(p, &a[0], &nb->remote_as))
		mark(p, nb, NBR_SET_REMOTE_AS);
}

static void n_local_as(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_asn(p, &a[0], &nb->local_as))
		mark(p, nb, NBR_SET_LOCAL_AS);
}

static void n_local_address(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_addr(p, &a[0], AFI_NONE, &nb->local_addr))
		mark(p, nb, NBR_SET_LOCAL_ADDRESS);
}

static void n_next_hop(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_addr(p, &a[0], AFI_IPV4, &nb->next_hop))
		mark(p, nb, NBR_SET_NEXT_HOP);
}

static void n_next_hop_v6(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_addr(p, &a[0], AFI_IPV6, &nb->next_hop_v6))
		mark(p, nb, NBR_SET_NEXT_HOP_V6);
}

static void n_port(struct parser *p, void *obj, const struct tok *a, size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_u16(p, &a[0], 1, 65535, &nb->port))
		mark(p, nb, NBR_SET_PORT);
}

static void n_hold_time(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;
	uint16_t v;

	if (!v_u16(p, &a[0], 0, 65535, &v))
		return;
	if (v == 1 || v == 2) {
		/* RFC 4271 §4.2: zero or at least three seconds. */
		bad(p, "%u is too short: the hold time is 0 or at least 3 "
		    "seconds (RFC 4271 section 4.2)", v);
		return;
	}
	nb->hold_time = v;
	mark(p, nb, NBR_SET_HOLD_TIME);
}

static void n_keepalive(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_u16(p, &a[0], 0, 65535, &nb->keepalive))
		mark(p, nb, NBR_SET_KEEPALIVE);
}

static void n_min_hold_time(struct parser *p, void *obj,
    const struct tok *a, size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_u16(p, &a[0], 3, 65535, &nb->min_hold_time))
		mark(p, nb, NBR_SET_MIN_HOLD_TIME);
}

static void n_send_hold_time(struct parser *p, void *obj,
    const struct tok *a, size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_u16(p, &a[0], 3, 65535, &nb->send_hold_time))
		mark(p, nb, NBR_SET_SEND_HOLD_TIME);
}

static void n_connect_retry(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_u16(p, &a[0], 1, 65535, &nb->connect_retry))
		mark(p, nb, NBR_SET_CONNECT_RETRY);
}

static void n_passive(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_bool(p, &a[0], &nb->passive))
		mark(p, nb, NBR_SET_PASSIVE);
}

static void n_password(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	/* RFC 2385 keys go to the kernel, which caps them at 80 bytes. */
	if (!v_string(p, &a[0], 1, TCP_MD5_MAXKEY))
		return;
	set_str(&nb->password, a[0].text);
	mark(p, nb, NBR_SET_PASSWORD);
}

static void n_multihop(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;
	uint64_t v;

	if (!v_num(p, &a[0], 1, 255, &v))
		return;
	nb->multihop = (uint8_t)v;
	mark(p, nb, NBR_SET_MULTIHOP);
}

static void n_ttl_security(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_bool(p, &a[0], &nb->ttl_security))
		mark(p, nb, NBR_SET_TTL_SECURITY);
}

static void n_graceful_restart(struct parser *p, void *obj,
    const struct tok *a, size_t n)
{
	struct conf_neighbor *nb = obj;
	bool on;
	uint16_t t = CONF_DEFAULT_RESTART_TIME;
	uint64_t v;

	if (!v_bool(p, &a[0], &on))
		return;
	if (n == 2 || (n == 3 && strcmp(a[1].text, "restart-time") != 0)) {
		bad(p, "expected \"restart-time N\" after yes or no");
		return;
	}
	/* RFC 4724 §3: the Restart Time field has 12 bits. */
	if (n == 3) {
		if (!v_opt_num(p, "restart-time", &a[2], 1, 4095, &v))
			return;
		t = (uint16_t)v;
	}
	nb->graceful_restart = on;
	nb->restart_time = t;
	mark(p, nb, NBR_SET_GRACEFUL_RESTART);
}

static void n_max_prefix(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;
	uint64_t v;
	uint16_t m = 0;

	if (!v_num(p, &a[0], 1, UINT32_MAX, &v))
		return;
	if (n == 2 || (n == 3 && strcmp(a[1].text, "restart") != 0)) {
		bad(p, "expected \"restart MINUTES\" after the count");
		return;
	}
	if (n == 3) {
		uint64_t r;
		if (!v_opt_num(p, "restart", &a[2], 1, 65535, &r))
			return;
		m = (uint16_t)r;
	}
	nb->max_prefix = (uint32_t)v;
	nb->max_prefix_restart = m;
	mark(p, nb, NBR_SET_MAX_PREFIX);
}

static void n_description(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	if (!v_string(p, &a[0], 0, 256))
		return;
	set_str(&nb->description, a[0].text);
	mark(p, nb, NBR_SET_DESCRIPTION);
}

static void n_shutdown(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_neighbor *nb = obj;

	if (v_bool(p, &a[0], &nb->shutdown))
		mark(p, nb, NBR_SET_SHUTDOWN);
}

/* ---- advertisement ---- */

static struct adv_src *adv_src(struct parser *p)
{
	return &p->l->adv[p->c->nadvs - 1];
}

/* Append valid, new names to *v; lines go to *lines in step. */
static void name_list(struct parser *p, const struct tok *a, size_t n,
    char ***v, size_t *nv, int **lines)
{
	for (size_t i = 0; i < n; i++) {
		if (!v_name(p, &a[i]))
			continue;
		size_t j;
		for (j = 0; j < *nv; j++)
			if (strcmp((*v)[j], a[i].text) == 0)
				break;
		if (j < *nv) {
			pwarn(p, "%s: %s is listed twice; the repeat is "
			    "ignored", p->kw->name, a[i].text);
			continue;
		}
		size_t nl = *nv;
		*lines = append(*lines, &nl, sizeof(**lines));
		(*lines)[nl - 1] = p->line;
		*v = append(*v, nv, sizeof(**v));
		(*v)[*nv - 1] = xstrdup(a[i].text);
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
		bad_fix(p, "%s is not a large community: write "
		    "large:GLOBAL:LOCAL1:LOCAL2, each 0..4294967295", s);
		return;
	}
	if (strchr(s, ':') != NULL) {
		bad_fix(p, "%s is not a community: write A:B with A and B in "
		    "0..65535", s);
		return;
	}
	suggest_init(&sg, s);
	for (size_t i = 0; (name = community_name(i)) != NULL; i++)
		suggest_try(&sg, name);
	if (suggest_best(&sg) != NULL)
		bad_fix(p, "unknown community \"%s\"; did you mean \"%s\"?", s,
		    suggest_best(&sg));
	else
		bad(p, "unknown community \"%s\"", s);
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

		if (large_community_parse(s, &lc)) {
			for (size_t j = 0; j < ad->nlarge; j++)
				dup |= memcmp(&ad->large[j], &lc,
				    sizeof(lc)) == 0;
			if (!dup) {
				ad->large = append(ad->large, &ad->nlarge,
				    sizeof(*ad->large));
				ad->large[ad->nlarge - 1] = lc;
			}
		} else if (community_parse(s, &c)) {
			for (size_t j = 0; j < ad->ncommunities; j++)
				dup |= ad->communities[j] == c;
			if (!dup) {
				ad->communities = append(ad->communities,
				    &ad->ncommunities,
				    sizeof(*ad->communities));
				ad->communities[ad->ncommunities - 1] = c;
			}
		} else {
			bad_community(p, s);
			continue;
		}
		if (dup)
			pwarn(p, "communities: %s is listed twice; the repeat "
			    "is ignored", s);
	}
}

static void adv_agg(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_adv *ad = obj;
	uint64_t v;

	if (v_num(p, &a[0], 0, 32, &v)) {
		ad->agg_len = (uint8_t)v;
		adv_src(p)->agg_line = p->line;
	}
}

static void adv_agg6(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_adv *ad = obj;
	uint64_t v;

	if (v_num(p, &a[0], 0, 128, &v)) {
		ad->agg_len_v6 = (uint8_t)v;
		adv_src(p)->agg6_line = p->line;
	}
}

static void adv_local_pref(struct parser *p, void *obj, const struct tok *a,
    size_t n)
{
	struct conf_adv *ad = obj;
	uint64_t v;

	if (v_num(p, &a[0], 0, UINT32_MAX, &v)) {
		ad->local_pref = (uint32_t)v;
		ad->local_pref_set = true;
	}
}

/* ---- blocks ---- */

static void *open_pool(struct parser *p, const char *name)
{
	struct conf *c = p->c;
	size_t n = c->npools;

	p->l->pool_tried = append(p->l->pool_tried, &n,
	    sizeof(*p->l->pool_tried));
	c->pools = append(c->pools, &c->npools, sizeof(*c->pools));
	struct conf_pool *pl = &c->pools[c->npools - 1];
	pl->name = xstrdup(name);
	pl->line = p->line;
	pl->auto_assign = true;
	return pl;
}

static void *open_neighbor(struct parser *p, const char *name)
{
	struct conf *c = p->c;
	size_t n = c->nneighbors;

	p->l->nbr = append(p->l->nbr, &n, sizeof(*p->l->nbr));
	c->neighbors = append(c->neighbors, &c->nneighbors,
	    sizeof(*c->neighbors));
	struct conf_neighbor *nb = &c->neighbors[c->nneighbors - 1];
	nb->name = xstrdup(name);
	nb->line = p->line;
	nb->port = CONF_DEFAULT_PORT;
	nb->hold_time = CONF_DEFAULT_HOLD;
	nb->connect_retry = CONF_DEFAULT_CONNECT_RETRY;
	nb->restart_time = CONF_DEFAULT_RESTART_TIME;
	return nb;
}

static void *open_adv(struct parser *p, const char *name)
{
	struct conf *c = p->c;
	size_t n = c->nadvs;

	p->l->adv = append(p->l->adv, &n, sizeof(*p->l->adv));
	c->advs = append(c->advs, &c->nadvs, sizeof(*c->advs));
	struct conf_adv *ad = &c->advs[c->nadvs - 1];
	ad->name = xstrdup(name);
	ad->line = p->line;
	ad->agg_len = 32;
	ad->agg_len_v6 = 128;
	ad->local_pref = CONF_DEFAULT_LOCAL_PREF;
	return ad;
}

#define NKW(t)	(sizeof(t) / sizeof((t)[0]))
#define ASN_USAGE "(1..4294967295, or asdot 1.10)"

static const struct kw pool_kws[] = {
	{ "addresses", pool_addresses, 1, 3, true,
	    "addresses CIDR|FIRST-LAST|ADDRESS, e.g. addresses "
	    "192.168.1.240/28 or addresses 192.168.1.250-192.168.1.254",
	    NULL },
	{ "auto-assign", pool_auto_assign, 1, 1, false,
	    "auto-assign yes|no", NULL },
	{ "avoid-buggy-ips", pool_avoid_buggy, 1, 1, false,
	    "avoid-buggy-ips yes|no", NULL },
};

static const struct kw neighbor_kws[] = {
	{ "address", n_address, 1, 1, false,
	    "address ADDRESS, e.g. address 10.0.0.1", NULL },
	{ "remote-as", n_remote_as, 1, 1, false,
	    "remote-as ASN " ASN_USAGE, NULL },
	{ "local-as", n_local_as, 1, 1, false,
	    "local-as ASN " ASN_USAGE, NULL },
	{ "local-address", n_local_address, 1, 1, false,
	    "local-address ADDRESS (same family as address)", NULL },
	{ "next-hop", n_next_hop, 1, 1, false,
	    "next-hop IPV4-ADDRESS (next-hop-v6 for IPv6)", NULL },
	{ "next-hop-v6", n_next_hop_v6, 1, 1, false,
	    "next-hop-v6 IPV6-ADDRESS", NULL },
	{ "port", n_port, 1, 1, false, "port 1..65535", NULL },
	{ "hold-time", n_hold_time, 1, 1, false,
	    "hold-time SECONDS (0 or 3..65535)", NULL },
	{ "keepalive", n_keepalive, 1, 1, false,
	    "keepalive SECONDS (0..65535, less than hold-time)", NULL },
	{ "min-hold-time", n_min_hold_time, 1, 1, false,
	    "min-hold-time SECONDS (3..65535)", NULL },
	{ "send-hold-time", n_send_hold_time, 1, 1, false,
	    "send-hold-time SECONDS (3..65535)", NULL },
	{ "connect-retry", n_connect_retry, 1, 1, false,
	    "connect-retry SECONDS (1..65535)", NULL },
	{ "passive", n_passive, 1, 1, false, "passive yes|no", NULL },
	{ "password", n_password, 1, 1, false,
	    "password \"SECRET\" (1..80 characters)", NULL },
	{ "multihop", n_multihop, 1, 1, false, "multihop TTL (1..255)", NULL },
	{ "ttl-security", n_ttl_security, 1, 1, false,
	    "ttl-security yes|no", NULL },
	{ "graceful-restart", n_graceful_restart, 1, 3, false,
	    "graceful-restart yes|no [restart-time 1..4095]", NULL },
	{ "max-prefix", n_max_prefix, 1, 3, false,
	    "max-prefix COUNT [restart MINUTES] (COUNT 1..4294967295, "
	    "MINUTES 1..65535)", NULL },
	{ "description", n_description, 1, 1, false,
	    "description \"TEXT\"", NULL },
	{ "shutdown", n_shutdown, 1, 1, false, "shutdown yes|no", NULL },
};

static const struct kw adv_kws[] = {
	{ "pools", adv_pools, 1, UINT32_MAX, true, "pools NAME...", NULL },
	{ "communities", adv_communities, 1, UINT32_MAX, true,
	    "communities COMMUNITY... where COMMUNITY is A:B (each "
	    "0..65535), no-export, no-advertise, no-export-subconfed, "
	    "no-peer, blackhole, graceful-shutdown or large:G:L1:L2", NULL },
	{ "aggregation-length", adv_agg, 1, 1, false,
	    "aggregation-length 0..32", NULL },
	{ "aggregation-length-v6", adv_agg6, 1, 1, false,
	    "aggregation-length-v6 0..128", NULL },
	{ "local-pref", adv_local_pref, 1, 1, false,
	    "local-pref 0..4294967295", NULL },
	{ "peers", adv_peers, 1, UINT32_MAX, true, "peers NAME...", NULL },
};

static const struct block pool_block = {
	"pool", pool_kws, NKW(pool_kws), open_pool
};
static const struct block neighbor_block = {
	"neighbor", neighbor_kws, NKW(neighbor_kws), open_neighbor
};
static const struct block adv_block = {
	"advertisement", adv_kws, NKW(adv_kws), open_adv
};

static const struct kw global_kws[] = {
	{ "router-id", g_router_id, 1, 1, false,
	    "router-id A.B.C.D, e.g. router-id 10.0.1.1", NULL },
	{ "local-as", g_local_as, 1, 1, false,
	    "local-as ASN " ASN_USAGE, NULL },
	{ "listen", g_listen, 1, 4, true,
	    "listen on ADDRESS [port 1..65535]", NULL },
	{ "socket", g_socket, 1, 2, true,
	    "socket \"PATH\" [restricted]", NULL },
	{ "state-file", g_state_file, 1, 1, false, "state-file \"PATH\"",
	    NULL },
	{ "pool", NULL, 1, 1, true, "pool NAME {", &pool_block },
	{ "neighbor", NULL, 1, 1, true, "neighbor NAME {", &neighbor_block },
	{ "advertisement", NULL, 1, 1, true, "advertisement NAME {",
	    &adv_block },
	{ "vip", g_vip, 1, 5, true,
	    "vip ADDRESS [pool NAME] [owner OWNER]", NULL },
};

static const struct block global_block = {
	NULL, global_kws, NKW(global_kws), NULL
};

_Static_assert(NKW(neighbor_kws) == NBR_NSTMT,
    "one neighbor keyword per NBR_SET_* bit");
_Static_assert(NKW(global_kws) <= MAX_KWS && NKW(neighbor_kws) <= MAX_KWS,
    "MAX_KWS too small");

static const struct block *const all_blocks[] = {
	&global_block, &pool_block, &neighbor_block, &adv_block
};

static const struct kw *kw_find(const struct block *b, const char *word)
{
	for (size_t i = 0; i < b->nkws; i++)
		if (strcmp(b->kws[i].name, word) == 0)
			return &b->kws[i];
	return NULL;
}

static void unknown_stmt(struct parser *p, const struct block *b,
    const char *word)
{
	char *where = b->kind ? xasprintf("in %s block", b->kind) :
	    xstrdup("at top level");
	struct suggest sg;

	for (size_t i = 0; i < NKW(all_blocks); i++) {
		const struct block *o = all_blocks[i];
		if (o == b || kw_find(o, word) == NULL)
			continue;
		if (o->kind == NULL)
			perr(p, "unknown statement \"%s\" %s: it is a top-level "
			    "statement; close the %s block with } first", word,
			    where, b->kind);
		else
			perr(p, "unknown statement \"%s\" %s: it belongs in "
			    "a%s %s block", word, where,
			    strchr("aeiou", o->kind[0]) ? "n" : "", o->kind);
		free(where);
		return;
	}
	suggest_init(&sg, word);
	for (size_t i = 0; i < b->nkws; i++)
		suggest_try(&sg, b->kws[i].name);
	if (suggest_best(&sg) != NULL) {
		perr(p, "unknown statement \"%s\" %s; did you mean \"%s\"?",
		    word, where, suggest_best(&sg));
		free(where);
		return;
	}
	size_t len = 0;
	for (size_t i = 0; i < b->nkws; i++)
		len += strlen(b->kws[i].name) + 2;
	char *list = xcalloc(len + 1, 1);
	for (size_t i = 0; i < b->nkws; i++) {
		if (i > 0)
			strcat(list, ", ");
		strcat(list, b->kws[i].name);
	}
	perr(p, "unknown statement \"%s\" %s; expected one of: %s", word,
	    where, list);
	free(list);
	free(where);
}

/*
 * Remember that a neighbor statement or the global local-as was written,
 * even when its value was bad: the check pass then does not pile "no
 * address" on top of the error about the address.
 */
static void note_tried(struct parser *p, const struct block *b,
    const struct tok *t)
{
	const struct kw *k;

	if (t[0].type != TOK_WORD || (k = kw_find(b, t[0].text)) == NULL)
		return;
	/* neighbor_kws[] is in NBR_SET_* order: index = bit number. */
	if (b == &neighbor_block)
		p->l->nbr[p->c->nneighbors - 1].tried |=
		    1u << (unsigned)(k - b->kws);
	else if (b == &pool_block && k->fn == pool_addresses)
		p->l->pool_tried[p->c->npools - 1] = true;
	else if (b == &global_block && k->fn == g_local_as)
		p->l->local_as_tried = true;
}

/* One statement: keyword, then n - 1 values; no braces. */
static void run_stmt(struct parser *p, const struct block *b,
    const struct tok *t, size_t n, void *obj)
{
	int *seen = b == &global_block ? p->gseen : p->seen;

	if (t[0].type != TOK_WORD) {
		perr(p, "expected a statement keyword, not a quoted string");
		return;
	}
	const struct kw *k = kw_find(b, t[0].text);
	if (k == NULL) {
		unknown_stmt(p, b, t[0].text);
		return;
	}
	p->kw = k;
	note_tried(p, b, t);
	for (size_t i = 1; i < n; i++) {
		if (t[i].type == TOK_LBRACE || t[i].type == TOK_RBRACE) {
			bad(p, "unexpected %s in the middle of the line",
			    t[i].text);
			return;
		}
	}
	if (n - 1 < k->min) {
		bad(p, "missing value");
		return;
	}
	if (n - 1 > k->max) {
		bad(p, "too many values (\"%s\" is one too many)",
		    t[k->max + 1].text);
		return;
	}
	size_t idx = (size_t)(k - b->kws);
	if (!k->repeat && seen[idx] != 0) {
		perr(p, "%s already set at line %d; keep only one", k->name,
		    seen[idx]);
		return;
	}
	seen[idx] = p->line;
	k->fn(p, obj, t + 1, n - 1);
}

static void open_block(struct parser *p, const struct kw *k, const char *name)
{
	p->blk = k->block;
	p->blk_line = p->line;
	p->obj = k->block->open(p, name);
	p->prefix = xasprintf("%s %s: ", k->block->kind, name);
	memset(p->seen, 0, sizeof(p->seen));
}

static void close_block(struct parser *p)
{
	p->blk = NULL;
	p->obj = NULL;
	free(p->prefix);
	p->prefix = NULL;
}

/* Braces still open after this line, counting from depth. */
static unsigned brace_depth(const struct line *ln, unsigned depth)
{
	for (size_t i = 0; i < ln->ntoks && depth > 0; i++) {
		if (ln->toks[i].type == TOK_LBRACE)
			depth++;
		else if (ln->toks[i].type == TOK_RBRACE)
			depth--;
	}
	return depth;
}

/* Braces a line leaves open: where skipping a bad block starts. */
static unsigned opened(const struct line *ln)
{
	unsigned depth = 0;

	for (size_t i = 0; i < ln->ntoks; i++) {
		if (ln->toks[i].type == TOK_LBRACE)
			depth++;
		else if (ln->toks[i].type == TOK_RBRACE && depth > 0)
			depth--;
	}
	return depth;
}

/* The header of a block, "KIND NAME", is fine: then NAME is a[0]. */
static bool header_ok(struct parser *p, const struct kw *k,
    const struct tok *a, size_t n)
{
	p->kw = k;
	if (n == 0) {
		bad(p, "missing name");
		return false;
	}
	if (n > 1) {
		bad(p, "a name is one word; \"%s\" is one too many",
		    a[1].text);
		return false;
	}
	return v_name(p, &a[0]);
}

/* "pool|neighbor|advertisement ... {" */
static bool block_header(const struct line *ln)
{
	const struct kw *k;

	if (ln->ntoks < 2 || ln->toks[0].type != TOK_WORD ||
	    ln->toks[ln->ntoks - 1].type != TOK_LBRACE)
		return false;
	k = kw_find(&global_block, ln->toks[0].text);
	return k != NULL && k->block != NULL;
}

static bool is_lone(const struct line *ln, enum tok_type type)
{
	return ln->ntoks == 1 && ln->toks[0].type == type;
}

/*
 * A top-level line.  Returns how many braces to skip: a block we could
 * not open is skipped whole so its lines do not pile up as more errors.
 */
static unsigned top_line(struct parser *p, const struct lexed *lx, size_t *i)
{
	const struct line *ln = &lx->lines[*i];
	const struct tok *t = ln->toks;
	size_t n = ln->ntoks;
	bool opens = t[n - 1].type == TOK_LBRACE;

	if (t[0].type == TOK_RBRACE) {
		perr(p, "unexpected }: no block is open");
		return 0;
	}
	if (t[0].type == TOK_LBRACE) {
		perr(p, "unexpected {: a block starts with its header, as in "
		    "\"neighbor NAME {\"");
		return opened(ln);
	}
	const struct kw *k = t[0].type == TOK_WORD ?
	    kw_find(&global_block, t[0].text) : NULL;
	if (k == NULL || ln->bad) {
		if (!ln->bad)
			run_stmt(p, &global_block, t, n, NULL);
		else
			note_tried(p, &global_block, t);
		return opened(ln);
	}
	if (k->block == NULL) {
		if (opens) {
			perr(p, "%s does not open a block; usage: %s", k->name,
			    k->usage);
			return opened(ln);
		}
		run_stmt(p, &global_block, t, n, NULL);
		return 0;
	}
	for (size_t j = 1; j + 1 < n; j++) {
		if (t[j].type == TOK_LBRACE || t[j].type == TOK_RBRACE) {
			perr(p, "%s: write a block over several lines: \"%s "
			    "NAME {\", one statement per line, then } on a "
			    "line of its own", k->name, k->name);
			return opened(ln);
		}
	}
	if (opens) {
		if (!header_ok(p, k, t + 1, n - 2))
			return opened(ln);
		open_block(p, k, t[1].text);
		return 0;
	}
	/* "neighbor r1" with the { on the next line, BSD style. */
	size_t j = *i + 1;
	while (j < lx->nlines && lx->lines[j].ntoks == 0)
		j++;
	bool next_brace = j < lx->nlines && is_lone(&lx->lines[j], TOK_LBRACE);
	if (!next_brace) {
		p->kw = k;
		bad(p, "missing { at the end of the line");
		return 0;
	}
	perr(p, "%s: put { at the end of this line, not on a line of its own",
	    k->name);
	*i = j;
	if (!header_ok(p, k, t + 1, n - 1))
		return 1;
	open_block(p, k, t[1].text);
	return 0;
}

void parse(struct loader *l, const struct lexed *lx)
{
	struct parser p = { .l = l, .c = l->c };
	unsigned skip = 0;
	int skip_line = 0;

	for (size_t i = 0; i < lx->nlines; i++) {
		const struct line *ln = &lx->lines[i];
		const struct tok *t = ln->toks;
		size_t n = ln->ntoks;

		if (n == 0)
			continue;
		p.line = ln->lineno;
		if (skip > 0 && !block_header(ln)) {
			skip = brace_depth(ln, skip);
			continue;
		}
		if (skip > 0) {
			/* Blocks do not nest: this header ends the skipping. */
			perr(&p, "the block at line %d is not closed; add } "
			    "before line %d", skip_line, p.line);
			skip = 0;
		}
		if (p.blk != NULL) {
			if (t[0].type == TOK_RBRACE ||
			    t[n - 1].type == TOK_RBRACE) {
				if (n > 1)
					perr(&p, "} must be on a line of its "
					    "own");
				if (t[0].type != TOK_RBRACE && !ln->bad)
					run_stmt(&p, p.blk, t, n - 1, p.obj);
				else if (ln->bad)
					note_tried(&p, p.blk, t);
				close_block(&p);
				continue;
			}
			if (t[n - 1].type != TOK_LBRACE) {
				if (!ln->bad)
					run_stmt(&p, p.blk, t, n, p.obj);
				else
					note_tried(&p, p.blk, t);
				continue;
			}
			const struct kw *k = t[0].type == TOK_WORD ?
			    kw_find(&global_block, t[0].text) : NULL;
			if (k == NULL || k->block == NULL) {
				perr(&p, "blocks do not nest: close the %s "
				    "block with } first", p.blk->kind);
				skip = opened(ln);
				skip_line = p.line;
				continue;
			}
			/* A new block header: the } before it was forgotten. */
			perr(&p, "block not closed: add } before line %d",
			    p.line);
			close_block(&p);
		}
		skip = top_line(&p, lx, &i);
		skip_line = p.line;
	}
	if (p.blk != NULL) {
		p.line = p.blk_line;
		perr(&p, "block not closed: add } after its last statement");
		close_block(&p);
	}
}

/* ---- loading ---- */

static struct conf *load(const char *name, const char *text, size_t len,
    struct conf_diag *diag, bool checked)
{
	struct loader l = { .file = name };
	struct lexed lx;

	l.c = xcalloc(1, sizeof(*l.c));
	l.c->file = xstrdup(name);
	lex(&l, text, len, &lx);
	parse(&l, &lx);
	lexed_free(&lx);
	if (checked)
		check(&l);
	for (size_t i = 0; i < l.c->nadvs; i++) {
		free(l.adv[i].pool_line);
		free(l.adv[i].peer_line);
	}
	free(l.adv);
	free(l.nbr);
	free(l.pool_tried);
	if (msg_flush(&l, diag) > 0) {
		conf_free(l.c);
		return NULL;
	}
	return l.c;
}

struct conf *conf_load_string(const char *name, const char *text,
    struct conf_diag *diag)
{
	return load(name, text, strlen(text), diag, true);
}

struct conf *conf_parse_string(const char *name, const char *text,
    struct conf_diag *diag)
{
	return load(name, text, strlen(text), diag, false);
}

struct conf *conf_load_file(const char *path, struct conf_diag *diag)
{
	struct loader l = { .file = path };
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (f == NULL) {
		msg_add(&l, true, 0, "cannot open: %s", strerror(errno));
		msg_flush(&l, diag);
		return NULL;
	}
	for (;;) {
		buf = xreallocarray(buf, len + 65536, 1);
		size_t got = fread(buf + len, 1, 65536, f);
		len += got;
		if (got < 65536 || len > CONF_MAX_SIZE)
			break;
	}
	if (ferror(f) || len > CONF_MAX_SIZE) {
		if (ferror(f))
			msg_add(&l, true, 0, "cannot read: %s",
			    strerror(errno));
		else
			msg_add(&l, true, 0, "larger than %u bytes; not a "
			    "config file?", CONF_MAX_SIZE);
		fclose(f);
		free(buf);
		msg_flush(&l, diag);
		return NULL;
	}
	fclose(f);
	struct conf *c = load(path, buf, len, diag, true);
	free(buf);
	return c;
}
