/* score.c — one unit's score in a round: its total, grade, rank and veto,
 * the indicator tree with each leaf's points out of its maximum and the
 * explanation of every lost or gained point, down to the records behind
 * the figure (frozen at compute in assess_round_records), and its
 * sub-units in the round. The office sees every unit; a unit's leader or
 * clerk their subtree once the round is announced (assess_round_may_see). */
#include "../db/db.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "assessment.h"
#include "round.h"
#include "roundwork.h"
#include "tree.h"

#include <stdlib.h>
#include <string.h>

/* The catalog text of msg with {1}..{4} replaced (arena). */
static const char *fill(struct req *r, enum msg_id id, const char *a1, const char *a2, const char *a3, const char *a4)
{
	const char *args[4] = {a1, a2, a3, a4};
	struct buf b;
	buf_init(&b, r->a);
	for (const char *p = T(r, id); *p; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '4' && p[2] == '}') {
			buf_puts(&b, args[p[1] - '1'] ? args[p[1] - '1'] : "");
			p += 2;
		} else {
			buf_putc(&b, *p);
		}
	}
	return b.p ? b.p : "";
}

static const char *metric_label(struct req *r, const char *name)
{
	const struct metric *m = module_metric_find(name);
	return m ? T(r, m->label) : name;
}

/* "m1=v1;m2=v2" as "label v1, label v2" (arena) */
static const char *vars_words(struct req *r, const char *vars)
{
	struct buf b;
	buf_init(&b, r->a);
	char *s = arena_strdup(r->a, vars), *save = NULL;
	for (char *t = strtok_r(s, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(t, '=');
		if (!eq)
			continue;
		*eq = 0;
		buf_printf(&b, "%s%s %s", b.len ? (r->lang == LANG_EN ? ", " : "，") : "", metric_label(r, t),
			   assess_num(r, strtod(eq + 1, NULL)));
	}
	return b.p ? b.p : "";
}

static const enum msg_id bonus_level_labels[] = {M_assess_bonus_national, M_assess_bonus_provincial,
						 M_assess_bonus_prefecture, M_assess_bonus_county};
static const char *const bonus_level_keys[] = {"national", "provincial", "prefecture", "county"};

const char *assess_explain(struct req *r, const char *ex, double points, double max)
{
	char *f[5] = {0};
	int n = 0;
	char *s = arena_strdup(r->a, ex ? ex : "");
	f[n++] = s;
	for (char *p = s; *p && n < 5; p++)
		if (*p == '|') {
			*p = 0;
			f[n++] = p + 1;
		}
	if (!strcmp(f[0], "deduction") && n >= 4) {
		double cnt = strtod(f[2], NULL), per = strtod(f[3], NULL);
		if (cnt <= 0)
			return fill(r, M_assess_round_ex_no_deduction, metric_label(r, f[1]), NULL, NULL, NULL);
		return fill(r, M_assess_round_ex_deduction, assess_num(r, max - points), metric_label(r, f[1]),
			    assess_num(r, cnt), assess_num(r, per));
	}
	if (!strcmp(f[0], "bonus") && n >= 2) {
		struct buf b;
		buf_init(&b, r->a);
		char *save = NULL;
		for (char *t = strtok_r(f[1], ";", &save); t; t = strtok_r(NULL, ";", &save)) {
			char *eq = strchr(t, '='), *at = eq ? strchr(eq, '@') : NULL;
			if (!eq || !at)
				continue;
			*eq = 0;
			*at = 0;
			double cnt = strtod(eq + 1, NULL);
			if (cnt <= 0)
				continue;
			const char *label = t;
			for (int k = 0; k < 4; k++)
				if (!strcmp(t, bonus_level_keys[k]))
					label = T(r, bonus_level_labels[k]);
			buf_printf(&b, "%s%s", b.len ? (r->lang == LANG_EN ? "; " : "；") : "",
				   fill(r, M_assess_round_ex_bonus_item, label, assess_num(r, cnt), assess_num(r, strtod(at + 1, NULL)),
					NULL));
		}
		if (!b.len)
			return T(r, M_assess_round_ex_no_bonus);
		return fill(r, M_assess_round_ex_bonus, assess_num(r, points), b.p, NULL, NULL);
	}
	if (!strcmp(f[0], "formula") && n >= 3)
		return fill(r, M_assess_round_ex_formula, assess_num(r, strtod(f[1], NULL)), vars_words(r, f[2]), NULL, NULL);
	if (!strcmp(f[0], "veto") && n >= 3)
		return fill(r, atoi(f[1]) ? M_assess_round_ex_veto_yes : M_assess_round_ex_veto_no, vars_words(r, f[2]), NULL,
			    NULL, NULL);
	if (!strcmp(f[0], "manual"))
		return T(r, points < 0 ? M_assess_round_ex_pending : M_assess_round_ex_manual);
	if (!strcmp(f[0], "error"))
		return fill(r, M_assess_round_ex_error, n >= 2 ? f[1] : "", NULL, NULL, NULL);
	return "";
}

struct leaf_score {
	int64_t indicator;
	double max, points;
	int has_points;
	const char *source, *explanation, *comment, *metrics[4];
};

/* the metrics whose records explain a leaf: a deduction's, a bonus's levels */
static void leaf_metrics(struct req *r, struct leaf_score *s)
{
	const char *ex = s->explanation;
	if (!strncmp(ex, "deduction|", 10)) {
		const char *e = strchr(ex + 10, '|');
		s->metrics[0] = e ? arena_printf(r->a, "%.*s", (int)(e - ex - 10), ex + 10) : NULL;
	} else if (!strncmp(ex, "bonus|", 6)) {
		int k = 0;
		for (int i = 0; i < 4; i++)
			if (strstr(ex, arena_printf(r->a, "%s=", bonus_level_keys[i])))
				s->metrics[k++] = arena_printf(r->a, "honors_valid_%s", bonus_level_keys[i]);
	}
}

static void records_render(struct req *r, int64_t round, int64_t unit, const char *metric)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT path, title, day FROM assess_round_records WHERE round_id = ? AND unit_id = ? "
				     "AND metric = ? ORDER BY day DESC, path",
				     "iis", round, unit, metric);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++)
			html(r, "<details class=\"assess-records\" data-metric=\"%a\"><summary>%T</summary><ul>", metric,
			     M_assess_round_records);
		const char *path = db_column_text(q, 0);
		/* only links inside the application */
		html(r, "<li>%H %s</li>",
		     path[0] == '/' && path[1] != '/' ? html_fmt(r, "<a href=\"%a\">%s</a>", path, db_column_text(q, 1))
						      : html_fmt(r, "%s", db_column_text(q, 1)),
		     db_column_isnull(q, 2) ? "" : db_column_text(q, 2));
	}
	if (n) {
		html(r, "</ul>");
		if (n >= ASSESS_RECORDS_MAX)
			html(r, "<p class=\"hint\">%s</p>",
			     fill(r, M_assess_round_records_more, arena_printf(r->a, "%d", ASSESS_RECORDS_MAX), NULL, NULL, NULL));
		html(r, "</details>");
	}
}

static void tree_render(struct req *r, const struct assess_tree *t, int64_t parent, const struct leaf_score *sc, int nsc,
			int64_t round, int64_t unit)
{
	int any = 0;
	for (int i = 0; i < t->n; i++) {
		const struct assess_node *n = &t->v[i];
		if (n->parent != parent)
			continue;
		const struct leaf_score *s = NULL;
		for (int k = 0; k < nsc; k++)
			if (sc[k].indicator == n->id)
				s = &sc[k];
		if (n->leaf && !s)
			continue; /* does not apply to this unit's kind */
		if (!any++)
			html(r, "<ol class=\"assess-tree assess-level-%d\">", n->level);
		if (!n->leaf) {
			html(r, "<li><div class=\"assess-node\"><strong>%s</strong></div>", n->name);
			tree_render(r, t, n->id, sc, nsc, round, unit);
			html(r, "</li>");
			continue;
		}
		int veto = !strcmp(n->method, "veto");
		const char *pts = !s->has_points ? "–" : assess_num(r, s->points);
		html(r,
		     "<li data-indicator=\"%D\" class=\"assess-leaf\"><div class=\"assess-node\"><a "
		     "href=\"/assessment/indicators/%D\">%s</a> <span class=\"assess-points\" data-points=\"%a\">%H</span>%H</div>"
		     "<p class=\"assess-explanation\">%s%H</p>",
		     n->id, n->id, n->name, s->has_points ? assess_num(r, s->points) : "",
		     veto ? (s->has_points && s->points >= 1
				     ? html_fmt(r, "<span class=\"badge badge-warn\">%T</span>", M_assess_round_veto)
				     : html_fmt(r, "<span class=\"hint\">%T</span>", M_assess_not_vetoed))
			  : html_fmt(r, "<strong>%s</strong> / %s", pts, assess_num(r, s->max)),
		     strcmp(s->source, "auto") ? html_fmt(r, " <span class=\"badge\">%T</span>",
							  !strcmp(s->source, "appeal") ? M_assess_round_source_appeal
										     : M_assess_round_source_manual)
					       : NULL,
		     assess_explain(r, s->explanation, s->has_points ? s->points : -1, s->max),
		     *s->comment ? html_fmt(r, " — %s", s->comment) : NULL);
		for (int k = 0; k < 4 && s->metrics[k]; k++)
			records_render(r, round, unit, s->metrics[k]);
		html(r, "</li>");
	}
	if (any)
		html(r, "</ol>");
}

static int score_page(struct req *r)
{
	struct assess_round rd;
	int64_t id = req_param_int(r, "id"), unit = req_param_int(r, "unit");
	if (assess_round_load(r, id, &rd) || !assess_round_may_see(r, &rd, unit))
		return req_fail(r, 404, M_NONE);
	struct db *db = req_db(r);
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT u.name, ru.unit_kind, ru.own_total, ru.total, ru.max_total, ru.grade, "
				     "ru.rank_in_kind, ru.vetoed, (SELECT name FROM assess_indicators WHERE id = "
				     "ru.veto_indicator_id), (SELECT COUNT(*) FROM assess_round_units k WHERE k.round_id = "
				     "ru.round_id AND k.unit_kind = ru.unit_kind) FROM assess_round_units ru JOIN units u ON "
				     "u.id = ru.unit_id WHERE ru.round_id = ? AND ru.unit_id = ?",
				     "ii", id, unit);
	if (!q || db_step(q) != DB_ROW)
		return req_fail(r, 404, M_NONE);
	const char *name = arena_strdup(r->a, db_column_text(q, 0));
	const char *grade = db_column_isnull(q, 5) ? NULL : arena_strdup(r->a, db_column_text(q, 5));
	int computed = !db_column_isnull(q, 3);
	double own = db_column_double(q, 2), total = db_column_double(q, 3), max = db_column_double(q, 4);
	int64_t rank = db_column_int64(q, 6), nkind = db_column_int64(q, 9);
	int vetoed = (int)db_column_int64(q, 7);
	const char *veto_name = db_column_isnull(q, 8) ? NULL : arena_strdup(r->a, db_column_text(q, 8));
	const char *kind = arena_strdup(r->a, db_column_text(q, 1));
	(void)kind;

	struct assess_tree t;
	if (assess_tree_load(r, rd.system_id, &t))
		return req_fail(r, 503, M_err_db_down);
	int nsc = 0;
	struct leaf_score *sc = arena_alloc(r->a, (size_t)(t.n + 1) * sizeof *sc);
	q = db_query(db, r->a,
		     "SELECT indicator_id, max_points, points, source, explanation, comment FROM assess_round_scores WHERE "
		     "round_id = ? AND unit_id = ?",
		     "ii", id, unit);
	while (q && db_step(q) == DB_ROW && nsc < t.n) {
		struct leaf_score *s = &sc[nsc++];
		memset(s, 0, sizeof *s);
		s->indicator = db_column_int64(q, 0);
		s->max = db_column_double(q, 1);
		s->has_points = !db_column_isnull(q, 2);
		s->points = db_column_double(q, 2);
		s->source = arena_strdup(r->a, db_column_text(q, 3));
		s->explanation = arena_strdup(r->a, db_column_text(q, 4));
		s->comment = arena_strdup(r->a, db_column_text(q, 5));
		leaf_metrics(r, s);
	}

	const char *rpath = arena_printf(r->a, "/assessment/rounds/%lld", (long long)id);
	struct crumb c[] = {{"/assessment/rounds", T(r, M_assess_rounds)}, {rpath, rd.name}, {NULL, name}};
	page_begin(r, name, c, 3);
	page_heading(r, name, NULL);
	html(r,
	     "<section class=\"card\" id=\"summary\"><dl class=\"props\"><dt>%T</dt><dd id=\"total\">%s</dd><dt>%T</dt>"
	     "<dd id=\"own-total\">%s</dd><dt>%T</dt><dd id=\"max-total\">%s</dd><dt>%T</dt><dd id=\"grade\" "
	     "data-grade=\"%a\">%H</dd><dt>%T</dt><dd id=\"rank\">%H</dd>%H</dl></section>",
	     M_assess_round_total, computed ? assess_num(r, total) : "–", M_assess_round_own_total,
	     computed ? assess_num(r, own) : "–", M_assess_round_max, assess_num(r, max), M_assess_round_grade,
	     grade ? grade : "",
	     grade ? html_fmt(r, "<span class=\"badge\">%T</span>", assess_grade_label(grade)) : NULL,
	     M_assess_round_rank, rank ? html_fmt(r, "%D / %D", rank, nkind) : NULL,
	     vetoed ? html_fmt(r, "<dt>%T</dt><dd id=\"veto\"><span class=\"badge badge-warn\">%T</span> %s</dd>",
			       M_assess_round_veto, M_assess_vetoed, veto_name ? veto_name : "")
		    : NULL);
	html(r, "<section class=\"card\" id=\"score-tree\"><h2>%T</h2>", M_assess_round_score_of);
	if (nsc)
		tree_render(r, &t, 0, sc, nsc, id, unit);
	else
		html(r, "<p class=\"hint\">%T</p>", M_assess_round_not_computed);
	html(r, "</section>");
	/* the sub-units in the round */
	q = db_query(db, r->a,
		     "SELECT ru.unit_id, u.name, ru.total, ru.grade FROM assess_round_units ru JOIN units u ON u.id = "
		     "ru.unit_id WHERE ru.round_id = ? AND ru.parent_id = ? ORDER BY u.name, ru.unit_id LIMIT 500",
		     "ii", id, unit);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++)
			html(r, "<section class=\"card\" id=\"sub-units\"><h2>%T</h2><ul>", M_assess_round_sub_units);
		const char *g = db_column_isnull(q, 3) ? NULL : db_column_text(q, 3);
		html(r, "<li><a href=\"/assessment/rounds/%D/units/%D\">%s</a> %s %H</li>", id, db_column_int64(q, 0),
		     db_column_text(q, 1), db_column_isnull(q, 2) ? "–" : assess_num(r, db_column_double(q, 2)),
		     g ? html_fmt(r, "<span class=\"badge\">%T</span>", assess_grade_label(g)) : NULL);
	}
	if (n)
		html(r, "</ul></section>");
	assess_roundwork_links(r, &rd, unit); /* round work */
	page_end(r);
	return 0;
}

const struct route assess_score_routes[] = {
	{"GET", "/assessment/rounds/{id:int}/units/{unit:int}", score_page, P_SIGNED_IN, 0, "assessment score"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
