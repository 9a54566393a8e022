/* watchdog.c - the watchdog thread (see watchdog.h), started when the
 * process may need it (lw__watchdog_wanted). Every watchdog_ms it
 * advances lw__tick, takes a snapshot of every thread's holds and waits
 * (model/snapshot.c) and runs the checks on it without holding any lock:
 * long holds and waits (check/stall.c), deadlocks (check/deadlock.c), the
 * time limit (check/hang.c), and
 * the figures of lw_health() (check/health.c); and it prints the log's
 * summaries of grouped reports a second after their last print. */
#include "watchdog.h"
#include "aside.h"
#include "deadlock.h"
#include "gate.h"
#include "hang.h"
#include "health.h"
#include "hooks.h"
#include "mutex.h"
#include "options.h"
#include "out.h"
#include "procfs.h"
#include "real.h"
#include "report.h"
#include "snapshot.h"
#include "stack.h"
#include "stall.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/single_threaded.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* its own frames take a few KiB; reports run on a stack of their own
 * (base/deep.h), or here when none can be mapped */
#define WD_STACK (512u << 10)

static struct lw__mutex wd_mu = LW__MUTEX_INIT;
static struct lw__cond wd_cv = LW__COND_INIT;
static pthread_t wd_thread;
static int wd_running, wd_stop;
static int wd_tid; /* the watchdog's thread id, once it runs */
static int wd_looking; /* under wd_mu: a look is under way */
static struct timespec t0;

static uint64_t elapsed_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - t0.tv_sec) * 1000u +
	       (uint64_t)((now.tv_nsec - t0.tv_nsec) / 1000000);
}

/* Advance the tick to now; returns it. */
static uint32_t tick_now(void)
{
	uint32_t now = (uint32_t)elapsed_ms();
	if (now == LW__TICK_RESTART)
		now--; /* once in 49 days: keep the sentinel for forked children */
	lw__snap_tick(now);
	return now;
}

static void look(void)
{
	uint32_t now = tick_now();
	lw__lock_read_begin(); /* no record in the snapshot is reused meanwhile */
	lw__snapshot_take();
	lw__stall_check(now);
	lw__deadlock_check();
	lw__hang_check(now);
	lw__lock_read_end();
	lw__health_cycles(lw_report_count(LW_LOCK_ORDER_CYCLE));
	lw__report_group_flush(0);
}

/* Has the program ended, this thread aside? Its main thread ended with
 * pthread_exit (the process's first task stays, a zombie, while others
 * run) and no thread but this one is left. glibc ends a process with
 * status 0 when its last thread exits, by its own count of threads, in
 * which the watchdog is one: without this look, the watchdog would keep
 * such a process alive for good. One read of the first task's stat a look. */
static int program_gone(void)
{
	/* the first task's own line: the process's line would add up every
	 * thread's times (10,000 threads: 10,000 steps a look); by its id as
	 * /proc names it (a PID namespace's getpid() is 1 there when /proc is
	 * the parent namespace's) */
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", lw__proc_own_pid());
	if (lw__proc_read_aside(path, buf, sizeof(buf)) <= 0)
		return 0;
	const char *state = lw__proc_stat_field(buf, 3), *threads = lw__proc_stat_field(buf, 20);
	/* the thread count has the zombie in it, and the reader (aside.h) */
	return state && *state == 'Z' && threads &&
	       strtol(threads, NULL, 10) == 2 + (lw__aside_tid() != 0);
}

static void *wd_main(void *arg)
{
	(void)arg;
	lw__gate_started(); /* its start-up's calls into malloc are done (gate.h) */
	lw__guard_enter(); /* everything this thread does passes straight through */
	lw__unseen_begin(); /* and is no business of ThreadSanitizer's (mutex.h) */
	prctl(PR_SET_NAME, LW__WATCHDOG_NAME); /* known as lockwatch's (snapshot.h) */
	lw__store(&wd_tid, (int)syscall(SYS_gettid));
	lw__aside_enable(); /* its /proc reads: no descriptor of the program's */
	/* started late (watchdog.h), the tick stood still: move it now, so
	 * the holds taken from here on are not one thread start older */
	tick_now();
	lw__mutex_lock(&wd_mu);
	lw__cond_broadcast(&wd_cv); /* it runs (wd_tid): for quiesce */
	while (!wd_stop) {
		struct timespec until = lw__after_ms(lw__opt.watchdog_ms);
		lw__cond_wait(&wd_cv, &wd_mu, &until);
		if (wd_stop)
			break;
		wd_looking = 1;
		lw__mutex_unlock(&wd_mu);
		/* a look may start the reader, make libunwind's address space
		 * and report: calls into the program's malloc (gate.h) */
		lw__gate_enter();
		/* before the first look, not at the start: a short program's
		 * exit never waits for it */
		lw__stack_setup_late(); /* remote stacks, by the reader (stack.h) */
		look();
		int gone = program_gone();
		lw__gate_leave();
		if (lw__unlikely(gone)) {
			/* what glibc does in the last thread: exit(0), whose
			 * handlers (the program's, then lockwatch's) run here as
			 * they would there, unguarded */
			lw__unseen_end();
			lw__guard_leave();
			exit(0);
		}
		lw__mutex_lock(&wd_mu);
		wd_looking = 0;
		lw__cond_broadcast(&wd_cv); /* a fork may wait for it (quiesce) */
	}
	lw__mutex_unlock(&wd_mu);
	lw__unseen_end(); /* ThreadSanitizer: no thread ends with ignores on */
	return NULL;
}

/* The watchdog could not be started (error rc): said once per process. It
 * is not tried again: a lock call would try at every turn. */
static void say_not_started(int rc)
{
	static int said;
	if (__atomic_exchange_n(&said, 1, __ATOMIC_ACQ_REL))
		return;
	lw__msg("WARNING: the watchdog thread could not be started (%s%s): long holds and "
		"waits, and deadlocks as they happen, are not reported in this process "
		"(lock-order cycles, self-deadlocks and bad unlocks still are)",
		strerror(rc), rc == EAGAIN ? "; a thread limit such as RLIMIT_NPROC counts "
					     "lockwatch's threads too" : "");
}

void lw__watchdog_start(void)
{
	if (wd_running)
		return;
	/* the tick goes on from where it stood: 0 at start-up, or where it
	 * stopped in a forked child; a hold taken while no watchdog ran
	 * counts from now */
	uint32_t tick = lw__load(&lw__tick);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	t0.tv_sec -= tick / 1000;
	t0.tv_nsec -= (long)(tick % 1000) * 1000000;
	if (t0.tv_nsec < 0) {
		t0.tv_sec--;
		t0.tv_nsec += 1000000000;
	}
	sigset_t old;
	lw__own_thread_mask(&old);
	wd_stop = 0;
	/* a stack size of its own: never the program's default
	 * (pthread_setattr_default_np), which may be small */
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, WD_STACK);
	lw__gate_ticket(); /* a fork waits for its start-up (gate.h) */
	int rc = LW_REAL_FN(pthread_create)(&wd_thread, &at, wd_main, NULL);
	if (rc == 0)
		wd_running = 1;
	else
		lw__gate_started();
	pthread_attr_destroy(&at);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		say_not_started(rc);
}

void lw__watchdog_stop(void)
{
	if (!wd_running || pthread_equal(pthread_self(), wd_thread))
		return;
	lw__mutex_lock(&wd_mu);
	wd_stop = 1;
	lw__cond_broadcast(&wd_cv);
	lw__mutex_unlock(&wd_mu);
	pthread_join(wd_thread, NULL);
	wd_running = 0;
	lw__store(&wd_tid, 0);
}

/* Idle again, as at start-up or in a forked child: the process has one
 * thread; started again as watchdog.h says. */
static void idle_again(void)
{
	lw__store(&lw__forked_single, (int)syscall(SYS_gettid)); /* this thread's */
	if (lw__opt.timeout > 0)
		lw__store(&lw__tick, LW__TICK_RESTART); /* to answer a hang request */
	else
		lw__store(&lw__watchdog_idle, 1);
}

/* How long a fork waits for a look under way to end (quiesce). */
#define QUIESCE_WAIT_MS 2000
/* How long it waits for each of lockwatch's joined threads to leave the
 * kernel's thread group (microseconds, as a rule). */
#define QUIESCE_GONE_MS 100

struct alone_job {
	int skip[3]; /* the asker, the watchdog, the reader */
	int alone;
};

static void alone_job(void *arg)
{
	struct alone_job *j = arg;
	j->skip[2] = lw__aside_tid(); /* the reader, when it runs this */
	j->alone = lw__proc_alone_but(j->skip, 3);
}

void lw__watchdog_quiesce(void)
{
	if (!wd_running || pthread_equal(pthread_self(), wd_thread))
		return;
	int saved = errno;
	/* waits for the watchdog's start and for a look under way, a while
	 * at most (a report handler may wait for this thread); then, wd_mu
	 * held, no look starts, and the watchdog, between looks, ends at
	 * once */
	lw__mutex_lock(&wd_mu);
	struct timespec until = lw__after_ms(QUIESCE_WAIT_MS);
	while ((wd_looking || !lw__load(&wd_tid)) && !lw__passed(&until))
		lw__cond_wait(&wd_cv, &wd_mu, &until);
	struct alone_job j = { { (int)syscall(SYS_gettid), lw__load(&wd_tid), 0 }, 0 };
	if (!wd_looking && j.skip[1] > 0)
		lw__aside_start(alone_job, &j); /* in the reader: no descriptor of the program's */
	if (j.alone) {
		wd_stop = 1;
		lw__cond_broadcast(&wd_cv);
	}
	lw__mutex_unlock(&wd_mu);
	if (j.alone) {
		lw__guard_enter();
		int reader = lw__aside_tid();
		pthread_join(wd_thread, NULL);
		wd_running = 0;
		lw__store(&wd_tid, 0);
		lw__aside_stop();
		/* out of the kernel's thread group too, as the program's
		 * joined threads may well be by now (an unshare needs it) */
		lw__task_wait_gone(j.skip[1], QUIESCE_GONE_MS);
		lw__task_wait_gone(reader, QUIESCE_GONE_MS);
		idle_again();
		lw__guard_leave();
	}
	errno = saved;
}

void lw__watchdog_atfork_child(void)
{
	lw__store(&lw__forked_single, (int)syscall(SYS_gettid)); /* the forking thread's */
	lw__mutex_postfork_child(&wd_mu);
	lw__cond_postfork_child(&wd_cv);
	lw__health_atfork_child();
	lw__stall_atfork_child();
	lw__deadlock_atfork_child();
	if (!wd_running)
		return; /* idle in the parent, idle here */
	wd_running = 0;
	lw__store(&wd_tid, 0);
	idle_again(); /* the child has one thread */
}

void lw__watchdog_wanted(int always)
{
	if (!always && (__libc_single_threaded || lw__load(&lw__forked_single)))
		return;
	int expected = 1;
	if (!__atomic_compare_exchange_n(&lw__watchdog_idle, &expected, 0, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED))
		return; /* started, or being started, by another thread */
	int saved = errno;
	lw__guard_enter();
	lw__watchdog_start();
	lw__guard_leave();
	errno = saved;
}

void lw__watchdog_restart(void)
{
	/* whoever moves the tick off the sentinel starts the watchdog */
	uint32_t expected = LW__TICK_RESTART, now = (uint32_t)elapsed_ms();
	if (now == LW__TICK_RESTART)
		now--;
	if (__atomic_compare_exchange_n(&lw__tick, &expected, now, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_RELAXED)) {
		lw__guard_enter();
		lw__watchdog_start();
		lw__guard_leave();
	}
}

void lw__watchdog_options_changed(void)
{
	if (lw__opt.timeout > 0)
		lw__watchdog_wanted(1); /* a hang request may come */
	if (!wd_running)
		return;
	lw__mutex_lock(&wd_mu);
	lw__cond_broadcast(&wd_cv);
	lw__mutex_unlock(&wd_mu);
}

