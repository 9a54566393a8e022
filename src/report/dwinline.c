/* dwinline.c - the functions inlined at a code address (see dwinline.h):
 * the DWARF scopes of the pc (dwarf_getscopes) give the innermost inlined
 * subroutine, and the chain of its concrete parents (dwarf_getscopes_die)
 * the rest, each one's call site being the file and line of the next one
 * out. */
#include "dwinline.h"
#include "demangle.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>

/* A function's name as the program wrote it, C++ demangled: the linkage
 * name when the DWARF has one (it carries the scope and parameters), else
 * DW_AT_name, following abstract origins and specifications. Kept. */
static const char *die_function(Dwarf_Die *d, lw__dw_keep_fn keep, unsigned long long dl_adds)
{
	Dwarf_Attribute at;
	const char *ln = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_linkage_name, &at));
	if (ln == NULL)
		ln = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_MIPS_linkage_name, &at));
	if (ln != NULL) {
		char *dm = lw__demangle(ln, dl_adds);
		if (dm != NULL) {
			const char *r = keep(dm);
			free(dm);
			return r;
		}
	}
	return keep(dwarf_formstring(dwarf_attr_integrate(d, DW_AT_name, &at)));
}

/* The call site of inlined subroutine d: its file (kept) and line. */
static void call_site(Dwarf_Die *cu, Dwarf_Die *d, const char **file, int *line,
		      lw__dw_keep_fn keep)
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
	*file = keep(dwarf_filesrc(files, idx, NULL, NULL));
	if (*file && dwarf_formudata(dwarf_attr(d, DW_AT_call_line, &at), &ln) == 0)
		*line = (int)ln;
}

int lw__dw_inline_chain(Dwfl_Module *m, uintptr_t a, lw_frame_t *f, int *inlined, int max,
			lw__dw_keep_fn keep, unsigned long long dl_adds)
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
		f[k].function = die_function(&chain[i], keep, dl_adds);
		f[k].file = file;
		f[k].line = file ? line : 0;
		inlined[k] = tag == DW_TAG_inlined_subroutine;
		k++;
		if (tag == DW_TAG_subprogram)
			break; /* the function that holds pc: the chain ends here */
		call_site(cu, &chain[i], &file, &line, keep);
	}
	free(chain);
	return k;
}
