/* seccomp_exec.c - run a program under a seccomp filter that refuses
 * unshare with EPERM and allows every other call (what a container's
 * default filter does to a process without CAP_SYS_ADMIN); the filter
 * stays through exec. Exits 77 when no filter can be set here.
 * usage: seccomp_exec PROG [ARGS...] */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../seccomp_refuse.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: seccomp_exec PROG [ARGS...]\n");
		return 2;
	}
	if (seccomp_refuse(__NR_unshare) != 0) {
		perror("seccomp_exec: no filter");
		return 77;
	}
	execvp(argv[1], argv + 1);
	perror("seccomp_exec");
	return 127;
}
