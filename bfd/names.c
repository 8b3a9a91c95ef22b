/*
 * names.c - the names of BFD codes, for logs, counters and users.
 *
 * RFC 5880's own names for states (§4.1), diagnostics (§4.1) and
 * authentication types (§4.1); lbbgp's for the reasons a packet is
 * dropped.  A _Static_assert keeps each table in step with its enum;
 * lookups never fail.  Nothing here may depend on a session.
 */
#include "bfd/bfd.h"
#include "fsm/bgp.h"
#include "util/buf.h"


static const char *const state_names[] = {
	[BFD_ADMIN_DOWN] = "AdminDown",
	[BFD_DOWN] = "Down",
	[BFD_INIT] = "Init",
	[BFD_UP] = "Up",
};
_Static_assert(NELEM(state_names) == BFD_NSTATES, "one name per state");

static const char *const diag_names[] = {
	[BFD_DIAG_NONE] = "No Diagnostic",
	[BFD_DIAG_DETECT_EXPIRED] = "Control Detection Time Expired",
	[BFD_DIAG_ECHO_FAILED] = "Echo Function Failed",
	[BFD_DIAG_NEIGHBOR_DOWN] = "Neighbor Signaled Session Down",
	[BFD_DIAG_FWD_RESET] = "Forwarding Plane Reset",
	[BFD_DIAG_PATH_DOWN] = "Path Down",
	[BFD_DIAG_CONCAT_PATH_DOWN] = "Concatenated Path Down",
	[BFD_DIAG_ADMIN_DOWN] = "Administratively Down",
	[BFD_DIAG_REV_CONCAT_PATH_DOWN] = "Reverse Concatenated Path Down",
};
_Static_assert(NELEM(diag_names) == BFD_NDIAGS, "one name per diagnostic");

static const char *const auth_type_names[] = {
	[BFD_AUTH_NONE] = "none",
	[BFD_AUTH_SIMPLE] = "Simple Password",
	[BFD_AUTH_KEYED_MD5] = "Keyed MD5",
	[BFD_AUTH_METICULOUS_MD5] = "Meticulous Keyed MD5",
	[BFD_AUTH_KEYED_SHA1] = "Keyed SHA1",
	[BFD_AUTH_METICULOUS_SHA1] = "Meticulous Keyed SHA1",
};
_Static_assert(NELEM(auth_type_names) == BFD_AUTH_NTYPES,
    "one name per authentication type");

static const char *const err_names[] = {
	[BFD_OK] = "ok",
	[BFD_ERR_VERSION] = "version is not 1",
	[BFD_ERR_LENGTH] = "Length below the minimum (24, or 26 with A)",
	[BFD_ERR_TRUNCATED] = "Length beyond the bytes received",
	[BFD_ERR_DETECT_MULT] = "Detect Mult is 0",
	[BFD_ERR_MULTIPOINT] = "Multipoint bit set",
	[BFD_ERR_MY_DISCR] = "My Discriminator is 0",
	[BFD_ERR_YOUR_DISCR] = "Your Discriminator is 0 in state Init or Up",
	[BFD_ERR_AUTH_UNSUPPORTED] = ("authentication type not supported "
	    "(only keyed SHA1 and meticulous keyed SHA1)"),
	[BFD_ERR_AUTH_LEN] = "Auth Len is not 28 or runs past Length",
	[BFD_ERR_WRONG_SESSION] = "Your Discriminator names another session",
	[BFD_ERR_AUTH_UNEXPECTED] =
	    "authenticated packet for a session without bfd-auth",
	[BFD_ERR_AUTH_MISSING] =
	    "unauthenticated packet for a session with bfd-auth",
	[BFD_ERR_AUTH_TYPE] = "authentication type differs from bfd-auth",
	[BFD_ERR_AUTH_KEY_ID] = "Auth Key ID differs from bfd-auth",
	[BFD_ERR_AUTH_DIGEST] = "authentication digest does not match the key",
	[BFD_ERR_AUTH_SEQ] = "authentication sequence number out of window",
};
_Static_assert(NELEM(err_names) == BFD_NERRS, "one name per error");

const char *bfd_state_name(unsigned state)
{
	return bgp_name_lookup(state_names, NELEM(state_names), state);
}

const char *bfd_diag_name(unsigned diag)
{
	return bgp_name_lookup(diag_names, NELEM(diag_names), diag);
}

const char *bfd_auth_type_name(unsigned type)
{
	return bgp_name_lookup(auth_type_names, NELEM(auth_type_names), type);
}

const char *bfd_err_name(enum bfd_err e)
{
	return bgp_name_lookup(err_names, NELEM(err_names), e);
}
