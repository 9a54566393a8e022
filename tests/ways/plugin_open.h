/* plugin_open.h - for the plugin hosts of tests/ways (plugin_host.c,
 * plugin_moved.c, plugin_renamed.c): load the plugin NAME built the way
 * this host was, found next to it (ways_HOST_FORM -> libplug_NAME_FORM.so),
 * and run its plugin_transfer(amount), printing its balance after the
 * tag (none when tag is NULL); then unload it. Not run when it was loaded
 * elsewhere than at (unless at is NULL). Returns where the plugin was
 * loaded (its base), or NULL when it could not be loaded, run or
 * unloaded; *span (when not NULL): the bytes its segments took there. */
#ifndef PLUGIN_OPEN_H
#define PLUGIN_OPEN_H

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct plugin_span {
	uintptr_t base, end;
};

static int plugin_span_of(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct plugin_span *s = arg;
	(void)size;
	if (info->dlpi_addr != s->base)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_LOAD &&
		    info->dlpi_addr + info->dlpi_phdr[i].p_vaddr + info->dlpi_phdr[i].p_memsz > s->end)
			s->end = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr +
				 info->dlpi_phdr[i].p_memsz;
	return 1;
}

static void *plugin_run(const char *name, const char *tag, int amount, size_t *span,
			const void *at_only)
{
	char exe[4096], path[4200];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *form = strrchr(exe, '_'), *dir = strrchr(exe, '/');
	if (!form || !dir)
		return NULL;
	*dir = '\0';
	snprintf(path, sizeof(path), "%s/libplug_%s_%s.so", exe, name, form + 1);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "cannot load %s: %s\n", path, dlerror());
		return NULL;
	}
	long (*transfer)(int) = (long (*)(int))dlsym(h, "plugin_transfer");
	Dl_info at;
	if (!transfer || !dladdr((void *)transfer, &at))
		return NULL;
	if (at_only && at.dli_fbase != at_only)
		return dlclose(h) == 0 ? at.dli_fbase : NULL;
	long balance = transfer(amount);
	if (tag) {
		printf("%s: balance %ld\n", tag, balance);
		fflush(stdout);
	}
	if (span) {
		struct plugin_span s = { (uintptr_t)at.dli_fbase, 0 };
		dl_iterate_phdr(plugin_span_of, &s);
		*span = s.end > s.base ? ((s.end - s.base + 4095) & ~(size_t)4095) : 0;
	}
	return dlclose(h) == 0 ? at.dli_fbase : NULL;
}

#endif
