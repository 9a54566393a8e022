/* timeout.c - waiting for the program's whole tree, and `lockwatch run
 * --timeout SECONDS` (see timeout.h): wait for the tree with a time limit; when it is up, ask every process of the
 * tree for its hang report through the run record (src/base/verdict.h),
 * wait a bounded grace period for the answers, then kill the tree.
 *
 * The tree is every descendant of lockwatch: lockwatch is a child
 * subreaper (PR_SET_CHILD_SUBREAPER), so a process whose parent exits is
 * re-parented to lockwatch, not to init, and is still found and waited
 * for. Once the program (the direct child) has ended, two kinds of process
 * are not waited for, since natively nothing would wait for them and the
 * run would never end: a daemon, in a session of its own (setsid: gpg's
 * gpg-agent, ssh-agent), and anything left when lockwatch has been told to
 * stop (SIGINT, SIGTERM, SIGHUP: lw__cli_stop). Each is named on stderr:
 * what it reports from then on is not counted. */
#define _GNU_SOURCE
#include "timeout.h"
#include "procfs.h"
#include "unchecked.h"
#include "verdict.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long ms_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&t, NULL);
}

volatile sig_atomic_t lw__cli_stop, lw__cli_child_done;
sigset_t lw__cli_forwarded;

static int tree_left(int by_session, pid_t own_sid, pid_t prog_sid, const char *why);

int lw__cli_wait(pid_t child, int *status, long timeout_s)
{
	long deadline = timeout_s > 0 ? ms_now() + timeout_s * 1000 : -1;
	/* the wait polls, and walks the tree every 100 ms or more for
	 * processes that run unchecked (tools/unchecked.c) and, once the
	 * program has ended, for what is left of it */
	long next_walk = ms_now() + 100;
	int got_child = 0;
	pid_t own_sid = getsid(0), prog_sid = getsid(child);
	/* the forwarded signals (tools/lockwatch.c, forward()) are held while
	 * the child is reaped: once it is, they are no longer sent to its
	 * pid, which another process may take */
	sigset_t old;
	for (;;) {
		int st = 0;
		/* as subreaper, every orphan of the tree is a child of ours: when
		 * none is left (ECHILD), nothing of the tree is left */
		if (!got_child) {
			/* the program's session, as it last was (it may setsid) */
			pid_t sid = getsid(child);
			if (sid > 0)
				prog_sid = sid;
		}
		sigprocmask(SIG_BLOCK, &lw__cli_forwarded, &old);
		pid_t p = waitpid(-1, &st, WNOHANG);
		int err = errno;
		if (p == child) {
			*status = st;
			got_child = 1;
			lw__cli_child_done = 1;
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (p > 0)
			continue;
		if (p < 0 && err != EINTR)
			return err == ECHILD && got_child ? 1 : -1;
		if (got_child && lw__cli_stop)
			return tree_left(0, 0, 0, "still runs after lockwatch was told to stop"), 1;
		long now = ms_now();
		if (deadline >= 0 && now >= deadline)
			return 0;
		if (now >= next_walk) {
			if (got_child && tree_left(1, own_sid, prog_sid,
						   "runs on in a session of its own (a daemon) "
						   "after the program ended") == 0) {
				/* a process of the tree that ended since the last
				 * wait is a zombie, not live: reaped now, so that
				 * nothing of the tree is left when the run returns */
				while (waitpid(-1, NULL, WNOHANG) > 0)
					;
				return 1;
			}
			/* a big tree (many threads) makes a costly walk: then
			 * the walks are spaced out, at most ~5% of a CPU */
			lw__unchecked_walk();
			long took = ms_now() - now;
			next_walk = now + took + (took * 20 > 100 ? took * 20 : 100);
		}
		sleep_ms(20);
	}
}

/* ---- the process tree (from /proc) ------------------------------------- */

struct proc {
	pid_t pid, ppid, sid;
	char state;
	int threads; /* the process's, its first task counted even as a zombie */
};

int lw__cli_proc_stat(pid_t pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	return lw__proc_read(path, buf, size) > 0 ? 0 : -1;
}

/* Parent, session, state and thread count of pid; 0, or -1 when it is
 * gone. */
static int proc_read(pid_t pid, struct proc *p)
{
	char buf[512];
	if (lw__cli_proc_stat(pid, buf, sizeof(buf)) != 0)
		return -1;
	const char *state = lw__proc_stat_field(buf, 3), *ppid = lw__proc_stat_field(buf, 4),
		   *sid = lw__proc_stat_field(buf, 6), *threads = lw__proc_stat_field(buf, 20);
	if (!state || !ppid || !sid || !threads)
		return -1;
	p->state = *state;
	p->ppid = (pid_t)atoi(ppid);
	p->sid = (pid_t)atoi(sid);
	p->threads = atoi(threads);
	p->pid = pid;
	return 0;
}

/* Has the process a live thread? Its state is its first task's: a
 * process whose main thread ended with pthread_exit reads 'Z' while its
 * other threads run on. */
static int proc_live(const struct proc *p)
{
	return (p->state != 'Z' && p->state != 'X') || p->threads > 1;
}

static int alive(pid_t pid)
{
	struct proc p;
	return pid > 0 && proc_read(pid, &p) == 0 && proc_live(&p);
}

/* Every process of the system in *all (n of them, returned), and in
 * *mark which are descendants of this one. Both NULL (0) when out of
 * memory. */
static size_t tree_read(struct proc **all_out, char **mark_out)
{
	struct proc *all = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 0)
			continue;
		if (n == cap) {
			struct proc *m = realloc(all, (cap = cap ? 2 * cap : 256) * sizeof(*all));
			if (!m)
				break;
			all = m;
		}
		if (proc_read(pid, &all[n]) == 0)
			n++;
	}
	if (d)
		closedir(d);
	/* mark descendants: a process whose parent is this one or marked */
	char *mark = calloc(n ? n : 1, 1);
	for (int changed = 1; changed && mark;) {
		changed = 0;
		for (size_t i = 0; i < n; i++) {
			if (mark[i])
				continue;
			int under = all[i].ppid == getpid();
			for (size_t j = 0; j < n && !under; j++)
				under = mark[j] && all[j].pid == all[i].ppid;
			if (under) {
				mark[i] = 1;
				changed = 1;
			}
		}
	}
	if (!mark) {
		free(all);
		all = NULL;
		n = 0;
	}
	*all_out = all;
	*mark_out = mark;
	return n;
}

/* What is left of the tree once the program has ended: with by_session,
 * how many live processes of it are in session own_sid or prog_sid; else
 * none is counted. When none is, each live one (a daemon, or left after a
 * stop) is named on stderr, with `why`: it is not waited for. A session
 * id may be 0: in a pid namespace whose session leader is outside it (a
 * container entered with `docker exec`), getsid() and /proc read 0. */
static int tree_left(int by_session, pid_t own_sid, pid_t prog_sid, const char *why)
{
	struct proc *all;
	char *mark;
	size_t n = tree_read(&all, &mark);
	int attached = 0;
	for (size_t i = 0; i < n; i++)
		if (by_session && mark[i] && proc_live(&all[i]) &&
		    (all[i].sid == own_sid || all[i].sid == prog_sid))
			attached++;
	for (size_t i = 0; i < n && !attached; i++) {
		if (!mark[i] || !proc_live(&all[i]))
			continue;
		char comm[64] = "?", path[64];
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)all[i].pid);
		if (lw__proc_read(path, comm, sizeof(comm)) > 0)
			comm[strcspn(comm, "\n")] = 0;
		fprintf(stderr,
			"lockwatch: process %d (%s) %s: not waited for; what it reports from now on "
			"is not counted\n",
			(int)all[i].pid, comm, why);
	}
	free(mark);
	free(all);
	return attached;
}

/* Kill every live descendant of this process once; returns how many. */
static int kill_descendants(void)
{
	struct proc *all;
	char *mark;
	size_t n = tree_read(&all, &mark);
	int killed = 0;
	for (size_t i = 0; i < n; i++)
		if (mark[i] && proc_live(&all[i]) && kill(all[i].pid, SIGKILL) == 0)
			killed++;
	free(mark);
	free(all);
	return killed;
}

/* ---- the hang request ---------------------------------------------------- */

/* Has every watching process that is still alive written its report? The
 * last slot of a pid counts (an exec'd process claims a new one). */
static int all_answered(const struct lw__record *r, int *answered)
{
	uint32_t n = __atomic_load_n(&r->n_procs, __ATOMIC_ACQUIRE);
	int pending = 0;
	*answered = 0;
	if (n > LW__RECORD_PROCS)
		n = LW__RECORD_PROCS;
	for (uint32_t i = 0; i < n; i++) {
		pid_t pid = __atomic_load_n(&r->procs[i].pid, __ATOMIC_ACQUIRE);
		int later = 0;
		for (uint32_t j = i + 1; j < n && !later; j++)
			later = __atomic_load_n(&r->procs[j].pid, __ATOMIC_ACQUIRE) == pid;
		if (later)
			continue;
		if (__atomic_load_n(&r->procs[i].done, __ATOMIC_ACQUIRE))
			(*answered)++;
		else if (pid == 0 || alive(pid))
			pending++;
	}
	return pending == 0;
}

int lw__cli_hang(const char *record, pid_t child, int *status, long watchdog_ms)
{
	int answered = 0, reaped = 0;
	struct lw__record *r = MAP_FAILED;
	int fd = record[0] ? open(record, O_RDWR | O_CLOEXEC) : -1;
	if (fd >= 0) {
		r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
	}
	if (r != MAP_FAILED) {
		__atomic_store_n(&r->hang, 1u, __ATOMIC_RELEASE);
		/* the answers: one look of each watchdog, then the report */
		long until = ms_now() + 5000 + 20 * watchdog_ms;
		while (!all_answered(r, &answered) && ms_now() < until) {
			if (!reaped && waitpid(child, status, WNOHANG) == child)
				reaped = 1;
			sleep_ms(20);
		}
		munmap(r, sizeof(*r));
	}
	/* kill the tree until nothing of it is left alive (forks in between
	 * are caught by the next round), then reap */
	for (int round = 0; round < 200 && kill_descendants() > 0; round++)
		sleep_ms(5);
	if (!reaped)
		while (waitpid(child, status, 0) < 0 && errno == EINTR)
			;
	/* reap every descendant (as subreaper, orphans are ours), so none is
	 * left running or a zombie when lockwatch returns; bounded at 5 s */
	long until = ms_now() + 5000;
	for (;;) {
		pid_t p = waitpid(-1, NULL, WNOHANG);
		if (p < 0 && errno == ECHILD)
			break;
		if (p <= 0) {
			if (ms_now() >= until)
				break;
			kill_descendants();
			sleep_ms(5);
		}
	}
	return answered;
}
