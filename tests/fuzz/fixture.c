/*
 * fixture.c - a small lbbgpd on a private loop for the fuzzers (see
 * fixture.h): set-up and tear-down as daemon.c does them, the routers'
 * ends of the connections, and checks of everything lbbgpd sends.
 */
#include "tests/fuzz/fixture.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgpd/control/control.h"
#include "bgpd/metrics/metrics.h"
#include "bgpd/state.h"
#include "tests/fuzz/fuzz.h"

static bool show_log;

static void log_sink(int pri, const char *line)
{
	(void)pri;
	fz_check_printable("log line", line);
	if (show_log)
		fprintf(stderr, "lbbgpd: %s\n", line);
}

void fx_init(void)
{
	/* LBBGP_FUZZ_LOG=1 shows what lbbgpd logs, to follow a reproducer. */
	show_log = getenv("LBBGP_FUZZ_LOG") != NULL;
	log_init(true, 1);	/* debug lines are formatted too */
	log_set_sink(log_sink);
	signal(SIGPIPE, SIG_IGN);
}

struct fx *fx_new(const char *conf_text, const char *conf_file)
{
	struct conf_diag diag;
	struct rib_res res = { 0 };
	struct fx *f = calloc(1, sizeof(*f));
	struct lbbgpd *d = &f->d;

	FZ_CHECK(f != NULL, "out of memory");
	conf_diag_init(&diag);
	d->conf = conf_load_string(conf_file, conf_text, &diag);
	FZ_CHECK(d->conf != NULL, "fixture config: %s", diag.nmsgs ?
	    diag.msgs[0] : "?");
	conf_diag_free(&diag);
	f->opts.conf_file = conf_file;
	f->opts.socket_path = "/nonexistent/lbbgp-fuzz.sock";
	f->opts.foreground = true;
	d->opts = &f->opts;
	d->loop = ev_loop_new(EVBACKEND_EPOLL | EVFLAG_NOENV);
	FZ_CHECK(d->loop != NULL, "ev_loop_new");
	d->started = now_mono();
	d->start_time = 1700000000.0;
	d->router_id = d->conf->router_id;
	d->rib = rib_new(d->conf, &res);
	FZ_CHECK(d->rib != NULL, "rib_new: %s", res.msg);
	d->state = state_open(NULL);
	FZ_CHECK(d->state != NULL && metrics_start(d), "state, metrics");
	d->npeers = d->conf->nneighbors;
	d->peers = calloc(d->npeers, sizeof(*d->peers));
	f->nrouters = d->npeers;
	f->routers = calloc(d->npeers, sizeof(*f->routers));
	FZ_CHECK(d->peers != NULL && f->routers != NULL, "out of memory");
	for (size_t i = 0; i < d->npeers; i++) {
		/* An active neighbor would connect out: never in a fuzzer. */
		FZ_CHECK(d->conf->neighbors[i].passive, "fixture neighbor %s "
		    "is not passive", d->conf->neighbors[i].name);
		d->peers[i] = peer_new(d, i);
		FZ_CHECK(d->peers[i] != NULL, "peer_new");
		peer_start(d->peers[i]);
	}
	return f;
}

static void sock_drop(struct fx_router *r, size_t k)
{
	close(r->s[k].fd);
	free(r->s[k].in);
	memmove(r->s + k, r->s + k + 1, (r->n - k - 1) * sizeof(r->s[0]));
	r->n--;
}

void fx_free(struct fx *f)
{
	struct lbbgpd *d = &f->d;

	ctl_close_all(d);
	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i] != NULL)
			peer_free(d->peers[i]);
	for (size_t i = 0; i < f->nrouters; i++)
		while (f->routers[i].n > 0)
			sock_drop(&f->routers[i], 0);
	conns_reap(d);
	conns_linger_end(d);
	metrics_stop(d);
	free(d->peers);
	free(f->routers);
	state_close(d->state);
	rib_free(d->rib);
	conf_free(d->conf);
	ev_loop_destroy(d->loop);
	free(f);
}

/* ---- what lbbgpd sends ---------------------------------------------------- */

/* lbbgpd's connection on the socket it accepted as lfd; NULL once gone. */
static const struct conn *conn_of(const struct fx *f, size_t idx, int lfd)
{
	if (idx >= f->d.npeers)
		return NULL;
	const struct peer *p = f->d.peers[idx];
	if (p->conn != NULL && p->conn->fd == lfd && !p->conn->dead)
		return p->conn;
	if (p->coll != NULL && p->coll->fd == lfd && !p->coll->dead)
		return p->coll;
	return NULL;
}

static void check_sent(const struct peer *p, const struct conn *c,
    const uint8_t *m, size_t len, uint8_t type)
{
	struct bgp_open o;
	struct bgp_err e = { 0 };

	switch (type) {
	case BGP_MSG_UPDATE:
		if (c == NULL || c->fsm.state != FSM_ESTABLISHED) {
			struct bgp_upd_ctx any = fz_ctx(0xf);
			fz_update(m, len, &any);
			break;
		}
		/* Our own UPDATEs are spotless for the session they are on. */
		struct bgp_upd_ctx ctx = { .as4 = c->neg.as4, .ebgp = p->ebgp,
		    .v4 = c->neg.v4, .v6 = c->neg.v6 };
		struct bgp_update u;
		FZ_CHECK(len <= (c->neg.ext_message ? BGP_EXT_MAX_LEN :
		    BGP_MAX_LEN), "UPDATE of %zu bytes sent", len);
		FZ_CHECK(bgp_update_decode(m, len, &ctx, &u, &e) &&
		    u.why.code == 0, "lbbgpd sent an UPDATE it would refuse: "
		    "%u/%u, why %u/%u attribute %u", e.code, e.subcode,
		    u.why.code, u.why.subcode, u.why_attr);
		fz_update(m, len, &ctx);
		break;
	case BGP_MSG_OPEN:
		FZ_CHECK(len <= BGP_MAX_LEN && bgp_open_decode(m, len, &o, &e),
		    "lbbgpd sent an OPEN it would refuse");
		fz_open(m, len);
		break;
	default:
		fz_message(m, len, type, NULL);
		break;
	}
}

/* Read and check what lbbgpd wrote to the router; true if anything. */
static bool router_read(struct fx *f, size_t idx)
{
	struct fx_router *r = &f->routers[idx];
	bool got = false;

	for (size_t k = 0; k < r->n;) {
		struct fx_sock *s = &r->s[k];
		if (s->in == NULL) {
			s->in = malloc(2 * BGP_EXT_MAX_LEN);
			FZ_CHECK(s->in != NULL, "out of memory");
		}
		ssize_t n = recv(s->fd, s->in + s->inlen, 2 * BGP_EXT_MAX_LEN -
		    s->inlen, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN &&
		    errno != EWOULDBLOCK)) {
			sock_drop(r, k);	/* lbbgpd closed it */
			got = true;
			continue;
		}
		if (n < 0) {
			k++;
			continue;
		}
		got = true;
		s->inlen += (size_t)n;
		const struct conn *c = conn_of(f, idx, s->lfd);
		size_t off = 0;
		for (;;) {
			struct bgp_hdr h;
			struct bgp_err e = { 0 };
			enum bgp_frame fr = bgp_frame(s->in + off, s->inlen -
			    off, BGP_EXT_MAX_LEN, &h, &e);
			FZ_CHECK(fr != BGP_FRAME_ERROR, "lbbgpd sent a bad "
			    "header: %u/%u", e.code, e.subcode);
			if (fr == BGP_FRAME_NEED_MORE)
				break;
			check_sent(idx < f->d.npeers ? f->d.peers[idx] : NULL,
			    c, s->in + off, h.len, h.type);
			r->msgs++;
			off += h.len;
		}
		memmove(s->in, s->in + off, s->inlen - off);
		s->inlen -= off;
	}
	return got;
}

/* Bytes routers sent that lbbgpd has not read yet. */
static bool unread(const struct fx *f)
{
	for (size_t i = 0; i < f->d.npeers; i++) {
		const struct peer *p = f->d.peers[i];
		const struct conn *cs[2] = { p->conn, p->coll };
		for (int k = 0; k < 2; k++) {
			int n = 0;
			if (cs[k] != NULL && cs[k]->fd >= 0 && !cs[k]->dead &&
			    !cs[k]->connecting &&
			    ioctl(cs[k]->fd, FIONREAD, &n) == 0 && n > 0)
				return true;
		}
	}
	return false;
}

void fx_settle(struct fx *f)
{
	struct lbbgpd *d = &f->d;

	for (int round = 0; round < 64; round++) {
		bool moved = false;
		ev_run(d->loop, EVRUN_NOWAIT);
		/* daemon.c's prepare watcher, without the state file. */
		conns_reap(d);
		for (size_t i = 0; i < d->npeers; i++)
			peer_pump(d->peers[i]);
		ctl_flush(d, true);
		for (size_t i = 0; i < f->nrouters; i++)
			moved |= router_read(f, i);
		if (!moved && !unread(f) && round > 0)
			break;
	}
	conns_reap(d);
}

/* ---- the routers' side ------------------------------------------------------ */

bool fx_connect(struct fx *f, size_t idx)
{
	struct fx_router *r = &f->routers[idx];
	int sv[2];

	if (idx >= f->d.npeers)
		return false;
	if (r->n == FX_MAX_SOCKS)
		sock_drop(r, 0);
	FZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0, sv) == 0, "socketpair: %s", strerror(errno));
	r->s[r->n++] = (struct fx_sock){ .fd = sv[1], .lfd = sv[0] };
	peer_accept(f->d.peers[idx], sv[0]);
	fx_settle(f);
	return r->n > 0 && r->s[r->n - 1].fd == sv[1];
}

void fx_send(struct fx *f, size_t idx, const uint8_t *p, size_t len)
{
	struct fx_router *r = &f->routers[idx];
	int fd = r->n > 0 ? r->s[r->n - 1].fd : -1;

	for (int stuck = 0; len > 0 && stuck < 8;) {
		/* The connection may go while lbbgpd reads. */
		if (r->n == 0 || r->s[r->n - 1].fd != fd)
			break;
		ssize_t n = send(fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			stuck = 0;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			fx_settle(f);	/* lbbgpd reads on */
			stuck++;
		} else {
			break;
		}
	}
	fx_settle(f);
}

void fx_close(struct fx *f, size_t idx)
{
	struct fx_router *r = &f->routers[idx];

	if (r->n > 0)
		sock_drop(r, r->n - 1);
	fx_settle(f);
}

void fx_fire(struct fx *f, ev_timer *w)
{
	if (!ev_is_active(w))
		return;
	ev_timer_stop(f->d.loop, w);
	ev_invoke(f->d.loop, w, EV_TIMER);
	fx_settle(f);
}

size_t fx_open(uint8_t *buf, size_t cap, const struct conf_neighbor *n,
    uint8_t c0, uint8_t c1)
{
	static const uint16_t holds[] = { 0, 3, 90, 240 };
	struct bgp_open o;
	struct bgp_caps *c = &o.caps;
	uint32_t as = c1 & 0x40 ? n->remote_as + 1 : n->remote_as;

	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	o.my_as = as > 0xffff ? BGP_AS_TRANS : (uint16_t)as;
	o.hold = holds[c1 & 3];
	o.id = 0x0a000002;
	c->as4 = c0 & 1;
	c->as4_asn = as;
	if (c0 & 2)
		c->mp[c->nmp++] = (struct bgp_afisafi){ AFI_IPV4, SAFI_UNICAST,
		    0 };
	if (c0 & 4)
		c->mp[c->nmp++] = (struct bgp_afisafi){ AFI_IPV6, SAFI_UNICAST,
		    0 };
	c->mp_present = c->nmp > 0;
	c->route_refresh = c0 & 8;
	c->enhanced_refresh = c0 & 0x10;
	c->ext_message = c0 & 0x20;
	c->gr = c0 & 0x40;
	/* R, and N with it (RFC 8538): NOTIFICATIONs end it gracefully. */
	c->gr_flags = c0 & 0x80 ? BGP_GR_RESTARTING | BGP_GR_NOTIFICATION : 0;
	c->gr_time = c1 & 0x80 ? 0 : 60;
	if (c1 & 0x10)
		c->gr_afi[c->ngr++] = (struct bgp_afisafi){ AFI_IPV4,
		    SAFI_UNICAST, c1 & 4 ? BGP_GR_AFI_FORWARDING : 0 };
	if (c1 & 0x20)
		c->gr_afi[c->ngr++] = (struct bgp_afisafi){ AFI_IPV6,
		    SAFI_UNICAST, c1 & 8 ? BGP_GR_AFI_FORWARDING : 0 };
	return bgp_open_encode(buf, cap, &o);
}
