/* demo.h — the demo organization: a city transport bureau as described in
 * its own experience report (13 secondary units, 358 party members, 314
 * certified law-enforcement officers, 106 mid-level professionals, 20
 * conduct supervisors), loaded into an empty database by `wenming demo`
 * and by `make run`. */
#ifndef WM_ORG_DEMO_H
#define WM_ORG_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "../module.h"

struct db;
struct demo_options;

/* The figures the demo reproduces, counted by people_stats() (stats.h)
 * over the bureau's whole subtree. */
enum {
	DEMO_SECONDARY_UNITS = 13,
	DEMO_PARTY_MEMBERS = 358,
	DEMO_CERTIFIED = 314,
	DEMO_MID_LEVEL = 106,
	DEMO_SUPERVISORS = 20,
	DEMO_PEOPLE_MIN = 500,       /* active staff */
	DEMO_PEOPLE_DEFAULT = 520,
	DEMO_PEOPLE_MAX = 1000000,
	DEMO_INACTIVE = 20,          /* retired and transferred, on top of the active staff */
};

/* demo_load's refusal of a database that has units or people already:
 * DEMO_E_NOT_EMPTY (module.h). */

/* Loads the demo organization with `people` active staff (DEMO_PEOPLE_MIN
 * to DEMO_PEOPLE_MAX) plus DEMO_INACTIVE retired or transferred people, in
 * one transaction with one audit entry. The same seed gives the same data
 * on the same day (certificate expiry dates are counted from today so that
 * the figures hold whenever the demo is loaded). Returns 0; or
 * DEMO_E_NOT_EMPTY, a negative DB_E_* code or -1 (bad arguments), with a
 * message in err, and nothing written. */
int demo_load(struct db *db, uint64_t seed, int people, char *err, size_t errlen);

/* The organization module's demo (struct module's demo): demo_load, then
 * a summary of the figures on stdout. */
int org_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen);

#endif
