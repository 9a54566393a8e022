/* memory.c - lockwatch's own memory accounting (lw_memory) against the
 * targets: 8,193 lock records and 8,192 edges (a hub lock taken before each
 * other lock) must cost at most 256 bytes per lock record and 52 per edge
 * (a 48-byte edge and its share of the pair hash: 50 now), as counted by
 * lockwatch itself, which counts whole allocations (edges come in slabs
 * of 4,096, records in chunks of 1,024: 8,192 edges fill two slabs). The
 * benchmark measures the same by RSS, with each edge's new chain in the
 * table of validated chains too (its target: 96 bytes per edge). */
#include "lwtest.h"

#define N 8193

int main(void)
{
	static lw_mutex_t locks[N];
	lwt_start();
	for (int i = 0; i < N; i++)
		CHECK(lw_mutex_init(&locks[i], NULL) == 0, "init %d", i);
	for (int i = 1; i < N; i++) {
		lw_mutex_lock(&locks[0]);
		lw_mutex_lock(&locks[i]);
		lw_mutex_unlock(&locks[i]);
		lw_mutex_unlock(&locks[0]);
	}
	lw_memory_t m;
	lw_memory(&m);
	printf("locks %zu (%zu B), edges %zu (%zu B), stacks %zu (%zu B)\n", m.locks,
	       m.lock_bytes, m.edges, m.edge_bytes, m.stacks, m.stack_bytes);
	CHECK(m.locks >= N, "%zu lock records", m.locks);
	CHECK(m.edges == N - 1, "%zu edges, expected %d", m.edges, N - 1);
	CHECK(m.lock_bytes / m.locks <= 256, "%zu bytes per lock", m.lock_bytes / m.locks);
	CHECK(m.edge_bytes / m.edges <= 52, "%zu bytes per edge", m.edge_bytes / m.edges);
	CHECK(lwt_count(-1, -1) == 0, "no report");
	return 0;
}
