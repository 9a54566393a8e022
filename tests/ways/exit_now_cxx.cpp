/* exit_now_cxx.cpp - exit_now.c in C++: a program that found an error and
 * ends with std::_Exit, which runs no exit handler: the error must still
 * reach the exit status. The cycle of two_orders.h, then the result,
 * then std::_Exit(0). Before, with option exitcode, the header way ended
 * 0 (<cstdlib> undefines a macro named _Exit, and the name is std::'s).
 * One lock_order_cycle error; the output is the program's. */
#include "two_orders.h"

#include <cstdio>
#include <cstdlib>

int main()
{
	if (two_orders() != 0)
		return 1;
	std::printf("balance %ld\n", balance);
	std::fflush(stdout);
	std::_Exit(0);
}
