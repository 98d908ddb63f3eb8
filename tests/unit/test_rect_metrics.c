/* test_rect_metrics.c — the rectification figures the assessment scores
 * (rectification/stats.c: rect_items, rect_closed_on_time, rect_overdue,
 * rect_avg_days, rect_repeats) on a fixture whose answers are worked out
 * here: a unit a with items closed on time and late, open past and before
 * their deadline, the same checklist item failing twice within a year (a
 * repeat) and twice more than a year apart (not one); a unit b beside it;
 * and an item assigned before the period, which does not count. Each group
 * runs on SQLite and, with WENMING_TEST_PG, on PostgreSQL. */
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
	modules_init();
	int rc = cmocka_run_group_tests_name("sqlite", sqlite, setup_sqlite, testreq_teardown);
	rc += cmocka_run_group_tests_name("pg", pg, setup_pg, testreq_teardown);
	return rc;
}
