/*
 * print.c - a config in canonical form, as "lbbgpd -nv" shows it.
 *
 * The output must parse back to an equal config and print again byte for
 * byte the same: fixed order, one statement per line, normalised
 * addresses and communities, defaults left out.  The printer only reads
 * the config; it never validates (check.c did) and never guesses.
 */
#include "conf/conf_int.h"

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
	fputs("}\n", out);
}

/* Statements in the grammar's order, each only when it was written. */
static void print_neighbor(FILE *out, const struct conf_neighbor *n)
{
	uint32_t s = n->set;

	fprintf(out, "neighbor %s {\n", n->name);
	if (s & NBR_SET_ADDRESS) {
		fputs("\taddress ", out);
		print_addr(out, &n->addr);
		fputc('\n', out);
	}
	if (s & NBR_SET_REMOTE_AS)
		fprintf(out, "\tremote-as %u\n", n->remote_as);
	if (s & NBR_SET_LOCAL_AS)
		fprintf(out, "\tlocal-as %u\n", n->local_as);
	if (s & NBR_SET_LOCAL_ADDRESS) {
		fputs("\tlocal-address ", out);
		print_addr(out, &n->local_addr);
		fputc('\n', out);
	}
	if (s & NBR_SET_NEXT_HOP) {
		fputs("\tnext-hop ", out);
		print_addr(out, &n->next_hop);
		fputc('\n', out);
	}
	if (s & NBR_SET_NEXT_HOP_V6) {
		fputs("\tnext-hop-v6 ", out);
		print_addr(out, &n->next_hop_v6);
		fputc('\n', out);
	}
	if (s & NBR_SET_PORT)
		fprintf(out, "\tport %u\n", n->port);
	if (s & NBR_SET_HOLD_TIME)
		fprintf(out, "\thold-time %u\n", n->hold_time);
	if (s & NBR_SET_KEEPALIVE)
		fprintf(out, "\tkeepalive %u\n", n->keepalive);
	if (s & NBR_SET_MIN_HOLD_TIME)
		fprintf(out, "\tmin-hold-time %u\n", n->min_hold_time);
	if (s & NBR_SET_SEND_HOLD_TIME)
		fprintf(out, "\tsend-hold-time %u\n", n->send_hold_time);
	if (s & NBR_SET_CONNECT_RETRY)
		fprintf(out, "\tconnect-retry %u\n", n->connect_retry);
	if (s & NBR_SET_PASSIVE)
		fprintf(out, "\tpassive %s\n", yesno(n->passive));
	if ((s & NBR_SET_PASSWORD) && n->password != NULL) {
		fputs("\tpassword ", out);
		conf_print_string(out, n->password);
		fputc('\n', out);
	}
	if (s & NBR_SET_MULTIHOP)
		fprintf(out, "\tmultihop %u\n", n->multihop);
	if (s & NBR_SET_TTL_SECURITY)
		fprintf(out, "\tttl-security %s\n", yesno(n->ttl_security));
	if (s & NBR_SET_GRACEFUL_RESTART) {
		fprintf(out, "\tgraceful-restart %s",
		    yesno(n->graceful_restart));
		if (n->restart_time != CONF_DEFAULT_RESTART_TIME)
			fprintf(out, " restart-time %u", n->restart_time);
		fputc('\n', out);
	}
	if (s & NBR_SET_MAX_PREFIX) {
		fprintf(out, "\tmax-prefix %u", n->max_prefix);
		if (n->max_prefix_restart != 0)
			fprintf(out, " restart %u", n->max_prefix_restart);
		fputc('\n', out);
	}
	if ((s & NBR_SET_DESCRIPTION) && n->description != NULL) {
		fputs("\tdescription ", out);
		conf_print_string(out, n->description);
		fputc('\n', out);
	}
	if (s & NBR_SET_SHUTDOWN)
		fprintf(out, "\tshutdown %s\n", yesno(n->shutdown));
	if ((s & NBR_SET_TRACK_INTERFACE) && n->track_interface != NULL)
		fprintf(out, "\ttrack-interface %s\n", n->track_interface);
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
	print_names(out, "peers", a->peers, a->npeers);
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
	fputc('\n', out);
}

/* A blank line before each group after the first. */
static void gap(FILE *out, bool *printed)
{
	if (*printed)
		fputc('\n', out);
	*printed = true;
}

void conf_print(const struct conf *c, FILE *out)
{
	bool printed = false, globals = false;
	struct prefix id;

	if (c->router_id_set) {
		prefix_set_v4(&id, c->router_id, 32);
		fputs("router-id ", out);
		print_addr(out, &id);
		fputc('\n', out);
		globals = true;
	}
	if (c->local_as != 0) {
		fprintf(out, "local-as %u\n", c->local_as);
		globals = true;
	}
	for (size_t i = 0; i < c->nlistens; i++) {
		fputs("listen on ", out);
		print_addr(out, &c->listens[i].addr);
		if (c->listens[i].port != CONF_DEFAULT_PORT)
			fprintf(out, " port %u", c->listens[i].port);
		fputc('\n', out);
		globals = true;
	}
	for (size_t i = 0; i < c->nsockets; i++) {
		fputs("socket ", out);
		conf_print_string(out, c->sockets[i].path);
		fputs(c->sockets[i].restricted ? " restricted\n" : "\n", out);
		globals = true;
	}
	if (c->state_file != NULL) {
		fputs("state-file ", out);
		conf_print_string(out, c->state_file);
		fputc('\n', out);
		globals = true;
	}
	if (c->socket_mode_set) {
		fprintf(out, "socket-mode %04o\n", c->socket_mode);
		globals = true;
	}
	if (c->socket_group != NULL) {
		fputs("socket-group ", out);
		print_word(out, c->socket_group);
		fputc('\n', out);
		globals = true;
	}
	if (c->max_clients_set) {
		fprintf(out, "max-clients %u\n", c->max_clients);
		globals = true;
	}
	if (c->vip_interface != NULL) {
		fprintf(out, "vip-interface %s\n", c->vip_interface);
		globals = true;
	}
	for (size_t i = 0; i < c->ntrack; i++) {
		fprintf(out, "track-interface %s\n", c->track[i]);
		globals = true;
	}
	for (size_t i = 0; i < c->nimports; i++) {
		fprintf(out, "import-addresses dev %s", c->imports[i].dev);
		if (c->imports[i].label != NULL) {
			fputs(" label ", out);
			print_word(out, c->imports[i].label);
		}
		fputc('\n', out);
		globals = true;
	}
	if (c->metrics_set) {
		char buf[PREFIX_STRLEN];
		bool v6 = c->metrics_addr.afi == AFI_IPV6;
		fprintf(out, "metrics listen %s%s%s:%u\n", v6 ? "[" : "",
		    addr_fmt(&c->metrics_addr, buf, sizeof(buf)),
		    v6 ? "]" : "", c->metrics_port);
		globals = true;
	}
	printed = globals;
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
