/* static_init_recursive.cpp - a function-local static used again by its
 * own constructor: the C++ runtime's guard waits for the initialisation
 * in progress, its own, for good (libstdc++ sees no recursion with
 * threads). Natively it hangs. Under lockwatch, a self_deadlock error
 * naming the static's guard (`guard variable for catalog()::c`) and
 * build_catalog; status 66. (Before, the guard's wait was unseen: a hang
 * with nothing said.) */
#include <pthread.h>
#include <stdio.h>

struct Catalog {
	int items;
	Catalog();
};

__attribute__((noinline)) static Catalog &catalog(void)
{
	static Catalog c; /* its constructor comes back here */
	return c;
}

__attribute__((noinline)) static int build_catalog(void)
{
	return catalog().items + 1; /* the initialisation in progress */
}

Catalog::Catalog() : items(build_catalog()) {}

static void *worker(void *arg)
{
	(void)arg;
	return (void *)(long)catalog().items;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 1;
	pthread_join(t, NULL);
	printf("not reached\n");
	return 0;
}
