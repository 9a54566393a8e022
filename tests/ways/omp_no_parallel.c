/* omp_no_parallel.c - a program built with -fopenmp whose only OpenMP
 * calls are a lock and a critical section, with no parallel region: in
 * the header and wrapper ways liblockwatch defines every OpenMP name it
 * calls, so the linker's --as-needed (Debian's default) leaves libgomp
 * out, and lockwatch found no libgomp to call (status 134; a helper's
 * finding). It must load it: the program's output, no report. */
#include <omp.h>
#include <stdio.h>

static omp_lock_t guard;
static int uses;

int main(void)
{
	omp_init_lock(&guard);
	omp_set_lock(&guard);
	uses++;
	omp_unset_lock(&guard);
#pragma omp critical
	uses++;
	omp_destroy_lock(&guard);
	printf("uses %d\n", uses);
	return 0;
}
