/* heap.c - the preload library's free, cfree, realloc, reallocarray,
 * munmap and C++ operator delete: memory given back takes its locks with
 * it. A heap std::mutex,
 * or a calloc'd pthread_mutex_t, is never initialised or destroyed by a
 * pthread call; when its block is freed and the address is used again for
 * another lock, that lock must start clean (no old edges, id or name).
 * So the records of every lock in the block are retired (model/lock.c,
 * through its page index) before the block is given back.
 *
 * The common free must stay cheap: it reads one byte of its block's
 * first page (model/pages.h: is there a lock from the block's 64-byte
 * granule on, or on the pages after?) and, when no lock can be in the
 * block, jumps to the real free (realloc asks the same first). Beside a
 * lock, where the allocator is glibc's,
 * it reads the block's size from malloc's word before it and the bits of
 * the block's 64-byte granules (inline, no call), and jumps when none
 * holds a lock. Only then does it ask the allocator for the block's size
 * (malloc_usable_size) and read the block's granules' counters (no lock
 * taken: a neighbour of a block with locks costs no more), and only a
 * block that may hold a lock takes the registry's lock. A thread inside
 * lockwatch (the guard) goes to the real call after the inline test.
 *
 * The real functions are not in the real-function table (base/real.def):
 * dlsym may itself call free (and malloc) while the table is being
 * filled. Each pointer starts at a bootstrap function that looks the real
 * one up (past this library: the next allocator, glibc's or a preloaded
 * jemalloc) and calls it; a free that comes from dlsym while it is being
 * looked up is dropped (a leak of one small block, once). Built only into
 * liblockwatch-preload.so. */
#include "env.h"
#include "guard.h"
#include "lock.h"
#include "object.h"
#include "pages.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define LW__EXPORT __attribute__((visibility("default")))

static void free_boot(void *p);
static void *realloc_boot(void *p, size_t n);
static void *reallocarray_boot(void *p, size_t nmemb, size_t size);
static int munmap_boot(void *addr, size_t len);
static int chunk_word_ok(void);
static int chunk_state; /* 1: read glibc's size word (chunk_word_ok); -1: never */

static void (*real_free)(void *) = free_boot;
static void *(*real_realloc)(void *, size_t) = realloc_boot;
static void *(*real_reallocarray)(void *, size_t, size_t) = reallocarray_boot;
static int (*real_munmap)(void *, size_t) = munmap_boot;
static size_t (*real_usable)(void *);
static int usable_state; /* 0: not looked up; 1: usable; -1: not the free's allocator's */

/* volatile: set around dlsym, read by the bootstraps when dlsym calls
 * free; the compiler, seeing no reader in between, dropped the store
 * (gcc 12), and that nested free looked the real one up again, for good */
static LW__TLS volatile int resolving;

static void *resolve(const char *name)
{
	resolving++;
	void *f = dlsym(RTLD_NEXT, name);
	resolving--;
	return f;
}

static void free_boot(void *p)
{
	if (resolving)
		return; /* dlsym's own free while a real function is looked up */
	void (*f)(void *) = (void (*)(void *))resolve("free");
	if (!f)
		return;
	lw__store_rel(&real_free, f);
	f(p);
}

static void *realloc_boot(void *p, size_t n)
{
	void *(*f)(void *, size_t) = resolving ? NULL : (void *(*)(void *, size_t))resolve("realloc");
	if (!f) {
		errno = ENOMEM;
		return NULL;
	}
	lw__store_rel(&real_realloc, f);
	return f(p, n);
}

static void *reallocarray_boot(void *p, size_t nmemb, size_t size)
{
	void *(*f)(void *, size_t, size_t) =
		resolving ? NULL : (void *(*)(void *, size_t, size_t))resolve("reallocarray");
	if (!f) {
		errno = ENOMEM;
		return NULL;
	}
	lw__store_rel(&real_reallocarray, f);
	return f(p, nmemb, size);
}

static int munmap_boot(void *addr, size_t len)
{
	int (*f)(void *, size_t) = resolving ? NULL : (int (*)(void *, size_t))resolve("munmap");
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	lw__store_rel(&real_munmap, f);
	return f(addr, len);
}

/* Look the real functions up at load time, before the program runs (a
 * free before this, from another library's constructor or the loader,
 * goes through the bootstrap). */
__attribute__((constructor)) static void heap_init(void)
{
	lw__guard_enter();
	void *f;
	if ((f = resolve("free")))
		lw__store_rel(&real_free, (void (*)(void *))f);
	if ((f = resolve("realloc")))
		lw__store_rel(&real_realloc, (void *(*)(void *, size_t))f);
	if ((f = resolve("reallocarray")))
		lw__store_rel(&real_reallocarray, (void *(*)(void *, size_t, size_t))f);
	if ((f = resolve("munmap")))
		lw__store_rel(&real_munmap, (int (*)(void *, size_t))f);
	lw__store_rel(&chunk_state, chunk_word_ok());
	lw__guard_leave();
}

/* The size of the block at p, as its allocator says, or 0 when it cannot
 * say: the malloc_usable_size found past this library must belong to the
 * same object as the free (a preloaded allocator without one would
 * otherwise hand glibc's a block that is not glibc's). Looked up once,
 * under the guard (the loader may allocate); then one call, which takes
 * no lock and frees nothing: no guard. */
static size_t usable(void *p)
{
	int st = lw__load_acq(&usable_state);
	if (lw__unlikely(st == 0)) {
		int saved = errno;
		lw__guard_enter();
		size_t (*u)(void *) = (size_t (*)(void *))resolve("malloc_usable_size");
		void *f = resolve("free");
		st = u && f && lw__object_same((void *)u, f) ? 1 : -1;
		lw__store(&real_usable, u);
		lw__store_rel(&usable_state, st);
		lw__guard_leave();
		errno = saved;
	}
	return st > 0 ? real_usable(p) : 0;
}

/* Retire the locks of the block at p from offset `from` to its end (its
 * whole size when the allocator cannot say: then only a lock at p
 * itself). Returns the block's size. The guard (whose outermost enter
 * turns cancellation off and on again: two calls into glibc each way) is
 * taken only when a lock may lie there: a free near a lock's page, not in
 * its granules, reads lock-free counters alone. */
static size_t retire_block(void *p, size_t from)
{
	size_t size = usable(p);
	uintptr_t lo = (uintptr_t)p, hi = lo + (size ? size : 1);
	if (lo + from < hi && lw__pages_any_in(lo + from, hi)) {
		int saved = errno;
		lw__guard_enter();
		lw__lock_retire_heap(lo + from, hi, 1);
		lw__guard_leave();
		errno = saved;
	}
	return size;
}

/* The word before block p (the pointer laundered: the compiler knows a
 * fresh malloc's bounds and would warn of the read before them). */
static inline size_t chunk_word(const void *p)
{
	const size_t *w = p;
	__asm__("" : "+r"(w));
	return w[-1];
}

/* glibc's malloc keeps a block's size in the word before it (its chunk's
 * size field: the size of the chunk, whose last 8 bytes are the block's,
 * and flags in the low 3 bits, 2: a block of its own mapping). So a free
 * near a lock's page can read the block's extent there and ask the
 * granules' bits (one read, for a block of up to 3.5 KiB) instead of
 * calling malloc_usable_size and reading every granule's counter. Only where the
 * free found past this library is libc.so's, no valgrind tool that
 * brings its own malloc is loaded (memcheck's blocks have no such word: a
 * read there is an error to it; callgrind's core alone is fine), and the
 * word agrees with malloc_usable_size on trial blocks.
 * 1: read it; -1: never. Set by heap_init before the program runs. */
static int chunk_word_ok(void)
{
	struct lw__object o;
	const char *pre = lw__getenv("LD_PRELOAD");
	size_t (*u)(void *) = (size_t (*)(void *))resolve("malloc_usable_size");
	/* the trial blocks come from the malloc next to this free: the one
	 * the program calls may be another's (ASan's, preloaded first) */
	void *(*m)(size_t) = (void *(*)(size_t))resolve("malloc");
	void *f = lw__load(&real_free);
	for (const char *v = pre; v && (v = strstr(v, "vgpreload_")); v += 10)
		if (strncmp(v + 10, "core", 4) != 0)
			return -1; /* a tool's own malloc: memcheck's, drd's, ... */
	if (!u || !m || f == (void *)free_boot || !lw__object_of(f, &o) ||
	    !lw__object_same((void *)u, f) || !lw__object_same((void *)m, f))
		return -1;
	const char *base = strrchr(o.name, '/');
	if (strncmp(base ? base + 1 : o.name, "libc.so", 7) != 0)
		return -1;
	static const size_t sizes[] = { 1, 24, 40, 1000, 5000 };
	int ok = 1;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && ok; i++) {
		void *p = m(sizes[i]);
		if (!p)
			return -1;
		size_t w = chunk_word(p);
		ok = !(w & 2) && (w & ~(size_t)7) - 8 == u(p);
		lw__load(&real_free)(p);
	}
	return ok ? 1 : -1;
}

/* The end of the glibc block at p (not NULL) into *hi, and 1; 0 where the
 * size word is not to be read, or the block is a mapping of its own (big:
 * the general way). */
static inline int chunk_end(const void *p, uintptr_t *hi)
{
	if (lw__load(&chunk_state) <= 0)
		return 0;
	size_t w = chunk_word(p);
	*hi = (uintptr_t)p + (w & ~(size_t)7) - 8;
	return !(w & 2);
}

/* A free that the page counters and the block's granules' bits could
 * not answer: the general way (retire_block; a thread inside lockwatch
 * goes to the real call). */
static __attribute__((noinline)) void free_slow(void *p)
{
	if (p && !lw__guard_up())
		retire_block(p, 0);
	lw__load(&real_free)(p);
}

/* The glibc block [p, hi) of n granules, some of which hold a lock by
 * their bits v: clean when only its first or last granule has one, in
 * words the block does not cover (the struct after it starts with its
 * mutex); else the general way. */
static __attribute__((noinline)) void free_ends(void *p, uintptr_t hi, uint64_t v, uint32_t n)
{
	if (!lw__granules_ends((uintptr_t)p, hi, v, n)) {
		lw__load(&real_free)(p);
		return;
	}
	free_slow(p);
}

/* One load when no lock lies from the block's start to the end of its
 * page, nor on the pages after it (model/pages.h); else, where
 * the allocator is glibc's, the block's extent from its size word and
 * its granules' bits (one read, no call, no lock, no write: so also for a
 * thread inside lockwatch). */
LW__EXPORT void free(void *p)
{
	uintptr_t hi;
	uint64_t v;
	uint32_t n;
	if (lw__likely(!lw__pages_maybe_from(p))) {
		lw__load(&real_free)(p);
		return;
	}
	if (p && chunk_end(p, &hi) && lw__granules_read((uintptr_t)p, hi, &v, &n)) {
		if (lw__likely(v == 0)) {
			lw__load(&real_free)(p);
			return;
		}
		free_ends(p, hi, v, n);
		return;
	}
	free_slow(p);
}

/* glibc's old name for free (a compatibility symbol since 2.26). */
LW__EXPORT void cfree(void *p)
{
	free(p);
}

/* A block that shrinks loses its tail now; one that moves loses its
 * old place once the copy is made (the locks were copied with the bytes:
 * at the new address they are new locks). A lock registered at the old
 * address by another thread in between would be retired too (a new
 * record at its next use): only by a program that reuses freed memory
 * before realloc has returned. */
#define HEAP_REALLOC(p, n, call)                                                          \
	do {                                                                               \
		if (lw__likely(!lw__pages_maybe_from(p)) || !(p) || lw__guard_up())       \
			return (call);                                                     \
		size_t old_ = retire_block((p), (n));                                     \
		void *q_ = (call);                                                         \
		if (q_ && q_ != (p) && (n)) {                                              \
			int saved_ = errno;                                                \
			lw__guard_enter();                                                 \
			uintptr_t lo_ = (uintptr_t)(p);                                    \
			uintptr_t hi_ = lo_ + ((n) < old_ ? (n) : old_ ? old_ : 1);        \
			if (lw__pages_any_in(lo_, hi_))                                    \
				lw__lock_retire_heap(lo_, hi_, -1);                        \
			lw__guard_leave();                                                 \
			errno = saved_;                                                    \
		}                                                                          \
		return q_;                                                                 \
	} while (0)

LW__EXPORT void *realloc(void *p, size_t n)
{
	HEAP_REALLOC(p, n, lw__load(&real_realloc)(p, n));
}

LW__EXPORT void *reallocarray(void *p, size_t nmemb, size_t size)
{
	size_t n;
	if (__builtin_mul_overflow(nmemb, size, &n))
		return lw__load(&real_reallocarray)(p, nmemb, size); /* fails: ENOMEM */
	HEAP_REALLOC(p, n, lw__load(&real_reallocarray)(p, nmemb, size));
}

/* Mappings are rare next to frees: any live record makes it look. */
LW__EXPORT int munmap(void *addr, size_t len)
{
	if (!lw__guard_up() && (lw__pages_live() || lw__pages_overflowed()) && len) {
		int saved = errno;
		lw__guard_enter();
		uintptr_t lo = (uintptr_t)addr, hi = lo + len;
		if (hi < lo)
			hi = UINTPTR_MAX;
		if (lw__pages_any_in(lo, hi))
			lw__lock_retire_heap(lo, hi, 1);
		lw__guard_leave();
		errno = saved;
	}
	return lw__load(&real_munmap)(addr, len);
}

/* C++ operator delete, every form. libstdc++'s calls free, which is the
 * check above: when the next definition is libstdc++'s, each form here is
 * free(p) and nothing more (no second check). An allocator that brings
 * its own (jemalloc, tcmalloc) frees without calling free: then the check
 * runs here, and the allocator's form follows. */
enum { D_PLAIN, D_SIZED, D_ARR, D_ARR_SIZED, D_AL, D_SIZED_AL, D_ARR_AL, D_ARR_SIZED_AL,
       D_NOTHROW, D_ARR_NOTHROW, D_AL_NOTHROW, D_ARR_AL_NOTHROW, N_DELETE };
static const char *const delete_names[N_DELETE] = {
	"_ZdlPv", "_ZdlPvm", "_ZdaPv", "_ZdaPvm",
	"_ZdlPvSt11align_val_t", "_ZdlPvmSt11align_val_t", "_ZdaPvSt11align_val_t",
	"_ZdaPvmSt11align_val_t", "_ZdlPvRKSt9nothrow_t", "_ZdaPvRKSt9nothrow_t",
	"_ZdlPvSt11align_val_tRKSt9nothrow_t", "_ZdaPvSt11align_val_tRKSt9nothrow_t",
};
static void *delete_next[N_DELETE];
enum { HOW_UNKNOWN, HOW_FREE /* libstdc++'s: free(p) */, HOW_NEXT /* check, then next */ };
static uint8_t delete_how[N_DELETE];

/* Look the next forms up (once; racers store the same values). */
static __attribute__((noinline)) void delete_resolve(void)
{
	lw__guard_enter();
	for (int i = 0; i < N_DELETE; i++) {
		struct lw__object o;
		void *f = resolve(delete_names[i]);
		int std = !f || (lw__object_of(f, &o) && strstr(o.name, "libstdc++"));
		lw__store(&delete_next[i], f);
		lw__store_rel(&delete_how[i], (uint8_t)(std ? HOW_FREE : HOW_NEXT));
	}
	lw__guard_leave();
}

typedef void (*del_p)(void *);
typedef void (*del_pn)(void *, size_t);       /* size, or std::align_val_t */
typedef void (*del_pt)(void *, const void *); /* const std::nothrow_t & */
typedef void (*del_pnn)(void *, size_t, size_t);
typedef void (*del_pnt)(void *, size_t, const void *);

/* Every form but libstdc++'s: look up, check, and call the next form with
 * the arguments it takes (a, b: the second and third, when it has them). */
static __attribute__((noinline)) void delete_slow(int i, void *p, uintptr_t a, uintptr_t b)
{
	if (lw__load_acq(&delete_how[i]) == HOW_UNKNOWN)
		delete_resolve();
	void *next = lw__load(&delete_next[i]);
	if (delete_how[i] == HOW_FREE || !next) {
		free(p);
		return;
	}
	if (p && lw__pages_maybe_from(p) && !lw__guard_up())
		retire_block(p, 0);
	switch (i) {
	case D_PLAIN: case D_ARR:
		((del_p)next)(p);
		break;
	case D_SIZED: case D_ARR_SIZED: case D_AL: case D_ARR_AL:
		((del_pn)next)(p, (size_t)a);
		break;
	case D_NOTHROW: case D_ARR_NOTHROW:
		((del_pt)next)(p, (const void *)a);
		break;
	case D_SIZED_AL: case D_ARR_SIZED_AL:
		((del_pnn)next)(p, (size_t)a, (size_t)b);
		break;
	default: /* D_AL_NOTHROW, D_ARR_AL_NOTHROW */
		((del_pnt)next)(p, (size_t)a, (const void *)b);
		break;
	}
}

/* libstdc++'s form is free(p): nothing but that (free checks). */
#define LW__DELETE(i, a, b)                                                            \
	{                                                                              \
		if (lw__likely(lw__load(&delete_how[i]) == HOW_FREE)) {               \
			free(p);                                                       \
			return;                                                        \
		}                                                                      \
		delete_slow((i), p, (uintptr_t)(a), (uintptr_t)(b));                   \
	}

/* operator delete(void *) */
LW__EXPORT void _ZdlPv(void *p)
LW__DELETE(D_PLAIN, 0, 0)
/* operator delete(void *, std::size_t) */
LW__EXPORT void _ZdlPvm(void *p, size_t n)
LW__DELETE(D_SIZED, n, 0)
/* operator delete[](void *) */
LW__EXPORT void _ZdaPv(void *p)
LW__DELETE(D_ARR, 0, 0)
/* operator delete[](void *, std::size_t) */
LW__EXPORT void _ZdaPvm(void *p, size_t n)
LW__DELETE(D_ARR_SIZED, n, 0)
/* operator delete(void *, std::align_val_t) */
LW__EXPORT void _ZdlPvSt11align_val_t(void *p, size_t al)
LW__DELETE(D_AL, al, 0)
/* operator delete(void *, std::size_t, std::align_val_t) */
LW__EXPORT void _ZdlPvmSt11align_val_t(void *p, size_t n, size_t al)
LW__DELETE(D_SIZED_AL, n, al)
/* operator delete[](void *, std::align_val_t) */
LW__EXPORT void _ZdaPvSt11align_val_t(void *p, size_t al)
LW__DELETE(D_ARR_AL, al, 0)
/* operator delete[](void *, std::size_t, std::align_val_t) */
LW__EXPORT void _ZdaPvmSt11align_val_t(void *p, size_t n, size_t al)
LW__DELETE(D_ARR_SIZED_AL, n, al)
/* operator delete(void *, const std::nothrow_t &) */
LW__EXPORT void _ZdlPvRKSt9nothrow_t(void *p, const void *nt)
LW__DELETE(D_NOTHROW, nt, 0)
/* operator delete[](void *, const std::nothrow_t &) */
LW__EXPORT void _ZdaPvRKSt9nothrow_t(void *p, const void *nt)
LW__DELETE(D_ARR_NOTHROW, nt, 0)
/* operator delete(void *, std::align_val_t, const std::nothrow_t &) */
LW__EXPORT void _ZdlPvSt11align_val_tRKSt9nothrow_t(void *p, size_t al, const void *nt)
LW__DELETE(D_AL_NOTHROW, al, nt)
/* operator delete[](void *, std::align_val_t, const std::nothrow_t &) */
LW__EXPORT void _ZdaPvSt11align_val_tRKSt9nothrow_t(void *p, size_t al, const void *nt)
LW__DELETE(D_ARR_AL_NOTHROW, al, nt)
