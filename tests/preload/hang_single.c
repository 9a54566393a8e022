/* hang_single.c - a program that never starts a thread hangs holding
 * config_lock (in pause(), natively forever). Its watchdog waits for a
 * second thread, except under option timeout, where a hang request may
 * come (issue 12): then it starts with the first blocking lock call and
 * answers with the hang report of the one thread. */
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void wait_forever(void)
{
	pthread_mutex_lock(&config_lock);
	pause();
	pthread_mutex_unlock(&config_lock);
}

int main(void)
{
	wait_forever();
	return 0;
}
