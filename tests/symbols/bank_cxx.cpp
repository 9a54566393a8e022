// bank_cxx.cpp - the C++ program, built with -O2 -g: heap accounts
// with a std::mutex each, transfer() taking both with std::lock_guard and
// inlined into its callers. Two transfers in opposite directions, one
// thread after the other (never a deadlock): one lock-order cycle whose
// every frame names the program's own functions and lines (as
// `addr2line -i` does), and locks named after bank_cxx.cpp, never after a
// libstdc++ or glibc source.
#include <cstdio>
#include <mutex>
#include <thread>

struct Acct {
	std::mutex m;
	long balance = 100;
};

static inline void transfer(Acct &from, Acct &to, long n)
{
	std::lock_guard<std::mutex> a(from.m);
	std::lock_guard<std::mutex> b(to.m);
	from.balance -= n;
	to.balance += n;
}

int main()
{
	Acct *x = new Acct, *y = new Acct;
	std::thread t1([&] { transfer(*x, *y, 5); });
	t1.join();
	std::thread t2([&] { transfer(*y, *x, 3); });
	t2.join();
	std::printf("balances %ld %ld\n", x->balance, y->balance);
	delete x;
	delete y;
	return 0;
}
