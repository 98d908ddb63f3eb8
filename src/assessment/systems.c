/* systems.c — the indicator systems: the list by year, one system's tree
 * with its totals per level, and the changes of state: create a draft,
 * add indicators, put a draft in use, revise an in-use system (a new draft
 * version copied from it; the one in use stays until the new one is put
 * in use) and copy a system to the next year. Only the office changes
 * anything (assess_is_office); everyone else reads the systems in use.
 * The leaf editor and its preview are in indicators.c. */
#include "../db/db.h"
#include "../http/audit.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "assessment.h"
#include "tree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int assess_is_office(struct req *r)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		if ((r->user->grants[i].role == ROLE_ADMIN || r->user->grants[i].role == ROLE_OFFICE) &&
		    r->user->grants[i].unit_id == 0)
			return 1;
	return 0;
}

const char *assess_num(struct req *r, double v)
{
	if (v == 0)
		return "0";
	/* whole numbers without decimals, others with at most two */
	const char *s = arena_printf(r->a, "%.2f", v);
	size_t n = strlen(s);
	if (n > 3 && !strcmp(s + n - 3, ".00"))
		return arena_printf(r->a, "%.*s", (int)(n - 3), s);
	if (n > 1 && s[n - 1] == '0')
		return arena_printf(r->a, "%.*s", (int)(n - 1), s);
	return s;
}

const char *assess_system_title(struct req *r, int year, const char *name)
{
	const char *y = arena_printf(r->a, "%d", year);
	return strstr(name, y) ? name : arena_printf(r->a, "%s · %s", y, name);
}

static enum msg_id state_label(const char *s)
{
	return !strcmp(s, "draft") ? M_assess_state_draft : !strcmp(s, "in_use") ? M_assess_state_in_use
										  : M_assess_state_superseded;
}

int assess_system_load(struct req *r, int64_t id, struct assess_system *s)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, year, version, name, state, total_points, sub_share FROM assess_systems WHERE "
				     "id = ?",
				     "i", id);
	if (!q || db_step(q) != DB_ROW)
		return -1;
	s->id = db_column_int64(q, 0);
	s->year = (int)db_column_int64(q, 1);
	s->version = (int)db_column_int64(q, 2);
	s->name = arena_strdup(r->a, db_column_text(q, 3));
	s->state = arena_strdup(r->a, db_column_text(q, 4));
	s->total = db_column_double(q, 5);
	s->sub_share = db_column_double(q, 6);
	return 0;
}

int assess_system_visible(struct req *r, const struct assess_system *s)
{
	return assess_is_office(r) || !strcmp(s->state, "in_use");
}

int assess_tree_load(struct req *r, int64_t system_id, struct assess_tree *t)
{
	memset(t, 0, sizeof *t);
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, COALESCE(parent_id, 0), level, position, name, max_points, method, "
				     "formula, metric, per_event, evidence FROM assess_indicators WHERE system_id = ? "
				     "ORDER BY level, position, id",
				     "i", system_id);
	if (!q)
		return -1;
	int cap = 0;
	while (db_step(q) == DB_ROW) {
		if (t->n == cap) {
			cap = cap ? 2 * cap : 64;
			struct assess_node *v = arena_alloc(r->a, (size_t)cap * sizeof *v);
			if (t->n)
				memcpy(v, t->v, (size_t)t->n * sizeof *v);
			t->v = v;
		}
		struct assess_node *n = &t->v[t->n++];
		memset(n, 0, sizeof *n);
		n->id = db_column_int64(q, 0);
		n->parent = db_column_int64(q, 1);
		n->level = (int)db_column_int64(q, 2);
		n->position = (int)db_column_int64(q, 3);
		n->name = arena_strdup(r->a, db_column_text(q, 4));
		n->max_points = db_column_double(q, 5);
		n->method = arena_strdup(r->a, db_column_text(q, 6));
		n->formula = arena_strdup(r->a, db_column_text(q, 7));
		n->metric = arena_strdup(r->a, db_column_text(q, 8));
		n->per_event = db_column_double(q, 9);
		n->evidence = arena_strdup(r->a, db_column_text(q, 10));
	}
	/* children first marks the leaves; sums go bottom-up (level 3 first) */
	for (int i = 0; i < t->n; i++)
		t->v[i].leaf = 1;
	for (int i = 0; i < t->n; i++)
		for (int j = 0; j < t->n; j++)
			if (t->v[j].id == t->v[i].parent)
				t->v[j].leaf = 0;
	for (int i = 0; i < t->n; i++)
		if (t->v[i].leaf)
			t->v[i].sum = t->v[i].max_points;
	for (int lvl = 3; lvl >= 2; lvl--)
		for (int i = 0; i < t->n; i++)
			if (t->v[i].level == lvl)
				for (int j = 0; j < t->n; j++)
					if (t->v[j].id == t->v[i].parent)
						t->v[j].sum += t->v[i].sum;
	for (int i = 0; i < t->n; i++)
		if (t->v[i].level == 1)
			t->total += t->v[i].sum;
	return 0;
}

/* ---- the list ---- */

static void new_system_form(struct req *r, const char *year, const char *name, const char *total, enum msg_id err)
{
	html(r, "<section class=\"card\" id=\"new-system\"><h2>%T</h2>", M_assess_new_system);
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", err);
	html(r, "<form method=\"post\" action=\"/assessment/systems\" class=\"filters\">%H", csrf_input(r));
	field_input(r, "number", "year", M_assess_year, year, M_NONE, 1, M_NONE);
	field_input(r, "text", "name", M_assess_name, name, M_NONE, 1, M_NONE);
	field_input(r, "number", "total_points", M_assess_total_declared, total, M_NONE, 1,
		    M_assess_total_declared_hint);
	html(r, "<div class=\"filter-actions\"><button class=\"btn btn-primary\">%T</button></div></form></section>",
	     M_assess_create);
}

static int list_render(struct req *r, const char *year, const char *name, const char *total, enum msg_id err)
{
	int office = assess_is_office(r);
	struct crumb c[] = {{NULL, T(r, M_assess_systems)}};
	page_begin(r, T(r, M_assess_systems), c, 1);
	page_heading(r, T(r, M_assess_systems),
		     record_type_may(r, &people_type, ACC_READ)
			     ? html_fmt(r, "<a class=\"btn\" href=\"/assessment/metrics\">%T</a>", M_assess_metrics)
			     : NULL);
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		office ? "SELECT s.id, s.year, s.version, s.name, s.state, s.total_points, (SELECT COALESCE(SUM("
			 "i.max_points), 0) FROM assess_indicators i WHERE i.system_id = s.id AND NOT EXISTS (SELECT 1 "
			 "FROM assess_indicators c WHERE c.parent_id = i.id)) FROM assess_systems s ORDER BY s.year "
			 "DESC, s.version DESC"
		       : "SELECT s.id, s.year, s.version, s.name, s.state, s.total_points, (SELECT COALESCE(SUM("
			 "i.max_points), 0) FROM assess_indicators i WHERE i.system_id = s.id AND NOT EXISTS (SELECT 1 "
			 "FROM assess_indicators c WHERE c.parent_id = i.id)) FROM assess_systems s WHERE s.state = "
			 "'in_use' ORDER BY s.year DESC",
		NULL);
	static const struct list_col cols[] = {{M_assess_year, NULL, 1},    {M_assess_name, NULL, 0},
					       {M_assess_version, NULL, 1}, {M_assess_state, NULL, 0},
					       {M_assess_leaf_total, NULL, 1}};
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++) {
			html(r, "<section class=\"card\">");
			list_begin(r, cols, 5, -1, 0);
		}
		double declared = db_column_double(q, 5), sum = db_column_double(q, 6);
		const char *state = db_column_text(q, 4);
		html(r,
		     "<tr><td class=\"num\" data-label=\"%T\">%D</td><td class=\"card-title\" data-label=\"%T\"><a "
		     "href=\"/assessment/systems/%D\">%s</a></td><td class=\"num\" data-label=\"%T\">%D</td><td "
		     "data-label=\"%T\"><span class=\"badge%H\">%T</span></td><td class=\"num\" "
		     "data-label=\"%T\">%s / %s%H</td></tr>",
		     M_assess_year, db_column_int64(q, 1), M_assess_name, db_column_int64(q, 0), db_column_text(q, 3),
		     M_assess_version, db_column_int64(q, 2), M_assess_state,
		     !strcmp(state, "in_use") ? MARKUP(" badge-ok") : NULL, state_label(state), M_assess_leaf_total,
		     assess_num(r, sum), assess_num(r, declared),
		     fabs(sum - declared) > 1e-9 ? html_fmt(r, " <span class=\"badge badge-warn\">!</span>") : NULL);
	}
	if (n) {
		list_end(r);
		html(r, "</section>");
	} else {
		empty_state(r, M_assess_none, M_assess_none_hint, NULL, M_NONE);
	}
	if (office)
		new_system_form(r, year, name, total, err);
	page_end(r);
	return 0;
}

static int list_page(struct req *r)
{
	struct tm tm;
	time_t now = time(NULL);
	localtime_r(&now, &tm);
	return list_render(r, arena_printf(r->a, "%d", tm.tm_year + 1900), "", "100", M_NONE);
}

static int parse_points(const char *s, double max, double *out)
{
	char *end;
	if (!s || !*s)
		return -1;
	double v = strtod(s, &end);
	if (*end || !isfinite(v) || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_year(const char *s, int *out)
{
	char *end;
	long v = s && *s ? strtol(s, &end, 10) : 0;
	if (!s || !*s || *end || v < 2000 || v > 2100)
		return -1;
	*out = (int)v;
	return 0;
}

static int create_post(struct req *r)
{
	if (!assess_is_office(r))
		return req_fail(r, 403, M_NONE);
	const char *ys = req_form(r, "year"), *name = req_form(r, "name"), *ts = req_form(r, "total_points");
	ys = ys ? ys : "";
	name = name ? name : "";
	ts = ts ? ts : "";
	int year = 0;
	double total = 0;
	enum msg_id err = parse_year(ys, &year)                  ? M_assess_bad_year
			  : !*name || strlen(name) > 600           ? M_assess_bad_name
			  : parse_points(ts, 1000, &total)         ? M_assess_bad_points
			  : db_one_int64(req_db(r), 0, "SELECT COUNT(*) FROM assess_systems WHERE year = ?", "i",
					 (int64_t)year) > 0 ? M_assess_year_taken
							    : M_NONE;
	if (err != M_NONE) {
		r->status = 422;
		return list_render(r, ys, name, ts, err);
	}
	struct db *db = req_db(r);
	int rc = db_begin(db);
	int64_t id = rc ? rc
			: db_insert(db,
				    "INSERT INTO assess_systems (year, version, name, state, total_points, created_by, "
				    "created_at) VALUES (?, 1, ?, 'draft', ?, ?, ?) RETURNING id",
				    "isdii", (int64_t)year, name, total, r->user->id, (int64_t)time(NULL));
	if (id > 0) {
		json_t *what = json_pack("{s:i, s:s, s:f}", "year", year, "name", name, "total_points", total);
		rc = audit_log(r, "assessment_system_create", "assess_systems", id, NULL, what);
		json_decref(what);
	}
	if (id < 0 || rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_assess_created);
	return req_redirect(r, arena_printf(r->a, "/assessment/systems/%lld", (long long)id));
}

/* ---- one system ---- */

static void tree_render(struct req *r, const struct assess_tree *t, int64_t parent, int editable)
{
	int any = 0;
	for (int i = 0; i < t->n; i++) {
		const struct assess_node *n = &t->v[i];
		if (n->parent != parent)
			continue;
		if (!any++)
			html(r, "<ol class=\"assess-tree assess-level-%d\">", n->level);
		static const enum msg_id levels[] = {M_assess_level_1, M_assess_level_2, M_assess_level_3};
		html(r,
		     "<li data-indicator=\"%D\"><div class=\"assess-node\"><span class=\"badge\">%T</span> "
		     "<a href=\"/assessment/indicators/%D\">%s</a> <span class=\"assess-points\">%s %T</span>%H</div>",
		     n->id, levels[n->level - 1], n->id, n->name, assess_num(r, n->sum), M_assess_points,
		     n->leaf ? html_fmt(r, " <span class=\"hint\">%T</span>",
					!strcmp(n->method, "formula")     ? M_assess_m_formula
					: !strcmp(n->method, "deduction") ? M_assess_m_deduction
					: !strcmp(n->method, "bonus")     ? M_assess_m_bonus
					: !strcmp(n->method, "veto")      ? M_assess_m_veto
									  : M_assess_m_manual)
			     : NULL);
		tree_render(r, t, n->id, editable);
		html(r, "</li>");
	}
	if (any)
		html(r, "</ol>");
}

static int system_render(struct req *r, int64_t id, const char *pname, const char *parent, const char *share,
			 enum msg_id err)
{
	struct assess_system s;
	if (assess_system_load(r, id, &s) || !assess_system_visible(r, &s))
		return req_fail(r, 404, M_NONE);
	struct assess_tree t;
	if (assess_tree_load(r, id, &t))
		return req_fail(r, 503, M_err_db_down);
	int office = assess_is_office(r), draft = !strcmp(s.state, "draft");
	const char *title = assess_system_title(r, s.year, s.name);
	struct crumb c[] = {{"/assessment/systems", T(r, M_assess_systems)}, {NULL, title}};
	page_begin(r, title, c, 2);
	const struct markup *activate =
		office && draft ? html_fmt(r,
					   "<form method=\"post\" action=\"/assessment/systems/%D/activate\" "
					   "class=\"inline\">%H<button class=\"btn btn-primary\">%T</button></form>",
					   id, csrf_input(r), M_assess_activate)
				: NULL;
	const struct markup *revise =
		office && !strcmp(s.state, "in_use")
			? html_fmt(r,
				   "<form method=\"post\" action=\"/assessment/systems/%D/revise\" class=\"inline\">%H<button "
				   "class=\"btn\">%T</button></form>",
				   id, csrf_input(r), M_assess_revise)
			: NULL;
	const struct markup *copy =
		office ? html_fmt(r,
				  "<form method=\"post\" action=\"/assessment/systems/%D/copy\" class=\"inline\">%H<button "
				  "class=\"btn\">%T</button></form>",
				  id, csrf_input(r), M_assess_copy_next)
		       : NULL;
	page_heading(r, title, html_fmt(r, "%H%H%H", activate, revise, copy));
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", err);
	int mismatch = fabs(t.total - s.total) > 1e-9;
	html(r,
	     "<section class=\"card\"><dl class=\"props\"><dt>%T</dt><dd>%D</dd><dt>%T</dt><dd>%D</dd><dt>%T</dt>"
	     "<dd><span class=\"badge%H\">%T</span></dd><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd id=\"leaf-total\">%s</dd>"
	     "<dt>%T</dt><dd id=\"sub-share\">%s %%</dd></dl>%H</section>",
	     M_assess_year, (int64_t)s.year, M_assess_version, (int64_t)s.version, M_assess_state,
	     !strcmp(s.state, "in_use") ? MARKUP(" badge-ok") : NULL, state_label(s.state), M_assess_total_declared,
	     assess_num(r, s.total), M_assess_leaf_total, assess_num(r, t.total), M_assess_sub_share,
	     assess_num(r, s.sub_share),
	     mismatch ? html_fmt(r, "<div class=\"flash flash-warn\" role=\"status\" id=\"total-warning\">%T</div>",
				 M_assess_total_mismatch)
		      : NULL);
	html(r, "<section class=\"card\"><h2>%T</h2>", M_assess_tree);
	if (t.n)
		tree_render(r, &t, 0, office && draft);
	else
		html(r, "<p class=\"hint\">%T — %T</p>", M_assess_tree_empty, M_assess_tree_empty_hint);
	html(r, "</section>");
	if (office && draft) {
		html(r,
		     "<section class=\"card\" id=\"rollup\"><h2>%T</h2><p class=\"hint\">%T</p><form method=\"post\" "
		     "action=\"/assessment/systems/%D/rollup\" class=\"filters\">%H",
		     M_assess_sub_share, M_assess_sub_share_hint, id, csrf_input(r));
		field_input(r, "decimal", "sub_share", M_assess_sub_share_pct, share ? share : assess_num(r, s.sub_share),
			    err == M_assess_bad_share ? err : M_NONE, 1, M_NONE);
		html(r, "<div class=\"filter-actions\"><button class=\"btn\">%T</button></div></form></section>",
		     M_assess_save);
		html(r,
		     "<section class=\"card\" id=\"add-indicator\"><h2>%T</h2><form method=\"post\" "
		     "action=\"/assessment/systems/%D/indicators\" class=\"filters\">%H<div class=\"field\"><label "
		     "for=\"f-parent\">%T</label><select id=\"f-parent\" name=\"parent_id\"><option value=\"\">%T</option>",
		     M_assess_add_indicator, id, csrf_input(r), M_assess_parent, M_assess_parent_none);
		for (int i = 0; i < t.n; i++)
			if (t.v[i].level < 3) {
				const char *v = arena_printf(r->a, "%lld", (long long)t.v[i].id);
				html(r, "<option value=\"%a\"%H>%s%s</option>", v,
				     parent && !strcmp(parent, v) ? MARKUP(" selected") : NULL,
				     t.v[i].level == 2 ? "— " : "", t.v[i].name);
			}
		html(r, "</select></div>");
		field_input(r, "text", "name", M_assess_name, pname ? pname : "", M_NONE, 1, M_NONE);
		html(r, "<div class=\"filter-actions\"><button class=\"btn btn-primary\">%T</button></div></form></section>",
		     M_assess_add_indicator);
	}
	page_end(r);
	return 0;
}

static int system_page(struct req *r)
{
	return system_render(r, req_param_int(r, "id"), NULL, NULL, NULL, M_NONE);
}

/* The system for a change by the office: 0, or the response's code. */
static int system_for_change(struct req *r, struct assess_system *s)
{
	if (!assess_is_office(r))
		return 403;
	if (assess_system_load(r, req_param_int(r, "id"), s))
		return 404;
	return 0;
}

static int add_post(struct req *r)
{
	struct assess_system s;
	int st = system_for_change(r, &s);
	if (st)
		return req_fail(r, st, M_NONE);
	if (strcmp(s.state, "draft")) {
		r->status = 409;
		return system_render(r, s.id, NULL, NULL, NULL, M_assess_in_use_locked);
	}
	const char *name = req_form(r, "name"), *ps = req_form(r, "parent_id");
	name = name ? name : "";
	int64_t parent = ps && *ps ? strtoll(ps, NULL, 10) : 0;
	int level = 1;
	if (parent) {
		level = (int)db_one_int64(req_db(r), 0,
					  "SELECT level + 1 FROM assess_indicators WHERE id = ? AND system_id = ?", "ii",
					  parent, s.id);
		if (level < 2 || level > 3) {
			r->status = 422;
			return system_render(r, s.id, name, ps, NULL, M_assess_bad_parent);
		}
	}
	if (!*name || strlen(name) > 600) {
		r->status = 422;
		return system_render(r, s.id, name, ps, NULL, M_assess_bad_name);
	}
	struct db *db = req_db(r);
	int rc = db_begin(db);
	int64_t pos = db_one_int64(db, 0,
				   "SELECT COALESCE(MAX(position), 0) + 1 FROM assess_indicators WHERE system_id = ? AND "
				   "COALESCE(parent_id, 0) = ?",
				   "ii", s.id, parent);
	/* parent_id NULLIF 0: a first-level indicator has none */
	int64_t id = rc ? rc
			: db_insert(db,
				    "INSERT INTO assess_indicators (system_id, parent_id, level, position, name) VALUES "
				    "(?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?) RETURNING id",
				    "iiiis", s.id, parent, (int64_t)level, pos, name);
	if (id > 0)
		rc = db_run(db, "UPDATE assess_indicators SET origin_id = id WHERE id = ?", "i", id);
	if (id > 0 && !rc) {
		json_t *what = json_pack("{s:I, s:I, s:s}", "system_id", (json_int_t)s.id, "parent_id",
					 (json_int_t)parent, "name", name);
		rc = audit_log(r, "assessment_indicator_add", "assess_indicators", id, NULL, what);
		json_decref(what);
	}
	if (id < 0 || rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_assess_added);
	return req_redirect(r, arena_printf(r->a, "/assessment/indicators/%lld", (long long)id));
}

int64_t assess_system_copy(struct req *r, int64_t src_id, int year, int version)
{
	struct db *db = req_db(r);
	struct assess_system s;
	if (assess_system_load(r, src_id, &s))
		return DB_ERR;
	int64_t id = db_insert(db,
			       "INSERT INTO assess_systems (year, version, name, state, total_points, sub_share, based_on, "
			       "created_by, created_at) VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?) RETURNING id",
			       "iisddiii", (int64_t)year, (int64_t)version, s.name, s.total, s.sub_share, src_id,
			       r->user ? r->user->id : (int64_t)0, (int64_t)time(NULL));
	if (id < 0)
		return id;
	/* parents come before their children (by level): map old ids to new */
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT id, COALESCE(parent_id, 0), COALESCE(origin_id, id), level, position, name, "
				     "max_points, standard, evidence, method, formula, metric, per_event, bonus_levels "
				     "FROM assess_indicators WHERE system_id = ? ORDER BY level, position, id",
				     "i", src_id);
	int n = 0, cap = 64;
	int64_t *from = arena_alloc(r->a, (size_t)cap * sizeof *from), *to = arena_alloc(r->a, (size_t)cap * sizeof *to);
	while (q && db_step(q) == DB_ROW) {
		int64_t old = db_column_int64(q, 0), oparent = db_column_int64(q, 1), parent = 0;
		for (int i = 0; i < n; i++)
			if (from[i] == oparent)
				parent = to[i];
		int64_t nid = db_insert(
			db,
			"INSERT INTO assess_indicators (system_id, parent_id, origin_id, level, position, name, "
			"max_points, standard, evidence, method, formula, metric, per_event, bonus_levels) VALUES (?, "
			"NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			"iiiiisdsssssds", id, parent, db_column_int64(q, 2),
			db_column_int64(q, 3), db_column_int64(q, 4), db_column_text(q, 5), db_column_double(q, 6),
			db_column_text(q, 7), db_column_text(q, 8), db_column_text(q, 9), db_column_text(q, 10),
			db_column_text(q, 11), db_column_double(q, 12), db_column_text(q, 13));
		if (nid < 0)
			return nid;
		int rc = db_run(db,
				"INSERT INTO assess_weights (indicator_id, unit_kind, max_points) SELECT ?, unit_kind, "
				"max_points FROM assess_weights WHERE indicator_id = ?",
				"ii", nid, old);
		if (rc)
			return rc;
		if (n == cap) {
			int64_t *f2 = arena_alloc(r->a, 2 * (size_t)cap * sizeof *f2),
				*t2 = arena_alloc(r->a, 2 * (size_t)cap * sizeof *t2);
			memcpy(f2, from, (size_t)n * sizeof *f2);
			memcpy(t2, to, (size_t)n * sizeof *t2);
			from = f2, to = t2, cap *= 2;
		}
		from[n] = old, to[n] = nid, n++;
	}
	return q ? id : DB_ERR;
}

static int activate_post(struct req *r)
{
	struct assess_system s;
	int st = system_for_change(r, &s);
	if (st)
		return req_fail(r, st, M_NONE);
	if (strcmp(s.state, "draft")) {
		r->status = 409;
		return system_render(r, s.id, NULL, NULL, NULL, M_assess_in_use_locked);
	}
	struct db *db = req_db(r);
	if (db_one_int64(db, 0, "SELECT COUNT(*) FROM assess_indicators WHERE system_id = ?", "i", s.id) == 0) {
		r->status = 422;
		return system_render(r, s.id, NULL, NULL, NULL, M_assess_empty_system);
	}
	int rc = db_begin(db);
	if (!rc)
		rc = db_run(db, "UPDATE assess_systems SET state = 'superseded' WHERE year = ? AND state = 'in_use'", "i",
			    (int64_t)s.year);
	if (!rc)
		rc = db_run(db,
			    "UPDATE assess_systems SET state = 'in_use', activated_by = ?, activated_at = ? WHERE id = ?",
			    "iii", r->user->id, (int64_t)time(NULL), s.id);
	if (!rc) {
		json_t *what = json_pack("{s:i, s:i}", "year", s.year, "version", s.version);
		rc = audit_log(r, "assessment_system_activate", "assess_systems", s.id, NULL, what);
		json_decref(what);
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_assess_activated);
	return req_redirect(r, arena_printf(r->a, "/assessment/systems/%lld", (long long)s.id));
}

/* revise: a new draft version of the same year; copy: a draft of the next
 * year, version 1 */
static int copy_common(struct req *r, int next_year)
{
	struct assess_system s;
	int st = system_for_change(r, &s);
	if (st)
		return req_fail(r, st, M_NONE);
	struct db *db = req_db(r);
	int year = next_year ? s.year + 1 : s.year;
	if (!next_year && strcmp(s.state, "in_use")) {
		r->status = 409;
		return system_render(r, s.id, NULL, NULL, NULL, M_assess_draft_exists);
	}
	if (next_year && db_one_int64(db, 0, "SELECT COUNT(*) FROM assess_systems WHERE year = ?", "i", (int64_t)year)) {
		r->status = 409;
		return system_render(r, s.id, NULL, NULL, NULL, M_assess_year_taken);
	}
	if (!next_year && db_one_int64(db, 0, "SELECT COUNT(*) FROM assess_systems WHERE year = ? AND state = 'draft'",
				       "i", (int64_t)year)) {
		r->status = 409;
		return system_render(r, s.id, NULL, NULL, NULL, M_assess_draft_exists);
	}
	int version = next_year ? 1
				: (int)db_one_int64(db, 1, "SELECT MAX(version) + 1 FROM assess_systems WHERE year = ?", "i",
						    (int64_t)year);
	int rc = db_begin(db);
	int64_t id = rc ? rc : assess_system_copy(r, s.id, year, version);
	if (id > 0) {
		json_t *what = json_pack("{s:I, s:i, s:i}", "from", (json_int_t)s.id, "year", year, "version", version);
		rc = audit_log(r, next_year ? "assessment_system_copy" : "assessment_system_revise", "assess_systems", id,
			       NULL, what);
		json_decref(what);
	}
	if (id < 0 || rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", next_year ? M_assess_copied : M_assess_revised);
	return req_redirect(r, arena_printf(r->a, "/assessment/systems/%lld", (long long)id));
}

static int revise_post(struct req *r)
{
	return copy_common(r, 0);
}

static int copy_post(struct req *r)
{
	return copy_common(r, 1);
}

/* The sub-units' share of a unit's score, on a draft. */
static int rollup_post(struct req *r)
{
	struct assess_system s;
	int st = system_for_change(r, &s);
	if (st)
		return req_fail(r, st, M_NONE);
	if (strcmp(s.state, "draft")) {
		r->status = 409;
		return system_render(r, s.id, NULL, NULL, NULL, M_assess_in_use_locked);
	}
	const char *v = req_form(r, "sub_share");
	double share;
	if (parse_points(v ? v : "", 100, &share)) {
		r->status = 422;
		return system_render(r, s.id, NULL, NULL, v ? v : "", M_assess_bad_share);
	}
	struct db *db = req_db(r);
	int rc = db_begin(db);
	if (!rc)
		rc = db_run(db, "UPDATE assess_systems SET sub_share = ? WHERE id = ? AND state = 'draft'", "di", share,
			    s.id);
	if (!rc) {
		json_t *before = json_pack("{s:f}", "sub_share", s.sub_share), *after = json_pack("{s:f}", "sub_share", share);
		rc = audit_log(r, "assessment_system_rollup", "assess_systems", s.id, before, after);
		json_decref(before);
		json_decref(after);
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_assess_rollup_saved);
	return req_redirect(r, arena_printf(r->a, "/assessment/systems/%lld#rollup", (long long)s.id));
}

const struct route assess_system_routes[] = {
	{"GET", "/assessment/systems", list_page, P_SIGNED_IN, 0, "assessment systems"},
	{"POST", "/assessment/systems", create_post, P_SIGNED_IN, 1, "assessment systems"},
	{"GET", "/assessment/systems/{id:int}", system_page, P_SIGNED_IN, 0, "assessment system"},
	{"POST", "/assessment/systems/{id:int}/indicators", add_post, P_SIGNED_IN, 1, "assessment system"},
	{"POST", "/assessment/systems/{id:int}/activate", activate_post, P_SIGNED_IN, 1, "assessment system"},
	{"POST", "/assessment/systems/{id:int}/revise", revise_post, P_SIGNED_IN, 1, "assessment system"},
	{"POST", "/assessment/systems/{id:int}/copy", copy_post, P_SIGNED_IN, 1, "assessment system"},
	{"POST", "/assessment/systems/{id:int}/rollup", rollup_post, P_SIGNED_IN, 1, "assessment system"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
