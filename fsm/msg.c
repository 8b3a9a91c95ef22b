/*
 * msg.c - framing, OPEN, NOTIFICATION, KEEPALIVE and ROUTE-REFRESH.
 *
 * Decoders read through struct rd only and return struct bgp_err; they
 * never send anything or change session state.
 */
#include "msg.h"

#include <stdio.h>
#include <string.h>

static const uint8_t marker[BGP_MARKER_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* Smallest valid length per message type (RFC 4271 §4, RFC 2918 §3). */
static const uint16_t min_len[BGP_MSG_TYPE_MAX] = {
	[BGP_MSG_OPEN] = BGP_OPEN_MIN_LEN,
	[BGP_MSG_UPDATE] = BGP_UPDATE_MIN_LEN,
	[BGP_MSG_NOTIFICATION] = BGP_NOTIFY_MIN_LEN,
	[BGP_MSG_KEEPALIVE] = BGP_KEEPALIVE_LEN,
	[BGP_MSG_ROUTE_REFRESH] = BGP_REFRESH_LEN,
};

enum bgp_frame bgp_frame(const uint8_t *buf, size_t avail, size_t max_len,
    struct bgp_hdr *h, struct bgp_err *err)
{
	struct rd r = rd_init(buf, avail);

	if (avail < BGP_HDR_LEN)
		return BGP_FRAME_NEED_MORE;
	/* RFC 4271 §6.1: the marker must be all ones. */
	if (memcmp(buf, marker, sizeof(marker)) != 0) {
		bgp_err_set(err, BGP_ERR_HEADER, BGP_HDR_NOT_SYNC, NULL, 0);
		return BGP_FRAME_ERROR;
	}
	rd_skip(&r, BGP_MARKER_LEN);
	rd_u16(&r, &h->len);
	rd_u8(&r, &h->type);

	if (h->type == 0 || h->type >= BGP_MSG_TYPE_MAX) {
		/* Data: the erroneous Type field. */
		bgp_err_set(err, BGP_ERR_HEADER, BGP_HDR_BAD_TYPE,
		    buf + BGP_MARKER_LEN + 2, 1);
		return BGP_FRAME_ERROR;
	}
	bool bad = h->len < BGP_HDR_LEN || h->len > max_len ||
	    h->len < min_len[h->type] ||
	    (h->type == BGP_MSG_KEEPALIVE && h->len != BGP_KEEPALIVE_LEN);
	if (bad) {
		/* Data: the erroneous Length field. */
		bgp_err_set(err, BGP_ERR_HEADER, BGP_HDR_BAD_LEN,
		    buf + BGP_MARKER_LEN, 2);
		return BGP_FRAME_ERROR;
	}
	return avail < h->len ? BGP_FRAME_NEED_MORE : BGP_FRAME_OK;
}

size_t bgp_msg_begin(struct wr *w, enum bgp_msg_type type)
{
	size_t start = w->len;
	wr_bytes(w, marker, sizeof(marker));
	wr_u16(w, 0);
	wr_u8(w, (uint8_t)type);
	return start;
}

void bgp_msg_end(struct wr *w, size_t start)
{
	wr_put_u16_at(w, start + BGP_MARKER_LEN, (uint16_t)(w->len - start));
}

/* ---- OPEN ------------------------------------------------------------ */

static void add_afisafi(struct bgp_afisafi *arr, size_t *n, uint16_t afi,
    uint8_t safi, uint8_t flags)
{
	for (size_t i = 0; i < *n; i++)
		if (arr[i].afi == afi && arr[i].safi == safi)
			return;
	if (*n < BGP_MAX_AFISAFI)
		arr[(*n)++] = (struct bgp_afisafi){
			.afi = afi, .safi = safi, .flags = flags,
		};
}

static void add_enh(struct bgp_caps *c, const struct bgp_enh *t)
{
	for (size_t i = 0; i < c->nenh; i++)
		if (c->enh[i].afi == t->afi && c->enh[i].safi == t->safi &&
		    c->enh[i].nh_afi == t->nh_afi)
			return;
	if (c->nenh < BGP_MAX_AFISAFI)
		c->enh[c->nenh++] = *t;
}

/* The flag of a capability that has no value, NULL for other codes. */
static bool *flag_cap(struct bgp_caps *c, uint8_t code)
{
	switch (code) {
	case BGP_CAP_ROUTE_REFRESH:
	case BGP_CAP_CISCO_REFRESH:
		return &c->route_refresh;
	case BGP_CAP_ENHANCED_REFRESH:
		return &c->enhanced_refresh;
	case BGP_CAP_EXT_MESSAGE:
		return &c->ext_message;
	default:
		return NULL;
	}
}

/*
 * One capability.  A known capability with a wrong length is a malformed
 * optional parameter: RFC 4271 §6.2 says subcode 0 (Unspecific).
 */
static bool decode_cap(uint8_t code, struct rd *v, struct bgp_caps *c,
    struct bgp_err *err)
{
	size_t len = rd_left(v);
	const uint8_t *raw = rd_ptr(v);
	bool *flag = flag_cap(c, code);

	if (flag != NULL) {
		if (len != 0)
			goto malformed;
		*flag = true;
		return true;
	}
	switch (code) {
	case BGP_CAP_MP: {
		uint16_t afi = 0;
		uint8_t res = 0, safi = 0;
		if (len != 4)
			goto malformed;
		rd_u16(v, &afi);
		rd_u8(v, &res);
		rd_u8(v, &safi);
		c->mp_present = true;
		add_afisafi(c->mp, &c->nmp, afi, safi, 0);
		return true;
	}
	case BGP_CAP_AS4:
		if (len != 4)
			goto malformed;
		rd_u32(v, &c->as4_asn);
		c->as4 = true;
		return true;
	case BGP_CAP_GRACEFUL_RESTART: {
		uint16_t ft = 0;
		if (len < 2 || (len - 2) % 4 != 0)
			goto malformed;
		rd_u16(v, &ft);
		c->gr = true;
		c->gr_flags = (uint8_t)(ft >> 12);
		c->gr_time = ft & 0x0fff;
		c->ngr = 0;	/* RFC 4724 §3: the last one counts */
		while (rd_left(v) >= 4) {
			uint16_t afi = 0;
			uint8_t safi = 0, flags = 0;
			rd_u16(v, &afi);
			rd_u8(v, &safi);
			rd_u8(v, &flags);
			add_afisafi(c->gr_afi, &c->ngr, afi, safi, flags);
		}
		return true;
	}
	case BGP_CAP_EXT_NEXTHOP:
		/* RFC 8950 §3: one or more 6-octet tuples.  Several
		 * capabilities add up, as multiprotocol ones do. */
		if (len == 0 || len % 6 != 0)
			goto malformed;
		while (rd_left(v) >= 6) {
			struct bgp_enh t;
			rd_u16(v, &t.afi);
			rd_u16(v, &t.safi);
			rd_u16(v, &t.nh_afi);
			add_enh(c, &t);
		}
		return true;
	default:
		if (c->nraw < BGP_MAX_RAWCAPS)
			c->raw[c->nraw++] = (struct bgp_rawcap){
				.code = code, .len = (uint8_t)len, .data = raw,
			};
		return true;
	}
malformed:
	bgp_err_set(err, BGP_ERR_OPEN, 0, NULL, 0);
	return false;
}

/* The value of a Capabilities optional parameter: a list of TLVs. */
static bool decode_caps(struct rd *r, struct bgp_caps *c, struct bgp_err *err)
{
	while (rd_left(r) > 0) {
		uint8_t code = 0, len = 0;
		struct rd v;
		if (!rd_u8(r, &code) || !rd_u8(r, &len) || !rd_sub(r, len, &v)) {
			bgp_err_set(err, BGP_ERR_OPEN, 0, NULL, 0);
			return false;
		}
		if (!decode_cap(code, &v, c, err))
			return false;
	}
	return true;
}

bool bgp_open_decode(const uint8_t *msg, size_t len, struct bgp_open *o,
    struct bgp_err *err)
{
	struct rd r = rd_init(msg, len);
	uint8_t optlen = 0;

	memset(o, 0, sizeof(*o));
	rd_skip(&r, BGP_HDR_LEN);
	rd_u8(&r, &o->version);
	rd_u16(&r, &o->my_as);
	rd_u16(&r, &o->hold);
	rd_u32(&r, &o->id);
	if (!rd_u8(&r, &optlen)) {
		bgp_err_set(err, BGP_ERR_HEADER, BGP_HDR_BAD_LEN, NULL, 0);
		return false;
	}

	/* RFC 4271 §6.2: the version is checked before anything else. */
	if (o->version != BGP_VERSION) {
		/* Data: the largest version we support, as 2 octets. */
		bgp_err_set_val(err, BGP_ERR_OPEN, BGP_OPEN_BAD_VERSION,
		    BGP_VERSION, 2);
		return false;
	}

	bool extended = false;
	struct rd params;
	/* RFC 9072 §2: length 255 and first type 255 mean extended form. */
	if (optlen == 255 && rd_left(&r) >= 3 && rd_ptr(&r)[0] ==
	    BGP_OPT_EXTENDED_LEN) {
		uint8_t t = 0;
		uint16_t elen = 0;
		rd_u8(&r, &t);
		rd_u16(&r, &elen);
		extended = true;
		rd_sub(&r, elen, &params);
	} else {
		rd_sub(&r, optlen, &params);
	}
	if (params.failed || rd_left(&r) != 0) {
		/* Optional parameters disagree with the message length. */
		bgp_err_set(err, BGP_ERR_OPEN, 0, NULL, 0);
		return false;
	}

	while (rd_left(&params) > 0) {
		uint8_t type = 0;
		uint16_t plen = 0;
		struct rd v;
		rd_u8(&params, &type);
		rd_len(&params, extended, &plen);
		if (!rd_sub(&params, plen, &v)) {
			bgp_err_set(err, BGP_ERR_OPEN, 0, NULL, 0);
			return false;
		}
		if (type != BGP_OPT_CAPABILITIES) {
			bgp_err_set(err, BGP_ERR_OPEN, BGP_OPEN_BAD_OPT, NULL, 0);
			return false;
		}
		if (!decode_caps(&v, &o->caps, err))
			return false;
	}
	return true;
}

static void put_cap_mp(struct wr *w, uint16_t afi, uint8_t safi)
{
	wr_u8(w, BGP_CAP_MP);
	wr_u8(w, 4);
	wr_u16(w, afi);
	wr_u8(w, 0);
	wr_u8(w, safi);
}

static void put_cap_empty(struct wr *w, uint8_t code)
{
	wr_u8(w, code);
	wr_u8(w, 0);
}

size_t bgp_open_encode(uint8_t *buf, size_t cap, const struct bgp_open *o)
{
	struct wr w = wr_init(buf, cap);
	const struct bgp_caps *c = &o->caps;
	size_t start = bgp_msg_begin(&w, BGP_MSG_OPEN);

	wr_u8(&w, o->version);
	wr_u16(&w, o->my_as);
	wr_u16(&w, o->hold);
	wr_u32(&w, o->id);
	size_t optlen_at = wr_reserve(&w, 1);

	/* One Capabilities parameter holding every capability. */
	wr_u8(&w, BGP_OPT_CAPABILITIES);
	size_t plen_at = wr_reserve(&w, 1);
	size_t caps_start = w.len;

	for (size_t i = 0; i < c->nmp; i++)
		put_cap_mp(&w, c->mp[i].afi, c->mp[i].safi);
	if (c->route_refresh)
		put_cap_empty(&w, BGP_CAP_ROUTE_REFRESH);
	if (c->enhanced_refresh)
		put_cap_empty(&w, BGP_CAP_ENHANCED_REFRESH);
	if (c->ext_message)
		put_cap_empty(&w, BGP_CAP_EXT_MESSAGE);
	if (c->gr) {
		wr_u8(&w, BGP_CAP_GRACEFUL_RESTART);
		wr_u8(&w, (uint8_t)(2 + 4 * c->ngr));
		wr_u16(&w, (uint16_t)((c->gr_flags & 0xf) << 12 |
		    (c->gr_time & 0x0fff)));
		for (size_t i = 0; i < c->ngr; i++) {
			wr_u16(&w, c->gr_afi[i].afi);
			wr_u8(&w, c->gr_afi[i].safi);
			wr_u8(&w, c->gr_afi[i].flags);
		}
	}
	if (c->nenh > 0) {
		wr_u8(&w, BGP_CAP_EXT_NEXTHOP);
		wr_u8(&w, (uint8_t)(6 * c->nenh));
		for (size_t i = 0; i < c->nenh; i++) {
			wr_u16(&w, c->enh[i].afi);
			wr_u16(&w, c->enh[i].safi);
			wr_u16(&w, c->enh[i].nh_afi);
		}
	}
	if (c->as4) {
		wr_u8(&w, BGP_CAP_AS4);
		wr_u8(&w, 4);
		wr_u32(&w, c->as4_asn);
	}
	for (size_t i = 0; i < c->nraw; i++) {
		wr_u8(&w, c->raw[i].code);
		wr_u8(&w, c->raw[i].len);
		wr_bytes(&w, c->raw[i].data, c->raw[i].len);
	}

	size_t caps_len = w.len - caps_start;
	if (caps_len > 255 - 2)
		return 0;	/* would need RFC 9072; we never send that much */
	wr_put_u8_at(&w, plen_at, (uint8_t)caps_len);
	wr_put_u8_at(&w, optlen_at, (uint8_t)(caps_len + 2));
	bgp_msg_end(&w, start);
	return w.overflow ? 0 : w.len;
}

uint32_t bgp_open_peer_as(const struct bgp_open *o)
{
	return o->caps.as4 ? o->caps.as4_asn : o->my_as;
}

bool bgp_caps_has_afi(const struct bgp_caps *c, uint16_t afi, uint8_t safi)
{
	if (!c->mp_present)
		return afi == AFI_IPV4 && safi == SAFI_UNICAST;
	for (size_t i = 0; i < c->nmp; i++)
		if (c->mp[i].afi == afi && c->mp[i].safi == safi)
			return true;
	return false;
}

bool bgp_caps_has_enh(const struct bgp_caps *c, uint16_t afi, uint16_t safi,
    uint16_t nh_afi)
{
	for (size_t i = 0; i < c->nenh; i++)
		if (c->enh[i].afi == afi && c->enh[i].safi == safi &&
		    c->enh[i].nh_afi == nh_afi)
			return true;
	return false;
}

bool bgp_open_check(const struct bgp_open *o, const struct bgp_open_expect *x,
    struct bgp_err *err)
{
	uint32_t peer_as = bgp_open_peer_as(o);

	/* RFC 7607: AS 0 in My AS or in the 4-octet AS capability. */
	if (o->my_as == 0 || peer_as == 0 || peer_as != x->remote_as) {
		bgp_err_set(err, BGP_ERR_OPEN, BGP_OPEN_BAD_PEER_AS, NULL, 0);
		return false;
	}
	/* RFC 4271 §6.2: hold time 1 or 2 seconds is unacceptable; so is
	 * anything under a configured minimum (0 included: no liveness). */
	if (o->hold == 1 || o->hold == 2 ||
	    (x->min_hold > 0 && o->hold < x->min_hold)) {
		bgp_err_set(err, BGP_ERR_OPEN, BGP_OPEN_BAD_HOLD, NULL, 0);
		return false;
	}
	/* RFC 6286 §2.2: non-zero, and unique within the AS. */
	if (o->id == 0 || (x->remote_as == x->local_as && o->id == x->local_id)) {
		bgp_err_set(err, BGP_ERR_OPEN, BGP_OPEN_BAD_ID, NULL, 0);
		return false;
	}
	return true;
}

void bgp_negotiate(const struct bgp_open *ours, const struct bgp_open *theirs,
    uint16_t keepalive_conf, struct bgp_neg *n)
{
	const struct bgp_caps *a = &ours->caps, *b = &theirs->caps;

	memset(n, 0, sizeof(*n));
	/* RFC 4271 §4.2: the smaller of the two hold times. */
	n->hold = ours->hold < theirs->hold ? ours->hold : theirs->hold;
	n->keepalive = n->hold / 3;
	if (keepalive_conf > 0 && keepalive_conf < n->keepalive)
		n->keepalive = keepalive_conf;
	if (n->hold > 0 && n->keepalive == 0)
		n->keepalive = 1;
	n->as4 = a->as4 && b->as4;
	n->route_refresh = a->route_refresh && b->route_refresh;
	n->enhanced_refresh = a->enhanced_refresh && b->enhanced_refresh;
	n->ext_message = a->ext_message && b->ext_message;
	n->v4 = bgp_caps_has_afi(a, AFI_IPV4, SAFI_UNICAST) &&
	    bgp_caps_has_afi(b, AFI_IPV4, SAFI_UNICAST);
	n->v6 = bgp_caps_has_afi(a, AFI_IPV6, SAFI_UNICAST) &&
	    bgp_caps_has_afi(b, AFI_IPV6, SAFI_UNICAST);
	/*
	 * RFC 8950 §4: IPv6 next hops for IPv4 routes only when both sides
	 * announced the tuple, and IPv4 unicast itself is negotiated.
	 */
	n->v4_nh6 = n->v4 &&
	    bgp_caps_has_enh(a, AFI_IPV4, SAFI_UNICAST, AFI_IPV6) &&
	    bgp_caps_has_enh(b, AFI_IPV4, SAFI_UNICAST, AFI_IPV6);
	n->peer_gr = b->gr;
	n->gr = a->gr && b->gr;
	/* RFC 8538 §2: N applies only when both sides sent it. */
	n->peer_gr_notification = b->gr && (b->gr_flags & BGP_GR_NOTIFICATION);
	n->gr_notification = n->gr && n->peer_gr_notification &&
	    (a->gr_flags & BGP_GR_NOTIFICATION);
	if (b->gr) {
		n->peer_restarted = b->gr_flags & BGP_GR_RESTARTING;
		n->peer_gr_time = b->gr_time;
		for (size_t i = 0; i < b->ngr; i++) {
			const struct bgp_afisafi *x = &b->gr_afi[i];
			bool f = x->flags & BGP_GR_AFI_FORWARDING;
			if (x->safi != SAFI_UNICAST)
				continue;
			if (x->afi == AFI_IPV4) {
				n->peer_gr_v4 = true;
				n->peer_fwd_v4 = f;
			} else if (x->afi == AFI_IPV6) {
				n->peer_gr_v6 = true;
				n->peer_fwd_v6 = f;
			}
		}
	}
}

/* ---- NOTIFICATION ---------------------------------------------------- */

/* Error code, subcode and the data after them: a NOTIFICATION's body,
 * and what a Hard Reset carries (RFC 8538 §3.1). */
static bool read_notification(struct rd *r, struct bgp_notification *n)
{
	rd_u8(r, &n->code);
	if (!rd_u8(r, &n->subcode))
		return false;
	n->len = (uint16_t)rd_left(r);
	n->data = rd_ptr(r);
	return true;
}

bool bgp_notification_decode(const uint8_t *msg, size_t len,
    struct bgp_notification *n)
{
	struct rd r = rd_init(msg, len);

	rd_skip(&r, BGP_HDR_LEN);
	return read_notification(&r, n);
}

size_t bgp_notification_encode(uint8_t *buf, size_t cap, size_t max_len,
    uint8_t code, uint8_t subcode, const uint8_t *data, size_t len)
{
	struct wr w = wr_init(buf, cap < max_len ? cap : max_len);
	size_t start = bgp_msg_begin(&w, BGP_MSG_NOTIFICATION);

	wr_u8(&w, code);
	wr_u8(&w, subcode);
	size_t room = w.cap - w.len;
	wr_bytes(&w, data, len < room ? len : room);
	bgp_msg_end(&w, start);
	return w.overflow ? 0 : w.len;
}

size_t bgp_utf8_len(const uint8_t *p, size_t n)
{
	size_t need;

	if (p[0] < 0x80)
		return 1;
	else if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		need = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong three-byte forms, surrogates, above U+10FFFF. */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return need;
}

void bgp_escape(const uint8_t *in, size_t len, char *out, size_t size)
{
	size_t o = 0;

	if (size == 0)
		return;
	for (size_t i = 0; i < len;) {
		size_t s = bgp_utf8_len(in + i, len - i);
		if (s == 1 && in[i] >= 0x20 && in[i] != 0x7f && in[i] != '\\') {
			if (o + 1 >= size)
				break;
			out[o++] = (char)in[i++];
		} else if (s > 1) {
			if (o + s >= size)
				break;
			memcpy(out + o, in + i, s);
			o += s;
			i += s;
		} else {
			if (o + 4 >= size)
				break;
			snprintf(out + o, size - o, "\\x%02x", in[i]);
			o += 4;
			i++;
		}
	}
	out[o] = '\0';
}

bool bgp_shutdown_text(const struct bgp_notification *n, char *out,
    size_t size)
{
	struct bgp_notification inner;

	if (size > 0)
		out[0] = '\0';
	/* RFC 8538 §3.1: a Hard Reset for a shutdown or reset carries it. */
	if (bgp_hard_reset_inner(n, &inner))
		n = &inner;
	/* RFC 9003 §2: Cease subcodes 2 and 4 carry it. */
	if (n->code != BGP_ERR_CEASE || (n->subcode != BGP_CEASE_ADMIN_SHUTDOWN
	    && n->subcode != BGP_CEASE_ADMIN_RESET) || n->len == 0)
		return false;
	size_t tlen = n->data[0];
	if (tlen == 0 || tlen + 1 > n->len)
		return false;
	bgp_escape(n->data + 1, tlen, out, size);
	return true;
}

size_t bgp_shutdown_data(const char *text, uint8_t *out, size_t size)
{
	size_t len = strlen(text);

	if (size == 0)
		return 0;
	if (len > 255)		/* RFC 9003 §2: at most 255 octets */
		len = 255;
	if (len + 1 > size)
		len = size - 1;
	/* Never cut a UTF-8 sequence in half. */
	while (len > 0 && ((uint8_t)text[len] & 0xc0) == 0x80)
		len--;
	out[0] = (uint8_t)len;
	memcpy(out + 1, text, len);
	return len + 1;
}

const char *bgp_err_fmt(uint8_t code, uint8_t subcode, char *buf,
    size_t size)
{
	snprintf(buf, size, "%s/%s (%u/%u)", bgp_err_code_name(code),
	    bgp_err_subcode_name(code, subcode), code, subcode);
	return buf;
}

const char *bgp_notification_fmt(const struct bgp_notification *n,
    char *buf, size_t size)
{
	struct bgp_notification in;
	char outer[96], inner[96];

	bgp_err_fmt(n->code, n->subcode, outer, sizeof(outer));
	if (!bgp_hard_reset_inner(n, &in)) {
		snprintf(buf, size, "%s", outer);
		return buf;
	}
	snprintf(buf, size, "%s for %s", outer, bgp_err_fmt(in.code,
	    in.subcode, inner, sizeof(inner)));
	return buf;
}

/* ---- Hard Reset and graceful restart (RFC 8538) ----------------------- */

bool bgp_hard_reset_wanted(uint8_t code, uint8_t subcode)
{
	if (code != BGP_ERR_CEASE)
		return false;
	switch (subcode) {
	case BGP_CEASE_MAX_PREFIX:
	case BGP_CEASE_ADMIN_SHUTDOWN:
	case BGP_CEASE_PEER_DECONF:
	case BGP_CEASE_ADMIN_RESET:
		return true;
	case BGP_CEASE_BFD_DOWN:
		/*
		 * lbbgpd's BFD shares fate with its control plane (it sends
		 * C = 0), and BGP cannot signal a planned restart: RFC 5882
		 * §4.3 and §10.2 make such a BFD failure a topology change,
		 * not a restart to ride out, so the router must not keep
		 * our routes through it.  A plain NOTIFICATION would make it
		 * keep them (RFC 8538 §4); RFC 9384 §3 carries BFD Down
		 * inside the Hard Reset.
		 */
		return true;
	default:
		return false;
	}
}

void bgp_hard_reset_wrap(const struct bgp_err *in, struct bgp_err *out,
    uint8_t *buf, size_t size)
{
	struct wr w = wr_init(buf, size);

	wr_u8(&w, in->code);
	wr_u8(&w, in->subcode);
	size_t room = w.cap - w.len;
	wr_bytes(&w, bgp_err_data(in), in->len < room ? in->len : room);
	bgp_err_set(out, BGP_ERR_CEASE, BGP_CEASE_HARD_RESET, buf,
	    w.overflow ? 0 : w.len);
}

bool bgp_hard_reset_inner(const struct bgp_notification *n,
    struct bgp_notification *inner)
{
	struct rd r = rd_init(n->data, n->len);

	if (n->code != BGP_ERR_CEASE || n->subcode != BGP_CEASE_HARD_RESET)
		return false;
	return read_notification(&r, inner);
}

enum bgp_gr_end bgp_gr_end_of(uint8_t code, uint8_t subcode)
{
	return code == BGP_ERR_CEASE && subcode == BGP_CEASE_HARD_RESET ?
	    BGP_GR_END_HARD : BGP_GR_END_NOTIF;
}

bool bgp_gr_keep_routes(const struct bgp_neg *n, enum bgp_gr_end end)
{
	if (!n->gr || n->peer_gr_time == 0)
		return false;
	switch (end) {
	case BGP_GR_END_CLOSED:
		return true;		/* RFC 4724 §4.2 */
	case BGP_GR_END_NOTIF:
		return n->gr_notification;	/* RFC 8538 §4 */
	case BGP_GR_END_HARD:
	default:
		return false;		/* RFC 8538 §3.2 */
	}
}

/* ---- KEEPALIVE, ROUTE-REFRESH ---------------------------------------- */

size_t bgp_keepalive_encode(uint8_t *buf, size_t cap)
{
	struct wr w = wr_init(buf, cap);
	size_t start = bgp_msg_begin(&w, BGP_MSG_KEEPALIVE);
	bgp_msg_end(&w, start);
	return w.overflow ? 0 : w.len;
}

bool bgp_refresh_decode(const uint8_t *msg, size_t len, struct bgp_refresh *r,
    struct bgp_err *err)
{
	struct rd rd = rd_init(msg, len);

	rd_skip(&rd, BGP_HDR_LEN);
	rd_u16(&rd, &r->afi);
	rd_u8(&rd, &r->subtype);
	rd_u8(&rd, &r->safi);
	/* RFC 7313 §5: anything but 4 octets of body; data is the message. */
	if (rd.failed || rd_left(&rd) != 0) {
		bgp_err_set(err, BGP_ERR_REFRESH, BGP_REFRESH_BAD_LEN, msg, len);
		return false;
	}
	return true;
}

size_t bgp_refresh_encode(uint8_t *buf, size_t cap,
    const struct bgp_refresh *r)
{
	struct wr w = wr_init(buf, cap);
	size_t start = bgp_msg_begin(&w, BGP_MSG_ROUTE_REFRESH);
	wr_u16(&w, r->afi);
	wr_u8(&w, r->subtype);
	wr_u8(&w, r->safi);
	bgp_msg_end(&w, start);
	return w.overflow ? 0 : w.len;
}
