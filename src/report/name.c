/* name.c - naming locks for reports (see name.h): the user's name, the
 * variable's symbol, or the first frame of its first use that lies in the
 * program's own code rather than in a system or library header. */
#include "name.h"
#include "hash.h"
#include "stack.h"
#include "symbols.h"

#include <stdio.h>
#include <string.h>

const char *lw__lock_kind_name(int kind)
{
	switch (kind) {
	case LW__MUTEX: return "mutex";
	case LW__RWLOCK: return "rwlock";
	case LW__SPIN: return "spinlock";
	case LW__SEM: return "semaphore";
	default: return "lock";
	}
}

/* Code of a system or library header (an inlined std::mutex::lock): a
 * lock's name should point at the program's own code instead. */
static int system_header(const char *file)
{
	return strncmp(file, "/usr/include/", 13) == 0 || strstr(file, "/include/c++/") ||
	       strstr(file, "/bits/") || strstr(file, "gthr");
}

/* "file:line" of the lock's site: the header's call site, or the first
 * frame of its first-use stack in the program's own code (by debug info);
 * else a function name; 0 when unknown. Report time only. */
static int site_position(const struct lw__lock *l, char *buf, size_t n)
{
	if (l->site_file) {
		const char *b = strrchr(l->site_file, '/');
		snprintf(buf, n, "%s:%d", b ? b + 1 : l->site_file, l->site_line);
		return 1;
	}
	uintptr_t pcs[LW__STACK_MAX];
	int depth = l->site_stack ? lw__stack_get(l->site_stack, pcs, LW__STACK_MAX, NULL) : 0;
	lw_frame_t first = { 0 }, f;
	for (int i = 0; i < depth; i++) {
		lw__sym_frame(pcs[i], 1, &f);
		if (i == 0)
			first = f;
		if (f.file && !system_header(f.file)) {
			const char *b = strrchr(f.file, '/');
			snprintf(buf, n, "%s:%d", b ? b + 1 : f.file, f.line);
			return 1;
		}
	}
	if (first.file) {
		const char *b = strrchr(first.file, '/');
		snprintf(buf, n, "%s:%d", b ? b + 1 : first.file, first.line);
		return 1;
	}
	if (first.function) {
		snprintf(buf, n, "%s", first.function);
		return 1;
	}
	return 0;
}

/* GCC names a function's static variable "cache_lock.1" (and LTO adds
 * ".lto_priv.0"): keep the name the programmer wrote, and any +offset. */
static void strip_local_suffix(char *sym)
{
	char *plus = strchr(sym, '+');
	size_t end = plus ? (size_t)(plus - sym) : strlen(sym);
	char *dot = memchr(sym, '.', end);
	if (!dot || dot == sym)
		return;
	for (char *p = dot; p < sym + end; p++)
		if (!(*p == '.' || (*p >= '0' && *p <= '9') || strncmp(p, "lto_priv", 8) == 0 ||
		      strncmp(p, "constprop", 9) == 0))
			return;
		else if (strncmp(p, "lto_priv", 8) == 0)
			p += 7;
		else if (strncmp(p, "constprop", 9) == 0)
			p += 8;
	memmove(dot, sym + end, strlen(sym + end) + 1);
}

uint64_t lw__lock_var_key(const struct lw__lock *l)
{
	char sym[256];
	if (!lw__sym_data(l->addr, sym, sizeof(sym)))
		return 0;
	strip_local_suffix(sym);
	char *plus = strrchr(sym, '+');
	if (plus && plus[1] && strspn(plus + 1, "0123456789") == strlen(plus + 1))
		*plus = 0;
	return lw__fnv_str(sym, sizeof(sym));
}

void lw__lock_describe(const struct lw__lock *l, char *name, size_t nn, char *cls,
		       size_t cn)
{
	char sym[256], pos[256];
	const char *user = lw__load_acq(&l->name);
	int has_sym = lw__sym_data(l->addr, sym, sizeof(sym));
	if (has_sym)
		strip_local_suffix(sym);
	int has_pos = site_position(l, pos, sizeof(pos));
	const char *kind = lw__lock_kind_name(l->kind);

	if (user)
		snprintf(name, nn, "%s", user);
	else if (has_sym)
		snprintf(name, nn, "%s", sym);
	else if (has_pos)
		snprintf(name, nn, "%s@%s", kind, pos);
	else
		snprintf(name, nn, "%s@%p", kind, l->addr);

	if (has_sym)
		snprintf(cls, cn, "%s", sym);
	else if (user)
		snprintf(cls, cn, "%s", user);
	else if (has_pos)
		snprintf(cls, cn, "%s", pos);
	else
		snprintf(cls, cn, "%s@%p", kind, l->addr);
}

