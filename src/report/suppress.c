/* suppress.c - suppressions: the file, the match, the suggested line (see
 * suppress.h). Everything works on caller-owned memory; nothing here
 * allocates, locks or keeps state. */
#include "suppress.h"
#include "kinds.h"
#include "sysfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- the file -------------------------------------------------------- */

static char *trim(char *a, char *z) /* [a, z) without blanks at its ends */
{
	while (a < z && (*a == ' ' || *a == '\t' || *a == '\r'))
		a++;
	while (z > a && (z[-1] == ' ' || z[-1] == '\t' || z[-1] == '\r'))
		z--;
	*z = 0;
	return a;
}

static int fail(struct lw__supp *s, char *err, size_t n, const char *fmt, const char *path,
		int line, const char *what)
{
	char where[LW__OPT_STR_MAX + 32];
	if (line > 0)
		snprintf(where, sizeof(where), "%s:%d", path, line);
	else
		snprintf(where, sizeof(where), "%s", path);
	snprintf(err, n, fmt, where, what);
	s->n = 0;
	return -1;
}

/* One entry, KIND:PATTERN, at line `line` (blanks trimmed). */
static int entry(struct lw__supp *s, char *t, int line, char *err, size_t n)
{
	char *colon = strchr(t, ':');
	if (!colon)
		return fail(s, err, n, "suppressions %s: '%s' is not KIND:PATTERN", s->path, line, t);
	char *kind = trim(t, colon), *pat = trim(colon + 1, colon + 1 + strlen(colon + 1));
	int k = strcmp(kind, "*") == 0 ? -1 : lw__kind_by_name(kind, strlen(kind));
	if (k < 0 && strcmp(kind, "*") != 0)
		return fail(s, err, n,
			    "suppressions %s: unknown report kind '%s' (lock_order_cycle, deadlock, "
			    "self_deadlock, bad_unlock, destroy_held, init_held, thread_exit_holding, "
			    "long_hold, long_wait, hang, or *)",
			    s->path, line, kind);
	if (!*pat)
		return fail(s, err, n, "suppressions %s: empty pattern after '%s:'", s->path, line,
			    kind);
	if (s->n >= LW__SUPP_MAX)
		return fail(s, err, n, "suppressions %s: more than %s entries", s->path, line, "256");
	s->e[s->n].kind = k;
	s->e[s->n].line = line;
	s->e[s->n].kind_text = kind;
	s->e[s->n].pattern = pat;
	s->n++;
	return 0;
}

int lw__supp_load(struct lw__supp *s, const char *path, char *err, size_t n)
{
	size_t plen = strlen(path), len = 0;
	s->n = 0;
	if (plen >= sizeof(s->path))
		plen = sizeof(s->path) - 1;
	memcpy(s->path, path, plen);
	s->path[plen] = 0;
	if (!path[0])
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(s, err, n, "suppressions %s: cannot be read: %s", s->path, 0,
			    strerror(errno));
	for (;;) {
		ssize_t got = read(fd, s->text + len, LW__SUPP_FILE_MAX + 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			close(fd);
			return fail(s, err, n, "suppressions %s: cannot be read: %s", s->path, 0,
				    strerror(e));
		}
		if (got == 0)
			break;
		len += (size_t)got;
		if (len > LW__SUPP_FILE_MAX) {
			close(fd);
			return fail(s, err, n, "suppressions %s: longer than %s bytes", s->path, 0,
				    "65536");
		}
	}
	close(fd);
	s->text[len] = 0;
	if (memchr(s->text, 0, len))
		return fail(s, err, n, "suppressions %s: %s", s->path, 0, "not a text file");
	char *p = s->text;
	for (int line = 1; *p; line++) {
		char *end = strchr(p, '\n'), *next = end ? end + 1 : p + strlen(p);
		if (!end)
			end = p + strlen(p);
		char *t = trim(p, end);
		if (*t && *t != '#' && entry(s, t, line, err, n) < 0)
			return -1;
		p = next;
	}
	return 0;
}

/* ---- the glob -------------------------------------------------------- */

/* Does c match the one pattern item at p ('?', a [set], '\x' or a plain
 * character)? Sets *len to the item's length in the pattern. */
static int one(const char *p, char c, size_t *len)
{
	if (*p == '?') {
		*len = 1;
		return 1;
	}
	if (*p == '\\' && p[1]) {
		*len = 2;
		return p[1] == c;
	}
	if (*p == '[') {
		const char *q = p + 1;
		int neg = *q == '!' || *q == '^', hit = 0;
		if (neg)
			q++;
		for (int first = 1; *q && (first || *q != ']'); first = 0) {
			char lo = *q == '\\' && q[1] ? *++q : *q, hi = lo;
			q++;
			if (*q == '-' && q[1] && q[1] != ']') {
				q++;
				hi = *q == '\\' && q[1] ? *++q : *q;
				q++;
			}
			hit |= (unsigned char)c >= (unsigned char)lo &&
			       (unsigned char)c <= (unsigned char)hi;
		}
		if (*q == ']') {
			*len = (size_t)(q + 1 - p);
			return hit != neg;
		}
		/* no closing ']': a plain '[' */
	}
	*len = 1;
	return *p == c;
}

int lw__glob(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;
	for (;;) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (!*p)
				return 1;
			star_p = p;
			star_s = s;
			continue;
		}
		if (!*s)
			return !*p;
		size_t len = 0;
		if (*p && one(p, *s, &len)) {
			p += len;
			s++;
			continue;
		}
		if (!star_p)
			return 0;
		p = star_p;
		s = ++star_s;
	}
}

/* ---- the match --------------------------------------------------------- */

static const char *base_of(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

int lw__supp_word_hit(const char *pat, const char *s, int path)
{
	return s && (lw__glob(pat, s) || (path && lw__glob(pat, base_of(s))));
}

int lw__supp_kind_is(const struct lw__supp_entry *e, const char *kind)
{
	return e->kind < 0 || (kind && strcmp(lw__kind_names[e->kind], kind) == 0);
}

static int hit_str(const char *pat, const char *s)
{
	return lw__supp_word_hit(pat, s, 0);
}

static int hit_path(const char *pat, const char *s)
{
	return lw__supp_word_hit(pat, s, 1);
}

static int hit_stack(const char *pat, const lw_stack_t *st)
{
	for (int i = 0; st->frames && i < st->depth; i++) {
		const lw_frame_t *f = &st->frames[i];
		if (hit_str(pat, f->function) || hit_path(pat, f->file) ||
		    hit_path(pat, f->module))
			return 1;
	}
	return 0;
}

static int hit(const char *pat, const lw_report_t *r)
{
	for (int i = 0; r->locks && i < r->n_locks; i++)
		if (hit_str(pat, r->locks[i].name) || hit_str(pat, r->locks[i].class_))
			return 1;
	for (int i = 0; r->edges && i < r->n_edges; i++)
		if (hit_stack(pat, &r->edges[i].from_stack) || hit_stack(pat, &r->edges[i].to_stack))
			return 1;
	for (int i = 0; r->threads && i < r->n_threads; i++)
		if (hit_stack(pat, &r->threads[i].stack) || hit_stack(pat, &r->threads[i].now))
			return 1;
	return 0;
}

int lw__supp_match(const struct lw__supp *s, const lw_report_t *r)
{
	for (int i = 0; i < s->n; i++)
		if ((s->e[i].kind < 0 || s->e[i].kind == (int)r->kind) && hit(s->e[i].pattern, r))
			return i;
	return -1;
}

/* ---- the suggested line ------------------------------------------------ */

/* Code of the program's own: not lockwatch, not a system library, not a
 * system header's function compiled into the program (every
 * std::shared_lock goes through libstdc++'s __glibcxx_rwlock_rdlock: a
 * line naming it would suppress every cycle through one; before,
 * preload_suppressions' shared_cycles). */
static int own_frame(const lw_frame_t *f)
{
	if (!f->function || !f->function[0] || strcmp(f->function, "??") == 0)
		return 0;
	if (f->file && lw__sys_header(f->file))
		return 0;
	if (!f->module)
		return 1;
	if (strncmp(base_of(f->module), "liblockwatch", 12) == 0)
		return 0;
	return !lw__sys_module(f->module);
}

static int stack_has(const lw_stack_t *st, const char *fn)
{
	for (int i = 0; st->frames && i < st->depth; i++)
		if (st->frames[i].function && strcmp(st->frames[i].function, fn) == 0)
			return 1;
	return 0;
}

/* The report's stacks in the order a reader meets them: edges (from, to),
 * then threads (stack, now). */
static const lw_stack_t *nth_stack(const lw_report_t *r, int k)
{
	int ne = r->edges ? 2 * r->n_edges : 0, nt = r->threads ? 2 * r->n_threads : 0;
	if (k < ne)
		return k & 1 ? &r->edges[k / 2].to_stack : &r->edges[k / 2].from_stack;
	k -= ne;
	if (k < nt)
		return k & 1 ? &r->threads[k / 2].now : &r->threads[k / 2].stack;
	return NULL;
}

/* The function of the program's own code that tells this report apart
 * best: of those in its stacks, the one in the fewest of them (a lock
 * helper every stack goes through would match every report), the first
 * met on a tie. NULL when no frame is the program's own. Only the first
 * SUGGEST_STACKS stacks and own frames are looked at, so that a cycle of
 * 20,000 locks costs no more than a short one. */
#define SUGGEST_STACKS 64
static const char *best_own_function(const lw_report_t *r)
{
	const char *best = NULL;
	int best_n = 0, seen = 0;
	const lw_stack_t *st;
	for (int k = 0; k < SUGGEST_STACKS && (st = nth_stack(r, k)) != NULL; k++)
		for (int i = 0; st->frames && i < st->depth && seen < SUGGEST_STACKS; i++) {
			if (!own_frame(&st->frames[i]))
				continue;
			seen++;
			const char *fn = st->frames[i].function;
			const lw_stack_t *other;
			int n = 0;
			for (int j = 0; j < SUGGEST_STACKS && (other = nth_stack(r, j)) != NULL; j++)
				n += stack_has(other, fn);
			if (!best || n < best_n) {
				best = fn;
				best_n = n;
			}
		}
	return best;
}

void lw__supp_suggest(const lw_report_t *r, char *out, size_t n)
{
	const char *kind = (unsigned)r->kind < LW_KIND_COUNT ? lw__kind_names[r->kind] : "*";
	const char *pat = best_own_function(r);
	for (int i = 0; !pat && r->locks && i < r->n_locks; i++)
		if (r->locks[i].class_ && r->locks[i].class_[0] && strcmp(r->locks[i].class_, "?"))
			pat = r->locks[i].class_;
	size_t k = (size_t)snprintf(out, n, "%s:%s", kind, pat ? "" : "*");
	/* the pattern matches the name itself: glob characters escaped */
	for (const char *c = pat; c && *c && k + 3 < n; c++) {
		if (strchr("*?[\\", *c))
			out[k++] = '\\';
		out[k++] = *c;
	}
	if (k < n)
		out[k] = 0;
}
