/* gen.c — data for bench/records.sh and bench/cases.sh: a 10,000-unit
 * bureau and its people, as CSV files `wenming import` accepts, the same
 * people as a SQL file of multi-row INSERTs (1,000 rows a transaction) for
 * the raw SQLite baseline, and a year of cases as SQL INSERTs into the cases
 * table (the cases module's own columns, src/cases/types.c).
 *
 *   gen units DIR           DIR/units.csv (parents before children, one file)
 *                           and DIR/units-L1.csv .. units-L5.csv (one level each)
 *   gen people N FILE       N people, CSV
 *   gen sql N OFFSET FILE   the same N people as INSERT INTO people_raw ...;
 *                           unit_id = OFFSET + unit number (the id the unit
 *                           import gave it; the units import in file order)
 *   gen name I              the name of person I (for a search that hits)
 *   gen cases N OFFSET CATEGORY NOW FILE
 *                           N cases (bench/cases.sh) as INSERT INTO cases ...
 *                           (1,000 rows a transaction), ids 1..N, handled by
 *                           unit OFFSET + unit number, all in category
 *                           CATEGORY, received over the year before NOW
 *                           (seconds since 1970), in id order
 *   gen case-unit I         the unit number (1..10000) of case I, or 0 when
 *                           it is with the office (registered, returned)
 *
 * Deterministic (splitmix64 on the row number), no libc rand(). Values are
 * valid for the people register (src/platform/people.c): enum codes, 0/1, a join
 * date for every party member, 18-character ID numbers with their ISO 7064
 * check digit (unique: birth day and sequence number come from the row
 * number), gender matching the ID's sequence parity.
 *
 * The tree (10,000 units): 1 bureau, 13 secondary units, 12 departments in
 * each (156), 8 service windows in each department (1,248), and 8,582 posts
 * spread over the windows (6 or 7 each). Codes are U00001..U10000 in
 * breadth-first order, so ids follow codes when imported in that order. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUNITS 10000
#define NSEC 13
#define DEPTS_PER_SEC 12
#define WINDOWS_PER_DEPT 8

struct unit {
	int parent; /* unit number, 0 for the root */
	int level;  /* 1 bureau .. 5 post */
	const char *kind;
	char name[96];
};

static struct unit units[NUNITS + 1];

static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15u;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static const char *secondary[NSEC] = {"公路管理局",   "運輸管理處",     "港航管理局",       "交通工程質量監督站",
				      "公路路政支隊", "交通規費征稽處", "城市客運管理處",   "駕駛員培訓管理所",
				      "交通物流發展中心", "汽車站",     "交通信息中心",     "地方海事局",
				      "交通綜合執法支隊"};
static const char *depts[DEPTS_PER_SEC] = {"辦公室", "人事科",   "財務科",     "工程技術科", "養護管理科", "質量安全科",
					   "法制科", "稽查大隊", "客運管理科", "貨運管理科", "信息服務科", "應急管理科"};
static const char *posts[] = {"受理崗", "審核崗", "發證崗", "收費崗", "巡查崗", "檢測崗", "值班崗"};

static int build_tree(void)
{
	int n = 0;
	units[++n] = (struct unit){0, 1, "bureau", "市交通運輸局"};
	int sec0 = n + 1;
	for (int s = 0; s < NSEC; s++) {
		units[++n] = (struct unit){1, 2, "secondary", ""};
		snprintf(units[n].name, sizeof units[n].name, "%s", secondary[s]);
	}
	int dep0 = n + 1;
	for (int s = 0; s < NSEC; s++)
		for (int d = 0; d < DEPTS_PER_SEC; d++) {
			units[++n] = (struct unit){sec0 + s, 3, "department", ""};
			snprintf(units[n].name, sizeof units[n].name, "%s%s", secondary[s], depts[d]);
		}
	int ndep = NSEC * DEPTS_PER_SEC, win0 = n + 1;
	for (int d = 0; d < ndep; d++)
		for (int w = 0; w < WINDOWS_PER_DEPT; w++) {
			units[++n] = (struct unit){dep0 + d, 4, "window", ""};
			snprintf(units[n].name, sizeof units[n].name, "%s第%d窗口", units[dep0 + d].name, w + 1);
		}
	int nwin = ndep * WINDOWS_PER_DEPT, nposts = NUNITS - n;
	for (int p = 0; p < nposts; p++) {
		int w = p % nwin; /* round robin: 6 or 7 posts a window */
		units[++n] = (struct unit){win0 + w, 5, "post", ""};
		snprintf(units[n].name, sizeof units[n].name, "%s%s%d", units[win0 + w].name, posts[(p / nwin) % 7],
			 p / nwin + 1);
	}
	return n;
}

static FILE *open_out(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static void close_out(FILE *f, const char *path)
{
	if (fflush(f) || ferror(f) || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void unit_row(FILE *f, int i)
{
	fprintf(f, "U%05d,%s,%s,", i, units[i].name, units[i].kind);
	if (units[i].parent)
		fprintf(f, "U%05d", units[i].parent);
	fputc('\n', f);
}

static int cmd_units(const char *dir)
{
	int n = build_tree();
	char path[4096];
	snprintf(path, sizeof path, "%s/units.csv", dir);
	FILE *all = open_out(path);
	fputs("code,name,kind,parent_id\n", all);
	for (int i = 1; i <= n; i++)
		unit_row(all, i);
	close_out(all, path);
	for (int l = 1; l <= 5; l++) {
		char lp[4096];
		snprintf(lp, sizeof lp, "%s/units-L%d.csv", dir, l);
		FILE *f = open_out(lp);
		fputs("code,name,kind,parent_id\n", f);
		for (int i = 1; i <= n; i++)
			if (units[i].level == l)
				unit_row(f, i);
		close_out(f, lp);
	}
	return 0;
}

/* ---- people ---- */

static const char *surnames[] = {"王", "李", "張", "劉", "陳", "楊", "黃", "趙", "吳", "周", "徐", "孫", "馬", "朱",
				 "胡", "郭", "何", "高", "林", "羅", "鄭", "梁", "謝", "宋", "唐", "許", "韓", "馮",
				 "鄧", "曹", "彭", "曾", "蕭", "田", "董", "袁", "潘", "于", "蔣", "蔡", "余", "杜",
				 "葉", "程", "蘇", "魏", "呂", "丁", "任", "沈", "姚", "盧", "姜", "崔", "鍾", "譚",
				 "陸", "汪", "范", "金", "石", "廖", "賈", "夏", "韋", "付", "方", "白", "鄒", "孟",
				 "熊", "秦", "邱", "江", "尹", "薛", "閻", "段", "雷", "侯", "龍", "史", "陶", "黎",
				 "賀", "顧", "毛", "郝", "龔", "邵", "萬", "錢", "嚴", "覃", "武", "戴", "莫", "孔",
				 "向", "湯"};
static const char *given[] = {
	"偉", "芳", "娜", "敏", "靜", "麗", "強", "磊", "軍", "洋", "勇", "艷", "傑", "娟", "濤", "明", "超", "秀",
	"霞", "平", "剛", "桂", "英", "華", "建", "國", "文", "輝", "紅", "玉", "蘭", "俊", "峰", "琳", "雪", "梅",
	"鵬", "宇", "浩", "晨", "欣", "怡", "婷", "鑫", "斌", "波", "輝", "凱", "龍", "帆", "雲", "海", "林", "春",
	"東", "志", "新", "亮", "慧", "佳", "嘉", "昊", "天", "思", "成", "德", "安", "寧", "永", "光", "榮", "興",
	"福", "祥", "瑞", "金", "銀", "寶", "珍", "翠", "鳳", "琴", "萍", "蓉", "潔", "倩", "穎", "璐", "晶", "瑤"};
#define NS (sizeof surnames / sizeof surnames[0])
#define NG (sizeof given / sizeof given[0])

static const char *areas[] = {"330102", "330105", "330106", "330108", "330109", "330110", "320102", "320104",
			      "440103", "440104", "110101", "110102", "310101", "310104", "510104", "420102"};
#define NAREA (sizeof areas / sizeof areas[0])

struct person {
	char name[16];
	const char *gender, *status, *title_level;
	int party;
	char joined[32], birth[32], id[19];
	int unit;
};

static void ymd(long z, int *y, int *m, int *d) /* days since 1970-01-01 */
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void name_of(long i, char *out, size_t len)
{
	uint64_t h = mix((uint64_t)i * 2 + 1);
	const char *s = surnames[h % NS];
	h /= NS;
	const char *g1 = given[h % NG];
	h /= NG;
	const char *g2 = given[h % NG];
	h /= NG;
	if (h % 3 == 0) /* a third have two-character names */
		snprintf(out, len, "%s%s", s, g1);
	else
		snprintf(out, len, "%s%s%s", s, g1, g2);
}

static void person(long i, struct person *p)
{
	uint64_t h = mix((uint64_t)i * 2 + 2);
	name_of(i, p->name, sizeof p->name);
	/* birth days 1960-01-01 .. 1999-12-21 (14,600 days) x 1,000 sequence
	 * numbers x 16 areas: unique for the first 233.6 million rows */
	long day = -3653 + i % 14600, seq = (i / 14600) % 1000, area = (i / 14600000) % NAREA;
	int y, m, d;
	ymd(day, &y, &m, &d);
	snprintf(p->birth, sizeof p->birth, "%04d-%02d-%02d", y, m, d);
	char id[19];
	snprintf(id, sizeof id, "%s%04d%02d%02d%03ld", areas[area], y, m, d, seq);
	static const int w[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int k = 0; k < 17; k++)
		sum += (id[k] - '0') * w[k];
	id[17] = "10X98765432"[sum % 11];
	id[18] = 0;
	memcpy(p->id, id, 19);
	p->gender = seq % 2 ? "male" : "female";
	int r = (int)(h % 100);
	h /= 100;
	p->status = r < 95 ? "active" : r < 99 ? "retired" : "transferred";
	r = (int)(h % 100);
	h /= 100;
	p->title_level = r < 60 ? "none" : r < 85 ? "junior" : r < 95 ? "intermediate" : r < 99 ? "associate_senior" : "senior";
	p->party = (int)(h % 100) < 25;
	h /= 100;
	p->joined[0] = 0;
	if (p->party) {
		int jy = y + 20 + (int)(h % 15);
		h /= 15;
		if (jy > 2025)
			jy = 2025;
		snprintf(p->joined, sizeof p->joined, "%04d-%02d-01", jy, 1 + (int)(h % 12));
		h /= 12;
	}
	p->unit = 1 + (int)(mix((uint64_t)i * 2 + 3) % NUNITS); /* uniform over all units */
}

static int cmd_people(long n, const char *path)
{
	FILE *f = open_out(path);
	fputs("name,gender,unit_id,status,party_member,party_joined,title_level,id_number\n", f);
	struct person p;
	for (long i = 0; i < n; i++) {
		person(i, &p);
		fprintf(f, "%s,%s,U%05d,%s,%d,%s,%s,%s\n", p.name, p.gender, p.unit, p.status, p.party, p.joined,
			p.title_level, p.id);
	}
	close_out(f, path);
	return 0;
}

static int cmd_sql(long n, long offset, const char *path)
{
	FILE *f = open_out(path);
	struct person p;
	for (long i = 0; i < n; i++) {
		person(i, &p);
		if (i % 1000 == 0)
			fputs("BEGIN;\nINSERT INTO people_raw (created_at, updated_at, name, gender, unit_id, status, "
			      "party_member, party_joined, title_level, id_number) VALUES\n",
			      f);
		fprintf(f, "(1764400000,1764400000,'%s','%s',%ld,'%s',%d,", p.name, p.gender, offset + p.unit, p.status,
			p.party);
		if (p.joined[0])
			fprintf(f, "'%s'", p.joined);
		else
			fputs("NULL", f);
		fprintf(f, ",'%s','%s')", p.title_level, p.id);
		fputs(i % 1000 == 999 || i == n - 1 ? ";\nCOMMIT;\n" : ",\n", f);
	}
	close_out(f, path);
	return 0;
}

/* ---- cases ---- */

/* Unit numbers of the tree's levels (build_tree: breadth first). */
#define SEC0 2
#define DEP0 (SEC0 + NSEC)
#define WIN0 (DEP0 + NSEC * DEPTS_PER_SEC)
#define POST0 (WIN0 + NSEC * DEPTS_PER_SEC * WINDOWS_PER_DEPT)

static const char *roads[] = {"中山路", "人民路", "解放路", "建設路", "和平路", "新華路", "勝利路", "文化路",
			      "青年路", "光明路", "長江路", "黃河路", "濱江大道", "環城北路", "環城南路", "工業大道",
			      "學府路", "迎賓大道", "車站路", "港口路"};
static const char *issues[] = {"路面坑窪", "路燈不亮", "公交站台破損", "違章停車佔道", "貨車超載",
			       "出租車拒載",   "客運班車晚點", "施工噪音擾民", "窨井蓋缺失",   "護欄損壞",
			       "交通標誌不清", "積水嚴重",     "駕校收費不透明", "網約車亂收費", "渡口安全隱患"};
#define NROAD (sizeof roads / sizeof roads[0])
#define NISSUE (sizeof issues / sizeof issues[0])

struct pick {
	const char *code;
	int pct; /* cumulative, out of 100 */
};

static const char *pick(const struct pick *p, int r)
{
	while (r >= p->pct)
		p++;
	return p->code;
}

static const struct pick kinds[] = {{"complaint", 45}, {"problem", 65},      {"consultation", 80},
				    {"suggestion", 90}, {"praise", 95},      {"tip_off", 100}};
static const struct pick channels[] = {{"hotline", 50},     {"web", 70},          {"open311", 80},
				       {"walk_in", 85},     {"report_box", 88},   {"media", 90},
				       {"opinion_form", 93}, {"supervisor", 96}, {"inspection", 99},
				       {"appraisal", 100}};

/* The state of a case received age_days ago: recent ones open, old ones
 * closed (a few still in hand, long overdue). */
static const char *case_state(long age_days, int r)
{
	static const struct pick day0[] = {{"registered", 40}, {"dispatched", 80}, {"in_hand", 100}};
	static const struct pick day3[] = {{"registered", 5}, {"dispatched", 20}, {"returned", 22}, {"in_hand", 92},
					   {"answered", 100}};
	static const struct pick day21[] = {{"in_hand", 55}, {"extension", 58}, {"answered", 78}, {"closed", 98},
					    {"merged", 100}};
	static const struct pick day60[] = {{"in_hand", 5}, {"extension", 6}, {"answered", 10}, {"closed", 98},
					    {"merged", 100}};
	static const struct pick older[] = {{"in_hand", 1}, {"closed", 98}, {"merged", 100}};
	return pick(age_days < 1 ? day0 : age_days < 3 ? day3 : age_days < 21 ? day21 : age_days < 60 ? day60 : older, r);
}

/* The handling unit of case i, as a unit number: 10 % secondary units,
 * 40 % departments, 40 % service windows, 10 % posts. */
static int case_unit_no(long i)
{
	uint64_t h = mix((uint64_t)i * 4 + 3);
	int r = (int)(h % 100);
	h /= 100;
	if (r < 10)
		return SEC0 + (int)(h % NSEC);
	if (r < 50)
		return DEP0 + (int)(h % (NSEC * DEPTS_PER_SEC));
	if (r < 90)
		return WIN0 + (int)(h % (NSEC * DEPTS_PER_SEC * WINDOWS_PER_DEPT));
	return POST0 + (int)(h % (NUNITS - POST0 + 1));
}

struct kase {
	long received, age_days;
	const char *state;
	int unit; /* 0: with the office */
};

static void case_core(long i, long n, long now, struct kase *c)
{
	/* ids follow the time of arrival: one year, evenly, with jitter */
	long span = 365L * 86400;
	uint64_t h = mix((uint64_t)i * 4 + 1);
	long t = now - span + (long)((double)span * (double)i / (double)(n > 1 ? n : 1));
	t += (long)(h % 600);
	if (t > now)
		t = now;
	c->received = t;
	c->age_days = (now - t) / 86400;
	h /= 600;
	c->state = case_state(c->age_days, (int)(h % 100));
	c->unit = strcmp(c->state, "registered") && strcmp(c->state, "returned") ? case_unit_no(i) : 0;
}

static void day_of(long t, char *out, size_t len)
{
	int y, m, d;
	ymd(t / 86400, &y, &m, &d);
	snprintf(out, len, "'%04d-%02d-%02d'", y, m, d);
}

static void int_or_null(FILE *f, long v, int present)
{
	if (present)
		fprintf(f, "%ld", v);
	else
		fputs("NULL", f);
}

static int cmd_cases(long n, long offset, long category, long now, const char *path)
{
	FILE *f = open_out(path);
	struct kase c;
	for (long i = 0; i < n; i++) {
		if (i % 1000 == 0)
			fputs("BEGIN;\nINSERT INTO cases (id, archived, version, created_at, updated_at, number, title, kind, "
			      "channel, category_id, description, address, lat, lon, state, unit_id, due, received_at, "
			      "response_due, dispatched_at, accepted_at, answered_at, closed_at, handling_due, "
			      "accepted_on_time, answered_on_time, handling_days, reply, rating, ratings, rated, rating_void, "
			      "reminders, escalated, anonymous, keep_confidential, contact_name, contact_phone, "
			      "tracking_hash) VALUES\n",
			      f);
		long id = i + 1;
		case_core(i, n, now, &c);
		uint64_t h = mix((uint64_t)i * 4 + 2);
		const char *road = roads[h % NROAD];
		h /= NROAD;
		const char *issue = issues[h % NISSUE];
		h /= NISSUE;
		int no = 1 + (int)(h % 300);
		h /= 300;
		const char *kind = pick(kinds, (int)(h % 100));
		h /= 100;
		const char *channel = pick(channels, (int)(h % 100));
		h /= 100;
		int anonymous = (int)(h % 100) < 20;
		h /= 100;
		int y, m, d;
		ymd(c.received / 86400, &y, &m, &d);
		int open = strcmp(c.state, "closed") && strcmp(c.state, "merged");
		int dispatched = strcmp(c.state, "registered") && strcmp(c.state, "returned");
		int accepted = dispatched && strcmp(c.state, "dispatched");
		int answered = !strcmp(c.state, "answered") || !strcmp(c.state, "closed");
		int closed = !strcmp(c.state, "closed") || !strcmp(c.state, "merged");
		h = mix((uint64_t)i * 4 + 4); /* the first is used up */
		long t_disp = c.received + 3600 + (long)(h % 7200);
		h /= 7200;
		long t_acc = t_disp + 1800 + (long)(h % 20000);
		h /= 20000;
		long hdays = 3 + (long)(h % 14); /* working days to the answer */
		h /= 14;
		long t_ans = t_acc + hdays * 86400 + 3 * 86400 * (hdays / 5);
		long t_close = t_ans + 86400 + (long)(h % 86400);
		h /= 86400;
		long due_t = c.received + 21 * 86400; /* 15 working days */
		char due[16], resp[16];
		day_of(due_t, due, sizeof due);
		day_of(c.received + 86400, resp, sizeof resp);
		int rated = closed && !strcmp(c.state, "closed") && (int)(h % 100) < 60;
		h /= 100;
		int stars = 1 + (int)(h % 100 < 70 ? 4 : h % 100 < 85 ? 3 : h % 100 < 92 ? 2 : h % 100 < 96 ? 1 : 0);
		h /= 100;

		fprintf(f, "(%ld,0,1,%ld,%ld,'%04d-%06ld','%s%s','%s','%s',%ld,", id, c.received,
			closed ? t_close : c.received, y, id, road, issue, kind, channel, category);
		fprintf(f, "'市民反映：%s%d號附近%s，已經持續多日，影響周邊居民和車輛出行，請相關部門儘快核實處理並答覆。',", road,
			no, issue);
		fprintf(f, "'%s%d號',%.6f,%.6f,'%s',", road, no, 30.2 + (double)(mix(id) % 10000) / 50000.0,
			120.1 + (double)(mix(id + 7) % 10000) / 50000.0, c.state);
		int_or_null(f, offset + c.unit, c.unit != 0);
		fprintf(f, ",%s,%ld,%s,", open || closed ? due : "NULL", c.received, resp);
		int_or_null(f, t_disp, dispatched);
		fputc(',', f);
		int_or_null(f, t_acc, accepted);
		fputc(',', f);
		int_or_null(f, t_ans, answered);
		fputc(',', f);
		int_or_null(f, t_close, closed);
		fprintf(f, ",%s,", accepted ? due : "NULL");
		int_or_null(f, (t_acc - t_disp) < 86400, accepted);
		fputc(',', f);
		int_or_null(f, t_ans <= due_t, answered);
		fputc(',', f);
		int_or_null(f, hdays, answered);
		if (answered)
			fprintf(f, ",'經核查，%s%d號%s問題屬實，我單位已安排人員現場處置完畢，感謝您的監督。',", road, no, issue);
		else
			fputs(",NULL,", f);
		if (rated)
			fprintf(f, "'%d',1,1,", stars);
		else
			fputs("NULL,0,0,", f);
		fprintf(f, "0,0,0,%d,1,", anonymous);
		if (anonymous)
			fputs("NULL,NULL,", f);
		else {
			char nm[16];
			name_of(i + 7, nm, sizeof nm);
			fprintf(f, "'%s','139%08ld',", nm, (long)(mix(id + 11) % 100000000));
		}
		fprintf(f, "'%016llx%016llx%016llx%016llx')", (unsigned long long)mix(id * 8 + 1),
			(unsigned long long)mix(id * 8 + 2), (unsigned long long)mix(id * 8 + 3),
			(unsigned long long)mix(id * 8 + 4));
		fputs(i % 1000 == 999 || i == n - 1 ? ";\nCOMMIT;\n" : ",\n", f);
	}
	close_out(f, path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "units"))
		return cmd_units(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "people"))
		return cmd_people(atol(argv[2]), argv[3]);
	if (argc == 5 && !strcmp(argv[1], "sql"))
		return cmd_sql(atol(argv[2]), atol(argv[3]), argv[4]);
	if (argc == 3 && !strcmp(argv[1], "name")) {
		char nm[16];
		name_of(atol(argv[2]), nm, sizeof nm);
		puts(nm);
		return 0;
	}
	if (argc == 7 && !strcmp(argv[1], "cases"))
		return cmd_cases(atol(argv[2]), atol(argv[3]), atol(argv[4]), atol(argv[5]), argv[6]);
	if (argc == 5 && !strcmp(argv[1], "case-unit")) { /* I N NOW */
		struct kase c;
		case_core(atol(argv[2]), atol(argv[3]), atol(argv[4]), &c);
		printf("%d\n", c.unit);
		return 0;
	}
	fprintf(stderr, "usage: gen units DIR | gen people N FILE | gen sql N OFFSET FILE | gen name I\n"
			"       gen cases N OFFSET CATEGORY NOW FILE | gen case-unit I N NOW\n");
	return 2;
}
