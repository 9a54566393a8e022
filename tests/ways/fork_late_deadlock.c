/* fork_late_deadlock.c - a process that never starts a thread forks; its
 * child starts one and deadlocks with it for real (natively both hang):
 * the child holds ledger while post() takes audit and waits for ledger,
 * then waits for audit. Neither process has a watchdog until the child's
 * second thread (issue 12): the child's deadlock must still be found and
 * end it (status 66, one deadlock error and the lock-order cycle), and
 * the parent exits with the child's status. */
#include <pthread.h>
#include <semaphore.h>
#include <sys/wait.h>
#include <unistd.h>

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

__attribute__((noinline)) static int settle(void)
{
	pthread_t t;
	pthread_mutex_lock(&ledger);
	pthread_create(&t, NULL, post, NULL);
	sem_wait(&audit_held);
	pthread_mutex_lock(&audit);
	pthread_mutex_unlock(&audit);
	pthread_mutex_unlock(&ledger);
	pthread_join(t, NULL);
	return 0;
}

int main(void)
{
	int status;
	sem_init(&audit_held, 0, 0);
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&ledger);
		pthread_mutex_unlock(&ledger);
	}
	pid_t pid = fork();
	if (pid == 0)
		_exit(settle());
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
