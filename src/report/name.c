/* name.c - naming locks for reports (see name.h): the user's name, the
 * variable's symbol, or the first frame of its first use (inlined
 * functions expanded) that lies in the program's own code rather than in
 * a system or library header or a system library; in a stripped program,
 * the best it has, with the lock's id. */
#include "name.h"
#include "sysfile.h"
#include "hash.h"
#include "object.h"
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
	case LW__OMP: return "omp_lock";
	case LW__STATIC: return "static_init";
	case LW__ONCE: return "once";
	case LW__SEM: return "semaphore";
	default: return "lock";
	}
}

/* A frame of the program's own code, by its debug info. */
static int own_frame(const lw_frame_t *f)
{
	return f->file && !lw__sys_header(f->file) && !lw__sys_module(f->module) &&
	       !lw__sym_lockwatch(f);
}

static const char *base_of(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

/* Where the lock's site is: "file:line" of the header's call site when it
 * is the program's own, else of the first frame of its first-use stack in
 * the program's own code (inlined functions expanded); returns 1. Where
 * no frame has the program's debug info (a stripped binary): the innermost
 * named frame of the program's modules, else "module+0xoff" of its first
 * use there, else the innermost named frame at all; returns 2 (a weak
 * name, shown with the lock's id). 0 when unknown. Report time only. */
static int site_position(const struct lw__lock *l, char *buf, size_t n)
{
	if (l->site_src && !lw__sys_header(l->site_src->file)) {
		snprintf(buf, n, "%s:%d", base_of(l->site_src->file), l->site_src->line);
		return 1;
	}
	uintptr_t pcs[LW__STACK_MAX];
	int depth = l->site_stack ? lw__stack_get(l->site_stack, pcs, LW__STACK_MAX, NULL) : 0;
	lw_frame_t f[LW__SYM_INLINE_MAX];
	struct lw__frame_info x[LW__SYM_INLINE_MAX];
	lw_frame_t named = { 0 }, any_named = { 0 }, first = { 0 };
	struct lw__frame_info first_x = { 0 };
	for (int i = 0; i < depth; i++) {
		/* a system library's frame counts only by its function's name,
		 * and only while no frame was named: no debug info read for it
		 * (libc6-dbg's is compressed: 70 ms to inflate, per process) */
		struct lw__object o;
		int m;
		if (pcs[i] > 1 && lw__object_of((const void *)(pcs[i] - 1), &o) &&
		    lw__sys_module(o.name)) {
			if (any_named.function)
				continue;
			lw__sym_function(pcs[i], 1, f, x);
			m = 1;
		} else {
			m = lw__sym_frames(pcs[i], 1, f, x, LW__SYM_INLINE_MAX);
		}
		for (int j = 0; j < m; j++) {
			if (lw__sym_lockwatch(&f[j]))
				continue;
			if (own_frame(&f[j])) {
				snprintf(buf, n, "%s:%d", base_of(f[j].file), f[j].line);
				return 1;
			}
			int sys = lw__sys_module(f[j].module);
			if (f[j].function && !sys && !named.function)
				named = f[j];
			if (f[j].function && !any_named.function)
				any_named = f[j];
			if (!sys && !first.module && f[j].module && x[j].has_offset) {
				first = f[j];
				first_x = x[j];
			}
		}
	}
	if (l->site_src) {
		snprintf(buf, n, "%s:%d", base_of(l->site_src->file), l->site_src->line);
		return 1;
	}
	if (named.function)
		snprintf(buf, n, "%s", named.function);
	else if (first.module)
		snprintf(buf, n, "%s+0x%lx", base_of(first.module),
			 (unsigned long)first_x.module_offset);
	else if (any_named.function)
		snprintf(buf, n, "%s", any_named.function);
	else
		return 0;
	return 2;
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
	if (plus && plus[1] && strspn(plus + 1, "0123456789xabcdef") == strlen(plus + 1))
		*plus = 0;
	/* an array element, accts[3]: the array is the variable */
	size_t n = strlen(sym);
	char *open = n && sym[n - 1] == ']' ? strrchr(sym, '[') : NULL;
	if (open && open > sym && strspn(open + 1, "0123456789") == (size_t)(sym + n - 1 - open - 1))
		*open = 0;
	return lw__fnv_str(sym, sizeof(sym));
}

void lw__lock_describe(const struct lw__lock *l, char *name, size_t nn, char *cls,
		       size_t cn)
{
	char sym[256], pos[256];
	const char *user = lw__lock_name(l);
	int has_sym = lw__sym_data(l->addr, sym, sizeof(sym));
	if (has_sym)
		strip_local_suffix(sym);
	int has_pos = site_position(l, pos, sizeof(pos));
	const char *kind = lw__lock_kind_name(l->kind);

	if (user)
		snprintf(name, nn, "%s", user);
	else if (has_sym)
		snprintf(name, nn, "%s", sym);
	else if (has_pos == 1)
		snprintf(name, nn, "%s@%s", kind, pos);
	else if (has_pos == 2) /* a weak name: many locks may share it */
		snprintf(name, nn, "%s@%s#%u", kind, pos, l->id);
	else
		snprintf(name, nn, "%s@%p#%u", kind, l->addr, l->id);

	if (has_sym)
		snprintf(cls, cn, "%s", sym);
	else if (user)
		snprintf(cls, cn, "%s", user);
	else if (has_pos)
		snprintf(cls, cn, "%s", pos);
	else
		snprintf(cls, cn, "%s@%p", kind, l->addr);
}

