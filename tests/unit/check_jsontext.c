/*
 * check_jsontext.c - unit tests for bgpd/control/jsontext.c: a text array prints
 * as the json-c array of the same elements would, inside any reply, with
 * the flags of the control socket; an empty one prints []; the elements'
 * references are dropped as they are added.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/control/jsontext.h"
#include "tests/unit/unit.h"

#define FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* Element i, as the show commands make them: objects, arrays, strings
 * that need escaping, a slash. */
static json_object *elem(int i)
{
	json_object *o = json_object_new_object();
	json_object *a = json_object_new_array();
	char s[64];

	snprintf(s, sizeof(s), "10.0.%d.%d/32 \"q\" \\ \xc3\xa9", i / 256,
	    i % 256);
	json_object_object_add(o, "prefix", json_object_new_string(s));
	for (int k = 0; k < i % 3; k++)
		json_object_array_add(a, json_object_new_int(k));
	json_object_object_add(o, "list", a);
	json_object_object_add(o, "flag", json_object_new_boolean(i & 1));
	return o;
}

/* A reply with a tree array and one with a text array print the same. */
static void same(int n)
{
	json_object *tree = json_object_new_object();
	json_object *text = json_object_new_object();
	json_object *ta = json_object_new_array();
	json_object *xa = jtext_array_new();

	ck_assert_ptr_nonnull(xa);
	json_object_object_add(tree, "ok", json_object_new_boolean(1));
	json_object_object_add(text, "ok", json_object_new_boolean(1));
	for (int i = 0; i < n; i++) {
		json_object_array_add(ta, elem(i));
		json_object *e = elem(i);
		json_object_get(e);
		ck_assert(jtext_array_add(xa, e));
		/* Only our own reference is left. */
		ck_assert_int_eq(json_object_put(e), 1);
	}
	ck_assert(jtext_array_ok(xa));
	json_object_object_add(tree, "vips", ta);
	json_object_object_add(text, "vips", xa);
	ck_assert_str_eq(json_object_to_json_string_ext(text, FLAGS),
	    json_object_to_json_string_ext(tree, FLAGS));
	/* Printed again, and with other flags: still valid, same value. */
	ck_assert_str_eq(json_object_to_json_string_ext(text, FLAGS),
	    json_object_to_json_string_ext(tree, FLAGS));
	json_object *back = json_tokener_parse(json_object_to_json_string_ext(
	    text, JSON_C_TO_STRING_PRETTY));
	ck_assert_ptr_nonnull(back);
	ck_assert(json_object_equal(back, tree));
	json_object_put(back);
	json_object_put(tree);
	json_object_put(text);
}

START_TEST(empty)
{
	same(0);
}
END_TEST

START_TEST(one)
{
	same(1);
}
END_TEST

START_TEST(many)
{
	same(5000);
}
END_TEST

START_TEST(null_element)
{
	json_object *xa = jtext_array_new();

	ck_assert(jtext_array_add(xa, elem(1)));
	ck_assert(!jtext_array_add(xa, NULL));
	ck_assert(!jtext_array_ok(xa));
	/* What was added before the failure is still a valid array. */
	json_object *back = json_tokener_parse(json_object_to_json_string_ext(
	    xa, FLAGS));
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq((int)json_object_array_length(back), 1);
	json_object_put(back);
	/* A later add fails too. */
	ck_assert(!jtext_array_add(xa, elem(2)));
	json_object_put(xa);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jsontext");
	TCase *tc = unit_tcase(s, "jsontext");
	tcase_add_test(tc, empty);
	tcase_add_test(tc, one);
	tcase_add_test(tc, many);
	tcase_add_test(tc, null_element);
	return unit_run(s);
}
