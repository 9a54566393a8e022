/* symbols_dyn.h - inside symbolising (symbols*.c): what dladdr says of an
 * address, from an index of each loaded object's dynamic symbol table
 * made at its first look (symbols_dyn.c), not from glibc's walk of the
 * whole table at every call (LibreOffice's libraries export 100,000
 * symbols; naming its frames with --json spent seconds in those walks).
 * Called holding the symbols lock (symbols_session.h). */
#ifndef LW_SYMBOLS_DYN_H
#define LW_SYMBOLS_DYN_H

#include "common.h"

#include <dlfcn.h>
#include <link.h>

/* What dladdr1(addr, info, sym, RTLD_DL_SYMENT) returns and sets: 1 when
 * addr lies in a loaded object (its file and first address in *info,
 * with the dynamic symbol that covers addr, or none: dli_sname NULL), 0
 * when in none. Where the index cannot say as dladdr would (the program
 * itself, an object without a GNU hash table, glibc older than 2.35), it
 * calls dladdr1. */
int lw__sym_dladdr(const void *addr, Dl_info *info, const ElfW(Sym) **sym);

/* How many lw__sym_dladdr calls went to dladdr1 (for the tests). */
unsigned long lw__sym_dyn_asked(void);

/* Forget every index (objects may have been unloaded). */
void lw__sym_dyn_forget(void);

#endif
