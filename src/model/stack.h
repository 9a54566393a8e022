/* stack.h - stack capture and the stack depot.
 *
 * Stacks are captured as raw return addresses with libunwind, only on slow
 * paths (a lock sequence not seen before), and interned: the depot keeps
 * each distinct stack once and hands out a 32-bit id. Symbols are looked
 * up only when a report is written (symbols.h). A stack captured through
 * the force-included header also keeps the call site's file, line and
 * function, used for the innermost frame when debug info has none. */
#ifndef LW_STACK_H
#define LW_STACK_H

#include "common.h"
#include "lock.h"

#define LW__STACK_MAX 64

/* Load the unwinders and set libunwind up; once, at start-up. The remote
 * interface's set-up (stack_at.c) is made then only where it must be;
 * else by lw__stack_setup_late, and until then no blocked thread's stack
 * is read. */
void lw__stack_init(void);

/* The watchdog, before its first look: the remote interface's set-up,
 * made by its reader thread (base/aside.h). Once; nothing when made
 * already. */
void lw__stack_setup_late(void);

/* Fork: a child of a set-up under way never makes its own. */
void lw__stack_atfork_child(void);

/* Forget the unwinder's cached rules (after a library was unloaded). */
void lw__stack_flush(void);

/* Capture the caller's stack, dropping the frames inside lockwatch (every
 * frame above the one whose pc is site->pc), and intern it. Call under the
 * guard. Returns the id, or 0 when nothing could be captured. */
uint32_t lw__stack_capture(const struct lw__site *site);

/* One lock call's captures share one stack: a slow twin of an acquire
 * (front/ops.h) opens the memo for its call site, and a lock first used
 * there is captured once for its record (model/lock.c) and again for its
 * first chain (check/held.c): the second capture is the first's id (a
 * lock per request paid two libunwind walks). Only a capture for the same
 * site while the memo is open is answered from it; a signal handler's lock
 * call opens and closes its own, so the interrupted call's memo is then
 * closed and it captures anew. Slow paths only; thread-local. slot is the
 * address of the word holding the opener's return address (0: unknown):
 * when that is site->pc, a capture at a site seen before from the same
 * frames is answered from the thread's site memo (site_memo.h). */
void lw__stack_memo_open(const struct lw__site *site, uintptr_t slot);
void lw__stack_memo_close(void);

/* Capture raw pcs only, into pcs (async-signal-safe: no depot, no locks).
 * Drops frames above skip_to_pc when it is found. Returns the count. */
int lw__stack_raw(uintptr_t *pcs, int max, uintptr_t skip_to_pc);
/* The same from the frame of skip_to_pc on, with where each pc lay:
 * slots[i] is the address of the word that held pcs[i] (a return
 * address); slots[0] is 0 when the places are unknown (no libgcc walk
 * here, a signal frame among them). */
int lw__stack_raw_slots(uintptr_t *pcs, uintptr_t *slots, int max, uintptr_t skip_to_pc);

/* The stack of another thread of this process blocked in a system call,
 * from its stack pointer and pc there (/proc/self/task/TID/syscall),
 * read without stopping or signalling it (stack_at.c): pcs[0] is pc, then
 * return addresses. Returns the count, 0 when it cannot be read (no
 * libunwind-x86_64, process_vm_readv refused). Call under the guard; the
 * caller checks that the thread did not move meanwhile. */
int lw__stack_at(uintptr_t sp, uintptr_t pc, uintptr_t *pcs, int max);
/* The same from a running thread's sample (sample.h): its registers, and
 * its stack as copied then. */
struct lw__sample;
int lw__stack_at_sample(const struct lw__sample *s, uintptr_t *pcs, int max);
/* From lw__stack_init (load: dlopen, dlsym) and its set-up. */
void lw__stack_at_load(void);
void lw__stack_at_setup(void);

/* Intern raw pcs (with an optional site). Returns the id or 0. */
uint32_t lw__stack_intern(const uintptr_t *pcs, int n, const struct lw__site *site);

/* Copy stack `id` out: pcs and (when site is not NULL) its call site.
 * Returns the number of frames, 0 for an unknown id. */
int lw__stack_get(uint32_t id, uintptr_t *pcs, int max, struct lw__site *site);

/* What stack `id` ran, as code: each frame as its object's file and the
 * offset in it, so that the same code loaded elsewhere (a plugin loaded
 * again) has the same key, which its raw addresses do not. Nonzero; 0
 * for an unknown id. Symbolises nothing, but may ask the loader (not
 * under a lock of lockwatch's, nor in a signal handler). */
uint64_t lw__stack_code_key(uint32_t id);

/* A library was unloaded: from now on the same return addresses may be
 * other code, and intern to other stacks (their names and code keys are
 * their own). */
void lw__stack_unloaded(void);

/* Distinct stacks and bytes in the depot. */
void lw__stack_memory(size_t *stacks, size_t *bytes);

/* The depot lock (runtime/init.c takes it around fork). */
struct lw__mutex;
LW__EXTERN struct lw__mutex lw__depot_mu;

#endif
