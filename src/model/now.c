/* now.c - the stack signal and its handler (see now.h). The handler only
 * unwinds into a static buffer (async-signal-safe, under the guard) and
 * marks that a signal came, so an interrupted semaphore wait restarts.
 * The signal is the program's first: lockwatch never installs over any
 * handler (or SIG_IGN) the program set, stops using the signal for good
 * when the program sets one later (the preload library's sigaction and
 * signal tell it), and never signals a thread that blocks it (the signal
 * would stay pending, for the program to find). */
#include "now.h"
#include "guard.h"
#include "options.h"
#include "real.h"
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
		lw__tls_guard++;
		req.n = lw__stack_raw(req.pcs, (int)lw__opt.stack_depth,
				      (uintptr_t)uc->uc_mcontext.gregs[REG_RIP]);
		lw__tls_guard--;
		lw__store_rel(&req.done, 1);
	}
	lw__tls_signalled = 1;
	errno = saved;
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
	/* a request under way may still signal: let it end first */
	for (int i = 0; i < 300 && lw__load_acq(&req.tid) != 0; i++) {
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	return ours;
}

/* Does thread tid block signal sig? (/proc/self/task/TID/status, SigBlk) */
static int blocks(int tid, int sig)
{
	char path[64], buf[2048];
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	const char *p = strstr(buf, "SigBlk:");
	unsigned long long mask = 0;
	if (!p || sscanf(p + 7, "%llx", &mask) != 1)
		return 0;
	return sig >= 1 && sig <= 64 && (mask >> (sig - 1) & 1);
}

int lw__now_stack(int tid, uintptr_t *pcs, const char **note)
{
	int sig = (int)lw__opt.stack_signal;
	*note = NULL;
	if (sig == 0) {
		*note = "not asked (option stack_signal=0)";
		return 0;
	}
	if ((*note = install_signal(sig)) != NULL)
		return 0;
	if (blocks(tid, sig)) {
		*note = "the thread blocks the stack signal";
		return 0;
	}
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
