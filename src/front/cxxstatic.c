/* cxxstatic.c - C++'s function-local statics: the guard the compiler puts
 * around a static's first initialisation (__cxa_guard_acquire, _release
 * and _abort, in libstdc++), interposed as a lock of its own kind
 * (LW__STATIC). Built only into liblockwatch-preload.so: a library that
 * defined them in liblockwatch.so would stand in for libstdc++ at link
 * time, and a C++ program or plugin that needs libstdc++ only for its
 * guards would be linked without it (--as-needed), leaving no runtime to
 * call (ways_cxx_local, in the wrapper and header ways).
 *
 * The guard's wait is the C++ runtime's futex, not a pthread call: a
 * thread that holds a lock and waits for a static another thread is
 * initialising, while that initialisation waits for the same lock, hung
 * with long waits and nothing more.
 *
 * The compiler calls __cxa_guard_acquire only while the guard's first
 * byte says "not done yet": at the first use, or while another thread is
 * initialising it (never once it is done). So a call is a moment at which
 * this thread could wait for the initialising one:
 *   - it returns 1: this thread initialises, holding the guard (a write
 *     hold) until _release, or _abort when the constructor throws (or the
 *     thread is cancelled);
 *   - it returns 0: another thread initialised it, maybe while this one
 *     waited: the order edges from the locks held here were recorded
 *     before the call, as for any lock, and no hold is left (the acquire
 *     is answered as failed).
 * A static initialised again from its own constructor (a recursive first
 * use) waits for itself for good: a deadlock of one thread, as a mutex
 * taken twice.
 *
 * The real functions are looked up at the first call (as OpenMP's: never
 * at load, where a failed lookup allocates its message). A guard is the
 * Itanium C++ ABI's 64-bit word. */
#include "init.h"
#include "object.h"
#include "ops.h"

#include <dlfcn.h>
#include <errno.h>

#define LW__EXPORT __attribute__((visibility("default")))
#define LW__NOINLINE __attribute__((noinline))

typedef uint64_t lw__cxa_guard;

int __cxa_guard_acquire(lw__cxa_guard *g);
void __cxa_guard_release(lw__cxa_guard *g);
void __cxa_guard_abort(lw__cxa_guard *g);

static struct {
	int (*acquire)(lw__cxa_guard *);
	void (*release)(lw__cxa_guard *);
	void (*abort)(lw__cxa_guard *);
} cxa;

/* The C++ runtime's three functions, all from one runtime: the next
 * definitions past this object, or, when the global scope has none past
 * it, those of a runtime loaded for a library of its own (RTLD_LOCAL: a
 * C++ extension module of a C program, as Python loads them), never one
 * loaded now. A guard call that finds none cannot be made: said, and the
 * process ends (a call here comes from code linked to a runtime). */
static const char *const cxa_names[3] = { "__cxa_guard_acquire", "__cxa_guard_release",
					  "__cxa_guard_abort" };

static int cxa_from(void *h, void *f[3])
{
	for (int i = 0; i < 3; i++)
		if (!(f[i] = dlsym(h, cxa_names[i])) ||
		    lw__object_same(f[i], (void *)__cxa_guard_acquire))
			return 0;
	return 1;
}

static LW__NOINLINE void cxa_resolve(void)
{
	static const char *const loaded[] = { "libstdc++.so.6", "libc++abi.so.1", "libc++.so.1" };
	void *f[3];
	int ok = cxa_from(RTLD_NEXT, f);
	for (size_t i = 0; !ok && i < sizeof(loaded) / sizeof(loaded[0]); i++) {
		void *h = dlopen(loaded[i], RTLD_NOW | RTLD_NOLOAD);
		ok = h && cxa_from(h, f); /* the handle kept: its functions are in use */
	}
	if (!ok)
		lw__die("a C++ static's guard call reached lockwatch, but no C++ runtime is "
			"loaded past it");
	__atomic_store_n(&cxa.release, (void (*)(lw__cxa_guard *))f[1], __ATOMIC_RELEASE);
	__atomic_store_n(&cxa.abort, (void (*)(lw__cxa_guard *))f[2], __ATOMIC_RELEASE);
	__atomic_store_n(&cxa.acquire, (int (*)(lw__cxa_guard *))f[0], __ATOMIC_RELEASE);
}

static inline void *cxa_real(void **slot)
{
	void *p = lw__load_acq(slot);
	if (lw__likely(p != NULL))
		return p;
	cxa_resolve();
	return lw__load_acq(slot);
}

#define CXA(f) ((__typeof__(cxa.f))cxa_real((void **)&cxa.f))

/* The real acquire, its answer in *r; as a lock call's result: 0 (taken)
 * when this thread is to initialise, EAGAIN (not taken) when it is done. */
static inline int acquire_call(lw__cxa_guard *g, int *r)
{
	*r = CXA(acquire)(g);
	return *r ? 0 : EAGAIN;
}

static LW__NOINLINE int slow_acquire(lw__cxa_guard *g, int *r, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(g, NULL, LW__STATIC, LW__WRITE, acquire_call(g, r))

static LW__ALWAYS_INLINE int acquire(lw__cxa_guard *g, int *r)
LW__BODY_ACQUIRE(g, NULL, LW__STATIC, LW__WRITE, (LW__SITE(NULL)), acquire_call(g, r),
		 slow_acquire(g, r, site_))

LW__EXPORT int __cxa_guard_acquire(lw__cxa_guard *g)
{
	if (lw__unlikely(!lw__init_done())) /* never lockwatch's start-up: once.c */
		return CXA(acquire)(g);
	int r = 0;
	acquire(g, &r);
	return r;
}

LW__EXPORT void __cxa_guard_release(lw__cxa_guard *g)
LW__BODY_RELEASE_VOID(g, NULL, LW__STATIC, (LW__SITE(NULL)),
		      CXA(release)(g))

LW__EXPORT void __cxa_guard_abort(lw__cxa_guard *g)
LW__BODY_RELEASE_VOID(g, NULL, LW__STATIC, (LW__SITE(NULL)), CXA(abort)(g))
