/* dl_cache.c - the other plugin of dl_reuse.c, of the same layout as
 * dl_codec.c, so the loader maps it where that one was: its static
 * cache_lock is taken after the program's lock (app, then cache_lock);
 * plugin_inverse takes them the other way once: a real inversion, whose
 * report must name cache_lock, not the codec_lock that lived there. */
#include <pthread.h>

pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

void plugin_work(pthread_mutex_t *app);
void plugin_work(pthread_mutex_t *app)
{
	pthread_mutex_lock(app);
	pthread_mutex_lock(&cache_lock);
	pthread_mutex_unlock(&cache_lock);
	pthread_mutex_unlock(app);
}

void plugin_inverse(pthread_mutex_t *app);
void plugin_inverse(pthread_mutex_t *app)
{
	pthread_mutex_lock(&cache_lock);
	pthread_mutex_lock(app);
	pthread_mutex_unlock(app);
	pthread_mutex_unlock(&cache_lock);
}
