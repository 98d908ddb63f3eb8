/* stats.c — the rectification figures of a unit's subtree over a period
 * (/rectification/stats, its workbook, and the assessment's metrics). One
 * function computes them. Which items count: archived = 0, assigned on a
 * day from..to (assigned_at, server time zone), unit_id in the subtree.
 *
 *   items           every such item
 *   closed          state 'closed'
 *   closed_on_time  closed, on_time = 1 (closed on or before its due date)
 *   overdue         open past its due date at min(to, today), plus those
 *                   closed late (on_time = 0)
 *   avg_days        mean days_to_close (working days from assignment to
 *                   sign-off) of the closed ones; -1 when none
 *   repeats         items with a checklist item for which the same unit had
 *                   an item of the same checklist item assigned in the 365
 *                   days before (the same failure again within a year) */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../records/period.h"
#include "../records/export.h"
#include "../web/chart.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "rect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

struct rect_figures {
	int64_t items, closed, closed_on_time, overdue, repeats;
	double avg_days;
};

static int64_t today_day(void)
{
	return cal_local_day(time(NULL));
}

static const char *day_text(struct req *r, int64_t day)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(r->a, cal_format_date(day, d));
}

static int figures(struct req *r, int64_t unit, int64_t from, int64_t to, struct rect_figures *f)
{
	memset(f, 0, sizeof *f);
	f->avg_days = -1;
	int64_t until = to < today_day() ? to : today_day();
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		"SELECT count(*), "
		"sum(CASE WHEN t.state = 'closed' THEN 1 ELSE 0 END), "
		"sum(CASE WHEN t.state = 'closed' AND t.on_time = 1 THEN 1 ELSE 0 END), "
		"sum(CASE WHEN (t.state <> 'closed' AND t.due < ?) OR (t.state = 'closed' AND t.on_time = 0) THEN 1 "
		"ELSE 0 END), "
		"sum(CASE WHEN t.state = 'closed' AND t.days_to_close IS NOT NULL THEN t.days_to_close ELSE 0 END), "
		"sum(CASE WHEN t.state = 'closed' AND t.days_to_close IS NOT NULL THEN 1 ELSE 0 END), "
		"sum(CASE WHEN t.checklist_item IS NOT NULL AND EXISTS (SELECT 1 FROM rectifications p WHERE "
		"p.archived = 0 AND p.unit_id = t.unit_id AND p.checklist_item = t.checklist_item AND p.id <> t.id AND "
		"p.assigned_at >= t.assigned_at - 31536000 AND (p.assigned_at < t.assigned_at OR (p.assigned_at = "
		"t.assigned_at AND p.id < t.id))) THEN 1 ELSE 0 END) "
		"FROM rectifications t WHERE t.archived = 0 AND t.unit_id IN (SELECT unit_id FROM unit_tree WHERE "
		"ancestor_id = ?) AND t.assigned_at >= ? AND t.assigned_at < ?",
		"siii", day_text(r, until), unit, cal_local_time(from, 0, 0, 0), cal_local_time(to + 1, 0, 0, 0));
	if (!q)
		return DB_ERR;
	int rc = db_step(q);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	f->items = db_column_int64(q, 0);
	f->closed = db_column_int64(q, 1);
	f->closed_on_time = db_column_int64(q, 2);
	f->overdue = db_column_int64(q, 3);
	int64_t days = db_column_int64(q, 4), n = db_column_int64(q, 5);
	f->repeats = db_column_int64(q, 6);
	f->avg_days = n ? (double)days / (double)n : -1;
	db_reset(q);
	return 0;
}

/* ---- the page ---- */

struct ask {
	int64_t unit, from, to;
	const char *unit_name;
};

static int ask_read(struct req *r, struct ask *a)
{
	struct stats_ask s;
	if (stats_ask_read(r, &rect_type, &s))
		return -1;
	a->unit = s.unit;
	a->from = s.from;
	a->to = s.to;
	a->unit_name = s.unit_name;
	return 0;
}

struct unit_row {
	int64_t id;
	const char *name;
	struct rect_figures f;
};

/* The direct sub-units' figures and the whole subtree's (last). */
static int rows_compute(struct req *r, const struct ask *a, struct unit_row **out, int *n)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, name FROM units WHERE parent_id = ? AND archived = 0 ORDER BY "
				     "sort_order, code LIMIT 200",
				     "i", a->unit);
	int cap = 201, k = 0;
	struct unit_row *v = arena_alloc(r->a, (size_t)cap * sizeof *v);
	while (q && db_step(q) == DB_ROW && k < cap - 1) {
		v[k].id = db_column_int64(q, 0);
		v[k].name = arena_strdup(r->a, db_column_text(q, 1));
		k++;
	}
	for (int i = 0; i < k; i++) {
		int rc = figures(r, v[i].id, a->from, a->to, &v[i].f);
		if (rc)
			return rc;
	}
	v[k].id = a->unit;
	v[k].name = a->unit_name;
	int rc = figures(r, a->unit, a->from, a->to, &v[k].f);
	*out = v;
	*n = k + 1;
	return rc;
}

static const char *pct(struct req *r, int64_t a, int64_t b)
{
	return b ? arena_printf(r->a, "%.1f %%", 100.0 * (double)a / (double)b) : "—";
}

static const char *days_text(struct req *r, double v)
{
	return v < 0 ? "—" : arena_printf(r->a, "%.1f", v);
}

static const enum msg_id heads[] = {M_rect_stats_items,        M_rect_stats_closed,  M_rect_stats_on_time,
				    M_rect_stats_on_time_rate, M_rect_stats_overdue, M_rect_stats_avg_days,
				    M_rect_stats_repeats};

static int stats_page(struct req *r)
{
	struct ask a;
	if (ask_read(r, &a))
		return 0;
	struct unit_row *v;
	int n;
	if (rows_compute(r, &a, &v, &n))
		return req_fail(r, 503, M_err_db_down);
	const char *from = day_text(r, a.from), *to = day_text(r, a.to);
	const char *qs = arena_printf(r->a, "unit=%lld&from=%s&to=%s", (long long)a.unit, from, to);
	struct crumb c[] = {{"/r/rectifications", T(r, M_rect_items)}, {NULL, T(r, M_rect_stats)}};
	page_begin(r, T(r, M_rect_stats), c, 2);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, M_rect_stats), a.unit_name),
		     html_fmt(r, "<a class=\"btn\" href=\"/rectification/stats.xlsx?%a\">XLSX</a>", qs));
	html(r,
	     "<form class=\"filters\" method=\"get\" action=\"/rectification/stats\"><div class=\"field\"><label "
	     "for=\"f-unit\">%T</label>",
	     M_unit);
	unit_picker(r, "f-unit", "unit", arena_printf(r->a, "%lld", (long long)a.unit), 1, M_NONE, NULL);
	html(r,
	     "</div><div class=\"field\"><label for=\"f-from\">%T</label><input id=\"f-from\" name=\"from\" "
	     "type=\"date\" value=\"%a\"></div><div class=\"field\"><label for=\"f-to\">%T</label><input id=\"f-to\" "
	     "name=\"to\" type=\"date\" value=\"%a\"></div><div class=\"filter-actions\"><button "
	     "class=\"btn\">%T</button></div></form>",
	     M_rect_from, from, M_rect_to, to, M_rect_show);
	const struct rect_figures *t = &v[n - 1].f;
	html(r, "<div class=\"tiles\">");
	const char *vals[] = {arena_printf(r->a, "%lld", (long long)t->items),
			      arena_printf(r->a, "%lld", (long long)t->closed),
			      arena_printf(r->a, "%lld", (long long)t->closed_on_time),
			      pct(r, t->closed_on_time, t->closed),
			      arena_printf(r->a, "%lld", (long long)t->overdue),
			      days_text(r, t->avg_days),
			      arena_printf(r->a, "%lld", (long long)t->repeats)};
	for (int i = 0; i < 7; i++)
		html(r,
		     "<div class=\"tile%s\"><span class=\"tile-label\">%T</span><span "
		     "class=\"tile-value\">%s</span></div>",
		     (i == 4 && t->overdue) || (i == 6 && t->repeats) ? " tile-danger" : "", heads[i], vals[i]);
	html(r, "</div>");
	if (n > 1) {
		const char **cats = arena_alloc(r->a, (size_t)(n - 1) * sizeof *cats);
		int64_t *s0 = arena_alloc(r->a, (size_t)(n - 1) * sizeof *s0);
		int64_t *s1 = arena_alloc(r->a, (size_t)(n - 1) * sizeof *s1);
		int64_t *s2 = arena_alloc(r->a, (size_t)(n - 1) * sizeof *s2);
		int k = 0;
		for (int i = 0; i < n - 1; i++) {
			if (!v[i].f.items)
				continue;
			cats[k] = v[i].name;
			s0[k] = v[i].f.items;
			s1[k] = v[i].f.closed_on_time;
			s2[k++] = v[i].f.overdue;
		}
		if (k) {
			/* colours: chart-s1 is red, chart-s2 green */
			struct chart_series s[3] = {{T(r, M_rect_stats_items), s0},
						    {T(r, M_rect_stats_overdue), s2},
						    {T(r, M_rect_stats_on_time), s1}};
			html(r, "<section class=\"card\">");
			chart_bars(r, T(r, M_rect_stats_by_unit), cats, k, s, 3);
			html(r, "</section>");
		}
	}
	static const struct list_col cols[] = {{M_unit, NULL, 0},
					       {M_rect_stats_items, NULL, 1},
					       {M_rect_stats_closed, NULL, 1},
					       {M_rect_stats_on_time, NULL, 1},
					       {M_rect_stats_on_time_rate, NULL, 1},
					       {M_rect_stats_overdue, NULL, 1},
					       {M_rect_stats_avg_days, NULL, 1},
					       {M_rect_stats_repeats, NULL, 1}};
	html(r, "<section class=\"card\"><h2>%T</h2>", M_rect_stats_by_unit);
	list_begin(r, cols, 8, -1, 0);
	for (int i = 0; i < n; i++) {
		const struct rect_figures *f = &v[i].f;
		int total = i == n - 1;
		html(r,
		     "<tr%H><td class=\"card-title\">%H%s%H</td><td class=\"num\" data-label=\"%T\"><a "
		     "href=\"/rectification/ledger?unit=%D&amp;from=%u&amp;to=%u\">%D</a></td><td class=\"num\" "
		     "data-label=\"%T\">%D</td><td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" "
		     "data-label=\"%T\">%s</td><td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" "
		     "data-label=\"%T\">%s</td><td class=\"num\" data-label=\"%T\">%D</td></tr>",
		     total ? MARKUP(" class=\"total\"") : NULL, total ? MARKUP("<strong>") : NULL,
		     total ? T(r, M_rect_stats_total) : v[i].name, total ? MARKUP("</strong>") : NULL, heads[0],
		     v[i].id, from, to, f->items, heads[1], f->closed, heads[2], f->closed_on_time, heads[3],
		     pct(r, f->closed_on_time, f->closed), heads[4], f->overdue, heads[5], days_text(r, f->avg_days),
		     heads[6], f->repeats);
	}
	list_end(r);
	html(r, "<p class=\"hint\">%T</p></section>", M_rect_stats_definition);
	page_end(r);
	return 0;
}

/* ---- the workbook ---- */

struct book {
	struct req *r;
	const struct ask *a;
	const struct unit_row *v;
	int n;
};

/* The workbook at path (export_workbook): 0, or -1. */
static int book_write(void *p, const char *path)
{
	struct book *b = p;
	struct req *r = b->r;
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return -1;
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_format *head = workbook_add_format(wb);
	lxw_format *dd = workbook_add_format(wb);
	if (!ws || !head || !dd) {
		workbook_close(wb);
		return -1;
	}
	format_set_bold(head);
	format_set_num_format(dd, "0.0");
	worksheet_set_column(ws, 0, 0, 30, NULL);
	worksheet_set_column(ws, 1, 7, 14, NULL);
	worksheet_write_string(ws, 0, 0, T(r, M_unit), head);
	for (int i = 0; i < 7; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i + 1, T(r, heads[i]), head);
	for (int i = 0; i < b->n; i++) {
		const struct rect_figures *f = &b->v[i].f;
		lxw_row_t row = (lxw_row_t)i + 1;
		worksheet_write_string(ws, row, 0, i == b->n - 1 ? T(r, M_rect_stats_total) : b->v[i].name,
				       i == b->n - 1 ? head : NULL);
		worksheet_write_number(ws, row, 1, (double)f->items, NULL);
		worksheet_write_number(ws, row, 2, (double)f->closed, NULL);
		worksheet_write_number(ws, row, 3, (double)f->closed_on_time, NULL);
		if (f->closed)
			worksheet_write_number(ws, row, 4, 100.0 * (double)f->closed_on_time / (double)f->closed, dd);
		else
			worksheet_write_string(ws, row, 4, "—", NULL);
		worksheet_write_number(ws, row, 5, (double)f->overdue, NULL);
		if (f->avg_days >= 0)
			worksheet_write_number(ws, row, 6, f->avg_days, dd);
		else
			worksheet_write_string(ws, row, 6, "—", NULL);
		worksheet_write_number(ws, row, 7, (double)f->repeats, NULL);
	}
	char x[CAL_DATE_SIZE], y[CAL_DATE_SIZE];
	worksheet_write_string(ws, (lxw_row_t)b->n + 2, 0,
			       arena_printf(r->a, "%s%s%s – %s", T(r, M_rect_period), T(r, M_rect_colon),
					    cal_format_date(b->a->from, x), cal_format_date(b->a->to, y)),
			       NULL);
	worksheet_write_string(ws, (lxw_row_t)b->n + 3, 0, T(r, M_rect_stats_definition), NULL);
	worksheet_freeze_panes(ws, 1, 0);
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

static int stats_xlsx(struct req *r)
{
	struct ask a;
	if (ask_read(r, &a))
		return 0;
	struct unit_row *v;
	int n;
	if (rows_compute(r, &a, &v, &n))
		return req_fail(r, 503, M_err_db_down);
	struct book job = {r, &a, v, n};
	return export_stats_workbook(r, "rectification_stats", T(r, M_rect_stats), a.unit, a.unit_name, a.from, a.to,
				     book_write, &job);
}

/* ---- metrics ---- */

enum fig { FIG_ITEMS, FIG_ON_TIME, FIG_OVERDUE, FIG_AVG_DAYS, FIG_REPEATS };

static int metric(struct req *r, int64_t unit, const char *from, const char *to, enum fig which, double *value)
{
	int64_t a, b;
	if (!req_db(r) || cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b)
		return DB_ERR;
	struct rect_figures f;
	int rc = figures(r, unit, a, b, &f);
	if (rc)
		return rc;
	*value = which == FIG_ITEMS     ? (double)f.items
		 : which == FIG_ON_TIME ? (double)f.closed_on_time
		 : which == FIG_OVERDUE ? (double)f.overdue
		 : which == FIG_REPEATS ? (double)f.repeats
		 : f.avg_days < 0       ? 0
					: f.avg_days;
	return 0;
}

#define METRIC(fn, which)                                                                           \
	static int fn(struct req *r, int64_t unit, const char *from, const char *to, double *value) \
	{                                                                                           \
		return metric(r, unit, from, to, which, value);                                     \
	}
METRIC(m_items, FIG_ITEMS)
METRIC(m_on_time, FIG_ON_TIME)
METRIC(m_overdue, FIG_OVERDUE)
METRIC(m_avg_days, FIG_AVG_DAYS)
METRIC(m_repeats, FIG_REPEATS)
#undef METRIC

/* The items of the figures(), each metric's condition over t (binds: the
 * overdue day where there is a "?"). */
#define RECT_OVERDUE "((t.state <> 'closed' AND t.due < ?) OR (t.state = 'closed' AND t.on_time = 0))"
#define RECT_CLOSED_DAYS "t.state = 'closed' AND t.days_to_close IS NOT NULL"
#define RECT_REPEAT                                                                                             \
	"t.checklist_item IS NOT NULL AND EXISTS (SELECT 1 FROM rectifications p WHERE p.archived = 0 AND "      \
	"p.unit_id = t.unit_id AND p.checklist_item = t.checklist_item AND p.id <> t.id AND p.assigned_at >= "   \
	"t.assigned_at - 31536000 AND (p.assigned_at < t.assigned_at OR (p.assigned_at = t.assigned_at AND "     \
	"p.id < t.id)))"

static const struct {
	const char *num, *den, *cond;
} rect_sql[] = {
	[FIG_ITEMS] = {"count(*)", "0", "1 = 1"},
	[FIG_ON_TIME] = {"sum(CASE WHEN t.state = 'closed' AND t.on_time = 1 THEN 1 ELSE 0 END)", "0",
			 "t.state = 'closed' AND t.on_time = 1"},
	[FIG_OVERDUE] = {"sum(CASE WHEN " RECT_OVERDUE " THEN 1 ELSE 0 END)", "0", RECT_OVERDUE},
	[FIG_AVG_DAYS] = {"sum(CASE WHEN " RECT_CLOSED_DAYS " THEN t.days_to_close ELSE 0 END)",
			  "sum(CASE WHEN " RECT_CLOSED_DAYS " THEN 1 ELSE 0 END)", RECT_CLOSED_DAYS},
	[FIG_REPEATS] = {"sum(CASE WHEN " RECT_REPEAT " THEN 1 ELSE 0 END)", "0", RECT_REPEAT},
};

static int metric_days(struct req *r, const char *from, const char *to, int64_t *a, int64_t *b)
{
	return !req_db(r) || cal_parse_date(from, a) || cal_parse_date(to, b) || *a > *b ? DB_ERR : 0;
}

/* Every unit's own share in one query (GROUP BY the item's unit: a repeat
 * is the same unit's, so it decomposes too; items without a unit count
 * nowhere, as in figures()). */
static int shares(struct req *r, const char *from, const char *to, enum fig which, metric_share_fn *share, void *ctx)
{
	int64_t a, b;
	if (metric_days(r, from, to, &a, &b))
		return DB_ERR;
	int64_t until = b < today_day() ? b : today_day();
	struct db_stmt *q = db_prepare(req_db(r), r->a,
				       arena_printf(r->a,
						    "SELECT t.unit_id, COALESCE(%s, 0), COALESCE(%s, 0) FROM rectifications t "
						    "WHERE t.archived = 0 AND t.unit_id IS NOT NULL AND t.assigned_at >= ? "
						    "AND t.assigned_at < ? GROUP BY t.unit_id",
						    rect_sql[which].num, rect_sql[which].den));
	if (!q)
		return DB_ERR;
	int k = 1;
	if (which == FIG_OVERDUE)
		db_bind_text(q, k++, day_text(r, until));
	db_bind_int64(q, k++, cal_local_time(a, 0, 0, 0));
	db_bind_int64(q, k, cal_local_time(b + 1, 0, 0, 0));
	int rc;
	while ((rc = db_step(q)) == DB_ROW)
		share(ctx, db_column_int64(q, 0), db_column_double(q, 1), db_column_double(q, 2));
	db_reset(q);
	return rc < 0 ? rc : 0;
}

/* The items behind a value, newest first (by the day assigned, which puts
 * them in the period; an overdue item's day is its deadline); for the
 * average the closed ones weighing their working days. */
static int records(struct req *r, int64_t unit, const char *from, const char *to, enum fig which, int limit,
		   metric_record_fn *fn, void *ctx)
{
	int64_t a, b;
	if (metric_days(r, from, to, &a, &b))
		return DB_ERR;
	int64_t until = b < today_day() ? b : today_day();
	struct db_stmt *q = db_prepare(
		req_db(r), r->a,
		arena_printf(r->a,
			     "SELECT t.id, t.number, t.problem, t.assigned_at, t.due, COALESCE(t.days_to_close, 0) FROM "
			     "rectifications t WHERE t.archived = 0 AND t.unit_id IN (SELECT unit_id FROM unit_tree "
			     "WHERE ancestor_id = ?) AND t.assigned_at >= ? AND t.assigned_at < ? AND %s ORDER BY "
			     "t.assigned_at DESC, t.id DESC LIMIT ?",
			     rect_sql[which].cond));
	if (!q)
		return DB_ERR;
	int k = 1;
	db_bind_int64(q, k++, unit);
	db_bind_int64(q, k++, cal_local_time(a, 0, 0, 0));
	db_bind_int64(q, k++, cal_local_time(b + 1, 0, 0, 0));
	if (which == FIG_OVERDUE)
		db_bind_text(q, k++, day_text(r, until));
	db_bind_int64(q, k, limit);
	int rc;
	while ((rc = db_step(q)) == DB_ROW) {
		const char *number = db_column_text(q, 1), *problem = db_column_text(q, 2);
		const char *nl = problem ? strchr(problem, '\n') : NULL;
		struct metric_record m = {
			.path = arena_printf(r->a, "/r/rectifications/%lld", (long long)db_column_int64(q, 0)),
			.title = arena_printf(r->a, "%s · %.*s", number ? number : "",
					      problem ? (int)(nl ? (size_t)(nl - problem) : strlen(problem)) : 0,
					      problem ? problem : ""),
			.day = which == FIG_OVERDUE && !db_column_isnull(q, 4)
				       ? arena_strdup(r->a, db_column_text(q, 4))
				       : day_text(r, cal_local_day(db_column_int64(q, 3))),
			.weight = which == FIG_AVG_DAYS ? db_column_double(q, 5) : 1,
		};
		if (fn(ctx, &m))
			break;
	}
	db_reset(q);
	return rc < 0 ? rc : 0;
}

#define SHARES(base, which)                                                                                     \
	static int base##_shares(struct req *r, const char *from, const char *to, metric_share_fn *share,        \
				 void *ctx)                                                                      \
	{                                                                                                        \
		return shares(r, from, to, which, share, ctx);                                                   \
	}                                                                                                        \
	static int base##_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,      \
				  metric_record_fn *fn, void *ctx)                                               \
	{                                                                                                        \
		return records(r, unit, from, to, which, limit, fn, ctx);                                        \
	}
SHARES(m_items, FIG_ITEMS)
SHARES(m_on_time, FIG_ON_TIME)
SHARES(m_overdue, FIG_OVERDUE)
SHARES(m_avg_days, FIG_AVG_DAYS)
SHARES(m_repeats, FIG_REPEATS)
#undef SHARES

#define RECT_METRIC(nm, lbl, base, k)                                                                             \
	{                                                                                                        \
		.name = nm, .label = lbl, .compute = base, .kind = k, .shares = base##_shares,                    \
		.records = base##_records                                                                        \
	}
const struct metric rect_metrics[] = {
	RECT_METRIC("rect_items", M_rect_stats_items, m_items, METRIC_SUM),
	RECT_METRIC("rect_closed_on_time", M_rect_stats_on_time, m_on_time, METRIC_SUM),
	RECT_METRIC("rect_overdue", M_rect_stats_overdue, m_overdue, METRIC_SUM),
	RECT_METRIC("rect_avg_days", M_rect_stats_avg_days, m_avg_days, METRIC_RATE),
	RECT_METRIC("rect_repeats", M_rect_stats_repeats, m_repeats, METRIC_SUM),
	{.name = NULL},
};
#undef RECT_METRIC

const struct route rect_stats_routes[] = {
	{"GET", "/rectification/stats", stats_page, P_SIGNED_IN, 0, "rectification stats"},
	{"GET", "/rectification/stats.xlsx", stats_xlsx, P_SIGNED_IN, 0, "rectification stats"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
