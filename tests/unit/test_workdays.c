/* test_workdays.c — the working-day calendar loaded from the database
 * (src/platform/workdays.c): the migration holds the shipped facts, a
 * count running into a year not entered says so, edits are whole or
 * nothing, and every edit is seen by the next count (the cache reloads).
 * On SQLite, and on PostgreSQL when WENMING_TEST_PG is set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/log.h"
#include "http/http.h"
#include "platform/workdays.h"
#include "testdb.h"

#define fx testreq

static int sqlite_setup(void **state)
{
	return testreq_open(state, DB_SQLITE, 1, LANG_EN);
}

static int pg_setup(void **state)
{
	return testreq_open(state, DB_PG, 1, LANG_EN);
}

#define fx_teardown testreq_teardown

#define FX                     \
	struct fx *f = *state; \
	if (!f)                \
		skip();        \
	struct req *r = &f->r; \
	(void)r

static int64_t day(const char *s)
{
	int64_t d = 0;
	assert_int_equal(cal_parse_date(s, &d), 0);
	return d;
}

static const char *date(int64_t d)
{
	static char out[CAL_DATE_SIZE];
	return cal_format_date(d, out);
}

static void migration_holds_the_shipped_calendar(void **state)
{
	FX;
	struct cal c, b;
	int *years;
	size_t ny;
	assert_int_equal(workdays_load(f->t.db, &c, &years, &ny), 0);
	assert_int_equal(ny, 2);
	assert_int_equal(years[0], 2025);
	assert_int_equal(years[1], 2026);
	assert_int_equal(cal_load_builtin(&b, NULL), 0);
	assert_int_equal(c.n, b.n);
	for (size_t i = 0; i < b.n; i++) {
		assert_int_equal(c.v[i].day, b.v[i].day);
		assert_int_equal(c.v[i].kind, b.v[i].kind);
		assert_string_equal(c.v[i].name, b.v[i].name);
	}
	free(years);
	cal_free(&c);
	cal_free(&b);
}

static void due_dates_skip_holidays(void **state)
{
	FX;
	int64_t due;
	/* National Day 2025: 1–8 October off; 11 October (a Saturday) worked */
	assert_int_equal(workdays_due(r, day("2025-09-30"), 1, &due), 0);
	assert_string_equal(date(due), "2025-10-09");
	assert_int_equal(workdays_due(r, day("2025-09-30"), 3, &due), 0);
	assert_string_equal(date(due), "2025-10-11");
	int64_t n;
	assert_int_equal(workdays_between(r, day("2025-09-30"), day("2025-10-11"), &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(workdays_covered(r, 2026), 1);
	assert_int_equal(workdays_covered(r, 2027), 0);
	assert_int_equal(workdays_due(r, day("2025-09-30"), -1, &due), WORKDAYS_E_RANGE);
}

static void a_year_not_entered_is_not_guessed(void **state)
{
	FX;
	int64_t due, n;
	assert_int_equal(workdays_due(r, day("2026-12-20"), 20, &due), WORKDAYS_E_UNCOVERED);
	assert_int_equal(workdays_missing_year(r, day("2026-12-21"), due), 2027);
	assert_int_equal(workdays_between(r, day("2026-12-20"), day("2027-01-10"), &n), WORKDAYS_E_UNCOVERED);
	/* within 2026 the same start is fine */
	assert_int_equal(workdays_due(r, day("2026-12-20"), 5, &due), 0);
	assert_int_equal(workdays_missing_year(r, day("2026-01-01"), day("2026-12-31")), 0);
}

static void adding_a_year_covers_it(void **state)
{
	FX;
	const char *tsv = "# 2027, from the notice\n"
			  "date\tkind\tname\n"
			  "2027-01-01\tholiday\t元旦\n"
			  "2027-01-02\tmakeup_workday\t元旦\n";
	struct cal_problem p;
	int64_t due;
	assert_int_equal(workdays_due(r, day("2026-12-31"), 1, &due), WORKDAYS_E_UNCOVERED);
	assert_int_equal(workdays_add_year(r, 2027, "test", tsv, strlen(tsv), &p), 0);
	assert_int_equal(workdays_covered(r, 2027), 1);
	/* 1 January off, 2 January (a Saturday) worked */
	assert_int_equal(workdays_due(r, day("2026-12-31"), 1, &due), 0);
	assert_string_equal(date(due), "2027-01-02");
	assert_int_equal(db_one_int64(f->t.db, 0,
				      "SELECT count(*) FROM audit WHERE entity = 'workday_year' AND "
				      "entity_id = '2027' AND action = 'create'",
				      NULL),
			 1);
	/* entered once */
	assert_int_equal(workdays_add_year(r, 2027, "", tsv, strlen(tsv), &p), WORKDAYS_E_EXISTS);

	/* deleting the make-up day moves the deadline (the cache reloads) */
	assert_int_equal(workdays_delete_day(r, 2027, day("2027-01-02")), 0);
	assert_int_equal(workdays_due(r, day("2026-12-31"), 1, &due), 0);
	assert_string_equal(date(due), "2027-01-04");
	assert_int_equal(workdays_delete_day(r, 2027, day("2027-01-02")), 1);
	/* and adding it back moves it again */
	assert_int_equal(workdays_add_day(r, 2027, "2027-01-02", "makeup_workday", "元旦", &p), 0);
	assert_int_equal(workdays_due(r, day("2026-12-31"), 1, &due), 0);
	assert_string_equal(date(due), "2027-01-02");
	assert_int_equal(workdays_add_day(r, 2027, "2027-01-02", "holiday", "元旦", &p), WORKDAYS_E_INVALID);
	assert_int_equal(p.error, CAL_ERR_CONFLICT);
	assert_int_equal(workdays_add_day(r, 2027, "2026-01-05", "holiday", "x", &p), WORKDAYS_E_OTHER_YEAR);
	assert_int_equal(workdays_add_day(r, 2028, "2028-01-03", "holiday", "x", &p), WORKDAYS_E_UNCOVERED);
}

static void a_bad_paste_saves_nothing(void **state)
{
	FX;
	const char *tsv = "date\tkind\tname\n"
			  "2027-01-01\tholiday\t元旦\n"
			  "2027-01-04\tmakeup_workday\t元旦\n"; /* a Monday */
	struct cal_problem p;
	int64_t gen = db_one_int64(f->t.db, -1, "SELECT count(*) FROM audit", NULL);
	assert_int_equal(workdays_add_year(r, 2027, "", tsv, strlen(tsv), &p), WORKDAYS_E_INVALID);
	assert_int_equal(p.error, CAL_ERR_MAKEUP_WEEKDAY);
	assert_int_equal(p.line, 3);
	assert_string_equal(workdays_problem_text(r, &p), "Line 3: 2027-01-04 is a weekday: a make-up working day "
							  "is a Saturday or a Sunday.");
	const char *other = "date\tkind\tname\n2028-01-01\tholiday\t元旦\n";
	assert_int_equal(workdays_add_year(r, 2027, "", other, strlen(other), &p), WORKDAYS_E_OTHER_YEAR);
	assert_string_equal(date(p.day), "2028-01-01");
	const char *empty = "date\tkind\tname\n";
	assert_int_equal(workdays_add_year(r, 2027, "", empty, strlen(empty), &p), WORKDAYS_E_EMPTY);
	assert_int_equal(db_one_int64(f->t.db, -1, "SELECT count(*) FROM workday_years WHERE year = 2027", NULL), 0);
	assert_int_equal(db_one_int64(f->t.db, -1, "SELECT count(*) FROM workdays WHERE day LIKE '2027-%'", NULL), 0);
	assert_int_equal(db_one_int64(f->t.db, -1, "SELECT count(*) FROM audit", NULL), gen);
	assert_int_equal(workdays_covered(r, 2027), 0);
}

#define TESTS(SETUP)                                                                                    \
	cmocka_unit_test_setup_teardown(migration_holds_the_shipped_calendar, SETUP, fx_teardown),      \
		cmocka_unit_test_setup_teardown(due_dates_skip_holidays, SETUP, fx_teardown),           \
		cmocka_unit_test_setup_teardown(a_year_not_entered_is_not_guessed, SETUP, fx_teardown), \
		cmocka_unit_test_setup_teardown(adding_a_year_covers_it, SETUP, fx_teardown),           \
		cmocka_unit_test_setup_teardown(a_bad_paste_saves_nothing, SETUP, fx_teardown)

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest sqlite_tests[] = {TESTS(sqlite_setup)};
	const struct CMUnitTest pg_tests[] = {TESTS(pg_setup)};
	int failed = cmocka_run_group_tests_name("workdays on SQLite", sqlite_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("workdays on PostgreSQL", pg_tests, NULL, NULL);
	return failed;
}
