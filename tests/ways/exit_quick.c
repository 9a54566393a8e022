/* exit_quick.c - a program that found an error and ends with C11's
 * quick_exit, which runs the at_quick_exit handlers and no atexit one:
 * the error must still reach the exit status. The cycle of
 * two_orders.h, then a handler that prints the result, then
 * quick_exit(0). Before, with option exitcode, the header and wrapper
 * ways ended 0. One lock_order_cycle error; the output is the
 * program's, the handler's line included. */
#include "two_orders.h"

#include <stdio.h>
#include <stdlib.h>

static void report_balance(void)
{
	printf("balance %ld\n", balance);
	fflush(stdout);
}

int main(void)
{
	if (two_orders() != 0 || at_quick_exit(report_balance) != 0)
		return 1;
	quick_exit(0);
}
