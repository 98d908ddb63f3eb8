/* module.c — the organization module: its registers (conduct supervisors
 * and their units, groups and their members), its pages over the
 * platform's units and people (tree, moves, statistics, certificates), the
 * unit page's figures, the demo organization and the staff metrics. */
#include "org.h"
#include "demo.h"
#include "stats.h"
#include "../web/layout.h"

extern const struct route org_routes[];

static int units_readable(struct req *r, const void *ctx)
{
	(void)ctx;
	return record_type_may(r, &units_type, ACC_READ);
}

static const struct nav_item nav[] = {
	{.path = "/org/tree",
	 .label = M_units,
	 .perm = P_SIGNED_IN,
	 .icon = "M3 21h18M5 21V7l7-4 7 4v14M9 9h1M14 9h1M9 13h1M14 13h1M9 17h1M14 17h1",
	 .visible = units_readable,
	 .order = 10},
	{.path = NULL},
};

static const struct record_section sections[] = {
	{.type = RECORD_UNITS,
	 .render = org_unit_section,
	 .links = (const struct record_link[]){{"/org/tree", M_org_tree}, {"/org/stats", M_org_stats}, {NULL, M_NONE}}},
	{.type = RECORD_PEOPLE,
	 .links = (const struct record_link[]){{"/org/stats", M_org_stats},
					       {"/org/certificates", M_cert_expiring},
					       {NULL, M_NONE}}},
	{.type = NULL},
};

const struct module org_module = {
	.name = "org",
	.types = (const struct record_type *const[]){&supervisors_type, &supervisor_units_type, &groups_type,
						     &group_members_type, NULL},
	.routes = (const struct route *const[]){org_routes, NULL},
	.nav = nav,
	.sections = sections,
	.demo = org_demo,
	.metrics = org_metrics,
};
