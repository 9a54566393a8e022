/* attach_stop.c - the blocked system calls a ptrace stop would break (see
 * attach_stop.h). Linux ends some blocking calls with EINTR after the
 * thread was stopped and continued, even when no signal handler runs: not
 * sanctioned by POSIX, listed in signal(7) ("Interruption of system calls
 * and library functions by stop signals"): epoll waits, System V
 * semaphore waits, sigtimedwait and sigwaitinfo, and socket calls with a
 * timeout (SO_RCVTIMEO, SO_SNDTIMEO). A socket's timeout cannot be seen
 * from outside: every socket call counts, and a read or write on a
 * socket. A futex wait, a sleep, a poll, a pipe read are restarted by the
 * kernel (the stop ran no handler). */
#include "attach_stop.h"
#include "sysname.h"

#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Is descriptor fd of process pid a socket? */
static int is_socket(pid_t pid, unsigned long fd)
{
	char path[64], target[64];
	snprintf(path, sizeof(path), "/proc/%d/fd/%lu", (int)pid, fd);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = 0;
	return strncmp(target, "socket:", 7) == 0;
}

const char *at_stop_breaks(pid_t pid, long nr, unsigned long arg0)
{
	switch (nr) {
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
	case 441: /* epoll_pwait2 */
	case SYS_semop:
	case SYS_semtimedop:
	case SYS_rt_sigtimedwait:
	case SYS_accept:
	case SYS_accept4:
	case SYS_connect:
	case SYS_recvfrom:
	case SYS_recvmsg:
	case SYS_recvmmsg:
	case SYS_sendto:
	case SYS_sendmsg:
	case SYS_sendmmsg:
		return lw__syscall_name(nr);
	case SYS_read: return is_socket(pid, arg0) ? "read from a socket" : NULL;
	case SYS_readv: return is_socket(pid, arg0) ? "readv from a socket" : NULL;
	case SYS_write: return is_socket(pid, arg0) ? "write to a socket" : NULL;
	case SYS_writev: return is_socket(pid, arg0) ? "writev to a socket" : NULL;
	default: return NULL;
	}
}
