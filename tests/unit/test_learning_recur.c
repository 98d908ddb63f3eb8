/* test_learning_recur.c — the days of a recurring study session
 * (learn_recur_dates) on the built-in working-day calendar: every Friday
 * across the 2025 National Day week (1–8 October are holidays: Friday 3
 * October is skipped, not moved), around its make-up working days (Sunday
 * 28 September and Saturday 11 October are worked but are not Fridays:
 * no session), and the arguments refused. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "core/cal.h"
#include "learning/learning.h"

static int64_t day(const char *s)
{
	int64_t d = 0;
	assert_int_equal(cal_parse_date(s, &d), 0);
	return d;
}

static void fridays_across_national_day(void **state)
{
	(void)state;
	struct cal c;
	struct cal_problem p;
	assert_int_equal(cal_load_builtin(&c, &p), 0);
	int64_t out[16];
	int n = learn_recur_dates(&c, day("2025-09-15"), day("2025-10-31"), 5, out, 16);
	/* 19 and 26 September, (3 October a holiday), 10, 17, 24, 31 October */
	const char *want[] = {"2025-09-19", "2025-09-26", "2025-10-10", "2025-10-17", "2025-10-24", "2025-10-31"};
	assert_int_equal(n, 6);
	for (int k = 0; k < n; k++)
		assert_int_equal(out[k], day(want[k]));
	cal_free(&c);
}

static void makeup_days_are_not_the_weekday(void **state)
{
	(void)state;
	struct cal c;
	struct cal_problem p;
	assert_int_equal(cal_load_builtin(&c, &p), 0);
	int64_t out[16];
	/* Saturdays: 11 October 2025 is a make-up working day, the other
	 * Saturdays are days off */
	int n = learn_recur_dates(&c, day("2025-09-20"), day("2025-10-31"), 6, out, 16);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], day("2025-10-11"));
	/* Sundays: 28 September 2025 is worked */
	n = learn_recur_dates(&c, day("2025-09-20"), day("2025-10-31"), 7, out, 16);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], day("2025-09-28"));
	/* Fridays in the National Day week only: none */
	n = learn_recur_dates(&c, day("2025-10-01"), day("2025-10-08"), 5, out, 16);
	assert_int_equal(n, 0);
	/* a single Friday that is a working day, from and to that day */
	n = learn_recur_dates(&c, day("2025-10-10"), day("2025-10-10"), 5, out, 16);
	assert_int_equal(n, 1);
	cal_free(&c);
}

static void whole_year_and_limits(void **state)
{
	(void)state;
	struct cal c;
	struct cal_problem p;
	assert_int_equal(cal_load_builtin(&c, &p), 0);
	int64_t out[LEARN_RECUR_MAX];
	/* 2026 has 52 Fridays; every one is counted unless a holiday */
	int n = learn_recur_dates(&c, day("2026-01-01"), day("2026-12-31"), 5, out, LEARN_RECUR_MAX);
	int holidays = 0;
	for (int64_t d = day("2026-01-02"); d <= day("2026-12-31"); d += 7)
		holidays += !cal_is_workday(&c, d);
	assert_true(holidays > 0);
	assert_int_equal(n, 52 - holidays);
	for (int k = 0; k < n; k++) {
		assert_int_equal(cal_weekday(out[k]), 5);
		assert_true(cal_is_workday(&c, out[k]));
	}
	/* more than max: refused, not cut short */
	assert_int_equal(learn_recur_dates(&c, day("2026-01-01"), day("2026-12-31"), 5, out, 10), -1);
	assert_int_equal(learn_recur_dates(&c, day("2026-01-01"), day("2026-12-31"), 0, out, 10), -1);
	assert_int_equal(learn_recur_dates(&c, day("2026-02-01"), day("2026-01-01"), 5, out, 10), -1);
	cal_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fridays_across_national_day),
		cmocka_unit_test(makeup_days_are_not_the_weekday),
		cmocka_unit_test(whole_year_and_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
