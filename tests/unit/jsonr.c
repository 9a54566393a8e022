/* jsonr.c - unit test of `lockwatch report`'s JSON reader
 * (tools/report/jsonr.c): every value type, escapes and surrogate pairs,
 * member order and lookups, and the column and reason of each kind of
 * broken input (a torn line, a bad escape, text after the value, too
 * deep), and an arena reused over many lines. */
#include "unit.h"
#include "../../tools/report/jsonr.h"

static int parse(struct jr_arena *a, const char *s, struct jr_val *v, size_t *col, char *err)
{
	jr_reset(a);
	return jr_parse(a, s, strlen(s), v, col, err, 128);
}

int main(void)
{
	struct jr_arena a = { 0 };
	struct jr_val v;
	size_t col = 0;
	char err[128];

	CHECK(parse(&a, " {\"kind\":\"lock_order_cycle\",\"pid\":42,\"x\":-1.5e2,\"t\":true,"
		      "\"f\":false,\"n\":null,\"a\":[1,[2,{}],\"s\"],\"kind\":\"dup\"} ",
		&v, &col, err) == 0);
	CHECK(v.type == JR_OBJ && v.n == 8);
	CHECK_STR(jr_str(jr_get(&v, "kind")), "lock_order_cycle"); /* the first of two */
	CHECK(jr_int(jr_get(&v, "pid"), 0) == 42);
	CHECK(jr_get(&v, "x")->u.num == -150.0);
	CHECK(jr_true(jr_get(&v, "t")) && !jr_true(jr_get(&v, "f")));
	CHECK(jr_get(&v, "n")->type == JR_NULL);
	CHECK(jr_get(&v, "missing") == NULL && jr_get(jr_get(&v, "pid"), "x") == NULL);
	const struct jr_val *arr = jr_get(&v, "a");
	CHECK(arr && arr->type == JR_ARR && arr->n == 3);
	CHECK(jr_at(jr_at(arr, 1), 1)->type == JR_OBJ && jr_at(jr_at(arr, 1), 1)->n == 0);
	CHECK_STR(jr_str(jr_at(arr, 2)), "s");
	CHECK(jr_at(arr, 3) == NULL && jr_str(jr_at(arr, 0)) == NULL);

	/* escapes: \" \\ \/ \n \t, \u00e9 (two bytes), a surrogate pair (four) */
	CHECK(parse(&a, "\"a\\\"b\\\\c\\/d\\ne\\tf\\u00e9\\ud83d\\ude00\\u0041\"", &v, &col, err) == 0);
	CHECK_STR(jr_str(&v), "a\"b\\c/d\ne\tf\xc3\xa9\xf0\x9f\x98\x80" "A");
	CHECK(v.n == strlen("a\"b\\c/d\ne\tf\xc3\xa9\xf0\x9f\x98\x80" "A"));

	/* broken lines: the column of the trouble and why */
	static const struct {
		const char *text;
		size_t col;
		const char *why;
	} bad[] = {
		{ "{\"kind\":\"dead", 9, "unterminated string" },
		{ "{\"kind\" \"x\"}", 9, "expected ':'" },
		{ "{\"a\":1,}", 8, "expected a string key" },
		{ "[1 2]", 4, "expected ',' or ']'" },
		{ "{\"a\":1} x", 9, "text after the value" },
		{ "\"\\q\"", 3, "bad escape in a string" },
		{ "\"\\u12g4\"", 3, "bad \\u escape" },
		{ "tru", 1, "unexpected character" },
		{ "-", 1, "bad number" },
		{ "1.", 1, "bad number" },
		{ "", 1, "unexpected end" },
		{ "{\"a\":", 6, "unexpected end" },
		{ "\"a\tb\"", 3, "control character in a string" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		col = 0;
		err[0] = 0;
		CHECKF(parse(&a, bad[i].text, &v, &col, err) < 0, "%s parsed", bad[i].text);
		CHECKF(col == bad[i].col, "%s: column %zu, want %zu", bad[i].text, col, bad[i].col);
		CHECK_STR(err, bad[i].why);
	}
	char deep[200];
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	CHECK(jr_parse(&a, deep, 200, &v, &col, err, sizeof(err)) < 0);
	CHECK_STR(err, "nested too deep");
	CHECK(jr_parse(&a, deep + 100 - JR_MAX_DEPTH, 2 * JR_MAX_DEPTH, &v, &col, err,
		       sizeof(err)) == 0);

	/* one arena over many lines: values of the current line stay valid */
	for (int i = 0; i < 20000; i++) {
		char line[256];
		snprintf(line, sizeof(line), "{\"pid\":%d,\"s\":\"%0100d\",\"a\":[%d,%d]}", i, i, i, -i);
		jr_reset(&a);
		if (jr_parse(&a, line, strlen(line), &v, &col, err, sizeof(err)) != 0 ||
		    jr_int(jr_get(&v, "pid"), -1) != i || jr_int(jr_at(jr_get(&v, "a"), 1), 0) != -i) {
			CHECKF(0, "line %d", i);
			break;
		}
	}
	jr_free(&a);
	return unit_end();
}
