/* baseline.c - --baseline / --write-baseline and --suppressions.
 *
 * A baseline is a text file, one finding a line: its fingerprint, its kind
 * and its headline (only the fingerprint counts; '#' starts a comment).
 * The fingerprint hashes the kind, the lock classes and the function of
 * each acquisition - never an address, a line number or a duration - so
 * edits elsewhere in a file and other runs keep it. With a baseline only
 * the findings not in it count toward the exit status; its entries that no
 * longer occur are listed.
 *
 * Suppressions are the run's format (KIND:PATTERN a line, KIND a report
 * kind or '*', PATTERN a glob matched against the finding's lock names and
 * classes and the functions, files and modules of its stacks, a path also
 * by its base name; '#' comments). The library's reader (report/suppress.c,
 * on its way from another branch) works on a live lw_report_t; this one
 * works on the findings read back, with fnmatch(3); the two should share
 * the file reader once both are in. */
#include "report.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

static int word_hit(const char *pat, const char *w)
{
	if (!w)
		return 0;
	if (fnmatch(pat, w, 0) == 0)
		return 1;
	const char *b = strrchr(w, '/');
	return b && fnmatch(pat, b + 1, 0) == 0;
}

int rp_suppressions(struct rp *rp, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "lockwatch report: --suppressions %s: cannot be read: %s\n", path,
			strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	int no = 0, bad = 0;
	while (getline(&line, &cap, f) > 0) {
		no++;
		char *t = trim(line), *colon = strchr(t, ':');
		if (!*t || *t == '#')
			continue;
		if (!colon) {
			fprintf(stderr, "lockwatch report: %s:%d: '%s' is not KIND:PATTERN\n", path, no, t);
			bad = 1;
			continue;
		}
		*colon = 0;
		char *kind = trim(t), *pat = trim(colon + 1);
		for (size_t i = 0; i < rp->n_findings; i++) {
			struct rp_finding *x = &rp->findings[i];
			if (x->suppressed || (strcmp(kind, "*") != 0 && strcmp(kind, x->kind) != 0))
				continue;
			for (size_t k = 0; k < x->n_words && !x->suppressed; k++)
				if (word_hit(pat, x->words[k]))
					x->suppressed = no;
		}
	}
	free(line);
	fclose(f);
	return bad ? -1 : 0;
}

int rp_baseline_read(struct rp *rp, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "lockwatch report: --baseline %s: cannot be read: %s\n", path,
			strerror(errno));
		return -1;
	}
	rp->have_baseline = 1;
	char *line = NULL;
	size_t cap = 0, gone = 0;
	while (getline(&line, &cap, f) > 0) {
		char *t = trim(line);
		if (!*t || *t == '#')
			continue;
		size_t len = strcspn(t, " \t");
		int found = 0;
		for (size_t i = 0; i < rp->n_findings; i++)
			if (strlen(rp->findings[i].fp) == len && strncmp(rp->findings[i].fp, t, len) == 0) {
				rp->findings[i].baselined = 1;
				found = 1;
			}
		if (!found) {
			if (!gone++)
				printf("lockwatch report: baseline entries that no longer occur:\n");
			printf("  %s\n", t);
		}
	}
	free(line);
	fclose(f);
	return 0;
}

int rp_baseline_write(const struct rp *rp, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "# lockwatch baseline: FINGERPRINT KIND HEADLINE, one finding a line; only the\n"
		   "# fingerprint counts (kind, lock classes, acquiring functions).\n");
	for (size_t i = 0; i < rp->n_findings; i++) {
		const struct rp_finding *x = &rp->findings[i];
		if (!x->suppressed)
			fprintf(f, "%s %s %s\n", x->fp, x->kind, x->headline);
	}
	return fclose(f) == 0 ? 0 : -1;
}
