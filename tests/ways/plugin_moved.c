/* plugin_moved.c - a host loads a plugin (plugins/plug_abba.c, whose
 * transfer() takes its two locks in opposite orders, one thread after
 * the other: a lock-order cycle, never a deadlock here), unloads it, and
 * loads it again, where the loader puts it elsewhere (a page of the
 * host's own now lies where it was, as any mapping made meanwhile may).
 * The same code took the same variables' locks both times: one bug, one
 * report, its second instance grouped with it. Before, the groups were
 * keyed by return addresses, which the move changes: two reports. The
 * host and the plugin of each form are found next to each other:
 * ways_plugin_moved_FORM -> libplug_abba_FORM.so. Runs correctly
 * natively; exits 3 if the plugin did not move (the test would not test). */
#include "plugin_open.h"

#include <sys/mman.h>

static void *run_plugin(int round)
{
	char tag[32];
	snprintf(tag, sizeof(tag), "round %d", round);
	return plugin_run("abba", tag, round, NULL, NULL);
}

int main(void)
{
	void *first = run_plugin(1);
	if (!first)
		return 1;
	/* where the plugin was: a page of the host's now (unless something
	 * was mapped there already, lockwatch's own memory: then that
	 * keeps the plugin out of its place as well) */
	mmap(first, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	void *second = run_plugin(2);
	if (!second)
		return 1;
	if (second == first)
		return 3;
	puts("the plugin moved; the host's work is done");
	return 0;
}
