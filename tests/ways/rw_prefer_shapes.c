/* rw_prefer_shapes.c - the lock-order shapes of the kernel's lock checker
 * self-test (ABBCCA, ABCABC, ABBCCDDA, ABCDBDDA, ABCDBCDA; ABBA is in
 * rw_prefer_writer.c), each through a writer-preferring rwlock A that is
 * only ever read-locked: with a writer queued on A, a new reader waits,
 * so every one of them can deadlock and is an error (on glibc's default
 * reader-preferring rwlock they would be warnings). Each pair "X then Y"
 * runs in its own thread, one after the other: the program runs fine. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>

#define SHAPES 5
static pthread_rwlock_t a[SHAPES];
static pthread_mutex_t b[SHAPES], c[SHAPES], d[SHAPES];

/* a lock of shape s by letter: A is the rwlock (read), B..D mutexes */
static void take(int s, char x)
{
	if (x == 'A')
		pthread_rwlock_rdlock(&a[s]);
	else
		pthread_mutex_lock(x == 'B' ? &b[s] : x == 'C' ? &c[s] : &d[s]);
}

static void drop(int s, char x)
{
	if (x == 'A')
		pthread_rwlock_unlock(&a[s]);
	else
		pthread_mutex_unlock(x == 'B' ? &b[s] : x == 'C' ? &c[s] : &d[s]);
}

struct pair {
	int shape;
	char first, second;
};

static void *nested(void *arg)
{
	struct pair *p = arg;
	take(p->shape, p->first);
	take(p->shape, p->second);
	drop(p->shape, p->second);
	drop(p->shape, p->first);
	return NULL;
}

int main(void)
{
	/* the shapes, as the pairs of their name: AB BC CA, AB CA BC, ... */
	static const char *const names[SHAPES] = { "ABBCCA", "ABCABC", "ABBCCDDA", "ABCDBDDA",
						   "ABCDBCDA" };
	pthread_rwlockattr_t at;
	pthread_rwlockattr_init(&at);
	pthread_rwlockattr_setkind_np(&at, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	for (int s = 0; s < SHAPES; s++) {
		pthread_rwlock_init(&a[s], &at);
		pthread_mutex_init(&b[s], NULL);
		pthread_mutex_init(&c[s], NULL);
		pthread_mutex_init(&d[s], NULL);
	}
	for (int s = 0; s < SHAPES; s++) {
		for (const char *n = names[s]; n[0] && n[1]; n += 2) {
			struct pair p = { s, n[0], n[1] };
			pthread_t t;
			pthread_create(&t, NULL, nested, &p);
			pthread_join(t, NULL);
		}
		printf("%s done\n", names[s]);
	}
	return 0;
}
