// heap_reuse.cpp - per-object locks whose memory is reused. A Session has
// a std::mutex (no pthread_mutex_init, no pthread_mutex_destroy: its
// constructor and destructor are trivial). close_session() takes the
// session's mutex then registry_mu; the session is deleted; a new Session
// is then allocated (malloc hands back the same address: the program
// prints whether it did) and open_session() takes registry_mu then the NEW
// session's mutex. The two orders concern two different mutexes that never
// lived at the same time: there is no cycle and nothing can deadlock.
// Expected under lockwatch run: no lock_order_cycle, status 0.
#include <cstdio>
#include <mutex>
#include <thread>

struct Session {
	std::mutex mu;
	long hits = 0;
};

std::mutex registry_mu;

__attribute__((noinline)) void close_session(Session *s)
{
	std::lock_guard<std::mutex> a(s->mu);
	std::lock_guard<std::mutex> r(registry_mu);
	s->hits++;
}

__attribute__((noinline)) void open_session(Session *s)
{
	std::lock_guard<std::mutex> r(registry_mu);
	std::lock_guard<std::mutex> a(s->mu);
	s->hits++;
}

int main()
{
	Session *old_one = new Session;
	void *old_addr = old_one;
	std::thread([&] { close_session(old_one); }).join();
	delete old_one;
	Session *new_one = new Session;
	std::thread([&] { open_session(new_one); }).join();
	std::printf("address reused: %s\n", (void *)new_one == old_addr ? "yes" : "no");
	delete new_one;
	return 0;
}
