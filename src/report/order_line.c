/* order_line.c - option edges: the process's lock-order graph by lock
 * class, as one more JSON line, for `lockwatch report` to merge the
 * graphs of many processes (see order_line.h).
 *
 * The graph's edges are copied out under the graph lock into memory
 * allocated before it (model/graph_copy.c: lw__graph_copy), then, with no
 * lockwatch lock held, they are made a graph by lock class
 * (order_class.c), and the line is formatted and written with one
 * write(2).
 * A line is written when a report is made (report/emit.c), at exit and
 * before lockwatch ends the process, each time only when the graph
 * changed (lw__graph_generation) and only with the class edges that were
 * not written before as they are now (order_written.c): a later line adds
 * to the earlier ones, and two threads writing at once never write one
 * edge twice. At most lw__opt.edges class edges are written in all, each
 * line's in a stable order; "dropped" counts those of the graph left out
 * for that bound, and the instance edges not copied. The copy is made in
 * a lock reader's section, so no record it names is reused meanwhile. */
#include "order_line.h"
#include "symbols.h"
#include "mem.h"
#include "order_class.h"
#include "order_written.h"
#include "process.h"
#include "buf.h"
#include "graph.h"
#include "lock.h"
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

static void put_lock(struct lw__buf *b, const struct lw__order_class *c)
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
	struct lw__frame_info x[LW__STACK_MAX];
	lw_stack_t s = { lw__report_depot_frames(id, f, x, 1), f };
	lw__report_json_stack(&s, x, b);
}

#define TF(x) ((x) ? "true" : "false")

static void put_edge(struct lw__buf *b, const struct lw__order_graph *st,
		     const struct lw__order_edge *x)
{
	const struct lw__edge_info *in = &x->first->info;
	lw__buf_puts(b, "{\"from\":");
	put_lock(b, &st->cls[x->from]);
	lw__buf_puts(b, ",\"to\":");
	put_lock(b, &st->cls[x->to]);
	lw__buf_printf(b, ",\"thread\":{\"tid\":%d,\"name\":", in->tid);
	lw__buf_json_str(b, in->thread_name);
	lw__buf_printf(b, "},\"from_read\":%s,\"to_read\":%s,\"from_timed\":%s,\"to_timed\":%s,"
			  "\"to_fresh\":%s,\"gates\":[",
		       TF(x->from_read), TF(x->to_read), TF(x->from_timed), TF(x->to_timed),
		       TF(x->to_fresh));
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

/* Copy the graph out, into room allocated before its lock: returns how
 * many edges were copied into *rawp (lw__mem_alloc'd; NULL when out of memory)
 * and sets *total to how many there were. */
static size_t copy_graph(struct lw__graph_copy_edge **rawp, size_t *total)
{
	size_t n = 0, room;
	struct lw__graph_copy_edge *raw = NULL;
	lw__graph_copy(NULL, 0, total);
	for (int tries = 0; tries < 3; tries++) {
		room = *total + *total / 8 + 16;
		lw__mem_free(raw);
		raw = lw__mem_alloc(room * sizeof(*raw));
		if (!raw)
			break;
		n = lw__graph_copy(raw, room, total);
		if (n < room)
			break; /* every edge there is fits (the rest of total: archive drops) */
	}
	*rawp = raw;
	return n;
}

/* Write the line: the class edges of st marked in put[] (shown of them;
 * none: nothing is written) and how many were dropped. */
static void write_line(const struct lw__order_graph *st, const uint8_t *put, size_t shown,
		       size_t dropped, int pid)
{
	struct lw__buf b = { 0, 0, 0 };
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	lw__buf_puts(&b, "{\"edges\":[");
	for (size_t i = 0, k = 0; shown && i < st->n_e; i++) {
		if (!put[i])
			continue;
		if (k++)
			lw__buf_puts(&b, ",");
		put_edge(&b, st, &st->e[i]);
	}
	lw__buf_printf(&b, "],\"dropped\":%zu,\"pid\":%d,\"time_ms\":%llu", dropped,
		       pid,
		       (unsigned long long)ts.tv_sec * 1000ull +
			       (unsigned long long)ts.tv_nsec / 1000000ull);
	lw__put_process(&b, pid, 1);
	put_image(&b);
	lw__buf_puts(&b, "}\n");
	if (b.p && shown)
		lw__out_json(b.p, b.len);
	lw__mem_free(b.p);
}

void lw__order_line_write(void)
{
	int pid = (int)getpid();
	if (lw__opt.edges <= 0)
		return;
	uint64_t gen = lw__graph_generation();
	if (lw__order_written_already(gen, pid, 0))
		return;

	/* no lock record is reused while the copy names them */
	lw__lock_read_begin();
	size_t total = 0;
	struct lw__graph_copy_edge *raw = NULL;
	size_t n = copy_graph(&raw, &total);
	if (!raw)
		goto out;
	if (n == 0) {
		lw__order_written_already(gen, pid, 1);
		goto out;
	}

	struct lw__order_graph st;
	lw__order_graph_build(&st, raw, n);
	/* only the class edges this process has not written yet, each as it
	 * is now: the lines of one process are one graph, their union */
	uint64_t *keys = st.n_e ? lw__mem_alloc(st.n_e * sizeof(*keys)) : NULL;
	uint8_t *put = st.n_e ? lw__mem_alloc(st.n_e) : NULL;
	size_t over = 0, shown = 0;
	if (keys && put) {
		for (size_t i = 0; i < st.n_e; i++)
			keys[i] = lw__order_edge_key(&st, &st.e[i]);
		shown = lw__order_written_choose(keys, put, st.n_e, gen, pid, &over);
	} else if (!st.n_e) {
		lw__order_written_already(gen, pid, 1);
	}
	write_line(&st, put, shown, over + (total - n), pid);
	lw__mem_free(keys);
	lw__mem_free(put);
	lw__order_graph_free(&st);
out:
	lw__mem_free(raw);
	lw__lock_read_end();
}
