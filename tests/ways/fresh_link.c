/* fresh_link.c - a cache of links (link_cache.h: ghostscript's ICC link
 * cache): holding the cache lock, a thread makes a link, initialises its
 * lock and takes it before the link is in the cache; then, holding the
 * link's lock, it takes the cache lock again to mark the link ready.
 * Both orders, and never a deadlock: the cache -> link edge ends in the
 * first acquisition of a lock its own thread just made, which cannot
 * block. A warning saying so, not an error. Two threads, three links
 * each (six cycles of one shape). Runs correctly natively. */
#include "link_cache.h"

#include <stdio.h>

static void *worker(void *arg)
{
	for (int i = 0; i < 3; i++) {
		struct link *l = alloc_link();
		if (!l)
			return NULL;
		set_ready(l);
	}
	return arg;
}

int main(void)
{
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, worker, NULL))
			return 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	int ready = 0;
	while (cache) {
		struct link *l = cache;
		cache = l->next;
		ready += l->ready;
		pthread_mutex_destroy(&l->lock);
		free(l);
	}
	printf("links ready: %d\n", ready);
	return 0;
}
