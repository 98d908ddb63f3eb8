/* module.c — the cases module: every channel's complaints, suggestions,
 * praise, tip-offs, consultations and problems, one workflow with
 * deadlines in working days, the category catalogue, the office's quick
 * entry, supervisors' opinions and the overdue list. */
#include "../web/layout.h"
#include "cases.h"
#include "demo.h"
#include "stats.h"

extern const struct route cases_routes[], open311_routes[], portal_routes[];

static int may_file_opinion(struct req *r, const void *ctx)
{
	(void)ctx;
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		if (r->user->grants[i].role == ROLE_SUPERVISOR)
			return 1;
	return 0;
}

static const struct nav_item nav[] = {
	{.path = "/cases/opinion",
	 .label = M_case_opinion_new,
	 .perm = P_SIGNED_IN,
	 .icon = "M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z",
	 .visible = may_file_opinion,
	 .order = 205},
	{.path = NULL},
};

static const struct record_section sections[] = {
	{.type = RECORD_UNITS, .render = cases_unit_section},
	{.type = NULL},
};

static const struct command commands[] = {
	{"cases", cmd_cases, "the cases' deadlines: remind and escalate now",
	 "usage: wenming cases remind [--today YYYY-MM-DD]\n"
	 "Reminds the handling unit of every case past its deadline (once per deadline) and\n"
	 "escalates those escalate_after working days past it, as the server does every ten\n"
	 "minutes. --today counts from another day than today (for a test or a catch-up)."},
	{NULL, NULL, NULL, NULL},
};

const struct module cases_module = {
	.name = "cases",
	.migrations = "src/cases/migrations/",
	.types = (const struct record_type *const[]){&case_categories_type, &case_attributes_type, &case_replies_type,
						     &cases_type, NULL},
	.routes = (const struct route *const[]){cases_routes, open311_routes, case_stats_routes, portal_routes, NULL},
	.nav = nav,
	.commands = commands,
	.sections = sections,
	.jobs = case_jobs,
	.demo = cases_demo,
	.metrics = case_metrics,
	.home = cases_home,
};
