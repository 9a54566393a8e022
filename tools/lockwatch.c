/* lockwatch.c - the `lockwatch` command: a thin launcher.
 *
 *   lockwatch run [OPTIONS] [--] PROGRAM [ARGS...]
 *
 * Each option of the table in src/base/options.def is a flag (hold_ms is
 * --hold-ms); they become LOCKWATCH_OPTIONS for the program, which runs
 * with the preload library added to LD_PRELOAD. Reports always go to a
 * JSON Lines file (a private temporary one unless --json is given, which
 * must be usable before the program starts), and every process of the
 * program's tree counts them in a run record (src/base/verdict.h) that this
 * command creates and reads at the end. lockwatch is a child subreaper and
 * waits for the whole tree (tools/timeout.c). A suppressions file is read
 * here too (src/report/suppress.c), to refuse a bad one before the program
 * starts and to name its entries at the end. Exit status: the program's
 * own (killed by a signal, this command dies of it too: die_as), or the
 * error exit code (default 66) when any error-severity report was made,
 * or cut short by its process's end; a clean run prints nothing.
 * The program's ELF headers are read first: a static program is refused, and
 * an ASan runtime it needs is put first in LD_PRELOAD. */
#define _GNU_SOURCE
#include "kinds.h"
#include "attach.h"
#include "options.h"
#include "record.h"
#include "suppress.h"
#include "timeout.h"
#include "unchecked.h"
#include "verdict.h"
#include "report/report.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_ERROR_EXIT 66
#define DEFAULT_RUN_EDGES 10000

static pid_t child;

static void usage(FILE *f)
{
	fprintf(f, "usage: lockwatch run [OPTIONS] [--] PROGRAM [ARGS...]\n"
		   "       lockwatch report [OPTIONS] FILE|DIR...   (lockwatch report --help)\n"
		   "       lockwatch attach [--json FILE] PID\n"
		   "       lockwatch --help | --version\n\n"
		   "Runs PROGRAM with lockwatch preloaded and reports lock-order cycles,\n"
		   "deadlocks, self-deadlocks, bad unlocks, long holds and long waits, in\n"
		   "every process of its tree, and waits for the whole tree.\n"
		   "Exit status: PROGRAM's own, or %d (--exitcode) when an error was\n"
		   "reported, 124 when --timeout ran out; 2 for a bad command line, an\n"
		   "unusable --json or --suppressions file, a statically linked PROGRAM, or\n"
		   "reports that cannot be counted; 127 when PROGRAM cannot run.\n\n"
		   "Options, also LOCKWATCH_OPTIONS=key=value:key=value (a value holding ':'\n"
		   "quoted: json=\"/tmp/a:b.jsonl\"); each is taken from the\n"
		   "flags over LOCKWATCH_OPTIONS over the defaults shown.\n"
		   "--verbose alone (or -v) is --verbose 1, --quiet (-q) --quiet 1; a number\n"
		   "after either is its value.\n"
		   "Suppressions: one KIND:PATTERN a line; see lockwatch(1).\n",
		DEFAULT_ERROR_EXIT);
	for (int i = 0; i < lw__n_optdescs; i++) {
		const struct lw__optdesc *d = &lw__optdescs[i];
		char flag[64], def[64];
		size_t k;
		for (k = 0; d->key[k] && k < sizeof(flag) - 1; k++)
			flag[k] = d->key[k] == '_' ? '-' : d->key[k];
		flag[k] = 0;
		if (d->type == 'I' && strcmp(d->key, "edges") == 0)
			snprintf(def, sizeof(def), "%d with --json, else 0", DEFAULT_RUN_EDGES);
		else if (d->type == 'I')
			snprintf(def, sizeof(def), "%ld", strcmp(d->key, "exitcode") == 0
								  ? (long)DEFAULT_ERROR_EXIT
								  : d->def);
		else if (d->type == 'E')
			lw__options_enum_name(d, strcmp(d->key, "on_deadlock") == 0 ? 1 : d->def,
					      def, sizeof(def));
		else
			snprintf(def, sizeof(def), "none");
		int is_verbose = strcmp(d->key, "verbose") == 0, is_quiet = strcmp(d->key, "quiet") == 0;
		fprintf(f, "  --%-14s %-5s %s (default %s)%s\n", flag,
			is_verbose || is_quiet ? "[N]"
			: d->type == 'I' && d->lo == 0 && d->hi == 1 ? "0|1"
			: d->type == 'I'       ? "N"
			: d->type == 'S'       ? "FILE"
					       : "WORD",
			d->help, def,
			is_verbose ? "; -v, --verbose: 1" : is_quiet ? "; -q, --quiet: 1" : "");
	}
}

static void die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "lockwatch: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nlockwatch: see 'lockwatch --help'\n");
	exit(2);
}

/* The preload library: $LOCKWATCH_PRELOAD, or ../lib next to this binary. */
static void find_preload(char *out, size_t n)
{
	const char *env = getenv("LOCKWATCH_PRELOAD");
	if (env && *env) {
		snprintf(out, n, "%s", env);
	} else {
		char self[PATH_MAX - 64];
		ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (len < 0) {
			perror("lockwatch: /proc/self/exe");
			exit(2);
		}
		self[len] = 0;
		char *slash = strrchr(self, '/');
		if (slash)
			*slash = 0;
		snprintf(out, n, "%s/../lib/liblockwatch-preload.so", self);
		if (access(out, R_OK) != 0) /* installed layout: bin/ and lib/ */
			snprintf(out, n, "%s/../lib/x86_64-linux-gnu/liblockwatch-preload.so", self);
	}
	if (access(out, R_OK) != 0) {
		fprintf(stderr, "lockwatch: preload library not found at %s (set LOCKWATCH_PRELOAD)\n", out);
		exit(2);
	}
}

/* PROGRAM as execvp would find it, or NULL. */
static const char *resolve(const char *prog, char *buf, size_t n)
{
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0 ? prog : NULL;
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		snprintf(buf, n, "%.*s/%s", (int)len, path, prog);
		if (access(buf, X_OK) == 0)
			return buf;
		path += len;
		if (*path == ':')
			path++;
	}
	return NULL;
}

/* Sanitizer runtimes that refuse to run unless they come first in the
 * initial library list ("ASan runtime does not come first"): a program that
 * needs one gets it first in LD_PRELOAD, before lockwatch's library. Only
 * ASan checks this (TSan and LSan do not; HWASan does not exist for x86-64
 * gcc); add a runtime's soname prefix here if another one does. */
static const char *const first_runtimes[] = { "libasan.so" };

struct elf_info {
	int is_elf;        /* a 64-bit ELF file */
	int is_static;     /* ... with no program interpreter */
	char first[256];   /* the DT_NEEDED soname of a runtime that must come first, or "" */
};

/* The NUL-terminated string at file offset off, or "" */
static void pread_str(int fd, off_t off, char *buf, size_t n)
{
	ssize_t got = pread(fd, buf, n - 1, off);
	buf[got > 0 ? got : 0] = 0;
}

/* Read the ELF headers of `file`: static or not (no PT_INTERP: LD_PRELOAD
 * is ignored), and its DT_NEEDED entries, looking for a runtime of
 * first_runtimes. */
static void inspect_elf(const char *file, struct elf_info *info)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	Elf64_Ehdr eh;
	Elf64_Phdr load[16], dyn = { 0 };
	int n_load = 0, interp = 0;
	memset(info, 0, sizeof(*info));
	if (fd < 0)
		return;
	if (read(fd, &eh, sizeof(eh)) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64) {
		close(fd);
		return;
	}
	info->is_elf = 1;
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (Elf64_Off)i * eh.e_phentsize)) !=
		    (ssize_t)sizeof(ph))
			break;
		interp |= ph.p_type == PT_INTERP;
		if (ph.p_type == PT_DYNAMIC)
			dyn = ph;
		if (ph.p_type == PT_LOAD && n_load < (int)(sizeof(load) / sizeof(load[0])))
			load[n_load++] = ph;
	}
	info->is_static = !interp;
	/* the dynamic section: DT_STRTAB (an address) and the DT_NEEDED offsets into it */
	Elf64_Addr strtab = 0;
	Elf64_Xword needed[64];
	int n_needed = 0;
	for (Elf64_Xword k = 0; dyn.p_filesz && k < dyn.p_filesz / sizeof(Elf64_Dyn); k++) {
		Elf64_Dyn d;
		if (pread(fd, &d, sizeof(d), (off_t)(dyn.p_offset + k * sizeof(d))) != (ssize_t)sizeof(d) ||
		    d.d_tag == DT_NULL)
			break;
		if (d.d_tag == DT_STRTAB)
			strtab = d.d_un.d_ptr;
		else if (d.d_tag == DT_NEEDED && n_needed < (int)(sizeof(needed) / sizeof(needed[0])))
			needed[n_needed++] = d.d_un.d_val;
	}
	off_t stroff = -1; /* the string table's file offset, through its PT_LOAD */
	for (int i = 0; i < n_load; i++)
		if (strtab >= load[i].p_vaddr && strtab < load[i].p_vaddr + load[i].p_filesz)
			stroff = (off_t)(strtab - load[i].p_vaddr + load[i].p_offset);
	for (int i = 0; stroff >= 0 && i < n_needed && !info->first[0]; i++) {
		char name[sizeof(info->first)];
		pread_str(fd, stroff + (off_t)needed[i], name, sizeof(name));
		for (size_t r = 0; r < sizeof(first_runtimes) / sizeof(first_runtimes[0]); r++)
			if (strncmp(name, first_runtimes[r], strlen(first_runtimes[r])) == 0)
				memcpy(info->first, name, sizeof(name));
	}
	close(fd);
}

/* Forward a signal sent to lockwatch itself (kill, a CI runner stopping
 * the job, a script's `kill -USR1 $!` meant for the program). One the
 * terminal sent (Ctrl-C, a resize) went to the whole foreground process
 * group, the program included: forwarding it would deliver it twice. */
static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
		lw__cli_stop = sig; /* once the program has ended, stop waiting */
	if (child > 0 && !lw__cli_child_done && si->si_code <= 0)
		kill(child, sig);
}

/* The signals forwarded: the three that stop a run, and those a program
 * is told things with (SIGUSR1: dd's progress, nginx's logs; SIGQUIT: a
 * JVM's threads; the real-time ones). Not SIGCHLD (lockwatch's own), not
 * the job-control stops, not the faults. */
static const int fwd_fixed[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
				 SIGALRM, SIGWINCH, SIGURG, SIGVTALRM, SIGPROF, SIGIO, SIGPWR };
#define FWD_MAX (sizeof(fwd_fixed) / sizeof(fwd_fixed[0]) + 64)

/* Fill sigs with the forwarded signals; how many. */
static int forwarded_signals(int *sigs)
{
	int n = 0;
	for (size_t k = 0; k < sizeof(fwd_fixed) / sizeof(fwd_fixed[0]); k++)
		sigs[n++] = fwd_fixed[k];
	for (int s = SIGRTMIN; s <= SIGRTMAX && n < (int)FWD_MAX; s++)
		sigs[n++] = s;
	return n;
}

struct counts {
	unsigned long kinds[16], errors, total;
	unsigned long more[16]; /* instances grouped into those reports */
	unsigned long supp[LW__RECORD_SUPP], supp_total; /* by suppression entry */
	int short_pid; /* a process whose lockwatch found no memory, or 0 */
	unsigned long unfinished; /* error reports a process ended in */
	long listed; /* processes that ran lockwatch (-1: not known) */
};

#define N_KINDS LW_KIND_COUNT

/* Count the reports written to the JSON file from offset `from` on: 0, or
 * -1 when it cannot be read. */
static int count_reports(const char *path, off_t from, struct counts *c)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	memset(c, 0, sizeof(*c));
	c->listed = -1;
	if (!f)
		return -1;
	fseeko(f, from, SEEK_SET);
	while (getline(&line, &cap, f) > 0) {
		/* a report starts with its kind; the stats line has none */
		if (strncmp(line, "{\"kind\":\"", 9) != 0)
			continue;
		char *k = line + 9;
		for (unsigned i = 0; i < N_KINDS; i++) {
			size_t n = strlen(lw__kind_names[i]);
			if (strncmp(k, lw__kind_names[i], n) == 0 && k[n] == '"')
				c->kinds[i]++;
		}
		c->total++;
		if (strstr(line, "\"severity\":\"error\""))
			c->errors++;
	}
	free(line);
	fclose(f);
	return 0;
}

/* Why `path` cannot take the JSON reports (NULL when it can): it must be a
 * regular file we may write, or one we may create. Nothing is created. */
static const char *json_unusable(const char *path, char *why, size_t n)
{
	struct stat st;
	if (!path[0])
		return "the path is empty";
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return "is a directory";
		if (!S_ISREG(st.st_mode))
			return "is not a regular file";
		struct statfs fs; /* /proc and /sys files look regular, take no lines */
		if (statfs(path, &fs) == 0 && (fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC))
			return "is a /proc or /sys file, not a file on a disk";
		if (access(path, W_OK) != 0) {
			snprintf(why, n, "cannot be written: %s", strerror(errno));
			return why;
		}
		return NULL;
	}
	if (errno != ENOENT) {
		snprintf(why, n, "cannot be used: %s", strerror(errno));
		return why;
	}
	char copy[PATH_MAX];
	snprintf(copy, sizeof(copy), "%s", path);
	const char *dir = dirname(copy);
	if (stat(dir, &st) != 0)
		snprintf(why, n, "cannot be created: %s: %s", dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		snprintf(why, n, "cannot be created: %s is not a directory", dir);
	else if (access(dir, W_OK | X_OK) != 0)
		snprintf(why, n, "cannot be created in %s: %s", dir, strerror(errno));
	else
		return NULL;
	return why;
}

/* Tell the processes of the run still mapping the record that its
 * temporary JSON file is gone. */
static void record_json_gone(const char *path)
{
	uint32_t one = 1;
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (pwrite(fd, &one, sizeof(one), (off_t)offsetof(struct lw__record, json_gone)) !=
	    (ssize_t)sizeof(one))
		perror("lockwatch: the run record");
	close(fd);
}

/* The counts from the run record; -1 when it cannot be read. */
static int record_read(const char *path, struct counts *c)
{
	struct lw__record r;
	if (lw__record_load(path, &r) != 0)
		return -1;
	memset(c, 0, sizeof(*c));
	for (unsigned k = 0; k < LW__RECORD_KINDS; k++) {
		if (k < N_KINDS) {
			c->kinds[k] = r.by_kind[k][0] + r.by_kind[k][1];
			c->more[k] = r.more[k];
		}
		c->total += r.by_kind[k][0] + r.by_kind[k][1];
		c->errors += r.by_kind[k][1];
	}
	for (unsigned k = 0; k < LW__RECORD_SUPP; k++) {
		c->supp[k] = r.suppressed[k];
		c->supp_total += r.suppressed[k];
	}
	c->short_pid = r.short_pid;
	/* an error found whose report its process did not live to finish
	 * (killed, _exit, exec) is still an error */
	c->unfinished = r.unfinished;
	c->errors += r.unfinished;
	c->listed = r.n_running;
	return 0;
}

/* The value of option d in o. */
static void *opt_ptr(struct lw__options *o, const struct lw__optdesc *d)
{
	return (char *)o + d->offset;
}

static const struct lw__optdesc *opt_desc(const char *key)
{
	for (int k = 0; k < lw__n_optdescs; k++)
		if (strcmp(lw__optdescs[k].key, key) == 0)
			return &lw__optdescs[k];
	return NULL;
}

/* Set one checked key=value in o. */
static void opt_set(struct lw__options *o, const char *key, const char *val)
{
	char kv[LW__OPT_STR_MAX + PATH_MAX + 80], q[LW__OPT_STR_MAX + PATH_MAX];
	if (lw__options_quote(val, q, sizeof(q)) != 0)
		die_usage("a value cannot hold both quote characters and ':' (%s)", val);
	snprintf(kv, sizeof(kv), "%s=%s", key, q);
	lw__options_parse(o, kv, "lockwatch run", 2);
}

/* A relative json or log path, made absolute: the program may chdir
 * before it reports. */
static void opt_absolute(struct lw__options *o, const char *key)
{
	char *v = opt_ptr(o, opt_desc(key)), cwd[PATH_MAX], abs[LW__OPT_STR_MAX + PATH_MAX];
	if (!v[0] || v[0] == '/')
		return;
	if (!getcwd(cwd, sizeof(cwd)) ||
	    (size_t)snprintf(abs, sizeof(abs), "%s/%s", cwd, v) >= LW__OPT_STR_MAX)
		die_usage("cannot make '%s' an absolute path", v);
	opt_set(o, key, abs);
}

/* o as LOCKWATCH_OPTIONS, every option spelled out. */
static void opt_format(struct lw__options *o, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = 0;
	for (int k = 0; k < lw__n_optdescs && len < n; k++) {
		const struct lw__optdesc *d = &lw__optdescs[k];
		char v[LW__OPT_STR_MAX], q[LW__OPT_STR_MAX + 3];
		if (d->type == 'I')
			snprintf(v, sizeof(v), "%ld", *(long *)opt_ptr(o, d));
		else if (d->type == 'E')
			lw__options_enum_name(d, *(int *)opt_ptr(o, d), v, sizeof(v));
		else
			snprintf(v, sizeof(v), "%s", (char *)opt_ptr(o, d));
		if (lw__options_quote(v, q, sizeof(q)) != 0)
			die_usage("a value cannot hold both quote characters and ':' (%s)", v);
		len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", k ? ":" : "", d->key, q);
	}
	if (len >= n)
		die_usage("%s", "options too long");
}

/* Which entries of the suppressions file suppressed how many reports;
 * with --verbose also those that matched nothing. */
static void print_suppressed(const struct lw__supp *supp, const struct counts *c, int verbose)
{
	for (int k = 0; k < supp->n; k++) {
		unsigned long h = k < LW__RECORD_SUPP ? c->supp[k] : 0;
		if (h)
			fprintf(stderr, "lockwatch: suppressed %lu by %s:%d %s:%s\n", h, supp->path,
				supp->e[k].line, supp->e[k].kind_text, supp->e[k].pattern);
		else if (verbose)
			fprintf(stderr, "lockwatch: suppression %s:%d %s:%s matched nothing\n",
				supp->path, supp->e[k].line, supp->e[k].kind_text, supp->e[k].pattern);
	}
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* The signal that killed the program, 0 when it exited (cmd_run). */
static int program_signal;

/* End lockwatch as the program ended: killed by signal sig, so that a
 * shell running it in a loop stops at Ctrl-C, and a parent reading the
 * status sees a death by that signal, not an exit with 128+sig. No core
 * file: the program's was its own. Returns only when it could not. */
static void die_as(int sig)
{
	struct rlimit none = { 0, 0 };
	sigset_t s;
	fflush(NULL);
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	signal(sig, SIG_DFL);
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	raise(sig);
}

static int cmd_run(int argc, char **argv)
{
	/* The effective options: run's defaults, then LOCKWATCH_OPTIONS from
	 * the environment, then the flags; the later wins, for every option. */
	struct lw__options eff;
	int json_flag = 0, i;
	lw__options_defaults(&eff);
	eff.exitcode = DEFAULT_ERROR_EXIT;
	eff.on_deadlock = LW__ON_DEADLOCK_EXIT;
	/* the order line, for `lockwatch report`: made (every lock class
	 * named, at exit) only where it is kept, so 0 for the temporary file
	 * below unless edges was asked for (-1 here: not yet) */
	eff.edges = -1;
	lw__options_parse(&eff, getenv("LOCKWATCH_OPTIONS"), "LOCKWATCH_OPTIONS", 2);
	/* Inside another run's tree (a test script run by `lockwatch run`
	 * that runs `lockwatch run` itself): the options this run inherited
	 * are those the outer run gave its program, whose exitcode (0) is the
	 * library's; the outer's own comes apart. This run's counts go to the
	 * outer's record too, at its end. */
	static char outer[PATH_MAX];
	const char *o_rec = getenv(LW__RECORD_ENV);
	if (o_rec && *o_rec && strlen(o_rec) < sizeof(outer)) {
		strcpy(outer, o_rec);
		eff.exitcode = lw__run_exitcode(DEFAULT_ERROR_EXIT);
	}

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		}
		char key[64], err[512];
		const char *val, *eq = NULL;
		if (strcmp(a, "-v") == 0 || strcmp(a, "-q") == 0) {
			strcpy(key, a[1] == 'v' ? "verbose" : "quiet");
			val = "1";
		} else {
			if (strncmp(a, "--", 2) != 0)
				break;
			eq = strchr(a + 2, '=');
			size_t klen = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			if (klen >= sizeof(key))
				die_usage("unknown flag '%s'", a);
			for (size_t k = 0; k < klen; k++)
				key[k] = a[2 + k] == '-' ? '_' : a[2 + k];
			key[klen] = 0;
			if (eq)
				val = eq + 1;
			else if (strcmp(key, "verbose") == 0 || strcmp(key, "quiet") == 0)
				/* --verbose (--quiet) alone is 1; a number after it is its value */
				val = i + 1 < argc && all_digits(argv[i + 1]) ? argv[++i] : "1";
			else if (i + 1 >= argc)
				die_usage("flag '%s' needs a value", a);
			else
				val = argv[++i];
		}
		if (lw__options_check(key, val, err, sizeof(err)) != 0) {
			if (strncmp(err, "unknown option", 14) == 0)
				die_usage("unknown flag '%s'", a);
			die_usage("%s", err);
		}
		if (strcmp(key, "json") == 0) {
			if (!val[0]) {
				fprintf(stderr, "lockwatch: --json '': the path is empty; the program was not started\n");
				exit(2);
			}
			json_flag = 1;
		}
		opt_set(&eff, key, val);
	}
	if (i >= argc)
		die_usage("%s", "no program to run");
	if (!argv[i][0]) /* execvp would search PATH for a name of no letter */
		die_usage("%s", "the program's name is empty");
	if (eff.edges < 0)
		eff.edges = eff.json[0] ? DEFAULT_RUN_EDGES : 0;
	opt_absolute(&eff, "json");
	opt_absolute(&eff, "log");
	opt_absolute(&eff, "suppressions");
	/* a suppressions file that cannot be read or has a bad line: refused
	 * now, naming the file and the line, rather than reports let through */
	static struct lw__supp supp;
	char supp_err[LW__OPT_STR_MAX + 512];
	if (lw__supp_load(&supp, eff.suppressions, supp_err, sizeof(supp_err)) != 0) {
		fprintf(stderr, "lockwatch: %s; the program was not started\n", supp_err);
		return 2;
	}
	long error_exit = eff.exitcode; /* applied here, by the launcher, over the whole tree */
	int verbose = (int)eff.verbose;

	char pathbuf[PATH_MAX];
	const char *prog = resolve(argv[i], pathbuf, sizeof(pathbuf));
	if (!prog) {
		fprintf(stderr, "lockwatch: %s: program not found or not executable\n", argv[i]);
		return 127;
	}
	struct elf_info elf;
	inspect_elf(prog, &elf);
	if (elf.is_elf && elf.is_static) {
		fprintf(stderr,
			"lockwatch: %s is statically linked: LD_PRELOAD cannot reach its lock calls,\n"
			"lockwatch: so nothing would be checked. Link it dynamically, or build it with\n"
			"lockwatch: -include lockwatch/pthread.h and -llockwatch.\n",
			prog);
		return 2;
	}

	char preload[PATH_MAX], tmpjson[PATH_MAX] = "", why[PATH_MAX + 64];
	const char *bad, *json = eff.json[0] ? eff.json : NULL;
	find_preload(preload, sizeof(preload));
	if (json && (bad = json_unusable(json, why, sizeof(why))) != NULL) {
		fprintf(stderr, "lockwatch: %s%s: %s; the program was not started\n",
			json_flag ? "--json " : "LOCKWATCH_OPTIONS json=", json, bad);
		return 2;
	}
	/* the JSON file exists after every run, empty when all was well (a CI
	 * step uploads it); a %p path is one file per process, made by each */
	if (json && !strstr(json, "%p")) {
		int fd = open(json, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0) {
			fprintf(stderr, "lockwatch: %s%s: cannot be created: %s; the program was not started\n",
				json_flag ? "--json " : "LOCKWATCH_OPTIONS json=", json, strerror(errno));
			return 2;
		}
		close(fd);
	}
	/* what runs killed before their end left in $TMPDIR */
	lw__record_sweep();
	if (!json) {
		const char *tmp = getenv("TMPDIR");
		lw__record_name(tmpjson, sizeof(tmpjson), "lockwatch", ".jsonl");
		int fd = mkstemps(tmpjson, 6);
		if (fd < 0) {
			fprintf(stderr, "lockwatch: cannot create a temporary file in %s%s: %s; the program was not started\n",
				tmp && *tmp ? "TMPDIR=" : "", tmp && *tmp ? tmp : "/tmp", strerror(errno));
			return 2;
		}
		close(fd);
		opt_set(&eff, "json", tmpjson);
		json = tmpjson;
	}

	struct stat st;
	off_t start = stat(json, &st) == 0 ? st.st_size : 0;

	/* The reports are counted in the run record; the JSON file is read
	 * back only when no record could be made. */
	char record[PATH_MAX], held[64];
	const char *rec = record; /* where this command reads and writes it */
	int rec_fd = -1;
	if (lw__record_create(record, sizeof(record)) == 0) {
		setenv(LW__RECORD_ENV, record, 1);
		/* kept open to the end and used through its descriptor: a
		 * program that removes the run's files (a test step emptying
		 * $TMPDIR) does not take the verdict with them */
		rec_fd = open(record, O_RDWR | O_CLOEXEC);
		snprintf(held, sizeof(held), "/proc/self/fd/%d", rec_fd);
		if (rec_fd >= 0 && access(held, R_OK | W_OK) == 0)
			rec = held;
	} else {
		fprintf(stderr, "lockwatch: cannot create the run record in %s (%s): the reports will be counted in %s\n",
			getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", strerror(errno), json);
		record[0] = 0;
		/* inside another run, its record counts them at least */
		if (outer[0])
			setenv(LW__RECORD_ENV, outer, 1);
		else
			setenv(LW__RECORD_ENV, "", 1); /* none: not one taken away */
	}

	/* The effective options are printed here, once, with the exit code
	 * this command will use. The program's processes get them all, but
	 * with exitcode 0 (the launcher applies it, over the whole tree) and
	 * verbose 0 (they were printed). */
	if (verbose)
		lw__options_print(&eff, 2);
	struct lw__options lib = eff;
	lib.exitcode = 0;
	lib.verbose = 0;
	static char env_opts[16384];
	opt_format(&lib, env_opts, sizeof(env_opts));
	setenv("LOCKWATCH_OPTIONS", env_opts, 1);
	char exit_env[24];
	snprintf(exit_env, sizeof(exit_env), "%ld", error_exit);
	setenv(LW__EXITCODE_ENV, exit_env, 1);
	const char *old = getenv("LD_PRELOAD");
	char *ld = NULL;
	/* A sanitizer runtime that must come first goes first, by the soname
	 * the program names: the loader then finds it exactly as it would
	 * find the program's own DT_NEEDED entry (RPATH, LD_LIBRARY_PATH,
	 * RUNPATH, ld.so.cache, the default directories). */
	if (asprintf(&ld, "%s%s%s%s%s", elf.first, elf.first[0] ? ":" : "", preload,
		     old && *old ? ":" : "", old && *old ? old : "") < 0) {
		if (record[0])
			lw__record_remove(record);
		return 2;
	}
	if (elf.first[0] && verbose)
		fprintf(stderr,
			"lockwatch: %s needs %s, which must come first: it is put first in LD_PRELOAD,\n"
			"lockwatch: before lockwatch's library, and found as the program's own libraries are\n",
			prog, elf.first);
	setenv("LD_PRELOAD", ld, 1);

	/* The forwarded signals are blocked from before the fork until the
	 * child's pid is known: one that came in between would be lost. The
	 * child restores the dispositions lockwatch found (an ignored SIGHUP
	 * stays ignored) and then the mask, before exec. */
	int fwd_sigs[FWD_MAX];
	int n_fwd = forwarded_signals(fwd_sigs);
	struct sigaction sa, old_sa[FWD_MAX];
	sigset_t old_mask;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&lw__cli_forwarded);
	for (int k = 0; k < n_fwd; k++) {
		sigaction(fwd_sigs[k], &sa, &old_sa[k]);
		sigaddset(&lw__cli_forwarded, fwd_sigs[k]);
	}
	sigprocmask(SIG_BLOCK, &lw__cli_forwarded, &old_mask);
	/* lockwatch's own words to a standard error nobody reads any more
	 * (`2>&1 | head`) must not end it: the verdict would be lost. The
	 * program gets the disposition lockwatch found. */
	struct sigaction ign, old_pipe;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old_pipe);

	pid_t self = getpid();
	/* orphans of the tree come to lockwatch, which waits for all of them
	 * (a grandchild that outlives its parent still counts), and with a
	 * time limit asks all of them for reports and kills them
	 * (tools/timeout.c) */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	child = fork();
	if (child < 0) {
		perror("lockwatch: fork");
		if (record[0])
			lw__record_remove(record);
		return 2;
	}
	if (child == 0) {
		for (int k = 0; k < n_fwd; k++)
			sigaction(fwd_sigs[k], &old_sa[k], NULL);
		sigaction(SIGPIPE, &old_pipe, NULL);
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		/* If lockwatch dies (kill -9), the kernel kills the program: it
		 * must not run on unwatched, nobody left to count its reports.
		 * SIGKILL, because the program could ignore anything else. Only
		 * this direct child gets it. lockwatch may have died before
		 * the prctl: then the parent is already someone else. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != self)
			_exit(127);
		execv(prog, argv + i);
		if (errno == ENOEXEC) {
			/* a script without "#!": run by /bin/sh, as shells and
			 * execvp do */
			int n = 0;
			while (argv[i + n])
				n++;
			char **sh = calloc((size_t)n + 2, sizeof(*sh));
			if (sh) {
				sh[0] = "/bin/sh";
				sh[1] = (char *)prog;
				for (int k = 1; k <= n; k++)
					sh[k + 1] = argv[i + k];
				execv("/bin/sh", sh);
			}
			errno = ENOEXEC;
		}
		fprintf(stderr, "lockwatch: cannot run %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	int status = 0, timed_out = 0, answered = 0;
	/* warn about a process of the tree that runs without lockwatch */
	lw__unchecked_start(rec, preload);
	int ended = lw__cli_wait(child, &status, eff.timeout);
	lw__unchecked_stop();
	if (ended == 0) {
		timed_out = 1;
		answered = lw__cli_hang(rec, child, &status, eff.watchdog_ms);
	}
	if (ended < 0) {
		perror("lockwatch: waitpid");
		return 2;
	}
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	program_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	if (timed_out)
		fprintf(stderr, "lockwatch: time limit reached (--timeout %ld s): hang reports from %d "
				"process%s, then every process of the program killed\n",
			eff.timeout, answered, answered == 1 ? "" : "es");

	/* the lines a process could not write itself, written now */
	unsigned long spill_lost = 0;
	if (record[0] && !tmpjson[0])
		lw__spill_drain(rec, json, &spill_lost);

	if (outer[0] && record[0] && lw__record_pass_up(rec, outer) != 0)
		fprintf(stderr, "lockwatch: the run record %s of the run this one runs in cannot be "
				"written: this run's reports are not counted there\n",
			outer);
	struct counts c, written;
	int uncounted = 0;
	if (!record[0] || record_read(rec, &c) != 0) {
		if (record[0])
			fprintf(stderr, "lockwatch: the run record %s cannot be read: counting the reports in %s\n",
				record, json);
		uncounted = strstr(json, "%p") || count_reports(json, start, &c) != 0;
	}
	/* what reached the JSON file: a process may have been unable to
	 * write it (its privileges dropped, its descriptors used up) */
	if (!tmpjson[0] && !strstr(json, "%p"))
		count_reports(json, start, &written);
	else
		written = c;
	/* a clean run is silent (as the sanitizers are), unless --verbose; the
	 * temporary JSON file, when no --json was given, is never left behind,
	 * nor made again by a process left running (a daemon: the record
	 * tells it, verdict.h) */
	if (tmpjson[0]) {
		if (record[0])
			record_json_gone(rec);
		unlink(tmpjson);
	}
	if (record[0])
		lw__record_remove(record);
	if (rec_fd >= 0)
		close(rec_fd);
	if (uncounted) { /* never the program's status in silence */
		fprintf(stderr, "lockwatch: the reports cannot be counted (%s cannot be read): "
				"no verdict, status 2\n",
			json);
		return 2;
	}
	/* every process that loads the library lists itself (with /proc):
	 * none, and the program was started, means nothing was checked */
	if (record[0] && !uncounted && c.listed == 0 && code != 127 && !timed_out &&
	    access("/proc/self/exe", F_OK) == 0)
		fprintf(stderr, "lockwatch: no process of the program ran lockwatch: nothing was "
				"checked (is %s lockwatch's preload library? every process setuid or "
				"static?)\n",
			preload);
	if (c.short_pid && !eff.quiet)
		fprintf(stderr, "lockwatch: process %d ran out of memory for lockwatch's tables (a capped "
				"address space?): what it met from then on may be missing from the "
				"reports; no report is no proof there\n",
			c.short_pid);
	if (c.unfinished)
		fprintf(stderr, "lockwatch: %lu error report%s cut short: %s process ended while %s "
				"made (killed, _exit or exec); counted as error%s\n",
			c.unfinished, c.unfinished == 1 ? " was" : "s were",
			c.unfinished == 1 ? "its" : "their", c.unfinished == 1 ? "it was" : "they were",
			c.unfinished == 1 ? "" : "s");
	if ((c.total == 0 && c.supp_total == 0 && !c.unfinished && !timed_out && !verbose) ||
	    eff.quiet) {
		if (timed_out)
			return 124;
		return c.errors && error_exit ? (int)error_exit : code;
	}
	if (c.total == 0) {
		fprintf(stderr, "lockwatch: no reports");
	} else {
		fprintf(stderr, "lockwatch: %lu report%s, %lu error%s (", c.total, c.total == 1 ? "" : "s",
			c.errors, c.errors == 1 ? "" : "s");
		const char *sep = "";
		for (unsigned k = 0; k < N_KINDS; k++)
			if (c.kinds[k]) {
				fprintf(stderr, "%s%lu %s", sep, c.kinds[k], lw__kind_names[k]);
				/* a grouped report stands for all its instances */
				if (c.more[k])
					fprintf(stderr, " of %lu instances", c.kinds[k] + c.more[k]);
				sep = ", ";
			}
		fprintf(stderr, ")");
	}
	if (tmpjson[0])
		; /* no JSON was asked for */
	else if (c.total && strstr(json, "%p") && spill_lost)
		fprintf(stderr, "; JSON in %s (%%p: the pid), %lu line%s lost", json, spill_lost,
			spill_lost == 1 ? "" : "s");
	else if (c.total && strstr(json, "%p"))
		fprintf(stderr, "; JSON in %s (%%p: the pid)", json);
	else if (c.total && stat(json, &st) != 0)
		fprintf(stderr, "; JSON not written (%s: %s)", json, strerror(errno));
	else if (written.total < c.total)
		fprintf(stderr, "; JSON in %s, missing %lu of the %lu reports (a process "
				"could not write it: its message above)",
			json, c.total - written.total, c.total);
	else
		fprintf(stderr, "; JSON in %s", json);
	if (c.supp_total)
		fprintf(stderr, "; %lu suppressed", c.supp_total);
	if (timed_out)
		fprintf(stderr, "; exit status 124 (timeout)\n");
	else if (c.errors && error_exit)
		fprintf(stderr, "; exit status %ld (program's was %d)\n", error_exit, code);
	else
		fprintf(stderr, "\n");
	print_suppressed(&supp, &c, verbose);
	if (timed_out)
		return 124;
	return c.errors && error_exit ? (int)error_exit : code;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("lockwatch %d.%d.%d\n", LOCKWATCH_VERSION_MAJOR, LOCKWATCH_VERSION_MINOR,
		       LOCKWATCH_VERSION_PATCH);
		return 0;
	}
	if (strcmp(argv[1], "run") == 0) {
		int rc = cmd_run(argc - 2, argv + 2);
		if (program_signal && rc == 128 + program_signal)
			die_as(program_signal);
		return rc;
	}
	if (strcmp(argv[1], "report") == 0)
		return lw_report_main(argc - 2, argv + 2); /* tools/report/main.c */
	if (strcmp(argv[1], "attach") == 0)
		return lw_attach_main(argc - 1, argv + 1);
	fprintf(stderr, "lockwatch: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
