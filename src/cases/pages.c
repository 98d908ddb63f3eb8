/* pages.c — the office's quick-entry page (hotline, report box, media,
 * walk-in, opinion forms), a conduct supervisor's opinion form, the similar
 * open cases suggested while one is entered, and the overdue list. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../records/workflow.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "cases.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The fields the entry forms ask for, in order. */
static const int entry_fields[] = {CASE_CHANNEL,      CASE_KIND,          CASE_CATEGORY_ID,  CASE_TITLE,
				   CASE_DESCRIPTION,  CASE_ADDRESS,       CASE_ANONYMOUS,    CASE_CONFIDENTIAL,
				   CASE_CONTACT_NAME, CASE_CONTACT_PHONE, CASE_CONTACT_EMAIL};
/* A supervisor files as themself: no channel or contact to give. */
static const int opinion_fields[] = {CASE_KIND, CASE_CATEGORY_ID, CASE_TITLE, CASE_DESCRIPTION, CASE_ADDRESS};

#define NFIELDS(a) ((int)(sizeof(a) / sizeof(a)[0]))

static int is_opinion(struct req *r)
{
	return strstr(r->path, "/opinion") != NULL;
}

static void entry_form(struct req *r, const struct record *rec, const struct record_errors *e)
{
	int opinion = is_opinion(r);
	const int *f = opinion ? opinion_fields : entry_fields;
	int n = opinion ? NFIELDS(opinion_fields) : NFIELDS(entry_fields);
	enum msg_id title = opinion ? M_case_opinion_new : M_case_quick_entry;
	struct crumb c[] = {{"/r/cases", T(r, M_cases)}, {NULL, T(r, title)}};
	page_begin(r, T(r, title), c, 2);
	page_heading(r, T(r, title), NULL);
	if (e && e->count)
		form_errors(r, e->count);
	if (e && e->record != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", e->record);
	html(r,
	     "<div class=\"grid-2\"><section class=\"card\"><form method=\"post\" "
	     "action=\"%a\" novalidate "
	     "data-suggest=\"/cases/similar\" data-suggest-into=\"similar\">%H",
	     r->path, csrf_input(r));
	for (int k = 0; k < n; k++)
		record_field_widget(r, rec, f[k], e ? e->field[f[k]] : M_NONE);
	html(r,
	     "<div class=\"form-actions\"><button class=\"btn "
	     "btn-primary\">%T</button><a class=\"btn btn-plain\" "
	     "href=\"/r/cases\">%T</a></div></form></section>"
	     "<section class=\"card\" aria-live=\"polite\"><h2>%T</h2><p "
	     "class=\"hint\">%T</p><ul id=\"similar\" "
	     "class=\"similar\"></ul></section></div>",
	     M_case_register, M_cancel, M_case_similar, M_case_similar_hint);
	page_end(r);
}

/* The office enters cases; a conduct supervisor files opinions. */
static int may_enter(struct req *r)
{
	if (!is_opinion(r))
		return record_type_may(r, &cases_type, ACC_WRITE);
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		if (r->user->grants[i].role == ROLE_SUPERVISOR)
			return 1;
	return 0;
}

static int entry_page(struct req *r)
{
	if (!may_enter(r))
		return req_fail(r, 403, M_NONE);
	struct record *rec = record_new(r, &cases_type);
	if (is_opinion(r))
		rec->vals[CASE_CHANNEL] = "supervisor", rec->vals[CASE_KIND] = "suggestion";
	entry_form(r, rec, NULL);
	return 0;
}

static int entry_post(struct req *r)
{
	int opinion = is_opinion(r);
	if (!may_enter(r))
		return req_fail(r, 403, M_NONE);
	struct record *rec = record_new(r, &cases_type);
	const int *f = opinion ? opinion_fields : entry_fields;
	int n = opinion ? NFIELDS(opinion_fields) : NFIELDS(entry_fields);
	for (int k = 0; k < n; k++) {
		const char *v = req_form(r, cases_type.fields[f[k]].name);
		record_set(r, rec, f[k], v ? v : "");
	}
	if (opinion)
		rec->vals[CASE_CHANNEL] = "supervisor";
	char code[CASE_CODE_SIZE];
	struct record_errors e;
	int rc = case_submit_durable(r, rec, code, &e, NULL, NULL);
	if (rc == WF_E_INVALID) {
		r->status = 422;
		entry_form(r, rec, &e);
		return 0;
	}
	if (rc) {
		enum msg_id m;
		int status = wf_error_status(rc, &m);
		return req_fail(r, status, m);
	}
	/* the code is shown once, here: the operator reads it to the caller */
	const char *number = rec->vals[CASE_NUMBER];
	struct crumb c[] = {{"/r/cases", T(r, M_cases)}, {NULL, number}};
	page_begin(r, number, c, 2);
	page_heading(r, T(r, M_case_registered), NULL);
	html(r,
	     "<section class=\"card\"><dl class=\"props\"><dt>%T</dt><dd><a "
	     "href=\"/r/cases/%D\">%s</a></dd>"
	     "<dt>%T</dt><dd class=\"mono "
	     "code-big\">%s</dd><dt>%T</dt><dd>%s</dd></dl><p class=\"hint\">%T</p>"
	     "<p><a class=\"btn btn-primary\" href=\"%a\">%T</a> <a class=\"btn\" "
	     "href=\"/r/cases/%D\">%T</a></p></section>",
	     M_case_number, rec->id, number, M_case_tracking_code, code, M_case_due, rec->vals[CASE_DUE],
	     M_case_code_once_hint, r->path, M_case_register_another, rec->id, M_case_open);
	page_end(r);
	return 0;
}

/* GET /cases/similar?category_id=&title=&description=&address=: JSON for
 * the entry forms' suggestions (the office's or a supervisor's). */
static int similar_json(struct req *r)
{
	if (!record_type_may(r, &cases_type, ACC_READ))
		return req_fail(r, 403, M_NONE);
	const char *cat = req_query(r, "category_id");
	int64_t category = cat ? strtoll(cat, NULL, 10) : 0;
	const char *text = arena_printf(r->a, "%s %s", req_query(r, "title") ? req_query(r, "title") : "",
					req_query(r, "description") ? req_query(r, "description") : "");
	struct case_match m[5];
	int n = category > 0 ? case_similar(r, category, text, req_query(r, "address"), 0, m, 5) : 0;
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		/* only what the user may open */
		if (!record_readable(r, &cases_type, m[i].id))
			continue;
		const char *st = "";
		for (const struct enum_opt *o = case_states; o->code; o++)
			if (!strcmp(o->code, m[i].state))
				st = T(r, o->label);
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)m[i].id, "number",
						   m[i].number ? m[i].number : "", "title",
						   m[i].title ? m[i].title : "", "state", st, "url",
						   arena_printf(r->a, "/r/cases/%lld", (long long)m[i].id)));
	}
	req_json_begin(r, 200);
	char *s = json_dumps(json_pack("{s:o}", "data", a), JSON_COMPACT);
	buf_puts(&r->out, s);
	free(s);
	return 0;
}

/* ---- overdue ---- */

#define OVERDUE_PER_PAGE 50

static int overdue_page(struct req *r)
{
	if (!record_type_may(r, &cases_type, ACC_READ))
		return req_fail(r, 403, M_NONE);
	int page = req_page(r);
	if (!page)
		return req_fail(r, 400, M_err_bad_page);
	char d[CAL_DATE_SIZE];
	const char *today = arena_strdup(r->a, cal_format_date(cal_local_day(time(NULL)), d));
	struct kvlist b = {0};
	const char *scope = record_scope_sql(r, &cases_type, "t", &b);
	const char *where = arena_printf(r->a,
					 "FROM cases t WHERE t.archived = 0 AND "
					 "t.state NOT IN ('closed', 'merged') "
					 "AND t.due < ?%s",
					 scope);
	struct db *db = req_db(r);
	struct db_stmt *cq = db_prepare(db, r->a, arena_printf(r->a, "SELECT count(*) %s", where));
	db_bind_text(cq, 1, today);
	for (size_t i = 0; i < b.n; i++)
		db_bind_int64(cq, (int)i + 2, strtoll(b.v[i].value, NULL, 10));
	int64_t total = cq && db_step(cq) == DB_ROW ? db_column_int64(cq, 0) : 0;
	db_reset(cq);
	struct crumb c[] = {{"/r/cases", T(r, M_cases)}, {NULL, T(r, M_case_overdue_list)}};
	page_begin(r, T(r, M_case_overdue_list), c, 2);
	page_heading(r, T(r, M_case_overdue_list), NULL);
	if (!total) {
		empty_state(r, M_case_overdue_none, M_case_overdue_none_hint, NULL, M_NONE);
		page_end(r);
		return 0;
	}
	struct db_stmt *q = db_prepare(db, r->a,
				       arena_printf(r->a,
						    "SELECT t.id, t.number, t.title, t.unit_id, t.state, t.due, "
						    "t.reminders, "
						    "t.escalated %s ORDER BY t.due, t.id LIMIT %d OFFSET %lld",
						    where, OVERDUE_PER_PAGE, (long long)(page - 1) * OVERDUE_PER_PAGE));
	db_bind_text(q, 1, today);
	for (size_t i = 0; i < b.n; i++)
		db_bind_int64(q, (int)i + 2, strtoll(b.v[i].value, NULL, 10));
	static const struct list_col cols[] = {{M_case_number, NULL, 0},   {M_case_title, NULL, 0},
					       {M_case_unit, NULL, 0},     {M_case_state, NULL, 0},
					       {M_case_due, NULL, 0},      {M_case_overdue_days, NULL, 1},
					       {M_case_reminders, NULL, 1}};
	html(r, "<section class=\"card\">");
	list_begin(r, cols, 7, -1, 0);
	struct record *row = record_new(r, &cases_type);
	while (q && db_step(q) == DB_ROW) {
		row->vals[CASE_UNIT_ID] = arena_strdup(r->a, db_column_text(q, 3));
		row->vals[CASE_STATE] = arena_strdup(r->a, db_column_text(q, 4));
		int64_t due = 0, late = 0;
		cal_parse_date(db_column_text(q, 5), &due);
		wf_workdays_between(r, due, cal_local_day(time(NULL)), &late);
		html(r,
		     "<tr><td data-label=\"%T\"><a href=\"/r/cases/%D\">%s</a></td><td "
		     "data-label=\"%T\">%s</td>"
		     "<td data-label=\"%T\">%s</td><td data-label=\"%T\">%s</td><td "
		     "data-label=\"%T\">%s</td>"
		     "<td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" "
		     "data-label=\"%T\">%D%H</td></tr>",
		     M_case_number, db_column_int64(q, 0), db_column_text(q, 1), M_case_title, db_column_text(q, 2),
		     M_case_unit, record_display(r, row, CASE_UNIT_ID, 0), M_case_state,
		     record_display(r, row, CASE_STATE, 0), M_case_due, db_column_text(q, 5), M_case_overdue_days, late,
		     M_case_reminders, db_column_int64(q, 6),
		     db_column_int64(q, 7)
			     ? html_fmt(r, " <span class=\"badge badge-warn\">%T</span>", M_case_escalated)
			     : NULL);
	}
	list_end(r);
	list_pager(r, total, page, OVERDUE_PER_PAGE);
	html(r, "</section>");
	page_end(r);
	return 0;
}

/* ---- the supervisors' opinions of a year (the office's view) ---- */

static int supervisors_page(struct req *r)
{
	/* who filed what is the office's to know: the roles that may see
	 * submitters' identities */
	int office = 0;
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		office |= (cases_type.reveal_roles >> r->user->grants[i].role) & 1;
	if (!office)
		return req_fail(r, 403, M_NONE);
	int y, m, d;
	cal_civil_from_days(cal_local_day(time(NULL)), &y, &m, &d);
	const char *ys = req_query(r, "year");
	char *end = NULL;
	long year = ys && *ys ? strtol(ys, &end, 10) : y;
	if ((end && *end) || year < 2000 || year > 2100)
		return req_fail(r, 400, M_case_bad_year);
	int64_t from = cal_local_time(cal_days_from_civil((int)year, 1, 1), 0, 0, 0);
	int64_t to = cal_local_time(cal_days_from_civil((int)year + 1, 1, 1), 0, 0, 0);
	const char *title = arena_printf(r->a, "%s · %ld", T(r, M_case_supervisor_opinions), year);
	struct crumb c[] = {{"/r/cases", T(r, M_cases)}, {NULL, title}};
	page_begin(r, title, c, 2);
	page_heading(r, title,
		     html_fmt(r,
			      "<a class=\"btn\" href=\"/cases/supervisors?year=%d\">%d</a><a class=\"btn\" "
			      "href=\"/cases/supervisors?year=%d\">%d</a>",
			      (int)year - 1, (int)year - 1, (int)year + 1, (int)year + 1));
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		"SELECT u.id, u.display_name, COALESCE(s.organization, ''), count(c.id), "
		"sum(CASE WHEN c.state IN ('closed', 'merged') THEN 1 ELSE 0 END), "
		"sum(CASE WHEN c.rating IN ('4', '5') AND c.rating_void = 0 THEN 1 ELSE 0 END), "
		"sum(CASE WHEN c.rating IS NOT NULL AND c.rating_void = 0 THEN 1 ELSE 0 END) "
		"FROM cases c JOIN users u ON u.id = c.submitter_user LEFT JOIN supervisors s ON s.username = "
		"u.username "
		"AND s.archived = 0 WHERE c.archived = 0 AND c.received_at >= ? AND c.received_at < ? "
		"GROUP BY u.id, u.display_name, s.organization ORDER BY count(c.id) DESC, u.display_name LIMIT 500",
		"ii", from, to);
	static const struct list_col cols[] = {{M_supervisor, NULL, 0},     {M_sup_organization, NULL, 0},
					       {M_case_opinions, NULL, 1},  {M_case_st_closed, NULL, 1},
					       {M_case_satisfied, NULL, 1}, {M_case_latest, NULL, 0}};
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++) {
			html(r, "<section class=\"card\">");
			list_begin(r, cols, 6, -1, 0);
		}
		int64_t uid = db_column_int64(q, 0);
		html(r,
		     "<tr><td data-label=\"%T\">%s</td><td data-label=\"%T\">%s</td><td class=\"num\" "
		     "data-label=\"%T\">%D</td>"
		     "<td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" data-label=\"%T\">%D / %D</td>"
		     "<td data-label=\"%T\"><ul class=\"plain\">",
		     M_supervisor, db_column_text(q, 1), M_sup_organization, db_column_text(q, 2), M_case_opinions,
		     db_column_int64(q, 3), M_case_st_closed, db_column_int64(q, 4), M_case_satisfied,
		     db_column_int64(q, 5), db_column_int64(q, 6), M_case_latest);
		struct db_stmt *l =
			db_query(req_db(r), r->a,
				 "SELECT id, number, title, state FROM cases WHERE submitter_user = ? AND archived = 0 "
				 "AND received_at >= ? AND received_at < ? ORDER BY id DESC LIMIT 5",
				 "iii", uid, from, to);
		struct record *row = record_new(r, &cases_type);
		while (l && db_step(l) == DB_ROW) {
			row->vals[CASE_STATE] = arena_strdup(r->a, db_column_text(l, 3));
			html(r, "<li><a href=\"/r/cases/%D\">%s</a> %s <span class=\"muted\">%s</span></li>",
			     db_column_int64(l, 0), db_column_text(l, 1), db_column_text(l, 2),
			     record_display(r, row, CASE_STATE, 0));
		}
		html(r, "</ul></td></tr>");
	}
	if (n) {
		list_end(r);
		html(r, "</section>");
	} else {
		empty_state(r, M_case_no_opinions, M_case_no_opinions_hint, NULL, M_NONE);
	}
	page_end(r);
	return 0;
}

const struct route cases_routes[] = {
	{"GET", "/cases/new", entry_page, P_SIGNED_IN, 0, "cases entry"},
	{"POST", "/cases/new", entry_post, P_SIGNED_IN, 1, "cases entry"},
	{"GET", "/cases/opinion", entry_page, P_SIGNED_IN, 0, "cases opinion"},
	{"POST", "/cases/opinion", entry_post, P_SIGNED_IN, 1, "cases opinion"},
	{"GET", "/cases/similar", similar_json, P_SIGNED_IN, 0, "cases similar"},
	{"GET", "/cases/overdue", overdue_page, P_SIGNED_IN, 0, "cases overdue"},
	{"GET", "/cases/supervisors", supervisors_page, P_SIGNED_IN, 0, "cases supervisors"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
