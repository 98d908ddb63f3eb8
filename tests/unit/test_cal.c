/* test_cal.c — civil dates (round trips over ten thousand years, leap
 * years, strict parsing, local time), the calendar's parser and row builder
 * with their messages, and working days over the 2025 and 2026 holidays
 * shipped in the binary, checked against counts made by hand from the
 * State Council's notices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/cal.h"

static int64_t D(const char *s)
{
	int64_t day = INT64_MIN;
	if (cal_parse_date(s, &day))
		fail_msg("not a date: %s", s);
	return day;
}

/* ---- civil dates ---- */

static void every_day_of_years_1_to_9999_round_trips(void **state)
{
	int y = 1, m = 1, d = 1;
	char s[CAL_DATE_SIZE], want[64];
	assert_int_equal(cal_days_from_civil(1, 1, 1), CAL_DAY_MIN);
	for (int64_t day = CAL_DAY_MIN; day <= CAL_DAY_MAX; day++) {
		int yy, mm, dd;
		cal_civil_from_days(day, &yy, &mm, &dd);
		if (yy != y || mm != m || dd != d)
			fail_msg("day %lld is %d-%d-%d, expected %d-%d-%d", (long long)day, yy, mm, dd, y, m, d);
		assert_int_equal(cal_days_from_civil(y, m, d), day);
		snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
		assert_string_equal(cal_format_date(day, s), want);
		int64_t back;
		assert_int_equal(cal_parse_date(s, &back), 0);
		assert_int_equal(back, day);
		/* the next day, counted without the conversions */
		if (d < cal_days_in_month(y, m))
			d++;
		else if (m < 12)
			m++, d = 1;
		else
			y++, m = 1, d = 1;
	}
	assert_int_equal(y, 10000);
	assert_string_equal(cal_format_date(CAL_DAY_MAX, s), "9999-12-31");
	assert_string_equal(cal_format_date(CAL_DAY_MAX + 1, s), "");
	assert_string_equal(cal_format_date(CAL_DAY_MIN - 1, s), "");
}

static void known_days_and_weekdays(void **state)
{
	assert_int_equal(D("1970-01-01"), 0);
	assert_int_equal(D("2000-03-01"), 11017);
	assert_int_equal(D("1900-01-01"), -25567);
	assert_int_equal(cal_weekday(0), 4);                   /* Thursday */
	assert_int_equal(cal_weekday(D("2000-01-01")), 6);     /* Saturday */
	assert_int_equal(cal_weekday(D("2026-10-01")), 4);     /* Thursday */
	assert_int_equal(cal_weekday(D("1969-12-29")), 1);     /* Monday, before 1970 */
	assert_int_equal(cal_weekday(D("0001-01-01")), 1);     /* Monday, proleptic */
	assert_int_equal(D("2026-10-12") - D("2026-09-29"), 13); /* a difference in days is a subtraction */
	/* before year 1, for arithmetic only */
	int y, m, d;
	cal_civil_from_days(cal_days_from_civil(-400, 2, 29), &y, &m, &d);
	assert_true(y == -400 && m == 2 && d == 29);
}

static void leap_years_follow_the_gregorian_rule(void **state)
{
	assert_true(cal_is_leap(2000) && cal_is_leap(2024) && cal_is_leap(1600) && cal_is_leap(2028));
	assert_false(cal_is_leap(1900) || cal_is_leap(2100) || cal_is_leap(2025) || cal_is_leap(2026));
	assert_int_equal(cal_days_in_month(2024, 2), 29);
	assert_int_equal(cal_days_in_month(1900, 2), 28);
	assert_int_equal(cal_days_in_month(2026, 4), 30);
	assert_int_equal(cal_days_in_month(2026, 13), 0);
	assert_int_equal(D("2001-01-01") - D("2000-01-01"), 366);
	assert_int_equal(D("1901-01-01") - D("1900-01-01"), 365);
	int64_t day;
	assert_int_equal(cal_parse_date("2000-02-29", &day), 0);
	assert_int_equal(cal_parse_date("2100-02-29", &day), -1);
	assert_int_equal(cal_parse_date("1900-02-29", &day), -1);
}

static void invalid_dates_are_refused(void **state)
{
	static const char *bad[] = {
		"2025-02-29", "2025-13-01", "2025-00-10", "2025-01-00", "2025-04-31", "2025-01-32",
		"0000-01-01", "2025-1-01",  "2025/01/01", " 2025-01-01", "2025-01-01 ", "2025-01-011",
		"",           "2025-01-0a", "+025-01-01", "-025-01-01", "２０２５-01-01", "2025-01-01T00:00",
		"20250101",   "2025--01-1",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t day = 42;
		if (cal_parse_date(bad[i], &day) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(day, 42);
	}
	int64_t day;
	assert_int_equal(cal_parse_date(NULL, &day), -1);
	assert_false(cal_valid(10000, 1, 1) || cal_valid(0, 1, 1) || cal_valid(2025, 2, 29));
	assert_true(cal_valid(9999, 12, 31) && cal_valid(1, 1, 1));
}

static void years_are_added_and_counted_as_on_a_birthday(void **state)
{
	char s[CAL_DATE_SIZE];
	assert_string_equal(cal_format_date(cal_add_years(D("2008-02-29"), 18), s), "2026-02-28");
	assert_string_equal(cal_format_date(cal_add_years(D("2008-02-29"), 4), s), "2012-02-29");
	assert_string_equal(cal_format_date(cal_add_years(D("2031-05-17"), -5), s), "2026-05-17");
	assert_int_equal(cal_years_between(D("1990-10-01"), D("2026-09-30")), 35);
	assert_int_equal(cal_years_between(D("1990-10-01"), D("2026-10-01")), 36);
	assert_int_equal(cal_years_between(D("2008-02-29"), D("2026-02-28")), 17);
	assert_int_equal(cal_years_between(D("2008-02-29"), D("2026-03-01")), 18);
}

static void local_time_is_the_process_zone(void **state)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	/* 2026-01-01 00:00 in Shanghai is 2025-12-31 16:00 UTC */
	assert_int_equal(cal_local_day(1767196800), D("2026-01-01"));
	assert_int_equal(cal_local_day(1767196799), D("2025-12-31"));
	assert_int_equal(cal_local_day(0), 0);
	assert_int_equal(cal_local_time(D("2026-01-01"), 0, 0, 0), 1767196800);
	assert_int_equal(cal_local_time(D("2026-01-01"), 8, 30, 15), 1767196800 + 8 * 3600 + 30 * 60 + 15);
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(cal_local_day(1767196800), D("2025-12-31"));
	assert_int_equal(cal_local_day(-1), -1);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

/* ---- the parser and the row builder ---- */

#define HEADER "date\tkind\tname\n"

static void expect_problem(const char *text, size_t len, const char *message)
{
	struct cal c;
	struct cal_problem p;
	char got[200];
	if (cal_parse(text, len, &c, &p) != -1)
		fail_msg("accepted:\n%s", text);
	assert_int_equal(c.n, 0);
	assert_null(c.v);
	assert_string_equal(cal_describe(&p, got, sizeof got), message);
	cal_free(&c);
}

#define PROBLEM(text, message) expect_problem(text, sizeof text - 1, message)

static void parser_reports_the_line_and_the_problem(void **state)
{
	PROBLEM("", "line 1: expected the header date<TAB>kind<TAB>name");
	PROBLEM("# only a comment\n", "line 2: expected the header date<TAB>kind<TAB>name");
	PROBLEM("date,kind,name\n2025-01-01,holiday,元旦\n", "line 1: expected the header date<TAB>kind<TAB>name");
	PROBLEM("# c\n\n2025-01-01\tholiday\t元旦\n", "line 3: expected the header date<TAB>kind<TAB>name");
	PROBLEM(HEADER "2025-01-01\tholiday\n", "line 2: expected three fields separated by tabs: date, kind, name");
	PROBLEM(HEADER "2025-01-01\tholiday\t元旦\tx\n",
		"line 2: expected three fields separated by tabs: date, kind, name");
	PROBLEM(HEADER "2025-01-01 holiday 元旦\n",
		"line 2: expected three fields separated by tabs: date, kind, name");
	PROBLEM(HEADER "# 2025\n2025-01-01\tholiday\t元旦\n2025-02-29\tholiday\t春節\n",
		"line 4: the date is not a valid YYYY-MM-DD date");
	PROBLEM(HEADER "2025-1-1\tholiday\t元旦\n", "line 2: the date is not a valid YYYY-MM-DD date");
	PROBLEM(HEADER "2025-01-01\tday_off\t元旦\n", "line 2: the kind must be holiday or makeup_workday");
	PROBLEM(HEADER "2025-01-01\tHoliday\t元旦\n", "line 2: the kind must be holiday or makeup_workday");
	PROBLEM(HEADER "2025-01-01\tholiday\t\n",
		"line 2: the name must be 1 to 63 bytes of UTF-8 text without control characters");
	PROBLEM(HEADER "2025-01-01\tholiday\t元\x01旦\n",
		"line 2: the name must be 1 to 63 bytes of UTF-8 text without control characters");
	PROBLEM(HEADER "2025-01-01\tholiday\t\xe5\x85\n",
		"line 2: the name must be 1 to 63 bytes of UTF-8 text without control characters");
	PROBLEM(HEADER "2025-01-01\tholiday\t" "0123456789012345678901234567890123456789012345678901234567890123\n",
		"line 2: the name must be 1 to 63 bytes of UTF-8 text without control characters");
	PROBLEM(HEADER "2025-01-02\tmakeup_workday\t元旦\n",
		"line 2: 2025-01-02 is a weekday: a make-up working day is a Saturday or Sunday");
	PROBLEM(HEADER "2025-01-01\tholiday\t元旦\n# again\n\n2025-01-01\tholiday\t元旦\n",
		"line 5: 2025-01-01 is listed twice");
	PROBLEM(HEADER "2025-01-26\tmakeup_workday\t春節\n2025-01-26\tholiday\t春節\n",
		"line 3: 2025-01-26 is listed both as a holiday and as a make-up working day");
	PROBLEM(HEADER "2025-01-26\tholiday\t春節\r\n2025-01-26\tmakeup_workday\t春節\r\n",
		"line 3: 2025-01-26 is listed both as a holiday and as a make-up working day");
	/* a NUL byte does not end a field early */
	PROBLEM(HEADER "2025-01-01\0\tholiday\t元旦\n", "line 2: the date is not a valid YYYY-MM-DD date");
	PROBLEM(HEADER "2025-01-01\tholiday\t元旦\0\n",
		"line 2: the name must be 1 to 63 bytes of UTF-8 text without control characters");
}

static void parser_takes_comments_crlf_bom_and_any_order(void **state)
{
	static const char text[] = "\xEF\xBB\xBF# a comment\r\n\r\ndate\tkind\tname\r\n"
				   "2026-10-01\tholiday\t國慶節\r\n"
				   "# between rows\n"
				   "2026-09-20\tmakeup_workday\t國慶節\n"
				   "2026-01-01\tholiday\t元旦"; /* no newline at the end */
	struct cal c;
	struct cal_problem p = {CAL_ERR_MEMORY, 9, 9};
	assert_int_equal(cal_parse(text, sizeof text - 1, &c, &p), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.v[0].day, D("2026-01-01"));
	assert_int_equal(c.v[1].day, D("2026-09-20"));
	assert_int_equal(c.v[1].kind, CAL_MAKEUP_WORKDAY);
	assert_string_equal(c.v[1].name, "國慶節");
	assert_int_equal(c.v[2].day, D("2026-10-01"));
	assert_int_equal(c.v[2].kind, CAL_HOLIDAY);
	cal_free(&c);
	assert_int_equal(cal_parse(HEADER, sizeof HEADER - 1, &c, &p), 0);
	assert_int_equal(c.n, 0);
	assert_false(cal_covers_year(&c, 2026));
	cal_free(&c);
}

static void rows_added_one_by_one_are_validated_like_lines(void **state)
{
	struct cal c;
	struct cal_problem p;
	char msg[200];
	cal_init(&c);
	assert_int_equal(cal_add(&c, "2027-10-01", "holiday", "國慶節", &p), 0);
	assert_int_equal(cal_add(&c, "2027-09-26", "makeup_workday", "國慶節", &p), 0);
	assert_true(cal_covers_year(&c, 2027));
	assert_int_equal(cal_add(&c, "2027-10-01", "holiday", "國慶節", &p), -1);
	assert_string_equal(cal_describe(&p, msg, sizeof msg), "2027-10-01 is listed twice");
	assert_int_equal(cal_add(&c, "2027-09-26", "holiday", "國慶節", &p), -1);
	assert_string_equal(cal_describe(&p, msg, sizeof msg),
			    "2027-09-26 is listed both as a holiday and as a make-up working day");
	assert_int_equal(cal_add(&c, "2027-10-04", "makeup_workday", "國慶節", &p), -1);
	assert_int_equal(p.error, CAL_ERR_MAKEUP_WEEKDAY);
	assert_int_equal(p.line, 0);
	assert_int_equal(cal_add(&c, "2027-02-29", "holiday", "春節", &p), -1);
	assert_int_equal(p.error, CAL_ERR_DATE);
	assert_int_equal(cal_add(&c, NULL, "holiday", "春節", &p), -1);
	assert_int_equal(p.error, CAL_ERR_DATE);
	assert_int_equal(cal_add(&c, "2027-02-06", NULL, "春節", &p), -1);
	assert_int_equal(p.error, CAL_ERR_KIND);
	assert_int_equal(cal_add(&c, "2027-02-06", "holiday", NULL, NULL), -1);
	/* refused rows changed nothing */
	assert_int_equal(c.n, 2);
	assert_int_equal(c.v[0].day, D("2027-09-26"));
	assert_int_equal(c.v[1].day, D("2027-10-01"));
	assert_null(cal_find(&c, D("2027-10-04")));
	assert_string_equal(cal_find(&c, D("2027-10-01"))->name, "國慶節");
	/* many rows in any order stay sorted */
	for (int64_t d = D("2030-12-31"); d >= D("2030-01-01"); d--)
		assert_int_equal(cal_add(&c, cal_format_date(d, msg), "holiday", "x", &p), 0);
	assert_int_equal(c.n, 2 + 365);
	for (size_t i = 1; i < c.n; i++)
		assert_true(c.v[i - 1].day < c.v[i].day);
	cal_free(&c);
	assert_int_equal(c.n, 0);
}

/* ---- working days over the data shipped ---- */

static int cal_setup(void **state)
{
	struct cal *c = malloc(sizeof *c);
	struct cal_problem p;
	char msg[200];
	if (!c)
		return -1;
	if (cal_load_builtin(c, &p)) {
		fprintf(stderr, "%s: %s\n", CAL_BUILTIN, cal_describe(&p, msg, sizeof msg));
		free(c);
		return -1;
	}
	*state = c;
	return 0;
}

static int cal_teardown(void **state)
{
	cal_free(*state);
	free(*state);
	return 0;
}

static void builtin_calendar_covers_2025_and_2026(void **state)
{
	struct cal *c = *state;
	assert_int_equal(c->n, 72);
	assert_true(cal_covers_year(c, 2025) && cal_covers_year(c, 2026));
	assert_false(cal_covers_year(c, 2024) || cal_covers_year(c, 2027));
	const struct cal_entry *e = cal_find(c, D("2026-02-17"));
	assert_non_null(e);
	assert_int_equal(e->kind, CAL_HOLIDAY);
	assert_string_equal(e->name, "春節");
}

static void spring_festival_and_national_day_are_days_off(void **state)
{
	struct cal *c = *state;
	/* 2025: 1-28..2-4 off, Sunday 1-26 and Saturday 2-8 worked */
	for (int64_t d = D("2025-01-28"); d <= D("2025-02-04"); d++)
		assert_false(cal_is_workday(c, d));
	assert_true(cal_is_workday(c, D("2025-01-26")) && cal_is_workday(c, D("2025-02-08")));
	assert_true(cal_is_workday(c, D("2025-01-27")) && cal_is_workday(c, D("2025-02-05")));
	assert_false(cal_is_workday(c, D("2025-02-09"))); /* an ordinary Sunday */
	/* 2025: 10-1..10-8 off, Sunday 9-28 and Saturday 10-11 worked */
	for (int64_t d = D("2025-10-01"); d <= D("2025-10-08"); d++)
		assert_false(cal_is_workday(c, d));
	assert_true(cal_is_workday(c, D("2025-09-28")) && cal_is_workday(c, D("2025-10-11")));
	/* 2026: 2-15..2-23 off, Saturdays 2-14 and 2-28 worked */
	for (int64_t d = D("2026-02-15"); d <= D("2026-02-23"); d++)
		assert_false(cal_is_workday(c, d));
	assert_true(cal_is_workday(c, D("2026-02-14")) && cal_is_workday(c, D("2026-02-28")));
	/* 2026: Mid-Autumn 9-25..9-27, National Day 10-1..10-7; Sunday 9-20 and Saturday 10-10 worked */
	assert_false(cal_is_workday(c, D("2026-09-25")));
	for (int64_t d = D("2026-10-01"); d <= D("2026-10-07"); d++)
		assert_false(cal_is_workday(c, d));
	assert_true(cal_is_workday(c, D("2026-09-20")) && cal_is_workday(c, D("2026-10-10")));
	assert_true(cal_is_workday(c, D("2026-10-08")));
}

static void expect_deadline(const struct cal *c, const char *from, int n, const char *want, int want_rc)
{
	int64_t d = 0;
	char s[CAL_DATE_SIZE];
	int rc = cal_add_workdays(c, D(from), n, &d);
	if (rc != want_rc || d != D(want))
		fail_msg("%d working days from %s: %s (%d), expected %s (%d)", n, from, cal_format_date(d, s), rc, want,
			 want_rc);
}

static void deadlines_count_from_the_day_after_receipt(void **state)
{
	struct cal *c = *state;
	/* received Tuesday 2026-09-29: Wed 9-30 (1), 10-1..10-7 off, Thu 10-8 (2),
	 * Fri 10-9 (3), Saturday make-up 10-10 (4), Sun 10-11 off, Mon 10-12 (5) */
	expect_deadline(c, "2026-09-29", 5, "2026-10-12", 0);
	expect_deadline(c, "2026-09-29", 1, "2026-09-30", 0);
	expect_deadline(c, "2026-09-29", 2, "2026-10-08", 0);
	/* received Friday 2026-09-18: Sunday make-up 9-20 (1), 9-21..9-24 (2..5) */
	expect_deadline(c, "2026-09-18", 5, "2026-09-24", 0);
	/* received on a holiday: the next working day is day 1 */
	expect_deadline(c, "2026-10-03", 1, "2026-10-08", 0);
	/* received Friday 2026-02-13: Saturday make-up 2-14 (1), 2-15..2-23 off, 2-24 (2), 2-25 (3) */
	expect_deadline(c, "2026-02-13", 3, "2026-02-25", 0);
	/* received Friday 2025-01-24: Sunday make-up 1-26 (1), Mon 1-27 (2), 1-28..2-4 off,
	 * 2-5, 2-6, 2-7 (3..5), Saturday make-up 2-8 (6), Sun 2-9 off, 2-10..2-13 (7..10) */
	expect_deadline(c, "2025-01-24", 5, "2025-02-07", 0);
	expect_deadline(c, "2025-01-24", 10, "2025-02-13", 0);
	/* received Tuesday 2025-09-30: 10-1..10-8 off, 10-9 (1), 10-10 (2), Saturday make-up 10-11 (3) */
	expect_deadline(c, "2025-09-30", 3, "2025-10-11", 0);
	/* n = 0: the day itself if it is a working day, else the next one */
	expect_deadline(c, "2026-09-30", 0, "2026-09-30", 0);
	expect_deadline(c, "2026-10-01", 0, "2026-10-08", 0);
	int64_t d = 0;
	assert_int_equal(cal_add_workdays(c, D("2026-09-29"), -1, &d), -1);
	assert_int_equal(cal_add_workdays(c, D("2026-09-29"), CAL_WORKDAYS_MAX + 1, &d), -1);
	assert_int_equal(d, 0);
}

static void a_deadline_in_a_year_without_data_is_flagged(void **state)
{
	struct cal *c = *state;
	/* Wed 2026-12-30: Thu 12-31 (1), then 2027, known only by its weekends:
	 * Fri 1-1 (2), Mon 1-4 (3) */
	expect_deadline(c, "2026-12-30", 3, "2027-01-04", 1);
	expect_deadline(c, "2026-12-30", 1, "2026-12-31", 0);
	expect_deadline(c, "2024-12-31", 1, "2025-01-02", 0);
	expect_deadline(c, "2024-12-30", 1, "2024-12-31", 1);
	int64_t n = 0;
	assert_int_equal(cal_count_workdays(c, D("2026-12-30"), D("2027-01-04"), &n), 1);
	assert_int_equal(n, 3);
}

static void working_days_are_counted_between_two_dates(void **state)
{
	struct cal *c = *state;
	int64_t n = -1;
	/* 261 weekdays each year; 2025: 18 of them holidays and 5 make-up days;
	 * 2026: 19 and 6 (counted by hand from the notices) */
	assert_int_equal(cal_count_workdays(c, D("2024-12-31"), D("2025-12-31"), &n), 0);
	assert_int_equal(n, 248);
	assert_int_equal(cal_count_workdays(c, D("2025-12-31"), D("2026-12-31"), &n), 0);
	assert_int_equal(n, 248);
	assert_int_equal(cal_count_workdays(c, D("2026-09-29"), D("2026-10-12"), &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(cal_count_workdays(c, D("2026-10-12"), D("2026-09-29"), &n), 0);
	assert_int_equal(n, -5);
	assert_int_equal(cal_count_workdays(c, D("2026-10-12"), D("2026-10-12"), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(cal_count_workdays(c, D("2026-10-01"), D("2026-10-07"), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(cal_count_workdays(c, D("2023-12-31"), D("2024-12-31"), &n), 1);
	assert_int_equal(n, 262); /* 2024 without its holidays: weekdays only */
	/* the count agrees with the deadline, day by day, over both years */
	for (int64_t from = D("2025-01-01"); from <= D("2026-11-15"); from++)
		for (int k = 1; k <= 25; k++) {
			int64_t dl, cnt;
			assert_int_equal(cal_add_workdays(c, from, k, &dl), 0);
			assert_true(cal_is_workday(c, dl));
			assert_int_equal(cal_count_workdays(c, from, dl, &cnt), 0);
			assert_int_equal(cnt, k);
			assert_int_equal(cal_count_workdays(c, from, dl - 1, &cnt), 0);
			assert_int_equal(cnt, k - 1);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_day_of_years_1_to_9999_round_trips),
		cmocka_unit_test(known_days_and_weekdays),
		cmocka_unit_test(leap_years_follow_the_gregorian_rule),
		cmocka_unit_test(invalid_dates_are_refused),
		cmocka_unit_test(years_are_added_and_counted_as_on_a_birthday),
		cmocka_unit_test(local_time_is_the_process_zone),
		cmocka_unit_test(parser_reports_the_line_and_the_problem),
		cmocka_unit_test(parser_takes_comments_crlf_bom_and_any_order),
		cmocka_unit_test(rows_added_one_by_one_are_validated_like_lines),
		cmocka_unit_test_setup_teardown(builtin_calendar_covers_2025_and_2026, cal_setup, cal_teardown),
		cmocka_unit_test_setup_teardown(spring_festival_and_national_day_are_days_off, cal_setup, cal_teardown),
		cmocka_unit_test_setup_teardown(deadlines_count_from_the_day_after_receipt, cal_setup, cal_teardown),
		cmocka_unit_test_setup_teardown(a_deadline_in_a_year_without_data_is_flagged, cal_setup, cal_teardown),
		cmocka_unit_test_setup_teardown(working_days_are_counted_between_two_dates, cal_setup, cal_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
