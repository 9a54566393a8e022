/* alloc_in_program.c - a program that brings its own malloc, linked into
 * the executable (as rustc links jemalloc, and many servers do): every
 * malloc, free, calloc, realloc and aligned allocation of the process,
 * lockwatch's own included, goes through it. Like jemalloc it holds a
 * heap lock and takes a bin lock under it, a different bin each call, so
 * lockwatch meets new locks and new chains inside malloc, with the heap
 * lock held. Anything lockwatch then allocates through the program's
 * malloc (directly or under one of its own locks, while another thread
 * waits in malloc) would wait for the heap lock for good. The main
 * thread first uses every bin once, then makes 300 objects, each
 * allocated from a second heap while the object's own lock is held; then
 * three threads allocate and free, each with a lock of its own. No
 * report; the program's output and status (0). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* ---- the program's allocator ------------------------------------------ */
#define N_BINS 2048
#define N_CLASSES 40
#define ARENA ((size_t)1 << 32) /* reserved, touched as used */

struct hdr { /* before every block the program hands out */
	uint16_t cls;
	uint16_t heap;
	uint32_t off; /* from the block's start to the pointer handed out */
	uint64_t size;
};

struct heap {
	pthread_mutex_t mu;
	void *free_list[N_CLASSES];
	char *arena, *arena_end;
};

static struct heap heaps[2] = { { .mu = PTHREAD_MUTEX_INITIALIZER },
				{ .mu = PTHREAD_MUTEX_INITIALIZER } };
static __thread int second; /* this thread allocates from heaps[1] */
static pthread_mutex_t bins[N_BINS] = { [0 ... N_BINS - 1] = PTHREAD_MUTEX_INITIALIZER };
static unsigned long bin_next, bin_uses[N_BINS];

static unsigned cls_of(size_t n)
{
	unsigned c = 4;
	while (((size_t)1 << c) < n)
		c++;
	return c;
}

/* A block of at least n bytes, its header's off set to off. */
static void *take(size_t n, size_t align)
{
	size_t need = n + sizeof(struct hdr) + (align > 16 ? align : 0);
	unsigned c = cls_of(need);
	if (c >= N_CLASSES)
		return NULL;
	struct heap *hp = &heaps[second];
	pthread_mutex_lock(&hp->mu);
	pthread_mutex_t *bin = &bins[__atomic_fetch_add(&bin_next, 1, __ATOMIC_RELAXED) % N_BINS];
	pthread_mutex_lock(bin); /* a bin lock under the heap lock, as jemalloc */
	bin_uses[bin - bins]++;
	char *b = hp->free_list[c];
	if (b) {
		hp->free_list[c] = *(void **)b;
	} else {
		if (!hp->arena) {
			hp->arena = mmap(NULL, ARENA, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			if (hp->arena == MAP_FAILED)
				hp->arena = NULL;
			hp->arena_end = hp->arena ? hp->arena + ARENA : NULL;
		}
		if (hp->arena && (size_t)(hp->arena_end - hp->arena) >= ((size_t)1 << c)) {
			b = hp->arena;
			hp->arena += (size_t)1 << c;
		}
	}
	pthread_mutex_unlock(bin);
	pthread_mutex_unlock(&hp->mu);
	if (!b) {
		errno = ENOMEM;
		return NULL;
	}
	uintptr_t p = (uintptr_t)b + sizeof(struct hdr);
	if (align > 16)
		p = (p + align - 1) & ~(uintptr_t)(align - 1);
	struct hdr *h = (struct hdr *)p - 1;
	h->cls = (uint16_t)c;
	h->heap = (uint16_t)second;
	h->off = (uint32_t)(p - (uintptr_t)b);
	h->size = n;
	return (void *)p;
}

void free(void *p)
{
	if (!p)
		return;
	struct hdr *h = (struct hdr *)p - 1;
	char *b = (char *)p - h->off;
	unsigned c = h->cls;
	struct heap *hp = &heaps[h->heap];
	pthread_mutex_lock(&hp->mu);
	*(void **)b = hp->free_list[c];
	hp->free_list[c] = b;
	pthread_mutex_unlock(&hp->mu);
}

void *malloc(size_t n)
{
	return take(n, 16);
}

void *calloc(size_t k, size_t n)
{
	if (n && k > SIZE_MAX / n) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = take(k * n, 16);
	if (p)
		memset(p, 0, k * n);
	return p;
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	size_t old = ((struct hdr *)p - 1)->size;
	void *q = malloc(n);
	if (q) {
		memcpy(q, p, old < n ? old : n);
		free(p);
	}
	return q;
}

void *aligned_alloc(size_t align, size_t n)
{
	return take(n, align);
}

void *memalign(size_t align, size_t n)
{
	return take(n, align);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p = take(n, align);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void *valloc(size_t n)
{
	return take(n, 4096);
}

void *pvalloc(size_t n)
{
	return take((n + 4095) & ~(size_t)4095, 4096);
}

size_t malloc_usable_size(void *p)
{
	return p ? ((struct hdr *)p - 1)->size : 0;
}

/* ---- the program ------------------------------------------------------- */
struct job {
	pthread_mutex_t mu;
	long sum;
	int id;
};

static void *work(void *arg)
{
	struct job *j = arg;
	for (int i = 0; i < 3000; i++) {
		char *p = malloc((size_t)(16 + (i * 37 + j->id) % 3000));
		void *q = calloc(3, (size_t)(8 + i % 64));
		if (!p || !q)
			return NULL;
		p[0] = (char)i;
		pthread_mutex_lock(&j->mu);
		j->sum += p[0] + 1;
		pthread_mutex_unlock(&j->mu);
		char *r = realloc(p, (size_t)(4000 + i % 100));
		free(q);
		free(r);
	}
	return NULL;
}

#define N_OBJS 300
static pthread_mutex_t objs[N_OBJS];
static void *obj_mem[N_OBJS];

int main(void)
{
	/* every bin used once, under the first heap's lock */
	for (int i = 0; i < N_BINS; i++)
		free(malloc(32));
	/* objects allocated from the second heap, each under its own lock */
	second = 1;
	for (int i = 0; i < N_OBJS; i++) {
		pthread_mutex_init(&objs[i], NULL);
		pthread_mutex_lock(&objs[i]);
		obj_mem[i] = malloc(64);
		pthread_mutex_unlock(&objs[i]);
	}
	second = 0;
	for (int i = 0; i < N_OBJS; i++)
		free(obj_mem[i]);

	struct job jobs[3];
	pthread_t th[3];
	for (int k = 0; k < 3; k++) {
		pthread_mutex_init(&jobs[k].mu, NULL);
		jobs[k].sum = 0;
		jobs[k].id = k;
		if (pthread_create(&th[k], NULL, work, &jobs[k]) != 0)
			return 1;
	}
	long total = 0;
	for (int k = 0; k < 3; k++) {
		pthread_join(th[k], NULL);
		total += jobs[k].sum;
	}
	unsigned long used = 0;
	for (int b = 0; b < N_BINS; b++)
		used += bin_uses[b] != 0;
	printf("total %ld, every bin used: %s\n", total, used == N_BINS ? "yes" : "no");
	return 0;
}
