/* join_fork_deadlock.c - a thread comes and goes, the process forks (a
 * child that exits at once), then it starts a thread and deadlocks with
 * it for real (natively it hangs). The fork ended lockwatch's threads (the
 * program was down to one: fork_after_join.c); the watchdog must start
 * again with the second thread and find the deadlock: one deadlock error
 * and the lock-order cycle, the run ended (status 66), in every way in.
 * The program is late_thread_deadlock.c's, with JOIN_FIRST. */
#define JOIN_FIRST
#include "late_thread_deadlock.c"
