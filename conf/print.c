/*
 * print.c - a config in canonical form, as "lbbgpd -nv" shows it.
 *
 * The output must parse back to an equal config and print again byte for
 * byte the same: fixed order, one statement per line, normalised
 * addresses and communities, defaults left out.  The printer only reads
 * the config; it never validates (check.c did) and never guesses.
 */
#include "conf/parse_int.h"

#include <string.h>

void conf_print_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* Bare when the lexer reads it back as one word, quoted otherwise. */
static void print_word(FILE *out, const char *s)
{
	size_t n = strlen(s);
	bool word = n > 0;

	for (size_t i = 0; i < n && word; i++)
		word = strchr("_.:/-+[]", s[i]) != NULL ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9');
	if (word)
		fputs(s, out);
	else
		conf_print_string(out, s);
}

const char *conf_secs_fmt(uint32_t ms, char *buf, size_t size)
{
	unsigned frac = ms % 1000, digits = 3;

	if (frac == 0) {
		snprintf(buf, size, "%u", ms / 1000);
		return buf;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, size, "%u.%0*u", ms / 1000, (int)digits, frac);
	return buf;
}

static void print_addr(FILE *out, const struct prefix *p)
{
	char buf[PREFIX_STRLEN];

	fputs(addr_fmt(p, buf, sizeof(buf)), out);
}

static const char *yesno(bool b)
{
	return b ? "yes" : "no";
}

static void print_range(FILE *out, const struct conf_range *r)
{
	print_addr(out, &r->lo);
	if (r->is_cidr)
		fprintf(out, "/%u", r->cidr_len);
	else if (addr_cmp(&r->lo, &r->hi) != 0) {
		fputc('-', out);
		print_addr(out, &r->hi);
	}
}

static void print_pool(FILE *out, const struct conf_pool *p)
{
	fprintf(out, "pool %s {\n", p->name);
	for (size_t i = 0; i < p->nranges; i++) {
		fputs("\taddresses ", out);
		print_range(out, &p->ranges[i]);
		fputc('\n', out);
	}
	if (!p->auto_assign)
		fputs("\tauto-assign no\n", out);
	if (p->avoid_buggy_ips)
		fputs("\tavoid-buggy-ips yes\n", out);
	if (p->check != NULL)
		fprintf(out, "\tcheck %s\n", p->check);
	if (p->announce != CONF_ANNOUNCE_ALL)
		fprintf(out, "\tannounce %s\n",
		    conf_announce_name(p->announce));
	fputs("}\n", out);
}

/* The value of a simple statement: its table row says where and what. */
static void print_value(FILE *out, const struct kw *k, const void *obj)
{
	const char *f = (const char *)obj + k->off;

	switch (k->type) {
	case KW_FN:
		break;
	case KW_NUM:
		if (k->size == sizeof(uint8_t))
			fprintf(out, "%u", *(const uint8_t *)f);
		else if (k->size == sizeof(uint16_t))
			fprintf(out, "%u", *(const uint16_t *)f);
		else
			fprintf(out, "%u", *(const uint32_t *)f);
		break;
	case KW_ASN:
		fprintf(out, "%u", *(const uint32_t *)f);
		break;
	case KW_BOOL:
		fputs(yesno(*(const bool *)f), out);
		break;
	case KW_ADDR:
		print_addr(out, (const struct prefix *)f);
		break;
	case KW_STR:
	case KW_PATH:
		conf_print_string(out, *(char *const *)f);
		break;
	case KW_IFNAME:
	case KW_NAME:
	case KW_KEYNAME:
		fputs(*(char *const *)f, out);
		break;
	case KW_MSEC:
	{
		char buf[CONF_SECS_STRLEN];
		fputs(conf_secs_fmt(*(const uint32_t *)f, buf, sizeof(buf)),
		    out);
		break;
	}
	}
}

/*
 * The simple statements of block b in obj, by their table rows in the
 * grammar's order: those whose value is not the one of dflt and, for a
 * row that marks a flag, whose flag says they were written.
 */
static void print_rows(FILE *out, const struct block *b, const void *obj,
    const void *dflt)
{
	for (size_t i = 0; i < b->nkws; i++) {
		const struct kw *k = &b->kws[i];
		if (k->type == KW_FN || conf_kw_value_eq(k, obj, dflt) ||
		    (k->mark == MARK_FLAG &&
		    !*(const bool *)((const char *)obj + k->mark_off)))
			continue;
		fprintf(out, "\t%s ", k->name);
		print_value(out, k, obj);
		fputc('\n', out);
	}
}

/* The neighbor statements whose value is more than one word. */
static void print_nbr_special(FILE *out, const struct conf_neighbor *n,
    uint32_t bit)
{
	if (bit == NBR_SET_GRACEFUL_RESTART) {
		fputs(yesno(n->graceful_restart), out);
		if (n->restart_time != CONF_DEFAULT_RESTART_TIME)
			fprintf(out, " restart-time %u", n->restart_time);
	} else if (bit == NBR_SET_MAX_PREFIX) {
		fprintf(out, "%u", n->max_prefix);
		if (n->max_prefix_restart != 0)
			fprintf(out, " restart %u", n->max_prefix_restart);
	} else if (bit == NBR_SET_BFD_AUTH) {
		/* The key is printed as password is: -nv shows the file. */
		fprintf(out, "%s %u ", conf_bfd_auth_name(n->bfd_auth),
		    n->bfd_key_id);
		conf_print_string(out, n->bfd_key);
	}
}

/* Statements in the grammar's order, each only when it was written. */
static void print_neighbor(FILE *out, const struct conf_neighbor *n)
{
	const struct block *b = &conf_neighbor_block;

	fprintf(out, "neighbor %s {\n", n->name);
	for (size_t i = 0; i < b->nkws; i++) {
		const struct kw *k = &b->kws[i];
		bool str = k->type == KW_STR || k->type == KW_IFNAME;
		if (!(n->set & k->bit) || (str &&
		    *(char *const *)((const char *)n + k->off) == NULL))
			continue;
		fprintf(out, "\t%s ", k->name);
		if (k->type == KW_FN)
			print_nbr_special(out, n, k->bit);
		else
			print_value(out, k, n);
		fputc('\n', out);
	}
	fputs("}\n", out);
}

static void print_names(FILE *out, const char *kw, char **v, size_t n)
{
	if (n == 0)
		return;
	fprintf(out, "\t%s", kw);
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %s", v[i]);
	fputc('\n', out);
}

static void print_adv(FILE *out, const struct conf_adv *a)
{
	char buf[64];

	fprintf(out, "advertisement %s {\n", a->name);
	print_names(out, "pools", a->pools, a->npools);
	if (a->ncommunities + a->nlarge > 0) {
		fputs("\tcommunities", out);
		for (size_t i = 0; i < a->ncommunities; i++)
			fprintf(out, " %s", community_fmt(a->communities[i],
			    buf, sizeof(buf)));
		for (size_t i = 0; i < a->nlarge; i++)
			fprintf(out, " %s", large_community_fmt(&a->large[i],
			    buf, sizeof(buf)));
		fputc('\n', out);
	}
	if (a->agg_len != 32)
		fprintf(out, "\taggregation-length %u\n", a->agg_len);
	if (a->agg_len_v6 != 128)
		fprintf(out, "\taggregation-length-v6 %u\n", a->agg_len_v6);
	if (a->local_pref_set)
		fprintf(out, "\tlocal-pref %u\n", a->local_pref);
	if (a->med_set)
		fprintf(out, "\tmed %u\n", a->med);
	if (a->prepend > 0)
		fprintf(out, "\tas-path-prepend %u\n", a->prepend);
	print_names(out, "peers", a->peers, a->npeers);
	fputs("}\n", out);
}

static void print_on_down(FILE *out, const struct conf_check *ck)
{
	char buf[64];

	if (!ck->down_keep)
		return;		/* withdraw, the default */
	fputs("\ton-down", out);
	if (ck->down_med_set)
		fprintf(out, " med %u", ck->down_med);
	if (ck->down_prepend > 0)
		fprintf(out, " prepend %u", ck->down_prepend);
	if (ck->ndown_comm > 0)
		fputs(" community", out);
	for (size_t i = 0; i < ck->ndown_comm; i++)
		fprintf(out, " %s", community_fmt(ck->down_comm[i], buf,
		    sizeof(buf)));
	fputc('\n', out);
}

/* Statements in the grammar's order; defaults left out. */
static void print_check(FILE *out, const struct conf_check *ck)
{
	const struct conf_check dflt = {
		.interval_ms = CONF_DEFAULT_INTERVAL_MS,
		.timeout_ms = CONF_DEFAULT_TIMEOUT_MS,
		.rise = CONF_DEFAULT_RISE,
		.fall = CONF_DEFAULT_FALL,
	};

	fprintf(out, "check %s {\n", ck->name);
	if (ck->kind == CHECK_HTTP && ck->url != NULL) {
		fputs("\thttp ", out);
		conf_print_string(out, ck->url);
		fputc('\n', out);
	} else if (ck->kind == CHECK_TCP) {
		fputs("\ttcp ", out);
		print_addr(out, &ck->addr);
		fprintf(out, " port %u\n", ck->port);
	} else if (ck->kind == CHECK_EXEC) {
		fputs("\texec", out);
		for (size_t i = 0; i < ck->argc; i++) {
			fputc(' ', out);
			conf_print_string(out, ck->argv[i]);
		}
		fputc('\n', out);
	}
	if (ck->nexpect > 0) {
		fputs("\texpect", out);
		for (size_t i = 0; i < ck->nexpect; i++)
			fprintf(out, " %u", ck->expect[i]);
		fputc('\n', out);
	}
	print_rows(out, &conf_check_block, ck, &dflt);
	print_on_down(out, ck);
	fputs("}\n", out);
}

/* The endpoints, then the other statements but the defaults; node only
 * when written, as otherwise it is this host's name, not the file's. */
static void print_fleet(FILE *out, const struct conf_fleet *f)
{
	const struct conf_fleet dflt = { .lease = CONF_DEFAULT_LEASE };

	fputs("fleet {\n", out);
	for (size_t i = 0; i < f->nendpoints; i++) {
		fputs("\tetcd ", out);
		print_word(out, f->endpoints[i].url);
		fputc('\n', out);
	}
	print_rows(out, &conf_fleet_block, f, &dflt);
	fputs("}\n", out);
}

static void print_vip(FILE *out, const struct conf_vip *v)
{
	fputs("vip ", out);
	print_addr(out, &v->addr);
	if (v->pool != NULL)
		fprintf(out, " pool %s", v->pool);
	if (v->owner != NULL) {
		fputs(" owner ", out);
		print_word(out, v->owner);
	}
	if (v->check != NULL)
		fprintf(out, " check %s", v->check);
	fputc('\n', out);
}

/* A blank line before each group after the first. */
static void gap(FILE *out, bool *printed)
{
	if (*printed)
		fputc('\n', out);
	*printed = true;
}

/* A top-level string statement, "KW VALUE", when it was written. */
static bool print_str_stmt(FILE *out, const char *kw, const char *v,
    void (*pr)(FILE *, const char *))
{
	if (v == NULL)
		return false;
	fprintf(out, "%s ", kw);
	pr(out, v);
	fputc('\n', out);
	return true;
}

static void print_raw(FILE *out, const char *s)
{
	fputs(s, out);
}

/* The top-level statements; true when there were any. */
static bool print_globals(FILE *out, const struct conf *c)
{
	bool any = false;
	struct prefix id;

	if (c->router_id_set) {
		prefix_set_v4(&id, c->router_id, 32);
		fputs("router-id ", out);
		print_addr(out, &id);
		fputc('\n', out);
		any = true;
	}
	if (c->local_as != 0) {
		fprintf(out, "local-as %u\n", c->local_as);
		any = true;
	}
	for (size_t i = 0; i < c->nlistens; i++) {
		fputs("listen on ", out);
		print_addr(out, &c->listens[i].addr);
		if (c->listens[i].port != CONF_DEFAULT_PORT)
			fprintf(out, " port %u", c->listens[i].port);
		fputc('\n', out);
		any = true;
	}
	for (size_t i = 0; i < c->nsockets; i++) {
		fputs("socket ", out);
		conf_print_string(out, c->sockets[i].path);
		fputs(c->sockets[i].restricted ? " restricted\n" : "\n", out);
		any = true;
	}
	any |= print_str_stmt(out, "state-file", c->state_file,
	    conf_print_string);
	if (c->socket_mode_set) {
		fprintf(out, "socket-mode %04o\n", c->socket_mode);
		any = true;
	}
	any |= print_str_stmt(out, "socket-group", c->socket_group,
	    print_word);
	if (c->max_clients_set) {
		fprintf(out, "max-clients %u\n", c->max_clients);
		any = true;
	}
	any |= print_str_stmt(out, "vip-interface", c->vip_interface,
	    print_raw);
	for (size_t i = 0; i < c->ntrack; i++)
		any |= print_str_stmt(out, "track-interface", c->track[i],
		    print_raw);
	for (size_t i = 0; i < c->nimports; i++) {
		fprintf(out, "import-addresses dev %s", c->imports[i].dev);
		if (c->imports[i].label != NULL) {
			fputs(" label ", out);
			print_word(out, c->imports[i].label);
		}
		fputc('\n', out);
		any = true;
	}
	if (c->metrics_set) {
		char buf[PREFIX_STRLEN];
		bool v6 = c->metrics_addr.afi == AFI_IPV6;
		fprintf(out, "metrics listen %s%s%s:%u\n", v6 ? "[" : "",
		    addr_fmt(&c->metrics_addr, buf, sizeof(buf)),
		    v6 ? "]" : "", c->metrics_port);
		any = true;
	}
	if (c->drain_time != CONF_DEFAULT_DRAIN_TIME) {
		fprintf(out, "drain-time %u\n", c->drain_time);
		any = true;
	}
	if (c->shutdown_drain != 0) {
		fprintf(out, "shutdown-drain %u\n", c->shutdown_drain);
		any = true;
	}
	return any;
}

void conf_print(const struct conf *c, FILE *out)
{
	bool printed = print_globals(out, c);

	if (c->fleet != NULL) {
		gap(out, &printed);
		print_fleet(out, c->fleet);
	}
	/* Checks first: pools and VIPs refer to them. */
	for (size_t i = 0; i < c->nchecks; i++) {
		gap(out, &printed);
		print_check(out, &c->checks[i]);
	}
	for (size_t i = 0; i < c->npools; i++) {
		gap(out, &printed);
		print_pool(out, &c->pools[i]);
	}
	for (size_t i = 0; i < c->nneighbors; i++) {
		gap(out, &printed);
		print_neighbor(out, &c->neighbors[i]);
	}
	for (size_t i = 0; i < c->nadvs; i++) {
		gap(out, &printed);
		print_adv(out, &c->advs[i]);
	}
	if (c->nvips > 0)
		gap(out, &printed);
	for (size_t i = 0; i < c->nvips; i++)
		print_vip(out, &c->vips[i]);
}
