/* hang_condwait.c - a program that hangs without a deadlock lockwatch can
 * prove: in each of two processes (the program and a child it forks), a
 * worker takes state_lock and then waits on a condition variable nobody
 * signals; main then wants state_lock; a listener sits in read() on a pipe
 * nobody writes (something outside could still wake it, so this is not a
 * certain deadlock). Natively it hangs for good; under `lockwatch run
 * --timeout N` each process writes one hang report and the run ends with
 * 124. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_ready = PTHREAD_COND_INITIALIZER;
static int pipefd[2];
static int started;

static void *listener(void *arg)
{
	char c;
	(void)arg;
	while (read(pipefd[0], &c, 1) < 0)
		;
	return NULL;
}

__attribute__((noinline)) static void wait_for_job(void)
{
	pthread_mutex_lock(&queue_lock);
	started = 1;
	while (1) /* nobody ever signals job_ready */
		pthread_cond_wait(&job_ready, &queue_lock);
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&state_lock);
	wait_for_job();
	return NULL;
}

__attribute__((noinline)) static void update_state(void)
{
	pthread_mutex_lock(&state_lock);
	printf("not reached\n");
}

static void scenario(void)
{
	pthread_t w, l;
	if (pipe(pipefd) != 0)
		return;
	pthread_create(&l, NULL, listener, NULL);
	pthread_create(&w, NULL, worker, NULL);
	for (int seen = 0; !seen;) {
		pthread_mutex_lock(&queue_lock);
		seen = started;
		pthread_mutex_unlock(&queue_lock);
		usleep(1000);
	}
	update_state();
}

int main(void)
{
	pid_t child = fork();
	scenario(); /* both processes */
	if (child > 0)
		waitpid(child, NULL, 0);
	return 0;
}
