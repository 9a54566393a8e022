/* chains.c - white-box test of the held stack's chain hashes (links the
 * static library and reads the calling thread's state).
 *
 * A held entry keeps no call site: when a lock below it is released out of
 * order, or released for a condition-variable wait, the entries above are
 * re-hashed from the site part recovered from their old chain. A wrong
 * re-hash would make every later acquisition on that thread take the slow
 * path (or, worse, hit a cache entry made for other locks). Checked here:
 * after each of those, every chain equals the chain the same locks make
 * when taken afresh in that order, including a try-acquired entry, and a
 * chain checked before is found in the cache (no new slow path). */
#include "lwtest.h"

#include "held.h"

static lw_mutex_t A = LW_MUTEX_INITIALIZER, B = LW_MUTEX_INITIALIZER,
		  C = LW_MUTEX_INITIALIZER, D = LW_MUTEX_INITIALIZER,
		  M = LW_MUTEX_INITIALIZER;

/* every lock taken from one call site: chains then depend on the locks */
__attribute__((noinline)) static void take(lw_mutex_t *m)
{
	CHECK(lw_mutex_lock(m) == 0, "lock");
}

__attribute__((noinline)) static void try_take(lw_mutex_t *m)
{
	CHECK(lw_mutex_trylock(m) == 0, "trylock");
}

static struct lw__thread *self(void)
{
	struct lw__thread *t = lw__guard_state();
	CHECK(t != NULL, "thread state");
	return t;
}

static void chains_of(uint64_t *out, unsigned n)
{
	struct lw__thread *t = self();
	CHECK(t->n_held == n, "held %u, expected %u", t->n_held, n);
	for (unsigned i = 0; i < n; i++)
		out[i] = t->held[i].chain;
}

static void same(const uint64_t *want, unsigned n, const char *what)
{
	uint64_t got[8];
	chains_of(got, n);
	for (unsigned i = 0; i < n; i++)
		CHECK(got[i] == want[i], "%s: entry %u chain %#llx, fresh %#llx", what, i,
		      (unsigned long long)got[i], (unsigned long long)want[i]);
}

int main(void)
{
	lwt_start();
	uint64_t fresh_bc[2], fresh_bcm[3], fresh_btc[2], fresh_bcd[3];

	/* the chains of fresh acquisitions */
	take(&B), take(&C);
	chains_of(fresh_bc, 2);
	take(&D);
	chains_of(fresh_bcd, 3);
	lw_mutex_unlock(&D), lw_mutex_unlock(&C), lw_mutex_unlock(&B);
	/* B, C, M (M on top, as after the cond wait below) by the fresh
	 * formula: taking them so would make a C -> M edge and a cycle */
	uint64_t site = lw__chain_site(fresh_bc[0], 0, B.lw__rec); /* take()'s pc */
	fresh_bcm[0] = fresh_bc[0];
	fresh_bcm[1] = fresh_bc[1];
	take(&M);
	lw_mutex_unlock(&M);
	CHECK(M.lw__rec != NULL, "M registered");
	fresh_bcm[2] = lw__chain_next(fresh_bc[1], M.lw__rec, LW__WRITE, 0, (uintptr_t)site);
	take(&B), try_take(&C);
	chains_of(fresh_btc, 2);
	lw_mutex_unlock(&C), lw_mutex_unlock(&B);
	CHECK(fresh_bc[1] != fresh_btc[1], "a try-acquire has its own chain");

	/* out-of-order release: A, B, C held, A released first */
	take(&A), take(&B), take(&C);
	lw_mutex_unlock(&A);
	same(fresh_bc, 2, "after releasing the bottom lock");
	unsigned slow = self()->n_slow;
	take(&D);
	same(fresh_bcd, 3, "D on top");
	CHECK(self()->n_slow == slow, "B, C, D was checked before: no slow path (%u -> %u)",
	      slow, self()->n_slow);
	lw_mutex_unlock(&D), lw_mutex_unlock(&C), lw_mutex_unlock(&B);

	/* a try-acquired entry keeps its try bit through a re-hash */
	take(&A), take(&B), try_take(&C);
	lw_mutex_unlock(&A);
	same(fresh_btc, 2, "try entry after releasing the bottom lock");
	lw_mutex_unlock(&C), lw_mutex_unlock(&B);

	/* a condition-variable wait: M leaves the middle and comes back on top */
	pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
	take(&B), take(&M), take(&C);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	CHECK(lw_cond_timedwait(&cv, &M, &ts) == ETIMEDOUT, "timed wait times out");
	same(fresh_bcm, 3, "after the cond wait");
	lw_mutex_unlock(&C), lw_mutex_unlock(&M), lw_mutex_unlock(&B);

	CHECK(self()->n_held == 0, "nothing held");
	CHECK(lwt_count(-1, -1) == 0, "no report, got %d", lwt_count(-1, -1));
	printf("chains: re-hashed chains equal fresh ones\n");
	return 0;
}
