/* buf.c - unit test of the growable string (src/base/buf.h): appending
 * across the first 256 bytes, printf longer than the free space, and
 * lw__buf_json_str's escaping, each output compared byte for byte; the
 * escaped strings are also run through a small JSON string checker. */
#include "unit.h"

#include "buf.h"
#include "mem.h"

/* The buffer's invariants: NUL-terminated at len, room for it. */
static void check_buf(const struct lw__buf *b, const char *what)
{
	CHECKF(b->p != NULL && b->len < b->cap && b->p[b->len] == 0,
	       "%s: p %p len %zu cap %zu", what, (void *)b->p, b->len, b->cap);
}

static void reset(struct lw__buf *b)
{
	lw__mem_free(b->p);
	memset(b, 0, sizeof(*b));
}

static void appending(void)
{
	struct lw__buf b = { 0 };
	char want[5000];

	/* nothing put still gives a string */
	lw__buf_put(&b, "", 0);
	check_buf(&b, "empty put");
	CHECK_STR(b.p, "");
	CHECK(b.cap == 256);

	/* one byte at a time across several growths */
	for (int i = 0; i < 1000; i++) {
		char c = (char)('a' + i % 26);
		lw__buf_put(&b, &c, 1);
		want[i] = c;
	}
	want[1000] = 0;
	check_buf(&b, "bytes");
	CHECK(b.len == 1000);
	CHECK_STR(b.p, want);
	reset(&b);

	/* puts: 200 bytes, then 100 more across the first 256 */
	memset(want, 'x', 200);
	want[200] = 0;
	lw__buf_puts(&b, want);
	CHECK(b.len == 200 && b.cap == 256);
	memset(want + 200, 'y', 100);
	want[300] = 0;
	lw__buf_puts(&b, want + 200);
	check_buf(&b, "puts");
	CHECK(b.len == 300);
	CHECK_STR(b.p, want);
	reset(&b);

	/* exactly filling the first 256 bytes (255 and the NUL), then one more */
	memset(want, 'z', 256);
	want[256] = 0;
	lw__buf_put(&b, want, 255);
	CHECK(b.len == 255 && b.cap == 256);
	lw__buf_put(&b, want, 1);
	check_buf(&b, "256");
	CHECK(b.len == 256);
	CHECK_STR(b.p, want);
	reset(&b);

	/* bytes with a NUL inside are kept */
	lw__buf_put(&b, "a\0b", 3);
	check_buf(&b, "NUL inside");
	CHECK(b.len == 3 && memcmp(b.p, "a\0b", 4) == 0);
	reset(&b);
}

static void printing(void)
{
	struct lw__buf b = { 0 };
	char want[6000], big[5001];

	/* printf into an empty buffer */
	lw__buf_printf(&b, "%d-%s-%x-%c", 42, "go", 255u, '!');
	check_buf(&b, "printf");
	CHECK_STR(b.p, "42-go-ff-!");
	lw__buf_printf(&b, "%s", "");
	CHECK(b.len == 10);
	reset(&b);

	/* 250 bytes in, then a printf of 100: longer than the free space */
	memset(want, 'p', 250);
	lw__buf_put(&b, want, 250);
	for (int i = 0; i < 100; i++)
		want[250 + i] = (char)('0' + i % 10);
	want[350] = 0;
	lw__buf_printf(&b, "%.100s", want + 250);
	check_buf(&b, "printf past 256");
	CHECK(b.len == 350);
	CHECK_STR(b.p, want);

	/* a printf of 5000 bytes, far more than twice the buffer */
	for (int i = 0; i < 5000; i++)
		big[i] = (char)('A' + i % 26);
	big[5000] = 0;
	lw__buf_printf(&b, "<%s|%05d>", big, 7);
	check_buf(&b, "big printf");
	snprintf(want + 350, sizeof(want) - 350, "<%s|%05d>", big, 7);
	CHECK(b.len == 350 + 5000 + 8);
	CHECK_STR(b.p, want);

	/* printf exactly up to the end of the room it has */
	reset(&b);
	lw__buf_put(&b, big, 100);
	lw__buf_printf(&b, "%.155s", big); /* 255: fills cap 256 with the NUL */
	check_buf(&b, "printf to the end");
	CHECK(b.len == 255 && b.cap == 256);
	lw__buf_printf(&b, "%s", "+");
	check_buf(&b, "printf one past");
	CHECK(b.len == 256 && b.p[255] == '+');
	reset(&b);
}

/* ---- JSON -------------------------------------------------------------- */

/* A valid UTF-8 sequence at s: its length, 0 when not (the checker's own
 * reading of RFC 3629, independent of buf.c's). */
static int utf8_ok(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		unsigned lo = s[0] == 0xe0 ? 0xa0 : 0x80, hi = s[0] == 0xed ? 0x9f : 0xbf;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		unsigned lo = s[0] == 0xf0 ? 0x90 : 0x80, hi = s[0] == 0xf4 ? 0x8f : 0xbf;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
				       (s[3] & 0xc0) == 0x80
			       ? 4
			       : 0;
	}
	return 0;
}

/* Is s (all of it) one JSON string (RFC 8259), in valid UTF-8? */
static int json_string_ok(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	if (*s++ != '"')
		return 0;
	while (*s != '"') {
		if (*s < 0x20)
			return 0; /* raw control character, or the end */
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
						return 0;
				s += 5;
			} else if (*s && strchr("\"\\/bfnrt", *s)) {
				s++;
			} else {
				return 0;
			}
			continue;
		}
		int n = utf8_ok(s);
		if (!n)
			return 0;
		s += n;
	}
	return s[1] == 0;
}

/* The escaped form of s, appended after some text already there. */
static void check_json(const char *s, const char *want)
{
	struct lw__buf b = { 0 };
	lw__buf_puts(&b, "x=");
	lw__buf_json_str(&b, s);
	check_buf(&b, "json");
	CHECKF(b.p && strncmp(b.p, "x=", 2) == 0 && strcmp(b.p + 2, want) == 0,
	       "got %s, want %s", b.p ? b.p : "(null)", want);
	if (s && b.p)
		CHECKF(json_string_ok(b.p + 2), "not a JSON string: %s", b.p + 2);
	lw__mem_free(b.p);
}

static void json_fixed(void)
{
	check_json(NULL, "null");
	check_json("", "\"\"");
	check_json("plain text 123", "\"plain text 123\"");
	check_json("say \"hi\"", "\"say \\\"hi\\\"\"");
	check_json("C:\\dir\\", "\"C:\\\\dir\\\\\"");
	check_json("a\nb\rc\td", "\"a\\nb\\rc\\td\"");
	/* other control characters: \u00XX, lower-case hex (no \b or \f) */
	check_json("\x01\x08\x0c\x1b\x1f", "\"\\u0001\\u0008\\u000c\\u001b\\u001f\"");
	check_json("/ and \x7f", "\"/ and \x7f\""); /* neither needs escaping */
	/* valid UTF-8 kept as it is: the ends of each length's range */
	check_json("\xc2\x80 \xc3\xa9 \xdf\xbf", "\"\xc2\x80 \xc3\xa9 \xdf\xbf\"");
	check_json("\xe0\xa0\x80 \xe2\x82\xac \xed\x9f\xbf \xee\x80\x80 \xef\xbf\xbf",
		   "\"\xe0\xa0\x80 \xe2\x82\xac \xed\x9f\xbf \xee\x80\x80 \xef\xbf\xbf\"");
	check_json("\xf0\x90\x80\x80 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
		   "\"\xf0\x90\x80\x80 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"");
	/* anything else: each byte as \u00XX (its Latin-1 character) */
	check_json("\x80", "\"\\u0080\"");                      /* lone continuation */
	check_json("\xff\xfe", "\"\\u00ff\\u00fe\"");           /* never in UTF-8 */
	check_json("\xc0\xaf", "\"\\u00c0\\u00af\"");           /* overlong '/' */
	check_json("\xc1\xbf", "\"\\u00c1\\u00bf\"");           /* overlong */
	check_json("\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\""); /* overlong, 3 bytes */
	check_json("\xf0\x80\x80\xaf", "\"\\u00f0\\u0080\\u0080\\u00af\""); /* 4 bytes */
	check_json("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"");  /* surrogate D800 */
	check_json("\xed\xbf\xbf", "\"\\u00ed\\u00bf\\u00bf\"");  /* surrogate DFFF */
	check_json("\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\""); /* > 10FFFF */
	check_json("\xf5\x80\x80\x80", "\"\\u00f5\\u0080\\u0080\\u0080\"");
	check_json("\xf8\x88\x80\x80\x80", "\"\\u00f8\\u0088\\u0080\\u0080\\u0080\"");
	check_json("\xc3", "\"\\u00c3\"");                  /* cut at the end */
	check_json("\xe2\x82", "\"\\u00e2\\u0082\"");
	check_json("\xf0\x9f\x98", "\"\\u00f0\\u009f\\u0098\"");
	check_json("\xe2\x82z", "\"\\u00e2\\u0082z\"");     /* cut by ASCII */
	check_json("\xc3\xa9\xa9", "\"\xc3\xa9\\u00a9\"");  /* a stray after a valid one */
	/* a long string: escaping across growths of the buffer */
	char big[3001], want[3000 / 3 * 9 + 3]; /* 9 bytes out per 3 in, 2 quotes, NUL */
	size_t w = 0;
	want[w++] = '"';
	for (int i = 0; i < 3000; i++) {
		big[i] = i % 3 == 0 ? '"' : i % 3 == 1 ? 'q' : '\x02';
		const char *e = i % 3 == 0 ? "\\\"" : i % 3 == 1 ? "q" : "\\u0002";
		memcpy(want + w, e, strlen(e));
		w += strlen(e);
	}
	big[3000] = 0;
	want[w++] = '"';
	want[w] = 0;
	check_json(big, want);
}

/* Random strings made of pieces whose escaped forms are known: the output
 * is the pieces' forms in order, and always a JSON string. An invalid
 * piece never ends in a bare lead byte, so no two pieces join into a valid
 * sequence. */
static void json_random(void)
{
	static const char *const piece[][2] = {
		{ "a", "a" }, { "Zz 9", "Zz 9" }, { "\"", "\\\"" }, { "\\", "\\\\" },
		{ "\n", "\\n" }, { "\r", "\\r" }, { "\t", "\\t" }, { "\x1f", "\\u001f" },
		{ "\x01", "\\u0001" }, { "\x7f", "\x7f" },
		{ "\xc3\xa9", "\xc3\xa9" }, { "\xe2\x82\xac", "\xe2\x82\xac" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" }, { "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },
		{ "\x80", "\\u0080" }, { "\xbf", "\\u00bf" }, { "\xff", "\\u00ff" },
		{ "\xc0\x80", "\\u00c0\\u0080" }, { "\xed\xb0\x80", "\\u00ed\\u00b0\\u0080" },
		{ "\xe2\x82q", "\\u00e2\\u0082q" }, { "\xf4\x90\x80\x80", "\\u00f4\\u0090\\u0080\\u0080" },
	};
	enum { NP = sizeof(piece) / sizeof(piece[0]), ROUNDS = 2000 };
	char s[512], want[2048];
	unit_seed(7);
	for (int r = 0; r < ROUNDS && !unit_failed(); r++) {
		size_t n = 0, w = 0;
		want[w++] = '"';
		for (size_t k = unit_below(40); k > 0; k--) {
			size_t p = unit_below(NP);
			size_t a = strlen(piece[p][0]), e = strlen(piece[p][1]);
			memcpy(s + n, piece[p][0], a);
			memcpy(want + w, piece[p][1], e);
			n += a;
			w += e;
		}
		s[n] = 0;
		want[w++] = '"';
		want[w] = 0;
		check_json(s, want);
	}
}

/* The checker itself rejects what is not a JSON string. */
static void checker(void)
{
	CHECK(json_string_ok("\"ok \\u00e9 \\/ \xc3\xa9\""));
	CHECK(!json_string_ok("\"unterminated"));
	CHECK(!json_string_ok("\"bad \\x escape\""));
	CHECK(!json_string_ok("\"raw \n newline\""));
	CHECK(!json_string_ok("\"raw \xff byte\""));
	CHECK(!json_string_ok("\"surrogate \xed\xa0\x80\""));
	CHECK(!json_string_ok("\"short \\u00e\""));
	CHECK(!json_string_ok("\"a\" trailing"));
	CHECK(!json_string_ok("\"a\"b\""));
}

int main(void)
{
	checker();
	appending();
	printing();
	json_fixed();
	json_random();
	return unit_end();
}
