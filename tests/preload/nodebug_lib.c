/* nodebug_lib.c - a shared library built without debug information (no
 * -g), for test_debuginfod.sh: lockwatch finds no line numbers for it on
 * this machine, which is where libdw would ask a debuginfod server. */
#include <pthread.h>

void nodebug_both(pthread_mutex_t *first, pthread_mutex_t *second)
{
	pthread_mutex_lock(first);
	pthread_mutex_lock(second);
	pthread_mutex_unlock(second);
	pthread_mutex_unlock(first);
}
