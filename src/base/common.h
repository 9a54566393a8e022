/* common.h - what every lockwatch source file shares: the build switches,
 * branch hints, relaxed-atomic shorthands and the die macro for failures
 * that cannot happen. Names: lw_ is public, lw__ is internal across files,
 * plain static names stay inside one file. */
#ifndef LW_COMMON_H
#define LW_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#define LOCKWATCH_BUILDING 1

#include <stddef.h>
#include <stdint.h>
/* before lockwatch.h, which declares the C11 entry points (lw_mtx_*_at)
 * only where <threads.h> was read */
#include <threads.h>
#include "lockwatch.h"

#define lw__likely(x) __builtin_expect(!!(x), 1)
#define lw__unlikely(x) __builtin_expect(!!(x), 0)

/* Inlined even where the compiler would not (the slow twins' miss path). */
#define LW__ALWAYS_INLINE inline __attribute__((always_inline))

#define lw__load(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define lw__store(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define lw__load_acq(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define lw__store_rel(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

/* Orders this thread's memory accesses against a signal handler that
 * interrupts it (a compiler barrier: no instruction). */
#define lw__signal_fence() __atomic_signal_fence(__ATOMIC_SEQ_CST)

/* Does the word at p, read from memory now (a relaxed load), differ from
 * v? One compare with a memory operand, where a load and a compare would
 * take two instructions and a register (the fast path pays for registers
 * in saves). */
static inline int lw__differs(const uint64_t *p, uint64_t v)
{
	int ne;
	__asm__ volatile("cmpq %2, %1" : "=@ccne"(ne) : "m"(*p), "er"(v));
	return ne;
}

/* The same for 4 bytes, as an acquire load: nothing the caller reads
 * after it is read before it (a compiler barrier; x86 orders the loads). */
static inline int lw__differs32_acq(const uint32_t *p, uint32_t v)
{
	int ne;
	__asm__ volatile("cmpl %2, %1" : "=@ccne"(ne) : "m"(*p), "ir"(v) : "memory");
	return ne;
}

#define LW__TLS __thread __attribute__((tls_model("initial-exec")))

/* A variable of lockwatch's own, declared in a header: hidden in the
 * declaration too (-fvisibility=hidden hides only definitions), so the
 * compiler reaches it directly, not through the GOT (the fast path's
 * loads of the tick and the real-function table: one instruction each). */
#define LW__EXTERN extern __attribute__((visibility("hidden")))

/* An invariant broke: print file:line and abort. */
#define lw__die(msg) lw__die_at(__FILE__, __LINE__, (msg))
__attribute__((noreturn)) void lw__die_at(const char *file, int line, const char *msg);

#endif
