/* dot.c - --dot FILE: the merged lock-order graph for Graphviz. Classes
 * are nodes (named as in the reports, the class underneath when it
 * differs); an edge A -> B is labelled with the function that took B
 * holding A (and how many processes took it); the edges of cycles found
 * across processes, and of cycles in the processes' own reports, are
 * red; an edge always taken under a gate lock is dashed. */
#include "report.h"

#include <stdio.h>
#include <string.h>

static void q(FILE *o, const char *s)
{
	fputc('"', o);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', o);
		if (*s == '\n')
			fputs("\\n", o);
		else
			fputc(*s, o);
	}
	fputc('"', o);
}

/* Is the class edge a -> b an edge of a cycle some process reported? (by
 * the fingerprint text: edge=A>B:...) */
static int reported_cycle(const struct rp *rp, const struct rp_edge *e)
{
	char key[1024];
	snprintf(key, sizeof(key), "|edge=%s>%s:", rp->classes[e->from].cls, rp->classes[e->to].cls);
	for (size_t i = 0; i < rp->n_findings; i++) {
		const struct rp_finding *f = &rp->findings[i];
		if (!f->suppressed && strcmp(f->kind, "lock_order_cycle") == 0 && f->error &&
		    strstr(f->fp_text, key))
			return 1;
	}
	return 0;
}

int rp_dot(const struct rp *rp, const char *path)
{
	FILE *o = fopen(path, "w");
	if (!o)
		return -1;
	fputs("digraph lockwatch {\n"
	      "  graph [rankdir=LR, fontname=\"Helvetica\", label=\"lock order (lockwatch report): "
	      "red = a cycle, dashed = taken under a gate lock\", labelloc=t, fontsize=11];\n"
	      "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];\n"
	      "  edge [fontname=\"Helvetica\", fontsize=9];\n",
	      o);
	for (size_t i = 0; i < rp->n_classes; i++) {
		const struct rp_class *c = &rp->classes[i];
		char label[1024];
		const char *kind = c->kind ? c->kind : "lock";
		if (strcmp(c->name, c->cls) == 0)
			snprintf(label, sizeof(label), "%s\n%s", c->name, kind);
		else
			snprintf(label, sizeof(label), "%s\n%s, class %s", c->name, kind, c->cls);
		fprintf(o, "  c%zu [label=", i);
		q(o, label);
		fputs("];\n", o);
	}
	for (size_t i = 0; i < rp->n_edges; i++) {
		const struct rp_edge *e = &rp->edges[i];
		const struct rp_frame *f = rp_acq_frame(&e->to_stack);
		char label[512];
		snprintf(label, sizeof(label), "%s%s", f && f->function ? f->function : "?",
			 e->n_procs > 1 ? "" : "");
		if (e->n_procs > 1)
			snprintf(label + strlen(label), sizeof(label) - strlen(label), "\n(%zu processes)",
				 e->n_procs);
		int red = e->cyclic || reported_cycle(rp, e);
		fprintf(o, "  c%d -> c%d [label=", e->from, e->to);
		q(o, label);
		if (red)
			fputs(", color=red, fontcolor=red, penwidth=2", o);
		if (e->n_gates)
			fputs(", style=dashed", o);
		fputs("];\n", o);
	}
	fputs("}\n", o);
	return fclose(o) == 0 ? 0 : -1;
}
