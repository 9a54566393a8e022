/* env.h - the process's environment as lockwatch reads it at start-up
 * (env.c), even where glibc cannot say yet. */
#ifndef LW_ENV_H
#define LW_ENV_H

/* The value of environment variable name, or NULL. Where `environ` is
 * NULL (a lock call from the program's .preinit_array, which runs before
 * glibc sets it; or after the program's clearenv) the process's initial
 * environment, as the kernel laid it out on the first stack. */
const char *lw__getenv(const char *name);

#endif
