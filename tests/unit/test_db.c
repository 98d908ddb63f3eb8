/* test_db.c — the db.h interface, run on both backends.
 *
 * Every test runs twice: on SQLite (a fresh file in a temporary directory)
 * and on PostgreSQL when WENMING_TEST_PG holds a postgresql:// URL. Each
 * PostgreSQL test creates its own schema (t_<pid>_<n>_<random>), points
 * search_path at it and drops it afterwards, so runs can repeat against the
 * same cluster and run in parallel with other processes. Without
 * WENMING_TEST_PG the PostgreSQL group is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "platform/platform.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "db/db.h"
#include "testdb.h"

struct fx {
	struct testdb t;
	struct db *db; /* t.db */
	enum db_kind kind;
	const char *dir, *url; /* t.dir, t.url */
};

/* ---- fixtures ---- */

static int migrate_or_fail(struct fx *f)
{
	char err[512];
	if (db_migrate(f->db, "platform", PLATFORM_MIGRATIONS, err, sizeof err)) {
		fprintf(stderr, "db_migrate: %s\n", err);
		return -1;
	}
	return 0;
}

static int fx_open(void **state, enum db_kind kind, int migrate)
{
	*state = NULL;
	if (kind == DB_PG && testdb_pg_skipped(state))
		return 0;
	struct fx *f = calloc(1, sizeof *f);
	f->kind = kind;
	*state = f;
	if (testdb_open(&f->t, kind, migrate))
		return -1;
	f->db = f->t.db;
	f->dir = f->t.dir;
	f->url = f->t.url;
	return 0;
}

static int sqlite_open(void **state, int migrate)
{
	return fx_open(state, DB_SQLITE, migrate);
}

static int pg_open(void **state, int migrate)
{
	return fx_open(state, DB_PG, migrate);
}

static int sqlite_empty(void **state) { return sqlite_open(state, 0); }
static int sqlite_migrated(void **state) { return sqlite_open(state, 1); }
static int pg_empty(void **state) { return pg_open(state, 0); }
static int pg_migrated(void **state) { return pg_open(state, 1); }

#define FX() \
	struct fx *f = *state; \
	if (!f) \
		skip(); \
	struct db *db = f->db

/* A scratch table with one column of each kind, the same on both backends. */
static void make_vals(struct db *db)
{
	assert_int_equal(db_exec_script(db, "CREATE TABLE vals (k INTEGER NOT NULL, s TEXT, i BIGINT, "
					    "d DOUBLE PRECISION, n TEXT)"),
			 0);
}

static int64_t count(struct db *db, const char *table)
{
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	return db_one_int64(db, -1, sql, NULL);
}

static int64_t new_unit(struct db *db, const char *code)
{
	return db_insert(db, "INSERT INTO units (kind, code, name, created_at) VALUES (?, ?, ?, ?) RETURNING id", "sssi",
			 "bureau", code, "交通運輸局", (int64_t)1795939500);
}

/* ---- migrations ---- */

static void migrate_to_latest_then_idempotent(void **state)
{
	FX();
	assert_true(db_latest_version(PLATFORM_MIGRATIONS) >= 1);
	assert_int_equal(db_schema_version(db, "platform"), 0);
	assert_int_equal(migrate_or_fail(f), 0);
	assert_int_equal(db_schema_version(db, "platform"), db_latest_version(PLATFORM_MIGRATIONS));
	assert_int_equal(count(db, "migrations"), db_latest_version(PLATFORM_MIGRATIONS));
	assert_int_equal(count(db, "users"), 0); /* the tables exist */
	/* again: nothing to do, nothing changes */
	assert_int_equal(migrate_or_fail(f), 0);
	assert_int_equal(db_schema_version(db, "platform"), db_latest_version(PLATFORM_MIGRATIONS));
	assert_int_equal(count(db, "migrations"), db_latest_version(PLATFORM_MIGRATIONS));
	assert_int_equal(db_depth(db), 0);
}

static void migrate_refuses_a_newer_database(void **state)
{
	FX();
	int v = db_latest_version(PLATFORM_MIGRATIONS) + 1;
	assert_int_equal(migrate_or_fail(f), 0);
	assert_int_equal(db_run(db, "INSERT INTO migrations (module, version, name, applied_at) VALUES (?, ?, ?, ?)",
				"sIsi", "platform", v, "999_future.sql", (int64_t)0),
			 0);
	char err[512] = "";
	assert_int_equal(db_migrate(db, "platform", PLATFORM_MIGRATIONS, err, sizeof err), -1);
	assert_non_null(strstr(err, "newer"));
	assert_int_equal(db_depth(db), 0);
}

/* A database from before modules kept one sequence in schema_migrations:
 * it becomes the platform's, and nothing is applied twice. */
static void migrate_takes_over_the_single_sequence_of_old_databases(void **state)
{
	FX();
	int latest = db_latest_version(PLATFORM_MIGRATIONS);
	assert_int_equal(db_exec_script(db, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
					    "NULL, applied_at BIGINT NOT NULL); INSERT INTO schema_migrations SELECT "
					    "version, name, applied_at FROM migrations; DROP TABLE migrations"),
			 0);
	assert_int_equal(count(db, "schema_migrations"), latest);
	assert_int_equal(migrate_or_fail(f), 0);
	assert_int_equal(db_schema_version(db, "platform"), latest);
	assert_int_equal(count(db, "migrations"), latest);
	assert_int_equal(db_one_int64(db, -1,
				      f->kind == DB_PG ? "SELECT count(*) FROM information_schema.tables WHERE table_name = "
							 "'schema_migrations' AND table_schema = current_schema()"
						       : "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'",
				      NULL),
			 0);
	assert_int_equal(db_depth(db), 0);
}

static void migrate_refuses_a_gap_in_recorded_versions(void **state)
{
	FX();
	assert_int_equal(migrate_or_fail(f), 0);
	assert_int_equal(db_run(db, "INSERT INTO migrations (module, version, name, applied_at) VALUES ('platform', 0, "
				    "'x', 0)",
				NULL),
			 0);
	char err[512] = "";
	assert_int_equal(db_migrate(db, "platform", PLATFORM_MIGRATIONS, err, sizeof err), -1);
	assert_non_null(strstr(err, "missing"));
}

/* ---- values ---- */

static void values_round_trip_through_bind_and_column(void **state)
{
	FX();
	make_vals(db);
	const char *cjk = "文明創建 简体 😀 'quoted' \"double\" ? $1 \\";
	struct db_stmt *s = db_prepare(db, &f->t.a, "INSERT INTO vals (k, s, i, d, n) VALUES (?, ?, ?, ?, ?)");
	assert_non_null(s);
	assert_int_equal(db_bind_int64(s, 1, 1), 0);
	assert_int_equal(db_bind_text(s, 2, cjk), 0);
	assert_int_equal(db_bind_int64(s, 3, INT64_MAX), 0);
	assert_int_equal(db_bind_double(s, 4, 3.141592653589793), 0);
	assert_int_equal(db_bind_null(s, 5), 0);
	assert_int_equal(db_step(s), DB_DONE);
	assert_int_equal(db_run(db, "INSERT INTO vals (k, s, i, d, n) VALUES (?, ?, ?, ?, ?)", "Isids", 2, "",
				INT64_MIN, -1e300, (const char *)NULL),
			 0);
	assert_int_equal(db_run(db, "INSERT INTO vals (k, s, i, d, n) VALUES (?, ?, ?, ?, ?)", "Isids", 3,
				(const char *)NULL, (int64_t)0, 0.1, "x"),
			 0);

	s = db_query(db, &f->t.a, "SELECT k, s, i, d, n FROM vals ORDER BY k", NULL);
	assert_non_null(s);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_count(s), 5);
	assert_int_equal(db_column_int64(s, 0), 1);
	assert_string_equal(db_column_text(s, 1), cjk);
	assert_int_equal(db_column_int64(s, 2), INT64_MAX);
	assert_true(db_column_double(s, 3) == 3.141592653589793);
	assert_true(db_column_isnull(s, 4));
	assert_string_equal(db_column_text(s, 4), ""); /* NULL reads as "" */
	assert_false(db_column_isnull(s, 1));

	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_column_text(s, 1), "");
	assert_false(db_column_isnull(s, 1)); /* empty is not NULL */
	assert_int_equal(db_column_int64(s, 2), INT64_MIN);
	assert_true(db_column_double(s, 3) == -1e300);
	assert_true(db_column_isnull(s, 4));

	assert_int_equal(db_step(s), DB_ROW);
	assert_true(db_column_isnull(s, 1));
	assert_int_equal(db_column_int64(s, 2), 0);
	assert_true(db_column_double(s, 3) == 0.1);
	assert_string_equal(db_column_text(s, 4), "x");

	assert_int_equal(db_step(s), DB_DONE);
}

static void values_question_marks_in_literals_are_not_parameters(void **state)
{
	FX();
	struct arena *a = &f->t.a;
	/* the PostgreSQL backend rewrites ? to $n: not inside quotes or comments */
	char *t = db_one_text(db, a, "SELECT '?' || ? -- trailing ?\n", "s", "x");
	assert_non_null(t);
	assert_string_equal(t, "?x");
	t = db_one_text(db, a, "SELECT 'it''s ?' || ?", "s", "!");
	assert_string_equal(t, "it's ?!");
	assert_int_equal(db_one_int64(db, -1, "SELECT 40 + ?", "i", (int64_t)2), 42);
	assert_int_equal(db_one_int64(db, -1, "SELECT /* why? */ 40 + ? /* ? */", "i", (int64_t)2), 42);
}

static void values_too_many_parameters_are_refused(void **state)
{
	FX();
	/* pathological text: must be refused (PostgreSQL: over 256 parameters;
	 * SQLite: a syntax error), never written past a buffer */
	char sql[3000] = "SELECT ";
	memset(sql + 7, '?', 2500);
	sql[2507] = 0;
	assert_null(db_prepare(db, &f->t.a, sql));
	struct buf b;
	buf_init(&b, NULL);
	buf_puts(&b, "SELECT 1 WHERE 1 IN (?");
	for (int i = 1; i < 300; i++)
		buf_puts(&b, ",?");
	buf_puts(&b, ")");
	struct db_stmt *s = db_prepare(db, &f->t.a, b.p);
	if (f->kind == DB_PG)
		assert_null(s);
	buf_free(&b);
}

static void values_bind_index_out_of_range_is_an_error(void **state)
{
	FX();
	struct db_stmt *s = db_prepare(db, &f->t.a, "SELECT ?");
	assert_non_null(s);
	assert_true(db_bind_int64(s, 2, 1) < 0);
	assert_true(db_bind_text(s, 0, "x") < 0);
	assert_int_equal(db_run(db, "SELECT ?", "q", 1), DB_ERR); /* unknown bind type */
	/* a statement that did not prepare: binds and steps fail, nothing crashes */
	struct db_stmt *bad = db_prepare(db, &f->t.a, "SELEKT ?");
	assert_null(bad);
	assert_int_equal(db_bind_int64(bad, 1, 1), DB_ERR);
	assert_int_equal(db_bind_text(bad, 1, "x"), DB_ERR);
	assert_int_equal(db_bind_null(bad, 1), DB_ERR);
	assert_int_equal(db_bind_double(bad, 1, 1.5), DB_ERR);
	assert_int_equal(db_step(bad), DB_ERR);
}

/* ---- writes and constraints ---- */

static void insert_returns_new_ids(void **state)
{
	FX();
	int64_t a = new_unit(db, "A1");
	int64_t b = new_unit(db, "B2");
	assert_true(a > 0);
	assert_true(b > a);
	assert_int_equal(db_one_int64(db, -1, "SELECT id FROM units WHERE code = ?", "s", "B2"), b);
	char *name = db_one_text(db, &f->t.a, "SELECT name FROM units WHERE id = ?", "i", a);
	assert_string_equal(name, "交通運輸局");
}

static void constraint_violations_map_to_codes(void **state)
{
	FX();
	int64_t a = new_unit(db, "DUP");
	assert_true(a > 0);
	assert_int_equal(new_unit(db, "DUP"), DB_E_UNIQUE);
	assert_int_equal(db_run(db, "INSERT INTO units (kind, code, name, created_at) VALUES ('bureau', 'DUP', 'x', 0)",
				NULL),
			 DB_E_UNIQUE);
	assert_non_null(db_errmsg(db));
	assert_true(db_errmsg(db)[0] != 0);
	assert_int_equal(db_run(db, "INSERT INTO units (kind, code, name, created_at, parent_id) VALUES (?, ?, ?, ?, ?)",
				"sssii", "bureau", "FK", "x", (int64_t)0, (int64_t)987654),
			 DB_E_FK);
	assert_int_equal(db_run(db, "INSERT INTO units (kind, code, name, created_at) VALUES (?, ?, ?, ?)", "sssi",
				"castle", "CHK", "x", (int64_t)0),
			 DB_E_CHECK);
	assert_int_equal(db_run(db, "INSERT INTO units (kind, code, name, created_at) VALUES (?, ?, ?, ?)", "sssi",
				"bureau", "NN", (const char *)NULL, (int64_t)0),
			 DB_E_CHECK);
	assert_int_equal(count(db, "units"), 1);
}

static void changes_counts_rows_of_the_last_run(void **state)
{
	FX();
	make_vals(db);
	for (int k = 0; k < 5; k++)
		assert_int_equal(db_run(db, "INSERT INTO vals (k) VALUES (?)", "I", k), 0);
	assert_int_equal(db_changes(db), 1);
	assert_int_equal(db_run(db, "UPDATE vals SET s = ? WHERE k >= ?", "sI", "u", 2), 0);
	assert_int_equal(db_changes(db), 3);
	assert_int_equal(db_run(db, "DELETE FROM vals WHERE k > 100", NULL), 0);
	assert_int_equal(db_changes(db), 0);
}

static void audit_rows_cannot_be_changed_or_deleted(void **state)
{
	FX();
	int64_t id = db_insert(db,
			       "INSERT INTO audit (at, username, ip, action, entity, entity_id, after_json) "
			       "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			       "issssss", (int64_t)1795939500, "admin", "127.0.0.1", "create", "user", "1", "{}");
	assert_true(id > 0);
	assert_int_equal(db_run(db, "UPDATE audit SET username = ? WHERE id = ?", "si", "mallory", id), DB_E_CHECK);
	assert_int_equal(db_run(db, "DELETE FROM audit WHERE id = ?", "i", id), DB_E_CHECK);
	assert_int_equal(db_run(db, "DELETE FROM audit", NULL), DB_E_CHECK);
	/* also inside a transaction, and the row is untouched */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_run(db, "UPDATE audit SET action = 'x'", NULL), DB_E_CHECK);
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(count(db, "audit"), 1);
	assert_string_equal(db_one_text(db, &f->t.a, "SELECT username FROM audit WHERE id = ?", "i", id), "admin");
}

/* ---- transactions ---- */

static void transactions_inner_rollback_keeps_outer_work(void **state)
{
	FX();
	make_vals(db);
	assert_int_equal(db_depth(db), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_run(db, "INSERT INTO vals (k) VALUES (1)", NULL), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_depth(db), 2);
	assert_int_equal(db_run(db, "INSERT INTO vals (k) VALUES (2)", NULL), 0);
	assert_int_equal(count(db, "vals"), 2);
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(db_depth(db), 1);
	assert_int_equal(count(db, "vals"), 1);
	assert_int_equal(db_run(db, "INSERT INTO vals (k) VALUES (3)", NULL), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(db_depth(db), 0);
	assert_int_equal(db_one_int64(db, -1, "SELECT sum(k) FROM vals", NULL), 4);
}

static void transactions_outer_rollback_drops_everything(void **state)
{
	FX();
	make_vals(db);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_run(db, "INSERT INTO vals (k) VALUES (1)", NULL), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_run(db, "INSERT INTO vals (k) VALUES (2)", NULL), 0);
	assert_int_equal(db_commit(db), 0); /* inner commit: still inside the outer */
	assert_int_equal(db_depth(db), 1);
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(db_depth(db), 0);
	assert_int_equal(count(db, "vals"), 0);
}

static void transactions_error_inside_savepoint_is_recoverable(void **state)
{
	/* On PostgreSQL an error aborts the transaction: rolling back the inner
	 * savepoint must make the outer one usable again. */
	FX();
	assert_int_equal(db_begin(db), 0);
	assert_true(new_unit(db, "KEEP") > 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(new_unit(db, "KEEP"), DB_E_UNIQUE);
	assert_int_equal(db_rollback(db), 0);
	assert_true(new_unit(db, "ALSO") > 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(count(db, "units"), 2);
}

static void transactions_unbalanced_calls(void **state)
{
	FX();
	assert_int_equal(db_commit(db), DB_ERR); /* commit without begin */
	assert_int_equal(db_rollback(db), 0);     /* rollback without begin: no-op */
	assert_int_equal(db_depth(db), 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_begin(db), DB_ERR); /* nested too deep */
	assert_int_equal(db_depth(db), 16);
	db_end_request(db);
	assert_int_equal(db_depth(db), 0);
	assert_int_equal(db_begin(db), 0); /* usable again */
	assert_int_equal(db_commit(db), 0);
}

static void end_request_rolls_back_an_open_transaction(void **state)
{
	FX();
	make_vals(db);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_run(db, "INSERT INTO vals (k) VALUES (1)", NULL), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_run(db, "INSERT INTO vals (k) VALUES (2)", NULL), 0);
	db_end_request(db);
	assert_int_equal(db_depth(db), 0);
	assert_int_equal(count(db, "vals"), 0);
	db_end_request(db); /* nothing open: nothing happens */
	assert_int_equal(db_depth(db), 0);
}

/* ---- statement cache and release with the arena ---- */

static void cache_reuses_a_statement_after_its_arena_is_reset(void **state)
{
	FX();
	struct arena a;
	arena_init(&a);
	const char *sql = "SELECT 1 + ?";
	struct db_stmt *s1 = db_query(db, &a, sql, "I", 1);
	assert_non_null(s1);
	assert_int_equal(db_step(s1), DB_ROW);
	assert_int_equal(db_column_int64(s1, 0), 2);
	/* still handed out: the same text gets another statement */
	struct db_stmt *busy = db_query(db, &a, sql, "I", 1);
	assert_ptr_not_equal(busy, s1);
	arena_reset(&a);
	/* back in the cache once its arena is reset */
	struct db_stmt *s2 = db_query(db, &a, sql, "I", 5);
	assert_ptr_equal(s1, s2);
	assert_int_equal(db_step(s2), DB_ROW);
	assert_int_equal(db_column_int64(s2, 0), 6); /* old binding gone, new one used */
	arena_free(&a);
	assert_int_equal(db_stmt_count(db), 1);
}

static void reset_lets_a_statement_run_again_in_a_loop(void **state)
{
	FX();
	struct arena a;
	arena_init(&a);
	struct db_stmt *s = db_prepare(db, &a, "SELECT 10 * ?");
	for (int i = 1; i <= 3; i++) {
		db_reset(s);
		assert_int_equal(db_bind_int64(s, 1, i), 0);
		assert_int_equal(db_step(s), DB_ROW);
		assert_int_equal(db_column_int64(s, 0), 10 * i);
	}
	assert_int_equal(db_stmt_count(db), 1);
	arena_free(&a);
}

static void cache_allows_nested_use_of_the_same_text(void **state)
{
	FX();
	make_vals(db);
	for (int k = 1; k <= 3; k++)
		assert_int_equal(db_run(db, "INSERT INTO vals (k) VALUES (?)", "I", k), 0);
	struct arena a, row;
	arena_init(&a);
	arena_init(&row);
	const char *sql = "SELECT k FROM vals WHERE k >= ? ORDER BY k";
	struct db_stmt *outer = db_query(db, &a, sql, "I", 1);
	assert_non_null(outer);
	int64_t seen = 0, inner_rows = 0;
	while (db_step(outer) == DB_ROW) {
		int64_t k = db_column_int64(outer, 0);
		seen = seen * 10 + k;
		struct db_stmt *inner = db_query(db, &row, sql, "i", k);
		assert_non_null(inner);
		assert_ptr_not_equal(inner, outer);
		while (db_step(inner) == DB_ROW)
			inner_rows++;
		arena_reset(&row);
	}
	arena_free(&row);
	arena_reset(&a);
	assert_int_equal(seen, 123);   /* the outer iteration was not disturbed */
	assert_int_equal(inner_rows, 3 + 2 + 1);
	/* the cached one is back for the next user */
	struct db_stmt *again = db_prepare(db, &a, sql);
	assert_ptr_equal(again, outer);
	arena_free(&a);
}

static void cache_survives_many_distinct_statements(void **state)
{
	FX();
	/* more texts than cache slots: uncached ones are freed after use */
	struct arena a;
	arena_init(&a);
	for (int i = 0; i < 300; i++) {
		char sql[64];
		snprintf(sql, sizeof sql, "SELECT %d + ?", i);
		assert_int_equal(db_one_int64(db, -1, sql, "I", 1), i + 1);
		struct db_stmt *s = db_query(db, &a, sql, "I", 2);
		assert_int_equal(db_step(s), DB_ROW);
		assert_int_equal(db_column_int64(s, 0), i + 2);
		arena_reset(&a);
	}
	arena_free(&a);
	assert_int_equal(db_one_int64(db, -1, "SELECT 7 + ?", "I", 1), 8);
	assert_true(db_stmt_count(db) <= 128);
}

static void a_loop_with_a_per_row_arena_keeps_the_cache_bounded(void **state)
{
	FX();
	struct arena row;
	arena_init(&row);
	for (int i = 0; i < 100000; i++) {
		struct db_stmt *s = db_query(db, &row, "SELECT ? + 1", "I", i);
		assert_non_null(s);
		if (i % 1000 == 0) {
			assert_int_equal(db_step(s), DB_ROW);
			assert_int_equal(db_column_int64(s, 0), i + 1);
		}
		arena_reset(&row);
	}
	arena_free(&row);
	assert_int_equal(db_stmt_count(db), 1);
}

static void a_loop_under_one_arena_is_stopped_not_grown(void **state)
{
	FX();
	/* the statements of a loop that never releases them: refused past the
	 * bound, and all given back with the arena */
	struct arena a;
	arena_init(&a);
	int handed = 0;
	for (int i = 0; i < 1003; i++)
		handed += db_prepare(db, &a, "SELECT 1") != NULL;
	assert_int_equal(handed, 1000);
	assert_int_equal(db_stmt_count(db), 1000);
	arena_free(&a);
	assert_int_equal(db_stmt_count(db), 1);
	assert_int_equal(db_one_int64(db, -1, "SELECT 2", NULL), 2);
}

static void closing_before_the_arena_is_freed_is_safe(void **state)
{
	FX();
	/* db_close releases what it handed out and disarms the finalizers:
	 * the arena freed afterwards touches nothing (run under ASan) */
	char err[256];
	struct db *other = db_open(f->url, err, sizeof err);
	assert_non_null(other);
	(void)db;
	struct arena a;
	arena_init(&a);
	struct db_stmt *s = db_query(other, &a, "SELECT 1 + ?", "I", 1);
	assert_int_equal(db_step(s), DB_ROW);
	for (int i = 0; i < 5; i++)
		assert_non_null(db_prepare(other, &a, "SELECT 1 + ?")); /* uncached: busy */
	assert_non_null(db_prepare(other, &a, "SELECT 42"));
	db_close(other);
	arena_free(&a);
}

static void ending_the_request_releases_what_it_handed_out(void **state)
{
	FX();
	struct arena a;
	arena_init(&a);
	struct db_stmt *s = db_query(db, &a, "SELECT 1 + ?", "I", 1);
	assert_int_equal(db_step(s), DB_ROW);
	db_end_request(db);
	/* released: the cached one is free for the next user at once */
	struct arena b;
	arena_init(&b);
	assert_ptr_equal(db_prepare(db, &b, "SELECT 1 + ?"), s);
	arena_free(&b);
	arena_free(&a); /* its finalizer was disarmed */
	assert_int_equal(db_stmt_count(db), 1);
}

/* ---- one-row helpers and errors ---- */

static void one_row_helpers_fall_back_to_defaults(void **state)
{
	FX();
	make_vals(db);
	assert_int_equal(db_one_int64(db, -7, "SELECT k FROM vals", NULL), -7);   /* no row */
	assert_null(db_one_text(db, &f->t.a, "SELECT s FROM vals", NULL));
	assert_int_equal(db_run(db, "INSERT INTO vals (k, s, i) VALUES (1, NULL, NULL)", NULL), 0);
	assert_int_equal(db_one_int64(db, -7, "SELECT i FROM vals", NULL), -7);   /* NULL */
	assert_null(db_one_text(db, &f->t.a, "SELECT s FROM vals", NULL));
	assert_int_equal(db_one_int64(db, -7, "SELECT nonsense FROM", NULL), -7); /* error */
	assert_null(db_one_text(db, &f->t.a, "SELECT nonsense FROM", NULL));
	assert_int_equal(db_one_int64(db, -7, "SELECT 0", NULL), 0);              /* 0 is a value */
	char *t = db_one_text(db, &f->t.a, "SELECT 'abc'", NULL);
	assert_string_equal(t, "abc");
}

static void errors_are_reported_not_fatal(void **state)
{
	FX();
	assert_null(db_prepare(db, &f->t.a, "SELEC 1"));
	assert_true(db_errmsg(db)[0] != 0);
	assert_null(strchr(db_errmsg(db), '\n')); /* one line, fit for a log */
	assert_null(db_query(db, &f->t.a, "SELECT * FROM no_such_table", NULL));
	assert_true(db_run(db, "INSERT INTO no_such_table VALUES (1)", NULL) < 0);
	assert_true(db_insert(db, "INSERT INTO nowhere (x) VALUES (1) RETURNING id", NULL) < 0);
	assert_true(db_exec_script(db, "CREATE TABLE ok1 (x INTEGER); SELEC") < 0);
	/* the connection still works */
	assert_int_equal(db_one_int64(db, -1, "SELECT 5", NULL), 5);
}

static void exec_script_runs_several_statements(void **state)
{
	FX();
	assert_int_equal(db_exec_script(db, "CREATE TABLE s1 (x INTEGER); INSERT INTO s1 VALUES (1); "
					    "INSERT INTO s1 VALUES (2);"),
			 0);
	assert_int_equal(count(db, "s1"), 2);
}

static void open_rejects_bad_urls(void **state)
{
	FX();
	(void)db;
	char err[256] = "";
	assert_null(db_open("mysql://x/y", err, sizeof err));
	assert_true(err[0] != 0);
	err[0] = 0;
	assert_null(db_open("sqlite:/nonexistent-dir/sub/x.db", err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent-dir/sub/x.db"));
	err[0] = 0;
	assert_null(db_open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", err, sizeof err));
	assert_non_null(strstr(err, "PostgreSQL"));
	assert_int_equal(db_kind(db), f->kind);
}

static void pool_hands_out_distinct_connections_and_cleans_them(void **state)
{
	FX();
	(void)db;
	char err[256];
	struct db_pool *p = db_pool_open(f->url, 2, err, sizeof err);
	assert_non_null(p);
	struct db *a = db_pool_get(p);
	struct db *b = db_pool_get(p);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_int_equal(db_one_int64(a, -1, "SELECT 1", NULL), 1);
	assert_int_equal(db_begin(b), 0);
	db_pool_put(p, b); /* a transaction left open is rolled back */
	assert_int_equal(db_depth(b), 0);
	struct db *c = db_pool_get(p);
	assert_ptr_equal(c, b);
	db_pool_put(p, c);
	db_pool_put(p, a);
	db_pool_close(p);
}

/* ---- the two groups ---- */

#define DB_TESTS(EMPTY, MIGRATED)                                                                      \
	cmocka_unit_test_setup_teardown(migrate_to_latest_then_idempotent, EMPTY, testdb_teardown),        \
	cmocka_unit_test_setup_teardown(migrate_refuses_a_newer_database, MIGRATED, testdb_teardown),      \
	cmocka_unit_test_setup_teardown(migrate_refuses_a_gap_in_recorded_versions, MIGRATED, testdb_teardown), \
	cmocka_unit_test_setup_teardown(migrate_takes_over_the_single_sequence_of_old_databases, MIGRATED,          \
					testdb_teardown),                                                           \
	cmocka_unit_test_setup_teardown(values_round_trip_through_bind_and_column, EMPTY, testdb_teardown), \
	cmocka_unit_test_setup_teardown(values_question_marks_in_literals_are_not_parameters, EMPTY, testdb_teardown), \
	cmocka_unit_test_setup_teardown(values_bind_index_out_of_range_is_an_error, EMPTY, testdb_teardown), \
	cmocka_unit_test_setup_teardown(values_too_many_parameters_are_refused, EMPTY, testdb_teardown),   \
	cmocka_unit_test_setup_teardown(insert_returns_new_ids, MIGRATED, testdb_teardown),                \
	cmocka_unit_test_setup_teardown(constraint_violations_map_to_codes, MIGRATED, testdb_teardown),    \
	cmocka_unit_test_setup_teardown(changes_counts_rows_of_the_last_run, EMPTY, testdb_teardown),      \
	cmocka_unit_test_setup_teardown(audit_rows_cannot_be_changed_or_deleted, MIGRATED, testdb_teardown), \
	cmocka_unit_test_setup_teardown(transactions_inner_rollback_keeps_outer_work, EMPTY, testdb_teardown), \
	cmocka_unit_test_setup_teardown(transactions_outer_rollback_drops_everything, EMPTY, testdb_teardown), \
	cmocka_unit_test_setup_teardown(transactions_error_inside_savepoint_is_recoverable, MIGRATED, testdb_teardown), \
	cmocka_unit_test_setup_teardown(transactions_unbalanced_calls, EMPTY, testdb_teardown),            \
	cmocka_unit_test_setup_teardown(end_request_rolls_back_an_open_transaction, EMPTY, testdb_teardown), \
	cmocka_unit_test_setup_teardown(cache_reuses_a_statement_after_its_arena_is_reset, EMPTY, testdb_teardown), \
	cmocka_unit_test_setup_teardown(reset_lets_a_statement_run_again_in_a_loop, EMPTY, testdb_teardown), \
	cmocka_unit_test_setup_teardown(a_loop_with_a_per_row_arena_keeps_the_cache_bounded, EMPTY, testdb_teardown), \
	cmocka_unit_test_setup_teardown(a_loop_under_one_arena_is_stopped_not_grown, EMPTY, testdb_teardown), \
	cmocka_unit_test_setup_teardown(closing_before_the_arena_is_freed_is_safe, EMPTY, testdb_teardown), \
	cmocka_unit_test_setup_teardown(ending_the_request_releases_what_it_handed_out, EMPTY, testdb_teardown),      \
	cmocka_unit_test_setup_teardown(cache_allows_nested_use_of_the_same_text, EMPTY, testdb_teardown), \
	cmocka_unit_test_setup_teardown(cache_survives_many_distinct_statements, EMPTY, testdb_teardown),  \
	cmocka_unit_test_setup_teardown(one_row_helpers_fall_back_to_defaults, EMPTY, testdb_teardown),    \
	cmocka_unit_test_setup_teardown(errors_are_reported_not_fatal, EMPTY, testdb_teardown),            \
	cmocka_unit_test_setup_teardown(exec_script_runs_several_statements, EMPTY, testdb_teardown),      \
	cmocka_unit_test_setup_teardown(open_rejects_bad_urls, EMPTY, testdb_teardown),                    \
	cmocka_unit_test_setup_teardown(pool_hands_out_distinct_connections_and_cleans_them, EMPTY, testdb_teardown)

int main(void)
{
	log_set_level(LOG_ERROR); /* expected failures log warnings */
	const struct CMUnitTest sqlite_tests[] = {DB_TESTS(sqlite_empty, sqlite_migrated)};
	const struct CMUnitTest pg_tests[] = {DB_TESTS(pg_empty, pg_migrated)};
	int failed = cmocka_run_group_tests_name("sqlite", sqlite_tests, NULL, NULL);
	if (!testdb_pg_url())
		fprintf(stderr, "WENMING_TEST_PG is not set: the PostgreSQL tests are skipped\n");
	failed += cmocka_run_group_tests_name("postgresql", pg_tests, NULL, NULL);
	return failed;
}
