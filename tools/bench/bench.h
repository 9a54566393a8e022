/* bench.h - what the benchmark's sources share: the B_* macro layer that
 * makes one source into every form (plain, wrapper, header; bench.c says
 * how), and the row helpers of bench.c that the lock-table rows (scale.c)
 * use. */
#ifndef LW_BENCH_H
#define LW_BENCH_H

#include <pthread.h>
#include <stdint.h>

#if defined(BENCH_WRAPPER)
#include <lockwatch.h>
#define B_FORM "wrapper"
typedef lw_mutex_t b_mutex_t;
typedef lw_rwlock_t b_rwlock_t;
#define B_MUTEX_INIT(m) lw_mutex_init((m), NULL)
#define B_MUTEX_DESTROY(m) lw_mutex_destroy(m)
#define B_LOCK(m) lw_mutex_lock(m)
#define B_TRYLOCK(m) lw_mutex_trylock(m)
#define B_UNLOCK(m) lw_mutex_unlock(m)
#define B_RW_INIT(r) lw_rwlock_init((r), NULL)
#define B_RDLOCK(r) lw_rwlock_rdlock(r)
#define B_RWUNLOCK(r) lw_rwlock_unlock(r)
#else
#if defined(BENCH_HEADER)
#ifndef LOCKWATCH_PTHREAD_H
#error "the header form is built with -include lockwatch/pthread.h"
#endif
#define B_FORM "header"
#else
#ifdef LOCKWATCH_PTHREAD_H
#error "the plain form must not include lockwatch/pthread.h"
#endif
#define B_FORM "plain"
#define B_PLAIN 1
#endif
typedef pthread_mutex_t b_mutex_t;
typedef pthread_rwlock_t b_rwlock_t;
#define B_MUTEX_INIT(m) pthread_mutex_init((m), NULL)
#define B_MUTEX_DESTROY(m) pthread_mutex_destroy(m)
#define B_LOCK(m) pthread_mutex_lock(m)
#define B_TRYLOCK(m) pthread_mutex_trylock(m)
#define B_UNLOCK(m) pthread_mutex_unlock(m)
#define B_RW_INIT(r) pthread_rwlock_init((r), NULL)
#define B_RDLOCK(r) pthread_rwlock_rdlock(r)
#define B_RWUNLOCK(r) pthread_rwlock_unlock(r)
#endif

/* A timed body: run `iters` operations, return the elapsed ns. */
typedef uint64_t (*body_fn)(uint64_t iters);

/* bench.c: calibrate, warm up, the median ns per operation of the
 * repetitions; print a row; is a row group selected (--only)? */
double measure(body_fn body, uint64_t *iters_out);
void put_row(const char *key, double ns, const uint64_t *iters);
int want(const char *key);
uint64_t now_ns(void);

/* scale.c: the rows over many locks (lock tables, striped pair, fan-out);
 * small tables and short passes when quick. Returns 0, -1 on failure. */
int scale_rows(int quick);

/* churn.c: the lock-creation rows (init+destroy in 1 and 4 threads, a lock
 * per request). Returns 0, -1 on failure. */
int churn_rows(void);

/* heap.c: the malloc/free row (the preload library's free). Returns 0, -1
 * on failure. */
int heap_rows(void);

#endif
