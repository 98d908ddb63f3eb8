/* inbox.c — adding notifications and queueing their e-mail (see inbox.h).
 *
 * A notification is not audited: it is the system telling someone about a
 * change that is audited itself, and one change may notify many people.
 * Reading one (read_at) is the reader's own state, like a session's
 * last_seen. An announcement made with `wenming notify` is audited, as any
 * command that writes. */
#include "inbox.h"
#include "../cli.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../http/audit.h"
#include "../http/http.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int email_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 3 || n > 254)
		return 0;
	const char *at = strchr(s, '@');
	if (!at || at == s || !at[1] || strchr(at + 1, '@'))
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || strchr("<>\"',;()[]\\", *p))
			return 0;
	return 1;
}

static int kind_valid(const char *k)
{
	size_t n = k ? strlen(k) : 0;
	if (!n || n > INBOX_KIND_MAX)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_' || *k == '.'))
			return 0;
	return 1;
}

/* Queues the e-mail of notification id, in the recipient's language. */
static int queue_mail(struct req *r, struct db *db, int64_t id, const char *to, enum lang l, enum msg_id subject,
		      const char *detail, const char *link)
{
	const struct config *cfg = r->app->cfg;
	struct buf body;
	buf_init(&body, r->a);
	if (detail && *detail)
		buf_printf(&body, "%s\n\n", detail);
	if (link && *link) {
		/* base_url without its trailing slash; without one, the path alone */
		size_t bl = strlen(cfg->base_url);
		while (bl && cfg->base_url[bl - 1] == '/')
			bl--;
		buf_printf(&body, "%s: %.*s%s\n\n", msg(l, M_inbox_mail_open), (int)bl, cfg->base_url, link);
	}
	buf_printf(&body, "-- \n%s\n%s\n", msg(l, M_app_name), msg(l, M_inbox_mail_footer));
	const char *subj = arena_printf(r->a, "%s: %s", msg(l, M_app_name), msg(l, subject));
	int64_t now = time(NULL);
	return db_run(
		db,
		"INSERT INTO mail_outbox (notification_id, to_addr, subject, body, created_at, attempts, next_at) "
		"VALUES (?, ?, ?, ?, ?, 0, ?)",
		"isssii", id, to, subj, body.p, now, now);
}

int64_t notify_user(struct req *r, int64_t user_id, const char *kind, enum msg_id subject, const char *detail,
		    const char *link)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	if (subject == M_NONE || (unsigned)subject >= M__COUNT || !kind_valid(kind) ||
	    (detail && strlen(detail) > INBOX_DETAIL_MAX) || (link && *link && !req_path_local(link)))
		return INBOX_E_INVALID;
	struct arena a;
	arena_init(&a);
	struct db_stmt *q =
		db_query(db, &a, "SELECT lang, email FROM users WHERE id = ? AND disabled = 0", "i", user_id);
	int st = q ? db_step(q) : DB_ERR;
	int l = st == DB_ROW ? lang_parse(db_column_text(q, 0)) : -1;
	const char *email = st == DB_ROW && !db_column_isnull(q, 1) ? arena_strdup(r->a, db_column_text(q, 1)) : NULL;
	arena_free(&a);
	if (st != DB_ROW)
		return st < 0 ? st : INBOX_E_NO_USER;
	int rc = db_begin(db);
	if (rc)
		return rc;
	int64_t id = db_insert(db,
			       "INSERT INTO notifications (user_id, created_at, kind, subject_key, detail, link) "
			       "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			       "iissss", user_id, (int64_t)time(NULL), kind, msg_key(subject), detail ? detail : "",
			       link ? link : "");
	rc = id < 0 ? (int)id : 0;
	if (!rc && email && email_valid(email) && r->app && r->app->cfg->smtp_url[0])
		rc = queue_mail(r, db, id, email, l < 0 ? LANG_HANT : (enum lang)l, subject, detail, link);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	mail_wake(r->app);
	return id;
}

int notify_unit(struct req *r, int64_t unit_id, unsigned roles_mask, const char *kind, enum msg_id subject,
		const char *detail, const char *link)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	struct arena a;
	arena_init(&a);
	/* the grants at one scope root (NULL: the whole organization) */
	struct db_stmt *q =
		db_prepare(db, &a,
			   "SELECT g.user_id, g.role FROM user_roles g JOIN users u ON u.id = g.user_id "
			   "WHERE u.disabled = 0 AND (g.unit_id = ? OR (CAST(? AS BIGINT) IS NULL AND g.unit_id IS "
			   "NULL)) ORDER BY g.user_id");
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc = q ? 0 : DB_ERR, guard = 0;
	for (int64_t u = unit_id;; guard++) {
		db_reset(q);
		if (u) {
			db_bind_int64(q, 1, u);
			db_bind_int64(q, 2, u);
		} else {
			db_bind_null(q, 1);
			db_bind_null(q, 2);
		}
		int st;
		while ((st = db_step(q)) == DB_ROW) {
			int role = role_parse(db_column_text(q, 1));
			int64_t uid = db_column_int64(q, 0);
			if (role < 0 || !(roles_mask & (1u << role)) || (n && ids[n - 1] == uid))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				int64_t *v = realloc(ids, cap * sizeof *v);
				if (!v) {
					rc = DB_ERR;
					break;
				}
				ids = v;
			}
			ids[n++] = uid;
		}
		if (st < 0)
			rc = st;
		if (rc || n || !u || guard > 64) /* 64: deeper than any tree, and safe from a cycle */
			break;
		u = db_one_int64(db, 0, "SELECT COALESCE(parent_id, 0) FROM units WHERE id = ?", "i", u);
	}
	arena_free(&a);
	int sent = 0;
	if (!rc && n)
		rc = db_begin(db);
	for (size_t i = 0; !rc && i < n; i++) {
		int64_t id = notify_user(r, ids[i], kind, subject, detail, link);
		if (id < 0)
			rc = (int)id;
		else
			sent++;
	}
	if (!rc && n)
		rc = db_commit(db);
	else if (rc && n)
		db_rollback(db);
	free(ids);
	return rc ? rc : sent;
}

int64_t inbox_unread_count(struct req *r)
{
	if (!r->user)
		return 0;
	struct db *db = req_db(r);
	if (!db)
		return 0;
	int64_t n = db_one_int64(db, 0, "SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", "i",
				 r->user->id);
	return n < 0 ? 0 : n;
}

/* ---- wenming notify ---- */

int cmd_notify(struct config *cfg, int argc, char **argv)
{
	const char *who = NULL, *text = NULL, *link = NULL;
	for (int i = 1; i < argc; i++) {
		const char *v;
		if (cli_option(argc, argv, &i, "--link", &v)) {
			if (!v)
				return cli_usage_error("notify", "--link needs a path");
			link = v;
		} else if (!strcmp(argv[i], "--all") && !who) {
			who = "--all";
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error("notify", "unknown option '%s'", argv[i]);
		} else if (!who) {
			who = argv[i];
		} else if (!text) {
			text = argv[i];
		} else {
			return cli_usage_error("notify", "unexpected argument '%s'", argv[i]);
		}
	}
	if (!who || !text || !*text)
		return cli_usage_error("notify", "expected a user name (or --all) and a text");
	if (strlen(text) > INBOX_DETAIL_MAX)
		return cli_usage_error("notify", "the text is longer than %d bytes", INBOX_DETAIL_MAX);
	if (link && !req_path_local(link))
		return cli_usage_error("notify", "--link must be a local path such as /r/units/3");
	struct db *db = cli_open_db(cfg);
	if (!db)
		return 2;
	struct app app = {.cfg = cfg};
	struct arena a;
	arena_init(&a);
	struct req r;
	req_init_cli(&r, &a, db, LANG_EN);
	r.app = &app;
	struct passwd *pw = getpwuid(getuid());
	struct user u = {.id = 0, .username = arena_printf(&a, "cli:%s", pw ? pw->pw_name : "?")};
	u.display_name = u.username;
	r.user = &u;
	int all = !strcmp(who, "--all"), status = 0, count = 0;
	struct db_stmt *q =
		all ? db_query(db, &a, "SELECT id FROM users WHERE disabled = 0 ORDER BY id", NULL)
		    : db_query(db, &a, "SELECT id FROM users WHERE username = ? AND disabled = 0", "s", who);
	/* the ids first: the notifications are written on the same connection */
	struct buf ids;
	buf_init(&ids, &a);
	while (q && db_step(q) == DB_ROW) {
		int64_t id = db_column_int64(q, 0);
		buf_append(&ids, &id, sizeof id);
	}
	int rc = q ? db_begin(db) : DB_ERR;
	for (size_t i = 0; !rc && i < ids.len / sizeof(int64_t); i++) {
		int64_t uid;
		memcpy(&uid, ids.p + i * sizeof uid, sizeof uid);
		int64_t id = notify_user(&r, uid, "announcement", M_inbox_announcement, text, link);
		if (id < 0)
			rc = (int)id;
		else
			count++;
	}
	if (!rc && !count) {
		fprintf(stderr, "wenming notify: no active user named '%s'\n", who);
		db_rollback(db);
		status = 1;
	} else {
		json_t *after =
			rc ? NULL
			   : json_pack("{s:s, s:s, s:s?, s:i}", "to", who, "text", text, "link", link, "users", count);
		if (!rc)
			rc = audit_log(&r, "notify", "notification", 0, NULL, after);
		json_decref(after);
		if (!rc)
			rc = db_commit(db);
		if (rc) {
			db_rollback(db);
			fprintf(stderr, "wenming notify: database error: %s\n", db_errmsg(db));
			status = 1;
		} else {
			printf("notified %d user%s\n", count, count == 1 ? "" : "s");
		}
	}
	arena_free(&a);
	db_close(db);
	return status;
}
