/* module.c — the inspections module (督查): checklists, plans, inspections
 * recorded on a phone, conduct supervisors' visits, appeals of a score and
 * the statistics per unit and period. */
#include "../web/layout.h"
#include "inspections.h"

static int may_visit(struct req *r, const void *ctx)
{
	(void)ctx;
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		if (r->user->grants[i].role == ROLE_SUPERVISOR)
			return 1;
	return 0;
}

static const struct nav_item nav[] = {
	{.path = "/inspections/new",
	 .label = M_ins_visit_new,
	 .perm = P_SIGNED_IN,
	 .icon = "M1 12s4-8 11-8 11 8 11 8-4 8-11 8-11-8-11-8zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6",
	 .visible = may_visit,
	 .order = 245},
	{.path = NULL},
};

static const struct record_section sections[] = {
	{.type = RECORD_UNITS, .render = ins_unit_section},
	{.type = NULL},
};

const struct module inspections_module = {
	.name = "inspections",
	.migrations = "src/inspections/migrations/",
	.types = (const struct record_type *const[]){&checklists_type, &checklist_items_type, &plans_type,
						     &inspections_type, NULL},
	.routes = (const struct route *const[]){ins_routes, ins_stats_routes, NULL},
	.nav = nav,
	.sections = sections,
	.demo = inspections_demo,
	.metrics = ins_metrics,
};
