/* group.h - inside the report layer: report groups (group.c), used by
 * emit.c. Reports of one kind with the same shape key (a cycle's stacks,
 * lock kinds and variables; a long hold's or wait's site in one burst)
 * form a group: the first is reported in full, at once; each later one is
 * an instance of it, written at once as one short JSON line (every lock
 * and thread of it), and in the log only counted, with a few examples,
 * printed later as one summary line per group. Every function here is
 * called with the report mutex (emit.c) held, lw__group_pending() aside. */
#ifndef LW_GROUP_H
#define LW_GROUP_H

#include "common.h"
#include "buf.h"

struct lw__group;

/* The open group of (kind, key), or NULL. */
struct lw__group *lw__group_find(lw_kind_t kind, uint64_t key);

/* A new group whose report (headline) is being made now; NULL when out of
 * memory (the report is then made ungrouped). */
struct lw__group *lw__group_new(lw_kind_t kind, lw_severity_t sev, uint64_t key,
				const char *headline, uint64_t now_ms);

/* Its id (from 1, unique in the process). */
unsigned lw__group_id(const struct lw__group *g);

/* One more instance of g (headline: what it is, for the summary's
 * examples); returns its number: the group's report is instance 1. */
unsigned long lw__group_add(struct lw__group *g, const char *headline);

/* Append to b the summaries due: every group with instances not yet
 * summarised when `all`, else those whose report or last summary was
 * printed at least a second before now_ms. */
void lw__group_summaries(struct lw__buf *b, int all, uint64_t now_ms);

/* End the group of (kind, key): its summary, if one is due, into b; a
 * later report with that key starts a new group. */
void lw__group_end(lw_kind_t kind, uint64_t key, struct lw__buf *b);

/* Groups with instances not yet summarised (a lock-free look). */
int lw__group_pending(void);

/* The child of a fork starts with no group (its reports carry its pid). */
void lw__group_atfork_child(void);

#endif
