/*
 * sock.c - the UDP sockets of BFD: receiving sockets on port 3784 (RFC
 * 5881) or 4784 (RFC 5883) that report each datagram's TTL and
 * destination address, and one sending socket per session from a source
 * port of its own with TTL 255.
 *
 * Every socket(2), bind(2) and setsockopt(2) of BFD is here, so the
 * options a BFD packet leaves with are decided in one place.  It knows
 * nothing of sessions.
 */
#include "bgpd/bfd/bfdd_int.h"

#include <errno.h>
#include <netinet/ip.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static uint16_t port_of(bool multihop)
{
	return multihop ? BFD_MULTIHOP_PORT : BFD_PORT;
}

static int family_of(const struct prefix *a)
{
	return a->afi == AFI_IPV6 ? AF_INET6 : AF_INET;
}

/* SO_BINDTODEVICE: the socket sees and uses only that VRF's table. */
static bool bind_vrf(int fd, const char *vrf)
{
	if (vrf == NULL || *vrf == '\0')
		return true;
	return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, vrf,
	    (socklen_t)strlen(vrf)) == 0;
}

static int fail_close(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
	return -1;
}

int bfdd_sock_listen(const struct bfdd_listener *l)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;
	bool v6 = l->addr.afi == AFI_IPV6;
	int fd = socket(family_of(&l->addr), SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	/* A neighbor's local-address beside the wildcard of the others:
	 * the kernel gives each datagram to the most specific socket. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!bind_vrf(fd, l->vrf))
		return fail_close(fd);
	/* RFC 5881 §5, 5883 §5: the TTL of each datagram, to check it;
	 * its destination, to demultiplex by it. */
	if (v6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one,
		    sizeof(one)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
		    sizeof(one)) < 0)
			return fail_close(fd);
	} else if (setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one,
	    sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0) {
		return fail_close(fd);
	}
	prefix_to_sockaddr(&l->addr, port_of(l->multihop), &ss, &len);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		return fail_close(fd);
	return fd;
}

/* A random port of 49152..65535. */
static uint16_t random_port(void)
{
	return (uint16_t)(BFD_SRC_PORT_MIN +
	    (unsigned long)random() % (65536 - BFD_SRC_PORT_MIN));
}

/* Source ports tried at random before giving up (each a bind call). */
#define PORT_TRIES	64

int bfdd_sock_sender(const struct prefix *src, const struct prefix *dst,
    bool multihop, const char *vrf, uint16_t *sport)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int ttl = BFD_TTL, tos = IPTOS_CLASS_CS6;
	bool v6 = dst->afi == AFI_IPV6;
	int fd = socket(family_of(dst), SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (!bind_vrf(fd, vrf))
		return fail_close(fd);
	/* RFC 5881 §5: every packet leaves with TTL 255, so the receiver
	 * can tell it was not forwarded; CS6 as network control. */
	if (setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    v6 ? IPV6_UNICAST_HOPS : IP_TTL, &ttl, sizeof(ttl)) < 0)
		return fail_close(fd);
	setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_TCLASS :
	    IP_TOS, &tos, sizeof(tos));
	/* RFC 5881 §4: a source port of 49152..65535, the same for the
	 * session's life. */
	struct prefix any = { .afi = dst->afi, .len = v6 ? 128 : 32 };
	int err = EADDRINUSE;
	for (int t = 0; t < PORT_TRIES; t++) {
		*sport = random_port();
		prefix_to_sockaddr(src->afi == dst->afi ? src : &any, *sport,
		    &ss, &len);
		if (bind(fd, (struct sockaddr *)&ss, len) == 0) {
			err = 0;
			break;
		}
		err = errno;
		if (err != EADDRINUSE)
			break;
	}
	if (err != 0) {
		errno = err;
		return fail_close(fd);
	}
	prefix_to_sockaddr(dst, port_of(multihop), &ss, &len);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		return fail_close(fd);
	return fd;
}

ssize_t bfdd_sock_recv(int fd, uint8_t *buf, size_t cap,
    struct prefix *src, struct prefix *dst, int *ttl)
{
	struct sockaddr_storage from;
	struct iovec iov = { buf, cap };
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(int)) +
		    CMSG_SPACE(sizeof(struct in6_pktinfo)) + 64];
	} ctl;
	struct msghdr m = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b),
	};
	ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT);

	if (n < 0)
		return -1;
	*ttl = -1;
	memset(dst, 0, sizeof(*dst));
	sockaddr_to_prefix(&from, src, NULL);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL;
	    c = CMSG_NXTHDR(&m, c)) {
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_HOPLIMIT)) {
			memcpy(ttl, CMSG_DATA(c), sizeof(*ttl));
		} else if (c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			dst->afi = AFI_IPV4;
			dst->len = 32;
			memcpy(dst->a, &pi.ipi_addr, 4);
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			dst->afi = AFI_IPV6;
			dst->len = 128;
			memcpy(dst->a, &pi.ipi6_addr, 16);
		}
	}
	/* Longer than the buffer: its Length cannot be checked (§6.8.6
	 * wants the bytes received), and no valid packet is that long. */
	if (m.msg_flags & MSG_TRUNC)
		n = (ssize_t)cap;
	return n;
}

bool bfdd_sock_send(int fd, const uint8_t *buf, size_t len)
{
	for (int t = 0; t < 2; t++) {
		if (send(fd, buf, len, 0) == (ssize_t)len)
			return true;
		/* A connected UDP socket reports an earlier ICMP port
		 * unreachable (the router's BFD was not up yet) on the next
		 * send, which it fails: once more. */
		if (errno != ECONNREFUSED)
			return false;
	}
	return false;
}
