/* unseen_bad_unlock.c - the limits of "never seen taken": an
 * error-checking mutex that nobody ever locked is unlocked (glibc: EPERM),
 * and a plain mutex that main() took where lockwatch cannot see in the
 * header way (a function pointer, as a library built without the header
 * would) is unlocked by another thread. Both are real mistakes: glibc's owner of each
 * mutex is not the unlocking thread. Two bad_unlock errors in every way
 * in. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t checked = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;
static int (*library_lock)(pthread_mutex_t *) = pthread_mutex_lock;

static void *release(void *arg)
{
	pthread_mutex_unlock(&plain);
	return arg;
}

int main(void)
{
	pthread_t t;
	int rc = pthread_mutex_unlock(&checked);
	library_lock(&plain);
	pthread_create(&t, NULL, release, NULL);
	pthread_join(t, NULL);
	printf("errorcheck unlock: %d\n", rc);
	return 0;
}
