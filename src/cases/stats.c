/* stats.c — the cases' statistics: see stats.h for what every figure
 * counts (and docs/DECISIONS.md, "Case statistics"). case_stats_compute is
 * the one place that counts; the page, the workbook, the API and the
 * assessment's metrics only show what it gives. */
#include "stats.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../http/audit.h"
#include "../records/export.h"
#include "../records/period.h"
#include "../web/chart.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "cases.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

/* ---- counting ---- */

static int count_opts(const struct enum_opt *o)
{
	int n = 0;
	while (o[n].code)
		n++;
	return n;
}

static double rate(int64_t num, int64_t den)
{
	return den > 0 ? 100.0 * (double)num / (double)den : -1;
}

/* Which cases: the period, then the unit's subtree (exact = 0) or the unit
 * alone (exact = 1), with the unit-less ones when unassigned. Its binds:
 * start, end, unit. */
static const char *where_sql(struct req *r, int exact, int unassigned)
{
	return arena_printf(r->a,
			    " FROM cases t WHERE t.archived = 0 AND t.received_at >= ? AND "
			    "t.received_at < ? AND (%s%s)",
			    exact ? "t.unit_id = ?"
				  : "t.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id "
				    "= ?)",
			    unassigned ? " OR t.unit_id IS NULL" : "");
}

struct period {
	int64_t start, end;         /* unix seconds: [start, end) */
	char before[CAL_DATE_SIZE]; /* overdue: due before this day */
};

static void bind_where(struct db_stmt *s, int base, const struct period *p, int64_t unit)
{
	db_bind_int64(s, base, p->start);
	db_bind_int64(s, base + 1, p->end);
	db_bind_int64(s, base + 2, unit);
}

#define OPEN_CASE "t.state NOT IN ('closed', 'merged')"
#define COUNTED "t.state <> 'merged'"
#define DISPATCHED COUNTED " AND t.state <> 'returned' AND t.dispatched_at IS NOT NULL"
#define ANSWERED COUNTED " AND t.answered_at IS NOT NULL"
#define RATED COUNTED " AND t.rating IS NOT NULL AND COALESCE(t.rating_void, 0) = 0"
#define SUM(cond) "COALESCE(sum(CASE WHEN " cond " THEN 1 ELSE 0 END), 0)"

static int figures(struct req *r, int64_t unit, int exact, int unassigned, const struct period *p,
		   struct case_figures *f)
{
	memset(f, 0, sizeof *f);
	static const char cols[] = "SELECT count(*), " SUM("t.state = 'merged'") ", " SUM(DISPATCHED) ", " SUM(
		DISPATCHED
		" AND "
		"t."
		"accept"
		"ed_at "
		"IS "
		"NOT "
		"NULL "
		"AND "
		"t."
		"accept"
		"ed_on_"
		"time "
		"= 1") ", " SUM("t.state = 'closed'") ", " SUM(RATED) ", " SUM(RATED
									       " AND t.rating IN ('5', "
									       "'4')") ", " SUM(ANSWERED) ", " SUM(ANSWERED
														   " AN"
														   "D "
														   "t."
														   "ans"
														   "wer"
														   "ed_"
														   "on_"
														   "tim"
														   "e "
														   "= "
														   "1") ", "
															"CO"
															"AL"
															"ES"
															"CE"
															"(s"
															"um"
															"(C"
															"AS"
															"E "
															"WH"
															"EN"
															" " ANSWERED
															" A"
															"ND"
															" t"
															".h"
															"an"
															"dl"
															"in"
															"g_"
															"da"
															"ys"
															" I"
															"S "
															"NO"
															"T "
															"NU"
															"LL"
															" "
															"TH"
															"EN"
															" C"
															"AS"
															"T("
															"t."
															"ha"
															"nd"
															"li"
															"ng"
															"_d"
															"ay"
															"s "
															"AS"
															" I"
															"NT"
															"EG"
															"ER"
															") "
															"EL"
															"SE"
															" 0"
															" E"
															"ND"
															"),"
															" 0"
															"),"
															" " SUM(ANSWERED
																" AND"
																" t."
																"hand"
																"ling"
																"_day"
																"s "
																"IS "
																"NOT "
																"NUL"
																"L") ", " SUM(OPEN_CASE) ", " SUM(OPEN_CASE
																				  " AND t.due < ?");
	const char *sql = arena_printf(r->a, "%s%s", cols, where_sql(r, exact, unassigned));
	struct db_stmt *s = db_prepare(req_db(r), r->a, sql);
	if (!s)
		return DB_ERR;
	db_bind_text(s, 1, p->before);
	bind_where(s, 2, p, unit);
	int rc = db_step(s);
	if (rc != DB_ROW) {
		db_reset(s);
		return rc < 0 ? rc : DB_ERR;
	}
	int64_t *v[] = {&f->received, &f->merged,    &f->dispatched, &f->accepted_on_time, &f->closed,
			&f->rated,    &f->satisfied, &f->answered,   &f->answered_on_time, &f->handling_days,
			&f->handled,  &f->open,      &f->overdue};
	for (int i = 0; i < (int)(sizeof v / sizeof *v); i++)
		*v[i] = db_column_int64(s, i);
	db_reset(s);
	f->counted = f->received - f->merged;
	f->response_rate = rate(f->accepted_on_time, f->dispatched);
	f->resolution_rate = rate(f->closed, f->counted);
	f->satisfaction_rate = rate(f->satisfied, f->rated);
	f->on_time_rate = rate(f->answered_on_time, f->answered);
	f->avg_handling_days = f->handled ? (double)f->handling_days / (double)f->handled : -1;
	return 0;
}

/* Counts by an enum column into out (parallel to opts). */
static int by_enum(struct req *r, const char *col, const struct enum_opt *opts, int64_t unit, int unassigned,
		   const struct period *p, int64_t *out)
{
	struct db_stmt *s = db_prepare(
		req_db(r), r->a,
		arena_printf(r->a, "SELECT t.%s, count(*)%s GROUP BY t.%s", col, where_sql(r, 0, unassigned), col));
	if (!s)
		return DB_ERR;
	bind_where(s, 1, p, unit);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *code = db_column_text(s, 0);
		for (int i = 0; opts[i].code; i++)
			if (!strcmp(opts[i].code, code))
				out[i] = db_column_int64(s, 1);
	}
	db_reset(s);
	return rc < 0 ? rc : 0;
}

static int by_category(struct req *r, int64_t unit, int unassigned, const struct period *p, struct case_stats *st)
{
	struct db *db = req_db(r);
	int64_t n = db_one_int64(db, 0, "SELECT count(*) FROM case_categories", NULL);
	st->by_category = arena_alloc(r->a, (size_t)(n + 1) * sizeof *st->by_category);
	st->ncategories = 0;
	struct db_stmt *s = db_prepare(db, r->a,
				       arena_printf(r->a,
						    "SELECT c.id, c.name, x.n FROM (SELECT t.category_id AS "
						    "category_id, count(*) AS n%s GROUP BY t.category_id) x "
						    "LEFT JOIN case_categories c ON c.id = x.category_id "
						    "ORDER BY x.n DESC, c.code",
						    where_sql(r, 0, unassigned)));
	if (!s)
		return DB_ERR;
	bind_where(s, 1, p, unit);
	int rc;
	while ((rc = db_step(s)) == DB_ROW && st->ncategories <= n) {
		struct case_count *c = &st->by_category[st->ncategories++];
		c->id = db_column_int64(s, 0);
		c->code = arena_strdup(r->a, db_column_text(s, 1));
		c->n = db_column_int64(s, 2);
	}
	db_reset(s);
	return rc < 0 ? rc : 0;
}

static int64_t day_start(int64_t day)
{
	return cal_local_time(day, 0, 0, 0);
}

static int by_month(struct req *r, int64_t unit, int unassigned, const struct period *p, int64_t from, int64_t to,
		    struct case_stats *st)
{
	int y0, m0, y1, m1, d;
	cal_civil_from_days(from, &y0, &m0, &d);
	cal_civil_from_days(to, &y1, &m1, &d);
	int n = (y1 - y0) * 12 + (m1 - m0) + 1;
	st->months = arena_alloc(r->a, (size_t)n * sizeof *st->months);
	st->nmonths = 0;
	/* received by received_at, closed by closed_at: both within the month
	 * and the period */
	const char *sql = arena_printf(r->a,
				       "SELECT " SUM("t.received_at >= ? AND t.received_at < "
						     "?") ", " SUM("t.state = 'closed' AND t.closed_at >= ? AND "
								   "t.closed_at < ?") " FROM cases t WHERE "
										      "t.archived = 0 AND (t.unit_id "
										      "IN (SELECT unit_id "
										      "FROM unit_tree WHERE "
										      "ancestor_id = ?)%s)",
				       unassigned ? " OR t.unit_id IS NULL" : "");
	struct db_stmt *s = db_prepare(req_db(r), r->a, sql);
	if (!s)
		return DB_ERR;
	for (int k = 0; k < n; k++) {
		struct case_month *m = &st->months[st->nmonths++];
		m->year = y0 + (m0 - 1 + k) / 12;
		m->month = (m0 - 1 + k) % 12 + 1;
		int64_t a = cal_days_from_civil(m->year, m->month, 1);
		int64_t b = cal_days_from_civil(m->year + m->month / 12, m->month % 12 + 1, 1);
		int64_t lo = day_start(a) > p->start ? day_start(a) : p->start;
		int64_t hi = day_start(b) < p->end ? day_start(b) : p->end;
		db_bind_int64(s, 1, lo);
		db_bind_int64(s, 2, hi);
		db_bind_int64(s, 3, lo);
		db_bind_int64(s, 4, hi);
		db_bind_int64(s, 5, unit);
		int rc = db_step(s);
		if (rc != DB_ROW) {
			db_reset(s);
			return rc < 0 ? rc : DB_ERR;
		}
		m->received = db_column_int64(s, 0);
		m->closed = db_column_int64(s, 1);
		db_reset(s);
	}
	return 0;
}

static int sub_units(struct req *r, int64_t unit, int unassigned, const struct period *p, struct case_stats *st)
{
	struct db *db = req_db(r);
	int64_t n = db_one_int64(db, 0, "SELECT count(*) FROM units WHERE parent_id = ? AND archived = 0", "i", unit);
	st->units = arena_alloc(r->a, (size_t)(n + 1) * sizeof *st->units);
	st->nunits = 0;
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT id, name FROM units WHERE parent_id = ? AND archived = "
				     "0 ORDER BY COALESCE(sort_order, 0), code, id",
				     "i", unit);
	while (q && db_step(q) == DB_ROW && st->nunits < n) {
		struct case_unit_figures *u = &st->units[st->nunits++];
		u->id = db_column_int64(q, 0);
		u->name = arena_strdup(r->a, db_column_text(q, 1));
	}
	db_reset(q);
	for (int i = 0; i < st->nunits; i++) {
		int rc = figures(r, st->units[i].id, 0, 0, p, &st->units[i].f);
		if (rc)
			return rc;
	}
	/* the unit's own cases (and the unassigned ones): what no sub-unit has */
	return figures(r, unit, 1, unassigned, p, &st->own);
}

int case_stats_compute(struct req *r, int64_t unit, int64_t from, int64_t to, int64_t today, int unassigned, int detail,
		       struct case_stats *out)
{
	memset(out, 0, sizeof *out);
	out->unit = unit;
	out->from = from;
	out->to = to;
	out->unassigned = unassigned;
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	out->unit_name = db_one_text(db, r->a, "SELECT name FROM units WHERE id = ?", "i", unit);
	struct period p = {day_start(from), day_start(to + 1), ""};
	cal_format_date(to < today ? to : today, p.before);
	int rc = figures(r, unit, 0, unassigned, &p, &out->all);
	if (rc || !detail)
		return rc;
	out->by_channel = arena_alloc(r->a, (size_t)count_opts(case_channels) * sizeof(int64_t));
	out->by_kind = arena_alloc(r->a, (size_t)count_opts(case_kinds) * sizeof(int64_t));
	out->by_state = arena_alloc(r->a, (size_t)count_opts(case_states) * sizeof(int64_t));
	memset(out->by_channel, 0, (size_t)count_opts(case_channels) * sizeof(int64_t));
	memset(out->by_kind, 0, (size_t)count_opts(case_kinds) * sizeof(int64_t));
	memset(out->by_state, 0, (size_t)count_opts(case_states) * sizeof(int64_t));
	if (!rc)
		rc = by_enum(r, "channel", case_channels, unit, unassigned, &p, out->by_channel);
	if (!rc)
		rc = by_enum(r, "kind", case_kinds, unit, unassigned, &p, out->by_kind);
	if (!rc)
		rc = by_enum(r, "state", case_states, unit, unassigned, &p, out->by_state);
	if (!rc)
		rc = by_category(r, unit, unassigned, &p, out);
	if (!rc)
		rc = by_month(r, unit, unassigned, &p, from, to, out);
	if (!rc)
		rc = sub_units(r, unit, unassigned, &p, out);
	return rc;
}

/* ---- the request: unit, period, scope ---- */

static int64_t today_day(void)
{
	return cal_local_day(time(NULL));
}

static int is_top(struct db *db, int64_t unit)
{
	return db_one_int64(db, 0,
			    "SELECT count(*) FROM units WHERE id = ? AND parent_id "
			    "IS NULL",
			    "i", unit) > 0;
}

struct ask {
	int64_t unit, from, to;
	int unassigned;
};

/* Reads ?unit=&from=&to= (records/period.h); an organization-wide reader
 * asking for the top of the tree sees the cases without a unit too. 0, or
 * -1 when the request has failed. */
static int ask_read(struct req *r, struct ask *a)
{
	struct stats_ask s;
	if (stats_ask_read(r, &cases_type, &s))
		return -1;
	a->unit = s.unit;
	a->from = s.from;
	a->to = s.to;
	a->unassigned = s.org_wide && is_top(req_db(r), s.unit);
	return 0;
}

static int ask_compute(struct req *r, struct ask *a, struct case_stats *st)
{
	if (ask_read(r, a))
		return -1;
	if (case_stats_compute(r, a->unit, a->from, a->to, today_day(), a->unassigned, 1, st))
		return req_fail(r, 503, M_err_db_down), -1;
	return 0;
}

static const char *day_text(struct req *r, int64_t day)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(r->a, cal_format_date(day, d));
}

/* "87.5 %", or "—" when undefined (arena). */
static const char *pct(struct req *r, double v)
{
	return v < 0 ? "—" : arena_printf(r->a, "%.1f %%", v);
}

static const char *days_text(struct req *r, double v)
{
	return v < 0 ? "—" : arena_printf(r->a, "%.1f", v);
}

/* ---- the page ---- */

static const char *list_url(struct req *r, int64_t unit, const char *name, const char *value)
{
	return name ? arena_printf(r->a, "/r/cases?unit_id=%lld&%s=%s", (long long)unit, name, value)
		    : arena_printf(r->a, "/r/cases?unit_id=%lld", (long long)unit);
}

static void tile(struct req *r, enum msg_id label, const char *value, const char *note, const char *href,
		 const char *cls)
{
	if (href)
		html(r, "<a class=\"tile%s\" href=\"%a\">", cls, href);
	else
		html(r, "<div class=\"tile%s\">", cls);
	html(r,
	     "<span class=\"tile-label\">%T</span><span "
	     "class=\"tile-value\">%s</span>",
	     label, value);
	if (note)
		html(r, "<span class=\"tile-note\">%s</span>", note);
	html(r, "%H", href ? MARKUP("</a>") : MARKUP("</div>"));
}

/* 12,345 (arena). */
static const char *grouped(struct req *r, int64_t n)
{
	char d[32];
	int len = snprintf(d, sizeof d, "%lld", (long long)(n < 0 ? -n : n));
	struct buf b;
	buf_init(&b, r->a);
	if (n < 0)
		buf_putc(&b, '-');
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf_putc(&b, ',');
		buf_putc(&b, d[i]);
	}
	return b.p;
}

static const char *ratio(struct req *r, int64_t a, int64_t b)
{
	return arena_printf(r->a, "%s / %s", grouped(r, a), grouped(r, b));
}

/* A small table of counts with links to the list. */
static void count_table(struct req *r, enum msg_id title, enum msg_id col, const struct enum_opt *opts,
			const int64_t *v, int64_t unit, const char *param)
{
	const struct list_col cols[2] = {{col, NULL, 0}, {M_case_stats_count, NULL, 1}};
	html(r, "<section class=\"card\"><h2>%T</h2>", title);
	list_begin(r, cols, 2, -1, 0);
	for (int i = 0; opts[i].code; i++) {
		if (!v[i])
			continue;
		html(r, "<tr><td>%T</td><td class=\"num\"><a href=\"%a\">%N</a></td></tr>", opts[i].label,
		     list_url(r, unit, param, opts[i].code), v[i]);
	}
	list_end(r);
	html(r, "</section>");
}

static void enum_chart(struct req *r, enum msg_id title, const struct enum_opt *opts, const int64_t *v)
{
	int n = count_opts(opts), k = 0;
	const char **cats = arena_alloc(r->a, (size_t)n * sizeof *cats);
	int64_t *vals = arena_alloc(r->a, (size_t)n * sizeof *vals);
	for (int i = 0; i < n; i++)
		if (v[i]) {
			cats[k] = T(r, opts[i].label);
			vals[k++] = v[i];
		}
	struct chart_series s = {T(r, M_case_stats_received), vals};
	html(r, "<section class=\"card\">");
	if (k)
		chart_bars(r, T(r, title), cats, k, &s, 1);
	else
		html(r, "<h2>%T</h2><p class=\"muted\">%T</p>", title, M_case_stats_nothing);
	html(r, "</section>");
}

static void unit_row(struct req *r, const struct case_stats *st, int64_t id, const char *name,
		     const struct case_figures *f, int link)
{
	if (link)
		html(r,
		     "<tr><td class=\"card-title\"><a "
		     "href=\"/cases/stats?unit=%D&amp;from=%u&amp;to=%u\">%s</a></td>"
		     "<td class=\"num\" data-label=\"%T\"><a "
		     "href=\"/r/cases?unit_id=%D\">%N</a></td>",
		     id, day_text(r, st->from), day_text(r, st->to), name, M_case_stats_received, id, f->received);
	else
		html(r,
		     "<tr><td class=\"card-title\">%s</td><td class=\"num\" "
		     "data-label=\"%T\">%N</td>",
		     name, M_case_stats_received, f->received);
	html(r,
	     "<td class=\"num\" data-label=\"%T\">%s</td><td class=\"num\" "
	     "data-label=\"%T\">%s</td><td class=\"num\" data-label=\"%T\">%s</td>"
	     "<td class=\"num\" data-label=\"%T\">%s</td><td class=\"num\" "
	     "data-label=\"%T\">%s</td></tr>",
	     M_case_stats_response_rate, pct(r, f->response_rate), M_case_stats_resolution_rate,
	     pct(r, f->resolution_rate), M_case_stats_satisfaction_rate, pct(r, f->satisfaction_rate),
	     M_case_stats_on_time_rate, pct(r, f->on_time_rate), M_case_stats_avg_days,
	     days_text(r, f->avg_handling_days));
}

static int stats_page(struct req *r)
{
	struct ask a;
	struct case_stats st;
	if (ask_compute(r, &a, &st))
		return 0;
	const char *from = day_text(r, a.from), *to = day_text(r, a.to);
	const char *q = arena_printf(r->a, "unit=%lld&from=%s&to=%s", (long long)a.unit, from, to);
	struct crumb c[] = {{"/r/cases", T(r, M_cases)}, {NULL, T(r, M_case_stats)}};
	page_begin(r, T(r, M_case_stats), c, 2);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, M_case_stats), st.unit_name ? st.unit_name : ""),
		     html_fmt(r,
			      "<a class=\"btn\" href=\"/cases/stats.xlsx?%a\">XLSX</a> <a "
			      "class=\"btn\" href=\"/api/v1/stats/cases?%a\">JSON</a>",
			      q, q));
	html(r,
	     "<form class=\"filters\" method=\"get\" action=\"/cases/stats\"><div "
	     "class=\"field\"><label for=\"f-unit\">%T</label>",
	     M_unit);
	unit_picker(r, "f-unit", "unit", arena_printf(r->a, "%lld", (long long)a.unit), 1, M_NONE, NULL);
	html(r,
	     "</div><div class=\"field\"><label for=\"f-from\">%T</label><input "
	     "id=\"f-from\" name=\"from\" type=\"date\" value=\"%a\"></div>"
	     "<div class=\"field\"><label for=\"f-to\">%T</label><input id=\"f-to\" "
	     "name=\"to\" type=\"date\" value=\"%a\"></div>"
	     "<div class=\"filter-actions\"><button "
	     "class=\"btn\">%T</button></div></form>",
	     M_case_stats_from, from, M_case_stats_to, to, M_case_stats_show);
	if (st.unassigned)
		html(r, "<p class=\"hint\">%T</p>", M_case_stats_unassigned_note);

	const struct case_figures *f = &st.all;
	html(r, "<div class=\"tiles\">");
	tile(r, M_case_stats_received, grouped(r, f->received),
	     f->merged ? arena_printf(r->a, "%s %lld", T(r, M_case_st_merged), (long long)f->merged) : NULL,
	     list_url(r, a.unit, NULL, NULL), "");
	tile(r, M_case_stats_response_rate, pct(r, f->response_rate), ratio(r, f->accepted_on_time, f->dispatched),
	     NULL, "");
	tile(r, M_case_stats_resolution_rate, pct(r, f->resolution_rate), ratio(r, f->closed, f->counted),
	     list_url(r, a.unit, "state", "closed"), "");
	tile(r, M_case_stats_satisfaction_rate, pct(r, f->satisfaction_rate), ratio(r, f->satisfied, f->rated), NULL,
	     "");
	tile(r, M_case_stats_on_time_rate, pct(r, f->on_time_rate), ratio(r, f->answered_on_time, f->answered), NULL,
	     "");
	tile(r, M_case_stats_avg_days, days_text(r, f->avg_handling_days), NULL, NULL, "");
	tile(r, M_case_stats_open, grouped(r, f->open), NULL, NULL, "");
	tile(r, M_case_stats_overdue, grouped(r, f->overdue), NULL, "/cases/overdue", f->overdue ? " tile-danger" : "");
	html(r, "</div>");

	/* the months, then the channels and kinds */
	if (st.nmonths > 0) {
		const char **cats = arena_alloc(r->a, (size_t)st.nmonths * sizeof *cats);
		int64_t *rv = arena_alloc(r->a, (size_t)st.nmonths * sizeof *rv);
		int64_t *cv = arena_alloc(r->a, (size_t)st.nmonths * sizeof *cv);
		for (int i = 0; i < st.nmonths; i++) {
			cats[i] = arena_printf(r->a, "%04d-%02d", st.months[i].year, st.months[i].month);
			rv[i] = st.months[i].received;
			cv[i] = st.months[i].closed;
		}
		struct chart_series s[2] = {{T(r, M_case_stats_received), rv}, {T(r, M_case_stats_closed), cv}};
		html(r, "<section class=\"card\">");
		chart_bars(r, T(r, M_case_stats_by_month), cats, st.nmonths, s, 2);
		html(r, "</section>");
	}
	enum_chart(r, M_case_stats_by_channel, case_channels, st.by_channel);
	enum_chart(r, M_case_stats_by_kind, case_kinds, st.by_kind);
	html(r, "<div class=\"cols\">");
	count_table(r, M_case_stats_by_channel, M_case_channel, case_channels, st.by_channel, a.unit, "channel");
	count_table(r, M_case_stats_by_kind, M_case_kind, case_kinds, st.by_kind, a.unit, "kind");
	count_table(r, M_case_stats_by_state, M_case_state, case_states, st.by_state, a.unit, "state");

	/* the categories */
	static const struct list_col ccols[] = {{M_case_category, NULL, 0}, {M_case_stats_count, NULL, 1}};
	html(r, "<section class=\"card\"><h2>%T</h2>", M_case_stats_by_category);
	list_begin(r, ccols, 2, -1, 0);
	for (int i = 0; i < st.ncategories; i++)
		html(r, "<tr><td>%s</td><td class=\"num\"><a href=\"%a\">%N</a></td></tr>", st.by_category[i].code,
		     list_url(r, a.unit, "category_id", arena_printf(r->a, "%lld", (long long)st.by_category[i].id)),
		     st.by_category[i].n);
	list_end(r);
	html(r, "</section></div>");

	/* the direct sub-units */
	if (st.nunits > 0) {
		static const struct list_col ucols[] = {{M_unit, NULL, 0},
							{M_case_stats_received, NULL, 1},
							{M_case_stats_response_rate, NULL, 1},
							{M_case_stats_resolution_rate, NULL, 1},
							{M_case_stats_satisfaction_rate, NULL, 1},
							{M_case_stats_on_time_rate, NULL, 1},
							{M_case_stats_avg_days, NULL, 1}};
		html(r, "<section class=\"card\"><h2>%T</h2>", M_case_stats_by_unit);
		list_begin(r, ucols, 7, -1, 0);
		int quiet = 0; /* sub-units without a case: counted, not listed */
		for (int i = 0; i < st.nunits; i++)
			if (st.units[i].f.received)
				unit_row(r, &st, st.units[i].id, st.units[i].name, &st.units[i].f, 1);
			else
				quiet++;
		if (st.own.received)
			unit_row(r, &st, a.unit,
				 arena_printf(r->a, T(r, st.unassigned ? M_case_stats_own_office : M_case_stats_own),
					      st.unit_name ? st.unit_name : ""),
				 &st.own, 0);
		unit_row(r, &st, a.unit, T(r, M_case_stats_total), &st.all, 0);
		list_end(r);
		if (quiet)
			html(r, "<p class=\"hint\">%s</p>", arena_printf(r->a, T(r, M_case_stats_quiet_units), quiet));
		html(r, "</section>");
	}
	html(r, "<p class=\"muted\">%T</p><p class=\"muted\">%T</p>", M_case_stats_definition, M_case_stats_list_hint);
	page_end(r);
	return 0;
}

/* ---- JSON ---- */

static json_t *num_or_null(double v)
{
	return v < 0 ? json_null() : json_real((double)(int64_t)(v * 10 + 0.5) / 10);
}

static json_t *figures_json(const struct case_figures *f)
{
	json_t *o = json_object();
	const struct {
		const char *name;
		int64_t v;
	} n[] = {{"received", f->received},
		 {"merged", f->merged},
		 {"counted", f->counted},
		 {"dispatched", f->dispatched},
		 {"accepted_on_time", f->accepted_on_time},
		 {"closed", f->closed},
		 {"rated", f->rated},
		 {"satisfied", f->satisfied},
		 {"answered", f->answered},
		 {"answered_on_time", f->answered_on_time},
		 {"handled", f->handled},
		 {"handling_days_total", f->handling_days},
		 {"open", f->open},
		 {"overdue", f->overdue}};
	for (size_t i = 0; i < sizeof n / sizeof *n; i++)
		json_object_set_new(o, n[i].name, json_integer((json_int_t)n[i].v));
	json_object_set_new(o, "response_rate", num_or_null(f->response_rate));
	json_object_set_new(o, "resolution_rate", num_or_null(f->resolution_rate));
	json_object_set_new(o, "satisfaction_rate", num_or_null(f->satisfaction_rate));
	json_object_set_new(o, "on_time_rate", num_or_null(f->on_time_rate));
	json_object_set_new(o, "avg_handling_days", num_or_null(f->avg_handling_days));
	return o;
}

static json_t *enum_json(const struct enum_opt *opts, const int64_t *v)
{
	json_t *o = json_object();
	for (int i = 0; opts[i].code; i++)
		json_object_set_new(o, opts[i].code, json_integer((json_int_t)v[i]));
	return o;
}

static int stats_json(struct req *r)
{
	struct ask a;
	struct case_stats st;
	if (ask_compute(r, &a, &st))
		return 0;
	json_t *d = figures_json(&st.all);
	json_object_set_new(
		d, "unit", json_pack("{s:I, s:s}", "id", (json_int_t)a.unit, "name", st.unit_name ? st.unit_name : ""));
	json_object_set_new(d, "from", json_string(day_text(r, a.from)));
	json_object_set_new(d, "to", json_string(day_text(r, a.to)));
	json_object_set_new(d, "includes_unassigned", json_boolean(st.unassigned));
	json_object_set_new(d, "by_channel", enum_json(case_channels, st.by_channel));
	json_object_set_new(d, "by_kind", enum_json(case_kinds, st.by_kind));
	json_object_set_new(d, "by_state", enum_json(case_states, st.by_state));
	json_t *cats = json_array();
	for (int i = 0; i < st.ncategories; i++)
		json_array_append_new(cats,
				      json_pack("{s:I, s:s, s:I}", "id", (json_int_t)st.by_category[i].id, "name",
						st.by_category[i].code, "count", (json_int_t)st.by_category[i].n));
	json_object_set_new(d, "by_category", cats);
	json_t *months = json_array();
	for (int i = 0; i < st.nmonths; i++)
		json_array_append_new(months,
				      json_pack("{s:s, s:I, s:I}", "month",
						arena_printf(r->a, "%04d-%02d", st.months[i].year, st.months[i].month),
						"received", (json_int_t)st.months[i].received, "closed",
						(json_int_t)st.months[i].closed));
	json_object_set_new(d, "by_month", months);
	json_t *units = json_array();
	for (int i = 0; i < st.nunits; i++) {
		json_t *u = figures_json(&st.units[i].f);
		json_object_set_new(u, "id", json_integer((json_int_t)st.units[i].id));
		json_object_set_new(u, "name", json_string(st.units[i].name));
		json_array_append_new(units, u);
	}
	json_object_set_new(d, "by_unit", units);
	json_object_set_new(d, "own", figures_json(&st.own));
	req_json_begin(r, 200);
	char *s = json_dumps(json_pack("{s:o}", "data", d), JSON_COMPACT);
	buf_puts(&r->out, s);
	buf_putc(&r->out, '\n');
	free(s);
	return 0;
}

/* ---- the workbook ---- */

struct book {
	struct req *r;
	const struct case_stats *st;
	int ok;
};

static void write_rate(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v, lxw_format *pc)
{
	if (v >= 0)
		worksheet_write_number(ws, row, col, v / 100, pc);
	else
		worksheet_write_string(ws, row, col, "—", NULL);
}

static void write_counts(struct req *r, lxw_worksheet *ws, lxw_row_t *row, lxw_format *head, enum msg_id title,
			 const struct enum_opt *opts, const int64_t *v)
{
	(*row)++;
	worksheet_write_string(ws, (*row)++, 0, T(r, title), head);
	for (int i = 0; opts[i].code; i++) {
		worksheet_write_string(ws, *row, 0, T(r, opts[i].label), NULL);
		worksheet_write_number(ws, (*row)++, 1, (double)v[i], NULL);
	}
}

static void units_header(struct req *r, lxw_worksheet *ws, lxw_format *head)
{
	const enum msg_id h[] = {M_unit,
				 M_case_stats_received,
				 M_case_stats_closed,
				 M_case_stats_response_rate,
				 M_case_stats_resolution_rate,
				 M_case_stats_satisfaction_rate,
				 M_case_stats_on_time_rate,
				 M_case_stats_avg_days,
				 M_case_stats_overdue};
	for (int i = 0; i < 9; i++) {
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, i ? 14 : 30, NULL);
		worksheet_write_string(ws, 0, (lxw_col_t)i, T(r, h[i]), head);
	}
}

static void unit_line(lxw_worksheet *ws, lxw_row_t row, const char *name, const struct case_figures *f, lxw_format *pc,
		      lxw_format *dd)
{
	worksheet_write_string(ws, row, 0, name, NULL);
	worksheet_write_number(ws, row, 1, (double)f->received, NULL);
	worksheet_write_number(ws, row, 2, (double)f->closed, NULL);
	write_rate(ws, row, 3, f->response_rate, pc);
	write_rate(ws, row, 4, f->resolution_rate, pc);
	write_rate(ws, row, 5, f->satisfaction_rate, pc);
	write_rate(ws, row, 6, f->on_time_rate, pc);
	if (f->avg_handling_days >= 0)
		worksheet_write_number(ws, row, 7, f->avg_handling_days, dd);
	else
		worksheet_write_string(ws, row, 7, "—", NULL);
	worksheet_write_number(ws, row, 8, (double)f->overdue, NULL);
}

static int book_write(struct req *r, const struct case_stats *st, const char *path)
{
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = "/tmp"};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return -1;
	lxw_worksheet *ws = workbook_add_worksheet(wb, T(r, M_case_stats));
	lxw_worksheet *wu = workbook_add_worksheet(wb, T(r, M_case_stats_by_unit));
	lxw_worksheet *wm = workbook_add_worksheet(wb, T(r, M_case_stats_by_month));
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xEAF0F8);
	lxw_format *pc = workbook_add_format(wb);
	format_set_num_format(pc, "0.0%");
	lxw_format *dd = workbook_add_format(wb);
	format_set_num_format(dd, "0.0");
	if (!ws || !wu || !wm || !head || !pc || !dd) {
		workbook_close(wb);
		return -1;
	}
	char a[CAL_DATE_SIZE], b[CAL_DATE_SIZE];
	const struct case_figures *f = &st->all;
	worksheet_set_column(ws, 0, 0, 36, NULL);
	worksheet_set_column(ws, 1, 2, 16, NULL);
	lxw_row_t row = 0;
	worksheet_write_string(ws, row, 0, T(r, M_unit), head);
	worksheet_write_string(ws, row++, 1, st->unit_name ? st->unit_name : "", NULL);
	worksheet_write_string(ws, row, 0, T(r, M_case_stats_period), head);
	worksheet_write_string(ws, row++, 1,
			       arena_printf(r->a, "%s – %s", cal_format_date(st->from, a), cal_format_date(st->to, b)),
			       NULL);
	row++;
	struct {
		enum msg_id label;
		int64_t num, den;
		double v;
		int kind; /* 0 count, 1 rate, 2 days */
	} lines[] = {
		{M_case_stats_received, f->received, 0, 0, 0},
		{M_case_stats_closed, f->closed, 0, 0, 0},
		{M_case_stats_open, f->open, 0, 0, 0},
		{M_case_stats_overdue, f->overdue, 0, 0, 0},
		{M_case_stats_response_rate, f->accepted_on_time, f->dispatched, f->response_rate, 1},
		{M_case_stats_resolution_rate, f->closed, f->counted, f->resolution_rate, 1},
		{M_case_stats_satisfaction_rate, f->satisfied, f->rated, f->satisfaction_rate, 1},
		{M_case_stats_on_time_rate, f->answered_on_time, f->answered, f->on_time_rate, 1},
		{M_case_stats_avg_days, 0, 0, f->avg_handling_days, 2},
	};
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		worksheet_write_string(ws, row, 0, T(r, lines[i].label), NULL);
		if (lines[i].kind == 0)
			worksheet_write_number(ws, row, 1, (double)lines[i].num, NULL);
		else if (lines[i].kind == 1) {
			write_rate(ws, row, 1, lines[i].v, pc);
			worksheet_write_string(
				ws, row, 2,
				arena_printf(r->a, "%lld / %lld", (long long)lines[i].num, (long long)lines[i].den),
				NULL);
		} else if (lines[i].v >= 0)
			worksheet_write_number(ws, row, 1, lines[i].v, dd);
		else
			worksheet_write_string(ws, row, 1, "—", NULL);
		row++;
	}
	write_counts(r, ws, &row, head, M_case_stats_by_channel, case_channels, st->by_channel);
	write_counts(r, ws, &row, head, M_case_stats_by_kind, case_kinds, st->by_kind);
	write_counts(r, ws, &row, head, M_case_stats_by_state, case_states, st->by_state);
	row++;
	worksheet_write_string(ws, row++, 0, T(r, M_case_stats_by_category), head);
	for (int i = 0; i < st->ncategories; i++) {
		worksheet_write_string(ws, row, 0, st->by_category[i].code, NULL);
		worksheet_write_number(ws, row++, 1, (double)st->by_category[i].n, NULL);
	}
	worksheet_write_string(ws, ++row, 0, T(r, M_case_stats_definition), NULL);

	units_header(r, wu, head);
	lxw_row_t ur = 1;
	for (int i = 0; i < st->nunits; i++)
		unit_line(wu, ur++, st->units[i].name, &st->units[i].f, pc, dd);
	if (st->nunits && st->own.received)
		unit_line(wu, ur++,
			  arena_printf(r->a, T(r, st->unassigned ? M_case_stats_own_office : M_case_stats_own),
				       st->unit_name ? st->unit_name : ""),
			  &st->own, pc, dd);
	unit_line(wu, ur, T(r, M_case_stats_total), &st->all, pc, dd);
	worksheet_freeze_panes(wu, 1, 0);

	worksheet_set_column(wm, 0, 2, 14, NULL);
	worksheet_write_string(wm, 0, 0, T(r, M_case_stats_month), head);
	worksheet_write_string(wm, 0, 1, T(r, M_case_stats_received), head);
	worksheet_write_string(wm, 0, 2, T(r, M_case_stats_closed), head);
	for (int i = 0; i < st->nmonths; i++) {
		worksheet_write_string(wm, (lxw_row_t)i + 1, 0,
				       arena_printf(r->a, "%04d-%02d", st->months[i].year, st->months[i].month), NULL);
		worksheet_write_number(wm, (lxw_row_t)i + 1, 1, (double)st->months[i].received, NULL);
		worksheet_write_number(wm, (lxw_row_t)i + 1, 2, (double)st->months[i].closed, NULL);
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

struct book_job {
	struct req *r;
	const struct case_stats *st;
};

static int book_job_write(void *p, const char *path)
{
	struct book_job *j = p;
	return book_write(j->r, j->st, path);
}

static int stats_xlsx(struct req *r)
{
	struct ask a;
	struct case_stats st;
	if (ask_compute(r, &a, &st))
		return 0;
	struct book_job job = {r, &st};
	return export_stats_workbook(r, "case_stats", T(r, M_case_stats), a.unit, st.unit_name, a.from, a.to,
				     book_job_write, &job);
}

/* ---- metrics ---- */

enum fig { FIG_RECEIVED, FIG_RESPONSE, FIG_RESOLUTION, FIG_SATISFACTION, FIG_ON_TIME, FIG_OVERDUE, FIG_AVG_DAYS };

/* For the assessment: the unit's subtree, with the unit-less cases when
 * the unit is the top of the tree; an undefined rate counts as 0. */
static int metric(struct req *r, int64_t unit, const char *from, const char *to, enum fig which, double *value)
{
	int64_t a, b;
	struct db *db = req_db(r);
	if (!db || cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b)
		return DB_ERR;
	struct case_stats st;
	int rc = case_stats_compute(r, unit, a, b, today_day(), is_top(db, unit), 0, &st);
	if (rc)
		return rc;
	const struct case_figures *f = &st.all;
	double v = which == FIG_RECEIVED       ? (double)f->received
		   : which == FIG_RESPONSE     ? f->response_rate
		   : which == FIG_RESOLUTION   ? f->resolution_rate
		   : which == FIG_SATISFACTION ? f->satisfaction_rate
		   : which == FIG_ON_TIME      ? f->on_time_rate
		   : which == FIG_OVERDUE      ? (double)f->overdue
					       : f->avg_handling_days;
	*value = v < 0 ? 0 : v;
	return 0;
}

#define METRIC(fn, which)                                                                           \
	static int fn(struct req *r, int64_t unit, const char *from, const char *to, double *value) \
	{                                                                                           \
		return metric(r, unit, from, to, which, value);                                     \
	}
METRIC(m_received, FIG_RECEIVED)
METRIC(m_response, FIG_RESPONSE)
METRIC(m_resolution, FIG_RESOLUTION)
METRIC(m_satisfaction, FIG_SATISFACTION)
METRIC(m_on_time, FIG_ON_TIME)
METRIC(m_overdue, FIG_OVERDUE)
METRIC(m_avg_days, FIG_AVG_DAYS)
#undef METRIC

/* Every unit's own share in one query over the period (GROUP BY the
 * case's unit; the cases without a unit under 0, which compute counts for
 * the top of the tree only): the numerator and denominator of figures(),
 * the rates scaled to percentages as rate() does (100 × num / den). The
 * period is read by a scan of the table, not the received_at index: a round
 * asks for a year, most of the table, and 1.5M lookups through the index
 * took 2-3 times as long as the scan. */
static const struct {
	const char *num, *den; /* SQL over t; "?" in num: the overdue day */
} shares_sql[] = {
	[FIG_RECEIVED] = {"count(*)", "0"},
	[FIG_RESPONSE] = {"100 * " SUM(DISPATCHED " AND t.accepted_at IS NOT NULL AND t.accepted_on_time = 1"),
			  SUM(DISPATCHED)},
	[FIG_RESOLUTION] = {"100 * " SUM("t.state = 'closed'"), SUM(COUNTED)},
	[FIG_SATISFACTION] = {"100 * " SUM(RATED " AND t.rating IN ('5', '4')"), SUM(RATED)},
	[FIG_ON_TIME] = {"100 * " SUM(ANSWERED " AND t.answered_on_time = 1"), SUM(ANSWERED)},
	[FIG_OVERDUE] = {SUM(OPEN_CASE " AND t.due < ?"), "0"},
	[FIG_AVG_DAYS] = {"COALESCE(sum(CASE WHEN " ANSWERED " AND t.handling_days IS NOT NULL THEN "
			  "CAST(t.handling_days AS INTEGER) ELSE 0 END), 0)",
			  SUM(ANSWERED " AND t.handling_days IS NOT NULL")},
};

/* The period of the metrics (as case_stats_compute counts it). */
static int metric_period(const char *from, const char *to, struct period *p)
{
	int64_t a, b;
	if (cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b)
		return DB_ERR;
	p->start = day_start(a);
	p->end = day_start(b + 1);
	int64_t today = today_day();
	cal_format_date(b < today ? b : today, p->before);
	return 0;
}

static int shares(struct req *r, const char *from, const char *to, enum fig which, metric_share_fn *share, void *ctx)
{
	struct period p;
	struct db *db = req_db(r);
	if (!db || metric_period(from, to, &p))
		return DB_ERR;
	struct db_stmt *s =
		db_prepare(db, r->a,
			   arena_printf(r->a,
					"SELECT COALESCE(t.unit_id, 0), %s, %s FROM cases t WHERE t.archived = 0 AND "
					"+t.received_at >= ? AND +t.received_at < ? GROUP BY t.unit_id",
					shares_sql[which].num, shares_sql[which].den));
	if (!s)
		return DB_ERR;
	int k = 1;
	if (which == FIG_OVERDUE)
		db_bind_text(s, k++, p.before);
	db_bind_int64(s, k++, p.start);
	db_bind_int64(s, k, p.end);
	int rc;
	while ((rc = db_step(s)) == DB_ROW)
		share(ctx, db_column_int64(s, 0), (double)db_column_int64(s, 1), (double)db_column_int64(s, 2));
	db_reset(s);
	return rc < 0 ? rc : 0;
}

/* The cases behind a value, newest first: every case for the count
 * received, the numerator's cases for a rate (accepted on time, closed,
 * satisfied, answered on time), the overdue ones, and for the average
 * the answered cases with their working days as weight. The day is the
 * day received (what puts a case in the period); an overdue case's is
 * its deadline. */
static const char *const records_cond[] = {
	[FIG_RECEIVED] = "1 = 1",
	[FIG_RESPONSE] = DISPATCHED " AND t.accepted_at IS NOT NULL AND t.accepted_on_time = 1",
	[FIG_RESOLUTION] = "t.state = 'closed'",
	[FIG_SATISFACTION] = RATED " AND t.rating IN ('5', '4')",
	[FIG_ON_TIME] = ANSWERED " AND t.answered_on_time = 1",
	[FIG_OVERDUE] = OPEN_CASE " AND t.due < ?",
	[FIG_AVG_DAYS] = ANSWERED " AND t.handling_days IS NOT NULL",
};

static int records(struct req *r, int64_t unit, const char *from, const char *to, enum fig which, int limit,
		   metric_record_fn *fn, void *ctx)
{
	struct period p;
	struct db *db = req_db(r);
	if (!db || metric_period(from, to, &p))
		return DB_ERR;
	struct db_stmt *s = db_prepare(
		db, r->a,
		arena_printf(r->a,
			     "SELECT t.id, t.number, t.title, t.received_at, t.due, CAST(COALESCE(t.handling_days, 0) AS "
			     "INTEGER)%s AND %s ORDER BY t.received_at DESC, t.id DESC LIMIT ?",
			     where_sql(r, 0, is_top(db, unit)), records_cond[which]));
	if (!s)
		return DB_ERR;
	bind_where(s, 1, &p, unit);
	int k = 4;
	if (which == FIG_OVERDUE)
		db_bind_text(s, k++, p.before);
	db_bind_int64(s, k, limit);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		char d[CAL_DATE_SIZE];
		const char *number = db_column_text(s, 1), *title = db_column_text(s, 2);
		struct metric_record m = {
			.path = arena_printf(r->a, "/r/cases/%lld", (long long)db_column_int64(s, 0)),
			.title = arena_printf(r->a, "%s · %s", number ? number : "", title ? title : ""),
			.day = which == FIG_OVERDUE && !db_column_isnull(s, 4)
				       ? arena_strdup(r->a, db_column_text(s, 4))
				       : arena_strdup(r->a, cal_format_date(cal_local_day(db_column_int64(s, 3)), d)),
			.weight = which == FIG_AVG_DAYS ? (double)db_column_int64(s, 5) : 1,
		};
		if (fn(ctx, &m))
			break;
	}
	db_reset(s);
	return rc < 0 ? rc : 0;
}

#define SHARES(base, which)                                                                                       \
	static int base##_shares(struct req *r, const char *from, const char *to, metric_share_fn *share, void *ctx) \
	{                                                                                                        \
		return shares(r, from, to, which, share, ctx);                                                   \
	}                                                                                                        \
	static int base##_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,        \
				metric_record_fn *fn, void *ctx)                                                 \
	{                                                                                                        \
		return records(r, unit, from, to, which, limit, fn, ctx);                                        \
	}
SHARES(m_received, FIG_RECEIVED)
SHARES(m_response, FIG_RESPONSE)
SHARES(m_resolution, FIG_RESOLUTION)
SHARES(m_satisfaction, FIG_SATISFACTION)
SHARES(m_on_time, FIG_ON_TIME)
SHARES(m_overdue, FIG_OVERDUE)
SHARES(m_avg_days, FIG_AVG_DAYS)
#undef SHARES

#define CASE_METRIC(nm, lbl, base, k)                                                                               \
	{                                                                                                        \
		.name = nm, .label = lbl, .compute = base, .kind = k, .shares = base##_shares, .records = base##_records \
	}
const struct metric case_metrics[] = {
	CASE_METRIC("cases_received", M_case_stats_received, m_received, METRIC_SUM),
	CASE_METRIC("response_rate", M_case_stats_response_rate, m_response, METRIC_RATE),
	CASE_METRIC("resolution_rate", M_case_stats_resolution_rate, m_resolution, METRIC_RATE),
	CASE_METRIC("satisfaction_rate", M_case_stats_satisfaction_rate, m_satisfaction, METRIC_RATE),
	CASE_METRIC("on_time_rate", M_case_stats_on_time_rate, m_on_time, METRIC_RATE),
	CASE_METRIC("overdue_cases", M_case_stats_overdue, m_overdue, METRIC_SUM),
	CASE_METRIC("avg_handling_days", M_case_stats_avg_days, m_avg_days, METRIC_RATE),
	{.name = NULL},
};
#undef CASE_METRIC

const struct route case_stats_routes[] = {
	{"GET", "/cases/stats", stats_page, P_SIGNED_IN, 0, "cases stats"},
	{"GET", "/cases/stats.xlsx", stats_xlsx, P_SIGNED_IN, 0, "cases stats"},
	{"GET", "/api/v1/stats/cases", stats_json, P_SIGNED_IN, 0, NULL},
	{NULL, NULL, NULL, 0, 0, NULL},
};
