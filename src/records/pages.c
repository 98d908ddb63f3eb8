/* pages.c — the HTML pages every record type gets from its declaration:
 * list (filters, search, sort, pager, export), detail (with masked values,
 * related records), create / edit forms with inline errors, archive and
 * restore behind confirm pages, and the audited reveal of a sensitive value. */
#include "export.h"
#include "files.h"
#include "workflow.h"
#include "query.h"
#include "../core/cache.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../web/widgets.h"

#include <sodium.h>
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
	struct db_stmt *s = rt ? db_prepare(req_db(r), r->a, arena_printf(r->a,
								   "SELECT id, %s FROM %s WHERE archived = 0 ORDER BY id DESC "
								   "LIMIT 1000",
								   rt->title_field, rt->table))
			       : NULL;
	while (s && db_step(s) == DB_ROW) {
		const char *id = db_column_text(s, 0);
		html(r, "<option value=\"%a\"%H>%s</option>", id, cur && !strcmp(cur, id) ? MARKUP(" selected") : MARKUP(""),
		     db_column_text(s, 1));
	}
}

static void filter_form(struct req *r, const struct record_type *t)
{
	const char *q = req_query(r, "q");
	html(r, "<form class=\"filters\" method=\"get\" action=\"/r/%s\"><div class=\"field\"><label for=\"f-q\">%T</label>"
		"<input id=\"f-q\" name=\"q\" type=\"search\" value=\"%a\"></div>",
	     t->name, M_search, q ? q : "");
	for (int i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (!(f->flags & FF_FILTER))
			continue;
		const char *cur = req_query(r, f->name);
		if (f->type == F_UNIT) {
			html(r, "<div class=\"field\"><label for=\"f-%a\">%T</label>", f->name, f->label);
			unit_picker(r, arena_printf(r->a, "f-%s", f->name), f->name, cur, 1, M_any, NULL);
			html(r, "</div>");
			continue;
		}
		html(r, "<div class=\"field\"><label for=\"f-%a\">%T</label><select id=\"f-%a\" name=\"%a\"><option value=\"\">%T"
			"</option>",
		     f->name, f->label, f->name, f->name, M_any);
		if (f->type == F_ENUM) {
			for (const struct enum_opt *o = f->opts; o->code; o++)
				html(r, "<option value=\"%a\"%H>%T</option>", o->code, cur && !strcmp(cur, o->code) ? MARKUP(" selected") : MARKUP(""),
				     o->label);
		} else if (f->type == F_BOOL || f->type == F_TEXT || f->type == F_DATE) {
			int flag = f->type == F_BOOL;
			html(r, "<option value=\"1\"%H>%T</option><option value=\"0\"%H>%T</option>",
			     cur && !strcmp(cur, "1") ? MARKUP(" selected") : NULL, flag ? M_yes : M_filter_has_value,
			     cur && !strcmp(cur, "0") ? MARKUP(" selected") : NULL, flag ? M_no : M_filter_has_none);
		} else if (f->type == F_REF) {
			ref_options(r, record_type_find(f->ref), cur);
		}
		html(r, "</select></div>");
	}
	const char *arch = req_query(r, "archived");
	html(r, "<div class=\"field\"><label class=\"check\"><input type=\"checkbox\" name=\"archived\" value=\"1\"%H> %T"
		"</label></div>",
	     arch && !strcmp(arch, "1") ? MARKUP(" checked") : MARKUP(""), M_rec_show_archived);
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
	const struct markup *actions = NULL;
	const struct record_link *links[16];
	for (int i = 0, n = records_links(t, links, 16); i < n; i++)
		actions = html_fmt(r, "%H<a class=\"btn\" href=\"%a\">%T</a>", actions, links[i]->path, links[i]->label);
	actions = html_fmt(r, "%H<a class=\"btn\" href=\"%a\">%T</a><a class=\"btn\" href=\"%a\">%T</a>", actions,
			   export_csv, M_rec_export_csv, export_xlsx, M_rec_export_xlsx);
	if (record_type_may(r, t, ACC_WRITE))
		actions = html_fmt(r, "%H<a class=\"btn\" href=\"/r/%s/import\">%T</a><a class=\"btn btn-primary\" "
				      "href=\"/r/%s/new\">%T</a>",
				   actions, t->name, M_rec_import, t->name, M_rec_new);
	page_heading(r, T(r, t->many), actions);
	filter_form(r, t);
	if (total == 0) {
		empty_state(r, M_no_results, M_rec_empty_hint, record_type_may(r, t, ACC_WRITE) ? arena_printf(r->a, "/r/%s/new", t->name) : NULL,
			    M_rec_new);
		return 0;
	}
	/* a page past the last (an old link, a typed number): say so and lead back */
	if ((int64_t)(q->page - 1) * q->per_page >= total) {
		int64_t last = (total + q->per_page - 1) / q->per_page;
		empty_state(r, M_rec_past_last_page, M_rec_past_last_page_hint,
			    url_with(r, "page", arena_printf(r->a, "%lld", (long long)last)), M_rec_last_page);
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
			/* data-label: on a phone each row is a card, every cell under its label */
			if (k == 0)
				html(r, "<td class=\"card-title\"><a href=\"/r/%s/%D\">%s</a></td>", t->name, rec->id, *v ? v : "—");
			else
				html(r, "<td%H data-label=\"%T\">%s</td>", cols[k].num ? MARKUP(" class=\"num\"") : NULL,
				     cols[k].label, v);
		}
		html(r, "</tr>");
	}
	list_end(r);
	list_pager(r, total, q->page, q->per_page);
	return 0;
}

static int list_page(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_READ);
	if (!t)
		return 0;
	/* a filter with a default (the staff list shows the active staff)
	 * applies when the address does not name it, as if it did: the filter
	 * shows it, and the export links and the pager carry it, so that an
	 * export holds what the page shows; an empty value asks for all */
	for (int i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if ((f->flags & FF_FILTER) && f->filter_dflt && !req_query(r, f->name))
			kv_add(r->a, &r->qs, f->name, f->filter_dflt, strlen(f->filter_dflt));
	}
	struct list_query q;
	list_query_build(r, t, &q);
	if (q.error != M_NONE)
		return req_fail(r, 400, q.error);

	struct crumb c[] = {{NULL, T(r, t->many)}};
	page_begin(r, T(r, t->many), c, 1);
	const char *key = list_cache_key(r, "html", t);
	size_t mark = r->out.len;
	if (!cache_get(req_cache(r), key, q.gen, &r->out)) {
		if (list_content(r, t, &q))
			return req_fail(r, 503, M_err_db_down);
		/* a form with this session's CSRF token must not serve another
		 * session of the same user: such a page is not cached */
		if (!strstr(r->out.p + mark, req_csrf_token(r)))
			cache_put(req_cache(r), key, q.gen, r->out.p + mark, r->out.len - mark);
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
			/* a reference that code sets (cases merged into this one) is
			 * shown when there is one, and never added by hand */
			int by_code = (f->flags & FF_READONLY) != 0;
			if (by_code && !n)
				continue;
			html(r, "<section class=\"card\"><h2>%T <span class=\"muted\">(%N)</span></h2>", by_code ? f->label : o->many,
			     n);
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
				struct db_stmt *q = db_query(db, r->a, sql.p, "i", rec->id);
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
				list_end(r);
			}
			html(r, "<p>");
			if (n > 100)
				html(r, "<a href=\"/r/%s?%s=%D\">%T</a> ", o->name, f->name, rec->id, M_rec_see_all);
			if (!by_code && record_type_may(r, o, ACC_WRITE))
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
		/* what code sets and has not set yet (a case's answer time, its
		 * zero reminders) is noise */
		if ((f->flags & FF_READONLY) &&
		    (!rec->vals[i] || (f->dflt && !strcmp(rec->vals[i], f->dflt)) ||
		     (f->type == F_BOOL && !strcmp(rec->vals[i], "0"))))
			continue;
		if (f->type == F_FILES) { /* thumbnails and links */
			html(r, "<dt>%T</dt><dd>", f->label);
			files_field_detail(r, rec, i);
			html(r, "</dd>");
			continue;
		}
		int show = revealed && !strcmp(revealed, f->name);
		const char *v = record_display(r, rec, i, show);
		html(r, "<dt>%T</dt><dd>", f->label);
		const struct record_type *rt = rec->vals[i] ? record_ref_type(f) : NULL;
		if (rt && record_readable(r, rt, strtoll(rec->vals[i], NULL, 10))) {
			html(r, "<a href=\"/r/%s/%s\">%s</a>", rt->name, rec->vals[i], v);
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
	const struct markup *actions = NULL;
	if (authz_record_of(r, rec, ACC_WRITE)) {
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
	wf_render_status(r, rec);
	detail_props(r, rec, revealed);
	wf_render_history(r, rec);
	if (t->detail_extra)
		t->detail_extra(r, rec);
	records_render_sections(r, rec);
	related(r, rec);
	if (user_can(r->user, P_AUDIT))
		html(r, "<p><a href=\"/admin/audit?entity=%u&amp;entity_id=%D\">%T</a></p>", t->name, rec->id, M_history_link);
	page_end(r);
	return 0;
}

/* ---- reveal ----
 *
 * A reveal is a POST (audited) answered by a redirect (303) to the detail
 * page or the edit form, which then shows the value in full once: the page
 * learns which field from a short-lived cookie naming the record, the field
 * and an expiry, signed with the server secret and bound to the session and
 * the user, so it cannot be made by hand, is read by one page view and never
 * holds the value itself. A reload shows the mask again and posts nothing. */

#define REVEAL_COOKIE "wm_reveal"
#define REVEAL_TTL 60 /* seconds between the POST and the page it leads to */

/* "type.id.field.until.MAC" (arena). */
static const char *reveal_mark(struct req *r, const struct record *rec, const char *field, long long until)
{
	const char *text = arena_printf(r->a, "%s.%lld.%s.%lld", rec->type->name, (long long)rec->id, field, until);
	const char *signed_text = arena_printf(r->a, "reveal:%s:%lld:%s", r->sid ? r->sid : "",
					       (long long)(r->user ? r->user->id : 0), text);
	unsigned char mac[crypto_auth_BYTES];
	crypto_auth(mac, (const unsigned char *)signed_text, strlen(signed_text), r->app->secret);
	char hex[2 * crypto_auth_BYTES + 1];
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	return arena_printf(r->a, "%s.%s", text, hex);
}

/* The sensitive field of rec this page view may show in full, or NULL; the
 * mark is spent either way. */
static const char *reveal_take(struct req *r, const struct record *rec)
{
	const char *mark = req_cookie(r, REVEAL_COOKIE);
	if (!mark || !*mark)
		return NULL;
	req_cookie_set(r, REVEAL_COOKIE, "", 0);
	char *copy = arena_strdup(r->a, mark), *save = NULL;
	const char *type = strtok_r(copy, ".", &save), *id = strtok_r(NULL, ".", &save);
	const char *field = strtok_r(NULL, ".", &save), *until = strtok_r(NULL, ".", &save);
	const struct field_def *f = until ? record_field(rec->type, field) : NULL;
	if (!f || !(f->flags & FF_SENSITIVE) || strcmp(type, rec->type->name) || strtoll(id, NULL, 10) != rec->id ||
	    strtoll(until, NULL, 10) < (long long)time(NULL))
		return NULL;
	const char *want = reveal_mark(r, rec, f->name, strtoll(until, NULL, 10));
	size_t n = strlen(want);
	return strlen(mark) == n && sodium_memcmp(mark, want, n) == 0 ? f->name : NULL;
}

static int detail_page(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_NONE);
	if (!t)
		return 0;
	struct record *rec = record_load_checked(r, t, ACC_READ);
	return rec ? detail_render(r, rec, reveal_take(r, rec)) : 0;
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
	req_cookie_set(r, REVEAL_COOKIE, reveal_mark(r, rec, f->name, (long long)time(NULL) + REVEAL_TTL), REVEAL_TTL);
	const char *to = req_form(r, "to");
	return req_redirect(r, arena_printf(r->a, "/r/%s/%lld%s", t->name, (long long)rec->id,
					    to && !strcmp(to, "edit") ? "/edit" : ""));
}

/* ---- forms ---- */

/* masked: a stored sensitive value shown as its mask (sent back unchanged,
 * it keeps the stored value: record_set), with a reveal button when the
 * user may reveal it. */
static void field_widget(struct req *r, const struct record *rec, int i, enum msg_id err, int masked, int may_reveal)
{
	const struct field_def *f = &rec->type->fields[i];
	const char *v = rec->vals[i];
	const char *name = f->name;
	int req = (f->flags & FF_REQUIRED) != 0;
	switch (f->type) {
	case F_TEXT: {
		const char *type = f->pattern == PAT_EMAIL ? "email" : f->pattern == PAT_PHONE ? "tel" : "text";
		if (!masked) {
			field_input(r, type, name, f->label, v, err, req, f->hint);
			return;
		}
		field_input(r, type, name, f->label, record_mask(r, v), err, req, M_rec_masked_hint);
		if (may_reveal)
			html(r, "<p class=\"field-reveal\"><button class=\"link\" form=\"reveal-%a\">%T</button></p>", name,
			     M_rec_reveal);
		return;
	}
	case F_INT:
	case F_DECIMAL: field_input(r, "decimal", name, f->label, v, err, req, f->hint); return;
	case F_DATE:
		/* a date input drops a value it cannot read: after an error the
		 * field is text, so what was typed stays there to be corrected */
		field_input(r, err != M_NONE ? "text" : "date", name, f->label, v, err, req, f->hint);
		return;
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
		field_input(r, err != M_NONE ? "text" : "datetime-local", name, f->label, shown, err, req, f->hint);
		return;
	}
	case F_FILES: files_field_widget(r, rec, i, err); return;
	default: break;
	}
	html(r, "<div class=\"field%H\">", err != M_NONE ? MARKUP(" has-error") : MARKUP(""));
	if (f->type == F_BOOL) {
		html(r, "<label class=\"check\"><input type=\"checkbox\" name=\"%a\" value=\"1\"%H> %T</label>", name,
		     v && !strcmp(v, "1") ? MARKUP(" checked") : MARKUP(""), f->label);
	} else {
		html(r, "<label for=\"f-%a\">%T%H</label>", name, f->label, req ? field_required_mark(r) : NULL);
		/* the same attributes field_input gives an input: required, and the error read out with the field */
		const struct markup *attrs =
			html_fmt(r, "%H%H", req ? MARKUP(" required") : NULL,
				 err != M_NONE ? html_fmt(r, " aria-invalid=\"true\" aria-describedby=\"f-%a-err\"", name) : NULL);
		if (f->type == F_LONGTEXT) {
			html(r, "<textarea id=\"f-%a\" name=\"%a\" rows=\"5\"%H>%s</textarea>", name, name, attrs, v ? v : "");
		} else if (f->type == F_ENUM) {
			html(r, "<select id=\"f-%a\" name=\"%a\"%H><option value=\"\">—</option>", name, name, attrs);
			for (const struct enum_opt *o = f->opts; o->code; o++)
				html(r, "<option value=\"%a\"%H>%T</option>", o->code, v && !strcmp(v, o->code) ? MARKUP(" selected") : MARKUP(""),
				     o->label);
			html(r, "</select>");
		} else if (f->type == F_UNIT) {
			unit_picker(r, arena_printf(r->a, "f-%s", name), name, v, 1, M_NONE, attrs);
		} else if (f->type == F_REF) {
			html(r, "<select id=\"f-%a\" name=\"%a\"%H><option value=\"\">—</option>", name, name, attrs);
			ref_options(r, record_type_find(f->ref), v);
			html(r, "</select>");
		} else if (f->type == F_PERSON) {
			/* people can be many: an id, or a name that is unique */
			html(r, "<input id=\"f-%a\" name=\"%a\" value=\"%a\" inputmode=\"search\"%H>", name, name,
			     v ? arena_printf(r->a, "%s", v) : "", attrs);
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

void record_field_widget(struct req *r, const struct record *rec, int i, enum msg_id err)
{
	field_widget(r, rec, i, err, 0, 0);
}

/* Is field i of the form a stored sensitive value the user has not been
 * shown in full (revealed: the field this page may show, or NULL)? What the
 * user typed (a new value) is theirs and is shown as typed. */
static int form_masks(const struct record *rec, const struct record *before, int i, const char *revealed)
{
	const struct field_def *f = &rec->type->fields[i];
	return (f->flags & FF_SENSITIVE) && f->type == F_TEXT && before && before->vals[i] && rec->vals[i] &&
	       !strcmp(rec->vals[i], before->vals[i]) && !(revealed && !strcmp(revealed, f->name));
}

/* The create or edit form; before is the stored record when editing. */
static void form_render(struct req *r, const struct record *rec, const struct record *before,
			const struct record_errors *e, const char *revealed)
{
	const struct record_type *t = rec->type;
	int editing = rec->id != 0;
	int may_reveal = before && record_may_reveal(r, before);
	const char *title = editing ? T(r, M_rec_edit) : T(r, M_rec_new);
	const char *back = editing ? arena_printf(r->a, "/r/%s/%lld", t->name, (long long)rec->id) : list_url(r, t);
	struct crumb c[] = {{list_url(r, t), T(r, t->many)}, {NULL, title}};
	page_begin(r, arena_printf(r->a, "%s · %s", title, T(r, t->one)), c, 2);
	page_heading(r, arena_printf(r->a, "%s · %s", title, T(r, t->one)), NULL);
	if (e && e->record != M_NONE)
		html(r, "<div class=\"form-errors\" role=\"alert\"><p>%T</p></div>", e->record);
	else
		form_errors(r, e ? e->count : 0);
	html(r, "<section class=\"card\"><form class=\"form\" method=\"post\" action=\"%a\"%H>%H",
	     editing ? arena_printf(r->a, "/r/%s/%lld", t->name, (long long)rec->id) : list_url(r, t),
	     files_form_enctype(r, t), csrf_input(r));
	if (editing)
		html(r, "<input type=\"hidden\" name=\"_version\" value=\"%D\">", rec->version);
	for (int i = 0; i < t->nfields; i++)
		if (FIELD_INPUT(&t->fields[i]))
			field_widget(r, rec, i, e ? e->field[i] : M_NONE, form_masks(rec, before, i, revealed), may_reveal);
	html(r, "<div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button><a class=\"btn btn-plain\" "
		"href=\"%a\">%T</a></div></form></section>",
	     M_save, back, M_cancel);
	/* the reveal buttons' own forms: forms do not nest, so the buttons in
	 * the form above name these by their form attribute */
	for (int i = 0; may_reveal && i < t->nfields; i++)
		if (!(t->fields[i].flags & FF_HIDDEN) && form_masks(rec, before, i, revealed))
			html(r, "<form id=\"reveal-%a\" method=\"post\" action=\"/r/%s/%D/reveal\" hidden>%H<input "
				"type=\"hidden\" name=\"field\" value=\"%a\"><input type=\"hidden\" name=\"to\" value=\"edit\"></form>",
			     t->fields[i].name, t->name, rec->id, csrf_input(r), t->fields[i].name);
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
		if (v && FIELD_INPUT(&t->fields[i]))
			record_set(r, rec, i, v);
	}
	form_render(r, rec, NULL, NULL, NULL);
	return 0;
}

/* Reads the form into rec: every visible field (an unchecked box is 0). */
static void read_form(struct req *r, struct record *rec)
{
	const struct record_type *t = rec->type;
	for (int i = 0; i < t->nfields; i++) {
		if (!FIELD_INPUT(&t->fields[i]))
			continue;
		const struct field_def *f = &t->fields[i];
		if (f->type == F_FILES) { /* the stored files less those removed; uploads come at saving */
			record_set(r, rec, i, files_form_value(r, rec, i));
			continue;
		}
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
	int invalid = record_validate(r, rec, before, &e);
	int upload_status = files_form_check(r, rec, &e); /* 413, 415: a file refused */
	if (invalid || upload_status) {
		r->status = upload_status ? upload_status : 422;
		form_render(r, rec, before, &e, NULL);
		return 0;
	}
	int rc = files_form_save(r, rec, before); /* record_save, with the uploads */
	if (rc == DB_E_BUSY) {
		e.record = M_rec_conflict;
		r->status = 409;
		form_render(r, rec, before, &e, NULL);
		return 0;
	}
	if (rc == DB_E_UNIQUE || rc == DB_E_FK || rc == DB_E_CHECK) {
		e.record = rc == DB_E_UNIQUE ? M_rec_not_unique : M_rec_refused;
		r->status = 409;
		form_render(r, rec, before, &e, NULL);
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
		form_render(r, rec, rec, NULL, reveal_take(r, rec));
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
