/* unit.h - the tiny helper of the unit tests (tests/unit/): each test is a
 * main() over one pure part of the library, linked with the static
 * library so it can call the internal lw__ functions directly.
 *
 * CHECK(cond) counts a failure and prints file:line and the condition;
 * CHECKF(cond, fmt, ...) adds a message; CHECK_STR(got, want) compares two
 * strings and shows both. A test ends with `return unit_end();`, which
 * prints the counts and gives exit status 0 only when every check passed.
 * unit_rand() is a small seeded generator (splitmix64): runs repeat, and
 * the seed is printed so a failure can be reproduced (UNIT_SEED=n). */
#ifndef LW_UNIT_H
#define LW_UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_checks, unit_failures;

#define CHECKF(cond, ...)                                                      \
	do {                                                                   \
		unit_checks++;                                                 \
		if (!(cond)) {                                                 \
			unit_failures++;                                       \
			fprintf(stderr, "%s:%d: FAILED: %s: ", __FILE__, __LINE__, \
				#cond);                                        \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

#define CHECK(cond) CHECKF(cond, "%s", "")

#define CHECK_STR(got, want)                                                   \
	do {                                                                   \
		const char *unit_g_ = (got), *unit_w_ = (want);                \
		CHECKF(unit_g_ && unit_w_ && strcmp(unit_g_, unit_w_) == 0,    \
		       "got \"%s\", want \"%s\"", unit_g_ ? unit_g_ : "(null)", \
		       unit_w_ ? unit_w_ : "(null)");                          \
	} while (0)

/* The failure count so far: a part can stop early once something broke. */
static inline int unit_failed(void) { return unit_failures; }

static uint64_t unit_seed_state;

/* Seed from UNIT_SEED, else the given default; prints the seed. */
static inline void unit_seed(uint64_t def)
{
	const char *s = getenv("UNIT_SEED");
	unit_seed_state = s && *s ? strtoull(s, NULL, 0) : def;
	printf("seed %llu (set UNIT_SEED to repeat another)\n",
	       (unsigned long long)unit_seed_state);
}

static inline uint64_t unit_rand(void)
{
	uint64_t z = (unit_seed_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0. */
static inline size_t unit_below(size_t n) { return (size_t)(unit_rand() % n); }

/* Shuffle n elements of size sz (Fisher-Yates). */
static inline void unit_shuffle(void *base, size_t n, size_t sz)
{
	unsigned char *a = base, tmp[64];
	if (sz > sizeof(tmp))
		abort();
	for (size_t i = n; i > 1; i--) {
		size_t j = unit_below(i);
		memcpy(tmp, a + (i - 1) * sz, sz);
		memcpy(a + (i - 1) * sz, a + j * sz, sz);
		memcpy(a + j * sz, tmp, sz);
	}
}

static inline int unit_end(void)
{
	printf("%d checks, %d failed\n", unit_checks, unit_failures);
	return unit_failures ? 1 : 0;
}

#endif
