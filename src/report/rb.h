/* rb.h - inside the report layer: the builder's raw facts (struct lw__rb),
 * shared by build.c, which fills it, and emit.c, which turns it into a
 * report, and the builder's arena (memory freed with the builder). */
#ifndef LW_RB_H
#define LW_RB_H

#include "report.h"
#include "symbols.h"

struct chunk;

struct rb_lock {
	const struct lw__lock *rec;
	uint32_t id;
	int kind;
	uintptr_t addr;
	const char *name, *cls; /* NULL until described */
};

struct rb_edge {
	int from, to, tid, from_read, to_read;
	uint8_t timed; /* bit 0: from, bit 1: to was a timed acquire; bit 2:
			* to was fresh (check/held.h, LW__ACQ_FRESH) */
	const char *tname;
	uint32_t from_stack, to_stack;
};

struct rb_thread {
	int tid;
	const char *name, *role;
	int lock;
	uint64_t duration_ms;
	uint32_t stack;
	int *held, n_held, cap_held;
	uintptr_t *now;
	int n_now;
	const char *now_note;
	const char *state;      /* hang reports: what it is doing, or NULL */
	int *waits_for, n_waits_for, cap_waits_for; /* tids */
};

struct lw__rb {
	lw_kind_t kind;
	lw_severity_t sev;
	int begun_error;        /* an error at lw__rb_new (lw__verdict_unfinished) */
	const char *headline, *note;
	struct rb_lock *locks;
	int n_locks, cap_locks;
	int n_named;            /* locks already through describe_all() */
	struct rb_edge *edges;
	int n_edges, cap_edges;
	struct rb_thread *threads;
	int n_threads, cap_threads;
	struct chunk *arena;
	uint64_t group_key;     /* shape key (lw__rb_group), 0: not grouped */
	unsigned group;         /* its group's id once emitted, 0: none */
	const char *suppression; /* the line that would suppress it (emit.c) */
	/* what each emitted stack's frames have beyond lw_frame_t (frozen) */
	struct rb_stackx {
		const lw_frame_t *frames;
		const struct lw__frame_info *info;
	} *sx;
	int n_sx, cap_sx;
	int sx_sorted; /* n_sx when sx was last sorted */
	lw_frame_t *scratch_f; /* emit's buffers for one stack's frames */
	struct lw__frame_info *scratch_x;
};

/* Name every lock of the report, once (ids appended to duplicates). */
void lw__rb_describe_all(struct lw__rb *rb);
/* The extra facts of stack s's frames (NULL: none recorded). */
const struct lw__frame_info *lw__rb_frame_info(const struct lw__rb *rb, const lw_stack_t *s);
/* Remember them (in emit). */
void lw__rb_frame_info_add(struct lw__rb *rb, const lw_frame_t *frames,
			   const struct lw__frame_info *info);
/* n bytes from the builder's arena (16-byte aligned), or NULL. */
void *lw__rb_alloc(struct lw__rb *rb, size_t n);
/* A copy of s in the arena (NULL for NULL or out of memory). */
char *lw__rb_strdup(struct lw__rb *rb, const char *s);

#endif
