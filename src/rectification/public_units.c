/* public_units.c — public accountability: a page per unit that the office
 * publishes (units.published), for anyone, without an account: its service
 * windows, the satisfaction of the people it served, its valid honors
 * (title, level, issuer, year: honors_public_list), and its rectification
 * progress (how many problems were found, how many are fixed, on time or
 * late, and the fixed ones). Counts and rates only: never a complainant, a
 * case's text or a rater, and a problem raised from a case is named by the
 * case's category, not by its text.
 *
 *   GET /public/units        the published units, with their figures
 *   GET /public/units/{id}   one unit's page
 *
 * The figures cover the last twelve months (satisfaction) and the current
 * year (rectification); both pages are cached for the data generation, as
 * anyone may ask for them as often as they like. */
#include "../cases/cases.h"
#include "../cases/stats.h"
#include "../core/cache.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../honors/honors.h"
#include "../http/audit.h"
#include "../web/layout.h"
#include "../web/widgets.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Closed items a unit's page lists, latest first. */
#define PUBLIC_CLOSED_MAX 20
/* Service windows a unit's page lists. */
#define PUBLIC_WINDOWS_MAX 60
/* Units the index lists. */
#define PUBLIC_UNITS_MAX 500

struct rect_figures {
	int64_t items, closed, on_time, open, overdue;
};

/* This year's rectification items of unit's subtree: those still open,
 * whenever assigned, and those closed this year. */
static void rect_figures(struct req *r, int64_t unit, const char *year_start, const char *today, struct rect_figures *f)
{
	memset(f, 0, sizeof *f);
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT count(*), "
				     "sum(CASE WHEN state = 'closed' THEN 1 ELSE 0 END), "
				     "sum(CASE WHEN state = 'closed' AND on_time = 1 THEN 1 ELSE 0 END), "
				     "sum(CASE WHEN state <> 'closed' THEN 1 ELSE 0 END), "
				     "sum(CASE WHEN state <> 'closed' AND due < ? THEN 1 ELSE 0 END) "
				     "FROM rectifications WHERE archived = 0 "
				     "AND unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) "
				     "AND (state <> 'closed' OR closed_on >= ?)",
				     "sis", today, unit, year_start);
	if (q && db_step(q) == DB_ROW) {
		f->items = db_column_int64(q, 0);
		f->closed = db_column_int64(q, 1);
		f->on_time = db_column_int64(q, 2);
		f->open = db_column_int64(q, 3);
		f->overdue = db_column_int64(q, 4);
	}
	db_reset(q);
}

/* Satisfaction over the last twelve months of unit's subtree. */
static int satisfaction(struct req *r, int64_t unit, int64_t today, struct case_figures *f)
{
	struct case_stats st;
	int rc = case_stats_compute(r, unit, today - 364, today, today, 0, 0, &st);
	if (!rc)
		*f = st.all;
	return rc;
}

static const char *pct(struct req *r, double v)
{
	return v < 0 ? "—" : arena_printf(r->a, "%.1f %%", v);
}

static void figure(struct req *r, enum msg_id label, const char *value, const struct markup *note)
{
	html(r, "<div class=\"tile\"><span class=\"tile-label\">%T</span><span class=\"tile-value\">%s</span>%H</div>",
	     label, value, note);
}

static const struct markup *note_of(struct req *r, enum msg_id fmt, int64_t a, int64_t b)
{
	return html_fmt(r, "<span class=\"tile-note\">%s</span>",
			arena_printf(r->a, T(r, fmt), (long long)a, (long long)b));
}

static void public_begin(struct req *r, const char *title)
{
	case_portal_begin(r, title, "/public/units");
}

/* The published unit id, or 0. */
static int64_t published_unit(struct req *r, int64_t id)
{
	return db_one_int64(req_db(r), 0,
			    "SELECT id FROM units WHERE id = ? AND published = 1 AND archived = 0 AND active = 1", "i",
			    id);
}

/* ---- the index ---- */

static void index_body(struct req *r)
{
	struct db *db = req_db(r);
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT id, name FROM units WHERE published = 1 AND archived = 0 AND active = 1 "
				     "ORDER BY path LIMIT ?",
				     "i", (int64_t)PUBLIC_UNITS_MAX);
	int64_t ids[PUBLIC_UNITS_MAX];
	const char *names[PUBLIC_UNITS_MAX];
	int n = 0;
	while (q && n < PUBLIC_UNITS_MAX && db_step(q) == DB_ROW) {
		ids[n] = db_column_int64(q, 0);
		names[n++] = arena_strdup(r->a, db_column_text(q, 1));
	}
	db_reset(q);
	html(r, "<div class=\"public-head\"><h1>%T</h1><p>%T</p></div>", M_rect_public_units, M_rect_public_units_lead);
	if (!n) {
		html(r, "<section class=\"card public-card\"><p>%T</p></section>", M_rect_public_none);
		return;
	}
	char today_s[CAL_DATE_SIZE], start_s[CAL_DATE_SIZE];
	int64_t today = cal_local_day(time(NULL));
	int y, m, d;
	cal_civil_from_days(today, &y, &m, &d);
	cal_format_date(today, today_s);
	cal_format_date(cal_days_from_civil(y, 1, 1), start_s);
	html(r,
	     "<section class=\"card public-card\">%H<table class=\"list\"><thead><tr><th scope=\"col\">%T</th>"
	     "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
	     "<th scope=\"col\" class=\"num\">%T</th></tr></thead><tbody>",
	     table_wrap_open(r), M_unit, M_case_stats_satisfaction_rate, M_rect_public_items, M_rect_public_closed);
	for (int i = 0; i < n; i++) {
		struct case_figures cf = {.satisfaction_rate = -1};
		satisfaction(r, ids[i], today, &cf);
		struct rect_figures rf;
		rect_figures(r, ids[i], start_s, today_s, &rf);
		/* data-label: on a phone each row is a card */
		html(r,
		     "<tr><td class=\"card-title\"><a href=\"/public/units/%D\">%s</a></td>"
		     "<td class=\"num\" data-label=\"%T\">%s</td><td class=\"num\" data-label=\"%T\">%N</td>"
		     "<td class=\"num\" data-label=\"%T\">%N</td></tr>",
		     ids[i], names[i], M_case_stats_satisfaction_rate, pct(r, cf.satisfaction_rate), M_rect_public_items,
		     rf.items, M_rect_public_closed, rf.closed);
	}
	html(r, "</tbody></table></div></section>");
}

/* ---- a unit ---- */

static void windows(struct req *r, int64_t unit)
{
	struct db_stmt *q =
		db_query(req_db(r), r->a,
			 "SELECT u.name, u.contact FROM units u JOIN unit_tree t ON t.unit_id = u.id "
			 "WHERE t.ancestor_id = ? AND u.kind = 'window' AND u.archived = 0 AND u.active = 1 "
			 "ORDER BY u.path LIMIT ?",
			 "ii", unit, (int64_t)PUBLIC_WINDOWS_MAX);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++)
			html(r, "<section class=\"card public-card\"><h2>%T</h2><ul class=\"public-list\">",
			     M_rect_public_windows);
		const char *contact = db_column_text(q, 1);
		html(r, "<li><span>%s</span>", db_column_text(q, 0));
		if (contact && *contact)
			html(r, " <span class=\"hint\">%s</span>", contact);
		html(r, "</li>");
	}
	db_reset(q);
	if (n)
		html(r, "</ul></section>");
}

/* The closed items of this year, latest first: what was fixed, never who
 * complained; an item raised from a case is named by its category. */
static void closed_items(struct req *r, int64_t unit, const char *year_start)
{
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		"SELECT x.number, x.source, x.problem, c.name, x.closed_on, x.on_time FROM rectifications x "
		"LEFT JOIN cases k ON k.id = x.source_case LEFT JOIN case_categories c ON c.id = k.category_id "
		"WHERE x.archived = 0 AND x.state = 'closed' AND x.closed_on >= ? "
		"AND x.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) "
		"ORDER BY x.closed_on DESC, x.id DESC LIMIT ?",
		"sii", year_start, unit, (int64_t)PUBLIC_CLOSED_MAX);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++)
			html(r,
			     "<section class=\"card public-card\"><h2>%T</h2>%H<table class=\"list\"><thead><tr>"
			     "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
			     "<th scope=\"col\">%T</th></tr></thead><tbody>",
			     M_rect_public_closed_items, table_wrap_open(r), M_rect_public_problem,
			     M_rect_public_number, M_rect_public_closed_on, M_rect_public_on_time);
		const char *source = db_column_text(q, 1);
		const char *problem = db_column_text(q, 2), *category = db_column_text(q, 3);
		const char *what = source && !strcmp(source, "case")
					   ? arena_printf(r->a, T(r, M_rect_public_from_case), category ? category : "")
					   : problem;
		html(r,
		     "<tr><td class=\"card-title\">%s</td><td class=\"mono\" data-label=\"%T\">%s</td>"
		     "<td data-label=\"%T\">%s</td><td data-label=\"%T\">%T</td></tr>",
		     what ? what : "", M_rect_public_number, db_column_text(q, 0), M_rect_public_closed_on,
		     db_column_text(q, 4), M_rect_public_on_time, db_column_int64(q, 5) ? M_yes : M_no);
	}
	db_reset(q);
	if (n)
		html(r, "</tbody></table></div></section>");
}

static void unit_body(struct req *r, int64_t unit)
{
	struct db *db = req_db(r);
	struct arena *a = r->a;
	const char *name = db_one_text(db, a, "SELECT name FROM units WHERE id = ?", "i", unit);
	const char *contact = db_one_text(db, a, "SELECT contact FROM units WHERE id = ?", "i", unit);
	char today_s[CAL_DATE_SIZE], start_s[CAL_DATE_SIZE];
	int64_t today = cal_local_day(time(NULL));
	int y, m, d;
	cal_civil_from_days(today, &y, &m, &d);
	cal_format_date(today, today_s);
	cal_format_date(cal_days_from_civil(y, 1, 1), start_s);

	html(r, "<div class=\"public-head\"><h1>%s</h1>", name ? name : "");
	if (contact && *contact)
		html(r, "<p>%T: %s</p>", M_unit_contact, contact);
	html(r, "</div>");

	struct case_figures cf = {.satisfaction_rate = -1, .on_time_rate = -1};
	satisfaction(r, unit, today, &cf);
	html(r, "<section class=\"card public-card\"><h2>%T</h2><p class=\"hint\">%T</p><div class=\"tiles\">",
	     M_rect_public_service, M_rect_public_service_hint);
	figure(r, M_case_stats_satisfaction_rate, pct(r, cf.satisfaction_rate),
	       note_of(r, M_rect_public_of_rated, cf.satisfied, cf.rated));
	figure(r, M_case_stats_on_time_rate, pct(r, cf.on_time_rate),
	       note_of(r, M_rect_public_of_answered, cf.answered_on_time, cf.answered));
	figure(r, M_case_stats_received, arena_printf(a, "%lld", (long long)cf.received), NULL);
	html(r, "</div></section>");

	windows(r, unit);
	honors_public_list(r, unit);

	struct rect_figures rf;
	rect_figures(r, unit, start_s, today_s, &rf);
	html(r, "<section class=\"card public-card\"><h2>%T</h2><p class=\"hint\">%T</p><div class=\"tiles\">",
	     M_rect_public_progress, M_rect_public_progress_hint);
	figure(r, M_rect_public_items, arena_printf(a, "%lld", (long long)rf.items), NULL);
	figure(r, M_rect_public_closed, arena_printf(a, "%lld", (long long)rf.closed),
	       note_of(r, M_rect_public_on_time_of, rf.on_time, rf.closed));
	figure(r, M_rect_public_open, arena_printf(a, "%lld", (long long)rf.open),
	       note_of(r, M_rect_public_overdue_of, rf.overdue, rf.open));
	html(r, "</div></section>");

	closed_items(r, unit, start_s);
	html(r, "<p class=\"public-foot\"><a href=\"/public/units\">%T</a></p>", M_rect_public_all_units);
}

/* Serves body from the cache for the data generation and the day, or
 * renders it (the figures are the same for everyone). */
static int cached_page(struct req *r, const char *title, const char *key, void (*body)(struct req *, int64_t),
		       int64_t arg)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	public_begin(r, title);
	const char *k = arena_printf(r->a, "%s|%s|%lld|%lld", key, lang_code(r->lang), (long long)arg,
				     (long long)cal_local_day(time(NULL)));
	int64_t gen = audit_data_gen(db);
	if (!cache_get(req_cache(r), k, gen, &r->out)) {
		size_t at = r->out.len;
		body(r, arg);
		cache_put(req_cache(r), k, gen, r->out.p + at, r->out.len - at);
	}
	page_public_end(r);
	return 0;
}

static void index_of(struct req *r, int64_t unused)
{
	(void)unused;
	index_body(r);
}

static int units_page(struct req *r)
{
	return cached_page(r, T(r, M_rect_public_units), "public-units", index_of, 0);
}

static int unit_page(struct req *r)
{
	int64_t id = published_unit(r, req_param_int(r, "id"));
	if (!id)
		return req_fail(r, 404, M_rect_public_not_published);
	const char *name = db_one_text(req_db(r), r->a, "SELECT name FROM units WHERE id = ?", "i", id);
	return cached_page(r, name ? name : T(r, M_rect_public_units), "public-unit", unit_body, id);
}

const struct route rect_public_routes[] = {
	{"GET", "/public/units", units_page, P_PUBLIC, 0, "public units"},
	{"GET", "/public/units/{id:int}", unit_page, P_PUBLIC, 0, "public unit"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
