/* heap_block_ends.c - a lock at the very end of a heap block, and blocks
 * that cross a page: the free of a glibc block reads the block's extent
 * from malloc's own size word and the granules' bits (front/heap.c), so
 * the last granule of a block, and a block across two pages, must count.
 * For each size (80 bytes to 9 KiB) an object is malloc'd and zeroed
 * with a mutex in its last bytes (as a C++ object's std::mutex member
 * may be), taken before `registry`, freed; an object of the same size
 * (glibc gives the same block back) takes its mutex at the same place
 * after `registry`: two orders over locks
 * that never lived at the same time, no cycle. A free that missed an old
 * lock would keep its record for the new one: a false lock-order cycle
 * (status 66). The test's options turn the mutexes' hints off (hint=0:
 * a zeroed mutex is otherwise known for new by its contents), so only
 * the free can tell; nothing else lies in the block, so its last
 * granule alone says a lock is there. Says on stderr how many addresses were used again;
 * no report, status 0. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static long total;

static pthread_mutex_t *at_end(void *obj, size_t size)
{
	size_t off = (size - sizeof(pthread_mutex_t)) & ~(size_t)7;
	return (pthread_mutex_t *)((char *)obj + off);
}

static void take(void *obj, size_t size, int registry_first)
{
	pthread_mutex_t *m = at_end(obj, size);
	if (registry_first)
		pthread_mutex_lock(&registry);
	pthread_mutex_lock(m);
	if (!registry_first)
		pthread_mutex_lock(&registry);
	total += 2;
	pthread_mutex_unlock(&registry);
	pthread_mutex_unlock(m);
}

static void *zeroed(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	return memset(p, 0, n);
}

int main(void)
{
	static const size_t sizes[] = { 80, 88, 100, 128, 200, 500, 1000, 2000,
					3000, 3500, 3600, 4000, 4100, 5000, 9000 };
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	int reused = 0;
	for (int i = 0; i < N; i++) {
		void *old = zeroed(sizes[i]);
		take(old, sizes[i], 0);
		uintptr_t was = (uintptr_t)old;
		free(old);
		void *obj = zeroed(sizes[i]);
		reused += (uintptr_t)obj == was;
		take(obj, sizes[i], 1);
		free(obj);
	}
	fprintf(stderr, "%d of %d addresses used again\n", reused, N);
	printf("%ld locks taken\n", total);
	return 0;
}
