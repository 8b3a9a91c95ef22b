/*
 * fastvips.h - the "vips" array of a big request, read without json-c.
 *
 * json-c takes about 25 ms for the 1.5 MB line of a 100,000-VIP request,
 * most of it creating 100,000 string objects that parse_vips() turns into
 * addresses and frees.  This reads that one array straight into
 * addresses; the rest of the request, with the array replaced by [], goes
 * to json-c as before.  Anything it does not expect (an escape in a
 * string, a value that is no address, a second "vips") makes it give up,
 * and the whole line goes the usual way, errors and all.
 */
#ifndef LBBGP_FASTVIPS_H
#define LBBGP_FASTVIPS_H

#include <stdbool.h>
#include <stddef.h>

#include "fsm/prefix.h"

struct fastvips {
	struct prefix *vips;	/* malloc'd */
	size_t n;
	char *rest;		/* the line with the array replaced by [] */
	size_t rest_len;
};

/* Lines shorter than this go to json-c whole. */
#define FASTVIPS_MIN_LEN 4096

/* True when line (valid UTF-8, len bytes) is an object whose top-level
 * "vips" array holds only plain strings that are addresses. */
bool fastvips_split(const char *line, size_t len, struct fastvips *out);
void fastvips_free(struct fastvips *f);

#endif
