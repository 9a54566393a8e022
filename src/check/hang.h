/* hang.h - option timeout: a hang report of every thread of the process
 * (what it holds, what it waits for, who holds that, its current stack)
 * when the time is up; under `lockwatch run` when the CLI asks through the
 * run record, else after `timeout` seconds of the process's own, then
 * exit with 124. Watchdog thread only. */
#ifndef LW_HANG_H
#define LW_HANG_H

#include "common.h"

/* After each snapshot, at tick `now` (ms since start-up). */
void lw__hang_check(uint32_t now);

#endif
