/* test_search.c — the global search: normalization, the index, queries of
 * every length, the scope, archiving, and the FTS5 trigram trap.
 *
 * Query tests run on SQLite (a fresh file in a temporary directory) and,
 * when WENMING_TEST_PG holds a postgresql:// URL, on PostgreSQL in a fresh
 * schema each (CREATE SCHEMA; SET search_path), dropped afterwards. Without
 * WENMING_TEST_PG the PostgreSQL group is skipped.
 *
 * The data: a bureau with two secondary units, 公路管理處 (S1) and
 * 運輸管理處 (S2), and people written in either script. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "records/record.h"
#include "search/search.h"
#include "testdb.h"

/* ---- normalization ---- */

static void normalize_turns_traditional_into_simplified(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(search_normalize(&a, "王曉明"), "王晓明");
	assert_string_equal(search_normalize(&a, "交通運輸局"), "交通运输局");
	assert_string_equal(search_normalize(&a, "高級工程師"), "高级工程师");
	/* Simplified text goes through unchanged */
	assert_string_equal(search_normalize(&a, "王晓明"), "王晓明");
	assert_string_equal(search_normalize(&a, "交通运输局"), "交通运输局");
	arena_free(&a);
}

static void normalize_folds_case_width_and_spaces(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(search_normalize(&a, "  Hello \t WORLD\n"), "hello world");
	assert_string_equal(search_normalize(&a, "ABC-123 科員"), "abc-123 科员");
	/* full-width letters and digits, as Chinese input methods type them */
	assert_string_equal(search_normalize(&a, "ＡＢＣ１２３"), "abc123");
	/* the ideographic space counts as a space */
	assert_string_equal(search_normalize(&a, "　王　　曉明　"), "王 晓明");
	assert_string_equal(search_normalize(&a, ""), "");
	assert_string_equal(search_normalize(&a, NULL), "");
	assert_string_equal(search_normalize(&a, " \t "), "");
	arena_free(&a);
}

static void *normalize_in_thread(void *arg)
{
	struct arena a;
	arena_init(&a);
	int ok = 1;
	for (int i = 0; i < 200; i++)
		ok &= strcmp(search_normalize(&a, "交通運輸局 王曉明"), "交通运输局 王晓明") == 0;
	arena_free(&a);
	*(int *)arg = ok;
	return NULL;
}

static void normalize_works_in_every_thread(void **state)
{
	(void)state;
	pthread_t th[4];
	int ok[4] = {0};
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, normalize_in_thread, &ok[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_true(ok[i]);
	}
}

/* ---- fixtures ---- */

struct fx {
	struct testdb t;
	struct db *db; /* t.db */
	enum db_kind kind;
	struct user user;
	struct req r;
	int64_t bureau, s1, s2;
	int64_t wang, li, zhang, zhou, zhao, me;
};

/* Units by SQL, with the path and closure rows units.c would have written. */
static int64_t add_unit(struct fx *f, int64_t parent, const char *code, const char *name)
{
	int64_t id;
	if (parent)
		id = db_insert(f->db,
			       "INSERT INTO units (parent_id, kind, code, name, active, created_at) "
			       "VALUES (?, 'secondary', ?, ?, 1, 0) RETURNING id",
			       "iss", parent, code, name);
	else
		id = db_insert(f->db,
			       "INSERT INTO units (kind, code, name, active, created_at) VALUES ('bureau', ?, ?, 1, 0) "
			       "RETURNING id",
			       "ss", code, name);
	assert_true(id > 0);
	char *ppath = parent ? db_one_text(f->db, &f->t.a, "SELECT path FROM units WHERE id = ?", "i", parent) : NULL;
	char path[128];
	snprintf(path, sizeof path, "%s%lld/", ppath ? ppath : "/", (long long)id);
	assert_int_equal(db_run(f->db, "UPDATE units SET path = ? WHERE id = ?", "si", path, id), 0);
	/* and the closure rows units.c would have written */
	assert_int_equal(db_run(f->db, "INSERT INTO unit_tree (ancestor_id, unit_id) VALUES (?, ?)", "ii", id, id), 0);
	if (parent)
		assert_int_equal(db_run(f->db,
					"INSERT INTO unit_tree (ancestor_id, unit_id) SELECT ancestor_id, ? FROM unit_tree "
					"WHERE unit_id = ?",
					"ii", id, parent),
				 0);
	return id;
}

static int64_t add_person(struct fx *f, const char *name, int64_t unit, const char *position, const char *post,
			  const char *phone, int64_t user_id)
{
	int64_t id = db_insert(f->db,
			       "INSERT INTO people (name, unit_id, status, position, post, phone, user_id) "
			       "VALUES (?, ?, 'active', ?, ?, ?, ?) RETURNING id",
			       "sisssi", name, unit, position, post, phone, user_id);
	assert_true(id > 0);
	return id;
}

static void grant(struct fx *f, enum role role, int64_t unit)
{
	f->user.grants[f->user.ngrants++] = (struct grant){role, unit};
}

static int fx_open(void **state, enum db_kind kind)
{
	struct fx *f = calloc(1, sizeof *f);
	f->kind = kind;
	*state = f;
	if (testdb_open(&f->t, kind, 2))
		return -1;
	f->db = f->t.db;
	f->r.a = &f->t.a;
	f->r.db_ = f->db;
	f->r.ip = "test";
	f->r.lang = LANG_HANT;
	f->user.id = 77;
	f->user.username = f->user.display_name = "tester";
	f->r.user = &f->user;
	grant(f, ROLE_ADMIN, 0);

	f->bureau = add_unit(f, 0, "B", "交通運輸局");
	f->s1 = add_unit(f, f->bureau, "S1", "公路管理處");
	f->s2 = add_unit(f, f->bureau, "S2", "運輸管理處");
	f->wang = add_person(f, "王曉明", f->s1, "科員", NULL, "13800138000", 0);
	f->li = add_person(f, "李建国", f->s2, "科长", NULL, NULL, 0);
	f->zhang = add_person(f, "張偉", f->s2, NULL, "測試100%合格", NULL, 0);
	f->zhou = add_person(f, "周曉明", f->s2, NULL, NULL, NULL, 0);
	f->zhao = add_person(f, "趙六", f->s1, NULL, "曉明路窗口", NULL, 0);
	f->me = add_person(f, "林自己", f->s2, NULL, NULL, NULL, 77);
	if (search_rebuild(&f->r) != 3 + 6) {
		fprintf(stderr, "search_rebuild did not index 9 records\n");
		return -1;
	}
	return 0;
}

static int sqlite_setup(void **state) { return fx_open(state, DB_SQLITE); }

static int pg_setup(void **state)
{
	if (testdb_pg_skipped(state))
		return 0;
	return fx_open(state, DB_PG);
}

#define FX() \
	struct fx *f = *state; \
	if (!f) \
		skip()

/* Runs a query that must succeed; returns the hit count. */
static int run(struct fx *f, const char *q, struct search_hit **hits)
{
	const char *norm;
	int partial;
	int n = search_run(&f->r, q, hits, &norm, &partial);
	if (n < 0)
		fprintf(stderr, "search_run(%s) = %d: %s\n", q, n, db_errmsg(f->db));
	assert_true(n >= 0);
	return n;
}

static int has(const struct search_hit *h, int n, const char *type, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(h[i].type->name, type) && h[i].id == id)
			return 1;
	return 0;
}

/* ---- queries ---- */

static void simplified_query_finds_traditional_name(void **state)
{
	FX();
	struct search_hit *h;
	int n = run(f, "王晓明", &h);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].type->name, "people");
	assert_int_equal(h[0].id, f->wang);
	/* the title is shown as written, not normalized */
	assert_string_equal(h[0].title, "王曉明");
	assert_true(h[0].in_title);
}

static void traditional_query_finds_simplified_name(void **state)
{
	FX();
	struct search_hit *h;
	int n = run(f, "李建國", &h);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, f->li);
	assert_string_equal(h[0].title, "李建国");
}

static void units_are_found_by_either_script(void **state)
{
	FX();
	struct search_hit *h;
	int n = run(f, "交通运输局", &h);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].type->name, "units");
	assert_int_equal(h[0].id, f->bureau);
	n = run(f, "管理处", &h);
	assert_int_equal(n, 2);
	assert_true(has(h, n, "units", f->s1) && has(h, n, "units", f->s2));
}

static void two_character_queries_fall_back_to_a_scan(void **state)
{
	FX();
	struct search_hit *h;
	int n = run(f, "王晓", &h);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, f->wang);
	/* 曉明 is in two names and in 趙六's post: title matches come first */
	n = run(f, "曉明", &h);
	assert_int_equal(n, 3);
	assert_true(h[0].in_title && h[1].in_title && !h[2].in_title);
	assert_true(has(h, 2, "people", f->wang) && has(h, 2, "people", f->zhou));
	assert_int_equal(h[2].id, f->zhao);
}

/* At scale a short query cannot scan every row: titles that begin with it
 * come from the title index whatever their age; other matches only from
 * the newest SEARCH_SHORT_WINDOW rows, and the caller is told. */
static void short_queries_find_every_title_prefix_and_scan_a_window(void **state)
{
	FX();
	struct search_hit *h;
	const char *norm;
	int partial = -1;
	int n = search_run(&f->r, "曉明", &h, &norm, &partial);
	assert_int_equal(n, 3);
	assert_int_equal(partial, 0); /* a small index is scanned whole */
	/* an old row whose title begins with the query, one with it inside the
	 * title, then enough newer rows to push both out of the window */
	assert_int_equal(db_run(f->db,
				"INSERT INTO search_index (type, record_id, unit_id, owner_id, title, title_norm, body) "
				"VALUES ('people', 900001, NULL, NULL, '付潔', '付洁', '付洁'), "
				"('people', 900002, NULL, NULL, '王付洁', '王付洁', '王付洁')",
				NULL),
			 0);
	assert_int_equal(db_run(f->db,
				"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?) "
				"INSERT INTO search_index (type, record_id, unit_id, owner_id, title, title_norm, body) "
				"SELECT 'people', 1000000 + i, NULL, NULL, 'filler', 'filler', 'filler' FROM k",
				"i", (int64_t)SEARCH_SHORT_WINDOW),
			 0);
	assert_int_equal(db_run(f->db,
				"INSERT INTO search_index (type, record_id, unit_id, owner_id, title, title_norm, body) "
				"VALUES ('people', 900003, NULL, NULL, '李付洁', '李付洁', '李付洁')",
				NULL),
			 0);
	n = search_run(&f->r, "付潔", &h, &norm, &partial);
	assert_int_equal(partial, 1);
	assert_int_equal(n, 2);
	assert_true(has(h, n, "people", 900001)); /* old, but its title begins with the query */
	assert_true(has(h, n, "people", 900003)); /* new: in the window */
	assert_false(has(h, n, "people", 900002));
	assert_int_equal(h[0].id, 900001); /* prefix matches first */
}

static void one_character_query_works(void **state)
{
	FX();
	struct search_hit *h;
	int n = run(f, "偉", &h); /* indexed as 张伟 */
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, f->zhang);
	n = run(f, "王", &h);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, f->wang);
}

/* The trap the fallback exists for (docs: TOOLS.md): on an FTS5 trigram
 * table, MATCH and LIKE return no rows for 1–2 non-ASCII characters. If
 * SQLite ever changes this, the fallback may go; until then it must stay. */
static void trigram_table_cannot_answer_short_queries(void **state)
{
	FX();
	if (f->kind != DB_SQLITE)
		skip();
	assert_int_equal(db_one_int64(f->db, -1, "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", "s",
				      "\"王晓\""),
			 0);
	assert_int_equal(db_one_int64(f->db, -1, "SELECT count(*) FROM search_fts WHERE body LIKE ?", "s", "%王晓%"), 0);
	assert_int_equal(db_one_int64(f->db, -1, "SELECT count(*) FROM search_fts WHERE body LIKE ?", "s", "%王%"), 0);
	/* while the base table has the row, and three characters work */
	assert_int_equal(db_one_int64(f->db, -1, "SELECT count(*) FROM search_index WHERE instr(body, ?) > 0", "s", "王晓"),
			 1);
	assert_int_equal(db_one_int64(f->db, -1, "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", "s",
				      "\"王晓明\""),
			 1);
}

static void ascii_is_case_and_width_insensitive(void **state)
{
	FX();
	assert_int_equal(db_run(f->db, "UPDATE people SET cert_number = 'ZJ-2026-0042' WHERE id = ?", "i", f->li), 0);
	struct record *rec = record_load(&f->r, record_type_find("people"), f->li);
	assert_non_null(rec);
	assert_int_equal(search_index_record(&f->r, rec), 0);
	struct search_hit *h;
	assert_int_equal(run(f, "zj-2026", &h), 1);
	assert_int_equal(run(f, "ＺＪ－２０２６－００４２", &h), 1);
	assert_int_equal(h[0].id, f->li);
	assert_int_equal(run(f, "Zj", &h), 1);
}

static void wildcards_and_quotes_are_literal(void **state)
{
	FX();
	struct search_hit *h;
	assert_int_equal(run(f, "0%合", &h), 1); /* 測試100%合格 */
	assert_int_equal(h[0].id, f->zhang);
	assert_int_equal(run(f, "10_", &h), 0);   /* not a wildcard for 100 */
	assert_int_equal(run(f, "%%%", &h), 0);
	assert_int_equal(run(f, "\"王晓明", &h), 0); /* a quote is text, not FTS syntax */
	assert_int_equal(run(f, "王晓明 OR 李", &h), 0);
	assert_int_equal(run(f, "\\%_", &h), 0);
}

/* Sensitive values are never in the index in the clear: a whole number is
 * found through its keyed hash (search_secret), a part of it not at all. */
static void sensitive_values_are_not_indexed(void **state)
{
	FX();
	struct search_hit *h;
	assert_int_equal(run(f, "13800138000", &h), 1);
	assert_string_equal(h[0].type->name, "people");
	assert_int_equal(run(f, "8000", &h), 0);
	assert_int_equal(db_one_int64(f->db, -1, "SELECT count(*) FROM search_index WHERE body LIKE '%138%'", NULL), 0);
	assert_int_equal(db_one_int64(f->db, -1, "SELECT count(*) FROM search_secret WHERE digest LIKE '%13800138000%'", NULL), 0);
	assert_true(db_one_int64(f->db, -1, "SELECT count(*) FROM search_secret", NULL) > 0);
}

static void bad_queries_are_refused(void **state)
{
	FX();
	struct search_hit *h;
	const char *norm;
	int partial;
	assert_int_equal(search_run(&f->r, NULL, &h, &norm, &partial), SEARCH_EMPTY);
	assert_int_equal(search_run(&f->r, "", &h, &norm, &partial), SEARCH_EMPTY);
	assert_int_equal(search_run(&f->r, " 　 ", &h, &norm, &partial), SEARCH_EMPTY);
	assert_int_equal(search_run(&f->r, "\xE7\x8E", &h, &norm, &partial), SEARCH_INVALID); /* cut UTF-8 */
	assert_int_equal(search_run(&f->r, "a\x01" "b", &h, &norm, &partial), SEARCH_INVALID);
	char longq[3 * 101 + 1] = "";
	for (int i = 0; i < 100; i++)
		strcat(longq, "曉");
	assert_true(search_run(&f->r, longq, &h, &norm, &partial) >= 0); /* 100 characters: fine */
	strcat(longq, "曉");
	assert_int_equal(search_run(&f->r, longq, &h, &norm, &partial), SEARCH_TOO_LONG);
	/* the normalized query is given back for the page to show */
	assert_int_equal(search_run(&f->r, "  王曉明 ", &h, &norm, &partial), 1);
	assert_string_equal(norm, "王晓明");
}

/* ---- scope ---- */

static void unit_admin_sees_only_their_subtree(void **state)
{
	FX();
	f->user.ngrants = 0;
	grant(f, ROLE_UNIT_ADMIN, f->s1);
	struct search_hit *h;
	/* 曉明: 王曉明 and 趙六 are in S1, 周曉明 in S2 */
	int n = run(f, "曉明", &h);
	assert_int_equal(n, 2);
	assert_true(has(h, n, "people", f->wang) && has(h, n, "people", f->zhao));
	assert_false(has(h, n, "people", f->zhou));
	assert_int_equal(run(f, "周晓明", &h), 0);
	assert_int_equal(run(f, "李建国", &h), 0);
	/* units: their own, not the sibling nor the bureau above */
	n = run(f, "管理處", &h);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, f->s1);
	assert_int_equal(run(f, "交通", &h), 0);
}

/* The 200 candidates are read within the user's scope: matches they may
 * not see cannot crowd out the ones they may. */
static void scoped_users_are_not_starved_by_matches_out_of_scope(void **state)
{
	FX();
	assert_int_equal(db_begin(f->db), 0);
	for (int i = 0; i < SEARCH_CANDIDATES + 10; i++) {
		char name[32];
		snprintf(name, sizeof name, "王某%d", i);
		add_person(f, name, f->s2, NULL, NULL, NULL, 0);
	}
	int64_t late = add_person(f, "王大明", f->s1, NULL, NULL, NULL, 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(search_rebuild(&f->r), 9 + SEARCH_CANDIDATES + 11);
	f->user.ngrants = 0;
	grant(f, ROLE_UNIT_ADMIN, f->s1);
	struct search_hit *h;
	int n = run(f, "王", &h);
	assert_int_equal(n, 2);
	assert_true(has(h, n, "people", f->wang) && has(h, n, "people", late));
	/* an organization-wide reader gets the first SEARCH_MAX_HITS */
	f->user.ngrants = 0;
	grant(f, ROLE_LEADER, 0);
	assert_int_equal(run(f, "王", &h), SEARCH_MAX_HITS);
}

static void staff_see_their_own_person_only(void **state)
{
	FX();
	f->user.ngrants = 0;
	grant(f, ROLE_STAFF, f->s1); /* people: own only; units: in scope */
	struct search_hit *h;
	assert_int_equal(run(f, "林自己", &h), 1);
	assert_int_equal(h[0].id, f->me);
	assert_int_equal(run(f, "曉明", &h), 0);
	assert_int_equal(run(f, "公路管理處", &h), 1);
}

static void nobody_signed_in_finds_nothing(void **state)
{
	FX();
	f->r.user = NULL;
	struct search_hit *h;
	assert_int_equal(run(f, "王曉明", &h), 0);
	f->user.ngrants = 0; /* signed in without any role */
	f->r.user = &f->user;
	assert_int_equal(run(f, "王曉明", &h), 0);
}

/* ---- keeping the index current ---- */

static void archived_records_vanish_and_come_back(void **state)
{
	FX();
	const struct record_type *people = record_type_find("people");
	struct search_hit *h;
	assert_int_equal(run(f, "王晓明", &h), 1);
	/* archive as record_archive does: the row first, the struct after commit */
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(db_run(f->db, "UPDATE people SET archived = 1 WHERE id = ?", "i", f->wang), 0);
	struct record *rec = record_load(&f->r, people, f->wang);
	rec->archived = 0; /* stale, as inside record_archive */
	assert_int_equal(search_index_record(&f->r, rec), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(run(f, "王晓明", &h), 0);
	assert_int_equal(run(f, "王晓", &h), 0); /* gone from the base table too */
	/* restored */
	assert_int_equal(db_run(f->db, "UPDATE people SET archived = 0 WHERE id = ?", "i", f->wang), 0);
	assert_int_equal(search_index_record(&f->r, record_load(&f->r, people, f->wang)), 0);
	assert_int_equal(run(f, "王晓明", &h), 1);
	/* and a full rebuild leaves archived records out */
	assert_int_equal(db_run(f->db, "UPDATE people SET archived = 1 WHERE id = ?", "i", f->wang), 0);
	assert_int_equal(search_rebuild(&f->r), 8);
	assert_int_equal(run(f, "王晓明", &h), 0);
	/* and drops rows of registers that no longer exist */
	assert_int_equal(db_run(f->db,
				"INSERT INTO search_index (type, record_id, title, title_norm, body) "
				"VALUES ('gone', 1, '王晓明', '王晓明', '王晓明')",
				NULL),
			 0);
	assert_int_equal(search_rebuild(&f->r), 8);
	assert_int_equal(db_one_int64(f->db, -1, "SELECT count(*) FROM search_index WHERE type = 'gone'", NULL), 0);
	assert_int_equal(db_one_int64(f->db, -1, "SELECT count(*) FROM search_index", NULL), 8);
}

static void a_change_is_searchable_at_once(void **state)
{
	FX();
	const struct record_type *people = record_type_find("people");
	struct search_hit *h;
	/* a new person, as record_save would leave it before its commit */
	int64_t id = add_person(f, "陳美玲", f->s1, "副科長", NULL, NULL, 0);
	assert_int_equal(run(f, "陈美玲", &h), 0);
	assert_int_equal(search_index_record(&f->r, record_load(&f->r, people, id)), 0);
	assert_int_equal(run(f, "陈美玲", &h), 1);
	assert_int_equal(run(f, "副科长", &h), 1);
	/* renamed and moved to S2: the old name is gone, the new unit scopes it */
	assert_int_equal(db_run(f->db, "UPDATE people SET name = '陳美華', unit_id = ? WHERE id = ?", "ii", f->s2, id), 0);
	assert_int_equal(search_index_record(&f->r, record_load(&f->r, people, id)), 0);
	assert_int_equal(run(f, "陈美玲", &h), 0);
	assert_int_equal(run(f, "陈美华", &h), 1);
	assert_int_equal(run(f, "美华", &h), 1);
	f->user.ngrants = 0;
	grant(f, ROLE_UNIT_ADMIN, f->s1);
	assert_int_equal(run(f, "陈美华", &h), 0);
	/* indexing twice changes nothing */
	int64_t rows = db_one_int64(f->db, -1, "SELECT count(*) FROM search_index", NULL);
	assert_int_equal(search_index_record(&f->r, record_load(&f->r, people, id)), 0);
	assert_int_equal(db_one_int64(f->db, -1, "SELECT count(*) FROM search_index", NULL), rows);
}

/* ---- short list searches: the grams index (migration 010) ---- */

/* The people a list searched for q shows (search_list_sql), as "id,id,..."
 * in id order. Arena. */
static const char *list_ids(struct fx *f, struct arena *a, const char *q)
{
	struct arena *keep = f->r.a;
	f->r.a = a;
	struct kvlist binds = {0};
	const char *cond = search_list_sql(&f->r, record_type_find("people"), "t", q, &binds);
	struct db_stmt *s =
		db_prepare(f->db, a, arena_printf(a, "SELECT t.id FROM people t WHERE t.archived = 0%s ORDER BY t.id", cond));
	assert_non_null(s);
	for (size_t k = 0; k < binds.n; k++) {
		if (binds.v[k].name[0] == 'i')
			db_bind_int64(s, (int)k + 1, strtoll(binds.v[k].value, NULL, 10));
		else
			db_bind_text(s, (int)k + 1, binds.v[k].value);
	}
	struct buf b;
	buf_init(&b, a);
	buf_puts(&b, "");
	while (db_step(s) == DB_ROW)
		buf_printf(&b, "%s%lld", b.len ? "," : "", (long long)db_column_int64(s, 0));
	db_reset(s);
	f->r.a = keep;
	return b.p;
}

/* The ids a query over the whole index gives as "id,id,...": sql has one
 * parameter. Arena. */
static const char *ids_of(struct fx *f, struct arena *a, const char *sql, const char *arg)
{
	const char *ids = db_one_text(f->db, a, arena_printf(a, "SELECT %s FROM (%s) x",
							     f->kind == DB_PG ? "string_agg(id::text, ',')" : "group_concat(id, ',')", sql),
				      "s", arg);
	return ids ? ids : "";
}

/* Appends to g every 1- and 2-code-point piece of the normalized s. */
static void add_grams(struct fx *f, const char *s, const char **g, int *n, int max)
{
	const char *p = search_normalize(&f->t.a, s);
	for (; *p; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		const char *e = p + 1;
		for (int len = 1; len <= 2; len++) {
			while (*e && ((unsigned char)*e & 0xC0) == 0x80)
				e++;
			assert_true(*n < max);
			g[(*n)++] = arena_strndup(&f->t.a, p, (size_t)(e - p));
			if (!*e)
				break;
			e++;
		}
	}
}

/* For every 1- and 2-code-point piece of the index rows and of extra
 * (names written earlier, pieces found nowhere): the people list searched
 * for it shows exactly the people whose index body contains it (LIKE), and
 * on SQLite the grams table holds exactly the index rows that contain it. */
static void short_lists_match_like(struct fx *f, const char *const *extra)
{
	const char *g[1024];
	int n = 0;
	struct db_stmt *s = db_prepare(f->db, &f->t.a, "SELECT body FROM search_index");
	while (db_step(s) == DB_ROW)
		add_grams(f, db_column_text(s, 0), g, &n, 1024);
	db_reset(s);
	for (; *extra; extra++)
		add_grams(f, *extra, g, &n, 1024);
	struct arena sc; /* one gram's statements, released at each reset */
	arena_init(&sc);
	for (int i = 0; i < n; i++, arena_reset(&sc)) {
		/* a piece with a space is queried as the page would: trimmed */
		g[i] = search_normalize(&sc, g[i]);
		if (!*g[i])
			continue;
		const char *like = search_like_pattern(&f->r, g[i]);
		const char *want = ids_of(f, &sc,
					  "SELECT record_id AS id FROM search_index WHERE type = 'people' "
					  "AND body LIKE ? ESCAPE '\\' ORDER BY record_id",
					  like);
		const char *got = list_ids(f, &sc, g[i]);
		if (strcmp(want, got))
			fprintf(stderr, "q=%s: list %s, LIKE %s\n", g[i], got, want);
		assert_string_equal(got, want);
		if (f->kind != DB_SQLITE)
			continue;
		struct buf tok;
		buf_init(&tok, &sc);
		buf_puts(&tok, "\"");
		for (const unsigned char *p = (const unsigned char *)g[i]; *p; p++)
			buf_printf(&tok, "%02X", *p);
		buf_puts(&tok, "\"");
		assert_string_equal(
			ids_of(f, &sc, "SELECT rowid AS id FROM search_grams WHERE search_grams MATCH ? ORDER BY rowid", tok.p),
			ids_of(f, &sc, "SELECT id FROM search_index WHERE body LIKE ? ESCAPE '\\' ORDER BY id", like));
	}
	arena_free(&sc);
}

static void short_list_searches_stay_exact(void **state)
{
	FX();
	const struct record_type *people = record_type_find("people");
	const char *const extra[] = {"王曉明", "趙六", "曉明路窗口", "鑫", "zz", "%", "_", "0%", "a b", NULL};
	short_lists_match_like(f, extra);
	/* two characters and one, in either script */
	assert_string_equal(list_ids(f, &f->t.a, "曉明"),
			    arena_printf(&f->t.a, "%lld,%lld,%lld", (long long)f->wang, (long long)f->zhou, (long long)f->zhao));
	assert_string_equal(list_ids(f, &f->t.a, "劉"), "");
	assert_string_equal(list_ids(f, &f->t.a, "张"), arena_printf(&f->t.a, "%lld", (long long)f->zhang));
	/* inserted */
	int64_t id = add_person(f, "歐陽曉", f->s1, "科員", NULL, NULL, 0);
	assert_int_equal(search_index_record(&f->r, record_load(&f->r, people, id)), 0);
	short_lists_match_like(f, extra);
	/* updated: the old name's pieces no longer find it */
	assert_int_equal(db_run(f->db, "UPDATE people SET name = '王大明' WHERE id = ?", "i", f->wang), 0);
	assert_int_equal(search_index_record(&f->r, record_load(&f->r, people, f->wang)), 0);
	short_lists_match_like(f, extra);
	/* moved only (the body is the same) */
	assert_int_equal(db_run(f->db, "UPDATE people SET unit_id = ? WHERE id = ?", "ii", f->s2, f->wang), 0);
	assert_int_equal(search_index_record(&f->r, record_load(&f->r, people, f->wang)), 0);
	short_lists_match_like(f, extra);
	/* archived */
	assert_int_equal(db_run(f->db, "UPDATE people SET archived = 1 WHERE id = ?", "i", f->zhao), 0);
	assert_int_equal(search_index_record(&f->r, record_load(&f->r, people, f->zhao)), 0);
	short_lists_match_like(f, extra);
	/* rebuilt */
	assert_int_equal(search_rebuild(&f->r), 3 + 6);
	short_lists_match_like(f, extra);
	/* an import's batch (SQLite defers the index to its end) */
	assert_int_equal(db_begin(f->db), 0);
	void *st = NULL;
	assert_int_equal(search_observer.batch_begin(&f->r, 2, &st), 0);
	const char *names[] = {"曉明路", "東方曉"};
	for (int i = 0; i < 2; i++) {
		int64_t nid = add_person(f, names[i], f->s2, NULL, NULL, NULL, 0);
		assert_int_equal(search_observer.batch_added(&f->r, st, record_load(&f->r, people, nid)), 0);
	}
	assert_int_equal(search_observer.batch_end(&f->r, st), 0);
	assert_int_equal(db_commit(f->db), 0);
	short_lists_match_like(f, extra);
	/* and the next record after the batch is indexed again at once */
	id = add_person(f, "曉", f->s1, NULL, NULL, NULL, 0);
	assert_int_equal(search_index_record(&f->r, record_load(&f->r, people, id)), 0);
	short_lists_match_like(f, extra);
}

#define QUERY_TESTS(setup) \
	cmocka_unit_test_setup_teardown(simplified_query_finds_traditional_name, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(traditional_query_finds_simplified_name, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(units_are_found_by_either_script, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(two_character_queries_fall_back_to_a_scan, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(short_queries_find_every_title_prefix_and_scan_a_window, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(one_character_query_works, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(trigram_table_cannot_answer_short_queries, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(ascii_is_case_and_width_insensitive, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(wildcards_and_quotes_are_literal, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(sensitive_values_are_not_indexed, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(bad_queries_are_refused, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(unit_admin_sees_only_their_subtree, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(scoped_users_are_not_starved_by_matches_out_of_scope, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(staff_see_their_own_person_only, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(nobody_signed_in_finds_nothing, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(archived_records_vanish_and_come_back, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(a_change_is_searchable_at_once, setup, testdb_teardown), \
	cmocka_unit_test_setup_teardown(short_list_searches_stay_exact, setup, testdb_teardown)

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest normalize_tests[] = {
		cmocka_unit_test(normalize_turns_traditional_into_simplified),
		cmocka_unit_test(normalize_folds_case_width_and_spaces),
		cmocka_unit_test(normalize_works_in_every_thread),
	};
	const struct CMUnitTest sqlite_tests[] = {QUERY_TESTS(sqlite_setup)};
	const struct CMUnitTest pg_tests[] = {QUERY_TESTS(pg_setup)};
	int failed = cmocka_run_group_tests_name("normalize", normalize_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("sqlite", sqlite_tests, NULL, NULL);
	if (!testdb_pg_url())
		fprintf(stderr, "WENMING_TEST_PG is not set: the PostgreSQL tests are skipped\n");
	failed += cmocka_run_group_tests_name("postgresql", pg_tests, NULL, NULL);
	return failed;
}
