/* module.c — the rectification module: the ledger of every problem found
 * (整改台賬), its workflow, raising items from cases, inspections and
 * appraisals, the ledger's workbook and printable page, statistics and
 * metrics, random re-checks, reminders and the demo. */
#include "../web/layout.h"
#include "rect.h"

extern const struct route rect_public_routes[];

static const struct record_section sections[] = {
	{.type = "cases", .render = rect_case_section},
	{.type = "inspections", .render = rect_inspection_section},
	{.type = RECORD_UNITS, .render = rect_unit_section},
	{.type = NULL},
};

static const struct command commands[] = {
	{"rectification", cmd_rectification, "the rectification items' deadlines: remind now",
	 "usage: wenming rectification remind [--today YYYY-MM-DD]\n"
	 "Reminds the responsible unit of every open rectification item past its deadline (once per\n"
	 "deadline), as the server does every ten minutes. --today counts from another day than today\n"
	 "(for a test or a catch-up)."},
	{NULL, NULL, NULL, NULL},
};

const struct module rectification_module = {
	.name = "rectification",
	.migrations = "src/rectification/migrations/",
	.types = (const struct record_type *const[]){&rect_type, NULL},
	.routes = (const struct route *const[]){rect_raise_routes, rect_ledger_routes, rect_stats_routes,
						rect_recheck_routes, rect_public_routes, NULL},
	.commands = commands,
	.sections = sections,
	.jobs = rect_jobs,
	.demo = rect_demo,
	.metrics = rect_metrics,
	.home = rect_home,
};
