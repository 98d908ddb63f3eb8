/* test_scoring.c — the arithmetic of an assessment round
 * (src/assessment/scoring.c, round.h): deductions and bonuses capped at the
 * leaf's points, the bonus levels' text, the rollup rule of
 * docs/DECISIONS.md, grades by share of the applicable maximum with the
 * veto, and competition ranks with vetoed units last. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "assessment/round.h"

#define assert_double_equal(a, b, eps)                                                       \
	do {                                                                                 \
		double a_ = (a), b_ = (b);                                                   \
		if (!(fabs(a_ - b_) <= (eps)))                                               \
			fail_msg("%s is %.17g, expected %.17g", #a, a_, b_);                 \
	} while (0)

static void deductions_are_capped_at_the_leaf(void **state)
{
	(void)state;
	assert_double_equal(assess_deduction(5, 0, 0.5), 5, 0);
	assert_double_equal(assess_deduction(5, 4, 0.5), 3, 1e-12); /* −2: 4 overdue cases */
	assert_double_equal(assess_deduction(5, 10, 0.5), 0, 0);    /* exactly used up */
	assert_double_equal(assess_deduction(5, 11, 0.5), 0, 0);    /* never below 0 */
	assert_double_equal(assess_deduction(5, 1000000, 1), 0, 0);
	assert_double_equal(assess_deduction(3, -2, 1), 3, 0);      /* nonsense counts deduct nothing */
	assert_double_equal(assess_deduction(3, 2, -1), 3, 0);
	assert_double_equal(assess_deduction(0, 2, 1), 0, 0);
}

static void bonuses_add_by_level_up_to_the_leaf(void **state)
{
	(void)state;
	const char *keys[4];
	double per[4];
	int n = assess_bonus_levels("national=5,provincial=3,prefecture=2,county=1", keys, per, 4);
	assert_int_equal(n, 4);
	assert_string_equal(keys[0], "national");
	assert_string_equal(keys[3], "county");
	assert_double_equal(per[1], 3, 0);
	/* unknown levels are skipped, a cap is respected, garbage ends it */
	n = assess_bonus_levels("planet=9,provincial=2.5", keys, per, 4);
	assert_int_equal(n, 1);
	assert_string_equal(keys[0], "provincial");
	assert_double_equal(per[0], 2.5, 0);
	assert_int_equal(assess_bonus_levels("national=1,provincial=1", keys, per, 1), 1);
	assert_int_equal(assess_bonus_levels("", keys, per, 4), 0);
	assert_int_equal(assess_bonus_levels("national", keys, per, 4), 0);

	double c[4] = {0, 1, 2, 0}, p[4] = {5, 3, 2, 1};
	assert_double_equal(assess_bonus(10, 4, c, p), 7, 0); /* 3 + 2 × 2 */
	c[0] = 1;
	assert_double_equal(assess_bonus(10, 4, c, p), 10, 0); /* 12, capped */
	double z[4] = {0};
	assert_double_equal(assess_bonus(10, 4, z, p), 0, 0);
	double neg[4] = {-3, 0, 0, 0};
	assert_double_equal(assess_bonus(10, 4, neg, p), 0, 0);
}

static void rollup_is_half_own_half_the_children_share(void **state)
{
	(void)state;
	/* no scored children: the own points */
	assert_double_equal(assess_rollup(12, 20, 0, NULL, NULL), 12, 0);
	/* children at 30% and 20% of their maxima: 0.5 × 4 + 0.5 × 0.25 × 20 */
	double t[2] = {6, 3}, m[2] = {20, 15};
	assert_double_equal(assess_rollup(4, 20, 2, t, m), 4.5, 1e-12);
	/* all full marks stay full marks whatever the children's maxima */
	double ft[3] = {20, 15, 7}, fm[3] = {20, 15, 7};
	assert_double_equal(assess_rollup(100, 100, 3, ft, fm), 100, 1e-9);
	/* a child without an applicable maximum counts as 0 */
	double zt[2] = {5, 0}, zm[2] = {10, 0};
	assert_double_equal(assess_rollup(10, 10, 2, zt, zm), 5 + 0.5 * 0.25 * 10, 1e-12);
}

static void grades_by_share_and_the_veto(void **state)
{
	(void)state;
	assert_string_equal(assess_grade(90, 100, 0, 90, 80, 60), "excellent");
	assert_string_equal(assess_grade(89.99, 100, 0, 90, 80, 60), "good");
	assert_string_equal(assess_grade(80, 100, 0, 90, 80, 60), "good");
	assert_string_equal(assess_grade(60, 100, 0, 90, 80, 60), "pass");
	assert_string_equal(assess_grade(59.9, 100, 0, 90, 80, 60), "fail");
	/* a window with 80 applicable points: 72 is 90% */
	assert_string_equal(assess_grade(72, 80, 0, 90, 80, 60), "excellent");
	/* 0.9 × 70 computed in floating point is still 90% */
	assert_string_equal(assess_grade(0.9 * 70, 70, 0, 90, 80, 60), "excellent");
	/* the veto fails whatever the points */
	assert_string_equal(assess_grade(100, 100, 1, 90, 80, 60), "fail");
	/* nothing applies: nothing to fail */
	assert_string_equal(assess_grade(0, 0, 0, 90, 80, 60), "pass");
	assert_string_equal(assess_grade(0, 0, 1, 90, 80, 60), "fail");
}

static void ranks_share_ties_and_put_the_vetoed_last(void **state)
{
	(void)state;
	double t[6] = {80, 95, 80, 99, 70, 60};
	int v[6] = {0, 0, 0, 1, 0, 1}, rk[6];
	assess_rank(6, t, v, rk);
	/* 95 first, the two 80s share 2, 70 is 4th, then the vetoed 99 and 60 */
	int want[6] = {2, 1, 2, 5, 4, 6};
	for (int i = 0; i < 6; i++)
		assert_int_equal(rk[i], want[i]);
	assess_rank(0, t, v, rk);
	double one = 3;
	int nv = 0, r1;
	assess_rank(1, &one, &nv, &r1);
	assert_int_equal(r1, 1);
	/* a bigger set against the definition: rank = 1 + the number better */
	enum { N = 500 };
	double bt[N];
	int bv[N], br[N];
	for (int i = 0; i < N; i++) {
		bt[i] = (double)((i * 7919) % 97);
		bv[i] = i % 13 == 0;
	}
	assess_rank(N, bt, bv, br);
	for (int i = 0; i < N; i++) {
		int better = 0;
		for (int j = 0; j < N; j++)
			if ((bv[j] < bv[i]) || (bv[j] == bv[i] && bt[j] > bt[i]))
				better++;
		assert_int_equal(br[i], better + 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deductions_are_capped_at_the_leaf),
		cmocka_unit_test(bonuses_add_by_level_up_to_the_leaf),
		cmocka_unit_test(rollup_is_half_own_half_the_children_share),
		cmocka_unit_test(grades_by_share_and_the_veto),
		cmocka_unit_test(ranks_share_ties_and_put_the_vetoed_last),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
