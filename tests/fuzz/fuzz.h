/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz share.
 *
 * FZ_CHECK states an invariant of decoded data: when it does not hold the
 * harness prints why and aborts, which libFuzzer reports as a crash and
 * saves the input.  decoders.c checks the output of every fsm/ decoder;
 * the harnesses feed it from a message stream (fuzz_msg), one message
 * type each (fuzz_open, fuzz_update, fuzz_notification) or a session.
 * Never linked into lbbgpd.
 */
#ifndef LBBGP_FUZZ_H
#define LBBGP_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fsm/attr.h"
#include "fsm/msg.h"

#define FZ_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz: %s:%d: check failed: %s: ",	\
		    __FILE__, __LINE__, #cond);				\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Session contexts of bgp_update_decode from four bits: as4, eBGP, v4, v6. */
struct bgp_upd_ctx fz_ctx(unsigned bits);

/*
 * Decode one whole message (header included; framed by bgp_frame) with
 * the decoder of its type and check what it returns.  ctx is for UPDATE.
 */
void fz_open(const uint8_t *msg, size_t len);
void fz_update(const uint8_t *msg, size_t len, const struct bgp_upd_ctx *ctx);
void fz_notification(const uint8_t *msg, size_t len);
void fz_refresh(const uint8_t *msg, size_t len);
void fz_message(const uint8_t *msg, size_t len, uint8_t type,
    const struct bgp_upd_ctx *ctx);

/* Every name table looked up with values from the input. */
void fz_names(const uint8_t *p, size_t len);

/* A header for body bytes: buf must hold BGP_HDR_LEN + len. */
size_t fz_wrap(uint8_t *buf, uint8_t type, const uint8_t *body, size_t len);

/*
 * A line lbbgpd logs or prints must be one printable line: no control
 * character (peer-supplied text is escaped), valid UTF-8.
 */
void fz_check_printable(const char *what, const char *s);

#endif
