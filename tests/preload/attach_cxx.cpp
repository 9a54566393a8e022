// attach_cxx.cpp - a real ABBA deadlock on two std::mutex in a namespace
// (no lockwatch): inventory::reserve() holds stock_mutex and wants
// ledger_mutex, inventory::settle() the other way round (a barrier makes
// both take their first lock first), main joins them: it hangs for good.
// `lockwatch attach PID` must name the locks and functions as C++ wrote
// them (inventory::stock_mutex, inventory::reserve()), with the inlined
// std::mutex::lock frame, as a run does (test_attach.sh).
#include <cstdio>
#include <mutex>
#include <pthread.h>
#include <thread>

namespace inventory {
std::mutex stock_mutex, ledger_mutex;
static pthread_barrier_t both_hold;
int moved;

__attribute__((noinline)) void reserve()
{
	std::lock_guard<std::mutex> s(stock_mutex);
	pthread_barrier_wait(&both_hold);
	std::lock_guard<std::mutex> l(ledger_mutex);
	moved++;
}

__attribute__((noinline)) void settle()
{
	std::lock_guard<std::mutex> l(ledger_mutex);
	pthread_barrier_wait(&both_hold);
	std::lock_guard<std::mutex> s(stock_mutex);
	moved--;
}
} // namespace inventory

int main()
{
	pthread_barrier_init(&inventory::both_hold, nullptr, 2);
	std::printf("started\n");
	std::fflush(stdout);
	std::thread a(inventory::reserve), b(inventory::settle);
	a.join();
	b.join();
	std::printf("not reached %d\n", inventory::moved);
	return 0;
}
