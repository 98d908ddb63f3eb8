/* cal.h — civil dates and the working-day calendar (see cal.c).
 *
 * A date is an int64_t day number: days since 1970-01-01 in the proleptic
 * Gregorian calendar, negative before. Adding days is +, the difference of
 * two dates in days is -. Text dates are YYYY-MM-DD, years 0001..9999.
 *
 * A struct cal holds, per date, the statutory holidays and the make-up
 * working days (調休) of the years it covers; any other day is a working day
 * when it is Monday..Friday. Nothing here touches the database or HTTP. */
#ifndef WM_CAL_H
#define WM_CAL_H

#include <stddef.h>
#include <stdint.h>

#define CAL_YEAR_MIN 1
#define CAL_YEAR_MAX 9999
#define CAL_DAY_MIN (-719162) /* 0001-01-01 */
#define CAL_DAY_MAX 2932896   /* 9999-12-31 */
#define CAL_DATE_SIZE 11      /* "YYYY-MM-DD" and its NUL */
#define CAL_NAME_MAX 63       /* bytes of a holiday's name */
#define CAL_WORKDAYS_MAX 10000 /* about forty years of working days */

/* The calendar shipped in the binary: src/core/cn-workdays.tsv. */
#define CAL_BUILTIN "src/core/cn-workdays.tsv"

/* ---- civil dates ---- */

int cal_is_leap(int y);
/* 28..31, or 0 for a month outside 1..12. */
int cal_days_in_month(int y, int m);
/* 1 when y-m-d is a date of years CAL_YEAR_MIN..CAL_YEAR_MAX. */
int cal_valid(int y, int m, int d);
/* The day number of y-m-d (m 1..12, d 1..31; exact for any year that fits
 * an int) and back. */
int64_t cal_days_from_civil(int y, int m, int d);
void cal_civil_from_days(int64_t day, int *y, int *m, int *d);
/* ISO weekday: 1 Monday .. 7 Sunday. */
int cal_weekday(int64_t day);
/* Strict YYYY-MM-DD (exactly ten characters, a real date): 0 and *day, or
 * -1 and *day untouched. NULL is refused. */
int cal_parse_date(const char *s, int64_t *day);
/* Writes YYYY-MM-DD into out and returns out; out is "" for a day outside
 * CAL_DAY_MIN..CAL_DAY_MAX. */
char *cal_format_date(int64_t day, char out[CAL_DATE_SIZE]);
/* The same calendar day `years` later (or earlier); 29 February becomes 28
 * February in a common year. */
int64_t cal_add_years(int64_t day, int years);
/* Whole years from `from` to `to` (an age on the day `to`). */
int cal_years_between(int64_t from, int64_t to);

/* Unix seconds and dates in the process's time zone, which the `timezone`
 * setting fixes at start-up (config.c sets TZ before any thread starts).
 * The date of the instant t: */
int64_t cal_local_day(int64_t t);
/* The instant h:mi:s on day, or -1 when the C library cannot represent it
 * (mktime's answer, normalising out-of-range fields as mktime does). */
int64_t cal_local_time(int64_t day, int h, int mi, int s);

/* ---- the working-day calendar ---- */

enum cal_kind {
	CAL_HOLIDAY = 1,    /* "holiday": a statutory day off, whatever the weekday */
	CAL_MAKEUP_WORKDAY, /* "makeup_workday": a Saturday or Sunday worked (調休) */
};

struct cal_entry {
	int64_t day;
	enum cal_kind kind;
	char name[CAL_NAME_MAX + 1]; /* the holiday it belongs to, e.g. 春節 */
};

/* Heap-backed: cal_init, then cal_add or cal_parse, then cal_free. Read-only
 * use (every function taking a const struct cal *) is thread-safe. */
struct cal {
	struct cal_entry *v; /* sorted by day, at most one entry per day */
	size_t n, cap;
};

enum cal_error {
	CAL_OK,
	CAL_ERR_HEADER,         /* the first line is not date<TAB>kind<TAB>name */
	CAL_ERR_FIELDS,         /* a line without exactly three tab-separated fields */
	CAL_ERR_DATE,           /* not a YYYY-MM-DD date */
	CAL_ERR_KIND,           /* neither holiday nor makeup_workday */
	CAL_ERR_NAME,           /* empty, longer than CAL_NAME_MAX, not UTF-8, or control characters */
	CAL_ERR_MAKEUP_WEEKDAY, /* a make-up working day on Monday..Friday */
	CAL_ERR_DUPLICATE,      /* the date is already listed with the same kind */
	CAL_ERR_CONFLICT,       /* the date is already listed with the other kind */
	CAL_ERR_MEMORY,
};

/* What was wrong and where: line is 1-based in cal_parse's text, 0 from
 * cal_add; day is the date in question for MAKEUP_WEEKDAY, DUPLICATE and
 * CONFLICT. Callers that show it to users map `error` to the catalog;
 * cal_describe is the English text for logs and tests. */
struct cal_problem {
	enum cal_error error;
	size_t line;
	int64_t day;
};

void cal_init(struct cal *c);
void cal_free(struct cal *c);
/* Adds one row with the same validation as a line of cal_parse: date is
 * YYYY-MM-DD, kind is "holiday" or "makeup_workday", name 1..CAL_NAME_MAX
 * bytes. 0, or -1 with *p filled (when p is not NULL) and c unchanged. */
int cal_add(struct cal *c, const char *date, const char *kind, const char *name, struct cal_problem *p);
/* Builds *out from text in the format of cn-workdays.tsv: '#' comment lines
 * and blank lines anywhere, then the header date<TAB>kind<TAB>name, then one
 * row per line (LF or CRLF; a UTF-8 BOM is skipped). Any bytes are safe.
 * 0, or -1 with *p filled and *out empty (but initialised: cal_free is
 * still fine). */
int cal_parse(const char *text, size_t len, struct cal *out, struct cal_problem *p);
/* cal_parse of the calendar embedded in the binary (CAL_BUILTIN). */
int cal_load_builtin(struct cal *out, struct cal_problem *p);
/* "line 8: 2025-01-28 is listed twice" into out; returns out. */
char *cal_describe(const struct cal_problem *p, char *out, size_t len);

/* The entry of that day (inside c: valid until c changes), or NULL. */
const struct cal_entry *cal_find(const struct cal *c, int64_t day);
/* 1 when the calendar holds any entry in year y: only then are its holidays
 * known. Pages warn about dates in years it does not cover. */
int cal_covers_year(const struct cal *c, int y);
/* 1 for a make-up working day, 0 for a holiday, otherwise 1 for Monday..
 * Friday and 0 for Saturday and Sunday (which is all a year the calendar
 * does not cover can say). */
int cal_is_workday(const struct cal *c, int64_t day);

/* The deadline of "n working days from receipt on day `from`": the day of
 * receipt does not count, the period starts the next day, and the deadline
 * is the n-th working day after `from` (so it is always a working day: a
 * deadline never falls on a holiday). n = 0 gives `from` when it is a
 * working day, else the next working day. 0 with *deadline; 1 with
 * *deadline when a day counted lies in a year the calendar does not cover
 * (counted as weekends only there: say so to the user); -1 when n is
 * outside 0..CAL_WORKDAYS_MAX. */
int cal_add_workdays(const struct cal *c, int64_t from, int n, int64_t *deadline);
/* The working days d with from < d <= to (the convention above: day of
 * receipt excluded, last day included), negated when to < from; so
 * cal_count_workdays(c, from, deadline) is n for the deadline above (n >= 1).
 * 0 with *count; 1 with *count when a day counted lies in a year the
 * calendar does not cover. */
int cal_count_workdays(const struct cal *c, int64_t from, int64_t to, int64_t *count);

#endif
