/* procfs.c - unit test of the /proc line parsers (src/base/procfs.h):
 * fields of a "stat" line whose command name holds spaces and
 * parentheses, and numbers of a "status" file: a mask in hexadecimal, a
 * count in decimal, a key that is the tail of another key's name
 * ("voluntary_ctxt_switches:" inside "nonvoluntary_ctxt_switches:"), a
 * key that is missing, and this process's own status file read for real. */
#include "unit.h"

#include "procfs.h"

#include <signal.h>

static void stat_fields(void)
{
	const char *line = "1234 (a (b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 7 0 99 0";
	const char *p = lw__proc_stat_field(line, 3);
	CHECK(p && p[0] == 'S');
	p = lw__proc_stat_field(line, 4);
	CHECK(p && strtol(p, NULL, 10) == 1);
	p = lw__proc_stat_field(line, 20);
	CHECK(p && strtol(p, NULL, 10) == 7);
	CHECK(lw__proc_stat_field(line, 60) == NULL);
	CHECK(lw__proc_stat_field("no parenthesis", 3) == NULL);
}

static void status_numbers(void)
{
	/* the two switch counts in the kernel's order: the nonvoluntary line
	 * comes last, and its key ends with the voluntary key */
	const char *buf = "Name:\tx\nSigBlk:\t0000000000010002\nSigCgt:\t0000000180004a00\n"
			  "nonvoluntary_ctxt_switches:\t9\nvoluntary_ctxt_switches:\t41\n";
	unsigned long long v = 7;
	CHECK(lw__proc_status_num(buf, "SigBlk:", 1, &v) && v == 0x10002);
	CHECK(lw__proc_status_num(buf, "SigCgt:", 1, &v) && v == 0x180004a00ull);
	CHECK(lw__proc_status_num(buf, "voluntary_ctxt_switches:", 0, &v) && v == 41);
	CHECK(lw__proc_status_num(buf, "nonvoluntary_ctxt_switches:", 0, &v) && v == 9);
	v = 7;
	CHECK(!lw__proc_status_num(buf, "SigIgn:", 1, &v) && v == 7);
	CHECK(!lw__proc_status_num("", "SigBlk:", 1, &v) && v == 7);
}

/* This process's own file: block SIGUSR2 and find it in SigBlk. */
static void status_live(void)
{
	char buf[4096];
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	unsigned long long v = 0;
	CHECK(lw__proc_read("/proc/self/status", buf, sizeof(buf)) > 0);
	CHECK(lw__proc_status_num(buf, "SigBlk:", 1, &v));
	CHECKF(v >> (SIGUSR2 - 1) & 1, "SigBlk %llx", v);
	CHECK(lw__proc_status_num(buf, "voluntary_ctxt_switches:", 0, &v));
}

int main(void)
{
	stat_fields();
	status_numbers();
	status_live();
	return unit_end();
}
