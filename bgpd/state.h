/*
 * state.h - the state file: run-time VIPs survive a restart, even kill -9.
 *
 * A snapshot (the state-file path) plus a journal next to it
 * (PATH.journal), both JSON lines, one record per VIP: the whole state of
 * its run-time owners.  A batch of changes is one append and one
 * fdatasync (group commit); when the journal outgrows the snapshot it is
 * folded into a new one (temp file, fsync, rename), at an idle moment.
 * Static VIPs of the config are not stored.
 */
#ifndef LBBGP_STATE_H
#define LBBGP_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm/prefix.h"
#include "rib/rib.h"

struct state;
struct json_object;

/* path NULL: no state file; every call below is then a no-op. */
struct state *state_open(const char *path);
void state_close(struct state *st);

/*
 * Read snapshot and journal, one record at a time, and apply them to the
 * RIB; then write a fresh snapshot.  A file that cannot be read is moved
 * aside (PATH.corrupt-TIME) with a log line, never silently dropped.
 * Records the config no longer allows (a VIP outside every pool, ...)
 * are kept as orphans: logged, written back, retried at the next start.
 * False when the state file cannot be written.
 */
bool state_load(struct state *st, struct rib *r);

/* A VIP changed: its record goes out with the next commit. */
void state_touch(struct state *st, const struct prefix *vip);
/* The same for n VIPs; takes the malloc'd array (no copy of a big batch). */
void state_touch_all(struct state *st, struct prefix *vips, size_t n);
bool state_dirty(const struct state *st);
/* Write every touched VIP; false (and still dirty) on failure. */
bool state_commit(struct state *st, struct rib *r);
/*
 * The same a slice at a time: up to max records per call, the one
 * fdatasync at the end; VIPs touched meanwhile join the commit.  DONE
 * when everything touched is on disk (or nothing was touched).
 */
enum state_rc { STATE_MORE, STATE_DONE, STATE_FAILED };
enum state_rc state_commit_step(struct state *st, struct rib *r, size_t max);

/* The journal has outgrown the snapshot: fold it when idle. */
bool state_want_compact(const struct state *st);
bool state_compact(struct state *st, const struct rib *r);

/*
 * Reload.  An owner the new config refused becomes an orphan (pool: its
 * pool's name, or NULL); orphans the new config allows are added to the
 * RIB again, each appended to `restored` as {"vip","owner"}.  Call
 * state_compact() after.
 */
void state_orphan(struct state *st, const struct vip *v, const char *pool,
    const struct vip_owner *o, const char *check, const char *why);
size_t state_orphans_retry(struct state *st, struct rib *r,
    struct json_object *restored);
/* The owner withdraws an orphaned VIP: forgotten.  False if none. */
bool state_is_orphan(const struct state *st, const struct prefix *vip,
    const char *owner);
bool state_orphan_withdraw(struct state *st, const struct prefix *vip,
    const char *owner);
/* The state file moves (path NULL: none); state_compact() writes it. */
bool state_set_path(struct state *st, const char *path);

/* What the state file did since start-up, for metrics. */
struct state_stats {
	uint64_t commits;		/* batches appended to the journal */
	uint64_t commit_failures;	/* batches that could not be */
	uint64_t records;		/* VIP records in those batches */
	uint64_t snapshots;		/* snapshots written (journal folded) */
	uint64_t snapshot_failures;
};
const struct state_stats *state_stats(const struct state *st);

/* Orphaned records: how many, and a copy for show-vips. */
size_t state_orphans(const struct state *st);
struct json_object *state_orphans_json(const struct state *st);

#endif
