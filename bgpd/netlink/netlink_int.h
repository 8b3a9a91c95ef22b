/*
 * netlink_int.h - shared by netlink.c (sockets, events, tracked links,
 * imports, local-address checks) and nl_vips.c (the vip-interface).
 * Not for use outside those two files.
 */
#ifndef LBBGP_NETLINK_INT_H
#define LBBGP_NETLINK_INT_H

#include <ev.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "bgpd/bgpd.h"
#include "bgpd/netlink/netlink.h"

struct nl_sock;

/* IFA_PROTO (Linux 6.1): who put an address there.  Our mark, so a
 * restarted lbbgpd knows its addresses from everybody else's. */
#define NL_ATTR_IFA_PROTO	11
#define NL_IFA_PROTO_LBBGP	0x6c	/* 'l' */

/* An interface named by track-interface or import-addresses. */
struct nl_link {
	char name[IFNAMSIZ];
	int ifindex;		/* 0: no such interface */
	bool up;		/* IFF_UP and IFF_RUNNING (carrier) */
	int logged;		/* state last logged: -1 none, 0 down, 1 up */
};

/* One address of an RTM_NEWADDR / RTM_DELADDR / dump. */
struct nl_ifaddr {
	struct prefix addr;	/* host prefix of the address itself */
	unsigned plen;		/* its prefix length on the interface */
	int ifindex;
	const char *label;	/* IPv4 label, or NULL */
	uint32_t flags;		/* IFA_F_* */
	int proto;		/* IFA_PROTO, 0 when absent */
};

/* One address to add to or delete from an interface. */
struct nl_addr_op {
	struct prefix addr;
	int ifindex;
	bool add;
};

/* Asynchronous address writer: batches of requests, each ACKed. */
struct nl_writer {
	struct nl_sock *sk;
	int fd;
	ev_io rio, wio;
	struct nl_addr_op *q;	/* FIFO q[head, len) */
	size_t head, len, cap;
	struct nl_addr_op *fly;	/* the batch on its way, by seq - first */
	uint32_t seq;		/* of the next request */
	size_t batch;		/* requests per send() now */
	uint8_t *buf;		/* requests being sent */
	uint8_t *rbuf;		/* ACKs */
	bool resync;		/* lost track of the kernel: sync when idle */
	bool held;		/* a removal waits for routes to go out */
	/* The current burst, logged when the queue runs dry. */
	double burst_start;
	size_t added, removed, failed;
	struct log_limit limit;
};

struct nl {
	struct lbbgpd *d;
	struct nl_sock *sync;	/* blocking: dumps, link changes */
	struct nl_sock *ev;	/* multicast: links and addresses */
	ev_io ev_w;
	uint8_t *ev_buf;
	bool addr_events;	/* subscribed to the address groups */
	struct nl_link *links;
	size_t nlinks;
	bool suspended;		/* a global track-interface is down */
	char suspended_by[IFNAMSIZ];
	bool proto_ok;		/* the kernel keeps IFA_PROTO */
	/* What an event round found to do once it has read everything. */
	bool links_dirty, imports_dirty, local_dirty, resync;
	/* vip-interface */
	char vip_name[IFNAMSIZ];	/* "" when none */
	int vip_ifindex;	/* 0 while it does not exist */
	bool vip_down_warned;
	struct nl_writer w;
	/* Imported addresses refused once (logged once). */
	struct prefix *quiet;
	size_t nquiet, capquiet;
};

/* netlink.c */
typedef void nl_addr_fn(void *arg, const struct nl_ifaddr *a);
bool nl_ifaddr_parse(const struct nlmsghdr *h, struct nl_ifaddr *out);
/* Every address (of one interface unless ifindex is 0); libnl error. */
int nl_dump_addrs(struct nl *nl, int ifindex, nl_addr_fn *fn, void *arg);

/* nl_vips.c */
/* Open the writer, make the interface exist and be up, hook the RIB,
 * sync.  False when the interface cannot be had (logged). */
bool vif_start(struct nl *nl, bool at_start);
void vif_stop(struct nl *nl);
/* A link message: the vip-interface may have gone, come or changed. */
void vif_link_event(struct nl *nl, int ifindex, const char *name,
    unsigned flags, bool gone);
/* Delete our addresses from an interface that is no longer the
 * vip-interface. */
void vif_release(struct nl *nl, int ifindex);

#endif
