/* roundwork_demo.c — round work's part of `wenming demo`, after the
 * published mid-year round (rounds_demo.c): the units' self-assessments
 * of its manual leaves with links and a piece of evidence, submitted; one
 * appeal upheld (the points raised through assess_score_set) and one
 * rejected; and this year's year-end round, still open, with a few
 * self-assessments written and not yet submitted. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../records/files.h"
#include "assessment.h"
#include "roundwork.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const texts[] = {
	"本單位成立創建工作領導小組，印發年度創建計畫，經費列入年度預算；每季度召開一次專題會議。",
	"常態化開展學雷鋒志願服務，上半年組織志願服務 12 次、參與 186 人次，均有記錄和照片。",
	"每季度舉辦道德講堂一次，職工參與率 85%，講堂內容與窗口服務規範相結合。",
	"圍繞春節、清明、端午開展「我們的節日」主題活動，發動職工和群眾共同參與。",
	"窗口環境整潔，標識規範統一，設有便民服務台、飲水機、老花鏡等便民設施。",
};

/* A one-page PDF: the evidence the demo attaches. */
static const char demo_pdf[] = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
			       "/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
			       "trailer<</Root 1 0 R>>\n%%EOF\n";

/* Self-assessments of the manual leaves of up to max units of round id:
 * the number written, or a negative code. */
static int demo_self(struct req *r, int64_t id, int max, int submit, int64_t at, int with_file)
{
	struct db *db = req_db(r);
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT ru.unit_id, i.id FROM assess_round_units ru JOIN assess_rounds rd ON rd.id = "
				     "ru.round_id JOIN assess_indicators i ON i.system_id = rd.system_id AND i.method = "
				     "'manual' AND NOT EXISTS (SELECT 1 FROM assess_indicators c WHERE c.parent_id = i.id) "
				     "WHERE ru.round_id = ? AND ru.unit_kind IN ('secondary', 'window') AND ru.unit_id IN "
				     "(SELECT unit_id FROM assess_round_units WHERE round_id = ? AND unit_kind IN "
				     "('secondary', 'window') ORDER BY unit_id LIMIT ?) ORDER BY ru.unit_id, i.position, i.id",
				     "iii", id, id, (int64_t)max);
	int n = 0, rc = 0;
	int64_t last = 0;
	while (q && !rc && db_step(q) == DB_ROW) {
		int64_t unit = db_column_int64(q, 0), leaf = db_column_int64(q, 1);
		const char *links = arena_printf(r->a, "/r/units/%lld\n/cases/stats?unit=%lld", (long long)unit, (long long)unit);
		int64_t sid = db_insert(db,
					"INSERT INTO assess_self (round_id, unit_id, indicator_id, text, links, updated_at) VALUES "
					"(?, ?, ?, ?, ?, ?) RETURNING id",
					"iiissi", id, unit, leaf, texts[n % (int)(sizeof texts / sizeof texts[0])], links, at);
		if (sid < 0)
			return (int)sid;
		if (with_file && unit != last) {
			struct kv part = {.name = "evidence", .value = demo_pdf, .len = sizeof demo_pdf - 1,
					  .filename = "創建工作記錄.pdf", .content_type = "application/pdf"};
			struct file_kind k;
			enum msg_id why;
			if (files_check(r->a, &part, 10L << 20, &k, &why) == 0) {
				int64_t fid = files_store(r, &part, &k, RW_SELF_TYPE, sid, NULL, 0);
				if (fid < 0)
					return (int)fid;
			}
		}
		if (submit && unit != last)
			rc = db_run(db,
				    "INSERT INTO assess_self_units (round_id, unit_id, submitted_at) VALUES (?, ?, ?)", "iii",
				    id, unit, at);
		last = unit;
		n++;
	}
	return rc ? rc : q ? n : DB_ERR;
}

/* One appeal of the published round, decided: 0 or a negative code. */
static int demo_appeal(struct req *r, int64_t id, int64_t unit, int64_t leaf, double before, double max, int upheld,
		       int64_t filed, const char *reason, const char *decision)
{
	double after = upheld ? (before + 1 > max ? max : before + 1) : before;
	int rc = upheld ? assess_score_set(r, id, unit, leaf, after, "appeal", decision) : 0;
	if (rc)
		return rc;
	int64_t a = db_insert(req_db(r),
			      "INSERT INTO assess_appeals (round_id, unit_id, indicator_id, reason, state, points_before, "
			      "points_after, decision, filed_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "iiissddsii", id, unit, leaf, reason, upheld ? "upheld" : "rejected", before, after, decision,
			      filed, filed + 2 * 86400);
	return a < 0 ? (int)a : 0;
}

int assess_roundwork_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen)
{
	(void)o;
	int64_t pub = db_one_int64(db, 0, "SELECT id FROM assess_rounds WHERE state = 'published' ORDER BY id DESC LIMIT 1",
				   NULL);
	if (!pub)
		return 0;
	struct arena a;
	arena_init(&a);
	struct req r;
	req_init_cli(&r, &a, db, LANG_HANT);
	time_t now = time(NULL);
	int64_t ann = db_one_int64(db, (int64_t)now, "SELECT announced_at FROM assess_rounds WHERE id = ?", "i", pub);
	int rc = db_begin(db);
	int nself = rc ? rc : demo_self(&r, pub, 6, 1, ann - 30 * 86400, 1);
	rc = nself < 0 ? nself : 0;
	/* two appeals of the first unit with two scored manual leaves */
	struct db_stmt *q = rc ? NULL
			       : db_query(db, &a,
					  "SELECT s.unit_id, s.indicator_id, s.points, s.max_points FROM assess_round_scores s "
					  "JOIN assess_indicators i ON i.id = s.indicator_id WHERE s.round_id = ? AND i.method = "
					  "'manual' AND s.points IS NOT NULL AND s.points < s.max_points AND s.unit_id IN (SELECT "
					  "unit_id FROM assess_self_units WHERE round_id = ?) ORDER BY s.unit_id, i.position, "
					  "i.id LIMIT 2",
					  "ii", pub, pub);
	int64_t unit[2] = {0}, leaf[2] = {0};
	double pts[2] = {0}, max[2] = {0};
	int n = 0;
	while (q && n < 2 && db_step(q) == DB_ROW) {
		unit[n] = db_column_int64(q, 0);
		leaf[n] = db_column_int64(q, 1);
		pts[n] = db_column_double(q, 2);
		max[n] = db_column_double(q, 3);
		n++;
	}
	if (!rc && n > 0)
		rc = demo_appeal(&r, pub, unit[0], leaf[0], pts[0], max[0], 1, ann + 86400,
				 "本單位年度創建計畫已列明經費保障，見計畫第三頁，請予複核。",
				 "經複核，計畫已列經費保障，採納申訴，加 1 分。");
	if (!rc && n > 1)
		rc = demo_appeal(&r, pub, unit[1], leaf[1], pts[1], max[1], 0, ann + 2 * 86400,
				 "該項活動開展次數較多、記錄齊全，認為得分偏低。",
				 "活動記錄缺少照片和簽到表，維持原評分。");
	/* this year's year-end round, open for self-assessments */
	struct tm tm;
	localtime_r(&now, &tm);
	int year = tm.tm_year + 1900;
	int64_t sys = db_one_int64(db, 0, "SELECT system_id FROM assess_rounds WHERE id = ?", "i", pub);
	char from[24], to[24], due[CAL_DATE_SIZE], name[64];
	snprintf(from, sizeof from, "%d-01-01", year);
	snprintf(to, sizeof to, "%d-12-31", year);
	cal_format_date(cal_local_day((int64_t)now) + 30, due);
	snprintf(name, sizeof name, "%d 年年終考核", year);
	int64_t open = rc ? rc
			  : db_insert(db,
				      "INSERT INTO assess_rounds (system_id, kind, name, period_from, period_to, self_due, "
				      "appeal_days, state, created_at) VALUES (?, 'year_end', ?, ?, ?, ?, 5, 'open', ?) RETURNING id",
				      "issssi", sys, name, from, to, due, (int64_t)now);
	rc = open < 0 ? (int)open : 0;
	if (!rc)
		rc = assess_round_fill_units(&r, open);
	int nopen = rc ? 0 : demo_self(&r, open, 2, 0, (int64_t)now - 86400, 0);
	if (nopen < 0)
		rc = nopen;
	if (rc || db_commit(db)) {
		snprintf(err, errlen, "the round work demo failed: %s", db_errmsg(db));
		db_rollback(db);
		arena_free(&a);
		return rc ? rc : DB_ERR;
	}
	printf("loaded the demo round work: %d self-assessments, %d appeals decided, and %s open (%d self-assessments)\n",
	       nself, n, name, nopen);
	arena_free(&a);
	return 0;
}
