/*
 * fuzz_control.c - libFuzzer harness: the control protocol, from the
 * bytes a client writes to the replies it reads.
 *
 * A small lbbgpd (fixture.h) with pools, advertisements, a static VIP
 * and two neighbors, one of them Established with routes received, so
 * show-rib, show-neighbors and neighbor ... refresh have something to
 * work on.  The client connects to a real (abstract) Unix socket;
 * ctl_accept_cb() takes it as it takes bgpctl, and the request lines go
 * through control.c's reader and dispatcher into cmd.c's handlers and
 * reload.c, with the replies released by ctl_flush() as lbbgpd's loop
 * does.
 *
 * Input: one flags byte, then what the client sends (it then closes its
 * side and reads every reply).  Flags bit 0: the client is on the
 * restricted (read-only) socket; bits 1-2: the file "reload" reads (the
 * same config, a changed one, a broken one, one that resets a session).
 * Checks: one reply per request line, each a JSON object in valid UTF-8
 * with an "ok" boolean and, when false, a "code" and an "error"; the
 * restricted socket changes nothing; leaks and crashes as always.
 */
#include "tests/fuzz/fixture.h"
#include "tests/fuzz/fuzz.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bgpd/control/control.h"

#define POOLS \
	"pool general-pool {\n addresses 192.168.1.240-192.168.1.249\n}\n" \
	"pool istio-pool {\n addresses 192.168.1.250-192.168.1.254\n" \
	" auto-assign no\n}\n" \
	"pool v6-pool {\n addresses 2001:db8:5::/120\n" \
	" avoid-buggy-ips yes\n}\n"
#define BIRD \
	"neighbor bird {\n address 127.0.3.2\n remote-as 64512\n" \
	" passive yes\n graceful-restart yes\n max-prefix 100 restart 1\n" \
	" next-hop 192.0.2.1\n next-hop-v6 2001:db8::1\n"
#define VIP "vip 192.168.1.250 pool istio-pool owner " \
	"istio-system/istio-ingressgateway\n"

static const char start_conf[] =
	"router-id 10.0.3.1\nlocal-as 64513\n" POOLS
	"pool batch-pool {\n addresses 10.64.0.0/16\n}\n"
	BIRD "}\n"
	"neighbor gobgp {\n address 127.0.3.3\n remote-as 64512\n"
	" passive yes\n next-hop 203.0.113.254\n}\n"
	"advertisement lb-adv {\n pools general-pool istio-pool\n"
	" communities 64512:100\n}\n"
	"advertisement batch-adv {\n pools batch-pool v6-pool\n"
	" communities 64512:200 large:64512:1:2\n aggregation-length 24\n}\n"
	VIP;

/* What "reload" finds in the file: by bits 1-2 of the flags byte. */
static const char *const reload_confs[] = {
	start_conf,
	/* gobgp and batch-pool go, frr comes, communities change. */
	"router-id 10.0.3.1\nlocal-as 64513\n" POOLS BIRD "}\n"
	"neighbor frr {\n address 127.0.3.4\n remote-as 64514\n"
	" passive yes\n next-hop 192.0.2.9\n}\n"
	"advertisement lb-adv {\n communities 64512:101 no-export\n"
	" local-pref 50\n}\n" VIP,
	/* Broken: every error reported, nothing changes. */
	"router-id 10.0.3.1\nlocal-as 64513\n" POOLS BIRD
	"hold-time 1\n}\nneighbor {\n",
	/* bird's session parameters change: it starts again. */
	"router-id 10.0.3.1\nlocal-as 64513\n" POOLS
	"pool batch-pool {\n addresses 10.64.0.0/16\n}\n"
	BIRD " hold-time 30\n}\n"
	"neighbor gobgp {\n address 127.0.3.3\n remote-as 64512\n"
	" passive yes\n shutdown yes\n}\n"
	"advertisement batch-adv {\n pools batch-pool\n}\n" VIP,
};
#define NRELOAD (sizeof(reload_confs) / sizeof(reload_confs[0]))

static char dir[64];
static char files[NRELOAD][96];
static struct ctl_listener listeners[2];	/* main, restricted */

static void cleanup(void)
{
	for (size_t i = 0; i < NRELOAD; i++)
		unlink(files[i]);
	rmdir(dir);
	for (int i = 0; i < 2; i++)
		close(listeners[i].fd);
}

static void setup(void)
{
	fx_init();
	snprintf(dir, sizeof(dir), "/tmp/lbbgp-fuzz-control.XXXXXX");
	FZ_CHECK(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	for (size_t i = 0; i < NRELOAD; i++) {
		snprintf(files[i], sizeof(files[i]), "%s/reload%zu.conf", dir,
		    i);
		FILE *fp = fopen(files[i], "w");
		FZ_CHECK(fp != NULL && fputs(reload_confs[i], fp) >= 0 &&
		    fclose(fp) == 0, "writing %s", files[i]);
	}
	for (int i = 0; i < 2; i++) {
		struct ctl_listener *l = &listeners[i];
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		/* Abstract: no file, gone with the process. */
		int n = snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1,
		    "lbbgp-fuzz-%d-%d", (int)getpid(), i);
		l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		FZ_CHECK(l->fd >= 0 && bind(l->fd, (struct sockaddr *)&sa,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
		    (size_t)n)) == 0 && listen(l->fd, 8) == 0, "listener: %s",
		    strerror(errno));
		l->restricted = i == 1;
		l->main = i == 0;
		l->path = i == 0 ? "@lbbgp-fuzz-main" : "@lbbgp-fuzz-ro";
		l->io.data = l;
	}
	atexit(cleanup);
}

/* bird is Established and has sent two routes; gobgp waits. */
static struct fx *daemon_up(unsigned reload)
{
	struct fx *f = fx_new(start_conf, files[reload]);
	static const uint8_t update[] = {
		0x00, 0x00, 0x00, 0x1b,
		0x40, 0x01, 0x01, 0x00,
		0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfc, 0x00,
		0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x02,
		0xc0, 0x08, 0x04, 0xfc, 0x00, 0x00, 0x07,
		0x18, 0xc6, 0x33, 0x64, 0x20, 0xcb, 0x00, 0x71, 0x05,
	};
	uint8_t buf[BGP_MAX_LEN];

	if (!fx_connect(f, 0))
		return f;
	size_t n = fx_open(buf, sizeof(buf), &f->d.conf->neighbors[0],
	    0xff, 0x32);
	n += bgp_keepalive_encode(buf + n, sizeof(buf) - n);
	n += fz_wrap(buf + n, BGP_MSG_UPDATE, update, sizeof(update));
	fx_send(f, 0, buf, n);
	return f;
}

/* Request lines as control.c counts them: non-empty, newline-ended. */
static size_t count_lines(const uint8_t *p, size_t len)
{
	size_t n = 0, start = 0;

	for (size_t i = 0; i < len; i++) {
		if (p[i] != '\n')
			continue;
		size_t l = i - start;
		if (l > 0 && p[i - 1] == '\r')
			l--;
		n += l > 0;
		start = i + 1;
	}
	return n;
}

static void check_reply(const char *line, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o, *ok, *code, *err;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, line, (int)len);
	FZ_CHECK(o != NULL && json_tokener_get_error(tok) ==
	    json_tokener_success && (size_t)tok->char_offset == len,
	    "reply is not one JSON value in valid UTF-8: %.*s", (int)len,
	    line);
	json_tokener_free(tok);
	FZ_CHECK(json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, "ok", &ok) &&
	    json_object_is_type(ok, json_type_boolean), "reply without "
	    "\"ok\": %.*s", (int)len, line);
	if (!json_object_get_boolean(ok)) {
		FZ_CHECK(json_object_object_get_ex(o, "code", &code) &&
		    json_object_is_type(code, json_type_string) &&
		    json_object_object_get_ex(o, "error", &err) &&
		    json_object_is_type(err, json_type_string) &&
		    json_object_get_string_len(err) > 0, "failure without a "
		    "code and an error: %.*s", (int)len, line);
	}
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static char *out;
	static size_t cap;

	if (!ready) {
		setup();
		ready = true;
	}
	if (size < 1)
		return 0;
	bool restricted = data[0] & 1;
	struct fx *f = daemon_up((data[0] >> 1) % NRELOAD);
	struct lbbgpd *d = &f->d;
	struct ctl_listener *l = &listeners[restricted];
	const struct conf *conf_before = d->conf;
	size_t vips_before = rib_vip_count(d->rib);

	/* bgpctl connects; lbbgpd accepts. */
	struct sockaddr_un sa;
	socklen_t salen = sizeof(sa);
	FZ_CHECK(getsockname(l->fd, (struct sockaddr *)&sa, &salen) == 0,
	    "getsockname");
	int cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	FZ_CHECK(cfd >= 0 && connect(cfd, (struct sockaddr *)&sa, salen) == 0,
	    "connect: %s", strerror(errno));
	l->d = d;
	ctl_accept_cb(d->loop, &l->io, EV_READ);
	FZ_CHECK(d->nctl_clients == 1, "client not accepted");

	/* It writes its requests, closes its side and reads the replies. */
	const uint8_t *req = data + 1;
	size_t left = size - 1, got = 0;
	bool eof = false, shut = false;
	for (int idle = 0; !eof && idle < 16;) {
		bool moved = false;
		if (left > 0) {
			ssize_t n = send(cfd, req, left, MSG_DONTWAIT |
			    MSG_NOSIGNAL);
			if (n > 0) {
				req += n;
				left -= (size_t)n;
				moved = true;
			}
		} else if (!shut) {
			shutdown(cfd, SHUT_WR);
			shut = true;
		}
		fx_settle(f);
		for (;;) {
			if (cap - got < 65536) {
				cap = cap ? 2 * cap : 1 << 20;
				out = realloc(out, cap);
				FZ_CHECK(out != NULL, "out of memory");
			}
			ssize_t n = recv(cfd, out + got, cap - got, MSG_DONTWAIT);
			if (n > 0) {
				got += (size_t)n;
				moved = true;
				continue;
			}
			eof = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
			break;
		}
		idle = moved ? 0 : idle + 1;
	}
	close(cfd);
	fx_settle(f);
	FZ_CHECK(eof, "lbbgpd did not close the connection after the last "
	    "reply");

	size_t want = count_lines(data + 1, size - 1), nrep = 0;
	for (size_t off = 0; off < got;) {
		char *nl = memchr(out + off, '\n', got - off);
		FZ_CHECK(nl != NULL, "reply without its newline");
		check_reply(out + off, (size_t)(nl - (out + off)));
		off = (size_t)(nl - out) + 1;
		nrep++;
	}
	FZ_CHECK(nrep == want, "%zu replies to %zu requests", nrep, want);
	if (restricted)
		FZ_CHECK(d->conf == conf_before && rib_vip_count(d->rib) ==
		    vips_before, "a request on the read-only socket changed "
		    "something");
	FZ_CHECK(d->nctl_clients == 0, "client still open");
	fx_free(f);
	return 0;
}
