/*
 * codes.h - the machine codes of the control protocol.
 *
 * Every failed request answers {"ok":false,"code":...}: the code is one
 * of enum ctl_code, spelt by ctl_code_name().  rib/ owns the codes of
 * holding a VIP (enum rib_err): they are the first values here, equal to
 * rib's, so a rib_res error is a ctl_code as it is and rib_err_code() is
 * the one place that spells them.  docs/control-protocol.md lists every
 * code (tests/unit/check_ctlcodes.c holds the two to each other).  Pure:
 * no JSON, no sockets.
 */
#ifndef LBBGP_CTL_CODES_H
#define LBBGP_CTL_CODES_H

#include "rib/rib.h"

enum ctl_code {
	CTL_OK = RIB_OK,
	/* rib/'s, spelt by rib_err_code() */
	CTL_E_NOT_IN_POOL = RIB_E_NOT_IN_POOL,
	CTL_E_WRONG_POOL = RIB_E_WRONG_POOL,
	CTL_E_UNKNOWN_POOL = RIB_E_UNKNOWN_POOL,
	CTL_E_VIP_IN_USE = RIB_E_VIP_IN_USE,
	CTL_E_NOT_HELD = RIB_E_NOT_HELD,
	CTL_E_POOL_EXHAUSTED = RIB_E_POOL_EXHAUSTED,
	CTL_E_BAD_ADDRESS = RIB_E_BAD_ADDRESS,
	CTL_E_STATIC = RIB_E_STATIC,
	CTL_E_NOMEM = RIB_E_NOMEM,
	CTL_E_NO_CHECK = RIB_E_NO_CHECK,
	/* the control protocol's own, spelt by codes.c */
	CTL_E_BAD_JSON = RIB_E_MAX,
	CTL_E_BAD_REQUEST,
	CTL_E_UNKNOWN_COMMAND,
	CTL_E_DENIED,
	CTL_E_BUSY,
	CTL_E_LINE_TOO_LONG,
	CTL_E_BAD_COMMUNITY,
	CTL_E_UNKNOWN_NEIGHBOR,
	CTL_E_BAD_ACTION,
	CTL_E_NOT_ESTABLISHED,
	CTL_E_NO_REFRESH,
	CTL_E_STATE_WRITE_FAILED,
	CTL_E_STOPPING,
	CTL_E_CONFIG_ERROR,
	CTL_E_RELOAD_FAILED,
	CTL_E_STORE_UNAVAILABLE,	/* fleet: etcd cannot take a write */
	CTL_E_MAX
};

/* A rib/ error as the control protocol answers it. */
static inline enum ctl_code ctl_code_of_rib(enum rib_err e)
{
	return (enum ctl_code)e;
}

/* "bad-request" etc.; "unknown" for a value out of range. */
const char *ctl_code_name(enum ctl_code c);

#endif
