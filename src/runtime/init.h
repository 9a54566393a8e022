/* init.h - start-up and shutdown: options from LOCKWATCH_OPTIONS, the
 * output files, fork handlers, the exit status at exit. */
#ifndef LW_INIT_H
#define LW_INIT_H

#include "common.h"

/* Idempotent; called by the constructor and by the first lock call that
 * comes before it. */
void lw__init(void);

/* Has lw__init finished (or found this copy dormant)? One load. */
int lw__init_done(void);

#endif
