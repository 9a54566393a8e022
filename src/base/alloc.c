/* alloc.c - find the program's own allocator (see alloc.h): the shared
 * object that malloc resolves to, when it is neither libc nor the main
 * program, and the address range of its code. */
#include "alloc.h"
#include "object.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <string.h>

uintptr_t lw__alloc_lo, lw__alloc_hi;
int lw__alloc_foreign;

struct find {
	uintptr_t base;
	uintptr_t lo, hi;
};

/* dl_iterate_phdr callback: the executable segments of the object loaded
 * at f->base. */
static int code_range(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct find *f = arg;
	(void)size;
	if (info->dlpi_addr != f->base)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (!f->lo || lo < f->lo)
			f->lo = lo;
		if (hi > f->hi)
			f->hi = hi;
	}
	return 1;
}

static int is_libc(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return strncmp(base, "libc.so", 7) == 0 || strncmp(base, "libc-", 5) == 0;
}

void lw__alloc_init(void)
{
	struct lw__object o;
	void *m = dlsym(RTLD_DEFAULT, "malloc");
	if (!m || !lw__object_of(m, &o))
		return; /* nobody knows: leave it */
	if (is_libc(o.name))
		return;
	/* another allocator: checked like the program, unless its own code is
	 * found below (then its lock calls pass straight through) */
	lw__alloc_foreign = 1;
	if (!o.name[0])
		return; /* the main program defines it: its code is all of it */
	struct find f = { o.base, 0, 0 };
	dl_iterate_phdr(code_range, &f);
	if (f.lo < f.hi) {
		lw__store(&lw__alloc_lo, f.lo);
		lw__store(&lw__alloc_hi, f.hi);
		lw__alloc_foreign = 0;
	}
}
