/* local_host.h - the host half of the *_local tests: load the plugin
 * lib<BASE>_<form>.so from beside this executable (ways_<name>_<form>)
 * with RTLD_LOCAL, as Python's ctypes and extension modules are loaded,
 * call its plugin_work() and print "tally N". */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int lw_local_host(const char *base)
{
	char exe[4096], where[4200];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return 1;
	exe[n] = '\0';
	char *form = strrchr(exe, '_'), *dir = strrchr(exe, '/');
	if (!form || !dir)
		return 1;
	*dir = '\0';
	snprintf(where, sizeof(where), "%s/lib%s_%s.so", exe, base, form + 1);
	void *h = dlopen(where, RTLD_NOW | RTLD_LOCAL);
	long (*work)(void) = h ? (long (*)(void))dlsym(h, "plugin_work") : NULL;
	if (!work) {
		fprintf(stderr, "cannot load %s: %s\n", where, dlerror());
		return 1;
	}
	printf("tally %ld\n", work());
	return 0;
}
