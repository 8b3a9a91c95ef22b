/*
 * fuzz_session.c - libFuzzer harness: a whole session, bytes from a
 * router into bgpd/session.c.
 *
 * The real session.c, fsm/fsm.c, rib/ and the decoders run on the
 * fixture's private loop (fixture.h): the router connects over a
 * socketpair, peer_accept() takes it as the BGP listener would, and
 * read_cb -> conn_input -> handle_update / handle_refresh /
 * handle_notification see the bytes exactly as from TCP, partial reads
 * included.  Driving fsm.c and the decoders directly would miss what
 * the fuzzer is for here: session.c's own handling (Adj-RIB-In updates,
 * max-prefix, End-of-RIB and graceful-restart stale routes, enhanced
 * route refresh, collisions, NOTIFICATIONs and timers).
 *
 * Input: a config variant byte, the router's OPEN capabilities (two
 * bytes, fixture.c fx_open), then operations, each an op byte:
 *   0 DATA  u16 length, bytes         raw bytes on the connection
 *   1 MSG   type, u16 length, body    a message (the harness frames it)
 *   2 TIMER which                     a running timer expires
 *   3 CLOSE                           the router closes the connection
 *   4 RECONNECT caps0 caps1           a new connection, OPEN, KEEPALIVE
 *   5 CTL   action [len reason]       what bgpctl or lbbgpd would do
 *   6 RAWCONNECT                      a new connection, nothing sent yet
 * After each one: whatever lbbgpd sent must decode cleanly, the
 * Adj-RIB-In is empty unless a session is up or graceful restart keeps
 * it, and max-prefix holds; at the end every stored route must parse
 * as bgpctl show rib in parses it.
 */
#include "tests/fuzz/fixture.h"
#include "tests/fuzz/fuzz.h"

#include <string.h>

#define COMMON \
	"router-id 10.0.0.1\n" \
	"pool p4 {\n addresses 10.0.1.0/28\n}\n" \
	"pool p6 {\n addresses 2001:db8:1::/120\n}\n" \
	"vip 10.0.1.1\nvip 2001:db8:1::1\nvip 10.0.1.9 owner a/b\n"
/* Neighbor 1, after r1: it never connects. */
#define IDLE \
	"neighbor idle {\n address 127.0.0.3\n remote-as 64999\n" \
	" passive yes\n}\n"

static const char *const confs[] = {
	/* eBGP, graceful restart, max-prefix 3 with a restart time. */
	COMMON "local-as 64513\n"
	"neighbor r1 {\n address 127.0.0.2\n remote-as 64512\n passive yes\n"
	" graceful-restart yes\n max-prefix 3 restart 1\n"
	" next-hop 192.0.2.1\n next-hop-v6 2001:db8::1\n}\n"
	"advertisement a {\n communities 64512:100 no-export "
	"large:64512:1:2\n}\n" IDLE,
	/* iBGP: LOCAL_PREF, no AS in the path. */
	COMMON "local-as 64512\n"
	"neighbor r1 {\n address 127.0.0.2\n remote-as 64512\n passive yes\n"
	" graceful-restart yes\n next-hop 192.0.2.1\n"
	" next-hop-v6 2001:db8::1\n}\n"
	"advertisement a {\n local-pref 200\n aggregation-length 30\n}\n"
	IDLE,
	/* 4-octet ASes on both sides (AS_TRANS), max-prefix without restart. */
	COMMON "local-as 4200000000\n"
	"neighbor r1 {\n address 127.0.0.2\n remote-as 4200000001\n"
	" passive yes\n max-prefix 5\n next-hop 192.0.2.1\n}\n"
	"advertisement a {\n aggregation-length-v6 124\n}\n" IDLE,
	/* No hold time (no keepalives), no graceful restart. */
	COMMON "local-as 64513\n"
	"neighbor r1 {\n address 127.0.0.2\n remote-as 64512\n passive yes\n"
	" hold-time 0\n next-hop 192.0.2.1\n next-hop-v6 2001:db8::1\n}\n"
	IDLE,
};

/* A bounded reader over the script. */
struct script {
	const uint8_t *p;
	size_t left;
};

static bool take(struct script *s, size_t n, const uint8_t **out)
{
	if (s->left < n)
		return false;
	*out = s->p;
	s->p += n;
	s->left -= n;
	return true;
}

static unsigned take_u8(struct script *s)
{
	const uint8_t *b;
	return take(s, 1, &b) ? b[0] : 0;
}

static size_t take_u16(struct script *s)
{
	const uint8_t *b;
	return take(s, 2, &b) ? (size_t)(b[0] << 8 | b[1]) : 0;
}

/* The router opens a connection and says OPEN, KEEPALIVE. */
static void router_open(struct fx *f, uint8_t c0, uint8_t c1)
{
	uint8_t buf[BGP_MAX_LEN];
	const struct conf_neighbor *n = f->d.peers[0]->conf;

	if (!fx_connect(f, 0))
		return;
	size_t len = fx_open(buf, sizeof(buf), n, c0, c1);
	len += bgp_keepalive_encode(buf + len, sizeof(buf) - len);
	fx_send(f, 0, buf, len);
}

static void ctl(struct fx *f, struct script *s)
{
	struct peer *p = f->d.peers[0];
	unsigned a = take_u8(s);
	char reason[64];
	const uint8_t *b;
	size_t n;
	struct prefix vip;
	struct rib_res res;
	struct vip_req req = { .owner = "fuzz/owner" };

	switch (a % 9) {
	case 0:
		peer_request_refresh(p);
		break;
	case 1:		/* bgpctl neighbor r1 down reason ... */
		n = take_u8(s) % sizeof(reason);
		if (!take(s, n, &b))
			n = 0, b = NULL;
		memcpy(reason, b ? (const void *)b : "", n);
		reason[n] = '\0';
		p->admin_down = true;
		peer_stop(p, BGP_CEASE_ADMIN_SHUTDOWN, reason);
		break;
	case 2:		/* bgpctl neighbor r1 up */
		p->admin_down = false;
		p->max_prefix_tripped = false;
		ev_timer_stop(f->d.loop, &p->restart);
		if (peer_state(p) == FSM_IDLE)
			peer_start(p);
		break;
	case 3:		/* bgpctl neighbor r1 clear */
		peer_stop(p, BGP_CEASE_ADMIN_RESET, NULL);
		peer_start(p);
		break;
	case 4:		/* bgpctl add: one of the pool's addresses */
	case 5:		/* bgpctl withdraw */
		n = take_u8(s);
		if (n & 0x80)
			addr_parse("2001:db8:1::", &vip);
		else
			addr_parse("10.0.1.0", &vip);
		addr_add(&vip, n & 0x0f);
		if (a % 9 == 4)
			rib_vip_add(f->d.rib, &vip, &req, &res);
		else
			rib_vip_withdraw(f->d.rib, &vip, req.owner, &res);
		break;
	case 6:
		peer_check_max_prefix(p);
		break;
	case 7:		/* lbbgpd stops (graceful restart: no NOTIFICATION) */
		peer_stop_for_restart(p);
		break;
	default:	/* every VIP withdrawn at once: a suspended RIB */
		rib_set_suspended(f->d.rib, !rib_is_suspended(f->d.rib));
		break;
	}
	fx_settle(f);
}

static void timer(struct fx *f, unsigned which)
{
	struct peer *p = f->d.peers[0];
	struct conn *c = which & 8 && p->coll != NULL ? p->coll : p->conn;

	switch (which % 7) {
	case 0:
		fx_fire(f, &c->timers[FSM_T_HOLD]);
		break;
	case 1:
		fx_fire(f, &c->timers[FSM_T_KEEPALIVE]);
		break;
	case 2:
		fx_fire(f, &c->timers[FSM_T_CONNECT_RETRY]);
		break;
	case 3:
		fx_fire(f, &c->timers[FSM_T_IDLE_HOLD]);
		break;
	case 4:
		fx_fire(f, &c->send_hold);
		break;
	case 5:
		fx_fire(f, &p->stale);
		break;
	default:
		fx_fire(f, &p->restart);
		break;
	}
}

/* What must hold between any two events. */
static void invariants(struct fx *f)
{
	struct peer *p = f->d.peers[0];
	size_t n = rib_in_count(f->d.rib, 0);

	if (peer_state(p) != FSM_ESTABLISHED && !ev_is_active(&p->stale))
		FZ_CHECK(n == 0, "%zu routes kept with the session %s and no "
		    "graceful restart", n, fsm_state_name(peer_state(p)));
	if (peer_state(p) == FSM_ESTABLISHED && p->conf->max_prefix > 0)
		FZ_CHECK(n <= p->conf->max_prefix, "%zu routes kept, "
		    "max-prefix %u", n, p->conf->max_prefix);
	FZ_CHECK(rib_in_count(f->d.rib, 1) == 0, "routes for the idle peer");
}

/* bgpctl show rib in: every route's attributes parse and print. */
static void show_route(const struct rib_in_route *rt, void *arg)
{
	const struct peer *p = arg;
	struct bgp_upd_ctx ctx = { .as4 = rt->as4, .ebgp = p->ebgp };
	struct bgp_attrs a;
	char buf[1024];

	FZ_CHECK(bgp_attrs_parse(rt->attrs, rt->attrs_len, &ctx, &a),
	    "stored attributes of a route do not parse");
	for (unsigned code = 1; code < 256; code++)
		if (bgp_attr_print(&a, code, buf, sizeof(buf)))
			fz_check_printable("attribute", buf);
	prefix_fmt(&rt->prefix, buf, sizeof(buf));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t msg[BGP_EXT_MAX_LEN];
	static bool ready;
	struct script s = { data, size };
	const uint8_t *b;

	if (!ready) {
		fx_init();
		ready = true;
	}
	if (size < 3)
		return 0;
	unsigned variant = take_u8(&s) % (sizeof(confs) / sizeof(confs[0]));
	struct fx *f = fx_new(confs[variant], "fuzz.conf");
	uint8_t c0 = (uint8_t)take_u8(&s), c1 = (uint8_t)take_u8(&s);
	router_open(f, c0, c1);
	invariants(f);

	while (s.left > 0) {
		size_t n;
		switch (take_u8(&s) % 7) {
		case 0:
			n = take_u16(&s);
			n = n < s.left ? n : s.left;
			take(&s, n, &b);
			fx_send(f, 0, b, n);
			break;
		case 1: {
			uint8_t type = (uint8_t)take_u8(&s);
			n = take_u16(&s);
			n = n < s.left ? n : s.left;
			if (n > sizeof(msg) - BGP_HDR_LEN)
				n = sizeof(msg) - BGP_HDR_LEN;
			take(&s, n, &b);
			fx_send(f, 0, msg, fz_wrap(msg, type, b, n));
			break;
		}
		case 2:
			timer(f, take_u8(&s));
			break;
		case 3:
			fx_close(f, 0);
			break;
		case 4:
			c0 = (uint8_t)take_u8(&s);
			c1 = (uint8_t)take_u8(&s);
			router_open(f, c0, c1);
			break;
		case 5:
			ctl(f, &s);
			break;
		default:	/* the OPEN is up to the next operations */
			fx_connect(f, 0);
			break;
		}
		invariants(f);
	}
	rib_in_walk(f->d.rib, 0, show_route, f->d.peers[0]);
	fx_free(f);
	return 0;
}
