/* host_unwind_self.c - a program that unwinds its own stack with libunwind
 * (as crash handlers, profilers and heaptrack do), with libunwind's
 * default global cache of unwind rules, after many lock calls. libunwind
 * takes its own pthread mutexes: the cache's, and, on a cache miss, one
 * more while it holds the cache's. That second lock is a new chain for
 * lockwatch, whose stack capture used libunwind too, which wanted the
 * cache lock this thread already held: under `lockwatch run` the program
 * hung for good (heaptrack's programs did). Natively (and under lockwatch
 * now) it prints the same and exits 0. libunwind is dlopen'ed (no build
 * dependency); without it the program says so and unwinds nothing. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <ucontext.h>

typedef struct {
	long opaque[127]; /* unw_cursor_t: UNW_TDEP_CURSOR_LEN 127 on x86-64 */
} cursor_t;

static int (*get_context)(ucontext_t *);
static int (*init_local)(cursor_t *, ucontext_t *);
static int (*step)(cursor_t *);
static pthread_mutex_t locks[200];
static pthread_mutex_t total_mu = PTHREAD_MUTEX_INITIALIZER;
static long unwound;

/* how many frames deep this call is, by libunwind */
static __attribute__((noinline)) int depth(void)
{
	ucontext_t uc;
	cursor_t c;
	int n = 0;
	if (get_context(&uc) != 0 || init_local(&c, &uc) != 0)
		return -1;
	while (step(&c) > 0)
		n++;
	return n;
}

static void *work(void *arg)
{
	(void)arg;
	/* many new chains first: lockwatch captures a stack for each */
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&locks[i]);
		pthread_mutex_unlock(&locks[i]);
	}
	int ok = 0;
	for (int i = 0; i < 20; i++)
		ok += depth() > 0;
	pthread_mutex_lock(&total_mu);
	unwound += ok;
	pthread_mutex_unlock(&total_mu);
	return NULL;
}

int main(void)
{
	void *h = dlopen("libunwind.so.8", RTLD_NOW);
	void **space = h ? dlsym(h, "_ULx86_64_local_addr_space") : NULL;
	int (*policy)(void *, int) = h ? (int (*)(void *, int))dlsym(h, "_ULx86_64_set_caching_policy") : NULL;
	get_context = h ? (int (*)(ucontext_t *))dlsym(h, "_Ux86_64_getcontext") : NULL;
	init_local = h ? (int (*)(cursor_t *, ucontext_t *))dlsym(h, "_ULx86_64_init_local") : NULL;
	step = h ? (int (*)(cursor_t *))dlsym(h, "_ULx86_64_step") : NULL;
	if (!space || !policy || !get_context || !init_local || !step) {
		puts("no libunwind here: nothing unwound");
		return 0;
	}
	policy(*space, 1); /* UNW_CACHE_GLOBAL, libunwind's own default */
	for (int i = 0; i < 200; i++)
		pthread_mutex_init(&locks[i], NULL);
	work(NULL);
	pthread_t t;
	pthread_create(&t, NULL, work, NULL);
	pthread_join(t, NULL);
	printf("unwound %ld of 40 times\n", unwound);
	return 0;
}
