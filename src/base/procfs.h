/* procfs.h - small reads of the process's own /proc files (procfs.c): a
 * thread's status or system call, the process's state. Each read opens
 * its file, reads once and closes it (O_CLOEXEC): no descriptor is kept. */
#ifndef LW_PROCFS_H
#define LW_PROCFS_H

#include <sys/types.h>

/* The calling thread's id as /proc names it (its /proc/thread-self), which
 * differs from gettid() in a PID namespace whose /proc is the parent
 * namespace's (`unshare --pid --fork` without --mount-proc); gettid()
 * where /proc cannot say. */
int lw__proc_own_tid(void);

/* The process's id as /proc names it (its /proc/self), likewise. */
int lw__proc_own_pid(void);

/* Read a small /proc file into buf (NUL-terminated); its length, or -1. */
ssize_t lw__proc_read(const char *path, char *buf, size_t size);

/* In a "stat" line read into buf: where its field n begins, numbered as
 * proc(5) numbers them (3: the state letter, 4: the parent, 20: the
 * thread count, 22: the start time), counted after the command name,
 * which may hold anything; NULL when the line has no such field. */
const char *lw__proc_stat_field(const char *buf, int n);

/* In a "status" file read into buf: the number on the line that starts
 * with key ("SigBlk:", "voluntary_ctxt_switches:"), in hexadecimal when
 * hex is set (the signal masks), into *v: 1, or 0 (and *v untouched)
 * when the line is missing. */
int lw__proc_status_num(const char *buf, const char *key, int hex, unsigned long long *v);

/* Is every task of this process but the n of skip gone, or exiting (a
 * zombie, or the kernel's PF_EXITING: past its last instruction of user
 * code; a thread just joined may still be listed so)? 1 or 0; 0 when
 * /proc cannot be read. Opens /proc/self/task for the listing. */
int lw__proc_alone_but(const int *skip, int n);

/* Wait until task tid, a thread of this process just joined, has left the
 * kernel's thread group (a joined thread still counts there for a moment:
 * an unshare(CLONE_NEWUSER) made then fails with EINVAL), ms at most. No
 * descriptor: a null signal (tgkill) until the kernel says ESRCH. */
void lw__task_wait_gone(int tid, int ms);

#endif
