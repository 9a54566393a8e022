/* options.c - lw_set_options(): every bad key or value is refused with
 * EINVAL and a message naming it (the option keeps its value), good keys
 * in the same string still apply, and the json option takes effect at
 * once. argv[1] is a directory for the JSON files (the build's tests/).
 * Messages go to stderr; the test reads them back through a temporary
 * file standing in for fd 2. */
#include "lwtest.h"

#include <errno.h>
#include <fcntl.h>

static char captured[4096];

/* Run lw_set_options(s) with fd 2 redirected; the text written lands in
 * `captured`. */
static int set_capture(const char *s)
{
	char path[] = "/tmp/lw-options-XXXXXX";
	int tmp = mkstemp(path);
	CHECK(tmp >= 0, "mkstemp");
	/* write-only, as a log: lockwatch writes no report into a file put
	 * at 2 that the program reads back (tests/ways/stderr_reused.c) */
	int fd = open(path, O_WRONLY | O_APPEND);
	CHECK(fd >= 0, "reopen");
	unlink(path);
	fflush(stderr);
	int saved = dup(2);
	CHECK(saved >= 0 && dup2(fd, 2) == 2, "dup2");
	int rc = lw_set_options(s);
	fflush(stderr);
	CHECK(dup2(saved, 2) == 2, "restore stderr");
	close(saved);
	close(fd);
	ssize_t n = pread(tmp, captured, sizeof(captured) - 1, 0);
	captured[n > 0 ? n : 0] = 0;
	close(tmp);
	fprintf(stderr, "lw_set_options(\"%s\") = %d, said: %s", s, rc,
		captured[0] ? captured : "(nothing)\n");
	return rc;
}

static int count_lines(const char *path, const char *needle)
{
	char line[65536];
	int n = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

static lw_mutex_t probe_lock = LW_ERRORCHECK_MUTEX_INITIALIZER;


int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	char json1[1024], json2[1024], opt[1200];
	lwt_start();

	CHECK(set_capture("hold_ms=abc") == EINVAL, "hold_ms=abc is refused");
	CHECK(strstr(captured, "hold_ms") && strstr(captured, "'abc'"),
	      "the message names hold_ms and 'abc': %s", captured);

	CHECK(set_capture("nosuchkey=1") == EINVAL, "an unknown key is refused");
	CHECK(strstr(captured, "nosuchkey"), "the message names the key: %s", captured);

	CHECK(set_capture("exitcode=300") == EINVAL, "out of range is refused");
	CHECK(strstr(captured, "exitcode") && strstr(captured, "300"), "message: %s", captured);

	CHECK(set_capture("hold_ms=-5") == EINVAL, "a negative number is refused");
	CHECK(set_capture("hold_ms=") == EINVAL, "an empty number is refused");
	CHECK(set_capture("stack_depth=0") == EINVAL, "below the minimum is refused");
	CHECK(set_capture("on_deadlock=explode") == EINVAL, "a bad enum value is refused");
	CHECK(strstr(captured, "on_deadlock") && strstr(captured, "'explode'"), "message: %s",
	      captured);
	CHECK(set_capture("verbose") == EINVAL, "a key without '=' is refused");
	CHECK(strstr(captured, "verbose"), "message: %s", captured);

	CHECK(set_capture("") == 0, "an empty string is fine");
	CHECK(captured[0] == 0, "and says nothing: %s", captured);
	CHECK(set_capture("hold_ms=20000:wait_ms=20000") == 0, "good values");
	CHECK(captured[0] == 0, "say nothing: %s", captured);
	CHECK(set_capture("on_deadlock=report") == 0, "a good enum value");

	/* json: effective at once, appended one line per report */
	snprintf(json1, sizeof(json1), "%s/options-1.jsonl", dir);
	snprintf(json2, sizeof(json2), "%s/options-2.jsonl", dir);
	unlink(json1);
	unlink(json2);
	snprintf(opt, sizeof(opt), "json=%s", json1);
	CHECK(set_capture(opt) == 0, "json=FILE is accepted");
	CHECK(captured[0] == 0, "silently: %s", captured);
	CHECK(lw_mutex_unlock(&probe_lock) == EPERM, "a bad unlock");
	CHECK(lwt_count(LW_BAD_UNLOCK, LW_ERROR) == 1, "reported");
	CHECK(count_lines(json1, "\"kind\":\"bad_unlock\"") == 1, "one line in %s", json1);

	/* a bad key next to a good one: EINVAL, and the good one applies */
	snprintf(opt, sizeof(opt), "nosuchkey=1:json=%s:hold_ms=abc", json2);
	CHECK(set_capture(opt) == EINVAL, "one bad key spoils the return value");
	CHECK(strstr(captured, "nosuchkey") && strstr(captured, "hold_ms"),
	      "both bad items named: %s", captured);
	CHECK(lw_mutex_unlock(&probe_lock) == EPERM, "another bad unlock");
	CHECK(lwt_count(LW_BAD_UNLOCK, LW_ERROR) == 2, "reported");
	CHECK(count_lines(json2, "\"kind\":\"bad_unlock\"") == 1, "the new file has it");
	CHECK(count_lines(json1, "\"kind\":\"bad_unlock\"") == 1, "the old one not");
	CHECK(lwt_count(-1, -1) == 2, "no other report, got %d", lwt_count(-1, -1));
	unlink(json1);
	unlink(json2);
	printf("options: ok\n");
	return 0;
}
