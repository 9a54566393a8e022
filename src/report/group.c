/* group.c - report groups (see group.h): one bug shape over many locks
 * makes one report. A group is found by its kind and shape key in a map;
 * the groups with instances not yet summarised are on a list, so that a
 * summary pass walks only those. A summary is one text block for the
 * log, not a report: it is not counted, the JSON already has every
 * instance. All of it runs under the report mutex (emit.c). */
#include "group.h"
#include "mem.h"
#include "map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUMMARY_MS 1000  /* a group's summaries at most once a second */
#define N_EXAMPLES 3     /* instances a summary names */
#define LINE_MAX_LEN 200 /* of a headline kept for a summary */

struct lw__group {
	uint64_t key;               /* the map's key (kind folded in) */
	lw_kind_t kind;
	lw_severity_t sev;
	unsigned id;
	unsigned long n;            /* instances, the report included */
	unsigned long summarised;   /* instances the report and summaries covered */
	uint64_t printed_ms;        /* when the report or last summary was printed */
	char headline[LINE_MAX_LEN]; /* the report's */
	char examples[N_EXAMPLES][LINE_MAX_LEN]; /* the first pending instances */
	struct lw__group *next_pending, *next_all;
	int on_pending;
};

static struct lw__map by_key = { .exclusive = 1 };
static struct lw__group *all, *pending;
static unsigned last_id;
static int n_pending;

static uint64_t map_key(lw_kind_t kind, uint64_t key)
{
	return (key ^ ((uint64_t)(kind + 1) * 0x9E3779B97F4A7C15ull)) | 1;
}

static void copy_line(char *dst, const char *s)
{
	snprintf(dst, LINE_MAX_LEN, "%s", s ? s : "?");
}

struct lw__group *lw__group_find(lw_kind_t kind, uint64_t key)
{
	return lw__map_get(&by_key, map_key(kind, key));
}

struct lw__group *lw__group_new(lw_kind_t kind, lw_severity_t sev, uint64_t key,
				const char *headline, uint64_t now_ms)
{
	struct lw__group *g = lw__mem_calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->key = map_key(kind, key);
	if (lw__map_put(&by_key, g->key, g) < 0) {
		lw__mem_free(g);
		return NULL;
	}
	g->kind = kind;
	g->sev = sev;
	g->id = ++last_id;
	g->n = g->summarised = 1;
	g->printed_ms = now_ms;
	copy_line(g->headline, headline);
	g->next_all = all;
	all = g;
	return g;
}

unsigned lw__group_id(const struct lw__group *g)
{
	return g->id;
}

unsigned long lw__group_add(struct lw__group *g, const char *headline)
{
	unsigned long k = g->n - g->summarised;
	if (k < N_EXAMPLES)
		copy_line(g->examples[k], headline);
	if (!g->on_pending) {
		g->on_pending = 1;
		g->next_pending = pending;
		pending = g;
		lw__store(&n_pending, n_pending + 1);
	}
	return ++g->n;
}

int lw__group_pending(void)
{
	return lw__load(&n_pending) != 0;
}

static const char *noun(lw_kind_t kind, int plural)
{
	switch (kind) {
	case LW_LOCK_ORDER_CYCLE: return plural ? "lock-order cycles" : "lock-order cycle";
	case LW_LONG_HOLD: return plural ? "long holds" : "long hold";
	case LW_LONG_WAIT: return plural ? "long waits" : "long wait";
	default: return plural ? "reports" : "report";
	}
}

/* What makes two of a kind the same shape, in words. */
static const char *shape(lw_kind_t kind)
{
	if (kind == LW_LOCK_ORDER_CYCLE)
		return "the same acquisition stacks, lock kinds and variables";
	return "the same stack, lock kind and variable, in one burst";
}

/*   lockwatch: 989 more lock-order cycles like "HEADLINE" (group 1: the
 *   same ..., other locks), 990 in all, every one in the JSON; such as:
 *       EXAMPLE
 *       ...                                                       */
static void summary(struct lw__buf *b, struct lw__group *g)
{
	unsigned long more = g->n - g->summarised;
	lw__buf_printf(b, "lockwatch: %lu more %s like \"%s\" (group %u: %s, other locks), "
		       "%lu in all, every one in the JSON; such as:\n",
		       more, noun(g->kind, more != 1), g->headline, g->id, shape(g->kind), g->n);
	for (unsigned long k = 0; k < more && k < N_EXAMPLES; k++)
		lw__buf_printf(b, "    %s\n", g->examples[k]);
	if (more > N_EXAMPLES)
		lw__buf_puts(b, "    ...\n");
	lw__buf_puts(b, "\n");
	g->summarised = g->n;
}

/* Take g off the pending list (p: the link that points at it). */
static void unlist(struct lw__group **p, struct lw__group *g)
{
	*p = g->next_pending;
	g->next_pending = NULL;
	g->on_pending = 0;
	lw__store(&n_pending, n_pending - 1);
}

void lw__group_summaries(struct lw__buf *b, int all_due, uint64_t now_ms)
{
	for (struct lw__group **p = &pending; *p;) {
		struct lw__group *g = *p;
		if (!all_due && now_ms - g->printed_ms < SUMMARY_MS) {
			p = &g->next_pending;
			continue;
		}
		summary(b, g);
		g->printed_ms = now_ms;
		unlist(p, g);
	}
}

void lw__group_end(lw_kind_t kind, uint64_t key, struct lw__buf *b)
{
	struct lw__group *g = lw__group_find(kind, key);
	if (!g)
		return;
	for (struct lw__group **p = &pending; *p; p = &(*p)->next_pending)
		if (*p == g) {
			summary(b, g);
			unlist(p, g);
			break;
		}
	lw__map_put(&by_key, g->key, NULL);
	for (struct lw__group **p = &all; *p; p = &(*p)->next_all)
		if (*p == g) {
			*p = g->next_all;
			break;
		}
	lw__mem_free(g);
}

void lw__group_atfork_child(void)
{
	while (all) {
		struct lw__group *g = all;
		all = g->next_all;
		lw__map_put(&by_key, g->key, NULL);
		lw__mem_free(g);
	}
	pending = NULL;
	n_pending = 0;
}
