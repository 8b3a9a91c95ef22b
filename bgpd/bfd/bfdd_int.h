/*
 * bfdd_int.h - what the files of bgpd/bfd/ share, for them alone:
 * bfdd.c (sessions, timers, BGP), sock.c (the UDP sockets).  Nothing
 * outside bgpd/bfd/ includes it; bfdd.h is the interface.
 */
#ifndef LBBGP_BFDD_INT_H
#define LBBGP_BFDD_INT_H

#include "bgpd/bfd/bfdd.h"

/*
 * A receiving socket: one per (address family, port, bound address,
 * VRF) that some session needs.  The bound address is a neighbor's
 * local-address, or the family's wildcard.
 */
struct bfdd_listener {
	struct bfdd *b;
	int fd;
	ev_io io;
	struct prefix addr;	/* a host address, or the family's zero one */
	bool multihop;		/* port 4784, else 3784 */
	char vrf[IFNAMSIZ];
	bool wanted;		/* a session needs it (bfdd_reconf) */
	struct bfdd_listener *next;
};

/* sock.c */
/* A receiving socket for l's address, port and VRF; -1 with errno. */
int bfdd_sock_listen(const struct bfdd_listener *l);
/*
 * The sending socket of a session: bound to src (AFI_NONE: the kernel
 * chooses) and a free source port of 49152..65535 (RFC 5881 §4), in
 * vrf, TTL 255 (RFC 5881 §5), connected to dst on port 3784 or 4784.
 * -1 with errno.
 */
int bfdd_sock_sender(const struct prefix *src, const struct prefix *dst,
    bool multihop, const char *vrf, uint16_t *sport);
/*
 * One datagram: its bytes, where it came from and went to, its TTL or
 * Hop Limit (-1: the kernel did not say).  -1 with errno when there is
 * none (EAGAIN) or on error.
 */
ssize_t bfdd_sock_recv(int fd, uint8_t *buf, size_t cap,
    struct prefix *src, struct prefix *dst, int *ttl);
/* Send a packet; false with errno. */
bool bfdd_sock_send(int fd, const uint8_t *buf, size_t len);

/* "neighbor NAME: ..." for a session, also once its peer is gone. */
#define log_bfd_warnx(bp, ...) \
	log_line(LOG_LVL_WARN, (bp)->name, NULL, __VA_ARGS__)
#define log_bfd_warn(bp, ...) \
	log_line(LOG_LVL_WARN_ERRNO, (bp)->name, NULL, __VA_ARGS__)
#define log_bfd_info(bp, ...) \
	log_line(LOG_LVL_INFO, (bp)->name, NULL, __VA_ARGS__)
#define log_bfd_debug(bp, ...) \
	log_line(LOG_LVL_DEBUG, (bp)->name, NULL, __VA_ARGS__)

#endif
