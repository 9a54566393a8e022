/* stats_table.c - option stats: at exit, the top N locks by total
 * contended wait, as a table in the log and as one JSON line
 * {"stats": [...]} (see stats.h for the counters). Each row has the lock's
 * id (names of unnamed locks in a stripped program can repeat), and the
 * wait of contended acquisitions apart from the cost of the calls that
 * found the lock free. */
#include "stats_table.h"
#include "mem.h"
#include "sort.h"
#include "buf.h"
#include "grow.h"
#include "name.h"
#include "options.h"
#include "out.h"
#include "stats.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct row {
	const struct lw__lock *l;
	struct lw__stats s;
};

static struct row *rows;
static size_t n_rows, cap_rows;

static void collect(struct lw__lock *l, void *arg)
{
	(void)arg;
	struct lw__stats *st = lw__lock_stats(l);
	if (!st || !lw__load(&st->acquisitions))
		return;
	if (lw__grow(&rows, &cap_rows, n_rows, sizeof(*rows), 64) < 0)
		return;
	rows[n_rows].l = l;
	rows[n_rows].s = *st;
	n_rows++;
}

static int by_wait(const void *a, const void *b)
{
	uint64_t x = ((const struct row *)a)->s.wait_ns, y = ((const struct row *)b)->s.wait_ns;
	return x < y ? 1 : x > y ? -1 : 0;
}

#define MS(ns) ((double)(ns) / 1e6)

void lw__stats_report(void)
{
	if (!lw__opt.stats)
		return;
	n_rows = 0;
	lw__lock_each(collect, NULL);
	lw__sort(rows, n_rows, sizeof(*rows), by_wait);
	size_t n = n_rows < (size_t)lw__opt.stats ? n_rows : (size_t)lw__opt.stats;
	struct lw__buf text = { 0 }, json = { 0 };
	lw__buf_printf(&text, "lockwatch: lock statistics, top %zu of %zu locks by contended wait:\n"
			      "  %6s %-28s %10s %10s %11s %10s %11s %11s %10s\n", n, n_rows, "id",
		       "lock", "acquired", "contended", "wait ms", "max wait", "free ms", "hold ms",
		       "max hold");
	lw__buf_printf(&json, "{\"stats\":[");
	for (size_t i = 0; i < n; i++) {
		char name[256], cls[256];
		const struct lw__stats *s = &rows[i].s;
		lw__lock_describe(rows[i].l, name, sizeof(name), cls, sizeof(cls));
		lw__buf_printf(&text, "  %6u %-28s %10llu %10llu %11.3f %10.3f %11.3f %11.3f %10.3f\n",
			       rows[i].l->id, name, (unsigned long long)s->acquisitions,
			       (unsigned long long)s->contended, MS(s->wait_ns), MS(s->wait_max_ns),
			       MS(s->uncontended_ns), MS(s->hold_ns), MS(s->hold_max_ns));
		lw__buf_printf(&json, "%s{\"name\":", i ? "," : "");
		lw__buf_json_str(&json, name);
		lw__buf_printf(&json, ",\"class\":");
		lw__buf_json_str(&json, cls);
		lw__buf_printf(&json, ",\"kind\":\"%s\",\"acquisitions\":%llu,\"contended\":%llu,"
				      "\"wait_ms\":%.3f,\"wait_max_ms\":%.3f,\"hold_ms\":%.3f,"
				      "\"hold_max_ms\":%.3f,\"id\":%u,\"uncontended_ms\":%.3f}",
			       lw__lock_kind_name(rows[i].l->kind), (unsigned long long)s->acquisitions,
			       (unsigned long long)s->contended, MS(s->wait_ns), MS(s->wait_max_ns),
			       MS(s->hold_ns), MS(s->hold_max_ns), rows[i].l->id,
			       MS(s->uncontended_ns));
	}
	lw__buf_printf(&json, "],\"pid\":%d}\n", (int)getpid());
	if (text.p)
		lw__out_log(text.p, text.len);
	if (json.p)
		lw__out_json(json.p, json.len);
	lw__mem_free(text.p);
	lw__mem_free(json.p);
}
