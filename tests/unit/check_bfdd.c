/*
 * check_bfdd.c - unit tests for bgpd/bfd/demux.c, the pure part of BFD
 * in the daemon: which session a datagram goes to (by discriminator, by
 * addresses, port and VRF), local discriminators that are nonzero and
 * unique whatever the random source does, and the names of drop reasons.
 */
#include <check.h>
#include <string.h>

#include "bgpd/bfd/bfdd.h"
#include "tests/unit/unit.h"

static struct prefix addr(const char *s)
{
	struct prefix p;

	ck_assert_msg(addr_parse(s, &p), "bad address %s", s);
	return p;
}

/* The sessions every demultiplexing row runs against. */
enum { A, B, C, D, NKEYS };

static void keys_init(struct bfdd_key *k)
{
	memset(k, 0, NKEYS * sizeof(*k));
	/* A: single hop, any local address */
	k[A].discr = 100;
	k[A].addr = addr("10.0.0.1");
	/* B: single hop from local-address 10.0.0.9 */
	k[B].discr = 200;
	k[B].addr = addr("10.0.0.2");
	k[B].local = addr("10.0.0.9");
	/* C: multihop, IPv6, in vrf blue */
	k[C].discr = 300;
	k[C].addr = addr("2001:db8::1");
	k[C].multihop = true;
	strcpy(k[C].vrf, "blue");
	/* D: its neighbor was removed; AdminDown lingers */
	k[D].discr = 400;
	k[D].addr = addr("10.0.0.3");
	k[D].gone = true;
}

#define NONE	SIZE_MAX

static const struct {
	const char *what;
	uint32_t your;
	const char *src, *dst;
	bool multihop;
	const char *vrf;
	size_t want;
	enum bfdd_drop why;	/* when want is NONE */
} rows[] = {
	{ "discriminator", 200, "10.0.0.2", "10.0.0.9", false, "", B, 0 },
	{ "discriminator, whatever the destination", 100, "10.0.0.1",
	    "10.0.0.77", false, "", A, 0 },
	{ "discriminator from another source", 200, "10.0.0.5", "10.0.0.9",
	    false, "", NONE, BFDD_DROP_UNKNOWN_DISCR },
	{ "unknown discriminator", 999, "10.0.0.1", "10.0.0.9", false, "",
	    NONE, BFDD_DROP_UNKNOWN_DISCR },
	{ "discriminator on the other port", 100, "10.0.0.1", "10.0.0.9",
	    true, "", NONE, BFDD_DROP_UNKNOWN_DISCR },
	{ "discriminator in another VRF", 300, "2001:db8::1", "2001:db8::2",
	    true, "", NONE, BFDD_DROP_UNKNOWN_DISCR },
	{ "discriminator, multihop in its VRF", 300, "2001:db8::1",
	    "2001:db8::2", true, "blue", C, 0 },
	{ "a gone session, by discriminator", 400, "10.0.0.3", "10.0.0.9",
	    false, "", D, 0 },
	{ "address, any local", 0, "10.0.0.1", "10.0.0.8", false, "", A, 0 },
	{ "address and local-address", 0, "10.0.0.2", "10.0.0.9", false, "",
	    B, 0 },
	{ "address, not to local-address", 0, "10.0.0.2", "10.0.0.8", false,
	    "", NONE, BFDD_DROP_UNKNOWN_SOURCE },
	{ "address on the multihop port", 0, "10.0.0.1", "10.0.0.8", true, "",
	    NONE, BFDD_DROP_UNKNOWN_SOURCE },
	{ "address in another VRF", 0, "10.0.0.1", "10.0.0.8", false, "red",
	    NONE, BFDD_DROP_UNKNOWN_SOURCE },
	{ "multihop address in its VRF", 0, "2001:db8::1", "2001:db8::2",
	    true, "blue", C, 0 },
	{ "a gone session takes no new peer by address", 0, "10.0.0.3",
	    "10.0.0.9", false, "", NONE, BFDD_DROP_UNKNOWN_SOURCE },
	{ "an address no neighbor has", 0, "192.0.2.1", "10.0.0.9", false, "",
	    NONE, BFDD_DROP_UNKNOWN_SOURCE },
	{ "NULL VRF is the default", 0, "10.0.0.1", "10.0.0.8", false, NULL,
	    A, 0 },
};

START_TEST(demux_table)
{
	struct bfdd_key k[NKEYS];
	struct bfdd_rx rx;
	enum bfdd_drop why = BFDD_NDROPS;

	keys_init(k);
	rx = (struct bfdd_rx){ rows[_i].your, addr(rows[_i].src),
	    addr(rows[_i].dst), rows[_i].multihop, rows[_i].vrf };
	size_t got = bfdd_demux(k, NKEYS, &rx, &why);
	ck_assert_msg(got == rows[_i].want, "%s: session %zu, want %zu",
	    rows[_i].what, got, rows[_i].want);
	if (got == NONE)
		ck_assert_msg(why == rows[_i].why, "%s: reason %s, want %s",
		    rows[_i].what, bfdd_drop_name(why),
		    bfdd_drop_name(rows[_i].why));
}
END_TEST

START_TEST(demux_no_sessions)
{
	struct bfdd_rx rx = { 0, addr("10.0.0.1"), addr("10.0.0.2"), false,
	    "" };
	enum bfdd_drop why = BFDD_NDROPS;

	ck_assert_uint_eq(bfdd_demux(NULL, 0, &rx, &why), NONE);
	ck_assert_int_eq(why, BFDD_DROP_UNKNOWN_SOURCE);
	rx.your_discr = 7;
	ck_assert_uint_eq(bfdd_demux(NULL, 0, &rx, &why), NONE);
	ck_assert_int_eq(why, BFDD_DROP_UNKNOWN_DISCR);
}
END_TEST

/* A random source that plays back a script, then repeats its last. */
struct script {
	const uint32_t *v;
	size_t n, i;
};

static uint32_t play(void *arg)
{
	struct script *s = arg;
	uint32_t v = s->v[s->i < s->n ? s->i : s->n - 1];

	s->i++;
	return v;
}

static void with_discrs(struct bfdd_key *k, const uint32_t *d, size_t n)
{
	memset(k, 0, n * sizeof(*k));
	for (size_t i = 0; i < n; i++)
		k[i].discr = d[i];
}

START_TEST(discr_random)
{
	static const uint32_t v[] = { 0, 100, 100, 5 };
	static const uint32_t used[] = { 100 };
	struct script s = { v, NELEM(v), 0 };
	struct bfdd_key k[1];

	with_discrs(k, used, 1);
	/* 0 and a used value are skipped; the first good one is taken. */
	ck_assert_uint_eq(bfdd_discr_pick(k, 1, play, &s), 5);
	ck_assert_uint_eq(s.i, 4);
	/* No sessions yet: the first nonzero value. */
	s.i = 0;
	ck_assert_uint_eq(bfdd_discr_pick(NULL, 0, play, &s), 100);
}
END_TEST

START_TEST(discr_stuck_source)
{
	static const uint32_t v100[] = { 100 }, vmax[] = { UINT32_MAX },
	    v0[] = { 0 };
	static const uint32_t used[] = { 100, 101, UINT32_MAX, 1 };
	struct script s = { v100, 1, 0 };
	struct bfdd_key k[4];

	with_discrs(k, used, 4);
	/* Always a used value: the next free one above it. */
	ck_assert_uint_eq(bfdd_discr_pick(k, 4, play, &s), 102);
	/* ... round past the top, never 0. */
	s = (struct script){ vmax, 1, 0 };
	ck_assert_uint_eq(bfdd_discr_pick(k, 4, play, &s), 2);
	/* Always 0: 1 is used, so 2. */
	s = (struct script){ v0, 1, 0 };
	ck_assert_uint_eq(bfdd_discr_pick(k, 4, play, &s), 2);
}
END_TEST

START_TEST(drop_names)
{
	for (unsigned i = 0; i < BFDD_NDROPS; i++) {
		if (i == BFDD_DROP_ERR + BFD_OK)
			continue;
		const char *n = bfdd_drop_name(i);
		ck_assert_msg(strcmp(n, "unknown") != 0, "reason %u has no "
		    "name", i);
		/* A metrics label value and a JSON key: keep it plain. */
		ck_assert_msg(strspn(n, "abcdefghijklmnopqrstuvwxyz-") ==
		    strlen(n), "reason name \"%s\"", n);
		for (unsigned j = 0; j < i; j++)
			ck_assert_msg(strcmp(n, bfdd_drop_name(j)) != 0,
			    "reasons %u and %u are both \"%s\"", j, i, n);
	}
	ck_assert_str_eq(bfdd_drop_name(BFDD_NDROPS), "unknown");
	ck_assert_str_eq(bfdd_drop_name(BFDD_DROP_TTL), "ttl");
	ck_assert_str_eq(bfdd_drop_name(BFDD_DROP_ERR + BFD_ERR_AUTH_DIGEST),
	    "auth-digest");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bfdd");
	TCase *tc = unit_tcase(s, "demux");
	tcase_add_loop_test(tc, demux_table, 0, (int)NELEM(rows));
	tcase_add_test(tc, demux_no_sessions);
	tc = unit_tcase(s, "discriminator");
	tcase_add_test(tc, discr_random);
	tcase_add_test(tc, discr_stuck_source);
	tc = unit_tcase(s, "names");
	tcase_add_test(tc, drop_names);
	return unit_run(s);
}
