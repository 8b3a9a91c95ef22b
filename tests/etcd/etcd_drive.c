/*
 * etcd_drive.c - drives bgpd/fleet/etcd.c against a real etcd for
 * tests/integration/etcd.sh: each argument is one command, run on a libev
 * loop to its end, with one line of result each (and one per key), for
 * the script to check.  Test code: it decides nothing, it prints.
 *
 * Usage: etcd_drive [-e URL,URL...] [-t TIMEOUT_MS] [-p PAGE]
 *        [-a CA -c CERT -k KEY] CMD...
 *   put KEY VALUE [LEASE]     ok put rev=N
 *   get KEY                   ok range n=N rev=N; kv KEY=VALUE c= m= v= l=
 *   prefix PREFIX [REV]       the same, every page ("page n=N more=1")
 *   count PREFIX              ok count n=N pages=P rev=N
 *   del KEY                   ok delete deleted=N rev=N
 *   create KEY VALUE [LEASE]  ok txn succeeded=0|1 rev=N (create_revision 0)
 *   cas KEY MODREV VALUE      ok txn succeeded=0|1 ... (mod_revision == MODREV)
 *   fill PREFIX N             N keys in txns of 100 puts: ok fill n=N rev=N
 *   grant TTL                 ok lease id=ID ttl=TTL
 *   keepalive ID / revoke ID  ok lease ttl=N / ok revoke
 *   status                    ok status leader=0|1 term=N
 *   bench N                   N create txns: ok bench n=N avg_ms=X max_ms=X
 *   watch PREFIX REV SECS [N] the stream's reports for SECS or N events
 *   sleep MS
 * An error prints "err KIND MESSAGE (maybe-applied)"; every line of a
 * request ends with its time "(T ms)".  Exit 0 unless the arguments are
 * wrong.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "bgpd/fleet/etcd.h"

static struct ev_loop *loop;
static struct etcd *etcd;
static double t0;		/* the current command's start */
static bool busy;		/* the current command is not over */
static long watch_max;		/* events until the watch stops */
static long watch_seen;
static struct etcd_watch *watch;
static unsigned pages;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double ms(void)
{
	return (now() - t0) * 1000.0;
}

static void done(void)
{
	busy = false;
	ev_break(loop, EVBREAK_ONE);
}

/* "err KIND MSG" for a failed reply; true if it failed. */
static bool failed(const struct etcd_reply *r)
{
	if (r->err == ETCD_OK)
		return false;
	printf("err %s %s%s (%.0f ms)\n", etcd_err_name(r->err), r->msg,
	    r->maybe_applied ? " (maybe-applied)" : "", ms());
	return true;
}

static void print_kv(const struct etcd_kv *kv)
{
	printf("kv %s=%s c=%" PRId64 " m=%" PRId64 " v=%" PRId64 " l=%"
	    PRId64 "\n", kv->key, kv->value, kv->create_rev, kv->mod_rev,
	    kv->version, kv->lease);
}

static void on_plain(void *arg, const struct etcd_reply *r)
{
	const char *what = arg;

	if (!failed(r))
		printf("ok %s rev=%" PRId64 " (%.0f ms)\n", what, r->rev, ms());
	done();
}

static void on_range(void *arg, const struct etcd_reply *r)
{
	bool quiet = arg != NULL;

	pages++;
	if (failed(r)) {
		done();
		return;
	}
	if (!quiet) {
		for (size_t i = 0; i < r->nkvs; i++)
			print_kv(&r->kvs[i]);
		printf("page n=%zu more=%d\n", r->nkvs, r->more);
	}
	watch_seen += (long)r->nkvs;
	if (r->more)
		return;
	if (quiet)
		printf("ok count n=%ld pages=%u rev=%" PRId64 " (%.0f ms)\n",
		    watch_seen, pages, r->rev, ms());
	else
		printf("ok range n=%ld rev=%" PRId64 " (%.0f ms)\n",
		    watch_seen, r->rev, ms());
	done();
}

static void on_delete(void *arg, const struct etcd_reply *r)
{
	if (!failed(r))
		printf("ok delete deleted=%" PRId64 " rev=%" PRId64
		    " (%.0f ms)\n", r->deleted, r->rev, ms());
	done();
}

static void on_txn(void *arg, const struct etcd_reply *r)
{
	if (!failed(r)) {
		printf("ok txn succeeded=%d rev=%" PRId64 " (%.0f ms)\n",
		    r->succeeded, r->rev, ms());
		for (size_t i = 0; i < r->nops; i++)
			for (size_t j = 0; j < r->ops[i].nkvs; j++)
				print_kv(&r->ops[i].kvs[j]);
	}
	done();
}

static void on_lease(void *arg, const struct etcd_reply *r)
{
	if (!failed(r))
		printf("ok lease id=%" PRId64 " ttl=%" PRId64 " (%.0f ms)\n",
		    r->lease_id, r->ttl, ms());
	done();
}

static void on_status(void *arg, const struct etcd_reply *r)
{
	if (!failed(r))
		printf("ok status leader=%d term=%" PRIu64 " (%.0f ms)\n",
		    r->leader != 0, r->raft_term, ms());
	done();
}

static const char *const watch_kinds[] = {
	[ETCD_WATCH_STARTED] = "started",
	[ETCD_WATCH_EVENTS] = "events",
	[ETCD_WATCH_PROGRESS] = "progress",
	[ETCD_WATCH_LOST] = "lost",
	[ETCD_WATCH_ENDED] = "ended",
};

static void on_watch(void *arg, const struct etcd_watch_update *u)
{
	printf("watch %s err=%s rev=%" PRId64 " next=%" PRId64, watch_kinds[
	    u->kind], etcd_err_name(u->err), u->rev, u->next_rev);
	if (u->kind == ETCD_WATCH_ENDED)
		printf(" compact=%" PRId64, u->compact_rev);
	if (u->kind == ETCD_WATCH_STARTED)
		printf(" outage=%.1f", u->outage);
	if (*u->msg != '\0')
		printf(" msg=%s", u->msg);
	printf(" (%.0f ms)\n", ms());
	for (size_t i = 0; i < u->nevents; i++) {
		const struct etcd_event *ev = &u->events[i];

		printf("event %s %s=%s m=%" PRId64 " prev=%" PRId64 "\n",
		    ev->type == ETCD_EV_PUT ? "put" : "delete", ev->kv.key,
		    ev->kv.value, ev->kv.mod_rev, ev->prev != NULL ?
		    ev->prev->mod_rev : 0);
	}
	fflush(stdout);
	watch_seen += (long)u->nevents;
	if (u->kind == ETCD_WATCH_ENDED) {
		watch = NULL;
		done();
	} else if (watch_max > 0 && watch_seen >= watch_max) {
		etcd_watch_cancel(watch);
		watch = NULL;
		done();
	}
}

/* ---- bench and fill: a chain of requests ------------------------------ */

static long chain_left, chain_n;
static double chain_max, chain_start;
static const char *chain_prefix;
static int64_t chain_rev;

static void bench_next(void);

static void on_bench(void *arg, const struct etcd_reply *r)
{
	double t = (now() - chain_start) * 1000.0;

	if (failed(r)) {
		done();
		return;
	}
	if (t > chain_max)
		chain_max = t;
	if (--chain_left > 0) {
		bench_next();
		return;
	}
	printf("ok bench n=%ld avg_ms=%.2f max_ms=%.2f\n", chain_n,
	    ms() / (double)chain_n, chain_max);
	done();
}

static void bench_next(void)
{
	char key[128];
	struct etcd_cmp c = { .key = key, .target = ETCD_CMP_CREATE };
	struct etcd_op op = { .kind = ETCD_OP_PUT, .key = key,
	    .value = "x", .value_len = 1 };

	snprintf(key, sizeof(key), "%s%ld", chain_prefix, chain_left);
	chain_start = now();
	if (!etcd_txn(etcd, &c, 1, &op, 1, NULL, 0, on_bench, NULL)) {
		printf("err request not sent\n");
		done();
	}
}

#define FILL_BATCH	100

static void fill_next(void);

static void on_fill(void *arg, const struct etcd_reply *r)
{
	if (failed(r)) {
		done();
		return;
	}
	chain_rev = r->rev;
	if (chain_left > 0) {
		fill_next();
		return;
	}
	printf("ok fill n=%ld rev=%" PRId64 " (%.0f ms)\n", chain_n,
	    chain_rev, ms());
	done();
}

static void fill_next(void)
{
	static char keys[FILL_BATCH][96], vals[FILL_BATCH][96];
	struct etcd_op ops[FILL_BATCH];
	size_t n = 0;

	for (; n < FILL_BATCH && chain_left > 0; n++, chain_left--) {
		snprintf(keys[n], sizeof(keys[n]), "%s%08ld", chain_prefix,
		    chain_left);
		snprintf(vals[n], sizeof(vals[n]), "{\"vip\":\"10.%ld.%ld.%ld\","
		    "\"pool\":\"p\"}", chain_left >> 16 & 255,
		    chain_left >> 8 & 255, chain_left & 255);
		ops[n] = (struct etcd_op){ .kind = ETCD_OP_PUT,
		    .key = keys[n], .value = vals[n],
		    .value_len = strlen(vals[n]) };
	}
	if (!etcd_txn(etcd, NULL, 0, ops, n, NULL, 0, on_fill, NULL)) {
		printf("err request not sent\n");
		done();
	}
}

/* ---- commands -------------------------------------------------------------- */

static void sleep_cb(struct ev_loop *l, ev_timer *t, int revents)
{
	done();
}

static int64_t num(const char *s)
{
	return s != NULL ? strtoll(s, NULL, 10) : 0;
}

static char prefix_end[512];

static const char *end_of(const char *prefix)
{
	if (!etcd_prefix_end(prefix, prefix_end, sizeof(prefix_end)))
		return NULL;
	return prefix_end;
}

/* Start cmd (its words in w, n of them); false if it is unknown. */
static bool start(char **w, int n)
{
	static ev_timer sleeper;
	const char *c = w[0];
	bool sent = true;

	watch_seen = 0;
	pages = 0;
	if (strcmp(c, "put") == 0 && n >= 3) {
		sent = etcd_put(etcd, w[1], w[2], strlen(w[2]), num(w[3]),
		    on_plain, "put");
	} else if (strcmp(c, "get") == 0 && n == 2) {
		sent = etcd_range(etcd, w[1], NULL, 0, on_range, NULL);
	} else if (strcmp(c, "prefix") == 0 && n >= 2) {
		sent = etcd_range(etcd, w[1], end_of(w[1]), num(w[2]),
		    on_range, NULL);
	} else if (strcmp(c, "count") == 0 && n == 2) {
		sent = etcd_range(etcd, w[1], end_of(w[1]), 0, on_range, "q");
	} else if (strcmp(c, "del") == 0 && n == 2) {
		sent = etcd_delete(etcd, w[1], NULL, on_delete, NULL);
	} else if ((strcmp(c, "create") == 0 && n >= 3) ||
	    (strcmp(c, "cas") == 0 && n == 4)) {
		bool create = c[1] == 'r';
		struct etcd_cmp cmp = { .key = w[1], .target = create ?
		    ETCD_CMP_CREATE : ETCD_CMP_MOD, .num = create ? 0 :
		    num(w[2]) };
		const char *v = create ? w[2] : w[3];
		struct etcd_op put = { .kind = ETCD_OP_PUT, .key = w[1],
		    .value = v, .value_len = strlen(v), .lease = create ?
		    num(w[3]) : 0 };
		struct etcd_op get = { .kind = ETCD_OP_RANGE, .key = w[1] };

		sent = etcd_txn(etcd, &cmp, 1, &put, 1, &get, 1, on_txn, NULL);
	} else if (strcmp(c, "fill") == 0 && n == 3) {
		chain_prefix = w[1];
		chain_n = chain_left = (long)num(w[2]);
		fill_next();
	} else if (strcmp(c, "grant") == 0 && n == 2) {
		sent = etcd_lease_grant(etcd, num(w[1]), on_lease, NULL);
	} else if (strcmp(c, "keepalive") == 0 && n == 2) {
		sent = etcd_lease_keepalive(etcd, num(w[1]), on_lease, NULL);
	} else if (strcmp(c, "revoke") == 0 && n == 2) {
		sent = etcd_lease_revoke(etcd, num(w[1]), on_plain, "revoke");
	} else if (strcmp(c, "status") == 0 && n == 1) {
		sent = etcd_status(etcd, on_status, NULL);
	} else if (strcmp(c, "bench") == 0 && n == 2) {
		static char pfx[64];

		snprintf(pfx, sizeof(pfx), "/bench/%ld/", (long)getpid());
		chain_prefix = pfx;
		chain_n = chain_left = (long)num(w[1]);
		chain_max = 0;
		bench_next();
	} else if (strcmp(c, "watch") == 0 && n >= 4) {
		watch_max = (long)num(w[4]);
		watch = etcd_watch(etcd, w[1], end_of(w[1]), num(w[2]),
		    on_watch, NULL);
		sent = watch != NULL;
		ev_timer_init(&sleeper, sleep_cb, (double)num(w[3]), 0.);
		ev_timer_start(loop, &sleeper);
	} else if (strcmp(c, "sleep") == 0 && n == 2) {
		ev_timer_init(&sleeper, sleep_cb, (double)num(w[1]) / 1000.0,
		    0.);
		ev_timer_start(loop, &sleeper);
	} else {
		return false;
	}
	if (!sent) {
		printf("err request not sent\n");
		busy = false;
	}
	return true;
}

static void run(char *cmd)
{
	char *w[8] = { 0 };
	int n = 0;

	for (char *s = strtok(cmd, " "); s != NULL && n < 7;
	    s = strtok(NULL, " "))
		w[n++] = s;
	if (n == 0)
		return;
	t0 = now();
	busy = true;
	if (!start(w, n)) {
		fprintf(stderr, "etcd_drive: unknown command: %s\n", w[0]);
		exit(2);
	}
	while (busy)
		ev_run(loop, 0);
	if (watch != NULL) {
		printf("watch stopped after %ld events (%.0f ms)\n",
		    watch_seen, ms());
		etcd_watch_cancel(watch);
		watch = NULL;
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *eps[8];
	struct etcd_tuning tune = { 0 };
	struct etcd_tls tls = { 0 };
	char *urls = strdup("http://127.0.0.1:2379");
	size_t neps = 0;
	int opt;

	while ((opt = getopt(argc, argv, "e:t:p:a:c:k:")) != -1) {
		switch (opt) {
		case 'e':
			free(urls);
			urls = strdup(optarg);
			break;
		case 't':
			tune.timeout_ms = (unsigned)atoi(optarg);
			break;
		case 'p':
			tune.page = (unsigned)atoi(optarg);
			break;
		case 'a':
			tls.ca = optarg;
			break;
		case 'c':
			tls.cert = optarg;
			break;
		case 'k':
			tls.key = optarg;
			break;
		default:
			fprintf(stderr, "usage: etcd_drive [-e URL,...] "
			    "[-t MS] [-p PAGE] [-a CA -c CERT -k KEY] CMD...\n");
			return 2;
		}
	}
	for (char *s = strtok(urls, ","); s != NULL && neps < 8;
	    s = strtok(NULL, ","))
		eps[neps++] = s;
	loop = ev_default_loop(0);
	if ((etcd = etcd_new(loop, eps, neps, &tls)) == NULL) {
		fprintf(stderr, "etcd_drive: etcd_new failed\n");
		return 1;
	}
	etcd_tune(etcd, &tune);
	for (int i = optind; i < argc; i++)
		run(argv[i]);
	etcd_free(etcd);
	free(urls);
	return 0;
}
