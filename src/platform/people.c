/* people.c — the staff register: who works where, their party membership,
 * law-enforcement certificate and professional title. ID numbers and phone
 * numbers are masked for anyone without the right to see them, and every
 * reveal is audited (records engine, FF_SENSITIVE). */
#include "platform.h"
#include "../db/db.h"

#include <string.h>

static const struct enum_opt genders[] = {{"male", M_gender_male}, {"female", M_gender_female}, {NULL, M_NONE}};
static const struct enum_opt statuses[] = {
	{"active", M_emp_active}, {"retired", M_emp_retired}, {"transferred", M_emp_transferred}, {NULL, M_NONE}};
static const struct enum_opt educations[] = {
	{"doctorate", M_edu_doctorate}, {"master", M_edu_master},       {"bachelor", M_edu_bachelor},
	{"college", M_edu_college},     {"secondary", M_edu_secondary}, {"other", M_edu_other},
	{NULL, M_NONE},
};
const struct enum_opt title_levels[] = {
	{"none", M_title_none},     {"junior", M_title_junior},   {"intermediate", M_title_intermediate},
	{"associate_senior", M_title_associate_senior}, {"senior", M_title_senior}, {NULL, M_NONE},
};

static const struct field_def fields[] = {
	{"name", F_TEXT, M_person_name, FF_REQUIRED | FF_LIST | FF_SORT | FF_SEARCH, 1, 40, PAT_NONE, NULL, NULL, M_NONE},
	{"gender", F_ENUM, M_gender, FF_LIST | FF_FILTER, 0, 0, PAT_NONE, genders, NULL, M_NONE},
	{"birth_date", F_DATE, M_birth_date, FF_SORT, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
	{"id_number", F_TEXT, M_id_number, FF_UNIQUE | FF_SENSITIVE, 0, 0, PAT_ID_CARD, NULL, NULL, M_NONE},
	{"phone", F_TEXT, M_phone, FF_SENSITIVE, 0, 0, PAT_PHONE, NULL, NULL, M_NONE},
	{"unit_id", F_UNIT, M_person_unit, FF_REQUIRED | FF_LIST | FF_FILTER, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
	{"post", F_TEXT, M_person_post, FF_SEARCH, 0, 60, PAT_NONE, NULL, NULL, M_NONE},
	{"position", F_TEXT, M_person_position, FF_LIST | FF_SEARCH, 0, 60, PAT_NONE, NULL, NULL, M_NONE},
	{"is_leader", F_BOOL, M_is_leader, FF_FILTER, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
	{"status", F_ENUM, M_emp_status, FF_REQUIRED | FF_LIST | FF_FILTER, 0, 0, PAT_NONE, statuses, NULL, M_NONE,
	 "active"},
	{"education", F_ENUM, M_education, FF_FILTER, 0, 0, PAT_NONE, educations, NULL, M_NONE},
	{"party_member", F_BOOL, M_party_member, FF_LIST | FF_FILTER, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
	{"party_joined", F_DATE, M_party_joined, 0, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
	{"party_branch_id", F_UNIT, M_party_branch, 0, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
	{"cert_number", F_TEXT, M_cert_number, FF_UNIQUE | FF_SEARCH, 0, 40, PAT_CODE, NULL, NULL, M_NONE},
	{"cert_issued", F_DATE, M_cert_issued, 0, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
	{"cert_expires", F_DATE, M_cert_expires, FF_SORT, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
	{"title", F_TEXT, M_prof_title, FF_SEARCH, 0, 60, PAT_NONE, NULL, NULL, M_NONE},
	{"title_level", F_ENUM, M_title_level, FF_LIST | FF_FILTER, 0, 0, PAT_NONE, title_levels, NULL, M_NONE},
	{"account", F_TEXT, M_person_account, FF_UNIQUE, 0, 32, PAT_NONE, NULL, NULL, M_person_account_hint},
	{"user_id", F_INT, M_person_account, FF_HIDDEN, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
};

/* A party member needs a join date; a certificate needs its dates in order. */
static void people_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *e)
{
	(void)before;
	const struct record_type *t = rec->type;
	int pm = record_field_index(t, "party_member"), pj = record_field_index(t, "party_joined");
	if (rec->vals[pm] && rec->vals[pm][0] == '1' && !rec->vals[pj] && e->field[pj] == M_NONE) {
		e->field[pj] = M_party_joined_needed;
		e->count++;
	}
	int cn = record_field_index(t, "cert_number"), ce = record_field_index(t, "cert_expires"),
	    ci = record_field_index(t, "cert_issued");
	if (rec->vals[cn] && !rec->vals[ce] && e->field[ce] == M_NONE) {
		e->field[ce] = M_cert_expiry_needed;
		e->count++;
	}
	if (rec->vals[ci] && rec->vals[ce] && e->field[ce] == M_NONE && e->field[ci] == M_NONE &&
	    strcmp(rec->vals[ci], rec->vals[ce]) >= 0) {
		e->field[ce] = M_cert_dates_order;
		e->count++;
	}
	int ac = record_field_index(t, "account");
	if (rec->vals[ac] && e->field[ac] == M_NONE &&
	    !db_one_int64(req_db(r), 0, "SELECT count(*) FROM users WHERE username = ?", "s", rec->vals[ac])) {
		e->field[ac] = M_sup_account_unknown;
		e->count++;
	}
}

/* The account named in "account" is the one that sees this record as its
 * own (staff: ACC_OWN). */
static int people_after_save(struct req *r, struct record *rec, const struct record *before)
{
	(void)before;
	const struct record_type *t = rec->type;
	const char *account = rec->vals[record_field_index(t, "account")];
	if (!account && (!before || !before->vals[record_field_index(t, "user_id")]))
		return 0; /* no account before or after: nothing to link */
	int64_t uid = account ? db_one_int64(req_db(r), 0, "SELECT id FROM users WHERE username = ?", "s", account) : 0;
	rec->vals[record_field_index(t, "user_id")] = uid ? arena_printf(r->a, "%lld", (long long)uid) : NULL;
	return db_run(req_db(r), "UPDATE people SET user_id = ? WHERE id = ?", "si",
		      rec->vals[record_field_index(t, "user_id")], rec->id);
}

const struct record_type people_type = {
	.name = "people",
	.table = "people",
	.one = M_person,
	.many = M_people,
	.fields = fields,
	.nfields = sizeof fields / sizeof fields[0],
	.unit_field = "unit_id",
	.owner_field = "user_id",
	.title_field = "name",
	.sort = "name",
	.access = {[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE, [ROLE_LEADER] = ACC_READ,
		   [ROLE_UNIT_ADMIN] = ACC_WRITE, [ROLE_STAFF] = ACC_OWN, [ROLE_SUPERVISOR] = ACC_NONE},
	.reveal_roles = 1u << ROLE_ADMIN | 1u << ROLE_OFFICE | 1u << ROLE_UNIT_ADMIN,
	.icon = "M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8M22 21v-2a4 4 0 0 0-3-3.87M16 3.13a4 4 0 0 1 0 7.75",
	.nav_order = 20,
	.check = people_check,
	.after_save = people_after_save,
};
