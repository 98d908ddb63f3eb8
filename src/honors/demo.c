/* demo.c — the honors module's part of `wenming demo`, after the demo
 * organization (src/org/demo.c): the reference bureau's honors from its
 * experience report. The 13 secondary units hold the city-level
 * civilized-unit title, 5 from the term ending this year (they must renew)
 * and 8 from the term after, and all 13 count for this year and last: a
 * ratio of 13 / 13 = 100 %. One unit's title from the term before has
 * expired. The bureau holds the city's "civilized system" title; two
 * service windows hold the city's Youth Civilization Post (one selected by
 * this year's campaign) and one the province's; the retired cadres' party
 * branch is an advanced party branch of the province. This year's Youth
 * Civilization Post campaign has four criteria and one application in
 * each state (draft, submitted, accepted, sent back, rejected, selected),
 * with evidence per criterion and the workflow's events. Figures are
 * never stored: the pages count these rows. One transaction. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "honors.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct gen {
	struct db *db;
	struct arena *a;
	int year;
	int64_t now;
	const char *today;
	int honors, apps, events;
};

static const char *day(struct gen *g, int y, int m, int d)
{
	return arena_printf(g->a, "%04d-%02d-%02d", y, m, d);
}

static int64_t honor(struct gen *g, const char *title, const char *category, const char *recipient, int64_t unit,
		     const char *level, const char *issuer, const char *awarded, const char *start, const char *end,
		     const char *status, const char *source, const char *source_ref)
{
	g->honors++;
	return db_insert(g->db,
			 "INSERT INTO honors (archived, version, created_at, updated_at, title, category, recipient, "
			 "unit_id, level, issuer, awarded_on, term_start, term_end, status, source, source_ref) VALUES "
			 "(0, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			 "iisssissssssss", g->now, g->now, title, category, recipient, unit, level, issuer, awarded,
			 start, end, status, source, source_ref);
}

static int event(struct gen *g, const char *type, int64_t id, int64_t at, const char *side, const char *action,
		 const char *from, const char *to, const char *reason, const char *note)
{
	g->events++;
	int64_t ev =
		db_insert(g->db,
			  "INSERT INTO record_events (record_type, record_id, at, actor, side, action, from_state, "
			  "to_state, reason, note, is_public) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, 0) RETURNING id",
			  "siissssss", type, id, at, side, action, from, to, reason, note);
	return ev < 0 ? (int)ev : 0;
}

static int64_t unit_named(struct gen *g, const char *kind, const char *name, const char *parent)
{
	return db_one_int64(
		g->db, 0,
		"SELECT u.id FROM units u JOIN units p ON p.id = u.parent_id WHERE u.kind = ? AND u.name = ? "
		"AND p.name = ? AND u.archived = 0",
		"sss", kind, name, parent);
}

static const char *const criteria[][2] = {
	{"組織健全、制度完善", "創建領導小組名單、崗位職責、服務承諾和考核制度。"},
	{"服務規範、群眾滿意", "服務標準、文明用語、群眾評價和投訴處理情況。"},
	{"學習培訓與志願服務", "團隊學習記錄、業務培訓和志願服務活動的照片與記錄。"},
	{"創建特色與成效", "創建特色做法、所獲表揚和媒體報道。"},
};

static const char *const evidence_text[] = {
	"成立了由窗口負責人任組長的創建小組，制定了崗位職責、首問負責、限時辦結等八項制度並上牆公示。",
	"統一著裝、亮牌上崗，推行微笑服務和一次性告知；今年服務對象滿意率 99% 以上，投訴全部辦結。",
	"堅持每週五學習，全年開展業務培訓 12 次；團員青年參加學雷鋒志願服務 30 餘人次。",
	"推出延時服務和預約服務，收到錦旗 6 面、表揚信 11 封，事蹟被市電視台報道。",
};

/* An application of unit in state, with its evidence and its events. */
static int application(struct gen *g, int64_t campaign, const int64_t *crit, int64_t unit, const char *state,
		       int64_t honor_id, int nevidence)
{
	int64_t t0 = g->now - 86400 * 40;
	int submitted = strcmp(state, "draft") != 0;
	const char *decided = !strcmp(state, "rejected") || !strcmp(state, "selected") ? g->today : NULL;
	int64_t id = db_insert(
		g->db,
		"INSERT INTO campaign_applications (archived, version, created_at, updated_at, campaign_id, unit_id, "
		"summary, state, honor_id, submitted_at, decided_on) VALUES (0, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		"RETURNING id",
		"iiiisssss", t0, g->now, campaign, unit,
		"本窗口對照青年文明號創建標準，逐項自查並整理了佐證材料，申報本年度市級青年文明號。", state,
		honor_id ? arena_printf(g->a, "%lld", (long long)honor_id) : NULL,
		submitted ? arena_printf(g->a, "%lld", (long long)(t0 + 86400 * 10)) : NULL, decided);
	if (id < 0)
		return (int)id;
	g->apps++;
	for (int i = 0; i < nevidence; i++) {
		int64_t ev = db_insert(g->db,
				       "INSERT INTO campaign_evidence (archived, version, created_at, updated_at, "
				       "application_id, criterion_id, unit_id, text) VALUES (0, 1, ?, ?, ?, ?, ?, ?) "
				       "RETURNING id",
				       "iiiiis", t0 + 3600 * (i + 1), t0 + 3600 * (i + 1), id, crit[i], unit,
				       evidence_text[i]);
		if (ev < 0)
			return (int)ev;
	}
	const char *T = "campaign_applications";
	int rc = event(g, T, id, t0, "unit", "create", NULL, "draft", NULL, NULL);
	if (!rc && submitted)
		rc = event(g, T, id, t0 + 86400 * 10, "unit", "submit", "draft", "submitted", NULL, NULL);
	if (rc || !submitted || !strcmp(state, "submitted"))
		return rc;
	if (!strcmp(state, "returned"))
		return event(g, T, id, t0 + 86400 * 15, "office", "send_back", "submitted", "returned",
			     "「學習培訓與志願服務」一項缺少志願服務活動照片，請補充後重新提交。", NULL);
	if (!strcmp(state, "rejected"))
		return event(g, T, id, t0 + 86400 * 15, "office", "reject", "submitted", "rejected",
			     "本年度服務對象投訴較多，創建基礎尚不紮實，建議明年再申報。", NULL);
	rc = event(g, T, id, t0 + 86400 * 15, "office", "accept", "submitted", "accepted", NULL,
		   "材料齊全，安排實地檢查。");
	if (!rc && !strcmp(state, "selected"))
		rc = event(g, T, id, g->now - 86400, "office", "select", "accepted", "selected", NULL,
			   "經實地檢查和評審委員會評議，同意命名為市級青年文明號。");
	return rc;
}

static int generate(struct gen *g)
{
	struct db *db = g->db;
	int y = g->year;
	int64_t bureau = db_one_int64(
		db, 0, "SELECT id FROM units WHERE kind = 'bureau' AND archived = 0 ORDER BY id LIMIT 1", NULL);
	if (!bureau)
		return 0; /* no demo organization: nothing to add */
	int64_t sec[13];
	int n = 0;
	struct db_stmt *q = db_query(db, g->a,
				     "SELECT id FROM units WHERE kind = 'secondary' AND archived = 0 AND parent_id = ? "
				     "ORDER BY code LIMIT 13",
				     "i", bureau);
	while (q && n < 13 && db_step(q) == DB_ROW)
		sec[n++] = db_column_int64(q, 0);
	db_reset(q);
	int rc = 0;
	/* the civilized units: 5 of the term ending this year, 8 of the next */
	for (int i = 0; i < n && !rc; i++) {
		int first = i < 5;
		int64_t id = honor(g, "市級文明單位", "civilized_unit", "unit", sec[i], "prefecture",
				   "市委、市人民政府", first ? day(g, y - 2, 3, 18) : day(g, y - 1, 3, 20),
				   first ? day(g, y - 2, 1, 1) : day(g, y - 1, 1, 1),
				   first ? day(g, y, 12, 31) : day(g, y + 1, 12, 31), "valid", "manual", NULL);
		if (id < 0)
			rc = (int)id;
		for (int k = 0; k < 2 && !rc; k++)
			rc = db_insert(db,
				       "INSERT INTO honor_counted_units (archived, version, created_at, updated_at, "
				       "year, "
				       "unit_id, note) VALUES (0, 1, ?, ?, ?, ?, ?) RETURNING id",
				       "iiiis", g->now, g->now, (int64_t)(y - k), sec[i], "二級單位") < 0
				     ? DB_ERR
				     : 0;
	}
	/* the term before, expired */
	if (!rc && n > 5) {
		int64_t id = honor(g, "市級文明單位", "civilized_unit", "unit", sec[5], "prefecture",
				   "市委、市人民政府", day(g, y - 4, 3, 15), day(g, y - 4, 1, 1), day(g, y - 2, 12, 31),
				   "expired", "manual", NULL);
		if (id < 0)
			rc = (int)id;
		else
			rc = event(g, "honors", id, g->now - 86400 * 300, "system", "expire", "valid", "expired", NULL,
				   arena_printf(g->a, "屆期已於 %04d-12-31 結束。", y - 2));
	}
	if (!rc && honor(g, "文明系統", "civilized_sector", "unit", bureau, "prefecture", "市委、市人民政府",
			 day(g, y - 1, 4, 8), day(g, y - 1, 1, 1), day(g, y + 1, 12, 31), "valid", "manual", NULL) < 0)
		rc = DB_ERR;
	int64_t w_ticket = unit_named(g, "window", "售票窗口", "汽車站");
	int64_t w_fee = unit_named(g, "window", "繳費窗口", "交通規費征稽處");
	int64_t w_permit = unit_named(g, "window", "辦證窗口", "運輸管理處");
	if (!rc && w_ticket &&
	    honor(g, "市級青年文明號", "youth_post", "team", w_ticket, "prefecture", "共青團市委", day(g, y - 1, 5, 4),
		  NULL, NULL, "valid", "manual", NULL) < 0)
		rc = DB_ERR;
	if (!rc && w_fee &&
	    honor(g, "省級青年文明號", "youth_post", "team", w_fee, "provincial", "共青團省委", day(g, y - 1, 5, 4),
		  NULL, NULL, "valid", "manual", NULL) < 0)
		rc = DB_ERR;
	int64_t retired = db_one_int64(db, 0, "SELECT id FROM units WHERE code = 'JT-LTX' AND archived = 0", NULL);
	if (!rc && retired &&
	    honor(g, "先進黨支部", "advanced_party_branch", "team", retired, "provincial", "省委組織部、省委老幹部局",
		  day(g, y - 1, 6, 28), NULL, NULL, "valid", "manual", NULL) < 0)
		rc = DB_ERR;
	if (rc)
		return rc;

	/* this year's Youth Civilization Post campaign */
	int64_t campaign = db_insert(db,
				     "INSERT INTO campaigns (archived, version, created_at, updated_at, name, "
				     "honor_title, kind, level, issuer, "
				     "year, opens_on, closes_on, term_years, description) VALUES (0, 1, ?, ?, ?, "
				     "'市級青年文明號', 'youth_post', "
				     "'prefecture', ?, ?, ?, ?, 2, ?) RETURNING id",
				     "iissssss", g->now, g->now, arena_printf(g->a, "%d 年度市級青年文明號創建", y),
				     "共青團市委", arena_printf(g->a, "%d", y), day(g, y, 1, 1), day(g, y, 12, 31),
				     "常年開展爭創「青年文明號」活動：窗口和一線班組對照標準申報，文明辦受理、實地檢查"
				     "、評審後擇優推薦命名。");
	if (campaign < 0)
		return (int)campaign;
	int64_t crit[4];
	for (int i = 0; i < 4; i++) {
		crit[i] = db_insert(
			db,
			"INSERT INTO campaign_criteria (archived, version, created_at, updated_at, campaign_id, "
			"position, title, guidance) VALUES (0, 1, ?, ?, ?, ?, ?, ?) RETURNING id",
			"iiiiss", g->now, g->now, campaign, (int64_t)(i + 1), criteria[i][0], criteria[i][1]);
		if (crit[i] < 0)
			return (int)crit[i];
	}
	struct {
		const char *window, *parent, *state;
	} apps[] = {
		{"辦證窗口", "運輸管理處", "selected"},
		{"考核發證窗口", "駕駛員培訓管理所", "accepted"},
		{"投訴受理窗口", "城市客運管理處", "submitted"},
		{"船舶登記窗口", "港航管理局", "returned"},
		{"問詢服務窗口", "汽車站", "draft"},
		{"治超檢測站", "公路路政支隊", "rejected"},
	};
	for (int i = 0; i < 6 && !rc; i++) {
		int64_t unit = unit_named(g, "window", apps[i].window, apps[i].parent);
		if (!unit)
			continue;
		int64_t hid = 0;
		if (!strcmp(apps[i].state, "selected")) {
			/* the honor the selection recorded: the second city post */
			hid = honor(g, "市級青年文明號", "youth_post", "team", unit, "prefecture", "共青團市委",
				    arena_printf(g->a, "%.10s", g->today), g->today, day(g, y + 2, 12, 31), "valid",
				    "campaign", NULL);
			if (hid < 0)
				return (int)hid;
		}
		rc = application(g, campaign, crit, unit, apps[i].state, hid, !strcmp(apps[i].state, "draft") ? 2 : 4);
		if (!rc && hid)
			rc = db_run(db,
				    "UPDATE honors SET source_ref = (SELECT CAST(max(id) AS TEXT) FROM "
				    "campaign_applications) WHERE id = ?",
				    "i", hid);
	}
	(void)w_permit;
	/* the office inspected the accepted and the selected windows on the
	 * spot: the latest inspection of each, linked */
	if (!rc)
		rc = db_run(db,
			    "UPDATE campaign_applications SET inspection_id = (SELECT max(i.id) FROM inspections i "
			    "WHERE i.archived = 0 AND i.unit_id = campaign_applications.unit_id) WHERE campaign_id = ? "
			    "AND state IN ('accepted', 'selected')",
			    "i", campaign);
	/* the draft's clerk is still at work: a third criterion's evidence,
	 * the newest row */
	if (!rc)
		rc = db_run(db,
			    "INSERT INTO campaign_evidence (archived, version, created_at, updated_at, application_id, "
			    "criterion_id, unit_id, text) SELECT 0, 1, ?, ?, id, ?, unit_id, ? FROM "
			    "campaign_applications WHERE state = 'draft' AND campaign_id = ?",
			    "iiisi", g->now, g->now, crit[2], evidence_text[2], campaign);
	return rc;
}

int honors_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen)
{
	(void)o;
	int64_t existing = db_one_int64(db, -1, "SELECT count(*) FROM honors", NULL);
	if (existing < 0) {
		snprintf(err, errlen, "cannot read the honors table: %s", db_errmsg(db));
		return DB_ERR;
	}
	if (existing > 0) {
		snprintf(err, errlen, "the database has honors already; the demo is for an empty database");
		return DEMO_E_NOT_EMPTY;
	}
	struct arena a;
	arena_init(&a);
	struct gen g = {.db = db, .a = &a, .now = (int64_t)time(NULL)};
	int64_t today = cal_local_day(g.now);
	int m, d;
	cal_civil_from_days(today, &g.year, &m, &d);
	char buf[CAL_DATE_SIZE];
	g.today = arena_strdup(&a, cal_format_date(today, buf));
	int rc = db_begin(db);
	if (!rc)
		rc = generate(&g);
	if (!rc) {
		json_t *sum = json_pack("{s:i, s:i}", "honors", g.honors, "applications", g.apps);
		rc = audit_write(db, 0, "system", "cli", "demo_load", "honors", 0, NULL, sum);
		json_decref(sum);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		snprintf(err, errlen, "cannot write the demo honors: %s", db_errmsg(db));
		db_rollback(db);
	} else {
		printf("loaded the demo honors: %d honors, %d campaign applications with %d events\n", g.honors, g.apps,
		       g.events);
	}
	arena_free(&a);
	return rc;
}
