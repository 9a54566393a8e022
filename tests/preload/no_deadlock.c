/* no_deadlock.c - lock-order "cycles" that cannot deadlock, run with real
 * concurrent threads. argv[1] picks the case (default: all three):
 *   gate     gated_a/gated_b are taken in both orders (f_gate_ab, f_gate_ba),
 *            but always while holding gate_lock, which serialises them;
 *   trylock  f_forward takes back_a then back_b; f_backoff takes back_b and
 *            only *tries* back_a, backing off (unlock, retry) when busy;
 *   rwread   f_read_12 read-locks table1 then table2, f_read_21 the other
 *            way; readers never block readers (glibc's default rwlock).
 * The program exits 0. Under lockwatch run: no error-severity report (gate
 * and rwread are documented to give one warning each, trylock none), and
 * the status is the program's own, 0. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#define N 20000

pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t gated_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t gated_b = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t back_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t back_b = PTHREAD_MUTEX_INITIALIZER;
pthread_rwlock_t table1 = PTHREAD_RWLOCK_INITIALIZER;
pthread_rwlock_t table2 = PTHREAD_RWLOCK_INITIALIZER;
static volatile long shared;
static long backoffs;

__attribute__((noinline)) void f_gate_ab(void)
{
	pthread_mutex_lock(&gate_lock);
	pthread_mutex_lock(&gated_a);
	pthread_mutex_lock(&gated_b);
	shared++;
	pthread_mutex_unlock(&gated_b);
	pthread_mutex_unlock(&gated_a);
	pthread_mutex_unlock(&gate_lock);
}

__attribute__((noinline)) void f_gate_ba(void)
{
	pthread_mutex_lock(&gate_lock);
	pthread_mutex_lock(&gated_b);
	pthread_mutex_lock(&gated_a);
	shared--;
	pthread_mutex_unlock(&gated_a);
	pthread_mutex_unlock(&gated_b);
	pthread_mutex_unlock(&gate_lock);
}

__attribute__((noinline)) void f_forward(void)
{
	pthread_mutex_lock(&back_a);
	pthread_mutex_lock(&back_b);
	shared++;
	pthread_mutex_unlock(&back_b);
	pthread_mutex_unlock(&back_a);
}

__attribute__((noinline)) void f_backoff(void)
{
	for (;;) {
		pthread_mutex_lock(&back_b);
		if (pthread_mutex_trylock(&back_a) == 0)
			break;
		pthread_mutex_unlock(&back_b);
		__atomic_fetch_add(&backoffs, 1, __ATOMIC_RELAXED);
		sched_yield();
	}
	shared--;
	pthread_mutex_unlock(&back_a);
	pthread_mutex_unlock(&back_b);
}

__attribute__((noinline)) void f_read_12(void)
{
	pthread_rwlock_rdlock(&table1);
	pthread_rwlock_rdlock(&table2);
	(void)shared;
	pthread_rwlock_unlock(&table2);
	pthread_rwlock_unlock(&table1);
}

__attribute__((noinline)) void f_read_21(void)
{
	pthread_rwlock_rdlock(&table2);
	pthread_rwlock_rdlock(&table1);
	(void)shared;
	pthread_rwlock_unlock(&table1);
	pthread_rwlock_unlock(&table2);
}

static void *loop(void *fn)
{
	void (*f)(void) = (void (*)(void))fn;
	for (int i = 0; i < N; i++)
		f();
	return NULL;
}

static int pair(void (*f)(void), void (*g)(void))
{
	pthread_t t1, t2;
	if (pthread_create(&t1, NULL, loop, (void *)f) || pthread_create(&t2, NULL, loop, (void *)g))
		return 1;
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	const char *which = argc > 1 ? argv[1] : "all";
	int all = strcmp(which, "all") == 0, ran = 0;
	if (all || strcmp(which, "gate") == 0)
		ran++, pair(f_gate_ab, f_gate_ba);
	if (all || strcmp(which, "trylock") == 0)
		ran++, pair(f_forward, f_backoff);
	if (all || strcmp(which, "rwread") == 0)
		ran++, pair(f_read_12, f_read_21);
	if (!ran) {
		fprintf(stderr, "usage: no_deadlock [gate|trylock|rwread|all]\n");
		return 2;
	}
	printf("%s: shared %ld, %ld back-offs\n", which, shared, backoffs);
	return shared == 0 ? 0 : 1;
}
