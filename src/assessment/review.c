/* review.c — the office's review of a round (審核評分): while the round is
 * under review, the office scores each unit's manually scored leaves with
 * a comment, the unit's self-assessment, links and evidence beside each
 * leaf. A score goes through assess_score_set (source "manual"), which
 * recomputes the unit's total, the rollup, grades and ranks, in one
 * transaction with its audit entry. Automatic leaves are scoring.c's. */
#include "../db/db.h"
#include "../http/audit.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "assessment.h"
#include "roundwork.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Units with their manual leaves scored and to score. */
static int overview_render(struct req *r, const struct assess_round *rd)
{
	struct crumb c[] = {{arena_printf(r->a, "/assessment/rounds/%lld", (long long)rd->id), rd->name},
			    {NULL, T(r, M_rw_review)}};
	page_begin(r, T(r, M_rw_review), c, 2);
	page_heading(r, T(r, M_rw_review), NULL);
	html(r, "<p class=\"hint\">%T</p>", M_rw_review_hint);
	if (strcmp(rd->state, "review"))
		html(r, "<div class=\"flash flash-warn\" role=\"status\">%T</div>", M_rw_not_review);
	int page = req_page(r) > 0 ? req_page(r) : 1;
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		"SELECT ru.unit_id, u.name, (SELECT COUNT(*) FROM assess_round_scores s JOIN assess_indicators i ON i.id = "
		"s.indicator_id WHERE s.round_id = ru.round_id AND s.unit_id = ru.unit_id AND i.method = 'manual' AND "
		"s.points IS NOT NULL), (SELECT COUNT(*) FROM assess_round_scores s JOIN assess_indicators i ON i.id = "
		"s.indicator_id WHERE s.round_id = ru.round_id AND s.unit_id = ru.unit_id AND i.method = 'manual'), "
		"su.submitted_at FROM assess_round_units ru JOIN units u ON u.id = ru.unit_id LEFT JOIN assess_self_units "
		"su ON su.round_id = ru.round_id AND su.unit_id = ru.unit_id WHERE ru.round_id = ? ORDER BY u.path, u.id "
		"LIMIT ? OFFSET ?",
		"iII", rd->id, RW_PER_PAGE, (page - 1) * RW_PER_PAGE);
	static const struct list_col cols[] = {
		{M_rw_unit, NULL, 0}, {M_rw_scored_count, NULL, 1}, {M_rw_self, NULL, 0}};
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++) {
			html(r, "<section class=\"card\" id=\"review-units\">");
			list_begin(r, cols, 3, -1, 0);
		}
		int64_t unit = db_column_int64(q, 0), done = db_column_int64(q, 2), all = db_column_int64(q, 3);
		html(r,
		     "<tr data-unit=\"%D\"><td class=\"card-title\" data-label=\"%T\"><a "
		     "href=\"/assessment/rounds/%D/review?unit=%D\">%s</a></td><td class=\"num\" data-label=\"%T\">%D / "
		     "%D</td><td data-label=\"%T\"><span class=\"badge%H\">%T</span></td></tr>",
		     unit, M_rw_unit, rd->id, unit, db_column_text(q, 1), M_rw_scored_count, done, all, M_rw_self,
		     db_column_int64(q, 4) ? MARKUP(" badge-ok") : NULL,
		     db_column_int64(q, 4) ? M_rw_submitted : M_rw_not_submitted);
	}
	if (n) {
		list_end(r);
		list_pager(r, db_one_int64(req_db(r), 0, "SELECT COUNT(*) FROM assess_round_units WHERE round_id = ?", "i",
					   rd->id),
			   page, RW_PER_PAGE);
		html(r, "</section>");
	} else {
		empty_state(r, M_rw_no_units, M_NONE, NULL, M_NONE);
	}
	page_end(r);
	return 0;
}

struct review_form {
	int64_t leaf;
	const char *points, *comment;
	enum msg_id err;
};

static int unit_render(struct req *r, const struct assess_round *rd, int64_t unit, const struct review_form *f)
{
	const char *uname, *kind;
	if (rw_round_unit(r, rd->id, unit, &uname, &kind))
		return req_fail(r, 404, M_rw_not_in_round);
	struct rw_leaf *v;
	int n = rw_leaves_load(r, rd, unit, kind, 1, &v);
	if (n < 0)
		return req_fail(r, 503, M_err_db_down);
	int editable = !strcmp(rd->state, "review");
	const char *title = arena_printf(r->a, "%s · %s", T(r, M_rw_review), uname);
	struct crumb c[] = {{arena_printf(r->a, "/assessment/rounds/%lld", (long long)rd->id), rd->name},
			    {arena_printf(r->a, "/assessment/rounds/%lld/review", (long long)rd->id), T(r, M_rw_review)},
			    {NULL, uname}};
	page_begin(r, title, c, 3);
	page_heading(r, title, NULL);
	if (f && f->err != M_NONE && !f->leaf)
		html(r, "<div class=\"flash flash-error\" role=\"alert\" id=\"review-error\">%T</div>", f->err);
	if (!editable)
		html(r, "<div class=\"flash flash-warn\" role=\"status\">%T</div>", M_rw_not_review);
	int64_t at = rw_submitted_at(r, rd->id, unit);
	html(r, "<section class=\"card\"><dl class=\"props\"><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%H</dd></dl></section>",
	     M_rw_round, rd->name, M_rw_self,
	     at ? html_fmt(r, "<span class=\"badge badge-ok\">%T</span> %s", M_rw_submitted, rw_time(r, at))
		: html_fmt(r, "<span class=\"badge\">%T</span>", M_rw_not_submitted));
	if (!n)
		empty_state(r, M_rw_manual_leaves, M_NONE, NULL, M_NONE);
	for (int i = 0; i < n; i++) {
		const struct rw_leaf *l = &v[i];
		int mine = f && f->leaf == l->id;
		html(r,
		     "<section class=\"card rw-leaf\" id=\"leaf-%D\" data-indicator=\"%D\"><h2>%s%s%s <span "
		     "class=\"assess-points\">%s %T</span></h2>",
		     l->id, l->id, l->parent_name, *l->parent_name ? " · " : "", l->name, assess_num(r, l->max),
		     M_assess_points);
		if (*l->standard)
			html(r, "<p class=\"hint\"><strong>%T</strong> %s</p>", M_rw_standard, l->standard);
		html(r, "<div class=\"rw-self\"><h3>%T</h3>", M_rw_self);
		if (*l->text)
			html(r, "<p class=\"rw-text\">%s</p>", l->text);
		else
			html(r, "<p class=\"hint\">%T</p>", M_rw_no_self);
		rw_links_render(r, l->links);
		rw_files_render(r, rd->id, unit, l->self_id, 0);
		html(r, "</div>");
		if (mine && f->err != M_NONE)
			html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", f->err);
		const char *pts = mine ? f->points : l->scored ? assess_num(r, l->points) : "";
		const char *cm = mine ? f->comment : l->comment;
		if (!editable || !l->has_score) {
			html(r, "<p class=\"rw-score\"><strong>%T</strong> %s%H</p>", M_rw_points,
			     l->scored ? assess_num(r, l->points) : T(r, M_rw_not_scored),
			     *l->comment ? html_fmt(r, " — %s", l->comment) : NULL);
			if (editable)
				html(r, "<p class=\"hint\">%T</p>", M_rw_not_computed);
			html(r, "</section>");
			continue;
		}
		html(r,
		     "<form method=\"post\" action=\"/assessment/rounds/%D/review/score\" class=\"rw-score-form\">%H<input "
		     "type=\"hidden\" name=\"unit\" value=\"%D\"><input type=\"hidden\" name=\"indicator\" value=\"%D\">"
		     "<div class=\"field%H\"><label for=\"p-%D\">%T (0–%s)</label><input type=\"text\" inputmode=\"decimal\" "
		     "id=\"p-%D\" name=\"points\" value=\"%a\" required></div>"
		     "<div class=\"field\"><label for=\"c-%D\">%T</label><textarea id=\"c-%D\" name=\"comment\" rows=\"2\" "
		     "maxlength=\"500\">%s</textarea></div>"
		     "<div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button></div></form></section>",
		     rd->id, csrf_input(r), unit, l->id, mine && f->err == M_rw_bad_points ? MARKUP(" has-error") : NULL,
		     l->id, M_rw_points, assess_num(r, l->max), l->id, pts, l->id, M_rw_comment, l->id, cm, M_rw_score_save);
	}
	page_end(r);
	return 0;
}

static int review_page(struct req *r)
{
	struct assess_round rd;
	if (rw_round_of_route(r, &rd))
		return 0;
	if (!assess_is_office(r))
		return req_fail(r, 403, M_NONE);
	const char *u = req_query(r, "unit");
	if (!u || !*u)
		return overview_render(r, &rd);
	return unit_render(r, &rd, strtoll(u, NULL, 10), NULL);
}

static int review_post(struct req *r)
{
	struct assess_round rd;
	if (rw_round_of_route(r, &rd))
		return 0;
	if (!assess_is_office(r))
		return req_fail(r, 403, M_NONE);
	int64_t unit = rw_unit_of_form(r);
	const char *uname, *kind;
	if (rw_round_unit(r, rd.id, unit, &uname, &kind))
		return req_fail(r, 404, M_rw_not_in_round);
	const char *ls = req_form(r, "indicator");
	struct review_form f = {.leaf = ls ? strtoll(ls, NULL, 10) : 0, .err = M_NONE};
	f.points = req_form(r, "points");
	f.comment = req_form(r, "comment");
	f.points = f.points ? f.points : "";
	f.comment = f.comment ? f.comment : "";
	if (strcmp(rd.state, "review")) {
		f.leaf = 0;
		f.err = M_rw_not_review;
		r->status = 409;
		return unit_render(r, &rd, unit, &f);
	}
	struct rw_leaf *v;
	int n = rw_leaves_load(r, &rd, unit, kind, 1, &v), k = -1;
	for (int i = 0; i < n; i++)
		if (v[i].id == f.leaf && v[i].has_score)
			k = i;
	if (k < 0) {
		f.leaf = 0;
		f.err = M_rw_no_leaf;
		r->status = 422;
		return unit_render(r, &rd, unit, &f);
	}
	char *end;
	double pts = strtod(f.points, &end);
	long cc = rw_chars(f.comment);
	f.err = !*f.points || *end || !isfinite(pts) || pts < 0 || pts > v[k].max + 1e-9 ? M_rw_bad_points
		: cc < 0 || cc > RW_TEXT_MAX					       ? M_rw_bad_comment
										       : M_NONE;
	if (f.err != M_NONE) {
		r->status = 422;
		return unit_render(r, &rd, unit, &f);
	}
	struct db *db = req_db(r);
	struct db_stmt *tq = db_query(db, r->a,
				      "SELECT COALESCE(total, 0) FROM assess_round_units WHERE round_id = ? AND unit_id = ?",
				      "ii", rd.id, unit);
	double total_before = tq && db_step(tq) == DB_ROW ? db_column_double(tq, 0) : 0;
	int rc = db_begin(db);
	if (!rc)
		rc = assess_score_set(r, rd.id, unit, f.leaf, pts, "manual", f.comment);
	if (!rc) {
		json_t *before = v[k].scored ? json_pack("{s:f, s:s}", "points", v[k].points, "comment", v[k].comment)
					     : json_pack("{s:n}", "points");
		json_t *after = json_pack("{s:I, s:I, s:f, s:s, s:f}", "unit_id", (json_int_t)unit, "indicator_id",
					  (json_int_t)f.leaf, "points", pts, "comment", f.comment, "total_before",
					  total_before);
		rc = audit_log(r, "assessment_score_manual", "assess_rounds", rd.id, before, after);
		json_decref(before);
		json_decref(after);
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_rw_scored_ok);
	return req_redirect(r, arena_printf(r->a, "/assessment/rounds/%lld/review?unit=%lld#leaf-%lld", (long long)rd.id,
					    (long long)unit, (long long)f.leaf));
}

const struct route assess_review_routes[] = {
	{"GET", "/assessment/rounds/{id:int}/review", review_page, P_SIGNED_IN, 0, "assessment review"},
	{"POST", "/assessment/rounds/{id:int}/review/score", review_post, P_SIGNED_IN, 1, "assessment review"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
