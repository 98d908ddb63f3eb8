/* test_inbox.c — notify_unit finds the users holding a role at a unit, else
 * at its nearest ancestor that has any, else for the whole organization;
 * notify_user refuses a link that is not a local path. On SQLite, and on
 * PostgreSQL when WENMING_TEST_PG is set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/log.h"
#include "http/http.h"
#include "platform/inbox.h"
#include "testdb.h"

#define fx testreq

static int sqlite_setup(void **state)
{
	return testreq_open(state, DB_SQLITE, 1, LANG_EN);
}

static int pg_setup(void **state)
{
	return testreq_open(state, DB_PG, 1, LANG_EN);
}

#define fx_teardown testreq_teardown

static int64_t unit(struct db *db, const char *code, int64_t parent)
{
	return db_insert(db,
			 "INSERT INTO units (parent_id, kind, code, name, created_at) VALUES (?, 'secondary', ?, ?, 0) "
			 "RETURNING id",
			 "iss", parent, code, code);
}

static int64_t user(struct db *db, const char *name, const char *role, int64_t scope)
{
	int64_t id =
		db_insert(db,
			  "INSERT INTO users (username, display_name, password_hash, created_at, password_changed_at) "
			  "VALUES (?, ?, 'x', 0, 0) RETURNING id",
			  "ss", name, name);
	assert_true(id > 0);
	if (scope)
		assert_int_equal(db_run(db, "INSERT INTO user_roles (user_id, role, unit_id) VALUES (?, ?, ?)", "isi",
					id, role, scope),
				 0);
	else
		assert_int_equal(db_run(db, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)", "is", id, role), 0);
	return id;
}

static int64_t count_for(struct db *db, int64_t uid)
{
	return db_one_int64(db, -1, "SELECT count(*) FROM notifications WHERE user_id = ?", "i", uid);
}

static void notify_unit_walks_up_the_tree(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	struct db *db = f->t.db;
	/* units.parent_id may not be 0: the top has NULL */
	int64_t top = db_insert(
		db, "INSERT INTO units (kind, code, name, created_at) VALUES ('bureau', 'T', 'T', 0) RETURNING id",
		NULL);
	int64_t mid = unit(db, "M", top), leaf = unit(db, "L", mid);
	int64_t office = user(db, "office1", "office", 0);
	int64_t mid_admin = user(db, "midadmin", "unit_admin", mid);
	int64_t mid_staff = user(db, "midstaff", "staff", mid);
	unsigned admins = 1u << ROLE_UNIT_ADMIN;
	/* nobody at the leaf: its parent's unit administrators */
	assert_int_equal(notify_unit(&f->r, leaf, admins, "test.kind", M_inbox_notification, "d", "/inbox"), 1);
	assert_int_equal(count_for(db, mid_admin), 1);
	assert_int_equal(count_for(db, mid_staff), 0);
	assert_int_equal(count_for(db, office), 0);
	/* the office role is held for the whole organization only */
	assert_int_equal(notify_unit(&f->r, leaf, 1u << ROLE_OFFICE, "test.kind", M_inbox_notification, NULL, NULL), 1);
	assert_int_equal(count_for(db, office), 1);
	/* nobody holds it anywhere */
	assert_int_equal(notify_unit(&f->r, leaf, 1u << ROLE_SUPERVISOR, "test.kind", M_inbox_notification, NULL, NULL),
			 0);
	/* a non-local link, a bad kind, no subject: refused */
	assert_int_equal(notify_user(&f->r, office, "k", M_inbox_notification, NULL, "//evil.example"),
			 INBOX_E_INVALID);
	assert_int_equal(notify_user(&f->r, office, "Bad Kind", M_inbox_notification, NULL, NULL), INBOX_E_INVALID);
	assert_int_equal(notify_user(&f->r, office, "k", M_NONE, NULL, NULL), INBOX_E_INVALID);
	assert_int_equal(notify_user(&f->r, 999999, "k", M_inbox_notification, NULL, NULL), INBOX_E_NO_USER);
	/* no mail is queued without smtp_url (a CLI request has no app) */
	assert_int_equal(db_one_int64(db, -1, "SELECT count(*) FROM mail_outbox", NULL), 0);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest sqlite_tests[] = {
		cmocka_unit_test_setup_teardown(notify_unit_walks_up_the_tree, sqlite_setup, fx_teardown)};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test_setup_teardown(notify_unit_walks_up_the_tree, pg_setup, fx_teardown)};
	int failed = cmocka_run_group_tests_name("inbox on SQLite", sqlite_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("inbox on PostgreSQL", pg_tests, NULL, NULL);
	return failed;
}
