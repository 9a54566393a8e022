/* hint.c - unit test of a lock's hint (src/model/lock.h): the word a
 * process-private mutex carries to name its record, decoded on the fast
 * path by a subtraction, a compare and an add. Every record made in the
 * region of hinted records (model/records.c) is named by its own hint;
 * the first one made past the region gets the word that names none but
 * says "used before"; and no other value names anything outside the
 * records made: 0 (a lock never used), 1, values below the bias, the
 * first byte past the region's reach, a robust mutex's list pointer.
 * Where the process has an address-space limit no region is reserved:
 * then every record gets the "used before" word. */
#include "unit.h"

#include "lock.h"
#include "records.h"

#include <pthread.h>
#include <sys/resource.h>

#define REGION_RECORDS 524288 /* records.c: 512 chunks of 1,024 */

static uint64_t *word(pthread_mutex_t *m)
{
	return lw__hint_word(m, LW__MUTEX);
}

/* The record the word names once it holds v (NULL: none). */
static struct lw__lock *named(pthread_mutex_t *m, uint64_t v)
{
	*word(m) = v;
	return lw__lock_hinted(m, LW__MUTEX);
}

int main(void)
{
	lw__opt.hint = 1;
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	struct rlimit as;
	int limited = getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY;

	CHECK(named(&m, 0) == NULL); /* nothing made yet: no reach */
	struct lw__lock *first = lw__record_alloc();
	CHECK(first != NULL);
	if (!first)
		return unit_end();
	lw__lock_hint(first, &m, LW__MUTEX);
	if (limited) {
		CHECKF(*word(&m) == LW__HINT_AWAY, "no region under RLIMIT_AS: %llx",
		       (unsigned long long)*word(&m));
		CHECK(lw__lock_hinted(&m, LW__MUTEX) == NULL);
		return unit_end();
	}
	CHECK(*word(&m) == LW__HINT_BIAS);
	CHECK(lw__lock_hinted(&m, LW__MUTEX) == first);

	/* the records of the region, then one past it */
	struct lw__lock *last = first, *past = NULL;
	for (size_t i = 1; i <= REGION_RECORDS; i++) {
		struct lw__lock *l = lw__record_alloc();
		CHECK(l != NULL);
		if (!l)
			return unit_end();
		if (i < REGION_RECORDS)
			last = l;
		else
			past = l;
		if (i % 4099 == 0 || i >= REGION_RECORDS - 1) {
			lw__lock_hint(l, &m, LW__MUTEX);
			if (i < REGION_RECORDS)
				CHECKF(lw__lock_hinted(&m, LW__MUTEX) == l, "record %zu", i);
		}
	}
	CHECK((char *)last - (char *)first == (REGION_RECORDS - 1) * 128);
	lw__lock_hint(past, &m, LW__MUTEX);
	CHECKF(*word(&m) == LW__HINT_AWAY, "past the region: %llx", (unsigned long long)*word(&m));
	CHECK(lw__lock_hinted(&m, LW__MUTEX) == NULL);

	/* what names nothing */
	uint64_t reach = lw__records_reach;
	CHECK(reach == (uint64_t)REGION_RECORDS * 128 - 127);
	CHECK(named(&m, 0) == NULL);
	CHECK(named(&m, 1) == NULL);
	CHECK(named(&m, LW__HINT_BIAS - 1) == NULL);
	CHECK(named(&m, LW__HINT_BIAS + reach) == NULL);
	CHECK(named(&m, (uint64_t)(uintptr_t)&m) == NULL); /* a list pointer */
	CHECK(named(&m, UINT64_MAX) == NULL);
	/* the last byte a hint may name: a record's whole first line still
	 * lies in the region's pages (what the fast path reads there) */
	struct lw__lock *edge = named(&m, LW__HINT_BIAS + reach - 1);
	CHECK(edge == last);
	return unit_end();
}
