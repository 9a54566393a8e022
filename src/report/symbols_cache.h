/* symbols_cache.h - inside symbolising (symbols*.c): interned strings and
 * the cache of each code address's frames (symbols_cache.c). Everything
 * here is called holding the symbols lock (symbols_session.h); nothing
 * is ever freed, so what a caller got stays valid for the process's life. */
#ifndef LW_SYMBOLS_CACHE_H
#define LW_SYMBOLS_CACHE_H

#include "symbols.h"

/* A copy of s that lives forever, shared by equal strings; NULL for NULL
 * or when out of memory. */
const char *lw__sym_intern(const char *s);

/* One pc's frames, innermost (inlined) first. */
struct lw__sym_cached {
	struct lw__sym_cached *next;
	uintptr_t pc;
	int ret, n;
	lw_frame_t *f;
	struct lw__frame_info *x;
};

/* The frames cached for (pc, ret), or NULL; and add them (n >= 1; left
 * out when out of memory). */
const struct lw__sym_cached *lw__sym_cache_find(uintptr_t pc, int ret);
void lw__sym_cache_add(uintptr_t pc, int ret, const lw_frame_t *f,
		       const struct lw__frame_info *x, int n);

/* Forget every code address's frames (a library was unloaded: another
 * may be mapped at its addresses); the interned strings stay. */
void lw__sym_cache_drop_frames(void);

/* Start both tables afresh, leaking the old ones (a forked child whose
 * parent was inside symbolising: lw__sym_reset_begin). */
void lw__sym_cache_abandon(void);

#endif
