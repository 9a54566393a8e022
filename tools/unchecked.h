/* unchecked.h - `lockwatch run`: warn about a process of the program's
 * tree that runs without lockwatch (tools/unchecked.c). */
#ifndef LW_UNCHECKED_H
#define LW_UNCHECKED_H

/* Start watching the tree: record is the run record's path (verdict.h),
 * preload the preload library's path. Nothing is watched when record is
 * "" or cannot be mapped. */
void lw__unchecked_start(const char *record, const char *preload);

/* One walk of the tree (every 100 ms or more while the tree runs): a process seen
 * in two walks in a row that is neither listed in the run record nor has
 * the preload library mapped gets one warning on stderr. */
void lw__unchecked_walk(void);

/* Stop: unmap the record, free the table. */
void lw__unchecked_stop(void);

#endif
