/*
 * complete.c - words for shell completion: "bgpctl -C neighbors" prints
 * the neighbor names lbbgpd knows, one per line; likewise pools, vips,
 * owners and checks.  Hidden and for contrib/bash-completion/bgpctl only: it
 * prints nothing but words, and skips any a shell could not take as one
 * word (spaces, quotes, control bytes), so a completion never breaks on
 * what a daemon sends.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "bgpctl/bgpctl.h"
#include "util/buf.h"

struct word_list {
	const char *what;	/* the argument of -C */
	const char *cmd;	/* the request */
	const char *list;	/* the reply's array */
	const char *key;	/* each element's word; NULL: owners */
};

static const struct word_list lists[] = {
	{ "neighbors",	"show-neighbors", "neighbors",	"name" },
	{ "pools",	"show-pools",	"pools",	"name" },
	{ "vips",	"show-vips",	"vips",		"vip" },
	{ "owners",	"show-vips",	"vips",		NULL },
	{ "checks",	"show-checks",	"checks",	"name" },
};
#define NLISTS (NELEM(lists))

static const struct word_list *find(const char *what)
{
	for (size_t i = 0; i < NLISTS; i++)
		if (strcmp(lists[i].what, what) == 0)
			return &lists[i];
	return NULL;
}

const char *complete_cmd(const char *what)
{
	const struct word_list *l = find(what);

	return l != NULL ? l->cmd : NULL;
}

/* One shell word: no blanks, quotes, backslashes, glob characters or
 * control bytes. */
static bool safe(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s == 0x7f ||
		    strchr("\"'\\`$*?[", *s) != NULL)
			return false;
	return true;
}

/* Print a string member once: seen is a set of the words printed. */
static void put_word(json_object *seen, json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return;
	const char *w = json_object_get_string(v);
	if (!safe(w) || json_object_object_get_ex(seen, w, NULL))
		return;
	json_object_object_add(seen, w, NULL);
	printf("%s\n", w);
}

void complete_print(json_object *reply, const char *what)
{
	const struct word_list *l = find(what);
	json_object *arr, *seen = json_object_new_object();

	if (l == NULL || !json_object_object_get_ex(reply, l->list, &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		json_object_put(seen);
		return;
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i), *owners;
		if (!json_object_is_type(e, json_type_object))
			continue;
		if (l->key != NULL) {
			put_word(seen, e, l->key);
			continue;
		}
		if (!json_object_object_get_ex(e, "owners", &owners) ||
		    !json_object_is_type(owners, json_type_array))
			continue;
		for (size_t k = 0; k < json_object_array_length(owners); k++) {
			json_object *o = json_object_array_get_idx(owners, k);
			if (json_object_is_type(o, json_type_object))
				put_word(seen, o, "owner");
		}
	}
	json_object_put(seen);
}
