/* symbols.h - turn addresses into names, at report time only.
 *
 * Code addresses become function, file:line and module with libdw (elfutils)
 * over the process's own modules; C++ names are demangled when the program
 * has the C++ runtime. Data addresses become the name of the global or
 * static variable that contains them ("accounts_lock", "table+16"), which
 * is what names a lock in reports. Results are cached for the life of the
 * process, so the strings returned stay valid. Thread-safe (one lock). */
#ifndef LW_SYMBOLS_H
#define LW_SYMBOLS_H

#include "common.h"

/* Fill out for pc. `ret` is 1 for a return address (looked up at pc-1, the
 * call instruction), 0 for an exact pc. */
void lw__sym_frame(uintptr_t pc, int ret, lw_frame_t *out);

/* The variable containing addr: writes "name" or "name+off" into buf and
 * returns 1, or returns 0 when addr is not inside a known variable. */
int lw__sym_data(const void *addr, char *buf, size_t n);

/* Forget the process map (after dlopen or in a forked child). */
void lw__sym_reset(void);

#endif
