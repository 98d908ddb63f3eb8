/* test_writer.c — the group-commit writer (db/writer.h) and its request
 * form (http/write.h), on SQLite and, with WENMING_TEST_PG, PostgreSQL.
 *
 * To put several jobs in one batch for certain, a first "gate" job holds
 * the writer thread until the test has seen the others queued (the
 * writer's stats count them), then lets it go: they all form the next
 * batch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* after the four above, which it needs */
#include <cmocka.h>

#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "db/writer.h"
#include "http/app.h"
#include "http/audit.h"
#include "http/http.h"
#include "http/write.h"
#include "testdb.h"

struct fx {
	struct testdb t;
	struct db_writer *w;
};

static int fx_open(void **state, enum db_kind kind)
{
	*state = NULL;
	if (kind == DB_PG && testdb_pg_skipped(state))
		return 0;
	struct fx *f = calloc(1, sizeof *f);
	*state = f;
	if (testdb_open(&f->t, kind, 0))
		return -1;
	if (db_exec_script(f->t.db, "CREATE TABLE w (th INTEGER NOT NULL, k INTEGER "
				    "NOT NULL, PRIMARY KEY (th, k))")) {
		fprintf(stderr, "create: %s\n", db_errmsg(f->t.db));
		return -1;
	}
	char err[512];
	f->w = db_writer_open(f->t.url, 0, err, sizeof err);
	if (!f->w) {
		fprintf(stderr, "db_writer_open: %s\n", err);
		return -1;
	}
	return 0;
}

/* the platform's schema (audit, data generation) instead of the table w */
static int fx_open_migrated(void **state, enum db_kind kind)
{
	*state = NULL;
	if (kind == DB_PG && testdb_pg_skipped(state))
		return 0;
	struct fx *f = calloc(1, sizeof *f);
	*state = f;
	if (testdb_open(&f->t, kind, 1))
		return -1;
	char err[512];
	f->w = db_writer_open(f->t.url, 0, err, sizeof err);
	return f->w ? 0 : -1;
}

static int sqlite_migrated(void **state)
{
	return fx_open_migrated(state, DB_SQLITE);
}

static int pg_migrated(void **state)
{
	return fx_open_migrated(state, DB_PG);
}

static int sqlite_setup(void **state)
{
	return fx_open(state, DB_SQLITE);
}
static int pg_setup(void **state)
{
	return fx_open(state, DB_PG);
}

static int fx_close(void **state)
{
	struct fx *f = *state;
	if (f)
		db_writer_close(f->w); /* NULL when a test closed it itself */
	return testdb_teardown(state);
}

#define SKIP_IF_NO_DB(f)                                                                                               \
	do {                                                                                                           \
		if (!(f))                                                                                              \
			skip();                                                                                        \
	} while (0)

static int64_t count_rows(struct fx *f, const char *where)
{
	struct arena a;
	arena_init(&a);
	char *sql = arena_printf(&a, "SELECT count(*) FROM w WHERE %s", where);
	int64_t n = db_one_int64(f->t.db, -1, sql, NULL);
	arena_free(&a);
	return n;
}

/* ---- jobs ---- */

struct row {
	int th, k;
};

static int insert_job(void *ctx, struct db *db)
{
	struct row *r = ctx;
	return db_run(db, "INSERT INTO w (th, k) VALUES (?, ?)", "II", r->th, r->k);
}

/* inserts its row, then a duplicate of it: fails with its second statement */
static int duplicate_job(void *ctx, struct db *db)
{
	struct row *r = ctx;
	int rc = db_run(db, "INSERT INTO w (th, k) VALUES (?, ?)", "II", r->th, r->k);
	if (rc)
		return rc;
	return db_run(db, "INSERT INTO w (th, k) VALUES (?, ?)", "II", r->th, r->k);
}

static int refusing_job(void *ctx, struct db *db)
{
	insert_job(ctx, db);
	return -42;
}

/* holds the writer thread: says it runs, then waits until the test lets go */
struct gated {
	struct db_writer *w;
	sem_t entered, sem;
	int rc;
	pthread_t t;
};

static int gate_job(void *ctx, struct db *db)
{
	(void)db;
	struct gated *g = ctx;
	sem_post(&g->entered);
	sem_wait(&g->sem);
	return 0;
}

struct submitter {
	struct db_writer *w;
	db_job_fn fn;
	struct row row;
	int nrows; /* >0: that many rows k = row.k .. row.k + nrows - 1 */
	int rc; /* of the one job, or the first failure */
	pthread_t t;
};

static void *submit_main(void *arg)
{
	struct submitter *s = arg;
	if (s->nrows <= 0) {
		s->rc = db_writer_submit(s->w, s->fn, &s->row);
		return NULL;
	}
	for (int i = 0; i < s->nrows; i++) {
		struct row r = {s->row.th, s->row.k + i};
		int rc = db_writer_submit(s->w, s->fn, &r);
		if (rc && !s->rc)
			s->rc = rc;
	}
	return NULL;
}

static void wait_queued(struct db_writer *w, uint64_t n)
{
	struct db_writer_stats st;
	for (int i = 0; i < 10000; i++) {
		db_writer_stats(w, &st);
		if (st.queued >= n)
			return;
		usleep(1000);
	}
	fail_msg("the writer's queue never reached %llu jobs", (unsigned long long)n);
}

/* ---- tests ---- */

static void every_job_of_many_threads_is_committed_and_visible(void **state)
{
	struct fx *f = *state;
	SKIP_IF_NO_DB(f);
	enum { N = 8, M = 40 };
	struct submitter s[N];
	for (int i = 0; i < N; i++) {
		s[i] = (struct submitter){.w = f->w, .fn = insert_job, .row = {i, 0}, .nrows = M};
		pthread_create(&s[i].t, NULL, submit_main, &s[i]);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(s[i].t, NULL);
		assert_int_equal(s[i].rc, 0);
	}
	/* acknowledged means committed: another connection sees every row */
	assert_int_equal(count_rows(f, "1 = 1"), N * M);
	struct db_writer_stats st;
	db_writer_stats(f->w, &st);
	assert_int_equal(st.jobs, N * M);
	assert_int_equal(st.failed, 0);
}

static void *gated_main(void *arg)
{
	struct gated *g = arg;
	g->rc = db_writer_submit(g->w, gate_job, g);
	return NULL;
}

/* Holds the writer thread with a gate job; returns once it runs. */
static void hold_writer(struct fx *f, struct gated *g)
{
	g->w = f->w;
	sem_init(&g->entered, 0, 0);
	sem_init(&g->sem, 0, 0);
	pthread_create(&g->t, NULL, gated_main, g);
	sem_wait(&g->entered);
}

static void release_writer(struct gated *g)
{
	sem_post(&g->sem);
	pthread_join(g->t, NULL);
	assert_int_equal(g->rc, 0);
	sem_destroy(&g->sem);
	sem_destroy(&g->entered);
}

static void a_failing_job_does_not_take_its_batch_mates_down(void **state)
{
	struct fx *f = *state;
	SKIP_IF_NO_DB(f);
	struct gated g;
	hold_writer(f, &g);
	enum { K = 6 };
	struct submitter s[K];
	for (int i = 0; i < K; i++) {
		db_job_fn fn = i == 2 ? duplicate_job : i == 4 ? refusing_job : insert_job;
		s[i] = (struct submitter){.w = f->w, .fn = fn, .row = {100, i}};
		pthread_create(&s[i].t, NULL, submit_main, &s[i]);
		wait_queued(f->w, (uint64_t)i + 1); /* in this order */
	}
	struct db_writer_stats before;
	db_writer_stats(f->w, &before);
	release_writer(&g);
	for (int i = 0; i < K; i++)
		pthread_join(s[i].t, NULL);
	struct db_writer_stats st;
	db_writer_stats(f->w, &st);
	assert_int_equal(st.max_batch, K); /* all six in one transaction */
	assert_int_equal(st.commits, before.commits + 2); /* the gate's, then theirs */
	/* each failure is its own, and undone whole (the duplicate's first row too)
   */
	assert_int_equal(s[2].rc, DB_E_UNIQUE);
	assert_int_equal(s[4].rc, -42);
	assert_int_equal(count_rows(f, "th = 100 AND k IN (2, 4)"), 0);
	for (int i = 0; i < K; i++)
		if (i != 2 && i != 4)
			assert_int_equal(s[i].rc, 0);
	assert_int_equal(count_rows(f, "th = 100"), K - 2);
}

static void concurrent_jobs_share_commits(void **state)
{
	struct fx *f = *state;
	SKIP_IF_NO_DB(f);
	enum { N = 64, M = 10 };
	struct submitter *s = calloc(N, sizeof *s);
	for (int i = 0; i < N; i++) {
		s[i] = (struct submitter){.w = f->w, .fn = insert_job, .row = {1000 + i, 0}, .nrows = M};
		pthread_create(&s[i].t, NULL, submit_main, &s[i]);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(s[i].t, NULL);
		assert_int_equal(s[i].rc, 0);
	}
	free(s);
	struct db_writer_stats st;
	db_writer_stats(f->w, &st);
	assert_int_equal(st.jobs, N * M);
	assert_int_equal(count_rows(f, "th >= 1000"), N * M);
	/* 64 submitters, one commit at a time: the batches grow well past one */
	assert_true(st.commits < st.jobs / 2);
	assert_true(st.max_batch > 1);
}

struct closer {
	struct db_writer *w;
	pthread_t t;
};

static void *close_main(void *arg)
{
	struct closer *c = arg;
	db_writer_close(c->w);
	return NULL;
}

static void closing_finishes_the_jobs_already_queued(void **state)
{
	struct fx *f = *state;
	SKIP_IF_NO_DB(f);
	struct gated g;
	hold_writer(f, &g);
	enum { K = 10 };
	struct submitter s[K];
	for (int i = 0; i < K; i++) {
		s[i] = (struct submitter){.w = f->w, .fn = insert_job, .row = {200, i}};
		pthread_create(&s[i].t, NULL, submit_main, &s[i]);
	}
	wait_queued(f->w, K);
	struct closer c = {.w = f->w};
	pthread_create(&c.t, NULL, close_main, &c);
	usleep(50000); /* the close is waiting for the thread, which holds the gate */
	sem_post(&g.sem);
	pthread_join(g.t, NULL);
	pthread_join(c.t, NULL);
	f->w = NULL; /* closed */
	for (int i = 0; i < K; i++) {
		pthread_join(s[i].t, NULL);
		assert_int_equal(s[i].rc, 0);
	}
	assert_int_equal(count_rows(f, "th = 200"), K);
	sem_destroy(&g.sem);
	sem_destroy(&g.entered);
}

/* commits what it was given: a bug the writer must survive */
static int committing_job(void *ctx, struct db *db)
{
	(void)ctx;
	db_commit(db);
	return 0;
}

static void a_job_that_ends_the_transaction_fails_and_the_rest_run_again(void **state)
{
	struct fx *f = *state;
	SKIP_IF_NO_DB(f);
	struct gated g;
	hold_writer(f, &g);
	enum { K = 4 };
	struct submitter s[K];
	for (int i = 0; i < K; i++) {
		s[i] = (struct submitter){.w = f->w, .fn = i == 1 ? committing_job : insert_job, .row = {300, i}};
		pthread_create(&s[i].t, NULL, submit_main, &s[i]);
		wait_queued(f->w, (uint64_t)i + 1);
	}
	release_writer(&g);
	for (int i = 0; i < K; i++)
		pthread_join(s[i].t, NULL);
	assert_int_equal(s[1].rc, DB_ERR);
	/* before it: failed (its work may or may not have been committed by
   * the culprit; it was never acknowledged); after it: run again, kept */
	assert_int_equal(s[0].rc, DB_ERR);
	assert_int_equal(s[2].rc, 0);
	assert_int_equal(s[3].rc, 0);
	assert_int_equal(count_rows(f, "th = 300 AND k IN (2, 3)"), 2);
	/* and the writer goes on */
	struct row r = {300, 9};
	assert_int_equal(db_writer_submit(f->w, insert_job, &r), 0);
}

struct nest {
	struct db_writer *w;
	struct row inner;
};

static int nesting_job(void *ctx, struct db *db)
{
	struct nest *n = ctx;
	int rc = db_run(db, "INSERT INTO w (th, k) VALUES (400, 1)", NULL);
	/* a job submitting a job runs it at once, in a savepoint */
	int inner = db_writer_submit(n->w, duplicate_job, &n->inner);
	assert_int_equal(inner, DB_E_UNIQUE);
	return rc;
}

static void a_job_may_submit_a_job(void **state)
{
	struct fx *f = *state;
	SKIP_IF_NO_DB(f);
	struct nest n = {f->w, {400, 2}};
	assert_int_equal(db_writer_submit(f->w, nesting_job, &n), 0);
	assert_int_equal(count_rows(f, "th = 400 AND k = 1"), 1);
	assert_int_equal(count_rows(f, "th = 400 AND k = 2"), 0);
}

/* ---- req_write ---- */

struct seen {
	struct db *db;
	int64_t id;
	const char *code; /* in the request's arena */
};

static int req_job(struct req *r, void *ctx)
{
	struct seen *s = ctx;
	s->db = req_db(r);
	struct db_stmt *q = db_prepare(req_db(r), r->a, "INSERT INTO w (th, k) VALUES (500, ?)");
	db_bind_int64(q, 1, s->id);
	int rc = db_step(q);
	if (rc != DB_DONE)
		return rc < 0 ? rc : DB_ERR;
	s->code = arena_printf(r->a, "C-%lld", (long long)s->id);
	return 0;
}

static void req_write_runs_on_the_writer_connection(void **state)
{
	struct fx *f = *state;
	SKIP_IF_NO_DB(f);
	struct app app;
	memset(&app, 0, sizeof app);
	app.writer = f->w;
	struct arena a;
	arena_init(&a);
	struct req r;
	req_init_cli(&r, &a, f->t.db, LANG_EN);
	r.app = &app;
	r.method = "POST";
	r.path = "/test";
	struct seen s = {.id = 1};
	assert_int_equal(req_write(&r, req_job, &s), 0);
	assert_ptr_not_equal(s.db, f->t.db); /* not the request's own connection */
	assert_ptr_equal(r.db_, f->t.db); /* given back */
	assert_string_equal(s.code, "C-1"); /* what fn left in the arena */
	assert_int_equal(count_rows(f, "th = 500 AND k = 1"), 1);
	/* the statement prepared under r.a went back to the writer's connection
   * when the job ended: resetting the arena here touches nothing of it */
	arena_reset(&a);
	/* a duplicate: its error, nothing kept */
	s.id = 1;
	assert_int_equal(req_write(&r, req_job, &s), DB_E_UNIQUE);
	/* refused while the request holds a transaction of its own */
	assert_int_equal(db_begin(f->t.db), 0);
	s.id = 2;
	assert_int_equal(req_write(&r, req_job, &s), DB_ERR);
	assert_int_equal(db_rollback(f->t.db), 0);
	assert_int_equal(count_rows(f, "th = 500"), 1);
	arena_free(&a);
}

static void req_write_without_a_writer_uses_its_own_transaction(void **state)
{
	struct fx *f = *state;
	SKIP_IF_NO_DB(f);
	struct arena a;
	arena_init(&a);
	struct req r;
	req_init_cli(&r, &a, f->t.db, LANG_EN); /* no app: the command line */
	struct seen s = {.id = 7};
	assert_int_equal(req_write(&r, req_job, &s), 0);
	assert_ptr_equal(s.db, f->t.db);
	assert_int_equal(db_depth(f->t.db), 0);
	assert_int_equal(req_write(&r, req_job, &s), DB_E_UNIQUE);
	assert_int_equal(db_depth(f->t.db), 0);
	assert_int_equal(count_rows(f, "th = 500 AND k = 7"), 1);
	arena_free(&a);
}

/* ---- the data generation ---- */

static int audit_job(void *ctx, struct db *db)
{
	(void)ctx;
	return audit_write(db, 0, "t", "cli", "create", "case", 1, NULL, NULL);
}

static void every_commit_moves_the_data_generation_whichever_connection(void **state)
{
	struct fx *f = *state;
	SKIP_IF_NO_DB(f);
	char err[512];
	struct db *other = db_open(f->t.url, err, sizeof err);
	assert_non_null(other);
	int64_t g0 = audit_data_gen(f->t.db);
	assert_true(g0 >= 0);
	/* a change on this connection, then one on another (another shard
	 * most likely), then one through the writer: each is seen by all */
	assert_int_equal(audit_write(f->t.db, 0, "t", "cli", "create", "case", 1, NULL, NULL), 0);
	int64_t g1 = audit_data_gen(other);
	assert_true(g1 > g0);
	assert_int_equal(audit_write(other, 0, "t", "cli", "create", "case", 2, NULL, NULL), 0);
	int64_t g2 = audit_data_gen(f->t.db);
	assert_true(g2 > g1);
	assert_int_equal(db_writer_submit(f->w, audit_job, NULL), 0);
	int64_t g3 = audit_data_gen(other);
	assert_true(g3 > g2);
	/* a change rolled back leaves it, and so does a read */
	assert_int_equal(db_begin(other), 0);
	assert_int_equal(audit_write(other, 0, "t", "cli", "create", "case", 3, NULL, NULL), 0);
	assert_int_equal(db_rollback(other), 0);
	assert_int_equal(audit_data_gen(f->t.db), g3);
	assert_int_equal(audit_data_gen(other), g3);
	db_close(other);
}

static void many_writers_bump_the_generation_once_per_change(void **state)
{
	struct fx *f = *state;
	SKIP_IF_NO_DB(f);
	int64_t g0 = audit_data_gen(f->t.db);
	enum { N = 16 };
	struct submitter s[N];
	for (int i = 0; i < N; i++) {
		s[i] = (struct submitter){.w = f->w, .fn = audit_job, .nrows = 5};
		pthread_create(&s[i].t, NULL, submit_main, &s[i]);
	}
	/* meanwhile, changes on another connection too */
	for (int i = 0; i < 20; i++)
		assert_int_equal(audit_write(f->t.db, 0, "t", "cli", "create", "case", i, NULL, NULL), 0);
	for (int i = 0; i < N; i++) {
		pthread_join(s[i].t, NULL);
		assert_int_equal(s[i].rc, 0);
	}
	assert_int_equal(audit_data_gen(f->t.db), g0 + N * 5 + 20);
}

#define WRITER_TESTS(SETUP)                                                                                            \
	cmocka_unit_test_setup_teardown(every_job_of_many_threads_is_committed_and_visible, SETUP##_setup, fx_close),  \
		cmocka_unit_test_setup_teardown(a_failing_job_does_not_take_its_batch_mates_down, SETUP##_setup,       \
						fx_close),                                                             \
		cmocka_unit_test_setup_teardown(concurrent_jobs_share_commits, SETUP##_setup, fx_close),               \
		cmocka_unit_test_setup_teardown(closing_finishes_the_jobs_already_queued, SETUP##_setup, fx_close),    \
		cmocka_unit_test_setup_teardown(a_job_that_ends_the_transaction_fails_and_the_rest_run_again,          \
						SETUP##_setup, fx_close),                                              \
		cmocka_unit_test_setup_teardown(a_job_may_submit_a_job, SETUP##_setup, fx_close),                      \
		cmocka_unit_test_setup_teardown(req_write_runs_on_the_writer_connection, SETUP##_setup, fx_close),     \
		cmocka_unit_test_setup_teardown(req_write_without_a_writer_uses_its_own_transaction, SETUP##_setup,    \
						fx_close),                                                             \
		cmocka_unit_test_setup_teardown(every_commit_moves_the_data_generation_whichever_connection,           \
						SETUP##_migrated, fx_close),                                           \
		cmocka_unit_test_setup_teardown(many_writers_bump_the_generation_once_per_change, SETUP##_migrated,    \
						fx_close)

int main(void)
{
	log_set_level(LOG_ERROR); /* the failures these tests cause log errors */
	const struct CMUnitTest sqlite_tests[] = {WRITER_TESTS(sqlite)};
	const struct CMUnitTest pg_tests[] = {WRITER_TESTS(pg)};
	int failed = cmocka_run_group_tests_name("sqlite", sqlite_tests, NULL, NULL);
	if (!testdb_pg_url())
		fprintf(stderr, "WENMING_TEST_PG is not set: the PostgreSQL tests are skipped\n");
	failed += cmocka_run_group_tests_name("postgresql", pg_tests, NULL, NULL);
	return failed;
}
