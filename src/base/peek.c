/* peek.c - reading this process's memory through the kernel (see peek.h).
 *
 * The process is named by its pid, the kernel's name of its first task.
 * Once the main thread has ended with pthread_exit, that task is a zombie
 * with no memory of its own (ESRCH) while the other threads run on: then
 * the calling thread names the process. */
#include "common.h"
#include "peek.h"

#include <errno.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

int lw__peek(void *dst, const void *src, size_t n)
{
	struct iovec to = { dst, n }, from = { (void *)(uintptr_t)src, n };
	int saved = errno;
	ssize_t got = process_vm_readv(getpid(), &to, 1, &from, 1, 0);
	if (got < 0 && errno == ESRCH)
		got = process_vm_readv((pid_t)syscall(SYS_gettid), &to, 1, &from, 1, 0);
	errno = saved;
	return got == (ssize_t)n ? 0 : -1;
}
