/* link_cache.h - the cache of links of fresh_link.c and fresh_shared.c,
 * as ghostscript's ICC link cache keeps them: holding the cache lock,
 * alloc_link() makes a link, initialises its lock and takes it before the
 * link is in the cache (no other thread can hold that lock yet), puts the
 * link in and lets the cache lock go, returning it locked; set_ready(),
 * holding the link's lock, takes the cache lock again to mark it ready,
 * then lets both go. */
#ifndef LINK_CACHE_H
#define LINK_CACHE_H

#include <pthread.h>
#include <stdlib.h>

struct link {
	pthread_mutex_t lock;
	int ready, used;
	struct link *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct link *cache;

__attribute__((noinline)) static struct link *alloc_link(void)
{
	pthread_mutex_lock(&cache_lock);
	struct link *l = calloc(1, sizeof(*l));
	if (l) {
		pthread_mutex_init(&l->lock, NULL);
		pthread_mutex_lock(&l->lock); /* returned locked, not yet ready */
		l->next = cache;
		cache = l;
	}
	pthread_mutex_unlock(&cache_lock);
	return l;
}

__attribute__((noinline)) static void set_ready(struct link *l)
{
	pthread_mutex_lock(&cache_lock);
	l->ready = 1;
	pthread_mutex_unlock(&cache_lock);
	pthread_mutex_unlock(&l->lock);
}

#endif
