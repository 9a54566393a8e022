/* suppress.c - unit test of the suppressions (src/report/suppress.h): the
 * glob against glibc's fnmatch (hand-picked and random patterns), the file
 * (comments, blanks, every kind, '*'; each bad file and bad line named
 * with its file and line), the match on a report built here (lock names
 * and classes, function, file and module by path or base name, the kind),
 * and the suggested line: the function in the fewest stacks, system
 * libraries and lockwatch skipped, a lock's class without one, glob
 * characters escaped, and always matching the report it came from. */
#include "unit.h"

#include "suppress.h"

#include <fnmatch.h>
#include <unistd.h>

static struct lw__supp s;
static char err[2048];

static void glob_cases(void)
{
	static const char *const cases[][2] = {
		{ "abc", "abc" }, { "abc", "abd" }, { "a*", "abc" }, { "*c", "abc" },
		{ "*", "" }, { "", "" }, { "", "a" }, { "a*b*c", "axxbyyc" }, { "a*b*c", "axxbyy" },
		{ "?", "a" }, { "?", "" }, { "a?c", "abc" }, { "[abc]x", "bx" }, { "[!abc]x", "bx" },
		{ "[^abc]x", "dx" }, { "[a-c]", "b" }, { "[a-c]", "d" }, { "[]]", "]" },
		{ "[!]]", "a" }, { "[a-]", "-" }, { "\\*", "*" }, { "\\*", "a" }, { "a\\?", "a?" },
		{ "[", "[" }, { "[ab", "[ab" }, { "*lib*.so*", "/usr/lib/libfoo.so.1" },
		{ "std::vector<int>::operator\\[\\]", "std::vector<int>::operator[]" },
		{ "**a", "bba" }, { "*a*", "xyz" }, { "a*", "a" }, { "*/x.c", "src/dir/x.c" },
		{ "[\\]]", "]" }, { "x[0-9][0-9]", "x42" }, { "x[0-9][0-9]", "x4a" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int want = fnmatch(cases[i][0], cases[i][1], 0) == 0;
		CHECKF(lw__glob(cases[i][0], cases[i][1]) == want, "'%s' on '%s': want %d",
		       cases[i][0], cases[i][1], want);
	}
	/* random patterns over a small alphabet, against fnmatch */
	static const char alpha[] = "ab*?[]!-\\";
	for (int t = 0; t < 200000; t++) {
		char p[9], str[9];
		size_t pn = unit_below(8), sn = unit_below(8);
		for (size_t k = 0; k < pn; k++)
			p[k] = alpha[unit_below(sizeof(alpha) - 1)];
		for (size_t k = 0; k < sn; k++)
			str[k] = "ab-]"[unit_below(4)];
		p[pn] = str[sn] = 0;
		if (pn && p[pn - 1] == '\\')
			continue; /* a trailing '\': fnmatch says no match, we take it literally */
		int want = fnmatch(p, str, 0) == 0;
		CHECKF(lw__glob(p, str) == want, "'%s' on '%s': want %d", p, str, want);
		if (unit_failed() > 10)
			return;
	}
}

static const char *file_of(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/lw-supp-unit-%d.txt", (int)getpid());
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	return path;
}

/* Load text; the error message must be `want` with %s the file's path
 * (NULL: it must load). */
static void load(const char *text, const char *want, int n)
{
	const char *path = file_of(text);
	int rc = lw__supp_load(&s, path, err, sizeof(err));
	if (want) {
		char w[2048];
		snprintf(w, sizeof(w), want, path);
		CHECKF(rc == -1 && s.n == 0, "'%s' loaded", text);
		CHECK_STR(err, w);
	} else {
		CHECKF(rc == 0 && s.n == n, "'%s': rc %d, %d entries (%s)", text, rc, s.n,
		       rc ? err : "");
	}
	unlink(path);
}

static void files(void)
{
	load("", NULL, 0);
	load("# only a comment\n\n   \n", NULL, 0);
	load("lock_order_cycle:third_party_*\n", NULL, 1);
	CHECK(s.e[0].kind == LW_LOCK_ORDER_CYCLE && s.e[0].line == 1);
	CHECK_STR(s.e[0].pattern, "third_party_*");
	load("# known\n  deadlock : pool_lock  \r\n\n*:libfoo.so*\nhang:ns::f\n", NULL, 3);
	CHECK(s.e[0].kind == LW_DEADLOCK && s.e[0].line == 2);
	CHECK_STR(s.e[0].pattern, "pool_lock");
	CHECK(s.e[1].kind == -1 && s.e[1].line == 4);
	CHECK_STR(s.e[1].kind_text, "*");
	CHECK_STR(s.e[2].pattern, "ns::f"); /* the first ':' splits */
	load("lock_order_cycle:a\ndeadlock:a\nself_deadlock:a\nbad_unlock:a\ndestroy_held:a\n"
	     "thread_exit_holding:a\nlong_hold:a\nlong_wait:a\nhang:a\ninit_held:a\n*:a",
	     NULL, 11);
	CHECK(s.e[10].kind == -1 && s.e[9].kind == LW_INIT_HELD);

	load("lock_order_cycle:a\nno colon here\n",
	     "suppressions %s:2: 'no colon here' is not KIND:PATTERN", 0);
	load("\n\ncycle:a\n",
	     "suppressions %s:3: unknown report kind 'cycle' (lock_order_cycle, deadlock, "
	     "self_deadlock, bad_unlock, destroy_held, init_held, thread_exit_holding, long_hold, "
	     "long_wait, hang, or *)",
	     0);
	load("deadlock:   \n", "suppressions %s:1: empty pattern after 'deadlock:'", 0);
	char big[300 * 4];
	size_t k = 0;
	for (int i = 0; i < 257; i++)
		k += (size_t)sprintf(big + k, "*:a\n");
	load(big, "suppressions %s:257: more than 256 entries", 0);
	load("*:a\n\0*:b\n", NULL, 1); /* fputs stops at the NUL */

	CHECK(lw__supp_load(&s, "/no/such/file", err, sizeof(err)) == -1);
	CHECK_STR(err, "suppressions /no/such/file: cannot be read: No such file or directory");
	CHECK(lw__supp_load(&s, "/", err, sizeof(err)) == -1);
	CHECK_STR(err, "suppressions /: cannot be read: Is a directory");
	CHECK(lw__supp_load(&s, "", err, sizeof(err)) == 0 && s.n == 0);
}

/* A report: a cycle of two locks, edge stacks through a lock helper, and
 * one thread with a libc frame. */
static lw_frame_t f_pay[] = { { 0x10, "lock_it", "/src/app/util.c", 5, "/opt/app/bin/app" },
			      { 0x20, "pay_in", "/src/app/pay.c", 10, "/opt/app/bin/app" } };
static lw_frame_t f_book[] = { { 0x30, "lock_it", "/src/app/util.c", 5, "/opt/app/bin/app" },
			       { 0x40, "book_out", "/src/app/book.c", 20, "/opt/app/bin/app" } };
static lw_report_lock_t locks[] = { { 1, 0x1000, "mutex", "pay_lock", "pay_lock" },
				    { 2, 0x2000, "mutex", "mutex@pool.c:9", "pool.c:9" } };
static lw_report_edge_t edges[2];

static lw_report_t cycle(void)
{
	lw_report_t r;
	memset(&r, 0, sizeof(r));
	r.kind = LW_LOCK_ORDER_CYCLE;
	r.severity = LW_ERROR;
	r.kind_name = "lock_order_cycle";
	r.n_locks = 2;
	r.locks = locks;
	edges[0] = (lw_report_edge_t){ 0, 1, 7, "t", 0, 0, { 2, f_pay }, { 2, f_pay } };
	edges[1] = (lw_report_edge_t){ 1, 0, 8, "u", 0, 0, { 2, f_book }, { 2, f_book } };
	r.n_edges = 2;
	r.edges = edges;
	return r;
}

static int matches(const char *entry)
{
	const char *path = file_of(entry);
	lw_report_t r = cycle();
	int rc = lw__supp_load(&s, path, err, sizeof(err));
	unlink(path);
	CHECKF(rc == 0, "%s: %s", entry, err);
	return lw__supp_match(&s, &r);
}

static void match(void)
{
	static const char *const yes[] = {
		"lock_order_cycle:pay_lock", "*:pay_lock", "lock_order_cycle:pool.c:9",
		"lock_order_cycle:mutex@pool*", "*:book_out", "*:lock_*", "*:/src/app/pay.c",
		"*:pay.c", "*:util.c", "*:app", "*:/opt/app/*", "*:*/bin/app", "*:p?y_in",
	};
	static const char *const no[] = {
		"deadlock:pay_lock", "long_hold:*", "*:pay", "*:src/app/pay.c", "*:bin/app",
		"*:other_lock", "*:pay_lock2", "*:0x1000", "*:mutex",
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		CHECKF(matches(yes[i]) == 0, "%s should match", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		CHECKF(matches(no[i]) == -1, "%s should not match", no[i]);
	/* the first matching entry is the one counted */
	CHECK(matches("deadlock:pay_lock\n*:nothing\nlock_order_cycle:book_out\n*:pay_lock\n") == 2);
}

static void suggest(void)
{
	char line[256];
	lw_report_t r = cycle();
	/* lock_it is in every stack: pay_in, in half of them, comes first */
	lw__supp_suggest(&r, line, sizeof(line));
	CHECK_STR(line, "lock_order_cycle:pay_in");

	/* system libraries and lockwatch are not the program's own code */
	lw_frame_t sys[] = { { 1, "pthread_mutex_lock", NULL, 0, "/lib/x86_64-linux-gnu/libc.so.6" },
			     { 2, "lw_mutex_lock", "api.c", 3, "/x/liblockwatch.so.0" },
			     { 3, "??", NULL, 0, "/opt/app/bin/app" },
			     { 4, NULL, NULL, 0, "/opt/app/bin/app" },
			     { 5, "std::map<int, int>::operator[]", "m.h", 1, "/opt/app/bin/app" } };
	lw_report_thread_t th;
	memset(&th, 0, sizeof(th));
	th.lock = 0;
	th.stack = (lw_stack_t){ 5, sys };
	lw_report_t h;
	memset(&h, 0, sizeof(h));
	h.kind = LW_LONG_HOLD;
	h.n_locks = 2;
	h.locks = locks;
	h.n_threads = 1;
	h.threads = &th;
	lw__supp_suggest(&h, line, sizeof(line));
	CHECK_STR(line, "long_hold:std::map<int, int>::operator\\[]");
	/* and it matches what it came from */
	const char *path = file_of(line);
	CHECK(lw__supp_load(&s, path, err, sizeof(err)) == 0 && lw__supp_match(&s, &h) == 0);
	unlink(path);

	/* no function of the program's own: the first lock's class */
	th.stack.depth = 2;
	lw__supp_suggest(&h, line, sizeof(line));
	CHECK_STR(line, "long_hold:pay_lock");
	/* nothing at all */
	h.n_locks = 0;
	h.kind = LW_HANG;
	lw__supp_suggest(&h, line, sizeof(line));
	CHECK_STR(line, "hang:*");
	/* a glob in a class is escaped */
	lw_report_lock_t odd = { 3, 0x3000, "mutex", "a*b?[c]\\", "a*b?[c]\\" };
	h.n_locks = 1;
	h.locks = &odd;
	lw__supp_suggest(&h, line, sizeof(line));
	CHECK_STR(line, "hang:a\\*b\\?\\[c]\\\\");
	CHECK(lw__glob(line + 5, odd.class_) && !lw__glob(line + 5, "aXb?[c]\\"));
	/* a small buffer: cut, terminated */
	char small[8];
	lw__supp_suggest(&r, small, sizeof(small));
	CHECK(strlen(small) < sizeof(small));
}

int main(void)
{
	unit_seed(14);
	glob_cases();
	files();
	match();
	suggest();
	return unit_end();
}
