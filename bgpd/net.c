/*
 * net.c - BGP sockets: listening, connecting, per-session options.
 *
 * Everything that calls socket(2), bind(2), setsockopt(2) for BGP is
 * here, so the options a session gets (TTL, TOS, NODELAY) are decided in
 * one place.
 */
#include "bgpd/bgpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sockaddr_to_prefix(const struct sockaddr_storage *ss,
    struct prefix *out, uint16_t *port)
{
	memset(out, 0, sizeof(*out));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;
		out->afi = AFI_IPV4;
		out->len = 32;
		memcpy(out->a, &sin->sin_addr, 4);
		if (port)
			*port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;
		/* A v4-mapped address is an IPv4 peer on a dual-stack socket. */
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			out->afi = AFI_IPV4;
			out->len = 32;
			memcpy(out->a, sin6->sin6_addr.s6_addr + 12, 4);
		} else {
			out->afi = AFI_IPV6;
			out->len = 128;
			memcpy(out->a, &sin6->sin6_addr, 16);
		}
		if (port)
			*port = ntohs(sin6->sin6_port);
	}
}

bool prefix_to_sockaddr(const struct prefix *p, uint16_t port,
    struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (p->afi == AFI_IPV4) {
		struct sockaddr_in *sin = (void *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, p->a, 4);
		*len = sizeof(*sin);
		return true;
	}
	if (p->afi == AFI_IPV6) {
		struct sockaddr_in6 *sin6 = (void *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, p->a, 16);
		*len = sizeof(*sin6);
		return true;
	}
	return false;
}

const char *sockaddr_fmt(const struct sockaddr_storage *ss, char *buf,
    size_t size)
{
	struct prefix p;
	uint16_t port = 0;
	char a[PREFIX_STRLEN];

	sockaddr_to_prefix(ss, &p, &port);
	addr_fmt(&p, a, sizeof(a));
	snprintf(buf, size, p.afi == AFI_IPV6 ? "[%s]:%u" : "%s:%u", a, port);
	return buf;
}

int net_accept(int lfd, struct sockaddr_storage *from, const char *who)
{
	socklen_t len = sizeof(*from);
	int fd = accept4(lfd, (struct sockaddr *)from, from ? &len : NULL,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);

	/* A client that gave up before we got to it is no error of ours. */
	if (fd < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR && errno != ECONNABORTED)
		log_warn("%s", who);
	return fd;
}

int net_listen(const struct sockaddr_storage *ss, int backlog)
{
	int one = 1, zero = 0;
	socklen_t len = ss->ss_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;
		/* The wildcard listener takes IPv4 too (v4-mapped). */
		int v6only = IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr) ? 0 : 1;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only ? &one : &zero,
		    sizeof(int));
	}
	if (bind(fd, (const struct sockaddr *)ss, len) < 0 ||
	    listen(fd, backlog) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * RFC 2385: the key for one peer address on a socket.  A dual-stack
 * listener takes IPv4 peers as v4-mapped addresses.  An empty password
 * removes the key.
 */
bool net_set_md5(int fd, int sock_family, const struct prefix *peer,
    const char *password)
{
	struct tcp_md5sig md5;
	socklen_t len;
	size_t klen = password ? strlen(password) : 0;

	memset(&md5, 0, sizeof(md5));
	if (klen > TCP_MD5SIG_MAXKEYLEN) {
		errno = EINVAL;
		return false;
	}
	if (sock_family == AF_INET6 && peer->afi == AFI_IPV4) {
		struct sockaddr_in6 *sin6 = (void *)&md5.tcpm_addr;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr.s6_addr[10] = 0xff;
		sin6->sin6_addr.s6_addr[11] = 0xff;
		memcpy(sin6->sin6_addr.s6_addr + 12, peer->a, 4);
	} else if (!prefix_to_sockaddr(peer, 0, &md5.tcpm_addr, &len)) {
		errno = EAFNOSUPPORT;
		return false;
	}
	md5.tcpm_keylen = (uint16_t)klen;
	memcpy(md5.tcpm_key, password ? password : "", klen);
	return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5)) == 0;
}

/*
 * TTL: eBGP sends with TTL 1 unless multihop N says otherwise (1 is every
 * router's default); iBGP keeps the system default.  GTSM (RFC 5082):
 * send with 255 and accept only 255, or 256 - N with multihop N.  TOS
 * CS6 marks network control traffic (RFC 4594).
 */
static void ttl_for(const struct peer *p, int *ttl, int *minttl)
{
	const struct conf_neighbor *n = p->conf;

	*minttl = 0;
	*ttl = p->ebgp ? (n->multihop ? n->multihop : 1) : -1;
	if (n->ttl_security) {
		*ttl = 255;
		*minttl = 256 - (n->multihop ? n->multihop : 1);
	}
}

static bool set_ttl(int fd, bool v4, int ttl, int minttl)
{
	if (ttl > 0 && setsockopt(fd, v4 ? IPPROTO_IP : IPPROTO_IPV6,
	    v4 ? IP_TTL : IPV6_UNICAST_HOPS, &ttl, sizeof(ttl)) < 0)
		return false;
	if (minttl > 0 && setsockopt(fd, v4 ? IPPROTO_IP : IPPROTO_IPV6,
	    v4 ? IP_MINTTL : IPV6_MINHOPCOUNT, &minttl, sizeof(minttl)) < 0)
		return false;
	return true;
}

bool net_set_session_opts(int fd, const struct peer *p)
{
	int one = 1, tos = IPTOS_CLASS_CS6, ttl, minttl;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return false;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	bool v4 = ss.ss_family == AF_INET ||
	    (ss.ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(
	    &((struct sockaddr_in6 *)&ss)->sin6_addr));
	if (v4)
		setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
	ttl_for(p, &ttl, &minttl);
	return set_ttl(fd, v4, ttl, minttl);
}

/*
 * The source address of our connections: local-address, or else the one
 * address of the peer's family that lbbgpd listens on, so a router that
 * checks where its neighbor connects from sees the address it peers with.
 */
bool net_source_for(const struct peer *p, struct prefix *src)
{
	const struct conf *c = p->d->conf;
	size_t n = 0;

	if (p->conf->local_addr.afi != AFI_NONE) {
		*src = p->conf->local_addr;
		return true;
	}
	for (size_t i = 0; i < c->nlistens; i++) {
		const struct prefix *a = &c->listens[i].addr;
		struct prefix any = { .afi = a->afi, .len = a->len };
		if (a->afi != p->conf->addr.afi || prefix_equal(a, &any))
			continue;
		*src = *a;
		n++;
	}
	return n == 1;
}

/*
 * The interface the SYN of accepted connection fd came in on, which the
 * kernel keeps for IP_PKTOPTIONS (IPV6_2292PKTOPTIONS for IPv6): with
 * the PKTINFO option on, it reads back as one IP_PKTINFO or IPV6_PKTINFO
 * cmsg.  0 when it cannot tell.
 */
static unsigned arrival_ifindex(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) + 64];
	} ctl;
	int on = 1, off = 0;
	unsigned ifindex = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	bool v6 = ss.ss_family == AF_INET6 && !IN6_IS_ADDR_V4MAPPED(
	    &((struct sockaddr_in6 *)&ss)->sin6_addr);
	int level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
	int opt = v6 ? IPV6_RECVPKTINFO : IP_PKTINFO;
	socklen_t clen = sizeof(ctl.b);
	if (setsockopt(fd, level, opt, &on, sizeof(on)) < 0)
		return 0;
	int rc = getsockopt(fd, level, v6 ? IPV6_2292PKTOPTIONS :
	    IP_PKTOPTIONS, ctl.b, &clen);
	/* Off again: IPv6 would keep a copy of each packet for it. */
	setsockopt(fd, level, opt, &off, sizeof(off));
	if (rc < 0)
		return 0;
	struct msghdr m = { .msg_control = ctl.b, .msg_controllen = clen };
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL;
	    c = CMSG_NXTHDR(&m, c)) {
		if (!v6 && c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			ifindex = (unsigned)pi.ipi_ifindex;
		} else if (v6 && c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			ifindex = pi.ipi6_ifindex;
		}
	}
	return ifindex;
}

bool net_arrived_in_vrf(int fd, const char *vrf, char *dev, size_t size)
{
	char bound[IFNAMSIZ] = "";
	socklen_t len = sizeof(bound);
	unsigned want = if_nametoindex(vrf);
	unsigned got;

	/* With net.ipv4.tcp_l3mdev_accept=1, the kernel hands a
	 * connection from a real VRF to an unbound listener already
	 * bound to the VRF device. */
	if (getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, bound, &len) == 0 &&
	    strcmp(bound, vrf) == 0)
		return true;
	/* Else the interface it came in on; for a real VRF that is the
	 * VRF device, to which the kernel moves what its enslaved devices
	 * receive. */
	got = arrival_ifindex(fd);
	if (want != 0 && got == want)
		return true;
	if (got == 0 || if_indextoname(got, bound) == NULL)
		snprintf(dev, size, "a device lbbgpd cannot tell");
	else
		snprintf(dev, size, "%s", bound);
	return false;
}

/* Start a non-blocking connect; -1 with errno on immediate failure. */
int net_connect(const struct peer *p, struct sockaddr_storage *local)
{
	const struct conf_neighbor *n = p->conf;
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	if (!prefix_to_sockaddr(&n->addr, n->port, &ss, &len)) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0)
		return -1;
	/* vrf: the connection uses that VRF's routing table. */
	if (n->vrf != NULL && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE,
	    n->vrf, (socklen_t)strlen(n->vrf)) < 0)
		goto fail;
	struct prefix src;
	if (net_source_for(p, &src)) {
		struct sockaddr_storage ls;
		socklen_t llen = 0;
		int one = 1;
		prefix_to_sockaddr(&src, 0, &ls, &llen);
		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
		    sizeof(one));
		if (bind(fd, (struct sockaddr *)&ls, llen) < 0)
			goto fail;
	}
	/* Options before connect() so the SYN already carries them. */
	int ttl, minttl;
	ttl_for(p, &ttl, &minttl);
	if (!set_ttl(fd, ss.ss_family == AF_INET, ttl, minttl))
		goto fail;
	if (n->password != NULL &&
	    !net_set_md5(fd, ss.ss_family, &n->addr, n->password))
		goto fail;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 &&
	    errno != EINPROGRESS)
		goto fail;
	if (local) {
		socklen_t l = sizeof(*local);
		getsockname(fd, (struct sockaddr *)local, &l);
	}
	return fd;
fail:;
	int saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
