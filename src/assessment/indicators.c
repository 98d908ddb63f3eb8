/* indicators.c — one indicator: its editor (name; for a leaf the points,
 * the scoring standard in words, the evidence methods, the scoring method
 * with its formula, counted metric or bonuses, and the points per unit
 * kind), the formula checked on save with its error's position, and the
 * preview: the formula worked out for three units over the system's year
 * from the metrics' real values (struct metric.compute). The office edits
 * a draft; a system in use is read only (systems.c makes a new version).
 * The page carries the formula language's help text. */
#include "../db/db.h"
#include "../http/audit.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "assessment.h"
#include "tree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const methods[] = {"manual", "formula", "deduction", "bonus", "veto"};
static const enum msg_id method_labels[] = {M_assess_m_manual, M_assess_m_formula, M_assess_m_deduction,
					    M_assess_m_bonus, M_assess_m_veto};
static const char *const evidences[] = {"materials", "site", "survey", "opinions", "report"};
static const enum msg_id evidence_labels[] = {M_assess_ev_materials, M_assess_ev_site, M_assess_ev_survey,
					      M_assess_ev_opinions, M_assess_ev_report};
static const char *const bonus_keys[] = {"national", "provincial", "prefecture", "county"};
static const enum msg_id bonus_labels[] = {M_assess_bonus_national, M_assess_bonus_provincial,
					   M_assess_bonus_prefecture, M_assess_bonus_county};
/* the unit kinds an indicator's points may differ for */
static const char *const kinds[] = {"secondary", "department", "window", "post"};
static const enum msg_id kind_labels[] = {M_kind_secondary, M_kind_department, M_kind_window, M_kind_post};
#define NMETHODS 5
#define NEVIDENCE 5
#define NBONUS 4
#define NKINDS 4

static int metric_known(const char *name, void *ctx)
{
	(void)ctx;
	return module_metric_find(name) != NULL;
}

struct expr *assess_formula_parse(const char *src, struct expr_error *err)
{
	return expr_parse(src, strlen(src), metric_known, NULL, err);
}

const char *assess_formula_error(struct req *r, const struct expr_error *err)
{
	const char *at = T(r, M_assess_at_char), *d = strstr(at, "%d");
	return arena_printf(r->a, "%.*s%d%s: %s%s", d ? (int)(d - at) : 0, at, err->col, d ? d + 2 : "", T(r, err->msg),
			    err->name);
}

/* What the form holds, as text (re-shown as typed after an error). */
struct leaf_form {
	const char *name, *points, *standard, *method, *formula, *metric, *per_event;
	const char *bonus[NBONUS], *weight[NKINDS];
	int evidence[NEVIDENCE];
	int64_t units[3];
};

struct indicator {
	int64_t id, system_id;
	int level, leaf;
	struct assess_system sys;
};

static int indicator_load(struct req *r, int64_t id, struct indicator *in, struct leaf_form *f)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT system_id, level, name, max_points, standard, evidence, method, formula, "
				     "metric, per_event, bonus_levels, (SELECT COUNT(*) FROM assess_indicators c WHERE "
				     "c.parent_id = i.id) FROM assess_indicators i WHERE id = ?",
				     "i", id);
	if (!q || db_step(q) != DB_ROW)
		return -1;
	memset(f, 0, sizeof *f);
	in->id = id;
	in->system_id = db_column_int64(q, 0);
	in->level = (int)db_column_int64(q, 1);
	in->leaf = db_column_int64(q, 11) == 0;
	f->name = arena_strdup(r->a, db_column_text(q, 2));
	f->points = assess_num(r, db_column_double(q, 3));
	f->standard = arena_strdup(r->a, db_column_text(q, 4));
	const char *ev = db_column_text(q, 5);
	for (int i = 0; i < NEVIDENCE; i++) {
		const char *p = strstr(ev, evidences[i]);
		size_t n = strlen(evidences[i]);
		f->evidence[i] = p && (p == ev || p[-1] == ',') && (p[n] == 0 || p[n] == ',');
	}
	f->method = arena_strdup(r->a, db_column_text(q, 6));
	f->formula = arena_strdup(r->a, db_column_text(q, 7));
	f->metric = arena_strdup(r->a, db_column_text(q, 8));
	f->per_event = db_column_double(q, 9) > 0 ? assess_num(r, db_column_double(q, 9)) : "";
	const char *bl = db_column_text(q, 10);
	for (int i = 0; i < NBONUS; i++) {
		const char *p = strstr(bl, bonus_keys[i]);
		f->bonus[i] = p && p[strlen(bonus_keys[i])] == '=' ? assess_num(r, strtod(p + strlen(bonus_keys[i]) + 1, NULL))
								   : "";
	}
	for (int i = 0; i < NKINDS; i++) {
		f->weight[i] = "";
		struct db_stmt *w = db_query(req_db(r), r->a,
					     "SELECT max_points FROM assess_weights WHERE indicator_id = ? AND unit_kind = ?",
					     "is", id, kinds[i]);
		if (w && db_step(w) == DB_ROW)
			f->weight[i] = assess_num(r, db_column_double(w, 0));
	}
	if (assess_system_load(r, in->system_id, &in->sys))
		return -1;
	return 0;
}

/* ---- the preview ---- */

struct preview_ctx {
	struct req *r;
	int64_t unit;
	const char *from, *to;
	int failed;
	int n;
	const char *names[EXPR_MAX_VARS];
	double values[EXPR_MAX_VARS];
};

static int preview_value(const char *name, void *ctx, double *v)
{
	struct preview_ctx *c = ctx;
	const struct metric *m = module_metric_find(name);
	*v = 0;
	if (!m || m->compute(c->r, c->unit, c->from, c->to, v)) {
		c->failed = 1;
		*v = 0;
	}
	if (c->n < EXPR_MAX_VARS) {
		c->names[c->n] = name;
		c->values[c->n++] = *v;
	}
	return 0;
}

/* The first three secondary units, where the form names none. */
static void default_units(struct req *r, int64_t *u)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id FROM units WHERE kind = 'secondary' AND active = 1 ORDER BY code, id LIMIT 3",
				     NULL);
	for (int i = 0; i < 3; i++)
		u[i] = q && db_step(q) == DB_ROW ? db_column_int64(q, 0) : 0;
}

static void preview_render(struct req *r, const struct indicator *in, const struct leaf_form *f)
{
	html(r, "<section class=\"card\" id=\"preview\"><h2>%T</h2><p class=\"hint\">%T</p>", M_assess_preview,
	     M_assess_preview_hint);
	/* the units to try: three selects of the secondary units */
	html(r, "<div class=\"filters\">");
	for (int k = 0; k < 3; k++) {
		html(r, "<div class=\"field\"><label for=\"f-u%d\">%T %d</label><select id=\"f-u%d\" name=\"u%d\" form=\"leaf\">",
		     k + 1, M_assess_unit, k + 1, k + 1, k + 1);
		struct db_stmt *q = db_query(req_db(r), r->a,
					     "SELECT id, name FROM units WHERE kind IN ('bureau', 'secondary') AND active = 1 "
					     "ORDER BY kind, code, id LIMIT 200",
					     NULL);
		while (q && db_step(q) == DB_ROW) {
			int64_t id = db_column_int64(q, 0);
			html(r, "<option value=\"%D\"%H>%s</option>", id, id == f->units[k] ? MARKUP(" selected") : NULL,
			     db_column_text(q, 1));
		}
		html(r, "</select></div>");
	}
	html(r, "<div class=\"filter-actions\"><button class=\"btn\" name=\"preview\" value=\"1\" form=\"leaf\">%T</button>"
		"</div></div>",
	     M_assess_preview);
	const char *src = !strcmp(f->method, "deduction") ? f->metric : f->formula;
	int has = !strcmp(f->method, "formula") || !strcmp(f->method, "veto") ||
		  (!strcmp(f->method, "deduction") && *f->metric);
	struct expr_error err;
	struct expr *e = has ? assess_formula_parse(src, &err) : NULL;
	if (!has) {
		html(r, "<p class=\"hint\">%T</p></section>", M_assess_preview_none);
		return;
	}
	if (!e) {
		html(r, "<p class=\"error\">%T: %s</p></section>", M_assess_bad_formula, assess_formula_error(r, &err));
		return;
	}
	double max = strtod(f->points ? f->points : "0", NULL), each = strtod(f->per_event ? f->per_event : "0", NULL);
	struct preview_ctx c = {.r = r,
				.from = arena_printf(r->a, "%04d-01-01", in->sys.year),
				.to = arena_printf(r->a, "%04d-12-31", in->sys.year)};
	html(r, "<div class=\"table-wrap\"><table class=\"list\" id=\"preview-table\"><thead><tr><th>%T</th>",
	     M_assess_unit);
	for (int i = 0; i < expr_nvars(e); i++)
		html(r, "<th class=\"num\"><code>%s</code></th>", expr_var(e, i));
	html(r, "<th class=\"num\">%T</th></tr></thead><tbody>", M_assess_result);
	for (int k = 0; k < 3; k++) {
		if (!f->units[k])
			continue;
		c.unit = f->units[k];
		c.n = 0;
		c.failed = 0;
		char *uname = db_one_text(req_db(r), r->a, "SELECT name FROM units WHERE id = ?", "i", c.unit);
		double v = 0;
		unsigned w = 0;
		expr_eval(e, preview_value, &c, &v, &w);
		html(r, "<tr data-unit=\"%D\"><td class=\"card-title\" data-label=\"%T\">%s</td>", c.unit, M_assess_unit,
		     uname ? uname : "?");
		for (int i = 0; i < c.n; i++)
			html(r, "<td class=\"num\" data-label=\"%s\" data-metric=\"%a\">%s</td>", c.names[i], c.names[i],
			     arena_printf(r->a, "%.4g", c.values[i]));
		html(r, "<td class=\"num\" data-label=\"%T\" data-result>", M_assess_result);
		if (!strcmp(f->method, "veto")) {
			html(r, "%H", expr_truth(v) ? html_fmt(r, "<span class=\"badge badge-warn\">%T</span>", M_assess_vetoed)
						    : html_fmt(r, "<span class=\"badge badge-ok\">%T</span>",
							       M_assess_not_vetoed));
		} else if (!strcmp(f->method, "deduction")) {
			double lost = v * each;
			int capped = lost > max;
			html(r, "<span data-score=\"%a\">%s</span>%H", assess_num(r, max - (capped ? max : lost)),
			     assess_num(r, max - (capped ? max : lost)),
			     capped ? html_fmt(r, " <span class=\"hint\">%T</span>", M_assess_capped) : NULL);
		} else {
			int capped = v > max;
			double score = capped ? max : v < 0 ? 0 : v;
			html(r, "<span data-score=\"%a\" data-raw=\"%a\">%s</span>%H", assess_num(r, score),
			     arena_printf(r->a, "%.6g", v), assess_num(r, score),
			     capped ? html_fmt(r, " <span class=\"hint\">%T</span>", M_assess_capped) : NULL);
		}
		if (w & EXPR_W_DIV_ZERO)
			html(r, "<p class=\"hint\">%T</p>", M_assess_w_div_zero);
		if (w & EXPR_W_NOT_FINITE)
			html(r, "<p class=\"hint\">%T</p>", M_assess_w_not_finite);
		if (c.failed)
			html(r, "<p class=\"error\">%T</p>", M_assess_metric_failed);
		html(r, "</td></tr>");
	}
	html(r, "</tbody></table></div></section>");
	expr_free(e);
}

static void help_render(struct req *r)
{
	html(r, "<section class=\"card\" id=\"formula-help\"><h2>%T</h2><p>%T</p><p>%T</p><p>%T</p><p>%T</p><p>%T</p>"
		"<ul class=\"assess-metrics\">",
	     M_assess_help, M_assess_help_1, M_assess_help_2, M_assess_help_3, M_assess_help_4, M_assess_help_5);
	for (const struct module *const *m = app_modules; *m; m++)
		for (const struct metric *x = (*m)->metrics; x && x->name; x++)
			html(r, "<li><code>%s</code> %T</li>", x->name, x->label);
	html(r, "</ul></section>");
}

/* ---- the editor ---- */

static void points_input(struct req *r, const char *name, enum msg_id label, const char *value, const char *id)
{
	html(r,
	     "<div class=\"field\"><label for=\"%a\">%T</label><input id=\"%a\" name=\"%a\" type=\"number\" min=\"0\" "
	     "step=\"any\" inputmode=\"decimal\" value=\"%a\"></div>",
	     id, label, id, name, value ? value : "");
}

static int editor_render(struct req *r, const struct indicator *in, const struct leaf_form *f, enum msg_id err,
			 const char *formula_err, size_t err_pos)
{
	int office = assess_is_office(r), editable = office && !strcmp(in->sys.state, "draft");
	const char *systitle = assess_system_title(r, in->sys.year, in->sys.name);
	struct crumb c[] = {{"/assessment/systems", T(r, M_assess_systems)},
			    {arena_printf(r->a, "/assessment/systems/%lld", (long long)in->system_id), systitle},
			    {NULL, f->name}};
	page_begin(r, f->name, c, 3);
	page_heading(r, f->name, NULL);
	if (!editable && office)
		html(r, "<div class=\"flash flash-warn\" role=\"status\">%T</div>", M_assess_in_use_locked);
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\" id=\"form-error\">%T</div>", err);
	html(r, "<section class=\"card\"><form id=\"leaf\" method=\"post\" action=\"/assessment/indicators/%D\">%H",
	     in->id, csrf_input(r));
	html(r, "<fieldset class=\"assess-form\"%H>", editable ? NULL : MARKUP(" disabled"));
	field_input(r, "text", "name", M_assess_name, f->name, M_NONE, 1, M_NONE);
	if (in->leaf) {
		points_input(r, "max_points", M_assess_max_points, f->points, "f-max_points");
		html(r,
		     "<div class=\"field\"><label for=\"f-standard\">%T</label><textarea id=\"f-standard\" name=\"standard\" "
		     "rows=\"3\" maxlength=\"2000\" aria-describedby=\"f-standard-hint\">%s</textarea><p class=\"hint\" "
		     "id=\"f-standard-hint\">%T</p></div>",
		     M_assess_standard, f->standard, M_assess_standard_hint);
		html(r, "<fieldset class=\"field\"><legend>%T</legend>", M_assess_evidence);
		for (int i = 0; i < NEVIDENCE; i++)
			html(r, "<label class=\"check\"><input type=\"checkbox\" name=\"evidence\" value=\"%a\"%H> %T</label> ",
			     evidences[i], f->evidence[i] ? MARKUP(" checked") : NULL, evidence_labels[i]);
		html(r, "</fieldset>");
		field_select(r, "method", M_assess_method, methods, method_labels, NMETHODS, f->method, 0);
		html(r,
		     "<div class=\"field%H\"><label for=\"f-formula\">%T</label><textarea id=\"f-formula\" name=\"formula\" "
		     "rows=\"2\" class=\"mono\" spellcheck=\"false\" aria-describedby=\"f-formula-hint%H\"%H>%s</textarea>",
		     formula_err ? MARKUP(" has-error") : NULL, M_assess_formula,
		     formula_err ? MARKUP(" f-formula-err") : NULL, formula_err ? MARKUP(" aria-invalid=\"true\"") : NULL,
		     f->formula);
		if (formula_err) {
			size_t n = strlen(f->formula), p = err_pos < n ? err_pos : n, q = p;
			while (q < n && q - p < 4 && (q == p || ((unsigned char)f->formula[q] & 0xC0) == 0x80))
				q++;
			html(r, "<p class=\"error\" id=\"f-formula-err\">%T: %s<br><code>%s<mark>%s</mark>%s</code></p>",
			     M_assess_bad_formula, formula_err, arena_printf(r->a, "%.*s", (int)p, f->formula),
			     q > p ? arena_printf(r->a, "%.*s", (int)(q - p), f->formula + p) : "␣", f->formula + q);
		}
		html(r, "<p class=\"hint\" id=\"f-formula-hint\">%T <a href=\"#formula-help\">%T</a></p></div>",
		     M_assess_formula_hint, M_assess_help);
		html(r, "<fieldset class=\"field\"><legend>%T</legend><div class=\"filters\"><div class=\"field\"><label "
			"for=\"f-metric\">%T</label><select id=\"f-metric\" name=\"metric\"><option value=\"\"></option>",
		     M_assess_m_deduction, M_assess_metric);
		for (const struct module *const *m = app_modules; *m; m++)
			for (const struct metric *x = (*m)->metrics; x && x->name; x++)
				html(r, "<option value=\"%a\"%H>%T (%s)</option>", x->name,
				     !strcmp(x->name, f->metric) ? MARKUP(" selected") : NULL, x->label, x->name);
		html(r, "</select></div>");
		points_input(r, "per_event", M_assess_per_event, f->per_event, "f-per_event");
		html(r, "</div></fieldset><fieldset class=\"field\"><legend>%T</legend><div class=\"filters\">",
		     M_assess_bonus_levels);
		for (int i = 0; i < NBONUS; i++)
			points_input(r, arena_printf(r->a, "bonus_%s", bonus_keys[i]), bonus_labels[i], f->bonus[i],
				     arena_printf(r->a, "f-bonus_%s", bonus_keys[i]));
		html(r, "</div></fieldset><fieldset class=\"field\"><legend>%T</legend><p class=\"hint\">%T</p><div "
			"class=\"filters\">",
		     M_assess_weights, M_assess_weights_hint);
		for (int i = 0; i < NKINDS; i++)
			points_input(r, arena_printf(r->a, "weight_%s", kinds[i]), kind_labels[i], f->weight[i],
				     arena_printf(r->a, "f-weight_%s", kinds[i]));
		html(r, "</div></fieldset>");
	}
	html(r, "</fieldset>");
	if (editable)
		html(r, "<div class=\"form-actions\"><button class=\"btn btn-primary\" name=\"save\" value=\"1\">%T</button></div>",
		     M_assess_save);
	html(r, "</form></section>");
	if (in->leaf && office)
		preview_render(r, in, f);
	if (editable)
		html(r,
		     "<section class=\"card\"><form method=\"post\" action=\"/assessment/indicators/%D/delete\">%H<p>%T</p>"
		     "<button class=\"btn btn-danger\">%T</button></form></section>",
		     in->id, csrf_input(r), M_assess_delete_confirm, M_assess_delete);
	if (in->leaf)
		help_render(r);
	page_end(r);
	return 0;
}

static void units_from(struct req *r, struct leaf_form *f, int post)
{
	int any = 0;
	for (int k = 0; k < 3; k++) {
		const char *n = arena_printf(r->a, "u%d", k + 1);
		const char *v = post ? req_form(r, n) : req_query(r, n);
		f->units[k] = v ? strtoll(v, NULL, 10) : 0;
		if (f->units[k] && !db_one_int64(req_db(r), 0, "SELECT COUNT(*) FROM units WHERE id = ?", "i", f->units[k]))
			f->units[k] = 0;
		any |= f->units[k] != 0;
	}
	if (!any)
		default_units(r, f->units);
}

static int indicator_page(struct req *r)
{
	struct indicator in;
	struct leaf_form f;
	if (indicator_load(r, req_param_int(r, "id"), &in, &f) || !assess_system_visible(r, &in.sys))
		return req_fail(r, 404, M_NONE);
	units_from(r, &f, 0);
	return editor_render(r, &in, &f, M_NONE, NULL, 0);
}

static const char *form_or(struct req *r, const char *name)
{
	const char *v = req_form(r, name);
	return v ? v : "";
}

/* An optional number in [0, max]: 0 ok (empty: *v = -1), -1 bad. */
static int opt_points(const char *s, double max, double *v)
{
	*v = -1;
	if (!*s)
		return 0;
	char *end;
	double x = strtod(s, &end);
	if (*end || !isfinite(x) || x < 0 || x > max)
		return -1;
	*v = x;
	return 0;
}

static int indicator_post(struct req *r)
{
	struct indicator in;
	struct leaf_form f, saved;
	if (!assess_is_office(r))
		return req_fail(r, 403, M_NONE);
	if (indicator_load(r, req_param_int(r, "id"), &in, &saved))
		return req_fail(r, 404, M_NONE);
	memset(&f, 0, sizeof f);
	f.name = form_or(r, "name");
	f.points = form_or(r, "max_points");
	f.standard = form_or(r, "standard");
	f.method = form_or(r, "method");
	f.formula = form_or(r, "formula");
	f.metric = form_or(r, "metric");
	f.per_event = form_or(r, "per_event");
	for (int i = 0; i < NBONUS; i++)
		f.bonus[i] = form_or(r, arena_printf(r->a, "bonus_%s", bonus_keys[i]));
	for (int i = 0; i < NKINDS; i++)
		f.weight[i] = form_or(r, arena_printf(r->a, "weight_%s", kinds[i]));
	for (size_t k = 0; k < r->form.n; k++)
		if (!strcmp(r->form.v[k].name, "evidence"))
			for (int i = 0; i < NEVIDENCE; i++)
				if (!strcmp(r->form.v[k].value, evidences[i]))
					f.evidence[i] = 1;
	units_from(r, &f, 1);
	if (!in.leaf) {
		/* a branch has a name only; its points are its leaves' */
		f = saved;
		f.name = form_or(r, "name");
	}
	int mi = -1;
	for (int i = 0; i < NMETHODS; i++)
		if (!strcmp(f.method, methods[i]))
			mi = i;
	if (mi < 0)
		f.method = "manual";
	if (req_form(r, "preview"))
		return editor_render(r, &in, &f, M_NONE, NULL, 0);
	if (strcmp(in.sys.state, "draft")) {
		r->status = 409;
		return editor_render(r, &in, &saved, M_assess_in_use_locked, NULL, 0);
	}
	double max = 0, each = 0, bonus[NBONUS], weight[NKINDS];
	enum msg_id err = M_NONE;
	struct expr_error xe;
	const char *ferr = NULL;
	if (!*f.name || strlen(f.name) > 600)
		err = M_assess_bad_name;
	else if (in.leaf && opt_points(f.points, 1000, &max))
		err = M_assess_bad_points;
	else if (in.leaf && strlen(f.standard) > 6000)
		err = M_assess_bad_standard;
	if (err == M_NONE && in.leaf) {
		if (max < 0)
			max = 0;
		int b_any = 0;
		for (int i = 0; i < NKINDS && err == M_NONE; i++)
			if (opt_points(f.weight[i], 1000, &weight[i]))
				err = M_assess_bad_points;
		if (err != M_NONE) {
		} else if (mi == 1 || mi == 4) {
			struct expr *e = assess_formula_parse(f.formula, &xe);
			if (!e) {
				err = M_assess_bad_formula;
				ferr = assess_formula_error(r, &xe);
			}
			expr_free(e);
		} else if (mi == 2) {
			if (!module_metric_find(f.metric))
				err = M_assess_bad_metric;
			else if (opt_points(f.per_event, 100, &each) || each <= 0)
				err = M_assess_bad_per_event;
		} else if (mi == 3) {
			for (int i = 0; i < NBONUS && err == M_NONE; i++) {
				if (opt_points(f.bonus[i], 100, &bonus[i]))
					err = M_assess_bad_bonus;
				b_any |= bonus[i] > 0;
			}
			if (err == M_NONE && !b_any)
				err = M_assess_bad_bonus;
		}
	}
	if (err != M_NONE) {
		r->status = 422;
		return editor_render(r, &in, &f, err, ferr, ferr ? xe.pos : 0);
	}
	/* what is kept is what the method uses */
	struct buf ev, bl;
	buf_init(&ev, r->a);
	buf_init(&bl, r->a);
	buf_puts(&ev, "");
	buf_puts(&bl, "");
	for (int i = 0; i < NEVIDENCE; i++)
		if (f.evidence[i])
			buf_printf(&ev, "%s%s", ev.len ? "," : "", evidences[i]);
	if (mi == 3)
		for (int i = 0; i < NBONUS; i++)
			if (bonus[i] > 0)
				buf_printf(&bl, "%s%s=%s", bl.len ? "," : "", bonus_keys[i], assess_num(r, bonus[i]));
	struct db *db = req_db(r);
	int rc = db_begin(db);
	if (!rc && in.leaf)
		rc = db_run(db,
			    "UPDATE assess_indicators SET name = ?, max_points = ?, standard = ?, evidence = ?, method = ?, "
			    "formula = ?, metric = ?, per_event = ?, bonus_levels = ? WHERE id = ?",
			    "sdsssssdsi", f.name, max, f.standard, ev.p, f.method,
			    (mi == 1 || mi == 4) ? f.formula : "", mi == 2 ? f.metric : "", mi == 2 ? each : 0.0, bl.p,
			    in.id);
	else if (!rc)
		rc = db_run(db, "UPDATE assess_indicators SET name = ? WHERE id = ?", "si", f.name, in.id);
	if (!rc && in.leaf)
		rc = db_run(db, "DELETE FROM assess_weights WHERE indicator_id = ?", "i", in.id);
	for (int i = 0; !rc && in.leaf && i < NKINDS; i++)
		if (weight[i] >= 0)
			rc = db_run(db, "INSERT INTO assess_weights (indicator_id, unit_kind, max_points) VALUES (?, ?, ?)",
				    "isd", in.id, kinds[i], weight[i]);
	if (!rc) {
		json_t *before = json_pack("{s:s, s:s, s:s, s:s}", "name", saved.name, "max_points", saved.points,
					   "method", saved.method, "formula", saved.formula);
		json_t *after = json_pack("{s:s, s:s, s:s, s:s}", "name", f.name, "max_points", assess_num(r, max),
					  "method", f.method, "formula", (mi == 1 || mi == 4) ? f.formula : "");
		rc = audit_log(r, "assessment_indicator_save", "assess_indicators", in.id, before, after);
		json_decref(before);
		json_decref(after);
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_assess_saved);
	return req_redirect(r, arena_printf(r->a, "/assessment/indicators/%lld", (long long)in.id));
}

static int delete_post(struct req *r)
{
	struct indicator in;
	struct leaf_form f;
	if (!assess_is_office(r))
		return req_fail(r, 403, M_NONE);
	if (indicator_load(r, req_param_int(r, "id"), &in, &f))
		return req_fail(r, 404, M_NONE);
	if (strcmp(in.sys.state, "draft")) {
		r->status = 409;
		return editor_render(r, &in, &f, M_assess_in_use_locked, NULL, 0);
	}
	struct db *db = req_db(r);
	int rc = db_begin(db);
	/* the subtree: at most two levels under it; children first */
	static const char *const del[] = {
		("DELETE FROM assess_weights WHERE indicator_id IN (SELECT id FROM assess_indicators WHERE parent_id IN "
		 "(SELECT id FROM assess_indicators WHERE parent_id = ?))"),
		"DELETE FROM assess_indicators WHERE parent_id IN (SELECT id FROM assess_indicators WHERE parent_id = ?)",
		"DELETE FROM assess_weights WHERE indicator_id IN (SELECT id FROM assess_indicators WHERE parent_id = ?)",
		"DELETE FROM assess_indicators WHERE parent_id = ?",
		"DELETE FROM assess_weights WHERE indicator_id = ?",
		"DELETE FROM assess_indicators WHERE id = ?",
	};
	for (size_t i = 0; !rc && i < sizeof del / sizeof del[0]; i++)
		rc = db_run(db, del[i], "i", in.id);
	if (!rc) {
		json_t *before = json_pack("{s:s}", "name", f.name);
		rc = audit_log(r, "assessment_indicator_delete", "assess_indicators", in.id, before, NULL);
		json_decref(before);
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_assess_deleted);
	return req_redirect(r, arena_printf(r->a, "/assessment/systems/%lld", (long long)in.system_id));
}

const struct route assess_indicator_routes[] = {
	{"GET", "/assessment/indicators/{id:int}", indicator_page, P_SIGNED_IN, 0, "assessment indicator"},
	{"POST", "/assessment/indicators/{id:int}", indicator_post, P_SIGNED_IN, 1, "assessment indicator"},
	{"POST", "/assessment/indicators/{id:int}/delete", delete_post, P_SIGNED_IN, 1, "assessment indicator"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
