/*
 * jsontext.c - JSON arrays held as text (jsontext.h).
 *
 * The elements are printed with the flags every control reply is printed
 * with (plain, no escaped slashes), whatever the flags the array itself
 * is printed with later: the text is JSON either way.  The text is a
 * struct buf (util/buf.h), the array's userdata.
 */
#include "bgpd/control/jsontext.h"

#include <json-c/printbuf.h>
#include <limits.h>
#include <stdlib.h>

#include "util/buf.h"

#define JTEXT_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static int jtext_print(json_object *jso, struct printbuf *pb, int level,
    int flags)
{
	const struct buf *t = json_object_get_userdata(jso);
	size_t len = buf_used(t);

	if (printbuf_memappend(pb, "[", 1) < 0)
		return -1;
	/* printbuf takes an int length. */
	for (size_t off = 0; off < len;) {
		size_t n = len - off > INT_MAX / 2 ? INT_MAX / 2 : len - off;
		if (printbuf_memappend(pb, buf_data(t) + off, (int)n) < 0)
			return -1;
		off += n;
	}
	return printbuf_memappend(pb, "]", 1) < 0 ? -1 : 0;
}

static void jtext_free(json_object *jso, void *userdata)
{
	struct buf *t = userdata;

	buf_free(t);
	free(t);
}

json_object *jtext_array_new(void)
{
	json_object *arr = json_object_new_array();
	struct buf *t = malloc(sizeof(*t));

	if (arr == NULL || t == NULL) {
		json_object_put(arr);
		free(t);
		return NULL;
	}
	*t = BUF_INIT;
	json_object_set_serializer(arr, jtext_print, t, jtext_free);
	return arr;
}

bool jtext_array_add(json_object *arr, json_object *elem)
{
	struct buf *t = json_object_get_userdata(arr);
	size_t n;
	bool ok = false;

	if (t != NULL && !t->failed && elem != NULL) {
		bool comma = buf_used(t) > 0;
		const char *s = json_object_to_json_string_length(elem,
		    JTEXT_FLAGS, &n);
		/* Room for both first: no dangling comma. */
		ok = s != NULL && buf_reserve(t, comma + n);
		if (ok) {
			if (comma)
				buf_putc(t, ',');
			buf_append(t, s, n);
		}
	}
	if (!ok && t != NULL)
		t->failed = true;
	json_object_put(elem);
	return ok;
}

bool jtext_array_ok(json_object *arr)
{
	const struct buf *t = json_object_get_userdata(arr);

	return t != NULL && !t->failed;
}
