/* debuginfo.c - separate debug information from this machine only (see
 * debuginfo.h). A file named by the module's debug link is taken only when
 * its build id is the module's (or the module has none). */
#include "debuginfo.h"

#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Is the ELF file open on fd the debug file of mod, by build id? */
static int same_build(Dwfl_Module *mod, int fd)
{
	const unsigned char *want;
	GElf_Addr vaddr;
	int n = dwfl_module_build_id(mod, &want, &vaddr);
	if (n <= 0)
		return 1; /* nothing to compare: as libdw without a CRC check */
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	const void *got = NULL;
	ssize_t m = e ? dwelf_elf_gnu_build_id(e, &got) : -1;
	int same = m == n && memcmp(got, want, (size_t)n) == 0;
	if (e)
		elf_end(e);
	return same;
}

int lw__find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
		       GElf_Addr base, const char *file_name, const char *debuglink_file,
		       GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	int fd = dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name,
					      debuglink_file, debuglink_crc, debuginfo_file_name);
	if (fd >= 0 || !file_name || file_name[0] != '/' || !debuglink_file || !*debuglink_file ||
	    strchr(debuglink_file, '/'))
		return fd;
	char dir[PATH_MAX];
	const char *slash = strrchr(file_name, '/');
	size_t len = (size_t)(slash - file_name);
	if (len >= sizeof(dir))
		return -1;
	memcpy(dir, file_name, len);
	dir[len] = 0;
	static const char *const places[] = { "%s/%s", "%s/.debug/%s", "/usr/lib/debug%s/%s" };
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		char path[PATH_MAX];
		int w = snprintf(path, sizeof(path), places[i], dir, debuglink_file);
		if (w < 0 || (size_t)w >= sizeof(path) || strcmp(path, file_name) == 0)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (same_build(mod, fd) && (*debuginfo_file_name = strdup(path)) != NULL)
			return fd;
		close(fd);
	}
	return -1;
}
