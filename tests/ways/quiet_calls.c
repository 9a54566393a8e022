/* quiet_calls.c - lock calls that make no system call natively make none
 * under lockwatch either, however many locks come and go: a lock made per
 * request (init, lock, unlock, destroy), an rwlock likewise, a lock made
 * and destroyed under another (an edge each time), a heap object's lock
 * freed without destroy, and trylocks over a table. Each shape runs in a
 * thread of its own that, after a warm-up, traps every system call (a
 * seccomp filter on that thread alone), counts it and makes it from the
 * one place the filter lets through. It prints, per shape, whether it made at most one call per 100
 * iterations: "quiet" every way in. (Destroying a lock read its memory
 * through the kernel, two system calls per destroy: 6 us where plain takes
 * 30 ns.) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* REG_RAX */
#endif
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define WARM 500
#define ITERS 4000

static __thread volatile long trapped;
static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t table[64];

/* A system call made from one place the filter lets through: the
 * instruction after its `syscall` is qc_raw_after. */
long qc_raw(long nr, long a, long b, long c, long d, long e, long f);
extern const char qc_raw_after[];
__asm__(".text\n"
	".globl qc_raw\n"
	".type qc_raw, @function\n"
	"qc_raw:\n"
	"\tmov %rdi, %rax\n"
	"\tmov %rsi, %rdi\n"
	"\tmov %rdx, %rsi\n"
	"\tmov %rcx, %rdx\n"
	"\tmov %r8, %r10\n"
	"\tmov %r9, %r8\n"
	"\tmov 8(%rsp), %r9\n"
	"\tsyscall\n"
	".globl qc_raw_after\n"
	"qc_raw_after:\n"
	"\tret\n"
	".size qc_raw, . - qc_raw\n");

/* A trapped call: counted, then made for the thread (a new thread or
 * process cannot be made from here: refused). */
static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	greg_t *r = ((ucontext_t *)ctx)->uc_mcontext.gregs;
	(void)sig;
	trapped++;
	if (si->si_syscall == SYS_clone || si->si_syscall == SYS_clone3 ||
	    si->si_syscall == SYS_fork || si->si_syscall == SYS_vfork) {
		r[REG_RAX] = -ENOSYS;
		return;
	}
	r[REG_RAX] = qc_raw(si->si_syscall, r[REG_RDI], r[REG_RSI], r[REG_RDX], r[REG_R10],
			    r[REG_R8], r[REG_R9]);
}

/* From here on this thread's system calls trap (SIGSYS), but those made
 * by qc_raw, the return from the handler and the thread's exit. */
static int trap_calls(void)
{
	uint64_t ip = (uint64_t)(uintptr_t)qc_raw_after;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rt_sigreturn, 7, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit, 6, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit_group, 5, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, instruction_pointer)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)ip, 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, instruction_pointer) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(ip >> 32), 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

__attribute__((noinline)) static void per_request(int i)
{
	pthread_mutex_t m;
	(void)i;
	pthread_mutex_init(&m, NULL);
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	pthread_mutex_destroy(&m);
}

__attribute__((noinline)) static void rw_request(int i)
{
	pthread_rwlock_t rw;
	(void)i;
	pthread_rwlock_init(&rw, NULL);
	pthread_rwlock_rdlock(&rw);
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_wrlock(&rw);
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_destroy(&rw);
}

__attribute__((noinline)) static void nested_request(int i)
{
	pthread_mutex_t inner;
	(void)i;
	pthread_mutex_init(&inner, NULL);
	pthread_mutex_lock(&outer);
	pthread_mutex_lock(&inner);
	pthread_mutex_unlock(&inner);
	pthread_mutex_unlock(&outer);
	pthread_mutex_destroy(&inner);
}

struct session {
	pthread_mutex_t mu;
	int hits;
};

__attribute__((noinline)) static void heap_object(int i)
{
	struct session *s = malloc(sizeof(*s));
	if (!s)
		return;
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_lock(&s->mu);
	s->hits = i;
	pthread_mutex_unlock(&s->mu);
	free(s); /* never destroyed, as many programs do */
}

__attribute__((noinline)) static void table_try(int i)
{
	pthread_mutex_t *m = &table[(i * 37) & 63];
	if (pthread_mutex_trylock(m) == 0)
		pthread_mutex_unlock(m);
}

struct shape {
	const char *name;
	void (*body)(int);
	long calls;
	int ok;
};

static void *run_shape(void *arg)
{
	struct shape *s = arg;
	for (int i = 0; i < WARM; i++)
		s->body(i);
	if (trap_calls() != 0) {
		perror("seccomp");
		return NULL;
	}
	for (int i = 0; i < ITERS; i++)
		s->body(i);
	s->calls = trapped;
	s->ok = 1;
	return NULL;
}

int main(void)
{
	struct shape shapes[] = {
		{ "lock per request", per_request, 0, 0 },
		{ "rwlock per request", rw_request, 0, 0 },
		{ "lock per request under another", nested_request, 0, 0 },
		{ "heap object freed undestroyed", heap_object, 0, 0 },
		{ "trylock over a table", table_try, 0, 0 },
	};
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
	for (int i = 0; i < 64; i++)
		pthread_mutex_init(&table[i], NULL);
	int status = 0;
	for (size_t k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		pthread_t t;
		if (pthread_create(&t, NULL, run_shape, &shapes[k]) != 0)
			return 2;
		pthread_join(t, NULL);
		int quiet = shapes[k].ok && shapes[k].calls * 100 <= ITERS;
		fprintf(stderr, "quiet_calls: %s: %ld system calls in %d iterations\n",
			shapes[k].name, shapes[k].calls, ITERS);
		printf("%s: %s\n", shapes[k].name, quiet ? "quiet" : "system calls");
		status |= !quiet;
	}
	return status;
}
