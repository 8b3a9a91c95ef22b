/*
 * check_ctlcodes.c - the control protocol's error codes and their
 * documentation: every code of bgpd/control/codes.h (rib/'s included) is
 * in the code table of docs/control-protocol.md, every code that table
 * lists is one lbbgpd has, and no code is spelt twice.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/control/codes.h"
#include "tests/unit/unit.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

#define MAX_DOC_CODES 64

static char doc_codes[MAX_DOC_CODES][64];
static size_t ndoc;

/*
 * The first column of the table under "## Replies": lines that start
 * "| `code` |", up to the next heading.
 */
static void read_doc(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096], line[1024];
	bool in = false;

	snprintf(path, sizeof(path), "%s/docs/control-protocol.md",
	    top && *top ? top : TOP_SRCDIR);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ndoc = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "## ", 3) == 0)
			in = strcmp(line, "## Replies\n") == 0;
		if (!in || strncmp(line, "| `", 3) != 0)
			continue;
		const char *end = strchr(line + 3, '`');
		ck_assert_msg(end != NULL, "%s: no closing ` in %s", path, line);
		size_t len = (size_t)(end - (line + 3));
		ck_assert_uint_lt(len, sizeof(doc_codes[0]));
		ck_assert_uint_lt(ndoc, MAX_DOC_CODES);
		memcpy(doc_codes[ndoc], line + 3, len);
		doc_codes[ndoc][len] = '\0';
		ndoc++;
	}
	fclose(f);
	ck_assert_msg(ndoc > 0, "%s: no code table under ## Replies", path);
}

static bool documented(const char *code)
{
	for (size_t i = 0; i < ndoc; i++)
		if (strcmp(doc_codes[i], code) == 0)
			return true;
	return false;
}

static bool known(const char *code)
{
	for (int c = CTL_OK + 1; c < CTL_E_MAX; c++)
		if (strcmp(ctl_code_name((enum ctl_code)c), code) == 0)
			return true;
	return false;
}

START_TEST(every_code_documented)
{
	read_doc();
	for (int c = CTL_OK + 1; c < CTL_E_MAX; c++) {
		const char *name = ctl_code_name((enum ctl_code)c);
		ck_assert_msg(name != NULL && *name != '\0', "code %d has no "
		    "name", c);
		ck_assert_msg(documented(name), "%s is not in the code table "
		    "of docs/control-protocol.md", name);
	}
}
END_TEST

START_TEST(every_documented_code_exists)
{
	read_doc();
	for (size_t i = 0; i < ndoc; i++) {
		ck_assert_msg(known(doc_codes[i]), "docs/control-protocol.md "
		    "lists %s, which lbbgpd never sends", doc_codes[i]);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(doc_codes[j], doc_codes[i]);
	}
}
END_TEST

START_TEST(names_distinct)
{
	for (int c = CTL_OK; c < CTL_E_MAX; c++)
		for (int e = CTL_OK; e < c; e++)
			ck_assert_str_ne(ctl_code_name((enum ctl_code)c),
			    ctl_code_name((enum ctl_code)e));
	ck_assert_str_eq(ctl_code_name(CTL_E_MAX), "unknown");
	ck_assert_str_eq(ctl_code_name((enum ctl_code)-1), "unknown");
}
END_TEST

/* rib/'s codes go out as they are, spelt by rib_err_code(). */
START_TEST(rib_codes_as_they_are)
{
	for (int e = RIB_OK; e < RIB_E_MAX; e++)
		ck_assert_str_eq(ctl_code_name(ctl_code_of_rib(
		    (enum rib_err)e)), rib_err_code((enum rib_err)e));
	ck_assert_str_eq(ctl_code_name(CTL_E_NOMEM), "out-of-memory");
	ck_assert_str_eq(ctl_code_name(CTL_E_BAD_REQUEST), "bad-request");
	ck_assert_str_eq(ctl_code_name(CTL_E_RELOAD_FAILED), "reload-failed");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ctlcodes");
	TCase *tc = unit_tcase(s, "codes");
	tcase_add_test(tc, every_code_documented);
	tcase_add_test(tc, every_documented_code_exists);
	tcase_add_test(tc, names_distinct);
	tcase_add_test(tc, rib_codes_as_they_are);
	return unit_run(s);
}
