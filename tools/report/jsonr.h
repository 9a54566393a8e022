/* jsonr.h - a small JSON reader for `lockwatch report`: one text (a JSON
 * Lines line) into a tree of values in an arena, with the column and
 * reason of the first error. Pure: no global state, no I/O. Strings are
 * unescaped (\uXXXX and surrogate pairs into UTF-8) and NUL-terminated;
 * an object keeps its members in order (a key given twice: the first is
 * found). Nesting is limited to JR_MAX_DEPTH. */
#ifndef LW_JSONR_H
#define LW_JSONR_H

#include <stddef.h>

#define JR_MAX_DEPTH 64

enum jr_type { JR_NULL, JR_FALSE, JR_TRUE, JR_NUM, JR_STR, JR_ARR, JR_OBJ };

struct jr_val {
	enum jr_type type;
	size_t n; /* string bytes, array items, object members */
	union {
		double num;
		const char *str;
		struct jr_val *items; /* an object: key, value, key, value, ... */
	} u;
};

/* The arena the values of one parse live in; reset it to reuse its
 * memory for the next line, free it at the end. Start zeroed. */
struct jr_arena {
	struct jr_chunk *head;
	struct jr_val *stack; /* the values of open containers, while parsing */
	size_t n_stack, cap_stack;
};

void jr_reset(struct jr_arena *a);
void jr_free(struct jr_arena *a);

/* Parse text[0..len) as one JSON value (blanks around it allowed) into
 * *out. 0, or -1 with *col (from 1) and a reason in err. */
int jr_parse(struct jr_arena *a, const char *text, size_t len, struct jr_val *out,
	     size_t *col, char *err, size_t errn);

/* The member `key` of object v (NULL when v is not an object or has none). */
const struct jr_val *jr_get(const struct jr_val *v, const char *key);
/* Item i of array v, or NULL. */
const struct jr_val *jr_at(const struct jr_val *v, size_t i);
/* A string's text, or NULL for anything else. */
const char *jr_str(const struct jr_val *v);
/* A number as long long (def when v is not a number). */
long long jr_int(const struct jr_val *v, long long def);
/* true -> 1, anything else 0 */
int jr_true(const struct jr_val *v);

#endif
