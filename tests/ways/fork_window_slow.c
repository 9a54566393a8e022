/* fork_window_slow.c - fork_window_orphan.c with two mutexes taken in
 * turn, run with per-lock statistics (tests/ways/CMakeLists.txt), so
 * every acquire takes lockwatch's slow path. Before, its post step ended
 * the wait before it recorded the hold: a fork in between (the lock
 * taken, the worker's last release another lock) left a child that hung
 * unreported (3-6 of 8 reported). */
#define N_LOCKS 2
#include "fork_window_orphan.c"
