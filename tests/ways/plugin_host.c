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
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int run_plugin(int round)
{
	char exe[4096], path[4200];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return 1;
	exe[n] = '\0';
	char *form = strrchr(exe, '_'), *dir = strrchr(exe, '/');
	if (!form || !dir)
		return 1;
	*dir = '\0';
	snprintf(path, sizeof(path), "%s/libplug_abba_%s.so", exe, form + 1);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "cannot load %s: %s\n", path, dlerror());
		return 1;
	}
	long (*transfer)(int) = (long (*)(int))dlsym(h, "plugin_transfer");
	if (!transfer)
		return 1;
	printf("round %d: balance %ld\n", round, transfer(round));
	fflush(stdout);
	return dlclose(h) != 0;
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
