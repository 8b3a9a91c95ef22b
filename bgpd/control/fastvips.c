/*
 * fastvips.c - the "vips" array of a big request, read without json-c
 * (see fastvips.h).  A scanner just good enough to find the top-level
 * members of one JSON object; json-c still checks everything else.
 */
#include "bgpd/control/fastvips.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct scan {
	const char *s;
	size_t len, i;
};

static void ws(struct scan *c)
{
	while (c->i < c->len && (c->s[c->i] == ' ' || c->s[c->i] == '\t' ||
	    c->s[c->i] == '\n' || c->s[c->i] == '\r'))
		c->i++;
}

static bool eat(struct scan *c, char ch)
{
	ws(c);
	if (c->i >= c->len || c->s[c->i] != ch)
		return false;
	c->i++;
	return true;
}

/* A string without escapes at c->i: its contents [*from, *to). */
static bool plain_string(struct scan *c, size_t *from, size_t *to)
{
	if (!eat(c, '"'))
		return false;
	*from = c->i;
	for (; c->i < c->len; c->i++) {
		unsigned char ch = (unsigned char)c->s[c->i];
		if (ch == '"') {
			*to = c->i++;
			return true;
		}
		if (ch == '\\' || ch < 0x20)
			return false;
	}
	return false;
}

/* Skip any JSON value; false on what this scanner does not follow. */
static bool skip_value(struct scan *c)
{
	size_t depth = 0;
	bool in_str = false;

	ws(c);
	if (c->i >= c->len)
		return false;
	char first = c->s[c->i];
	if (first != '"' && first != '{' && first != '[') {
		/* A number or a literal: up to the next delimiter. */
		while (c->i < c->len && !strchr(",}] \t\r\n", c->s[c->i]))
			c->i++;
		return true;
	}
	for (; c->i < c->len; c->i++) {
		char ch = c->s[c->i];
		if (in_str) {
			if (ch == '\\')
				c->i++;
			else if (ch == '"')
				in_str = false;
			else
				continue;
			if (depth == 0 && !in_str) {
				c->i++;
				return true;
			}
			continue;
		}
		if (ch == '"')
			in_str = true;
		else if (ch == '{' || ch == '[')
			depth++;
		else if ((ch == '}' || ch == ']') && --depth == 0) {
			c->i++;
			return true;
		}
	}
	return false;
}

static bool read_array(struct scan *c, struct fastvips *out)
{
	size_t cap = 0;

	if (!eat(c, '['))
		return false;
	for (;;) {
		size_t from, to;
		char buf[64];
		if (!plain_string(c, &from, &to) || to - from >= sizeof(buf))
			return false;
		memcpy(buf, c->s + from, to - from);
		buf[to - from] = '\0';
		if (out->n == cap) {
			cap = cap ? cap * 2 : 1024;
			struct prefix *nv = realloc(out->vips,
			    cap * sizeof(*nv));
			if (nv == NULL)
				return false;
			out->vips = nv;
		}
		if (!addr_parse(buf, &out->vips[out->n]))
			return false;
		out->n++;
		if (eat(c, ']'))
			return true;
		if (!eat(c, ','))
			return false;
	}
}

bool fastvips_split(const char *line, size_t len, struct fastvips *out)
{
	struct scan c = { line, len, 0 };
	size_t arr_from = 0, arr_to = 0;
	bool found = false;

	memset(out, 0, sizeof(*out));
	if (!eat(&c, '{'))
		goto fail;
	if (eat(&c, '}'))
		goto fail;
	for (;;) {
		size_t kf, kt;
		if (!plain_string(&c, &kf, &kt) || !eat(&c, ':'))
			goto fail;
		if (kt - kf == 4 && memcmp(line + kf, "vips", 4) == 0) {
			if (found)
				goto fail;	/* json-c says what it keeps */
			found = true;
			ws(&c);
			arr_from = c.i;
			if (!read_array(&c, out))
				goto fail;
			arr_to = c.i;
		} else if (!skip_value(&c)) {
			goto fail;
		}
		if (eat(&c, '}'))
			break;
		if (!eat(&c, ','))
			goto fail;
	}
	ws(&c);
	if (!found || c.i != len)
		goto fail;
	out->rest_len = arr_from + 2 + (len - arr_to);
	out->rest = malloc(out->rest_len + 1);
	if (out->rest == NULL)
		goto fail;
	memcpy(out->rest, line, arr_from);
	memcpy(out->rest + arr_from, "[]", 2);
	memcpy(out->rest + arr_from + 2, line + arr_to, len - arr_to);
	out->rest[out->rest_len] = '\0';
	return true;
fail:
	fastvips_free(out);
	return false;
}

void fastvips_free(struct fastvips *f)
{
	free(f->vips);
	free(f->rest);
	memset(f, 0, sizeof(*f));
}
