/* init.c - start-up, fork and exit (see init.h), and the small public
 * calls: version, names, options. */
#include "init.h"
#include "core.h"
#include "graph.h"
#include "lock.h"
#include "options.h"
#include "out.h"
#include "real.h"
#include "report.h"
#include "stack.h"
#include "stats.h"
#include "symbols.h"
#include "thread.h"
#include "watchdog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int init_state; /* 0 none, 1 running, 2 done */

static void at_fork_prepare(void)
{
	lw__guard_enter();
	lw__report_atfork_prepare();
	lw__core_atfork_prepare();
	lw__graph_atfork_prepare();
	lw__lock_atfork_prepare();
	lw__stack_atfork_prepare();
	lw__thread_atfork_prepare();
}

static void at_fork_parent(void)
{
	lw__thread_atfork_parent();
	lw__stack_atfork_parent();
	lw__lock_atfork_parent();
	lw__graph_atfork_parent();
	lw__core_atfork_parent();
	lw__report_atfork_parent();
	lw__guard_leave();
}

static void at_fork_child(void)
{
	lw__thread_atfork_child();
	lw__stack_atfork_child();
	lw__lock_atfork_child();
	lw__graph_atfork_child();
	lw__core_atfork_child();
	lw__report_atfork_child();
	lw__sym_reset();
	lw__watchdog_atfork_child();
	lw__guard_leave();
}

static void at_exit(void)
{
	lw__guard_enter();
	lw__watchdog_stop();
	lw__stats_report();
	if (lw__opt.exitcode && lw__report_errors() > 0) {
		lw__msg("%lu error report%s: exiting with status %ld (option exitcode)",
			lw__report_errors(), lw__report_errors() == 1 ? "" : "s",
			lw__opt.exitcode);
		fflush(NULL);
		_exit((int)lw__opt.exitcode);
	}
	lw__guard_leave();
}

void lw__init(void)
{
	int expected = 0;
	if (!__atomic_compare_exchange_n(&init_state, &expected, 1, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return; /* done, or running in this or another thread */
	int saved = errno;
	lw__guard_enter();
	lw__real_init();
	lw__options_defaults(&lw__opt);
	lw__options_parse(&lw__opt, getenv("LOCKWATCH_OPTIONS"), "LOCKWATCH_OPTIONS", 2);
	lw__out_open();
	lw__stack_init();
	if (lw__opt.verbose)
		lw__options_print(&lw__opt, 2);
	lw__thread_init();
	pthread_atfork(at_fork_prepare, at_fork_parent, at_fork_child);
	atexit(at_exit);
	lw__store_rel(&init_state, 2);
	lw__watchdog_start();
	lw__guard_leave();
	errno = saved;
}

__attribute__((constructor(101))) static void lw__constructor(void)
{
	lw__init();
}

unsigned lw_version(void)
{
	return LOCKWATCH_VERSION_HEX;
}

#define STR2(x) #x
#define STR(x) STR2(x)
const char *lw_version_string(void)
{
	return STR(LOCKWATCH_VERSION_MAJOR) "." STR(LOCKWATCH_VERSION_MINOR) "." STR(
		LOCKWATCH_VERSION_PATCH);
}

void lw_set_name(const void *lock, const char *name)
{
	if (!lock)
		return;
	lw__init();
	lw__guard_enter();
	lw__lock_set_name(lock, name);
	lw__guard_leave();
}

void lw_memory(lw_memory_t *m)
{
	if (!m)
		return;
	lw__init();
	lw__guard_enter();
	lw__lock_memory(&m->locks, &m->lock_bytes);
	lw__graph_memory(&m->edges, &m->edge_bytes);
	lw__stack_memory(&m->stacks, &m->stack_bytes);
	lw__guard_leave();
}

void lw_set_thresholds(const void *lock, long hold_ms, long wait_ms)
{
	if (!lock)
		return;
	lw__init();
	lw__guard_enter();
	lw__lock_set_thresholds(lock, hold_ms, wait_ms);
	lw__guard_leave();
}

int lw_set_options(const char *options)
{
	lw__init();
	lw__guard_enter();
	int bad = lw__options_parse(&lw__opt, options, "lw_set_options", 2);
	lw__out_open();
	lw__watchdog_options_changed();
	lw__guard_leave();
	return bad ? EINVAL : 0;
}
