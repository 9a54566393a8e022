/* order_written.c - what this process wrote in its lock-order lines (see
 * order_written.h): the graph generation last written, and a key per
 * class edge written (its classes, flags and gates), in a table that
 * grows outside the lock into memory allocated before taking it; at most
 * lw__opt.edges class edges are written in all. */
#include "order_written.h"
#include "mem.h"
#include "order_line.h"
#include "mutex.h"
#include "options.h"

#include <stdlib.h>
#include <string.h>

struct lw__mutex lw__order_line_mu = LW__MUTEX_INIT;

/* What this process wrote in its lines so far (lw__order_line_mu; held
 * only to look up and insert keys in memory allocated before). */
static struct {
	int pid;          /* whose (a forked child starts afresh) */
	int have_gen;
	uint64_t gen;     /* the graph generation last written */
	uint64_t *keys;   /* lw__order_edge_key of each class edge written; 0: empty */
	size_t mask, n;   /* never filled beyond half */
} written;

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
size_t lw__order_written_choose(const uint64_t *keys, uint8_t *put, size_t n, uint64_t gen,
				int pid, size_t *over)
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
		lw__mem_free(fresh);
		size_t slots = 64;
		while (slots < 4 * (need + 1))
			slots *= 2;
		fresh = lw__mem_calloc(slots, sizeof(*fresh));
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
	lw__mem_free(fresh);
	return n_put;
}

int lw__order_written_already(uint64_t gen, int pid, int mark)
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
