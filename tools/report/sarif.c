/* sarif.c - --sarif FILE: the findings as SARIF 2.1.0 (the OASIS
 * standard that code scanning reads). One run; one rule per report kind
 * that occurs; one result per finding (suppressed ones left out), its
 * message the headline, a location for every acquisition site of its
 * edges or threads (file, line, function), related locations for the
 * other stacks, and partialFingerprints "lockwatch/v1": the finding's
 * fingerprint (kind, lock classes, functions: stable across commits).
 * Paths under the source root (--source-root, else the current directory)
 * are relative to %SRCROOT%; others are file:// URIs. */
#define _GNU_SOURCE
#include "report.h"
#include <lockwatch.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *kind, *text;
} rules[] = {
	{ "lock_order_cycle", "Locks taken in orders that form a cycle: threads taking them at the same time deadlock" },
	{ "deadlock", "Threads waiting for each other: a deadlock" },
	{ "self_deadlock", "A thread locks a non-recursive lock it already holds" },
	{ "bad_unlock", "Unlock of a lock the thread does not hold" },
	{ "destroy_held", "A held lock is destroyed" },
	{ "init_held", "A held lock is initialised again" },
	{ "thread_exit_holding", "A thread ends holding locks" },
	{ "long_hold", "A lock held too long" },
	{ "long_wait", "A thread waited too long for a lock" },
	{ "hang", "The process did not end within its time limit" },
};
#define N_RULES (sizeof(rules) / sizeof(rules[0]))

static void str(FILE *o, const char *s)
{
	fputc('"', o);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", o);
		else if (c < 0x20)
			fprintf(o, "\\u%04x", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

/* s percent-encoded as a URI path (unreserved characters and '/' kept) */
static void uri_with(FILE *o, const char *prefix, const char *s, const char *suffix)
{
	fputc('"', o);
	fputs(prefix, o);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/+", c))
			fputc(c, o);
		else
			fprintf(o, "%%%02X", c);
	}
	fputs(suffix, o);
	fputc('"', o);
}

static void uri(FILE *o, const char *prefix, const char *s)
{
	uri_with(o, prefix, s, "");
}

static char root[PATH_MAX + 1];

static void location(FILE *o, const struct rp_loc *l, int id)
{
	fputs("{", o);
	if (id)
		fprintf(o, "\"id\":%d,", id);
	if (l->file) {
		size_t rl = strlen(root);
		fputs("\"physicalLocation\":{\"artifactLocation\":{\"uri\":", o);
		if (l->file[0] == '/' && rl && strncmp(l->file, root, rl) == 0 && l->file[rl] == '/') {
			uri(o, "", l->file + rl + 1);
			fputs(",\"uriBaseId\":\"SRCROOT\"}", o);
		} else if (l->file[0] == '/') {
			uri(o, "file://", l->file);
			fputs("}", o);
		} else {
			uri(o, "", l->file);
			fputs("}", o);
		}
		if (l->line > 0)
			fprintf(o, ",\"region\":{\"startLine\":%d}", l->line);
		fputs("},", o);
	}
	if (l->function) {
		fputs("\"logicalLocations\":[{\"name\":", o);
		str(o, l->function);
		fputs(",\"kind\":\"function\"}],", o);
	}
	fputs("\"message\":{\"text\":", o);
	str(o, l->what ? l->what : "");
	fputs("}}", o);
}

int rp_sarif(const struct rp *rp, const char *path, const char *source_root)
{
	FILE *o = fopen(path, "w");
	if (!o)
		return -1;
	if (source_root && !realpath(source_root, root))
		snprintf(root, sizeof(root), "%s", source_root);
	if (!source_root && !getcwd(root, sizeof(root) - 1))
		root[0] = 0;
	size_t rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		root[--rl] = 0;
	if (strcmp(root, "/") == 0)
		root[0] = 0;
	int used[N_RULES] = { 0 }, index[N_RULES], n_used = 0;
	/* kinds this command does not know (a newer lockwatch's): a rule each */
	const char **other = calloc(rp->n_findings + 1, sizeof(*other));
	size_t n_other = 0;
	for (size_t i = 0; i < rp->n_findings; i++) {
		int known = 0;
		for (size_t r = 0; r < N_RULES; r++)
			if (strcmp(rp->findings[i].kind, rules[r].kind) == 0) {
				known = 1;
				used[r] |= !rp->findings[i].suppressed;
			}
		int dup = 0;
		for (size_t k = 0; k < n_other; k++)
			dup |= other[k] == rp->findings[i].kind; /* interned */
		if (!known && !dup && !rp->findings[i].suppressed && other)
			other[n_other++] = rp->findings[i].kind;
	}
	fputs("{\"$schema\":\"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
	      "sarif-schema-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":"
	      "{\"name\":\"lockwatch\",",
	      o);
	fprintf(o, "\"version\":\"%d.%d.%d\",\"rules\":[", LOCKWATCH_VERSION_MAJOR,
		LOCKWATCH_VERSION_MINOR, LOCKWATCH_VERSION_PATCH);
	for (size_t r = 0; r < N_RULES; r++) {
		if (!used[r])
			continue;
		index[r] = n_used;
		fprintf(o, "%s{\"id\":\"%s\",\"name\":\"%s\",\"shortDescription\":{\"text\":",
			n_used++ ? "," : "", rules[r].kind, rules[r].kind);
		str(o, rules[r].text);
		fputs("}}", o);
	}
	for (size_t k = 0; k < n_other; k++) {
		fputs(n_used++ ? ",{\"id\":" : "{\"id\":", o);
		str(o, other[k]);
		char text[256];
		snprintf(text, sizeof(text), "lockwatch report kind %s", other[k]);
		fputs(",\"shortDescription\":{\"text\":", o);
		str(o, text);
		fputs("}}", o);
	}
	fputs("]}},", o);
	if (root[0]) {
		fputs("\"originalUriBaseIds\":{\"SRCROOT\":{\"uri\":", o);
		uri_with(o, "file://", root, "/");
		fputs("}},", o);
	}
	fputs("\"results\":[", o);
	int first = 1;
	for (size_t i = 0; i < rp->n_findings; i++) {
		const struct rp_finding *f = &rp->findings[i];
		int rule = -1, n_known = 0;
		for (size_t r = 0; r < N_RULES; r++) {
			if (strcmp(f->kind, rules[r].kind) == 0)
				rule = index[r];
			n_known += used[r];
		}
		for (size_t k = 0; k < n_other && rule < 0; k++)
			if (other[k] == f->kind)
				rule = n_known + (int)k;
		if (f->suppressed)
			continue;
		fputs(first ? "{" : ",{", o);
		first = 0;
		fputs("\"ruleId\":", o);
		str(o, f->kind);
		if (rule >= 0)
			fprintf(o, ",\"ruleIndex\":%d", rule);
		fprintf(o, ",\"level\":\"%s\",\"message\":{\"text\":", f->error ? "error" : "warning");
		str(o, f->headline);
		fputs("},\"locations\":[", o);
		int n = 0;
		for (size_t k = 0; k < f->n_locs; k++)
			if (!f->locs[k].related) {
				fputs(n++ ? "," : "", o);
				location(o, &f->locs[k], 0);
			}
		fputs("],\"relatedLocations\":[", o);
		n = 0;
		for (size_t k = 0; k < f->n_locs; k++)
			if (f->locs[k].related) {
				fputs(n++ ? "," : "", o);
				location(o, &f->locs[k], n);
			}
		fputs("],\"partialFingerprints\":{\"lockwatch/v1\":", o);
		str(o, f->fp);
		fputs("}", o);
		if (rp->have_baseline)
			fprintf(o, ",\"baselineState\":\"%s\"", f->baselined ? "unchanged" : "new");
		fprintf(o, ",\"properties\":{\"processes\":%zu,\"acrossProcesses\":%s,\"note\":",
			f->n_procs, f->n_cycle ? "true" : "false");
		str(o, f->note);
		fputs("}}", o);
	}
	fputs("]}]}\n", o);
	free(other);
	return fclose(o) == 0 ? 0 : -1;
}
