/* is_clean.c - a plain pthread program taking two locks in one order;
 * exits 0 when given its two arguments (one two). */
#include <pthread.h>
#include <string.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;

static void *ab(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, ab, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return argc == 3 && strcmp(argv[1], "one") == 0 && strcmp(argv[2], "two") == 0 ? 0 : 1;
}
