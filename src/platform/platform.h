/* platform.h — the registers every scope is built on: the unit tree
 * (bureau → secondary units → departments / service windows → posts, and
 * party branches) and the people who work in it. The records engine knows
 * them by name (RECORD_UNITS, RECORD_PEOPLE: F_UNIT and F_PERSON fields point
 * here, and a role's scope is a unit's subtree); modules add pages and
 * sections to them (the organization module's tree, statistics and unit
 * page). Registered by the platform module (module.c). */
#ifndef WM_PLATFORM_H
#define WM_PLATFORM_H

#include "../module.h"

/* The platform's migrations among the embedded files. */
#define PLATFORM_MIGRATIONS "src/platform/migrations/"

extern const struct record_type units_type, people_type;
extern const struct enum_opt unit_kinds[], title_levels[];
extern const struct module platform_module;

#endif
