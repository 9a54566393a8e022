/* wrapper.c - the wrapper API (#include <lockwatch.h>) for the
 * language-standard matrix (run_std.sh): built under -std=c99 ... c++17
 * with a feature-test macro (or none) as its first line, which run_std.sh
 * writes above this text. lw_rwlock_t and lw_spinlock_t work in every
 * mode, even where <pthread.h> hides pthread_rwlock_t. forward() takes
 * lock_a then lock_b, backward() the other way round: one lock_order_cycle
 * error, whose stacks show the lines marked SITE. */
#include <lockwatch.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

lw_mutex_t lock_a = LW_MUTEX_INITIALIZER;
lw_mutex_t lock_b = LW_MUTEX_INITIALIZER;
static lw_mutex_t rec_lock = LW_RECURSIVE_MUTEX_INITIALIZER;
static lw_mutex_t check_lock = LW_ERRORCHECK_MUTEX_INITIALIZER;
static lw_rwlock_t table_rw = LW_RWLOCK_INITIALIZER;
static lw_rwlock_t dyn_rw;
static lw_spinlock_t counter_spin;
static lw_mutex_t typed_lock;
static pthread_cond_t ready_cv = PTHREAD_COND_INITIALIZER;
static int ready;
static sem_t done_sem;
static int shared;

#define CHECK(x)                                                         \
	do {                                                             \
		if ((x) != 0) {                                          \
			fprintf(stderr, "FAIL line %d: %s\n", __LINE__, #x); \
			return 1;                                        \
		}                                                        \
	} while (0)

__attribute__((noinline)) static int forward(void)
{
	CHECK(lw_mutex_lock(&lock_a));
	CHECK(lw_mutex_lock(&lock_b)); /* SITE forward */
	shared++;
	CHECK(lw_mutex_unlock(&lock_b));
	CHECK(lw_mutex_unlock(&lock_a));
	return 0;
}

__attribute__((noinline)) static int backward(void)
{
	CHECK(lw_mutex_lock(&lock_b));
	CHECK(lw_mutex_lock(&lock_a)); /* SITE backward */
	shared--;
	CHECK(lw_mutex_unlock(&lock_a));
	CHECK(lw_mutex_unlock(&lock_b));
	return 0;
}

static int other_locks(void)
{
	CHECK(lw_mutex_lock(&rec_lock));
	CHECK(lw_mutex_lock(&rec_lock));
	CHECK(lw_mutex_unlock(&rec_lock));
	CHECK(lw_mutex_unlock(&rec_lock));
	CHECK(lw_mutex_lock(&check_lock));
	CHECK(lw_mutex_trylock(&check_lock) == 0);
	CHECK(lw_mutex_unlock(&check_lock));
	CHECK(lw_mutex_init_type(&typed_lock, LW_MUTEX_RECURSIVE));
	CHECK(lw_mutex_lock(&typed_lock));
	CHECK(lw_mutex_lock(&typed_lock));
	CHECK(lw_mutex_unlock(&typed_lock));
	CHECK(lw_mutex_unlock(&typed_lock));
	CHECK(lw_mutex_destroy(&typed_lock));
	CHECK(lw_rwlock_rdlock(&table_rw));
	CHECK(lw_rwlock_tryrdlock(&table_rw));
	CHECK(lw_rwlock_unlock(&table_rw));
	CHECK(lw_rwlock_unlock(&table_rw));
	CHECK(lw_rwlock_wrlock(&table_rw));
	CHECK(lw_rwlock_unlock(&table_rw));
	CHECK(lw_rwlock_init(&dyn_rw, NULL));
	CHECK(lw_rwlock_trywrlock(&dyn_rw));
	CHECK(lw_rwlock_unlock(&dyn_rw));
	CHECK(lw_rwlock_destroy(&dyn_rw));
	CHECK(lw_spin_init(&counter_spin, 0));
	CHECK(lw_spin_lock(&counter_spin));
	shared += 2;
	CHECK(lw_spin_unlock(&counter_spin));
	CHECK(lw_spin_trylock(&counter_spin));
	CHECK(lw_spin_unlock(&counter_spin));
	CHECK(lw_spin_destroy(&counter_spin));
	return 0;
}

static void *second(void *arg)
{
	(void)arg;
	if (backward() != 0)
		return &shared;
	lw_mutex_lock(&lock_a);
	ready = 1;
	pthread_cond_signal(&ready_cv);
	lw_mutex_unlock(&lock_a);
	sem_post(&done_sem);
	return NULL;
}

int main(void)
{
	pthread_t t;
	void *ret = &shared;
	lw_set_name(&table_rw, "table_rw");
	CHECK(sem_init(&done_sem, 0, 0));
	CHECK(other_locks());
	CHECK(forward());
	CHECK(pthread_create(&t, NULL, second, NULL));
	CHECK(lw_mutex_lock(&lock_a));
	while (!ready)
		CHECK(lw_cond_wait(&ready_cv, &lock_a));
	CHECK(lw_mutex_unlock(&lock_a));
	CHECK(sem_wait(&done_sem));
	CHECK(pthread_join(t, &ret));
	CHECK(ret != NULL);
	CHECK(sem_destroy(&done_sem));
	printf("wrapper: done (%d) with lockwatch %s\n", shared, lw_version_string());
	return 0;
}
