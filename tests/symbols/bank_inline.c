/* bank_inline.c - built with -O1 and with -O2 (-g): accounts in a global
 * array, each with its mutex, transfer() inlined into the two threads'
 * functions. One transfer each way, one thread after the other (never a
 * deadlock): one lock-order cycle between accts[0] and accts[1] (array
 * elements named by index) whose frames name transfer, pay and refund at
 * their lines as `addr2line -i` does. */
#include <pthread.h>
#include <stdio.h>

struct acct {
	pthread_mutex_t lock;
	long balance;
};

struct acct accts[4] = {
	{ PTHREAD_MUTEX_INITIALIZER, 100 }, { PTHREAD_MUTEX_INITIALIZER, 100 },
	{ PTHREAD_MUTEX_INITIALIZER, 100 }, { PTHREAD_MUTEX_INITIALIZER, 100 },
};

static inline __attribute__((always_inline)) void transfer(struct acct *from, struct acct *to,
							   long n)
{
	pthread_mutex_lock(&from->lock);
	pthread_mutex_lock(&to->lock);
	from->balance -= n;
	to->balance += n;
	pthread_mutex_unlock(&to->lock);
	pthread_mutex_unlock(&from->lock);
}

static void *pay(void *arg)
{
	transfer(&accts[0], &accts[1], 5);
	return arg;
}

static void *refund(void *arg)
{
	transfer(&accts[1], &accts[0], 3);
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, pay, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, refund, NULL);
	pthread_join(t, NULL);
	printf("balances %ld %ld\n", accts[0].balance, accts[1].balance);
	return 0;
}
