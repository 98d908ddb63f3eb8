/* module.c — the honors module (榮譽, 創建活動): the honors register and
 * its workflow, the units counted for the civilized-unit ratio, the ratio
 * and the titles to renew, the scheduler's reminders, campaigns with
 * criteria, applications, evidence and selection, metrics, tiles, demo. */
#include "../web/layout.h"
#include "honors.h"

static const struct record_section sections[] = {
	{.type = RECORD_UNITS, .render = honors_unit_section},
	{.type = "activity_events", .render = honors_event_section},
	{.type = NULL},
};

static const struct command commands[] = {
	{"honors", cmd_honors, "the honors' terms: expire and remind now",
	 "usage: wenming honors remind [--today YYYY-MM-DD]\n"
	 "Expires every valid title whose term has ended and reminds the unit of every valid title whose\n"
	 "term ends this year (once per term end), as the server does every hour. --today counts from\n"
	 "another day than today (for a test or a catch-up)."},
	{NULL, NULL, NULL, NULL},
};

const struct module honors_module = {
	.name = "honors",
	.types = (const struct record_type *const[]){&honors_type, &counted_units_type, &campaigns_type, &criteria_type,
						     &applications_type, &evidence_type, NULL},
	.routes = (const struct route *const[]){honors_routes, honors_award_routes, NULL},
	.commands = commands,
	.sections = sections,
	.jobs = honors_jobs,
	.demo = honors_demo,
	.metrics = honors_metrics,
	.home = honors_home,
};
