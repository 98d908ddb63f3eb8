/* stats.c — the learning module's figures per unit (its subtree) and
 * period: study sessions held, attendance required and attended and its
 * rate, by direct sub-unit and by month, the people who missed most; the
 * programmes' completion; training hours and trained people. The page
 * (/learning/stats), its workbook (?format=xlsx) and the assessment's
 * metrics all come from the same queries.
 *
 * What counts: sessions not archived, held_on from..to and not after
 * today (a planned session is not required yet); their attendance rows
 * whose unit_id lies in the unit's subtree. Attended = present + late;
 * missed = required − attended − excused (absent, or not recorded after
 * the session). Programme completion: items of programmes of that year
 * (the year of `to`) accepted over all items. Training: completed
 * enrolments whose course ended within the period; hours are the course's;
 * trained people are distinct persons.
 *
 * The attendance figures (all, by sub-unit, by month) are read from the
 * running tally learning_att_days (tally.c), the people who missed most
 * from the missed rows themselves. */
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
#include "learning.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#define MAX_ROWS 200
#define MISSED_TOP 20

struct att_fig {
	int64_t sessions, required, present, late, excused, absent;
};

struct unit_row {
	int64_t id;
	const char *name;
	struct att_fig f;
};

struct missed_row {
	int64_t person;
	const char *name, *unit;
	int64_t required, attended, missed;
};

struct prog_row {
	int64_t id;
	const char *name;
	int64_t items, accepted, submitted, overdue;
};

struct learn_stats {
	int64_t unit, from, to;
	const char *unit_name;
	struct att_fig all;
	struct unit_row *units;
	int nunits;
	struct missed_row *missed;
	int nmissed;
	const char **months;
	int64_t *month_rate; /* per mille */
	int nmonths;
	struct prog_row *progs;
	int nprogs;
	double hours;
	int64_t trained, completions;
};

#define HELD " s.archived = 0 AND s.held_on >= ? AND s.held_on <= ? "
#define IN_UNIT " a.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) "

static const char *day_text(struct req *r, int64_t day)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(r->a, cal_format_date(day, d));
}

static int att_figures(struct req *r, int64_t unit, const char *from, const char *to, struct att_fig *f)
{
	memset(f, 0, sizeof *f);
	struct db *db = req_db(r);
	struct db_stmt *q =
		db_query(db, r->a,
			 "SELECT status, sum(n) FROM learning_att_days WHERE unit_id = ? AND held_on >= ? AND "
			 "held_on <= ? GROUP BY status",
			 "iss", unit, from, to);
	if (!q)
		return DB_ERR;
	int rc;
	while ((rc = db_step(q)) == DB_ROW) {
		int64_t n = db_column_int64(q, 1);
		const char *st = db_column_text(q, 0);
		f->required += n;
		if (!strcmp(st, "present"))
			f->present += n;
		else if (!strcmp(st, "late"))
			f->late += n;
		else if (!strcmp(st, "excused"))
			f->excused += n;
		else
			f->absent += n; /* absent, or not recorded after the session */
	}
	db_reset(q);
	if (rc < 0 && rc != DB_DONE)
		return rc;
	f->sessions = db_one_int64(db, 0,
				   "SELECT count(*) FROM study_sessions s WHERE" HELD
				   "AND s.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)",
				   "ssi", from, to, unit);
	return 0;
}

/* The period's end for attendance: not after today. */
static int64_t held_to(int64_t to)
{
	int64_t t = cal_local_day(time(NULL));
	return to < t ? to : t;
}

static int learn_stats_compute(struct req *r, int64_t unit, int64_t from, int64_t to, struct learn_stats *st)
{
	memset(st, 0, sizeof *st);
	st->unit = unit, st->from = from, st->to = to;
	struct db *db = req_db(r);
	const char *a = day_text(r, from), *b = day_text(r, held_to(to));
	st->unit_name = db_one_text(db, r->a, "SELECT name FROM units WHERE id = ?", "i", unit);
	int rc = att_figures(r, unit, a, b, &st->all);
	if (rc)
		return rc;
	st->units = arena_alloc(r->a, MAX_ROWS * sizeof *st->units);
	struct db_stmt *q = db_query(
		db, r->a,
		"SELECT id, name FROM units WHERE parent_id = ? AND archived = 0 ORDER BY sort_order, id LIMIT 200",
		"i", unit);
	while (q && db_step(q) == DB_ROW && st->nunits < MAX_ROWS) {
		st->units[st->nunits].id = db_column_int64(q, 0);
		st->units[st->nunits++].name = arena_strdup(r->a, db_column_text(q, 1));
	}
	db_reset(q);
	/* the sub-units' figures from the tally, which counts every row at
	 * each of its unit's ancestors: the rows of the listed sub-units */
	q = db_query(
		db, r->a,
		"SELECT d.unit_id, d.status, sum(d.n) FROM learning_att_days d WHERE d.unit_id IN (SELECT id FROM "
		"units WHERE parent_id = ? AND archived = 0 ORDER BY sort_order, id LIMIT 200) AND d.held_on >= ? AND "
		"d.held_on <= ? GROUP BY d.unit_id, d.status",
		"iss", unit, a, b);
	while (q && db_step(q) == DB_ROW) {
		int64_t id = db_column_int64(q, 0), n = db_column_int64(q, 2);
		const char *stt = db_column_text(q, 1);
		for (int k = 0; k < st->nunits; k++) {
			if (st->units[k].id != id)
				continue;
			struct att_fig *g = &st->units[k].f;
			g->required += n;
			if (!strcmp(stt, "present"))
				g->present += n;
			else if (!strcmp(stt, "late"))
				g->late += n;
			else if (!strcmp(stt, "excused"))
				g->excused += n;
			else
				g->absent += n;
		}
	}
	db_reset(q);
	/* who missed most: the missed rows only (a sixth of them, in their own
	 * index, migrations/002: 0.6 → 0.15 s at a million), then the
	 * required and attended of those twenty */
	st->missed = arena_alloc(r->a, MISSED_TOP * sizeof *st->missed);
	q = db_query(
		db, r->a,
		"SELECT x.person_id, p.name, u.name, x.missed FROM (SELECT a.person_id, count(*) AS missed FROM "
		"learning_attendance a JOIN study_sessions s ON s.id = a.session_id WHERE (a.status IS NULL OR "
		"a.status = 'absent') AND" HELD "AND" IN_UNIT
		"GROUP BY a.person_id) x JOIN people p ON p.id = x.person_id LEFT JOIN units u ON u.id = p.unit_id "
		"ORDER BY x.missed DESC, p.name, p.id LIMIT 20",
		"ssi", a, b, unit);
	while (q && db_step(q) == DB_ROW && st->nmissed < MISSED_TOP) {
		struct missed_row *m = &st->missed[st->nmissed++];
		m->person = db_column_int64(q, 0);
		m->name = arena_strdup(r->a, db_column_text(q, 1));
		m->unit = db_column_isnull(q, 2) ? "" : arena_strdup(r->a, db_column_text(q, 2));
		m->missed = db_column_int64(q, 3);
	}
	db_reset(q);
	for (int k = 0; k < st->nmissed; k++) {
		q = db_query(db, r->a,
			     "SELECT count(*), sum(CASE WHEN a.status IN ('present', 'late') THEN 1 ELSE 0 END) FROM "
			     "learning_attendance a JOIN study_sessions s ON s.id = a.session_id WHERE a.person_id = ? "
			     "AND" HELD "AND" IN_UNIT,
			     "issi", st->missed[k].person, a, b, unit);
		if (q && db_step(q) == DB_ROW) {
			st->missed[k].required = db_column_int64(q, 0);
			st->missed[k].attended = db_column_isnull(q, 1) ? 0 : db_column_int64(q, 1);
		}
		db_reset(q);
	}
	/* months */
	int y0, m0, d0, y1, m1, d1;
	cal_civil_from_days(from, &y0, &m0, &d0);
	cal_civil_from_days(held_to(to), &y1, &m1, &d1);
	int n = (y1 - y0) * 12 + (m1 - m0) + 1;
	if (n > 0 && n <= 120) {
		st->months = arena_alloc(r->a, (size_t)n * sizeof *st->months);
		st->month_rate = arena_alloc(r->a, (size_t)n * sizeof *st->month_rate);
		int64_t *req = arena_alloc(r->a, (size_t)n * sizeof *req),
			*att = arena_alloc(r->a, (size_t)n * sizeof *att);
		for (int k = 0; k < n; k++) {
			int y = y0 + (m0 - 1 + k) / 12, m = (m0 - 1 + k) % 12 + 1;
			st->months[st->nmonths++] = arena_printf(r->a, "%04d-%02d", y, m);
			req[k] = att[k] = 0;
		}
		/* one pass grouped by month */
		q = db_query(db, r->a,
			     "SELECT substr(held_on, 1, 7), sum(n), sum(CASE WHEN status IN ('present', 'late') THEN n "
			     "ELSE 0 END) FROM learning_att_days WHERE unit_id = ? AND held_on >= ? AND held_on <= ? "
			     "GROUP BY substr(held_on, 1, 7)",
			     "iss", unit, a, b);
		while (q && db_step(q) == DB_ROW)
			for (int k = 0; k < n; k++)
				if (!strcmp(st->months[k], db_column_text(q, 0))) {
					req[k] = db_column_int64(q, 1);
					att[k] = db_column_isnull(q, 2) ? 0 : db_column_int64(q, 2);
				}
		db_reset(q);
		for (int k = 0; k < n; k++)
			st->month_rate[k] = req[k] ? att[k] * 100 / req[k] : 0;
	}
	/* programmes of the year */
	int ty, tm, td;
	cal_civil_from_days(to, &ty, &tm, &td);
	st->progs = arena_alloc(r->a, 50 * sizeof *st->progs);
	q = db_query(
		db, r->a,
		"SELECT g.id, g.name, count(i.id), sum(CASE WHEN i.state = 'accepted' THEN 1 ELSE 0 END), sum(CASE "
		"WHEN i.state = 'submitted' THEN 1 ELSE 0 END), sum(CASE WHEN i.state <> 'accepted' AND i.due_on < ? "
		"THEN 1 ELSE 0 END) FROM learning_programmes g JOIN programme_items i ON i.programme_id = g.id AND "
		"i.archived = 0 WHERE g.archived = 0 AND g.year = ? AND i.unit_id IN (SELECT unit_id FROM unit_tree "
		"WHERE ancestor_id = ?) GROUP BY g.id, g.name ORDER BY g.id LIMIT 50",
		"sii", day_text(r, cal_local_day(time(NULL))), (int64_t)ty, unit);
	while (q && db_step(q) == DB_ROW && st->nprogs < 50) {
		struct prog_row *p = &st->progs[st->nprogs++];
		p->id = db_column_int64(q, 0);
		p->name = arena_strdup(r->a, db_column_text(q, 1));
		p->items = db_column_int64(q, 2);
		p->accepted = db_column_int64(q, 3);
		p->submitted = db_column_int64(q, 4);
		p->overdue = db_column_int64(q, 5);
	}
	db_reset(q);
	/* training */
	const char *tb = day_text(r, to);
	q = db_query(
		db, r->a,
		"SELECT COALESCE(sum(c.hours), 0), count(DISTINCT e.person_id), count(*) FROM training_enrolments e "
		"JOIN training_courses c ON c.id = e.course_id WHERE e.archived = 0 AND c.archived = 0 AND e.status = "
		"'completed' AND c.date_to >= ? AND c.date_to <= ? AND e.unit_id IN (SELECT unit_id FROM unit_tree "
		"WHERE ancestor_id = ?)",
		"ssi", a, tb, unit);
	if (q && db_step(q) == DB_ROW) {
		st->hours = db_column_double(q, 0);
		st->trained = db_column_int64(q, 1);
		st->completions = db_column_int64(q, 2);
	}
	db_reset(q);
	return rc;
}

/* ---- the request ---- */

struct ask {
	int64_t unit, from, to;
};

static int ask_read(struct req *r, struct ask *a)
{
	struct stats_ask s;
	if (stats_ask_read(r, &study_sessions_type, &s))
		return -1;
	a->unit = s.unit;
	a->from = s.from;
	a->to = s.to;
	return 0;
}

static const char *pct(struct req *r, int64_t a, int64_t b)
{
	return b ? arena_printf(r->a, "%.1f %%", 100.0 * (double)a / (double)b) : "—";
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
	const struct learn_stats *st;
};

static void row_nums(lxw_worksheet *w, lxw_row_t row, const int64_t *v, int n)
{
	for (int k = 0; k < n; k++)
		worksheet_write_number(w, row, (lxw_col_t)(k + 1), (double)v[k], NULL);
}

static int book_write(struct req *r, const struct learn_stats *st, const char *path)
{
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = "/tmp"};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return -1;
	lxw_worksheet *ws = workbook_add_worksheet(wb, T(r, M_learn_stats));
	lxw_worksheet *wu = workbook_add_worksheet(wb, T(r, M_learn_by_unit));
	lxw_worksheet *wm = workbook_add_worksheet(wb, T(r, M_learn_missed_most));
	lxw_format *head = workbook_add_format(wb);
	if (!ws || !wu || !wm || !head) {
		workbook_close(wb);
		return -1;
	}
	format_set_bold(head);
	lxw_row_t row = stats_sheet_head(r, ws, head, st->unit_name, st->from, st->to);
	const struct stats_figure kv[] = {
		{M_learn_sessions_held, (double)st->all.sessions},
		{M_learn_required, (double)st->all.required},
		{M_learn_attended, (double)(st->all.present + st->all.late)},
		{M_learn_att_excused, (double)st->all.excused},
		{M_learn_missed, (double)st->all.absent},
		{M_learn_rate,
		 st->all.required ? (double)(st->all.present + st->all.late) / (double)st->all.required : 0},
		{M_learn_training_hours, st->hours},
		{M_learn_trained_people, (double)st->trained}};
	stats_sheet_figures(r, ws, row, kv, sizeof kv / sizeof kv[0]);
	const enum msg_id uh[] = {M_learn_unit, M_learn_required, M_learn_attended, M_learn_att_excused,
				  M_learn_missed};
	for (int k = 0; k < 5; k++)
		worksheet_write_string(wu, 0, (lxw_col_t)k, T(r, uh[k]), head);
	worksheet_set_column(wu, 0, 0, 30, NULL);
	for (int k = 0; k < st->nunits; k++) {
		const struct att_fig *f = &st->units[k].f;
		worksheet_write_string(wu, (lxw_row_t)k + 1, 0, st->units[k].name, NULL);
		int64_t v[] = {f->required, f->present + f->late, f->excused, f->absent};
		row_nums(wu, (lxw_row_t)k + 1, v, 4);
	}
	const enum msg_id mh[] = {M_learn_person, M_learn_required, M_learn_attended, M_learn_missed};
	for (int k = 0; k < 4; k++)
		worksheet_write_string(wm, 0, (lxw_col_t)k, T(r, mh[k]), head);
	worksheet_set_column(wm, 0, 0, 20, NULL);
	for (int k = 0; k < st->nmissed; k++) {
		worksheet_write_string(wm, (lxw_row_t)k + 1, 0, st->missed[k].name, NULL);
		int64_t v[] = {st->missed[k].required, st->missed[k].attended, st->missed[k].missed};
		row_nums(wm, (lxw_row_t)k + 1, v, 3);
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

static int book_job_write(void *p, const char *path)
{
	struct book_job *j = p;
	return book_write(j->r, j->st, path);
}

static int stats_xlsx(struct req *r, const struct ask *a, const struct learn_stats *st)
{
	struct book_job job = {r, st};
	return export_stats_workbook(r, "learning_stats", T(r, M_learn_stats), a->unit, st->unit_name, a->from, a->to,
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
		return req_fail(r, 400, M_learn_stats_bad_format);
	struct learn_stats st;
	if (learn_stats_compute(r, a.unit, a.from, a.to, &st))
		return req_fail(r, 503, M_err_db_down);
	if (fmt && !strcmp(fmt, "xlsx"))
		return stats_xlsx(r, &a, &st);
	const char *from = day_text(r, a.from), *to = day_text(r, a.to);
	const char *q = arena_printf(r->a, "unit=%lld&from=%s&to=%s&format=xlsx", (long long)a.unit, from, to);
	struct crumb c[] = {{"/r/study_sessions", T(r, M_learn_sessions)}, {NULL, T(r, M_learn_stats)}};
	page_begin(r, T(r, M_learn_stats), c, 2);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, M_learn_stats), st.unit_name ? st.unit_name : ""),
		     html_fmt(r, "<a class=\"btn\" href=\"/learning/stats?%a\">XLSX</a>", q));
	html(r,
	     "<form class=\"filters\" method=\"get\" action=\"/learning/stats\"><div class=\"field\"><label "
	     "for=\"f-unit\">%T</label>",
	     M_unit);
	unit_picker(r, "f-unit", "unit", arena_printf(r->a, "%lld", (long long)a.unit), 1, M_NONE, NULL);
	html(r,
	     "</div><div class=\"field\"><label for=\"f-from\">%T</label><input id=\"f-from\" name=\"from\" "
	     "type=\"date\" value=\"%a\"></div><div class=\"field\"><label for=\"f-to\">%T</label><input id=\"f-to\" "
	     "name=\"to\" type=\"date\" value=\"%a\"></div><div class=\"filter-actions\"><button "
	     "class=\"btn\">%T</button></div></form>",
	     M_learn_date_from, from, M_learn_date_to, to, M_learn_show);
	const struct att_fig *f = &st.all;
	html(r, "<h2>%T</h2><div class=\"tiles\">", M_learn_attendance);
	tile(r, M_learn_sessions_held, "sessions-held", arena_printf(r->a, "%lld", (long long)f->sessions));
	tile(r, M_learn_required, "required", arena_printf(r->a, "%lld", (long long)f->required));
	tile(r, M_learn_attended, "attended", arena_printf(r->a, "%lld", (long long)(f->present + f->late)));
	tile(r, M_learn_att_excused, "excused", arena_printf(r->a, "%lld", (long long)f->excused));
	tile(r, M_learn_missed, "missed", arena_printf(r->a, "%lld", (long long)f->absent));
	tile(r, M_learn_rate, "attendance-rate", pct(r, f->present + f->late, f->required));
	html(r, "</div><h2>%T</h2><div class=\"tiles\">", M_learn_training);
	tile(r, M_learn_training_hours, "training-hours", arena_printf(r->a, "%.1f", st.hours));
	tile(r, M_learn_trained_people, "trained-people", arena_printf(r->a, "%lld", (long long)st.trained));
	tile(r, M_learn_completions, "completions", arena_printf(r->a, "%lld", (long long)st.completions));
	html(r, "</div>");
	if (st.nmonths > 0 && f->required) {
		struct chart_series s = {T(r, M_learn_rate_pct), st.month_rate};
		html(r, "<section class=\"card\">");
		chart_bars(r, T(r, M_learn_rate_by_month), st.months, st.nmonths, &s, 1);
		html(r, "</section>");
	}
	/* sub-units */
	int shown = 0;
	for (int k = 0; k < st.nunits; k++)
		shown += st.units[k].f.required > 0;
	if (shown) {
		const char **cats = arena_alloc(r->a, (size_t)shown * sizeof *cats);
		int64_t *att = arena_alloc(r->a, (size_t)shown * sizeof *att),
			*mis = arena_alloc(r->a, (size_t)shown * sizeof *mis);
		int j = 0;
		for (int k = 0; k < st.nunits; k++) {
			if (!st.units[k].f.required)
				continue;
			cats[j] = st.units[k].name;
			att[j] = st.units[k].f.present + st.units[k].f.late;
			mis[j++] = st.units[k].f.absent;
		}
		struct chart_series s[2] = {{T(r, M_learn_attended), att}, {T(r, M_learn_missed), mis}};
		html(r, "<section class=\"card\">");
		chart_bars(r, T(r, M_learn_by_unit), cats, shown, s, 2);
		html(r, "</section>");
		static const struct list_col ucols[] = {{M_learn_unit, NULL, 0},     {M_learn_required, NULL, 1},
							{M_learn_attended, NULL, 1}, {M_learn_att_excused, NULL, 1},
							{M_learn_missed, NULL, 1},   {M_learn_rate, NULL, 1}};
		html(r, "<section class=\"card\"><h2>%T</h2>", M_learn_by_unit);
		list_begin(r, ucols, 6, -1, 0);
		for (int k = 0; k < st.nunits; k++) {
			const struct att_fig *g = &st.units[k].f;
			if (!g->required)
				continue;
			html(r,
			     "<tr><td class=\"card-title\"><a "
			     "href=\"/learning/stats?unit=%D&amp;from=%u&amp;to=%u\">%s</a></td>"
			     "<td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" data-label=\"%T\">%D</td>"
			     "<td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" data-label=\"%T\">%D</td>"
			     "<td class=\"num\" data-label=\"%T\">%s</td></tr>",
			     st.units[k].id, from, to, st.units[k].name, M_learn_required, g->required,
			     M_learn_attended, g->present + g->late, M_learn_att_excused, g->excused, M_learn_missed,
			     g->absent, M_learn_rate, pct(r, g->present + g->late, g->required));
		}
		list_end(r);
		html(r, "</section>");
	}
	if (st.nmissed) {
		static const struct list_col mcols[] = {{M_learn_person, NULL, 0},
							{M_learn_unit, NULL, 0},
							{M_learn_required, NULL, 1},
							{M_learn_attended, NULL, 1},
							{M_learn_missed, NULL, 1}};
		html(r, "<section class=\"card\" id=\"missed-most\"><h2>%T</h2>", M_learn_missed_most);
		list_begin(r, mcols, 5, -1, 0);
		for (int k = 0; k < st.nmissed; k++)
			html(r,
			     "<tr><td class=\"card-title\"><a href=\"/r/people/%D\">%s</a></td><td "
			     "data-label=\"%T\">%s</td>"
			     "<td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" data-label=\"%T\">%D</td>"
			     "<td class=\"num\" data-label=\"%T\">%D</td></tr>",
			     st.missed[k].person, st.missed[k].name, M_learn_unit, st.missed[k].unit, M_learn_required,
			     st.missed[k].required, M_learn_attended, st.missed[k].attended, M_learn_missed,
			     st.missed[k].missed);
		list_end(r);
		html(r, "</section>");
	}
	if (st.nprogs) {
		static const struct list_col pcols[] = {{M_learn_programme, NULL, 0},    {M_learn_items, NULL, 1},
							{M_learn_st_submitted, NULL, 1}, {M_learn_st_accepted, NULL, 1},
							{M_learn_overdue, NULL, 1},      {M_learn_completion, NULL, 1}};
		html(r, "<section class=\"card\" id=\"programmes\"><h2>%T</h2>", M_learn_programmes);
		list_begin(r, pcols, 6, -1, 0);
		for (int k = 0; k < st.nprogs; k++) {
			const struct prog_row *p = &st.progs[k];
			html(r,
			     "<tr><td class=\"card-title\"><a href=\"/r/learning_programmes/%D\">%s</a></td><td "
			     "class=\"num\" "
			     "data-label=\"%T\">%D</td><td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" "
			     "data-label=\"%T\">%D</td><td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" "
			     "data-label=\"%T\">%s</td></tr>",
			     p->id, p->name, M_learn_items, p->items, M_learn_st_submitted, p->submitted,
			     M_learn_st_accepted, p->accepted, M_learn_overdue, p->overdue, M_learn_completion,
			     pct(r, p->accepted, p->items));
		}
		list_end(r);
		html(r, "</section>");
	}
	html(r, "<p class=\"muted\">%T</p>", M_learn_stats_definition);
	page_end(r);
	return 0;
}

/* ---- metrics ---- */

static int metric_dates(struct req *r, const char *from, const char *to, int64_t *a, int64_t *b)
{
	return !req_db(r) || cal_parse_date(from, a) || cal_parse_date(to, b) || *a > *b ? DB_ERR : 0;
}

static int m_rate(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	struct att_fig f;
	int rc = att_figures(r, unit, from, day_text(r, held_to(b)), &f);
	if (!rc)
		*value = f.required ? 100.0 * (double)(f.present + f.late) / (double)f.required : 0;
	return rc;
}

static int m_sessions(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	struct att_fig f;
	int rc = att_figures(r, unit, from, day_text(r, held_to(b)), &f);
	if (!rc)
		*value = (double)f.sessions;
	return rc;
}

static int completion(struct req *r, int64_t unit, const char *to, const char *code, double *value)
{
	int64_t b;
	if (!req_db(r) || cal_parse_date(to, &b))
		return DB_ERR;
	int y, m, d;
	cal_civil_from_days(b, &y, &m, &d);
	struct db_stmt *q =
		db_query(req_db(r), r->a,
			 "SELECT count(i.id), sum(CASE WHEN i.state = 'accepted' THEN 1 ELSE 0 END) FROM "
			 "programme_items i JOIN learning_programmes g ON g.id = i.programme_id WHERE g.code = ? "
			 "AND g.year = ? AND g.archived = 0 AND i.archived = 0 AND i.unit_id IN (SELECT unit_id "
			 "FROM unit_tree WHERE ancestor_id = ?)",
			 "sii", code, (int64_t)y, unit);
	if (!q || db_step(q) != DB_ROW)
		return DB_ERR;
	int64_t n = db_column_int64(q, 0), ok = db_column_isnull(q, 1) ? 0 : db_column_int64(q, 1);
	db_reset(q);
	*value = n ? 100.0 * (double)ok / (double)n : 0;
	return 0;
}

static int m_five(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	(void)from;
	return completion(r, unit, to, "five_ones", value);
}

static int m_three(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	(void)from;
	return completion(r, unit, to, "three_ones", value);
}

static int training(struct req *r, int64_t unit, const char *from, const char *to, int people, double *value)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	struct db_stmt *q =
		db_query(req_db(r), r->a,
			 "SELECT COALESCE(sum(c.hours), 0), count(DISTINCT e.person_id) FROM training_enrolments e "
			 "JOIN training_courses c ON c.id = e.course_id WHERE e.archived = 0 AND c.archived = 0 "
			 "AND e.status = 'completed' AND c.date_to >= ? AND c.date_to <= ? AND e.unit_id IN "
			 "(SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)",
			 "ssi", from, to, unit);
	if (!q || db_step(q) != DB_ROW)
		return DB_ERR;
	*value = people ? (double)db_column_int64(q, 1) : db_column_double(q, 0);
	db_reset(q);
	return 0;
}

static int m_hours(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	return training(r, unit, from, to, 0, value);
}

static int m_trained(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	return training(r, unit, from, to, 1, value);
}

/* ---- metrics: every unit's share at once, and the records behind ---- */

/* A distinct count of people over a subtree, made exact as shares: with
 * A the units whose subtree holds one of a person's rows (their units and
 * every ancestor), each unit of A gets +1 and the parent of each unit of
 * A gets −1, so that the shares of any subtree add up to 1 when the person
 * is in it and to 0 when not. The CTE a(pid, u) is A for every person. */
#define DISTINCT_SHARES(cte)                                                                                    \
	"WITH a AS (" cte ") SELECT x.u, sum(x.n), 0 FROM (SELECT a.u AS u, 1 AS n FROM a UNION ALL SELECT "      \
	"p.parent_id AS u, -1 AS n FROM a JOIN units p ON p.id = a.u WHERE p.parent_id IS NOT NULL) x GROUP BY x.u"

/* Attendance: the tally counts every row at its unit and each ancestor
 * (unit_tree), so a unit's own rows are its tally less its children's. */
static int rate_shares(struct req *r, const char *from, const char *to, metric_share_fn *share, void *ctx)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	const char *until = day_text(r, held_to(b));
	return metric_share_rows(
		db_query(req_db(r), r->a,
			 "SELECT x.u, 100 * sum(x.att), sum(x.req) FROM (SELECT d.unit_id AS u, CASE WHEN d.status IN "
			 "('present', 'late') THEN d.n ELSE 0 END AS att, d.n AS req FROM learning_att_days d WHERE "
			 "d.held_on >= ? AND d.held_on <= ? UNION ALL SELECT p.parent_id AS u, CASE WHEN d.status IN "
			 "('present', 'late') THEN -d.n ELSE 0 END AS att, -d.n AS req FROM learning_att_days d JOIN "
			 "units p ON p.id = d.unit_id WHERE p.parent_id IS NOT NULL AND d.held_on >= ? AND d.held_on "
			 "<= ?) x GROUP BY x.u",
			 "ssss", from, until, from, until),
		share, ctx);
}

/* The sessions the subtree's people attended, weighing how many of them
 * (present or late) each. */
static int rate_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,
			metric_record_fn *fn, void *ctx)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	return metric_record_rows(r, db_query(
		req_db(r), r->a,
		"SELECT s.id, s.topic, d.held_on, count(*) FROM learning_attendance a JOIN learning_att_tallied d ON "
		"d.session_id = a.session_id JOIN study_sessions s ON s.id = a.session_id WHERE" IN_UNIT
		"AND d.held_on >= ? AND d.held_on <= ? AND a.status IN ('present', 'late') GROUP BY s.id, s.topic, "
		"d.held_on ORDER BY d.held_on DESC, s.id DESC LIMIT ?",
		"issI", unit, from, day_text(r, held_to(b)), limit), "/r/study_sessions/", fn, ctx);
}

static int sessions_shares(struct req *r, const char *from, const char *to, metric_share_fn *share, void *ctx)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	return metric_share_rows(db_query(req_db(r), r->a,
				   "SELECT s.unit_id, count(*), 0 FROM study_sessions s WHERE" HELD
				   "AND s.unit_id IS NOT NULL GROUP BY s.unit_id",
				   "ss", from, day_text(r, held_to(b))),
			  share, ctx);
}

static int sessions_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,
			    metric_record_fn *fn, void *ctx)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	return metric_record_rows(r, db_query(req_db(r), r->a,
				     "SELECT s.id, s.topic, s.held_on FROM study_sessions s WHERE" HELD
				     "AND s.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) ORDER BY "
				     "s.held_on DESC, s.id DESC LIMIT ?",
				     "ssiI", from, day_text(r, held_to(b)), unit, limit), "/r/study_sessions/", fn, ctx);
}

static int completion_shares(struct req *r, const char *to, const char *code, metric_share_fn *share, void *ctx)
{
	int64_t b;
	if (!req_db(r) || cal_parse_date(to, &b))
		return DB_ERR;
	int y, m, d;
	cal_civil_from_days(b, &y, &m, &d);
	return metric_share_rows(db_query(req_db(r), r->a,
				   "SELECT i.unit_id, 100 * sum(CASE WHEN i.state = 'accepted' THEN 1 ELSE 0 END), "
				   "count(i.id) FROM programme_items i JOIN learning_programmes g ON g.id = "
				   "i.programme_id WHERE g.code = ? AND g.year = ? AND g.archived = 0 AND i.archived = "
				   "0 AND i.unit_id IS NOT NULL GROUP BY i.unit_id",
				   "si", code, (int64_t)y),
			  share, ctx);
}

/* The accepted tasks, last reviewed first. */
static int completion_records(struct req *r, int64_t unit, const char *to, const char *code, int limit,
			      metric_record_fn *fn, void *ctx)
{
	int64_t b;
	if (!req_db(r) || cal_parse_date(to, &b))
		return DB_ERR;
	int y, mo, d;
	cal_civil_from_days(b, &y, &mo, &d);
	struct db_stmt *q =
		db_query(req_db(r), r->a,
			 "SELECT i.id, p.name, i.title, i.reviewed_at FROM programme_items i JOIN learning_programmes g "
			 "ON g.id = i.programme_id LEFT JOIN people p ON p.id = i.person_id WHERE g.code = ? AND g.year "
			 "= ? AND g.archived = 0 AND i.archived = 0 AND i.state = 'accepted' AND i.unit_id IN (SELECT "
			 "unit_id FROM unit_tree WHERE ancestor_id = ?) ORDER BY i.reviewed_at DESC, i.id DESC LIMIT ?",
			 "siiI", code, (int64_t)y, unit, limit);
	if (!q)
		return DB_ERR;
	int rc;
	while ((rc = db_step(q)) == DB_ROW) {
		const char *who = db_column_text(q, 1), *title = db_column_text(q, 2);
		struct metric_record m = {
			.path = arena_printf(r->a, "/r/programme_items/%lld", (long long)db_column_int64(q, 0)),
			.title = arena_printf(r->a, "%s · %s", who ? who : "", title ? title : ""),
			.day = db_column_isnull(q, 3) ? NULL : day_text(r, cal_local_day(db_column_int64(q, 3))),
			.weight = 1,
		};
		if (fn(ctx, &m))
			break;
	}
	db_reset(q);
	return rc < 0 ? rc : 0;
}

#define COMPLETION(base, code)                                                                                  \
	static int base##_shares(struct req *r, const char *from, const char *to, metric_share_fn *share,        \
				 void *ctx)                                                                      \
	{                                                                                                        \
		(void)from;                                                                                      \
		return completion_shares(r, to, code, share, ctx);                                               \
	}                                                                                                        \
	static int base##_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,      \
				  metric_record_fn *fn, void *ctx)                                               \
	{                                                                                                        \
		(void)from;                                                                                      \
		return completion_records(r, unit, to, code, limit, fn, ctx);                                    \
	}
COMPLETION(five, "five_ones")
COMPLETION(three, "three_ones")
#undef COMPLETION

#define TRAINED                                                                                                 \
	" FROM training_enrolments e JOIN training_courses c ON c.id = e.course_id WHERE e.archived = 0 AND "    \
	"c.archived = 0 AND e.status = 'completed' AND c.date_to >= ? AND c.date_to <= ? "

static int hours_shares(struct req *r, const char *from, const char *to, metric_share_fn *share, void *ctx)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	return metric_share_rows(db_query(req_db(r), r->a,
				   "SELECT e.unit_id, COALESCE(sum(c.hours), 0), 0" TRAINED
				   "AND e.unit_id IS NOT NULL GROUP BY e.unit_id",
				   "ss", from, to),
			  share, ctx);
}

/* The completed enrolments, weighing the course's hours. */
static int hours_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,
			 metric_record_fn *fn, void *ctx)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	struct db_stmt *q = db_query(req_db(r), r->a,
		     "SELECT e.id, p.name, c.title, c.date_to, COALESCE(c.hours, 0) FROM training_enrolments e JOIN "
		     "training_courses c ON c.id = e.course_id LEFT JOIN people p ON p.id = e.person_id WHERE "
		     "e.archived = 0 AND c.archived = 0 AND e.status = 'completed' AND c.date_to >= ? AND c.date_to "
		     "<= ? AND e.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) ORDER BY c.date_to "
		     "DESC, e.id DESC LIMIT ?",
		     "ssiI", from, to, unit, limit);
	if (!q)
		return DB_ERR;
	int rc;
	while ((rc = db_step(q)) == DB_ROW) {
		const char *who = db_column_text(q, 1), *title = db_column_text(q, 2);
		struct metric_record m = {
			.path = arena_printf(r->a, "/r/training_enrolments/%lld", (long long)db_column_int64(q, 0)),
			.title = arena_printf(r->a, "%s · %s", who ? who : "", title ? title : ""),
			.day = db_column_isnull(q, 3) ? NULL : arena_strdup(r->a, db_column_text(q, 3)),
			.weight = db_column_double(q, 4),
		};
		if (fn(ctx, &m))
			break;
	}
	db_reset(q);
	return rc < 0 ? rc : 0;
}

static int trained_shares(struct req *r, const char *from, const char *to, metric_share_fn *share, void *ctx)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	return metric_share_rows(db_query(req_db(r), r->a,
				   DISTINCT_SHARES("SELECT DISTINCT e.person_id AS pid, t.ancestor_id AS u FROM "
						   "training_enrolments e JOIN training_courses c ON c.id = e.course_id "
						   "JOIN unit_tree t ON t.unit_id = e.unit_id WHERE e.archived = 0 AND "
						   "c.archived = 0 AND e.status = 'completed' AND c.date_to >= ? AND "
						   "c.date_to <= ? AND e.person_id IS NOT NULL"),
				   "ss", from, to),
			  share, ctx);
}

/* The people trained, last course first. */
static int trained_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,
			   metric_record_fn *fn, void *ctx)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	return metric_record_rows(r, db_query(
		req_db(r), r->a,
		"SELECT p.id, p.name, x.last FROM (SELECT e.person_id AS pid, max(c.date_to) AS last" TRAINED
		"AND e.person_id IS NOT NULL AND e.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) "
		"GROUP BY e.person_id) x JOIN people p ON p.id = x.pid ORDER BY x.last DESC, p.id DESC LIMIT ?",
		"ssiI", from, to, unit, limit), "/r/people/", fn, ctx);
}

/* Papers written in the period, and the awards the period gave to papers,
 * counted at the paper's unit (the assessment's "papers and awards"): the
 * rows (alias p for the paper), what a record shows, its page. */
struct counted {
	const char *rows, *record, *order, *path;
};
static const struct counted papers = {
	"FROM learning_papers p WHERE p.archived = 0 AND p.written_on >= ? AND p.written_on <= ? ",
	"p.id, p.title, p.written_on",
	"p.written_on DESC, p.id DESC",
	"/r/learning_papers/",
};
static const struct counted awards = {
	"FROM learning_awards w JOIN learning_papers p ON p.id = w.paper_id WHERE w.archived = 0 AND p.archived = 0 "
	"AND w.awarded_on >= ? AND w.awarded_on <= ? ",
	"w.id, w.issuer || ' · ' || p.title, w.awarded_on",
	"w.awarded_on DESC, w.id DESC",
	"/r/learning_awards/",
};
#define IN_SUBTREE "AND p.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) "

static int counted_value(struct req *r, const struct counted *c, int64_t unit, const char *from, const char *to,
			 double *value)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	int64_t n = db_one_int64(req_db(r), -1, arena_printf(r->a, "SELECT count(*) %s" IN_SUBTREE, c->rows), "ssi",
				 from, to, unit);
	if (n < 0)
		return DB_ERR;
	*value = (double)n;
	return 0;
}

static int counted_shares(struct req *r, const struct counted *c, const char *from, const char *to,
			  metric_share_fn *share, void *ctx)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	return metric_share_rows(db_query(req_db(r), r->a,
					  arena_printf(r->a, "SELECT p.unit_id, count(*), 0 %s GROUP BY p.unit_id",
						       c->rows),
					  "ss", from, to),
				 share, ctx);
}

static int counted_records(struct req *r, const struct counted *c, int64_t unit, const char *from, const char *to,
			   int limit, metric_record_fn *fn, void *ctx)
{
	int64_t a, b;
	if (metric_dates(r, from, to, &a, &b))
		return DB_ERR;
	return metric_record_rows(r,
				  db_query(req_db(r), r->a,
					   arena_printf(r->a, "SELECT %s %s" IN_SUBTREE "ORDER BY %s LIMIT ?",
							c->record, c->rows, c->order),
					   "ssiI", from, to, unit, limit),
				  c->path, fn, ctx);
}

#define COUNTED(c)                                                                                              \
	static int c##_value(struct req *r, int64_t unit, const char *from, const char *to, double *value)      \
	{                                                                                                       \
		return counted_value(r, &c, unit, from, to, value);                                             \
	}                                                                                                       \
	static int c##_shares(struct req *r, const char *from, const char *to, metric_share_fn *share,         \
			      void *ctx)                                                                        \
	{                                                                                                       \
		return counted_shares(r, &c, from, to, share, ctx);                                             \
	}                                                                                                       \
	static int c##_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,       \
			       metric_record_fn *fn, void *ctx)                                                 \
	{                                                                                                       \
		return counted_records(r, &c, unit, from, to, limit, fn, ctx);                                  \
	}
COUNTED(papers)
COUNTED(awards)
#undef COUNTED

const struct metric learn_metrics[] = {
	{.name = "attendance_rate",
	 .label = M_learn_rate,
	 .compute = m_rate,
	 .kind = METRIC_RATE,
	 .shares = rate_shares,
	 .records = rate_records},
	{.name = "study_sessions_held",
	 .label = M_learn_sessions_held,
	 .compute = m_sessions,
	 .kind = METRIC_SUM,
	 .shares = sessions_shares,
	 .records = sessions_records},
	{.name = "five_ones_completion",
	 .label = M_learn_five_ones_completion,
	 .compute = m_five,
	 .kind = METRIC_RATE,
	 .shares = five_shares,
	 .records = five_records},
	{.name = "three_ones_completion",
	 .label = M_learn_three_ones_completion,
	 .compute = m_three,
	 .kind = METRIC_RATE,
	 .shares = three_shares,
	 .records = three_records},
	{.name = "training_hours",
	 .label = M_learn_training_hours,
	 .compute = m_hours,
	 .kind = METRIC_SUM,
	 .shares = hours_shares,
	 .records = hours_records},
	{.name = "trained_people",
	 .label = M_learn_trained_people,
	 .compute = m_trained,
	 .kind = METRIC_SUM,
	 .shares = trained_shares,
	 .records = trained_records},
	{.name = "papers_written",
	 .label = M_learn_papers_written,
	 .compute = papers_value,
	 .kind = METRIC_SUM,
	 .shares = papers_shares,
	 .records = papers_records},
	{.name = "paper_awards",
	 .label = M_learn_paper_awards,
	 .compute = awards_value,
	 .kind = METRIC_SUM,
	 .shares = awards_shares,
	 .records = awards_records},
	{.name = NULL},
};

const struct route learn_stats_routes[] = {
	{"GET", "/learning/stats", stats_page, P_SIGNED_IN, 0, "learning stats"},
	{NULL, NULL, NULL, 0, 0, NULL},
};

/* ---- a person's page: this year's study, tasks and training ---- */

void learn_person_section(struct req *r, const struct record *rec)
{
	struct db *db = req_db(r);
	if (!db)
		return;
	int64_t today = cal_local_day(time(NULL));
	int y, m, d;
	cal_civil_from_days(today, &y, &m, &d);
	const char *from = day_text(r, cal_days_from_civil(y, 1, 1)), *to = day_text(r, today);
	struct db_stmt *q =
		db_query(db, r->a,
			 "SELECT count(*), sum(CASE WHEN a.status IN ('present', 'late') THEN 1 ELSE 0 END), "
			 "sum(CASE WHEN a.status = 'excused' THEN 1 ELSE 0 END) FROM learning_attendance a JOIN "
			 "study_sessions s ON s.id = a.session_id WHERE a.person_id = ? AND" HELD,
			 "iss", rec->id, from, to);
	int64_t req = 0, att = 0, exc = 0;
	if (q && db_step(q) == DB_ROW) {
		req = db_column_int64(q, 0);
		att = db_column_isnull(q, 1) ? 0 : db_column_int64(q, 1);
		exc = db_column_isnull(q, 2) ? 0 : db_column_int64(q, 2);
	}
	db_reset(q);
	q = db_query(db, r->a,
		     "SELECT count(*), sum(CASE WHEN state = 'accepted' THEN 1 ELSE 0 END) FROM programme_items WHERE "
		     "person_id = ? AND year = ? AND archived = 0",
		     "ii", rec->id, (int64_t)y);
	int64_t items = 0, accepted = 0;
	if (q && db_step(q) == DB_ROW) {
		items = db_column_int64(q, 0);
		accepted = db_column_isnull(q, 1) ? 0 : db_column_int64(q, 1);
	}
	db_reset(q);
	q = db_query(db, r->a,
		     "SELECT COALESCE(sum(c.hours), 0), count(*) FROM training_enrolments e JOIN training_courses c ON "
		     "c.id = "
		     "e.course_id WHERE e.person_id = ? AND e.status = 'completed' AND e.archived = 0 AND c.date_to >= "
		     "? AND "
		     "c.date_to <= ?",
		     "iss", rec->id, from, to);
	double hours = 0;
	int64_t courses = 0;
	if (q && db_step(q) == DB_ROW) {
		hours = db_column_double(q, 0);
		courses = db_column_int64(q, 1);
	}
	db_reset(q);
	int64_t events = db_one_int64(
		db, 0,
		"SELECT count(DISTINCT x.event_id) FROM event_participants x JOIN learning_events e ON e.id = "
		"x.event_id "
		"WHERE x.person_id = ? AND x.archived = 0 AND e.archived = 0 AND e.held_on >= ? AND "
		"e.held_on <= ?",
		"iss", rec->id, from, to);
	if (!req && !items && !courses && !events)
		return;
	html(r, "<section class=\"card\" id=\"learning\"><h2>%T · %d</h2><div class=\"tiles\">", M_learn_person_section,
	     y);
	tile(r, M_learn_required, "p-required", arena_printf(r->a, "%lld", (long long)req));
	tile(r, M_learn_attended, "p-attended", arena_printf(r->a, "%lld", (long long)att));
	tile(r, M_learn_att_excused, "p-excused", arena_printf(r->a, "%lld", (long long)exc));
	tile(r, M_learn_rate, "p-rate", pct(r, att, req));
	tile(r, M_learn_items, "p-tasks", arena_printf(r->a, "%lld / %lld", (long long)accepted, (long long)items));
	tile(r, M_learn_training_hours, "p-hours", arena_printf(r->a, "%.1f", hours));
	tile(r, M_learn_events_taken, "p-events", arena_printf(r->a, "%lld", (long long)events));
	html(r,
	     "</div><p><a class=\"btn\" href=\"/r/programme_items?person_id=%D\">%T</a> <a class=\"btn\" "
	     "href=\"/r/training_enrolments?person_id=%D\">%T</a> <a class=\"btn\" "
	     "href=\"/r/event_participants?person_id=%D\">%T</a></p></section>",
	     rec->id, M_learn_items, rec->id, M_learn_enrolments, rec->id, M_learn_events_taken);
}
