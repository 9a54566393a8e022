/* dead_holder_handoff.c - a thread exits holding a default mutex; main
 * unlocks it for the dead thread (undefined by POSIX, but glibc's default
 * mutex lets any thread unlock it) and then takes it, which works
 * natively. Before, the unlock was reported and the "held by an exited
 * thread" mark stayed: the next lock was a false deadlock, and the
 * program was killed before it printed. In every way in: the exit
 * warning, the bad unlock (a real misuse), then the program runs on as
 * natively. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;

static void *login(void *arg)
{
	pthread_mutex_lock(&session_lock);
	return arg; /* forgets to unlock */
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, login, NULL);
	pthread_join(t, NULL);
	pthread_mutex_unlock(&session_lock); /* handed back for the dead thread */
	pthread_mutex_lock(&session_lock);
	printf("session lock taken again\n");
	pthread_mutex_unlock(&session_lock);
	return 0;
}
