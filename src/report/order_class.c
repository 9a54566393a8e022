/* order_class.c - the process's lock-order graph by lock class, from the
 * graph's edges copied out (see order_class.h): each lock named once
 * (report/name.c: its class is the symbol, else the user's name, else the
 * file:line of its site; stable across runs), the edges between two
 * instances of the same two classes merged into one class edge the way
 * the graph merges sightings (a side stays read or timed only when every
 * instance edge had it so; the gates are those held on every one; the
 * thread and stacks shown are the first, or of the sighting that made it
 * more dangerous). An edge between two locks of one class (hand-over-hand
 * locking of list nodes) is left out. */
#include "order_class.h"
#include "mem.h"
#include "sort.h"
#include "hash.h"
#include "map.h"
#include "name.h"

#include <stdlib.h>
#include <string.h>

static int grow(void **p, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 64;
	void *q = lw__mem_realloc(*p, nc * sz);
	if (!q)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

/* The class index of lock record l (naming it the first time), or -1.
 * writer_pref: l is a rwlock that prefers writers (read when copied). */
static int class_of(struct lw__order_graph *st, const struct lw__lock *l, int writer_pref)
{
	size_t i = lw__map_hash((uintptr_t)l >> 6) & st->rec_mask; /* records: 64-byte aligned */
	while (st->rec_key[i] && st->rec_key[i] != l)
		i = (i + 1) & st->rec_mask;
	if (st->rec_key[i]) {
		if (st->rec_cls[i] >= 0)
			st->cls[st->rec_cls[i]].writer_pref |= writer_pref;
		return st->rec_cls[i];
	}
	if (2 * (st->n_rec + 1) > st->rec_mask)
		return -1; /* full (cannot happen: four slots per instance edge) */
	st->n_rec++;
	char name[LW__ORDER_NAME_LEN], cls[LW__ORDER_NAME_LEN];
	name[0] = cls[0] = 0;
	lw__lock_describe(l, name, sizeof(name), cls, sizeof(cls));
	int c = -1;
	uint64_t h = lw__fnv_str(cls, sizeof(cls));
	size_t j = (size_t)h & st->cls_mask;
	while (st->cls_slot[j] && strcmp(st->cls[st->cls_slot[j] - 1].cls, cls) != 0)
		j = (j + 1) & st->cls_mask;
	if (st->cls_slot[j]) {
		c = st->cls_slot[j] - 1;
		st->cls[c].writer_pref |= writer_pref;
	}
	else if (grow((void **)&st->cls, &st->cap_cls, st->n_cls, sizeof(*st->cls)) == 0) {
		struct lw__order_class *x = &st->cls[st->n_cls];
		x->rec = l;
		memcpy(x->name, name, sizeof(name));
		memcpy(x->cls, cls, sizeof(cls));
		x->writer_pref = writer_pref;
		c = (int)st->n_cls++;
		st->cls_slot[j] = c + 1;
	}
	st->rec_key[i] = l;
	st->rec_cls[i] = c;
	return c;
}

/* Merge instance edge g into class edge x (graph.c's merge, by class). */
static void merge(struct lw__order_edge *x, const struct lw__graph_copy_edge *g, const int *gates,
		  int n_gates)
{
	int worse = 0, k = 0;
	for (int i = 0; i < x->n_gates; i++) {
		int found = 0;
		for (int j = 0; j < n_gates; j++)
			found |= gates[j] == x->gates[i];
		if (found)
			x->gates[k++] = x->gates[i];
		else
			worse = 1;
	}
	x->n_gates = k;
	if (x->from_read && !g->info.from_read)
		x->from_read = 0, worse = 1;
	if (x->to_read && !g->info.to_read)
		x->to_read = 0, worse = 1;
	if (x->to_timed && !g->info.to_timed)
		x->to_timed = 0, worse = 1;
	if (x->from_timed && !g->info.from_timed)
		x->from_timed = 0;
	if (x->to_fresh && !g->info.to_fresh)
		x->to_fresh = 0, worse = 1;
	if (worse)
		x->first = g;
	x->instances++;
}

static void add(struct lw__order_graph *st, const struct lw__graph_copy_edge *g)
{
	int a = class_of(st, g->from, g->from_writer_pref), b = class_of(st, g->to, g->to_writer_pref);
	if (a < 0 || b < 0 || a == b)
		return;
	int gates[LW__MAX_GATES], n_gates = 0;
	for (int k = 0; k < g->info.n_gates && k < LW__MAX_GATES; k++) {
		int c = g->gate_rec[k] ? class_of(st, g->gate_rec[k], 0) : -1;
		if (c >= 0 && c != a && c != b)
			gates[n_gates++] = c;
	}
	size_t h = (size_t)lw__fnv_word(lw__fnv_word(LW__FNV_BASIS, (unsigned)a), (unsigned)b);
	size_t i = h & st->e_mask;
	while (st->e_slot[i]) {
		struct lw__order_edge *x = &st->e[st->e_slot[i] - 1];
		if (x->from == a && x->to == b) {
			merge(x, g, gates, n_gates);
			return;
		}
		i = (i + 1) & st->e_mask;
	}
	if (grow((void **)&st->e, &st->cap_e, st->n_e, sizeof(*st->e)) < 0)
		return;
	struct lw__order_edge *x = &st->e[st->n_e];
	memset(x, 0, sizeof(*x));
	x->from = a;
	x->to = b;
	x->first = g;
	x->from_read = g->info.from_read;
	x->to_read = g->info.to_read;
	x->from_timed = g->info.from_timed;
	x->to_timed = g->info.to_timed;
	x->to_fresh = g->info.to_fresh;
	x->n_gates = n_gates;
	memcpy(x->gates, gates, sizeof(gates));
	x->instances = 1;
	st->e_slot[i] = ++st->n_e;
}

static const struct lw__order_graph *sort_st;

static int by_classes(const void *p, const void *q)
{
	const struct lw__order_edge *x = p, *y = q;
	int c = strcmp(sort_st->cls[x->from].cls, sort_st->cls[y->from].cls);
	return c ? c : strcmp(sort_st->cls[x->to].cls, sort_st->cls[y->to].cls);
}

/* A class edge's key (see order_class.h). */
uint64_t lw__order_edge_key(const struct lw__order_graph *st, const struct lw__order_edge *x)
{
	uint64_t h = lw__fnv_str(st->cls[x->from].cls, LW__ORDER_NAME_LEN);
	h = lw__fnv_word(h * 31 ^ lw__fnv_str(st->cls[x->to].cls, LW__ORDER_NAME_LEN),
			 (uint32_t)(x->from_read | x->to_read << 1 | x->from_timed << 2 |
				    x->to_timed << 3 | x->to_fresh << 4));
	uint64_t g = 0; /* the gates as a set: their order does not matter */
	for (int k = 0; k < x->n_gates; k++)
		g += lw__fnv_str(st->cls[x->gates[k]].cls, LW__ORDER_NAME_LEN) *
		     0x9E3779B97F4A7C15ull;
	return (h ^ g) | 1;
}

void lw__order_graph_build(struct lw__order_graph *st, const struct lw__graph_copy_edge *raw,
			   size_t n)
{
	memset(st, 0, sizeof(*st));
	size_t slots = 64;
	while (slots < 2 * (n + 1))
		slots *= 2;
	st->rec_key = lw__mem_calloc(2 * slots, sizeof(*st->rec_key));
	st->cls_slot = lw__mem_calloc(2 * slots, sizeof(*st->cls_slot)); /* a class per record at most */
	st->cls_mask = 2 * slots - 1;
	st->rec_cls = lw__mem_calloc(2 * slots, sizeof(*st->rec_cls));
	st->e_slot = lw__mem_calloc(slots, sizeof(*st->e_slot));
	st->rec_mask = 2 * slots - 1; /* up to two records per instance edge */
	st->e_mask = slots - 1;
	if (st->rec_key && st->rec_cls && st->e_slot && st->cls_slot)
		for (size_t i = 0; i < n; i++)
			add(st, &raw[i]);

	sort_st = st;
	if (st->n_e)
		lw__sort(st->e, st->n_e, sizeof(*st->e), by_classes);
}

void lw__order_graph_free(struct lw__order_graph *st)
{
	lw__mem_free(st->cls);
	lw__mem_free(st->cls_slot);
	lw__mem_free(st->rec_key);
	lw__mem_free(st->rec_cls);
	lw__mem_free(st->e);
	lw__mem_free(st->e_slot);
}
