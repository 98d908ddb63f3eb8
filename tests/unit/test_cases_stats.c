/* test_cases_stats.c — the cases' statistics (cases/stats.c) against
 * answers known by hand and counted independently:
 *
 * - small fixtures whose answers are worked out in the comments (four
 *   valid ratings 5, 5, 4, 1 and a voided 1: satisfaction 75 %; a merged
 *   case and a returned one left out where stats.h says; the period's
 *   first and last day; another branch of the tree; the unit-less cases);
 * - the demo (org/demo.c, then cases/demo.c), whose figures for the top
 *   unit, every secondary unit and a quarter are compared with plain SQL
 *   written here from the definitions in stats.h, and whose cases must be
 *   consistent with their event history.
 *
 * Each group runs on SQLite and, with WENMING_TEST_PG, on PostgreSQL. */
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

#include "cases/cases.h"
#include "cases/demo.h"
#include "cases/stats.h"
#include "core/arena.h"
#include "core/cal.h"
#include "core/log.h"
#include "db/db.h"
#include "http/http.h"
#include "module.h"
#include "org/demo.h"
#include "testdb.h"

struct fx {
  struct testdb t;
  struct db *db;
  struct req r;
  struct user admin;
  int64_t top, a, a1, b; /* fixtures: top ⊃ a ⊃ a1, top ⊃ b */
  int64_t cat;
  int64_t today;
};

static void fx_req(struct fx *f) {
  f->admin.id = 1;
  f->admin.ngrants = 1;
  f->admin.grants[0] = (struct grant){ROLE_ADMIN, 0};
  f->r.user = &f->admin;
  f->r.a = &f->t.a;
  f->r.db_ = f->db;
  f->r.ip = "test";
  f->r.lang = LANG_HANT;
  f->today = cal_local_day(time(NULL));
}

#define FX()                                                                   \
  struct fx *f = *state;                                                       \
  if (!f)                                                                      \
  skip()

/* ---- fixtures with known answers ---- */

static int64_t add_unit(struct fx *f, int64_t parent, const char *name) {
  int64_t id = db_insert(
      f->db,
      "INSERT INTO units (code, name, kind, parent_id, "
      "active, created_at, updated_at) VALUES (?, ?, "
      "'department', ?, 1, 0, 0) RETURNING id",
      "sss", name, name,
      parent ? arena_printf(&f->t.a, "%lld", (long long)parent) : NULL);
  if (id <= 0)
    return -1;
  db_run(f->db, "INSERT INTO unit_tree (ancestor_id, unit_id) VALUES (?, ?)",
         "ii", id, id);
  if (parent)
    db_run(f->db,
           "INSERT INTO unit_tree (ancestor_id, unit_id) SELECT ancestor_id, "
           "CAST(? AS BIGINT) FROM unit_tree WHERE unit_id = ?",
           "ii", id, parent);
  return id;
}

/* Noon of the day `days` after from. */
static int64_t noon(int64_t day) { return cal_local_time(day, 12, 0, 0); }

struct c {
  int64_t unit; /* 0: none */
  int64_t day;  /* received at noon of it */
  const char *state;
  int dispatched, accepted_on_time; /* -1: not accepted */
  int answered_on_time;             /* -1: not answered */
  int handling_days;                /* -1: none */
  const char *rating;
  int rating_void;
  const char *due;
};

static void add_case(struct fx *f, const struct c *c) {
  char due[CAL_DATE_SIZE];
  int rc = db_run(
      f->db,
      "INSERT INTO cases (title, kind, channel, category_id, description, "
      "state, unit_id, received_at, dispatched_at, accepted_at, "
      "accepted_on_time, answered_at, answered_on_time, handling_days, "
      "closed_at, rating, rating_void, due, created_at, updated_at) VALUES "
      "('t', 'complaint', 'hotline', ?, 'description', ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, 0, 0)",
      "isssssssssssss", f->cat, c->state,
      c->unit ? arena_printf(&f->t.a, "%lld", (long long)c->unit) : NULL,
      arena_printf(&f->t.a, "%lld", (long long)noon(c->day)),
      c->dispatched ? arena_printf(&f->t.a, "%lld", (long long)noon(c->day))
                    : NULL,
      c->accepted_on_time >= 0
          ? arena_printf(&f->t.a, "%lld", (long long)noon(c->day) + 60)
          : NULL,
      c->accepted_on_time >= 0 ? (c->accepted_on_time ? "1" : "0") : NULL,
      c->answered_on_time >= 0
          ? arena_printf(&f->t.a, "%lld", (long long)noon(c->day) + 120)
          : NULL,
      c->answered_on_time >= 0 ? (c->answered_on_time ? "1" : "0") : NULL,
      c->handling_days >= 0 ? arena_printf(&f->t.a, "%d", c->handling_days)
                            : NULL,
      !strcmp(c->state, "closed")
          ? arena_printf(&f->t.a, "%lld", (long long)noon(c->day) + 180)
          : NULL,
      c->rating, c->rating_void ? "1" : "0",
      c->due ? c->due : cal_format_date(c->day + 30, due));
  assert_int_equal(rc, 0);
}

static int fixtures_open(void **state, enum db_kind kind) {
  if (kind == DB_PG && testdb_pg_skipped(state))
    return 0;
  struct fx *f = calloc(1, sizeof *f);
  *state = f;
  if (testdb_open(&f->t, kind, 2))
    return -1;
  f->db = f->t.db;
  fx_req(f);
  f->top = add_unit(f, 0, "TOP");
  f->a = add_unit(f, f->top, "A");
  f->a1 = add_unit(f, f->a, "A1");
  f->b = add_unit(f, f->top, "B");
  f->cat = db_insert(f->db,
                     "INSERT INTO case_categories (code, name, days, public, "
                     "created_at, updated_at) VALUES ('c', 'C', 10, 1, 0, 0) "
                     "RETURNING id",
                     NULL);
  return f->top > 0 && f->b > 0 && f->cat > 0 ? 0 : -1;
}

static int fixtures_sqlite(void **state) {
  return fixtures_open(state, DB_SQLITE);
}
static int fixtures_pg(void **state) { return fixtures_open(state, DB_PG); }

/* Clears the cases between tests. */
static int fixtures_setup(void **state) {
  struct fx *f = *state;
  if (f)
    db_run(f->db, "DELETE FROM cases", NULL);
  return 0;
}

#define D0 20000 /* 2024-10-04: the fixtures' period is D0 .. D0 + 9 */

static void compute(struct fx *f, int64_t unit, int64_t from, int64_t to,
                    int unassigned, struct case_stats *st) {
  assert_int_equal(
      case_stats_compute(&f->r, unit, from, to, f->today, unassigned, 1, st),
      0);
}

static void satisfaction_counts_5_and_4_of_valid_ratings(void **state) {
  FX();
  /* four valid ratings: 5, 5, 4, 1 -> 3 of 4 = 75 %; a voided 1 and a
   * merged case's 1 are left out; an unrated case does not count */
  const struct c cs[] = {
      {f->a, D0, "closed", 1, 1, 1, 3, "5", 0, NULL},
      {f->a, D0 + 1, "closed", 1, 1, 1, 5, "5", 0, NULL},
      {f->a1, D0 + 2, "closed", 1, 1, 0, 7, "4", 0, NULL},
      {f->a1, D0 + 3, "in_hand", 1, 1, -1, -1, "1", 0, NULL},
      {f->a, D0 + 4, "closed", 1, 0, 1, 2, "1", 1, NULL},
      {f->a, D0 + 5, "merged", 0, -1, -1, -1, "1", 0, NULL},
      {f->a, D0 + 6, "closed", 1, 1, 1, 1, NULL, 0, NULL},
  };
  for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
    add_case(f, &cs[i]);
  struct case_stats st;
  compute(f, f->a, D0, D0 + 9, 0, &st);
  assert_int_equal(st.all.received, 7);
  assert_int_equal(st.all.merged, 1);
  assert_int_equal(st.all.counted, 6);
  assert_int_equal(st.all.rated, 4);
  assert_int_equal(st.all.satisfied, 3);
  assert_true(fabs(st.all.satisfaction_rate - 75.0) < 1e-9);
  /* closed: 5 of the 6 counted */
  assert_int_equal(st.all.closed, 5);
  assert_true(fabs(st.all.resolution_rate - 500.0 / 6) < 1e-9);
  /* dispatched 6 (not the merged one), accepted on time 5 */
  assert_int_equal(st.all.dispatched, 6);
  assert_int_equal(st.all.accepted_on_time, 5);
  /* answered 5 (the in-hand one is not), on time 4: 80 % */
  assert_int_equal(st.all.answered, 5);
  assert_int_equal(st.all.answered_on_time, 4);
  assert_true(fabs(st.all.on_time_rate - 80.0) < 1e-9);
  /* handling days 3, 5, 7, 2, 1: 18 / 5 = 3.6 */
  assert_true(fabs(st.all.avg_handling_days - 3.6) < 1e-9);
  /* the open one */
  assert_int_equal(st.all.open, 1);
  /* breakdowns and sub-units add up */
  int64_t sum = 0;
  for (int i = 0; case_states[i].code; i++)
    sum += st.by_state[i];
  assert_int_equal(sum, 7);
  assert_int_equal(st.nunits, 1); /* A1 */
  assert_int_equal(st.units[0].f.received, 2);
  assert_int_equal(st.own.received, 5);
}

static void period_subtree_and_unassigned(void **state) {
  FX();
  char due[CAL_DATE_SIZE];
  char later[CAL_DATE_SIZE];
  const char *past = cal_format_date(f->today - 3, due);
  const char *future = cal_format_date(f->today + 5, later);
  const struct c cs[] = {
      /* the day before the period and the day after: out */
      {f->a, D0 - 1, "closed", 1, 1, 1, 1, NULL, 0, NULL},
      {f->a, D0 + 10, "closed", 1, 1, 1, 1, NULL, 0, NULL},
      /* first and last day: in */
      {f->a1, D0, "dispatched", 1, -1, -1, -1, NULL, 0, past},
      {f->a, D0 + 9, "returned", 1, -1, -1, -1, NULL, 0, future},
      /* another branch */
      {f->b, D0 + 2, "closed", 1, 0, 0, 9, "2", 0, NULL},
      /* with the office */
      {0, D0 + 3, "registered", 0, -1, -1, -1, NULL, 0, past},
  };
  for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
    add_case(f, &cs[i]);
  struct case_stats st;
  compute(f, f->a, D0, D0 + 9, 0, &st);
  assert_int_equal(st.all.received, 2);
  /* the returned case waits for the office: not counted as dispatched;
   * the dispatched one is not accepted yet: 0 of 1 */
  assert_int_equal(st.all.dispatched, 1);
  assert_true(fabs(st.all.response_rate - 0.0) < 1e-9);
  /* nothing rated, answered or handled: undefined */
  assert_true(st.all.satisfaction_rate < 0);
  assert_true(st.all.on_time_rate < 0);
  assert_true(st.all.avg_handling_days < 0);
  assert_int_equal(st.all.open, 2);
  /* the dispatched one was due 3 days ago: not yet at the period's end
   * (in 2024), overdue for a period up to today */
  assert_int_equal(st.all.overdue, 0);
  compute(f, f->a, D0, f->today, 0, &st);
  assert_int_equal(st.all.overdue, 1);

  compute(f, f->top, D0, D0 + 9, 0, &st);
  assert_int_equal(st.all.received, 3);
  compute(f, f->top, D0, D0 + 9, 1, &st);
  assert_int_equal(st.all.received, 4);
  assert_int_equal(st.all.closed, 1);
  assert_true(fabs(st.all.resolution_rate - 25.0) < 1e-9);
  assert_int_equal(st.nunits, 2);
  assert_int_equal(st.units[0].f.received + st.units[1].f.received +
                       st.own.received,
                   st.all.received);
  /* the months: October 2024 */
  assert_int_equal(st.nmonths, 1);
  assert_int_equal(st.months[0].received, 4);
  assert_int_equal(st.months[0].closed, 1);

  /* an empty period: everything 0, every rate undefined */
  compute(f, f->top, D0 + 100, D0 + 120, 1, &st);
  assert_int_equal(st.all.received, 0);
  assert_true(st.all.response_rate < 0 && st.all.resolution_rate < 0);
}

/* ---- the demo ---- */

static int demo_open(void **state, enum db_kind kind) {
  if (kind == DB_PG && testdb_pg_skipped(state))
    return 0;
  struct fx *f = calloc(1, sizeof *f);
  *state = f;
  if (testdb_open(&f->t, kind, 2))
    return -1;
  f->db = f->t.db;
  fx_req(f);
  char err[512];
  struct demo_options o = {.seed = 7, .people = 520};
  if (demo_load(f->db, o.seed, o.people, err, sizeof err) ||
      cases_demo(f->db, &o, err, sizeof err)) {
    fprintf(stderr, "demo: %s\n", err);
    return -1;
  }
  f->top = db_one_int64(f->db, 0,
                        "SELECT id FROM units WHERE parent_id IS NULL", NULL);
  return 0;
}

static int demo_sqlite(void **state) { return demo_open(state, DB_SQLITE); }
static int demo_pg(void **state) { return demo_open(state, DB_PG); }

/* An independent count: cases received from..to in unit's subtree (plus
 * the unit-less ones), meeting cond. */
static int64_t count(struct fx *f, int64_t unit, int unassigned, int64_t from,
                     int64_t to, const char *cond) {
  const char *sql = arena_printf(
      &f->t.a,
      "SELECT count(*) FROM cases c WHERE c.archived = 0 AND c.received_at "
      "BETWEEN ? AND ? AND (EXISTS (SELECT 1 FROM unit_tree g WHERE "
      "g.ancestor_id = ? AND g.unit_id = c.unit_id)%s) AND (%s)",
      unassigned ? " OR c.unit_id IS NULL" : "", cond);
  int64_t n = db_one_int64(f->db, -1, sql, "iii", cal_local_time(from, 0, 0, 0),
                           cal_local_time(to + 1, 0, 0, 0) - 1, unit);
  assert_true(n >= 0);
  return n;
}

static void check_against_sql(struct fx *f, int64_t unit, int unassigned,
                              int64_t from, int64_t to) {
  struct case_stats st;
  compute(f, unit, from, to, unassigned, &st);
  const struct case_figures *x = &st.all;
#define N(cond) count(f, unit, unassigned, from, to, cond)
  assert_int_equal(x->received, N("1 = 1"));
  assert_int_equal(x->merged, N("c.state = 'merged'"));
  assert_int_equal(x->counted, N("c.state IN ('registered', 'dispatched', "
                                 "'returned', 'in_hand', 'extension', "
                                 "'answered', 'closed')"));
  int64_t dispatched = N("c.state IN ('dispatched', 'in_hand', 'extension', "
                         "'answered', 'closed') AND c.dispatched_at > 0");
  int64_t accepted = N("c.state IN ('dispatched', 'in_hand', 'extension', "
                       "'answered', 'closed') AND c.dispatched_at > 0 AND "
                       "c.accepted_at > 0 AND c.accepted_on_time = 1");
  assert_int_equal(x->dispatched, dispatched);
  assert_int_equal(x->accepted_on_time, accepted);
  int64_t closed = N("c.state = 'closed'");
  assert_int_equal(x->closed, closed);
  int64_t rated = N("c.state <> 'merged' AND c.rating IN ('1', '2', '3', "
                    "'4', '5') AND c.rating_void = 0");
  int64_t good = N("c.state <> 'merged' AND c.rating IN ('4', '5') AND "
                   "c.rating_void = 0");
  assert_int_equal(x->rated, rated);
  assert_int_equal(x->satisfied, good);
  int64_t answered = N("c.state <> 'merged' AND c.answered_at > 0");
  int64_t on_time =
      N("c.state <> 'merged' AND c.answered_at > 0 AND c.answered_on_time = 1");
  assert_int_equal(x->answered, answered);
  assert_int_equal(x->answered_on_time, on_time);
  char before[CAL_DATE_SIZE];
  cal_format_date(to < f->today ? to : f->today, before);
  assert_int_equal(
      x->overdue,
      N(arena_printf(&f->t.a,
                     "c.state NOT IN ('closed', 'merged') AND c.due < '%s'",
                     before)));
  if (dispatched)
    assert_true(fabs(x->response_rate - 100.0 * accepted / dispatched) < 1e-9);
  if (rated)
    assert_true(fabs(x->satisfaction_rate - 100.0 * good / rated) < 1e-9);
  if (answered)
    assert_true(fabs(x->on_time_rate - 100.0 * on_time / answered) < 1e-9);
  /* the average, from the rows */
  struct db_stmt *q = db_query(
      f->db, &f->t.a,
      arena_printf(&f->t.a,
                   "SELECT c.handling_days FROM cases c WHERE c.archived = 0 "
                   "AND c.received_at BETWEEN ? AND ? AND (EXISTS (SELECT 1 "
                   "FROM unit_tree g WHERE g.ancestor_id = ? AND g.unit_id = "
                   "c.unit_id)%s) AND c.state <> 'merged' AND c.answered_at > "
                   "0 AND c.handling_days IS NOT NULL",
                   unassigned ? " OR c.unit_id IS NULL" : ""),
      "iii", cal_local_time(from, 0, 0, 0), cal_local_time(to + 1, 0, 0, 0) - 1,
      unit);
  int64_t sum = 0, n = 0;
  while (q && db_step(q) == DB_ROW)
    sum += db_column_int64(q, 0), n++;
  db_reset(q);
  if (n)
    assert_true(fabs(x->avg_handling_days - (double)sum / n) < 1e-9);
  /* the breakdowns add up to the cases received */
  int64_t ch = 0, kd = 0, sa = 0, ca = 0, mo = 0, mc = 0, un = st.own.received;
  for (int i = 0; case_channels[i].code; i++)
    ch += st.by_channel[i];
  for (int i = 0; case_kinds[i].code; i++)
    kd += st.by_kind[i];
  for (int i = 0; case_states[i].code; i++)
    sa += st.by_state[i];
  for (int i = 0; i < st.ncategories; i++)
    ca += st.by_category[i].n;
  for (int i = 0; i < st.nmonths; i++)
    mo += st.months[i].received, mc += st.months[i].closed;
  for (int i = 0; i < st.nunits; i++)
    un += st.units[i].f.received;
  assert_int_equal(ch, x->received);
  assert_int_equal(kd, x->received);
  assert_int_equal(sa, x->received);
  assert_int_equal(ca, x->received);
  assert_int_equal(mo, x->received);
  assert_int_equal(un, x->received);
  /* closed in the months: by closed_at within the period, any receipt */
  int64_t closed_in = db_one_int64(
      f->db, -1,
      arena_printf(&f->t.a,
                   "SELECT count(*) FROM cases c WHERE c.archived = 0 AND "
                   "c.state = 'closed' AND c.closed_at BETWEEN ? AND ? AND "
                   "(EXISTS (SELECT 1 FROM unit_tree g WHERE g.ancestor_id = "
                   "? AND g.unit_id = c.unit_id)%s)",
                   unassigned ? " OR c.unit_id IS NULL" : ""),
      "iii", cal_local_time(from, 0, 0, 0), cal_local_time(to + 1, 0, 0, 0) - 1,
      unit);
  assert_int_equal(mc, closed_in);
#undef N
}

static void demo_figures_match_sql(void **state) {
  FX();
  int64_t from = f->today - 364;
  check_against_sql(f, f->top, 1, from, f->today);
  check_against_sql(f, f->top, 0, from, f->today);
  /* a quarter in the middle */
  check_against_sql(f, f->top, 1, f->today - 200, f->today - 110);
  struct db_stmt *q = db_query(
      f->db, &f->t.a, "SELECT id FROM units WHERE parent_id = ? ORDER BY id",
      "i", f->top);
  int64_t ids[32];
  int n = 0;
  while (q && db_step(q) == DB_ROW && n < 32)
    ids[n++] = db_column_int64(q, 0);
  db_reset(q);
  assert_true(n >= 13);
  for (int i = 0; i < n; i++)
    check_against_sql(f, ids[i], 0, from, f->today);
  /* the demo is a believable year: a few thousand cases, every channel,
   * kind and state but 'returned' (dispatched again the next day) */
  struct case_stats st;
  compute(f, f->top, from, f->today, 1, &st);
  assert_in_range(st.all.received, 2000, 4500);
  for (int i = 0; case_channels[i].code; i++)
    assert_true(st.by_channel[i] > 0);
  for (int i = 0; case_kinds[i].code; i++)
    assert_true(st.by_kind[i] > 0);
  assert_true(st.all.response_rate > 70 && st.all.response_rate < 100);
  assert_true(st.all.satisfaction_rate > 60 && st.all.satisfaction_rate < 98);
  assert_true(st.all.overdue > 0);
  assert_in_range(st.nmonths, 12, 13); /* the calendar months touched */
}

static void demo_metrics_are_the_figures(void **state) {
  FX();
  char a[CAL_DATE_SIZE], b[CAL_DATE_SIZE];
  cal_format_date(f->today - 364, a);
  cal_format_date(f->today, b);
  struct case_stats st;
  compute(f, f->top, f->today - 364, f->today, 1, &st);
  const struct {
    const char *name;
    double v;
  } m[] = {{"cases_received", (double)st.all.received},
           {"response_rate", st.all.response_rate},
           {"resolution_rate", st.all.resolution_rate},
           {"satisfaction_rate", st.all.satisfaction_rate},
           {"on_time_rate", st.all.on_time_rate},
           {"overdue_cases", (double)st.all.overdue},
           {"avg_handling_days", st.all.avg_handling_days}};
  for (size_t i = 0; i < sizeof m / sizeof *m; i++) {
    const struct metric *x = module_metric_find(m[i].name);
    assert_non_null(x);
    double v = -1;
    assert_int_equal(x->compute(&f->r, f->top, a, b, &v), 0);
    assert_true(fabs(v - m[i].v) < 1e-9);
  }
}

/* Every case agrees with its event log. */
static void demo_cases_follow_their_events(void **state) {
  FX();
  const char *bad[] = {
      /* the state is the last event's */
      "SELECT count(*) FROM cases c WHERE c.state <> (SELECT e.to_state FROM "
      "record_events e WHERE e.record_type = 'cases' AND e.record_id = c.id "
      "AND e.to_state IS NOT NULL ORDER BY e.at DESC, e.id DESC LIMIT 1)",
      /* one creation each, first */
      "SELECT count(*) FROM cases c WHERE (SELECT count(*) FROM record_events "
      "e WHERE e.record_type = 'cases' AND e.record_id = c.id AND e.action = "
      "'create' AND e.at = c.received_at) <> 1",
      /* nothing before the receipt or after now */
      "SELECT count(*) FROM record_events e JOIN cases c ON c.id = "
      "e.record_id WHERE e.record_type = 'cases' AND (e.at < c.received_at "
      "OR e.at > ?)",
      /* the events' order in time is their order of ids */
      "SELECT count(*) FROM record_events e JOIN record_events p ON "
      "p.record_type = e.record_type AND p.record_id = e.record_id AND p.id "
      "< e.id WHERE e.record_type = 'cases' AND p.at > e.at",
      /* closed: answered and closed; merged: into an earlier case */
      "SELECT count(*) FROM cases WHERE state = 'closed' AND (closed_at IS "
      "NULL OR answered_at IS NULL OR answered_at > closed_at)",
      "SELECT count(*) FROM cases WHERE state = 'merged' AND (merged_into IS "
      "NULL OR merged_into >= id)",
      /* in the unit's hands: dispatched and accepted, with a unit */
      "SELECT count(*) FROM cases WHERE state IN ('in_hand', 'extension', "
      "'answered') AND (unit_id IS NULL OR accepted_at IS NULL OR "
      "dispatched_at > accepted_at)",
      /* with the office: no unit */
      "SELECT count(*) FROM cases WHERE state IN ('registered', 'returned') "
      "AND unit_id IS NOT NULL",
      /* open cases have a deadline, closed and merged ones none */
      "SELECT count(*) FROM cases WHERE (state IN ('closed', 'merged')) = "
      "(due IS NOT NULL)",
      /* a rating is on a case rated at least once; a void one was upheld */
      "SELECT count(*) FROM cases WHERE (rating IS NOT NULL) <> (ratings > 0) "
      "OR (rating_void = 1 AND appeal <> 'upheld')",
      /* anonymous cases keep no contact */
      "SELECT count(*) FROM cases WHERE anonymous = 1 AND (contact_name IS "
      "NOT NULL OR contact_phone IS NOT NULL)",
      /* both coordinates or neither */
      "SELECT count(*) FROM cases WHERE (lat IS NULL) <> (lon IS NULL)",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int64_t n = strchr(bad[i], '?')
                    ? db_one_int64(f->db, -1, bad[i], "i", (int64_t)time(NULL))
                    : db_one_int64(f->db, -1, bad[i], NULL);
    if (n != 0)
      fprintf(stderr, "check %zu: %lld\n", i, (long long)n);
    assert_int_equal(n, 0);
  }
  /* the demo's catalogue */
  assert_in_range(
      db_one_int64(f->db, 0, "SELECT count(*) FROM case_categories", NULL), 10,
      16);
  assert_true(db_one_int64(f->db, 0,
                           "SELECT count(*) FROM case_categories WHERE "
                           "unit_id IS NULL",
                           NULL) == 0);
  assert_true(db_one_int64(f->db, 0, "SELECT count(*) FROM case_attributes",
                           NULL) >= 3);
  assert_true(
      db_one_int64(f->db, 0, "SELECT count(*) FROM case_replies", NULL) >= 12);
}

int main(void) {
  log_set_level(LOG_ERROR);
  const struct CMUnitTest fixtures[] = {
      cmocka_unit_test_setup(satisfaction_counts_5_and_4_of_valid_ratings,
                             fixtures_setup),
      cmocka_unit_test_setup(period_subtree_and_unassigned, fixtures_setup),
  };
  const struct CMUnitTest demo[] = {
      cmocka_unit_test(demo_figures_match_sql),
      cmocka_unit_test(demo_metrics_are_the_figures),
      cmocka_unit_test(demo_cases_follow_their_events),
  };
  int failed = cmocka_run_group_tests_name("fixtures on SQLite", fixtures,
                                           fixtures_sqlite, testdb_teardown);
  failed += cmocka_run_group_tests_name("demo on SQLite", demo, demo_sqlite,
                                        testdb_teardown);
  if (!testdb_pg_url())
    fprintf(stderr,
            "WENMING_TEST_PG is not set: the PostgreSQL tests are skipped\n");
  failed += cmocka_run_group_tests_name("fixtures on PostgreSQL", fixtures,
                                        fixtures_pg, testdb_teardown);
  failed += cmocka_run_group_tests_name("demo on PostgreSQL", demo, demo_pg,
                                        testdb_teardown);
  return failed;
}
