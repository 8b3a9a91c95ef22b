/*
 * fsm.h - the BGP finite state machine of RFC 4271 §8, for one connection.
 *
 * Pure: the machine never touches a socket or a clock.  It asks its owner
 * to act through struct fsm_ops (start a timer, connect, send a message,
 * drop the connection) and the owner feeds it events.  Check tests drive
 * it with a recording fsm_ops; the daemon drives it with libev.
 */
#ifndef LBBGP_FSM_H
#define LBBGP_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "fsm/bgp.h"

enum fsm_state {
	FSM_IDLE,
	FSM_CONNECT,
	FSM_ACTIVE,
	FSM_OPENSENT,
	FSM_OPENCONFIRM,
	FSM_ESTABLISHED,
	FSM_NSTATES
};

/* RFC 4271 §8.1 event numbers; RFC 9687 adds 29.  Unused ones omitted. */
enum fsm_event {
	EV_UNSET = 0,
	EV_MANUAL_START = 1,
	EV_MANUAL_STOP = 2,
	EV_AUTO_START = 3,
	EV_MANUAL_START_PASSIVE = 4,
	EV_AUTO_START_PASSIVE = 5,
	EV_CONNECT_RETRY_EXPIRES = 9,
	EV_HOLD_EXPIRES = 10,
	EV_KEEPALIVE_EXPIRES = 11,
	EV_IDLE_HOLD_EXPIRES = 13,
	EV_TCP_CR_ACKED = 16,
	EV_TCP_CONFIRMED = 17,
	EV_TCP_FAILS = 18,
	EV_OPEN = 19,
	EV_HEADER_ERR = 21,
	EV_OPEN_ERR = 22,
	EV_OPEN_COLLISION_DUMP = 23,
	EV_NOTIF_VERSION_ERR = 24,
	EV_NOTIF = 25,
	EV_KEEPALIVE = 26,
	EV_UPDATE = 27,
	EV_UPDATE_ERR = 28,
	EV_SEND_HOLD_EXPIRES = 29,	/* RFC 9687 */
	EV_ROUTE_REFRESH = 30,		/* lbbgp: a valid ROUTE-REFRESH */
	EV_BFD_DOWN = 31,		/* lbbgp: BFD went Down (RFC 9384) */
	EV_MAX
};

enum fsm_timer {
	FSM_T_CONNECT_RETRY,
	FSM_T_HOLD,
	FSM_T_KEEPALIVE,
	FSM_T_IDLE_HOLD,
	FSM_NTIMERS
};

/* Idle hold backoff after errors: 1 s doubling to 120 s; a session that
 * stayed Established this long is considered healthy again. */
#define FSM_IDLE_HOLD_MIN	1
#define FSM_IDLE_HOLD_MAX	120
#define FSM_STABLE_SECS		60

struct fsm_ops {
	/* Start (secs > 0) or stop (secs == 0) one of the timers. */
	void (*timer)(void *ctx, enum fsm_timer t, unsigned secs);
	/* Start a non-blocking TCP connection; its outcome arrives as
	 * EV_TCP_CR_ACKED or EV_TCP_FAILS. */
	void (*connect)(void *ctx);
	/* Close the TCP connection (after flushing what is queued). */
	void (*drop)(void *ctx);
	void (*send_open)(void *ctx);
	void (*send_keepalive)(void *ctx);
	void (*send_notification)(void *ctx, const struct bgp_err *e);
	/* The session reached Established: routes may flow. */
	void (*established)(void *ctx);
	/* The session left Established: forget the peer's routes. */
	void (*down)(void *ctx);
	/* Every state change, for the log. */
	void (*changed)(void *ctx, enum fsm_state from, enum fsm_state to,
	    enum fsm_event ev);
	/* Monotonic seconds. */
	double (*now)(void *ctx);
};

struct fsm {
	enum fsm_state state;
	bool passive;		/* never connect, wait for the peer */
	bool auto_start;	/* restart after errors; off after ManualStop */
	bool secondary;		/* a collision-tracking connection: never
				 * restarts, its owner frees it in Idle */
	uint16_t hold_conf;	/* hold time we offer */
	uint16_t hold;		/* negotiated, set before EV_OPEN */
	uint16_t keepalive;	/* negotiated, set before EV_OPEN */
	uint16_t connect_retry;	/* seconds */
	uint32_t connect_retry_counter;
	unsigned idle_hold;	/* next idle hold, seconds */
	double established_at;
	enum fsm_event last_event;
	const struct fsm_ops *ops;
	void *ctx;
};

void fsm_init(struct fsm *f, const struct fsm_ops *ops, void *ctx);
/*
 * Feed one event.  err is the NOTIFICATION to send for the error events
 * (EV_HEADER_ERR, EV_OPEN_ERR, EV_UPDATE_ERR) and optionally for
 * EV_MANUAL_STOP (default: Cease/Administrative Shutdown); for EV_NOTIF
 * optionally the code and subcode received (an operator's Cease does not
 * grow the idle hold backoff); else NULL.
 */
void fsm_event(struct fsm *f, enum fsm_event ev, const struct bgp_err *err);

const char *fsm_state_name(enum fsm_state s);
const char *fsm_event_name(enum fsm_event ev);

/*
 * RFC 4271 §6.8: which of two colliding connections survives.  True when
 * the connection the remote side initiated is kept.  RFC 6286 §2.3: with
 * equal identifiers the side with the larger AS keeps its connection.
 */
bool fsm_collision_keep_remote(uint32_t local_id, uint32_t remote_id,
    uint32_t local_as, uint32_t remote_as);

#endif
