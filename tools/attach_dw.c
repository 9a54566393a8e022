/* attach_dw.c - another process's modules, symbols and stacks, read with
 * libdw (see attach_dw.h): the modules from /proc/PID/maps
 * (dwfl_linux_proc_report); a thread's stack by unwinding it with libdw's
 * ptrace support (dwfl_linux_proc_attach, then dwfl_getthread_frames, which
 * stops that one thread while it reads it and detaches it after). */
#define _GNU_SOURCE
#include "attach_dw.h"
#include "debuginfo.h"
#include "demangle.h"
#include "dwinline.h"

#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct at_dw {
	Dwfl *dwfl;
	pid_t pid;
	int attached; /* 1: libdw may stop threads; -1: it cannot */
	Dwfl_Module **mods;
	size_t n_mods, cap_mods;
	char **kept;  /* every string handed out: freed with d */
	size_t n_kept, cap_kept;
};

/* The at_dw whose strings keep() records (attach reads one process). */
static struct at_dw *keeper;

static char *debuginfo_path;

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = lw__find_debuginfo, /* this machine's files only */
	.debuginfo_path = &debuginfo_path,
};

static int add_module(Dwfl_Module *m, void **user, const char *name, Dwarf_Addr start,
		      void *arg)
{
	(void)user, (void)name, (void)start;
	struct at_dw *d = arg;
	if (d->n_mods == d->cap_mods) {
		size_t cap = d->cap_mods ? d->cap_mods * 2 : 16;
		Dwfl_Module **p = realloc(d->mods, cap * sizeof(*p));
		if (!p)
			return DWARF_CB_ABORT;
		d->mods = p;
		d->cap_mods = cap;
	}
	d->mods[d->n_mods++] = m;
	return DWARF_CB_OK;
}

struct at_dw *at_dw_open(pid_t pid, const char **err)
{
	struct at_dw *d = calloc(1, sizeof(*d));
	if (!d) {
		*err = "out of memory";
		return NULL;
	}
	d->pid = pid;
	keeper = d;
	d->dwfl = dwfl_begin(&callbacks);
	if (!d->dwfl) {
		*err = dwfl_errmsg(-1);
		free(d);
		return NULL;
	}
	int rc = dwfl_linux_proc_report(d->dwfl, pid);
	if (rc != 0 || dwfl_report_end(d->dwfl, NULL, NULL) != 0) {
		*err = rc > 0 ? strerror(rc) : dwfl_errmsg(-1);
		dwfl_end(d->dwfl);
		keeper = NULL;
		free(d);
		return NULL;
	}
	dwfl_getmodules(d->dwfl, add_module, d, 0);
	return d;
}

/* Record c, a malloc'd string, as keeper's: c, or NULL (then freed). */
static const char *own(char *c)
{
	struct at_dw *d = keeper;
	if (!c || !d)
		return NULL;
	if (d->n_kept == d->cap_kept) {
		size_t cap = d->cap_kept ? d->cap_kept * 2 : 64;
		char **p = realloc(d->kept, cap * sizeof(*p));
		if (!p) {
			free(c);
			return NULL;
		}
		d->kept = p;
		d->cap_kept = cap;
	}
	d->kept[d->n_kept++] = c;
	return c;
}

/* A copy of s that lives as long as keeper (NULL for NULL). */
static const char *keep(const char *s)
{
	return s ? own(strdup(s)) : NULL;
}

/* name, C++ demangled when it is a mangled one (kept), else name. */
static const char *readable(const char *name)
{
	char *d = lw__demangle(name, 0);
	return d ? own(d) : name;
}

const char *at_dw_data_symbol(struct at_dw *d, uintptr_t addr, uintptr_t *start, size_t *size)
{
	/* every module, not only the one whose mapped range holds addr: .bss
	 * lies past the file-backed pages that give a module its range */
	for (size_t i = 0; i < d->n_mods; i++) {
		GElf_Off off;
		GElf_Sym sym;
		const char *name = dwfl_module_addrinfo(d->mods[i], addr, &off, &sym, NULL, NULL,
							NULL);
		if (!name || GELF_ST_TYPE(sym.st_info) != STT_OBJECT || off >= sym.st_size)
			continue;
		*start = addr - off;
		*size = sym.st_size;
		return readable(name);
	}
	return NULL;
}

struct walk {
	struct at_dw *d;
	lw_frame_t *frames;
	int *inlined;
	int n, max;
};

static int one_frame(Dwfl_Frame *state, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool activation;
	if (w->n >= w->max || !dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	/* a return address points after the call: look up the call itself */
	Dwarf_Addr at = activation ? pc : pc - 1;
	lw_frame_t *f = &w->frames[w->n];
	memset(f, 0, sizeof(*f));
	w->inlined[w->n++] = 0;
	f->pc = (uintptr_t)pc;
	Dwfl_Module *m = dwfl_addrmodule(w->d->dwfl, at);
	if (!m)
		return DWARF_CB_OK;
	/* libdw's strings live as long as its session, so as long as d */
	f->module = dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	f->function = readable(dwfl_module_addrname(m, at));
	Dwfl_Line *line = dwfl_module_getsrc(m, at);
	if (line) {
		int lineno = 0;
		f->file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
		f->line = lineno > 0 ? lineno : 0;
	}
	/* one frame per function inlined there, innermost first, as a run's
	 * reports show them: the pc's frame becomes the innermost one */
	lw_frame_t chain[16];
	int inl[16];
	chain[0] = *f;
	int k = lw__dw_inline_chain(m, (uintptr_t)at, chain, inl, 16, keep, 0);
	if (k > 1 && w->n - 1 + k > w->max)
		k = w->max - (w->n - 1);
	for (int i = 0; i < k; i++) {
		lw_frame_t *g = &w->frames[w->n - 1 + i];
		*g = *f;
		g->function = chain[i].function ? chain[i].function : f->function;
		g->file = chain[i].file;
		g->line = chain[i].line;
		w->inlined[w->n - 1 + i] = inl[i];
	}
	if (k > 1)
		w->n += k - 1;
	return DWARF_CB_OK;
}

int at_dw_stack(struct at_dw *d, pid_t tid, lw_frame_t *frames, int *inlined, int max,
		const char **err)
{
	if (d->attached == 0)
		d->attached = dwfl_linux_proc_attach(d->dwfl, d->pid, false) == 0 ? 1 : -1;
	if (d->attached < 0) {
		*err = "libdw cannot attach to the process";
		return -1;
	}
	struct walk w = { d, frames, inlined, 0, max };
	if (dwfl_getthread_frames(d->dwfl, tid, one_frame, &w) != 0 && w.n == 0) {
		*err = dwfl_errmsg(-1);
		return -1;
	}
	return w.n;
}

void at_dw_close(struct at_dw *d)
{
	if (!d)
		return;
	dwfl_end(d->dwfl);
	for (size_t i = 0; i < d->n_kept; i++)
		free(d->kept[i]);
	free(d->kept);
	free(d->mods);
	if (keeper == d)
		keeper = NULL;
	free(d);
}
