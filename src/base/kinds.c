/* kinds.c - the report kinds' names (see kinds.h). */
#include "kinds.h"

#include <string.h>

const char *const lw__kind_names[LW_KIND_COUNT] = {
	[LW_LOCK_ORDER_CYCLE] = "lock_order_cycle",
	[LW_DEADLOCK] = "deadlock",
	[LW_SELF_DEADLOCK] = "self_deadlock",
	[LW_BAD_UNLOCK] = "bad_unlock",
	[LW_DESTROY_HELD] = "destroy_held",
	[LW_THREAD_EXIT_HOLDING] = "thread_exit_holding",
	[LW_LONG_HOLD] = "long_hold",
	[LW_LONG_WAIT] = "long_wait",
	[LW_HANG] = "hang",
	[LW_INIT_HELD] = "init_held",
};

int lw__kind_by_name(const char *s, size_t n)
{
	for (int k = 0; k < LW_KIND_COUNT; k++)
		if (lw__kind_names[k] && strlen(lw__kind_names[k]) == n &&
		    memcmp(lw__kind_names[k], s, n) == 0)
			return k;
	return -1;
}
