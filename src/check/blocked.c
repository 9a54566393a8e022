/* blocked.c - whether waits can still end by themselves (see blocked.h).
 *
 * The kernel shows, for a thread blocked in a system call, its number and
 * arguments; for a futex wait: the word, the operation (with the private
 * flag when no other process can wake it), the value expected, and the
 * timeout (0: none). pthread_join waits on the joined thread's TID word,
 * expecting that TID. Two looks at every thread, the same each time, and
 * every wait the snapshot saw still the same one afterwards, make it
 * certain that no thread ran in between: each wake-up needs a running
 * thread to post or unlock, or a signal handler: sem_post is
 * async-signal-safe (a daemon's SIGTERM handler posts the semaphore its
 * main thread waits on), and a signal ends sem_wait with EINTR (Python's
 * handlers only set a flag the waiter then sees). So a semaphore wait is
 * not for good while the program catches a signal one of its threads
 * does not block: the signal may come from anywhere (a timer, a kill).
 * Not a fault's (SIGSEGV, SIGBUS, ...: made by a running thread).
 * Mutexes, condition variables and joins are not ended by a signal, and a
 * handler may not unlock or signal them. */
#include "blocked.h"
#include "aside.h"
#include "grow.h"
#include "now.h"
#include "procfs.h"
#include "stall.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FUTEX_PRIVATE 128u
#define FUTEX_CMD(op) ((unsigned)(op) & 127u)

static struct lw__task *tasks;
static size_t cap_tasks;

/* A futex operation that sleeps: WAIT, LOCK_PI, WAIT_BITSET,
 * WAIT_REQUEUE_PI, LOCK_PI2. */
static int futex_sleeps(uint64_t op)
{
	unsigned c = FUTEX_CMD(op);
	return c == 0 || c == 6 || c == 9 || c == 11 || c == 13;
}

static int in_futex_wait(const struct lw__task *t)
{
	return t->blocked && t->nr == SYS_futex && futex_sleeps(t->arg[1]);
}

/* glibc's wait for good inside a mutex lock: when the kernel refuses a
 * priority-inheriting mutex's wait (EDEADLK: it would close a cycle;
 * ESRCH: the owner is gone) and the mutex is neither error-checking nor
 * recursive, glibc sleeps with no deadline on a word of 0 in its own
 * frame, just above the thread's stack pointer, never woken. */
static int mutex_delay(const struct lw__task *t)
{
	unsigned c = FUTEX_CMD(t->arg[1]);
	return (c == 0 || c == 9) && (uint32_t)t->arg[2] == 0 && t->arg[3] == 0 && t->sp &&
	       t->arg[0] >= t->sp && t->arg[0] - t->sp < 4096;
}

/* Does the kernel show s's thread asleep on a futex word of the lock it
 * waits for (a mutex's or an rwlock's own; glibc sleeps on no other, but
 * for a mutex's wait for good, mutex_delay)? */
static int on_lock_word(const struct snap_thread *s, const struct lw__task *t)
{
	uintptr_t a = (uintptr_t)lw__load(&s->waiting->addr), w = (uintptr_t)t->arg[0];
	size_t size = s->waiting->kind == LW__MUTEX ? sizeof(pthread_mutex_t)
						     : sizeof(pthread_rwlock_t);
	return in_futex_wait(t) &&
	       ((w >= a && w < a + size) || (s->waiting->kind == LW__MUTEX && mutex_delay(t)));
}

int lw__wait_can_end(const struct snap_thread *s)
{
	struct lw__task t = { .tid = s->tid };
	if (lw__task_read(&t) != 0)
		return 0; /* cannot tell: the snapshot's word */
	if (in_futex_wait(&t) && t.arg[3] != 0)
		return 1;
	/* a wait for a mutex or an rwlock (not a condition variable's, not a
	 * spinlock's, which spins) is a sleep on the lock's word; a thread
	 * not in one left its wait without lockwatch seeing (a siglongjmp out
	 * of a signal handler), or is still on its way in, or being woken */
	int lock_wait = s->waiting && !s->wait_cond &&
			(s->waiting->kind == LW__MUTEX || s->waiting->kind == LW__RWLOCK);
	return lock_wait && !on_lock_word(s, &t);
}

/* The snapshot thread of tid with a stable wait, or NULL. */
static const struct snap_thread *seen_waiter(int tid)
{
	for (size_t i = 0; i < lw__n_snap; i++)
		if (lw__snap[i].tid == tid)
			return lw__snap[i].waiting && lw__stall_wait_stable(&lw__snap[i])
				       ? &lw__snap[i] : NULL;
	return NULL;
}

/* Blocked for good in the wait the snapshot saw: a private futex wait with
 * no deadline (a spinlock waiter spins in user space: no deadline either);
 * for a condition variable, the wait on its sequence word (or, signalled,
 * on its mutex). */
static int seen_wait_for_good(const struct snap_thread *s, const struct lw__task *t)
{
	if (s->waiting->kind == LW__SPIN || s->waiting->kind == LW__OMP)
		return 1; /* libgomp's spins, then sleeps: either way for good */
	if (s->waiting->kind == LW__STATIC) /* libstdc++'s guard: a shared futex */
		return in_futex_wait(t) && t->arg[3] == 0;
	return in_futex_wait(t) && (t->arg[1] & FUTEX_PRIVATE) && t->arg[3] == 0;
}

/* Blocked in pthread_join, with no deadline, on a thread of this process. */
static int joins_for_good(const struct lw__task *t, size_t n)
{
	if (!in_futex_wait(t) || t->arg[3] != 0 || (FUTEX_CMD(t->arg[1]) != 0 &&
						    FUTEX_CMD(t->arg[1]) != 9))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (tasks[i].tid != t->tid && (uint64_t)tasks[i].tid == (t->arg[2] & 0xffffffffu))
			return 1;
	return 0;
}

/* One look at every thread but `self`; the second (`again`) must read each
 * exactly as the first did. Threads outside the snapshot's waits come
 * first: they are the ones likeliest to be running. */
static int look(size_t n, int self, int again)
{
	for (int inside = 0; inside < 2; inside++)
		for (size_t i = 0; i < n; i++) {
			struct lw__task *t = &tasks[i];
			const struct snap_thread *s = t->tid == self ? NULL : seen_waiter(t->tid);
			if (t->tid == self || (s != NULL) != inside)
				continue;
			char before[sizeof(t->raw)];
			memcpy(before, t->raw, sizeof(before));
			if (lw__task_read(t) < 0 || (again && strcmp(before, t->raw) != 0))
				return 0;
			if (s ? !seen_wait_for_good(s, t) : !joins_for_good(t, n))
				return 0;
		}
	return 1;
}

/* A signal mask from a status file of /proc (key "SigCgt:", "SigBlk:");
 * every signal when it cannot be read. */
static unsigned long long status_mask(const char *path, const char *key)
{
	char buf[4096];
	unsigned long long m;
	if (lw__proc_read_aside(path, buf, sizeof(buf)) <= 0 || !lw__proc_status_num(buf, key, 1, &m))
		return ~0ull;
	return m;
}

/* Could one of the n threads (but self) run a handler of the program's:
 * a signal it catches that one of them does not block? */
static int handler_can_run(size_t n, int self)
{
	unsigned long long caught = status_mask("/proc/self/status", "SigCgt:");
	caught &= ~lw__now_own_signals();
	/* glibc's own (cancellation, set*id): sent by a thread that runs; and
	 * the faults, which a thread blocked in a wait does not make (ASan,
	 * a JVM or a GC catch them in every program) */
	for (int sig = 32; sig < SIGRTMIN && sig <= 64; sig++)
		caught &= ~(1ull << (sig - 1));
	static const int faults[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGPIPE };
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		caught &= ~(1ull << (faults[i] - 1));
	for (size_t i = 0; i < n && caught; i++) {
		char path[64];
		if (tasks[i].tid == self || tasks[i].tid == lw__aside_tid())
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%d/status", tasks[i].tid);
		if (caught & ~status_mask(path, "SigBlk:"))
			return 1;
	}
	return 0;
}

/* Does a thread of the snapshot wait on a semaphore (a wait a signal
 * ends with EINTR, and a handler may post)? */
static int sem_waiter(void)
{
	for (size_t i = 0; i < lw__n_snap; i++)
		if (lw__snap[i].waiting && lw__snap[i].waiting->kind == LW__SEM)
			return 1;
	return 0;
}

int lw__all_blocked_for_good(void)
{
	long n = lw__tasks_list(&tasks, &cap_tasks);
	int self = (int)syscall(SYS_gettid);
	if (n <= 0 || !look((size_t)n, self, 0) || !look((size_t)n, self, 1))
		return 0;
	for (size_t i = 0; i < lw__n_snap; i++)
		if (lw__snap[i].waiting && !lw__snap_still_waiting(&lw__snap[i]))
			return 0;
	return !(sem_waiter() && handler_can_run((size_t)n, self));
}
