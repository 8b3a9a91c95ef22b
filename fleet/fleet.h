/*
 * fleet.h - the fleet's pure parts (docs/FLEET.md): the names of its keys
 * in etcd, the hosts/ records, and who claims an `announce one` VIP when.
 *
 * No I/O and no clock here: bgpd/fleet/ talks to etcd and keeps time; what
 * it decides is decided by these functions, so unit tests can check every
 * rule without an etcd.
 */
#ifndef LBBGP_FLEET_H
#define LBBGP_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm/prefix.h"

/* ---- keys ------------------------------------------------------------- */

enum fleet_kind {
	FLEET_K_OTHER,		/* under the prefix, not ours: skipped */
	FLEET_K_HOST,		/* hosts/NODE */
	FLEET_K_VIP,		/* vips/ADDRESS */
	FLEET_K_ANNOUNCER,	/* announcers/ADDRESS */
};

/* Longest key we write: prefix, kind, name. */
#define FLEET_KEY_MAX	256
/* Node and cluster names: [A-Za-z0-9._-], 1 to 63 characters. */
#define FLEET_NAME_MAX	63

/* "/lbbgp/CLUSTER/" into buf; its length, or 0 if it does not fit. */
size_t fleet_prefix(const char *cluster, char *buf, size_t size);
/* PREFIX + "hosts/" + name (or vips/, announcers/); 0 if it does not fit. */
size_t fleet_key(const char *prefix, enum fleet_kind kind, const char *name,
    char *buf, size_t size);
/* The same for an address, in its canonical text form. */
size_t fleet_key_addr(const char *prefix, enum fleet_kind kind,
    const struct prefix *a, char *buf, size_t size);
/*
 * What a key under prefix is.  Host: *name is the node (NUL-terminated
 * copy into name, at most FLEET_NAME_MAX); VIP and announcer: *a is the
 * address, which must be in canonical form.  Anything else (a bad name,
 * another folder, a key outside the prefix) is FLEET_K_OTHER.
 */
enum fleet_kind fleet_key_parse(const char *prefix, const char *key,
    size_t keylen, char name[FLEET_NAME_MAX + 1], struct prefix *a);
bool fleet_name_ok(const char *s);

/* ---- hosts/NODE ------------------------------------------------------- */

enum fleet_check_state {
	FLEET_CHECK_PENDING,	/* no result yet */
	FLEET_CHECK_UP,
	FLEET_CHECK_DOWN,	/* or disabled */
};

struct fleet_check {
	char *name;
	enum fleet_check_state state;
};

struct fleet_host {
	char node[FLEET_NAME_MAX + 1];
	char router_id[16];		/* dotted quad */
	char version[32];
	int64_t started;		/* seconds since 1970 */
	struct fleet_check *checks;	/* sorted by name */
	size_t nchecks;
};

/* The value of hosts/NODE, malloc'd JSON text; NULL when out of memory. */
char *fleet_host_encode(const struct fleet_host *h);
/* Parse a value (len bytes, not NUL-terminated); false when malformed
 * (*h is then empty).  fleet_host_free() either way. */
bool fleet_host_parse(const char *json, size_t len, struct fleet_host *h);
void fleet_host_free(struct fleet_host *h);
/* The published state of a check; PENDING when the host has none such. */
enum fleet_check_state fleet_host_check(const struct fleet_host *h,
    const char *check);
const char *fleet_check_state_name(enum fleet_check_state s);

/* The value of announcers/ADDRESS: {"node":"NODE"}; parse into node. */
size_t fleet_announcer_encode(const char *node, char *buf, size_t size);
bool fleet_announcer_parse(const char *json, size_t len,
    char node[FLEET_NAME_MAX + 1]);

/* ---- who announces an `announce one` VIP ------------------------------- */

/* Rendezvous (highest random weight) score of a node for a VIP. */
uint64_t fleet_hrw(const char *node, const struct prefix *vip);
/*
 * The place of `me` among the candidates for a vacant VIP (live hosts
 * whose check for it is up, me included): 0 is the first.  SIZE_MAX when
 * me is not among them.  Ties (equal scores) go by node name.
 */
size_t fleet_rank(const char *me, const char *const *cands, size_t n,
    const struct prefix *vip);
/* Seconds the rank-th candidate waits before claiming a vacant VIP. */
#define FLEET_CLAIM_STEP	0.5
double fleet_claim_delay(size_t rank);
/*
 * When a host whose keep-alives fail must stop announcing its `one` VIPs
 * (seconds after the last keep-alive etcd acknowledged was sent): before
 * the lease can expire on etcd's side, so that the host that takes over
 * never announces beside it.  lease - 2 s, at least half the lease.
 */
double fleet_one_deadline(unsigned lease);

#endif
