/* module.c — the quantified assessment module (量化考核): yearly
 * indicator systems edited by the office, their tree of indicators with
 * points, scoring standards, evidence methods and scoring methods, and the
 * formula language over the other modules' metrics. Contracts and rounds
 * come later on the same tables (assessment.h). */
#include "../web/layout.h"
#include "assessment.h"
#include "contracts.h"

static const struct nav_item nav[] = {
	{.path = "/assessment/systems",
	 .label = M_assess_nav,
	 .perm = P_SIGNED_IN,
	 .icon = "M4 4h16v4H4zM4 10h10v4H4zM4 16h6v4H4z",
	 .order = 700},
	{.path = "/assessment/contracts",
	 .label = M_contract_nav,
	 .perm = P_SIGNED_IN,
	 .icon = "M6 3h9l4 4v14H6zM9 12h6M9 16h6M9 8h4",
	 .order = 701},
	{NULL},
};

const struct module assessment_module = {
	.name = "assessment",
	.migrations = "src/assessment/migrations/",
	.routes = (const struct route *const[]){assess_system_routes, assess_indicator_routes, assess_contract_routes, NULL},
	.nav = nav,
	.jobs = assess_contract_jobs,
	.home = assess_contracts_home,
	.demo = assessment_demo,
};
