/*
 * netlink.c - lbbgpd's view of the host's links and addresses (libnl):
 * track-interface, import-addresses, the local-address check, and the
 * sockets and events that the vip-interface (vips.c) shares.
 *
 * Two sockets: a blocking one for the few synchronous requests (link
 * queries, address dumps, creating the vip-interface) and a non-blocking
 * one on the libev loop for RTNLGRP_LINK and the address groups.  Events
 * only mark what changed; once a read round is over, the links are
 * judged and the imports and local addresses are looked at again.  When
 * the kernel drops events (ENOBUFS: our receive buffer overflowed), every
 * link and imported address is read again from scratch.
 *
 * RIB changes from here go through rib_vip_add()/rib_vip_withdraw() and
 * state_touch() as the control socket's do; the loop's prepare watcher
 * sends the UPDATEs and commits the state file.
 */
#include "bgpd/netlink/netlink_int.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bgpd/state.h"
#include "util/buf.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

#define EV_BUF_SIZE	(64 * 1024)
/* Bursts of address events (the vip-interface's own, 100,000 VIPs at a
 * time) would overflow a default-sized buffer at once. */
#define EV_RCVBUF	(16 * 1024 * 1024)
/* Datagrams read per callback: the loop gets its turn in between. */
#define EV_ROUND	256
#define OWNER_PREFIX	"netlink:"

/* ---- parsing ------------------------------------------------------------ */

static bool prefix_from(struct prefix *p, int family, const void *a,
    size_t len)
{
	memset(p, 0, sizeof(*p));
	if (family == AF_INET && len == 4) {
		p->afi = AFI_IPV4;
		p->len = 32;
	} else if (family == AF_INET6 && len == 16) {
		p->afi = AFI_IPV6;
		p->len = 128;
	} else {
		return false;
	}
	memcpy(p->a, a, len);
	return true;
}

bool nl_ifaddr_parse(const struct nlmsghdr *h, struct nl_ifaddr *out)
{
	enum { MAXT = NL_ATTR_IFA_PROTO > IFA_MAX ? NL_ATTR_IFA_PROTO :
	    IFA_MAX };
	struct nlattr *tb[MAXT + 1];
	const struct ifaddrmsg *ifa;

	if (h->nlmsg_type != RTM_NEWADDR && h->nlmsg_type != RTM_DELADDR)
		return false;
	if (nlmsg_parse((struct nlmsghdr *)h, sizeof(*ifa), tb, MAXT, NULL) < 0)
		return false;
	ifa = nlmsg_data(h);
	/* IPv4: IFA_LOCAL is the address (IFA_ADDRESS the peer on a
	 * point-to-point link); IPv6 sends IFA_LOCAL only for those. */
	struct nlattr *a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (a == NULL || !prefix_from(&out->addr, ifa->ifa_family,
	    nla_data(a), (size_t)nla_len(a)))
		return false;
	out->plen = ifa->ifa_prefixlen;
	out->ifindex = (int)ifa->ifa_index;
	out->flags = tb[IFA_FLAGS] && nla_len(tb[IFA_FLAGS]) == 4 ?
	    nla_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	out->proto = tb[NL_ATTR_IFA_PROTO] &&
	    nla_len(tb[NL_ATTR_IFA_PROTO]) >= 1 ?
	    nla_get_u8(tb[NL_ATTR_IFA_PROTO]) : 0;
	out->label = NULL;
	if (tb[IFA_LABEL] != NULL && nla_len(tb[IFA_LABEL]) > 0 &&
	    memchr(nla_data(tb[IFA_LABEL]), '\0',
	    (size_t)nla_len(tb[IFA_LABEL])) != NULL)
		out->label = nla_data(tb[IFA_LABEL]);
	return true;
}

struct dump_ctx {
	nl_addr_fn *fn;
	void *arg;
	int ifindex;
};

static int dump_cb(struct nl_msg *msg, void *arg)
{
	struct dump_ctx *c = arg;
	struct nl_ifaddr a;

	if (nl_ifaddr_parse(nlmsg_hdr(msg), &a) &&
	    (c->ifindex == 0 || a.ifindex == c->ifindex))
		c->fn(c->arg, &a);
	return NL_OK;
}

int nl_dump_addrs(struct nl *nl, int ifindex, nl_addr_fn *fn, void *arg)
{
	/* With NETLINK_GET_STRICT_CHK the kernel filters by ifa_index;
	 * without it (before Linux 4.20) dump_cb does. */
	struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC,
	    .ifa_index = (uint32_t)ifindex };
	struct dump_ctx c = { fn, arg, ifindex };
	struct nl_cb *cb;
	int err;

	if ((err = nl_send_simple(nl->sync, RTM_GETADDR, NLM_F_DUMP, &ifa,
	    sizeof(ifa))) < 0)
		return err;
	if ((cb = nl_cb_alloc(NL_CB_DEFAULT)) == NULL)
		return -NLE_NOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, dump_cb, &c);
	err = nl_recvmsgs(nl->sync, cb);
	nl_cb_put(cb);
	return err < 0 ? err : 0;
}

/* ---- sockets ------------------------------------------------------------ */

/* Does the config need netlink at all, and the address events? */
static bool conf_wants_links(const struct conf *c)
{
	if (c->vip_interface != NULL || c->ntrack > 0 || c->nimports > 0)
		return true;
	for (size_t i = 0; i < c->nneighbors; i++)
		if (c->neighbors[i].track_interface != NULL)
			return true;
	return false;
}

static bool conf_wants_addrs(const struct conf *c)
{
	if (c->nimports > 0)
		return true;
	for (size_t i = 0; i < c->nneighbors; i++)
		if (c->neighbors[i].local_addr.afi != AFI_NONE)
			return true;
	return false;
}

static void events_cb(struct ev_loop *loop, ev_io *w, int revents);

static bool open_sockets(struct nl *nl)
{
	int err, one = 1, size = EV_RCVBUF;

	if (nl->sync != NULL)
		return true;
	nl->sync = nl_socket_alloc();
	nl->ev = nl_socket_alloc();
	nl->ev_buf = malloc(EV_BUF_SIZE);
	if (nl->sync == NULL || nl->ev == NULL || nl->ev_buf == NULL) {
		log_warnx("netlink: out of memory");
		return false;
	}
	if ((err = nl_connect(nl->sync, NETLINK_ROUTE)) < 0 ||
	    (err = nl_connect(nl->ev, NETLINK_ROUTE)) < 0) {
		log_warnx("netlink: cannot open a routing socket: %s",
		    nl_geterror(err));
		return false;
	}
	/* Dumps of one interface's addresses only (Linux 4.20+). */
	setsockopt(nl_socket_get_fd(nl->sync), SOL_NETLINK,
	    NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	nl_socket_disable_seq_check(nl->ev);
	if ((err = nl_socket_set_nonblocking(nl->ev)) < 0 ||
	    (err = nl_socket_add_memberships(nl->ev, RTNLGRP_LINK, 0)) < 0) {
		log_warnx("netlink: cannot listen to link changes: %s",
		    nl_geterror(err));
		return false;
	}
	/* Past net.core.rmem_max with CAP_NET_ADMIN; else what we get. */
	int fd = nl_socket_get_fd(nl->ev);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	ev_io_init(&nl->ev_w, events_cb, fd, EV_READ);
	nl->ev_w.data = nl;
	ev_io_start(nl->d->loop, &nl->ev_w);
	return true;
}

static void addr_events(struct nl *nl, bool on)
{
	int err;

	if (nl->ev == NULL || on == nl->addr_events)
		return;
	if (on)
		err = nl_socket_add_memberships(nl->ev, RTNLGRP_IPV4_IFADDR,
		    RTNLGRP_IPV6_IFADDR, 0);
	else
		err = nl_socket_drop_memberships(nl->ev, RTNLGRP_IPV4_IFADDR,
		    RTNLGRP_IPV6_IFADDR, 0);
	if (err < 0)
		log_warnx("netlink: cannot %s address changes: %s",
		    on ? "listen to" : "stop listening to", nl_geterror(err));
	else
		nl->addr_events = on;
}

/* Linux 6.1 keeps IFA_PROTO; older kernels drop it silently. */
static bool kernel_keeps_proto(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 1);
}

/* ---- links --------------------------------------------------------------- */

static struct nl_link *link_find(struct nl *nl, const char *name)
{
	for (size_t i = 0; name != NULL && i < nl->nlinks; i++)
		if (strcmp(nl->links[i].name, name) == 0)
			return &nl->links[i];
	return NULL;
}

static void link_query(struct nl *nl, struct nl_link *l)
{
	struct rtnl_link *k = NULL;
	int err = rtnl_link_get_kernel(nl->sync, 0, l->name, &k);

	l->ifindex = 0;
	l->up = false;
	if (err < 0) {
		if (err != -NLE_OBJ_NOTFOUND && err != -NLE_NODEV)
			log_warnx("netlink: cannot read interface %s: %s",
			    l->name, nl_geterror(err));
		return;
	}
	unsigned flags = rtnl_link_get_flags(k);
	l->ifindex = rtnl_link_get_ifindex(k);
	l->up = (flags & IFF_UP) && (flags & IFF_RUNNING);
	rtnl_link_put(k);
}

static bool link_add_name(struct nl_link **v, size_t *n, size_t *cap,
    const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].name, name) == 0)
			return true;
	struct nl_link *nv = array_grow(*v, cap, *n + 1, sizeof(*nv));
	if (nv == NULL)
		return false;
	*v = nv;
	nv[*n] = (struct nl_link){ .logged = -1 };
	snprintf(nv[*n].name, sizeof(nv[*n].name), "%s", name);
	(*n)++;
	return true;
}

/* The links the config names; state kept for names seen before. */
static bool links_rebuild(struct nl *nl)
{
	const struct conf *c = nl->d->conf;
	struct nl_link *v = NULL;
	size_t n = 0, cap = 0;
	bool ok = true;

	for (size_t i = 0; i < c->ntrack; i++)
		ok &= link_add_name(&v, &n, &cap, c->track[i]);
	for (size_t i = 0; i < c->nneighbors; i++)
		if (c->neighbors[i].track_interface != NULL)
			ok &= link_add_name(&v, &n, &cap,
			    c->neighbors[i].track_interface);
	for (size_t i = 0; i < c->nimports; i++)
		ok &= link_add_name(&v, &n, &cap, c->imports[i].dev);
	if (!ok) {
		free(v);
		log_warnx("netlink: out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		const struct nl_link *old = link_find(nl, v[i].name);
		if (old != NULL)
			v[i] = *old;
		else
			link_query(nl, &v[i]);
	}
	free(nl->links);
	nl->links = v;
	nl->nlinks = n;
	return true;
}

static bool tracked_globally(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->ntrack; i++)
		if (strcmp(c->track[i], name) == 0)
			return true;
	return false;
}

static bool tracked_by_neighbor(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nneighbors; i++)
		if (c->neighbors[i].track_interface != NULL &&
		    strcmp(c->neighbors[i].track_interface, name) == 0)
			return true;
	return false;
}

static const char *link_state(const struct nl_link *l)
{
	return l->up ? "up" : l->ifindex == 0 ? "missing" : "down";
}

/* Per-neighbor track-interface: shut down and start as the link goes. */
static void apply_neighbor_links(struct nl *nl)
{
	struct lbbgpd *d = nl->d;
	char reason[64];

	for (size_t i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];
		const char *ifname = p->conf->track_interface;
		const struct nl_link *l = link_find(nl, ifname);
		bool down = l != NULL && !l->up;

		if (down && !p->link_down) {
			p->link_down = true;
			log_peer_warnx(p, "track-interface %s is %s: shutting "
			    "the session down until it is up", ifname,
			    link_state(l));
			snprintf(reason, sizeof(reason), "interface %s down",
			    ifname);
			peer_stop(p, BGP_CEASE_ADMIN_SHUTDOWN, reason);
		} else if (!down && p->link_down) {
			p->link_down = false;
			if (ifname != NULL && p->admin_down)
				log_peer_info(p, "track-interface %s is up; "
				    "the session stays down, it was taken down "
				    "administratively (bgpctl neighbor %s up "
				    "starts it)", ifname, peer_name(p));
			else if (ifname != NULL)
				log_peer_info(p, "track-interface %s is up: "
				    "starting the session", ifname);
			/* Not over a max-prefix wait or bgpctl down. */
			if (!p->max_prefix_tripped &&
			    peer_state(p) == FSM_IDLE)
				peer_start(p);
		}
	}
}

/* Judge every link: log changes once, suspend or resume the routes,
 * stop or start the neighbors that track one. */
static void apply_links(struct nl *nl)
{
	const struct conf *c = nl->d->conf;
	const struct nl_link *first_down = NULL;

	nl->links_dirty = false;
	for (size_t i = 0; i < nl->nlinks; i++) {
		struct nl_link *l = &nl->links[i];
		bool global = tracked_globally(c, l->name);
		if (!global && !tracked_by_neighbor(c, l->name))
			continue;
		if (global && !l->up && first_down == NULL)
			first_down = l;
		if (l->logged != (int)l->up && (l->logged >= 0 || !l->up))
			log_info("interface %s: link %s", l->name,
			    link_state(l));
		l->logged = l->up;
	}
	bool susp = first_down != NULL;
	if (susp && (!nl->suspended ||
	    strcmp(nl->suspended_by, first_down->name) != 0))
		log_warnx("track-interface %s is %s: no route is announced "
		    "to any neighbor while it is (sessions stay up)",
		    first_down->name, link_state(first_down));
	else if (!susp && nl->suspended)
		log_info("every track-interface is up: announcing the routes "
		    "again");
	nl->suspended = susp;
	snprintf(nl->suspended_by, sizeof(nl->suspended_by), "%s",
	    susp ? first_down->name : "");
	rib_set_suspended(nl->d->rib, susp);
	apply_neighbor_links(nl);
}

static void link_msg(struct nl *nl, const struct nlmsghdr *h)
{
	struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;
	const char *name = NULL;

	if (nlmsg_parse((struct nlmsghdr *)h, sizeof(*ifi), tb, IFLA_MAX,
	    NULL) < 0)
		return;
	ifi = nlmsg_data(h);
	if (tb[IFLA_IFNAME] != NULL && memchr(nla_data(tb[IFLA_IFNAME]), '\0',
	    (size_t)nla_len(tb[IFLA_IFNAME])) != NULL)
		name = nla_data(tb[IFLA_IFNAME]);
	bool gone = h->nlmsg_type == RTM_DELLINK;
	unsigned flags = ifi->ifi_flags;

	for (size_t i = 0; i < nl->nlinks; i++) {
		struct nl_link *l = &nl->links[i];
		bool named = name != NULL && strcmp(l->name, name) == 0;
		int was_index = l->ifindex;
		bool was_up = l->up;
		if (named && !gone) {
			l->ifindex = ifi->ifi_index;
			l->up = (flags & IFF_UP) && (flags & IFF_RUNNING);
		} else if (l->ifindex == ifi->ifi_index && (gone || !named)) {
			l->ifindex = 0;		/* deleted or renamed away */
			l->up = false;
		}
		if (l->up != was_up || l->ifindex != was_index)
			nl->links_dirty = true;
		if (l->ifindex != was_index)
			nl->imports_dirty = true;
	}
	if (nl->vip_name[0] != '\0')
		vif_link_event(nl, ifi->ifi_index, name, flags, gone);
}

/* ---- local-address check ------------------------------------------------ */

/* Could a session bind this source address?  What net_connect() does,
 * and what the kernel answers for the address (127/8 included). */
static bool addr_is_local(const struct prefix *a)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (!prefix_to_sockaddr(a, 0, &ss, &len))
		return true;
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return true;	/* cannot tell: do not cry wolf */
	bool ok = bind(fd, (struct sockaddr *)&ss, len) == 0 ||
	    errno != EADDRNOTAVAIL;
	close(fd);
	return ok;
}

/* loud: log every missing address, not only the changes (start, reload). */
static void check_local_addrs(struct nl *nl, bool loud)
{
	struct lbbgpd *d = nl->d;
	char a[PREFIX_STRLEN];

	nl->local_dirty = false;
	for (size_t i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];
		const struct prefix *la = &p->conf->local_addr;
		bool missing = la->afi != AFI_NONE && !addr_is_local(la);

		if (missing && (loud || !p->local_addr_missing))
			log_peer_warnx(p, "local-address %s is not an address "
			    "of this host; the session cannot start until it "
			    "is (ip addr add %s/%u dev ...)", addr_fmt(la, a,
			    sizeof(a)), a, la->len);
		else if (!missing && p->local_addr_missing)
			log_peer_info(p, "local-address %s is an address of "
			    "this host now", addr_fmt(la, a, sizeof(a)));
		p->local_addr_missing = missing;
	}
}

/* ---- import-addresses --------------------------------------------------- */

static bool quiet_has(const struct nl *nl, const struct prefix *a)
{
	for (size_t i = 0; i < nl->nquiet; i++)
		if (prefix_equal(&nl->quiet[i], a))
			return true;
	return false;
}

static void quiet_set(struct nl *nl, const struct prefix *a, bool on)
{
	for (size_t i = 0; i < nl->nquiet; i++) {
		if (!prefix_equal(&nl->quiet[i], a))
			continue;
		if (!on)
			nl->quiet[i] = nl->quiet[--nl->nquiet];
		return;
	}
	if (!on)
		return;
	if (nl->nquiet == nl->capquiet) {
		struct prefix *nq = array_grow(nl->quiet, &nl->capquiet,
		    nl->nquiet + 1, sizeof(*nq));
		if (nq == NULL)
			return;
		nl->quiet = nq;
	}
	nl->quiet[nl->nquiet++] = *a;
}

/* Never VIPs: loopback, link-local, unspecified. */
static bool import_skips(const struct prefix *a)
{
	static const uint8_t v6_loop[16] = { [15] = 1 };
	static const uint8_t zero[16] = { 0 };

	if (a->afi == AFI_IPV4)
		return a->a[0] == 127 || (a->a[0] == 169 && a->a[1] == 254) ||
		    memcmp(a->a, zero, 4) == 0;
	return memcmp(a->a, v6_loop, 16) == 0 || memcmp(a->a, zero, 16) == 0 ||
	    (a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80);
}

/* Does an import of this interface take the address?  With a label:
 * IPv4 addresses labelled LABEL or DEV:LABEL only. */
static bool import_takes(const struct conf_import *im, const char *dev,
    const struct nl_ifaddr *a)
{
	if (strcmp(im->dev, dev) != 0)
		return false;
	if (im->label == NULL)
		return true;
	if (a->addr.afi != AFI_IPV4 || a->label == NULL)
		return false;
	size_t n = strlen(dev);
	return strcmp(a->label, im->label) == 0 ||
	    (strncmp(a->label, dev, n) == 0 && a->label[n] == ':' &&
	    strcmp(a->label + n + 1, im->label) == 0);
}

/* The import dev an address event is about, if any import takes it. */
static const char *import_dev_of(struct nl *nl, const struct nl_ifaddr *a)
{
	const struct conf *c = nl->d->conf;

	if (import_skips(&a->addr))
		return NULL;
	for (size_t i = 0; i < c->nimports; i++) {
		const struct nl_link *l = link_find(nl, c->imports[i].dev);
		if (l != NULL && l->ifindex == a->ifindex &&
		    import_takes(&c->imports[i], l->name, a))
			return l->name;
	}
	return NULL;
}

static bool held_by(const struct vip *v, const char *owner)
{
	for (uint32_t i = 0; v != NULL && i < v->nowners; i++)
		if (strcmp(vip_owner(v, i)->name, owner) == 0)
			return true;
	return false;
}

static void import_add(struct nl *nl, const char *dev,
    const struct prefix *addr)
{
	struct lbbgpd *d = nl->d;
	char owner[sizeof(OWNER_PREFIX) + IFNAMSIZ], a[PREFIX_STRLEN];
	struct rib_res res = { 0 };

	snprintf(owner, sizeof(owner), OWNER_PREFIX "%s", dev);
	if (held_by(rib_vip_find(d->rib, addr), owner))
		return;
	struct vip_req req = { .owner = owner };
	if (!rib_vip_add(d->rib, addr, &req, &res)) {
		if (!quiet_has(nl, addr))
			log_warnx("import-addresses dev %s: %s is not "
			    "imported: %s", dev, addr_fmt(addr, a, sizeof(a)),
			    res.msg);
		quiet_set(nl, addr, true);
		return;
	}
	quiet_set(nl, addr, false);
	state_touch(d->state, addr);
	log_info("import-addresses dev %s: %s is a VIP now (owner %s)", dev,
	    addr_fmt(addr, a, sizeof(a)), owner);
}

/* why: "left lo", "is no longer imported", ... for the log. */
static void import_del(struct nl *nl, const char *dev,
    const struct prefix *addr, const char *why)
{
	struct lbbgpd *d = nl->d;
	char owner[sizeof(OWNER_PREFIX) + IFNAMSIZ], a[PREFIX_STRLEN];
	struct rib_res res = { 0 };

	quiet_set(nl, addr, false);
	snprintf(owner, sizeof(owner), OWNER_PREFIX "%s", dev);
	if (!held_by(rib_vip_find(d->rib, addr), owner) ||
	    !rib_vip_withdraw(d->rib, addr, owner, &res))
		return;
	state_touch(d->state, addr);
	log_info("import-addresses dev %s: %s %s: withdrawn", dev,
	    addr_fmt(addr, a, sizeof(a)), why);
}

static bool imports_dev(const struct conf *c, const char *dev)
{
	for (size_t i = 0; i < c->nimports; i++)
		if (strcmp(c->imports[i].dev, dev) == 0)
			return true;
	return false;
}

/* An imported address and the device it is on. */
struct dev_addr {
	struct prefix addr;
	const char *dev;	/* a name in nl->links: live until rebuilt */
};

/* The imported addresses present on the host, from a dump. */
struct present {
	struct dev_addr *a;
	size_t n, cap;
	struct nl *nl;
	bool nomem;
};

static void present_add(void *arg, const struct nl_ifaddr *a)
{
	struct present *p = arg;
	const char *dev;

	if (a->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED) ||
	    (dev = import_dev_of(p->nl, a)) == NULL)
		return;
	if (p->n == p->cap) {
		struct dev_addr *na = array_grow(p->a, &p->cap, p->n + 1,
		    sizeof(*na));
		if (na == NULL) {
			p->nomem = true;
			return;
		}
		p->a = na;
	}
	p->a[p->n++] = (struct dev_addr){ a->addr, dev };
}

/* An imported VIP to withdraw: dev is a copy (the owner name goes with
 * the VIP), NULL when out of memory. */
struct gone {
	struct prefix addr;
	char *dev;
};

void nl_imports_sync(struct lbbgpd *d)
{
	struct nl *nl = d->nl;
	const struct conf *c = d->conf;
	struct present p = { .nl = nl };
	size_t nwd = 0, capwd = 0;
	struct gone *wd = NULL;

	if (nl == NULL || nl->sync == NULL)
		return;
	nl->imports_dirty = false;
	for (size_t i = 0; i < nl->nlinks; i++) {
		const struct nl_link *l = &nl->links[i];
		if (!imports_dev(c, l->name))
			continue;
		if (l->ifindex == 0) {
			log_info("import-addresses dev %s: no such interface "
			    "yet; its addresses are imported when it appears",
			    l->name);
			continue;
		}
		int err = nl_dump_addrs(nl, l->ifindex, present_add, &p);
		if (err < 0 || p.nomem) {
			log_warnx("import-addresses dev %s: cannot read its "
			    "addresses: %s", l->name, p.nomem ? "out of memory" :
			    nl_geterror(err));
			free(p.a);
			return;
		}
	}
	/* Withdraw what left, and whatever an import no longer covers. */
	for (const struct vip *v = rib_vip_next(d->rib, NULL); v;
	    v = rib_vip_next(d->rib, v)) {
		for (uint32_t i = 0; i < v->nowners; i++) {
			const char *o = vip_owner(v, i)->name;
			size_t k;
			if (strncmp(o, OWNER_PREFIX, strlen(OWNER_PREFIX)) != 0)
				continue;
			for (k = 0; k < p.n; k++)
				if (prefix_equal(&p.a[k].addr, &v->addr) &&
				    strcmp(p.a[k].dev,
				    o + strlen(OWNER_PREFIX)) == 0)
					break;
			if (k < p.n)
				continue;
			if (nwd == capwd) {
				struct gone *nw = array_grow(wd, &capwd,
				    nwd + 1, sizeof(*nw));
				if (nw == NULL)
					break;
				wd = nw;
			}
			wd[nwd++] = (struct gone){ v->addr,
			    strdup(o + strlen(OWNER_PREFIX)) };
		}
	}
	for (size_t i = 0; i < nwd; i++) {
		if (wd[i].dev != NULL)
			import_del(nl, wd[i].dev, &wd[i].addr, imports_dev(c,
			    wd[i].dev) ? "is not on it (any more)" :
			    "is no longer imported");
		free(wd[i].dev);
	}
	for (size_t i = 0; i < p.n; i++)
		import_add(nl, p.a[i].dev, &p.a[i].addr);
	free(wd);
	free(p.a);
}

static void addr_msg(struct nl *nl, const struct nlmsghdr *h)
{
	const struct conf *c = nl->d->conf;
	struct nl_ifaddr a;

	if (!nl_ifaddr_parse(h, &a))
		return;
	for (size_t i = 0; i < c->nneighbors; i++)
		if (prefix_equal(&c->neighbors[i].local_addr, &a.addr))
			nl->local_dirty = true;
	if (c->nimports == 0)
		return;
	const char *dev = import_dev_of(nl, &a);
	if (dev == NULL)
		return;
	if (h->nlmsg_type == RTM_DELADDR)
		import_del(nl, dev, &a.addr, "left it");
	else if (!(a.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)))
		import_add(nl, dev, &a.addr);	/* after DAD, for IPv6 */
}

/* ---- events ------------------------------------------------------------- */

/* Read every link and imported address again: events were lost. */
static void resync(struct nl *nl)
{
	nl->resync = false;
	for (size_t i = 0; i < nl->nlinks; i++)
		link_query(nl, &nl->links[i]);
	if (nl->vip_name[0] != '\0')
		vif_start(nl, false);
	apply_links(nl);
	nl_imports_sync(nl->d);
	check_local_addrs(nl, false);
}

static void events_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct nl *nl = w->data;
	int fd = nl_socket_get_fd(nl->ev);

	for (int round = 0; round < EV_ROUND; round++) {
		struct sockaddr_nl from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, nl->ev_buf, EV_BUF_SIZE, MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				log_warnx("netlink: link or address events "
				    "were lost (receive buffer full); reading "
				    "them all again");
				nl->resync = true;
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("netlink: reading events");
			break;
		}
		if (from.nl_pid != 0)
			continue;	/* only the kernel speaks here */
		size_t left = (size_t)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)nl->ev_buf;
		    NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			switch (h->nlmsg_type) {
			case RTM_NEWLINK:
			case RTM_DELLINK:
				link_msg(nl, h);
				break;
			case RTM_NEWADDR:
			case RTM_DELADDR:
				addr_msg(nl, h);
				break;
			default:
				break;
			}
		}
	}
	if (nl->resync) {
		resync(nl);
		return;
	}
	if (nl->links_dirty)
		apply_links(nl);
	if (nl->imports_dirty)
		nl_imports_sync(nl->d);
	if (nl->local_dirty)
		check_local_addrs(nl, false);
}

/* ---- entry points --------------------------------------------------------- */

const char *nl_suspended_by(const struct lbbgpd *d)
{
	return d->nl != NULL && d->nl->suspended ? d->nl->suspended_by : NULL;
}

/* Sockets, links and memberships for the config in d->conf. */
static bool setup(struct nl *nl)
{
	const struct conf *c = nl->d->conf;
	bool addrs = conf_wants_addrs(c);

	if (!conf_wants_links(c) && !addrs) {
		addr_events(nl, false);
		return links_rebuild(nl);
	}
	if (!open_sockets(nl)) {
		log_warnx("netlink is needed for vip-interface, "
		    "track-interface, import-addresses and the local-address "
		    "check; lbbgpd cannot follow the host without it");
		return false;
	}
	/* Subscribe before reading, so no change falls in between. */
	addr_events(nl, addrs);
	return links_rebuild(nl);
}

/*
 * Follow the config in d->conf: sockets, links, the vip-interface (a new
 * one, or none any more), then judge links, imports and local addresses.
 * At start any failure is fatal; after a reload the rest still applies.
 */
static bool follow_conf(struct nl *nl, bool at_start)
{
	const struct conf *c = nl->d->conf;
	const char *vif = c->vip_interface ? c->vip_interface : "";
	bool ok = setup(nl);

	if (!ok && at_start)
		return false;
	if (strcmp(nl->vip_name, vif) != 0) {
		if (nl->vip_ifindex != 0) {
			log_info("vip-interface %s: no longer used; removing "
			    "the VIP addresses lbbgpd put there", nl->vip_name);
			vif_release(nl, nl->vip_ifindex);
		}
		rib_set_vip_hook(nl->d->rib, NULL, NULL);
		nl->vip_ifindex = 0;
		nl->vip_down_warned = false;
		snprintf(nl->vip_name, sizeof(nl->vip_name), "%s", vif);
		if (vif[0] != '\0' && !vif_start(nl, true)) {
			ok = false;
			if (at_start)
				return false;
		}
	}
	apply_links(nl);
	nl_imports_sync(nl->d);
	check_local_addrs(nl, true);
	return ok;
}

bool nl_start(struct lbbgpd *d)
{
	struct nl *nl = calloc(1, sizeof(*nl));

	if (nl == NULL)
		return false;
	nl->d = d;
	nl->proto_ok = kernel_keeps_proto();
	d->nl = nl;
	return follow_conf(nl, true);
}

void nl_stop(struct lbbgpd *d)
{
	struct nl *nl = d->nl;

	if (nl == NULL)
		return;
	if (d->rib != NULL)
		rib_set_vip_hook(d->rib, NULL, NULL);
	vif_stop(nl);
	if (nl->ev != NULL)
		ev_io_stop(d->loop, &nl->ev_w);
	nl_socket_free(nl->ev);
	nl_socket_free(nl->sync);
	free(nl->ev_buf);
	free(nl->links);
	free(nl->quiet);
	free(nl);
	d->nl = NULL;
}

/* old is not needed: what lbbgpd follows now is kept in struct nl. */
bool nl_reconf(struct lbbgpd *d, const struct conf *old)
{
	if (d->nl == NULL)
		return nl_start(d);
	return follow_conf(d->nl, false);
}

void nl_rib_replaced(struct lbbgpd *d)
{
	struct nl *nl = d->nl;

	if (nl == NULL)
		return;
	rib_set_suspended(d->rib, nl->suspended);
	if (nl->vip_name[0] != '\0' && nl->w.sk != NULL)
		nl_vips_sync(d);
}
