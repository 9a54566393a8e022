/* recursive.c - recursive mutexes taken again by their owner. tree_lock
 * (PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP) is taken twice through walk()
 * recursing; node_lock (pthread_mutexattr_settype RECURSIVE) three times.
 * A re-acquire is no self-deadlock and makes no lock-order edge: visit()
 * holds tree_lock, takes leaf_lock, then takes tree_lock again, which
 * would be the edge leaf_lock -> tree_lock and a false cycle with
 * tree_lock -> leaf_lock. The unlocks match the locks, so there is no bad
 * unlock either, and the lock is really free afterwards (another thread
 * takes it). Expected: no report at all. */
#include "lwtest.h"

pthread_mutex_t tree_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
pthread_mutex_t leaf_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t node_lock;
static int nodes;

__attribute__((noinline)) static void walk(int depth)
{
	CHECK(pthread_mutex_lock(&tree_lock) == 0, "lock tree_lock at depth %d", depth);
	nodes++;
	if (depth < 2)
		walk(depth + 1);
	CHECK(pthread_mutex_unlock(&tree_lock) == 0, "unlock tree_lock");
}

__attribute__((noinline)) static void visit(void)
{
	pthread_mutex_lock(&tree_lock);
	pthread_mutex_lock(&leaf_lock);
	pthread_mutex_lock(&tree_lock);
	nodes++;
	pthread_mutex_unlock(&tree_lock);
	pthread_mutex_unlock(&leaf_lock);
	pthread_mutex_unlock(&tree_lock);
}

__attribute__((noinline)) static void nest3(void)
{
	for (int i = 0; i < 3; i++)
		CHECK(pthread_mutex_lock(&node_lock) == 0, "lock node_lock %d", i);
	nodes++;
	for (int i = 0; i < 3; i++)
		CHECK(pthread_mutex_unlock(&node_lock) == 0, "unlock node_lock %d", i);
}

static void *walker(void *arg) { (void)arg; walk(0); visit(); nest3(); return NULL; }

/* Another thread takes both: they must be free. */
static void *other(void *arg)
{
	(void)arg;
	CHECK(pthread_mutex_trylock(&tree_lock) == 0, "tree_lock free again");
	CHECK(pthread_mutex_trylock(&node_lock) == 0, "node_lock free again");
	pthread_mutex_unlock(&node_lock);
	pthread_mutex_unlock(&tree_lock);
	return NULL;
}

int main(void)
{
	pthread_mutexattr_t a;
	lwt_start();
	CHECK(pthread_mutexattr_init(&a) == 0, "attr init");
	CHECK(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE) == 0, "settype");
	CHECK(pthread_mutex_init(&node_lock, &a) == 0, "init node_lock");
	pthread_mutexattr_destroy(&a);

	lwt_run(walker, NULL);
	lwt_run(walker, NULL);
	lwt_run(other, NULL);
	CHECK(nodes == 2 * (3 + 1 + 1), "work done: %d", nodes);
	CHECK(lwt_count(-1, -1) == 0, "no report, got %d", lwt_count(-1, -1));
	CHECK(lw_report_count(LW_KIND_COUNT) == 0, "counters agree");
	CHECK(pthread_mutex_destroy(&node_lock) == 0, "destroy");
	printf("recursive: no report\n");
	return 0;
}
