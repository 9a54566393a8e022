/* text.c - the terminal output of `lockwatch report`: every finding, errors
 * first, with the processes it was seen in; a cycle across processes with
 * its edges, the process that contributed each and both stacks, like an
 * in-process cycle. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void stack(const struct rp_stack *s, const char *indent)
{
	for (int i = 0; i < s->n; i++) {
		const struct rp_frame *f = &s->f[i];
		const char *b = f->module ? strrchr(f->module, '/') : NULL;
		printf("%s#%d %s", indent, i, f->function ? f->function : "??");
		if (f->file && f->line)
			printf(" (%s:%d)", f->file, f->line);
		if (f->module)
			printf(" [%s]", b ? b + 1 : f->module);
		printf("\n");
	}
	if (!s->n)
		printf("%s(no stack)\n", indent);
}

/* Where a finding happened, by its first frame: the function, then the
 * file and line where known, else the module (a library without debug
 * information). */
static void loc(const struct rp_loc *l)
{
	const char *b = l->module ? strrchr(l->module, '/') : NULL;
	printf("  %s: %s", l->what, l->function ? l->function : "??");
	if (l->file && l->line > 0)
		printf(" (%s:%d)", l->file, l->line);
	else if (l->file)
		printf(" (%s)", l->file);
	else if (l->module)
		printf(" [%s]", b ? b + 1 : l->module);
	printf("\n");
}

static void procs(const struct rp *rp, const struct rp_finding *f)
{
	char label[256];
	size_t show = f->n_procs < 5 ? f->n_procs : 5;
	printf("  seen in %zu process%s: ", f->n_procs, f->n_procs == 1 ? "" : "es");
	for (size_t i = 0; i < show; i++) {
		rp_proc_label(rp, f->procs[i], label, sizeof(label));
		printf("%s%s", i ? ", " : "", label);
	}
	if (f->n_procs > show)
		printf(", and %zu more", f->n_procs - show);
	printf("\n");
}

static void cycle(const struct rp *rp, const struct rp_finding *f)
{
	char label[256];
	for (size_t i = 0; i < f->n_cycle; i++) {
		const struct rp_edge *e = &rp->edges[f->cycle[i]];
		const char *na = rp->classes[e->from].name, *nb = rp->classes[e->to].name;
		rp_proc_label(rp, e->proc, label, sizeof(label));
		printf("  edge %zu/%zu: %s -> %s, in process %s, thread %d (%s)", i + 1, f->n_cycle,
		       na, nb, label, e->tid, e->tname ? e->tname : "?");
		if (e->n_procs > 1)
			printf("; also in %zu other process%s", e->n_procs - 1,
			       e->n_procs == 2 ? "" : "es");
		printf("\n    %s was taken%s at:\n", na, e->from_read ? " for reading" : "");
		stack(&e->from_stack, "      ");
		printf("    then %s was taken%s%s%s, holding %s, at:\n", nb,
		       e->to_read ? " for reading" : "", e->to_timed ? " (timed)" : "",
		       e->to_fresh ? " (for the first time, just made by this thread)" : "", na);
		stack(&e->to_stack, "      ");
	}
}

static int order(const void *a, const void *b)
{
	const struct rp_finding *x = *(const struct rp_finding *const *)a,
				*y = *(const struct rp_finding *const *)b;
	if (x->error != y->error)
		return y->error - x->error;
	int c = strcmp(x->kind, y->kind);
	return c ? c : strcmp(x->headline, y->headline);
}

void rp_text(const struct rp *rp, int verbose)
{
	const struct rp_finding **v = malloc((rp->n_findings + 1) * sizeof(*v));
	size_t n = 0, n_err = 0, n_warn = 0, n_supp = 0, n_base = 0;
	for (size_t i = 0; i < rp->n_findings; i++) {
		const struct rp_finding *f = &rp->findings[i];
		if (f->suppressed) {
			n_supp++;
			continue;
		}
		if (f->baselined) {
			n_base++;
			if (!verbose)
				continue;
		}
		v[n++] = f;
	}
	qsort(v, n, sizeof(*v), order);
	for (size_t i = 0; i < n; i++) {
		const struct rp_finding *f = v[i];
		if (!f->baselined)
			f->error ? n_err++ : n_warn++;
		printf("lockwatch: %s: %s%s\n", f->error ? "ERROR" : "WARNING", f->headline,
		       f->baselined ? " (in the baseline)" : "");
		if (f->note)
			printf("  %s\n", f->note);
		if (f->n_cycle)
			cycle(rp, f);
		else
			for (size_t k = 0; k < f->n_locs; k++)
				if (!f->locs[k].related)
					loc(&f->locs[k]);
		procs(rp, f);
		printf("  kind %s, fingerprint %s\n\n", f->kind, f->fp);
	}
	free(v);
	printf("lockwatch report: %zu file%s, %zu process%s, %zu report%s, %zu class edge%s "
	       "(%zu sightings); %zu error%s, %zu warning%s",
	       rp->n_files, rp->n_files == 1 ? "" : "s", rp->n_procs, rp->n_procs == 1 ? "" : "es",
	       rp->n_reports, rp->n_reports == 1 ? "" : "s", rp->n_edges,
	       rp->n_edges == 1 ? "" : "s", rp->n_sightings, n_err, n_err == 1 ? "" : "s", n_warn,
	       n_warn == 1 ? "" : "s");
	if (n_base)
		printf(", %zu in the baseline", n_base);
	if (n_supp)
		printf(", %zu suppressed", n_supp);
	printf("\n");
	if (rp->dropped)
		printf("lockwatch report: %zu lock-order edges were left out by the processes "
		       "(option edges, or the archive of destroyed locks): the graph is incomplete\n",
		       rp->dropped);
	if (rp->cycles_capped)
		printf("lockwatch report: only the first 1000 cycles across processes are shown\n");
}
