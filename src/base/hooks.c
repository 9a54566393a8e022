/* hooks.c - the hook table of hooks.h, empty until runtime/init.c fills
 * it at start-up, and whether the watchdog waits for a second thread. */
#include "hooks.h"

struct lw__hooks lw__hooks;
int lw__watchdog_idle;
int lw__forked_single;
