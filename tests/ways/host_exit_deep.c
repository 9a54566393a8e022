/* host_exit_deep.c - pthread_exit 1,000 calls deep, with a lock taken
 * half-way and let go by a cleanup handler as the thread unwinds (and a
 * second lock held across it, unlocked by hand before the exit). Runs
 * correctly natively; lockwatch must change nothing and report nothing:
 * the thread exits holding nothing. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t state = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t journal = PTHREAD_MUTEX_INITIALIZER;
static int depth_reached;

static void release(void *arg)
{
	pthread_mutex_unlock(arg);
}

__attribute__((noinline)) static void descend(int depth)
{
	if (depth == 500) {
		pthread_mutex_lock(&state);
		pthread_cleanup_push(release, &state);
		descend(depth + 1);
		pthread_cleanup_pop(0);
		return;
	}
	if (depth == 1000) {
		depth_reached = depth;
		pthread_mutex_unlock(&journal);
		pthread_exit(NULL);
	}
	if (depth < 1000)
		descend(depth + 1);
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&journal);
	descend(0);
	return NULL;
}

int main(void)
{
	for (int i = 0; i < 3; i++) {
		pthread_t t;
		pthread_create(&t, NULL, worker, NULL);
		pthread_join(t, NULL);
		pthread_mutex_lock(&journal); /* the worker's order: journal, state */
		pthread_mutex_lock(&state);   /* free again: the handler let it go */
		pthread_mutex_unlock(&state);
		pthread_mutex_unlock(&journal);
		printf("thread %d exited at depth %d\n", i, depth_reached);
	}
	return 0;
}
