/*
 * vips.c - the vip-interface: every VIP of the RIB as a /32 or /128
 * address on one interface, so the host accepts the traffic the routes
 * draw.  Must not block the loop: the RIB's VIP hook only queues; the
 * queue goes to the kernel in batches of requests, each ACKed, a bounded
 * number per loop iteration.
 *
 * Which addresses are lbbgpd's: the ones it adds carry IFA_PROTO
 * NL_IFA_PROTO_LBBGP (Linux 6.1+), so a sync removes an address that is
 * no VIP only when it carries that mark; on older kernels, which drop the
 * mark, an address of a configured pool stands for it.  Everything else
 * on the interface is left alone.
 */
#include "bgpd/netlink/netlink_int.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/buf.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* Requests per send() at most: the kernel works through them inside the
 * call, and their ACKs must fit the receive buffer. */
#define W_BATCH		64
/*
 * Time for requests per loop iteration, so sessions and clients get their
 * turn.  The kernel's cost per address grows with the addresses already
 * on the interface (Linux walks a list per IPv4 add: 10,000 take about
 * 2 s, 30,000 over 40 s), so batches shrink to what fits W_SEND_SECS.
 */
#define W_ROUND_SECS	0.010
#define W_SEND_SECS	0.004
/* An RTM_NEWADDR of ours: header, ifaddrmsg and four attributes. */
#define W_MSG_MAX	128
#define W_RBUF		(64 * 1024)
#define W_RCVBUF	(4 * 1024 * 1024)
/* Bursts at least this long are logged at info level, others at debug. */
#define W_LOG_BURST	100

static void w_run(struct ev_loop *loop, ev_io *io, int revents);
static void w_read(struct ev_loop *loop, ev_io *io, int revents);

/* ---- the queue ---------------------------------------------------------- */

static void w_push(struct nl *nl, const struct prefix *a, int ifindex,
    bool add)
{
	struct nl_writer *w = &nl->w;

	if (w->head == w->len) {
		w->head = w->len = 0;
		if (w->added + w->removed + w->failed == 0)
			w->burst_start = now_mono();
	}
	if (w->len == w->cap) {
		struct nl_addr_op *nq = array_grow(w->q, &w->cap, w->len + 1,
		    sizeof(*nq));
		if (nq == NULL) {
			w->resync = true;	/* a sync finds it later */
			return;
		}
		w->q = nq;
	}
	w->q[w->len++] = (struct nl_addr_op){ *a, ifindex, add };
	if (!ev_is_active(&w->wio))
		ev_io_start(nl->d->loop, &w->wio);
}

/* The RIB's hook: a VIP got its first owner or lost its last. */
static void vip_hook(void *ctx, const struct prefix *vip, bool present)
{
	struct nl *nl = ctx;

	if (nl->vip_ifindex != 0)
		w_push(nl, vip, nl->vip_ifindex, present);
}

/* Is the request still what the RIB wants?  A VIP added and withdrawn
 * before its turn needs nothing; requests for an interface that is no
 * longer the vip-interface only ever remove. */
static bool op_needed(const struct nl *nl, const struct nl_addr_op *op)
{
	if (op->ifindex != nl->vip_ifindex)
		return !op->add;
	return op->add == (rib_vip_find(nl->d->rib, &op->addr) != NULL);
}

/* ---- requests ----------------------------------------------------------- */

static size_t put_attr(uint8_t *p, uint16_t type, const void *data,
    size_t len)
{
	struct rtattr *rta = (struct rtattr *)p;

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	memset((uint8_t *)RTA_DATA(rta) + len, 0, RTA_SPACE(len) -
	    RTA_LENGTH(len));
	return RTA_SPACE(len);
}

/*
 * RTM_NEWADDR or RTM_DELADDR for one host address.  Scope global: the
 * VIP is an ordinary address of the host, which accepts traffic for it
 * and answers from it.  IPv6 without DAD, so it is usable at once; no
 * prefix route, the local route is all a /32 or /128 needs.
 */
static size_t encode(uint8_t *buf, const struct nl_addr_op *op,
    uint32_t seq)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	bool v4 = op->addr.afi == AFI_IPV4;
	size_t alen = afi_bytes(op->addr.afi);
	uint32_t flags = IFA_F_NOPREFIXROUTE | (v4 ? 0 : IFA_F_NODAD);
	uint8_t proto = NL_IFA_PROTO_LBBGP;
	size_t len = NLMSG_SPACE(sizeof(*ifa));

	memset(buf, 0, len);
	h->nlmsg_type = op->add ? RTM_NEWADDR : RTM_DELADDR;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
	    (op->add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	h->nlmsg_seq = seq;
	ifa->ifa_family = v4 ? AF_INET : AF_INET6;
	ifa->ifa_prefixlen = (uint8_t)afi_bits(op->addr.afi);
	ifa->ifa_flags = (uint8_t)flags;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)op->ifindex;
	if (v4)
		len += put_attr(buf + len, IFA_LOCAL, op->addr.a, alen);
	len += put_attr(buf + len, IFA_ADDRESS, op->addr.a, alen);
	if (op->add) {
		len += put_attr(buf + len, IFA_FLAGS, &flags, sizeof(flags));
		len += put_attr(buf + len, NL_ATTR_IFA_PROTO, &proto, 1);
	}
	h->nlmsg_len = (uint32_t)len;
	return len;
}

/* The kernel's own words on a refused request (NETLINK_EXT_ACK). */
static const char *ext_msg(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_LENGTH(sizeof(*e));

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	while (off + sizeof(struct nlattr) <= h->nlmsg_len) {
		const struct nlattr *a = (const struct nlattr *)
		    ((const uint8_t *)h + off);
		if (a->nla_len < sizeof(*a) || off + a->nla_len > h->nlmsg_len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG &&
		    memchr(a + 1, '\0', a->nla_len - sizeof(*a)) != NULL)
			return (const char *)(a + 1);
		off += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static void ack(struct nl *nl, const struct nl_addr_op *op, int err,
    const char *why)
{
	struct nl_writer *w = &nl->w;
	char a[PREFIX_STRLEN], ifname[IF_NAMESIZE] = "?";
	unsigned suppressed;

	/* Already there, already gone: the kernel agrees with us. */
	if (err == 0 || (op->add && err == EEXIST) ||
	    (!op->add && err == EADDRNOTAVAIL)) {
		if (op->add)
			w->added++;
		else
			w->removed++;
		return;
	}
	w->failed++;
	if (err == ENODEV && op->ifindex == nl->vip_ifindex)
		w->resync = true;	/* the interface went: see vif_start */
	if (!log_limit_ok(&w->limit, now_mono(), &suppressed))
		return;
	if_indextoname((unsigned)op->ifindex, ifname);
	log_warnx("vip-interface %s: cannot %s %s: %s%s%s%s", ifname,
	    op->add ? "add" : "remove", addr_fmt(&op->addr, a, sizeof(a)),
	    strerror(err), why ? " (" : "", why ? why : "", why ? ")" : "");
	if (suppressed > 0)
		log_warnx("vip-interface %s: %u more such errors not logged",
		    ifname, suppressed);
}

/* Read the ACKs of the batch just sent (the kernel has answered them
 * all by the time send() returned, unless some were dropped). */
static void read_acks(struct nl *nl, uint32_t first, size_t n)
{
	struct nl_writer *w = &nl->w;
	size_t got = 0;

	while (got < n) {
		ssize_t r = recv(w->fd, w->rbuf, W_RBUF, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warnx("vip-interface %s: ACKs lost (%s): "
				    "reading the interface again",
				    nl->vip_name, strerror(errno));
			w->resync = true;
			return;
		}
		size_t left = (size_t)r;
		for (struct nlmsghdr *h = (struct nlmsghdr *)w->rbuf;
		    NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type != NLMSG_ERROR ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
				continue;
			uint32_t i = h->nlmsg_seq - first;
			if (i >= n)
				continue;	/* an older batch's */
			const struct nlmsgerr *e = NLMSG_DATA(h);
			ack(nl, &w->fly[i], -e->error, e->error ?
			    ext_msg(h) : NULL);
			got++;
		}
	}
}

static void burst_done(struct nl *nl)
{
	struct nl_writer *w = &nl->w;
	size_t total = w->added + w->removed + w->failed;
	double secs = now_mono() - w->burst_start;

	if (total == 0)
		return;
	if (total >= W_LOG_BURST || w->failed > 0)
		log_info("vip-interface %s: %zu addresses added, %zu removed, "
		    "%zu failed in %.3f s", nl->vip_name, w->added, w->removed,
		    w->failed, secs);
	else
		log_debug("vip-interface %s: %zu addresses added, %zu removed "
		    "in %.3f s", nl->vip_name, w->added, w->removed, secs);
	w->added = w->removed = w->failed = 0;
}

/* The socket is writable: send batches for W_ROUND_SECS at most. */
static void w_run(struct ev_loop *loop, ev_io *io, int revents)
{
	struct nl *nl = io->data;
	struct nl_writer *w = &nl->w;
	double start = now_mono(), t = start;

	if (w->batch == 0)
		w->batch = W_BATCH;
	while (w->head < w->len && t - start < W_ROUND_SECS && !w->resync) {
		size_t n = 0, len = 0;
		uint32_t first = w->seq;
		while (n < w->batch && w->head < w->len) {
			const struct nl_addr_op *op = &w->q[w->head];
			/*
			 * An address goes only after its withdrawal is on
			 * the wire: traffic the routers still send must
			 * find it (ExaBGP's #993).  A backlog means some
			 * UPDATE still waits: nl_routes_sent() resumes.
			 */
			if (!op->add && nl->d->backlog && op_needed(nl, op)) {
				w->held = true;
				break;
			}
			w->head++;
			if (!op_needed(nl, op))
				continue;
			w->fly[n++] = *op;
			len += encode(w->buf + len, op, w->seq++);
		}
		if (n == 0) {
			if (w->held)
				break;
			continue;
		}
		ssize_t r;
		do
			r = send(w->fd, w->buf, len, 0);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			log_warnx("vip-interface %s: cannot send address "
			    "changes: %s; reading the interface again",
			    nl->vip_name, strerror(errno));
			w->resync = true;
			break;
		}
		read_acks(nl, first, n);
		/* Next batch: as many requests as took W_SEND_SECS now. */
		double now = now_mono(), per = (now - t) / (double)n;
		t = now;
		w->batch = per * W_BATCH <= W_SEND_SECS ? W_BATCH :
		    per >= W_SEND_SECS ? 1 : (size_t)(W_SEND_SECS / per);
		if (w->held)
			break;
	}
	if (w->held && !w->resync) {
		ev_io_stop(loop, &w->wio);	/* until nl_routes_sent() */
		return;
	}
	if (w->head < w->len && !w->resync)
		return;		/* more next iteration */
	w->head = w->len = 0;
	ev_io_stop(loop, &w->wio);
	burst_done(nl);
	if (w->resync) {
		w->resync = false;
		vif_start(nl, false);
	}
}

void nl_routes_sent(struct lbbgpd *d)
{
	struct nl *nl = d->nl;

	if (nl == NULL || !nl->w.held)
		return;
	nl->w.held = false;
	ev_io_start(d->loop, &nl->w.wio);
}

/* ACKs that arrive outside a batch (none expected): keep it drained. */
static void w_read(struct ev_loop *loop, ev_io *io, int revents)
{
	struct nl *nl = io->data;

	while (recv(nl->w.fd, nl->w.rbuf, W_RBUF, MSG_DONTWAIT) > 0)
		;
}

static bool w_open(struct nl *nl)
{
	struct nl_writer *w = &nl->w;
	int one = 1, size = W_RCVBUF, err;

	if (w->sk != NULL)
		return true;
	w->sk = nl_socket_alloc();
	w->buf = malloc(W_BATCH * W_MSG_MAX);
	w->rbuf = malloc(W_RBUF);
	w->fly = calloc(W_BATCH, sizeof(*w->fly));
	if (w->sk == NULL || w->buf == NULL || w->rbuf == NULL ||
	    w->fly == NULL) {
		log_warnx("vip-interface: out of memory");
		return false;
	}
	if ((err = nl_connect(w->sk, NETLINK_ROUTE)) < 0) {
		log_warnx("vip-interface: cannot open a routing socket: %s",
		    nl_geterror(err));
		return false;
	}
	w->fd = nl_socket_get_fd(w->sk);
	/* Short ACKs (no copy of the request), with the kernel's reason. */
	setsockopt(w->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(w->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (setsockopt(w->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) < 0)
		setsockopt(w->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	w->seq = 1;
	ev_io_init(&w->wio, w_run, w->fd, EV_WRITE);
	ev_io_init(&w->rio, w_read, w->fd, EV_READ);
	w->wio.data = w->rio.data = nl;
	ev_io_start(nl->d->loop, &w->rio);
	return true;
}

void vif_stop(struct nl *nl)
{
	struct nl_writer *w = &nl->w;

	if (w->sk != NULL) {
		ev_io_stop(nl->d->loop, &w->wio);
		ev_io_stop(nl->d->loop, &w->rio);
	}
	/* Requests still queued are dropped: the next start syncs. */
	nl_socket_free(w->sk);
	free(w->q);
	free(w->fly);
	free(w->buf);
	free(w->rbuf);
	memset(w, 0, sizeof(*w));
}

/* ---- the interface ------------------------------------------------------- */

static const char *create_hint(int err)
{
	switch (err) {
	case NLE_OPNOTSUPP:
		return "this kernel has no dummy interfaces (CONFIG_DUMMY); "
		    "create the interface yourself (any type that takes "
		    "addresses, e.g. ip link add NAME type bridge) or choose "
		    "an existing one";
	case NLE_PERM:
	case NLE_NOACCESS:
		return "lbbgpd needs CAP_NET_ADMIN to create it";
	default:
		return "create it yourself (ip link add NAME type dummy) or "
		    "choose an existing interface";
	}
}

/* The interface exists (created as a dummy if need be) and is up. */
static bool vif_ensure(struct nl *nl, bool set_up)
{
	struct rtnl_link *k = NULL;
	int err = rtnl_link_get_kernel(nl->sync, 0, nl->vip_name, &k);

	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) {
		struct rtnl_link *n = rtnl_link_alloc();
		if (n == NULL)
			return false;
		rtnl_link_set_name(n, nl->vip_name);
		rtnl_link_set_flags(n, IFF_UP);
		err = rtnl_link_set_type(n, "dummy");
		if (err >= 0)
			err = rtnl_link_add(nl->sync, n, NLM_F_CREATE |
			    NLM_F_EXCL);
		rtnl_link_put(n);
		if (err < 0) {
			log_warnx("vip-interface %s: no such interface, and "
			    "it cannot be created as a dummy interface: %s; "
			    "%s", nl->vip_name, nl_geterror(err),
			    create_hint(-err));
			return false;
		}
		log_info("vip-interface %s: created (dummy) and set up",
		    nl->vip_name);
		err = rtnl_link_get_kernel(nl->sync, 0, nl->vip_name, &k);
	}
	if (err < 0) {
		log_warnx("vip-interface %s: cannot read it: %s", nl->vip_name,
		    nl_geterror(err));
		return false;
	}
	nl->vip_ifindex = rtnl_link_get_ifindex(k);
	if (set_up && !(rtnl_link_get_flags(k) & IFF_UP)) {
		struct rtnl_link *ch = rtnl_link_alloc();
		if (ch != NULL) {
			rtnl_link_set_flags(ch, IFF_UP);
			err = rtnl_link_change(nl->sync, k, ch, 0);
			rtnl_link_put(ch);
		}
		if (ch == NULL || err < 0)
			log_warnx("vip-interface %s: cannot set it up: %s; the "
			    "host drops traffic to the VIPs until it is up",
			    nl->vip_name, ch ? nl_geterror(err) :
			    "out of memory");
		else
			log_info("vip-interface %s: was down, set it up",
			    nl->vip_name);
	}
	rtnl_link_put(k);
	return true;
}

bool vif_start(struct nl *nl, bool at_start)
{
	if (!w_open(nl))
		return false;
	nl->vip_ifindex = 0;
	if (!vif_ensure(nl, at_start)) {
		rib_set_vip_hook(nl->d->rib, NULL, NULL);
		return false;
	}
	nl_vips_sync(nl->d);
	return true;
}

void vif_link_event(struct nl *nl, int ifindex, const char *name,
    unsigned flags, bool gone)
{
	bool named = name != NULL && strcmp(name, nl->vip_name) == 0;

	if (ifindex == nl->vip_ifindex && (gone || !named)) {
		log_warnx("vip-interface %s was %s: creating it again with "
		    "the VIPs", nl->vip_name, gone ? "deleted" : "renamed");
		vif_start(nl, true);
		return;
	}
	if (!named || gone)
		return;
	if (ifindex != nl->vip_ifindex) {
		/* Made anew behind our back, or by us just now. */
		nl->vip_ifindex = ifindex;
		nl_vips_sync(nl->d);
	}
	if (!(flags & IFF_UP) && !nl->vip_down_warned)
		log_warnx("vip-interface %s is down: the host drops traffic "
		    "to the VIPs until it is up (ip link set %s up)",
		    nl->vip_name, nl->vip_name);
	else if ((flags & IFF_UP) && nl->vip_down_warned)
		log_info("vip-interface %s is up again", nl->vip_name);
	nl->vip_down_warned = !(flags & IFF_UP);
}

/* ---- sync ---------------------------------------------------------------- */

struct snapshot {
	struct prefix *addr;	/* host addresses on the interface */
	size_t n, cap;
	struct prefix *stale;	/* ours, and no VIP */
	size_t nstale, capstale;
	struct nl *nl;
	bool nomem;
};

/* Room in *v for element n. */
static bool grow(struct prefix **v, size_t *cap, size_t n)
{
	if (n < *cap)
		return true;
	struct prefix *nv = array_grow(*v, cap, n + 1, sizeof(*nv));
	if (nv == NULL)
		return false;
	*v = nv;
	return true;
}

/* Ours: marked by us, or (kernels that drop the mark) in a pool. */
static bool ours(const struct nl *nl, const struct nl_ifaddr *a)
{
	if (a->proto == NL_IFA_PROTO_LBBGP)
		return true;
	return !nl->proto_ok && a->proto == 0 &&
	    conf_pool_for_addr(nl->d->conf, &a->addr) != NULL;
}

static void snap_add(void *arg, const struct nl_ifaddr *a)
{
	struct snapshot *s = arg;

	if (a->plen != afi_bits(a->addr.afi))
		return;		/* not a VIP's: never ours to touch */
	if (rib_vip_find(s->nl->d->rib, &a->addr) == NULL) {
		if (!ours(s->nl, a))
			return;
		if (!grow(&s->stale, &s->capstale, s->nstale)) {
			s->nomem = true;
			return;
		}
		s->stale[s->nstale++] = a->addr;
		return;
	}
	if (!grow(&s->addr, &s->cap, s->n)) {
		s->nomem = true;
		return;
	}
	s->addr[s->n++] = a->addr;
}

static int cmp_prefix(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

void nl_vips_sync(struct lbbgpd *d)
{
	struct nl *nl = d->nl;
	struct nl_writer *w;
	struct snapshot s = { .nl = nl };
	size_t missing = 0;

	if (nl == NULL || nl->vip_name[0] == '\0' || nl->w.sk == NULL)
		return;
	w = &nl->w;
	rib_set_vip_hook(d->rib, vip_hook, nl);
	if (nl->vip_ifindex == 0)
		return;
	/* Requests not sent yet for this interface are covered by what
	 * follows (those already sent have been applied by the kernel);
	 * removals from a former vip-interface stay. */
	size_t keep = 0;
	for (size_t i = w->head; i < w->len; i++)
		if (w->q[i].ifindex != nl->vip_ifindex)
			w->q[keep++] = w->q[i];
	w->head = 0;
	w->len = keep;
	w->resync = false;
	int err = nl_dump_addrs(nl, nl->vip_ifindex, snap_add, &s);
	if (err < 0 || s.nomem) {
		log_warnx("vip-interface %s: cannot read its addresses: %s; "
		    "VIP addresses are added and removed as VIPs change, "
		    "stale ones stay", nl->vip_name, s.nomem ?
		    "out of memory" : nl_geterror(err));
		goto out;
	}
	if (s.n > 0)
		qsort(s.addr, s.n, sizeof(*s.addr), cmp_prefix);
	for (size_t i = 0; i < s.nstale; i++)
		w_push(nl, &s.stale[i], nl->vip_ifindex, false);
	for (const struct vip *v = rib_vip_next(d->rib, NULL); v;
	    v = rib_vip_next(d->rib, v)) {
		if (s.n > 0 && bsearch(&v->addr, s.addr, s.n, sizeof(*s.addr),
		    cmp_prefix) != NULL)
			continue;
		w_push(nl, &v->addr, nl->vip_ifindex, true);
		missing++;
	}
	log_info("vip-interface %s: %zu VIPs, %zu already there, %zu to add, "
	    "%zu stale addresses to remove", nl->vip_name,
	    rib_vip_count(d->rib), s.n, missing, s.nstale);
out:
	free(s.addr);
	free(s.stale);
}

static void release_add(void *arg, const struct nl_ifaddr *a)
{
	struct snapshot *s = arg;

	if (a->plen != afi_bits(a->addr.afi) || !ours(s->nl, a))
		return;
	if (!grow(&s->stale, &s->capstale, s->nstale)) {
		s->nomem = true;
		return;
	}
	s->stale[s->nstale++] = a->addr;
}

/* Delete our addresses from an interface that is no longer the
 * vip-interface (the caller unhooks the RIB). */
void vif_release(struct nl *nl, int ifindex)
{
	struct snapshot s = { .nl = nl };
	int err = nl_dump_addrs(nl, ifindex, release_add, &s);

	if (err < 0 || s.nomem)
		log_warnx("vip-interface %s: cannot read its addresses to "
		    "remove the VIPs: %s", nl->vip_name, s.nomem ?
		    "out of memory" : nl_geterror(err));
	else
		for (size_t i = 0; i < s.nstale; i++)
			w_push(nl, &s.stale[i], ifindex, false);
	free(s.stale);
}
