/* options.h - lockwatch's options, all from the table in options.def.
 * lw__opt holds the effective values; read them freely (plain loads).
 * The parser allocates nothing and writes messages with write(2), so it is
 * safe at start-up before anything else is ready. */
#ifndef LW_OPTIONS_H
#define LW_OPTIONS_H

#include "common.h"

#define LW__OPT_STR_MAX 1024

struct lw__options {
#define LW_OPT_INT(k) long k;
#define LW_OPT_STR(k) char k[LW__OPT_STR_MAX];
#define LW_OPT_ENUM(k) int k;
#define LW_OPT(k, type, def, lo, hi, help) LW_OPT_##type(k)
#include "options.def"
#undef LW_OPT
#undef LW_OPT_INT
#undef LW_OPT_STR
#undef LW_OPT_ENUM
};

LW__EXTERN struct lw__options lw__opt;

/* auto (the library's default): exit when option exitcode is set (a CI
 * run), else report (a service keeps running and reporting). */
enum { LW__ON_DEADLOCK_REPORT, LW__ON_DEADLOCK_EXIT, LW__ON_DEADLOCK_ABORT,
       LW__ON_DEADLOCK_AUTO };

/* Reset every option to its default (the table's). */
void lw__options_defaults(struct lw__options *o);

/* Parse "k=v:k=v" into o. A value may be quoted, "..." or '...', to hold
 * a ':' (no escapes inside; an unterminated quote is a bad item that ends
 * the string). Bad keys or values: a message on `errfd` (when
 * >= 0) naming them, the option keeps its value, and the count of bad
 * items is returned. `source` names where the string came from. */
int lw__options_parse(struct lw__options *o, const char *s, const char *source,
		      int errfd);

/* v as a value for lw__options_parse: as is, or quoted when it holds a
 * ':' or starts with a quote. 0, or -1 when it cannot be written (it holds
 * both quotes and a ':', or out is too small). */
int lw__options_quote(const char *v, char *out, size_t n);

/* Check one key and value; returns 0 or writes a message into err. */
int lw__options_check(const char *key, const char *value, char *err, size_t n);

/* Write the effective configuration, one "key=value" per line. */
void lw__options_print(const struct lw__options *o, int fd);

/* The table, for the CLI's flags and --help. */
struct lw__optdesc {
	const char *key;
	char type;        /* 'I'nt, 'S'tring (a path), 'E'num */
	long def, lo, hi;
	const char *help;
	size_t offset;    /* of the value in struct lw__options */
};

/* The name of enum value v of option d ("?" when out of range). */
const char *lw__options_enum_name(const struct lw__optdesc *d, long v, char *buf,
				  size_t n);
LW__EXTERN const struct lw__optdesc lw__optdescs[];
LW__EXTERN const int lw__n_optdescs;

#endif
