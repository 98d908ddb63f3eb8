/* demo.c — the activities module's part of `wenming demo`: the facilities
 * of the experience report (party members' room, youth room, reading room,
 * exhibition room of civilization achievements, retired cadres' room, green
 * belts and a greenhouse, and a few of the secondary units' own), and a
 * year of its events: the essay contest with the city discipline commission
 * and the daily paper, fishing and gateball for the retired cadres, the
 * city transport system's art performance, the "national tax cup" speech
 * contest, volunteer labour and blood donation by the young staff, the
 * open-air film in the square, the poetry evening on road building, the
 * "transport cup" essay prize, the bus station's volunteer service, and one
 * event still planned. Participants are people of the demo organization
 * (the retired cadres for theirs, young staff for volunteer work), some
 * units take part as a whole; each held event has generated photos (libgd).
 * Every figure the pages show comes from these rows through the module's
 * queries.
 *
 * Rows are written with plain SQL in one transaction, as the other demos;
 * deterministic for a seed and a day. */
#include "../core/arena.h"
#include "../core/cal.h"
#include "../core/rng.h"
#include "../db/db.h"
#include "../records/files.h"
#include "activities.h"

#include <gd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct gen {
	struct db *db;
	struct arena *a;
	struct rng r;
	int64_t now, today, top;
	int events, rows, photos;
};

static const char *day_text(struct gen *g, int64_t day)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(g->a, cal_format_date(day, d));
}

static int64_t unit_named(struct gen *g, const char *name)
{
	return db_one_int64(g->db, g->top, "SELECT id FROM units WHERE name = ? AND archived = 0 ORDER BY id LIMIT 1",
			    "s", name);
}

/* A photo of the event (a drawn stand-in: a stage or a field with a banner
 * and people) for record id of table type, field "photos"; its file id, or
 * a negative DB_E_* code. */
static int64_t photo_write(struct gen *g, const char *type, int64_t id, const char *name, int hue)
{
	gdImagePtr im = gdImageCreateTrueColor(480, 320);
	if (!im)
		return DB_ERR;
	int sky = gdImageColorAllocate(im, 200 + rng_below(&g->r, 40), 220, 235),
	    ground = gdImageColorAllocate(im, 90 + hue % 60, 140 + rng_below(&g->r, 40), 80),
	    banner = gdImageColorAllocate(im, 190 + rng_below(&g->r, 50), 30 + hue % 40, 40),
	    text = gdImageColorAllocate(im, 250, 230, 120);
	gdImageFilledRectangle(im, 0, 0, 479, 199, sky);
	gdImageFilledRectangle(im, 0, 200, 479, 319, ground);
	int bx = 60 + rng_below(&g->r, 40);
	gdImageFilledRectangle(im, bx, 30, bx + 340, 80, banner);
	for (int k = 0; k < 8; k++)
		gdImageFilledRectangle(im, bx + 20 + 40 * k, 48, bx + 46 + 40 * k, 62, text);
	int n = 6 + rng_below(&g->r, 10);
	for (int k = 0; k < n; k++) {
		int x = 30 + rng_below(&g->r, 420), y = 170 + rng_below(&g->r, 110);
		int coat = gdImageColorAllocate(im, rng_below(&g->r, 200), rng_below(&g->r, 200),
						60 + rng_below(&g->r, 190));
		int face = gdImageColorAllocate(im, 235, 200, 170);
		gdImageFilledRectangle(im, x - 9, y, x + 9, y + 34, coat);
		gdImageFilledEllipse(im, x, y - 8, 16, 16, face);
	}
	int size = 0;
	void *png = gdImagePngPtr(im, &size);
	gdImageDestroy(im);
	if (!png)
		return DB_ERR;
	size_t tn = 0;
	const void *thumb = files_thumbnail(g->a, png, (size_t)size, "image/png", &tn);
	unsigned char hash[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1];
	crypto_hash_sha256(hash, png, (unsigned long long)size);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	struct db_stmt *q = db_prepare(g->db, g->a,
				       "INSERT INTO files (record_type, record_id, event_id, field, name, mime, size, "
				       "sha256, created_at, created_by, thumb, data) VALUES (?, ?, NULL, 'photos', ?, "
				       "'image/png', ?, ?, ?, NULL, ?, ?) RETURNING id");
	int64_t fid = DB_ERR;
	if (q) {
		db_bind_text(q, 1, type);
		db_bind_int64(q, 2, id);
		db_bind_text(q, 3, name);
		db_bind_int64(q, 4, size);
		db_bind_text(q, 5, hex);
		db_bind_int64(q, 6, g->now);
		if (thumb)
			db_bind_blob(q, 7, thumb, tn);
		else
			db_bind_null(q, 7);
		db_bind_blob(q, 8, png, (size_t)size);
		fid = db_step(q) == DB_ROW ? db_column_int64(q, 0) : DB_ERR;
		db_reset(q);
	}
	gdFree(png);
	if (fid > 0)
		g->photos++;
	return fid;
}

/* Attaches n generated photos to the record: 0 or a DB_E_* code. */
static int photos(struct gen *g, const char *type, const char *table, int64_t id, int n, const char *name)
{
	char ids[64] = "";
	for (int k = 0; k < n; k++) {
		int64_t f =
			photo_write(g, type, id, arena_printf(g->a, "%s-%d.png", name, k + 1), (int)(id * 37 + k * 11));
		if (f < 0)
			return (int)f;
		size_t len = strlen(ids);
		snprintf(ids + len, sizeof ids - len, "%s%lld", k ? "," : "", (long long)f);
	}
	return n ? db_run(g->db, arena_printf(g->a, "UPDATE %s SET photos = ? WHERE id = ?", table), "si", ids, id) : 0;
}

/* ---- facilities ---- */

static const struct {
	const char *name, *kind, *unit, *hours, *location;
	double area;
	int capacity, photos;
	const char *note;
} facilities[] = {
	{"黨員活動室", "party_room", NULL, "工作日 8:30–17:30", "局機關辦公樓三樓", 120, 60, 2,
	 "黨員學習、組織生活會和主題黨日的固定場所，牆上有入黨誓詞和黨員承諾公示欄。"},
	{"團員青年活動室", "youth_room", NULL, "工作日 12:00–13:30，周五 15:00–17:30", "局機關辦公樓四樓", 80, 40, 1,
	 "團員青年讀書會、青年文明號創建交流的場所。"},
	{"書報閱覽室", "reading_room", NULL, "工作日 8:30–17:30", "局機關辦公樓二樓", 60, 30, 1,
	 "訂閱黨報黨刊、交通專業期刊 40 餘種，藏書 3,000 餘冊。"},
	{"文明成果展覽室", "exhibition_room", NULL, "工作日 9:00–17:00，預約參觀", "局機關辦公樓一樓", 150, 80, 2,
	 "展示歷年文明創建的榮譽、照片和先進典型事跡。"},
	{"老幹部活動室", "retired_room", NULL, "每天 8:00–18:00", "局機關院內東側平房", 100, 50, 1,
	 "棋牌、書畫、健身器材，離退休幹部黨支部的活動場所。"},
	{"局機關綠化帶", "green_belt", NULL, NULL, "局機關大院及門前路段", 1800, 0, 1,
	 "草坪、灌木和行道樹，由團員青年義務勞動養護。"},
	{"花房", "greenhouse", NULL, "工作日 8:30–17:30", "局機關院內西側", 200, 0, 1,
	 "培育盆花和苗木，供機關和窗口單位綠化美化。"},
	{"職工活動室", "activity_room", "公路管理局", "工作日 12:00–13:30", "公路管理局辦公樓一樓", 90, 40, 0,
	 "乒乓球、棋牌和健身器材。"},
	{"候車大廳學雷鋒志願服務站", "other", "汽車站", "每天 6:30–19:00", "汽車站候車大廳", 30, 8, 1,
	 "為旅客提供問詢、行李搬運和愛心座椅。"},
	{"學生閱覽室", "reading_room", "交通技工學校", "上課日 7:30–21:00", "交通技工學校圖書館二樓", 240, 120, 0,
	 "專業書刊和黨史學習教育專架。"},
};

static int64_t facility_id[COUNT(facilities)];

static int demo_facilities(struct gen *g)
{
	int rc = 0;
	for (int k = 0; !rc && k < COUNT(facilities); k++) {
		int64_t unit = facilities[k].unit ? unit_named(g, facilities[k].unit) : g->top;
		int64_t id = db_insert(g->db,
				       "INSERT INTO facilities (name, kind, unit_id, area, opening_hours, location, "
				       "capacity, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
				       "RETURNING id",
				       "ssidssssii", facilities[k].name, facilities[k].kind, unit, facilities[k].area,
				       facilities[k].hours, facilities[k].location,
				       facilities[k].capacity ? arena_printf(g->a, "%d", facilities[k].capacity) : NULL,
				       facilities[k].note, g->now, g->now);
		if (id < 0)
			return (int)id;
		facility_id[k] = id;
		rc = photos(g, "facilities", "facilities", id, facilities[k].photos, facilities[k].name);
	}
	return rc;
}

/* ---- events ---- */

enum who { W_ANY, W_YOUNG, W_RETIRED, W_UNIT };

struct demo_event {
	const char *title, *kind, *organizer, *co, *place, *description, *results;
	int facility;         /* index into facilities, or -1 */
	int days_ago;         /* its start, counted back from today (negative: ahead) */
	int days;             /* how many days it lasts */
	enum who who;         /* whom its people are drawn from */
	const char *who_unit; /* W_UNIT: the unit whose staff take part */
	int people;           /* how many people take part */
	double hours;         /* each one's volunteer hours (0: none) */
	const char *role;
	const char *const *units; /* units taking part as a whole, NULL-ended */
	int photos;
};

static const char *const film_units[] = {"汽車站", "交通技工學校", NULL};
static const char *const labour_units[] = {"公路管理局", NULL};

static const struct demo_event events[] = {
	{"「貫徹黨的二十大精神，推進黨風廉政建設」徵文活動", "essay", NULL, "市紀委、應城日報社", NULL,
	 "與市紀委、應城日報社聯合舉辦，面向全系統幹部職工徵文。",
	 "收到徵文 46 篇，評出一等獎 1 篇、二等獎 2 篇、三等獎 3 篇，6 篇在應城日報刊登。", -1, 330, 45, W_ANY, NULL,
	 14, 0, "作者", NULL, 1},
	{"老幹部釣魚比賽", "sport", "離退休幹部黨支部", NULL, "城郊東湖垂釣園", "組織離退休幹部開展釣魚比賽。",
	 "評出前三名，全體參賽老幹部獲紀念品。", -1, 300, 1, W_RETIRED, NULL, 10, 0, "參賽者", NULL, 2},
	{"老幹部門球比賽", "sport", "離退休幹部黨支部", "市老幹部活動中心", "市老幹部活動中心門球場",
	 "參加市老幹部活動中心組織的門球比賽。", "局老幹部門球隊獲團體第二名。", 4, 250, 2, W_RETIRED, NULL, 8, 0,
	 "門球隊員", NULL, 2},
	{"孝感市交通系統「先行頌」文藝調演", "performance", NULL, "孝感市交通運輸局", "孝感市群眾藝術館",
	 "參加孝感市交通局舉辦的全市交通系統文藝調演，自編自演情景劇和合唱。", "情景劇《路》獲二等獎。", -1, 270, 1,
	 W_YOUNG, NULL, 12, 0, "演員", NULL, 2},
	{"「國稅杯」演講比賽", "speech", NULL, "市委組織部、市文明委、共青團市委", "市會議中心",
	 "參加市委組織部、文明委、共青團市委舉辦的演講比賽。", "一人獲二等獎，兩人獲優秀獎。", -1, 220, 1, W_YOUNG,
	 NULL, 3, 0, "選手", NULL, 1},
	{"團員青年義務勞動：機關綠化帶養護", "volunteer", NULL, NULL, NULL,
	 "團員青年利用周末為機關綠化帶除草、補植、修剪。", "養護綠化帶 1,800 平方米，補植灌木 300 株。", 5, 200, 1,
	 W_YOUNG, NULL, 20, 4, "志願者", labour_units, 2},
	{"團員青年義務獻血", "blood_donation", NULL, "市中心血站", "市中心血站獻血屋", "組織團員青年參加無償獻血。",
	 "18 人獻血 5,400 毫升。", -1, 160, 1, W_YOUNG, NULL, 18, 0, "獻血者", NULL, 1},
	{"應城廣場露天電影", "film", NULL, "市文明委", "應城廣場",
	 "承辦應城廣場露天電影放映，幹部職工志願者維持秩序、發放交通安全宣傳資料。",
	 "放映 3 場，觀眾約 4,000 人次，發放宣傳資料 2,000 份。", -1, 120, 3, W_ANY, NULL, 8, 3, "志願者", film_units,
	 2},
	{"路網建設詩會", "poetry", NULL, NULL, NULL, "以路網建設為題，幹部職工朗誦自創詩作。",
	 "朗誦詩作 22 首，結集印發《路網放歌》。", 0, 90, 1, W_ANY, NULL, 15, 0, "朗誦者", NULL, 2},
	{"共鑄誠信應城「交通杯」有獎徵文", "essay", NULL, "應城日報社", NULL,
	 "面向全系統和社會各界徵文，弘揚誠信文化。", "評出一等獎 1 篇、二等獎 3 篇、三等獎 5 篇、優秀獎 10 篇。", -1,
	 60, 30, W_ANY, NULL, 9, 0, "作者", NULL, 1},
	{"汽車站春運學雷鋒志願服務", "volunteer", "汽車站", "共青團市委", NULL,
	 "春運期間在候車大廳為旅客提供問詢、行李搬運和重點旅客幫扶。", "服務旅客 3,000 餘人次，收到錦旗 2 面。", 8, 280,
	 10, W_UNIT, "汽車站", 12, 16, "志願者", NULL, 2},
	{"交通安全進校園志願宣講", "volunteer", "交通技工學校", NULL, "交通技工學校禮堂",
	 "教師志願者為學生宣講交通安全知識。", "宣講 4 場，學生 800 人次。", -1, 40, 1, W_UNIT, "交通技工學校", 6, 2,
	 "宣講員", NULL, 1},
	{"元旦迎新文藝晚會", "performance", NULL, NULL, "局機關一樓報告廳", "全系統幹部職工自編自演迎新年晚會。", NULL,
	 -1, -20, 1, W_ANY, NULL, 0, 0, NULL, NULL, 0},
};

/* The people of an event: up to n of the pool, chosen by the seed. */
static int participants(struct gen *g, int64_t event, const struct demo_event *e)
{
	const char *sql;
	int64_t young = g->today - 365 * 35;
	if (e->who == W_RETIRED)
		sql = "SELECT id, unit_id FROM people WHERE archived = 0 AND status = 'retired' ORDER BY id";
	else if (e->who == W_YOUNG)
		sql = "SELECT id, unit_id FROM people WHERE archived = 0 AND status = 'active' AND birth_date >= ? "
		      "ORDER BY id LIMIT 400";
	else if (e->who == W_UNIT)
		sql = "SELECT id, unit_id FROM people WHERE archived = 0 AND status = 'active' AND unit_id IN (SELECT "
		      "unit_id FROM unit_tree WHERE ancestor_id = ?) ORDER BY id LIMIT 400";
	else
		sql = "SELECT id, unit_id FROM people WHERE archived = 0 AND status = 'active' ORDER BY id LIMIT 600";
	struct db_stmt *q = db_prepare(g->db, g->a, sql);
	if (!q)
		return DB_ERR;
	if (e->who == W_YOUNG)
		db_bind_text(q, 1, day_text(g, young));
	else if (e->who == W_UNIT)
		db_bind_int64(q, 1, unit_named(g, e->who_unit));
	int64_t(*pool)[2] = arena_alloc(g->a, 600 * sizeof *pool);
	int n = 0;
	while (n < 600 && db_step(q) == DB_ROW) {
		pool[n][0] = db_column_int64(q, 0);
		pool[n][1] = db_column_isnull(q, 1) ? g->top : db_column_int64(q, 1);
		n++;
	}
	db_reset(q);
	/* a partial shuffle: the first `take` of the pool */
	int take = e->people < n ? e->people : n, rc = 0;
	for (int k = 0; k < take; k++) {
		int j = k + rng_below(&g->r, n - k);
		int64_t t0 = pool[k][0], t1 = pool[k][1];
		pool[k][0] = pool[j][0], pool[k][1] = pool[j][1];
		pool[j][0] = t0, pool[j][1] = t1;
	}
	for (int k = 0; !rc && k < take; k++) {
		/* hours vary a little around the event's */
		const char *hours = e->hours > 0 ? arena_printf(g->a, "%g", e->hours + (k % 3 == 0 ? 1 : 0)) : NULL;
		const char *role = e->role;
		if (e->results && !strcmp(e->kind, "essay") && k < 3)
			role = k == 0 ? "一等獎" : "二等獎";
		rc = db_run(g->db,
			    "INSERT INTO activity_participants (event_id, person_id, unit_id, hours, role, created_at, "
			    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			    "iiissii", event, pool[k][0], pool[k][1], hours, role, g->now, g->now);
		g->rows++;
	}
	for (int k = 0; !rc && e->units && e->units[k]; k++) {
		rc = db_run(g->db,
			    "INSERT INTO activity_participants (event_id, person_id, unit_id, hours, role, created_at, "
			    "updated_at) VALUES (?, NULL, ?, ?, ?, ?, ?)",
			    "iissii", event, unit_named(g, e->units[k]), e->hours > 0 ? "20" : NULL, "單位整體參加",
			    g->now, g->now);
		g->rows++;
	}
	return rc;
}

static int demo_events(struct gen *g)
{
	int rc = 0;
	for (int k = 0; !rc && k < COUNT(events); k++) {
		const struct demo_event *e = &events[k];
		int64_t from = g->today - e->days_ago;
		int64_t unit = e->organizer ? unit_named(g, e->organizer) : g->top;
		const char *fac =
			e->facility >= 0 ? arena_printf(g->a, "%lld", (long long)facility_id[e->facility]) : NULL;
		const char *place = e->place ? e->place : e->facility >= 0 ? facilities[e->facility].location : NULL;
		int64_t id =
			db_insert(g->db,
				  "INSERT INTO activity_events (title, kind, unit_id, co_organizers, date_from, "
				  "date_to, facility_id, "
				  "place, status, description, results, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
				  "?, ?, ?, ?, "
				  "?, ?, ?, ?) RETURNING id",
				  "ssissssssssii", e->title, e->kind, unit, e->co, day_text(g, from),
				  e->days > 1 ? day_text(g, from + e->days - 1) : NULL, fac, place,
				  e->days_ago >= 0 ? "held" : "planned", e->description, e->results, g->now, g->now);
		if (id < 0)
			return (int)id;
		g->events++;
		rc = participants(g, id, e);
		if (!rc)
			rc = photos(g, "activity_events", "activity_events", id, e->photos, "活動照片");
	}
	return rc;
}

int activities_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t existing = db_one_int64(
		db, -1, "SELECT (SELECT count(*) FROM activity_events) + (SELECT count(*) FROM facilities)", NULL);
	if (existing < 0) {
		snprintf(err, errlen, "cannot read the activities tables: %s", db_errmsg(db));
		return DB_ERR;
	}
	if (existing > 0) {
		snprintf(err, errlen,
			 "the database has events or facilities already; the demo is for an empty database");
		return DEMO_E_NOT_EMPTY;
	}
	int64_t top = db_one_int64(db, 0, "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1", NULL);
	if (!top)
		return 0; /* no organization: no events */
	struct arena a;
	arena_init(&a);
	struct gen g = {.db = db, .a = &a, .r = {o->seed ^ 0x61637476u}, .top = top};
	g.now = time(NULL);
	g.today = cal_local_day(g.now);
	int rc = db_begin(db);
	if (!rc)
		rc = demo_facilities(&g);
	if (!rc)
		rc = demo_events(&g);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		snprintf(err, errlen, "the activities demo failed: %s", db_errmsg(db));
		db_rollback(db);
		arena_free(&a);
		return rc;
	}
	int64_t people = db_one_int64(db, 0, "SELECT count(DISTINCT person_id) FROM activity_participants", NULL);
	double hours = 0;
	struct db_stmt *q = db_query(db, &a, "SELECT COALESCE(sum(hours), 0) FROM activity_participants", NULL);
	if (q && db_step(q) == DB_ROW)
		hours = db_column_double(q, 0);
	db_reset(q);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("loaded the demo activities in %.2f s: %d facilities, %d events with %d participant rows (%lld people, "
	       "%g volunteer hours), %d photos\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, COUNT(facilities), g.events,
	       g.rows, (long long)people, hours, g.photos);
	arena_free(&a);
	return 0;
}
