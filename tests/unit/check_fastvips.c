/*
 * check_fastvips.c - unit tests for bgpd/control/fastvips.c: which lines it takes
 * (and then exactly the addresses, and the rest of the line with [] in
 * the array's place), and which it leaves to json-c whole.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/control/fastvips.h"
#include "tests/unit/unit.h"

static const struct {
	const char *line;
	const char *rest;	/* NULL: left to json-c */
	const char *vips;	/* the addresses, space-separated */
} rows[] = {
	{ "{\"cmd\":\"add\",\"vips\":[\"10.0.0.1\",\"2001:db8::1\"]}",
	  "{\"cmd\":\"add\",\"vips\":[]}", "10.0.0.1 2001:db8::1" },
	{ " { \"vips\" : [ \"10.0.0.1\" ,\t\"10.0.0.2\" ] , \"owner\": "
	  "\"a\\\"]}\" } ",
	  " { \"vips\" : [] , \"owner\": \"a\\\"]}\" } ", "10.0.0.1 10.0.0.2" },
	/* Other members of every kind are skipped, "vips" inside them is
	 * not the array. */
	{ "{\"x\":{\"vips\":[1,{\"y\":\"]\"}]},\"n\":-1.5e3,\"t\":true,"
	  "\"z\":null,\"vips\":[\"192.0.2.1\"],\"a\":[\"vips\"]}",
	  "{\"x\":{\"vips\":[1,{\"y\":\"]\"}]},\"n\":-1.5e3,\"t\":true,"
	  "\"z\":null,\"vips\":[],\"a\":[\"vips\"]}", "192.0.2.1" },
	/* Left to json-c: it reports these (or takes them) as it always
	 * did. */
	{ "{\"vips\":[]}", NULL, NULL },
	{ "{\"vips\":[\"10.0.0.1\",]}", NULL, NULL },
	{ "{\"vips\":[\"10.0.0.256\"]}", NULL, NULL },
	{ "{\"vips\":[\"10.0.0.\\u0031\"]}", NULL, NULL },
	{ "{\"vips\":[10]}", NULL, NULL },
	{ "{\"vips\":\"10.0.0.1\"}", NULL, NULL },
	{ "{\"vips\":[\"10.0.0.1\"],\"vips\":[\"10.0.0.2\"]}", NULL, NULL },
	{ "{\"vi\\u0070s\":[\"10.0.0.1\"]}", NULL, NULL },
	{ "{\"cmd\":\"add\"}", NULL, NULL },
	{ "{\"vips\":[\"10.0.0.1\"]} x", NULL, NULL },
	{ "{\"vips\":[\"10.0.0.1\"]", NULL, NULL },
	{ "[\"vips\",[\"10.0.0.1\"]]", NULL, NULL },
	{ "{\"a\":\"unterminated, \"vips\":[\"10.0.0.1\"]}", NULL, NULL },
	{ "{\"vips\":[\"10.0.0.1\"]}}", NULL, NULL },
	{ "{\"vips\":[\"                                                   "
	  "                 10.0.0.1\"]}", NULL, NULL },
	{ "", NULL, NULL },
};

START_TEST(split_table)
{
	struct fastvips fv;
	const char *line = rows[_i].line;
	bool ok = fastvips_split(line, strlen(line), &fv);

	ck_assert_msg(ok == (rows[_i].rest != NULL), "row %d: %s", _i, line);
	if (!ok) {
		ck_assert_ptr_null(fv.vips);
		ck_assert_ptr_null(fv.rest);
		return;
	}
	ck_assert_str_eq(fv.rest, rows[_i].rest);
	ck_assert_uint_eq(fv.rest_len, strlen(rows[_i].rest));
	char got[256] = "";
	for (size_t i = 0; i < fv.n; i++) {
		char a[PREFIX_STRLEN];
		prefix_fmt(&fv.vips[i], a, sizeof(a));
		char *slash = strchr(a, '/');
		if (slash != NULL)
			*slash = '\0';
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
		    i ? " " : "", a);
	}
	ck_assert_str_eq(got, rows[_i].vips);
	fastvips_free(&fv);
}
END_TEST

/* 100,000 addresses: all of them, in order. */
START_TEST(split_big)
{
	enum { N = 100000 };
	char *line = malloc(N * 20 + 64), *p = line;
	struct fastvips fv;

	p += sprintf(p, "{\"cmd\":\"withdraw\",\"vips\":[");
	for (int i = 0; i < N; i++)
		p += sprintf(p, "%s\"10.%d.%d.%d\"", i ? "," : "", i >> 16,
		    (i >> 8) & 255, i & 255);
	p += sprintf(p, "],\"owner\":\"o\"}");
	ck_assert(fastvips_split(line, (size_t)(p - line), &fv));
	ck_assert_uint_eq(fv.n, N);
	for (int i = 0; i < N; i++) {
		ck_assert_uint_eq(fv.vips[i].afi, AFI_IPV4);
		ck_assert_uint_eq(fv.vips[i].len, 32);
		ck_assert_uint_eq(fv.vips[i].a[1], i >> 16);
		ck_assert_uint_eq(fv.vips[i].a[2], (i >> 8) & 255);
		ck_assert_uint_eq(fv.vips[i].a[3], i & 255);
	}
	ck_assert_str_eq(fv.rest,
	    "{\"cmd\":\"withdraw\",\"vips\":[],\"owner\":\"o\"}");
	fastvips_free(&fv);
	free(line);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fastvips");
	TCase *tc = unit_tcase(s, "split");
	tcase_add_loop_test(tc, split_table, 0, (int)NELEM(rows));
	tcase_add_test(tc, split_big);
	/* split_big takes seconds on a loaded machine; time is not what it
	 * checks. */
	tcase_set_timeout(tc, 60);
	return unit_run(s);
}
