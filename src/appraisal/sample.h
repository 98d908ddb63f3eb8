/* sample.h — stratified random sampling of raters, deterministic from a
 * seed: the same seed and the same pool (members ordered by id) give the
 * same sample on any machine, so a recorded draw can be checked by
 * drawing it again. Our own PRNG (core/rng.h: splitmix64), never rand(). No SQL, no
 * HTTP: tests/unit/test_appraisal_sample.c pins it. */
#ifndef WM_APPRAISAL_SAMPLE_H
#define WM_APPRAISAL_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

/* A number below n (n > 0), without modulo bias. */
uint64_t sample_below(uint64_t *state, uint64_t n);
/* The seed a text stands for: the number itself for a decimal of up to
 * 19 digits, otherwise FNV-1a of the bytes. */
uint64_t sample_seed(const char *text);

/* Draws from members ids[0..n) (ascending ids) with stratum[i] in
 * [0, nstrata) want[s] of each stratum s (all of it when it has fewer),
 * strata taken in index order from one sequence seeded with seed. The
 * chosen ids go to out (room for n), stratum by stratum, each stratum's in
 * ascending order. Returns how many were chosen. */
size_t sample_draw(uint64_t seed, const int64_t *ids, const int *stratum, size_t n, const int *want, int nstrata,
		   int64_t *out);

#endif
