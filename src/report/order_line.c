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
 * one class (hand-over-hand locking of list nodes) is left out. At most
 * lw__opt.edges class edges are written, in a stable order; "dropped"
 * counts the rest, and the instance edges not copied. */
#include "order_line.h"
#include "buf.h"
#include "graph.h"
#include "hash.h"
#include "map.h"
#include "name.h"
#include "options.h"
#include "out.h"
#include "report.h"
#include "stack.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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

static int last_pid; /* the process that wrote its line (a forked child writes its own) */

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

void lw__order_line_write(void)
{
	int pid = (int)getpid();
	if (lw__opt.edges <= 0 || __atomic_exchange_n(&last_pid, pid, __ATOMIC_ACQ_REL) == pid)
		return;

	/* copy the graph out, into room allocated before its lock */
	size_t total = 0, n = 0, room;
	struct lw__graph_copy_edge *raw = NULL;
	lw__graph_copy(NULL, 0, &total);
	for (int tries = 0; tries < 3; tries++) {
		room = total + total / 8 + 16;
		free(raw);
		raw = malloc(room * sizeof(*raw));
		if (!raw)
			return;
		n = lw__graph_copy(raw, room, &total);
		if (n < room)
			break; /* every edge there is fits (the rest of total: archive drops) */
	}
	if (n == 0) {
		free(raw);
		return;
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
	size_t max = (size_t)lw__opt.edges, shown = st.n_e < max ? st.n_e : max;
	struct lw__buf b = { 0, 0, 0 };
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	lw__buf_puts(&b, "{\"edges\":[");
	for (size_t i = 0; i < shown; i++) {
		if (i)
			lw__buf_puts(&b, ",");
		put_edge(&b, &st, &st.e[i]);
	}
	lw__buf_printf(&b, "],\"dropped\":%zu,\"pid\":%d,\"time_ms\":%llu",
		       (st.n_e - shown) + (total - n), (int)getpid(),
		       (unsigned long long)ts.tv_sec * 1000ull +
			       (unsigned long long)ts.tv_nsec / 1000000ull);
	put_process(&b);
	lw__buf_puts(&b, "}\n");
	if (b.p && shown)
		lw__out_json(b.p, b.len);
	free(b.p);
	free(st.cls);
	free(st.cls_slot);
	free(st.rec_key);
	free(st.rec_cls);
	free(st.e);
	free(st.e_slot);
	free(raw);
}
