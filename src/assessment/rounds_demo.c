/* rounds_demo.c — the assessment rounds' part of `wenming demo`: this
 * year's mid-year round (January to June) of the system in use, its
 * figures computed from the other modules' demo records
 * (assess_round_compute), the manual leaves scored by the office with a
 * comment, announced and published: a completed round to look at. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../platform/workdays.h"
#include "assessment.h"
#include "round.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const comments[] = {
	"材料齊全，記錄完整。",
	"基本達到要求，個別記錄缺少照片。",
	"活動開展較好，建議增加職工參與。",
};

int assess_rounds_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	int year = tm.tm_year + 1900;
	int64_t sys = db_one_int64(db, 0, "SELECT id FROM assess_systems WHERE year = ? AND state = 'in_use'", "i",
				   (int64_t)year);
	if (!sys)
		return 0;
	struct arena a;
	arena_init(&a);
	struct req r;
	req_init_cli(&r, &a, db, LANG_HANT);
	char from[24], to[24], self_due[24];
	snprintf(from, sizeof from, "%d-01-01", year);
	snprintf(to, sizeof to, "%d-06-30", year);
	snprintf(self_due, sizeof self_due, "%d-07-10", year);
	int64_t t0 = (int64_t)now - 150 * 86400;
	int rc = db_begin(db);
	int64_t id = rc ? rc
			: db_insert(db,
				    "INSERT INTO assess_rounds (system_id, kind, name, period_from, period_to, self_due, "
				    "appeal_days, state, created_at) VALUES (?, 'mid_year', ?, ?, ?, ?, 5, 'open', ?) "
				    "RETURNING id",
				    "issssi", sys, "", from, to, self_due, t0);
	char name[64];
	snprintf(name, sizeof name, "%d 年年中考核", year);
	if (id > 0)
		rc = db_run(db, "UPDATE assess_rounds SET name = ? WHERE id = ?", "si", name, id);
	if (id > 0 && !rc)
		rc = assess_round_fill_units(&r, id);
	if (id < 0 || rc || db_commit(db)) {
		snprintf(err, errlen, "the assessment round demo failed: %s", db_errmsg(db));
		db_rollback(db);
		arena_free(&a);
		return DB_ERR;
	}
	rc = assess_round_compute(&r, id, NULL, NULL);
	/* the office's manual scores: 70%–100% of the maximum, by the seed */
	uint64_t x = o->seed * 2654435761u + 7;
	if (!rc)
		rc = db_begin(db);
	struct db_stmt *q = rc ? NULL
			       : db_query(db, &a,
					  "SELECT unit_id, indicator_id, max_points FROM assess_round_scores WHERE round_id = ? AND "
					  "source = 'manual' ORDER BY unit_id, indicator_id",
					  "i", id);
	int n = 0;
	while (q && !rc && db_step(q) == DB_ROW) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		double frac = 0.7 + (double)((x >> 33) % 31) / 100.0, max = db_column_double(q, 2);
		double pts = (double)(int)(max * frac * 2 + 0.5) / 2;
		rc = db_run(db,
			    "UPDATE assess_round_scores SET points = ?, comment = ?, scored_at = ? WHERE round_id = ? AND "
			    "unit_id = ? AND indicator_id = ?",
			    "dsiiii", pts, comments[(x >> 20) % 3], t0 + 40 * 86400, id, db_column_int64(q, 0),
			    db_column_int64(q, 1));
		n++;
	}
	if (!rc)
		rc = assess_round_rollup(&r, id);
	/* announced twenty days ago, published once the appeal days ran out */
	int64_t ann = (int64_t)now - 20 * 86400, due;
	int w = workdays_due(&r, cal_local_day(ann), 5, &due);
	if (w && w != WORKDAYS_E_UNCOVERED)
		due = cal_local_day(ann) + 7;
	char dd[CAL_DATE_SIZE];
	cal_format_date(due, dd);
	if (!rc)
		rc = db_run(db,
			    "UPDATE assess_rounds SET state = 'published', announced_at = ?, appeal_due = ?, published_at "
			    "= ? WHERE id = ?",
			    "isii", ann, dd, (int64_t)now - 5 * 86400, id);
	if (rc || db_commit(db)) {
		snprintf(err, errlen, "the assessment round demo failed: %s", db_errmsg(db));
		db_rollback(db);
		arena_free(&a);
		return rc ? rc : DB_ERR;
	}
	printf("loaded the demo assessment round: %s, %lld units scored (%d manual scores), published\n", name,
	       (long long)db_one_int64(db, 0, "SELECT COUNT(*) FROM assess_round_units WHERE round_id = ?", "i", id), n);
	arena_free(&a);
	return 0;
}
