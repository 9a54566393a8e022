/* unversioned_cond.c - a shared object linked without the C library
 * (-nostdlib), so its references carry no symbol version, as valgrind's
 * DRD preload's do: the dynamic linker binds an unversioned reference to
 * the oldest version, here glibc's old condition-variable ABI
 * (GLIBC_2.2.5) for init, wait, signal and destroy alike. For
 * cond_old_abi.c. */
#include <pthread.h>

int unv_cond_init(pthread_cond_t *c)
{
	return pthread_cond_init(c, 0);
}

int unv_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	return pthread_cond_wait(c, m);
}

int unv_cond_signal(pthread_cond_t *c)
{
	return pthread_cond_signal(c);
}

int unv_cond_destroy(pthread_cond_t *c)
{
	return pthread_cond_destroy(c);
}
