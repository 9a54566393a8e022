/* mem.c - lockwatch's own allocator (see mem.h): power-of-two free lists
 * over 1 MiB mapped regions, large blocks mapped whole. */
#include "mem.h"
#include "verdict.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

struct lw__mutex lw__mem_mu = LW__MUTEX_INIT;

#define HDR 16u
#define MIN_SHIFT 5u   /* 32 bytes, header included */
#define MAX_SHIFT 17u  /* 128 KiB */
#define N_CLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define REGION ((size_t)1 << 20)
#define PAGE ((size_t)4096)
#define LARGE 0xffffffffu

struct hdr {
	uint32_t cls;   /* the class's shift, or LARGE */
	uint32_t magic;
	uint64_t bytes; /* a large block's mapped length; a small one's class size */
};
_Static_assert(sizeof(struct hdr) == HDR, "the header is 16 bytes");
#define MAGIC 0x6c776d6du /* "lwmm" */

struct free_blk {
	struct free_blk *next;
};

static struct free_blk *lists[N_CLASSES];
static char *cur, *end; /* the region being carved */
static size_t mapped;

void *lw__os_map(size_t n, int flags)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	if (p != MAP_FAILED)
		return p;
	lw__verdict_short();
	return NULL;
}

static void *map(size_t n)
{
	return lw__os_map(n, 0);
}

static size_t round_pages(size_t n)
{
	return (n + PAGE - 1) & ~(PAGE - 1);
}

void *lw__mem_pages(size_t n)
{
	if (n == 0 || n > SIZE_MAX / 2)
		return NULL;
	n = round_pages(n);
	/* made resident now, in one call: a chunk fills one record, edge or
	 * stack at a time, and a page fault in the middle of a lock call
	 * costs more than the whole chunk's faults taken at once (new-edge
	 * p99 at 100,000 locks: 3.5-4.5 us with faults, 1.3-1.9 us without) */
	void *p = lw__os_map(n, MAP_POPULATE);
	if (p)
		__atomic_add_fetch(&mapped, n, __ATOMIC_RELAXED);
	return p;
}

void *lw__mem_reserve(size_t n)
{
	int saved = errno;
	void *p = mmap(NULL, round_pages(n), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	errno = saved;
	return p == MAP_FAILED ? NULL : p;
}

int lw__mem_pages_at(void *p, size_t n)
{
	int saved = errno;
	n = round_pages(n);
	/* made accessible (a refusal leaves the reservation as it was),
	 * then resident in one call where the kernel can (5.14 on); else the
	 * caller's first writes fault the pages in */
	if (mprotect(p, n, PROT_READ | PROT_WRITE) != 0) {
		errno = saved;
		return -1;
	}
	(void)madvise(p, n, 23 /* MADV_POPULATE_WRITE */);
	errno = saved;
	__atomic_add_fetch(&mapped, n, __ATOMIC_RELAXED);
	return 0;
}

void lw__mem_give_back(void *p, size_t n)
{
	int saved = errno;
	int refused = madvise(p, n, MADV_DONTNEED) != 0;
	errno = saved;
	if (!refused)
		return;
	/* relaxed stores: readers load the words with atomics too */
	uint64_t *w = p;
	for (size_t i = 0; i < n / sizeof(*w); i++)
		__atomic_store_n(&w[i], 0, __ATOMIC_RELAXED);
	for (size_t i = n / sizeof(*w) * sizeof(*w); i < n; i++)
		__atomic_store_n((char *)p + i, 0, __ATOMIC_RELAXED);
}

size_t lw__mem_mapped(void)
{
	return __atomic_load_n(&mapped, __ATOMIC_RELAXED);
}

/* The class of a block of n bytes, header included. */
static unsigned class_of(size_t n)
{
	unsigned s = MIN_SHIFT;
	while (((size_t)1 << s) < n)
		s++;
	return s;
}

/* A block of class s from its list or the region (under the lock); NULL
 * when out of memory. Carved blocks are zero (fresh pages); a block from
 * the list is zeroed by the caller. */
static char *take(unsigned s, int *reused)
{
	struct free_blk *f = lists[s - MIN_SHIFT];
	if (f) {
		lists[s - MIN_SHIFT] = f->next;
		*reused = 1;
		return (char *)f;
	}
	size_t sz = (size_t)1 << s;
	if ((size_t)(end - cur) < sz) {
		/* the tail of the old region goes to the lists, largest first */
		while (cur && end - cur >= (ptrdiff_t)((size_t)1 << MIN_SHIFT)) {
			unsigned t = MAX_SHIFT;
			while (((size_t)1 << t) > (size_t)(end - cur))
				t--;
			struct free_blk *b = (struct free_blk *)(void *)cur;
			b->next = lists[t - MIN_SHIFT];
			lists[t - MIN_SHIFT] = b;
			cur += (size_t)1 << t;
		}
		char *r = map(REGION);
		if (!r)
			return NULL;
		__atomic_add_fetch(&mapped, REGION, __ATOMIC_RELAXED);
		cur = r;
		end = r + REGION;
	}
	char *b = cur;
	cur += sz;
	*reused = 0;
	return b;
}

void *lw__mem_alloc(size_t n)
{
	if (n > SIZE_MAX / 2)
		return NULL;
	size_t need = n + HDR;
	struct hdr *h;
	if (need > ((size_t)1 << MAX_SHIFT)) {
		size_t len = round_pages(need);
		h = map(len);
		if (!h)
			return NULL;
		__atomic_add_fetch(&mapped, len, __ATOMIC_RELAXED);
		h->cls = LARGE;
		h->bytes = len;
	} else {
		unsigned s = class_of(need);
		int reused = 0;
		lw__mutex_lock(&lw__mem_mu);
		char *b = take(s, &reused);
		lw__mutex_unlock(&lw__mem_mu);
		if (!b)
			return NULL;
		if (reused)
			memset(b, 0, (size_t)1 << s);
		h = (struct hdr *)(void *)b;
		h->cls = s;
		h->bytes = (size_t)1 << s;
	}
	h->magic = MAGIC;
	return (char *)h + HDR;
}

void *lw__mem_calloc(size_t k, size_t n)
{
	if (n && k > SIZE_MAX / 2 / n)
		return NULL;
	return lw__mem_alloc(k * n);
}

static struct hdr *hdr_of(void *p)
{
	struct hdr *h = (struct hdr *)(void *)((char *)p - HDR);
	if (h->magic != MAGIC)
		lw__die("lockwatch freed memory it did not allocate");
	return h;
}

void lw__mem_free(void *p)
{
	if (!p)
		return;
	struct hdr *h = hdr_of(p);
	h->magic = 0;
	if (h->cls == LARGE) {
		size_t len = h->bytes;
		munmap(h, len);
		__atomic_sub_fetch(&mapped, len, __ATOMIC_RELAXED);
		return;
	}
	unsigned s = h->cls; /* the link below overwrites the header */
	struct free_blk *b = (struct free_blk *)(void *)h;
	lw__mutex_lock(&lw__mem_mu);
	b->next = lists[s - MIN_SHIFT];
	lists[s - MIN_SHIFT] = b;
	lw__mutex_unlock(&lw__mem_mu);
}

void *lw__mem_realloc(void *p, size_t n)
{
	if (!p)
		return lw__mem_alloc(n);
	struct hdr *h = hdr_of(p);
	size_t have = (size_t)h->bytes - HDR;
	if (n <= have && (h->cls == LARGE || n + HDR > ((size_t)1 << (h->cls - 1)) ||
			  h->cls == MIN_SHIFT)) {
		memset((char *)p + n, 0, have - n); /* bytes past n read as new: zero */
		return p;
	}
	void *q = lw__mem_alloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, n < have ? n : have);
	lw__mem_free(p);
	return q;
}

char *lw__mem_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = lw__mem_alloc(n);
	if (c)
		memcpy(c, s, n);
	return c;
}
