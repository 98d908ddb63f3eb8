/* audit_pages.c — the audit log, read-only: a filtered list and one entry
 * with its values before and after. There is deliberately no route that
 * changes or deletes an entry. */
#include "../db/db.h"
#include "../records/record.h"
#include "../web/widgets.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PER_PAGE 50

static const struct list_col cols[] = {
	{M_audit_when, "at", 0}, {M_audit_who, "user", 0}, {M_audit_ip, NULL, 0},
	{M_audit_action, "action", 0}, {M_audit_entity, NULL, 0},
};
static const char *const sort_sql[] = {"at", "username", NULL, "action", NULL};

/* The action in words (the code itself when it has no label). */
static const char *action_text(struct req *r, const char *code)
{
	static const struct {
		const char *code;
		enum msg_id label;
	} actions[] = {
		{"create", M_act_create},     {"update", M_act_update},
		{"archive", M_act_archive},   {"restore", M_act_restore},
		{"sign_in", M_act_sign_in},   {"sign_out", M_act_sign_out},
		{"signin_failed", M_act_signin_failed},
		{"disable", M_act_disable},   {"enable", M_act_enable},
		{"reset_password", M_act_reset_password}, {"change_password", M_act_change_password},
		{"reveal", M_act_reveal},     {"import", M_act_import},
		{"revoke", M_act_revoke},     {"demo_load", M_act_demo_load},
	};
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (!strcmp(actions[i].code, code))
			return T(r, actions[i].label);
	return code;
}

/* The record an entry is about, as a link where there is a page for it. */
static const char *entity_html(struct req *r, const char *entity, const char *id)
{
	const struct record_type *t = record_type_find(entity);
	if (t)
		return html_fmt(r, "<a href=\"/r/%s/%s\">%T #%s</a>", entity, id, t->one, id);
	if (!strcmp(entity, "user"))
		return html_fmt(r, "<a href=\"/admin/users/%s\">%T #%s</a>", id, M_audit_user, id);
	return html_fmt(r, "%s #%s", entity, id);
}

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
	html(r, "<div class=\"field\"><label for=\"f-action\">%T</label><input id=\"f-action\" name=\"action\" value=\"%a\">"
		"</div>",
	     M_audit_action, action ? action : "");
	html(r, "<div class=\"field\"><label for=\"f-entity\">%T</label><input id=\"f-entity\" name=\"entity\" "
		"value=\"%a\"></div>",
	     M_audit_entity, entity ? entity : "");
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
	struct db_stmt *s = db_query(db,
				     arena_printf(r->a,
						  "SELECT id, at, username, ip, action, entity, entity_id%s ORDER BY %s %s, id %s "
						  "LIMIT ? OFFSET ?",
						  where, sort_sql[sort], desc ? "DESC" : "ASC", desc ? "DESC" : "ASC"),
				     "ssssssssiiiII", who, who, entity, entity, eid, eid, action, action,
				     t_from < 0 ? 0 : t_from, t_to, t_to, PER_PAGE, (page - 1) * PER_PAGE);
	while (s && db_step(s) == DB_ROW) {
		char when[64];
		html(r, "<tr><td><a href=\"/admin/audit/%D\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%H</td></tr>",
		     db_column_int64(s, 0), fmt_time(r->lang, db_column_int64(s, 1), 1, when, sizeof when),
		     db_column_text(s, 2), db_column_text(s, 3), action_text(r, db_column_text(s, 4)),
		     entity_html(r, db_column_text(s, 5), db_column_text(s, 6)));
	}
	db_done(s);
	list_end(r);
	list_pager(r, total, page, PER_PAGE);
	page_end(r);
	return 0;
}

/* Writes a JSON object as a definition list, pretty-printing nested values. */
static void json_props(struct req *r, const char *text)
{
	json_t *j = text && *text ? json_loads(text, 0, NULL) : NULL;
	if (!j || !json_is_object(j)) {
		html(r, "<p class=\"muted\">—</p>");
		json_decref(j);
		return;
	}
	html(r, "<dl class=\"props\">");
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v)
	{
		char *s = json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		html(r, "<dt>%s</dt><dd>%s</dd>", k, s ? s : "");
		free(s);
	}
	html(r, "</dl>");
	json_decref(j);
}

static int audit_entry(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	struct db_stmt *s = db_query(db,
				     "SELECT at, username, ip, action, entity, entity_id, before_json, after_json "
				     "FROM audit WHERE id = ?",
				     "i", req_param_int(r, "id"));
	if (!s || db_step(s) != DB_ROW) {
		db_done(s);
		return req_fail(r, 404, M_NONE);
	}
	const char *id = req_param(r, "id");
	struct crumb c[] = {{"/admin/audit", T(r, M_nav_audit)}, {NULL, id}};
	page_begin(r, T(r, M_audit_entry), c, 2);
	page_heading(r, arena_printf(r->a, "%s #%s", T(r, M_audit_entry), id), NULL);
	char when[64];
	html(r, "<section class=\"card\"><dl class=\"props\"><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%s</dd><dt>%T</dt>"
		"<dd>%s</dd><dt>%T</dt><dd>%s <code class=\"muted\">%s</code></dd><dt>%T</dt><dd>%H</dd></dl></section>",
	     M_audit_when, fmt_time(r->lang, db_column_int64(s, 0), 1, when, sizeof when), M_audit_who,
	     db_column_text(s, 1), M_audit_ip, db_column_text(s, 2), M_audit_action, action_text(r, db_column_text(s, 3)),
	     db_column_text(s, 3), M_audit_entity, entity_html(r, db_column_text(s, 4), db_column_text(s, 5)));
	html(r, "<div class=\"cols\"><section class=\"card\"><h2>%T</h2>", M_audit_before);
	json_props(r, db_column_text(s, 6));
	html(r, "</section><section class=\"card\"><h2>%T</h2>", M_audit_after);
	json_props(r, db_column_text(s, 7));
	html(r, "</section></div>");
	db_done(s);
	page_end(r);
	return 0;
}

const struct route audit_routes[] = {
	{"GET", "/admin/audit", audit_list, P_AUDIT, 0, NULL},
	{"GET", "/admin/audit/{id:int}", audit_entry, P_AUDIT, 0, NULL},
	{NULL, NULL, NULL, 0, 0, NULL},
};
