/* sysfile.h - inside the report layer: is a frame's source file or module
 * the system's rather than the program's own? A lock is named after, and
 * a suggested suppression names, the program's own code: a function of a
 * system header compiled into the program (libstdc++'s
 * __glibcxx_rwlock_rdlock under every std::shared_lock, Boost's
 * boost::posix::pthread_mutex_lock) is met by every user of it, so it
 * neither names a lock nor tells one report from another. No state, no
 * allocation (also linked into the lockwatch command). */
#ifndef LW_SYSFILE_H
#define LW_SYSFILE_H

/* A system or library header: /usr/include, libstdc++'s headers, glibc's
 * bits/, gthr*. */
int lw__sys_header(const char *file);

/* A module of the system (glibc, libstdc++, ...): under /lib, /lib32,
 * /lib64, /usr/lib, /usr/lib32, /usr/lib64 or /usr/libexec. NULL: no. */
int lw__sys_module(const char *mod);

#endif
