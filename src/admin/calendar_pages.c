/* calendar_pages.c — the working-day calendar's pages (admin and office):
 * the years entered with their counts, a year's days with add and delete,
 * adding a year by pasting the State Council's dates as TSV; and the JSON
 * answer GET /api/v1/workdays/due, a deadline in working days.
 *
 * Validation and storage are src/platform/workdays.c's; nothing here counts
 * days or writes SQL that changes data. */
#include "../db/db.h"
#include "../platform/workdays.h"
#include "../web/widgets.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define TSV_MAX (64 * 1024)

static const enum msg_id weekday_names[] = {M_cal_wd_1, M_cal_wd_2, M_cal_wd_3, M_cal_wd_4,
					    M_cal_wd_5, M_cal_wd_6, M_cal_wd_7};

static int parse_year(const char *s)
{
	if (!s || !*s || strlen(s) > 4)
		return 0;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	int y = atoi(s);
	return y >= 1900 && y <= CAL_YEAR_MAX ? y : 0;
}

struct year_form {
	const char *year, *note, *tsv;
	enum msg_id e_year, e_tsv;
	const char *problem; /* the paste's first problem, in the user's language */
};

static void years_table(struct req *r, struct db *db)
{
	static const struct list_col cols[] = {
		{M_year, NULL, 0},     {M_cal_holidays, NULL, 1}, {M_cal_makeups, NULL, 1},
		{M_cal_note, NULL, 0}, {M_cal_updated, NULL, 0},
	};
	struct db_stmt *s = db_query(db, r->a,
				     "SELECT y.year, y.note, y.updated_at,"
				     " (SELECT count(*) FROM workdays w WHERE w.kind = 'holiday' AND "
				     "w.day >= CAST(y.year AS TEXT) || '-01-01'"
				     "  AND w.day <= CAST(y.year AS TEXT) || '-12-31'),"
				     " (SELECT count(*) FROM workdays w WHERE w.kind = "
				     "'makeup_workday' AND w.day >= CAST(y.year AS TEXT) || "
				     "'-01-01' AND w.day <= CAST(y.year AS TEXT) || '-12-31')"
				     " FROM workday_years y ORDER BY y.year DESC",
				     NULL);
	int any = 0;
	while (s && db_step(s) == DB_ROW) {
		if (!any)
			list_begin(r, cols, 5, -1, 0);
		any = 1;
		int64_t y = db_column_int64(s, 0), t = db_column_int64(s, 2);
		char when[64] = "";
		if (t)
			fmt_time(r->lang, t, 0, when, sizeof when);
		html(r,
		     "<tr><td class=\"card-title\"><a "
		     "href=\"/admin/calendar/%D\">%D</a></td>"
		     "<td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" "
		     "data-label=\"%T\">%D</td>"
		     "<td data-label=\"%T\">%s</td><td data-label=\"%T\">%s</td></tr>",
		     y, y, M_cal_holidays, db_column_int64(s, 3), M_cal_makeups, db_column_int64(s, 4), M_cal_note,
		     db_column_text(s, 1), M_cal_updated, when);
	}
	if (any)
		list_end(r);
	else
		empty_state(r, M_cal_no_years, M_NONE, NULL, M_NONE);
}

static void calendar_render(struct req *r, struct db *db, const struct year_form *f)
{
	struct crumb c[] = {{NULL, T(r, M_nav_calendar)}};
	page_begin(r, T(r, M_nav_calendar), c, 1);
	page_heading(r, T(r, M_nav_calendar), NULL);
	html(r, "<p class=\"hint\">%T</p>", M_cal_years_hint);
	years_table(r, db);
	form_errors(r, (f->e_year != M_NONE) + (f->e_tsv != M_NONE));
	html(r,
	     "<section class=\"card\" id=\"add-year\"><h2>%T</h2><form "
	     "class=\"form\" method=\"post\" "
	     "action=\"/admin/calendar\">%H",
	     M_cal_add_year, csrf_input(r));
	field_input(r, "number", "year", M_year, f->year, f->e_year, 1, M_NONE);
	field_input(r, "text", "note", M_cal_note, f->note, M_NONE, 0, M_cal_note_hint);
	html(r,
	     "<div class=\"field%H\"><label for=\"f-tsv\">%T%H</label><textarea "
	     "id=\"f-tsv\" name=\"tsv\" rows=\"12\" "
	     "spellcheck=\"false\" aria-describedby=\"f-tsv-hint%H\"%H>%s</textarea>",
	     f->e_tsv != M_NONE ? MARKUP(" has-error") : MARKUP(""), M_cal_paste, field_required_mark(r),
	     f->e_tsv != M_NONE ? MARKUP(" f-tsv-error") : MARKUP(""),
	     f->e_tsv != M_NONE ? MARKUP(" aria-invalid=\"true\"") : MARKUP(""),
	     f->tsv ? f->tsv : "date\tkind\tname\n");
	if (f->e_tsv != M_NONE)
		html(r, "<p class=\"error\" id=\"f-tsv-error\">%s</p>", f->problem ? f->problem : T(r, f->e_tsv));
	html(r, "<p class=\"hint\" id=\"f-tsv-hint\">%T</p></div>", M_cal_paste_hint);
	html(r,
	     "<div class=\"form-actions\"><button class=\"btn "
	     "btn-primary\">%T</button></div></form></section>",
	     M_cal_add_year);
	page_end(r);
}

static int calendar_page(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	struct year_form f = {.year = "", .note = ""};
	calendar_render(r, db, &f);
	return 0;
}

static int calendar_add_year(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	struct year_form f = {.year = req_form(r, "year"), .note = req_form(r, "note"), .tsv = req_form(r, "tsv")};
	if (!f.year)
		f.year = "";
	if (!f.note)
		f.note = "";
	int y = parse_year(f.year);
	if (!y)
		f.e_year = M_cal_year_rule;
	if (strlen(f.note) > WORKDAYS_NOTE_MAX)
		f.note = arena_strndup(r->a, f.note, WORKDAYS_NOTE_MAX);
	if (!f.tsv || !*f.tsv)
		f.e_tsv = M_required;
	else if (strlen(f.tsv) > TSV_MAX)
		f.e_tsv = M_cal_empty;
	int rc = 0;
	if (f.e_year == M_NONE && f.e_tsv == M_NONE) {
		struct cal_problem p = {0};
		rc = workdays_add_year(r, y, f.note, f.tsv, strlen(f.tsv), &p);
		switch (rc) {
		case 0: break;
		case WORKDAYS_E_INVALID:
			f.e_tsv = workdays_problem_msg(p.error);
			f.problem = workdays_problem_text(r, &p);
			break;
		case WORKDAYS_E_OTHER_YEAR: {
			char date[CAL_DATE_SIZE];
			f.e_tsv = M_cal_other_year;
			f.problem = arena_printf(r->a, T(r, M_cal_other_year), cal_format_date(p.day, date));
			break;
		}
		case WORKDAYS_E_EMPTY: f.e_tsv = M_cal_empty; break;
		case WORKDAYS_E_EXISTS: f.e_year = M_cal_year_exists; break;
		case WORKDAYS_E_RANGE: f.e_year = M_cal_year_rule; break;
		default: return req_fail(r, 500, M_NONE);
		}
	}
	if (f.e_year != M_NONE || f.e_tsv != M_NONE) {
		r->status = 422;
		if (f.problem)
			f.problem = arena_printf(r->a, "%s %s", f.problem, T(r, M_cal_nothing_saved));
		calendar_render(r, db, &f);
		return 0;
	}
	req_flash(r, "ok", M_cal_year_added);
	return req_redirect(r, arena_printf(r->a, "/admin/calendar/%d", y));
}

struct day_form {
	const char *date, *kind, *name;
	enum msg_id e_date, e_kind, e_name;
	const char *problem;
};

static void year_render(struct req *r, struct db *db, int y, const struct day_form *f)
{
	const char *title = arena_printf(r->a, "%s · %d", T(r, M_nav_calendar), y);
	struct crumb c[] = {{"/admin/calendar", T(r, M_nav_calendar)}, {NULL, arena_printf(r->a, "%d", y)}};
	page_begin(r, title, c, 2);
	page_heading(r, title, NULL);
	const char *note = db_one_text(db, r->a, "SELECT note FROM workday_years WHERE year = ?", "I", y);
	if (note && *note)
		html(r, "<p class=\"hint\">%T：%s</p>", M_cal_note, note);
	static const struct list_col cols[] = {
		{M_cal_date, NULL, 0}, {M_cal_weekday, NULL, 0}, {M_cal_kind, NULL, 0},
		{M_cal_name, NULL, 0}, {M_NONE, NULL, 0},
	};
	char lo[16], hi[16];
	snprintf(lo, sizeof lo, "%04d-01-01", y);
	snprintf(hi, sizeof hi, "%04d-12-31", y);
	struct db_stmt *s = db_query(db, r->a,
				     "SELECT day, kind, name FROM workdays WHERE day "
				     ">= ? AND day <= ? ORDER BY day",
				     "ss", lo, hi);
	int any = 0;
	const struct markup *csrf = csrf_input(r);
	while (s && db_step(s) == DB_ROW) {
		if (!any)
			list_begin(r, cols, 5, -1, 0);
		any = 1;
		const char *day = db_column_text(s, 0), *kind = db_column_text(s, 1);
		int64_t d = 0;
		cal_parse_date(day, &d);
		int holiday = !strcmp(kind, "holiday");
		html(r,
		     "<tr><td class=\"card-title\">%s</td><td data-label=\"%T\">%T</td><td "
		     "data-label=\"%T\">%H</td>"
		     "<td data-label=\"%T\">%s</td><td><form method=\"post\" "
		     "action=\"/admin/calendar/%d/days/delete\">%H"
		     "<input type=\"hidden\" name=\"day\" value=\"%a\"><button class=\"btn "
		     "btn-sm btn-plain\" "
		     "aria-label=\"%a\">%T</button></form></td></tr>",
		     day, M_cal_weekday, weekday_names[cal_weekday(d) - 1], M_cal_kind,
		     holiday ? html_fmt(r, "<span class=\"badge badge-danger\">%T</span>", M_cal_kind_holiday)
			     : html_fmt(r, "<span class=\"badge badge-ok\">%T</span>", M_cal_kind_makeup_workday),
		     M_cal_name, db_column_text(s, 2), y, csrf, day,
		     arena_printf(r->a, T(r, M_cal_delete_day_label), day), M_cal_delete_day);
	}
	if (any)
		list_end(r);
	else
		empty_state(r, M_cal_no_days, M_NONE, NULL, M_NONE);

	form_errors(r, (f->e_date != M_NONE) + (f->e_kind != M_NONE) + (f->e_name != M_NONE));
	html(r,
	     "<section class=\"card\" id=\"add-day\"><h2>%T</h2><form class=\"form\" "
	     "method=\"post\" "
	     "action=\"/admin/calendar/%d/days\">%H",
	     M_cal_add_day, y, csrf);
	field_input(r, "date", "day", M_cal_date, f->date, f->e_date, 1, M_NONE);
	if (f->problem)
		html(r, "<p class=\"error\" role=\"alert\">%s</p>", f->problem);
	static const char *const kinds[] = {"holiday", "makeup_workday"};
	static const enum msg_id kind_labels[] = {M_cal_kind_holiday, M_cal_kind_makeup_workday};
	field_select(r, "kind", M_cal_kind, kinds, kind_labels, 2, f->kind, 0);
	field_input(r, "text", "name", M_cal_name, f->name, f->e_name, 1, M_NONE);
	html(r,
	     "<div class=\"form-actions\"><button class=\"btn "
	     "btn-primary\">%T</button></div></form></section>",
	     M_cal_add_day);
	html(r,
	     "<section class=\"card\"><h2>%T</h2><p><a "
	     "href=\"/admin/audit?entity=workday_year&amp;entity_id=%d\">%T"
	     "</a></p></section>",
	     M_history, y, M_history_link);
	page_end(r);
}

/* The year of the route, covered; 0 after answering 404. */
static int route_year(struct req *r, struct db *db)
{
	int64_t y = req_param_int(r, "year");
	if (y < 1900 || y > CAL_YEAR_MAX ||
	    !db_one_int64(db, 0, "SELECT count(*) FROM workday_years WHERE year = ?", "i", y)) {
		req_fail(r, 404, M_cal_year_unknown);
		return 0;
	}
	return (int)y;
}

/* The database and the route's year, or 0 with the request failed. */
static int route_year_db(struct req *r, struct db **db)
{
	*db = req_db(r);
	if (!*db) {
		req_fail(r, 503, M_err_db_down);
		return 0;
	}
	return route_year(r, *db);
}

static int calendar_year_page(struct req *r)
{
	struct db *db;
	int y = route_year_db(r, &db);
	if (!y)
		return 0;
	struct day_form f = {.date = "", .kind = "holiday", .name = ""};
	year_render(r, db, y, &f);
	return 0;
}

static int calendar_add_day(struct req *r)
{
	struct db *db;
	int y = route_year_db(r, &db);
	if (!y)
		return 0;
	struct day_form f = {.date = req_form(r, "day"), .kind = req_form(r, "kind"), .name = req_form(r, "name")};
	f.date = f.date ? f.date : "";
	f.kind = f.kind ? f.kind : "";
	f.name = f.name ? f.name : "";
	struct cal_problem p = {0};
	int rc = workdays_add_day(r, y, f.date, f.kind, f.name, &p);
	switch (rc) {
	case 0:
		req_flash(r, "ok", M_cal_day_added);
		return req_redirect(r, arena_printf(r->a, "/admin/calendar/%d", y));
	case WORKDAYS_E_INVALID:
		if (p.error == CAL_ERR_DATE)
			f.e_date = *f.date ? M_cal_err_date : M_required;
		else if (p.error == CAL_ERR_KIND)
			f.e_kind = M_cal_err_kind;
		else if (p.error == CAL_ERR_NAME)
			f.e_name = *f.name ? M_cal_err_name : M_required;
		else {
			f.e_date = workdays_problem_msg(p.error);
			f.problem = workdays_problem_text(r, &p);
		}
		break;
	case WORKDAYS_E_OTHER_YEAR: {
		char date[CAL_DATE_SIZE];
		f.e_date = M_cal_other_year;
		f.problem = arena_printf(r->a, T(r, M_cal_other_year), cal_format_date(p.day, date));
		break;
	}
	case WORKDAYS_E_UNCOVERED: return req_fail(r, 404, M_cal_year_unknown);
	default: return req_fail(r, 500, M_NONE);
	}
	r->status = 422;
	year_render(r, db, y, &f);
	return 0;
}

static int calendar_delete_day(struct req *r)
{
	struct db *db;
	int y = route_year_db(r, &db);
	if (!y)
		return 0;
	int64_t d;
	if (cal_parse_date(req_form(r, "day"), &d))
		return req_fail(r, 400, M_cal_err_date);
	int rc = workdays_delete_day(r, y, d);
	if (rc < 0)
		return req_fail(r, 500, M_NONE);
	if (rc == 1)
		return req_fail(r, 404, M_NONE);
	req_flash(r, "ok", M_cal_day_deleted);
	return req_redirect(r, arena_printf(r->a, "/admin/calendar/%d", y));
}

/* GET /api/v1/workdays/due?from=YYYY-MM-DD&days=N: {"data": {"from", "days",
 * "due"}}; 422 with the year when the count runs into a year not entered. */
static int workdays_due_json(struct req *r)
{
	int64_t from;
	const char *days = req_query(r, "days");
	char *end = NULL;
	long n = days && *days ? strtol(days, &end, 10) : -1;
	if (cal_parse_date(req_query(r, "from"), &from) || !end || *end || n < 0 || n > CAL_WORKDAYS_MAX)
		return req_fail(r, 400, M_cal_due_bad);
	int64_t due;
	int rc = workdays_due(r, from, (int)n, &due);
	char d[CAL_DATE_SIZE], f[CAL_DATE_SIZE];
	if (rc == WORKDAYS_E_UNCOVERED) {
		int year = workdays_missing_year(r, n ? from + 1 : from, due);
		json_t *j = json_pack("{s:{s:s, s:s, s:i}}", "error", "code", "calendar_missing", "message",
				      arena_printf(r->a, T(r, M_cal_not_covered), year), "year", year);
		char *s = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		req_json_begin(r, 422);
		buf_puts(&r->out, s);
		buf_putc(&r->out, '\n');
		free(s);
		return 0;
	}
	if (rc == WORKDAYS_E_RANGE)
		return req_fail(r, 400, M_cal_due_bad);
	if (rc)
		return req_fail(r, 503, M_err_db_down);
	json_t *j = json_pack("{s:{s:s, s:i, s:s}}", "data", "from", cal_format_date(from, f), "days", (int)n, "due",
			      cal_format_date(due, d));
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	req_json_begin(r, 200);
	buf_puts(&r->out, s);
	buf_putc(&r->out, '\n');
	free(s);
	return 0;
}

const struct route calendar_routes[] = {
	{"GET", "/admin/calendar", calendar_page, P_CALENDAR, 0, NULL},
	{"POST", "/admin/calendar", calendar_add_year, P_CALENDAR, 1, NULL},
	{"GET", "/admin/calendar/{year:int}", calendar_year_page, P_CALENDAR, 0, NULL},
	{"POST", "/admin/calendar/{year:int}/days", calendar_add_day, P_CALENDAR, 1, NULL},
	{"POST", "/admin/calendar/{year:int}/days/delete", calendar_delete_day, P_CALENDAR, 1, NULL},
	{"GET", "/api/v1/workdays/due", workdays_due_json, P_SIGNED_IN, 0, NULL},
	{NULL, NULL, NULL, 0, 0, NULL},
};
