/* deep.h - running a heavy piece of lockwatch's work (building and writing
 * a report: symbols, text, JSON) on a stack of its own. A report is made
 * in the thread that found the error, and making one takes over 150 KiB of
 * stack (libdw reading line tables, the text and JSON buffers), more than
 * a program's small thread stacks have (64 KiB is common in servers with
 * many threads; a sigaltstack is smaller). */
#ifndef LW_DEEP_H
#define LW_DEEP_H

/* Call fn(arg) on a 2 MiB stack of its own (mapped at the first call and
 * kept for the next; its pages cost memory only once touched), or on this one when
 * this thread is on such a stack already or none can be mapped. errno is
 * left as fn leaves it. Unwinding from fn's frames reaches this caller's. */
void lw__deep(void (*fn)(void *), void *arg);

#endif
