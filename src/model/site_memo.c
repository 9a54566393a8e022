/* site_memo.c - the stacks a thread captured before at a call site whose
 * frame was where it is now (see site_memo.h).
 *
 * Per thread (in its state, struct lw__thread), a few entries, each a call site (pc and header source), the
 * address of the word that held its return address, and the stack then
 * captured: its id, its return addresses, and where each lay, as offsets
 * above that word. An entry is written only by its thread, in a signal
 * handler too: a sequence count, odd while it is written, makes a reader
 * that a handler's write interrupted miss, and a handler that interrupts
 * a write leaves the entry alone. */
#include "site_memo.h"
#include "thread.h"


#define WAYS 3        /* entries per thread, by site and place (three keep
		       * struct lw__thread on the three pages it touches) */
#define DEPTH 16      /* frames an entry keeps (option stack_depth's default) */
#define SPAN (1u << 20) /* a stack spread wider than this is not kept */

struct entry {
	unsigned seq;         /* odd while written */
	uint32_t id;          /* 0: seen at this place, not recorded */
	unsigned gen;         /* the depot's generation when recorded */
	uint16_t depth, n;    /* option stack_depth then; frames kept */
	uintptr_t pc, slot;
	const lw_site_t *src;
	uint32_t off[DEPTH];  /* where pcs[i] lay, above slot (off[0] == 0) */
	uintptr_t pcs[DEPTH];
};

/* The entries live in the thread's state (thread.h says why). */
_Static_assert(sizeof(struct entry) * WAYS <= sizeof(((struct lw__thread *)0)->site_memo),
	       "the site memo's room in struct lw__thread");

/* The calling thread's entry for pc at slot; NULL without a state. */
static struct entry *way_of(uintptr_t pc, uintptr_t slot)
{
	struct lw__thread *t = lw__guard_state();
	if (!t)
		return NULL;
	uint64_t h = ((uint64_t)pc ^ (uint64_t)slot * 0x9E3779B97F4A7C15ull) >> 32;
	return (struct entry *)t->site_memo + h % WAYS;
}

static int same_site(const struct entry *e, const struct lw__site *site, uintptr_t slot)
{
	return e->pc == site->pc && e->slot == slot && e->src == site->src;
}

/* Does every return address of e lie where it did? Reads the caller's
 * stack above slot (live frames: slot is the word the open call's site
 * returns through), lowest first, so that a stack that differs stops the
 * walk inside the frames it shares; words in the program's frames that
 * the sanitizer may have marked (a redzone a return address now takes)
 * are read as they are. */
__attribute__((no_sanitize_address)) static int still_there(const struct entry *e, uintptr_t slot)
{
	for (unsigned i = 0; i < e->n; i++)
		if (*(const volatile uintptr_t *)(slot + e->off[i]) != e->pcs[i])
			return 0;
	return 1;
}

uint32_t lw__site_memo_find(const struct lw__site *site, uintptr_t slot, int depth,
			    unsigned gen, int *again)
{
	*again = 0;
	if (!slot || depth > DEPTH)
		return 0;
	struct entry *e = way_of(site->pc, slot);
	if (!e)
		return 0;
	unsigned seq = e->seq;
	lw__signal_fence();
	if ((seq & 1) || !same_site(e, site, slot))
		return 0;
	uint32_t id = e->id;
	if (!id || e->gen != gen || e->depth != depth || !still_there(e, slot))
		id = 0;
	lw__signal_fence();
	if (e->seq != seq)
		return 0; /* a handler wrote it meanwhile */
	*again = !id;
	return id;
}

/* Are the places usable: the site's own first, then each higher than the
 * one before, all within SPAN? (A stack that crossed into another one, a
 * signal handler's, is not.) */
static int places_fit(const uintptr_t *slots, int n, uintptr_t slot)
{
	if (slots[0] != slot)
		return 0;
	for (int i = 1; i < n; i++)
		if (slots[i] <= slots[i - 1] || slots[i] - slot >= SPAN)
			return 0;
	return 1;
}

void lw__site_memo_note(const struct lw__site *site, uintptr_t slot, int depth, unsigned gen,
			uint32_t id, const uintptr_t *pcs, const uintptr_t *slots, int n)
{
	if (!slot || depth > DEPTH || n <= 0 || n > DEPTH)
		return;
	struct entry *e = way_of(site->pc, slot);
	if (!e || (e->seq & 1))
		return; /* no state; or this handler interrupted its thread's write */
	e->seq++;
	lw__signal_fence();
	e->pc = site->pc;
	e->slot = slot;
	e->src = site->src;
	e->id = 0;
	if (slots && id && places_fit(slots, n, slot)) {
		for (int i = 0; i < n; i++) {
			e->off[i] = (uint32_t)(slots[i] - slot);
			e->pcs[i] = pcs[i];
		}
		e->n = (uint16_t)n;
		e->depth = (uint16_t)depth;
		e->gen = gen;
		e->id = id;
	}
	lw__signal_fence();
	e->seq++;
}
