/* test_appraisal_sample.c — the appraisal's stratified draw
 * (src/appraisal/sample.c): the same seed and pool give the same sample,
 * another seed another one; each stratum gives what was asked (or all it
 * has); nobody is drawn twice; the PRNG is splitmix64 as published; and the
 * QR helper draws an SVG (src/web/qr.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "appraisal/sample.h"
#include "core/rng.h"
#include "core/buf.h"
#include "web/qr.h"

#define N 200

static void pool(int64_t *ids, int *st)
{
	for (int i = 0; i < N; i++) {
		ids[i] = 1000 + 3 * i; /* ascending, with gaps */
		st[i] = i % 4;         /* four strata of 50 */
	}
}

static void same_seed_same_sample(void **state)
{
	(void)state;
	int64_t ids[N], a[N], b[N];
	int st[N], want[4] = {5, 10, 0, 3};
	pool(ids, st);
	size_t na = sample_draw(sample_seed("20260301"), ids, st, N, want, 4, a);
	size_t nb = sample_draw(sample_seed("20260301"), ids, st, N, want, 4, b);
	assert_int_equal(na, 18);
	assert_int_equal(nb, na);
	assert_memory_equal(a, b, na * sizeof *a);
}

static void another_seed_another_sample(void **state)
{
	(void)state;
	int64_t ids[N], a[N], b[N];
	int st[N], want[4] = {5, 10, 4, 3};
	pool(ids, st);
	size_t na = sample_draw(sample_seed("1"), ids, st, N, want, 4, a);
	size_t nb = sample_draw(sample_seed("2"), ids, st, N, want, 4, b);
	assert_int_equal(na, nb);
	assert_true(memcmp(a, b, na * sizeof *a) != 0);
}

static void each_stratum_gives_what_was_asked_without_repeats(void **state)
{
	(void)state;
	int64_t ids[N], out[N];
	int st[N], want[4] = {7, 60, 0, 1}; /* 60 > 50: the whole stratum */
	pool(ids, st);
	size_t n = sample_draw(12345, ids, st, N, want, 4, out);
	assert_int_equal(n, 7 + 50 + 0 + 1);
	int per[4] = {0};
	for (size_t i = 0; i < n; i++) {
		int64_t k = (out[i] - 1000) / 3;
		assert_true(k >= 0 && k < N && ids[k] == out[i]);
		per[st[k]]++;
		for (size_t j = 0; j < i; j++)
			assert_true(out[j] != out[i]);
	}
	assert_int_equal(per[0], 7);
	assert_int_equal(per[1], 50);
	assert_int_equal(per[2], 0);
	assert_int_equal(per[3], 1);
	/* stratum by stratum, ascending within each */
	for (size_t i = 1; i < 7; i++)
		assert_true(out[i - 1] < out[i]);
}

static void splitmix64_matches_the_reference(void **state)
{
	(void)state;
	/* the reference implementation's first outputs from state 1234567 */
	uint64_t s = 1234567;
	assert_true(splitmix64(&s) == 6457827717110365317u);
	assert_true(splitmix64(&s) == 3203168211198807973u);
	assert_true(splitmix64(&s) == 9817491932198370423u);
	/* a seed of digits is the number; other text is hashed */
	assert_true(sample_seed("42") == 42);
	assert_true(sample_seed("abc") != sample_seed("abd"));
	uint64_t t = 7;
	for (int i = 0; i < 1000; i++)
		assert_true(sample_below(&t, 3) < 3);
}

static void qr_svg_draws_a_code(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, NULL);
	assert_int_equal(qr_svg(&b, "https://example.org/ballot?t=ABCD-EFGH-JKLM-NPQR", "a \"label\""), 0);
	assert_non_null(strstr(b.p, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(b.p, "aria-label=\"a &quot;label&quot;\""));
	assert_non_null(strstr(b.p, "<path fill=\"#000\" d=\"M"));
	assert_non_null(strstr(b.p, "</svg>"));
	assert_int_equal(qr_svg(&b, "", NULL), -1);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_same_sample),
		cmocka_unit_test(another_seed_another_sample),
		cmocka_unit_test(each_stratum_gives_what_was_asked_without_repeats),
		cmocka_unit_test(splitmix64_matches_the_reference),
		cmocka_unit_test(qr_svg_draws_a_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
