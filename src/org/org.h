/* org.h — the organization module: conduct supervisors and their assigned
 * units, leadership groups and task forces with their members, and the
 * pages over the platform's units and people (tree, moves, statistics,
 * certificates, the unit page's figures). */
#ifndef WM_ORG_H
#define WM_ORG_H

#include "../platform/platform.h"

extern const struct record_type supervisors_type, supervisor_units_type, groups_type, group_members_type;
extern const struct module org_module;

/* The unit page's staff figures and sub-units (unit_page.c). */
void org_unit_section(struct req *r, const struct record *rec);

#endif
