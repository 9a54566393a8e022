/* key_dtor_unlock.c - a thread ends holding a mutex that its own
 * thread-specific data destructor unlocks (the owner unlocks it while it
 * exits: legal, and glibc runs those destructors before the thread is
 * gone). main waits for the mutex meanwhile and gets it. Each worker's
 * destructor sleeps first, so main is waiting when the worker's function
 * has returned; the second worker's key is made before lockwatch could
 * know of it and its destructor runs in the second round (it sets its
 * key again in the first). Before, lockwatch's own thread-exit check ran
 * first: "exited holding m", then main's wait was a deadlock with a
 * thread that had exited, and the run was ended (status 66). */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t k1, k2;
static int taken;

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void drop(void *p)
{
	(void)p;
	nap(300);
	pthread_mutex_unlock(&m);
}

/* k2's destructor: once more in the next round, then drop */
static void drop_later(void *p)
{
	if (p == (void *)1) {
		pthread_setspecific(k2, (void *)2);
		return;
	}
	drop(p);
}

static void *worker(void *key)
{
	pthread_mutex_lock(&m);
	pthread_setspecific(*(pthread_key_t *)key, (void *)1);
	__atomic_store_n(&taken, 1, __ATOMIC_RELEASE);
	return NULL;
}

__attribute__((noinline)) static void wait_for_worker(pthread_key_t *key, const char *what)
{
	pthread_t t;
	__atomic_store_n(&taken, 0, __ATOMIC_RELEASE);
	pthread_create(&t, NULL, worker, key);
	while (!__atomic_load_n(&taken, __ATOMIC_ACQUIRE))
		nap(1);
	pthread_mutex_lock(&m); /* natively: got once the destructor ran */
	printf("got m after %s\n", what);
	pthread_mutex_unlock(&m);
	pthread_join(t, NULL);
}

int main(void)
{
	pthread_key_create(&k2, drop_later);
	pthread_key_create(&k1, drop);
	wait_for_worker(&k1, "a key destructor");
	wait_for_worker(&k2, "a second-round key destructor");
	return 0;
}
