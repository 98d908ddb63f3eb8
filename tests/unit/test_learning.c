/* test_learning.c — the learning module on the demo (org/demo.c, then
 * learning/demo.c): the demo's study days fall on working Fridays only,
 * attendance only for sessions held, every programme state present, 200+
 * distinct people trained, the director's paper with its provincial third
 * prize; and the assessment's metrics (attendance_rate,
 * study_sessions_held, five_ones_completion, three_ones_completion,
 * training_hours, trained_people) equal to counts written here from their
 * definitions in stats.c. On SQLite and, with WENMING_TEST_PG, PostgreSQL. */
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
#include "learning/learning.h"
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
	if (demo_load(f->db, o.seed, o.people, err, sizeof err) || learning_demo(f->db, &o, err, sizeof err)) {
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

static void demo_is_consistent(void **state)
{
	FX();
	/* about a year of Fridays, each a Friday that is a working day */
	int64_t n = one(f, "SELECT count(*) FROM study_sessions");
	assert_true(n >= 45 && n <= 57);
	struct db_stmt *q = db_query(f->db, &f->t.a, "SELECT held_on FROM study_sessions", NULL);
	struct cal c;
	struct cal_problem p;
	assert_int_equal(cal_load_builtin(&c, &p), 0);
	while (q && db_step(q) == DB_ROW) {
		int64_t d;
		assert_int_equal(cal_parse_date(db_column_text(q, 0), &d), 0);
		assert_int_equal(cal_weekday(d), 5);
		assert_true(cal_is_workday(&c, d));
	}
	db_reset(q);
	cal_free(&c);
	char t[CAL_DATE_SIZE];
	cal_format_date(f->today, t);
	/* statuses only for sessions held; every status present */
	assert_int_equal(
		db_one_int64(f->db, -1,
			     "SELECT count(*) FROM learning_attendance a JOIN study_sessions s ON s.id = a.session_id "
			     "WHERE s.held_on >= ? AND a.status IS NOT NULL",
			     "s", t),
		0);
	assert_int_equal(one(f, "SELECT count(*) FROM learning_attendance WHERE status = 'excused' AND reason IS NULL"),
			 0);
	const char *statuses[] = {"present", "late", "excused", "absent"};
	for (int k = 0; k < 4; k++)
		assert_true(db_one_int64(f->db, 0, "SELECT count(*) FROM learning_attendance WHERE status = ?", "s",
					 statuses[k]) > 100);
	/* the five ones for every leader, the three ones for the others, every state */
	assert_int_equal(
		one(f,
		    "SELECT count(*) FROM programme_items i JOIN learning_programmes g ON g.id = i.programme_id "
		    "JOIN people p ON p.id = i.person_id WHERE g.code = 'five_ones' AND COALESCE(p.is_leader, 0) = 0"),
		0);
	assert_int_equal(
		one(f, "SELECT count(*) FROM programme_items i JOIN learning_programmes g ON g.id = i.programme_id "
		       "WHERE g.code = 'five_ones'"),
		5 * one(f, "SELECT count(*) FROM people WHERE is_leader = 1 AND status = 'active' AND archived = 0"));
	const char *states[] = {"open", "submitted", "returned", "accepted"};
	for (int k = 0; k < 4; k++)
		assert_true(db_one_int64(f->db, 0, "SELECT count(*) FROM programme_items WHERE state = ?", "s",
					 states[k]) > 5);
	/* a task's state is its last event's */
	assert_int_equal(one(f,
			     "SELECT count(*) FROM programme_items n WHERE n.state <> COALESCE((SELECT e.to_state FROM "
			     "record_events e WHERE e.record_type = 'programme_items' AND e.record_id = n.id ORDER BY "
			     "e.at DESC, e.id DESC LIMIT 1), 'open')"),
			 0);
	/* 200 and more trained, distinct; each completion has a unique code */
	assert_true(one(f, "SELECT count(DISTINCT person_id) FROM training_enrolments WHERE status = 'completed'") >=
		    200);
	assert_int_equal(
		one(f, "SELECT count(*) FROM training_enrolments WHERE status = 'completed' AND cert_code IS NULL"), 0);
	assert_int_equal(
		one(f,
		    "SELECT count(*) - count(DISTINCT cert_code) FROM training_enrolments WHERE cert_code IS NOT NULL"),
		0);
	/* the director's paper and its prize */
	assert_int_equal(one(f,
			     "SELECT count(*) FROM learning_papers p JOIN learning_awards a ON a.paper_id = p.id WHERE "
			     "p.title = '創優交通工程建設必須狠抓關口前移源頭治腐' AND a.level = 'provincial' AND "
			     "a.grade = 'third'"),
			 1);
	assert_true(one(f, "SELECT count(*) FROM model_figures WHERE name IN ('許振超', '趙家富')") == 2);
}

static void metrics_are_the_figures(void **state)
{
	FX();
	char a[CAL_DATE_SIZE], b[CAL_DATE_SIZE];
	cal_format_date(f->today - 364, a);
	cal_format_date(f->today, b);
	int64_t units[64];
	int nu = 0;
	units[nu++] = f->top;
	struct db_stmt *q =
		db_query(f->db, &f->t.a, "SELECT id FROM units WHERE parent_id = ? ORDER BY id LIMIT 40", "i", f->top);
	while (q && db_step(q) == DB_ROW)
		units[nu++] = db_column_int64(q, 0);
	db_reset(q);
	assert_true(nu > 10);
	const struct metric *rate = module_metric_find("attendance_rate"),
			    *held = module_metric_find("study_sessions_held"),
			    *five = module_metric_find("five_ones_completion"),
			    *three = module_metric_find("three_ones_completion"),
			    *hours = module_metric_find("training_hours"),
			    *trained = module_metric_find("trained_people");
	assert_non_null(rate);
	assert_non_null(held);
	assert_non_null(five);
	assert_non_null(three);
	assert_non_null(hours);
	assert_non_null(trained);
	int y, m, d;
	cal_civil_from_days(f->today, &y, &m, &d);
	int nonzero = 0;
	for (int k = 0; k < nu; k++) {
		const char *sub = "(SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)";
		int64_t req = db_one_int64(
			f->db, -1,
			arena_printf(&f->t.a,
				     "SELECT count(*) FROM learning_attendance x JOIN study_sessions s ON s.id = "
				     "x.session_id WHERE s.held_on BETWEEN ? AND ? AND x.unit_id IN %s",
				     sub),
			"ssi", a, b, units[k]);
		int64_t att = db_one_int64(
			f->db, -1,
			arena_printf(&f->t.a,
				     "SELECT count(*) FROM learning_attendance x JOIN study_sessions s ON s.id = "
				     "x.session_id WHERE s.held_on BETWEEN ? AND ? AND x.status IN ('present', "
				     "'late') AND x.unit_id IN %s",
				     sub),
			"ssi", a, b, units[k]);
		double v = -1;
		assert_int_equal(rate->compute(&f->r, units[k], a, b, &v), 0);
		assert_true(fabs(v - (req ? 100.0 * (double)att / (double)req : 0)) < 1e-9);
		nonzero += req > 0;
		double h = -1;
		assert_int_equal(held->compute(&f->r, units[k], a, b, &h), 0);
		assert_int_equal(
			(int64_t)h,
			db_one_int64(f->db, -1,
				     arena_printf(&f->t.a,
						  "SELECT count(*) FROM study_sessions WHERE held_on BETWEEN ? "
						  "AND ? AND unit_id IN %s",
						  sub),
				     "ssi", a, b, units[k]));
		const char *codes[] = {"five_ones", "three_ones"};
		const struct metric *ms[] = {five, three};
		for (int c = 0; c < 2; c++) {
			int64_t all = db_one_int64(
				f->db, -1,
				arena_printf(
					&f->t.a,
					"SELECT count(*) FROM programme_items i JOIN learning_programmes g ON g.id = "
					"i.programme_id WHERE g.code = ? AND g.year = ? AND i.unit_id IN %s",
					sub),
				"sii", codes[c], (int64_t)y, units[k]);
			int64_t ok = db_one_int64(
				f->db, -1,
				arena_printf(
					&f->t.a,
					"SELECT count(*) FROM programme_items i JOIN learning_programmes g ON g.id = "
					"i.programme_id WHERE g.code = ? AND g.year = ? AND i.state = 'accepted' AND "
					"i.unit_id IN %s",
					sub),
				"sii", codes[c], (int64_t)y, units[k]);
			double pv = -1;
			assert_int_equal(ms[c]->compute(&f->r, units[k], a, b, &pv), 0);
			assert_true(fabs(pv - (all ? 100.0 * (double)ok / (double)all : 0)) < 1e-9);
		}
		int64_t people = db_one_int64(
			f->db, -1,
			arena_printf(
				&f->t.a,
				"SELECT count(DISTINCT e.person_id) FROM training_enrolments e JOIN training_courses c "
				"ON "
				"c.id = e.course_id WHERE e.status = 'completed' AND c.date_to BETWEEN ? AND ? AND "
				"e.unit_id IN %s",
				sub),
			"ssi", a, b, units[k]);
		double tp = -1, th = -1;
		assert_int_equal(trained->compute(&f->r, units[k], a, b, &tp), 0);
		assert_int_equal((int64_t)tp, people);
		assert_int_equal(hours->compute(&f->r, units[k], a, b, &th), 0);
		assert_true(th >= 0);
	}
	assert_true(nonzero > 10);
	/* the whole organization: 200 and more trained in the year */
	double all = 0;
	assert_int_equal(trained->compute(&f->r, f->top, a, b, &all), 0);
	assert_true(all >= 200);
	/* bad dates: an error, not a figure */
	double v;
	assert_true(rate->compute(&f->r, f->top, "2026-13-01", b, &v) < 0);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest demo[] = {
		cmocka_unit_test(demo_is_consistent),
		cmocka_unit_test(metrics_are_the_figures),
	};
	int failed = cmocka_run_group_tests_name("learning demo on SQLite", demo, demo_sqlite, testdb_teardown);
	if (!testdb_pg_url())
		fprintf(stderr, "WENMING_TEST_PG is not set: the PostgreSQL tests are skipped\n");
	failed += cmocka_run_group_tests_name("learning demo on PostgreSQL", demo, demo_pg, testdb_teardown);
	return failed;
}
