/* real.c - fill the real-function table. Built twice: into the plain
 * library (static pointers to libc) and, with LW_PRELOAD, into the preload
 * library (looked up past ourselves with dlsym/dlvsym). */
#include "real.h"

#include <dlfcn.h>

#ifndef LW_PRELOAD

struct lw__real lw__real = {
#define LW_REAL(ret, name, params, args, ver, op, kind, mode, obj, hdr) .name = name,
#include "real.def"
#undef LW_REAL
};

int lw__real_init(void)
{
	return 0;
}

#else

struct lw__real lw__real;

/* The symbol at one glibc version, when a version is asked for. */
static void *versioned(const char *name, const char *ver)
{
	return ver ? dlvsym(RTLD_NEXT, name, ver) : NULL;
}

int lw__real_init(void)
{
	int missing = 0;
#define LW_REAL(ret, name, params, args, ver, op, kind, mode, obj, hdr)           \
	if (!lw__real.name) {                                                    \
		void *p = versioned(#name, (ver));                               \
		if (!p)                                                          \
			p = dlsym(RTLD_NEXT, #name);                             \
		if (p)                                                           \
			__atomic_store_n((void **)&lw__real.name, p, __ATOMIC_RELEASE); \
		else                                                             \
			missing++;                                               \
	}
#include "real.def"
#undef LW_REAL
	return missing ? -1 : 0;
}

#endif
