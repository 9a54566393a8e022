/* symbols.h - turn addresses into names, at report time only.
 *
 * Code addresses become function, file:line and module with libdw (elfutils)
 * over the process's own modules, one frame per inlined function; C++ names are demangled when the program
 * has the C++ runtime. Data addresses become the name of the global or
 * static variable that contains them ("accounts_lock", "table+16"), which
 * is what names a lock in reports. Results are cached for the life of the
 * process, so the strings returned stay valid. Thread-safe (one lock). */
#ifndef LW_SYMBOLS_H
#define LW_SYMBOLS_H

#include "common.h"

/* What a frame has beyond lw_frame_t (frozen): whether it is a function
 * inlined into the next frame out (same pc), and the pc's offset in its
 * module (relative to the load base: the address in the ELF file) and the
 * module's build ID in hex (NULL: none), so that a report can be
 * symbolised again where the binaries are. */
struct lw__frame_info {
	int inlined, has_offset;
	uintptr_t module_offset;
	const char *build_id;
};

/* Inlined functions one pc can stand for, at most (deeper ones are cut,
 * the outermost kept). */
#define LW__SYM_INLINE_MAX 16

/* The frames of pc, innermost first: each function inlined there (by the
 * DWARF scopes of pc), with the file and line in it, then the function
 * that contains pc. `ret` is 1 for a return address (looked up at pc-1,
 * the call instruction), 0 for an exact pc. Fills at most max frames
 * (max >= 1) and returns how many. */
int lw__sym_frames(uintptr_t pc, int ret, lw_frame_t *out, struct lw__frame_info *info,
		   int max);

/* The function that contains pc by the symbol tables alone (no DWARF:
 * no inlined functions, no file or line), its module, offset and build
 * ID, into *out and *info: cheap where a system library's debug info is
 * installed and compressed (libc6-dbg), where naming a lock's class
 * needs only a function's name. Not cached. */
void lw__sym_function(uintptr_t pc, int ret, lw_frame_t *out, struct lw__frame_info *info);

/* Return address pc as a system library's frame (one under /lib or
 * /usr/lib) named from the loader's dynamic symbol table only (dladdr: no
 * debug info read), into *out and *info, with its offset and no build
 * ID: 1; 0 when pc is in no system library. Cached per pc: dladdr walks
 * the whole table, and a lock-order line names each frame of every edge
 * (LibreOffice's libraries live under /usr/lib, 100,000 symbols each). */
int lw__sym_light(uintptr_t pc, lw_frame_t *out, struct lw__frame_info *info);
/* Is f one of lockwatch's own frames (liblockwatch*.so, lw__ functions)? */
int lw__sym_lockwatch(const lw_frame_t *f);

/* The variable containing addr: writes "name" or "name+off" into buf and
 * returns 1, or returns 0 when addr is not inside a known variable. */
int lw__sym_data(const void *addr, char *buf, size_t n);

/* A report is written: libdw's files are closed now (the session is made
 * again at the next lookup; the names found stay cached), so none stays
 * open in the program between reports. */
void lw__sym_done(void);

/* Forget the process map (after dlopen or in a forked child). */
void lw__sym_reset(void);

#endif
