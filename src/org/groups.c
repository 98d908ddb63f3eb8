/* groups.c — the leadership group (領導小組) and task force (工作專班) of each
 * year, at the bureau and in each unit, with their members and roles. */
#include "org.h"

static const struct enum_opt group_kinds[] = {
	{"leadership_group", M_leadership_group}, {"task_force", M_task_force}, {NULL, M_NONE}};
static const struct enum_opt member_roles[] = {
	{"leader", M_grole_leader}, {"deputy", M_grole_deputy}, {"member", M_grole_member},
	{"office_director", M_grole_office_director}, {NULL, M_NONE}};

/* The fields by position: hooks read rec->vals[GROUP_...], checked by
 * construction (the table below is indexed by them). */
enum {
	GROUP_YEAR,
	GROUP_KIND,
	GROUP_NAME,
	GROUP_UNIT_ID,
	GROUP_DUTIES,
	GROUP_DOCUMENTS,
	GROUP__COUNT
};

static const struct field_def group_fields[] = {
	[GROUP_YEAR] = {.name = "year", .type = F_INT, .label = M_year, .flags = FF_REQUIRED | FF_LIST | FF_FILTER | FF_SORT, .min = 2000, .max = 2100},
	[GROUP_KIND] = {.name = "kind", .type = F_ENUM, .label = M_group_kind, .flags = FF_REQUIRED | FF_LIST | FF_FILTER, .opts = group_kinds},
	[GROUP_NAME] = {.name = "name", .type = F_TEXT, .label = M_group_name, .flags = FF_REQUIRED | FF_LIST | FF_SORT | FF_SEARCH, .min = 1, .max = 80},
	[GROUP_UNIT_ID] = {.name = "unit_id", .type = F_UNIT, .label = M_group_unit, .flags = FF_REQUIRED | FF_LIST | FF_FILTER},
	[GROUP_DUTIES] = {.name = "duties", .type = F_LONGTEXT, .label = M_group_duties, .max = 4000},
	/* the charter, the appointment notice: scans and documents */
	[GROUP_DOCUMENTS] = {.name = "documents", .type = F_FILES, .label = M_group_documents},
};

const struct record_type groups_type = {
	.name = "groups",
	.table = "org_groups",
	.one = M_group,
	.many = M_groups,
	.fields = group_fields,
	.nfields = sizeof group_fields / sizeof group_fields[0],
	.unit_field = "unit_id",
	.title_field = "name",
	.sort = "-year",
	.access = {[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE, [ROLE_LEADER] = ACC_READ,
		   [ROLE_UNIT_ADMIN] = ACC_WRITE, [ROLE_STAFF] = ACC_READ},
	.icon = "M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8M23 11h-6M20 8v6",
	.nav_order = 40,
};

/* The fields by position: hooks read rec->vals[MEMBER_...], checked by
 * construction (the table below is indexed by them). */
enum {
	MEMBER_GROUP_ID,
	MEMBER_PERSON_ID,
	MEMBER_ROLE,
	MEMBER_DUTY,
	MEMBER__COUNT
};

static const struct field_def member_fields[] = {
	[MEMBER_GROUP_ID] = {.name = "group_id", .type = F_REF, .label = M_group, .flags = FF_REQUIRED | FF_LIST | FF_FILTER, .ref = "groups"},
	[MEMBER_PERSON_ID] = {.name = "person_id", .type = F_PERSON, .label = M_person, .flags = FF_REQUIRED | FF_LIST},
	[MEMBER_ROLE] = {.name = "role", .type = F_ENUM, .label = M_group_role, .flags = FF_REQUIRED | FF_LIST | FF_FILTER, .opts = member_roles},
	[MEMBER_DUTY] = {.name = "duty", .type = F_TEXT, .label = M_member_duty, .flags = FF_LIST, .max = 120},
};

const struct record_type group_members_type = {
	.name = "group_members",
	.table = "org_group_members",
	.one = M_group_member,
	.many = M_group_members,
	.fields = member_fields,
	.nfields = sizeof member_fields / sizeof member_fields[0],
	.title_field = "duty",
	.sort = "group_id",
	.access = {[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE, [ROLE_LEADER] = ACC_READ,
		   [ROLE_STAFF] = ACC_READ},
};
