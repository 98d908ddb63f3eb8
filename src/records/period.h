/* period.h — what a statistics page is asked for: a unit's subtree and a
 * period (?unit=ID&from=YYYY-MM-DD&to=YYYY-MM-DD), read and checked the same
 * way for every module's figures (cases, inspections, rectification, ...):
 * the unit defaults to the user's scope root (the top of the tree for an
 * organization-wide grant of the register, else the unit of their first
 * grant), the period to this year up to today. */
#ifndef WM_RECORDS_PERIOD_H
#define WM_RECORDS_PERIOD_H

#include <stdint.h>

#include "record.h"

#define STATS_MAX_DAYS 3660 /* ten years */

struct stats_ask {
	int64_t unit, from, to; /* from, to: day numbers, both included */
	const char *unit_name;
	int org_wide; /* the user reads t organization-wide */
};

/* Reads and checks ?unit=, ?from= and ?to= for figures over register t:
 * 0, or -1 when the request has failed (403 without access to t or outside
 * the scope, 400 a bad unit or date or a period over STATS_MAX_DAYS, 404 no
 * such unit), with a message that says which. */
int stats_ask_read(struct req *r, const struct record_type *t, struct stats_ask *a);

#endif
