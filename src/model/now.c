/* now.c - the stack signal and its handler (see now.h). The handler only
 * unwinds into a static buffer (async-signal-safe, under the guard) and
 * marks that a signal came, so an interrupted semaphore wait restarts. */
#include "now.h"
#include "guard.h"
#include "options.h"
#include "stack.h"

#include <errno.h>
#include <signal.h>
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

static const char *install_signal(int sig)
{
	if (sig_installed == 1)
		return NULL;
	if (sig_installed == -1)
		return "the program handles the stack signal itself (see option stack_signal)";
	struct sigaction old, sa;
	if (sigaction(sig, NULL, &old) != 0)
		return "the stack signal is not valid (option stack_signal)";
	if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN) {
		sig_installed = -1;
		return "the program handles the stack signal itself (see option stack_signal)";
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_stack_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0)
		return "the stack signal could not be installed";
	sig_installed = 1;
	return NULL;
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
	lw__store(&req.done, 0);
	lw__store_rel(&req.tid, tid);
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
