/* pages.c — the organization pages beyond the generic register pages:
 * the unit tree (expand, collapse, search, move), staff statistics for a
 * subtree with charts and their JSON, and certificates about to expire. */
#include "org.h"
#include "stats.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../search/search.h"
#include "../web/chart.h"
#include "../web/widgets.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Today plus some days, YYYY-MM-DD in the server's zone (arena). */
static const char *today(struct req *r, int plus_days)
{
	return cal_format_date(cal_local_day(time(NULL)) + plus_days, arena_alloc(r->a, CAL_DATE_SIZE));
}

/* The unit a page is about: ?unit=ID, else the top of what the user sees. */
static int64_t chosen_unit(struct req *r, int *bad)
{
	const char *u = req_query(r, "unit");
	*bad = 0;
	if (u && *u) {
		char *end;
		long long id = strtoll(u, &end, 10);
		if (*end || id <= 0) {
			*bad = 1;
			return 0;
		}
		return id;
	}
	struct db *db = req_db(r);
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		if (people_type.access[r->user->grants[i].role] >= ACC_READ && r->user->grants[i].unit_id)
			return r->user->grants[i].unit_id;
	return db_one_int64(db, 0, "SELECT id FROM units WHERE parent_id IS NULL AND archived = 0 ORDER BY id LIMIT 1", NULL);
}

/* ---- tree ---- */

struct tree_row {
	int64_t id, parent, people, sort;
	const char *code, *name, *kind;
	int level, active;
};

static int by_id(const void *a, const void *b)
{
	const struct tree_row *x = *(const struct tree_row *const *)a, *y = *(const struct tree_row *const *)b;
	return (x->id > y->id) - (x->id < y->id);
}

/* Siblings in their declared order (sort_order, then code). */
static int by_order(const void *a, const void *b)
{
	const struct tree_row *x = *(const struct tree_row *const *)a, *y = *(const struct tree_row *const *)b;
	if (x->sort != y->sort)
		return (x->sort > y->sort) - (x->sort < y->sort);
	return strcmp(x->code, y->code);
}

/* The rows depth-first, siblings in their declared order, each with its
 * level (0 for a unit whose parent is not shown) and its people counted
 * over its whole subtree. A new array in the arena. */
static struct tree_row *tree_order(struct req *r, struct tree_row *rows, int n)
{
	struct tree_row **ids = arena_alloc(r->a, (size_t)(n + 1) * sizeof *ids);
	for (int i = 0; i < n; i++)
		ids[i] = &rows[i];
	qsort(ids, (size_t)n, sizeof *ids, by_id);
	/* children of each row: parents found by id, siblings sorted */
	int *parent = arena_alloc(r->a, (size_t)(n + 1) * sizeof *parent), *nkids = arena_alloc(r->a, (size_t)(n + 1) * sizeof *nkids);
	for (int i = 0; i < n; i++) {
		struct tree_row key = {.id = rows[i].parent}, *kp = &key;
		struct tree_row **hit = rows[i].parent ? bsearch(&kp, ids, (size_t)n, sizeof *ids, by_id) : NULL;
		parent[i] = hit ? (int)(*hit - rows) : -1;
		nkids[parent[i] + 1]++; /* slot 0: the roots */
	}
	int *start = arena_alloc(r->a, (size_t)(n + 2) * sizeof *start);
	for (int i = 0; i <= n; i++)
		start[i + 1] = start[i] + nkids[i];
	struct tree_row **kids = arena_alloc(r->a, (size_t)(n + 1) * sizeof *kids);
	int *fill = arena_alloc(r->a, (size_t)(n + 1) * sizeof *fill);
	for (int i = 0; i < n; i++)
		kids[start[parent[i] + 1] + fill[parent[i] + 1]++] = &rows[i];
	for (int i = 0; i <= n; i++)
		qsort(kids + start[i], (size_t)nkids[i], sizeof *kids, by_order);
	/* depth-first with an explicit stack (worker threads have small stacks) */
	struct tree_row *out = arena_alloc(r->a, (size_t)(n + 1) * sizeof *out);
	struct tree_row **stack = arena_alloc(r->a, (size_t)(n + 1) * sizeof *stack);
	int *outpos = arena_alloc(r->a, (size_t)(n + 1) * sizeof *outpos), *outparent = arena_alloc(r->a, (size_t)(n + 1) * sizeof *outparent);
	int sp = 0, m = 0;
	for (int k = start[1] - 1; k >= start[0]; k--)
		stack[sp++] = kids[k];
	while (sp) {
		struct tree_row *t = stack[--sp];
		int i = (int)(t - rows);
		outparent[m] = parent[i] >= 0 ? outpos[parent[i]] : -1;
		t->level = outparent[m] >= 0 ? out[outparent[m]].level + 1 : 0;
		outpos[i] = m;
		out[m++] = *t;
		for (int k = start[i + 2] - 1; k >= start[i + 1]; k--)
			stack[sp++] = kids[k];
	}
	/* the whole subtree's people: children come after their parent */
	for (int j = m - 1; j >= 0; j--)
		if (outparent[j] >= 0)
			out[outparent[j]].people += out[j].people;
	return out;
}

static int tree_page(struct req *r)
{
	if (!record_type_may(r, &units_type, ACC_READ))
		return req_fail(r, 403, M_NONE);
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	const char *q = req_query(r, "q");
	if (q && strlen(q) > 100)
		return req_fail(r, 400, M_err_query_too_long);
	struct kvlist b = {0};
	const char *scope = record_scope_sql(r, &units_type, "t", &b);
	/* with a search, keep the matches and every unit above them; the
	 * search index holds the code and name normalized (Simplified, lower
	 * case), so 运输管理 finds 運輸管理 */
	const char *match = q && *q ? search_like_pattern(r, search_normalize(r->a, q)) : NULL;
	const char *sql = arena_printf(
		r->a,
		"SELECT t.id, t.code, t.name, t.kind, COALESCE(t.parent_id, 0), t.active, "
		"(SELECT count(*) FROM people p WHERE p.unit_id = t.id AND p.archived = 0 AND p.status = 'active'), "
		"COALESCE(t.sort_order, 0) FROM units t WHERE t.archived = 0%s%s ORDER BY t.path LIMIT 20000",
		scope,
		match ? " AND EXISTS (SELECT 1 FROM search_index m WHERE m.type = 'units' AND m.body LIKE ? ESCAPE '\\' "
			"AND m.record_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = t.id))"
		      : "");
	struct db_stmt *s = db_prepare(db, r->a, sql);
	int idx = 1;
	for (size_t k = 0; s && k < b.n; k++)
		db_bind_int64(s, idx++, strtoll(b.v[k].value, NULL, 10));
	if (s && match)
		db_bind_text(s, idx++, match);

	struct crumb c[] = {{"/r/units", T(r, M_units)}, {NULL, T(r, M_org_tree)}};
	page_begin(r, T(r, M_org_tree), c, 2);
	const struct markup *actions = html_fmt(r, "<a class=\"btn\" href=\"/org/stats\">%T</a><a class=\"btn\" href=\"/r/units\">%T</a>",
				       M_org_stats, M_org_as_list);
	if (record_type_may(r, &units_type, ACC_WRITE))
		actions = html_fmt(r, "%H<a class=\"btn btn-primary\" href=\"/r/units/new\">%T</a>", actions, M_rec_new);
	page_heading(r, T(r, M_org_tree), actions);
	html(r, "<form class=\"filters\" method=\"get\" action=\"/org/tree\"><div class=\"field\"><label for=\"f-q\">%T</label>"
		"<input id=\"f-q\" name=\"q\" type=\"search\" value=\"%a\"></div><div class=\"filter-actions\">"
		"<button class=\"btn\">%T</button><a class=\"btn btn-plain\" href=\"/org/tree\">%T</a></div></form>",
	     M_search, q ? q : "", M_search, M_clear);
	struct tree_row *rows = NULL;
	int nrows = 0, cap = 0;
	while (s && db_step(s) == DB_ROW) {
		if (nrows == cap) {
			cap = cap ? cap * 2 : 256;
			struct tree_row *nr = arena_alloc(r->a, (size_t)cap * sizeof *nr);
			if (nrows)
				memcpy(nr, rows, (size_t)nrows * sizeof *nr);
			rows = nr;
		}
		rows[nrows++] = (struct tree_row){.id = db_column_int64(s, 0),
						  .parent = db_column_int64(s, 4),
						  .people = db_column_int64(s, 6),
						  .sort = db_column_int64(s, 7),
						  .code = arena_strdup(r->a, db_column_text(s, 1)),
						  .name = arena_strdup(r->a, db_column_text(s, 2)),
						  .kind = arena_strdup(r->a, db_column_text(s, 3)),
						  .active = (int)db_column_int64(s, 5)};
	}
	rows = tree_order(r, rows, nrows);
	html(r, "<section class=\"card\"><div class=\"tree\"><ul class=\"tree-level\">");
	for (int i = 0; i < nrows; i++) {
		const struct tree_row *t = &rows[i];
		int level = t->level, next = i + 1 < nrows ? rows[i + 1].level : 0;
		enum msg_id kl = M_NONE;
		for (const struct enum_opt *o = unit_kinds; o->code; o++)
			if (!strcmp(o->code, t->kind))
				kl = o->label;
		int parent = next > level;
		/* the unit's row stays outside <summary>, which holds only the fold
		 * button: links inside a summary are a control inside a control */
		html(r, "<li><div class=\"node\"><span class=\"node-main\"><a href=\"/r/units/%D\">%s</a> <span class=\"muted mono\">%s</span> "
			"<span class=\"badge badge-muted\">%T</span>",
		     t->id, t->name, t->code, kl);
		if (!t->active)
			html(r, " <span class=\"badge badge-warn\">%T</span>", M_unit_inactive);
		html(r, " <span class=\"muted\">");
		html(r, T(r, M_org_n_people), t->people);
		html(r, "</span></span>"); /* the button stays beside the name, never under it */
		if (authz_record(r, &units_type, ACC_WRITE, t->id, 0))
			html(r, " <a class=\"btn btn-sm\" href=\"/org/units/%D/move\">%T</a>", t->id, M_org_move);
		html(r, "</div>");
		if (parent) {
			html(r, "<details%H><summary><span class=\"sr-only\">%s</span></summary><ul class=\"tree-level\">",
			     level < 1 || match ? MARKUP(" open") : MARKUP(""), arena_printf(r->a, T(r, M_a11y_units_under), t->name));
			continue;
		}
		html(r, "</li>");
		for (int k = level; k > next; k--)
			html(r, "</ul></details></li>");
	}
	html(r, "</ul>");
	html(r, "</div></section>");
	if (!nrows)
		empty_state(r, M_no_results, match ? M_no_results_hint : M_org_empty, NULL, M_NONE);
	page_end(r);
	return 0;
}

/* ---- move ---- */

static int move_page(struct req *r)
{
	struct record *before = record_load(r, &units_type, req_param_int(r, "id"));
	if (!before)
		return req_fail(r, 404, M_rec_not_found);
	if (!authz_record(r, &units_type, ACC_WRITE, before->id, 0))
		return req_fail(r, 403, M_NONE);
	int pi = record_field_index(&units_type, "parent_id");
	struct record *rec = record_copy(r, before);
	struct record_errors e = {0};
	if (!strcmp(r->method, "POST")) {
		record_set(r, rec, pi, req_form(r, "parent_id"));
		if (!record_validate(r, rec, before, &e)) {
			int rc = record_save(r, rec, before);
			if (!rc) {
				req_flash(r, "ok", M_org_moved);
				return req_redirect(r, "/org/tree");
			}
			if (rc != DB_E_BUSY)
				return req_fail(r, 500, M_NONE);
			e.record = M_rec_conflict;
		}
		r->status = 422;
	}
	const char *name = before->vals[record_field_index(&units_type, "name")];
	struct crumb c[] = {{"/org/tree", T(r, M_org_tree)}, {NULL, name}};
	page_begin(r, T(r, M_org_move), c, 2);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, M_org_move), name), NULL);
	if (e.record != M_NONE)
		html(r, "<div class=\"form-errors\" role=\"alert\"><p>%T</p></div>", e.record);
	html(r, "<section class=\"card\"><form class=\"form\" method=\"post\">%H", csrf_input(r));
	if (e.field && e.field[pi] != M_NONE)
		form_errors(r, 1);
	html(r, "<div class=\"field%H\"><label for=\"f-parent_id\">%T</label><select id=\"f-parent_id\" name=\"parent_id\"%H>"
		"<option value=\"\">%T</option>",
	     e.field && e.field[pi] != M_NONE ? MARKUP(" has-error") : MARKUP(""), M_org_new_parent,
	     e.field && e.field[pi] != M_NONE ? MARKUP(" aria-invalid=\"true\" aria-describedby=\"f-parent_id-err\"") : MARKUP(""),
	     M_org_top_level);
	struct kvlist b = {0};
	const char *scope = record_scope_sql(r, &units_type, "t", &b);
	struct db_stmt *s = db_prepare(
		req_db(r), r->a, arena_printf(r->a,
					"SELECT t.id, t.code, t.name, length(t.path) - length(replace(t.path, '/', '')) FROM units t "
					"WHERE t.archived = 0 AND substr(t.path, 1, ?) <> ?%s ORDER BY t.path LIMIT 5000",
					scope));
	const char *mypath = before->vals[record_field_index(&units_type, "path")];
	db_bind_int64(s, 1, (int64_t)strlen(mypath ? mypath : ""));
	db_bind_text(s, 2, mypath ? mypath : "");
	for (size_t k = 0; k < b.n; k++)
		db_bind_int64(s, 3 + (int)k, strtoll(b.v[k].value, NULL, 10));
	/* a refused parent is not among the options (it lies inside this unit):
	 * show the current parent again rather than falling back to the top */
	int refused = e.field && e.field[pi] != M_NONE;
	const char *cur = refused ? before->vals[pi] : rec->vals[pi];
	while (s && db_step(s) == DB_ROW) {
		const char *id = db_column_text(s, 0);
		html(r, "<option value=\"%a\"%H>", id, cur && !strcmp(cur, id) ? MARKUP(" selected") : MARKUP(""));
		for (int d = 0; d < (int)db_column_int64(s, 3) - 2 && d < 8; d++)
			html(r, "　");
		html(r, "%s %s</option>", db_column_text(s, 1), db_column_text(s, 2));
	}
	html(r, "</select>");
	if (e.field && e.field[pi] != M_NONE)
		html(r, "<p class=\"error\" id=\"f-parent_id-err\">%T</p>", e.field[pi]);
	html(r, "<p class=\"hint\">%T</p></div><div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button>"
		"<a class=\"btn btn-plain\" href=\"/org/tree\">%T</a></div></form></section>",
	     M_org_move_hint, M_org_move, M_cancel);
	page_end(r);
	return 0;
}

/* ---- statistics ---- */

struct unit_row {
	int64_t id;
	const char *name;
	struct people_stats s;
};

/* The unit and its direct children with their subtree statistics. */
static int collect(struct req *r, int64_t unit, struct unit_row *top, struct unit_row **kids, int *nkids)
{
	struct db *db = req_db(r);
	const char *day = today(r, 0);
	top->id = unit;
	top->name = db_one_text(db, r->a, "SELECT name FROM units WHERE id = ? AND archived = 0", "i", unit);
	if (!top->name || people_stats(db, unit, day, &top->s))
		return -1;
	int64_t n = db_one_int64(db, 0, "SELECT count(*) FROM units WHERE parent_id = ? AND archived = 0", "i", unit);
	*kids = arena_alloc(r->a, (size_t)(n + 1) * sizeof **kids);
	*nkids = 0;
	struct db_stmt *q = db_query(db, r->a, "SELECT id, name FROM units WHERE parent_id = ? AND archived = 0 ORDER BY COALESCE(sort_order, 0), code", "i", unit);
	while (q && db_step(q) == DB_ROW && *nkids < n) {
		struct unit_row *k = &(*kids)[(*nkids)++];
		k->id = db_column_int64(q, 0);
		k->name = arena_strdup(r->a, db_column_text(q, 1));
	}
	db_reset(q);
	for (int i = 0; i < *nkids; i++)
		people_stats(db, (*kids)[i].id, day, &(*kids)[i].s);
	return 0;
}

static int stats_allowed(struct req *r, int64_t unit)
{
	/* statistics are about people: the unit must be one whose staff the user may read */
	for (int i = 0; r->user && i < r->user->ngrants; i++) {
		const struct grant *g = &r->user->grants[i];
		if (people_type.access[g->role] >= ACC_READ &&
		    (g->unit_id == 0 || authz_record(r, &people_type, ACC_READ, unit, 0)))
			return 1;
	}
	return 0;
}

/* The chosen unit and its figures for the statistics page and its JSON,
 * if the user may see them; otherwise the request has failed, -1. */
static int stats_load(struct req *r, int64_t *unit, struct unit_row *top, struct unit_row **kids, int *n)
{
	int bad;
	*unit = chosen_unit(r, &bad);
	if (bad)
		req_fail(r, 400, M_rec_bad_filter);
	else if (!*unit)
		req_fail(r, 404, M_org_empty);
	else if (!stats_allowed(r, *unit))
		req_fail(r, 403, M_NONE);
	else if (collect(r, *unit, top, kids, n))
		req_fail(r, 404, M_rec_not_found);
	else
		return 0;
	return -1;
}

static int stats_page(struct req *r)
{
	int64_t unit;
	struct unit_row top, *kids;
	int n;
	if (stats_load(r, &unit, &top, &kids, &n))
		return 0;
	struct crumb c[] = {{"/org/tree", T(r, M_org_tree)}, {NULL, T(r, M_org_stats)}};
	page_begin(r, T(r, M_org_stats), c, 2);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, M_org_stats), top.name),
		     html_fmt(r, "<a class=\"btn\" href=\"/api/v1/stats/people?unit=%D\">JSON</a>", unit));
	html(r, "<form class=\"filters\" method=\"get\" action=\"/org/stats\"><div class=\"field\"><label for=\"f-unit\">%T</label>",
	     M_unit);
	unit_picker(r, "f-unit", "unit", arena_printf(r->a, "%lld", (long long)unit), 1, M_NONE, NULL);
	html(r, "</div><div class=\"filter-actions\"><button class=\"btn\">%T</button></div></form>", M_org_show);
	html(r, "<div class=\"tiles\">");
	const struct {
		enum msg_id label;
		int64_t v;
		const char *filter;
	} tiles[] = {
		{M_stat_total, top.s.total, ""},
		{M_stat_party, top.s.party_members, "&party_member=1"},
		{M_stat_certified, top.s.law_enforcement_certified, NULL},
		{M_stat_mid_level, top.s.mid_level_professionals, NULL},
	};
	for (int i = 0; i < 4; i++) {
		if (tiles[i].filter)
			html(r, "<a class=\"tile\" href=\"/r/people?unit_id=%D&amp;status=active%s\">", unit, tiles[i].filter);
		else
			html(r, "<div class=\"tile\">");
		html(r, "<span class=\"tile-label\">%T</span><span class=\"tile-value\">%N</span>%H", tiles[i].label, tiles[i].v,
		     tiles[i].filter ? MARKUP("</a>") : MARKUP("</div>"));
	}
	html(r, "</div>");
	if (n > 0) {
		const char **cats = arena_alloc(r->a, (size_t)n * sizeof *cats);
		int64_t *v[4];
		for (int k = 0; k < 4; k++)
			v[k] = arena_alloc(r->a, (size_t)n * sizeof *v[k]);
		for (int i = 0; i < n; i++) {
			cats[i] = kids[i].name;
			v[0][i] = kids[i].s.total;
			v[1][i] = kids[i].s.party_members;
			v[2][i] = kids[i].s.law_enforcement_certified;
			v[3][i] = kids[i].s.mid_level_professionals;
		}
		struct chart_series series[4] = {{T(r, M_stat_total), v[0]}, {T(r, M_stat_party), v[1]},
						 {T(r, M_stat_certified), v[2]}, {T(r, M_stat_mid_level), v[3]}};
		html(r, "<section class=\"card\">");
		chart_bars(r, T(r, M_stat_by_unit), cats, n, series, 4);
		html(r, "</section>");
		static const struct list_col cols[] = {{M_unit, NULL, 0}, {M_stat_total, NULL, 1}, {M_stat_party, NULL, 1},
						       {M_stat_certified, NULL, 1}, {M_stat_mid_level, NULL, 1}};
		list_begin(r, cols, 5, -1, 0);
		/* the unit's own staff (not in any unit below it), so that the
		 * rows add up to the total */
		struct people_stats own = top.s;
		for (int i = 0; i < n; i++) {
			html(r, "<tr><td><a href=\"/org/stats?unit=%D\">%s</a></td><td class=\"num\">%N</td><td class=\"num\">%N</td>"
				"<td class=\"num\">%N</td><td class=\"num\">%N</td></tr>",
			     kids[i].id, kids[i].name, kids[i].s.total, kids[i].s.party_members,
			     kids[i].s.law_enforcement_certified, kids[i].s.mid_level_professionals);
			own.total -= kids[i].s.total;
			own.party_members -= kids[i].s.party_members;
			own.law_enforcement_certified -= kids[i].s.law_enforcement_certified;
			own.mid_level_professionals -= kids[i].s.mid_level_professionals;
		}
		html(r, "<tr><td>");
		html(r, T(r, M_stat_own_staff), top.name);
		html(r, "</td><td class=\"num\">%N</td><td class=\"num\">%N</td><td class=\"num\">%N</td><td class=\"num\">%N</td>"
			"</tr><tr class=\"sum\"><th scope=\"row\">%T</th><td class=\"num\">%N</td><td class=\"num\">%N</td>"
			"<td class=\"num\">%N</td><td class=\"num\">%N</td></tr>",
		     own.total, own.party_members, own.law_enforcement_certified, own.mid_level_professionals, M_stat_sum,
		     top.s.total, top.s.party_members, top.s.law_enforcement_certified, top.s.mid_level_professionals);
		list_end(r);
	}
	html(r, "<p class=\"muted\">%T</p>", M_stat_definition);
	page_end(r);
	return 0;
}

static void stats_object(struct buf *b, const struct people_stats *s)
{
	buf_printf(b,
		   "\"total\":%lld,\"party_members\":%lld,\"law_enforcement_certified\":%lld,\"mid_level_professionals\":%lld",
		   (long long)s->total, (long long)s->party_members, (long long)s->law_enforcement_certified,
		   (long long)s->mid_level_professionals);
}

static int stats_json(struct req *r)
{
	int64_t unit;
	struct unit_row top, *kids;
	int n;
	if (stats_load(r, &unit, &top, &kids, &n))
		return 0;
	req_json_begin(r, 200);
	struct buf *b = &r->out;
	buf_printf(b, "{\"data\":{\"unit\":{\"id\":%lld,\"name\":", (long long)unit);
	buf_json_str(b, top.name);
	buf_puts(b, "},");
	stats_object(b, &top.s);
	buf_printf(b, ",\"as_of\":\"%s\",\"by_unit\":[", today(r, 0));
	for (int i = 0; i < n; i++) {
		buf_printf(b, "%s{\"id\":%lld,\"name\":", i ? "," : "", (long long)kids[i].id);
		buf_json_str(b, kids[i].name);
		buf_putc(b, ',');
		stats_object(b, &kids[i].s);
		buf_putc(b, '}');
	}
	buf_puts(b, "]}}\n");
	return 0;
}

/* ---- certificates about to expire ---- */

static int certificates_page(struct req *r)
{
	if (!record_type_may(r, &people_type, ACC_READ))
		return req_fail(r, 403, M_NONE);
	const char *d = req_query(r, "days");
	int days = d ? atoi(d) : 60;
	if (days < 1 || days > 3650)
		return req_fail(r, 400, M_rec_bad_filter);
	struct db *db = req_db(r);
	struct kvlist b = {0};
	const char *scope = record_scope_sql(r, &people_type, "t", &b);
	const char *from = today(r, 0), *to = today(r, days);
	const char *where = arena_printf(r->a,
					 " FROM people t LEFT JOIN units u ON u.id = t.unit_id WHERE t.archived = 0 AND "
					 "t.status = 'active' AND t.cert_number IS NOT NULL AND t.cert_expires >= ? AND "
					 "t.cert_expires <= ?%s",
					 scope);
	int page = req_page(r), per = 50;
	if (!page)
		return req_fail(r, 400, M_err_bad_page);
	struct db_stmt *cq = db_prepare(db, r->a, arena_printf(r->a, "SELECT count(*)%s", where));
	db_bind_text(cq, 1, from);
	db_bind_text(cq, 2, to);
	for (size_t k = 0; k < b.n; k++)
		db_bind_int64(cq, 3 + (int)k, strtoll(b.v[k].value, NULL, 10));
	int64_t total = cq && db_step(cq) == DB_ROW ? db_column_int64(cq, 0) : 0;
	db_reset(cq);

	struct crumb c[] = {{"/r/people", T(r, M_people)}, {NULL, T(r, M_cert_expiring)}};
	page_begin(r, T(r, M_cert_expiring), c, 2);
	page_heading(r, T(r, M_cert_expiring), NULL);
	html(r, "<form class=\"filters\" method=\"get\"><div class=\"field\"><label for=\"f-days\">%T</label>"
		"<input id=\"f-days\" name=\"days\" type=\"number\" min=\"1\" max=\"3650\" value=\"%d\"></div>"
		"<div class=\"filter-actions\"><button class=\"btn\">%T</button></div></form>",
	     M_cert_within_days, days, M_filter);
	if (!total) {
		empty_state(r, M_cert_none_expiring, M_NONE, NULL, M_NONE);
		page_end(r);
		return 0;
	}
	static const struct list_col cols[] = {
		{M_person_name, NULL, 0}, {M_person_unit, NULL, 0}, {M_cert_number, NULL, 0}, {M_cert_expires, NULL, 0}};
	list_begin(r, cols, 4, 3, 0);
	struct db_stmt *s = db_prepare(
		db, r->a, arena_printf(r->a, "SELECT t.id, t.name, u.name, t.cert_number, t.cert_expires%s ORDER BY t.cert_expires, t.id "
				       "LIMIT ? OFFSET ?",
				 where));
	db_bind_text(s, 1, from);
	db_bind_text(s, 2, to);
	int idx = 3;
	for (size_t k = 0; k < b.n; k++)
		db_bind_int64(s, idx++, strtoll(b.v[k].value, NULL, 10));
	db_bind_int64(s, idx++, per);
	db_bind_int64(s, idx++, (int64_t)(page - 1) * per);
	while (s && db_step(s) == DB_ROW)
		html(r, "<tr><td><a href=\"/r/people/%D\">%s</a></td><td>%s</td><td class=\"mono\">%s</td><td>%s</td></tr>",
		     db_column_int64(s, 0), db_column_text(s, 1), db_column_text(s, 2), db_column_text(s, 3),
		     db_column_text(s, 4));
	list_end(r);
	list_pager(r, total, page, per);
	page_end(r);
	return 0;
}

const struct route org_routes[] = {
	{"GET", "/org/tree", tree_page, P_SIGNED_IN, 0, NULL},
	{"GET", "/org/units/{id:int}/move", move_page, P_SIGNED_IN, 0, NULL},
	{"POST", "/org/units/{id:int}/move", move_page, P_SIGNED_IN, 1, NULL},
	{"GET", "/org/stats", stats_page, P_SIGNED_IN, 0, NULL},
	{"GET", "/org/certificates", certificates_page, P_SIGNED_IN, 0, NULL},
	{"GET", "/api/v1/stats/people", stats_json, P_SIGNED_IN, 0, NULL},
	{NULL, NULL, NULL, 0, 0, NULL},
};
