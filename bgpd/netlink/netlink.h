/*
 * netlink.h - lbbgpd and the host, through rtnetlink (libnl): VIPs as
 * addresses on the vip-interface, track-interface, import-addresses, and
 * the check that every neighbor's local-address is an address of the host.
 *
 * Entry points for daemon.c and for the reload: nl_start() once the RIB
 * and the state file are loaded and the peers exist (before they start);
 * nl_stop() at exit; after a reload, nl_rib_replaced() as soon as d->rib
 * is the new RIB, then nl_reconf() (before new peers start, so a peer
 * whose tracked link is down never starts).  Nothing here caches a
 * pointer into d->conf or d->rib beyond one call.
 */
#ifndef LBBGP_NETLINK_H
#define LBBGP_NETLINK_H

#include <stdbool.h>

struct lbbgpd;
struct conf;

/*
 * Open the netlink sockets the config needs, create the vip-interface
 * when missing, put every VIP on it, read the tracked links and the
 * imported addresses.  False (after logging why and what to do) when
 * lbbgpd cannot run with this config on this host.
 */
bool nl_start(struct lbbgpd *d);
/* Close everything.  The host keeps the VIP addresses (see lbbgpd(8)). */
void nl_stop(struct lbbgpd *d);
/*
 * d->conf was replaced (old is the previous one, still readable): follow
 * a new vip-interface, track lists, imports and local-addresses.  False
 * when the new vip-interface cannot be set up (logged; the rest applied).
 */
bool nl_reconf(struct lbbgpd *d, const struct conf *old);
/* d->rib was replaced: hook it, carry the suspension over, sync VIPs. */
void nl_rib_replaced(struct lbbgpd *d);

/* Full reconcile of the vip-interface's addresses with the RIB's VIPs. */
void nl_vips_sync(struct lbbgpd *d);
/* Full reconcile of the imported addresses with the RIB. */
void nl_imports_sync(struct lbbgpd *d);

/* The global track-interface that is down now, or NULL: no route is
 * announced while there is one (for show-neighbors notes). */
const char *nl_suspended_by(const struct lbbgpd *d);
/* Every route change is on the wire (no peer has a backlog): a removal
 * of a VIP's address that waited for its withdrawal goes ahead. */
void nl_routes_sent(struct lbbgpd *d);

#endif
