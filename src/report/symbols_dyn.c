/* symbols_dyn.c - see symbols_dyn.h. dladdr (glibc's _dl_addr) visits the
 * dynamic symbols its GNU hash table lists, bucket by bucket, and keeps
 * the one covering the address with the highest value, the first visited
 * on a tie: a defined symbol (or one with a value), not absolute, not
 * TLS, covering [value, value + size), or exactly value when sizeless or
 * undefined. Here each object's such symbols are sorted by value once,
 * with the highest end among each and those below it, and the walk back
 * from the address stops where nothing below can reach it. An object is
 * found with _dl_find_object (lw__object_of); its tables from its dynamic
 * section, whose pointers the loader may or may not have relocated. */
#include "symbols_dyn.h"
#include "mem.h"
#include "object.h"
#include "sort.h"

#include <elf.h>
#include <stddef.h>
#include <string.h>

#if __ELF_NATIVE_CLASS == 32
#define SYM_TYPE ELF32_ST_TYPE
#else
#define SYM_TYPE ELF64_ST_TYPE
#endif

#define OBJECTS 32
#define WALK_MAX 4096 /* entries looked at below an address, at most */
#define LOADS 16      /* PT_LOAD segments kept per object */

struct dentry {
	uint64_t value, top; /* top: the highest end, this entry and below */
	uint64_t size;
	uint32_t rank; /* its place in the hash table's order */
	uint32_t ndx;  /* its index in the symbol table */
	int exact;     /* sizeless or undefined: covers only its value */
};

/* lw__sort_first_above reads an entry's value as its first word */
_Static_assert(offsetof(struct dentry, value) == 0, "an entry starts with its value");

static struct dobj {
	const void *id; /* the link map; NULL: a free slot */
	uintptr_t base, lo;
	const char *name;
	const ElfW(Sym) *symtab;
	const char *strtab;
	size_t strsz;
	struct dentry *e;
	size_t n;
	uintptr_t load[LOADS][2]; /* its segments, [start, end) */
	int nload, failed;
} objs[OBJECTS];
static unsigned next_obj;
static unsigned long dyn_asked;

/* the tables of an object: from its dynamic section */
struct tables {
	const ElfW(Sym) *symtab;
	const char *strtab;
	size_t strsz;
	const uint32_t *gnu_hash;
};

static uintptr_t relocated(uintptr_t p, const struct lw__object *o)
{
	return p < o->base ? p + o->base : p; /* not relocated (read-only) */
}

static int in_object(uintptr_t p, const struct lw__object *o)
{
	return p >= o->lo && p < o->hi;
}

static int read_tables(const struct link_map *lm, const struct lw__object *o, struct tables *t)
{
	memset(t, 0, sizeof(*t));
	for (const ElfW(Dyn) *d = lm->l_ld; d && d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_SYMTAB)
			t->symtab = (const void *)relocated(d->d_un.d_ptr, o);
		else if (d->d_tag == DT_STRTAB)
			t->strtab = (const void *)relocated(d->d_un.d_ptr, o);
		else if (d->d_tag == DT_STRSZ)
			t->strsz = d->d_un.d_val;
		else if (d->d_tag == DT_GNU_HASH)
			t->gnu_hash = (const void *)relocated(d->d_un.d_ptr, o);
	}
	return t->symtab && t->strtab && t->gnu_hash && in_object((uintptr_t)t->symtab, o) &&
		       in_object((uintptr_t)t->strtab, o) && in_object((uintptr_t)t->gnu_hash, o)
		       ? 0
		       : -1;
}

static int by_value(const void *x, const void *y)
{
	const struct dentry *a = x, *b = y;
	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

/* Visit the symbols the GNU hash table lists, in dladdr's order; those it
 * weighs go into e (when not NULL). Returns how many were visited
 * (e == NULL) or kept. */
static size_t walk_hash(const struct tables *t, struct dentry *e)
{
	const uint32_t *h = t->gnu_hash;
	uint32_t nbuckets = h[0], bias = h[1], nwords = h[2];
	const uint32_t *buckets = (const uint32_t *)((const ElfW(Addr) *)(h + 4) + nwords);
	const uint32_t *chain = buckets + nbuckets;
	size_t n = 0;
	uint32_t rank = 0;
	for (uint32_t b = 0; b < nbuckets; b++) {
		uint32_t i = buckets[b];
		for (int last = i == 0 || i < bias; !last; i++) {
			const ElfW(Sym) *s = &t->symtab[i];
			last = (chain[i - bias] & 1u) != 0;
			rank++;
			if (e == NULL) {
				n++;
				continue;
			}
			if ((s->st_shndx == SHN_UNDEF && s->st_value == 0) || s->st_shndx == SHN_ABS ||
			    SYM_TYPE(s->st_info) == STT_TLS || s->st_name >= t->strsz)
				continue;
			e[n].value = s->st_value;
			e[n].size = s->st_size;
			e[n].exact = s->st_shndx == SHN_UNDEF || s->st_size == 0;
			e[n].rank = rank;
			e[n].ndx = i;
			n++;
		}
	}
	return n;
}

/* The symbols dladdr weighs into d->e, sorted by value. */
static int index_symbols(struct dobj *d, const struct tables *t)
{
	size_t cap = walk_hash(t, NULL);
	struct dentry *e = cap ? lw__mem_calloc(cap, sizeof(*e)) : NULL;
	if (cap && !e)
		return -1;
	size_t n = cap ? walk_hash(t, e) : 0;
	lw__sort(e, n, sizeof(*e), by_value);
	uint64_t top = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t end = e[i].value + (e[i].exact ? 1 : e[i].size);
		top = end > top ? end : top;
		e[i].top = top;
	}
	d->e = e;
	d->n = n;
	return 0;
}

/* the object's PT_LOAD segments: the loader names it by its link map's
 * own name string */
static int loads_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	struct dobj *d = arg;
	int mine = info->dlpi_name == d->name && info->dlpi_addr == d->base;
	for (int i = 0; mine && i < info->dlpi_phnum && d->nload < LOADS; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		if (p->p_type != PT_LOAD)
			continue;
		d->load[d->nload][0] = info->dlpi_addr + p->p_vaddr;
		d->load[d->nload][1] = info->dlpi_addr + p->p_vaddr + p->p_memsz;
		d->nload++;
	}
	return mine;
}

/* The slot of object o, its index made at the first look; NULL when it
 * cannot be made. */
static struct dobj *object_slot(const struct lw__object *o)
{
	struct tables t;
	const struct link_map *lm = o->id;
	if (!o->lo || !o->name[0] || read_tables(lm, o, &t) != 0)
		return NULL;
	for (int i = 0; i < OBJECTS; i++) {
		struct dobj *d = &objs[i];
		/* the same object: the same map, place, name and tables */
		if (d->id == o->id && d->base == o->base && d->lo == o->lo && d->name == o->name &&
		    d->symtab == t.symtab && d->strtab == t.strtab)
			return d->failed ? NULL : d;
	}
	struct dobj *d = &objs[next_obj++ % OBJECTS];
	lw__mem_free(d->e);
	memset(d, 0, sizeof(*d));
	d->id = o->id;
	d->base = o->base;
	d->lo = o->lo;
	d->name = o->name;
	d->symtab = t.symtab;
	d->strtab = t.strtab;
	d->strsz = t.strsz;
	dl_iterate_phdr(loads_cb, d);
	d->failed = d->nload == 0 || index_symbols(d, &t) != 0;
	return d->failed ? NULL : d;
}

/* The entry dladdr picks for t (an address less the load bias): NULL for
 * none; -1 when the walk would be too long. */
static int pick(const struct dobj *d, uint64_t t, const struct dentry **out)
{
	const struct dentry *e = d->e, *best = NULL;
	size_t lo = lw__sort_first_above(e, d->n, sizeof(*e), t);
	size_t walked = 0;
	for (size_t i = lo; i > 0 && e[i - 1].top > t; i--, walked++) {
		const struct dentry *c = &e[i - 1];
		if (walked >= WALK_MAX)
			return -1;
		if (best && c->value < best->value)
			break; /* a lower value never wins */
		if (c->exact ? c->value == t : t - c->value < c->size)
			best = c; /* walking down: the lower rank, a tie's winner */
	}
	*out = best;
	return 0;
}

int lw__sym_dladdr(const void *addr, Dl_info *info, const ElfW(Sym) **sym)
{
	uintptr_t a = (uintptr_t)addr;
	struct lw__object o;
	const struct dentry *best = NULL;
	struct dobj *d = NULL;
	int inside = 0;
	if (lw__object_of(addr, &o) == 1 && a >= o.base)
		d = object_slot(&o);
	for (int i = 0; d && i < d->nload; i++)
		inside |= a >= d->load[i][0] && a < d->load[i][1];
	if (!inside || pick(d, a - d->base, &best) != 0) {
		dyn_asked++;
		return dladdr1(addr, info, (void **)sym, RTLD_DL_SYMENT);
	}
	info->dli_fname = d->name;
	info->dli_fbase = (void *)d->lo;
	info->dli_sname = best ? d->strtab + d->symtab[best->ndx].st_name : NULL;
	info->dli_saddr = best ? (void *)(d->base + best->value) : NULL;
	*sym = best ? &d->symtab[best->ndx] : NULL;
	return 1;
}

unsigned long lw__sym_dyn_asked(void)
{
	return dyn_asked;
}

void lw__sym_dyn_forget(void)
{
	for (int i = 0; i < OBJECTS; i++) {
		lw__mem_free(objs[i].e);
		memset(&objs[i], 0, sizeof(objs[i]));
	}
}
