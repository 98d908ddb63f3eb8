/* module.c — the quantified assessment module (量化考核): yearly
 * indicator systems edited by the office, their tree of indicators with
 * points, scoring standards, evidence methods and scoring methods, and the
 * formula language over the other modules' metrics. Contracts and rounds
 * come later on the same tables (assessment.h). */
#include "../web/layout.h"
#include "assessment.h"
#include "round.h"
#include "roundwork.h"

static const struct nav_item nav[] = {
	{.path = "/assessment/systems",
	 .label = M_assess_nav,
	 .perm = P_SIGNED_IN,
	 .icon = "M4 4h16v4H4zM4 10h10v4H4zM4 16h6v4H4z",
	 .order = 700},
	{NULL},
};

const struct module assessment_module = {
	.name = "assessment",
	.migrations = "src/assessment/migrations/",
	.routes = (const struct route *const[]){assess_system_routes, assess_indicator_routes, assess_round_routes, assess_score_routes,
						assess_self_routes, assess_review_routes, assess_appeal_routes, assess_pack_routes,
						NULL},
	.commands = assess_round_commands,
	.nav = nav,
	.demo = assessment_demo,
};
