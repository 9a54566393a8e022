/* read_gate_cycle.c - a lock held by every edge of a cycle serialises it
 * (a gate) only if one of them holds it exclusively: read holds of a
 * rwlock do not exclude each other. Two workers take accounts and ledger
 * in opposite orders, each under the config rwlock read-held: a real
 * ABBA (let them meet and they deadlock), an error. Two more take cache
 * and index in opposite orders, one under config write-held, the other
 * read-held: they can never hold config at once, a warning. Before, both
 * were warnings ("config serialises them"), and the run ended 0. The
 * workers run one after the other: it runs correctly natively. */
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t config = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t accounts = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t ledger = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t cache = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;

static void pair(pthread_mutex_t *first, pthread_mutex_t *second)
{
	pthread_mutex_lock(first);
	pthread_mutex_lock(second);
	pthread_mutex_unlock(second);
	pthread_mutex_unlock(first);
}

static void *post_entry(void *arg)
{
	pthread_rwlock_rdlock(&config);
	pair(&accounts, &ledger);
	pthread_rwlock_unlock(&config);
	return arg;
}

static void *audit(void *arg)
{
	pthread_rwlock_rdlock(&config);
	pair(&ledger, &accounts);
	pthread_rwlock_unlock(&config);
	return arg;
}

static void *reindex(void *arg)
{
	pthread_rwlock_wrlock(&config);
	pair(&cache, &index_lock);
	pthread_rwlock_unlock(&config);
	return arg;
}

static void *lookup(void *arg)
{
	pthread_rwlock_rdlock(&config);
	pair(&index_lock, &cache);
	pthread_rwlock_unlock(&config);
	return arg;
}

int main(void)
{
	void *(*steps[])(void *) = { post_entry, audit, reindex, lookup };
	for (int i = 0; i < 4; i++) {
		pthread_t t;
		pthread_create(&t, NULL, steps[i], NULL);
		pthread_join(t, NULL);
	}
	printf("4 steps done\n");
	return 0;
}
