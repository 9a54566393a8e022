/* seccomp_trap.c - a program that sandboxes itself as Chromium's processes
 * do: a seccomp filter that traps unshare (SECCOMP_RET_TRAP) and a SIGSYS
 * handler that answers it (EPERM). Then two threads share a lock for half
 * a second, time for the watchdog to look and start its reader thread,
 * whose first call is unshare. That thread blocked every signal, and a
 * trapped call with SIGSYS blocked kills the whole process (the kernel
 * cannot run the handler): the program died of SIGSYS every time under
 * lockwatch (Chromium's sandboxed processes, relaunched for ever, hung
 * the browser). Natively nothing calls unshare; it prints its count. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* REG_RAX */
#endif
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>

static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static long rows;

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RAX] = -EPERM;
}

static int sandbox(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_unshare, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

__attribute__((noinline)) static void *insert_rows(void *arg)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	(void)arg;
	for (int i = 0; i < 25; i++) {
		pthread_mutex_lock(&table);
		rows++;
		pthread_mutex_unlock(&table);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

int main(void)
{
	if (sandbox() != 0) {
		perror("seccomp");
		return 1;
	}
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, insert_rows, NULL) != 0)
			return 2;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("rows %ld\n", rows);
	return 0;
}
