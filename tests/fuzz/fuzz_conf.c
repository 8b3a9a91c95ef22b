/*
 * fuzz_conf.c - libFuzzer harness: the lbbgp.conf parser and checks, and
 * the canonical printer.
 *
 * Input: a config file.  It goes through conf_load_string() (which stops
 * at a NUL, as a C string does) and, when it holds a NUL byte, also
 * through conf_load_file() from a memfd, as lbbgpd -f reads it.  Checks:
 * a config comes back exactly when no message is an error; every message
 * is one printable "FILE:LINE: ..." line; an accepted config printed by
 * conf_print() (lbbgpd -nv) parses again to an equal config
 * (conf_equal), and printing that gives the same text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "tests/fuzz/fuzz.h"

static char *print(const struct conf *c, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	FZ_CHECK(f != NULL, "open_memstream");
	conf_print(c, f);
	fclose(f);
	return text;
}

static void check_loaded(struct conf *c, const struct conf_diag *diag,
    const char *name)
{
	for (size_t i = 0; i < diag->nmsgs; i++) {
		fz_check_printable("config message", diag->msgs[i]);
		FZ_CHECK(strncmp(diag->msgs[i], name, strlen(name)) == 0 &&
		    diag->msgs[i][strlen(name)] == ':', "message without its "
		    "file: %s", diag->msgs[i]);
	}
	FZ_CHECK((c == NULL) == (diag->nerrors > 0), "config %s with %zu "
	    "errors", c ? "loaded" : "refused", diag->nerrors);
	if (c == NULL)
		return;

	/* lbbgpd -nv: the canonical form parses to the same config. */
	size_t len, len2;
	char *text = print(c, &len);
	struct conf_diag d2;
	conf_diag_init(&d2);
	struct conf *c2 = conf_load_string("printed.conf", text, &d2);
	FZ_CHECK(c2 != NULL, "the printed config does not load: %s\n%s",
	    d2.nmsgs ? d2.msgs[0] : "", text);
	FZ_CHECK(conf_equal(c, c2), "the printed config differs:\n%s", text);
	char *text2 = print(c2, &len2);
	FZ_CHECK(len == len2 && memcmp(text, text2, len) == 0, "printing is "
	    "not stable:\n%s\n----\n%s", text, text2);
	free(text);
	free(text2);
	conf_free(c2);
	conf_diag_free(&d2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_diag diag;
	char *text = malloc(size + 1);

	FZ_CHECK(text != NULL, "out of memory");
	memcpy(text, data, size);
	text[size] = '\0';
	conf_diag_init(&diag);
	struct conf *c = conf_load_string("fuzz.conf", text, &diag);
	check_loaded(c, &diag, "fuzz.conf");
	conf_free(c);
	conf_diag_free(&diag);
	free(text);

	if (memchr(data, '\0', size) != NULL) {
		char path[64];
		int fd = memfd_create("fuzz.conf", MFD_CLOEXEC);
		FZ_CHECK(fd >= 0 && write(fd, data, size) == (ssize_t)size,
		    "memfd");
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		conf_diag_init(&diag);
		c = conf_load_file(path, &diag);
		check_loaded(c, &diag, path);
		conf_free(c);
		conf_diag_free(&diag);
		close(fd);
	}
	return 0;
}
