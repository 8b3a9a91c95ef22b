/*
 * values.c - the parser's messages and its checks of single values:
 * numbers, yes/no, addresses, AS numbers, names and strings.  One place,
 * so every statement words the same problem the same way.
 */
#include "conf/parse_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- messages ---- */

void conf_p_err(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_msg_addv(p->l, true, p->line, p->prefix, fmt, ap);
	va_end(ap);
}

void conf_p_warn(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_msg_addv(p->l, false, p->line, p->prefix, fmt, ap);
	va_end(ap);
}

/* A bad value: "hold-time: 2 is out of range; usage: hold-time ...". */
void conf_p_bad(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *what = conf_xvasprintf(fmt, ap);
	va_end(ap);
	conf_p_err(p, "%s: %s; usage: %s", p->kw->name, what, p->kw->usage);
	free(what);
}

/* A bad value whose message already says the fix: no usage line. */
void conf_p_bad_fix(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *what = conf_xvasprintf(fmt, ap);
	va_end(ap);
	conf_p_err(p, "%s: %s", p->kw->name, what);
	free(what);
}

/* ---- values: one place for numbers, yes/no, addresses, names ---- */

/* what: the option the value belongs to ("restart-time"), or NULL. */
bool conf_v_opt_num(struct parser *p, const char *what, const struct tok *t,
    uint64_t lo, uint64_t hi, uint64_t *out)
{
	const char *sp = what ? " " : "";
	uint64_t v;

	if (what == NULL)
		what = "";
	if (!conf_num_parse(t->text, &v)) {
		conf_p_bad(p, "%s%s\"%s\" is not a number", what, sp, t->text);
		return false;
	}
	if (v < lo || v > hi) {
		conf_p_bad(p, "%s%s%s is out of range", what, sp, t->text);
		return false;
	}
	*out = v;
	return true;
}

bool conf_v_num(struct parser *p, const struct tok *t, uint64_t lo,
    uint64_t hi, uint64_t *out)
{
	return conf_v_opt_num(p, NULL, t, lo, hi, out);
}

bool conf_v_u16(struct parser *p, const struct tok *t, unsigned lo,
    unsigned hi, uint16_t *out)
{
	uint64_t v;

	if (!conf_v_num(p, t, lo, hi, &v))
		return false;
	*out = (uint16_t)v;
	return true;
}

bool conf_v_bool(struct parser *p, const struct tok *t, bool *out)
{
	if (strcmp(t->text, "yes") == 0)
		*out = true;
	else if (strcmp(t->text, "no") == 0)
		*out = false;
	else {
		conf_p_bad(p, "\"%s\" is neither yes nor no", t->text);
		return false;
	}
	return true;
}

bool conf_v_addr(struct parser *p, const struct tok *t, unsigned afi,
    struct prefix *out)
{
	struct prefix a;

	if (!addr_parse(t->text, &a)) {
		if (strchr(t->text, '/') != NULL)
			conf_p_bad(p, "%s is a prefix; give a single address",
			    t->text);
		else
			conf_p_bad(p, "\"%s\" is not an IP address", t->text);
		return false;
	}
	if (afi != AFI_NONE && a.afi != afi) {
		conf_p_bad(p, "%s is an %s address", t->text,
		    a.afi == AFI_IPV6 ? "IPv6" : "IPv4");
		return false;
	}
	*out = a;
	return true;
}

bool conf_v_asn(struct parser *p, const struct tok *t, uint32_t *out)
{
	uint64_t v;

	if (asn_parse(t->text, out))
		return true;
	const char *dot = strchr(t->text, '.');
	char hi[24];
	uint64_t lo;

	if (strcmp(t->text, "0") == 0 || strcmp(t->text, "0.0") == 0)
		conf_p_bad(p, "AS 0 is reserved and never valid (RFC 7607)");
	else if (conf_num_parse(t->text, &v))
		conf_p_bad(p, "AS %s is out of range", t->text);
	else if (dot != NULL && (size_t)(dot - t->text) < sizeof(hi) &&
	    snprintf(hi, sizeof(hi), "%.*s", (int)(dot - t->text),
	    t->text) > 0 && conf_num_parse(hi, &v) &&
	    conf_num_parse(dot + 1, &lo))
		conf_p_bad(p, "asdot AS %s is out of range: each half is "
		    "0..65535", t->text);
	else
		conf_p_bad(p, "\"%s\" is not an AS number", t->text);
	return false;
}

bool conf_v_name(struct parser *p, const struct tok *t)
{
	if (conf_name_ok(t->text))
		return true;
	conf_p_bad(p, "\"%s\" is not a valid name: use letters, digits, _ . "
	    "and -, starting with a letter or digit", t->text);
	return false;
}

_Static_assert(CONF_KEYNAME_MAX == 63, "CONF_KEYNAME_RULE says 63");

bool conf_v_keyname(struct parser *p, const struct tok *t)
{
	size_t n = strlen(t->text);

	if (conf_keyname_ok(t->text))
		return true;
	if (n > CONF_KEYNAME_MAX)
		conf_p_bad(p, "\"%.20s...\" is %zu characters long, more than "
		    "%d", t->text, n, CONF_KEYNAME_MAX);
	else
		conf_p_bad(p, "\"%s\" is not a valid name: it becomes part of "
		    "etcd keys, so use " CONF_KEYNAME_RULE, t->text);
	return false;
}

bool conf_v_string(struct parser *p, const struct tok *t, size_t min,
    size_t max)
{
	size_t n = strlen(t->text);

	if (n < min) {
		conf_p_bad(p, "the value is empty");
		return false;
	}
	if (n > max) {
		conf_p_bad(p, "\"%.20s...\" is %zu bytes long, more than %zu",
		    t->text, n, max);
		return false;
	}
	return true;
}

void conf_set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = conf_xstrdup(s);
}

bool conf_v_ifname(struct parser *p, const struct tok *t)
{
	const char *s = t->text;
	size_t n = strlen(s);

	if (n == 0 || n >= CONF_IFNAMSIZ) {
		conf_p_bad(p, "\"%s\" is not an interface name: 1 to %d "
		    "characters", s, CONF_IFNAMSIZ - 1);
		return false;
	}
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0 ||
	    strpbrk(s, "/: \t\"") != NULL) {
		conf_p_bad(p, "\"%s\" is not an interface name: no /, : or "
		    "spaces", s);
		return false;
	}
	return true;
}

/* Seconds as written, "2", "0.5" or "1.25": at most three decimals, so a
 * value is a whole number of milliseconds and prints back the same. */
bool conf_v_msec(struct parser *p, const struct tok *t, uint64_t lo,
    uint64_t hi, uint32_t *out)
{
	const char *s = t->text, *dot = strchr(s, '.');
	char whole[24];
	uint64_t sec, frac = 0;
	size_t wl = dot ? (size_t)(dot - s) : strlen(s);
	size_t fl = dot ? strlen(dot + 1) : 0;

	if (wl == 0 || wl >= sizeof(whole) || (dot && fl == 0)) {
		conf_p_bad(p, "\"%s\" is not a number of seconds", s);
		return false;
	}
	memcpy(whole, s, wl);
	whole[wl] = '\0';
	if (!conf_num_parse(whole, &sec) || (dot != NULL &&
	    !conf_num_parse(dot + 1, &frac))) {
		conf_p_bad(p, "\"%s\" is not a number of seconds", s);
		return false;
	}
	if (fl > 3) {
		conf_p_bad(p, "%s has more than 3 decimals", s);
		return false;
	}
	for (size_t i = fl; i < 3; i++)
		frac *= 10;
	uint64_t ms = sec > UINT64_MAX / 1000 - 1000 ? UINT64_MAX :
	    sec * 1000 + frac;
	if (ms < lo || ms > hi) {
		conf_p_bad(p, "%s is out of range", s);
		return false;
	}
	*out = (uint32_t)ms;
	return true;
}

bool conf_v_path(struct parser *p, const struct tok *t, size_t max)
{
	if (!conf_v_string(p, t, 1, max))
		return false;
	if (t->text[0] != '/') {
		conf_p_bad(p, "\"%s\" is not an absolute path; write it from "
		    "/", t->text);
		return false;
	}
	return true;
}

/* ---- URLs: a check's http and the fleet's etcd endpoints ---- */

#define URL_MAX		2048

/* The port of an authority, pl bytes at port: 1..65535. */
static bool url_port(struct parser *p, const char *url, const char *port,
    size_t pl, uint16_t *out)
{
	char buf[8];
	uint64_t v;

	if (pl == 0 || pl >= sizeof(buf)) {
		conf_p_bad(p, "\"%s\" has a bad port", url);
		return false;
	}
	memcpy(buf, port, pl);
	buf[pl] = '\0';
	if (!conf_num_parse(buf, &v) || v < 1 || v > 65535) {
		conf_p_bad(p, "\"%s\" has a bad port: use 1..65535", url);
		return false;
	}
	*out = (uint16_t)v;
	return true;
}

/* The authority of a URL, [USER@]HOST[:PORT], has a host and a good
 * port; h is its text, hl its length.  Fills in u's host and port. */
static bool url_authority(struct parser *p, const char *url, const char *h,
    size_t hl, struct url_parts *u)
{
	const char *at = NULL, *port = NULL;
	size_t l;

	for (size_t i = 0; i < hl; i++)
		if (h[i] == '@')
			at = h + i;
	if (at != NULL) {
		u->userinfo = true;
		hl -= (size_t)(at + 1 - h);
		h = at + 1;
	}
	if (hl > 0 && h[0] == '[') {
		const char *close = memchr(h, ']', hl);
		if (close == NULL || close == h + 1 ||
		    (close + 1 < h + hl && close[1] != ':')) {
			conf_p_bad(p, "\"%s\" has a bad [IPv6] host", url);
			return false;
		}
		l = (size_t)(close + 1 - h);
		if (l < hl)
			port = close + 2;
	} else {
		const char *colon = memchr(h, ':', hl);
		l = colon ? (size_t)(colon - h) : hl;
		if (colon != NULL)
			port = colon + 1;
	}
	if (l == 0) {
		conf_p_bad(p, "\"%s\" has no host", url);
		return false;
	}
	u->host = h;
	u->hostlen = l;
	return port == NULL ||
	    url_port(p, url, port, (size_t)(h + hl - port), &u->port);
}

bool conf_v_url(struct parser *p, const struct tok *t, struct url_parts *u)
{
	const char *s = t->text, *h;

	memset(u, 0, sizeof(*u));
	if (!conf_v_string(p, t, 1, URL_MAX))
		return false;
	if (strncmp(s, "http://", 7) == 0) {
		h = s + 7;
	} else if (strncmp(s, "https://", 8) == 0) {
		h = s + 8;
		u->tls = true;
	} else {
		conf_p_bad(p, "\"%s\" does not start with http:// or "
		    "https://", s);
		return false;
	}
	if (strpbrk(s, " \t") != NULL) {
		conf_p_bad_fix(p, "\"%s\" has a space; write it as %%20", s);
		return false;
	}
	size_t hl = strcspn(h, "/?#");
	u->rest = h + hl;
	return url_authority(p, s, h, hl, u);
}
