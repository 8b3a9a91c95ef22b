/*
 * check_net.c - unit tests for bgpd/net.c: which device an accepted BGP
 * connection came in through (net_arrived_in_vrf), over IPv4, IPv4 on a
 * dual-stack listener and IPv6, on connections through lo with ports
 * the kernel picks.  Nothing here needs root except the listener bound
 * to lo, which is skipped without it.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>

#include "bgpd/bgpd.h"
#include "tests/unit/unit.h"

/* session.c is not linked: the name is all log_peer_* asks of a peer. */
const char *peer_name(const struct peer *p)
{
	return p->conf->name;
}

struct pair {
	int listener, client, accepted;
};

/*
 * A connection through lo from client to a listener on addr (of family
 * af; IPv6 with v6only 0 takes IPv4 as v4-mapped), bound to device dev
 * when not NULL.  False when this host cannot: no IPv6, or binding to a
 * device without CAP_NET_RAW.
 */
static bool connect_lo(int af, const char *listen_addr,
    const char *client_addr, bool v6only, const char *dev, struct pair *p)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = af == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	int cf = strchr(client_addr, ':') ? AF_INET6 : AF_INET;
	int off = v6only ? 1 : 0;

	ss.ss_family = (sa_family_t)af;
	p->listener = socket(af, SOCK_STREAM, 0);
	ck_assert_int_ge(p->listener, 0);
	if (af == AF_INET6) {
		setsockopt(p->listener, IPPROTO_IPV6, IPV6_V6ONLY, &off,
		    sizeof(off));
		if (inet_pton(AF_INET6, listen_addr,
		    &((struct sockaddr_in6 *)&ss)->sin6_addr) != 1)
			ck_abort_msg("bad address %s", listen_addr);
	} else if (inet_pton(AF_INET, listen_addr,
	    &((struct sockaddr_in *)&ss)->sin_addr) != 1) {
		ck_abort_msg("bad address %s", listen_addr);
	}
	if (dev != NULL && setsockopt(p->listener, SOL_SOCKET,
	    SO_BINDTODEVICE, dev, (socklen_t)strlen(dev)) < 0) {
		ck_assert_int_eq(errno, EPERM);
		close(p->listener);
		return false;
	}
	if (bind(p->listener, (struct sockaddr *)&ss, len) < 0) {
		close(p->listener);
		return false;
	}
	ck_assert_int_eq(listen(p->listener, 1), 0);
	ck_assert_int_eq(getsockname(p->listener, (struct sockaddr *)&ss,
	    &len), 0);
	uint16_t port = af == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port;
	struct sockaddr_storage to = { .ss_family = (sa_family_t)cf };
	if (cf == AF_INET6) {
		inet_pton(AF_INET6, client_addr,
		    &((struct sockaddr_in6 *)&to)->sin6_addr);
		((struct sockaddr_in6 *)&to)->sin6_port = port;
		len = sizeof(struct sockaddr_in6);
	} else {
		inet_pton(AF_INET, client_addr,
		    &((struct sockaddr_in *)&to)->sin_addr);
		((struct sockaddr_in *)&to)->sin_port = port;
		len = sizeof(struct sockaddr_in);
	}
	p->client = socket(cf, SOCK_STREAM, 0);
	ck_assert_int_ge(p->client, 0);
	ck_assert_msg(connect(p->client, (struct sockaddr *)&to, len) == 0,
	    "connect to %s: %s", client_addr, strerror(errno));
	p->accepted = accept(p->listener, NULL, NULL);
	ck_assert_int_ge(p->accepted, 0);
	return true;
}

static void close_pair(struct pair *p)
{
	close(p->accepted);
	close(p->client);
	close(p->listener);
}

/* Through lo: in vrf lo; not in another device, and the log is told lo. */
static void check_lo(const struct pair *p)
{
	char dev[64] = "";

	ck_assert(net_arrived_in_vrf(p->accepted, "lo", dev, sizeof(dev)));
	ck_assert(!net_arrived_in_vrf(p->accepted, "nosuchdev0", dev,
	    sizeof(dev)));
	ck_assert_str_eq(dev, "lo");
	/* Asked twice: reading it leaves the socket as it was. */
	ck_assert(net_arrived_in_vrf(p->accepted, "lo", dev, sizeof(dev)));
}

START_TEST(arrived_ipv4)
{
	struct pair p;

	ck_assert(connect_lo(AF_INET, "127.0.0.1", "127.0.0.1", false, NULL,
	    &p));
	check_lo(&p);
	close_pair(&p);
}
END_TEST

START_TEST(arrived_v4mapped)
{
	struct pair p;

	if (!connect_lo(AF_INET6, "::", "127.0.0.1", false, NULL, &p))
		return;		/* no IPv6 on this host */
	check_lo(&p);
	close_pair(&p);
}
END_TEST

START_TEST(arrived_ipv6)
{
	struct pair p;

	if (!connect_lo(AF_INET6, "::1", "::1", true, NULL, &p))
		return;
	check_lo(&p);
	close_pair(&p);
}
END_TEST

/* A listener bound to the device: its connections are bound to it too. */
START_TEST(arrived_bound_listener)
{
	struct pair p;
	char dev[64] = "";

	if (!connect_lo(AF_INET, "127.0.0.1", "127.0.0.1", false, "lo", &p))
		return;		/* no CAP_NET_RAW */
	ck_assert(net_arrived_in_vrf(p.accepted, "lo", dev, sizeof(dev)));
	close_pair(&p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("net");
	TCase *tc = unit_tcase(s, "arrived");

	tcase_add_test(tc, arrived_ipv4);
	tcase_add_test(tc, arrived_v4mapped);
	tcase_add_test(tc, arrived_ipv6);
	tcase_add_test(tc, arrived_bound_listener);
	return unit_run(s);
}
