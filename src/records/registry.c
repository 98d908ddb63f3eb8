/* registry.c — every declared record type, in dependency order (a type
 * comes after the types its references point to). One line per register. */
#include "../org/org.h"

const struct record_type *const record_types[] = {
	&units_type, &people_type, &supervisors_type, &supervisor_units_type, &groups_type, &group_members_type,
};
const int record_ntypes = sizeof record_types / sizeof record_types[0];
