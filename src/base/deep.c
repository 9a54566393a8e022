/* deep.c - a stack of its own for a heavy piece of work (see deep.h).
 *
 * The switch is lw__deep_run(top, fn, arg), a few instructions of assembly
 * (x86-64): it keeps the caller's stack pointer in its frame pointer, moves
 * to `top`, calls fn(arg) and moves back. Its unwind rule names the frame
 * pointer, so an unwinder (libunwind, glibc's backtrace(), a profiler, a
 * debugger) walks from fn's frames on the new stack to the caller's on the
 * old one. Elsewhere fn runs on the caller's stack. */
#include "common.h"
#include "deep.h"

#include <errno.h>
#include <sys/mman.h>

#define DEEP_SIZE (2u << 20)
#define DEEP_GUARD 4096u /* below the stack: an overflow faults, never writes */

static LW__TLS int on_deep; /* this thread runs on a deep stack */

#if defined(__x86_64__)
void lw__deep_run(void *top, void (*fn)(void *), void *arg);
__asm__(".text\n"
	".p2align 4\n"
	".globl lw__deep_run\n"
	".hidden lw__deep_run\n"
	".type lw__deep_run, @function\n"
	"lw__deep_run:\n"
	"	.cfi_startproc\n"
	"	push %rbp\n"
	"	.cfi_def_cfa_offset 16\n"
	"	.cfi_offset %rbp, -16\n"
	"	mov %rsp, %rbp\n"
	"	.cfi_def_cfa_register %rbp\n"
	"	mov %rdi, %rsp\n"
	"	mov %rdx, %rdi\n"
	"	call *%rsi\n"
	"	mov %rbp, %rsp\n"
	"	pop %rbp\n"
	"	.cfi_def_cfa %rsp, 8\n"
	"	ret\n"
	"	.cfi_endproc\n"
	"	.size lw__deep_run, .-lw__deep_run\n");
#define LW_DEEP_SWITCH 1
#endif

/* One stack kept for the next call once a call is done (its touched pages
 * stay): a program with many reports (one grouped cycle of 100,000
 * instances) maps, guards and unmaps one per report otherwise, and each
 * unmap interrupts every CPU the process runs on. Taken and given back
 * by atomic exchange; a second one in use at once is mapped and unmapped
 * as before. */
static char *spare;

static char *deep_take(void)
{
	char *base = __atomic_exchange_n(&spare, NULL, __ATOMIC_ACQ_REL);
	if (base)
		return base;
	base = mmap(NULL, DEEP_GUARD + DEEP_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	if (mprotect(base, DEEP_GUARD, PROT_NONE) != 0) {
		munmap(base, DEEP_GUARD + DEEP_SIZE);
		return NULL;
	}
	return base;
}

static void deep_give_back(char *base)
{
	char *none = NULL;
	if (!__atomic_compare_exchange_n(&spare, &none, base, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		munmap(base, DEEP_GUARD + DEEP_SIZE);
}

void lw__deep(void (*fn)(void *), void *arg)
{
#ifdef LW_DEEP_SWITCH
	if (!on_deep) {
		int saved = errno;
		char *base = deep_take();
		errno = saved;
		if (base) {
			on_deep = 1;
			lw__deep_run(base + DEEP_GUARD + DEEP_SIZE, fn, arg);
			on_deep = 0;
			saved = errno;
			deep_give_back(base);
			errno = saved;
			return;
		}
	}
#endif
	fn(arg);
}
