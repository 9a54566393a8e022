/* hash.h - the one FNV-1a of lockwatch (64-bit: offset basis
 * 14695981039346656037, prime 1099511628211), over bytes or over whole
 * 64-bit words (one step per word: for sets of ids, where the input is
 * already well spread). Results are never 0, so they can key a map. */
#ifndef LW_HASH_H
#define LW_HASH_H

#include "common.h"

#define LW__FNV_BASIS 14695981039346656037ull
#define LW__FNV_PRIME 1099511628211ull

/* One step over a word. Start from LW__FNV_BASIS. */
static inline uint64_t lw__fnv_word(uint64_t h, uint64_t v)
{
	return (h ^ v) * LW__FNV_PRIME;
}

/* The bytes of s up to its NUL or max bytes, nonzero. */
static inline uint64_t lw__fnv_str(const char *s, size_t max)
{
	uint64_t h = LW__FNV_BASIS;
	for (size_t i = 0; i < max && s[i]; i++)
		h = lw__fnv_word(h, (unsigned char)s[i]);
	return h | 1;
}

#endif
