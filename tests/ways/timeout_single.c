/* timeout_single.c - with option timeout (`lockwatch run --timeout N`) a
 * process that never takes a lock stays single-threaded: its watchdog,
 * there to answer a hang request, starts with its first blocking lock
 * call, not at start-up. Started at start-up it made every process two
 * threads from its first instruction: unshare(CLONE_NEWUSER) failed
 * (EINVAL: the kernel refuses it to a process with threads; `unshare -U`,
 * bwrap, Chromium's zygote), and a thread started inside the loader's
 * constructors crashed valgrind's DRD. It prints its thread count and
 * what unshare(CLONE_NEWUSER) says (where the user may not make one,
 * natively too). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "task_count.h"
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	printf("threads: %d\n", threads());
	int rc = unshare(CLONE_NEWUSER);
	printf("new user namespace: %s\n", rc == 0 ? "made" : strerror(errno));
	return 0;
}
