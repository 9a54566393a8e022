/* procfs.c - small reads of /proc files (see procfs.h). */
#include "common.h"
#include "procfs.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

ssize_t lw__proc_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

const char *lw__proc_stat_field(const char *buf, int n)
{
	const char *p = strrchr(buf, ')');
	if (!p || n < 3)
		return NULL;
	p++; /* the space before field 3 */
	for (int field = 3; p && field <= n; field++)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	return p && *p ? p : NULL;
}

int lw__proc_status_num(const char *buf, const char *key, int hex, unsigned long long *v)
{
	size_t k = strlen(key);
	for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, k) == 0)
			return sscanf(p + k, hex ? "%llx" : "%llu", v) == 1;
	return 0;
}
