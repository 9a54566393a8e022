/* demo.c - the bundled example that `tools/demo.sh` runs under
 * `lockwatch run`. A plain pthread program with two classic bugs:
 *
 * 1. transfer() takes accounts_lock then ledger_lock; audit() takes them
 *    in the other order. Run one after the other they never deadlock, so
 *    tests pass, until the day they run at the same time.
 * 2. broadcast() holds the members read lock across a slow send (1.5 s),
 *    so join_room(), which needs the write lock, stalls behind it.
 *
 * lockwatch reports the cycle (an error: `lockwatch run` exits 66), the
 * long hold with what the holder is doing now (slow_send), and the long
 * wait of the writer. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

pthread_mutex_t accounts_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t ledger_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_rwlock_t members_lock = PTHREAD_RWLOCK_INITIALIZER;
static long balance, ledger;

__attribute__((noinline)) static void transfer(long amount)
{
	pthread_mutex_lock(&accounts_lock);
	pthread_mutex_lock(&ledger_lock);
	balance -= amount;
	ledger += amount;
	pthread_mutex_unlock(&ledger_lock);
	pthread_mutex_unlock(&accounts_lock);
}

__attribute__((noinline)) static void audit(void)
{
	pthread_mutex_lock(&ledger_lock);
	pthread_mutex_lock(&accounts_lock);
	if (balance + ledger != 0)
		printf("audit: books do not balance\n");
	pthread_mutex_unlock(&accounts_lock);
	pthread_mutex_unlock(&ledger_lock);
}

__attribute__((noinline)) static void slow_send(void)
{
	struct timespec t = { 1, 500000000 };
	while (nanosleep(&t, &t) != 0)
		; /* a slow peer */
}

__attribute__((noinline)) static void broadcast(void)
{
	pthread_rwlock_rdlock(&members_lock);
	slow_send();
	pthread_rwlock_unlock(&members_lock);
}

__attribute__((noinline)) static void join_room(void)
{
	pthread_rwlock_wrlock(&members_lock);
	pthread_rwlock_unlock(&members_lock);
}

static void *teller(void *arg) { (void)arg; for (int i = 0; i < 1000; i++) transfer(1); return NULL; }
static void *auditor(void *arg) { (void)arg; for (int i = 0; i < 1000; i++) audit(); return NULL; }
static void *room(void *arg) { (void)arg; broadcast(); return NULL; }
static void *joiner(void *arg) { (void)arg; usleep(200000); join_room(); return NULL; }

int main(void)
{
	pthread_t a, b;
	printf("demo: bank (transfer and audit, one after the other)\n");
	pthread_create(&a, NULL, teller, NULL);
	pthread_join(a, NULL);
	pthread_create(&b, NULL, auditor, NULL);
	pthread_join(b, NULL);
	printf("demo: chat room (broadcast to a slow member while someone joins)\n");
	pthread_create(&a, NULL, room, NULL);
	pthread_create(&b, NULL, joiner, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("demo: done, balance %ld, ledger %ld\n", balance, ledger);
	return 0;
}
