/* call_once_clean.cpp - std::call_once with a callable that throws on
 * its first try (the flag stays unset; the next call runs it again),
 * called by four threads while holding pool_lock, the callable taking
 * stats_lock: one order everywhere. The tries and the value printed.
 * Under lockwatch, the same output and status, and no report: the once's
 * hold ends when its callable throws. */
#include <mutex>
#include <pthread.h>
#include <stdexcept>
#include <stdio.h>
#include <thread>
#include <vector>

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static std::once_flag pool_flag;
static int tries, value;

static void make_pool(void)
{
	pthread_mutex_lock(&stats_lock);
	int first = tries++ == 0;
	if (!first)
		value = 42;
	pthread_mutex_unlock(&stats_lock);
	if (first)
		throw std::runtime_error("first try");
}

int main(void)
{
	std::vector<std::thread> ts;
	for (int i = 0; i < 4; i++)
		ts.emplace_back([] {
			for (int done = 0; !done;) {
				pthread_mutex_lock(&pool_lock);
				try {
					std::call_once(pool_flag, make_pool);
					done = 1;
				} catch (const std::exception &) {
				}
				pthread_mutex_unlock(&pool_lock);
			}
		});
	for (auto &t : ts)
		t.join();
	printf("tries %d, value %d\n", tries, value);
	return 0;
}
