/* debuginfo.h - where a module's separate debug information is found
 * (debuginfo.c): on this machine only, never from a debuginfod server. */
#ifndef LW_DEBUGINFO_H
#define LW_DEBUGINFO_H

#include <elfutils/libdwfl.h>

/* A Dwfl_Callbacks.find_debuginfo: libdw's own search (by build id under
 * the debug directories, then by the module's .gnu_debuglink name beside
 * it, in its .debug folder and under /usr/lib/debug), without its last
 * step, which starts a debuginfod client in the calling process (libcurl,
 * OpenSSL through libssh2) and asks the servers of DEBUGINFOD_URLS about
 * every module without local debug information. */
int lw__find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
		       GElf_Addr base, const char *file_name, const char *debuglink_file,
		       GElf_Word debuglink_crc, char **debuginfo_file_name);

#endif
