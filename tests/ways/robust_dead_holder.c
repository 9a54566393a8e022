/* robust_dead_holder.c - a thread exits holding a robust mutex; the next
 * locker gets EOWNERDEAD, makes the state consistent and goes on. Not a
 * deadlock: only the thread_exit_holding warning, and the program's own
 * output and status in every way. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t state_lock;

static void *crasher(void *arg)
{
	pthread_mutex_lock(&state_lock);
	return arg; /* exits holding state_lock */
}

int main(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&state_lock, &a);
	pthread_t t;
	pthread_create(&t, NULL, crasher, NULL);
	pthread_join(t, NULL);
	int rc = pthread_mutex_lock(&state_lock);
	if (rc == EOWNERDEAD)
		pthread_mutex_consistent((void *)&state_lock);
	pthread_mutex_unlock(&state_lock);
	printf("lock after the holder died: %s\n", rc == EOWNERDEAD ? "EOWNERDEAD" : "other");
	return rc == EOWNERDEAD ? 0 : 1;
}
