/* object.h - which loaded object (the program, a shared library) holds an
 * address, cheaply (object.c). */
#ifndef LW_OBJECT_H
#define LW_OBJECT_H

#include "common.h"

struct lw__object {
	const void *id;   /* the same for two addresses of one object */
	const char *name; /* its file as the loader names it; "" for the program */
	uintptr_t base;   /* its load bias */
	uintptr_t lo, hi; /* the addresses its segments span; 0, 0: not known
			   * (glibc before 2.35) */
};

/* Look up glibc's search at start-up (a dlsym, which takes the loader's
 * lock: never later, inside a lock call). */
void lw__object_setup(void);

/* 1 and *o when addr lies in a loaded object, else 0. */
int lw__object_of(const void *addr, struct lw__object *o);

/* 1 when both addresses lie in one loaded object. */
int lw__object_same(const void *a, const void *b);

#endif
