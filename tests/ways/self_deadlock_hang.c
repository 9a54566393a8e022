/* self_deadlock_hang.c - a thread locks a default mutex it already holds:
 * natively it hangs for good. In every way in lockwatch reports the
 * self_deadlock before the thread blocks and then ends the program with
 * status 66 (on_deadlock: exit under `lockwatch run`; in the library, the
 * exitcode set with no on_deadlock). Nothing after the relock is reached. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void reload_config(void)
{
	pthread_mutex_lock(&config_lock); /* already held by apply_config */
	pthread_mutex_unlock(&config_lock);
}

__attribute__((noinline)) static void apply_config(void)
{
	pthread_mutex_lock(&config_lock);
	reload_config();
	pthread_mutex_unlock(&config_lock);
}

int main(void)
{
	apply_config();
	printf("not reached\n");
	return 0;
}
