/* symbols_session.h - inside symbolising (symbols*.c): the one lock over
 * all of its state, and the libdwfl session over this process's modules
 * (symbols_session.c). Everything here but lw__sym_lock itself and
 * lw__sym_reset_begin is called holding that lock. */
#ifndef LW_SYMBOLS_SESSION_H
#define LW_SYMBOLS_SESSION_H

#include "common.h"

#include <elfutils/libdwfl.h>

/* Take and let go of the symbols lock (the first take notes the process
 * it was taken in). */
void lw__sym_lock(void);
void lw__sym_unlock(void);

/* The module holding a, refreshing the module list at most once per call
 * (tracked by *refreshed) when the loader has (un)loaded objects since;
 * NULL when none does or libdwfl cannot start. */
Dwfl_Module *lw__sym_module(uintptr_t a, int *refreshed);

/* End the libdwfl session (it is made again at the next lookup), and
 * forget the symbol indexes of its modules (symbols_index.h): its
 * files, held open by libdw, are closed while they are still ours, not
 * left open in the program to be closed at a later end, by then perhaps
 * a number the program closed and opened again. */
void lw__sym_session_close(void);

/* Objects the dynamic loader has loaded so far (for lw__demangle). */
unsigned long long lw__sym_dl_adds(void);

/* lw__sym_reset's first step: take the lock and end the libdwfl session.
 * In a forked child whose parent had another thread inside symbolising,
 * the state is abandoned (the session leaked, the lock made afresh) and
 * 1 is returned: the caller then abandons the caches too. Else 0. */
int lw__sym_reset_begin(void);

#endif
