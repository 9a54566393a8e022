/* mem.h - lockwatch's own memory: every allocation the library makes
 * for its model, its checks and its runtime comes from here, straight
 * from the kernel (mmap), never from the program's malloc.
 *
 * The program's allocator may be its own (jemalloc or mimalloc linked
 * into the executable, as rustc does) and take pthread locks that
 * lockwatch sees: a lock call made inside that allocator, with its heap
 * lock held, must never come back into it (the heap lock is not
 * recursive), and lockwatch must never wait in it while holding a lock of
 * its own that such a call needs (two threads, each waiting for the
 * other's lock). So nothing that runs in a lock call or under an internal
 * lock allocates through malloc. (Reports still do, in libdw and the
 * demangler; see report/.)
 *
 * Blocks carry a 16-byte header. Sizes up to 128 KiB come in powers of
 * two from free lists, carved from 1 MiB regions; larger ones are mapped
 * and unmapped whole. Every block is zeroed when handed out. One internal
 * mutex (lw__mem_mu, last in the fork order) guards the lists; a thread
 * holding it is inside the guard, so a signal handler's lock call passes
 * straight through. */
#ifndef LW_MEM_H
#define LW_MEM_H

#include "common.h"
#include "mutex.h"

LW__EXTERN struct lw__mutex lw__mem_mu;

/* n bytes of fresh zeroed pages from the kernel (mmap, private and
 * anonymous, with `flags` added: MAP_POPULATE), or NULL. A failure is
 * noted in the run record (lw__verdict_short): from then on lockwatch may
 * miss what it had no room for, and `lockwatch run` says so. */
void *lw__os_map(size_t n, int flags);

/* n zeroed bytes, or NULL (out of memory, or n is 0 past SIZE_MAX / 2). */
void *lw__mem_alloc(size_t n);

/* k * n zeroed bytes; NULL on overflow or out of memory. */
void *lw__mem_calloc(size_t k, size_t n);

/* p grown or shrunk to n bytes, its contents kept (up to n), new bytes
 * zeroed; p NULL allocates. NULL when out of memory (p is then kept). */
void *lw__mem_realloc(void *p, size_t n);

/* Give back a block (NULL: nothing). */
void lw__mem_free(void *p);

/* A copy of s (NULL when out of memory). */
char *lw__mem_strdup(const char *s);

/* Zeroed pages, page-aligned, resident at once, never freed (chunks of
 * records, edges, the stack depot's): n rounded up to whole pages. NULL
 * when out of memory. */
void *lw__mem_pages(size_t n);

/* Address space of n bytes (whole pages) that nothing can use until
 * lw__mem_pages_at maps pages in it: mapped with no access and no memory
 * behind it; NULL (errno kept) when the kernel refuses, which is not a
 * shortage: the caller takes lw__mem_pages' chunks instead. */
void *lw__mem_reserve(size_t n);

/* Zeroed pages, resident at once, never freed, at p in a reservation
 * (whole pages): as lw__mem_pages, at a place of the caller's. 0, or -1
 * when the kernel refuses (out of memory, a sandbox that forbids
 * mprotect; errno kept, nothing noted: the caller takes lw__mem_pages'
 * chunks instead). */
int lw__mem_pages_at(void *p, size_t n);

/* Give back the memory of n bytes at p (page-aligned) that stay mapped:
 * an old table a lock-free reader may still be in, or a spare to reuse.
 * They read as zeros after, whether the kernel took them back or refused
 * (pages locked by mlockall: then they are zeroed here, word by word). */
void lw__mem_give_back(void *p, size_t n);

/* Bytes mapped so far (regions, large blocks, pages). */
size_t lw__mem_mapped(void);

#endif
