/* test_inspections.c — the inspections module on the demo (org/demo.c,
 * then inspections/demo.c): the score computation (ins_score_compute)
 * against the stored scores, the demo's inspections consistent with their
 * results and event history (about one item in eight failed; every kind;
 * appeals upheld, rejected and pending; only recent drafts, hidden exactly
 * when unannounced), and the assessment's metrics (inspections_done,
 * inspection_avg_score, inspection_failed_items) equal to counts written
 * here from their definitions in stats.c. On SQLite and, with
 * WENMING_TEST_PG, on PostgreSQL. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/cal.h"
#include "core/log.h"
#include "db/db.h"
#include "http/http.h"
#include "inspections/inspections.h"
#include "module.h"
#include "org/demo.h"
#include "testdb.h"

struct fx {
	struct testdb t;
	struct db *db;
	struct req r;
	struct user admin;
	int64_t top, today;
};

#define FX()                   \
	struct fx *f = *state; \
	if (!f)                \
	skip()

static int demo_open(void **state, enum db_kind kind)
{
	if (kind == DB_PG && testdb_pg_skipped(state))
		return 0;
	struct fx *f = calloc(1, sizeof *f);
	*state = f;
	if (testdb_open(&f->t, kind, 2))
		return -1;
	f->db = f->t.db;
	f->admin.id = 1;
	f->admin.ngrants = 1;
	f->admin.grants[0] = (struct grant){ROLE_ADMIN, 0};
	f->r.user = &f->admin;
	f->r.a = &f->t.a;
	f->r.db_ = f->db;
	f->r.ip = "test";
	f->r.lang = LANG_HANT;
	f->today = cal_local_day(time(NULL));
	char err[512];
	struct demo_options o = {.seed = 11, .people = 520};
	if (demo_load(f->db, o.seed, o.people, err, sizeof err) || inspections_demo(f->db, &o, err, sizeof err)) {
		fprintf(stderr, "demo: %s\n", err);
		return -1;
	}
	f->top = db_one_int64(f->db, 0, "SELECT id FROM units WHERE parent_id IS NULL", NULL);
	return 0;
}

static int demo_sqlite(void **state)
{
	return demo_open(state, DB_SQLITE);
}

static int demo_pg(void **state)
{
	return demo_open(state, DB_PG);
}

static int64_t one(struct fx *f, const char *sql)
{
	int64_t n = db_one_int64(f->db, -1, sql, NULL);
	if (n < 0)
		fprintf(stderr, "failed: %s\n", sql);
	assert_true(n >= 0);
	return n;
}

/* The stored score of every inspection not revised by an appeal is what
 * ins_score_compute gives from its results; failed is its failed results. */
static void scores_are_computed_from_results(void **state)
{
	FX();
	struct db_stmt *q = db_query(f->db, &f->t.a,
				     "SELECT id, score, failed FROM inspections WHERE appeal IS NULL OR appeal <> 'upheld' "
				     "ORDER BY id",
				     NULL);
	int64_t ids[2000];
	double scores[2000];
	int64_t fails[2000];
	int n = 0;
	while (q && db_step(q) == DB_ROW && n < 2000) {
		ids[n] = db_column_int64(q, 0);
		scores[n] = db_column_double(q, 1);
		fails[n++] = db_column_int64(q, 2);
	}
	db_reset(q);
	assert_true(n > 200);
	for (int k = 0; k < n; k++) {
		double s = -1;
		int64_t fl = -1;
		assert_int_equal(ins_score_compute(&f->r, ids[k], &s, &fl), 0);
		if (fabs(s - scores[k]) > 0.051 || fl != fails[k])
			fprintf(stderr, "inspection %lld: %.1f/%lld computed, %.1f/%lld stored\n", (long long)ids[k], s,
				(long long)fl, scores[k], (long long)fails[k]);
		assert_true(fabs(s - scores[k]) <= 0.051);
		assert_int_equal(fl, fails[k]);
	}
	/* an upheld appeal revised the score upwards and kept the original */
	assert_int_equal(one(f, "SELECT count(*) FROM inspections WHERE appeal = 'upheld' AND (score_original IS NULL "
				"OR score <= score_original)"),
			 0);
}

static void demo_is_consistent(void **state)
{
	FX();
	const char *bad[] = {
		/* the state is the last event's */
		"SELECT count(*) FROM inspections n WHERE n.state <> (SELECT e.to_state FROM record_events e WHERE "
		"e.record_type = 'inspections' AND e.record_id = n.id AND e.to_state IS NOT NULL ORDER BY e.at DESC, "
		"e.id DESC LIMIT 1)",
		/* one result per item of the checklist, no other */
		"SELECT count(*) FROM inspections n WHERE (SELECT count(*) FROM inspection_results x WHERE "
		"x.inspection_id = n.id) <> (SELECT count(*) FROM checklist_items i WHERE i.checklist_id = "
		"n.checklist_id)",
		"SELECT count(*) FROM inspection_results x JOIN inspections n ON n.id = x.inspection_id JOIN "
		"checklist_items i ON i.id = x.item_id WHERE i.checklist_id <> n.checklist_id",
		/* the failed count is the failed results */
		"SELECT count(*) FROM inspections n WHERE n.failed <> (SELECT count(*) FROM inspection_results x WHERE "
		"x.inspection_id = n.id AND x.passed = 0)",
		/* a failed result says what was found */
		"SELECT count(*) FROM inspection_results WHERE passed = 0 AND note IS NULL",
		/* hidden: a draft unannounced, or of an unannounced plan */
		"SELECT count(*) FROM inspections n LEFT JOIN inspection_plans p ON p.id = n.plan_id WHERE n.hidden <> "
		"(CASE WHEN n.state = 'draft' AND (n.kind = 'unannounced' OR p.mode = 'unannounced') THEN 1 ELSE 0 "
		"END)",
		/* recorded ones have their time and the appeal deadline */
		"SELECT count(*) FROM inspections WHERE state <> 'draft' AND (recorded_at IS NULL OR appeal_due IS NULL)",
		/* a pending appeal is in the appealed state, and only it */
		"SELECT count(*) FROM inspections WHERE (state = 'appealed') <> (COALESCE(appeal, '') = 'pending')",
		/* on working days, none in the future */
		"SELECT count(*) FROM inspections WHERE number IS NULL",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int64_t n = one(f, bad[i]);
		if (n)
			fprintf(stderr, "check %zu: %lld\n", i, (long long)n);
		assert_int_equal(n, 0);
	}
	char d[CAL_DATE_SIZE];
	assert_int_equal(db_one_int64(f->db, -1, "SELECT count(*) FROM inspections WHERE inspected_on > ?", "s",
				      cal_format_date(f->today, d)),
			 0);
	/* a realistic year: every kind, about one item in eight failed,
	 * appeals in every outcome, a few drafts, six checklists */
	for (int k = 0; ins_kinds[k].code; k++)
		assert_true(db_one_int64(f->db, 0, "SELECT count(*) FROM inspections WHERE kind = ?", "s",
					 ins_kinds[k].code) > 0);
	int64_t results = one(f, "SELECT count(*) FROM inspection_results");
	int64_t failed = one(f, "SELECT count(*) FROM inspection_results WHERE passed = 0");
	assert_true(failed * 100 >= results * 8 && failed * 100 <= results * 17);
	assert_true(one(f, "SELECT count(*) FROM inspections WHERE appeal = 'upheld'") > 0);
	assert_true(one(f, "SELECT count(*) FROM inspections WHERE appeal = 'rejected'") > 0);
	assert_true(one(f, "SELECT count(*) FROM inspection_checklists") == 6);
	assert_true(one(f, "SELECT count(*) FROM inspection_plans") == 4);
	assert_true(one(f, "SELECT count(*) FROM inspection_plans WHERE mode = 'unannounced' AND hidden = 1") == 1);
	assert_in_range(one(f, "SELECT count(*) FROM inspections"), 200, 2000);
}

/* The metrics are the figures counted here from their definitions. */
static void metrics_are_the_figures(void **state)
{
	FX();
	char a[CAL_DATE_SIZE], b[CAL_DATE_SIZE];
	cal_format_date(f->today - 364, a);
	cal_format_date(f->today, b);
	int64_t units[64];
	int nu = 0;
	units[nu++] = f->top;
	struct db_stmt *q = db_query(f->db, &f->t.a, "SELECT id FROM units WHERE parent_id = ? ORDER BY id LIMIT 40", "i",
				     f->top);
	while (q && db_step(q) == DB_ROW)
		units[nu++] = db_column_int64(q, 0);
	db_reset(q);
	assert_true(nu > 10);
	const char *where = " FROM inspections t WHERE t.archived = 0 AND t.state IN ('recorded', 'appealed') AND "
			    "t.inspected_on BETWEEN ? AND ? AND EXISTS (SELECT 1 FROM unit_tree g WHERE g.ancestor_id = ? "
			    "AND g.unit_id = t.unit_id)";
	const struct metric *done = module_metric_find("inspections_done");
	const struct metric *avg = module_metric_find("inspection_avg_score");
	const struct metric *fail = module_metric_find("inspection_failed_items");
	assert_non_null(done);
	assert_non_null(avg);
	assert_non_null(fail);
	for (int k = 0; k < nu; k++) {
		int64_t n = db_one_int64(f->db, -1, arena_printf(&f->t.a, "SELECT count(*)%s", where), "ssi", a, b, units[k]);
		int64_t nf = db_one_int64(f->db, -1,
					  arena_printf(&f->t.a,
						       "SELECT count(*) FROM inspection_results x WHERE x.passed = 0 AND "
						       "x.inspection_id IN (SELECT t.id%s)",
						       where),
					  "ssi", a, b, units[k]);
		double sum = 0;
		struct db_stmt *s = db_query(f->db, &f->t.a, arena_printf(&f->t.a, "SELECT t.score%s", where), "ssi", a, b,
					     units[k]);
		while (s && db_step(s) == DB_ROW)
			sum += db_column_double(s, 0);
		db_reset(s);
		double v = -1;
		assert_int_equal(done->compute(&f->r, units[k], a, b, &v), 0);
		assert_true(v == (double)n);
		assert_int_equal(fail->compute(&f->r, units[k], a, b, &v), 0);
		assert_true(v == (double)nf);
		assert_int_equal(avg->compute(&f->r, units[k], a, b, &v), 0);
		assert_true(fabs(v - (n ? sum / (double)n : 0)) < 1e-6);
		if (k == 0)
			assert_true(n > 200 && v > 80 && v < 100);
	}
	double v;
	assert_int_not_equal(done->compute(&f->r, f->top, b, a, &v), 0); /* a period backwards */
}

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest demo[] = {
		cmocka_unit_test(scores_are_computed_from_results),
		cmocka_unit_test(demo_is_consistent),
		cmocka_unit_test(metrics_are_the_figures),
	};
	int failed = cmocka_run_group_tests_name("inspections demo on SQLite", demo, demo_sqlite, testdb_teardown);
	if (!testdb_pg_url())
		fprintf(stderr, "WENMING_TEST_PG is not set: the PostgreSQL tests are skipped\n");
	failed += cmocka_run_group_tests_name("inspections demo on PostgreSQL", demo, demo_pg, testdb_teardown);
	return failed;
}
