/*
 * fsm.c - RFC 4271 §8.2.2 state machine: one transition function, one
 * state-entry function.
 *
 * Departures from the letter of §8.2.2, each what OpenBGPD and BIRD do:
 * - a failed TCP connect in Connect goes to Active (keep listening, retry
 *   after ConnectRetry) instead of Idle; connection failures are not
 *   protocol errors and need no backoff;
 * - a NOTIFICATION received is never answered with another one;
 * - a header error in Established sends the header error of §6.1, not an
 *   FSM error.
 * Entering Idle after an error starts the IdleHold timer, doubling from
 * FSM_IDLE_HOLD_MIN to FSM_IDLE_HOLD_MAX (the DampPeerOscillations idea
 * of §8.1.1), so a broken peer cannot make us flap fast.  A Cease the
 * peer's operator caused (shutdown, reset, de-configured, configuration
 * change) is no error: a router that restarts comes back at once, however
 * often it restarts (BIRD does not delay after a received Cease either).
 * Two events are lbbgp's own: a valid ROUTE-REFRESH (30) and BFD Down
 * (31, RFC 9384), which closes the session with Cease/BFD Down from
 * OpenSent on, and is an error everywhere but in Idle.
 */
#include "fsm.h"
#include "util/buf.h"

#include <stddef.h>


static const char *const state_names[] = {
	[FSM_IDLE] = "Idle",
	[FSM_CONNECT] = "Connect",
	[FSM_ACTIVE] = "Active",
	[FSM_OPENSENT] = "OpenSent",
	[FSM_OPENCONFIRM] = "OpenConfirm",
	[FSM_ESTABLISHED] = "Established",
};
_Static_assert(NELEM(state_names) == FSM_NSTATES, "one name per state");

static const char *const event_names[] = {
	[EV_UNSET] = "none",
	[EV_MANUAL_START] = "ManualStart",
	[EV_MANUAL_STOP] = "ManualStop",
	[EV_AUTO_START] = "AutomaticStart",
	[EV_MANUAL_START_PASSIVE] = "ManualStart_with_PassiveTcpEstablishment",
	[EV_AUTO_START_PASSIVE] =
	    "AutomaticStart_with_PassiveTcpEstablishment",
	[EV_CONNECT_RETRY_EXPIRES] = "ConnectRetryTimer_Expires",
	[EV_HOLD_EXPIRES] = "HoldTimer_Expires",
	[EV_KEEPALIVE_EXPIRES] = "KeepaliveTimer_Expires",
	[EV_IDLE_HOLD_EXPIRES] = "IdleHoldTimer_Expires",
	[EV_TCP_CR_ACKED] = "Tcp_CR_Acked",
	[EV_TCP_CONFIRMED] = "TcpConnectionConfirmed",
	[EV_TCP_FAILS] = "TcpConnectionFails",
	[EV_OPEN] = "BGPOpen",
	[EV_HEADER_ERR] = "BGPHeaderErr",
	[EV_OPEN_ERR] = "BGPOpenMsgErr",
	[EV_OPEN_COLLISION_DUMP] = "OpenCollisionDump",
	[EV_NOTIF_VERSION_ERR] = "NotifMsgVerErr",
	[EV_NOTIF] = "NotifMsg",
	[EV_KEEPALIVE] = "KeepAliveMsg",
	[EV_UPDATE] = "UpdateMsg",
	[EV_UPDATE_ERR] = "UpdateMsgErr",
	[EV_SEND_HOLD_EXPIRES] = "SendHoldTimer_Expires",
	[EV_ROUTE_REFRESH] = "RouteRefreshMsg",
	[EV_BFD_DOWN] = "BfdSessionDown",
};
_Static_assert(NELEM(event_names) == EV_MAX, "one name per event");

const char *fsm_state_name(enum fsm_state s)
{
	return bgp_name_lookup(state_names, NELEM(state_names), s);
}

const char *fsm_event_name(enum fsm_event ev)
{
	return bgp_name_lookup(event_names, NELEM(event_names), ev);
}

void fsm_init(struct fsm *f, const struct fsm_ops *ops, void *ctx)
{
	*f = (struct fsm){
		.state = FSM_IDLE,
		.hold_conf = 90,
		.connect_retry = 5,
		.idle_hold = FSM_IDLE_HOLD_MIN,
		.ops = ops,
		.ctx = ctx,
	};
}

bool fsm_collision_keep_remote(uint32_t local_id, uint32_t remote_id,
    uint32_t local_as, uint32_t remote_as)
{
	if (local_id != remote_id)
		return local_id < remote_id;
	return local_as < remote_as;
}

static void stop_timers(struct fsm *f)
{
	for (int t = 0; t < FSM_NTIMERS; t++)
		f->ops->timer(f->ctx, (enum fsm_timer)t, 0);
}

/* All state-entry work lives here. */
static void fsm_enter(struct fsm *f, enum fsm_state to, enum fsm_event ev,
    bool error)
{
	enum fsm_state from = f->state;

	f->state = to;
	if (from != to)
		f->ops->changed(f->ctx, from, to, ev);

	switch (to) {
	case FSM_IDLE:
		stop_timers(f);
		f->ops->drop(f->ctx);
		if (from == FSM_ESTABLISHED) {
			f->ops->down(f->ctx);
			/* A session that held is healthy: reset backoff. */
			if (f->ops->now(f->ctx) - f->established_at >=
			    FSM_STABLE_SECS)
				f->idle_hold = FSM_IDLE_HOLD_MIN;
		}
		if (f->auto_start && !f->secondary) {
			unsigned wait = error ? f->idle_hold : FSM_IDLE_HOLD_MIN;
			f->ops->timer(f->ctx, FSM_T_IDLE_HOLD, wait);
			if (error && f->idle_hold < FSM_IDLE_HOLD_MAX)
				f->idle_hold = f->idle_hold * 2 >
				    FSM_IDLE_HOLD_MAX ? FSM_IDLE_HOLD_MAX :
				    f->idle_hold * 2;
		}
		break;
	case FSM_CONNECT:
		f->ops->timer(f->ctx, FSM_T_CONNECT_RETRY, f->connect_retry);
		f->ops->connect(f->ctx);
		break;
	case FSM_ACTIVE:
		f->ops->timer(f->ctx, FSM_T_CONNECT_RETRY,
		    f->passive ? 0 : f->connect_retry);
		break;
	case FSM_OPENSENT:
		f->ops->timer(f->ctx, FSM_T_CONNECT_RETRY, 0);
		f->ops->send_open(f->ctx);
		/* §8.2.2: a large hold time until the peer's OPEN arrives. */
		f->ops->timer(f->ctx, FSM_T_HOLD, BGP_HOLD_OPENSENT);
		break;
	case FSM_OPENCONFIRM:
		f->ops->send_keepalive(f->ctx);
		f->ops->timer(f->ctx, FSM_T_KEEPALIVE, f->keepalive);
		f->ops->timer(f->ctx, FSM_T_HOLD, f->hold);
		break;
	case FSM_ESTABLISHED:
		f->established_at = f->ops->now(f->ctx);
		f->ops->timer(f->ctx, FSM_T_HOLD, f->hold);
		f->ops->established(f->ctx);
		break;
	case FSM_NSTATES:
		break;
	}
}

static void notify(struct fsm *f, uint8_t code, uint8_t subcode)
{
	struct bgp_err e = { .code = code, .subcode = subcode };
	f->ops->send_notification(f->ctx, &e);
}

/* Send err (or code/subcode when err is NULL), then go to Idle. */
static void fail(struct fsm *f, enum fsm_event ev, const struct bgp_err *err,
    uint8_t code, uint8_t subcode)
{
	if (err != NULL && err->code != 0)
		f->ops->send_notification(f->ctx, err);
	else if (code != 0)
		notify(f, code, subcode);
	f->connect_retry_counter++;
	fsm_enter(f, FSM_IDLE, ev, true);
}

static void manual_stop(struct fsm *f, const struct bgp_err *err)
{
	f->auto_start = false;
	f->connect_retry_counter = 0;
	if (f->state >= FSM_OPENSENT) {
		if (err != NULL && err->code != 0)
			f->ops->send_notification(f->ctx, err);
		else
			notify(f, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN);
	}
	fsm_enter(f, FSM_IDLE, EV_MANUAL_STOP, false);
}

/*
 * A received Cease (RFC 4486) that an operator's action caused rather than
 * a fault: no reason to back off before the next attempt.
 */
static bool operator_cease(const struct bgp_err *err)
{
	if (err == NULL || err->code != BGP_ERR_CEASE)
		return false;
	switch (err->subcode) {
	case BGP_CEASE_ADMIN_SHUTDOWN:
	case BGP_CEASE_PEER_DECONF:
	case BGP_CEASE_ADMIN_RESET:
	case BGP_CEASE_CONFIG_CHANGE:
		return true;
	default:
		return false;
	}
}

/* RFC 6608: the FSM error subcode names the state. */
static uint8_t fsm_subcode(enum fsm_state s)
{
	switch (s) {
	case FSM_OPENSENT:
		return BGP_FSM_IN_OPENSENT;
	case FSM_OPENCONFIRM:
		return BGP_FSM_IN_OPENCONFIRM;
	case FSM_ESTABLISHED:
		return BGP_FSM_IN_ESTABLISHED;
	default:
		return BGP_FSM_UNSPEC;
	}
}

static void start(struct fsm *f, enum fsm_event ev)
{
	f->auto_start = true;
	f->connect_retry_counter = 0;
	f->ops->timer(f->ctx, FSM_T_IDLE_HOLD, 0);
	bool passive = f->passive || ev == EV_MANUAL_START_PASSIVE ||
	    ev == EV_AUTO_START_PASSIVE;
	fsm_enter(f, passive ? FSM_ACTIVE : FSM_CONNECT, ev, false);
}

void fsm_event(struct fsm *f, enum fsm_event ev, const struct bgp_err *err)
{
	f->last_event = ev;

	/* Events with the same meaning in every state but Idle. */
	if (f->state != FSM_IDLE) {
		switch (ev) {
		case EV_MANUAL_STOP:
			manual_stop(f, err);
			return;
		case EV_MANUAL_START:
		case EV_AUTO_START:
		case EV_MANUAL_START_PASSIVE:
		case EV_AUTO_START_PASSIVE:
			return;		/* already started: ignored */
		case EV_NOTIF:
		case EV_NOTIF_VERSION_ERR:
			/* Never answer a NOTIFICATION. */
			if (operator_cease(err)) {
				f->connect_retry_counter++;
				fsm_enter(f, FSM_IDLE, ev, false);
				return;
			}
			fail(f, ev, NULL, 0, 0);
			return;
		case EV_HEADER_ERR:
		case EV_OPEN_ERR:
		case EV_UPDATE_ERR:
			/* RFC 4271 §8.2.2, RFC 6608 §3: an UPDATE before
			 * Established is unexpected however malformed; the
			 * state switch sends the FSM error. */
			if (f->state >= FSM_OPENSENT && (ev != EV_UPDATE_ERR ||
			    f->state == FSM_ESTABLISHED)) {
				fail(f, ev, err, 0, 0);
				return;
			}
			break;
		case EV_SEND_HOLD_EXPIRES:
			fail(f, ev, NULL, BGP_ERR_SEND_HOLD, 0);
			return;
		default:
			break;
		}
	}

	/* Timers and collisions mean the same once a connection is open. */
	if (f->state >= FSM_OPENSENT) {
		switch (ev) {
		case EV_HOLD_EXPIRES:
			fail(f, ev, NULL, BGP_ERR_HOLD, 0);
			return;
		case EV_OPEN_COLLISION_DUMP:
			fail(f, ev, NULL, BGP_ERR_CEASE, BGP_CEASE_COLLISION);
			return;
		case EV_BFD_DOWN:
			/* RFC 9384: the path is gone; an error, so the
			 * restart backs off if BFD flaps. */
			fail(f, ev, NULL, BGP_ERR_CEASE, BGP_CEASE_BFD_DOWN);
			return;
		case EV_KEEPALIVE_EXPIRES:
			if (f->state == FSM_OPENSENT)
				break;	/* no keepalives before an OPEN */
			f->ops->send_keepalive(f->ctx);
			f->ops->timer(f->ctx, FSM_T_KEEPALIVE, f->keepalive);
			return;
		case EV_TCP_FAILS:
			if (f->state == FSM_OPENSENT)
				break;	/* back to Active, below */
			fail(f, ev, NULL, 0, 0);
			return;
		default:
			break;
		}
	}

	switch (f->state) {
	case FSM_IDLE:
		switch (ev) {
		case EV_MANUAL_START:
		case EV_MANUAL_START_PASSIVE:
			start(f, ev);
			break;
		case EV_AUTO_START:
		case EV_AUTO_START_PASSIVE:
		case EV_IDLE_HOLD_EXPIRES:
			if (f->auto_start)
				start(f, ev);
			break;
		case EV_MANUAL_STOP:
			/* Also cancels a pending automatic restart. */
			f->auto_start = false;
			f->ops->timer(f->ctx, FSM_T_IDLE_HOLD, 0);
			break;
		default:
			break;	/* §8.2.2: other events leave Idle alone */
		}
		return;

	case FSM_CONNECT:
	case FSM_ACTIVE:
		switch (ev) {
		case EV_CONNECT_RETRY_EXPIRES:
			if (!f->passive)
				fsm_enter(f, FSM_CONNECT, ev, false);
			break;
		case EV_TCP_CR_ACKED:
		case EV_TCP_CONFIRMED:
			fsm_enter(f, FSM_OPENSENT, ev, false);
			break;
		case EV_TCP_FAILS:
			f->ops->drop(f->ctx);
			fsm_enter(f, FSM_ACTIVE, ev, false);
			break;
		default:
			fail(f, ev, NULL, 0, 0);
			break;
		}
		return;

	case FSM_OPENSENT:
		switch (ev) {
		case EV_TCP_FAILS:
			/* §8.2.2: back to Active, listening.  The hold timer
			 * went with the connection: in Active its expiry
			 * (event 10) would mean Idle. */
			f->ops->drop(f->ctx);
			f->ops->timer(f->ctx, FSM_T_HOLD, 0);
			if (f->secondary)
				fsm_enter(f, FSM_IDLE, ev, false);
			else
				fsm_enter(f, FSM_ACTIVE, ev, false);
			return;
		case EV_OPEN:
			fsm_enter(f, FSM_OPENCONFIRM, ev, false);
			return;
		default:
			break;
		}
		break;

	case FSM_OPENCONFIRM:
		if (ev == EV_KEEPALIVE) {
			fsm_enter(f, FSM_ESTABLISHED, ev, false);
			return;
		}
		break;

	case FSM_ESTABLISHED:
		switch (ev) {
		case EV_KEEPALIVE:
		case EV_UPDATE:
		case EV_ROUTE_REFRESH:
			f->ops->timer(f->ctx, FSM_T_HOLD, f->hold);
			return;
		default:
			break;
		}
		break;

	case FSM_NSTATES:
		return;
	}

	/* OpenSent, OpenConfirm, Established: any other event is an FSM
	 * error, its subcode naming the state (RFC 6608 §3). */
	fail(f, ev, NULL, BGP_ERR_FSM, fsm_subcode(f->state));
}
