/* test_activities.c — the activities figures the assessment scores
 * (activities/stats.c: events_held, event_participants, volunteer_hours,
 * facilities_count) on a fixture whose answers are worked out here: units
 * a and b under top; a held event of a with two of a's people, one of them
 * twice in two roles, and a unit taking part as a whole; a held event of b
 * with a's person and b's; a cancelled, an archived, a planned and an
 * out-of-period event that count for nothing; an archived participant row;
 * facilities in a and b and an archived one. Then the demo (every module's,
 * in order): the seed's events and facilities, photos on every held
 * event, each participant counted in their person's unit, the figures the
 * metrics give equal to a count of the rows. Each group runs on SQLite
 * and, with WENMING_TEST_PG, on PostgreSQL. */
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

#include "activities/activities.h"
#include "core/cal.h"
#include "db/db.h"
#include "module.h"
#include "testdb.h"

struct fx {
	struct testreq q; /* first: testreq_teardown frees the fixture */
	int64_t top, a, b, today;
	const char *from, *to;
};

static const char *num(struct fx *f, int64_t v)
{
	return arena_printf(&f->q.t.a, "%lld", (long long)v);
}

static int64_t add_unit(struct fx *f, int64_t parent, const char *name)
{
	int64_t id = db_insert(f->q.t.db,
			       "INSERT INTO units (code, name, kind, parent_id, active, created_at, updated_at) VALUES "
			       "(?, ?, 'department', ?, 1, 0, 0) RETURNING id",
			       "sss", name, name, parent ? num(f, parent) : NULL);
	assert_true(id > 0);
	db_run(f->q.t.db, "INSERT INTO unit_tree (ancestor_id, unit_id) VALUES (?, ?)", "ii", id, id);
	if (parent)
		db_run(f->q.t.db,
		       "INSERT INTO unit_tree (ancestor_id, unit_id) SELECT ancestor_id, CAST(? AS BIGINT) FROM "
		       "unit_tree WHERE unit_id = ?",
		       "ii", id, parent);
	return id;
}

static int64_t add_person(struct fx *f, int64_t unit, const char *name)
{
	int64_t id = db_insert(f->q.t.db,
			       "INSERT INTO people (name, unit_id, status, created_at, updated_at) VALUES (?, ?, "
			       "'active', 0, 0) RETURNING id",
			       "si", name, unit);
	assert_true(id > 0);
	return id;
}

/* An event of unit starting `ago` days before today. */
static int64_t add_event(struct fx *f, int64_t unit, int ago, const char *status, int archived)
{
	char d[CAL_DATE_SIZE];
	int64_t id = db_insert(f->q.t.db,
			       "INSERT INTO activity_events (title, kind, unit_id, date_from, status, archived, "
			       "created_at, updated_at) VALUES ('e', 'volunteer', ?, ?, ?, ?, 0, 0) RETURNING id",
			       "issi", unit, cal_format_date(f->today - ago, d), status, (int64_t)archived);
	assert_true(id > 0);
	return id;
}

static void add_part(struct fx *f, int64_t event, int64_t person, int64_t unit, const char *hours, const char *role,
		     int archived)
{
	assert_int_equal(db_run(f->q.t.db,
				"INSERT INTO activity_participants (event_id, person_id, unit_id, hours, role, "
				"archived, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
				"isissi", event, person ? num(f, person) : NULL, unit, hours, role, (int64_t)archived),
			 0);
}

static void add_facility(struct fx *f, int64_t unit, int archived)
{
	assert_int_equal(db_run(f->q.t.db,
				"INSERT INTO facilities (name, kind, unit_id, area, archived, created_at, updated_at) "
				"VALUES ('room', 'reading_room', ?, 50, ?, 0, 0)",
				"ii", unit, (int64_t)archived),
			 0);
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
	int64_t pa1 = add_person(f, f->a, "a1"), pa2 = add_person(f, f->a, "a2"), pb1 = add_person(f, f->b, "b1");
	int64_t ea = add_event(f, f->a, 10, "held", 0), eb = add_event(f, f->b, 20, "held", 0);
	add_part(f, ea, pa1, f->a, "3", "volunteer", 0);
	add_part(f, ea, pa1, f->a, "1.5", "usher", 0); /* the same person in a second role */
	add_part(f, ea, pa2, f->a, "2", NULL, 0);
	add_part(f, ea, 0, f->a, "10", NULL, 0);    /* a as a whole */
	add_part(f, ea, pb1, f->b, "100", NULL, 1); /* archived: nothing */
	add_part(f, eb, pa1, f->a, "4", NULL, 0);
	add_part(f, eb, pb1, f->b, "5", NULL, 0);
	/* count for nothing: cancelled, archived, planned, before the period */
	int64_t skip[] = {add_event(f, f->a, 5, "cancelled", 0), add_event(f, f->a, 5, "held", 1),
			  add_event(f, f->a, 0, "planned", 0), add_event(f, f->a, 90, "held", 0)};
	for (int k = 0; k < 4; k++)
		add_part(f, skip[k], pa2, f->a, "50", NULL, 0);
	add_facility(f, f->a, 0);
	add_facility(f, f->a, 0);
	add_facility(f, f->b, 0);
	add_facility(f, f->b, 1);
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
	assert_true(metric(f, "events_held", f->a) == 1);
	assert_true(metric(f, "event_participants", f->a) == 2);             /* a1, a2 */
	assert_true(fabs(metric(f, "volunteer_hours", f->a) - 20.5) < 1e-9); /* 3 + 1.5 + 2 + 10 + 4 */
	assert_true(metric(f, "facilities_count", f->a) == 2);
	assert_true(metric(f, "events_held", f->b) == 1);
	assert_true(metric(f, "event_participants", f->b) == 1);
	assert_true(fabs(metric(f, "volunteer_hours", f->b) - 5) < 1e-9);
	assert_true(metric(f, "facilities_count", f->b) == 1);
}

static void figures_of_the_tree(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	assert_true(metric(f, "events_held", f->top) == 2);
	assert_true(metric(f, "event_participants", f->top) == 3);
	assert_true(fabs(metric(f, "volunteer_hours", f->top) - 25.5) < 1e-9);
	assert_true(metric(f, "facilities_count", f->top) == 3);
	int64_t empty = add_unit(f, f->top, "c");
	assert_true(metric(f, "events_held", empty) == 0);
	assert_true(metric(f, "volunteer_hours", empty) == 0);
	/* a period that is no period: an error, not a figure */
	const struct metric *m = module_metric_find("events_held");
	double v;
	assert_true(m->compute(&f->q.r, f->top, f->to, f->from, &v) != 0);
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
	for (const struct module *const *m = app_modules; *m; m++)
		if ((*m)->demo && (*m)->demo(f->q.t.db, &o, err, sizeof err)) {
			fprintf(stderr, "demo of %s: %s\n", (*m)->name, err);
			return -1;
		}
	f->today = cal_local_day(time(NULL));
	char d[CAL_DATE_SIZE];
	f->from = arena_strdup(&f->q.t.a, cal_format_date(f->today - 365, d));
	f->to = arena_strdup(&f->q.t.a, cal_format_date(f->today, d));
	f->top = db_one_int64(f->q.t.db, 0, "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1", NULL);
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

static void demo_the_seeds_events_and_facilities(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	static const char *const kinds[] = {"party_room",   "youth_room", "reading_room", "exhibition_room",
					    "retired_room", "green_belt", "greenhouse"};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		assert_true(db_one_int64(f->q.t.db, 0, "SELECT count(*) FROM facilities WHERE kind = ?", "s",
					 kinds[k]) >= 1);
	static const char *const ev[] = {"essay",     "sport",          "performance", "speech",
					 "volunteer", "blood_donation", "film",        "poetry"};
	for (size_t k = 0; k < sizeof ev / sizeof ev[0]; k++)
		assert_true(db_one_int64(f->q.t.db, 0,
					 "SELECT count(*) FROM activity_events WHERE kind = ? AND status = 'held'", "s",
					 ev[k]) >= 1);
	assert_true(one(f, "SELECT count(*) FROM activity_events WHERE co_organizers LIKE '%市紀委%'") == 1);
	/* the retired cadres' events have retired people only */
	assert_true(one(f, "SELECT count(*) FROM activity_participants p JOIN activity_events e ON e.id = p.event_id "
			   "JOIN people pe ON pe.id = p.person_id WHERE e.title LIKE '老幹部%' AND pe.status <> "
			   "'retired'") == 0);
	assert_true(one(f, "SELECT count(*) FROM activity_participants p JOIN activity_events e ON e.id = p.event_id "
			   "WHERE e.title LIKE '老幹部%'") > 0);
	/* photos on every held event, stored as the engine's files of the field */
	assert_true(one(f, "SELECT count(*) FROM activity_events WHERE status = 'held' AND (photos IS NULL OR photos "
			   "= '')") == 0);
	assert_true(one(f, "SELECT count(*) FROM files WHERE record_type = 'activity_events' AND field = 'photos' AND "
			   "mime = 'image/png' AND thumb IS NOT NULL") >= 12);
	/* one planned event ahead, nothing held in the future */
	assert_true(one(f, "SELECT count(*) FROM activity_events WHERE status = 'planned'") == 1);
}

static void demo_is_consistent(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	/* every person counted in their own unit */
	assert_true(one(f, "SELECT count(*) FROM activity_participants p JOIN people pe ON pe.id = p.person_id WHERE "
			   "pe.unit_id <> p.unit_id") == 0);
	assert_true(one(f, "SELECT count(*) FROM activity_participants WHERE hours < 0") == 0);
	/* the metrics are the rows' figures */
	assert_true(metric(f, "events_held", f->top) ==
		    (double)one(f, "SELECT count(*) FROM activity_events WHERE status = 'held' AND archived = 0"));
	assert_true(metric(f, "event_participants", f->top) ==
		    (double)one(f,
				"SELECT count(DISTINCT p.person_id) FROM activity_participants p JOIN activity_events "
				"e ON e.id = p.event_id WHERE e.status = 'held'"));
	assert_true(metric(f, "facilities_count", f->top) == (double)one(f, "SELECT count(*) FROM facilities"));
	assert_true(metric(f, "volunteer_hours", f->top) > 100);
	assert_true(metric(f, "event_participants", f->top) > 50);
}

int main(void)
{
	const struct CMUnitTest figures[] = {
		cmocka_unit_test(figures_of_a),
		cmocka_unit_test(figures_of_the_tree),
	};
	const struct CMUnitTest demo[] = {
		cmocka_unit_test(demo_the_seeds_events_and_facilities),
		cmocka_unit_test(demo_is_consistent),
	};
	int rc = cmocka_run_group_tests_name("sqlite", figures, setup_sqlite, testreq_teardown);
	rc += cmocka_run_group_tests_name("pg", figures, setup_pg, testreq_teardown);
	rc += cmocka_run_group_tests_name("demo sqlite", demo, demo_sqlite, testreq_teardown);
	rc += cmocka_run_group_tests_name("demo pg", demo, demo_pg, testreq_teardown);
	return rc;
}
