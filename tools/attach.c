/* attach.c - `lockwatch attach [--json FILE] PID`: explain a hung process
 * that was not started under lockwatch (see attach.h), as jstack does for
 * Java.
 *
 * What it reads, all from outside: which threads are blocked in a futex
 * wait, on which word, expecting which value and with which deadline
 * (/proc/PID/task/TID/syscall); the glibc object at that word, read with
 * process_vm_readv: a mutex (its __owner), a rwlock (its __cur_writer), or
 * a thread's TID word (pthread_join waits there for that thread to end).
 * Every thread then waits for at most one other: the owner, the writer,
 * the joined thread. Everything is read twice and must read the same both
 * times. A cycle of threads blocked with no deadline, each waiting for the
 * next, is a deadlock (reported as lockwatch reports one, text and JSON,
 * by the report layer's formatters); so is a wait for a non-robust mutex
 * whose owner thread is gone. Last, each thread shown gets its stack
 * (attach_dw.c: libdw stops that one thread with ptrace while it unwinds
 * it, then detaches it) and each lock the name of the program's symbol
 * that holds it. Nothing is written to the process: a futex wait that
 * ptrace interrupts is restarted by the kernel.
 *
 * Limits: glibc does not record who read-holds a rwlock, so a wait for a
 * read-held rwlock names no holder and never closes a cycle; a lock
 * nobody waits for is not seen, so a thread's held locks are only those
 * that others wait for; waits in other primitives (semaphores, condition
 * variables) are shown as futex waits. */
#define _GNU_SOURCE
#include "attach.h"
#include "attach_dw.h"
#include "attach_proc.h"
#include "attach_stop.h"
#include "mem.h"
#include "rb.h"
#include "symbols.h"
#include "sysname.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define EXIT_DEADLOCK 66
#define MAX_FRAMES 64
#define FUTEX_CMD(op) ((unsigned)(op) & 127u)
#define FUTEX_TID_MASK 0x3fffffffu

enum wait { W_RUNNING, W_SYSCALL, W_FUTEX, W_LOCK, W_JOIN, W_EXITED };
enum lkind { L_MUTEX, L_RWLOCK };

struct alock {
	uintptr_t addr;
	int kind;
	int owner;      /* its owner or writer, 0 when none is recorded */
	int readers;    /* a rwlock in its read phase: readers hold it */
	int certain;    /* a non-robust, process-private mutex */
	int word_owner; /* its owner is in its futex word (robust, PI) */
	uintptr_t sym_start;
	size_t sym_size;
	const char *sym;
	char name[96];
};

struct task {
	int tid;
	char name[16];
	int exited;      /* a zombie: what it held stays held */
	char raw[2][256]; /* the syscall line, at each look */
	int blocked;
	long nr;
	uint64_t arg[6];
	int wait;        /* enum wait */
	int timed;       /* the wait has a deadline */
	int lock;        /* W_LOCK: index into locks */
	int mode_read;   /* W_LOCK: waits to read a rwlock */
	int next;        /* the task it waits for (index), -1 none */
	int gone;        /* waits for a lock whose owner thread is gone */
	int stuck, core;
	lw_frame_t frames[MAX_FRAMES];
	struct lw__frame_info info[MAX_FRAMES]; /* which frames are inlined */
	int depth;
	const char *stack_err;
	char stop_note[96]; /* why its stack is not read */
};

static struct {
	pid_t pid;
	pid_t reader;   /* a live thread, to read the process through */
	int under_lw;   /* lockwatch's preload library is loaded in it */
	const char *json;
	struct task *tasks;
	int n_tasks;
	struct alock *locks;
	int n_locks;
	struct at_dw *dw;
} at;

/* The report layer's formatters ask the report builder what a stack's
 * frames have beyond lw_frame_t; the builder is not in the command:
 * attach's frames say only which are inlined. */
const struct lw__frame_info *lw__rb_frame_info(const struct lw__rb *rb, const lw_stack_t *s)
{
	(void)rb;
	for (int i = 0; i < at.n_tasks; i++)
		if (at.tasks[i].frames == s->frames)
			return at.tasks[i].info;
	return NULL;
}

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "lockwatch attach: %s\n", why);
	fprintf(stderr, "usage: lockwatch attach [--json FILE] PID\n"
			"Explains a hung process not started under lockwatch: which thread\n"
			"waits for which lock or thread, who holds it, deadlocks, stacks.\n"
			"Exit status: 66 a deadlock was found, 0 none, 1 the process cannot\n"
			"be traced, 2 a bad command line.\n");
	return 2;
}

/* Read a whole small file into buf; its length, or -1 with errno. */
static ssize_t read_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t len = read(fd, buf, n - 1);
	int e = errno;
	close(fd);
	errno = e;
	if (len < 0)
		return -1;
	buf[len] = 0;
	return len;
}

static int peek(uintptr_t addr, void *out, size_t n)
{
	struct iovec local = { out, n }, remote = { (void *)addr, n };
	return process_vm_readv(at.reader, &local, 1, &remote, 1, 0) == (ssize_t)n ? 0 : -1;
}

/* The live thread tid (an exited one holds nothing it can let go). */
static int task_of(int tid)
{
	for (int i = 0; i < at.n_tasks; i++)
		if (at.tasks[i].tid == tid && !at.tasks[i].exited)
			return i;
	return -1;
}

static void cannot_trace(const char *what, int err)
{
	char scope[16] = "";
	ssize_t n = read_file("/proc/sys/kernel/yama/ptrace_scope", scope, sizeof(scope));
	if (n > 0)
		scope[strcspn(scope, "\n")] = 0;
	fprintf(stderr,
		"lockwatch attach: cannot trace process %d: %s: %s\n"
		"  reading another process's threads and memory needs ptrace access: the same\n"
		"  user (and the process not marked undumpable), or CAP_SYS_PTRACE (root).%s%s%s\n",
		(int)at.pid, what, strerror(err),
		n > 0 ? "\n  /proc/sys/kernel/yama/ptrace_scope is " : "", n > 0 ? scope : "",
		n > 0 && strcmp(scope, "0") != 0
			? " (1: only descendants may be traced; 2: only with CAP_SYS_PTRACE;"
			  " 3: never): run as root, or set it to 0 with"
			  " `sysctl kernel.yama.ptrace_scope=0`"
			: "");
}

/* Every thread of the process, with its name. */
static int list_tasks(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)at.pid);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	int cap = 0;
	while ((e = readdir(d)) != NULL) {
		int tid = atoi(e->d_name);
		if (tid <= 0)
			continue;
		if (at.n_tasks == cap) {
			cap = cap ? cap * 2 : 16;
			struct task *p = realloc(at.tasks, (size_t)cap * sizeof(*p));
			if (!p) {
				closedir(d);
				return -1;
			}
			at.tasks = p;
		}
		struct task *t = &at.tasks[at.n_tasks++];
		memset(t, 0, sizeof(*t));
		t->tid = tid;
		t->next = t->lock = -1;
		t->exited = at_proc_exited(at.pid, tid);
		if (!t->exited && !at.reader)
			at.reader = tid;
		char comm[32];
		snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)at.pid, tid);
		if (read_file(path, comm, sizeof(comm)) > 0) {
			comm[strcspn(comm, "\n")] = 0;
			comm[sizeof(t->name) - 1] = 0; /* at most 15 characters */
			memcpy(t->name, comm, sizeof(t->name));
		}
	}
	closedir(d);
	return 0;
}

/* Read task t's system call line (look k); -1 with errno when unreadable. */
static int read_syscall(struct task *t, int k)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)at.pid, t->tid);
	if (read_file(path, t->raw[k], sizeof(t->raw[k])) < 0)
		return errno == ENOENT || errno == ESRCH ? 0 : -1; /* it has just exited */
	char *p = t->raw[k], *end;
	long nr = strtol(p, &end, 10);
	t->blocked = 0;
	if (end == p || nr < 0)
		return 0;
	for (int i = 0; i < 6; i++) {
		p = end;
		t->arg[i] = strtoull(p, &end, 16);
		if (end == p)
			return 0;
	}
	t->nr = nr;
	t->blocked = 1;
	return 0;
}

/* A futex operation that sleeps: WAIT, LOCK_PI, WAIT_BITSET,
 * WAIT_REQUEUE_PI, LOCK_PI2. */
static int futex_sleeps(uint64_t op)
{
	unsigned c = FUTEX_CMD(op);
	return c == 0 || c == 6 || c == 9 || c == 11 || c == 13;
}

static int is_tid(int tid)
{
	return tid > 0 && task_of(tid) >= 0;
}

/* A pthread mutex at addr that a thread waits for with value val? */
static int mutex_at(uintptr_t addr, uint32_t val, int pi, struct alock *l)
{
	pthread_mutex_t m;
	if (peek(addr, &m, sizeof(m)) < 0)
		return 0;
	int kind = m.__data.__kind, owner = m.__data.__owner;
	if ((kind & ~0x3ff) != 0 || (kind & 3) > 3 || m.__data.__nusers == 0)
		return 0;
	int robust = (kind & 16) != 0;
	uint32_t word = (uint32_t)m.__data.__lock;
	if (pi || robust) {
		if ((word & FUTEX_TID_MASK) == 0)
			return 0;
		owner = (int)(word & FUTEX_TID_MASK);
	} else if (val != 2 || word != 2 || owner <= 0) {
		return 0; /* glibc's lock wait: the word at 2 (locked, waiters) */
	}
	l->kind = L_MUTEX;
	l->addr = addr;
	l->owner = owner;
	l->readers = 0;
	l->certain = !robust && !(kind & 128);
	l->word_owner = pi || robust;
	return 1;
}

/* glibc's rwlock (nptl/pthread_rwlock_common.c): the bits of __readers,
 * and the value a waiter expects in a futex word it sleeps on */
#define RW_WRPHASE 1u
#define RW_WRLOCKED 2u
#define RW_FUTEX_USED 2u

/* A pthread rwlock whose futex word `off` (its writers' or its phase
 * word) is at addr, waited on with value val (-1: any, a second look)?
 * Its writer is __cur_writer; in its read phase readers hold it (glibc
 * does not record which). */
static int rwlock_at(uintptr_t addr, size_t off, int64_t val, struct alock *l)
{
	pthread_rwlock_t rw;
	if (addr < off || peek(addr - off, &rw, sizeof(rw)) < 0)
		return 0;
	if (rw.__data.__flags > 2 || (unsigned)rw.__data.__shared > 1 || rw.__data.__pad3 ||
	    rw.__data.__pad4 || rw.__data.__pad2 || rw.__data.__cur_writer < 0)
		return 0;
	unsigned r = rw.__data.__readers;
	int phase = off == offsetof(pthread_rwlock_t, __data.__wrphase_futex);
	if (val >= 0 && off == offsetof(pthread_rwlock_t, __data.__writers_futex) &&
	    (val != (1 | RW_FUTEX_USED) || !(r & RW_WRLOCKED)))
		return 0; /* a writer waits for the writer's role */
	if (val >= 0 && phase && val == (1 | RW_FUTEX_USED) && !(r & RW_WRPHASE))
		return 0; /* a reader waits for a write phase to end */
	if (val >= 0 && phase && val == RW_FUTEX_USED && ((r & RW_WRPHASE) || !(r & RW_WRLOCKED)))
		return 0; /* a writer waits for the readers to leave */
	if (val >= 0 && phase && val != RW_FUTEX_USED && val != (1 | RW_FUTEX_USED))
		return 0;
	int w = rw.__data.__cur_writer;
	l->kind = L_RWLOCK;
	l->addr = addr - off;
	l->owner = (r & RW_WRPHASE) ? w : 0;
	l->readers = !(r & RW_WRPHASE);
	l->certain = 1;
	return 1;
}

/* The lock (new or known) for a candidate read at a wait; its index. */
static int add_lock(const struct alock *c)
{
	for (int i = 0; i < at.n_locks; i++)
		if (at.locks[i].addr == c->addr)
			return i;
	struct alock *p = realloc(at.locks, (size_t)(at.n_locks + 1) * sizeof(*p));
	if (!p)
		return -1;
	at.locks = p;
	p[at.n_locks] = *c;
	return at.n_locks++;
}

/* What task t waits for, from its futex wait (first look). */
static void classify(struct task *t)
{
	if (t->exited) {
		t->wait = W_EXITED;
		return;
	}
	if (!t->blocked) {
		t->wait = W_RUNNING;
		return;
	}
	t->wait = W_SYSCALL;
	if (t->nr != SYS_futex || !futex_sleeps(t->arg[1]))
		return;
	t->wait = W_FUTEX;
	uintptr_t a = (uintptr_t)t->arg[0];
	uint32_t val = (uint32_t)t->arg[2], word;
	unsigned cmd = FUTEX_CMD(t->arg[1]);
	int pi = cmd == 6 || cmd == 13;
	t->timed = t->arg[3] != 0;
	if (!pi && peek(a, &word, sizeof(word)) == 0 && word == val && (int)val != t->tid &&
	    is_tid((int)val)) {
		t->wait = W_JOIN; /* pthread_join: the joined thread's TID word */
		t->next = task_of((int)val);
		return;
	}
	struct alock c;
	memset(&c, 0, sizeof(c));
	uintptr_t start = 0;
	size_t size = 0;
	const char *sym = at.dw ? at_dw_data_symbol(at.dw, a, &start, &size) : NULL;
	struct alock found[3];
	size_t sizes[3];
	int n = 0;
	if (mutex_at(a, val, pi, &c))
		sizes[n] = sizeof(pthread_mutex_t), found[n++] = c;
	if (!pi && rwlock_at(a, offsetof(pthread_rwlock_t, __data.__writers_futex), val, &c))
		sizes[n] = sizeof(pthread_rwlock_t), found[n++] = c;
	if (!pi && rwlock_at(a, offsetof(pthread_rwlock_t, __data.__wrphase_futex), val, &c))
		sizes[n] = sizeof(pthread_rwlock_t), found[n++] = c;
	int pick = -1;
	for (int i = 0; i < n && pick < 0; i++)
		/* a lock lies inside the object that holds it (a global lock, or
		 * one in a global struct) */
		if (!sym || (found[i].addr >= start && found[i].addr + sizes[i] <= start + size))
			pick = i;
	if (pick < 0) {
		t->lock = -1;
		return;
	}
	c = found[pick];
	if (sym) {
		c.sym = sym;
		c.sym_start = start;
		c.sym_size = size;
	}
	t->wait = W_LOCK;
	t->lock = add_lock(&c);
	t->mode_read = 0;
	/* a thread blocked on a mutex it owns waits for itself (glibc's
	 * error-checking and recursive kinds never block there) */
	if (t->lock >= 0 && at.locks[t->lock].owner > 0 &&
	    (at.locks[t->lock].owner != t->tid || at.locks[t->lock].kind == L_MUTEX))
		t->next = task_of(at.locks[t->lock].owner);
	t->gone = t->lock >= 0 && at.locks[t->lock].kind == L_MUTEX && at.locks[t->lock].owner > 0 &&
		  t->next < 0 && at.locks[t->lock].certain && !is_tid(at.locks[t->lock].owner);
}

/* Two looks at every thread and every lock read: anything that changed in
 * between is not a wait for good. */
static int look(void)
{
	for (int i = 0; i < at.n_tasks; i++) {
		if (read_syscall(&at.tasks[i], 0) < 0) {
			cannot_trace("reading its threads' system calls", errno);
			return -1;
		}
	}
	for (int i = 0; i < at.n_tasks; i++)
		classify(&at.tasks[i]);
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	for (int i = 0; i < at.n_tasks; i++) {
		struct task *t = &at.tasks[i];
		uint64_t saved[6];
		memcpy(saved, t->arg, sizeof(saved));
		int blocked = t->blocked;
		long nr = t->nr;
		if (read_syscall(t, 1) < 0 || strcmp(t->raw[0], t->raw[1]) != 0) {
			t->timed = 1; /* moved: not a wait for good */
			continue;
		}
		memcpy(t->arg, saved, sizeof(saved));
		t->blocked = blocked;
		t->nr = nr;
	}
	for (int i = 0; i < at.n_locks; i++) {
		struct alock again = at.locks[i];
		int ok = again.kind == L_MUTEX ? 1 : rwlock_at(again.addr, 0, -1, &again);
		if (again.kind == L_MUTEX) {
			pthread_mutex_t m;
			ok = peek(again.addr, &m, sizeof(m)) == 0;
			int owner = again.word_owner
					    ? (int)((uint32_t)m.__data.__lock & FUTEX_TID_MASK)
					    : m.__data.__owner;
			ok = ok && owner == at.locks[i].owner;
		} else {
			ok = ok && again.owner == at.locks[i].owner;
		}
		if (!ok)
			for (int k = 0; k < at.n_tasks; k++)
				if (at.tasks[k].lock == i)
					at.tasks[k].timed = 1;
	}
	return 0;
}

/* The wait-for graph: stuck threads reach a cycle (or a gone owner)
 * through waits with no deadline; the core is on the cycle. */
static int search(void)
{
	int n = at.n_tasks, cores = 0;
	for (int i = 0; i < n; i++) {
		struct task *t = &at.tasks[i];
		if (t->timed || (t->wait != W_LOCK && t->wait != W_JOIN))
			t->next = -1, t->gone = 0;
	}
	for (int i = 0; i < n; i++) {
		int k = i, steps = 0;
		while (at.tasks[k].next >= 0 && steps <= n) {
			k = at.tasks[k].next;
			steps++;
		}
		at.tasks[i].stuck = steps > n || at.tasks[k].gone;
	}
	for (int i = 0; i < n; i++) {
		struct task *t = &at.tasks[i];
		if (!t->stuck)
			continue;
		if (t->gone) {
			t->core = 1;
			continue;
		}
		int k = t->next, steps = 0;
		while (k != i && k >= 0 && steps++ <= n)
			k = at.tasks[k].next;
		t->core = k == i;
	}
	for (int i = 0; i < n; i++)
		cores += at.tasks[i].core;
	return cores;
}

/* A lock's name: the program's symbol (with the offset into it), else
 * kind@address. */
static void name_locks(void)
{
	for (int i = 0; i < at.n_locks; i++) {
		struct alock *l = &at.locks[i];
		const char *kind = l->kind == L_MUTEX ? "mutex" : "rwlock";
		if (l->sym && l->addr == l->sym_start)
			snprintf(l->name, sizeof(l->name), "%s", l->sym);
		else if (l->sym)
			snprintf(l->name, sizeof(l->name), "%s+%" PRIuPTR, l->sym,
				 l->addr - l->sym_start);
		else
			snprintf(l->name, sizeof(l->name), "%s@0x%" PRIxPTR, kind, l->addr);
	}
}

static const char *lock_kind(const struct alock *l)
{
	return l->kind == L_MUTEX ? "mutex" : "rwlock";
}

/* What t does, in words, into buf. */
static void describe(const struct task *t, char *buf, size_t n)
{
	const struct task *u = t->next >= 0 ? &at.tasks[t->next] : NULL;
	const struct alock *l = t->lock >= 0 ? &at.locks[t->lock] : NULL;
	const char *dl = t->timed ? " (with a deadline, or not the same at a second look)" : "";
	switch (t->wait) {
	case W_RUNNING:
		snprintf(buf, n, "running (not in a system call)");
		break;
	case W_EXITED:
		snprintf(buf, n, "has exited, the process living on in its other threads "
			 "(a main thread that ended with pthread_exit): what it held stays held");
		break;
	case W_SYSCALL:
		if (lw__syscall_name(t->nr))
			snprintf(buf, n, "in system call %s", lw__syscall_name(t->nr));
		else
			snprintf(buf, n, "in system call number %ld", t->nr);
		break;
	case W_FUTEX: {
		uintptr_t start = 0;
		size_t size = 0;
		const char *sym = at.dw ? at_dw_data_symbol(at.dw, (uintptr_t)t->arg[0], &start,
							    &size) : NULL;
		char where[128] = "";
		if (sym)
			snprintf(where, sizeof(where), " (%s+%" PRIuPTR ")", sym,
				 (uintptr_t)t->arg[0] - start);
		snprintf(buf, n, "in a futex wait at 0x%" PRIx64 "%s%s: not a mutex or rwlock wait "
			 "(a condition variable, a semaphore, ...)", t->arg[0], where, dl);
		break;
	}
	case W_JOIN: {
		int j = task_of((int)(uint32_t)t->arg[2]);
		snprintf(buf, n, "joins thread %d (%s) (pthread_join)%s", (int)(uint32_t)t->arg[2],
			 j >= 0 ? at.tasks[j].name : "?", dl);
		break;
	}
	case W_LOCK:
		if (u)
			snprintf(buf, n, "waits for %s %s, held by thread %d (%s)%s", lock_kind(l),
				 l->name, u->tid, u->name, dl);
		else if (t->gone)
			snprintf(buf, n, "waits for %s %s, held by thread %d, which has exited: "
				 "nobody can unlock it", lock_kind(l), l->name, l->owner);
		else if (l->readers)
			snprintf(buf, n, "waits for %s %s, held for reading (glibc does not record "
				 "by whom) or by a queued writer%s", lock_kind(l), l->name, dl);
		else
			snprintf(buf, n, "waits for %s %s%s", lock_kind(l), l->name, dl);
		break;
	}
}

/* The locks t owns, of those seen (indexes into out); how many. */
static int held_by(const struct task *t, int *out)
{
	int n = 0;
	for (int i = 0; i < at.n_locks; i++)
		if (at.locks[i].owner == t->tid)
			out[n++] = i;
	return n;
}

/* The call a stop of t would end with EINTR, which the program would see
 * (at_stop_breaks), or NULL; read again now: t may have entered one since
 * the looks, whose reading of t is kept. */
static const char *stop_breaks(struct task *t)
{
	uint64_t arg[6];
	memcpy(arg, t->arg, sizeof(arg));
	long nr = t->nr;
	int blocked = t->blocked;
	const char *call = NULL;
	if (read_syscall(t, 1) == 0 && t->blocked)
		call = at_stop_breaks(at.reader, t->nr, t->arg[0]);
	memcpy(t->arg, arg, sizeof(arg));
	t->nr = nr;
	t->blocked = blocked;
	return call;
}

static void stacks(int core_only)
{
	for (int i = 0; i < at.n_tasks; i++) {
		struct task *t = &at.tasks[i];
		if (core_only && !t->core)
			continue;
		t->depth = 0;
		if (t->exited) {
			t->stack_err = "it has exited";
			continue;
		}
		if (!at.dw) {
			t->stack_err = "the process's modules cannot be read";
			continue;
		}
		const char *call = stop_breaks(t);
		if (call) {
			snprintf(t->stop_note, sizeof(t->stop_note),
				 "not read: stopping the thread would end its %s with EINTR", call);
			t->stack_err = t->stop_note;
			continue;
		}
		int inlined[MAX_FRAMES];
		int d = at_dw_stack(at.dw, t->tid, t->frames, inlined, MAX_FRAMES, &t->stack_err);
		t->depth = d > 0 ? d : 0;
		memset(t->info, 0, sizeof(t->info));
		for (int j = 0; j < t->depth; j++)
			t->info[j].inlined = inlined[j];
	}
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The deadlock report, as lockwatch writes one: text on stdout, a JSON
 * line into --json FILE. */
static void report(int cores)
{
	lw_report_lock_t *locks = calloc((size_t)at.n_locks + 1, sizeof(*locks));
	lw_report_thread_t *threads = calloc((size_t)cores, sizeof(*threads));
	struct rb_thread *rbt = calloc((size_t)cores, sizeof(*rbt));
	int *held = calloc((size_t)cores * ((size_t)at.n_locks + 1), sizeof(int));
	char (*states)[256] = calloc((size_t)cores, sizeof(*states));
	int (*wf)[1] = calloc((size_t)cores, sizeof(*wf));
	char headline[2048];
	size_t hl = 0;
	if (!locks || !threads || !rbt || !held || !states || !wf) {
		fprintf(stderr, "lockwatch attach: out of memory\n");
		return;
	}
	for (int i = 0; i < at.n_locks; i++) {
		locks[i].id = (unsigned)i + 1;
		locks[i].address = at.locks[i].addr;
		locks[i].kind = lock_kind(&at.locks[i]);
		locks[i].name = at.locks[i].name;
		locks[i].class_ = at.locks[i].name;
	}
	int k = 0, stuck = 0;
	headline[0] = 0;
	for (int i = 0; i < at.n_tasks; i++) {
		struct task *t = &at.tasks[i];
		stuck += t->stuck;
		if (!t->core)
			continue;
		lw_report_thread_t *r = &threads[k];
		int *h = held + (size_t)k * ((size_t)at.n_locks + 1);
		r->tid = t->tid;
		r->name = t->name;
		r->role = t->wait == W_JOIN ? "joiner" : "waiter";
		r->lock = t->wait == W_LOCK ? t->lock : -1;
		r->n_held = held_by(t, h);
		r->held = h;
		r->stack.depth = t->depth;
		r->stack.frames = t->frames;
		r->now_note = t->depth ? NULL : t->stack_err;
		describe(t, states[k], sizeof(states[k]));
		rbt[k].state = states[k];
		if (t->next >= 0) {
			wf[k][0] = at.tasks[t->next].tid;
			rbt[k].waits_for = wf[k];
			rbt[k].n_waits_for = 1;
		}
		char holds[512];
		size_t len = 0;
		holds[0] = 0;
		for (int j = 0; j < r->n_held && len < sizeof(holds) - 1; j++) {
			int w = snprintf(holds + len, sizeof(holds) - len, "%s%s", j ? ", " : "",
					 at.locks[h[j]].name);
			if (w > 0)
				len += (size_t)w;
		}
		int w = snprintf(headline + hl, sizeof(headline) - hl, "%sthread %d (%s) holds %s and %s",
				 hl ? "; " : "", t->tid, t->name, len ? holds : "nothing", states[k]);
		if (w > 0 && (size_t)w < sizeof(headline) - hl)
			hl += (size_t)w;
		k++;
	}
	int gone = 0;
	for (int i = 0; i < at.n_tasks; i++)
		gone += at.tasks[i].core && at.tasks[i].gone;
	char note[512];
	const char *started = at.under_lw ? ", which runs under lockwatch (its own reports "
					    "say more)"
					  : ", not started under lockwatch";
	snprintf(note, sizeof(note),
		 "found by `lockwatch attach` in process %d%s: %s, read "
		 "from the kernel's futex waits and glibc's lock owners (twice, the same both "
		 "times)%s", (int)at.pid, started,
		 gone == k ? "the holder is gone and the lock is not robust"
					    : "these threads wait for each other and none can go on",
		 stuck > cores ? "; more threads are queued behind them" : "");
	/* one thread waiting for itself: a self-deadlock, as a run names it */
	int self = k == 1 && cores == 1 && threads[0].tid > 0 && rbt[0].n_waits_for == 1 &&
		   wf[0][0] == threads[0].tid;
	if (self)
		snprintf(note, sizeof(note),
			 "found by `lockwatch attach` in process %d%s: "
			 "the thread waits for a mutex it holds itself, which is not recursive, "
			 "read from the kernel's futex waits and glibc's lock owners (twice, the "
			 "same both times)%s", (int)at.pid, started,
			 stuck > cores ? "; more threads are queued behind it" : "");
	struct lw__rb rb;
	memset(&rb, 0, sizeof(rb));
	rb.kind = self ? LW_SELF_DEADLOCK : LW_DEADLOCK;
	rb.sev = LW_ERROR;
	rb.threads = rbt;
	rb.n_threads = k;
	char *line = NULL;
	size_t cap = 0;
	FILE *hf = open_memstream(&line, &cap);
	if (hf) {
		fprintf(hf, "%s: %s", self ? "self-deadlock" : "deadlock", headline);
		fclose(hf);
	}
	lw_report_t r = {
		.kind = rb.kind, .severity = LW_ERROR,
		.kind_name = self ? "self_deadlock" : "deadlock",
		.severity_name = "error", .headline = line, .note = note, .pid = (int)at.pid,
		.time_ms = now_ms(), .n_locks = at.n_locks, .locks = locks, .n_threads = k,
		.threads = threads,
	};
	struct lw__buf text = { 0 }, json = { 0 };
	lw__report_text(&r, &rb, &text);
	lw__report_json(&r, &rb, &json);
	if (text.p)
		fputs(text.p, stdout);
	if (at.json && json.p) {
		FILE *f = fopen(at.json, "a");
		int bad = !f || fprintf(f, "%s\n", json.p) < 0;
		if (f && fclose(f) != 0)
			bad = 1;
		if (bad) /* the report is on stdout still; the status stands */
			fprintf(stderr, "lockwatch attach: cannot write %s: %s\n", at.json,
				strerror(errno));
	}
	lw__mem_free(text.p);
	lw__mem_free(json.p);
	free(line);
	free(locks);
	free(threads);
	free(rbt);
	free(held);
	free(states);
	free(wf);
}

static void put_frames(const struct task *t)
{
	if (!t->depth) {
		printf("    stack: not known (%s)\n", t->stack_err ? t->stack_err : "?");
		return;
	}
	printf("    stack:\n");
	for (int i = 0; i < t->depth; i++) {
		const lw_frame_t *f = &t->frames[i];
		printf("      #%d %s", i, f->function ? f->function : "??");
		if (f->file && f->line > 0)
			printf(" (%s:%d)", f->file, f->line);
		else if (f->file)
			printf(" (%s)", f->file);
		if (f->module) {
			const char *b = strrchr(f->module, '/');
			printf(" [%s]", b ? b + 1 : f->module);
		}
		printf("%s\n", t->info[i].inlined ? " (inlined)" : "");
	}
}

/* No deadlock: who holds what, who waits for what, and every stack. */
static void dump(void)
{
	char comm[32] = "?", path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)at.pid);
	if (read_file(path, comm, sizeof(comm)) > 0)
		comm[strcspn(comm, "\n")] = 0;
	printf("lockwatch attach: process %d (%s): no deadlock found; %d thread%s:\n",
	       (int)at.pid, comm, at.n_tasks, at.n_tasks == 1 ? "" : "s");
	int *h = calloc((size_t)at.n_locks + 1, sizeof(int));
	for (int i = 0; i < at.n_tasks; i++) {
		const struct task *t = &at.tasks[i];
		char state[256];
		describe(t, state, sizeof(state));
		printf("  thread %d (%s):\n    %s\n", t->tid, t->name, state);
		int n = h ? held_by(t, h) : 0;
		for (int j = 0; j < n; j++)
			printf("%s%s%s", j ? ", " : "    holds: ", at.locks[h[j]].name,
			       j == n - 1 ? "\n" : "");
		put_frames(t);
	}
	free(h);
	printf("\n");
}

int lw_attach_main(int argc, char **argv)
{
	const char *pid_arg = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(NULL);
			return 0;
		} else if (strcmp(argv[i], "--json") == 0) {
			if (++i >= argc)
				return usage("--json needs a FILE");
			at.json = argv[i];
		} else if (strncmp(argv[i], "--json=", 7) == 0) {
			at.json = argv[i] + 7;
		} else if (argv[i][0] == '-' && strcmp(argv[i], "--") != 0) {
			fprintf(stderr, "lockwatch attach: unknown flag '%s'\n", argv[i]);
			return usage(NULL);
		} else if (strcmp(argv[i], "--") != 0) {
			if (pid_arg)
				return usage("one PID only");
			pid_arg = argv[i];
		}
	}
	if (!pid_arg)
		return usage("no PID");
	char *end;
	long pid = strtol(pid_arg, &end, 10);
	/* digits only: strtol would take " 1" or "+1" for process 1 */
	if (*pid_arg < '1' || *pid_arg > '9' || *end || pid <= 0 || pid > 0x3fffffff)
		return usage("PID must be a process id");
	if (pid == getpid())
		return usage("lockwatch cannot attach to itself");
	at.pid = (pid_t)pid;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	if (access(path, F_OK) != 0) {
		fprintf(stderr, "lockwatch attach: no process %ld\n", pid);
		return 2;
	}
	if (at.json) { /* made (emptied) now, as `lockwatch run --json` does */
		FILE *f = fopen(at.json, "w");
		if (!f) {
			fprintf(stderr, "lockwatch attach: cannot write %s: %s\n", at.json,
				strerror(errno));
			return 2;
		}
		fclose(f);
	}
	if (at_proc_kernel(at.pid)) {
		fprintf(stderr, "lockwatch attach: process %ld is a kernel thread: it takes no "
				"user-space locks\n", pid);
		return 2;
	}
	if (list_tasks() < 0) {
		cannot_trace("listing its threads", errno);
		return 1;
	}
	if (!at.reader) {
		fprintf(stderr, "lockwatch attach: process %ld has ended (its parent has not yet "
				"collected its status)\n", pid);
		return 2;
	}
	at.under_lw = at_proc_under_lockwatch(at.reader);
	const char *err = NULL;
	at.dw = at_dw_open(at.reader, &err);
	if (look() < 0) {
		at_dw_close(at.dw);
		return 1;
	}
	int cores = search();
	name_locks();
	stacks(cores > 0);
	if (cores)
		report(cores);
	else
		dump();
	fflush(stdout);
	at_dw_close(at.dw); /* detaches from every thread it stopped, frees the
			     * frames' strings */
	free(at.tasks);
	free(at.locks);
	return cores ? EXIT_DEADLOCK : 0;
}
