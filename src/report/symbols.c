/* symbols.c - addresses to names, at report time (see symbols.h): code
 * addresses here, data addresses in symbols_data.c, over the session of
 * symbols_session.c (its lock, libdwfl over the process's own modules)
 * and the cache of symbols_cache.c.
 *
 * A code address becomes one frame per function inlined there and one
 * for the function that holds it (dwinline.c). Code addresses are
 * cached per (pc, ret) with their strings interned for good, so what a
 * caller gets stays valid for the life of the process. Every entry point
 * takes the one symbols lock. */
#include "symbols.h"
#include "symbols_cache.h"
#include "symbols_data.h"
#include "symbols_dyn.h"
#include "symbols_index.h"
#include "symbols_session.h"
#include "demangle.h"
#include "dwinline.h"
#include "object.h"

#include <dlfcn.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- code addresses ---------------------------------------------------- */

/* The inlined chain at address a of module m (dwinline.h), its strings
 * interned: f and x get at most max frames; how many (0: no DWARF). */
static int inline_chain(Dwfl_Module *m, uintptr_t a, lw_frame_t *f,
			struct lw__frame_info *x, int max)
{
	int inlined[LW__SYM_INLINE_MAX];
	if (max > LW__SYM_INLINE_MAX)
		max = LW__SYM_INLINE_MAX;
	int k = lw__dw_inline_chain(m, a, f, inlined, max, lw__sym_intern, lw__sym_dl_adds());
	for (int i = 0; i < k; i++)
		x[i].inlined = inlined[i];
	return k;
}

/* The build ID of module m in hex, interned (NULL when it has none). */
static const char *build_id_hex(Dwfl_Module *m)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	int n = dwfl_module_build_id(m, &bits, &vaddr);
	if (n <= 0 || n > 64)
		return NULL;
	char hex[129];
	for (int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", bits[i]);
	return lw__sym_intern(hex);
}

/* What is known of a pc besides its frames: the symbol table's name of its
 * function (NULL: none), its file and line, its module's file, the pc's
 * offset in the module (when have_off) and the module's build ID. */
struct where {
	const char *fn, *file, *mod, *bid;
	int line, have_off;
	uintptr_t off;
};

/* What module m's symbol tables say of pc, looked up at a (no DWARF):
 * its function, the module's file, the offset, the build ID, into *w. */
static void module_where(Dwfl_Module *m, uintptr_t pc, uintptr_t a, struct where *w)
{
	GElf_Off so;
	GElf_Sym sym;
	w->fn = lw__sym_index_addrinfo(m, a, &so, &sym, 0);
	if (w->fn != NULL && w->fn[0] == '\0')
		w->fn = NULL;
	/* the main file is known once the ELF was opened (by addrinfo) */
	const char *mainfile = NULL;
	const char *name = dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, &mainfile,
					    NULL);
	w->mod = mainfile ? mainfile : name;
	GElf_Addr bias = 0;
	if (dwfl_module_getelf(m, &bias) != NULL) {
		w->off = pc - (uintptr_t)bias;
		w->have_off = 1;
	}
	w->bid = build_id_hex(m);
}

/* What module m (DWARF and symbol tables) says of pc, looked up at a, into
 * *w; f and x (room for max >= 1, zeroed here) get the inlined chain, whose
 * length is returned (0: no DWARF scope). */
static int module_frames(Dwfl_Module *m, uintptr_t pc, uintptr_t a, lw_frame_t *f,
			 struct lw__frame_info *x, int max, struct where *w)
{
	module_where(m, pc, a, w);
	Dwfl_Line *l = dwfl_module_getsrc(m, a);
	if (l != NULL) {
		Dwarf_Addr la = 0;
		int ln = 0;
		const char *src = dwfl_lineinfo(l, &la, &ln, NULL, NULL, NULL);
		if (src != NULL && src[0] != '\0') {
			w->file = lw__sym_intern(src);
			w->line = ln > 0 ? ln : 0;
		}
	}
	memset(f, 0, (size_t)max * sizeof(*f));
	memset(x, 0, (size_t)max * sizeof(*x));
	f[0].file = w->file;
	f[0].line = w->line;
	return inline_chain(m, a, f, x, max);
}

/* What the dynamic loader (dladdr) says of pc, looked up at a, for what
 * *w lacks: the function's name, the module, the offset. */
static void loader_where(uintptr_t pc, uintptr_t a, struct where *w)
{
	Dl_info di;
	const ElfW(Sym) *sym;
	if (lw__sym_dladdr((void *)a, &di, &sym)) {
		if (w->fn == NULL && di.dli_sname != NULL && di.dli_sname[0] != '\0')
			w->fn = di.dli_sname;
		if (w->mod == NULL && di.dli_fname != NULL && di.dli_fname[0] != '\0')
			w->mod = di.dli_fname;
		if (!w->have_off && di.dli_fbase != NULL) {
			w->off = pc - (uintptr_t)di.dli_fbase;
			w->have_off = 1;
		}
	}
}

/* Name the outermost frame o after the symbol table's fn, demangled in
 * full ("forward()", "ns::Cls::run()"), unless fn is a compiler's copy
 * ("transfer.constprop.0", "[clone .isra.0]") and the DWARF named o. */
static void name_outermost(lw_frame_t *o, const char *fn)
{
	char nb[1024];
	fn = lw__unversioned(fn, nb, sizeof(nb));
	char *d = lw__demangle(fn, lw__sym_dl_adds());
	const char *full = d ? d : fn;
	int clone = strstr(full, "[clone ") || (!strchr(full, '(') && strchr(full, '.'));
	if (!(clone && o->function))
		o->function = lw__sym_intern(full);
	free(d);
}

/* Look pc up for real into f and x (room for max >= 1 frames); the strings
 * are interned. Returns the number of frames. */
static int frame_lookup(uintptr_t pc, int ret, lw_frame_t *f, struct lw__frame_info *x,
			int max)
{
	uintptr_t a = ret ? pc - 1 : pc;
	struct where w = { NULL, NULL, NULL, NULL, 0, 0, 0 };
	int refreshed = 0, n = 0;

	/* every string from libdw is copied before anything can refresh */
	Dwfl_Module *m = lw__sym_module(a, &refreshed);
	if (m != NULL)
		n = module_frames(m, pc, a, f, x, max, &w);
	if (w.fn == NULL || w.mod == NULL)
		loader_where(pc, a, &w);
	if (n == 0) {
		memset(f, 0, sizeof(*f));
		memset(x, 0, sizeof(*x));
		f[0].file = w.file;
		f[0].line = w.file ? w.line : 0;
		n = 1;
	}
	/* the outermost frame: the symbol table's name, else the DWARF's */
	if (w.fn != NULL)
		name_outermost(&f[n - 1], w.fn);
	const char *imod = lw__sym_intern(w.mod);
	for (int i = 0; i < n; i++) {
		f[i].pc = pc;
		f[i].module = imod;
		x[i].module_offset = w.off;
		x[i].has_offset = w.have_off;
		x[i].build_id = w.bid;
	}
	return n;
}

int lw__sym_frames(uintptr_t pc, int ret, lw_frame_t *out, struct lw__frame_info *info,
		   int max)
{
	if (max <= 0)
		return 0;
	if (pc == 0 || (ret && pc == 1)) {
		memset(out, 0, sizeof(*out));
		memset(info, 0, sizeof(*info));
		out->pc = pc;
		return 1;
	}
	ret = ret != 0;
	lw_frame_t f[LW__SYM_INLINE_MAX];
	struct lw__frame_info x[LW__SYM_INLINE_MAX];
	int n;
	lw__sym_lock();
	const struct lw__sym_cached *c = lw__sym_cache_find(pc, ret);
	if (c != NULL) {
		n = c->n;
		memcpy(f, c->f, (size_t)n * sizeof(*f));
		memcpy(x, c->x, (size_t)n * sizeof(*x));
	} else {
		n = frame_lookup(pc, ret, f, x, LW__SYM_INLINE_MAX);
		lw__sym_cache_add(pc, ret, f, x, n);
	}
	lw__sym_unlock();
	/* too little room: keep the outermost, which names the real function */
	int skip = n > max ? n - max : 0;
	memcpy(out, f + skip, (size_t)(n - skip) * sizeof(*f));
	memcpy(info, x + skip, (size_t)(n - skip) * sizeof(*x));
	return n - skip;
}

void lw__sym_function(uintptr_t pc, int ret, lw_frame_t *out, struct lw__frame_info *info)
{
	memset(out, 0, sizeof(*out));
	memset(info, 0, sizeof(*info));
	out->pc = pc;
	if (pc == 0 || (ret && pc == 1))
		return;
	uintptr_t a = ret ? pc - 1 : pc;
	struct where w = { NULL, NULL, NULL, NULL, 0, 0, 0 };
	int refreshed = 0;
	lw__sym_lock();
	/* cached apart from the full frames (2: the symbol tables' name only):
	 * a lock-order line names every lock class this way, and a big
	 * program's symbol table took milliseconds a look */
	const struct lw__sym_cached *c = lw__sym_cache_find(pc, ret | 2);
	if (c != NULL) {
		*out = c->f[0];
		*info = c->x[0];
		lw__sym_unlock();
		return;
	}
	Dwfl_Module *m = lw__sym_module(a, &refreshed);
	if (m != NULL)
		module_where(m, pc, a, &w);
	if (w.fn == NULL || w.mod == NULL)
		loader_where(pc, a, &w);
	if (w.fn != NULL)
		name_outermost(out, w.fn);
	out->module = lw__sym_intern(w.mod);
	info->module_offset = w.off;
	info->has_offset = w.have_off;
	info->build_id = w.bid;
	lw__sym_cache_add(pc, ret | 2, out, info, 1);
	lw__sym_unlock();
}

static int system_path(const char *p)
{
	return strncmp(p, "/lib/", 5) == 0 || strncmp(p, "/usr/lib/", 9) == 0 ||
	       strncmp(p, "/lib64/", 7) == 0;
}

/* lw__sym_light's lookup, uncached; *out's strings interned. */
static int light_lookup(uintptr_t pc, lw_frame_t *out, struct lw__frame_info *info)
{
	Dl_info di;
	struct lw__object o;
	const ElfW(Sym) *sym;
	/* the object first (glibc's search, no symbol walk) */
	if (lw__object_of((const void *)(pc - 1), &o) && o.name && !system_path(o.name))
		return 0;
	if (!lw__sym_dladdr((void *)(pc - 1), &di, &sym) || !di.dli_fname ||
	    !system_path(di.dli_fname))
		return 0;
	out->function = di.dli_sname && di.dli_sname[0] ? lw__sym_intern(di.dli_sname) : NULL;
	out->module = lw__sym_intern(di.dli_fname);
	if (di.dli_fbase) { /* its build ID is not read here: null, unknown */
		info->module_offset = pc - (uintptr_t)di.dli_fbase;
		info->has_offset = 1;
	}
	return out->module != NULL;
}

int lw__sym_light(uintptr_t pc, lw_frame_t *out, struct lw__frame_info *info)
{
	memset(out, 0, sizeof(*out));
	memset(info, 0, sizeof(*info));
	out->pc = pc;
	if (pc <= 1)
		return 0;
	lw__sym_lock();
	/* cached apart (4: a light frame; one without a module: none) */
	const struct lw__sym_cached *c = lw__sym_cache_find(pc, 1 | 4);
	if (c != NULL) {
		*out = c->f[0];
		*info = c->x[0];
	} else if (!light_lookup(pc, out, info)) {
		memset(out, 0, sizeof(*out));
		memset(info, 0, sizeof(*info));
		out->pc = pc;
	}
	if (c == NULL)
		lw__sym_cache_add(pc, 1 | 4, out, info, 1);
	lw__sym_unlock();
	return out->module != NULL;
}

int lw__sym_lockwatch(const lw_frame_t *f)
{
	if (f->function && strncmp(f->function, "lw__", 4) == 0)
		return 1;
	if (f->module) {
		const char *b = strrchr(f->module, '/');
		b = b ? b + 1 : f->module;
		if (strncmp(b, "liblockwatch", 12) == 0)
			return 1;
	}
	return 0;
}

void lw__sym_done(void)
{
	lw__sym_lock();
	lw__sym_session_close();
	lw__sym_unlock();
}

void lw__sym_reset(void)
{
	if (lw__sym_reset_begin())
		lw__sym_cache_abandon();
	else
		lw__sym_cache_drop_frames(); /* their code may be gone */
	lw__sym_data_forget();
	lw__sym_unlock();
}
