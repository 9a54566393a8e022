/* main.c - `lockwatch report [OPTIONS] FILE|DIR...`: read, merge, find the
 * cycles across processes, apply suppressions and the baseline, write the
 * text, SARIF, DOT and SVG. Exit status: 2 when an input could not be read
 * or had a broken line or no lockwatch line (each named), or an option's
 * file cannot be used, else 66 when an error-severity finding is not in
 * the baseline (--exitcode N), else 0. */
#define _GNU_SOURCE
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lockwatch report [OPTIONS] FILE|DIR...\n\n"
		"Reads the JSON Lines of any number of processes (files, or directories\n"
		"searched for *.jsonl and lockwatch's *.json), lists their reports\n"
		"deduplicated across processes, merges their lock-order graphs by lock\n"
		"class (the lines option edges writes: on under `lockwatch run --json`)\n"
		"and reports every cycle no single process saw. Exit status: 66 when an\n"
		"error-severity finding is not in the baseline; 2 when an input cannot be\n"
		"read, has a broken line or no lockwatch line at all, or a --suppressions,\n"
		"--baseline or output file cannot be used (an output that is an input\n"
		"included); else 0.\n\n"
		"  --sarif FILE           write the findings as SARIF 2.1.0 (code scanning)\n"
		"  --source-root DIR      SARIF paths relative to DIR (default: the current one)\n"
		"  --dot FILE             write the lock-order graph for Graphviz\n"
		"  --svg FILE             render it as SVG with Graphviz's dot (if installed)\n"
		"  --baseline FILE        only findings not in FILE count\n"
		"  --write-baseline FILE  write today's findings as a baseline\n"
		"  --suppressions FILE    KIND:PATTERN lines: findings left out\n"
		"  --exitcode N           the status for an error (default 66)\n"
		"  --verbose, -v          also show the findings that are in the baseline\n");
}

/* Copy file `from` to `to`, every write checked: 0, or -1. */
static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "r"), *out = in ? fopen(to, "w") : NULL;
	char buf[65536];
	size_t n;
	int bad = !in || !out;
	while (!bad && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		bad = fwrite(buf, 1, n, out) != n;
	if (in && ferror(in))
		bad = 1;
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		bad = 1;
	return bad ? -1 : 0;
}

/* Is `out`, when it exists, one of the files read (the same file)? */
static int is_input(const struct rp *rp, const char *out)
{
	struct stat o, st;
	if (!out || stat(out, &o) != 0 || !S_ISREG(o.st_mode))
		return 0;
	for (size_t i = 0; i < rp->n_files; i++)
		if (stat(rp->files[i], &st) == 0 && st.st_dev == o.st_dev && st.st_ino == o.st_ino)
			return 1;
	return 0;
}

/* Render the DOT file into a temporary SVG, then copy it to svg (dot
 * itself does not tell when its output cannot be written: /dev/full). */
static int render_svg(const char *dot, const char *svg)
{
	if (system("command -v dot >/dev/null 2>&1") != 0) {
		fprintf(stderr, "lockwatch report: --svg %s: Graphviz's `dot` is not installed "
				"(apt-get install graphviz); the DOT text can be rendered elsewhere\n",
			svg);
		return 0; /* an optional dependency: not an error */
	}
	char tmp[64] = "/tmp/lockwatch-report-XXXXXX.svg";
	int fd = mkstemps(tmp, 4);
	if (fd < 0) {
		fprintf(stderr, "lockwatch report: --svg %s: no temporary file: %s\n", svg,
			strerror(errno));
		return -1;
	}
	close(fd);
	pid_t p = fork();
	if (p == 0) {
		execlp("dot", "dot", "-Tsvg", "-o", tmp, dot, (char *)NULL);
		_exit(127);
	}
	int st = 0, rc = 0;
	if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "lockwatch report: --svg %s: dot failed\n", svg);
		rc = -1;
	} else if (copy_file(tmp, svg) != 0) {
		fprintf(stderr, "lockwatch report: --svg %s: cannot be written\n", svg);
		rc = -1;
	}
	unlink(tmp);
	return rc;
}

int lw_report_main(int argc, char **argv)
{
	const char *sarif = NULL, *dot = NULL, *svg = NULL, *base = NULL, *wbase = NULL,
		   *supp = NULL, *root = NULL;
	int exitcode = 66, verbose = 0, n_inputs = 0, i;
	static struct rp rp;
	char **inputs = calloc((size_t)argc + 1, sizeof(char *));

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			verbose = 1;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				inputs[n_inputs++] = argv[i];
			break;
		}
		if (strncmp(a, "--", 2) != 0) {
			inputs[n_inputs++] = argv[i];
			continue;
		}
		const char *eq = strchr(a, '='), *val;
		size_t klen = eq ? (size_t)(eq - a) : strlen(a);
#define FLAG(name, var) else if (strlen(name) == klen && strncmp(a, name, klen) == 0) slot = &var
		if (0) {
		}
		FLAG("--sarif", sarif);
		FLAG("--dot", dot);
		FLAG("--svg", svg);
		FLAG("--baseline", base);
		FLAG("--write-baseline", wbase);
		FLAG("--suppressions", supp);
		FLAG("--source-root", root);
		else if (!(klen == 10 && strncmp(a, "--exitcode", 10) == 0)) {
			fprintf(stderr, "lockwatch report: unknown flag '%s'\nlockwatch: see 'lockwatch report --help'\n", a);
			return 2;
		}
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else {
			fprintf(stderr, "lockwatch report: flag '%s' needs a value\n", a);
			return 2;
		}
		if (slot) {
			*slot = val;
		} else {
			char *end;
			long v = strtol(val, &end, 10);
			if (!*val || *end || v < 0 || v > 255) {
				fprintf(stderr, "lockwatch report: --exitcode '%s': not a number 0-255\n", val);
				return 2;
			}
			exitcode = (int)v;
		}
	}
	if (!n_inputs) {
		fprintf(stderr, "lockwatch report: no input (FILE or DIR...)\n");
		usage(stderr);
		return 2;
	}
	for (i = 0; i < n_inputs; i++)
		rp_load_path(&rp, inputs[i]);
	free(inputs);
	/* an output written over an input would lose it (and the next report
	 * over it would read no lockwatch line): refused, nothing written */
	const char *outs[] = { sarif, dot, svg, wbase };
	const char *out_flags[] = { "--sarif", "--dot", "--svg", "--write-baseline" };
	for (int k = 0; k < 4; k++)
		if (is_input(&rp, outs[k])) {
			fprintf(stderr, "lockwatch report: %s %s: is one of the inputs: exit status 2\n",
				out_flags[k], outs[k]);
			return 2;
		}
	rp_cycles(&rp);
	int bad_args = 0;
	if (supp && rp_suppressions(&rp, supp) < 0)
		bad_args = 1;
	if (base && rp_baseline_read(&rp, base) < 0)
		bad_args = 1;
	rp_text(&rp, verbose);
	if (sarif && rp_sarif(&rp, sarif, root) < 0) {
		fprintf(stderr, "lockwatch report: --sarif %s: cannot be written\n", sarif);
		bad_args = 1;
	}
	char tmpdot[64] = "";
	if (svg && !dot) {
		snprintf(tmpdot, sizeof(tmpdot), "/tmp/lockwatch-report-XXXXXX.dot");
		int fd = mkstemps(tmpdot, 4);
		if (fd >= 0)
			close(fd);
		dot = tmpdot;
	}
	if (dot && rp_dot(&rp, dot) < 0) {
		fprintf(stderr, "lockwatch report: --dot %s: cannot be written\n", dot);
		bad_args = 1;
	} else if (svg && render_svg(dot, svg) < 0) {
		bad_args = 1;
	}
	if (tmpdot[0])
		unlink(tmpdot);
	if (wbase && rp_baseline_write(&rp, wbase) < 0) {
		fprintf(stderr, "lockwatch report: --write-baseline %s: cannot be written\n", wbase);
		bad_args = 1;
	}
	if (rp.input_errors || bad_args) {
		fprintf(stderr, "lockwatch report: %d input problem%s (above): exit status 2\n",
			rp.input_errors + bad_args, rp.input_errors + bad_args == 1 ? "" : "s");
		return 2;
	}
	for (size_t k = 0; k < rp.n_findings; k++)
		if (rp.findings[k].error && !rp.findings[k].suppressed && !rp.findings[k].baselined)
			return exitcode;
	return 0;
}
