/* module.c — the quantified assessment module (量化考核): yearly
 * indicator systems edited by the office, their tree of indicators with
 * points, scoring standards, evidence methods and scoring methods, and the
 * formula language over the other modules' metrics. Contracts and rounds
 * come later on the same tables (assessment.h). */
#include "../web/layout.h"
#include "assessment.h"
#include "contracts.h"
#include "metrics.h"
#include "round.h"
#include "roundwork.h"

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
	{.path = "/assessment/rounds", .label = M_assess_rounds, .perm = P_SIGNED_IN, .icon = "M4 20V10h4v10zM10 20V4h4v16zM16 20v-7h4v7z", .order = 702},
	{NULL},
};

static const struct command commands[] = {
	{"metrics", cmd_metrics, "every module's metrics for a unit; --check proves their shares",
	 "usage: wenming metrics [--unit ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--check [--metric NAME] [--every N]]\n"
	 "Prints every module's metrics for the unit's subtree (the top of the tree by default)\n"
	 "over the period (this year up to today by default). --check instead verifies, for every\n"
	 "metric and every unit, that the shares of the whole organization folded up the tree give\n"
	 "exactly what the metric computes for the unit, and that a count's records add up to its\n"
	 "value; it prints one line per metric with its timings and exits 1 listing each mismatch.\n"
	 "--metric NAME checks that metric only; --every N compares only the units whose id is 1 more\n"
	 "than a multiple of N; --shares-only times the shares and folds without\n"
	 "comparing (for benchmarks); --corrupt NAME (for tests) puts one unit's share of\n"
	 "metric NAME off by one."},
	{"assess-compute", cmd_assess_compute, "compute an assessment round's scores (prints progress)",
	 "usage: wenming assess-compute ROUND\n"
	 "Freezes the metrics of every unit of the round as of its period and scores every automatic\n"
	 "indicator, then rolls up, grades and ranks, in one transaction; prints its progress on stderr."},
	{NULL, NULL, NULL, NULL},
};

const struct module assessment_module = {
	.name = "assessment",
	.migrations = "src/assessment/migrations/",
	.routes = (const struct route *const[]){assess_system_routes, assess_indicator_routes, assess_metric_routes,
						assess_contract_routes, assess_round_routes, assess_score_routes,
						assess_self_routes, assess_review_routes, assess_appeal_routes,
						assess_pack_routes, NULL},
	.nav = nav,
	.commands = commands,
	.jobs = assess_contract_jobs,
	.home = assess_contracts_home,
	.demo = assessment_demo,
};
