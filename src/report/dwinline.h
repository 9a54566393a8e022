/* dwinline.h - the functions inlined at a code address, read from a
 * module's DWARF with libdw (dwinline.c): for lockwatch's own process
 * (symbols.c) and for another one (`lockwatch attach`). */
#ifndef LW_DWINLINE_H
#define LW_DWINLINE_H

#include <elfutils/libdwfl.h>
#include <lockwatch.h>

/* Makes a string last as long as the frames that hold it (interns or
 * copies it); NULL stays NULL. */
typedef const char *(*lw__dw_keep_fn)(const char *s);

/* The inlined subroutines around address a of module m: f[0] is the
 * innermost, each with the call site in the next one out as that one's
 * file and line; f[k-1] the function that contains them all. f[0].file
 * and line are the pc's own line on entry. Fills at most max frames'
 * function (C++ demangled; dl_adds as lw__demangle takes it), file and
 * line, inlined[k] = 1 for an inlined one, and returns how many (0: no
 * DWARF scope, f[0] untouched). */
int lw__dw_inline_chain(Dwfl_Module *m, uintptr_t a, lw_frame_t *f, int *inlined, int max,
			lw__dw_keep_fn keep, unsigned long long dl_adds);

#endif
