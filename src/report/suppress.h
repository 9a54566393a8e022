/* suppress.h - suppressions (option suppressions=FILE), TSan-style: one
 * entry a line, KIND:PATTERN, KIND a report kind or '*', PATTERN a glob
 * ('*', '?', [set], '\' escaping the next character) matched against the
 * report's lock names and classes and the function, file and module
 * names of its stacks (a file or module by its full path or its base
 * name); '#' starts a comment line; blank lines are skipped.
 *
 * The file is read once, at start-up, into a fixed table (no allocation,
 * ever); matching and the suggested line for a report read only the report
 * and the table. Pure: no lock, no global state; the `lockwatch` command
 * compiles this file too, to refuse a bad file before the program starts
 * and to name the entries in its end-of-run line, and `lockwatch report`
 * reads its --suppressions file with it and matches the findings it read
 * back with lw__supp_kind_is and lw__supp_word_hit: one syntax, one set of
 * errors, one match. */
#ifndef LW_SUPPRESS_H
#define LW_SUPPRESS_H

#include "common.h"
#include "options.h"

#define LW__SUPP_MAX 256           /* entries */
#define LW__SUPP_FILE_MAX 65536    /* bytes of the file */

struct lw__supp_entry {
	int kind;            /* an lw_kind_t, or -1 for '*' */
	int line;            /* in the file, from 1 */
	const char *kind_text, *pattern; /* into text, NUL-terminated */
};

struct lw__supp {
	char path[LW__OPT_STR_MAX]; /* as given ("" for none) */
	int n;
	struct lw__supp_entry e[LW__SUPP_MAX];
	char text[LW__SUPP_FILE_MAX + 1];
};

/* Read the file at `path` into s ("" : no entries). 0, or -1 with a
 * message in err naming the file (and the line) and what is wrong; s then
 * has no entries. */
int lw__supp_load(struct lw__supp *s, const char *path, char *err, size_t n);

/* Does entry e's kind take reports of kind `kind` (a kind name)? */
int lw__supp_kind_is(const struct lw__supp_entry *e, const char *kind);

/* Does pattern match a word of a report: a lock name or class, or a
 * function (path 0), or a file or module (path 1: also by its base name)? */
int lw__supp_word_hit(const char *pattern, const char *word, int path);

/* The index of the first entry of s that matches r, or -1. */
int lw__supp_match(const struct lw__supp *s, const lw_report_t *r);

/* A line that suppresses r, into out: KIND:PATTERN with the most specific
 * stable pattern found - a function of the program's own code (not of a
 * system library or lockwatch), the one in the fewest of r's stacks, else
 * a lock's class, else '*'; glob characters in it escaped. */
void lw__supp_suggest(const lw_report_t *r, char *out, size_t n);

/* fnmatch(pattern, s, 0) without locale or allocation: 1 on a match. */
int lw__glob(const char *pattern, const char *s);

#endif
