/* lockwatch.h - the public API of lockwatch, a checker for lock bugs.
 *
 * Three things live here: wrapper lock types (lw_mutex_t, lw_rwlock_t,
 * lw_spinlock_t) that behave exactly like the pthread locks they wrap and
 * report lock-order cycles, self-deadlocks and bad unlocks; calls to name
 * locks and set options; and the report hook, which hands every report to
 * the program as a structured value and as its JSON text.
 *
 * ABI rule: the structs a program allocates (lw_mutex_t, lw_rwlock_t,
 * lw_spinlock_t) and the report structs (read as arrays) are frozen within
 * a major version: new information comes as new calls or new report kinds,
 * and any layout change bumps LOCKWATCH_VERSION_MAJOR and the soname.
 * Every function here is thread-safe unless it says otherwise.
 */
#ifndef LOCKWATCH_H
#define LOCKWATCH_H

#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LOCKWATCH_VERSION_MAJOR 0
#define LOCKWATCH_VERSION_MINOR 3
#define LOCKWATCH_VERSION_PATCH 0
#define LOCKWATCH_VERSION_HEX                                              \
	((LOCKWATCH_VERSION_MAJOR << 16) | (LOCKWATCH_VERSION_MINOR << 8) |  \
	 LOCKWATCH_VERSION_PATCH)

#if defined(LOCKWATCH_BUILDING)
#define LW_API __attribute__((visibility("default")))
#else
#define LW_API
#endif

/* The version of the library the program runs with, as LOCKWATCH_VERSION_HEX
 * and as "MAJOR.MINOR.PATCH". */
LW_API unsigned lw_version(void);
LW_API const char *lw_version_string(void);

/* ---- wrapper lock types ------------------------------------------------
 * Each wraps the pthread object of the same kind; every call returns what
 * the pthread call it wraps returned. The lw__rec field belongs to
 * lockwatch. Static initialisers work as with pthreads. */
struct lw__lock;

/* What <pthread.h> declares depends on the program's feature-test macros:
 * under -std=c99/c11/c17 without _POSIX_C_SOURCE >= 200112L, _XOPEN_SOURCE
 * >= 500 or _GNU_SOURCE there is no pthread_rwlock_t, pthread_rwlockattr_t
 * nor pthread_spinlock_t (and no PTHREAD_MUTEX_NORMAL, ...). The wrapper
 * types then hold storage of exactly the same size, alignment and layout
 * (glibc's own definition, from the parts of its headers that are always
 * visible), so an lw_rwlock_t is the same object in every mode; tests/
 * header_abi.c asserts it. LW__HAVE_RWLOCK and LW__HAVE_SPIN say whether
 * the pthread types were visible. */
#if defined(PTHREAD_RWLOCK_INITIALIZER)
#define LW__HAVE_RWLOCK 1
#endif
#if defined(PTHREAD_BARRIER_SERIAL_THREAD) /* same condition as pthread_spinlock_t */
#define LW__HAVE_SPIN 1
#endif

#if defined(__GLIBC__) && defined(__SIZEOF_PTHREAD_RWLOCK_T)
typedef union lw__rwlock_storage {
	struct __pthread_rwlock_arch_t lw__data;
	char lw__size[__SIZEOF_PTHREAD_RWLOCK_T];
	long int lw__align;
} lw__rwlock_storage_t;
#define LW__RWLOCK_STORAGE_INITIALIZER { { __PTHREAD_RWLOCK_INITIALIZER(0) } }
#endif
typedef volatile int lw__spinlock_storage_t;

#if defined(LW__HAVE_RWLOCK) || !defined(__GLIBC__)
typedef pthread_rwlock_t lw__rwlock_type;
typedef pthread_rwlockattr_t lw__rwlockattr_type;
#define LW__RWLOCK_INIT PTHREAD_RWLOCK_INITIALIZER
#else
typedef lw__rwlock_storage_t lw__rwlock_type;
typedef void lw__rwlockattr_type; /* no pthread_rwlockattr_t: pass NULL */
#define LW__RWLOCK_INIT LW__RWLOCK_STORAGE_INITIALIZER
#endif
#if defined(LW__HAVE_SPIN) || !defined(__GLIBC__)
typedef pthread_spinlock_t lw__spinlock_type;
#else
typedef lw__spinlock_storage_t lw__spinlock_type;
#endif

typedef struct lw_mutex {
	pthread_mutex_t m;
	struct lw__lock *lw__rec;
} lw_mutex_t;

typedef struct lw_rwlock {
	lw__rwlock_type rw;     /* a pthread_rwlock_t */
	struct lw__lock *lw__rec;
} lw_rwlock_t;

typedef struct lw_spinlock {
	lw__spinlock_type s;    /* a pthread_spinlock_t */
	struct lw__lock *lw__rec;
} lw_spinlock_t;

/* The recursive and error-checking initialisers are GNU extensions of
 * <pthread.h>; glibc spells them out the same way in every mode. */
#if defined(PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP) || !defined(__GLIBC__)
#define LW__RECURSIVE_INIT PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP
#define LW__ERRORCHECK_INIT PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP
#else
#define LW__RECURSIVE_INIT { { __PTHREAD_MUTEX_INITIALIZER(PTHREAD_MUTEX_RECURSIVE_NP) } }
#define LW__ERRORCHECK_INIT { { __PTHREAD_MUTEX_INITIALIZER(PTHREAD_MUTEX_ERRORCHECK_NP) } }
#endif

#define LW_MUTEX_INITIALIZER { PTHREAD_MUTEX_INITIALIZER, 0 }
#define LW_RECURSIVE_MUTEX_INITIALIZER { LW__RECURSIVE_INIT, 0 }
#define LW_ERRORCHECK_MUTEX_INITIALIZER { LW__ERRORCHECK_INIT, 0 }
#define LW_RWLOCK_INITIALIZER { LW__RWLOCK_INIT, 0 }

/* Mutex types for lw_mutex_init_type() (glibc's _NP names are visible in
 * every mode; the values are the POSIX ones). */
#ifdef __GLIBC__
enum { LW_MUTEX_NORMAL = PTHREAD_MUTEX_TIMED_NP,
       LW_MUTEX_RECURSIVE = PTHREAD_MUTEX_RECURSIVE_NP,
       LW_MUTEX_ERRORCHECK = PTHREAD_MUTEX_ERRORCHECK_NP };
#else
enum { LW_MUTEX_NORMAL = PTHREAD_MUTEX_NORMAL,
       LW_MUTEX_RECURSIVE = PTHREAD_MUTEX_RECURSIVE,
       LW_MUTEX_ERRORCHECK = PTHREAD_MUTEX_ERRORCHECK };
#endif

/* dlclose(handle) that also forgets the locks in the library's memory (its
 * static mutexes), so another library mapped there later does not inherit
 * their edges and names. Programs run under `lockwatch run` or built with
 * the force-included header get it for every dlclose. */
LW_API int lw_dlclose(void *handle);

/* unshare(flags) and setns(fd, nstype). The kernel lets only a process
 * of one thread enter a new user namespace (and, for setns, a mount
 * namespace); lockwatch has two threads of its own once the program has
 * had a second. A program whose threads have all ended gets them ended
 * first, as at a fork, so the call succeeds as natively; they start again
 * with the program's next thread. The force-included header routes a C
 * program's unshare and setns here (a C++ program calls these itself, or
 * runs under `lockwatch run`, which needs nothing). */
LW_API int lw_unshare(int flags);
LW_API int lw_setns(int fd, int nstype);

/* _exit(status), with option exitcode applied: ends the process at once
 * as _exit does (no exit handler, no stdio flush), with status exitcode
 * when this process reported an error. exit() needs nothing: lockwatch's
 * exit handler applies it. The force-included header routes the
 * program's _exit and _Exit calls here (in C++ std::_Exit too); a vfork
 * child keeps its own status. */
LW_API void lw_exit(int status) __attribute__((__noreturn__));
/* quick_exit(status), with option exitcode applied the same way (the
 * at_quick_exit handlers run, as with quick_exit). The header routes
 * quick_exit here from C11 and C++11 on (std::quick_exit too). */
LW_API void lw_quick_exit(int status) __attribute__((__noreturn__));

LW_API int lw_mutex_init(lw_mutex_t *m, const pthread_mutexattr_t *attr);
LW_API int lw_mutex_init_type(lw_mutex_t *m, int type);
LW_API int lw_mutex_destroy(lw_mutex_t *m);
LW_API int lw_mutex_lock(lw_mutex_t *m);
LW_API int lw_mutex_trylock(lw_mutex_t *m);
LW_API int lw_mutex_timedlock(lw_mutex_t *m, const struct timespec *abstime);
LW_API int lw_mutex_unlock(lw_mutex_t *m);

LW_API int lw_rwlock_init(lw_rwlock_t *rw, const lw__rwlockattr_type *attr);
LW_API int lw_rwlock_destroy(lw_rwlock_t *rw);
LW_API int lw_rwlock_rdlock(lw_rwlock_t *rw);
LW_API int lw_rwlock_tryrdlock(lw_rwlock_t *rw);
LW_API int lw_rwlock_timedrdlock(lw_rwlock_t *rw, const struct timespec *abstime);
LW_API int lw_rwlock_wrlock(lw_rwlock_t *rw);
LW_API int lw_rwlock_trywrlock(lw_rwlock_t *rw);
LW_API int lw_rwlock_timedwrlock(lw_rwlock_t *rw, const struct timespec *abstime);
LW_API int lw_rwlock_unlock(lw_rwlock_t *rw);

LW_API int lw_spin_init(lw_spinlock_t *s, int pshared);
LW_API int lw_spin_destroy(lw_spinlock_t *s);
LW_API int lw_spin_lock(lw_spinlock_t *s);
LW_API int lw_spin_trylock(lw_spinlock_t *s);
LW_API int lw_spin_unlock(lw_spinlock_t *s);

/* Condition-variable waits on an lw_mutex_t: the mutex counts as released
 * while the thread waits and as held again when the call returns; the
 * re-acquire adds no lock-order edge. */
LW_API int lw_cond_wait(pthread_cond_t *c, lw_mutex_t *m);
LW_API int lw_cond_timedwait(pthread_cond_t *c, lw_mutex_t *m,
			     const struct timespec *abstime);

/* pthread_join, seen by the deadlock search: the caller waits for thread
 * th until it returns (a join while holding a lock th needs is a
 * deadlock). */
LW_API int lw_thread_join(pthread_t th, void **ret);

/* ---- naming, options --------------------------------------------------- */

/* Give any lock (an lw_ type or a plain pthread lock, by address) a name
 * used in reports and as its class. The string is copied. */
LW_API void lw_set_name(const void *lock, const char *name);

/* Set options from a "key=value:key=value" string, the same syntax as the
 * LOCKWATCH_OPTIONS environment variable (read at start-up). Returns 0, or
 * EINVAL when a key or value was bad: a message naming it was written and
 * that option kept its previous value; the other keys are applied. */
LW_API int lw_set_options(const char *options);

/* ---- reports ----------------------------------------------------------- */

typedef enum lw_kind {
	LW_LOCK_ORDER_CYCLE = 0,
	LW_DEADLOCK,
	LW_SELF_DEADLOCK,
	LW_BAD_UNLOCK,
	LW_DESTROY_HELD,
	LW_THREAD_EXIT_HOLDING,
	LW_LONG_HOLD,
	LW_LONG_WAIT,
	LW_HANG,             /* the run's time limit (option timeout) is up: every thread */
	LW_INIT_HELD,        /* a held lock is initialised again (since 0.3) */
	LW_KIND_COUNT
} lw_kind_t;

typedef enum lw_severity { LW_WARNING = 1, LW_ERROR = 2 } lw_severity_t;

typedef struct lw_frame {
	uintptr_t pc;
	const char *function; /* NULL when unknown */
	const char *file;     /* NULL when unknown */
	int line;             /* 0 when unknown */
	const char *module;   /* the executable or shared object */
} lw_frame_t;

typedef struct lw_stack {
	int depth;
	const lw_frame_t *frames; /* innermost first */
} lw_stack_t;

typedef struct lw_report_lock {
	unsigned id;         /* unique per lock lifetime within the process */
	uintptr_t address;
	const char *kind;    /* "mutex", "rwlock", "spinlock", "semaphore" */
	const char *name;    /* user name, symbol name or kind@file:line */
	const char *class_;  /* stable across runs: symbol, user name or file:line */
} lw_report_lock_t;

typedef struct lw_report_edge {
	int from, to;        /* indexes into lw_report_t.locks */
	int tid;             /* the thread that first took from then to */
	const char *thread_name;
	int from_read, to_read; /* 1 when that acquisition was a read lock */
	lw_stack_t from_stack;  /* where `from` was taken */
	lw_stack_t to_stack;    /* where `to` was taken, holding `from` */
} lw_report_edge_t;

typedef struct lw_report_thread {
	int tid;
	const char *name;
	const char *role;    /* "holder", "waiter", "requester", "unlocker", "initialiser",
				 * "destroyer" or "exiting thread"; in a hang
				 * report also "cond waiter", "joiner",
				 * "running" or "in a system call"; in a
				 * deadlock report also "joiner" */
	int lock;            /* index into locks of the lock this role is about, or -1 */
	uint64_t duration_ms; /* how long it held or waited, 0 when not timed */
	int n_held;
	const int *held;     /* indexes into locks of the locks it holds */
	lw_stack_t stack;    /* where it took `lock`, or where it is now */
	lw_stack_t now;      /* what it is doing now (depth 0: not known) */
	const char *now_note; /* why `now` is missing, or NULL */
	/* (a hang report's "state" and "waits_for", and an edge's timed flags,
	 * are in the JSON text only: these structs are frozen, see above) */
} lw_report_thread_t;

typedef struct lw_report {
	lw_kind_t kind;
	lw_severity_t severity;
	const char *kind_name;   /* "lock_order_cycle", ... */
	const char *severity_name;
	const char *headline;    /* one line, human */
	const char *note;        /* why it is (not) an error; may be NULL */
	int pid;
	uint64_t time_ms;        /* since the Unix epoch */
	int n_locks;
	const lw_report_lock_t *locks;
	int n_edges;
	const lw_report_edge_t *edges;
	int n_threads;
	const lw_report_thread_t *threads;
	const char *json;        /* the report as one JSON object, no newline */
	const char *text;        /* the human text written to the log */
} lw_report_t;

/* Called once per report, in the thread that made it, after the report was
 * written to the log and JSON file and counted. A later cycle, long hold or
 * long wait of the same shape as an earlier report is an instance of that
 * report's group (its JSON line only), not a report: not passed here. The report and its strings
 * live only during the call. Reports are serialised: the handler runs
 * under lockwatch's report lock, so it must not wait for another thread
 * that may itself be reporting. It may call lockwatch functions; locks it
 * takes are not tracked, and a report made inside it is written but not
 * passed to it again. Pass NULL to remove. */
typedef void (*lw_report_fn)(const lw_report_t *report, void *arg);
LW_API void lw_set_report_handler(lw_report_fn fn, void *arg);

/* Reports made so far in this process, of one kind or (LW_KIND_COUNT) all;
 * and the number of error-severity reports. A grouped report counts once,
 * whatever the number of its instances. A forked child starts again at
 * 0: its reports are its own (and so is its exit status, option exitcode). */
LW_API unsigned long lw_report_count(lw_kind_t kind);
LW_API unsigned long lw_error_count(void);

/* What lockwatch's own tables hold now: lock records (live, and retired
 * ones not yet reused), lock-order edges and interned stacks, with the
 * bytes each takes. */
typedef struct lw_memory {
	size_t locks, lock_bytes;
	size_t edges, edge_bytes;
	size_t stacks, stack_bytes;
} lw_memory_t;
/* In C++ a function of its struct's name hides the struct's constructor
 * (-Wshadow): C's way of naming them, kept; the warning off for the two. */
#ifdef __cplusplus
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#endif
LW_API void lw_memory(lw_memory_t *m);
#ifdef __cplusplus
#pragma GCC diagnostic pop
#endif

/* ---- the watchdog: thresholds and health ------------------------------ */

/* Per-lock thresholds in ms, overriding the options hold_ms and wait_ms:
 * -1 keeps the option's value, 0 exempts the lock (a lock meant to be held
 * for long). The lock is registered if it is new. */
LW_API void lw_set_thresholds(const void *lock, long hold_ms, long wait_ms);

/* What the watchdog saw at its last look (every watchdog_ms; a process
 * that has had one thread has none yet: zeros), but cycles_found, which
 * is always current. */
typedef struct lw_health {
	unsigned long long_holds;      /* locks held now past their hold_ms */
	unsigned long long_waits;      /* threads waiting now past their wait_ms */
	unsigned long deadlocked;      /* threads in a deadlock now */
	unsigned long deadlocks_found; /* deadlock reports so far */
	unsigned long cycles_found;    /* lock-order cycle errors so far */
	uint64_t longest_hold_ms;      /* longest current hold, any lock */
	uint64_t longest_wait_ms;      /* longest current wait, any lock */
} lw_health_t;

/* Fill h (when not NULL); returns non-zero when unhealthy: a lock held or
 * a thread waiting past its threshold, or a deadlock, right now. Cheap:
 * it copies what the watchdog computed. */
#ifdef __cplusplus
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#endif
LW_API int lw_health(lw_health_t *h);
#ifdef __cplusplus
#pragma GCC diagnostic pop
#endif

/* ---- entry points for the force-included header -------------------------
 * lockwatch/pthread.h maps each pthread call onto lw_<name>_at, adding a
 * pointer to a static record of its call site (one per call in the
 * source). Programs do not call them directly. The rwlock and spinlock
 * ones are declared where <pthread.h> declared their types. */
typedef struct lw_site {
	const char *file;
	const char *func;
	int line;
} lw_site_t;

LW_API int lw_pthread_mutex_init_at(pthread_mutex_t *m, const pthread_mutexattr_t *a,
				    const lw_site_t *site);
LW_API int lw_pthread_mutex_destroy_at(pthread_mutex_t *m, const lw_site_t *site);
LW_API int lw_pthread_mutex_lock_at(pthread_mutex_t *m, const lw_site_t *site);
LW_API int lw_pthread_mutex_trylock_at(pthread_mutex_t *m, const lw_site_t *site);
LW_API int lw_pthread_mutex_timedlock_at(pthread_mutex_t *m, const struct timespec *t,
					 const lw_site_t *site);
LW_API int lw_pthread_mutex_clocklock_at(pthread_mutex_t *m, __clockid_t c,
					 const struct timespec *t, const lw_site_t *site);
LW_API int lw_pthread_mutex_unlock_at(pthread_mutex_t *m, const lw_site_t *site);
#ifdef LW__HAVE_RWLOCK
LW_API int lw_pthread_rwlock_init_at(pthread_rwlock_t *rw, const pthread_rwlockattr_t *a,
				     const lw_site_t *site);
LW_API int lw_pthread_rwlock_destroy_at(pthread_rwlock_t *rw, const lw_site_t *site);
LW_API int lw_pthread_rwlock_rdlock_at(pthread_rwlock_t *rw, const lw_site_t *site);
LW_API int lw_pthread_rwlock_tryrdlock_at(pthread_rwlock_t *rw, const lw_site_t *site);
LW_API int lw_pthread_rwlock_timedrdlock_at(pthread_rwlock_t *rw, const struct timespec *t,
					    const lw_site_t *site);
LW_API int lw_pthread_rwlock_clockrdlock_at(pthread_rwlock_t *rw, __clockid_t c,
					    const struct timespec *t, const lw_site_t *site);
LW_API int lw_pthread_rwlock_wrlock_at(pthread_rwlock_t *rw, const lw_site_t *site);
LW_API int lw_pthread_rwlock_trywrlock_at(pthread_rwlock_t *rw, const lw_site_t *site);
LW_API int lw_pthread_rwlock_timedwrlock_at(pthread_rwlock_t *rw, const struct timespec *t,
					    const lw_site_t *site);
LW_API int lw_pthread_rwlock_clockwrlock_at(pthread_rwlock_t *rw, __clockid_t c,
					    const struct timespec *t, const lw_site_t *site);
LW_API int lw_pthread_rwlock_unlock_at(pthread_rwlock_t *rw, const lw_site_t *site);
#endif
#ifdef LW__HAVE_SPIN
LW_API int lw_pthread_spin_init_at(pthread_spinlock_t *s, int pshared, const lw_site_t *site);
LW_API int lw_pthread_spin_destroy_at(pthread_spinlock_t *s, const lw_site_t *site);
LW_API int lw_pthread_spin_lock_at(pthread_spinlock_t *s, const lw_site_t *site);
LW_API int lw_pthread_spin_trylock_at(pthread_spinlock_t *s, const lw_site_t *site);
LW_API int lw_pthread_spin_unlock_at(pthread_spinlock_t *s, const lw_site_t *site);
#endif
LW_API int lw_sem_init_at(sem_t *s, int pshared, unsigned value, const lw_site_t *site);
LW_API int lw_sem_destroy_at(sem_t *s, const lw_site_t *site);
LW_API int lw_sem_wait_at(sem_t *s, const lw_site_t *site);
LW_API int lw_sem_timedwait_at(sem_t *s, const struct timespec *t, const lw_site_t *site);
LW_API int lw_sem_clockwait_at(sem_t *s, __clockid_t c, const struct timespec *t,
			       const lw_site_t *site);
LW_API int lw_sem_trywait_at(sem_t *s, const lw_site_t *site);
LW_API int lw_sem_post_at(sem_t *s, const lw_site_t *site);
LW_API int lw_dlclose_at(void *handle, const lw_site_t *site);
LW_API int lw_pthread_cond_wait_at(pthread_cond_t *c, pthread_mutex_t *m,
				   const lw_site_t *site);
LW_API int lw_pthread_cond_timedwait_at(pthread_cond_t *c, pthread_mutex_t *m,
					const struct timespec *t, const lw_site_t *site);
LW_API int lw_pthread_cond_clockwait_at(pthread_cond_t *c, pthread_mutex_t *m, __clockid_t k,
					const struct timespec *t, const lw_site_t *site);
LW_API int lw_pthread_join_at(pthread_t th, void **ret, const lw_site_t *site);
/* C11 <threads.h>: declared where it was read before this header, as
 * lockwatch/pthread.h reads it in C11 and later. */
#ifdef TSS_DTOR_ITERATIONS
LW_API int lw_mtx_init_at(mtx_t *m, int type, const lw_site_t *site);
LW_API void lw_mtx_destroy_at(mtx_t *m, const lw_site_t *site);
LW_API int lw_mtx_lock_at(mtx_t *m, const lw_site_t *site);
LW_API int lw_mtx_trylock_at(mtx_t *m, const lw_site_t *site);
LW_API int lw_mtx_timedlock_at(mtx_t *m, const struct timespec *t, const lw_site_t *site);
LW_API int lw_mtx_unlock_at(mtx_t *m, const lw_site_t *site);
LW_API int lw_thrd_join_at(thrd_t th, int *res, const lw_site_t *site);
LW_API int lw_cnd_wait_at(cnd_t *c, mtx_t *m, const lw_site_t *site);
LW_API int lw_cnd_timedwait_at(cnd_t *c, mtx_t *m, const struct timespec *t,
			       const lw_site_t *site);
#endif

#ifdef __cplusplus
}
#endif

#endif /* LOCKWATCH_H */
