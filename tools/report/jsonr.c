/* jsonr.c - the JSON reader (see jsonr.h): a recursive-descent parser
 * over a NUL-free text of known length. Containers collect their items on
 * one shared stack while open and are copied into the arena when closed,
 * so a value needs one allocation however it grows. */
#include "jsonr.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jr_chunk {
	struct jr_chunk *next;
	size_t used, cap;
	_Alignas(16) char data[];
};

struct parser {
	struct jr_arena *a;
	const char *s, *end, *p;
	char *err;
	size_t errn;
	int failed;
};

static void *alloc(struct jr_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct jr_chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		struct jr_chunk *nc = malloc(sizeof(*nc) + cap);
		if (!nc)
			return NULL;
		nc->used = 0;
		nc->cap = cap;
		nc->next = a->head;
		a->head = nc;
		c = nc;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

void jr_reset(struct jr_arena *a)
{
	/* keep the biggest chunk only, emptied */
	struct jr_chunk *keep = NULL;
	for (struct jr_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		if (!keep || c->cap > keep->cap) {
			if (keep)
				free(keep);
			keep = c;
		} else {
			free(c);
		}
	}
	if (keep) {
		keep->used = 0;
		keep->next = NULL;
	}
	a->head = keep;
	a->n_stack = 0;
}

void jr_free(struct jr_arena *a)
{
	for (struct jr_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a->stack);
	memset(a, 0, sizeof(*a));
}

static int fail(struct parser *ps, const char *why)
{
	if (!ps->failed) {
		snprintf(ps->err, ps->errn, "%s", why);
		ps->failed = 1;
	}
	return -1;
}

static void blanks(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int push(struct parser *ps, const struct jr_val *v)
{
	struct jr_arena *a = ps->a;
	if (a->n_stack == a->cap_stack) {
		size_t nc = a->cap_stack ? a->cap_stack * 2 : 256;
		struct jr_val *q = realloc(a->stack, nc * sizeof(*q));
		if (!q)
			return fail(ps, "out of memory");
		a->stack = q;
		a->cap_stack = nc;
	}
	a->stack[a->n_stack++] = *v;
	return 0;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t utf8(unsigned cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote. */
static int string(struct parser *ps, struct jr_val *v)
{
	const char *p = ++ps->p;
	/* the unescaped text is never longer than the quoted one */
	const char *q = p;
	while (q < ps->end && *q != '"')
		q += *q == '\\' && q + 1 < ps->end ? 2 : 1;
	if (q >= ps->end) {
		ps->p = p - 1; /* at its opening quote */
		return fail(ps, "unterminated string");
	}
	char *out = alloc(ps->a, (size_t)(q - p) + 1), *o = out;
	if (!out)
		return fail(ps, "out of memory");
	while (p < q) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20) {
			ps->p = p;
			return fail(ps, "control character in a string");
		}
		if (c != '\\') {
			*o++ = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			if (q - p < 5 || hex4(p + 1, &cp) < 0) {
				ps->p = p;
				return fail(ps, "bad \\u escape");
			}
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && q - p >= 7 && p[1] == '\\' && p[2] == 'u' &&
			    hex4(p + 3, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			o += utf8(cp, o);
			break;
		}
		default:
			ps->p = p;
			return fail(ps, "bad escape in a string");
		}
		p++;
	}
	*o = 0;
	v->type = JR_STR;
	v->n = (size_t)(o - out);
	v->u.str = out;
	ps->p = q + 1;
	return 0;
}

static int number(struct parser *ps, struct jr_val *v)
{
	const char *p = ps->p;
	if (p < ps->end && *p == '-')
		p++;
	if (p >= ps->end || *p < '0' || *p > '9')
		return fail(ps, "bad number");
	if (*p == '0')
		p++;
	else
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	if (p < ps->end && *p == '.') {
		p++;
		if (p >= ps->end || *p < '0' || *p > '9')
			return fail(ps, "bad number");
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= ps->end || *p < '0' || *p > '9')
			return fail(ps, "bad number");
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	}
	char buf[64];
	size_t n = (size_t)(p - ps->p);
	if (n >= sizeof(buf))
		return fail(ps, "number too long");
	memcpy(buf, ps->p, n);
	buf[n] = 0;
	v->type = JR_NUM;
	v->n = 0;
	v->u.num = strtod(buf, NULL);
	ps->p = p;
	return 0;
}

static int value(struct parser *ps, struct jr_val *v, int depth);

/* At '[' or '{'. */
static int container(struct parser *ps, struct jr_val *v, int depth)
{
	int obj = *ps->p == '{';
	char close = obj ? '}' : ']';
	size_t base = ps->a->n_stack;
	if (depth >= JR_MAX_DEPTH)
		return fail(ps, "nested too deep");
	ps->p++;
	blanks(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
	} else {
		for (;;) {
			struct jr_val x;
			blanks(ps);
			if (obj) {
				if (ps->p >= ps->end || *ps->p != '"')
					return fail(ps, "expected a string key");
				if (string(ps, &x) < 0 || push(ps, &x) < 0)
					return -1;
				blanks(ps);
				if (ps->p >= ps->end || *ps->p != ':')
					return fail(ps, "expected ':'");
				ps->p++;
			}
			if (value(ps, &x, depth + 1) < 0 || push(ps, &x) < 0)
				return -1;
			blanks(ps);
			if (ps->p < ps->end && *ps->p == ',') {
				ps->p++;
				continue;
			}
			if (ps->p < ps->end && *ps->p == close) {
				ps->p++;
				break;
			}
			return fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
		}
	}
	size_t n = ps->a->n_stack - base;
	v->type = obj ? JR_OBJ : JR_ARR;
	v->n = obj ? n / 2 : n;
	v->u.items = NULL;
	if (n) {
		v->u.items = alloc(ps->a, n * sizeof(struct jr_val));
		if (!v->u.items)
			return fail(ps, "out of memory");
		memcpy(v->u.items, ps->a->stack + base, n * sizeof(struct jr_val));
	}
	ps->a->n_stack = base;
	return 0;
}

static int word(struct parser *ps, const char *w, enum jr_type t, struct jr_val *v)
{
	size_t n = strlen(w);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0)
		return fail(ps, "unexpected character");
	ps->p += n;
	v->type = t;
	v->n = 0;
	return 0;
}

static int value(struct parser *ps, struct jr_val *v, int depth)
{
	blanks(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end");
	switch (*ps->p) {
	case '{':
	case '[': return container(ps, v, depth);
	case '"': return string(ps, v);
	case 't': return word(ps, "true", JR_TRUE, v);
	case 'f': return word(ps, "false", JR_FALSE, v);
	case 'n': return word(ps, "null", JR_NULL, v);
	default: return number(ps, v);
	}
}

int jr_parse(struct jr_arena *a, const char *text, size_t len, struct jr_val *out,
	     size_t *col, char *err, size_t errn)
{
	struct parser ps = { a, text, text + len, text, err, errn, 0 };
	a->n_stack = 0;
	if (value(&ps, out, 0) == 0) {
		blanks(&ps);
		if (ps.p == ps.end)
			return 0;
		fail(&ps, "text after the value");
	}
	*col = (size_t)(ps.p - text) + 1;
	return -1;
}

const struct jr_val *jr_get(const struct jr_val *v, const char *key)
{
	if (!v || v->type != JR_OBJ)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->u.items[2 * i].u.str, key) == 0)
			return &v->u.items[2 * i + 1];
	return NULL;
}

const struct jr_val *jr_at(const struct jr_val *v, size_t i)
{
	return v && v->type == JR_ARR && i < v->n ? &v->u.items[i] : NULL;
}

const char *jr_str(const struct jr_val *v)
{
	return v && v->type == JR_STR ? v->u.str : NULL;
}

long long jr_int(const struct jr_val *v, long long def)
{
	return v && v->type == JR_NUM ? (long long)v->u.num : def;
}

int jr_true(const struct jr_val *v)
{
	return v && v->type == JR_TRUE;
}
