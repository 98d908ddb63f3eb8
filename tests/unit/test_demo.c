/* test_demo.c — the demo organization (org/demo.c) reproduces the bureau's
 * experience report, through the statistics query and through plain SQL
 * with the report's definitions, and its data is believable and consistent.
 *
 * Counted over people with archived = 0 AND status = 'active' in the
 * bureau's subtree: 358 party members (party_member = 1), 314 certified
 * law-enforcement officers (cert_number IS NOT NULL AND cert_expires >=
 * today), 106 mid-level or higher professionals (title_level IN
 * ('intermediate', 'associate_senior', 'senior')).
 *
 * Each test runs on SQLite (a fresh file in a temporary directory) and, when
 * WENMING_TEST_PG holds a postgresql:// URL, on PostgreSQL in a schema of
 * its own that is dropped afterwards; without it the PostgreSQL group skips.
 *
 * `wenming demo` (src/demo.c, with the command line's shell in src/cli.c) is
 * part of wenming_lib, so cmd_demo runs here as a function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "module.h"
#include "core/config.h"
#include "core/log.h"
#include "db/db.h"
#include "org/demo.h"
#include "testdb.h"
#include "org/stats.h"
#include "records/record.h"

/* ---- fixtures ---- */

struct fx {
	struct testdb t;
	struct db *db; /* t.db */
	enum db_kind kind;
	const char *dir; /* t.dir */
	char *url;       /* t.url: a URL the command under test can open */
};

static int fx_open(void **state, enum db_kind kind)
{
	*state = NULL;
	if (kind == DB_PG && testdb_pg_skipped(state))
		return 0;
	struct fx *f = calloc(1, sizeof *f);
	f->kind = kind;
	*state = f;
	if (testdb_open(&f->t, kind, 2))
		return -1;
	f->db = f->t.db;
	f->dir = f->t.dir;
	f->url = f->t.url;
	return 0;
}

static int sqlite_setup(void **state)
{
	return fx_open(state, DB_SQLITE);
}

static int pg_setup(void **state)
{
	return fx_open(state, DB_PG);
}

#define FX()                   \
	struct fx *f = *state; \
	if (!f)                \
		skip();        \
	struct db *db = f->db

/* ---- helpers ---- */

/* Today (and today + days) as the statistics page sees it: local time. */
static void day_string(int plus_days, char out[11])
{
	time_t t = time(NULL) + (time_t)plus_days * 86400;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int64_t one(struct db *db, const char *sql)
{
	return db_one_int64(db, -1, sql, NULL);
}

static int64_t one_s(struct db *db, const char *sql, const char *arg)
{
	return db_one_int64(db, -1, sql, "s", arg);
}

static void load_or_fail(struct db *db, uint64_t seed, int people)
{
	char err[512] = "";
	int rc = demo_load(db, seed, people, err, sizeof err);
	if (rc)
		fail_msg("demo_load: %d %s", rc, err);
	assert_int_equal(db_depth(db), 0);
}

static int64_t bureau_id(struct db *db)
{
	return one(db, "SELECT id FROM units WHERE parent_id IS NULL");
}

/* The three figures and the total, with the report's definitions in SQL. */
static void assert_figures(struct db *db, int people)
{
	char today[11];
	day_string(0, today);
	struct people_stats st;
	assert_int_equal(people_stats(db, bureau_id(db), today, &st), 0);
	assert_int_equal(st.total, people);
	assert_true(st.total >= DEMO_PEOPLE_MIN);
	assert_int_equal(st.party_members, 358);
	assert_int_equal(st.law_enforcement_certified, 314);
	assert_int_equal(st.mid_level_professionals, 106);

	/* the same figures as the metrics the organization module offers to
	 * the assessment, found by name as a formula names them */
	struct arena a;
	arena_init(&a);
	struct req r;
	req_init_cli(&r, &a, db, LANG_EN);
	const struct {
		const char *name;
		double want;
	} metrics[] = {{"staff", people}, {"party_members", 358}, {"certified_officers", 314}, {"professionals", 106}};
	for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++) {
		const struct metric *m = module_metric_find(metrics[i].name);
		assert_non_null(m);
		double v = -1;
		assert_int_equal(m->compute(&r, bureau_id(db), "2026-01-01", today, &v), 0);
		assert_true(v == metrics[i].want);
	}
	assert_null(module_metric_find("no_such_metric"));
	arena_free(&a);

	/* the same without stats.c: everyone is in the bureau's subtree */
	assert_int_equal(one(db, "SELECT count(*) FROM people p JOIN units u ON u.id = p.unit_id "
				 "WHERE u.path NOT LIKE (SELECT path FROM units WHERE parent_id IS NULL) || '%'"),
			 0);
	const char *active = "SELECT count(*) FROM people WHERE archived = 0 AND status = 'active'";
	assert_int_equal(one(db, active), people);
	assert_int_equal(one(db, "SELECT count(*) FROM people WHERE archived = 0 AND status = 'active' "
				 "AND party_member = 1"),
			 358);
	assert_int_equal(one_s(db, "SELECT count(*) FROM people WHERE archived = 0 AND status = 'active' "
				   "AND cert_number IS NOT NULL AND cert_expires >= ?",
			       today),
			 314);
	assert_int_equal(one(db, "SELECT count(*) FROM people WHERE archived = 0 AND status = 'active' "
				 "AND title_level IN ('intermediate', 'associate_senior', 'senior')"),
			 106);
}

/* ISO 7064 MOD 11-2, birth date and sex of an 18-character ID number. */
static void assert_id_number(const char *id, const char *birth, const char *gender)
{
	static const int w[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	assert_int_equal(strlen(id), 18);
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		assert_true(isdigit((unsigned char)id[i]));
		sum += (id[i] - '0') * w[i];
	}
	assert_int_equal(id[17], "10X98765432"[sum % 11]);
	char digits[9];
	snprintf(digits, sizeof digits, "%.4s%.2s%.2s", birth, birth + 5, birth + 8);
	assert_memory_equal(id + 6, digits, 8);
	assert_int_equal((id[16] - '0') % 2, strcmp(gender, "male") == 0);
}

/* ---- tests ---- */

static void demo_reproduces_the_report_figures(void **state)
{
	FX();
	load_or_fail(db, 1, DEMO_PEOPLE_DEFAULT);
	assert_figures(db, DEMO_PEOPLE_DEFAULT);
	/* the people out of service exist and are left out */
	assert_int_equal(one(db, "SELECT count(*) FROM people WHERE status <> 'active'"), DEMO_INACTIVE);
	assert_true(one(db, "SELECT count(*) FROM people WHERE status <> 'active' AND party_member = 1") > 0);
	char today[11];
	day_string(0, today);
	assert_true(one_s(db, "SELECT count(*) FROM people WHERE status <> 'active' AND cert_expires >= ?", today) > 0);
	/* the audit entry summarises the load */
	assert_int_equal(one(db, "SELECT count(*) FROM audit WHERE action = 'demo_load' AND username = 'system' "
				 "AND ip = 'cli' AND entity = 'database'"),
			 1);
	char *after = NULL;
	struct arena qa;
	arena_init(&qa);
	struct db_stmt *q = db_query(db, &qa, "SELECT after_json FROM audit WHERE action = 'demo_load'", NULL);
	if (q && db_step(q) == DB_ROW)
		after = strdup(db_column_text(q, 0));
	arena_free(&qa);
	assert_non_null(after);
	assert_non_null(strstr(after, "\"party_members\":358"));
	assert_non_null(strstr(after, "\"law_enforcement_certified\":314"));
	assert_non_null(strstr(after, "\"mid_level_professionals\":106"));
	free(after);
}

static void demo_unit_tree_is_consistent(void **state)
{
	FX();
	load_or_fail(db, 1, DEMO_PEOPLE_DEFAULT);
	assert_int_equal(one(db, "SELECT count(*) FROM units WHERE parent_id IS NULL"), 1);
	assert_int_equal(one(db, "SELECT count(*) FROM units WHERE parent_id IS NULL AND kind = 'bureau' "
				 "AND code = 'JT' AND name = '市交通運輸局'"),
			 1);
	assert_int_equal(one(db, "SELECT count(*) FROM units WHERE kind = 'secondary'"), 13);
	assert_int_equal(one(db, "SELECT count(*) FROM units s JOIN units b ON b.id = s.parent_id "
				 "WHERE s.kind = 'secondary' AND b.kind = 'bureau'"),
			 13);
	/* one party branch under each secondary unit */
	assert_int_equal(one(db, "SELECT count(*) FROM units s WHERE s.kind = 'secondary' AND (SELECT count(*) "
				 "FROM units b WHERE b.parent_id = s.id AND b.kind = 'party_branch') = 1"),
			 13);
	/* every secondary unit has 2 to 5 departments or windows; posts sit under windows */
	assert_int_equal(one(db, "SELECT count(*) FROM units s WHERE s.kind = 'secondary' AND (SELECT count(*) "
				 "FROM units d WHERE d.parent_id = s.id AND d.kind IN ('department', 'window')) "
				 "BETWEEN 2 AND 5"),
			 13);
	assert_true(one(db, "SELECT count(*) FROM units WHERE kind = 'post'") > 0);
	assert_int_equal(one(db, "SELECT count(*) FROM units p JOIN units w ON w.id = p.parent_id "
				 "WHERE p.kind = 'post' AND w.kind <> 'window'"),
			 0);

	/* path = the parent's path + id + "/", all the way down */
	int64_t n = one(db, "SELECT count(*) FROM units");
	assert_true(n > 50 && n < 1000);
	struct {
		int64_t id, parent;
		char path[128];
	} *u = calloc((size_t)n, sizeof *u);
	struct arena qa;
	arena_init(&qa);
	struct db_stmt *q = db_query(db, &qa, "SELECT id, parent_id, path FROM units ORDER BY id", NULL);
	int k = 0;
	while (q && db_step(q) == DB_ROW && k < n) {
		u[k].id = db_column_int64(q, 0);
		u[k].parent = db_column_isnull(q, 1) ? 0 : db_column_int64(q, 1);
		snprintf(u[k].path, sizeof u[k].path, "%s", db_column_text(q, 2));
		k++;
	}
	arena_free(&qa);
	assert_int_equal(k, n);
	for (int i = 0; i < k; i++) {
		const char *ppath = "/";
		for (int j = 0; u[i].parent && j < k; j++)
			if (u[j].id == u[i].parent)
				ppath = u[j].path;
		char want[160];
		snprintf(want, sizeof want, "%s%lld/", ppath, (long long)u[i].id);
		assert_string_equal(u[i].path, want);
	}
	free(u);

	/* every unit has a head from its own subtree (a party branch: from its
	 * parent's); the director heads the bureau */
	assert_int_equal(one(db, "SELECT count(*) FROM units WHERE head_person_id IS NULL"), 0);
	assert_int_equal(one(db, "SELECT count(*) FROM units u JOIN people h ON h.id = u.head_person_id "
				 "JOIN units hu ON hu.id = h.unit_id LEFT JOIN units p ON p.id = u.parent_id "
				 "WHERE substr(hu.path, 1, length(CASE WHEN u.kind = 'party_branch' THEN p.path ELSE u.path END)) "
				 "<> (CASE WHEN u.kind = 'party_branch' THEN p.path ELSE u.path END)"),
			 0);
	assert_int_equal(one(db, "SELECT count(*) FROM units u JOIN people h ON h.id = u.head_person_id "
				 "WHERE u.kind = 'bureau' AND h.position LIKE '%局長' AND h.is_leader = 1 "
				 "AND h.status = 'active'"),
			 1);
	assert_int_equal(one(db, "SELECT count(*) FROM units u JOIN people h ON h.id = u.head_person_id "
				 "WHERE u.kind IN ('secondary', 'department', 'window') AND (h.is_leader <> 1 OR "
				 "h.party_member <> 1 OR h.status <> 'active')"),
			 0);
	/* codes follow the pattern JT, JT-01, JT-01-03, ... */
	assert_int_equal(one(db, "SELECT count(*) FROM units WHERE code NOT LIKE 'JT%'"), 0);
	assert_int_equal(one(db, "SELECT count(*) FROM units WHERE code = 'JT-01-03'"), 1);
}

static void demo_people_are_believable(void **state)
{
	FX();
	load_or_fail(db, 1, DEMO_PEOPLE_DEFAULT);
	assert_int_equal(one(db, "SELECT count(*) FROM people WHERE name IS NULL OR name = ''"), 0);
	assert_int_equal(one(db, "SELECT count(*) FROM people WHERE length(phone) <> 11 OR phone NOT LIKE '1%'"), 0);
	assert_int_equal(one(db, "SELECT count(*) FROM people WHERE birth_date < '1965-01-01' OR birth_date > '2000-12-31'"), 0);
	assert_int_equal(one(db, "SELECT count(*) FROM people WHERE gender NOT IN ('male', 'female') OR education NOT IN "
				 "('doctorate', 'master', 'bachelor', 'college', 'secondary', 'other')"),
			 0);
	int64_t leaders = one(db, "SELECT count(*) FROM people WHERE is_leader = 1");
	assert_true(leaders >= 13 * 3 && leaders < 200);

	char today[11], soon[11];
	day_string(0, today);
	day_string(60, soon);
	struct arena qa;
	arena_init(&qa);
	struct db_stmt *q = db_query(db, &qa,
				     "SELECT p.id_number, p.birth_date, p.gender, p.party_member, p.party_joined, b.kind, "
				     "p.cert_number, p.cert_issued, p.cert_expires, p.title, p.title_level, p.status "
				     "FROM people p LEFT JOIN units b ON b.id = p.party_branch_id",
				     NULL);
	int rows = 0;
	while (q && db_step(q) == DB_ROW) {
		rows++;
		const char *birth = db_column_text(q, 1);
		assert_id_number(db_column_text(q, 0), birth, db_column_text(q, 2));
		if (db_column_int64(q, 3)) { /* joined after the 18th birthday, in a branch */
			char adult[24];
			snprintf(adult, sizeof adult, "%04d%s", atoi(birth) + 18, birth + 4);
			assert_true(strcmp(db_column_text(q, 4), adult) > 0);
			assert_true(strcmp(db_column_text(q, 4), today) <= 0);
			assert_string_equal(db_column_text(q, 5), "party_branch");
		} else {
			assert_true(db_column_isnull(q, 4));
		}
		if (!db_column_isnull(q, 6)) { /* PAT_CODE; issued before expiry */
			for (const char *c = db_column_text(q, 6); *c; c++)
				assert_true(isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.');
			assert_true(strcmp(db_column_text(q, 7), db_column_text(q, 8)) < 0);
			assert_true(strcmp(db_column_text(q, 7), today) <= 0);
		}
		const char *title = db_column_text(q, 9), *level = db_column_text(q, 10);
		if (strcmp(level, "none") == 0)
			assert_true(db_column_isnull(q, 9));
		else if (strcmp(level, "junior") == 0)
			assert_memory_equal(title, "助理", strlen("助理"));
		else if (strcmp(level, "intermediate") == 0)
			assert_true(strncmp(title, "助理", strlen("助理")) && strncmp(title, "高級", strlen("高級")) &&
				    strncmp(title, "正高級", strlen("正高級")));
		else if (strcmp(level, "associate_senior") == 0)
			assert_memory_equal(title, "高級", strlen("高級"));
		else
			assert_memory_equal(title, "正高級", strlen("正高級"));
	}
	arena_free(&qa);
	assert_int_equal(rows, DEMO_PEOPLE_DEFAULT + DEMO_INACTIVE);
	assert_int_equal(one(db, "SELECT count(DISTINCT id_number) FROM people"), DEMO_PEOPLE_DEFAULT + DEMO_INACTIVE);

	/* every active certificate is valid for at least a few more days, and
	 * the "expiring within 60 days" list has about ten */
	char week[11];
	day_string(3, week);
	assert_int_equal(one_s(db, "SELECT count(*) FROM people WHERE status = 'active' AND cert_number IS NOT NULL "
				   "AND cert_expires < ?",
			       week),
			 0);
	int64_t expiring = db_one_int64(db, -1,
					"SELECT count(*) FROM people WHERE status = 'active' AND cert_number IS NOT NULL "
					"AND cert_expires >= ? AND cert_expires <= ?",
					"ss", today, soon);
	assert_true(expiring >= 5 && expiring <= 15);
}

static void demo_groups_and_supervisors(void **state)
{
	FX();
	load_or_fail(db, 1, DEMO_PEOPLE_DEFAULT);
	/* the bureau's leadership group: the director leads, one deputy, the
	 * secondary units' heads among the members, one office director */
	const char *lg = "(SELECT g.id FROM org_groups g JOIN units u ON u.id = g.unit_id "
			 "WHERE g.kind = 'leadership_group' AND u.kind = 'bureau')";
	assert_int_equal(one(db, "SELECT count(*) FROM org_groups g JOIN units u ON u.id = g.unit_id "
				 "WHERE g.kind = 'leadership_group' AND u.kind = 'bureau' AND g.name = '文明創建工作領導小組'"),
			 1);
	char sql[600];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM org_group_members WHERE group_id = %s AND role = 'leader'", lg);
	assert_int_equal(one(db, sql), 1);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM org_group_members m JOIN units u ON u.head_person_id = m.person_id "
		 "JOIN people p ON p.id = m.person_id WHERE m.group_id = %s AND m.role = 'leader' "
		 "AND u.kind = 'bureau' AND p.position LIKE '%%局長'",
		 lg);
	assert_int_equal(one(db, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM org_group_members WHERE group_id = %s AND role = 'deputy'", lg);
	assert_int_equal(one(db, sql), 1);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM org_group_members WHERE group_id = %s AND role = 'office_director'", lg);
	assert_int_equal(one(db, sql), 1);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM org_group_members m JOIN units u ON u.head_person_id = m.person_id "
		 "WHERE m.group_id = %s AND m.role = 'member' AND u.kind = 'secondary'",
		 lg);
	assert_int_equal(one(db, sql), 13);
	/* the task force, and each secondary unit's group led by its head */
	assert_int_equal(one(db, "SELECT count(*) FROM org_groups WHERE kind = 'task_force'"), 1);
	assert_int_equal(one(db, "SELECT count(*) FROM org_groups g JOIN units u ON u.id = g.unit_id "
				 "JOIN org_group_members m ON m.group_id = g.id AND m.role = 'leader' "
				 "WHERE g.kind = 'leadership_group' AND u.kind = 'secondary' "
				 "AND m.person_id = u.head_person_id"),
			 13);
	assert_int_equal(one(db, "SELECT count(*) FROM org_groups g WHERE (SELECT count(*) FROM org_group_members m "
				 "WHERE m.group_id = g.id AND m.role = 'leader') <> 1"),
			 0);

	/* 20 conduct supervisors, each with one to three units; every
	 * secondary unit has one */
	assert_int_equal(one(db, "SELECT count(*) FROM supervisors"), 20);
	assert_int_equal(one(db, "SELECT count(*) FROM supervisors s WHERE (SELECT count(*) FROM supervisor_units a "
				 "WHERE a.supervisor_id = s.id) NOT BETWEEN 1 AND 3"),
			 0);
	assert_int_equal(one(db, "SELECT count(*) FROM units u WHERE u.kind = 'secondary' AND NOT EXISTS "
				 "(SELECT 1 FROM supervisor_units a WHERE a.unit_id = u.id)"),
			 0);
	assert_int_equal(one(db, "SELECT count(DISTINCT name) FROM supervisors"), 20);
	assert_int_equal(one(db, "SELECT count(*) FROM supervisors WHERE term_start >= term_end "
				 "OR organization IS NULL OR organization = '' OR username IS NOT NULL"),
			 0);
}

static void demo_second_load_is_refused(void **state)
{
	FX();
	load_or_fail(db, 1, DEMO_PEOPLE_MIN);
	int64_t units = one(db, "SELECT count(*) FROM units"), people = one(db, "SELECT count(*) FROM people");
	char err[512] = "";
	assert_int_equal(demo_load(db, 2, DEMO_PEOPLE_MIN, err, sizeof err), DEMO_E_NOT_EMPTY);
	assert_non_null(strstr(err, "empty database"));
	assert_int_equal(db_depth(db), 0);
	assert_int_equal(one(db, "SELECT count(*) FROM units"), units);
	assert_int_equal(one(db, "SELECT count(*) FROM people"), people);
	assert_int_equal(one(db, "SELECT count(*) FROM audit WHERE action = 'demo_load'"), 1);
	assert_figures(db, DEMO_PEOPLE_MIN);
}

static void demo_refused_when_a_unit_exists(void **state)
{
	FX();
	/* a single unit is enough to refuse */
	assert_true(db_insert(db, "INSERT INTO units (kind, code, name, created_at) VALUES ('bureau', 'X', 'x', 0) "
				  "RETURNING id",
			      NULL) > 0);
	char err[512] = "";
	assert_int_equal(demo_load(db, 1, DEMO_PEOPLE_MIN, err, sizeof err), DEMO_E_NOT_EMPTY);
	assert_int_equal(one(db, "SELECT count(*) FROM people"), 0);
	assert_int_equal(one(db, "SELECT count(*) FROM audit WHERE action = 'demo_load'"), 0);
}

static void demo_rejects_a_bad_number_of_people(void **state)
{
	FX();
	char err[512] = "";
	assert_int_equal(demo_load(db, 1, DEMO_PEOPLE_MIN - 1, err, sizeof err), -1);
	assert_non_null(strstr(err, "500"));
	assert_int_equal(demo_load(db, 1, DEMO_PEOPLE_MAX + 1, err, sizeof err), -1);
	assert_int_equal(one(db, "SELECT count(*) FROM units"), 0);
	assert_int_equal(db_depth(db), 0);
}

static void demo_figures_hold_for_more_people(void **state)
{
	FX();
	load_or_fail(db, 99, 3000);
	assert_figures(db, 3000);
	/* the extra staff work in departments and posts of the units */
	assert_int_equal(one(db, "SELECT count(*) FROM people p JOIN units u ON u.id = p.unit_id "
				 "WHERE u.kind NOT IN ('bureau', 'secondary', 'department', 'window', 'post')"),
			 0);
}

/* The rows a seed produces, in order, as one string (caller frees). */
static char *fingerprint(struct db *db)
{
	size_t cap = 1 << 16, len = 0;
	char *s = malloc(cap);
	s[0] = 0;
	struct arena qa;
	arena_init(&qa);
	struct db_stmt *q = db_query(db, &qa,
				     "SELECT p.name, p.id_number, p.birth_date, p.phone, u.code, p.party_member, "
				     "p.cert_number, p.title_level FROM people p JOIN units u ON u.id = p.unit_id ORDER BY p.id",
				     NULL);
	while (q && db_step(q) == DB_ROW) {
		char row[512];
		int n = snprintf(row, sizeof row, "%s|%s|%s|%s|%s|%lld|%s|%s\n", db_column_text(q, 0),
				 db_column_text(q, 1), db_column_text(q, 2), db_column_text(q, 3), db_column_text(q, 4),
				 (long long)db_column_int64(q, 5), db_column_text(q, 6), db_column_text(q, 7));
		if (len + (size_t)n + 1 > cap)
			s = realloc(s, cap *= 2);
		memcpy(s + len, row, (size_t)n + 1);
		len += (size_t)n;
	}
	arena_free(&qa);
	return s;
}

static void demo_same_seed_same_data(void **state)
{
	FX();
	load_or_fail(db, 42, 600);
	char *a = fingerprint(db);
	/* a second database, same seed: the same rows */
	char url[700], err[512];
	if (f->kind == DB_SQLITE)
		snprintf(url, sizeof url, "sqlite:%s/u.db", f->dir);
	else
		snprintf(url, sizeof url, "%s", f->url);
	struct db *db2 = db_open(url, err, sizeof err);
	assert_non_null(db2);
	if (f->kind == DB_PG) { /* the same schema, emptied */
		assert_int_equal(db_exec_script(db2, "DELETE FROM org_group_members; DELETE FROM org_groups; "
						     "DELETE FROM supervisor_units; DELETE FROM supervisors; "
						     "UPDATE units SET head_person_id = NULL; DELETE FROM people; "
						     "DELETE FROM units; DELETE FROM unit_tree"),
				 0);
	} else {
		assert_int_equal(modules_migrate(db2, err, sizeof err), 0);
	}
	load_or_fail(db2, 42, 600);
	char *b = fingerprint(db2);
	assert_string_equal(a, b);
	db_close(db2);
	free(b);
	free(a);
}

static void demo_another_seed_other_data(void **state)
{
	FX();
	load_or_fail(db, 7, DEMO_PEOPLE_MIN);
	char *a = fingerprint(db);
	assert_int_equal(db_exec_script(db, "DELETE FROM org_group_members; DELETE FROM org_groups; "
					    "DELETE FROM supervisor_units; DELETE FROM supervisors; "
					    "UPDATE units SET head_person_id = NULL; DELETE FROM people; DELETE FROM units; "
					    "DELETE FROM unit_tree"),
			 0);
	load_or_fail(db, 8, DEMO_PEOPLE_MIN);
	char *b = fingerprint(db);
	assert_string_not_equal(a, b);
	assert_figures(db, DEMO_PEOPLE_MIN);
	free(a);
	free(b);
}

static void demo_command_exit_codes(void **state)
{
	FX();
	(void)db;
	struct config cfg = {.db = f->url};
	char *bad[][4] = {
		{"demo", "--people", "499", NULL},  {"demo", "--people", "abc", NULL}, {"demo", "--people", NULL, NULL},
		{"demo", "--seed", "-1", NULL},     {"demo", "--seed=", NULL, NULL},   {"demo", "extra", NULL, NULL},
		{"demo", "--people=2000000", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int argc = 0;
		while (bad[i][argc])
			argc++;
		assert_int_equal(cmd_demo(&cfg, argc, bad[i]), 2);
	}
	assert_int_equal(one(db, "SELECT count(*) FROM units"), 0);
	char *ok[] = {"demo", "--people=510", "--seed", "3", NULL};
	assert_int_equal(cmd_demo(&cfg, 4, ok), 0);
	assert_figures(db, 510);
	/* the command leaves the demo searchable */
	assert_int_equal(one(db, "SELECT count(*) FROM search_index WHERE type = 'people'"), 510 + DEMO_INACTIVE);
	assert_true(one(db, "SELECT count(*) FROM search_index WHERE type = 'units'") > 50);
	/* demo is for an empty database: a second run is a usage error */
	assert_int_equal(cmd_demo(&cfg, 4, ok), 2);
	assert_int_equal(one(db, "SELECT count(*) FROM people WHERE status = 'active'"), 510);
}

static void demo_command_may_leave_the_search_index(void **state)
{
	FX();
	struct config cfg = {.db = f->url};
	char *argv[] = {"demo", "--no-search-index", NULL};
	assert_int_equal(cmd_demo(&cfg, 2, argv), 0);
	assert_figures(db, DEMO_PEOPLE_DEFAULT);
	assert_int_equal(one(db, "SELECT count(*) FROM search_index"), 0);
}

#define DEMO_TESTS(SETUP)                                                                          \
	cmocka_unit_test_setup_teardown(demo_reproduces_the_report_figures, SETUP, testdb_teardown),   \
	cmocka_unit_test_setup_teardown(demo_unit_tree_is_consistent, SETUP, testdb_teardown),         \
	cmocka_unit_test_setup_teardown(demo_people_are_believable, SETUP, testdb_teardown),           \
	cmocka_unit_test_setup_teardown(demo_groups_and_supervisors, SETUP, testdb_teardown),          \
	cmocka_unit_test_setup_teardown(demo_second_load_is_refused, SETUP, testdb_teardown),          \
	cmocka_unit_test_setup_teardown(demo_refused_when_a_unit_exists, SETUP, testdb_teardown), \
	cmocka_unit_test_setup_teardown(demo_rejects_a_bad_number_of_people, SETUP, testdb_teardown),  \
	cmocka_unit_test_setup_teardown(demo_figures_hold_for_more_people, SETUP, testdb_teardown),    \
	cmocka_unit_test_setup_teardown(demo_same_seed_same_data, SETUP, testdb_teardown),             \
	cmocka_unit_test_setup_teardown(demo_another_seed_other_data, SETUP, testdb_teardown),         \
	cmocka_unit_test_setup_teardown(demo_command_exit_codes, SETUP, testdb_teardown),              \
	cmocka_unit_test_setup_teardown(demo_command_may_leave_the_search_index, SETUP, testdb_teardown)

int main(void)
{
	log_set_level(LOG_ERROR); /* the refusals log warnings */
	const struct CMUnitTest sqlite_tests[] = {DEMO_TESTS(sqlite_setup)};
	const struct CMUnitTest pg_tests[] = {DEMO_TESTS(pg_setup)};
	int failed = cmocka_run_group_tests_name("demo on SQLite", sqlite_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("demo on PostgreSQL", pg_tests, NULL, NULL);
	return failed;
}
