/* stats.h — staff statistics for a unit subtree, counted from the people
 * register every time (never stored), for the page, the API and reports.
 *
 * Over people with archived = 0 and status = 'active' in the subtree:
 *   total                      everyone
 *   party_members              party_member = 1
 *   law_enforcement_certified  a certificate number, valid today or later
 *   mid_level_professionals    title level intermediate or higher */
#ifndef WM_ORG_STATS_H
#define WM_ORG_STATS_H

#include <stdint.h>

#include "../module.h"

struct db;

struct people_stats {
	int64_t total, party_members, law_enforcement_certified, mid_level_professionals;
};

/* Counts for the subtree of unit_id as of today (YYYY-MM-DD). 0 or -1. */
int people_stats(struct db *db, int64_t unit_id, const char *today, struct people_stats *out);

/* The same figures as metrics for the assessment (struct module's
 * metrics), as of the period's last day: staff, party_members,
 * certified_officers, professionals. */
extern const struct metric org_metrics[];

#endif
