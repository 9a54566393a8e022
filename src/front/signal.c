/* signal.c - the preload library's sigaction and signal (rows SIGNAL of
 * base/real.def): the stack signal (option stack_signal) is the
 * program's whenever it wants it. Setting a handler for it (any, or
 * SIG_IGN) makes lockwatch stop using it; asking about it shows what the
 * program would see without lockwatch. Every other signal, and every call
 * from inside lockwatch, goes straight to the real function. Built only
 * into liblockwatch-preload.so. */
#include "now.h"
#include "guard.h"
#include "real.h"

#define LW__EXPORT __attribute__((visibility("default")))

LW__EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct sigaction before;
	int ours = lw__guard_up() ? 0 : lw__now_program_signal(sig, act != NULL, &before);
	int rc = LW_REAL_FN(sigaction)(sig, act, old);
	if (rc == 0 && ours && old)
		*old = before;
	return rc;
}

LW__EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction before;
	int ours = lw__guard_up() ? 0 : lw__now_program_signal(sig, 1, &before);
	sighandler_t rc = LW_REAL_FN(signal)(sig, handler);
	if (rc != SIG_ERR && ours)
		rc = (before.sa_flags & SA_SIGINFO) ? SIG_DFL : before.sa_handler;
	return rc;
}
