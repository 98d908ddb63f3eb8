/* test_appraisal_results.c — ballots stored through appraisal_store (the
 * tally moves with them, a used token stores nothing), the results per unit
 * (scores 0-100, ranking, the minimum sample) and the two metrics, on
 * SQLite and PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "appraisal/appraisal.h"
#include "appraisal/results.h"
#include "core/log.h"
#include "module.h"
#include "testdb.h"

struct fx {
	struct testreq *tr;
	int64_t top, s1, s2, camp, qnr, pool;
};

static int64_t add_unit(struct testreq *t, int64_t parent, const char *code)
{
	struct db *db = t->t.db;
	int64_t id = db_insert(
		db,
		"INSERT INTO units (code, name, kind, parent_id, active, created_at, updated_at) VALUES (?, ?, "
		"?, ?, 1, 0, 0) RETURNING id",
		"ssss", code, code, parent ? "secondary" : "bureau",
		parent ? arena_printf(&t->t.a, "%lld", (long long)parent) : NULL);
	db_run(db, "INSERT INTO unit_tree (ancestor_id, unit_id) VALUES (?, ?)", "ii", id, id);
	if (parent)
		db_run(db, "INSERT INTO unit_tree (ancestor_id, unit_id) VALUES (?, ?)", "ii", parent, id);
	return id;
}

static int setup(void **state, enum db_kind kind)
{
	if (testreq_open(state, kind, 2, LANG_EN))
		return -1;
	if (!*state)
		return 0;
	struct testreq *t = *state;
	struct fx *f = calloc(1, sizeof *f);
	f->tr = t;
	struct db *db = t->t.db;
	f->top = add_unit(t, 0, "TOP");
	f->s1 = add_unit(t, f->top, "S1");
	f->s2 = add_unit(t, f->top, "S2");
	f->qnr = db_insert(db, "INSERT INTO appraisal_questionnaires (title, levels) VALUES ('Q', '5') RETURNING id",
			   NULL);
	db_run(db,
	       "INSERT INTO appraisal_questions (questionnaire_id, position, dimension, text_zh_hant, text_zh_hans, "
	       "text_en, "
	       "levels) VALUES (?, 1, 'attitude', 'a', 'a', 'a', '5'), (?, 2, 'integrity', 'b', 'b', 'b', '3')",
	       "ii", f->qnr, f->qnr);
	f->camp = db_insert(db,
			    "INSERT INTO appraisal_campaigns (year, title, root_unit_id, unit_kinds, questionnaire_id, "
			    "period_from, period_to, weight, min_sample, state) VALUES (2026, 'C', ?, 'secondary', ?, "
			    "'2026-03-01', '2026-11-30', 10, 2, 'open') RETURNING id",
			    "ii", f->top, f->qnr);
	f->pool =
		db_insert(db,
			  "INSERT INTO appraisal_pools (campaign_id, kind, name) VALUES (?, 'service_recipients', 'P') "
			  "RETURNING id",
			  "i", f->camp);
	for (int i = 0; i < 4; i++)
		db_run(db, "INSERT INTO appraisal_tokens (campaign_id, unit_id, pool_id, hash) VALUES (?, ?, ?, ?)",
		       "iiis", f->camp, f->s1, f->pool, arena_printf(&t->t.a, "h%d", i));
	*state = f;
	return 0;
}

static int sqlite_setup(void **state)
{
	return setup(state, DB_SQLITE);
}

static int pg_setup(void **state)
{
	return setup(state, DB_PG);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (!f)
		return 0;
	void *tr = f->tr;
	free(f);
	return testreq_teardown(&tr);
}

static int store(struct fx *f, int64_t unit, const char *hash, int l1, int l2, const char *opinion)
{
	struct req *r = &f->tr->r;
	struct appraisal_q q[APPRAISAL_MAXQ];
	int nq = appraisal_questions(r, f->qnr, q);
	assert_int_equal(nq, 2);
	int level[2] = {l1, l2};
	struct appraisal_ballot b = {.campaign = f->camp,
				     .unit = unit,
				     .pool = hash ? f->pool : 0,
				     .token_hash = hash,
				     .nq = nq,
				     .q = q,
				     .level = level,
				     .opinion = opinion};
	return appraisal_store(r, &b);
}

static void ballots_tally_results_and_metrics(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	struct req *r = &f->tr->r;
	struct db *db = f->tr->t.db;
	assert_int_equal(store(f, f->s1, "h0", 5, 3, "good"), 0);
	assert_int_equal(store(f, f->s1, "h1", 3, 2, NULL), 0);
	assert_int_equal(store(f, f->s1, "h2", 1, 1, ""), 0);
	assert_int_equal(store(f, f->s1, "h0", 5, 3, NULL), 1); /* used: nothing stored */
	assert_int_equal(store(f, f->s2, NULL, 5, 3, "paper"), 0);
	assert_int_equal(db_one_int64(db, -1, "SELECT count(*) FROM appraisal_ballots", NULL), 4);
	assert_int_equal(db_one_int64(db, -1, "SELECT count(*) FROM appraisal_opinions", NULL), 2);
	assert_int_equal(db_one_int64(db, -1, "SELECT sum(used) FROM appraisal_tokens", NULL), 3);
	assert_int_equal(
		db_one_int64(db, -1, "SELECT n FROM appraisal_tally WHERE unit_id = ? AND level = 5", "i", f->s1), 1);

	struct campaign_results cr;
	assert_int_equal(appraisal_results(r, f->camp, &cr), 0);
	assert_int_equal(cr.nunits, 2);
	/* S1: q1 levels 5,3,1 of 5 -> 100,50,0; q2 levels 3,2,1 of 3 -> 100,50,0 */
	assert_int_equal(cr.units[0].unit, f->s1);
	assert_int_equal(cr.units[0].n, 3);
	assert_int_equal(cr.units[0].rank, 1);
	assert_true(fabs(cr.units[0].overall - 50.0) < 1e-9);
	assert_true(fabs(cr.units[0].dim[4] - 50.0) < 1e-9); /* attitude */
	assert_true(cr.units[0].dim[0] < 0);                 /* no lawful-duty question */
	/* S2: one ballot under the minimum of 2: insufficient, not ranked */
	assert_int_equal(cr.units[1].unit, f->s2);
	assert_true(cr.units[1].insufficient);
	assert_int_equal(cr.units[1].rank, 0);

	const struct metric *score = module_metric_find("appraisal_score");
	const struct metric *rate = module_metric_find("appraisal_response_rate");
	assert_non_null(score);
	assert_non_null(rate);
	double v = -1;
	assert_int_equal(rate->compute(r, f->s1, "2026-01-01", "2026-12-31", &v), 0);
	assert_true(fabs(v - 75.0) < 1e-9);
	/* not published yet: no score */
	assert_int_equal(score->compute(r, f->s1, "2026-01-01", "2026-12-31", &v), 0);
	assert_true(v == 0);
	db_run(db, "UPDATE appraisal_campaigns SET state = 'published'", NULL);
	assert_int_equal(score->compute(r, f->s1, "2026-01-01", "2026-12-31", &v), 0);
	assert_true(fabs(v - 50.0) < 1e-9);
	/* the top's subtree: S1's three ballots and S2's one, all answers together */
	assert_int_equal(score->compute(r, f->top, "2026-01-01", "2026-12-31", &v), 0);
	assert_true(fabs(v - 62.5) < 1e-9);
	/* S2 alone is under the minimum sample */
	assert_int_equal(score->compute(r, f->s2, "2026-01-01", "2026-12-31", &v), 0);
	assert_true(v == 0);
	/* a period the campaign does not touch */
	assert_int_equal(score->compute(r, f->s1, "2025-01-01", "2025-12-31", &v), 0);
	assert_true(v == 0);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest sq[] = {
		cmocka_unit_test_setup_teardown(ballots_tally_results_and_metrics, sqlite_setup, teardown)};
	const struct CMUnitTest pg[] = {
		cmocka_unit_test_setup_teardown(ballots_tally_results_and_metrics, pg_setup, teardown)};
	int failed = cmocka_run_group_tests_name("appraisal results on SQLite", sq, NULL, NULL);
	failed += cmocka_run_group_tests_name("appraisal results on PostgreSQL", pg, NULL, NULL);
	return failed;
}
