/*
 * exec.c - the exec probe of a health check: run a program, exit status
 * 0 is up.
 *
 * The program (an absolute path, no shell) runs in a process group of
 * its own with stdin, stdout and stderr on /dev/null (so no output can
 * fill memory or block it), the signal mask cleared and every signal at
 * its default, no descriptor of the daemon beyond those three.  It is
 * reaped through libev's ev_child, which needs the default loop.  At the
 * timeout, and when it exits, the whole group is killed so that nothing
 * it started outlives the probe.
 *
 * It must not block: no waitpid() without WNOHANG on the loop, except
 * exec_reap()'s few milliseconds at health_free(); and it must not leave
 * zombies.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bgpd/health/health_int.h"
#include "conf/conf.h"

extern char **environ;

/* exec_reap(): how long health_free() waits for a killed child. */
#define EXEC_REAP_TRIES	200
#define EXEC_REAP_PAUSE_NS 1000000L	/* 1 ms: 200 ms in all at most */

/* Kill what is left of the probe's process group; it may be gone. */
static void exec_kill_group(struct hcheck *hc)
{
	if (hc->pid > 0)
		(void)kill(-hc->pid, SIGKILL);
}

static void exec_child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct hcheck *hc = w->data;
	int st = w->rstatus;

	ev_child_stop(loop, &hc->child);
	ev_timer_stop(loop, &hc->deadline);
	/* The leader is reaped but the group id lives on while any of its
	 * processes does: a background child of a script dies here. */
	exec_kill_group(hc);
	hc->pid = -1;
	/* After a timeout (or for an orphan) this reports nothing. */
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		probe_finish(hc, HEALTH_PASS, "exit 0");
	else if (WIFEXITED(st))
		probe_finish(hc, HEALTH_FAIL, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		probe_finish(hc, HEALTH_FAIL, "killed by signal %d",
		    WTERMSIG(st));
	else
		probe_finish(hc, HEALTH_FAIL, "wait status %#x", st);
}

/* The timeout: the group is killed, the result is out now, and the child
 * is still reaped by exec_child_cb() when its exit arrives. */
static void exec_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct hcheck *hc = w->data;
	char reason[HEALTH_REASON_LEN];

	exec_kill_group(hc);
	probe_report(hc, HEALTH_FAIL, "%s",
	    probe_timeout_reason(hc, reason, sizeof(reason)));
}

/* posix_spawn()'s attributes and file actions for a probe; errno. */
static int exec_prepare(posix_spawnattr_t *attr,
    posix_spawn_file_actions_t *fa)
{
	sigset_t none, all;
	int rc;

	sigemptyset(&none);
	sigfillset(&all);
	sigdelset(&all, SIGKILL);
	sigdelset(&all, SIGSTOP);
	if ((rc = posix_spawnattr_init(attr)) != 0)
		return rc;
	if ((rc = posix_spawn_file_actions_init(fa)) != 0) {
		posix_spawnattr_destroy(attr);
		return rc;
	}
	/* Group 0: a new group led by the child, so kill(-pid) reaches all
	 * it starts.  Ignored signals (the daemon's SIGPIPE) and blocked
	 * ones would be inherited: reset both. */
	if ((rc = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) != 0 ||
	    (rc = posix_spawnattr_setpgroup(attr, 0)) != 0 ||
	    (rc = posix_spawnattr_setsigmask(attr, &none)) != 0 ||
	    (rc = posix_spawnattr_setsigdefault(attr, &all)) != 0 ||
	    (rc = posix_spawn_file_actions_addopen(fa, STDIN_FILENO,
	    "/dev/null", O_RDONLY, 0)) != 0 ||
	    (rc = posix_spawn_file_actions_addopen(fa, STDOUT_FILENO,
	    "/dev/null", O_WRONLY, 0)) != 0 ||
	    (rc = posix_spawn_file_actions_addopen(fa, STDERR_FILENO,
	    "/dev/null", O_WRONLY, 0)) != 0)
		goto fail;
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
	/* Sessions, control clients: not the probe's business. */
	if ((rc = posix_spawn_file_actions_addclosefrom_np(fa,
	    STDERR_FILENO + 1)) != 0)
		goto fail;
#endif
	return 0;
fail:
	posix_spawn_file_actions_destroy(fa);
	posix_spawnattr_destroy(attr);
	return rc;
}

void exec_start(struct hcheck *hc)
{
	struct ev_loop *loop = hc->h->loop;
	const struct conf_check *cc = hc->cc;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc;

	if (!ev_is_default_loop(loop)) {
		probe_finish(hc, HEALTH_FAIL,
		    "exec checks need libev's default loop");
		return;
	}
	if (cc->argc == 0 || cc->argv == NULL || cc->argv[0] == NULL) {
		probe_finish(hc, HEALTH_FAIL, "no program to run");
		return;
	}
	/* posix_spawn() says so too, but not everywhere (a vfork emulated
	 * by fork only shows as exit 127): the common mistake, clearly. */
	if (access(cc->argv[0], X_OK) == -1)
		rc = errno;
	else if ((rc = exec_prepare(&attr, &fa)) == 0) {
		rc = posix_spawn(&pid, cc->argv[0], &fa, &attr, cc->argv,
		    environ);
		posix_spawn_file_actions_destroy(&fa);
		posix_spawnattr_destroy(&attr);
	}
	if (rc != 0) {
		probe_finish(hc, HEALTH_FAIL, "cannot run %s: %s",
		    cc->argv[0], strerror(rc));
		return;
	}
	hc->pid = pid;
	/* Started before the loop runs again, so the exit cannot be
	 * missed: libev reaps on SIGCHLD from inside the loop. */
	ev_child_init(&hc->child, exec_child_cb, pid, 0);
	hc->child.data = hc;
	ev_child_start(loop, &hc->child);
	ev_timer_init(&hc->deadline, exec_timeout_cb,
	    (double)cc->timeout_ms / 1000.0, 0.);
	hc->deadline.data = hc;
	ev_timer_start(loop, &hc->deadline);
}

/* The check goes away: kill the group, no report; the ev_child stays
 * and reaps it (hc->running until then). */
void exec_cancel(struct hcheck *hc)
{
	ev_timer_stop(hc->h->loop, &hc->deadline);
	exec_kill_group(hc);
	hc->reported = true;
}

/*
 * health_free(): the loop may never run again, so reap the killed child
 * here, waiting a few milliseconds at most (SIGKILL takes effect at
 * once, unless the child is stuck in the kernel).  If it is still there
 * after that, libev's default loop reaps it on its SIGCHLD should it
 * run again (it waits for any child, watched or not).
 */
void exec_reap(struct hcheck *hc)
{
	struct ev_loop *loop = hc->h->loop;
	struct timespec pause = { 0, EXEC_REAP_PAUSE_NS };

	ev_timer_stop(loop, &hc->deadline);
	ev_child_stop(loop, &hc->child);
	if (hc->pid <= 0)
		return;
	exec_kill_group(hc);
	for (int i = 0; i < EXEC_REAP_TRIES; i++) {
		pid_t r = waitpid(hc->pid, NULL, WNOHANG);

		if (r == hc->pid || (r == -1 && errno != EINTR))
			break;	/* reaped, or libev reaped it (ECHILD) */
		nanosleep(&pause, NULL);
	}
	hc->pid = -1;
}
