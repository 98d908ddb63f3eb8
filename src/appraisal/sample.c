/* sample.c — see sample.h. */
#include "sample.h"
#include "../core/rng.h"

#include <stdlib.h>
#include <string.h>

uint64_t sample_below(uint64_t *state, uint64_t n)
{
	/* reject the top partial block of 2^64 so every residue is equally likely */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;
	do
		x = splitmix64(state);
	while (x >= limit);
	return x % n;
}

uint64_t sample_seed(const char *text)
{
	size_t len = text ? strlen(text) : 0;
	int digits = len > 0 && len <= 19;
	for (size_t i = 0; digits && i < len; i++)
		digits = text[i] >= '0' && text[i] <= '9';
	if (digits)
		return strtoull(text, NULL, 10);
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 0x100000001b3u;
	return h;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

size_t sample_draw(uint64_t seed, const int64_t *ids, const int *stratum, size_t n, const int *want, int nstrata,
		   int64_t *out)
{
	uint64_t st = seed;
	size_t k = 0;
	int64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
	if (!tmp)
		return 0;
	for (int s = 0; s < nstrata; s++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (stratum[i] == s)
				tmp[m++] = ids[i];
		size_t w = want[s] < 0 ? 0 : (size_t)want[s];
		if (w > m)
			w = m;
		/* a partial Fisher-Yates shuffle: the first w places */
		for (size_t i = 0; i < w; i++) {
			size_t j = i + (size_t)sample_below(&st, m - i);
			int64_t t = tmp[i];
			tmp[i] = tmp[j];
			tmp[j] = t;
		}
		qsort(tmp, w, sizeof *tmp, cmp_id);
		memcpy(out + k, tmp, w * sizeof *tmp);
		k += w;
	}
	free(tmp);
	return k;
}
