/* hooks.c - the hook table of hooks.h, empty until runtime/init.c fills
 * it at start-up. */
#include "hooks.h"

struct lw__hooks lw__hooks;
