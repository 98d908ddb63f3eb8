/* fuzz.h — what every libFuzzer target shares: the entry point's prototype,
 * a CHECK that survives NDEBUG, and NUL-terminated copies of the input.
 * A failed CHECK aborts, which libFuzzer records as a crash with the input. */
#ifndef WM_FUZZ_H
#define WM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                             \
		}                                                                            \
	} while (0)

/* A heap copy of data[0..n) with a NUL after it; caller frees. */
static inline char *fuzz_strndup(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);
	CHECK(s != NULL);
	memcpy(s, data, n);
	s[n] = 0;
	return s;
}

/* Splits the input at the first '\n': *a gets the line (without it), *b
 * the rest (*blen bytes, which may hold NULs). Both are heap copies with a
 * NUL after them; the caller frees them. */
static inline void fuzz_split_line(const uint8_t *data, size_t size, char **a, char **b, size_t *blen)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t al = nl ? (size_t)(nl - data) : size;
	*a = fuzz_strndup(data, al);
	*blen = nl ? size - al - 1 : 0;
	*b = fuzz_strndup(nl ? nl + 1 : data, *blen);
}

#endif
