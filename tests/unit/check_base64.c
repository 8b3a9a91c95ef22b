/*
 * check_base64.c - unit tests for util/base64.c: the RFC 4648 §10 test
 * vectors both ways, every length round trip over all byte values, and
 * the inputs the strict decoder refuses.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/buf.h"
#include "tests/unit/unit.h"

/* RFC 4648 §10. */
static const struct {
	const char *plain, *enc;
} vectors[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

START_TEST(rfc_vectors)
{
	const char *plain = vectors[_i].plain, *enc = vectors[_i].enc;
	struct buf b = BUF_INIT;
	uint8_t out[16];
	size_t n = 99;

	ck_assert(base64_encode(&b, plain, strlen(plain)));
	ck_assert_uint_eq(buf_used(&b), base64_encoded_len(strlen(plain)));
	ck_assert_str_eq(buf_cstr(&b), enc);
	ck_assert(base64_decode(enc, strlen(enc), out, &n));
	ck_assert_uint_eq(n, strlen(plain));
	ck_assert(memcmp(out, plain, n) == 0);
	buf_free(&b);
}
END_TEST

/* Padding may be left out. */
START_TEST(unpadded)
{
	uint8_t out[8];
	size_t n;

	ck_assert(base64_decode("Zg", 2, out, &n));
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(out[0], 'f');
	ck_assert(base64_decode("Zm8", 3, out, &n));
	ck_assert_uint_eq(n, 2);
	ck_assert(memcmp(out, "fo", 2) == 0);
}
END_TEST

START_TEST(round_trip)
{
	uint8_t in[300], out[300];
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(255 - i);
	for (size_t len = 0; len <= sizeof(in); len++) {
		size_t n;

		buf_reset(&b);
		ck_assert(base64_encode(&b, in, len));
		ck_assert_uint_le(base64_decoded_max(buf_used(&b)),
		    sizeof(out) + 2);
		ck_assert(base64_decode(buf_data(&b), buf_used(&b), out, &n));
		ck_assert_uint_eq(n, len);
		ck_assert(memcmp(in, out, len) == 0);
	}
	buf_free(&b);
}
END_TEST

static const char *const refused[] = {
	"Z",		/* a lone character: 6 bits, no byte */
	"Zg=",		/* half the padding */
	"Zm9v=",	/* padding after a whole group */
	"Zm9v==",
	"Zg===",
	"Zh==",		/* bits set after the last byte */
	"Zm9=",
	"Zm 9v",	/* no blanks */
	"Zm9v\n",
	"Zm-v",		/* the URL-safe alphabet is another */
	"Zm_v",
	"=Zm9",
	"Z=g=",
	"====",
	"Zm9v\x80",
};

START_TEST(refuses)
{
	const char *s = refused[_i];
	uint8_t out[16];
	size_t n = 77;

	ck_assert_msg(!base64_decode(s, strlen(s), out, &n), "took \"%s\"", s);
	ck_assert_uint_eq(n, 77);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("base64");
	TCase *tc = unit_tcase(s, "base64");

	tcase_add_loop_test(tc, rfc_vectors, 0, NELEM(vectors));
	tcase_add_test(tc, unpadded);
	tcase_add_test(tc, round_trip);
	tcase_add_loop_test(tc, refuses, 0, NELEM(refused));
	return unit_run(s);
}
