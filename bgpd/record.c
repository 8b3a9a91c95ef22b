/*
 * record.c - a VIP's record: the whole run-time state of one VIP (its pool
 * and run-time owners) as one JSON object, the line of the state file and
 * the value of the fleet's vips/ADDRESS key in etcd (docs/FLEET.md).
 *
 * Only the text and the RIB: no files, no sockets.
 */
#include "bgpd/record.h"

#include <stdio.h>
#include <string.h>

#include "conf/conf.h"

/* A JSON string.  Owners come through the control socket as valid UTF-8;
 * control characters are escaped so the line parses. */
static void json_str(struct buf *b, const char *s)
{
	buf_append(b, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			buf_append(b, esc, 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			buf_append(b, esc, 6);
		} else {
			buf_append(b, (const char *)p, 1);
		}
	}
	buf_append(b, "\"", 1);
}

/* One owner: name, key, check and communities as the RIB holds them. */
static void put_owner(struct buf *b, bool first, const char *name,
    const char *key, const char *check, const uint32_t *comm, size_t ncomm)
{
	char c[32];

	buf_puts(b, first ? "{\"owner\":" : ",{\"owner\":");
	json_str(b, name);
	if (key != NULL) {
		buf_puts(b, ",\"sharing-key\":");
		json_str(b, key);
	}
	if (check != NULL) {
		buf_puts(b, ",\"check\":");
		json_str(b, check);
	}
	if (ncomm > 0) {
		buf_puts(b, ",\"communities\":[");
		for (size_t j = 0; j < ncomm; j++) {
			buf_puts(b, j ? ",\"" : "\"");
			buf_puts(b, community_fmt(comm[j], c, sizeof(c)));
			buf_puts(b, "\"");
		}
		buf_puts(b, "]");
	}
	buf_puts(b, "}");
}

void record_put_change(struct buf *b, const struct rib *r,
    const struct prefix *a, const char *pool, const struct vip_req *add,
    const char *drop)
{
	const struct vip *v = rib_vip_find(r, a);
	const struct conf *c = rib_conf(r);
	char s[PREFIX_STRLEN];
	bool first = true;

	buf_puts(b, "{\"vip\":\"");
	buf_puts(b, addr_fmt(a, s, sizeof(s)));
	buf_puts(b, "\"");
	if (v != NULL)
		pool = c->pools[v->pool].name;
	if (pool != NULL) {
		buf_puts(b, ",\"pool\":");
		json_str(b, pool);
	}
	buf_puts(b, ",\"owners\":[");
	for (uint32_t i = 0; v != NULL && i < v->nowners; i++) {
		const struct vip_owner *o = vip_owner(v, i);
		if (o->is_static || (add && strcmp(o->name, add->owner) == 0) ||
		    (drop && strcmp(o->name, drop) == 0))
			continue;
		put_owner(b, first, o->name, o->key, o->check ?
		    c->checks[o->check - 1].name : NULL, o->comm, o->ncomm);
		first = false;
	}
	if (add != NULL)
		put_owner(b, first, add->owner, add->sharing_key, add->check,
		    add->communities, add->ncommunities);
	buf_puts(b, "]}\n");
}

void record_put(struct buf *b, const struct rib *r, const struct prefix *a)
{
	record_put_change(b, r, a, NULL, NULL, NULL);
}

const char *record_str(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A record as it must look: {"vip": address, "owners": [...], ...}. */
bool record_parse(json_object *rec, struct prefix *a)
{
	json_object *owners;
	const char *vip = record_str(rec, "vip");

	return json_object_is_type(rec, json_type_object) && vip != NULL &&
	    addr_parse(vip, a) &&
	    json_object_object_get_ex(rec, "owners", &owners) &&
	    json_object_is_type(owners, json_type_array);
}

static bool parse_communities(json_object *o, uint32_t *out, size_t max,
    size_t *n)
{
	json_object *arr;

	*n = 0;
	if (!json_object_object_get_ex(o, "communities", &arr))
		return true;
	if (!json_object_is_type(arr, json_type_array) ||
	    json_object_array_length(arr) > max)
		return false;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *c = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(c, json_type_string) ||
		    !community_parse(json_object_get_string(c), &out[i]))
			return false;
	}
	*n = json_object_array_length(arr);
	return true;
}

/*
 * Add one owner of a record to the RIB.  -1: the owner is malformed;
 * 0: refused (res says why); 1: added.
 */
int record_add_owner(struct rib *r, json_object *rec, const struct prefix *a,
    json_object *o, struct rib_res *res)
{
	uint32_t comm[RECORD_MAX_COMMUNITIES];
	size_t ncomm = 0;
	const char *owner = record_str(o, "owner");
	struct vip_req req = {
		.owner = owner,
		.pool = record_str(rec, "pool"),
		.sharing_key = record_str(o, "sharing-key"),
		.communities = comm,
		.check = record_str(o, "check"),
	};

	if (owner == NULL || !parse_communities(o, comm, RECORD_MAX_COMMUNITIES,
	    &ncomm))
		return -1;
	req.ncommunities = ncomm;
	/* The pool may have been renamed, or its ranges moved to another:
	 * the pool holding the address will do. */
	const struct conf_pool *pool = req.pool ?
	    conf_pool_by_name(rib_conf(r), req.pool) : NULL;
	if (pool == NULL || !conf_pool_contains(pool, a))
		req.pool = NULL;
	return rib_vip_add(r, a, &req, res) ? 1 : 0;
}

bool record_lists(json_object *owners, const char *name)
{
	for (size_t i = 0; i < json_object_array_length(owners); i++) {
		const char *o = record_str(json_object_array_get_idx(owners, i),
		    "owner");
		if (o != NULL && strcmp(o, name) == 0)
			return true;
	}
	return false;
}


void record_drop_unlisted(struct rib *r, const struct prefix *a,
    json_object *owners)
{
	const struct vip *v;
	bool again = true;

	while (again && (v = rib_vip_find(r, a)) != NULL) {
		again = false;
		for (uint32_t i = 0; i < v->nowners; i++) {
			const struct vip_owner *o = vip_owner(v, i);
			struct rib_res res;
			if (o->is_static || record_lists(owners, o->name))
				continue;
			rib_vip_withdraw(r, a, o->name, &res);
			again = true;	/* v may have moved or gone */
			break;
		}
	}
}
