/* real.c - fill the real-function table. Built twice: into the plain
 * library (static pointers to libc) and, with LW_PRELOAD, into the preload
 * library (looked up past ourselves with dlsym/dlvsym). */
#include "real.h"
#include "object.h"

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

/* The next definition of name past this library. Where glibc has more
 * than one version, the one asked for (dlsym might give the old one) --
 * unless the next definition is in another object than that version's:
 * a library interposing the call (ThreadSanitizer's runtime, another
 * preload), whose definitions carry no version, which dlvsym passes
 * over. Its calls must reach it, as they do without lockwatch. */
void *lw__real_next(const char *name, const char *ver)
{
	void *any = dlsym(RTLD_NEXT, name);
	void *at = ver ? dlvsym(RTLD_NEXT, name, ver) : NULL;
	if (!at || (any && any != at && !lw__object_same(any, at)))
		return any;
	return at;
}

int lw__real_init(void)
{
	int missing = 0;
#define LW_REAL(ret, name, params, args, ver, op, kind, mode, obj, hdr)           \
	if (!lw__real.name) {                                                    \
		void *p = lw__real_next(#name, (ver));                                 \
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
