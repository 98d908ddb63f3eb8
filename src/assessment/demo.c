/* demo.c — the assessment's part of `wenming demo`: this year's indicator
 * system, in use, modelled on the civilized-unit assessment (organization
 * and leadership, supervision, education, activities, service quality,
 * honors, and the one-vote veto), 100 points, with formula and deduction
 * leaves over the metrics the earlier modules' demo data feeds (cases,
 * inspections, appraisal, rectification, learning, staff). Last year's
 * system is there too, superseded by nothing: it is the one this year's
 * was copied from, so "copy to next year" has a history to show. */
#include "../db/db.h"
#include "assessment.h"
#include "round.h"
#include "roundwork.h"
#include "contracts.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

struct leaf {
	int level;       /* 1, 2 or 3; a node is under the last one of the level above */
	const char *name;
	double points;   /* leaves only */
	const char *method, *formula, *metric;
	double each;
	const char *evidence, *standard, *bonus;
};

static const struct leaf demo_tree[] = {
	{1, "組織領導"},
	{2, "領導機構與年度計畫", 8, "manual", "", "", 0, "materials,report",
	 "成立創建領導小組和工作專班，有年度計畫和經費保障，得 8 分；缺一項扣 2 分。"},
	{2, "黨員隊伍", 7, "formula", "min(7, 7 * party_members / staff / 0.3)", "", 0, "materials",
	 "黨員佔在職人員 30% 及以上得滿分，不足按比例計分。"},
	{1, "監督檢查"},
	{2, "案件辦理"},
	{3, "按時辦結率", 8, "formula", "if(on_time_rate < 0, 8, min(8, on_time_rate * 0.08))", "", 0, "materials",
	 "按時辦結率 100% 得 8 分，按比例計分；全年無案件得滿分。"},
	{3, "超期案件", 5, "deduction", "", "overdue_cases", 0.5, "materials", "每件超期案件扣 0.5 分，扣完為止。"},
	{3, "群眾滿意率", 5, "formula", "if(satisfaction_rate < 0, 5, min(5, satisfaction_rate / 20))", "", 0,
	 "survey", "滿意率 100% 得 5 分，按比例計分。"},
	{2, "督查與整改"},
	{3, "督查平均得分", 4, "formula", "min(4, max(0, inspection_avg_score / 25))", "", 0, "site",
	 "督查平均得分 100 分得 4 分，按比例計分。"},
	{3, "整改超期", 3, "deduction", "", "rect_overdue", 1, "materials", "每項超期未銷號的整改問題扣 1 分。"},
	{1, "學習教育"},
	{2, "周五學習日出勤", 8, "formula", "if(attendance_rate < 0, 0, min(8, attendance_rate * 0.08))", "", 0,
	 "materials", "出勤率 100% 得 8 分，按比例計分。"},
	{2, "「五個一」完成情況", 6, "formula", "min(6, max(0, five_ones_completion * 0.06))", "", 0, "materials,report",
	 "領導幹部「五個一」全部完成得 6 分，按比例計分。"},
	{2, "「三個一」完成情況", 6, "formula", "min(6, max(0, three_ones_completion * 0.06))", "", 0, "materials",
	 "幹部職工「三個一」全部完成得 6 分，按比例計分。"},
	{1, "文明創建活動"},
	{2, "學雷鋒志願服務", 5, "manual", "", "", 0, "materials,site", "常態化開展志願服務，有記錄、有照片。"},
	{2, "道德講堂", 5, "manual", "", "", 0, "site,survey", "每季度至少一次，職工參與率 80% 以上。"},
	{2, "我們的節日", 5, "manual", "", "", 0, "materials", "圍繞傳統節日開展主題活動。"},
	{1, "服務質量"},
	{2, "民主評議得分", 10, "formula", "min(10, max(0, appraisal_score / 10))", "", 0, "survey,opinions",
	 "民主評議得分 100 分得 10 分，按比例計分。"},
	{2, "服務環境", 5, "manual", "", "", 0, "site", "窗口整潔、標識規範、便民設施齊全。"},
	{1, "榮譽"},
	{2, "文明單位等榮譽", 10, "bonus", "", "", 0, "materials", "按有效榮譽的級別加分，加滿 10 分為止。",
	 "national=5,provincial=3,prefecture=2,county=1"},
	{1, "一票否決事項"},
	{2, "整改問題反覆出現", 0, "veto", "rect_repeats >= 3", "", 0, "materials,site",
	 "同一問題整改後重複出現三次及以上，年度考核為不合格。"},
};

/* One year's system from the table: its id, or a negative code. */
static int64_t demo_system(struct db *db, int year, const char *state, int64_t based_on, int64_t now)
{
	char name[64];
	snprintf(name, sizeof name, "%d 年度文明創建考核指標體系", year);
	int64_t sys = db_insert(db,
				"INSERT INTO assess_systems (year, version, name, state, total_points, based_on, created_at, "
				"activated_at) VALUES (?, 1, ?, ?, 100, NULLIF(CAST(? AS BIGINT), 0), ?, ?) RETURNING id",
				"issiii", (int64_t)year, name, state, based_on, now, now);
	if (sys < 0)
		return sys;
	int64_t last[4] = {0};
	int pos[4] = {0};
	for (size_t i = 0; i < sizeof demo_tree / sizeof demo_tree[0]; i++) {
		const struct leaf *l = &demo_tree[i];
		int64_t parent = l->level > 1 ? last[l->level - 1] : 0;
		for (int k = l->level + 1; k < 4; k++)
			pos[k] = 0;
		int64_t id = db_insert(
			db,
			"INSERT INTO assess_indicators (system_id, parent_id, level, position, name, max_points, standard, "
			"evidence, method, formula, metric, per_event, bonus_levels) VALUES (?, NULLIF(CAST(? AS BIGINT), "
			"0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			"iiiisdsssssds", sys, parent, (int64_t)l->level, (int64_t)++pos[l->level], l->name, l->points,
			l->standard ? l->standard : "", l->evidence ? l->evidence : "", l->method ? l->method : "manual",
			l->formula ? l->formula : "", l->metric ? l->metric : "", l->each, l->bonus ? l->bonus : "");
		if (id < 0)
			return id;
		last[l->level] = id;
		int rc = db_run(db, "UPDATE assess_indicators SET origin_id = id WHERE id = ?", "i", id);
		/* a post has no leaders' tasks */
		if (!rc && l->method && !strcmp(l->name, "「五個一」完成情況"))
			rc = db_run(db,
				    "INSERT INTO assess_weights (indicator_id, unit_kind, max_points) VALUES (?, 'post', 0)",
				    "i", id);
		if (rc)
			return rc;
	}
	return sys;
}

int assessment_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen)
{
	int64_t existing = db_one_int64(db, -1, "SELECT COUNT(*) FROM assess_systems", NULL);
	if (existing < 0) {
		snprintf(err, errlen, "cannot read the assessment tables: %s", db_errmsg(db));
		return DB_ERR;
	}
	if (existing > 0) {
		snprintf(err, errlen, "the database has indicator systems already; the demo is for an empty database");
		return DEMO_E_NOT_EMPTY;
	}
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	int year = tm.tm_year + 1900;
	int rc = db_begin(db);
	int64_t last = rc ? rc : demo_system(db, year - 1, "in_use", 0, (int64_t)now);
	int64_t cur = last < 0 ? last : demo_system(db, year, "in_use", last, (int64_t)now);
	if (cur > 0 && (rc = assess_contracts_demo(db, cur, year, err, errlen))) {
		db_rollback(db);
		return rc;
	}
	if (cur < 0 || db_commit(db)) {
		snprintf(err, errlen, "the assessment demo failed: %s", db_errmsg(db));
		db_rollback(db);
		return cur < 0 ? (int)cur : DB_ERR;
	}
	printf("loaded the demo assessment: the %d and %d indicator systems (%zu indicators each, 100 points)\n",
	       year - 1, year, sizeof demo_tree / sizeof demo_tree[0]);
	rc = assess_rounds_demo(db, o, err, errlen);
	return rc ? rc : assess_roundwork_demo(db, o, err, errlen); /* round work */
}
