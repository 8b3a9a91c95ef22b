/*
 * check.c - the semantic pass over a parsed config: names that must
 * resolve, things that must not repeat or overlap, rules that tie two
 * statements together, and statements this version refuses; then the
 * derived fields (indexes, effective AS and keepalive).
 *
 * It reads only the parsed struct conf and the source lines the parser
 * kept; it never looks at tokens and never changes what the user wrote,
 * only the fields conf.h marks "after validation".
 */
#include "conf/conf_int.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

static void cerr(struct loader *l, int line, const char *fmt, ...)
    ATTR_PRINTF(3, 4);
static void cwarn(struct loader *l, int line, const char *fmt, ...)
    ATTR_PRINTF(3, 4);

static void cerr(struct loader *l, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_msg_addv(l, true, line, NULL, fmt, ap);
	va_end(ap);
}

static void cwarn(struct loader *l, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_msg_addv(l, false, line, NULL, fmt, ap);
	va_end(ap);
}

/* "192.168.1.0/24", "192.168.1.250-192.168.1.254" or "192.168.1.7". */
static const char *range_fmt(const struct conf_range *r, char *buf,
    size_t size)
{
	char lo[PREFIX_STRLEN], hi[PREFIX_STRLEN];

	addr_fmt(&r->lo, lo, sizeof(lo));
	if (r->is_cidr)
		snprintf(buf, size, "%s/%u", lo, r->cidr_len);
	else if (addr_cmp(&r->lo, &r->hi) == 0)
		snprintf(buf, size, "%s", lo);
	else
		snprintf(buf, size, "%s-%s", lo, addr_fmt(&r->hi, hi,
		    sizeof(hi)));
	return buf;
}

#define RANGE_STRLEN (2 * PREFIX_STRLEN)

static size_t find_name(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return SIZE_MAX;
}

/*
 * An unknown name: suggest the nearest, else list what there is.
 * names[] are the defined ones.
 */
static void unknown_ref(struct loader *l, int line, const char *who,
    const char *kind, const char *name, const char *const *names, size_t n)
{
	struct suggest sg;

	conf_suggest_init(&sg, name);
	for (size_t i = 0; i < n; i++)
		conf_suggest_try(&sg, names[i]);
	if (conf_suggest_best(&sg) != NULL) {
		cerr(l, line, "%s: unknown %s \"%s\"; did you mean \"%s\"?",
		    who, kind, name, conf_suggest_best(&sg));
		return;
	}
	if (n == 0) {
		cerr(l, line, "%s: unknown %s \"%s\"; no %s is defined", who,
		    kind, name, kind);
		return;
	}
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(names[i]) + 2;
	char *list = conf_xcalloc(len, 1);
	for (size_t i = 0; i < n; i++) {
		if (find_name(names, i, names[i]) != SIZE_MAX)
			continue;	/* defined twice: said elsewhere */
		if (i > 0)
			strcat(list, ", ");
		strcat(list, names[i]);
	}
	cerr(l, line, "%s: unknown %s \"%s\"; defined: %s", who, kind, name,
	    list);
	free(list);
}

static const char **pool_names(const struct conf *c)
{
	const char **v = conf_xcalloc(c->npools, sizeof(*v));

	for (size_t i = 0; i < c->npools; i++)
		v[i] = c->pools[i].name;
	return v;
}

static const char **check_names(const struct conf *c)
{
	const char **v = conf_xcalloc(c->nchecks, sizeof(*v));

	for (size_t i = 0; i < c->nchecks; i++)
		v[i] = c->checks[i].name;
	return v;
}

static const char **neighbor_names(const struct conf *c)
{
	const char **v = conf_xcalloc(c->nneighbors, sizeof(*v));

	for (size_t i = 0; i < c->nneighbors; i++)
		v[i] = c->neighbors[i].name;
	return v;
}

/* Later definitions of a name point back at the first one. */
static void check_dup_names(struct loader *l, const char *kind,
    const char *const *names, const int *lines, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		size_t j = find_name(names, i, names[i]);
		if (j != SIZE_MAX)
			cerr(l, lines[i], "%s %s already defined at line %d; "
			    "give it another name", kind, names[i], lines[j]);
	}
}

static void check_dup_blocks(struct loader *l)
{
	struct conf *c = l->c;
	size_t max = c->npools > c->nneighbors ? c->npools : c->nneighbors;
	if (c->nadvs > max)
		max = c->nadvs;
	if (c->nchecks > max)
		max = c->nchecks;
	const char **names = conf_xcalloc(max, sizeof(*names));
	int *lines = conf_xcalloc(max, sizeof(*lines));

	for (size_t i = 0; i < c->npools; i++) {
		names[i] = c->pools[i].name;
		lines[i] = c->pools[i].line;
	}
	check_dup_names(l, "pool", names, lines, c->npools);
	for (size_t i = 0; i < c->nneighbors; i++) {
		names[i] = c->neighbors[i].name;
		lines[i] = c->neighbors[i].line;
	}
	check_dup_names(l, "neighbor", names, lines, c->nneighbors);
	for (size_t i = 0; i < c->nadvs; i++) {
		names[i] = c->advs[i].name;
		lines[i] = c->advs[i].line;
	}
	check_dup_names(l, "advertisement", names, lines, c->nadvs);
	for (size_t i = 0; i < c->nchecks; i++) {
		names[i] = c->checks[i].name;
		lines[i] = c->checks[i].line;
	}
	check_dup_names(l, "check", names, lines, c->nchecks);
	free(names);
	free(lines);
}

static void check_global(struct loader *l)
{
	struct conf *c = l->c;
	char buf[PREFIX_STRLEN];

	for (size_t i = 0; i < c->nlistens; i++) {
		const struct conf_listen *a = &c->listens[i];
		for (size_t j = 0; j < i; j++) {
			const struct conf_listen *b = &c->listens[j];
			if (prefix_equal(&a->addr, &b->addr) &&
			    a->port == b->port) {
				cerr(l, a->line, "listen on %s port %u already "
				    "given at line %d", addr_fmt(&a->addr, buf,
				    sizeof(buf)), a->port, b->line);
				break;
			}
		}
	}
	for (size_t i = 0; i < c->nsockets; i++) {
		for (size_t j = 0; j < i; j++) {
			if (strcmp(c->sockets[i].path,
			    c->sockets[j].path) == 0) {
				cerr(l, c->sockets[i].line, "socket \"%s\" "
				    "already given at line %d",
				    c->sockets[i].path, c->sockets[j].line);
				break;
			}
		}
	}
	/* lbbgpd puts its VIPs on the vip-interface: importing them back
	 * would make every VIP hold itself. */
	for (size_t i = 0; c->vip_interface && i < c->nimports; i++)
		if (strcmp(c->imports[i].dev, c->vip_interface) == 0)
			cerr(l, c->imports[i].line, "import-addresses dev %s: "
			    "%s is the vip-interface (line %d), where lbbgpd "
			    "puts the VIPs itself; import from another "
			    "interface", c->imports[i].dev, c->vip_interface,
			    l->vip_interface_line);
}

/* ---- neighbors ---- */

/* The line of a neighbor statement, or of the block when not written. */
static int stmt_line(const struct loader *l, size_t i, uint32_t bit)
{
	int line = l->nbr[i].line[conf_nbr_bit_no(bit)];

	return line ? line : l->c->neighbors[i].line;
}

static void check_timers(struct loader *l, size_t i)
{
	struct conf_neighbor *n = &l->c->neighbors[i];
	int line = stmt_line(l, i, NBR_SET_KEEPALIVE);

	if ((n->set & NBR_SET_MIN_HOLD_TIME) && (n->hold_time == 0 ||
	    n->min_hold_time > n->hold_time))
		cerr(l, stmt_line(l, i, NBR_SET_MIN_HOLD_TIME), "neighbor %s: "
		    "min-hold-time %u is above our own hold-time %u, so no "
		    "session could come up; lower it or raise hold-time",
		    n->name, n->min_hold_time, n->hold_time);

	if (!(n->set & NBR_SET_KEEPALIVE))
		return;
	if (n->hold_time == 0 && n->keepalive != 0)
		cerr(l, line, "neighbor %s: keepalive %u with hold-time 0: "
		    "a hold time of 0 means no keepalives (RFC 4271 section "
		    "4.4); set keepalive 0 or remove it", n->name,
		    n->keepalive);
	else if (n->hold_time != 0 && n->keepalive == 0)
		cerr(l, line, "neighbor %s: keepalive 0 with hold-time %u: "
		    "the peer would drop the session after %u seconds; use "
		    "1..%u (default: hold-time / 3)", n->name, n->hold_time,
		    n->hold_time, n->hold_time - 1);
	else if (n->hold_time != 0 && n->keepalive >= n->hold_time)
		cerr(l, line, "neighbor %s: keepalive %u must be less than "
		    "hold-time %u; use 1..%u (default: hold-time / 3)",
		    n->name, n->keepalive, n->hold_time, n->hold_time - 1);
}

/* Statements that tune BFD: without bfd yes they do nothing, which is
 * what an operator who turned BFD off for a while wants. */
static const uint32_t bfd_tuning[] = {
	NBR_SET_BFD_MIN_TX, NBR_SET_BFD_MIN_RX, NBR_SET_BFD_MULTIPLIER,
	NBR_SET_BFD_STRICT, NBR_SET_BFD_AUTH,
};

static void check_bfd_off(struct loader *l, size_t i)
{
	const struct conf_neighbor *n = &l->c->neighbors[i];

	for (size_t k = 0; k < NELEM(bfd_tuning); k++) {
		uint32_t bit = bfd_tuning[k];
		if (!(n->set & bit))
			continue;
		/* BGP would wait in Idle for a BFD that never starts. */
		if (bit == NBR_SET_BFD_STRICT && n->bfd_strict)
			cerr(l, stmt_line(l, i, bit), "neighbor %s: bfd-strict "
			    "yes without bfd yes would keep the session in "
			    "Idle for ever, waiting for BFD; set bfd yes or "
			    "bfd-strict no", n->name);
		else
			cwarn(l, stmt_line(l, i, bit), "neighbor %s: %s has no "
			    "effect without bfd yes; set bfd yes or remove it",
			    n->name, conf_nbr_stmt_name(bit));
	}
}

static void check_bfd(struct loader *l, size_t i)
{
	const struct conf_neighbor *n = &l->c->neighbors[i];
	char dt[CONF_SECS_STRLEN];

	/* A bad bfd line was reported already. */
	if ((l->nbr[i].tried & NBR_SET_BFD) && !(n->set & NBR_SET_BFD))
		return;
	if (!n->bfd) {
		check_bfd_off(l, i);
		return;
	}
	/*
	 * RFC 5880 §6.8.4: the detection time is the remote multiplier
	 * times the larger of our min-rx and the remote's min-tx, so ours
	 * is its lower bound when both ends are configured alike.
	 */
	uint32_t detect = (uint32_t)n->bfd_min_rx_ms * n->bfd_multiplier;
	if (n->hold_time == 0 || detect <= (uint32_t)n->hold_time * 1000)
		return;
	/* The defaults (0.9 s) are below the shortest hold time (3 s):
	 * one of the two was written. */
	uint32_t bit = (n->set & NBR_SET_BFD_MIN_RX) ? NBR_SET_BFD_MIN_RX :
	    NBR_SET_BFD_MULTIPLIER;
	cwarn(l, stmt_line(l, i, bit), "neighbor %s: BFD detection time "
	    "bfd-min-rx %u ms x bfd-multiplier %u = %s seconds is longer "
	    "than hold-time %u: BFD would detect a failure after the hold "
	    "timer does; lower bfd-min-rx or bfd-multiplier", n->name,
	    n->bfd_min_rx_ms, n->bfd_multiplier,
	    conf_secs_fmt(detect, dt, sizeof(dt)), n->hold_time);
}

static void check_neighbor(struct loader *l, size_t i)
{
	struct conf *c = l->c;
	struct conf_neighbor *n = &c->neighbors[i];
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

	uint32_t written = n->set | l->nbr[i].tried;

	if (!(written & NBR_SET_ADDRESS))
		cerr(l, n->line, "neighbor %s: no address; add a line like "
		    "\"address 10.0.0.1\"", n->name);
	if (!(written & NBR_SET_REMOTE_AS))
		cerr(l, n->line, "neighbor %s: no remote-as; add a line like "
		    "\"remote-as 64512\"", n->name);
	if (!(written & NBR_SET_LOCAL_AS) && c->local_as == 0 &&
	    !l->local_as_tried)
		cerr(l, n->line, "neighbor %s: no local AS; set local-as in "
		    "this block or a global \"local-as ASN\"", n->name);
	if ((n->set & NBR_SET_ADDRESS) && (n->set & NBR_SET_LOCAL_ADDRESS) &&
	    n->addr.afi != n->local_addr.afi)
		cerr(l, stmt_line(l, i, NBR_SET_LOCAL_ADDRESS), "neighbor %s: "
		    "local-address %s and address %s are of different "
		    "families; use an %s local-address", n->name,
		    addr_fmt(&n->local_addr, a, sizeof(a)),
		    addr_fmt(&n->addr, b, sizeof(b)),
		    n->addr.afi == AFI_IPV6 ? "IPv6" : "IPv4");
	if (n->set & NBR_SET_ADDRESS) {
		for (size_t j = 0; j < i; j++) {
			const struct conf_neighbor *o = &c->neighbors[j];
			if ((o->set & NBR_SET_ADDRESS) &&
			    prefix_equal(&o->addr, &n->addr)) {
				cerr(l, stmt_line(l, i, NBR_SET_ADDRESS),
				    "neighbor %s: address %s is already "
				    "neighbor %s (line %d)", n->name,
				    addr_fmt(&n->addr, a, sizeof(a)), o->name,
				    o->line);
				break;
			}
		}
	}
	/* RFC 8950 lets an IPv6 session carry IPv4 routes. */
	if (n->extended_next_hop && (n->set & NBR_SET_ADDRESS) &&
	    n->addr.afi == AFI_IPV4)
		cerr(l, stmt_line(l, i, NBR_SET_EXTENDED_NEXT_HOP), "neighbor "
		    "%s: extended-next-hop is for sessions over IPv6 (RFC "
		    "8950), and address %s is IPv4, whose routes have IPv4 "
		    "next hops already; remove it", n->name,
		    addr_fmt(&n->addr, a, sizeof(a)));
	check_timers(l, i);
	check_bfd(l, i);

	/* Effective values, for the daemon; the printer goes by n->set. */
	if (!(n->set & NBR_SET_LOCAL_AS))
		n->local_as = c->local_as;
	if (!(n->set & NBR_SET_KEEPALIVE))
		n->keepalive = n->hold_time / 3;
}

/* ---- pools ---- */

static bool overlap(const struct conf_range *a, const struct conf_range *b)
{
	return a->lo.afi == b->lo.afi && addr_cmp(&a->lo, &b->hi) <= 0 &&
	    addr_cmp(&b->lo, &a->hi) <= 0;
}

/* MetalLB refuses pools that share addresses: a VIP has one pool. */
static void check_overlaps(struct loader *l)
{
	struct conf *c = l->c;
	char x[RANGE_STRLEN], y[RANGE_STRLEN];

	for (size_t pi = 0; pi < c->npools; pi++) {
		const struct conf_pool *p = &c->pools[pi];
		for (size_t ri = 0; ri < p->nranges; ri++) {
			const struct conf_range *r = &p->ranges[ri];
			bool found = false;
			for (size_t qi = 0; qi <= pi && !found; qi++) {
				const struct conf_pool *q = &c->pools[qi];
				size_t end = qi == pi ? ri : q->nranges;
				for (size_t si = 0; si < end && !found; si++) {
					const struct conf_range *s =
					    &q->ranges[si];
					if (!overlap(r, s))
						continue;
					found = true;
					range_fmt(r, x, sizeof(x));
					range_fmt(s, y, sizeof(y));
					if (qi == pi)
						cerr(l, r->line, "pool %s: %s "
						    "overlaps %s of the same "
						    "pool (line %d); list each "
						    "address once", p->name, x,
						    y, s->line);
					else
						cerr(l, r->line, "pool %s: %s "
						    "overlaps %s of pool %s "
						    "(line %d); an address "
						    "belongs to one pool only",
						    p->name, x, y, q->name,
						    s->line);
				}
			}
		}
	}
}

/* The check a pool or a VIP names: its index, or SIZE_MAX. */
static size_t resolve_check(struct loader *l, int line, const char *who,
    const char *name)
{
	const struct conf *c = l->c;

	if (name == NULL)
		return SIZE_MAX;
	const char **names = check_names(c);
	size_t k = find_name(names, c->nchecks, name);
	if (k == SIZE_MAX)
		unknown_ref(l, line, who, "check", name, names, c->nchecks);
	free(names);
	return k;
}

static void check_pools(struct loader *l)
{
	struct conf *c = l->c;

	for (size_t i = 0; i < c->npools; i++) {
		struct conf_pool *p = &c->pools[i];
		bool covered = false;
		char *who = conf_xasprintf("pool %s", p->name);
		p->check_idx = resolve_check(l, l->pool[i].check_line, who,
		    p->check);
		free(who);
		if (p->nranges == 0 && !l->pool[i].tried)
			cerr(l, p->line, "pool %s: no addresses; add a line "
			    "like \"addresses 192.168.1.240/28\"", p->name);
		/* An operator who writes one expects an election. */
		if (p->announce == CONF_ANNOUNCE_ONE && c->fleet == NULL)
			cerr(l, l->pool[i].announce_line, "pool %s: announce "
			    "one needs a fleet block (one host among "
			    "several); without one, this host is the only "
			    "announcer: add a fleet block or remove the line",
			    p->name);
		for (size_t a = 0; a < c->nadvs && !covered; a++) {
			const struct conf_adv *ad = &c->advs[a];
			covered = ad->npools == 0 ||
			    find_name((const char *const *)ad->pools,
			    ad->npools, p->name) != SIZE_MAX;
		}
		if (!covered)
			cwarn(l, p->line, "pool %s is in no advertisement; its "
			    "VIPs will not be announced", p->name);
	}
	check_overlaps(l);
}

/* ---- checks ---- */

static void check_check(struct loader *l, size_t i)
{
	struct conf_check *ck = &l->c->checks[i];
	const struct check_src *src = &l->chk[i];
	char iv[CONF_SECS_STRLEN], to[CONF_SECS_STRLEN];

	if (src->probe == NULL)
		cerr(l, ck->line, "check %s: needs one of http, tcp or exec; "
		    "add a line like \"tcp 127.0.0.1 port 443\"", ck->name);
	if (src->expect_line != 0 && src->probe != NULL &&
	    src->kind != CHECK_HTTP)
		cerr(l, src->expect_line, "check %s: expect is for http checks "
		    "only; remove it: %s", ck->name, src->kind == CHECK_TCP ?
		    "a tcp check is up when it connects" :
		    "an exec check is up when the program exits 0");
	/* A probe runs to its timeout before the next one starts.  The
	 * default timeout shrinks to a shorter interval. */
	if (src->timeout_line == 0 && ck->timeout_ms > ck->interval_ms)
		ck->timeout_ms = ck->interval_ms;
	if (ck->timeout_ms > ck->interval_ms) {
		int line = src->timeout_line ? src->timeout_line :
		    src->interval_line;
		cerr(l, line ? line : ck->line, "check %s: timeout %s is "
		    "longer than interval %s; a probe must end before the "
		    "next one starts: lower timeout or raise interval",
		    ck->name, conf_secs_fmt(ck->timeout_ms, to, sizeof(to)),
		    conf_secs_fmt(ck->interval_ms, iv, sizeof(iv)));
	}
}

/* ---- fleet ---- */

/* A tls statement that does nothing, as every endpoint is http://. */
static void check_fleet_tls_unused(struct loader *l)
{
	const struct conf_fleet *f = l->c->fleet;
	const struct fleet_src *src = &l->fleet;
	const struct {
		const char *name;
		int line;
	} files[] = {
		{ "tls-ca", src->ca_line }, { "tls-cert", src->cert_line },
		{ "tls-key", src->key_line },
	};

	for (size_t i = 0; i < f->nendpoints; i++)
		if (f->endpoints[i].tls)
			return;
	for (size_t i = 0; i < NELEM(files); i++)
		if (files[i].line != 0)
			cwarn(l, files[i].line, "fleet: %s has no effect "
			    "without an https endpoint; write the endpoints "
			    "as https:// or remove it", files[i].name);
}

static void check_fleet(struct loader *l)
{
	const struct conf_fleet *f = l->c->fleet;
	const struct fleet_src *src = &l->fleet;

	if (f == NULL)
		return;
	if (f->nendpoints == 0 && !src->etcd_tried)
		cerr(l, f->line, "fleet: at least one etcd endpoint is "
		    "required, e.g. etcd http://127.0.0.1:2379");
	if (f->cluster == NULL && !src->cluster_tried)
		cerr(l, f->line, "fleet: no cluster; add a line like \"cluster "
		    "lb-west\": the hosts of one cluster share the keys under "
		    "/lbbgp/CLUSTER/");
	/* TLS client authentication needs both halves. */
	if (f->tls_cert != NULL && f->tls_key == NULL && !src->key_tried)
		cerr(l, src->cert_line, "fleet: tls-cert without tls-key: the "
		    "client certificate needs its private key; add tls-key "
		    "\"/PATH\" or remove tls-cert");
	if (f->tls_key != NULL && f->tls_cert == NULL && !src->cert_tried)
		cerr(l, src->key_line, "fleet: tls-key without tls-cert: a "
		    "private key goes with its client certificate; add "
		    "tls-cert \"/PATH\" or remove tls-key");
	if (f->nendpoints > 0)
		check_fleet_tls_unused(l);
}

/* ---- advertisements ---- */

struct lowest {
	unsigned len;
};

static void lowest_len(const struct prefix *cidr, void *arg)
{
	struct lowest *lw = arg;

	if (cidr->len < lw->len)
		lw->len = cidr->len;
}

/*
 * MetalLB's rule: the aggregate of a VIP must not reach outside its
 * pool, so the aggregation length may not be shorter than the largest
 * CIDR block of any addresses line of the pools the advertisement covers.
 */
static void check_aggregation(struct loader *l, size_t ai,
    const struct conf_pool *p)
{
	const struct conf_adv *ad = &l->c->advs[ai];
	const struct adv_src *src = &l->adv[ai];
	char buf[RANGE_STRLEN];

	for (size_t i = 0; i < p->nranges; i++) {
		const struct conf_range *r = &p->ranges[i];
		bool v6 = r->lo.afi == AFI_IPV6;
		unsigned agg = v6 ? ad->agg_len_v6 : ad->agg_len;
		int line = v6 ? src->agg6_line : src->agg_line;
		struct lowest lw = { afi_bits(r->lo.afi) };

		range_to_cidrs(&r->lo, &r->hi, lowest_len, &lw);
		if (agg >= lw.len)
			continue;
		cerr(l, line ? line : ad->line, "advertisement %s: %s %u is "
		    "shorter than prefix length %u of pool %s (%s); use %u or "
		    "more%s", ad->name, v6 ? "aggregation-length-v6" :
		    "aggregation-length", agg, lw.len, p->name,
		    range_fmt(r, buf, sizeof(buf)), lw.len,
		    r->is_cidr ? "" : ", or make the pool a CIDR");
	}
}

/*
 * Indexes into the defined names of the listed ones (list, nlist, written
 * at lines[]), or of every defined one when none is listed; an unknown
 * name is reported and gets SIZE_MAX.
 */
static size_t *resolve(struct loader *l, const char *who, const char *kind,
    char *const *list, size_t nlist, const int *lines,
    const char *const *names, size_t nnames, size_t *nidx)
{
	size_t n = nlist ? nlist : nnames;
	size_t *idx = conf_xcalloc(n, sizeof(*idx));

	for (size_t i = 0; i < n; i++) {
		idx[i] = i;
		if (nlist == 0)
			continue;
		idx[i] = find_name(names, nnames, list[i]);
		if (idx[i] == SIZE_MAX)
			unknown_ref(l, lines[i], who, kind, list[i], names,
			    nnames);
	}
	*nidx = n;
	return idx;
}

static void check_adv(struct loader *l, size_t ai)
{
	struct conf *c = l->c;
	struct conf_adv *ad = &c->advs[ai];
	const struct adv_src *src = &l->adv[ai];
	const char **pools = pool_names(c), **nbrs = neighbor_names(c);
	char *who = conf_xasprintf("advertisement %s", ad->name);

	/* Aggregation messages are on other lines than unknown pools, and
	 * messages go out sorted by line: the order of the passes is free. */
	ad->pool_idx = resolve(l, who, "pool", ad->pools, ad->npools,
	    src->pool_line, pools, c->npools, &ad->npool_idx);
	for (size_t i = 0; i < ad->npool_idx; i++)
		if (ad->pool_idx[i] != SIZE_MAX)
			check_aggregation(l, ai, &c->pools[ad->pool_idx[i]]);
	ad->peer_idx = resolve(l, who, "neighbor", ad->peers, ad->npeers,
	    src->peer_line, nbrs, c->nneighbors, &ad->npeer_idx);
	free(who);
	free(pools);
	free(nbrs);
}

/* ---- VIPs ---- */

/* MetalLB's avoidBuggyIPs: such a pool never uses .0 and .255. */
static void check_vip_buggy(struct loader *l, const struct conf_vip *v)
{
	const struct conf_pool *p = v->pool_idx != SIZE_MAX ?
	    &l->c->pools[v->pool_idx] : NULL;
	char a[PREFIX_STRLEN];

	if (p != NULL && p->avoid_buggy_ips && conf_addr_buggy(&v->addr))
		cerr(l, v->line, "vip %s ends in .%u, which pool %s does not "
		    "use (avoid-buggy-ips yes, line %d); pick another address "
		    "or set avoid-buggy-ips no", addr_fmt(&v->addr, a,
		    sizeof(a)), v->addr.a[3], p->name, p->line);
}

static void check_vip(struct loader *l, size_t vi)
{
	struct conf *c = l->c;
	struct conf_vip *v = &c->vips[vi];
	char a[PREFIX_STRLEN];
	const struct conf_pool *in = conf_pool_for_addr(c, &v->addr);

	addr_fmt(&v->addr, a, sizeof(a));
	for (size_t j = 0; j < vi; j++) {
		if (prefix_equal(&c->vips[j].addr, &v->addr)) {
			cerr(l, v->line, "vip %s already declared at line %d",
			    a, c->vips[j].line);
			break;
		}
	}
	char *who = conf_xasprintf("vip %s", a);
	v->check_idx = resolve_check(l, v->line, who, v->check);
	if (v->pool == NULL) {
		if (in == NULL)
			cerr(l, v->line, "vip %s is in no pool; add it to the "
			    "addresses of a pool", a);
		else
			v->pool_idx = (size_t)(in - c->pools);
		check_vip_buggy(l, v);
		free(who);
		return;
	}
	const char **pools = pool_names(c);
	size_t k = find_name(pools, c->npools, v->pool);
	if (k == SIZE_MAX) {
		unknown_ref(l, v->line, who, "pool", v->pool, pools,
		    c->npools);
	} else if (!conf_pool_contains(&c->pools[k], &v->addr)) {
		if (in != NULL)
			cerr(l, v->line, "vip %s is not in pool %s (line %d) "
			    "but in pool %s; write \"pool %s\" or drop it", a,
			    v->pool, c->pools[k].line, in->name, in->name);
		else
			cerr(l, v->line, "vip %s is not in pool %s (line %d); "
			    "add it to the addresses of the pool", a, v->pool,
			    c->pools[k].line);
	} else {
		v->pool_idx = k;
	}
	free(who);
	free(pools);
	check_vip_buggy(l, v);
}

void conf_check(struct loader *l)
{
	struct conf *c = l->c;

	check_global(l);
	check_fleet(l);
	check_dup_blocks(l);
	for (size_t i = 0; i < c->nchecks; i++)
		check_check(l, i);
	for (size_t i = 0; i < c->nneighbors; i++)
		check_neighbor(l, i);
	check_pools(l);
	for (size_t i = 0; i < c->nadvs; i++)
		check_adv(l, i);
	for (size_t i = 0; i < c->nvips; i++)
		check_vip(l, i);
}
