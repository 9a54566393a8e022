/* dlmopen_host.c - loads dlmopen_lib.so (argv[1]) into a link-map
 * namespace of its own (dlmopen LM_ID_NEWLM, as a plugin host isolating a
 * plugin's symbols does), or with dlopen when argv[2] is "base", and
 * calls its function, which takes two mutexes in both orders (a
 * lock-order cycle, one thread, no deadlock). Prints the function's
 * result; status 0. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int base = argc > 2 && strcmp(argv[2], "base") == 0;
	void *h = base ? dlopen(argv[1], RTLD_NOW) : dlmopen(LM_ID_NEWLM, argv[1], RTLD_NOW);
	if (!h) {
		fprintf(stderr, "dlmopen_host: %s\n", dlerror());
		return 2;
	}
	int (*both_orders)(void) = (int (*)(void))dlsym(h, "both_orders");
	printf("both_orders: %d\n", both_orders ? both_orders() : -1);
	dlclose(h);
	return 0;
}
