/* foreign_unlock.c - locks taken where lockwatch cannot see (a library
 * built without the force-included header: here, calls through function
 * pointers, which the header does not rewrite) and unlocked by the
 * program, which the header does see: a normal, a recursive (twice) and an
 * error-checking mutex, and a rwlock read-held, three rounds. Not a
 * mistake: no report in any way in (each unlock was once a false
 * bad_unlock in the header way). */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t rec = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_mutex_t checked = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;

/* "the library": not rewritten by the header */
static int (*library_lock)(pthread_mutex_t *) = pthread_mutex_lock;
static int (*library_rdlock)(pthread_rwlock_t *) = pthread_rwlock_rdlock;

static void *work(void *arg)
{
	long failed = arg != NULL;
	for (int round = 0; round < 3; round++) {
		failed += library_lock(&plain) != 0;
		failed += library_lock(&rec) != 0;
		failed += library_lock(&rec) != 0;
		failed += library_lock(&checked) != 0;
		failed += library_rdlock(&table) != 0;
		failed += pthread_rwlock_unlock(&table) != 0;
		failed += pthread_mutex_unlock(&checked) != 0;
		failed += pthread_mutex_unlock(&rec) != 0;
		failed += pthread_mutex_unlock(&rec) != 0;
		failed += pthread_mutex_unlock(&plain) != 0;
	}
	return (void *)failed;
}

int main(void)
{
	pthread_t t;
	void *failed;
	pthread_create(&t, NULL, work, NULL);
	pthread_join(t, &failed);
	printf("failed calls %ld\n", (long)failed);
	return 0;
}
