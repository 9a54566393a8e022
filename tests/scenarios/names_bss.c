/* names_bss.c - global locks deep in .bss are named after their symbols
 * too. A program's zero-initialised globals sit in .bss, of which only the
 * first page shares the executable's file mapping; the rest is anonymous
 * memory in /proc/self/maps. Here a 1 MiB zeroed array (big_table) lies
 * in .bss below the two locks (GCC lays a file's variables out in reverse
 * order of definition; the test checks that the layout is as intended),
 * so the locks are far from any file-backed page. An inversion of
 * deep_a and deep_b must name them "deep_a" and "deep_b", not
 * "mutex@names_bss.c:LINE". Expected: one lock_order_cycle error with
 * those two names, swap_ab and swap_ba in the stacks. */
#include "lwtest.h"

pthread_mutex_t deep_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t deep_b = PTHREAD_MUTEX_INITIALIZER;
char big_table[1 << 20];

__attribute__((noinline)) static void swap_ab(void)
{
	pthread_mutex_lock(&deep_a);
	pthread_mutex_lock(&deep_b);
	big_table[0]++;
	pthread_mutex_unlock(&deep_b);
	pthread_mutex_unlock(&deep_a);
}

__attribute__((noinline)) static void swap_ba(void)
{
	pthread_mutex_lock(&deep_b);
	pthread_mutex_lock(&deep_a);
	big_table[1]++;
	pthread_mutex_unlock(&deep_a);
	pthread_mutex_unlock(&deep_b);
}

static void *ab(void *arg) { (void)arg; swap_ab(); return NULL; }
static void *ba(void *arg) { (void)arg; swap_ba(); return NULL; }

int main(void)
{
	lwt_start();
	CHECK((char *)&deep_a >= big_table + sizeof(big_table) &&
	      (char *)&deep_b >= big_table + sizeof(big_table),
	      "layout: the locks lie above the 1 MiB array (%p %p, array %p)", (void *)&deep_a,
	      (void *)&deep_b, (void *)big_table);
	lwt_run(ab, NULL);
	lwt_run(ba, NULL);
	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_LOCK_ORDER_CYCLE, LW_ERROR);
	CHECK(r != NULL, "an error cycle");
	CHECK(r->n_locks == 2 && r->n_edges == 2, "two locks, two edges");
	CHECK(lwt_has_func(r, "swap_ab") && lwt_has_func(r, "swap_ba"),
	      "swap_ab and swap_ba in the stacks");
	printf("%s", r->text);
	CHECK(lwt_has_lock(r, "deep_a") && lwt_has_lock(r, "deep_b"),
	      "named after their symbols: %s / %s", r->locks[0], r->locks[1]);
	CHECK(strcmp(r->classes[0], r->locks[0]) == 0, "class is the symbol: %s", r->classes[0]);
	return 0;
}
