/* misuse_once.c - a mistake repeated in a loop is reported once per lock
 * and call site: release_twice() unlocks an error-checking mutex it does
 * not hold 100 times (EPERM each time, passed through), then another site,
 * release_elsewhere(), does it once more. Expected: exactly two bad_unlock
 * errors, one naming each function. */
#include "lwtest.h"

static pthread_mutex_t session_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

__attribute__((noinline)) static int release_twice(void)
{
	return pthread_mutex_unlock(&session_lock);
}

__attribute__((noinline)) static int release_elsewhere(void)
{
	return pthread_mutex_unlock(&session_lock);
}

int main(void)
{
	lwt_start();
	for (int i = 0; i < 100; i++)
		CHECK(release_twice() == EPERM, "EPERM passed through");
	CHECK(release_elsewhere() == EPERM, "EPERM passed through");
	CHECK(lwt_count(LW_BAD_UNLOCK, LW_ERROR) == 2, "one report per call site, got %d",
	      lwt_count(LW_BAD_UNLOCK, LW_ERROR));
	CHECK(lwt_count(-1, -1) == 2, "nothing else");
	CHECK(lwt_has_func(&lwt_reports[0], "release_twice"), "first: release_twice");
	CHECK(lwt_has_func(&lwt_reports[1], "release_elsewhere"), "second: release_elsewhere");
	CHECK(lw_report_count(LW_BAD_UNLOCK) == 2, "counter");
	return 0;
}
