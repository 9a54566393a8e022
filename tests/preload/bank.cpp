// bank.cpp - a C++ program using the standard library's locks: std::mutex,
// std::shared_mutex, std::condition_variable, std::lock_guard, unique_lock
// and shared_lock (libstdc++ maps them onto pthread calls, so the preload
// sees them). argv[1] picks the part:
//   inversion  bank::Account::transfer() takes bank::accounts_mu then
//              bank::ledger_mu; bank::Auditor::audit() takes them the other
//              way round; two threads run one after the other (exit 0).
//              Expected: one lock_order_cycle error whose stacks name
//              bank::Account::transfer and bank::Auditor::audit (demangled).
//   queue      a producer/consumer queue on std::condition_variable (3
//              producers, 2 consumers, 20000 items) plus readers and a
//              writer on a std::shared_mutex, all in one lock order.
//              Expected: no report at all, exit 0.
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace bank {

std::mutex accounts_mu;
std::mutex ledger_mu;
long balance, ledger_entries;

class Account {
public:
	__attribute__((noinline)) void transfer(long amount);
};

class Auditor {
public:
	__attribute__((noinline)) long audit();
};

void Account::transfer(long amount)
{
	std::lock_guard<std::mutex> a(accounts_mu);
	std::lock_guard<std::mutex> l(ledger_mu);
	balance += amount;
	ledger_entries++;
}

long Auditor::audit()
{
	std::unique_lock<std::mutex> l(ledger_mu);
	std::lock_guard<std::mutex> a(accounts_mu);
	return balance + ledger_entries;
}

} // namespace bank

namespace shop {

template <typename T> class Queue {
public:
	__attribute__((noinline)) void push(T v)
	{
		{
			std::lock_guard<std::mutex> g(mu_);
			items_.push_back(v);
		}
		cv_.notify_one();
	}
	__attribute__((noinline)) bool pop(T &out)
	{
		std::unique_lock<std::mutex> g(mu_);
		cv_.wait(g, [this] { return !items_.empty() || closed_; });
		if (items_.empty())
			return false;
		out = items_.front();
		items_.pop_front();
		return true;
	}
	void close()
	{
		std::lock_guard<std::mutex> g(mu_);
		closed_ = true;
		cv_.notify_all();
	}

private:
	std::mutex mu_;
	std::condition_variable cv_;
	std::deque<T> items_;
	bool closed_ = false;
};

std::shared_mutex catalog_mu;
std::vector<int> catalog(64, 1);
std::mutex totals_mu;
long total;

__attribute__((noinline)) int price_of(int item)
{
	std::shared_lock<std::shared_mutex> r(catalog_mu);
	return catalog[(unsigned)item % catalog.size()];
}

__attribute__((noinline)) void reprice(int i)
{
	std::unique_lock<std::shared_mutex> w(catalog_mu);
	catalog[(unsigned)i % catalog.size()] = 1;
}

} // namespace shop

static int run_inversion()
{
	bank::Account acct;
	bank::Auditor auditor;
	long seen = 0;
	for (int round = 0; round < 2; round++) {
		std::thread([&] { for (int i = 0; i < 500; i++) acct.transfer(1); }).join();
		std::thread([&] { for (int i = 0; i < 500; i++) seen = auditor.audit(); }).join();
	}
	std::printf("balance %ld, audit %ld\n", bank::balance, seen);
	return bank::balance == 1000 && seen == 2000 ? 0 : 1;
}

static int run_queue()
{
	const int producers = 3, consumers = 2, per_producer = 20000 / 3 + 1;
	shop::Queue<int> q;
	std::vector<std::thread> ps, cs;
	for (int p = 0; p < producers; p++)
		ps.emplace_back([&] {
			for (int i = 0; i < per_producer; i++) {
				if (i % 1000 == 0)
					shop::reprice(i);
				q.push(1);
			}
		});
	for (int c = 0; c < consumers; c++)
		cs.emplace_back([&] {
			int v;
			long mine = 0;
			while (q.pop(v))
				mine += v * shop::price_of(v);
			std::lock_guard<std::mutex> g(shop::totals_mu);
			shop::total += mine;
		});
	for (auto &t : ps)
		t.join();
	q.close();
	for (auto &t : cs)
		t.join();
	std::printf("total %ld\n", shop::total);
	return shop::total == (long)producers * per_producer ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *part = argc > 1 ? argv[1] : "";
	if (std::strcmp(part, "inversion") == 0)
		return run_inversion();
	if (std::strcmp(part, "queue") == 0)
		return run_queue();
	std::fprintf(stderr, "usage: bank inversion|queue\n");
	return 2;
}
