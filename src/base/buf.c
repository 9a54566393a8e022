/* buf.c - the growable string of buf.h: appending, printf, and JSON string
 * escaping (control characters escaped, valid UTF-8 kept, any other byte
 * kept as its Latin-1 character). */
#include "buf.h"
#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Make room for n more bytes and the NUL; -1 when out of memory. */
static int buf_reserve(struct lw__buf *b, size_t n)
{
	if (b->cap - b->len > n && b->p)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len <= n)
		cap *= 2;
	char *p = lw__mem_realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

void lw__buf_put(struct lw__buf *b, const char *s, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void lw__buf_puts(struct lw__buf *b, const char *s)
{
	lw__buf_put(b, s, strlen(s));
}

void lw__buf_printf(struct lw__buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (buf_reserve(b, 128) < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->p[b->len] = 0;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (buf_reserve(b, (size_t)n) < 0) {
			b->p[b->len] = 0; /* drop the truncated tail */
			return;
		}
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not. */
static int utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	int n;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000;
	else
		return 0;
	unsigned cp = c & (0x3fu >> (n - 1));
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void lw__buf_json_str(struct lw__buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!s) {
		lw__buf_put(b, "null", 4);
		return;
	}
	lw__buf_put(b, "\"", 1);
	while (*p) {
		const unsigned char *run = p;
		/* copy plain bytes in runs */
		while (*p >= 0x20 && *p != '"' && *p != '\\' && *p < 0x80)
			p++;
		if (p > run)
			lw__buf_put(b, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		switch (*p) {
		case '"': lw__buf_put(b, "\\\"", 2); p++; continue;
		case '\\': lw__buf_put(b, "\\\\", 2); p++; continue;
		case '\n': lw__buf_put(b, "\\n", 2); p++; continue;
		case '\r': lw__buf_put(b, "\\r", 2); p++; continue;
		case '\t': lw__buf_put(b, "\\t", 2); p++; continue;
		default: break;
		}
		if (*p < 0x20) {
			lw__buf_printf(b, "\\u%04x", *p);
			p++;
			continue;
		}
		int n = utf8_len(p);
		if (n > 0) {
			lw__buf_put(b, (const char *)p, (size_t)n);
			p += n;
		} else {
			/* not UTF-8: keep the byte's value, as a Latin-1 character */
			lw__buf_printf(b, "\\u%04x", *p);
			p++;
		}
	}
	lw__buf_put(b, "\"", 1);
}
