/* demo.c — the inspections module's part of `wenming demo`: a checklist
 * for each kind of unit (the items offices use: 亮證上崗, 服務態度, 首問負責,
 * 一次性告知, 環境衛生, 制度上牆 …), a plan per quarter (one of them
 * unannounced), and a year of inspections of the organization demo's
 * service windows and departments: the task force's quarterly rounds, the
 * conduct supervisors' visits to their assigned units, and some
 * unannounced visits, with about one item in eight failed, notes on what
 * was found, and a few appeals (upheld, rejected, pending). The last days'
 * inspections are still drafts. Every step is a record_events row, as the
 * workflow would have written it.
 *
 * Deterministic for a seed (splitmix64, as the other demos); one
 * transaction; rows written with prepared statements. */
#include "../core/rng.h"
#include "../core/arena.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../module.h"
#include "inspections.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))


struct demo_item {
	const char *code, *label, *guidance;
	const char *findings[3]; /* what an inspector notes when it fails */
};

struct demo_checklist {
	const char *code, *name, *kind, *scoring;
	int points;
	struct demo_item items[9];
};

static const struct demo_checklist lists[] = {
	{"window",
	 "服務窗口文明服務檢查表",
	 "window",
	 "pass_fail",
	 10,
	 {{"badge",
	   "亮證上崗",
	   "工作人員佩戴工作證，桌牌與本人一致。",
	   {"一名工作人員未佩戴工作證", "桌牌姓名與在崗人員不符", "臨時頂崗人員無桌牌"}},
	  {"attitude",
	   "服務態度",
	   "主動問候、文明用語，無生硬冷漠、推諉。",
	   {"對辦事群眾語氣生硬", "工作人員接聽私人電話，群眾等候", "未使用文明用語"}},
	  {"first_ask",
	   "首問負責",
	   "首位被詢問的工作人員負責解答或引導到位。",
	   {"群眾詢問時被告知「不歸我管」", "未引導群眾到對應窗口"}},
	  {"one_time",
	   "一次性告知",
	   "辦事所需材料一次性書面告知。",
	   {"未提供一次性告知單", "告知單內容與現行要求不一致"}},
	  {"hygiene",
	   "環境衛生",
	   "窗口整潔，無雜物，綠植養護良好。",
	   {"窗口台面堆放雜物", "等候區地面有垃圾", "垃圾桶溢滿未清理"}},
	  {"rules_wall",
	   "制度上牆",
	   "服務承諾、辦事流程、收費標準、投訴電話上牆公開。",
	   {"投訴電話未公示", "收費標準為舊版本"}},
	  {"discipline",
	   "工作紀律",
	   "按時到崗，無脫崗、串崗、玩手機。",
	   {"一名工作人員脫崗十餘分鐘", "上班時間玩手機"}},
	  {"convenience",
	   "便民措施",
	   "老花鏡、飲水、輪椅、母嬰設施等完好可用。",
	   {"便民箱缺少老花鏡", "飲水機故障未修"}},
	  {NULL, NULL, NULL, {NULL}}}},
	{"department",
	 "科室與執法隊作風檢查表",
	 "department",
	 "points",
	 10,
	 {{"badge",
	   "亮證執法",
	   "執法人員持證上崗，執法時主動出示證件。",
	   {"執法人員未出示執法證", "一名輔助人員單獨執法"}},
	  {"language",
	   "規範執法用語",
	   "使用規範執法用語，不刁難、不吃拿卡要。",
	   {"執法用語不規範", "與當事人發生爭執"}},
	  {"first_ask", "首問負責", "來訪來電首問負責，登記完整。", {"來電登記不完整", "來訪未登記"}},
	  {"discipline", "工作紀律", "按時到崗，值班表公示。", {"值班表未更新", "值班人員不在崗"}},
	  {"hygiene", "環境衛生", "辦公室整潔，文件擺放有序。", {"辦公桌面雜亂", "檔案櫃未上鎖"}},
	  {"rules_wall", "制度上牆", "崗位職責、工作制度、廉政承諾上牆。", {"崗位職責未上牆", "廉政承諾未公示"}},
	  {"ledger", "工作台賬", "學習、整改、投訴處理台賬齊全。", {"整改台賬未及時更新", "學習記錄缺兩次"}},
	  {NULL, NULL, NULL, {NULL}}}},
	{"secondary",
	 "二級單位文明創建檢查表",
	 "secondary",
	 "points",
	 15,
	 {{"leadership", "組織領導", "領導小組健全，主要負責人親自抓。", {"領導小組成員調整後未發文"}},
	  {"rules", "制度建設", "創建制度、考核辦法齊全並落實。", {"考核辦法未更新"}},
	  {"publicity", "宣傳氛圍", "創建宣傳欄、標語更新及時。", {"宣傳欄內容過期"}},
	  {"hygiene", "環境衛生", "庭院、走廊、公共區域整潔。", {"走廊堆放雜物", "庭院綠化缺養護"}},
	  {"study", "學習教育", "周五學習日落實，記錄完整。", {"兩次學習無記錄"}},
	  {"rectify", "整改落實", "上次督查問題已整改銷號。", {"上次督查問題仍未整改"}},
	  {NULL, NULL, NULL, {NULL}}}},
	{"bureau",
	 "局機關作風檢查表",
	 "bureau",
	 "pass_fail",
	 10,
	 {{"badge", "亮證上崗", "機關工作人員佩戴工作證。", {"兩名工作人員未佩戴工作證"}},
	  {"attitude", "服務態度", "來訪接待熱情周到。", {"來訪群眾等候無人接待"}},
	  {"hygiene", "環境衛生", "辦公區整潔。", {"會議室使用後未整理"}},
	  {"discipline", "工作紀律", "按時上下班，無脫崗。", {"午休後遲到"}},
	  {NULL, NULL, NULL, {NULL}}}},
	{"post",
	 "崗位文明規範檢查表",
	 "post",
	 "pass_fail",
	 10,
	 {{"badge", "亮證上崗", "佩戴工作證。", {"未佩戴工作證"}},
	  {"dress", "儀容儀表", "著裝統一、整潔。", {"未按規定著裝"}},
	  {"attitude", "服務態度", "文明用語。", {"語氣生硬"}},
	  {NULL, NULL, NULL, {NULL}}}},
	{"party_branch",
	 "黨支部標準化檢查表",
	 "party_branch",
	 "pass_fail",
	 10,
	 {{"meetings", "三會一課", "按時召開，記錄完整。", {"黨課記錄缺一次"}},
	  {"identity", "黨員亮身份", "黨員佩戴黨徽、崗位標示。", {"部分黨員未佩戴黨徽"}},
	  {"ledger", "支部台賬", "台賬規範齊全。", {"發展黨員材料不全"}},
	  {NULL, NULL, NULL, {NULL}}}},
};

struct unit_ref {
	int64_t id;
	int list; /* index in lists */
};

static const char *const inspectors[] = {"李衛東、張敏", "王建國、陳靜", "劉洋、趙麗", "周強、吳芳", "鄭海、孫婷"};
static const char *const present[] = {"窗口負責人 楊帆", "科長 黃磊",   "副主任 何琳",
				      "值班長 馬超",     "負責人 林雪", "科員 高峰"};

static const char *day_text(struct arena *a, int64_t day)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(a, cal_format_date(day, d));
}

static int64_t add_event(struct db *db, const char *type, int64_t id, int64_t at, const char *side, const char *action,
			 const char *from, const char *to, const char *reason, const char *note)
{
	return db_run(db,
		      "INSERT INTO record_events (record_type, record_id, at, actor, side, action, from_state, "
		      "to_state, reason, note, is_public) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
		      "siisssssss", type, id, at, "demo", side, action, from, to, reason, note);
}

int inspections_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t existing = db_one_int64(db, -1,
					"SELECT (SELECT count(*) FROM inspections) + (SELECT count(*) FROM "
					"inspection_checklists)",
					NULL);
	if (existing < 0) {
		snprintf(err, errlen, "cannot read the inspections tables: %s", db_errmsg(db));
		return DB_ERR;
	}
	if (existing > 0) {
		snprintf(err, errlen,
			 "the database has inspections or checklists already; the demo is for an empty database");
		return DEMO_E_NOT_EMPTY;
	}
	struct arena a;
	arena_init(&a);
	struct rng rg = {o->seed ^ 0x696e73706563u};
	int64_t now = time(NULL), today = cal_local_day(now);
	int64_t item_ids[COUNT(lists)][9];
	double item_max[COUNT(lists)][9];
	int nitems[COUNT(lists)];
	int64_t list_ids[COUNT(lists)];
	int rc = db_begin(db);
	/* the checklists and their items */
	for (int l = 0; !rc && l < COUNT(lists); l++) {
		rc = db_run(db,
			    "INSERT INTO inspection_checklists (code, name, unit_kind, scoring, active, created_at, "
			    "updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
			    "ssssii", lists[l].code, lists[l].name, lists[l].kind, lists[l].scoring, now, now);
		list_ids[l] =
			db_one_int64(db, 0, "SELECT id FROM inspection_checklists WHERE code = ?", "s", lists[l].code);
		nitems[l] = 0;
		for (int k = 0; !rc && lists[l].items[k].code; k++) {
			const struct demo_item *it = &lists[l].items[k];
			rc = db_run(db,
				    "INSERT INTO checklist_items (checklist_id, position, code, label, max_points, "
				    "guidance, "
				    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				    "iissdsii", list_ids[l], (int64_t)(k + 1), it->code, it->label,
				    (double)lists[l].points, it->guidance, now, now);
			item_ids[l][k] = db_one_int64(
				db, 0, "SELECT id FROM checklist_items WHERE checklist_id = ? AND code = ?", "is",
				list_ids[l], it->code);
			item_max[l][k] = lists[l].points;
			nitems[l]++;
		}
	}
	/* the units inspected: every window and department, and some
	 * secondary units, of the organization demo */
	int64_t top = db_one_int64(db, 0, "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1", NULL);
	struct unit_ref *units = arena_alloc(&a, 4000 * sizeof *units);
	int nunits = 0;
	struct db_stmt *q =
		db_query(db, &a,
			 "SELECT id, kind FROM units WHERE archived = 0 AND kind IN ('window', 'department', "
			 "'secondary') ORDER BY id LIMIT 4000",
			 NULL);
	while (q && db_step(q) == DB_ROW) {
		const char *kind = db_column_text(q, 1);
		for (int l = 0; l < COUNT(lists); l++)
			if (!strcmp(lists[l].kind, kind)) {
				units[nunits].id = db_column_int64(q, 0);
				units[nunits++].list = l;
			}
	}
	db_reset(q);
	/* a plan per quarter of the last year, the second one unannounced */
	int y, m, d;
	cal_civil_from_days(today, &y, &m, &d);
	int64_t plan_ids[4] = {0};
	int64_t plan_from[4], plan_to[4];
	for (int p = 0; !rc && p < 4 && top; p++) {
		int qy = y, qq = (m - 1) / 3 + 1 - (3 - p);
		while (qq <= 0)
			qq += 4, qy--;
		plan_from[p] = cal_days_from_civil(qy, (qq - 1) * 3 + 1, 1);
		plan_to[p] = (qq == 4 ? cal_days_from_civil(qy + 1, 1, 1) : cal_days_from_civil(qy, qq * 3 + 1, 1)) - 1;
		int hidden = p == 1;
		rc = db_run(
			db,
			"INSERT INTO inspection_plans (title, checklist_id, unit_id, date_from, date_to, mode, "
			"inspectors, note, hidden, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"siissssssii", arena_printf(&a, "%d年第%d季度窗口單位%s", qy, qq, hidden ? "暗訪" : "督查"),
			list_ids[0], top, day_text(&a, plan_from[p]), day_text(&a, plan_to[p]),
			hidden ? "unannounced" : "announced", "創建工作專班", "按季度對全系統服務窗口開展督查。",
			hidden ? "1" : "0", now, now);
		plan_ids[p] = db_one_int64(db, 0, "SELECT max(id) FROM inspection_plans", NULL);
	}
	/* the supervisors' assigned units (their visits) */
	int64_t *sup_units = arena_alloc(&a, 400 * sizeof *sup_units);
	int nsup = 0;
	q = db_query(db, &a,
		     "SELECT su.unit_id FROM supervisor_units su JOIN units u ON u.id = su.unit_id WHERE u.kind IN "
		     "('window', 'department', 'secondary') ORDER BY su.id LIMIT 400",
		     NULL);
	while (q && db_step(q) == DB_ROW)
		sup_units[nsup++] = db_column_int64(q, 0);
	db_reset(q);

	int ninsp = 0, nres = 0, nfailed = 0, nappeals = 0;
	struct db_stmt *ins_res =
		db_prepare(db, &a,
			   "INSERT INTO inspection_results (inspection_id, item_id, passed, points, note, "
			   "updated_at) VALUES (?, ?, ?, ?, ?, ?)");
	/* per unit: a task-force visit each quarter (most units), plus
	 * supervisors' visits; ~1/6 of the windows' visits are unannounced */
	int total = nunits * 4 + nsup * 3;
	for (int v = 0; !rc && v < total; v++) {
		int64_t unit;
		int l, quarter = 0;
		const char *kind;
		int64_t plan = 0;
		if (v < nunits * 4) {
			struct unit_ref *u = &units[v / 4];
			quarter = v % 4;
			if (rng_below(&rg, 10) < 2) /* not every unit every quarter */
				continue;
			unit = u->id, l = u->list;
			kind = l == 0 && rng_below(&rg, 6) == 0 ? "unannounced" : "task_force";
			if (l == 0 && plan_ids[quarter])
				plan = plan_ids[quarter];
			if (quarter == 1 && l == 0)
				kind = "unannounced";
		} else {
			unit = sup_units[(v - nunits * 4) / 3];
			const char *uk = db_one_text(db, &a, "SELECT kind FROM units WHERE id = ?", "i", unit);
			l = 0;
			for (int k = 0; uk && k < COUNT(lists); k++)
				if (!strcmp(lists[k].kind, uk))
					l = k;
			kind = "supervisor";
			quarter = rng_below(&rg, 4);
		}
		int64_t from = plan ? plan_from[quarter] : today - 364 + quarter * 91;
		int64_t day = from + rng_below(&rg, 92);
		int wd = (int)((day + 3) % 7); /* 0 Monday: inspections on working days */
		day -= wd == 5 ? 1 : wd == 6 ? 2 : 0;
		if (day > today)
			continue;
		int draft = today - day < 7;
		int64_t at = cal_local_time(day, 9 + rng_below(&rg, 7), rng_below(&rg, 60), 0);
		/* results */
		int failed = 0;
		double got = 0, max = 0;
		int passed_v[9];
		double points_v[9];
		const char *notes[9];
		for (int k = 0; k < nitems[l]; k++) {
			int fail = rng_below(&rg, 100) < 12;
			passed_v[k] = !fail;
			double mx = item_max[l][k];
			points_v[k] =
				fail ? (!strcmp(lists[l].scoring, "points") ? (double)(mx * (4 + rng_below(&rg, 5)) / 10)
									    : 0)
				     : mx;
			int nf = 0;
			while (nf < 3 && lists[l].items[k].findings[nf])
				nf++;
			notes[k] = fail ? lists[l].items[k].findings[rng_below(&rg, nf)] : NULL;
			failed += fail;
			got += points_v[k];
			max += mx;
		}
		double score = max > 0 ? (double)(int64_t)(1000.0 * got / max + 0.5) / 10.0 : 0;
		int hidden = draft && (!strcmp(kind, "unannounced") || (plan && quarter == 1));
		/* an appeal for a few low scores */
		const char *state = draft ? "draft" : "recorded", *appeal = NULL;
		double revised = score;
		if (!draft && failed >= 2 && rng_below(&rg, 100) < 35) {
			int outcome = today - day < 10 ? 2 : rng_below(&rg, 2); /* 0 upheld, 1 rejected, 2 pending */
			appeal = outcome == 0 ? "upheld" : outcome == 1 ? "rejected" : "pending";
			if (outcome == 2)
				state = "appealed";
			if (outcome == 0)
				revised = score + 100.0 / (double)nitems[l] > 100 ? 100
										  : score + 100.0 / (double)nitems[l];
			revised = (double)(int64_t)(revised * 10 + 0.5) / 10;
			nappeals++;
		}
		int64_t appeal_due = day + 7;
		rc = db_run(
			db,
			"INSERT INTO inspections (unit_id, inspected_on, checklist_id, kind, plan_id, inspectors, "
			"person_present, score, failed, note, state, recorded_at, appeal_due, appeal, score_original, "
			"hidden, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
			"?, ?, "
			"?, ?)",
			"isissssdisssssssiii", unit, day_text(&a, day), list_ids[l], kind,
			plan ? arena_printf(&a, "%lld", (long long)plan) : NULL,
			!strcmp(kind, "supervisor") ? "行風監督員" : inspectors[rng_below(&rg, COUNT(inspectors))],
			present[rng_below(&rg, COUNT(present))], revised, (int64_t)failed,
			failed ? "現場指出問題，要求限期整改。" : "現場檢查未發現問題。", state,
			draft ? NULL : arena_printf(&a, "%lld", (long long)(at + 3600)),
			draft ? NULL : day_text(&a, appeal_due), appeal,
			appeal && !strcmp(appeal, "upheld") ? arena_printf(&a, "%.1f", score) : NULL,
			hidden ? "1" : "0", at,
			draft    ? at
			: appeal ? at + (strcmp(appeal, "pending") ? 3 * 86400 : 86400)
				 : at + 3600,
			(int64_t)(appeal  ? 3
				  : draft ? 1
					  : 2));
		if (rc)
			break;
		int64_t id = db_one_int64(db, 0, "SELECT max(id) FROM inspections", NULL);
		rc = db_run(db, "UPDATE inspections SET number = ? WHERE id = ?", "si",
			    arena_printf(&a, "D%04d-%05lld", y, (long long)id), id);
		for (int k = 0; !rc && k < nitems[l]; k++) {
			db_bind_int64(ins_res, 1, id);
			db_bind_int64(ins_res, 2, item_ids[l][k]);
			db_bind_int64(ins_res, 3, passed_v[k]);
			db_bind_double(ins_res, 4, points_v[k]);
			db_bind_text(ins_res, 5, notes[k]);
			db_bind_int64(ins_res, 6, at);
			rc = db_step(ins_res) == DB_DONE ? 0 : DB_ERR;
			db_reset(ins_res);
			nres++;
		}
		nfailed += failed;
		if (!rc)
			rc = add_event(db, "inspections", id, at, "office", "create", NULL, "draft", NULL, NULL) < 0;
		if (!rc && !draft)
			rc = add_event(db, "inspections", id, at + 3600,
				       !strcmp(kind, "supervisor") ? "submitter" : "office", "record", "draft",
				       "recorded", NULL, NULL) < 0;
		if (!rc && appeal) {
			rc = add_event(db, "inspections", id, at + 86400, "unit", "appeal", "recorded", "appealed",
				       "部分問題現場已即時整改，申請重新核定得分。", NULL) < 0;
			if (!rc && strcmp(appeal, "pending"))
				rc = add_event(db, "inspections", id, at + 3 * 86400, "office",
					       !strcmp(appeal, "upheld") ? "uphold" : "reject", "appealed", "recorded",
					       !strcmp(appeal, "upheld") ? "經核實，問題已即時整改，酌情改分。"
									 : "問題屬實，維持原得分。",
					       NULL) < 0;
		}
		ninsp++;
	}
	if (!rc) {
		json_t *sum = json_pack("{s:i, s:i, s:i}", "inspections", ninsp, "results", nres, "failed", nfailed);
		rc = audit_write(db, 0, "system", "cli", "demo_load", "inspections", 0, NULL, sum);
		json_decref(sum);
	}
	if (!rc && (rc = db_commit(db)) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("loaded the demo inspections in %.2f s: %d checklists, %d inspections with %d results (%d "
		       "failed), "
		       "%d appeals\n",
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, COUNT(lists), ninsp,
		       nres, nfailed, nappeals);
	} else {
		snprintf(err, errlen, "cannot write the demo inspections: %s", db_errmsg(db));
		db_rollback(db);
		rc = -1;
	}
	arena_free(&a);
	return rc ? -1 : 0;
}
