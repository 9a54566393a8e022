/* dl_reuse.c - a plugin's static lock after dlclose. Plugin codec takes
 * its codec_lock before the program's app lock; it is unloaded, and
 * plugin cache, loaded next at the same address, takes app before its
 * cache_lock. Two different locks that happened to live at one address,
 * never at the same time: no cycle. lockwatch must retire codec_lock's
 * record, edges and name with the library (no false app/cache_lock
 * cycle). Then plugin cache inverts its own order once (a real cycle,
 * run one after the other, so it never deadlocks): the one report, named
 * after cache_lock and app. The plugins are built the same way as this program (plain,
 * wrapper, header) and found next to it. Runs correctly natively. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t app = PTHREAD_MUTEX_INITIALIZER;

/* The plugin of this form: ways_dl_reuse_FORM -> libdl_NAME_FORM.so */
static void *load(const char *name, char *where, size_t size)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *form = strrchr(exe, '_');
	char *dir = strrchr(exe, '/');
	if (!form || !dir)
		return NULL;
	*dir = '\0';
	snprintf(where, size, "%s/libdl_%s_%s.so", exe, name, form + 1);
	return dlopen(where, RTLD_NOW | RTLD_LOCAL);
}

static int run(const char *name, void **lock_addr)
{
	char path[4200];
	void *h = load(name, path, sizeof(path));
	if (!h) {
		fprintf(stderr, "cannot load %s: %s\n", path, dlerror());
		return 1;
	}
	void (*work)(pthread_mutex_t *) = (void (*)(pthread_mutex_t *))dlsym(h, "plugin_work");
	char sym[64];
	snprintf(sym, sizeof(sym), "%s_lock", name);
	*lock_addr = dlsym(h, sym);
	if (!work || !*lock_addr)
		return 1;
	for (int i = 0; i < 3; i++)
		work(&app);
	void (*inverse)(pthread_mutex_t *) = (void (*)(pthread_mutex_t *))dlsym(h, "plugin_inverse");
	if (inverse)
		inverse(&app);
	if (dlclose(h) != 0)
		return 1;
	printf("plugin %s done\n", name);
	return 0;
}

int main(void)
{
	void *codec = NULL, *cache = NULL;
	if (run("codec", &codec) || run("cache", &cache))
		return 1;
	/* the test means something only when the loader reused the address */
	fprintf(stderr, "dl_reuse: codec_lock %p, cache_lock %p: %s\n", codec, cache,
		codec == cache ? "same address" : "different addresses");
	return 0;
}
