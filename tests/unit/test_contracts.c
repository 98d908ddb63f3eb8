/* test_contracts.c — assess_contracts_mark_assessed, what the rounds call
 * when a year-end round is published: every signed or in-force contract of
 * that year becomes assessed, with an audit entry; drafts, contracts still
 * waiting for signatures and other years stay as they are; a second call
 * marks nothing. On SQLite, and on PostgreSQL when WENMING_TEST_PG is set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assessment/contracts.h"
#include "core/log.h"
#include "http/http.h"
#include "testdb.h"

#define fx testreq

static int sqlite_setup(void **state)
{
	return testreq_open(state, DB_SQLITE, 2, LANG_EN);
}

static int pg_setup(void **state)
{
	return testreq_open(state, DB_PG, 2, LANG_EN);
}

static int64_t contract(struct db *db, int64_t sys, int year, int64_t issuer, int64_t holder, const char *state,
			const char *code)
{
	int64_t id = db_insert(
		db,
		"INSERT INTO assess_contracts (system_id, year, level, issuer_unit_id, holder_unit_id, state, "
		"verify_code, created_at) VALUES (?, ?, 1, ?, ?, ?, ?, 0) RETURNING id",
		"iiiiss", sys, (int64_t)year, issuer, holder, state, code);
	assert_true(id > 0);
	return id;
}

static const char *state_of(struct fx *f, int64_t id)
{
	return db_one_text(f->t.db, &f->a, "SELECT state FROM assess_contracts WHERE id = ?", "i", id);
}

static void mark_assessed_marks_the_years_signed_contracts(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	struct db *db = f->t.db;
	int64_t top = db_insert(
		db, "INSERT INTO units (kind, code, name, created_at) VALUES ('bureau', 'T', 'T', 0) RETURNING id",
		NULL);
	int64_t u[5];
	for (int i = 0; i < 5; i++) {
		char code[8];
		snprintf(code, sizeof code, "S%d", i);
		u[i] = db_insert(
			db,
			"INSERT INTO units (parent_id, kind, code, name, created_at) VALUES (?, 'secondary', ?, ?, 0) "
			"RETURNING id",
			"iss", top, code, code);
		assert_true(u[i] > 0);
	}
	int64_t sys =
		db_insert(db,
			  "INSERT INTO assess_systems (year, version, name, state, total_points, created_at) VALUES "
			  "(2031, 1, 's', 'in_use', 100, 0) RETURNING id",
			  NULL);
	assert_true(sys > 0);
	int64_t draft = contract(db, sys, 2031, top, u[0], "draft", "AAAAAAAAAAA2");
	int64_t issued = contract(db, sys, 2031, top, u[1], "issued", "AAAAAAAAAAA3");
	int64_t signed_ = contract(db, sys, 2031, top, u[2], "signed", "AAAAAAAAAAA4");
	int64_t in_force = contract(db, sys, 2031, top, u[3], "in_force", "AAAAAAAAAAA5");
	int64_t other_year = contract(db, sys, 2030, top, u[4], "in_force", "AAAAAAAAAAA6");
	int64_t audits =
		db_one_int64(db, -1, "SELECT count(*) FROM audit WHERE action = 'assessment_contract_assessed'", NULL);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(assess_contracts_mark_assessed(&f->r, 2031), 2);
	assert_int_equal(db_commit(db), 0);
	assert_string_equal(state_of(f, draft), "draft");
	assert_string_equal(state_of(f, issued), "issued");
	assert_string_equal(state_of(f, signed_), "assessed");
	assert_string_equal(state_of(f, in_force), "assessed");
	assert_string_equal(state_of(f, other_year), "in_force");
	assert_true(db_one_int64(db, 0, "SELECT assessed_at FROM assess_contracts WHERE id = ?", "i", in_force) > 0);
	assert_int_equal(
		db_one_int64(db, -1, "SELECT count(*) FROM audit WHERE action = 'assessment_contract_assessed'", NULL),
		audits + 1);
	/* again: nothing left to mark, no entry */
	assert_int_equal(assess_contracts_mark_assessed(&f->r, 2031), 0);
	assert_int_equal(
		db_one_int64(db, -1, "SELECT count(*) FROM audit WHERE action = 'assessment_contract_assessed'", NULL),
		audits + 1);
}

/* signed contracts go in force when their start date has come */
static void due_puts_signed_contracts_in_force_at_their_date(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	struct db *db = f->t.db;
	int64_t top = db_insert(
		db, "INSERT INTO units (kind, code, name, created_at) VALUES ('bureau', 'D', 'D', 0) RETURNING id",
		NULL);
	int64_t a =
		db_insert(db,
			  "INSERT INTO units (parent_id, kind, code, name, created_at) VALUES (?, 'secondary', 'DA', "
			  "'DA', 0) RETURNING id",
			  "i", top);
	int64_t b =
		db_insert(db,
			  "INSERT INTO units (parent_id, kind, code, name, created_at) VALUES (?, 'secondary', 'DB', "
			  "'DB', 0) RETURNING id",
			  "i", top);
	int64_t sys =
		db_insert(db,
			  "INSERT INTO assess_systems (year, version, name, state, total_points, created_at) VALUES "
			  "(2032, 1, 's', 'in_use', 100, 0) RETURNING id",
			  NULL);
	int64_t past = contract(db, sys, 2032, top, a, "signed", "BBBBBBBBBBB2");
	int64_t ahead = contract(db, sys, 2032, top, b, "signed", "BBBBBBBBBBB3");
	assert_int_equal(db_run(db, "UPDATE assess_contracts SET starts_on = '2000-01-01' WHERE id = ?", "i", past), 0);
	assert_int_equal(db_run(db, "UPDATE assess_contracts SET starts_on = '2999-01-01' WHERE id = ?", "i", ahead),
			 0);
	assert_int_equal(assess_contracts_due(&f->r), 1);
	assert_string_equal(state_of(f, past), "in_force");
	assert_string_equal(state_of(f, ahead), "signed");
	assert_true(db_one_int64(db, 0, "SELECT in_force_at FROM assess_contracts WHERE id = ?", "i", past) > 0);
	assert_int_equal(assess_contracts_due(&f->r), 0);
	assert_int_equal(
		db_one_int64(db, -1, "SELECT count(*) FROM audit WHERE action = 'assessment_contract_in_force'", NULL),
		1);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest sqlite_tests[] = {
		cmocka_unit_test_setup_teardown(mark_assessed_marks_the_years_signed_contracts, sqlite_setup,
						testreq_teardown),
		cmocka_unit_test_setup_teardown(due_puts_signed_contracts_in_force_at_their_date, sqlite_setup,
						testreq_teardown)};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test_setup_teardown(mark_assessed_marks_the_years_signed_contracts, pg_setup,
						testreq_teardown),
		cmocka_unit_test_setup_teardown(due_puts_signed_contracts_in_force_at_their_date, pg_setup,
						testreq_teardown)};
	int failed = cmocka_run_group_tests_name("contracts on SQLite", sqlite_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("contracts on PostgreSQL", pg_tests, NULL, NULL);
	return failed ? 1 : 0;
}
