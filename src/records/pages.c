/* pages.c — the HTML pages every record type gets from its declaration:
 * list (filters, search, sort, pager, export), detail (with masked values,
 * related records), create / edit forms with inline errors, archive and
 * restore behind confirm pages, and the audited reveal of a sensitive value. */
#include "export.h"
#include "query.h"
#include "../core/cache.h"
#include "../db/db.h"
#include "../web/widgets.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *list_url(struct req *r, const struct record_type *t)
{
	return arena_printf(r->a, "/r/%s", t->name);
}

/* ---- list ---- */

/* <option>s for the newest records of a type, by their title. */
static void ref_options(struct req *r, const struct record_type *rt, const char *cur)
{
	struct db_stmt *s = rt ? db_prepare(req_db(r), arena_printf(r->a,
								   "SELECT id, %s FROM %s WHERE archived = 0 ORDER BY id DESC "
								   "LIMIT 1000",
								   rt->title_field, rt->table))
			       : NULL;
	while (s && db_step(s) == DB_ROW) {
		const char *id = db_column_text(s, 0);
		html(r, "<option value=\"%a\"%H>%s</option>", id, cur && !strcmp(cur, id) ? " selected" : "",
		     db_column_text(s, 1));
	}
	db_done(s);
}

/* gen: the data generation the list was read at (its options are cached
 * for it). */
static void filter_form(struct req *r, const struct record_type *t, int64_t gen)
{
	struct db *db = req_db(r);
	const char *q = req_query(r, "q");
	html(r, "<form class=\"filters\" method=\"get\" action=\"/r/%s\"><div class=\"field\"><label for=\"f-q\">%T</label>"
		"<input id=\"f-q\" name=\"q\" type=\"search\" value=\"%a\"></div>",
	     t->name, M_search, q ? q : "");
	for (int i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (!(f->flags & FF_FILTER))
			continue;
		const char *cur = req_query(r, f->name);
		html(r, "<div class=\"field\"><label for=\"f-%a\">%T</label><select id=\"f-%a\" name=\"%a\"><option value=\"\">%T"
			"</option>",
		     f->name, f->label, f->name, f->name, M_any);
		if (f->type == F_ENUM) {
			for (const struct enum_opt *o = f->opts; o->code; o++)
				html(r, "<option value=\"%a\"%H>%T</option>", o->code, cur && !strcmp(cur, o->code) ? " selected" : "",
				     o->label);
		} else if (f->type == F_BOOL) {
			html(r, "<option value=\"1\"%H>%T</option><option value=\"0\"%H>%T</option>",
			     cur && !strcmp(cur, "1") ? " selected" : "", M_yes, cur && !strcmp(cur, "0") ? " selected" : "",
			     M_no);
		} else if (f->type == F_UNIT) {
			/* units the user may see, as an indented tree */
			/* the top two levels, and around the chosen unit its ancestors and
			 * children: a tree of 10,000 units would not fit in a select; deeper
			 * units are chosen from the unit tree's pages */
			struct kvlist b = {0};
			const char *scope = record_scope_sql(r, record_type_find("units"), "t", &b);
			int64_t chosen = cur && *cur ? strtoll(cur, NULL, 10) : 0;
			/* the same for every list of every register with the same scope
			 * and chosen unit, until the data changes: cached (a third of a
			 * list page's time when the cache of whole pages misses) */
			struct buf key;
			buf_init(&key, r->a);
			buf_printf(&key, "unit-options|%s|%s", cur ? cur : "", scope);
			for (size_t k = 0; k < b.n; k++)
				buf_printf(&key, "|%s", b.v[k].value);
			size_t mark = r->out.len;
			if (cache_get(key.p, gen, &r->out)) {
				html(r, "</select></div>");
				continue;
			}
			struct db_stmt *s = db_prepare(
				db, arena_printf(r->a,
						 "SELECT t.id, t.name, length(t.path) - length(replace(t.path, '/', '')) FROM units t "
						 "WHERE t.archived = 0 AND t.id IN ("
						 "SELECT id FROM units WHERE parent_id IS NULL "
						 "UNION SELECT c.id FROM units c JOIN units p ON c.parent_id = p.id WHERE p.parent_id IS NULL "
						 "UNION SELECT id FROM units WHERE parent_id = ? "
						 "UNION SELECT ancestor_id FROM unit_tree WHERE unit_id = ?)"
						 "%s ORDER BY t.path LIMIT 1000",
						 scope));
			if (s) {
				db_bind_int64(s, 1, chosen);
				db_bind_int64(s, 2, chosen);
			}
			for (size_t k = 0; s && k < b.n; k++)
				db_bind_int64(s, (int)k + 3, strtoll(b.v[k].value, NULL, 10));
			while (s && db_step(s) == DB_ROW) {
				const char *id = db_column_text(s, 0);
				int depth = (int)db_column_int64(s, 2) - 2;
				html(r, "<option value=\"%a\"%H>", id, cur && !strcmp(cur, id) ? " selected" : "");
				for (int d = 0; d < depth && d < 8; d++)
					html(r, "　");
				html(r, "%s</option>", db_column_text(s, 1));
			}
			db_done(s);
			if (s)
				cache_put(key.p, gen, r->out.p + mark, r->out.len - mark);
		} else if (f->type == F_REF) {
			ref_options(r, record_type_find(f->ref), cur);
		}
		html(r, "</select></div>");
	}
	const char *arch = req_query(r, "archived");
	html(r, "<div class=\"field\"><label class=\"check\"><input type=\"checkbox\" name=\"archived\" value=\"1\"%H> %T"
		"</label></div>",
	     arch && !strcmp(arch, "1") ? " checked" : "", M_rec_show_archived);
	html(r, "<div class=\"filter-actions\"><button class=\"btn\">%T</button><a class=\"btn btn-plain\" href=\"/r/%s\">"
		"%T</a></div></form>",
	     M_filter, t->name, M_clear);
}

/* The page's content below the shell: the same for every request with the
 * same cache key, so it is cached (list_cache_key) for the data generation. */
static int list_content(struct req *r, const struct record_type *t, struct list_query *q)
{
	int64_t total = list_query_count(r, q);
	if (total < 0)
		return -1;
	const char *exp = url_with(r, "page", NULL);
	const char *sep = strchr(exp, '?') ? "&" : "?";
	const char *export_csv = arena_printf(r->a, "/r/%s/export%s%sformat=csv", t->name, strchr(exp, '?') ? strchr(exp, '?') : "", sep);
	const char *export_xlsx = arena_printf(r->a, "/r/%s/export%s%sformat=xlsx", t->name, strchr(exp, '?') ? strchr(exp, '?') : "", sep);
	const char *actions = "";
	for (const struct record_link *l = t->links; l && l->path; l++)
		actions = html_fmt(r, "%H<a class=\"btn\" href=\"%a\">%T</a>", actions, l->path, l->label);
	actions = html_fmt(r, "%H<a class=\"btn\" href=\"%a\">%T</a><a class=\"btn\" href=\"%a\">%T</a>", actions,
			   export_csv, M_rec_export_csv, export_xlsx, M_rec_export_xlsx);
	if (record_type_may(r, t, ACC_WRITE))
		actions = html_fmt(r, "%H<a class=\"btn\" href=\"/r/%s/import\">%T</a><a class=\"btn btn-primary\" "
				      "href=\"/r/%s/new\">%T</a>",
				   actions, t->name, M_rec_import, t->name, M_rec_new);
	page_heading(r, T(r, t->many), actions);
	filter_form(r, t, q->gen);
	if (total == 0) {
		empty_state(r, M_no_results, M_rec_empty_hint, record_type_may(r, t, ACC_WRITE) ? arena_printf(r->a, "/r/%s/new", t->name) : NULL,
			    M_rec_new);
		return 0;
	}
	/* columns: the declared list fields */
	struct list_col cols[32];
	int idx[32], n = 0;
	for (int i = 0; i < t->nfields && n < 32; i++) {
		const struct field_def *f = &t->fields[i];
		if (!(f->flags & FF_LIST))
			continue;
		cols[n] = (struct list_col){f->label, f->flags & (FF_SORT) ? f->name : NULL, f->type == F_INT || f->type == F_DECIMAL};
		idx[n++] = i;
	}
	int sort_col = -1;
	for (int k = 0; k < n; k++)
		if (idx[k] == q->sort_field)
			sort_col = k;
	list_begin(r, cols, n, sort_col, q->desc);
	struct db_stmt *s = list_query_run(r, q, q->per_page, (int64_t)(q->page - 1) * q->per_page);
	if (!s)
		return -1;
	while (db_step(s) == DB_ROW) {
		struct record *rec = record_from_row(r, t, s);
		html(r, "<tr>");
		for (int k = 0; k < n; k++) {
			const char *v = record_display(r, rec, idx[k], 0);
			if (k == 0)
				html(r, "<td><a href=\"/r/%s/%D\">%s</a></td>", t->name, rec->id, *v ? v : "—");
			else
				html(r, "<td%H>%s</td>", cols[k].num ? " class=\"num\"" : "", v);
		}
		html(r, "</tr>");
	}
	db_done(s);
	list_end(r);
	list_pager(r, total, q->page, q->per_page);
	return 0;
}

static int list_page(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_READ);
	if (!t)
		return 0;
	struct list_query q;
	list_query_build(r, t, &q);
	if (q.error != M_NONE)
		return req_fail(r, 400, q.error);

	struct crumb c[] = {{NULL, T(r, t->many)}};
	page_begin(r, T(r, t->many), c, 1);
	const char *key = list_cache_key(r, "html", t);
	size_t mark = r->out.len;
	if (!cache_get(key, q.gen, &r->out)) {
		if (list_content(r, t, &q))
			return req_fail(r, 503, M_err_db_down);
		/* a form with this session's CSRF token must not serve another
		 * session of the same user: such a page is not cached */
		if (!strstr(r->out.p + mark, req_csrf_token(r)))
			cache_put(key, q.gen, r->out.p + mark, r->out.len - mark);
	}
	page_end(r);
	return 0;
}

/* ---- detail ---- */

static void related(struct req *r, const struct record *rec)
{
	struct db *db = req_db(r);
	for (int k = 0; k < record_ntypes; k++) {
		const struct record_type *o = record_types[k];
		for (int i = 0; i < o->nfields; i++) {
			const struct field_def *f = &o->fields[i];
			if (f->type != F_REF || strcmp(f->ref, rec->type->name) || !record_type_may(r, o, ACC_READ))
				continue;
			int64_t n = db_one_int64(db, 0,
						 arena_printf(r->a, "SELECT count(*) FROM %s WHERE %s = ? AND archived = 0",
							      o->table, f->name),
						 "i", rec->id);
			html(r, "<section class=\"card\"><h2>%T <span class=\"muted\">(%N)</span></h2>", o->many, n);
			struct list_col cols[16];
			int idx[16], m = 0;
			for (int j = 0; j < o->nfields && m < 16; j++)
				if ((o->fields[j].flags & FF_LIST) && j != i) {
					cols[m] = (struct list_col){o->fields[j].label, NULL, 0};
					idx[m++] = j;
				}
			if (n > 0) {
				struct buf sql;
				buf_init(&sql, r->a);
				buf_puts(&sql, "SELECT id, archived, version, created_at, updated_at");
				for (int j = 0; j < o->nfields; j++)
					buf_printf(&sql, ", %s", o->fields[j].name);
				buf_printf(&sql, " FROM %s WHERE %s = ? AND archived = 0 ORDER BY id LIMIT 100", o->table, f->name);
				list_begin(r, cols, m, -1, 0);
				struct db_stmt *q = db_query(db, sql.p, "i", rec->id);
				while (q && db_step(q) == DB_ROW) {
					struct record *c = record_from_row(r, o, q);
					html(r, "<tr>");
					for (int j = 0; j < m; j++) {
						const char *v = record_display(r, c, idx[j], 0);
						if (j == 0)
							html(r, "<td><a href=\"/r/%s/%D\">%s</a></td>", o->name, c->id, *v ? v : "—");
						else
							html(r, "<td>%s</td>", v);
					}
					html(r, "</tr>");
				}
				db_done(q);
				list_end(r);
			}
			html(r, "<p>");
			if (n > 100)
				html(r, "<a href=\"/r/%s?%s=%D\">%T</a> ", o->name, f->name, rec->id, M_rec_see_all);
			if (record_type_may(r, o, ACC_WRITE))
				html(r, "<a class=\"btn btn-sm\" href=\"/r/%s/new?%s=%D\">%T</a>", o->name, f->name, rec->id,
				     M_rec_add_related);
			html(r, "</p></section>");
		}
	}
}

static void detail_props(struct req *r, const struct record *rec, const char *revealed)
{
	const struct record_type *t = rec->type;
	int reveal_ok = record_may_reveal(r, rec);
	html(r, "<section class=\"card\"><dl class=\"props\">");
	for (int i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (f->flags & FF_HIDDEN)
			continue;
		int show = revealed && !strcmp(revealed, f->name);
		const char *v = record_display(r, rec, i, show);
		html(r, "<dt>%T</dt><dd>", f->label);
		if ((f->type == F_UNIT || f->type == F_PERSON || f->type == F_REF) && rec->vals[i]) {
			const char *target = f->type == F_UNIT ? "units" : f->type == F_PERSON ? "people" : f->ref;
			html(r, "<a href=\"/r/%s/%s\">%s</a>", target, rec->vals[i], v);
		} else {
			html(r, "%s", *v ? v : "—");
		}
		if ((f->flags & FF_SENSITIVE) && rec->vals[i] && !show && reveal_ok)
			html(r, " <form class=\"inline\" method=\"post\" action=\"/r/%s/%D/reveal\">%H<input type=\"hidden\" "
				"name=\"field\" value=\"%a\"><button class=\"link\">%T</button></form>",
			     t->name, rec->id, csrf_input(r), f->name, M_rec_reveal);
		html(r, "</dd>");
	}
	char when[64];
	html(r, "<dt>%T</dt><dd>%s</dd>", M_rec_updated, fmt_time(r->lang, rec->updated_at, 1, when, sizeof when));
	html(r, "</dl></section>");
}

static int detail_render(struct req *r, const struct record *rec, const char *revealed)
{
	const struct record_type *t = rec->type;
	int ti = record_field_index(t, t->title_field);
	const char *title = ti >= 0 && rec->vals[ti] ? record_display(r, rec, ti, 0) : arena_printf(r->a, "#%lld", (long long)rec->id);
	struct crumb c[] = {{list_url(r, t), T(r, t->many)}, {NULL, title}};
	page_begin(r, title, c, 2);
	const char *actions = NULL;
	if (authz_record(r, t, ACC_WRITE, record_unit(rec), record_owner(rec))) {
		if (rec->archived)
			actions = html_fmt(r, "<a class=\"btn\" href=\"/r/%s/%D/restore\">%T</a>", t->name, rec->id, M_rec_restore);
		else
			actions = html_fmt(r, "<a class=\"btn btn-primary\" href=\"/r/%s/%D/edit\">%T</a><a class=\"btn\" "
					      "href=\"/r/%s/%D/archive\">%T</a>",
					   t->name, rec->id, M_rec_edit, t->name, rec->id, M_rec_archive);
	}
	page_heading(r, title, actions);
	if (rec->archived)
		html(r, "<div class=\"flash flash-info\" role=\"status\">%T</div>", M_rec_is_archived);
	detail_props(r, rec, revealed);
	if (t->detail_extra)
		t->detail_extra(r, rec);
	related(r, rec);
	if (user_can(r->user, P_AUDIT))
		html(r, "<p><a href=\"/admin/audit?entity=%u&amp;entity_id=%D\">%T</a></p>", t->name, rec->id, M_history_link);
	page_end(r);
	return 0;
}

static int detail_page(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_NONE);
	if (!t)
		return 0;
	struct record *rec = record_load_checked(r, t, ACC_READ);
	return rec ? detail_render(r, rec, NULL) : 0;
}

static int reveal_post(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_NONE);
	if (!t)
		return 0;
	struct record *rec = record_load_checked(r, t, ACC_READ);
	if (!rec)
		return 0;
	const struct field_def *f = record_field(t, req_form(r, "field"));
	if (!f || !(f->flags & FF_SENSITIVE))
		return req_fail(r, 400, M_rec_bad_field);
	int rc = record_reveal(r, rec, f->name);
	if (rc)
		return req_fail(r, rc > 0 ? 403 : 500, M_NONE);
	return detail_render(r, rec, f->name);
}

/* ---- forms ---- */

static void field_widget(struct req *r, const struct record *rec, int i, enum msg_id err)
{
	const struct field_def *f = &rec->type->fields[i];
	const char *v = rec->vals[i];
	const char *name = f->name;
	int req = (f->flags & FF_REQUIRED) != 0;
	struct db *db = req_db(r);
	switch (f->type) {
	case F_TEXT:
		field_input(r, f->pattern == PAT_EMAIL ? "email" : f->pattern == PAT_PHONE ? "tel" : "text", name, f->label, v,
			    err, req, f->hint);
		return;
	case F_INT:
	case F_DECIMAL: field_input(r, "number", name, f->label, v, err, req, f->hint); return;
	case F_DATE: field_input(r, "date", name, f->label, v, err, req, f->hint); return;
	case F_DATETIME: {
		/* the form shows YYYY-MM-DDTHH:MM in the server's zone */
		const char *shown = v;
		if (v && strchr(v, '-') == NULL) {
			time_t tt = (time_t)strtoll(v, NULL, 10);
			struct tm tm;
			localtime_r(&tt, &tm);
			char *b = arena_alloc(r->a, 24);
			strftime(b, 24, "%Y-%m-%dT%H:%M", &tm);
			shown = b;
		}
		field_input(r, "datetime-local", name, f->label, shown, err, req, f->hint);
		return;
	}
	default: break;
	}
	html(r, "<div class=\"field%H\">", err != M_NONE ? " has-error" : "");
	if (f->type == F_BOOL) {
		html(r, "<label class=\"check\"><input type=\"checkbox\" name=\"%a\" value=\"1\"%H> %T</label>", name,
		     v && !strcmp(v, "1") ? " checked" : "", f->label);
	} else {
		html(r, "<label for=\"f-%a\">%T%H</label>", name, f->label, req ? "<span class=\"req\">*</span>" : "");
		if (f->type == F_LONGTEXT) {
			html(r, "<textarea id=\"f-%a\" name=\"%a\" rows=\"5\">%s</textarea>", name, name, v ? v : "");
		} else if (f->type == F_ENUM) {
			html(r, "<select id=\"f-%a\" name=\"%a\"><option value=\"\">—</option>", name, name);
			for (const struct enum_opt *o = f->opts; o->code; o++)
				html(r, "<option value=\"%a\"%H>%T</option>", o->code, v && !strcmp(v, o->code) ? " selected" : "",
				     o->label);
			html(r, "</select>");
		} else if (f->type == F_UNIT) {
			html(r, "<select id=\"f-%a\" name=\"%a\"><option value=\"\">—</option>", name, name);
			struct kvlist b = {0};
			const char *scope = record_scope_sql(r, record_type_find("units"), "t", &b);
			struct db_stmt *s = db_prepare(
				db, arena_printf(r->a,
						 "SELECT t.id, t.code, t.name, length(t.path) - length(replace(t.path, '/', '')) "
						 "FROM units t WHERE t.archived = 0%s ORDER BY t.path LIMIT 3000",
						 scope));
			for (size_t k = 0; s && k < b.n; k++)
				db_bind_int64(s, (int)k + 1, strtoll(b.v[k].value, NULL, 10));
			while (s && db_step(s) == DB_ROW) {
				const char *id = db_column_text(s, 0);
				html(r, "<option value=\"%a\"%H>", id, v && !strcmp(v, id) ? " selected" : "");
				for (int d = 0; d < (int)db_column_int64(s, 3) - 2 && d < 8; d++)
					html(r, "　");
				html(r, "%s %s</option>", db_column_text(s, 1), db_column_text(s, 2));
			}
			db_done(s);
			html(r, "</select>");
		} else if (f->type == F_REF) {
			html(r, "<select id=\"f-%a\" name=\"%a\"><option value=\"\">—</option>", name, name);
			ref_options(r, record_type_find(f->ref), v);
			html(r, "</select>");
		} else if (f->type == F_PERSON) {
			/* people can be many: an id, or a name that is unique */
			html(r, "<input id=\"f-%a\" name=\"%a\" value=\"%a\" inputmode=\"search\">", name, name,
			     v ? arena_printf(r->a, "%s", v) : "");
			if (v && err == M_NONE)
				html(r, "<p class=\"hint\">%s</p>", record_display(r, rec, i, 0));
			if (f->hint == M_NONE)
				html(r, "<p class=\"hint\">%T</p>", M_rec_person_hint);
		}
	}
	if (err != M_NONE)
		html(r, "<p class=\"error\" id=\"f-%a-err\">%T</p>", name, err);
	if (f->hint != M_NONE)
		html(r, "<p class=\"hint\">%T</p>", f->hint);
	html(r, "</div>");
}

static void form_render(struct req *r, const struct record *rec, const struct record_errors *e)
{
	const struct record_type *t = rec->type;
	int editing = rec->id != 0;
	const char *title = editing ? T(r, M_rec_edit) : T(r, M_rec_new);
	const char *back = editing ? arena_printf(r->a, "/r/%s/%lld", t->name, (long long)rec->id) : list_url(r, t);
	struct crumb c[] = {{list_url(r, t), T(r, t->many)}, {NULL, title}};
	page_begin(r, arena_printf(r->a, "%s · %s", title, T(r, t->one)), c, 2);
	page_heading(r, arena_printf(r->a, "%s · %s", title, T(r, t->one)), NULL);
	if (e && e->record != M_NONE)
		html(r, "<div class=\"form-errors\" role=\"alert\"><p>%T</p></div>", e->record);
	else
		form_errors(r, e ? e->count : 0);
	html(r, "<section class=\"card\"><form class=\"form\" method=\"post\" action=\"%a\">%H",
	     editing ? arena_printf(r->a, "/r/%s/%lld", t->name, (long long)rec->id) : list_url(r, t), csrf_input(r));
	if (editing)
		html(r, "<input type=\"hidden\" name=\"_version\" value=\"%D\">", rec->version);
	for (int i = 0; i < t->nfields; i++)
		if (!(t->fields[i].flags & FF_HIDDEN))
			field_widget(r, rec, i, e ? e->field[i] : M_NONE);
	html(r, "<div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button><a class=\"btn btn-plain\" "
		"href=\"%a\">%T</a></div></form></section>",
	     M_save, back, M_cancel);
	page_end(r);
}

static int new_page(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_WRITE);
	if (!t)
		return 0;
	struct record *rec = record_new(r, t);
	/* prefill from the query string: /r/group_members/new?group_id=3 */
	for (int i = 0; i < t->nfields; i++) {
		const char *v = req_query(r, t->fields[i].name);
		if (v && !(t->fields[i].flags & FF_HIDDEN))
			record_set(r, rec, i, v);
	}
	form_render(r, rec, NULL);
	return 0;
}

/* Reads the form into rec: every visible field (an unchecked box is 0). */
static void read_form(struct req *r, struct record *rec)
{
	const struct record_type *t = rec->type;
	for (int i = 0; i < t->nfields; i++) {
		if (t->fields[i].flags & FF_HIDDEN)
			continue;
		const struct field_def *f = &t->fields[i];
		const char *v = req_form(r, f->name);
		/* a person may be typed by name: resolve it while keeping what was typed
		 * when it matches nothing (validation then says so) */
		if (v && *v && f->type == F_PERSON && strspn(v, "0123456789") != strlen(v)) {
			enum msg_id why;
			const char *id = record_resolve_ref(r, f, v, &why);
			if (id)
				v = id;
		}
		record_set(r, rec, i, v ? v : (f->type == F_BOOL ? "0" : NULL));
	}
}

static int save_and_redirect(struct req *r, struct record *rec, const struct record *before)
{
	struct record_errors e;
	if (record_validate(r, rec, before, &e)) {
		r->status = 422;
		form_render(r, rec, &e);
		return 0;
	}
	int rc = record_save(r, rec, before);
	if (rc == DB_E_BUSY) {
		e.record = M_rec_conflict;
		r->status = 409;
		form_render(r, rec, &e);
		return 0;
	}
	if (rc == DB_E_UNIQUE || rc == DB_E_FK || rc == DB_E_CHECK) {
		e.record = rc == DB_E_UNIQUE ? M_rec_not_unique : M_rec_refused;
		r->status = 409;
		form_render(r, rec, &e);
		return 0;
	}
	if (rc)
		return req_fail(r, 500, M_NONE);
	req_flash(r, "ok", before ? M_saved : M_rec_created);
	return req_redirect(r, arena_printf(r->a, "/r/%s/%lld", rec->type->name, (long long)rec->id));
}

static int create_post(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_WRITE);
	if (!t)
		return 0;
	struct record *rec = record_new(r, t);
	read_form(r, rec);
	return save_and_redirect(r, rec, NULL);
}

/* The record of the URL, if the user may edit it and it is not archived;
 * else the request has failed and the result is NULL. */
static struct record *editable(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_NONE);
	if (!t)
		return NULL;
	struct record *rec = record_load_checked(r, t, ACC_WRITE);
	if (rec && rec->archived) {
		req_fail(r, 409, M_rec_is_archived);
		return NULL;
	}
	return rec;
}

static int edit_page(struct req *r)
{
	struct record *rec = editable(r);
	if (rec)
		form_render(r, rec, NULL);
	return 0;
}

static int update_post(struct req *r)
{
	struct record *before = editable(r);
	if (!before)
		return 0;
	struct record *rec = record_copy(r, before);
	const char *ver = req_form(r, "_version");
	if (ver)
		rec->version = strtoll(ver, NULL, 10);
	read_form(r, rec);
	return save_and_redirect(r, rec, before);
}

static int archive_action(struct req *r, int archive)
{
	const struct record_type *t = record_type_of_route(r, ACC_NONE);
	if (!t)
		return 0;
	struct record *rec = record_load_checked(r, t, ACC_WRITE);
	if (!rec)
		return 0;
	const char *back = arena_printf(r->a, "/r/%s/%lld", t->name, (long long)rec->id);
	int ti = record_field_index(t, t->title_field);
	const char *title = ti >= 0 && rec->vals[ti] ? record_display(r, rec, ti, 0) : arena_printf(r->a, "#%lld", (long long)rec->id);
	if (strcmp(r->method, "POST") != 0) {
		struct crumb c[] = {{list_url(r, t), T(r, t->many)}, {back, title}, {NULL, T(r, archive ? M_rec_archive : M_rec_restore)}};
		page_begin(r, T(r, archive ? M_rec_archive : M_rec_restore), c, 3);
		confirm_page(r, T(r, archive ? M_rec_archive : M_rec_restore),
			     html_fmt(r, T(r, archive ? M_rec_confirm_archive : M_rec_confirm_restore), title),
			     archive ? M_rec_confirm_archive_detail : M_rec_confirm_restore_detail, r->path,
			     archive ? M_rec_archive : M_rec_restore, back);
		page_end(r);
		return 0;
	}
	int rc = record_archive(r, rec, archive);
	if (rc == DB_E_FK) {
		req_flash(r, "error", M_rec_in_use);
		return req_redirect(r, back);
	}
	if (rc)
		return req_fail(r, 500, M_NONE);
	req_flash(r, "ok", archive ? M_rec_archived : M_rec_restored);
	return req_redirect(r, back);
}

static int archive_page(struct req *r)
{
	return archive_action(r, 1);
}

static int restore_page(struct req *r)
{
	return archive_action(r, 0);
}

static int export_get(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_READ);
	if (!t)
		return 0;
	const char *format = req_query(r, "format");
	if (!format || (strcmp(format, "csv") && strcmp(format, "xlsx")))
		return req_fail(r, 400, M_rec_bad_format);
	struct list_query q;
	list_query_build(r, t, &q);
	if (q.error != M_NONE)
		return req_fail(r, 400, q.error);
	return records_export(r, &q, format);
}

const struct route records_routes[] = {
	{"GET", "/r/{type:str}", list_page, P_SIGNED_IN, 0, "records list"},
	{"GET", "/r/{type:str}/new", new_page, P_SIGNED_IN, 0, "records new"},
	{"POST", "/r/{type:str}", create_post, P_SIGNED_IN, 1, "records create"},
	{"GET", "/r/{type:str}/export", export_get, P_SIGNED_IN, 0, "records export"},
	{"GET", "/r/{type:str}/{id:int}", detail_page, P_SIGNED_IN, 0, "records detail"},
	{"GET", "/r/{type:str}/{id:int}/edit", edit_page, P_SIGNED_IN, 0, "records edit"},
	{"POST", "/r/{type:str}/{id:int}", update_post, P_SIGNED_IN, 1, "records update"},
	{"POST", "/r/{type:str}/{id:int}/reveal", reveal_post, P_SIGNED_IN, 1, "records reveal"},
	{"GET", "/r/{type:str}/{id:int}/archive", archive_page, P_SIGNED_IN, 0, "records archive"},
	{"POST", "/r/{type:str}/{id:int}/archive", archive_page, P_SIGNED_IN, 1, "records archive"},
	{"GET", "/r/{type:str}/{id:int}/restore", restore_page, P_SIGNED_IN, 0, "records restore"},
	{"POST", "/r/{type:str}/{id:int}/restore", restore_page, P_SIGNED_IN, 1, "records restore"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
