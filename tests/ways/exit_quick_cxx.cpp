/* exit_quick_cxx.cpp - exit_quick.c in C++: a program that found an
 * error and ends with std::quick_exit (the at_quick_exit handlers run, no
 * atexit one): the error must still reach the exit status. Before, with
 * option exitcode, the header way ended 0. One lock_order_cycle error; the
 * output is the program's, the handler's line included. */
#include "two_orders.h"

#include <cstdio>
#include <cstdlib>

static void report_balance()
{
	std::printf("balance %ld\n", balance);
	std::fflush(stdout);
}

int main()
{
	if (two_orders() != 0 || std::at_quick_exit(report_balance) != 0)
		return 1;
	std::quick_exit(0);
}
