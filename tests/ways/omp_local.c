/* omp_local.c - a program without OpenMP that loads an OpenMP plugin with
 * RTLD_LOCAL (Python's ctypes and extension modules are loaded so): the
 * plugin's critical sections and lock calls reach lockwatch's entry
 * points, and libgomp, loaded for the plugin alone, is not in the global
 * scope that dlsym(RTLD_NEXT) searches. lockwatch found no libgomp and
 * ended the process ("libgomp is not loaded past it", status 134, in
 * every way; a helper's finding). Now it finds the loaded one: the
 * plugin's tally, 12000, and no report. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
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
	snprintf(where, sizeof(where), "%s/libomp_work_%s.so", exe, form + 1);
	void *h = dlopen(where, RTLD_NOW | RTLD_LOCAL);
	long (*work)(void) = h ? (long (*)(void))dlsym(h, "plugin_work") : NULL;
	if (!work) {
		fprintf(stderr, "cannot load %s: %s\n", where, dlerror());
		return 1;
	}
	printf("tally %ld\n", work());
	return 0;
}
