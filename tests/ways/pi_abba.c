/* pi_abba.c - robust_abba.c's program with two priority-inheriting
 * mutexes (not robust): a real ABBA deadlock (natively it hangs). The
 * kernel finds the second wait closing the cycle and answers it EDEADLK;
 * glibc then waits for good on a word of that thread's own stack, not the
 * lock's. Before, that wait was taken for one that could still end: the
 * cycle error and long waits, no deadlock, and the run hung. In every way
 * in: the cycle error and the deadlock error, then the program ends with
 * 66. */
#define ABBA_PI
#include "robust_abba.c"
