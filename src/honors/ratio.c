/* ratio.c — the civilized-unit ratio (文明單位比例) of a unit's subtree for
 * a year, with the list behind it; the titles that expire in a year; the
 * workbook; the assessment's metrics and the home page's tiles.
 *
 *   GET /honors/ratio?unit=&year=[&show=holding|missing]   the page
 *   GET /honors/ratio.xlsx?unit=&year=                      its workbook
 *   GET /honors/expiring?unit=&year=                        titles to renew
 *
 * What counts: the units of honor_counted_units for the year (the office's
 * list; a unit listed twice counts once) that lie in the subtree. A counted unit holds the title when
 * it has an honor of category civilized_unit, not archived, not revoked,
 * awarded and its term started on or before the reference day, and its
 * term ending on or after it; the reference day is the year's last day, or
 * today for the current year (a title that ended in June is not held now).
 * Ratio = holding / counted × 100. One query gives the figures, another the
 * list; both walk the counted units of the year with an index and look up
 * each unit's titles by (unit_id, archived, status). The dates are written
 * `x || '' <= ?` so that no planner walks the awarded_on or term_end index
 * instead: with 10,000 units and 30,000 honors SQLite chose awarded_on and
 * took 10 s (bench/honors_ratio.sh). */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../records/export.h"
#include "../records/period.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "honors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#define LIST_MAX 2000

#define HOLDS_SQL                                                                                              \
	"EXISTS (SELECT 1 FROM honors h WHERE h.unit_id = c.unit_id AND h.archived = 0 AND h.category = "      \
	"'civilized_unit' AND h.status <> 'revoked' AND h.awarded_on || '' <= ? AND (h.term_start IS NULL OR " \
	"h.term_start <= ?) AND h.term_end || '' >= ?)"

static int this_year(void)
{
	int y, m, d;
	cal_civil_from_days(cal_local_day(time(NULL)), &y, &m, &d);
	return y;
}

/* The reference day of year: its last day, or today if that is earlier. */
static const char *ref_day(struct req *r, int year)
{
	int64_t end = cal_days_from_civil(year, 12, 31), today = cal_local_day(time(NULL));
	char d[CAL_DATE_SIZE];
	return arena_strdup(r->a, cal_format_date(end < today ? end : today, d));
}

int honors_ratio(struct req *r, int64_t unit, int year, struct civ_ratio *out)
{
	memset(out, 0, sizeof *out);
	out->ratio = -1;
	const char *day = ref_day(r, year);
	struct db_stmt *q =
		db_query(req_db(r), r->a,
			 "SELECT count(*), sum(CASE WHEN " HOLDS_SQL " THEN 1 ELSE 0 END) FROM "
			 "(SELECT DISTINCT unit_id FROM honor_counted_units WHERE archived = 0 AND year = ? "
			 "AND unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)) c",
			 "sssii", day, day, day, (int64_t)year, unit);
	if (!q)
		return DB_ERR;
	int rc = db_step(q);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERR;
	out->counted = db_column_int64(q, 0);
	out->holding = db_column_int64(q, 1);
	db_reset(q);
	if (out->counted)
		out->ratio = 100.0 * (double)out->holding / (double)out->counted;
	return 0;
}

/* ---- what the pages are asked for ---- */

struct ask {
	int64_t unit;
	const char *unit_name;
	int year;
	const char *show; /* NULL, "holding", "missing" */
};

static int ask_read(struct req *r, struct ask *a)
{
	struct stats_ask s;
	if (stats_ask_read(r, &honors_type, &s))
		return -1;
	a->unit = s.unit;
	a->unit_name = s.unit_name;
	a->year = this_year();
	const char *y = req_query(r, "year");
	if (y && *y) {
		char *end;
		long v = strtol(y, &end, 10);
		if (*end || v < 2000 || v > 2100)
			return req_fail(r, 400, M_hon_bad_year), -1;
		a->year = (int)v;
	}
	const char *show = req_query(r, "show");
	a->show = show && (!strcmp(show, "holding") || !strcmp(show, "missing")) ? show : NULL;
	return 0;
}

struct row {
	int64_t unit, honor;
	const char *name, *code, *title, *term_end;
};

/* The counted units of the subtree (show: only those holding / missing),
 * at most max, in tree order (arena). */
static int rows_load(struct req *r, const struct ask *a, int max, struct row **out)
{
	const char *day = ref_day(r, a->year);
	const char *cond = !a->show ? "" : !strcmp(a->show, "holding") ? " AND h.id IS NOT NULL" : " AND h.id IS NULL";
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		arena_printf(r->a,
			     "SELECT u.id, u.name, u.code, h.id, h.title, h.term_end FROM (SELECT DISTINCT unit_id "
			     "FROM honor_counted_units WHERE archived = 0 AND year = ? AND unit_id IN (SELECT unit_id "
			     "FROM unit_tree WHERE ancestor_id = ?)) c JOIN units u ON u.id = c.unit_id LEFT JOIN "
			     "honors h ON h.id = (SELECT h2.id FROM honors h2 "
			     "WHERE h2.unit_id = c.unit_id AND h2.archived = 0 AND h2.category = 'civilized_unit' AND "
			     "h2.status <> 'revoked' AND h2.awarded_on || '' <= ? AND (h2.term_start IS NULL OR "
			     "h2.term_start <= ?) AND h2.term_end || '' >= ? ORDER BY h2.term_end DESC, h2.id LIMIT 1) "
			     "WHERE 1 = 1%s ORDER BY u.path, u.id LIMIT ?",
			     cond),
		"iisssi", (int64_t)a->year, a->unit, day, day, day, (int64_t)max);
	struct row *v = arena_alloc(r->a, (size_t)max * sizeof *v);
	int n = 0;
	while (q && n < max && db_step(q) == DB_ROW) {
		v[n].unit = db_column_int64(q, 0);
		v[n].name = arena_strdup(r->a, db_column_text(q, 1));
		v[n].code = arena_strdup(r->a, db_column_text(q, 2) ? db_column_text(q, 2) : "");
		v[n].honor = db_column_int64(q, 3);
		v[n].title = v[n].honor ? arena_strdup(r->a, db_column_text(q, 4)) : NULL;
		v[n].term_end = v[n].honor ? arena_strdup(r->a, db_column_text(q, 5)) : NULL;
		n++;
	}
	db_reset(q);
	*out = v;
	return n;
}

static const char *pct(struct req *r, double v)
{
	return v < 0 ? "—" : arena_printf(r->a, "%.1f %%", v);
}

static void pickers(struct req *r, const char *action, const struct ask *a)
{
	html(r,
	     "<form class=\"filters\" method=\"get\" action=\"%a\"><div class=\"field\"><label "
	     "for=\"f-unit\">%T</label>",
	     action, M_unit);
	unit_picker(r, "f-unit", "unit", arena_printf(r->a, "%lld", (long long)a->unit), 1, M_NONE, NULL);
	html(r,
	     "</div><div class=\"field\"><label for=\"f-year\">%T</label><input id=\"f-year\" name=\"year\" "
	     "type=\"number\" min=\"2000\" max=\"2100\" value=\"%d\"></div><div class=\"filter-actions\"><button "
	     "class=\"btn\">%T</button></div></form>",
	     M_year, a->year, M_hon_show);
}

static void tile(struct req *r, const char *href, enum msg_id label, const char *value, int warn)
{
	html(r,
	     "<a class=\"tile%s\" href=\"%a\"><span class=\"tile-label\">%T</span><span "
	     "class=\"tile-value\">%s</span></a>",
	     warn ? " tile-danger" : "", href, label, value);
}

static int ratio_page(struct req *r)
{
	struct ask a;
	if (ask_read(r, &a))
		return 0;
	struct civ_ratio f;
	if (honors_ratio(r, a.unit, a.year, &f))
		return req_fail(r, 503, M_err_db_down);
	struct row *v;
	int n = rows_load(r, &a, LIST_MAX, &v);
	const char *qs = arena_printf(r->a, "unit=%lld&year=%d", (long long)a.unit, a.year);
	struct crumb c[] = {{"/r/honors", T(r, M_hon_honors)}, {NULL, T(r, M_hon_ratio)}};
	page_begin(r, T(r, M_hon_ratio), c, 2);
	page_heading(r, arena_printf(r->a, "%s · %s · %d", T(r, M_hon_ratio), a.unit_name, a.year),
		     html_fmt(r,
			      "<a class=\"btn\" href=\"/honors/ratio.xlsx?%a\">XLSX</a> <a class=\"btn\" "
			      "href=\"/honors/expiring?%a\">%T</a>",
			      qs, qs, M_hon_expiring));
	pickers(r, "/honors/ratio", &a);
	html(r, "<div class=\"tiles\" id=\"ratio-figures\">");
	tile(r, arena_printf(r->a, "/honors/ratio?%s", qs), M_hon_ratio_value, pct(r, f.ratio), 0);
	tile(r, arena_printf(r->a, "/honors/ratio?%s", qs), M_hon_ratio_counted,
	     arena_printf(r->a, "%lld", (long long)f.counted), 0);
	tile(r, arena_printf(r->a, "/honors/ratio?%s&show=holding", qs), M_hon_ratio_holding,
	     arena_printf(r->a, "%lld", (long long)f.holding), 0);
	tile(r, arena_printf(r->a, "/honors/ratio?%s&show=missing", qs), M_hon_ratio_missing,
	     arena_printf(r->a, "%lld", (long long)(f.counted - f.holding)), f.counted > f.holding);
	html(r, "</div>");
	html(r, "<section class=\"card\"><h2>%T</h2>",
	     !a.show                      ? M_hon_ratio_counted
	     : !strcmp(a.show, "holding") ? M_hon_ratio_holding
					  : M_hon_ratio_missing);
	if (!f.counted) {
		html(r, "<p>%T</p>", M_hon_ratio_none);
	} else {
		static const struct list_col cols[] = {{M_unit, NULL, 0},
						       {M_hon_ratio_holds, NULL, 0},
						       {M_hon_ratio_title, NULL, 0},
						       {M_hon_term_end, NULL, 0}};
		list_begin(r, cols, 4, -1, 0);
		for (int i = 0; i < n; i++) {
			html(r,
			     "<tr class=\"%s\"><td class=\"card-title\"><a href=\"/r/units/%D\">%s</a></td><td "
			     "data-label=\"%T\">%T</td>",
			     v[i].honor ? "holds" : "missing", v[i].unit, v[i].name, M_hon_ratio_holds,
			     v[i].honor ? M_yes : M_no);
			if (v[i].honor)
				html(r,
				     "<td data-label=\"%T\"><a href=\"/r/honors/%D\">%s</a></td><td "
				     "data-label=\"%T\">%s</td></tr>",
				     M_hon_ratio_title, v[i].honor, v[i].title, M_hon_term_end, v[i].term_end);
			else
				html(r, "<td data-label=\"%T\">—</td><td data-label=\"%T\">—</td></tr>",
				     M_hon_ratio_title, M_hon_term_end);
		}
		list_end(r);
	}
	html(r, "<p class=\"hint\">%T</p><p><a href=\"/r/honor_counted_units?year=%d\">%T</a></p></section>",
	     M_hon_ratio_definition, a.year, M_hon_counted_many);
	page_end(r);
	return 0;
}

/* ---- the workbook ---- */

struct book {
	struct req *r;
	const struct ask *a;
	const struct civ_ratio *f;
	const struct row *v;
	int n;
};

static int book_write(void *p, const char *path)
{
	struct book *b = p;
	struct req *r = b->r;
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return -1;
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_format *head = workbook_add_format(wb);
	if (!ws || !head) {
		workbook_close(wb);
		return -1;
	}
	format_set_bold(head);
	worksheet_set_column(ws, 0, 0, 34, NULL);
	worksheet_set_column(ws, 1, 4, 18, NULL);
	worksheet_write_string(ws, 0, 0, T(r, M_hon_ratio_counted), head);
	worksheet_write_number(ws, 0, 1, (double)b->f->counted, NULL);
	worksheet_write_string(ws, 1, 0, T(r, M_hon_ratio_holding), head);
	worksheet_write_number(ws, 1, 1, (double)b->f->holding, NULL);
	worksheet_write_string(ws, 2, 0, T(r, M_hon_ratio_value), head);
	if (b->f->ratio >= 0)
		worksheet_write_number(ws, 2, 1, b->f->ratio, NULL);
	else
		worksheet_write_string(ws, 2, 1, "—", NULL);
	lxw_row_t at = 4;
	worksheet_write_string(ws, at, 0, T(r, M_unit), head);
	worksheet_write_string(ws, at, 1, T(r, M_unit_code), head);
	worksheet_write_string(ws, at, 2, T(r, M_hon_ratio_holds), head);
	worksheet_write_string(ws, at, 3, T(r, M_hon_ratio_title), head);
	worksheet_write_string(ws, at, 4, T(r, M_hon_term_end), head);
	for (int i = 0; i < b->n; i++) {
		lxw_row_t row = at + 1 + (lxw_row_t)i;
		worksheet_write_string(ws, row, 0, b->v[i].name, NULL);
		worksheet_write_string(ws, row, 1, b->v[i].code, NULL);
		worksheet_write_string(ws, row, 2, T(r, b->v[i].honor ? M_yes : M_no), NULL);
		if (b->v[i].honor) {
			worksheet_write_string(ws, row, 3, b->v[i].title, NULL);
			worksheet_write_string(ws, row, 4, b->v[i].term_end, NULL);
		}
	}
	worksheet_write_string(ws, at + 2 + (lxw_row_t)b->n, 0, T(r, M_hon_ratio_definition), NULL);
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

static int ratio_xlsx(struct req *r)
{
	struct ask a;
	if (ask_read(r, &a))
		return 0;
	a.show = NULL;
	struct civ_ratio f;
	if (honors_ratio(r, a.unit, a.year, &f))
		return req_fail(r, 503, M_err_db_down);
	struct row *v;
	int n = rows_load(r, &a, 100000, &v);
	struct book job = {r, &a, &f, v, n};
	return export_stats_workbook(r, "civilized_unit_ratio", T(r, M_hon_ratio), a.unit, a.unit_name,
				     cal_days_from_civil(a.year, 1, 1), cal_days_from_civil(a.year, 12, 31), book_write,
				     &job);
}

/* ---- titles to renew ---- */

static int expiring_page(struct req *r)
{
	struct ask a;
	if (ask_read(r, &a))
		return 0;
	const char *from = arena_printf(r->a, "%04d-01-01", a.year), *to = arena_printf(r->a, "%04d-12-31", a.year);
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		"SELECT h.id, h.title, h.category, h.level, u.id, u.name, h.term_end, h.reminded_end FROM honors h "
		"JOIN units u ON u.id = h.unit_id WHERE h.archived = 0 AND h.status = 'valid' AND h.term_end >= ? AND "
		"h.term_end <= ? AND h.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) "
		"ORDER BY h.term_end, u.path LIMIT 2000",
		"ssi", from, to, a.unit);
	struct crumb c[] = {{"/r/honors", T(r, M_hon_honors)}, {NULL, T(r, M_hon_expiring)}};
	page_begin(r, T(r, M_hon_expiring), c, 2);
	page_heading(r, arena_printf(r->a, "%s · %s · %d", T(r, M_hon_expiring), a.unit_name, a.year), NULL);
	pickers(r, "/honors/expiring", &a);
	html(r, "<section class=\"card\"><p class=\"hint\">%T</p>", M_hon_expiring_lead);
	static const struct list_col cols[] = {{M_unit, NULL, 0},         {M_hon_title, NULL, 0},
					       {M_hon_category, NULL, 0}, {M_hon_level, NULL, 0},
					       {M_hon_term_end, NULL, 0}, {M_hon_t_remind, NULL, 0}};
	const char *vals[HON__COUNT] = {0};
	struct record tmp = {.type = &honors_type, .vals = vals};
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++)
			list_begin(r, cols, 6, -1, 0);
		vals[HON_CATEGORY] = db_column_text(q, 2);
		vals[HON_LEVEL] = db_column_text(q, 3);
		const char *reminded = db_column_text(q, 7), *end = db_column_text(q, 6);
		html(r,
		     "<tr><td class=\"card-title\"><a href=\"/r/units/%D\">%s</a></td><td data-label=\"%T\"><a "
		     "href=\"/r/honors/%D\">%s</a></td><td data-label=\"%T\">%s</td><td data-label=\"%T\">%s</td><td "
		     "data-label=\"%T\">%s</td><td data-label=\"%T\">%T</td></tr>",
		     db_column_int64(q, 4), db_column_text(q, 5), M_hon_title, db_column_int64(q, 0),
		     db_column_text(q, 1), M_hon_category, record_display(r, &tmp, HON_CATEGORY, 0), M_hon_level,
		     record_display(r, &tmp, HON_LEVEL, 0), M_hon_term_end, end, M_hon_t_remind,
		     reminded && end && !strcmp(reminded, end) ? M_yes : M_no);
	}
	db_reset(q);
	if (n)
		list_end(r);
	else
		html(r, "<p>%T</p>", M_hon_expiring_none);
	html(r, "</section>");
	page_end(r);
	return 0;
}

const struct route honors_routes[] = {
	{"GET", "/honors/ratio", ratio_page, P_SIGNED_IN, 0, "civilized-unit ratio"},
	{"GET", "/honors/ratio.xlsx", ratio_xlsx, P_SIGNED_IN, 0, "civilized-unit ratio"},
	{"GET", "/honors/expiring", expiring_page, P_SIGNED_IN, 0, "expiring titles"},
	{NULL, NULL, NULL, 0, 0, NULL},
};

/* ---- metrics ---- */

static int valid_count(struct req *r, int64_t unit, const char *to, const char *level, double *value)
{
	int64_t d;
	if (!req_db(r) || cal_parse_date(to, &d))
		return DB_ERR;
	*value = (double)db_one_int64(
		req_db(r), 0,
		"SELECT count(*) FROM honors WHERE archived = 0 AND status <> 'revoked' AND "
		"awarded_on <= ? AND (term_end IS NULL OR term_end >= ?) AND (? = '' OR level = ?) "
		"AND unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)",
		"ssssi", to, to, level, level, unit);
	return 0;
}

#define VALID(fn, level)                                                                            \
	static int fn(struct req *r, int64_t unit, const char *from, const char *to, double *value) \
	{                                                                                           \
		(void)from;                                                                         \
		return valid_count(r, unit, to, level, value);                                      \
	}
VALID(m_valid, "")
VALID(m_valid_national, "national")
VALID(m_valid_provincial, "provincial")
VALID(m_valid_prefecture, "prefecture")
#undef VALID

static int m_ratio(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	(void)from;
	int64_t d;
	if (!req_db(r) || cal_parse_date(to, &d))
		return DB_ERR;
	int y, m, dd;
	cal_civil_from_days(d, &y, &m, &dd);
	struct civ_ratio f;
	int rc = honors_ratio(r, unit, y, &f);
	if (!rc)
		*value = f.ratio < 0 ? 0 : f.ratio;
	return rc;
}

static int m_selections(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	if (!req_db(r))
		return DB_ERR;
	*value = (double)db_one_int64(
		req_db(r), 0,
		"SELECT count(*) FROM campaign_applications WHERE archived = 0 AND state = "
		"'selected' AND decided_on >= ? AND decided_on <= ? AND unit_id IN (SELECT unit_id "
		"FROM unit_tree WHERE ancestor_id = ?)",
		"ssi", from, to, unit);
	return 0;
}

/* Runs q (columns: id, title, day) and hands each row to fn as
 * prefix/id, weighing 1. */
#define VALID_SQL                                                                                               \
	" FROM honors WHERE archived = 0 AND status <> 'revoked' AND awarded_on <= ? AND (term_end IS NULL OR "  \
	"term_end >= ?) AND (? = '' OR level = ?) "

static int valid_shares(struct req *r, const char *to, const char *level, metric_share_fn *share, void *ctx)
{
	int64_t d;
	if (!req_db(r) || cal_parse_date(to, &d))
		return DB_ERR;
	return metric_share_rows(db_query(req_db(r), r->a,
				   "SELECT unit_id, count(*), 0" VALID_SQL "AND unit_id IS NOT NULL GROUP BY unit_id",
				   "ssss", to, to, level, level),
			  share, ctx);
}

/* The titles held, last awarded first. */
static int valid_records(struct req *r, int64_t unit, const char *to, const char *level, int limit,
			 metric_record_fn *fn, void *ctx)
{
	int64_t d;
	if (!req_db(r) || cal_parse_date(to, &d))
		return DB_ERR;
	return metric_record_rows(r,
			   db_query(req_db(r), r->a,
				    "SELECT id, title, awarded_on" VALID_SQL
				    "AND unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) ORDER BY "
				    "awarded_on DESC, id DESC LIMIT ?",
				    "ssssiI", to, to, level, level, unit, limit),
			   "/r/honors/", fn, ctx);
}

#define VALID(base, level)                                                                                      \
	static int base##_shares(struct req *r, const char *from, const char *to, metric_share_fn *share,        \
				 void *ctx)                                                                      \
	{                                                                                                        \
		(void)from;                                                                                      \
		return valid_shares(r, to, level, share, ctx);                                                   \
	}                                                                                                        \
	static int base##_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,      \
				  metric_record_fn *fn, void *ctx)                                               \
	{                                                                                                        \
		(void)from;                                                                                      \
		return valid_records(r, unit, to, level, limit, fn, ctx);                                        \
	}
VALID(m_valid, "")
VALID(m_valid_national, "national")
VALID(m_valid_provincial, "provincial")
VALID(m_valid_prefecture, "prefecture")
#undef VALID

/* The year of the period's end, as m_ratio counts it. */
static int ratio_year(struct req *r, const char *to, int *year)
{
	int64_t d;
	if (!req_db(r) || cal_parse_date(to, &d))
		return DB_ERR;
	int m, dd;
	cal_civil_from_days(d, year, &m, &dd);
	return 0;
}

/* Each counted unit is its own share: 100 when it holds the title, over 1. */
static int ratio_shares(struct req *r, const char *from, const char *to, metric_share_fn *share, void *ctx)
{
	(void)from;
	int year;
	if (ratio_year(r, to, &year))
		return DB_ERR;
	const char *day = ref_day(r, year);
	return metric_share_rows(db_query(req_db(r), r->a,
				   "SELECT c.unit_id, CASE WHEN " HOLDS_SQL " THEN 100 ELSE 0 END, 1 FROM (SELECT "
				   "DISTINCT unit_id FROM honor_counted_units WHERE archived = 0 AND year = ? AND "
				   "unit_id IS NOT NULL) c",
				   "sssi", day, day, day, (int64_t)year),
			  share, ctx);
}

/* The counted units that hold the title (on the reference day). */
static int ratio_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,
			 metric_record_fn *fn, void *ctx)
{
	(void)from;
	int year;
	if (ratio_year(r, to, &year))
		return DB_ERR;
	const char *day = ref_day(r, year);
	return metric_record_rows(r,
			   db_query(req_db(r), r->a,
				    "SELECT u.id, u.name, CAST(? AS TEXT) FROM (SELECT DISTINCT unit_id FROM honor_counted_units "
				    "WHERE archived = 0 AND year = ? AND unit_id IN (SELECT unit_id FROM unit_tree WHERE "
				    "ancestor_id = ?)) c JOIN units u ON u.id = c.unit_id WHERE " HOLDS_SQL
				    " ORDER BY u.id DESC LIMIT ?",
				    "siisssI", day, (int64_t)year, unit, day, day, day, limit),
			   "/r/units/", fn, ctx);
}

#define SELECTED                                                                                                \
	" FROM campaign_applications a LEFT JOIN campaigns g ON g.id = a.campaign_id LEFT JOIN units u ON u.id = " \
	"a.unit_id WHERE a.archived = 0 AND "                                                                    \
	"a.state = 'selected' AND a.decided_on >= ? AND a.decided_on <= ? "

static int selections_shares(struct req *r, const char *from, const char *to, metric_share_fn *share, void *ctx)
{
	if (!req_db(r))
		return DB_ERR;
	return metric_share_rows(db_query(req_db(r), r->a,
				   "SELECT a.unit_id, count(*), 0" SELECTED "AND a.unit_id IS NOT NULL GROUP BY a.unit_id",
				   "ss", from, to),
			  share, ctx);
}

/* The applications selected, last decided first. */
static int selections_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,
			      metric_record_fn *fn, void *ctx)
{
	if (!req_db(r))
		return DB_ERR;
	return metric_record_rows(r,
			   db_query(req_db(r), r->a,
				    "SELECT a.id, COALESCE(u.name, '') || ' · ' || COALESCE(g.name, ''), a.decided_on" SELECTED
				    "AND a.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) ORDER BY "
				    "a.decided_on DESC, a.id DESC LIMIT ?",
				    "ssiI", from, to, unit, limit),
			   "/r/campaign_applications/", fn, ctx);
}

const struct metric honors_metrics[] = {
	{.name = "honors_valid",
	 .label = M_hon_m_valid,
	 .compute = m_valid,
	 .kind = METRIC_SUM,
	 .shares = m_valid_shares,
	 .records = m_valid_records},
	{.name = "honors_valid_national",
	 .label = M_hon_m_valid_national,
	 .compute = m_valid_national,
	 .kind = METRIC_SUM,
	 .shares = m_valid_national_shares,
	 .records = m_valid_national_records},
	{.name = "honors_valid_provincial",
	 .label = M_hon_m_valid_provincial,
	 .compute = m_valid_provincial,
	 .kind = METRIC_SUM,
	 .shares = m_valid_provincial_shares,
	 .records = m_valid_provincial_records},
	{.name = "honors_valid_prefecture",
	 .label = M_hon_m_valid_prefecture,
	 .compute = m_valid_prefecture,
	 .kind = METRIC_SUM,
	 .shares = m_valid_prefecture_shares,
	 .records = m_valid_prefecture_records},
	{.name = "civilized_unit_ratio",
	 .label = M_hon_m_ratio,
	 .compute = m_ratio,
	 .kind = METRIC_RATE,
	 .shares = ratio_shares,
	 .records = ratio_records},
	{.name = "campaign_selections",
	 .label = M_hon_m_selections,
	 .compute = m_selections,
	 .kind = METRIC_SUM,
	 .shares = selections_shares,
	 .records = selections_records},
	{.name = NULL},
};

/* ---- the home page ---- */

/* The user's scope root for honors: the top of the tree for an
 * organization-wide grant, else the unit of their first grant; 0: none. */
static int64_t scope_root(struct req *r)
{
	if (!r->user)
		return 0;
	for (int i = 0; i < r->user->ngrants; i++)
		if (honors_type.access[r->user->grants[i].role] >= ACC_READ && !r->user->grants[i].unit_id)
			return db_one_int64(req_db(r), 0,
					    "SELECT id FROM units WHERE parent_id IS NULL AND archived = 0 ORDER BY id "
					    "LIMIT 1",
					    NULL);
	for (int i = 0; i < r->user->ngrants; i++)
		if (honors_type.access[r->user->grants[i].role] >= ACC_READ)
			return r->user->grants[i].unit_id;
	return 0;
}

void honors_home(struct req *r)
{
	if (!record_type_may(r, &honors_type, ACC_READ))
		return;
	int64_t root = scope_root(r);
	if (!root)
		return;
	int year = this_year();
	struct civ_ratio f;
	if (!honors_ratio(r, root, year, &f) && f.counted) {
		html(r,
		     "<a class=\"tile%s\" href=\"/honors/ratio?unit=%D&amp;year=%d\"><span "
		     "class=\"tile-label\">%T</span>"
		     "<span class=\"tile-value\">%s</span><span class=\"tile-note\">%D / %D</span></a>",
		     f.holding < f.counted ? " tile-danger" : "", root, year, M_hon_tile_ratio, pct(r, f.ratio),
		     f.holding, f.counted);
	}
	int64_t expiring =
		db_one_int64(req_db(r), 0,
			     "SELECT count(*) FROM honors WHERE archived = 0 AND status = 'valid' AND term_end "
			     ">= ? AND term_end <= ? AND unit_id IN (SELECT unit_id FROM unit_tree WHERE "
			     "ancestor_id = ?)",
			     "ssi", honors_today(r), arena_printf(r->a, "%04d-12-31", year), root);
	if (expiring)
		home_tile(r, arena_printf(r->a, "/honors/expiring?unit=%lld&year=%d", (long long)root, year),
			  M_hon_tile_expiring, expiring, M_hon_tile_expiring_n, 1);
	if (record_type_may(r, &honors_type, ACC_WRITE)) {
		int64_t review =
			db_one_int64(req_db(r), 0,
				     "SELECT count(*) FROM campaign_applications WHERE archived = 0 AND state = "
				     "'submitted' AND unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)",
				     "i", root);
		home_tile(r, "/r/campaign_applications?state=submitted", M_hon_tile_review, review, M_hon_tile_review_n,
			  review > 0);
	}
}
