/* symbols.c - addresses to names, at report time (see symbols.h).
 *
 * One libdwfl session over the running process's own modules, built on
 * first use from /proc/self/maps and rebuilt after lw__sym_reset(). An
 * address outside every known module makes one refresh of the module list
 * per call, and only when the dynamic loader's counts of loaded and
 * unloaded objects changed since the list was read. Code addresses are
 * cached per (pc, ret) with their strings interned for good, so what a
 * caller gets stays valid for the life of the process. Data addresses are
 * looked up in the symbol tables each time (reports are rare). Every entry
 * point takes one mutex through the real-function table. */
#include "symbols.h"
#include "demangle.h"
#include "hash.h"
#include "mutex.h"
#include "real.h"

#include <dlfcn.h>
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

struct frame {
	struct frame *next;
	uintptr_t pc;
	int ret;
	lw_frame_t f;
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

static void frame_add(uintptr_t pc, int ret, const lw_frame_t *f)
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
	struct frame *e = malloc(sizeof(*e));
	if (e == NULL)
		return;
	e->pc = pc;
	e->ret = ret;
	e->f = *f;
	size_t j = frame_slot(pc, ret, cap_frames);
	e->next = frames[j];
	frames[j] = e;
	n_frames++;
}

/* ---- code addresses ---------------------------------------------------- */

/* Look pc up for real; the strings in f are interned. */
static void frame_lookup(uintptr_t pc, int ret, lw_frame_t *f)
{
	uintptr_t a = ret ? pc - 1 : pc;
	const char *fn = NULL, *file = NULL, *mod = NULL;
	int line = 0, refreshed = 0;

	/* every string from libdw is copied before anything can refresh */
	Dwfl_Module *m = find_module(a, &refreshed);
	if (m != NULL) {
		GElf_Off off;
		GElf_Sym sym;
		fn = dwfl_module_addrinfo(m, a, &off, &sym, NULL, NULL, NULL);
		if (fn != NULL && fn[0] == '\0')
			fn = NULL;
		/* the main file is known once the ELF was opened (by addrinfo) */
		const char *mainfile = NULL;
		const char *name = dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, &mainfile,
						    NULL);
		mod = mainfile ? mainfile : name;
		Dwfl_Line *l = dwfl_module_getsrc(m, a);
		if (l != NULL) {
			Dwarf_Addr la = 0;
			int ln = 0;
			const char *src = dwfl_lineinfo(l, &la, &ln, NULL, NULL, NULL);
			if (src != NULL && src[0] != '\0') {
				file = src;
				line = ln > 0 ? ln : 0;
			}
		}
	}
	if (fn == NULL || mod == NULL) {
		Dl_info di;
		if (dladdr((void *)a, &di)) {
			if (fn == NULL && di.dli_sname != NULL && di.dli_sname[0] != '\0')
				fn = di.dli_sname;
			if (mod == NULL && di.dli_fname != NULL && di.dli_fname[0] != '\0')
				mod = di.dli_fname;
		}
	}

	char nb[1024];
	fn = lw__unversioned(fn, nb, sizeof(nb));
	f->pc = pc;
	char *d = lw__demangle(fn, dl_adds());
	f->function = intern(d ? d : fn);
	free(d);
	f->file = intern(file);
	f->line = f->file ? line : 0;
	f->module = intern(mod);
}

void lw__sym_frame(uintptr_t pc, int ret, lw_frame_t *out)
{
	lw_frame_t f = { .pc = pc };
	if (pc == 0 || (ret && pc == 1)) {
		*out = f;
		return;
	}
	ret = ret != 0;
	sym_lock();
	const struct frame *c = frame_find(pc, ret);
	if (c != NULL) {
		f = c->f;
	} else {
		frame_lookup(pc, ret, &f);
		frame_add(pc, ret, &f);
	}
	sym_unlock();
	*out = f;
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
	if (m == NULL && (m = module_by_segments(a, &refreshed)) != NULL) {
		name = scan_data(m, a, &off);
		m = NULL;
	}
	if (m != NULL) {
		GElf_Off o = 0;
		GElf_Sym sym;
		name = dwfl_module_addrinfo(m, a, &o, &sym, NULL, NULL, NULL);
		if (name != NULL && name[0] != '\0' && is_data(&sym) && covers(o, sym.st_size))
			off = o;
		else
			name = scan_data(m, a, &off);
	}
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
		if (off == 0)
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
	sym_unlock();
}
