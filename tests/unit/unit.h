/*
 * unit.h - the scaffolding every Check unit test shares: the suite
 * runner behind each main(), NELEM, hex vectors to bytes, a scratch
 * directory under /tmp.  Header-only (static inline), so each test
 * program stays one or a few .c files.  Test code only: nothing here may
 * know about a module under test.
 */
#ifndef LBBGP_UNIT_H
#define LBBGP_UNIT_H

#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef NELEM
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* A new test case named name, already part of s; add tests to it. */
static inline TCase *unit_tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	suite_add_tcase(s, tc);
	return tc;
}

/* Run every test of s, free it; what main() returns. */
static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Hex to bytes; blanks are ignored so vectors can be grouped by field. */
static inline size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s != '\0'; s++) {
		int v;
		if (isspace((unsigned char)*s))
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			ck_abort_msg("bad hex character '%c'", *s);
		if (hi < 0) {
			hi = v;
		} else {
			ck_assert_msg(n < cap, "hex vector too long");
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	ck_assert_msg(hi < 0, "odd number of hex digits");
	return n;
}

/* A new empty directory /tmp/NAME.XXXXXX, its path in dir. */
static inline void unit_tmpdir(char *dir, size_t size, const char *name)
{
	snprintf(dir, size, "/tmp/%s.XXXXXX", name);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Remove dir and the files in it (tests make no subdirectories); no
 * <unistd.h> here, its W_OK would clash with test enums. */
static inline void unit_rmtree(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char p[512];

	while (dp != NULL && (e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		remove(p);
	}
	if (dp != NULL)
		closedir(dp);
	remove(dir);
}

#endif
