/* options.c - parse and print the options of options.def.
 * Nothing here allocates: values are copied into fixed buffers, messages
 * are formatted on the stack and written with write(2). */
#include "options.h"

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

int lw__options_parse(struct lw__options *o, const char *s, const char *source,
		      int errfd)
{
	int bad = 0;
	while (s && *s) {
		size_t len = strcspn(s, ":");
		const char *eq = memchr(s, '=', len);
		char err[512], line[700];
		int rc;
		if (len == 0) {
			s++;
			continue;
		}
		if (!eq) {
			snprintf(err, sizeof(err), "'%.*s' is not key=value", (int)len, s);
			rc = -1;
		} else {
			rc = apply(o, s, (size_t)(eq - s), eq + 1, len - (size_t)(eq - s) - 1,
				   err, sizeof(err));
		}
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
