/* alloc.h - the program's own allocator, when it is not glibc's: a
 * preloaded or linked-in malloc (jemalloc, tcmalloc) that takes pthread
 * locks inside malloc and free. A lock call made from its code may come
 * while it is half-way through setting a thread up, when neither malloc
 * nor anything that may call it (thread-local storage of a dlopen'ed
 * library) can be entered again: lockwatch lets those calls pass straight
 * through and never registers the allocator's locks. */
#ifndef LW_ALLOC_H
#define LW_ALLOC_H

#include "common.h"

/* The code of the shared object that defines malloc, when that is not
 * libc and not the program itself; 0, 0 otherwise. */
LW__EXTERN uintptr_t lw__alloc_lo, lw__alloc_hi;

/* 1 when malloc is neither libc's nor a shared object whose code was
 * found (whose lock calls pass straight through): an allocator linked
 * into the program itself, whose locks lockwatch checks like the
 * program's. Its lock calls may come from inside malloc, with its heap
 * lock held, so nothing a lock call runs may call malloc, not even
 * through the thread-local storage of a library loaded with dlopen
 * (libunwind's: model/stack.c). */
LW__EXTERN int lw__alloc_foreign;

/* Find them (once, at start-up, under the guard, before the unwinder). */
void lw__alloc_init(void);

/* Is pc in the allocator's code? */
static inline int lw__in_alloc(uintptr_t pc)
{
	return pc - lw__load(&lw__alloc_lo) < lw__load(&lw__alloc_hi) - lw__load(&lw__alloc_lo);
}

#endif
