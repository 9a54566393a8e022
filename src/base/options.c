/* options.c - parse and print the options of options.def.
 * Nothing here allocates: values are copied into fixed buffers, messages
 * are formatted on the stack and written with write(2). */
#include "options.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct lw__options lw__opt;

const struct lw__optdesc lw__optdescs[] = {
#define LW_OPT(k, type, def, lo, hi, help)                                     \
	{ #k, #type[0], def, lo, hi, help, offsetof(struct lw__options, k) },
#include "options.def"
#undef LW_OPT
};
const int lw__n_optdescs = sizeof(lw__optdescs) / sizeof(lw__optdescs[0]);

#define INTVAL(o, d) ((long *)((char *)(o) + (d)->offset))
#define ENUMVAL(o, d) ((int *)((char *)(o) + (d)->offset))
#define STRVAL(o, d) ((char *)(o) + (d)->offset)

void lw__options_defaults(struct lw__options *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < lw__n_optdescs; i++) {
		const struct lw__optdesc *d = &lw__optdescs[i];
		if (d->type == 'I')
			*INTVAL(o, d) = d->def;
		else if (d->type == 'E')
			*ENUMVAL(o, d) = (int)d->def;
	}
}

static const struct lw__optdesc *find_desc(const char *key, size_t klen)
{
	for (int i = 0; i < lw__n_optdescs; i++)
		if (strlen(lw__optdescs[i].key) == klen &&
		    memcmp(lw__optdescs[i].key, key, klen) == 0)
			return &lw__optdescs[i];
	return NULL;
}

/* Walk the {a,b,c} list of an enum's help: the index of v, or -1. With
 * v == NULL, copy the name of value `want` into buf instead. */
static int enum_walk(const char *help, const char *v, size_t vlen, long want,
		     char *buf, size_t n)
{
	const char *p = strchr(help, '{');
	if (!p)
		return -1;
	p++;
	for (int i = 0; *p && *p != '}'; i++) {
		size_t len = strcspn(p, ",}");
		if (v && len == vlen && memcmp(p, v, len) == 0)
			return i;
		if (!v && i == want) {
			snprintf(buf, n, "%.*s", (int)len, p);
			return i;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return -1;
}

const char *lw__options_enum_name(const struct lw__optdesc *d, long v, char *buf,
				  size_t n)
{
	if (enum_walk(d->help, NULL, 0, v, buf, n) < 0)
		snprintf(buf, n, "?");
	return buf;
}

static int parse_long(const char *v, size_t vlen, long *out)
{
	long x = 0;
	if (vlen == 0 || vlen > 18)
		return -1;
	for (size_t i = 0; i < vlen; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	*out = x;
	return 0;
}

/* Check key=value (not NUL-terminated); when o is set, store it there. */
static int apply(struct lw__options *o, const char *k, size_t klen, const char *v,
		 size_t vlen, char *err, size_t n)
{
	const struct lw__optdesc *d = find_desc(k, klen);
	long x;
	if (!d) {
		snprintf(err, n, "unknown option '%.*s'", (int)klen, k);
		return -1;
	}
	switch (d->type) {
	case 'I':
		if (parse_long(v, vlen, &x) < 0 || x < d->lo || x > d->hi) {
			snprintf(err, n,
				 "option %s: bad value '%.*s' (a whole number from %ld to %ld)",
				 d->key, (int)vlen, v, d->lo, d->hi);
			return -1;
		}
		/* the stack signal interrupts the program's threads: only a
		 * real-time signal, which nothing else sends by default */
		if (d->offset == offsetof(struct lw__options, stack_signal) && x != 0 &&
		    (x < SIGRTMIN || x > SIGRTMAX)) {
			snprintf(err, n,
				 "option %s: bad value '%.*s' (0, or a real-time signal from %d to %d)",
				 d->key, (int)vlen, v, SIGRTMIN, SIGRTMAX);
			return -1;
		}
		if (o)
			*INTVAL(o, d) = x;
		return 0;
	case 'E':
		x = enum_walk(d->help, v, vlen, 0, NULL, 0);
		if (x < 0) {
			snprintf(err, n, "option %s: bad value '%.*s' (one of %s)", d->key,
				 (int)vlen, v, strchr(d->help, '{'));
			return -1;
		}
		if (o)
			*ENUMVAL(o, d) = (int)x;
		return 0;
	default:
		if (vlen >= LW__OPT_STR_MAX) {
			snprintf(err, n, "option %s: value longer than %d characters", d->key,
				 LW__OPT_STR_MAX - 1);
			return -1;
		}
		if (o) {
			memcpy(STRVAL(o, d), v, vlen);
			STRVAL(o, d)[vlen] = 0;
		}
		return 0;
	}
}

int lw__options_check(const char *key, const char *value, char *err, size_t n)
{
	return apply(NULL, key, strlen(key), value, strlen(value), err, n);
}

/* One item of "k=v:k=v" at s: the key, and the value (its quotes taken
 * off: a value may be written "..." or '...' to hold a ':'). Returns the
 * length of the item (up to its ':' or the end); -1 in *bad with a message
 * in err when it is not key=value or its quote is not closed. */
static size_t split_item(const char *s, const char **val, size_t *vlen, int *bad,
			 char *err, size_t n)
{
	size_t klen = strcspn(s, "=:");
	*bad = 0;
	if (s[klen] != '=') {
		snprintf(err, n, "'%.*s' is not key=value", (int)klen, s);
		*bad = -1;
		return klen;
	}
	const char *v = s + klen + 1;
	if (*v != '"' && *v != '\'') {
		*val = v;
		*vlen = strcspn(v, ":");
		return klen + 1 + *vlen;
	}
	const char *end = strchr(v + 1, *v);
	if (!end) {
		snprintf(err, n, "option %.*s: unterminated %s quote in value %s", (int)klen, s,
			 *v == '"' ? "double" : "single", v);
		*bad = -1;
		return strlen(s);
	}
	*val = v + 1;
	*vlen = (size_t)(end - v - 1);
	if (end[1] && end[1] != ':') {
		size_t len = klen + 1 + (size_t)(end + 1 - v) + strcspn(end + 1, ":");
		snprintf(err, n, "option %.*s: text after the closing quote in '%.*s'", (int)klen, s,
			 (int)len, s);
		*bad = -1;
		return len;
	}
	return (size_t)(end + 1 - s);
}

int lw__options_parse(struct lw__options *o, const char *s, const char *source,
		      int errfd)
{
	int bad = 0;
	while (s && *s) {
		char err[512], line[700];
		const char *val = NULL;
		size_t vlen = 0;
		int rc;
		if (*s == ':') {
			s++;
			continue;
		}
		size_t len = split_item(s, &val, &vlen, &rc, err, sizeof(err));
		if (rc == 0)
			rc = apply(o, s, strcspn(s, "="), val, vlen, err, sizeof(err));
		if (rc < 0) {
			bad++;
			int m = snprintf(line, sizeof(line),
					 "lockwatch: %s: %s; keeping the previous value\n", source,
					 err);
			if (errfd >= 0 && m > 0 &&
			    write(errfd, line, (size_t)m < sizeof(line) ? (size_t)m : sizeof(line) - 1) < 0)
				bad += 0; /* nowhere else to say it */
		}
		s += len;
		if (*s == ':')
			s++;
	}
	return bad;
}

int lw__options_quote(const char *v, char *out, size_t n)
{
	size_t len = strlen(v);
	int q = 0;
	if (strchr(v, ':') || v[0] == '"' || v[0] == '\'')
		q = !strchr(v, '"') ? '"' : !strchr(v, '\'') ? '\'' : -1;
	if (q == -1 || len + (q ? 3 : 1) > n)
		return -1;
	if (!q) {
		memcpy(out, v, len + 1);
		return 0;
	}
	out[0] = (char)q;
	memcpy(out + 1, v, len);
	out[len + 1] = (char)q;
	out[len + 2] = 0;
	return 0;
}

void lw__options_print(const struct lw__options *o, int fd)
{
	for (int i = 0; i < lw__n_optdescs; i++) {
		const struct lw__optdesc *d = &lw__optdescs[i];
		char line[LW__OPT_STR_MAX + 64], v[64];
		int m;
		if (d->type == 'I')
			m = snprintf(line, sizeof(line), "lockwatch: option %s=%ld\n", d->key,
				     *INTVAL(o, d));
		else if (d->type == 'E')
			m = snprintf(line, sizeof(line), "lockwatch: option %s=%s\n", d->key,
				     lw__options_enum_name(d, *ENUMVAL(o, d), v, sizeof(v)));
		else
			m = snprintf(line, sizeof(line), "lockwatch: option %s=%s\n", d->key,
				     STRVAL(o, d));
		if (m > 0 && write(fd, line, (size_t)m < sizeof(line) ? (size_t)m : sizeof(line) - 1) < 0)
			return;
	}
}
