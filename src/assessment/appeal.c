/* appeal.c — appeals of a round's scores (申訴): once the round is
 * announced and until its appeal_due day, a unit's clerk appeals one
 * leaf's score with a reason (at most 500 characters; one open appeal per
 * unit and leaf); a late appeal is refused in words. The office decides:
 * upheld with new points (assess_score_set, source "appeal", which
 * recomputes the totals) or rejected with its reasons; the unit is told
 * through the inbox. Every filing and decision is audited in the
 * transaction that makes it. Publishing (rounds.c) waits for every
 * decision. */
#include "../db/db.h"
#include "../http/audit.h"
#include "../platform/inbox.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "assessment.h"
#include "roundwork.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static enum msg_id appeal_state_label(const char *s)
{
	return !strcmp(s, "upheld") ? M_rw_appeal_state_upheld
	       : !strcmp(s, "rejected") ? M_rw_appeal_state_rejected
					: M_rw_appeal_state_submitted;
}

/* An error shown on the page: on one leaf's form, one appeal's, or the top. */
struct appeal_err {
	int64_t leaf, appeal;
	enum msg_id msg;
	const char *detail;           /* a date after the message, or NULL */
	const char *reason, *points;  /* what was typed */
};

/* Why a unit cannot appeal now, or M_NONE (*due: the date to name). */
static enum msg_id appeal_closed(struct req *r, const struct assess_round *rd, const char **due)
{
	*due = NULL;
	if (strcmp(rd->state, "appeal"))
		return M_rw_appeal_not_now;
	if (rd->appeal_due && *rd->appeal_due && strcmp(rw_today(r), rd->appeal_due) > 0) {
		*due = rd->appeal_due;
		return M_rw_appeal_late;
	}
	return M_NONE;
}

/* The appeals of the round (unit 0: every unit's) as cards; the office
 * gets a decision form on each undecided one while the round takes them. */
static int appeals_render(struct req *r, const struct assess_round *rd, int64_t unit, const struct appeal_err *e)
{
	int office = assess_is_office(r), deciding = office && !strcmp(rd->state, "appeal");
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		"SELECT a.id, a.unit_id, u.name, a.indicator_id, i.name, a.reason, a.state, a.points_before, "
		"a.points_after, a.decision, a.filed_at, a.decided_at, COALESCE(s.max_points, 0) FROM assess_appeals a "
		"JOIN units u ON u.id = a.unit_id JOIN assess_indicators i ON i.id = a.indicator_id LEFT JOIN "
		"assess_round_scores s ON s.round_id = a.round_id AND s.unit_id = a.unit_id AND s.indicator_id = "
		"a.indicator_id WHERE a.round_id = ? AND (? = 0 OR a.unit_id = ?) ORDER BY CASE a.state WHEN "
		"'submitted' THEN 0 ELSE 1 END, a.filed_at, a.id",
		"iii", rd->id, unit, unit);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		int64_t id = db_column_int64(q, 0), u = db_column_int64(q, 1);
		const char *state = db_column_text(q, 6);
		int open = !strcmp(state, "submitted");
		html(r,
		     "<section class=\"card rw-appeal\" id=\"appeal-%D\" data-appeal=\"%D\" data-state=\"%a\"><h2><a "
		     "href=\"/assessment/rounds/%D/appeals?unit=%D\">%s</a> · %s "
		     "<span class=\"badge%H\">%T</span></h2><dl class=\"props\"><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%s</dd>"
		     "<dt>%T</dt><dd>%s</dd>",
		     id, id, state, rd->id, u, db_column_text(q, 2), db_column_text(q, 4),
		     !strcmp(state, "upheld") ? MARKUP(" badge-ok") : open ? MARKUP(" badge-warn") : NULL,
		     appeal_state_label(state), M_rw_appeal_reason, db_column_text(q, 5), M_rw_appeal_filed_at,
		     rw_time(r, db_column_int64(q, 10)), M_rw_points_before, assess_num(r, db_column_double(q, 7)));
		if (!open)
			html(r, "<dt>%T</dt><dd class=\"rw-after\">%s</dd><dt>%T</dt><dd>%s</dd>", M_rw_points_after,
			     assess_num(r, db_column_double(q, 8)), M_rw_decision_reason, db_column_text(q, 9));
		html(r, "</dl>");
		if (open && deciding) {
			int mine = e && e->appeal == id;
			if (mine)
				html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", e->msg);
			html(r,
			     "<form method=\"post\" action=\"/assessment/rounds/%D/appeals/%D/decide\" class=\"rw-decide\">%H"
			     "<div class=\"field\"><label for=\"ap-%D\">%T (0–%s)</label><input type=\"text\" "
			     "inputmode=\"decimal\" id=\"ap-%D\" name=\"points\" value=\"%a\"></div><div class=\"field\"><label "
			     "for=\"ar-%D\">%T</label><textarea id=\"ar-%D\" name=\"reason\" rows=\"2\" maxlength=\"500\" "
			     "required>%s</textarea></div><div class=\"form-actions\"><button class=\"btn btn-primary\" "
			     "name=\"decision\" value=\"upheld\">%T</button> <button class=\"btn\" name=\"decision\" "
			     "value=\"rejected\">%T</button></div></form>",
			     rd->id, id, csrf_input(r), id, M_rw_points_after, assess_num(r, db_column_double(q, 12)), id,
			     mine && e->points ? e->points : assess_num(r, db_column_double(q, 7)), id, M_rw_decision_reason,
			     id, mine && e->reason ? e->reason : "", M_rw_uphold, M_rw_reject);
		}
		html(r, "</section>");
		n++;
	}
	if (!n)
		html(r, "<p class=\"hint\" id=\"no-appeals\">%T</p>", M_rw_appeal_none);
	return n;
}

/* One unit's page: its scored leaves, each with an appeal form while the
 * round takes appeals, then its appeals. */
static int unit_render(struct req *r, const struct assess_round *rd, int64_t unit, const struct appeal_err *e)
{
	const char *uname, *kind;
	if (rw_round_unit(r, rd->id, unit, &uname, &kind))
		return req_fail(r, 404, M_rw_not_in_round);
	int office = assess_is_office(r), clerk = rw_is_clerk(r, unit);
	if (!office && (!clerk || !assess_round_may_see(r, rd, unit)))
		return req_fail(r, 403, M_NONE);
	struct rw_leaf *v;
	int n = rw_leaves_load(r, rd, unit, kind, 0, &v);
	if (n < 0)
		return req_fail(r, 503, M_err_db_down);
	const char *due;
	enum msg_id closed = appeal_closed(r, rd, &due);
	const char *title = arena_printf(r->a, "%s · %s", T(r, M_rw_appeals), uname);
	struct crumb c[] = {{arena_printf(r->a, "/assessment/rounds/%lld", (long long)rd->id), rd->name},
			    {arena_printf(r->a, "/assessment/rounds/%lld/appeals", (long long)rd->id), T(r, M_rw_appeals)},
			    {NULL, uname}};
	page_begin(r, title, c, 3);
	page_heading(r, title,
		     html_fmt(r, "<a class=\"btn\" href=\"/assessment/rounds/%D/units/%D/pack.zip\">%T</a>", rd->id, unit,
			      M_rw_pack_download));
	if (e && e->msg != M_NONE && !e->leaf && !e->appeal)
		html(r, "<div class=\"flash flash-error\" role=\"alert\" id=\"appeal-error\">%T%s</div>", e->msg,
		     e->detail ? e->detail : "");
	html(r, "<section class=\"card\"><dl class=\"props\"><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%s</dd></dl>%H</section>",
	     M_rw_round, rd->name, M_rw_appeal_due, rd->appeal_due && *rd->appeal_due ? rd->appeal_due : "—",
	     clerk && closed != M_NONE
		     ? html_fmt(r, "<p class=\"hint\" id=\"appeal-closed\">%T%s</p>", closed, due ? due : "")
		     : NULL);
	html(r, "<h2>%T</h2>", M_rw_appeals);
	appeals_render(r, rd, unit, e);
	html(r, "<h2>%T</h2><div id=\"unit-scores\">", M_rw_points);
	for (int i = 0; i < n; i++) {
		const struct rw_leaf *l = &v[i];
		if (!l->scored)
			continue;
		int open = db_one_int64(req_db(r), 0,
					"SELECT COUNT(*) FROM assess_appeals WHERE round_id = ? AND unit_id = ? AND "
					"indicator_id = ? AND state = 'submitted'",
					"iii", rd->id, unit, l->id) > 0;
		int mine = e && e->leaf == l->id;
		html(r,
		     "<section class=\"card rw-leaf\" id=\"leaf-%D\" data-indicator=\"%D\"><h3>%s%s%s <span "
		     "class=\"assess-points\">%s / %s %T</span></h3><p class=\"rw-explain\">%s%H</p>",
		     l->id, l->id, l->parent_name, *l->parent_name ? " · " : "", l->name, assess_num(r, l->points),
		     assess_num(r, l->max), M_assess_points, assess_explain(r, l->explanation, l->points, l->max),
		     *l->comment ? html_fmt(r, " — %s", l->comment) : NULL);
		if (mine)
			html(r, "<div class=\"flash flash-error\" role=\"alert\">%T%s</div>", e->msg, e->detail ? e->detail : "");
		if (clerk && closed == M_NONE && !open)
			html(r,
			     "<details class=\"rw-appeal-form\"%H><summary>%T</summary><form method=\"post\" "
			     "action=\"/assessment/rounds/%D/appeals\">%H<input type=\"hidden\" name=\"unit\" value=\"%D\"><input "
			     "type=\"hidden\" name=\"indicator\" value=\"%D\"><div class=\"field\"><label for=\"r-%D\">%T</label>"
			     "<textarea id=\"r-%D\" name=\"reason\" rows=\"3\" maxlength=\"500\" required>%s</textarea></div>"
			     "<button class=\"btn btn-primary\">%T</button></form></details>",
			     mine ? MARKUP(" open") : NULL, M_rw_appeal_file, rd->id, csrf_input(r), unit, l->id, l->id,
			     M_rw_appeal_reason, l->id, mine && e->reason ? e->reason : "", M_rw_appeal_file);
		html(r, "</section>");
	}
	html(r, "</div>");
	page_end(r);
	return 0;
}

static int list_page(struct req *r)
{
	struct assess_round rd;
	if (rw_round_of_route(r, &rd))
		return 0;
	const char *u = req_query(r, "unit");
	if (u && *u)
		return unit_render(r, &rd, strtoll(u, NULL, 10), NULL);
	int office = assess_is_office(r);
	if (!office) {
		/* a clerk: their units in the round */
		struct db_stmt *q = db_query(req_db(r), r->a,
					     "SELECT ru.unit_id, u.name FROM assess_round_units ru JOIN units u ON u.id = "
					     "ru.unit_id WHERE ru.round_id = ? ORDER BY u.path, u.id",
					     "i", rd.id);
		int n = 0, cap = 16;
		int64_t *ids = arena_alloc(r->a, (size_t)cap * sizeof *ids);
		const char **names = arena_alloc(r->a, (size_t)cap * sizeof *names);
		while (q && db_step(q) == DB_ROW) {
			int64_t unit = db_column_int64(q, 0);
			if (!rw_is_clerk(r, unit) || !assess_round_may_see(r, &rd, unit))
				continue;
			if (n == cap) {
				int64_t *i2 = arena_alloc(r->a, 2 * (size_t)cap * sizeof *i2);
				const char **n2 = arena_alloc(r->a, 2 * (size_t)cap * sizeof *n2);
				memcpy(i2, ids, (size_t)n * sizeof *i2);
				memcpy(n2, names, (size_t)n * sizeof *n2);
				ids = i2, names = n2, cap *= 2;
			}
			ids[n] = unit;
			names[n++] = arena_strdup(r->a, db_column_text(q, 1));
		}
		if (n == 1)
			return req_redirect(r, arena_printf(r->a, "/assessment/rounds/%lld/appeals?unit=%lld", (long long)rd.id,
							    (long long)ids[0]));
		if (!n)
			return req_fail(r, 403, M_NONE);
		struct crumb c[] = {{arena_printf(r->a, "/assessment/rounds/%lld", (long long)rd.id), rd.name},
				    {NULL, T(r, M_rw_appeals)}};
		page_begin(r, T(r, M_rw_appeals), c, 2);
		page_heading(r, T(r, M_rw_appeals), NULL);
		html(r, "<section class=\"card\"><h2>%T</h2><ul>", M_rw_open_units);
		for (int i = 0; i < n; i++)
			html(r, "<li><a href=\"/assessment/rounds/%D/appeals?unit=%D\">%s</a></li>", rd.id, ids[i], names[i]);
		html(r, "</ul></section>");
		page_end(r);
		return 0;
	}
	struct crumb c[] = {{arena_printf(r->a, "/assessment/rounds/%lld", (long long)rd.id), rd.name},
			    {NULL, T(r, M_rw_appeals)}};
	page_begin(r, T(r, M_rw_appeals), c, 2);
	page_heading(r, T(r, M_rw_appeals), NULL);
	html(r, "<section class=\"card\"><dl class=\"props\"><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%s</dd></dl></section>",
	     M_rw_round, rd.name, M_rw_appeal_due, rd.appeal_due && *rd.appeal_due ? rd.appeal_due : "—");
	appeals_render(r, &rd, 0, NULL);
	page_end(r);
	return 0;
}

static int file_post(struct req *r)
{
	struct assess_round rd;
	if (rw_round_of_route(r, &rd))
		return 0;
	int64_t unit = rw_unit_of_form(r);
	const char *uname, *kind;
	if (rw_round_unit(r, rd.id, unit, &uname, &kind))
		return req_fail(r, 404, M_rw_not_in_round);
	if (!rw_is_clerk(r, unit))
		return req_fail(r, 403, M_NONE);
	const char *ls = req_form(r, "indicator"), *reason = req_form(r, "reason");
	struct appeal_err e = {.leaf = ls ? strtoll(ls, NULL, 10) : 0, .reason = reason ? reason : ""};
	e.msg = appeal_closed(r, &rd, &e.detail);
	if (e.msg == M_rw_appeal_not_now && !assess_round_may_see(r, &rd, unit))
		return req_fail(r, 409, M_rw_appeal_not_now); /* scores not shown yet: no page of them */
	if (e.msg != M_NONE) {
		e.leaf = 0;
		r->status = 409;
		return unit_render(r, &rd, unit, &e);
	}
	if (!assess_round_may_see(r, &rd, unit))
		return req_fail(r, 403, M_NONE);
	struct rw_leaf *v;
	int n = rw_leaves_load(r, &rd, unit, kind, 0, &v), k = -1;
	for (int i = 0; i < n; i++)
		if (v[i].id == e.leaf && v[i].scored)
			k = i;
	if (k < 0) {
		e.leaf = 0;
		e.msg = M_rw_no_leaf;
		r->status = 422;
		return unit_render(r, &rd, unit, &e);
	}
	long cc = rw_chars(e.reason);
	const char *trimmed = e.reason + strspn(e.reason, " \t\r\n");
	if (cc < 1 || cc > RW_TEXT_MAX || !*trimmed) {
		e.msg = M_rw_appeal_bad_reason;
		r->status = 422;
		return unit_render(r, &rd, unit, &e);
	}
	struct db *db = req_db(r);
	int rc = db_begin(db);
	int64_t id = rc ? rc
			: db_insert(db,
				    "INSERT INTO assess_appeals (round_id, unit_id, indicator_id, reason, state, points_before, "
				    "filed_by, filed_at) VALUES (?, ?, ?, ?, 'submitted', ?, ?, ?) RETURNING id",
				    "iiisdii", rd.id, unit, e.leaf, e.reason, v[k].points, r->user->id, (int64_t)time(NULL));
	if (id == DB_E_UNIQUE) {
		db_rollback(db);
		e.msg = M_rw_appeal_open_exists;
		r->status = 409;
		return unit_render(r, &rd, unit, &e);
	}
	rc = id < 0 ? (int)id : 0;
	if (!rc) {
		json_t *what = json_pack("{s:I, s:I, s:I, s:s, s:f}", "round_id", (json_int_t)rd.id, "unit_id",
					 (json_int_t)unit, "indicator_id", (json_int_t)e.leaf, "reason", e.reason,
					 "points_before", v[k].points);
		rc = audit_log(r, "assessment_appeal_file", "assess_appeals", id, NULL, what);
		json_decref(what);
	}
	if (!rc) {
		int nn = notify_unit(r, unit, 1u << ROLE_OFFICE, "assessment.appeal_filed", M_rw_appeal_new_subject,
				     arena_printf(r->a, "%s · %s", uname, v[k].name),
				     arena_printf(r->a, "/assessment/rounds/%lld/appeals#appeal-%lld", (long long)rd.id,
						  (long long)id));
		rc = nn < 0 ? nn : 0;
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_rw_appeal_filed);
	return req_redirect(r, arena_printf(r->a, "/assessment/rounds/%lld/appeals?unit=%lld#appeal-%lld", (long long)rd.id,
					    (long long)unit, (long long)id));
}

static int office_render(struct req *r, const struct assess_round *rd, const struct appeal_err *e)
{
	struct crumb c[] = {{arena_printf(r->a, "/assessment/rounds/%lld", (long long)rd->id), rd->name},
			    {NULL, T(r, M_rw_appeals)}};
	page_begin(r, T(r, M_rw_appeals), c, 2);
	page_heading(r, T(r, M_rw_appeals), NULL);
	if (e && e->msg != M_NONE && !e->appeal)
		html(r, "<div class=\"flash flash-error\" role=\"alert\" id=\"appeal-error\">%T</div>", e->msg);
	appeals_render(r, rd, 0, e);
	page_end(r);
	return 0;
}

static int decide_post(struct req *r)
{
	struct assess_round rd;
	if (rw_round_of_route(r, &rd))
		return 0;
	if (!assess_is_office(r))
		return req_fail(r, 403, M_NONE);
	struct db *db = req_db(r);
	int64_t id = req_param_int(r, "appeal");
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT a.unit_id, a.indicator_id, a.state, a.points_before, COALESCE(s.max_points, "
				     "0), i.name, u.name, a.reason FROM assess_appeals a JOIN assess_indicators i ON i.id = "
				     "a.indicator_id JOIN units u ON u.id = a.unit_id LEFT JOIN assess_round_scores s ON "
				     "s.round_id = a.round_id AND s.unit_id = a.unit_id AND s.indicator_id = a.indicator_id "
				     "WHERE a.id = ? AND a.round_id = ?",
				     "ii", id, rd.id);
	if (!q || db_step(q) != DB_ROW)
		return req_fail(r, 404, M_NONE);
	int64_t unit = db_column_int64(q, 0), leaf = db_column_int64(q, 1);
	const char *state = arena_strdup(r->a, db_column_text(q, 2));
	double before = db_column_double(q, 3), max = db_column_double(q, 4);
	const char *leaf_name = arena_strdup(r->a, db_column_text(q, 5)), *uname = arena_strdup(r->a, db_column_text(q, 6));
	const char *dec = req_form(r, "decision"), *reason = req_form(r, "reason"), *ps = req_form(r, "points");
	struct appeal_err e = {.appeal = id, .reason = reason ? reason : "", .points = ps ? ps : ""};
	if (strcmp(state, "submitted")) {
		e.msg = M_rw_appeal_decided_already;
		e.appeal = 0;
		r->status = 409;
		return office_render(r, &rd, &e);
	}
	if (strcmp(rd.state, "appeal")) {
		e.msg = M_rw_appeal_not_now;
		e.appeal = 0;
		r->status = 409;
		return office_render(r, &rd, &e);
	}
	int upheld = dec && !strcmp(dec, "upheld");
	long cc = rw_chars(e.reason);
	double pts = before;
	if (!dec || (!upheld && strcmp(dec, "rejected"))) {
		e.msg = M_rw_decision_bad_reason;
	} else if (cc < 1 || cc > RW_TEXT_MAX || !e.reason[strspn(e.reason, " \t\r\n")]) {
		e.msg = M_rw_decision_bad_reason;
	} else if (upheld) {
		char *end;
		pts = strtod(e.points, &end);
		if (!*e.points || *end || !isfinite(pts) || pts < 0 || pts > max + 1e-9)
			e.msg = M_rw_bad_points;
	}
	if (e.msg != M_NONE) {
		r->status = 422;
		return office_render(r, &rd, &e);
	}
	int rc = db_begin(db);
	if (!rc && upheld)
		rc = assess_score_set(r, rd.id, unit, leaf, pts, "appeal", e.reason);
	if (!rc)
		rc = db_run(db,
			    "UPDATE assess_appeals SET state = ?, points_after = ?, decision = ?, decided_by = ?, decided_at = "
			    "? WHERE id = ? AND state = 'submitted'",
			    "sdsiii", upheld ? "upheld" : "rejected", pts, e.reason, r->user->id, (int64_t)time(NULL), id);
	if (!rc) {
		json_t *b = json_pack("{s:s, s:f}", "state", "submitted", "points", before);
		json_t *a = json_pack("{s:s, s:f, s:s}", "state", upheld ? "upheld" : "rejected", "points", pts, "decision",
				      e.reason);
		rc = audit_log(r, "assessment_appeal_decide", "assess_appeals", id, b, a);
		json_decref(b);
		json_decref(a);
	}
	if (!rc) {
		int nn = notify_unit(r, unit, (1u << ROLE_UNIT_ADMIN) | (1u << ROLE_LEADER), "assessment.appeal_decided",
				     M_rw_appeal_decided_subject,
				     arena_printf(r->a, "%s · %s: %s (%s → %s) %s", uname, leaf_name,
						  T(r, upheld ? M_rw_appeal_state_upheld : M_rw_appeal_state_rejected),
						  assess_num(r, before), assess_num(r, pts), e.reason),
				     arena_printf(r->a, "/assessment/rounds/%lld/appeals?unit=%lld#appeal-%lld",
						  (long long)rd.id, (long long)unit, (long long)id));
		rc = nn < 0 ? nn : 0;
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_rw_decided_ok);
	return req_redirect(r, arena_printf(r->a, "/assessment/rounds/%lld/appeals#appeal-%lld", (long long)rd.id,
					    (long long)id));
}

const struct route assess_appeal_routes[] = {
	{"GET", "/assessment/rounds/{id:int}/appeals", list_page, P_SIGNED_IN, 0, "assessment appeals"},
	{"POST", "/assessment/rounds/{id:int}/appeals", file_post, P_SIGNED_IN, 1, "assessment appeals"},
	{"POST", "/assessment/rounds/{id:int}/appeals/{appeal:int}/decide", decide_post, P_SIGNED_IN, 1,
	 "assessment appeals"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
