/* demo.c — `wenming demo`: loads the demo organization into an empty
 * database, so that a newcomer (and `make run`) sees a realistic bureau.
 *
 * The bureau is the one of the experience report: 市交通運輸局 with its own
 * departments, 13 secondary units with their departments, service windows
 * and posts, a party branch in each, the leadership group headed by the
 * director, a task force, a leadership group in each secondary unit and 20
 * conduct supervisors. Its figures are NOT stored anywhere: they come out of
 * the people register through the statistics query (stats.c), which counts
 * over people with archived = 0 AND status = 'active' in a unit's subtree:
 *   total                       every such person
 *   party_members               party_member = 1                      (358)
 *   law_enforcement_certified   cert_number IS NOT NULL AND
 *                               cert_expires >= today                 (314)
 *   mid_level_professionals     title_level IN ('intermediate',
 *                               'associate_senior', 'senior')         (106)
 * The first DEMO_PEOPLE_MIN active people (the core roster) carry exactly
 * these attributes, chosen by weight (enforcement units hold the
 * certificates, engineering units the titles, leaders are party members);
 * the staff beyond them (--people N) have none of the three, so the figures
 * hold for any N. Twenty retired or transferred people, some with party
 * membership, valid certificates or titles, must not change them.
 *
 * Certificate expiry dates are counted from today (6 days to about 3 years
 * ahead, about ten within 60 days) so that the figures hold on any day the
 * demo is loaded; everything else depends on the seed only. Random numbers
 * come from our own splitmix64 streams, never rand().
 *
 * Rows are written with plain SQL through db.h in one transaction (the
 * records engine's per-record validation and audit would be far too slow
 * for a million people): multi-row INSERTs on SQLite, column arrays and
 * unnest() on PostgreSQL. One audit entry summarises the load. demo_load
 * leaves the search index alone; cmd_demo rebuilds it afterwards. This
 * file must not be used on a database that has units or people: it
 * refuses. */
#include "demo.h"
#include "stats.h"
#include "../cli.h"
#include "../core/rng.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../search/search.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- random numbers ---- */

/* (0, 1] */
static double rng_unit(struct rng *r)
{
	return (double)((rng_next(r) >> 11) + 1) * (1.0 / 9007199254740992.0);
}

static int rng_chance(struct rng *r, int percent)
{
	return rng_below(r, 100) < percent;
}

/* ---- the organization ---- */

enum family { FAM_ENG, FAM_ECO, FAM_ACC, FAM_TEACH, FAM_POL };
enum level { LV_NONE, LV_JUNIOR, LV_INTERMEDIATE, LV_ASSOC, LV_SENIOR };

static const char *const level_codes[] = {"none", "junior", "intermediate", "associate_senior", "senior"};
static const char *const title_names[][4] = {
	[FAM_ENG] = {"助理工程師", "工程師", "高級工程師", "正高級工程師"},
	[FAM_ECO] = {"助理經濟師", "經濟師", "高級經濟師", "正高級經濟師"},
	[FAM_ACC] = {"助理會計師", "會計師", "高級會計師", "正高級會計師"},
	[FAM_TEACH] = {"助理講師", "講師", "高級講師", "正高級講師"},
	[FAM_POL] = {"助理政工師", "政工師", "高級政工師", "正高級政工師"},
};

/* A department ('d') or service window ('w') of the bureau or of a
 * secondary unit. A window's duties become post units under it. */
struct sub_def {
	const char *name;
	char kind;
	const char *head;      /* its head's position */
	int staff;             /* core roster, the head included */
	int cert, tw;          /* weights 0..10 for certificates and titles */
	enum family fam;
	const char *role;      /* the staff's position; NULL: a rank by age */
	const char *duties[4]; /* the staff's posts */
};

struct org_def {
	const char *name, *head, *deputy;
	int cert, tw;
	enum family fam;
	struct sub_def subs[10];
};

#define OFFICE(n, h, s) {n, 'd', h, s, 1, 3, FAM_POL, NULL, {"文秘", "檔案管理", "後勤保障", "信息宣傳"}}

/* [0] is the bureau headquarters; its leaders are set up by bureau_leaders().
 * The core roster adds up to DEMO_PEOPLE_MIN: 46 at the bureau, 454 in the
 * secondary units (3 leaders each plus their departments). */
static const struct org_def orgs[1 + DEMO_SECONDARY_UNITS] = {
	{"市交通運輸局", "局長", "副局長", 2, 3, FAM_POL, {
		{"辦公室", 'd', "主任", 6, 0, 3, FAM_POL, NULL, {"文秘", "機要檔案", "後勤保障", "信息宣傳"}},
		{"人事科", 'd', "科長", 4, 0, 3, FAM_POL, NULL, {"幹部管理", "勞動工資", "教育培訓"}},
		{"財務科", 'd', "科長", 4, 0, 8, FAM_ACC, NULL, {"會計核算", "出納", "資產管理"}},
		{"規劃科", 'd', "科長", 4, 1, 8, FAM_ENG, NULL, {"規劃編制", "項目前期", "統計分析"}},
		{"建設管理科", 'd', "科長", 4, 3, 8, FAM_ENG, NULL, {"工程建設管理", "招投標監管", "質量安全"}},
		{"法規科", 'd', "科長", 4, 10, 3, FAM_ECO, NULL, {"法制審核", "行政復議", "執法監督"}},
		{"安全監督科", 'd', "科長", 4, 10, 5, FAM_ENG, NULL, {"安全生產監管", "應急管理"}},
		{"文明辦", 'd', "主任", 3, 0, 3, FAM_POL, NULL, {"文明創建", "志願服務", "督查考核"}},
		{"紀檢監察室", 'd', "主任", 3, 2, 2, FAM_POL, NULL, {"紀律監督", "信訪舉報"}},
		{"行政審批窗口", 'w', "窗口負責人", 4, 6, 2, FAM_ECO, "窗口工作人員", {"受理崗", "審核崗"}},
	}},
	{"公路管理局", "局長", "副局長", 3, 8, FAM_ENG, {
		OFFICE("辦公室", "主任", 6),
		{"工程技術科", 'd', "科長", 12, 2, 10, FAM_ENG, NULL, {"工程技術", "計劃統計", "檢測試驗"}},
		{"養護管理科", 'd', "科長", 18, 4, 6, FAM_ENG, NULL, {"路面養護", "橋涵養護", "養護巡查"}},
		{"質量安全科", 'd', "科長", 8, 6, 8, FAM_ENG, NULL, {"質量監管", "安全生產"}},
		{"財務科", 'd', "科長", 7, 0, 6, FAM_ACC, NULL, {"會計核算", "出納"}},
	}},
	{"運輸管理處", "處長", "副處長", 9, 4, FAM_ECO, {
		OFFICE("辦公室", "主任", 6),
		{"客運管理科", 'd', "科長", 8, 9, 4, FAM_ECO, NULL, {"客運線路管理", "班車客運監管"}},
		{"貨運管理科", 'd', "科長", 8, 9, 4, FAM_ECO, NULL, {"貨運源頭監管", "危貨運輸監管"}},
		{"運政稽查大隊", 'd', "大隊長", 18, 10, 1, FAM_ECO, "執法隊員", {"路面稽查", "案件辦理"}},
		{"辦證窗口", 'w', "窗口負責人", 9, 8, 2, FAM_ECO, "窗口工作人員", {"受理崗", "審核崗", "發證崗"}},
	}},
	{"港航管理局", "局長", "副局長", 9, 6, FAM_ENG, {
		OFFICE("辦公室", "主任", 5),
		{"航道科", 'd', "科長", 7, 6, 8, FAM_ENG, NULL, {"航道養護", "航道測量"}},
		{"港口管理科", 'd', "科長", 7, 9, 4, FAM_ECO, NULL, {"港口經營監管", "港口安全"}},
		{"地方海事處", 'd', "處長", 10, 10, 2, FAM_ENG, "海事執法人員", {"船舶檢查", "水上巡航"}},
		{"船舶登記窗口", 'w', "窗口負責人", 4, 8, 2, FAM_ECO, "窗口工作人員", {"受理崗", "審核崗"}},
	}},
	{"交通工程質量監督站", "站長", "副站長", 9, 10, FAM_ENG, {
		{"綜合科", 'd', "科長", 5, 4, 4, FAM_ENG, NULL, {"文秘", "檔案管理", "財務"}},
		{"質量監督科", 'd', "科長", 8, 10, 10, FAM_ENG, NULL, {"工程質量監督", "竣工驗收"}},
		{"試驗檢測室", 'd', "主任", 4, 8, 10, FAM_ENG, NULL, {"材料試驗", "現場檢測"}},
	}},
	{"公路路政支隊", "支隊長", "副支隊長", 10, 2, FAM_ECO, {
		{"綜合科", 'd', "科長", 5, 6, 3, FAM_POL, NULL, {"文秘", "後勤保障", "信息宣傳"}},
		{"法制科", 'd', "科長", 5, 10, 2, FAM_ECO, NULL, {"法制審核", "案卷評查"}},
		{"路政執法一大隊", 'd', "大隊長", 14, 10, 1, FAM_ENG, "路政員", {"路政巡查", "案件查處"}},
		{"路政執法二大隊", 'd', "大隊長", 13, 10, 1, FAM_ENG, "路政員", {"路政巡查", "案件查處"}},
		{"治超檢測站", 'w', "站長", 10, 10, 1, FAM_ENG, "路政員", {"檢測崗", "卸載崗"}},
	}},
	{"交通規費征稽處", "處長", "副處長", 9, 5, FAM_ACC, {
		OFFICE("辦公室", "主任", 5),
		{"征收科", 'd', "科長", 8, 9, 6, FAM_ACC, NULL, {"規費征收", "票據管理"}},
		{"稽查大隊", 'd', "大隊長", 10, 10, 2, FAM_ECO, "稽查員", {"路面稽查", "欠費追繳"}},
		{"繳費窗口", 'w', "窗口負責人", 8, 8, 4, FAM_ACC, "窗口工作人員", {"收費崗", "票據崗"}},
	}},
	{"城市客運管理處", "處長", "副處長", 9, 3, FAM_ECO, {
		OFFICE("辦公室", "主任", 5),
		{"出租汽車管理科", 'd', "科長", 7, 9, 3, FAM_ECO, NULL, {"經營資質管理", "服務質量考核"}},
		{"公交管理科", 'd', "科長", 6, 8, 3, FAM_ECO, NULL, {"線路規劃", "運營監管"}},
		{"客運執法大隊", 'd', "大隊長", 8, 10, 1, FAM_ECO, "執法隊員", {"路面執法", "非法營運查處"}},
		{"投訴受理窗口", 'w', "窗口負責人", 5, 6, 2, FAM_ECO, "窗口工作人員", {"受理崗", "回訪崗"}},
	}},
	{"駕駛員培訓管理所", "所長", "副所長", 8, 3, FAM_ECO, {
		{"綜合科", 'd', "科長", 5, 3, 3, FAM_POL, NULL, {"文秘", "檔案管理"}},
		{"培訓管理科", 'd', "科長", 8, 9, 4, FAM_ECO, NULL, {"駕校監管", "教練員管理"}},
		{"考核發證窗口", 'w', "窗口負責人", 6, 8, 2, FAM_ECO, "窗口工作人員", {"受理崗", "審核崗"}},
	}},
	{"交通物流發展中心", "主任", "副主任", 0, 8, FAM_ECO, {
		{"綜合科", 'd', "科長", 5, 0, 4, FAM_POL, NULL, {"文秘", "財務"}},
		{"物流規劃科", 'd', "科長", 5, 0, 9, FAM_ECO, NULL, {"物流規劃", "項目推進"}},
		{"信息服務科", 'd', "科長", 5, 0, 9, FAM_ENG, NULL, {"信息平台運維", "數據統計"}},
	}},
	{"汽車站", "站長", "副站長", 0, 2, FAM_ECO, {
		OFFICE("辦公室", "主任", 5),
		{"安全科", 'd', "科長", 6, 0, 2, FAM_ENG, "安全員", {"安全檢查", "車輛例檢"}},
		{"調度室", 'd', "主任", 6, 0, 2, FAM_ECO, "調度員", {"車輛調度", "發班管理"}},
		{"售票窗口", 'w', "窗口負責人", 10, 0, 1, FAM_ECO, "售票員", {"售票崗", "退票改簽崗"}},
		{"問詢服務窗口", 'w', "窗口負責人", 8, 0, 1, FAM_ECO, "服務員", {"問詢崗", "行包崗"}},
	}},
	{"交通技工學校", "校長", "副校長", 0, 8, FAM_TEACH, {
		OFFICE("辦公室", "主任", 5),
		{"教務科", 'd', "科長", 9, 0, 10, FAM_TEACH, "教師", {"汽車維修專業", "工程機械專業", "公共基礎課"}},
		{"學生科", 'd', "科長", 6, 0, 5, FAM_TEACH, "班主任", {"學生管理", "招生就業"}},
		{"實訓中心", 'd', "主任", 9, 0, 8, FAM_TEACH, "實習指導教師", {"汽修實訓", "駕駛實訓"}},
	}},
	{"交通建設投資公司", "總經理", "副總經理", 0, 8, FAM_ENG, {
		{"綜合部", 'd', "經理", 5, 0, 3, FAM_POL, "職員", {"行政管理", "人力資源"}},
		{"工程部", 'd', "經理", 9, 0, 10, FAM_ENG, "職員", {"工程管理", "造價管理"}},
		{"財務部", 'd', "經理", 5, 0, 8, FAM_ACC, "職員", {"會計核算", "融資管理"}},
		{"投資發展部", 'd', "經理", 4, 0, 8, FAM_ECO, "職員", {"項目投資", "資產經營"}},
	}},
	{"高速公路管理處", "處長", "副處長", 6, 5, FAM_ENG, {
		OFFICE("辦公室", "主任", 5),
		{"養護科", 'd', "科長", 7, 3, 8, FAM_ENG, NULL, {"養護計劃", "橋隧檢查"}},
		{"路政大隊", 'd', "大隊長", 12, 10, 1, FAM_ENG, "路政員", {"路政巡查", "清障救援"}},
		{"收費站", 'w', "站長", 11, 4, 1, FAM_ACC, "收費員", {"收費崗", "稽核崗"}},
	}},
};

/* ---- names, places, numbers ---- */

static const struct {
	const char *s;
	int w;
} surnames[] = {
	{"王", 71}, {"李", 70}, {"張", 67}, {"劉", 54}, {"陳", 45}, {"楊", 31}, {"趙", 23}, {"黃", 22}, {"周", 21},
	{"吳", 20}, {"徐", 17}, {"孫", 15}, {"胡", 16}, {"朱", 13}, {"高", 12}, {"林", 12}, {"何", 12}, {"郭", 12},
	{"馬", 11}, {"羅", 9},  {"梁", 9},  {"宋", 8},  {"鄭", 8},  {"謝", 7},  {"韓", 7},  {"唐", 7},  {"馮", 7},
	{"於", 6},  {"董", 6},  {"蕭", 6},  {"程", 6},  {"曹", 6},  {"袁", 6},  {"鄧", 6},  {"許", 6},  {"傅", 5},
	{"沈", 5},  {"曾", 5},  {"彭", 7},  {"呂", 5},  {"蘇", 5},  {"盧", 5},  {"蔣", 5},  {"蔡", 5},  {"賈", 4},
	{"丁", 4},  {"魏", 4},  {"薛", 4},  {"葉", 4},  {"閻", 4},  {"余", 5},  {"潘", 4},  {"杜", 4},  {"戴", 4},
	{"夏", 4},  {"鍾", 3},  {"汪", 4},  {"田", 3},  {"任", 3},  {"姜", 3},  {"范", 3},  {"方", 3},  {"石", 3},
	{"姚", 3},  {"譚", 3},  {"廖", 3},  {"鄒", 3},  {"熊", 5},  {"金", 3},  {"陸", 3},  {"郝", 3},  {"孔", 3},
	{"白", 3},  {"崔", 3},  {"康", 3},  {"毛", 3},  {"邱", 3},  {"秦", 3},  {"江", 3},  {"史", 3},  {"顧", 2},
	{"侯", 2},  {"邵", 2},  {"孟", 2},  {"龍", 2},  {"萬", 3},  {"段", 2},  {"雷", 2},  {"錢", 2},  {"湯", 2},
	{"尹", 2},  {"黎", 2},  {"易", 2},  {"常", 2},  {"武", 2},  {"喬", 2},  {"賀", 2},  {"賴", 2},  {"龔", 2},
	{"文", 2},  {"歐陽", 1}, {"諸葛", 1},
};

static const char *const male_chars[] = {
	"偉", "強", "磊", "軍", "勇", "傑", "濤", "斌", "超", "明", "剛", "平", "輝", "鵬", "華", "飛", "鑫", "波",
	"寧", "峰", "林", "浩", "宇", "俊", "凱", "東", "亮", "成", "龍", "兵", "新", "暉", "威", "坤", "鋒", "晨",
	"陽", "昊", "軒", "博", "誠", "彬", "健", "松", "翔", "江", "山", "勝", "權", "毅", "旭", "帆", "斐", "衛",
};
static const char *const female_chars[] = {
	"芳", "娟", "敏", "靜", "麗", "艷", "娜", "婷", "雪", "玲", "霞", "燕", "紅", "琳", "慧", "潔", "萍", "瑩",
	"穎", "倩", "丹", "琴", "蘭", "晶", "雯", "欣", "怡", "佳", "悅", "璐", "瑤", "媛", "菲", "莉", "薇", "蓉",
	"月", "鳳", "梅", "秀", "英", "華", "萱", "婧",
};
static const char *const male_first[] = {
	"建", "志", "國", "振", "德", "立", "永", "衛", "世", "少", "宏", "俊", "金", "天", "家", "文", "海", "明",
	"新", "子", "浩", "正", "學", "長", "紹", "春", "漢", "光",
};
static const char *const female_first[] = {
	"曉", "春", "秋", "玉", "雅", "思", "雨", "麗", "美", "秀", "慧", "婉", "靜", "文", "海", "明", "家", "小",
	"佳", "亞", "艷", "紅", "桂", "詩",
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Residence codes of the ID number: 孝感 and its county-level cities (應城
 * most of all), and Wuhan's districts. */
static const char *const areas[] = {
	"420981", "420981", "420981", "420981", "420981", "420981", "420902", "420921", "420922", "420923",
	"420982", "420984", "420102", "420103", "420104", "420105", "420106", "420107", "420111", "420112",
	"420113", "420114", "420115", "420116", "420117",
};
static const char *const mobile_prefixes[] = {
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
	"152", "153", "155", "156", "157", "158", "159", "180", "181", "182", "183", "185",
	"186", "187", "188", "189",
};

enum edu { EDU_DOCTORATE, EDU_MASTER, EDU_BACHELOR, EDU_COLLEGE, EDU_SECONDARY, EDU_OTHER };
static const char *const edu_codes[] = {"doctorate", "master", "bachelor", "college", "secondary", "other"};

/* ---- the generator ---- */

#define MAX_UNITS 256
#define ID_DAY0 (-3653) /* 1960-01-01: the first birth day the ID counters cover */
#define ID_DAYS (16000)

struct unit {
	char code[32];
	char name[96];
	const char *kind;
	int parent;     /* index, -1 for the root */
	int org;        /* 0 bureau, 1..13 secondary unit */
	int head;       /* index into the core roster, -1 */
	char contact[24];
	int64_t id;
	char path[96];
};

struct person {
	char name[32];
	int male;
	int64_t birth;
	char id_number[19];
	char phone[12];
	int unit;
	const char *post;
	char position[64];
	int is_leader;
	const char *status;
	enum edu edu;
	int party;
	int64_t party_joined;
	int branch; /* unit index, -1 */
	char cert[24];
	int64_t cert_issued, cert_expires;
	enum family fam;
	enum level level;
	double w_party, w_cert, w_title; /* selection weights; > 1000: forced */
	int64_t id;
};

struct gen {
	struct rng r;
	uint64_t seed;
	int64_t today;
	int year;
	uint16_t *idseq; /* IDs given per (birth day, sex) */
	int certseq;
	struct unit u[MAX_UNITS];
	int nu;
	int org_unit[1 + DEMO_SECONDARY_UNITS], org_branch[1 + DEMO_SECONDARY_UNITS];
	int retired_branch;
	int sub_unit[1 + DEMO_SECONDARY_UNITS][10];
	struct person *p; /* core roster, then the inactive people */
	int np, ncore;
	/* the director, the deputy in charge of the bureau offices, the other
	 * bureau leaders, the 文明辦 head; per secondary unit its leaders */
	int director, office_deputy, bureau_others[4], nbureau_others, civility_head;
	int org_head[1 + DEMO_SECONDARY_UNITS], org_deputy[1 + DEMO_SECONDARY_UNITS],
		org_secretary[1 + DEMO_SECONDARY_UNITS];
};

static int add_unit(struct gen *g, int parent, int org, const char *kind, const char *name, const char *code)
{
	struct unit *u = &g->u[g->nu];
	memset(u, 0, sizeof *u);
	snprintf(u->code, sizeof u->code, "%s", code);
	snprintf(u->name, sizeof u->name, "%s", name);
	u->kind = kind;
	u->parent = parent;
	u->org = org;
	u->head = -1;
	if (strcmp(kind, "post") != 0 && strcmp(kind, "party_branch") != 0)
		snprintf(u->contact, sizeof u->contact, "0712-%d%06d", 5 + rng_below(&g->r, 3), rng_below(&g->r, 1000000));
	return g->nu++;
}

/* The unit tree: bureau, its departments, its two party branches; then each
 * secondary unit with its party branch, departments, windows and posts. */
static void build_units(struct gen *g)
{
	char code[32], name[96];
	for (int o = 0; o <= DEMO_SECONDARY_UNITS; o++) {
		const struct org_def *od = &orgs[o];
		if (o == 0) {
			g->org_unit[0] = add_unit(g, -1, 0, "bureau", od->name, "JT");
			g->org_branch[0] = add_unit(g, g->org_unit[0], 0, "party_branch", "局機關黨支部", "JT-DZB");
			g->retired_branch = add_unit(g, g->org_unit[0], 0, "party_branch", "離退休幹部黨支部", "JT-LTX");
		} else {
			snprintf(code, sizeof code, "JT-%02d", o);
			g->org_unit[o] = add_unit(g, g->org_unit[0], o, "secondary", od->name, code);
			snprintf(code, sizeof code, "JT-%02d-DZB", o);
			snprintf(name, sizeof name, "%s黨支部", od->name);
			g->org_branch[o] = add_unit(g, g->org_unit[o], o, "party_branch", name, code);
		}
		for (int s = 0; s < 10 && od->subs[s].name; s++) {
			const struct sub_def *sd = &od->subs[s];
			if (o == 0)
				snprintf(code, sizeof code, "JT-JG-%02d", s + 1);
			else
				snprintf(code, sizeof code, "JT-%02d-%02d", o, s + 1);
			int su = add_unit(g, g->org_unit[o], o, sd->kind == 'w' ? "window" : "department", sd->name, code);
			g->sub_unit[o][s] = su;
			for (int k = 0; sd->kind == 'w' && k < 4 && sd->duties[k]; k++) {
				char pcode[40];
				snprintf(pcode, sizeof pcode, "%s-%02d", code, k + 1);
				add_unit(g, su, o, "post", sd->duties[k], pcode);
			}
		}
	}
}

static const char *pick_surname(struct rng *r)
{
	int total = 0;
	for (int i = 0; i < COUNT(surnames); i++)
		total += surnames[i].w;
	int x = rng_below(r, total);
	for (int i = 0; i < COUNT(surnames); i++)
		if ((x -= surnames[i].w) < 0)
			return surnames[i].s;
	return surnames[0].s;
}

/* A plausible name: a surname and one or two characters (one more often
 * for older people). */
static void make_name(struct rng *r, int male, int birth_year, char *out, size_t len)
{
	const char *const *last = male ? male_chars : female_chars;
	int nlast = male ? COUNT(male_chars) : COUNT(female_chars);
	const char *const *first = male ? male_first : female_first;
	int nfirst = male ? COUNT(male_first) : COUNT(female_first);
	const char *s = pick_surname(r);
	const char *b = last[rng_below(r, nlast)];
	if (rng_chance(r, birth_year < 1980 ? 22 : 35)) {
		snprintf(out, len, "%s%s", s, b);
		return;
	}
	const char *a = first[rng_below(r, nfirst)];
	if (strcmp(a, b) == 0)
		b = last[(rng_below(r, nlast - 1) + 1) % nlast];
	snprintf(out, len, "%s%s%s", s, a, b);
}

static uint32_t mix32(uint64_t x)
{
	struct rng t = {x};
	return (uint32_t)(rng_next(&t) >> 32);
}

/* An 18-digit resident ID: residence code, birth date, a sequence code
 * unique for the birth day and sex (its last digit odd for men), and the
 * ISO 7064 MOD 11-2 check character. 0, or -1 when the day is full. */
static int make_id_number(struct gen *g, int64_t birth, int male, char out[19])
{
	int64_t d = birth - ID_DAY0;
	if (d < 0 || d >= ID_DAYS)
		return -1;
	uint16_t *c = &g->idseq[d * 2 + male];
	if (*c >= 500)
		return -1;
	int seq = (int)((mix32((uint64_t)d * 2 + (uint64_t)male) % 500 + *c) % 500) * 2 + male;
	(*c)++;
	int y, m, dd;
	cal_civil_from_days(birth, &y, &m, &dd);
	snprintf(out, 19, "%s%04d%02d%02d%03d", areas[rng_below(&g->r, COUNT(areas))], y, m, dd, seq);
	static const int w[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = 0;
	return 0;
}

static enum edu pick_edu(struct rng *r, int age)
{
	/* cumulative percentages: doctorate, master, bachelor, college, secondary */
	static const int young[] = {1, 18, 82, 97, 100}, mid[] = {1, 10, 62, 90, 98}, old[] = {0, 3, 36, 76, 96};
	const int *t = age < 35 ? young : age < 50 ? mid : old;
	int x = rng_below(r, 100);
	for (int i = 0; i < 5; i++)
		if (x < t[i])
			return (enum edu)i;
	return EDU_OTHER;
}

/* Fills the personal data of p: sex (male_pct), a birth day between the
 * given years (women in active service born 1972 or later), name, ID
 * number, phone, education. */
static void make_person(struct gen *g, struct person *p, int male_pct, int y0, int y1, int active)
{
	memset(p, 0, sizeof *p);
	struct rng *r = &g->r;
	p->male = rng_chance(r, male_pct);
	if (active && !p->male && y0 < 1972)
		y0 = y1 < 1972 ? y1 : 1972;
	do {
		int64_t lo = cal_days_from_civil(y0, 1, 1), hi = cal_days_from_civil(y1, 12, 31);
		p->birth = lo + rng_below(r, (int)(hi - lo + 1));
	} while (make_id_number(g, p->birth, p->male, p->id_number));
	int y, m, d;
	cal_civil_from_days(p->birth, &y, &m, &d);
	make_name(r, p->male, y, p->name, sizeof p->name);
	snprintf(p->phone, sizeof p->phone, "%s%08d", mobile_prefixes[rng_below(r, COUNT(mobile_prefixes))],
		 rng_below(r, 100000000));
	p->edu = pick_edu(r, cal_years_between(p->birth, g->today));
	p->status = "active";
	p->branch = -1;
	p->level = LV_NONE;
	p->unit = -1;
}

static const char *rank_by_age(int age)
{
	return age < 30 ? "科員" : age < 40 ? "四級主任科員" : age < 50 ? "三級主任科員" : "二級主任科員";
}

static int count_duties(const struct sub_def *sd)
{
	int n = 0;
	while (n < 4 && sd->duties[n])
		n++;
	return n;
}

static int name_taken(const struct gen *g, const char *name)
{
	for (int i = 0; i < g->np; i++)
		if (strcmp(g->p[i].name, name) == 0)
			return 1;
	return 0;
}

/* Adds one person of the core roster (names unique within it) and sets
 * the selection weights from where the person works. */
static int add_core(struct gen *g, int unit, int male_pct, int y0, int y1, int leader, const char *position,
		    const char *post, const struct sub_def *sd)
{
	struct person *p = &g->p[g->np];
	do
		make_person(g, p, male_pct, y0, y1, 1);
	while (name_taken(g, p->name));
	const struct org_def *od = &orgs[g->u[unit].org];
	int age = cal_years_between(p->birth, g->today);
	p->unit = unit;
	p->is_leader = leader;
	snprintf(p->position, sizeof p->position, "%s", position ? position : rank_by_age(age));
	p->post = post;
	if (leader && p->edu > EDU_BACHELOR && rng_chance(&g->r, 70))
		p->edu = EDU_BACHELOR; /* degrees earned in service */
	p->fam = sd ? sd->fam : od->fam;
	double age_f = age < 28 ? 0.35 : age < 35 ? 0.8 : 1.2;
	double edu_f = p->edu <= EDU_BACHELOR ? 1.2 : 1.0;
	p->w_party = leader ? 1e9 : age_f * edu_f * (g->u[unit].org == 0 ? 1.3 : 1.0);
	p->w_cert = (sd ? sd->cert : od->cert) * (leader ? 0.8 : 1.0);
	double title_age = age < 28 ? 0.05 : age < 33 ? 0.5 : 1.0;
	double title_edu = p->edu <= EDU_BACHELOR ? 1.0 : p->edu == EDU_COLLEGE ? 0.4 : 0.1;
	p->w_title = (sd ? sd->tw : od->tw) * title_age * title_edu;
	return g->np++;
}

/* The bureau's leaders: the director, three deputies (the first in charge
 * of the bureau offices), the head of the discipline inspection group and
 * the chief engineer. */
static void bureau_leaders(struct gen *g)
{
	int jt = g->org_unit[0];
	g->director = add_core(g, jt, 85, 1967, 1971, 1, "黨組書記、局長", "主持局全面工作", NULL);
	g->office_deputy = add_core(g, jt, 75, 1968, 1976, 1, "黨組成員、副局長",
				    "分管機關工作（辦公室、人事科、財務科、文明辦）", NULL);
	g->nbureau_others = 0;
	g->bureau_others[g->nbureau_others++] =
		add_core(g, jt, 80, 1968, 1978, 1, "黨組成員、副局長", "分管規劃、建設管理、行政審批", NULL);
	g->bureau_others[g->nbureau_others++] =
		add_core(g, jt, 80, 1968, 1978, 1, "黨組成員、副局長", "分管運輸管理、法規、安全監督", NULL);
	g->bureau_others[g->nbureau_others++] =
		add_core(g, jt, 70, 1968, 1978, 1, "黨組成員、派駐紀檢監察組組長", "負責紀律檢查和監察工作", NULL);
	int ce = add_core(g, jt, 85, 1967, 1974, 1, "總工程師", "分管工程技術和質量", NULL);
	g->p[ce].fam = FAM_ENG;
	g->p[ce].w_title = 1e9;
	g->bureau_others[g->nbureau_others++] = ce;
	g->u[jt].head = g->director;
	g->u[g->org_branch[0]].head = g->office_deputy; /* 機關黨支部書記 */
}

/* A department or window and its staff; a window's staff are spread over
 * its posts, the first at each post leading it. */
static void staff_sub(struct gen *g, int o, int s)
{
	const struct sub_def *sd = &orgs[o].subs[s];
	int su = g->sub_unit[o][s];
	int male = sd->kind == 'w' ? 45 : sd->cert >= 9 ? 78 : 58;
	int h = add_core(g, su, male + 10, 1968, 1990, 1, sd->head,
			 sd->kind == 'w' ? "負責窗口全面工作" : "負責本科室全面工作", sd);
	g->u[su].head = h;
	int nposts = 0, posts[4];
	for (int k = su + 1; k < g->nu && g->u[k].parent == su; k++)
		posts[nposts++] = k;
	int nduties = count_duties(sd);
	for (int i = 0; i < sd->staff - 1; i++) {
		int unit = nposts ? posts[i % nposts] : su;
		const char *post = nposts ? g->u[unit].name : sd->duties[rng_below(&g->r, nduties)];
		const char *role = sd->role ? sd->role : nposts ? "窗口工作人員" : NULL;
		int first = nposts && i < nposts;
		int k = add_core(g, unit, male, 1967, 2000, 0, first ? "崗位負責人" : role, post, sd);
		if (first)
			g->u[unit].head = k;
	}
}

static void build_core(struct gen *g)
{
	bureau_leaders(g);
	for (int s = 0; s < 10 && orgs[0].subs[s].name; s++) {
		staff_sub(g, 0, s);
		if (strcmp(orgs[0].subs[s].name, "文明辦") == 0)
			g->civility_head = g->u[g->sub_unit[0][s]].head;
	}
	for (int o = 1; o <= DEMO_SECONDARY_UNITS; o++) {
		const struct org_def *od = &orgs[o];
		int ou = g->org_unit[o];
		char pos[3][64];
		int company = strcmp(od->head, "總經理") == 0;
		snprintf(pos[0], sizeof pos[0], company ? "黨支部書記、%s" : "%s", od->head);
		snprintf(pos[1], sizeof pos[1], "%s", od->deputy);
		snprintf(pos[2], sizeof pos[2], company ? "黨支部副書記、%s" : "%s、黨支部書記", od->deputy);
		g->org_head[o] = add_core(g, ou, 82, 1967, 1978, 1, pos[0], "主持全面工作", NULL);
		g->org_deputy[o] = add_core(g, ou, 72, 1968, 1985, 1, pos[1], "分管業務工作", NULL);
		g->org_secretary[o] = add_core(g, ou, 65, 1968, 1985, 1, pos[2], "分管黨務、文明創建工作", NULL);
		g->u[ou].head = g->org_head[o];
		g->u[g->org_branch[o]].head = company ? g->org_head[o] : g->org_secretary[o];
		for (int s = 0; s < 10 && od->subs[s].name; s++)
			staff_sub(g, o, s);
	}
	g->ncore = g->np;
}

/* ---- who is a party member, certified, a mid-level professional ---- */

struct keyed {
	double key;
	int idx;
};

static int by_key_desc(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	return x->key < y->key ? 1 : x->key > y->key ? -1 : x->idx - y->idx;
}

enum pick { PICK_PARTY, PICK_CERT, PICK_TITLE };

/* Chooses exactly k people of the core roster, a higher weight being more
 * likely (above 1000: always; 0: never). Sets out[i] to 1 for the chosen.
 * 0, or -1 when fewer than k people may be chosen. */
static int choose(struct gen *g, enum pick what, int k, char *out)
{
	struct keyed *ks = malloc(sizeof *ks * (size_t)g->ncore);
	if (!ks)
		return -1;
	int pool = 0;
	for (int i = 0; i < g->ncore; i++) {
		const struct person *p = &g->p[i];
		double w = what == PICK_PARTY ? p->w_party : what == PICK_CERT ? p->w_cert : p->w_title;
		pool += w > 0;
		ks[i].key = w > 1000 ? w : w * rng_unit(&g->r);
		ks[i].idx = i;
		out[i] = 0;
	}
	if (pool < k) {
		free(ks);
		return -1;
	}
	qsort(ks, (size_t)g->ncore, sizeof *ks, by_key_desc);
	for (int i = 0; i < k; i++)
		out[ks[i].idx] = 1;
	free(ks);
	return 0;
}

static void join_party(struct gen *g, struct person *p, int branch)
{
	int age = cal_years_between(p->birth, g->today);
	int span = (age - 18 < 15 ? age - 18 : 15) * 365;
	p->party = 1;
	p->branch = branch;
	p->party_joined = cal_add_years(p->birth, 18) + 1 + rng_below(&g->r, span > 30 ? span - 30 : 1);
}

static void give_cert(struct gen *g, struct person *p, int64_t expires)
{
	int y, m, d;
	p->cert_expires = expires;
	p->cert_issued = cal_add_years(expires, -5) + 1;
	cal_civil_from_days(p->cert_issued, &y, &m, &d);
	snprintf(p->cert, sizeof p->cert, "JTZF-%04d-%05d", y, ++g->certseq);
}

/* Party membership, certificates and titles of the core roster: exactly
 * DEMO_PARTY_MEMBERS, DEMO_CERTIFIED and DEMO_MID_LEVEL of them. */
static int assign_attributes(struct gen *g, char *err, size_t errlen)
{
	char *pick = malloc((size_t)g->ncore);
	if (!pick) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int rc = choose(g, PICK_PARTY, DEMO_PARTY_MEMBERS, pick);
	for (int i = 0; !rc && i < g->ncore; i++)
		if (pick[i])
			join_party(g, &g->p[i], g->org_branch[g->u[g->p[i].unit].org]);
	if (!rc)
		rc = choose(g, PICK_CERT, DEMO_CERTIFIED, pick);
	/* about ten certificates run out within 60 days: the "expiring" list */
	int soon = 10, left = DEMO_CERTIFIED;
	int64_t far_lo = g->today + 60, far_hi = cal_days_from_civil(g->year + 3, 12, 31);
	for (int i = 0; !rc && i < g->ncore; i++) {
		if (!pick[i])
			continue;
		int is_soon = rng_below(&g->r, left--) < soon;
		soon -= is_soon;
		int64_t exp = is_soon ? g->today + 6 + rng_below(&g->r, 54)
				      : far_lo + rng_below(&g->r, (int)(far_hi - far_lo + 1));
		give_cert(g, &g->p[i], exp);
	}
	if (!rc)
		rc = choose(g, PICK_TITLE, DEMO_MID_LEVEL, pick);
	for (int i = 0; !rc && i < g->ncore; i++) {
		struct person *p = &g->p[i];
		int age = cal_years_between(p->birth, g->today);
		if (pick[i]) {
			int x = rng_below(&g->r, 100);
			if (age >= 50 && x < 15)
				p->level = LV_SENIOR;
			else if ((age >= 40 && x < 50) || (age >= 36 && x < 25))
				p->level = LV_ASSOC;
			else
				p->level = LV_INTERMEDIATE;
		} else if (p->w_title > 0 && age >= 24 && p->edu <= EDU_COLLEGE && rng_chance(&g->r, 35)) {
			p->level = LV_JUNIOR;
		}
	}
	free(pick);
	if (rc)
		snprintf(err, errlen, "internal error: the demo roster cannot carry the report's figures");
	return rc;
}

/* Twenty people no longer in active service: retired cadres (their party
 * branch is the retirees' one; their certificates have run out) and staff
 * transferred away (still holding valid certificates and titles: the
 * statistics must leave them out all the same). */
static void build_inactive(struct gen *g)
{
	for (int i = 0; i < DEMO_INACTIVE; i++) {
		struct person *p = &g->p[g->np];
		int retired = i < 14;
		int o = retired ? i % (1 + DEMO_SECONDARY_UNITS) : 1 + rng_below(&g->r, DEMO_SECONDARY_UNITS);
		do
			make_person(g, p, 65, retired ? 1965 : 1975, retired ? 1966 : 1995, 0);
		while (name_taken(g, p->name));
		p->unit = g->org_unit[o];
		p->status = retired ? "retired" : "transferred";
		p->fam = orgs[o].fam;
		snprintf(p->position, sizeof p->position, "%s",
			 i == 0 ? "原黨組成員、副局長" : retired ? (i % 3 ? "退休職工" : "退休幹部") : "科員");
		if (i == 0 || rng_chance(&g->r, retired ? 70 : 50))
			join_party(g, p, retired ? g->retired_branch : g->org_branch[o]);
		if (retired && rng_chance(&g->r, 40))
			give_cert(g, p, g->today - 30 - rng_below(&g->r, 900));
		if (!retired && i < 18)
			give_cert(g, p, g->today + 100 + rng_below(&g->r, 800));
		if (i % 3 == 0)
			p->level = i % 2 ? LV_ASSOC : LV_INTERMEDIATE;
		if (i == 0)
			g->u[g->retired_branch].head = g->np;
		g->np++;
	}
}

/* ---- writing ---- */

#define PERSON_COLS                                                                                            \
	"name, gender, birth_date, id_number, phone, unit_id, post, position, is_leader, status, education, "   \
	"party_member, party_joined, party_branch_id, cert_number, cert_issued, cert_expires, title, "          \
	"title_level, created_at, updated_at"
#define PERSON_NCOLS 21
#define PERSON_BATCH 12 /* rows per INSERT on SQLite; larger batches gain nothing measurable */

/* "INSERT INTO people (...) VALUES (?, ...), ..." for rows rows, with
 * RETURNING id when returning. Placeholders only: no value is in it. */
static void person_sql(char *out, size_t len, int rows, int returning)
{
	size_t n = (size_t)snprintf(out, len, "INSERT INTO people (" PERSON_COLS ") VALUES ");
	for (int r = 0; r < rows && n < len; r++)
		for (int c = 0; c < PERSON_NCOLS && n < len; c++)
			n += (size_t)snprintf(out + n, len - n, "%s?%s", c ? ", " : r ? ", (" : "(",
					      c == PERSON_NCOLS - 1 ? ")" : "");
	if (returning && n < len)
		snprintf(out + n, len - n, " RETURNING id");
}

/* A person's values in PERSON_COLS order, as text (NULL: SQL NULL): both
 * backends store them with the column's type. */
struct row {
	const char *v[PERSON_NCOLS];
	char day[4][11], num[6][24];
};

/* 't' text, 'b' integer: the array types of the PostgreSQL bulk insert */
static const char person_types[PERSON_NCOLS + 1] = "tttttbttbttbtbtttttbb";

static void person_row(const struct gen *g, const struct person *p, int64_t now, struct row *r)
{
	int i = 0, k = 0;
#define NUM(x) (snprintf(r->num[k], sizeof r->num[k], "%lld", (long long)(x)), r->num[k++])
	r->v[i++] = p->name;
	r->v[i++] = p->male ? "male" : "female";
	r->v[i++] = cal_format_date(p->birth, r->day[0]);
	r->v[i++] = p->id_number;
	r->v[i++] = p->phone;
	r->v[i++] = NUM(g->u[p->unit].id);
	r->v[i++] = p->post;
	r->v[i++] = p->position;
	r->v[i++] = NUM(p->is_leader);
	r->v[i++] = p->status;
	r->v[i++] = edu_codes[p->edu];
	r->v[i++] = NUM(p->party);
	r->v[i++] = p->party ? cal_format_date(p->party_joined, r->day[1]) : NULL;
	r->v[i++] = p->branch >= 0 ? NUM(g->u[p->branch].id) : NULL;
	r->v[i++] = p->cert[0] ? p->cert : NULL;
	r->v[i++] = p->cert[0] ? cal_format_date(p->cert_issued, r->day[2]) : NULL;
	r->v[i++] = p->cert[0] ? cal_format_date(p->cert_expires, r->day[3]) : NULL;
	r->v[i++] = p->level ? title_names[p->fam][p->level - 1] : NULL;
	r->v[i++] = level_codes[p->level];
	r->v[i++] = NUM(now);
	r->v[i++] = NUM(now);
#undef NUM
}

static int bind_person(struct db_stmt *s, int base, const struct gen *g, const struct person *p, int64_t now)
{
	struct row r;
	person_row(g, p, now, &r);
	int rc = 0;
	for (int i = 0; !rc && i < PERSON_NCOLS; i++)
		rc = db_bind_text(s, base + i + 1, r.v[i]);
	return rc;
}

/* Steps an INSERT ... RETURNING id to its end and resets it for the next
 * row: the id, or a DB_E_* code. */
static int64_t finish_returning(struct db_stmt *s)
{
	int rc = db_step(s);
	int64_t id = rc == DB_ROW ? db_column_int64(s, 0) : rc < 0 ? rc : DB_ERR;
	while (rc == DB_ROW)
		rc = db_step(s);
	db_reset(s);
	return rc < 0 ? rc : id;
}

static int finish(struct db_stmt *s)
{
	int rc = db_step(s);
	while (rc == DB_ROW)
		rc = db_step(s);
	return rc;
}

/* The units and the roster prepare their INSERT once, under a, and rebind
 * it every row. */
static int insert_units(struct db *db, struct arena *a, struct gen *g, int64_t now)
{
	struct db_stmt *s = db_prepare(db, a, "INSERT INTO units (code, name, kind, parent_id, contact, active, "
					      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING id");
	if (!s)
		return DB_ERR;
	for (int i = 0; i < g->nu; i++) {
		struct unit *u = &g->u[i];
		db_bind_text(s, 1, u->code);
		db_bind_text(s, 2, u->name);
		db_bind_text(s, 3, u->kind);
		if (u->parent >= 0)
			db_bind_int64(s, 4, g->u[u->parent].id);
		else
			db_bind_null(s, 4);
		db_bind_text(s, 5, u->contact[0] ? u->contact : NULL);
		db_bind_int64(s, 6, now);
		db_bind_int64(s, 7, now);
		int64_t id = finish_returning(s);
		if (id < 0)
			return (int)id;
		u->id = id;
		/* the materialized path: the parent's path, then this id */
		if (snprintf(u->path, sizeof u->path, "%s%lld/", u->parent >= 0 ? g->u[u->parent].path : "/",
			     (long long)id) >= (int)sizeof u->path)
			return DB_ERR;
		int rc = db_run(db, "UPDATE units SET path = ? WHERE id = ?", "si", u->path, id);
		/* the closure table (migration 004): itself, and its parent's ancestors */
		if (!rc)
			rc = db_run(db, "INSERT INTO unit_tree (ancestor_id, unit_id) VALUES (?, ?)", "ii", id, id);
		if (!rc && u->parent >= 0)
			rc = db_run(db,
				    "INSERT INTO unit_tree (ancestor_id, unit_id) SELECT ancestor_id, CAST(? AS BIGINT) FROM unit_tree WHERE unit_id = ?",
				    "ii", id, g->u[u->parent].id);
		if (rc)
			return rc;
	}
	return 0;
}

static int insert_roster(struct db *db, struct arena *a, struct gen *g, int64_t now)
{
	char sql[512];
	person_sql(sql, sizeof sql, 1, 1);
	struct db_stmt *s = db_prepare(db, a, sql);
	if (!s)
		return DB_ERR;
	for (int i = 0; i < g->np; i++) {
		int rc = bind_person(s, 0, g, &g->p[i], now);
		if (rc)
			return rc;
		int64_t id = finish_returning(s);
		if (id < 0)
			return (int)id;
		g->p[i].id = id;
	}
	for (int i = 0; i < g->nu; i++) {
		if (g->u[i].head < 0)
			continue;
		int rc = db_run(db, "UPDATE units SET head_person_id = ? WHERE id = ?", "ii", g->p[g->u[i].head].id,
				g->u[i].id);
		if (rc)
			return rc;
	}
	return 0;
}

/* Where the staff beyond the core roster work: every department and post,
 * in proportion to its core staff. */
struct leaf {
	int unit;
	const struct sub_def *sd;
	int weight, is_post;
};


static int build_leaves(const struct gen *g, struct leaf *lv, int max)
{
	int n = 0;
	for (int o = 0; o <= DEMO_SECONDARY_UNITS; o++)
		for (int s = 0; s < 10 && orgs[o].subs[s].name; s++) {
			const struct sub_def *sd = &orgs[o].subs[s];
			int su = g->sub_unit[o][s], nposts = 0;
			for (int k = su + 1; k < g->nu && g->u[k].parent == su; k++)
				nposts++;
			for (int k = 0; k < (nposts ? nposts : 1) && n < max; k++)
				lv[n++] = (struct leaf){nposts ? su + 1 + k : su, sd, sd->staff * 10 / (nposts ? nposts : 1),
							nposts > 0};
		}
	return n;
}

/* One more person beyond the core roster, in a department or post. */
static void make_extra(struct gen *g, const struct leaf *lv, int nl, int total, struct person *p)
{
	int x = rng_below(&g->r, total), k = 0;
	while (k < nl - 1 && (x -= lv[k].weight) >= 0)
		k++;
	const struct sub_def *sd = lv[k].sd;
	make_person(g, p, sd->kind == 'w' ? 45 : sd->cert >= 9 ? 75 : 58, 1967, 2000, 1);
	int age = cal_years_between(p->birth, g->today);
	p->unit = lv[k].unit;
	p->post = lv[k].is_post ? g->u[p->unit].name : sd->duties[rng_below(&g->r, count_duties(sd))];
	snprintf(p->position, sizeof p->position, "%s",
		 sd->role ? sd->role : lv[k].is_post ? "窗口工作人員" : rank_by_age(age));
	p->fam = sd->fam;
	if (sd->tw > 0 && age >= 24 && p->edu <= EDU_COLLEGE && rng_chance(&g->r, 25))
		p->level = LV_JUNIOR;
}

/* SQLite: one multi-row INSERT per PERSON_BATCH people. The statement is
 * released with a, which the caller resets every batch. */
static int flush_values(struct db *db, struct arena *a, const struct gen *g, const struct person *batch, int n,
			int64_t now)
{
	char sql[4096];
	person_sql(sql, sizeof sql, n, 0);
	struct db_stmt *s = db_prepare(db, a, sql);
	if (!s)
		return DB_ERR;
	int rc = 0;
	for (int j = 0; !rc && j < n; j++)
		rc = bind_person(s, j * PERSON_NCOLS, g, &batch[j], now);
	return rc ? rc : finish(s);
}

/* PostgreSQL binds at most 256 values a statement, and a round trip per
 * dozen people is most of the time of a large load: there each column
 * travels as one array literal (a bound value like any other) and unnest()
 * turns the arrays back into rows. */
#define ARRAY_BATCH 5000

static void array_add(struct buf *b, const char *v, int first)
{
	buf_putc(b, first ? '{' : ',');
	if (!v) {
		buf_puts(b, "NULL");
		return;
	}
	buf_putc(b, '"');
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *v);
	}
	buf_putc(b, '"');
}

static int flush_arrays(struct db *db, struct arena *a, struct buf *cols)
{
	char sql[1024];
	size_t n = (size_t)snprintf(sql, sizeof sql, "INSERT INTO people (" PERSON_COLS ") SELECT * FROM unnest(");
	for (int c = 0; c < PERSON_NCOLS && n < sizeof sql; c++)
		n += (size_t)snprintf(sql + n, sizeof sql - n, "%s?::%s[]", c ? ", " : "",
				      person_types[c] == 'b' ? "bigint" : "text");
	if (n < sizeof sql)
		snprintf(sql + n, sizeof sql - n, ")");
	struct db_stmt *s = db_prepare(db, a, sql);
	if (!s)
		return DB_ERR;
	int rc = 0;
	for (int c = 0; !rc && c < PERSON_NCOLS; c++) {
		buf_putc(&cols[c], '}');
		rc = db_bind_text(s, c + 1, cols[c].p);
		buf_reset(&cols[c]);
	}
	return rc ? rc : finish(s);
}

/* The staff beyond the core roster, written in batches as they are made:
 * no party membership, certificate or mid-level title, so that the
 * report's figures hold for any number of people. */
static int insert_extras(struct db *db, struct gen *g, int count, int64_t now)
{
	struct leaf lv[128];
	int nl = build_leaves(g, lv, 128), total = 0;
	for (int i = 0; i < nl; i++)
		total += lv[i].weight;
	int pg = db_kind(db) == DB_PG, per = pg ? ARRAY_BATCH : PERSON_BATCH;
	struct person batch[PERSON_BATCH];
	struct buf cols[PERSON_NCOLS];
	for (int c = 0; pg && c < PERSON_NCOLS; c++)
		buf_init(&cols[c], NULL);
	struct arena a; /* one batch's statement */
	arena_init(&a);
	int n = 0, rc = 0;
	for (int done = 0; !rc && done < count; done++) {
		struct person *p = &batch[pg ? 0 : n];
		make_extra(g, lv, nl, total, p);
		if (pg) {
			struct row r;
			person_row(g, p, now, &r);
			for (int c = 0; c < PERSON_NCOLS; c++)
				array_add(&cols[c], r.v[c], n == 0);
		}
		if (++n < per && done + 1 < count)
			continue;
		rc = pg ? flush_arrays(db, &a, cols) : flush_values(db, &a, g, batch, n, now);
		arena_reset(&a);
		n = 0;
	}
	arena_free(&a);
	for (int c = 0; pg && c < PERSON_NCOLS; c++)
		buf_free(&cols[c]);
	return rc;
}

/* ---- groups and supervisors ---- */

static int64_t add_group(struct db *db, int year, const char *kind, const char *name, int64_t unit,
			 const char *duties, int64_t now)
{
	return db_insert(db,
			 "INSERT INTO org_groups (year, kind, name, unit_id, duties, created_at, updated_at) "
			 "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			 "Issisii", year, kind, name, unit, duties, now, now);
}

static int add_member(struct db *db, int64_t group, const struct person *p, const char *role, const char *duty,
		      int64_t now)
{
	if (group < 0)
		return (int)group;
	return db_run(db,
		      "INSERT INTO org_group_members (group_id, person_id, role, duty, created_at, updated_at) "
		      "VALUES (?, ?, ?, ?, ?, ?)",
		      "iissii", group, p->id, role, duty, now, now);
}

/* The leadership group headed by the director (the deputy in charge of the
 * bureau offices as deputy leader, the heads of the secondary units as
 * members, the head of the civility office running its office), the task
 * force, and a leadership group in each secondary unit. */
static int insert_groups(struct db *db, struct gen *g, int64_t now)
{
	struct person *P = g->p;
	int64_t jt = g->u[g->org_unit[0]].id;
	int64_t lg = add_group(db, g->year, "leadership_group", "文明創建工作領導小組", jt,
			       "統一領導全系統文明創建工作：研究部署年度創建任務，與各二級單位層層簽訂年度責任狀，"
			       "將業務工作目標和創建工作目標一起量化考核，做到誰主管誰負責、一級抓一級。",
			       now);
	int rc = add_member(db, lg, &P[g->director], "leader", "全面負責，一把手工程", now);
	if (!rc)
		rc = add_member(db, lg, &P[g->office_deputy], "deputy", "協助組長抓好日常工作", now);
	for (int i = 0; !rc && i < g->nbureau_others; i++)
		rc = add_member(db, lg, &P[g->bureau_others[i]], "member", "抓好分管領域的創建工作", now);
	for (int o = 1; !rc && o <= DEMO_SECONDARY_UNITS; o++)
		rc = add_member(db, lg, &P[g->org_head[o]], "member", "本單位創建工作第一責任人", now);
	if (!rc)
		rc = add_member(db, lg, &P[g->civility_head], "office_director", "負責領導小組辦公室日常工作", now);

	int64_t tf = rc ? rc
			: add_group(db, g->year, "task_force", "文明創建工作專班", jt,
				    "在領導小組領導下承擔日常創建工作：定期對各基層單位創建工作進行監督檢查，"
				    "收集服務對象和行風監督員的意見建議，督辦問題整改，整理創建台賬。",
				    now);
	if (!rc)
		rc = add_member(db, tf, &P[g->office_deputy], "leader", "統籌專班工作", now);
	if (!rc)
		rc = add_member(db, tf, &P[g->civility_head], "deputy", "組織監督檢查和考核", now);
	for (int s = 0; !rc && s < 10 && orgs[0].subs[s].name; s++) {
		const char *n = orgs[0].subs[s].name;
		if (strcmp(n, "辦公室") == 0 || strcmp(n, "人事科") == 0 || strcmp(n, "紀檢監察室") == 0)
			rc = add_member(db, tf, &P[g->u[g->sub_unit[0][s]].head], "member", "督查考核", now);
	}
	for (int o = 1; !rc && o <= DEMO_SECONDARY_UNITS; o++)
		rc = add_member(db, tf, &P[g->org_secretary[o]], "member", "本單位聯絡員", now);

	for (int o = 1; !rc && o <= DEMO_SECONDARY_UNITS; o++) {
		char name[128];
		snprintf(name, sizeof name, "%s文明創建工作領導小組", orgs[o].name);
		int64_t ug = add_group(db, g->year, "leadership_group", name, g->u[g->org_unit[o]].id,
				       "負責本單位文明創建工作，落實年度責任狀，把創建責任分解到每個窗口、每個崗位。", now);
		rc = add_member(db, ug, &P[g->org_head[o]], "leader", "全面負責", now);
		if (!rc)
			rc = add_member(db, ug, &P[g->org_secretary[o]], "deputy", "協助組長抓好日常工作", now);
		if (!rc)
			rc = add_member(db, ug, &P[g->org_deputy[o]], "member", "抓好分管業務的創建工作", now);
		for (int s = 0; !rc && s < 10 && orgs[o].subs[s].name; s++)
			rc = add_member(db, ug, &P[g->u[g->sub_unit[o][s]].head], s ? "member" : "office_director",
					s ? "本科室（窗口）創建工作" : "負責領導小組辦公室日常工作", now);
	}
	return rc;
}

static const struct {
	const char *category, *organization;
} supervisor_defs[DEMO_SUPERVISORS] = {
	{"人大代表", "市人大常委會"},   {"人大代表", "市人民醫院"},         {"人大代表", "長江埠街道辦事處"},
	{"人大代表", "市實驗小學"},     {"政協委員", "市政協"},             {"政協委員", "市工商業聯合會"},
	{"政協委員", "楚天律師事務所"}, {"政協委員", "市消費者協會"},       {"媒體記者", "市日報社"},
	{"媒體記者", "市廣播電視台"},   {"媒體記者", "市融媒體中心"},       {"企業代表", "市長運客運有限公司"},
	{"企業代表", "市順達物流有限公司"}, {"企業代表", "市鹽化工業集團有限公司"}, {"企業代表", "市宏運出租汽車有限公司"},
	{"市民代表", "城中街道東城社區居委會"}, {"市民代表", "市老幹部活動中心"}, {"市民代表", "城北街道辦事處"},
	{"市民代表", "市婦女聯合會"},   {"市民代表", "市個體勞動者協會"},
};

static const char *supervisor_focus(const char *category)
{
	if (strcmp(category, "人大代表") == 0)
		return "監督依法行政和窗口服務";
	if (strcmp(category, "政協委員") == 0)
		return "民主監督，提出改進建議";
	if (strcmp(category, "媒體記者") == 0)
		return "輿論監督，明察暗訪窗口作風";
	if (strcmp(category, "企業代表") == 0)
		return "反映服務對象的意見和建議";
	return "收集群眾意見和建議";
}

/* Twenty conduct supervisors from outside, for a three-year term, each
 * assigned to one to three secondary units (every unit has at least one). */
static int insert_supervisors(struct db *db, struct gen *g, int64_t now)
{
	struct rng r = {g->seed ^ 0x5375706572766973u};
	char start[11], end[11];
	cal_format_date(cal_days_from_civil(g->year - 1, 1, 1), start);
	cal_format_date(cal_days_from_civil(g->year + 1, 12, 31), end);
	char names[DEMO_SUPERVISORS][32];
	int rc = 0;
	for (int i = 0; !rc && i < DEMO_SUPERVISORS; i++) {
		char phone[12], email[40], note[200];
		char *name = names[i];
		int male = rng_chance(&r, 60);
		int taken;
		do { /* a name of its own: not a colleague's, not another supervisor's */
			make_name(&r, male, 1960 + rng_below(&r, 30), name, sizeof names[i]);
			taken = name_taken(g, name);
			for (int k = 0; k < i && !taken; k++)
				taken = strcmp(names[k], name) == 0;
		} while (taken);
		snprintf(phone, sizeof phone, "%s%08d", mobile_prefixes[rng_below(&r, COUNT(mobile_prefixes))],
			 rng_below(&r, 100000000));
		snprintf(email, sizeof email, "%d%0*d@%s", 1 + rng_below(&r, 9), 7 + rng_below(&r, 3), rng_below(&r, 10000000),
			 rng_chance(&r, 60) ? "qq.com" : "163.com");
		int64_t id = db_insert(db,
				       "INSERT INTO supervisors (name, organization, phone, email, term_start, term_end, "
				       "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				       "ssssssii", name, supervisor_defs[i].organization, phone,
				       rng_chance(&r, 75) ? email : NULL, start, end, now, now);
		if (id < 0)
			return (int)id;
		snprintf(note, sizeof note, "%s：%s", supervisor_defs[i].category,
			 supervisor_focus(supervisor_defs[i].category));
		int units[3] = {1 + i % DEMO_SECONDARY_UNITS, 0, 0};
		int n = 1 + rng_below(&r, 3);
		for (int k = 1; k < n; k++) {
			int o;
			do
				o = 1 + rng_below(&r, DEMO_SECONDARY_UNITS);
			while (o == units[0] || (k == 2 && o == units[1]));
			units[k] = o;
		}
		for (int k = 0; !rc && k < n; k++)
			rc = db_run(db,
				    "INSERT INTO supervisor_units (supervisor_id, unit_id, note, created_at, updated_at) "
				    "VALUES (?, ?, ?, ?, ?)",
				    "iisii", id, g->u[g->org_unit[units[k]]].id, note, now, now);
	}
	return rc;
}

/* ---- the load ---- */

static json_t *summary(struct db *db, const struct gen *g, uint64_t seed, int people, const struct people_stats *st)
{
	json_t *o = json_object();
	json_object_set_new(o, "seed", json_integer((json_int_t)(seed & INT64_MAX)));
	json_object_set_new(o, "people", json_integer(people));
	json_object_set_new(o, "inactive_people", json_integer(DEMO_INACTIVE));
	json_object_set_new(o, "units", json_integer(g->nu));
	json_object_set_new(o, "secondary_units", json_integer(DEMO_SECONDARY_UNITS));
	json_object_set_new(o, "total", json_integer(st->total));
	json_object_set_new(o, "party_members", json_integer(st->party_members));
	json_object_set_new(o, "law_enforcement_certified", json_integer(st->law_enforcement_certified));
	json_object_set_new(o, "mid_level_professionals", json_integer(st->mid_level_professionals));
	json_object_set_new(o, "supervisors", json_integer(db_one_int64(db, 0, "SELECT count(*) FROM supervisors", NULL)));
	json_object_set_new(o, "supervisor_units",
			    json_integer(db_one_int64(db, 0, "SELECT count(*) FROM supervisor_units", NULL)));
	json_object_set_new(o, "groups", json_integer(db_one_int64(db, 0, "SELECT count(*) FROM org_groups", NULL)));
	json_object_set_new(o, "group_members",
			    json_integer(db_one_int64(db, 0, "SELECT count(*) FROM org_group_members", NULL)));
	return o;
}

static int load(struct db *db, struct gen *g, uint64_t seed, int people, char *err, size_t errlen)
{
	int64_t now = (int64_t)time(NULL);
	int64_t existing = db_one_int64(db, -1, "SELECT (SELECT count(*) FROM units) + (SELECT count(*) FROM people)", NULL);
	if (existing < 0) {
		snprintf(err, errlen, "cannot read the units and people tables: %s", db_errmsg(db));
		return DB_ERR;
	}
	if (existing > 0) {
		snprintf(err, errlen, "the database has units or people already; the demo is for an empty database");
		return DEMO_E_NOT_EMPTY;
	}
	struct arena a;
	arena_init(&a);
	int rc = insert_units(db, &a, g, now);
	if (!rc)
		rc = insert_roster(db, &a, g, now);
	arena_free(&a);
	if (!rc)
		rc = insert_groups(db, g, now);
	if (!rc)
		rc = insert_supervisors(db, g, now);
	if (!rc)
		rc = insert_extras(db, g, people - g->ncore, now);
	if (rc) {
		snprintf(err, errlen, "cannot write the demo organization: %s", db_errmsg(db));
		return rc;
	}
	/* the figures as the statistics page will count them */
	struct people_stats st;
	char today[11];
	if (people_stats(db, g->u[g->org_unit[0]].id, cal_format_date(g->today, today), &st)) {
		snprintf(err, errlen, "cannot count the demo staff: %s", db_errmsg(db));
		return DB_ERR;
	}
	if (st.total != people || st.party_members != DEMO_PARTY_MEMBERS ||
	    st.law_enforcement_certified != DEMO_CERTIFIED || st.mid_level_professionals != DEMO_MID_LEVEL) {
		snprintf(err, errlen, "internal error: the statistics count %lld/%lld/%lld/%lld, not %d/%d/%d/%d",
			 (long long)st.total, (long long)st.party_members, (long long)st.law_enforcement_certified,
			 (long long)st.mid_level_professionals, people, DEMO_PARTY_MEMBERS, DEMO_CERTIFIED,
			 DEMO_MID_LEVEL);
		return DB_ERR;
	}
	json_t *after = summary(db, g, seed, people, &st);
	rc = audit_write(db, 0, "system", "cli", "demo_load", "database", 0, NULL, after);
	json_decref(after);
	if (rc)
		snprintf(err, errlen, "cannot write the audit entry: %s", db_errmsg(db));
	return rc;
}

int demo_load(struct db *db, uint64_t seed, int people, char *err, size_t errlen)
{
	if (people < DEMO_PEOPLE_MIN || people > DEMO_PEOPLE_MAX) {
		snprintf(err, errlen, "the number of people must be between %d and %d", DEMO_PEOPLE_MIN, DEMO_PEOPLE_MAX);
		return -1;
	}
	struct gen *g = calloc(1, sizeof *g);
	if (!g) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	g->seed = seed;
	g->r.s = seed ^ 0x77656e6d696e6721u;
	int month, mday;
	g->today = cal_local_day(time(NULL));
	cal_civil_from_days(g->today, &g->year, &month, &mday);
	g->idseq = calloc(ID_DAYS * 2, sizeof *g->idseq);
	g->p = calloc(DEMO_PEOPLE_MIN + DEMO_INACTIVE, sizeof *g->p);
	int rc = -1;
	if (!g->idseq || !g->p) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	build_units(g);
	build_core(g);
	if (g->ncore != DEMO_PEOPLE_MIN) {
		snprintf(err, errlen, "internal error: the core roster has %d people, not %d", g->ncore, DEMO_PEOPLE_MIN);
		goto out;
	}
	if (assign_attributes(g, err, errlen))
		goto out;
	build_inactive(g);
	/* SQLite: keep the load's pages in memory rather than spilling them to
	 * the WAL over and over (up to 512 MB; a million people take about 300 MB) */
	int big_cache = db_kind(db) == DB_SQLITE && db_depth(db) == 0;
	if (big_cache)
		db_exec_script(db, "PRAGMA cache_size = -524288; PRAGMA temp_store = MEMORY");
	rc = db_begin(db);
	if (rc) {
		snprintf(err, errlen, "cannot begin a transaction: %s", db_errmsg(db));
		goto out;
	}
	rc = load(db, g, seed, people, err, errlen);
	if (!rc && (rc = db_commit(db)))
		snprintf(err, errlen, "cannot commit: %s", db_errmsg(db));
	if (rc)
		db_rollback(db);
	if (big_cache)
		db_exec_script(db, "PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT"); /* as db_sqlite.c left them */
out:
	free(g->idseq);
	free(g->p);
	free(g);
	return rc;
}

/* ---- the module's part of `wenming demo` ---- */

int org_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = demo_load(db, o->seed, o->people, err, errlen);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc)
		return rc;
	/* the figures as the statistics query counted them inside the load's
	 * transaction, kept in its audit entry (counting a million people
	 * again would take seconds) */
	json_t *sum = NULL;
	struct arena a;
	arena_init(&a);
	const char *js = db_one_text(db, &a, "SELECT after_json FROM audit WHERE action = 'demo_load' ORDER BY id DESC", NULL);
	if (js)
		sum = json_loads(js, 0, NULL);
	arena_free(&a);
#define FIG(name) ((long long)json_integer_value(json_object_get(sum, name)))
	int64_t day = cal_local_day(time(NULL));
	char today[CAL_DATE_SIZE], soon[CAL_DATE_SIZE];
	cal_format_date(day, today);
	cal_format_date(day + 60, soon);
	printf("loaded the demo organization in %.2f s (seed %llu):\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, (unsigned long long)o->seed);
	printf("  %lld units: %lld secondary units with departments, service windows, posts and party branches\n",
	       FIG("units"), FIG("secondary_units"));
	printf("  %lld active staff: %lld party members, %lld certified law-enforcement officers (%lld expiring\n"
	       "  within 60 days), %lld mid-level or higher professionals; %lld retired or transferred\n",
	       FIG("total"), FIG("party_members"), FIG("law_enforcement_certified"),
	       (long long)db_one_int64(db, 0,
				       "SELECT count(*) FROM people WHERE archived = 0 AND status = 'active' AND "
				       "cert_number IS NOT NULL AND cert_expires >= ? AND cert_expires <= ?",
				       "ss", today, soon),
	       FIG("mid_level_professionals"), FIG("inactive_people"));
	printf("  %lld conduct supervisors, %lld groups (leadership groups and the task force)\n", FIG("supervisors"),
	       FIG("groups"));
#undef FIG
	json_decref(sum);
	return 0;
}
