/*
 * check_state.c - unit tests for bgpd/state.c: run-time VIPs survive a
 * restart.  Round trips through snapshot and journal, static VIPs kept
 * out, withdrawals, a torn last journal line, corrupt files moved aside
 * (never dropped), orphans kept until the config takes them again,
 * compaction, a failed write that must not tear the journal, and
 * state_open(NULL) doing nothing.
 *
 * Every test works in its own mkdtemp directory under /tmp; "restart"
 * means closing everything and building a new RIB from the config.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bgpd/log.h"
#include "bgpd/state.h"
#include "conf/conf.h"
#include "rib/rib.h"
#include "tests/unit/rib_fixture.h"

/* ---- the directory ------------------------------------------------------ */

static char dir[64];
static char path[128];		/* the state file */
static char jpath[160];		/* its journal */

static void setup(void)
{
	unit_tmpdir(dir, sizeof(dir), "check_state");
	snprintf(path, sizeof(path), "%s/state.json", dir);
	snprintf(jpath, sizeof(jpath), "%s.journal", path);
}

static void teardown(void)
{
	unit_rmtree(dir);
}

static char *slurp(const char *p)
{
	FILE *f = fopen(p, "re");
	char *buf = NULL;
	size_t cap = 0;

	ck_assert_msg(f != NULL, "%s: %s", p, strerror(errno));
	ssize_t n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return strdup("");
	}
	return buf;
}

static void spit(const char *p, const char *text, const char *mode)
{
	FILE *f = fopen(p, mode);
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static off_t size_of(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 ? sb.st_size : -1;
}

static size_t lines_of(const char *p)
{
	char *t = slurp(p);
	size_t n = 0;
	for (char *c = t; *c; c++)
		n += *c == '\n';
	free(t);
	return n;
}

/* Files of the directory whose name starts with prefix; the last one's
 * full path in found. */
static size_t files_like(const char *prefix, char *found, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' ||
		    strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		n++;
		if (found != NULL)
			snprintf(found, size, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	return n;
}

/* stderr (where the log goes) into a file while a test wants to read it. */
static int saved_fd = -1;

static void log_capture(void)
{
	char p[192];
	snprintf(p, sizeof(p), "%s/log", dir);
	fflush(stderr);
	saved_fd = dup(2);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert(saved_fd >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
}

static char *log_release(void)
{
	char p[192];
	snprintf(p, sizeof(p), "%s/log", dir);
	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	char *text = slurp(p);
	unlink(p);
	fputs(text, stderr);	/* still shown with the test output */
	return text;
}

/* ---- configs and the running "daemon" ------------------------------------ */

#define POOLS_P1 \
    "local-as 64513\n" \
    "pool p1 {\n\taddresses 10.0.0.0/24\n}\n" \
    "pool big {\n\taddresses 10.8.0.0/20\n}\n" \
    "pool v6 {\n\taddresses 2001:db8::/120\n}\n"
#define POOL_P2 "pool p2 {\n\taddresses 10.1.0.0/24\n}\n"
#define STATIC "vip 10.0.0.100 pool p1\n"

static const char conf_a[] = POOLS_P1 POOL_P2 STATIC;
static const char conf_no_p2[] = POOLS_P1 STATIC;
static const char conf_no_static[] = POOLS_P1 POOL_P2;
static const char conf_renamed[] = POOLS_P1
    "pool p2new {\n\taddresses 10.1.0.0/24\n}\n" STATIC;

struct world {
	struct conf *c;
	struct rib *r;
	struct state *st;
};

/* Start: config, RIB with the static VIPs, then the state file. */
static void start(struct world *w, const char *text, const char *file)
{
	struct rib_res res = { 0 };

	w->c = conf_ok(text);
	w->r = rib_new(w->c, &res);
	ck_assert_ptr_nonnull(w->r);
	w->st = state_open(file);
	ck_assert_ptr_nonnull(w->st);
	ck_assert(state_load(w->st, w->r));
}

static void stop(struct world *w)
{
	state_close(w->st);
	rib_free(w->r);
	conf_free(w->c);
	memset(w, 0, sizeof(*w));
}

/* "VIP OWNER [key=K] [comm=A,B]" added and touched. */
static void add(struct world *w, const char *req)
{
	char buf[1024], *save = NULL;
	uint32_t comm[8];
	struct vip_req q = { .communities = comm };
	struct rib_res res = { 0 };
	struct prefix a;

	ck_assert_uint_lt(strlen(req), sizeof(buf));
	snprintf(buf, sizeof(buf), "%s", req);
	ck_assert(addr_parse(strtok_r(buf, " ", &save), &a));
	q.owner = strtok_r(NULL, " ", &save);
	for (char *t; (t = strtok_r(NULL, " ", &save)) != NULL;) {
		if (strncmp(t, "key=", 4) == 0) {
			q.sharing_key = t + 4;
			continue;
		}
		ck_assert(strncmp(t, "comm=", 5) == 0);
		char *s2 = NULL;
		for (char *c = strtok_r(t + 5, ",", &s2); c;
		    c = strtok_r(NULL, ",", &s2))
			ck_assert(community_parse(c, &comm[q.ncommunities++]));
	}
	ck_assert_msg(rib_vip_add(w->r, &a, &q, &res), "%s: %s", req,
	    res.msg);
	state_touch(w->st, &a);
}

static void wd(struct world *w, const char *vip, const char *owner)
{
	struct prefix a;
	struct rib_res res = { 0 };

	ck_assert(addr_parse(vip, &a));
	ck_assert_msg(rib_vip_withdraw(w->r, &a, owner, &res), "%s", res.msg);
	state_touch(w->st, &a);
}

static void commit(struct world *w)
{
	ck_assert(state_dirty(w->st));
	ck_assert(state_commit(w->st, w->r));
	ck_assert(!state_dirty(w->st));
}

/* Every VIP with its pool, owners, keys and communities, sorted. */
static char *dump(const struct rib *r)
{
	const struct conf *c = rib_conf(r);
	size_t n = rib_vip_count(r), len = 0;
	char **lines = calloc(n + 1, sizeof(*lines)), *out;
	char a[PREFIX_STRLEN];

	ck_assert_ptr_nonnull(lines);
	const struct vip *v = NULL;
	for (size_t i = 0; i < n; i++) {
		v = rib_vip_next(r, v);
		ck_assert_ptr_nonnull(v);
		FILE *f = open_memstream(&lines[i], &len);
		fprintf(f, "%s pool=%s", addr_fmt(&v->addr, a, sizeof(a)),
		    c->pools[v->pool].name);
		owners_fprint(f, v);
		fclose(f);
	}
	if (n > 0)
		qsort(lines, n, sizeof(*lines), cmp_str);
	FILE *f = open_memstream(&out, &len);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s\n", lines[i]);
		free(lines[i]);
	}
	fclose(f);
	free(lines);
	return out;
}

/* The snapshot: a header line, then one record per line; records of
 * live VIPs and orphaned ones counted. */
static void snapshot_counts(size_t *vips, size_t *orphans)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0, no = 0;
	ssize_t n;

	ck_assert_ptr_nonnull(f);
	*vips = *orphans = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		json_object *o = json_tokener_parse(line);
		ck_assert(line[n - 1] == '\n');
		ck_assert_msg(o != NULL && json_object_is_type(o,
		    json_type_object), "snapshot line %zu: %s", no + 1, line);
		if (no++ == 0)
			ck_assert(json_object_object_get_ex(o, "lbbgp-state",
			    NULL));
		else if (json_object_object_get_ex(o, "orphaned", NULL))
			(*orphans)++;
		else
			(*vips)++;
		json_object_put(o);
	}
	free(line);
	fclose(f);
	ck_assert_uint_ge(no, 1);
}

/* The RIB holds exactly want (dump's lines). */
static void dump_is(const struct world *w, const char *want)
{
	char *d = dump(w->r);

	ck_assert_str_eq(d, want);
	free(d);
}

/* The config, the state before a stop, and the state after a start. */
static void restart_same(struct world *w, const char *text)
{
	char *before = dump(w->r);
	stop(w);
	start(w, text, path);
	char *after = dump(w->r);
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}

/* ---- tests -------------------------------------------------------------- */

START_TEST(round_trip)
{
	struct world w;

	start(&w, conf_a, path);
	ck_assert_uint_eq(size_of(jpath), 0);
	add(&w, "10.0.0.1 default/web");
	add(&w, "10.0.0.2 istio/gw key=gw comm=64512:1,no-export");
	add(&w, "10.0.0.2 istio/gw2 key=gw comm=64512:2");
	add(&w, "10.1.0.5 team\"q\"\\x comm=blackhole,0:1,65535:65535");
	add(&w, "2001:db8::5 v6/svc key=k6 comm=64512:6");
	add(&w, "10.0.0.1 default/web comm=1:1");	/* replaces */
	commit(&w);
	ck_assert_uint_eq(lines_of(jpath), 6);	/* one record per change */
	restart_same(&w, conf_a);
	dump_is(&w,
	    "10.0.0.1 pool=p1 [default/web key=- 1:1]\n"
	    "10.0.0.100 pool=p1 [static key=- static]\n"
	    "10.0.0.2 pool=p1 [istio/gw key=gw 64512:1 no-export] "
	    "[istio/gw2 key=gw 64512:2]\n"
	    "10.1.0.5 pool=p2 [team\"q\"\\x key=- blackhole 0:1 65535:65535]\n"
	    "2001:db8::5 pool=v6 [v6/svc key=k6 64512:6]\n");
	/* The load folded the journal into the snapshot; again from it. */
	ck_assert_uint_eq(size_of(jpath), 0);
	size_t vips, orphans;
	snapshot_counts(&vips, &orphans);
	ck_assert_uint_eq(vips, 4);
	ck_assert_uint_eq(orphans, 0);
	restart_same(&w, conf_a);
	stop(&w);
}
END_TEST

/* Static VIPs come from the config, never from the state file. */
START_TEST(static_not_stored)
{
	struct world w;
	struct prefix s;

	ck_assert(addr_parse("10.0.0.100", &s));
	start(&w, conf_a, path);
	add(&w, "10.0.0.1 default/web");
	state_touch(w.st, &s);
	commit(&w);
	char *j = slurp(jpath);
	ck_assert_ptr_null(strstr(j, "\"static\""));
	free(j);
	stop(&w);
	/* The vip line is gone: so is the VIP, from journal and snapshot. */
	for (int i = 0; i < 2; i++) {
		start(&w, conf_no_static, path);
		dump_is(&w, "10.0.0.1 pool=p1 [default/web key=-]\n");
		char *snap = slurp(path);
		ck_assert_ptr_null(strstr(snap, "10.0.0.100"));
		free(snap);
		stop(&w);
	}
}
END_TEST

START_TEST(withdraw_removes)
{
	struct world w;

	start(&w, conf_no_static, path);
	add(&w, "10.0.0.1 a");
	add(&w, "10.0.0.2 b");
	add(&w, "10.0.0.3 c key=k");
	add(&w, "10.0.0.3 d key=k");
	commit(&w);
	wd(&w, "10.0.0.2", "b");
	commit(&w);
	/* Withdrawn from the journal... */
	restart_same(&w, conf_no_static);
	ck_assert_uint_eq(rib_vip_count(w.r), 2);
	/* ...and from the snapshot; one owner of a shared VIP. */
	wd(&w, "10.0.0.1", "a");
	wd(&w, "10.0.0.3", "c");
	commit(&w);
	restart_same(&w, conf_no_static);
	dump_is(&w, "10.0.0.3 pool=p1 [d key=k]\n");
	stop(&w);
}
END_TEST

/* Records of the journal are newer than the snapshot's: replayed over it. */
START_TEST(journal_over_snapshot)
{
	struct world w;

	start(&w, conf_no_static, path);
	add(&w, "10.0.0.1 a");
	add(&w, "10.0.0.2 b comm=1:1");
	commit(&w);
	stop(&w);
	start(&w, conf_no_static, path);	/* folds: snapshot has 1, 2 */
	add(&w, "10.0.0.3 c");
	wd(&w, "10.0.0.1", "a");
	add(&w, "10.0.0.2 b comm=2:2");
	commit(&w);
	stop(&w);
	char *snap = slurp(path);
	ck_assert_ptr_nonnull(strstr(snap, "\"10.0.0.1\""));
	ck_assert_ptr_null(strstr(snap, "\"10.0.0.3\""));
	free(snap);
	ck_assert_uint_eq(lines_of(jpath), 3);
	start(&w, conf_no_static, path);
	dump_is(&w, "10.0.0.2 pool=p1 [b key=- 2:2]\n"
	    "10.0.0.3 pool=p1 [c key=-]\n");
	stop(&w);
}
END_TEST

/* A crash in the middle of writing leaves a torn last line: it was never
 * acknowledged, so it is ignored, and nothing is moved aside. */
START_TEST(torn_last_line)
{
	static const char *const torn[] = {
		"{\"vip\":\"10.0.0.9\",\"owners\":[{\"owner\":\"x\"",
		"{\"vip\":\"10.0.0.9\",\"owners\":[{\"owner\":\"x\"}]",
		"{\"vi",
		"{",
	};
	struct world w;

	start(&w, conf_no_static, path);
	add(&w, "10.0.0.1 a");
	add(&w, "10.0.0.2 b");
	commit(&w);
	stop(&w);
	spit(jpath, torn[_i], "a");
	log_capture();
	start(&w, conf_no_static, path);
	char *log = log_release();
	ck_assert_ptr_nonnull(strstr(log, "incomplete last record"));
	free(log);
	dump_is(&w, "10.0.0.1 pool=p1 [a key=-]\n"
	    "10.0.0.2 pool=p1 [b key=-]\n");
	ck_assert_uint_eq(files_like("state.json.", NULL, 0), 1);
	ck_assert_uint_eq(size_of(jpath), 0);
	stop(&w);
}
END_TEST

/* A snapshot that cannot be read is kept for the operator, and said so;
 * the records before the bad line stay applied. */
#define HDR "{\"lbbgp-state\":1}\n"
#define REC(v) "{\"vip\":\"" v "\",\"owners\":[{\"owner\":\"a\"}]}\n"
static const struct {
	const char *text;
	const char *why;	/* in the log */
	const char *left;	/* the VIPs restored, besides the static one */
} bad_snapshots[] = {
	{ "{not json\n", "does not start with", "" },
	{ "[]\n", "does not start with", "" },
	/* the format before JSON lines */
	{ "{\"version\":1,\"vips\":[{\"vip\":\"10.0.0.1\",\"owners\":"
	    "[{\"owner\":\"a\"}]}],\"orphans\":[]}\n", "does not start with",
	    "" },
	{ HDR "not a record\n", "line 2 is not a record", "" },
	{ HDR REC("10.0.0.1") "{\"vip\":\"10.0.0.0/24\",\"owners\":[]}\n"
	    REC("10.0.0.2"), "line 3 is not a record",
	    "10.0.0.1 pool=p1 [a key=-]\n" },
	{ HDR REC("10.0.0.1") "{\"vip\":\"10.0.0.2\",\"owners\":{}}\n",
	    "line 3 is not a record", "10.0.0.1 pool=p1 [a key=-]\n" },
	{ HDR "{\"vip\":\"10.0.0.2\"}\n" REC("10.0.0.1"),
	    "line 2 is not a record", "" },
};

START_TEST(corrupt_snapshot)
{
	struct world w;
	char aside[512], want[256];

	spit(path, bad_snapshots[_i].text, "w");
	log_capture();
	start(&w, conf_a, path);
	char *log = log_release();
	ck_assert_uint_eq(files_like("state.json.corrupt-", aside,
	    sizeof(aside)), 1);
	char *kept = slurp(aside);
	ck_assert_str_eq(kept, bad_snapshots[_i].text);
	free(kept);
	ck_assert_ptr_nonnull(strstr(log, "unusable"));
	ck_assert_ptr_nonnull(strstr(log, bad_snapshots[_i].why));
	ck_assert_ptr_nonnull(strstr(log, aside));
	free(log);
	snprintf(want, sizeof(want), "%s10.0.0.100 pool=p1 [static key=- "
	    "static]\n", bad_snapshots[_i].left);
	dump_is(&w, want);
	/* A good new snapshot, and the state goes on. */
	size_t vips, orphans;
	snapshot_counts(&vips, &orphans);
	ck_assert_uint_eq(vips, strlen(bad_snapshots[_i].left) > 0);
	add(&w, "10.0.0.3 b");
	commit(&w);
	restart_same(&w, conf_a);
	stop(&w);
}
END_TEST

/* Two bad snapshots in a row (within one second, as a restart loop
 * does) are both kept. */
START_TEST(corrupt_twice)
{
	struct world w;

	for (int i = 0; i < 3; i++) {
		spit(path, i == 0 ? "{one\n" : i == 1 ? "{two\n" : "{three\n",
		    "w");
		log_capture();
		start(&w, conf_a, path);
		free(log_release());
		stop(&w);
	}
	ck_assert_uint_eq(files_like("state.json.corrupt-", NULL, 0), 3);
}
END_TEST

/* A bad line in the middle of the journal is not a torn write: the
 * journal is moved aside (what follows is not trusted), never dropped. */
START_TEST(corrupt_journal_line)
{
	static const char text[] =
	    "{\"vip\":\"10.0.0.1\",\"pool\":\"p1\",\"owners\":[{\"owner\":"
	    "\"a\"}]}\n"
	    "not a record\n"
	    "{\"vip\":\"10.0.0.3\",\"owners\":[{\"owner\":\"c\"}]}\n";
	struct world w;
	char aside[512];

	spit(jpath, text, "w");
	log_capture();
	start(&w, conf_no_static, path);
	char *log = log_release();
	ck_assert_uint_eq(files_like("state.json.journal.corrupt-", aside,
	    sizeof(aside)), 1);
	char *kept = slurp(aside);
	ck_assert_str_eq(kept, text);
	free(kept);
	ck_assert_ptr_nonnull(strstr(log, "line 2 is not a record"));
	ck_assert_ptr_nonnull(strstr(log, aside));
	free(log);
	dump_is(&w, "10.0.0.1 pool=p1 [a key=-]\n");
	/* The state goes on from a fresh journal. */
	ck_assert_uint_eq(size_of(jpath), 0);
	add(&w, "10.0.0.2 b");
	commit(&w);
	restart_same(&w, conf_no_static);
	stop(&w);
}
END_TEST

/* A VIP the config no longer allows is kept as an orphan, written back,
 * and restored when the config takes it again. */
START_TEST(orphans_kept)
{
	struct world w;
	size_t vips, orphans;

	start(&w, conf_a, path);
	add(&w, "10.1.0.5 x key=k comm=64512:5");
	add(&w, "10.1.0.5 x2 key=k");
	add(&w, "10.0.0.5 y");
	commit(&w);
	char *all = dump(w.r);
	stop(&w);
	for (int round = 0; round < 2; round++) {
		log_capture();
		start(&w, conf_no_p2, path);
		char *log = log_release();
		ck_assert_ptr_nonnull(strstr(log, "10.1.0.5"));
		ck_assert_ptr_nonnull(strstr(log, "orphaned"));
		free(log);
		dump_is(&w, "10.0.0.100 pool=p1 [static key=- static]\n"
		    "10.0.0.5 pool=p1 [y key=-]\n");
		/* One per owner, and not one more per record or restart. */
		ck_assert_uint_eq(state_orphans(w.st), 2);
		json_object *j = state_orphans_json(w.st);
		ck_assert_uint_eq(json_object_array_length(j), 2);
		json_object_put(j);
		snapshot_counts(&vips, &orphans);
		ck_assert_uint_eq(vips, 1);
		ck_assert_uint_eq(orphans, 2);
		/* Run-time changes and a fold keep them. */
		add(&w, "10.0.0.6 z");
		commit(&w);
		wd(&w, "10.0.0.6", "z");
		commit(&w);
		stop(&w);
	}
	/* A renamed pool: the pool holding the address takes it. */
	start(&w, conf_renamed, path);
	ck_assert_uint_eq(state_orphans(w.st), 0);
	char *d = dump(w.r), *p2 = strstr(all, "pool=p2 ");
	ck_assert_ptr_nonnull(p2);
	ck_assert_int_eq(strncmp(d, all, (size_t)(p2 - all)), 0);
	ck_assert_str_eq(d + (p2 - all), "pool=p2new [x key=k 64512:5] "
	    "[x2 key=k]\n");
	free(d);
	stop(&w);
	start(&w, conf_a, path);
	dump_is(&w, all);
	free(all);
	ck_assert_uint_eq(state_orphans(w.st), 0);
	snapshot_counts(&vips, &orphans);
	ck_assert_uint_eq(vips, 2);
	ck_assert_uint_eq(orphans, 0);
	stop(&w);
}
END_TEST

/* Replaying the journal: orphans are made once per owner, an owner a
 * later record no longer lists is not kept as an orphan (it withdrew),
 * and orphans are retried once the journal may have freed their VIP. */
START_TEST(orphan_replay)
{
	static const char journal[] =
	    /* x, then x and x2 on a VIP of the missing pool p2 */
	    "{\"vip\":\"10.1.0.5\",\"pool\":\"p2\",\"owners\":[{\"owner\":"
	    "\"x\",\"sharing-key\":\"k\"}]}\n"
	    "{\"vip\":\"10.1.0.5\",\"pool\":\"p2\",\"owners\":[{\"owner\":"
	    "\"x\",\"sharing-key\":\"k\"},{\"owner\":\"x2\",\"sharing-key\":"
	    "\"k\"}]}\n"
	    /* w added, then withdrew */
	    "{\"vip\":\"10.1.0.7\",\"pool\":\"p2\",\"owners\":[{\"owner\":"
	    "\"w\"}]}\n"
	    "{\"vip\":\"10.1.0.7\",\"pool\":\"p2\",\"owners\":[]}\n"
	    /* y held 10.0.0.7, then withdrew: room for orphan z */
	    "{\"vip\":\"10.0.0.7\",\"pool\":\"p1\",\"owners\":[]}\n";
	static const char snapshot[] = "{\"lbbgp-state\":1}\n"
	    "{\"vip\":\"10.0.0.7\",\"pool\":\"p1\",\"owners\":[{\"owner\":"
	    "\"y\"}]}\n"
	    "{\"vip\":\"10.0.0.7\",\"pool\":\"p1\",\"owners\":[{\"owner\":"
	    "\"z\"}],\"orphaned\":\"10.0.0.7 is held by y\"}\n";
	struct world w;

	spit(path, snapshot, "w");
	spit(jpath, journal, "w");
	start(&w, conf_no_p2, path);
	ck_assert_uint_eq(state_orphans(w.st), 2);	/* x, x2 */
	dump_is(&w, "10.0.0.100 pool=p1 [static key=- static]\n"
	    "10.0.0.7 pool=p1 [z key=-]\n");
	stop(&w);
	/* The pool is back: x and x2 share 10.1.0.5 again; w stays gone. */
	start(&w, conf_a, path);
	ck_assert_uint_eq(state_orphans(w.st), 0);
	dump_is(&w, "10.0.0.100 pool=p1 [static key=- static]\n"
	    "10.0.0.7 pool=p1 [z key=-]\n"
	    "10.1.0.5 pool=p2 [x key=k] [x2 key=k]\n");
	stop(&w);
}
END_TEST

/* When the journal outgrows the snapshot (1 MiB, and twice its size) it
 * is folded into a new one; nothing is lost. */
START_TEST(compaction)
{
	struct world w;
	struct prefix a;
	char owner[601], req[700], s[PREFIX_STRLEN];
	size_t vips, orphans;

	/* 2000 records with 600-byte owners: about 1.3 MB. */
	memset(owner, 'o', sizeof(owner) - 1);
	owner[sizeof(owner) - 1] = '\0';
	start(&w, conf_a, path);
	ck_assert(!state_want_compact(w.st));
	for (int i = 0; i < 50; i++) {
		add(&w, "10.0.0.1 toggle");
		commit(&w);
		wd(&w, "10.0.0.1", "toggle");
		commit(&w);
	}
	ck_assert(!state_want_compact(w.st));	/* twice, but not 1 MiB */
	for (int pass = 0; pass < 4; pass++) {
		for (uint64_t i = 0; i < 2000; i++) {
			ck_assert(addr_parse("10.8.0.0", &a));
			ck_assert(addr_add(&a, i));
			snprintf(req, sizeof(req), "%s %s%d comm=1:%d",
			    addr_fmt(&a, s, sizeof(s)), owner, (int)(i % 7),
			    pass);
			add(&w, req);
		}
		commit(&w);
		if (pass == 0) {
			/* 1 MiB and more than twice the (empty) snapshot */
			ck_assert(state_want_compact(w.st));
			snapshot_counts(&vips, &orphans);
			ck_assert_uint_eq(vips, 0);
			ck_assert(state_compact(w.st, w.r));
			ck_assert_uint_eq(size_of(jpath), 0);
			snapshot_counts(&vips, &orphans);
			ck_assert_uint_eq(vips, 2000);
		}
		/* 1 MiB, but not yet twice the snapshot of 1.3 MB */
		ck_assert(state_want_compact(w.st) == (pass == 3));
	}
	ck_assert_uint_eq(lines_of(jpath), 3 * 2000);
	for (uint64_t i = 0; i < 100; i++) {
		ck_assert(addr_parse("10.8.0.0", &a));
		ck_assert(addr_add(&a, i * 3));
		snprintf(req, sizeof(req), "%s%d", owner, (int)(i * 3 % 7));
		wd(&w, addr_fmt(&a, s, sizeof(s)), req);
	}
	commit(&w);
	ck_assert(state_compact(w.st, w.r));
	ck_assert(!state_want_compact(w.st));
	ck_assert_uint_eq(size_of(jpath), 0);
	snapshot_counts(&vips, &orphans);
	ck_assert_uint_eq(vips, 1900);
	/* Still appending after the fold. */
	add(&w, "10.0.0.1 late");
	commit(&w);
	ck_assert_uint_eq(lines_of(jpath), 1);
	restart_same(&w, conf_a);
	stop(&w);
}
END_TEST

/* A write that fails half-way must not leave a torn record in the middle
 * of the journal, where the next start would take it for corruption and
 * set aside every record after it. */
START_TEST(failed_write)
{
	struct world w;
	struct rlimit old, lim;
	char req[64];

	start(&w, conf_no_static, path);
	for (int i = 1; i <= 10; i++) {
		snprintf(req, sizeof(req), "10.0.0.%d a%d", i, i);
		add(&w, req);
	}
	commit(&w);
	for (int i = 11; i <= 40; i++) {
		snprintf(req, sizeof(req), "10.0.0.%d a%d", i, i);
		add(&w, req);
	}
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)size_of(jpath) + 100;
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	bool ok = state_commit(w.st, w.r);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, was);
	ck_assert(!ok);
	ck_assert(state_dirty(w.st));
	/* The disk has room again: the same changes go out. */
	commit(&w);
	ck_assert_uint_eq(rib_vip_count(w.r), 40);
	restart_same(&w, conf_no_static);
	ck_assert_uint_eq(files_like("state.json.journal.corrupt-", NULL, 0),
	    0);
	stop(&w);
}
END_TEST

/*
 * A commit in slices (state_commit_step): MORE until every touched VIP is
 * written, VIPs touched meanwhile join it, and the journal ends up with
 * what one state_commit() writes; a failure in the middle cuts off what
 * the commit wrote and leaves every VIP dirty.
 */
START_TEST(commit_in_steps)
{
	struct world w;
	char req[64];
	size_t steps = 0;
	enum state_rc rc;

	start(&w, conf_no_static, path);
	for (int i = 1; i <= 20; i++) {
		snprintf(req, sizeof(req), "10.0.0.%d a%d", i, i);
		add(&w, req);
	}
	off_t before = size_of(jpath);
	while ((rc = state_commit_step(w.st, w.r, 3)) == STATE_MORE) {
		ck_assert(state_dirty(w.st));
		if (++steps == 2)
			add(&w, "10.0.0.21 late");	/* joins this commit */
	}
	ck_assert_int_eq(rc, STATE_DONE);
	ck_assert_uint_eq(steps, 6);	/* 21 records, 3 a step */
	ck_assert(!state_dirty(w.st));
	ck_assert_uint_eq(lines_of(jpath), 21);
	ck_assert_int_gt(size_of(jpath), before);
	ck_assert_int_eq(state_commit_step(w.st, w.r, 3), STATE_DONE);
	restart_same(&w, conf_no_static);

	/* The disk fills after the first step: back to where it began. */
	for (int i = 30; i <= 59; i++) {
		snprintf(req, sizeof(req), "10.0.0.%d b%d", i, i);
		add(&w, req);
	}
	before = size_of(jpath);
	ck_assert_int_eq(state_commit_step(w.st, w.r, 10), STATE_MORE);
	ck_assert_int_gt(size_of(jpath), before);
	struct rlimit old, lim;
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)size_of(jpath) + 100;
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = state_commit_step(w.st, w.r, 10);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, was);
	ck_assert_int_eq(rc, STATE_FAILED);
	ck_assert_int_eq(size_of(jpath), before);
	ck_assert(state_dirty(w.st));
	commit(&w);
	ck_assert_uint_eq(rib_vip_count(w.r), 51);
	restart_same(&w, conf_no_static);
	stop(&w);
}
END_TEST

/* A batch's array goes to the state as it is: taken when nothing else is
 * dirty, appended otherwise; every VIP of it is written. */
START_TEST(touch_all)
{
	struct world w;
	struct prefix *v;
	struct rib_res res = { 0 };
	struct vip_req q = { .owner = "batch" };
	size_t vips, orphans;

	start(&w, conf_a, path);
	for (int round = 0; round < 2; round++) {
		if (round == 1)
			add(&w, "10.0.0.50 single");	/* dirty already */
		v = calloc(3, sizeof(*v));
		ck_assert_ptr_nonnull(v);
		for (int i = 0; i < 3; i++) {
			ck_assert(addr_parse("10.0.0.1", &v[i]));
			ck_assert(addr_add(&v[i], (uint64_t)(round * 10 + i)));
			ck_assert_msg(rib_vip_add(w.r, &v[i], &q, &res), "%s",
			    res.msg);
		}
		state_touch_all(w.st, v, 3);
		commit(&w);
	}
	ck_assert_uint_eq(lines_of(jpath), 3 + 4);
	ck_assert(state_compact(w.st, w.r));
	snapshot_counts(&vips, &orphans);
	ck_assert_uint_eq(vips, 7);
	restart_same(&w, conf_a);
	stop(&w);

	/* No state file: the array is freed (valgrind: no leak). */
	start(&w, conf_a, NULL);
	v = calloc(2, sizeof(*v));
	ck_assert_ptr_nonnull(v);
	ck_assert(addr_parse("10.0.0.1", &v[0]));
	ck_assert(addr_parse("10.0.0.2", &v[1]));
	state_touch_all(w.st, v, 2);
	ck_assert(!state_dirty(w.st));
	stop(&w);
}
END_TEST

/* No state file configured: every call is a no-op. */
START_TEST(no_state_file)
{
	struct world w;
	struct prefix a;

	start(&w, conf_a, NULL);
	ck_assert_uint_eq(rib_vip_count(w.r), 1);
	add(&w, "10.0.0.1 a");
	ck_assert(addr_parse("10.0.0.1", &a));
	state_touch(w.st, &a);
	ck_assert(!state_dirty(w.st));
	ck_assert(state_commit(w.st, w.r));
	ck_assert(state_load(w.st, w.r));
	ck_assert_uint_eq(rib_vip_count(w.r), 2);
	ck_assert_uint_eq(state_orphans(w.st), 0);
	ck_assert(!state_want_compact(w.st));
	ck_assert(state_compact(w.st, w.r));
	ck_assert_uint_eq(files_like("", NULL, 0), 0);
	stop(&w);
}
END_TEST

int main(void)
{
	log_init(true, 0);
	Suite *s = suite_create("state");
	TCase *tc = unit_tcase(s, "state");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, static_not_stored);
	tcase_add_test(tc, withdraw_removes);
	tcase_add_test(tc, journal_over_snapshot);
	tcase_add_loop_test(tc, torn_last_line, 0, 4);
	tcase_add_loop_test(tc, corrupt_snapshot, 0,
	    (int)NELEM(bad_snapshots));
	tcase_add_test(tc, corrupt_twice);
	tcase_add_test(tc, corrupt_journal_line);
	tcase_add_test(tc, orphans_kept);
	tcase_add_test(tc, orphan_replay);
	tcase_add_test(tc, compaction);
	tcase_add_test(tc, failed_write);
	tcase_add_test(tc, no_state_file);
	tcase_add_test(tc, touch_all);
	tcase_add_test(tc, commit_in_steps);
	tcase_set_timeout(tc, 60);

	return unit_run(s);
}
