/* symbols_index.c - see symbols_index.h. Up to INDEXES modules are kept
 * (the slot reused in turn), each with two indexes made at their first
 * use, each one lw__mem block sorted by address. The data index is sorted
 * then by preference, so that walking back from the last start at or
 * below an address, the first entry that covers it is the one a walk of
 * the whole table picks. The code index holds every symbol libdw's
 * dwfl_module_addrinfo weighs, with the highest end among it and the
 * entries below it, so the walk back stops where nothing below can cover
 * the address; those that do are then weighed in table order, by
 * addrinfo's own rules. */
#include "symbols_index.h"
#include "mem.h"
#include "sort.h"

#include <gelf.h>
#include <stddef.h>
#include <string.h>

#define INDEXES 32
#define WALK_MAX 4096 /* entries looked at below an address, at most */
#define COVER_MAX 64  /* sized symbols covering one address, at most */
#define SECTIONS 96   /* allocated sections kept per module, at most */

struct entry {
	uint64_t addr, size;
	uint64_t top; /* the highest end of an entry, this one and below */
	const char *name;
	uint32_t rank;  /* sized 2, global 1 */
	uint32_t order; /* its place in the table: the first wins a tie */
};

/* a symbol addrinfo weighs: named, defined, not a section, file or TLS */
struct centry {
	uint64_t addr, size;
	uint64_t top;   /* the highest end of a sized symbol, this one and below */
	uint64_t label; /* 1 + the start of the last sizeless one so far, 0: none */
	uint32_t order; /* its place in the table */
	uint32_t bind;  /* addrinfo's preference: global 3, weak 2, local 1 */
};

/* lw__sort_first_above reads an entry's address as its first word */
_Static_assert(offsetof(struct entry, addr) == 0 && offsetof(struct centry, addr) == 0,
	       "an index entry starts with its address");

static struct {
	Dwfl_Module *m;
	struct entry *e;
	size_t n;
	int failed;
	struct centry *c; /* the code index: NULL until its first use */
	size_t cn;
	int cstate; /* 0 not made, 1 made, -1 cannot be made */
	int first_global;
	uint64_t (*sec)[2]; /* its allocated sections, [start, end] (NULL: none known) */
	int nsec;
} idx[INDEXES];
static unsigned next_slot;
static unsigned long code_asked; /* addrinfo lookups handed to libdw */

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

/* The slot of module m, claimed (its old indexes freed) when it has none. */
static int slot_of(Dwfl_Module *m)
{
	for (int i = 0; i < INDEXES; i++)
		if (idx[i].m == m)
			return i;
	int k = (int)(next_slot++ % INDEXES);
	lw__mem_free(idx[k].e);
	lw__mem_free(idx[k].c);
	lw__mem_free(idx[k].sec);
	memset(&idx[k], 0, sizeof(idx[k]));
	idx[k].m = m;
	idx[k].failed = -1; /* the data index: not made yet */
	return k;
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
	uint64_t top = 0;
	for (size_t i = 0; i < used; i++) {
		uint64_t end = e[i].addr + (e[i].size ? e[i].size : 1);
		top = end > top ? end : top;
		e[i].top = top;
	}
	idx[k].e = e;
	idx[k].n = used;
	return 0;
}

const char *lw__sym_index_find(Dwfl_Module *m, uintptr_t a, uint64_t *off, int *known)
{
	*known = 0;
	int k = slot_of(m);
	if (idx[k].failed < 0)
		idx[k].failed = build(k, m) != 0;
	if (idx[k].failed)
		return NULL;
	const struct entry *e = idx[k].e;
	size_t lo = lw__sort_first_above(e, idx[k].n, sizeof(*e), a);
	size_t i = lo, walked = 0;
	/* down to where no entry below reaches a (a hidden variable of a
	 * stripped library has no entry: it stops at once) */
	for (; i > 0 && e[i - 1].top > a && walked < WALK_MAX; i--, walked++) {
		const struct entry *c = &e[i - 1];
		uint64_t o = a - c->addr;
		if (o < c->size || (c->size == 0 && o == 0)) {
			*off = o;
			*known = 1;
			return c->name;
		}
	}
	*known = walked < WALK_MAX; /* every entry that reaches a looked at */
	return NULL;
}

/* ---- code: what dwfl_module_addrinfo answers ----------------------------- */

/* On these machines a function symbol's value is its address: libdw
 * resolves no function descriptor, so the value getsym_info gives is the
 * one addrinfo weighs. */
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__)
#define CODE_INDEX 1
#else
#define CODE_INDEX 0
#endif

static int by_caddr(const void *x, const void *y)
{
	const struct centry *a = x, *b = y;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static uint32_t bind_value(const GElf_Sym *s)
{
	switch (GELF_ST_BIND(s->st_info)) {
	case STB_GLOBAL:
		return 3;
	case STB_WEAK:
		return 2;
	case STB_LOCAL:
		return 1;
	default:
		return 0;
	}
}

static int weighed(const char *name, const GElf_Sym *s)
{
	int t = GELF_ST_TYPE(s->st_info);
	return name != NULL && name[0] != '\0' && s->st_shndx != SHN_UNDEF && t != STT_SECTION &&
	       t != STT_FILE && t != STT_TLS;
}

/* Module m's allocated sections, as libdw places them (the main file's,
 * at its bias), into slot k; none kept when there are too many. */
static void read_sections(int k, Dwfl_Module *m)
{
	GElf_Addr bias = 0;
	Elf *elf = dwfl_module_getelf(m, &bias);
	uint64_t(*sec)[2] = lw__mem_calloc(SECTIONS, sizeof(*sec));
	int n = 0;
	for (Elf_Scn *scn = NULL; elf && sec && (scn = elf_nextscn(elf, scn)) != NULL;) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) == NULL || !(sh.sh_flags & SHF_ALLOC))
			continue;
		if (n == SECTIONS) {
			n = 0;
			break;
		}
		sec[n][0] = sh.sh_addr + bias;
		sec[n][1] = sh.sh_addr + bias + sh.sh_size;
		n++;
	}
	if (n == 0) {
		lw__mem_free(sec);
		sec = NULL;
	}
	idx[k].sec = sec;
	idx[k].nsec = n;
}

/* The one section of slot k that holds a (its end counted in, as libdw
 * counts it); -1 when none or more than one do. */
static int only_section(int k, uint64_t a)
{
	int found = -1;
	for (int i = 0; i < idx[k].nsec; i++) {
		if (a < idx[k].sec[i][0] || a > idx[k].sec[i][1])
			continue;
		if (found >= 0)
			return -1;
		found = i;
	}
	return found;
}

static int build_code(int k, Dwfl_Module *m)
{
	int n = dwfl_module_getsymtab(m);
	int fg = dwfl_module_getsymtab_first_global(m);
	if (!CODE_INDEX || n < 1 || fg < 0)
		return -1;
	struct centry *c = n > 1 ? lw__mem_calloc((size_t)n, sizeof(*c)) : NULL;
	size_t used = 0;
	if (n > 1 && !c)
		return -1;
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr sa;
		const char *name = dwfl_module_getsym_info(m, i, &sym, &sa, NULL, NULL, NULL);
		if (!weighed(name, &sym))
			continue;
		c[used].addr = sa;
		c[used].size = sym.st_size;
		c[used].order = (uint32_t)i;
		c[used].bind = bind_value(&sym);
		used++;
	}
	lw__sort(c, used, sizeof(*c), by_caddr);
	uint64_t top = 0, label = 0;
	for (size_t i = 0; i < used; i++) {
		uint64_t end = c[i].addr + c[i].size;
		if (c[i].size != 0 && end > top)
			top = end;
		if (c[i].size == 0)
			label = c[i].addr + 1;
		c[i].top = top;
		c[i].label = label;
	}
	idx[k].c = c;
	idx[k].cn = used;
	idx[k].first_global = fg;
	read_sections(k, m);
	return 0;
}

/* addrinfo's choice among the sized symbols covering an address, taken in
 * table order: a later one wins when it starts nearer or binds stronger,
 * or starts at the same place and is smaller or binds stronger. */
static const struct centry *weigh(const struct centry **cov, int n)
{
	const struct centry *best = NULL;
	for (int i = 0; i < n; i++) {
		const struct centry *s = cov[i];
		if (best == NULL || best->addr < s->addr || best->bind < s->bind)
			best = s;
		else if (best->addr == s->addr &&
			 ((best->size > s->size && best->bind <= s->bind) ||
			  (best->size >= s->size && best->bind < s->bind)))
			best = s;
	}
	return best;
}

static int by_order(const void *x, const void *y)
{
	const struct centry *a = *(const struct centry *const *)x;
	const struct centry *b = *(const struct centry *const *)y;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Whether addrinfo finds no symbol at a, where no sized one covers it: a
 * sizeless one (a label) is taken only at or above the end of every
 * symbol below a that libdw looked at, which is every one (the locals
 * are looked at when no global covers a, unless a sizeless global starts
 * exactly at a: then the last label is at a, and this says no), and only
 * in a's section: the last label below a in another section than a's
 * (node's last one is 150 MB below its embedded code) leaves none there.
 * 1 when none is (below: the last entry at or below a, in slot k). */
static int no_label(int k, const struct centry *below, uint64_t a)
{
	if (below == NULL || below->label == 0 || below->label - 1 < below->top)
		return 1;
	int sa = only_section(k, a), sl = only_section(k, below->label - 1);
	return sa >= 0 && sl >= 0 && sa != sl;
}

/* The symbol addrinfo picks for a from slot k's code index, into *pick
 * (NULL: none); 0, or -1 when only libdw's walk can say (a sizeless
 * symbol decides, or too many to look at): -2 when it is a sizeless
 * symbol that does not start at a (no variable containing a). */
static int code_pick(int k, uintptr_t a, const struct centry **pick)
{
	const struct centry *c = idx[k].c;
	size_t lo = lw__sort_first_above(c, idx[k].cn, sizeof(*c), a);
	uint32_t fg = (uint32_t)idx[k].first_global;
	uint32_t first = fg == 0 ? 1 : fg; /* the globals' pass starts here */
	const struct centry *cov[2][COVER_MAX];
	int ncov[2] = { 0, 0 }, exact_sizeless = 0, at_a = 0;
	for (size_t i = lo, walked = 0; i > 0 && c[i - 1].top > a; i--, walked++) {
		const struct centry *s = &c[i - 1];
		int pass = s->order >= first ? 0 : 1;
		if (walked >= WALK_MAX)
			return -1;
		if (s->size == 0 || a - s->addr >= s->size)
			continue;
		if (ncov[pass] == COVER_MAX)
			return -1;
		cov[pass][ncov[pass]++] = s;
	}
	for (size_t i = lo; i > 0 && c[i - 1].addr == a; i--) {
		exact_sizeless |= c[i - 1].size == 0 && c[i - 1].order >= first;
		at_a |= c[i - 1].size == 0;
	}
	if (ncov[0] == 0 && ncov[1] == 0) {
		*pick = NULL; /* nothing covers a: most pcs of a stripped library */
		return no_label(k, lo ? &c[lo - 1] : NULL, a) ? 0 : at_a ? -1 : -2;
	}
	int pass = ncov[0] > 0 ? 0 : 1;
	/* the locals are weighed only when no global covers a and no sizeless
	 * global starts at a; a sizeless symbol is libdw's to judge */
	if (ncov[pass] == 0 || (pass == 1 && (exact_sizeless || fg <= 1)))
		return -1;
	lw__sort(cov[pass], (size_t)ncov[pass], sizeof(cov[pass][0]), by_order);
	*pick = weigh(cov[pass], ncov[pass]);
	return 0;
}

const char *lw__sym_index_addrinfo(Dwfl_Module *m, uintptr_t a, GElf_Off *off, GElf_Sym *sym,
				   int data)
{
	int k = slot_of(m);
	if (idx[k].cstate == 0)
		idx[k].cstate = build_code(k, m) == 0 ? 1 : -1;
	const struct centry *pick = NULL;
	GElf_Addr sa = 0;
	const char *name = NULL;
	int got = idx[k].cstate > 0 ? code_pick(k, a, &pick) : -1;
	int known = got == 0 || (got == -2 && data);
	if (known && pick == NULL) {
		*off = a; /* as libdw leaves it */
		return NULL;
	}
	if (known)
		name = dwfl_module_getsym_info(m, (int)pick->order, sym, &sa, NULL, NULL, NULL);
	if (name == NULL || sa != pick->addr) {
		code_asked++;
		return dwfl_module_addrinfo(m, a, off, sym, NULL, NULL, NULL);
	}
	*off = a - sa;
	return name;
}

unsigned long lw__sym_index_asked(void)
{
	return code_asked;
}

void lw__sym_index_forget(void)
{
	for (int i = 0; i < INDEXES; i++) {
		lw__mem_free(idx[i].e);
		lw__mem_free(idx[i].c);
		lw__mem_free(idx[i].sec);
		memset(&idx[i], 0, sizeof(idx[i]));
	}
}
