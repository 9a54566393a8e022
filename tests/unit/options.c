/* options.c - unit test of the options parser (src/base/options.h): the
 * defaults from the table, "k=v:k=v" strings with good and bad items, the
 * count of bad items, a bad value keeping the value before it, the exact
 * messages written to the error fd (here a pipe), lw__options_check, the
 * enum names and the printed configuration. */
#include "unit.h"

#include "options.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

static int pipe_r = -1, pipe_w = -1;
static char said[65536];

/* What was written to the pipe since the last call. */
static const char *drain(void)
{
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(said) - 1 && (r = read(pipe_r, said + n, sizeof(said) - 1 - n)) > 0)
		n += (size_t)r;
	said[n] = 0;
	return said;
}

/* Parse s into o; the count of bad items and the messages must be these. */
#define PARSE(o, s, bad, msgs)                                                 \
	do {                                                                   \
		int unit_n_ = lw__options_parse((o), (s), "test", pipe_w);     \
		CHECKF(unit_n_ == (bad), "\"%s\": %d bad items, want %d", (s), unit_n_, (bad)); \
		CHECK_STR(drain(), (msgs));                                    \
	} while (0)

#define KEEP "; keeping the previous value\n"

static void defaults(void)
{
	struct lw__options o;
	memset(&o, 0x5a, sizeof(o));
	lw__options_defaults(&o);
	/* the documented defaults (options.def) */
	CHECK(o.hold_ms == 5000 && o.wait_ms == 5000);
	CHECK(o.stack_depth == 16 && o.exitcode == 0 && o.verbose == 0);
	CHECK(o.on_deadlock == LW__ON_DEADLOCK_AUTO);
	CHECK(o.stats == 0 && o.stack_signal == 0 && o.watchdog_ms == 100);
	CHECK(o.timeout == 0 && o.hint == 1);
	CHECK_STR(o.json, "");
	CHECK_STR(o.log, "");
	/* and every row of the table: its default, within its own range */
	CHECK(lw__n_optdescs == 17);
	for (int i = 0; i < lw__n_optdescs; i++) {
		const struct lw__optdesc *d = &lw__optdescs[i];
		const char *p = (const char *)&o + d->offset;
		CHECKF(d->key && d->help && strchr("ISE", d->type), "row %d", i);
		if (d->type == 'I')
			CHECKF(*(const long *)p == d->def && d->lo <= d->def && d->def <= d->hi,
			       "%s", d->key);
		else if (d->type == 'E')
			CHECKF(*(const int *)p == d->def && strchr(d->help, '{') && strchr(d->help, '}'),
			       "%s", d->key);
		else
			CHECKF(p[0] == 0, "%s", d->key);
	}
}

static void good(void)
{
	struct lw__options o;
	lw__options_defaults(&o);
	PARSE(&o, "hold_ms=10:wait_ms=20", 0, "");
	CHECK(o.hold_ms == 10 && o.wait_ms == 20);
	/* the ends of the ranges */
	PARSE(&o, "hold_ms=0:wait_ms=86400000:stack_depth=1:exitcode=255", 0, "");
	CHECK(o.hold_ms == 0 && o.wait_ms == 86400000 && o.stack_depth == 1 && o.exitcode == 255);
	PARSE(&o, "stack_depth=64:watchdog_ms=10:stats=1000:stack_signal=0", 0, "");
	CHECK(o.stack_depth == 64 && o.watchdog_ms == 10 && o.stats == 1000 &&
	      o.stack_signal == 0);
	/* leading zeros are fine */
	PARSE(&o, "watchdog_ms=0010000", 0, "");
	CHECK(o.watchdog_ms == 10000);
	/* the enum by its names */
	PARSE(&o, "on_deadlock=exit", 0, "");
	CHECK(o.on_deadlock == LW__ON_DEADLOCK_EXIT);
	PARSE(&o, "on_deadlock=abort", 0, "");
	CHECK(o.on_deadlock == LW__ON_DEADLOCK_ABORT);
	PARSE(&o, "on_deadlock=report", 0, "");
	CHECK(o.on_deadlock == LW__ON_DEADLOCK_REPORT);
	PARSE(&o, "on_deadlock=auto", 0, "");
	CHECK(o.on_deadlock == LW__ON_DEADLOCK_AUTO);
	PARSE(&o, "on_deadlock=report", 0, "");
	/* paths, then an empty one */
	PARSE(&o, "json=/tmp/a b.jsonl:log=rel/x=y.log", 0, "");
	CHECK_STR(o.json, "/tmp/a b.jsonl");
	CHECK_STR(o.log, "rel/x=y.log"); /* the value runs to the ':' */
	PARSE(&o, "json=", 0, "");
	CHECK_STR(o.json, "");
	/* the longest path that fits: 1023 characters */
	char s[1100];
	memcpy(s, "log=", 4);
	memset(s + 4, 'p', 1023);
	s[4 + 1023] = 0;
	PARSE(&o, s, 0, "");
	CHECK(strlen(o.log) == 1023 && o.log[1022] == 'p');
	/* the last of a key wins; empty items are skipped */
	PARSE(&o, "hold_ms=1:hold_ms=2", 0, "");
	CHECK(o.hold_ms == 2);
	PARSE(&o, "::hold_ms=7:::wait_ms=8:", 0, "");
	CHECK(o.hold_ms == 7 && o.wait_ms == 8);
	PARSE(&o, "", 0, "");
	PARSE(&o, ":", 0, "");
	CHECK(lw__options_parse(&o, NULL, "test", pipe_w) == 0);
	CHECK_STR(drain(), "");
	CHECK(o.hold_ms == 7 && o.wait_ms == 8);
}

static void bad(void)
{
	struct lw__options o, before;
	lw__options_defaults(&o);
	PARSE(&o, "hold_ms=123:log=keep.log:on_deadlock=exit", 0, "");

	/* unknown keys, exactly; matching is exact and case-sensitive */
	memcpy(&before, &o, sizeof(o));
	PARSE(&o, "nosuch=1", 1, "lockwatch: test: unknown option 'nosuch'" KEEP);
	PARSE(&o, "hold=1", 1, "lockwatch: test: unknown option 'hold'" KEEP);
	PARSE(&o, "HOLD_MS=1", 1, "lockwatch: test: unknown option 'HOLD_MS'" KEEP);
	PARSE(&o, "hold_ms =1", 1, "lockwatch: test: unknown option 'hold_ms '" KEEP);
	PARSE(&o, "=5", 1, "lockwatch: test: unknown option ''" KEEP);
	PARSE(&o, "hold_ms", 1, "lockwatch: test: 'hold_ms' is not key=value" KEEP);
	CHECK(memcmp(&o, &before, sizeof(o)) == 0);

	/* bad numbers: each keeps 123, each message names the option and its range */
	static const char *const nums[] = { "86400001", "-1", "", "abc", "1.5", " 5", "5 ",
					    "0x10", "+5", "10=20", "999999999999999999",
					    "99999999999999999999999" };
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		char s[100], want[300];
		snprintf(s, sizeof(s), "hold_ms=%s", nums[i]);
		snprintf(want, sizeof(want),
			 "lockwatch: test: option hold_ms: bad value '%s' (a whole number from 0 to 86400000)" KEEP,
			 nums[i]);
		PARSE(&o, s, 1, want);
		CHECKF(o.hold_ms == 123, "after \"%s\": hold_ms %ld", s, o.hold_ms);
	}
	PARSE(&o, "stack_depth=0", 1,
	      "lockwatch: test: option stack_depth: bad value '0' (a whole number from 1 to 64)" KEEP);
	PARSE(&o, "stack_depth=65", 1,
	      "lockwatch: test: option stack_depth: bad value '65' (a whole number from 1 to 64)" KEEP);
	PARSE(&o, "watchdog_ms=9", 1,
	      "lockwatch: test: option watchdog_ms: bad value '9' (a whole number from 10 to 10000)" KEEP);
	CHECK(o.stack_depth == 16 && o.watchdog_ms == 100);
	/* the stack signal: 0 or a real-time signal, never SIGKILL, SIGSTOP,
	 * SIGINT, SIGSEGV, SIGTERM or glibc's own 32 and 33 */
	static const char *const sigs[] = { "9", "19", "2", "11", "15", "1", "32", "33", "65" };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		char s[100], want[300];
		snprintf(s, sizeof(s), "stack_signal=%s", sigs[i]);
		if (strcmp(sigs[i], "65") == 0)
			snprintf(want, sizeof(want),
				 "lockwatch: test: option stack_signal: bad value '65' (a whole number from 0 to 64)" KEEP);
		else
			snprintf(want, sizeof(want),
				 "lockwatch: test: option stack_signal: bad value '%s' (0, or a real-time signal from %d to %d)" KEEP,
				 sigs[i], SIGRTMIN, SIGRTMAX);
		PARSE(&o, s, 1, want);
		CHECK(o.stack_signal == 0);
	}
	PARSE(&o, "stack_signal=34:stack_signal=64", 0, "");
	CHECK(o.stack_signal == 64);
	PARSE(&o, "stack_signal=0", 0, "");
	CHECK(o.stack_signal == 0);
	PARSE(&o, "stack_signal=40", 0, "");

	/* bad enum values: names only, whole names */
	static const char *const enums[] = { "kill", "1", "", "exi", "exit2", "EXIT", "report,exit" };
	for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++) {
		char s[100], want[300];
		snprintf(s, sizeof(s), "on_deadlock=%s", enums[i]);
		snprintf(want, sizeof(want),
			 "lockwatch: test: option on_deadlock: bad value '%s' (one of {report,exit,abort,auto})" KEEP,
			 enums[i]);
		PARSE(&o, s, 1, want);
		CHECK(o.on_deadlock == LW__ON_DEADLOCK_EXIT);
	}

	/* a path one character too long */
	char s[1100];
	memcpy(s, "log=", 4);
	memset(s + 4, 'p', 1024);
	s[4 + 1024] = 0;
	PARSE(&o, s, 1, "lockwatch: test: option log: value longer than 1023 characters" KEEP);
	CHECK_STR(o.log, "keep.log");

	/* good and bad mixed: the good ones apply, the bad ones are counted
	 * and named in order */
	lw__options_defaults(&o);
	PARSE(&o, "a=1:hold_ms=x:wait_ms=30::bogus:stack_depth=99:verbose=1", 4,
	      "lockwatch: test: unknown option 'a'" KEEP
	      "lockwatch: test: option hold_ms: bad value 'x' (a whole number from 0 to 86400000)" KEEP
	      "lockwatch: test: 'bogus' is not key=value" KEEP
	      "lockwatch: test: option stack_depth: bad value '99' (a whole number from 1 to 64)" KEEP);
	CHECK(o.hold_ms == 5000 && o.wait_ms == 30 && o.stack_depth == 16 && o.verbose == 1);

	/* without an fd: the same count, nothing written */
	CHECK(lw__options_parse(&o, "a=1:hold_ms=x:wait_ms=31", "test", -1) == 2);
	CHECK(o.wait_ms == 31);
	CHECK_STR(drain(), "");

	/* the source is named as given */
	CHECK(lw__options_parse(&o, "x=1", "LOCKWATCH_OPTIONS", pipe_w) == 1);
	CHECK_STR(drain(), "lockwatch: LOCKWATCH_OPTIONS: unknown option 'x'" KEEP);

	/* a huge unknown key: one message, cut short, still one whole line */
	char *huge = malloc(5000);
	if (!huge)
		abort();
	memset(huge, 'k', 4990);
	memcpy(huge + 4990, "=1", 3);
	CHECK(lw__options_parse(&o, huge, "test", pipe_w) == 1);
	const char *m = drain();
	size_t len = strlen(m);
	CHECKF(len > 100 && len < 700 && strncmp(m, "lockwatch: test: unknown option 'kkk", 36) == 0 &&
		       m[len - 1] == '\n' && strchr(m, '\n') == m + len - 1,
	       "message of %zu bytes: %.80s...", len, m);
	free(huge);
}

/* Quoted values: "..." or '...' hold a ':'; the quotes are taken off;
 * an unterminated quote is one bad item that ends the string; text after
 * a closing quote is a bad item; lw__options_quote writes what parses back. */
static void quoted(void)
{
	struct lw__options o;
	lw__options_defaults(&o);
	PARSE(&o, "json=\"/tmp/a:b.jsonl\":exitcode=66", 0, "");
	CHECK_STR(o.json, "/tmp/a:b.jsonl");
	CHECK(o.exitcode == 66);
	PARSE(&o, "log='x:y:z.log':hold_ms='7'", 0, "");
	CHECK_STR(o.log, "x:y:z.log");
	CHECK(o.hold_ms == 7);
	PARSE(&o, "log='say \"hi\":now'", 0, "");
	CHECK_STR(o.log, "say \"hi\":now");
	PARSE(&o, "json=\"\"", 0, "");
	CHECK_STR(o.json, "");
	PARSE(&o, "on_deadlock=\"exit\"", 0, "");
	CHECK(o.on_deadlock == LW__ON_DEADLOCK_EXIT);
	/* a quote inside an unquoted value is an ordinary character */
	PARSE(&o, "log=it's.log", 0, "");
	CHECK_STR(o.log, "it's.log");

	/* unterminated: named, the value kept, the rest of the string eaten */
	PARSE(&o, "json=\"/tmp/a:b.jsonl:exitcode=1", 1,
	      "lockwatch: test: option json: unterminated double quote in value \"/tmp/a:b.jsonl:exitcode=1" KEEP);
	CHECK_STR(o.json, "");
	CHECK(o.exitcode == 66);
	PARSE(&o, "hold_ms=1:log='oops", 1,
	      "lockwatch: test: option log: unterminated single quote in value 'oops" KEEP);
	CHECK(o.hold_ms == 1);
	CHECK_STR(o.log, "it's.log");
	/* text after the closing quote */
	PARSE(&o, "json=\"a:b\"c:hold_ms=2", 1,
	      "lockwatch: test: option json: text after the closing quote in 'json=\"a:b\"c'" KEEP);
	CHECK(o.hold_ms == 2);
	CHECK_STR(o.json, "");

	/* lw__options_quote: what it writes parses back to the value */
	static const char *const vals[] = { "/plain/path", "/tmp/a:b", "'q", "\"q", "a\"b:c",
					    "a'b:c", "", "x=y" };
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		char q[64], s[80];
		CHECKF(lw__options_quote(vals[i], q, sizeof(q)) == 0, "quote %s", vals[i]);
		snprintf(s, sizeof(s), "log=%s:hold_ms=9", q);
		lw__options_defaults(&o);
		PARSE(&o, s, 0, "");
		CHECKF(strcmp(o.log, vals[i]) == 0 && o.hold_ms == 9, "%s -> %s -> %s", vals[i], q,
		       o.log);
	}
	char q[8];
	CHECK(lw__options_quote("/plain", q, sizeof(q)) == 0);
	CHECK_STR(q, "/plain");
	CHECK(lw__options_quote("a:b", q, sizeof(q)) == 0);
	CHECK_STR(q, "\"a:b\"");
	CHECK(lw__options_quote("a'\":b", q, sizeof(q)) == -1);   /* both quotes and a ':' */
	CHECK(lw__options_quote("abc:defgh", q, sizeof(q)) == -1); /* too long */
}

static void check(void)
{
	char err[200];
	struct lw__options before;
	memcpy(&before, &lw__opt, sizeof(before));
	strcpy(err, "untouched");
	CHECK(lw__options_check("hold_ms", "10", err, sizeof(err)) == 0);
	CHECK(lw__options_check("on_deadlock", "abort", err, sizeof(err)) == 0);
	CHECK(lw__options_check("json", "/tmp/x", err, sizeof(err)) == 0);
	CHECK(lw__options_check("json", "", err, sizeof(err)) == 0);
	CHECK(lw__options_check("hold_ms", "x", err, sizeof(err)) != 0);
	CHECK_STR(err, "option hold_ms: bad value 'x' (a whole number from 0 to 86400000)");
	CHECK(lw__options_check("nope", "1", err, sizeof(err)) != 0);
	CHECK_STR(err, "unknown option 'nope'");
	CHECK(lw__options_check("on_deadlock", "halt", err, sizeof(err)) != 0);
	CHECK_STR(err, "option on_deadlock: bad value 'halt' (one of {report,exit,abort,auto})");
	CHECK(lw__options_check("stats", "1001", err, sizeof(err)) != 0);
	CHECK_STR(err, "option stats: bad value '1001' (a whole number from 0 to 1000)");
	/* a small buffer: cut, terminated */
	char small[8];
	CHECK(lw__options_check("nope", "1", small, sizeof(small)) != 0);
	CHECK_STR(small, "unknown");
	/* checking stores nothing */
	CHECK(memcmp(&before, &lw__opt, sizeof(before)) == 0);
}

static void names_and_print(void)
{
	const struct lw__optdesc *d = NULL;
	char v[32];
	for (int i = 0; i < lw__n_optdescs; i++)
		if (strcmp(lw__optdescs[i].key, "on_deadlock") == 0)
			d = &lw__optdescs[i];
	CHECK(d != NULL && d->type == 'E');
	if (!d)
		return;
	CHECK_STR(lw__options_enum_name(d, 0, v, sizeof(v)), "report");
	CHECK_STR(lw__options_enum_name(d, 1, v, sizeof(v)), "exit");
	CHECK_STR(lw__options_enum_name(d, 2, v, sizeof(v)), "abort");
	CHECK_STR(lw__options_enum_name(d, 3, v, sizeof(v)), "auto");
	CHECK_STR(lw__options_enum_name(d, 4, v, sizeof(v)), "?");
	CHECK_STR(lw__options_enum_name(d, -1, v, sizeof(v)), "?");

	struct lw__options o;
	lw__options_defaults(&o);
	PARSE(&o, "hold_ms=42:on_deadlock=abort:json=/tmp/j", 0, "");
	lw__options_print(&o, pipe_w);
	CHECK_STR(drain(), "lockwatch: option hold_ms=42\n"
			   "lockwatch: option wait_ms=5000\n"
			   "lockwatch: option json=/tmp/j\n"
			   "lockwatch: option log=\n"
			   "lockwatch: option stack_depth=16\n"
			   "lockwatch: option exitcode=0\n"
			   "lockwatch: option verbose=0\n"
			   "lockwatch: option on_deadlock=abort\n"
			   "lockwatch: option stats=0\n"
			   "lockwatch: option stack_signal=0\n"
			   "lockwatch: option stack_sample=1\n"
			   "lockwatch: option timeout=0\n"
			   "lockwatch: option watchdog_ms=100\n"
			   "lockwatch: option suppressions=\n"
			   "lockwatch: option quiet=0\n"
			   "lockwatch: option edges=0\n"
			   "lockwatch: option hint=1\n");
}

int main(void)
{
	int fds[2];
	if (pipe(fds) != 0 || fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0) {
		perror("pipe");
		return 1;
	}
	pipe_r = fds[0];
	pipe_w = fds[1];
	defaults();
	good();
	bad();
	quoted();
	check();
	names_and_print();
	return unit_end();
}
