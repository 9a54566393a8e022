/* unwind.c - the unwinders behind stack capture (see stack.h): glibc's
 * backtrace() and libunwind, loaded privately, and their set-up.
 * libunwind reads memory through lockwatch's own reader, never through
 * its validation pipe, so it keeps no descriptor of the program's and
 * never closes one.
 *
 * A capture walks the caller's stack into a buffer on the stack, so it
 * allocates nothing and takes no lock and may run in a signal handler:
 * with glibc's backtrace() (libgcc's unwinder, where glibc finds unwind
 * tables without a lock) for a thread's first captures, then with
 * unw_backtrace once libunwind is set up. */
#include "stack.h"
#include "alloc.h"
#include "aside.h"
#include "mutex.h"
#include "peek.h"

#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <execinfo.h>
#include <libunwind.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

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
	void (*flush)(void *, uintptr_t, uintptr_t) = lw__load_acq(&unw_flush);
	if (flush && unw_space)
		flush(unw_space, 0, 0); /* 0, 0: everything */
}

/* ---- libunwind without descriptors --------------------------------------
 * libunwind checks that an address it is unsure of can be read by writing
 * it into a pipe of its own, opened at its start-up; when the pipe's
 * descriptor no longer reads (a daemon closed every descriptor), it
 * "re-opens" it by closing that number first, which by then may be the
 * program's own file. So lockwatch replaces the local address space's
 * memory reader with one that asks the kernel directly (process_vm_readv
 * on its own process: no descriptor), and closes the pipe libunwind
 * opened at start-up, which nothing reads any more (the remote
 * interface's is left in the reader thread's own descriptor table,
 * base/aside.h). Where the kernel call is refused (a seccomp filter),
 * libunwind is not used at all. */

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

/* What lw__stack_init loaded from libunwind, for lw__stack_setup. */
static struct {
	void *h;
	void (*flush)(void *space, uintptr_t lo, uintptr_t hi);
	unw_accessors_t *(*get_acc)(unw_addr_space_t);
	int (*policy)(void *, int);
	void **space;
	int (*trace)(void **, int);
} loaded;


/* Make libunwind (loaded as h) read memory without its pipe; 0 when
 * done. Its start-up opens that pipe: the caller closes it, or it stays
 * in a table of lockwatch's own (setup). */
static int unw_no_pipe(void *space)
{
	unw_word_t probe;
	if (!loaded.get_acc || read_word((uintptr_t)&probe, &probe) != 0)
		return -1;
	/* libunwind's start-up (its address space and pipe) is made by
	 * the caching policy's call before, or here */
	unw_accessors_t *acc = loaded.get_acc(space);
	if (!acc || !acc->access_mem)
		return -1;
	unw_access_mem = acc->access_mem;
	__atomic_store_n(&acc->access_mem, access_mem, __ATOMIC_RELEASE);
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

/* libunwind's local start-up (its caches, its pipe: closed by the
 * caller, libunwind's reads go to lockwatch's memory reader) and that
 * reader; then unw_fn goes live. At start-up, when the program has no other thread to open a
 * descriptor meanwhile, nor to unwind with the same libunwind while its
 * memory reader is changed. */
static void setup_local(void)
{
	if (!loaded.h)
		return;
	/* libunwind's default cache of unwind rules is shared and locked; a
	 * fork can leave that lock held in the child. The per-thread cache
	 * (policy 2, UNW_CACHE_PER_THREAD) takes no lock. */
	if (loaded.policy && loaded.space)
		loaded.policy(*loaded.space, 2);
	/* Not in a ThreadSanitizer program: unw_backtrace's cache of each
	 * thread is freed by a thread-specific destructor that takes a
	 * pthread mutex, which there reaches TSan's interceptor after TSan
	 * has finished the thread, and TSan crashes (tsan_exit.c). glibc's
	 * backtrace() keeps nothing per thread. */
	if (loaded.trace && loaded.space && !lw__tsan_here() && unw_no_pipe(*loaded.space) == 0) {
		dl_iterate_phdr(unw_text_add, NULL);
		unw_space = *loaded.space;
		lw__store_rel(&unw_flush, loaded.flush);
		lw__store_rel(&unw_fn, loaded.trace);
	} /* else it would use its pipe: glibc's backtrace() */
}

/* The remote interface's set-up (stack_at.c): 0 to be made by the
 * watchdog's reader, 1 under way, 2 made (or tried), 3 never in this
 * process (a fork's child of a set-up under way: libunwind's own start-up
 * lock may be held there for good). */
static int remote_state;

/* The remote interface's start-up opens a pipe of its own, never read:
 * in the reader's own descriptor table (base/aside.h), where it stays;
 * without the reader, blocked threads' stacks are not read (its pipe
 * would take the program's numbers while its threads run). */
static void remote_job(void *arg)
{
	(void)arg;
	if (lw__aside_private())
		lw__stack_at_setup();
	lw__store_rel(&remote_state, 2);
}

void lw__stack_setup_late(void)
{
	int expected = 0;
	if (!lw__load(&remote_state) &&
	    __atomic_compare_exchange_n(&remote_state, &expected, 1, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		lw__aside(remote_job, NULL);
}

void lw__stack_atfork_child(void)
{
	if (lw__load(&remote_state) == 1)
		lw__store(&remote_state, 3);
}

/* libgcc's unwinder itself (glibc's backtrace() is a walk with it), for a
 * capture that also wants where each return address lies: at each step,
 * with the return address into a frame, the canonical frame address of
 * the frame it returns from (its callee's, libgcc's context->cfa), just
 * above the word that holds that return address. Only where glibc finds
 * unwind tables without a lock (glibc_first). */
struct uw_ctx;
typedef int (*uw_frame_fn)(struct uw_ctx *, void *);
static int (*gcc_walk)(uw_frame_fn, void *);
static uintptr_t (*gcc_ip_info)(struct uw_ctx *, int *);
static uintptr_t (*gcc_cfa)(struct uw_ctx *);

static void gcc_load(void)
{
	void *h = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return;
	gcc_ip_info = (uintptr_t(*)(struct uw_ctx *, int *))dlsym(h, "_Unwind_GetIPInfo");
	gcc_cfa = (uintptr_t(*)(struct uw_ctx *))dlsym(h, "_Unwind_GetCFA");
	if (gcc_ip_info && gcc_cfa)
		gcc_walk = (int (*)(uw_frame_fn, void *))dlsym(h, "_Unwind_Backtrace");
}

struct walk {
	uintptr_t *pcs, *slots, skip_to;
	int n, max, skipped, found, signal;
};

#define URC_END_OF_STACK 5 /* libgcc's _URC_END_OF_STACK: stop the walk */

static int walk_frame(struct uw_ctx *c, void *arg)
{
	struct walk *w = arg;
	int signal = 0;
	uintptr_t ip = gcc_ip_info(c, &signal);
	if (!w->found && ip != w->skip_to) /* lockwatch's own frames */
		return ++w->skipped > LW__STACK_MAX ? URC_END_OF_STACK : 0;
	if (!ip)
		return URC_END_OF_STACK; /* the outermost frame's (glibc drops it too) */
	w->found = 1;
	w->signal |= signal;
	w->pcs[w->n] = ip;
	w->slots[w->n] = gcc_cfa(c) - sizeof(uintptr_t);
	return ++w->n >= w->max ? URC_END_OF_STACK : 0;
}

int lw__stack_raw_slots(uintptr_t *pcs, uintptr_t *slots, int max, uintptr_t skip_to_pc)
{
	if (max > LW__STACK_MAX)
		max = LW__STACK_MAX;
	struct walk w = { .pcs = pcs, .slots = slots, .skip_to = skip_to_pc, .max = max };
	if (max > 0 && skip_to_pc && lw__load(&gcc_walk)) {
		gcc_walk(walk_frame, &w);
		if (w.n > 0 && w.skipped > 0) {
			if (w.signal)
				slots[0] = 0; /* a signal frame's pc is not a return address */
			return w.n;
		}
	}
	slots[0] = 0;
	return lw__stack_raw(pcs, max, skip_to_pc);
}

void lw__stack_init(void)
{
	/* Not with the program's own malloc: libunwind's thread-local state
	 * (a library loaded with dlopen) is allocated with malloc on a
	 * thread's first use, which may be a lock call made inside that
	 * malloc, its heap lock held (base/alloc.h). glibc's backtrace()
	 * keeps no such state. */
	void *h = lw__alloc_foreign ? NULL : dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL);
	if (h) {
		loaded.h = h;
		loaded.policy = (int (*)(void *, int))dlsym(h, "_ULx86_64_set_caching_policy");
		loaded.space = dlsym(h, "_ULx86_64_local_addr_space");
		loaded.flush = (void (*)(void *, uintptr_t, uintptr_t))dlsym(h, "_Ux86_64_flush_cache");
		loaded.trace = (int (*)(void **, int))dlsym(h, "unw_backtrace");
		loaded.get_acc = (unw_accessors_t * (*)(unw_addr_space_t)) dlsym(h, "_Ux86_64_get_accessors");
	}
	lw__stack_at_load();
	/* Where glibc finds unwind tables without a lock (_dl_find_object,
	 * glibc 2.35 and later: safe in a signal handler, even one that
	 * interrupted the loader), a thread's first captures use glibc's
	 * backtrace() (libgcc's unwinder: no per-thread state, but it reads
	 * the unwind tables afresh every time, 3-5x slower), and only a
	 * thread that captures often moves to unw_backtrace, which keeps a
	 * 256 KiB cache in every thread that uses it: a thousand threads
	 * that each take a lock or two cost no cache (270 MB with it).
	 * libunwind is set up here (its start-up: 0.1-0.4 ms; its first
	 * unwind, reading every object's tables, is left to the first
	 * capture that needs it); its remote interface, which only the
	 * watchdog uses, before the watchdog's first look, by the watchdog's
	 * reader (about 0.3 ms less at every program's start), unless a
	 * seccomp filter is in place (the reader's unshare may be refused:
	 * set up now, as without _dl_find_object). Everything that takes the
	 * loader's lock (dlopen, dlsym) is done here, never by the reader,
	 * which a thread stuck in a library's constructor would stop. */
	uint64_t before[16];
	fds_open(before); /* the pipes the start-ups below open get closed */
	setup_local();
	glibc_first = dlsym(RTLD_DEFAULT, "_dl_find_object") != NULL;
	if (!glibc_first || prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0) {
		remote_state = 1;
		lw__stack_at_setup();
		remote_state = 2;
	}
	close_new_pipes(before);
	if (!unw_fn || glibc_first) {
		void *warm[2];
		backtrace(warm, 2); /* its first call loads libgcc_s: do it now */
	}
	if (glibc_first)
		gcc_load();
}

int lw__stack_raw(uintptr_t *pcs, int max, uintptr_t skip_to_pc)
{
	void *buf[LW__STACK_MAX + 8];
	if (pcs == NULL || max <= 0)
		return 0;
	if (max > LW__STACK_MAX)
		max = LW__STACK_MAX;
	int (*unw)(void **, int) = lw__load_acq(&unw_fn);
	int n = unw && (!glibc_first || ++captures > GLIBC_CAPTURES) && !from_unwinder(skip_to_pc)
			? unw(buf, max + 8)
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

