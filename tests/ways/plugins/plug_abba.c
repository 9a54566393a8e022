/* plug_abba.c - the plugin of plugin_host.c and plugin_moved.c:
 * plugin_transfer() runs debit() (accounts, then audit) in one thread,
 * then credit() (audit, then accounts) in another: a lock-order cycle
 * that never deadlocks. Built with PLUG_NAME=alpha (or beta), for
 * plugin_renamed.c, the same code names them alpha_debit and
 * alpha_credit. */
#include <pthread.h>

#ifdef PLUG_NAME
#define GLUE2(a, b) a##_##b
#define GLUE(a, b) GLUE2(a, b)
#define NAMED(f) GLUE(PLUG_NAME, f)
#else
#define NAMED(f) f
#endif

static pthread_mutex_t accounts = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t audit = PTHREAD_MUTEX_INITIALIZER;
static long balance = 100;

__attribute__((noinline)) static void *NAMED(debit)(void *arg)
{
	pthread_mutex_lock(&accounts);
	pthread_mutex_lock(&audit);
	balance -= (long)arg;
	pthread_mutex_unlock(&audit);
	pthread_mutex_unlock(&accounts);
	return NULL;
}

__attribute__((noinline)) static void *NAMED(credit)(void *arg)
{
	pthread_mutex_lock(&audit);
	pthread_mutex_lock(&accounts);
	balance += 2 * (long)arg;
	pthread_mutex_unlock(&accounts);
	pthread_mutex_unlock(&audit);
	return NULL;
}

long plugin_transfer(int amount)
{
	pthread_t t;
	void *arg = (void *)(long)amount;
	if (pthread_create(&t, NULL, NAMED(debit), arg) || pthread_join(t, NULL) ||
	    pthread_create(&t, NULL, NAMED(credit), arg) || pthread_join(t, NULL))
		return -1;
	return balance;
}
