/* test_scoring.c — the arithmetic of an assessment round
 * (src/assessment/scoring.c, round.h): deductions and bonuses capped at the
 * leaf's points, the bonus levels' text, the rollup rule of
 * docs/DECISIONS.md, grades by share of the applicable maximum with the
 * veto, and competition ranks with vetoed units last. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "assessment/round.h"
#include "core/cal.h"
#include "module.h"
#include "testdb.h"

#include <stdlib.h>
#include <time.h>

#define assert_double_equal(a, b, eps)                                                       \
	do {                                                                                 \
		double a_ = (a), b_ = (b);                                                   \
		if (!(fabs(a_ - b_) <= (eps)))                                               \
			fail_msg("%s is %.17g, expected %.17g", #a, a_, b_);                 \
	} while (0)

static void deductions_are_capped_at_the_leaf(void **state)
{
	(void)state;
	assert_double_equal(assess_deduction(5, 0, 0.5), 5, 0);
	assert_double_equal(assess_deduction(5, 4, 0.5), 3, 1e-12); /* −2: 4 overdue cases */
	assert_double_equal(assess_deduction(5, 10, 0.5), 0, 0);    /* exactly used up */
	assert_double_equal(assess_deduction(5, 11, 0.5), 0, 0);    /* never below 0 */
	assert_double_equal(assess_deduction(5, 1000000, 1), 0, 0);
	assert_double_equal(assess_deduction(3, -2, 1), 3, 0);      /* nonsense counts deduct nothing */
	assert_double_equal(assess_deduction(3, 2, -1), 3, 0);
	assert_double_equal(assess_deduction(0, 2, 1), 0, 0);
}

static void bonuses_add_by_level_up_to_the_leaf(void **state)
{
	(void)state;
	const char *keys[4];
	double per[4];
	int n = assess_bonus_levels("national=5,provincial=3,prefecture=2,county=1", keys, per, 4);
	assert_int_equal(n, 4);
	assert_string_equal(keys[0], "national");
	assert_string_equal(keys[3], "county");
	assert_double_equal(per[1], 3, 0);
	/* unknown levels are skipped, a cap is respected, garbage ends it */
	n = assess_bonus_levels("planet=9,provincial=2.5", keys, per, 4);
	assert_int_equal(n, 1);
	assert_string_equal(keys[0], "provincial");
	assert_double_equal(per[0], 2.5, 0);
	assert_int_equal(assess_bonus_levels("national=1,provincial=1", keys, per, 1), 1);
	assert_int_equal(assess_bonus_levels("", keys, per, 4), 0);
	assert_int_equal(assess_bonus_levels("national", keys, per, 4), 0);

	double c[4] = {0, 1, 2, 0}, p[4] = {5, 3, 2, 1};
	assert_double_equal(assess_bonus(10, 4, c, p), 7, 0); /* 3 + 2 × 2 */
	c[0] = 1;
	assert_double_equal(assess_bonus(10, 4, c, p), 10, 0); /* 12, capped */
	double z[4] = {0};
	assert_double_equal(assess_bonus(10, 4, z, p), 0, 0);
	double neg[4] = {-3, 0, 0, 0};
	assert_double_equal(assess_bonus(10, 4, neg, p), 0, 0);
}

static void rollup_mixes_own_and_the_children_by_the_share(void **state)
{
	(void)state;
	/* no scored children: the own points */
	assert_double_equal(assess_rollup(12, 20, 0.5, 0, NULL, NULL), 12, 0);
	/* children at 30% and 20% of their maxima: 0.5 × 4 + 0.5 × 0.25 × 20 */
	double t[2] = {6, 3}, m[2] = {20, 15};
	assert_double_equal(assess_rollup(4, 20, 0.5, 2, t, m), 4.5, 1e-12);
	/* the share decides the mix: own only, children only, a fifth */
	assert_double_equal(assess_rollup(4, 20, 0, 2, t, m), 4, 1e-12);
	assert_double_equal(assess_rollup(4, 20, 1, 2, t, m), 5, 1e-12);
	assert_double_equal(assess_rollup(4, 20, 0.2, 2, t, m), 0.8 * 4 + 0.2 * 5, 1e-12);
	/* all full marks stay full marks whatever the children's maxima */
	double ft[3] = {20, 15, 7}, fm[3] = {20, 15, 7};
	assert_double_equal(assess_rollup(100, 100, 0.5, 3, ft, fm), 100, 1e-9);
	/* a child without an applicable maximum counts as 0 */
	double zt[2] = {5, 0}, zm[2] = {10, 0};
	assert_double_equal(assess_rollup(10, 10, 0.5, 2, zt, zm), 5 + 0.5 * 0.25 * 10, 1e-12);
}

static void grades_by_share_and_the_veto(void **state)
{
	(void)state;
	assert_string_equal(assess_grade(90, 100, 0, 90, 80, 60), "excellent");
	assert_string_equal(assess_grade(89.99, 100, 0, 90, 80, 60), "good");
	assert_string_equal(assess_grade(80, 100, 0, 90, 80, 60), "good");
	assert_string_equal(assess_grade(60, 100, 0, 90, 80, 60), "pass");
	assert_string_equal(assess_grade(59.9, 100, 0, 90, 80, 60), "fail");
	/* a window with 80 applicable points: 72 is 90% */
	assert_string_equal(assess_grade(72, 80, 0, 90, 80, 60), "excellent");
	/* 0.9 × 70 computed in floating point is still 90% */
	assert_string_equal(assess_grade(0.9 * 70, 70, 0, 90, 80, 60), "excellent");
	/* the veto fails whatever the points */
	assert_string_equal(assess_grade(100, 100, 1, 90, 80, 60), "fail");
	/* nothing applies: nothing to fail */
	assert_string_equal(assess_grade(0, 0, 0, 90, 80, 60), "pass");
	assert_string_equal(assess_grade(0, 0, 1, 90, 80, 60), "fail");
}

static void ranks_share_ties_and_put_the_vetoed_last(void **state)
{
	(void)state;
	double t[6] = {80, 95, 80, 99, 70, 60};
	int v[6] = {0, 0, 0, 1, 0, 1}, rk[6];
	assess_rank(6, t, v, rk);
	/* 95 first, the two 80s share 2, 70 is 4th, then the vetoed 99 and 60 */
	int want[6] = {2, 1, 2, 5, 4, 6};
	for (int i = 0; i < 6; i++)
		assert_int_equal(rk[i], want[i]);
	assess_rank(0, t, v, rk);
	double one = 3;
	int nv = 0, r1;
	assess_rank(1, &one, &nv, &r1);
	assert_int_equal(r1, 1);
	/* a bigger set against the definition: rank = 1 + the number better */
	enum { N = 500 };
	double bt[N];
	int bv[N], br[N];
	for (int i = 0; i < N; i++) {
		bt[i] = (double)((i * 7919) % 97);
		bv[i] = i % 13 == 0;
	}
	assess_rank(N, bt, bv, br);
	for (int i = 0; i < N; i++) {
		int better = 0;
		for (int j = 0; j < N; j++)
			if ((bv[j] < bv[i]) || (bv[j] == bv[i] && bt[j] > bt[i]))
				better++;
		assert_int_equal(br[i], better + 1);
	}
}

/* ---- a round on a database: compute, assess_score_set, rollup ---- */

struct fx {
	struct testreq q; /* first: testreq_teardown frees the fixture */
	int64_t b, s1, w1, s2, round, man, ded, veto;
};

static int64_t add_unit(struct fx *f, int64_t parent, const char *code, const char *kind)
{
	struct db *db = f->q.t.db;
	int64_t id = db_insert(db,
			       "INSERT INTO units (code, name, kind, parent_id, active, created_at, updated_at) VALUES "
			       "(?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), 1, 0, 0) RETURNING id",
			       "sssi", code, code, kind, parent);
	assert_true(id > 0);
	db_run(db, "INSERT INTO unit_tree (ancestor_id, unit_id) VALUES (?, ?)", "ii", id, id);
	if (parent)
		db_run(db,
		       "INSERT INTO unit_tree (ancestor_id, unit_id) SELECT ancestor_id, CAST(? AS BIGINT) FROM unit_tree "
		       "WHERE unit_id = ?",
		       "ii", id, parent);
	return id;
}

static int64_t leaf(struct fx *f, int64_t sys, int pos, const char *method, double max, const char *formula,
		    const char *metric, double per)
{
	int64_t id = db_insert(f->q.t.db,
			       "INSERT INTO assess_indicators (system_id, level, position, name, max_points, method, formula, "
			       "metric, per_event) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			       "iisdsssd", sys, (int64_t)pos, method, max, method, formula, metric, per);
	assert_true(id > 0);
	return id;
}

static int setup(void **state, enum db_kind kind)
{
	struct fx *f = calloc(1, sizeof *f);
	*state = f;
	if (kind == DB_PG && !testdb_pg_url()) {
		free(f);
		*state = NULL;
		return 0;
	}
	if (testdb_open(&f->q.t, kind, 2))
		return -1;
	arena_init(&f->q.a);
	req_init_cli(&f->q.r, &f->q.a, f->q.t.db, LANG_EN);
	struct db *db = f->q.t.db;
	f->b = add_unit(f, 0, "B", "bureau");
	f->s1 = add_unit(f, f->b, "S1", "secondary");
	f->w1 = add_unit(f, f->s1, "W1", "window");
	f->s2 = add_unit(f, f->b, "S2", "secondary");
	add_unit(f, f->w1, "P1", "post"); /* not in a round */
	int64_t today = cal_local_day(time(NULL));
	char from[CAL_DATE_SIZE], to[CAL_DATE_SIZE], due[CAL_DATE_SIZE];
	cal_format_date(today - 60, from);
	cal_format_date(today, to);
	/* two rectification items of W1 open past their due day: overdue */
	for (int i = 0; i < 2; i++)
		assert_int_equal(db_run(db,
					"INSERT INTO rectifications (problem, source, unit_id, due, state, assigned_at, progress, "
					"reminders, created_at, updated_at) VALUES ('p', 'inspection', ?, ?, 'in_progress', ?, "
					"0, 0, 0, 0)",
					"isi", f->w1, cal_format_date(today - 5, due), cal_local_time(today - 30, 12, 0, 0)),
				 0);
	int64_t sys = db_insert(db,
				"INSERT INTO assess_systems (year, version, name, state, total_points, created_at) VALUES "
				"(2026, 1, 's', 'in_use', 13, 0) RETURNING id",
				NULL);
	assert_true(sys > 0);
	f->man = leaf(f, sys, 1, "manual", 10, "", "", 0);
	f->ded = leaf(f, sys, 2, "deduction", 3, "", "rect_overdue", 1);
	f->veto = leaf(f, sys, 3, "veto", 0, "rect_overdue >= 2", "", 0);
	f->round = db_insert(db,
			     "INSERT INTO assess_rounds (system_id, kind, name, period_from, period_to, state, created_at) "
			     "VALUES (?, 'mid_year', 'r', ?, ?, 'open', 0) RETURNING id",
			     "iss", sys, from, to);
	assert_true(f->round > 0);
	assert_int_equal(assess_round_fill_units(&f->q.r, f->round), 0);
	return 0;
}

static int setup_sqlite(void **state)
{
	return setup(state, DB_SQLITE);
}

static int setup_pg(void **state)
{
	return setup(state, DB_PG);
}

static double num(struct fx *f, const char *sql, int64_t unit)
{
	struct db_stmt *q = db_query(f->q.t.db, &f->q.a, sql, "ii", f->round, unit);
	assert_non_null(q);
	assert_int_equal(db_step(q), DB_ROW);
	return db_column_double(q, 0);
}

#define UNIT_COL(col) ("SELECT " col " FROM assess_round_units WHERE round_id = ? AND unit_id = ?")

static void compute_then_set_scores(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	struct req *r = &f->q.r;
	struct db *db = f->q.t.db;
	/* the round's units: not the post; W1's parent in the round is S1 */
	assert_int_equal(db_one_int64(db, -1, "SELECT COUNT(*) FROM assess_round_units WHERE round_id = ?", "i", f->round), 4);
	assert_double_equal(num(f, UNIT_COL("parent_id"), f->w1), (double)f->s1, 0);
	assert_int_equal(assess_round_compute(r, f->round, NULL, NULL), 0);
	/* W1: 2 overdue items: deduction 1 of 3, and the veto */
	assert_double_equal(num(f, "SELECT points FROM assess_round_scores WHERE round_id = ? AND unit_id = ? AND "
				   "indicator_id = (SELECT MAX(id) - 1 FROM assess_indicators)",
			       f->w1),
			    1, 1e-9);
	assert_double_equal(num(f, UNIT_COL("vetoed"), f->w1), 1, 0);
	assert_double_equal(num(f, UNIT_COL("vetoed"), f->s1), 1, 0); /* its subtree has them too */
	assert_double_equal(num(f, UNIT_COL("vetoed"), f->s2), 0, 0);
	assert_double_equal(num(f, UNIT_COL("own_total"), f->s2), 3, 0); /* the manual leaf waits */
	assert_double_equal(num(f, UNIT_COL("max_total"), f->s2), 13, 0);

	/* the office: 12 of 10 is 10; the rollup of S1 and B follows */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(assess_score_set(r, f->round, f->w1, f->man, 12, "manual", "good"), 0);
	assert_int_equal(db_commit(db), 0);
	assert_double_equal(num(f, UNIT_COL("own_total"), f->w1), 11, 1e-9);
	assert_double_equal(num(f, UNIT_COL("total"), f->w1), 11, 1e-9);
	/* S1: own 1 of 13, W1 11/13: 0.5 × 1 + 0.5 × 11/13 × 13 = 6 */
	assert_double_equal(num(f, UNIT_COL("total"), f->s1), 6, 1e-9);
	/* an appeal lifts W1's veto (0.2 → 0): not vetoed, graded by points */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(assess_score_set(r, f->round, f->w1, f->veto, 0.2, "appeal", "upheld"), 0);
	assert_int_equal(db_commit(db), 0);
	assert_double_equal(num(f, UNIT_COL("vetoed"), f->w1), 0, 0);
	assert_int_equal(db_one_int64(db, 0,
				      "SELECT COUNT(*) FROM assess_round_units WHERE round_id = ? AND unit_id = ? AND grade = "
				      "'good'",
				      "ii", f->round, f->w1),
			 1); /* 11 / 13 = 84.6 % */
	/* negative points are 0; a veto leaf's 0.7 is 1 */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(assess_score_set(r, f->round, f->s2, f->man, -4, "manual", ""), 0);
	assert_int_equal(assess_score_set(r, f->round, f->s2, f->veto, 0.7, "manual", ""), 0);
	assert_int_equal(db_commit(db), 0);
	assert_double_equal(num(f, UNIT_COL("own_total"), f->s2), 3, 0);
	assert_double_equal(num(f, UNIT_COL("vetoed"), f->s2), 1, 0);
	/* both secondary units vetoed now: ranked by their totals among themselves */
	assert_double_equal(num(f, UNIT_COL("rank_in_kind"), f->s2), 2, 0);
	assert_double_equal(num(f, UNIT_COL("rank_in_kind"), f->s1), 1, 0);
	/* no such unit or leaf in the round */
	assert_int_equal(assess_score_set(r, f->round, f->s2 + 1000, f->man, 1, "manual", ""), ASSESS_E_NOT_FOUND);
	/* a recompute keeps the office's scores */
	assert_int_equal(assess_round_compute(r, f->round, NULL, NULL), 0);
	assert_double_equal(num(f, UNIT_COL("own_total"), f->w1), 11, 1e-9);
	assert_double_equal(num(f, UNIT_COL("vetoed"), f->w1), 0, 0);
	assert_double_equal(num(f, UNIT_COL("vetoed"), f->s2), 1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deductions_are_capped_at_the_leaf),
		cmocka_unit_test(bonuses_add_by_level_up_to_the_leaf),
		cmocka_unit_test(rollup_mixes_own_and_the_children_by_the_share),
		cmocka_unit_test(grades_by_share_and_the_veto),
		cmocka_unit_test(ranks_share_ties_and_put_the_vetoed_last),
	};
	const struct CMUnitTest db_tests[] = {
		cmocka_unit_test(compute_then_set_scores),
	};
	modules_init();
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rc += cmocka_run_group_tests_name("sqlite", db_tests, setup_sqlite, testreq_teardown);
	rc += cmocka_run_group_tests_name("pg", db_tests, setup_pg, testreq_teardown);
	return rc;
}
