/* site_memo.h - the stacks a thread captured before at a call site whose
 * frame was where it is now (site_memo.c).
 *
 * A lock made per request (a C++ object's mutex, CPython's lock of every
 * Condition.wait, a future's shared state) is registered at its first use,
 * and that first use captures a stack: 1,700 instructions in a shallow
 * program, thousands in a deep one, every time. Made again and again from
 * the same code, the stack is the same. The memo keeps, per thread, a few
 * call sites' last stacks with where on the stack each of their return
 * addresses lay: when the call site's own return address is at the same
 * address again, and every other return address of that stack is at its
 * address again, the stack is the same one (the unwinder, started from
 * the same frame with the same return addresses, walks the same frames),
 * and its id is the answer, with no unwinding.
 *
 * The memo needs the address of the word holding the call site's return
 * address (front/ops.h, LW__RA_SLOT); without it, there is no memo.
 * A site is recorded the second time its frame is seen (the first capture
 * stays as cheap as ever: a stack seen once is never recorded). */
#ifndef LW_SITE_MEMO_H
#define LW_SITE_MEMO_H

#include "common.h"
#include "lock.h"

/* The stack id recorded for site at slot (the address of the word that
 * holds site->pc), in depot generation gen, at most depth frames deep,
 * when every return address is where it was: its id. Else 0, and *again
 * is 1 when the site was seen at this slot before (the caller then
 * captures with the return addresses' places, and notes them). */
uint32_t lw__site_memo_find(const struct lw__site *site, uintptr_t slot, int depth,
			    unsigned gen, int *again);

/* Note a capture at site, slot: with places (slots[i] is the address of
 * the word that held pcs[i]; slots[0] == slot), the stack's id is
 * recorded; without (slots NULL), only that the site was seen there. */
void lw__site_memo_note(const struct lw__site *site, uintptr_t slot, int depth, unsigned gen,
			uint32_t id, const uintptr_t *pcs, const uintptr_t *slots, int n);

#endif
