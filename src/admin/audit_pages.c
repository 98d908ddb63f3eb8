/* audit_pages.c — the audit log, read-only and in words: a filtered list
 * and one entry with the fields it changed. There is deliberately no route
 * that changes or deletes an entry.
 *
 * An entry stores codes (action, register, field names, ids) and the values
 * before and after as JSON, as they were written; this file turns them into
 * what a person reads: labels in the user's language, dates as dates, enum
 * values by their labels, references by name, sensitive values masked.
 *
 * The record an entry is about is named by looking it up when the entry is
 * shown, not by a title stored when it was written: entries written before
 * this existed are named too, no writer (records, users, tokens, the command
 * line) has to know what to store, and the append-only table keeps its
 * shape. Records are archived, never deleted, so the lookup finds them (an
 * archived one is marked so); a renamed record shows its name of today,
 * which is how people know it, and the rename itself is an entry. Only when
 * the row is gone does the name come from the entry's own JSON. */
#include "../db/db.h"
#include "../http/parse.h"
#include "../records/record.h"
#include "../web/widgets.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PER_PAGE 50

static const struct list_col cols[] = {
	{M_audit_when, "at", 0}, {M_audit_who, "user", 0}, {M_audit_ip, NULL, 0},
	{M_audit_action, "action", 0}, {M_audit_entity, NULL, 0},
};
static const char *const sort_sql[] = {"at", "username", NULL, "action", NULL};

/* Every action the application writes, in words: the list and the filter. */
static const struct code_label {
	const char *code;
	enum msg_id label;
} actions[] = {
	{"create", M_act_create},     {"update", M_act_update},
	{"archive", M_act_archive},   {"restore", M_act_restore},
	{"import", M_act_import},     {"export", M_act_export},
	{"reveal", M_act_reveal},     {"sign_in", M_act_sign_in},
	{"sign_out", M_act_sign_out}, {"signin_failed", M_act_signin_failed},
	{"change_password", M_act_change_password},
	{"disable", M_act_disable},   {"enable", M_act_enable},
	{"reset_password", M_act_reset_password}, {"revoke", M_act_revoke},
	{"demo_load", M_act_demo_load},
};
#define NACTIONS (sizeof actions / sizeof actions[0])

/* Keys of entries that are not fields of a register (users, reveals,
 * imports, exports), in words. */
static const struct code_label keys[] = {
	{"username", M_username},      {"display_name", M_display_name}, {"lang", M_language},
	{"disabled", M_audit_k_disabled}, {"roles", M_roles},           {"archived", M_audit_k_archived},
	{"field", M_audit_k_field},    {"query", M_audit_k_query},       {"format", M_audit_k_format},
	{"rows", M_audit_k_rows},      {"file", M_audit_k_file},         {"sha256", M_audit_k_sha256},
	{"first_id", M_audit_k_first_id}, {"last_id", M_audit_k_last_id},
};

static enum msg_id label_of(const struct code_label *t, size_t n, const char *code)
{
	for (size_t i = 0; code && i < n; i++)
		if (!strcmp(t[i].code, code))
			return t[i].label;
	return M_NONE;
}

/* The action in words (the code itself when it has no label). */
static const char *action_text(struct req *r, const char *code)
{
	enum msg_id m = label_of(actions, NACTIONS, code);
	return m != M_NONE ? T(r, m) : code;
}

/* ---- values in words ---- */

/* A JSON value as the engine's text form (NULL for null or absent), in the
 * arena: it outlives the JSON. */
static const char *json_text(struct req *r, json_t *v)
{
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return arena_strdup(r->a, json_string_value(v));
	if (json_is_boolean(v))
		return json_is_true(v) ? "1" : "0";
	if (json_is_integer(v))
		return arena_printf(r->a, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return arena_printf(r->a, "%.10g", json_real_value(v));
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	const char *out = arena_strdup(r->a, s ? s : "");
	free(s);
	return out;
}

/* Field i of type t holding text v, as the record's pages show it: dates
 * per language, enum labels, references by name, sensitive values masked
 * (entries hold them masked already; masking is idempotent). */
static const char *field_text(struct req *r, const struct record_type *t, int i, const char *v)
{
	if (!v)
		return "";
	const struct field_def *f = &t->fields[i];
	if (f->type == F_DATE && !(f->flags & FF_SENSITIVE)) {
		int y, m, d;
		char extra;
		if (sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
			return v;
		/* noon: the day whatever the zone's daylight saving does */
		struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12, .tm_isdst = -1};
		char *out = arena_alloc(r->a, 64);
		return fmt_time(r->lang, (int64_t)mktime(&tm), 0, out, 64);
	}
	struct record *rec = record_new(r, t);
	rec->vals[i] = v;
	return record_display(r, rec, i, 0);
}

static const char *yes_no(struct req *r, json_t *v)
{
	return T(r, json_is_true(v) ? M_yes : M_no);
}

/* A user's roles, [{role, unit_id}], as "Administrator (Whole organization)". */
static const char *roles_text(struct req *r, json_t *roles)
{
	struct buf b;
	buf_init(&b, r->a);
	size_t i;
	json_t *g;
	json_array_foreach(roles, i, g)
	{
		const char *role = json_string_value(json_object_get(g, "role"));
		enum msg_id m = role ? msg_find(arena_printf(r->a, "role_%s", role)) : M_NONE;
		json_t *unit = json_object_get(g, "unit_id");
		const char *where = json_is_integer(unit) ? db_one_text(req_db(r), r->a, "SELECT name FROM units WHERE id = ?",
									"i", (int64_t)json_integer_value(unit))
							  : T(r, M_scope_all);
		buf_printf(&b, "%s%s (%s)", i ? ", " : "", m != M_NONE ? T(r, m) : role ? role : "?",
			   where ? where : json_text(r, unit));
	}
	return b.p ? b.p : "";
}

/* An export's query string as its filters in words: "Unit: Bureau; Search: 王". */
static const char *query_text(struct req *r, const struct record_type *t, const char *q)
{
	struct kvlist kv = {0};
	if (!q || parse_urlencoded(r->a, q, strlen(q), &kv) != PARSE_OK)
		return q ? q : "";
	struct buf b;
	buf_init(&b, r->a);
	const char *sep = r->lang == LANG_EN ? "; " : "；", *colon = r->lang == LANG_EN ? ": " : "：";
	for (size_t k = 0; k < kv.n; k++) {
		const char *name = kv.v[k].name, *v = kv.v[k].value;
		int i = t ? record_field_index(t, name) : -1;
		if (!strcmp(name, "format") || !*v)
			continue;
		if (b.len)
			buf_puts(&b, sep);
		if (i >= 0)
			buf_printf(&b, "%s%s%s", T(r, t->fields[i].label), colon, field_text(r, t, i, v));
		else if (!strcmp(name, "q"))
			buf_printf(&b, "%s%s%s", T(r, M_search), colon, v);
		else if (!strcmp(name, "archived"))
			buf_puts(&b, T(r, M_rec_show_archived));
		else
			buf_printf(&b, "%s=%s", name, v);
	}
	return b.len ? b.p : T(r, M_audit_no_filter);
}

/* The value of a key that is not a register's field, in words. */
static const char *key_text(struct req *r, const struct record_type *t, const char *key, json_t *v)
{
	if (!v || json_is_null(v))
		return "";
	if (json_is_boolean(v))
		return yes_no(r, v);
	if (!strcmp(key, "roles") && json_is_array(v))
		return roles_text(r, v);
	const char *s = json_text(r, v);
	if (!strcmp(key, "lang")) {
		static const enum msg_id names[LANG__COUNT] = {M_lang_hant, M_lang_hans, M_lang_en};
		int l = lang_parse(s);
		return l >= 0 ? T(r, names[l]) : s;
	}
	if (!strcmp(key, "field") && t) {
		int i = record_field_index(t, s);
		return i >= 0 ? T(r, t->fields[i].label) : s;
	}
	if (!strcmp(key, "query"))
		return query_text(r, t, s);
	if (!strcmp(key, "rows") && json_is_integer(v)) {
		char *out = arena_alloc(r->a, 32);
		return fmt_int(r->lang, json_integer_value(v), out, 32);
	}
	return s;
}

/* ---- the record an entry is about ---- */

/* The field that names a record with these values: its title, else (a
 * group member without a duty) the person it is about, else its first list
 * column with a value; -1 when none has one. */
static int name_field(const struct record_type *t, const char *const *vals)
{
	int ti = record_field_index(t, t->title_field);
	if (ti >= 0 && vals[ti])
		return ti;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < t->nfields; i++)
			if (vals[i] && (pass ? (t->fields[i].flags & FF_LIST) != 0 : t->fields[i].type == F_PERSON))
				return i;
	return -1;
}

/* A register's record by name (archived ones marked); when the row is gone,
 * the name the entry's own JSON holds; NULL when there is none. */
static const char *record_name(struct req *r, const struct record_type *t, int64_t id, const char *before,
			       const char *after)
{
	struct record *rec = record_load(r, t, id);
	int i = rec ? name_field(t, rec->vals) : -1;
	if (i >= 0) {
		const char *n = record_display(r, rec, i, 0);
		return rec->archived ? arena_printf(r->a, "%s (%s)", n, T(r, M_audit_k_archived)) : n;
	}
	const char *sides[] = {after, before};
	for (int k = 0; k < 2 && !rec; k++) {
		json_t *j = sides[k] ? json_loads(sides[k], 0, NULL) : NULL;
		struct record *old = record_new(r, t);
		for (int f = 0; j && f < t->nfields; f++)
			old->vals[f] = json_text(r, json_object_get(j, t->fields[f].name));
		json_decref(j);
		i = name_field(t, old->vals);
		if (i >= 0)
			return field_text(r, t, i, old->vals[i]);
	}
	return NULL;
}

/* The record an entry is about, named and linked where it has a page. */
static const struct markup *entity_html(struct req *r, const char *action, const char *entity, const char *id,
				       const char *before, const char *after)
{
	const struct record_type *t = record_type_find(entity);
	int64_t n = strtoll(id, NULL, 10);
	/* an import or an export is about the register as a whole */
	if (t && (n <= 0 || !strcmp(action, "import") || !strcmp(action, "export")))
		return html_fmt(r, "<a href=\"/r/%s\">%T</a>", entity, t->many);
	if (t) {
		const char *name = record_name(r, t, n, before, after);
		return html_fmt(r, "<span class=\"muted\">%T</span> <a href=\"/r/%s/%s\">%s</a>", t->one, entity, id,
				name ? name : arena_printf(r->a, "#%s", id));
	}
	if (!strcmp(entity, "user") && n <= 0)
		return MARKUP("—"); /* a failed sign-in with a name that is nobody's */
	if (!strcmp(entity, "user")) {
		const char *name = db_one_text(req_db(r), r->a, "SELECT display_name || ' (' || username || ')' FROM users "
								 "WHERE id = ?",
					       "i", n);
		return html_fmt(r, "<span class=\"muted\">%T</span> <a href=\"/admin/users/%s\">%s</a>", M_audit_user, id,
				name ? name : arena_printf(r->a, "#%s", id));
	}
	return html_fmt(r, "%s #%s", entity, id);
}

/* ---- list ---- */

/* YYYY-MM-DD at local midnight, or -1 when absent or malformed. */
static int64_t parse_day(const char *s)
{
	int y, m, d;
	char extra;
	if (!s || !*s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
	return (int64_t)mktime(&tm);
}

static void option(struct req *r, const char *value, const char *label, const char *cur)
{
	html(r, "<option value=\"%a\"%H>%s</option>", value, cur && !strcmp(cur, value) ? MARKUP(" selected") : MARKUP(""), label);
}

/* The action and register filters as select boxes of labels; a value that
 * is not among them (a link from elsewhere) stays chosen, by its code. */
static void filter_selects(struct req *r, const char *action, const char *entity)
{
	html(r, "<div class=\"field\"><label for=\"f-action\">%T</label><select id=\"f-action\" name=\"action\">"
		"<option value=\"\">%T</option>",
	     M_audit_action, M_any);
	int known = !action;
	for (size_t i = 0; i < NACTIONS; i++) {
		option(r, actions[i].code, T(r, actions[i].label), action);
		known |= !strcmp(actions[i].code, action ? action : "");
	}
	if (!known)
		option(r, action, action, action);
	html(r, "</select></div><div class=\"field\"><label for=\"f-entity\">%T</label><select id=\"f-entity\" "
		"name=\"entity\"><option value=\"\">%T</option>",
	     M_audit_entity, M_any);
	option(r, "user", T(r, M_audit_user), entity);
	known = !entity || !strcmp(entity, "user");
	for (int k = 0; k < record_ntypes; k++) {
		option(r, record_types[k]->name, T(r, record_types[k]->many), entity);
		known |= entity && !strcmp(record_types[k]->name, entity);
	}
	if (!known)
		option(r, entity, entity, entity);
	html(r, "</select></div>");
}

static int audit_list(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	const char *who = req_query(r, "user"), *entity = req_query(r, "entity"), *eid = req_query(r, "entity_id"),
		   *action = req_query(r, "action"), *from = req_query(r, "from"), *to = req_query(r, "to");
	int64_t t_from = parse_day(from), t_to = parse_day(to);
	if ((from && *from && t_from < 0) || (to && *to && t_to < 0))
		return req_fail(r, 400, M_err_bad_date);
	if (t_to >= 0)
		t_to += 86400; /* through the end of that day */
#define NZ(s) ((s) && *(s) ? (s) : NULL)
	who = NZ(who), entity = NZ(entity), eid = NZ(eid), action = NZ(action);
	const char *where = " FROM audit WHERE (CAST(? AS TEXT) IS NULL OR username = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR entity = ?) AND (CAST(? AS TEXT) IS NULL OR entity_id = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR action = ?) AND at >= ? AND (? < 0 OR at < ?)";
	int desc, sort = list_sort(r, cols, 5, 0, &desc), page = req_page(r);
	if (!page)
		return req_fail(r, 400, M_err_bad_page);
	if (!req_query(r, "sort"))
		desc = 1; /* newest first */
	int64_t total = db_one_int64(db, 0, arena_printf(r->a, "SELECT count(*)%s", where), "ssssssssiii", who, who,
				     entity, entity, eid, eid, action, action, t_from < 0 ? 0 : t_from, t_to, t_to);

	struct crumb c[] = {{NULL, T(r, M_nav_audit)}};
	page_begin(r, T(r, M_nav_audit), c, 1);
	page_heading(r, T(r, M_nav_audit), NULL);
	html(r, "<form class=\"filters\" method=\"get\" action=\"/admin/audit\">");
	html(r, "<div class=\"field\"><label for=\"f-user\">%T</label><input id=\"f-user\" name=\"user\" value=\"%a\"></div>",
	     M_audit_who, who ? who : "");
	filter_selects(r, action, entity);
	if (eid)
		html(r, "<input type=\"hidden\" name=\"entity_id\" value=\"%a\">", eid);
	html(r, "<div class=\"field\"><label for=\"f-from\">%T</label><input id=\"f-from\" name=\"from\" type=\"date\" "
		"value=\"%a\"></div>",
	     M_date_from, from ? from : "");
	html(r, "<div class=\"field\"><label for=\"f-to\">%T</label><input id=\"f-to\" name=\"to\" type=\"date\" "
		"value=\"%a\"></div>",
	     M_date_to, to ? to : "");
	html(r, "<div class=\"filter-actions\"><button class=\"btn\">%T</button><a class=\"btn btn-plain\" "
		"href=\"/admin/audit\">%T</a></div></form>",
	     M_filter, M_clear);
	if (!total) {
		empty_state(r, M_no_results, M_NONE, NULL, M_NONE);
		page_end(r);
		return 0;
	}
	list_begin(r, cols, 5, sort, desc);
	struct db_stmt *s = db_query(db, r->a,
				     arena_printf(r->a,
						  "SELECT id, at, username, ip, action, entity, entity_id, before_json, after_json%s "
						  "ORDER BY %s %s, id %s LIMIT ? OFFSET ?",
						  where, sort_sql[sort], desc ? "DESC" : "ASC", desc ? "DESC" : "ASC"),
				     "ssssssssiiiII", who, who, entity, entity, eid, eid, action, action,
				     t_from < 0 ? 0 : t_from, t_to, t_to, PER_PAGE, (page - 1) * PER_PAGE);
	while (s && db_step(s) == DB_ROW) {
		char when[64];
		/* data-label: on a phone each entry is a card (app.css) */
		html(r, "<tr><td class=\"card-title\"><a href=\"/admin/audit/%D\">%s</a></td><td data-label=\"%T\">%s</td>"
			"<td data-label=\"%T\">%s</td><td data-label=\"%T\">%s</td><td data-label=\"%T\">%H</td></tr>",
		     db_column_int64(s, 0), fmt_time(r->lang, db_column_int64(s, 1), 1, when, sizeof when), cols[1].label,
		     db_column_text(s, 2), cols[2].label, db_column_text(s, 3), cols[3].label,
		     action_text(r, db_column_text(s, 4)), cols[4].label,
		     entity_html(r, db_column_text(s, 4), db_column_text(s, 5), db_column_text(s, 6), db_column_text(s, 7),
				 db_column_text(s, 8)));
	}
	list_end(r);
	list_pager(r, total, page, PER_PAGE);
	page_end(r);
	return 0;
}

/* ---- one entry ---- */

/* What every saved record carries and every save changes: not news. */
static int meta_key(const char *k)
{
	return !strcmp(k, "id") || !strcmp(k, "version") || !strcmp(k, "created_at") || !strcmp(k, "updated_at");
}

/* One row of the changes table when the key's value differs between the
 * sides (a side that is absent shows no column). Returns 1 if written. */
static int change_row(struct req *r, const struct record_type *t, const char *key, json_t *before, json_t *after)
{
	json_t *b = json_object_get(before, key), *a = json_object_get(after, key);
	int b_null = !b || json_is_null(b), a_null = !a || json_is_null(a);
	if ((b_null && a_null) || (b && a && json_equal(b, a)))
		return 0;
	int i = t ? record_field_index(t, key) : -1;
	enum msg_id label = i >= 0 ? t->fields[i].label : label_of(keys, sizeof keys / sizeof keys[0], key);
	html(r, "<tr data-key=\"%a\"><th scope=\"row\">%s</th>", key, label != M_NONE ? T(r, label) : key);
	json_t *sides[2] = {before, after};
	json_t *vals[2] = {b, a};
	for (int k = 0; k < 2; k++) {
		if (!sides[k])
			continue;
		const char *v = i >= 0 ? field_text(r, t, i, json_text(r, vals[k])) : key_text(r, t, key, vals[k]);
		html(r, "<td class=\"%H wrap\" data-label=\"%T\">%s</td>", k ? MARKUP("after") : MARKUP("before"),
		     !k ? M_audit_before : before ? M_audit_after : M_audit_value, *v ? v : "—");
	}
	html(r, "</tr>");
	return 1;
}

/* The fields an entry changed, in the register's order (other keys after),
 * with their labels: a table of before and after. */
static void changes(struct req *r, const struct record_type *t, const char *before_text, const char *after_text)
{
	json_t *before = before_text && *before_text ? json_loads(before_text, 0, NULL) : NULL;
	json_t *after = after_text && *after_text ? json_loads(after_text, 0, NULL) : NULL;
	if (!json_is_object(before))
		json_decref(before), before = NULL;
	if (!json_is_object(after))
		json_decref(after), after = NULL;
	html(r, "<section class=\"card\"><h2>%T</h2>", M_audit_details);
	if (!before && !after) {
		html(r, "<p class=\"muted\">—</p></section>");
		return;
	}
	html(r, "%H<table class=\"list audit-changes\"><thead><tr><th scope=\"col\">%T</th>", table_wrap_open(r),
	     M_audit_field);
	if (before)
		html(r, "<th scope=\"col\" class=\"before\">%T</th>", M_audit_before);
	if (after)
		html(r, "<th scope=\"col\" class=\"after\">%T</th>", before ? M_audit_after : M_audit_value);
	html(r, "</tr></thead><tbody>");
	int n = 0;
	for (int i = 0; t && i < t->nfields; i++)
		n += change_row(r, t, t->fields[i].name, before, after);
	json_t *sides[2] = {after, before};
	for (int k = 0; k < 2; k++) {
		const char *key;
		json_t *v;
		json_object_foreach(sides[k], key, v)
		{
			/* each key once: fields are done, and a key of both sides is
			 * done with the first */
			if (meta_key(key) || (!before && !strcmp(key, "archived")) || (t && record_field_index(t, key) >= 0) ||
			    (k == 1 && after && json_object_get(after, key)))
				continue;
			n += change_row(r, t, key, before, after);
		}
	}
	html(r, "</tbody></table></div>");
	if (!n)
		html(r, "<p class=\"muted\">%T</p>", M_audit_no_changes);
	html(r, "</section>");
	json_decref(before);
	json_decref(after);
}

static int audit_entry(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	struct db_stmt *s = db_query(db, r->a,
				     "SELECT at, username, ip, action, entity, entity_id, before_json, after_json "
				     "FROM audit WHERE id = ?",
				     "i", req_param_int(r, "id"));
	if (!s || db_step(s) != DB_ROW)
		return req_fail(r, 404, M_NONE);
	const char *id = req_param(r, "id");
	const char *action = db_column_text(s, 3), *entity = db_column_text(s, 4);
	const char *before = db_column_text(s, 6), *after = db_column_text(s, 7);
	struct crumb c[] = {{"/admin/audit", T(r, M_nav_audit)}, {NULL, id}};
	page_begin(r, T(r, M_audit_entry), c, 2);
	page_heading(r, arena_printf(r->a, "%s #%s", T(r, M_audit_entry), id), NULL);
	char when[64];
	html(r, "<section class=\"card\"><dl class=\"props\"><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%s</dd><dt>%T</dt>"
		"<dd>%s</dd><dt>%T</dt><dd>%s <code class=\"muted\">%s</code></dd><dt>%T</dt><dd>%H</dd></dl></section>",
	     M_audit_when, fmt_time(r->lang, db_column_int64(s, 0), 1, when, sizeof when), M_audit_who,
	     db_column_text(s, 1), M_audit_ip, db_column_text(s, 2), M_audit_action, action_text(r, action), action,
	     M_audit_entity, entity_html(r, action, entity, db_column_text(s, 5), before, after));
	changes(r, record_type_find(entity), before, after);
	page_end(r);
	return 0;
}

const struct route audit_routes[] = {
	{"GET", "/admin/audit", audit_list, P_AUDIT, 0, NULL},
	{"GET", "/admin/audit/{id:int}", audit_entry, P_AUDIT, 0, NULL},
	{NULL, NULL, NULL, 0, 0, NULL},
};
