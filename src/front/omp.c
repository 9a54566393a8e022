/* omp.c - OpenMP's locks: libgomp's critical sections, named or not, and
 * omp_init/set/test/unset/destroy_lock, and clang's (libomp's) critical
 * sections, and Fortran's simple locks (omp_set_lock_, ...),
 * interposed as a lock kind of their own (LW__OMP), in both
 * libraries: the preload library, and the one a program built with the
 * header or the wrapper API links (its copy of these comes before the
 * runtime in the loader's lookup order). OpenMP's locks are futex words,
 * not pthread locks: without this a pthread order taken only inside one
 * critical section was a false cycle (the gate was unseen), and an order
 * through an OpenMP lock went unreported.
 *
 * The lock of libgomp's `#pragma omp critical` is one word inside
 * libgomp: its record is keyed by a word of ours, named "omp critical".
 * A named section's (`critical(name)`) is keyed by the pointer libgomp is
 * given, the program's symbol `.gomp_critical_user_NAME`, which names it
 * (libomp's: `.gomp_critical_user_NAME.var`, unnamed or not).
 * Nest locks (omp_*_nest_lock) are not interposed: their layout
 * differs between libgomp's two ABIs (OMP_1.0, OMP_3.0), and a nest lock
 * is taken again by its owner; they stay unseen. The simple ones are one
 * function in both ABIs, so an unversioned definition here serves both.
 * An unlock on another thread than the lock's is a hand-over (a task's
 * lock, the task resumed elsewhere: check/held.c).
 *
 * The real functions are the next definitions past this object, looked
 * up at the first call (in the program's code, with none of lockwatch's
 * locks held; libgomp is loaded by then). Never at load: a lookup that
 * fails (most programs have no libgomp) allocates its error message, in
 * a program with its own malloc a lock call inside lockwatch's start-up
 * (ways_alloc_in_program hung). */
#include "ops.h"
#include "lockwatch.h"

#include <dlfcn.h>
#include <errno.h>

#define LW__EXPORT __attribute__((visibility("default")))
#define LW__NOINLINE __attribute__((noinline))

/* omp_lock_t, whose layout only libgomp reads (omp.h is not needed); and
 * libomp's (clang's) source location and critical section name. */
typedef struct lw__omp_lock omp_lock_t;
typedef struct lw__kmp_ident kmp_ident_t;
typedef int32_t kmp_critical_name[8];

static struct {
	void (*critical_start)(void);
	void (*critical_end)(void);
	void (*critical_name_start)(void **);
	void (*critical_name_end)(void **);
	void (*init_lock)(omp_lock_t *);
	void (*destroy_lock)(omp_lock_t *);
	void (*set_lock)(omp_lock_t *);
	void (*unset_lock)(omp_lock_t *);
	int (*test_lock)(omp_lock_t *);
	void (*kmpc_critical)(kmp_ident_t *, int32_t, kmp_critical_name *);
	void (*kmpc_critical_with_hint)(kmp_ident_t *, int32_t, kmp_critical_name *, uint32_t);
	void (*kmpc_end_critical)(kmp_ident_t *, int32_t, kmp_critical_name *);
	void (*f_init_lock)(omp_lock_t *);
	void (*f_destroy_lock)(omp_lock_t *);
	void (*f_set_lock)(omp_lock_t *);
	void (*f_unset_lock)(omp_lock_t *);
	int (*f_test_lock)(omp_lock_t *);
} gomp;

/* The key of the unnamed critical section's lock, and whether it was
 * named yet. */
static int omp_critical;
static int omp_critical_named;

/* The OpenMP runtime to call when none comes after this object in the
 * global scope: one loaded for a library of its own (RTLD_LOCAL: Python's
 * ctypes and extension modules), else libgomp, loaded now (a program built
 * with the header or the wrapper API whose OpenMP calls are all this
 * object's, whose libgomp the linker's --as-needed then left out). */
static void *runtime(void)
{
	static const char *const loaded[] = { "libgomp.so.1", "libomp.so.5", "libomp.so",
					      "libiomp5.so" };
	for (size_t i = 0; i < sizeof(loaded) / sizeof(loaded[0]); i++) {
		void *h = dlopen(loaded[i], RTLD_NOW | RTLD_NOLOAD);
		if (h)
			return h;
	}
	return dlopen("libgomp.so.1", RTLD_NOW | RTLD_LOCAL);
}

static void resolve_one(void **slot, const char *name, void **rt)
{
	if (lw__load_acq(slot))
		return;
	void *p = dlsym(RTLD_NEXT, name);
	if (!p && (*rt || (*rt = runtime())))
		p = dlsym(*rt, name);
	if (p)
		__atomic_store_n(slot, p, __ATOMIC_RELEASE);
}

/* Every real function (a handle to the runtime, when one was opened, is
 * kept: its functions are in use). */
static void resolve(void)
{
	void *rt = NULL;
	resolve_one((void **)&gomp.critical_start, "GOMP_critical_start", &rt);
	resolve_one((void **)&gomp.critical_end, "GOMP_critical_end", &rt);
	resolve_one((void **)&gomp.critical_name_start, "GOMP_critical_name_start", &rt);
	resolve_one((void **)&gomp.critical_name_end, "GOMP_critical_name_end", &rt);
	resolve_one((void **)&gomp.init_lock, "omp_init_lock", &rt);
	resolve_one((void **)&gomp.destroy_lock, "omp_destroy_lock", &rt);
	resolve_one((void **)&gomp.set_lock, "omp_set_lock", &rt);
	resolve_one((void **)&gomp.unset_lock, "omp_unset_lock", &rt);
	resolve_one((void **)&gomp.test_lock, "omp_test_lock", &rt);
	resolve_one((void **)&gomp.kmpc_critical, "__kmpc_critical", &rt);
	resolve_one((void **)&gomp.kmpc_critical_with_hint, "__kmpc_critical_with_hint", &rt);
	resolve_one((void **)&gomp.kmpc_end_critical, "__kmpc_end_critical", &rt);
	resolve_one((void **)&gomp.f_init_lock, "omp_init_lock_", &rt);
	resolve_one((void **)&gomp.f_destroy_lock, "omp_destroy_lock_", &rt);
	resolve_one((void **)&gomp.f_set_lock, "omp_set_lock_", &rt);
	resolve_one((void **)&gomp.f_unset_lock, "omp_unset_lock_", &rt);
	resolve_one((void **)&gomp.f_test_lock, "omp_test_lock_", &rt);
}

/* The real function in slot, looked up at its first call. A call here
 * without libgomp past us cannot be made as the program meant: said, and
 * the process ends. */
static __attribute__((noinline)) void *gomp_late(void **slot)
{
	resolve();
	void *p = lw__load_acq(slot);
	if (!p)
		lw__die("an OpenMP call reached lockwatch, but libgomp is not loaded past it");
	return p;
}

static inline void *gomp_real(void **slot)
{
	void *p = lw__load_acq(slot);
	return lw__likely(p != NULL) ? p : gomp_late(slot);
}

#define GOMP(f) ((__typeof__(gomp.f))gomp_real((void **)&gomp.f))

/* The unnamed section's lock is named once, before its first use. */
static void name_critical(void)
{
	if (lw__likely(lw__load(&omp_critical_named)))
		return;
	lw__store(&omp_critical_named, 1);
	lw_set_name(&omp_critical, "omp critical");
}

static LW__NOINLINE int slow_critical_start(struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(&omp_critical, NULL, LW__OMP, LW__WRITE, (GOMP(critical_start)(), 0))

static LW__ALWAYS_INLINE int critical_start(void)
LW__BODY_ACQUIRE(&omp_critical, NULL, LW__OMP, LW__WRITE, (LW__SITE(NULL)), (GOMP(critical_start)(), 0),
		 slow_critical_start(site_))

LW__EXPORT void GOMP_critical_start(void)
{
	name_critical();
	critical_start();
}

LW__EXPORT void GOMP_critical_end(void)
LW__BODY_RELEASE_VOID(&omp_critical, NULL, LW__OMP, (LW__SITE(NULL)), GOMP(critical_end)())

static LW__NOINLINE int slow_critical_name_start(void **p, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(p, NULL, LW__OMP, LW__WRITE, (GOMP(critical_name_start)(p), 0))

static LW__ALWAYS_INLINE int critical_name_start(void **p)
LW__BODY_ACQUIRE(p, NULL, LW__OMP, LW__WRITE, (LW__SITE(NULL)), (GOMP(critical_name_start)(p), 0),
		 slow_critical_name_start(p, site_))

LW__EXPORT void GOMP_critical_name_start(void **p)
{
	critical_name_start(p);
}

LW__EXPORT void GOMP_critical_name_end(void **p)
LW__BODY_RELEASE_VOID(p, NULL, LW__OMP, (LW__SITE(NULL)), GOMP(critical_name_end)(p))

/* A simple lock's bodies, each given its real function: C's (omp_*_lock)
 * and Fortran's (omp_*_lock_, its own entry points, whose C calls inside
 * libgomp are unseen; its argument is the address of the program's
 * INTEGER(omp_lock_kind), which holds the lock itself on Linux). */
typedef void (*lock_fn)(omp_lock_t *);

static LW__ALWAYS_INLINE int init_with(omp_lock_t *l, lock_fn real)
LW__BODY_INIT(l, NULL, LW__OMP, (LW__SITE(NULL)), (real(l), 0))

static LW__ALWAYS_INLINE void destroy_with(omp_lock_t *l, lock_fn real)
LW__BODY_DESTROY_VOID(l, NULL, (LW__SITE(NULL)), real(l))

static LW__NOINLINE int slow_set(omp_lock_t *l, lock_fn real, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(l, NULL, LW__OMP, LW__WRITE, (real(l), 0))

static LW__ALWAYS_INLINE int set_with(omp_lock_t *l, lock_fn real)
LW__BODY_ACQUIRE(l, NULL, LW__OMP, LW__WRITE, (LW__SITE(NULL)), (real(l), 0),
		 slow_set(l, real, site_))

/* omp_test_lock answers 1 (a Fortran LOGICAL .TRUE.) when it took the
 * lock: the try body reads 0 as taken. */
static LW__ALWAYS_INLINE int test_with(omp_lock_t *l, int (*real)(omp_lock_t *))
LW__BODY_TRY(l, NULL, LW__OMP, LW__WRITE, (LW__SITE(NULL)), real(l) ? 0 : EBUSY)

static LW__ALWAYS_INLINE void unset_with(omp_lock_t *l, lock_fn real)
LW__BODY_RELEASE_VOID(l, NULL, LW__OMP, (LW__SITE(NULL)), real(l))

LW__EXPORT void omp_init_lock(omp_lock_t *l)
{
	init_with(l, GOMP(init_lock));
}

LW__EXPORT void omp_destroy_lock(omp_lock_t *l)
{
	destroy_with(l, GOMP(destroy_lock));
}

LW__EXPORT void omp_set_lock(omp_lock_t *l)
{
	set_with(l, GOMP(set_lock));
}

LW__EXPORT int omp_test_lock(omp_lock_t *l)
{
	return test_with(l, GOMP(test_lock)) == 0;
}

LW__EXPORT void omp_unset_lock(omp_lock_t *l)
{
	unset_with(l, GOMP(unset_lock));
}

LW__EXPORT void omp_init_lock_(omp_lock_t *l)
{
	init_with(l, GOMP(f_init_lock));
}

LW__EXPORT void omp_destroy_lock_(omp_lock_t *l)
{
	destroy_with(l, GOMP(f_destroy_lock));
}

LW__EXPORT void omp_set_lock_(omp_lock_t *l)
{
	set_with(l, GOMP(f_set_lock));
}

LW__EXPORT int32_t omp_test_lock_(omp_lock_t *l)
{
	return test_with(l, GOMP(f_test_lock)) == 0;
}

LW__EXPORT void omp_unset_lock_(omp_lock_t *l)
{
	unset_with(l, GOMP(f_unset_lock));
}

/* clang's critical sections (libomp's entry points, which its GOMP_ ones
 * do not reach): keyed by the name's storage, the program's symbol
 * `.gomp_critical_user_NAME.var` (`.gomp_critical_user_.var` unnamed). */
static LW__NOINLINE int slow_kmpc_critical(kmp_ident_t *loc, int32_t gtid, kmp_critical_name *crit,
					   struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(crit, NULL, LW__OMP, LW__WRITE, (GOMP(kmpc_critical)(loc, gtid, crit), 0))

static LW__ALWAYS_INLINE int kmpc_critical(kmp_ident_t *loc, int32_t gtid, kmp_critical_name *crit)
LW__BODY_ACQUIRE(crit, NULL, LW__OMP, LW__WRITE, (LW__SITE(NULL)), (GOMP(kmpc_critical)(loc, gtid, crit), 0),
		 slow_kmpc_critical(loc, gtid, crit, site_))

LW__EXPORT void __kmpc_critical(kmp_ident_t *loc, int32_t gtid, kmp_critical_name *crit)
{
	kmpc_critical(loc, gtid, crit);
}

static LW__NOINLINE int slow_kmpc_critical_with_hint(kmp_ident_t *loc, int32_t gtid,
						     kmp_critical_name *crit, uint32_t hint,
						     struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(crit, NULL, LW__OMP, LW__WRITE,
		      (GOMP(kmpc_critical_with_hint)(loc, gtid, crit, hint), 0))

static LW__ALWAYS_INLINE int kmpc_critical_with_hint(kmp_ident_t *loc, int32_t gtid,
						     kmp_critical_name *crit, uint32_t hint)
LW__BODY_ACQUIRE(crit, NULL, LW__OMP, LW__WRITE, (LW__SITE(NULL)),
		 (GOMP(kmpc_critical_with_hint)(loc, gtid, crit, hint), 0),
		 slow_kmpc_critical_with_hint(loc, gtid, crit, hint, site_))

LW__EXPORT void __kmpc_critical_with_hint(kmp_ident_t *loc, int32_t gtid, kmp_critical_name *crit,
					  uint32_t hint)
{
	kmpc_critical_with_hint(loc, gtid, crit, hint);
}

LW__EXPORT void __kmpc_end_critical(kmp_ident_t *loc, int32_t gtid, kmp_critical_name *crit)
LW__BODY_RELEASE_VOID(crit, NULL, LW__OMP, (LW__SITE(NULL)), GOMP(kmpc_end_critical)(loc, gtid, crit))
