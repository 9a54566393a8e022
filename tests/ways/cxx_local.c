/* cxx_local.c - a C program (no C++ runtime of its own) that loads a C++
 * plugin with RTLD_LOCAL, as Python's ctypes and extension modules are
 * loaded: the plugin's function-local statics call the C++ runtime's
 * guard functions, which lockwatch's preload library defines, and
 * libstdc++, loaded for the plugin alone, is not in the global scope that
 * dlsym(RTLD_NEXT) searches. lockwatch must find the loaded one (as it
 * finds libgomp for omp_local.c), not end the process (it did, status
 * 134, in the preload way): the plugin's tally, 12000, and no report. */
#include "local_host.h"

int main(void)
{
	return lw_local_host("cxx_statics");
}
