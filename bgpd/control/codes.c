/*
 * codes.c - the names of the control protocol's own error codes.
 *
 * The wire spelling of each code, and nothing else: rib/'s codes are
 * spelt by rib_err_code(), never again here.  Pure.
 */
#include "bgpd/control/codes.h"
#include "util/buf.h"

static const char *const ctl_names[] = {
	[CTL_E_BAD_JSON - RIB_E_MAX] = "bad-json",
	[CTL_E_BAD_REQUEST - RIB_E_MAX] = "bad-request",
	[CTL_E_UNKNOWN_COMMAND - RIB_E_MAX] = "unknown-command",
	[CTL_E_DENIED - RIB_E_MAX] = "denied",
	[CTL_E_BUSY - RIB_E_MAX] = "busy",
	[CTL_E_LINE_TOO_LONG - RIB_E_MAX] = "line-too-long",
	[CTL_E_BAD_COMMUNITY - RIB_E_MAX] = "bad-community",
	[CTL_E_UNKNOWN_NEIGHBOR - RIB_E_MAX] = "unknown-neighbor",
	[CTL_E_BAD_ACTION - RIB_E_MAX] = "bad-action",
	[CTL_E_NOT_ESTABLISHED - RIB_E_MAX] = "not-established",
	[CTL_E_NO_REFRESH - RIB_E_MAX] = "no-refresh",
	[CTL_E_STATE_WRITE_FAILED - RIB_E_MAX] = "state-write-failed",
	[CTL_E_STOPPING - RIB_E_MAX] = "stopping",
	[CTL_E_CONFIG_ERROR - RIB_E_MAX] = "config-error",
	[CTL_E_RELOAD_FAILED - RIB_E_MAX] = "reload-failed",
	[CTL_E_STORE_UNAVAILABLE - RIB_E_MAX] = "store-unavailable",
};
_Static_assert(NELEM(ctl_names) ==
    CTL_E_MAX - RIB_E_MAX, "one name per control code");

const char *ctl_code_name(enum ctl_code c)
{
	if ((unsigned)c < RIB_E_MAX)
		return rib_err_code((enum rib_err)c);
	if ((unsigned)c < CTL_E_MAX)
		return ctl_names[c - RIB_E_MAX];
	return "unknown";
}
