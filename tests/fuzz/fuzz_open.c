/*
 * fuzz_open.c - libFuzzer harness: OPEN and its capabilities, RFC 9072
 * extended optional parameters included.
 *
 * Input: the body of an OPEN (version onwards); the harness puts the
 * header in front.  decoders.c checks the decode, the round trip through
 * bgp_open_encode, bgp_open_check and bgp_negotiate.
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t msg[BGP_HDR_LEN + BGP_EXT_MAX_LEN];

	if (size > BGP_EXT_MAX_LEN - BGP_HDR_LEN)
		return 0;
	fz_open(msg, fz_wrap(msg, BGP_MSG_OPEN, data, size));
	return 0;
}
