/* snapshot.c - the watchdog's view of every thread (see snapshot.h): racy
 * reads of state that only its owner writes, torn and stale entries
 * dropped; lock records are never freed, so a stale pointer is still a
 * valid record. Used by the watchdog thread only. */
#include "snapshot.h"
#include "aside.h"
#include "grow.h"
#include "mem.h"
#include "procfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct snap_thread *lw__snap;
size_t lw__n_snap;
static size_t cap_snap;

/* Copy t's held entry e into s, unless torn or stale. */
static void snap_entry(struct snap_thread *s, const struct lw__thread *t, const struct lw__held *e)
{
	struct snap_held *h = &s->held[s->n_held];
	h->lock = lw__load(&e->lock);
	h->tick = lw__load(&e->tick);
	h->stack = lw__load(&e->stack);
	h->mode = lw__load(&e->mode);
	if (!h->lock || lw__load(&e->lock) != h->lock)
		return; /* torn: it changed while read */
	if (h->mode == LW__WRITE && h->lock->kind != LW__SEM && lw__load(&h->lock->owner) != t)
		return; /* stale: unlocked by another thread */
	s->n_held++;
}

/* A slot for one more thread; new slots start empty (no held array). */
static struct snap_thread *snap_slot(void)
{
	size_t old = cap_snap;
	if (lw__grow(&lw__snap, &cap_snap, lw__n_snap, sizeof(*lw__snap), 16) < 0)
		return NULL;
	if (cap_snap > old)
		memset(&lw__snap[old], 0, (cap_snap - old) * sizeof(*lw__snap));
	return &lw__snap[lw__n_snap];
}

/* Under the thread-list lock, where t->more is replaced: it stays valid. */
static void snap_one(struct lw__thread *t, void *arg)
{
	(void)arg;
	struct snap_thread *s = snap_slot();
	if (!s)
		return;
	s->thread = t;
	s->tid = lw__load(&t->tid);
	memcpy(s->name, t->name, sizeof(s->name));
	s->name[15] = 0;
	uintptr_t w = lw__load(&t->waiting);
	uint64_t when = lw__load(&t->wait_when);
	s->wait_raw = w;
	s->wait_when_raw = when;
	s->waiting = lw__wait_lock(w);
	s->wait_mode = (w & LW__WAIT_READ) ? LW__READ : LW__WRITE;
	s->wait_cond = (w & LW__WAIT_COND) != 0;
	s->wait_tick = (uint32_t)when;
	s->wait_stack = (uint32_t)(when >> 32);
	s->reporting = lw__load_acq(&t->reporting) != 0;
	s->join_when_raw = lw__load(&t->join_when);
	s->join_raw = lw__load(&t->joining);
	s->self_pt = t->self_pt;
	s->join_to = -1;
	unsigned n = lw__load_acq(&t->n_held), m = lw__load_acq(&t->n_more);
	if (n > LW__MAX_HELD)
		n = LW__MAX_HELD;
	if (m > t->cap_more)
		m = t->cap_more;
	s->n_held = 0;
	if (lw__grow(&s->held, &s->cap_held, n + m, sizeof(*s->held), LW__MAX_HELD) < 0)
		m = 0; /* out of memory: the inline entries (cap_held >= LW__MAX_HELD) */
	if (!s->held)
		return;
	for (unsigned i = 0; i < n; i++)
		snap_entry(s, t, &t->held[i]);
	for (unsigned i = 0; i < m; i++)
		snap_entry(s, t, &t->more[i].h);
	s->stuck = 0;
	lw__n_snap++;
}

/* A tick stored at an acquisition can be up to one gap between two looks
 * old; durations are measured as lower bounds: elapsed minus that gap, so
 * a hold is never reported longer than it was. */
static uint32_t gaps[8];
static unsigned gap_i;

uint64_t lw__snap_at_least(uint32_t now, uint32_t tick)
{
	uint32_t slack = 0;
	for (int i = 0; i < 8; i++)
		if (gaps[i] > slack)
			slack = gaps[i];
	uint32_t d = now - tick;
	return d > slack ? d - slack : 0;
}

int lw__snap_holds(const struct snap_thread *s, const struct lw__lock *l)
{
	for (unsigned i = 0; i < s->n_held; i++)
		if (s->held[i].lock == l)
			return (int)i;
	return -1;
}

/* Is h a holder that blocks a waiter wanting `mode`? */
int lw__snap_blocks(const struct snap_held *h, const struct lw__lock *l, int mode)
{
	if (l->kind == LW__RWLOCK && mode == LW__READ && h->mode == LW__READ)
		return 0;
	return 1;
}

/* Refresh the snapshot's name from the kernel's (pthread_setname_np may
 * have renamed the thread since lockwatch first saw it): for reports only,
 * so the file read is off every lock call's path. */
void lw__snap_refresh_name(struct snap_thread *s)
{
	char path[64], buf[sizeof(s->name)];
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", s->tid);
	if (lw__proc_read_aside(path, buf, sizeof(buf)) <= 0)
		return;
	buf[strcspn(buf, "\n")] = 0;
	buf[sizeof(s->name) - 1] = 0; /* comm is at most 15 characters */
	memcpy(s->name, buf, sizeof(s->name));
}

int lw__snap_still_waiting(const struct snap_thread *s)
{
	const struct lw__thread *t = s->thread;
	return lw__load(&t->waiting) == s->wait_raw && lw__load(&t->wait_when) == s->wait_when_raw &&
	       lw__load(&t->joining) == s->join_raw &&
	       lw__load(&t->join_when) == s->join_when_raw && lw__load(&t->tid) == s->tid &&
	       lw__load(&t->alive);
}

/* Task tid's state letter (its stat line's third field: R, S, D, Z...),
 * or 0 when unreadable. */
static char task_state(int tid)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	const char *f = lw__proc_read_aside(path, buf, sizeof(buf)) > 0 ? lw__proc_stat_field(buf, 3)
									 : NULL;
	return f ? *f : 0;
}

/* The directory's entries are read with getdents64 into lockwatch's own
 * memory: opendir takes its buffer from malloc, the program's. 32 KiB a
 * call, as glibc's readdir: 10,000 threads are some 14 calls. Only the
 * first task can be a zombie while the process runs on: a main thread
 * that ended with pthread_exit. */
#define DENTS_BYTES 32768

struct list_job {
	struct lw__task **tasks;
	size_t *cap;
	long n;
};

/* in the reader thread (base/aside.h): the directory's descriptor is
 * never one of the program's numbers */
static void list_job(void *arg)
{
	struct list_job *j = arg;
	struct lw__task **tasks = j->tasks;
	size_t *cap = j->cap;
	char *buf = lw__mem_alloc(DENTS_BYTES);
	int fd = buf ? open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	long n = fd < 0 ? -1 : 0, got;
	int pid = (int)getpid(), reader = lw__aside_tid();
	while (n >= 0 && (got = syscall(SYS_getdents64, fd, buf, DENTS_BYTES)) != 0) {
		for (long at = 0; got > 0 && at < got;) {
			const struct dirent64 *e = (const void *)(buf + at);
			at += e->d_reclen;
			int tid = atoi(e->d_name);
			if (tid <= 0 || tid == reader || (tid == pid && task_state(tid) == 'Z'))
				continue;
			if (lw__grow(tasks, cap, (size_t)n, sizeof(**tasks), 16) < 0) {
				got = -1;
				break;
			}
			memset(&(*tasks)[n], 0, sizeof(**tasks));
			(*tasks)[n++].tid = tid;
		}
		if (got < 0)
			n = -1;
	}
	if (fd >= 0)
		close(fd);
	lw__mem_free(buf);
	j->n = n;
}

long lw__tasks_list(struct lw__task **tasks, size_t *cap)
{
	struct list_job j = { tasks, cap, -1 };
	lw__aside(list_job, &j);
	return j.n;
}

/* "running", or "NR ARG0 ... ARG5 SP PC" (numbers in hex but NR). */
int lw__task_read(struct lw__task *task)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", task->tid);
	task->blocked = 0;
	task->raw[0] = 0;
	if (lw__proc_read_aside(path, task->raw, sizeof(task->raw)) <= 0)
		return -1;
	char *p = task->raw, *end;
	long nr = strtol(p, &end, 10);
	if (end == p || nr < 0)
		return 0; /* "running" (or -1: blocked outside a system call) */
	for (int i = 0; i < 6; i++) {
		p = end;
		task->arg[i] = strtoull(p, &end, 16);
		if (end == p)
			return 0;
	}
	p = end;
	task->sp = strtoull(p, &end, 16);
	if (end == p)
		task->sp = 0;
	task->nr = nr;
	/* A thread being woken still shows the system call it slept in, its
	 * wake-up under way (the kernel's TASK_WAKING, which the stat line
	 * shows as R): on a busy or preempted CPU, for longer than two looks.
	 * It is not blocked: it runs as soon as it gets a CPU. */
	task->blocked = task_state(task->tid) != 'R';
	return 0;
}

/* The tick advances to now: remember the gap for lw__snap_at_least. */
void lw__snap_tick(uint32_t now)
{
	gaps[gap_i++ % 8] = now - lw__load(&lw__tick);
	lw__store(&lw__tick, now);
}

/* The thread each joiner joins, when lockwatch knows it. */
static void resolve_joins(void)
{
	for (size_t i = 0; i < lw__n_snap; i++)
		for (size_t j = 0; j < lw__n_snap && lw__snap[i].join_raw; j++)
			if (j != i && lw__snap[j].self_pt == lw__snap[i].join_raw)
				lw__snap[i].join_to = (int)j;
}

void lw__snapshot_take(void)
{
	lw__n_snap = 0;
	lw__threads_each(snap_one, NULL);
	resolve_joins();
}
