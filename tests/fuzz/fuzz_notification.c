/*
 * fuzz_notification.c - libFuzzer harness: NOTIFICATION, the RFC 9003
 * shutdown communication and the names of error codes.
 *
 * Input: the body of a NOTIFICATION (code, subcode, data); the harness
 * adds the header.  decoders.c checks the decode, the shutdown text
 * (printable, valid UTF-8, unescaping to the communication, cut cleanly
 * in small buffers) and the encode round trip at both size limits.  The
 * same bytes, as a C string, go through bgp_shutdown_data and back.
 */
#include "tests/fuzz/fuzz.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t msg[BGP_HDR_LEN + BGP_EXT_MAX_LEN];
	static char text[BGP_EXT_MAX_LEN];
	uint8_t comm[300];
	char back[300 * 4 + 1];
	struct bgp_notification n;

	if (size > BGP_EXT_MAX_LEN - BGP_HDR_LEN)
		return 0;
	fz_notification(msg, fz_wrap(msg, BGP_MSG_NOTIFICATION, data, size));
	fz_names(data, size);

	/* bgp_shutdown_data never cuts a UTF-8 sequence in two and keeps at
	 * most 255 bytes; what it builds reads back as the same text. */
	memcpy(text, data, size);
	text[size] = '\0';
	size_t room = size > 0 ? 1 + data[0] % sizeof(comm) : sizeof(comm);
	size_t len = bgp_shutdown_data(text, comm, room);
	FZ_CHECK(len >= 1 && len <= room && comm[0] == len - 1 &&
	    comm[0] <= strlen(text) && memcmp(comm + 1, text, comm[0]) == 0,
	    "shutdown data of %zu bytes in %zu", len, room);
	n = (struct bgp_notification){ BGP_ERR_CEASE,
	    BGP_CEASE_ADMIN_SHUTDOWN, (uint16_t)len, comm };
	if (bgp_shutdown_text(&n, back, sizeof(back)))
		fz_check_printable("shutdown text", back);
	return 0;
}
