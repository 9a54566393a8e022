/* early_free.c - another preloaded library, as heaptrack's is: it looks
 * things up with dlsym at load time, one of them missing (dlerror's string
 * is then malloc'd and kept), and frees memory from its constructor, which
 * runs before lockwatch's when it comes after lockwatch in LD_PRELOAD (as
 * `LD_PRELOAD=LIB lockwatch run` makes it). lockwatch's free then looks up
 * the real free with dlsym, which frees dlerror's old string through
 * lockwatch's free again. Before the fix that nested free looked the real
 * free up again, for good: heaptrack's programs died of a stack overflow
 * (SIGSEGV) under lockwatch. Preloaded by the ways test clean_pair_early_free. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

static void *volatile kept; /* so the compiler keeps each malloc and free */

__attribute__((constructor)) static void early_free_init(void)
{
	(void)dlsym(RTLD_NEXT, "early_free_no_such_symbol"); /* leaves dlerror's string */
	kept = malloc(32);
	free(kept);
	(void)dlsym(RTLD_NEXT, "early_free_no_such_symbol");
	kept = malloc(64);
	free(kept);
}
