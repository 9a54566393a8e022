/* sysname.h - the name of a system call a blocked thread may sit in
 * (sysname.c), for reports that say what a thread is doing: the hang
 * report and `lockwatch attach`. */
#ifndef LW_SYSNAME_H
#define LW_SYSNAME_H

/* The name of system call nr (x86_64 numbers, as /proc shows them), or
 * NULL for one not in the table. */
const char *lw__syscall_name(long nr);

#endif
