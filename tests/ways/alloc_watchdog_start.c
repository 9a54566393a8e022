/* alloc_watchdog_start.c - a program that brings its own malloc (linked
 * into the executable, so glibc's pthread_create allocates a new thread's
 * TLS block through it) and holds its heap lock while it takes a bin lock,
 * as jemalloc does. The process starts its second thread, which makes no
 * lock call, and the next allocation meets a bin never used: the first
 * lock call after the process gained a thread that lockwatch has not seen
 * is that inner bin lock, taken with the heap lock held. Whatever
 * lockwatch starts there (its watchdog is a thread: glibc allocates for it
 * through the program's malloc, which waits for the heap lock) must not
 * wait for the heap lock the same thread holds. No report; the output and
 * status (0) of the native run. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- the program's allocator: one arena, a bump pointer, no reuse ---- */
#define N_BINS 64
#define ARENA ((size_t)1 << 30)

struct hdr {
	uint64_t size;
	uint64_t off; /* from the block's start to the pointer handed out */
};

static pthread_mutex_t heap_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t bins[N_BINS] = { [0 ... N_BINS - 1] = PTHREAD_MUTEX_INITIALIZER };
static unsigned bin_now; /* the bin the next allocations use */
static unsigned long bin_uses[N_BINS];
static char *arena, *arena_end;

static void *take(size_t n, size_t align)
{
	if (align < 16)
		align = 16;
	size_t need = (n + sizeof(struct hdr) + align + 15) & ~(size_t)15;
	char *b = NULL;
	pthread_mutex_lock(&heap_mu);
	pthread_mutex_t *bin = &bins[__atomic_load_n(&bin_now, __ATOMIC_RELAXED) % N_BINS];
	pthread_mutex_lock(bin); /* a bin lock under the heap lock */
	bin_uses[bin - bins]++;
	if (!arena) {
		arena = mmap(NULL, ARENA, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		arena_end = arena == MAP_FAILED ? NULL : arena + ARENA;
		if (arena == MAP_FAILED)
			arena = NULL;
	}
	if (arena && (size_t)(arena_end - arena) >= need) {
		b = arena;
		arena += need;
	}
	pthread_mutex_unlock(bin);
	pthread_mutex_unlock(&heap_mu);
	if (!b) {
		errno = ENOMEM;
		return NULL;
	}
	uintptr_t p = ((uintptr_t)b + sizeof(struct hdr) + align - 1) & ~(uintptr_t)(align - 1);
	struct hdr *h = (struct hdr *)p - 1;
	h->size = n;
	h->off = p - (uintptr_t)b;
	return (void *)p;
}

void free(void *p)
{
	(void)p; /* a bump allocator: nothing is reused */
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
	return take(k * n, 16); /* fresh mmap'd memory is zero */
}

void *realloc(void *p, size_t n)
{
	void *q = malloc(n);
	if (q && p) {
		size_t old = ((struct hdr *)p - 1)->size;
		memcpy(q, p, old < n ? old : n);
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
static int pipe_fd[2];
static void *volatile kept[100]; /* so the compiler keeps every call */

/* The second thread makes no lock call: it waits for a byte. */
static void *idle(void *arg)
{
	char c;
	(void)arg;
	while (read(pipe_fd[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

int main(void)
{
	if (pipe(pipe_fd) != 0)
		return 1;
	/* one thread: the heap lock and the first bin, again and again */
	for (int i = 0; i < 100; i++)
		kept[i] = malloc(32);
	pthread_t th;
	if (pthread_create(&th, NULL, idle, NULL) != 0)
		return 1;
	/* two threads now: each allocation a bin never used before */
	int ok = 1;
	for (unsigned b = 1; b < N_BINS; b++) {
		__atomic_store_n(&bin_now, b, __ATOMIC_RELAXED);
		char *p = malloc(100);
		ok &= p != NULL;
		if (p)
			p[0] = 1;
	}
	if (write(pipe_fd[1], "x", 1) != 1)
		return 1;
	pthread_join(th, NULL);
	unsigned long used = 0;
	for (int b = 0; b < N_BINS; b++)
		used += bin_uses[b] != 0;
	printf("allocated: %s, bins used: %lu of %d\n", ok ? "yes" : "no", used, N_BINS);
	return 0;
}
