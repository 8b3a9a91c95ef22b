/*
 * bgp.h - BGP-4 protocol constants and their names.
 *
 * Every code that can reach a log line or a user has a named constant
 * here and a name in names.c; code elsewhere never writes a bare number
 * for a message type, error code, capability or attribute.
 */
#ifndef LBBGP_BGP_H
#define LBBGP_BGP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BGP_VERSION		4
#define BGP_PORT		179
#define BGP_MARKER_LEN		16
#define BGP_HDR_LEN		19
#define BGP_MAX_LEN		4096	/* RFC 4271 §4.1 */
#define BGP_EXT_MAX_LEN		65535	/* RFC 8654 */
#define BGP_OPEN_MIN_LEN	29
#define BGP_UPDATE_MIN_LEN	23
#define BGP_NOTIFY_MIN_LEN	21
#define BGP_KEEPALIVE_LEN	19
#define BGP_REFRESH_LEN		23
#define BGP_AS_TRANS		23456	/* RFC 6793 */
#define BGP_HOLD_OPENSENT	240	/* RFC 4271 §8: "4 minutes" */

enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,	/* RFC 2918 */
	BGP_MSG_TYPE_MAX
};

/* NOTIFICATION error codes (RFC 4271 §4.5, RFC 7313, RFC 9687). */
enum bgp_err_code {
	BGP_ERR_NONE = 0,
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
	BGP_ERR_REFRESH = 7,
	BGP_ERR_SEND_HOLD = 8,
	BGP_ERR_CODE_MAX
};

enum bgp_header_sub {
	BGP_HDR_NOT_SYNC = 1,
	BGP_HDR_BAD_LEN = 2,
	BGP_HDR_BAD_TYPE = 3,
};

enum bgp_open_sub {
	BGP_OPEN_BAD_VERSION = 1,
	BGP_OPEN_BAD_PEER_AS = 2,
	BGP_OPEN_BAD_ID = 3,
	BGP_OPEN_BAD_OPT = 4,
	BGP_OPEN_AUTH_FAIL = 5,		/* deprecated */
	BGP_OPEN_BAD_HOLD = 6,
	BGP_OPEN_UNSUP_CAP = 7,		/* RFC 5492 */
	BGP_OPEN_ROLE_MISMATCH = 11,	/* RFC 9234 */
};

enum bgp_update_sub {
	BGP_UPD_MALFORMED_ATTR_LIST = 1,
	BGP_UPD_UNKNOWN_WELLKNOWN = 2,
	BGP_UPD_MISSING_WELLKNOWN = 3,
	BGP_UPD_ATTR_FLAGS = 4,
	BGP_UPD_ATTR_LEN = 5,
	BGP_UPD_BAD_ORIGIN = 6,
	BGP_UPD_AS_LOOP = 7,		/* deprecated */
	BGP_UPD_BAD_NEXTHOP = 8,
	BGP_UPD_OPT_ATTR = 9,
	BGP_UPD_BAD_NETWORK = 10,
	BGP_UPD_BAD_AS_PATH = 11,
};

/* RFC 6608 */
enum bgp_fsm_sub {
	BGP_FSM_UNSPEC = 0,
	BGP_FSM_IN_OPENSENT = 1,
	BGP_FSM_IN_OPENCONFIRM = 2,
	BGP_FSM_IN_ESTABLISHED = 3,
};

/* RFC 4486, RFC 8538 */
enum bgp_cease_sub {
	BGP_CEASE_MAX_PREFIX = 1,
	BGP_CEASE_ADMIN_SHUTDOWN = 2,
	BGP_CEASE_PEER_DECONF = 3,
	BGP_CEASE_ADMIN_RESET = 4,
	BGP_CEASE_CONN_REJECTED = 5,
	BGP_CEASE_CONFIG_CHANGE = 6,
	BGP_CEASE_COLLISION = 7,
	BGP_CEASE_RESOURCES = 8,
	BGP_CEASE_HARD_RESET = 9,
	BGP_CEASE_BFD_DOWN = 10,
};

/* RFC 7313 */
enum bgp_refresh_sub {
	BGP_REFRESH_BAD_LEN = 1,
};

/* Capability codes (IANA "Capability Codes"). */
enum bgp_cap_code {
	BGP_CAP_MP = 1,			/* RFC 4760 */
	BGP_CAP_ROUTE_REFRESH = 2,	/* RFC 2918 */
	BGP_CAP_EXT_NEXTHOP = 5,	/* RFC 8950 */
	BGP_CAP_EXT_MESSAGE = 6,	/* RFC 8654 */
	BGP_CAP_ROLE = 9,		/* RFC 9234 */
	BGP_CAP_GRACEFUL_RESTART = 64,	/* RFC 4724 */
	BGP_CAP_AS4 = 65,		/* RFC 6793 */
	BGP_CAP_ADD_PATH = 69,		/* RFC 7911 */
	BGP_CAP_ENHANCED_REFRESH = 70,	/* RFC 7313 */
	BGP_CAP_LLGR = 71,		/* RFC 9494 */
	BGP_CAP_FQDN = 73,
	BGP_CAP_CISCO_REFRESH = 128,	/* pre-standard route refresh */
};

/* OPEN optional parameter types. */
enum {
	BGP_OPT_CAPABILITIES = 2,	/* RFC 5492 */
	BGP_OPT_EXTENDED_LEN = 255,	/* RFC 9072 */
};

/* Path attribute type codes. */
enum bgp_attr_code {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGREGATE = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,	/* RFC 1997 */
	BGP_ATTR_ORIGINATOR_ID = 9,	/* RFC 4456 */
	BGP_ATTR_CLUSTER_LIST = 10,	/* RFC 4456 */
	BGP_ATTR_MP_REACH = 14,		/* RFC 4760 */
	BGP_ATTR_MP_UNREACH = 15,	/* RFC 4760 */
	BGP_ATTR_EXT_COMMUNITIES = 16,	/* RFC 4360 */
	BGP_ATTR_AS4_PATH = 17,		/* RFC 6793 */
	BGP_ATTR_AS4_AGGREGATOR = 18,	/* RFC 6793 */
	BGP_ATTR_LARGE_COMMUNITY = 32,	/* RFC 8092 */
	BGP_ATTR_OTC = 35,		/* RFC 9234 */
};

/* Attribute flag bits (RFC 4271 §4.3). */
#define BGP_ATTRF_OPTIONAL	0x80
#define BGP_ATTRF_TRANSITIVE	0x40
#define BGP_ATTRF_PARTIAL	0x20
#define BGP_ATTRF_EXTLEN	0x10

enum bgp_origin {
	BGP_ORIGIN_IGP = 0,
	BGP_ORIGIN_EGP = 1,
	BGP_ORIGIN_INCOMPLETE = 2,
};

/* AS_PATH segment types (RFC 4271, RFC 5065). */
enum {
	BGP_AS_SET = 1,
	BGP_AS_SEQUENCE = 2,
	BGP_AS_CONFED_SEQUENCE = 3,
	BGP_AS_CONFED_SET = 4,
};

/* ROUTE-REFRESH message subtypes (RFC 7313). */
enum {
	BGP_RR_REQUEST = 0,
	BGP_RR_BORR = 1,
	BGP_RR_EORR = 2,
};

/* Well-known communities (RFC 1997, RFC 3765, RFC 7999, RFC 8326). */
#define BGP_COMM_GRACEFUL_SHUTDOWN	0xFFFF0000u
#define BGP_COMM_BLACKHOLE		0xFFFF029Au
#define BGP_COMM_NO_EXPORT		0xFFFFFF01u
#define BGP_COMM_NO_ADVERTISE		0xFFFFFF02u
#define BGP_COMM_NO_EXPORT_SUBCONFED	0xFFFFFF03u
#define BGP_COMM_NO_PEER		0xFFFFFF04u

/*
 * A protocol error found by a decoder: what NOTIFICATION would be sent.
 * Decoders fill it and return; they never act on it.  data points into
 * the received message (valid while it is); when it is NULL the data is
 * in own[], so the struct can be copied.  Read it with bgp_err_data().
 */
struct bgp_err {
	uint8_t code;		/* enum bgp_err_code; 0 = no error */
	uint8_t subcode;
	uint16_t len;		/* bytes of data */
	const uint8_t *data;	/* NULL: data is own[] */
	uint8_t own[8];		/* small data built by the decoder */
};

static inline const uint8_t *bgp_err_data(const struct bgp_err *e)
{
	return e->data != NULL ? e->data : e->own;
}

static inline void bgp_err_set(struct bgp_err *e, uint8_t code,
    uint8_t subcode, const uint8_t *data, size_t len)
{
	e->code = code;
	e->subcode = subcode;
	e->data = data;
	e->len = (uint16_t)len;
}

/* Set an error whose data is a 1-, 2- or 4-byte value, copied to own[]. */
void bgp_err_set_val(struct bgp_err *e, uint8_t code, uint8_t subcode,
    uint32_t val, unsigned width);

/* names[i]; "unknown" past the end of the table and for its gaps. */
const char *bgp_name_lookup(const char *const *names, size_t n, unsigned i);

/* Names for logs and users; never NULL ("unknown" for codes not known). */
const char *bgp_msg_type_name(unsigned type);
const char *bgp_err_code_name(unsigned code);
const char *bgp_err_subcode_name(unsigned code, unsigned subcode);
const char *bgp_cap_name(unsigned code);
const char *bgp_attr_name(unsigned code);
const char *bgp_origin_name(unsigned origin);
const char *bgp_afi_name(unsigned afi);
const char *bgp_safi_name(unsigned safi);
/* "no-export" etc. for well-known communities, NULL for others. */
const char *bgp_community_name(uint32_t c);
bool bgp_community_by_name(const char *name, uint32_t *c);
/* The i-th known name (aliases last), NULL past the end. */
const char *bgp_community_known(size_t i, uint32_t *c);

#endif
