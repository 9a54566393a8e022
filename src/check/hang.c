/* hang.c - option timeout: when the time is up, one hang report of every
 * thread of the process (see hang.h).
 *
 * Who writes it: each process of the tree, from inside, on its watchdog
 * thread, since only it has the state (held locks, waits, stacks). Under
 * `lockwatch run` the CLI keeps the time: when it is up it sets the run
 * record's hang request (base/verdict.h), which every watching process
 * polls once per look; each writes its report, marks its slot done, and
 * the CLI then kills the tree and exits with 124. A process not started by
 * `lockwatch run` keeps its own time (from lockwatch's start-up) and exits
 * with 124 itself after its report.
 *
 * A thread's state comes from the snapshot (a lock, semaphore or
 * condition-variable wait lockwatch saw) and else from the kernel
 * (/proc/self/task/TID/syscall): pthread_join waits on the joined thread's
 * TID word, anything else is "in a system call" or "running". */
#include "hang.h"
#include "name.h"
#include "now.h"
#include "order_line.h"
#include "options.h"
#include "out.h"
#include "report.h"
#include "stack.h"
#include "stall.h"
#include "sysname.h"
#include "verdict.h"

#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct {
	pid_t pid;     /* the process the slot below was claimed for */
	int slot;      /* run record slot, -2 unwaited, -1 own time */
	int answered;  /* this process's hang report is written */
	struct lw__task *tasks;
	size_t cap_tasks;
} hang;

static const struct snap_thread *snap_of(int tid)
{
	for (size_t i = 0; i < lw__n_snap; i++)
		if (lw__snap[i].tid == tid)
			return &lw__snap[i];
	return NULL;
}

/* The thread task t joins (pthread_join waits on its TID word, expecting
 * the TID), or 0. */
static int joined_tid(const struct lw__task *t, size_t n)
{
	if (!t->blocked || t->nr != SYS_futex)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (hang.tasks[i].tid != t->tid &&
		    (uint64_t)hang.tasks[i].tid == (t->arg[2] & 0xffffffffu))
			return hang.tasks[i].tid;
	return 0;
}

/* A lock wait: the holders whose hold blocks s, into the report. */
static void lock_wait(struct lw__rb *rb, int ti, const struct snap_thread *s, char *brief,
		      size_t n)
{
	char holders[256];
	size_t len = 0;
	holders[0] = 0;
	for (size_t j = 0; j < lw__n_snap; j++) {
		const struct snap_thread *h = &lw__snap[j];
		int k = lw__snap_holds(h, s->waiting);
		if (h == s || k < 0 || !lw__snap_blocks(&h->held[k], s->waiting, s->wait_mode))
			continue;
		lw__rb_thread_waits_for(rb, ti, h->tid);
		int w = snprintf(holders + len, sizeof(holders) - len, "%s%d (%s)",
				 len ? ", thread " : "thread ", h->tid, h->name);
		if (w > 0 && (size_t)w < sizeof(holders) - len)
			len += (size_t)w;
	}
	const char *name = lw__rb_lock_name(rb, lw__rb_lock(rb, s->waiting));
	const char *kind = lw__lock_kind_name(s->waiting->kind);
	if (s->waiting->kind == LW__SEM && !len)
		lw__rb_thread_state(rb, ti, "waits for semaphore %s (any thread may post it)", name);
	else
		lw__rb_thread_state(rb, ti, "waits to %s %s %s, held by %s",
				    s->wait_mode == LW__READ ? "read-lock" : "lock", kind, name,
				    len ? holders : "no thread lockwatch sees");
	snprintf(brief, n, "waits for %s%s%s", name, len ? " held by " : "", len ? holders : "");
}

/* Add thread t (snapshot entry s, or NULL) with what it is doing; its
 * name into name (16 bytes), a short form of its state into brief. */
static void add_thread(struct lw__rb *rb, const struct lw__task *t, const struct snap_thread *sc,
		       size_t n_tasks, char *name, char *brief, size_t n)
{
	struct snap_thread tmp, *s = (struct snap_thread *)sc;
	int joined = joined_tid(t, n_tasks);
	const char *call = t->blocked ? lw__syscall_name(t->nr) : NULL;
	if (!s) {
		memset(&tmp, 0, sizeof(tmp));
		tmp.tid = t->tid;
		s = &tmp;
	}
	const char *role = s->waiting ? (s->wait_cond ? "cond waiter" : "waiter")
			   : joined ? "joiner" : t->blocked ? "in a system call" : "running";
	int li = s->waiting ? lw__rb_lock(rb, s->waiting) : -1;
	uint64_t dur = s->waiting ? lw__snap_at_least(lw__tick, s->wait_tick) : 0;
	int ti = lw__stall_add_thread(rb, s, role, li, dur, s->waiting ? s->wait_stack : 0, 1);
	memcpy(name, s->name, sizeof(s->name));
	if (s->waiting && !s->wait_cond) {
		lock_wait(rb, ti, s, brief, n);
	} else if (s->waiting) {
		const char *m = lw__rb_lock_name(rb, li);
		lw__rb_thread_state(rb, ti, "waits on a condition variable%s (mutex %s): "
				    "any thread may signal it", t->blocked && t->nr == SYS_futex
				    ? "" : " (not blocked in the kernel now)", m);
		snprintf(brief, n, "waits on a condition variable (mutex %s)", m);
	} else if (joined) {
		lw__rb_thread_waits_for(rb, ti, joined);
		lw__rb_thread_state(rb, ti, "joins thread %d (pthread_join)", joined);
		snprintf(brief, n, "joins thread %d", joined);
	} else if (t->blocked) {
		if (call)
			lw__rb_thread_state(rb, ti, "in system call %s", call);
		else
			lw__rb_thread_state(rb, ti, "in system call number %ld", t->nr);
		snprintf(brief, n, "in %s%s", call ? call : "a system call", call ? "()" : "");
	} else {
		lw__rb_thread_state(rb, ti, "running (not in a system call)");
		snprintf(brief, n, "running");
	}
}

/* The hang report of this process: every thread but the watchdog. */
static void report(int own_time)
{
	long n = lw__tasks_list(&hang.tasks, &hang.cap_tasks);
	int self = (int)syscall(SYS_gettid);
	struct lw__rb *rb = lw__rb_new(LW_HANG, LW_ERROR);
	if (!rb)
		return;
	char line[2048], brief[512], name[16];
	size_t len = 0, shown = 0;
	line[0] = 0;
	for (long i = 0; i < n; i++)
		if (hang.tasks[i].tid != self)
			lw__task_read(&hang.tasks[i]);
	for (long i = 0; i < n; i++) {
		const struct lw__task *t = &hang.tasks[i];
		if (t->tid == self)
			continue;
		const struct snap_thread *s = snap_of(t->tid);
		brief[0] = 0;
		add_thread(rb, t, s, (size_t)n, name, brief, sizeof(brief));
		int w = snprintf(line + len, sizeof(line) - len, "%sthread %d (%s) %s",
				 shown ? "; " : "", t->tid, name, brief);
		if (w > 0 && (size_t)w < sizeof(line) - len)
			len += (size_t)w;
		shown++;
	}
	lw__rb_headline(rb, "hang: no end after %ld s: %s", lw__opt.timeout, line);
	lw__rb_note(rb, "the time limit (option timeout) is up and the process is still running; "
		    "every thread is listed with the locks it holds, what it waits for and who "
		    "holds that, and its current stack; %s",
		    own_time ? "exiting with status 124"
			     : "`lockwatch run` ends the run with status 124");
	lw__report_emit(rb);
}

void lw__hang_check(uint32_t now)
{
	if (lw__opt.timeout <= 0)
		return;
	pid_t pid = getpid();
	if (hang.pid != pid) { /* first look, or a forked child's */
		hang.pid = pid;
		hang.answered = 0;
		hang.slot = lw__verdict_watch();
	}
	if (hang.answered)
		return;
	if (hang.slot == -1 && now >= (uint64_t)lw__opt.timeout * 1000u) {
		report(1);
		lw__order_line_write();
		lw__msg("timeout: no end after %ld s: exiting with status 124 (option timeout)",
			lw__opt.timeout);
		_exit(124);
	}
	if (hang.slot != -1 && lw__verdict_hang_asked()) {
		report(0);
		lw__order_line_write(); /* `lockwatch run` kills the process next */
		hang.answered = 1;
		lw__verdict_hang_done(hang.slot);
	}
}
