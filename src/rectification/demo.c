/* demo.c — the rectification module's part of `wenming demo`: a ledger
 * consistent with the cases demo. Items raised from closed complaint cases
 * (the case's handling unit and text), leader instructions, higher
 * authorities' notices, supervisors' opinions and self-checks, assigned on
 * working days over the last ten months, in every state: assigned, in
 * progress (some overdue and reminded), extension pending, submitted,
 * closed on time, closed late; and last month's random re-check draw
 * (recorded with its seed and pool, reproducible) with items passed,
 * failed (reopened) and still to re-check. Each step is a record_events
 * row with the timestamps the workflow's hooks would set. Deterministic
 * for a seed and a day; a few hundred statements in one transaction. */
#include "../core/rng.h"
#include "../core/arena.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../platform/workdays.h"
#include "../records/files.h"
#include "rect.h"

#include <gd.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))


static const char *const leader_items[] = {
	"局長在全局作風建設推進會上指出：部分窗口單位午休時段無人值守，群眾辦事等候時間過長，要求立即整改。",
	"分管局領導批示：執法人員著裝不規範、未亮證執法問題在多個中隊反覆出現，請逐一排查整改。",
	"局長批示：出租車服務投訴量連續兩月上升，請客管處牽頭分析原因，制定整改措施。",
	"分管局領導指出：部分單位「首問負責制」落實不到位，存在推諉扯皮現象，限期整改。",
	"局黨組會議要求：政務服務窗口一次性告知清單未及時更新，請各窗口單位對照整改。",
	"局長在督查通報會上指出：個別單位值班紀律鬆弛，值班記錄不全，請嚴肅整改。",
};
static const char *const notice_items[] = {
	"市文明辦通報：交通運輸系統窗口單位「文明用語」暗訪抽查中發現服務用語不規範問題。",
	"市政府督查室通報：12345 熱線轉辦交通類工單按時辦結率低於全市平均水準，要求提高辦理質效。",
	"省交通運輸廳通報：道路運輸行政許可事項辦理時限超出承諾時限，要求限期整改。",
	"市紀委監委通報：執法領域作風問題專項整治中發現個別執法人員態度生硬、執法不文明。",
	"市文明辦測評通報：公交站台衛生、站牌資訊更新不及時，影響文明城市測評得分。",
};
static const char *const supervisor_items[] = {
	"行風監督員反映：汽車客運站售票窗口高峰時段只開一個窗口，排隊時間長。",
	"行風監督員反映：駕培機構收費公示不清，存在隱性收費。",
	"行風監督員反映：路政巡查車輛違規停放在人行道上，群眾意見大。",
};
static const char *const self_items[] = {
	"自查發現：單位制度上牆內容過時，未更新為本年度版本。",
	"自查發現：服務評價器部分損壞，群眾無法評價。",
	"自查發現：政務公開欄資訊更新滯後兩個月。",
};
static const char *const measures_text[] = {
	"一、召開專題會議，分析問題成因；二、明確責任人和完成時限；三、完善相關制度並組織全員學習；四、建立日常檢查機制"
	"，防止問題反彈。",
	"立即調整人員排班，增設彈性窗口；對相關責任人進行約談提醒；每週開展自查並形成記錄。",
	"對照問題清單逐項整改，組織業務培訓一次，修訂崗位職責和服務規範，納入月度考核。",
	"約談相關當事人並責令書面檢討；完善考核細則；安排專人跟蹤回訪，確保整改到位。",
};
static const char *const verify_text[] = {
	"經現場核查，整改措施已落實到位，佐證材料齊全，同意銷號。",
	"經查閱資料和電話回訪，問題已整改，同意銷號。",
	"經暗訪複查，問題未再出現，整改到位，同意銷號。",
};
static const char *const send_back_text[] = {"佐證材料不充分，缺少整改前後對比照片，請補充後重新提交。",
					     "整改措施過於籠統，未說明長效機制，請完善。"};
static const char *const ext_text[] = {"需協調市政部門共同整改，申請延期。",
				       "涉及設備採購，需走政府採購程序，申請延期。"};
static const char *const progress_text[] = {"已召開專題會議，制定整改方案。", "已完成人員調整和培訓。",
					    "整改措施已落實大半，正在收集佐證材料。"};

struct gen {
	struct db *db;
	struct arena *a;
	struct rng r;
	struct cal cal;
	int64_t now, today;
	int64_t last;    /* the time of the latest event of the item being written */
	int64_t last_ev; /* the id of the event written last */
	int items, events;
};

static const char *num(struct gen *g, int64_t v)
{
	return arena_printf(g->a, "%lld", (long long)v);
}

static const char *day_text(struct gen *g, int64_t day)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(g->a, cal_format_date(day, d));
}

static int64_t wd(struct gen *g, int64_t day, int n)
{
	int64_t due = day;
	cal_add_workdays(&g->cal, day, n, &due);
	return due;
}

static int64_t wd_between(struct gen *g, int64_t from, int64_t to)
{
	int64_t n = 0;
	cal_count_workdays(&g->cal, from, to, &n);
	return n;
}

static int64_t at(struct gen *g, int64_t day)
{
	return cal_local_time(day, 9 + rng_below(&g->r, 8), rng_below(&g->r, 60), 0);
}

static int event(struct gen *g, int64_t id, int64_t t, const char *side, const char *actor, const char *action,
		 const char *from, const char *to, const char *reason, const char *note, const char *data)
{
	g->events++;
	if (t > g->now)
		t = g->now - 60;
	if (t > g->last)
		g->last = t;
	int64_t ev =
		db_insert(g->db,
			  "INSERT INTO record_events (record_type, record_id, at, actor, side, action, from_state, "
			  "to_state, reason, note, data, is_public) VALUES ('rectifications', ?, ?, ?, ?, ?, ?, ?, ?, "
			  "?, ?, 0) RETURNING id",
			  "iisssssss"
			  "s",
			  id, t, actor, side, action, from, to, reason, note, data);
	if (ev < 0)
		return (int)ev;
	g->last_ev = ev;
	return 0;
}

static const char *json1(struct gen *g, const char *k, const char *v)
{
	json_t *o = json_pack("{s:s}", k, v);
	char *t = json_dumps(o, JSON_COMPACT);
	const char *r = arena_strdup(g->a, t);
	free(t);
	json_decref(o);
	return r;
}

/* A photo of the rectified place (a drawn stand-in: a coloured notice on a
 * wall) as the evidence of item id's submission event ev; its file id, or
 * a negative DB_E_* code. */
static int64_t evidence_write(struct gen *g, int64_t id, int64_t ev, int64_t t)
{
	gdImagePtr im = gdImageCreateTrueColor(320, 240);
	if (!im)
		return DB_ERR;
	int wall = gdImageColorAllocate(im, 226, 221, 208),
	    board = gdImageColorAllocate(im, 40 + rng_below(&g->r, 60), 90, 150),
	    line = gdImageColorAllocate(im, 245, 245, 240);
	gdImageFilledRectangle(im, 0, 0, 319, 239, wall);
	int x = 60 + rng_below(&g->r, 40), y = 40 + rng_below(&g->r, 30);
	gdImageFilledRectangle(im, x, y, x + 180, y + 130, board);
	for (int k = 0; k < 5; k++)
		gdImageFilledRectangle(im, x + 15, y + 18 + 22 * k, x + 165 - 10 * rng_below(&g->r, 6), y + 26 + 22 * k,
				       line);
	int n = 0;
	void *png = gdImagePngPtr(im, &n);
	gdImageDestroy(im);
	if (!png)
		return DB_ERR;
	size_t tn = 0;
	const void *thumb = files_thumbnail(g->a, png, (size_t)n, "image/png", &tn);
	unsigned char hash[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1];
	crypto_hash_sha256(hash, png, (unsigned long long)n);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	struct db_stmt *q =
		db_prepare(g->db, g->a,
			   "INSERT INTO files (record_type, record_id, event_id, field, name, mime, size, sha256, "
			   "created_at, created_by, thumb, data) VALUES ('rectifications', ?, ?, 'evidence', ?, "
			   "'image/png', ?, ?, ?, NULL, ?, ?) RETURNING id");
	int64_t fid = DB_ERR;
	if (q) {
		db_bind_int64(q, 1, id);
		db_bind_int64(q, 2, ev);
		db_bind_text(q, 3, "整改後照片.png");
		db_bind_int64(q, 4, n);
		db_bind_text(q, 5, hex);
		db_bind_int64(q, 6, t);
		if (thumb)
			db_bind_blob(q, 7, thumb, tn);
		else
			db_bind_null(q, 7);
		db_bind_blob(q, 8, png, (size_t)n);
		fid = db_step(q) == DB_ROW ? db_column_int64(q, 0) : DB_ERR;
		db_reset(q);
	}
	gdFree(png);
	if (fid > 0) {
		int rc = db_run(g->db, "UPDATE rectifications SET evidence = ? WHERE id = ?", "si", num(g, fid), id);
		if (rc)
			return rc;
	}
	return fid;
}

enum outcome { O_ASSIGNED, O_IN_PROGRESS, O_OVERDUE, O_EXTENSION, O_SUBMITTED, O_ON_TIME, O_LATE, O__COUNT };

struct item {
	const char *problem, *source, *source_ref;
	int64_t source_case, unit, person;
	const char *checklist_item; /* an inspection's: the item's code */
};

/* Writes one item that reached outcome o, assigned on day a0. */
static int item_write(struct gen *g, const struct item *it, enum outcome o, int64_t a0)
{
	const char *office = "文明辦", *unit = "責任單位";
	int days = 10 + 5 * rng_below(&g->r, 2);
	int64_t due = wd(g, a0, days), t0 = at(g, a0);
	if (t0 > g->now)
		t0 = g->now - 7200;
	const char *state = "assigned", *measures = NULL, *verification = NULL, *ext_to = NULL;
	int64_t progress = 0, submitted = 0, closed = 0, reminders = 0, ontime = -1, dtc = -1;
	const char *reminded = NULL;
	/* the path, as days */
	int64_t d_start = wd(g, a0, 1 + rng_below(&g->r, 2));
	int64_t d_sub = 0, d_close = 0, d_ext = 0, d_back = 0;
	if (o >= O_IN_PROGRESS) {
		state = "in_progress";
		measures = measures_text[rng_below(&g->r, COUNT(measures_text))];
		progress = 20 + 10 * rng_below(&g->r, 6);
	}
	if (o == O_EXTENSION) {
		state = "extension";
		d_ext = wd(g, d_start, 2);
		ext_to = day_text(g, wd(g, due, 10));
	}
	if (o == O_OVERDUE) {
		reminders = 1;
		reminded = day_text(g, due);
	}
	if (o >= O_SUBMITTED) {
		int late = o == O_LATE;
		int64_t sub_day = late ? wd(g, due, 2 + rng_below(&g->r, 6)) : wd(g, d_start, 2 + rng_below(&g->r, days - 4));
		if (!late && sub_day > due)
			sub_day = due;
		if (sub_day >= g->today)
			sub_day = g->today - 1;
		if (rng_below(&g->r, 5) == 0 && o >= O_ON_TIME) { /* sent back once */
			d_back = wd(g, sub_day, 1);
			d_sub = wd(g, d_back, 1 + rng_below(&g->r, 2));
		} else {
			d_sub = sub_day;
		}
		submitted = at(g, d_sub);
		state = "submitted";
		progress = 100;
		if (late)
			reminders = 1, reminded = day_text(g, due);
	}
	if (o >= O_ON_TIME) {
		d_close = wd(g, d_sub, 1 + rng_below(&g->r, 2));
		if (o == O_ON_TIME && d_close > due)
			d_close = due < d_sub ? d_sub : due;
		closed = at(g, d_close);
		if (closed <= submitted)
			closed = submitted + 3600;
		state = "closed";
		ontime = cal_local_day(closed) <= due;
		dtc = wd_between(g, a0, cal_local_day(closed));
		verification = verify_text[rng_below(&g->r, COUNT(verify_text))];
	}
	int64_t last = closed ? closed : submitted ? submitted : t0;
	int64_t id = db_insert(
		g->db,
		"INSERT INTO rectifications (archived, version, created_at, updated_at, number, problem, source, "
		"source_case, source_ref, unit_id, person, due, measures, progress, verification, state, assigned_at, "
		"submitted_at, closed_at, closed_on, on_time, days_to_close, extension_to, reminders, reminded_due) "
		"VALUES (0, 1, "
		"?, "
		"?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"iissssssssssssssssssss", t0, last, it->problem, it->source,
		it->source_case ? num(g, it->source_case) : NULL, it->source_ref, num(g, it->unit),
		it->person ? num(g, it->person) : NULL, day_text(g, due), measures, num(g, progress), verification,
		state, num(g, t0), submitted ? num(g, submitted) : NULL, closed ? num(g, closed) : NULL,
		closed ? day_text(g, cal_local_day(closed)) : NULL, ontime >= 0 ? num(g, ontime) : NULL,
		dtc >= 0 ? num(g, dtc) : NULL, ext_to, num(g, reminders), reminded);
	if (id < 0)
		return (int)id;
	int y, m, d;
	cal_civil_from_days(a0, &y, &m, &d);
	int rc = db_run(g->db, "UPDATE rectifications SET number = ?, checklist_item = ? WHERE id = ?", "ssi",
			arena_printf(g->a, "ZG-%04d-%04lld", y, (long long)id), it->checklist_item, id);
	g->items++;
	g->last = 0;
	if (!rc)
		rc = event(g, id, t0, "office", office, "create", NULL, "assigned", NULL, NULL, NULL);
	if (!rc && o >= O_IN_PROGRESS)
		rc = event(g, id, at(g, d_start), "unit", unit, "start", "assigned", "in_progress", NULL, NULL,
			   json1(g, "measures", measures));
	if (!rc && o >= O_IN_PROGRESS && o != O_EXTENSION && d_start < g->today)
		rc = event(g, id, at(g, d_start) + 86400, "unit", unit, "update_progress", "in_progress", "in_progress",
			   NULL, progress_text[rng_below(&g->r, COUNT(progress_text))],
			   json1(g, "progress", o >= O_SUBMITTED ? "60" : num(g, progress)));
	if (!rc && o == O_EXTENSION)
		rc = event(g, id, at(g, d_ext), "unit", unit, "request_extension", "in_progress", "extension",
			   ext_text[rng_below(&g->r, COUNT(ext_text))], NULL, json1(g, "extension_to", ext_to));
	if (!rc && reminders)
		rc = event(g, id, cal_local_time(wd(g, due, 1), 8, 0, 0), "system", NULL, "remind", "in_progress",
			   "in_progress", NULL, "整改事項已超過整改時限，請儘快辦理。", NULL);
	if (!rc && d_back) {
		rc = event(g, id, at(g, d_back) - 86400, "unit", unit, "submit", "in_progress", "submitted", NULL,
			   "已按要求完成整改，提交佐證材料。", NULL);
		if (!rc)
			rc = event(g, id, at(g, d_back), "office", office, "send_back", "submitted", "in_progress",
				   send_back_text[rng_below(&g->r, COUNT(send_back_text))], NULL, NULL);
	}
	if (!rc && o >= O_SUBMITTED)
		rc = event(g, id, submitted, "unit", unit, "submit", "in_progress", "submitted", NULL,
			   "整改已完成，佐證材料見附件。", NULL);
	if (!rc && o >= O_SUBMITTED) {
		int64_t fid = evidence_write(g, id, g->last_ev, submitted);
		rc = fid < 0 ? (int)fid : 0;
	}
	if (!rc && o >= O_ON_TIME)
		rc = event(g, id, closed, "office", office, "close", "submitted", "closed", NULL, NULL,
			   json1(g, "verification", verification));
	if (!rc)
		rc = db_run(g->db, "UPDATE rectifications SET updated_at = ? WHERE id = ?", "ii", g->last, id);
	return rc;
}

static int64_t person_of(struct gen *g, int64_t unit)
{
	return db_one_int64(
		g->db, 0,
		"SELECT id FROM people WHERE archived = 0 AND unit_id IN (SELECT unit_id FROM unit_tree WHERE "
		"ancestor_id = ?) ORDER BY id LIMIT 1",
		"i", unit);
}

/* A working day about back days ago. */
static int64_t past_day(struct gen *g, int back)
{
	return wd(g, g->today - back, 0);
}

/* Last month's re-check draw: 30 % of the items closed in it. */
static int draw_write(struct gen *g)
{
	int y, m, d;
	cal_civil_from_days(g->today, &y, &m, &d);
	if (--m == 0)
		m = 12, y--;
	int64_t from = cal_days_from_civil(y, m, 1),
		to = cal_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
	struct db_stmt *q =
		db_query(g->db, g->a,
			 "SELECT id FROM rectifications WHERE state = 'closed' AND archived = 0 AND closed_at "
			 ">= ? AND closed_at < ? ORDER BY id LIMIT 500",
			 "ii", cal_local_time(from, 0, 0, 0), cal_local_time(to, 0, 0, 0));
	int64_t pool[500], chosen[500];
	int np = 0;
	while (q && db_step(q) == DB_ROW && np < 500)
		pool[np++] = db_column_int64(q, 0);
	if (!np)
		return 0;
	uint64_t seed = 20260000u + (uint64_t)rng_below(&g->r, 10000);
	int k = rect_sample(seed, pool, np, (np * 30 + 99) / 100, chosen);
	struct buf bp, bc;
	buf_init(&bp, g->a);
	buf_init(&bc, g->a);
	for (int i = 0; i < np; i++)
		buf_printf(&bp, "%s%lld", i ? "," : "", (long long)pool[i]);
	for (int i = 0; i < k; i++)
		buf_printf(&bc, "%s%lld", i ? "," : "", (long long)chosen[i]);
	int64_t drawn = cal_local_time(to, 9, 0, 0); /* the month closed, the next morning */
	if (drawn > g->now)
		drawn = g->now - 3600;
	int64_t draw =
		db_insert(g->db,
			  "INSERT INTO rect_recheck_draws (month, seed, size_kind, size_value, pool, pool_size, "
			  "chosen, drawn_by, drawn_at) VALUES (?, ?, 'pct', 30, ?, ?, ?, NULL, ?) RETURNING id",
			  "sssss"
			  "i",
			  arena_printf(g->a, "%04d-%02d", y, m), num(g, (int64_t)seed), bp.p, num(g, np), bc.p, drawn);
	if (draw < 0)
		return (int)draw;
	for (int i = 0; i < k; i++) {
		int64_t id = chosen[i];
		int rc = 0;
		if (i % 3 == 0) {
			rc = db_run(g->db, "UPDATE rectifications SET recheck = 'drawn', recheck_draw = ? WHERE id = ?",
				    "ii", draw, id);
		} else if (i % 3 == 1) {
			rc = db_run(g->db,
				    "UPDATE rectifications SET recheck = 'passed', recheck_draw = ? WHERE id = ?", "ii",
				    draw, id);
			if (!rc)
				rc = event(g, id, drawn + 3 * 3600, "office", "文明辦", "recheck_pass", "closed",
					   "closed", NULL, "隨機複查：現場核實整改效果良好，問題未反彈。", NULL);
		} else {
			int64_t due = wd(g, g->today, 10);
			rc = db_run(g->db,
				    "UPDATE rectifications SET recheck = 'failed', recheck_draw = ?, state = "
				    "'in_progress', "
				    "closed_at = NULL, closed_on = NULL, on_time = NULL, days_to_close = NULL, "
				    "submitted_at = NULL, due = ? "
				    "WHERE id = ?",
				    "isi", draw, day_text(g, due), id);
			if (!rc)
				rc = event(g, id, drawn + 3 * 3600, "office", "文明辦", "recheck_fail", "closed",
					   "in_progress", "隨機複查：問題出現反彈，整改不到位，重新整改。", NULL,
					   json1(g, "due", day_text(g, due)));
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* The day an item reaching outcome o is assigned, natural when its source
 * allows: open items are recent, overdue ones a month old, and closed
 * ones need room before today. */
static int64_t start_day(struct gen *g, enum outcome o, int64_t natural)
{
	if (o == O_SUBMITTED)
		return past_day(g, 9 + rng_below(&g->r, 4));
	if (o <= O_EXTENSION && o != O_OVERDUE)
		return past_day(g, 2 + rng_below(&g->r, 5));
	if (o == O_OVERDUE)
		return past_day(g, 25 + rng_below(&g->r, 10));
	return natural > g->today - 40 ? past_day(g, 40 + rng_below(&g->r, 30)) : natural;
}

static int generate(struct gen *g)
{
	/* the units: the secondary units of the organization demo */
	int64_t units[64];
	int nu = 0;
	struct db_stmt *q =
		db_query(g->db, g->a,
			 "SELECT id FROM units WHERE kind = 'secondary' AND archived = 0 ORDER BY id LIMIT 64", NULL);
	while (q && db_step(q) == DB_ROW && nu < 64)
		units[nu++] = db_column_int64(q, 0);
	if (!nu)
		return 0;
	int rc = 0;
	/* raised from closed complaint cases, one in about every fifteen */
	q = db_query(
		g->db, g->a,
		"SELECT id, title, description, unit_id, closed_at FROM cases WHERE kind = 'complaint' AND state = "
		"'closed' AND unit_id IS NOT NULL AND archived = 0 ORDER BY id",
		NULL);
	struct {
		int64_t id, unit, closed;
		const char *text;
	} cs[60];
	int nc = 0, k = 0;
	while (q && db_step(q) == DB_ROW && nc < 60)
		if (k++ % 15 == 7) {
			cs[nc].id = db_column_int64(q, 0);
			cs[nc].unit = db_column_int64(q, 3);
			cs[nc].closed = db_column_int64(q, 4);
			cs[nc].text = arena_printf(g->a, "%s\n%.600s", db_column_text(q, 1), db_column_text(q, 2));
			nc++;
		}
	static const enum outcome mix[] = {O_ON_TIME,   O_ON_TIME, O_LATE,    O_ON_TIME,   O_IN_PROGRESS, O_ON_TIME,
					   O_SUBMITTED, O_OVERDUE, O_ON_TIME, O_EXTENSION, O_ASSIGNED,    O_LATE};
	for (int i = 0; !rc && i < nc; i++) {
		enum outcome o = mix[i % COUNT(mix)];
		struct item it = {cs[i].text, "case",     arena_printf(g->a, "cases:%lld", (long long)cs[i].id),
				  cs[i].id,   cs[i].unit, person_of(g, cs[i].unit)};
		rc = item_write(g, &it, o, start_day(g, o, wd(g, cal_local_day(cs[i].closed), 1)));
	}
	/* raised from failed items of recorded inspections, one in about every
	 * four (the same checklist item failing twice for a unit is a repeat) */
	q = db_query(g->db, g->a,
		     "SELECT r.id, i.unit_id, i.inspected_on, c.code, c.label, r.note FROM inspection_results r "
		     "JOIN inspections i ON i.id = r.inspection_id JOIN checklist_items c ON c.id = r.item_id "
		     "WHERE r.passed = 0 AND i.state = 'recorded' AND i.archived = 0 ORDER BY r.id",
		     NULL);
	struct {
		int64_t id, unit, day;
		const char *code, *text;
	} fs[40];
	int nf = 0;
	k = 0;
	while (q && db_step(q) == DB_ROW && nf < 40) {
		int64_t day;
		if (k++ % 4 != 1 || cal_parse_date(db_column_text(q, 2), &day))
			continue;
		const char *note = db_column_text(q, 5);
		fs[nf].id = db_column_int64(q, 0);
		fs[nf].unit = db_column_int64(q, 1);
		fs[nf].day = day;
		fs[nf].code = arena_strdup(g->a, db_column_text(q, 3));
		fs[nf].text = note && *note ? arena_printf(g->a, "%s：%s", db_column_text(q, 4), note)
					    : arena_strdup(g->a, db_column_text(q, 4));
		nf++;
	}
	db_reset(q);
	for (int i = 0; !rc && i < nf; i++) {
		enum outcome o = mix[(i + 5) % COUNT(mix)];
		struct item it = {fs[i].text, "inspection", arena_printf(g->a, "inspection_results:%lld", (long long)fs[i].id),
				  0, fs[i].unit, person_of(g, fs[i].unit), fs[i].code};
		rc = item_write(g, &it, o, start_day(g, o, wd(g, fs[i].day, 1)));
	}
	/* and from the appraisal's opinions, one in about every five */
	q = db_query(g->db, g->a, "SELECT id, unit_id, body FROM appraisal_opinions ORDER BY id", NULL);
	struct {
		int64_t id, unit;
		const char *text;
	} ops[15];
	int no = 0;
	k = 0;
	while (q && db_step(q) == DB_ROW && no < 15)
		if (k++ % 5 == 2) {
			ops[no].id = db_column_int64(q, 0);
			ops[no].unit = db_column_int64(q, 1);
			ops[no].text = arena_strdup(g->a, db_column_text(q, 2));
			no++;
		}
	db_reset(q);
	for (int i = 0; !rc && i < no; i++) {
		enum outcome o = mix[(i + 2) % COUNT(mix)];
		struct item it = {ops[i].text, "appraisal", arena_printf(g->a, "appraisal_opinions:%lld", (long long)ops[i].id),
				  0, ops[i].unit, person_of(g, ops[i].unit)};
		rc = item_write(g, &it, o, start_day(g, o, past_day(g, 30 + rng_below(&g->r, 60))));
	}
	/* leader instructions, notices, supervisors' opinions, self-checks */
	struct {
		const char *const *v;
		int n;
		const char *src;
	} kinds[] = {{leader_items, COUNT(leader_items), "leader"},
		     {notice_items, COUNT(notice_items), "notice"},
		     {supervisor_items, COUNT(supervisor_items), "supervisor"},
		     {self_items, COUNT(self_items), "self_check"}};
	int j = 0;
	for (int kk = 0; !rc && kk < COUNT(kinds); kk++)
		for (int i = 0; !rc && i < kinds[kk].n; i++, j++) {
			enum outcome o = mix[(j * 5 + 3) % COUNT(mix)];
			int64_t unit = units[rng_below(&g->r, nu)];
			struct item it = {kinds[kk].v[i], kinds[kk].src, NULL, 0, unit, person_of(g, unit)};
			rc = item_write(g, &it, o, start_day(g, o, past_day(g, 30 + rng_below(&g->r, 270))));
		}
	/* and a dozen more, assigned early last month and closed in it, for
	 * the re-check */
	int ly, lm, ld;
	cal_civil_from_days(g->today, &ly, &lm, &ld);
	if (--lm == 0)
		lm = 12, ly--;
	int64_t lm_start = cal_days_from_civil(ly, lm, 1);
	for (int i = 0; !rc && i < 12; i++) {
		int64_t unit = units[rng_below(&g->r, nu)];
		int64_t a0 = wd(g, lm_start, rng_below(&g->r, 3));
		struct item it = {
			kinds[i % 4].v[i % kinds[i % 4].n], kinds[i % 4].src, NULL, 0, unit, person_of(g, unit)};
		rc = item_write(g, &it, i % 4 == 3 ? O_LATE : O_ON_TIME, a0);
	}
	if (!rc)
		rc = draw_write(g);
	/* the office publishes the secondary units' report cards */
	if (!rc)
		rc = db_run(g->db, "UPDATE units SET published = 1 WHERE kind = 'secondary' AND archived = 0", NULL);
	return rc;
}

int rect_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t existing = db_one_int64(db, -1, "SELECT count(*) FROM rectifications", NULL);
	if (existing < 0) {
		snprintf(err, errlen, "cannot read the rectification table: %s", db_errmsg(db));
		return DB_ERR;
	}
	if (existing > 0) {
		snprintf(err, errlen,
			 "the database has rectification items already; the demo is for an empty database");
		return DEMO_E_NOT_EMPTY;
	}
	struct arena a;
	arena_init(&a);
	struct gen g = {.db = db, .a = &a};
	g.r.s = o->seed ^ 0x72656374696679u;
	g.now = (int64_t)time(NULL);
	g.today = cal_local_day(g.now);
	if (workdays_load(db, &g.cal, NULL, NULL)) {
		cal_free(&g.cal);
		arena_free(&a);
		snprintf(err, errlen, "cannot read the working-day calendar: %s", db_errmsg(db));
		return DB_ERR;
	}
	int rc = db_begin(db);
	if (!rc)
		rc = generate(&g);
	if (!rc) {
		json_t *sum = json_pack("{s:i, s:i}", "items", g.items, "events", g.events);
		rc = audit_write(db, 0, "system", "cli", "demo_load", "rectifications", 0, NULL, sum);
		json_decref(sum);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		snprintf(err, errlen, "cannot write the demo rectification ledger: %s", db_errmsg(db));
		db_rollback(db);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("loaded the demo rectification ledger in %.2f s: %d items with %d events\n",
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, g.items, g.events);
	}
	cal_free(&g.cal);
	arena_free(&a);
	return rc;
}
