/* bench.c - the lockwatch benchmark: one source, every way in.
 *
 * The same code is compiled three times against the tiny B_* macro layer
 * below:
 *   lockwatch-bench-plain   plain pthreads, links only libpthread
 *   lockwatch-bench-wrapper the wrapper API (lw_mutex_t, lw_rwlock_t),
 *                           linked to liblockwatch
 *   lockwatch-bench-header  plain pthread calls force-included through
 *                           lockwatch/pthread.h, linked to liblockwatch
 * and the fourth form, preload, is the plain binary run with
 * LD_PRELOAD=liblockwatch-preload.so (what `lockwatch run` does).
 * lockwatch-bench is the plain binary again; its default mode is the
 * driver (--all): it runs every form as a child process, each printing
 * machine-readable lines ("row NAME NS", "meta KEY VALUE"), and prints one
 * table with each form's ns per operation and its ratio to plain.
 *
 *   lockwatch-bench [--quick] [--reps N] [--time-ms T] [--edge-n S,L]
 *                   [--iters-scale F]
 *   lockwatch-bench-<form> --child [same options] [--only ROWS]
 *                   one form, raw lines (--only: for profiling one row)
 *
 * Method: CLOCK_MONOTONIC; each timed row is calibrated until a run takes
 * a quarter of the repetition time (this is also its warm-up), then run
 * once more as warm-up and --reps times (default 5, each about --time-ms,
 * default 80 ms); the median is reported. Nothing is pinned. lockwatch runs
 * with its default options (order checking and watchdog on); every
 * acquisition is in a consistent order, so no report may be made, and a
 * report makes the run fail.
 *
 * Every form runs with an idle second thread: glibc skips the atomics of
 * an uncontended mutex while a process has never had a second thread, so
 * a single-threaded plain baseline would compare a different glibc path.
 * The row "never-threaded process" is measured first, before that thread:
 * lockwatch starts its watchdog thread only with a second thread, so
 * there every form takes glibc's single-thread path.
 * Two-thread rows are ns per operation per thread: with own locks the mean
 * of the threads' own times, with one shared lock the pair's wall time.
 * New edges: N locks are initialised and locked once (registered), then each
 * lock(L0), lock(Li), unlock(Li), unlock(L0) is timed alone (one
 * clock_gettime pair per sample included) for every i, giving p50/p99.
 * Memory: RSS growth (/proc/self/statm) over creating the large graph's
 * locks, then over making its edges; the driver subtracts plain's growth.
 *
 * Exit status: 0 when every form ran and made no report, 1 otherwise,
 * 2 for a bad command line. Missed performance targets are only marked. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* Is lockwatch in this process, and how many reports has it made? The
 * plain binary finds out through the dynamic linker (the preload library
 * exports the public API), so the preload form proves it is active. */
static long lockwatch_reports(int *loaded)
{
	unsigned long (*count)(int);
	void *sym = dlsym(RTLD_DEFAULT, "lw_report_count");
	memcpy(&count, &sym, sizeof(count)); /* object to function pointer */
	*loaded = count != NULL;
	return count ? (long)count(9 /* LW_KIND_COUNT */) : 0;
}

/* ---- options ----------------------------------------------------------- */
static struct {
	int quick;
	int reps;
	double time_ms;     /* per repetition */
	size_t edge_small, edge_large;
	double scale;       /* --iters-scale */
	const char *only;   /* --only: comma-separated row groups */
	unsigned long count; /* --count: each row exactly this many times, once */
} opt = { 0, 5, 80.0, 1000, 100000, 1.0, NULL, 0 };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lockwatch-bench [--all] [OPTIONS]     every form, one table (default\n"
		"                                              for the plain binary)\n"
		"       lockwatch-bench-FORM --child [OPTIONS] one form, machine-readable lines\n"
		"options:\n"
		"  --quick          smoke test: tiny iteration counts and graphs (< 3 s)\n"
		"  --reps N         timed repetitions per row, median taken (default 5)\n"
		"  --time-ms T      target time of one repetition in ms (default 80)\n"
		"  --edge-n S,L     lock counts of the small and large graph (default 1000,100000)\n"
		"  --iters-scale F  multiply the repetition time (so the iterations) by F,\n"
		"                   for slow hosts such as Helgrind (e.g. 0.25)\n"
		"  --only LIST      run only these rows: single_st,single,nested,rwread,\n"
		"                   two_own,two_shared,edge,mem,table,curve,striped,fanout,\n"
		"                   create (create_1, create_4, create_use), malloc_free,\n"
		"                   realloc_free, free_near (for profiling), or single rows\n"
		"                   of the tables and fan-outs (table_1k, try_1k, fanout_16k, ...)\n"
		"  --count N        run each row's body exactly N times, once, untimed\n"
		"                   calibration off (for instruction counts: icount_rows.sh)\n");
}

static int parse_options(int argc, char **argv, int *child, int *all)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--child")) {
			*child = 1;
		} else if (!strcmp(a, "--all")) {
			*all = 1;
		} else if (!strcmp(a, "--quick")) {
			opt.quick = 1;
		} else if (!strcmp(a, "--reps") && v) {
			opt.reps = atoi(v), i++;
		} else if (!strcmp(a, "--time-ms") && v) {
			opt.time_ms = atof(v), i++;
		} else if (!strcmp(a, "--only") && v) {
			opt.only = v, i++;
		} else if (!strcmp(a, "--count") && v) {
			opt.count = strtoul(v, NULL, 10), i++;
		} else if (!strcmp(a, "--iters-scale") && v) {
			opt.scale = atof(v), i++;
		} else if (!strcmp(a, "--edge-n") && v) {
			char *end;
			opt.edge_small = strtoul(v, &end, 10);
			opt.edge_large = *end == ',' ? strtoul(end + 1, NULL, 10) : 0;
			i++;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else {
			fprintf(stderr, "lockwatch-bench: bad argument '%s'\n", a);
			usage(stderr);
			return -1;
		}
	}
	if (opt.quick) {
		opt.reps = 3;
		opt.time_ms = 2.0;
		opt.edge_small = 200;
		opt.edge_large = 2000;
	}
	if (opt.scale > 0)
		opt.time_ms *= opt.scale;
	if (opt.reps < 1 || opt.reps > 101 || !(opt.time_ms > 0) || opt.edge_small < 2 ||
	    opt.edge_large < 2 || !(opt.scale > 0)) {
		fprintf(stderr, "lockwatch-bench: option value out of range\n");
		return -1;
	}
	return 0;
}

/* ---- timing helpers ------------------------------------------------------ */
uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Nearest-rank percentile of sorted samples. */
static uint64_t percentile(const uint64_t *s, size_t n, double p)
{
	size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return s[k - 1];
}

static double last_spread; /* (max - min) / median of the last measure() */

/* Calibrate (which is also the warm-up), warm up once more, then the
 * median of opt.reps repetitions, in ns per operation. */
double measure(body_fn body, uint64_t *iters_out)
{
	if (opt.count) { /* one fixed run: instruction counting */
		last_spread = 0;
		if (iters_out)
			*iters_out = opt.count;
		return (double)body(opt.count) / (double)opt.count;
	}
	const double target = opt.time_ms * 1e6;
	uint64_t it = 64, t;
	for (;;) {
		t = body(it);
		if ((double)t >= target / 4 || it >= (1ull << 36))
			break;
		it *= (double)t < target / 64 ? 8 : 2;
	}
	it = (uint64_t)((double)it * target / (double)(t ? t : 1));
	if (it < 16)
		it = 16;
	body(it); /* warm-up at the final size */
	double v[101];
	for (int r = 0; r < opt.reps; r++)
		v[r] = (double)body(it) / (double)it;
	if (iters_out)
		*iters_out = it;
	double med = median(v, opt.reps); /* sorts v */
	last_spread = med > 0 ? (v[opt.reps - 1] - v[0]) / med : 0;
	return med;
}

/* ---- the locks ------------------------------------------------------------ */
/* 256-byte slots: no two locks share a line or an adjacent-line prefetch pair */
struct padded_mutex {
	b_mutex_t m;
} __attribute__((aligned(256)));

static struct padded_mutex lk_a, lk_b, lk_shared, lk_own[2];
static struct {
	b_rwlock_t r;
} __attribute__((aligned(256))) lk_rw;

static __attribute__((noinline)) uint64_t body_single(uint64_t n)
{
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		B_LOCK(&lk_a.m);
		B_UNLOCK(&lk_a.m);
	}
	return now_ns() - t0;
}

static __attribute__((noinline)) uint64_t body_nested(uint64_t n)
{
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		B_LOCK(&lk_a.m);
		B_LOCK(&lk_b.m);
		B_UNLOCK(&lk_b.m);
		B_UNLOCK(&lk_a.m);
	}
	return now_ns() - t0;
}

static __attribute__((noinline)) uint64_t body_rwread(uint64_t n)
{
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		B_RDLOCK(&lk_rw.r);
		B_RWUNLOCK(&lk_rw.r);
	}
	return now_ns() - t0;
}

/* ---- two threads: persistent workers started by a barrier per run ------- */
static struct {
	pthread_barrier_t start, end;
	uint64_t iters;
	int shared; /* 1: both on lk_shared, 0: each on its own lock */
	int quit;
	uint64_t t0[2], t1[2];
} duo;

static void *duo_worker(void *arg)
{
	int k = (int)(intptr_t)arg;
	for (;;) {
		pthread_barrier_wait(&duo.start);
		if (duo.quit)
			return NULL;
		b_mutex_t *m = duo.shared ? &lk_shared.m : &lk_own[k].m;
		uint64_t n = duo.iters;
		uint64_t t0 = now_ns();
		for (uint64_t i = 0; i < n; i++) {
			B_LOCK(m);
			B_UNLOCK(m);
		}
		duo.t1[k] = now_ns();
		duo.t0[k] = t0;
		pthread_barrier_wait(&duo.end);
	}
}

/* Divided by the per-thread iteration count, ns per operation per thread.
 * Own locks: the mean of the two threads' own elapsed times (a thread
 * that starts late does not count as slow). Shared lock: the wall time
 * from the first start to the last finish, which is what contention
 * costs the pair. */
static uint64_t body_duo(uint64_t n)
{
	duo.iters = n;
	pthread_barrier_wait(&duo.start);
	pthread_barrier_wait(&duo.end);
	if (!duo.shared)
		return ((duo.t1[0] - duo.t0[0]) + (duo.t1[1] - duo.t0[1])) / 2;
	uint64_t t0 = duo.t0[0] < duo.t0[1] ? duo.t0[0] : duo.t0[1];
	uint64_t t1 = duo.t1[0] > duo.t1[1] ? duo.t1[0] : duo.t1[1];
	return t1 - t0;
}

static int duo_run(int shared, double *ns)
{
	pthread_t th[2];
	duo.shared = shared;
	duo.quit = 0;
	if (pthread_barrier_init(&duo.start, NULL, 3) || pthread_barrier_init(&duo.end, NULL, 3))
		return -1;
	for (int k = 0; k < 2; k++)
		if (pthread_create(&th[k], NULL, duo_worker, (void *)(intptr_t)k) != 0) {
			fprintf(stderr, "lockwatch-bench: pthread_create failed\n");
			exit(1);
		}
	*ns = measure(body_duo, NULL);
	duo.quit = 1;
	pthread_barrier_wait(&duo.start);
	for (int k = 0; k < 2; k++)
		pthread_join(th[k], NULL);
	pthread_barrier_destroy(&duo.start);
	pthread_barrier_destroy(&duo.end);
	return 0;
}

/* An idle thread, alive until exit: it blocks in read() and costs nothing. */
static int idle_pipe[2];

static void *idle_thread(void *arg)
{
	char c;
	(void)arg;
	while (read(idle_pipe[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static int start_idle_thread(void)
{
	pthread_t th;
	if (pipe(idle_pipe) != 0 || pthread_create(&th, NULL, idle_thread, NULL) != 0) {
		fprintf(stderr, "lockwatch-bench: cannot start the idle thread\n");
		return -1;
	}
	return 0;
}

/* ---- new edges, and memory --------------------------------------------------
 * n locks are created (initialised and each locked once: lockwatch
 * registers a lock at its first use); then
 * lock(hub), lock(L[i]), unlock(L[i]), unlock(hub) for every i >= 1: each
 * is the first acquisition of a new edge hub->L[i], timed on its own. */
static long rss_bytes(void)
{
	long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = -1;
	fclose(f);
	return res < 0 ? -1 : res * sysconf(_SC_PAGESIZE);
}

struct edge_result {
	uint64_t p50, p99, max;
	long rss_locks, rss_edges; /* RSS growth: creating the locks; the edges */
};

static int edge_run(size_t n, int keep, struct edge_result *r)
{
	uint64_t *s = malloc((n - 1) * sizeof(*s));
	if (!s)
		return -1;
	memset(s, 0, (n - 1) * sizeof(*s)); /* resident before the first RSS */
	long rss0 = rss_bytes();
	b_mutex_t *L = malloc(n * sizeof(*L));
	if (!L) {
		free(s);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (B_MUTEX_INIT(&L[i]) != 0) {
			fprintf(stderr, "lockwatch-bench: mutex init failed\n");
			exit(1);
		}
	for (size_t i = 0; i < n; i++) { /* a lock is registered at its first use */
		B_LOCK(&L[i]);
		B_UNLOCK(&L[i]);
	}
	long rss1 = rss_bytes();
	for (size_t i = 1; i < n; i++) {
		uint64_t t0 = now_ns();
		B_LOCK(&L[0]);
		B_LOCK(&L[i]);
		B_UNLOCK(&L[i]);
		B_UNLOCK(&L[0]);
		s[i - 1] = now_ns() - t0;
	}
	long rss2 = rss_bytes();
	qsort(s, n - 1, sizeof(*s), cmp_u64);
	r->p50 = percentile(s, n - 1, 50);
	r->p99 = percentile(s, n - 1, 99);
	r->max = s[n - 2];
	r->rss_locks = rss1 - rss0;
	r->rss_edges = rss2 - rss1;
	free(s);
	if (!keep) {
		/* the hub first: destroying it drops every edge at once */
		for (size_t i = 0; i < n; i++)
			B_MUTEX_DESTROY(&L[i]);
		free(L);
	}
	/* kept: the large graph stays for the rest of the process */
	return 0;
}

/* ---- one form: every row, as lines on stdout ---------------------------- */
/* Is row `key` selected (--only)? */
int want(const char *key)
{
	if (!opt.only)
		return 1;
	size_t n = strlen(key);
	for (const char *p = opt.only; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && !strncmp(p, key, n))
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

void put_row(const char *key, double ns, const uint64_t *iters)
{
	printf("row %s %.3f\nmeta spread_%s %.3f\n", key, ns, key, last_spread);
	if (iters)
		printf("meta %s_iters %llu\n", key, (unsigned long long)*iters);
	fflush(stdout);
}

static int run_child(void)
{
	int loaded;
	long reports;
	double ns;
	uint64_t it;

	lockwatch_reports(&loaded);
	printf("form %s\n", B_FORM);
	printf("meta lockwatch_loaded %d\n", loaded);
	printf("meta reps %d\nmeta time_ms %g\n", opt.reps, opt.time_ms);
	fflush(stdout);

	if (B_MUTEX_INIT(&lk_a.m) || B_MUTEX_INIT(&lk_b.m) || B_MUTEX_INIT(&lk_shared.m) ||
	    B_MUTEX_INIT(&lk_own[0].m) || B_MUTEX_INIT(&lk_own[1].m) || B_RW_INIT(&lk_rw.r)) {
		fprintf(stderr, "lockwatch-bench: lock init failed\n");
		return 1;
	}

	/* glibc takes an uncontended mutex without atomics while the process
	 * has never had a second thread; lockwatch's watchdog waits for one.
	 * Measured first; then an idle thread makes every form
	 * multi-threaded, as most programs that lock are. */
	if (want("single_st"))
		put_row("single_st", measure(body_single, NULL), NULL);
	if (start_idle_thread())
		return 1;

	if (want("single"))
		ns = measure(body_single, &it), put_row("single", ns, &it);
	if (want("nested"))
		ns = measure(body_nested, &it), put_row("nested", ns, &it);
	if (want("rwread"))
		ns = measure(body_rwread, &it), put_row("rwread", ns, &it);
	if (want("two_own")) {
		if (duo_run(0, &ns))
			return 1;
		put_row("two_own", ns, NULL);
	}
	if (want("two_shared")) {
		if (duo_run(1, &ns))
			return 1;
		put_row("two_shared", ns, NULL);
	}

	/* small graph: fresh locks each repetition, the medians of p50/p99 */
	struct edge_result er;
	double p50[101], p99[101];
	for (int r = 0; want("edge") && r < opt.reps; r++) {
		if (edge_run(opt.edge_small, 0, &er))
			return 1;
		p50[r] = (double)er.p50;
		p99[r] = (double)er.p99;
	}
	if (want("edge")) {
		printf("meta edge_small_n %zu\n", opt.edge_small);
		printf("row edge_small_p50 %.0f\nrow edge_small_p99 %.0f\n",
		       median(p50, opt.reps), median(p99, opt.reps));
		fflush(stdout);
	}

	/* large graph: once; its RSS growth is the memory measurement */
	if (want("edge") || want("mem")) {
		if (edge_run(opt.edge_large, 1, &er))
			return 1;
		printf("meta edge_large_n %zu\n", opt.edge_large);
		printf("row edge_large_p50 %llu\nrow edge_large_p99 %llu\n"
		       "meta edge_large_max %llu\n",
		       (unsigned long long)er.p50, (unsigned long long)er.p99,
		       (unsigned long long)er.max);
		printf("mem locks %zu %ld\nmem edges %zu %ld\n", opt.edge_large, er.rss_locks,
		       opt.edge_large - 1, er.rss_edges);
	}

	if (scale_rows(opt.quick)) {
		fprintf(stderr, "lockwatch-bench: a lock-table row failed\n");
		return 1;
	}
	if (churn_rows()) {
		fprintf(stderr, "lockwatch-bench: a lock-creation row failed\n");
		return 1;
	}
	if (heap_rows()) {
		fprintf(stderr, "lockwatch-bench: the malloc/free row failed\n");
		return 1;
	}

	reports = lockwatch_reports(&loaded);
	printf("reports %ld\n", reports);
	printf("done\n");
	fflush(stdout);
	return reports ? 1 : 0;
}

#ifdef B_PLAIN
/* ---- the driver (plain binary only) -------------------------------------- */
enum { F_PLAIN, F_WRAPPER, F_HEADER, F_PRELOAD, NF };
static const char *const form_names[NF] = { "plain", "wrapper", "header", "preload" };

#define MAXROWS 32
static const struct rowdef {
	const char *key, *label;
	double target_link, target_preload; /* max ratio to plain; 0: none */
} rows[] = {
	{ "single", "lock+unlock, 1 thread", 1.25, 1.5 },
	{ "single_st", "  same, never-threaded process", 1.5, 1.5 },
	{ "nested", "nested A,B lock+unlock, 1 thread", 1.4, 1.6 },
	{ "rwread", "rwlock read lock+unlock, 1 thread", 1.4, 1.6 },
	{ "two_own", "2 threads, own lock each (per thread)", 0, 0 },
	{ "two_shared", "2 threads, one shared lock (per thread)", 1.5, 1.6 },
	{ "edge_small_p50", "new edge p50, small graph", 0, 0 },
	{ "edge_small_p99", "new edge p99, small graph", 0, 0 },
	{ "edge_large_p50", "new edge p50, large graph", 0, 0 },
	{ "edge_large_p99", "new edge p99, large graph", 0, 0 },
	{ "table_16", "lock table, 16 locks, random, 1 thread", 0, 0 },
	{ "table_64", "lock table, 64 locks, random, 1 thread", 0, 0 },
	{ "table_1k", "lock table, 1,024 locks, random, 1 thread", 1.4, 1.4 },
	{ "table_100k", "lock table, 100,000 locks, random", 2.5, 2.5 },
	{ "try_1k", "  same, 1,024 locks, trylock+unlock", 0, 0 },
	{ "coupling", "hand over hand down 1,024 locks, per node", 0, 0 },
	{ "two_tables", "2 threads, own 1,024-lock table (per thread)", 0, 0 },
	{ "striped", "bucket (1,024) then global lock, pair", 1.5, 1.5 },
	{ "fanout_256", "fan-out, 256 items: ns per item", 0, 0 },
	{ "fanout_16k", "fan-out, 16,384 items: ns per item", 2.0, 2.0 },
	{ "create_1", "mutex init+destroy, 1 thread (CPU ns)", 3.0, 3.0 },
	{ "create_4", "  same, 4 threads (CPU ns per thread)", 3.0, 3.0 },
	{ "create_use", "init+lock+unlock+destroy (CPU ns)", 0, 0 },
	{ "malloc_free", "malloc+free pair, 1 thread (CPU ns)", 1.05, 1.05 },
	{ "free_near", "  same, each block just before a mutex (CPU ns)", 0, 0 },
	{ "realloc_free", "malloc, realloc +8 B, free, 1 thread (CPU ns)", 0, 0 },
};
#define NROWS ((int)(sizeof(rows) / sizeof(rows[0])))

struct formres {
	int ran, ok, status, loaded, have_loaded;
	long reports;
	double row[MAXROWS];
	int have[MAXROWS];
	double spread[MAXROWS];
	size_t edge_small_n, edge_large_n, mem_locks_n, mem_edges_n;
	long mem_locks, mem_edges;
	int have_mem;
	unsigned long long edge_large_max;
	char why[256];
};

static void parse_line(struct formres *f, char *line)
{
	char key[64];
	double v;
	size_t n;
	long b;
	if (sscanf(line, "row %63s %lf", key, &v) == 2) {
		for (int i = 0; i < NROWS; i++)
			if (!strcmp(key, rows[i].key)) {
				f->row[i] = v;
				f->have[i] = 1;
			}
	} else if (sscanf(line, "meta spread_%63s %lf", key, &v) == 2) {
		for (int i = 0; i < NROWS; i++)
			if (!strcmp(key, rows[i].key))
				f->spread[i] = v;
	} else if (sscanf(line, "mem locks %zu %ld", &n, &b) == 2) {
		f->mem_locks_n = n, f->mem_locks = b, f->have_mem |= 1;
	} else if (sscanf(line, "mem edges %zu %ld", &n, &b) == 2) {
		f->mem_edges_n = n, f->mem_edges = b, f->have_mem |= 2;
	} else if (sscanf(line, "meta lockwatch_loaded %d", &f->loaded) == 1) {
		f->have_loaded = 1;
	} else if (sscanf(line, "meta edge_small_n %zu", &n) == 1) {
		f->edge_small_n = n;
	} else if (sscanf(line, "meta edge_large_n %zu", &n) == 1) {
		f->edge_large_n = n;
	} else if (sscanf(line, "meta edge_large_max %llu", &f->edge_large_max) == 1) {
	} else if (sscanf(line, "reports %ld", &f->reports) == 1) {
	} else if (!strncmp(line, "done", 4)) {
		f->ok = 1;
	}
}

/* Run one form as a child with stdout on a pipe; parse its lines. */
static void run_form(int form, const char *exe, const char *preload, char **fwd, int nfwd,
		     struct formres *f)
{
	memset(f, 0, sizeof(*f));
	if (access(exe, X_OK) != 0) {
		snprintf(f->why, sizeof(f->why), "%.200s: not found (build it)", exe);
		return;
	}
	if (preload && access(preload, R_OK) != 0) {
		snprintf(f->why, sizeof(f->why), "%.200s: not found (build it)", preload);
		return;
	}
	int pfd[2];
	if (pipe(pfd) != 0) {
		snprintf(f->why, sizeof(f->why), "pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(f->why, sizeof(f->why), "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	if (pid == 0) {
		char *argv[64];
		int a = 0;
		argv[a++] = (char *)exe;
		argv[a++] = "--child";
		for (int i = 0; i < nfwd && a < 62; i++)
			argv[a++] = fwd[i];
		argv[a] = NULL;
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		if (preload)
			setenv("LD_PRELOAD", preload, 1);
		else
			unsetenv("LD_PRELOAD");
		execv(exe, argv);
		fprintf(stderr, "lockwatch-bench: cannot run %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	FILE *in = fdopen(pfd[0], "r");
	char line[512];
	while (in && fgets(line, sizeof(line), in))
		parse_line(f, line);
	if (in)
		fclose(in);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	f->ran = 1;
	f->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	int want_loaded = form != F_PLAIN;
	if (f->status != 0 && !f->reports)
		snprintf(f->why, sizeof(f->why), "exited with status %d", f->status), f->ok = 0;
	else if (f->reports)
		snprintf(f->why, sizeof(f->why), "lockwatch made %ld report(s)", f->reports),
			f->ok = 0;
	else if (!f->have_loaded || f->loaded != want_loaded)
		snprintf(f->why, sizeof(f->why), "lockwatch %s in the process",
			 want_loaded ? "is NOT active" : "is unexpectedly loaded"),
			f->ok = 0;
	else if (!f->ok)
		snprintf(f->why, sizeof(f->why), "incomplete output");
}

static void cpu_line(char *buf, size_t n)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	snprintf(buf, n, "unknown CPU");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10)) {
			char *c = strchr(line, ':');
			if (c) {
				c += 1 + (c[1] == ' ');
				c[strcspn(c, "\n")] = 0;
				snprintf(buf, n, "%s", c);
			}
			break;
		}
	if (f)
		fclose(f);
}

/* Busy and total CPU time of the whole machine, in clock ticks. */
static int cpu_times(unsigned long long *busy, unsigned long long *total)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	int n = f ? fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7])
		  : 0;
	if (f)
		fclose(f);
	if (n < 4)
		return -1;
	*total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
	*busy = *total - v[3] - v[4]; /* minus idle and iowait */
	return 0;
}

static int row_index(const char *key)
{
	for (int i = 0; i < NROWS; i++)
		if (!strcmp(rows[i].key, key))
			return i;
	return 0;
}

/* Row `num` over row `den` in each form, marked past 1.10. */
static void scale_line(const struct formres *res, const char *label, const char *num,
		       const char *den)
{
	int ro = row_index(num), rs = row_index(den);
	printf("%-42s", label);
	for (int f = 0; f < NF; f++) {
		char c[48] = "n/a";
		if (res[f].have[rs] && res[f].have[ro] && res[f].row[rs] > 0) {
			double q = res[f].row[ro] / res[f].row[rs];
			snprintf(c, sizeof(c), "%.2fx%s", q, q > 1.10 ? "*" : "");
		}
		printf(f ? " %17s" : " %9s", c);
	}
	printf("\n");
}

static void fmt_ns(char *buf, size_t n, double v)
{
	if (v >= 100)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "%.1f", v);
}

static int run_all(char **fwd, int nfwd)
{
	char self[PATH_MAX], dir[PATH_MAX], exe[NF][PATH_MAX + 32], preload[PATH_MAX + 64];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0) {
		perror("lockwatch-bench: /proc/self/exe");
		return 1;
	}
	self[len] = 0;
	snprintf(dir, sizeof(dir), "%s", self);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	snprintf(exe[F_PLAIN], sizeof(exe[0]), "%s", self);
	snprintf(exe[F_WRAPPER], sizeof(exe[0]), "%s/lockwatch-bench-wrapper", dir);
	snprintf(exe[F_HEADER], sizeof(exe[0]), "%s/lockwatch-bench-header", dir);
	snprintf(exe[F_PRELOAD], sizeof(exe[0]), "%s", self);
	const char *env = getenv("LOCKWATCH_PRELOAD");
	if (env && *env)
		snprintf(preload, sizeof(preload), "%s", env);
	else
		snprintf(preload, sizeof(preload), "%s/../lib/liblockwatch-preload.so", dir);
	char *real = realpath(preload, NULL);
	if (real) {
		snprintf(preload, sizeof(preload), "%s", real);
		free(real);
	}

	char cpu[256];
	cpu_line(cpu, sizeof(cpu));
	printf("lockwatch benchmark%s: %s, %ld CPUs online, nothing pinned\n",
	       opt.quick ? " (--quick smoke run: numbers are not meaningful)" : "", cpu,
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("forms: plain = pthreads only; wrapper = lw_mutex_t/lw_rwlock_t API; header =\n"
	       "-include lockwatch/pthread.h; preload = the plain binary with LD_PRELOAD=%s\n",
	       preload);
	printf("lockwatch default options (order checking and watchdog on)\n\n");
	fflush(stdout);

	struct formres res[NF];
	int failed = 0;
	unsigned long long busy0 = 0, total0 = 0, busy1 = 0, total1 = 0;
	double load0 = -1;
	FILE *lf = fopen("/proc/loadavg", "r");
	if (lf) {
		if (fscanf(lf, "%lf", &load0) != 1)
			load0 = -1;
		fclose(lf);
	}
	int have_cpu = cpu_times(&busy0, &total0) == 0;
	for (int f = 0; f < NF; f++) {
		uint64_t t0 = now_ns();
		run_form(f, exe[f], f == F_PRELOAD ? preload : NULL, fwd, nfwd, &res[f]);
		if (!res[f].ok) {
			failed = 1;
			fprintf(stderr, "lockwatch-bench: form %s FAILED: %s\n", form_names[f],
				res[f].why);
		} else {
			fprintf(stderr, "lockwatch-bench: form %-7s ran in %.1f s\n", form_names[f],
				(double)(now_ns() - t0) / 1e9);
		}
	}
	fputc('\n', stderr);

	/* Interference: CPU time the rest of the machine used during the run
	 * (all busy time minus this driver's and its children's). */
	if (have_cpu && cpu_times(&busy1, &total1) == 0 && total1 > total0) {
		struct rusage ch, me;
		getrusage(RUSAGE_CHILDREN, &ch);
		getrusage(RUSAGE_SELF, &me);
		double tick = (double)sysconf(_SC_CLK_TCK);
		double own = (double)(ch.ru_utime.tv_sec + me.ru_utime.tv_sec + ch.ru_stime.tv_sec +
				      me.ru_stime.tv_sec) +
			     (double)(ch.ru_utime.tv_usec + me.ru_utime.tv_usec + ch.ru_stime.tv_usec +
				      me.ru_stime.tv_usec) / 1e6;
		double other = (double)(busy1 - busy0) / tick - own;
		double cap = (double)(total1 - total0) / tick;
		double pct = other > 0 ? 100 * other / cap : 0;
		printf("background: load average %.2f at start; other processes used %.0f%% of the\n"
		       "machine's CPU time during the run%s\n\n",
		       load0, pct,
		       pct > 10 && !opt.quick
			       ? " -- WARNING: numbers are disturbed, rerun on a quiet machine"
			       : "");
	}

	const struct formres *p = &res[F_PLAIN];
	printf("ns per operation (median of %d repetitions of ~%g ms after calibration and a\n"
	       "warm-up); (x) = ratio to plain; * = misses its target (wrapper/header, preload)\n\n",
	       opt.reps, opt.time_ms);
	printf("%-42s %9s %17s %17s %17s  %s\n", "row", "plain ns", "wrapper ns (x)",
	       "header ns (x)", "preload ns (x)", "target x");
	printf("%-42s %9s %17s %17s %17s  %s\n", "------------------------------------------",
	       "---------", "-----------------", "-----------------", "-----------------",
	       "----------");
	for (int r = 0; r < NROWS; r++) {
		char label[96];
		if (!strncmp(rows[r].key, "edge_small", 10))
			snprintf(label, sizeof(label), "%s (%zu locks)", rows[r].label,
				 p->edge_small_n ? p->edge_small_n : opt.edge_small);
		else if (!strncmp(rows[r].key, "edge_large", 10))
			snprintf(label, sizeof(label), "%s (%zu locks)", rows[r].label,
				 p->edge_large_n ? p->edge_large_n : opt.edge_large);
		else
			snprintf(label, sizeof(label), "%s", rows[r].label);
		char cell[NF][48], v[32];
		for (int f = 0; f < NF; f++) {
			const struct formres *x = &res[f];
			if (!x->have[r]) {
				snprintf(cell[f], sizeof(cell[f]), "%s", x->ran ? "n/a" : "FAILED");
				continue;
			}
			fmt_ns(v, sizeof(v), x->row[r]);
			if (f == F_PLAIN || !p->have[r] || p->row[r] <= 0) {
				snprintf(cell[f], sizeof(cell[f]), "%s", v);
				continue;
			}
			double ratio = x->row[r] / p->row[r];
			double tgt = f == F_PRELOAD ? rows[r].target_preload : rows[r].target_link;
			/* new-edge p99 in the large graph: an absolute target, 20 us */
			int miss = (tgt > 0 && ratio > tgt) ||
				   (!strcmp(rows[r].key, "edge_large_p99") && x->row[r] > 20000);
			snprintf(cell[f], sizeof(cell[f]), "%s (%.2fx)%s", v, ratio, miss ? "*" : "");
		}
		char target[32] = "";
		if (rows[r].target_link > 0)
			snprintf(target, sizeof(target), "%.2f, %.2f", rows[r].target_link,
				 rows[r].target_preload);
		else if (!strcmp(rows[r].key, "edge_large_p99"))
			snprintf(target, sizeof(target), "<= 20000 ns");
		else if (!strcmp(rows[r].key, "two_own"))
			snprintf(target, sizeof(target), "see below");
		printf("%-42s %9s %17s %17s %17s  %s\n", label, cell[0], cell[1], cell[2], cell[3],
		       target);
	}

	/* scaling: two threads on their own locks against one thread */
	scale_line(res, "2 threads own locks / 1 thread (<= 1.10)", "two_own", "single");
	scale_line(res, "2 threads own tables / 1 thread (<= 1.10)", "two_tables", "table_1k");
	scale_line(res, "4 threads init+destroy / 1 thread (<= 1.10)", "create_4", "create_1");
	if (p->edge_large_max)
		printf("%-42s", "new edge max, large graph (info)");
	for (int f = 0; p->edge_large_max && f < NF; f++) {
		char c[48];
		snprintf(c, sizeof(c), "%llu", res[f].edge_large_max);
		printf(f ? " %17s" : " %9s", res[f].ok ? c : "n/a");
	}
	if (p->edge_large_max)
		printf("\n");

	/* repetitions that disagree: the machine was busy, or the row is
	 * inherently erratic (lock hand-over between threads) */
	int noisy = 0;
	for (int r = 0; r < NROWS; r++)
		for (int f = 0; f < NF; f++)
			if (res[f].have[r] && res[f].spread[r] > 0.2) {
				if (!noisy++)
					printf("\nnoisy (max-min of the repetitions > 20%% of the median):");
				printf(" %s/%s %.0f%%", rows[r].key, form_names[f],
				       100 * res[f].spread[r]);
			}
	if (noisy)
		printf("\n");

	/* memory */
	printf("\nmemory: RSS growth (/proc/self/statm) while creating %zu locks (init and\n"
	       "one lock+unlock each, which registers them) and then making %zu new edges hub->L[i], minus\n"
	       "the plain form's growth for the same work (its lock array); the wrapper\n"
	       "form's larger lock type (+%zu B) counts as lockwatch's. Targets: <= 256 B\n"
	       "per lock, <= 96 B per edge.\n\n",
	       p->mem_locks_n ? p->mem_locks_n : opt.edge_large,
	       p->mem_edges_n ? p->mem_edges_n : opt.edge_large - 1,
	       sizeof(void *) /* lw_mutex_t is a pthread_mutex_t and a pointer */);
	printf("%-42s %9s %17s %17s %17s\n", "", "plain", "wrapper", "header", "preload");
	const char *mlabel[3] = { "bytes per lock (extra over plain)",
				  "bytes per edge (extra over plain)",
				  "total for all locks+edges, MiB (extra)" };
	for (int m = 0; m < 3; m++) {
		printf("%-42s", mlabel[m]);
		for (int f = 0; f < NF; f++) {
			const struct formres *x = &res[f];
			char c[48] = "n/a";
			if ((x->have_mem & 3) == 3 && (p->have_mem & 3) == 3 && x->mem_locks_n) {
				long dl = x->mem_locks - (f ? p->mem_locks : 0);
				long de = x->mem_edges - (f ? p->mem_edges : 0);
				double v = m == 0 ? (double)dl / (double)x->mem_locks_n
					   : m == 1 ? (double)de / (double)(x->mem_edges_n ? x->mem_edges_n : 1)
						    : (double)(dl + de) / 1048576.0;
				int miss = f && ((m == 0 && v > 256) || (m == 1 && v > 96));
				snprintf(c, sizeof(c), m == 2 ? "%.1f%s" : "%.0f%s", v,
					 miss ? "*" : "");
			}
			printf(f ? " %17s" : " %9s", c);
		}
		printf("\n");
	}
	printf("(plain column: the plain form's own growth, i.e. the pthread_mutex_t array)\n");

	if (failed) {
		printf("\nFAILED forms:\n");
		for (int f = 0; f < NF; f++)
			if (!res[f].ok)
				printf("  %s: %s\n", form_names[f], res[f].why);
	}
	fflush(stdout);
	return failed ? 1 : 0;
}
#endif /* B_PLAIN */

int main(int argc, char **argv)
{
	int child = 0, all = 0;
	if (parse_options(argc, argv, &child, &all))
		return 2;
	if (child && all) {
		fprintf(stderr, "lockwatch-bench: --child and --all exclude each other\n");
		return 2;
	}
#ifdef B_PLAIN
	if (!child) {
		/* forward every option except --all to the children */
		char *fwd[64];
		int n = 0;
		for (int i = 1; i < argc && n < 63; i++)
			if (strcmp(argv[i], "--all"))
				fwd[n++] = argv[i];
		return run_all(fwd, n);
	}
#else
	(void)all;
#endif
	return run_child();
}
