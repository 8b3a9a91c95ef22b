/*
 * output.c - bgpctl's text renderers: turn a successful lbbgpd reply
 * (docs/control-protocol.md) into OpenBGPD-style tables and blocks.
 *
 * Renderers only read the reply and write stdout.  They must not
 * trust its shape: a missing or mistyped field prints as "-", and every
 * string the daemon relays (owners, shutdown communications) is printed
 * with control bytes escaped.  -j output never comes through here.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgpctl/bgpctl.h"
#include "util/buf.h"

#define DAY	86400
#define MAX_AGE	1e12		/* seconds; beyond, a "since" is nonsense */

/* ---- reading the reply ---------------------------------------------- */

static json_object *jget(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool jint(json_object *o, const char *key, int64_t *out)
{
	json_object *v = jget(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

/* A number, integer or not: times since 1970 come with fractions. */
static bool jnum(json_object *o, const char *key, double *out)
{
	json_object *v = jget(o, key);

	if (v == NULL || (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int)))
		return false;
	*out = json_object_get_double(v);
	return true;
}

static size_t jlen(json_object *arr)
{
	if (arr == NULL || !json_object_is_type(arr, json_type_array))
		return 0;
	return json_object_array_length(arr);
}

/* A counter as text, "-" when absent; counters may use all 64 bits. */
static const char *fmt_count(json_object *o, const char *key, char *buf,
    size_t size)
{
	json_object *v = jget(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_int))
		return "-";
	snprintf(buf, size, "%" PRIu64, json_object_get_uint64(v));
	return buf;
}

/* OpenBGPD's habit: 00:01:02 below a day, 1d02h03m above. */
static const char *fmt_secs(int64_t t, char *buf, size_t size)
{
	if (t < 0)
		t = 0;
	if (t < DAY)
		snprintf(buf, size, "%02d:%02d:%02d", (int)(t / 3600),
		    (int)(t / 60 % 60), (int)(t % 60));
	else
		snprintf(buf, size, "%" PRId64 "d%02dh%02dm", t / DAY,
		    (int)(t / 3600 % 24), (int)(t / 60 % 60));
	return buf;
}

/* A number of seconds, such as how long a session has been up. */
static const char *fmt_duration(json_object *o, const char *key, char *buf,
    size_t size)
{
	int64_t t;

	if (!jint(o, key, &t))
		return "-";
	return fmt_secs(t, buf, size);
}

/*
 * How long ago a time in seconds since 1970 was, shown as fmt_duration
 * shows a number of seconds; a time a little ahead of this host's
 * clock shows as 00:00:00.
 */
static const char *fmt_age(json_object *o, const char *key, char *buf,
    size_t size)
{
	struct timespec now;
	double t, age;

	if (!jnum(o, key, &t))
		return "-";
	clock_gettime(CLOCK_REALTIME, &now);
	age = (double)now.tv_sec + now.tv_nsec / 1e9 - t;
	if (!(age < MAX_AGE))
		return "-";
	return fmt_secs(age > 0 ? (int64_t)age : 0, buf, size);
}

static const char *fmt_bool(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_boolean))
		return "-";
	return json_object_get_boolean(v) ? "yes" : "no";
}

/* A flag: true only when the member is the boolean true. */
static bool jtrue(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v != NULL && json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v);
}

/* Growable string, for joined lists. */
struct str {
	char	*p;
	size_t	 len, cap;
};

static void str_add(struct str *s, const char *add)
{
	size_t n = strlen(add);

	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 64;
		while (cap < s->len + n + 1)
			cap *= 2;
		s->p = xrealloc(s->p, cap);
		s->cap = cap;
	}
	memcpy(s->p + s->len, add, n + 1);
	s->len += n;
}

/* Array elements as text; strings as they are, anything else as JSON. */
static const char *elem_text(json_object *v)
{
	if (v == NULL)
		return "null";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

static void str_join(struct str *s, json_object *arr, const char *sep)
{
	for (size_t i = 0; i < jlen(arr); i++) {
		if (s->len > 0)
			str_add(s, sep);
		str_add(s, elem_text(json_object_array_get_idx(arr, i)));
	}
}

/* "key value, key value" of an object: {"ttl": 2} or {"web": "up"}. */
static void pairs_text(struct str *s, json_object *obj)
{
	if (obj == NULL || !json_object_is_type(obj, json_type_object))
		return;
	json_object_object_foreach(obj, key, val) {
		if (s->len > 0)
			str_add(s, ", ");
		str_add(s, key);
		str_add(s, " ");
		str_add(s, elem_text(val));
	}
}

/* ---- safe strings --------------------------------------------------- */

/* Control bytes as \xNN, so a peer's shutdown text cannot drive the tty. */
static size_t safe_copy(char *dst, const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f) {
			if (dst)
				snprintf(dst + n, 5, "\\x%02x", c);
			n += 4;
		} else {
			if (dst)
				dst[n] = (char)c;
			n++;
		}
	}
	if (dst)
		dst[n] = '\0';
	return n;
}

static char *safe_dup(const char *s)
{
	char *p = xcalloc(1, safe_copy(NULL, s) + 1);

	safe_copy(p, s);
	return p;
}

void put_safe(FILE *f, const char *s)
{
	char *p = safe_dup(s ? s : "-");

	fputs(p, f);
	free(p);
}

static void pr(const char *s)
{
	put_safe(stdout, s);
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* ---- tables --------------------------------------------------------- */

/*
 * A table collects its cells, then prints them in columns as wide as
 * their widest cell, two spaces apart; the last column is not padded.
 */
struct table {
	size_t		 ncols;
	const char	*const *head;
	const char	*align;		/* 'l' or 'r' per column */
	char		**cell;
	size_t		 ncells, cap;
};

static void table_init(struct table *t, size_t ncols, const char *const *head,
    const char *align)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->head = head;
	t->align = align;
}

/* Append one cell; rows fill left to right.  NULL shows as "-". */
static void table_add(struct table *t, const char *s)
{
	if (t->ncells == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cell = xrealloc(t->cell, t->cap * sizeof(*t->cell));
	}
	t->cell[t->ncells++] = safe_dup(s ? s : "-");
}

static void put_cell(const char *s, size_t w, char align, bool last)
{
	size_t pad = w - width(s);

	if (align == 'r')
		printf("%*s%s", (int)pad, "", s);
	else if (last)
		fputs(s, stdout);
	else
		printf("%s%*s", s, (int)pad, "");
	fputs(last ? "\n" : "  ", stdout);
}

static void table_print(struct table *t)
{
	size_t *w = xcalloc(t->ncols, sizeof(*w));

	for (size_t c = 0; c < t->ncols; c++)
		w[c] = width(t->head[c]);
	for (size_t i = 0; i < t->ncells; i++) {
		size_t n = width(t->cell[i]);
		if (n > w[i % t->ncols])
			w[i % t->ncols] = n;
	}
	for (size_t c = 0; c < t->ncols; c++)
		put_cell(t->head[c], w[c], t->align[c], c + 1 == t->ncols);
	for (size_t i = 0; i < t->ncells; i++) {
		size_t c = i % t->ncols;
		put_cell(t->cell[i], w[c], t->align[c], c + 1 == t->ncols);
		free(t->cell[i]);
	}
	/* A row left short by a bug still ends its line. */
	if (t->ncells % t->ncols)
		putchar('\n');
	free(t->cell);
	free(w);
}

/* A table of one row per element of arr, which row fills. */
static void table_rows(json_object *arr, size_t ncols,
    const char *const *head, const char *align,
    void (*row)(struct table *, json_object *))
{
	struct table t;

	table_init(&t, ncols, head, align);
	for (size_t i = 0; i < jlen(arr); i++)
		row(&t, json_object_array_get_idx(arr, i));
	table_print(&t);
}

/* ---- show summary --------------------------------------------------- */

/*
 * "Fleet lb-west, node lb1: live", and "(etcd: why)" while etcd does
 * not answer: the first line of show fleet, the last of show summary.
 */
static void fleet_line(json_object *f)
{
	const char *err = jstr(f, "error");

	printf("Fleet ");
	pr(jstr(f, "cluster"));
	printf(", node ");
	pr(jstr(f, "node"));
	printf(": ");
	pr(jstr(f, "state"));
	if (err != NULL) {
		printf(" (etcd: ");
		pr(err);
		printf(")");
	}
	printf("\n");
}

void render_summary(json_object *r, const struct args *a)
{
	static const char *const head[] = { "Neighbor", "AS", "MsgRcvd",
	    "MsgSent", "OutQ", "Up/Down", "State/PfxSent" };
	json_object *ns = jget(r, "neighbors");
	json_object *fleet = jget(r, "fleet");
	struct table t;

	table_init(&t, 7, head, "lrrrrll");
	for (size_t i = 0; i < jlen(ns); i++) {
		json_object *n = json_object_array_get_idx(ns, i);
		json_object *msgs = jget(n, "messages");
		const char *state = jstr(n, "state");
		char b[6][32], st[64];
		json_object *down = jget(n, "admin-down");

		table_add(&t, jstr(n, "name"));
		table_add(&t, fmt_count(n, "remote-as", b[0], sizeof(b[0])));
		table_add(&t, fmt_count(jget(msgs, "received"), "total",
		    b[1], sizeof(b[1])));
		table_add(&t, fmt_count(jget(msgs, "sent"), "total",
		    b[2], sizeof(b[2])));
		table_add(&t, fmt_count(n, "outq", b[3], sizeof(b[3])));
		table_add(&t, fmt_duration(n, "since", b[4], sizeof(b[4])));
		if (state != NULL && strcmp(state, "Established") == 0)
			table_add(&t, fmt_count(jget(n, "prefixes"),
			    "announced", b[5], sizeof(b[5])));
		else {
			snprintf(st, sizeof(st), "%s%s", state ? state : "-",
			    json_object_get_boolean(down) ?
			    " (admin down)" : "");
			table_add(&t, st);
		}
	}
	table_print(&t);
	/* Below the table, so that its header stays the first line. */
	if (fleet != NULL && json_object_is_type(fleet, json_type_object)) {
		printf("\n");
		fleet_line(fleet);
	}
}

/* ---- show neighbor -------------------------------------------------- */

static const struct {
	const char	*key, *label;
} cap_names[] = {
	{ "ipv4-unicast",		"IPv4 unicast" },
	{ "ipv6-unicast",		"IPv6 unicast" },
	{ "4-octet-as",			"4-octet AS numbers" },
	{ "route-refresh",		"Route refresh" },
	{ "enhanced-route-refresh",	"Enhanced route refresh" },
	{ "extended-message",		"Extended messages" },
	{ "extended-next-hop",		"IPv4 with IPv6 next hops (RFC 8950)" },
	{ "graceful-restart",		"Graceful restart" },
	{ "peer-graceful-restart",	"Graceful restart (peer)" },
	{ "graceful-notification",
	    "Graceful restart after NOTIFICATIONs (RFC 8538)" },
	{ "peer-graceful-notification",
	    "Graceful restart after NOTIFICATIONs (peer)" },
}, msg_names[] = {
	{ "open",		"Opens" },
	{ "update",		"Updates" },
	{ "notification",	"Notifications" },
	{ "keepalive",		"Keepalives" },
	{ "route-refresh",	"Route refresh" },
	{ "total",		"Total" },
};

static const char *label(const char *key, bool caps)
{
	size_t n = caps ? NELEM(cap_names) :
	    NELEM(msg_names);

	for (size_t i = 0; i < n; i++) {
		if (caps && strcmp(cap_names[i].key, key) == 0)
			return cap_names[i].label;
		if (!caps && strcmp(msg_names[i].key, key) == 0)
			return msg_names[i].label;
	}
	return key;
}

static void print_caps(json_object *caps)
{
	bool any = false;

	if (caps == NULL || !json_object_is_type(caps, json_type_object))
		return;
	printf("  Negotiated capabilities:\n");
	json_object_object_foreach(caps, key, val) {
		if (!json_object_get_boolean(val))
			continue;
		printf("    %s\n", label(key, true));
		any = true;
	}
	if (!any)
		printf("    none\n");
}

static void print_messages(json_object *msgs)
{
	json_object *rcvd = jget(msgs, "received");
	json_object *sent = jget(msgs, "sent");
	char b1[32], b2[32];

	if (rcvd == NULL || !json_object_is_type(rcvd, json_type_object))
		return;
	printf("\n  Message statistics:\n");
	printf("  %-16s %10s %10s\n", "", "Sent", "Received");
	json_object_object_foreach(rcvd, key, val) {
		(void)val;
		printf("  %-16s %10s %10s\n", label(key, false),
		    fmt_count(sent, key, b1, sizeof(b1)),
		    fmt_count(rcvd, key, b2, sizeof(b2)));
	}
}

/* "Cease/Administrative Reset (6/4)", or the numbers when unnamed. */
static void print_err(json_object *e)
{
	const char *err = jstr(e, "error");
	int64_t code = 0, sub = 0;

	if (err != NULL)
		pr(err);
	else if (jint(e, "code", &code) && jint(e, "subcode", &sub))
		printf("code %" PRId64 ", subcode %" PRId64, code, sub);
	else
		printf("unknown");
}

static void print_notification(const char *what, json_object *e)
{
	const char *text = jstr(e, "text");
	json_object *hr = jget(e, "hard-reset");
	char b[32];

	if (e == NULL)
		return;
	printf("  Last error %s: ", what);
	print_err(e);
	/* RFC 8538: the NOTIFICATION a Hard Reset stood for */
	if (hr != NULL) {
		printf(" for ");
		print_err(hr);
	}
	if (jget(e, "ago") != NULL)
		printf(", %s ago", fmt_duration(e, "ago", b, sizeof(b)));
	printf("\n");
	if (text != NULL) {
		printf("    Shutdown communication: \"");
		pr(text);
		printf("\"\n");
	}
}

static void neighbor_block(json_object *n)
{
	json_object *pfx = jget(n, "prefixes");
	const char *state = jstr(n, "state"), *type = jstr(n, "type");
	const char *desc = jstr(n, "description");
	char b[8][32];
	bool up = state != NULL && strcmp(state, "Established") == 0;
	bool open = jget(n, "remote-id") != NULL;

	printf("BGP neighbor is ");
	pr(jstr(n, "name"));
	printf(", address ");
	pr(jstr(n, "address"));
	printf(" port %s, remote AS %s\n",
	    fmt_count(n, "port", b[0], sizeof(b[0])),
	    fmt_count(n, "remote-as", b[1], sizeof(b[1])));
	if (desc != NULL) {
		printf(" Description: ");
		pr(desc);
		printf("\n");
	}
	printf("  Type %s, local AS %s\n", type == NULL ? "-" :
	    strcmp(type, "ibgp") == 0 ? "iBGP" :
	    strcmp(type, "ebgp") == 0 ? "eBGP" : type,
	    fmt_count(n, "local-as", b[2], sizeof(b[2])));
	printf("  BGP state = ");
	pr(state);
	printf(", %s for %s\n", json_object_get_boolean(jget(n,
	    "admin-down")) ? "administratively down" : up ? "up" : "down",
	    fmt_duration(n, "since", b[3], sizeof(b[3])));
	if (jget(n, "bfd") != NULL) {
		printf("  BFD state = ");
		pr(jstr(n, "bfd"));
		printf("\n");
	}
	if (open) {
		printf("  Remote router-id ");
		pr(jstr(n, "remote-id"));
		printf(", local address ");
		pr(jstr(n, "local-address"));
		printf("\n");
	}
	printf("  Hold time %s s, keepalive interval %s s (%s)\n",
	    fmt_count(n, "hold-time", b[4], sizeof(b[4])),
	    fmt_count(n, "keepalive", b[5], sizeof(b[5])),
	    open ? "negotiated" : "configured");
	print_caps(jget(n, "capabilities"));
	print_messages(jget(n, "messages"));
	printf("\n  Prefixes received %s, treat-as-withdraw %s\n",
	    fmt_count(pfx, "received", b[0], sizeof(b[0])),
	    fmt_count(pfx, "treat-as-withdraw", b[2], sizeof(b[2])));
	printf("  Prefixes announced %s, pending %s\n",
	    fmt_count(pfx, "announced", b[3], sizeof(b[3])),
	    fmt_count(pfx, "pending", b[4], sizeof(b[4])));
	printf("  Output queue %s bytes, %s flaps\n",
	    fmt_count(n, "outq", b[5], sizeof(b[5])),
	    fmt_count(n, "flaps", b[6], sizeof(b[6])));
	if (jget(n, "last-error-sent") || jget(n, "last-error-received"))
		printf("\n");
	print_notification("sent", jget(n, "last-error-sent"));
	print_notification("received", jget(n, "last-error-received"));
	json_object *notes = jget(n, "notes");
	if (notes != NULL && json_object_is_type(notes, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(notes); i++) {
			json_object *t = json_object_array_get_idx(notes, i);
			printf("  Note: ");
			pr(json_object_is_type(t, json_type_string) ?
			    json_object_get_string(t) : NULL);
			printf("\n");
		}
	}
}

void render_neighbors(json_object *r, const struct args *a)
{
	json_object *ns = jget(r, "neighbors");

	for (size_t i = 0; i < jlen(ns); i++) {
		if (i > 0)
			printf("\n");
		neighbor_block(json_object_array_get_idx(ns, i));
	}
}

/* ---- show vips, show pools ------------------------------------------ */

/* Has any element of the array the member key? */
static bool any_has(json_object *arr, const char *key)
{
	for (size_t i = 0; i < jlen(arr); i++)
		if (jget(json_object_array_get_idx(arr, i), key) != NULL)
			return true;
	return false;
}

/* "NAME", "NAME (static)", "NAME (check web)", "NAME (static, check web)". */
static void owner_text(struct str *s, json_object *o)
{
	const char *name = jstr(o, "owner"), *check = jstr(o, "check");

	str_add(s, name ? name : "-");
	if (json_object_get_boolean(jget(o, "static")))
		str_add(s, check != NULL ? " (static, check " : " (static)");
	else if (check != NULL)
		str_add(s, " (check ");
	if (check != NULL) {
		str_add(s, check);
		str_add(s, ")");
	}
}

/* The fleet's hosts that announce a VIP: "lb1,lb2", "none" or "-". */
static void announced_by(struct table *t, json_object *hosts)
{
	struct str s = { 0 };

	if (hosts == NULL || !json_object_is_type(hosts, json_type_array)) {
		table_add(t, NULL);
		return;
	}
	str_join(&s, hosts, ",");
	table_add(t, s.p != NULL ? s.p : "none");
	free(s.p);
}

void render_vips(json_object *r, const struct args *a)
{
	const char *head[7] = { "VIP", "Pool" };
	char align[8] = "";
	size_t ncols = 2;
	json_object *vips = jget(r, "vips");
	/* Without checks, drains and a fleet the table looks as it always
	 * did. */
	bool health = any_has(vips, "health"), drain = any_has(vips, "drain");
	bool by = any_has(vips, "announced-by");
	struct table t;

	if (health)
		head[ncols++] = "Health";
	if (drain)
		head[ncols++] = "Drain";
	if (by)
		head[ncols++] = "Announced by";
	head[ncols++] = "Owners";
	head[ncols++] = "Routes";
	memset(align, 'l', ncols);
	table_init(&t, ncols, head, align);
	for (size_t i = 0; i < jlen(vips); i++) {
		json_object *v = json_object_array_get_idx(vips, i);
		json_object *owners = jget(v, "owners");
		json_object *routes = jget(v, "routes");
		struct str s = { 0 };

		for (size_t j = 0; j < jlen(owners); j++) {
			if (j > 0)
				str_add(&s, ", ");
			owner_text(&s, json_object_array_get_idx(owners, j));
		}
		table_add(&t, jstr(v, "vip"));
		table_add(&t, jstr(v, "pool"));
		if (health)
			table_add(&t, jstr(v, "health"));
		if (drain)
			table_add(&t, jstr(v, "drain"));
		if (by)
			announced_by(&t, jget(v, "announced-by"));
		table_add(&t, s.p);
		free(s.p);
		if (jlen(routes) == 0)
			table_add(&t, NULL);
		/* One line per route; the first shares the VIP's line. */
		for (size_t j = 0; j < jlen(routes); j++) {
			json_object *rt = json_object_array_get_idx(routes, j);
			const char *prefix = jstr(rt, "prefix");
			struct str l = { 0 }, peers = { 0 };

			for (size_t k = 0; j > 0 && k + 1 < ncols; k++)
				table_add(&t, "");
			str_join(&peers, jget(rt, "peers"), ",");
			str_add(&l, prefix ? prefix : "-");
			str_add(&l, " -> ");
			str_add(&l, peers.p ? peers.p : "none");
			table_add(&t, l.p);
			free(l.p);
			free(peers.p);
		}
	}
	table_print(&t);

	/* Records of the state file the config no longer allows. */
	json_object *orphans = jget(r, "orphans");
	for (size_t i = 0; i < jlen(orphans); i++) {
		json_object *o = json_object_array_get_idx(orphans, i);
		json_object *owners = jget(o, "owners");
		if (i == 0)
			printf("\nOrphaned (kept in the state file, not "
			    "announced):\n");
		printf("  ");
		pr(jstr(o, "vip"));
		for (size_t j = 0; j < jlen(owners); j++) {
			printf(j == 0 ? " owner " : ", ");
			pr(jstr(json_object_array_get_idx(owners, j), "owner"));
		}
		printf(": ");
		pr(jstr(o, "orphaned"));
		printf("\n");
	}
}

void render_pools(json_object *r, const struct args *a)
{
	static const char *const head[] = { "Pool", "Size", "Used", "Free",
	    "Auto-assign", "Addresses" };
	json_object *pools = jget(r, "pools");
	struct table t;

	table_init(&t, 6, head, "lrrrll");
	for (size_t i = 0; i < jlen(pools); i++) {
		json_object *p = json_object_array_get_idx(pools, i);
		struct str s = { 0 };
		char b[3][32];

		str_join(&s, jget(p, "addresses"), ", ");
		table_add(&t, jstr(p, "name"));
		table_add(&t, fmt_count(p, "size", b[0], sizeof(b[0])));
		table_add(&t, fmt_count(p, "used", b[1], sizeof(b[1])));
		table_add(&t, fmt_count(p, "free", b[2], sizeof(b[2])));
		table_add(&t, fmt_bool(p, "auto-assign"));
		table_add(&t, s.p);
		free(s.p);
	}
	table_print(&t);
}

/* ---- show checks ---------------------------------------------------- */

/* The newest probe result: its reason and latency, "http 200 1.2ms". */
static void last_text(struct str *s, json_object *last)
{
	const char *why = jstr(last, "reason");
	double latency;
	char b[32];

	if (why == NULL)
		why = jstr(last, "result");
	str_add(s, why != NULL ? why : "-");
	if (jnum(last, "latency", &latency)) {
		snprintf(b, sizeof(b), " %.1fms", latency * 1000);
		str_add(s, b);
	}
}

/* The consecutive results so far: "ok 14" or "fail 2". */
static const char *fmt_streak(json_object *c, char *buf, size_t size)
{
	int64_t n;

	if (jint(c, "passes", &n) && n > 0)
		snprintf(buf, size, "ok %" PRId64, n);
	else if (jint(c, "fails", &n) && n > 0)
		snprintf(buf, size, "fail %" PRId64, n);
	else
		return "-";
	return buf;
}

void render_checks(json_object *r, const struct args *a)
{
	static const char *const head[] = { "Check", "Kind", "State", "Since",
	    "Last", "Streak", "VIPs", "Target" };
	json_object *checks = jget(r, "checks");
	struct table t;

	/* The target last, as it is the longest: a URL or a command. */
	table_init(&t, NELEM(head), head, "llllllrl");
	for (size_t i = 0; i < jlen(checks); i++) {
		json_object *c = json_object_array_get_idx(checks, i);
		json_object *last = jget(c, "last");
		const char *state = jstr(c, "state");
		bool pending = state != NULL && strcmp(state, "pending") == 0;
		struct str s = { 0 };
		char b[3][32];

		table_add(&t, jstr(c, "name"));
		table_add(&t, jstr(c, "kind"));
		table_add(&t, state);
		table_add(&t, pending ? NULL :
		    fmt_age(c, "since", b[0], sizeof(b[0])));
		if (last != NULL)
			last_text(&s, last);
		table_add(&t, s.p);
		free(s.p);
		table_add(&t, fmt_streak(c, b[1], sizeof(b[1])));
		table_add(&t, fmt_count(c, "vips", b[2], sizeof(b[2])));
		table_add(&t, jstr(c, "target"));
	}
	table_print(&t);
}

/* ---- show bfd ------------------------------------------------------- */

/* "A/B" of two counters, "-" for either that is missing. */
static const char *fmt_pair(json_object *o, const char *k1, const char *k2,
    char *buf, size_t size)
{
	char b1[32], b2[32];

	snprintf(buf, size, "%s/%s", fmt_count(o, k1, b1, sizeof(b1)),
	    fmt_count(o, k2, b2, sizeof(b2)));
	return buf;
}

/* The sum of the counters of a {"reason": n} object. */
static uint64_t drop_sum(json_object *dropped)
{
	uint64_t n = 0;

	if (dropped == NULL || !json_object_is_type(dropped, json_type_object))
		return 0;
	json_object_object_foreach(dropped, key, val) {
		(void)key;
		if (json_object_is_type(val, json_type_int))
			n += json_object_get_uint64(val);
	}
	return n;
}


void render_bfd(json_object *r, const struct args *a)
{
	static const char *const head[] = { "Neighbor", "State", "Remote",
	    "Discr local/remote", "TX/RX ms", "Detect ms", "Up/Down", "Downs",
	    "In", "Out", "Dropped", "Diagnostic" };
	json_object *sessions = jget(r, "bfd");
	struct table t;
	struct str s = { 0 };

	table_init(&t, NELEM(head), head, "lllrrrlrrrrl");
	for (size_t i = 0; i < jlen(sessions); i++) {
		json_object *o = json_object_array_get_idx(sessions, i);
		json_object *pk = jget(o, "packets");
		char b[8][48];

		table_add(&t, jstr(o, "neighbor"));
		table_add(&t, jstr(o, "state"));
		table_add(&t, jstr(o, "remote-state"));
		table_add(&t, fmt_pair(o, "local-discriminator",
		    "remote-discriminator", b[0], sizeof(b[0])));
		table_add(&t, fmt_pair(o, "tx-interval", "rx-interval", b[1],
		    sizeof(b[1])));
		table_add(&t, fmt_count(o, "detect-time", b[2], sizeof(b[2])));
		table_add(&t, fmt_age(o, "since", b[3], sizeof(b[3])));
		table_add(&t, fmt_count(o, "down-count", b[4], sizeof(b[4])));
		table_add(&t, fmt_count(pk, "received", b[5], sizeof(b[5])));
		table_add(&t, fmt_count(pk, "sent", b[6], sizeof(b[6])));
		snprintf(b[7], sizeof(b[7]), "%" PRIu64,
		    drop_sum(jget(o, "dropped")));
		table_add(&t, b[7]);
		table_add(&t, jstr(o, "diagnostic"));
	}
	table_print(&t);
	/* Datagrams no session owns too (unknown sources, bad TTL). */
	pairs_text(&s, jget(r, "dropped"));
	if (s.len > 0) {
		printf("\nDropped in all: ");
		pr(s.p);
		printf("\n");
	}
	free(s.p);
}

/* ---- show fleet ----------------------------------------------------- */

/* What etcd and this host's lease say, under the first line. */
static void fleet_status(json_object *f)
{
	const char *lease = jstr(f, "lease");
	double ago;
	char b[2][32];

	/* While etcd has no leader no lease can expire, so the announce
	 * one VIPs stay announced (docs/FLEET.md, Failure). */
	if (jtrue(f, "no-leader"))
		printf("  etcd has no leader: no lease expires until it "
		    "elects one\n");
	if (jtrue(f, "withheld"))
		printf("  Keep-alives failing: this host's announce one VIPs "
		    "are withdrawn\n");
	printf("  Revision %s, watch ",
	    fmt_count(f, "revision", b[0], sizeof(b[0])));
	pr(jstr(f, "watch"));
	printf("\n");
	if (lease == NULL) {
		printf("  No lease\n");
		return;
	}
	printf("  Lease ");
	pr(lease);
	printf(", ttl %s s", fmt_count(f, "lease-ttl", b[1], sizeof(b[1])));
	if (jnum(f, "lease-renewed-ago", &ago))
		printf(", renewed %.1f s ago", ago);
	printf("\n");
}

static void endpoint_row(struct table *t, json_object *e)
{
	char b[32];

	table_add(t, jstr(e, "url"));
	table_add(t, jtrue(e, "current") ? "*" : "");
	table_add(t, fmt_bool(e, "ok"));
	table_add(t, fmt_count(e, "failures", b, sizeof(b)));
	table_add(t, jstr(e, "last-error"));
}

/* A live host, as its hosts/NODE key says; this one marked "*". */
static void host_row(struct table *t, json_object *h)
{
	const char *node = jstr(h, "node");
	struct str name = { 0 }, checks = { 0 };
	char b[32];

	str_add(&name, node != NULL ? node : "-");
	if (jtrue(h, "self"))
		str_add(&name, "*");
	pairs_text(&checks, jget(h, "checks"));
	table_add(t, name.p);
	table_add(t, jstr(h, "router-id"));
	table_add(t, jstr(h, "version"));
	table_add(t, fmt_age(h, "started", b, sizeof(b)));
	table_add(t, checks.p);
	free(name.p);
	free(checks.p);
}

/* A VIP of an announce one pool and the host that announces it. */
static void one_vip_row(struct table *t, json_object *v)
{
	table_add(t, jstr(v, "vip"));
	/* null: vacant, the live hosts are electing one */
	table_add(t, jstr(v, "announcer"));
}

void render_fleet(json_object *r, const struct args *a)
{
	static const char *const ep_head[] = { "Endpoint", "Current", "OK",
	    "Failures", "Last error" };
	static const char *const host_head[] = { "Node", "Router ID",
	    "Version", "Up", "Checks" };
	static const char *const vip_head[] = { "VIP", "Announcer" };
	json_object *f = jget(r, "fleet");
	json_object *vips = jget(f, "one-vips");

	fleet_line(f);
	fleet_status(f);
	printf("\n");
	table_rows(jget(f, "endpoints"), NELEM(ep_head), ep_head, "lllrl",
	    endpoint_row);
	printf("\n");
	table_rows(jget(f, "hosts"), NELEM(host_head), host_head, "lllll",
	    host_row);
	/* Without announce one pools, no table rather than an empty one. */
	if (jlen(vips) > 0) {
		printf("\n");
		table_rows(vips, NELEM(vip_head), vip_head, "ll", one_vip_row);
	}
}

/* ---- show rib ------------------------------------------------------- */

static void rib_table(json_object *routes)
{
	const char *head[7] = { "Prefix", "Next hop", "AS path",
	    "Communities" };
	char align[8] = "llll";
	size_t ncols = 4;
	bool lp = any_has(routes, "local-pref");
	bool med = any_has(routes, "med");
	struct table t;

	/* LOCAL_PREF exists on iBGP sessions only; MED when set. */
	if (lp) {
		head[ncols] = "Local-pref";
		align[ncols++] = 'r';
	}
	if (med) {
		head[ncols] = "MED";
		align[ncols++] = 'r';
	}
	align[ncols] = '\0';
	table_init(&t, ncols, head, align);
	for (size_t i = 0; i < jlen(routes); i++) {
		json_object *rt = json_object_array_get_idx(routes, i);
		json_object *path = jget(rt, "as-path");
		struct str s = { 0 };
		char b[2][32];

		table_add(&t, jstr(rt, "prefix"));
		table_add(&t, jstr(rt, "next-hop"));
		if (path != NULL && json_object_is_type(path, json_type_array))
			str_join(&s, path, " ");
		else if (path != NULL)
			str_add(&s, elem_text(path));
		table_add(&t, s.len ? s.p : NULL);
		s.len = 0;
		str_join(&s, jget(rt, "communities"), " ");
		str_join(&s, jget(rt, "large-communities"), " ");
		table_add(&t, s.len ? s.p : NULL);
		free(s.p);
		if (lp)
			table_add(&t, fmt_count(rt, "local-pref", b[0],
			    sizeof(b[0])));
		if (med)
			table_add(&t, fmt_count(rt, "med", b[1], sizeof(b[1])));
	}
	table_print(&t);
}

void render_rib(json_object *r, const struct args *a)
{
	json_object *rib = jget(r, "rib");

	for (size_t i = 0; i < jlen(rib); i++) {
		json_object *e = json_object_array_get_idx(rib, i);
		json_object *routes = jget(e, "routes");
		const char *dir = jstr(e, "dir");
		size_t n = jlen(routes);

		if (i > 0)
			printf("\n");
		printf("Neighbor ");
		pr(jstr(e, "neighbor"));
		printf(", %s: %zu route%s\n", dir != NULL &&
		    strcmp(dir, "in") == 0 ? "received (Adj-RIB-In)" :
		    "announced (Adj-RIB-Out)", n, n == 1 ? "" : "s");
		if (n > 0)
			rib_table(routes);
	}
}

/* ---- show metrics and the commands that change state ---------------- */

void render_metrics(json_object *r, const struct args *a)
{
	const char *text = jstr(r, "text");
	size_t n;

	if (text == NULL)
		return;
	/* Already OpenMetrics: verbatim, control bytes and all. */
	n = strlen(text);
	fwrite(text, 1, n, stdout);
	if (n > 0 && text[n - 1] != '\n')
		putchar('\n');
}

/* "192.0.2.1 added, now announced" or "3 VIPs added, 2 newly announced". */
static void render_change(json_object *r, const struct args *a,
    const char *field, const char *verb, const char *yes, const char *no,
    const char *many)
{
	int64_t n;
	bool counted = jint(r, field, &n);

	if (a->nvips == 1) {
		pr(a->vips[0]);
		printf(" %s", verb);
		if (counted)
			printf(", %s", n > 0 ? yes : no);
	} else {
		printf("%zu VIPs %s", a->nvips, verb);
		if (counted)
			printf(", %" PRId64 " %s", n, many);
	}
	printf("\n");
}

void render_add(json_object *r, const struct args *a)
{
	render_change(r, a, "added", "added", "now announced",
	    "already announced", "newly announced");
}

void render_withdraw(json_object *r, const struct args *a)
{
	render_change(r, a, "withdrawn", "withdrawn", "no longer announced",
	    "still announced for other owners", "no longer announced");
}

/* "drained 2 VIPs", "undrained 1 VIP": the verb is the command's. */
void render_drain(json_object *r, const struct args *a)
{
	int64_t n;

	printf("%sed", a->cmd->cmd);
	if (jint(r, "changed", &n))
		printf(" %" PRId64 " VIP%s", n, n == 1 ? "" : "s");
	printf("\n");
}

void render_allocate(json_object *r, const struct args *a)
{
	/* Only the address, so that scripts can capture it. */
	pr(jstr(r, "vip"));
	printf("\n");
}

void render_neighbor_action(json_object *r, const struct args *a)
{
	static const struct {
		const char *action, *done;
	} done[] = {
		{ "up",		"session enabled" },
		{ "down",	"session taken down" },
		{ "clear",	"session cleared" },
		{ "refresh",	"route refresh requested" },
	};
	const char *what = "request processed";

	for (size_t i = 0; i < NELEM(done); i++)
		if (strcmp(done[i].action, a->action) == 0)
			what = done[i].done;
	printf("neighbor ");
	pr(a->name);
	printf(": %s\n", what);
}

/* Each {"name","why"} of a list as "neighbor NAME: WHAT (WHY)". */
static void reload_neighbors(json_object *nb, const char *key, const char *what)
{
	json_object *arr = jget(nb, key);

	for (size_t i = 0; i < jlen(arr); i++) {
		json_object *n = json_object_array_get_idx(arr, i);
		printf("neighbor ");
		pr(jstr(n, "name"));
		printf(": %s", what);
		if (jstr(n, "why") != NULL) {
			printf(" (");
			pr(jstr(n, "why"));
			printf(" changed)");
		}
		printf("\n");
	}
}

/* "pool NAME: added" and so on, for each name of each list. */
static void reload_blocks(json_object *o, const char *kind)
{
	static const char *const lists[] = { "added", "removed", "changed" };

	for (size_t l = 0; l < 3; l++) {
		json_object *arr = jget(o, lists[l]);
		for (size_t i = 0; i < jlen(arr); i++) {
			printf("%s ", kind);
			pr(json_object_get_string(
			    json_object_array_get_idx(arr, i)));
			printf(": %s\n", lists[l]);
		}
	}
}

/* Each {"vip","owner"[,"error"]} as "VIP v of o WHAT[error]". */
static void reload_vips(json_object *arr, const char *what)
{
	for (size_t i = 0; i < jlen(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		printf("VIP ");
		pr(jstr(o, "vip"));
		printf(" of ");
		pr(jstr(o, "owner"));
		printf("%s", what);
		if (jstr(o, "error") != NULL)
			pr(jstr(o, "error"));
		printf("\n");
	}
}

void render_reload(json_object *r, const struct args *a)
{
	json_object *nb = jget(r, "neighbors");
	json_object *arr;

	printf("configuration ");
	pr(jstr(r, "file"));
	printf(" reloaded; %zu neighbors kept as they were\n",
	    jlen(jget(nb, "kept")));
	reload_neighbors(nb, "reset", "session started again");
	reload_neighbors(nb, "added", "added");
	reload_neighbors(nb, "removed", "removed");
	reload_blocks(jget(r, "pools"), "pool");
	reload_blocks(jget(r, "advertisements"), "advertisement");
	reload_vips(jget(r, "orphaned"), " withdrawn, kept as orphaned: ");
	reload_vips(jget(r, "restored"), " announced again: no longer "
	    "orphaned");
	arr = jget(r, "warnings");
	for (size_t i = 0; i < jlen(arr); i++) {
		pr(json_object_get_string(json_object_array_get_idx(arr, i)));
		printf("\n");
	}
}
