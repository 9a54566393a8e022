/* lone_sem_wait.c - a program with one thread waits on a semaphore that
 * nobody can post (natively it hangs). No second thread ever starts, but
 * a wait lockwatch sees starts the watchdog (issue 12), which finds every
 * thread of the process blocked for good: one deadlock error, the run
 * ended. It catches the faults, as ASan, a JVM or a GC do: no signal a
 * blocked thread makes, so no handler can post (under ASan it hung).
 * (The wrapper API has no semaphores.) */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t items;

__attribute__((noinline)) static void take(void)
{
	sem_wait(&items);
}

static void on_fault(int sig)
{
	signal(sig, SIG_DFL);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sem_init(&items, 0, 0);
	pthread_mutex_lock(&queue_lock);
	pthread_mutex_unlock(&queue_lock);
	take();
	return 0;
}
