/* symindex.c - unit test of lw__sym_index_addrinfo (src/report/
 * symbols_index.h), the code index that stands in for libdw's
 * dwfl_module_addrinfo: over every module of this process (the test
 * itself, with its local symbols, libc with its aliases, libdw, libelf,
 * libz, the loader), at each symbol's first byte, its second, its middle,
 * its last and the byte past its end, at every 97th byte between, and at
 * 1,500 addresses spread over the whole module,
 * both give the same name, offset and symbol, and libdw's own walk is
 * left few of them. At a sample of those, the data index (naming a static
 * lock) names the variable a walk of the whole table names. A module's symbols are
 * sampled so the test stays short: libdw walks the table at every
 * address. */
#include "unit.h"

#include "symbols_index.h"

#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <unistd.h>

#define SAMPLES 800 /* symbols looked at per module, at most */

static unsigned long compared, named, inside, inside_asked;

/* The variable a walk of the whole table names at a (symbols_data.c's
 * scan): the highest start at or below a that covers it, then sized over
 * sizeless, then global over local, then the first in the table. */
static const char *walk_data(Dwfl_Module *m, GElf_Addr a, uint64_t *off)
{
	const char *best = NULL;
	GElf_Addr at = 0;
	int pref = -1;
	for (int i = 1, n = dwfl_module_getsymtab(m); i < n; i++) {
		GElf_Sym s;
		GElf_Addr sa;
		const char *nm = dwfl_module_getsym_info(m, i, &s, &sa, NULL, NULL, NULL);
		int t = GELF_ST_TYPE(s.st_info);
		int p = (s.st_size != 0) * 2 + (GELF_ST_BIND(s.st_info) != STB_LOCAL);
		if (!nm || !nm[0] || (t != STT_OBJECT && t != STT_COMMON) || s.st_shndx == SHN_UNDEF ||
		    sa > a || !(a - sa < s.st_size || (s.st_size == 0 && a == sa)))
			continue;
		if (best == NULL || sa > at || (sa == at && p > pref)) {
			best = nm;
			at = sa;
			pref = p;
		}
	}
	*off = a - at;
	return best;
}

static unsigned long data_compared;

/* The data index against the walk at a. */
static void same_data_at(Dwfl_Module *m, GElf_Addr a)
{
	uint64_t o1 = 0, o2 = 0;
	int known = 0;
	const char *want = walk_data(m, a, &o1);
	const char *got = lw__sym_index_find(m, a, &o2, &known);
	data_compared++;
	CHECKF(!known || ((want == NULL) == (got == NULL) && (!want || (!strcmp(want, got) && o1 == o2))),
	       "data at %#llx: walk %s, index %s", (unsigned long long)a, want ? want : "(none)",
	       got ? got : "(none)");
}

/* inside: a is within a sized function or variable (not its first byte) */
static void same_at(Dwfl_Module *m, GElf_Addr a, int in)
{
	unsigned long asked = lw__sym_index_asked();
	GElf_Off o1 = 0, o2 = 0;
	GElf_Sym s1, s2;
	memset(&s1, 0, sizeof(s1));
	memset(&s2, 0, sizeof(s2));
	const char *want = dwfl_module_addrinfo(m, a, &o1, &s1, NULL, NULL, NULL);
	const char *got = lw__sym_index_addrinfo(m, a, &o2, &s2, 0);
	compared++;
	named += want != NULL;
	inside += in;
	inside_asked += in && lw__sym_index_asked() != asked;
	CHECKF((want == NULL) == (got == NULL) && (!want || strcmp(want, got) == 0),
	       "at %#llx: libdw %s, index %s", (unsigned long long)a, want ? want : "(none)",
	       got ? got : "(none)");
	/* asked for a variable only: the same wherever libdw's answer is one
	 * containing a (what symbols_data.c keeps of it) */
	GElf_Off o3 = 0;
	GElf_Sym s3;
	const char *var = lw__sym_index_addrinfo(m, a, &o3, &s3, 1);
	int t = GELF_ST_TYPE(s1.st_info);
	if (want && (t == STT_OBJECT || t == STT_COMMON) &&
	    (o1 < s1.st_size || (s1.st_size == 0 && o1 == 0)))
		CHECKF(var && !strcmp(var, want) && o3 == o1, "variable at %#llx: libdw %s, index %s",
		       (unsigned long long)a, want, var ? var : "(none)");
	if (want && got) {
		CHECKF(o1 == o2, "at %#llx (%s): offset %llu, index %llu", (unsigned long long)a, want,
		       (unsigned long long)o1, (unsigned long long)o2);
		CHECKF(s1.st_value == s2.st_value && s1.st_size == s2.st_size &&
			       s1.st_info == s2.st_info,
		       "at %#llx (%s): another symbol of that name", (unsigned long long)a, want);
	}
}

static int each_module(Dwfl_Module *m, void **ud, const char *name, Dwarf_Addr start, void *arg)
{
	(void)ud;
	(void)start;
	(void)arg;
	int n = dwfl_module_getsymtab(m);
	if (n <= 1)
		return DWARF_CB_OK;
	int step = n > SAMPLES ? n / SAMPLES : 1;
	unsigned long before = compared;
	for (int i = 1; i < n; i += step) {
		GElf_Sym sym;
		GElf_Addr sa;
		const char *sn = dwfl_module_getsym_info(m, i, &sym, &sa, NULL, NULL, NULL);
		if (sn == NULL || sym.st_shndx == SHN_UNDEF)
			continue;
		GElf_Addr sz = sym.st_size;
		GElf_Addr at[] = { sa, sa + 1, sa + sz / 2, sz ? sa + sz - 1 : sa, sa + sz };
		for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
			same_at(m, at[k], at[k] > sa && at[k] < sa + sz);
			if (GELF_ST_TYPE(sym.st_info) == STT_OBJECT && k % 2 == 0)
				same_data_at(m, at[k]);
		}
		for (GElf_Addr a = sa + 97; sz < 4096 && a < sa + sz; a += 97)
			same_at(m, a, 1);
	}
	/* and across the whole module, between symbols too (a stripped
	 * library's own functions have none) */
	Dwarf_Addr lo = 0, hi = 0;
	dwfl_module_info(m, NULL, &lo, &hi, NULL, NULL, NULL, NULL);
	for (Dwarf_Addr a = lo, stride = (hi - lo) / 1500 | 1; a < hi; a += stride) {
		same_at(m, a, 0);
		if ((a - lo) / stride % 8 == 0)
			same_data_at(m, a);
	}
	printf("%-40s %6d symbols, %6lu addresses\n", name, n, compared - before);
	return unit_failed() ? DWARF_CB_ABORT : DWARF_CB_OK;
}

int main(void)
{
	static char *debuginfo_path;
	static const Dwfl_Callbacks cb = {
		.find_elf = dwfl_linux_proc_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.debuginfo_path = &debuginfo_path,
	};
	Dwfl *d = dwfl_begin(&cb);
	CHECK(d != NULL);
	if (d == NULL)
		return unit_end();
	dwfl_report_begin(d);
	CHECK(dwfl_linux_proc_report(d, getpid()) == 0);
	dwfl_report_end(d, NULL, NULL);
	dwfl_getmodules(d, each_module, NULL, 0);
	printf("%lu addresses compared with the data index\n", data_compared);
	CHECK(data_compared > 500);
	printf("%lu addresses compared, %lu of them named, %lu answered by libdw's walk;\n"
	       "%lu inside a sized symbol (a pc in a stack), %lu of them by libdw's walk\n",
	       compared, named, lw__sym_index_asked(), inside, inside_asked);
	CHECK(named > 1000); /* the comparison saw real symbols */
	/* and the index answered them, not libdw behind it: those left to
	 * libdw are the sizeless symbols' (assembly labels) and the nameless */
	CHECKF(inside > 1000 && inside_asked * 100 < inside, "%lu of %lu", inside_asked, inside);
	lw__sym_index_forget();
	dwfl_end(d);
	return unit_end();
}
