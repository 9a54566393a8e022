/* mem.c - unit test of lockwatch's own allocator (src/base/mem.h): every
 * size class and large blocks come back zeroed and writable, a freed
 * block is reused zeroed, realloc keeps the contents and zeroes what is
 * new, overflowing sizes fail, pages are page-aligned, and four threads
 * allocating, checking and freeing at once never see a block twice (each
 * writes its own pattern and checks it is intact before freeing). */
#include "unit.h"

#include "mem.h"

#include <pthread.h>

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void sizes(void)
{
	static const size_t n[] = { 0, 1, 15, 16, 17, 100, 4000, 65520, 131056, 131057, 1 << 20 };
	for (size_t k = 0; k < sizeof(n) / sizeof(n[0]); k++) {
		unsigned char *p = lw__mem_alloc(n[k]);
		CHECKF(p != NULL, "size %zu", n[k]);
		if (!p)
			continue;
		CHECKF(((uintptr_t)p & 15) == 0, "size %zu: %p not 16-aligned", n[k], (void *)p);
		CHECKF(all_zero(p, n[k]), "size %zu: not zeroed", n[k]);
		memset(p, 0xa5, n[k]);
		lw__mem_free(p);
		/* the same size again: the freed block (or another), zeroed */
		p = lw__mem_alloc(n[k]);
		CHECKF(p && all_zero(p, n[k]), "size %zu again: not zeroed", n[k]);
		lw__mem_free(p);
	}
	lw__mem_free(NULL);
	CHECK(lw__mem_alloc(SIZE_MAX) == NULL);
	CHECK(lw__mem_calloc(SIZE_MAX / 4, 8) == NULL);
	unsigned char *c = lw__mem_calloc(1000, 24);
	CHECK(c && all_zero(c, 24000));
	lw__mem_free(c);
	char *s = lw__mem_strdup("queue_lock");
	CHECK_STR(s, "queue_lock");
	lw__mem_free(s);
	unsigned char *pg = lw__mem_pages(5000);
	CHECK(pg && ((uintptr_t)pg & 4095) == 0 && all_zero(pg, 8192));
	CHECK(lw__mem_pages(0) == NULL);
	CHECK(lw__mem_mapped() >= 8192);
}

static void reallocs(void)
{
	unsigned char *p = lw__mem_realloc(NULL, 10);
	CHECK(p && all_zero(p, 10));
	for (int i = 0; i < 10; i++)
		p[i] = (unsigned char)(i + 1);
	/* grow across classes and into a large block, then shrink back */
	static const size_t n[] = { 20, 100, 5000, 200000, 300, 6 };
	size_t have = 10;
	for (size_t k = 0; k < sizeof(n) / sizeof(n[0]); k++) {
		unsigned char *q = lw__mem_realloc(p, n[k]);
		CHECKF(q != NULL, "realloc to %zu", n[k]);
		if (!q)
			break;
		p = q;
		int kept = 1;
		for (size_t i = 0; i < 10 && i < n[k]; i++)
			kept &= p[i] == (unsigned char)(i + 1);
		CHECKF(kept, "realloc to %zu: contents lost", n[k]);
		if (n[k] > have)
			CHECKF(all_zero(p + (have > 10 ? have : 10), n[k] - (have > 10 ? have : 10)),
			       "realloc to %zu: new bytes not zero", n[k]);
		have = n[k];
	}
	/* shrink in place, then grow again: what was cut off comes back zero */
	p = lw__mem_realloc(p, 40);
	memset(p, 7, 40);
	p = lw__mem_realloc(p, 30);
	p = lw__mem_realloc(p, 40);
	CHECK(p && p[29] == 7 && all_zero(p + 30, 10));
	lw__mem_free(p);
}

struct worker {
	unsigned id;
	int bad;
};

static void *churn(void *arg)
{
	struct worker *w = arg;
	unsigned char *held[64] = { 0 };
	size_t len[64] = { 0 };
	uint64_t x = 0x9E3779B97F4A7C15ull * (w->id + 1);
	for (int round = 0; round < 20000; round++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		unsigned k = (unsigned)(x % 64);
		if (held[k]) {
			for (size_t i = 0; i < len[k]; i++)
				if (held[k][i] != (unsigned char)(w->id + 1)) {
					w->bad++;
					break;
				}
			lw__mem_free(held[k]);
			held[k] = NULL;
		} else {
			len[k] = (size_t)(x >> 40) % (x & 1 ? 300 : 150000);
			held[k] = lw__mem_alloc(len[k]);
			if (!held[k] || !all_zero(held[k], len[k])) {
				w->bad++;
				continue;
			}
			memset(held[k], (int)(w->id + 1), len[k]);
		}
	}
	for (int k = 0; k < 64; k++)
		lw__mem_free(held[k]);
	return NULL;
}

static void threads(void)
{
	pthread_t th[4];
	struct worker w[4];
	for (unsigned i = 0; i < 4; i++) {
		w[i].id = i, w[i].bad = 0;
		CHECK(pthread_create(&th[i], NULL, churn, &w[i]) == 0);
	}
	for (unsigned i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECKF(w[i].bad == 0, "thread %u: %d blocks not zeroed or overwritten", i, w[i].bad);
	}
}

int main(void)
{
	sizes();
	reallocs();
	threads();
	return unit_end();
}
