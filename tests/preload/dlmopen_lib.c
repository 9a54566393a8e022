/* dlmopen_lib.c - a plugin for dlmopen_host.c: takes its two mutexes in
 * one order, then in the other (a lock-order cycle). */
#include <pthread.h>

static pthread_mutex_t plugin_cache = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t plugin_index = PTHREAD_MUTEX_INITIALIZER;

int both_orders(void)
{
	int n = 0;
	pthread_mutex_lock(&plugin_cache);
	pthread_mutex_lock(&plugin_index);
	n++;
	pthread_mutex_unlock(&plugin_index);
	pthread_mutex_unlock(&plugin_cache);
	pthread_mutex_lock(&plugin_index);
	pthread_mutex_lock(&plugin_cache);
	n++;
	pthread_mutex_unlock(&plugin_cache);
	pthread_mutex_unlock(&plugin_index);
	return n;
}
