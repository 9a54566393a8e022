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
 * Suppressions are the run's file, read by the run's reader
 * (src/report/suppress.c: KIND:PATTERN a line, KIND a report kind or '*',
 * PATTERN a glob matched against the finding's lock names and classes
 * and the functions, files and modules of its stacks, a file or module
 * also by its base name; '#' comments), with the same errors; a finding
 * is matched word by word as the library matches a report, the first
 * entry that matches suppressing it. */
#include "report.h"
#include "suppress.h"

#include <errno.h>
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

int rp_suppressions(struct rp *rp, const char *path)
{
	static struct lw__supp supp; /* 64 KiB of text: not on the stack */
	char err[LW__OPT_STR_MAX + 512];
	if (lw__supp_load(&supp, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "lockwatch report: %s\n", err);
		return -1;
	}
	for (size_t i = 0; i < rp->n_findings; i++) {
		struct rp_finding *x = &rp->findings[i];
		for (int k = 0; k < supp.n && !x->suppressed; k++) {
			const struct lw__supp_entry *e = &supp.e[k];
			if (!lw__supp_kind_is(e, x->kind))
				continue;
			for (size_t w = 0; w < x->n_words && !x->suppressed; w++)
				if (lw__supp_word_hit(e->pattern, x->words[w], x->word_path[w]))
					x->suppressed = e->line;
		}
	}
	return 0;
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
	size_t cap = 0, gone = 0, no = 0;
	while (getline(&line, &cap, f) > 0) {
		char *t = trim(line);
		no++;
		if (!*t || *t == '#')
			continue;
		size_t len = strcspn(t, " \t");
		if (len != 16 || strspn(t, "0123456789abcdef") != 16) {
			fprintf(stderr, "lockwatch report: --baseline %s:%zu: not a baseline line "
					"(FINGERPRINT KIND HEADLINE, the fingerprint 16 hex digits)\n",
				path, no);
			free(line);
			fclose(f);
			return -1;
		}
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
