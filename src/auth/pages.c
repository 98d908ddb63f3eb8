/* pages.c — sign-in, sign-out, language choice and the user's own account
 * page (profile and password change). */
#include "password.h"
#include "throttle.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../http/session.h"
#include "../web/widgets.h"

#include <string.h>
#include <time.h>

static const char *safe_next(const char *next)
{
	return req_path_local(next) ? next : "/";
}

static void login_form(struct req *r, const char *username, enum msg_id err)
{
	page_bare_begin(r, T(r, M_sign_in));
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", err);
	html(r, "<form class=\"form\" method=\"post\" action=\"/login\">%H<input type=\"hidden\" name=\"next\" "
		"value=\"%a\">",
	     csrf_input(r), safe_next(req_form(r, "next") ? req_form(r, "next") : req_query(r, "next")));
	field_input(r, "text", "username", M_username, username, M_NONE, 1, M_NONE);
	field_input(r, "password", "password", M_password, NULL, M_NONE, 1, M_NONE);
	html(r, "<button class=\"btn btn-primary btn-block\">%T</button></form>", M_sign_in);
	page_bare_end(r);
}

static int login_page(struct req *r)
{
	if (r->user)
		return req_redirect(r, "/");
	login_form(r, "", M_NONE);
	return 0;
}

static int login_post(struct req *r)
{
	const char *username = req_form(r, "username");
	const char *pw = req_form(r, "password");
	if (!username || !*username || !pw || !*pw) {
		r->status = 400;
		login_form(r, username ? username : "", M_login_missing);
		return 0;
	}
	if (strlen(username) > 100 || strlen(pw) > 512) {
		r->status = 400;
		login_form(r, "", M_login_failed);
		return 0;
	}
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	int64_t now = time(NULL);
	/* r->ip holds no space: the pair's key is unambiguous */
	const char *pkey = arena_printf(r->a, "pair:%s %s", r->ip, username);
	const char *ikey = arena_printf(r->a, "ip:%s", r->ip);
	int64_t pwait = throttle_wait(db, pkey, now), iwait = throttle_wait(db, ikey, now);
	if (pwait || iwait) {
		int64_t wait = pwait > iwait ? pwait : iwait;
		r->status = 429;
		req_header_add(r, "Retry-After: %lld", (long long)wait);
		login_form(r, username, wait > THROTTLE_DELAY_MAX ? M_login_locked : M_login_wait);
		return 0;
	}
	struct db_stmt *q = db_query(db, r->a, "SELECT id, password_hash FROM users WHERE username = ? AND disabled = 0",
				     "s", username);
	int64_t uid = 0;
	char *hash = NULL;
	if (q && db_step(q) == DB_ROW) {
		uid = db_column_int64(q, 0);
		hash = arena_strdup(r->a, db_column_text(q, 1));
	}
	db_reset(q);
	/* hold the connection only while needed: hashing takes a while */
	struct app *app = (struct app *)r->app;
	int ok = hash ? password_verify(&app->hash_sem, hash, pw) : (password_burn(&app->hash_sem, pw), 0);
	if (!ok) {
		throttle_fail(db, pkey, THROTTLE_PAIR_MAX, THROTTLE_PAIR_MAX, now);
		throttle_fail(db, ikey, THROTTLE_IP_MAX, THROTTLE_IP_FREE, now);
		/* only attempts whose password was checked are recorded: those
		 * refused above cost nothing and could flood the log */
		audit_write(db, 0, username, r->ip, "signin_failed", "user", uid, NULL, NULL);
		log_info("sign-in failed for '%s' from %s", username, r->ip);
		r->status = 401;
		login_form(r, username, M_login_failed);
		return 0;
	}
	throttle_clear(db, pkey);
	if (db_begin(db) || session_start(r, uid) ||
	    audit_write(db, uid, username, r->ip, "sign_in", "user", uid, NULL, NULL) || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 500, M_NONE);
	}
	return req_redirect(r, safe_next(req_form(r, "next")));
}

static int logout_post(struct req *r)
{
	struct db *db = req_db(r);
	if (db && r->user)
		audit_log(r, "sign_out", "user", r->user->id, NULL, NULL);
	session_end(r);
	req_flash(r, "info", M_signed_out);
	return req_redirect(r, "/login");
}

static int lang_post(struct req *r)
{
	int l = lang_parse(req_form(r, "lang"));
	if (l < 0)
		return req_fail(r, 400, M_err_bad_lang);
	req_cookie_set(r, "wm_lang", lang_code((enum lang)l), 365L * 86400);
	/* stored for a signed-in user: a preference, not a change to the account
	 * that the audit log (and the data generation it bumps) should record */
	if (r->user && !(r->user->lang && strcmp(r->user->lang, lang_code((enum lang)l)) == 0)) {
		struct db *db = req_db(r);
		if (!db)
			return req_fail(r, 503, M_err_db_down);
		if (db_run(db, "UPDATE users SET lang = ? WHERE id = ?", "si", lang_code((enum lang)l), r->user->id))
			return req_fail(r, 500, M_NONE);
	}
	return req_redirect(r, safe_next(req_form(r, "next")));
}

struct pw_errors {
	enum msg_id current, fresh, confirm;
};

static void account_render(struct req *r, const struct pw_errors *e)
{
	struct crumb c[] = {{NULL, T(r, M_nav_account)}};
	page_begin(r, T(r, M_nav_account), c, 1);
	page_heading(r, T(r, M_nav_account), NULL);
	struct db *db = req_db(r);
	html(r, "<section class=\"card\"><h2>%T</h2><dl class=\"props\"><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%s</dd>",
	     M_profile, M_username, r->user->username, M_display_name, r->user->display_name);
	html(r, "<dt>%T</dt><dd>", M_roles);
	for (int i = 0; i < r->user->ngrants; i++) {
		const struct grant *g = &r->user->grants[i];
		html(r, "<span class=\"badge badge-muted\">%T</span> ", M_role_admin + (int)g->role);
		if (g->unit_id && db) {
			const char *unit = db_one_text(db, r->a, "SELECT name FROM units WHERE id = ?", "i", g->unit_id);
			if (unit)
				html(r, "(%s) ", unit);
		}
	}
	if (!r->user->ngrants)
		html(r, "%T", M_no_roles);
	html(r, "</dd></dl></section>");
	/* where notifications are e-mailed (POST /account/email: platform/inbox_pages.c) */
	const char *email = db ? db_one_text(db, r->a, "SELECT email FROM users WHERE id = ?", "i", r->user->id) : NULL;
	html(r, "<section class=\"card\" id=\"email\"><h2>%T</h2><form class=\"form\" method=\"post\" "
		"action=\"/account/email\">%H",
	     M_user_email, csrf_input(r));
	field_input(r, "email", "email", M_user_email, email ? email : "", M_NONE, 0, M_email_hint);
	html(r, "<div class=\"form-actions\"><button class=\"btn\">%T</button></div></form></section>", M_save);
	html(r, "<section class=\"card\"><h2>%T</h2>", M_change_password);
	int n = (e->current != M_NONE) + (e->fresh != M_NONE) + (e->confirm != M_NONE);
	form_errors(r, n);
	html(r, "<form class=\"form\" method=\"post\" action=\"/account/password\">%H", csrf_input(r));
	field_input(r, "password", "password", M_current_password, NULL, e->current, 1, M_NONE);
	field_input(r, "password", "new_password", M_new_password, NULL, e->fresh, 1, M_pw_rules);
	field_input(r, "password", "confirm", M_confirm_password, NULL, e->confirm, 1, M_NONE);
	html(r, "<div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button></div></form></section>",
	     M_change_password);
	page_end(r);
}

static int account_page(struct req *r)
{
	struct pw_errors e = {M_NONE, M_NONE, M_NONE};
	account_render(r, &e);
	return 0;
}

static int password_post(struct req *r)
{
	const char *cur = req_form(r, "password"), *fresh = req_form(r, "new_password"),
		   *confirm = req_form(r, "confirm");
	struct pw_errors e = {M_NONE, M_NONE, M_NONE};
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	struct app *app = (struct app *)r->app;
	char *hash = db_one_text(db, r->a, "SELECT password_hash FROM users WHERE id = ?", "i", r->user->id);
	if (!cur || !*cur)
		e.current = M_required;
	else if (!hash || !password_verify(&app->hash_sem, hash, cur))
		e.current = M_pw_wrong_current;
	if (!fresh || !*fresh)
		e.fresh = M_required;
	else
		e.fresh = password_policy(r->user->username, fresh);
	if (e.fresh == M_NONE && (!confirm || strcmp(confirm, fresh) != 0))
		e.confirm = M_pw_mismatch;
	if (e.current != M_NONE || e.fresh != M_NONE || e.confirm != M_NONE) {
		r->status = 422;
		account_render(r, &e);
		return 0;
	}
	char newhash[PASSWORD_HASH_MAX];
	if (password_hash(&app->hash_sem, fresh, newhash))
		return req_fail(r, 500, M_NONE);
	int64_t now = time(NULL);
	int rc = db_begin(db);
	if (!rc)
		rc = db_run(db, "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?", "sii",
			    newhash, now, r->user->id);
	if (!rc)
		rc = session_end_all(db, r->user->id); /* sign out everywhere else */
	if (!rc)
		rc = session_start(r, r->user->id);
	if (!rc)
		rc = audit_log(r, "change_password", "user", r->user->id, NULL, NULL);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return req_fail(r, 500, M_NONE);
	}
	req_flash(r, "ok", M_pw_changed);
	return req_redirect(r, "/account");
}

const struct route auth_routes[] = {
	{"GET", "/login", login_page, P_PUBLIC, 0, NULL},
	{"POST", "/login", login_post, P_PUBLIC, 1, NULL},
	{"POST", "/logout", logout_post, P_SIGNED_IN, 1, NULL},
	{"POST", "/lang", lang_post, P_PUBLIC, 1, NULL},
	{"GET", "/account", account_page, P_SIGNED_IN, 0, NULL},
	{"POST", "/account/password", password_post, P_SIGNED_IN, 1, NULL},
	{NULL, NULL, NULL, 0, 0, NULL},
};
