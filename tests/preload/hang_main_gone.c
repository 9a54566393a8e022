/* hang_main_gone.c - a program whose main thread ends with pthread_exit
 * while a worker hangs holding queue_lock (in pause(), natively forever).
 * The process's first task is then a zombie while the worker lives on:
 * `lockwatch run --timeout` must still end it, with its hang report
 * (tests/preload/test_hang.sh). */
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void *drain_forever(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&queue_lock);
	pause();
	pthread_mutex_unlock(&queue_lock);
	return NULL;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, drain_forever, NULL) != 0)
		return 1;
	pthread_exit(NULL);
}
