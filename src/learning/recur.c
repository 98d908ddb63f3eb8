/* recur.c — the days of a recurring study session ("every Friday from D1
 * to D2"), by the working-day calendar. Pure: no database, no request, so
 * the unit tests check it on the built-in calendar. */
#include "../core/cal.h"
#include "learning.h"

int learn_recur_dates(const struct cal *c, int64_t from, int64_t to, int weekday, int64_t *out, int max)
{
	if (!c || weekday < 1 || weekday > 7 || from > to || max < 0)
		return -1;
	int n = 0;
	/* the first day of that weekday on or after from */
	int64_t d = from + ((weekday - cal_weekday(from)) + 7) % 7;
	for (; d <= to; d += 7) {
		/* a holiday on the weekday is skipped, not moved: the study day
		 * is that weekday's, and a make-up Saturday is not a Friday */
		if (!cal_is_workday(c, d))
			continue;
		if (n == max)
			return -1;
		out[n++] = d;
	}
	return n;
}
