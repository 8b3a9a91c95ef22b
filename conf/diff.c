/*
 * diff.c - what a reload must do about a neighbor: which of its
 * statements need a new BGP session when they change.  Pure: the daemon
 * (bgpd/reload.c) decides what to do with the answer.
 */
#include "conf/conf_int.h"

#include <string.h>

/*
 * The OPEN, the TCP connection or the socket options depend on these; a
 * change needs a new session.  The others (next hops, timers that apply
 * later, max-prefix, description, shutdown, track-interface) are applied
 * to the running session.
 */
const char *conf_session_change(const struct conf_neighbor *a,
    const struct conf_neighbor *b)
{
	if (!prefix_equal(&a->addr, &b->addr))
		return "address";
	if (a->port != b->port)
		return "port";
	if (a->remote_as != b->remote_as)
		return "remote-as";
	if (a->local_as != b->local_as)
		return "local-as";
	if (!prefix_equal(&a->local_addr, &b->local_addr))
		return "local-address";
	if (a->hold_time != b->hold_time)
		return "hold-time";
	if (a->keepalive != b->keepalive)
		return "keepalive";
	if (a->passive != b->passive)
		return "passive";
	if ((a->password == NULL) != (b->password == NULL) ||
	    (a->password && strcmp(a->password, b->password) != 0))
		return "password";
	if (a->multihop != b->multihop)
		return "multihop";
	if (a->ttl_security != b->ttl_security)
		return "ttl-security";
	if (a->graceful_restart != b->graceful_restart ||
	    a->restart_time != b->restart_time)
		return "graceful-restart";
	return NULL;
}
