/* org.h — the organization module's record types: units, people, conduct
 * supervisors and their assigned units, groups and their members. */
#ifndef WM_ORG_H
#define WM_ORG_H

#include "../records/record.h"

extern const struct record_type units_type, people_type, supervisors_type, supervisor_units_type, groups_type,
	group_members_type;
extern const struct enum_opt unit_kinds[], title_levels[];

#endif
