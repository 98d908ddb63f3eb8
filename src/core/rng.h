/* rng.h — splitmix64, the one pseudo-random sequence for what must come out
 * the same from the same seed on any machine: the demos, and the draws the
 * office records and anyone may repeat (the appraisal's samples of raters,
 * the re-checks of rectification items). Never rand(); never for secrets
 * (tokens and codes come from libsodium). tests/unit/test_appraisal_sample.c
 * pins the sequence to its published values. */
#ifndef WM_RNG_H
#define WM_RNG_H

#include <stdint.h>

/* The next number of the sequence from *state. */
static inline uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	return splitmix64(&r->s);
}

/* 0 .. n-1 by multiply-shift (n small: a demo's choices), 0 when n <= 0. */
static inline int rng_below(struct rng *r, int n)
{
	return n <= 0 ? 0 : (int)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

#endif
