/* aside.h - reading /proc without a descriptor in the program's table.
 * The watchdog reads /proc every look (what a waiting thread is doing,
 * whether the main thread has ended); each open takes the lowest free
 * descriptor number for a few microseconds, and a program that closes
 * one (`close(0)`) and counts on its next open getting it back got
 * another. The reads go instead to a thread of lockwatch's own, started
 * by the watchdog when it first needs one, whose descriptor table is its
 * own (unshare(CLONE_FILES), emptied at once): its opens never touch the
 * program's numbers. Where that thread cannot be made (unshare refused by
 * a seccomp filter, no thread), the work runs in the calling thread, as
 * before. */
#ifndef LW_ASIDE_H
#define LW_ASIDE_H

#include "common.h"

#include <sys/types.h>

/* Let this thread send its reads aside (the watchdog, at its start). */
void lw__aside_enable(void);

/* Run fn(arg) in the reader thread and wait for it, when this thread was
 * enabled or the reader runs already; else, or when the reader cannot be
 * had, run it here. fn must
 * not write to descriptors of the program's (stderr) nor use this
 * thread's identity (/proc/thread-self, gettid). */
void lw__aside(void (*fn)(void *), void *arg);

/* lw__aside, starting the reader if need be from any thread (a fork's,
 * runtime/watchdog.c's quiesce, which then ends it). */
void lw__aside_start(void (*fn)(void *), void *arg);

/* 1 in the reader thread (a job run aside), else 0. */
int lw__aside_private(void);

/* lw__proc_read (procfs.h) through lw__aside. */
ssize_t lw__proc_read_aside(const char *path, char *buf, size_t size);

/* The reader's thread id, or 0 when it does not run: it is lockwatch's,
 * never one of the program's threads (task lists leave it out). */
int lw__aside_tid(void);

/* End the reader, when it runs, and wait until it has (its job done);
 * the next job starts it again. Only while nobody else asks (the
 * watchdog has ended: runtime/watchdog.c's quiesce). */
void lw__aside_stop(void);

/* Fork: the child has no reader (the next look starts one). */
void lw__aside_atfork_child(void);

#endif
