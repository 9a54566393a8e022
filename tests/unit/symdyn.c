/* symdyn.c - unit test of lw__sym_dladdr (src/report/symbols_dyn.h), the
 * index that stands in for dladdr1's walk of an object's dynamic symbol
 * table: over every object loaded here (libc and its aliases, libdw,
 * libelf, the loader, the vdso, libstdc++ when installed, loaded for its
 * thousands of C++ symbols), at 3,000 addresses spread over each loaded
 * segment and around each symbol found there (its address, the bytes
 * either side, its last byte and the byte past it), both say the same:
 * found or not, the file, its first address, the symbol's name, address
 * and table entry. And the index answered them, not dladdr behind it. */
#include "unit.h"

#include "symbols_dyn.h"

#include <link.h>

static unsigned long compared, named;

static void same_at(uintptr_t a)
{
	Dl_info w, g;
	const ElfW(Sym) *ws = NULL, *gs = NULL;
	memset(&w, 0, sizeof(w));
	memset(&g, 0, sizeof(g));
	int want = dladdr1((void *)a, &w, (void **)&ws, RTLD_DL_SYMENT);
	int got = lw__sym_dladdr((void *)a, &g, &gs);
	compared++;
	CHECKF(want == got, "at %#lx: dladdr %d, index %d", (unsigned long)a, want, got);
	if (!want || !got)
		return;
	named += w.dli_sname != NULL;
	CHECKF(w.dli_fname == g.dli_fname && w.dli_fbase == g.dli_fbase, "at %#lx: %s at %p, %s at %p",
	       (unsigned long)a, w.dli_fname, w.dli_fbase, g.dli_fname, g.dli_fbase);
	CHECKF(w.dli_sname == g.dli_sname && w.dli_saddr == g.dli_saddr && ws == gs,
	       "at %#lx (%s): dladdr %s at %p, index %s at %p", (unsigned long)a, w.dli_fname,
	       w.dli_sname ? w.dli_sname : "(none)", w.dli_saddr, g.dli_sname ? g.dli_sname : "(none)",
	       g.dli_saddr);
}

static int each_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	unsigned long before = compared;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		if (p->p_type != PT_LOAD)
			continue;
		uintptr_t lo = info->dlpi_addr + p->p_vaddr, hi = lo + p->p_memsz;
		for (uintptr_t a = lo, stride = (hi - lo) / 3000 | 1; a < hi; a += stride) {
			Dl_info d;
			const ElfW(Sym) *s = NULL;
			same_at(a);
			if (!dladdr1((void *)a, &d, (void **)&s, RTLD_DL_SYMENT) || !s || !d.dli_saddr)
				continue;
			uintptr_t sa = (uintptr_t)d.dli_saddr, sz = s->st_size;
			uintptr_t around[] = { sa - 1, sa, sa + 1, sz ? sa + sz - 1 : sa, sa + sz };
			for (size_t k = 0; k < sizeof(around) / sizeof(around[0]); k++)
				same_at(around[k]);
		}
	}
	printf("%-50s %6lu addresses\n", info->dlpi_name[0] ? info->dlpi_name : "(the program)",
	       compared - before);
	return unit_failed();
}

int main(void)
{
	/* a library of many C++ symbols, where the system has it */
	void *cxx = dlopen("libstdc++.so.6", RTLD_NOW | RTLD_LOCAL);
	printf("libstdc++ %s\n", cxx ? "loaded" : "not installed: left out");
	dl_iterate_phdr(each_object, NULL);
	unsigned long asked = lw__sym_dyn_asked();
	printf("%lu addresses compared, %lu of them named, %lu answered by dladdr\n", compared,
	       named, asked);
	CHECK(named > 1000); /* the comparison saw real symbols */
	/* those left to dladdr: the program's own (its name is argv[0]) and
	 * addresses outside every object's segments */
	CHECKF(asked * 5 < compared, "%lu of %lu", asked, compared);
	lw__sym_dyn_forget();
	if (cxx)
		dlclose(cxx);
	return unit_end();
}
