/* workdays.c — the working-day calendar loaded from the database, cached
 * per process, and its edits (see workdays.h).
 *
 * The counting is core/cal.c's (cal_add_workdays, cal_count_workdays): this
 * file only decides which calendar those run on and whether its years are
 * covered. Coverage is the table workday_years, not "the calendar has an
 * entry that year" (cal_covers_year), so that a year is covered exactly when
 * someone entered it; the load keeps the days of covered years only.
 *
 * The one piece of process state is the cache below (a calendar is ~100
 * rows, but loading it for every deadline of a list would be one query per
 * row). It is keyed by meta's workdays_gen, which every edit sets to a new
 * random value in the edit's transaction: a stale key never comes back, an
 * edit rolled back leaves a key that never matches again, and two databases
 * used by one process (the tests) only share a key while both hold the
 * migration's data unchanged ("seed"). Readers share a read lock; a reload
 * builds the new calendar outside the lock and swaps it in. */
#include "workdays.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../http/http.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GEN_MAX 64

static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct {
	int loaded;
	char gen[GEN_MAX];
	struct cal cal;
	int *years; /* covered, ascending */
	size_t nyears;
} cache;

/* ---- loading ---- */

int workdays_load(struct db *db, struct cal *out, int **years, size_t *nyears)
{
	cal_init(out);
	if (years) {
		*years = NULL;
		*nyears = 0;
	}
	struct arena a;
	arena_init(&a);
	int *ys = NULL;
	size_t ny = 0, cap = 0;
	int rc = 0;
	struct db_stmt *q = db_query(db, &a, "SELECT year FROM workday_years ORDER BY year", NULL);
	int st;
	while (q && (st = db_step(q)) == DB_ROW) {
		if (ny == cap) {
			cap = cap ? cap * 2 : 16;
			int *v = realloc(ys, cap * sizeof *v);
			if (!v) {
				rc = DB_ERR;
				break;
			}
			ys = v;
		}
		ys[ny++] = (int)db_column_int64(q, 0);
	}
	if (!q || (!rc && st < 0))
		rc = q ? st : DB_ERR;
	q = rc ? NULL : db_query(db, &a, "SELECT day, kind, name FROM workdays ORDER BY day", NULL);
	while (q && (st = db_step(q)) == DB_ROW) {
		const char *day = db_column_text(q, 0);
		int64_t d;
		int y, m, dd;
		if (cal_parse_date(day, &d))
			continue;
		cal_civil_from_days(d, &y, &m, &dd);
		int covered = 0;
		for (size_t i = 0; i < ny && !covered; i++)
			covered = ys[i] == y;
		if (!covered) /* days of a year not (or no longer) covered */
			continue;
		struct cal_problem p;
		if (cal_add(out, day, db_column_text(q, 1), db_column_text(q, 2), &p)) {
			char why[160];
			log_warn("workdays: %s skipped: %s", day, cal_describe(&p, why, sizeof why));
			if (p.error == CAL_ERR_MEMORY) {
				rc = DB_ERR;
				break;
			}
		}
	}
	if (!rc && (!q || st < 0))
		rc = q ? st : DB_ERR;
	arena_free(&a);
	if (rc) {
		cal_free(out);
		free(ys);
		return rc;
	}
	if (years) {
		*years = ys;
		*nyears = ny;
	} else {
		free(ys);
	}
	return 0;
}

/* Takes the read lock on a cache that matches the database's generation;
 * 0 with the lock held (release with pthread_rwlock_unlock), or DB_E_*. */
static int cache_acquire(struct db *db)
{
	if (!db)
		return DB_ERR;
	struct arena a;
	arena_init(&a);
	const char *gen = db_one_text(db, &a, "SELECT value FROM meta WHERE key = 'workdays_gen'", NULL);
	char key[GEN_MAX];
	snprintf(key, sizeof key, "%s", gen ? gen : "");
	arena_free(&a);
	if (!gen)
		return DB_ERR;
	pthread_rwlock_rdlock(&cache_lock);
	if (cache.loaded && strcmp(cache.gen, key) == 0)
		return 0;
	pthread_rwlock_unlock(&cache_lock);

	struct cal c;
	int *years;
	size_t ny;
	int rc = workdays_load(db, &c, &years, &ny);
	if (rc)
		return rc;
	pthread_rwlock_wrlock(&cache_lock);
	cal_free(&cache.cal);
	free(cache.years);
	cache.cal = c;
	cache.years = years;
	cache.nyears = ny;
	memcpy(cache.gen, key, sizeof key);
	cache.loaded = 1;
	pthread_rwlock_unlock(&cache_lock);
	pthread_rwlock_rdlock(&cache_lock);
	return 0;
}

static int year_covered(int y)
{
	size_t lo = 0, hi = cache.nyears;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cache.years[mid] < y)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cache.nyears && cache.years[lo] == y;
}

/* The first year of lo..hi not covered, or 0; with the cache held. */
static int first_missing(int64_t lo, int64_t hi)
{
	if (lo > hi) {
		int64_t t = lo;
		lo = hi;
		hi = t;
	}
	int y1, y2, m, d;
	cal_civil_from_days(lo, &y1, &m, &d);
	cal_civil_from_days(hi, &y2, &m, &d);
	for (int y = y1; y <= y2; y++)
		if (!year_covered(y))
			return y;
	return 0;
}

/* Days near the ends of the calendar would overflow a count of working days. */
static int day_ok(int64_t day)
{
	return day >= CAL_DAY_MIN + 2 * CAL_WORKDAYS_MAX && day <= CAL_DAY_MAX - 2 * CAL_WORKDAYS_MAX;
}

int workdays_due(struct req *r, int64_t from_day, int n, int64_t *due)
{
	if (n < 0 || n > CAL_WORKDAYS_MAX || !day_ok(from_day))
		return WORKDAYS_E_RANGE;
	int rc = cache_acquire(req_db(r));
	if (rc)
		return rc;
	if (cal_add_workdays(&cache.cal, from_day, n, due) < 0)
		rc = WORKDAYS_E_RANGE;
	else if (first_missing(n ? from_day + 1 : from_day, *due))
		rc = WORKDAYS_E_UNCOVERED;
	pthread_rwlock_unlock(&cache_lock);
	return rc;
}

int workdays_between(struct req *r, int64_t from, int64_t to, int64_t *count)
{
	if (!day_ok(from) || !day_ok(to))
		return WORKDAYS_E_RANGE;
	int rc = cache_acquire(req_db(r));
	if (rc)
		return rc;
	cal_count_workdays(&cache.cal, from, to, count);
	if (from != to && first_missing(from < to ? from + 1 : to + 1, from < to ? to : from))
		rc = WORKDAYS_E_UNCOVERED;
	pthread_rwlock_unlock(&cache_lock);
	return rc;
}

int workdays_missing_year(struct req *r, int64_t lo, int64_t hi)
{
	if (!day_ok(lo) || !day_ok(hi) || cache_acquire(req_db(r)))
		return 0;
	int y = first_missing(lo, hi);
	pthread_rwlock_unlock(&cache_lock);
	return y;
}

int workdays_covered(struct req *r, int y)
{
	int rc = cache_acquire(req_db(r));
	if (rc)
		return rc;
	int c = year_covered(y);
	pthread_rwlock_unlock(&cache_lock);
	return c;
}

/* ---- edits ---- */

/* Every process reloads: a new random generation, in the edit's transaction. */
static int bump_gen(struct db *db)
{
	unsigned char raw[16];
	char hex[33];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	return db_run(db, "UPDATE meta SET value = ? WHERE key = 'workdays_gen'", "s", hex);
}

static const char *kind_name(enum cal_kind k)
{
	return k == CAL_HOLIDAY ? "holiday" : "makeup_workday";
}

static json_t *day_json(const struct cal_entry *e)
{
	char date[CAL_DATE_SIZE];
	return json_pack("{s:s, s:s, s:s}", "day", cal_format_date(e->day, date), "kind", kind_name(e->kind), "name",
			 e->name);
}

static int year_of(int64_t day)
{
	int y, m, d;
	cal_civil_from_days(day, &y, &m, &d);
	return y;
}

/* The days entered for year y, straight from the table (not the cache: the
 * edit validates against what its transaction sees). */
static int load_year(struct db *db, int y, struct cal *c)
{
	cal_init(c);
	struct arena a;
	arena_init(&a);
	char lo[16], hi[16];
	snprintf(lo, sizeof lo, "%04d-01-01", y);
	snprintf(hi, sizeof hi, "%04d-12-31", y);
	struct db_stmt *q = db_query(db, &a,
				     "SELECT day, kind, name FROM workdays WHERE day "
				     ">= ? AND day <= ? ORDER BY day",
				     "ss", lo, hi);
	int st = DB_ERR;
	while (q && (st = db_step(q)) == DB_ROW)
		cal_add(c, db_column_text(q, 0), db_column_text(q, 1), db_column_text(q, 2), NULL);
	arena_free(&a);
	return st < 0 ? st : 0;
}

int workdays_add_year(struct req *r, int y, const char *note, const char *tsv, size_t len, struct cal_problem *p)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	if (y < 1900 || y > CAL_YEAR_MAX)
		return WORKDAYS_E_RANGE;
	struct cal c;
	if (cal_parse(tsv ? tsv : "", tsv ? len : 0, &c, p))
		return WORKDAYS_E_INVALID;
	int rc = 0;
	if (c.n == 0)
		rc = WORKDAYS_E_EMPTY;
	for (size_t i = 0; !rc && i < c.n; i++)
		if (year_of(c.v[i].day) != y) {
			p->error = CAL_OK;
			p->line = 0;
			p->day = c.v[i].day;
			rc = WORKDAYS_E_OTHER_YEAR;
		}
	if (rc) {
		cal_free(&c);
		return rc;
	}
	char lo[16], hi[16];
	snprintf(lo, sizeof lo, "%04d-01-01", y);
	snprintf(hi, sizeof hi, "%04d-12-31", y);
	int holidays = 0, makeups = 0;
	rc = db_begin(db);
	if (!rc && db_one_int64(db, 0, "SELECT count(*) FROM workday_years WHERE year = ?", "I", y))
		rc = WORKDAYS_E_EXISTS;
	/* rows left by a year no longer covered would clash */
	if (!rc)
		rc = db_run(db, "DELETE FROM workdays WHERE day >= ? AND day <= ?", "ss", lo, hi);
	if (!rc)
		rc = db_run(db, "INSERT INTO workday_years (year, note, updated_at) VALUES (?, ?, ?)", "Isi", y,
			    note ? note : "", (int64_t)time(NULL));
	struct arena a;
	arena_init(&a);
	struct db_stmt *ins = rc ? NULL : db_prepare(db, &a, "INSERT INTO workdays (day, kind, name) VALUES (?, ?, ?)");
	if (!rc && !ins)
		rc = DB_ERR;
	for (size_t i = 0; !rc && i < c.n; i++) {
		char date[CAL_DATE_SIZE];
		db_reset(ins);
		db_bind_text(ins, 1, cal_format_date(c.v[i].day, date));
		db_bind_text(ins, 2, kind_name(c.v[i].kind));
		db_bind_text(ins, 3, c.v[i].name);
		int st = db_step(ins);
		rc = st < 0 ? st : 0;
		if (c.v[i].kind == CAL_HOLIDAY)
			holidays++;
		else
			makeups++;
	}
	arena_free(&a);
	if (!rc) {
		json_t *after = json_pack("{s:i, s:s, s:i, s:i}", "year", y, "note", note ? note : "", "holidays",
					  holidays, "makeup_workdays", makeups);
		rc = audit_log(r, "create", "workday_year", y, NULL, after);
		json_decref(after);
	}
	if (!rc)
		rc = bump_gen(db);
	if (!rc)
		rc = db_commit(db);
	else
		db_rollback(db);
	cal_free(&c);
	return rc;
}

int workdays_add_day(struct req *r, int y, const char *date, const char *kind, const char *name, struct cal_problem *p)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	int rc = db_begin(db);
	if (rc)
		return rc;
	if (!db_one_int64(db, 0, "SELECT count(*) FROM workday_years WHERE year = ?", "I", y)) {
		db_rollback(db);
		return WORKDAYS_E_UNCOVERED;
	}
	struct cal c;
	rc = load_year(db, y, &c);
	if (!rc && cal_add(&c, date, kind, name, p))
		rc = WORKDAYS_E_INVALID;
	const struct cal_entry *e = NULL;
	if (!rc) {
		int64_t d;
		cal_parse_date(date, &d);
		e = cal_find(&c, d);
		if (year_of(d) != y) {
			p->error = CAL_OK;
			p->line = 0;
			p->day = d;
			rc = WORKDAYS_E_OTHER_YEAR;
		}
	}
	if (!rc)
		rc = db_run(db, "INSERT INTO workdays (day, kind, name) VALUES (?, ?, ?)", "sss", date, kind, name);
	if (!rc) {
		json_t *after = day_json(e);
		rc = audit_log(r, "update", "workday_year", y, NULL, after);
		json_decref(after);
	}
	if (!rc)
		rc = db_run(db, "UPDATE workday_years SET updated_at = ? WHERE year = ?", "iI", (int64_t)time(NULL), y);
	if (!rc)
		rc = bump_gen(db);
	if (!rc)
		rc = db_commit(db);
	else
		db_rollback(db);
	cal_free(&c);
	return rc;
}

int workdays_delete_day(struct req *r, int y, int64_t day)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	if (year_of(day) != y)
		return 1;
	char date[CAL_DATE_SIZE];
	cal_format_date(day, date);
	int rc = db_begin(db);
	if (rc)
		return rc;
	struct arena a;
	arena_init(&a);
	struct db_stmt *q = db_query(db, &a, "SELECT kind, name FROM workdays WHERE day = ?", "s", date);
	json_t *before = NULL;
	if (q && db_step(q) == DB_ROW)
		before = json_pack("{s:s, s:s, s:s}", "day", date, "kind", db_column_text(q, 0), "name",
				   db_column_text(q, 1));
	arena_free(&a);
	if (!before) {
		db_rollback(db);
		return 1;
	}
	rc = db_run(db, "DELETE FROM workdays WHERE day = ?", "s", date);
	if (!rc)
		rc = audit_log(r, "update", "workday_year", y, before, NULL);
	if (!rc)
		rc = db_run(db, "UPDATE workday_years SET updated_at = ? WHERE year = ?", "iI", (int64_t)time(NULL), y);
	if (!rc)
		rc = bump_gen(db);
	if (!rc)
		rc = db_commit(db);
	else
		db_rollback(db);
	json_decref(before);
	return rc;
}

/* ---- messages ---- */

enum msg_id workdays_problem_msg(enum cal_error e)
{
	switch (e) {
	case CAL_OK: return M_NONE;
	case CAL_ERR_HEADER: return M_cal_err_header;
	case CAL_ERR_FIELDS: return M_cal_err_fields;
	case CAL_ERR_DATE: return M_cal_err_date;
	case CAL_ERR_KIND: return M_cal_err_kind;
	case CAL_ERR_NAME: return M_cal_err_name;
	case CAL_ERR_MAKEUP_WEEKDAY: return M_cal_err_makeup_weekday;
	case CAL_ERR_DUPLICATE: return M_cal_err_duplicate;
	case CAL_ERR_CONFLICT: return M_cal_err_conflict;
	case CAL_ERR_MEMORY: return M_err_detail_generic;
	}
	return M_err_detail_generic;
}

const char *workdays_problem_text(struct req *r, const struct cal_problem *p)
{
	char date[CAL_DATE_SIZE];
	cal_format_date(p->day, date);
	const char *what = arena_printf(r->a, msg(r->lang, workdays_problem_msg(p->error)), date);
	if (!p->line)
		return what;
	return arena_printf(r->a, msg(r->lang, M_cal_err_line), (int)p->line, what);
}
