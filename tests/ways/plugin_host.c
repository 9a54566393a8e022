/* plugin_host.c - a host that knows nothing of lockwatch loads a plugin
 * built with it (a Python extension module built with the header, say):
 * the plugin's library brings liblockwatch in with it. The plugin's
 * transfer() takes its two locks in opposite orders, one thread after
 * the other (a lock-order cycle, never a deadlock here). The host then
 * unloads the plugin and goes on with its own work, loading it once more.
 * liblockwatch must stay until the process ends: before, it went with
 * the plugin, and its exit handler, run by dlclose, ended the host there
 * with the error status (option exitcode), its later output lost. The
 * host and the plugin of each form are found next to each other:
 * ways_plugin_host_FORM -> libplug_abba_FORM.so. Runs correctly natively. */
#include "plugin_open.h"

static int run_plugin(int round)
{
	char tag[32];
	snprintf(tag, sizeof(tag), "round %d", round);
	return plugin_run("abba", tag, round, NULL, NULL) == NULL;
}

int main(void)
{
	if (run_plugin(1))
		return 1;
	puts("the host goes on after unloading the plugin");
	fflush(stdout);
	if (run_plugin(2))
		return 1;
	puts("the host's work is done");
	return 0;
}
