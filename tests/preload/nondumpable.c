/* nondumpable.c - a program that makes itself non-dumpable first
 * (prctl PR_SET_DUMPABLE 0, as ssh-agent and gpg-agent do to keep their
 * memory from other processes of the user), then runs the inversion of
 * inversion.c once (never a deadlock: one thread after the other) and
 * lives on 600 ms, so `lockwatch run` looks at it more than once. Run by
 * a user other than root, its /proc entries are root's: lockwatch must
 * still name its locks and functions, and `lockwatch run` must not call
 * it unchecked. */
#include <pthread.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <time.h>

pthread_mutex_t accounts_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t ledger_lock = PTHREAD_MUTEX_INITIALIZER;
static long balance;

__attribute__((noinline)) static void *f_transfer(void *arg)
{
	pthread_mutex_lock(&accounts_lock);
	pthread_mutex_lock(&ledger_lock);
	balance += 5;
	pthread_mutex_unlock(&ledger_lock);
	pthread_mutex_unlock(&accounts_lock);
	return arg;
}

__attribute__((noinline)) static void *f_audit(void *arg)
{
	pthread_mutex_lock(&ledger_lock);
	pthread_mutex_lock(&accounts_lock);
	balance -= 2;
	pthread_mutex_unlock(&accounts_lock);
	pthread_mutex_unlock(&ledger_lock);
	return arg;
}

int main(void)
{
	if (prctl(PR_SET_DUMPABLE, 0) != 0)
		return 2;
	pthread_t t;
	if (pthread_create(&t, NULL, f_transfer, NULL) || pthread_join(t, NULL) ||
	    pthread_create(&t, NULL, f_audit, NULL) || pthread_join(t, NULL))
		return 1;
	struct timespec ts = { 0, 600 * 1000 * 1000 };
	while (nanosleep(&ts, &ts) != 0)
		;
	printf("balance %ld\n", balance);
	return 0;
}
