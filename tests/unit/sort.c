/* sort.c - unit test of lw__sort (src/base/sort.h), the stable sort that
 * takes no memory from malloc: arrays of every small length and of
 * thousands, of 4-, 24- and 100-byte elements with many equal keys, come
 * out ordered, with equal keys in their first order and no element lost
 * or doubled. And the search of a sorted array's first key above a
 * value (lw__sort_first_above) finds it, before, among and after ties. */
#include "unit.h"

#include "sort.h"

struct rec {
	uint32_t key;
	uint32_t seq;
	char pad[92]; /* 100 bytes in all: past the insertion sort's buffer */
};

static int by_key(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Sort n records of `size` bytes (key and seq first) and check them. */
static void one(size_t n, size_t size, uint32_t keys)
{
	unsigned char *a = calloc(n ? n : 1, size);
	if (!a) {
		CHECK(0);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t k = (uint32_t)(unit_rand() % keys), s = (uint32_t)i;
		memcpy(a + i * size, &k, 4);
		if (size >= 8)
			memcpy(a + i * size + 4, &s, 4);
	}
	lw__sort(a, n, size, by_key);
	size_t bad_order = 0, bad_stable = 0;
	uint64_t seq_sum = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t k, s = 0, pk, ps = 0;
		memcpy(&k, a + i * size, 4);
		if (size >= 8)
			memcpy(&s, a + i * size + 4, 4);
		seq_sum += s;
		if (i == 0)
			continue;
		memcpy(&pk, a + (i - 1) * size, 4);
		if (size >= 8)
			memcpy(&ps, a + (i - 1) * size + 4, 4);
		bad_order += pk > k;
		bad_stable += size >= 8 && pk == k && ps > s;
	}
	CHECKF(bad_order == 0, "n %zu size %zu: %zu out of order", n, size, bad_order);
	CHECKF(bad_stable == 0, "n %zu size %zu: %zu equal keys swapped", n, size, bad_stable);
	if (size >= 8 && n)
		CHECKF(seq_sum == (uint64_t)n * (n - 1) / 2, "n %zu size %zu: elements lost", n, size);
	free(a);
}

/* lw__sort_first_above over 24-byte entries keyed 0, 2, 2, 4, ... */
static void first_above(void)
{
	struct { uint64_t key, pad[2]; } e[9];
	uint64_t keys[] = { 0, 2, 2, 4, 6, 6, 6, 8, 10 };
	for (size_t i = 0; i < 9; i++)
		e[i].key = keys[i];
	CHECK(lw__sort_first_above(e, 0, sizeof(e[0]), 5) == 0);
	for (uint64_t a = 0; a <= 11; a++) {
		size_t want = 0;
		while (want < 9 && keys[want] <= a)
			want++;
		CHECKF(lw__sort_first_above(e, 9, sizeof(e[0]), a) == want, "at %llu",
		       (unsigned long long)a);
	}
}

int main(void)
{
	first_above();
	static const size_t sizes[] = { 4, 24, sizeof(struct rec) };
	for (size_t s = 0; s < 3; s++) {
		for (size_t n = 0; n <= 40; n++)
			one(n, sizes[s], 7);
		one(1000, sizes[s], 10);
		one(5000, sizes[s], 100000);
		one(70000, sizes[s], 300);
	}
	return unit_end();
}
