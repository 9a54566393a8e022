/* once.c - pthread_once (std::call_once's, in libstdc++), and C11's
 * call_once (glibc's pthread_once inside libc, where no interposer
 * reaches), interposed by the preload library as a lock of their own
 * kind (LW__ONCE): held by the thread that runs the once routine, for as
 * long as it runs. The once wait is glibc's futex, not a lock call: a
 * thread that held a lock and waited for a once routine that needed the
 * same lock hung with long waits and nothing more.
 *
 * A call on a once that is done (glibc's word says so) goes straight to
 * glibc: the common call costs one load. Any other call is a moment at
 * which this thread could wait for another's routine: it is an acquire
 * whose order edges from the locks held here are recorded before the
 * real call, answered as not taken (no hold). glibc is given once_run in
 * place of the routine: when this thread is the one to run it, once_run
 * ends the wait, takes the hold, runs the routine and lets the hold go,
 * also when the routine is cancelled or throws (a cleanup; this file is
 * built with -fexceptions).
 *
 * A once call never starts lockwatch: before its start-up it goes
 * straight to glibc. It may come from inside an allocator (tcmalloc's
 * start-up runs a pthread_once under its own spinlock, from malloc),
 * where lockwatch's start-up, which allocates, would wait for that lock
 * for good (ways_alloc_churn_tcmalloc hung).
 *
 * In a forked child, a once another thread was running at the fork is
 * run again by glibc (its word carries the fork's generation): not an
 * orphan (model/thread.c). */
#include "init.h"
#include "ops.h"

#include <errno.h>
#include <threads.h>

#define LW__EXPORT __attribute__((visibility("default")))
#define LW__NOINLINE __attribute__((noinline))

/* glibc's once word: set once the routine has run (nptl's
 * __PTHREAD_ONCE_DONE) */
#define LW__ONCE_DONE 2

/* The call in progress on this thread, for once_run: the routine and its
 * once; calls nest (a routine that runs another once), innermost first. */
struct once_frame {
	void (*fn)(void);
	void *obj;
	struct once_frame *up;
};
static LW__TLS struct once_frame *once_top;

static void once_pop(struct once_frame *f)
{
	once_top = f->up;
}

static LW__NOINLINE int once_hold(void *o)
LW__BODY_TRY(o, NULL, LW__ONCE, LW__WRITE, (LW__SITE(NULL)), 0)

static LW__NOINLINE void once_let_go(void *o)
LW__BODY_RELEASE_VOID(o, NULL, LW__ONCE, (LW__SITE(NULL)), (void)0)

static void once_ran(void **o)
{
	once_let_go(*o);
}

/* The routine glibc runs: this thread's turn to run the program's. */
static void once_run(void)
{
	struct once_frame *f = once_top;
	struct lw__thread *t = lw__op_self();
	if (t)
		lw__wait_end(t); /* not waiting for the once: running it */
	void *held __attribute__((cleanup(once_ran))) = f->obj;
	once_hold(held);
	f->fn();
}

/* The real calls with once_run, their results in *r; as a lock call's,
 * never taken (once_run's hold was its own). */
static int pthread_once_call(pthread_once_t *o, void (*fn)(void), int *r)
{
	struct once_frame f __attribute__((cleanup(once_pop))) = { fn, o, once_top };
	once_top = &f;
	*r = LW_REAL_FN(pthread_once)(o, once_run);
	return EAGAIN;
}

static int call_once_call(once_flag *o, void (*fn)(void))
{
	struct once_frame f __attribute__((cleanup(once_pop))) = { fn, o, once_top };
	once_top = &f;
	LW_REAL_FN(call_once)(o, once_run);
	return EAGAIN;
}

static LW__NOINLINE int slow_pthread_once(pthread_once_t *o, void (*fn)(void), int *r,
					  struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(o, NULL, LW__ONCE, LW__WRITE, pthread_once_call(o, fn, r))

static LW__ALWAYS_INLINE int pthread_once_wait(pthread_once_t *o, void (*fn)(void), int *r)
LW__BODY_ACQUIRE(o, NULL, LW__ONCE, LW__WRITE, (LW__SITE(NULL)), pthread_once_call(o, fn, r),
		 slow_pthread_once(o, fn, r, site_))

LW__EXPORT int pthread_once(pthread_once_t *o, void (*fn)(void))
{
	if (lw__likely(lw__load_acq((const int *)o) & LW__ONCE_DONE) || !lw__init_done())
		return LW_REAL_FN(pthread_once)(o, fn);
	int r = 0;
	pthread_once_wait(o, fn, &r);
	return r;
}

static LW__NOINLINE int slow_call_once(once_flag *o, void (*fn)(void), struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(o, NULL, LW__ONCE, LW__WRITE, call_once_call(o, fn))

static LW__ALWAYS_INLINE int call_once_wait(once_flag *o, void (*fn)(void))
LW__BODY_ACQUIRE(o, NULL, LW__ONCE, LW__WRITE, (LW__SITE(NULL)), call_once_call(o, fn),
		 slow_call_once(o, fn, site_))

LW__EXPORT void call_once(once_flag *o, void (*fn)(void))
{
	if (lw__likely(lw__load_acq(&o->__data) & LW__ONCE_DONE) || !lw__init_done()) {
		LW_REAL_FN(call_once)(o, fn);
		return;
	}
	call_once_wait(o, fn);
}
