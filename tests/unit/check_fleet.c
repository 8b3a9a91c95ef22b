/*
 * check_fleet.c - unit tests for fleet/: the keys of the fleet in etcd,
 * the hosts/ and announcers/ values, and the rules that say which host
 * claims a vacant `announce one` VIP and when a host stops announcing.
 * The expected values come from docs/FLEET.md, not from the code.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"
#include "tests/unit/unit.h"

#define PFX "/lbbgp/lb-west/"

START_TEST(keys_built)
{
	char buf[FLEET_KEY_MAX];
	struct prefix a;

	ck_assert_uint_eq(fleet_prefix("lb-west", buf, sizeof(buf)),
	    strlen(PFX));
	ck_assert_str_eq(buf, PFX);
	ck_assert_uint_gt(fleet_key(PFX, FLEET_K_HOST, "lb1", buf,
	    sizeof(buf)), 0);
	ck_assert_str_eq(buf, PFX "hosts/lb1");
	ck_assert(addr_parse("2001:db8:0::5", &a));
	ck_assert_uint_gt(fleet_key_addr(PFX, FLEET_K_VIP, &a, buf,
	    sizeof(buf)), 0);
	ck_assert_str_eq(buf, PFX "vips/2001:db8::5");
	ck_assert(addr_parse("192.168.1.240", &a));
	fleet_key_addr(PFX, FLEET_K_ANNOUNCER, &a, buf, sizeof(buf));
	ck_assert_str_eq(buf, PFX "announcers/192.168.1.240");
	/* Too small a buffer: 0, never a cut key. */
	ck_assert_uint_eq(fleet_key(PFX, FLEET_K_HOST, "lb1", buf, 10), 0);
	ck_assert_uint_eq(fleet_key(PFX, FLEET_K_OTHER, "lb1", buf,
	    sizeof(buf)), 0);
}
END_TEST

/* "key | kind name-or-address" */
static const char *const parse_rows[] = {
	PFX "hosts/lb1 | host lb1",
	PFX "hosts/lb-2.west_a | host lb-2.west_a",
	PFX "vips/192.168.1.240 | vip 192.168.1.240",
	PFX "vips/2001:db8::5 | vip 2001:db8::5",
	PFX "announcers/10.0.0.1 | announcer 10.0.0.1",
	/* Not canonical, not an address, not ours: skipped. */
	PFX "vips/2001:DB8::5 | other",
	PFX "vips/2001:db8:0::5 | other",
	PFX "vips/192.168.1.0/24 | other",
	PFX "vips/010.0.0.1 | other",
	PFX "vips/ | other",
	PFX "hosts/ | other",
	PFX "hosts/a b | other",
	PFX "hosts/a/b | other",
	PFX "leases/x | other",
	PFX " | other",
	"/lbbgp/lb-east/hosts/lb1 | other",
	"/lbbgp/lb-west | other",
};

START_TEST(keys_parsed)
{
	char key[256], want[64], name[FLEET_NAME_MAX + 1], got[128];
	struct prefix a;
	const char *row = parse_rows[_i];
	const char *bar = strstr(row, " | ");

	ck_assert_ptr_nonnull(bar);
	memcpy(key, row, (size_t)(bar - row));
	key[bar - row] = '\0';
	snprintf(want, sizeof(want), "%s", bar + 3);
	enum fleet_kind k = fleet_key_parse(PFX, key, strlen(key), name, &a);
	char s[PREFIX_STRLEN];
	switch (k) {
	case FLEET_K_HOST:
		snprintf(got, sizeof(got), "host %s", name);
		break;
	case FLEET_K_VIP:
		snprintf(got, sizeof(got), "vip %s", addr_fmt(&a, s,
		    sizeof(s)));
		break;
	case FLEET_K_ANNOUNCER:
		snprintf(got, sizeof(got), "announcer %s", addr_fmt(&a, s,
		    sizeof(s)));
		break;
	default:
		snprintf(got, sizeof(got), "other");
	}
	ck_assert_msg(strcmp(got, want) == 0, "%s: %s, want %s", key, got,
	    want);
}
END_TEST

START_TEST(key_with_nul)
{
	static const char key[] = PFX "hosts/lb\0x";
	char name[FLEET_NAME_MAX + 1];
	struct prefix a;

	ck_assert_int_eq(fleet_key_parse(PFX, key, sizeof(key) - 1, name, &a),
	    FLEET_K_OTHER);
}
END_TEST

START_TEST(names)
{
	char long_name[FLEET_NAME_MAX + 2];

	ck_assert(fleet_name_ok("lb1"));
	ck_assert(fleet_name_ok("A.b_c-9"));
	ck_assert(!fleet_name_ok(""));
	ck_assert(!fleet_name_ok("lb 1"));
	ck_assert(!fleet_name_ok("lb/1"));
	ck_assert(!fleet_name_ok("l\xc3\xa9"));
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[FLEET_NAME_MAX] = '\0';
	ck_assert(fleet_name_ok(long_name));
	long_name[FLEET_NAME_MAX] = 'a';
	long_name[FLEET_NAME_MAX + 1] = '\0';
	ck_assert(!fleet_name_ok(long_name));
}
END_TEST

/* ---- hosts/ and announcers/ values --------------------------------------- */

START_TEST(host_round_trip)
{
	struct fleet_check checks[] = {
		{ "web", FLEET_CHECK_UP }, { "api", FLEET_CHECK_DOWN },
		{ "db\"x", FLEET_CHECK_PENDING },
	};
	struct fleet_host h = { .node = "lb1", .router_id = "10.0.0.1",
	    .version = "0.1.0", .started = 1796000000, .checks = checks,
	    .nchecks = 3 }, g;

	char *s = fleet_host_encode(&h);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "{\"node\":\"lb1\",\"router-id\":\"10.0.0.1\","
	    "\"version\":\"0.1.0\",\"started\":1796000000,\"checks\":"
	    "{\"web\":\"up\",\"api\":\"down\",\"db\\\"x\":\"pending\"}}");
	ck_assert(fleet_host_parse(s, strlen(s), &g));
	ck_assert_str_eq(g.node, "lb1");
	ck_assert_str_eq(g.router_id, "10.0.0.1");
	ck_assert_int_eq(g.started, 1796000000);
	ck_assert_uint_eq(g.nchecks, 3);
	ck_assert_int_eq(fleet_host_check(&g, "web"), FLEET_CHECK_UP);
	ck_assert_int_eq(fleet_host_check(&g, "api"), FLEET_CHECK_DOWN);
	ck_assert_int_eq(fleet_host_check(&g, "db\"x"), FLEET_CHECK_PENDING);
	ck_assert_int_eq(fleet_host_check(&g, "nope"), FLEET_CHECK_PENDING);
	fleet_host_free(&g);
	free(s);
}
END_TEST

/* Values that must not parse: each leaves an empty host. */
static const char *const bad_hosts[] = {
	"",
	"[]",
	"{\"node\":\"lb1\"}",
	"{\"node\":\"lb 1\",\"router-id\":\"1.1.1.1\",\"version\":\"1\","
	    "\"started\":1,\"checks\":{}}",
	"{\"node\":\"lb1\",\"router-id\":\"1.1.1.1\",\"version\":\"1\","
	    "\"started\":\"1\",\"checks\":{}}",
	"{\"node\":\"lb1\",\"router-id\":\"1.1.1.1\",\"version\":\"1\","
	    "\"started\":1,\"checks\":[]}",
	"{\"node\":\"lb1\",\"router-id\":\"1.1.1.1.1.1.1.1.1.1\","
	    "\"version\":\"1\",\"started\":1,\"checks\":{}}",
	"{\"node\":\"lb1\",\"router-id\":\"1.1.1.1\",\"version\":\"1\","
	    "\"started\":1,\"checks\":{}} trailing",
	"{\"node\":\"lb1\",\"router-id\":\"1.1.1.1\",\"version\":\"1\","
	    "\"started\":1,\"checks\":{",
};

START_TEST(host_bad)
{
	struct fleet_host h;
	const char *s = bad_hosts[_i];

	ck_assert_msg(!fleet_host_parse(s, strlen(s), &h), "%s parsed", s);
	ck_assert_str_eq(h.node, "");
	ck_assert_uint_eq(h.nchecks, 0);
	fleet_host_free(&h);
}
END_TEST

START_TEST(host_len_not_nul)
{
	/* The value's length counts, not a NUL: etcd's bytes have none. */
	static const char v[] = "{\"node\":\"lb1\",\"router-id\":\"1.1.1.1\","
	    "\"version\":\"1\",\"started\":1,\"checks\":{\"w\":\"up\"}}XYZ";
	struct fleet_host h;

	ck_assert(fleet_host_parse(v, sizeof(v) - 4, &h));
	ck_assert_int_eq(fleet_host_check(&h, "w"), FLEET_CHECK_UP);
	fleet_host_free(&h);
}
END_TEST

START_TEST(announcer_values)
{
	char buf[128], node[FLEET_NAME_MAX + 1];

	ck_assert_uint_gt(fleet_announcer_encode("lb2", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "{\"node\":\"lb2\"}");
	ck_assert(fleet_announcer_parse(buf, strlen(buf), node));
	ck_assert_str_eq(node, "lb2");
	ck_assert_uint_eq(fleet_announcer_encode("lb 2", buf, sizeof(buf)),
	    0);
	ck_assert(!fleet_announcer_parse("{\"node\":\"a/b\"}", 14, node));
	ck_assert_str_eq(node, "");
	ck_assert(!fleet_announcer_parse("lb2", 3, node));
}
END_TEST

/* ---- claiming ------------------------------------------------------------ */

/* Ranks are a permutation, the same whoever computes them, and change
 * with the VIP: a host is first for some VIPs, not all. */
START_TEST(rank_consistent)
{
	const char *const hosts[] = { "lb1", "lb2", "lb3" };
	unsigned first[3] = { 0 };
	struct prefix a;

	for (unsigned v = 0; v < 300; v++) {
		char s[32];
		snprintf(s, sizeof(s), "192.168.%u.%u", v / 256, v % 256);
		ck_assert(addr_parse(s, &a));
		bool seen[3] = { false };
		for (size_t i = 0; i < 3; i++) {
			size_t r = fleet_rank(hosts[i], hosts, 3, &a);
			ck_assert_uint_lt(r, 3);
			ck_assert(!seen[r]);
			seen[r] = true;
			if (r == 0)
				first[i]++;
		}
		/* Dropping a candidate moves nobody ahead of another. */
		size_t r1 = fleet_rank("lb1", hosts, 3, &a);
		size_t r3 = fleet_rank("lb3", hosts, 3, &a);
		size_t r1b = fleet_rank("lb1", (const char *const[]){ "lb1",
		    "lb3" }, 2, &a);
		ck_assert_uint_eq(r1b, r1 < r3 ? 0 : 1);
	}
	/* Spread: each host first for a fair share (100 expected). */
	for (size_t i = 0; i < 3; i++)
		ck_assert_msg(first[i] > 60 && first[i] < 140,
		    "%s first for %u of 300", hosts[i], first[i]);
	ck_assert_uint_eq(fleet_rank("lb4", hosts, 3, &a), SIZE_MAX);
}
END_TEST

START_TEST(delays_and_deadline)
{
	ck_assert(fleet_claim_delay(0) == 0);
	ck_assert(fleet_claim_delay(2) == 1.0);
	/* lease - 2 s, at least half the lease. */
	ck_assert(fleet_one_deadline(10) == 8);
	ck_assert(fleet_one_deadline(3) == 1.5);
	ck_assert(fleet_one_deadline(2) == 1);
	ck_assert(fleet_one_deadline(4) == 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fleet");
	TCase *tc;

	tc = unit_tcase(s, "keys");
	tcase_add_test(tc, keys_built);
	tcase_add_loop_test(tc, keys_parsed, 0, NELEM(parse_rows));
	tcase_add_test(tc, key_with_nul);
	tcase_add_test(tc, names);
	tc = unit_tcase(s, "values");
	tcase_add_test(tc, host_round_trip);
	tcase_add_loop_test(tc, host_bad, 0, NELEM(bad_hosts));
	tcase_add_test(tc, host_len_not_nul);
	tcase_add_test(tc, announcer_values);
	tc = unit_tcase(s, "claims");
	tcase_add_test(tc, rank_consistent);
	tcase_add_test(tc, delays_and_deadline);
	return unit_run(s);
}
