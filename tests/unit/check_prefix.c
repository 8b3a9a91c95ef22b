/* check_prefix.c - unit tests for fsm/prefix.c: parse, print, mask, ranges. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fsm/prefix.h"
#include "tests/unit/unit.h"

START_TEST(parse_and_print)
{
	static const struct {
		const char *in, *out;
		bool ok, host_bits;
	} rows[] = {
		{ "192.168.1.250", "192.168.1.250", true, false },
		{ "192.168.1.0/24", "192.168.1.0/24", true, false },
		{ "192.168.1.7/24", "192.168.1.0/24", true, true },
		{ "10.0.0.0/0", "0.0.0.0/0", true, true },
		{ "2001:DB8::1", "2001:db8::1", true, false },
		{ "2001:db8::/32", "2001:db8::/32", true, false },
		{ "2001:db8::1/129", NULL, false, false },
		{ "192.168.1.0/33", NULL, false, false },
		{ "192.168.1.0/", NULL, false, false },
		{ "192.168.1.0/+8", NULL, false, false },
		{ "192.168.1", NULL, false, false },
		{ "", NULL, false, false },
		{ "/24", NULL, false, false },
	};
	for (size_t i = 0; i < NELEM(rows); i++) {
		struct prefix p;
		bool hb;
		char buf[PREFIX_STRLEN];
		bool ok = prefix_parse(rows[i].in, &p, &hb);
		ck_assert_msg(ok == rows[i].ok, "row %zu (%s)", i, rows[i].in);
		if (!ok)
			continue;
		ck_assert_str_eq(prefix_fmt(&p, buf, sizeof(buf)), rows[i].out);
		ck_assert_int_eq(hb, rows[i].host_bits);
	}
}
END_TEST

START_TEST(contains_and_mask)
{
	struct prefix net, a, b;
	ck_assert(prefix_parse("192.168.1.0/24", &net, NULL));
	ck_assert(addr_parse("192.168.1.250", &a));
	ck_assert(addr_parse("192.168.2.1", &b));
	ck_assert(prefix_contains(&net, &a));
	ck_assert(!prefix_contains(&net, &b));
	struct prefix m = a;
	prefix_mask(&m, 24);
	ck_assert(prefix_equal(&m, &net));
	prefix_mask(&m, 23);
	ck_assert(prefix_contains(&m, &b) == false);
	ck_assert(prefix_v4(&a) == 0xC0A801FAu);
}
END_TEST

static void collect(const struct prefix *p, void *arg)
{
	char *out = arg, buf[PREFIX_STRLEN];
	prefix_fmt(p, buf, sizeof(buf));
	strcat(out, buf);
	strcat(out, " ");
}

START_TEST(ranges)
{
	struct prefix lo, hi;
	char out[512] = "";
	ck_assert(addr_parse("192.168.1.250", &lo));
	ck_assert(addr_parse("192.168.1.254", &hi));
	ck_assert_uint_eq(range_to_cidrs(&lo, &hi, collect, out), 3);
	ck_assert_str_eq(out, "192.168.1.250/31 192.168.1.252/31 192.168.1.254 ");
	ck_assert_uint_eq(addr_span(&lo, &hi), 5);

	out[0] = '\0';
	ck_assert(addr_parse("0.0.0.0", &lo));
	ck_assert(addr_parse("255.255.255.255", &hi));
	ck_assert_uint_eq(range_to_cidrs(&lo, &hi, collect, out), 1);
	ck_assert_str_eq(out, "0.0.0.0/0 ");
	ck_assert_uint_eq(addr_span(&lo, &hi), 1ull << 32);

	ck_assert(addr_parse("2001:db8::", &lo));
	ck_assert(addr_parse("2001:db8::ffff:ffff:ffff:ffff", &hi));
	ck_assert_uint_eq(addr_span(&lo, &hi), UINT64_MAX);
	out[0] = '\0';
	ck_assert_uint_eq(range_to_cidrs(&lo, &hi, collect, out), 1);
	ck_assert_str_eq(out, "2001:db8::/64 ");

	struct prefix top;
	ck_assert(addr_parse("255.255.255.255", &top));
	ck_assert(!addr_add(&top, 1));
	ck_assert(addr_parse("10.0.0.255", &top));
	ck_assert(addr_add(&top, 1));
	char buf[PREFIX_STRLEN];
	ck_assert_str_eq(prefix_fmt(&top, buf, sizeof(buf)), "10.0.1.0");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("prefix");
	TCase *tc = unit_tcase(s, "core");
	tcase_add_test(tc, parse_and_print);
	tcase_add_test(tc, contains_and_mask);
	tcase_add_test(tc, ranges);
	return unit_run(s);
}
