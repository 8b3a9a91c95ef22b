/*
 * util.c - the small pieces every pass of conf/ shares: allocation,
 * diagnostics in line order, "did you mean", AS numbers, communities,
 * lookups, freeing and comparing configs.
 *
 * No parsing of the file and no policy lives here: those are parse.c
 * and check.c.
 */
#include "conf/parse_int.h"
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *conf_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL) {
		perror("lbbgp: calloc");
		abort();
	}
	return p;
}

void *conf_xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		fprintf(stderr, "lbbgp: array too large\n");
		abort();
	}
	size_t bytes = n * size;
	void *q = realloc(p, bytes != 0 ? bytes : 1);
	if (q == NULL) {
		perror("lbbgp: realloc");
		abort();
	}
	return q;
}

char *conf_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = conf_xreallocarray(NULL, n, 1);

	memcpy(p, s, n);
	return p;
}

char *conf_xvasprintf(const char *fmt, va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		n = 0;
	char *s = conf_xreallocarray(NULL, (size_t)n + 1, 1);
	if (vsnprintf(s, (size_t)n + 1, fmt, ap) < 0)
		s[0] = '\0';
	return s;
}

char *conf_xasprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *s = conf_xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

/*
 * The arrays of struct conf keep a count and no capacity: the capacity is
 * implied, as every such array grows here alone.  array_grow() gives
 * ARRAY_MIN_CAP elements at first and doubles from there, so a full array
 * is one whose count is 0 or a power of two of at least ARRAY_MIN_CAP, and
 * growing costs O(log n) reallocations.
 */
void *conf_append(void *arr, size_t *n, size_t size)
{
	size_t cap = *n;
	char *p = arr;

	if (*n == 0 || (*n >= ARRAY_MIN_CAP && (*n & (*n - 1)) == 0)) {
		if (*n > SIZE_MAX / 2)
			p = NULL;
		else
			p = array_grow(arr, &cap, *n + 1, size);
		if (p == NULL) {
			fprintf(stderr, "lbbgp: array too large\n");
			abort();
		}
	}
	memset(p + *n * size, 0, size);
	(*n)++;
	return p;
}

/* ---- messages ---- */

void conf_msg_addv(struct loader *l, bool error, int line, const char *prefix,
    const char *fmt, va_list ap)
{
	char *body = conf_xvasprintf(fmt, ap);
	struct msg *m;

	l->msgs = conf_append(l->msgs, &l->nmsgs, sizeof(*l->msgs));
	m = &l->msgs[l->nmsgs - 1];
	m->line = line;
	m->seq = l->nmsgs;
	m->error = error;
	if (line > 0)
		m->text = conf_xasprintf("%s:%d: %s%s%s", l->file, line,
		    error ? "" : "warning: ", prefix ? prefix : "", body);
	else
		m->text = conf_xasprintf("%s: %s%s%s", l->file,
		    error ? "" : "warning: ", prefix ? prefix : "", body);
	free(body);
}

void conf_msg_add(struct loader *l, bool error, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_msg_addv(l, error, line, NULL, fmt, ap);
	va_end(ap);
}

static int msg_cmp(const void *a, const void *b)
{
	const struct msg *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

size_t conf_msg_flush(struct loader *l, struct conf_diag *diag)
{
	size_t nerr = 0;

	if (l->nmsgs == 0)
		return 0;
	qsort(l->msgs, l->nmsgs, sizeof(*l->msgs), msg_cmp);
	diag->msgs = conf_xreallocarray(diag->msgs, diag->nmsgs + l->nmsgs,
	    sizeof(*diag->msgs));
	for (size_t i = 0; i < l->nmsgs; i++) {
		diag->msgs[diag->nmsgs++] = l->msgs[i].text;
		if (l->msgs[i].error)
			nerr++;
	}
	diag->nerrors += nerr;
	free(l->msgs);
	l->msgs = NULL;
	l->nmsgs = 0;
	return nerr;
}

void conf_diag_init(struct conf_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void conf_diag_free(struct conf_diag *d)
{
	for (size_t i = 0; i < d->nmsgs; i++)
		free(d->msgs[i]);
	free(d->msgs);
	memset(d, 0, sizeof(*d));
}

/* ---- suggestions ---- */

#define SUGGEST_MAXLEN 64

/* Optimal string alignment distance: a swap of neighbours costs one. */
static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned d[SUGGEST_MAXLEN + 1][SUGGEST_MAXLEN + 1];

	if (la > SUGGEST_MAXLEN || lb > SUGGEST_MAXLEN)
		return UINT32_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

void conf_suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->dist = UINT32_MAX;
}

void conf_suggest_try(struct suggest *s, const char *candidate)
{
	unsigned d = edit_distance(s->word, candidate);

	if (d < s->dist) {
		s->dist = d;
		s->best = candidate;
	}
}

const char *conf_suggest_best(const struct suggest *s)
{
	/* Close means a typo, not another word: 1 edit per 4 letters. */
	size_t len = strlen(s->word);
	unsigned limit = 1 + (unsigned)(len / 4);

	if (limit > 3)
		limit = 3;
	if (s->best == NULL || s->dist == 0 || s->dist > limit)
		return NULL;
	return s->best;
}

/* ---- names and numbers ---- */

unsigned conf_nbr_bit_no(uint32_t bit)
{
	unsigned b = 0;

	while (b < NBR_NSTMT && (1u << b) != bit)
		b++;
	return b < NBR_NSTMT ? b : 0;
}

static bool is_alnum(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9');
}

/* Letters, digits, '_', '.' and '-' only. */
static bool name_chars_ok(const char *s)
{
	for (; *s; s++)
		if (!is_alnum((unsigned char)*s) && *s != '_' && *s != '.' &&
		    *s != '-')
			return false;
	return true;
}

bool conf_name_ok(const char *s)
{
	return is_alnum((unsigned char)s[0]) && name_chars_ok(s);
}

bool conf_keyname_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= CONF_KEYNAME_MAX && name_chars_ok(s);
}

bool conf_num_parse(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		unsigned dgt = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - dgt) / 10)
			v = UINT64_MAX;
		else
			v = v * 10 + dgt;
	}
	*out = v;
	return true;
}

/* A number up to max, given as the text between s and end. */
static bool num_span(const char *s, const char *end, uint64_t max,
    uint64_t *out)
{
	char buf[24];
	size_t n = (size_t)(end - s);

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return conf_num_parse(buf, out) && *out <= max;
}

bool asn_parse(const char *s, uint32_t *out)
{
	const char *dot = strchr(s, '.');
	uint64_t hi, lo;

	if (dot != NULL) {
		/* RFC 5396 asdot: high.low, each 16 bits. */
		if (!num_span(s, dot, 65535, &hi) ||
		    !num_span(dot + 1, dot + 1 + strlen(dot + 1), 65535, &lo))
			return false;
		lo |= hi << 16;
	} else if (!num_span(s, s + strlen(s), UINT32_MAX, &lo))
		return false;
	if (lo == 0)
		return false;	/* RFC 7607: AS 0 is never valid */
	*out = (uint32_t)lo;
	return true;
}

/* ---- communities ---- */

const char *conf_community_name(size_t i)
{
	return bgp_community_known(i, NULL);
}

bool community_parse(const char *s, uint32_t *out)
{
	const char *colon = strchr(s, ':');
	uint64_t hi, lo;

	if (bgp_community_by_name(s, out))
		return true;
	if (colon == NULL || !num_span(s, colon, 65535, &hi) ||
	    !num_span(colon + 1, colon + 1 + strlen(colon + 1), 65535, &lo))
		return false;
	*out = (uint32_t)(hi << 16 | lo);
	return true;
}

bool large_community_parse(const char *s, struct large_community *out)
{
	static const char prefix[] = "large:";
	uint64_t v[3];

	if (strncmp(s, prefix, sizeof(prefix) - 1) != 0)
		return false;
	s += sizeof(prefix) - 1;
	for (int i = 0; i < 3; i++) {
		const char *end = i < 2 ? strchr(s, ':') : s + strlen(s);
		if (end == NULL || !num_span(s, end, UINT32_MAX, &v[i]))
			return false;
		s = i < 2 ? end + 1 : end;
	}
	out->global = (uint32_t)v[0];
	out->local1 = (uint32_t)v[1];
	out->local2 = (uint32_t)v[2];
	return true;
}

const char *community_fmt(uint32_t c, char *buf, size_t size)
{
	const char *name = bgp_community_name(c);

	if (name != NULL)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%u:%u", c >> 16, c & 0xffff);
	return buf;
}

const char *large_community_fmt(const struct large_community *l, char *buf,
    size_t size)
{
	snprintf(buf, size, "large:%u:%u:%u", l->global, l->local1, l->local2);
	return buf;
}

/* ---- lookups ---- */

const void *conf_find_named(const void *arr, size_t n, size_t size,
    const char *name)
{
	const char *p = arr;

	/* A pointer to a struct is a pointer to its first member. */
	for (size_t i = 0; i < n; i++, p += size)
		if (strcmp(*(char *const *)p, name) == 0)
			return p;
	return NULL;
}

const struct conf_neighbor *conf_neighbor_by_name(const struct conf *c,
    const char *name)
{
	return conf_find_named(c->neighbors, c->nneighbors,
	    sizeof(*c->neighbors), name);
}

const struct conf_pool *conf_pool_by_name(const struct conf *c,
    const char *name)
{
	return conf_find_named(c->pools, c->npools, sizeof(*c->pools), name);
}

const struct conf_check *conf_check_by_name(const struct conf *c,
    const char *name)
{
	return conf_find_named(c->checks, c->nchecks, sizeof(*c->checks),
	    name);
}

bool conf_addr_buggy(const struct prefix *addr)
{
	return addr->afi == AFI_IPV4 && (addr->a[3] == 0 || addr->a[3] == 255);
}

bool conf_pool_contains(const struct conf_pool *p, const struct prefix *addr)
{
	for (size_t i = 0; i < p->nranges; i++) {
		const struct conf_range *r = &p->ranges[i];
		if (r->lo.afi == addr->afi && addr_cmp(&r->lo, addr) <= 0 &&
		    addr_cmp(addr, &r->hi) <= 0)
			return true;
	}
	return false;
}

const struct conf_pool *conf_pool_for_addr(const struct conf *c,
    const struct prefix *addr)
{
	for (size_t i = 0; i < c->npools; i++)
		if (conf_pool_contains(&c->pools[i], addr))
			return &c->pools[i];
	return NULL;
}

/* ---- free ---- */

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_fleet(struct conf_fleet *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->nendpoints; i++) {
		free(f->endpoints[i].url);
		free(f->endpoints[i].host);
	}
	free(f->endpoints);
	free(f->cluster);
	free(f->node);
	free(f->tls_ca);
	free(f->tls_cert);
	free(f->tls_key);
	free(f);
}

void conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->file);
	free(c->listens);
	for (size_t i = 0; i < c->nsockets; i++)
		free(c->sockets[i].path);
	free(c->sockets);
	free(c->state_file);
	free(c->socket_group);
	free(c->vip_interface);
	free_strv(c->track, c->ntrack);
	for (size_t i = 0; i < c->nimports; i++) {
		free(c->imports[i].dev);
		free(c->imports[i].label);
	}
	free(c->imports);
	for (size_t i = 0; i < c->nchecks; i++) {
		struct conf_check *ck = &c->checks[i];
		free(ck->name);
		free(ck->url);
		free_strv(ck->argv, ck->argc);
		free(ck->expect);
		free(ck->down_comm);
		free(ck->disable_file);
	}
	free(c->checks);
	for (size_t i = 0; i < c->npools; i++) {
		free(c->pools[i].name);
		free(c->pools[i].ranges);
		free(c->pools[i].check);
	}
	free(c->pools);
	for (size_t i = 0; i < c->nneighbors; i++) {
		free(c->neighbors[i].name);
		free(c->neighbors[i].password);
		free(c->neighbors[i].description);
		free(c->neighbors[i].track_interface);
		free(c->neighbors[i].bfd_key);
		free(c->neighbors[i].vrf);
	}
	free(c->neighbors);
	for (size_t i = 0; i < c->nadvs; i++) {
		struct conf_adv *a = &c->advs[i];
		free(a->name);
		free_strv(a->pools, a->npools);
		free(a->pool_idx);
		free(a->communities);
		free(a->large);
		free_strv(a->peers, a->npeers);
		free(a->peer_idx);
	}
	free(c->advs);
	for (size_t i = 0; i < c->nvips; i++) {
		free(c->vips[i].pool);
		free(c->vips[i].owner);
		free(c->vips[i].check);
	}
	free(c->vips);
	free_fleet(c->fleet);
	free(c);
}

/* ---- equality ---- */

bool conf_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool strv_eq(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!conf_str_eq(a[i], b[i]))
			return false;
	return true;
}

static bool pfx_eq(const struct prefix *a, const struct prefix *b)
{
	if (a->afi == AFI_NONE || b->afi == AFI_NONE)
		return a->afi == b->afi;
	return prefix_equal(a, b);
}

static bool idx_eq(const size_t *a, const size_t *b, size_t n)
{
	if (a == NULL || b == NULL)
		return a == b;
	return memcmp(a, b, n * sizeof(*a)) == 0;
}

bool conf_pool_eq(const struct conf_pool *a, const struct conf_pool *b)
{
	if (!conf_str_eq(a->name, b->name) || a->nranges != b->nranges ||
	    !conf_str_eq(a->check, b->check) ||
	    a->auto_assign != b->auto_assign ||
	    a->avoid_buggy_ips != b->avoid_buggy_ips ||
	    a->announce != b->announce)
		return false;
	for (size_t i = 0; i < a->nranges; i++) {
		const struct conf_range *x = &a->ranges[i], *y = &b->ranges[i];
		if (!pfx_eq(&x->lo, &y->lo) || !pfx_eq(&x->hi, &y->hi) ||
		    x->cidr_len != y->cidr_len || x->is_cidr != y->is_cidr)
			return false;
	}
	return true;
}

bool conf_check_probe_eq(const struct conf_check *a,
    const struct conf_check *b)
{
	const struct block *cb = &conf_check_block;

	if (a->kind != b->kind || !conf_str_eq(a->url, b->url) ||
	    !pfx_eq(&a->addr, &b->addr) || a->port != b->port ||
	    !strv_eq(a->argv, a->argc, b->argv, b->argc) ||
	    a->nexpect != b->nexpect || (a->nexpect > 0 &&
	    memcmp(a->expect, b->expect, a->nexpect * sizeof(*a->expect)) != 0))
		return false;
	/* interval, timeout, rise, fall, disable-file: the simple rows. */
	for (size_t i = 0; i < cb->nkws; i++)
		if (!conf_kw_value_eq(&cb->kws[i], a, b))
			return false;
	return true;
}

bool conf_check_eq(const struct conf_check *a, const struct conf_check *b)
{
	return conf_str_eq(a->name, b->name) && conf_check_probe_eq(a, b) &&
	    a->down_keep == b->down_keep &&
	    a->down_med_set == b->down_med_set &&
	    a->down_med == b->down_med &&
	    a->down_prepend == b->down_prepend &&
	    a->ndown_comm == b->ndown_comm && (a->ndown_comm == 0 ||
	    memcmp(a->down_comm, b->down_comm,
	    a->ndown_comm * sizeof(*a->down_comm)) == 0);
}

bool conf_fleet_equal(const struct conf_fleet *a,
    const struct conf_fleet *b)
{
	const struct block *fb = &conf_fleet_block;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->nendpoints != b->nendpoints)
		return false;
	/* The other parts of an endpoint follow from its URL. */
	for (size_t i = 0; i < a->nendpoints; i++)
		if (!conf_str_eq(a->endpoints[i].url, b->endpoints[i].url))
			return false;
	/* cluster, node, lease and the tls files: the simple rows. */
	for (size_t i = 0; i < fb->nkws; i++)
		if (!conf_kw_value_eq(&fb->kws[i], a, b))
			return false;
	return true;
}

static bool nbr_eq(const struct conf_neighbor *a,
    const struct conf_neighbor *b)
{
	const struct block *nb = &conf_neighbor_block;

	if (!conf_str_eq(a->name, b->name) || a->set != b->set)
		return false;
	for (size_t i = 0; i < nb->nkws; i++)
		if (!conf_kw_value_eq(&nb->kws[i], a, b))
			return false;
	/* The values of graceful-restart, max-prefix and bfd-auth (KW_FN
	 * rows). */
	return a->graceful_restart == b->graceful_restart &&
	    a->restart_time == b->restart_time &&
	    a->max_prefix == b->max_prefix &&
	    a->max_prefix_restart == b->max_prefix_restart &&
	    a->bfd_auth == b->bfd_auth && a->bfd_key_id == b->bfd_key_id &&
	    conf_str_eq(a->bfd_key, b->bfd_key);
}

bool conf_adv_eq(const struct conf_adv *a, const struct conf_adv *b)
{
	return conf_str_eq(a->name, b->name) &&
	    strv_eq(a->pools, a->npools, b->pools, b->npools) &&
	    strv_eq(a->peers, a->npeers, b->peers, b->npeers) &&
	    a->ncommunities == b->ncommunities && a->nlarge == b->nlarge &&
	    (a->ncommunities == 0 || memcmp(a->communities, b->communities,
	    a->ncommunities * sizeof(*a->communities)) == 0) &&
	    (a->nlarge == 0 ||
	    memcmp(a->large, b->large, a->nlarge * sizeof(*a->large)) == 0) &&
	    a->agg_len == b->agg_len && a->agg_len_v6 == b->agg_len_v6 &&
	    a->local_pref_set == b->local_pref_set &&
	    a->local_pref == b->local_pref && a->med_set == b->med_set &&
	    a->med == b->med && a->prepend == b->prepend;
}

bool conf_equal(const struct conf *a, const struct conf *b)
{
	if (a->router_id_set != b->router_id_set ||
	    a->router_id != b->router_id || a->local_as != b->local_as ||
	    !conf_str_eq(a->state_file, b->state_file) ||
	    a->nlistens != b->nlistens || a->nsockets != b->nsockets ||
	    a->npools != b->npools || a->nneighbors != b->nneighbors ||
	    a->nadvs != b->nadvs || a->nvips != b->nvips ||
	    a->nchecks != b->nchecks || a->drain_time != b->drain_time ||
	    a->shutdown_drain != b->shutdown_drain ||
	    a->socket_mode != b->socket_mode ||
	    a->socket_mode_set != b->socket_mode_set ||
	    !conf_str_eq(a->socket_group, b->socket_group) ||
	    a->max_clients != b->max_clients ||
	    a->max_clients_set != b->max_clients_set ||
	    !conf_str_eq(a->vip_interface, b->vip_interface) ||
	    !strv_eq(a->track, a->ntrack, b->track, b->ntrack) ||
	    a->nimports != b->nimports || a->metrics_set != b->metrics_set ||
	    (a->metrics_set && (!pfx_eq(&a->metrics_addr, &b->metrics_addr) ||
	    a->metrics_port != b->metrics_port)) ||
	    !conf_fleet_equal(a->fleet, b->fleet) ||
	    (a->fleet != NULL && a->fleet->node_set != b->fleet->node_set))
		return false;
	for (size_t i = 0; i < a->nimports; i++)
		if (!conf_str_eq(a->imports[i].dev, b->imports[i].dev) ||
		    !conf_str_eq(a->imports[i].label, b->imports[i].label))
			return false;
	for (size_t i = 0; i < a->nlistens; i++)
		if (!pfx_eq(&a->listens[i].addr, &b->listens[i].addr) ||
		    a->listens[i].port != b->listens[i].port)
			return false;
	for (size_t i = 0; i < a->nsockets; i++)
		if (!conf_str_eq(a->sockets[i].path, b->sockets[i].path) ||
		    a->sockets[i].restricted != b->sockets[i].restricted)
			return false;
	for (size_t i = 0; i < a->nchecks; i++)
		if (!conf_check_eq(&a->checks[i], &b->checks[i]))
			return false;
	for (size_t i = 0; i < a->npools; i++)
		if (!conf_pool_eq(&a->pools[i], &b->pools[i]) ||
		    a->pools[i].check_idx != b->pools[i].check_idx)
			return false;
	for (size_t i = 0; i < a->nneighbors; i++)
		if (!nbr_eq(&a->neighbors[i], &b->neighbors[i]))
			return false;
	for (size_t i = 0; i < a->nadvs; i++) {
		const struct conf_adv *x = &a->advs[i], *y = &b->advs[i];
		if (!conf_adv_eq(x, y))
			return false;
		/* Derived by conf_check(): every pool/peer when none is
		 * listed. */
		if (x->npool_idx != y->npool_idx ||
		    x->npeer_idx != y->npeer_idx ||
		    !idx_eq(x->pool_idx, y->pool_idx, x->npool_idx) ||
		    !idx_eq(x->peer_idx, y->peer_idx, x->npeer_idx))
			return false;
	}
	for (size_t i = 0; i < a->nvips; i++) {
		const struct conf_vip *x = &a->vips[i], *y = &b->vips[i];
		if (!pfx_eq(&x->addr, &y->addr) ||
		    !conf_str_eq(x->pool, y->pool) ||
		    !conf_str_eq(x->owner, y->owner) ||
		    x->pool_idx != y->pool_idx ||
		    !conf_str_eq(x->check, y->check) ||
		    x->check_idx != y->check_idx)
			return false;
	}
	return true;
}
