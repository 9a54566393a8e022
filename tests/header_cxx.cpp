/* header_cxx.cpp - the force-included header in C++: its call-site records
 * (static, one per call) work inside a class template's member, a lambda
 * and an inline function, with -Wall -Wextra -pedantic -Werror. Box<int>::
 * move_in takes from_lock then to_lock, a lambda takes them the other way
 * round. Expected: one lock_order_cycle error naming both locks, with the
 * demangled template member and this file in the stacks. */
#include "lwtest.h"

pthread_mutex_t from_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t to_lock = PTHREAD_MUTEX_INITIALIZER;

template <class T> struct Box {
	T v;
	__attribute__((noinline)) void move_in(T x)
	{
		pthread_mutex_lock(&from_lock);
		pthread_mutex_lock(&to_lock);
		v = x;
		pthread_mutex_unlock(&to_lock);
		pthread_mutex_unlock(&from_lock);
	}
};

inline int try_both()
{
	if (pthread_mutex_trylock(&to_lock) != 0)
		return -1;
	pthread_mutex_unlock(&to_lock);
	return 0;
}

static Box<int> box;

static void *forward(void *) { box.move_in(1); return nullptr; }
static void *backward(void *)
{
	auto back = [] {
		pthread_mutex_lock(&to_lock);
		pthread_mutex_lock(&from_lock);
		pthread_mutex_unlock(&from_lock);
		pthread_mutex_unlock(&to_lock);
	};
	back();
	return nullptr;
}

int main()
{
	lwt_start();
	CHECK(try_both() == 0, "trylock");
	lwt_run(forward, nullptr);
	lwt_run(backward, nullptr);
	CHECK(lwt_count(LW_LOCK_ORDER_CYCLE, LW_ERROR) == 1, "one cycle error, got %d",
	      lwt_count(LW_LOCK_ORDER_CYCLE, LW_ERROR));
	CHECK(lwt_count(-1, -1) == 1, "no other report");
	struct lwt_report *r = lwt_find(LW_LOCK_ORDER_CYCLE, LW_ERROR);
	CHECK(lwt_has_lock(r, "from_lock") && lwt_has_lock(r, "to_lock"), "names both locks");
	CHECK(lwt_has_func(r, "Box<int>::move_in(int)"), "the template member, demangled");
	CHECK(strstr(r->json, "header_cxx.cpp") != NULL, "this file in the stacks");
	printf("header_cxx: %s\n", r->headline);
	return 0;
}
