/* inbox_pages.c — the signed-in user's own notifications: /inbox (newest
 * first, paged, unread in bold, "mark all read"), /inbox/{id} (marks it read
 * and goes to its link, local paths only) and GET /api/v1/inbox. Nobody sees
 * another user's notifications: every query is keyed by r->user->id. */
#include "inbox.h"
#include "../auth/users.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../web/widgets.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PER_PAGE 25

/* The subject of a notification in the reader's language; a key this build
 * does not know (a module removed since) shows as the generic subject. */
static enum msg_id subject_of(const char *key)
{
	enum msg_id m = msg_find(key);
	return m != M_NONE ? m : M_inbox_notification;
}

static int inbox_page(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	int page = req_page(r);
	if (!page)
		return req_fail(r, 400, M_err_bad_page);
	int64_t uid = r->user->id;
	int64_t total = db_one_int64(db, 0, "SELECT count(*) FROM notifications WHERE user_id = ?", "i", uid);
	int64_t unread = inbox_unread_count(r);
	struct crumb c[] = {{NULL, T(r, M_nav_inbox)}};
	page_begin(r, T(r, M_nav_inbox), c, 1);
	page_heading(r, T(r, M_nav_inbox),
		     unread ? html_fmt(r,
				       "<form method=\"post\" action=\"/inbox/read-all\">%H<button class=\"btn\">%T"
				       "</button></form>",
				       csrf_input(r), M_inbox_mark_all)
			    : NULL);
	if (!total) {
		empty_state(r, M_inbox_empty, M_NONE, NULL, M_NONE);
		page_end(r);
		return 0;
	}
	static const struct list_col cols[] = {
		{M_inbox_subject, NULL, 0}, {M_inbox_detail, NULL, 0}, {M_inbox_when, NULL, 0}};
	list_begin(r, cols, 3, -1, 0);
	struct db_stmt *s =
		db_query(db, r->a,
			 "SELECT id, subject_key, detail, created_at, read_at FROM notifications WHERE user_id = ? "
			 "ORDER BY id DESC LIMIT ? OFFSET ?",
			 "iII", uid, PER_PAGE, (page - 1) * PER_PAGE);
	while (s && db_step(s) == DB_ROW) {
		int is_unread = db_column_isnull(s, 4);
		char when[64];
		html(r,
		     "<tr%H><td class=\"card-title\"><a href=\"/inbox/%D\">%H%T%H</a>%H</td><td "
		     "data-label=\"%T\">%s</td>"
		     "<td data-label=\"%T\">%s</td></tr>",
		     is_unread ? MARKUP(" class=\"unread\"") : MARKUP(""), db_column_int64(s, 0),
		     is_unread ? MARKUP("<strong>") : MARKUP(""), subject_of(db_column_text(s, 1)),
		     is_unread ? MARKUP("</strong>") : MARKUP(""),
		     is_unread ? html_fmt(r, " <span class=\"badge badge-danger\">%T</span>", M_inbox_unread)
			       : MARKUP(""),
		     M_inbox_detail, db_column_text(s, 2), M_inbox_when,
		     fmt_time(r->lang, db_column_int64(s, 3), 1, when, sizeof when));
	}
	list_end(r);
	list_pager(r, total, page, PER_PAGE);
	page_end(r);
	return 0;
}

static int inbox_open(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	int64_t id = req_param_int(r, "id");
	const char *link = db_one_text(db, r->a, "SELECT link FROM notifications WHERE id = ? AND user_id = ?", "ii",
				       id, r->user->id);
	if (!link)
		return req_fail(r, 404, M_inbox_not_found);
	/* the reader's own state, not a change to the organization's data: not audited */
	if (db_run(db, "UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL", "ii",
		   (int64_t)time(NULL), id))
		return req_fail(r, 500, M_NONE);
	/* only local paths: a stored link that is anything else goes back to the inbox */
	return req_redirect(r, *link && req_path_local(link) ? link : "/inbox");
}

static int inbox_read_all(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	if (db_run(db, "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", "ii",
		   (int64_t)time(NULL), r->user->id))
		return req_fail(r, 500, M_NONE);
	return req_redirect(r, "/inbox");
}

/* {"data": [{id, created_at, kind, subject, detail, link, read}], "total",
 * "page", "per_page", "unread"} */
static int inbox_json(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	int page = req_page(r);
	if (!page)
		return req_fail(r, 400, M_err_bad_page);
	int64_t uid = r->user->id;
	json_t *data = json_array();
	struct db_stmt *s =
		db_query(db, r->a,
			 "SELECT id, created_at, kind, subject_key, detail, link, read_at FROM notifications WHERE "
			 "user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
			 "iII", uid, PER_PAGE, (page - 1) * PER_PAGE);
	while (s && db_step(s) == DB_ROW)
		json_array_append_new(data, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:b}", "id",
						      (json_int_t)db_column_int64(s, 0), "created_at",
						      (json_int_t)db_column_int64(s, 1), "kind", db_column_text(s, 2),
						      "subject", msg(r->lang, subject_of(db_column_text(s, 3))),
						      "detail", db_column_text(s, 4), "link", db_column_text(s, 5),
						      "read", !db_column_isnull(s, 6)));
	json_t *j = json_pack(
		"{s:o, s:I, s:i, s:i, s:I}", "data", data, "total",
		(json_int_t)db_one_int64(db, 0, "SELECT count(*) FROM notifications WHERE user_id = ?", "i", uid),
		"page", page, "per_page", PER_PAGE, "unread", (json_int_t)inbox_unread_count(r));
	char *out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	req_json_begin(r, 200);
	buf_puts(&r->out, out);
	buf_putc(&r->out, '\n');
	free(out);
	return 0;
}

/* The user's own e-mail address (the form is on /account), audited. */
static int account_email(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	const char *email = req_form(r, "email");
	email = email ? email : "";
	if (*email && !email_valid(email)) {
		req_flash(r, "error", M_email_rule);
		return req_redirect(r, "/account#email");
	}
	int64_t id = r->user->id;
	json_t *before = user_snapshot(db, id);
	int rc = db_begin(db);
	if (!rc)
		rc = db_run(db, "UPDATE users SET email = ? WHERE id = ?", "si", *email ? email : NULL, id);
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
	return req_redirect(r, "/account");
}

const struct route inbox_routes[] = {
	{"POST", "/account/email", account_email, P_SIGNED_IN, 1, NULL},
	{"GET", "/inbox", inbox_page, P_SIGNED_IN, 0, NULL},
	{"GET", "/inbox/{id:int}", inbox_open, P_SIGNED_IN, 0, NULL},
	{"POST", "/inbox/read-all", inbox_read_all, P_SIGNED_IN, 1, NULL},
	{"GET", "/api/v1/inbox", inbox_json, P_SIGNED_IN, 0, NULL},
	{NULL, NULL, NULL, 0, 0, NULL},
};
