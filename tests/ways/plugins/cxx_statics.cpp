/* cxx_statics.cpp - the C++ plugin of cxx_local.c: four threads make the
 * first uses of two function-local statics (one while holding
 * table_lock; one whose constructor uses the other) and add up what they
 * read. The tally: 4 x 100 x (10 + 20) = 12000. */
#include <pthread.h>

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

struct Base {
	long v = 10;
};

static Base &base(void)
{
	static Base b;
	return b;
}

struct Derived {
	long v;
	Derived() : v(base().v * 2) {}
};

static Derived &derived(void)
{
	static Derived d;
	return d;
}

static void *run(void *arg)
{
	long sum = 0;
	(void)arg;
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&table_lock);
		sum += base().v;
		pthread_mutex_unlock(&table_lock);
		sum += derived().v;
	}
	return (void *)sum;
}

extern "C" long plugin_work(void)
{
	pthread_t t[4];
	long tally = 0;
	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, run, NULL) != 0)
			return -1;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		tally += (long)r;
	}
	return tally;
}
