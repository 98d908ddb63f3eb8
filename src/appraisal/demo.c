/* demo.c — the appraisal's part of `wenming demo`: the default
 * questionnaire (two questions per dimension, in three languages), this
 * year's campaign over the secondary units, published, with its four rater
 * pools, a recorded draw from each register, tokens per unit and pool,
 * ballots returned at 60-85 % per pool (one unit below the minimum
 * sample), paper opinion forms, opinions and two appeals. Written straight
 * into the tables in one transaction, through appraisal_store's own SQL
 * shape (tally and counts kept with the ballots). */
#include "../core/arena.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "appraisal.h"
#include "sample.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
	const char *dim, *hant, *hans, *en;
	int levels;
} questions[] = {
	{"lawful_duty", "依法履行職責，不越權、不缺位", "依法履行职责，不越权、不缺位",
	 "Performs its duties as the law says, neither overstepping nor failing them", 5},
	{"lawful_duty", "辦事程序合法、規範", "办事程序合法、规范", "Follows lawful and standard procedures", 5},
	{"fair_enforcement", "執法公正，一視同仁", "执法公正，一视同仁",
	 "Enforces the law fairly, treating everyone alike", 5},
	{"fair_enforcement", "處罰適當，文明執法", "处罚适当，文明执法",
	 "Penalties are proportionate and enforcement is civil", 5},
	{"openness", "辦事依據、流程、收費標準公開透明", "办事依据、流程、收费标准公开透明",
	 "Rules, procedures and fees are public and clear", 5},
	{"openness", "及時公開辦事結果", "及时公开办事结果", "Results are made public in good time", 3},
	{"efficiency", "辦事效率高，不推諉拖延", "办事效率高，不推诿拖延",
	 "Works efficiently, without passing the buck or delay", 5},
	{"efficiency", "落實首問負責、一次性告知", "落实首问负责、一次性告知",
	 "The first person asked takes charge and tells you everything at once", 5},
	{"attitude", "服務熱情、用語文明", "服务热情、用语文明", "Staff are warm and polite", 5},
	{"attitude", "耐心解答諮詢", "耐心解答咨询", "Questions are answered patiently", 5},
	{"integrity", "沒有吃拿卡要現象", "没有吃拿卡要现象", "No asking for favours, gifts or meals", 5},
	{"integrity", "廉潔自律，不以權謀私", "廉洁自律，不以权谋私", "Clean and self-disciplined; no abuse of office",
	 3},
	{"professional_ethics", "愛崗敬業，業務熟練", "爱岗敬业，业务熟练", "Dedicated and skilled at the job", 5},
	{"professional_ethics", "遵守工作紀律，按時在崗", "遵守工作纪律，按时在岗",
	 "Keeps work discipline and is at the post on time", 5},
};
#define NQ ((int)(sizeof questions / sizeof questions[0]))

static const char *const opinions[] = {
	"窗口午休時間希望安排人員值班，方便上班族辦事。",
	"網上辦理的流程說明不夠清楚，建議增加圖示。",
	"工作人員態度很好，耐心解答，點讚。",
	"執法時能否多做解釋，讓群眾心服口服。",
	"辦事大廳停車位太少，建議協調增加。",
	"收費標準公示欄字太小，老年人看不清。",
	"個別工作人員上班時間玩手機，希望加強管理。",
	"希望推行更多「最多跑一次」事項。",
	"投訴電話有時打不通，建議增加坐席。",
	"整體滿意，希望繼續保持。",
};

static const char *const districts[] = {"城區", "開發區", "東城鎮", "西城鎮"};
static const char *const surnames[] = {"王", "李", "張", "劉", "陳", "楊", "趙", "黃", "周", "吳"};
static const char *const given[] = {"建國", "秀英", "志強", "麗華", "海濤", "文靜", "明輝", "春梅"};

struct gen {
	uint64_t rng;
	struct arena *a;
};

static int below(struct gen *g, int n)
{
	return (int)sample_below(&g->rng, (uint64_t)n);
}

static const char *hash_of(struct gen *g)
{
	unsigned char raw[16], h[crypto_hash_sha256_BYTES];
	randombytes_buf(raw, sizeof raw);
	crypto_hash_sha256(h, raw, sizeof raw);
	char *hex = arena_alloc(g->a, 2 * sizeof h + 1);
	sodium_bin2hex(hex, 2 * sizeof h + 1, h, sizeof h);
	return hex;
}

/* A level from 1..levels around a unit's quality q (0..100). */
static int level_for(struct gen *g, int levels, int q)
{
	int x = q + below(g, 81) - 40;
	int l = 1 + x * levels / 101;
	return l < 1 ? 1 : l > levels ? levels : l;
}

static int64_t insert_ballot(struct db *db, struct gen *g, int64_t camp, int64_t unit, int64_t pool, const int64_t *qid,
			     int q, int *nop)
{
	int64_t id =
		db_insert(db,
			  "INSERT INTO appraisal_ballots (campaign_id, unit_id, pool_id, channel) VALUES (?, ?, ?, ?) "
			  "RETURNING id",
			  "iiss", camp, unit, pool ? arena_printf(g->a, "%lld", (long long)pool) : NULL,
			  pool ? "token" : "paper");
	if (id < 0)
		return id;
	for (int i = 0; i < NQ; i++) {
		int l = level_for(g, questions[i].levels, q);
		int rc = db_run(db, "INSERT INTO appraisal_answers (ballot_id, question_id, level) VALUES (?, ?, ?)",
				"iiI", id, qid[i], l);
		if (!rc)
			rc = db_run(
				db,
				"INSERT INTO appraisal_tally (campaign_id, unit_id, question_id, level, n) VALUES (?, "
				"?, ?, ?, 1) ON CONFLICT (campaign_id, unit_id, question_id, level) DO UPDATE SET n "
				"= appraisal_tally.n + 1",
				"iiiI", camp, unit, qid[i], l);
		if (rc)
			return rc;
	}
	int rc = db_run(db,
			"INSERT INTO appraisal_counts (campaign_id, unit_id, ballots) VALUES (?, ?, 1) ON CONFLICT "
			"(campaign_id, unit_id) DO UPDATE SET ballots = appraisal_counts.ballots + 1",
			"ii", camp, unit);
	if (!rc && below(g, 100) < 12) {
		rc = db_run(db, "INSERT INTO appraisal_opinions (campaign_id, unit_id, body) VALUES (?, ?, ?)", "iis",
			    camp, unit, opinions[below(g, (int)(sizeof opinions / sizeof *opinions))]);
		(*nop)++;
	}
	return rc;
}

static int fill(struct db *db, struct gen *g, int64_t now, int *nballots, int *ntokens, int *nop, int *nunits)
{
	int64_t top = db_one_int64(
		db, 0, "SELECT id FROM units WHERE parent_id IS NULL AND archived = 0 ORDER BY id LIMIT 1", NULL);
	if (!top)
		return -1;
	int y, m, d;
	cal_civil_from_days(cal_local_day(now), &y, &m, &d);
	int64_t qnr = db_insert(
		db,
		"INSERT INTO appraisal_questionnaires (title, levels, description, created_at, updated_at) "
		"VALUES (?, '5', ?, ?, ?) RETURNING id",
		"ssii", "民主評議行風問卷（標準版）",
		"七個維度、每維度兩題；服務對象、行風監督員、人大代表政協委員和其他單位幹部職工共用。", now, now);
	if (qnr < 0)
		return (int)qnr;
	int64_t qid[NQ];
	for (int i = 0; i < NQ; i++) {
		qid[i] = db_insert(
			db,
			"INSERT INTO appraisal_questions (questionnaire_id, position, dimension, text_zh_hant, "
			"text_zh_hans, text_en, levels, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
			"RETURNING id",
			"iIsssssii", qnr, i + 1, questions[i].dim, questions[i].hant, questions[i].hans,
			questions[i].en, questions[i].levels == 3 ? "3" : "5", now, now);
		if (qid[i] < 0)
			return (int)qid[i];
	}
	char from[16], to[16];
	snprintf(from, sizeof from, "%04d-03-01", y);
	snprintf(to, sizeof to, "%04d-11-30", y);
	int64_t camp =
		db_insert(db,
			  "INSERT INTO appraisal_campaigns (year, title, root_unit_id, unit_kinds, questionnaire_id, "
			  "period_from, period_to, weight, min_sample, state, created_at, updated_at) VALUES (?, ?, ?, "
			  "'secondary', ?, ?, ?, 10, 30, 'published', ?, ?) RETURNING id",
			  "Isiissii", y, arena_printf(g->a, "%d年度民主評議行風", y), top, qnr, from, to, now, now);
	if (camp < 0)
		return (int)camp;
	static const char *const kinds[] = {"service_recipients", "supervisors", "deputies", "staff_of_other_units"};
	static const char *const pool_names[] = {"窗口服務對象", "行風監督員", "人大代表、政協委員",
						 "其他單位幹部職工"};
	static const int per_unit[] = {40, 5, 4, 6};  /* tokens per unit */
	static const int rate[] = {70, 84, 74, 80};   /* % returned */
	static const int members[] = {0, 20, 36, 60}; /* register sizes */
	int64_t pool[4];
	for (int k = 0; k < 4; k++) {
		pool[k] = db_insert(
			db,
			"INSERT INTO appraisal_pools (campaign_id, kind, name, created_at, updated_at) VALUES (?, "
			"?, ?, ?, ?) RETURNING id",
			"issii", camp, kinds[k], pool_names[k], now, now);
		if (pool[k] < 0)
			return (int)pool[k];
		for (int i = 0; i < members[k]; i++) {
			const char *stratum = k == 2 ? (i % 3 ? "人大代表" : "政協委員") : districts[i % 4];
			int rc = db_run(
				db,
				"INSERT INTO appraisal_raters (pool_id, name, stratum, created_at, updated_at) VALUES "
				"(?, ?, ?, ?, ?)",
				"issii", pool[k],
				arena_printf(g->a, "%s%s", surnames[below(g, 10)], given[below(g, 8)]), stratum, now,
				now);
			if (rc)
				return rc;
		}
		if (members[k]) { /* the recorded draw each pool's tokens came from */
			const char *seed = arena_printf(g->a, "%d%02d%d", y, 3, 1000 + k);
			json_t *sz = json_object();
			int want[4] = {0};
			char *strata[4];
			int ns = 0;
			struct db_stmt *s =
				db_query(db, g->a,
					 "SELECT DISTINCT stratum FROM appraisal_raters WHERE pool_id = ? ORDER BY "
					 "stratum",
					 "i", pool[k]);
			while (s && db_step(s) == DB_ROW && ns < 4)
				strata[ns++] = arena_strdup(g->a, db_column_text(s, 0));
			for (int i = 0; i < ns; i++) {
				want[i] = members[k] / ns / 2;
				json_object_set_new(sz, strata[i], json_integer(want[i]));
			}
			int64_t ids[64];
			int st[64];
			int n = 0;
			s = db_query(db, g->a, "SELECT id, stratum FROM appraisal_raters WHERE pool_id = ? ORDER BY id",
				     "i", pool[k]);
			while (s && db_step(s) == DB_ROW && n < 64) {
				ids[n] = db_column_int64(s, 0);
				for (int i = 0; i < ns; i++)
					if (!strcmp(strata[i], db_column_text(s, 1)))
						st[n] = i;
				n++;
			}
			int64_t chosen[64];
			size_t c = sample_draw(sample_seed(seed), ids, st, (size_t)n, want, ns, chosen);
			struct buf b;
			buf_init(&b, g->a);
			for (size_t i = 0; i < c; i++)
				buf_printf(&b, i ? ",%lld" : "%lld", (long long)chosen[i]);
			char *szs = json_dumps(sz, JSON_COMPACT | JSON_SORT_KEYS);
			json_decref(sz);
			int rc = db_run(
				db,
				"INSERT INTO appraisal_draws (pool_id, seed, sizes, chosen, drawn_by, drawn_at) VALUES "
				"(?, ?, ?, ?, NULL, ?)",
				"isssi", pool[k], seed, szs ? szs : "{}", b.p ? b.p : "", now - 86400 * 200);
			free(szs);
			if (rc)
				return rc;
		}
	}
	struct db_stmt *u =
		db_query(db, g->a,
			 "SELECT u.id FROM unit_tree ut JOIN units u ON u.id = ut.unit_id WHERE ut.ancestor_id = ? "
			 "AND u.id <> ? AND u.archived = 0 AND u.kind = 'secondary' ORDER BY u.id",
			 "ii", top, top);
	int64_t units[256];
	int nu = 0;
	while (u && db_step(u) == DB_ROW && nu < 256)
		units[nu++] = db_column_int64(u, 0);
	*nunits = nu;
	for (int i = 0; i < nu; i++) {
		int quality = 55 + below(g, 40);
		for (int k = 0; k < 4; k++) {
			/* the last unit's window handed out few codes: below the minimum sample */
			int issued = i == nu - 1 ? per_unit[k] / 4 : per_unit[k];
			int used = 0;
			for (int t = 0; t < issued; t++) {
				int take = below(g, 100) < rate[k] + below(g, 11) - 5;
				int rc = db_run(db,
						"INSERT INTO appraisal_tokens (campaign_id, unit_id, pool_id, hash, "
						"used) VALUES "
						"(?, ?, ?, ?, ?)",
						"iiisI", camp, units[i], pool[k], hash_of(g), take);
				if (rc)
					return rc;
				(*ntokens)++;
				used += take;
			}
			for (int t = 0; t < used; t++) {
				int64_t rc = insert_ballot(db, g, camp, units[i], pool[k], qid, quality, nop);
				if (rc < 0)
					return (int)rc;
				(*nballots)++;
			}
		}
		for (int t = 0; i != nu - 1 && t < 3 + below(g, 4); t++) { /* paper opinion forms */
			int64_t rc = insert_ballot(db, g, camp, units[i], 0, qid, quality, nop);
			if (rc < 0)
				return (int)rc;
			(*nballots)++;
		}
	}
	if (nu >= 2) {
		int rc = db_run(
			db,
			"INSERT INTO appraisal_appeals (campaign_id, unit_id, reason, state, created_at, updated_at) "
			"VALUES (?, ?, ?, 'filed', ?, ?)",
			"iisii", camp, units[nu - 1],
			"本單位窗口評議期間因裝修暫停對外服務兩個月，發放的評議碼較少，申請延長本單位的評議期。", now,
			now);
		if (!rc)
			rc = db_run(db,
				    "INSERT INTO appraisal_appeals (campaign_id, unit_id, reason, state, created_at, "
				    "updated_at) VALUES (?, ?, ?, 'rejected', ?, ?)",
				    "iisii", camp, units[0],
				    "「辦事效率」一項的得分受一次系統故障影響，申請剔除故障當日的評議票。", now, now);
		if (rc)
			return rc;
	}
	return 0;
}

int appraisal_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t existing = db_one_int64(db, -1, "SELECT count(*) FROM appraisal_campaigns", NULL);
	if (existing < 0) {
		snprintf(err, errlen, "cannot read the appraisal tables: %s", db_errmsg(db));
		return DB_ERR;
	}
	if (existing > 0) {
		snprintf(err, errlen,
			 "the database has appraisal campaigns already; the demo is for an empty database");
		return DEMO_E_NOT_EMPTY;
	}
	struct arena a;
	arena_init(&a);
	struct gen g = {.rng = o->seed ^ 0x61707072616973u, .a = &a};
	int nb = 0, nt = 0, nop = 0, nu = 0;
	int64_t now = (int64_t)time(NULL);
	int rc = db_begin(db);
	if (!rc)
		rc = fill(db, &g, now, &nb, &nt, &nop, &nu);
	if (rc == -1)
		snprintf(err, errlen, "the appraisal's demo needs the organization's demo (units) first");
	else if (rc)
		snprintf(err, errlen, "cannot write the demo appraisal: %s", db_errmsg(db));
	if (!rc) {
		json_t *sum = json_pack("{s:i, s:i, s:i}", "units", nu, "tokens", nt, "ballots", nb);
		rc = audit_write(db, 0, "system", "cli", "demo_load", "appraisal", 0, NULL, sum);
		json_decref(sum);
		if (rc)
			snprintf(err, errlen, "cannot write the audit entry: %s", db_errmsg(db));
	}
	if (!rc && (rc = db_commit(db)))
		snprintf(err, errlen, "cannot commit: %s", db_errmsg(db));
	if (rc)
		db_rollback(db);
	arena_free(&a);
	if (rc)
		return rc;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("loaded the demo appraisal in %.2f s: 1 campaign over %d units, %d tokens, %d ballots, %d opinions\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, nu, nt, nb, nop);
	return 0;
}
