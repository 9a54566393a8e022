// shared_cycles.cpp - two unrelated lock-order cycles, each closed by a
// read lock of a std::shared_mutex (std::shared_lock: libstdc++'s
// __glibcxx_rwlock_rdlock, a function of a system header compiled into
// this program). Argument 1: only the cycle of orders_lock and
// stock_lock (in book_order and restock); 2: only that of users_lock and
// sessions_lock (in login and expire); 3: both. Never at the same time:
// no hang natively. A report's suggested suppression must name this
// program's function, not the header's, which every shared_lock goes
// through: the line pasted from cycle 1 must leave cycle 2 reported.
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <shared_mutex>
#include <thread>

static std::shared_mutex orders_lock, stock_lock, users_lock, sessions_lock;

__attribute__((noinline)) static void book_order()
{
	std::unique_lock<std::shared_mutex> o(orders_lock);
	std::unique_lock<std::shared_mutex> s(stock_lock);
}

__attribute__((noinline)) static void restock()
{
	std::unique_lock<std::shared_mutex> s(stock_lock);
	std::shared_lock<std::shared_mutex> o(orders_lock);
}

__attribute__((noinline)) static void login()
{
	std::unique_lock<std::shared_mutex> u(users_lock);
	std::unique_lock<std::shared_mutex> s(sessions_lock);
}

__attribute__((noinline)) static void expire()
{
	std::unique_lock<std::shared_mutex> s(sessions_lock);
	std::shared_lock<std::shared_mutex> u(users_lock);
}

int main(int argc, char **argv)
{
	int which = argc > 1 ? std::atoi(argv[1]) : 3;
	if (which & 1) {
		std::thread(book_order).join();
		std::thread(restock).join();
	}
	if (which & 2) {
		std::thread(login).join();
		std::thread(expire).join();
	}
	std::puts("done");
	return 0;
}
