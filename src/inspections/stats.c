/* stats.c — the inspections' statistics per unit (its subtree) and
 * period: inspections done, the average score, failed items by checklist
 * item, by month and by direct sub-unit; the page (/inspections/stats),
 * its workbook (?format=xlsx) and the assessment's metrics all come from
 * ins_stats_compute.
 *
 * Which inspections count: archived = 0, state recorded or appealed (a
 * draft is not done yet), inspected_on from..to (both included), unit_id
 * in the unit's subtree (unit_tree). The average score is the mean of
 * their scores (as revised by an upheld appeal); failed items are their
 * results with passed = 0. */
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
#include "inspections.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#define MAX_ROWS 200

struct ins_figures {
	int64_t done, failed, results;
	double avg; /* -1: none done */
};

struct ins_item_count {
	const char *label, *checklist;
	int64_t failed, checked;
};

struct ins_unit_row {
	int64_t id;
	const char *name;
	struct ins_figures f;
};

struct ins_month {
	int year, month;
	int64_t done;
	double avg;
};

struct ins_stats {
	int64_t unit;
	const char *unit_name;
	int64_t from, to;
	struct ins_figures all;
	int64_t by_kind[3];
	struct ins_item_count *items;
	int nitems;
	struct ins_unit_row *units;
	int nunits;
	struct ins_month *months;
	int nmonths;
};

#define DONE " t.archived = 0 AND t.state IN ('recorded', 'appealed') AND t.inspected_on >= ? AND t.inspected_on <= ? "
#define SUBTREE " t.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) "

static const char *day_text(struct req *r, int64_t day)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(r->a, cal_format_date(day, d));
}

static int figures(struct req *r, int64_t unit, const char *from, const char *to, struct ins_figures *f)
{
	memset(f, 0, sizeof *f);
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		"SELECT count(*), avg(t.score), COALESCE(sum(t.failed), 0) FROM inspections t WHERE" DONE "AND" SUBTREE,
		"ssi", from, to, unit);
	if (!q || db_step(q) != DB_ROW)
		return DB_ERR;
	f->done = db_column_int64(q, 0);
	f->avg = f->done && !db_column_isnull(q, 1) ? db_column_double(q, 1) : -1;
	f->failed = db_column_int64(q, 2);
	db_reset(q);
	f->results =
		db_one_int64(req_db(r), 0,
			     "SELECT count(*) FROM inspection_results x JOIN inspections t ON t.id = x.inspection_id "
			     "WHERE" DONE "AND" SUBTREE,
			     "ssi", from, to, unit);
	return 0;
}

static int ins_stats_compute(struct req *r, int64_t unit, int64_t from, int64_t to, int detail, struct ins_stats *st)
{
	memset(st, 0, sizeof *st);
	st->unit = unit, st->from = from, st->to = to;
	struct db *db = req_db(r);
	const char *a = day_text(r, from), *b = day_text(r, to);
	st->unit_name = db_one_text(db, r->a, "SELECT name FROM units WHERE id = ?", "i", unit);
	int rc = figures(r, unit, a, b, &st->all);
	if (rc || !detail)
		return rc;
	for (int k = 0; ins_kinds[k].code; k++)
		st->by_kind[k] = db_one_int64(
			db, 0, "SELECT count(*) FROM inspections t WHERE" DONE "AND" SUBTREE "AND t.kind = ?", "ssis",
			a, b, unit, ins_kinds[k].code);
	/* failed items by checklist item, most first */
	st->items = arena_alloc(r->a, MAX_ROWS * sizeof *st->items);
	struct db_stmt *q =
		db_query(db, r->a,
			 "SELECT i.label, c.name, sum(CASE WHEN x.passed = 0 THEN 1 ELSE 0 END), count(*) FROM "
			 "inspection_results x "
			 "JOIN inspections t ON t.id = x.inspection_id JOIN checklist_items i ON i.id = x.item_id "
			 "JOIN inspection_checklists c ON c.id = i.checklist_id WHERE" DONE "AND" SUBTREE
			 "GROUP BY i.id, i.label, c.name ORDER BY 3 DESC, i.label LIMIT 200",
			 "ssi", a, b, unit);
	while (q && db_step(q) == DB_ROW && st->nitems < MAX_ROWS) {
		struct ins_item_count *c = &st->items[st->nitems++];
		c->label = arena_strdup(r->a, db_column_text(q, 0));
		c->checklist = arena_strdup(r->a, db_column_text(q, 1));
		c->failed = db_column_int64(q, 2);
		c->checked = db_column_int64(q, 3);
	}
	db_reset(q);
	/* the direct sub-units */
	st->units = arena_alloc(r->a, MAX_ROWS * sizeof *st->units);
	q = db_query(
		db, r->a,
		"SELECT id, name FROM units WHERE parent_id = ? AND archived = 0 ORDER BY sort_order, id LIMIT 200",
		"i", unit);
	while (q && db_step(q) == DB_ROW && st->nunits < MAX_ROWS) {
		struct ins_unit_row *u = &st->units[st->nunits++];
		u->id = db_column_int64(q, 0);
		u->name = arena_strdup(r->a, db_column_text(q, 1));
	}
	db_reset(q);
	for (int k = 0; k < st->nunits && !rc; k++)
		rc = figures(r, st->units[k].id, a, b, &st->units[k].f);
	/* the months */
	int y0, m0, d0, y1, m1, d1;
	cal_civil_from_days(from, &y0, &m0, &d0);
	cal_civil_from_days(to, &y1, &m1, &d1);
	int n = (y1 - y0) * 12 + (m1 - m0) + 1;
	if (n > 0 && n <= 120) {
		st->months = arena_alloc(r->a, (size_t)n * sizeof *st->months);
		for (int k = 0; k < n && !rc; k++) {
			int y = y0 + (m0 - 1 + k) / 12, m = (m0 - 1 + k) % 12 + 1;
			struct ins_month *mo = &st->months[st->nmonths++];
			mo->year = y, mo->month = m;
			const char *ms = arena_printf(r->a, "%04d-%02d-01", y, m);
			const char *me = arena_printf(r->a, "%04d-%02d-31", y, m);
			struct db_stmt *s = db_query(db, r->a,
						     "SELECT count(*), avg(t.score) FROM inspections t WHERE" DONE
						     "AND" SUBTREE "AND t.inspected_on >= ? AND t.inspected_on <= ?",
						     "ssiss", a, b, unit, ms, me);
			if (s && db_step(s) == DB_ROW) {
				mo->done = db_column_int64(s, 0);
				mo->avg = mo->done ? db_column_double(s, 1) : -1;
			}
			db_reset(s);
		}
	}
	return rc;
}

/* ---- the request ---- */

struct ask {
	int64_t unit, from, to;
};

static int ask_read(struct req *r, struct ask *a)
{
	struct stats_ask s;
	if (stats_ask_read(r, &inspections_type, &s))
		return -1;
	a->unit = s.unit;
	a->from = s.from;
	a->to = s.to;
	return 0;
}

static const char *avg_text(struct req *r, double v)
{
	return v < 0 ? "—" : arena_printf(r->a, "%.1f", v);
}

static const char *pct_text(struct req *r, int64_t a, int64_t b)
{
	return b ? arena_printf(r->a, "%.1f %%", 100.0 * (double)a / (double)b) : "—";
}

/* The first n characters (code points) of s (arena). */
static const char *lead(struct req *r, const char *s, int n)
{
	size_t i = 0;
	for (int k = 0; s[i] && k <= n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++k > n)
			break;
	return arena_strndup(r->a, s, i);
}

static void tile(struct req *r, enum msg_id label, const char *value, const char *note)
{
	html(r, "<div class=\"tile\"><span class=\"tile-label\">%T</span><span class=\"tile-value\">%s</span>", label,
	     value);
	if (note)
		html(r, "<span class=\"tile-note\">%s</span>", note);
	html(r, "</div>");
}

/* ---- the workbook ---- */

struct book_job {
	struct req *r;
	const struct ins_stats *st;
};

static int book_write(struct req *r, const struct ins_stats *st, const char *path)
{
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = "/tmp"};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return -1;
	lxw_worksheet *ws = workbook_add_worksheet(wb, T(r, M_ins_stats));
	lxw_worksheet *wi = workbook_add_worksheet(wb, T(r, M_ins_stats_by_item));
	lxw_worksheet *wu = workbook_add_worksheet(wb, T(r, M_ins_stats_by_unit));
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xEAF0F8);
	lxw_format *dd = workbook_add_format(wb);
	format_set_num_format(dd, "0.0");
	if (!ws || !wi || !wu || !head || !dd) {
		workbook_close(wb);
		return -1;
	}
	lxw_row_t row = stats_sheet_head(r, ws, head, st->unit_name, st->from, st->to) + 1;
	worksheet_write_string(ws, row, 0, T(r, M_ins_stats_done), NULL);
	worksheet_write_number(ws, row++, 1, (double)st->all.done, NULL);
	worksheet_write_string(ws, row, 0, T(r, M_ins_stats_avg), NULL);
	if (st->all.avg >= 0)
		worksheet_write_number(ws, row++, 1, st->all.avg, dd);
	else
		worksheet_write_string(ws, row++, 1, "—", NULL);
	worksheet_write_string(ws, row, 0, T(r, M_ins_stats_failed), NULL);
	worksheet_write_number(ws, row++, 1, (double)st->all.failed, NULL);
	worksheet_write_string(ws, row, 0, T(r, M_ins_stats_checked), NULL);
	worksheet_write_number(ws, row++, 1, (double)st->all.results, NULL);
	row++;
	worksheet_write_string(ws, row++, 0, T(r, M_ins_kind), head);
	for (int k = 0; ins_kinds[k].code; k++) {
		worksheet_write_string(ws, row, 0, T(r, ins_kinds[k].label), NULL);
		worksheet_write_number(ws, row++, 1, (double)st->by_kind[k], NULL);
	}
	const enum msg_id ih[] = {M_ins_item, M_ins_checklist, M_ins_stats_failed, M_ins_stats_checked};
	for (int k = 0; k < 4; k++) {
		worksheet_set_column(wi, (lxw_col_t)k, (lxw_col_t)k, k < 2 ? 28 : 14, NULL);
		worksheet_write_string(wi, 0, (lxw_col_t)k, T(r, ih[k]), head);
	}
	for (int k = 0; k < st->nitems; k++) {
		worksheet_write_string(wi, (lxw_row_t)k + 1, 0, st->items[k].label, NULL);
		worksheet_write_string(wi, (lxw_row_t)k + 1, 1, st->items[k].checklist, NULL);
		worksheet_write_number(wi, (lxw_row_t)k + 1, 2, (double)st->items[k].failed, NULL);
		worksheet_write_number(wi, (lxw_row_t)k + 1, 3, (double)st->items[k].checked, NULL);
	}
	const enum msg_id uh[] = {M_ins_unit, M_ins_stats_done, M_ins_stats_avg, M_ins_stats_failed};
	for (int k = 0; k < 4; k++) {
		worksheet_set_column(wu, (lxw_col_t)k, (lxw_col_t)k, k ? 14 : 30, NULL);
		worksheet_write_string(wu, 0, (lxw_col_t)k, T(r, uh[k]), head);
	}
	for (int k = 0; k < st->nunits; k++) {
		const struct ins_figures *f = &st->units[k].f;
		worksheet_write_string(wu, (lxw_row_t)k + 1, 0, st->units[k].name, NULL);
		worksheet_write_number(wu, (lxw_row_t)k + 1, 1, (double)f->done, NULL);
		if (f->avg >= 0)
			worksheet_write_number(wu, (lxw_row_t)k + 1, 2, f->avg, dd);
		else
			worksheet_write_string(wu, (lxw_row_t)k + 1, 2, "—", NULL);
		worksheet_write_number(wu, (lxw_row_t)k + 1, 3, (double)f->failed, NULL);
	}
	worksheet_freeze_panes(wu, 1, 0);
	worksheet_freeze_panes(wi, 1, 0);
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

static int book_job_write(void *p, const char *path)
{
	struct book_job *j = p;
	return book_write(j->r, j->st, path);
}

static int stats_xlsx(struct req *r, const struct ask *a, const struct ins_stats *st)
{
	struct book_job job = {r, st};
	return export_stats_workbook(r, "inspection_stats", T(r, M_ins_stats), a->unit, st->unit_name, a->from, a->to,
				     book_job_write, &job);
}

/* ---- the page ---- */

static int stats_page(struct req *r)
{
	struct ask a;
	if (ask_read(r, &a))
		return 0;
	const char *fmt = req_query(r, "format");
	if (fmt && *fmt && strcmp(fmt, "xlsx") && strcmp(fmt, "html"))
		return req_fail(r, 400, M_ins_stats_bad_format);
	struct ins_stats st;
	if (ins_stats_compute(r, a.unit, a.from, a.to, 1, &st))
		return req_fail(r, 503, M_err_db_down);
	if (fmt && !strcmp(fmt, "xlsx"))
		return stats_xlsx(r, &a, &st);
	const char *from = day_text(r, a.from), *to = day_text(r, a.to);
	const char *q = arena_printf(r->a, "unit=%lld&from=%s&to=%s&format=xlsx", (long long)a.unit, from, to);
	struct crumb c[] = {{"/r/inspections", T(r, M_ins_inspections)}, {NULL, T(r, M_ins_stats)}};
	page_begin(r, T(r, M_ins_stats), c, 2);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, M_ins_stats), st.unit_name ? st.unit_name : ""),
		     html_fmt(r, "<a class=\"btn\" href=\"/inspections/stats?%a\">XLSX</a>", q));
	html(r,
	     "<form class=\"filters\" method=\"get\" action=\"/inspections/stats\"><div class=\"field\"><label "
	     "for=\"f-unit\">%T</label>",
	     M_unit);
	unit_picker(r, "f-unit", "unit", arena_printf(r->a, "%lld", (long long)a.unit), 1, M_NONE, NULL);
	html(r,
	     "</div><div class=\"field\"><label for=\"f-from\">%T</label><input id=\"f-from\" name=\"from\" "
	     "type=\"date\" value=\"%a\"></div><div class=\"field\"><label for=\"f-to\">%T</label><input id=\"f-to\" "
	     "name=\"to\" type=\"date\" value=\"%a\"></div><div class=\"filter-actions\"><button "
	     "class=\"btn\">%T</button></div></form>",
	     M_ins_date_from, from, M_ins_date_to, to, M_ins_stats_show);
	html(r, "<div class=\"tiles\">");
	tile(r, M_ins_stats_done, arena_printf(r->a, "%lld", (long long)st.all.done), NULL);
	tile(r, M_ins_stats_avg, avg_text(r, st.all.avg), NULL);
	tile(r, M_ins_stats_failed, arena_printf(r->a, "%lld", (long long)st.all.failed),
	     arena_printf(r->a, "%s · %s", pct_text(r, st.all.failed, st.all.results), T(r, M_ins_stats_of_checked)));
	for (int k = 0; ins_kinds[k].code; k++)
		tile(r, ins_kinds[k].label, arena_printf(r->a, "%lld", (long long)st.by_kind[k]), NULL);
	html(r, "</div>");
	if (!st.all.done) {
		html(r, "<section class=\"card\"><p class=\"muted\">%T</p></section>", M_ins_stats_nothing);
		page_end(r);
		return 0;
	}
	/* months: inspections done and the average score */
	if (st.nmonths > 0) {
		const char **cats = arena_alloc(r->a, (size_t)st.nmonths * sizeof *cats);
		int64_t *dv = arena_alloc(r->a, (size_t)st.nmonths * sizeof *dv);
		int64_t *av = arena_alloc(r->a, (size_t)st.nmonths * sizeof *av);
		for (int k = 0; k < st.nmonths; k++) {
			cats[k] = arena_printf(r->a, "%04d-%02d", st.months[k].year, st.months[k].month);
			dv[k] = st.months[k].done;
			av[k] = st.months[k].avg < 0 ? 0 : (int64_t)(st.months[k].avg + 0.5);
		}
		struct chart_series s[2] = {{T(r, M_ins_stats_done), dv}, {T(r, M_ins_stats_avg), av}};
		html(r, "<section class=\"card\">");
		chart_bars(r, T(r, M_ins_stats_by_month), cats, st.nmonths, s, 1);
		html(r, "</section><section class=\"card\">");
		chart_bars(r, T(r, M_ins_stats_avg_by_month), cats, st.nmonths, s + 1, 1);
		html(r, "</section>");
	}
	/* failed items by checklist item */
	int top = 0;
	for (int k = 0; k < st.nitems && k < 15; k++)
		top += st.items[k].failed > 0;
	if (top) {
		const char **cats = arena_alloc(r->a, (size_t)top * sizeof *cats);
		int64_t *fv = arena_alloc(r->a, (size_t)top * sizeof *fv);
		for (int k = 0; k < top; k++) {
			/* the same item on two checklists: name the checklist */
			int twice = 0;
			for (int j = 0; j < st.nitems; j++)
				twice |= j != k && !strcmp(st.items[j].label, st.items[k].label);
			cats[k] = twice ? arena_printf(r->a, "%s（%s）", st.items[k].label,
						       lead(r, st.items[k].checklist, 2))
					: st.items[k].label;
			fv[k] = st.items[k].failed;
		}
		struct chart_series s = {T(r, M_ins_stats_failed), fv};
		html(r, "<section class=\"card\">");
		chart_bars(r, T(r, M_ins_stats_by_item), cats, top, &s, 1);
		html(r, "</section>");
	}
	static const struct list_col icols[] = {{M_ins_item, NULL, 0},
						{M_ins_checklist, NULL, 0},
						{M_ins_stats_failed, NULL, 1},
						{M_ins_stats_checked, NULL, 1},
						{M_ins_stats_fail_rate, NULL, 1}};
	html(r, "<section class=\"card\"><h2>%T</h2>", M_ins_stats_by_item);
	list_begin(r, icols, 5, -1, 0);
	for (int k = 0; k < st.nitems; k++)
		html(r,
		     "<tr><td class=\"card-title\">%s</td><td data-label=\"%T\">%s</td><td class=\"num\" "
		     "data-label=\"%T\">%D</td><td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" "
		     "data-label=\"%T\">%s</td></tr>",
		     st.items[k].label, M_ins_checklist, st.items[k].checklist, M_ins_stats_failed, st.items[k].failed,
		     M_ins_stats_checked, st.items[k].checked, M_ins_stats_fail_rate,
		     pct_text(r, st.items[k].failed, st.items[k].checked));
	list_end(r);
	html(r, "</section>");
	static const struct list_col ucols[] = {{M_ins_unit, NULL, 0},
						{M_ins_stats_done, NULL, 1},
						{M_ins_stats_avg, NULL, 1},
						{M_ins_stats_failed, NULL, 1}};
	html(r, "<section class=\"card\"><h2>%T</h2>", M_ins_stats_by_unit);
	list_begin(r, ucols, 4, -1, 0);
	for (int k = 0; k < st.nunits; k++) {
		const struct ins_figures *f = &st.units[k].f;
		if (!f->done)
			continue;
		html(r,
		     "<tr><td class=\"card-title\"><a "
		     "href=\"/inspections/stats?unit=%D&amp;from=%u&amp;to=%u\">%s</a></td>"
		     "<td class=\"num\" data-label=\"%T\"><a href=\"/r/inspections?unit_id=%D\">%D</a></td><td "
		     "class=\"num\" data-label=\"%T\">%s</td><td class=\"num\" data-label=\"%T\">%D</td></tr>",
		     st.units[k].id, from, to, st.units[k].name, M_ins_stats_done, st.units[k].id, f->done,
		     M_ins_stats_avg, avg_text(r, f->avg), M_ins_stats_failed, f->failed);
	}
	html(r,
	     "<tr><td class=\"card-title\">%T</td><td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" "
	     "data-label=\"%T\">%s</td><td class=\"num\" data-label=\"%T\">%D</td></tr>",
	     M_ins_stats_total, M_ins_stats_done, st.all.done, M_ins_stats_avg, avg_text(r, st.all.avg),
	     M_ins_stats_failed, st.all.failed);
	list_end(r);
	html(r, "</section><p class=\"muted\">%T</p>", M_ins_stats_definition);
	page_end(r);
	return 0;
}

/* ---- metrics ---- */

enum fig { FIG_DONE, FIG_AVG, FIG_FAILED };

static int metric(struct req *r, int64_t unit, const char *from, const char *to, enum fig which, double *value)
{
	int64_t a, b;
	if (!req_db(r) || cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b)
		return DB_ERR;
	struct ins_figures f;
	int rc = figures(r, unit, from, to, &f);
	if (rc)
		return rc;
	*value = which == FIG_DONE ? (double)f.done : which == FIG_FAILED ? (double)f.failed : f.avg < 0 ? 0 : f.avg;
	return 0;
}

static int m_done(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	return metric(r, unit, from, to, FIG_DONE, value);
}

static int m_avg(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	return metric(r, unit, from, to, FIG_AVG, value);
}

static int m_failed(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	return metric(r, unit, from, to, FIG_FAILED, value);
}

/* Every unit's own share in one query (GROUP BY the inspection's unit;
 * inspections without a unit count nowhere, as in figures()): the count,
 * the scores' sum over the scored ones (avg() skips a NULL score), the
 * failed items. */
static int shares(struct req *r, const char *from, const char *to, enum fig which, metric_share_fn *share, void *ctx)
{
	int64_t a, b;
	if (!req_db(r) || cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b)
		return DB_ERR;
	static const char *const cols[] = {
		[FIG_DONE] = "count(*), 0",
		[FIG_AVG] = "COALESCE(sum(t.score), 0), count(t.score)",
		[FIG_FAILED] = "COALESCE(sum(t.failed), 0), 0",
	};
	struct db_stmt *q = db_prepare(req_db(r), r->a,
				       arena_printf(r->a,
						    "SELECT t.unit_id, %s FROM inspections t WHERE" DONE
						    "AND t.unit_id IS NOT NULL GROUP BY t.unit_id",
						    cols[which]));
	if (!q)
		return DB_ERR;
	db_bind_text(q, 1, from);
	db_bind_text(q, 2, to);
	int rc;
	while ((rc = db_step(q)) == DB_ROW)
		share(ctx, db_column_int64(q, 0), db_column_double(q, 1), db_column_double(q, 2));
	db_reset(q);
	return rc < 0 ? rc : 0;
}

/* The inspections behind a value, newest first: every one done; for the
 * average the scored ones weighing their score; for the failed items
 * those with failed items, weighing their number. */
static int records(struct req *r, int64_t unit, const char *from, const char *to, enum fig which, int limit,
		   metric_record_fn *fn, void *ctx)
{
	int64_t a, b;
	if (!req_db(r) || cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b)
		return DB_ERR;
	static const char *const cond[] = {
		[FIG_DONE] = "1 = 1",
		[FIG_AVG] = "t.score IS NOT NULL",
		[FIG_FAILED] = "t.failed > 0",
	};
	struct db_stmt *q = db_prepare(
		req_db(r), r->a,
		arena_printf(r->a,
			     "SELECT t.id, t.number, u.name, t.inspected_on, COALESCE(t.score, 0), COALESCE(t.failed, 0) "
			     "FROM inspections t LEFT JOIN units u ON u.id = t.unit_id WHERE" DONE "AND" SUBTREE
			     "AND %s ORDER BY t.inspected_on DESC, t.id DESC LIMIT ?",
			     cond[which]));
	if (!q)
		return DB_ERR;
	db_bind_text(q, 1, from);
	db_bind_text(q, 2, to);
	db_bind_int64(q, 3, unit);
	db_bind_int64(q, 4, limit);
	int rc;
	while ((rc = db_step(q)) == DB_ROW) {
		const char *number = db_column_text(q, 1), *name = db_column_text(q, 2);
		struct metric_record m = {
			.path = arena_printf(r->a, "/r/inspections/%lld", (long long)db_column_int64(q, 0)),
			.title = arena_printf(r->a, "%s · %s", number ? number : "", name ? name : ""),
			.day = db_column_isnull(q, 3) ? NULL : arena_strdup(r->a, db_column_text(q, 3)),
			.weight = which == FIG_AVG      ? db_column_double(q, 4)
				  : which == FIG_FAILED ? (double)db_column_int64(q, 5)
							: 1,
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
SHARES(m_done, FIG_DONE)
SHARES(m_avg, FIG_AVG)
SHARES(m_failed, FIG_FAILED)
#undef SHARES

const struct metric ins_metrics[] = {
	{.name = "inspections_done",
	 .label = M_ins_stats_done,
	 .compute = m_done,
	 .kind = METRIC_SUM,
	 .shares = m_done_shares,
	 .records = m_done_records},
	{.name = "inspection_avg_score",
	 .label = M_ins_stats_avg,
	 .compute = m_avg,
	 .kind = METRIC_RATE,
	 .shares = m_avg_shares,
	 .records = m_avg_records},
	{.name = "inspection_failed_items",
	 .label = M_ins_stats_failed,
	 .compute = m_failed,
	 .kind = METRIC_SUM,
	 .shares = m_failed_shares,
	 .records = m_failed_records},
	{.name = NULL},
};

const struct route ins_stats_routes[] = {
	{"GET", "/inspections/stats", stats_page, P_SIGNED_IN, 0, "inspections stats"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
