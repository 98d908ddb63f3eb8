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

/* The fields by position: hooks read rec->vals[PERSON_...], checked by
 * construction (the table below is indexed by them). */
enum {
	PERSON_NAME,
	PERSON_GENDER,
	PERSON_BIRTH_DATE,
	PERSON_ID_NUMBER,
	PERSON_PHONE,
	PERSON_UNIT_ID,
	PERSON_POST,
	PERSON_POSITION,
	PERSON_IS_LEADER,
	PERSON_STATUS,
	PERSON_EDUCATION,
	PERSON_PARTY_MEMBER,
	PERSON_PARTY_JOINED,
	PERSON_PARTY_BRANCH_ID,
	PERSON_CERT_NUMBER,
	PERSON_CERT_ISSUED,
	PERSON_CERT_EXPIRES,
	PERSON_TITLE,
	PERSON_TITLE_LEVEL,
	PERSON_ACCOUNT,
	PERSON_USER_ID,
	PERSON__COUNT
};

static const struct field_def fields[] = {
	[PERSON_NAME] = {.name = "name", .type = F_TEXT, .label = M_person_name, .flags = FF_REQUIRED | FF_LIST | FF_SORT | FF_SEARCH, .min = 1, .max = 40},
	[PERSON_GENDER] = {.name = "gender", .type = F_ENUM, .label = M_gender, .flags = FF_LIST | FF_FILTER, .opts = genders},
	[PERSON_BIRTH_DATE] = {.name = "birth_date", .type = F_DATE, .label = M_birth_date, .flags = FF_SORT},
	[PERSON_ID_NUMBER] = {.name = "id_number", .type = F_TEXT, .label = M_id_number, .flags = FF_UNIQUE | FF_SENSITIVE, .pattern = PAT_ID_CARD},
	[PERSON_PHONE] = {.name = "phone", .type = F_TEXT, .label = M_phone, .flags = FF_SENSITIVE, .pattern = PAT_PHONE},
	[PERSON_UNIT_ID] = {.name = "unit_id", .type = F_UNIT, .label = M_person_unit, .flags = FF_REQUIRED | FF_LIST | FF_FILTER},
	[PERSON_POST] = {.name = "post", .type = F_TEXT, .label = M_person_post, .flags = FF_SEARCH, .max = 60},
	[PERSON_POSITION] = {.name = "position", .type = F_TEXT, .label = M_person_position, .flags = FF_LIST | FF_SEARCH, .max = 60},
	[PERSON_IS_LEADER] = {.name = "is_leader", .type = F_BOOL, .label = M_is_leader, .flags = FF_FILTER},
	[PERSON_STATUS] = {.name = "status", .type = F_ENUM, .label = M_emp_status, .flags = FF_REQUIRED | FF_LIST | FF_FILTER, .opts = statuses, .dflt = "active", .filter_dflt = "active"},
	[PERSON_EDUCATION] = {.name = "education", .type = F_ENUM, .label = M_education, .flags = FF_FILTER, .opts = educations},
	[PERSON_PARTY_MEMBER] = {.name = "party_member", .type = F_BOOL, .label = M_party_member, .flags = FF_LIST | FF_FILTER},
	[PERSON_PARTY_JOINED] = {.name = "party_joined", .type = F_DATE, .label = M_party_joined},
	[PERSON_PARTY_BRANCH_ID] = {.name = "party_branch_id", .type = F_UNIT, .label = M_party_branch},
	[PERSON_CERT_NUMBER] = {.name = "cert_number", .type = F_TEXT, .label = M_cert_number, .flags = FF_UNIQUE | FF_SEARCH | FF_FILTER, .max = 40, .pattern = PAT_CODE},
	[PERSON_CERT_ISSUED] = {.name = "cert_issued", .type = F_DATE, .label = M_cert_issued},
	[PERSON_CERT_EXPIRES] = {.name = "cert_expires", .type = F_DATE, .label = M_cert_expires, .flags = FF_SORT},
	[PERSON_TITLE] = {.name = "title", .type = F_TEXT, .label = M_prof_title, .flags = FF_SEARCH, .max = 60},
	[PERSON_TITLE_LEVEL] = {.name = "title_level", .type = F_ENUM, .label = M_title_level, .flags = FF_LIST | FF_FILTER, .opts = title_levels},
	[PERSON_ACCOUNT] = {.name = "account", .type = F_TEXT, .label = M_person_account, .flags = FF_UNIQUE, .max = 32, .hint = M_person_account_hint},
	[PERSON_USER_ID] = {.name = "user_id", .type = F_INT, .label = M_person_account, .flags = FF_HIDDEN},
};

/* A party member needs a join date; a certificate needs its dates in order. */
static void people_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *e)
{
	(void)before;
	const int pm = PERSON_PARTY_MEMBER, pj = PERSON_PARTY_JOINED;
	if (rec->vals[pm] && rec->vals[pm][0] == '1' && !rec->vals[pj] && e->field[pj] == M_NONE) {
		e->field[pj] = M_party_joined_needed;
		e->count++;
	}
	const int cn = PERSON_CERT_NUMBER, ce = PERSON_CERT_EXPIRES, ci = PERSON_CERT_ISSUED;
	if (rec->vals[cn] && !rec->vals[ce] && e->field[ce] == M_NONE) {
		e->field[ce] = M_cert_expiry_needed;
		e->count++;
	}
	if (rec->vals[ci] && rec->vals[ce] && e->field[ce] == M_NONE && e->field[ci] == M_NONE &&
	    strcmp(rec->vals[ci], rec->vals[ce]) >= 0) {
		e->field[ce] = M_cert_dates_order;
		e->count++;
	}
	const int ac = PERSON_ACCOUNT;
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
	const char *account = rec->vals[PERSON_ACCOUNT];
	if (!account && (!before || !before->vals[PERSON_USER_ID]))
		return 0; /* no account before or after: nothing to link */
	int64_t uid = account ? db_one_int64(req_db(r), 0, "SELECT id FROM users WHERE username = ?", "s", account) : 0;
	rec->vals[PERSON_USER_ID] = uid ? arena_printf(r->a, "%lld", (long long)uid) : NULL;
	return db_run(req_db(r), "UPDATE people SET user_id = ? WHERE id = ?", "si",
		      rec->vals[PERSON_USER_ID], rec->id);
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
