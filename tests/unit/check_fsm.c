/*
 * check_fsm.c - unit tests for fsm/fsm.c: the RFC 4271 §8 state machine
 * driven through a recording struct fsm_ops and a fake clock.
 *
 * Rows give a starting state, a list of events and the exact log of
 * actions the machine must ask for ("timer HOLD 240", "send OPEN",
 * "notify 5/1", "Idle -> Connect (ManualStart)", ...).  A matrix covers
 * every state against every event by next state and NOTIFICATION.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsm/bgp.h"
#include "fsm/fsm.h"
#include "tests/unit/unit.h"

/* ---- the recording owner ----------------------------------------------- */

struct rec {
	char log[8192];
	unsigned armed[FSM_NTIMERS];	/* seconds, 0 = stopped */
	double now;			/* the fake clock */
	unsigned nconnect, nnotify;
	uint8_t code, sub;		/* the last NOTIFICATION */
};

static const char *const timer_names[FSM_NTIMERS] = {
	[FSM_T_CONNECT_RETRY] = "CONNECT_RETRY",
	[FSM_T_HOLD] = "HOLD",
	[FSM_T_KEEPALIVE] = "KEEPALIVE",
	[FSM_T_IDLE_HOLD] = "IDLE_HOLD",
};

static void say(struct rec *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(struct rec *r, const char *fmt, ...)
{
	size_t off = strlen(r->log);
	va_list ap;

	if (off > 0)
		off += (size_t)snprintf(r->log + off, sizeof(r->log) - off,
		    "; ");
	ck_assert(off < sizeof(r->log) - 64);
	va_start(ap, fmt);
	vsnprintf(r->log + off, sizeof(r->log) - off, fmt, ap);
	va_end(ap);
}

static void op_timer(void *ctx, enum fsm_timer t, unsigned secs)
{
	struct rec *r = ctx;
	ck_assert((unsigned)t < FSM_NTIMERS);
	r->armed[t] = secs;
	if (secs > 0)
		say(r, "timer %s %u", timer_names[t], secs);
	else
		say(r, "timer %s stop", timer_names[t]);
}

static void op_connect(void *ctx)
{
	struct rec *r = ctx;
	r->nconnect++;
	say(r, "connect");
}

static void op_drop(void *ctx)
{
	say(ctx, "drop");
}

static void op_send_open(void *ctx)
{
	say(ctx, "send OPEN");
}

static void op_send_keepalive(void *ctx)
{
	say(ctx, "send KEEPALIVE");
}

static void op_send_notification(void *ctx, const struct bgp_err *e)
{
	struct rec *r = ctx;
	r->nnotify++;
	r->code = e->code;
	r->sub = e->subcode;
	say(r, "notify %u/%u", e->code, e->subcode);
}

static void op_established(void *ctx)
{
	say(ctx, "established");
}

static void op_down(void *ctx)
{
	say(ctx, "down");
}

static void op_changed(void *ctx, enum fsm_state from, enum fsm_state to,
    enum fsm_event ev)
{
	say(ctx, "%s -> %s (%s)", fsm_state_name(from), fsm_state_name(to),
	    fsm_event_name(ev));
}

static double op_now(void *ctx)
{
	return ((struct rec *)ctx)->now;
}

static const struct fsm_ops ops = {
	.timer = op_timer,
	.connect = op_connect,
	.drop = op_drop,
	.send_open = op_send_open,
	.send_keepalive = op_send_keepalive,
	.send_notification = op_send_notification,
	.established = op_established,
	.down = op_down,
	.changed = op_changed,
	.now = op_now,
};

static void clear(struct rec *r)
{
	r->log[0] = '\0';
	r->nconnect = r->nnotify = 0;
	r->code = r->sub = 0;
}

/* Setup flags. */
enum { PASSIVE = 1, SECONDARY = 2, HOLD0 = 4 };

static void setup(struct fsm *f, struct rec *r, unsigned flags)
{
	memset(r, 0, sizeof(*r));
	r->now = 1000;
	fsm_init(f, &ops, r);
	f->passive = flags & PASSIVE;
	f->secondary = flags & SECONDARY;
	/* What the owner sets from bgp_negotiate before EV_OPEN. */
	f->hold = flags & HOLD0 ? 0 : 90;
	f->keepalive = flags & HOLD0 ? 0 : 30;
}

static void ev(struct fsm *f, enum fsm_event e)
{
	fsm_event(f, e, NULL);
}

/* Drive a fresh machine to state s the usual way, then clear the log. */
static void reach(struct fsm *f, struct rec *r, enum fsm_state s)
{
	switch (s) {
	case FSM_IDLE:
		break;
	case FSM_CONNECT:
		ck_assert(!f->passive);
		ev(f, EV_MANUAL_START);
		break;
	case FSM_ACTIVE:
		ev(f, EV_MANUAL_START);
		if (!f->passive)
			ev(f, EV_TCP_FAILS);
		break;
	case FSM_OPENSENT:
	case FSM_OPENCONFIRM:
	case FSM_ESTABLISHED:
		ev(f, EV_MANUAL_START);
		ev(f, f->passive ? EV_TCP_CONFIRMED : EV_TCP_CR_ACKED);
		if (s >= FSM_OPENCONFIRM)
			ev(f, EV_OPEN);
		if (s >= FSM_ESTABLISHED)
			ev(f, EV_KEEPALIVE);
		break;
	case FSM_NSTATES:
		break;
	}
	ck_assert_msg(f->state == s, "reach %s: in %s", fsm_state_name(s),
	    fsm_state_name(f->state));
	clear(r);
}

/* ---- event sequences with the exact action log ------------------------- */

#define IDLE_STOP "timer CONNECT_RETRY stop; timer HOLD stop; " \
	"timer KEEPALIVE stop; timer IDLE_HOLD stop; drop"
/* An error or a stop that ends in Idle with the idle hold timer running. */
#define TO_IDLE(from, why) from " -> Idle (" why "); " IDLE_STOP \
	"; timer IDLE_HOLD 1"
/* The same out of Established: the session goes down first. */
#define DOWN_IDLE(why) "Established -> Idle (" why "); " IDLE_STOP \
	"; down; timer IDLE_HOLD 1"
#define TO_OPENSENT "timer CONNECT_RETRY stop; send OPEN; timer HOLD 240"

struct step {
	enum fsm_event ev;
	uint8_t code, sub;	/* the NOTIFICATION for error events */
};

static const struct seq_row {
	const char *name;
	unsigned flags;
	enum fsm_state from;
	struct step steps[6];	/* up to event 0 */
	const char *log;
	enum fsm_state to;
} seq_rows[] = {
	/* -- Idle -------------------------------------------------------- */
	{ "Idle: ManualStart", 0, FSM_IDLE, { { EV_MANUAL_START, 0, 0 } },
	    "timer IDLE_HOLD stop; Idle -> Connect (ManualStart); "
	    "timer CONNECT_RETRY 5; connect", FSM_CONNECT },
	{ "Idle: ManualStart, passive", PASSIVE, FSM_IDLE,
	    { { EV_MANUAL_START, 0, 0 } },
	    "timer IDLE_HOLD stop; Idle -> Active (ManualStart); "
	    "timer CONNECT_RETRY stop", FSM_ACTIVE },
	/* §8.2.2: passive start waits in Active, connects on ConnectRetry */
	{ "Idle: ManualStart_with_Passive", 0, FSM_IDLE,
	    { { EV_MANUAL_START_PASSIVE, 0, 0 },
	      { EV_CONNECT_RETRY_EXPIRES, 0, 0 } },
	    "timer IDLE_HOLD stop; "
	    "Idle -> Active (ManualStart_with_PassiveTcpEstablishment); "
	    "timer CONNECT_RETRY 5; "
	    "Active -> Connect (ConnectRetryTimer_Expires); "
	    "timer CONNECT_RETRY 5; connect", FSM_CONNECT },
	{ "Idle: AutomaticStart before any start is ignored", 0, FSM_IDLE,
	    { { EV_AUTO_START, 0, 0 }, { EV_AUTO_START_PASSIVE, 0, 0 },
	      { EV_IDLE_HOLD_EXPIRES, 0, 0 } }, "", FSM_IDLE },
	{ "Idle: ManualStop", 0, FSM_IDLE, { { EV_MANUAL_STOP, 0, 0 } },
	    "timer IDLE_HOLD stop", FSM_IDLE },
	{ "Idle: messages and timers are ignored", 0, FSM_IDLE,
	    { { EV_TCP_CR_ACKED, 0, 0 }, { EV_OPEN, 0, 0 },
	      { EV_KEEPALIVE, 0, 0 }, { EV_HOLD_EXPIRES, 0, 0 },
	      { EV_NOTIF, 0, 0 }, { EV_UPDATE_ERR, 3, 1 } }, "", FSM_IDLE },
	{ "full sequence to Established", 0, FSM_IDLE,
	    { { EV_MANUAL_START, 0, 0 }, { EV_TCP_CR_ACKED, 0, 0 },
	      { EV_OPEN, 0, 0 }, { EV_KEEPALIVE, 0, 0 } },
	    "timer IDLE_HOLD stop; Idle -> Connect (ManualStart); "
	    "timer CONNECT_RETRY 5; connect; "
	    "Connect -> OpenSent (Tcp_CR_Acked); " TO_OPENSENT "; "
	    "OpenSent -> OpenConfirm (BGPOpen); send KEEPALIVE; "
	    "timer KEEPALIVE 30; timer HOLD 90; "
	    "OpenConfirm -> Established (KeepAliveMsg); timer HOLD 90; "
	    "established", FSM_ESTABLISHED },

	/* -- Connect ----------------------------------------------------- */
	{ "Connect: ConnectRetry expires", 0, FSM_CONNECT,
	    { { EV_CONNECT_RETRY_EXPIRES, 0, 0 } },
	    "timer CONNECT_RETRY 5; connect", FSM_CONNECT },
	{ "Connect: TCP ack", 0, FSM_CONNECT, { { EV_TCP_CR_ACKED, 0, 0 } },
	    "Connect -> OpenSent (Tcp_CR_Acked); " TO_OPENSENT, FSM_OPENSENT },
	{ "Connect: incoming TCP", 0, FSM_CONNECT,
	    { { EV_TCP_CONFIRMED, 0, 0 } },
	    "Connect -> OpenSent (TcpConnectionConfirmed); " TO_OPENSENT,
	    FSM_OPENSENT },
	/* lbbgp departure (fsm.c header): Active, ConnectRetry restarted */
	{ "Connect: TCP fails", 0, FSM_CONNECT, { { EV_TCP_FAILS, 0, 0 } },
	    "drop; Connect -> Active (TcpConnectionFails); "
	    "timer CONNECT_RETRY 5", FSM_ACTIVE },
	{ "Connect: ManualStop", 0, FSM_CONNECT, { { EV_MANUAL_STOP, 0, 0 } },
	    "Connect -> Idle (ManualStop); " IDLE_STOP, FSM_IDLE },
	{ "Connect: starts ignored", 0, FSM_CONNECT,
	    { { EV_MANUAL_START, 0, 0 }, { EV_AUTO_START, 0, 0 },
	      { EV_MANUAL_START_PASSIVE, 0, 0 } }, "", FSM_CONNECT },
	{ "Connect: OPEN", 0, FSM_CONNECT, { { EV_OPEN, 0, 0 } },
	    TO_IDLE("Connect", "BGPOpen"), FSM_IDLE },

	/* -- Active ------------------------------------------------------ */
	{ "Active: ConnectRetry expires", 0, FSM_ACTIVE,
	    { { EV_CONNECT_RETRY_EXPIRES, 0, 0 } },
	    "Active -> Connect (ConnectRetryTimer_Expires); "
	    "timer CONNECT_RETRY 5; connect", FSM_CONNECT },
	{ "Active: incoming TCP", 0, FSM_ACTIVE,
	    { { EV_TCP_CONFIRMED, 0, 0 } },
	    "Active -> OpenSent (TcpConnectionConfirmed); " TO_OPENSENT,
	    FSM_OPENSENT },
	{ "Active: TCP fails", 0, FSM_ACTIVE, { { EV_TCP_FAILS, 0, 0 } },
	    "drop; timer CONNECT_RETRY 5", FSM_ACTIVE },
	{ "Active: ManualStop", 0, FSM_ACTIVE, { { EV_MANUAL_STOP, 0, 0 } },
	    "Active -> Idle (ManualStop); " IDLE_STOP, FSM_IDLE },
	{ "Active, passive: ConnectRetry never connects", PASSIVE, FSM_ACTIVE,
	    { { EV_CONNECT_RETRY_EXPIRES, 0, 0 },
	      { EV_CONNECT_RETRY_EXPIRES, 0, 0 } }, "", FSM_ACTIVE },
	{ "Active, passive: incoming TCP", PASSIVE, FSM_ACTIVE,
	    { { EV_TCP_CONFIRMED, 0, 0 } },
	    "Active -> OpenSent (TcpConnectionConfirmed); " TO_OPENSENT,
	    FSM_OPENSENT },

	/* -- OpenSent ---------------------------------------------------- */
	{ "OpenSent: OPEN", 0, FSM_OPENSENT, { { EV_OPEN, 0, 0 } },
	    "OpenSent -> OpenConfirm (BGPOpen); send KEEPALIVE; "
	    "timer KEEPALIVE 30; timer HOLD 90", FSM_OPENCONFIRM },
	{ "OpenSent: OPEN, hold 0", HOLD0, FSM_OPENSENT, { { EV_OPEN, 0, 0 } },
	    "OpenSent -> OpenConfirm (BGPOpen); send KEEPALIVE; "
	    "timer KEEPALIVE stop; timer HOLD stop", FSM_OPENCONFIRM },
	{ "OpenSent: hold expires", 0, FSM_OPENSENT,
	    { { EV_HOLD_EXPIRES, 0, 0 } },
	    "notify 4/0; " TO_IDLE("OpenSent", "HoldTimer_Expires"), FSM_IDLE },
	/* RFC 6608 §3 */
	{ "OpenSent: UPDATE", 0, FSM_OPENSENT, { { EV_UPDATE, 0, 0 } },
	    "notify 5/1; " TO_IDLE("OpenSent", "UpdateMsg"), FSM_IDLE },
	{ "OpenSent: KEEPALIVE", 0, FSM_OPENSENT, { { EV_KEEPALIVE, 0, 0 } },
	    "notify 5/1; " TO_IDLE("OpenSent", "KeepAliveMsg"), FSM_IDLE },
	{ "OpenSent: ROUTE-REFRESH", 0, FSM_OPENSENT,
	    { { EV_ROUTE_REFRESH, 0, 0 } },
	    "notify 5/1; " TO_IDLE("OpenSent", "RouteRefreshMsg"), FSM_IDLE },
	/* RFC 4271 §8.2.2 OpenSent: event 28 is among "any other event" */
	{ "OpenSent: malformed UPDATE is still unexpected", 0, FSM_OPENSENT,
	    { { EV_UPDATE_ERR, 3, 1 } },
	    "notify 5/1; " TO_IDLE("OpenSent", "UpdateMsgErr"), FSM_IDLE },
	{ "OpenSent: header error", 0, FSM_OPENSENT,
	    { { EV_HEADER_ERR, 1, 2 } },
	    "notify 1/2; " TO_IDLE("OpenSent", "BGPHeaderErr"), FSM_IDLE },
	{ "OpenSent: OPEN error", 0, FSM_OPENSENT, { { EV_OPEN_ERR, 2, 2 } },
	    "notify 2/2; " TO_IDLE("OpenSent", "BGPOpenMsgErr"), FSM_IDLE },
	{ "OpenSent: NOTIFICATION is not answered", 0, FSM_OPENSENT,
	    { { EV_NOTIF, 0, 0 } },
	    TO_IDLE("OpenSent", "NotifMsg"), FSM_IDLE },
	{ "OpenSent: version NOTIFICATION is not answered", 0, FSM_OPENSENT,
	    { { EV_NOTIF_VERSION_ERR, 0, 0 } },
	    TO_IDLE("OpenSent", "NotifMsgVerErr"), FSM_IDLE },
	{ "OpenSent: collision dump", 0, FSM_OPENSENT,
	    { { EV_OPEN_COLLISION_DUMP, 0, 0 } },
	    "notify 6/7; " TO_IDLE("OpenSent", "OpenCollisionDump"), FSM_IDLE },
	{ "OpenSent: ManualStop", 0, FSM_OPENSENT, { { EV_MANUAL_STOP, 0, 0 } },
	    "notify 6/2; OpenSent -> Idle (ManualStop); " IDLE_STOP, FSM_IDLE },
	{ "OpenSent: ManualStop with its own Cease", 0, FSM_OPENSENT,
	    { { EV_MANUAL_STOP, 6, 4 } },
	    "notify 6/4; OpenSent -> Idle (ManualStop); " IDLE_STOP, FSM_IDLE },
	{ "OpenSent: send hold expires", 0, FSM_OPENSENT,
	    { { EV_SEND_HOLD_EXPIRES, 0, 0 } },
	    "notify 8/0; " TO_IDLE("OpenSent", "SendHoldTimer_Expires"),
	    FSM_IDLE },
	/* §8.2.2: back to Active; the hold timer of the dropped connection
	 * must not fire later in Active (event 10 there means Idle). */
	{ "OpenSent: TCP fails", 0, FSM_OPENSENT, { { EV_TCP_FAILS, 0, 0 } },
	    "drop; timer HOLD stop; OpenSent -> Active (TcpConnectionFails); "
	    "timer CONNECT_RETRY 5", FSM_ACTIVE },
	{ "OpenSent, passive: TCP fails", PASSIVE, FSM_OPENSENT,
	    { { EV_TCP_FAILS, 0, 0 } },
	    "drop; timer HOLD stop; OpenSent -> Active (TcpConnectionFails); "
	    "timer CONNECT_RETRY stop", FSM_ACTIVE },
	{ "OpenSent, secondary: TCP fails", SECONDARY, FSM_OPENSENT,
	    { { EV_TCP_FAILS, 0, 0 } },
	    "drop; timer HOLD stop; OpenSent -> Idle (TcpConnectionFails); "
	    IDLE_STOP, FSM_IDLE },

	/* -- OpenConfirm ------------------------------------------------- */
	{ "OpenConfirm: KEEPALIVE", 0, FSM_OPENCONFIRM,
	    { { EV_KEEPALIVE, 0, 0 } },
	    "OpenConfirm -> Established (KeepAliveMsg); timer HOLD 90; "
	    "established", FSM_ESTABLISHED },
	{ "OpenConfirm: KEEPALIVE, hold 0", HOLD0, FSM_OPENCONFIRM,
	    { { EV_KEEPALIVE, 0, 0 } },
	    "OpenConfirm -> Established (KeepAliveMsg); timer HOLD stop; "
	    "established", FSM_ESTABLISHED },
	{ "OpenConfirm: keepalive timer", 0, FSM_OPENCONFIRM,
	    { { EV_KEEPALIVE_EXPIRES, 0, 0 } },
	    "send KEEPALIVE; timer KEEPALIVE 30", FSM_OPENCONFIRM },
	{ "OpenConfirm: hold expires", 0, FSM_OPENCONFIRM,
	    { { EV_HOLD_EXPIRES, 0, 0 } },
	    "notify 4/0; " TO_IDLE("OpenConfirm", "HoldTimer_Expires"),
	    FSM_IDLE },
	{ "OpenConfirm: UPDATE", 0, FSM_OPENCONFIRM, { { EV_UPDATE, 0, 0 } },
	    "notify 5/2; " TO_IDLE("OpenConfirm", "UpdateMsg"), FSM_IDLE },
	{ "OpenConfirm: malformed UPDATE", 0, FSM_OPENCONFIRM,
	    { { EV_UPDATE_ERR, 3, 1 } },
	    "notify 5/2; " TO_IDLE("OpenConfirm", "UpdateMsgErr"), FSM_IDLE },
	{ "OpenConfirm: OPEN", 0, FSM_OPENCONFIRM, { { EV_OPEN, 0, 0 } },
	    "notify 5/2; " TO_IDLE("OpenConfirm", "BGPOpen"), FSM_IDLE },
	{ "OpenConfirm: OPEN error", 0, FSM_OPENCONFIRM,
	    { { EV_OPEN_ERR, 2, 6 } },
	    "notify 2/6; " TO_IDLE("OpenConfirm", "BGPOpenMsgErr"), FSM_IDLE },
	{ "OpenConfirm: NOTIFICATION", 0, FSM_OPENCONFIRM,
	    { { EV_NOTIF, 0, 0 } },
	    TO_IDLE("OpenConfirm", "NotifMsg"), FSM_IDLE },
	{ "OpenConfirm: TCP fails", 0, FSM_OPENCONFIRM,
	    { { EV_TCP_FAILS, 0, 0 } },
	    TO_IDLE("OpenConfirm", "TcpConnectionFails"), FSM_IDLE },
	{ "OpenConfirm: collision dump", 0, FSM_OPENCONFIRM,
	    { { EV_OPEN_COLLISION_DUMP, 0, 0 } },
	    "notify 6/7; " TO_IDLE("OpenConfirm", "OpenCollisionDump"),
	    FSM_IDLE },
	{ "OpenConfirm: ManualStop", 0, FSM_OPENCONFIRM,
	    { { EV_MANUAL_STOP, 0, 0 } },
	    "notify 6/2; OpenConfirm -> Idle (ManualStop); " IDLE_STOP,
	    FSM_IDLE },

	/* -- Established ------------------------------------------------- */
	{ "Established: KEEPALIVE, UPDATE, ROUTE-REFRESH restart hold", 0,
	    FSM_ESTABLISHED, { { EV_KEEPALIVE, 0, 0 }, { EV_UPDATE, 0, 0 },
	      { EV_ROUTE_REFRESH, 0, 0 } },
	    "timer HOLD 90; timer HOLD 90; timer HOLD 90", FSM_ESTABLISHED },
	{ "Established, hold 0: no hold timer", HOLD0, FSM_ESTABLISHED,
	    { { EV_KEEPALIVE, 0, 0 }, { EV_UPDATE, 0, 0 } },
	    "timer HOLD stop; timer HOLD stop", FSM_ESTABLISHED },
	{ "Established: keepalive timer", 0, FSM_ESTABLISHED,
	    { { EV_KEEPALIVE_EXPIRES, 0, 0 }, { EV_KEEPALIVE_EXPIRES, 0, 0 } },
	    "send KEEPALIVE; timer KEEPALIVE 30; "
	    "send KEEPALIVE; timer KEEPALIVE 30", FSM_ESTABLISHED },
	{ "Established: hold expires", 0, FSM_ESTABLISHED,
	    { { EV_HOLD_EXPIRES, 0, 0 } },
	    "notify 4/0; " DOWN_IDLE("HoldTimer_Expires"), FSM_IDLE },
	/* RFC 6608 §3 */
	{ "Established: OPEN", 0, FSM_ESTABLISHED, { { EV_OPEN, 0, 0 } },
	    "notify 5/3; " DOWN_IDLE("BGPOpen"), FSM_IDLE },
	{ "Established: UPDATE error", 0, FSM_ESTABLISHED,
	    { { EV_UPDATE_ERR, 3, 11 } },
	    "notify 3/11; " DOWN_IDLE("UpdateMsgErr"), FSM_IDLE },
	{ "Established: header error", 0, FSM_ESTABLISHED,
	    { { EV_HEADER_ERR, 1, 3 } },
	    "notify 1/3; " DOWN_IDLE("BGPHeaderErr"), FSM_IDLE },
	{ "Established: NOTIFICATION", 0, FSM_ESTABLISHED,
	    { { EV_NOTIF, 0, 0 } },
	    DOWN_IDLE("NotifMsg"), FSM_IDLE },
	{ "Established: TCP fails", 0, FSM_ESTABLISHED,
	    { { EV_TCP_FAILS, 0, 0 } },
	    DOWN_IDLE("TcpConnectionFails"), FSM_IDLE },
	{ "Established: collision dump", 0, FSM_ESTABLISHED,
	    { { EV_OPEN_COLLISION_DUMP, 0, 0 } },
	    "notify 6/7; " DOWN_IDLE("OpenCollisionDump"), FSM_IDLE },
	{ "Established: ManualStop", 0, FSM_ESTABLISHED,
	    { { EV_MANUAL_STOP, 0, 0 } },
	    "notify 6/2; Established -> Idle (ManualStop); " IDLE_STOP
	    "; down", FSM_IDLE },
	{ "Established: ManualStop, then nothing restarts", 0, FSM_ESTABLISHED,
	    { { EV_MANUAL_STOP, 0, 0 }, { EV_IDLE_HOLD_EXPIRES, 0, 0 },
	      { EV_AUTO_START, 0, 0 } },
	    "notify 6/2; Established -> Idle (ManualStop); " IDLE_STOP
	    "; down", FSM_IDLE },
	{ "Established: send hold expires", 0, FSM_ESTABLISHED,
	    { { EV_SEND_HOLD_EXPIRES, 0, 0 } },
	    "notify 8/0; " DOWN_IDLE("SendHoldTimer_Expires"), FSM_IDLE },
	{ "Established, secondary: no restart", SECONDARY, FSM_ESTABLISHED,
	    { { EV_NOTIF, 0, 0 } },
	    "Established -> Idle (NotifMsg); " IDLE_STOP "; down", FSM_IDLE },

	/* RFC 9384: BFD Down is an error, so the restart backs off. */
	{ "Established: BFD Down, restart after the idle hold", 0,
	    FSM_ESTABLISHED, { { EV_BFD_DOWN, 0, 0 },
	      { EV_IDLE_HOLD_EXPIRES, 0, 0 } },
	    "notify 6/10; " DOWN_IDLE("BfdSessionDown") "; timer IDLE_HOLD "
	    "stop; Idle -> Connect (IdleHoldTimer_Expires); timer "
	    "CONNECT_RETRY 5; connect", FSM_CONNECT },
	{ "Connect: BFD Down, nothing to tell, back off", 0, FSM_CONNECT,
	    { { EV_BFD_DOWN, 0, 0 } },
	    TO_IDLE("Connect", "BfdSessionDown"), FSM_IDLE },

	/* -- restart after an error ------------------------------------- */
	{ "Idle after an error: IdleHold restarts", 0, FSM_OPENSENT,
	    { { EV_HOLD_EXPIRES, 0, 0 }, { EV_IDLE_HOLD_EXPIRES, 0, 0 } },
	    "notify 4/0; OpenSent -> Idle (HoldTimer_Expires); " IDLE_STOP
	    "; timer IDLE_HOLD 1; timer IDLE_HOLD stop; "
	    "Idle -> Connect (IdleHoldTimer_Expires); timer CONNECT_RETRY 5; "
	    "connect", FSM_CONNECT },
	{ "Idle after an error: ManualStop cancels the restart", 0,
	    FSM_OPENSENT, { { EV_HOLD_EXPIRES, 0, 0 },
	      { EV_MANUAL_STOP, 0, 0 }, { EV_IDLE_HOLD_EXPIRES, 0, 0 } },
	    "notify 4/0; OpenSent -> Idle (HoldTimer_Expires); " IDLE_STOP
	    "; timer IDLE_HOLD 1; timer IDLE_HOLD stop", FSM_IDLE },
	{ "Idle after an error: AutomaticStart restarts at once", 0,
	    FSM_OPENSENT, { { EV_HOLD_EXPIRES, 0, 0 },
	      { EV_AUTO_START, 0, 0 } },
	    "notify 4/0; OpenSent -> Idle (HoldTimer_Expires); " IDLE_STOP
	    "; timer IDLE_HOLD 1; timer IDLE_HOLD stop; "
	    "Idle -> Connect (AutomaticStart); timer CONNECT_RETRY 5; connect",
	    FSM_CONNECT },
};

START_TEST(sequences)
{
	for (size_t i = 0; i < NELEM(seq_rows); i++) {
		const struct seq_row *r = &seq_rows[i];
		struct fsm f;
		struct rec rec;

		setup(&f, &rec, r->flags);
		reach(&f, &rec, r->from);
		for (size_t k = 0; k < NELEM(r->steps) &&
		    r->steps[k].ev != 0; k++) {
			struct bgp_err e = { .code = r->steps[k].code,
			    .subcode = r->steps[k].sub };
			fsm_event(&f, r->steps[k].ev, e.code ? &e : NULL);
		}
		ck_assert_msg(strcmp(rec.log, r->log) == 0,
		    "%s:\n got  \"%s\"\n want \"%s\"", r->name, rec.log,
		    r->log);
		ck_assert_msg(f.state == r->to, "%s: in %s", r->name,
		    fsm_state_name(f.state));
	}
}
END_TEST

/* ---- every state × every event ------------------------------------------ */

struct cell {
	enum fsm_state to;
	uint8_t code, sub;	/* NOTIFICATION sent, 0/0 = none */
};

#define GO(s)		{ FSM_##s, 0, 0 }
#define NOTE(c, s)	{ FSM_IDLE, c, s }
#define I		GO(IDLE)

static const struct matrix_row {
	enum fsm_event ev;
	uint8_t code, sub;	/* err passed with the event */
	struct cell cell[FSM_NSTATES];	/* Idle Connect Active OpenSent
					 * OpenConfirm Established */
} matrix[] = {
	{ EV_MANUAL_START, 0, 0, { GO(CONNECT), GO(CONNECT), GO(ACTIVE),
	    GO(OPENSENT), GO(OPENCONFIRM), GO(ESTABLISHED) } },
	{ EV_MANUAL_STOP, 0, 0, { I, I, I, NOTE(6, 2), NOTE(6, 2),
	    NOTE(6, 2) } },
	{ EV_AUTO_START, 0, 0, { I, GO(CONNECT), GO(ACTIVE), GO(OPENSENT),
	    GO(OPENCONFIRM), GO(ESTABLISHED) } },
	{ EV_MANUAL_START_PASSIVE, 0, 0, { GO(ACTIVE), GO(CONNECT),
	    GO(ACTIVE), GO(OPENSENT), GO(OPENCONFIRM), GO(ESTABLISHED) } },
	{ EV_AUTO_START_PASSIVE, 0, 0, { I, GO(CONNECT), GO(ACTIVE),
	    GO(OPENSENT), GO(OPENCONFIRM), GO(ESTABLISHED) } },
	{ EV_CONNECT_RETRY_EXPIRES, 0, 0, { I, GO(CONNECT), GO(CONNECT),
	    NOTE(5, 1), NOTE(5, 2), NOTE(5, 3) } },
	{ EV_HOLD_EXPIRES, 0, 0, { I, I, I, NOTE(4, 0), NOTE(4, 0),
	    NOTE(4, 0) } },
	{ EV_KEEPALIVE_EXPIRES, 0, 0, { I, I, I, NOTE(5, 1), GO(OPENCONFIRM),
	    GO(ESTABLISHED) } },
	{ EV_IDLE_HOLD_EXPIRES, 0, 0, { I, I, I, NOTE(5, 1), NOTE(5, 2),
	    NOTE(5, 3) } },
	{ EV_TCP_CR_ACKED, 0, 0, { I, GO(OPENSENT), GO(OPENSENT), NOTE(5, 1),
	    NOTE(5, 2), NOTE(5, 3) } },
	{ EV_TCP_CONFIRMED, 0, 0, { I, GO(OPENSENT), GO(OPENSENT), NOTE(5, 1),
	    NOTE(5, 2), NOTE(5, 3) } },
	{ EV_TCP_FAILS, 0, 0, { I, GO(ACTIVE), GO(ACTIVE), GO(ACTIVE), I,
	    I } },
	{ EV_OPEN, 0, 0, { I, I, I, GO(OPENCONFIRM), NOTE(5, 2),
	    NOTE(5, 3) } },
	{ EV_HEADER_ERR, 1, 2, { I, I, I, NOTE(1, 2), NOTE(1, 2),
	    NOTE(1, 2) } },
	{ EV_OPEN_ERR, 2, 4, { I, I, I, NOTE(2, 4), NOTE(2, 4),
	    NOTE(2, 4) } },
	{ EV_OPEN_COLLISION_DUMP, 0, 0, { I, I, I, NOTE(6, 7), NOTE(6, 7),
	    NOTE(6, 7) } },
	{ EV_NOTIF_VERSION_ERR, 0, 0, { I, I, I, I, I, I } },
	{ EV_NOTIF, 0, 0, { I, I, I, I, I, I } },
	{ EV_KEEPALIVE, 0, 0, { I, I, I, NOTE(5, 1), GO(ESTABLISHED),
	    GO(ESTABLISHED) } },
	{ EV_UPDATE, 0, 0, { I, I, I, NOTE(5, 1), NOTE(5, 2),
	    GO(ESTABLISHED) } },
	{ EV_UPDATE_ERR, 3, 1, { I, I, I, NOTE(5, 1), NOTE(5, 2),
	    NOTE(3, 1) } },
	{ EV_SEND_HOLD_EXPIRES, 0, 0, { I, NOTE(8, 0), NOTE(8, 0),
	    NOTE(8, 0), NOTE(8, 0), NOTE(8, 0) } },
	{ EV_ROUTE_REFRESH, 0, 0, { I, I, I, NOTE(5, 1), NOTE(5, 2),
	    GO(ESTABLISHED) } },
	{ EV_BFD_DOWN, 0, 0, { I, I, I, NOTE(6, 10), NOTE(6, 10),
	    NOTE(6, 10) } },
};

START_TEST(state_event_matrix)
{
	/* Every named event appears in the matrix. */
	size_t named = 0;
	for (unsigned e = 1; e < EV_MAX; e++)
		if (strcmp(fsm_event_name((enum fsm_event)e), "unknown") != 0)
			named++;
	ck_assert_uint_eq(named, NELEM(matrix));

	for (size_t i = 0; i < NELEM(matrix); i++) {
		const struct matrix_row *m = &matrix[i];
		for (unsigned s = 0; s < FSM_NSTATES; s++) {
			const struct cell *c = &m->cell[s];
			struct fsm f;
			struct rec rec;
			struct bgp_err e = { .code = m->code,
			    .subcode = m->sub };

			setup(&f, &rec, 0);
			reach(&f, &rec, (enum fsm_state)s);
			fsm_event(&f, m->ev, m->code ? &e : NULL);
			const char *what = fsm_event_name(m->ev);
			const char *in = fsm_state_name((enum fsm_state)s);
			ck_assert_msg(f.state == c->to, "%s in %s: -> %s", what,
			    in, fsm_state_name(f.state));
			if (c->code == 0) {
				ck_assert_msg(rec.nnotify == 0,
				    "%s in %s: sent %u/%u", what, in,
				    rec.code, rec.sub);
			} else {
				ck_assert_msg(rec.nnotify == 1 &&
				    rec.code == c->code && rec.sub == c->sub,
				    "%s in %s: sent %u x %u/%u, want %u/%u",
				    what, in, rec.nnotify, rec.code, rec.sub,
				    c->code, c->sub);
			}
			/* Leaving a connected state always drops it. */
			if (s != FSM_IDLE && f.state == FSM_IDLE)
				ck_assert_msg(strstr(rec.log, "drop") != NULL,
				    "%s in %s: no drop", what, in);
			/* Only Connect connects. */
			ck_assert_msg((rec.nconnect > 0) ==
			    (f.state == FSM_CONNECT && (s != FSM_CONNECT ||
			    m->ev == EV_CONNECT_RETRY_EXPIRES)),
			    "%s in %s: connect %u", what, in, rec.nconnect);
			/* Idle has no timer running but IdleHold. */
			if (f.state == FSM_IDLE)
				for (int t = 0; t < FSM_NTIMERS; t++)
					ck_assert_msg(t == FSM_T_IDLE_HOLD ||
					    rec.armed[t] == 0,
					    "%s in %s: timer %s armed", what,
					    in, timer_names[t]);
		}
	}
}
END_TEST

/* Which timers run in each state, reached the usual way. */
START_TEST(timers_per_state)
{
	static const struct {
		enum fsm_state s;
		unsigned flags;
		unsigned armed[FSM_NTIMERS];	/* CR, HOLD, KA, IDLE_HOLD */
	} trows[] = {
		{ FSM_IDLE, 0, { 0, 0, 0, 0 } },
		{ FSM_CONNECT, 0, { 5, 0, 0, 0 } },
		{ FSM_ACTIVE, 0, { 5, 0, 0, 0 } },
		{ FSM_ACTIVE, PASSIVE, { 0, 0, 0, 0 } },
		{ FSM_OPENSENT, 0, { 0, 240, 0, 0 } },
		{ FSM_OPENCONFIRM, 0, { 0, 90, 30, 0 } },
		{ FSM_ESTABLISHED, 0, { 0, 90, 30, 0 } },
		{ FSM_OPENCONFIRM, HOLD0, { 0, 0, 0, 0 } },
		{ FSM_ESTABLISHED, HOLD0, { 0, 0, 0, 0 } },
	};
	for (size_t i = 0; i < NELEM(trows); i++) {
		struct fsm f;
		struct rec rec;
		setup(&f, &rec, trows[i].flags);
		reach(&f, &rec, trows[i].s);
		for (int t = 0; t < FSM_NTIMERS; t++)
			ck_assert_msg(rec.armed[t] == trows[i].armed[t],
			    "row %zu: %s %u", i, timer_names[t], rec.armed[t]);
	}

	/* After a failed connection in OpenSent only ConnectRetry runs:
	 * the 240 s hold timer would otherwise fire in Active and take the
	 * peer to Idle with a backoff (§8.2.2 Active, event 10). */
	struct fsm f;
	struct rec rec;
	setup(&f, &rec, 0);
	reach(&f, &rec, FSM_OPENSENT);
	ev(&f, EV_TCP_FAILS);
	ck_assert_uint_eq(rec.armed[FSM_T_CONNECT_RETRY], 5);
	ck_assert_uint_eq(rec.armed[FSM_T_HOLD], 0);
	ck_assert_uint_eq(rec.armed[FSM_T_KEEPALIVE], 0);
}
END_TEST

/* ---- idle-hold backoff ---------------------------------------------------- */

/* From Idle with a pending restart, fail once more in OpenSent. */
static unsigned fail_once(struct fsm *f, struct rec *r)
{
	if (f->state == FSM_IDLE)
		ev(f, EV_IDLE_HOLD_EXPIRES);
	ck_assert(f->state == FSM_CONNECT);
	ev(f, EV_TCP_CR_ACKED);
	ev(f, EV_HOLD_EXPIRES);
	ck_assert(f->state == FSM_IDLE);
	return r->armed[FSM_T_IDLE_HOLD];
}

START_TEST(backoff_doubles_and_caps)
{
	static const unsigned want[] = { 1, 2, 4, 8, 16, 32, 64, 120, 120,
	    120 };
	struct fsm f;
	struct rec rec;

	setup(&f, &rec, 0);
	ev(&f, EV_MANUAL_START);
	for (size_t i = 0; i < NELEM(want); i++)
		ck_assert_msg(fail_once(&f, &rec) == want[i], "error %zu: %u",
		    i + 1, rec.armed[FSM_T_IDLE_HOLD]);
	ck_assert_uint_le(f.idle_hold, FSM_IDLE_HOLD_MAX);

	/* Other errors count the same: a NOTIFICATION in OpenConfirm. */
	ev(&f, EV_IDLE_HOLD_EXPIRES);
	ev(&f, EV_TCP_CR_ACKED);
	ev(&f, EV_OPEN);
	ev(&f, EV_NOTIF);
	ck_assert_uint_eq(rec.armed[FSM_T_IDLE_HOLD], 120);
}
END_TEST

START_TEST(backoff_reset_when_stable)
{
	static const struct {
		double held;
		unsigned want;
	} brows[] = {
		{ 0, 4 },
		{ FSM_STABLE_SECS - 1, 4 },
		{ FSM_STABLE_SECS - 0.001, 4 },
		{ FSM_STABLE_SECS, 1 },
		{ FSM_STABLE_SECS + 3600, 1 },
	};
	for (size_t i = 0; i < NELEM(brows); i++) {
		struct fsm f;
		struct rec rec;
		setup(&f, &rec, 0);
		ev(&f, EV_MANUAL_START);
		ck_assert_uint_eq(fail_once(&f, &rec), 1);
		ck_assert_uint_eq(fail_once(&f, &rec), 2);
		/* The next error would wait 4 s; now a session comes up. */
		ev(&f, EV_IDLE_HOLD_EXPIRES);
		ev(&f, EV_TCP_CR_ACKED);
		ev(&f, EV_OPEN);
		rec.now = 5000;
		ev(&f, EV_KEEPALIVE);
		ck_assert(f.state == FSM_ESTABLISHED);
		rec.now = 5000 + brows[i].held;
		ev(&f, EV_HOLD_EXPIRES);
		ck_assert_msg(rec.armed[FSM_T_IDLE_HOLD] == brows[i].want,
		    "held %.3f: %u", brows[i].held,
		    rec.armed[FSM_T_IDLE_HOLD]);
	}
}
END_TEST

/* A router restarting, however often, is back after the shortest wait:
 * its operator's Cease is no error.  Other NOTIFICATIONs still count. */
START_TEST(backoff_not_for_operator_cease)
{
	static const struct {
		uint8_t code, subcode;
		unsigned want;		/* idle hold after the 3rd one */
	} crows[] = {
		{ BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, 1 },
		{ BGP_ERR_CEASE, BGP_CEASE_PEER_DECONF, 1 },
		{ BGP_ERR_CEASE, BGP_CEASE_ADMIN_RESET, 1 },
		{ BGP_ERR_CEASE, BGP_CEASE_CONFIG_CHANGE, 1 },
		{ BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX, 4 },
		{ BGP_ERR_CEASE, BGP_CEASE_RESOURCES, 4 },
		{ BGP_ERR_CEASE, BGP_CEASE_HARD_RESET, 4 },
		{ BGP_ERR_HOLD, 0, 4 },
		{ BGP_ERR_UPDATE, 1, 4 },
	};
	for (size_t i = 0; i < NELEM(crows); i++) {
		struct fsm f;
		struct rec rec;
		struct bgp_err e = { .code = crows[i].code,
		    .subcode = crows[i].subcode };
		setup(&f, &rec, 0);
		ev(&f, EV_MANUAL_START);
		for (int k = 0; k < 3; k++) {
			if (k > 0)
				ev(&f, EV_IDLE_HOLD_EXPIRES);
			ev(&f, EV_TCP_CR_ACKED);
			ev(&f, EV_OPEN);
			ev(&f, EV_KEEPALIVE);
			ck_assert(f.state == FSM_ESTABLISHED);
			clear(&rec);
			fsm_event(&f, EV_NOTIF, &e);
			ck_assert(f.state == FSM_IDLE);
			ck_assert_uint_eq(rec.nnotify, 0);
		}
		ck_assert_msg(rec.armed[FSM_T_IDLE_HOLD] == crows[i].want,
		    "%u/%u: idle hold %u", crows[i].code, crows[i].subcode,
		    rec.armed[FSM_T_IDLE_HOLD]);
		ck_assert_uint_eq(f.connect_retry_counter, 1);
	}
}
END_TEST

START_TEST(backoff_not_for_manual_stop)
{
	struct fsm f;
	struct rec rec;

	setup(&f, &rec, 0);
	ev(&f, EV_MANUAL_START);
	ck_assert_uint_eq(fail_once(&f, &rec), 1);
	ck_assert_uint_eq(fail_once(&f, &rec), 2);
	unsigned next = f.idle_hold;
	ck_assert_uint_eq(next, 4);

	/* ManualStop in each state: no restart, backoff unchanged. */
	for (unsigned s = FSM_CONNECT; s < FSM_NSTATES; s++) {
		ev(&f, EV_MANUAL_START);
		ck_assert(f.state == FSM_CONNECT);
		if (s == FSM_ACTIVE)
			ev(&f, EV_TCP_FAILS);
		if (s >= FSM_OPENSENT)
			ev(&f, EV_TCP_CR_ACKED);
		if (s >= FSM_OPENCONFIRM)
			ev(&f, EV_OPEN);
		if (s >= FSM_ESTABLISHED)
			ev(&f, EV_KEEPALIVE);
		ck_assert(f.state == s);
		clear(&rec);
		ev(&f, EV_MANUAL_STOP);
		ck_assert(f.state == FSM_IDLE);
		ck_assert_uint_eq(rec.armed[FSM_T_IDLE_HOLD], 0);
		ck_assert_ptr_null(strstr(rec.log, "timer IDLE_HOLD 1"));
		ck_assert_uint_eq(f.idle_hold, next);
		ck_assert(!f.auto_start);
		ck_assert_uint_eq(f.connect_retry_counter, 0);
		/* Cease only once there is an OPEN exchange to end. */
		ck_assert_uint_eq(rec.nnotify, s >= FSM_OPENSENT ? 1 : 0);
		/* Nothing brings it back but a ManualStart. */
		ev(&f, EV_IDLE_HOLD_EXPIRES);
		ev(&f, EV_AUTO_START);
		ck_assert(f.state == FSM_IDLE);
	}
	/* The next error uses the backoff ManualStop left alone. */
	ev(&f, EV_MANUAL_START);
	ck_assert_uint_eq(fail_once(&f, &rec), 4);
}
END_TEST

START_TEST(secondary_never_restarts)
{
	static const enum fsm_event errors[] = { EV_HOLD_EXPIRES, EV_NOTIF,
	    EV_TCP_FAILS, EV_CONNECT_RETRY_EXPIRES, EV_OPEN_COLLISION_DUMP };
	for (unsigned s = FSM_OPENSENT; s < FSM_NSTATES; s++) {
		for (size_t i = 0; i < NELEM(errors); i++) {
			struct fsm f;
			struct rec rec;
			setup(&f, &rec, SECONDARY);
			reach(&f, &rec, (enum fsm_state)s);
			ev(&f, errors[i]);
			ck_assert(f.state == FSM_IDLE);
			ck_assert_uint_eq(rec.armed[FSM_T_IDLE_HOLD], 0);
			ck_assert_ptr_null(strstr(rec.log, "IDLE_HOLD 1"));
		}
	}
}
END_TEST

START_TEST(retry_counter)
{
	struct fsm f;
	struct rec rec;

	setup(&f, &rec, 0);
	ev(&f, EV_MANUAL_START);
	ck_assert_uint_eq(f.connect_retry_counter, 0);
	fail_once(&f, &rec);
	ck_assert_uint_eq(f.connect_retry_counter, 1);
	/* RFC 4271 §8.2.2 Idle: a start sets it to zero. */
	ev(&f, EV_IDLE_HOLD_EXPIRES);
	ck_assert_uint_eq(f.connect_retry_counter, 0);
	ev(&f, EV_TCP_FAILS);		/* Connect -> Active: not an error */
	ck_assert_uint_eq(f.connect_retry_counter, 0);
	ev(&f, EV_TCP_CONFIRMED);
	ev(&f, EV_NOTIF);
	ck_assert_uint_eq(f.connect_retry_counter, 1);
	ev(&f, EV_AUTO_START);
	ck_assert_uint_eq(f.connect_retry_counter, 0);
	ev(&f, EV_TCP_CR_ACKED);
	ev(&f, EV_HOLD_EXPIRES);
	ck_assert_uint_eq(f.connect_retry_counter, 1);
	ck_assert_uint_eq(f.last_event, EV_HOLD_EXPIRES);
}
END_TEST

/* ---- collision, names ------------------------------------------------------ */

START_TEST(collision)
{
	static const struct {
		uint32_t lid, rid, las, ras;
		bool keep_remote;
	} crows[] = {
		/* RFC 4271 §6.8: the higher BGP Identifier keeps its own. */
		{ 0x0a000001, 0x0a000002, 64512, 64513, true },
		{ 0x0a000002, 0x0a000001, 64512, 64513, false },
		{ 0x0a000001, 0x0a000002, 64513, 64512, true },
		{ 0x7fffffff, 0x80000000, 64512, 64512, true },	/* unsigned */
		{ 0xffffffff, 0x00000001, 64512, 64512, false },
		/* RFC 6286 §2.3: equal IDs, the larger AS keeps its own. */
		{ 0x0a000001, 0x0a000001, 64512, 64513, true },
		{ 0x0a000001, 0x0a000001, 64513, 64512, false },
		{ 0x0a000001, 0x0a000001, 64512, 4200000000u, true },
		{ 0x0a000001, 0x0a000001, 4200000000u, 64512, false },
	};
	for (size_t i = 0; i < NELEM(crows); i++)
		ck_assert_msg(fsm_collision_keep_remote(crows[i].lid,
		    crows[i].rid, crows[i].las, crows[i].ras) ==
		    crows[i].keep_remote, "row %zu", i);
	/* The two sides of one collision always agree. */
	for (size_t i = 0; i < NELEM(crows); i++) {
		if (crows[i].lid == crows[i].rid && crows[i].las == crows[i].ras)
			continue;
		ck_assert(fsm_collision_keep_remote(crows[i].lid, crows[i].rid,
		    crows[i].las, crows[i].ras) !=
		    fsm_collision_keep_remote(crows[i].rid, crows[i].lid,
		    crows[i].ras, crows[i].las));
	}
}
END_TEST

START_TEST(names)
{
	static const char *const states[] = { "Idle", "Connect", "Active",
	    "OpenSent", "OpenConfirm", "Established" };
	ck_assert_uint_eq(NELEM(states), FSM_NSTATES);
	for (unsigned s = 0; s < FSM_NSTATES; s++)
		ck_assert_str_eq(fsm_state_name((enum fsm_state)s), states[s]);
	ck_assert_str_eq(fsm_state_name(FSM_NSTATES), "unknown");
	ck_assert_str_eq(fsm_state_name((enum fsm_state)-1), "unknown");

	/* RFC 4271 §8.1 names, RFC 9687 event 29. */
	static const struct {
		enum fsm_event ev;
		const char *name;
	} evs[] = {
		{ EV_MANUAL_START, "ManualStart" },
		{ EV_MANUAL_STOP, "ManualStop" },
		{ EV_AUTO_START, "AutomaticStart" },
		{ EV_MANUAL_START_PASSIVE,
		    "ManualStart_with_PassiveTcpEstablishment" },
		{ EV_AUTO_START_PASSIVE,
		    "AutomaticStart_with_PassiveTcpEstablishment" },
		{ EV_CONNECT_RETRY_EXPIRES, "ConnectRetryTimer_Expires" },
		{ EV_HOLD_EXPIRES, "HoldTimer_Expires" },
		{ EV_KEEPALIVE_EXPIRES, "KeepaliveTimer_Expires" },
		{ EV_IDLE_HOLD_EXPIRES, "IdleHoldTimer_Expires" },
		{ EV_TCP_CR_ACKED, "Tcp_CR_Acked" },
		{ EV_TCP_CONFIRMED, "TcpConnectionConfirmed" },
		{ EV_TCP_FAILS, "TcpConnectionFails" },
		{ EV_OPEN, "BGPOpen" },
		{ EV_HEADER_ERR, "BGPHeaderErr" },
		{ EV_OPEN_ERR, "BGPOpenMsgErr" },
		{ EV_OPEN_COLLISION_DUMP, "OpenCollisionDump" },
		{ EV_NOTIF_VERSION_ERR, "NotifMsgVerErr" },
		{ EV_NOTIF, "NotifMsg" },
		{ EV_KEEPALIVE, "KeepAliveMsg" },
		{ EV_UPDATE, "UpdateMsg" },
		{ EV_UPDATE_ERR, "UpdateMsgErr" },
		{ EV_SEND_HOLD_EXPIRES, "SendHoldTimer_Expires" },
		{ EV_ROUTE_REFRESH, "RouteRefreshMsg" },
		{ EV_BFD_DOWN, "BfdSessionDown" },
	};
	for (size_t i = 0; i < NELEM(evs); i++)
		ck_assert_str_eq(fsm_event_name(evs[i].ev), evs[i].name);
	ck_assert_str_eq(fsm_event_name((enum fsm_event)0), "none");
	for (int e = -1; e < 300; e++)
		ck_assert_ptr_nonnull(fsm_event_name((enum fsm_event)e));
	ck_assert_str_eq(fsm_event_name((enum fsm_event)6), "unknown");
	ck_assert_str_eq(fsm_event_name(EV_MAX), "unknown");
	ck_assert_str_eq(fsm_event_name((enum fsm_event)-1), "unknown");
}
END_TEST

START_TEST(init_defaults)
{
	struct fsm f;
	struct rec rec;
	memset(&f, 0x55, sizeof(f));
	fsm_init(&f, &ops, &rec);
	ck_assert(f.state == FSM_IDLE);
	ck_assert(!f.passive && !f.auto_start && !f.secondary);
	ck_assert_uint_eq(f.idle_hold, FSM_IDLE_HOLD_MIN);
	ck_assert_uint_eq(f.connect_retry_counter, 0);
	ck_assert_uint_gt(f.connect_retry, 0);
	ck_assert(f.ops == &ops && f.ctx == &rec);
	/* RFC 4271 §10: a hold time we offer is 0 or at least 3. */
	ck_assert(f.hold_conf == 0 || f.hold_conf >= 3);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fsm");
	TCase *tc = unit_tcase(s, "transitions");
	tcase_add_test(tc, sequences);
	tcase_add_test(tc, state_event_matrix);
	tcase_add_test(tc, timers_per_state);

	tc = unit_tcase(s, "backoff");
	tcase_add_test(tc, backoff_doubles_and_caps);
	tcase_add_test(tc, backoff_reset_when_stable);
	tcase_add_test(tc, backoff_not_for_operator_cease);
	tcase_add_test(tc, backoff_not_for_manual_stop);
	tcase_add_test(tc, secondary_never_restarts);
	tcase_add_test(tc, retry_counter);

	tc = unit_tcase(s, "misc");
	tcase_add_test(tc, collision);
	tcase_add_test(tc, names);
	tcase_add_test(tc, init_defaults);

	return unit_run(s);
}
