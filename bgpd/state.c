/*
 * state.c - snapshot + journal persistence of run-time VIPs (state.h).
 *
 * Crash safety: a record reaches the journal, and is fsynced, before the
 * reply that acknowledges it leaves (control.c holds replies until
 * state_commit()).  A journal record is the whole state of one VIP, so
 * replaying records over a snapshot is idempotent and a crash between
 * writing a new snapshot and truncating the journal loses nothing.
 */
#include "bgpd/state.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bgpd/log.h"
#include "conf/conf.h"
#include "rib/ptable.h"

#define STATE_VERSION	1
#define COMPACT_MIN	4096	/* journal records before folding */

struct state {
	char *path;
	char *jpath;
	int jfd;
	size_t jrecords;
	struct ptable dirty_set;	/* dedupe of dirty */
	struct prefix *dirty;
	size_t ndirty, capdirty;
	json_object *orphans;		/* array of records */
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
	pt_init(&st->dirty_set);
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
	pt_free(&st->dirty_set);
	free(st->dirty);
	json_object_put(st->orphans);
	free(st->path);
	free(st->jpath);
	free(st);
}

/* ---- records ----------------------------------------------------------- */

static json_object *owner_json(const struct vip_owner *o)
{
	json_object *j = json_object_new_object();
	char c[32];

	json_object_object_add(j, "owner", json_object_new_string(o->name));
	if (o->key)
		json_object_object_add(j, "sharing-key",
		    json_object_new_string(o->key));
	if (o->ncomm > 0) {
		json_object *arr = json_object_new_array();
		for (uint32_t i = 0; i < o->ncomm; i++)
			json_object_array_add(arr, json_object_new_string(
			    community_fmt(o->comm[i], c, sizeof(c))));
		json_object_object_add(j, "communities", arr);
	}
	return j;
}

/* The whole state of one VIP: its dynamic owners (none: gone). */
static json_object *vip_record(const struct rib *r, const struct prefix *a)
{
	const struct vip *v = rib_vip_find(r, a);
	json_object *rec = json_object_new_object();
	json_object *owners = json_object_new_array();
	char s[PREFIX_STRLEN];

	json_object_object_add(rec, "vip", json_object_new_string(
	    addr_fmt(a, s, sizeof(s))));
	if (v != NULL) {
		json_object_object_add(rec, "pool", json_object_new_string(
		    rib_conf(r)->pools[v->pool].name));
		for (uint32_t i = 0; i < v->nowners; i++)
			if (!v->owners[i].is_static)
				json_object_array_add(owners,
				    owner_json(&v->owners[i]));
	}
	json_object_object_add(rec, "owners", owners);
	return rec;
}

static const char *jget_str(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A record as it must look: {"vip": string, "owners": array, ...}. */
static bool record_ok(json_object *rec)
{
	json_object *owners;
	struct prefix a;
	const char *vip = jget_str(rec, "vip");

	return json_object_is_type(rec, json_type_object) && vip != NULL &&
	    addr_parse(vip, &a) &&
	    json_object_object_get_ex(rec, "owners", &owners) &&
	    json_object_is_type(owners, json_type_array);
}

/* ---- writing ------------------------------------------------------------ */

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

/* A new snapshot of everything, then an empty journal. */
static bool compact(struct state *st, const struct rib *r)
{
	json_object *top = json_object_new_object();
	json_object *vips = json_object_new_array();
	char *tmp = malloc(strlen(st->path) + sizeof(".tmp"));
	bool ok = false;
	int fd = -1;

	if (tmp == NULL)
		goto out;
	sprintf(tmp, "%s.tmp", st->path);
	for (size_t i = 0; i < rib_vip_count(r); i++) {
		const struct vip *v = rib_vip_at(r, i);
		json_object *rec = vip_record(r, &v->addr);
		json_object *owners;
		json_object_object_get_ex(rec, "owners", &owners);
		if (json_object_array_length(owners) > 0)
			json_object_array_add(vips, rec);
		else
			json_object_put(rec);
	}
	json_object_object_add(top, "version",
	    json_object_new_int(STATE_VERSION));
	json_object_object_add(top, "vips", vips);
	json_object_object_add(top, "orphans", json_object_get(st->orphans));
	size_t len;
	const char *text = json_object_to_json_string_length(top,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !write_all(fd, text, len) || !write_all(fd, "\n", 1) ||
	    fsync(fd) < 0) {
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
	st->jrecords = 0;
	ok = true;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	json_object_put(top);
	return ok;
}

void state_touch(struct state *st, const struct prefix *vip)
{
	struct pt_key k = pt_key_make(vip, 0);
	bool added = false;

	if (st->path == NULL || pt_insert(&st->dirty_set, &k, &added) == NULL ||
	    !added)
		return;
	if (st->ndirty == st->capdirty) {
		size_t ncap = st->capdirty ? st->capdirty * 2 : 64;
		struct prefix *nd = realloc(st->dirty, ncap * sizeof(*nd));
		if (nd == NULL) {
			pt_delete(&st->dirty_set, pt_find(&st->dirty_set, &k));
			return;
		}
		st->dirty = nd;
		st->capdirty = ncap;
	}
	st->dirty[st->ndirty++] = *vip;
}

bool state_dirty(const struct state *st)
{
	return st->ndirty > 0;
}

bool state_commit(struct state *st, struct rib *r)
{
	char *buf = NULL;
	size_t len = 0;
	bool ok = false;

	if (st->path == NULL || st->ndirty == 0)
		return true;
	FILE *mem = open_memstream(&buf, &len);
	if (mem == NULL)
		return false;
	for (size_t i = 0; i < st->ndirty; i++) {
		json_object *rec = vip_record(r, &st->dirty[i]);
		fputs(json_object_to_json_string_ext(rec,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
		    mem);
		fputc('\n', mem);
		json_object_put(rec);
	}
	if (fclose(mem) != 0)
		goto out;
	/* One write and one fdatasync for the whole batch. */
	if (!open_journal(st) || !write_all(st->jfd, buf, len) ||
	    fdatasync(st->jfd) < 0) {
		log_warn("state journal %s: cannot record %zu changes",
		    st->jpath, st->ndirty);
		goto out;
	}
	st->jrecords += st->ndirty;
	st->ndirty = 0;
	pt_free(&st->dirty_set);
	ok = true;
	if (st->jrecords > COMPACT_MIN && st->jrecords > 2 * rib_vip_count(r))
		compact(st, r);	/* the journal stays valid if this fails */
out:
	free(buf);
	return ok;
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
	strftime(aside + n, sizeof(aside) - n, "%Y%m%dT%H%M%S", &tm);
	if (rename(path, aside) == 0)
		log_warnx("state file %s is unusable (%s): moved it to %s and "
		    "started without the VIPs it held; inspect it and re-add "
		    "them with bgpctl", path, why, aside);
	else
		log_warn("state file %s is unusable (%s) and cannot be moved "
		    "aside", path, why);
}

/* Read the snapshot into recs (vip -> record). */
static void load_snapshot(struct state *st, json_object *recs)
{
	json_object *top, *vips, *orphans;
	struct stat sb;

	if (stat(st->path, &sb) < 0 && errno == ENOENT)
		return;
	top = json_object_from_file(st->path);
	if (top == NULL || !json_object_is_type(top, json_type_object) ||
	    !json_object_object_get_ex(top, "vips", &vips) ||
	    !json_object_is_type(vips, json_type_array)) {
		json_object_put(top);
		move_aside(st->path, "not a state file: expected a JSON "
		    "object with a \"vips\" array");
		return;
	}
	for (size_t pass = 0; pass < 2; pass++) {
		json_object *arr = vips;
		if (pass == 1 && (!json_object_object_get_ex(top, "orphans",
		    &orphans) || !json_object_is_type(orphans,
		    json_type_array)))
			break;
		if (pass == 1)
			arr = orphans;
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *rec = json_object_array_get_idx(arr, i);
			if (!record_ok(rec)) {
				log_warnx("state file %s: record %zu is "
				    "malformed, skipped", st->path, i);
				continue;
			}
			if (pass == 1)
				json_object_array_add(st->orphans,
				    json_object_get(rec));
			else
				json_object_object_add(recs, jget_str(rec,
				    "vip"), json_object_get(rec));
		}
	}
	json_object_put(top);
}

/* Replay the journal over recs; a torn last line is expected after a
 * crash and ignored. */
static void load_journal(struct state *st, json_object *recs)
{
	FILE *f = fopen(st->jpath, "re");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;

	if (f == NULL)
		return;
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		bool complete = line[n - 1] == '\n';
		json_object *rec = json_tokener_parse(line);
		if (rec == NULL || !record_ok(rec)) {
			json_object_put(rec);
			if (!complete && fgetc(f) == EOF) {
				log_info("state journal %s: ignoring an "
				    "incomplete last record (written during a "
				    "crash; it was never acknowledged)",
				    st->jpath);
				break;
			}
			fclose(f);
			f = NULL;
			char why[64];
			snprintf(why, sizeof(why), "line %zu is malformed",
			    lineno);
			move_aside(st->jpath, why);
			break;
		}
		json_object_object_add(recs, jget_str(rec, "vip"), rec);
	}
	free(line);
	if (f != NULL)
		fclose(f);
}

static bool parse_communities(json_object *o, uint32_t *out, size_t max,
    size_t *n)
{
	json_object *arr;

	*n = 0;
	if (!json_object_object_get_ex(o, "communities", &arr))
		return true;
	if (!json_object_is_type(arr, json_type_array) ||
	    json_object_array_length(arr) > max)
		return false;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *c = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(c, json_type_string) ||
		    !community_parse(json_object_get_string(c), &out[i]))
			return false;
	}
	*n = json_object_array_length(arr);
	return true;
}

/* Add one owner of a record; on refusal keep it as an orphan. */
static void apply_owner(struct state *st, struct rib *r, json_object *rec,
    const struct prefix *a, json_object *o)
{
	uint32_t comm[256];
	size_t ncomm = 0;
	struct rib_res res = { 0 };
	const char *owner = jget_str(o, "owner");
	struct vip_req req = {
		.owner = owner,
		.pool = jget_str(rec, "pool"),
		.sharing_key = jget_str(o, "sharing-key"),
		.communities = comm,
	};

	if (owner == NULL || !parse_communities(o, comm, 256, &ncomm)) {
		log_warnx("state file %s: a malformed owner of %s, skipped",
		    st->path, jget_str(rec, "vip"));
		return;
	}
	req.ncommunities = ncomm;
	/* The pool may have been renamed: the pool holding it will do. */
	if (req.pool && conf_pool_by_name(rib_conf(r), req.pool) == NULL)
		req.pool = NULL;
	if (rib_vip_add(r, a, &req, &res))
		return;
	log_warnx("state file: %s of %s not restored: %s; kept as orphaned "
	    "until the config allows it again", jget_str(rec, "vip"), owner,
	    res.msg);
	json_object *orphan = json_object_new_object();
	json_object *owners = json_object_new_array();
	json_object_object_add(orphan, "vip", json_object_new_string(
	    jget_str(rec, "vip")));
	if (jget_str(rec, "pool"))
		json_object_object_add(orphan, "pool", json_object_new_string(
		    jget_str(rec, "pool")));
	json_object_array_add(owners, json_object_get(o));
	json_object_object_add(orphan, "owners", owners);
	json_object_object_add(orphan, "orphaned", json_object_new_string(
	    res.msg));
	json_object_array_add(st->orphans, orphan);
}

bool state_load(struct state *st, struct rib *r)
{
	if (st->path == NULL)
		return true;
	/* The directory may not exist on a fresh host. */
	char *copy = strdup(st->path);
	if (copy != NULL) {
		mkdir(dirname(copy), 0750);
		free(copy);
	}

	json_object *recs = json_object_new_object();
	load_snapshot(st, recs);
	load_journal(st, recs);
	/* Orphans are retried too: the config may allow them now. */
	json_object *old = st->orphans;
	st->orphans = json_object_new_array();
	size_t restored = 0;
	for (size_t i = 0; i < json_object_array_length(old); i++) {
		json_object *rec = json_object_array_get_idx(old, i);
		const char *vip = jget_str(rec, "vip");
		json_object *have, *mine, *theirs;
		if (!json_object_object_get_ex(recs, vip, &have)) {
			json_object_object_add(recs, vip, json_object_get(rec));
			continue;
		}
		/* The VIP has live owners too: retry this one with them. */
		json_object_object_get_ex(have, "owners", &mine);
		json_object_object_get_ex(rec, "owners", &theirs);
		for (size_t j = 0; j < json_object_array_length(theirs); j++)
			json_object_array_add(mine, json_object_get(
			    json_object_array_get_idx(theirs, j)));
	}
	json_object_object_foreach(recs, vip, rec) {
		struct prefix a;
		json_object *owners;
		addr_parse(vip, &a);
		json_object_object_get_ex(rec, "owners", &owners);
		for (size_t i = 0; i < json_object_array_length(owners); i++)
			apply_owner(st, r, rec, &a,
			    json_object_array_get_idx(owners, i));
		restored += rib_vip_find(r, &a) != NULL &&
		    json_object_array_length(owners) > 0;
	}
	json_object_put(old);
	json_object_put(recs);
	log_info("state file %s: %zu VIPs restored, %zu orphaned", st->path,
	    restored, json_object_array_length(st->orphans));
	return compact(st, r);
}

struct json_object *state_orphans_json(const struct state *st)
{
	json_object *copy = NULL;

	if (json_object_deep_copy(st->orphans, &copy, NULL) != 0)
		return json_object_new_array();
	return copy;
}

size_t state_orphans(const struct state *st)
{
	return json_object_array_length(st->orphans);
}
