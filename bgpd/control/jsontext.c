/*
 * jsontext.c - JSON arrays held as text (jsontext.h).
 *
 * The elements are printed with the flags every control reply is printed
 * with (plain, no escaped slashes), whatever the flags the array itself
 * is printed with later: the text is JSON either way.
 */
#include "bgpd/control/jsontext.h"

#include <json-c/printbuf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define JTEXT_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

struct jtext {
	char *p;
	size_t len, cap;
	bool failed;
};

static bool jtext_put(struct jtext *t, const char *s, size_t n)
{
	if (t->len + n > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < t->len + n)
			cap *= 2;
		char *np = realloc(t->p, cap);
		if (np == NULL)
			return false;
		t->p = np;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	return true;
}

static int jtext_print(json_object *jso, struct printbuf *pb, int level,
    int flags)
{
	const struct jtext *t = json_object_get_userdata(jso);

	if (printbuf_memappend(pb, "[", 1) < 0)
		return -1;
	/* printbuf takes an int length. */
	for (size_t off = 0; off < t->len;) {
		size_t n = t->len - off > INT_MAX / 2 ? INT_MAX / 2 :
		    t->len - off;
		if (printbuf_memappend(pb, t->p + off, (int)n) < 0)
			return -1;
		off += n;
	}
	return printbuf_memappend(pb, "]", 1) < 0 ? -1 : 0;
}

static void jtext_free(json_object *jso, void *userdata)
{
	struct jtext *t = userdata;

	free(t->p);
	free(t);
}

json_object *jtext_array_new(void)
{
	json_object *arr = json_object_new_array();
	struct jtext *t = calloc(1, sizeof(*t));

	if (arr == NULL || t == NULL) {
		json_object_put(arr);
		free(t);
		return NULL;
	}
	json_object_set_serializer(arr, jtext_print, t, jtext_free);
	return arr;
}

bool jtext_array_add(json_object *arr, json_object *elem)
{
	struct jtext *t = json_object_get_userdata(arr);
	size_t n;
	bool ok = false;

	if (t != NULL && !t->failed && elem != NULL) {
		size_t old = t->len;
		const char *s = json_object_to_json_string_length(elem,
		    JTEXT_FLAGS, &n);
		ok = s != NULL && (old == 0 || jtext_put(t, ",", 1)) &&
		    jtext_put(t, s, n);
		if (!ok)
			t->len = old;	/* no dangling comma */
	}
	if (!ok && t != NULL)
		t->failed = true;
	json_object_put(elem);
	return ok;
}

bool jtext_array_ok(json_object *arr)
{
	const struct jtext *t = json_object_get_userdata(arr);

	return t != NULL && !t->failed;
}
