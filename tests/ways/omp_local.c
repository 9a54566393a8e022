/* omp_local.c - a program without OpenMP that loads an OpenMP plugin with
 * RTLD_LOCAL (Python's ctypes and extension modules are loaded so): the
 * plugin's critical sections and lock calls reach lockwatch's entry
 * points, and libgomp, loaded for the plugin alone, is not in the global
 * scope that dlsym(RTLD_NEXT) searches. lockwatch found no libgomp and
 * ended the process ("libgomp is not loaded past it", status 134, in
 * every way; a helper's finding). Now it finds the loaded one: the
 * plugin's tally, 12000, and no report. */
#include "local_host.h"

int main(void)
{
	return lw_local_host("omp_work");
}
