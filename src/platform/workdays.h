/* workdays.h — the working-day calendar kept in the database.
 *
 * The calendar itself (dates, holidays, make-up working days, counting) is
 * core/cal.h; this is where it comes from: the tables workday_years (the
 * years covered: their holidays were published and entered) and workdays
 * (migration 012). A process keeps one loaded copy, reloaded when meta's
 * workdays_gen changes (every edit below sets it to a new random value), so
 * a deadline costs one indexed read of meta and the count itself.
 *
 * Working days in a year that is not covered are not guessed: the answers
 * below say WORKDAYS_E_UNCOVERED, and the caller tells the user which year
 * is missing ("no working-day calendar for 2027 yet"). */
#ifndef WM_WORKDAYS_H
#define WM_WORKDAYS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/cal.h"
#include "../core/i18n.h"

struct req;
struct db;

/* Error codes besides the DB_E_* ones (db.h), which they do not overlap. */
enum {
	WORKDAYS_E_UNCOVERED = -20,  /* the count runs into a year that is not covered */
	WORKDAYS_E_RANGE = -21,      /* n outside 0..CAL_WORKDAYS_MAX, or a day outside the calendar */
	WORKDAYS_E_INVALID = -22,    /* a row or a paste refused by cal's validation (see the problem) */
	WORKDAYS_E_EXISTS = -23,     /* the year is covered already */
	WORKDAYS_E_EMPTY = -24,      /* a year pasted without a single row */
	WORKDAYS_E_OTHER_YEAR = -25, /* a row dated in another year than the one added */
};

#define WORKDAYS_NOTE_MAX 200

/* Loads the calendar from db into *out (cal_init'ed here; the caller
 * cal_frees it): the days of the covered years only. When years is not
 * NULL, *years gets the covered years ascending (malloc'ed, caller frees)
 * and *nyears their count. 0, or a DB_E_* code with *out empty. */
int workdays_load(struct db *db, struct cal *out, int **years, size_t *nyears);

/* The deadline of n working days from receipt on from_day (cal.h's
 * cal_add_workdays convention). 0 with *due; WORKDAYS_E_UNCOVERED with
 * *due set to the weekdays-only answer and nothing else to trust;
 * WORKDAYS_E_RANGE; or a DB_E_* code. */
int workdays_due(struct req *r, int64_t from_day, int n, int64_t *due);
/* The working days d with from < d <= to (cal_count_workdays), negative
 * when to < from. 0 with *count, WORKDAYS_E_UNCOVERED (with the weekdays-
 * only count), WORKDAYS_E_RANGE or DB_E_*. */
int workdays_between(struct req *r, int64_t from, int64_t to, int64_t *count);
/* The first year of the days lo..hi (either order) that is not covered, or
 * 0 when all are (also 0 on a database error: the count then says so). */
int workdays_missing_year(struct req *r, int64_t lo, int64_t hi);
/* 1 when year y is covered, 0 when not, DB_E_* on error. */
int workdays_covered(struct req *r, int y);

/* ---- edits: each in the caller's transaction or its own, audited as
 * entity "workday_year" with the year as id, and each makes every process
 * reload (workdays_gen) ---- */

/* Adds year y from text in the format of cn-workdays.tsv (cal_parse), every
 * row dated in y, with a note (the notice's title, may be ""). Nothing is
 * saved on any error: WORKDAYS_E_INVALID with *p filled (line and what),
 * WORKDAYS_E_OTHER_YEAR (p->line the row's line), WORKDAYS_E_EMPTY,
 * WORKDAYS_E_EXISTS, WORKDAYS_E_RANGE (y outside 1900..9999) or DB_E_*. */
int workdays_add_year(struct req *r, int y, const char *note, const char *tsv, size_t len, struct cal_problem *p);
/* Adds one day to a covered year (cal_add's validation, against the days
 * it has already: a duplicate or a conflict is WORKDAYS_E_INVALID). 0,
 * WORKDAYS_E_INVALID with *p, WORKDAYS_E_OTHER_YEAR (date not in y),
 * WORKDAYS_E_UNCOVERED (y is not covered), or DB_E_*. */
int workdays_add_day(struct req *r, int y, const char *date, const char *kind, const char *name, struct cal_problem *p);
/* Deletes one day of year y. 0; 1 when there was no such day; DB_E_*. */
int workdays_delete_day(struct req *r, int y, int64_t day);

/* The catalog message for a problem of cal_parse / cal_add (its text takes
 * the date as %s where it names one: see workdays_problem_text). */
enum msg_id workdays_problem_msg(enum cal_error e);
/* "Line 8: 2025-01-28 is listed twice" in the request's language (arena). */
const char *workdays_problem_text(struct req *r, const struct cal_problem *p);

/* `wenming calendar list | show YEAR | import YEAR FILE [--note TEXT]` */
struct config;
int cmd_calendar(struct config *cfg, int argc, char **argv);

#endif
