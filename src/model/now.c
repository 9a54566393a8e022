/* now.c - "what is that thread doing now" (see now.h). A thread blocked
 * in a system call is never signalled: its stack is read from outside,
 * from the stack pointer and pc the kernel shows for it
 * (/proc/self/task/TID/syscall; stack_at.c), and kept only when the
 * thread was still in that same call, not woken once, after the read. A
 * thread running its own code is sampled by the kernel (sample.c: its
 * registers and a copy of its stack, no signal). Only where the kernel
 * refuses that is it sent the stack signal, whose handler only unwinds
 * into a static buffer (async-signal-safe, under the guard) and marks
 * that a signal came, so an interrupted semaphore wait restarts; a thread
 * that enters a blocking call between the look and the signal may see
 * that call cut short (EINTR) then.
 * The signal is the program's first: lockwatch never installs over any
 * handler (or SIG_IGN) the program set, stops using the signal for good
 * when the program sets one later (the preload library's sigaction and
 * signal tell it), and never signals a thread that blocks it (the signal
 * would stay pending, for the program to find). */
#include "now.h"
#include "aside.h"
#include "guard.h"
#include "options.h"
#include "procfs.h"
#include "real.h"
#include "sample.h"
#include "stack.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static struct {
	int tid;
	int done;
	int n;
	uintptr_t pcs[LW__STACK_MAX];
} req;
static int sig_installed; /* 1 ours, -1 the program uses that signal */
static struct sigaction sig_before; /* what was there when ours went in */

#define PROGRAM_HAS_IT "the program handles the stack signal itself (see option stack_signal)"

static void on_stack_signal(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	int saved = errno;
	if ((int)syscall(SYS_gettid) == lw__load(&req.tid) && !lw__load(&req.done)) {
		ucontext_t *uc = ucv;
		lw__guard_raise();
		req.n = lw__stack_raw(req.pcs, (int)lw__opt.stack_depth,
				      (uintptr_t)uc->uc_mcontext.gregs[REG_RIP]);
		lw__guard_lower();
		lw__store_rel(&req.done, 1);
	}
	lw__tls_signalled = 1;
	errno = saved;
}

unsigned long long lw__now_own_signals(void)
{
	int sig = (int)lw__opt.stack_signal;
	return lw__load(&sig_installed) == 1 && sig >= 1 && sig <= 64 ? 1ull << (sig - 1) : 0;
}

/* Is our handler still the one in place? (The program may have set its
 * own with a sigaction lockwatch does not see: the wrapper and header ways
 * in.) If not, the signal is the program's from now on. */
static int still_ours(int sig)
{
	struct sigaction cur;
	if (LW_REAL_FN(sigaction)(sig, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
	    cur.sa_sigaction == on_stack_signal)
		return 1;
	lw__store(&sig_installed, -1);
	return 0;
}

static const char *install_signal(int sig)
{
	if (lw__load_acq(&sig_installed) == 1)
		return still_ours(sig) ? NULL : PROGRAM_HAS_IT;
	if (lw__load(&sig_installed) == -1)
		return PROGRAM_HAS_IT;
	struct sigaction old, sa;
	if (LW_REAL_FN(sigaction)(sig, NULL, &old) != 0)
		return "the stack signal is not valid (option stack_signal)";
	/* any handler, SA_SIGINFO or not, and SIG_IGN: the program's */
	if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) {
		lw__store(&sig_installed, -1);
		return PROGRAM_HAS_IT;
	}
	sig_before = old;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_stack_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	if (LW_REAL_FN(sigaction)(sig, &sa, NULL) != 0)
		return "the stack signal could not be installed";
	lw__store_rel(&sig_installed, 1);
	return NULL;
}

int lw__now_program_signal(int sig, int setting, struct sigaction *before)
{
	if (sig == 0 || sig != (int)lw__opt.stack_signal)
		return 0;
	int ours = lw__load_acq(&sig_installed) == 1;
	if (ours)
		*before = sig_before;
	if (!setting)
		return ours;
	lw__store(&sig_installed, -1);
	/* a request under way may still signal: let it end first (under the
	 * guard: sigaction is no cancellation point, nanosleep is one) */
	lw__guard_enter();
	for (int i = 0; i < 300 && lw__load_acq(&req.tid) != 0; i++) {
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	lw__guard_leave();
	return ours;
}

/* Thread tid's signal mask and context switches (/proc/self/task/TID/status);
 * 0, or -1 when it cannot be read. */
static int status_of(int tid, unsigned long long *blocked, unsigned long long *switches)
{
	char path[64], buf[2048];
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	if (lw__proc_read_aside(path, buf, sizeof(buf)) <= 0)
		return -1;
	unsigned long long v = 0, nv = 0;
	*blocked = 0;
	lw__proc_status_num(buf, "SigBlk:", 1, blocked);
	lw__proc_status_num(buf, "voluntary_ctxt_switches:", 0, &v);
	lw__proc_status_num(buf, "nonvoluntary_ctxt_switches:", 0, &nv);
	*switches = v + nv;
	return 0;
}

/* Does thread tid block signal sig? */
static int blocks(int tid, int sig)
{
	unsigned long long mask, switches;
	if (status_of(tid, &mask, &switches) != 0)
		return 0;
	return sig >= 1 && sig <= 64 && (mask >> (sig - 1) & 1);
}

/* Where thread tid is, from /proc/self/task/TID/syscall. */
enum { AT_GONE, AT_UNKNOWN, AT_RUNNING, AT_STOPPED, AT_SYSCALL };
struct where {
	int at;
	long nr;                      /* AT_SYSCALL: the call */
	unsigned long long sp, pc;
	unsigned long long switches;  /* context switches, to see a wake-up */
	char line[256];
};

static void where_is(int tid, struct where *w)
{
	char path[64];
	unsigned long long mask;
	memset(w, 0, sizeof(*w));
	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	errno = 0;
	if (status_of(tid, &mask, &w->switches) != 0) {
		/* gone, or not readable now: a program at its descriptor limit
		 * (EMFILE) leaves lockwatch none to open /proc with */
		w->at = errno == 0 || errno == ENOENT || errno == ESRCH ? AT_GONE : AT_UNKNOWN;
		return;
	}
	if (lw__proc_read_aside(path, w->line, sizeof(w->line)) <= 0) {
		w->at = AT_UNKNOWN; /* no such file here: never signal blindly */
		return;
	}
	unsigned long long a[6];
	if (strncmp(w->line, "running", 7) == 0)
		w->at = AT_RUNNING;
	else if (sscanf(w->line, "%ld %llx %llx %llx %llx %llx %llx %llx %llx", &w->nr, &a[0],
			&a[1], &a[2], &a[3], &a[4], &a[5], &w->sp, &w->pc) == 9 && w->nr >= 0)
		w->at = AT_SYSCALL;
	else
		w->at = AT_STOPPED; /* blocked outside a system call (a fault, stopped) */
}

static int same_call(const struct where *a, const struct where *b)
{
	return b->at == AT_SYSCALL && strcmp(a->line, b->line) == 0;
}

/* Ask running thread tid by signal; -1 when it went into a system call
 * meanwhile (read it from outside then), else the frame count. */
static int by_signal(int tid, uintptr_t *pcs, const char **note)
{
	int sig = (int)lw__opt.stack_signal;
	if (sig == 0) {
		*note = "running; the kernel does not let it be sampled here, and it is not signalled "
			"(option stack_signal=0)";
		return 0;
	}
	if ((*note = install_signal(sig)) != NULL)
		return 0;
	if (blocks(tid, sig)) {
		*note = "the thread blocks the stack signal";
		return 0;
	}
	struct where w;
	where_is(tid, &w); /* last look: a signal must not interrupt a call */
	if (w.at == AT_SYSCALL)
		return -1;
	lw__store(&req.done, 0);
	lw__store_rel(&req.tid, tid);
	if (lw__load_acq(&sig_installed) != 1) { /* the program took it meanwhile */
		lw__store(&req.tid, 0);
		*note = PROGRAM_HAS_IT;
		return 0;
	}
	if (syscall(SYS_tgkill, getpid(), tid, sig) != 0) {
		lw__store(&req.tid, 0);
		*note = "the thread could not be signalled (it has exited?)";
		return 0;
	}
	for (int i = 0; i < 200 && !lw__load_acq(&req.done); i++) {
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	lw__store(&req.tid, 0);
	if (!lw__load_acq(&req.done)) {
		*note = "the thread did not answer the stack signal (it blocks it?)";
		return 0;
	}
	int n = req.n;
	memcpy(pcs, req.pcs, (size_t)n * sizeof(*pcs));
	return n;
}

/* Running thread tid, sampled by the kernel (sample.c): the frame count,
 * -1 when it went into a system call meanwhile (read it from outside
 * then), -2 when sampling cannot be used here (ask by signal). */
static int by_sample(int tid, uintptr_t *pcs, int depth, const char **note)
{
	const struct lw__sample *s = lw__sample_take(tid, 100, note);
	if (!s) {
		if (!*note)
			return -2;
		struct where w;
		where_is(tid, &w);
		return w.at == AT_SYSCALL || w.at == AT_GONE ? -1 : 0;
	}
	int n = lw__stack_at_sample(s, pcs, depth);
	if (n == 0)
		*note = "running; its sampled stack could not be read";
	return n;
}

int lw__now_stack(int tid, uintptr_t *pcs, const char **note)
{
	int depth = (int)lw__opt.stack_depth, kept = 0;
	uintptr_t last[LW__STACK_MAX];
	*note = NULL;
	if (depth < 1)
		depth = 1;
	for (int tries = 0; tries < 6; tries++) {
		struct where a, b;
		where_is(tid, &a);
		if (a.at == AT_GONE) {
			*note = "the thread has exited";
			return 0;
		}
		if (a.at == AT_UNKNOWN) {
			*note = "whether it is in a system call cannot be read here";
			return 0;
		}
		if (a.at != AT_SYSCALL) {
			int n = by_sample(tid, pcs, depth, note);
			if (n == -2)
				n = by_signal(tid, pcs, note);
			if (n >= 0)
				return n;
			continue; /* into a system call just now */
		}
		int n = lw__stack_at((uintptr_t)a.sp, (uintptr_t)a.pc, pcs, depth);
		if (n == 0) {
			*note = "blocked in a system call; its stack could not be read";
			return 0;
		}
		where_is(tid, &b);
		if (same_call(&a, &b) && a.switches == b.switches)
			return n; /* it slept through the read */
		if (same_call(&a, &b)) { /* woken and back in the same call */
			kept = n;
			memcpy(last, pcs, (size_t)n * sizeof(*pcs));
		}
	}
	if (kept) { /* a thread that keeps waking up in the same place */
		memcpy(pcs, last, (size_t)kept * sizeof(*pcs));
		return kept;
	}
	*note = "it kept going in and out of system calls while it was read";
	return 0;
}
