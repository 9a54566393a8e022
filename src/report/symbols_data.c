/* symbols_data.c - data addresses to names (lw__sym_data, see symbols.h):
 * the global or static variable that contains an address, "name",
 * "name+off" or "array[i]+off". Looked up in the symbol tables (an index
 * of each module's, symbols_index.c), in the module libdwfl knows for the address, or for
 * the tail of a large .bss in the object whose loaded segment holds it,
 * else through the dynamic loader; an array's element size comes from the
 * DWARF of the variable (the last few kept). Under the symbols lock
 * (symbols_session.h). */
#include "symbols.h"
#include "symbols_data.h"
#include "symbols_dyn.h"
#include "symbols_index.h"
#include "symbols_session.h"
#include "demangle.h"

#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	int known;
	const char *found = lw__sym_index_find(m, a, off, &known);
	if (known)
		return found;
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
	return lw__sym_module(f.probe, refreshed);
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

/* The variable containing addr by the dynamic loader's symbols (dladdr1),
 * for what libdwfl does not know: its name (the loader's) with *off set,
 * or NULL (*off untouched). */
static const char *loader_data(const void *addr, uint64_t *off)
{
	uintptr_t a = (uintptr_t)addr;
	Dl_info di;
	void *extra = NULL;
	if (lw__sym_dladdr(addr, &di, (const ElfW(Sym) **)&extra) && di.dli_sname != NULL &&
	    di.dli_sname[0] != '\0' && di.dli_saddr != NULL &&
	    (uintptr_t)di.dli_saddr <= a) {
		const ElfW(Sym) *es = extra;
		uint64_t o = a - (uintptr_t)di.dli_saddr;
		int t = es ? GELF_ST_TYPE(es->st_info) : STT_NOTYPE;
		if (es != NULL && (t == STT_OBJECT || t == STT_COMMON) &&
		    covers(o, es->st_size)) {
			*off = o;
			return di.dli_sname;
		}
	}
	return NULL;
}

/* Write name, off bytes into the variable (esize: its array's element
 * size, 0: not an array), into buf: "name", "name+off", "name[i]" or
 * "name[i]+off". */
static void put_name(char *buf, size_t n, const char *name, uint64_t off, uint64_t esize)
{
	if (esize && off % esize)
		snprintf(buf, n, "%s[%llu]+%llu", name, (unsigned long long)(off / esize),
			 (unsigned long long)(off % esize));
	else if (esize)
		snprintf(buf, n, "%s[%llu]", name, (unsigned long long)(off / esize));
	else if (off == 0)
		snprintf(buf, n, "%s", name);
	else
		snprintf(buf, n, "%s+%llu", name, (unsigned long long)off);
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
	lw__sym_lock();
	Dwfl_Module *m = lw__sym_module(a, &refreshed);
	Dwfl_Module *dm = m; /* the module the name came from, for its DWARF */
	if (m == NULL && (dm = module_by_segments(a, &refreshed)) != NULL)
		name = scan_data(dm, a, &off);
	else if (m != NULL) {
		GElf_Off o = 0;
		GElf_Sym sym;
		name = lw__sym_index_addrinfo(m, a, &o, &sym, 1);
		if (name != NULL && name[0] != '\0' && is_data(&sym) && covers(o, sym.st_size))
			off = o;
		else
			name = scan_data(m, a, &off);
	}
	uint64_t esize = name && dm ? elem_size(dm, a - off, name) : 0;
	if (name == NULL)
		name = loader_data(addr, &off);
	if (name != NULL) {
		/* copy out now: libdw's strings go away with a refresh or reset */
		char nb[1024];
		name = lw__unversioned(name, nb, sizeof(nb));
		char *d = lw__demangle(name, lw__sym_dl_adds());
		snprintf(name_buf, sizeof(name_buf), "%s", d ? d : name);
		free(d);
	}
	lw__sym_unlock();

	if (name == NULL)
		return 0;
	if (buf != NULL && n > 0)
		put_name(buf, n, name_buf, off, esize);
	return 1;
}

void lw__sym_data_forget(void)
{
	memset(elem_cache, 0, sizeof(elem_cache));
	lw__sym_index_forget();
	lw__sym_dyn_forget();
}
