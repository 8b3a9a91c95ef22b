/*
 * fuzz_update.c - libFuzzer harness: UPDATE, its path attributes (the
 * RFC 7606 reactions), NLRI, MP_REACH_NLRI and MP_UNREACH_NLRI.
 *
 * Input: one byte whose low four bits choose the session context
 * (4-octet AS, eBGP, IPv4, IPv6 negotiated), then the UPDATE body
 * (withdrawn routes length onwards); the harness adds the header.
 * decoders.c checks the fields, prints every attribute into buffers of
 * many sizes, re-parses what the Adj-RIB-In keeps and re-encodes the
 * attributes for 2- and 4-octet AS peers.
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t msg[BGP_HDR_LEN + BGP_EXT_MAX_LEN];

	if (size < 1 || size - 1 > BGP_EXT_MAX_LEN - BGP_HDR_LEN)
		return 0;
	struct bgp_upd_ctx ctx = fz_ctx(data[0]);
	fz_update(msg, fz_wrap(msg, BGP_MSG_UPDATE, data + 1, size - 1), &ctx);
	return 0;
}
