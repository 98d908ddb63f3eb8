/* stats.c — the activities module's figures per unit (its subtree) and
 * period: events held, events taken part in, people taking part (distinct
 * persons), attendances, units taking part as a whole and volunteer hours,
 * by direct sub-unit, by kind and by month, with the list of the events;
 * and the facilities. The page (/activities/stats), its workbook
 * (?format=xlsx) and the assessment's metrics come from the same queries.
 *
 * What counts: events not archived, with status 'held', starting (date_from)
 * within the period. An event held counts for its organizer's unit and the
 * units above it; a participant row (not archived) counts for its own unit
 * (the person's unit when it was saved) and the units above it, whichever
 * unit organized the event. Facilities: those not archived in the subtree,
 * whatever the period. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../records/export.h"
#include "../records/period.h"
#include "../web/chart.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "activities.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#define MAX_UNITS 200
#define MAX_EVENTS 300

struct actv_fig {
	int64_t held, joined, people, times, units, awards;
	double hours;
};

struct unit_row {
	int64_t id;
	const char *name;
	struct actv_fig f;
};

struct event_row {
	int64_t id;
	const char *date, *title, *kind, *organizer;
	int64_t people;
	double hours;
};

struct actv_stats {
	int64_t unit, from, to;
	const char *unit_name;
	struct actv_fig all;
	int64_t facilities;
	double area;
	struct unit_row *units;
	int nunits;
	int64_t kinds[16];
	const char **months;
	int64_t *month_n;
	int nmonths;
	struct event_row *events;
	int nevents;
};

#define HELD " e.archived = 0 AND e.status = 'held' AND e.date_from >= ? AND e.date_from <= ? "
#define IN_SUBTREE(col) " " col " IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) "

static const char *day_text(struct req *r, int64_t day)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(r->a, cal_format_date(day, d));
}

/* The subtree's figures between the dates from and to (text): 0 or a DB_E_* code. */
static int actv_figures(struct req *r, int64_t unit, const char *from, const char *to, struct actv_fig *f)
{
	memset(f, 0, sizeof *f);
	struct db *db = req_db(r);
	f->held =
		db_one_int64(db, -1, "SELECT count(*) FROM activity_events e WHERE" HELD "AND" IN_SUBTREE("e.unit_id"),
			     "ssi", from, to, unit);
	if (f->held < 0)
		return DB_ERR;
	struct db_stmt *q = db_query(
		db, r->a,
		"SELECT count(DISTINCT p.event_id), count(DISTINCT p.person_id), count(p.person_id), sum(CASE WHEN "
		"p.person_id IS NULL THEN 1 ELSE 0 END), COALESCE(sum(p.hours), 0) FROM activity_participants p JOIN "
		"activity_events e ON e.id = p.event_id WHERE p.archived = 0 AND" HELD "AND" IN_SUBTREE("p.unit_id"),
		"ssi", from, to, unit);
	if (!q || db_step(q) != DB_ROW)
		return DB_ERR;
	f->joined = db_column_int64(q, 0);
	f->people = db_column_int64(q, 1);
	f->times = db_column_int64(q, 2);
	f->units = db_column_isnull(q, 3) ? 0 : db_column_int64(q, 3);
	f->hours = db_column_double(q, 4);
	db_reset(q);
	/* the events' awards: honors raised from an event (honors module) */
	f->awards = db_one_int64(
		db, -1,
		"SELECT count(*) FROM honors h WHERE h.archived = 0 AND h.source = 'event' AND "
		"h.status <> 'revoked' AND h.awarded_on >= ? AND h.awarded_on <= ? AND" IN_SUBTREE("h.unit_id"),
		"ssi", from, to, unit);
	return f->awards < 0 ? DB_ERR : 0;
}

static int actv_stats_compute(struct req *r, int64_t unit, int64_t from, int64_t to, struct actv_stats *st)
{
	memset(st, 0, sizeof *st);
	st->unit = unit, st->from = from, st->to = to;
	struct db *db = req_db(r);
	const char *a = day_text(r, from), *b = day_text(r, to);
	st->unit_name = db_one_text(db, r->a, "SELECT name FROM units WHERE id = ?", "i", unit);
	int rc = actv_figures(r, unit, a, b, &st->all);
	if (rc)
		return rc;
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT count(*), COALESCE(sum(area), 0) FROM facilities WHERE archived = 0 "
				     "AND" IN_SUBTREE("unit_id"),
				     "i", unit);
	if (q && db_step(q) == DB_ROW) {
		st->facilities = db_column_int64(q, 0);
		st->area = db_column_double(q, 1);
	}
	db_reset(q);
	/* the direct sub-units, each row counted under the one it lies in */
	st->units = arena_alloc(r->a, MAX_UNITS * sizeof *st->units);
	q = db_query(
		db, r->a,
		"SELECT id, name FROM units WHERE parent_id = ? AND archived = 0 ORDER BY sort_order, id LIMIT 200",
		"i", unit);
	while (q && db_step(q) == DB_ROW && st->nunits < MAX_UNITS) {
		memset(&st->units[st->nunits], 0, sizeof st->units[0]);
		st->units[st->nunits].id = db_column_int64(q, 0);
		st->units[st->nunits++].name = arena_strdup(r->a, db_column_text(q, 1));
	}
	db_reset(q);
	q = db_query(db, r->a,
		     "SELECT t.ancestor_id, count(*) FROM activity_events e JOIN unit_tree t ON t.unit_id = e.unit_id "
		     "JOIN units c ON c.id = t.ancestor_id AND c.parent_id = ? WHERE" HELD "GROUP BY t.ancestor_id",
		     "iss", unit, a, b);
	while (q && db_step(q) == DB_ROW)
		for (int k = 0; k < st->nunits; k++)
			if (st->units[k].id == db_column_int64(q, 0))
				st->units[k].f.held = db_column_int64(q, 1);
	db_reset(q);
	q = db_query(
		db, r->a,
		"SELECT t.ancestor_id, count(DISTINCT p.event_id), count(DISTINCT p.person_id), count(p.person_id), "
		"COALESCE(sum(p.hours), 0) FROM activity_participants p JOIN activity_events e ON e.id = p.event_id "
		"JOIN unit_tree t ON t.unit_id = p.unit_id JOIN units c ON c.id = t.ancestor_id AND c.parent_id = ? "
		"WHERE p.archived = 0 AND" HELD "GROUP BY t.ancestor_id",
		"iss", unit, a, b);
	while (q && db_step(q) == DB_ROW)
		for (int k = 0; k < st->nunits; k++)
			if (st->units[k].id == db_column_int64(q, 0)) {
				st->units[k].f.joined = db_column_int64(q, 1);
				st->units[k].f.people = db_column_int64(q, 2);
				st->units[k].f.times = db_column_int64(q, 3);
				st->units[k].f.hours = db_column_double(q, 4);
			}
	db_reset(q);
	/* by kind */
	q = db_query(db, r->a,
		     "SELECT e.kind, count(*) FROM activity_events e WHERE" HELD
		     "AND" IN_SUBTREE("e.unit_id") "GROUP BY e.kind",
		     "ssi", a, b, unit);
	while (q && db_step(q) == DB_ROW) {
		int k = 0;
		for (const struct enum_opt *o = actv_event_kinds; o->code && k < 16; o++, k++)
			if (!strcmp(o->code, db_column_text(q, 0)))
				st->kinds[k] = db_column_int64(q, 1);
	}
	db_reset(q);
	/* by month */
	int y0, m0, d0, y1, m1, d1;
	cal_civil_from_days(from, &y0, &m0, &d0);
	cal_civil_from_days(to, &y1, &m1, &d1);
	int n = (y1 - y0) * 12 + (m1 - m0) + 1;
	if (n > 0 && n <= 120) {
		st->months = arena_alloc(r->a, (size_t)n * sizeof *st->months);
		st->month_n = arena_alloc(r->a, (size_t)n * sizeof *st->month_n);
		for (int k = 0; k < n; k++) {
			int y = y0 + (m0 - 1 + k) / 12, m = (m0 - 1 + k) % 12 + 1;
			st->months[st->nmonths++] = arena_printf(r->a, "%04d-%02d", y, m);
			st->month_n[k] = 0;
		}
		q = db_query(db, r->a,
			     "SELECT substr(e.date_from, 1, 7), count(*) FROM activity_events e WHERE" HELD
			     "AND" IN_SUBTREE("e.unit_id") "GROUP BY substr(e.date_from, 1, 7)",
			     "ssi", a, b, unit);
		while (q && db_step(q) == DB_ROW)
			for (int k = 0; k < n; k++)
				if (!strcmp(st->months[k], db_column_text(q, 0)))
					st->month_n[k] = db_column_int64(q, 1);
		db_reset(q);
	}
	/* the events: organized in the subtree, or taken part in by it */
	st->events = arena_alloc(r->a, MAX_EVENTS * sizeof *st->events);
	q = db_query(
		db, r->a,
		"SELECT e.id, e.date_from, e.title, e.kind, u.name, (SELECT count(DISTINCT p.person_id) FROM "
		"activity_participants p WHERE p.event_id = e.id AND p.archived = 0 AND" IN_SUBTREE(
			"p.unit_id") "), (SELECT COALESCE(sum(p.hours), 0) FROM activity_participants p WHERE "
				     "p.event_id = e.id AND "
				     "p.archived = 0 AND" IN_SUBTREE(
					     "p.unit_id") ") FROM activity_events e LEFT JOIN units u ON u.id = "
							  "e.unit_id WHERE" HELD "AND (" IN_SUBTREE(
								  "e.unit_id") "OR e.id IN (SELECT p.event_id FROM "
									       "activity_participants p WHERE "
									       "p.archived = 0 AND" IN_SUBTREE(
										       "p.unit_id") ")) ORDER BY "
												    "e.date_from, "
												    "e.id LIMIT 300",
		"iissii", unit, unit, a, b, unit, unit);
	while (q && db_step(q) == DB_ROW && st->nevents < MAX_EVENTS) {
		struct event_row *e = &st->events[st->nevents++];
		e->id = db_column_int64(q, 0);
		e->date = arena_strdup(r->a, db_column_text(q, 1));
		e->title = arena_strdup(r->a, db_column_text(q, 2));
		e->kind = arena_strdup(r->a, db_column_text(q, 3));
		e->organizer = db_column_isnull(q, 4) ? "" : arena_strdup(r->a, db_column_text(q, 4));
		e->people = db_column_int64(q, 5);
		e->hours = db_column_double(q, 6);
	}
	db_reset(q);
	return 0;
}

static enum msg_id kind_label(const char *code)
{
	for (const struct enum_opt *o = actv_event_kinds; o->code; o++)
		if (!strcmp(o->code, code))
			return o->label;
	return M_actv_k_other;
}

static const char *hours_text(struct req *r, double h)
{
	return arena_printf(r->a, "%g", h);
}

static void tile(struct req *r, enum msg_id label, const char *id, const char *value)
{
	html(r,
	     "<div class=\"tile\"><span class=\"tile-label\">%T</span><span class=\"tile-value\" "
	     "id=\"%a\">%s</span></div>",
	     label, id, value);
}

/* ---- the workbook ---- */

struct book_job {
	struct req *r;
	const struct actv_stats *st;
};

static int book_write(struct req *r, const struct actv_stats *st, const char *path)
{
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = "/tmp"};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return -1;
	lxw_worksheet *ws = workbook_add_worksheet(wb, T(r, M_actv_stats));
	lxw_worksheet *wu = workbook_add_worksheet(wb, T(r, M_actv_by_unit));
	lxw_worksheet *we = workbook_add_worksheet(wb, T(r, M_actv_list));
	lxw_format *head = workbook_add_format(wb);
	if (!ws || !wu || !we || !head) {
		workbook_close(wb);
		return -1;
	}
	format_set_bold(head);
	lxw_row_t row = stats_sheet_head(r, ws, head, st->unit_name, st->from, st->to);
	const struct stats_figure kv[] = {{M_actv_events_held, (double)st->all.held},
					  {M_actv_events_joined, (double)st->all.joined},
					  {M_actv_people, (double)st->all.people},
					  {M_actv_person_times, (double)st->all.times},
					  {M_actv_units_joined, (double)st->all.units},
					  {M_actv_volunteer_hours, st->all.hours},
					  {M_actv_awards, (double)st->all.awards},
					  {M_actv_facilities_count, (double)st->facilities},
					  {M_actv_facilities_area, st->area}};
	stats_sheet_figures(r, ws, row, kv, sizeof kv / sizeof kv[0]);
	const enum msg_id uh[] = {M_unit,        M_actv_events_held,  M_actv_events_joined,
				  M_actv_people, M_actv_person_times, M_actv_volunteer_hours};
	for (int k = 0; k < 6; k++)
		worksheet_write_string(wu, 0, (lxw_col_t)k, T(r, uh[k]), head);
	worksheet_set_column(wu, 0, 0, 30, NULL);
	for (int k = 0; k < st->nunits; k++) {
		const struct actv_fig *f = &st->units[k].f;
		lxw_row_t rr = (lxw_row_t)k + 1;
		worksheet_write_string(wu, rr, 0, st->units[k].name, NULL);
		worksheet_write_number(wu, rr, 1, (double)f->held, NULL);
		worksheet_write_number(wu, rr, 2, (double)f->joined, NULL);
		worksheet_write_number(wu, rr, 3, (double)f->people, NULL);
		worksheet_write_number(wu, rr, 4, (double)f->times, NULL);
		worksheet_write_number(wu, rr, 5, f->hours, NULL);
	}
	const enum msg_id eh[] = {M_actv_date_from, M_actv_title,  M_actv_kind,
				  M_actv_organizer, M_actv_people, M_actv_volunteer_hours};
	for (int k = 0; k < 6; k++)
		worksheet_write_string(we, 0, (lxw_col_t)k, T(r, eh[k]), head);
	worksheet_set_column(we, 1, 1, 40, NULL);
	worksheet_set_column(we, 3, 3, 24, NULL);
	for (int k = 0; k < st->nevents; k++) {
		const struct event_row *e = &st->events[k];
		lxw_row_t rr = (lxw_row_t)k + 1;
		worksheet_write_string(we, rr, 0, e->date, NULL);
		worksheet_write_string(we, rr, 1, e->title, NULL);
		worksheet_write_string(we, rr, 2, T(r, kind_label(e->kind)), NULL);
		worksheet_write_string(we, rr, 3, e->organizer, NULL);
		worksheet_write_number(we, rr, 4, (double)e->people, NULL);
		worksheet_write_number(we, rr, 5, e->hours, NULL);
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

static int book_job_write(void *p, const char *path)
{
	struct book_job *j = p;
	return book_write(j->r, j->st, path);
}

/* ---- the page ---- */

static int stats_page(struct req *r)
{
	struct stats_ask a;
	if (stats_ask_read(r, &activity_events_type, &a))
		return 0;
	const char *fmt = req_query(r, "format");
	if (fmt && *fmt && strcmp(fmt, "xlsx") && strcmp(fmt, "html"))
		return req_fail(r, 400, M_actv_stats_bad_format);
	struct actv_stats st;
	if (actv_stats_compute(r, a.unit, a.from, a.to, &st))
		return req_fail(r, 503, M_err_db_down);
	if (fmt && !strcmp(fmt, "xlsx")) {
		struct book_job job = {r, &st};
		return export_stats_workbook(r, "activity_stats", T(r, M_actv_stats), a.unit, st.unit_name, a.from,
					     a.to, book_job_write, &job);
	}
	const char *from = day_text(r, a.from), *to = day_text(r, a.to);
	const char *xq = arena_printf(r->a, "unit=%lld&from=%s&to=%s&format=xlsx", (long long)a.unit, from, to);
	struct crumb c[] = {{"/r/activity_events", T(r, M_actv_events)}, {NULL, T(r, M_actv_stats)}};
	page_begin(r, T(r, M_actv_stats), c, 2);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, M_actv_stats), st.unit_name ? st.unit_name : ""),
		     html_fmt(r, "<a class=\"btn\" href=\"/activities/stats?%a\">XLSX</a>", xq));
	html(r,
	     "<form class=\"filters\" method=\"get\" action=\"/activities/stats\"><div class=\"field\"><label "
	     "for=\"f-unit\">%T</label>",
	     M_unit);
	unit_picker(r, "f-unit", "unit", arena_printf(r->a, "%lld", (long long)a.unit), 1, M_NONE, NULL);
	html(r,
	     "</div><div class=\"field\"><label for=\"f-from\">%T</label><input id=\"f-from\" name=\"from\" "
	     "type=\"date\" value=\"%a\"></div><div class=\"field\"><label for=\"f-to\">%T</label><input id=\"f-to\" "
	     "name=\"to\" type=\"date\" value=\"%a\"></div><div class=\"filter-actions\"><button "
	     "class=\"btn\">%T</button></div></form>",
	     M_actv_date_from, from, M_actv_date_to, to, M_actv_show);
	const struct actv_fig *f = &st.all;
	html(r, "<div class=\"tiles\">");
	tile(r, M_actv_events_held, "events-held", arena_printf(r->a, "%lld", (long long)f->held));
	tile(r, M_actv_events_joined, "events-joined", arena_printf(r->a, "%lld", (long long)f->joined));
	tile(r, M_actv_people, "people", arena_printf(r->a, "%lld", (long long)f->people));
	tile(r, M_actv_person_times, "person-times", arena_printf(r->a, "%lld", (long long)f->times));
	tile(r, M_actv_units_joined, "units-joined", arena_printf(r->a, "%lld", (long long)f->units));
	tile(r, M_actv_volunteer_hours, "volunteer-hours", hours_text(r, f->hours));
	tile(r, M_actv_awards, "awards", arena_printf(r->a, "%lld", (long long)f->awards));
	tile(r, M_actv_facilities_count, "facilities", arena_printf(r->a, "%lld", (long long)st.facilities));
	tile(r, M_actv_facilities_area, "facilities-area", hours_text(r, st.area));
	html(r, "</div>");
	if (st.nmonths > 0 && f->held) {
		struct chart_series s = {T(r, M_actv_events_held), st.month_n};
		html(r, "<section class=\"card\">");
		chart_bars(r, T(r, M_actv_by_month), st.months, st.nmonths, &s, 1);
		html(r, "</section>");
	}
	if (f->held) {
		html(r, "<section class=\"card\" id=\"by-kind\"><h2>%T</h2><ul class=\"actv-kinds\">", M_actv_by_kind);
		int k = 0;
		for (const struct enum_opt *o = actv_event_kinds; o->code && k < 16; o++, k++)
			if (st.kinds[k])
				html(r, "<li>%T <strong data-kind=\"%a\">%D</strong></li>", o->label, o->code,
				     st.kinds[k]);
		html(r, "</ul></section>");
	}
	int shown = 0;
	for (int k = 0; k < st.nunits; k++)
		shown += st.units[k].f.held || st.units[k].f.times || st.units[k].f.joined;
	if (shown) {
		static const struct list_col ucols[] = {
			{M_unit, NULL, 0},        {M_actv_events_held, NULL, 1},  {M_actv_events_joined, NULL, 1},
			{M_actv_people, NULL, 1}, {M_actv_person_times, NULL, 1}, {M_actv_volunteer_hours, NULL, 1}};
		html(r, "<section class=\"card\" id=\"by-unit\"><h2>%T</h2>", M_actv_by_unit);
		list_begin(r, ucols, 6, -1, 0);
		for (int k = 0; k < st.nunits; k++) {
			const struct actv_fig *g = &st.units[k].f;
			if (!g->held && !g->times && !g->joined)
				continue;
			html(r,
			     "<tr data-unit=\"%D\"><td class=\"card-title\"><a "
			     "href=\"/activities/stats?unit=%D&amp;from=%u&amp;to=%u\">%s</a></td>"
			     "<td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" data-label=\"%T\">%D</td>"
			     "<td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" data-label=\"%T\">%D</td>"
			     "<td class=\"num\" data-label=\"%T\">%s</td></tr>",
			     st.units[k].id, st.units[k].id, from, to, st.units[k].name, M_actv_events_held, g->held,
			     M_actv_events_joined, g->joined, M_actv_people, g->people, M_actv_person_times, g->times,
			     M_actv_volunteer_hours, hours_text(r, g->hours));
		}
		list_end(r);
		html(r, "</section>");
	}
	if (st.nevents) {
		static const struct list_col ecols[] = {{M_actv_date_from, NULL, 0}, {M_actv_title, NULL, 0},
							{M_actv_kind, NULL, 0},      {M_actv_organizer, NULL, 0},
							{M_actv_people, NULL, 1},    {M_actv_volunteer_hours, NULL, 1}};
		html(r, "<section class=\"card\" id=\"events\"><h2>%T</h2>", M_actv_list);
		list_begin(r, ecols, 6, -1, 0);
		for (int k = 0; k < st.nevents; k++) {
			const struct event_row *e = &st.events[k];
			html(r,
			     "<tr><td class=\"mono\" data-label=\"%T\">%s</td><td class=\"card-title\"><a "
			     "href=\"/r/activity_events/%D\">%s</a></td><td data-label=\"%T\">%T</td><td "
			     "data-label=\"%T\">%s</td><td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" "
			     "data-label=\"%T\">%s</td></tr>",
			     M_actv_date_from, e->date, e->id, e->title, M_actv_kind, kind_label(e->kind),
			     M_actv_organizer, e->organizer, M_actv_people, e->people, M_actv_volunteer_hours,
			     hours_text(r, e->hours));
		}
		list_end(r);
		html(r, "</section>");
	}
	html(r, "<p class=\"muted\">%T</p>", M_actv_stats_definition);
	page_end(r);
	return 0;
}

/* ---- metrics ---- */

static int metric_fig(struct req *r, int64_t unit, const char *from, const char *to, struct actv_fig *f)
{
	int64_t a, b;
	if (!req_db(r) || cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b)
		return DB_ERR;
	return actv_figures(r, unit, from, to, f);
}

static int m_held(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	struct actv_fig f;
	int rc = metric_fig(r, unit, from, to, &f);
	if (!rc)
		*value = (double)f.held;
	return rc;
}

static int m_people(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	struct actv_fig f;
	int rc = metric_fig(r, unit, from, to, &f);
	if (!rc)
		*value = (double)f.people;
	return rc;
}

static int m_hours(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	struct actv_fig f;
	int rc = metric_fig(r, unit, from, to, &f);
	if (!rc)
		*value = f.hours;
	return rc;
}

static int m_facilities(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	(void)from, (void)to;
	if (!req_db(r))
		return DB_ERR;
	int64_t n =
		db_one_int64(req_db(r), -1,
			     "SELECT count(*) FROM facilities WHERE archived = 0 AND" IN_SUBTREE("unit_id"), "i", unit);
	if (n < 0)
		return DB_ERR;
	*value = (double)n;
	return 0;
}

/* ---- metrics: every unit's share at once, and the records behind ---- */

/* Runs q (columns: id, title, day, weight) and hands each row to fn as
 * prefix/id. */
static int held_shares(struct req *r, const char *from, const char *to, metric_share_fn *share, void *ctx)
{
	int64_t a, b;
	if (!req_db(r) || cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b)
		return DB_ERR;
	return metric_share_rows(db_query(req_db(r), r->a,
				   "SELECT e.unit_id, count(*), 0 FROM activity_events e WHERE" HELD
				   "AND e.unit_id IS NOT NULL GROUP BY e.unit_id",
				   "ss", from, to),
			  share, ctx);
}

static int held_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,
			metric_record_fn *fn, void *ctx)
{
	int64_t a, b;
	if (!req_db(r) || cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b)
		return DB_ERR;
	return metric_record_rows(r,
			   db_query(req_db(r), r->a,
				    "SELECT e.id, e.title, e.date_from, 1 FROM activity_events e WHERE" HELD
				    "AND" IN_SUBTREE("e.unit_id") "ORDER BY e.date_from DESC, e.id DESC LIMIT ?",
				    "ssiI", from, to, unit, limit),
			   "/r/activity_events/", fn, ctx);
}

/* Distinct people over a subtree, made exact as shares: with A the units
 * whose subtree holds one of a person's rows (their units and every
 * ancestor), each unit of A gets +1 and the parent of each unit of A −1,
 * so that any subtree's shares add up to 1 when the person is in it, else
 * to 0. */
static int people_shares(struct req *r, const char *from, const char *to, metric_share_fn *share, void *ctx)
{
	int64_t a, b;
	if (!req_db(r) || cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b)
		return DB_ERR;
	return metric_share_rows(
		db_query(req_db(r), r->a,
			 "WITH a AS (SELECT DISTINCT p.person_id AS pid, t.ancestor_id AS u FROM activity_participants p "
			 "JOIN activity_events e ON e.id = p.event_id JOIN unit_tree t ON t.unit_id = p.unit_id WHERE "
			 "p.archived = 0 AND" HELD "AND p.person_id IS NOT NULL) SELECT x.u, sum(x.n), 0 FROM (SELECT "
			 "a.u AS u, 1 AS n FROM a UNION ALL SELECT q.parent_id AS u, -1 AS n FROM a JOIN units q ON "
			 "q.id = a.u WHERE q.parent_id IS NOT NULL) x GROUP BY x.u",
			 "ss", from, to),
		share, ctx);
}

/* The people who took part, by their last event. */
static int people_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,
			  metric_record_fn *fn, void *ctx)
{
	int64_t a, b;
	if (!req_db(r) || cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b)
		return DB_ERR;
	return metric_record_rows(r,
			   db_query(req_db(r), r->a,
				    "SELECT x.pid, COALESCE(q.name, ''), x.last, 1 FROM (SELECT p.person_id AS pid, "
				    "max(e.date_from) AS last FROM activity_participants p JOIN activity_events e ON "
				    "e.id = p.event_id WHERE p.archived = 0 AND" HELD "AND p.person_id IS NOT NULL "
				    "AND" IN_SUBTREE("p.unit_id") "GROUP BY p.person_id) x LEFT JOIN people q ON q.id = "
				    "x.pid ORDER BY x.last DESC, x.pid DESC LIMIT ?",
				    "ssiI", from, to, unit, limit),
			   "/r/people/", fn, ctx);
}

static int hours_shares(struct req *r, const char *from, const char *to, metric_share_fn *share, void *ctx)
{
	int64_t a, b;
	if (!req_db(r) || cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b)
		return DB_ERR;
	return metric_share_rows(db_query(req_db(r), r->a,
				   "SELECT p.unit_id, COALESCE(sum(p.hours), 0), 0 FROM activity_participants p JOIN "
				   "activity_events e ON e.id = p.event_id WHERE p.archived = 0 AND" HELD
				   "AND p.unit_id IS NOT NULL GROUP BY p.unit_id",
				   "ss", from, to),
			  share, ctx);
}

/* The participant rows with hours, weighing them. */
static int hours_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,
			 metric_record_fn *fn, void *ctx)
{
	int64_t a, b;
	if (!req_db(r) || cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b)
		return DB_ERR;
	return metric_record_rows(r,
			   db_query(req_db(r), r->a,
				    "SELECT p.id, COALESCE(q.name, u.name, '') || ' · ' || e.title, e.date_from, p.hours "
				    "FROM activity_participants p JOIN activity_events e ON e.id = p.event_id LEFT JOIN "
				    "people q ON q.id = p.person_id LEFT JOIN units u ON u.id = p.unit_id WHERE "
				    "p.archived = 0 AND" HELD "AND p.hours <> 0 AND" IN_SUBTREE("p.unit_id")
				    "ORDER BY e.date_from DESC, p.id DESC LIMIT ?",
				    "ssiI", from, to, unit, limit),
			   "/r/activity_participants/", fn, ctx);
}

static int facilities_shares(struct req *r, const char *from, const char *to, metric_share_fn *share, void *ctx)
{
	(void)from, (void)to;
	if (!req_db(r))
		return DB_ERR;
	return metric_share_rows(db_query(req_db(r), r->a,
				   "SELECT unit_id, count(*), 0 FROM facilities WHERE archived = 0 AND unit_id IS NOT "
				   "NULL GROUP BY unit_id",
				   NULL),
			  share, ctx);
}

static int facilities_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,
			      metric_record_fn *fn, void *ctx)
{
	(void)from, (void)to;
	if (!req_db(r))
		return DB_ERR;
	return metric_record_rows(r,
			   db_query(req_db(r), r->a,
				    "SELECT id, name, NULL, 1 FROM facilities WHERE archived = 0 AND" IN_SUBTREE("unit_id")
				    "ORDER BY id DESC LIMIT ?",
				    "iI", unit, limit),
			   "/r/facilities/", fn, ctx);
}

const struct metric actv_metrics[] = {
	{.name = "events_held",
	 .label = M_actv_m_events_held,
	 .compute = m_held,
	 .kind = METRIC_SUM,
	 .shares = held_shares,
	 .records = held_records},
	{.name = "event_participants",
	 .label = M_actv_m_participants,
	 .compute = m_people,
	 .kind = METRIC_SUM,
	 .shares = people_shares,
	 .records = people_records},
	{.name = "volunteer_hours",
	 .label = M_actv_m_hours,
	 .compute = m_hours,
	 .kind = METRIC_SUM,
	 .shares = hours_shares,
	 .records = hours_records},
	{.name = "facilities_count",
	 .label = M_actv_m_facilities,
	 .compute = m_facilities,
	 .kind = METRIC_SUM,
	 .shares = facilities_shares,
	 .records = facilities_records},
	{.name = NULL},
};

const struct route actv_stats_routes[] = {
	{"GET", "/activities/stats", stats_page, P_SIGNED_IN, 0, "activities stats"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
