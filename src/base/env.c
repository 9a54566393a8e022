/* env.c - environment variables for lockwatch's start-up (see env.h). A
 * program whose .preinit_array takes a lock starts lockwatch before
 * glibc's own initialisation has set `environ`: getenv returns NULL
 * there, and lockwatch would run without the options `lockwatch run` or
 * the user gave it (no exit status, no JSON: a false green). The loader
 * records where the initial stack began (`__libc_stack_end`): argc, the
 * argument pointers and a NULL, then the environment's, NULL-ended. */
#include "env.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;
extern void *__libc_stack_end __attribute__((weak));

/* The initial environment's value of name (n bytes), or NULL. */
static const char *initial(const char *name, size_t n)
{
	long *sp = &__libc_stack_end ? (long *)__libc_stack_end : NULL;
	if (!sp || sp[0] < 0 || sp[0] > (1 << 24))
		return NULL;
	char **argv = (char **)(sp + 1);
	if (argv[sp[0]] != NULL)
		return NULL; /* not the layout the kernel makes */
	for (char **e = argv + sp[0] + 1; *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

const char *lw__getenv(const char *name)
{
	if (environ)
		return getenv(name);
	return initial(name, strlen(name));
}
