/* cal.c — the one place where dates are computed: civil dates, and the
 * working days of mainland China's calendar.
 *
 * Civil dates are day numbers (days since 1970-01-01, proleptic Gregorian),
 * converted to and from year, month and day with H. Hinnant's
 * days_from_civil / civil_from_days algorithms, so that the records engine
 * (date fields), the spreadsheet reader (Excel serial dates), the demo data
 * and the cases' deadlines all agree. Unix seconds become dates only in the
 * process's time zone, set once from the `timezone` setting.
 *
 * Working days are Monday..Friday, except the statutory holidays, plus the
 * Saturdays and Sundays worked in exchange (調休, "make-up working days").
 * Both change every year with the State Council's notice, so they are data:
 * a struct cal, built from rows added one by one (cal_add, for the pages
 * that will let admins add next year's) or from text in the format of
 * cn-workdays.tsv (cal_parse; the binary embeds 2025 and 2026). Both paths
 * go through one validation. A year without any entry is not covered: its
 * working days are weekdays only, and every working-day answer says when it
 * had to rely on that, so that a deadline running into an unpublished year
 * is flagged rather than guessed.
 *
 * A deadline of n working days from receipt follows the Chinese
 * administrative convention: the day of receipt does not count, the period
 * starts the next day, and a deadline that would fall on a day off moves to
 * the next working day; counting working days makes the n-th working day
 * after receipt the deadline (docs/DECISIONS.md, "Working days").
 *
 * No HTTP, no SQL, no global state: a calendar is a value its owner frees. */
#include "cal.h"
#include "buf.h"
#include "embed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- civil dates ---- */

int cal_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cal_days_in_month(int y, int m)
{
	static const unsigned char days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return days[m - 1] + (m == 2 && cal_is_leap(y));
}

int cal_valid(int y, int m, int d)
{
	return y >= CAL_YEAR_MIN && y <= CAL_YEAR_MAX && d >= 1 && d <= cal_days_in_month(y, m);
}

/* Counts in 400-year eras of 146097 days from 0000-03-01, so that the leap
 * day ends each year; 719468 is the day number of 0000-03-01 below 1970. */
int64_t cal_days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;                                  /* 0..399 */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
	return era * 146097 + doe - 719468;
}

void cal_civil_from_days(int64_t day, int *y, int *m, int *d)
{
	int64_t z = day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int cal_weekday(int64_t day)
{
	int64_t w = (day + 3) % 7; /* 1970-01-01 was a Thursday: 3 counting Monday as 0 */
	return (int)(w < 0 ? w + 7 : w) + 1;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* s[0..n) need not be NUL-terminated (a field of a TSV line). */
static int parse_date(const char *s, size_t n, int64_t *day)
{
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (!cal_valid(y, m, d))
		return -1;
	*day = cal_days_from_civil(y, m, d);
	return 0;
}

int cal_parse_date(const char *s, int64_t *day)
{
	return s ? parse_date(s, strlen(s), day) : -1;
}

static void put_digits(char *out, int v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		out[i] = (char)('0' + v % 10);
}

char *cal_format_date(int64_t day, char out[CAL_DATE_SIZE])
{
	out[0] = 0;
	if (day < CAL_DAY_MIN || day > CAL_DAY_MAX)
		return out;
	int y, m, d;
	cal_civil_from_days(day, &y, &m, &d);
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = 0;
	return out;
}

int64_t cal_add_years(int64_t day, int years)
{
	int y, m, d;
	cal_civil_from_days(day, &y, &m, &d);
	return cal_days_from_civil(y + years, m, m == 2 && d == 29 && !cal_is_leap(y + years) ? 28 : d);
}

int cal_years_between(int64_t from, int64_t to)
{
	int y1, m1, d1, y2, m2, d2;
	cal_civil_from_days(from, &y1, &m1, &d1);
	cal_civil_from_days(to, &y2, &m2, &d2);
	return y2 - y1 - (m2 < m1 || (m2 == m1 && d2 < d1));
}

int64_t cal_local_day(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm)) /* beyond what the C library represents: the UTC date */
		return t / 86400 - (t % 86400 < 0);
	return cal_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int64_t cal_local_time(int64_t day, int h, int mi, int s)
{
	int y, m, d;
	cal_civil_from_days(day, &y, &m, &d);
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s,
			.tm_isdst = -1};
	return (int64_t)mktime(&tm);
}

/* ---- the calendar ---- */

void cal_init(struct cal *c)
{
	memset(c, 0, sizeof *c);
}

void cal_free(struct cal *c)
{
	free(c->v);
	cal_init(c);
}

/* The index of the first entry on or after day. */
static size_t lower_bound(const struct cal *c, int64_t day)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->v[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int fail(struct cal_problem *p, enum cal_error e, int64_t day)
{
	if (p) {
		p->error = e;
		p->line = 0;
		p->day = day;
	}
	return -1;
}

static int valid_name(const char *s, size_t n)
{
	if (n == 0 || n > CAL_NAME_MAX || !utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* cal_add on fields that need not be NUL-terminated. */
static int add_row(struct cal *c, const char *date, size_t dn, const char *kind, size_t kn, const char *name,
		   size_t nn, struct cal_problem *p)
{
	int64_t day;
	if (parse_date(date, dn, &day))
		return fail(p, CAL_ERR_DATE, 0);
	enum cal_kind k;
	if (kn == 7 && !memcmp(kind, "holiday", 7))
		k = CAL_HOLIDAY;
	else if (kn == 14 && !memcmp(kind, "makeup_workday", 14))
		k = CAL_MAKEUP_WORKDAY;
	else
		return fail(p, CAL_ERR_KIND, 0);
	if (!valid_name(name, nn))
		return fail(p, CAL_ERR_NAME, 0);
	/* a make-up working day on a weekday would change nothing: a typo */
	if (k == CAL_MAKEUP_WORKDAY && cal_weekday(day) <= 5)
		return fail(p, CAL_ERR_MAKEUP_WEEKDAY, day);
	size_t i = lower_bound(c, day);
	if (i < c->n && c->v[i].day == day)
		return fail(p, c->v[i].kind == k ? CAL_ERR_DUPLICATE : CAL_ERR_CONFLICT, day);
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct cal_entry *v = realloc(c->v, cap * sizeof *v);
		if (!v)
			return fail(p, CAL_ERR_MEMORY, 0);
		c->v = v;
		c->cap = cap;
	}
	memmove(&c->v[i + 1], &c->v[i], (c->n - i) * sizeof *c->v);
	struct cal_entry *e = &c->v[i];
	e->day = day;
	e->kind = k;
	memcpy(e->name, name, nn);
	e->name[nn] = 0;
	c->n++;
	return 0;
}

int cal_add(struct cal *c, const char *date, const char *kind, const char *name, struct cal_problem *p)
{
	return add_row(c, date ? date : "", date ? strlen(date) : 0, kind ? kind : "", kind ? strlen(kind) : 0,
		       name ? name : "", name ? strlen(name) : 0, p);
}

int cal_parse(const char *text, size_t len, struct cal *out, struct cal_problem *p)
{
	cal_init(out);
	const char *s = text, *end = text + len;
	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	int header = 0;
	size_t line = 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		const char *next = nl ? nl + 1 : end;
		line++;
		if (e > s && e[-1] == '\r')
			e--;
		size_t n = (size_t)(e - s);
		int rc = 0;
		if (n == 0 || s[0] == '#') {
			/* comments and blank lines */
		} else if (!header) {
			header = 1;
			if (n != 14 || memcmp(s, "date\tkind\tname", 14))
				rc = fail(p, CAL_ERR_HEADER, 0);
		} else {
			const char *t1 = memchr(s, '\t', n);
			const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(e - t1 - 1)) : NULL;
			if (!t2 || memchr(t2 + 1, '\t', (size_t)(e - t2 - 1)))
				rc = fail(p, CAL_ERR_FIELDS, 0);
			else
				rc = add_row(out, s, (size_t)(t1 - s), t1 + 1, (size_t)(t2 - t1 - 1), t2 + 1,
					     (size_t)(e - t2 - 1), p);
		}
		if (rc) {
			if (p)
				p->line = line;
			cal_free(out);
			return -1;
		}
		s = next;
	}
	if (!header) {
		cal_free(out);
		fail(p, CAL_ERR_HEADER, 0);
		if (p)
			p->line = line + 1;
		return -1;
	}
	return 0;
}

int cal_load_builtin(struct cal *out, struct cal_problem *p)
{
	const struct embed_file *f = embed_find(CAL_BUILTIN);
	return cal_parse(f ? (const char *)f->data : "", f ? f->len : 0, out, p);
}

char *cal_describe(const struct cal_problem *p, char *out, size_t len)
{
	char where[32] = "", date[CAL_DATE_SIZE];
	if (p->line)
		snprintf(where, sizeof where, "line %zu: ", p->line);
	cal_format_date(p->day, date);
	switch (p->error) {
	case CAL_OK: snprintf(out, len, "%sno problem", where); break;
	case CAL_ERR_HEADER: snprintf(out, len, "%sexpected the header date<TAB>kind<TAB>name", where); break;
	case CAL_ERR_FIELDS:
		snprintf(out, len, "%sexpected three fields separated by tabs: date, kind, name", where);
		break;
	case CAL_ERR_DATE: snprintf(out, len, "%sthe date is not a valid YYYY-MM-DD date", where); break;
	case CAL_ERR_KIND: snprintf(out, len, "%sthe kind must be holiday or makeup_workday", where); break;
	case CAL_ERR_NAME:
		snprintf(out, len, "%sthe name must be 1 to %d bytes of UTF-8 text without control characters", where,
			 CAL_NAME_MAX);
		break;
	case CAL_ERR_MAKEUP_WEEKDAY:
		snprintf(out, len, "%s%s is a weekday: a make-up working day is a Saturday or Sunday", where, date);
		break;
	case CAL_ERR_DUPLICATE: snprintf(out, len, "%s%s is listed twice", where, date); break;
	case CAL_ERR_CONFLICT:
		snprintf(out, len, "%s%s is listed both as a holiday and as a make-up working day", where, date);
		break;
	case CAL_ERR_MEMORY: snprintf(out, len, "%sout of memory", where); break;
	}
	return out;
}

/* ---- working days ---- */

const struct cal_entry *cal_find(const struct cal *c, int64_t day)
{
	size_t i = lower_bound(c, day);
	return i < c->n && c->v[i].day == day ? &c->v[i] : NULL;
}

int cal_covers_year(const struct cal *c, int y)
{
	size_t i = lower_bound(c, cal_days_from_civil(y, 1, 1));
	return i < c->n && c->v[i].day <= cal_days_from_civil(y, 12, 31);
}

int cal_is_workday(const struct cal *c, int64_t day)
{
	const struct cal_entry *e = cal_find(c, day);
	if (e)
		return e->kind == CAL_MAKEUP_WORKDAY;
	return cal_weekday(day) <= 5;
}

/* 1 when some day of lo..hi lies in a year the calendar does not cover. */
static int uncovered(const struct cal *c, int64_t lo, int64_t hi)
{
	if (lo > hi)
		return 0;
	int y1, y2, m, d;
	cal_civil_from_days(lo, &y1, &m, &d);
	cal_civil_from_days(hi, &y2, &m, &d);
	for (int y = y1; y <= y2; y++)
		if (!cal_covers_year(c, y))
			return 1;
	return 0;
}

int cal_add_workdays(const struct cal *c, int64_t from, int n, int64_t *deadline)
{
	if (n < 0 || n > CAL_WORKDAYS_MAX)
		return -1;
	/* n = 0 looks at the day of receipt itself: the same rule as a period
	 * of days whose end falls on a day off */
	int64_t d = n ? from : from - 1;
	for (int k = 0; k < (n ? n : 1);)
		k += cal_is_workday(c, ++d);
	*deadline = d;
	return uncovered(c, n ? from + 1 : from, d);
}

int cal_count_workdays(const struct cal *c, int64_t from, int64_t to, int64_t *count)
{
	int sign = 1;
	if (to < from) {
		int64_t t = from;
		from = to;
		to = t;
		sign = -1;
	}
	/* Monday..Friday in (from, to] by whole weeks, then the entries in it */
	int64_t lo = from + 1, days = to - from, n = days / 7 * 5;
	for (int64_t d = lo + days / 7 * 7; d <= to; d++)
		n += cal_weekday(d) <= 5;
	for (size_t i = lower_bound(c, lo); i < c->n && c->v[i].day <= to; i++)
		n += cal_is_workday(c, c->v[i].day) - (cal_weekday(c->v[i].day) <= 5);
	*count = sign * n;
	return uncovered(c, lo, to);
}
