/* stack.c - stack capture with libunwind and the stack depot (see stack.h).
 * libunwind reads memory through lockwatch's own reader, never through its
 * validation pipe, so it keeps no descriptor and never closes one.
 *
 * Capture walks the caller's stack with glibc's backtrace() (libgcc's
 * unwinder, where glibc finds unwind tables without a lock) for a
 * thread's first captures, then with unw_backtrace, into a buffer on the
 * stack, so it allocates nothing and takes no lock and may run in a signal
 * handler. The depot interns each distinct stack (its return addresses and
 * optional call site) once and names it by a 32-bit id counted from 1.
 * Entries are never freed: they are carved out of large chunks of
 * lockwatch's own pages (base/mem.h), found by content through a chained hash table and by id through an
 * array, all under one mutex taken through the real-function table. */
#include "stack.h"
#include "alloc.h"
#include "mem.h"
#include "mutex.h"
#include "options.h"
#include "peek.h"
#include "real.h"

#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <errno.h>
#include <execinfo.h>
#include <libunwind.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK_BYTES (64 * 1024)

/* One interned stack; immutable once published. */
struct entry {
	struct entry *next; /* hash chain */
	uint64_t hash;
	uintptr_t site_pc;  /* the header's call site, all zero when there is none */
	const lw_site_t *src;
	uint32_t id;
	uint32_t n;         /* frames in pcs */
	uintptr_t pcs[];
};

struct lw__mutex lw__depot_mu = LW__MUTEX_INIT;

static struct entry **buckets; /* nbuckets chains, a power of two */
static size_t nbuckets;
static struct entry **by_id;   /* by_id[id - 1] */
static size_t n_ids, cap_ids;
static char *chunk_cur;        /* bump allocation inside the current chunk */
static size_t chunk_left;
static size_t depot_bytes;     /* chunks + table + id array */

/* libunwind's unw_backtrace, from a private dlopen(RTLD_LOCAL): Debian's
 * libunwind exports backtrace and _Unwind_*, and linked normally those
 * could replace the host program's own. Without it, glibc's backtrace(). */
static int (*unw_fn)(void **, int);
/* glibc's backtrace() for a thread's first GLIBC_CAPTURES captures (see
 * lw__stack_init), counted per thread */
#define GLIBC_CAPTURES 64
static int glibc_first;
static LW__TLS unsigned captures;
static void (*unw_flush)(void *space, uintptr_t lo, uintptr_t hi);
static void *unw_space;
static unsigned good_gen = 1; /* read_word's pages, bumped by lw__stack_flush */

void lw__stack_flush(void)
{
	__atomic_add_fetch(&good_gen, 1, __ATOMIC_RELAXED);
	if (unw_flush && unw_space)
		unw_flush(unw_space, 0, 0); /* 0, 0: everything */
}

/* ---- libunwind without descriptors --------------------------------------
 * libunwind checks that an address it is unsure of can be read by writing
 * it into a pipe of its own, opened at its start-up; when the pipe's
 * descriptor no longer reads (a daemon closed every descriptor), it
 * "re-opens" it by closing that number first, which by then may be the
 * program's own file. So lockwatch replaces the local address space's
 * memory reader with one that asks the kernel directly (process_vm_readv
 * on its own process: no descriptor), and closes the pipe libunwind
 * opened at start-up, which nothing reads any more. Where the kernel call
 * is refused (a seccomp filter), libunwind is not used at all. */

/* Set of the descriptors open now, 0..1023, one bit each (at start-up). */
static void fds_open(uint64_t set[16])
{
	memset(set, 0, 16 * sizeof(uint64_t));
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] != '.' && fd >= 0 && fd < 1024 && fd != dirfd(d))
			set[fd / 64] |= 1ull << (fd % 64);
	}
	closedir(d);
}

/* Close the pipes that appeared since `before` (libunwind's, just made). */
static void close_new_pipes(const uint64_t before[16])
{
	uint64_t now[16];
	fds_open(now);
	for (int fd = 0; fd < 1024; fd++) {
		struct stat st;
		if ((now[fd / 64] & ~before[fd / 64]) >> (fd % 64) & 1 &&
		    fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
			close(fd);
	}
}

/* The pages this thread last read through the kernel (nearly always its
 * own stack), read directly while lw__stack_flush() (a dlclose: mappings
 * went away) has not been called since. */
#define GOOD_PAGES 4
static LW__TLS struct {
	uintptr_t page[GOOD_PAGES];
	unsigned next, gen;
} good;

/* 0 and *val when the word at addr can be read, else -1. */
static int read_word(uintptr_t addr, unw_word_t *val)
{
	uintptr_t page = addr & ~(uintptr_t)4095;
	unsigned gen = lw__load(&good_gen);
	if (good.gen != gen) {
		memset(good.page, 0, sizeof(good.page));
		good.gen = gen;
	}
	if ((addr & 4095) <= 4096 - sizeof(*val))
		for (int i = 0; i < GOOD_PAGES; i++)
			if (good.page[i] == page && page) {
				memcpy(val, (const void *)addr, sizeof(*val));
				return 0;
			}
	if (lw__peek(val, (const void *)addr, sizeof(*val)) != 0)
		return -1;
	good.page[good.next++ % GOOD_PAGES] = page;
	return 0;
}

static int (*unw_access_mem)(unw_addr_space_t, unw_word_t, unw_word_t *, int, void *);

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write,
		      void *arg)
{
	if (write)
		return unw_access_mem(as, addr, val, write, arg);
	return read_word(addr, val);
}

/* Make libunwind (loaded as h since `before`) read memory without its
 * pipe; 0 when done. */
static int unw_no_pipe(void *h, void *space, const uint64_t before[16])
{
	unw_accessors_t *(*get_acc)(unw_addr_space_t) =
		(unw_accessors_t * (*)(unw_addr_space_t)) dlsym(h, "_Ux86_64_get_accessors");
	unw_word_t probe;
	if (!get_acc || read_word((uintptr_t)&probe, &probe) != 0)
		return -1;
	void *warm[2];
	unw_fn(warm, 2); /* libunwind's start-up: its address space and pipe */
	unw_accessors_t *acc = get_acc(space);
	if (!acc || !acc->access_mem)
		return -1;
	unw_access_mem = acc->access_mem;
	__atomic_store_n(&acc->access_mem, access_mem, __ATOMIC_RELEASE);
	close_new_pipes(before);
	return 0;
}

/* ---- lock calls made by libunwind itself ---------------------------------
 * libunwind is one library shared with the program, which may unwind its
 * own stack with it (crash handlers, profilers, heaptrack). libunwind
 * takes pthread mutexes of its own (its global cache of unwind rules,
 * libunwind's default, then one more on a cache miss), which come here
 * like any lock call; a capture with libunwind from such a call wants the
 * lock that thread already holds, for good. A capture for a lock call
 * made by libunwind's own code uses glibc's backtrace() instead. */
#define UNW_RANGES 8
static struct {
	uintptr_t lo, hi;
} unw_text[UNW_RANGES];
static int n_unw_text;

static int unw_text_add(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	const char *name = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
	if (!name || strncmp(name, "/libunwind", 10) != 0)
		return 0;
	for (int i = 0; i < info->dlpi_phnum && n_unw_text < UNW_RANGES; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
			unw_text[n_unw_text].lo = info->dlpi_addr + ph->p_vaddr;
			unw_text[n_unw_text].hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
			n_unw_text++;
		}
	}
	return 0;
}

/* Is pc in libunwind's code (a lock call libunwind made)? */
static int from_unwinder(uintptr_t pc)
{
	for (int i = 0; i < n_unw_text; i++)
		if (pc >= unw_text[i].lo && pc < unw_text[i].hi)
			return 1;
	return 0;
}

void lw__stack_init(void)
{
	uint64_t before[16];
	fds_open(before);
	/* Not with the program's own malloc: libunwind's thread-local state
	 * (a library loaded with dlopen) is allocated with malloc on a
	 * thread's first use, which may be a lock call made inside that
	 * malloc, its heap lock held (base/alloc.h). glibc's backtrace()
	 * keeps no such state. */
	void *h = lw__alloc_foreign ? NULL : dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL);
	if (h) {
		/* libunwind's default cache of unwind rules is shared and locked;
		 * a fork can leave that lock held in the child. The per-thread
		 * cache (policy 2, UNW_CACHE_PER_THREAD) takes no lock. */
		int (*policy)(void *, int) = (int (*)(void *, int))dlsym(h, "_ULx86_64_set_caching_policy");
		void **space = dlsym(h, "_ULx86_64_local_addr_space");
		if (policy && space)
			policy(*space, 2);
		if (space) {
			unw_space = *space;
			unw_flush = (void (*)(void *, uintptr_t, uintptr_t))dlsym(h, "_Ux86_64_flush_cache");
		}
		unw_fn = (int (*)(void **, int))dlsym(h, "unw_backtrace");
		if (unw_fn && (!space || unw_no_pipe(h, *space, before) != 0))
			unw_fn = NULL; /* it would use its pipe: glibc's backtrace() */
	}
	/* Where glibc finds unwind tables without a lock (_dl_find_object,
	 * glibc 2.35 and later: safe in a signal handler, even one that
	 * interrupted the loader), a thread's first captures use glibc's
	 * backtrace() (libgcc's unwinder: no per-thread state, but it reads
	 * the unwind tables afresh every time, 3-5x slower), and only a
	 * thread that captures often moves to unw_backtrace, which keeps a
	 * 256 KiB cache in every thread that uses it: a thousand threads
	 * that each take a lock or two cost no cache (270 MB with it). */
	glibc_first = dlsym(RTLD_DEFAULT, "_dl_find_object") != NULL;
	if (!unw_fn || glibc_first) {
		void *warm[2];
		backtrace(warm, 2); /* its first call loads libgcc_s: do it now */
	}
	/* the remote interface opens a pipe of its own too, never read */
	fds_open(before);
	lw__stack_at_init();
	close_new_pipes(before);
	if (unw_fn)
		dl_iterate_phdr(unw_text_add, NULL);
}

static void depot_lock(void)
{
	lw__mutex_lock(&lw__depot_mu);
}

static void depot_unlock(void)
{
	lw__mutex_unlock(&lw__depot_mu);
}

int lw__stack_raw(uintptr_t *pcs, int max, uintptr_t skip_to_pc)
{
	void *buf[LW__STACK_MAX + 8];
	if (pcs == NULL || max <= 0)
		return 0;
	if (max > LW__STACK_MAX)
		max = LW__STACK_MAX;
	int n = unw_fn && (!glibc_first || ++captures > GLIBC_CAPTURES) && !from_unwinder(skip_to_pc)
			? unw_fn(buf, max + 8)
			: backtrace(buf, max + 8);
	if (n <= 0)
		return 0;
	int start = 0;
	if (skip_to_pc != 0) {
		for (int i = 0; i < n; i++) {
			if ((uintptr_t)buf[i] == skip_to_pc) {
				start = i;
				break;
			}
		}
	}
	int k = n - start;
	if (k > max)
		k = max;
	for (int i = 0; i < k; i++)
		pcs[i] = (uintptr_t)buf[start + i];
	return k;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 32;
	return h;
}

static uint64_t stack_hash(const uintptr_t *pcs, int n, const struct lw__site *site)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n;
	for (int i = 0; i < n; i++)
		h = mix(h, pcs[i]);
	if (site) {
		h = mix(h, site->pc);
		h = mix(h, (uintptr_t)site->src);
	}
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 32;
	return h;
}

static int entry_matches(const struct entry *e, uint64_t hash, const uintptr_t *pcs, int n,
			 const struct lw__site *site)
{
	if (e->hash != hash || e->n != (uint32_t)n)
		return 0;
	if (site) {
		if (e->src != site->src || e->site_pc != site->pc)
			return 0;
	} else if (e->src != NULL) {
		return 0;
	}
	return memcmp(e->pcs, pcs, (size_t)n * sizeof(uintptr_t)) == 0;
}

/* Bump-allocate sz bytes (a multiple of 16) from the chunks. */
static void *chunk_alloc(size_t sz)
{
	if (sz > chunk_left) {
		char *c = lw__mem_pages(CHUNK_BYTES);
		if (c == NULL)
			return NULL;
		depot_bytes += CHUNK_BYTES;
		chunk_cur = c;
		chunk_left = CHUNK_BYTES;
	}
	void *p = chunk_cur;
	chunk_cur += sz;
	chunk_left -= sz;
	return p;
}

/* Make room for one more entry in the table and the id array. */
static int depot_reserve(void)
{
	if (n_ids == cap_ids) {
		size_t cap = cap_ids ? cap_ids * 2 : 1024;
		struct entry **a = lw__mem_realloc(by_id, cap * sizeof(*a));
		if (a == NULL)
			return -1;
		depot_bytes += (cap - cap_ids) * sizeof(*a);
		by_id = a;
		cap_ids = cap;
	}
	if (n_ids + 1 > nbuckets) {
		size_t nb = nbuckets ? nbuckets * 2 : 1024;
		struct entry **b = lw__mem_calloc(nb, sizeof(*b));
		if (b == NULL)
			return nbuckets ? 0 : -1; /* longer chains still work */
		for (size_t i = 0; i < nbuckets; i++) {
			struct entry *e = buckets[i], *next;
			for (; e; e = next) {
				next = e->next;
				size_t j = (size_t)e->hash & (nb - 1);
				e->next = b[j];
				b[j] = e;
			}
		}
		lw__mem_free(buckets);
		depot_bytes += (nb - nbuckets) * sizeof(*b);
		buckets = b;
		nbuckets = nb;
	}
	return 0;
}

uint32_t lw__stack_intern(const uintptr_t *pcs, int n, const struct lw__site *site)
{
	if (pcs == NULL || n <= 0)
		return 0;
	if (n > LW__STACK_MAX)
		n = LW__STACK_MAX;
	if (site && site->src == NULL)
		site = NULL;
	uint64_t h = stack_hash(pcs, n, site);
	uint32_t id = 0;

	depot_lock();
	if (buckets) {
		for (struct entry *e = buckets[(size_t)h & (nbuckets - 1)]; e; e = e->next) {
			if (entry_matches(e, h, pcs, n, site)) {
				id = e->id;
				break;
			}
		}
	}
	if (id == 0 && n_ids < UINT32_MAX - 1 && depot_reserve() == 0) {
		size_t sz = sizeof(struct entry) + (size_t)n * sizeof(uintptr_t);
		sz = (sz + 15) & ~(size_t)15;
		struct entry *e = chunk_alloc(sz);
		if (e) {
			e->hash = h;
			e->n = (uint32_t)n;
			if (site) {
				e->site_pc = site->pc;
				e->src = site->src;
			} else {
				e->site_pc = 0;
				e->src = NULL;
			}
			memcpy(e->pcs, pcs, (size_t)n * sizeof(uintptr_t));
			size_t j = (size_t)h & (nbuckets - 1);
			e->next = buckets[j];
			buckets[j] = e;
			by_id[n_ids++] = e;
			id = (uint32_t)n_ids;
			e->id = id;
		}
	}
	depot_unlock();
	return id;
}

uint32_t lw__stack_capture(const struct lw__site *site)
{
	uintptr_t pcs[LW__STACK_MAX];
	long depth = lw__opt.stack_depth;
	if (depth < 1)
		depth = 1;
	if (depth > LW__STACK_MAX)
		depth = LW__STACK_MAX;
	int n = lw__stack_raw(pcs, (int)depth, site ? site->pc : 0);
	if (n <= 0)
		return 0;
	return lw__stack_intern(pcs, n, site);
}

int lw__stack_get(uint32_t id, uintptr_t *pcs, int max, struct lw__site *site)
{
	int n = 0;
	depot_lock();
	if (id != 0 && id <= n_ids) {
		const struct entry *e = by_id[id - 1];
		n = (int)e->n;
		if (n > max)
			n = max > 0 ? max : 0;
		if (n > 0 && pcs != NULL)
			memcpy(pcs, e->pcs, (size_t)n * sizeof(uintptr_t));
		if (site) {
			site->pc = e->site_pc;
			site->src = e->src;
		}
	} else if (site) {
		memset(site, 0, sizeof(*site));
	}
	depot_unlock();
	return n;
}

void lw__stack_memory(size_t *stacks, size_t *bytes)
{
	depot_lock();
	if (stacks)
		*stacks = n_ids;
	if (bytes)
		*bytes = depot_bytes;
	depot_unlock();
}


