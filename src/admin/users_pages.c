/* users_pages.c — the admin's user accounts: list with filters, create,
 * edit roles and language, disable / enable, reset a password. */
#include "../auth/password.h"
#include "../auth/users.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../http/session.h"
#include "../platform/inbox.h"
#include "../records/record.h"
#include "../web/widgets.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PER_PAGE 25

static const struct list_col cols[] = {
	{M_username, "username", 0},
	{M_display_name, "name", 0},
	{M_roles, NULL, 0},
	{M_status, NULL, 0},
	{M_created_at, "created", 0},
};
static const char *const sort_sql[] = {"u.username", "u.display_name", NULL, NULL, "u.created_at"};

static const char *const role_values[] = {"admin", "office", "leader", "unit_admin", "staff", "supervisor"};
static const enum msg_id role_labels[] = {M_role_admin, M_role_office, M_role_leader,
					  M_role_unit_admin, M_role_staff, M_role_supervisor};
static const char *const status_values[] = {"active", "disabled"};
static const enum msg_id status_labels[] = {M_status_active, M_status_disabled};

/* The roles of one user of the list; q is the list's one statement
 * "SELECT role FROM user_roles WHERE user_id = ?", rebound every row. */
static void user_roles_badges(struct req *r, struct db_stmt *q, int64_t uid)
{
	db_reset(q);
	db_bind_int64(q, 1, uid);
	int any = 0;
	while (db_step(q) == DB_ROW) {
		int role = role_parse(db_column_text(q, 0));
		if (role >= 0) {
			html(r, "<span class=\"badge badge-muted\">%T</span> ", role_labels[role]);
			any = 1;
		}
	}
	if (!any)
		html(r, "<span class=\"muted\">%T</span>", M_no_roles);
}

/* "%text%" for LIKE ... ESCAPE '\', with the text's own %, _ and \ taken
 * literally (a user name like "u_1" is searched for as typed). */
static const char *like_pattern(struct req *r, const char *q)
{
	struct buf b;
	buf_init(&b, r->a);
	buf_putc(&b, '%');
	for (const char *p = q; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '%');
	return b.p;
}

static int users_list(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	const char *q = req_query(r, "q"), *role = req_query(r, "role"), *status = req_query(r, "status");
	if (q && strlen(q) > 100)
		return req_fail(r, 400, M_err_query_too_long);
	if (role && *role && role_parse(role) < 0)
		role = NULL;
	int desc, sort = list_sort(r, cols, 5, 0, &desc), page = req_page(r);
	if (!page)
		return req_fail(r, 400, M_err_bad_page);
	const char *like = q && *q ? like_pattern(r, q) : NULL;
	const char *st = status && !strcmp(status, "disabled") ? "1" : status && !strcmp(status, "active") ? "0" : NULL;

	/* lower() on both sides: PostgreSQL's LIKE is case-sensitive, SQLite's is not */
	const char *where = " FROM users u WHERE (CAST(? AS TEXT) IS NULL OR lower(u.username) LIKE lower(?) ESCAPE '\\'"
			    " OR lower(u.display_name) LIKE lower(?) ESCAPE '\\')"
			    " AND (CAST(? AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM user_roles g WHERE g.user_id = u.id AND g.role = ?))"
			    " AND (CAST(? AS TEXT) IS NULL OR u.disabled = CAST(? AS INTEGER))";
	const char *rl = role && *role ? role : NULL;
	int64_t total = db_one_int64(db, 0, arena_printf(r->a, "SELECT count(*)%s", where), "sssssss", like, like,
				     like, rl, rl, st, st);

	struct crumb c[] = {{NULL, T(r, M_nav_users)}};
	page_begin(r, T(r, M_nav_users), c, 1);
	page_heading(r, T(r, M_nav_users),
		     html_fmt(r, "<a class=\"btn btn-primary\" href=\"/admin/users/new\">%T</a>", M_user_new));
	html(r, "<form class=\"filters\" method=\"get\" action=\"/admin/users\"><div class=\"field\"><label for=\"f-q\">%T"
		"</label><input id=\"f-q\" name=\"q\" type=\"search\" value=\"%a\"></div>",
	     M_search, q ? q : "");
	field_select(r, "role", M_role, role_values, role_labels, ROLE__COUNT, role, 1);
	field_select(r, "status", M_status, status_values, status_labels, 2, status, 1);
	html(r, "<div class=\"filter-actions\"><button class=\"btn\">%T</button><a class=\"btn btn-plain\" "
		"href=\"/admin/users\">%T</a></div></form>",
	     M_filter, M_clear);
	if (total == 0) {
		empty_state(r, M_no_results, like || rl || st ? M_no_results_hint : M_NONE, NULL, M_NONE);
		page_end(r);
		return 0;
	}
	list_begin(r, cols, 5, sort, desc);
	struct db_stmt *s = db_query(
		db, r->a,
		arena_printf(r->a,
			     "SELECT u.id, u.username, u.display_name, u.disabled, u.created_at%s ORDER BY %s %s, u.id "
			     "LIMIT ? OFFSET ?",
			     where, sort_sql[sort], desc ? "DESC" : "ASC"),
		"sssssssII", like, like, like, rl, rl, st, st, PER_PAGE, (page - 1) * PER_PAGE);
	struct db_stmt *roles = db_prepare(db, r->a, "SELECT role FROM user_roles WHERE user_id = ? ORDER BY id");
	while (s && db_step(s) == DB_ROW) {
		int64_t id = db_column_int64(s, 0);
		char when[64];
		/* data-label: on a phone each user is a card (app.css) */
		html(r, "<tr><td class=\"card-title\"><a href=\"/admin/users/%D\">%s</a></td><td data-label=\"%T\">%s</td>"
			"<td data-label=\"%T\">",
		     id, db_column_text(s, 1), cols[1].label, db_column_text(s, 2), cols[2].label);
		user_roles_badges(r, roles, id);
		html(r, "</td><td data-label=\"%T\">%H</td><td data-label=\"%T\">%s</td></tr>", cols[3].label,
		     db_column_int64(s, 3) ? html_fmt(r, "<span class=\"badge badge-danger\">%T</span>", M_status_disabled)
					   : html_fmt(r, "<span class=\"badge badge-ok\">%T</span>", M_status_active),
		     cols[4].label, fmt_time(r->lang, db_column_int64(s, 4), 0, when, sizeof when));
	}
	list_end(r);
	list_pager(r, total, page, PER_PAGE);
	page_end(r);
	return 0;
}

struct user_form {
	const char *username, *display, *lang, *email;
	unsigned roles;
	int64_t unit_id;
	enum msg_id e_username, e_display, e_password, e_unit, e_email;
};

static void read_roles(struct req *r, struct user_form *f)
{
	f->roles = 0;
	for (size_t i = 0; i < r->form.n; i++)
		if (strcmp(r->form.v[i].name, "role") == 0) {
			int role = role_parse(r->form.v[i].value);
			if (role >= 0)
				f->roles |= 1u << role;
		}
	const char *u = req_form(r, "unit_id");
	f->unit_id = u && *u ? strtoll(u, NULL, 10) : 0;
}

static void roles_fieldset(struct req *r, const struct user_form *f)
{
	html(r, "<fieldset class=\"field\"><legend>%T</legend>", M_roles);
	for (int i = 0; i < ROLE__COUNT; i++)
		html(r, "<label class=\"check\"><input type=\"checkbox\" name=\"role\" value=\"%a\"%H> %T</label>",
		     role_values[i], f->roles & (1u << i) ? MARKUP(" checked") : MARKUP(""), role_labels[i]);
	html(r, "</fieldset><div class=\"field%H\"><label for=\"f-unit_id\">%T</label>",
	     f->e_unit != M_NONE ? MARKUP(" has-error") : NULL, M_scope);
	/* any unit: an administrator gives scopes anywhere in the tree */
	unit_picker(r, "f-unit_id", "unit_id", f->unit_id ? arena_printf(r->a, "%lld", (long long)f->unit_id) : NULL, 0,
		    M_scope_all, NULL);
	if (f->e_unit != M_NONE)
		html(r, "<p class=\"error\">%T</p>", f->e_unit);
	html(r, "<p class=\"hint\">%T</p></div>", M_scope_hint);
}

static void new_render(struct req *r, const struct user_form *f)
{
	struct crumb c[] = {{"/admin/users", T(r, M_nav_users)}, {NULL, T(r, M_user_new)}};
	page_begin(r, T(r, M_user_new), c, 2);
	page_heading(r, T(r, M_user_new), NULL);
	form_errors(r, (f->e_username != M_NONE) + (f->e_display != M_NONE) + (f->e_password != M_NONE) +
			       (f->e_unit != M_NONE));
	html(r, "<section class=\"card\"><form class=\"form\" method=\"post\" action=\"/admin/users\">%H", csrf_input(r));
	field_input(r, "text", "username", M_username, f->username, f->e_username, 1, M_username_hint);
	field_input(r, "text", "display_name", M_display_name, f->display, f->e_display, 1, M_NONE);
	field_input(r, "password", "new_password", M_password, NULL, f->e_password, 1, M_pw_rules);
	roles_fieldset(r, f);
	html(r, "<div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button><a class=\"btn btn-plain\" "
		"href=\"/admin/users\">%T</a></div></form></section>",
	     M_save, M_cancel);
	page_end(r);
}

static int user_new_page(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	struct user_form f = {.username = "", .display = "", .roles = 1u << ROLE_STAFF};
	new_render(r, &f);
	return 0;
}

static enum msg_id unit_check(struct db *db, int64_t unit_id)
{
	if (unit_id && !db_one_int64(db, 0, "SELECT count(*) FROM units WHERE id = ?", "i", unit_id))
		return M_unit_unknown;
	return M_NONE;
}

static int user_create(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	struct user_form f = {.username = req_form(r, "username"), .display = req_form(r, "display_name")};
	const char *pw = req_form(r, "new_password");
	read_roles(r, &f);
	f.e_username = username_check(f.username);
	f.e_display = display_name_check(f.display);
	f.e_password = pw && *pw ? password_policy(f.username, pw) : M_required;
	f.e_unit = unit_check(db, f.unit_id);
	if (f.e_username == M_NONE && user_id_by_name(db, f.username))
		f.e_username = M_username_taken;
	if (f.e_username != M_NONE || f.e_display != M_NONE || f.e_password != M_NONE || f.e_unit != M_NONE) {
		if (!f.username)
			f.username = "";
		if (!f.display)
			f.display = "";
		r->status = 422;
		new_render(r, &f);
		return 0;
	}
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(&((struct app *)r->app)->hash_sem, pw, hash))
		return req_fail(r, 500, M_NONE);
	int64_t id = -1;
	int rc = db_begin(db);
	if (!rc)
		rc = (id = user_insert(db, f.username, f.display, hash)) < 0 ? (int)id : 0;
	if (!rc)
		rc = user_set_roles(db, id, f.roles, f.unit_id);
	json_t *after = rc ? NULL : user_snapshot(db, id);
	if (!rc)
		rc = audit_log(r, "create", "user", id, NULL, after);
	json_decref(after);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		if (rc == DB_E_UNIQUE) { /* created by someone else meanwhile */
			f.e_username = M_username_taken;
			r->status = 409;
			new_render(r, &f);
			return 0;
		}
		return req_fail(r, 500, M_NONE);
	}
	req_flash(r, "ok", M_user_created);
	return req_redirect(r, arena_printf(r->a, "/admin/users/%lld", (long long)id));
}

/* Loads the form fields of an existing user; 0 when there is none. */
static int load_form(struct req *r, struct db *db, int64_t id, struct user_form *f, int *disabled)
{
	struct db_stmt *q =
		db_query(db, r->a, "SELECT username, display_name, lang, disabled, email FROM users WHERE id = ?", "i", id);
	int found = 0;
	if (q && db_step(q) == DB_ROW) {
		f->username = arena_strdup(r->a, db_column_text(q, 0));
		f->display = arena_strdup(r->a, db_column_text(q, 1));
		f->lang = db_column_isnull(q, 2) ? "" : arena_strdup(r->a, db_column_text(q, 2));
		*disabled = (int)db_column_int64(q, 3);
		f->email = arena_strdup(r->a, db_column_text(q, 4));
		found = 1;
	}
	db_reset(q);
	if (!found)
		return 0;
	f->roles = 0;
	q = db_query(db, r->a, "SELECT role, COALESCE(unit_id, 0) FROM user_roles WHERE user_id = ?", "i", id);
	while (q && db_step(q) == DB_ROW) {
		int role = role_parse(db_column_text(q, 0));
		if (role >= 0)
			f->roles |= 1u << role;
		if (db_column_int64(q, 1))
			f->unit_id = db_column_int64(q, 1);
	}
	return 1;
}

static void edit_render(struct req *r, int64_t id, const struct user_form *f, int disabled)
{
	struct crumb c[] = {{"/admin/users", T(r, M_nav_users)}, {NULL, f->username}};
	page_begin(r, f->username, c, 2);
	const char *action = disabled ? "enable" : "disable";
	page_heading(r, f->username,
		     html_fmt(r, "<a class=\"btn\" href=\"/admin/users/%D/password\">%T</a><a class=\"btn%H\" "
				 "href=\"/admin/users/%D/%s\">%T</a>",
			      id, M_reset_password, disabled ? MARKUP("") : MARKUP(" btn-danger"), id, action,
			      disabled ? M_user_enable : M_user_disable));
	if (disabled)
		html(r, "<div class=\"flash flash-info\" role=\"status\">%T</div>", M_user_is_disabled);
	form_errors(r, (f->e_display != M_NONE) + (f->e_unit != M_NONE) + (f->e_email != M_NONE));
	html(r, "<section class=\"card\"><form class=\"form\" method=\"post\" action=\"/admin/users/%D\">%H", id,
	     csrf_input(r));
	field_input(r, "text", "display_name", M_display_name, f->display, f->e_display, 1, M_NONE);
	field_input(r, "email", "email", M_user_email, f->email, f->e_email, 0, M_email_hint);
	static const char *const langs[] = {"zh-Hant", "zh-Hans", "en"};
	static const enum msg_id lang_labels[] = {M_lang_hant, M_lang_hans, M_lang_en};
	field_select(r, "lang", M_language, langs, lang_labels, 3, f->lang, 1);
	roles_fieldset(r, f);
	html(r, "<div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button><a class=\"btn btn-plain\" "
		"href=\"/admin/users\">%T</a></div></form></section>",
	     M_save, M_cancel);
	html(r, "<section class=\"card\"><h2>%T</h2><p><a href=\"/admin/audit?entity=user&amp;entity_id=%D\">%T</a></p>"
		"</section>",
	     M_history, id, M_history_link);
	page_end(r);
}

static int user_edit_page(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	int64_t id = req_param_int(r, "id");
	struct user_form f = {0};
	int disabled = 0;
	if (!load_form(r, db, id, &f, &disabled))
		return req_fail(r, 404, M_user_not_found);
	edit_render(r, id, &f, disabled);
	return 0;
}

static int user_update(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	int64_t id = req_param_int(r, "id");
	struct user_form f = {0};
	int disabled = 0;
	if (!load_form(r, db, id, &f, &disabled))
		return req_fail(r, 404, M_user_not_found);
	f.display = req_form(r, "display_name");
	const char *lang = req_form(r, "lang");
	f.lang = lang && lang_parse(lang) >= 0 ? lang_code((enum lang)lang_parse(lang)) : "";
	read_roles(r, &f);
	f.e_display = display_name_check(f.display);
	f.e_unit = unit_check(db, f.unit_id);
	f.email = req_form(r, "email");
	f.email = f.email ? f.email : "";
	if (*f.email && !email_valid(f.email))
		f.e_email = M_email_rule;
	/* an admin cannot take away their own admin role: that locks everyone out */
	if (id == r->user->id && !(f.roles & (1u << ROLE_ADMIN)))
		f.e_unit = M_cannot_drop_own_admin;
	if (f.e_display != M_NONE || f.e_unit != M_NONE || f.e_email != M_NONE) {
		if (!f.display)
			f.display = "";
		r->status = 422;
		edit_render(r, id, &f, disabled);
		return 0;
	}
	json_t *before = user_snapshot(db, id);
	int rc = db_begin(db);
	if (!rc)
		rc = db_run(db, "UPDATE users SET display_name = ?, lang = ?, email = ? WHERE id = ?", "sssi", f.display,
			    *f.lang ? f.lang : NULL, *f.email ? f.email : NULL, id);
	if (!rc)
		rc = user_set_roles(db, id, f.roles, f.unit_id);
	json_t *after = rc ? NULL : user_snapshot(db, id);
	if (!rc && !json_equal(before, after))
		rc = audit_log(r, "update", "user", id, before, after);
	json_decref(before);
	json_decref(after);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return req_fail(r, 500, M_NONE);
	}
	req_flash(r, "ok", M_saved);
	return req_redirect(r, arena_printf(r->a, "/admin/users/%lld", (long long)id));
}

/* GET shows a confirm page; POST does it. Works without JavaScript. */
static int user_toggle(struct req *r, int disable)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	int64_t id = req_param_int(r, "id");
	const char *name = db_one_text(db, r->a, "SELECT username FROM users WHERE id = ?", "i", id);
	if (!name)
		return req_fail(r, 404, M_user_not_found);
	if (disable && id == r->user->id)
		return req_fail(r, 409, M_cannot_disable_self);
	const char *back = arena_printf(r->a, "/admin/users/%lld", (long long)id);
	if (strcmp(r->method, "POST") != 0) {
		struct crumb c[] = {{"/admin/users", T(r, M_nav_users)}, {back, name}, {NULL, T(r, disable ? M_user_disable : M_user_enable)}};
		page_begin(r, T(r, disable ? M_user_disable : M_user_enable), c, 3);
		confirm_page(r, T(r, disable ? M_user_disable : M_user_enable),
			     html_fmt(r, T(r, disable ? M_confirm_disable : M_confirm_enable), name),
			     disable ? M_confirm_disable_detail : M_confirm_enable_detail, r->path,
			     disable ? M_user_disable : M_user_enable, back);
		page_end(r);
		return 0;
	}
	json_t *before = user_snapshot(db, id);
	int rc = db_begin(db);
	if (!rc)
		rc = db_run(db, "UPDATE users SET disabled = ? WHERE id = ?", "Ii", disable, id);
	if (!rc && disable)
		rc = session_end_all(db, id);
	if (!rc && disable)
		rc = db_run(db, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", "ii",
			    (int64_t)time(NULL), id);
	json_t *after = rc ? NULL : user_snapshot(db, id);
	if (!rc)
		rc = audit_log(r, disable ? "disable" : "enable", "user", id, before, after);
	json_decref(before);
	json_decref(after);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return req_fail(r, 500, M_NONE);
	}
	req_flash(r, "ok", disable ? M_user_disabled : M_user_enabled);
	return req_redirect(r, back);
}

static int user_disable(struct req *r)
{
	return user_toggle(r, 1);
}

static int user_enable(struct req *r)
{
	return user_toggle(r, 0);
}

static int user_password(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	int64_t id = req_param_int(r, "id");
	const char *name = db_one_text(db, r->a, "SELECT username FROM users WHERE id = ?", "i", id);
	if (!name)
		return req_fail(r, 404, M_user_not_found);
	const char *back = arena_printf(r->a, "/admin/users/%lld", (long long)id);
	struct crumb c[] = {{"/admin/users", T(r, M_nav_users)}, {back, name}, {NULL, T(r, M_reset_password)}};
	if (strcmp(r->method, "POST") != 0) {
		page_begin(r, T(r, M_reset_password), c, 3);
		confirm_page(r, T(r, M_reset_password), html_fmt(r, T(r, M_confirm_reset), name),
			     M_confirm_reset_detail, r->path, M_reset_password, back);
		page_end(r);
		return 0;
	}
	char pw[32], hash[PASSWORD_HASH_MAX];
	password_generate(pw);
	if (password_hash(&((struct app *)r->app)->hash_sem, pw, hash))
		return req_fail(r, 500, M_NONE);
	int rc = db_begin(db);
	if (!rc)
		rc = db_run(db, "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?", "sii", hash,
			    (int64_t)time(NULL), id);
	if (!rc)
		rc = session_end_all(db, id);
	if (!rc)
		rc = audit_log(r, "reset_password", "user", id, NULL, NULL);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return req_fail(r, 500, M_NONE);
	}
	/* shown once, never stored in clear */
	page_begin(r, T(r, M_reset_password), c, 3);
	page_heading(r, T(r, M_reset_password), NULL);
	html(r, "<section class=\"card\"><p>%T</p><p class=\"secret\"><code>%s</code></p><p>%T</p>"
		"<a class=\"btn btn-primary\" href=\"%a\">%T</a></section>",
	     M_new_password_is, pw, M_new_password_once, back, M_done);
	page_end(r);
	return 0;
}

const struct route users_routes[] = {
	{"GET", "/admin/users", users_list, P_USERS, 0, NULL},
	{"GET", "/admin/users/new", user_new_page, P_USERS, 0, NULL},
	{"POST", "/admin/users", user_create, P_USERS, 1, NULL},
	{"GET", "/admin/users/{id:int}", user_edit_page, P_USERS, 0, NULL},
	{"POST", "/admin/users/{id:int}", user_update, P_USERS, 1, NULL},
	{"GET", "/admin/users/{id:int}/disable", user_disable, P_USERS, 0, NULL},
	{"POST", "/admin/users/{id:int}/disable", user_disable, P_USERS, 1, NULL},
	{"GET", "/admin/users/{id:int}/enable", user_enable, P_USERS, 0, NULL},
	{"POST", "/admin/users/{id:int}/enable", user_enable, P_USERS, 1, NULL},
	{"GET", "/admin/users/{id:int}/password", user_password, P_USERS, 0, NULL},
	{"POST", "/admin/users/{id:int}/password", user_password, P_USERS, 1, NULL},
	{NULL, NULL, NULL, 0, 0, NULL},
};
