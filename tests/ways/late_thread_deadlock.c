/* late_thread_deadlock.c - a program that runs alone for a while, then
 * starts one thread and deadlocks with it for real (natively it hangs):
 * main() holds ledger while post() takes audit and then waits for ledger,
 * and main() then waits for audit. The watchdog of a process that had one
 * thread starts with the second (issue 12), in time to see the wait-for
 * cycle: one deadlock error (and the lock-order cycle), the run ended, in
 * every way in. fork_late_deadlock.c builds the same program with
 * FORK_FIRST: then a child of the lone process does it. join_fork_deadlock.c
 * with JOIN_FIRST: a thread comes and goes first and the process forks,
 * which ends lockwatch's threads (the program is down to one); they must
 * start again for the deadlock. */
#include <pthread.h>
#include <semaphore.h>
#if defined(FORK_FIRST) || defined(JOIN_FIRST)
#include <sys/wait.h>
#include <unistd.h>
#define ROUNDS 1000
#else
#define ROUNDS 100000
#endif

static pthread_mutex_t ledger = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t audit = PTHREAD_MUTEX_INITIALIZER;
static sem_t audit_held;

static void *post(void *arg)
{
	pthread_mutex_lock(&audit);
	sem_post(&audit_held);
	pthread_mutex_lock(&ledger);
	pthread_mutex_unlock(&ledger);
	pthread_mutex_unlock(&audit);
	return arg;
}

__attribute__((noinline)) static void settle(void)
{
	pthread_t t;
	pthread_mutex_lock(&ledger);
	pthread_create(&t, NULL, post, NULL);
	sem_wait(&audit_held);
	pthread_mutex_lock(&audit);
	pthread_mutex_unlock(&audit);
	pthread_mutex_unlock(&ledger);
	pthread_join(t, NULL);
}

#ifdef JOIN_FIRST
static void *touch(void *arg)
{
	pthread_mutex_lock(&ledger);
	pthread_mutex_unlock(&ledger);
	return arg;
}
#endif

int main(void)
{
	sem_init(&audit_held, 0, 0);
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&ledger);
		pthread_mutex_unlock(&ledger);
	}
#ifdef JOIN_FIRST
	pthread_t w;
	pthread_create(&w, NULL, touch, NULL);
	pthread_join(w, NULL);
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	if (child < 0 || waitpid(child, NULL, 0) != child)
		return 1;
#endif
#ifdef FORK_FIRST
	int status;
	pid_t pid = fork();
	if (pid == 0) {
		settle();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
#else
	settle();
	return 0;
#endif
}
