/* demo.c — the learning module's part of `wenming demo`: the bureau's
 * Friday study day for the last year and the next four weeks (every Friday
 * that is a working day, by the calendar in the database), each required
 * of every active person, with realistic attendance (mostly present, some
 * late, excused with a reason, a few absent, and some people who miss more
 * often than others); the year's "five ones" for every leader and "three
 * ones" for the other staff in every state; training courses whose
 * completions train well over 200 distinct people, with certificate codes;
 * papers, proposals and reflections, among them the director's paper
 * 《創優交通工程建設必須狠抓關口前移源頭治腐》 with its provincial third prize;
 * model figures and learning events. Every figure shown comes from these
 * rows through the module's queries.
 *
 * Deterministic for a seed (splitmix64, as the other demos; attendance by
 * a hash of the person and the session in SQL); one transaction. */
#include "../core/arena.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../module.h"
#include "../platform/workdays.h"
#include "learning.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static int below(struct rng *r, int n)
{
	return n <= 0 ? 0 : (int)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static const char *const topics[] = {
	"學習《中國共產黨廉潔自律準則》",
	"交通運輸行政執法規範化建設專題討論",
	"行風建設與優化營商環境",
	"學習先進典型許振超同志事跡",
	"《行政許可法》重點條款解讀",
	"文明創建工作經驗交流",
	"安全生產責任制專題學習",
	"「首問負責、一次性告知」制度學習",
	"交通工程建設領域廉政風險防控",
	"民主評議行風問題整改專題討論",
	"服務窗口文明用語與禮儀",
	"公路路政執法典型案例分析",
	"黨風廉政建設責任制學習",
	"交通運輸「十四五」發展規劃解讀",
	"信訪工作條例學習",
	"學習趙家富同志先進事跡",
};
static const char *const speakers[] = {"余正軒", "宋學勇", "韓新帆", "朱少平", "王偉",
				       "郭振軍", "黃思鳳", "法規科", "文明辦"};
static const char *const places[] = {"局機關三樓會議室", "局機關一樓報告廳"};

struct demo_course {
	const char *title, *kind, *category, *organizer;
	int days, hours, capacity, month_ago;
};

static const struct demo_course courses[] = {
	{"行政執法人員資格培訓班", "internal", "law_enforcement", "法規科", 3, 24, 80, 11},
	{"文明服務禮儀培訓", "internal", "professional", "文明辦", 1, 6, 120, 10},
	{"黨的理論知識輪訓班", "internal", "political", "局機關黨支部", 2, 12, 100, 9},
	{"交通工程質量監督業務培訓", "external", "professional", "省交通運輸廳", 5, 36, 40, 8},
	{"路政執法規範化培訓", "internal", "law_enforcement", "公路路政支隊", 2, 16, 60, 7},
	{"安全生產管理人員培訓", "external", "professional", "市應急管理局", 3, 20, 50, 6},
	{"廉政教育專題培訓", "internal", "political", "紀檢監察室", 1, 4, 150, 5},
	{"網絡學院公需科目", "online", "professional", "市人社局網絡學院", 30, 30, 300, 4},
	{"行政審批窗口業務培訓", "internal", "professional", "行政審批窗口", 2, 12, 40, 3},
	{"執法文書製作培訓", "internal", "law_enforcement", "法規科", 1, 8, 60, 2},
	{"信訪工作業務培訓", "external", "professional", "市信訪局", 2, 12, 30, 1},
};

static const char *const five_ones[] = {"蹲好一個點", "一次專題調研", "解決一個熱點難點問題", "培植一個典型",
					"撰寫一篇論文"};
static const char *const three_ones[] = {"一次專題調研", "一項改革發展建議", "一次學習心得交流"};
static const char *const evidence[] = {
	"聯繫點設在汽車站，全年蹲點 12 次，協調解決候車室改造問題。",
	"圍繞窗口服務效率開展調研，形成調研報告一篇，報局黨組。",
	"推動「一次性告知」落實，群眾投訴同比下降三成。",
	"培植的窗口獲評市級青年文明號。",
	"撰寫論文一篇，在省交通系統論文評選中獲獎。",
	"提出關於規費征稽流程優化的建議，已被採納。",
	"在周五學習日作學習心得交流發言。",
};

struct demo_paper {
	const char *title, *kind, *abstract, *to;
	int adopted, author, month_ago;
	const char *level, *grade, *issuer;
};

static const struct demo_paper papers[] = {
	{"創優交通工程建設必須狠抓關口前移源頭治腐", "paper",
	 "從交通工程建設的招投標、質量監督和資金撥付三個關口入手，論述廉政風險防控前移、從源頭上預防腐敗的做法與成效。",
	 NULL, 0, 1, 10, "provincial", "third", "省交通運輸廳"},
	{"關於窗口單位推行「一次性告知」的調研報告", "research_report",
	 "對全局十個服務窗口的告知制度落實情況進行調研，提出改進建議。", NULL, 0, 7, 8, "prefecture", "second",
	 "市直機關工委"},
	{"關於優化交通規費征稽流程的建議", "proposal", "建議合併征稽窗口，推行網上繳費。", "局長辦公會", 1, 20, 6, NULL,
	 NULL, NULL},
	{"關於汽車站候車環境改造的建議", "proposal", "建議分期改造候車室，增設便民服務台。", "局黨組", 1, 30, 5, NULL,
	 NULL, NULL},
	{"關於路政巡查信息化的建議", "proposal", "建議推廣移動巡查終端。", "局黨組", 0, 40, 3, NULL, NULL, NULL},
	{"學習許振超同志事跡心得體會", "reflection", "學習許振超同志立足崗位、追求卓越的精神。", NULL, 0, 50, 4,
	 "system", "excellence", "市交通運輸局"},
	{"公路養護市場化改革的思考", "paper", "分析公路養護市場化改革的路徑。", NULL, 0, 2, 7, "prefecture", "first",
	 "市社科聯"},
};

/* A session's sign-in secret: random, as the form makes it. */
static const char *secret(struct arena *a)
{
	unsigned char k[16];
	char hex[33];
	randombytes_buf(k, sizeof k);
	sodium_bin2hex(hex, sizeof hex, k, sizeof k);
	return arena_strdup(a, hex);
}

static const char *day_text(struct arena *a, int64_t day)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(a, cal_format_date(day, d));
}

static int64_t person_nth(struct db *db, int n)
{
	return db_one_int64(
		db, 0, "SELECT id FROM people WHERE archived = 0 AND status = 'active' ORDER BY id LIMIT 1 OFFSET ?",
		"i", (int64_t)n);
}

static const char *cert_code(struct arena *a, struct rng *rg)
{
	static const char abc[] = "ABCDEFGHJKLMNPQRSTUVWXYZ2345679";
	char c[13];
	for (int i = 0; i < 12; i++)
		c[i] = abc[below(rg, (int)sizeof abc - 1)];
	c[12] = 0;
	return arena_strdup(a, c);
}

/* The study days: a plan per year touched, a session every working Friday
 * from a year ago to four weeks ahead, everyone required, attendance for
 * the days before today. */
static int demo_sessions(struct db *db, struct arena *a, int64_t top, int64_t today, int64_t now, int64_t *nsessions)
{
	struct cal cal;
	int rc = workdays_load(db, &cal, NULL, NULL);
	if (rc)
		return rc;
	int64_t days[LEARN_RECUR_MAX];
	int n = learn_recur_dates(&cal, today - 364, today + 28, 5, days, LEARN_RECUR_MAX);
	cal_free(&cal);
	if (n < 0)
		return DB_ERR;
	int64_t plan = 0;
	int plan_year = 0;
	for (int k = 0; !rc && k < n; k++) {
		int y, m, d;
		cal_civil_from_days(days[k], &y, &m, &d);
		if (y != plan_year) {
			plan_year = y;
			rc = db_run(db,
				    "INSERT INTO study_plans (title, unit_id, year, note, created_at, updated_at) "
				    "VALUES (?, ?, "
				    "?, ?, ?, ?)",
				    "siisii", arena_printf(a, "%d 年度周五學習日學習計畫", y), top, (int64_t)y,
				    "堅持周五學習日制度，列出專題討論題目，每月至少一次專題討論。", now, now);
			plan = db_one_int64(db, 0, "SELECT max(id) FROM study_plans", NULL);
		}
		const char *held = day_text(a, days[k]);
		const char *minutes = days[k] < today ? arena_printf(a, "%s主講，與會人員結合工作實際交流發言。",
								     speakers[k % COUNT(speakers)])
						      : NULL;
		if (!rc)
			rc = db_run(db,
				    "INSERT INTO study_sessions (topic, plan_id, unit_id, held_on, starts_at, ends_at, "
				    "place, "
				    "speaker, audience, minutes, series, signin_key, created_at, updated_at) VALUES "
				    "(?, ?, ?, ?, ?, "
				    "?, ?, ?, 'all', ?, ?, ?, ?, ?)",
				    "siisiisssssii", topics[k % COUNT(topics)], plan, top, held,
				    cal_local_time(days[k], 14, 30, 0), cal_local_time(days[k], 16, 30, 0),
				    places[k % 2], speakers[k % COUNT(speakers)], minutes, "每週五 14:30–16:30",
				    secret(a), now, now);
		int64_t sid = db_one_int64(db, 0, "SELECT max(id) FROM study_sessions", NULL);
		/* everyone active; the status by a hash of person and session:
		 * about 86 % present, 5 % late, 5 % excused, 4 % absent, and one
		 * person in thirteen missing more often */
		if (!rc && days[k] < today)
			rc = db_run(
				db,
				"INSERT INTO learning_attendance (session_id, person_id, unit_id, status, reason, "
				"signed_at, "
				"updated_at) SELECT ?, p.id, p.unit_id, CASE WHEN x.h < 86 THEN 'present' WHEN x.h < "
				"91 "
				"THEN 'late' WHEN x.h < 96 THEN 'excused' ELSE 'absent' END, CASE WHEN x.h >= 91 AND "
				"x.h < "
				"96 THEN (CASE WHEN p.id % 3 = 0 THEN '公出' WHEN p.id % 3 = 1 THEN '病假' ELSE "
				"'年休假' END) "
				"ELSE NULL END, NULL, ? FROM people p JOIN (SELECT id, ((id * 7919 + ? * 104729) % "
				"100) + "
				"(CASE WHEN id % 13 = 0 THEN 12 ELSE 0 END) AS h FROM people) x ON x.id = p.id WHERE "
				"p.archived = 0 AND p.status = 'active'",
				"iii", sid, now, sid);
		else if (!rc)
			rc = db_run(db,
				    "INSERT INTO learning_attendance (session_id, person_id, unit_id, updated_at) "
				    "SELECT ?, id, "
				    "unit_id, ? FROM people WHERE archived = 0 AND status = 'active'",
				    "ii", sid, now);
	}
	*nsessions = n;
	return rc;
}

static int item_event(struct db *db, int64_t id, int64_t at, const char *side, const char *action, const char *from,
		      const char *to, const char *reason)
{
	return db_run(
		db,
		"INSERT INTO record_events (record_type, record_id, at, actor, side, action, from_state, to_state, "
		"reason, is_public) VALUES ('programme_items', ?, ?, 'demo', ?, ?, ?, ?, ?, 0)",
		"iisssss", id, at, side, action, from, to, reason);
}

static int demo_programmes(struct db *db, struct arena *a, struct rng *rg, int64_t top, int64_t today, int64_t now,
			   int64_t *nitems)
{
	int y, m, d;
	cal_civil_from_days(today, &y, &m, &d);
	struct {
		const char *code, *name, *applies;
		const char *const *tasks;
		int ntasks;
	} progs[] = {{"five_ones", "領導幹部「五個一」", "leaders", five_ones, COUNT(five_ones)},
		     {"three_ones", "一般幹部職工「三個一」", "staff", three_ones, COUNT(three_ones)}};
	int rc = 0;
	const char *due = arena_printf(a, "%04d-12-20", y);
	for (int g = 0; !rc && g < 2; g++) {
		rc = db_run(
			db,
			"INSERT INTO learning_programmes (code, name, applies_to, unit_id, year, due_on, active, note, "
			"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
			"sssiissii", progs[g].code, progs[g].name, progs[g].applies, top, (int64_t)y, due,
			"局黨組年初部署，年底考核。", now, now);
		int64_t pid = db_one_int64(db, 0, "SELECT max(id) FROM learning_programmes", NULL);
		int64_t task[8];
		for (int t = 0; !rc && t < progs[g].ntasks; t++) {
			rc = db_run(db,
				    "INSERT INTO programme_tasks (programme_id, position, title, created_at, "
				    "updated_at) VALUES "
				    "(?, ?, ?, ?, ?)",
				    "iisii", pid, (int64_t)(t + 1), progs[g].tasks[t], now, now);
			task[t] = db_one_int64(db, 0, "SELECT max(id) FROM programme_tasks", NULL);
		}
		struct db_stmt *q =
			db_query(db, a,
				 g == 0 ? "SELECT id, unit_id FROM people WHERE archived = 0 AND status = 'active' AND "
					  "is_leader = 1 ORDER BY id"
					: "SELECT id, unit_id FROM people WHERE archived = 0 AND status = 'active' AND "
					  "COALESCE(is_leader, 0) = 0 ORDER BY id",
				 NULL);
		int64_t(*who)[2] = arena_alloc(a, 5000 * sizeof *who);
		int nwho = 0;
		while (q && db_step(q) == DB_ROW && nwho < 5000) {
			who[nwho][0] = db_column_int64(q, 0);
			who[nwho++][1] = db_column_int64(q, 1);
		}
		db_reset(q);
		/* the later in the list a task, the less often it is done yet */
		for (int p = 0; !rc && p < nwho; p++)
			for (int t = 0; !rc && t < progs[g].ntasks; t++) {
				int roll = below(rg, 100) + t * 6;
				const char *st = roll < 45   ? "accepted"
						 : roll < 65 ? "submitted"
						 : roll < 70 ? "returned"
							     : "open";
				int done = strcmp(st, "open") != 0;
				int64_t sub = done ? now - 86400 * (int64_t)(5 + below(rg, 200)) : 0;
				rc = db_run(db,
					    "INSERT INTO programme_items (title, programme_id, task_id, person_id, "
					    "unit_id, year, "
					    "due_on, evidence, state, submitted_at, reviewed_at, created_at, "
					    "updated_at) VALUES "
					    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
					    "siiiiisssssii", progs[g].tasks[t], pid, task[t], who[p][0], who[p][1],
					    (int64_t)y, due, done ? evidence[below(rg, COUNT(evidence))] : NULL, st,
					    done ? arena_printf(a, "%lld", (long long)sub) : NULL,
					    done && strcmp(st, "submitted")
						    ? arena_printf(a, "%lld", (long long)(sub + 86400 * 3))
						    : NULL,
					    now, now);
				(*nitems)++;
				/* the steps, as the workflow would have logged them */
				int64_t id = done && !rc
						     ? db_one_int64(db, 0, "SELECT max(id) FROM programme_items", NULL)
						     : 0;
				if (id)
					rc = item_event(db, id, sub, "submitter", "submit", "open", "submitted", NULL);
				if (id && !rc && strcmp(st, "submitted"))
					rc = item_event(db, id, sub + 86400 * 3, "office",
							!strcmp(st, "accepted") ? "accept" : "return", "submitted", st,
							!strcmp(st, "returned") ? "請補充佐證材料（照片或調研報告）。"
										: NULL);
			}
	}
	return rc;
}

static int demo_training(struct db *db, struct arena *a, struct rng *rg, int64_t top, int64_t today, int64_t now,
			 int64_t *nenrol)
{
	int64_t npeople =
		db_one_int64(db, 0, "SELECT count(*) FROM people WHERE archived = 0 AND status = 'active'", NULL);
	int rc = 0;
	for (int c = 0; !rc && c < COUNT(courses); c++) {
		const struct demo_course *k = &courses[c];
		int64_t from = today - 30 * k->month_ago, to = from + k->days - 1;
		rc = db_run(db,
			    "INSERT INTO training_courses (title, kind, category, unit_id, date_from, date_to, hours, "
			    "organizer, capacity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    "sssissdsiii", k->title, k->kind, k->category, top, day_text(a, from), day_text(a, to),
			    (double)k->hours, k->organizer, (int64_t)k->capacity, now, now);
		int64_t cid = db_one_int64(db, 0, "SELECT max(id) FROM training_courses", NULL);
		int want = k->capacity * 3 / 4 + below(rg, k->capacity / 4 + 1);
		if (want > npeople)
			want = (int)npeople;
		int64_t start = below(rg, (int)npeople);
		for (int e = 0; !rc && e < want; e++) {
			int64_t pid = person_nth(db, (int)((start + (int64_t)e * 7) % npeople));
			if (db_one_int64(
				    db, 0,
				    "SELECT count(*) FROM training_enrolments WHERE course_id = ? AND person_id = ?",
				    "ii", cid, pid))
				continue;
			int roll = below(rg, 100);
			const char *st = roll < 90 ? "completed" : roll < 95 ? "failed" : "withdrawn";
			int done = !strcmp(st, "completed");
			rc = db_run(db,
				    "INSERT INTO training_enrolments (course_id, person_id, unit_id, status, score, "
				    "completed_on, cert_code, created_at, updated_at) SELECT ?, id, unit_id, ?, ?, ?, "
				    "?, ?, ? "
				    "FROM people WHERE id = ?",
				    "issssiii", cid, st,
				    strcmp(st, "withdrawn")
					    ? arena_printf(a, "%d", done ? 70 + below(rg, 30) : 40 + below(rg, 19))
					    : NULL,
				    done ? day_text(a, to) : NULL, done ? cert_code(a, rg) : NULL, now, now, pid);
			(*nenrol)++;
		}
	}
	/* the latest record: someone who withdrew from the last course */
	int64_t cid = db_one_int64(db, 0, "SELECT max(id) FROM training_courses", NULL);
	if (!rc)
		rc = db_run(
			db,
			"INSERT INTO training_enrolments (course_id, person_id, unit_id, status, created_at, "
			"updated_at) "
			"SELECT ?, id, unit_id, 'withdrawn', ?, ? FROM people WHERE archived = 0 AND status = 'active' "
			"AND "
			"id NOT IN (SELECT person_id FROM training_enrolments WHERE course_id = ?) ORDER BY id LIMIT 1",
			"iiii", cid, now, now, cid);
	return rc;
}

static int demo_papers(struct db *db, struct arena *a, int64_t top, int64_t today, int64_t now)
{
	int rc = 0;
	for (int k = 0; !rc && k < COUNT(papers); k++) {
		const struct demo_paper *p = &papers[k];
		int64_t pid = person_nth(db, p->author - 1);
		char *author = db_one_text(db, a, "SELECT name FROM people WHERE id = ?", "i", pid);
		int64_t unit = db_one_int64(db, top, "SELECT unit_id FROM people WHERE id = ?", "i", pid);
		rc = db_run(
			db,
			"INSERT INTO learning_papers (title, kind, authors, person_id, unit_id, written_on, abstract, "
			"addressed_to, adopted, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"sssiisssiii", p->title, p->kind, author ? author : "", pid, unit,
			day_text(a, today - 30 * p->month_ago), p->abstract, p->to, (int64_t)p->adopted, now, now);
		int64_t id = db_one_int64(db, 0, "SELECT max(id) FROM learning_papers", NULL);
		if (!rc && p->level)
			rc = db_run(
				db,
				"INSERT INTO learning_awards (paper_id, level, grade, issuer, awarded_on, created_at, "
				"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
				"issssii", id, p->level, p->grade, p->issuer,
				day_text(a, today - 30 * p->month_ago + 60), now, now);
	}
	static const struct {
		const char *name, *kind, *workplace, *deeds;
	} figures[] = {
		{"許振超", "national", "青島港", "從碼頭工人成長為橋吊專家，創造「振超效率」，立足崗位、勇創一流。"},
		{"趙家富", "national", "交通運輸系統", "紮根基層、愛崗敬業、廉潔奉公的交通系統先進典型。"},
		{"黃思鳳", "bureau", "市交通運輸局辦公室", "文明辦骨幹，推動周五學習日制度落實。"},
		{"行政審批窗口", "bureau", "市交通運輸局行政審批窗口",
		 "推行一次性告知、限時辦結，獲評市級青年文明號。"},
	};
	int64_t fig[4] = {0};
	for (int k = 0; !rc && k < COUNT(figures); k++) {
		rc = db_run(db,
			    "INSERT INTO model_figures (name, kind, workplace, deeds, created_at, updated_at) VALUES "
			    "(?, ?, ?, "
			    "?, ?, ?)",
			    "ssssii", figures[k].name, figures[k].kind, figures[k].workplace, figures[k].deeds, now,
			    now);
		fig[k] = db_one_int64(db, 0, "SELECT max(id) FROM model_figures", NULL);
	}
	static const struct {
		const char *title, *kind;
		int figure, count, month_ago;
		const char *results;
	} events[] = {
		{"「學許振超、當文明使者」演講比賽", "speech_contest", 0, 24, 9,
		 "評出一等獎 1 名、二等獎 2 名、三等獎 3 名。"},
		{"趙家富同志先進事跡報告會", "report_meeting", 1, 180, 6, "全局幹部職工聽取報告並交流心得。"},
		{"革命傳統教育：參觀革命紀念館", "tradition", -1, 60, 4, "黨員重溫入黨誓詞。"},
		{"本局先進典型事跡報告會", "report_meeting", 2, 150, 2, "三位本局先進作事跡報告。"},
	};
	static const char *const prizes[] = {"一等獎", "二等獎", "二等獎", "三等獎", "三等獎", "三等獎"};
	for (int k = 0; !rc && k < COUNT(events); k++) {
		rc = db_run(db,
			    "INSERT INTO learning_events (title, kind, held_on, unit_id, figure_id, participant_count, "
			    "results, "
			    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)",
			    "sssissii", events[k].title, events[k].kind, day_text(a, today - 30 * events[k].month_ago),
			    top,
			    events[k].figure >= 0 ? arena_printf(a, "%lld", (long long)fig[events[k].figure]) : NULL,
			    events[k].results, now, now);
		int64_t ev = rc ? 0 : db_one_int64(db, 0, "SELECT max(id) FROM learning_events", NULL);
		/* who took part: that many of the active staff, by a hash of
		 * person and event (a contest's contestants, the rest listeners) */
		if (!rc)
			rc = db_run(db,
				    "INSERT INTO event_participants (event_id, person_id, unit_id, role, name, created_at, "
				    "updated_at) SELECT ?, id, unit_id, ?, name, ?, ? FROM people WHERE archived = 0 AND "
				    "status = 'active' ORDER BY (id * 7919 + ? * 104729) % 1009, id LIMIT ?",
				    "isiiii", ev, !strcmp(events[k].kind, "speech_contest") ? "contestant" : "participant",
				    now, now, ev, (int64_t)events[k].count);
		/* the contest's prizes, to the first six drawn */
		for (int j = 0; !rc && !strcmp(events[k].kind, "speech_contest") && j < COUNT(prizes); j++)
			rc = db_run(db,
				    "UPDATE event_participants SET result = ? WHERE id = (SELECT id FROM event_participants "
				    "WHERE event_id = ? AND result IS NULL ORDER BY id LIMIT 1)",
				    "si", prizes[j], ev);
		if (!rc)
			rc = learn_event_recount(db, ev);
	}
	return rc;
}

int learning_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t existing = db_one_int64(db, -1,
					"SELECT (SELECT count(*) FROM study_sessions) + (SELECT count(*) FROM "
					"learning_programmes) + (SELECT count(*) FROM training_courses)",
					NULL);
	if (existing < 0) {
		snprintf(err, errlen, "cannot read the learning tables: %s", db_errmsg(db));
		return DB_ERR;
	}
	if (existing > 0) {
		snprintf(err, errlen,
			 "the database has study sessions, programmes or courses already; the demo is for an empty "
			 "database");
		return DEMO_E_NOT_EMPTY;
	}
	int64_t top = db_one_int64(db, 0, "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1", NULL);
	if (!top)
		return 0; /* no organization: nothing to study */
	struct arena a;
	arena_init(&a);
	struct rng rg = {o->seed ^ 0x6c6561726eu};
	int64_t now = time(NULL), today = cal_local_day(now), nsessions = 0, nitems = 0, nenrol = 0;
	int rc = db_begin(db);
	if (!rc)
		rc = demo_sessions(db, &a, top, today, now, &nsessions);
	/* the sessions' rows were written in bulk: the statistics' tally once */
	if (!rc)
		rc = learn_tally_rebuild(db);
	if (!rc)
		rc = demo_programmes(db, &a, &rg, top, today, now, &nitems);
	if (!rc)
		rc = demo_training(db, &a, &rg, top, today, now, &nenrol);
	if (!rc)
		rc = demo_papers(db, &a, top, today, now);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		snprintf(err, errlen, "the learning demo failed: %s", db_errmsg(db));
		db_rollback(db);
		arena_free(&a);
		return rc;
	}
	int64_t trained = db_one_int64(
		db, 0, "SELECT count(DISTINCT person_id) FROM training_enrolments WHERE status = 'completed'", NULL);
	int64_t rows = db_one_int64(db, 0, "SELECT count(*) FROM learning_attendance", NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("loaded the demo learning in %.2f s: %lld Friday study sessions with %lld attendance rows, %lld "
	       "\"five ones\" / \"three ones\" tasks, %lld enrolments training %lld people, papers and awards\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, (long long)nsessions,
	       (long long)rows, (long long)nitems, (long long)nenrol, (long long)trained);
	arena_free(&a);
	return 0;
}
