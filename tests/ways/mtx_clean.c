/* mtx_clean.c - C11 <threads.h> mutexes used correctly, none of it a
 * report in any way in:
 *  - recursive(): a mtx_recursive mutex taken three deep (glibc makes a
 *    recursive pthread mutex: not a self-deadlock), then given back;
 *  - trying(): holding A, mtx_trylock of B (a try cannot block: no edge),
 *    while ordered() takes B then A: no cycle;
 *  - waiting(): takes M, then A (M -> A, as ordered() does), then waits
 *    on a condition with M (cnd_timedwait, deadline passed: it returns
 *    holding M again, A held all along); the re-acquire of M inside the
 *    wait is no A -> M edge, so no cycle; then a cnd_wait woken by
 *    signaller().
 * The wrapper API has no C11 types: that way is skipped. */
#include <stdio.h>
#include <threads.h>
#include <time.h>

#ifdef LW_AS_WRAPPER_H
/* the wrapper form is built, never run (WAYS_SKIP) */
int main(void)
{
	return 1;
}
#else

static mtx_t rec, lock_a, lock_b, lock_m;
static cnd_t cond;
static int counter, failed, ready;

static int recursive(void *arg)
{
	for (int i = 0; i < 3; i++)
		failed += mtx_lock(&rec) != thrd_success;
	counter++;
	for (int i = 0; i < 3; i++)
		failed += mtx_unlock(&rec) != thrd_success;
	return arg != NULL;
}

static int trying(void *arg)
{
	failed += mtx_lock(&lock_a) != thrd_success;
	if (mtx_trylock(&lock_b) == thrd_success) {
		counter++;
		failed += mtx_unlock(&lock_b) != thrd_success;
	}
	failed += mtx_unlock(&lock_a) != thrd_success;
	return arg != NULL;
}

static int ordered(void *arg)
{
	failed += mtx_lock(&lock_b) != thrd_success;
	failed += mtx_lock(&lock_a) != thrd_success;
	counter++;
	failed += mtx_unlock(&lock_a) != thrd_success;
	failed += mtx_unlock(&lock_b) != thrd_success;
	failed += mtx_lock(&lock_m) != thrd_success;
	failed += mtx_lock(&lock_a) != thrd_success;
	counter++;
	failed += mtx_unlock(&lock_a) != thrd_success;
	failed += mtx_unlock(&lock_m) != thrd_success;
	return arg != NULL;
}

static int waiting(void *arg)
{
	struct timespec now;
	failed += mtx_lock(&lock_m) != thrd_success;
	failed += mtx_lock(&lock_a) != thrd_success;
	timespec_get(&now, TIME_UTC);
	failed += cnd_timedwait(&cond, &lock_m, &now) != thrd_timedout;
	failed += mtx_unlock(&lock_a) != thrd_success;
	ready = 1;
	while (ready != 2)
		failed += cnd_wait(&cond, &lock_m) != thrd_success;
	counter++;
	failed += mtx_unlock(&lock_m) != thrd_success;
	return arg != NULL;
}

static int signaller(void *arg)
{
	for (;;) {
		failed += mtx_lock(&lock_m) != thrd_success;
		if (ready == 1) {
			ready = 2;
			failed += cnd_signal(&cond) != thrd_success;
			failed += mtx_unlock(&lock_m) != thrd_success;
			return arg != NULL;
		}
		failed += mtx_unlock(&lock_m) != thrd_success;
		thrd_yield();
	}
}

static void run(thrd_start_t fn)
{
	thrd_t t;
	int res;
	thrd_create(&t, fn, NULL);
	thrd_join(t, &res);
}

int main(void)
{
	thrd_t w, s;
	int res;
	failed += mtx_init(&rec, mtx_plain | mtx_recursive) != thrd_success;
	failed += mtx_init(&lock_a, mtx_plain) != thrd_success;
	failed += mtx_init(&lock_b, mtx_timed) != thrd_success;
	failed += mtx_init(&lock_m, mtx_plain) != thrd_success;
	failed += cnd_init(&cond) != thrd_success;
	run(recursive);
	run(trying);
	run(ordered);
	thrd_create(&w, waiting, NULL);
	thrd_create(&s, signaller, NULL);
	thrd_join(w, &res);
	thrd_join(s, &res);
	cnd_destroy(&cond);
	mtx_destroy(&lock_m);
	mtx_destroy(&lock_b);
	mtx_destroy(&lock_a);
	mtx_destroy(&rec);
	printf("counter %d, failed calls %d\n", counter, failed);
	return 0;
}
#endif
