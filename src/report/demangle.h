/* demangle.h - readable function names for reports. */
#ifndef LW_DEMANGLE_H
#define LW_DEMANGLE_H

#include "common.h"

/* A malloc'ed demangled copy of name, or NULL to keep name as it is.
 * dl_adds: the loader's count of objects loaded so far (a demangler not
 * found is looked for again only after it changed). */
char *lw__demangle(const char *name, unsigned long long dl_adds);

/* name without a symbol version ("stdout@GLIBC_2.2.5", "f@@V2"): a copy
 * in buf when there was one to cut off. */
const char *lw__unversioned(const char *name, char *buf, size_t n);

#endif
