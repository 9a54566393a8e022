/* exit_now.c - a program that found an error and ends with C's _Exit
 * (no handler of any kind runs): the error must still reach the exit
 * status. The cycle of two_orders.h, its result printed, then _Exit(0).
 * Before, with option exitcode, the header and wrapper ways ended 0. One
 * lock_order_cycle error; the output is the program's. */
#include "two_orders.h"

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	if (two_orders() != 0)
		return 1;
	printf("balance %ld\n", balance);
	fflush(stdout);
	_Exit(0);
}
