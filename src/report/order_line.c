/* order_line.c - option edges: the process's lock-order graph by lock
 * class, as one more JSON line, for `lockwatch report` to merge the
 * graphs of many processes (see order_line.h).
 *
 * The graph's edges are copied out under the graph lock into memory
 * allocated before it (model/graph.c: lw__graph_copy), then, with no
 * lockwatch lock held, each lock is named (report/name.c: its class is the
 * symbol, else the user's name, else the file:line of its site; stable
 * across runs), the edges between two instances of the same two classes
 * are merged into one class edge the way the graph merges sightings (a
 * side stays read or timed only when every instance edge had it so; the
 * gates are those held on every one; the thread and stacks shown are the
 * first, or of the sighting that made it more dangerous), and the line is
 * formatted and written with one write(2). An edge between two locks of
 * one class (hand-over-hand locking of list nodes) is left out.
 * A line is written when a report is made (report/emit.c), at exit and
 * before lockwatch ends the process, each time only when the graph
 * changed (lw__graph_generation) and only with the class edges that were
 * not written before as they are now (a key of classes, flags and gates,
 * kept in a table of this process's): a later line adds to the earlier
 * ones, and two threads writing at once never write one edge twice. At
 * most lw__opt.edges class edges are written in all, each line's in a
 * stable order; "dropped" counts those of the graph left out for that
 * bound, and the instance edges not copied. The copy is made in a lock
 * reader's section, so no record it names is reused meanwhile. */
#include "order_line.h"
#include "buf.h"
#include "graph.h"
#include "hash.h"
#include "lock.h"
#include "map.h"
#include "mutex.h"
#include "name.h"
#include "options.h"
#include "out.h"
#include "report.h"
#include "stack.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <time.h>
#include <unistd.h>

#define NAME_LEN 256

struct cls {
	const struct lw__lock *rec;
	char name[NAME_LEN], cls[NAME_LEN];
	int writer_pref;
};

struct cedge {
	int from, to;             /* indexes into the class table */
	const struct lw__graph_copy_edge *first; /* the sighting shown */
	uint8_t from_read, to_read, from_timed, to_timed;
	int n_gates;
	int gates[LW__MAX_GATES]; /* class indexes held on every instance */
	unsigned instances;
};

struct line_state {
	struct cls *cls;       /* one per distinct class name */
	size_t n_cls, cap_cls;
	int *cls_slot;         /* class text -> index + 1 (open addressing) */
	size_t cls_mask;
	/* record -> class index (open addressing on the record pointer) */
	const struct lw__lock **rec_key;
	int *rec_cls;
	size_t rec_mask, n_rec; /* never filled beyond half */
	struct cedge *e;
	size_t n_e, cap_e;
	size_t *e_slot;        /* (from, to) -> edge index + 1 */
	size_t e_mask;
};

struct lw__mutex lw__order_line_mu = LW__MUTEX_INIT;

/* What this process wrote in its lines so far (lw__order_line_mu; held
 * only to look up and insert keys in memory allocated before). */
static struct {
	int pid;          /* whose (a forked child starts afresh) */
	int have_gen;
	uint64_t gen;     /* the graph generation last written */
	uint64_t *keys;   /* edge_key of each class edge written; 0: empty */
	size_t mask, n;   /* never filled beyond half */
} written;

static int grow(void **p, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 64;
	void *q = realloc(*p, nc * sz);
	if (!q)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

/* The class index of lock record l (naming it the first time), or -1.
 * writer_pref: l is a rwlock that prefers writers (read when copied). */
static int class_of(struct line_state *st, const struct lw__lock *l, int writer_pref)
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
	char name[NAME_LEN], cls[NAME_LEN];
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
		struct cls *x = &st->cls[st->n_cls];
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
static void merge(struct cedge *x, const struct lw__graph_copy_edge *g, const int *gates,
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
	if (worse)
		x->first = g;
	x->instances++;
}

static void add(struct line_state *st, const struct lw__graph_copy_edge *g)
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
		struct cedge *x = &st->e[st->e_slot[i] - 1];
		if (x->from == a && x->to == b) {
			merge(x, g, gates, n_gates);
			return;
		}
		i = (i + 1) & st->e_mask;
	}
	if (grow((void **)&st->e, &st->cap_e, st->n_e, sizeof(*st->e)) < 0)
		return;
	struct cedge *x = &st->e[st->n_e];
	memset(x, 0, sizeof(*x));
	x->from = a;
	x->to = b;
	x->first = g;
	x->from_read = g->info.from_read;
	x->to_read = g->info.to_read;
	x->from_timed = g->info.from_timed;
	x->to_timed = g->info.to_timed;
	x->n_gates = n_gates;
	memcpy(x->gates, gates, sizeof(gates));
	x->instances = 1;
	st->e_slot[i] = ++st->n_e;
}

static const struct line_state *sort_st;

static int by_classes(const void *p, const void *q)
{
	const struct cedge *x = p, *y = q;
	int c = strcmp(sort_st->cls[x->from].cls, sort_st->cls[y->from].cls);
	return c ? c : strcmp(sort_st->cls[x->to].cls, sort_st->cls[y->to].cls);
}

static void put_lock(struct lw__buf *b, const struct cls *c)
{
	lw__buf_puts(b, "{\"class\":");
	lw__buf_json_str(b, c->cls);
	lw__buf_puts(b, ",\"name\":");
	lw__buf_json_str(b, c->name);
	lw__buf_printf(b, ",\"kind\":\"%s\",\"prefers_writers\":%s}",
		       lw__lock_kind_name(c->rec->kind), c->writer_pref ? "true" : "false");
}

static void put_stack(struct lw__buf *b, uint32_t id)
{
	lw_frame_t f[LW__STACK_MAX];
	lw_stack_t s = { lw__report_depot_frames(id, f, 1), f };
	lw__report_json_stack(&s, b);
}

#define TF(x) ((x) ? "true" : "false")

static void put_edge(struct lw__buf *b, const struct line_state *st, const struct cedge *x)
{
	const struct lw__edge_info *in = &x->first->info;
	lw__buf_puts(b, "{\"from\":");
	put_lock(b, &st->cls[x->from]);
	lw__buf_puts(b, ",\"to\":");
	put_lock(b, &st->cls[x->to]);
	lw__buf_printf(b, ",\"thread\":{\"tid\":%d,\"name\":", in->tid);
	lw__buf_json_str(b, in->thread_name);
	lw__buf_printf(b, "},\"from_read\":%s,\"to_read\":%s,\"from_timed\":%s,\"to_timed\":%s,"
			  "\"gates\":[",
		       TF(x->from_read), TF(x->to_read), TF(x->from_timed), TF(x->to_timed));
	for (int k = 0; k < x->n_gates; k++) {
		if (k)
			lw__buf_puts(b, ",");
		lw__buf_json_str(b, st->cls[x->gates[k]].cls);
	}
	lw__buf_printf(b, "],\"instances\":%u,\"from_stack\":", x->instances);
	put_stack(b, in->from_stack);
	lw__buf_puts(b, ",\"to_stack\":");
	put_stack(b, in->to_stack);
	lw__buf_puts(b, "}");
}

/* ,"exe":..,"argv":[..] of this process (null when unreadable). */
static void put_process(struct lw__buf *b)
{
	char exe[4096], args[8192];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	lw__buf_puts(b, ",\"exe\":");
	if (n > 0) {
		exe[n] = 0;
		lw__buf_json_str(b, exe);
	} else {
		lw__buf_puts(b, "null");
	}
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, args, sizeof(args) - 1) : -1;
	if (fd >= 0)
		close(fd);
	lw__buf_puts(b, ",\"argv\":");
	if (n <= 0) {
		lw__buf_puts(b, "null");
		return;
	}
	args[n] = 0;
	lw__buf_puts(b, "[");
	for (char *p = args; p < args + n; p += strlen(p) + 1) {
		if (p != args)
			lw__buf_puts(b, ",");
		lw__buf_json_str(b, p);
	}
	lw__buf_puts(b, "]");
}

/* ,"image":"HEX": this process image (the kernel's random bytes for it,
 * new at each exec: an exec'd program keeps the pid, not the image). */
static void put_image(struct lw__buf *b)
{
	const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
	unsigned long long v = 0;
	for (int i = 0; r && i < 8; i++)
		v = v << 8 | r[i];
	lw__buf_printf(b, ",\"image\":\"%016llx\"", v);
}

/* A class edge as written: its classes, flags and gates (a later line
 * writes the edge again only when one of them changed). Never 0. */
static uint64_t edge_key(const struct line_state *st, const struct cedge *x)
{
	uint64_t h = lw__fnv_str(st->cls[x->from].cls, NAME_LEN);
	h = lw__fnv_word(h * 31 ^ lw__fnv_str(st->cls[x->to].cls, NAME_LEN),
			 (uint32_t)(x->from_read | x->to_read << 1 | x->from_timed << 2 |
				    x->to_timed << 3));
	uint64_t g = 0; /* the gates as a set: their order does not matter */
	for (int k = 0; k < x->n_gates; k++)
		g += lw__fnv_str(st->cls[x->gates[k]].cls, NAME_LEN) * 0x9E3779B97F4A7C15ull;
	return (h ^ g) | 1;
}

/* Under lw__order_line_mu: forget what an earlier process wrote (this is
 * a forked child, or the first line). */
static void written_for(int pid)
{
	if (written.pid == pid)
		return;
	written.pid = pid;
	written.n = 0;
	written.have_gen = 0;
	if (written.keys)
		memset(written.keys, 0, (written.mask + 1) * sizeof(*written.keys));
}

/* Under lw__order_line_mu, with room for key: 1 when it was not written
 * before (and now is). */
static int written_add(uint64_t key)
{
	size_t i = (size_t)(key >> 1) & written.mask;
	while (written.keys[i] && written.keys[i] != key)
		i = (i + 1) & written.mask;
	if (written.keys[i])
		return 0;
	written.keys[i] = key;
	written.n++;
	return 1;
}

/* Mark in put[] which of the n class edges (keys[]) go into this line:
 * those not written before, while fewer than lw__opt.edges were; returns
 * how many, *over those left out for the bound. The table of written keys
 * grows outside the lock (into memory allocated before taking it). */
static size_t choose(const uint64_t *keys, uint8_t *put, size_t n, uint64_t gen, int pid,
		     size_t *over)
{
	uint64_t *fresh = NULL;
	size_t fresh_mask = 0, n_put = 0;
	*over = 0;
	for (;;) {
		lw__mutex_lock(&lw__order_line_mu);
		written_for(pid);
		size_t need = written.n + n;
		if (written.keys && 2 * (need + 1) <= written.mask + 1)
			break;
		if (fresh && 2 * (need + 1) <= fresh_mask + 1) {
			for (size_t i = 0; written.keys && i <= written.mask; i++)
				if (written.keys[i]) {
					size_t j = (size_t)(written.keys[i] >> 1) & fresh_mask;
					while (fresh[j])
						j = (j + 1) & fresh_mask;
					fresh[j] = written.keys[i];
				}
			uint64_t *old = written.keys;
			written.keys = fresh;
			written.mask = fresh_mask;
			fresh = old; /* freed below, outside the lock */
			break;
		}
		lw__mutex_unlock(&lw__order_line_mu);
		free(fresh);
		size_t slots = 64;
		while (slots < 4 * (need + 1))
			slots *= 2;
		fresh = calloc(slots, sizeof(*fresh));
		fresh_mask = slots - 1;
		if (!fresh)
			return 0;
	}
	for (size_t i = 0; i < n; i++) {
		put[i] = 0;
		if (written.n >= (size_t)lw__opt.edges) {
			/* the bound: only what was never written counts as left out */
			size_t j = (size_t)(keys[i] >> 1) & written.mask;
			while (written.keys[j] && written.keys[j] != keys[i])
				j = (j + 1) & written.mask;
			*over += !written.keys[j];
			continue;
		}
		put[i] = (uint8_t)written_add(keys[i]);
		n_put += put[i];
	}
	written.gen = gen;
	written.have_gen = 1;
	lw__mutex_unlock(&lw__order_line_mu);
	free(fresh);
	return n_put;
}

/* Has this process written the graph as it is now already? With mark:
 * record that it has (a graph with no class edge has nothing to write). */
static int written_already(uint64_t gen, int pid, int mark)
{
	lw__mutex_lock(&lw__order_line_mu);
	written_for(pid);
	int same = written.have_gen && written.gen == gen;
	if (mark) {
		written.gen = gen;
		written.have_gen = 1;
	}
	lw__mutex_unlock(&lw__order_line_mu);
	return same;
}

static void free_state(struct line_state *st)
{
	free(st->cls);
	free(st->cls_slot);
	free(st->rec_key);
	free(st->rec_cls);
	free(st->e);
	free(st->e_slot);
}

void lw__order_line_write(void)
{
	int pid = (int)getpid();
	if (lw__opt.edges <= 0)
		return;
	uint64_t gen = lw__graph_generation();
	if (written_already(gen, pid, 0))
		return;

	/* no lock record is reused while the copy names them */
	lw__lock_read_begin();
	/* copy the graph out, into room allocated before its lock */
	size_t total = 0, n = 0, room;
	struct lw__graph_copy_edge *raw = NULL;
	lw__graph_copy(NULL, 0, &total);
	for (int tries = 0; tries < 3; tries++) {
		room = total + total / 8 + 16;
		free(raw);
		raw = malloc(room * sizeof(*raw));
		if (!raw)
			goto out;
		n = lw__graph_copy(raw, room, &total);
		if (n < room)
			break; /* every edge there is fits (the rest of total: archive drops) */
	}
	if (n == 0) {
		written_already(gen, pid, 1);
		goto out;
	}

	struct line_state st;
	memset(&st, 0, sizeof(st));
	size_t slots = 64;
	while (slots < 2 * (n + 1))
		slots *= 2;
	st.rec_key = calloc(2 * slots, sizeof(*st.rec_key));
	st.cls_slot = calloc(2 * slots, sizeof(*st.cls_slot)); /* a class per record at most */
	st.cls_mask = 2 * slots - 1;
	st.rec_cls = calloc(2 * slots, sizeof(*st.rec_cls));
	st.e_slot = calloc(slots, sizeof(*st.e_slot));
	st.rec_mask = 2 * slots - 1; /* up to two records per instance edge */
	st.e_mask = slots - 1;
	if (st.rec_key && st.rec_cls && st.e_slot && st.cls_slot)
		for (size_t i = 0; i < n; i++)
			add(&st, &raw[i]);

	sort_st = &st;
	if (st.n_e)
		qsort(st.e, st.n_e, sizeof(*st.e), by_classes);
	/* only the class edges this process has not written yet, each as it
	 * is now: the lines of one process are one graph, their union */
	uint64_t *keys = st.n_e ? malloc(st.n_e * sizeof(*keys)) : NULL;
	uint8_t *put = st.n_e ? malloc(st.n_e) : NULL;
	size_t over = 0, shown = 0;
	if (keys && put) {
		for (size_t i = 0; i < st.n_e; i++)
			keys[i] = edge_key(&st, &st.e[i]);
		shown = choose(keys, put, st.n_e, gen, pid, &over);
	} else if (!st.n_e) {
		written_already(gen, pid, 1);
	}
	struct lw__buf b = { 0, 0, 0 };
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	lw__buf_puts(&b, "{\"edges\":[");
	for (size_t i = 0, k = 0; shown && i < st.n_e; i++) {
		if (!put[i])
			continue;
		if (k++)
			lw__buf_puts(&b, ",");
		put_edge(&b, &st, &st.e[i]);
	}
	lw__buf_printf(&b, "],\"dropped\":%zu,\"pid\":%d,\"time_ms\":%llu", over + (total - n),
		       pid,
		       (unsigned long long)ts.tv_sec * 1000ull +
			       (unsigned long long)ts.tv_nsec / 1000000ull);
	put_process(&b);
	put_image(&b);
	lw__buf_puts(&b, "}\n");
	if (b.p && shown)
		lw__out_json(b.p, b.len);
	free(b.p);
	free(keys);
	free(put);
	free_state(&st);
out:
	free(raw);
	lw__lock_read_end();
}
