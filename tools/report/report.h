/* report.h - `lockwatch report`: the reports and lock-order lines of many
 * processes (JSON Lines files, or directories searched for *.jsonl),
 * deduplicated into findings, the class-level graphs merged and searched
 * for cycles no single process saw; text, SARIF, DOT; baselines and
 * suppressions. The model below is filled by load.c and cycles.c and read
 * by the writers (text.c, sarif.c, dot.c) and baseline.c. */
#ifndef LW_TOOLS_REPORT_H
#define LW_TOOLS_REPORT_H

#include <stddef.h>
#include <stdint.h>

#define RP_MAX_GATES 8

struct rp_frame {
	const char *function, *file, *module; /* interned, or NULL */
	int line;                             /* 0: unknown */
};

struct rp_stack {
	int n;
	struct rp_frame *f;
};

/* One process: a pid in one file (pids repeat across machines and runs),
 * and, for its order lines, one process image: a program exec'd by the
 * process keeps the pid but writes another "image", and is another
 * process (its reports, which carry no image, stay with the first). */
struct rp_proc {
	int file;        /* index into rp.files */
	long pid;
	const char *exe; /* from any of its lines, or NULL */
	const char *argv; /* joined with spaces, or NULL */
	const char *image; /* of its order lines (interned), or NULL */
	int next_image;  /* the next image of this pid in this file, -1: none */
	size_t dropped;  /* the most any of its order lines left out */
};

struct rp_class {
	const char *cls, *name, *kind; /* kind NULL: known only as a gate */
	int writer_pref;
};

/* A class edge of the merged graph. */
struct rp_edge {
	int from, to;
	int from_read, to_read, from_timed, to_timed;
	int to_fresh; /* every sighting: `to` was taken for the first time by
		       * the thread that made it holding `from` */
	int n_gates, gates[RP_MAX_GATES]; /* classes held on every sighting */
	int *procs;                       /* processes with this edge, distinct */
	size_t n_procs, cap_procs;
	/* the sighting shown: the first, or the one that made it worse */
	int proc, tid;
	const char *tname;
	struct rp_stack from_stack, to_stack;
	int cyclic; /* on a cycle found across processes (drawn red) */
	int next_out; /* the from class's out-list (index, -1: end) */
};

/* A source location of a finding (SARIF: locations, relatedLocations). */
struct rp_loc {
	const char *function, *file, *module;
	int line;
	const char *what; /* "ledger_lock -> accounts_lock: accounts_lock taken" */
	int related;
};

struct rp_finding {
	const char *kind, *headline, *note;
	int error;
	char fp[17];     /* the fingerprint, 16 hex digits */
	const char *fp_text; /* what it hashes (kind, classes, functions) */
	int *procs;
	size_t n_procs, cap_procs;
	struct rp_loc *locs;
	size_t n_locs, cap_locs;
	const char **words; /* lock names and classes, functions, files, modules: for suppressions */
	unsigned char *word_path; /* words[i] is a file or module (matched by base name too) */
	size_t n_words, cap_words;
	int *cycle;      /* across processes: its edges, in order */
	size_t n_cycle;
	int suppressed;  /* by the entry at this line of --suppressions (0: not) */
	int baselined;   /* its fingerprint is in --baseline */
};

struct rp {
	const char **files;
	size_t n_files, cap_files;
	struct rp_proc *procs;
	size_t n_procs, cap_procs;
	struct rp_class *classes;
	size_t n_classes, cap_classes;
	struct rp_edge *edges;
	size_t n_edges, cap_edges;
	int *class_out; /* first out-edge of each class, -1: none */
	struct rp_finding *findings;
	size_t n_findings, cap_findings;
	size_t n_reports, n_order_lines, n_sightings, dropped;
	int input_errors; /* unreadable files and broken lines, each reported */
	int cycles_capped;
	int have_baseline;
};

/* ---- load.c ---- */
/* Read a file, or every *.jsonl under a directory (sorted); problems are
 * printed to stderr and counted in rp->input_errors. */
void rp_load_path(struct rp *rp, const char *path);
const char *rp_intern(const char *s);
/* A process's label: its argv (else exe, else "pid N"), with its pid. */
void rp_proc_label(const struct rp *rp, int proc, char *buf, size_t n);
/* The function that made an acquisition: the innermost frame with a name. */
const struct rp_frame *rp_acq_frame(const struct rp_stack *s);
int rp_add_unique(int **v, size_t *n, size_t *cap, int x);
struct rp_finding *rp_finding_add(struct rp *rp, const char *kind, int error,
				  const char *headline, const char *note, const char *fp_text,
				  int proc);
void rp_finding_loc(struct rp_finding *f, const struct rp_frame *fr, const char *what,
		    int related);
/* A word suppressions match: path 1 for a file or module. */
void rp_finding_word(struct rp_finding *f, const char *w, int path);

/* ---- cycles.c ---- */
/* Find the cycles of the merged class graph that no single process has
 * all the edges of, each as a finding. */
void rp_cycles(struct rp *rp);

/* ---- baseline.c ---- */
int rp_suppressions(struct rp *rp, const char *path); /* -1: unreadable */
int rp_baseline_read(struct rp *rp, const char *path); /* -1: unreadable; prints the gone */
int rp_baseline_write(const struct rp *rp, const char *path);

/* ---- the writers ---- */
void rp_text(const struct rp *rp, int verbose);
int rp_sarif(const struct rp *rp, const char *path, const char *source_root);
int rp_dot(const struct rp *rp, const char *path);

/* ---- main.c ---- */
int lw_report_main(int argc, char **argv);

#endif
