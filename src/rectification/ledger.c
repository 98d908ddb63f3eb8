/* ledger.c — the rectification ledger (整改台賬) as offices keep it: the
 * items of a unit's subtree over a period, filtered by state and source,
 * in the nine columns of the paper ledger (序號, 問題描述, 問題來源, 責任單位,
 * 責任人, 整改措施, 整改時限, 完成情況, 銷號情況): a page, a workbook
 * (/rectification/ledger.xlsx, libxlsxwriter) and a printable page
 * (/rectification/ledger/print: A4 landscape, the heading row repeated on
 * every sheet of paper, no navigation). The three read the same query;
 * rows are scoped to what the user may read (record_scope_sql). */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../records/export.h"
#include "../records/workflow.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "rect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#define LEDGER_PER_PAGE 100
#define LEDGER_MAX_ROWS 20000

static const enum msg_id ledger_heads[9] = {M_rect_col_seq,  M_rect_col_problem, M_rect_col_source,
					    M_rect_col_unit, M_rect_col_person,  M_rect_col_measures,
					    M_rect_col_due,  M_rect_col_done,    M_rect_col_signed_off};

struct filter {
	int64_t unit;
	const char *from, *to, *state, *source; /* NULL: any */
	const char *query;                      /* the filters as a query string */
};

static const char *param(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	return v && *v ? v : NULL;
}

static int in_opts(const struct enum_opt *o, const char *v)
{
	for (; o->code; o++)
		if (!strcmp(o->code, v))
			return 1;
	return 0;
}

/* Reads the filters; 0, or -1 when the request has failed (400, 403). */
static int filter_read(struct req *r, struct filter *f)
{
	memset(f, 0, sizeof *f);
	if (!req_db(r))
		return req_fail(r, 503, M_err_db_down), -1;
	if (!record_type_may(r, &rect_type, ACC_READ))
		return req_fail(r, 403, M_NONE), -1;
	const char *u = param(r, "unit");
	if (u) {
		char *end;
		f->unit = strtoll(u, &end, 10);
		if (*end || f->unit <= 0)
			return req_fail(r, 400, M_rect_bad_filter), -1;
	}
	f->from = param(r, "from");
	f->to = param(r, "to");
	int64_t d;
	if ((f->from && cal_parse_date(f->from, &d)) || (f->to && cal_parse_date(f->to, &d)))
		return req_fail(r, 400, M_rect_bad_filter), -1;
	f->state = param(r, "state");
	f->source = param(r, "source");
	if ((f->state && strcmp(f->state, "overdue") && !in_opts(rect_states, f->state)) ||
	    (f->source && !in_opts(rect_sources, f->source)))
		return req_fail(r, 400, M_rect_bad_filter), -1;
	f->query = arena_printf(r->a, "unit=%s&from=%s&to=%s&state=%s&source=%s", u ? u : "", f->from ? f->from : "",
				f->to ? f->to : "", f->state ? f->state : "", f->source ? f->source : "");
	return 0;
}

/* The WHERE clause after FROM rectifications t, with its binds (text). */
struct where {
	const char *sql;
	const char *v[16];
	int n;
};

static void where_build(struct req *r, const struct filter *f, struct where *w)
{
	struct buf b;
	buf_init(&b, r->a);
	buf_puts(&b, " WHERE t.archived = 0");
	w->n = 0;
	if (f->unit) {
		buf_puts(&b, " AND t.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)");
		w->v[w->n++] = arena_printf(r->a, "%lld", (long long)f->unit);
	}
	int64_t d;
	if (f->from && !cal_parse_date(f->from, &d)) {
		buf_puts(&b, " AND t.assigned_at >= ?");
		w->v[w->n++] = arena_printf(r->a, "%lld", (long long)cal_local_time(d, 0, 0, 0));
	}
	if (f->to && !cal_parse_date(f->to, &d)) {
		buf_puts(&b, " AND t.assigned_at < ?");
		w->v[w->n++] = arena_printf(r->a, "%lld", (long long)cal_local_time(d + 1, 0, 0, 0));
	}
	if (f->state && !strcmp(f->state, "overdue")) {
		char t[CAL_DATE_SIZE];
		buf_puts(&b, " AND t.state <> 'closed' AND t.due < ?");
		w->v[w->n++] = arena_strdup(r->a, cal_format_date(cal_local_day(time(NULL)), t));
	} else if (f->state) {
		buf_puts(&b, " AND t.state = ?");
		w->v[w->n++] = f->state;
	}
	if (f->source) {
		buf_puts(&b, " AND t.source = ?");
		w->v[w->n++] = f->source;
	}
	struct kvlist k = {0};
	buf_puts(&b, record_scope_sql(r, &rect_type, "t", &k));
	for (size_t i = 0; i < k.n && w->n < 16; i++)
		w->v[w->n++] = k.v[i].value;
	w->sql = b.p;
}

static struct db_stmt *run(struct req *r, const char *sql, const struct where *w)
{
	struct db_stmt *q = db_prepare(req_db(r), r->a, sql);
	for (int i = 0; q && i < w->n; i++)
		db_bind_text(q, i + 1, w->v[i]);
	return q;
}

/* One ledger row, as text in the user's language. */
struct line {
	int64_t id;
	const char *number, *problem, *source, *unit, *person, *measures, *due, *signed_off;
	const char *done;  /* the state and progress, and "overdue" when it is */
	const char *doing; /* the same without "overdue" (the page shows a badge) */
	int overdue;
};

#define LINE_COLS                                                                                            \
	"t.id, t.number, t.problem, t.source, t.unit_id, t.person, t.measures, t.due, t.state, t.progress, " \
	"t.closed_at, t.on_time, t.extension_to, t.recheck"

static const char *col(struct db_stmt *q, int c)
{
	return db_column_isnull(q, c) ? NULL : db_column_text(q, c);
}

static void line_read(struct req *r, struct db_stmt *q, struct record *row, int64_t today, struct line *l)
{
	for (int i = 0; i < RECT__COUNT; i++)
		row->vals[i] = NULL;
	l->id = db_column_int64(q, 0);
	l->number = arena_strdup(r->a, col(q, 1) ? col(q, 1) : "");
	l->problem = arena_strdup(r->a, col(q, 2) ? col(q, 2) : "");
	row->vals[RECT_SOURCE] = arena_strdup(r->a, col(q, 3) ? col(q, 3) : "");
	row->vals[RECT_UNIT_ID] = col(q, 4) ? arena_strdup(r->a, col(q, 4)) : NULL;
	row->vals[RECT_PERSON] = col(q, 5) ? arena_strdup(r->a, col(q, 5)) : NULL;
	row->vals[RECT_STATE] = arena_strdup(r->a, col(q, 8) ? col(q, 8) : "");
	row->vals[RECT_RECHECK] = col(q, 13) ? arena_strdup(r->a, col(q, 13)) : NULL;
	l->source = record_display(r, row, RECT_SOURCE, 0);
	l->unit = row->vals[RECT_UNIT_ID] ? record_display(r, row, RECT_UNIT_ID, 0) : "";
	l->person = row->vals[RECT_PERSON] ? record_display(r, row, RECT_PERSON, 0) : "";
	l->measures = arena_strdup(r->a, col(q, 6) ? col(q, 6) : "");
	l->due = arena_strdup(r->a, col(q, 7) ? col(q, 7) : "");
	int closed = !strcmp(row->vals[RECT_STATE], "closed");
	int64_t due = -1;
	if (col(q, 7))
		cal_parse_date(col(q, 7), &due);
	l->overdue = !closed && due >= 0 && due < today;
	const char *st = record_display(r, row, RECT_STATE, 0);
	if (closed)
		l->doing = T(r, M_rect_done_complete);
	else
		l->doing = arena_printf(r->a, "%s · %lld%%", st, (long long)db_column_int64(q, 9));
	l->done = l->overdue ? arena_printf(r->a, "%s · %s", l->doing, T(r, M_rect_overdue)) : l->doing;
	if (closed) {
		char d[CAL_DATE_SIZE];
		int64_t at = col(q, 10) ? db_column_int64(q, 10) : 0;
		const char *on = col(q, 11) && db_column_int64(q, 11) == 0 ? T(r, M_rect_closed_late)
									   : T(r, M_rect_closed_on_time);
		const char *when = arena_printf(r->a, T(r, M_rect_signed_off_detail),
						at ? cal_format_date(cal_local_day(at), d) : "", on);
		l->signed_off = arena_printf(r->a, "%s%s%s%s", T(r, M_rect_signed_off), when,
					     row->vals[RECT_RECHECK] ? " · " : "",
					     row->vals[RECT_RECHECK] ? record_display(r, row, RECT_RECHECK, 0) : "");
	} else {
		l->signed_off = T(r, M_rect_not_signed_off);
	}
}

static int64_t today_day(void)
{
	return cal_local_day(time(NULL));
}

/* ---- the page ---- */

static void filter_form(struct req *r, const struct filter *f, const char *action)
{
	html(r,
	     "<form class=\"filters\" method=\"get\" action=\"%a\"><div class=\"field\"><label "
	     "for=\"f-unit\">%T</label>",
	     action, M_unit);
	unit_picker(r, "f-unit", "unit", f->unit ? arena_printf(r->a, "%lld", (long long)f->unit) : NULL, 1,
		    M_rect_all_units, NULL);
	html(r,
	     "</div><div class=\"field\"><label for=\"f-from\">%T</label><input id=\"f-from\" name=\"from\" "
	     "type=\"date\" value=\"%a\"></div><div class=\"field\"><label for=\"f-to\">%T</label><input id=\"f-to\" "
	     "name=\"to\" type=\"date\" value=\"%a\"></div><div class=\"field\"><label for=\"f-state\">%T</label>"
	     "<select id=\"f-state\" name=\"state\"><option value=\"\">%T</option>",
	     M_rect_from, f->from ? f->from : "", M_rect_to, f->to ? f->to : "", M_rect_state, M_rect_any);
	for (const struct enum_opt *o = rect_states; o->code; o++)
		html(r, "<option value=\"%a\"%H>%T</option>", o->code,
		     f->state && !strcmp(f->state, o->code) ? MARKUP(" selected") : NULL, o->label);
	html(r, "<option value=\"overdue\"%H>%T</option></select></div>",
	     f->state && !strcmp(f->state, "overdue") ? MARKUP(" selected") : NULL, M_rect_overdue);
	html(r,
	     "<div class=\"field\"><label for=\"f-source\">%T</label><select id=\"f-source\" name=\"source\">"
	     "<option value=\"\">%T</option>",
	     M_rect_source, M_rect_any);
	for (const struct enum_opt *o = rect_sources; o->code; o++)
		html(r, "<option value=\"%a\"%H>%T</option>", o->code,
		     f->source && !strcmp(f->source, o->code) ? MARKUP(" selected") : NULL, o->label);
	html(r, "</select></div><div class=\"filter-actions\"><button class=\"btn\">%T</button></div></form>",
	     M_rect_show);
}

/* The first max characters of s (UTF-8), with "…" when cut (arena). */
static const char *cut(struct req *r, const char *s, int max)
{
	const char *p = s;
	for (int n = 0; *p && n < max; n++) {
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
	}
	return *p ? arena_printf(r->a, "%.*s…", (int)(p - s), s) : s;
}

static void ledger_table(struct req *r, struct db_stmt *q, int64_t first, int print)
{
	html(r, "%H<table class=\"list ledger\"><thead><tr>",
	     print ? MARKUP("<div class=\"table-wrap\">") : table_wrap_open(r));
	for (int i = 0; i < 9; i++)
		html(r, "<th scope=\"col\">%T</th>", ledger_heads[i]);
	html(r, "</tr></thead><tbody>");
	struct record *row = record_new(r, &rect_type);
	int64_t today = today_day(), k = first;
	struct line l;
	while (q && db_step(q) == DB_ROW) {
		line_read(r, q, row, today, &l);
		if (!print) {
			l.problem = cut(r, l.problem, 90);
			l.measures = cut(r, l.measures, 60);
		}
		html(r,
		     "<tr><td class=\"num\" data-label=\"%T\">%D</td><td class=\"card-title wrap prewrap\" "
		     "data-label=\"%T\">"
		     "<a href=\"/r/rectifications/%D\">%s</a> %s</td><td class=\"wrap\" data-label=\"%T\">%s</td><td "
		     "class=\"wrap\" data-label=\"%T\">%s"
		     "</td><td class=\"wrap\" data-label=\"%T\">%s</td><td class=\"wrap prewrap\" "
		     "data-label=\"%T\">%s</td><td "
		     "data-label=\"%T\">"
		     "%s</td><td class=\"wrap\" data-label=\"%T\">%s%H</td><td class=\"wrap\" "
		     "data-label=\"%T\">%s</td></tr>",
		     ledger_heads[0], ++k, ledger_heads[1], l.id, l.number, l.problem, ledger_heads[2], l.source,
		     ledger_heads[3], l.unit, ledger_heads[4], l.person, ledger_heads[5], l.measures, ledger_heads[6],
		     l.due, ledger_heads[7], l.doing,
		     l.overdue ? html_fmt(r, " <span class=\"badge badge-warn\">%T</span>", M_rect_overdue) : NULL,
		     ledger_heads[8], l.signed_off);
	}
	html(r, "</tbody></table></div>");
}

static int ledger_page(struct req *r)
{
	struct filter f;
	if (filter_read(r, &f))
		return 0;
	int page = req_page(r);
	if (!page)
		return req_fail(r, 400, M_err_bad_page);
	struct where w;
	where_build(r, &f, &w);
	struct db_stmt *c = run(r, arena_printf(r->a, "SELECT count(*) FROM rectifications t%s", w.sql), &w);
	int64_t total = c && db_step(c) == DB_ROW ? db_column_int64(c, 0) : 0;
	if (c)
		db_reset(c);
	struct crumb cr[] = {{"/r/rectifications", T(r, M_rect_items)}, {NULL, T(r, M_rect_ledger)}};
	page_begin(r, T(r, M_rect_ledger), cr, 2);
	page_heading(r, T(r, M_rect_ledger),
		     html_fmt(r,
			      "<a class=\"btn\" href=\"/rectification/ledger.xlsx?%a\">XLSX</a> <a class=\"btn\" "
			      "href=\"/rectification/ledger/print?%a\">%T</a>",
			      f.query, f.query, M_rect_print));
	html(r, "<link rel=\"stylesheet\" href=\"/static/rectification-print.css\">");
	filter_form(r, &f, "/rectification/ledger");
	if (!total) {
		empty_state(r, M_rect_none, M_rect_none_hint, NULL, M_NONE);
		page_end(r);
		return 0;
	}
	struct db_stmt *q = run(
		r,
		arena_printf(r->a, "SELECT " LINE_COLS " FROM rectifications t%s ORDER BY t.id LIMIT %d OFFSET %lld",
			     w.sql, LEDGER_PER_PAGE, (long long)(page - 1) * LEDGER_PER_PAGE),
		&w);
	html(r, "<section class=\"card\">");
	ledger_table(r, q, (int64_t)(page - 1) * LEDGER_PER_PAGE, 0);
	list_pager(r, total, page, LEDGER_PER_PAGE);
	html(r, "</section>");
	page_end(r);
	return 0;
}

/* A description of the filters for the printed heading (arena). */
static const char *filter_text(struct req *r, const struct filter *f)
{
	struct buf b;
	buf_init(&b, r->a);
	if (f->unit) {
		struct record *row = record_new(r, &rect_type);
		row->vals[RECT_UNIT_ID] = arena_printf(r->a, "%lld", (long long)f->unit);
		buf_printf(&b, "%s%s%s · ", T(r, M_unit), T(r, M_rect_colon), record_display(r, row, RECT_UNIT_ID, 0));
	}
	if (f->from || f->to)
		buf_printf(&b, "%s%s%s – %s · ", T(r, M_rect_period), T(r, M_rect_colon), f->from ? f->from : "",
			   f->to ? f->to : "");
	char d[CAL_DATE_SIZE];
	buf_printf(&b, "%s%s%s", T(r, M_rect_printed_on), T(r, M_rect_colon), cal_format_date(today_day(), d));
	return b.p;
}

static int print_page(struct req *r)
{
	struct filter f;
	if (filter_read(r, &f))
		return 0;
	struct where w;
	where_build(r, &f, &w);
	struct db_stmt *q =
		run(r,
		    arena_printf(r->a, "SELECT " LINE_COLS " FROM rectifications t%s ORDER BY t.id LIMIT %d", w.sql,
				 LEDGER_MAX_ROWS),
		    &w);
	struct crumb cr[] = {{"/r/rectifications", T(r, M_rect_items)},
			     {arena_printf(r->a, "/rectification/ledger?%s", f.query), T(r, M_rect_ledger)},
			     {NULL, T(r, M_rect_print)}};
	page_begin(r, T(r, M_rect_ledger), cr, 3);
	html(r, "<link rel=\"stylesheet\" href=\"/static/rectification-print.css\">");
	page_heading(r, T(r, M_rect_ledger), NULL);
	html(r, "<p class=\"hint ledger-hint\">%T</p><p class=\"ledger-meta\">%s</p>", M_rect_print_hint,
	     filter_text(r, &f));
	ledger_table(r, q, 0, 1);
	page_end(r);
	return 0;
}

/* ---- the workbook ---- */

struct book {
	struct req *r;
	struct db_stmt *q;
	int64_t rows;
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
	lxw_format *wrap = workbook_add_format(wb);
	if (!ws || !head || !wrap) {
		workbook_close(wb);
		return -1;
	}
	format_set_bold(head);
	format_set_text_wrap(head);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_align(head, LXW_ALIGN_CENTER);
	format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(wrap);
	format_set_border(wrap, LXW_BORDER_THIN);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	static const double widths[9] = {6, 40, 12, 18, 10, 36, 12, 16, 22};
	for (int i = 0; i < 9; i++) {
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
		worksheet_write_string(ws, 0, (lxw_col_t)i, T(r, ledger_heads[i]), head);
	}
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_repeat_rows(ws, 0, 0);
	worksheet_fit_to_pages(ws, 1, 0);
	struct record *row = record_new(r, &rect_type);
	int64_t today = today_day();
	struct line l;
	lxw_row_t n = 1;
	while (b->q && db_step(b->q) == DB_ROW) {
		line_read(r, b->q, row, today, &l);
		worksheet_write_number(ws, n, 0, (double)n, wrap);
		worksheet_write_string(ws, n, 1, arena_printf(r->a, "%s %s", l.number, l.problem), wrap);
		worksheet_write_string(ws, n, 2, l.source, wrap);
		worksheet_write_string(ws, n, 3, l.unit, wrap);
		worksheet_write_string(ws, n, 4, l.person, wrap);
		worksheet_write_string(ws, n, 5, l.measures, wrap);
		worksheet_write_string(ws, n, 6, l.due, wrap);
		worksheet_write_string(ws, n, 7, l.done, wrap);
		worksheet_write_string(ws, n, 8, l.signed_off, wrap);
		n++;
	}
	b->rows = n - 1;
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

static int ledger_xlsx(struct req *r)
{
	struct filter f;
	if (filter_read(r, &f))
		return 0;
	struct where w;
	where_build(r, &f, &w);
	struct db_stmt *q =
		run(r,
		    arena_printf(r->a, "SELECT " LINE_COLS " FROM rectifications t%s ORDER BY t.id LIMIT %d", w.sql,
				 LEDGER_MAX_ROWS),
		    &w);
	struct book job = {r, q, 0};
	if (export_workbook(r, book_write, &job))
		return 0;
	json_t *what = json_pack("{s:s, s:s, s:I}", "format", "xlsx", "query", f.query, "rows", (json_int_t)job.rows);
	int rc = audit_log_read(r, "export", "rectification_ledger", f.unit, what);
	json_decref(what);
	if (rc)
		return req_fail(r, 500, M_NONE);
	r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	char d[CAL_DATE_SIZE];
	cal_format_date(today_day(), d);
	export_attachment(r, arena_printf(r->a, "rectification-ledger-%s.xlsx", d),
			  arena_printf(r->a, "%s-%s.xlsx", T(r, M_rect_ledger), d));
	return 0;
}

const struct route rect_ledger_routes[] = {
	{"GET", "/rectification/ledger", ledger_page, P_SIGNED_IN, 0, "rectification ledger"},
	{"GET", "/rectification/ledger.xlsx", ledger_xlsx, P_SIGNED_IN, 0, "rectification ledger"},
	{"GET", "/rectification/ledger/print", print_page, P_SIGNED_IN, 0, "rectification ledger"},
	{NULL, NULL, NULL, 0, 0, NULL},
};

/* ---- the home page's tiles ---- */

void rect_home(struct req *r)
{
	if (!record_type_may(r, &rect_type, ACC_READ))
		return;
	char today[CAL_DATE_SIZE];
	cal_format_date(today_day(), today);
	struct kvlist b = {0};
	const char *scope = record_scope_sql(r, &rect_type, "t", &b);
	struct db_stmt *q = db_prepare(req_db(r), r->a,
				       arena_printf(r->a,
						    "SELECT count(*), sum(CASE WHEN t.due < ? THEN 1 ELSE 0 END), "
						    "sum(CASE WHEN t.state = 'submitted' THEN 1 ELSE 0 END) FROM "
						    "rectifications t WHERE t.archived = 0 AND t.state <> 'closed'%s",
						    scope));
	if (!q)
		return;
	db_bind_text(q, 1, today);
	for (size_t i = 0; i < b.n; i++)
		db_bind_int64(q, (int)i + 2, strtoll(b.v[i].value, NULL, 10));
	int64_t open = 0, late = 0, waiting = 0;
	if (db_step(q) == DB_ROW) {
		open = db_column_int64(q, 0);
		late = db_column_int64(q, 1);
		waiting = db_column_int64(q, 2);
	}
	db_reset(q);
	home_tile(r, "/rectification/ledger", M_rect_tile_open, open, M_rect_tile_open_note, 0);
	home_tile(r, "/rectification/ledger?state=overdue", M_rect_tile_overdue, late, M_rect_tile_overdue_note,
		  late > 0);
	if (record_type_may(r, &rect_type, ACC_WRITE))
		home_tile(r, "/rectification/ledger?state=submitted", M_rect_tile_waiting, waiting,
			  M_rect_tile_waiting_note, waiting > 0);
}
