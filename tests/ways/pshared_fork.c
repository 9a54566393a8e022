/* pshared_fork.c - process-shared locks across fork. A mutex and a rwlock
 * made PTHREAD_PROCESS_SHARED in shared memory are held at the fork: the
 * mutex by the forking thread, the rwlock (for writing) by another thread.
 * The child waits for each in turn and gets it when the parent lets it
 * go: another process may unlock a process-shared lock, so neither is an
 * orphan in the child, the child does not hold the parent's hold of the
 * mutex (its lock is no self-deadlock), and its waits are no certain
 * deadlock. It runs correctly natively; lockwatch reports nothing. */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shared {
	pthread_mutex_t mu;
	pthread_rwlock_t rw;
	pthread_barrier_t bar; /* process-shared too */
	int counter;
};
static struct shared *sh;
static pthread_barrier_t held; /* the other thread holds rw */
static pthread_barrier_t release;

/* One critical section ran. The counter is atomic: increments made under
 * the mutex and under the rwlock, two different locks, may meet. */
static void count_in(void)
{
	__atomic_fetch_add(&sh->counter, 1, __ATOMIC_SEQ_CST);
}

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

static void *rw_holder(void *arg)
{
	(void)arg;
	pthread_rwlock_wrlock(&sh->rw);
	pthread_barrier_wait(&held);
	pthread_barrier_wait(&release); /* the child has been forked */
	pause_ms(30);
	count_in();
	pthread_rwlock_unlock(&sh->rw);
	return NULL;
}

static int child(void)
{
	pthread_barrier_wait(&sh->bar); /* the parent knows we are here */
	pthread_mutex_lock(&sh->mu);    /* waits for the parent's thread */
	count_in();
	pthread_mutex_unlock(&sh->mu);
	pthread_rwlock_wrlock(&sh->rw); /* waits for the parent's other thread */
	count_in();
	pthread_rwlock_unlock(&sh->rw);
	return 0;
}

int main(void)
{
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&sh->mu, &ma);
	pthread_rwlockattr_t ra;
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_SHARED);
	pthread_rwlock_init(&sh->rw, &ra);
	pthread_barrierattr_t ba;
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(&sh->bar, &ba, 2);
	pthread_barrier_init(&held, NULL, 2);
	pthread_barrier_init(&release, NULL, 2);

	pthread_t th;
	pthread_create(&th, NULL, rw_holder, NULL);
	pthread_barrier_wait(&held);
	pthread_mutex_lock(&sh->mu);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child());
	pthread_barrier_wait(&release);
	pthread_barrier_wait(&sh->bar);
	pause_ms(30); /* the child is waiting for mu */
	count_in();
	pthread_mutex_unlock(&sh->mu);
	pthread_join(th, NULL);
	int status = 0;
	waitpid(pid, &status, 0);
	printf("child: %s %d, counter %d\n", WIFEXITED(status) ? "exit" : "signal",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
	       __atomic_load_n(&sh->counter, __ATOMIC_SEQ_CST));
	return 0;
}
