/*
 * names.c - the names of BGP codes, for logs and for users.
 *
 * Tables indexed by code; a _Static_assert keeps each table in step with
 * its enum.  Lookups never fail: unknown codes read "unknown".
 */
#include "bgp.h"
#include "prefix.h"
#include "util/buf.h"

#include <string.h>


static const char *const msg_type_names[] = {
	[0] = NULL,
	[BGP_MSG_OPEN] = "OPEN",
	[BGP_MSG_UPDATE] = "UPDATE",
	[BGP_MSG_NOTIFICATION] = "NOTIFICATION",
	[BGP_MSG_KEEPALIVE] = "KEEPALIVE",
	[BGP_MSG_ROUTE_REFRESH] = "ROUTE-REFRESH",
};
_Static_assert(NELEM(msg_type_names) == BGP_MSG_TYPE_MAX,
    "one name per message type");

static const char *const err_code_names[] = {
	[BGP_ERR_NONE] = "no error",
	[BGP_ERR_HEADER] = "Message Header Error",
	[BGP_ERR_OPEN] = "OPEN Message Error",
	[BGP_ERR_UPDATE] = "UPDATE Message Error",
	[BGP_ERR_HOLD] = "Hold Timer Expired",
	[BGP_ERR_FSM] = "Finite State Machine Error",
	[BGP_ERR_CEASE] = "Cease",
	[BGP_ERR_REFRESH] = "ROUTE-REFRESH Message Error",
	[BGP_ERR_SEND_HOLD] = "Send Hold Timer Expired",
};
_Static_assert(NELEM(err_code_names) == BGP_ERR_CODE_MAX,
    "one name per error code");

static const char *const header_sub_names[] = {
	[0] = "Unspecific",
	[BGP_HDR_NOT_SYNC] = "Connection Not Synchronized",
	[BGP_HDR_BAD_LEN] = "Bad Message Length",
	[BGP_HDR_BAD_TYPE] = "Bad Message Type",
};

static const char *const open_sub_names[] = {
	[0] = "Unspecific",
	[BGP_OPEN_BAD_VERSION] = "Unsupported Version Number",
	[BGP_OPEN_BAD_PEER_AS] = "Bad Peer AS",
	[BGP_OPEN_BAD_ID] = "Bad BGP Identifier",
	[BGP_OPEN_BAD_OPT] = "Unsupported Optional Parameter",
	[BGP_OPEN_AUTH_FAIL] = "Authentication Failure (deprecated)",
	[BGP_OPEN_BAD_HOLD] = "Unacceptable Hold Time",
	[BGP_OPEN_UNSUP_CAP] = "Unsupported Capability",
	[8] = "Deprecated (8)",
	[9] = "Deprecated (9)",
	[10] = "Deprecated (10)",
	[BGP_OPEN_ROLE_MISMATCH] = "Role Mismatch",
};

static const char *const update_sub_names[] = {
	[0] = "Unspecific",
	[BGP_UPD_MALFORMED_ATTR_LIST] = "Malformed Attribute List",
	[BGP_UPD_UNKNOWN_WELLKNOWN] = "Unrecognized Well-known Attribute",
	[BGP_UPD_MISSING_WELLKNOWN] = "Missing Well-known Attribute",
	[BGP_UPD_ATTR_FLAGS] = "Attribute Flags Error",
	[BGP_UPD_ATTR_LEN] = "Attribute Length Error",
	[BGP_UPD_BAD_ORIGIN] = "Invalid ORIGIN Attribute",
	[BGP_UPD_AS_LOOP] = "AS Routing Loop (deprecated)",
	[BGP_UPD_BAD_NEXTHOP] = "Invalid NEXT_HOP Attribute",
	[BGP_UPD_OPT_ATTR] = "Optional Attribute Error",
	[BGP_UPD_BAD_NETWORK] = "Invalid Network Field",
	[BGP_UPD_BAD_AS_PATH] = "Malformed AS_PATH",
};

static const char *const fsm_sub_names[] = {
	[BGP_FSM_UNSPEC] = "Unspecified Error",
	[BGP_FSM_IN_OPENSENT] = "Receive Unexpected Message in OpenSent State",
	[BGP_FSM_IN_OPENCONFIRM] =
	    "Receive Unexpected Message in OpenConfirm State",
	[BGP_FSM_IN_ESTABLISHED] =
	    "Receive Unexpected Message in Established State",
};

static const char *const cease_sub_names[] = {
	[0] = "Unspecific",
	[BGP_CEASE_MAX_PREFIX] = "Maximum Number of Prefixes Reached",
	[BGP_CEASE_ADMIN_SHUTDOWN] = "Administrative Shutdown",
	[BGP_CEASE_PEER_DECONF] = "Peer De-configured",
	[BGP_CEASE_ADMIN_RESET] = "Administrative Reset",
	[BGP_CEASE_CONN_REJECTED] = "Connection Rejected",
	[BGP_CEASE_CONFIG_CHANGE] = "Other Configuration Change",
	[BGP_CEASE_COLLISION] = "Connection Collision Resolution",
	[BGP_CEASE_RESOURCES] = "Out of Resources",
	[BGP_CEASE_HARD_RESET] = "Hard Reset",
	[BGP_CEASE_BFD_DOWN] = "BFD Down",
};

static const char *const refresh_sub_names[] = {
	[0] = "Reserved",
	[BGP_REFRESH_BAD_LEN] = "Invalid Message Length",
};

static const char *const hold_sub_names[] = {
	[0] = "Unspecific",
};

/* A table of names and its size. */
#define NAMES(t)	{ .names = (t), .n = NELEM(t) }

static const struct {
	const char *const *names;
	size_t n;
} sub_tables[] = {
	[BGP_ERR_NONE] = NAMES(hold_sub_names),
	[BGP_ERR_HEADER] = NAMES(header_sub_names),
	[BGP_ERR_OPEN] = NAMES(open_sub_names),
	[BGP_ERR_UPDATE] = NAMES(update_sub_names),
	[BGP_ERR_HOLD] = NAMES(hold_sub_names),
	[BGP_ERR_FSM] = NAMES(fsm_sub_names),
	[BGP_ERR_CEASE] = NAMES(cease_sub_names),
	[BGP_ERR_REFRESH] = NAMES(refresh_sub_names),
	[BGP_ERR_SEND_HOLD] = NAMES(hold_sub_names),
};
_Static_assert(NELEM(sub_tables) == BGP_ERR_CODE_MAX,
    "one subcode table per error code");

static const char *const cap_names[] = {
	[BGP_CAP_MP] = "multiprotocol",
	[BGP_CAP_ROUTE_REFRESH] = "route-refresh",
	[BGP_CAP_EXT_NEXTHOP] = "extended-nexthop",
	[BGP_CAP_EXT_MESSAGE] = "extended-message",
	[BGP_CAP_ROLE] = "role",
	[BGP_CAP_GRACEFUL_RESTART] = "graceful-restart",
	[BGP_CAP_AS4] = "4-octet-as",
	[BGP_CAP_ADD_PATH] = "add-path",
	[BGP_CAP_ENHANCED_REFRESH] = "enhanced-route-refresh",
	[BGP_CAP_LLGR] = "long-lived-graceful-restart",
	[BGP_CAP_FQDN] = "fqdn",
	[BGP_CAP_CISCO_REFRESH] = "route-refresh-old",
};

const char *bgp_name_lookup(const char *const *names, size_t n, unsigned i)
{
	return i < n && names[i] != NULL ? names[i] : "unknown";
}

const char *bgp_msg_type_name(unsigned type)
{
	return bgp_name_lookup(msg_type_names, NELEM(msg_type_names), type);
}

const char *bgp_err_code_name(unsigned code)
{
	return bgp_name_lookup(err_code_names, NELEM(err_code_names), code);
}

const char *bgp_err_subcode_name(unsigned code, unsigned subcode)
{
	if (code >= NELEM(sub_tables))
		return "unknown";
	return bgp_name_lookup(sub_tables[code].names, sub_tables[code].n,
	    subcode);
}

const char *bgp_cap_name(unsigned code)
{
	return bgp_name_lookup(cap_names, NELEM(cap_names), code);
}

/* RFC 1997, RFC 3765, RFC 7999, RFC 8326 */
static const struct {
	uint32_t value;
	const char *name;
} community_names[] = {
	{ .value = BGP_COMM_GRACEFUL_SHUTDOWN, .name = "graceful-shutdown" },
	{ .value = BGP_COMM_BLACKHOLE, .name = "blackhole" },
	{ .value = BGP_COMM_NO_EXPORT, .name = "no-export" },
	{ .value = BGP_COMM_NO_ADVERTISE, .name = "no-advertise" },
	{ .value = BGP_COMM_NO_EXPORT_SUBCONFED,
	    .name = "no-export-subconfed" },
	{ .value = BGP_COMM_NO_PEER, .name = "no-peer" },
	/* Aliases after the names we print. */
	{ .value = BGP_COMM_NO_EXPORT_SUBCONFED, .name = "local-as" },
};

const char *bgp_community_name(uint32_t c)
{
	for (size_t i = 0; i < NELEM(community_names); i++)
		if (community_names[i].value == c)
			return community_names[i].name;
	return NULL;
}

const char *bgp_community_known(size_t i, uint32_t *c)
{
	if (i >= NELEM(community_names))
		return NULL;
	if (c != NULL)
		*c = community_names[i].value;
	return community_names[i].name;
}

bool bgp_community_by_name(const char *name, uint32_t *c)
{
	for (size_t i = 0; i < NELEM(community_names); i++) {
		if (strcmp(community_names[i].name, name) == 0) {
			*c = community_names[i].value;
			return true;
		}
	}
	return false;
}

const char *bgp_origin_name(unsigned origin)
{
	static const char *const n[] = {
		[BGP_ORIGIN_IGP] = "IGP",
		[BGP_ORIGIN_EGP] = "EGP",
		[BGP_ORIGIN_INCOMPLETE] = "incomplete",
	};
	return bgp_name_lookup(n, NELEM(n), origin);
}

const char *bgp_afi_name(unsigned afi)
{
	static const char *const n[] = {
		[AFI_IPV4] = "IPv4",
		[AFI_IPV6] = "IPv6",
	};
	return bgp_name_lookup(n, NELEM(n), afi);
}

const char *bgp_safi_name(unsigned safi)
{
	static const char *const n[] = {
		[SAFI_UNICAST] = "unicast",
		[2] = "multicast",		/* RFC 4760 */
	};
	return bgp_name_lookup(n, NELEM(n), safi);
}

void bgp_err_set_val(struct bgp_err *e, uint8_t code, uint8_t subcode,
    uint32_t val, unsigned width)
{
	for (unsigned i = 0; i < width && i < sizeof(e->own); i++)
		e->own[i] = (uint8_t)(val >> (8 * (width - 1 - i)));
	bgp_err_set(e, code, subcode, NULL, width);
}
