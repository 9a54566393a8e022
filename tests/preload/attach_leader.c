/* attach_leader.c - a deadlock on a holder that is gone, in a plain
 * program (no lockwatch): main takes registry_lock, starts a worker whose
 * publish() waits for it, and ends with pthread_exit still holding it. The
 * process lives on in the worker, which waits for good (a default mutex:
 * nobody can unlock it). The main thread stays a zombie, and the kernel
 * then shows the process's maps and memory through /proc/PID as empty:
 * `lockwatch attach PID` must read them through a live thread and report
 * the deadlock on registry_lock, naming publish (test_attach.sh). */
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static int entries;

__attribute__((noinline)) static void publish(void)
{
	pthread_mutex_lock(&registry_lock);
	entries++;
	pthread_mutex_unlock(&registry_lock);
}

static void *worker(void *arg)
{
	publish();
	printf("not reached %d\n", entries);
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_mutex_lock(&registry_lock);
	printf("started\n");
	fflush(stdout);
	pthread_create(&t, NULL, worker, NULL);
	pthread_exit(NULL);
}
