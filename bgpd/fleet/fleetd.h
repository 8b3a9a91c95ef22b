/*
 * fleetd.h - lbbgpd's side of the fleet (docs/FLEET.md): its lease and
 * hosts/ key in etcd, the mirror of the shared VIP table that drives the
 * RIB, the writes of add, withdraw and allocate, and the claims of
 * `announce one` VIPs.  Everything goes through etcd.h; what the keys
 * mean and who claims what is fleet/ (pure).  Nothing here when the
 * config has no fleet block.
 */
#ifndef LBBGP_FLEETD_H
#define LBBGP_FLEETD_H

#include <stdbool.h>

#include "bgpd/bgpd.h"

struct ctl_req;
struct json_object;
struct om;

/* With a fleet block: connect, take the node name, read and watch.
 * False (logged) only when out of memory. */
bool fleetd_start(struct lbbgpd *d);
void fleetd_stop(struct lbbgpd *d);
/* The VIP table lives in etcd: add, withdraw and allocate go there. */
bool fleetd_active(const struct lbbgpd *d);
/* Control handlers in fleet mode (the reply comes once etcd committed). */
void fleetd_cmd_add(struct ctl_req *r);
void fleetd_cmd_withdraw(struct ctl_req *r);
void fleetd_cmd_allocate(struct ctl_req *r);
/* show-fleet. */
void fleetd_cmd_show(struct ctl_req *r);
/* A check changed state here: publish it, give up claims it fails. */
void fleetd_checks_changed(struct lbbgpd *d);
/* After a reload built a new RIB: the claims again. */
void fleetd_reloaded(struct lbbgpd *d);
/* {"cluster","node","state","error"} for show-neighbors (summary). */
struct json_object *fleetd_summary_json(const struct lbbgpd *d);
/* Which hosts announce v, as a JSON array of node names (show-vips). */
struct json_object *fleetd_announcers_json(const struct lbbgpd *d,
    const struct vip *v);
/* Its metrics (lbbgp_fleet_*). */
void fleetd_metrics(struct om *o, const struct lbbgpd *d);
/* "live", "starting", "degraded"; NULL without a fleet. */
const char *fleetd_state(const struct lbbgpd *d);

#endif
