/* fresh_shared.c - as fresh_link.c, a link made and taken for the first
 * time under the cache lock, then marked ready holding its own lock and
 * taking the cache lock (a warning: that first acquisition cannot block).
 * But then another thread, holding the cache lock, takes the link it
 * finds there: the link is shared by then, so that acquisition can block
 * on a thread that holds the link and waits for the cache lock (a real
 * deadlock, in other timings). The edge loses its mark, and the cycle is
 * an error. Runs correctly natively (the threads take turns). */
#include "link_cache.h"

#include <stdio.h>

/* holding the cache lock, use the first link in it */
__attribute__((noinline)) static void *lookup(void *arg)
{
	pthread_mutex_lock(&cache_lock);
	if (cache) {
		pthread_mutex_lock(&cache->lock);
		cache->used++;
		pthread_mutex_unlock(&cache->lock);
	}
	pthread_mutex_unlock(&cache_lock);
	return arg;
}

int main(void)
{
	struct link *l = alloc_link();
	if (!l)
		return 1;
	set_ready(l);
	pthread_t t;
	if (pthread_create(&t, NULL, lookup, NULL))
		return 1;
	pthread_join(t, NULL);
	printf("ready %d, used %d\n", l->ready, l->used);
	pthread_mutex_destroy(&l->lock);
	free(l);
	return 0;
}
