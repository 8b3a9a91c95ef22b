/*
 * daemon.c - lbbgpd's life: start-up, listeners, signals, the libev loop,
 * orderly shutdown.
 *
 * All daemon state is one struct lbbgpd on daemon_run()'s stack, passed
 * to everything that needs it.
 */
#include "config.h"

#include "bgpd/bgpd.h"
#include "bgpd/bfd/bfdd.h"
#include "bgpd/control/control.h"
#include "bgpd/fleet/fleetd.h"
#include "bgpd/metrics/metrics.h"
#include "bgpd/netlink/netlink.h"
#include "bgpd/state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LISTEN_BACKLOG 64

/* "an IPv4 address of the host": the lowest non-loopback one, else any. */
static bool default_router_id(uint32_t *id)
{
	struct ifaddrs *ifa, *i;
	uint32_t best = 0, loop = 0;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
			continue;
		uint32_t a = ntohl(((struct sockaddr_in *)i->ifa_addr)->
		    sin_addr.s_addr);
		if (a == 0)
			continue;
		if (i->ifa_flags & IFF_LOOPBACK) {
			if (loop == 0)
				loop = a;
		} else if (best == 0 || a < best) {
			best = a;
		}
	}
	freeifaddrs(ifa);
	*id = best ? best : loop;
	return *id != 0;
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct listener *l = w->data;
	struct lbbgpd *d = l->d;

	for (;;) {
		struct sockaddr_storage ss;
		int fd = net_accept(l->fd, &ss, "accept");
		if (fd < 0)
			return;
		struct prefix from;
		char a[64];
		sockaddr_to_prefix(&ss, &from, NULL);
		struct peer *p = NULL;
		for (size_t i = 0; i < d->npeers && p == NULL; i++)
			if (prefix_equal(&d->peers[i]->conf->addr, &from))
				p = d->peers[i];
		if (p == NULL || d->stopping) {
			/* Closed before reading a byte; logged at a rate a
			 * connection flood cannot turn into a log flood. */
			unsigned suppressed = 0;
			if (log_limit_ok(&d->refused_log, now_mono(),
			    &suppressed))
				log_warnx("connection from %s refused: %s%s",
				    sockaddr_fmt(&ss, a, sizeof(a)),
				    d->stopping ? "shutting down" :
				    "not a configured neighbor", suppressed ?
				    " (and more refusals not logged)" : "");
			close(fd);
			continue;
		}
		peer_accept(p, fd);
	}
}

/* RFC 2385 keys on a listener for every neighbor it may hear from; with
 * old, keys of neighbors whose password went are deleted. */
static bool listener_keys(struct lbbgpd *d, struct listener *l,
    const struct conf *old)
{
	const struct conf *c = d->conf;
	char a[64];

	for (size_t i = 0; old != NULL && i < old->nneighbors; i++) {
		const struct conf_neighbor *o = &old->neighbors[i];
		const struct conf *nc = c;
		bool kept = false;
		if (o->password == NULL)
			continue;
		for (size_t j = 0; j < nc->nneighbors && !kept; j++)
			kept = nc->neighbors[j].password != NULL &&
			    prefix_equal(&nc->neighbors[j].addr, &o->addr);
		if (!kept && !(l->addr.ss_family == AF_INET &&
		    o->addr.afi != AFI_IPV4))
			net_set_md5(l->fd, l->addr.ss_family, &o->addr, NULL);
	}
	for (size_t i = 0; i < c->nneighbors; i++) {
		const struct conf_neighbor *n = &c->neighbors[i];
		if (n->password == NULL || (l->addr.ss_family == AF_INET &&
		    n->addr.afi != AFI_IPV4))
			continue;
		if (!net_set_md5(l->fd, l->addr.ss_family, &n->addr,
		    n->password)) {
			/* By name: in a reload, n may have no peer yet. */
			log_line(LOG_LVL_WARN_ERRNO, n->name, NULL, "cannot set "
			    "the TCP-MD5 key on %s (does this kernel have "
			    "CONFIG_TCP_MD5SIG?)", sockaddr_fmt(&l->addr, a,
			    sizeof(a)));
			return false;
		}
		d->md5 = true;
	}
	/* GTSM peers check our SYN-ACK too: it leaves with TTL 255. */
	int ttl = -1;
	for (size_t i = 0; i < c->nneighbors; i++)
		if (c->neighbors[i].ttl_security)
			ttl = 255;
	setsockopt(l->fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
	if (l->addr.ss_family == AF_INET6)
		setsockopt(l->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
		    sizeof(ttl));
	return true;
}

static struct listener *listener_open(struct lbbgpd *d,
    const struct prefix *addr, uint16_t port)
{
	struct listener *l = calloc(1, sizeof(*l));
	char a[64];
	socklen_t len;

	if (l == NULL)
		return NULL;
	prefix_to_sockaddr(addr, port, &l->addr, &len);
	l->fd = net_listen(&l->addr, LISTEN_BACKLOG);
	if (l->fd < 0) {
		log_warn("cannot listen on %s (is another BGP daemon "
		    "running? set \"listen on\" in the config)",
		    sockaddr_fmt(&l->addr, a, sizeof(a)));
		free(l);
		return NULL;
	}
	if (!listener_keys(d, l, NULL)) {
		close(l->fd);
		free(l);
		return NULL;
	}
	l->d = d;
	ev_io_init(&l->io, accept_cb, l->fd, EV_READ);
	l->io.data = l;
	return l;
}

static void listener_close(struct lbbgpd *d, struct listener *l)
{
	ev_io_stop(d->loop, &l->io);
	close(l->fd);
	free(l);
}

/* Where the config says to listen: its listen lines, or every address on
 * port 179, with one dual-stack socket when IPv6 works. */
static size_t listen_set(const struct conf *c, struct prefix *addr,
    uint16_t *port, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nlistens && n < max; i++, n++) {
		addr[n] = c->listens[i].addr;
		port[n] = c->listens[i].port;
	}
	if (c->nlistens > 0)
		return n;
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	addr[0] = (struct prefix){ .afi = fd >= 0 ? AFI_IPV6 : AFI_IPV4,
	    .len = fd >= 0 ? 128 : 32 };
	port[0] = CONF_DEFAULT_PORT;
	if (fd >= 0)
		close(fd);
	return 1;
}

static bool listener_is(const struct listener *l, const struct prefix *addr,
    uint16_t port)
{
	struct prefix a;
	uint16_t p;

	sockaddr_to_prefix(&l->addr, &a, &p);
	return p == port && prefix_equal(&a, addr);
}

bool listeners_reconf(struct lbbgpd *d, const struct conf *old, char *err,
    size_t errlen)
{
	struct prefix addr[64];
	uint16_t port[64];
	size_t n = listen_set(d->conf, addr, port, 64);
	struct listener *opened = NULL, **tail = &opened;
	char a[64];

	/* Every new socket first: if one fails, nothing changed. */
	for (size_t i = 0; i < n; i++) {
		bool have = false;
		for (struct listener *l = d->listeners; l && !have; l = l->next)
			have = listener_is(l, &addr[i], port[i]);
		if (have)
			continue;
		struct listener *l = listener_open(d, &addr[i], port[i]);
		if (l == NULL) {
			snprintf(err, errlen, "cannot listen on %s port %u: %s",
			    addr_fmt(&addr[i], a, sizeof(a)), port[i],
			    strerror(errno));
			while (opened != NULL) {
				struct listener *next = opened->next;
				listener_close(d, opened);
				opened = next;
			}
			return false;
		}
		*tail = l;
		tail = &l->next;
	}
	for (struct listener **pp = &d->listeners; *pp;) {
		struct listener *l = *pp;
		bool keep = false;
		for (size_t i = 0; i < n && !keep; i++)
			keep = listener_is(l, &addr[i], port[i]);
		if (keep) {
			if (old != NULL)
				listener_keys(d, l, old);
			pp = &l->next;
			continue;
		}
		log_info("no longer listening on %s", sockaddr_fmt(&l->addr, a,
		    sizeof(a)));
		*pp = l->next;
		listener_close(d, l);
	}
	for (struct listener *l = opened; l != NULL; l = l->next) {
		ev_io_start(d->loop, &l->io);
		log_info("listening on %s", sockaddr_fmt(&l->addr, a,
		    sizeof(a)));
	}
	*tail = d->listeners;
	d->listeners = opened;
	return true;
}

/*
 * The kernel drops segments with a wrong or missing TCP-MD5 signature
 * without telling anyone (neither BIRD nor GoBGP logs it either).
 * Its counters do count them: say so when they grow.
 */
static bool md5_counters(uint64_t *failure, uint64_t *notfound,
    uint64_t *unexpected)
{
	FILE *f = fopen("/proc/net/netstat", "re");
	char names[4096], values[4096];
	bool found = false;

	if (f == NULL)
		return false;
	while (fgets(names, sizeof(names), f) &&
	    fgets(values, sizeof(values), f)) {
		if (strncmp(names, "TcpExt:", 7) != 0)
			continue;
		char *ns, *vs, *n = strtok_r(names, " \n", &ns);
		char *v = strtok_r(values, " \n", &vs);
		for (; n && v; n = strtok_r(NULL, " \n", &ns),
		    v = strtok_r(NULL, " \n", &vs)) {
			uint64_t x = strtoull(v, NULL, 10);
			if (strcmp(n, "TCPMD5Failure") == 0)
				*failure = x, found = true;
			else if (strcmp(n, "TCPMD5NotFound") == 0)
				*notfound = x;
			else if (strcmp(n, "TCPMD5Unexpected") == 0)
				*unexpected = x;
		}
	}
	fclose(f);
	return found;
}

static void md5_watch_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lbbgpd *d = w->data;
	uint64_t fail = 0, nf = 0, unexp = 0;

	if (!md5_counters(&fail, &nf, &unexp))
		return;
	if (fail > d->md5_failure)
		log_warnx("TCP-MD5: the kernel dropped %llu segments with a "
		    "wrong signature (TcpExtTCPMD5Failure): a neighbor's "
		    "password differs from ours; compare both sides",
		    (unsigned long long)(fail - d->md5_failure));
	if (nf > d->md5_notfound)
		log_warnx("TCP-MD5: the kernel dropped %llu segments without "
		    "a signature from a peer that needs one "
		    "(TcpExtTCPMD5NotFound): a neighbor has no password set",
		    (unsigned long long)(nf - d->md5_notfound));
	if (unexp > d->md5_unexpected)
		log_warnx("TCP-MD5: the kernel dropped %llu signed segments "
		    "where none was expected (TcpExtTCPMD5Unexpected): a "
		    "neighbor sets a password we do not",
		    (unsigned long long)(unexp - d->md5_unexpected));
	d->md5_failure = fail;
	d->md5_notfound = nf;
	d->md5_unexpected = unexp;
}

void daemon_shutdown(struct lbbgpd *d, const char *why, bool withdrawn)
{
	if (d->stopping)
		return;
	d->stopping = true;
	log_info("%s: closing every session", why);
	/* BFD's AdminDown before the BGP sessions close, so that a router
	 * reads the end as deliberate (RFC 5882 §3.2). */
	bfdd_stop(d);
	for (size_t i = 0; i < d->npeers; i++) {
		if (!withdrawn) {
			peer_stop_for_restart(d->peers[i]);
			continue;
		}
		/* The withdrawals first, then the NOTIFICATION. */
		peer_pump(d->peers[i]);
		peer_stop(d->peers[i], BGP_CEASE_ADMIN_SHUTDOWN,
		    "lbbgpd shutting down");
	}
	ev_break(d->loop, EVBREAK_ALL);
}

static void signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct lbbgpd *d = w->data;

	if (w->signum == SIGHUP) {
		reload_signal(d);
		return;
	}
	/* shutdown-drain: the first SIGTERM drains, a second stops. */
	if (w->signum == SIGTERM && !d->shutdown_draining &&
	    live_shutdown_drain(d))
		return;
	daemon_shutdown(d, w->signum == SIGTERM ? (d->shutdown_draining ?
	    "second SIGTERM during shutdown-drain" : "SIGTERM") : "SIGINT",
	    false);
}

/* Records per step of a commit, and how long a turn spends on them. */
#define COMMIT_SLICE		256
#define COMMIT_SLICE_SECS	0.004

/* A commit is under way: the loop polls without waiting. */
static void committer_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
}

/*
 * Once per loop iteration, after every callback and before blocking: free
 * dead connections, commit the state file, release replies, feed peers.
 */
static void prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct lbbgpd *d = w->data;

	conns_reap(d);
	/* Routes first: only the replies need to wait for the disk. */
	bool backlog = false;
	for (size_t i = 0; i < d->npeers; i++)
		backlog |= peer_pump(d->peers[i]);
	d->backlog = backlog;
	if (!backlog)
		nl_routes_sent(d);
	/*
	 * While a batch's UPDATEs still fill the sockets, the commit (and
	 * the replies) wait a few rounds, so the disk never holds routes
	 * back; a handful of rounds at most, so replies are not starved.
	 */
	if (backlog && state_dirty(d->state) && d->commit_waits < 16) {
		d->commit_waits++;
		return;
	}
	d->commit_waits = 0;
	/*
	 * Group commit: the state file holds every change of this round
	 * before any reply that acknowledges one leaves.  A big one (a
	 * batch of 100,000 VIPs) is written a slice each turn, so that
	 * timers and sessions go on meanwhile.
	 */
	enum state_rc rc;
	double t0 = now_mono();
	while ((rc = state_commit_step(d->state, d->rib, COMMIT_SLICE)) ==
	    STATE_MORE && now_mono() - t0 < COMMIT_SLICE_SECS)
		;
	if (rc == STATE_MORE) {
		ev_idle_start(loop, &d->committer);
		return;
	}
	ev_idle_stop(loop, &d->committer);
	ctl_flush(d, rc == STATE_DONE);
	if (state_want_compact(d->state) && !ev_is_active(&d->compactor))
		ev_idle_start(loop, &d->compactor);
}

/* Fold the journal into a new snapshot when there is nothing else to do. */
static void compact_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	struct lbbgpd *d = w->data;

	ev_idle_stop(loop, w);
	/* Not with half a batch in the RIB: the reaper asks again. */
	if (!ctl_job_running(d))
		state_compact(d->state, d->rib);
}

static void cleanup(struct lbbgpd *d)
{
	loopstat_stop(&d->loopstat, d->loop);
	ctl_close_all(d);	/* before the fleet: its jobs */
	fleetd_stop(d);
	ev_idle_stop(d->loop, &d->committer);
	bfdd_stop(d);
	live_stop(d);
	nl_stop(d);
	metrics_stop(d);
	while (d->listeners != NULL) {
		struct listener *next = d->listeners->next;
		listener_close(d, d->listeners);
		d->listeners = next;
	}
	for (size_t i = 0; d->peers && i < d->npeers; i++)
		if (d->peers[i] != NULL)
			peer_free(d->peers[i]);
	conns_reap(d);
	conns_linger_end(d);
	free(d->peers);
	state_close(d->state);
	rib_free(d->rib);
	conf_free(d->conf);
	ev_loop_destroy(d->loop);
}

int daemon_run(struct conf *conf, const struct daemon_opts *opts)
{
	struct lbbgpd d = { .opts = opts, .conf = conf };
	struct rib_res res = { 0 };
	int rc = 1;

	log_init(opts->foreground, opts->verbose);
	signal(SIGPIPE, SIG_IGN);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	d.loop = ev_default_loop(EVFLAG_AUTO);
	d.started = now_mono();
	d.start_time = (double)time(NULL);

	if (conf->router_id_set) {
		d.router_id = conf->router_id;
	} else if (!default_router_id(&d.router_id)) {
		log_warnx("no IPv4 address on this host to use as BGP "
		    "identifier; set router-id in %s", opts->conf_file);
		goto out;
	}
	d.rib = rib_new(conf, &res);
	if (d.rib == NULL) {
		log_warnx("cannot load the static VIPs: %s", res.msg[0] ?
		    res.msg : "out of memory");
		goto out;
	}
	d.state = state_open(conf->state_file);
	if (d.state == NULL)
		goto out;
	if (conf->state_file == NULL)
		log_warnx("no state-file in %s: VIPs added at run time will "
		    "be lost when lbbgpd stops", opts->conf_file);
	else if (!state_load(d.state, d.rib))
		log_warnx("state file %s cannot be written: changes will be "
		    "refused as unsaved until it can", conf->state_file);
	d.npeers = conf->nneighbors;
	d.peers = calloc(d.npeers ? d.npeers : 1, sizeof(*d.peers));
	if (d.peers == NULL)
		goto out;
	for (size_t i = 0; i < d.npeers; i++)
		if ((d.peers[i] = peer_new(&d, i)) == NULL)
			goto out;
	/* The host follows the RIB before anything is announced. */
	if (!nl_start(&d)) {
		log_warnx("cannot set up the host integration of %s "
		    "(vip-interface, track-interface, import-addresses); "
		    "lbbgpd stops", opts->conf_file);
		goto out;
	}
	char err[256];
	if (!listeners_reconf(&d, NULL, err, sizeof(err)) ||
	    !metrics_start(&d))
		goto out;
	if (!ctl_open_all(&d))
		goto out;
	/* Detach only once every socket is open, so a bind failure is
	 * seen by whoever started us. */
	if (!opts->foreground) {
		if (daemon(0, 0) < 0) {
			log_warn("daemon");
			goto out;
		}
		ev_loop_fork(d.loop);
	}
	/* After the fork: probes' children are the daemon's. */
	if (!live_start(&d))
		goto out;
	/* Before the peers start: bfd-strict holds them until BFD is Up. */
	/* The fleet: what the state file held is announced meanwhile. */
	if (!fleetd_start(&d)) {
		log_warnx("cannot start the fleet: out of memory");
		goto out;
	}
	if (!bfdd_start(&d)) {
		log_warnx("cannot start BFD: out of memory");
		goto out;
	}

	ev_signal_init(&d.sig_term, signal_cb, SIGTERM);
	ev_signal_init(&d.sig_int, signal_cb, SIGINT);
	ev_signal_init(&d.sig_hup, signal_cb, SIGHUP);
	d.sig_term.data = d.sig_int.data = d.sig_hup.data = &d;
	ev_signal_start(d.loop, &d.sig_term);
	ev_signal_start(d.loop, &d.sig_int);
	ev_signal_start(d.loop, &d.sig_hup);
	if (d.md5) {
		md5_counters(&d.md5_failure, &d.md5_notfound,
		    &d.md5_unexpected);
		ev_timer_init(&d.md5_watch, md5_watch_cb, 5, 5);
		d.md5_watch.data = &d;
		ev_timer_start(d.loop, &d.md5_watch);
	}
	ev_idle_init(&d.compactor, compact_cb);
	d.compactor.data = &d;
	ev_idle_init(&d.committer, committer_cb);
	ev_prepare_init(&d.reaper, prepare_cb);
	d.reaper.data = &d;
	ev_prepare_start(d.loop, &d.reaper);
	loopstat_start(&d.loopstat, d.loop);

	log_info("lbbgpd %s started: router-id %u.%u.%u.%u, %zu neighbors, "
	    "%zu VIPs", PACKAGE_VERSION, d.router_id >> 24,
	    (d.router_id >> 16) & 0xff, (d.router_id >> 8) & 0xff,
	    d.router_id & 0xff, d.npeers, rib_vip_count(d.rib));
	for (size_t i = 0; i < d.npeers; i++)
		peer_start(d.peers[i]);

	ev_run(d.loop, 0);
	rc = d.exit_code;
	log_info("lbbgpd stopped");
out:
	cleanup(&d);
	return rc;
}
