/* init.c - the life cycle (see init.h): start-up (options, output, the
 * unwinder, the hooks of the lower layers, the watchdog when the process
 * needs it: watchdog.h), fork and exit.
 *
 * The fork table: lockwatch's own mutexes are taken before fork() in this
 * one order, which is also the order in which any code may nest them
 * (each is otherwise held alone, for a short non-blocking piece of work):
 *   1. report (report_mu, then handler_mu)   report/emit.c
 *   2. misuse de-duplication (seen_mu)        check/misuse.c
 *   3. cycle verdicts (order_mu)              check/order.c
 *   4. the graph (graph_mu)                   model/graph.c
 *   5. validated chains (chains_mu)           model/chains.c
 *   6. the lock registry (registry_mu)        model/records.c
 *   7. the stack depot                        model/stack.c
 *   8. the thread list (list_mu)              model/thread.c
 *   9. order lines written (order_line_mu)    report/order_written.c
 *  10. lockwatch's own memory (lw__mem_mu)    base/mem.c (taken inside any
 *      of the others, and inside the watchdog's and health's)
 * The parent lets them go in reverse order; the child makes them afresh
 * (it is the only thread, and the one that took them). The watchdog's,
 * health's and the reader's (base/aside.c) mutexes are never held across
 * a call into the others: the child only resets them. Every internal lock held counts in the guard
 * (base/mutex.h), as in its unseen count; the child's reset steps do not,
 * so both ends put the forking thread's guard (the child its unseen count
 * too) back as it was before prepare. */
#include "init.h"
#include "alloc.h"
#include "aside.h"
#include "chains.h"
#include "deadlock.h"
#include "deep.h"
#include "env.h"
#include "gate.h"
#include "held.h"
#include "graph.h"
#include "hooks.h"
#include "lock.h"
#include "misuse.h"
#include "mutex.h"
#include "object.h"
#include "options.h"
#include "order.h"
#include "order_line.h"
#include "out.h"
#include "policy.h"
#include "real.h"
#include "report.h"
#include "mem.h"
#include "stack.h"
#include "stats_table.h"
#include "symbols.h"
#include "thread.h"
#include "verdict.h"
#include "watchdog.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How long exit waits for the reports other threads are making. */
#define LW__EXIT_REPORT_WAIT_MS 5000

static int init_state; /* 0 none, 1 running, 2 done */
static LW__TLS int fork_guard; /* the forking thread's guard before prepare */
static LW__TLS int fork_unseen; /* and its unseen count (base/mutex.h) */

/* 2. to 10.; the report's mutexes (1.) go first, by their own steps (a
 * report handler may fork while it holds them). */
static struct lw__mutex *const fork_table[] = {
	&lw__misuse_mu, &lw__order_mu, &lw__graph_mu, &lw__chains_mu,
	&lw__registry_mu, &lw__depot_mu, &lw__thread_list_mu, &lw__order_line_mu,
	&lw__mem_mu, /* last: any of the others may be held while allocating */
};
#define N_FORK (sizeof(fork_table) / sizeof(fork_table[0]))

static void at_fork_prepare(void)
{
	fork_guard = lw__guard_up();
	fork_unseen = lw__tls_unseen;
	/* a program down to this thread forks with one (watchdog.h); not
	 * under ThreadSanitizer, whose fork holds its thread registry by now
	 * (a thread's end would wait for it) */
	if (fork_guard == 0 && !lw__tsan_here())
		lw__watchdog_quiesce();
	lw__guard_enter();
	/* first, holding no lock of lockwatch's: its threads out of the
	 * program's allocator (gate.h) */
	lw__gate_close();
	lw__report_atfork_prepare();
	for (size_t i = 0; i < N_FORK; i++)
		lw__mutex_prefork(fork_table[i]);
}

static void at_fork_parent(void)
{
	for (size_t i = N_FORK; i-- > 0;)
		lw__mutex_postfork_parent(fork_table[i]);
	lw__report_atfork_parent();
	lw__gate_open();
	lw__guard_back_to(fork_guard);
}

static void at_fork_child(void)
{
	for (size_t i = N_FORK; i-- > 0;)
		lw__mutex_postfork_child(fork_table[i]);
	lw__report_atfork_child();
	lw__gate_atfork_child();
	lw__thread_atfork_child();
	if (lw__guard_state())
		lw__held_atfork_child(lw__guard_state());
	lw__lock_atfork_child();
	lw__sym_reset();
	lw__watchdog_atfork_child();
	lw__aside_atfork_child();
	lw__stack_atfork_child();
	lw__verdict_register_forked();
	lw__unseen_restore(fork_unseen);
	lw__guard_back_to(fork_guard);
}

/* The last words, on a stack of their own (base/deep.h): exit may be
 * called from a thread with a small stack. arg: nonzero when exit() was
 * called from a signal handler that interrupted lockwatch in this thread
 * (the guard was up): its locks may be held here, so the order line,
 * which takes the graph lock, is not written. */
static void last_words(void *arg)
{
	lw__report_group_flush(1); /* the log's last word on every group */
	if (!arg)
		lw__order_line_write();
	lw__stats_report();
	if (!lw__verdict_under_run())
		lw__report_suppressions_summary();
}

static void at_exit(void)
{
	int inside = lw__guard_up() > 0;
	lw__guard_enter();
	/* an error another thread found and is reporting counts (its
	 * symbols may take a while); not from a handler that interrupted
	 * lockwatch, whose locks a reporter may need */
	if (!inside)
		lw__report_wait(LW__EXIT_REPORT_WAIT_MS);
	lw__watchdog_stop();
	lw__deep(last_words, inside ? (void *)1 : NULL);
	lw__policy_at_exit();
	lw__guard_leave();
}

/* A process of a `lockwatch run` that cannot reach the run's record (a
 * chroot, a private /tmp) cannot count its errors there: rather than a
 * green run, its errors set its own exit status, as the run would have
 * (`exitcode`, unless the user set one), and it says so. */
static void record_unreachable(void)
{
	int err = 0, why = lw__verdict_unreachable(&err);
	if (!why)
		return;
	if (lw__opt.exitcode == 0)
		lw__opt.exitcode = lw__run_exitcode(66);
	if (why == 2)
		lw__msg("WARNING: this process runs under `lockwatch run`, but LOCKWATCH_RUN_RECORD "
			"is not in this process's environment (a parent removed it): its errors "
			"cannot reach the run's exit status, so they set its own (%ld)",
			lw__opt.exitcode);
	else
		lw__msg("WARNING: the run record of `lockwatch run` cannot be opened here (%s: a "
			"chroot, a /tmp of its own, or a run that has ended?): this process's errors "
			"cannot reach the run's exit status, so they set its own (%ld)",
			err ? strerror(err) : "not a run record", lw__opt.exitcode);
}

/* One runtime per process. A program built with the header or the wrapper
 * API links liblockwatch; run under `lockwatch run`, the preload library
 * (which exports the same lw_ entry points, and comes first in the
 * loader's lookup order) is in the process too, and the program's calls
 * bind to it. The linked copy then stays dormant: no watchdog, no fork or
 * exit handlers, nothing tracked twice. Only the shared library checks;
 * the preload library is never dormant, and a static copy is called
 * directly by its program. */
static int dormant(void)
{
#ifdef LW_SHARED
	void *p = dlsym(RTLD_DEFAULT, "lw_version");
	return p && !lw__object_same(p, (void *)lw__init);
#else
	return 0;
#endif
}

int lw__init_done(void)
{
	return lw__load_acq(&init_state) == 2;
}

void lw__init(void)
{
	int expected = 0;
	if (!__atomic_compare_exchange_n(&init_state, &expected, 1, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return; /* done, or running in this or another thread */
	int saved = errno;
	lw__guard_enter();
	if (dormant()) {
		lw__store_rel(&init_state, 2);
		lw__guard_leave();
		errno = saved;
		return;
	}
	lw__object_setup();
	lw__real_init();
	lw__alloc_init();
	lw__hooks.lock_retired = lw__graph_forget;
	lw__hooks.thread_exit = lw__misuse_thread_exit;
	lw__hooks.forked_child_first_lock = lw__watchdog_restart;
	lw__hooks.report_made = lw__order_line_write;
	lw__hooks.watchdog_wanted = lw__watchdog_wanted;
	lw__out_stderr_take();
	lw__options_defaults(&lw__opt);
	lw__options_parse(&lw__opt, lw__getenv("LOCKWATCH_OPTIONS"), "LOCKWATCH_OPTIONS", 2);
	lw__out_open();
	lw__report_suppressions_load();
	lw__stack_init();
	if (lw__opt.verbose)
		lw__options_print(&lw__opt, 2);
	lw__thread_init();
	lw__verdict_register(); /* lockwatch runs here: `lockwatch run` is told */
	record_unreachable();
	pthread_atfork(at_fork_prepare, at_fork_parent, at_fork_child);
	atexit(at_exit);
	lw__store_rel(&init_state, 2);
	/* the watchdog waits for a second thread (watchdog.h); one that came
	 * before this point is seen here. With option timeout it must answer
	 * a hang request even in a process of one thread: it starts with the
	 * first blocking lock call (as in a forked child), never here. A
	 * thread started among the loader's constructors, or a process that
	 * has a thread before it ever locks, breaks programs that must be
	 * single-threaded (unshare(CLONE_NEWUSER), valgrind's DRD). */
	if (lw__opt.timeout > 0) {
		lw__store(&lw__tick, LW__TICK_RESTART);
	} else {
		lw__store_rel(&lw__watchdog_idle, 1);
		lw__watchdog_wanted(0);
	}
	lw__guard_leave();
	errno = saved;
}

__attribute__((constructor(101))) static void lw__constructor(void)
{
	lw__init();
}
