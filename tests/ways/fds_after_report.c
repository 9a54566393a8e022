/* fds_after_report.c - descriptors after a report. The program makes a
 * warning (an error-checking mutex relocked on purpose: EDEADLK, as
 * libtdb's probe does), then prints the lowest free descriptor number and
 * every descriptor open above 2 (natively: none), closes every one above
 * 2 as a daemon does, opens its own file (it takes number 3), makes the
 * warning again and writes to its file. Before, naming the report's
 * frames left libdw's files open (the program, libc and libc's debug
 * file: the lowest free number was 6, not 3), and the next session's end
 * closed number 3, by then the program's own file: "Bad file descriptor",
 * status 1. The program's output and status (0); one warning a probe. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes.h"

/* Descriptors above 2 open now, listed (the directory's own skipped). */
static void list_open(const char *when)
{
	DIR *d = opendir("/proc/self/fd");
	int self = d ? dirfd(d) : -1, n = 0;
	struct dirent *e;
	printf("%s: open above 2:", when);
	while (d && (e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] != '.' && fd > 2 && fd != self) {
			printf(" %d", fd);
			n++;
		}
	}
	if (d)
		closedir(d);
	printf("%s\n", n ? "" : " none");
}

static void *probe_thread(void *arg)
{
	probe();
	return arg;
}

int main(void)
{
	printf("probe: %s\n", strerror(probe()));
	int fd = open("/dev/null", O_RDONLY);
	printf("lowest free: %d\n", fd);
	close(fd);
	list_open("after the report");
	for (int i = 3; i < 1024; i++)
		close(i);
	char path[] = "/tmp/lw_fds_after_XXXXXX";
	int own = mkstemp(path);
	printf("own file: %d\n", own);
	printf("probe again: %s\n", strerror(probe()));
	pthread_t t; /* a second thread: the process is threaded, as a server */
	pthread_create(&t, NULL, probe_thread, NULL);
	pthread_join(t, NULL);
	ssize_t w = write(own, "log\n", 4);
	printf("write to own file: %s\n", w == 4 ? "ok" : strerror(errno));
	close(own);
	unlink(path);
	list_open("at the end");
	return 0;
}
