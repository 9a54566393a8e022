/* tables.c - unit test of the two lookup tables behind the order check's
 * slow path: the validated chains (src/model/chains.h: every key added is
 * found with its last stack id, through many growths; keys never added are
 * not found) and the edge hash of the graph (src/model/edge.h: every
 * indexed pair is found, a reversed or unindexed pair is not, removal
 * leaves the other edges of the bucket, freed edges are reused, zeroed;
 * an edge's gate block holds its gates, goes with it and is reused). */
#include "unit.h"

#include "chains.h"
#include "edge.h"
#include "lock.h"

static uint64_t key_of(size_t i)
{
	return ((uint64_t)(i + 1) * 0x9E3779B97F4A7C15ull) | 1; /* odd, nonzero */
}

static void chains(void)
{
	uint32_t st = 0;
	size_t n = 300000, known = 0, bytes = 0;
	CHECK(!lw__chains_find(1, &st)); /* no table yet */
	for (size_t i = 0; i < n; i++)
		lw__chains_add(key_of(i), (uint32_t)i);
	int bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += !lw__chains_find(key_of(i), &st) || st != (uint32_t)i;
	CHECKF(bad == 0, "%d of %zu chains lost", bad, n);
	for (size_t i = n; i < n + 1000; i++)
		bad += lw__chains_find(key_of(i), &st);
	CHECKF(bad == 0, "%d unknown chains found", bad);
	/* overwrite keeps one slot */
	lw__chains_add(key_of(7), 99);
	CHECK(lw__chains_find(key_of(7), &st) && st == 99);
	lw__chains_memory(&known, &bytes);
	CHECKF(known == n, "%zu chains counted", known);
	CHECKF(bytes <= n * 12 * 3, "%zu bytes for %zu chains", bytes, n);
	/* sequences of small keys and keys sharing their low bits */
	for (uint64_t k = 1; k < 20000; k += 2)
		lw__chains_add(k << 40 | 1, 5);
	for (uint64_t k = 1; k < 20000; k += 2)
		bad += !lw__chains_find(k << 40 | 1, &st) || st != 5;
	CHECK(bad == 0);
}

static void edges(void)
{
	size_t n = 3000;
	/* lw__edge_find reads only the records' index: these need no more */
	struct lw__lock *locks = calloc(n, sizeof(*locks));
	uint32_t *e = calloc(n, sizeof(*e));
	if (!locks || !e) {
		CHECK(!"out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++)
		locks[i].index = (uint32_t)i;
	CHECK(lw__edge_find(&locks[0], &locks[1]) == NULL);
	/* a hub to every lock, and a chain i -> i+1: 2n edges, past growth */
	uint32_t *c = calloc(n, sizeof(*c));
	for (size_t i = 1; i < n; i++) {
		e[i] = lw__edge_alloc();
		lw__edge_at(e[i])->pair = lw__edge_pair(0, (uint32_t)i);
		CHECK(e[i] != 0 && lw__edge_index(e[i]) == 0);
		c[i] = lw__edge_alloc();
		lw__edge_at(c[i])->pair = lw__edge_pair((uint32_t)i - 1, (uint32_t)i);
		if (i > 1)
			CHECK(lw__edge_index(c[i]) == 0);
	}
	int bad = 0;
	for (size_t i = 1; i < n; i++) {
		bad += lw__edge_find(&locks[0], &locks[i]) != lw__edge_at(e[i]);
		bad += lw__edge_at(e[i])->from != 0 || lw__edge_at(e[i])->to != i;
		bad += lw__edge_find(&locks[i], &locks[0]) != NULL; /* reversed */
		if (i > 1)
			bad += lw__edge_find(&locks[i - 1], &locks[i]) != lw__edge_at(c[i]);
	}
	CHECKF(bad == 0, "%d wrong lookups", bad);
	/* remove every other hub edge; the rest stay found */
	for (size_t i = 1; i < n; i += 2) {
		lw__edge_unindex(e[i]);
		lw__edge_free(e[i]);
	}
	for (size_t i = 1; i < n; i++)
		bad += lw__edge_find(&locks[0], &locks[i]) != (i % 2 ? NULL : lw__edge_at(e[i]));
	CHECKF(bad == 0, "%d wrong lookups after removal", bad);
	uint32_t r = lw__edge_alloc(); /* the last freed (n is even) */
	CHECK(r == e[n - 1]);
	CHECK(lw__edge_at(r)->pair == 0 && lw__edge_at(r)->hnext == 0); /* zeroed */
	/* gate blocks: set, shrunk, freed with their edge and reused */
	uint32_t gates[LW__MAX_GATES] = { 7, 8, 9, 10 };
	CHECK(lw__edge_gates(lw__edge_at(r)) == NULL);
	CHECK(lw__edge_set_gates(lw__edge_at(r), gates, 3) == 0);
	uint32_t *got = lw__edge_gates(lw__edge_at(r));
	CHECK(got && got[0] == 7 && got[2] == 9 && got[3] == 0);
	CHECK(lw__edge_set_gates(lw__edge_at(r), gates + 3, 1) == 0);
	CHECK(lw__edge_gates(lw__edge_at(r)) == got && got[0] == 10 && got[1] == 0);
	lw__edge_free(r);
	r = lw__edge_alloc();
	CHECK(lw__edge_gates(lw__edge_at(r)) == NULL); /* zeroed: no block */
	CHECK(lw__edge_set_gates(lw__edge_at(r), gates, 4) == 0);
	CHECK(lw__edge_gates(lw__edge_at(r)) == got && got[3] == 10); /* the block reused */
	CHECK(lw__edge_bytes() > 0);
	int tid = 0;
	uint32_t w = lw__edge_who_intern(42, "worker-1\0\0\0\0\0\0\0");
	CHECK(lw__edge_who_intern(43, "worker-1\0\0\0\0\0\0\0") != w);
	CHECK(lw__edge_who_intern(42, "worker-1\0\0\0\0\0\0\0") == w);
	CHECK_STR(lw__edge_who(w, &tid), "worker-1");
	CHECK(tid == 42);
	free(c);
	free(e);
	/* lock records stay allocated: edges may still point at them */
}

int main(void)
{
	chains();
	edges();
	return unit_end();
}
