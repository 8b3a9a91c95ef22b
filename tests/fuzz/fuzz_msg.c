/*
 * fuzz_msg.c - libFuzzer harness: the message framer and every decoder.
 *
 * Input: one flags byte, then a byte stream as it arrives from a peer.
 * Flags bit 0: extended messages negotiated (65535-byte limit, RFC 8654);
 * bits 1-4: the session context UPDATEs are decoded in (4-octet AS,
 * eBGP, IPv4, IPv6).  bgp_frame() cuts the stream as the session does;
 * each message it accepts goes to its type's decoder, whose output
 * decoders.c checks; the stream stops at the first header error.
 */
#include "tests/fuzz/fuzz.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t max_len = data[0] & 1 ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	struct bgp_upd_ctx ctx = fz_ctx(data[0] >> 1);
	const uint8_t *buf = data + 1;
	size_t avail = size - 1, off = 0;

	fz_names(buf, avail);
	for (;;) {
		struct bgp_hdr h;
		struct bgp_err err = { 0 };
		size_t left = avail - off;
		enum bgp_frame fr = bgp_frame(buf + off, left, max_len, &h,
		    &err);
		if (fr == BGP_FRAME_NEED_MORE) {
			/* Short of a header, or a valid header whose message
			 * is not all there yet. */
			FZ_CHECK(left < BGP_HDR_LEN || (h.len > left &&
			    h.len <= max_len && h.len >= BGP_HDR_LEN),
			    "need more with %zu bytes, length %u", left, h.len);
			break;
		}
		if (fr == BGP_FRAME_ERROR) {
			FZ_CHECK(err.code == BGP_ERR_HEADER && err.subcode >= 1
			    && err.subcode <= 3, "header error %u/%u",
			    err.code, err.subcode);
			FZ_CHECK(err.len == 0 || (err.data >= buf + off &&
			    err.data + err.len <= buf + off + BGP_HDR_LEN),
			    "header error data outside the header");
			break;
		}
		FZ_CHECK(h.len >= BGP_HDR_LEN && h.len <= left &&
		    h.len <= max_len && h.type >= BGP_MSG_OPEN &&
		    h.type < BGP_MSG_TYPE_MAX, "framed %u bytes of type %u",
		    h.len, h.type);
		fz_message(buf + off, h.len, h.type, &ctx);
		off += h.len;
	}
	return 0;
}
