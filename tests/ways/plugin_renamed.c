/* plugin_renamed.c - a host loads plugin alpha (plugins/plug_abba.c,
 * built with PLUG_NAME=alpha),
 * whose transfer() takes two locks in opposite orders (a lock-order
 * cycle, never a deadlock here), unloads it, and loads plugin beta: the
 * same code under other names, which the loader maps where alpha was,
 * so beta's code sits at alpha's addresses. Each has its cycle reported,
 * and beta's must name beta's functions: before, the symboliser's cache
 * of code addresses, kept across the unload, named them after alpha's.
 * The host and the plugins of each form are found next to each other:
 * ways_plugin_renamed_FORM -> libplug_NAME_FORM.so. Runs correctly
 * natively; exits 3 when beta never was mapped where alpha was (the
 * test would not test). */
#include "plugin_open.h"

int main(void)
{
	/* under lockwatch something of its own (a thread's stack, a report's
	 * files) may be mapped where alpha was; then alpha runs again (its
	 * cycle is one more instance of its own) and beta is tried again */
	for (int tries = 0; tries < 50; tries++) {
		size_t span = 0;
		void *alpha = plugin_run("alpha", NULL, 1, &span, NULL);
		if (!alpha)
			return 1;
		void *beta = plugin_run("beta", NULL, 1, NULL, alpha);
		if (!beta)
			return 1;
		if (beta == alpha) {
			puts("beta ran where alpha was");
			return 0;
		}
	}
	return 3;
}
