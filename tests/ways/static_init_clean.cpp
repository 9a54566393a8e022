/* static_init_clean.cpp - function-local statics used correctly by many
 * threads at once: eight threads start together and make the first uses
 * of three statics, some while holding outer_lock, in one order
 * everywhere (outer_lock, then the statics' guards, then inner_lock
 * inside a constructor; a static whose constructor uses another), and a
 * constructor that throws on its first try (the guard let go by
 * __cxa_guard_abort; the next use initialises it). Every thread's sums
 * printed. Under lockwatch, the same output and status, and no report:
 * a guard is a lock only while a constructor runs. */
#include <pthread.h>
#include <stdio.h>
#include <stdexcept>

static pthread_mutex_t outer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t inner_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t start;
static int made, tries;

struct Table {
	int size;
	Table() : size(64)
	{
		pthread_mutex_lock(&inner_lock);
		made++;
		pthread_mutex_unlock(&inner_lock);
	}
};

__attribute__((noinline)) static Table &table(void)
{
	static Table t;
	return t;
}

struct Index {
	int entries;
	Index() : entries(table().size * 2) {}
};

__attribute__((noinline)) static Index &index_of(void)
{
	static Index i;
	return i;
}

struct Flaky {
	int value;
	Flaky() : value(7)
	{
		pthread_mutex_lock(&inner_lock);
		int first = tries++ == 0;
		pthread_mutex_unlock(&inner_lock);
		if (first)
			throw std::runtime_error("first try");
	}
};

__attribute__((noinline)) static int flaky(void)
{
	try {
		static Flaky f;
		return f.value;
	} catch (const std::exception &) {
		return 0;
	}
}

static void *worker(void *arg)
{
	long id = (long)arg, sum = 0;
	pthread_barrier_wait(&start);
	for (int round = 0; round < 3; round++) {
		if ((id + round) % 2) {
			pthread_mutex_lock(&outer_lock);
			sum += index_of().entries + table().size;
			pthread_mutex_unlock(&outer_lock);
		} else {
			sum += table().size + index_of().entries;
		}
		int v = 0;
		while ((v = flaky()) == 0)
			;
		sum += v;
	}
	return (void *)sum;
}

int main(void)
{
	enum { N = 8 };
	pthread_t t[N];
	pthread_barrier_init(&start, NULL, N);
	for (long i = 0; i < N; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
			return 1;
	for (int i = 0; i < N; i++) {
		void *r;
		pthread_join(t[i], &r);
		printf("thread %d: %ld\n", i, (long)r);
	}
	printf("tables made: %d, flaky tries: %d\n", made, tries);
	return 0;
}
