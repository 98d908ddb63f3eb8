/* test_rect_metrics.c — the rectification figures the assessment scores
 * (rectification/stats.c: rect_items, rect_closed_on_time, rect_overdue,
 * rect_avg_days, rect_repeats) on a fixture whose answers are worked out
 * here: a unit a with items closed on time and late, open past and before
 * their deadline, the same checklist item failing twice within a year (a
 * repeat) and twice more than a year apart (not one); a unit b beside it;
 * and an item assigned before the period, which does not count. Then the
 * demo (every module's, in order): every state and source is there,
 * consistent with the cases, inspections and opinions it was raised from
 * and with its own events and timestamps, with evidence where the workflow
 * asks for it, and its re-check draw reproducible. Each group runs on SQLite and, with
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

#include "core/cal.h"
#include "db/db.h"
#include "module.h"
#include "rectification/rect.h"
#include "testdb.h"

struct fx {
	struct testreq q; /* first: testreq_teardown frees the fixture */
	int64_t top, a, b, today;
	const char *from, *to;
};

static int64_t add_unit(struct fx *f, int64_t parent, const char *name)
{
	struct arena *A = &f->q.t.a;
	int64_t id = db_insert(f->q.t.db,
			       "INSERT INTO units (code, name, kind, parent_id, active, created_at, updated_at) VALUES "
			       "(?, ?, 'department', ?, 1, 0, 0) RETURNING id",
			       "sss", name, name, parent ? arena_printf(A, "%lld", (long long)parent) : NULL);
	assert_true(id > 0);
	db_run(f->q.t.db, "INSERT INTO unit_tree (ancestor_id, unit_id) VALUES (?, ?)", "ii", id, id);
	if (parent)
		db_run(f->q.t.db,
		       "INSERT INTO unit_tree (ancestor_id, unit_id) SELECT ancestor_id, CAST(? AS BIGINT) FROM "
		       "unit_tree "
		       "WHERE unit_id = ?",
		       "ii", id, parent);
	return id;
}

/* An item of unit assigned `ago` days before today, due `due_in` days
 * from its assignment; state; on_time -1/0/1; days to close; checklist. */
static void add_item(struct fx *f, int64_t unit, int ago, int due_in, const char *state, int on_time, int days,
		     const char *checklist)
{
	struct arena *A = &f->q.t.a;
	char due[CAL_DATE_SIZE];
	int64_t day = f->today - ago;
	int rc = db_run(f->q.t.db,
			"INSERT INTO rectifications (problem, source, unit_id, due, state, assigned_at, closed_at, "
			"on_time, days_to_close, checklist_item, progress, reminders, created_at, updated_at) VALUES "
			"('p', 'inspection', ?, ?, ?, ?, ?, ?, ?, ?, '0', '0', 0, 0)",
			"ssssssss", arena_printf(A, "%lld", (long long)unit), cal_format_date(day + due_in, due), state,
			arena_printf(A, "%lld", (long long)cal_local_time(day, 12, 0, 0)),
			!strcmp(state, "closed") ? arena_printf(A, "%lld", (long long)cal_local_time(day + 5, 12, 0, 0))
						 : NULL,
			on_time < 0 ? NULL
			: on_time   ? "1"
				    : "0",
			days < 0 ? NULL : arena_printf(A, "%d", days), checklist);
	assert_int_equal(rc, 0);
}

static int setup(void **state, enum db_kind kind)
{
	struct fx *f = calloc(1, sizeof *f);
	*state = f;
	if (kind == DB_PG && testdb_pg_skipped(state)) {
		free(f);
		return 0;
	}
	if (testdb_open(&f->q.t, kind, 2))
		return -1;
	arena_init(&f->q.a);
	req_init_cli(&f->q.r, &f->q.a, f->q.t.db, LANG_HANT);
	f->today = cal_local_day(time(NULL));
	f->top = add_unit(f, 0, "top");
	f->a = add_unit(f, f->top, "a");
	f->b = add_unit(f, f->top, "b");
	char d[CAL_DATE_SIZE];
	f->from = arena_strdup(&f->q.t.a, cal_format_date(f->today - 60, d));
	f->to = arena_strdup(&f->q.t.a, cal_format_date(f->today, d));
	/* unit a, in the period (the last 60 days): */
	add_item(f, f->a, 50, 10, "closed", 1, 4, NULL);          /* on time, 4 days */
	add_item(f, f->a, 40, 10, "closed", 0, 12, NULL);         /* late, 12 days */
	add_item(f, f->a, 30, 10, "in_progress", -1, -1, NULL);   /* open past due: overdue */
	add_item(f, f->a, 2, 10, "assigned", -1, -1, NULL);       /* open, not yet due */
	add_item(f, f->a, 20, 10, "submitted", -1, -1, "badge");  /* past due and open: overdue; a repeat (below) */
	add_item(f, f->a, 10, 30, "in_progress", -1, -1, "sign"); /* not a repeat: the last was 400 days ago */
	/* unit a, before the period: they count only as earlier failures */
	add_item(f, f->a, 200, 10, "closed", 1, 3, "badge");
	add_item(f, f->a, 410, 10, "closed", 1, 3, "sign");
	/* unit b: closed on time, 6 days; the same checklist item as a's is
	 * no repeat for b */
	add_item(f, f->b, 15, 10, "closed", 1, 6, "badge");
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

static double metric(struct fx *f, const char *name, int64_t unit)
{
	const struct metric *m = module_metric_find(name);
	assert_non_null(m);
	double v = -1;
	assert_int_equal(m->compute(&f->q.r, unit, f->from, f->to, &v), 0);
	return v;
}

static void figures_of_a(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	assert_true(metric(f, "rect_items", f->a) == 6);
	assert_true(metric(f, "rect_closed_on_time", f->a) == 1);
	/* in_progress past due, submitted past due, closed late */
	assert_true(metric(f, "rect_overdue", f->a) == 3);
	assert_true(fabs(metric(f, "rect_avg_days", f->a) - 8.0) < 1e-9); /* (4 + 12) / 2 */
	assert_true(metric(f, "rect_repeats", f->a) == 1);
}

static void figures_of_the_tree(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	assert_true(metric(f, "rect_items", f->top) == 7);
	assert_true(metric(f, "rect_closed_on_time", f->top) == 2);
	assert_true(metric(f, "rect_overdue", f->top) == 3);
	assert_true(fabs(metric(f, "rect_avg_days", f->top) - 22.0 / 3) < 1e-9); /* (4 + 12 + 6) / 3 */
	assert_true(metric(f, "rect_repeats", f->top) == 1);
	assert_true(metric(f, "rect_repeats", f->b) == 0);
	/* a unit with no items: zeros, an average of 0 for the assessment */
	int64_t empty = add_unit(f, f->top, "c");
	assert_true(metric(f, "rect_items", empty) == 0);
	assert_true(metric(f, "rect_avg_days", empty) == 0);
}

/* ---- the demo ---- */

static int demo_setup(void **state, enum db_kind kind)
{
	struct fx *f = calloc(1, sizeof *f);
	*state = f;
	if (kind == DB_PG && testdb_pg_skipped(state)) {
		free(f);
		return 0;
	}
	if (testdb_open(&f->q.t, kind, 2))
		return -1;
	arena_init(&f->q.a);
	req_init_cli(&f->q.r, &f->q.a, f->q.t.db, LANG_HANT);
	char err[512];
	struct demo_options o = {.seed = 7, .people = 520};
	/* the whole demo, module by module: the ledger's sources are the
	 * earlier modules' demo records */
	for (const struct module *const *m = app_modules; *m; m++)
		if ((*m)->demo && (*m)->demo(f->q.t.db, &o, err, sizeof err)) {
			fprintf(stderr, "demo of %s: %s\n", (*m)->name, err);
			return -1;
		}
	return 0;
}

static int demo_sqlite(void **state)
{
	return demo_setup(state, DB_SQLITE);
}
static int demo_pg(void **state)
{
	return demo_setup(state, DB_PG);
}

static int64_t one(struct fx *f, const char *sql)
{
	return db_one_int64(f->q.t.db, -1, sql, NULL);
}

static void demo_every_state_and_source(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	static const char *const states[] = {"assigned", "in_progress", "extension", "submitted", "closed"};
	for (size_t i = 0; i < sizeof states / sizeof *states; i++)
		assert_true(db_one_int64(f->q.t.db, 0, "SELECT count(*) FROM rectifications WHERE state = ?", "s",
					 states[i]) > 0);
	static const char *const sources[] = {"case", "inspection", "appraisal", "leader", "notice", "supervisor",
					      "self_check"};
	for (size_t i = 0; i < sizeof sources / sizeof *sources; i++)
		assert_true(db_one_int64(f->q.t.db, 0, "SELECT count(*) FROM rectifications WHERE source = ?", "s",
					 sources[i]) > 0);
	char today[CAL_DATE_SIZE];
	cal_format_date(cal_local_day(time(NULL)), today);
	/* closed on time and late; open and overdue; re-checked both ways */
	assert_true(one(f, "SELECT count(*) FROM rectifications WHERE state = 'closed' AND on_time = 1") > 0);
	assert_true(one(f, "SELECT count(*) FROM rectifications WHERE state = 'closed' AND on_time = 0") > 0);
	assert_true(db_one_int64(f->q.t.db, 0,
				 "SELECT count(*) FROM rectifications WHERE state <> 'closed' AND due < ?", "s",
				 today) > 0);
	assert_true(one(f, "SELECT count(*) FROM rectifications WHERE recheck = 'passed'") > 0);
	assert_true(one(f, "SELECT count(*) FROM rectifications WHERE recheck = 'failed' AND state = 'in_progress'") >
		    0);
	assert_true(one(f, "SELECT count(*) FROM rectifications WHERE recheck = 'drawn' AND state = 'closed'") > 0);
}

static void demo_is_consistent(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	/* raised from closed complaints, for the unit that handled them */
	assert_int_equal(one(f,
			     "SELECT count(*) FROM rectifications r LEFT JOIN cases c ON c.id = r.source_case WHERE "
			     "r.source = 'case' AND (c.id IS NULL OR c.kind <> 'complaint' OR c.state <> 'closed' OR "
			     "c.unit_id <> r.unit_id OR r.source_ref <> 'cases:' || CAST(c.id AS TEXT))"),
			 0);
	/* raised from failed items of recorded inspections of the same unit,
	 * with the item's code; from opinions on the same unit */
	assert_int_equal(one(f,
			     "SELECT count(*) FROM rectifications r LEFT JOIN inspection_results x ON r.source_ref = "
			     "'inspection_results:' || CAST(x.id AS TEXT) LEFT JOIN inspections i ON i.id = "
			     "x.inspection_id LEFT JOIN checklist_items c ON c.id = x.item_id WHERE r.source = "
			     "'inspection' AND (x.id IS NULL OR x.passed <> 0 OR i.state <> 'recorded' OR i.unit_id <> "
			     "r.unit_id OR c.code <> r.checklist_item)"),
			 0);
	assert_int_equal(one(f,
			     "SELECT count(*) FROM rectifications r LEFT JOIN appraisal_opinions o ON r.source_ref = "
			     "'appraisal_opinions:' || CAST(o.id AS TEXT) WHERE r.source = 'appraisal' AND (o.id IS "
			     "NULL OR o.unit_id <> r.unit_id OR o.body <> r.problem)"),
			 0);
	/* numbers unique; timestamps in order; on time as the dates say */
	assert_int_equal(one(f, "SELECT count(*) - count(DISTINCT number) FROM rectifications"), 0);
	assert_int_equal(one(f, "SELECT count(*) FROM rectifications WHERE number IS NULL OR state IS NULL OR due IS "
				"NULL OR assigned_at IS NULL"),
			 0);
	assert_int_equal(one(f, "SELECT count(*) FROM rectifications WHERE submitted_at < assigned_at OR closed_at < "
				"submitted_at OR (state = 'closed') <> (closed_at IS NOT NULL) OR (state = 'closed') "
				"<> (closed_on IS NOT NULL)"),
			 0);
	assert_int_equal(one(f, "SELECT count(*) FROM rectifications WHERE state = 'closed' AND on_time IS NULL"), 0);
	/* evidence wherever the item was submitted, a file of the item's own */
	assert_int_equal(one(f,
			     "SELECT count(*) FROM rectifications r WHERE r.state IN ('submitted', 'closed') AND "
			     "NOT EXISTS (SELECT 1 FROM files x WHERE x.record_type = 'rectifications' AND x.record_id "
			     "= r.id AND x.field = 'evidence' AND CAST(x.id AS TEXT) = r.evidence)"),
			 0);
	/* the events tell the same story: each item's first is its creation,
	 * its last state is its state */
	assert_int_equal(one(f,
			     "SELECT count(*) FROM rectifications r WHERE NOT EXISTS (SELECT 1 FROM record_events e "
			     "WHERE e.record_type = 'rectifications' AND e.record_id = r.id AND e.action = 'create')"),
			 0);
	assert_int_equal(one(f,
			     "SELECT count(*) FROM rectifications r WHERE r.state <> (SELECT e.to_state FROM "
			     "record_events e WHERE e.record_type = 'rectifications' AND e.record_id = r.id ORDER BY "
			     "e.at DESC, e.id DESC LIMIT 1)"),
			 0);
}

static void demo_draw_reproducible(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	struct db_stmt *q =
		db_query(f->q.t.db, &f->q.t.a, "SELECT seed, pool, chosen FROM rect_recheck_draws ORDER BY id", NULL);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		int64_t pool[600], chosen[600], again[600];
		int np = 0, nc = 0;
		for (const char *p = db_column_text(q, 1); *p && np < 600;) {
			char *end;
			pool[np++] = strtoll(p, &end, 10);
			p = *end ? end + 1 : end;
		}
		for (const char *p = db_column_text(q, 2); *p && nc < 600;) {
			char *end;
			chosen[nc++] = strtoll(p, &end, 10);
			p = *end ? end + 1 : end;
		}
		uint64_t seed = strtoull(db_column_text(q, 0), NULL, 10);
		assert_int_equal(rect_sample(seed, pool, np, nc, again), nc);
		assert_memory_equal(chosen, again, (size_t)nc * sizeof *chosen);
		n++;
	}
	assert_true(n >= 1);
}

int main(void)
{
	const struct CMUnitTest sqlite[] = {
		cmocka_unit_test(figures_of_a),
		cmocka_unit_test(figures_of_the_tree),
	};
	const struct CMUnitTest pg[] = {
		cmocka_unit_test(figures_of_a),
		cmocka_unit_test(figures_of_the_tree),
	};
	const struct CMUnitTest demo[] = {
		cmocka_unit_test(demo_every_state_and_source),
		cmocka_unit_test(demo_is_consistent),
		cmocka_unit_test(demo_draw_reproducible),
	};
	modules_init();
	int rc = cmocka_run_group_tests_name("sqlite", sqlite, setup_sqlite, testreq_teardown);
	rc += cmocka_run_group_tests_name("pg", pg, setup_pg, testreq_teardown);
	rc += cmocka_run_group_tests_name("demo sqlite", demo, demo_sqlite, testreq_teardown);
	rc += cmocka_run_group_tests_name("demo pg", demo, demo_pg, testreq_teardown);
	return rc;
}
