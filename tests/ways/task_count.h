/* task_count.h - the number of threads this process has now
 * (/proc/self/task), for test programs that check lockwatch adds none. */
#ifndef LW_TEST_TASK_COUNT_H
#define LW_TEST_TASK_COUNT_H

#include <dirent.h>
#include <stddef.h>

static inline int threads(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

#endif
