/*
 * session_int.h - what the session files share, for them alone:
 * session.c (peers, connections, fsm_ops), session_io.c (the socket),
 * session_in.c (messages in) and session_out.c (messages out).  Nothing
 * outside bgpd/session*.c includes it; bgpd.h is the interface.
 */
#ifndef LBBGP_SESSION_INT_H
#define LBBGP_SESSION_INT_H

#include "bgpd/bgpd.h"

/* session.c */
/* "" or, on the second connection of a collision, " (second connection)" */
const char *conn_tag(const struct conn *c);
/* Keep n (and what a Hard Reset carries) for show neighbor. */
void record_notif(struct notif_log *l, const struct bgp_notification *n,
    const char *text);
/* RFC 4271 §6.8 on an OPEN received on c; true when c itself went. */
bool conn_collision(struct conn *c);

/*
 * Lines about one connection: "neighbor NAME: ...", and on the second
 * connection of a collision "neighbor NAME (second connection): ...".
 */
#define log_conn_warnx(c, ...) \
	log_line(LOG_LVL_WARN, peer_name((c)->peer), conn_tag(c), __VA_ARGS__)
#define log_conn_warn(c, ...) log_line(LOG_LVL_WARN_ERRNO, \
	peer_name((c)->peer), conn_tag(c), __VA_ARGS__)
#define log_conn_info(c, ...) \
	log_line(LOG_LVL_INFO, peer_name((c)->peer), conn_tag(c), __VA_ARGS__)
#define log_conn_debug(c, ...) \
	log_line(LOG_LVL_DEBUG, peer_name((c)->peer), conn_tag(c), __VA_ARGS__)

/* The largest message: 65535 bytes once both sides announced RFC 8654. */
static inline size_t max_msg(const struct conn *c)
{
	return c->neg.ext_message ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
}

/* session_io.c */
/* The read, write and send hold watchers of a new connection. */
void conn_io_init(struct conn *c);
/* Take fd as c's connection (outgoing: we connected) and start reading. */
void conn_attach(struct conn *c, int fd, bool outgoing);
/* Write what the socket takes now; false on a broken connection. */
bool conn_write(struct conn *c);
/* Stop watchers and close the socket; the FSM object stays. */
void conn_close(struct conn *c);
/* Start, restart or stop the send hold timer as the output stands. */
void conn_send_hold_update(struct conn *c);

/* session_in.c */
/* Handle every whole message in c's receive buffer. */
void conn_input(struct conn *c);

/* session_out.c */
/* Queue one message of that type on c, counted for show and metrics. */
void conn_queue(struct conn *c, const uint8_t *msg, size_t len,
    uint8_t type);
void conn_send_open(void *ctx);
void conn_send_keepalive(void *ctx);
void conn_send_notification(void *ctx, const struct bgp_err *err);
/* What the RIB needs to know of an established session. */
void conn_session(const struct conn *c, struct rib_session *s);

#endif
