/* module.c — the activities module (活動與陣地): events with their
 * participants (people and units, with volunteer hours), photos and
 * results; the facilities register and the events held in each; their
 * statistics, metrics, home tile and demo. */
#include "activities.h"

static const struct record_section sections[] = {
	{.type = RECORD_PEOPLE, .render = actv_person_section},
	{.type = NULL},
};

const struct module activities_module = {
	.name = "activities",
	.types = (const struct record_type *const[]){&facilities_type, &activity_events_type,
						     &activity_participants_type, NULL},
	.routes = (const struct route *const[]){actv_stats_routes, NULL},
	.sections = sections,
	.demo = activities_demo,
	.metrics = actv_metrics,
	.home = actv_home,
};
