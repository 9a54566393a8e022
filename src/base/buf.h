/* buf.h - a growable string for formatting reports. Out of memory loses
 * the text that did not fit, never the process; p is NUL-terminated
 * whenever it is not NULL. Free p with lw__mem_free() (base/mem.h). Call
 * under the guard (it allocates). */
#ifndef LW_BUF_H
#define LW_BUF_H

#include "common.h"

struct lw__buf {
	char *p;
	size_t len, cap;
};

void lw__buf_put(struct lw__buf *b, const char *s, size_t n);
void lw__buf_puts(struct lw__buf *b, const char *s);
void lw__buf_printf(struct lw__buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* s as a JSON string (quoted and escaped), or null when s is NULL. */
void lw__buf_json_str(struct lw__buf *b, const char *s);

#endif
