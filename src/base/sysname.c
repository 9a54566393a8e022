/* sysname.c - system call names (see sysname.h). */
#include "sysname.h"

#include <stddef.h>
#include <sys/syscall.h>

const char *lw__syscall_name(long nr)
{
	static const struct {
		long nr;
		const char *name;
	} names[] = {
		{ SYS_read, "read" }, { SYS_write, "write" }, { SYS_readv, "readv" },
		{ SYS_pread64, "pread64" }, { SYS_poll, "poll" }, { SYS_ppoll, "ppoll" },
		{ SYS_select, "select" }, { SYS_pselect6, "pselect6" },
		{ SYS_epoll_wait, "epoll_wait" }, { SYS_epoll_pwait, "epoll_pwait" },
		{ SYS_nanosleep, "nanosleep" }, { SYS_clock_nanosleep, "clock_nanosleep" },
		{ SYS_futex, "futex" }, { SYS_wait4, "wait4" }, { SYS_waitid, "waitid" },
		{ SYS_accept, "accept" }, { SYS_accept4, "accept4" }, { SYS_connect, "connect" },
		{ SYS_recvfrom, "recvfrom" }, { SYS_recvmsg, "recvmsg" }, { SYS_sendto, "sendto" },
		{ SYS_sendmsg, "sendmsg" }, { SYS_pause, "pause" }, { SYS_ioctl, "ioctl" },
		{ SYS_fcntl, "fcntl" }, { SYS_flock, "flock" }, { SYS_rt_sigsuspend, "sigsuspend" },
		{ SYS_rt_sigtimedwait, "sigtimedwait" }, { SYS_semop, "semop" },
		{ SYS_semtimedop, "semtimedop" }, { SYS_msgrcv, "msgrcv" }, { SYS_msgsnd, "msgsnd" },
		{ SYS_recvmmsg, "recvmmsg" }, { SYS_sendmmsg, "sendmmsg" }, { 441, "epoll_pwait2" },
		{ SYS_io_getevents, "io_getevents" }, { SYS_io_uring_enter, "io_uring_enter" },
		{ SYS_mq_timedreceive, "mq_timedreceive" }, { SYS_mq_timedsend, "mq_timedsend" },
		{ SYS_preadv, "preadv" }, { SYS_pwrite64, "pwrite64" }, { SYS_writev, "writev" },
		{ SYS_openat, "openat" }, { SYS_fsync, "fsync" }, { SYS_fdatasync, "fdatasync" },
		{ SYS_splice, "splice" }, { SYS_sendfile, "sendfile" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].nr == nr)
			return names[i].name;
	return NULL;
}
