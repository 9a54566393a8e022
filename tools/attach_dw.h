/* attach_dw.h - `lockwatch attach`'s view of another process through
 * libdw (attach_dw.c): the modules it has loaded, the data symbol at an
 * address (a lock's name), and a thread's current stack. */
#ifndef LW_ATTACH_DW_H
#define LW_ATTACH_DW_H

#include <lockwatch.h>
#include <sys/types.h>

struct at_dw;

/* Read the modules of process pid (no ptrace yet); NULL with *err set
 * when they cannot be read. */
struct at_dw *at_dw_open(pid_t pid, const char **err);

/* The symbol whose object covers addr ([start, start + size)), C++
 * demangled, or NULL; its start and size into *start and *size. The
 * string lives as long as d. */
const char *at_dw_data_symbol(struct at_dw *d, uintptr_t addr, uintptr_t *start, size_t *size);

/* Thread tid's stack, innermost first, into frames (at most max), each
 * with its function (C++ demangled), file, line and module (strings that
 * live as long as d), one frame per function inlined at a pc (inlined[i] = 1 for
 * those but the outermost); returns the depth, or -1 with *err set. The
 * thread is stopped with ptrace while it is read and left as it was
 * (libdw detaches it). */
int at_dw_stack(struct at_dw *d, pid_t tid, lw_frame_t *frames, int *inlined, int max,
		const char **err);

/* Detach from every thread and free d, and every string it handed out. */
void at_dw_close(struct at_dw *d);

#endif
