/* fuzz_cal.c — libFuzzer/AFL++ harness for cal_parse (the working-day
 * calendar's text format) and cal_parse_date.
 *
 * Besides the sanitizers, it checks the promises of cal.h: a refused text
 * leaves the calendar empty and names a line within the text; an accepted
 * one is sorted, one entry per day, make-up days on weekends, names valid
 * UTF-8; every entry's date formats and parses back to itself; and
 * deadlines agree with the count of working days. The working-day loops
 * are bounded (n <= 40), so each run stays fast. Seeds:
 * tests/fuzz/corpus/cal (the shipped calendar and small variants). */
#include "fuzz.h"

#include "core/buf.h"
#include "core/cal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the first line also goes to the date parser on its own */
	char *first = NULL, *rest = NULL;
	size_t restlen;
	fuzz_split_line(data, size, &first, &rest, &restlen);
	int64_t day;
	if (cal_parse_date(first, &day) == 0) {
		char s[CAL_DATE_SIZE];
		CHECK(strcmp(cal_format_date(day, s), first) == 0);
	}
	free(first);
	free(rest);

	struct cal c;
	struct cal_problem p;
	char msg[200];
	if (cal_parse((const char *)data, size, &c, &p)) {
		CHECK(c.n == 0 && c.v == NULL);
		CHECK(p.error != CAL_OK && p.line >= 1 && p.line <= size + 1);
		CHECK(strncmp(cal_describe(&p, msg, sizeof msg), "line ", 5) == 0);
		return 0;
	}
	for (size_t i = 0; i < c.n; i++) {
		const struct cal_entry *e = &c.v[i];
		CHECK(i == 0 || c.v[i - 1].day < e->day);
		CHECK(e->kind == CAL_HOLIDAY || (e->kind == CAL_MAKEUP_WORKDAY && cal_weekday(e->day) >= 6));
		size_t n = strlen(e->name);
		CHECK(n >= 1 && n <= CAL_NAME_MAX && utf8_valid(e->name, n));
		char s[CAL_DATE_SIZE];
		int64_t back;
		CHECK(cal_parse_date(cal_format_date(e->day, s), &back) == 0 && back == e->day);
		CHECK(cal_find(&c, e->day) == e);
		int y, m, d;
		cal_civil_from_days(e->day, &y, &m, &d);
		CHECK(cal_covers_year(&c, y));
		CHECK(cal_is_workday(&c, e->day) == (e->kind == CAL_MAKEUP_WORKDAY));
	}
	if (c.n) {
		int64_t from = c.v[0].day - 3, deadline, count;
		for (int n = 1; n <= 40; n++) {
			CHECK(cal_add_workdays(&c, from, n, &deadline) >= 0);
			CHECK(cal_is_workday(&c, deadline));
			cal_count_workdays(&c, from, deadline, &count);
			CHECK(count == n);
		}
	}
	cal_free(&c);
	return 0;
}
