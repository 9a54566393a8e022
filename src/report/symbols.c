/* symbols.c - addresses to names, at report time (see symbols.h).
 *
 * One libdwfl session over the running process's own modules, built on
 * first use from /proc/self/maps and rebuilt after lw__sym_reset(). An
 * address outside every known module makes one refresh of the module list
 * per call, and only when the dynamic loader's counts of loaded and
 * unloaded objects changed since the list was read. A code address
 * becomes one frame per function inlined there and one for the function
 * that holds it: the DWARF scopes of the pc (dwarf_getscopes) give the
 * innermost inlined subroutine, and the chain of its concrete parents
 * (dwarf_getscopes_die) the rest, each one's call site being the file and
 * line of the next one out. Code addresses are cached per (pc, ret) with
 * their strings interned for good, so what a caller gets stays valid for
 * the life of the process. Data addresses are looked up in the symbol
 * tables each time (reports are rare); an array's element size comes from
 * the DWARF of the variable (the last few kept). Every entry point takes
 * one mutex through the real-function table. */
#include "symbols.h"
#include "demangle.h"
#include "hash.h"
#include "mutex.h"
#include "real.h"

#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct lw__mutex sym_mu = LW__MUTEX_INIT;
static pid_t state_pid; /* the process the state below was made in, 0: none */

static void sym_lock(void)
{
	lw__mutex_lock(&sym_mu);
	if (lw__unlikely(lw__load(&state_pid) == 0))
		lw__store(&state_pid, getpid());
}

static void sym_unlock(void)
{
	lw__mutex_unlock(&sym_mu);
}

/* ---- the libdwfl session ---------------------------------------------- */

static const Dwfl_Callbacks dwfl_cbs = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

static Dwfl *dwfl;
/* the loader's dlpi_adds / dlpi_subs when the module list was read */
static unsigned long long seen_adds, seen_subs;

static int dl_counts_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	unsigned long long *c = arg;
	if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs)) {
		c[0] = info->dlpi_adds;
		c[1] = info->dlpi_subs;
	}
	return 1; /* the counts are the same in every entry: stop */
}

static void dl_counts(unsigned long long *adds, unsigned long long *subs)
{
	unsigned long long c[2] = { 0, 0 };
	dl_iterate_phdr(dl_counts_cb, c);
	*adds = c[0];
	*subs = c[1];
}

/* (Re)read the module list of this process into the session. */
/* Objects loaded so far. */
static unsigned long long dl_adds(void)
{
	unsigned long long adds, subs;
	dl_counts(&adds, &subs);
	return adds;
}

static void dwfl_report_self(void)
{
	dl_counts(&seen_adds, &seen_subs);
	dwfl_report_begin(dwfl);
	dwfl_linux_proc_report(dwfl, getpid());
	dwfl_report_end(dwfl, NULL, NULL);
}

static int dwfl_ready(void)
{
	if (dwfl)
		return 1;
	dwfl = dwfl_begin(&dwfl_cbs);
	if (!dwfl)
		return 0;
	dwfl_report_self();
	return 1;
}

/* The module holding a, refreshing the module list at most once per call
 * (tracked by *refreshed) when the loader has (un)loaded objects since. */
static Dwfl_Module *find_module(uintptr_t a, int *refreshed)
{
	if (!dwfl_ready())
		return NULL;
	Dwfl_Module *m = dwfl_addrmodule(dwfl, a);
	if (m == NULL && !*refreshed) {
		*refreshed = 1;
		unsigned long long adds, subs;
		dl_counts(&adds, &subs);
		if (adds != seen_adds || subs != seen_subs) {
			dwfl_report_self();
			m = dwfl_addrmodule(dwfl, a);
		}
	}
	return m;
}

/* ---- interned strings, never freed ------------------------------------ */

struct str {
	struct str *next;
	uint64_t hash;
	char s[];
};

static struct str **strs;
static size_t n_strs, cap_strs; /* cap_strs: buckets, a power of two */

static void strs_grow(void)
{
	size_t nc = cap_strs ? cap_strs * 2 : 256;
	struct str **b = calloc(nc, sizeof(*b));
	if (b == NULL)
		return; /* keep the longer chains */
	for (size_t i = 0; i < cap_strs; i++) {
		struct str *e = strs[i], *next;
		for (; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (nc - 1)];
			b[e->hash & (nc - 1)] = e;
		}
	}
	free(strs);
	strs = b;
	cap_strs = nc;
}

/* A copy of s that lives forever, shared by equal strings; NULL for NULL
 * or when out of memory. */
static const char *intern(const char *s)
{
	if (s == NULL)
		return NULL;
	if (n_strs + 1 > cap_strs)
		strs_grow();
	if (cap_strs == 0)
		return NULL;
	uint64_t h = lw__fnv_str(s, SIZE_MAX);
	struct str **b = &strs[h & (cap_strs - 1)];
	for (struct str *e = *b; e; e = e->next)
		if (e->hash == h && strcmp(e->s, s) == 0)
			return e->s;
	size_t len = strlen(s);
	struct str *e = malloc(sizeof(*e) + len + 1);
	if (e == NULL)
		return NULL;
	e->hash = h;
	memcpy(e->s, s, len + 1);
	e->next = *b;
	*b = e;
	n_strs++;
	return e->s;
}

/* ---- the frame cache --------------------------------------------------- */

/* One pc's frames, innermost (inlined) first. */
struct frame {
	struct frame *next;
	uintptr_t pc;
	int ret, n;
	lw_frame_t *f;
	struct lw__frame_info *x;
};

static struct frame **frames;
static size_t n_frames, cap_frames; /* cap_frames: buckets, a power of two */

static size_t frame_slot(uintptr_t pc, int ret, size_t cap)
{
	uint64_t h = ((uint64_t)pc << 1 | (uint64_t)(ret != 0)) * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 20) & (cap - 1);
}

static const struct frame *frame_find(uintptr_t pc, int ret)
{
	if (cap_frames == 0)
		return NULL;
	for (struct frame *e = frames[frame_slot(pc, ret, cap_frames)]; e; e = e->next)
		if (e->pc == pc && e->ret == ret)
			return e;
	return NULL;
}

static void frame_add(uintptr_t pc, int ret, const lw_frame_t *f,
		      const struct lw__frame_info *x, int n)
{
	if (n_frames + 1 > cap_frames) {
		size_t nc = cap_frames ? cap_frames * 2 : 256;
		struct frame **b = calloc(nc, sizeof(*b));
		if (b != NULL) {
			for (size_t i = 0; i < cap_frames; i++) {
				struct frame *e = frames[i], *next;
				for (; e; e = next) {
					next = e->next;
					size_t j = frame_slot(e->pc, e->ret, nc);
					e->next = b[j];
					b[j] = e;
				}
			}
			free(frames);
			frames = b;
			cap_frames = nc;
		}
		if (cap_frames == 0)
			return;
	}
	struct frame *e = malloc(sizeof(*e) + (size_t)n * (sizeof(*f) + sizeof(*x)));
	if (e == NULL)
		return;
	e->pc = pc;
	e->ret = ret;
	e->n = n;
	e->f = (lw_frame_t *)(e + 1);
	e->x = (struct lw__frame_info *)(e->f + n);
	memcpy(e->f, f, (size_t)n * sizeof(*f));
	memcpy(e->x, x, (size_t)n * sizeof(*x));
	size_t j = frame_slot(pc, ret, cap_frames);
	e->next = frames[j];
	frames[j] = e;
	n_frames++;
}

/* ---- code addresses ---------------------------------------------------- */

/* A function's name as the program wrote it, C++ demangled: the linkage
 * name when the DWARF has one (it carries the scope and parameters), else
 * DW_AT_name, following abstract origins and specifications. Interned. */
static const char *die_function(Dwarf_Die *d)
{
	Dwarf_Attribute at;
	const char *ln = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_linkage_name, &at));
	if (ln == NULL)
		ln = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_MIPS_linkage_name, &at));
	if (ln != NULL) {
		char *dm = lw__demangle(ln, dl_adds());
		if (dm != NULL) {
			const char *r = intern(dm);
			free(dm);
			return r;
		}
	}
	const char *nm = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_name, &at));
	return intern(nm);
}

/* The call site of inlined subroutine d: its file (interned) and line. */
static void call_site(Dwarf_Die *cu, Dwarf_Die *d, const char **file, int *line)
{
	Dwarf_Attribute at;
	Dwarf_Word idx = 0, ln = 0;
	Dwarf_Files *files;
	size_t nfiles;
	*file = NULL;
	*line = 0;
	if (dwarf_formudata(dwarf_attr(d, DW_AT_call_file, &at), &idx) != 0 ||
	    dwarf_getsrcfiles(cu, &files, &nfiles) != 0 || idx >= nfiles)
		return;
	*file = intern(dwarf_filesrc(files, idx, NULL, NULL));
	if (*file && dwarf_formudata(dwarf_attr(d, DW_AT_call_line, &at), &ln) == 0)
		*line = (int)ln;
}

/* The inlined subroutines around address a of module m (DWARF): f[0] is
 * the innermost, each with the call site in the next one out as that
 * one's file and line; f[k-1] the function that contains them all. Fills
 * at most max frames' function, file and line (and the inlined flag) and
 * returns how many (0: no DWARF scope, f[0] untouched). */
static int inline_chain(Dwfl_Module *m, uintptr_t a, lw_frame_t *f,
			struct lw__frame_info *x, int max)
{
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu = dwfl_module_addrdie(m, a, &bias);
	Dwarf_Die *scopes = NULL, *chain = NULL;
	int ns = cu ? dwarf_getscopes(cu, a - bias, &scopes) : 0;
	/* past the innermost inlined subroutine, dwarf_getscopes goes on in
	 * its abstract origin: the concrete chain is the parents of that DIE */
	int nc = 0;
	for (int i = 0; i < ns; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram) {
			nc = dwarf_getscopes_die(&scopes[i], &chain);
			break;
		}
	}
	free(scopes);
	int k = 0;
	const char *file = f[0].file;
	int line = f[0].line;
	for (int i = 0; i < nc && k < max; i++) {
		int tag = dwarf_tag(&chain[i]);
		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
			continue;
		f[k].function = die_function(&chain[i]);
		f[k].file = file;
		f[k].line = file ? line : 0;
		x[k].inlined = tag == DW_TAG_inlined_subroutine;
		k++;
		if (tag == DW_TAG_subprogram)
			break; /* the function that holds pc: the chain ends here */
		call_site(cu, &chain[i], &file, &line);
	}
	free(chain);
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
	return intern(hex);
}

/* Look pc up for real into f and x (room for max >= 1 frames); the strings
 * are interned. Returns the number of frames. */
static int frame_lookup(uintptr_t pc, int ret, lw_frame_t *f, struct lw__frame_info *x,
			int max)
{
	uintptr_t a = ret ? pc - 1 : pc;
	const char *fn = NULL, *file = NULL, *mod = NULL, *bid = NULL;
	int line = 0, refreshed = 0, have_off = 0, n = 0;
	uintptr_t off = 0;

	/* every string from libdw is copied before anything can refresh */
	Dwfl_Module *m = find_module(a, &refreshed);
	if (m != NULL) {
		GElf_Off so;
		GElf_Sym sym;
		fn = dwfl_module_addrinfo(m, a, &so, &sym, NULL, NULL, NULL);
		if (fn != NULL && fn[0] == '\0')
			fn = NULL;
		/* the main file is known once the ELF was opened (by addrinfo) */
		const char *mainfile = NULL;
		const char *name = dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, &mainfile,
						    NULL);
		mod = mainfile ? mainfile : name;
		GElf_Addr bias = 0;
		if (dwfl_module_getelf(m, &bias) != NULL) {
			off = pc - (uintptr_t)bias;
			have_off = 1;
		}
		bid = build_id_hex(m);
		Dwfl_Line *l = dwfl_module_getsrc(m, a);
		if (l != NULL) {
			Dwarf_Addr la = 0;
			int ln = 0;
			const char *src = dwfl_lineinfo(l, &la, &ln, NULL, NULL, NULL);
			if (src != NULL && src[0] != '\0') {
				file = intern(src);
				line = ln > 0 ? ln : 0;
			}
		}
		memset(f, 0, (size_t)max * sizeof(*f));
		memset(x, 0, (size_t)max * sizeof(*x));
		f[0].file = file;
		f[0].line = line;
		n = inline_chain(m, a, f, x, max);
	}
	if (fn == NULL || mod == NULL) {
		Dl_info di;
		if (dladdr((void *)a, &di)) {
			if (fn == NULL && di.dli_sname != NULL && di.dli_sname[0] != '\0')
				fn = di.dli_sname;
			if (mod == NULL && di.dli_fname != NULL && di.dli_fname[0] != '\0')
				mod = di.dli_fname;
			if (!have_off && di.dli_fbase != NULL) {
				off = pc - (uintptr_t)di.dli_fbase;
				have_off = 1;
			}
		}
	}
	if (n == 0) {
		memset(f, 0, sizeof(*f));
		memset(x, 0, sizeof(*x));
		f[0].file = file;
		f[0].line = file ? line : 0;
		n = 1;
	}
	/* the outermost frame: the symbol table's name, demangled in full
	 * ("forward()", "ns::Cls::run()"), else the DWARF's; the DWARF's also
	 * for a compiler's copy ("transfer.constprop.0", "[clone .isra.0]") */
	if (fn != NULL) {
		char nb[1024];
		fn = lw__unversioned(fn, nb, sizeof(nb));
		char *d = lw__demangle(fn, dl_adds());
		const char *full = d ? d : fn;
		int clone = strstr(full, "[clone ") || (!strchr(full, '(') && strchr(full, '.'));
		if (!(clone && f[n - 1].function))
			f[n - 1].function = intern(full);
		free(d);
	}
	const char *imod = intern(mod);
	for (int i = 0; i < n; i++) {
		f[i].pc = pc;
		f[i].module = imod;
		x[i].module_offset = off;
		x[i].has_offset = have_off;
		x[i].build_id = bid;
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
	sym_lock();
	const struct frame *c = frame_find(pc, ret);
	if (c != NULL) {
		n = c->n;
		memcpy(f, c->f, (size_t)n * sizeof(*f));
		memcpy(x, c->x, (size_t)n * sizeof(*x));
	} else {
		n = frame_lookup(pc, ret, f, x, LW__SYM_INLINE_MAX);
		frame_add(pc, ret, f, x, n);
	}
	sym_unlock();
	/* too little room: keep the outermost, which names the real function */
	int skip = n > max ? n - max : 0;
	memcpy(out, f + skip, (size_t)(n - skip) * sizeof(*f));
	memcpy(info, x + skip, (size_t)(n - skip) * sizeof(*x));
	return n - skip;
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

/* ---- data addresses ---------------------------------------------------- */

/* Variables only. STT_TLS is left out: its st_value is an offset in each
 * thread's block, not an address, so it can never contain one. */
static int is_data(const GElf_Sym *s)
{
	int t = GELF_ST_TYPE(s->st_info);
	return (t == STT_OBJECT || t == STT_COMMON) && s->st_shndx != SHN_UNDEF;
}

static int covers(uint64_t off, uint64_t size)
{
	return off < size || (size == 0 && off == 0);
}

/* The variable of module m containing a, by a scan of its symbol table:
 * the nearest start at or below a, sized over sizeless, global over local.
 * Returns its name (owned by libdw) and sets *off, or NULL. */
static const char *scan_data(Dwfl_Module *m, uintptr_t a, uint64_t *off)
{
	int n = dwfl_module_getsymtab(m);
	const char *best = NULL;
	GElf_Addr best_addr = 0;
	GElf_Sym best_sym;
	memset(&best_sym, 0, sizeof(best_sym));
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr sa;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym_info(m, i, &sym, &sa, &shndx, NULL, NULL);
		if (name == NULL || name[0] == '\0' || !is_data(&sym) || sa > a ||
		    !covers(a - sa, sym.st_size))
			continue;
		if (best != NULL) {
			if (sa < best_addr)
				continue;
			if (sa == best_addr) {
				int sized = sym.st_size != 0, best_sized = best_sym.st_size != 0;
				int global = GELF_ST_BIND(sym.st_info) != STB_LOCAL;
				int best_global = GELF_ST_BIND(best_sym.st_info) != STB_LOCAL;
				if (sized < best_sized ||
				    (sized == best_sized && global <= best_global))
					continue;
			}
		}
		best = name;
		best_addr = sa;
		best_sym = sym;
	}
	if (best != NULL)
		*off = a - best_addr;
	return best;
}

/* The tail of a large .bss is an anonymous mapping that /proc/self/maps
 * does not tie to its file, so libdw has no module for it. The loader's
 * program headers do: find the object whose PT_LOAD segment (p_memsz, which
 * includes .bss) contains the address, and return an address of that
 * object libdw knows (the start of its first segment). */
struct load_find {
	uintptr_t a, probe;
};

static int load_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct load_find *f = arg;
	uintptr_t first = 0;
	int have_first = 0;
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		if (p->p_type != PT_LOAD)
			continue;
		uintptr_t lo = info->dlpi_addr + p->p_vaddr;
		if (!have_first) {
			first = lo;
			have_first = 1;
		}
		if (f->a >= lo && f->a < lo + p->p_memsz) {
			f->probe = first;
			return 1;
		}
	}
	return 0;
}

static Dwfl_Module *module_by_segments(uintptr_t a, int *refreshed)
{
	struct load_find f = { a, 0 };
	if (!dl_iterate_phdr(load_cb, &f) || f.probe == 0 || f.probe == a)
		return NULL;
	return find_module(f.probe, refreshed);
}

/* The element size of the global array variable `name` of module m that
 * starts at run-time address start, from its DWARF type; 0 when it is not
 * a one-dimensional array or the DWARF does not say. Looked up in the
 * top-level variables of every unit; the last few answers are kept. */
static struct {
	uintptr_t start;
	uint64_t size;
} elem_cache[32];
static unsigned elem_next;

static uint64_t array_elem_size(Dwarf_Die *var)
{
	Dwarf_Attribute at;
	Dwarf_Die t, e, sub;
	if (!dwarf_formref_die(dwarf_attr_integrate(var, DW_AT_type, &at), &t))
		return 0;
	for (int i = 0; i < 8; i++) { /* typedefs and qualifiers */
		int tag = dwarf_tag(&t);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type)
			break;
		if (!dwarf_formref_die(dwarf_attr_integrate(&t, DW_AT_type, &at), &t))
			return 0;
	}
	if (dwarf_tag(&t) != DW_TAG_array_type)
		return 0;
	/* one subrange only: a[i], not a[i][j] */
	int subs = 0;
	if (dwarf_child(&t, &sub) == 0)
		do
			subs += dwarf_tag(&sub) == DW_TAG_subrange_type;
		while (dwarf_siblingof(&sub, &sub) == 0);
	Dwarf_Word size;
	if (subs != 1 || !dwarf_formref_die(dwarf_attr_integrate(&t, DW_AT_type, &at), &e) ||
	    dwarf_aggregate_size(&e, &size) != 0)
		return 0;
	return size;
}

/* Does variable DIE v sit at file address want? */
static int var_at(Dwarf_Die *v, Dwarf_Addr want)
{
	Dwarf_Attribute at;
	Dwarf_Op *ops;
	size_t nops;
	if (dwarf_attr(v, DW_AT_location, &at) == NULL ||
	    dwarf_getlocation(&at, &ops, &nops) != 0)
		return 0;
	return nops == 1 && ops[0].atom == DW_OP_addr && ops[0].number == want;
}

static uint64_t elem_size(Dwfl_Module *m, uintptr_t start, const char *name)
{
	for (unsigned i = 0; i < sizeof(elem_cache) / sizeof(elem_cache[0]); i++)
		if (elem_cache[i].start == start && start)
			return elem_cache[i].size;
	uint64_t size = 0;
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu = NULL;
	while (size == 0 && (cu = dwfl_module_nextcu(m, cu, &bias)) != NULL) {
		Dwarf_Die c;
		if (dwarf_child(cu, &c) != 0)
			continue;
		do {
			if (dwarf_tag(&c) != DW_TAG_variable || !var_at(&c, start - bias))
				continue;
			Dwarf_Attribute at;
			const char *vn = dwarf_formstring(dwarf_attr_integrate(&c, DW_AT_name, &at));
			if (vn && strcmp(vn, name) == 0 && (size = array_elem_size(&c)) != 0)
				break;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	unsigned slot = elem_next++ % (sizeof(elem_cache) / sizeof(elem_cache[0]));
	elem_cache[slot].start = start;
	elem_cache[slot].size = size;
	return size;
}

int lw__sym_data(const void *addr, char *buf, size_t n)
{
	uintptr_t a = (uintptr_t)addr;
	char name_buf[1024];
	const char *name = NULL;
	uint64_t off = 0;
	int refreshed = 0;

	if (a == 0)
		return 0;
	sym_lock();
	Dwfl_Module *m = find_module(a, &refreshed);
	Dwfl_Module *dm = m; /* the module the name came from, for its DWARF */
	if (m == NULL && (dm = module_by_segments(a, &refreshed)) != NULL)
		name = scan_data(dm, a, &off);
	else if (m != NULL) {
		GElf_Off o = 0;
		GElf_Sym sym;
		name = dwfl_module_addrinfo(m, a, &o, &sym, NULL, NULL, NULL);
		if (name != NULL && name[0] != '\0' && is_data(&sym) && covers(o, sym.st_size))
			off = o;
		else
			name = scan_data(m, a, &off);
	}
	uint64_t esize = name && dm ? elem_size(dm, a - off, name) : 0;
	if (name == NULL) {
		Dl_info di;
		void *extra = NULL;
		if (dladdr1(addr, &di, &extra, RTLD_DL_SYMENT) && di.dli_sname != NULL &&
		    di.dli_sname[0] != '\0' && di.dli_saddr != NULL &&
		    (uintptr_t)di.dli_saddr <= a) {
			const ElfW(Sym) *es = extra;
			uint64_t o = a - (uintptr_t)di.dli_saddr;
			int t = es ? GELF_ST_TYPE(es->st_info) : STT_NOTYPE;
			if (es != NULL && (t == STT_OBJECT || t == STT_COMMON) &&
			    covers(o, es->st_size)) {
				name = di.dli_sname;
				off = o;
			}
		}
	}
	if (name != NULL) {
		/* copy out now: libdw's strings go away with a refresh or reset */
		char nb[1024];
		name = lw__unversioned(name, nb, sizeof(nb));
		char *d = lw__demangle(name, dl_adds());
		snprintf(name_buf, sizeof(name_buf), "%s", d ? d : name);
		free(d);
	}
	sym_unlock();

	if (name == NULL)
		return 0;
	if (buf != NULL && n > 0) {
		if (esize && off % esize)
			snprintf(buf, n, "%s[%llu]+%llu", name_buf, (unsigned long long)(off / esize),
				 (unsigned long long)(off % esize));
		else if (esize)
			snprintf(buf, n, "%s[%llu]", name_buf, (unsigned long long)(off / esize));
		else if (off == 0)
			snprintf(buf, n, "%s", name_buf);
		else
			snprintf(buf, n, "%s+%llu", name_buf, (unsigned long long)off);
	}
	return 1;
}

/* In a forked child whose parent had another thread inside this file at
 * the fork, the lock stays held by a thread that does not exist here and
 * the state may be half-updated: abandon it (leaked, so the strings handed
 * out stay valid) and start over with a fresh lock. */
static void sym_lock_after_fork(void)
{
	if (lw__mutex_trylock(&sym_mu) == 0)
		return; /* nobody was inside: the state is whole */
	dwfl = NULL;
	frames = NULL;
	n_frames = cap_frames = 0;
	strs = NULL;
	n_strs = cap_strs = 0;
	lw__mutex_postfork_child(&sym_mu);
	lw__mutex_lock(&sym_mu);
}

void lw__sym_reset(void)
{
	pid_t me = getpid();
	pid_t owner = lw__load(&state_pid);
	/* a forked child calls this before anything else, single-threaded */
	if (owner != 0 && owner != me)
		sym_lock_after_fork();
	else
		lw__mutex_lock(&sym_mu);
	lw__store(&state_pid, me);
	if (dwfl != NULL) {
		dwfl_end(dwfl);
		dwfl = NULL;
	}
	memset(elem_cache, 0, sizeof(elem_cache));
	sym_unlock();
}
