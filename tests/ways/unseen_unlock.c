/* unseen_unlock.c - lock calls a force-included header cannot see, as
 * real programs make them: a worker's pthread_cleanup_pop(1) unlocks its
 * mutex through the handler pthread_mutex_unlock itself (a function
 * pointer), three times in a row; then a table of lock functions locks
 * it and a direct call unlocks it; then the worker exits holding nothing
 * and main destroys the mutex. All correct. Before, the header way took
 * the second lock for a self-deadlock (an error, and with exitcode the
 * program ended before its lock call), the direct unlock for a bad
 * unlock, and the exit for one holding a lock. In every way in: no
 * report, the native output and status. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_ready = PTHREAD_COND_INITIALIZER;
static int ready = 1, done;

struct lock_ops {
	int (*lock)(pthread_mutex_t *);
};

/* The cleanup handler is the unlock itself (cast through void (*)(void),
 * as C allows any function pointer to be). */
static void one_job(void)
{
	pthread_mutex_lock(&jobs_lock);
	pthread_cleanup_push((void (*)(void *))(void (*)(void))pthread_mutex_unlock, &jobs_lock);
	while (!ready)
		pthread_cond_wait(&jobs_ready, &jobs_lock);
	done++;
	pthread_cleanup_pop(1);
}

static void *worker(void *arg)
{
	for (int i = 0; i < 3; i++)
		one_job();
	const struct lock_ops *ops = arg;
	ops->lock(&jobs_lock);
	done++;
	pthread_mutex_unlock(&jobs_lock);
	return NULL;
}

int main(void)
{
	static const struct lock_ops ops = { pthread_mutex_lock };
	pthread_t t;
	pthread_create(&t, NULL, worker, (void *)&ops);
	pthread_join(t, NULL);
	pthread_mutex_destroy(&jobs_lock);
	printf("%d jobs done\n", done);
	return 0;
}
