/* sample.c - the registers and the top of the stack of another thread of
 * this process that is running its own code, taken by the kernel with no
 * signal (see sample.h): a software event that counts the thread's own
 * CPU time (perf_event_open, PERF_COUNT_SW_TASK_CLOCK) samples it once in
 * user mode, with its user registers and a copy of its stack, into a ring
 * buffer this thread reads. The sampled thread runs on untouched: no
 * signal, so no system call it makes is ever cut short.
 *
 * Used only where the kernel allows it for this process's own threads
 * (kernel.perf_event_paranoid 2 or less; Debian's own kernels default to
 * 3, which refuses it) and never under a seccomp filter, which may kill
 * the process for a system call it does not expect. Once refused, never
 * tried again. Called by the watchdog thread only, one sample at a time:
 * the sample buffer is static.
 *
 * The event is opened, mapped and closed in lockwatch's reader thread
 * (base/aside.h), whose descriptor table is its own: its ring stays
 * mapped (the mapping keeps the event) while the watchdog waits for the
 * sample, and no descriptor is ever open in the program's table (it was,
 * for the whole wait: a program that closed descriptor 0 and counted on
 * getting it back from open got the next number thousands of times). */
#define _GNU_SOURCE
#include "sample.h"
#include "aside.h"
#include "options.h"
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <asm/perf_regs.h>
#endif

#define RING_PAGES 8 /* data pages: a power of two, room for one sample */
#define PERIOD_NS 50000 /* CPU time of the thread between two samples */

static int refused; /* 1: perf_event_open refused here, or a filter */
static struct lw__sample sample;

/* Does this thread run under a seccomp filter? (Then an unexpected
 * system call may kill the process: perf_event_open is not made.) */
static int filtered(void)
{
	char buf[4096];
	if (lw__proc_read("/proc/thread-self/status", buf, sizeof(buf)) <= 0)
		return 1;
	const char *p = strstr(buf, "\nSeccomp:");
	return !p || strtol(p + 9, NULL, 10) != 0;
}

#if defined(__x86_64__)
static const int regs_wanted[] = { /* ascending, as the sample has them */
	PERF_REG_X86_BX, PERF_REG_X86_BP, PERF_REG_X86_SP, PERF_REG_X86_IP,
	PERF_REG_X86_R12, PERF_REG_X86_R13, PERF_REG_X86_R14, PERF_REG_X86_R15,
};
#define N_REGS (sizeof(regs_wanted) / sizeof(regs_wanted[0]))

/* Copy n bytes at offset off of the ring's data area (it wraps). */
static void ring_copy(const unsigned char *data, uint64_t size, uint64_t off, void *to, size_t n)
{
	unsigned char *d = to;
	for (size_t i = 0; i < n; i++)
		d[i] = data[(off + i) & (size - 1)];
}

/* Read the first sample record of the ring, if any: 1 read, 0 none yet,
 * -1 unusable (no user registers: it was not in user mode). */
static int read_sample(struct perf_event_mmap_page *meta, const unsigned char *data, uint64_t size)
{
	uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = meta->data_tail;
	while (tail + sizeof(struct perf_event_header) <= head) {
		struct perf_event_header h;
		ring_copy(data, size, tail, &h, sizeof(h));
		if (h.size < sizeof(h) || tail + h.size > head)
			return 0;
		if (h.type == PERF_RECORD_SAMPLE) {
			uint64_t off = tail + sizeof(h), abi, v[N_REGS], n;
			uint32_t pt[2];
			ring_copy(data, size, off, pt, sizeof(pt)); /* PERF_SAMPLE_TID */
			off += sizeof(pt);
			ring_copy(data, size, off, &abi, sizeof(abi));
			off += sizeof(abi);
			if (abi == PERF_SAMPLE_REGS_ABI_NONE)
				return -1;
			ring_copy(data, size, off, v, sizeof(v));
			off += sizeof(v);
			ring_copy(data, size, off, &n, sizeof(n));
			off += sizeof(n);
			if (n > sizeof(sample.stack))
				return -1;
			ring_copy(data, size, off, sample.stack, (size_t)n);
			uint64_t dyn = 0;
			if (n)
				ring_copy(data, size, off + n, &dyn, sizeof(dyn));
			/* in the order of their bits (regs_wanted) */
			sample.bx = v[0];
			sample.bp = v[1];
			sample.sp = v[2];
			sample.ip = v[3];
			for (int k = 0; k < 4; k++)
				sample.r12_15[k] = v[4 + k];
			sample.n = dyn < n ? (size_t)dyn : (size_t)n;
			return 1;
		}
		tail += h.size;
	}
	return 0;
}

/* A task-clock event on thread tid that samples its user registers and
 * the top of its stack: its fd, or -1 (errno set). */
static int open_event(int tid)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.sample_period = PERIOD_NS;
	a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
	for (size_t i = 0; i < N_REGS; i++)
		a.sample_regs_user |= 1ull << regs_wanted[i];
	a.sample_stack_user = sizeof(sample.stack);
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	a.exclude_idle = 1;
	return (int)syscall(SYS_perf_event_open, &a, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}
#endif

#if defined(__x86_64__)
struct ring_job {
	int tid;
	size_t len;
	void *ring;  /* the mapped ring, or NULL */
	int refused; /* 1: never again here */
};

/* The event on job->tid, mapped, its descriptor closed (in the reader
 * thread: the seccomp check is of the thread that makes the calls). */
static void ring_open(void *arg)
{
	struct ring_job *j = arg;
	if (filtered()) {
		j->refused = 1;
		return;
	}
	int fd = open_event(j->tid);
	if (fd < 0) {
		j->refused = errno != ESRCH;
		return;
	}
	void *m = mmap(NULL, j->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		j->refused = 1;
	else
		j->ring = m;
}
#endif

const struct lw__sample *lw__sample_take(int tid, int wait_ms, const char **note)
{
	*note = NULL;
#if defined(__x86_64__)
	if (!lw__opt.stack_sample || lw__load(&refused))
		return NULL;
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)page * (RING_PAGES + 1);
	struct ring_job job = { tid, len, NULL, 0 };
	lw__aside(ring_open, &job);
	if (!job.ring) {
		if (job.refused)
			lw__store(&refused, 1);
		return NULL;
	}
	void *m = job.ring;
	struct perf_event_mmap_page *meta = m;
	const unsigned char *data = (const unsigned char *)m + page;
	uint64_t size = (uint64_t)page * RING_PAGES;
	if (meta->data_offset && meta->data_size) {
		data = (const unsigned char *)m + meta->data_offset;
		size = meta->data_size;
	}
	int got = 0;
	for (int i = 0; i < wait_ms * 10 && got == 0; i++) {
		got = read_sample(meta, data, size);
		if (got == 0) {
			struct timespec t = { 0, 100000 };
			nanosleep(&t, NULL);
		}
	}
	munmap(m, len);
	if (got <= 0) {
		*note = "running, but the kernel took no sample of it in time";
		return NULL;
	}
	return &sample;
#else
	(void)tid, (void)wait_ms;
	return NULL;
#endif
}
