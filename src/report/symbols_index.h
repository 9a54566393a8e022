/* symbols_index.h - the data symbols of a module sorted by address, made
 * at its first look (symbols_index.c), so naming a static lock is a
 * binary search, not a walk of the whole symbol table (a program with
 * 60,000 symbols and 1,200 named locks spent 20 s at exit in those walks).
 * Under the symbols lock (symbols_session.h). */
#ifndef LW_SYMBOLS_INDEX_H
#define LW_SYMBOLS_INDEX_H

#include "common.h"

#include <elfutils/libdwfl.h>

/* The variable of module m containing a, chosen as a walk of the whole
 * table would (the nearest start at or below a that covers it, sized over
 * sizeless, global over local, then the first in the table): its name
 * (owned by libdw) with *off set, or NULL. *known is 0 when the index
 * could not answer (no memory, or no cover among the nearest thousands):
 * then the caller walks the table. */
const char *lw__sym_index_find(Dwfl_Module *m, uintptr_t a, uint64_t *off, int *known);

/* What dwfl_module_addrinfo(m, a, off, sym, NULL, NULL, NULL) returns,
 * found in module m's code index: a binary search and the few symbols
 * covering a, not a walk of the whole table (libdw's; a program of
 * 100,000 symbols spent most of its exit in those walks). Where a sizeless
 * symbol could decide, it asks libdw itself; with `data` set (the caller
 * wants only a variable containing a), not where that symbol would not
 * start at a: it returns NULL there. */
const char *lw__sym_index_addrinfo(Dwfl_Module *m, uintptr_t a, GElf_Off *off, GElf_Sym *sym,
				   int data);

/* How many lw__sym_index_addrinfo lookups libdw answered (for the tests). */
unsigned long lw__sym_index_asked(void);

/* Forget every index (a module may be gone; the session is made again). */
void lw__sym_index_forget(void);

#endif
