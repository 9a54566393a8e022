/* omp_work.c - an OpenMP plugin (omp_local.c loads it with RTLD_LOCAL,
 * as Python's ctypes and extension modules are loaded): a team of four
 * takes the unnamed critical section, a named one and an OpenMP lock, a
 * thousand times each. Its libgomp is loaded for it alone, out of the
 * process's global scope. */
#include <omp.h>

long plugin_work(void);

long plugin_work(void)
{
	long n = 0, named = 0, locked = 0;
	omp_lock_t l;
	omp_init_lock(&l);
#pragma omp parallel num_threads(4)
	for (int i = 0; i < 1000; i++) {
#pragma omp critical
		n++;
#pragma omp critical(plugin_tally)
		named++;
		omp_set_lock(&l);
		locked++;
		omp_unset_lock(&l);
	}
	omp_destroy_lock(&l);
	return n + named + locked;
}
