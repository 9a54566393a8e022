/* dead_holder_pp.c - dead_holder_pi.c's program with a (non-robust)
 * priority-protecting mutex: when its holder has exited, glibc's next
 * locker sleeps on the mutex's word for good (natively it hangs). In
 * every way in: the thread_exit_holding warning, then a deadlock error
 * before main blocks, then the program ends with 66. */
#define DEAD_HOLDER_PP
#include "dead_holder_pi.c"
