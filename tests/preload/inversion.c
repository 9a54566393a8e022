/* inversion.c - "someone else's program" (not linked to lockwatch): the
 * classic 2-lock inversion. f_transfer() takes accounts_lock then
 * ledger_lock, f_audit() takes them the other way round, on two threads
 * that run one after the other, so the program itself never deadlocks and
 * exits 0. Under lockwatch run: exactly one lock_order_cycle error naming
 * accounts_lock and ledger_lock, with f_transfer and f_audit in the stacks.
 * Repeating the inversion must not make a second report. */
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t accounts_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t ledger_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile long balance;

__attribute__((noinline)) void f_transfer(void)
{
	pthread_mutex_lock(&accounts_lock);
	pthread_mutex_lock(&ledger_lock);
	balance++;
	pthread_mutex_unlock(&ledger_lock);
	pthread_mutex_unlock(&accounts_lock);
}

__attribute__((noinline)) void f_audit(void)
{
	pthread_mutex_lock(&ledger_lock);
	pthread_mutex_lock(&accounts_lock);
	balance--;
	pthread_mutex_unlock(&accounts_lock);
	pthread_mutex_unlock(&ledger_lock);
}

static void *teller(void *arg)
{
	for (int i = 0; i < 1000; i++)
		f_transfer();
	return arg;
}

static void *auditor(void *arg)
{
	for (int i = 0; i < 1000; i++)
		f_audit();
	return arg;
}

int main(void)
{
	for (int round = 0; round < 2; round++) {
		pthread_t t;
		if (pthread_create(&t, NULL, teller, NULL) || pthread_join(t, NULL))
			return 1;
		if (pthread_create(&t, NULL, auditor, NULL) || pthread_join(t, NULL))
			return 1;
	}
	printf("balance %ld\n", balance);
	return balance == 0 ? 0 : 1;
}
