/* fork_late_deadlock.c - a process that never starts a thread forks; its
 * child starts one and deadlocks with it for real (natively both hang):
 * the child holds ledger while post() takes audit and waits for ledger,
 * then waits for audit. Neither process has a watchdog until the child's
 * second thread (issue 12): the child's deadlock must still be found and
 * end it (status 66, one deadlock error and the lock-order cycle), and
 * the parent exits with the child's status. The program is
 * late_thread_deadlock.c's, with a fork before the deadlock. */
#define FORK_FIRST
#include "late_thread_deadlock.c"
