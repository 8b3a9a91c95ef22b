/*
 * check_buf.c - unit tests for util/buf.c: appends that grow (inline
 * while they fit, growing once they do not), a queue
 * consumed from the front that reclaims its space, text with a NUL,
 * printf past the small buffer, handing the bytes over, and array growth
 * with its overflow check.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "tests/unit/unit.h"

START_TEST(append_grows)
{
	struct buf b = BUF_INIT;
	char chunk[1000];

	memset(chunk, 'x', sizeof(chunk));
	for (int i = 0; i < 100; i++)
		ck_assert(buf_append(&b, chunk, sizeof(chunk)));
	ck_assert_uint_eq(buf_used(&b), 100000);
	ck_assert_uint_ge(b.cap, 100000);
	ck_assert(!b.failed);
	ck_assert(buf_append(&b, NULL, 0));
	buf_free(&b);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.len, 0);
}
END_TEST

/* Appends that fit take the inline path; the first that does not grows. */
START_TEST(fill_to_cap)
{
	struct buf b = BUF_INIT;

	ck_assert(buf_putc(&b, 'a'));
	size_t cap = b.cap;
	while (buf_used(&b) < cap)
		ck_assert(buf_putc(&b, 'b'));
	ck_assert_uint_eq(b.cap, cap);
	ck_assert(buf_puts(&b, "cd"));
	ck_assert_uint_eq(b.cap, 2 * cap);
	ck_assert_uint_eq(buf_used(&b), cap + 2);
	ck_assert_int_eq(buf_data(&b)[0], 'a');
	ck_assert_int_eq(buf_data(&b)[cap - 1], 'b');
	ck_assert_int_eq(buf_data(&b)[cap + 1], 'd');
	buf_free(&b);
}
END_TEST

START_TEST(queue_reclaims)
{
	struct buf b = BUF_INIT;
	char chunk[3000];

	memset(chunk, 'a', sizeof(chunk));
	ck_assert(buf_append(&b, chunk, sizeof(chunk)));
	size_t cap = b.cap;
	buf_consume(&b, 2000);
	ck_assert_uint_eq(buf_used(&b), 1000);
	ck_assert_ptr_eq(buf_data(&b), b.p + 2000);
	/* 3,000 more fit once the 2,000 consumed bytes are reclaimed. */
	memset(chunk, 'b', sizeof(chunk));
	ck_assert(buf_append(&b, chunk, sizeof(chunk)));
	ck_assert_uint_eq(b.cap, cap);
	ck_assert_uint_eq(buf_used(&b), 4000);
	ck_assert_int_eq(buf_data(&b)[999], 'a');
	ck_assert_int_eq(buf_data(&b)[1000], 'b');
	buf_consume(&b, 4000);
	ck_assert_uint_eq(buf_used(&b), 0);
	ck_assert_uint_eq(b.off, 0);
	buf_free(&b);
}
END_TEST

START_TEST(text)
{
	struct buf b = BUF_INIT;
	char big[600];

	ck_assert(buf_puts(&b, "abc"));
	ck_assert(buf_putc(&b, '-'));
	ck_assert(buf_printf(&b, "%d/%s", 42, "x"));
	ck_assert_str_eq(buf_cstr(&b), "abc-42/x");
	ck_assert_uint_eq(buf_used(&b), 8);
	/* Longer than the stack buffer buf_printf tries first. */
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert(buf_printf(&b, "[%s]", big));
	ck_assert_uint_eq(buf_used(&b), 8 + 601);
	ck_assert_int_eq(buf_cstr(&b)[8 + 600], ']');
	buf_reset(&b);
	ck_assert_uint_eq(buf_used(&b), 0);
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_free(&b);
}
END_TEST

START_TEST(steal)
{
	struct buf b = BUF_INIT;
	size_t len;

	ck_assert(buf_puts(&b, "hello, world"));
	buf_consume(&b, 7);
	char *p = buf_steal(&b, &len);
	ck_assert_str_eq(p, "world");
	ck_assert_uint_eq(len, 5);
	ck_assert_ptr_null(b.p);
	free(p);
}
END_TEST

START_TEST(failure_is_sticky)
{
	struct buf b = BUF_INIT;

	ck_assert(buf_puts(&b, "x"));
	/* A size that cannot be had fails, and so does everything after. */
	ck_assert(!buf_reserve(&b, SIZE_MAX - 1));
	ck_assert(b.failed);
	ck_assert(!buf_puts(&b, "y"));
	ck_assert_ptr_null(buf_cstr(&b));
	ck_assert_ptr_null(buf_steal(&b, NULL));
	buf_reset(&b);
	ck_assert(buf_puts(&b, "z"));
	ck_assert_str_eq(buf_cstr(&b), "z");
	buf_free(&b);
}
END_TEST

START_TEST(array)
{
	uint32_t *a = NULL;
	size_t cap = 0;

	for (uint32_t i = 0; i < 1000; i++) {
		uint32_t *na = array_grow(a, &cap, i + 1, sizeof(*a));
		ck_assert_ptr_nonnull(na);
		a = na;
		a[i] = i;
	}
	ck_assert_uint_ge(cap, 1000);
	ck_assert_uint_lt(cap, 2048);
	for (uint32_t i = 0; i < 1000; i++)
		ck_assert_uint_eq(a[i], i);
	/* Overflow of count x size: NULL, array and capacity untouched. */
	size_t old = cap;
	ck_assert_ptr_null(array_grow(a, &cap, SIZE_MAX / 2, sizeof(*a)));
	ck_assert_uint_eq(cap, old);
	free(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = unit_tcase(s, "buf");
	tcase_add_test(tc, append_grows);
	tcase_add_test(tc, fill_to_cap);
	tcase_add_test(tc, queue_reclaims);
	tcase_add_test(tc, text);
	tcase_add_test(tc, steal);
	tcase_add_test(tc, failure_is_sticky);
	tcase_add_test(tc, array);
	return unit_run(s);
}
