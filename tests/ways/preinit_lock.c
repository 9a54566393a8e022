/* preinit_lock.c - a lock call in .preinit_array, before any constructor:
 * lockwatch starts there, when glibc has not yet set `environ` (getenv
 * returns NULL), and took no options: under `lockwatch run` no JSON, no
 * exit status, and the header way's exitcode=66 ignored (a helper's
 * finding: status 0 with the cycle's ERROR printed). main then takes A
 * then B, and B then A: one lock_order_cycle error in every way, status 66. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER, lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t early = PTHREAD_MUTEX_INITIALIZER;
static int setup;

static void preinit(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	pthread_mutex_lock(&early);
	setup = 1;
	pthread_mutex_unlock(&early);
}
__attribute__((section(".preinit_array"), used)) static void (*preinit_p)(int, char **,
									     char **) = preinit;

__attribute__((noinline)) static void forward(void)
{
	pthread_mutex_lock(&lock_a);
	pthread_mutex_lock(&lock_b);
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
}

__attribute__((noinline)) static void backward(void)
{
	pthread_mutex_lock(&lock_b);
	pthread_mutex_lock(&lock_a);
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
}

int main(void)
{
	forward();
	backward();
	printf("setup %d\n", setup);
	return 0;
}
