/*
 * state.c - snapshot + journal persistence of run-time VIPs (state.h).
 *
 * Crash safety: a record reaches the journal, and is fdatasynced, before
 * the reply that acknowledges it leaves (control.c holds replies until
 * state_commit()).  A record is the whole state of one VIP, so replaying
 * records over a snapshot is idempotent: a crash between writing a new
 * snapshot and emptying the journal loses nothing.  Records are written
 * with stdio, not built as json-c trees: a batch of 100,000 VIPs is a few
 * megabytes of text, not a few hundred of objects.  Loading parses one
 * line at a time and applies it at once.
 */
#include "bgpd/state.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libgen.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bgpd/log.h"
#include "bgpd/record.h"
#include "conf/conf.h"
#include "util/buf.h"

#define STATE_HEADER	"{\"lbbgp-state\":1}"
#define COMPACT_MIN	(1024 * 1024)	/* journal bytes before folding */

struct state {
	char *path;
	char *jpath;
	int jfd;
	size_t journal_bytes;
	size_t snapshot_bytes;
	struct prefix *dirty;		/* repeats allowed: records are idempotent */
	size_t ndirty, capdirty;
	/* A commit under way (state_commit_step): dirty[0..written) are in
	 * the journal, not yet synced; it began at offset `from`. */
	bool committing;
	size_t written;
	off_t from;
	size_t wbytes;
	json_object *orphans;		/* array of records */
	json_object *deferred;		/* orphan records read, retried last */
	struct state_stats stats;
};

static bool fsync_dir(const char *path)
{
	char *copy = strdup(path);
	if (copy == NULL)
		return false;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return false;
	bool ok = fsync(fd) == 0;
	close(fd);
	return ok;
}

struct state *state_open(const char *path)
{
	struct state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return NULL;
	st->jfd = -1;
	st->orphans = json_object_new_array();
	if (path == NULL)
		return st;
	st->path = strdup(path);
	st->jpath = malloc(strlen(path) + sizeof(".journal"));
	if (st->path == NULL || st->jpath == NULL) {
		state_close(st);
		return NULL;
	}
	sprintf(st->jpath, "%s.journal", path);
	return st;
}

void state_close(struct state *st)
{
	if (st == NULL)
		return;
	if (st->jfd >= 0)
		close(st->jfd);
	free(st->dirty);
	json_object_put(st->orphans);
	json_object_put(st->deferred);
	free(st->path);
	free(st->jpath);
	free(st);
}

/* ---- writing records ----------------------------------------------------- */

/* Records are built in a struct buf: cheaper than stdio, which showed in
 * the profile of a 100,000-VIP batch.  It starts at SB_FIRST bytes and is
 * written out in SB_FLUSH pieces. */
#define SB_FIRST	65536
#define SB_FLUSH	(1u << 20)

static bool has_dynamic_owner(const struct vip *v)
{
	for (uint32_t i = 0; i < v->nowners; i++)
		if (!vip_owner(v, i)->is_static)
			return true;
	return false;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static bool open_journal(struct state *st)
{
	if (st->jfd >= 0)
		return true;
	st->jfd = open(st->jpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600);
	if (st->jfd < 0) {
		log_warn("state journal %s", st->jpath);
		return false;
	}
	return true;
}

/* Write out what b holds (and forget it); false on a write error, or
 * when building it ran out of memory. */
static bool sb_flush(struct buf *b, int fd, size_t *total)
{
	if (b->failed)
		return false;
	bool ok = write_all(fd, buf_data(b), buf_used(b));
	*total += buf_used(b);
	buf_reset(b);
	return ok;
}

bool state_compact(struct state *st, const struct rib *r)
{
	char *tmp = NULL;
	struct buf b = BUF_INIT;
	size_t len = 0;
	bool ok = false, wok = true;
	int fd = -1;

	if (st->path == NULL)
		return true;
	tmp = malloc(strlen(st->path) + sizeof(".tmp"));
	if (tmp == NULL)
		goto out;
	sprintf(tmp, "%s.tmp", st->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_warn("state file %s", tmp);
		goto out;
	}
	/* Written in 1 MiB pieces, as commits are: the whole snapshot of
	 * 100,000 VIPs in memory was the peak of a big batch. */
	buf_reserve(&b, SB_FIRST);
	buf_puts(&b, STATE_HEADER "\n");
	for (const struct vip *v = rib_vip_next(r, NULL); wok && v;
	    v = rib_vip_next(r, v)) {
		if (has_dynamic_owner(v))
			record_put(&b, r, &v->addr);
		if (b.failed || buf_used(&b) >= SB_FLUSH)
			wok = sb_flush(&b, fd, &len);
	}
	for (size_t i = 0; wok && i < json_object_array_length(st->orphans);
	    i++) {
		buf_puts(&b, json_object_to_json_string_ext(
		    json_object_array_get_idx(st->orphans, i),
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		buf_puts(&b, "\n");
	}
	if (wok)
		wok = sb_flush(&b, fd, &len);
	if (b.failed)
		goto out;	/* out of memory: the old snapshot stays */
	if (!wok || fsync(fd) < 0) {
		log_warn("state file %s", tmp);
		goto out;
	}
	close(fd);
	fd = -1;
	if (rename(tmp, st->path) < 0 || !fsync_dir(st->path)) {
		log_warn("state file %s", st->path);
		goto out;
	}
	if (!open_journal(st) || ftruncate(st->jfd, 0) < 0 ||
	    fsync(st->jfd) < 0) {
		log_warn("state journal %s", st->jpath);
		goto out;
	}
	st->snapshot_bytes = len;
	st->journal_bytes = 0;
	ok = true;
out:
	if (ok)
		st->stats.snapshots++;
	else
		st->stats.snapshot_failures++;
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	buf_free(&b);
	return ok;
}

void state_touch(struct state *st, const struct prefix *vip)
{
	if (st->path == NULL)
		return;
	if (st->ndirty == st->capdirty) {
		struct prefix *nd = array_grow(st->dirty, &st->capdirty,
		    st->ndirty + 1, sizeof(*nd));
		if (nd == NULL)
			return;
		st->dirty = nd;
	}
	st->dirty[st->ndirty++] = *vip;
}

void state_touch_all(struct state *st, struct prefix *vips, size_t n)
{
	if (st->path != NULL && st->ndirty == 0 && n > 0) {
		free(st->dirty);
		st->dirty = vips;
		st->ndirty = st->capdirty = n;
		return;
	}
	for (size_t i = 0; i < n; i++)
		state_touch(st, &vips[i]);
	free(vips);
}

bool state_dirty(const struct state *st)
{
	return st->ndirty > 0;
}

bool state_want_compact(const struct state *st)
{
	return st->path != NULL && st->journal_bytes > COMPACT_MIN &&
	    st->journal_bytes > 2 * st->snapshot_bytes;
}

/* The commit failed: cut the journal back to where it began. */
static void commit_failed(struct state *st)
{
	/* Logged first: what follows may touch errno. */
	log_warn("state journal %s: cannot record %zu changes", st->jpath,
	    st->ndirty);
	/*
	 * Part of the batch may be written (disk full): the next batch
	 * would follow a torn record, which the next start takes for a bad
	 * line, setting aside every record after it.
	 */
	if (st->jfd >= 0 && ftruncate(st->jfd, st->from) < 0)
		log_warn("state journal %s: cannot cut off a partly written "
		    "batch", st->jpath);
	st->committing = false;
	st->stats.commit_failures++;
}

enum state_rc state_commit_step(struct state *st, struct rib *r, size_t max)
{
	struct buf b = BUF_INIT;
	struct stat sb;

	if (st->path == NULL || st->ndirty == 0)
		return STATE_DONE;
	if (!st->committing) {
		if (!open_journal(st) || fstat(st->jfd, &sb) < 0) {
			st->from = 0;
			commit_failed(st);
			return STATE_FAILED;
		}
		st->committing = true;
		st->from = sb.st_size;
		st->written = 0;
		st->wbytes = 0;
	}
	/* Written in 1 MiB pieces at most: a big batch is never all in
	 * memory.  More may be touched meanwhile: they join this commit. */
	size_t end = st->ndirty - st->written > max ? st->written + max :
	    st->ndirty;
	size_t before = st->wbytes;
	bool ok = true;
	buf_reserve(&b, SB_FIRST);
	for (size_t i = st->written; ok && i < end; i++) {
		rib_vip_prefetch(r, st->dirty, end, i);
		record_put(&b, r, &st->dirty[i]);
		if (b.failed || buf_used(&b) >= SB_FLUSH || i + 1 == end)
			ok = sb_flush(&b, st->jfd, &st->wbytes);
	}
	buf_free(&b);
	if (!ok) {
		commit_failed(st);
		return STATE_FAILED;
	}
	st->written = end;
	if (end < st->ndirty) {
		/* The disk starts on it now, so the final fdatasync finds
		 * little left to do. */
		(void)sync_file_range(st->jfd, st->from + (off_t)before,
		    (off_t)(st->wbytes - before), SYNC_FILE_RANGE_WRITE);
		return STATE_MORE;
	}
	if (fdatasync(st->jfd) < 0) {
		commit_failed(st);
		return STATE_FAILED;
	}
	st->committing = false;
	st->stats.commits++;
	st->stats.records += st->ndirty;
	st->journal_bytes += st->wbytes;
	st->ndirty = 0;
	if (st->capdirty > 4096) {
		free(st->dirty);	/* a big batch: give the memory back */
		st->dirty = NULL;
		st->capdirty = 0;
	}
	return STATE_DONE;
}

bool state_commit(struct state *st, struct rib *r)
{
	return state_commit_step(st, r, SIZE_MAX) == STATE_DONE;
}

/* ---- loading ------------------------------------------------------------ */

/* Keep a bad file for the operator, out of the way of the next write. */
static void move_aside(const char *path, const char *why)
{
	char aside[4096];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	size_t n = (size_t)snprintf(aside, sizeof(aside), "%s.corrupt-", path);
	n += strftime(aside + n, sizeof(aside) - n, "%Y%m%dT%H%M%S", &tm);
	/* rename() replaces: never over an earlier bad file of the same
	 * second (a restart loop), or that one would be lost. */
	for (int i = 2; i < 1000 && access(aside, F_OK) == 0; i++)
		snprintf(aside + n, sizeof(aside) - n, "-%d", i);
	if (rename(path, aside) == 0)
		log_warnx("state file %s is unusable (%s): moved it to %s; the "
		    "VIPs it held that were not restored must be re-added "
		    "with bgpctl", path, why, aside);
	else
		log_warn("state file %s is unusable (%s) and cannot be moved "
		    "aside", path, why);
}

/* Add one owner of a record; on refusal keep it as an orphan. */
static void apply_owner(struct state *st, struct rib *r, json_object *rec,
    const struct prefix *a, json_object *o)
{
	struct rib_res res = { 0 };
	const char *owner = record_str(o, "owner");
	int added = record_add_owner(r, rec, a, o, &res);

	if (added < 0) {
		log_warnx("state file %s: a malformed owner of %s, skipped",
		    st->path, record_str(rec, "vip"));
		return;
	}
	if (added > 0)
		return;
	log_warnx("state file: %s of %s not restored: %s; kept as orphaned "
	    "until the config allows it again", record_str(rec, "vip"), owner,
	    res.msg);
	json_object *orphan = json_object_new_object();
	json_object *owners = json_object_new_array();
	json_object_object_add(orphan, "vip", json_object_new_string(
	    record_str(rec, "vip")));
	if (record_str(rec, "pool"))
		json_object_object_add(orphan, "pool", json_object_new_string(
		    record_str(rec, "pool")));
	json_object_array_add(owners, json_object_get(o));
	json_object_object_add(orphan, "owners", owners);
	json_object_object_add(orphan, "orphaned", json_object_new_string(
	    res.msg));
	json_object_array_add(st->orphans, orphan);
}

/* Forget the orphans of a VIP (of one owner, or all when owner is NULL). */
static void drop_orphans(struct state *st, const struct prefix *a,
    const char *owner)
{
	for (size_t i = json_object_array_length(st->orphans); i-- > 0;) {
		json_object *o = json_object_array_get_idx(st->orphans, i), *ow;
		struct prefix b;
		if (!record_parse(o, &b) || !prefix_equal(&b, a))
			continue;
		json_object_object_get_ex(o, "owners", &ow);
		if (owner == NULL || record_lists(ow, owner))
			json_object_array_del_idx(st->orphans, i, 1);
	}
}

/*
 * A record is the whole run-time state of its VIP: owners it does not
 * list go, the ones it lists are (re)added, and orphans an earlier record
 * of the VIP left are replaced by this one's.  Orphan records wait until
 * every record is read (state_load).
 */
static void apply_record(struct state *st, struct rib *r, json_object *rec,
    const struct prefix *a)
{
	json_object *owners;
	json_object_object_get_ex(rec, "owners", &owners);

	if (json_object_object_get_ex(rec, "orphaned", NULL)) {
		json_object_array_add(st->deferred, json_object_get(rec));
		return;
	}
	drop_orphans(st, a, NULL);
	record_drop_unlisted(r, a, owners);
	for (size_t i = 0; i < json_object_array_length(owners); i++)
		apply_owner(st, r, rec, a, json_object_array_get_idx(owners, i));
}

/*
 * Apply the records of one file.  header: the first line must be the
 * snapshot header.  A torn last line is what a crash during a write
 * leaves (never acknowledged): ignored.  Anything else unreadable moves
 * the file aside; the records read before it stay applied.
 */
static size_t load_file(struct state *st, struct rib *r, const char *path,
    bool header, size_t *bytes)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, why[96];
	size_t cap = 0, lineno = 0, applied = 0;
	ssize_t n;
	bool bad = false;

	*bytes = 0;
	if (f == NULL)
		return 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		struct prefix a;
		lineno++;
		*bytes += (size_t)n;
		bool complete = line[n - 1] == '\n';
		if (header && lineno == 1) {
			if (strncmp(line, STATE_HEADER, strlen(STATE_HEADER))) {
				snprintf(why, sizeof(why), "it does not start "
				    "with %s", STATE_HEADER);
				bad = true;
				break;
			}
			continue;
		}
		json_object *rec = json_tokener_parse(line);
		if (rec == NULL || !record_parse(rec, &a)) {
			json_object_put(rec);
			if (!complete) {
				log_info("state file %s: ignoring an "
				    "incomplete last record (written during a "
				    "crash; it was never acknowledged)", path);
				break;
			}
			snprintf(why, sizeof(why), "line %zu is not a record",
			    lineno);
			bad = true;
			break;
		}
		apply_record(st, r, rec, &a);
		json_object_put(rec);
		applied++;
	}
	free(line);
	fclose(f);
	if (bad)
		move_aside(path, why);
	return applied;
}

bool state_load(struct state *st, struct rib *r)
{
	size_t bytes;

	if (st->path == NULL)
		return true;
	/* The directory may not exist on a fresh host. */
	char *copy = strdup(st->path);
	if (copy != NULL) {
		mkdir(dirname(copy), 0750);
		free(copy);
	}
	st->deferred = json_object_new_array();
	size_t snap = load_file(st, r, st->path, true, &bytes);
	size_t jour = load_file(st, r, st->jpath, false, &bytes);
	/*
	 * Orphans last: the journal may have freed their VIPs.  An owner the
	 * records made live again has a newer state than its orphan; one
	 * orphaned again by a record is kept once.
	 */
	for (size_t i = 0; i < json_object_array_length(st->deferred); i++) {
		json_object *rec = json_object_array_get_idx(st->deferred, i);
		json_object *owners;
		struct prefix a;
		record_parse(rec, &a);
		json_object_object_get_ex(rec, "owners", &owners);
		for (size_t j = 0; j < json_object_array_length(owners); j++) {
			json_object *o = json_object_array_get_idx(owners, j);
			const char *name = record_str(o, "owner");
			const struct vip *v = rib_vip_find(r, &a);
			bool live = false;
			for (uint32_t k = 0; name && v && k < v->nowners; k++)
				live |= strcmp(vip_owner(v, k)->name, name) == 0;
			if (live)
				continue;
			if (name != NULL)
				drop_orphans(st, &a, name);
			apply_owner(st, r, rec, &a, o);
		}
	}
	json_object_put(st->deferred);
	st->deferred = NULL;
	size_t restored = 0;
	for (const struct vip *v = rib_vip_next(r, NULL); v;
	    v = rib_vip_next(r, v))
		restored += has_dynamic_owner(v);
	log_info("state file %s: %zu VIPs restored, %zu orphaned (%zu "
	    "records, %zu from the journal)", st->path, restored,
	    json_object_array_length(st->orphans), snap + jour, jour);
	bool ok = state_compact(st, r);
	/* Loading churned the heap: give what is free back to the system. */
	malloc_trim(0);
	return ok;
}

/* ---- reload ------------------------------------------------------------- */

void state_orphan(struct state *st, const struct vip *v, const char *pool,
    const struct vip_owner *o, const char *check, const char *why)
{
	char a[PREFIX_STRLEN], c[32];
	json_object *orphan = json_object_new_object();
	json_object *owners = json_object_new_array();
	json_object *ow = json_object_new_object();

	addr_fmt(&v->addr, a, sizeof(a));
	drop_orphans(st, &v->addr, o->name);
	json_object_object_add(orphan, "vip", json_object_new_string(a));
	if (pool != NULL)
		json_object_object_add(orphan, "pool",
		    json_object_new_string(pool));
	json_object_object_add(ow, "owner", json_object_new_string(o->name));
	if (o->key != NULL)
		json_object_object_add(ow, "sharing-key",
		    json_object_new_string(o->key));
	if (check != NULL)
		json_object_object_add(ow, "check",
		    json_object_new_string(check));
	if (o->ncomm > 0) {
		json_object *cs = json_object_new_array();
		for (uint32_t i = 0; i < o->ncomm; i++)
			json_object_array_add(cs, json_object_new_string(
			    community_fmt(o->comm[i], c, sizeof(c))));
		json_object_object_add(ow, "communities", cs);
	}
	json_object_array_add(owners, ow);
	json_object_object_add(orphan, "owners", owners);
	json_object_object_add(orphan, "orphaned", json_object_new_string(why));
	json_object_array_add(st->orphans, orphan);
}

size_t state_orphans_retry(struct state *st, struct rib *r,
    json_object *restored)
{
	size_t n = 0;

	for (size_t i = json_object_array_length(st->orphans); i-- > 0;) {
		json_object *rec = json_object_array_get_idx(st->orphans, i);
		json_object *owners;
		struct prefix a;
		if (!record_parse(rec, &a))
			continue;
		json_object_object_get_ex(rec, "owners", &owners);
		for (size_t j = json_object_array_length(owners); j-- > 0;) {
			json_object *o = json_object_array_get_idx(owners, j);
			struct rib_res res = { 0 };
			if (record_add_owner(r, rec, &a, o, &res) <= 0)
				continue;
			log_info("%s of %s is back: the configuration allows "
			    "it again", record_str(rec, "vip"),
			    record_str(o, "owner"));
			json_object *x = json_object_new_object();
			json_object_object_add(x, "vip", json_object_new_string(
			    record_str(rec, "vip")));
			json_object_object_add(x, "owner",
			    json_object_new_string(record_str(o, "owner")));
			json_object_array_add(restored, x);
			json_object_array_del_idx(owners, j, 1);
			n++;
		}
		if (json_object_array_length(owners) == 0)
			json_object_array_del_idx(st->orphans, i, 1);
	}
	return n;
}

bool state_is_orphan(const struct state *st, const struct prefix *vip,
    const char *owner)
{
	for (size_t i = 0; i < json_object_array_length(st->orphans); i++) {
		json_object *o = json_object_array_get_idx(st->orphans, i), *ow;
		struct prefix b;
		if (record_parse(o, &b) && prefix_equal(&b, vip) &&
		    json_object_object_get_ex(o, "owners", &ow) &&
		    record_lists(ow, owner))
			return true;
	}
	return false;
}

bool state_orphan_withdraw(struct state *st, const struct prefix *vip,
    const char *owner)
{
	size_t before = json_object_array_length(st->orphans);

	drop_orphans(st, vip, owner);
	return json_object_array_length(st->orphans) != before;
}

bool state_set_path(struct state *st, const char *path)
{
	char *np = path ? strdup(path) : NULL;
	char *nj = path ? malloc(strlen(path) + sizeof(".journal")) : NULL;

	if (path != NULL && (np == NULL || nj == NULL)) {
		free(np);
		free(nj);
		return false;
	}
	if (nj != NULL)
		sprintf(nj, "%s.journal", path);
	if (st->jfd >= 0)
		close(st->jfd);
	st->jfd = -1;
	free(st->path);
	free(st->jpath);
	st->path = np;
	st->jpath = nj;
	st->journal_bytes = st->snapshot_bytes = 0;
	st->ndirty = 0;		/* the snapshot that follows has it all */
	return true;
}

struct json_object *state_orphans_json(const struct state *st)
{
	json_object *copy = NULL;

	if (json_object_deep_copy(st->orphans, &copy, NULL) != 0)
		return json_object_new_array();
	return copy;
}

const struct state_stats *state_stats(const struct state *st)
{
	return &st->stats;
}

size_t state_orphans(const struct state *st)
{
	return json_object_array_length(st->orphans);
}
