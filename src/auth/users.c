/* users.c — see users.h. */
#include "users.h"
#include "../core/buf.h"
#include "../core/arena.h"
#include "../db/db.h"
#include "../http/auth.h"

#include <string.h>
#include <time.h>

enum msg_id username_check(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0)
		return M_required;
	if (n < 2 || n > 32)
		return M_username_rule;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return M_username_rule;
	}
	return M_NONE;
}

enum msg_id display_name_check(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0)
		return M_required;
	if (!utf8_valid(name, n))
		return M_err_bad_utf8;
	size_t chars = 0;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)name[i] < 0x20)
			return M_display_name_rule;
		chars += ((unsigned char)name[i] & 0xC0) != 0x80;
	}
	return chars > 60 ? M_display_name_rule : M_NONE;
}

int64_t user_insert(struct db *db, const char *username, const char *display, const char *pw_hash)
{
	int64_t now = time(NULL);
	return db_insert(db,
			 "INSERT INTO users (username, display_name, password_hash, created_at, password_changed_at) "
			 "VALUES (?, ?, ?, ?, ?) RETURNING id",
			 "sssii", username, display, pw_hash, now, now);
}

int user_set_roles(struct db *db, int64_t uid, unsigned roles, int64_t unit_id)
{
	int rc = db_run(db, "DELETE FROM user_roles WHERE user_id = ?", "i", uid);
	for (int role = 0; !rc && role < ROLE__COUNT; role++) {
		if (!(roles & (1u << role)))
			continue;
		rc = db_run(db, "INSERT INTO user_roles (user_id, role, unit_id) VALUES (?, ?, ?)", "iss", uid,
			    role_name((enum role)role), NULL);
		if (!rc && unit_id)
			rc = db_run(db, "UPDATE user_roles SET unit_id = ? WHERE user_id = ? AND role = ?", "iis",
				    unit_id, uid, role_name((enum role)role));
	}
	return rc;
}

int64_t user_id_by_name(struct db *db, const char *username)
{
	return db_one_int64(db, 0, "SELECT id FROM users WHERE username = ?", "s", username);
}

json_t *user_snapshot(struct db *db, int64_t uid)
{
	struct arena a;
	arena_init(&a);
	struct db_stmt *q = db_query(
		db, &a, "SELECT username, display_name, lang, disabled, email FROM users WHERE id = ?", "i", uid);
	json_t *o = NULL;
	if (q && db_step(q) == DB_ROW) {
		o = json_pack("{s:s, s:s, s:s?, s:b}", "username", db_column_text(q, 0), "display_name",
			      db_column_text(q, 1), "lang", db_column_isnull(q, 2) ? NULL : db_column_text(q, 2),
			      "disabled", (int)db_column_int64(q, 3));
		if (o && !db_column_isnull(q, 4)) /* only when set: older entries compare equal */
			json_object_set_new(o, "email", json_string(db_column_text(q, 4)));
	}
	json_t *roles = o ? json_array() : NULL;
	q = !o ? NULL : db_query(db, &a, "SELECT role, unit_id FROM user_roles WHERE user_id = ? ORDER BY role", "i", uid);
	while (q && db_step(q) == DB_ROW) {
		json_t *g = json_pack("{s:s}", "role", db_column_text(q, 0));
		json_object_set_new(g, "unit_id", db_column_isnull(q, 1) ? json_null() : json_integer(db_column_int64(q, 1)));
		json_array_append_new(roles, g);
	}
	arena_free(&a);
	if (o)
		json_object_set_new(o, "roles", roles);
	return o;
}
