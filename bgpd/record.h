/*
 * record.h - a VIP's record: its pool and run-time owners as one JSON
 * object, {"vip":A,"pool":P,"owners":[{"owner":O,"sharing-key":K,
 * "check":C,"communities":[...]}]}.  A record is the whole run-time state
 * of its VIP: the state file's lines and the fleet's vips/ keys are
 * records (docs/FLEET.md).  No I/O here.
 */
#ifndef LBBGP_RECORD_H
#define LBBGP_RECORD_H

#include <json-c/json.h>
#include <stdbool.h>

#include "fsm/prefix.h"
#include "rib/rib.h"
#include "util/buf.h"

/* Communities an owner's record may carry. */
#define RECORD_MAX_COMMUNITIES	256

/* Append the record of VIP a as the RIB has it now, and a newline (no
 * owners listed: the VIP is gone). */
void record_put(struct buf *b, const struct rib *r, const struct prefix *a);
/*
 * The record VIP a would have with owner add added (replacing an owner
 * of its name) or owner drop gone (either NULL): what the fleet writes to
 * etcd before the RIB changes.  pool: the pool of a VIP the RIB does not
 * hold yet (NULL: none written).
 */
void record_put_change(struct buf *b, const struct rib *r,
    const struct prefix *a, const char *pool, const struct vip_req *add,
    const char *drop);
/* A string member of o, or NULL. */
const char *record_str(json_object *o, const char *key);
/* A record as it must look ({"vip": address, "owners": [...], ...}):
 * its address into *a. */
bool record_parse(json_object *rec, struct prefix *a);
/* Does the owners array name this owner? */
bool record_lists(json_object *owners, const char *name);
/*
 * Add owner o of record rec (VIP a) to the RIB: -1 when o is malformed,
 * 0 when the RIB refused it (res says why), 1 when added.  A pool the
 * config no longer has is replaced by the pool holding the address.
 */
int record_add_owner(struct rib *r, json_object *rec, const struct prefix *a,
    json_object *o, struct rib_res *res);
/* Withdraw the run-time owners of VIP a that owners does not list. */
void record_drop_unlisted(struct rib *r, const struct prefix *a,
    json_object *owners);

#endif
