/*
 * fleet.c - the fleet's keys, host records and claiming rules (fleet.h).
 */
#include "fleet/fleet.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const folders[] = {
	[FLEET_K_HOST] = "hosts/",
	[FLEET_K_VIP] = "vips/",
	[FLEET_K_ANNOUNCER] = "announcers/",
};

bool fleet_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > FLEET_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		    *s == '-'))
			return false;
	return true;
}

size_t fleet_prefix(const char *cluster, char *buf, size_t size)
{
	int n = snprintf(buf, size, "/lbbgp/%s/", cluster);

	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

size_t fleet_key(const char *prefix, enum fleet_kind kind, const char *name,
    char *buf, size_t size)
{
	if (kind == FLEET_K_OTHER)
		return 0;
	int n = snprintf(buf, size, "%s%s%s", prefix, folders[kind], name);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

size_t fleet_key_addr(const char *prefix, enum fleet_kind kind,
    const struct prefix *a, char *buf, size_t size)
{
	char s[PREFIX_STRLEN];

	return fleet_key(prefix, kind, addr_fmt(a, s, sizeof(s)), buf, size);
}

enum fleet_kind fleet_key_parse(const char *prefix, const char *key,
    size_t keylen, char name[FLEET_NAME_MAX + 1], struct prefix *a)
{
	size_t pl = strlen(prefix);
	char s[PREFIX_STRLEN];

	name[0] = '\0';
	if (keylen <= pl || memcmp(key, prefix, pl) != 0)
		return FLEET_K_OTHER;
	key += pl;
	keylen -= pl;
	for (int k = FLEET_K_HOST; k <= FLEET_K_ANNOUNCER; k++) {
		size_t fl = strlen(folders[k]);
		if (keylen <= fl || memcmp(key, folders[k], fl) != 0)
			continue;
		size_t nl = keylen - fl;
		if (nl > FLEET_NAME_MAX || memchr(key + fl, '\0', nl))
			return FLEET_K_OTHER;
		memcpy(name, key + fl, nl);
		name[nl] = '\0';
		if (k == FLEET_K_HOST)
			return fleet_name_ok(name) ? FLEET_K_HOST :
			    FLEET_K_OTHER;
		/* One key per VIP: only the canonical spelling counts. */
		if (!addr_parse(name, a) ||
		    strcmp(addr_fmt(a, s, sizeof(s)), name) != 0)
			return FLEET_K_OTHER;
		return (enum fleet_kind)k;
	}
	return FLEET_K_OTHER;
}

/* ---- hosts/NODE ---------------------------------------------------------- */

static const char *const check_names[] = {
	[FLEET_CHECK_PENDING] = "pending",
	[FLEET_CHECK_UP] = "up",
	[FLEET_CHECK_DOWN] = "down",
};

const char *fleet_check_state_name(enum fleet_check_state s)
{
	return s <= FLEET_CHECK_DOWN ? check_names[s] : "pending";
}

char *fleet_host_encode(const struct fleet_host *h)
{
	json_object *o = json_object_new_object();
	json_object *c = json_object_new_object();

	json_object_object_add(o, "node", json_object_new_string(h->node));
	json_object_object_add(o, "router-id",
	    json_object_new_string(h->router_id));
	json_object_object_add(o, "version",
	    json_object_new_string(h->version));
	json_object_object_add(o, "started",
	    json_object_new_int64(h->started));
	for (size_t i = 0; i < h->nchecks; i++)
		json_object_object_add(c, h->checks[i].name,
		    json_object_new_string(fleet_check_state_name(
		    h->checks[i].state)));
	json_object_object_add(o, "checks", c);
	const char *s = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *out = s ? strdup(s) : NULL;
	json_object_put(o);
	return out;
}

static bool copy_str(json_object *o, const char *key, char *dst, size_t size)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    (size_t)json_object_get_string_len(v) >= size)
		return false;
	memcpy(dst, json_object_get_string(v),
	    (size_t)json_object_get_string_len(v) + 1);
	return true;
}

static int check_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fleet_check *)a)->name,
	    ((const struct fleet_check *)b)->name);
}

/* Parse JSON text of len bytes (not NUL-terminated) into an object. */
static json_object *parse_object(const char *json, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o;

	if (tok == NULL || len > INT32_MAX) {
		json_tokener_free(tok);
		return NULL;
	}
	o = json_tokener_parse_ex(tok, json, (int)len);
	if (o != NULL && (json_tokener_get_error(tok) !=
	    json_tokener_success || tok->char_offset != (int)len ||
	    !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

bool fleet_host_parse(const char *json, size_t len, struct fleet_host *h)
{
	json_object *o = parse_object(json, len), *c, *v;
	bool ok = false;

	memset(h, 0, sizeof(*h));
	if (o == NULL)
		return false;
	if (!copy_str(o, "node", h->node, sizeof(h->node)) ||
	    !fleet_name_ok(h->node) ||
	    !copy_str(o, "router-id", h->router_id, sizeof(h->router_id)) ||
	    !copy_str(o, "version", h->version, sizeof(h->version)) ||
	    !json_object_object_get_ex(o, "started", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    !json_object_object_get_ex(o, "checks", &c) ||
	    !json_object_is_type(c, json_type_object))
		goto out;
	h->started = json_object_get_int64(v);
	size_t n = (size_t)json_object_object_length(c);
	h->checks = calloc(n ? n : 1, sizeof(*h->checks));
	if (h->checks == NULL)
		goto out;
	json_object_object_foreach(c, name, st) {
		const char *s = json_object_is_type(st, json_type_string) ?
		    json_object_get_string(st) : "";
		struct fleet_check *k = &h->checks[h->nchecks];
		k->state = strcmp(s, "up") == 0 ? FLEET_CHECK_UP :
		    strcmp(s, "down") == 0 ? FLEET_CHECK_DOWN :
		    FLEET_CHECK_PENDING;
		if ((k->name = strdup(name)) == NULL)
			goto out;
		h->nchecks++;
	}
	qsort(h->checks, h->nchecks, sizeof(*h->checks), check_cmp);
	ok = true;
out:
	json_object_put(o);
	if (!ok)
		fleet_host_free(h);
	return ok;
}

void fleet_host_free(struct fleet_host *h)
{
	for (size_t i = 0; i < h->nchecks; i++)
		free(h->checks[i].name);
	free(h->checks);
	memset(h, 0, sizeof(*h));
}

enum fleet_check_state fleet_host_check(const struct fleet_host *h,
    const char *check)
{
	struct fleet_check key = { .name = (char *)check };
	const struct fleet_check *k = h->nchecks == 0 ? NULL :
	    bsearch(&key, h->checks, h->nchecks, sizeof(*h->checks),
	    check_cmp);

	return k ? k->state : FLEET_CHECK_PENDING;
}

size_t fleet_announcer_encode(const char *node, char *buf, size_t size)
{
	int n = snprintf(buf, size, "{\"node\":\"%s\"}", node);

	return fleet_name_ok(node) && n > 0 && (size_t)n < size ? (size_t)n :
	    0;
}

bool fleet_announcer_parse(const char *json, size_t len,
    char node[FLEET_NAME_MAX + 1])
{
	json_object *o = parse_object(json, len);
	bool ok = o != NULL && copy_str(o, "node", node, FLEET_NAME_MAX + 1) &&
	    fleet_name_ok(node);

	json_object_put(o);
	if (!ok)
		node[0] = '\0';
	return ok;
}

/* ---- claiming ------------------------------------------------------------ */

/* FNV-1a over the node name, a separator and the address bytes, then a
 * 64-bit finalizer (splitmix64) so that close names spread. */
uint64_t fleet_hrw(const char *node, const struct prefix *vip)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t alen = vip->afi == AFI_IPV6 ? 16 : 4;

	for (const unsigned char *p = (const unsigned char *)node; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	h = (h ^ 0xff) * 0x100000001b3ull;
	for (size_t i = 0; i < alen; i++)
		h = (h ^ vip->a[i]) * 0x100000001b3ull;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

size_t fleet_rank(const char *me, const char *const *cands, size_t n,
    const struct prefix *vip)
{
	uint64_t mine = fleet_hrw(me, vip);
	size_t ahead = 0;
	bool found = false;

	for (size_t i = 0; i < n; i++) {
		int c = strcmp(cands[i], me);
		if (c == 0) {
			found = true;
			continue;
		}
		uint64_t s = fleet_hrw(cands[i], vip);
		if (s > mine || (s == mine && c < 0))
			ahead++;
	}
	return found ? ahead : SIZE_MAX;
}

double fleet_claim_delay(size_t rank)
{
	return (double)rank * FLEET_CLAIM_STEP;
}

double fleet_one_deadline(unsigned lease)
{
	double d = (double)lease - 2;

	return d < lease / 2.0 ? lease / 2.0 : d;
}
