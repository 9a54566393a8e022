/* symbols_index.c - see symbols_index.h. Up to INDEXES modules are kept
 * (the slot reused in turn); each index is one lw__mem block of entries
 * sorted by address, then by preference, so that walking back from the
 * last start at or below an address, the first entry that covers it is
 * the one a walk of the whole table picks. */
#include "symbols_index.h"
#include "mem.h"
#include "sort.h"

#include <gelf.h>
#include <string.h>

#define INDEXES 32
#define WALK_MAX 4096 /* entries looked at below an address, at most */

struct entry {
	uint64_t addr, size;
	const char *name;
	uint32_t rank;  /* sized 2, global 1 */
	uint32_t order; /* its place in the table: the first wins a tie */
};

static struct {
	Dwfl_Module *m;
	struct entry *e;
	size_t n;
	int failed;
} idx[INDEXES];
static unsigned next_slot;

static int is_data(const GElf_Sym *s)
{
	int t = GELF_ST_TYPE(s->st_info);
	return (t == STT_OBJECT || t == STT_COMMON) && s->st_shndx != SHN_UNDEF;
}

/* by address, then the preferred last: higher rank, then earlier */
static int by_addr(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return a->order > b->order ? -1 : a->order < b->order;
}

static int build(int k, Dwfl_Module *m)
{
	int n = dwfl_module_getsymtab(m);
	size_t used = 0;
	struct entry *e = n > 1 ? lw__mem_calloc((size_t)n, sizeof(*e)) : NULL;
	if (!e)
		return -1;
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr sa;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym_info(m, i, &sym, &sa, &shndx, NULL, NULL);
		if (name == NULL || name[0] == '\0' || !is_data(&sym))
			continue;
		e[used].addr = sa;
		e[used].size = sym.st_size;
		e[used].name = name;
		e[used].rank = (sym.st_size != 0) * 2u + (GELF_ST_BIND(sym.st_info) != STB_LOCAL);
		e[used].order = (uint32_t)i;
		used++;
	}
	lw__sort(e, used, sizeof(*e), by_addr);
	lw__mem_free(idx[k].e);
	idx[k].m = m;
	idx[k].e = e;
	idx[k].n = used;
	idx[k].failed = 0;
	return 0;
}

const char *lw__sym_index_find(Dwfl_Module *m, uintptr_t a, uint64_t *off, int *known)
{
	int k = -1;
	*known = 0;
	for (int i = 0; i < INDEXES; i++)
		if (idx[i].m == m)
			k = i;
	if (k < 0) {
		k = (int)(next_slot++ % INDEXES);
		if (build(k, m) != 0) {
			idx[k].m = m;
			idx[k].failed = 1;
		}
	}
	if (idx[k].failed)
		return NULL;
	const struct entry *e = idx[k].e;
	size_t lo = 0, hi = idx[k].n; /* the first entry above a: lo */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo, walked = 0; i > 0 && walked < WALK_MAX; i--, walked++) {
		const struct entry *c = &e[i - 1];
		uint64_t o = a - c->addr;
		if (o < c->size || (c->size == 0 && o == 0)) {
			*off = o;
			*known = 1;
			return c->name;
		}
	}
	*known = lo <= WALK_MAX; /* every start below looked at: none covers */
	return NULL;
}

void lw__sym_index_forget(void)
{
	for (int i = 0; i < INDEXES; i++) {
		lw__mem_free(idx[i].e);
		idx[i].m = NULL;
		idx[i].e = NULL;
		idx[i].n = 0;
		idx[i].failed = 0;
	}
}
