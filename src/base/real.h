/* real.h - the table of real pthread functions (real.def). lockwatch's own
 * code calls locks only through it, so in the preload library nothing it
 * does goes back through its own interposers. In the plain library the
 * table points straight at libc; in the preload library it is filled with
 * dlsym(RTLD_NEXT) (dlvsym for versioned symbols) by lw__real_init(). */
#ifndef LW_REAL_H
#define LW_REAL_H

#include "common.h"
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <threads.h>
#include <time.h>

struct lw__real {
#define LW_REAL(ret, name, params, args, ver, op, kind, mode, obj, hdr) ret(*name) params;
#include "real.def"
#undef LW_REAL
};

LW__EXTERN struct lw__real lw__real;

/* Fill the table (idempotent, safe to race: every racer stores the same
 * values). Returns 0, or -1 when a required function was not found. */
int lw__real_init(void);

/* The preload library: the next definition of name past it, of version
 * ver where glibc has several (0: the default), unless an interposer
 * without versions comes first (real.c). */
void *lw__real_next(const char *name, const char *ver);

/* The real function: in the preload library through the table (filled
 * first if needed), in the plain library a direct call into libc. */
#ifdef LW_PRELOAD
#define LW_REAL_FN(name) (lw__likely(lw__real.name != NULL) ? lw__real.name : (lw__real_init(), lw__real.name))
#else
#define LW_REAL_FN(name) name
#endif

#endif
