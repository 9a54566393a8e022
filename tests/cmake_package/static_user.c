/* static_user.c - the wrapper API from the static library: an inversion
 * of two lw_mutex_t is one error report (lw_error_count() == 1); exits 0
 * when it is. */
#include <lockwatch.h>
#include <stdio.h>

static lw_mutex_t a = LW_MUTEX_INITIALIZER, b = LW_MUTEX_INITIALIZER;

int main(void)
{
	lw_set_options("log=/dev/null");
	lw_mutex_lock(&a);
	lw_mutex_lock(&b);
	lw_mutex_unlock(&b);
	lw_mutex_unlock(&a);
	lw_mutex_lock(&b);
	lw_mutex_lock(&a);
	lw_mutex_unlock(&a);
	lw_mutex_unlock(&b);
	printf("errors: %lu\n", lw_error_count());
	return lw_error_count() == 1 ? 0 : 1;
}
