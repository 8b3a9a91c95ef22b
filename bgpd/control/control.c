/*
 * control.c - the control socket: JSON lines in, JSON lines out.
 *
 * Transport and dispatch only; what each command does lives in the
 * handlers (cmd.c).  Every client is independent: garbage, an over-long
 * line or a client that never reads its replies gets that client an
 * error and a closed socket, never anyone else a delay.  Replies leave
 * in request order, after the state file holds what they acknowledge.
 * A client is read only while it owes less than CTL_PAUSE_OUT bytes of
 * replies: its pipelined requests wait in its input buffer, unparsed, so
 * that requests sent faster than their replies are read cost neither
 * memory nor the event loop's time (thousands of show-rib requests in one
 * write once took gigabytes and starved every BGP session).
 */
#include "bgpd/control/control.h"
#include "bgpd/control/fastvips.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "bgpd/metrics/metrics.h"

#define CTL_MAX_LINE	(4 * 1024 * 1024) /* longest request: ~280,000 VIPs */
#define CTL_PAUSE_OUT	(1024 * 1024)	/* owed: stop handling requests */
#define CTL_MAX_DEPTH	32		/* JSON nesting */
#define CTL_PAUSE_HELD	65536		/* replies held in one iteration */
#define CTL_HELD_WRITE	64		/* bytes a write's reply counts for */
#define CTL_STALL_SECS	10.0		/* owed replies, none read: close */

/* The request being done in slices (struct ctl_job). */
struct ctl_run {
	struct lbbgpd *d;
	struct ctl_job *job;
	struct ctl_req r;		/* its request (a reference) and reply */
	const struct ctl_cmd *cmd;
	struct ctl_client *cl;		/* NULL once the client went */
	bool started;			/* not in the turn that parsed it */
	ev_prepare slicer;		/* a slice each turn, after the commit */
	ev_idle spin;			/* no waiting for events meanwhile */
};

static void client_close(struct ctl_client *cl, const char *why);
static void log_writes(struct ctl_client *cl);
static void job_end(struct lbbgpd *d);

/*
 * Queue a reply; it leaves with ctl_flush().  A write's reply stays an
 * object (taking a reference), as an unsaved change turns it into an
 * error; any other is a line at once, so that what a client is owed is
 * known in bytes and a big show reply does not linger as JSON objects.
 */
static void reply_json(struct ctl_client *cl, json_object *o,
    const char *cmd, bool write)
{
	struct ctl_held *h = calloc(1, sizeof(*h));

	if (h == NULL) {
		cl->failed = true;
		return;
	}
	if (write) {
		h->reply = json_object_get(o);
		cl->held_bytes += CTL_HELD_WRITE;
	} else {
		size_t len;
		metrics_count_reply(cl->d, cmd, o);
		const char *s = json_object_to_json_string_length(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &len);
		h->text = malloc(len + 1);
		if (h->text == NULL) {
			free(h);
			cl->failed = true;
			return;
		}
		memcpy(h->text, s, len);
		h->text[len] = '\n';
		h->len = len + 1;
		cl->held_bytes += h->len;
	}
	h->cmd = cmd;
	h->write = write;
	h->next = NULL;
	if (cl->held == NULL)
		cl->held_tail = &cl->held;
	*cl->held_tail = h;
	cl->held_tail = &h->next;
	cl->nheld++;
	cl->d->ctl_pending = true;
}

void ctl_fail(json_object *reply, enum ctl_code code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(reply, "ok", json_object_new_boolean(0));
	json_object_object_add(reply, "code", json_object_new_string(
	    ctl_code_name(code)));
	json_object_object_add(reply, "error", json_object_new_string(msg));
}

static void error_reply(struct ctl_client *cl, const char *cmd,
    enum ctl_code code, const char *msg)
{
	json_object *o = json_object_new_object();
	ctl_fail(o, code, "%s", msg);
	reply_json(cl, o, cmd, false);
	json_object_put(o);
}

/* Closest known command, for "did you mean". */
static const char *nearest_cmd(const char *name)
{
	const char *best = NULL;
	size_t best_d = 4;

	for (const struct ctl_cmd *c = ctl_cmds; c->name; c++) {
		size_t n = strlen(name), m = strlen(c->name), d;
		size_t prev[64], cur[64];
		if (n >= 63 || m >= 63)
			continue;
		for (size_t j = 0; j <= m; j++)
			prev[j] = j;
		for (size_t i = 1; i <= n; i++) {
			cur[0] = i;
			for (size_t j = 1; j <= m; j++) {
				size_t sub = prev[j - 1] +
				    (name[i - 1] != c->name[j - 1]);
				size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
				cur[j] = sub < del ? (sub < ins ? sub : ins) :
				    (del < ins ? del : ins);
			}
			memcpy(prev, cur, (m + 1) * sizeof(size_t));
		}
		d = prev[m];
		if (d < best_d) {
			best_d = d;
			best = c->name;
		}
	}
	return best;
}

/* Refuse a command on a read-only socket, naming the socket to use. */
static void deny(struct ctl_client *cl, const char *name)
{
	struct lbbgpd *d = cl->d;
	const char *path = cl->from ? cl->from->path : "";
	unsigned suppressed = 0;
	char msg[512];

	const char *main_path = d->opts->socket_path;
	bool dflt = strcmp(main_path, DAEMON_DEFAULT_SOCKET) == 0;

	snprintf(msg, sizeof(msg), "\"%s\" is not allowed on the read-only "
	    "socket %s; use the main control socket %s (bgpctl%s%s), as root "
	    "or as a member of its socket-group", name, path, main_path,
	    dflt ? " without -s" : " -s ", dflt ? "" : main_path);
	error_reply(cl, name, CTL_E_DENIED, msg);
	if (log_limit_ok(&d->ctl_denied_log, now_mono(), &suppressed))
		log_warnx("control: denied %s from uid %d pid %d on read-only "
		    "socket %s%s", name, (int)cl->uid, (int)cl->pid, path,
		    suppressed ? " (and more refusals not logged)" : "");
}

/*
 * RFC 3629 §3, §4: well-formed UTF-8 only: no overlong form, no UTF-16
 * surrogate, nothing above U+10FFFF.  json-c's check counts continuation
 * octets and no more, and a string it let through came back quoted in an
 * error reply (unknown command "\xc0\xaf..."), a line that strict JSON
 * parsers refuse.  Returns the offset of the first bad octet, or len.
 */
static size_t utf8_check(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i], lo = 0x80, hi = 0xbf;
		size_t n;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;	/* overlong below U+0800 */
			else if (c == 0xed)
				hi = 0x9f;	/* U+D800..U+DFFF */
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;	/* overlong below U+10000 */
			else if (c == 0xf4)
				hi = 0x8f;	/* above U+10FFFF */
		} else {
			return i;		/* 0x80..0xc1, 0xf5..0xff */
		}
		if (len - i <= n || s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k <= n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
		i += n + 1;
	}
	return len;
}

static void job_start(struct ctl_client *cl, const struct ctl_cmd *c,
    struct ctl_req *r);

/* False when the line must wait for another client's job (not consumed). */
static bool handle_line(struct ctl_client *cl, const char *line, size_t len)
{
	struct json_tokener *tok;
	json_object *req = NULL, *jcmd;
	char msg[256];
	bool handled = true;

	size_t bad = utf8_check((const unsigned char *)line, len);
	if (bad < len) {
		snprintf(msg, sizeof(msg), "request is not valid UTF-8 (at "
		    "byte %zu); send one JSON object per line, in UTF-8", bad);
		error_reply(cl, NULL, CTL_E_BAD_JSON, msg);
		return true;
	}
	tok = json_tokener_new_ex(CTL_MAX_DEPTH);
	if (tok == NULL) {
		error_reply(cl, NULL, CTL_E_NOMEM, "out of memory");
		return true;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	/* A big "vips" array skips json-c; the rest is parsed as usual, and
	 * when json-c finds fault with it, the whole line again so the
	 * error names the byte of the line the client sent. */
	struct fastvips fv = { 0 };
	if (len >= FASTVIPS_MIN_LEN && fastvips_split(line, len, &fv)) {
		req = json_tokener_parse_ex(tok, fv.rest, (int)fv.rest_len);
		if (json_tokener_get_error(tok) != json_tokener_success ||
		    tok->char_offset != (int)fv.rest_len) {
			json_object_put(req);
			json_tokener_reset(tok);
			fastvips_free(&fv);
		} else {
			free(fv.rest);
			fv.rest = NULL;
		}
	}
	if (fv.vips == NULL)
		req = json_tokener_parse_ex(tok, line, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	int end = fv.vips ? (int)len : tok->char_offset;
	if (req == NULL && jerr == json_tokener_continue) {
		/* The line is the whole input: json-c needs a final '\0' to
		 * end a value with no closing character (42, true, null). */
		req = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
	}
	/* NULL with success is the JSON null: valid, but no request. */
	if (jerr != json_tokener_success || end != (int)len) {
		snprintf(msg, sizeof(msg), "request is not valid JSON (%s at "
		    "byte %d); send one JSON object per line",
		    jerr == json_tokener_success ? "trailing data" :
		    json_tokener_error_desc(jerr), end);
		error_reply(cl, NULL, CTL_E_BAD_JSON, msg);
		goto out;
	}
	if (!json_object_is_type(req, json_type_object) ||
	    !json_object_object_get_ex(req, "cmd", &jcmd) ||
	    !json_object_is_type(jcmd, json_type_string)) {
		error_reply(cl, NULL, CTL_E_BAD_REQUEST, "a request is a JSON "
		    "object with a \"cmd\" string, e.g. "
		    "{\"cmd\":\"show-neighbors\"}");
		goto out;
	}
	const char *name = json_object_get_string(jcmd);
	const struct ctl_cmd *c;
	for (c = ctl_cmds; c->name && strcmp(c->name, name) != 0; c++)
		;
	if (c->name == NULL) {
		const char *near = nearest_cmd(name);
		snprintf(msg, sizeof(msg), "unknown command \"%.64s\"%s%s%s",
		    name, near ? "; did you mean \"" : "", near ? near : "",
		    near ? "\"?" : "");
		error_reply(cl, NULL, CTL_E_UNKNOWN_COMMAND, msg);
		goto out;
	}
	/* A read-only socket answers show-* and nothing else, whatever
	 * commands are added to the table later. */
	if (cl->restricted && (c->write || strncmp(name, "show-", 5) != 0)) {
		deny(cl, c->name);
		goto out;
	}
	/* A write waits until another client's job is done. */
	if (c->write && cl->d->ctl_run != NULL) {
		handled = false;
		goto out;
	}
	json_object *reply = json_object_new_object();
	json_object_object_add(reply, "ok", json_object_new_boolean(1));
	struct ctl_req r = { .d = cl->d, .req = req, .reply = reply,
	    .uid = cl->uid, .pid = cl->pid, .vips = fv.vips, .nvips = fv.n };
	fv.vips = NULL;
	/* Every write request is logged, per client and round (below). */
	if (c->write && (size_t)(c - ctl_cmds) < 16)
		cl->writes[c - ctl_cmds]++;
	c->fn(&r);
	free(r.vips);
	r.vips = NULL;
	if (r.job != NULL)
		job_start(cl, c, &r);	/* takes the reply */
	else
		reply_json(cl, reply, c->name, c->write);
	json_object_put(reply);
out:
	fastvips_free(&fv);
	json_object_put(req);
	json_tokener_free(tok);
	return handled;
}

/* Its request is being done in slices: its next ones wait. */
static bool client_in_job(const struct ctl_client *cl)
{
	return cl->d->ctl_run != NULL && cl->d->ctl_run->cl == cl;
}

/* Owes so much that its next requests must wait until it reads. */
static bool client_owes_much(const struct ctl_client *cl)
{
	return buf_used(&cl->out) + cl->held_bytes > CTL_PAUSE_OUT ||
	    cl->nheld >= CTL_PAUSE_HELD;
}

/*
 * Handle the whole request lines read so far, in order, until the client
 * owes too much; the rest wait in cl->in.  Reading goes on only while it
 * can be handled: a paused client's socket buffer fills and its writes
 * block, which is all the flow control a pipelining client needs.
 */
static void client_lines(struct ctl_client *cl)
{
	struct ev_loop *loop = cl->d->loop;
	bool whole = false;		/* a complete line still waits */

	cl->deferred = false;
	while (!cl->eof && buf_used(&cl->in) > 0) {
		uint8_t *start = (uint8_t *)cl->in.p + cl->in.off;
		uint8_t *nl = memchr(start, '\n', buf_used(&cl->in));
		if (nl == NULL)
			break;
		/* Its own job first: requests are answered in order. */
		if (client_owes_much(cl) || client_in_job(cl)) {
			whole = true;
			break;
		}
		size_t len = (size_t)(nl - start);
		if (len > 0 && start[len - 1] == '\r')
			len--;
		if (len > 0 && !handle_line(cl, (const char *)start, len)) {
			cl->deferred = whole = true;
			break;
		}
		buf_consume(&cl->in, (size_t)(nl - start) + 1);
	}
	if (!whole && !cl->eof && buf_used(&cl->in) > CTL_MAX_LINE) {
		error_reply(cl, NULL, CTL_E_LINE_TOO_LONG, "request longer "
		    "than 4 MiB; split it into several requests");
		cl->eof = true;
	}
	if (cl->eof || whole || client_owes_much(cl) || client_in_job(cl))
		ev_io_stop(loop, &cl->rio);
	else if (!ev_is_active(&cl->rio))
		ev_io_start(loop, &cl->rio);
}

/* Its replies have waited CTL_STALL_SECS without a byte read. */
static void client_stall_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ctl_client *cl = w->data;
	char why[128];

	snprintf(why, sizeof(why), "it has read none of its replies for "
	    "%.0f s (%zu bytes waiting)", CTL_STALL_SECS,
	    buf_used(&cl->out));
	client_close(cl, why);
}

static void client_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_client *cl = w->data;

	while (buf_used(&cl->out) > 0) {
		ssize_t n = send(cl->fd, buf_data(&cl->out),
		    buf_used(&cl->out), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			client_close(cl, NULL);
			return;
		}
		buf_consume(&cl->out, (size_t)n);
		ev_timer_again(loop, &cl->stall);	/* it reads */
	}
	ev_io_stop(loop, &cl->wio);
	ev_timer_stop(loop, &cl->stall);
	if (cl->eof) {
		client_close(cl, NULL);
		return;
	}
	/* Requests that waited for this. */
	client_lines(cl);
}

static void client_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_client *cl = w->data;
	char tmp[65536];

	ssize_t n = recv(cl->fd, tmp, sizeof(tmp), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (n <= 0) {
		/* Answer what was asked, then close. */
		cl->eof = true;
		ev_io_stop(loop, &cl->rio);
		if (cl->nheld == 0 && buf_used(&cl->out) == 0)
			client_close(cl, NULL);
		return;
	}
	if (!buf_append(&cl->in, tmp, (size_t)n)) {
		client_close(cl, "out of memory");
		return;
	}
	client_lines(cl);
}

/*
 * One reply line for a connection beyond max-clients, then close it.  It
 * is sent before the client's request is read: the kernel keeps it for
 * the client whatever the client writes meanwhile.
 */
static void refuse_busy(struct lbbgpd *d, const struct ctl_listener *l,
    int fd)
{
	struct ucred cred = { .pid = -1, .uid = (uid_t)-1 };
	socklen_t clen = sizeof(cred);
	unsigned max = d->conf->max_clients, suppressed = 0;
	char line[384];

	int n = snprintf(line, sizeof(line), "{\"ok\":false,\"code\":\"%s\","
	    "\"error\":\"lbbgpd already has %zu control connections open, "
	    "its max-clients %u; try again later, or raise max-clients in "
	    "lbbgp.conf\"}\n", ctl_code_name(CTL_E_BUSY), d->nctl_clients,
	    max);
	if (n > 0 && (size_t)n < sizeof(line))
		(void)!send(fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (log_limit_ok(&d->ctl_busy_log, now_mono(), &suppressed)) {
		getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen);
		log_warnx("control: refused a connection from uid %d pid %d on "
		    "%s: max-clients %u connections are open%s", (int)cred.uid,
		    (int)cred.pid, l->path, max, suppressed ?
		    " (and more refusals not logged)" : "");
	}
	close(fd);
}

void ctl_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_listener *l = w->data;
	struct lbbgpd *d = l->d;

	for (;;) {
		int fd = net_accept(l->fd, NULL, "control: accept");
		if (fd < 0)
			return;
		/* d->conf, not a copy: a reload may change max-clients. */
		if (d->nctl_clients >= d->conf->max_clients) {
			refuse_busy(d, l, fd);
			continue;
		}
		struct ctl_client *cl = calloc(1, sizeof(*cl));
		if (cl == NULL) {
			close(fd);
			continue;
		}
		struct ucred cred = { .pid = -1, .uid = (uid_t)-1 };
		socklen_t clen = sizeof(cred);
		getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen);
		cl->d = d;
		cl->fd = fd;
		cl->restricted = l->restricted;
		cl->from = l;
		cl->uid = cred.uid;
		cl->pid = cred.pid;
		ev_io_init(&cl->rio, client_read_cb, fd, EV_READ);
		ev_io_init(&cl->wio, client_write_cb, fd, EV_WRITE);
		ev_init(&cl->stall, client_stall_cb);
		cl->stall.repeat = CTL_STALL_SECS;
		cl->rio.data = cl->wio.data = cl->stall.data = cl;
		ev_io_start(loop, &cl->rio);
		cl->next = d->ctl_clients;
		d->ctl_clients = cl;
		d->nctl_clients++;
	}
}

static void client_close(struct ctl_client *cl, const char *why)
{
	struct lbbgpd *d = cl->d;

	if (why)
		log_warnx("control: closing client pid %d: %s", (int)cl->pid,
		    why);
	log_writes(cl);	/* what it asked for, even if never answered */
	ev_io_stop(d->loop, &cl->rio);
	ev_io_stop(d->loop, &cl->wio);
	ev_timer_stop(d->loop, &cl->stall);
	close(cl->fd);
	/* Its job goes on (a batch is done whole or not at all); the
	 * reply has no one to go to. */
	if (d->ctl_run != NULL && d->ctl_run->cl == cl)
		d->ctl_run->cl = NULL;
	for (struct ctl_client **pp = &d->ctl_clients; *pp; pp = &(*pp)->next)
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	d->nctl_clients--;
	while (cl->held != NULL) {
		struct ctl_held *h = cl->held;
		cl->held = h->next;
		json_object_put(h->reply);
		free(h->text);
		free(h);
	}
	buf_free(&cl->in);
	buf_free(&cl->out);
	free(cl);
}

/* A change that is in effect but not on disk must not read as done. */
static void mark_unsaved(json_object *reply)
{
	json_object *ok;

	if (!json_object_object_get_ex(reply, "ok", &ok) ||
	    !json_object_get_boolean(ok))
		return;
	ctl_fail(reply, CTL_E_STATE_WRITE_FAILED, "the change is in effect but "
	    "could not be written to the state file, so it would not survive "
	    "a restart; lbbgpd logs why (disk full? permissions?) and retries "
	    "with the next change");
}

/* One line per client and round: who changed what, from SO_PEERCRED. */
static void log_writes(struct ctl_client *cl)
{
	char line[512];
	size_t off = 0;

	for (size_t i = 0; i < 16 && ctl_cmds[i].name != NULL; i++) {
		if (cl->writes[i] == 0)
			continue;
		int n = cl->writes[i] == 1 ?
		    snprintf(line + off, sizeof(line) - off, "%s%s",
		    off ? ", " : "", ctl_cmds[i].name) :
		    snprintf(line + off, sizeof(line) - off, "%s%s x %u",
		    off ? ", " : "", ctl_cmds[i].name, cl->writes[i]);
		if (n > 0 && (size_t)n < sizeof(line) - off)
			off += (size_t)n;
		cl->writes[i] = 0;
	}
	if (off > 0)
		log_info("control: %s from uid %d pid %d", line, (int)cl->uid,
		    (int)cl->pid);
}

void ctl_flush(struct lbbgpd *d, bool committed)
{
	struct ctl_client *cl, *next;

	if (!d->ctl_pending)
		return;
	d->ctl_pending = false;
	for (cl = d->ctl_clients; cl; cl = next) {
		next = cl->next;
		if (cl->failed) {
			client_close(cl, "out of memory");
			continue;
		}
		log_writes(cl);
		if (cl->nheld == 0)
			continue;
		while (cl->held != NULL) {
			struct ctl_held *h = cl->held;
			if (h->reply != NULL) {
				size_t len;
				if (!committed)
					mark_unsaved(h->reply);
				metrics_count_reply(d, h->cmd, h->reply);
				const char *s = json_object_to_json_string_length(
				    h->reply, JSON_C_TO_STRING_PLAIN |
				    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
				if (!buf_append(&cl->out, s, len) ||
				    !buf_append(&cl->out, "\n", 1))
					cl->failed = true;
			} else if (!buf_append(&cl->out, h->text, h->len)) {
				cl->failed = true;
			}
			cl->held = h->next;
			json_object_put(h->reply);
			free(h->text);
			free(h);
		}
		cl->nheld = 0;
		cl->held_bytes = 0;
		if (cl->failed) {
			client_close(cl, "out of memory");
			continue;
		}
		/* Whatever its size: a client may owe one big reply.  The
		 * time to read it from starts now, not when this round of the
		 * loop began (a show of a million VIPs takes seconds). */
		if (!ev_is_active(&cl->stall)) {
			ev_now_update(d->loop);
			ev_timer_again(d->loop, &cl->stall);
		}
		ev_io_start(d->loop, &cl->wio);
	}
}

void ctl_close_all(struct lbbgpd *d)
{
	job_end(d);
	while (d->ctl_clients)
		client_close(d->ctl_clients, NULL);
	ctl_close_listeners(d);
}

/* ---- requests done in slices ------------------------------------------- */

bool ctl_job_running(const struct lbbgpd *d)
{
	return d->ctl_run != NULL;
}

void ctl_job_wake(struct lbbgpd *d)
{
	if (d->ctl_run == NULL)
		return;
	ev_prepare_start(d->loop, &d->ctl_run->slicer);
	ev_idle_start(d->loop, &d->ctl_run->spin);
}

/* The job is done (or lbbgpd stops): free it; no reply. */
static void job_end(struct lbbgpd *d)
{
	struct ctl_run *run = d->ctl_run;

	if (run == NULL)
		return;
	d->ctl_run = NULL;
	ev_prepare_stop(d->loop, &run->slicer);
	ev_idle_stop(d->loop, &run->spin);
	run->job->free(run->job);
	json_object_put(run->r.req);
	json_object_put(run->r.reply);
	free(run);
}

/* Requests that waited for a job: their turn now, in client order. */
static void job_resume(struct lbbgpd *d)
{
	struct ctl_client *cl, *next;

	for (cl = d->ctl_clients; cl != NULL && d->ctl_run == NULL;
	    cl = next) {
		next = cl->next;
		if (cl->deferred)
			client_lines(cl);
	}
	if (d->ctl_run == NULL && d->reload_deferred) {
		d->reload_deferred = false;
		reload_signal(d);
	}
}

static void spin_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	/* Only there so that the loop polls without waiting. */
}

static void slicer_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct ctl_run *run = w->data;
	struct lbbgpd *d = run->d;

	/* The turn that read and parsed the request had its share. */
	if (!run->started) {
		run->started = true;
		return;
	}
	/* The batch is touched in the state file when it is done: a
	 * crash before leaves (almost) none of it on disk. */
	double t0 = now_mono();
	enum ctl_step st;
	do
		st = run->job->step(run->job, &run->r);
	while (st == CTL_STEP_MORE && now_mono() - t0 < CTL_SLICE_SECS);
	if (st == CTL_STEP_WAIT) {
		ev_prepare_stop(loop, &run->slicer);
		ev_idle_stop(loop, &run->spin);
		return;
	}
	if (st == CTL_STEP_MORE)
		return;
	if (run->cl != NULL) {
		reply_json(run->cl, run->r.reply, run->cmd->name,
		    run->cmd->write);
		run->cl->deferred = true;	/* its next requests */
	}
	job_end(d);
	job_resume(d);
}

/* r->job was set by cmd: run it in slices; the job takes r's reply. */
static void job_start(struct ctl_client *cl, const struct ctl_cmd *c,
    struct ctl_req *r)
{
	struct lbbgpd *d = cl->d;
	struct ctl_run *run = calloc(1, sizeof(*run));

	if (run == NULL) {
		r->job->free(r->job);
		ctl_fail(r->reply, CTL_E_NOMEM, "out of memory");
		reply_json(cl, r->reply, c->name, c->write);
		return;
	}
	run->d = d;
	run->job = r->job;
	run->r = *r;
	run->r.job = NULL;
	json_object_get(run->r.req);
	json_object_get(run->r.reply);
	run->cmd = c;
	run->cl = cl;
	/* Before the reaper's prepare (priority 0): a slice's routes are
	 * pumped, and the reply of the last one committed and sent, in the
	 * same turn (after it, the loop would sleep with the reply held). */
	ev_prepare_init(&run->slicer, slicer_cb);
	ev_set_priority(&run->slicer, EV_MAXPRI);
	run->slicer.data = run;
	ev_idle_init(&run->spin, spin_cb);
	ev_prepare_start(d->loop, &run->slicer);
	ev_idle_start(d->loop, &run->spin);
	d->ctl_run = run;
}
