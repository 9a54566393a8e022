/* graph_copy.c - the lock-order graph copied out for the lock-order line
 * (lw__graph_copy, see graph.h), and what it keeps for that line of
 * locks that are destroyed: lw__graph_forget takes a retired lock's edges
 * out of the graph (graph.c: lw__graph_drop_edge), archiving them first
 * in a bounded array, unless the lock's memory is gone (dlclose). All of
 * it under the graph lock. */
#include "graph.h"
#include "edge.h"
#include "mutex.h"
#include "mem.h"
#include "peek.h"

#include "hash.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define LOCK() lw__mutex_lock(&lw__graph_mu)
#define UNLOCK() lw__mutex_unlock(&lw__graph_mu)

/* Edges of destroyed locks, kept for the lock-order line at exit: at most
 * ARCHIVE_MAX, one per (from, to, stacks) sighting key (a loop that makes
 * and destroys locks at one place keeps one), the rest counted. The array
 * is mapped once, outside the graph lock, by the first lw__graph_forget
 * of a lock with edges. */
#define ARCHIVE_MAX 1024
static struct {
	struct lw__graph_copy_edge *e;
	size_t n;
	size_t dropped;
	uint64_t keys[2 * ARCHIVE_MAX]; /* open addressing, 0: empty */
} archive;

/* The record of gate `id` among l's predecessors (bounded walk), or NULL.
 * Caller holds the graph lock. */
static const struct lw__lock *gate_record(const struct lw__lock *l, uint32_t id)
{
	int hops = 0;
	for (uint32_t i = l->in; i && hops < 4096; i = lw__edge_at(i)->next_in, hops++) {
		const struct lw__lock *from = lw__record_at(lw__edge_at(i)->from);
		if (from->id == id)
			return from;
	}
	return NULL;
}

/* Does rwlock l prefer writers (lw__lock_prefers_writers), its object read
 * through the kernel: the memory of a destroyed lock may be freed or, after
 * dlclose, unmapped. 0 for other kinds and unreadable memory. */
static uint8_t writer_pref(const struct lw__lock *l)
{
	pthread_rwlock_t rw;
	if (l->kind != LW__RWLOCK)
		return 0;
	if (lw__peek(&rw, (const void *)l->addr, sizeof(rw)) != 0)
		return 0;
	return rw.__data.__flags == PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP;
}

/* Is the memory at l's address still mapped (not so after dlclose)? */
static int lock_memory_mapped(const struct lw__lock *l)
{
	char c;
	return lw__peek(&c, (const void *)l->addr, 1) == 0;
}

static void copy_out(struct lw__graph_copy_edge *c, const struct lw__edge *e)
{
	struct lw__cycle_edge ce;
	lw__graph_edge_copy(&ce, e);
	c->from = ce.from;
	c->to = ce.to;
	c->info = ce.info;
	for (int k = 0; k < LW__MAX_GATES; k++)
		c->gate_rec[k] = k < e->n_gates ? gate_record(ce.from, lw__gate_id(ce.info.gates[k])) : NULL;
	c->from_writer_pref = writer_pref(ce.from);
	c->to_writer_pref = writer_pref(ce.to);
	c->key = 0;
}

/* What identifies a lock's class without naming it (names come at report
 * time): its user name, its header site, or the stack of its first use. */
static uint64_t class_key(const struct lw__lock *l, uint64_t h)
{
	const char *name = lw__lock_name(l);
	if (name)
		return lw__fnv_str(name, 256) ^ h;
	if (l->site_src)
		return lw__fnv_word(lw__fnv_str(l->site_src->file, 256) ^ h,
				    (uint32_t)l->site_src->line);
	return lw__fnv_word(lw__fnv_word(h, l->site_stack), (uint32_t)((uintptr_t)l->addr >> 4));
}

/* Keep a copy of e, whose lock is being destroyed. Graph lock held. */
static void archive_edge(const struct lw__edge *e)
{
	if (!archive.e)
		return;
	uint64_t k = class_key(lw__record_at(e->from), LW__FNV_BASIS);
	k = class_key(lw__record_at(e->to), k * 31);
	k = lw__fnv_word(lw__fnv_word(k, e->from_stack), e->to_stack) | 1;
	size_t i = (size_t)(k >> 1) & (2 * ARCHIVE_MAX - 1);
	while (archive.keys[i] && archive.keys[i] != k)
		i = (i + 1) & (2 * ARCHIVE_MAX - 1);
	if (archive.keys[i] == k)
		return; /* the same sighting, kept already */
	if (archive.n >= ARCHIVE_MAX) {
		archive.dropped++;
		return;
	}
	archive.keys[i] = k;
	struct lw__graph_copy_edge *c = &archive.e[archive.n++];
	copy_out(c, e);
	c->key = k;
	/* the records it names: read through the kernel when destroyed */
	lw__record_at(e->from)->archived = lw__record_at(e->to)->archived = 1;
	for (int g = 0; g < LW__MAX_GATES; g++)
		if (c->gate_rec[g])
			lw__record_at(c->gate_rec[g]->index)->archived = 1;
}

/* Lock l's memory is gone (dlclose): its name and header site may point
 * into the unloaded library, and another library may be mapped at its
 * address, so no archived edge may name it any more. Graph lock held. */
static void archive_purge(struct lw__lock *l)
{
	l->archived = 0;
	size_t k = 0;
	for (size_t i = 0; i < archive.n; i++) {
		const struct lw__graph_copy_edge *c = &archive.e[i];
		int gate = 0;
		for (int g = 0; g < LW__MAX_GATES; g++)
			gate |= c->gate_rec[g] == l;
		if (c->from == l || c->to == l || gate)
			continue;
		archive.e[k++] = *c;
	}
	if (k == archive.n)
		return;
	archive.n = k;
	memset(archive.keys, 0, sizeof(archive.keys));
	for (size_t i = 0; i < archive.n; i++) {
		size_t j = (size_t)(archive.e[i].key >> 1) & (2 * ARCHIVE_MAX - 1);
		while (archive.keys[j])
			j = (j + 1) & (2 * ARCHIVE_MAX - 1);
		archive.keys[j] = archive.e[i].key;
	}
}

struct copy_state {
	struct lw__graph_copy_edge *out;
	size_t max, n;
};

static void copy_one(struct lw__edge *e, void *arg)
{
	struct copy_state *st = arg;
	if (st->n < st->max)
		copy_out(&st->out[st->n], e);
	st->n++;
}

size_t lw__graph_copy(struct lw__graph_copy_edge *out, size_t max, size_t *total)
{
	struct copy_state st = { out, max, 0 };
	LOCK();
	for (size_t i = 0; i < archive.n; i++, st.n++)
		if (st.n < max)
			out[st.n] = archive.e[i];
	lw__edge_each(copy_one, &st);
	size_t dropped = archive.dropped; /* never copied: counted in *total only */
	UNLOCK();
	*total = st.n + dropped;
	return st.n < max ? st.n : max;
}

void lw__graph_forget(struct lw__lock *l, int mapped)
{
	/* the archive is mapped here, before the graph lock (a racy look at
	 * the lists: at worst one lock's edges are not archived) */
	if (!lw__load_acq(&archive.e) && (lw__load(&l->out) || lw__load(&l->in))) {
		void *p = lw__os_map(ARCHIVE_MAX * sizeof(*archive.e), 0);
		LOCK();
		if (p && !archive.e) {
			archive.e = p;
			p = NULL;
		}
		UNLOCK();
		if (p)
			munmap(p, ARCHIVE_MAX * sizeof(*archive.e));
	}
	/* a lock whose memory is unmapped (dlclose) is not archived, and no
	 * archived edge keeps it (its strings may be gone with the library).
	 * Memory not known to be there is read through the kernel (two system
	 * calls) only for a lock with edges or archived ones */
again:
	LOCK();
	if (mapped < 0 && (l->out || l->in || l->archived)) {
		UNLOCK();
		mapped = lock_memory_mapped(l);
		goto again;
	}
	if (!mapped && l->archived)
		archive_purge(l);
	while (l->out) {
		if (mapped)
			archive_edge(lw__edge_at(l->out));
		lw__graph_drop_edge(l->out);
	}
	while (l->in) {
		if (mapped)
			archive_edge(lw__edge_at(l->in));
		lw__graph_drop_edge(l->in);
	}
	UNLOCK();
}

