/* heap_reuse.c - locks in heap memory that is freed and used again for
 * other locks (issue 11): never initialised or destroyed by a pthread
 * call (calloc'd, as a C++ std::mutex is), so only the free says that a
 * lock's life ended. Each case takes the old objects' locks before
 * `registry`, gives the memory back, and takes the new objects' locks at
 * the same addresses after `registry`: two orders over different locks
 * that never lived at the same time, no cycle, nothing can deadlock.
 *   sessions  six objects from malloc, zeroed (as `new Session{}` makes a
 *             std::mutex), freed, six new ones
 *   table     a calloc'd table of 1,024 mutexes (ten pages): locks on its
 *             first, middle and last pages; freed, calloc'd again
 *   realloc   an object moved by realloc (its old place freed), then a
 *             new object at the old place; and one shrunk by realloc,
 *             its cut-off tail used for a new object
 *   mapped    a mutex in an anonymous mapping; munmap, then a new mapping
 *             at the same address
 * Says on stderr whether the addresses were used again (glibc's malloc
 * does; the test compares stdout, and lockwatch's own allocations may
 * change which block comes back); no report, status 0. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct session {
	pthread_mutex_t mu;
	char pad[200]; /* a size class of its own */
	long hits;
};

static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static long total;

static void close_order(pthread_mutex_t *m) /* the object's lock, then registry */
{
	pthread_mutex_lock(m);
	pthread_mutex_lock(&registry);
	total++;
	pthread_mutex_unlock(&registry);
	pthread_mutex_unlock(m);
}

static void open_order(pthread_mutex_t *m) /* registry, then the object's lock */
{
	pthread_mutex_lock(&registry);
	pthread_mutex_lock(m);
	total++;
	pthread_mutex_unlock(m);
	pthread_mutex_unlock(&registry);
}

static void *oom(void)
{
	fprintf(stderr, "out of memory\n");
	exit(1);
}

static void *zeroed(size_t n)
{
	void *p = malloc(n);
	if (!p)
		oom();
	return memset(p, 0, n);
}

static void sessions(void)
{
	enum { N = 6 }; /* within glibc's per-thread cache of freed blocks */
	struct session *s[N];
	uintptr_t was[N];
	for (int i = 0; i < N; i++) {
		s[i] = zeroed(sizeof(struct session));
		was[i] = (uintptr_t)s[i];
		close_order(&s[i]->mu);
	}
	for (int i = 0; i < N; i++)
		free(s[i]);
	int reused = 0;
	for (int i = 0; i < N; i++) {
		s[i] = zeroed(sizeof(struct session));
		for (int k = 0; k < N; k++)
			reused += (uintptr_t)s[i] == was[k];
	}
	for (int i = 0; i < N; i++)
		open_order(&s[i]->mu);
	fprintf(stderr, "sessions: %d of %d addresses used again\n", reused, N);
	for (int i = 0; i < N; i++)
		free(s[i]);
}

static void table(void)
{
	enum { N = 1024 };
	static const int used[] = { 0, 511, 1023 };
	pthread_mutex_t *t = calloc(N, sizeof(pthread_mutex_t));
	if (!t)
		oom();
	uintptr_t was = (uintptr_t)t;
	for (int i = 0; i < 3; i++)
		close_order(&t[used[i]]);
	free(t);
	t = calloc(N, sizeof(pthread_mutex_t));
	if (!t)
		oom();
	for (int i = 0; i < 3; i++)
		open_order(&t[used[i]]);
	fprintf(stderr, "table: %zu bytes, address used again: %s\n", N * sizeof(pthread_mutex_t),
	       (uintptr_t)t == was ? "yes" : "no");
	free(t);
}

static void moved(void)
{
	struct session *s = zeroed(sizeof(*s));
	uintptr_t was = (uintptr_t)s;
	close_order(&s->mu);
	struct session *big = realloc(s, 256 * 1024); /* mapped on its own: moved */
	if (!big)
		oom();
	struct session *again = zeroed(sizeof(*again));
	open_order(&again->mu);
	fprintf(stderr, "realloc: moved %s, old address used again: %s\n", (uintptr_t)big != was ? "yes" : "no",
	       (uintptr_t)again == was ? "yes" : "no");
	free(again);
	free(big);
}

struct pair {
	char head[1024];
	pthread_mutex_t tail_mu; /* in the part a shrink cuts off */
	char tail[1024];
};

static void shrunk(void)
{
	struct pair *p = calloc(1, sizeof(*p));
	if (!p)
		oom();
	uintptr_t old_mu = (uintptr_t)&p->tail_mu;
	close_order(&p->tail_mu);
	char *head = realloc(p, 1000);
	if (!head)
		oom();
	/* the cut-off tail is a free block now: new zeroed memory from it
	 * holds a new lock where the old one was (else at its start) */
	char *r = calloc(1, 1024);
	if (!r)
		oom();
	int hit = old_mu >= (uintptr_t)r && old_mu + sizeof(pthread_mutex_t) <= (uintptr_t)r + 1024;
	open_order(hit ? (pthread_mutex_t *)old_mu : (pthread_mutex_t *)r);
	fprintf(stderr, "realloc: shrunk, old lock's address used again: %s\n", hit ? "yes" : "no");
	free(r);
	free(head);
}

static void mapped(void)
{
	size_t len = 64 * 1024;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		oom();
	close_order((pthread_mutex_t *)(m + 8192));
	munmap(m, len);
	char *again = mmap(m, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (again == MAP_FAILED)
		oom();
	open_order((pthread_mutex_t *)(again + 8192));
	fprintf(stderr, "munmap: address used again: %s\n", again == m ? "yes" : "no");
	munmap(again, len);
}

int main(void)
{
	sessions();
	table();
	moved();
	shrunk();
	mapped();
	printf("total %ld\n", total);
	return 0;
}
