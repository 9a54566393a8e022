/* dl_codec.c - a plugin of dl_reuse.c: its static codec_lock is taken
 * before the program's lock (codec_lock, then app). */
#include <pthread.h>

pthread_mutex_t codec_lock = PTHREAD_MUTEX_INITIALIZER;

void plugin_work(pthread_mutex_t *app);
void plugin_work(pthread_mutex_t *app)
{
	pthread_mutex_lock(&codec_lock);
	pthread_mutex_lock(app);
	pthread_mutex_unlock(app);
	pthread_mutex_unlock(&codec_lock);
}
