/* stats_table.h - the per-lock statistics table (option stats=N). */
#ifndef LW_STATS_TABLE_H
#define LW_STATS_TABLE_H

#include "common.h"

/* Print the table and write the JSON line (at exit; nothing without the
 * option). */
void lw__stats_report(void);

#endif
