/* public.c - the small public calls of lockwatch.h: version, names,
 * thresholds, memory, options. Each starts the library first. */
#include "graph.h"
#include "guard.h"
#include "dl.h"
#include "init.h"
#include "lock.h"
#include "options.h"
#include "out.h"
#include "stack.h"
#include "watchdog.h"

#include <errno.h>

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
	lw__dl_met(lock); /* named for another library loaded there */
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
	lw__dl_met(lock); /* named for another library loaded there */
	lw__lock_set_thresholds(lock, hold_ms, wait_ms);
	lw__guard_leave();
}

int lw_set_options(const char *options)
{
	lw__init();
	lw__guard_enter();
	int bad = lw__options_parse(&lw__opt, options, "lw_set_options", lw__out_stderr());
	lw__out_open();
	lw__watchdog_options_changed();
	lw__guard_leave();
	return bad ? EINVAL : 0;
}
