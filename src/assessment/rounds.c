/* rounds.c — the assessment rounds: the list, a new round (the office),
 * one round's page with its state, counts, progress, the office's actions
 * (compute, review, announce, publish) and the results table, the results
 * as a workbook, and `wenming assess-compute ROUND` for a big organization
 * (prints its progress). States and rules: round.h. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../platform/workdays.h"
#include "../records/export.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "assessment.h"
#include "contracts.h"
#include "round.h"
#include "roundwork.h"
#include "tree.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

int assess_round_load(struct req *r, int64_t id, struct assess_round *o)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, system_id, kind, name, period_from, period_to, self_due, appeal_due, state, "
				     "appeal_days, computed_at, announced_at, published_at, th_excellent, th_good, th_pass "
				     "FROM assess_rounds WHERE id = ?",
				     "i", id);
	if (!q || db_step(q) != DB_ROW)
		return -1;
	memset(o, 0, sizeof *o);
	o->id = db_column_int64(q, 0);
	o->system_id = db_column_int64(q, 1);
	o->kind = arena_strdup(r->a, db_column_text(q, 2));
	o->name = arena_strdup(r->a, db_column_text(q, 3));
	o->period_from = arena_strdup(r->a, db_column_text(q, 4));
	o->period_to = arena_strdup(r->a, db_column_text(q, 5));
	o->self_due = db_column_isnull(q, 6) ? NULL : arena_strdup(r->a, db_column_text(q, 6));
	o->appeal_due = db_column_isnull(q, 7) ? NULL : arena_strdup(r->a, db_column_text(q, 7));
	o->state = arena_strdup(r->a, db_column_text(q, 8));
	o->appeal_days = (int)db_column_int64(q, 9);
	o->computed_at = db_column_int64(q, 10);
	o->announced_at = db_column_int64(q, 11);
	o->published_at = db_column_int64(q, 12);
	o->th_excellent = db_column_double(q, 13);
	o->th_good = db_column_double(q, 14);
	o->th_pass = db_column_double(q, 15);
	return 0;
}

static int announced(const struct assess_round *rd)
{
	return !strcmp(rd->state, "appeal") || !strcmp(rd->state, "published");
}

int assess_round_may_see(struct req *r, const struct assess_round *rd, int64_t unit_id)
{
	if (assess_is_office(r))
		return 1;
	if (!r->user || !announced(rd))
		return 0;
	for (int i = 0; i < r->user->ngrants; i++) {
		const struct grant *g = &r->user->grants[i];
		if (g->role != ROLE_LEADER && g->role != ROLE_UNIT_ADMIN)
			continue;
		if (g->unit_id == 0 ||
		    db_one_int64(req_db(r), 0, "SELECT COUNT(*) FROM unit_tree WHERE ancestor_id = ? AND unit_id = ?", "ii",
				 g->unit_id, unit_id) > 0)
			return 1;
	}
	return 0;
}

enum msg_id assess_round_state_label(const char *s)
{
	return !strcmp(s, "open")     ? M_assess_round_s_open
	       : !strcmp(s, "review") ? M_assess_round_s_review
	       : !strcmp(s, "appeal") ? M_assess_round_s_appeal
				      : M_assess_round_s_published;
}

enum msg_id assess_grade_label(const char *g)
{
	return !g || !*g		 ? M_NONE
	       : !strcmp(g, "excellent") ? M_assess_round_g_excellent
	       : !strcmp(g, "good")	 ? M_assess_round_g_good
	       : !strcmp(g, "pass")	 ? M_assess_round_g_pass
					 : M_assess_round_g_fail;
}

static enum msg_id kind_label(const char *k)
{
	return !strcmp(k, "bureau")	    ? M_kind_bureau
	       : !strcmp(k, "secondary")  ? M_kind_secondary
	       : !strcmp(k, "department") ? M_kind_department
	       : !strcmp(k, "window")	    ? M_kind_window
	       : !strcmp(k, "post")	    ? M_kind_post
					    : M_kind_party_branch;
}

static const char *grade_badge(const char *g)
{
	return !g ? "" : !strcmp(g, "excellent") || !strcmp(g, "good") ? " badge-ok" : !strcmp(g, "fail") ? " badge-warn" : "";
}

static const char *day_text(struct req *r, int64_t t)
{
	if (!t)
		return "";
	char d[CAL_DATE_SIZE];
	return arena_strdup(r->a, cal_format_date(cal_local_day(t), d));
}

/* The units the user may see the results of in an announced round: NULL
 * for every unit (the office), else an SQL condition on ru.unit_id bound
 * to the user's grants (their roots, at most 8). */
static int grant_roots(struct req *r, int64_t *roots, int cap)
{
	int n = 0;
	for (int i = 0; r->user && i < r->user->ngrants && n < cap; i++)
		if (r->user->grants[i].role == ROLE_LEADER || r->user->grants[i].role == ROLE_UNIT_ADMIN)
			roots[n++] = r->user->grants[i].unit_id;
	return n;
}

/* ---- the list ---- */

static void new_form(struct req *r, const char *kind, const char *name, const char *from, const char *to,
		     const char *self_due, const char *days, enum msg_id err)
{
	static const char *const kinds[] = {"mid_year", "year_end"};
	static const enum msg_id kl[] = {M_assess_round_mid_year, M_assess_round_year_end};
	html(r, "<section class=\"card\" id=\"new-round\"><h2>%T</h2>", M_assess_round_new);
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", err);
	html(r, "<form method=\"post\" action=\"/assessment/rounds\" class=\"filters\">%H", csrf_input(r));
	field_select(r, "kind", M_assess_round_kind, kinds, kl, 2, kind, 0);
	field_input(r, "text", "name", M_assess_name, name, M_NONE, 1, M_NONE);
	field_input(r, "date", "period_from", M_assess_round_from, from, M_NONE, 1, M_NONE);
	field_input(r, "date", "period_to", M_assess_round_to, to, M_NONE, 1, M_NONE);
	field_input(r, "date", "self_due", M_assess_round_self_due, self_due, M_NONE, 0, M_NONE);
	field_input(r, "number", "appeal_days", M_assess_round_appeal_days, days, M_NONE, 1, M_NONE);
	/* the grade thresholds, % of the applicable maximum (as typed after an error) */
	static const char *const th[] = {"th_excellent", "th_good", "th_pass"}, *const dflt[] = {"90", "80", "60"};
	static const enum msg_id tl[] = {M_assess_round_th_excellent, M_assess_round_th_good, M_assess_round_th_pass};
	for (int i = 0; i < 3; i++) {
		const char *v = req_form(r, th[i]);
		field_input(r, "decimal", th[i], tl[i], v ? v : dflt[i], M_NONE, 1, M_NONE);
	}
	html(r, "<div class=\"filter-actions\"><button class=\"btn btn-primary\">%T</button></div></form></section>",
	     M_assess_create);
}

static int list_render(struct req *r, const char *kind, const char *name, const char *from, const char *to,
		       const char *self_due, const char *days, enum msg_id err)
{
	int office = assess_is_office(r);
	struct crumb c[] = {{"/assessment/systems", T(r, M_assess_systems)}, {NULL, T(r, M_assess_rounds)}};
	page_begin(r, T(r, M_assess_rounds), c, 2);
	page_heading(r, T(r, M_assess_rounds), NULL);
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		office ? "SELECT r.id, r.name, r.kind, r.period_from, r.period_to, r.state, s.year, (SELECT COUNT(*) FROM "
			 "assess_round_units u WHERE u.round_id = r.id) FROM assess_rounds r JOIN assess_systems s ON s.id "
			 "= r.system_id ORDER BY r.period_to DESC, r.id DESC"
		       : "SELECT r.id, r.name, r.kind, r.period_from, r.period_to, r.state, s.year, (SELECT COUNT(*) FROM "
			 "assess_round_units u WHERE u.round_id = r.id) FROM assess_rounds r JOIN assess_systems s ON s.id "
			 "= r.system_id WHERE r.state IN ('appeal', 'published') ORDER BY r.period_to DESC, r.id DESC",
		NULL);
	static const struct list_col cols[] = {{M_assess_name, NULL, 0},
					       {M_assess_round_kind, NULL, 0},
					       {M_assess_round_period, NULL, 0},
					       {M_assess_round_state, NULL, 0},
					       {M_assess_round_units, NULL, 1}};
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++) {
			html(r, "<section class=\"card\">");
			list_begin(r, cols, 5, -1, 0);
		}
		const char *st = db_column_text(q, 5);
		html(r,
		     "<tr><td class=\"card-title\" data-label=\"%T\"><a href=\"/assessment/rounds/%D\">%s</a></td>"
		     "<td data-label=\"%T\">%T</td><td data-label=\"%T\">%s – %s</td><td data-label=\"%T\"><span "
		     "class=\"badge%s\">%T</span></td><td class=\"num\" data-label=\"%T\">%D</td></tr>",
		     M_assess_name, db_column_int64(q, 0), db_column_text(q, 1), M_assess_round_kind,
		     !strcmp(db_column_text(q, 2), "mid_year") ? M_assess_round_mid_year : M_assess_round_year_end,
		     M_assess_round_period, db_column_text(q, 3), db_column_text(q, 4), M_assess_round_state,
		     !strcmp(st, "published") ? " badge-ok" : "", assess_round_state_label(st), M_assess_round_units,
		     db_column_int64(q, 7));
	}
	if (n) {
		list_end(r);
		html(r, "</section>");
	} else {
		empty_state(r, M_assess_rounds_none, M_assess_rounds_none_hint, NULL, M_NONE);
	}
	if (office)
		new_form(r, kind, name, from, to, self_due, days, err);
	page_end(r);
	return 0;
}

static int list_page(struct req *r)
{
	int64_t today = cal_local_day(time(NULL));
	int y, m, d;
	char buf[CAL_DATE_SIZE];
	cal_format_date(today, buf);
	sscanf(buf, "%d-%d-%d", &y, &m, &d);
	return list_render(r, m <= 7 ? "mid_year" : "year_end", "", arena_printf(r->a, "%d-01-01", y),
			   arena_printf(r->a, m <= 7 ? "%d-06-30" : "%d-12-31", y), "", "5", M_NONE);
}

static const char *form_or(struct req *r, const char *name)
{
	const char *v = req_form(r, name);
	return v ? v : "";
}

static int create_post(struct req *r)
{
	if (!assess_is_office(r))
		return req_fail(r, 403, M_NONE);
	const char *kind = form_or(r, "kind"), *name = form_or(r, "name"), *from = form_or(r, "period_from"),
		   *to = form_or(r, "period_to"), *self_due = form_or(r, "self_due"), *ds = form_or(r, "appeal_days");
	int64_t a, b, sd;
	char *end;
	long days = strtol(ds, &end, 10);
	double th[3];
	static const char *const thn[] = {"th_excellent", "th_good", "th_pass"};
	int th_bad = 0;
	for (int i = 0; i < 3; i++) {
		const char *v = req_form(r, thn[i]);
		char *e;
		th[i] = v && *v ? strtod(v, &e) : (i == 0 ? 90 : i == 1 ? 80 : 60);
		if (v && *v && (*e || !isfinite(th[i])))
			th_bad = 1;
	}
	th_bad = th_bad || th[2] < 0 || th[2] > th[1] || th[1] > th[0] || th[0] > 100;
	enum msg_id err = strcmp(kind, "mid_year") && strcmp(kind, "year_end") ? M_assess_bad_name
			  : !*name || strlen(name) > 600			     ? M_assess_bad_name
			  : cal_parse_date(from, &a) || cal_parse_date(to, &b) || a > b ||
					  (*self_due && cal_parse_date(self_due, &sd))
				  ? M_assess_round_bad_dates
			  : !*ds || *end || days < 1 || days > 30 ? M_assess_round_bad_days
			  : th_bad				  ? M_assess_round_bad_thresholds
								  : M_NONE;
	struct db *db = req_db(r);
	int64_t sys = 0;
	if (err == M_NONE) {
		sys = db_one_int64(db, 0, "SELECT id FROM assess_systems WHERE year = ? AND state = 'in_use'", "i",
				   (int64_t)atoi(to));
		if (!sys)
			err = M_assess_round_no_system;
	}
	if (err != M_NONE) {
		r->status = 422;
		return list_render(r, kind, name, from, to, self_due, ds, err);
	}
	int rc = db_begin(db);
	int64_t id = rc ? rc
			: db_insert(db,
				    "INSERT INTO assess_rounds (system_id, kind, name, period_from, period_to, self_due, "
				    "appeal_days, state, created_by, created_at, th_excellent, th_good, th_pass) VALUES (?, ?, ?, "
				    "?, ?, NULLIF(?, ''), ?, 'open', ?, ?, ?, ?, ?) RETURNING id",
				    "isssssiiiddd", sys, kind, name, from, to, self_due, (int64_t)days, r->user->id,
				    (int64_t)time(NULL), th[0], th[1], th[2]);
	if (id > 0)
		rc = assess_round_fill_units(r, id);
	if (id > 0 && !rc) {
		json_t *what = json_pack("{s:I, s:s, s:s, s:s, s:s}", "system_id", (json_int_t)sys, "kind", kind, "name",
					 name, "period_from", from, "period_to", to);
		rc = audit_log(r, "assessment_round_create", "assess_rounds", id, NULL, what);
		json_decref(what);
	}
	if (id < 0 || rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_assess_round_created);
	return req_redirect(r, arena_printf(r->a, "/assessment/rounds/%lld", (long long)id));
}

/* ---- one round ---- */

static const struct markup *action(struct req *r, int64_t id, const char *what, enum msg_id label, int primary)
{
	return html_fmt(r,
			"<form method=\"post\" action=\"/assessment/rounds/%D/%a\" class=\"inline\">%H<button "
			"class=\"btn%s\" data-action=\"%a\">%T</button></form>",
			id, what, csrf_input(r), primary ? " btn-primary" : "", what, label);
}

#define ROUND_PER_PAGE 100

static void results_render(struct req *r, const struct assess_round *rd, int office)
{
	static const struct list_col cols[] = {
		{M_assess_round_rank, "rank", 1},   {M_assess_unit, "unit", 0},	     {M_assess_round_unit_kind, "kind", 0},
		{M_assess_round_own_total, NULL, 1}, {M_assess_round_total, "total", 1}, {M_assess_round_max, NULL, 1},
		{M_assess_round_grade, NULL, 0},
	};
	int desc = 0, sort = list_sort(r, cols, 7, 2, &desc);
	const char *kind = req_query(r, "kind");
	static const char *const kinds[] = {"bureau", "secondary", "department", "window"};
	int kix = -1;
	for (int i = 0; kind && i < 4; i++)
		if (!strcmp(kind, kinds[i]))
			kix = i;
	/* kinds from the top of the tree down */
#define KIND_ORDER "CASE ru.unit_kind WHEN 'bureau' THEN 0 WHEN 'secondary' THEN 1 WHEN 'department' THEN 2 ELSE 3 END"
	const char *order = sort == 0	? (desc ? "ru.rank_in_kind DESC, " KIND_ORDER : "ru.rank_in_kind, " KIND_ORDER)
			    : sort == 1 ? (desc ? "u.name DESC" : "u.name")
			    : sort == 4 ? (desc ? "ru.total DESC" : "ru.total")
					: (desc ? KIND_ORDER " DESC, ru.rank_in_kind" : KIND_ORDER ", ru.rank_in_kind");
#undef KIND_ORDER
	int64_t roots[8] = {0};
	int nroots = office ? 0 : grant_roots(r, roots, 8);
	if (!office && !nroots)
		return;
	int all = office;
	for (int i = 0; i < nroots; i++)
		if (!roots[i])
			all = 1;
	int page = req_page(r);
	if (!page)
		page = 1;
	const char *where = all ? " WHERE ru.round_id = ? AND (? = '' OR ru.unit_kind = ?)"
				: " WHERE ru.round_id = ? AND (? = '' OR ru.unit_kind = ?) AND ru.unit_id IN (SELECT "
				  "unit_id FROM unit_tree WHERE ancestor_id IN (?, ?, ?, ?, ?, ?, ?, ?))";
	const char *kv = kix >= 0 ? kinds[kix] : "";
	int64_t total = db_one_int64(req_db(r), 0,
				     arena_printf(r->a, "SELECT COUNT(*) FROM assess_round_units ru%s", where),
				     all ? "iss" : "issiiiiiiii", rd->id, kv, kv, roots[0], roots[1], roots[2], roots[3],
				     roots[4], roots[5], roots[6], roots[7]);
	const char *sql = arena_printf(r->a,
				       "SELECT ru.unit_id, u.name, ru.unit_kind, ru.own_total, ru.total, ru.max_total, "
				       "ru.grade, ru.rank_in_kind, ru.vetoed FROM assess_round_units ru JOIN units u ON u.id = "
				       "ru.unit_id%s ORDER BY %s, ru.unit_id LIMIT %d OFFSET %lld",
				       where, order, ROUND_PER_PAGE, (long long)(page - 1) * ROUND_PER_PAGE);
	struct db_stmt *q = db_query(req_db(r), r->a, sql, all ? "iss" : "issiiiiiiii", rd->id, kv, kv, roots[0],
				     roots[1], roots[2], roots[3], roots[4], roots[5], roots[6], roots[7]);
	html(r, "<section class=\"card\" id=\"results\"><h2>%T</h2><p class=\"hint\">%T %s</p>", M_assess_round_results,
	     M_assess_round_results_hint,
	     arena_printf(r->a, "%s", T(r, M_assess_round_rollup_rule)));
	html(r, "<form method=\"get\" class=\"filters\"><div class=\"field\"><label for=\"f-kind\">%T</label><select "
		"id=\"f-kind\" name=\"kind\"><option value=\"\">%T</option>",
	     M_assess_round_unit_kind, M_assess_round_all_kinds);
	for (int i = 0; i < 4; i++)
		html(r, "<option value=\"%a\"%H>%T</option>", kinds[i], i == kix ? MARKUP(" selected") : NULL,
		     kind_label(kinds[i]));
	html(r, "</select></div><div class=\"filter-actions\"><button class=\"btn\">%T</button>%H</div></form>",
	     M_filter,
	     office ? html_fmt(r, " <a class=\"btn\" href=\"/assessment/rounds/%D/results.xlsx\">%T</a>", rd->id,
			       M_assess_round_export)
		    : NULL);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++)
			list_begin(r, cols, 7, sort, desc);
		const char *g = db_column_isnull(q, 6) ? NULL : db_column_text(q, 6);
		int vetoed = (int)db_column_int64(q, 8);
		html(r,
		     "<tr data-unit=\"%D\"><td class=\"num\" data-label=\"%T\">%H</td><td class=\"card-title\" "
		     "data-label=\"%T\"><a href=\"/assessment/rounds/%D/units/%D\">%s</a></td><td data-label=\"%T\">%T</td>"
		     "<td class=\"num\" data-label=\"%T\">%s</td><td class=\"num\" data-label=\"%T\"><strong>%s</strong></td>"
		     "<td class=\"num\" data-label=\"%T\">%s</td><td data-label=\"%T\">%H%H</td></tr>",
		     db_column_int64(q, 0), M_assess_round_rank,
		     db_column_isnull(q, 7) ? NULL : html_fmt(r, "%D", db_column_int64(q, 7)), M_assess_unit, rd->id,
		     db_column_int64(q, 0), db_column_text(q, 1), M_assess_round_unit_kind, kind_label(db_column_text(q, 2)),
		     M_assess_round_own_total, db_column_isnull(q, 3) ? "–" : assess_num(r, db_column_double(q, 3)),
		     M_assess_round_total, db_column_isnull(q, 4) ? "–" : assess_num(r, db_column_double(q, 4)),
		     M_assess_round_max, assess_num(r, db_column_double(q, 5)), M_assess_round_grade,
		     g ? html_fmt(r, "<span class=\"badge%s\">%T</span>", grade_badge(g), assess_grade_label(g)) : NULL,
		     vetoed ? html_fmt(r, " <span class=\"badge badge-warn\">%T</span>", M_assess_round_veto) : NULL);
	}
	if (n) {
		list_end(r);
		list_pager(r, total, page, ROUND_PER_PAGE);
	} else {
		html(r, "<p class=\"hint\">%T</p>", M_assess_round_not_computed);
	}
	html(r, "</section>");
}

static int round_render(struct req *r, int64_t id, enum msg_id err)
{
	struct assess_round rd;
	if (assess_round_load(r, id, &rd))
		return req_fail(r, 404, M_NONE);
	int office = assess_is_office(r);
	if (!office && !announced(&rd))
		return req_fail(r, 404, M_NONE);
	struct assess_system s;
	if (assess_system_load(r, rd.system_id, &s))
		return req_fail(r, 503, M_err_db_down);
	struct db *db = req_db(r);
	struct crumb c[] = {{"/assessment/systems", T(r, M_assess_systems)},
			    {"/assessment/rounds", T(r, M_assess_rounds)},
			    {NULL, rd.name}};
	page_begin(r, rd.name, c, 3);
	const struct markup *acts = NULL;
	if (office) {
		int open = !strcmp(rd.state, "open"), review = !strcmp(rd.state, "review");
		acts = html_fmt(r, "%H%H%H%H", open || review ? action(r, id, "compute", M_assess_round_compute, !rd.computed_at) : NULL,
				open ? action(r, id, "review", M_assess_round_to_review, rd.computed_at != 0) : NULL,
				review ? action(r, id, "announce", M_assess_round_announce, 1) : NULL,
				!strcmp(rd.state, "appeal") ? action(r, id, "publish", M_assess_round_publish, 1) : NULL);
	}
	page_heading(r, rd.name, acts);
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\" id=\"round-error\">%T</div>", err);
	int64_t units = db_one_int64(db, 0, "SELECT COUNT(*) FROM assess_round_units WHERE round_id = ?", "i", id);
	int64_t graded = db_one_int64(db, 0, "SELECT COUNT(*) FROM assess_round_units WHERE round_id = ? AND grade IS NOT NULL",
				      "i", id);
	int64_t rows = db_one_int64(db, 0, "SELECT COUNT(*) FROM assess_round_scores WHERE round_id = ?", "i", id);
	int64_t pending = db_one_int64(db, 0, "SELECT COUNT(*) FROM assess_round_scores WHERE round_id = ? AND points IS NULL",
				       "i", id);
	html(r,
	     "<section class=\"card\"><dl class=\"props\"><dt>%T</dt><dd><a href=\"/assessment/systems/%D\">%s</a></dd>"
	     "<dt>%T</dt><dd>%T</dd><dt>%T</dt><dd>%s – %s</dd><dt>%T</dt><dd><span class=\"badge%s\" id=\"round-state\" "
	     "data-state=\"%a\">%T</span></dd><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%D</dd><dt>%T</dt><dd id=\"appeal-due\">%s</dd>"
	     "<dt>%T</dt><dd id=\"computed-at\">%H</dd><dt>%T</dt><dd id=\"units\">%D</dd>",
	     M_assess_round_system, s.id, assess_system_title(r, s.year, s.name), M_assess_round_kind,
	     !strcmp(rd.kind, "mid_year") ? M_assess_round_mid_year : M_assess_round_year_end, M_assess_round_period,
	     rd.period_from, rd.period_to, M_assess_round_state, !strcmp(rd.state, "published") ? " badge-ok" : "",
	     rd.state, assess_round_state_label(rd.state), M_assess_round_self_due, rd.self_due ? rd.self_due : "–",
	     M_assess_round_appeal_days, (int64_t)rd.appeal_days, M_assess_round_appeal_due,
	     rd.appeal_due ? rd.appeal_due : "–", M_assess_round_computed_at,
	     rd.computed_at ? html_fmt(r, "%s", day_text(r, rd.computed_at))
			    : html_fmt(r, "<span class=\"hint\">%T</span>", M_assess_round_not_computed),
	     M_assess_round_units, units);
	if (office)
		html(r, "<dt>%T</dt><dd><progress id=\"progress\" max=\"%D\" value=\"%D\">%D / %D</progress> %D / %D</dd>"
			"<dt>%T</dt><dd id=\"pending\">%D</dd>",
		     M_assess_round_progress, rows ? rows : 1, rows - pending, rows - pending, rows, rows - pending, rows,
		     M_assess_round_manual_pending, pending);
	html(r, "</dl>%H", office && (!strcmp(rd.state, "open") || !strcmp(rd.state, "review"))
				   ? html_fmt(r, "<p class=\"hint\">%T</p>", M_assess_round_compute_hint)
				   : NULL);
	(void)graded;
	{
		/* the thresholds in words */
		const char *t = T(r, M_assess_round_thresholds);
		struct buf b;
		buf_init(&b, r->a);
		const char *v[3] = {assess_num(r, rd.th_excellent), assess_num(r, rd.th_good), assess_num(r, rd.th_pass)};
		for (const char *p = t; *p; p++) {
			if (p[0] == '{' && p[1] >= '1' && p[1] <= '3' && p[2] == '}') {
				buf_puts(&b, v[p[1] - '1']);
				p += 2;
			} else {
				buf_putc(&b, *p);
			}
		}
		html(r, "<p class=\"hint\" id=\"thresholds\">%s</p></section>", b.p ? b.p : "");
	}
	assess_roundwork_links(r, &rd, 0); /* round work */
	if (office || announced(&rd))
		results_render(r, &rd, office);
	page_end(r);
	return 0;
}

static int round_page(struct req *r)
{
	return round_render(r, req_param_int(r, "id"), M_NONE);
}

/* A change of the round by the office: 0, or the status to fail with. */
static int for_change(struct req *r, struct assess_round *rd)
{
	if (!assess_is_office(r))
		return 403;
	if (assess_round_load(r, req_param_int(r, "id"), rd))
		return 404;
	return 0;
}

static int refuse(struct req *r, int64_t id, int status, enum msg_id msg)
{
	r->status = status;
	return round_render(r, id, msg);
}

static int compute_post(struct req *r)
{
	struct assess_round rd;
	int st = for_change(r, &rd);
	if (st)
		return req_fail(r, st, M_NONE);
	if (strcmp(rd.state, "open") && strcmp(rd.state, "review"))
		return refuse(r, rd.id, 409, M_assess_round_bad_state);
	int rc = assess_round_compute(r, rd.id, NULL, NULL);
	struct db *db = req_db(r);
	if (!rc) {
		rc = db_begin(db);
		if (!rc)
			rc = audit_log(r, "assessment_round_compute", "assess_rounds", rd.id, NULL, NULL);
		if (rc || db_commit(db))
			db_rollback(db);
	}
	if (rc)
		return req_fail(r, 503, M_err_db_down);
	req_flash(r, "ok", M_assess_round_computed);
	return req_redirect(r, arena_printf(r->a, "/assessment/rounds/%lld", (long long)rd.id));
}

static int move(struct req *r, const char *from, const char *to, const char *due)
{
	struct assess_round rd;
	int st = for_change(r, &rd);
	if (st)
		return req_fail(r, st, M_NONE);
	if (strcmp(rd.state, from))
		return refuse(r, rd.id, 409, M_assess_round_bad_state);
	struct db *db = req_db(r);
	int64_t now = (int64_t)time(NULL);
	int rc = db_begin(db);
	if (!rc && !strcmp(to, "review"))
		rc = db_run(db, "UPDATE assess_rounds SET state = 'review' WHERE id = ? AND state = 'open'", "i", rd.id);
	else if (!rc && !strcmp(to, "appeal"))
		rc = db_run(db,
			    "UPDATE assess_rounds SET state = 'appeal', announced_at = ?, appeal_due = ? WHERE id = ? AND "
			    "state = 'review'",
			    "isi", now, due, rd.id);
	else if (!rc)
		rc = db_run(db,
			    "UPDATE assess_rounds SET state = 'published', published_at = ? WHERE id = ? AND state = 'appeal'",
			    "ii", now, rd.id);
	/* the year-end results are what the year's contracts were signed for */
	if (!rc && !strcmp(to, "published") && !strcmp(rd.kind, "year_end")) {
		int64_t year = db_one_int64(db, 0, "SELECT year FROM assess_systems WHERE id = ?", "i", rd.system_id);
		int n = assess_contracts_mark_assessed(r, (int)year);
		rc = n < 0 ? n : 0;
	}
	if (!rc) {
		json_t *what = json_pack("{s:s, s:s}", "from", from, "to", to);
		rc = audit_log(r, arena_printf(r->a, "assessment_round_%s", to), "assess_rounds", rd.id, NULL, what);
		json_decref(what);
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_assess_round_moved);
	return req_redirect(r, arena_printf(r->a, "/assessment/rounds/%lld", (long long)rd.id));
}

static int review_post(struct req *r)
{
	struct assess_round rd;
	int st = for_change(r, &rd);
	if (st)
		return req_fail(r, st, M_NONE);
	if (!strcmp(rd.state, "open") && !rd.computed_at)
		return refuse(r, rd.id, 409, M_assess_round_need_compute);
	return move(r, "open", "review", NULL);
}

static int announce_post(struct req *r)
{
	struct assess_round rd;
	int st = for_change(r, &rd);
	if (st)
		return req_fail(r, st, M_NONE);
	if (strcmp(rd.state, "review"))
		return refuse(r, rd.id, 409, M_assess_round_bad_state);
	int64_t due;
	int rc = workdays_due(r, cal_local_day(time(NULL)), rd.appeal_days, &due);
	if (rc == WORKDAYS_E_UNCOVERED)
		return refuse(r, rd.id, 409, M_assess_round_workdays);
	if (rc)
		return req_fail(r, 503, M_err_db_down);
	char d[CAL_DATE_SIZE];
	cal_format_date(due, d);
	return move(r, "review", "appeal", arena_strdup(r->a, d));
}

static int publish_post(struct req *r)
{
	struct assess_round rd;
	int st = for_change(r, &rd);
	if (st)
		return req_fail(r, st, M_NONE);
	if (strcmp(rd.state, "appeal"))
		return refuse(r, rd.id, 409, M_assess_round_bad_state);
	if (db_one_int64(req_db(r), 0, "SELECT COUNT(*) FROM assess_appeals WHERE round_id = ? AND state = 'submitted'",
			 "i", rd.id) > 0)
		return refuse(r, rd.id, 409, M_assess_round_open_appeals);
	return move(r, "appeal", "published", NULL);
}

/* ---- the workbook ---- */

struct book {
	struct req *r;
	const struct assess_round *rd;
};

static int book_write(void *ctx, const char *path)
{
	struct book *bk = ctx;
	struct req *r = bk->r;
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = "/tmp"};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return -1;
	lxw_worksheet *ws = workbook_add_worksheet(wb, T(r, M_assess_round_results));
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xEAF0F8);
	worksheet_write_string(ws, 0, 0, bk->rd->name, head);
	static const enum msg_id h[] = {M_assess_round_unit_kind, M_assess_round_rank, M_assess_unit,
					M_assess_round_own_total, M_assess_round_total,	 M_assess_round_max,
					M_assess_round_grade,	  M_assess_round_veto};
	for (int i = 0; i < 8; i++) {
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, i == 2 ? 30 : 12, NULL);
		worksheet_write_string(ws, 2, (lxw_col_t)i, T(r, h[i]), head);
	}
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT ru.unit_kind, ru.rank_in_kind, u.name, ru.own_total, ru.total, ru.max_total, "
				     "ru.grade, ru.vetoed FROM assess_round_units ru JOIN units u ON u.id = ru.unit_id WHERE "
				     "ru.round_id = ? ORDER BY ru.unit_kind, ru.rank_in_kind, ru.unit_id",
				     "i", bk->rd->id);
	lxw_row_t row = 3;
	while (q && db_step(q) == DB_ROW) {
		worksheet_write_string(ws, row, 0, T(r, kind_label(db_column_text(q, 0))), NULL);
		if (!db_column_isnull(q, 1))
			worksheet_write_number(ws, row, 1, (double)db_column_int64(q, 1), NULL);
		worksheet_write_string(ws, row, 2, db_column_text(q, 2), NULL);
		if (!db_column_isnull(q, 3))
			worksheet_write_number(ws, row, 3, db_column_double(q, 3), NULL);
		if (!db_column_isnull(q, 4))
			worksheet_write_number(ws, row, 4, db_column_double(q, 4), NULL);
		worksheet_write_number(ws, row, 5, db_column_double(q, 5), NULL);
		if (!db_column_isnull(q, 6))
			worksheet_write_string(ws, row, 6, T(r, assess_grade_label(db_column_text(q, 6))), NULL);
		if (db_column_int64(q, 7))
			worksheet_write_string(ws, row, 7, T(r, M_assess_round_veto), NULL);
		row++;
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

static int results_xlsx(struct req *r)
{
	struct assess_round rd;
	if (assess_round_load(r, req_param_int(r, "id"), &rd))
		return req_fail(r, 404, M_NONE);
	if (!assess_is_office(r))
		return req_fail(r, 403, M_NONE);
	struct book bk = {r, &rd};
	if (export_workbook(r, book_write, &bk))
		return 0;
	if (audit_log_read(r, "export", "assess_rounds", rd.id, NULL))
		return req_fail(r, 500, M_NONE);
	r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	export_attachment(r, arena_printf(r->a, "assessment-round-%lld.xlsx", (long long)rd.id),
			  arena_printf(r->a, "%s-%s.xlsx", T(r, M_assess_round_results), rd.name));
	return 0;
}

const struct route assess_round_routes[] = {
	{"GET", "/assessment/rounds", list_page, P_SIGNED_IN, 0, "assessment rounds"},
	{"POST", "/assessment/rounds", create_post, P_SIGNED_IN, 1, "assessment rounds"},
	{"GET", "/assessment/rounds/{id:int}", round_page, P_SIGNED_IN, 0, "assessment round"},
	{"POST", "/assessment/rounds/{id:int}/compute", compute_post, P_SIGNED_IN, 1, "assessment round"},
	{"POST", "/assessment/rounds/{id:int}/review", review_post, P_SIGNED_IN, 1, "assessment round"},
	{"POST", "/assessment/rounds/{id:int}/announce", announce_post, P_SIGNED_IN, 1, "assessment round"},
	{"POST", "/assessment/rounds/{id:int}/publish", publish_post, P_SIGNED_IN, 1, "assessment round"},
	{"GET", "/assessment/rounds/{id:int}/results.xlsx", results_xlsx, P_SIGNED_IN, 0, "assessment round"},
	{NULL, NULL, NULL, 0, 0, NULL},
};

/* ---- wenming assess-compute ROUND ---- */

struct cli_progress {
	const char *last;
	int pct;
};

static void cli_progress(void *ctx, const char *phase, long done, long total)
{
	struct cli_progress *p = ctx;
	int pct = total > 0 ? (int)(100 * done / total) : 100;
	if (p->last && !strcmp(p->last, phase) && pct == p->pct)
		return;
	p->last = phase;
	p->pct = pct;
	fprintf(stderr, "\r%-8s %3d%% (%ld/%ld)%s", phase, pct, done, total, done >= total ? "\n" : "");
	fflush(stderr);
}

int cmd_assess_compute(struct config *cfg, int argc, char **argv)
{
	unsigned long long id;
	if (argc != 2 || cli_parse_u64(argv[1], &id))
		return cli_usage_error("assess-compute", "give the round's id");
	struct db *db = cli_open_db(cfg);
	if (!db)
		return 2;
	struct arena a;
	arena_init(&a);
	struct req r;
	req_init_cli(&r, &a, db, LANG_HANT);
	struct cli_progress p = {0};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = assess_round_compute(&r, (int64_t)id, cli_progress, &p);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc)
		fprintf(stderr, "wenming assess-compute: %s\n",
			rc == ASSESS_E_NOT_FOUND ? "there is no such round" : db_errmsg(db));
	else
		printf("computed round %llu: %lld units, %lld scores in %.1f s\n", id,
		       (long long)db_one_int64(db, 0, "SELECT COUNT(*) FROM assess_round_units WHERE round_id = ?", "i",
					       (int64_t)id),
		       (long long)db_one_int64(db, 0, "SELECT COUNT(*) FROM assess_round_scores WHERE round_id = ?", "i",
					       (int64_t)id),
		       secs);
	arena_free(&a);
	db_close(db);
	return rc ? 1 : 0;
}
