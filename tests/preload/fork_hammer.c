/* fork_hammer.c - fork from a multi-threaded program under load. Four
 * threads hammer four shared mutexes, a rwlock and a condition variable
 * (always in one order) and keep making, locking and destroying fresh heap
 * mutexes, so lockwatch's registry and graph are busy at every fork. main
 * forks argv[1] (default 8) children meanwhile; a pthread_atfork handler
 * takes the shared mutexes around fork (the POSIX way), so each child may
 * use them: it locks and unlocks them all, then makes a 2-lock inversion of
 * its own (child_forward: child_a -> child_b, child_backward: child_b ->
 * child_a, on two threads in turn) and exits 0. main prints "child PID" for
 * each, waits for all and exits 0 when every child did. The parent itself
 * makes no cycle. Under lockwatch run (the test gives it 60 s): no hang,
 * one lock_order_cycle error per child, each with that child's pid, none
 * with the parent's; status 66. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define HAMMERS 4
static pthread_mutex_t shared[4] = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
				     PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER };
static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static volatile int stop;
static long work[HAMMERS];

pthread_mutex_t child_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t child_b = PTHREAD_MUTEX_INITIALIZER;

static void prepare(void)
{
	for (int i = 0; i < 4; i++)
		pthread_mutex_lock(&shared[i]);
}

static void release_all(void)
{
	for (int i = 4; i-- > 0;)
		pthread_mutex_unlock(&shared[i]);
}

__attribute__((noinline)) static void hammer_once(int id, long n)
{
	int first = (int)(n % 4);
	for (int i = first; i < 4; i++)
		pthread_mutex_lock(&shared[i]);
	if (n & 1)
		pthread_rwlock_rdlock(&table);
	else
		pthread_rwlock_wrlock(&table);
	work[id]++;
	pthread_rwlock_unlock(&table);
	if ((n & 63) == 0) {
		/* a fresh lock, taken under shared[3]: new record, new edge */
		pthread_mutex_t *fresh = malloc(sizeof(*fresh));
		pthread_mutex_init(fresh, NULL);
		pthread_mutex_lock(fresh);
		pthread_mutex_unlock(fresh);
		pthread_mutex_destroy(fresh);
		free(fresh);
	}
	if ((n & 15) == 0) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 100000;
		if (t.tv_nsec >= 1000000000L)
			t.tv_sec++, t.tv_nsec -= 1000000000L;
		pthread_cond_timedwait(&cv, &shared[3], &t);
		pthread_cond_broadcast(&cv);
	}
	for (int i = 4; i-- > first;)
		pthread_mutex_unlock(&shared[i]);
}

static void *hammer(void *arg)
{
	int id = (int)(long)arg;
	for (long n = 0; !__atomic_load_n(&stop, __ATOMIC_RELAXED); n++)
		hammer_once(id, n);
	return NULL;
}

__attribute__((noinline)) void child_forward(void)
{
	pthread_mutex_lock(&child_a);
	pthread_mutex_lock(&child_b);
	pthread_mutex_unlock(&child_b);
	pthread_mutex_unlock(&child_a);
}

__attribute__((noinline)) void child_backward(void)
{
	pthread_mutex_lock(&child_b);
	pthread_mutex_lock(&child_a);
	pthread_mutex_unlock(&child_a);
	pthread_mutex_unlock(&child_b);
}

static void *run(void *fn)
{
	((void (*)(void))fn)();
	return NULL;
}

__attribute__((noinline)) static int child_main(void)
{
	for (int i = 0; i < 4; i++) {
		if (pthread_mutex_lock(&shared[i]) != 0)
			return 10;
		if (pthread_mutex_unlock(&shared[i]) != 0)
			return 11;
	}
	pthread_rwlock_wrlock(&table);
	pthread_rwlock_unlock(&table);
	pthread_t t;
	if (pthread_create(&t, NULL, run, (void *)child_forward) || pthread_join(t, NULL))
		return 12;
	if (pthread_create(&t, NULL, run, (void *)child_backward) || pthread_join(t, NULL))
		return 13;
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8;
	pthread_t th[HAMMERS];
	pid_t kids[64];
	int bad = 0;

	if (n < 1 || n > 64)
		return 2;
	pthread_atfork(prepare, release_all, release_all);
	for (long i = 0; i < HAMMERS; i++)
		if (pthread_create(&th[i], NULL, hammer, (void *)i))
			return 1;
	for (int i = 0; i < n; i++) {
		usleep(20000);
		fflush(stdout);
		pid_t p = fork();
		if (p < 0)
			return 1;
		if (p == 0)
			exit(child_main());
		kids[i] = p;
		printf("child %d\n", (int)p);
	}
	for (int i = 0; i < n; i++) {
		int st;
		if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "child %d failed: status 0x%x\n", (int)kids[i], st);
			bad++;
		}
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < HAMMERS; i++)
		pthread_join(th[i], NULL);
	long total = 0;
	for (int i = 0; i < HAMMERS; i++)
		total += work[i];
	printf("parent %d: %d children, %ld hammer rounds\n", (int)getpid(), n, total);
	return bad ? 1 : 0;
}
