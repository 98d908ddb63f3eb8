/* test_records.c — the records engine on the real declarations: every field
 * type's validation and normalisation, the org hooks (people, supervisors,
 * units), record_save with versions and audit entries, the unit tree's
 * paths, archive refusals, JSON masking and display.
 *
 * Each test runs on SQLite (a fresh file in a temporary directory) and,
 * when WENMING_TEST_PG holds a postgresql:// URL, on PostgreSQL in a schema
 * of its own, dropped afterwards; without it the PostgreSQL group skips.
 *
 * The base data, saved through the engine as an organization-wide admin:
 * 交通運輸局 (B) → 公路管理處 (S1) → 養護科 (D1), and 運輸管理處 (S2) under
 * B; 王曉明 in S1 with an ID number and a phone; user accounts zhangsan and
 * jiandu.
 *
 * Tests named fixed_* pin bugs found by these tests and since fixed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "http/http.h"
#include "org/org.h"
#include "records/import.h"
#include "records/record.h"
#include "testdb.h"

/* ID numbers with their ISO 7064 MOD 11-2 check digits */
#define ID_WANG "110101199003071233"
#define ID_X "11010519491231002X"
#define ID_OTHER "440304198511204567"

/* ---- fixtures ---- */

struct fx {
	struct testdb t;
	struct db *db; /* t.db */
	enum db_kind kind;
	struct user user;
	struct req r;
	int64_t bureau, s1, s2, d1, wang;
	int64_t zhangsan, jiandu; /* user accounts */
};

static const char *key(enum msg_id m)
{
	return m == M_NONE ? "(none)" : msg_key(m);
}

#define assert_msg(got, want)                                                                                 \
	do {                                                                                                  \
		enum msg_id got_ = (got), want_ = (want);                                                     \
		if (got_ != want_)                                                                            \
			fail_msg("%s:%d: got %s, want %s", __FILE__, __LINE__, key(got_), key(want_));        \
	} while (0)

static int idx(const struct record_type *t, const char *name)
{
	int i = record_field_index(t, name);
	if (i < 0)
		fail_msg("%s has no field %s", t->name, name);
	return i;
}

static void set(struct fx *f, struct record *rec, const char *name, const char *v)
{
	record_set(&f->r, rec, idx(rec->type, name), v);
}

static const char *val(const struct record *rec, const char *name)
{
	return rec->vals[idx(rec->type, name)];
}

static const char *num(struct fx *f, int64_t n)
{
	return arena_printf(&f->t.a, "%lld", (long long)n);
}

/* A new record with name / value pairs set through record_set; ends with NULL. */
static struct record *mk(struct fx *f, const struct record_type *t, ...)
{
	struct record *rec = record_new(&f->r, t);
	va_list ap;
	va_start(ap, t);
	const char *name;
	while ((name = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);
		set(f, rec, name, v);
	}
	va_end(ap);
	return rec;
}

/* The message record_validate gives one field. */
static enum msg_id field_err(struct fx *f, struct record *rec, const struct record *before, const char *name)
{
	struct record_errors e;
	record_validate(&f->r, rec, before, &e);
	return e.field[idx(rec->type, name)];
}

static void assert_valid_at(struct fx *f, struct record *rec, const struct record *before, const char *file, int line)
{
	struct record_errors e;
	if (!record_validate(&f->r, rec, before, &e))
		return;
	for (int i = 0; i < rec->type->nfields; i++)
		if (e.field[i] != M_NONE)
			print_error("  %s.%s: %s\n", rec->type->name, rec->type->fields[i].name, key(e.field[i]));
	fail_msg("%s:%d: %d validation errors (record: %s)", file, line, e.count, key(e.record));
}
#define assert_valid(f, rec, before) assert_valid_at((f), (rec), (before), __FILE__, __LINE__)

/* Validates and saves; returns the id. */
static int64_t save_at(struct fx *f, struct record *rec, const struct record *before, const char *file, int line)
{
	assert_valid_at(f, rec, before, file, line);
	int rc = record_save(&f->r, rec, before);
	if (rc)
		fail_msg("%s:%d: record_save = %d: %s", file, line, rc, db_errmsg(f->db));
	return rec->id;
}
#define save(f, rec, before) save_at((f), (rec), (before), __FILE__, __LINE__)

static int64_t add_unit(struct fx *f, int64_t parent, const char *kind, const char *code, const char *name)
{
	struct record *u = mk(f, &units_type, "code", code, "name", name, "kind", kind, "parent_id",
			      parent ? num(f, parent) : NULL, NULL);
	return save(f, u, NULL);
}

static int64_t add_person(struct fx *f, int64_t unit, const char *name)
{
	return save(f, mk(f, &people_type, "name", name, "unit_id", num(f, unit), NULL), NULL);
}

static int64_t add_user(struct fx *f, const char *username)
{
	int64_t id = db_insert(f->db,
			       "INSERT INTO users (username, display_name, password_hash, created_at, password_changed_at) "
			       "VALUES (?, ?, 'x', 0, 0) RETURNING id",
			       "ss", username, username);
	assert_true(id > 0);
	return id;
}

static int64_t one(struct fx *f, const char *sql, int64_t id)
{
	return db_one_int64(f->db, -1, sql, "i", id);
}

static const char *one_text(struct fx *f, const char *sql, int64_t id)
{
	return db_one_text(f->db, &f->t.a, sql, "i", id);
}

static int fx_open(void **state, enum db_kind kind)
{
	struct fx *f = calloc(1, sizeof *f);
	f->kind = kind;
	*state = f;
	if (testdb_open(&f->t, kind, 2))
		return -1;
	f->db = f->t.db;
	f->zhangsan = add_user(f, "zhangsan");
	f->jiandu = add_user(f, "jiandu");
	f->r.a = &f->t.a;
	f->r.db_ = f->db;
	f->r.ip = "test";
	f->r.lang = LANG_HANT;
	f->user.id = add_user(f, "tester");
	f->user.username = f->user.display_name = "tester";
	f->user.grants[f->user.ngrants++] = (struct grant){ROLE_ADMIN, 0};
	f->r.user = &f->user;

	f->bureau = add_unit(f, 0, "bureau", "B", "交通運輸局");
	f->s1 = add_unit(f, f->bureau, "secondary", "S1", "公路管理處");
	f->s2 = add_unit(f, f->bureau, "secondary", "S2", "運輸管理處");
	f->d1 = add_unit(f, f->s1, "department", "D1", "養護科");
	f->wang = save(f,
		       mk(f, &people_type, "name", "王曉明", "unit_id", num(f, f->s1), "id_number", ID_WANG, "phone",
			  "13800138000", "gender", "male", NULL),
		       NULL);
	return 0;
}

static int sqlite_setup(void **state)
{
	return fx_open(state, DB_SQLITE);
}

static int pg_setup(void **state)
{
	if (testdb_pg_skipped(state))
		return 0;
	return fx_open(state, DB_PG);
}

#define FX()                   \
	struct fx *f = *state; \
	if (!f)                \
		skip()


/* A person in S1 with the given field set, for one-field checks. */
static struct record *person_with(struct fx *f, const char *name, const char *v)
{
	struct record *p = mk(f, &people_type, "name", "測試", "unit_id", num(f, f->s1), NULL);
	set(f, p, name, v);
	return p;
}

/* ---- F_TEXT and F_LONGTEXT ---- */

static void text_length_is_counted_in_characters(void **state)
{
	FX();
	/* people.name: 1–40 characters; a CJK character is 3 bytes but one character */
	char forty[40 * 3 + 1] = "", fortyone[41 * 3 + 1] = "";
	for (int i = 0; i < 40; i++)
		strcat(forty, "曉");
	strcpy(fortyone, forty);
	strcat(fortyone, "明");
	assert_msg(field_err(f, person_with(f, "name", forty), NULL, "name"), M_NONE);
	assert_msg(field_err(f, person_with(f, "name", fortyone), NULL, "name"), M_rec_bad_length);
	/* units.code: at most 32, ASCII */
	char code[34];
	memset(code, 'A', 32);
	code[32] = 0;
	struct record *u = mk(f, &units_type, "code", code, "name", "單位", "kind", "department", "parent_id",
			      num(f, f->s1), NULL);
	assert_msg(field_err(f, u, NULL, "code"), M_NONE);
	code[32] = 'A', code[33] = 0;
	set(f, u, "code", code);
	assert_msg(field_err(f, u, NULL, "code"), M_rec_bad_length);
}

static void text_refuses_control_characters_and_bad_utf8(void **state)
{
	FX();
	assert_msg(field_err(f, person_with(f, "name", "王\x01明"), NULL, "name"), M_rec_control_chars);
	assert_msg(field_err(f, person_with(f, "name", "王\t明"), NULL, "name"), M_rec_control_chars);
	assert_msg(field_err(f, person_with(f, "name", "王\x1b[31m"), NULL, "name"), M_rec_control_chars);
	assert_msg(field_err(f, person_with(f, "name", "王\xff明"), NULL, "name"), M_err_bad_utf8);
	assert_msg(field_err(f, person_with(f, "name", "\xe7\x8e"), NULL, "name"), M_err_bad_utf8);
	/* a long text keeps its lines */
	struct record *g = mk(f, &groups_type, "year", "2026", "kind", "task_force", "name", "專班", "unit_id",
			      num(f, f->s1), "duties", "一、統籌\n二、督導\r\n", NULL);
	assert_string_equal(val(g, "duties"), "一、統籌\n二、督導\r\n");
	assert_msg(field_err(f, g, NULL, "duties"), M_NONE);
	set(f, g, "duties", "一\t二");
	assert_msg(field_err(f, g, NULL, "duties"), M_NONE);
}

static void longtext_length_bound_in_characters(void **state)
{
	FX();
	/* groups.duties: at most 4000 characters */
	struct buf b;
	buf_init(&b, &f->t.a);
	for (int i = 0; i < 4000; i++)
		buf_puts(&b, "責");
	struct record *g = mk(f, &groups_type, "year", "2026", "kind", "task_force", "name", "專班", "unit_id",
			      num(f, f->s1), "duties", b.p, NULL);
	assert_msg(field_err(f, g, NULL, "duties"), M_NONE);
	buf_puts(&b, "責");
	set(f, g, "duties", b.p);
	assert_msg(field_err(f, g, NULL, "duties"), M_rec_bad_length);
}

static void required_fields_and_empty_values(void **state)
{
	FX();
	struct record *p = record_new(&f->r, &people_type);
	struct record_errors e;
	assert_true(record_validate(&f->r, p, NULL, &e) >= 2);
	assert_msg(e.field[idx(&people_type, "name")], M_required);
	assert_msg(e.field[idx(&people_type, "unit_id")], M_required);
	/* status has a default: a new record is valid without it */
	assert_string_equal(val(p, "status"), "active");
	assert_msg(e.field[idx(&people_type, "status")], M_NONE);
	/* an optional field may stay empty */
	assert_msg(e.field[idx(&people_type, "phone")], M_NONE);
	/* empty, blank and ideographic-blank text all become NULL */
	set(f, p, "name", "");
	assert_null(val(p, "name"));
	set(f, p, "name", " \t\r\n ");
	assert_null(val(p, "name"));
	set(f, p, "name", "　　");
	assert_null(val(p, "name"));
	assert_msg(field_err(f, p, NULL, "name"), M_required);
	/* clearing a required default is refused */
	set(f, p, "status", "");
	assert_msg(field_err(f, p, NULL, "status"), M_required);
}

static void set_trims_spaces_and_the_ideographic_space(void **state)
{
	FX();
	struct record *p = record_new(&f->r, &people_type);
	set(f, p, "name", "　王曉明　");
	assert_string_equal(val(p, "name"), "王曉明");
	set(f, p, "name", "  \t王曉明\r\n");
	assert_string_equal(val(p, "name"), "王曉明");
	set(f, p, "name", " 　王 曉明　 ");
	assert_string_equal(val(p, "name"), "王 曉明"); /* inner spaces stay */
	set(f, p, "name", "　　王　曉明　　");
	assert_string_equal(val(p, "name"), "王　曉明");
	set(f, p, "phone", "　13800138000　");
	assert_string_equal(val(p, "phone"), "13800138000");
}

/* ---- patterns ---- */

static void pattern_code(void **state)
{
	FX();
	struct record *u = mk(f, &units_type, "name", "單位", "kind", "department", "parent_id", num(f, f->s1), NULL);
	static const char *good[] = {"D-2", "win_01", "a.b", "X"};
	static const char *bad[] = {"D 2", "科室", "a/b", "a+b", "a#1"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		set(f, u, "code", good[i]);
		assert_msg(field_err(f, u, NULL, "code"), M_NONE);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		set(f, u, "code", bad[i]);
		assert_msg(field_err(f, u, NULL, "code"), M_rec_bad_code);
	}
}

static void pattern_phone(void **state)
{
	FX();
	static const char *good[] = {"13800138000", "010-65123456", "+86 138 0013 8000", "6512345"};
	static const char *bad[] = {"138001", "1380013800a", "(010)65123456", "138.0013.8000", "123456789012345678901"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_msg(field_err(f, person_with(f, "phone", good[i]), NULL, "phone"), M_NONE);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_msg(field_err(f, person_with(f, "phone", bad[i]), NULL, "phone"), M_rec_bad_phone);
}

static void pattern_email(void **state)
{
	FX();
	struct record *s = mk(f, &supervisors_type, "name", "周", "organization", "市民代表", "term_start", "2026-01-01",
			      "term_end", "2026-12-31", NULL);
	static const char *good[] = {"zhou@example.cn", "a.b@c.gov.cn"};
	static const char *bad[] = {"example.cn", "@example.cn", "zhou@example", "zhou @example.cn"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		set(f, s, "email", good[i]);
		assert_msg(field_err(f, s, NULL, "email"), M_NONE);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		set(f, s, "email", bad[i]);
		assert_msg(field_err(f, s, NULL, "email"), M_rec_bad_email);
	}
}

static void pattern_id_card_checks_the_iso7064_digit(void **state)
{
	FX();
	assert_msg(field_err(f, person_with(f, "id_number", ID_OTHER), NULL, "id_number"), M_NONE);
	assert_msg(field_err(f, person_with(f, "id_number", ID_X), NULL, "id_number"), M_NONE);
	/* a lower-case x check digit is accepted */
	assert_msg(field_err(f, person_with(f, "id_number", "11010519491231002x"), NULL, "id_number"), M_NONE);
	/* one wrong check digit */
	assert_msg(field_err(f, person_with(f, "id_number", "440304198511204568"), NULL, "id_number"),
		   M_rec_bad_id_card);
	assert_msg(field_err(f, person_with(f, "id_number", "110105194912310021"), NULL, "id_number"),
		   M_rec_bad_id_card);
	/* wrong length, or a letter before the check digit */
	assert_msg(field_err(f, person_with(f, "id_number", "44030419851120456"), NULL, "id_number"),
		   M_rec_bad_id_card);
	assert_msg(field_err(f, person_with(f, "id_number", "4403041985112045677"), NULL, "id_number"),
		   M_rec_bad_id_card);
	assert_msg(field_err(f, person_with(f, "id_number", "44030419851120X567"), NULL, "id_number"),
		   M_rec_bad_id_card);
}

/* ---- numbers, dates, yes/no, choices ---- */

static void int_bounds_and_syntax(void **state)
{
	FX();
	/* groups.year: 2000–2100 */
	struct record *g = mk(f, &groups_type, "kind", "task_force", "name", "專班", "unit_id", num(f, f->s1), NULL);
	static const struct {
		const char *v;
		enum msg_id want;
	} cases[] = {
		{"2000", M_NONE},           {"2100", M_NONE},           {"2026", M_NONE},
		{"1999", M_rec_out_of_range}, {"2101", M_rec_out_of_range}, {"-2026", M_rec_out_of_range},
		{"12a", M_rec_not_integer}, {"2026.0", M_rec_not_integer}, {"二〇二六", M_rec_not_integer},
		{"0x7E0", M_rec_not_integer}, {"99999999999999999999", M_rec_not_integer},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		set(f, g, "year", cases[i].v);
		enum msg_id got = field_err(f, g, NULL, "year");
		if (got != cases[i].want)
			fail_msg("year %s: got %s, want %s", cases[i].v, key(got), key(cases[i].want));
	}
	set(f, g, "year", " 2026 ");
	assert_string_equal(val(g, "year"), "2026");
	set(f, g, "year", NULL);
	assert_msg(field_err(f, g, NULL, "year"), M_required);
}

static int declared_anywhere(enum field_type ty)
{
	for (int k = 0; k < record_ntypes; k++)
		for (int i = 0; i < record_types[k]->nfields; i++)
			if (record_types[k]->fields[i].type == ty)
				return 1;
	return 0;
}

/* No register declares a decimal or a date-time field yet: the engine's
 * rules for them are pinned on a declaration of this test's own (no table:
 * validation of these types touches no database). */
static const struct field_def local_fields[] = {
	{.name = "score", .type = F_DECIMAL, .min = -10, .max = 100},
	{.name = "at", .type = F_DATETIME},
	{.name = "note", .type = F_TEXT},
	{.name = "body", .type = F_LONGTEXT},
	{.name = "digits", .type = F_TEXT, .pattern = PAT_DIGITS},
};
static const struct record_type local_type = {
	.name = "t_local",
	.table = "t_local",
	.fields = local_fields,
	.nfields = sizeof local_fields / sizeof local_fields[0],
};

static void decimal_bounds_and_syntax(void **state)
{
	FX();
	if (!declared_anywhere(F_DECIMAL))
		print_message("no declaration has an F_DECIMAL field: checked on a local declaration\n");
	struct record *t = record_new(&f->r, &local_type);
	static const struct {
		const char *v;
		enum msg_id want;
	} cases[] = {
		{"3.5", M_NONE},          {"-10", M_NONE},          {"100", M_NONE},         {"1e2", M_NONE},
		{"100.01", M_rec_out_of_range}, {"-10.5", M_rec_out_of_range}, {"abc", M_rec_not_number},
		{"1,5", M_rec_not_number}, {"nan", M_rec_not_number}, {"inf", M_rec_not_number}, {"1e999", M_rec_not_number},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		set(f, t, "score", cases[i].v);
		enum msg_id got = field_err(f, t, NULL, "score");
		if (got != cases[i].want)
			fail_msg("score %s: got %s, want %s", cases[i].v, key(got), key(cases[i].want));
	}
	set(f, t, "score", "3.5");
	json_t *j = record_json(&f->r, t, 0);
	assert_true(json_is_real(json_object_get(j, "score")));
	assert_true(json_real_value(json_object_get(j, "score")) == 3.5);
	json_decref(j);
}

static void datetime_syntax(void **state)
{
	FX();
	if (!declared_anywhere(F_DATETIME))
		print_message("no declaration has an F_DATETIME field: checked on a local declaration\n");
	struct record *t = record_new(&f->r, &local_type);
	static const struct {
		const char *v;
		enum msg_id want;
	} cases[] = {
		{"2026-03-01 08:30", M_NONE},   {"2026-03-01T08:30", M_NONE},   {"2026-03-01 08:30:59", M_NONE},
		{"1767225600", M_NONE},         {"2026-02-29 08:00", M_rec_bad_datetime},
		{"2026-03-01 24:00", M_rec_bad_datetime}, {"2026-03-01 08:60", M_rec_bad_datetime},
		{"tomorrow", M_rec_bad_datetime}, {"2026-03-01", M_rec_bad_datetime},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		set(f, t, "at", cases[i].v);
		enum msg_id got = field_err(f, t, NULL, "at");
		if (got != cases[i].want)
			fail_msg("at %s: got %s, want %s", cases[i].v, key(got), key(cases[i].want));
	}
	/* in JSON a date-time is Unix seconds, in the server's zone */
	set(f, t, "at", "2026-03-01 08:30");
	struct tm tm = {.tm_year = 126, .tm_mon = 2, .tm_mday = 1, .tm_hour = 8, .tm_min = 30, .tm_isdst = -1};
	json_t *j = record_json(&f->r, t, 0);
	assert_int_equal(json_integer_value(json_object_get(j, "at")), (json_int_t)mktime(&tm));
	json_decref(j);
}

static void text_without_a_bound_has_the_default_maximum(void **state)
{
	FX();
	struct record *t = record_new(&f->r, &local_type);
	char s[202];
	memset(s, 'a', 200);
	s[200] = 0;
	set(f, t, "note", s);
	assert_msg(field_err(f, t, NULL, "note"), M_NONE);
	s[200] = 'a', s[201] = 0;
	set(f, t, "note", s);
	assert_msg(field_err(f, t, NULL, "note"), M_rec_bad_length);
	set(f, t, "digits", "0123");
	assert_msg(field_err(f, t, NULL, "digits"), M_NONE);
	set(f, t, "digits", "12a");
	assert_msg(field_err(f, t, NULL, "digits"), M_rec_bad_digits);
}

static void date_validity_and_normalisation(void **state)
{
	FX();
	struct record *p = record_new(&f->r, &people_type);
	set(f, p, "name", "測試");
	set(f, p, "unit_id", num(f, f->s1));
	static const struct {
		const char *in, *stored;
		enum msg_id want;
	} cases[] = {
		{"2026-02-28", "2026-02-28", M_NONE},
		{"2026-02-29", "2026-02-29", M_rec_bad_date},
		{"2028-02-29", "2028-02-29", M_NONE},
		{"2000-02-29", "2000-02-29", M_NONE},        /* divisible by 400 */
		{"2100-02-29", "2100-02-29", M_rec_bad_date}, /* divisible by 100 */
		{"2026-04-31", "2026-04-31", M_rec_bad_date},
		{"2026-13-01", "2026-13-01", M_rec_bad_date},
		{"2026-00-10", "2026-00-10", M_rec_bad_date},
		{"1899-12-31", "1899-12-31", M_rec_bad_date},
		{"2026/1/5", "2026-01-05", M_NONE},
		{"2026.1.5", "2026-01-05", M_NONE},
		{"2026-1-5", "2026-01-05", M_NONE},
		{"2026/1-5", "2026/1-5", M_rec_bad_date}, /* mixed separators: not rewritten */
		{"20260105", "20260105", M_rec_bad_date},
		{"2026-01-05 08:00", "2026-01-05 08:00", M_rec_bad_date},
		{"5/1/2026", "0005-01-2026", M_rec_bad_date},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		set(f, p, "birth_date", cases[i].in);
		if (strcmp(val(p, "birth_date"), cases[i].stored))
			fail_msg("birth_date %s stored as %s, want %s", cases[i].in, val(p, "birth_date"), cases[i].stored);
		enum msg_id got = field_err(f, p, NULL, "birth_date");
		if (got != cases[i].want)
			fail_msg("birth_date %s: got %s, want %s", cases[i].in, key(got), key(cases[i].want));
	}
}

static void bool_normalisation(void **state)
{
	FX();
	static const char *yes[] = {"1", "是", "yes", "YES", "on", "On", "true", "y", "t"};
	static const char *no[] = {"0", "否", "no", "No", "off", "OFF", "false", "n", "f"};
	struct record *p = person_with(f, "name", "測試");
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		set(f, p, "is_leader", yes[i]);
		if (strcmp(val(p, "is_leader"), "1"))
			fail_msg("is_leader %s became %s", yes[i], val(p, "is_leader"));
		assert_msg(field_err(f, p, NULL, "is_leader"), M_NONE);
	}
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		set(f, p, "is_leader", no[i]);
		if (strcmp(val(p, "is_leader"), "0"))
			fail_msg("is_leader %s became %s", no[i], val(p, "is_leader"));
		assert_msg(field_err(f, p, NULL, "is_leader"), M_NONE);
	}
	set(f, p, "is_leader", "maybe");
	assert_msg(field_err(f, p, NULL, "is_leader"), M_rec_bad_bool);
	set(f, p, "is_leader", "2");
	assert_msg(field_err(f, p, NULL, "is_leader"), M_rec_bad_bool);
	/* absent is no, once validated */
	set(f, p, "is_leader", NULL);
	assert_null(val(p, "is_leader"));
	assert_msg(field_err(f, p, NULL, "is_leader"), M_NONE);
	assert_string_equal(val(p, "is_leader"), "0");
	set(f, p, "party_member", "");
	assert_msg(field_err(f, p, NULL, "party_member"), M_NONE);
	assert_string_equal(val(p, "party_member"), "0");
}

static void enum_by_code_or_label_in_every_language(void **state)
{
	FX();
	static const struct {
		const char *field, *in, *code;
	} cases[] = {
		{"gender", "male", "male"},          {"gender", "男", "male"},          {"gender", "Male", "male"},
		{"gender", "女", "female"},          {"gender", "Female", "female"},    {"gender", " 女 ", "female"},
		{"education", "碩士", "master"},     {"education", "硕士", "master"},    {"education", "Master's", "master"},
		{"education", "大學本科", "bachelor"}, {"education", "大学本科", "bachelor"},
		{"status", "調離", "transferred"},   {"status", "调离", "transferred"}, {"status", "Transferred", "transferred"},
		{"title_level", "副高級", "associate_senior"}, {"title_level", "副高级", "associate_senior"},
		{"title_level", "Associate senior", "associate_senior"},
	};
	struct record *p = person_with(f, "name", "測試");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		set(f, p, cases[i].field, cases[i].in);
		if (strcmp(val(p, cases[i].field), cases[i].code))
			fail_msg("%s %s became %s, want %s", cases[i].field, cases[i].in, val(p, cases[i].field),
				 cases[i].code);
		assert_msg(field_err(f, p, NULL, cases[i].field), M_NONE);
	}
	/* codes and labels are exact (after trimming) */
	static const char *bad[] = {"MALE", "M", "男性", "female,male"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		set(f, p, "gender", bad[i]);
		assert_string_equal(val(p, "gender"), bad[i]);
		assert_msg(field_err(f, p, NULL, "gender"), M_rec_bad_choice);
	}
	/* units.kind by label */
	struct record *u = mk(f, &units_type, "code", "X1", "name", "單位", "kind", "二級單位", "parent_id",
			      num(f, f->bureau), NULL);
	assert_string_equal(val(u, "kind"), "secondary");
	set(f, u, "kind", "Service window");
	assert_string_equal(val(u, "kind"), "window");
	set(f, u, "kind", "dept");
	assert_msg(field_err(f, u, NULL, "kind"), M_rec_bad_choice);
}

/* ---- references and uniqueness ---- */

static void unit_reference_must_exist_and_be_active(void **state)
{
	FX();
	struct record *p = person_with(f, "name", "測試");
	assert_msg(field_err(f, p, NULL, "unit_id"), M_NONE);
	static const char *bad[] = {"999999", "0", "-1", "abc", "1.5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		set(f, p, "unit_id", bad[i]);
		assert_msg(field_err(f, p, NULL, "unit_id"), M_rec_bad_reference);
	}
	int64_t gone = add_unit(f, f->bureau, "department", "GONE", "撤銷科");
	set(f, p, "unit_id", num(f, gone));
	assert_msg(field_err(f, p, NULL, "unit_id"), M_NONE);
	struct record *u = record_load(&f->r, &units_type, gone);
	assert_int_equal(record_archive(&f->r, u, 1), 0);
	assert_msg(field_err(f, p, NULL, "unit_id"), M_rec_bad_reference);
	/* the party branch is a unit reference as well */
	set(f, p, "unit_id", num(f, f->s1));
	set(f, p, "party_branch_id", num(f, gone));
	assert_msg(field_err(f, p, NULL, "party_branch_id"), M_rec_bad_reference);
}

static void person_and_record_references_must_exist_and_be_active(void **state)
{
	FX();
	/* F_PERSON: units.head_person_id */
	struct record *u = record_load(&f->r, &units_type, f->s1);
	set(f, u, "head_person_id", num(f, f->wang));
	assert_msg(field_err(f, u, u, "head_person_id"), M_NONE);
	set(f, u, "head_person_id", "999999");
	assert_msg(field_err(f, u, u, "head_person_id"), M_rec_bad_reference);
	int64_t gone = add_person(f, f->s2, "離職者");
	struct record *gp = record_load(&f->r, &people_type, gone);
	assert_int_equal(record_archive(&f->r, gp, 1), 0);
	set(f, u, "head_person_id", num(f, gone));
	assert_msg(field_err(f, u, u, "head_person_id"), M_rec_bad_reference);

	/* F_REF: group_members.group_id → groups */
	int64_t g = save(f,
			 mk(f, &groups_type, "year", "2026", "kind", "leadership_group", "name", "領導小組", "unit_id",
			    num(f, f->bureau), NULL),
			 NULL);
	struct record *m = mk(f, &group_members_type, "group_id", num(f, g), "person_id", num(f, f->wang), "role",
			      "組長", NULL);
	assert_string_equal(val(m, "role"), "leader");
	assert_valid(f, m, NULL);
	set(f, m, "group_id", "999999");
	assert_msg(field_err(f, m, NULL, "group_id"), M_rec_bad_reference);
	struct record *gr = record_load(&f->r, &groups_type, g);
	assert_int_equal(record_archive(&f->r, gr, 1), 0);
	set(f, m, "group_id", num(f, g));
	assert_msg(field_err(f, m, NULL, "group_id"), M_rec_bad_reference);
	set(f, m, "person_id", num(f, gone));
	assert_msg(field_err(f, m, NULL, "person_id"), M_rec_bad_reference);
}

static void unique_fields_refuse_a_second_record(void **state)
{
	FX();
	/* a second person with 王曉明's ID number */
	struct record *p = person_with(f, "id_number", ID_WANG);
	assert_msg(field_err(f, p, NULL, "id_number"), M_rec_not_unique);
	set(f, p, "id_number", ID_OTHER);
	assert_msg(field_err(f, p, NULL, "id_number"), M_NONE);
	/* the record itself keeps its value when edited */
	struct record *w = record_load(&f->r, &people_type, f->wang);
	set(f, w, "position", "科員");
	assert_valid(f, w, w);
	/* an archived record still holds its value (the column's index is unique) */
	assert_int_equal(record_archive(&f->r, w, 1), 0);
	set(f, p, "id_number", ID_WANG);
	assert_msg(field_err(f, p, NULL, "id_number"), M_rec_not_unique);
	/* unit codes are unique too */
	struct record *u = mk(f, &units_type, "code", "S1", "name", "重複", "kind", "department", "parent_id",
			      num(f, f->s2), NULL);
	assert_msg(field_err(f, u, NULL, "code"), M_rec_not_unique);
}

/* ---- the org hooks ---- */

static void people_check_party_and_certificate_rules(void **state)
{
	FX();
	struct record *p = person_with(f, "party_member", "是");
	assert_msg(field_err(f, p, NULL, "party_joined"), M_party_joined_needed);
	set(f, p, "party_joined", "2010-07-01");
	assert_valid(f, p, NULL);
	/* a join date without membership is not required to go */
	set(f, p, "party_member", "否");
	assert_valid(f, p, NULL);

	p = person_with(f, "cert_number", "ZF-2026-001");
	assert_msg(field_err(f, p, NULL, "cert_expires"), M_cert_expiry_needed);
	set(f, p, "cert_expires", "2029-12-31");
	assert_valid(f, p, NULL);
	set(f, p, "cert_issued", "2030-01-01");
	assert_msg(field_err(f, p, NULL, "cert_expires"), M_cert_dates_order);
	set(f, p, "cert_issued", "2029-12-31"); /* the same day is not in order either */
	assert_msg(field_err(f, p, NULL, "cert_expires"), M_cert_dates_order);
	set(f, p, "cert_issued", "2026-01-05");
	assert_valid(f, p, NULL);
	/* a malformed issue date is reported on its own field, not as an order */
	set(f, p, "cert_issued", "2026-13-01");
	struct record_errors e;
	record_validate(&f->r, p, NULL, &e);
	assert_msg(e.field[idx(&people_type, "cert_issued")], M_rec_bad_date);
	assert_msg(e.field[idx(&people_type, "cert_expires")], M_NONE);
}

static void people_account_links_the_user(void **state)
{
	FX();
	struct record *p = person_with(f, "account", "nosuchuser");
	assert_msg(field_err(f, p, NULL, "account"), M_sup_account_unknown);
	set(f, p, "account", "zhangsan");
	int64_t id = save(f, p, NULL);
	assert_string_equal(val(p, "user_id"), num(f, f->zhangsan));
	assert_int_equal(one(f, "SELECT user_id FROM people WHERE id = ?", id), f->zhangsan);
	/* one account, one person */
	struct record *q = person_with(f, "account", "zhangsan");
	assert_msg(field_err(f, q, NULL, "account"), M_rec_not_unique);
	/* unlinking clears user_id */
	struct record *before = record_load(&f->r, &people_type, id);
	struct record *now = record_load(&f->r, &people_type, id);
	set(f, now, "account", "");
	save(f, now, before);
	assert_null(val(now, "user_id"));
	assert_int_equal(one(f, "SELECT count(*) FROM people WHERE id = ? AND user_id IS NULL", id), 1);
}

static void supervisors_check_term_and_account(void **state)
{
	FX();
	struct record *s = mk(f, &supervisors_type, "name", "周監督", "organization", "市民代表", "term_start",
			      "2026-01-01", "term_end", "2025-12-31", NULL);
	assert_msg(field_err(f, s, NULL, "term_end"), M_term_order);
	set(f, s, "term_end", "2026-01-01"); /* a one-day term is in order */
	assert_valid(f, s, NULL);
	set(f, s, "term_end", "2027/12/31");
	assert_valid(f, s, NULL);
	set(f, s, "username", "nobody");
	assert_msg(field_err(f, s, NULL, "username"), M_sup_account_unknown);
	set(f, s, "username", "jiandu");
	assert_valid(f, s, NULL);
	/* both dates required */
	set(f, s, "term_start", NULL);
	assert_msg(field_err(f, s, NULL, "term_start"), M_required);
}

static void units_refuse_a_parent_inside_their_own_subtree(void **state)
{
	FX();
	int64_t w1 = add_unit(f, f->d1, "window", "W1", "養護窗口");
	struct record *before = record_load(&f->r, &units_type, f->s1);
	struct record *s1 = record_load(&f->r, &units_type, f->s1);
	static const char *const wrong[] = {"self", "child", "grandchild"};
	int64_t targets[] = {f->s1, f->d1, w1};
	for (int i = 0; i < 3; i++) {
		set(f, s1, "parent_id", num(f, targets[i]));
		enum msg_id got = field_err(f, s1, before, "parent_id");
		if (got != M_unit_cycle)
			fail_msg("parent = %s: got %s", wrong[i], key(got));
	}
	/* a sibling, or the bureau again, is fine */
	set(f, s1, "parent_id", num(f, f->s2));
	assert_valid(f, s1, before);
	set(f, s1, "parent_id", num(f, f->bureau));
	assert_valid(f, s1, before);
}

/* ---- save, versions, audit ---- */

static void save_inserts_then_updates_with_a_new_version(void **state)
{
	FX();
	struct record *p = person_with(f, "name", "李建國");
	assert_int_equal(p->id, 0);
	int64_t id = save(f, p, NULL);
	assert_true(id > 0);
	assert_int_equal(p->version, 1);
	assert_true(p->created_at > 0 && p->updated_at == p->created_at);
	struct record *before = record_load(&f->r, &people_type, id);
	assert_non_null(before);
	assert_int_equal(before->version, 1);
	assert_string_equal(val(before, "name"), "李建國");
	assert_string_equal(val(before, "status"), "active");
	assert_string_equal(val(before, "is_leader"), "0");

	struct record *p2 = record_load(&f->r, &people_type, id);
	set(f, p2, "name", "李建国");
	save(f, p2, before);
	assert_int_equal(p2->id, id);
	assert_int_equal(p2->version, 2);
	struct record *after = record_load(&f->r, &people_type, id);
	assert_int_equal(after->version, 2);
	assert_string_equal(val(after, "name"), "李建国");
	assert_int_equal(after->created_at, before->created_at);

	struct record *p3 = record_load(&f->r, &people_type, id);
	set(f, p3, "position", "科長");
	save(f, p3, after);
	assert_int_equal(record_load(&f->r, &people_type, id)->version, 3);
}

static int64_t people_audits(struct fx *f, int64_t id)
{
	return one(f, "SELECT count(*) FROM audit WHERE entity = 'people' AND entity_id = CAST(? AS TEXT)", id);
}

/* Someone else saved twice since this copy was read. */
static void save_with_a_stale_version_is_refused_and_changes_nothing(void **state)
{
	FX();
	int64_t audits = people_audits(f, f->wang);
	struct record *mine = record_load(&f->r, &people_type, f->wang);
	struct record *before = record_load(&f->r, &people_type, f->wang);
	for (int i = 0; i < 2; i++) {
		struct record *b = record_load(&f->r, &people_type, f->wang);
		struct record *theirs = record_load(&f->r, &people_type, f->wang);
		set(f, theirs, "position", i ? "科長" : "副科長");
		save(f, theirs, b);
	}
	set(f, mine, "position", "科員");
	set(f, mine, "name", "王小明");
	assert_valid(f, mine, before);
	assert_int_equal(record_save(&f->r, mine, before), DB_E_BUSY);
	assert_int_equal(db_depth(f->db), 0);
	struct record *now = record_load(&f->r, &people_type, f->wang);
	assert_int_equal(now->version, 3);
	assert_string_equal(val(now, "position"), "科長");
	assert_string_equal(val(now, "name"), "王曉明");
	/* only the successful saves were audited */
	assert_int_equal(people_audits(f, f->wang), audits + 2);
}

/* engine.c update_row: after an UPDATE that matched no row, the version
 * read back is compared with rec->version + 1; when exactly one other save
 * happened meanwhile it is equal, so the stale save "succeeds": nothing is
 * written, but after_save runs, the search index and the audit log record
 * the lost change, and the caller is told it was saved. */
static void fixed_save_one_version_behind_is_refused(void **state)
{
	FX();
	int64_t audits = people_audits(f, f->wang);
	struct record *mine = record_load(&f->r, &people_type, f->wang);
	struct record *before = record_load(&f->r, &people_type, f->wang);
	struct record *theirs = record_load(&f->r, &people_type, f->wang);
	set(f, theirs, "position", "科長");
	save(f, theirs, before);
	set(f, mine, "position", "科員");
	assert_valid(f, mine, before);
	assert_int_equal(record_save(&f->r, mine, before), DB_E_BUSY);
	struct record *now = record_load(&f->r, &people_type, f->wang);
	assert_int_equal(now->version, 2);
	assert_string_equal(val(now, "position"), "科長");
	assert_int_equal(people_audits(f, f->wang), audits + 1);
}

static json_t *audit_json(struct fx *f, const char *col, int64_t audit_id)
{
	const char *s = one_text(f, arena_printf(&f->t.a, "SELECT %s FROM audit WHERE id = ?", col), audit_id);
	if (!s)
		return NULL;
	json_error_t err;
	json_t *j = json_loads(s, 0, &err);
	if (!j)
		fail_msg("audit %s is not JSON: %s", col, s);
	return j;
}

static void every_save_writes_one_audit_entry_with_before_and_after(void **state)
{
	FX();
	int64_t n0 = one(f, "SELECT count(*) FROM audit WHERE id > ?", 0);
	struct record *p = person_with(f, "name", "張偉");
	set(f, p, "id_number", ID_OTHER);
	set(f, p, "gender", "男");
	int64_t id = save(f, p, NULL);
	assert_int_equal(one(f, "SELECT count(*) FROM audit WHERE id > ?", 0), n0 + 1);
	int64_t a1 = one(f, "SELECT max(id) FROM audit WHERE id > ?", 0);
	assert_string_equal(one_text(f, "SELECT action FROM audit WHERE id = ?", a1), "create");
	assert_string_equal(one_text(f, "SELECT entity FROM audit WHERE id = ?", a1), "people");
	assert_string_equal(one_text(f, "SELECT entity_id FROM audit WHERE id = ?", a1), num(f, id));
	assert_string_equal(one_text(f, "SELECT username FROM audit WHERE id = ?", a1), "tester");
	assert_int_equal(one(f, "SELECT user_id FROM audit WHERE id = ?", a1), f->user.id);
	assert_null(audit_json(f, "before_json", a1));
	json_t *after = audit_json(f, "after_json", a1);
	assert_int_equal(json_integer_value(json_object_get(after, "id")), id);
	assert_string_equal(json_string_value(json_object_get(after, "name")), "張偉");
	assert_string_equal(json_string_value(json_object_get(after, "gender")), "male");
	assert_int_equal(json_integer_value(json_object_get(after, "unit_id")), f->s1);
	assert_int_equal(json_integer_value(json_object_get(after, "version")), 1);
	/* the audit log holds the mask, not the value: it is no back door to it */
	assert_string_equal(json_string_value(json_object_get(after, "id_number")), "4403**********4567");
	assert_true(json_is_false(json_object_get(after, "is_leader")));
	assert_true(json_is_null(json_object_get(after, "phone")));
	assert_null(json_object_get(after, "user_id")); /* hidden */
	json_decref(after);

	struct record *before = record_load(&f->r, &people_type, id);
	struct record *q = record_load(&f->r, &people_type, id);
	set(f, q, "name", "張偉明");
	set(f, q, "is_leader", "是");
	save(f, q, before);
	assert_int_equal(one(f, "SELECT count(*) FROM audit WHERE id > ?", 0), n0 + 2);
	int64_t a2 = one(f, "SELECT max(id) FROM audit WHERE id > ?", 0);
	assert_string_equal(one_text(f, "SELECT action FROM audit WHERE id = ?", a2), "update");
	json_t *b = audit_json(f, "before_json", a2), *a = audit_json(f, "after_json", a2);
	assert_non_null(b);
	assert_non_null(a);
	assert_string_equal(json_string_value(json_object_get(b, "name")), "張偉");
	assert_string_equal(json_string_value(json_object_get(a, "name")), "張偉明");
	assert_true(json_is_false(json_object_get(b, "is_leader")));
	assert_true(json_is_true(json_object_get(a, "is_leader")));
	assert_int_equal(json_integer_value(json_object_get(b, "version")), 1);
	assert_int_equal(json_integer_value(json_object_get(a, "version")), 2);
	json_decref(b);
	json_decref(a);

	/* archive and restore are audited too, with the flag only */
	struct record *r = record_load(&f->r, &people_type, id);
	assert_int_equal(record_archive(&f->r, r, 1), 0);
	int64_t a3 = one(f, "SELECT max(id) FROM audit WHERE id > ?", 0);
	assert_string_equal(one_text(f, "SELECT action FROM audit WHERE id = ?", a3), "archive");
	assert_string_equal(one_text(f, "SELECT after_json FROM audit WHERE id = ?", a3), "{\"archived\":true}");
	assert_string_equal(one_text(f, "SELECT before_json FROM audit WHERE id = ?", a3), "{\"archived\":false}");
	assert_int_equal(record_archive(&f->r, r, 0), 0);
	int64_t a4 = one(f, "SELECT max(id) FROM audit WHERE id > ?", 0);
	assert_string_equal(one_text(f, "SELECT action FROM audit WHERE id = ?", a4), "restore");
	assert_int_equal(one(f, "SELECT count(*) FROM audit WHERE id > ?", 0), n0 + 4);
}

/* ---- the unit tree ---- */

static const char *path_of(struct fx *f, int64_t unit)
{
	return one_text(f, "SELECT path FROM units WHERE id = ?", unit);
}

static const char *path_join(struct fx *f, const char *parent, int64_t id)
{
	return arena_printf(&f->t.a, "%s%lld/", parent, (long long)id);
}

static void unit_path_is_parent_path_plus_id(void **state)
{
	FX();
	assert_string_equal(path_of(f, f->bureau), path_join(f, "/", f->bureau));
	assert_string_equal(path_of(f, f->s1), path_join(f, path_of(f, f->bureau), f->s1));
	assert_string_equal(path_of(f, f->s2), path_join(f, path_of(f, f->bureau), f->s2));
	assert_string_equal(path_of(f, f->d1), path_join(f, path_of(f, f->s1), f->d1));
	/* an edit that does not move the unit keeps the path */
	struct record *before = record_load(&f->r, &units_type, f->d1);
	struct record *d1 = record_load(&f->r, &units_type, f->d1);
	set(f, d1, "name", "養護管理科");
	save(f, d1, before);
	assert_string_equal(path_of(f, f->d1), path_join(f, path_of(f, f->s1), f->d1));
}

static void moving_a_unit_rewrites_its_whole_subtree(void **state)
{
	FX();
	int64_t w1 = add_unit(f, f->d1, "window", "W1", "養護窗口");
	int64_t p1 = add_unit(f, w1, "post", "P1", "收費崗");
	int64_t d2 = add_unit(f, f->s2, "department", "D2", "客運科");
	/* a sibling whose id begins with S1's digits: its path shares S1's
	 * path as a string prefix up to the final slash */
	int64_t twin_id = f->s1 * 10 + 7;
	const char *twin_path = path_join(f, path_of(f, f->bureau), twin_id);
	assert_int_equal(db_run(f->db,
				"INSERT INTO units (id, parent_id, kind, code, name, active, created_at, path) "
				"VALUES (?, ?, 'secondary', 'TWIN', '綜合處', 1, 0, ?)",
				"iis", twin_id, f->bureau, twin_path),
			 0);
	assert_int_equal(db_run(f->db,
				"INSERT INTO unit_tree (ancestor_id, unit_id) SELECT ancestor_id, CAST(? AS BIGINT) FROM unit_tree WHERE unit_id = ? "
				"UNION ALL SELECT CAST(? AS BIGINT), CAST(? AS BIGINT)",
				"iiii", twin_id, f->bureau, twin_id, twin_id),
			 0);
	const char *bureau_path = path_of(f, f->bureau), *s2_path = path_of(f, f->s2), *d2_path = path_of(f, d2);

	struct record *before = record_load(&f->r, &units_type, f->s1);
	struct record *s1 = record_load(&f->r, &units_type, f->s1);
	set(f, s1, "parent_id", num(f, f->s2));
	save(f, s1, before);
	const char *s1_path = path_join(f, s2_path, f->s1);
	assert_string_equal(val(s1, "path"), s1_path);
	assert_string_equal(path_of(f, f->s1), s1_path);
	assert_string_equal(path_of(f, f->d1), path_join(f, s1_path, f->d1));
	assert_string_equal(path_of(f, w1), path_join(f, path_join(f, s1_path, f->d1), w1));
	assert_string_equal(path_of(f, p1), path_join(f, path_join(f, path_join(f, s1_path, f->d1), w1), p1));
	/* outside the subtree nothing moved */
	assert_string_equal(path_of(f, f->bureau), bureau_path);
	assert_string_equal(path_of(f, f->s2), s2_path);
	assert_string_equal(path_of(f, d2), d2_path);
	assert_string_equal(path_of(f, twin_id), twin_path);

	/* and back to the root's level under the bureau */
	before = record_load(&f->r, &units_type, f->s1);
	s1 = record_load(&f->r, &units_type, f->s1);
	set(f, s1, "parent_id", num(f, f->bureau));
	save(f, s1, before);
	assert_string_equal(path_of(f, p1),
			    path_join(f, path_join(f, path_join(f, path_join(f, bureau_path, f->s1), f->d1), w1), p1));
	/* every path agrees with the parent links */
	assert_int_equal(db_one_int64(f->db, -1,
				      "SELECT count(*) FROM units c JOIN units p ON p.id = c.parent_id "
				      "WHERE c.path <> p.path || CAST(c.id AS TEXT) || '/'",
				      ""),
			 0);
}

/* unit_counts (migration 007) against a count of the table: rows that
 * differ or are missing, 0 when they agree. */
static int64_t unit_counts_wrong(struct fx *f)
{
	return db_one_int64(f->db, -1,
			    "SELECT (SELECT count(*) FROM unit_counts c WHERE c.tbl = 'people' AND c.n <> "
			    "(SELECT count(*) FROM people p WHERE p.unit_id = c.unit_id AND p.archived = c.archived)) + "
			    "(SELECT count(*) FROM (SELECT unit_id, archived FROM people WHERE unit_id IS NOT NULL "
			    "GROUP BY unit_id, archived) g WHERE NOT EXISTS (SELECT 1 FROM unit_counts c WHERE c.tbl = 'people' "
			    "AND c.unit_id = g.unit_id AND c.archived = g.archived))",
			    NULL);
}

static void unit_counts_follow_every_change(void **state)
{
	FX();
	int64_t a = save(f, mk(f, &people_type, "name", "甲", "unit_id", num(f, f->d1), NULL), NULL);
	save(f, mk(f, &people_type, "name", "乙", "unit_id", num(f, f->d1), NULL), NULL);
	save(f, mk(f, &people_type, "name", "丙", "unit_id", num(f, f->s2), NULL), NULL);
	assert_int_equal(unit_counts_wrong(f), 0);
	assert_int_equal(db_one_int64(f->db, -1,
				      "SELECT n FROM unit_counts WHERE tbl = 'people' AND unit_id = ? AND archived = 0", "i",
				      f->d1),
			 2);
	/* moved to another unit */
	struct record *before = record_load(&f->r, &people_type, a);
	struct record *now = record_load(&f->r, &people_type, a);
	set(f, now, "unit_id", num(f, f->s2));
	save(f, now, before);
	assert_int_equal(unit_counts_wrong(f), 0);
	/* archived, restored */
	assert_int_equal(record_archive(&f->r, now, 1), 0);
	assert_int_equal(unit_counts_wrong(f), 0);
	assert_int_equal(db_one_int64(f->db, -1,
				      "SELECT n FROM unit_counts WHERE tbl = 'people' AND unit_id = ? AND archived = 1", "i",
				      f->s2),
			 1);
	assert_int_equal(record_archive(&f->r, now, 0), 0);
	assert_int_equal(unit_counts_wrong(f), 0);
	/* written behind the engine's back: the triggers still count */
	assert_int_equal(db_run(f->db, "UPDATE people SET unit_id = NULL WHERE id = ?", "i", a), 0);
	assert_int_equal(unit_counts_wrong(f), 0);
	assert_int_equal(db_run(f->db, "DELETE FROM people WHERE name = ?", "s", "乙"), 0);
	assert_int_equal(unit_counts_wrong(f), 0);
	if (db_kind(f->db) == DB_PG) { /* by someone whose search_path is elsewhere (psql) */
		const char *schema = db_one_text(f->db, f->r.a, "SELECT quote_ident(current_schema())", NULL);
		assert_int_equal(db_exec_script(f->db, "SET search_path = pg_catalog"), 0);
		assert_int_equal(db_run(f->db, arena_printf(f->r.a, "DELETE FROM %s.people WHERE name = ?", schema), "s", "丙"),
				 0);
		assert_int_equal(db_exec_script(f->db, arena_printf(f->r.a, "SET search_path = %s", schema)), 0);
		assert_int_equal(unit_counts_wrong(f), 0);
	}
	/* and a recount gives the same */
	assert_int_equal(records_unit_counts_recount(f->db, &people_type), 0);
	assert_int_equal(unit_counts_wrong(f), 0);
}

/* unit_totals (migration 008) against the people of every unit's subtree
 * counted afresh through the unit tree: rows that differ or are missing,
 * 0 when they agree. */
static int64_t unit_totals_wrong(struct fx *f)
{
	return db_one_int64(f->db, -1,
			    "SELECT count(*) FROM (SELECT a.ancestor_id AS u, p.archived AS arch, count(*) AS n "
			    "FROM people p JOIN unit_tree a ON a.unit_id = p.unit_id GROUP BY a.ancestor_id, p.archived) g "
			    "FULL OUTER JOIN (SELECT unit_id AS u, archived AS arch, n FROM unit_totals WHERE tbl = 'people' "
			    "AND n <> 0) t ON t.u = g.u AND t.arch = g.arch WHERE g.n IS NULL OR t.n IS NULL OR g.n <> t.n",
			    NULL);
}

static int64_t subtree_total(struct fx *f, int64_t unit)
{
	return one(f, "SELECT n FROM unit_totals WHERE tbl = 'people' AND unit_id = ? AND archived = 0", unit);
}

static void import_people(struct fx *f, int n, const char *unit_code)
{
	struct buf csv;
	buf_init(&csv, &f->t.a);
	buf_puts(&csv, "name,unit_id\n");
	for (int i = 0; i < n; i++)
		buf_printf(&csv, "匯入%d,%s\n", i, unit_code);
	struct import_result res;
	assert_int_equal(records_import(&f->r, &people_type, csv.p, csv.len, "people.csv", 1, &res, NULL, NULL), 0);
}

static void unit_totals_follow_every_change(void **state)
{
	FX();
	if (f->kind == DB_PG) /* SQLite only: migration 008 says why */
		skip();
	int64_t w1 = add_unit(f, f->d1, "window", "W1", "養護窗口");
	int64_t a = add_person(f, w1, "甲");
	add_person(f, f->d1, "乙");
	add_person(f, f->s2, "丙");
	assert_int_equal(unit_totals_wrong(f), 0);
	assert_int_equal(subtree_total(f, f->bureau), 4); /* with 王曉明 in S1 */
	assert_int_equal(subtree_total(f, f->s1), 3);
	assert_int_equal(subtree_total(f, f->d1), 2);
	/* a person moved to another unit, archived, restored */
	struct record *before = record_load(&f->r, &people_type, a);
	struct record *now = record_load(&f->r, &people_type, a);
	set(f, now, "unit_id", num(f, f->s2));
	save(f, now, before);
	assert_int_equal(unit_totals_wrong(f), 0);
	assert_int_equal(subtree_total(f, f->d1), 1);
	assert_int_equal(record_archive(&f->r, now, 1), 0);
	assert_int_equal(unit_totals_wrong(f), 0);
	assert_int_equal(subtree_total(f, f->s2), 1);
	assert_int_equal(record_archive(&f->r, now, 0), 0);
	assert_int_equal(unit_totals_wrong(f), 0);
	/* a unit with its people moved under another parent, then a new unit */
	before = record_load(&f->r, &units_type, f->d1);
	now = record_load(&f->r, &units_type, f->d1);
	set(f, now, "parent_id", num(f, f->s2));
	save(f, now, before);
	assert_int_equal(unit_totals_wrong(f), 0);
	assert_int_equal(subtree_total(f, f->s1), 1);
	assert_int_equal(subtree_total(f, f->s2), 3);
	int64_t w2 = add_unit(f, w1, "window", "W2", "新窗口");
	add_person(f, w2, "丁");
	assert_int_equal(unit_totals_wrong(f), 0);
	assert_int_equal(subtree_total(f, f->s2), 4);
	/* a unit archived and restored (one with active people may not be) */
	struct record *u = record_load(&f->r, &units_type, add_unit(f, w2, "post", "P3", "空崗"));
	assert_int_equal(record_archive(&f->r, u, 1), 0);
	assert_int_equal(unit_totals_wrong(f), 0);
	assert_int_equal(record_archive(&f->r, u, 0), 0);
	assert_int_equal(unit_totals_wrong(f), 0);
	assert_int_equal(subtree_total(f, f->s2), 4);
	/* written behind the engine's back, recounted, imported: small and
	 * large (the large one suspends the per-row trigger and recounts) */
	assert_int_equal(db_run(f->db, "DELETE FROM people WHERE name = ?", "s", "乙"), 0);
	assert_int_equal(unit_totals_wrong(f), 0);
	assert_int_equal(records_unit_counts_recount(f->db, &people_type), 0);
	assert_int_equal(unit_totals_wrong(f), 0);
	import_people(f, 10, "W1");
	assert_int_equal(unit_totals_wrong(f), 0);
	import_people(f, 12000, "S1");
	assert_int_equal(unit_totals_wrong(f), 0);
	assert_int_equal(subtree_total(f, f->bureau), 12014);
}

/* ---- archive ---- */

static void archive_refuses_a_unit_still_referred_to(void **state)
{
	FX();
	int64_t x = add_unit(f, f->s2, "department", "X", "稽查科");
	int64_t p = add_person(f, x, "稽查員");
	int64_t audits = one(f, "SELECT count(*) FROM audit WHERE id > ?", 0);
	struct record *u = record_load(&f->r, &units_type, x);
	assert_int_equal(record_archive(&f->r, u, 1), DB_E_FK);
	assert_int_equal(u->archived, 0);
	assert_int_equal(one(f, "SELECT archived FROM units WHERE id = ?", x), 0);
	assert_int_equal(one(f, "SELECT count(*) FROM audit WHERE id > ?", 0), audits);
	/* an archived person no longer holds it */
	struct record *pr = record_load(&f->r, &people_type, p);
	assert_int_equal(record_archive(&f->r, pr, 1), 0);
	assert_int_equal(pr->archived, 1);
	assert_int_equal(record_archive(&f->r, u, 1), 0);
	assert_int_equal(u->archived, 1);
	assert_int_equal(one(f, "SELECT archived FROM units WHERE id = ?", x), 1);
	assert_int_equal(one(f, "SELECT version FROM units WHERE id = ?", x), 2);
	/* a unit with active child units is held as well */
	struct record *s1 = record_load(&f->r, &units_type, f->s1);
	int64_t wang_unit = one(f, "SELECT unit_id FROM people WHERE id = ?", f->wang);
	assert_int_equal(wang_unit, f->s1);
	struct record *w = record_load(&f->r, &people_type, f->wang);
	assert_int_equal(record_archive(&f->r, w, 1), 0);
	assert_int_equal(record_archive(&f->r, s1, 1), DB_E_FK); /* D1 is still under it */
	/* restoring needs no check */
	assert_int_equal(record_archive(&f->r, u, 0), 0);
	assert_int_equal(one(f, "SELECT archived FROM units WHERE id = ?", x), 0);
}

static void archive_refuses_a_person_heading_a_unit(void **state)
{
	FX();
	struct record *before = record_load(&f->r, &units_type, f->s1);
	struct record *s1 = record_load(&f->r, &units_type, f->s1);
	set(f, s1, "head_person_id", num(f, f->wang));
	save(f, s1, before);
	struct record *w = record_load(&f->r, &people_type, f->wang);
	assert_int_equal(record_archive(&f->r, w, 1), DB_E_FK);
	assert_int_equal(one(f, "SELECT archived FROM people WHERE id = ?", f->wang), 0);
}

/* ---- JSON, masks, display ---- */

static void json_masks_sensitive_fields_unless_revealed(void **state)
{
	FX();
	struct record *w = record_load(&f->r, &people_type, f->wang);
	json_t *j = record_json(&f->r, w, 0);
	assert_string_equal(json_string_value(json_object_get(j, "id_number")), "1101**********1233");
	assert_string_equal(json_string_value(json_object_get(j, "phone")), "138****8000");
	assert_string_equal(json_string_value(json_object_get(j, "name")), "王曉明");
	assert_int_equal(json_integer_value(json_object_get(j, "unit_id")), f->s1);
	assert_int_equal(json_integer_value(json_object_get(j, "id")), f->wang);
	assert_true(json_is_false(json_object_get(j, "party_member")));
	assert_true(json_is_false(json_object_get(j, "archived")));
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
	assert_true(json_is_null(json_object_get(j, "birth_date")));
	assert_null(json_object_get(j, "user_id")); /* FF_HIDDEN: not even null */
	json_decref(j);
	j = record_json(&f->r, w, 1);
	assert_string_equal(json_string_value(json_object_get(j, "id_number")), ID_WANG);
	assert_string_equal(json_string_value(json_object_get(j, "phone")), "13800138000");
	assert_null(json_object_get(j, "user_id"));
	json_decref(j);
	/* a missing sensitive value is null, not a mask */
	struct record *p = person_with(f, "name", "無號");
	j = record_json(&f->r, p, 0);
	assert_true(json_is_null(json_object_get(j, "id_number")));
	json_decref(j);
	/* units hide their path */
	j = record_json(&f->r, record_load(&f->r, &units_type, f->d1), 1);
	assert_null(json_object_get(j, "path"));
	assert_int_equal(json_integer_value(json_object_get(j, "parent_id")), f->s1);
	assert_true(json_is_true(json_object_get(j, "active")));
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "department");
	json_decref(j);
}

static void mask_keeps_only_the_ends(void **state)
{
	FX();
	assert_string_equal(record_mask(&f->r, "110101199003071234"), "1101**********1234");
	assert_string_equal(record_mask(&f->r, "13800138000"), "138****8000");
	assert_string_equal(record_mask(&f->r, "010-65123456"), "010*****3456");
	assert_string_equal(record_mask(&f->r, "1234"), "****");
	assert_string_equal(record_mask(&f->r, "12"), "****");
	assert_string_equal(record_mask(&f->r, ""), "****");
	/* the length of a mask never shows a short value's length */
	assert_int_equal(strlen(record_mask(&f->r, "1")), 4);
	/* a name keeps whole characters, and its mask does not show its length */
	assert_string_equal(record_mask(&f->r, "王小明"), "王**");
	assert_string_equal(record_mask(&f->r, "歐陽"), "歐**");
}

static void display_shows_labels_names_and_masks(void **state)
{
	FX();
	struct record *w = record_load(&f->r, &people_type, f->wang);
	int g = idx(&people_type, "gender"), u = idx(&people_type, "unit_id"), ph = idx(&people_type, "phone"),
	    pm = idx(&people_type, "party_member"), bd = idx(&people_type, "birth_date");
	assert_string_equal(record_display(&f->r, w, g, 0), "男");
	f->r.lang = LANG_EN;
	assert_string_equal(record_display(&f->r, w, g, 0), "Male");
	assert_string_equal(record_display(&f->r, w, pm, 0), msg(LANG_EN, M_no));
	f->r.lang = LANG_HANT;
	assert_string_equal(record_display(&f->r, w, u, 0), "公路管理處");
	assert_string_equal(record_display(&f->r, w, ph, 0), "138****8000");
	assert_string_equal(record_display(&f->r, w, ph, 1), "13800138000");
	assert_string_equal(record_display(&f->r, w, bd, 0), "");
	/* a person reference shows the name; a group reference its title field */
	struct record *before = record_load(&f->r, &units_type, f->s1);
	struct record *s1 = record_load(&f->r, &units_type, f->s1);
	set(f, s1, "head_person_id", num(f, f->wang));
	save(f, s1, before);
	assert_string_equal(record_display(&f->r, s1, idx(&units_type, "head_person_id"), 0), "王曉明");
	assert_string_equal(record_display(&f->r, s1, idx(&units_type, "kind"), 0), "二級單位");
	int64_t grp = save(f,
			   mk(f, &groups_type, "year", "2026", "kind", "task_force", "name", "文明創建專班", "unit_id",
			      num(f, f->bureau), NULL),
			   NULL);
	struct record *m = mk(f, &group_members_type, "group_id", num(f, grp), "person_id", num(f, f->wang), "role",
			      "member", NULL);
	assert_string_equal(record_display(&f->r, m, idx(&group_members_type, "group_id"), 0), "文明創建專班");
	f->r.lang = LANG_HANS;
	assert_string_equal(record_display(&f->r, m, idx(&group_members_type, "role"), 0), msg(LANG_HANS, M_grole_member));
}

/* ---- known bugs: the behaviour the engine should have ---- */

/* engine.c record_mask: a value of 5–10 characters keeps 1 + 4 of them, so
 * "12345" is shown whole and a 7-digit landline loses only 2 digits. */
static void fixed_mask_hides_most_of_a_short_value(void **state)
{
	FX();
	const char *m = record_mask(&f->r, "12345");
	assert_string_not_equal(m, "12345");
	m = record_mask(&f->r, "6512345");
	int shown = 0;
	for (const char *c = m; *c; c++)
		shown += *c != '*';
	assert_true(shown <= 3);
}

/* engine.c record_set: the check digit x is accepted in lower case but not
 * normalised, so the same ID number can be entered twice (…x and …X). */
static void fixed_id_number_x_is_stored_upper_case(void **state)
{
	FX();
	save(f, person_with(f, "id_number", ID_X), NULL);
	struct record *p = person_with(f, "id_number", "11010519491231002x");
	assert_string_equal(val(p, "id_number"), ID_X);
	assert_msg(field_err(f, p, NULL, "id_number"), M_rec_not_unique);
}

/* engine.c valid_date: sscanf's %2d takes a sign, so "2026-+1-05" passes
 * as a date (and then sorts and compares wrongly as text). */
static void fixed_date_with_a_sign_is_refused(void **state)
{
	FX();
	assert_msg(field_err(f, person_with(f, "birth_date", "2026-+1-05"), NULL, "birth_date"), M_rec_bad_date);
	assert_msg(field_err(f, person_with(f, "birth_date", "2026-01-+5"), NULL, "birth_date"), M_rec_bad_date);
}

/* engine.c trim: spaces and U+3000 are stripped in two separate passes, so
 * "　 王" keeps its ASCII space. */
static void fixed_mixed_blanks_are_trimmed(void **state)
{
	FX();
	struct record *p = person_with(f, "name", "　 王曉明 　");
	assert_string_equal(val(p, "name"), "王曉明");
}

/* engine.c check_field: F_LONGTEXT skips the control-character check
 * entirely, so ESC, backspace or \x01 are stored (and reach the CSV and
 * XLSX exports); only tab, CR and LF belong in a long text. */
static void fixed_longtext_refuses_control_characters(void **state)
{
	FX();
	struct record *g = mk(f, &groups_type, "year", "2026", "kind", "task_force", "name", "專班", "unit_id",
			      num(f, f->s1), "duties", "一\x01二\x1b[2J", NULL);
	assert_msg(field_err(f, g, NULL, "duties"), M_rec_control_chars);
}

#define RECORD_TESTS(SETUP)                                                                                  \
	cmocka_unit_test_setup_teardown(text_length_is_counted_in_characters, SETUP, testdb_teardown),           \
	cmocka_unit_test_setup_teardown(text_refuses_control_characters_and_bad_utf8, SETUP, testdb_teardown),   \
	cmocka_unit_test_setup_teardown(longtext_length_bound_in_characters, SETUP, testdb_teardown),            \
	cmocka_unit_test_setup_teardown(required_fields_and_empty_values, SETUP, testdb_teardown),               \
	cmocka_unit_test_setup_teardown(set_trims_spaces_and_the_ideographic_space, SETUP, testdb_teardown),     \
	cmocka_unit_test_setup_teardown(pattern_code, SETUP, testdb_teardown),                                   \
	cmocka_unit_test_setup_teardown(pattern_phone, SETUP, testdb_teardown),                                  \
	cmocka_unit_test_setup_teardown(pattern_email, SETUP, testdb_teardown),                                  \
	cmocka_unit_test_setup_teardown(pattern_id_card_checks_the_iso7064_digit, SETUP, testdb_teardown),       \
	cmocka_unit_test_setup_teardown(int_bounds_and_syntax, SETUP, testdb_teardown),                          \
	cmocka_unit_test_setup_teardown(decimal_bounds_and_syntax, SETUP, testdb_teardown),                      \
	cmocka_unit_test_setup_teardown(datetime_syntax, SETUP, testdb_teardown),                                \
	cmocka_unit_test_setup_teardown(text_without_a_bound_has_the_default_maximum, SETUP, testdb_teardown),   \
	cmocka_unit_test_setup_teardown(date_validity_and_normalisation, SETUP, testdb_teardown),                \
	cmocka_unit_test_setup_teardown(bool_normalisation, SETUP, testdb_teardown),                             \
	cmocka_unit_test_setup_teardown(enum_by_code_or_label_in_every_language, SETUP, testdb_teardown),        \
	cmocka_unit_test_setup_teardown(unit_reference_must_exist_and_be_active, SETUP, testdb_teardown),        \
	cmocka_unit_test_setup_teardown(person_and_record_references_must_exist_and_be_active, SETUP,        \
					testdb_teardown),                                                        \
	cmocka_unit_test_setup_teardown(unique_fields_refuse_a_second_record, SETUP, testdb_teardown),           \
	cmocka_unit_test_setup_teardown(people_check_party_and_certificate_rules, SETUP, testdb_teardown),       \
	cmocka_unit_test_setup_teardown(people_account_links_the_user, SETUP, testdb_teardown),                  \
	cmocka_unit_test_setup_teardown(supervisors_check_term_and_account, SETUP, testdb_teardown),             \
	cmocka_unit_test_setup_teardown(units_refuse_a_parent_inside_their_own_subtree, SETUP, testdb_teardown), \
	cmocka_unit_test_setup_teardown(save_inserts_then_updates_with_a_new_version, SETUP, testdb_teardown),   \
	cmocka_unit_test_setup_teardown(save_with_a_stale_version_is_refused_and_changes_nothing, SETUP,     \
					testdb_teardown),                                                        \
	cmocka_unit_test_setup_teardown(fixed_save_one_version_behind_is_refused, SETUP, testdb_teardown),   \
	cmocka_unit_test_setup_teardown(every_save_writes_one_audit_entry_with_before_and_after, SETUP,      \
					testdb_teardown),                                                        \
	cmocka_unit_test_setup_teardown(unit_path_is_parent_path_plus_id, SETUP, testdb_teardown),               \
	cmocka_unit_test_setup_teardown(moving_a_unit_rewrites_its_whole_subtree, SETUP, testdb_teardown),       \
	cmocka_unit_test_setup_teardown(archive_refuses_a_unit_still_referred_to, SETUP, testdb_teardown),       \
	cmocka_unit_test_setup_teardown(archive_refuses_a_person_heading_a_unit, SETUP, testdb_teardown),        \
	cmocka_unit_test_setup_teardown(json_masks_sensitive_fields_unless_revealed, SETUP, testdb_teardown),    \
	cmocka_unit_test_setup_teardown(mask_keeps_only_the_ends, SETUP, testdb_teardown),                       \
	cmocka_unit_test_setup_teardown(display_shows_labels_names_and_masks, SETUP, testdb_teardown),           \
	cmocka_unit_test_setup_teardown(fixed_mask_hides_most_of_a_short_value, SETUP, testdb_teardown),     \
	cmocka_unit_test_setup_teardown(fixed_id_number_x_is_stored_upper_case, SETUP, testdb_teardown),     \
	cmocka_unit_test_setup_teardown(fixed_date_with_a_sign_is_refused, SETUP, testdb_teardown),          \
	cmocka_unit_test_setup_teardown(fixed_mixed_blanks_are_trimmed, SETUP, testdb_teardown),             \
	cmocka_unit_test_setup_teardown(fixed_longtext_refuses_control_characters, SETUP, testdb_teardown),          \
	cmocka_unit_test_setup_teardown(unit_counts_follow_every_change, SETUP, testdb_teardown),             \
	cmocka_unit_test_setup_teardown(unit_totals_follow_every_change, SETUP, testdb_teardown)

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest sqlite_tests[] = {RECORD_TESTS(sqlite_setup)};
	const struct CMUnitTest pg_tests[] = {RECORD_TESTS(pg_setup)};
	int failed = cmocka_run_group_tests_name("records on SQLite", sqlite_tests, NULL, NULL);
	if (!testdb_pg_url())
		fprintf(stderr, "WENMING_TEST_PG is not set: the PostgreSQL tests are skipped\n");
	failed += cmocka_run_group_tests_name("records on PostgreSQL", pg_tests, NULL, NULL);
	return failed;
}
