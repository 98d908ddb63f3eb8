/* groups.c — the leadership group (領導小組) and task force (工作專班) of each
 * year, at the bureau and in each unit, with their members and roles. */
#include "org.h"

static const struct enum_opt group_kinds[] = {
	{"leadership_group", M_leadership_group}, {"task_force", M_task_force}, {NULL, M_NONE}};
static const struct enum_opt member_roles[] = {
	{"leader", M_grole_leader}, {"deputy", M_grole_deputy}, {"member", M_grole_member},
	{"office_director", M_grole_office_director}, {NULL, M_NONE}};

static const struct field_def group_fields[] = {
	{"year", F_INT, M_year, FF_REQUIRED | FF_LIST | FF_FILTER | FF_SORT, 2000, 2100, PAT_NONE, NULL, NULL, M_NONE},
	{"kind", F_ENUM, M_group_kind, FF_REQUIRED | FF_LIST | FF_FILTER, 0, 0, PAT_NONE, group_kinds, NULL, M_NONE},
	{"name", F_TEXT, M_group_name, FF_REQUIRED | FF_LIST | FF_SORT | FF_SEARCH, 1, 80, PAT_NONE, NULL, NULL, M_NONE},
	{"unit_id", F_UNIT, M_group_unit, FF_REQUIRED | FF_LIST | FF_FILTER, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
	{"duties", F_LONGTEXT, M_group_duties, 0, 0, 4000, PAT_NONE, NULL, NULL, M_NONE},
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

static const struct field_def member_fields[] = {
	{"group_id", F_REF, M_group, FF_REQUIRED | FF_LIST | FF_FILTER, 0, 0, PAT_NONE, NULL, "groups", M_NONE},
	{"person_id", F_PERSON, M_person, FF_REQUIRED | FF_LIST, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
	{"role", F_ENUM, M_group_role, FF_REQUIRED | FF_LIST | FF_FILTER, 0, 0, PAT_NONE, member_roles, NULL, M_NONE},
	{"duty", F_TEXT, M_member_duty, FF_LIST, 0, 120, PAT_NONE, NULL, NULL, M_NONE},
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
