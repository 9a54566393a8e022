/* sysfile.c - is a frame's source file or module the system's (see
 * sysfile.h)? Prefixes and substrings only. */
#include "sysfile.h"

#include <stddef.h>
#include <string.h>

int lw__sys_header(const char *file)
{
	return strncmp(file, "/usr/include/", 13) == 0 || strstr(file, "/include/c++/") ||
	       strstr(file, "/bits/") || strstr(file, "gthr");
}

int lw__sys_module(const char *mod)
{
	static const char *const dirs[] = { "/lib/",	   "/lib64/",	   "/usr/lib/",
					    "/usr/lib64/", "/lib32/",	   "/usr/lib32/",
					    "/usr/libexec/" };
	if (mod == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strncmp(mod, dirs[i], strlen(dirs[i])) == 0)
			return 1;
	return 0;
}
