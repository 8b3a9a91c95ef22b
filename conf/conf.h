/*
 * conf.h - lbbgp.conf as data: the parsed, validated configuration.
 *
 * conf/ is pure: it reads a file or a string, reports every problem as
 * "FILE:LINE: message", and hands back an immutable struct conf.  It never
 * touches sockets, the running daemon or the RIB; the daemon decides what
 * a new config means for live sessions (reload diff).  The one look at
 * the host, conf_check_host() (host.c), runs only when called.
 */
#ifndef LBBGP_CONF_H
#define LBBGP_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fsm/bgp.h"
#include "fsm/prefix.h"

#define CONF_DEFAULT_FILE	"/etc/lbbgp.conf"
#define CONF_DEFAULT_PORT	179
#define CONF_DEFAULT_HOLD	90
#define CONF_DEFAULT_CONNECT_RETRY 5
#define CONF_DEFAULT_RESTART_TIME 120
#define CONF_DEFAULT_LOCAL_PREF 100
#define CONF_DEFAULT_SOCKET_MODE 0660
#define CONF_DEFAULT_MAX_CLIENTS 256
#define CONF_IFNAMSIZ	16	/* IFNAMSIZ: names are 1..15 bytes */
#define CONF_DEFAULT_BFD_MIN_TX	300	/* milliseconds */
#define CONF_DEFAULT_BFD_MIN_RX	300	/* milliseconds */
#define CONF_DEFAULT_BFD_MULTIPLIER 3
/* bfd-min-tx and bfd-min-rx: milliseconds in this range. */
#define CONF_BFD_MIN_MS		10
#define CONF_BFD_MAX_MS		60000
#define CONF_BFD_KEY_MAX	20	/* RFC 5880 §4.4: keyed SHA1 keys */

struct large_community {
	uint32_t global;	/* global administrator (an AS) */
	uint32_t local1;
	uint32_t local2;
};

/* One "addresses" line of a pool: a CIDR block or an inclusive range. */
struct conf_range {
	struct prefix lo;	/* first address (host prefix) */
	struct prefix hi;	/* last address (host prefix) */
	uint8_t cidr_len;	/* written as CIDR: its length; range: 0 */
	bool is_cidr;
	int line;
};

/* announce all|one: which hosts of a fleet announce a pool's VIPs. */
enum conf_announce {
	CONF_ANNOUNCE_ALL,	/* every live host whose check is up */
	CONF_ANNOUNCE_ONE,	/* the one host elected through etcd */
	CONF_ANNOUNCE_COUNT
};

struct conf_pool {
	char *name;
	int line;
	struct conf_range *ranges;
	size_t nranges;
	bool auto_assign;	/* default yes */
	bool avoid_buggy_ips;	/* default no: skip .0 and .255 */
	char *check;		/* health check of every VIP, or NULL */
	size_t check_idx;	/* after validation: into conf.checks, or
				 * SIZE_MAX when none */
	enum conf_announce announce;	/* default all; one needs a fleet */
};

/* Bits of conf_neighbor.set: which statements appeared in the block. */
enum {
	NBR_SET_ADDRESS		= 1u << 0,
	NBR_SET_REMOTE_AS	= 1u << 1,
	NBR_SET_LOCAL_AS	= 1u << 2,
	NBR_SET_LOCAL_ADDRESS	= 1u << 3,
	NBR_SET_NEXT_HOP	= 1u << 4,
	NBR_SET_NEXT_HOP_V6	= 1u << 5,
	NBR_SET_PORT		= 1u << 6,
	NBR_SET_HOLD_TIME	= 1u << 7,
	NBR_SET_KEEPALIVE	= 1u << 8,
	NBR_SET_CONNECT_RETRY	= 1u << 9,
	NBR_SET_PASSIVE		= 1u << 10,
	NBR_SET_PASSWORD	= 1u << 11,
	NBR_SET_MULTIHOP	= 1u << 12,
	NBR_SET_TTL_SECURITY	= 1u << 13,
	NBR_SET_GRACEFUL_RESTART = 1u << 14,
	NBR_SET_MAX_PREFIX	= 1u << 15,
	NBR_SET_DESCRIPTION	= 1u << 16,
	NBR_SET_SHUTDOWN	= 1u << 17,
	NBR_SET_MIN_HOLD_TIME	= 1u << 18,
	NBR_SET_SEND_HOLD_TIME	= 1u << 19,
	NBR_SET_TRACK_INTERFACE	= 1u << 20,
	NBR_SET_BFD		= 1u << 21,
	NBR_SET_BFD_MIN_TX	= 1u << 22,
	NBR_SET_BFD_MIN_RX	= 1u << 23,
	NBR_SET_BFD_MULTIPLIER	= 1u << 24,
	NBR_SET_BFD_STRICT	= 1u << 25,
	NBR_SET_BFD_AUTH	= 1u << 26,
	NBR_SET_EXTENDED_NEXT_HOP = 1u << 27,
	NBR_SET_VRF		= 1u << 28,
};

/* bfd-auth: keyed SHA1 or meticulous keyed SHA1 (RFC 5880 §6.7.4). */
enum conf_bfd_auth {
	CONF_BFD_AUTH_NONE,
	CONF_BFD_AUTH_SHA1,
	CONF_BFD_AUTH_METICULOUS_SHA1,
	CONF_BFD_AUTH_COUNT
};

struct conf_neighbor {
	char *name;
	int line;
	uint32_t set;		/* NBR_SET_* */

	struct prefix addr;		/* host prefix */
	uint32_t remote_as;
	uint32_t local_as;		/* after validation: effective (global if unset) */
	struct prefix local_addr;	/* afi AFI_NONE when unset */
	struct prefix next_hop;		/* IPv4; AFI_NONE when unset */
	struct prefix next_hop_v6;	/* IPv6; AFI_NONE when unset */
	uint16_t port;			/* default 179 */
	uint16_t hold_time;		/* default 90; 0 or >= 3 */
	uint16_t keepalive;		/* default hold_time / 3 */
	uint16_t connect_retry;		/* default 5 */
	uint16_t min_hold_time;		/* 0: any hold time the RFC allows */
	uint16_t send_hold_time;	/* RFC 9687; 0: max(480, 2 x hold) */
	bool passive;
	char *password;			/* NULL when unset */
	uint8_t multihop;		/* eBGP TTL; 0 when unset */
	bool ttl_security;
	bool graceful_restart;
	uint16_t restart_time;		/* default 120 */
	uint32_t max_prefix;		/* 0 when unset */
	uint16_t max_prefix_restart;	/* minutes; 0 = stay down */
	char *description;		/* NULL when unset */
	bool shutdown;
	char *track_interface;		/* session down while it is; or NULL */
	/* BFD (RFC 5880; 5881 single hop, 5883 with multihop). */
	bool bfd;
	uint16_t bfd_min_tx_ms;		/* 10..60000; default 300 */
	uint16_t bfd_min_rx_ms;		/* 10..60000; default 300 */
	uint8_t bfd_multiplier;		/* 1..255; default 3 */
	bool bfd_strict;		/* BGP stays in Idle until BFD is Up */
	enum conf_bfd_auth bfd_auth;	/* CONF_BFD_AUTH_NONE when unset */
	uint8_t bfd_key_id;
	char *bfd_key;			/* 1..20 bytes; NULL when unset */
	bool extended_next_hop;		/* RFC 8950: IPv4 routes, IPv6 NH */
	char *vrf;			/* VRF device of the sockets; or NULL */
};

struct conf_adv {
	char *name;
	int line;
	char **pools;		/* as written; none listed = every pool */
	size_t npools;
	size_t *pool_idx;	/* after validation: indexes into conf.pools */
	size_t npool_idx;	/* npools, or conf.npools when none listed */
	uint32_t *communities;
	size_t ncommunities;
	struct large_community *large;
	size_t nlarge;
	uint8_t agg_len;	/* default 32 */
	uint8_t agg_len_v6;	/* default 128 */
	bool local_pref_set;
	uint32_t local_pref;	/* default 100; sent on iBGP only */
	bool med_set;
	uint32_t med;		/* MULTI_EXIT_DISC, when med_set */
	uint8_t prepend;	/* local AS this many more times (eBGP) */
	char **peers;		/* as written; none listed = every neighbor */
	size_t npeers;
	size_t *peer_idx;	/* after validation: indexes into conf.neighbors */
	size_t npeer_idx;	/* npeers, or conf.nneighbors when none listed */
};

/* as-path-prepend: at most this many more copies of the local AS. */
#define CONF_MAX_PREPEND	10

struct conf_vip {
	struct prefix addr;	/* host prefix */
	char *pool;		/* as written, or NULL */
	char *owner;		/* as written, or NULL (shown as "static") */
	size_t pool_idx;	/* after validation: the pool holding addr */
	char *check;		/* as written, or NULL */
	size_t check_idx;	/* after validation: into conf.checks, or
				 * SIZE_MAX when none */
	int line;
};

/* check NAME { ... }: a health probe and what its VIPs do when it fails. */
enum conf_check_kind { CHECK_HTTP, CHECK_TCP, CHECK_EXEC };

#define CONF_DEFAULT_INTERVAL_MS 2000
#define CONF_DEFAULT_TIMEOUT_MS	1000
#define CONF_DEFAULT_RISE	2
#define CONF_DEFAULT_FALL	3
#define CONF_DEFAULT_DRAIN_TIME	30
#define CONF_MAX_EXPECT		16	/* status codes in one expect */
#define CONF_MAX_ARGV		32	/* exec: program and arguments */

struct conf_check {
	char *name;
	int line;
	enum conf_check_kind kind;
	char *url;		/* http: "http://HOST[:PORT]/PATH" (or https) */
	struct prefix addr;	/* tcp: host prefix */
	uint16_t port;		/* tcp */
	char **argv;		/* exec: program (absolute path), arguments;
				 * argv[argc] is NULL */
	size_t argc;
	uint16_t *expect;	/* http: codes that count as up; none: 200-399 */
	size_t nexpect;
	uint32_t interval_ms;	/* default 2000; 100 .. 86400000 */
	uint32_t timeout_ms;	/* default 1000, or interval_ms when less;
				 * 10 .. interval_ms */
	uint8_t rise;		/* default 2; 1..100 */
	uint8_t fall;		/* default 3; 1..100 */
	/* on-down: withdraw (keep false), or keep the route made worse by
	 * any of: MED down_med, down_prepend more copies of the local AS
	 * (eBGP), down_comm added. */
	bool down_keep;
	bool down_med_set;
	uint32_t down_med;
	uint8_t down_prepend;	/* 0..CONF_MAX_PREPEND */
	uint32_t *down_comm;
	size_t ndown_comm;
	char *disable_file;	/* while it exists: disabled; or NULL */
};

struct conf_listen {
	struct prefix addr;	/* host prefix */
	uint16_t port;		/* default 179 */
	int line;
};

struct conf_socket {
	char *path;
	bool restricted;	/* read-only: answers show-* only */
	int line;
};

/*
 * fleet { ... }: the hosts that share one VIP table through etcd
 * (docs/FLEET.md).  Everything lives under the keys /lbbgp/CLUSTER/;
 * a host is hosts/NODE there, on a lease of its own.
 */
#define CONF_DEFAULT_LEASE	10	/* seconds */
#define CONF_LEASE_MIN		2
#define CONF_LEASE_MAX		3600
#define CONF_KEYNAME_MAX	63	/* cluster, node: of A-Za-z0-9._- */
#define CONF_ETCD_PORT		2379	/* etcd's client port, the default */

/* One etcd line: "http://10.0.0.5:2379", "https://[2001:db8::5]". */
struct conf_endpoint {
	char *url;		/* as written; no path, query or user */
	bool tls;		/* https:// */
	char *host;		/* as in the URL: a name, an IPv4 address or
				 * an IPv6 address in brackets */
	uint16_t port;		/* as written, else CONF_ETCD_PORT */
	int line;
};

struct conf_fleet {
	int line;		/* of "fleet {" */
	struct conf_endpoint *endpoints;	/* at least one; tried in
						 * turn */
	size_t nendpoints;
	char *cluster;		/* the keys live under /lbbgp/CLUSTER/ */
	char *node;		/* as written; when not written, NULL until
				 * conf_check_host() sets the host name */
	bool node_set;		/* node was written */
	uint32_t lease;		/* seconds; 2..3600, default 10 */
	char *tls_ca;		/* PEM: CAs of https endpoints; or NULL: the
				 * system's */
	char *tls_cert;		/* PEM: client certificate, with tls_key; or
				 * NULL */
	char *tls_key;		/* PEM: its private key, with tls_cert */
};

/* import-addresses: addresses on an interface become VIPs. */
struct conf_import {
	char *dev;
	char *label;		/* IPv4 label to match, or NULL: every address */
	int line;
};

struct conf {
	char *file;		/* name used in messages */
	bool router_id_set;
	uint32_t router_id;	/* host byte order */
	uint32_t local_as;	/* 0 when unset */
	struct conf_listen *listens;
	size_t nlistens;	/* 0: all addresses, port 179 */
	struct conf_socket *sockets;
	size_t nsockets;
	char *state_file;	/* NULL when unset */
	uint16_t socket_mode;	/* main control socket; default 0660 */
	bool socket_mode_set;
	char *socket_group;	/* name or number; NULL: the daemon's group */
	uint32_t max_clients;	/* concurrent control clients; default 256 */
	bool max_clients_set;
	char *vip_interface;	/* VIPs kept as addresses on it; or NULL */
	char **track;		/* interfaces whose link all routes follow */
	size_t ntrack;
	struct conf_import *imports;
	size_t nimports;
	bool metrics_set;	/* metrics listen ADDR:PORT */
	struct prefix metrics_addr;
	uint16_t metrics_port;
	struct conf_pool *pools;
	size_t npools;
	struct conf_neighbor *neighbors;
	size_t nneighbors;
	struct conf_adv *advs;
	size_t nadvs;
	struct conf_vip *vips;
	size_t nvips;
	struct conf_check *checks;
	size_t nchecks;
	uint32_t drain_time;	/* seconds; default 30 */
	uint32_t shutdown_drain;	/* seconds; default 0 */
	struct conf_fleet *fleet;	/* NULL: no fleet block, one host */
};

/* Every message the parser and the checks produced, in line order. */
struct conf_diag {
	char **msgs;		/* "FILE:LINE: message" */
	size_t nmsgs;
	size_t nerrors;		/* messages that make the config unusable */
};

/*
 * Parse and validate.  On success returns the config (diag may still hold
 * warnings).  On any error returns NULL and diag holds every message.
 */
struct conf *conf_load_file(const char *path, struct conf_diag *diag);
struct conf *conf_load_string(const char *name, const char *text,
    struct conf_diag *diag);
void conf_free(struct conf *c);

/*
 * What a config needs of the host that the text cannot say: the program
 * of every exec check exists and is executable, the tls files of the
 * fleet exist and can be read.  Problems are appended to diag as errors
 * ("FILE:LINE: check NAME: /PATH: no such file ...").  It also fills in
 * the one default the host decides: a fleet's node, when not written,
 * is the host name (gethostname()); so call it once a config is loaded,
 * at start and on every reload, before fleet->node is used.  The only
 * function of conf/ that looks at the host.
 */
void conf_check_host(struct conf *c, struct conf_diag *diag);

void conf_diag_init(struct conf_diag *d);
void conf_diag_free(struct conf_diag *d);

/* The config in canonical form; the output parses to an equal config. */
void conf_print(const struct conf *c, FILE *out);

/*
 * Reload: the first statement of neighbor a that differs in b and needs a
 * new session ("hold-time", "password", ...), or NULL when the session
 * can go on.  The global router-id is the caller's to compare.
 */
const char *conf_session_change(const struct conf_neighbor *a,
    const struct conf_neighbor *b);

/* Reload: checks, pools and advertisements added, removed or changed,
 * by name (kind "check", "pool", "advertisement");
 * fn is called once for each that is not the same in both. */
enum conf_change { CONF_ADDED, CONF_REMOVED, CONF_CHANGED };
void conf_diff_blocks(const struct conf *old, const struct conf *nc,
    void (*fn)(void *arg, const char *kind, const char *name,
    enum conf_change ch), void *arg);

/*
 * Reload of the fleet, a and b each NULL when there is no fleet block:
 * what says who this host is in etcd differs, "fleet" (a block added or
 * removed), "cluster" or "node", which needs a restart of lbbgpd; NULL
 * when both are the same host of the same cluster.  Compare after
 * conf_check_host(), which sets the default node.
 */
const char *conf_fleet_identity_change(const struct conf_fleet *a,
    const struct conf_fleet *b);
/* The same: conf_fleet_identity_change() is NULL. */
bool conf_fleet_same_identity(const struct conf_fleet *a,
    const struct conf_fleet *b);
/* Reload: every statement of the fleet is the same (both NULL too);
 * lines, and whether node was written or is the host name, left out. */
bool conf_fleet_equal(const struct conf_fleet *a,
    const struct conf_fleet *b);

/* "sha1", "meticulous-sha1" ("none" for CONF_BFD_AUTH_NONE). */
const char *conf_bfd_auth_name(enum conf_bfd_auth a);
/* "all", "one". */
const char *conf_announce_name(enum conf_announce a);

/* Lookups used by the daemon; NULL when absent. */
const struct conf_neighbor *conf_neighbor_by_name(const struct conf *c,
    const char *name);
const struct conf_pool *conf_pool_by_name(const struct conf *c,
    const char *name);
const struct conf_check *conf_check_by_name(const struct conf *c,
    const char *name);
/* Reload: the probe of a and b is the same (kind, target, timing,
 * expect, disable-file); on-down may differ. */
bool conf_check_probe_eq(const struct conf_check *a,
    const struct conf_check *b);
/* Reload: the same check, on-down included. */
bool conf_check_eq(const struct conf_check *a, const struct conf_check *b);
/* The pool whose ranges contain addr, or NULL. */
const struct conf_pool *conf_pool_for_addr(const struct conf *c,
    const struct prefix *addr);
bool conf_pool_contains(const struct conf_pool *p, const struct prefix *addr);
/* MetalLB's avoidBuggyIPs: an IPv4 address ending in .0 or .255, which
 * some old firmware takes for a network or broadcast address. */
bool conf_addr_buggy(const struct prefix *addr);

/* "64512:100", "no-export", "large:64512:1:2" and back. */
bool community_parse(const char *s, uint32_t *out);
bool large_community_parse(const char *s, struct large_community *out);
const char *community_fmt(uint32_t c, char *buf, size_t size);
const char *large_community_fmt(const struct large_community *l, char *buf,
    size_t size);
/* "64512", "4200000000" or asdot "64086.59904"; false on junk or zero. */
bool asn_parse(const char *s, uint32_t *out);

#endif
