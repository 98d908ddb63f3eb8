/* test_rect_sample.c — the random re-check sample (rectification/rechecks.c,
 * rect_sample): the same seed and pool give the same sample, every time and
 * whatever the caller's buffers held; a sample is k distinct ids of the
 * pool, sorted; k is clamped to the pool; different seeds spread over the
 * pool (each id drawn about as often as the others); and the first draws of
 * a known seed are pinned, so that a change of the generator (which would
 * make recorded draws irreproducible) fails here. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <string.h>

#include "rectification/rect.h"

static const int64_t pool[] = {3, 8, 9, 14, 20, 21, 35, 40, 41, 57, 60, 61, 77, 80, 99};
#define NPOOL ((int)(sizeof pool / sizeof pool[0]))

static void same_seed_same_sample(void **state)
{
	(void)state;
	int64_t a[NPOOL], b[NPOOL];
	memset(b, 0x5a, sizeof b);
	int ka = rect_sample(20261101u, pool, NPOOL, 5, a);
	int kb = rect_sample(20261101u, pool, NPOOL, 5, b);
	assert_int_equal(ka, 5);
	assert_int_equal(kb, 5);
	assert_memory_equal(a, b, 5 * sizeof *a);
	/* another seed: another sample (for these two seeds) */
	int64_t c[NPOOL];
	rect_sample(7u, pool, NPOOL, 5, c);
	assert_memory_not_equal(a, c, 5 * sizeof *a);
}

static void sample_is_distinct_sorted_members(void **state)
{
	(void)state;
	for (uint64_t seed = 0; seed < 200; seed++) {
		int64_t out[NPOOL];
		int k = rect_sample(seed, pool, NPOOL, 6, out);
		assert_int_equal(k, 6);
		for (int i = 0; i < k; i++) {
			int member = 0;
			for (int j = 0; j < NPOOL; j++)
				member |= pool[j] == out[i];
			assert_true(member);
			if (i)
				assert_true(out[i - 1] < out[i]);
		}
	}
}

static void k_is_clamped(void **state)
{
	(void)state;
	int64_t out[NPOOL];
	assert_int_equal(rect_sample(1, pool, NPOOL, 100, out), NPOOL);
	assert_memory_equal(out, pool, sizeof pool); /* all of them, sorted */
	assert_int_equal(rect_sample(1, pool, NPOOL, 0, out), 0);
	assert_int_equal(rect_sample(1, pool, 0, 3, out), 0);
}

static void draws_spread_evenly(void **state)
{
	(void)state;
	int hits[NPOOL] = {0};
	for (uint64_t seed = 0; seed < 3000; seed++) {
		int64_t out[3];
		rect_sample(seed * 7919u + 1, pool, NPOOL, 3, out);
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < NPOOL; j++)
				hits[j] += pool[j] == out[i];
	}
	/* 3000 × 3 / 15 = 600 expected per id */
	for (int j = 0; j < NPOOL; j++) {
		assert_true(hits[j] > 480);
		assert_true(hits[j] < 720);
	}
}

static void known_seed_is_pinned(void **state)
{
	(void)state;
	/* computed independently with BigInt arithmetic in JavaScript (the
	 * same function as in tests/http/rectification.test.js) */
	static const int64_t want[4] = {14, 21, 61, 80};
	int64_t out[4];
	assert_int_equal(rect_sample(987654321u, pool, NPOOL, 4, out), 4);
	assert_memory_equal(out, want, sizeof out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_same_sample), cmocka_unit_test(sample_is_distinct_sorted_members),
		cmocka_unit_test(k_is_clamped),          cmocka_unit_test(draws_spread_evenly),
		cmocka_unit_test(known_seed_is_pinned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
